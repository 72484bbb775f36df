/* test_tensor.c - aieng_tensor.h against naive double-precision references
   and against its own scalar path (the scalar build runs the same file).
   AIENG_TEST_TSAN: make test also runs this program under ThreadSanitizer. */
#include <stdlib.h>
/* count every allocation the header makes: kernels must not allocate once warm */
static long n_allocs = 0;
#define AIENG_MALLOC(sz, ctx) ((void)(ctx), __atomic_add_fetch(&n_allocs, 1, __ATOMIC_RELAXED), malloc(sz))
#define AIENG_REALLOC(p, sz, ctx) ((void)(ctx), __atomic_add_fetch(&n_allocs, 1, __ATOMIC_RELAXED), realloc((p), (sz)))
#define AIENG_FREE(p, ctx) ((void)(ctx), free(p))
#define AIENG_TENSOR_IMPLEMENTATION
#include "aieng_tensor.h"
#include "aieng_test.h"

static aieng_rng rng;
static void fill(float *x, int64_t n, float scale) { int64_t i; for (i = 0; i < n; i++) x[i] = scale * aieng_rng_normal(&rng); }
static double max_rel_err(const float *got, const double *want, int64_t n) {
    double worst = 0, norm = 0;
    int64_t i;
    for (i = 0; i < n; i++) norm = fabs(want[i]) > norm ? fabs(want[i]) : norm;
    for (i = 0; i < n; i++) {
        double e = fabs(got[i] - want[i]) / (norm > 1e-30 ? norm : 1.0);
        if (!(e <= worst)) worst = e; /* NaN propagates */
    }
    return worst;
}

/* naive op(A)·op(B) in double */
static void ref_gemm(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda, const float *B,
                     int64_t ldb, float beta, const float *C0, int64_t ldc, double *out) {
    int64_t i, j, k;
    for (i = 0; i < M; i++)
        for (j = 0; j < N; j++) {
            double s = 0;
            for (k = 0; k < K; k++) s += (double)(ta ? A[k * lda + i] : A[i * lda + k]) * (double)(tb ? B[j * ldb + k] : B[k * ldb + j]);
            out[i * N + j] = alpha * s + (beta == 0.0f ? 0.0 : beta * (double)C0[i * ldc + j]);
        }
}

static void test_sgemm_case(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, float beta, int pad) {
    int64_t lda = (ta ? M : K) + pad, ldb = (tb ? K : N) + pad, ldc = N + pad;
    int64_t na = (ta ? K : M) * lda, nb = (tb ? N : K) * ldb, nc = M * ldc, i, j;
    float *A = (float *)malloc(sizeof(float) * (size_t)(na + 1)), *B = (float *)malloc(sizeof(float) * (size_t)(nb + 1));
    float *C = (float *)malloc(sizeof(float) * (size_t)(nc + 1)), *C0 = (float *)malloc(sizeof(float) * (size_t)(nc + 1));
    double *want = (double *)malloc(sizeof(double) * (size_t)(M * N + 1));
    float *got = (float *)malloc(sizeof(float) * (size_t)(M * N + 1));
    aieng_result r;
    int pad_ok = 1;
    fill(A, na, 1.0f); fill(B, nb, 1.0f); fill(C0, nc, 1.0f);
    if (beta == 0.0f) for (i = 0; i < nc; i++) C0[i] = NAN; /* beta = 0 must ignore C */
    memcpy(C, C0, sizeof(float) * (size_t)nc);
    ref_gemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C0, ldc, want);
    r = aieng_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
    for (i = 0; i < M; i++) {
        for (j = 0; j < N; j++) got[i * N + j] = C[i * ldc + j];
        for (j = N; j < ldc; j++) if (memcmp(&C[i * ldc + j], &C0[i * ldc + j], 4) != 0) pad_ok = 0;
    }
    CHECK(r == AIENG_OK, "sgemm returned %d", r);
    {
        double e = max_rel_err(got, want, M * N), tol = 2e-6 * sqrt((double)K + 1) + 1e-6;
        CHECK(e <= tol, "sgemm ta=%d tb=%d M=%lld N=%lld K=%lld alpha=%g beta=%g: rel err %g > %g", ta, tb, (long long)M,
              (long long)N, (long long)K, alpha, beta, e, tol);
    }
    CHECK(pad_ok, "sgemm wrote outside the N columns (M=%lld N=%lld K=%lld)", (long long)M, (long long)N, (long long)K);
    free(A); free(B); free(C); free(C0); free(want); free(got);
}

static void test_sgemm(void) {
    static const int64_t sizes[][3] = {{1, 1, 1}, {1, 17, 33}, {1, 576, 1536}, {2, 3, 4}, {3, 70, 65}, {4, 129, 300},
                                       {5, 7, 9}, {8, 32, 256}, {9, 33, 257}, {17, 100, 31}, {64, 96, 300}, {100, 37, 513},
                                       {130, 200, 64}, {33, 2100, 20}, {7, 1, 1000}};
    int n = (int)(sizeof sizes / sizeof sizes[0]), i, ta, tb;
    for (i = 0; i < n; i++)
        for (ta = 0; ta < 2; ta++)
            for (tb = 0; tb < 2; tb++) {
                float alpha = (i % 3 == 0) ? 1.0f : 0.5f, beta = (i % 4 == 0) ? 0.0f : (i % 4 == 1 ? 1.0f : -0.75f);
                test_sgemm_case(ta, tb, sizes[i][0], sizes[i][1], sizes[i][2], alpha, beta, (i + ta + tb) % 3);
            }
    if (!aieng_test_quick()) test_sgemm_case(0, 1, 300, 2200, 600, 1.0f, 0.0f, 0);
    /* bad arguments are errors, not crashes */
    {
        float a[4] = {0}, c[4] = {0};
        CHECK(aieng_sgemm(0, 0, -1, 2, 2, 1, a, 2, a, 2, 0, c, 2) == AIENG_ERR_INVALID_ARG, "negative M accepted");
        CHECK(aieng_sgemm(0, 0, 2, 2, 2, 1, a, 1, a, 2, 0, c, 2) == AIENG_ERR_INVALID_ARG, "lda < K accepted");
        CHECK(strlen(aieng_last_error()) > 0, "no error message");
        CHECK(aieng_sgemm(0, 0, 2, 2, 2, 1, NULL, 2, a, 2, 0, c, 2) == AIENG_ERR_INVALID_ARG, "NULL A accepted");
    }
}

