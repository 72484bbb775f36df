/* cuda_bench.cu - times aieng_cuda.h's GEMM, flash attention and GGUF matvec on the GPU.
   Run by tools/gpu_session.sh, which also runs the PyTorch side (bench/cuda_peer.py) and
   prints both side by side. Each figure is the median of 5 repetitions of a timed loop
   (CUDA events) after warm-up. Every kernel's output is spot-checked against a double
   precision CPU computation of some elements ("check ok" / "check FAIL").
   Output lines: RESULT <key> ms=<median> value=<TFLOP/s or GB/s> unit=<...> check=<ok|FAIL>
   Build: nvcc -std=c++14 -O3 -arch=native -I. bench/cuda_bench.cu -o build/cuda_bench
   Usage: build/cuda_bench [gemm] [attn] [matvec] [quick]   (no argument: all)
   Environment: AIENG_CUDA_MV_VARIANT=1|2|3 (aieng_cuda_config.matvec_variant: the matvec
   kernel), AIENG_CUDA_MV_ROWS=1|2|4|8, AIENG_CUDA_ATTN_TILE=N, AIENG_CUDA_NO_WGMMA=1 */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TENSOR_IMPLEMENTATION
#include "aieng_tensor.h"
#define AIENG_CUDA_IMPLEMENTATION
#include "aieng_cuda.h"
#include <stdio.h>
#include <string.h>
#include <algorithm>
#include <vector>

static aieng_cuda cu;
static aieng_rng rng;
static int quick = 0;

#define CK(x) do { aieng_result r_ = (x); if (r_ != AIENG_OK) { fprintf(stderr, "%s: %s\n", #x, aieng_last_error()); exit(1); } } while (0)
#define CC(x) do { cudaError_t e_ = (x); if (e_ != cudaSuccess) { fprintf(stderr, "%s: %s\n", #x, cudaGetErrorString(e_)); exit(1); } } while (0)

static float h2f(int type, uint16_t h) { return type == AIENG_CUDA_F16 ? aieng_f16_to_f32(h) : aieng_bf16_to_f32(h); }
static uint16_t f2h(int type, float f) { return type == AIENG_CUDA_F16 ? aieng_f32_to_f16(f) : aieng_f32_to_bf16(f); }
static const char *tn(int type) { return type == AIENG_CUDA_F16 ? "f16" : "bf16"; }

/* random 16-bit matrix on host and device */
static std::vector<uint16_t> rand16(size_t n, int type, float sd, void **dev) {
    std::vector<uint16_t> h(n);
    for (size_t i = 0; i < n; i++) h[i] = f2h(type, sd * (2.0f * aieng_rng_uniform(&rng) - 1.0f));
    CK(aieng_cuda_malloc(&cu, dev, n * 2));
    CK(aieng_cuda_upload(&cu, *dev, h.data(), n * 2));
    return h;
}
/* median of 5 timings of `iters` calls, in ms per call */
template <typename F> static double time_ms(F f, int iters) {
    cudaEvent_t a, b;
    CC(cudaEventCreate(&a));
    CC(cudaEventCreate(&b));
    for (int i = 0; i < 2; i++) f();
    CC(cudaDeviceSynchronize());
    std::vector<double> t;
    for (int rep = 0; rep < 5; rep++) {
        CC(cudaEventRecord(a));
        for (int i = 0; i < iters; i++) f();
        CC(cudaEventRecord(b));
        CC(cudaEventSynchronize(b));
        float ms = 0;
        CC(cudaEventElapsedTime(&ms, a, b));
        t.push_back(ms / iters);
    }
    CC(cudaEventDestroy(a));
    CC(cudaEventDestroy(b));
    std::sort(t.begin(), t.end());
    return t[2];
}

