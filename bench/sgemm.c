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

/* One thread: process CPU time, so that time the OS gives to the machine's
   other processes is not counted (the host is shared); two threads: wall time. */
static int use_cpu_time = 0;
static double now(void) {
    struct timespec ts;
    clock_gettime(use_cpu_time ? CLOCK_PROCESS_CPUTIME_ID : CLOCK_MONOTONIC, &ts);
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

/* Interleaved timing: batches of ours and the peer's calls alternate, each
   batch about 50 ms, so a change in the machine's load hits both alike; the
   medians of the times and of the per-pair ratios are reported. */
/* With several threads, the other library's idle workers may still be
   spinning (OpenBLAS spins for about 2^28 cycles after a call): pause long
   enough for both pools to go to sleep before each timed batch. */
static void settle(void) {
    if (!use_cpu_time) { struct timespec ts = {0, 250000000}; nanosleep(&ts, NULL); }
}
static double median(double *v, int n) { qsort(v, (size_t)n, sizeof(double), cmp_double); return v[n / 2]; }
#define TIME_PAIR(t_us, t_ob, ratio, call_us, call_ob) do { \
        double a_[15], b_[15], r_[15], t0_; int k_, it_, na_ = 1, nb_ = 1, reps_ = quick ? 3 : 9; \
        t0_ = now(); call_us; while (now() - t0_ < 0.05) { call_us; na_++; } \
        t0_ = now(); call_ob; while (now() - t0_ < 0.05) { call_ob; nb_++; } \
        for (k_ = 0; k_ < reps_; k_++) { \
            settle(); t0_ = now(); for (it_ = 0; it_ < na_; it_++) { call_us; } a_[k_] = (now() - t0_) / na_; \
            settle(); t0_ = now(); for (it_ = 0; it_ < nb_; it_++) { call_ob; } b_[k_] = (now() - t0_) / nb_; \
            r_[k_] = b_[k_] / a_[k_]; } \
        t_us = median(a_, reps_); t_ob = median(b_, reps_); ratio = median(r_, reps_); } while (0)

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

/* The core's arithmetic peak, as a yardstick for both libraries: 24
   independent chains of 512-bit (or 256-bit) FMAs, one thread, best of 5. */
#if defined(__AVX512F__) || defined(__AVX2__)
#include <immintrin.h>
#endif
static double fma_peak(void) {
#if defined(__AVX512F__)
#define PK_T __m512
#define PK_SET1 _mm512_set1_ps
#define PK_FMA _mm512_fmadd_ps
#define PK_W 16
#elif defined(__AVX2__) && defined(__FMA__)
#define PK_T __m256
#define PK_SET1 _mm256_set1_ps
#define PK_FMA _mm256_fmadd_ps
#define PK_W 8
#endif
#ifdef PK_T
    /* 24 named accumulators (an array would live in memory) */
    PK_T x = PK_SET1(0.999999f), y = PK_SET1(1e-7f);
    PK_T v0 = PK_SET1(0), v1 = PK_SET1(1), v2 = PK_SET1(2), v3 = PK_SET1(3), v4 = PK_SET1(4), v5 = PK_SET1(5), v6 = PK_SET1(6), v7 = PK_SET1(7);
    PK_T v8 = PK_SET1(8), v9 = PK_SET1(9), v10 = PK_SET1(10), v11 = PK_SET1(11), v12 = PK_SET1(12), v13 = PK_SET1(13), v14 = PK_SET1(14);
    PK_T v15 = PK_SET1(15), v16 = PK_SET1(16), v17 = PK_SET1(17), v18 = PK_SET1(18), v19 = PK_SET1(19), v20 = PK_SET1(20), v21 = PK_SET1(21);
    PK_T v22 = PK_SET1(22), v23 = PK_SET1(23);
    float sink[PK_W];
    double best = 0;
    long n = 4000000, i;
    int r;
    for (r = 0; r < 5; r++) {
        double t0 = now();
        for (i = 0; i < n; i++) {
#define PK8(a, b, c, d, e, f, g, h) a = PK_FMA(a, x, y); b = PK_FMA(b, x, y); c = PK_FMA(c, x, y); d = PK_FMA(d, x, y); \
            e = PK_FMA(e, x, y); f = PK_FMA(f, x, y); g = PK_FMA(g, x, y); h = PK_FMA(h, x, y);
            PK8(v0, v1, v2, v3, v4, v5, v6, v7) PK8(v8, v9, v10, v11, v12, v13, v14, v15) PK8(v16, v17, v18, v19, v20, v21, v22, v23)
#undef PK8
        }
        t0 = now() - t0;
        if (n * 24.0 * PK_W * 2 / t0 > best) best = n * 24.0 * PK_W * 2 / t0;
    }
#define PK8(a, b, c, d, e, f, g, h) v0 = PK_FMA(a, x, PK_FMA(b, x, PK_FMA(c, x, PK_FMA(d, x, PK_FMA(e, x, PK_FMA(f, x, PK_FMA(g, x, PK_FMA(h, x, v0))))))));
    PK8(v1, v2, v3, v4, v5, v6, v7, v8) PK8(v9, v10, v11, v12, v13, v14, v15, v16) PK8(v17, v18, v19, v20, v21, v22, v23, v0)
#undef PK8
    memcpy(sink, &v0, sizeof sink);
    if (sink[0] == 12345.0f) printf(" ");
    return best * 1e-9;
#else
    return 0;
#endif
}

