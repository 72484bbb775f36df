/* libFuzzer harness for the GGUF reader of aieng_transformer.h: parse arbitrary
   bytes, read every metadata value and tensor row through the public getters,
   then write the metadata back with the writer and parse the result again.
   make build/fuzz/fuzz_gguf && build/fuzz/fuzz_gguf -max_total_time=300 corpus/ */
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h"
#include <string.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aieng_gguf *g = NULL, *g2 = NULL;
    aieng_gguf_writer *w = NULL;
    int64_t i, iv;
    uint64_t j;
    double dv;
    const char *s;
    size_t n;
    volatile unsigned sink = 0;
    if (aieng_gguf_open_memory(&g, data, size, NULL) != AIENG_OK) return 0;
    aieng_gguf_writer_new(&w, NULL);
    for (i = 0; i < g->n_kv; i++) {
        const aieng_gguf_kv *kv = &g->kv[i];
        (void)aieng_gguf_get_int(g, kv->key, &iv);
        (void)aieng_gguf_get_float(g, kv->key, &dv);
        if (aieng_gguf_get_string(g, kv->key, &s, &n) == AIENG_OK && n) sink += (unsigned char)s[n - 1];
        if (kv->type == AIENG_GGUF_ARRAY)
            for (j = 0; j < kv->n && j < 64; j++) {
                (void)aieng_gguf_array_int(g, i, j, &iv);
                (void)aieng_gguf_array_float(g, i, j, &dv);
                if (aieng_gguf_array_string(g, i, j, &s, &n) == AIENG_OK && n) sink += (unsigned char)s[n - 1];
            }
        if (w) (void)aieng_gguf_writer_copy_kv(w, g, i);
    }
    for (i = 0; i < g->n_tensors; i++) {
        const aieng_gguf_tensor_info *t = &g->tensors[i];
        if (t->size) sink += ((const uint8_t *)t->data)[0] + ((const uint8_t *)t->data)[t->size - 1];
        if (w) (void)aieng_gguf_writer_add_tensor(w, t->name, t->type, t->n_dims ? t->n_dims : 1, t->ne, t->data);
        (void)aieng_gguf_find_tensor(g, t->name);
    }
    if (w) {
        void *buf;
        if (aieng_gguf_writer_write_memory(w, &buf, &n) == AIENG_OK) {
            if (aieng_gguf_open_memory(&g2, buf, n, NULL) == AIENG_OK) aieng_gguf_close(g2);
            aieng_free(NULL, buf);
        }
        aieng_gguf_writer_free(w);
    }
    aieng_gguf_close(g);
    (void)sink;
    return 0;
}
