/* test_cuda.cu - every aieng_cuda.h kernel against a CPU reference on fresh random inputs.
   Needs a GPU: `make test-gpu` (or tools/gpu_session.sh). Without one, `make test` only
   compiles this file for sm_75, sm_80 and sm_90 (tools/cuda_compile_check.sh).

   Each CHECK covers one case and looks at every output element:
     |got − ref| ≤ tol · mag
   where ref is computed on the CPU from the same (already rounded) inputs and mag is the
   element's natural scale: Σ|a||b| for dot products (GEMM, matvec), Σ p·|v| for attention,
   |ref| + 1e-2·rms(ref) for elementwise and row kernels. tol per output precision:
     F32 1e-5 (GEMM 2e-5, F32 output of F16/BF16 GEMM 5e-5, GGUF matvec 1e-4), F16 2e-3, BF16 1e-2;
   (LayerNorm's scale adds (|x| + |mean|)·rstd·|w|: x − mean cancels; GELU's adds 0.5·|x|:
   1 + tanh cancels for negative x; F16 softmax outputs
   below 6e-5 are subnormal, so 4e-8 absolute is allowed there);
     attention (P is rounded to the input type before P·V) F16 5e-3, BF16 3e-2.
   Inputs are random normals (never all zeros); the seed changes with every run unless
   AIENG_TEST_SEED is set, and is printed.
   Build: nvcc -std=c++14 -O2 -arch=sm_80 -I. tests/test_cuda.cu -o build/test_cuda */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h" /* the CPU model for the Llama check (and aieng_tensor.h, aieng_quant.h) */
#define AIENG_CUDA_IMPLEMENTATION
#include "aieng_cuda.h"
#include "tests/aieng_test.h"
#include <time.h>
#include <vector>
#include <string>

static aieng_rng g_rng;
static aieng_cuda g_cu;

/* ------------------------------------------------------------------ helpers */
static float round_to(int type, float v) {
    if (type == AIENG_CUDA_F16) return aieng_f16_to_f32(aieng_f32_to_f16(v));
    if (type == AIENG_CUDA_BF16) return aieng_bf16_to_f32(aieng_f32_to_bf16(v));
    return v;
}
static size_t esize(int type) { return type == AIENG_CUDA_F32 ? 4 : 2; }
static const char *tname(int type) { return type == AIENG_CUDA_F32 ? "f32" : type == AIENG_CUDA_F16 ? "f16" : "bf16"; }
static double tol_of(int type) { return type == AIENG_CUDA_F32 ? 1e-5 : type == AIENG_CUDA_F16 ? 2e-3 : 1e-2; }

/* random values already rounded to `type` */
static std::vector<float> rand_vec(int64_t n, int type, float sd = 1.0f, float mean = 0.0f) {
    std::vector<float> v((size_t)n);
    for (auto &x : v) x = round_to(type, mean + sd * aieng_rng_normal(&g_rng));
    return v;
}
/* host floats -> device buffer of `type` */
static void *to_dev(const std::vector<float> &v, int type) {
    size_t n = v.size(), es = esize(type);
    std::vector<unsigned char> raw(n * es + 16);
    for (size_t i = 0; i < n; i++) {
        if (type == AIENG_CUDA_F32) memcpy(&raw[i * 4], &v[i], 4);
        else {
            uint16_t h = type == AIENG_CUDA_F16 ? aieng_f32_to_f16(v[i]) : aieng_f32_to_bf16(v[i]);
            memcpy(&raw[i * 2], &h, 2);
        }
    }
    void *d = NULL;
    if (aieng_cuda_malloc(&g_cu, &d, n * es + 16) != AIENG_OK) { fprintf(stderr, "alloc: %s\n", aieng_last_error()); exit(1); }
    aieng_cuda_upload(&g_cu, d, raw.data(), n * es);
    return d;
}
static void *dev_alloc(size_t bytes) {
    void *d = NULL;
    if (aieng_cuda_malloc(&g_cu, &d, bytes + 16) != AIENG_OK) { fprintf(stderr, "alloc: %s\n", aieng_last_error()); exit(1); }
    return d;
}
static std::vector<float> from_dev(const void *d, int64_t n, int type) {
    size_t es = esize(type);
    std::vector<unsigned char> raw((size_t)n * es + 1);
    std::vector<float> v((size_t)n);
    aieng_cuda_download(&g_cu, raw.data(), d, (size_t)n * es);
    for (int64_t i = 0; i < n; i++) {
        if (type == AIENG_CUDA_F32) memcpy(&v[i], &raw[i * 4], 4);
        else {
            uint16_t h;
            memcpy(&h, &raw[i * 2], 2);
            v[i] = type == AIENG_CUDA_F16 ? aieng_f16_to_f32(h) : aieng_bf16_to_f32(h);
        }
    }
    return v;
}
static std::vector<unsigned char> raw_from_dev(const void *d, size_t bytes) {
    std::vector<unsigned char> r(bytes + 1);
    aieng_cuda_download(&g_cu, r.data(), d, bytes);
    r.resize(bytes);
    return r;
}
/* one CHECK for a whole case; prints the worst element on failure */
static void check_all(const char *what, const float *got, const float *ref, const float *mag, int64_t n, double tol) {
    int64_t bad = 0, worst = -1;
    double wr = 0.0;
    for (int64_t i = 0; i < n; i++) {
        double err = fabs((double)got[i] - (double)ref[i]), lim = tol * (double)mag[i];
        bool ok = err <= lim && got[i] == got[i];
        if (!ok) bad++;
        double r = lim > 0 ? err / lim : (err > 0 ? 1e30 : 0);
        if (!(got[i] == got[i])) r = 1e30;
        if (r > wr || worst < 0) { wr = r; worst = i; }
    }
    CHECK(bad == 0, "%s: %lld of %lld elements off; worst [%lld] got %.8g ref %.8g mag %.4g (err/limit %.3g, tol %g)", what,
          (long long)bad, (long long)n, (long long)worst, worst >= 0 ? got[worst] : 0.0, worst >= 0 ? ref[worst] : 0.0,
          worst >= 0 ? mag[worst] : 0.0, wr, tol);
}
static std::vector<float> elem_mag(const std::vector<float> &ref) {
    double ss = 0;
    for (float r : ref) ss += (double)r * r;
    float floor_ = (float)(1e-2 * sqrt(ss / (double)(ref.size() ? ref.size() : 1))) + 1e-30f;
    std::vector<float> m(ref.size());
    for (size_t i = 0; i < ref.size(); i++) m[i] = fabsf(ref[i]) + floor_;
    return m;
}
#define OK(call) do { aieng_result r_ = (call); CHECK(r_ == AIENG_OK, "%s -> %s: %s", #call, aieng_result_string(r_), aieng_last_error()); } while (0)