static int bench_gemm(const shape *s, int threads) {
    size_t na = (size_t)s->M * s->K, nb = (size_t)s->K * s->N, nc = (size_t)s->M * s->N;
    float *A = randm(na), *B = randm(nb), *C1 = (float *)calloc(nc, 4), *C2 = (float *)calloc(nc, 4);
    double t_us, t_ob, ratio, flop = 2.0 * s->M * s->N * s->K;
    int bad;
    int ldb = s->tb ? s->K : s->N;
    aieng_sgemm(0, s->tb, s->M, s->N, s->K, 1.0f, A, s->K, B, ldb, 0.0f, C1, s->N);
    cblas_sgemm(CblasRowMajor, CblasNoTrans, s->tb ? CblasTrans : CblasNoTrans, s->M, s->N, s->K, 1.0f, A, s->K, B, ldb, 0.0f, C2, s->N);
    bad = check(C1, C2, nc, s->K, s->what);
    TIME_PAIR(t_us, t_ob, ratio, aieng_sgemm(0, s->tb, s->M, s->N, s->K, 1.0f, A, s->K, B, ldb, 0.0f, C1, s->N),
              cblas_sgemm(CblasRowMajor, CblasNoTrans, s->tb ? CblasTrans : CblasNoTrans, s->M, s->N, s->K, 1.0f, A, s->K, B, ldb, 0.0f, C2, s->N));
    printf("| %-22s | %d | %5d×%5d×%5d | %7.1f | %7.1f | %5.2f |%s\n", s->what, threads, s->M, s->N, s->K, flop / t_us * 1e-9,
           flop / t_ob * 1e-9, ratio, bad ? " MISMATCH" : "");
    fflush(stdout);
    free(A); free(B); free(C1); free(C2);
    return bad;
}

/* M = 1: y = W·x with W stored N×K (the decode form). Cycle through enough
   copies of W that the working set is far larger than the last-level cache. */
static double triad_gbs[8];
typedef struct { float *a, *b, *c; } triad_ctx;
static void triad_task(void *ctx, int64_t b, int64_t e, int tid) {
    triad_ctx *t = (triad_ctx *)ctx;
    int64_t i;
    (void)tid;
    for (i = b; i < e; i++) t->a[i] = t->b[i] + 3.0f * t->c[i];
}
/* STREAM-style triad a = b + 3c over three 256 MiB arrays, with the same
   thread pool and thread count as the kernels; best of 5 */
