/* llama_truncate.c - a copy of a Llama GGUF file with only its first L layers (metadata,
   tokenizer, embedding, output norm and head kept; block_count set to L).
   The GPU machine of tools/gpu_session.sh cannot download the model and takes at most
   64 MiB in all (the repo is about 23 of them): SmolLM2-135M-Instruct.Q4_1 (94 MiB) cut to 3 layers is
   37 MiB. bench/cuda_llama.cu checks the GPU path's greedy tokens against the CPU path on
   it and times it repeated to the full 30 layers (the same work per token as the model).
     cc -std=c99 -O2 -I. tools/llama_truncate.c -o build/llama_truncate -lm -pthread
     build/llama_truncate models/SmolLM2-135M-Instruct.Q4_1.gguf 3 models/SmolLM2-3L.Q4_1.gguf */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

int main(int argc, char **argv) {
    aieng_gguf *g = NULL;
    aieng_gguf_writer *w = NULL;
    const char *s;
    size_t len;
    char key[96], arch[32];
    int64_t i, keep, kv_bc;
    aieng_result r;
    if (argc != 4 || (keep = atoll(argv[2])) <= 0) {
        fprintf(stderr, "usage: llama_truncate IN.gguf LAYERS OUT.gguf\n");
        return 2;
    }
    if (aieng_gguf_open_file(&g, argv[1], NULL) != AIENG_OK ||
        aieng_gguf_get_string(g, "general.architecture", &s, &len) != AIENG_OK || len >= sizeof arch) {
        fprintf(stderr, "llama_truncate: %s: %s\n", argv[1], aieng_last_error());
        return 1;
    }
    memcpy(arch, s, len);
    arch[len] = 0;
    snprintf(key, sizeof key, "%s.block_count", arch);
    kv_bc = aieng_gguf_find_key(g, key);
    r = aieng_gguf_writer_new(&w, NULL);
    for (i = 0; r == AIENG_OK && i < g->n_kv; i++)
        if (i != kv_bc) r = aieng_gguf_writer_copy_kv(w, g, i);
    if (r == AIENG_OK) r = aieng_gguf_writer_set_int(w, key, AIENG_GGUF_UINT32, keep);
    for (i = 0; r == AIENG_OK && i < g->n_tensors; i++) {
        const aieng_gguf_tensor_info *t = &g->tensors[i];
        if (strncmp(t->name, "blk.", 4) == 0 && atoll(t->name + 4) >= keep) continue;
        r = aieng_gguf_writer_add_tensor(w, t->name, t->type, t->n_dims, t->ne, t->data);
    }
    if (r == AIENG_OK) r = aieng_gguf_writer_write_file(w, argv[3]);
    if (r != AIENG_OK) fprintf(stderr, "llama_truncate: %s\n", aieng_last_error());
    else fprintf(stderr, "llama_truncate: %s: %lld layers\n", argv[3], (long long)keep);
    aieng_gguf_writer_free(w);
    aieng_gguf_close(g);
    return r != AIENG_OK;
}