/* ------------------------------------------------------------------ GEMM */
static void test_gemm_case(int tab, int tc, int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, float beta, int tile) {
    char what[160];
    int64_t lda = ta ? M : K, ldb = tb ? K : N, ldc = N;
    std::vector<float> A = rand_vec(M * K, tab), B = rand_vec(K * N, tab), C0 = rand_vec(M * N, tc);
    if (beta == 0.0f) for (auto &c : C0) c = NAN; /* beta = 0 must ignore C */
    void *dA = to_dev(A, tab), *dB = to_dev(B, tab), *dC = to_dev(C0, tc);
    g_cu.cfg.gemm_tile = tile;
    OK(aieng_cuda_gemm(&g_cu, tab, tc, ta, tb, M, N, K, alpha, dA, lda, dB, ldb, beta, dC, ldc));
    g_cu.cfg.gemm_tile = 0;
    OK(aieng_cuda_synchronize(&g_cu));
    std::vector<float> got = from_dev(dC, M * N, tc);
    std::vector<float> ref(C0), mag(M * N, 0.0f), Aa(A), Ba(B);
    if (beta == 0.0f) for (auto &c : ref) c = 0.0f;
    for (auto &x : Aa) x = fabsf(x);
    for (auto &x : Ba) x = fabsf(x);
    aieng_sgemm(ta, tb, M, N, K, alpha, A.data(), lda, B.data(), ldb, beta, ref.data(), ldc);
    for (int64_t i = 0; i < M * N; i++) mag[i] = beta != 0.0f ? fabsf(beta * C0[i]) : 0.0f;
    aieng_sgemm(ta, tb, M, N, K, fabsf(alpha), Aa.data(), lda, Ba.data(), ldb, 1.0f, mag.data(), ldc);
    for (int64_t i = 0; i < M * N; i++) mag[i] += 1e-20f;
    /* F32 output of tensor-core products: the mma adders may truncate, allow 5e-5 */
    double tol = tc == AIENG_CUDA_F32 ? (tab == AIENG_CUDA_F32 ? 2e-5 : 5e-5) : tol_of(tc);
    snprintf(what, sizeof what, "gemm %s->%s ta=%d tb=%d %lldx%lldx%lld alpha=%g beta=%g tile=%d", tname(tab), tname(tc), ta, tb,
             (long long)M, (long long)N, (long long)K, alpha, beta, tile);
    check_all(what, got.data(), ref.data(), mag.data(), M * N, tol);
    aieng_cuda_free(&g_cu, dA); aieng_cuda_free(&g_cu, dB); aieng_cuda_free(&g_cu, dC);
}
static void test_gemm(void) {
    const int types[3] = {AIENG_CUDA_F32, AIENG_CUDA_F16, AIENG_CUDA_BF16};
    for (int t = 0; t < 3; t++)
        for (int outf = 0; outf < 2; outf++) {
            int tc = outf ? AIENG_CUDA_F32 : types[t];
            if (outf && types[t] == AIENG_CUDA_F32) continue;
            for (int tr = 0; tr < 4; tr++) {
                int ta = tr & 1, tb = tr >> 1;
                test_gemm_case(types[t], tc, ta, tb, 77, 93, 61, 1.0f, 0.0f, 0);      /* odd sizes: CUDA-core path */
                test_gemm_case(types[t], tc, ta, tb, 200, 136, 264, 0.75f, 0.5f, 0);  /* edges, alpha/beta */
                if (types[t] != AIENG_CUDA_F32)
                    for (int tile = 1; tile <= (g_cu.wgmma ? 4 : 3); tile++)          /* every tensor-core tile */
                        test_gemm_case(types[t], tc, ta, tb, 264, 520, 328, 1.0f, tile == 2 ? 1.0f : 0.0f, tile);
            }
        }
    test_gemm_case(AIENG_CUDA_F16, AIENG_CUDA_F16, 0, 1, 1, 4096, 1024, 1.0f, 0.0f, 0); /* decode-shaped */
    if (g_cu.wgmma) /* sm_90a kernel: many trips around its ring of shared-memory stages, all transposes */
        for (int tr = 0; tr < 4; tr++)
            test_gemm_case(tr & 1 ? AIENG_CUDA_BF16 : AIENG_CUDA_F16, AIENG_CUDA_F32, tr & 1, tr >> 1, 384, 768, 1000, 1.0f, 0.0f, 4);
    if (!aieng_test_quick()) /* automatic tile choice on a big one (skipped under compute-sanitizer) */
        test_gemm_case(g_cu.cc >= 80 ? AIENG_CUDA_BF16 : AIENG_CUDA_F16, AIENG_CUDA_F32, 0, 1, 1536, 2048, 512, 1.0f, 0.0f, 0);
    /* determinism: every tile size gives the same bits */
    {
        int64_t M = 300, N = 520, K = 1000;
        std::vector<float> A = rand_vec(M * K, AIENG_CUDA_F16), B = rand_vec(K * N, AIENG_CUDA_F16);
        void *dA = to_dev(A, AIENG_CUDA_F16), *dB = to_dev(B, AIENG_CUDA_F16), *dC = dev_alloc((size_t)M * N * 4);
        std::vector<unsigned char> first;
        int same = 1;
        for (int tile = 1; tile <= 3; tile++) {
            g_cu.cfg.gemm_tile = tile;
            OK(aieng_cuda_gemm(&g_cu, AIENG_CUDA_F16, AIENG_CUDA_F32, 0, 1, M, N, K, 1.0f, dA, K, dB, K, 0.0f, dC, N));
            std::vector<unsigned char> r = raw_from_dev(dC, (size_t)M * N * 4);
            if (tile == 1) first = r;
            else same &= first == r;
        }
        g_cu.cfg.gemm_tile = 0;
        CHECK(same, "gemm: results differ between tile sizes");
        aieng_cuda_free(&g_cu, dA); aieng_cuda_free(&g_cu, dB); aieng_cuda_free(&g_cu, dC);
    }
    /* bad arguments */
    CHECK(aieng_cuda_gemm(&g_cu, AIENG_CUDA_F16, AIENG_CUDA_F16, 0, 0, 4, 4, 4, 1.0f, (void *)16, 2, (void *)16, 4, 0.0f, (void *)16, 4) == AIENG_ERR_INVALID_ARG, "lda < K accepted");
    CHECK(aieng_cuda_gemm(&g_cu, AIENG_CUDA_Q4_0, AIENG_CUDA_F32, 0, 0, 4, 4, 4, 1.0f, (void *)16, 4, (void *)16, 4, 0.0f, (void *)16, 4) == AIENG_ERR_UNSUPPORTED, "Q4_0 gemm accepted");
    CHECK(aieng_cuda_gemm(&g_cu, AIENG_CUDA_F16, AIENG_CUDA_F16, 0, 0, 4, 4, 4, 1.0f, NULL, 4, NULL, 4, 0.0f, NULL, 4) == AIENG_ERR_INVALID_ARG, "NULL gemm accepted");
}

