/* bench/quant_mm.c - aieng_quant.h quantized matrix-matrix products (prefill):
   y[M×N] = x[M×K]·Wᵀ with M = 512 activation rows, SmolLM2-135M's shapes,
   GMAC/s (multiply-adds per second), 1 and 2 threads, median of R passes,
   CPU-normalised (process CPU time / threads, capped by wall time; --wall for
   wall clock). Next to it the peer: ggml's own vec_dot kernel
   (ggml_vec_dot_<w>_<a> from llama-cpp-python's libggml-cpu.so, --ggml PATH),
   one call per output as ggml's mul_mat makes for these types on x86, on the
   same bytes and the same (byte-identical) quantized activations.
     build/bench/quant_mm [--reps R] [--m M] [--types Q4_1,Q8_0,Q4_0] [--wall] [--ggml libggml-cpu.so] */
#define _POSIX_C_SOURCE 200809L
#define AIENG_QUANT_IMPLEMENTATION
#include "aieng_quant.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <dlfcn.h>

static double clk(clockid_t id) {
    struct timespec ts;
    clock_gettime(id, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static int use_cpu = 1, nthreads = 1;
static double t_wall0, t_cpu0;
static void tstart(void) { t_wall0 = clk(CLOCK_MONOTONIC); t_cpu0 = clk(CLOCK_PROCESS_CPUTIME_ID); }
static double tstop(void) {
    const double w = clk(CLOCK_MONOTONIC) - t_wall0, c = (clk(CLOCK_PROCESS_CPUTIME_ID) - t_cpu0) / nthreads;
    return use_cpu ? (c < w ? c : w) : w;
}
static int cmpd(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *v, int n) { qsort(v, (size_t)n, sizeof *v, cmpd); return v[n / 2]; }

typedef void (*ggml_dot_fn)(int n, float *s, size_t bs, const void *x, size_t bx, const void *y, size_t by, int nrc);
static void *ggml_lib;
static ggml_dot_fn ggml_dot_for(int type) {
    char name[64];
    const char *w = aieng_quant_name(type), *a = aieng_quant_name(aieng_quant_vec_dot_type(type));
    size_t i, k;
    void *f;
    ggml_dot_fn fn;
    if (!ggml_lib || !w || !a) return NULL;
    k = (size_t)snprintf(name, sizeof name, "ggml_vec_dot_%s_%s", w, a);
    for (i = 13; i < k; i++)
        if (name[i] >= 'A' && name[i] <= 'Z' && name[i] != 'K') name[i] = (char)(name[i] - 'A' + 'a');
    f = dlsym(ggml_lib, name);
    memcpy(&fn, &f, sizeof fn);
    return fn;
}
typedef struct {
    ggml_dot_fn fn; const unsigned char *W, *A; size_t rb, ab; int64_t N, K, M; float *y;
} peer_job;
static void peer_task(void *ctx, int64_t begin, int64_t end, int tid) {
    const peer_job *j = (const peer_job *)ctx;
    int64_t n, m;
    (void)tid;
    for (n = begin; n < end; n++)
        for (m = 0; m < j->M; m++) j->fn((int)j->K, j->y + m * j->N + n, 0, j->W + (size_t)n * j->rb, 0, j->A + (size_t)m * j->ab, 0, 1);
}
typedef struct { int act; const float *x; unsigned char *A; size_t ab; int64_t K; } act_job;
static void act_task(void *ctx, int64_t begin, int64_t end, int tid) {
    const act_job *j = (const act_job *)ctx;
    int64_t m;
    (void)tid;
    for (m = begin; m < end; m++) aieng_quant_quantize_act(j->act, j->x + m * j->K, j->A + (size_t)m * j->ab, j->K);
}

/* GMAC/s of y = x·Wᵀ (M rows), ours or the peer's */
static double matmul(int type, int64_t N, int64_t K, int64_t M, int threads, int reps, ggml_dot_fn peer) {
    size_t rb = 0, ab = 0;
    unsigned char *W, *A;
    float *w32, *x, *y;
    double t[32];
    int r;
    int64_t i;
    const int act = aieng_quant_vec_dot_type(type);
    if (aieng_quant_row_bytes(type, K, &rb) != AIENG_OK || aieng_quant_row_bytes(act, K, &ab) != AIENG_OK) return -1;
    W = (unsigned char *)malloc(rb * (size_t)N);
    A = (unsigned char *)malloc(ab * (size_t)M);
    w32 = (float *)malloc((size_t)(N * K) * 4);
    x = (float *)malloc((size_t)(M * K) * 4);
    y = (float *)malloc((size_t)(M * N) * 4);
    if (!W || !A || !w32 || !x || !y) { fprintf(stderr, "matmul: out of memory\n"); exit(1); }
    {
        aieng_rng rng;
        aieng_rng_seed(&rng, 1, 2);
        for (i = 0; i < N * K; i++) w32[i] = 0.05f * aieng_rng_normal(&rng);
        for (i = 0; i < M * K; i++) x[i] = aieng_rng_normal(&rng);
    }
    aieng_quant_quantize(type, w32, W, N, K);
    aieng_set_threads(threads);
    nthreads = threads;
    for (r = 0; r <= reps; r++) {
        tstart();
        if (peer) {
            peer_job pj;
            act_job aj;
            aj.act = act; aj.x = x; aj.A = A; aj.ab = ab; aj.K = K;
            aieng_parallel_for(M, 1, act_task, &aj); /* as ggml: activations quantized once per product */
            pj.fn = peer; pj.W = W; pj.A = A; pj.rb = rb; pj.ab = ab; pj.N = N; pj.K = K; pj.M = M; pj.y = y;
            aieng_parallel_for(N, 16, peer_task, &pj);
        } else aieng_quant_matmul(type, W, N, K, x, M, y);
        t[r] = tstop();
    }
    free(W); free(A); free(w32); free(x); free(y);
    return (double)N * (double)K * (double)M / median(t + 1, reps) / 1e9;
}

int main(int argc, char **argv) {
    static const int64_t shapes[][2] = {{576, 576}, {192, 576}, {1536, 576}, {576, 1536}};
    const char *tlist = "Q4_1,Q8_0,Q4_0";
    int reps = 5, i, s;
    int64_t M = 512;
    char buf[256], *tok;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--m") && i + 1 < argc) M = atol(argv[++i]);
        else if (!strcmp(argv[i], "--types") && i + 1 < argc) tlist = argv[++i];
        else if (!strcmp(argv[i], "--wall")) use_cpu = 0;
        else if (!strcmp(argv[i], "--ggml") && i + 1 < argc) {
            ggml_lib = dlopen(argv[++i], RTLD_NOW | RTLD_LOCAL);
            if (!ggml_lib) { fprintf(stderr, "cannot load %s: %s\n", argv[i], dlerror()); return 2; }
        } else { fprintf(stderr, "usage: %s [--reps R] [--m M] [--types T1,T2] [--wall] [--ggml libggml-cpu.so]\n", argv[0]); return 2; }
    }
    if (reps < 1 || reps > 31 || M < 1) return 2;
    printf("M = %lld activation rows, %s time, median of %d\n", (long long)M, use_cpu ? "CPU-normalised" : "wall", reps);
    printf("| type | N×K | 1 thread GMAC/s | ggml vec_dot | ratio | 2 threads GMAC/s | ggml vec_dot | ratio |\n");
    printf("|---|---|---|---|---|---|---|---|\n");
    snprintf(buf, sizeof buf, "%s", tlist);
    for (tok = strtok(buf, ","); tok; tok = strtok(NULL, ",")) {
        const int type = aieng_quant_from_name(tok);
        const ggml_dot_fn peer = ggml_dot_for(type);
        if (type < 0) { fprintf(stderr, "unknown type %s\n", tok); return 2; }
        for (s = 0; s < 4; s++) {
            double g[2], p[2];
            int th;
            for (th = 1; th <= 2; th++) {
                g[th - 1] = matmul(type, shapes[s][0], shapes[s][1], M, th, reps, NULL);
                p[th - 1] = peer ? matmul(type, shapes[s][0], shapes[s][1], M, th, reps, peer) : 0.0;
            }
            printf("| %s | %lld×%lld | %.1f | %.1f | %.2fx | %.1f | %.1f | %.2fx |\n", tok, (long long)shapes[s][0],
                   (long long)shapes[s][1], g[0], p[0], p[0] > 0 ? g[0] / p[0] : 0.0, g[1], p[1], p[1] > 0 ? g[1] / p[1] : 0.0);
        }
    }
    return 0;
}