/* C = A·B (nt = 0, B stored K×N) or A·Bᵀ (nt = 1, B stored N×K: a linear layer's weights) */
static void bench_gemm(int type, int64_t n, int nt) {
    void *dA, *dB, *dC;
    std::vector<uint16_t> A = rand16((size_t)(n * n), type, 1.0f, &dA), B = rand16((size_t)(n * n), type, 1.0f, &dB);
    CK(aieng_cuda_malloc(&cu, &dC, (size_t)(n * n) * 2));
    auto run = [&]() { CK(aieng_cuda_gemm(&cu, type, type, 0, nt, n, n, n, 1.0f, dA, n, dB, n, 0.0f, dC, n)); };
    double ms = time_ms(run, n >= 8192 ? 5 : 20);
    CK(aieng_cuda_synchronize(&cu));
    /* spot check 64 elements */
    std::vector<uint16_t> C((size_t)(n * n));
    CK(aieng_cuda_download(&cu, C.data(), dC, C.size() * 2));
    int ok = 1;
    for (int s = 0; s < 64; s++) {
        int64_t i = aieng_rng_u32(&rng) % n, j = aieng_rng_u32(&rng) % n;
        double acc = 0, mag = 0;
        for (int64_t k = 0; k < n; k++) {
            double p = (double)h2f(type, A[i * n + k]) * h2f(type, nt ? B[j * n + k] : B[k * n + j]);
            acc += p;
            mag += fabs(p);
        }
        double got = h2f(type, C[i * n + j]);
        if (!(fabs(got - acc) <= (type == AIENG_CUDA_F16 ? 2e-3 : 1e-2) * (fabs(acc) + 1e-2 * mag) + 1e-3 * mag / sqrt((double)n))) ok = 0;
    }
    printf("RESULT gemm_%s_%lld%s ms=%.4f value=%.1f unit=TFLOP/s check=%s\n", tn(type), (long long)n, nt ? "_nt" : "", ms,
           2.0 * n * n * n / (ms * 1e-3) / 1e12, ok ? "ok" : "FAIL");
    fflush(stdout);
    aieng_cuda_free(&cu, dA); aieng_cuda_free(&cu, dB); aieng_cuda_free(&cu, dC);
}

/* device-side random fill (the 16k-token attention inputs are too big to make on the host) */
__global__ void fill_rand16(uint16_t *p, size_t n, uint64_t seed, int bf16) {
    for (size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (size_t)gridDim.x * blockDim.x) {
        uint64_t z = seed + 0x9E3779B97F4A7C15ull * (i + 1);
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ull;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EBull;
        z ^= z >> 31;
        float u = (float)(z >> 40) * (1.0f / 16777216.0f) * 2.0f - 1.0f;
        p[i] = bf16 ? __bfloat16_as_ushort(__float2bfloat16_rn(u)) : __half_as_ushort(__float2half_rn(u));
    }
}
static void *dev_rand16(size_t n, int type, uint64_t seed) {
    void *d;
    CK(aieng_cuda_malloc(&cu, &d, n * 2));
    fill_rand16<<<1024, 256>>>((uint16_t *)d, n, seed, type == AIENG_CUDA_BF16);
    CC(cudaGetLastError());
    return d;
}
static std::vector<uint16_t> download16(const void *d, size_t off, size_t n) {
    std::vector<uint16_t> h(n);
    CK(aieng_cuda_download(&cu, h.data(), (const uint16_t *)d + off, n * 2));
    return h;
}

static void bench_attn(int type, int B, int H, int S, int D, int causal) {
    const size_t n = (size_t)B * H * S * D;
    void *dq = dev_rand16(n, type, 1), *dk = dev_rand16(n, type, 2), *dv = dev_rand16(n, type, 3), *dout;
    CK(aieng_cuda_malloc(&cu, &dout, n * 2));
    aieng_cuda_attn p;
    memset(&p, 0, sizeof p);
    p.type = type; p.batch = B; p.n_head = H; p.n_head_kv = H; p.seq_q = S; p.seq_kv = S; p.head_dim = D; p.causal = causal;
    p.q = dq; p.k = dk; p.v = dv; p.o = dout;
    auto run = [&]() { CK(aieng_cuda_attention(&cu, &p)); };
    double flops = 4.0 * B * H * (double)S * S * D * (causal ? 0.5 : 1.0);
    int iters = flops > 5e12 ? 3 : flops > 5e11 ? 10 : 30;
    double ms = time_ms(run, iters);
    CK(aieng_cuda_synchronize(&cu));
    /* spot check 4 rows against a double-precision CPU computation */
    int ok = 1;
    std::vector<double> sc((size_t)S);
    for (int t = 0; t < 4; t++) {
        int b = aieng_rng_u32(&rng) % B, h = aieng_rng_u32(&rng) % H, i = aieng_rng_u32(&rng) % S;
        size_t base = ((size_t)b * H + h) * S * D;
        std::vector<uint16_t> q = download16(dq, base + (size_t)i * D, D), o = download16(dout, base + (size_t)i * D, D);
        std::vector<uint16_t> k = download16(dk, base, (size_t)S * D), v = download16(dv, base, (size_t)S * D);
        int nk = causal ? i + 1 : S;
        double mx = -1e300, sum = 0;
        for (int j = 0; j < nk; j++) {
            double d = 0;
            for (int e = 0; e < D; e++) d += (double)h2f(type, q[e]) * h2f(type, k[(size_t)j * D + e]);
            sc[j] = d / sqrt((double)D);
            mx = std::max(mx, sc[j]);
        }
        for (int j = 0; j < nk; j++) { sc[j] = exp(sc[j] - mx); sum += sc[j]; }
        for (int e = 0; e < D; e++) {
            double acc = 0, mag = 0;
            for (int j = 0; j < nk; j++) {
                double vv = h2f(type, v[(size_t)j * D + e]);
                acc += sc[j] * vv;
                mag += sc[j] * fabs(vv);
            }
            acc /= sum;
            mag /= sum;
            if (!(fabs(h2f(type, o[e]) - acc) <= (type == AIENG_CUDA_F16 ? 5e-3 : 3e-2) * mag + 1e-6)) ok = 0;
        }
    }
    printf("RESULT attn_%s_b%d_h%d_s%d_d%d_%s ms=%.4f value=%.1f unit=TFLOP/s check=%s\n", tn(type), B, H, S, D,
           causal ? "causal" : "full", ms, flops / (ms * 1e-3) / 1e12, ok ? "ok" : "FAIL");
    fflush(stdout);
    aieng_cuda_free(&cu, dq); aieng_cuda_free(&cu, dk); aieng_cuda_free(&cu, dv); aieng_cuda_free(&cu, dout);
}