/* ------------------------------------------------------------------ row kernels */
enum { OP_SOFTMAX, OP_RMS, OP_LN };
static void test_rows_case(int type, int op, int64_t rows, int64_t n, int with_w) {
    char what[128];
    std::vector<float> x = rand_vec(rows * n, type, 2.0f, op == OP_LN ? 0.5f : 0.0f), w = rand_vec(n, AIENG_CUDA_F32),
                       b = rand_vec(n, AIENG_CUDA_F32), ref(rows * n);
    if (op == OP_SOFTMAX && rows > 1) for (int64_t i = 0; i < n; i++) x[i] = -INFINITY; /* a fully masked row */
    if (op == OP_SOFTMAX && rows > 2 && n > 3) x[n + 3] = -INFINITY;                     /* one masked value */
    void *dx = to_dev(x, type), *dy = dev_alloc((size_t)(rows * n) * esize(type));
    float *dw = (float *)to_dev(w, AIENG_CUDA_F32), *db = (float *)to_dev(b, AIENG_CUDA_F32);
    if (op == OP_SOFTMAX) OK(aieng_cuda_softmax(&g_cu, type, dy, dx, rows, n));
    if (op == OP_RMS) OK(aieng_cuda_rmsnorm(&g_cu, type, dy, dx, with_w ? dw : NULL, rows, n, 1e-5f));
    if (op == OP_LN) OK(aieng_cuda_layernorm(&g_cu, type, dy, dx, with_w ? dw : NULL, with_w ? db : NULL, rows, n, 1e-5f));
    std::vector<float> got = from_dev(dy, rows * n, type);
    for (int64_t r = 0; r < rows; r++) {
        const float *xr = &x[r * n];
        float *yr = &ref[r * n];
        if (op == OP_SOFTMAX) aieng_softmax_row(yr, xr, n);
        if (op == OP_RMS) aieng_rmsnorm_row(yr, xr, with_w ? w.data() : NULL, n, 1e-5f);
        if (op == OP_LN) aieng_layernorm_row(yr, xr, with_w ? w.data() : NULL, with_w ? b.data() : NULL, n, 1e-5f);
    }
    std::vector<float> mag = elem_mag(ref);
    if (op == OP_LN) /* x − mean cancels: the scale is (|x| + |mean|)·rstd·|w| */
        for (int64_t r = 0; r < rows; r++) {
            double mean = 0, var = 0;
            for (int64_t i = 0; i < n; i++) mean += x[r * n + i];
            mean /= (double)n;
            for (int64_t i = 0; i < n; i++) var += (x[r * n + i] - mean) * (x[r * n + i] - mean);
            double rstd = 1.0 / sqrt(var / (double)n + 1e-5);
            for (int64_t i = 0; i < n; i++)
                mag[r * n + i] += (float)((fabs(x[r * n + i]) + fabs(mean)) * rstd * (with_w ? fabs(w[i]) : 1.0));
        }
    if (op == OP_SOFTMAX) /* relative; F16 outputs below 6e-5 are subnormal (spacing 6e-8): allow that rounding */
        for (int64_t i = 0; i < rows * n; i++) mag[i] = fabsf(ref[i]) + (type == AIENG_CUDA_F16 ? 2e-5f : 1e-30f);
    snprintf(what, sizeof what, "%s %s %lldx%lld%s", op == OP_SOFTMAX ? "softmax" : op == OP_RMS ? "rmsnorm" : "layernorm",
             tname(type), (long long)rows, (long long)n, with_w ? " w" : "");
    check_all(what, got.data(), ref.data(), mag.data(), rows * n, op == OP_SOFTMAX && type == AIENG_CUDA_F32 ? 2e-5 : tol_of(type));
    aieng_cuda_free(&g_cu, dx); aieng_cuda_free(&g_cu, dy); aieng_cuda_free(&g_cu, dw); aieng_cuda_free(&g_cu, db);
}
static void test_rope_case(int type, int64_t T, int64_t H, int64_t hd, int n_rot, int mode) {
    char what[128];
    std::vector<float> x = rand_vec(T * H * hd, type), ref(x);
    std::vector<int32_t> pos((size_t)T);
    for (auto &p : pos) p = (int32_t)(aieng_rng_u32(&g_rng) % 8192);
    void *dx = to_dev(x, type), *dp = dev_alloc(pos.size() * 4);
    aieng_cuda_upload(&g_cu, dp, pos.data(), pos.size() * 4);
    OK(aieng_cuda_rope(&g_cu, type, dx, T, H, hd, n_rot, (const int32_t *)dp, 10000.0f, mode));
    std::vector<float> got = from_dev(dx, T * H * hd, type);
    for (int64_t t = 0; t < T; t++)
        for (int64_t h = 0; h < H; h++) aieng_rope_row(&ref[(t * H + h) * hd], n_rot, pos[t], 10000.0f, mode == AIENG_CUDA_ROPE_NEOX ? AIENG_ROPE_NEOX : AIENG_ROPE_NORMAL);
    std::vector<float> mag = elem_mag(ref);
    snprintf(what, sizeof what, "rope %s %s T=%lld H=%lld hd=%lld n_rot=%d", tname(type), mode ? "neox" : "normal", (long long)T, (long long)H, (long long)hd, n_rot);
    check_all(what, got.data(), ref.data(), mag.data(), T * H * hd, type == AIENG_CUDA_F32 ? 2e-5 : tol_of(type));
    aieng_cuda_free(&g_cu, dx); aieng_cuda_free(&g_cu, dp);
}
static void test_act_case(int type, int which, int64_t n) {
    char what[64];
    std::vector<float> x = rand_vec(n, type, 3.0f), u = rand_vec(n, type), ref((size_t)n);
    void *dx = to_dev(x, type), *du = to_dev(u, type), *dy = dev_alloc((size_t)n * esize(type));
    if (which == 0) {
        OK(aieng_cuda_silu_mul(&g_cu, type, dy, dx, du, n));
        aieng_silu_row(ref.data(), x.data(), n);
        for (int64_t i = 0; i < n; i++) ref[i] *= u[i];
    } else {
        OK(aieng_cuda_gelu(&g_cu, type, dy, dx, n, which == 2));
        if (which == 1) aieng_gelu_row(ref.data(), x.data(), n);
        else aieng_gelu_erf_row(ref.data(), x.data(), n);
    }
    std::vector<float> got = from_dev(dy, n, type), mag = elem_mag(ref);
    if (which) /* 0.5·x·(1 + t) cancels where t ≈ −1: the scale is 0.5·|x| */
        for (int64_t i = 0; i < n; i++) mag[i] += 0.5f * fabsf(x[i]);
    snprintf(what, sizeof what, "%s %s n=%lld", which == 0 ? "silu_mul" : which == 1 ? "gelu" : "gelu_erf", tname(type), (long long)n);
    check_all(what, got.data(), ref.data(), mag.data(), n, type == AIENG_CUDA_F32 ? 1e-5 : tol_of(type));
    aieng_cuda_free(&g_cu, dx); aieng_cuda_free(&g_cu, du); aieng_cuda_free(&g_cu, dy);
}
static void test_rows(void) {
    const int types[3] = {AIENG_CUDA_F32, AIENG_CUDA_F16, AIENG_CUDA_BF16};
    const int64_t ns[4] = {1, 100, 576, 4097};
    for (int t = 0; t < 3; t++) {
        for (int i = 0; i < 4; i++) {
            test_rows_case(types[t], OP_SOFTMAX, 37, ns[i], 0);
            test_rows_case(types[t], OP_RMS, 37, ns[i], i & 1);
            test_rows_case(types[t], OP_LN, 37, ns[i], !(i & 1));
        }
        test_rows_case(types[t], OP_RMS, 5, 2048, 1);
        test_rows_case(types[t], OP_LN, 5, 2048, 0);
        for (int mode = 0; mode <= 2; mode += 2) {
            test_rope_case(types[t], 19, 5, 64, 64, mode);
            test_rope_case(types[t], 7, 3, 128, 128, mode);
            test_rope_case(types[t], 11, 2, 128, 64, mode); /* partial rotation */
        }
        for (int w = 0; w < 3; w++) test_act_case(types[t], w, 100003);
    }
    CHECK(aieng_cuda_rope(&g_cu, AIENG_CUDA_F16, (void *)16, 1, 1, 64, 65, (const int32_t *)16, 10000.0f, 0) == AIENG_ERR_INVALID_ARG, "odd n_rot accepted");
    CHECK(aieng_cuda_softmax(&g_cu, 99, (void *)16, (void *)16, 1, 1) == AIENG_ERR_UNSUPPORTED, "type 99 accepted");
}