static void test_sgemv(void) {
    int64_t M = 37, N = 1029, i, j;
    float *A = (float *)malloc(sizeof(float) * (size_t)(M * N)), x[1029], y[1029], y0[1029];
    double want[1029];
    fill(A, M * N, 1.0f); fill(x, N, 1.0f); fill(y0, N, 1.0f);
    memcpy(y, y0, sizeof y);
    CHECK(aieng_sgemv(0, M, N, 2.0f, A, N, x, 0.5f, y) == AIENG_OK, "sgemv failed");
    for (i = 0; i < M; i++) { double s = 0; for (j = 0; j < N; j++) s += (double)A[i * N + j] * x[j]; want[i] = 2 * s + 0.5 * y0[i]; }
    CHECK(max_rel_err(y, want, M) < 1e-5, "sgemv rel err %g", max_rel_err(y, want, M));
    memcpy(y, y0, sizeof y);
    CHECK(aieng_sgemv(1, M, N, 1.0f, A, N, x, 0.0f, y) == AIENG_OK, "sgemv T failed");
    for (j = 0; j < N; j++) { double s = 0; for (i = 0; i < M; i++) s += (double)A[i * N + j] * x[i]; want[j] = s; }
    CHECK(max_rel_err(y, want, N) < 1e-5, "sgemv T rel err %g", max_rel_err(y, want, N));
    free(A);
}


/* the scalar path, compiled apart (tests/test_tensor_ref_scalar.c) */
float ref_vec_dot(const float *x, const float *y, int64_t n);
float ref_vec_l2sq(const float *x, const float *y, int64_t n);
float ref_vec_sum(const float *x, int64_t n);
float ref_vec_max(const float *x, int64_t n);
void ref_softmax_row(float *y, const float *x, int64_t n);
void ref_log_softmax_row(float *y, const float *x, int64_t n);
void ref_rmsnorm_row(float *y, const float *x, const float *w, int64_t n, float eps);
void ref_layernorm_row(float *y, const float *x, const float *w, const float *b, int64_t n, float eps);
void ref_gelu_row(float *y, const float *x, int64_t n);
void ref_silu_row(float *y, const float *x, int64_t n);
void ref_f32_to_f16_row(uint16_t *d, const float *s, int64_t n);
void ref_f16_to_f32_row(float *d, const uint16_t *s, int64_t n);
int ref_sgemm(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda, const float *B, int64_t ldb,
              float beta, float *C, int64_t ldc);

static int close_rel(float got, double want, double rtol, double atol) { return fabs((double)got - want) <= atol + rtol * fabs(want); }

