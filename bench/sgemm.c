/* bench/sgemm.c - aieng_sgemm / aieng_sgemv against OpenBLAS, side by side in
   one process on the same inputs (results checked to agree first).
   Run through bench/tensor.sh, which unsets OPENBLAS_CORETYPE/OPENBLAS_L2_SIZE
   so that OpenBLAS picks its best kernel for this CPU.
   usage: build/bench/sgemm [--quick] [--threads LIST]  (LIST like 1,2) */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TENSOR_IMPLEMENTATION
#include "aieng_tensor.h"
#include <cblas.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

extern char *openblas_get_config(void);
extern char *openblas_get_corename(void);
extern void openblas_set_num_threads(int);

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static aieng_rng rng;
static float *randm(size_t n) {
    float *p = (float *)malloc(n * sizeof(float));
    size_t i;
    for (i = 0; i < n; i++) p[i] = aieng_rng_uniform(&rng) * 2.0f - 1.0f;
    return p;
}

typedef struct { int M, N, K, tb; const char *what; } shape;
static int quick = 0;

/* median seconds per call of fn over `reps` timed batches */
#define TIME_IT(result, call) do { \
        double t_[7]; int r_, it_, n_ = 1; double t0_ = now(); call; \
        while (now() - t0_ < 0.05) { call; n_++; } /* calibrate to ~50 ms per batch */ \
        for (r_ = 0; r_ < (quick ? 3 : 7); r_++) { t0_ = now(); for (it_ = 0; it_ < n_; it_++) { call; } t_[r_] = (now() - t0_) / n_; } \
        qsort(t_, (size_t)(quick ? 3 : 7), sizeof(double), cmp_double); result = t_[(quick ? 3 : 7) / 2]; } while (0)

static int check(const float *a, const float *b, size_t n, int K, const char *what) {
    double maxd = 0, maxv = 0;
    size_t i;
    for (i = 0; i < n; i++) {
        double d = fabs((double)a[i] - (double)b[i]);
        if (d > maxd || d != d) maxd = d != d ? 1e30 : d;
        if (fabs(b[i]) > maxv) maxv = fabs(b[i]);
    }
    if (maxd > 1e-5 * sqrt((double)K) * (maxv > 1 ? maxv : 1)) {
        fprintf(stderr, "MISMATCH %s: max abs diff %g (max |c| %g)\n", what, maxd, maxv);
        return 1;
    }
    return 0;
}

static int bench_gemm(const shape *s, int threads) {
    size_t na = (size_t)s->M * s->K, nb = (size_t)s->K * s->N, nc = (size_t)s->M * s->N;
    float *A = randm(na), *B = randm(nb), *C1 = (float *)calloc(nc, 4), *C2 = (float *)calloc(nc, 4);
    double t_us, t_ob, flop = 2.0 * s->M * s->N * s->K;
    int bad;
    int ldb = s->tb ? s->K : s->N;
    aieng_sgemm(0, s->tb, s->M, s->N, s->K, 1.0f, A, s->K, B, ldb, 0.0f, C1, s->N);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, s->tb ? CblasTrans : CblasNoTrans, s->M, s->N, s->K, 1.0f, A, s->K, B, ldb, 0.0f, C2, s->N);
    bad = check(C1, C2, nc, s->K, s->what);
    TIME_IT(t_us, aieng_sgemm(0, s->tb, s->M, s->N, s->K, 1.0f, A, s->K, B, ldb, 0.0f, C1, s->N));
    TIME_IT(t_ob, cblas_sgemm(CblasRowMajor, CblasNoTrans, s->tb ? CblasTrans : CblasNoTrans, s->M, s->N, s->K, 1.0f, A, s->K, B, ldb, 0.0f, C2, s->N));
    printf("| %-22s | %d | %5d×%5d×%5d | %7.1f | %7.1f | %5.2f |%s\n", s->what, threads, s->M, s->N, s->K, flop / t_us * 1e-9,
           flop / t_ob * 1e-9, t_ob / t_us, bad ? " MISMATCH" : "");
    fflush(stdout);
    free(A); free(B); free(C1); free(C2);
    return bad;
}

/* M = 1: y = W·x with W stored N×K (the decode form). Cycle through enough
   copies of W that the working set is far larger than the last-level cache. */