/* ------------------------------------------------------------------ attention */
/* reference on [b][h][s][d] host arrays with explicit strides */
struct attn_host {
    int B, H, Hk, Sq, Skv, D, causal;
    std::vector<float> q, k, v;
    int64_t q_sb, q_sh, q_ss, k_sb, k_sh, k_ss; /* v shares k's strides, o q's */
};
static void attn_ref(const attn_host &a, std::vector<float> &out, std::vector<float> &mag) {
    const double scale = 1.0 / sqrt((double)a.D);
    const int G = a.H / a.Hk, offs = a.Skv - a.Sq;
    std::vector<double> s((size_t)a.Skv);
    for (int b = 0; b < a.B; b++)
        for (int h = 0; h < a.H; h++)
            for (int i = 0; i < a.Sq; i++) {
                const float *q = &a.q[b * a.q_sb + h * a.q_sh + i * a.q_ss];
                float *o = &out[b * a.q_sb + h * a.q_sh + i * a.q_ss], *m = &mag[b * a.q_sb + h * a.q_sh + i * a.q_ss];
                double mx = -INFINITY, sum = 0;
                int n = a.causal ? (i + offs + 1 < a.Skv ? i + offs + 1 : a.Skv) : a.Skv;
                if (n < 0) n = 0;
                for (int j = 0; j < n; j++) {
                    const float *k = &a.k[b * a.k_sb + (h / G) * a.k_sh + j * a.k_ss];
                    double d = 0;
                    for (int e = 0; e < a.D; e++) d += (double)q[e] * k[e];
                    s[j] = d * scale;
                    if (s[j] > mx) mx = s[j];
                }
                for (int j = 0; j < n; j++) { s[j] = exp(s[j] - mx); sum += s[j]; }
                for (int e = 0; e < a.D; e++) {
                    double acc = 0, am = 0;
                    for (int j = 0; j < n; j++) {
                        double vv = a.v[b * a.k_sb + (h / G) * a.k_sh + j * a.k_ss + e];
                        acc += s[j] * vv;
                        am += s[j] * fabs(vv);
                    }
                    o[e] = n ? (float)(acc / sum) : 0.0f;
                    m[e] = n ? (float)(am / sum) + 1e-6f : 1e-6f;
                }
            }
}
static std::vector<float> run_attn(const attn_host &a, int type, int bshd, int tile) {
    void *dq = to_dev(a.q, type), *dk = to_dev(a.k, type), *dv = to_dev(a.v, type), *dout = dev_alloc(a.q.size() * 2);
    aieng_cuda_memset(&g_cu, dout, 0xff, a.q.size() * 2); /* NaN-ish poison: every output must be written */
    aieng_cuda_attn p;
    memset(&p, 0, sizeof p);
    p.type = type; p.batch = a.B; p.n_head = a.H; p.n_head_kv = a.Hk; p.seq_q = a.Sq; p.seq_kv = a.Skv; p.head_dim = a.D;
    p.causal = a.causal; p.q = dq; p.k = dk; p.v = dv; p.o = dout;
    if (bshd) {
        p.q_sb = p.o_sb = a.q_sb; p.q_sh = p.o_sh = a.q_sh; p.q_ss = p.o_ss = a.q_ss;
        p.k_sb = p.v_sb = a.k_sb; p.k_sh = p.v_sh = a.k_sh; p.k_ss = p.v_ss = a.k_ss;
    }
    g_cu.cfg.attn_tile = tile;
    OK(aieng_cuda_attention(&g_cu, &p));
    g_cu.cfg.attn_tile = 0;
    OK(aieng_cuda_synchronize(&g_cu));
    std::vector<float> got = from_dev(dout, (int64_t)a.q.size(), type);
    aieng_cuda_free(&g_cu, dq); aieng_cuda_free(&g_cu, dk); aieng_cuda_free(&g_cu, dv); aieng_cuda_free(&g_cu, dout);
    return got;
}
static void test_attn_case(int type, int D, int causal, int B, int H, int Hk, int Sq, int Skv, int bshd) {
    attn_host a;
    char what[160];
    a.B = B; a.H = H; a.Hk = Hk; a.Sq = Sq; a.Skv = Skv; a.D = D; a.causal = causal;
    if (bshd) { /* [b][s][h][d] */
        a.q_ss = (int64_t)H * D; a.q_sh = D; a.q_sb = (int64_t)Sq * H * D;
        a.k_ss = (int64_t)Hk * D; a.k_sh = D; a.k_sb = (int64_t)Skv * Hk * D;
    } else {
        a.q_ss = D; a.q_sh = (int64_t)Sq * D; a.q_sb = (int64_t)H * Sq * D;
        a.k_ss = D; a.k_sh = (int64_t)Skv * D; a.k_sb = (int64_t)Hk * Skv * D;
    }
    a.q = rand_vec((int64_t)B * H * Sq * D, type);
    a.k = rand_vec((int64_t)B * Hk * Skv * D, type);
    a.v = rand_vec((int64_t)B * Hk * Skv * D, type);
    std::vector<float> ref(a.q.size()), mag(a.q.size());
    attn_ref(a, ref, mag);
    std::vector<float> first;
    int same = 1;
    /* automatic, every mma.sync tile configuration (bitwise the same), the sm_90a wgmma kernel
       and its variants (5: 128-key tiles, 6: softmax overlapped with P·V) */
    for (int tile = 0; tile <= (g_cu.wgmma ? 6 : 3); tile++) {
        std::vector<float> got = run_attn(a, type, bshd, tile);
        snprintf(what, sizeof what, "attention %s D=%d %s B=%d H=%d/%d Sq=%d Skv=%d %s tile=%d", tname(type), D,
                 causal ? "causal" : "full", B, H, Hk, Sq, Skv, bshd ? "bshd" : "bhsd", tile);
        if (tile == 0 || tile >= 4 || tile == 1)
            check_all(what, got.data(), ref.data(), mag.data(), (int64_t)got.size(), type == AIENG_CUDA_F16 ? 5e-3 : 3e-2);
        if (tile == 1) first = got;
        else if (tile == 2 || tile == 3) same &= memcmp(first.data(), got.data(), got.size() * sizeof(float)) == 0;
    }
    CHECK(same, "attention %s D=%d: results differ between tile configurations", tname(type), D);
}
static void test_attention(int cc) {
    for (int type = AIENG_CUDA_F16; type <= AIENG_CUDA_BF16; type += AIENG_CUDA_BF16 - AIENG_CUDA_F16) {
        if (type == AIENG_CUDA_BF16 && cc < 80) {
            printf("attention bf16: skipped (sm_%d has no BF16 tensor cores)\n", cc);
            continue;
        }
        for (int D = 64; D <= 128; D += 64)
            for (int causal = 0; causal < 2; causal++) {
                test_attn_case(type, D, causal, 2, 4, 2, 200, 200, 0);
                test_attn_case(type, D, causal, 1, 6, 2, 77, 300, 1);   /* GQA 3, Sq < Skv, [b][s][h][d] */
                test_attn_case(type, D, causal, 1, 2, 2, 300, 64, 0);   /* Sq > Skv: causal rows with no key */
                if (!aieng_test_quick()) test_attn_case(type, D, causal, 1, 8, 1, 129, 513, 0); /* MQA */
            }
    }
    aieng_cuda_attn p;
    memset(&p, 0, sizeof p);
    p.type = AIENG_CUDA_F16; p.batch = 1; p.n_head = 1; p.n_head_kv = 1; p.seq_q = 1; p.seq_kv = 1; p.head_dim = 80;
    p.q = p.k = p.v = (void *)16; p.o = (void *)16;
    CHECK(aieng_cuda_attention(&g_cu, &p) == AIENG_ERR_UNSUPPORTED, "head_dim 80 accepted");
    p.head_dim = 64; p.n_head = 3; p.n_head_kv = 2;
    CHECK(aieng_cuda_attention(&g_cu, &p) == AIENG_ERR_INVALID_ARG, "n_head %% n_head_kv != 0 accepted");
}

/* ------------------------------------------------------------------ paged decode */
static void test_paged_case(int type, int D, int B, int H, int Hk, int bs, int maxlen, int det) {
    char what[160];
    const int G = H / Hk, max_blocks = (maxlen + bs - 1) / bs, num_blocks = B * max_blocks + 3;
    std::vector<float> q = rand_vec((int64_t)B * H * D, type);
    std::vector<float> kc = rand_vec((int64_t)num_blocks * bs * Hk * D, type), vc = rand_vec((int64_t)num_blocks * bs * Hk * D, type);
    std::vector<int32_t> lens(B), bt((size_t)B * max_blocks);
    std::vector<int32_t> perm(num_blocks);
    for (int i = 0; i < num_blocks; i++) perm[i] = i;
    for (int i = num_blocks - 1; i > 0; i--) { int j = (int)(aieng_rng_u32(&g_rng) % (uint32_t)(i + 1)); int t = perm[i]; perm[i] = perm[j]; perm[j] = t; }
    for (int b = 0; b < B; b++) {
        lens[b] = b == 0 ? maxlen : 1 + (int)(aieng_rng_u32(&g_rng) % (uint32_t)maxlen);
        for (int i = 0; i < max_blocks; i++) bt[(size_t)b * max_blocks + i] = perm[b * max_blocks + i];
    }
    if (B > 1 && lens[1] > bs) bt[(size_t)max_blocks + 0] = -1; /* an invalid page is skipped */
    std::vector<float> ref((size_t)B * H * D), mag((size_t)B * H * D);
    for (int b = 0; b < B; b++)
        for (int h = 0; h < H; h++) {
            std::vector<double> s(lens[b]);
            std::vector<int> ok(lens[b]);
            double mx = -INFINITY, sum = 0;
            for (int j = 0; j < lens[b]; j++) {
                int page = bt[(size_t)b * max_blocks + j / bs];
                ok[j] = page >= 0 && page < num_blocks;
                if (!ok[j]) continue;
                const float *k = &kc[(((int64_t)page * bs + j % bs) * Hk + h / G) * D];
                double d = 0;
                for (int e = 0; e < D; e++) d += (double)q[((int64_t)b * H + h) * D + e] * k[e];
                s[j] = d / sqrt((double)D);
                if (s[j] > mx) mx = s[j];
            }
            for (int j = 0; j < lens[b]; j++) if (ok[j]) { s[j] = exp(s[j] - mx); sum += s[j]; }
            for (int e = 0; e < D; e++) {
                double acc = 0, am = 0;
                for (int j = 0; j < lens[b]; j++) {
                    if (!ok[j]) continue;
                    int page = bt[(size_t)b * max_blocks + j / bs];
                    double vv = vc[(((int64_t)page * bs + j % bs) * Hk + h / G) * D + e];
                    acc += s[j] * vv;
                    am += s[j] * fabs(vv);
                }
                ref[((size_t)b * H + h) * D + e] = sum > 0 ? (float)(acc / sum) : 0.0f;
                mag[((size_t)b * H + h) * D + e] = sum > 0 ? (float)(am / sum) + 1e-6f : 1e-6f;
            }
        }
    void *dq = to_dev(q, type), *dk = to_dev(kc, type), *dv = to_dev(vc, type), *dout = dev_alloc(q.size() * 2);
    void *dbt = dev_alloc(bt.size() * 4), *dl = dev_alloc(lens.size() * 4);
    aieng_cuda_upload(&g_cu, dbt, bt.data(), bt.size() * 4);
    aieng_cuda_upload(&g_cu, dl, lens.data(), lens.size() * 4);
    aieng_cuda_paged p;
    memset(&p, 0, sizeof p);
    p.type = type; p.batch = B; p.n_head = H; p.n_head_kv = Hk; p.head_dim = D; p.block_size = bs; p.num_blocks = num_blocks;
    p.max_blocks_per_seq = max_blocks; p.max_seq_len = maxlen; p.q = dq; p.k_cache = dk; p.v_cache = dv;
    p.block_table = (const int32_t *)dbt; p.seq_lens = (const int32_t *)dl; p.o = dout;
    int keep = g_cu.cfg.deterministic;
    g_cu.cfg.deterministic = det;
    OK(aieng_cuda_paged_decode(&g_cu, &p));
    g_cu.cfg.deterministic = keep;
    std::vector<float> got = from_dev(dout, (int64_t)q.size(), type);
    snprintf(what, sizeof what, "paged decode %s D=%d B=%d H=%d/%d block=%d maxlen=%d det=%d", tname(type), D, B, H, Hk, bs, maxlen, det);
    check_all(what, got.data(), ref.data(), mag.data(), (int64_t)got.size(), type == AIENG_CUDA_F16 ? 2e-3 : 1e-2);
    if (det) { /* same bits with another SM count in the context */
        int keep_sm = g_cu.sm_count;
        g_cu.sm_count = keep_sm * 3 + 7;
        g_cu.cfg.deterministic = 1;
        OK(aieng_cuda_paged_decode(&g_cu, &p));
        g_cu.cfg.deterministic = keep;
        g_cu.sm_count = keep_sm;
        std::vector<float> again = from_dev(dout, (int64_t)q.size(), type);
        CHECK(memcmp(again.data(), got.data(), got.size() * sizeof(float)) == 0, "%s: deterministic mode changed with the SM count", what);
    }
    aieng_cuda_free(&g_cu, dq); aieng_cuda_free(&g_cu, dk); aieng_cuda_free(&g_cu, dv); aieng_cuda_free(&g_cu, dout);
    aieng_cuda_free(&g_cu, dbt); aieng_cuda_free(&g_cu, dl);
}
static void test_paged(void) {
    for (int type = AIENG_CUDA_F16; type <= AIENG_CUDA_BF16; type += AIENG_CUDA_BF16 - AIENG_CUDA_F16)
        for (int D = 64; D <= 128; D += 64)
            for (int det = 0; det < 2; det++) {
                test_paged_case(type, D, 3, 8, 2, 16, 1500, det);
                test_paged_case(type, D, 2, 12, 1, 32, 700, det);  /* 12 query heads per kv head: two groups */
                test_paged_case(type, D, 4, 4, 4, 16, 40, det);    /* short: one split */
            }
}