static void measure_triad(int threads) {
    size_t n = (quick ? 32u : 256u) * 1024 * 1024 / 4, i;
    triad_ctx t;
    double best = 1e30;
    int r;
    t.a = (float *)malloc(n * 4); t.b = (float *)malloc(n * 4); t.c = (float *)malloc(n * 4);
    for (i = 0; i < n; i++) { t.b[i] = 1.0f; t.c[i] = 2.0f; t.a[i] = 0.0f; }
    for (r = 0; r < 5; r++) {
        double t0 = now();
        aieng_parallel_for((int64_t)n, 1 << 16, triad_task, &t);
        t0 = now() - t0;
        if (t0 < best) best = t0;
    }
    triad_gbs[threads] = 3.0 * (double)n * 4 / best * 1e-9;
    printf("memory bandwidth, %d thread%s (triad a = b + 3c over 3 × %zu MiB, best of 5): %.1f GB/s\n", threads, threads > 1 ? "s" : "",
           n * 4 >> 20, triad_gbs[threads]);
    free(t.a); free(t.b); free(t.c);
}
static int bench_gemv(const shape *s, int threads) {
    size_t nw = (size_t)s->N * s->K, copies = (size_t)((quick ? 256.0 : 1024.0) * 1048576 / (nw * 4.0)) + 1, i;
    float **W = (float **)malloc(copies * sizeof(float *)), *x = randm((size_t)s->K), *y1 = (float *)calloc((size_t)s->N, 4),
          *y2 = (float *)calloc((size_t)s->N, 4);
    double t_us, t_ob, ratio, bytes = (double)nw * 4;
    size_t cur = 0;
    int bad;
    for (i = 0; i < copies; i++) W[i] = randm(nw);
    aieng_sgemv(0, s->N, s->K, 1.0f, W[0], s->K, x, 0.0f, y1);
    cblas_sgemv(CblasRowMajor, CblasNoTrans, s->N, s->K, 1.0f, W[0], s->K, x, 1, 0.0f, y2, 1);
    bad = check(y1, y2, (size_t)s->N, s->K, s->what);
    TIME_PAIR(t_us, t_ob, ratio, (aieng_sgemv(0, s->N, s->K, 1.0f, W[cur], s->K, x, 0.0f, y1), cur = (cur + 1) % copies),
              (cblas_sgemv(CblasRowMajor, CblasNoTrans, s->N, s->K, 1.0f, W[cur], s->K, x, 1, 0.0f, y2, 1), cur = (cur + 1) % copies));
    printf("| %-22s | %d | %5d×%5d×%5d | %7.1f | %7.1f | %5.2f | %6.1f GB/s = %3.0f%% of triad |%s\n", s->what, threads, s->M, s->N, s->K,
           2.0 * nw / t_us * 1e-9, 2.0 * nw / t_ob * 1e-9, ratio, bytes / t_us * 1e-9, 100.0 * bytes / t_us * 1e-9 / triad_gbs[threads],
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
    shape only = {0, 0, 0, 0, NULL};
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--quick")) quick = 1;
        else if (!strcmp(argv[i], "--shape") && i + 1 < argc) { /* --shape M,N,K,tb: that product only */
            if (sscanf(argv[++i], "%d,%d,%d,%d", &only.M, &only.N, &only.K, &only.tb) != 4) { fprintf(stderr, "--shape M,N,K,tb\n"); return 2; }
            only.what = "--shape";
        }
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) {
            char *p = argv[++i];
            nthreads = 0;
            while (*p && nthreads < 4) { threads[nthreads++] = atoi(p); while (*p && *p != ',') p++; if (*p) p++; }
        }
    }
    aieng_rng_seed(&rng, 1, 1);
    printf("OpenBLAS: %s (kernel %s)\n", openblas_get_config(), openblas_get_corename());
    use_cpu_time = 1;
    printf("FMA peak of one core (24 independent FMA chains, best of 5, CPU time): %.1f GFLOP/s\n", fma_peak());
    printf("| shape                  | thr | M×N×K | aieng GFLOP/s | OpenBLAS GFLOP/s | ratio (median of pairs) |\n|---|---|---|---|---|---|\n");
    for (t = 0; t < nthreads; t++) {
        aieng_set_threads(threads[t]);
        openblas_set_num_threads(threads[t]);
        use_cpu_time = threads[t] == 1;
        if (only.what) { bad |= bench_gemm(&only, threads[t]); continue; }
        for (i = 0; i < (int)(sizeof big / sizeof big[0]); i++) {
            if (quick && big[i].M * (double)big[i].N * big[i].K > 3e8) continue;
            bad |= bench_gemm(&big[i], threads[t]);
        }
    }
    if (only.what) return bad;
    printf("\n");
    for (t = 0; t < nthreads; t++) { aieng_set_threads(threads[t]); use_cpu_time = threads[t] == 1; measure_triad(threads[t]); }
    printf("\n| M = 1 (peer: cblas_sgemv) | thr | M×N×K | aieng GFLOP/s | OpenBLAS GFLOP/s | ratio | aieng weight bandwidth |\n|---|---|---|---|---|---|---|\n");
    for (t = 0; t < nthreads; t++) {
        aieng_set_threads(threads[t]);
        openblas_set_num_threads(threads[t]);
        use_cpu_time = threads[t] == 1;
        for (i = 0; i < (int)(sizeof dec / sizeof dec[0]); i++) bad |= bench_gemv(&dec[i], threads[t]);
    }
    return bad;
}
