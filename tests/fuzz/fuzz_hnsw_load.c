/* fuzz_hnsw_load.c - libFuzzer harness for aieng_hnsw_load_buffer.
   Each input is loaded twice: as it is (the checksum rejects most changes)
   and with its trailing checksum recomputed, so that the fuzzer reaches the
   structural checks behind it. A loaded index is searched, grown, compacted and saved.
     make build/fuzz/fuzz_hnsw_load
     build/fuzz/fuzz_hnsw_load -max_total_time=300 build/fuzz/corpus-hnsw tests/fuzz/corpus/fuzz_hnsw_load
   Crashing inputs go to tests/data/hnsw/fuzz_regressions/ (test_hnsw replays them). */
#define AIENG_IMPLEMENTATION
#include "aieng_hnsw.h"
#include <stdlib.h>
#include <string.h>

static void exercise(const uint8_t *data, size_t size) {
    aieng_hnsw *h = NULL;
    if (aieng_hnsw_load_buffer(&h, data, size, NULL) != AIENG_OK) return;
    if (aieng_hnsw_dim(h) <= 4096) {
        float *q = (float *)calloc((size_t)aieng_hnsw_dim(h), sizeof(float));
        uint64_t got[8];
        int64_t nf;
        size_t n;
        if (q) {
            q[0] = 1.0f;
            aieng_hnsw_search(h, q, 8, 16, got, NULL, &nf);
            aieng_hnsw_search_exact(h, q, 8, got, NULL, &nf);
            aieng_hnsw_add(h, 0xfeedu, q);
            if (nf > 0) aieng_hnsw_remove(h, got[0]);
            aieng_hnsw_compact(h, NULL);
            aieng_hnsw_search(h, q, 8, 16, got, NULL, &nf);
            n = aieng_hnsw_save_size(h);
            if (n < (1u << 24)) {
                void *b = malloc(n);
                if (b) { aieng_hnsw_save_buffer(h, b, n); free(b); }
            }
            free(q);
        }
    }
    aieng_hnsw_destroy(h);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    exercise(data, size);
    if (size >= 104 && size < (1u << 24)) {
        uint8_t *c = (uint8_t *)malloc(size);
        uint64_t ck;
        int j;
        if (!c) return 0;
        memcpy(c, data, size);
        ck = aieng_hnsw_checksum(c, size - 8);
        for (j = 0; j < 8; j++) c[size - 8 + j] = (uint8_t)(ck >> (8 * j));
        exercise(c, size);
        free(c);
    }
    return 0;
}