/* ------------------------------------------------------------------ GGUF matvec */
static float h2f(const unsigned char *p) { uint16_t h; memcpy(&h, p, 2); return aieng_f16_to_f32(h); }
static void put_f16(unsigned char *p, float v) { uint16_t h = aieng_f32_to_f16(v); memcpy(p, &h, 2); }
/* plain C dequantization of one block, SPECS a.5 */
static void deq_block(int qt, const unsigned char *b, float *y) {
    int j;
    switch (qt) {
    case AIENG_CUDA_Q8_0: for (j = 0; j < 32; j++) y[j] = (float)(int8_t)b[2 + j] * h2f(b); break;
    case AIENG_CUDA_Q4_0:
        for (j = 0; j < 16; j++) { y[j] = (float)((b[2 + j] & 15) - 8) * h2f(b); y[j + 16] = (float)((b[2 + j] >> 4) - 8) * h2f(b); }
        break;
    case AIENG_CUDA_Q4_1:
        for (j = 0; j < 16; j++) { y[j] = (float)(b[4 + j] & 15) * h2f(b) + h2f(b + 2); y[j + 16] = (float)(b[4 + j] >> 4) * h2f(b) + h2f(b + 2); }
        break;
    case AIENG_CUDA_Q4_K: {
        const unsigned char *sc = b + 4, *qs = b + 16;
        float d = h2f(b), dmin = h2f(b + 2);
        for (int s = 0; s < 8; s++) {
            int scl, mn;
            if (s < 4) { scl = sc[s] & 63; mn = sc[s + 4] & 63; }
            else { scl = (sc[s + 4] & 15) | ((sc[s - 4] >> 6) << 4); mn = (sc[s + 4] >> 4) | ((sc[s] >> 6) << 4); }
            int c = s / 2;
            for (int l = 0; l < 32; l++) {
                int q = s % 2 ? qs[32 * c + l] >> 4 : qs[32 * c + l] & 15;
                y[64 * c + 32 * (s % 2) + l] = d * (float)scl * (float)q - dmin * (float)mn;
            }
        }
        break;
    }
    case AIENG_CUDA_Q6_K: {
        float d = h2f(b + 208);
        for (int h = 0; h < 2; h++) {
            const unsigned char *QL = b + 64 * h, *QH = b + 128 + 32 * h;
            const int8_t *SC = (const int8_t *)(b + 192 + 8 * h);
            for (int l = 0; l < 32; l++) {
                int is = l / 16;
                int q1 = ((QL[l] & 15) | (((QH[l] >> 0) & 3) << 4)) - 32, q2 = ((QL[l + 32] & 15) | (((QH[l] >> 2) & 3) << 4)) - 32;
                int q3 = ((QL[l] >> 4) | (((QH[l] >> 4) & 3) << 4)) - 32, q4 = ((QL[l + 32] >> 4) | (((QH[l] >> 6) & 3) << 4)) - 32;
                y[128 * h + l] = d * SC[is] * q1; y[128 * h + l + 32] = d * SC[is + 2] * q2;
                y[128 * h + l + 64] = d * SC[is + 4] * q3; y[128 * h + l + 96] = d * SC[is + 6] * q4;
            }
        }
        break;
    }
    }
}
/* M×K random weights in GGUF blocks of type qt, with valid scales (random bytes could be
   Inf/NaN halves) */
static std::vector<unsigned char> rand_qweights(int qt, int64_t M, int64_t K) {
    const int qk = qt == AIENG_CUDA_Q4_K || qt == AIENG_CUDA_Q6_K ? 256 : 32;
    const size_t bb = aieng_cuda_row_bytes(qt, qk), rb = aieng_cuda_row_bytes(qt, K);
    std::vector<unsigned char> W(M * rb);
    for (auto &c : W) c = (unsigned char)aieng_rng_u32(&g_rng);
    for (int64_t r = 0; r < M; r++)
        for (int64_t bi = 0; bi < K / qk; bi++) {
            unsigned char *b = &W[r * rb + bi * bb];
            float d = 0.01f + 0.02f * aieng_rng_uniform(&g_rng), m = 0.05f * aieng_rng_normal(&g_rng);
            if (qt == AIENG_CUDA_Q6_K) put_f16(b + 208, d);
            else put_f16(b, d);
            if (qt == AIENG_CUDA_Q4_1 || qt == AIENG_CUDA_Q4_K) put_f16(b + 2, qt == AIENG_CUDA_Q4_K ? fabsf(m) : m);
        }
    return W;
}
/* aieng_cuda_matvec_q's kernels (config.matvec_variant): 1 direct loads, 2 and 3 rows staged
   through shared memory (2 or 3 slots); all give the same bits */
#define MV_VARIANTS 3
/* The rows per warp (8, 4 or 1) follow from M and the SM count; the first rows of a
   matrix must come out bitwise the same through each, and through each kernel variant
   (and K of 3 blocks: rows that start 2-byte aligned for Q8_0, Q4_0, Q6_K) */
static void test_matvec_rows(int qt) {
    const int qk = qt == AIENG_CUDA_Q4_K || qt == AIENG_CUDA_Q6_K ? 256 : 32;
    const int64_t K = 3 * qk, sms = g_cu.sm_count > 0 ? g_cu.sm_count : 1;
    const int64_t Ms[3] = {64 * sms + 5, 32 * sms + 3, 7};
    std::vector<unsigned char> W = rand_qweights(qt, Ms[0], K);
    std::vector<float> x = rand_vec(K, AIENG_CUDA_F32);
    void *dW = dev_alloc(W.size()), *dx = to_dev(x, AIENG_CUDA_F32), *dy = dev_alloc((size_t)Ms[0] * 4);
    aieng_cuda_upload(&g_cu, dW, W.data(), W.size());
    std::vector<float> first;
    for (int i = 0; i < 3; i++) { /* the automatic rows per warp at three sizes */
        OK(aieng_cuda_matvec_q(&g_cu, qt, dW, Ms[i], K, (const float *)dx, (float *)dy));
        std::vector<float> got = from_dev(dy, Ms[2], AIENG_CUDA_F32);
        if (i == 0) first = got;
        else CHECK(memcmp(got.data(), first.data(), got.size() * sizeof(float)) == 0, "matvec type %d: rows differ with M=%lld", qt, (long long)Ms[i]);
    }
    std::vector<float> all;
    for (int v = 1; v <= MV_VARIANTS; v++)
        for (int rows = 1; rows <= 8; rows *= 2) { /* every rows-per-warp count on the whole matrix */
            g_cu.cfg.matvec_rows = rows;
            g_cu.cfg.matvec_variant = v;
            OK(aieng_cuda_matvec_q(&g_cu, qt, dW, Ms[0], K, (const float *)dx, (float *)dy));
            g_cu.cfg.matvec_rows = 0;
            g_cu.cfg.matvec_variant = 0;
            std::vector<float> got = from_dev(dy, Ms[0], AIENG_CUDA_F32);
            if (v == 1 && rows == 1) all = got;
            else CHECK(memcmp(got.data(), all.data(), got.size() * sizeof(float)) == 0, "matvec type %d: variant %d, %d rows per warp differ from variant 1, 1 row", qt, v, rows);
        }
    CHECK(memcmp(all.data(), first.data(), first.size() * sizeof(float)) == 0, "matvec type %d: forced and automatic rows differ", qt);
    aieng_cuda_free(&g_cu, dW); aieng_cuda_free(&g_cu, dx); aieng_cuda_free(&g_cu, dy);
}
/* W at byte offset woff (0 or 4: 16- or only 4-byte aligned blocks, another load path for
   Q4_K and other word alignments for the rest), through every kernel variant (each checked
   against the reference, and bitwise against the first); returns y on the host */
