/* The scalar reference path of aieng_tensor.h, compiled as its own
   translation unit (AIENG_NO_SIMD, every function static) and linked into
   test_tensor, so the SIMD kernels of the main build are compared with the
   scalar kernels directly, element by element. */
#define AIENG_STATIC
#ifndef AIENG_NO_SIMD
#define AIENG_NO_SIMD
#endif
#define AIENG_NO_THREADS
#define AIENG_TENSOR_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include "aieng_tensor.h"

float ref_vec_dot(const float *x, const float *y, int64_t n) { return aieng_vec_dot(x, y, n); }
float ref_vec_l2sq(const float *x, const float *y, int64_t n) { return aieng_vec_l2sq(x, y, n); }
float ref_vec_sum(const float *x, int64_t n) { return aieng_vec_sum(x, n); }
float ref_vec_max(const float *x, int64_t n) { return aieng_vec_max(x, n); }
void ref_softmax_row(float *y, const float *x, int64_t n) { aieng_softmax_row(y, x, n); }
void ref_log_softmax_row(float *y, const float *x, int64_t n) { aieng_log_softmax_row(y, x, n); }
void ref_rmsnorm_row(float *y, const float *x, const float *w, int64_t n, float eps) { aieng_rmsnorm_row(y, x, w, n, eps); }
void ref_layernorm_row(float *y, const float *x, const float *w, const float *b, int64_t n, float eps) { aieng_layernorm_row(y, x, w, b, n, eps); }
void ref_gelu_row(float *y, const float *x, int64_t n) { aieng_gelu_row(y, x, n); }
void ref_silu_row(float *y, const float *x, int64_t n) { aieng_silu_row(y, x, n); }
void ref_f32_to_f16_row(uint16_t *d, const float *s, int64_t n) { aieng_f32_to_f16_row(d, s, n); }
void ref_f16_to_f32_row(float *d, const uint16_t *s, int64_t n) { aieng_f16_to_f32_row(d, s, n); }
int ref_sgemm(int ta, int tb, int64_t M, int64_t N, int64_t K, float alpha, const float *A, int64_t lda, const float *B, int64_t ldb,
              float beta, float *C, int64_t ldc) {
    return (int)aieng_sgemm(ta, tb, M, N, K, alpha, A, lda, B, ldb, beta, C, ldc);
}
