/* bench/transformer.c - prefill and decode speed of aieng_transformer.h.

   build/bench/transformer MODEL.gguf THREADS [RUNS] [N_PROMPT] [N_GEN]
   Prefill: N_PROMPT (512) tokens in one eval (n_batch 512); decode: N_GEN
   (128) greedy single-token evals after it. Prints the median tokens/s over
   RUNS (5) runs (also per second of process CPU time, steadier on a busy
   machine), the peak RSS, the weight bytes one decoded token reads, and
   the read bandwidth of this machine (a 1 GiB streaming sum), whose quotient
   is the bandwidth bound of decode. One line per figure, "key: value". */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <sys/resource.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static double cpu_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}
static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof(double), cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* The same text the peer script uses (bench/transformer_llama.py). */
static const char *TEXT =
    "The history of computing is a story of abstraction. Early machines were programmed by rewiring "
    "panels; later, stored programs let the same hardware run many tasks. Assembly languages gave names "
    "to instructions, compilers translated structured code into machine words, and operating systems "
    "shared processors and memory among many programs. Each layer hid details of the one below and let "
    "people think about larger problems. ";

/* Read bandwidth: an integer sum (vectorizable, no FP ordering) over 1 GiB. */
static double read_bandwidth(void) {
    size_t n = (size_t)1 << 27, i;
    uint64_t *buf = (uint64_t *)malloc(n * sizeof(uint64_t)), sum = 0;
    double best = 0.0;
    int r;
    if (!buf) return 0.0;
    for (i = 0; i < n; i++) buf[i] = (uint64_t)i;
    for (r = 0; r < 3; r++) {
        double t = now(), gbs;
        for (i = 0; i < n; i++) sum += buf[i];
        t = now() - t;
        gbs = (double)(n * sizeof(uint64_t)) / t / 1e9;
        if (gbs > best) best = gbs;
    }
    if (sum == 42) best += 0.0; /* keep the sum alive */
    free(buf);
    return best;
}

int main(int argc, char **argv) {
    aieng_model *m;
    aieng_model_config cfg = aieng_model_config_default();
    int threads, runs, r, n_prompt, n_gen, i;
    int32_t *ids;
    int64_t n = 0, have = 0;
    double pf[32], dc[32], pfc[32], dcc[32], weight_bytes = 0.0, bw;
    const aieng_gguf *g;
    struct rusage ru;
    if (argc < 3) {
        fprintf(stderr, "usage: %s MODEL.gguf THREADS [RUNS] [N_PROMPT] [N_GEN]\n", argv[0]);
        return 2;
    }
    threads = atoi(argv[2]);
    runs = argc > 3 ? atoi(argv[3]) : 5;
    n_prompt = argc > 4 ? atoi(argv[4]) : 512;
    n_gen = argc > 5 ? atoi(argv[5]) : 128;
    if (runs < 1 || runs > 32 || n_prompt < 1 || n_gen < 1) return 2;
    cfg.n_ctx = 1024;
    cfg.n_batch = 512;
    cfg.n_threads = threads;
    if (aieng_model_load_file(&m, argv[1], &cfg) != AIENG_OK) {
        fprintf(stderr, "bench: %s\n", aieng_last_error());
        return 1;
    }
    ids = (int32_t *)malloc((size_t)(n_prompt + 1024) * sizeof(int32_t));
    while (have < n_prompt) {
        aieng_model_tokenize(m, TEXT, strlen(TEXT), 0, 0, ids + have, 1024, &n);
        have += n;
    }
    for (r = 0; r < runs; r++) {
        const float *lg;
        int32_t tok;
        double t, c;
        aieng_model_kv_truncate(m, 0);
        t = now();
        c = cpu_now();
        aieng_model_eval(m, ids, n_prompt, &lg);
        pf[r] = (double)n_prompt / (now() - t);
        pfc[r] = (double)n_prompt / (cpu_now() - c);
        t = now();
        c = cpu_now();
        for (i = 0; i < n_gen; i++) {
            int64_t j;
            tok = 0;
            for (j = 1; j < aieng_model_get_hparams(m)->n_vocab; j++)
                if (lg[j] > lg[tok]) tok = (int32_t)j;
            aieng_model_eval(m, &tok, 1, &lg);
        }
        dc[r] = (double)n_gen / (now() - t);
        dcc[r] = (double)n_gen / (cpu_now() - c);
        fprintf(stderr, "run %d: prefill %.1f tok/s, decode %.1f tok/s\n", r, pf[r], dc[r]);
    }
    g = aieng_model_gguf(m);
    for (i = 0; i < g->n_tensors; i++) /* every weight is read once per token, except the embedding lookup */
        if (strcmp(g->tensors[i].name, "token_embd.weight") != 0 ||
            aieng_gguf_find_tensor(g, "output.weight") < 0)
            weight_bytes += (double)g->tensors[i].size;
    getrusage(RUSAGE_SELF, &ru);
    printf("threads: %d\n", threads);
    printf("prefill_tok_s: %.1f\n", median(pf, runs));
    printf("decode_tok_s: %.1f\n", median(dc, runs));
    printf("prefill_tok_per_cpu_s: %.1f\n", median(pfc, runs));
    printf("decode_tok_per_cpu_s: %.1f\n", median(dcc, runs));
    printf("peak_rss_mib: %.1f\n", (double)ru.ru_maxrss / 1024.0);
    printf("weight_mb_per_token: %.1f\n", weight_bytes / 1e6);
    bw = read_bandwidth();
    printf("read_bandwidth_gb_s: %.1f\n", bw);
    printf("decode_bound_tok_s: %.0f\n", bw * 1e9 / weight_bytes);
    free(ids);
    aieng_model_free(m);
    return 0;
}