static std::vector<float> test_matvec_case(int qt, int64_t M, int64_t K, int woff = 0, int rows = 0) {
    char what[112];
    const int qk = qt == AIENG_CUDA_Q4_K || qt == AIENG_CUDA_Q6_K ? 256 : 32;
    const size_t bb = aieng_cuda_row_bytes(qt, qk), rb = aieng_cuda_row_bytes(qt, K);
    std::vector<unsigned char> W = rand_qweights(qt, M, K);
    std::vector<float> x = rand_vec(K, AIENG_CUDA_F32), ref(M), mag(M), deq(K);
    for (int64_t r = 0; r < M; r++) {
        for (int64_t bi = 0; bi < K / qk; bi++) deq_block(qt, &W[r * rb + bi * bb], &deq[bi * qk]);
        double acc = 0, am = 0;
        for (int64_t k = 0; k < K; k++) { acc += (double)deq[k] * x[k]; am += fabs((double)deq[k] * x[k]); }
        ref[r] = (float)acc;
        mag[r] = (float)am;
    }
    void *dW = dev_alloc(W.size() + woff), *dx = to_dev(x, AIENG_CUDA_F32), *dy = dev_alloc((size_t)M * 4);
    unsigned char *dWo = (unsigned char *)dW + woff;
    aieng_cuda_upload(&g_cu, dWo, W.data(), W.size());
    std::vector<float> first;
    for (int v = 1; v <= MV_VARIANTS; v++) {
        g_cu.cfg.matvec_variant = v;
        g_cu.cfg.matvec_rows = rows;
        aieng_cuda_memset(&g_cu, dy, 0xff, (size_t)M * 4); /* NaN: every y must be written */
        OK(aieng_cuda_matvec_q(&g_cu, qt, dWo, M, K, (const float *)dx, (float *)dy));
        g_cu.cfg.matvec_variant = 0;
        g_cu.cfg.matvec_rows = 0;
        std::vector<float> got = from_dev(dy, M, AIENG_CUDA_F32);
        snprintf(what, sizeof what, "matvec type %d M=%lld K=%lld W+%d rows %d variant %d", qt, (long long)M, (long long)K, woff, rows, v);
        check_all(what, got.data(), ref.data(), mag.data(), M, 1e-4);
        if (v == 1) first = got;
        else CHECK(memcmp(got.data(), first.data(), got.size() * sizeof(float)) == 0, "%s: differs from variant 1", what);
    }
    aieng_cuda_free(&g_cu, dW); aieng_cuda_free(&g_cu, dx); aieng_cuda_free(&g_cu, dy);
    return first;
}
static void test_matvec(void) {
    const int qts[5] = {AIENG_CUDA_Q8_0, AIENG_CUDA_Q4_0, AIENG_CUDA_Q4_1, AIENG_CUDA_Q4_K, AIENG_CUDA_Q6_K};
    for (int i = 0; i < 5; i++) {
        int qk = i >= 3 ? 256 : 32;
        test_matvec_case(qts[i], 301, 4096);
        test_matvec_case(qts[i], 7, 3 * qk);
        test_matvec_case(qts[i], 1000, 576 / qk * qk + qk); /* SmolLM2 hidden size, rounded to the block */
        /* rows not a multiple of the 4 a warp takes, one block per row, a warp's rows split */
        test_matvec_case(qts[i], 1, qk);
        test_matvec_case(qts[i], 6, qk);
        test_matvec_case(qts[i], 21, 5 * qk);
        /* W only 4-byte aligned: the same arithmetic, so bitwise the same y (same seed twice) */
        const aieng_rng keep = g_rng;
        std::vector<float> a = test_matvec_case(qts[i], 67, 9 * qk, 0);
        g_rng = keep;
        std::vector<float> b = test_matvec_case(qts[i], 67, 9 * qk, 4);
        CHECK(memcmp(a.data(), b.data(), a.size() * sizeof(float)) == 0, "matvec type %d: y depends on W's alignment", qts[i]);
        test_matvec_rows(qts[i]);
        test_matvec_case(qts[i], 32 * (g_cu.sm_count > 0 ? g_cu.sm_count : 1) + 1, 2 * qk); /* 4 rows per warp */
        test_matvec_case(qts[i], 64 * (g_cu.sm_count > 0 ? g_cu.sm_count : 1) + 3, qk);     /* 8 rows per warp */
        /* long rows: several chunks of the staged kernel (its ring of slots wraps, the last
           chunk partial), for 1, 4 and 8 rows per warp, M not a multiple of a block's rows,
           W 16- and 4-byte aligned */
        test_matvec_case(qts[i], 37, 16384 + qk, 0, 1);
        test_matvec_case(qts[i], 37, 4096 + qk, 4, 4);
        test_matvec_case(qts[i], 45, 2048 + 3 * qk, 4, 8);
    }
    { /* 40 KiB of shared memory: variant 2 (about 34 KiB at 4 rows) runs, 3 (50 KiB) falls back
         to the direct kernel; the same bits either way */
        const size_t keep = g_cu.smem_block;
        g_cu.smem_block = 40 * 1024;
        test_matvec_case(AIENG_CUDA_Q4_0, 45, 1024 + 32, 4, 4);
        g_cu.smem_block = keep;
    }
    CHECK(aieng_cuda_matvec_q(&g_cu, AIENG_CUDA_Q8_0, (void *)16, 4, 33, (const float *)16, (float *)16) == AIENG_ERR_INVALID_ARG, "K=33 accepted");
    CHECK(aieng_cuda_matvec_q(&g_cu, AIENG_CUDA_F16, (void *)16, 4, 32, (const float *)16, (float *)16) == AIENG_ERR_UNSUPPORTED, "F16 matvec accepted");
}

/* ------------------------------------------------------------------ Llama forward pass */
/* A tiny random Llama (GQA, head_dim 64, Q4_0 / Q4_1 / Q5_0 / Q5_1 / Q8_0 / Q4_K / Q6_K
   matrices quantized by aieng_quant.h, F32 norms, Q6_K embedding tied to the output) written as GGUF and
   loaded by aieng_transformer.h; the GPU copy (aieng_cuda_llama_from_model) must give
   the CPU path's logits after a prefill in two chunks (flash attention over the cache)
   and after single-token steps (paged decode). Both sides quantize the activations the
   same way and sum whole blocks in integers; what differs is the float summation order
   and the f16 rounding inside attention (P, and the output on the GPU). Alone, the
   float order stays near 1e-7 relative (the first token: 1e-4 allowed); attention's
   f16 differences flip some 8-bit roundings of the next activations, which this random
   model amplifies to 1-2 % of its logits (the GPU's own prefill and token-by-token
   runs differ as much): after the first token, max |gpu − cpu| ≤ 4e-2·max |logit| and
   rms ≤ 4e-2·rms (seen: up to 1.5e-2 and 1.9e-2). The first token: 1e-4 (seen 1e-7).
   The argmax must agree unless the CPU's top two are within the max bound. */
