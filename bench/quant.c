/* bench/quant.c - aieng_quant.h quantized matrix-vector products: GB/s of
   weight bytes read, next to the measured memory bandwidth (a STREAM-style
   triad) and aieng_sgemv on the same F32 matrix.
     build/bench/quant [--mb MB] [--reps R] [--types Q8_0,Q4_0,...]
     build/bench/quant --mm [--m 512] [--reps R] [--types Q4_1,Q8_0,Q4_0]  (prefill)
   For every weight type and shape N×K (N output rows of K inputs) it cycles
   through enough copies of the matrix to stream about MB MiB (default 1024;
   the VM reports a 480 MiB L3), with 1 and 2 threads, median of R passes.
   Times are CPU-normalised by default (see tstop), --wall for wall clock. */
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
/* The machine is shared: besides wall time we take process CPU time divided
   by the thread count ("CPU-normalised"), which leaves out the time our
   threads waited for a core. USE_CPU selects which one the tables report. */
static int use_cpu = 1;
static int nthreads = 1;
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

typedef struct { float *a, *b, *c; float s; } triad_job;
static void triad_task(void *ctx, int64_t begin, int64_t end, int tid) {
    triad_job *j = (triad_job *)ctx;
    int64_t i;
    (void)tid;
    for (i = begin; i < end; i++) j->a[i] = j->b[i] + j->s * j->c[i];
}
/* GB/s counting 12 bytes per element (read b, c; write a), like STREAM */
static double triad(size_t mb, int threads, int reps) {
    const int64_t n = (int64_t)(mb << 20) / 12;
    triad_job j;
    double t[32];
    int r;
    j.a = (float *)malloc((size_t)n * 4); j.b = (float *)malloc((size_t)n * 4); j.c = (float *)malloc((size_t)n * 4);
    j.s = 0.5f;
    if (!j.a || !j.b || !j.c) { fprintf(stderr, "triad: out of memory\n"); exit(1); }
    memset(j.a, 0, (size_t)n * 4);
    for (r = 0; r < n; r++) { j.b[r] = 1.0f; j.c[r] = 2.0f; }
    aieng_set_threads(threads);
    nthreads = threads;
    for (r = 0; r <= reps; r++) {
        tstart();
        aieng_parallel_for(n, 1 << 16, triad_task, &j);
        t[r] = tstop();
    }
    free(j.a); free(j.b); free(j.c);
    return 12.0 * (double)n / median(t + 1, reps) / 1e9;
}

/* Peer: ggml's own CPU kernels (ggml_vec_dot_<w>_<a> from the libggml-cpu.so
   that llama-cpp-python installs, --ggml PATH), called per row on the same
   bytes, threaded the same way, with activations from aieng_quant_quantize_act
   (byte-identical to ggml-cpu's x86 quantizers: tests/test_quant.c checks). */
typedef void (*ggml_dot_fn)(int n, float *s, size_t bs, const void *x, size_t bx, const void *y, size_t by, int nrc);
static void *ggml_lib;
static ggml_dot_fn ggml_dot_for(int type) {
    char name[64];
    const char *w = aieng_quant_name(type), *a = aieng_quant_name(aieng_quant_vec_dot_type(type));
    size_t i, k = 0;
    if (!ggml_lib || !w || !a) return NULL;
    k = (size_t)snprintf(name, sizeof name, "ggml_vec_dot_%s_%s", w, a);
    for (i = 13; i < k; i++) /* ggml spells q4_0, q4_K, mxfp4 */
        if (name[i] >= 'A' && name[i] <= 'Z' && name[i] != 'K') name[i] = (char)(name[i] - 'A' + 'a');
    {
        void *f = dlsym(ggml_lib, name);
        ggml_dot_fn fn;
        memcpy(&fn, &f, sizeof fn);
        return fn;
    }
}
typedef struct { ggml_dot_fn fn; const unsigned char *W; size_t rb; const unsigned char *act; int64_t K; float *y; } ggml_job;
static void ggml_task(void *ctx, int64_t begin, int64_t end, int tid) {
    const ggml_job *j = (const ggml_job *)ctx;
    int64_t n;
    (void)tid;
    for (n = begin; n < end; n++) j->fn((int)j->K, j->y + n, 0, j->W + (size_t)n * j->rb, 0, j->act, 0, 1);
}