/* SIMD kernels against the scalar ones, lengths that exercise every tail */
static void test_simd_vs_scalar(void) {
    int64_t n, i;
    float x[301], y[301], w[301], b[301], o1[301], o2[301];
    for (n = 1; n <= 301; n += (n < 40 ? 1 : 37)) {
        int ok_dot, ok_rows = 1;
        fill(x, n, 2.0f); fill(y, n, 2.0f); fill(w, n, 1.0f); fill(b, n, 1.0f);
        ok_dot = close_rel(aieng_vec_dot(x, y, n), ref_vec_dot(x, y, n), 1e-5, 1e-5 * sqrt((double)n)) &&
                 close_rel(aieng_vec_l2sq(x, y, n), ref_vec_l2sq(x, y, n), 1e-5, 1e-5) &&
                 close_rel(aieng_vec_sum(x, n), ref_vec_sum(x, n), 1e-5, 1e-5 * sqrt((double)n)) &&
                 aieng_vec_max(x, n) == ref_vec_max(x, n);
        CHECK(ok_dot, "vec dot/l2sq/sum/max differ from scalar at n=%lld", (long long)n);
#define ROWCMP(call1, call2, rtol, atol) call1; call2; for (i = 0; i < n; i++) if (!close_rel(o1[i], o2[i], rtol, atol)) { ok_rows = 0; \
        fprintf(stderr, "  %s n=%lld i=%lld: %.9g vs scalar %.9g\n", #call1, (long long)n, (long long)i, o1[i], o2[i]); break; }
        ROWCMP(aieng_softmax_row(o1, x, n), ref_softmax_row(o2, x, n), 2e-6, 1e-7)
        ROWCMP(aieng_log_softmax_row(o1, x, n), ref_log_softmax_row(o2, x, n), 1e-6, 2e-6)
        ROWCMP(aieng_rmsnorm_row(o1, x, w, n, 1e-5f), ref_rmsnorm_row(o2, x, w, n, 1e-5f), 1e-5, 1e-6)
        ROWCMP(aieng_layernorm_row(o1, x, w, b, n, 1e-5f), ref_layernorm_row(o2, x, w, b, n, 1e-5f), 1e-5, 1e-5)
        ROWCMP(aieng_gelu_row(o1, x, n), ref_gelu_row(o2, x, n), 1e-5, 1e-6)
        ROWCMP(aieng_silu_row(o1, x, n), ref_silu_row(o2, x, n), 1e-5, 1e-6)
        CHECK(ok_rows, "row kernels differ from scalar at n=%lld", (long long)n);
    }
    { /* sgemm, every form, against the scalar sgemm */
        static const int64_t sz[][3] = {{1, 50, 70}, {3, 33, 17}, {13, 97, 300}, {200, 150, 40}, {257, 70, 520}};
        int c, ta, tb;
        for (c = 0; c < 5; c++)
            for (ta = 0; ta < 2; ta++)
                for (tb = 0; tb < 2; tb++) {
                    int64_t M = sz[c][0], N = sz[c][1], K = sz[c][2], k, bad = 0;
                    float *A = (float *)malloc(sizeof(float) * (size_t)(M * K)), *B = (float *)malloc(sizeof(float) * (size_t)(N * K));
                    float *C1 = (float *)malloc(sizeof(float) * (size_t)(M * N)), *C2 = (float *)malloc(sizeof(float) * (size_t)(M * N));
                    fill(A, M * K, 1.0f); fill(B, N * K, 1.0f); fill(C1, M * N, 1.0f);
                    memcpy(C2, C1, sizeof(float) * (size_t)(M * N));
                    aieng_sgemm(ta, tb, M, N, K, 0.7f, A, ta ? M : K, B, tb ? K : N, 0.3f, C1, N);
                    ref_sgemm(ta, tb, M, N, K, 0.7f, A, ta ? M : K, B, tb ? K : N, 0.3f, C2, N);
                    for (k = 0; k < M * N; k++) bad += !close_rel(C1[k], C2[k], 1e-5, 2e-6 * sqrt((double)K) * 4);
                    CHECK(bad == 0, "sgemm ta=%d tb=%d %lldx%lldx%lld: %lld elements differ from the scalar path", ta, tb, (long long)M,
                          (long long)N, (long long)K, (long long)bad);
                    free(A); free(B); free(C1); free(C2);
                }
    }
    { /* f16 rows: SIMD conversion must equal the scalar one bit for bit */
        uint16_t h1[300], h2[300];
        float f1[300], f2[300];
        fill(x, 300, 1000.0f);
        x[0] = INFINITY; x[1] = -INFINITY; x[2] = NAN; x[3] = 1e-6f; x[4] = 65519.0f; x[5] = 65520.0f; x[6] = -0.0f;
        aieng_f32_to_f16_row(h1, x, 300); ref_f32_to_f16_row(h2, x, 300);
        CHECK(memcmp(h1, h2, sizeof h1) == 0, "f32->f16 row differs from scalar");
        aieng_f16_to_f32_row(f1, h1, 300); ref_f16_to_f32_row(f2, h1, 300);
        CHECK(memcmp(f1, f2, 2 * sizeof(float)) == 0 && memcmp(f1 + 3, f2 + 3, 297 * sizeof(float)) == 0 && f1[2] != f1[2],
              "f16->f32 row differs from scalar");
    }
}

/* f16: nearest representable by search over all finite halves, ties to even */
static double half_value(unsigned h) {
    unsigned e = (h >> 10) & 31, m = h & 1023;
    double v = e == 0 ? m * pow(2, -24) : (1 + m / 1024.0) * pow(2, (int)e - 15);
    return (h & 0x8000) ? -v : v;
}
static unsigned ref_f16(float f) {
    double a = fabs((double)f);
    unsigned lo = 0, hi = 0x7bff, s = signbit(f) ? 0x8000 : 0;
    if (f != f) return 0x7e00;
    if (a >= 65520.0) return s | 0x7c00;
    while (lo < hi) { unsigned mid = (lo + hi + 1) / 2; if (half_value(mid) <= a) lo = mid; else hi = mid - 1; }
    if (lo < 0x7bff) {
        double d0 = a - half_value(lo), d1 = half_value(lo + 1) - a;
        if (d1 < d0 || (d1 == d0 && (lo & 1))) lo++;
    } else if (a > 65504.0) { /* between max half and the overflow threshold: rounds down to max */ }
    return s | lo;
}
static void test_half(void) {
    unsigned h, bad = 0, i;
    for (h = 0; h < 65536; h++) { /* every half survives the round trip; NaN stays NaN */
        float f = aieng_f16_to_f32((uint16_t)h);
        uint16_t back = aieng_f32_to_f16(f);
        int isnan_h = ((h >> 10) & 31) == 31 && (h & 1023);
        if (isnan_h ? !(f != f) || !(((back >> 10) & 31) == 31 && (back & 1023)) : back != h) bad++;
        else if (!isnan_h && ((h >> 10) & 31) != 31 && (double)f != half_value(h)) bad++;
    }
    CHECK(bad == 0, "%u halves do not survive f16->f32->f16", bad);
    bad = 0;
    for (i = 0; i < (aieng_test_quick() ? 20000u : 200000u); i++) {
        uint32_t u = aieng_rng_u32(&rng);
        float f;
        /* bias toward the f16 range, including subnormals and exact ties */
        if (i % 3 == 0) u = (u & 0x80000000u) | (((u >> 23) % 40 + 97) << 23) | (u & 0x7fffffu);
        if (i % 7 == 0) u = (u & ~0x0fffu) | 0x1000u; /* halfway between two halves */
        memcpy(&f, &u, 4);
        if (f != f) { uint16_t hn = aieng_f32_to_f16(f); if (((hn >> 10) & 31) != 31 || !(hn & 1023) || (hn >> 15) != (u >> 31)) bad++; continue; }
        if (aieng_f32_to_f16(f) != ref_f16(f)) { if (bad < 3) fprintf(stderr, "  f16(%a) = %04x want %04x\n", (double)f, aieng_f32_to_f16(f), ref_f16(f)); bad++; }
    }
    CHECK(bad == 0, "%u f32->f16 roundings differ from the nearest-even reference", bad);
    CHECK(aieng_f32_to_f16(INFINITY) == 0x7c00 && aieng_f32_to_f16(-INFINITY) == 0xfc00, "f16 infinities");
    CHECK(aieng_f32_to_f16(65504.0f) == 0x7bff && aieng_f32_to_f16(65520.0f) == 0x7c00 && aieng_f32_to_f16(1e-8f) == 0, "f16 limits");
    /* bf16 */
    bad = 0;
    for (i = 0; i < 100000; i++) {
        uint32_t u = aieng_rng_u32(&rng), lo, want;
        float f, a, b;
        if (i % 5 == 0) u = (u & 0xffff0000u) | 0x8000u; /* exact tie */
        memcpy(&f, &u, 4);
        if (f != f || isinf(f)) continue;
        lo = u >> 16;
        a = aieng_bf16_to_f32((uint16_t)lo); b = aieng_bf16_to_f32((uint16_t)(lo + 1));
        {
            double bd = ((lo + 1) & 0x7fffu) == 0x7f80u ? ldexp(f < 0 ? -1.0 : 1.0, 128) : (double)b; /* the next step past the max is 2^128 */
            double d0 = fabs((double)f - a), d1 = fabs(bd - f);
            want = (d1 < d0 || (d1 == d0 && (lo & 1))) ? lo + 1 : lo;
        }
        if (aieng_f32_to_bf16(f) != want) { if (bad < 3) fprintf(stderr, "  bf16(%a) = %04x want %04x\n", (double)f, aieng_f32_to_bf16(f), (unsigned)want); bad++; }
    }
    CHECK(bad == 0, "%u f32->bf16 roundings differ", bad);
    { float qn = NAN; uint16_t hb = aieng_f32_to_bf16(qn); CHECK((hb & 0x7f80) == 0x7f80 && (hb & 0x7f), "bf16 NaN lost"); }
}

static void test_arena_and_views(void) {
    static unsigned char buf[4096];
    aieng_arena a, m;
    aieng_tensor t, v, p, s2, c;
    float data[24];
    int64_t ne[2] = {4, 6};
    int perm[4] = {1, 0, 2, 3}, i, ok = 1;
    aieng_arena_init(&a, buf, sizeof buf);
    CHECK(aieng_tensor_new(&a, &t, 2, 3, 4, 1, 1) == AIENG_OK && ((uintptr_t)t.data & 63) == 0, "arena tensor aligned");
    CHECK(aieng_tensor_new(&a, &t, 2, 1000, 1000, 1, 1) == AIENG_ERR_OOM, "arena overflow must be an error");
    CHECK(aieng_arena_alloc(&a, 1u << 20, 16) == NULL, "arena overflow must return NULL");
    aieng_arena_init_measure(&m);
    aieng_tensor_new(&m, &t, 2, 10, 10, 1, 1);
    aieng_tensor_new(&m, &v, 2, 10, 10, 1, 1);
    CHECK(t.data == NULL && aieng_tensor_add(&t, &t, &v) == AIENG_OK, "measuring tensors skip compute");
    CHECK(aieng_arena_peak(&m) >= 800 && aieng_arena_peak(&m) <= 800 + 128, "measured peak %zu", aieng_arena_peak(&m));
    for (i = 0; i < 24; i++) data[i] = (float)i;
    aieng_tensor_make(&t, data, 2, ne); /* 6 rows of 4 */
    CHECK(aieng_tensor_permute(&p, &t, perm) == AIENG_OK && p.ne[0] == 6 && p.ne[1] == 4 && !aieng_tensor_is_contiguous(&p), "permute");
    CHECK(*(p.data + 2 * p.st[0] + 3 * p.st[1]) == data[2 * 4 + 3], "permuted element");
    { int64_t ne2[1] = {24}; CHECK(aieng_tensor_reshape(&v, &p, 1, ne2) == AIENG_ERR_INVALID_ARG, "reshape of a strided view must fail"); }
    { int64_t ne3[3] = {2, 2, 6}; CHECK(aieng_tensor_reshape(&v, &t, 3, ne3) == AIENG_OK && v.ne[2] == 6, "reshape"); }
    { int64_t ne3[2] = {5, 5}; CHECK(aieng_tensor_reshape(&v, &t, 2, ne3) == AIENG_ERR_SHAPE, "reshape with wrong count must fail"); }
    CHECK(aieng_tensor_slice(&s2, &t, 1, 2, 5) == AIENG_OK && s2.ne[1] == 3 && s2.data[0] == 8.0f, "slice");
    CHECK(aieng_tensor_slice(&s2, &t, 1, 2, 7) == AIENG_ERR_RANGE, "slice past the end must fail");
    aieng_arena_init(&a, buf, sizeof buf);
    aieng_tensor_new(&a, &c, 2, 6, 4, 1, 1);
    CHECK(aieng_tensor_copy(&c, &p) == AIENG_OK, "copy");
    for (i = 0; i < 24; i++) ok &= c.data[i] == data[(i % 6) * 4 + i / 6];
    CHECK(ok, "copy of a transposed view");
    CHECK(aieng_tensor_transpose(&v, &t, 0, 5) == AIENG_ERR_INVALID_ARG, "bad transpose dims");
}

static void test_ops(void) {
    static unsigned char buf[1 << 20];
    aieng_arena ar;
    aieng_tensor a, b, d, w, bias;
    int64_t i, j, k, bad;
    aieng_arena_init(&ar, buf, sizeof buf);
    /* broadcasting add/sub/mul/div: a {7, 5, 3}, b {7, 1, 3} and {1, 5, 1} */
    aieng_tensor_new(&ar, &a, 3, 7, 5, 3, 1); fill(a.data, 105, 1.0f);
    aieng_tensor_new(&ar, &b, 3, 7, 1, 3, 1); fill(b.data, 21, 1.0f);
    aieng_tensor_new(&ar, &d, 3, 7, 5, 3, 1);
    {
        int op;
        for (op = 0; op < 4; op++) {
            aieng_result r = op == 0 ? aieng_tensor_add(&d, &a, &b) : op == 1 ? aieng_tensor_sub(&d, &a, &b) : op == 2 ? aieng_tensor_mul(&d, &a, &b) : aieng_tensor_div(&d, &a, &b);
            bad = 0;
            for (k = 0; k < 3; k++)
                for (j = 0; j < 5; j++)
                    for (i = 0; i < 7; i++) {
                        float x = a.data[k * 35 + j * 7 + i], y = b.data[k * 7 + i];
                        float want = op == 0 ? x + y : op == 1 ? x - y : op == 2 ? x * y : x / y;
                        bad += d.data[k * 35 + j * 7 + i] != want;
                    }
            CHECK(r == AIENG_OK && bad == 0, "broadcast op %d: %lld wrong", op, (long long)bad);
        }
        aieng_tensor_new(&ar, &b, 2, 6, 5, 1, 1);
        CHECK(aieng_tensor_add(&d, &a, &b) == AIENG_ERR_SHAPE, "non-broadcastable shapes must fail");
        CHECK(strstr(aieng_last_error(), "broadcast") != NULL, "error text names the problem: %s", aieng_last_error());
    }
    /* reductions on every axis */
    {
        aieng_tensor r;
        int axis;
        for (axis = 0; axis < 3; axis++) {
            int64_t ne[3] = {7, 5, 3}, cnt;
            double worst = 0;
            ne[axis] = 1;
            aieng_tensor_new(&ar, &r, 3, ne[0], ne[1], ne[2], 1);
            CHECK(aieng_tensor_sum(&r, &a, axis) == AIENG_OK, "sum axis %d", axis);
            cnt = 0;
            for (k = 0; k < ne[2]; k++)
                for (j = 0; j < ne[1]; j++)
                    for (i = 0; i < ne[0]; i++) {
                        double s = 0; int64_t q;
                        for (q = 0; q < a.ne[axis]; q++) s += a.data[(k + (axis == 2) * q) * 35 + (j + (axis == 1) * q) * 7 + i + (axis == 0) * q];
                        worst = fabs(r.data[cnt++] - s) > worst ? fabs(r.data[cnt - 1] - s) : worst;
                    }
            CHECK(worst < 1e-5, "sum axis %d err %g", axis, worst);
            CHECK(aieng_tensor_max(&r, &a, axis) == AIENG_OK, "max axis");
        }
        aieng_tensor_new(&ar, &r, 3, 1, 5, 3, 1);
        CHECK(aieng_tensor_mean(&r, &a, 0) == AIENG_OK && fabs(r.data[0] - ref_vec_sum(a.data, 7) / 7) < 1e-6, "mean");
        {
            int64_t idx[15];
            CHECK(aieng_tensor_argmax(idx, 15, &a, 0) == AIENG_OK, "argmax");
            bad = 0;
            for (j = 0; j < 15; j++) for (i = 0; i < 7; i++) bad += a.data[j * 7 + i] > a.data[j * 7 + idx[j]];
            CHECK(bad == 0, "argmax picks the max");
            CHECK(aieng_tensor_argmax(idx, 14, &a, 0) == AIENG_ERR_SHAPE, "argmax output size checked");
        }
    }
    /* batched matmul with a broadcast batch and a transposed view, and matmul_t */
    {
        aieng_tensor A, B, C, Bt;
        int64_t M = 9, N = 11, K = 13, bb;
        aieng_tensor_new(&ar, &A, 3, K, M, 2, 1); fill(A.data, K * M * 2, 1.0f);
        aieng_tensor_new(&ar, &B, 2, N, K, 1, 1); fill(B.data, N * K, 1.0f);
        aieng_tensor_new(&ar, &C, 3, N, M, 2, 1);
        CHECK(aieng_tensor_matmul(&C, &A, &B) == AIENG_OK, "matmul: %s", aieng_last_error());
        bad = 0;
        for (bb = 0; bb < 2; bb++) for (i = 0; i < M; i++) for (j = 0; j < N; j++) {
            double s = 0; for (k = 0; k < K; k++) s += A.data[bb * M * K + i * K + k] * B.data[k * N + j];
            bad += fabs(C.data[bb * M * N + i * N + j] - s) > 1e-4;
        }
        CHECK(bad == 0, "batched matmul: %lld wrong", (long long)bad);
        /* Bt = Bᵀ as a view: matmul_t(A, Bt view) must equal matmul(A, B) */
        aieng_tensor_transpose(&Bt, &B, 0, 1);
        {
            aieng_tensor C2;
            aieng_tensor_new(&ar, &C2, 3, N, M, 2, 1);
            CHECK(aieng_tensor_matmul_t(&C2, &A, &Bt) == AIENG_OK, "matmul_t on a view: %s", aieng_last_error());
            bad = 0; for (i = 0; i < M * N * 2; i++) bad += fabs(C2.data[i] - C.data[i]) > 1e-4;
            CHECK(bad == 0, "matmul_t of a transposed view");
        }
        aieng_tensor_new(&ar, &B, 2, N, K + 1, 1, 1);
        CHECK(aieng_tensor_matmul(&C, &A, &B) == AIENG_ERR_SHAPE, "matmul inner mismatch must fail");
    }
    /* row ops against double references */
    {
        int64_t n = 67, rows = 5;
        double worst[6] = {0};
        aieng_tensor x, y;
        aieng_tensor_new(&ar, &x, 2, n, rows, 1, 1); fill(x.data, n * rows, 3.0f);
        aieng_tensor_new(&ar, &y, 2, n, rows, 1, 1);
        aieng_tensor_new(&ar, &w, 1, n, 1, 1, 1); fill(w.data, n, 1.0f);
        aieng_tensor_new(&ar, &bias, 1, n, 1, 1, 1); fill(bias.data, n, 1.0f);
        for (j = 0; j < rows; j++) {
            const float *r = x.data + j * n;
            double mx = -1e30, se = 0, ss = 0, mean = 0, var = 0;
            for (i = 0; i < n; i++) mx = r[i] > mx ? r[i] : mx;
            for (i = 0; i < n; i++) { se += exp(r[i] - mx); ss += (double)r[i] * r[i]; mean += r[i]; }
            mean /= n;
            for (i = 0; i < n; i++) var += (r[i] - mean) * (r[i] - mean);
            var /= n;
            aieng_tensor_softmax(&y, &x);
            for (i = 0; i < n; i++) worst[0] = fmax(worst[0], fabs(y.data[j * n + i] - exp(r[i] - mx) / se));
            aieng_tensor_log_softmax(&y, &x);
            for (i = 0; i < n; i++) worst[1] = fmax(worst[1], fabs(y.data[j * n + i] - (r[i] - mx - log(se))));
            aieng_tensor_rmsnorm(&y, &x, &w, 1e-5f);
            for (i = 0; i < n; i++) worst[2] = fmax(worst[2], fabs(y.data[j * n + i] - r[i] / sqrt(ss / n + 1e-5) * w.data[i]));
            aieng_tensor_layernorm(&y, &x, &w, &bias, 1e-5f);
            for (i = 0; i < n; i++) worst[3] = fmax(worst[3], fabs(y.data[j * n + i] - ((r[i] - mean) / sqrt(var + 1e-5) * w.data[i] + bias.data[i])));
            aieng_tensor_gelu(&y, &x);
            for (i = 0; i < n; i++) { double v = r[i]; worst[4] = fmax(worst[4], fabs(y.data[j * n + i] - 0.5 * v * (1 + tanh(0.7978845608028654 * (v + 0.044715 * v * v * v))))); }
            aieng_tensor_gelu_erf(&y, &x);
            for (i = 0; i < n; i++) { double v = r[i]; worst[4] = fmax(worst[4], fabs(y.data[j * n + i] - 0.5 * v * (1 + erf(v / sqrt(2.0))))); }
            aieng_tensor_silu(&y, &x);
            for (i = 0; i < n; i++) { double v = r[i]; worst[5] = fmax(worst[5], fabs(y.data[j * n + i] - v / (1 + exp(-v)))); }
            aieng_tensor_relu(&y, &x);
            for (i = 0; i < n; i++) worst[5] = fmax(worst[5], fabs(y.data[j * n + i] - (r[i] > 0 ? r[i] : 0)));
        }
        CHECK(worst[0] < 1e-6, "softmax err %g", worst[0]);
        CHECK(worst[1] < 1e-5, "log_softmax err %g", worst[1]);
        CHECK(worst[2] < 1e-5, "rmsnorm err %g", worst[2]);
        CHECK(worst[3] < 1e-5, "layernorm err %g", worst[3]);
        CHECK(worst[4] < 1e-5, "gelu err %g", worst[4]);
        CHECK(worst[5] < 1e-5, "silu/relu err %g", worst[5]);
        /* stability: huge logits, and a row that is all -inf */
        for (i = 0; i < n; i++) x.data[i] = 1000.0f + (float)i;
        for (i = 0; i < n; i++) x.data[n + i] = -INFINITY;
        aieng_tensor_softmax(&y, &x);
        bad = 0; for (i = 0; i < 2 * n; i++) bad += !(y.data[i] >= 0 && y.data[i] <= 1);
        CHECK(bad == 0 && fabs(ref_vec_sum(y.data, n) - 1) < 1e-5 && fabs(y.data[n] - 1.0 / n) < 1e-7, "softmax stable on huge and masked rows");
        aieng_tensor_new(&ar, &w, 1, n + 1, 1, 1, 1);
        CHECK(aieng_tensor_rmsnorm(&y, &x, &w, 1e-5f) == AIENG_ERR_SHAPE, "rmsnorm weight length checked");
    }
    /* RoPE, both layouts, against the formula */
    {
        aieng_tensor x, y;
        int32_t pos[3] = {0, 5, 1000};
        int mode;
        int64_t hd = 8, nh = 2;
        aieng_tensor_new(&ar, &x, 3, hd, nh, 3, 1); fill(x.data, hd * nh * 3, 1.0f);
        aieng_tensor_new(&ar, &y, 3, hd, nh, 3, 1);
        for (mode = 0; mode <= 2; mode += 2) {
            double worst = 0;
            CHECK(aieng_tensor_rope(&y, &x, pos, 6, 10000.0f, mode) == AIENG_OK, "rope");
            for (k = 0; k < 3; k++) for (j = 0; j < nh; j++) for (i = 0; i < 3; i++) {
                const float *s = x.data + (k * nh + j) * hd;
                const float *o = y.data + (k * nh + j) * hd;
                int64_t i0 = mode ? i : 2 * i, i1 = mode ? i + 3 : 2 * i + 1;
                double th = pos[k] * pow(10000.0, -2.0 * i / 6.0);
                worst = fmax(worst, fabs(o[i0] - (s[i0] * cos(th) - s[i1] * sin(th))));
                worst = fmax(worst, fabs(o[i1] - (s[i0] * sin(th) + s[i1] * cos(th))));
            }
            worst = fmax(worst, fabs(y.data[6] - x.data[6]) + fabs(y.data[7] - x.data[7])); /* beyond n_rot: untouched */
            CHECK(worst < 1e-5, "rope mode %d err %g", mode, worst);
        }
        CHECK(aieng_tensor_rope(&y, &x, pos, 7, 10000.0f, 0) == AIENG_ERR_INVALID_ARG, "odd n_rot must fail");
    }
    /* embedding gather, top-k, cross-entropy */
    {
        aieng_tensor tab, out, lg, dl;
        int32_t ids[3] = {4, 0, 4}, bad_ids[1] = {5}, tg[4] = {1, 6, -1, 0};
        int64_t idx[5];
        float val[5], vals[40], loss;
        double want = 0;
        aieng_tensor_new(&ar, &tab, 2, 6, 5, 1, 1); fill(tab.data, 30, 1.0f);
        aieng_tensor_new(&ar, &out, 2, 6, 3, 1, 1);
        CHECK(aieng_tensor_get_rows(&out, &tab, ids, 3) == AIENG_OK && out.data[0] == tab.data[24] && out.data[6] == tab.data[0], "get_rows");
        CHECK(aieng_tensor_get_rows(&out, &tab, bad_ids, 1) != AIENG_OK, "get_rows id out of range must fail");
        fill(vals, 40, 1.0f);
        vals[3] = vals[17] = 5.0f; /* a tie: the lower index first */
        CHECK(aieng_topk(vals, 40, 5, idx, val) == AIENG_OK && idx[0] == 3 && idx[1] == 17, "topk ties by index");
        bad = 0;
        for (i = 1; i < 5; i++) bad += val[i] > val[i - 1];
        for (i = 0; i < 40; i++) { int in = 0; for (j = 0; j < 5; j++) in |= idx[j] == i; if (!in && vals[i] > val[4]) bad++; }
        CHECK(bad == 0, "topk returns the 5 largest in order");
        CHECK(aieng_topk(vals, 40, 41, idx, val) == AIENG_ERR_INVALID_ARG, "topk k > n must fail");
        aieng_tensor_new(&ar, &lg, 2, 7, 4, 1, 1); fill(lg.data, 28, 2.0f);
        aieng_tensor_new(&ar, &dl, 2, 7, 4, 1, 1);
        CHECK(aieng_cross_entropy(&lg, tg, &loss, &dl) == AIENG_OK, "cross_entropy");
        for (j = 0; j < 4; j++) {
            double mx = -1e30, se = 0;
            if (tg[j] < 0) continue;
            for (i = 0; i < 7; i++) mx = fmax(mx, lg.data[j * 7 + i]);
            for (i = 0; i < 7; i++) se += exp(lg.data[j * 7 + i] - mx);
            want += mx + log(se) - lg.data[j * 7 + tg[j]];
        }
        CHECK_NEAR(loss, want / 3, 1e-5);
        { /* gradient against a central difference of the loss */
            double worst = 0;
            for (i = 0; i < 28; i += 3) {
                float save = lg.data[i], lp, lm;
                lg.data[i] = save + 1e-2f; aieng_cross_entropy(&lg, tg, &lp, NULL);
                lg.data[i] = save - 1e-2f; aieng_cross_entropy(&lg, tg, &lm, NULL);
                lg.data[i] = save;
                worst = fmax(worst, fabs(dl.data[i] - (lp - lm) / 2e-2));
            }
            CHECK(worst < 2e-3, "cross-entropy gradient vs finite differences: %g", worst);
        }
        tg[0] = 7;
        CHECK(aieng_cross_entropy(&lg, tg, &loss, NULL) == AIENG_ERR_RANGE, "target out of range must fail");
    }
}

static void test_rng(void) {
    /* the PCG32 reference generator's published demo output for seed 42, stream 54 */
    static const uint32_t want[6] = {0xa15c02b7u, 0x7b47f409u, 0xba1d3330u, 0x83d2f293u, 0xbfa4784bu, 0xcbed606eu};
    aieng_rng r;
    int i, ok = 1;
    double s = 0, s2 = 0, u = 0;
    aieng_rng_seed(&r, 42, 54);
    for (i = 0; i < 6; i++) ok &= aieng_rng_u32(&r) == want[i];
    CHECK(ok, "PCG32 stream differs from the reference generator");
    for (i = 0; i < 100000; i++) { float z = aieng_rng_normal(&r); s += z; s2 += (double)z * z; u += aieng_rng_uniform(&r); }
    CHECK(fabs(s / 1e5) < 0.02 && fabs(s2 / 1e5 - 1) < 0.03 && fabs(u / 1e5 - 0.5) < 0.01, "normal mean %g var %g, uniform mean %g", s / 1e5, s2 / 1e5, u / 1e5);
}

/* threads: every item exactly once, nested calls, the hook, thread-count independence */
typedef struct { int *hits; } count_ctx;
static void count_task(void *ctx, int64_t b, int64_t e, int tid) {
    count_ctx *c = (count_ctx *)ctx;
    int64_t i;
    (void)tid;
    for (i = b; i < e; i++) __atomic_add_fetch(&c->hits[i], 1, __ATOMIC_RELAXED);
}
static void nested_task(void *ctx, int64_t b, int64_t e, int tid) {
    int64_t i;
    (void)tid;
    for (i = b; i < e; i++) {
        count_ctx *c = (count_ctx *)ctx;
        count_ctx inner;
        inner.hits = c->hits + 1000 + i * 10;
        aieng_parallel_for(10, 1, count_task, &inner);
    }
}
static int hook_calls = 0;
static void my_hook(int64_t n, int64_t grain, aieng_task_fn fn, void *ctx, void *user) {
    (void)grain; (void)user;
    hook_calls++;
    fn(ctx, 0, n / 2, 0);
    fn(ctx, n / 2, n, 0);
}
static void test_threads(void) {
    static int hits[2000];
    count_ctx c;
    int t, i, ok;
    c.hits = hits;
    for (t = 1; t <= 3; t++) {
        memset(hits, 0, sizeof hits);
        aieng_set_threads(t);
        aieng_parallel_for(1000, 1, count_task, &c);
        aieng_parallel_for(100, 1, nested_task, &c);
        ok = 1;
        for (i = 0; i < 2000; i++) ok &= hits[i] == 1;
        CHECK(ok, "parallel_for with %d threads: each item exactly once, nested too", t);
    }
    memset(hits, 0, sizeof hits);
    aieng_set_parallel_for_hook(my_hook, NULL);
    aieng_parallel_for(1000, 1, count_task, &c);
    aieng_set_parallel_for_hook(NULL, NULL);
    ok = 1; for (i = 0; i < 1000; i++) ok &= hits[i] == 1;
    CHECK(ok && hook_calls == 1, "the parallel-for hook runs the job");
    { /* bitwise identical results at 1, 2 and 3 threads */
        int64_t M = 700, N = 333, K = 700, n = M * N;
        float *A = (float *)malloc(sizeof(float) * (size_t)(M * K)), *B = (float *)malloc(sizeof(float) * (size_t)(N * K));
        float *C1 = (float *)malloc(sizeof(float) * (size_t)n), *C2 = (float *)malloc(sizeof(float) * (size_t)n);
        fill(A, M * K, 1.0f); fill(B, N * K, 1.0f);
        {
            /* every path: M = 1 and 3 (no packing), 100 (W in place), 150 (A packed
               whole, panels split across threads), 700 (blocked); both forms of B */
            int ms[5] = {1, 3, 100, 150, 700}, q, tb;
            for (tb = 0; tb < 2; tb++)
                for (q = 0; q < 5; q++)
                    for (t = 1; t <= 3; t++) {
                        aieng_set_threads(t);
                        aieng_sgemm(0, tb, ms[q], N, K, 1.0f, A, K, B, tb ? K : N, 0.0f, t == 1 ? C1 : C2, N);
                        if (t > 1) CHECK(memcmp(C1, C2, sizeof(float) * (size_t)(ms[q] * N)) == 0, "sgemm M=%d tb=%d differs between 1 and %d threads", ms[q], tb, t);
                    }
        }
        free(A); free(B); free(C1); free(C2);
    }
    aieng_set_threads(0);
    aieng_threads_shutdown();
}

#ifdef AIENG_THREADS
#include <pthread.h>
/* several user threads use the pool at once while another resizes it: every
   result must still be right (run under ThreadSanitizer by make test) */
typedef struct { const float *A, *B; float *C; int64_t M, N, K; int bad; } conc_job;
static void *conc_worker(void *arg) {
    conc_job *j = (conc_job *)arg;
    int it;
    int64_t i, k;
    for (it = 0; it < 6; it++) {
        aieng_sgemm(0, 1, j->M, j->N, j->K, 1.0f, j->A, j->K, j->B, j->K, 0.0f, j->C, j->N);
        for (i = 0; i < j->N; i += 7) {
            double s = 0;
            for (k = 0; k < j->K; k++) s += (double)j->A[k] * j->B[i * j->K + k];
            if (fabs(j->C[i] - s) > 1e-3) j->bad++;
        }
    }
    return NULL;
}
static void *conc_resizer(void *arg) {
    int it;
    (void)arg;
    for (it = 0; it < 20; it++) aieng_set_threads(1 + it % 3);
    return NULL;
}
static void test_concurrency(void) {
    conc_job jobs[3];
    pthread_t th[4];
    int64_t K = 200, N = 90;
    float *A = (float *)malloc(sizeof(float) * (size_t)(200 * K)), *B = (float *)malloc(sizeof(float) * (size_t)(N * K));
    int i, bad = 0;
    fill(A, 200 * K, 1.0f); fill(B, N * K, 1.0f);
    for (i = 0; i < 3; i++) {
        jobs[i].A = A; jobs[i].B = B; jobs[i].K = K; jobs[i].N = N; jobs[i].bad = 0;
        jobs[i].M = i == 0 ? 1 : i == 1 ? 40 : 200;
        jobs[i].C = (float *)malloc(sizeof(float) * (size_t)(jobs[i].M * N));
        pthread_create(&th[i], NULL, conc_worker, &jobs[i]);
    }
    pthread_create(&th[3], NULL, conc_resizer, NULL);
    for (i = 0; i < 4; i++) pthread_join(th[i], NULL);
    for (i = 0; i < 3; i++) { bad += jobs[i].bad; free(jobs[i].C); }
    CHECK(bad == 0, "concurrent sgemm calls from user threads: %d wrong", bad);
    aieng_set_threads(0);
    free(A); free(B);
}
#else
static void test_concurrency(void) {}
#endif

static void test_no_alloc_when_warm(void) {
    int64_t M = 64, N = 300, K = 520;
    float *A = (float *)malloc(sizeof(float) * (size_t)(300 * K)), *B = (float *)malloc(sizeof(float) * (size_t)(N * K));
    float *C = (float *)malloc(sizeof(float) * (size_t)(300 * N));
    long before;
    int i;
    fill(A, 300 * K, 1.0f); fill(B, N * K, 1.0f);
    for (i = 0; i < 2; i++) { /* warm-up: the pool and the scratch buffer */
        aieng_sgemm(0, 1, M, N, K, 1.0f, A, K, B, K, 0.0f, C, N);
        aieng_sgemm(0, 0, 300, N, K, 1.0f, A, K, B, N, 0.0f, C, N);
    }
    before = __atomic_load_n(&n_allocs, __ATOMIC_RELAXED);
    for (i = 0; i < 5; i++) {
        aieng_sgemm(0, 1, M, N, K, 1.0f, A, K, B, K, 0.0f, C, N);
        aieng_sgemm(0, 0, 300, N, K, 1.0f, A, K, B, N, 0.0f, C, N);
        aieng_sgemm(0, 1, 1, N, K, 1.0f, A, K, B, K, 0.0f, C, N);
    }
    CHECK(n_allocs == before, "sgemm allocated %ld times once warm", n_allocs - before);
    free(A); free(B); free(C);
}

int main(void) {
    aieng_rng_seed(&rng, 42, 7);
    test_no_alloc_when_warm();
    test_sgemm();
    test_sgemv();
    test_simd_vs_scalar();
    test_half();
    test_arena_and_views();
    test_ops();
    test_rng();
    test_threads();
    test_concurrency();
    return aieng_test_summary();
}