enum { LV = 272, LD = 256, LH = 4, LHKV = 2, LFF = 256, LL = 2, LCTX = 48 };
static void put_tensor(aieng_gguf_writer *w, const char *name, int qt, int64_t n_in, int64_t n_out, float scale,
                       float offset, std::vector<std::vector<unsigned char>> &keep) {
    std::vector<float> f((size_t)(n_in * n_out));
    for (auto &x : f) x = offset + scale * aieng_rng_normal(&g_rng);
    size_t rb = 0;
    aieng_quant_row_bytes(qt, n_in, &rb);
    keep.emplace_back(rb * (size_t)n_out + 16);
    aieng_quant_quantize(qt, f.data(), keep.back().data(), n_out, n_in);
    int64_t ne[2] = {n_in, n_out};
    aieng_gguf_writer_add_tensor(w, name, (uint32_t)qt, n_out > 1 ? 2 : 1, ne, keep.back().data());
}
static void *tiny_llama(size_t *size) {
    aieng_gguf_writer *w;
    std::vector<std::string> toks(LV);
    std::vector<const char *> tp(LV);
    std::vector<size_t> tl(LV);
    std::vector<int32_t> types(LV, 1);
    std::vector<std::vector<unsigned char>> keep;
    char name[64];
    void *buf = NULL;
    for (int i = 0; i < LV; i++) {
        toks[i] = "t" + std::to_string(i);
        tp[i] = toks[i].c_str();
        tl[i] = toks[i].size();
    }
    aieng_gguf_writer_new(&w, NULL);
    aieng_gguf_writer_set_string(w, "general.architecture", "llama", 5);
    aieng_gguf_writer_set_int(w, "llama.context_length", AIENG_GGUF_UINT32, LCTX);
    aieng_gguf_writer_set_int(w, "llama.embedding_length", AIENG_GGUF_UINT32, LD);
    aieng_gguf_writer_set_int(w, "llama.feed_forward_length", AIENG_GGUF_UINT32, LFF);
    aieng_gguf_writer_set_int(w, "llama.block_count", AIENG_GGUF_UINT32, LL);
    aieng_gguf_writer_set_int(w, "llama.attention.head_count", AIENG_GGUF_UINT32, LH);
    aieng_gguf_writer_set_int(w, "llama.attention.head_count_kv", AIENG_GGUF_UINT32, LHKV);
    aieng_gguf_writer_set_float(w, "llama.attention.layer_norm_rms_epsilon", AIENG_GGUF_FLOAT32, 1e-5);
    aieng_gguf_writer_set_float(w, "llama.rope.freq_base", AIENG_GGUF_FLOAT32, 10000.0);
    aieng_gguf_writer_set_string(w, "tokenizer.ggml.model", "gpt2", 4);
    aieng_gguf_writer_set_string_array(w, "tokenizer.ggml.tokens", tp.data(), tl.data(), LV);
    aieng_gguf_writer_set_array(w, "tokenizer.ggml.token_type", AIENG_GGUF_INT32, types.data(), LV);
    aieng_gguf_writer_set_string_array(w, "tokenizer.ggml.merges", NULL, NULL, 0);
    keep.reserve(64);
    put_tensor(w, "token_embd.weight", AIENG_QUANT_Q6_K, LD, LV, 1.0f, 0.0f, keep);
    put_tensor(w, "output_norm.weight", AIENG_QUANT_F32, LD, 1, 0.2f, 1.0f, keep);
    for (int l = 0; l < LL; l++) {
        /* every matrix type the GPU path reads, and the launches that share one type across
           matrices of the same input: q and k (Q4_K, layer 0), q, k and v (Q4_1), gate and
           up (Q5_1, layer 1) */
        static const int types[LL][7] = {
            {AIENG_QUANT_Q4_K, AIENG_QUANT_Q4_K, AIENG_QUANT_Q6_K, AIENG_QUANT_Q5_0, AIENG_QUANT_Q4_1, AIENG_QUANT_Q4_0, AIENG_QUANT_Q6_K},
            {AIENG_QUANT_Q4_1, AIENG_QUANT_Q4_1, AIENG_QUANT_Q4_1, AIENG_QUANT_Q8_0, AIENG_QUANT_Q5_1, AIENG_QUANT_Q5_1, AIENG_QUANT_Q4_K}};
        const int *ty = types[l];
#define LT(nm, qt, nin, nout, sc, off) do { snprintf(name, sizeof name, "blk.%d." nm, l); put_tensor(w, name, qt, nin, nout, sc, off, keep); } while (0)
        LT("attn_norm.weight", AIENG_QUANT_F32, LD, 1, 0.2f, 1.0f);
        LT("ffn_norm.weight", AIENG_QUANT_F32, LD, 1, 0.2f, 1.0f);
        /* weights scaled by 1/sqrt(inputs / 128): the activations of the 128-wide model these
           tolerances were set on (sharper attention amplifies attention's f16 roundings) */
        const float sd = sqrtf(128.0f / LD), sf = sqrtf(192.0f / LFF);
        LT("attn_q.weight", ty[0], LD, LD, 0.15f * sd, 0.0f);
        LT("attn_k.weight", ty[1], LD, LD / LH * LHKV, 0.15f * sd, 0.0f);
        LT("attn_v.weight", ty[2], LD, LD / LH * LHKV, 0.1f * sd, 0.0f);
        LT("attn_output.weight", ty[3], LD, LD, 0.1f * sd, 0.0f);
        LT("ffn_gate.weight", ty[4], LD, LFF, 0.1f * sd, 0.0f);
        LT("ffn_up.weight", ty[5], LD, LFF, 0.1f * sd, 0.0f);
        LT("ffn_down.weight", ty[6], LFF, LD, 0.08f * sf, 0.0f);
#undef LT
    }
    CHECK(aieng_gguf_writer_write_memory(w, &buf, size) == AIENG_OK, "tiny llama gguf: %s", aieng_last_error());
    aieng_gguf_writer_free(w);
    return buf;
}
static void cmp_logits(const char *what, const float *gpu, const float *cpu, int64_t n, double rel) {
    double amax = 0, dmax = 0, ss = 0, sd = 0;
    int64_t a1 = 0, a2 = -1, ag = 0;
    for (int64_t i = 0; i < n; i++) {
        amax = fmax(amax, fabs(cpu[i]));
        dmax = fmax(dmax, fabs(gpu[i] - cpu[i]));
        ss += (double)cpu[i] * cpu[i];
        sd += (double)(gpu[i] - cpu[i]) * (gpu[i] - cpu[i]);
        if (cpu[i] > cpu[a1]) a1 = i;
        if (gpu[i] > gpu[ag]) ag = i;
    }
    for (int64_t i = 0; i < n; i++)
        if (i != a1 && (a2 < 0 || cpu[i] > cpu[a2])) a2 = i;
    const double tol = rel * amax;
    CHECK(amax > 0.5 && dmax <= tol, "%s: max |gpu - cpu| = %g > %g (max |logit| %g)", what, dmax, tol, amax);
    CHECK(ag == a1 || cpu[a1] - cpu[a2] <= tol, "%s: argmax %lld on the GPU, %lld on the CPU (gap %g)", what, (long long)ag,
          (long long)a1, (double)(cpu[a1] - cpu[a2]));
    const double rms = sqrt(ss / (double)n), rmsd = sqrt(sd / (double)n);
    CHECK(rmsd <= rel * rms, "%s: rms |gpu - cpu| = %g > %g (rms logit %g)", what, rmsd, rel * rms, rms);
    printf("  %s: max |gpu - cpu| %.3g (%.2g of max |logit| %.3g), rms %.2g of rms, argmax %lld / %lld\n", what, dmax,
           dmax / amax, amax, rmsd / rms, (long long)ag, (long long)a1);
}
static void test_llama(void) {
    size_t size = 0;
    void *buf = tiny_llama(&size);
    aieng_model *m = NULL;
    aieng_model_config cfg = aieng_model_config_default();
    aieng_cuda_llama *g = NULL;
    const float *lc;
    std::vector<float> lg(LV);
    const int32_t ids[10] = {5, 17, 260, 3, 99, 42, 7, 200, 11, 64};
    char what[96];
    if (!buf) return;
    cfg.n_ctx = LCTX;
    cfg.n_batch = 4;
    CHECK(aieng_model_load_memory(&m, buf, size, &cfg) == AIENG_OK, "tiny llama load: %s", aieng_last_error());
    if (!m) { aieng_free(NULL, buf); return; }
    OK(aieng_cuda_llama_from_model(&g_cu, m, 0, 4, &g));
    if (g) {
        CHECK(aieng_cuda_llama_n_ctx(g) == LCTX && aieng_cuda_llama_device_bytes(g) > 0, "llama sizes");
        /* one token at position 0: attention is a copy of v, so what remains is the float
           order of the sums (no 8-bit rounding flips expected) */
        CHECK(aieng_model_eval(m, ids, 1, &lc) == AIENG_OK, "cpu eval: %s", aieng_model_error(m));
        OK(aieng_cuda_llama_eval(g, ids, 1, lg.data()));
        cmp_logits("llama first token", lg.data(), lc, LV, 1e-4);
        /* prefill 6 more (chunks of 4 + 2 attend to the cache through flash attention), then 3 single steps */
        CHECK(aieng_model_eval(m, ids + 1, 6, &lc) == AIENG_OK, "cpu eval: %s", aieng_model_error(m));
        OK(aieng_cuda_llama_eval(g, ids + 1, 6, lg.data()));
        cmp_logits("llama prefill 6", lg.data(), lc, LV, 4e-2);
        for (int i = 7; i < 10; i++) {
            CHECK(aieng_model_eval(m, ids + i, 1, &lc) == AIENG_OK, "cpu eval: %s", aieng_model_error(m));
            OK(aieng_cuda_llama_eval(g, ids + i, 1, lg.data()));
            snprintf(what, sizeof what, "llama decode at %d", i);
            cmp_logits(what, lg.data(), lc, LV, 4e-2);
        }
        CHECK(aieng_cuda_llama_n_past(g) == 10, "n_past %lld", (long long)aieng_cuda_llama_n_past(g));
        /* truncate and re-run the last token: the same logits */
        std::vector<float> again(LV);
        OK(aieng_cuda_llama_kv_truncate(g, 9));
        OK(aieng_cuda_llama_eval(g, ids + 9, 1, again.data()));
        CHECK(memcmp(again.data(), lg.data(), LV * sizeof(float)) == 0, "llama: the same step after kv_truncate differs");
        /* errors */
        int32_t bad = LV;
        CHECK(aieng_cuda_llama_eval(g, &bad, 1, NULL) == AIENG_ERR_RANGE, "token id out of range accepted");
        std::vector<int32_t> many(LCTX, 1);
        CHECK(aieng_cuda_llama_eval(g, many.data(), LCTX, NULL) == AIENG_ERR_RANGE, "context overflow accepted");
        CHECK(aieng_cuda_llama_kv_truncate(g, 11) == AIENG_ERR_RANGE, "truncate past n_past accepted");
        aieng_cuda_llama_free(g);
    }
    /* decode steps replayed from a CUDA graph (the default) against the same steps launched
       kernel by kernel (config.no_graphs): the same bits at every position, across the
       context lengths where paged decode's key splits change (the graph is captured again
       there, and only there), after kv_truncate back to a shorter context, and after the
       workspace moved. The GPU copy gets a longer context than the CPU model's. */
    OK(aieng_cuda_llama_from_model(&g_cu, m, 640, 64, &g));
    if (g) {
        const int P = 250, N = 16;
        std::vector<int32_t> prompt(P);
        std::vector<float> a(LV), b(LV);
        for (auto &t : prompt) t = (int32_t)(aieng_rng_u32(&g_rng) % LV);
        g_cu.cfg.no_graphs = 0;
        OK(aieng_cuda_llama_eval(g, prompt.data(), P, a.data()));
        int keys = 0, last_split = -1, last_n = -1, bad = 0;
        auto step = [&](int32_t id, const char *when) {
            const int64_t pos = aieng_cuda_llama_n_past(g);
            int sl, ns;
            aieng__pd_split(&g_cu, LHKV * ((LH / LHKV + AIENG__PD_G - 1) / AIENG__PD_G), pos + 1, &sl, &ns);
            if (sl != last_split || ns != last_n) keys++;
            last_split = sl;
            last_n = ns;
            g_cu.cfg.no_graphs = 1;
            OK(aieng_cuda_llama_eval(g, &id, 1, b.data()));
            OK(aieng_cuda_llama_kv_truncate(g, pos));
            g_cu.cfg.no_graphs = 0;
            OK(aieng_cuda_llama_eval(g, &id, 1, a.data()));
            if (memcmp(a.data(), b.data(), LV * sizeof(float)) != 0 && bad++ == 0)
                CHECK(0, "llama graph %s: step at position %lld differs from the kernel-by-kernel step", when, (long long)pos);
        };
        for (int i = 0; i < N; i++) step(prompt[i], "decode");
        CHECK(aieng_cuda_llama_n_past(g) == P + N, "n_past %lld after the graph steps", (long long)aieng_cuda_llama_n_past(g));
        CHECK(keys >= 2, "the graph test did not cross a change of key splits (%d)", keys);
        CHECK(g->n_captures == keys, "llama graph captured %lld times for %d split configurations", (long long)g->n_captures, keys);
        { /* the workspace moves (as when another call needs more): the graph must not write the old one */
            void *moved = NULL;
            OK(aieng_cuda_malloc(&g_cu, &moved, g_cu.ws_bytes + 4096));
            if (moved) {
                aieng_cuda_free(&g_cu, g_cu.ws);
                g_cu.ws = moved;
                g_cu.ws_bytes += 4096;
            }
            OK(aieng_cuda_llama_kv_truncate(g, P + 8)); /* 259 keys: two splits, so the workspace is used */
            step(prompt[3], "after the workspace moved");
            CHECK(g->graph_ws == g_cu.ws && g->n_captures == keys + 1, "llama graph: not captured again on the moved workspace");
        }
        OK(aieng_cuda_llama_kv_truncate(g, 100));
        for (int i = 0; i < 3; i++) step(prompt[i], "after kv_truncate");
        CHECK(g->n_captures == keys + 1, "llama graph captured %lld times for %d split configurations and a move",
              (long long)g->n_captures, keys);
        CHECK(bad == 0, "llama graph: %d steps differ", bad);
        aieng_cuda_llama_free(g);
    }
    aieng_model_free(m);
    aieng_free(NULL, buf);
}