/* GB/s of weight bytes for y = W·x over `copies` copies of W, one pass each rep */
static double matvec(int type, int64_t N, int64_t K, size_t mb, int threads, int reps, double *ns_per_call, ggml_dot_fn peer) {
    size_t rb = 0, wbytes, copies, c;
    unsigned char *W;
    float *w32, *x, *y;
    void *work;
    size_t work_size = aieng_quant_matmul_work_size(type, K, 1);
    double t[32];
    int r;
    int64_t i;
    if (aieng_quant_row_bytes(type, K, &rb) != AIENG_OK) return -1;
    wbytes = rb * (size_t)N;
    copies = ((mb << 20) + wbytes - 1) / wbytes;
    if (copies < 2) copies = 2;
    W = (unsigned char *)malloc(wbytes * copies);
    w32 = (float *)malloc((size_t)(N * K) * 4);
    x = (float *)malloc((size_t)K * 4);
    y = (float *)malloc((size_t)N * 4);
    work = malloc(work_size + 1);
    if (!W || !w32 || !x || !y || !work) { fprintf(stderr, "matvec: out of memory\n"); exit(1); }
    {
        aieng_rng rng;
        aieng_rng_seed(&rng, 1, 2);
        for (i = 0; i < N * K; i++) w32[i] = 0.05f * aieng_rng_normal(&rng);
        for (i = 0; i < K; i++) x[i] = aieng_rng_normal(&rng);
    }
    aieng_quant_quantize(type, w32, W, N, K);
    for (c = 1; c < copies; c++) memcpy(W + c * wbytes, W, wbytes);
    aieng_set_threads(threads);
    nthreads = threads;
    for (r = 0; r <= reps; r++) {
        tstart();
        for (c = 0; c < copies; c++) {
            const unsigned char *Wc = W + c * wbytes;
            if (peer) {
                ggml_job gj;
                gj.fn = peer; gj.W = Wc; gj.rb = rb; gj.act = (const unsigned char *)work; gj.K = K; gj.y = y;
                aieng_quant_quantize_act(aieng_quant_vec_dot_type(type), x, work, K); /* as ggml: once per call */
                aieng_parallel_for(N, 16, ggml_task, &gj);
            } else if (type == AIENG_QUANT_F32) aieng_sgemv(0, N, K, 1.0f, (const float *)Wc, K, x, 0.0f, y);
            else aieng_quant_matmul_ex(type, Wc, N, K, x, K, 1, y, N, work, work_size);
        }
        t[r] = tstop();
    }
    {
        const double tm = median(t + 1, reps);
        if (ns_per_call) *ns_per_call = tm / (double)copies * 1e9;
        free(W); free(w32); free(x); free(y); free(work);
        return (double)wbytes * (double)copies / tm / 1e9;
    }
}