static void bench_copy(void) {
    const size_t bytes = (size_t)1 << 30;
    void *a, *b;
    CK(aieng_cuda_malloc(&cu, &a, bytes));
    CK(aieng_cuda_malloc(&cu, &b, bytes));
    CC(cudaMemset(a, 1, bytes));
    auto run = [&]() { CC(cudaMemcpyAsync(b, a, bytes, cudaMemcpyDeviceToDevice, 0)); };
    double ms = time_ms(run, 10);
    /* bytes read + written, the convention of the device notes */
    printf("RESULT copy_d2d_1GiB ms=%.4f value=%.1f unit=GB/s check=ok\n", ms, 2.0 * bytes / (ms * 1e-3) / 1e9);
    fflush(stdout);
    aieng_cuda_free(&cu, a); aieng_cuda_free(&cu, b);
}

static void bench_matvec(int qt, const char *name, int64_t M, int64_t K) {
    const size_t rb = aieng_cuda_row_bytes(qt, K), bytes = rb * (size_t)M;
    const int qk = qt == AIENG_CUDA_Q4_K || qt == AIENG_CUDA_Q6_K ? 256 : 32;
    const size_t bb = aieng_cuda_row_bytes(qt, qk);
    std::vector<unsigned char> W(bytes);
    for (size_t i = 0; i < bytes; i += 4) {
        uint32_t r = aieng_rng_u32(&rng);
        memcpy(&W[i], &r, std::min((size_t)4, bytes - i));
    }
    for (size_t off = 0; off < bytes; off += bb) { /* finite scales */
        uint16_t d = aieng_f32_to_f16(0.01f), m = aieng_f32_to_f16(0.001f);
        if (qt == AIENG_CUDA_Q6_K) memcpy(&W[off + 208], &d, 2);
        else memcpy(&W[off], &d, 2);
        if (qt == AIENG_CUDA_Q4_1 || qt == AIENG_CUDA_Q4_K) memcpy(&W[off + 2], &m, 2);
    }
    std::vector<float> x((size_t)K);
    for (auto &v : x) v = aieng_rng_normal(&rng);
    void *dW, *dx, *dy;
    CK(aieng_cuda_malloc(&cu, &dW, bytes));
    CK(aieng_cuda_malloc(&cu, &dx, (size_t)K * 4));
    CK(aieng_cuda_malloc(&cu, &dy, (size_t)M * 4));
    CK(aieng_cuda_upload(&cu, dW, W.data(), bytes));
    CK(aieng_cuda_upload(&cu, dx, x.data(), (size_t)K * 4));
    auto run = [&]() { CK(aieng_cuda_matvec_q(&cu, qt, dW, M, K, (const float *)dx, (float *)dy)); };
    double ms = time_ms(run, 50);
    std::vector<float> y((size_t)M);
    CK(aieng_cuda_download(&cu, y.data(), dy, (size_t)M * 4));
    /* spot check one row through the F32 path of the GPU itself would be circular: the
       test program covers correctness; here only finiteness */
    int ok = 1;
    for (float v : y) if (!(v == v)) ok = 0;
    printf("RESULT matvec_%s_%lldx%lld ms=%.4f value=%.1f unit=GB/s check=%s\n", name, (long long)M, (long long)K, ms,
           (double)(bytes + (size_t)K * 4 + (size_t)M * 4) / (ms * 1e-3) / 1e9, ok ? "ok" : "FAIL");
    fflush(stdout);
    aieng_cuda_free(&cu, dW); aieng_cuda_free(&cu, dx); aieng_cuda_free(&cu, dy);
}