int main(void) {
    int n = 0;
    uint64_t seed = (uint64_t)time(NULL);
    const char *s = getenv("AIENG_TEST_SEED");
    if (s && *s) seed = strtoull(s, NULL, 10);
    aieng_rng_seed(&g_rng, seed, 9);
    aieng_cuda_device_count(&n);
    if (n <= 0) {
        printf("no CUDA device: the GPU tests were not run\n");
        CHECK(n > 0, "a CUDA device is needed for test_cuda");
        printf("%d passed, %d failed\n", aieng_test_passed, aieng_test_failed);
        return 1;
    }
    if (aieng_cuda_init(&g_cu, NULL) != AIENG_OK) {
        CHECK(0, "aieng_cuda_init: %s", aieng_last_error());
        printf("%d passed, %d failed\n", aieng_test_passed, aieng_test_failed);
        return 1;
    }
    if (getenv("AIENG_CUDA_NO_WGMMA")) g_cu.wgmma = 0; /* the mma.sync GEMM even on sm_90a */
    printf("device: %s (sm_%d, %d SMs, %zu bytes shared memory per block, wgmma GEMM %s), seed %llu\n", g_cu.name, g_cu.cc,
           g_cu.sm_count, g_cu.smem_block, g_cu.wgmma ? "yes" : "no", (unsigned long long)seed);
    fflush(stdout);
    {   /* AIENG_CUDA_TESTS=llama (or gemm,rows,...) runs only those groups */
        const char *only = getenv("AIENG_CUDA_TESTS");
        if (only && *only) {
            if (strstr(only, "gemm")) test_gemm();
            if (strstr(only, "rows")) test_rows();
            if (strstr(only, "attention")) test_attention(g_cu.cc);
            if (strstr(only, "paged")) test_paged();
            if (strstr(only, "matvec")) test_matvec();
            if (strstr(only, "llama")) test_llama();
            OK(aieng_cuda_synchronize(&g_cu));
            aieng_cuda_release(&g_cu);
            return aieng_test_summary();
        }
    }
    test_gemm();     printf("gemm done: %d passed, %d failed\n", aieng_test_passed, aieng_test_failed); fflush(stdout);
    test_rows();     printf("rows done: %d passed, %d failed\n", aieng_test_passed, aieng_test_failed); fflush(stdout);
    test_attention(g_cu.cc); printf("attention done: %d passed, %d failed\n", aieng_test_passed, aieng_test_failed); fflush(stdout);
    test_paged();    printf("paged done: %d passed, %d failed\n", aieng_test_passed, aieng_test_failed); fflush(stdout);
    test_matvec();   printf("matvec done: %d passed, %d failed\n", aieng_test_passed, aieng_test_failed); fflush(stdout);
    test_llama();
    OK(aieng_cuda_synchronize(&g_cu));
    aieng_cuda_release(&g_cu);
    return aieng_test_summary();
}
