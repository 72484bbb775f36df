/* test_tensor.c - aieng_tensor.h against naive double-precision references
   and against its own scalar path (the scalar build runs the same file). */
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

int main(void) {
    aieng_rng_seed(&rng, 42, 7);
    test_sgemm();
    test_sgemv();
    return aieng_test_summary();
}