/* kernel choices from the environment (tools/gpu_session.sh sets them for side-by-side runs) */
static void bench_env(void) {
    if (getenv("AIENG_CUDA_NO_WGMMA")) cu.wgmma = 0; /* the mma.sync GEMM even on sm_90a */
    if (getenv("AIENG_CUDA_ATTN_TILE")) cu.cfg.attn_tile = atoi(getenv("AIENG_CUDA_ATTN_TILE")); /* a kernel variant */
    if (getenv("AIENG_CUDA_MV_ROWS")) cu.cfg.matvec_rows = atoi(getenv("AIENG_CUDA_MV_ROWS"));   /* rows per warp */
    if (getenv("AIENG_CUDA_MV_VARIANT")) cu.cfg.matvec_variant = atoi(getenv("AIENG_CUDA_MV_VARIANT")); /* matvec kernel */
}

int main(int argc, char **argv) {
    int do_gemm = 0, do_attn = 0, do_mv = 0, attn1 = 0;
    const char *mv1 = NULL;
    for (int i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "gemm")) do_gemm = 1;
        else if (!strcmp(argv[i], "attn")) do_attn = 1;
        else if (!strcmp(argv[i], "matvec")) do_mv = 1;
        else if (!strcmp(argv[i], "quick")) quick = 1;
        else if (!strcmp(argv[i], "attn1")) attn1 = 1; /* one attention case (for a profiler) */
        else if (!strncmp(argv[i], "mv:", 3)) mv1 = argv[i] + 3; /* one matvec type, 16384² (for a profiler) */
    }
    if (attn1 || mv1) {
        CK(aieng_cuda_init(&cu, NULL));
        bench_env();
        if (attn1) bench_attn(AIENG_CUDA_F16, 4, 32, 4096, 128, 0);
        const char *names[5] = {"q8_0", "q4_0", "q4_1", "q4_k", "q6_k"};
        const int types[5] = {AIENG_CUDA_Q8_0, AIENG_CUDA_Q4_0, AIENG_CUDA_Q4_1, AIENG_CUDA_Q4_K, AIENG_CUDA_Q6_K};
        for (int t = 0; t < 5 && mv1; t++)
            if (!strcmp(mv1, names[t])) bench_matvec(types[t], names[t], 16384, 16384);
        aieng_cuda_release(&cu);
        return 0;
    }
    if (!do_gemm && !do_attn && !do_mv) do_gemm = do_attn = do_mv = 1;
    aieng_rng_seed(&rng, 42, 1);
    CK(aieng_cuda_init(&cu, NULL));
    bench_env();
    printf("DEVICE %s sm_%d sms=%d smem_block=%zu wgmma=%d\n", cu.name, cu.cc, cu.sm_count, cu.smem_block, cu.wgmma);
    fflush(stdout);
    const int bf = cu.cc >= 80;
    if (do_gemm) {
        const int64_t sizes[2] = {4096, 8192};
        for (int si = 0; si < (quick ? 1 : 2); si++) {
            for (int nt = 0; nt < 2; nt++) {
                bench_gemm(AIENG_CUDA_F16, sizes[si], nt);
                if (bf) bench_gemm(AIENG_CUDA_BF16, sizes[si], nt);
            }
        }
    }
    if (do_attn) {
        const int seqs[3] = {1024, 4096, 16384};
        for (int t = 0; t < 2; t++) {
            int type = t ? AIENG_CUDA_BF16 : AIENG_CUDA_F16;
            if (type == AIENG_CUDA_BF16 && !bf) continue;
            for (int si = 0; si < (quick ? 1 : 3); si++)
                for (int D = 64; D <= 128; D += 64)
                    for (int causal = 0; causal < 2; causal++) bench_attn(type, 4, 32, seqs[si], D, causal);
        }
    }
    if (do_mv) {
        bench_copy();
        const int64_t M = quick ? 4096 : 16384, K = quick ? 4096 : 16384;
        bench_matvec(AIENG_CUDA_Q8_0, "q8_0", M, K);
        bench_matvec(AIENG_CUDA_Q4_0, "q4_0", M, K);
        bench_matvec(AIENG_CUDA_Q4_1, "q4_1", M, K);
        bench_matvec(AIENG_CUDA_Q4_K, "q4_k", M, K);
        bench_matvec(AIENG_CUDA_Q6_K, "q6_k", M, K);
        bench_matvec(AIENG_CUDA_Q4_0, "q4_0", 576, 576);      /* SmolLM2-sized: L2-resident, launch-bound */
        bench_matvec(AIENG_CUDA_Q8_0, "q8_0", 49152, 576);    /* SmolLM2 output layer */
        if (!quick) { /* the other rows-per-warp choices of aieng_cuda_matvec_q (1 and 4 on an H100) */
            bench_matvec(AIENG_CUDA_Q4_0, "q4_0", 4096, 16384);
            bench_matvec(AIENG_CUDA_Q4_K, "q4_k", 6144, 16384);
        }
    }
    aieng_cuda_release(&cu);
    return 0;
}