/* --mm: matrix-matrix products as in prefill (M activation rows), GMAC/s, ours
   or the peer's (ggml's vec_dot once per output, as its mul_mat does for these
   types on x86, on activations quantized once per product) */
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
    static const int64_t shapes[3][2] = {{4096, 4096}, {576, 1536}, {1536, 576}};
    int types[32], ntypes = 0, reps = 5, i, s, th;
    size_t mb = 1024;
    const char *tlist = "F32,Q8_0,Q4_0,Q4_1,Q4_K,Q6_K";
    double bw[3];
    int mm = 0;
    int64_t M = 512;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--mb") && i + 1 < argc) mb = (size_t)atol(argv[++i]);
        else if (!strcmp(argv[i], "--reps") && i + 1 < argc) reps = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--types") && i + 1 < argc) tlist = argv[++i];
        else if (!strcmp(argv[i], "--wall")) use_cpu = 0;
        else if (!strcmp(argv[i], "--mm")) mm = 1;
        else if (!strcmp(argv[i], "--m") && i + 1 < argc) M = atol(argv[++i]);
        else if (!strcmp(argv[i], "--ggml") && i + 1 < argc) {
            void (*init)(void);
            void *f;
            ggml_lib = dlopen(argv[++i], RTLD_NOW | RTLD_LOCAL);
            if (!ggml_lib) { fprintf(stderr, "cannot load %s: %s\n", argv[i], dlerror()); return 2; }
            f = dlsym(ggml_lib, "ggml_cpu_init");
            memcpy(&init, &f, sizeof init);
            if (init) init();
        }
        else { fprintf(stderr, "usage: %s [--mb MB] [--reps R] [--types T1,T2] [--wall] [--mm [--m M]] [--ggml libggml-cpu.so]\n", argv[0]); return 2; }
    }
    if (reps < 1) reps = 1;
    if (reps > 30) reps = 30;
    {
        char buf[256], *tok;
        strncpy(buf, tlist, sizeof buf - 1); buf[sizeof buf - 1] = 0;
        for (tok = strtok(buf, ","); tok && ntypes < 32; tok = strtok(NULL, ",")) {
            int t = aieng_quant_from_name(tok);
            if (t < 0) { fprintf(stderr, "unknown type %s\n", tok); return 2; }
            types[ntypes++] = t;
        }
    }
    if (mm) { /* SmolLM2-135M's shapes */
        static const int64_t ms[4][2] = {{576, 576}, {192, 576}, {1536, 576}, {576, 1536}};
        if (M < 1) M = 1;
        printf("timing: %s; M = %lld activation rows, median of %d\n", use_cpu ? "CPU-normalised" : "wall clock", (long long)M, reps);
        printf("| type | N×K | 1 thread GMAC/s | ggml vec_dot | ratio | 2 threads GMAC/s | ggml vec_dot | ratio |\n");
        printf("|---|---|---|---|---|---|---|---|\n");
        for (i = 0; i < ntypes; i++)
            for (s = 0; s < 4; s++) {
                const ggml_dot_fn peer = ggml_dot_for(types[i]);
                double g[2], p[2] = {0, 0};
                if (aieng_quant_vec_dot_type(types[i]) == AIENG_QUANT_F32 || aieng_quant_row_bytes(types[i], ms[s][1], NULL) != AIENG_OK) continue;
                for (th = 1; th <= 2; th++) {
                    g[th - 1] = matmul(types[i], ms[s][0], ms[s][1], M, th, reps, NULL);
                    if (peer) p[th - 1] = matmul(types[i], ms[s][0], ms[s][1], M, th, reps, peer);
                }
                printf("| %s | %lld×%lld | %.1f | %.1f | %.2f× | %.1f | %.1f | %.2f× |\n", aieng_quant_name(types[i]), (long long)ms[s][0],
                       (long long)ms[s][1], g[0], p[0], p[0] > 0 ? g[0] / p[0] : 0.0, g[1], p[1], p[1] > 0 ? g[1] / p[1] : 0.0);
                fflush(stdout);
            }
        aieng_threads_shutdown();
        return 0;
    }
    for (th = 1; th <= 2; th++) bw[th] = triad(mb, th, reps);
    printf("timing: %s\n", use_cpu ? "CPU-normalised (process CPU time / threads, capped by wall time)" : "wall clock");
    printf("triad bandwidth: 1 thread %.1f GB/s, 2 threads %.1f GB/s (%zu MiB, median of %d)\n", bw[1], bw[2], mb, reps);
    printf("| type | N×K | 1 thread GB/s | %% of triad | 2 threads GB/s | %% of triad | 2 threads µs/call |\n");
    printf("|---|---|---|---|---|---|---|\n");
    for (i = 0; i < ntypes; i++)
        for (s = 0; s < 3; s++) {
            const int64_t N = shapes[s][0], K = shapes[s][1];
            double g1, g2, ns;
            if (aieng_quant_row_bytes(types[i], K, NULL) != AIENG_OK) {
                printf("| %s | %lld×%lld | n/a (K not a multiple of %lld) | | | | |\n", aieng_quant_name(types[i]), (long long)N,
                       (long long)K, (long long)aieng_quant_block_size(types[i]));
                continue;
            }
            g1 = matvec(types[i], N, K, mb, 1, reps, NULL, NULL);
            g2 = matvec(types[i], N, K, mb, 2, reps, &ns, NULL);
            printf("| %s%s | %lld×%lld | %.1f | %.0f%% | %.1f | %.0f%% | %.1f |\n", aieng_quant_name(types[i]),
                   types[i] == AIENG_QUANT_F32 ? " (aieng_sgemv)" : "", (long long)N, (long long)K, g1, 100 * g1 / bw[1], g2,
                   100 * g2 / bw[2], ns / 1e3);
            if (types[i] != AIENG_QUANT_F32 && ggml_dot_for(types[i])) {
                const double p1 = matvec(types[i], N, K, mb, 1, reps, NULL, ggml_dot_for(types[i]));
                const double p2 = matvec(types[i], N, K, mb, 2, reps, &ns, ggml_dot_for(types[i]));
                printf("| %s (ggml vec_dot, peer) | %lld×%lld | %.1f | %.0f%% | %.1f | %.0f%% | %.1f |\n", aieng_quant_name(types[i]),
                       (long long)N, (long long)K, p1, 100 * p1 / bw[1], p2, 100 * p2 / bw[2], ns / 1e3);
                printf("| | | aieng ÷ ggml: %.2f× | | %.2f× | | |\n", g1 / p1, g2 / p2);
            }
            fflush(stdout);
        }
    aieng_threads_shutdown();
    return 0;
}