static double triad_gbs = 0;
static void measure_triad(void) {
    size_t n = (quick ? 32u : 256u) * 1024 * 1024 / 4, i;
    float *a = (float *)malloc(n * 4), *b = (float *)malloc(n * 4), *c = (float *)malloc(n * 4);
    double best = 1e30;
    int r;
    for (i = 0; i < n; i++) { b[i] = 1.0f; c[i] = 2.0f; a[i] = 0.0f; }
    for (r = 0; r < 5; r++) {
        double t0 = now();
        for (i = 0; i < n; i++) a[i] = b[i] + 3.0f * c[i];
        t0 = now() - t0;
        if (t0 < best) best = t0;
    }
    triad_gbs = 3.0 * (double)n * 4 / best * 1e-9;
    printf("memory bandwidth (triad a = b + 3c over 3 × %zu MiB, best of 5, one thread): %.1f GB/s (check %g)\n\n",
           n * 4 >> 20, triad_gbs, (double)a[n / 2]);
    free(a); free(b); free(c);
}
static int bench_gemv(const shape *s, int threads) {
    size_t nw = (size_t)s->N * s->K, copies = (size_t)((quick ? 256.0 : 1024.0) * 1048576 / (nw * 4.0)) + 1, i;
    float **W = (float **)malloc(copies * sizeof(float *)), *x = randm((size_t)s->K), *y1 = (float *)calloc((size_t)s->N, 4),
          *y2 = (float *)calloc((size_t)s->N, 4);
    double t_us, t_ob, bytes = (double)nw * 4;
    size_t cur = 0;
    int bad;
    for (i = 0; i < copies; i++) W[i] = randm(nw);
    aieng_sgemv(0, s->N, s->K, 1.0f, W[0], s->K, x, 0.0f, y1);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, s->N, s->K, 1.0f, W[0], s->K, x, 1, 0.0f, y2, 1);
    bad = check(y1, y2, (size_t)s->N, s->K, s->what);
    TIME_IT(t_us, (aieng_sgemv(0, s->N, s->K, 1.0f, W[cur], s->K, x, 0.0f, y1), cur = (cur + 1) % copies));
    TIME_IT(t_ob, (cblas_sgemv(CblasRowMajor, CblasNoTrans, s->N, s->K, 1.0f, W[cur], s->K, x, 1, 0.0f, y2, 1), cur = (cur + 1) % copies));
    printf("| %-22s | %d | %5d×%5d×%5d | %7.1f | %7.1f | %5.2f | %6.1f GB/s = %3.0f%% |%s\n", s->what, threads, s->M, s->N, s->K,
           2.0 * nw / t_us * 1e-9, 2.0 * nw / t_ob * 1e-9, t_ob / t_us, bytes / t_us * 1e-9, 100.0 * bytes / t_us * 1e-9 / triad_gbs,
           bad ? " MISMATCH" : "");
    fflush(stdout);
    for (i = 0; i < copies; i++) free(W[i]);
    free(W); free(x); free(y1); free(y2);
    return bad;
}

int main(int argc, char **argv) {
    static const shape big[] = {
        {256, 256, 256, 0, "square"}, {512, 512, 512, 0, "square"}, {1024, 1024, 1024, 0, "square"}, {2048, 2048, 2048, 0, "square"},
        {1024, 1024, 1024, 1, "X·Wᵀ (linear)"}, {2048, 2048, 2048, 1, "X·Wᵀ (linear)"},
        {64, 2048, 2048, 1, "small M, X·Wᵀ"}, {128, 576, 1536, 1, "small M, X·Wᵀ"}, {512, 1536, 576, 1, "small M, X·Wᵀ"},
        {512, 576, 576, 1, "small M, X·Wᵀ"}};
    static const shape dec[] = {{1, 4096, 4096, 1, "decode y = W·x"}, {1, 576, 1536, 1, "decode y = W·x"},
                                {1, 1536, 576, 1, "decode y = W·x"}, {1, 49152, 576, 1, "decode y = W·x"}};
    int threads[4] = {1, 2}, nthreads = 2, t, i, bad = 0;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) quick = 1;
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            char *p = argv[++i];
            nthreads = 0;
            while (*p && nthreads < 4) { threads[nthreads++] = atoi(p); while (*p && *p != ',') p++; if (*p) p++; }
        }
    }
    aieng_rng_seed(&rng, 1, 1);
    printf("OpenBLAS: %s (kernel %s)\n", openblas_get_config(), openblas_get_corename());
    measure_triad();
    printf("| shape                  | thr | M×N×K | aieng GFLOP/s | OpenBLAS GFLOP/s | ratio |\n|---|---|---|---|---|---|\n");
    for (t = 0; t < nthreads; t++) {
        aieng_set_threads(threads[t]);
        openblas_set_num_threads(threads[t]);
        for (i = 0; i < (int)(sizeof big / sizeof big[0]); i++) {
            if (quick && big[i].M * (double)big[i].N * big[i].K > 3e8) continue;
            bad |= bench_gemm(&big[i], threads[t]);
        }
    }
    printf("\n| M = 1 (peer: cblas_sgemv) | thr | M×N×K | aieng GFLOP/s | OpenBLAS GFLOP/s | ratio | aieng weight bandwidth |\n|---|---|---|---|---|---|---|\n");
    for (t = 0; t < nthreads; t++) {
        aieng_set_threads(threads[t]);
        openblas_set_num_threads(threads[t]);
        for (i = 0; i < (int)(sizeof dec / sizeof dec[0]); i++) bad |= bench_gemv(&dec[i], threads[t]);
    }
    return bad;
}
