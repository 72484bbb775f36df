/* aieng_quant.h - ggml/GGUF block quantization, byte for byte, with fast quantized dot products.
   v0.1.1 - MIT licence (see the end of the file).

   Built on aieng_tensor.h (threads, f16/bf16, sgemv). Quantizes float rows into
   the block formats of ggml/GGUF with the same bytes as the reference
   quantizers (the Python package `gguf` for the legacy types, ggml's
   quantize_row_*_ref for the k-quants and MXFP4), dequantizes them, and
   multiplies quantized weight matrices by float activations the way ggml's
   CPU backend does: the activations are quantized on the fly (Q8_0, Q8_1 or
   Q8_K) and the inner products are integer dot products (AVX-512 VNNI,
   AVX-VNNI, AVX2, NEON or scalar). Also NF4 (QLoRA's 4-bit normal float) and
   per-row symmetric int8 vectors with integer dot products (for HNSW).

   DO THIS in exactly one C or C++ file:
       #define _POSIX_C_SOURCE 200809L
       #define AIENG_QUANT_IMPLEMENTATION   (or AIENG_IMPLEMENTATION for all)
       #include "aieng_quant.h"
   It instantiates aieng_tensor.h too unless that was already done in the same
   file. Link with -lm -pthread.

   QUICK START
       #define _POSIX_C_SOURCE 200809L
       #define AIENG_QUANT_IMPLEMENTATION
       #include "aieng_quant.h"
       #include <stdio.h>
       int main(void) {
           enum { N = 4, K = 64 };                 // 4 output rows of 64 inputs
           static float w[N * K], x[K], y[N];
           static unsigned char q[N * (K / 32) * 34];  // Q8_0: 34 bytes per 32 values
           for (int i = 0; i < N * K; i++) w[i] = (float)((i * 7) % 13) - 6.0f;
           for (int i = 0; i < K; i++) x[i] = 0.01f * (float)i;
           if (aieng_quant_quantize(AIENG_QUANT_Q8_0, w, q, N, K) != AIENG_OK ||
               aieng_quant_matmul(AIENG_QUANT_Q8_0, q, N, K, x, 1, y) != AIENG_OK) {
               printf("error: %s\n", aieng_last_error()); return 1;
           }
           printf("%.3f %.3f %.3f %.3f\n", y[0], y[1], y[2], y[3]);
           return 0;
       }

   OPTIONS (#define before including)
     AIENG_NO_SIMD, AIENG_NO_AVX512, AIENG_NO_AVX2, AIENG_NO_NEON  as in aieng_tensor.h
     AIENG_NO_THREADS, AIENG_STATIC, AIENG_MALLOC/REALLOC/FREE      as in aieng_tensor.h
     AIENG_QUANT_PF_DIST  software prefetch distance in bytes of the x86 matmul
                          kernels (default 16384; 0 fetches the current line)
   AVX-512 VNNI (__AVX512VNNI__ with __AVX512VL__/BW) or AVX-VNNI (__AVXVNNI__)
   are used when the compiler targets them (-march=native); NEON's sdot when
   __ARM_FEATURE_DOTPROD is set. The NEON path without sdot, and the AVX2 path
   without VNNI, use widening multiplies instead.

   API OVERVIEW
     types     aieng_quant_type (ids = ggml_type), aieng_quant_name,
               aieng_quant_from_name, aieng_quant_block_size, aieng_quant_type_size,
               aieng_quant_row_bytes (error if n is not a multiple of the block),
               aieng_quant_vec_dot_type (the activation type a weight type pairs with)
     convert   aieng_quant_quantize_row / aieng_quant_quantize (rows, threaded):
               the reference (file) quantizers; aieng_quant_dequantize_row;
               aieng_quant_quantize_act: ggml-CPU's activation quantizers
     products  aieng_quant_matmul: y[M×N] = x[M×K] · Wᵀ for W stored as N rows of
               K (GGUF layout, one row per output), threaded over N;
               aieng_quant_matmul_ex (strides, caller work buffer),
               aieng_quant_matmul_work_size; aieng_quant_matmul_multi (several
               matrices, one activation quantization and one thread hand-off);
               aieng_quant_vec_dot (one row, no checks)
     int8      aieng_quant_i8_row (symmetric absmax per row), aieng_quant_i8_dot,
               aieng_quant_i8_l2sq

   BLOCK LAYOUTS (little endian; f16 = IEEE binary16; offsets in bytes)
   "nibble order": in the 32-value types byte j holds value j in its low nibble
   and value j+16 in its high nibble (NOT adjacent pairs).
     F32   id 0   1 value, 4 bytes.   F16 id 1 / BF16 id 30: 1 value, 2 bytes.
     Q4_0  id 2   32 values, 18 bytes: d:f16 @0, qs[16] @2.
                  x = (nibble - 8)·d.  Quantize: m = the value of largest |x|
                  (first one, sign kept), d = m / -8, id = d ? 1/d : 0,
                  q = min(15, trunc(x·id + 8.5)) with x·id rounded to float first.
     Q4_1  id 3   32 values, 20 bytes: d:f16 @0, m:f16 @2, qs[16] @4.
                  x = nibble·d + m.  d = (max-min)/15, m = min,
                  q = min(15, trunc((x-min)·id + 0.5)).
     Q5_0  id 6   32 values, 22 bytes: d:f16 @0, qh:u32 @2, qs[16] @6.
                  q = nibble | bit(qh, j)<<4 (j = value index), x = (q - 16)·d;
                  d = m / -16, q = min(31, trunc(x·id + 16.5)).
     Q5_1  id 7   32 values, 24 bytes: d @0, m @2, qh:u32 @4, qs[16] @8.
                  x = q·d + m; d = (max-min)/31, q = trunc((x-min)·id + 0.5).
     Q8_0  id 8   32 values, 34 bytes: d:f16 @0, qs[32]:i8 @2.  x = q·d.
                  d = amax/127, id = d ? 1/d : 0, q = round-half-away(x·id).
     Q8_1  id 9   32 values, 36 bytes: d:f16 @0, s:f16 @2 (= d·Σq), qs[32]:i8 @4.
                  (gguf-py's GGML_QUANT_SIZES still says 40, an older layout.)
     Q2_K  id 10  256 values, 84 bytes: scales[16] @0 (low nibble: scale,
                  high nibble: min, one per 16 values), qs[64] @16, d:f16 @80,
                  dmin:f16 @82. Value 128h+32s+l (h<2, s<4, l<32) is 2-bit field s
                  of qs[32h+l]; its sub-block is 8h+2s+(l/16);
                  x = d·sc·q - dmin·mn.
     Q3_K  id 11  256 values, 110 bytes: hmask[32] @0, qs[64] @32, scales[12] @96,
                  d:f16 @108. 16 6-bit scales: scale j (j<8) low 4 bits = scales[j]
                  & 15, j>=8: scales[j-8] >> 4; bits 4-5 = (scales[8 + j%4] >>
                  2·(j/4)) & 3; signed = that - 32. Value 128h+32s+l: 2 bits =
                  field s of qs[32h+l], minus 4 unless bit (4h+s) of hmask[l] is set;
                  x = d·(scale-32)·q, sub-block 8h+2s+(l/16).
     Q4_K  id 12  256 values, 144 bytes: d:f16 @0, dmin:f16 @2, scales[12] @4,
                  qs[128] @16. 8 sub-blocks of 32 with 6-bit scale sc and min mn:
                  s<4: sc = scales[s]&63, mn = scales[s+4]&63; s>=4: sc =
                  (scales[s+4]&15) | (scales[s-4]>>6)<<4, mn = (scales[s+4]>>4) |
                  (scales[s]>>6)<<4. Value 64c+l (l<32) = low nibble of
                  qs[32c+l] (sub-block 2c), value 64c+32+l = its high nibble
                  (sub-block 2c+1); x = d·sc·q - dmin·mn.
     Q5_K  id 13  256 values, 176 bytes: d @0, dmin @2, scales[12] @4, qh[32] @16,
                  qs[128] @48. As Q4_K plus a 5th bit: value 32s+l has bit s of
                  qh[l]; x = d·sc·q - dmin·mn with q in 0..31.
     Q6_K  id 14  256 values, 210 bytes: ql[128] @0, qh[64] @128, scales[16]:i8
                  @192, d:f16 @208. For h<2, l<32 with QL = ql+64h, QH = qh+32h:
                  value 128h+l    = lo(QL[l])    | ((QH[l]>>0)&3)<<4
                  value 128h+l+32 = lo(QL[l+32]) | ((QH[l]>>2)&3)<<4
                  value 128h+l+64 = hi(QL[l])    | ((QH[l]>>4)&3)<<4
                  value 128h+l+96 = hi(QL[l+32]) | ((QH[l]>>6)&3)<<4
                  x = d·scales[v/16]·(q - 32).
     Q8_K  id 15  256 values, 292 bytes: d:f32 @0, qs[256]:i8 @4, bsums[16]:i16
                  @260 (sum of each 16 quants). Activation type of the k-quants.
     MXFP4 id 39  32 values, 17 bytes: e:u8 @0 (E8M0 scale), qs[16] @1 (nibble
                  order as above). x = kv[nibble]·2^(e-128) with kv = {0,1,2,3,4,6,
                  8,12, 0,-1,-2,-3,-4,-6,-8,-12} (twice the E2M1 values).
     NF4   id 1000 (aieng only, never in a GGUF file) 64 values, 34 bytes:
                  d:f16 @0 (absmax), qs[32] @2; byte j holds value j (low nibble)
                  and j+32 (high). x = NF4[nibble]·d with QLoRA's codebook.
   Activations: Q4_0, Q5_0, Q8_0, MXFP4 weights pair with Q8_0 activations,
   Q4_1 and Q5_1 with Q8_1, the k-quants with Q8_K, F16 with F16, BF16 with
   BF16, F32 and NF4 with F32 (as ggml-cpu's type_traits).

   EXACTNESS
   aieng_quant_quantize_row gives the reference bytes on every compiler and
   architecture: the implementation turns off floating-point contraction (no
   implicit fused multiply-add) and uses the same operation order as the
   reference. aieng_quant_quantize_act reproduces ggml-cpu's x86 activation
   quantizers (Q8_0/Q8_1: d = amax/127, q = round-half-even(x·(127/amax));
   Q8_K: the reference) on every architecture. The SIMD dot products compute
   the same integer block sums as the scalar path; only the order of float
   additions differs.

   THREADS AND SPEED
   aieng_quant_matmul quantizes the M activation rows (in parallel when M > 1),
   then splits the N output rows over aieng_parallel_for. On x86 it runs four
   weight rows at a time (four memory streams, one activation load; with
   AVX-512 two rows share a zmm register) with software prefetch. For M >= 4
   (prefill) with AVX-512 VNNI, Q4_0, Q4_1 and Q8_0 weights run in tiles of
   4 weight rows x 4 activation rows (Q4_1: x 8), each weight block decoded
   once for all of them. All these kernels give bit-identical results to
   aieng_quant_vec_dot (the same integer block sums, the same float operations
   per output), so no result depends on M, on the thread count or on how rows
   were grouped. All functions are reentrant; the work buffer of
   aieng_quant_matmul_ex must not be shared by concurrent calls.

   VERSIONS
     0.1.0  first release
     0.1.1  multi-row tiles for M >= 4 (Q4_0, Q4_1, Q8_0); faster four-row
            Q4_0/Q4_1/Q4_K kernels (AVX-512); work sizes include the tiles'
            side data
*/
#ifndef AIENG_QUANT_H
#define AIENG_QUANT_H

#define AIENG_QUANT_VERSION_MAJOR 0
#define AIENG_QUANT_VERSION_MINOR 1
#define AIENG_QUANT_VERSION_PATCH 1

/* ---- aieng common block (identical in every aieng header; tools/sync_common.sh keeps it so) ---- */
#ifndef AIENG_COMMON_H
#define AIENG_COMMON_H
#include <stddef.h>
#include <stdint.h>
#include <stdarg.h>
#ifdef AIENG_STATIC
#define AIENG_API static
#else
#define AIENG_API extern
#endif
#ifdef __cplusplus
#define AIENG_EXTERN_C_BEGIN extern "C" {
#define AIENG_EXTERN_C_END }
#else
#define AIENG_EXTERN_C_BEGIN
#define AIENG_EXTERN_C_END
#endif
/* Allocation: define all three before including any aieng header, or none. */
#if defined(AIENG_MALLOC) && defined(AIENG_REALLOC) && defined(AIENG_FREE)
#elif !defined(AIENG_MALLOC) && !defined(AIENG_REALLOC) && !defined(AIENG_FREE)
#include <stdlib.h>
#define AIENG_MALLOC(sz, ctx) ((void)(ctx), malloc(sz))
#define AIENG_REALLOC(p, sz, ctx) ((void)(ctx), realloc((p), (sz)))
#define AIENG_FREE(p, ctx) ((void)(ctx), free(p))
#else
#error "aieng: define all of AIENG_MALLOC, AIENG_REALLOC, AIENG_FREE, or none"
#endif
#ifndef AIENG_ASSERT
#include <assert.h>
#define AIENG_ASSERT(x) assert(x)
#endif
AIENG_EXTERN_C_BEGIN
/* Every fallible function returns one of these; 0 is success. */
typedef enum aieng_result {
    AIENG_OK = 0,
    AIENG_ERR_INVALID_ARG = -1, /* a bad argument or shape from the caller */
    AIENG_ERR_OOM = -2,         /* an allocation or a fixed budget ran out */
    AIENG_ERR_IO = -3,          /* a file could not be opened, read or written */
    AIENG_ERR_FORMAT = -4,      /* malformed, truncated or hostile input data */
    AIENG_ERR_UNSUPPORTED = -5, /* valid, but not supported by this build */
    AIENG_ERR_SHAPE = -6,       /* tensor shapes that do not fit together */
    AIENG_ERR_RANGE = -7,       /* an index or value out of range */
    AIENG_ERR_STATE = -8        /* the object is not in a state that allows this */
} aieng_result;
/* Runtime allocator: a zeroed struct means AIENG_MALLOC/REALLOC/FREE. */
typedef struct aieng_allocator {
    void *(*alloc)(size_t size, void *user);
    void *(*realloc)(void *p, size_t size, void *user);
    void (*free)(void *p, void *user);
    void *user;
} aieng_allocator;
AIENG_API const char *aieng_result_string(aieng_result r);
/* The last error message of this thread, set by functions without an object. */
AIENG_API const char *aieng_last_error(void);
/* Sets this thread's last error message (printf format); returns `code`. */
AIENG_API aieng_result aieng_set_error(aieng_result code, const char *fmt, ...);
AIENG_API void *aieng_alloc(const aieng_allocator *a, size_t size);
AIENG_API void *aieng_realloc(const aieng_allocator *a, void *p, size_t size);
AIENG_API void aieng_free(const aieng_allocator *a, void *p);
AIENG_EXTERN_C_END
#endif /* AIENG_COMMON_H */
#if (defined(AIENG_IMPLEMENTATION) || defined(AIENG_COMMON_IMPLEMENTATION) || defined(AIENG_TENSOR_IMPLEMENTATION) || \
     defined(AIENG_QUANT_IMPLEMENTATION) || defined(AIENG_BPE_IMPLEMENTATION) || defined(AIENG_HNSW_IMPLEMENTATION) || \
     defined(AIENG_AUTOGRAD_IMPLEMENTATION) || defined(AIENG_TRANSFORMER_IMPLEMENTATION) || \
     defined(AIENG_AGENT_IMPLEMENTATION)) && !defined(AIENG_COMMON_IMPLEMENTED)
#define AIENG_COMMON_IMPLEMENTED
#include <stdio.h>
#if defined(__cplusplus) && __cplusplus >= 201103L
#define AIENG__TLS thread_local
#elif defined(_MSC_VER)
#define AIENG__TLS __declspec(thread)
#elif defined(__GNUC__) || defined(__clang__)
#define AIENG__TLS __thread
#else
#define AIENG__TLS
#endif
static AIENG__TLS char aieng__last_error[512];
AIENG_EXTERN_C_BEGIN
AIENG_API const char *aieng_result_string(aieng_result r) {
    switch (r) {
    case AIENG_OK: return "ok";
    case AIENG_ERR_INVALID_ARG: return "invalid argument";
    case AIENG_ERR_OOM: return "out of memory";
    case AIENG_ERR_IO: return "i/o error";
    case AIENG_ERR_FORMAT: return "malformed input";
    case AIENG_ERR_UNSUPPORTED: return "unsupported";
    case AIENG_ERR_SHAPE: return "shape mismatch";
    case AIENG_ERR_RANGE: return "out of range";
    case AIENG_ERR_STATE: return "invalid state";
    }
    return "unknown error";
}
AIENG_API const char *aieng_last_error(void) { return aieng__last_error; }
AIENG_API aieng_result aieng_set_error(aieng_result code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(aieng__last_error, sizeof aieng__last_error, fmt, ap);
    va_end(ap);
    return code;
}
AIENG_API void *aieng_alloc(const aieng_allocator *a, size_t size) {
    if (a && a->alloc) return a->alloc(size, a->user);
    return AIENG_MALLOC(size, a);
}
AIENG_API void *aieng_realloc(const aieng_allocator *a, void *p, size_t size) {
    if (a && a->realloc) return a->realloc(p, size, a->user);
    return AIENG_REALLOC(p, size, a);
}
AIENG_API void aieng_free(const aieng_allocator *a, void *p) {
    if (!p) return;
    if (a && a->free) { a->free(p, a->user); return; }
    AIENG_FREE(p, a);
}
AIENG_EXTERN_C_END
#endif /* AIENG_COMMON_IMPLEMENTATION */
/* ---- end of aieng common block ---- */

#include "aieng_tensor.h"

AIENG_EXTERN_C_BEGIN

/* Type ids: equal to ggml's enum ggml_type, so a GGUF tensor's type maps
   directly. NF4 is aieng's own (QLoRA) and never appears in a GGUF file. */
typedef enum aieng_quant_type {
    AIENG_QUANT_F32 = 0,
    AIENG_QUANT_F16 = 1,
    AIENG_QUANT_Q4_0 = 2,
    AIENG_QUANT_Q4_1 = 3,
    AIENG_QUANT_Q5_0 = 6,
    AIENG_QUANT_Q5_1 = 7,
    AIENG_QUANT_Q8_0 = 8,
    AIENG_QUANT_Q8_1 = 9,
    AIENG_QUANT_Q2_K = 10,
    AIENG_QUANT_Q3_K = 11,
    AIENG_QUANT_Q4_K = 12,
    AIENG_QUANT_Q5_K = 13,
    AIENG_QUANT_Q6_K = 14,
    AIENG_QUANT_Q8_K = 15,
    AIENG_QUANT_BF16 = 30,
    AIENG_QUANT_MXFP4 = 39,
    AIENG_QUANT_NF4 = 1000
} aieng_quant_type;

/* ---- type facts (all accept any int; unknown ids give 0 / NULL / -1) */
AIENG_API const char *aieng_quant_name(int type);          /* "Q4_K"; NULL if unknown */
AIENG_API int aieng_quant_from_name(const char *name);     /* case-insensitive; -1 if unknown */
AIENG_API int64_t aieng_quant_block_size(int type);        /* values per block */
AIENG_API int64_t aieng_quant_type_size(int type);         /* bytes per block */
/* Bytes of a row of n values; AIENG_ERR_INVALID_ARG (with a message naming
   the type and the block size) if n is negative or not a multiple of the
   block size, AIENG_ERR_UNSUPPORTED for an unknown type. */
AIENG_API aieng_result aieng_quant_row_bytes(int type, int64_t n, size_t *bytes);
/* The activation type ggml pairs with a weight type (-1 if none). */
AIENG_API int aieng_quant_vec_dot_type(int wtype);

/* ---- quantize / dequantize */
/* Reference quantizer: the bytes of ggml's quantize_row_*_ref / gguf.quants. */
AIENG_API aieng_result aieng_quant_quantize_row(int type, const float *x, void *dst, int64_t n);
/* nrows rows of n_per_row values, rows written back to back; threaded. */
AIENG_API aieng_result aieng_quant_quantize(int type, const float *x, void *dst, int64_t nrows, int64_t n_per_row);
AIENG_API aieng_result aieng_quant_dequantize_row(int type, const void *src, float *y, int64_t n);
/* Activation quantizer of ggml-cpu (x86 flavour on every architecture) for
   Q8_0, Q8_1, Q8_K, F16, BF16 and F32: what aieng_quant_matmul feeds its
   dot products. Other types fall back to the reference quantizer. */
AIENG_API aieng_result aieng_quant_quantize_act(int type, const float *x, void *dst, int64_t n);

/* ---- products */
/* Dot product of one weight row w (type wtype, n values) with an activation
   row a already converted to aieng_quant_vec_dot_type(wtype). No checks: n
   must be a multiple of the block size (the hot path of other headers). */
AIENG_API float aieng_quant_vec_dot(int wtype, const void *w, const void *a, int64_t n);
/* y[m·N + n] = Σ_k x[m·K + k] · W_n[k] for W = N rows of K values of type
   wtype (GGUF layout: ne[0] = K, one row per output). Activations are
   quantized to aieng_quant_vec_dot_type(wtype) first, as ggml does. Threaded
   over N with aieng_parallel_for. Allocates a work buffer of
   aieng_quant_matmul_work_size() bytes (use _ex to pass one). */
AIENG_API aieng_result aieng_quant_matmul(int wtype, const void *W, int64_t N, int64_t K,
                                          const float *x, int64_t M, float *y);
/* Row strides ldx >= K and ldy >= N in floats; work may be NULL (allocated),
   else at least aieng_quant_matmul_work_size(wtype, K, M) bytes. */
AIENG_API aieng_result aieng_quant_matmul_ex(int wtype, const void *W, int64_t N, int64_t K,
                                             const float *x, int64_t ldx, int64_t M, float *y, int64_t ldy,
                                             void *work, size_t work_size);
AIENG_API size_t aieng_quant_matmul_work_size(int wtype, int64_t K, int64_t M);
/* Several products of the same activations (M rows of K, stride ldx), one
   per matrix: mats[i].y[m·ldy + n] = x_m · row n of mats[i].W. When all have
   the same type (at most 8 matrices) the activations are quantized once and
   the rows of all matrices are split over the threads in one hand-off
   (Q, K and V; gate and up); otherwise one aieng_quant_matmul_ex each. Work:
   aieng_quant_matmul_work_size(type, K, M) bytes, or NULL. Results are those
   of aieng_quant_matmul_ex, bit for bit. */
typedef struct aieng_quant_mat { int type; const void *W; int64_t N; float *y; int64_t ldy; } aieng_quant_mat;
AIENG_API aieng_result aieng_quant_matmul_multi(const aieng_quant_mat *mats, int n_mats, int64_t K, const float *x,
                                                int64_t ldx, int64_t M, void *work, size_t work_size);

/* ---- symmetric int8 rows (absmax): s = amax/127, q = round-half-away(x · (1/s)), -127..127 */
AIENG_API float aieng_quant_i8_row(int8_t *q, const float *x, int64_t n); /* returns s (0 for a zero row) */
AIENG_API int64_t aieng_quant_i8_dot(const int8_t *a, const int8_t *b, int64_t n);
AIENG_API int64_t aieng_quant_i8_l2sq(const int8_t *a, const int8_t *b, int64_t n);

AIENG_EXTERN_C_END
#endif /* AIENG_QUANT_H */

/* ====================================================================== */
/*                             IMPLEMENTATION                             */
/* ====================================================================== */
#if (defined(AIENG_IMPLEMENTATION) || defined(AIENG_QUANT_IMPLEMENTATION)) && !defined(AIENG_QUANT_IMPLEMENTED)
#define AIENG_QUANT_IMPLEMENTED
#if !defined(AIENG_TENSOR_IMPLEMENTED)
#ifndef AIENG_TENSOR_IMPLEMENTATION
#define AIENG_TENSOR_IMPLEMENTATION
#endif
#include "aieng_tensor.h"
#endif
#include <string.h>
#include <math.h>
#include <float.h>
#include <limits.h>
#if defined(AIENG_AVX512) || defined(AIENG_AVX2)
#include <immintrin.h>
#endif
#if defined(AIENG_NEON)
#include <arm_neon.h>
#endif

/* The reference quantizers must not depend on compiler flags: no implicit
   fused multiply-add (GCC contracts a*b+c across statements in GNU modes). */
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC push_options
#pragma GCC optimize("fp-contract=off")
/* GCC 12 in C++ mode warns wrongly inside the AVX-512 intrinsics (_mm512_undefined_*) */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#if defined(__clang__)
#pragma clang fp contract(off)
#endif
/* clang's -ffp-contract=fast ignores that pragma: there an empty asm statement
   forces each product that feeds an addition to be rounded on its own. */
#if defined(__clang__) && (defined(__x86_64__) || defined(__i386__)) && defined(__SSE2__)
#define AIENG__R(v) aieng__round_barrier(v)
static __inline__ float aieng__round_barrier(float v) { __asm__("" : "+x"(v)); return v; }
#elif defined(__clang__) && defined(__aarch64__)
#define AIENG__R(v) aieng__round_barrier(v)
static __inline__ float aieng__round_barrier(float v) { __asm__("" : "+w"(v)); return v; }
#else
#define AIENG__R(v) (v)
#endif
#define AIENG__MUL(a, b) AIENG__R((a) * (b))

/* SIMD sub-levels used here (on top of aieng_tensor.h's AIENG_AVX512/AVX2/NEON). */
#if defined(AIENG_AVX512) && defined(__AVX512VNNI__) && defined(__AVX512VL__) && defined(__AVX512BW__)
#define AIENG__QVNNI512 1
#endif
#if defined(AIENG_AVX2) && (defined(AIENG__QVNNI512) || defined(__AVXVNNI__))
#define AIENG__QVNNI256 1
#endif
#if defined(AIENG_NEON) && defined(__ARM_FEATURE_DOTPROD)
#define AIENG__QSDOT 1
#endif

#if defined(__GNUC__) || defined(__clang__)
#define AIENG__QS static __attribute__((unused)) /* kernels a SIMD build may not call */
#else
#define AIENG__QS static
#endif

AIENG_EXTERN_C_BEGIN

/* ---------------------------------------------------------------- type table */
typedef struct aieng__qtraits {
    int type;
    const char *name;
    int blck;   /* values per block */
    int size;   /* bytes per block */
    int act;    /* activation (vec_dot) type */
} aieng__qtraits;

static const aieng__qtraits aieng__qtab[] = {
    {AIENG_QUANT_F32, "F32", 1, 4, AIENG_QUANT_F32},
    {AIENG_QUANT_F16, "F16", 1, 2, AIENG_QUANT_F16},
    {AIENG_QUANT_Q4_0, "Q4_0", 32, 18, AIENG_QUANT_Q8_0},
    {AIENG_QUANT_Q4_1, "Q4_1", 32, 20, AIENG_QUANT_Q8_1},
    {AIENG_QUANT_Q5_0, "Q5_0", 32, 22, AIENG_QUANT_Q8_0},
    {AIENG_QUANT_Q5_1, "Q5_1", 32, 24, AIENG_QUANT_Q8_1},
    {AIENG_QUANT_Q8_0, "Q8_0", 32, 34, AIENG_QUANT_Q8_0},
    {AIENG_QUANT_Q8_1, "Q8_1", 32, 36, -1},
    {AIENG_QUANT_Q2_K, "Q2_K", 256, 84, AIENG_QUANT_Q8_K},
    {AIENG_QUANT_Q3_K, "Q3_K", 256, 110, AIENG_QUANT_Q8_K},
    {AIENG_QUANT_Q4_K, "Q4_K", 256, 144, AIENG_QUANT_Q8_K},
    {AIENG_QUANT_Q5_K, "Q5_K", 256, 176, AIENG_QUANT_Q8_K},
    {AIENG_QUANT_Q6_K, "Q6_K", 256, 210, AIENG_QUANT_Q8_K},
    {AIENG_QUANT_Q8_K, "Q8_K", 256, 292, -1},
    {AIENG_QUANT_BF16, "BF16", 1, 2, AIENG_QUANT_BF16},
    {AIENG_QUANT_MXFP4, "MXFP4", 32, 17, AIENG_QUANT_Q8_0},
    {AIENG_QUANT_NF4, "NF4", 64, 34, AIENG_QUANT_F32},
};

static const aieng__qtraits *aieng__qt(int type) {
    size_t i;
    for (i = 0; i < sizeof aieng__qtab / sizeof aieng__qtab[0]; i++)
        if (aieng__qtab[i].type == type) return &aieng__qtab[i];
    return NULL;
}

AIENG_API const char *aieng_quant_name(int type) {
    const aieng__qtraits *t = aieng__qt(type);
    return t ? t->name : NULL;
}
AIENG_API int aieng_quant_from_name(const char *name) {
    size_t i, j;
    if (!name) return -1;
    for (i = 0; i < sizeof aieng__qtab / sizeof aieng__qtab[0]; i++) {
        const char *a = aieng__qtab[i].name;
        for (j = 0; a[j] && name[j]; j++) {
            char c = name[j];
            if (c >= 'a' && c <= 'z') c = (char)(c - 'a' + 'A');
            if (c != a[j]) break;
        }
        if (!a[j] && !name[j]) return aieng__qtab[i].type;
    }
    return -1;
}
AIENG_API int64_t aieng_quant_block_size(int type) {
    const aieng__qtraits *t = aieng__qt(type);
    return t ? t->blck : 0;
}
AIENG_API int64_t aieng_quant_type_size(int type) {
    const aieng__qtraits *t = aieng__qt(type);
    return t ? t->size : 0;
}
AIENG_API int aieng_quant_vec_dot_type(int wtype) {
    const aieng__qtraits *t = aieng__qt(wtype);
    return t ? t->act : -1;
}
static aieng_result aieng__qcheck(const aieng__qtraits *t, int type, int64_t n, const char *what) {
    if (!t) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "aieng_quant_%s: unknown type id %d", what, type);
    if (n < 0 || n % t->blck != 0)
        return aieng_set_error(AIENG_ERR_INVALID_ARG,
                               "aieng_quant_%s: row length %lld is not a multiple of the %s block size %d",
                               what, (long long)n, t->name, t->blck);
    if (n / t->blck > (int64_t)(SIZE_MAX / 2) / t->size)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_%s: row length %lld too large", what, (long long)n);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_quant_row_bytes(int type, int64_t n, size_t *bytes) {
    const aieng__qtraits *t = aieng__qt(type);
    aieng_result r = aieng__qcheck(t, type, n, "row_bytes");
    if (r != AIENG_OK) return r;
    if (bytes) *bytes = (size_t)(n / t->blck) * (size_t)t->size;
    return AIENG_OK;
}

/* ---------------------------------------------------------------- helpers */
static uint16_t aieng__ld16(const uint8_t *p) { return (uint16_t)(p[0] | (p[1] << 8)); }
static void aieng__st16(uint8_t *p, uint16_t v) { p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); }
static uint32_t aieng__ld32(const uint8_t *p) {
    return (uint32_t)p[0] | ((uint32_t)p[1] << 8) | ((uint32_t)p[2] << 16) | ((uint32_t)p[3] << 24);
}
static void aieng__st32(uint8_t *p, uint32_t v) {
    p[0] = (uint8_t)v; p[1] = (uint8_t)(v >> 8); p[2] = (uint8_t)(v >> 16); p[3] = (uint8_t)(v >> 24);
}
static float aieng__ldf(const uint8_t *p) { float f; uint32_t u = aieng__ld32(p); memcpy(&f, &u, 4); return f; }
static void aieng__stf(uint8_t *p, float f) { uint32_t u; memcpy(&u, &f, 4); aieng__st32(p, u); }
static float aieng__h2f(const uint8_t *p) {
#if defined(__F16C__) && (defined(AIENG_AVX2) || defined(AIENG_AVX512))
    return _cvtsh_ss(aieng__ld16(p));
#else
    return aieng_f16_to_f32(aieng__ld16(p));
#endif
}
static void aieng__f2h(uint8_t *p, float f) { aieng__st16(p, aieng_f32_to_f16(f)); }
/* ggml's E8M0 scale, halved (the MXFP4 codebook holds twice the E2M1 values) */
static float aieng__e8m0_half(uint8_t e) {
    uint32_t bits = e < 2 ? (0x00200000u << e) : ((uint32_t)(e - 1) << 23);
    float f;
    memcpy(&f, &bits, 4);
    return f;
}
/* Round to nearest, ties to even, as ggml's nearest_int (|v| < 2^22). */
static float aieng__rne(float v) {
    float t = AIENG__R(v) + 12582912.0f;
    return t - 12582912.0f;
}
/* float -> int with clamping; NaN gives lo. */
static int aieng__clampi(float v, int lo, int hi) {
    if (!(v >= (float)lo)) return lo;
    if (v > (float)hi) return hi;
    return (int)v;
}
static int aieng__nearest(float v) { /* nearest_int with a guard for huge values and NaN */
    if (!(fabsf(v) <= 4194303.0f)) return v > 0 ? 4194303 : -4194303;
    return (int)aieng__rne(v);
}

static const int8_t aieng__kv_mxfp4[16] = {0, 1, 2, 3, 4, 6, 8, 12, 0, -1, -2, -3, -4, -6, -8, -12};
/* QLoRA's NF4 codebook (bitsandbytes create_normal_map, as float32). */
static const float aieng__nf4[16] = {
    -1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
    -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
    0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
    0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};

/* ---------------------------------------------------------------- dequantize (scalar, exact) */
static void aieng__deq_q4_0(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, b += 18, y += 32) {
        const float d = aieng__h2f(b);
        for (j = 0; j < 16; j++) {
            y[j] = (float)((b[2 + j] & 15) - 8) * d;
            y[j + 16] = (float)((b[2 + j] >> 4) - 8) * d;
        }
    }
}
static void aieng__deq_q4_1(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, b += 20, y += 32) {
        const float d = aieng__h2f(b), m = aieng__h2f(b + 2);
        for (j = 0; j < 16; j++) {
            y[j] = AIENG__MUL((float)(b[4 + j] & 15), d) + m;
            y[j + 16] = AIENG__MUL((float)(b[4 + j] >> 4), d) + m;
        }
    }
}
static void aieng__deq_q5_0(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, b += 22, y += 32) {
        const float d = aieng__h2f(b);
        const uint32_t qh = aieng__ld32(b + 2);
        for (j = 0; j < 16; j++) {
            y[j] = (float)(((b[6 + j] & 15) | (int)(((qh >> j) & 1u) << 4)) - 16) * d;
            y[j + 16] = (float)(((b[6 + j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4)) - 16) * d;
        }
    }
}
static void aieng__deq_q5_1(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, b += 24, y += 32) {
        const float d = aieng__h2f(b), m = aieng__h2f(b + 2);
        const uint32_t qh = aieng__ld32(b + 4);
        for (j = 0; j < 16; j++) {
            y[j] = AIENG__MUL((float)((b[8 + j] & 15) | (int)(((qh >> j) & 1u) << 4)), d) + m;
            y[j + 16] = AIENG__MUL((float)((b[8 + j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4)), d) + m;
        }
    }
}
static void aieng__deq_q8_0(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, b += 34, y += 32) {
        const float d = aieng__h2f(b);
        for (j = 0; j < 32; j++) y[j] = (float)(int8_t)b[2 + j] * d;
    }
}
static void aieng__deq_q8_1(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, b += 36, y += 32) {
        const float d = aieng__h2f(b);
        for (j = 0; j < 32; j++) y[j] = (float)(int8_t)b[4 + j] * d;
    }
}
static void aieng__deq_mxfp4(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, b += 17, y += 32) {
        const float d = aieng__e8m0_half(b[0]);
        for (j = 0; j < 16; j++) {
            y[j] = (float)aieng__kv_mxfp4[b[1 + j] & 15] * d;
            y[j + 16] = (float)aieng__kv_mxfp4[b[1 + j] >> 4] * d;
        }
    }
}
static void aieng__deq_nf4(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, b += 34, y += 64) {
        const float d = aieng__h2f(b);
        for (j = 0; j < 32; j++) {
            y[j] = aieng__nf4[b[2 + j] & 15] * d;
            y[j + 32] = aieng__nf4[b[2 + j] >> 4] * d;
        }
    }
}
/* Q4_K / Q5_K 6-bit scale and min of sub-block j */
static void aieng__scale_min_k4(int j, const uint8_t *q, int *sc, int *mn) {
    if (j < 4) { *sc = q[j] & 63; *mn = q[j + 4] & 63; }
    else { *sc = (q[j + 4] & 15) | ((q[j - 4] >> 6) << 4); *mn = (q[j + 4] >> 4) | ((q[j] >> 6) << 4); }
}
/* Q3_K's 16 signed scales */
static void aieng__q3k_scales(const uint8_t *s, int *out) {
    int j;
    for (j = 0; j < 16; j++) {
        int lo = j < 8 ? (s[j] & 15) : (s[j - 8] >> 4);
        int hi = (s[8 + (j & 3)] >> (2 * (j >> 2))) & 3;
        out[j] = (lo | (hi << 4)) - 32;
    }
}
static void aieng__deq_q2_k(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int h, s, l;
    for (i = 0; i < nb; i++, b += 84) {
        const float d = aieng__h2f(b + 80), dmin = aieng__h2f(b + 82);
        for (h = 0; h < 2; h++)
            for (s = 0; s < 4; s++)
                for (l = 0; l < 32; l += 16) {
                    const uint8_t sc = b[8 * h + 2 * s + l / 16];
                    const float dl = d * (float)(sc & 15), ml = dmin * (float)(sc >> 4);
                    int k;
                    for (k = 0; k < 16; k++) *y++ = AIENG__MUL(dl, (float)((b[16 + 32 * h + l + k] >> (2 * s)) & 3)) - ml;
                }
    }
}
static void aieng__deq_q3_k(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int h, s, l, sc[16];
    for (i = 0; i < nb; i++, b += 110) {
        const float d = aieng__h2f(b + 108);
        aieng__q3k_scales(b + 96, sc);
        for (h = 0; h < 2; h++)
            for (s = 0; s < 4; s++)
                for (l = 0; l < 32; l += 16) {
                    const float dl = d * (float)sc[8 * h + 2 * s + l / 16];
                    int k;
                    for (k = 0; k < 16; k++) {
                        int q = (b[32 + 32 * h + l + k] >> (2 * s)) & 3;
                        if (!(b[l + k] & (1 << (4 * h + s)))) q -= 4;
                        *y++ = dl * (float)q;
                    }
                }
    }
}
static void aieng__deq_q4_k(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int c, l, sc, mn;
    for (i = 0; i < nb; i++, b += 144) {
        const float d = aieng__h2f(b), dmin = aieng__h2f(b + 2);
        for (c = 0; c < 4; c++) {
            const uint8_t *q = b + 16 + 32 * c;
            float d1, m1, d2, m2;
            aieng__scale_min_k4(2 * c, b + 4, &sc, &mn); d1 = d * (float)sc; m1 = dmin * (float)mn;
            aieng__scale_min_k4(2 * c + 1, b + 4, &sc, &mn); d2 = d * (float)sc; m2 = dmin * (float)mn;
            for (l = 0; l < 32; l++) *y++ = AIENG__MUL(d1, (float)(q[l] & 15)) - m1;
            for (l = 0; l < 32; l++) *y++ = AIENG__MUL(d2, (float)(q[l] >> 4)) - m2;
        }
    }
}
static void aieng__deq_q5_k(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int c, l, sc, mn;
    for (i = 0; i < nb; i++, b += 176) {
        const float d = aieng__h2f(b), dmin = aieng__h2f(b + 2);
        const uint8_t *qh = b + 16;
        for (c = 0; c < 4; c++) {
            const uint8_t *q = b + 48 + 32 * c;
            float d1, m1, d2, m2;
            aieng__scale_min_k4(2 * c, b + 4, &sc, &mn); d1 = d * (float)sc; m1 = dmin * (float)mn;
            aieng__scale_min_k4(2 * c + 1, b + 4, &sc, &mn); d2 = d * (float)sc; m2 = dmin * (float)mn;
            for (l = 0; l < 32; l++) *y++ = AIENG__MUL(d1, (float)((q[l] & 15) + ((qh[l] >> (2 * c)) & 1) * 16)) - m1;
            for (l = 0; l < 32; l++) *y++ = AIENG__MUL(d2, (float)((q[l] >> 4) + ((qh[l] >> (2 * c + 1)) & 1) * 16)) - m2;
        }
    }
}
static void aieng__deq_q6_k(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int h, l;
    for (i = 0; i < nb; i++, b += 210) {
        const float d = aieng__h2f(b + 208);
        for (h = 0; h < 2; h++, y += 128) {
            const uint8_t *ql = b + 64 * h, *qh = b + 128 + 32 * h;
            const int8_t *sc = (const int8_t *)(b + 192 + 8 * h);
            for (l = 0; l < 32; l++) {
                const int is = l / 16;
                const int q1 = ((ql[l] & 15) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                y[l] = d * (float)sc[is] * (float)q1;
                y[l + 32] = d * (float)sc[is + 2] * (float)q2;
                y[l + 64] = d * (float)sc[is + 4] * (float)q3;
                y[l + 96] = d * (float)sc[is + 6] * (float)q4;
            }
        }
    }
}
static void aieng__deq_q8_k(const uint8_t *b, float *y, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, b += 292) {
        const float d = aieng__ldf(b);
        for (j = 0; j < 256; j++) *y++ = d * (float)(int8_t)b[4 + j];
    }
}

AIENG_API aieng_result aieng_quant_dequantize_row(int type, const void *src, float *y, int64_t n) {
    const aieng__qtraits *t = aieng__qt(type);
    const uint8_t *b = (const uint8_t *)src;
    int64_t nb, i;
    aieng_result r = aieng__qcheck(t, type, n, "dequantize_row");
    if (r != AIENG_OK) return r;
    if (n > 0 && (!src || !y)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_dequantize_row: NULL pointer");
    nb = n / t->blck;
    switch (type) {
    case AIENG_QUANT_F32: memcpy(y, src, (size_t)n * 4); break;
    case AIENG_QUANT_F16: for (i = 0; i < n; i++) y[i] = aieng__h2f(b + 2 * i); break;
    case AIENG_QUANT_BF16: for (i = 0; i < n; i++) y[i] = aieng_bf16_to_f32(aieng__ld16(b + 2 * i)); break;
    case AIENG_QUANT_Q4_0: aieng__deq_q4_0(b, y, nb); break;
    case AIENG_QUANT_Q4_1: aieng__deq_q4_1(b, y, nb); break;
    case AIENG_QUANT_Q5_0: aieng__deq_q5_0(b, y, nb); break;
    case AIENG_QUANT_Q5_1: aieng__deq_q5_1(b, y, nb); break;
    case AIENG_QUANT_Q8_0: aieng__deq_q8_0(b, y, nb); break;
    case AIENG_QUANT_Q8_1: aieng__deq_q8_1(b, y, nb); break;
    case AIENG_QUANT_Q2_K: aieng__deq_q2_k(b, y, nb); break;
    case AIENG_QUANT_Q3_K: aieng__deq_q3_k(b, y, nb); break;
    case AIENG_QUANT_Q4_K: aieng__deq_q4_k(b, y, nb); break;
    case AIENG_QUANT_Q5_K: aieng__deq_q5_k(b, y, nb); break;
    case AIENG_QUANT_Q6_K: aieng__deq_q6_k(b, y, nb); break;
    case AIENG_QUANT_Q8_K: aieng__deq_q8_k(b, y, nb); break;
    case AIENG_QUANT_MXFP4: aieng__deq_mxfp4(b, y, nb); break;
    case AIENG_QUANT_NF4: aieng__deq_nf4(b, y, nb); break;
    default: return aieng_set_error(AIENG_ERR_UNSUPPORTED, "aieng_quant_dequantize_row: type %d", type);
    }
    return AIENG_OK;
}

/* ---------------------------------------------------------------- reference quantizers */
/* The largest |x| of a block, first occurrence, sign kept (Q4_0, Q5_0). */
static float aieng__signed_amax(const float *x, int n) {
    float amax = 0.0f, m = 0.0f;
    int j;
    for (j = 0; j < n; j++)
        if (amax < fabsf(x[j])) { amax = fabsf(x[j]); m = x[j]; }
    return m;
}
static void aieng__minmax(const float *x, int n, float *mn, float *mx) {
    float lo = FLT_MAX, hi = -FLT_MAX;
    int j;
    for (j = 0; j < n; j++) {
        if (x[j] < lo) lo = x[j];
        if (x[j] > hi) hi = x[j];
    }
    *mn = lo; *mx = hi;
}
static void aieng__q_q4_0(const float *x, uint8_t *b, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, x += 32, b += 18) {
        const float m = aieng__signed_amax(x, 32);
        const float d = m / -8;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        aieng__f2h(b, d);
        for (j = 0; j < 16; j++) {
            const float v0 = AIENG__MUL(x[j], id), v1 = AIENG__MUL(x[j + 16], id); /* rounded, then + 8.5 */
            const int q0 = aieng__clampi(v0 + 8.5f, 0, 15), q1 = aieng__clampi(v1 + 8.5f, 0, 15);
            b[2 + j] = (uint8_t)(q0 | (q1 << 4));
        }
    }
}
static void aieng__q_q4_1(const float *x, uint8_t *b, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, x += 32, b += 20) {
        float mn, mx, d, id;
        aieng__minmax(x, 32, &mn, &mx);
        d = (mx - mn) / 15;
        id = d != 0.0f ? 1.0f / d : 0.0f;
        aieng__f2h(b, d);
        aieng__f2h(b + 2, mn);
        for (j = 0; j < 16; j++) {
            const float v0 = AIENG__MUL(x[j] - mn, id), v1 = AIENG__MUL(x[j + 16] - mn, id);
            const int q0 = aieng__clampi(v0 + 0.5f, 0, 15), q1 = aieng__clampi(v1 + 0.5f, 0, 15);
            b[4 + j] = (uint8_t)(q0 | (q1 << 4));
        }
    }
}
static void aieng__q_q5_0(const float *x, uint8_t *b, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, x += 32, b += 22) {
        const float m = aieng__signed_amax(x, 32);
        const float d = m / -16;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        uint32_t qh = 0;
        aieng__f2h(b, d);
        for (j = 0; j < 16; j++) {
            const float v0 = AIENG__MUL(x[j], id), v1 = AIENG__MUL(x[j + 16], id);
            const int q0 = aieng__clampi(v0 + 16.5f, 0, 31), q1 = aieng__clampi(v1 + 16.5f, 0, 31);
            b[6 + j] = (uint8_t)((q0 & 15) | ((q1 & 15) << 4));
            qh |= (uint32_t)(q0 >> 4) << j;
            qh |= (uint32_t)(q1 >> 4) << (j + 16);
        }
        aieng__st32(b + 2, qh);
    }
}
static void aieng__q_q5_1(const float *x, uint8_t *b, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, x += 32, b += 24) {
        float mn, mx, d, id;
        uint32_t qh = 0;
        aieng__minmax(x, 32, &mn, &mx);
        d = (mx - mn) / 31;
        id = d != 0.0f ? 1.0f / d : 0.0f;
        aieng__f2h(b, d);
        aieng__f2h(b + 2, mn);
        for (j = 0; j < 16; j++) {
            const float v0 = AIENG__MUL(x[j] - mn, id), v1 = AIENG__MUL(x[j + 16] - mn, id);
            const int q0 = aieng__clampi(v0 + 0.5f, 0, 31), q1 = aieng__clampi(v1 + 0.5f, 0, 31);
            b[8 + j] = (uint8_t)((q0 & 15) | ((q1 & 15) << 4));
            qh |= (uint32_t)(q0 >> 4) << j;
            qh |= (uint32_t)(q1 >> 4) << (j + 16);
        }
        aieng__st32(b + 4, qh);
    }
}
static float aieng__amax(const float *x, int64_t n) {
    float amax = 0.0f;
    int64_t j;
    for (j = 0; j < n; j++) {
        const float a = fabsf(x[j]);
        amax = amax > a ? amax : a; /* ggml's MAX(amax, fabsf(v)) */
    }
    return amax;
}
/* round half away from zero (C's roundf, what gguf's np_roundf reproduces) */
static int aieng__roundi(float v, int lo, int hi) {
    return aieng__clampi(roundf(v), lo, hi);
}
static void aieng__q_q8_0(const float *x, uint8_t *b, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, x += 32, b += 34) {
        const float d = aieng__amax(x, 32) / 127;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        aieng__f2h(b, d);
        for (j = 0; j < 32; j++) b[2 + j] = (uint8_t)(int8_t)aieng__roundi(x[j] * id, -128, 127);
    }
}
static void aieng__q_q8_1(const float *x, uint8_t *b, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, x += 32, b += 36) {
        const float d = aieng__amax(x, 32) / 127;
        const float id = d != 0.0f ? 1.0f / d : 0.0f;
        int sum = 0;
        aieng__f2h(b, d);
        for (j = 0; j < 32; j++) {
            const int q = aieng__roundi(x[j] * id, -128, 127);
            b[4 + j] = (uint8_t)(int8_t)q;
            sum += q;
        }
        aieng__f2h(b + 2, (float)sum * d);
    }
}
static void aieng__q_q8_k(const float *x, uint8_t *b, int64_t nb) {
    int64_t i; int j, k;
    for (i = 0; i < nb; i++, x += 256, b += 292) {
        float amax = 0.0f, m = 0.0f, iscale;
        for (j = 0; j < 256; j++)
            if (fabsf(x[j]) > amax) { amax = fabsf(x[j]); m = x[j]; }
        if (amax == 0.0f) { memset(b, 0, 292); continue; }
        iscale = -127.0f / m;
        for (j = 0; j < 256; j++) {
            const int v = aieng__nearest(iscale * x[j]);
            b[4 + j] = (uint8_t)(int8_t)(v > 127 ? 127 : v < -128 ? -128 : v);
        }
        for (j = 0; j < 16; j++) {
            int s = 0;
            for (k = 0; k < 16; k++) s += (int8_t)b[4 + 16 * j + k];
            aieng__st16(b + 260 + 2 * j, (uint16_t)(int16_t)s);
        }
        aieng__stf(b, 1 / iscale);
    }
}
static void aieng__q_mxfp4(const float *x, uint8_t *b, int64_t nb) {
    int64_t i; int j, k;
    for (i = 0; i < nb; i++, x += 32, b += 17) {
        float amax = 0.0f, d;
        uint8_t e = 0;
        for (j = 0; j < 32; j++)
            if (amax < fabsf(x[j])) amax = fabsf(x[j]);
        if (amax > 0.0f) {
            float ex = floorf(log2f(amax)) - 2 + 127;
            e = (uint8_t)aieng__clampi(ex, 0, 255);
        }
        d = aieng__e8m0_half(e);
        b[0] = e;
        for (j = 0; j < 16; j++) {
            int best[2], h;
            for (h = 0; h < 2; h++) {
                const float v = x[j + 16 * h];
                float err = fabsf(AIENG__MUL((float)aieng__kv_mxfp4[0], d) - v);
                best[h] = 0;
                for (k = 1; k < 16; k++) {
                    const float e2 = fabsf(AIENG__MUL((float)aieng__kv_mxfp4[k], d) - v);
                    if (e2 < err) { err = e2; best[h] = k; }
                }
            }
            b[1 + j] = (uint8_t)(best[0] | (best[1] << 4));
        }
    }
}
static int aieng__nf4_index(float v) {
    /* midpoints between neighbouring codebook entries */
    int k = 0;
    while (k < 15 && v > 0.5f * (aieng__nf4[k] + aieng__nf4[k + 1])) k++;
    return k;
}
static void aieng__q_nf4(const float *x, uint8_t *b, int64_t nb) {
    int64_t i; int j;
    for (i = 0; i < nb; i++, x += 64, b += 34) {
        const float amax = aieng__amax(x, 64);
        float dh, id;
        aieng__f2h(b, amax);
        dh = aieng__h2f(b);
        id = dh != 0.0f ? 1.0f / dh : 0.0f;
        for (j = 0; j < 32; j++)
            b[2 + j] = (uint8_t)(aieng__nf4_index(x[j] * id) | (aieng__nf4_index(x[j + 32] * id) << 4));
    }
}

/* ---- k-quant reference quantizers: ggml's quantize_row_q*_K_ref, step by step.
   ggml's nearest_int is round-half-even of the (rounded) float argument. */
/* The first pass both share: L = clamp(nearest(iscale·x)) + offset with
   iscale = -nmax/max (max: the value of largest |x|), and the sums Σ w·x·l and
   Σ w·l² with w = x². Returns max, or 0 for an all-(near-)zero group (L = 0). */
static float aieng__qx_pass(int n, int nmax, const float *x, int8_t *L, int offset, float *sumlx, float *suml2) {
    const float max = aieng__signed_amax(x, n);
    float iscale;
    int i;
    *sumlx = *suml2 = 0;
    if (fabsf(max) < 1e-15f) { for (i = 0; i < n; i++) L[i] = 0; return 0.0f; }
    iscale = -nmax / max;
    for (i = 0; i < n; i++) {
        int l = aieng__nearest(iscale * x[i]);
        float w, t;
        l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
        L[i] = (int8_t)(l + offset);
        w = x[i] * x[i];
        t = w * x[i];
        *sumlx += AIENG__MUL(t, (float)l);
        t = w * (float)l;
        *suml2 += AIENG__MUL(t, (float)l);
    }
    return max;
}
static float aieng__make_qx_quants(int n, int nmax, const float *x, int8_t *L) { /* rmse_type 1, no weights */
    float iscale, sumlx, suml2, scale, best;
    const float max = aieng__qx_pass(n, nmax, x, L, nmax, &sumlx, &suml2);
    int i, is;
    if (max == 0.0f) return 0.0f;
    scale = suml2 != 0.0f ? sumlx / suml2 : 0.0f;
    best = scale * sumlx;
    for (is = -9; is <= 9; is++) {
        if (is == 0) continue;
        iscale = -((float)nmax + AIENG__MUL(0.1f, (float)is)) / max;
        sumlx = suml2 = 0;
        for (i = 0; i < n; i++) {
            int l = aieng__nearest(iscale * x[i]);
            float w, t;
            l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
            w = x[i] * x[i];
            t = w * x[i];
            sumlx += AIENG__MUL(t, (float)l);
            t = w * (float)l;
            suml2 += AIENG__MUL(t, (float)l);
        }
        if (suml2 > 0 && sumlx * sumlx > best * suml2) {
            for (i = 0; i < n; i++) {
                int l = aieng__nearest(iscale * x[i]);
                l = l < -nmax ? -nmax : l > nmax - 1 ? nmax - 1 : l;
                L[i] = (int8_t)(nmax + l);
            }
            scale = sumlx / suml2;
            best = scale * sumlx;
        }
    }
    return scale;
}
static float aieng__make_q3_quants(int n, int nmax, const float *x, int8_t *L) { /* do_rmse = true */
    float sumlx, suml2;
    int i, itry;
    if (aieng__qx_pass(n, nmax, x, L, 0, &sumlx, &suml2) == 0.0f) return 0.0f;
    for (itry = 0; itry < 5; itry++) {
        int n_changed = 0;
        for (i = 0; i < n; i++) {
            const float w = x[i] * x[i];
            float t = w * x[i], slx;
            t = AIENG__MUL(t, (float)L[i]);
            slx = sumlx - t;
            if (slx > 0) {
                float sl2, u;
                int new_l;
                u = w * (float)L[i];
                u = AIENG__MUL(u, (float)L[i]);
                sl2 = suml2 - u;
                u = x[i] * sl2;
                new_l = aieng__nearest(u / slx);
                new_l = new_l < -nmax ? -nmax : new_l > nmax - 1 ? nmax - 1 : new_l;
                if (new_l != L[i]) {
                    float a, c;
                    t = w * x[i];
                    t = AIENG__MUL(t, (float)new_l);
                    slx += t;
                    u = w * (float)new_l;
                    u = AIENG__MUL(u, (float)new_l);
                    sl2 += u;
                    a = slx * slx; a = a * suml2;
                    c = sumlx * sumlx; c = c * sl2;
                    if (sl2 > 0 && a > c) {
                        L[i] = (int8_t)new_l; sumlx = slx; suml2 = sl2;
                        n_changed++;
                    }
                }
            }
        }
        if (!n_changed) break;
    }
    for (i = 0; i < n; i++) L[i] = (int8_t)(L[i] + nmax);
    return suml2 > 0.0f ? sumlx / suml2 : 0.0f;
}
static float aieng__make_qkx2_quants(int n, int nmax, const float *x, const float *weights, uint8_t *L,
                                     float *the_min, uint8_t *Laux, float rmin, float rdelta, int nstep,
                                     int use_mad) {
    float min = x[0], max = x[0], sum_w = weights[0], sum_x, iscale, scale, best_error = 0;
    int i, is;
    sum_x = sum_w * x[0];
    for (i = 1; i < n; i++) {
        float t;
        if (x[i] < min) min = x[i];
        if (x[i] > max) max = x[i];
        sum_w += weights[i];
        t = AIENG__MUL(weights[i], x[i]);
        sum_x += t;
    }
    if (min > 0) min = 0;
    if (max == min) {
        for (i = 0; i < n; i++) L[i] = 0;
        *the_min = -min;
        return 0.0f;
    }
    iscale = (float)nmax / (max - min);
    scale = 1 / iscale;
    for (i = 0; i < n; i++) {
        int l = aieng__nearest(iscale * (x[i] - min));
        float diff;
        L[i] = (uint8_t)(l < 0 ? 0 : l > nmax ? nmax : l);
        diff = AIENG__MUL(scale, (float)L[i]);
        diff = diff + min;
        diff = diff - x[i];
        diff = use_mad ? fabsf(diff) : diff * diff;
        diff = AIENG__MUL(weights[i], diff);
        best_error += diff;
    }
    if (nstep < 1) { *the_min = -min; return scale; }
    for (is = 0; is <= nstep; is++) {
        float sum_l = 0, sum_l2 = 0, sum_xl = 0, D, t, u;
        t = AIENG__MUL(rdelta, (float)is);
        t = rmin + t;
        iscale = (t + (float)nmax) / (max - min);
        for (i = 0; i < n; i++) {
            int l = aieng__nearest(iscale * (x[i] - min));
            const float w = weights[i];
            l = l < 0 ? 0 : l > nmax ? nmax : l;
            Laux[i] = (uint8_t)l;
            t = AIENG__MUL(w, (float)l); sum_l += t;
            t = AIENG__MUL(t, (float)l); sum_l2 += t;
            t = w * (float)l; t = AIENG__MUL(t, x[i]); sum_xl += t;
        }
        t = AIENG__MUL(sum_w, sum_l2); u = AIENG__MUL(sum_l, sum_l); D = t - u;
        if (D > 0) {
            float this_scale, this_min, cur_error = 0;
            t = AIENG__MUL(sum_w, sum_xl); u = AIENG__MUL(sum_x, sum_l); this_scale = (t - u) / D;
            t = AIENG__MUL(sum_l2, sum_x); u = AIENG__MUL(sum_l, sum_xl); this_min = (t - u) / D;
            if (this_min > 0) { this_min = 0; this_scale = sum_xl / sum_l2; }
            for (i = 0; i < n; i++) {
                float diff = AIENG__MUL(this_scale, (float)Laux[i]);
                diff = diff + this_min;
                diff = diff - x[i];
                diff = use_mad ? fabsf(diff) : diff * diff;
                diff = AIENG__MUL(weights[i], diff);
                cur_error += diff;
            }
            if (cur_error < best_error) {
                for (i = 0; i < n; i++) L[i] = Laux[i];
                best_error = cur_error;
                scale = this_scale;
                min = this_min;
            }
        }
    }
    *the_min = -min;
    return scale;
}
static void aieng__q_q2_k(const float *x, uint8_t *b, int64_t nb) {
    uint8_t L[256], Laux[16];
    float weights[16], mins[16], scales[16];
    int64_t i; int j, l;
    for (i = 0; i < nb; i++, x += 256, b += 84) {
        float max_scale = 0, max_min = 0, dd, dm;
        for (j = 0; j < 16; j++) {
            for (l = 0; l < 16; l++) weights[l] = fabsf(x[16 * j + l]);
            scales[j] = aieng__make_qkx2_quants(16, 3, x + 16 * j, weights, L + 16 * j, &mins[j], Laux, -0.5f, 0.1f, 15, 1);
            if (scales[j] > max_scale) max_scale = scales[j];
            if (mins[j] > max_min) max_min = mins[j];
        }
        if (max_scale > 0) {
            const float iscale = 15.0f / max_scale;
            for (j = 0; j < 16; j++) b[j] = (uint8_t)aieng__nearest(iscale * scales[j]);
            aieng__f2h(b + 80, max_scale / 15.0f);
        } else {
            for (j = 0; j < 16; j++) b[j] = 0;
            aieng__f2h(b + 80, 0.0f);
        }
        if (max_min > 0) {
            const float iscale = 15.0f / max_min;
            for (j = 0; j < 16; j++) b[j] = (uint8_t)(b[j] | (aieng__nearest(iscale * mins[j]) << 4));
            aieng__f2h(b + 82, max_min / 15.0f);
        } else {
            aieng__f2h(b + 82, 0.0f);
        }
        dd = aieng__h2f(b + 80);
        dm = aieng__h2f(b + 82);
        for (j = 0; j < 16; j++) {
            const float d = dd * (float)(b[j] & 15), m = dm * (float)(b[j] >> 4);
            if (d == 0.0f) continue;
            for (l = 0; l < 16; l++) {
                int q = aieng__nearest((x[16 * j + l] + m) / d);
                L[16 * j + l] = (uint8_t)(q < 0 ? 0 : q > 3 ? 3 : q);
            }
        }
        for (j = 0; j < 256; j += 128)
            for (l = 0; l < 32; l++)
                b[16 + j / 4 + l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
    }
}
static void aieng__q_q3_k(const float *x, uint8_t *b, int64_t nb) {
    int8_t L[256];
    float scales[16];
    int64_t i; int j, l;
    for (i = 0; i < nb; i++, x += 256, b += 110) {
        float max_scale = 0, amax = 0, dd;
        int sc[16], m;
        uint8_t hm;
        for (j = 0; j < 16; j++) {
            scales[j] = aieng__make_q3_quants(16, 4, x + 16 * j, L + 16 * j);
            if (fabsf(scales[j]) > amax) { amax = fabsf(scales[j]); max_scale = scales[j]; }
        }
        memset(b + 96, 0, 12);
        if (max_scale != 0.0f) {
            const float iscale = -32.0f / max_scale;
            for (j = 0; j < 16; j++) {
                int q = (int8_t)aieng__nearest(iscale * scales[j]);
                q = (q < -32 ? -32 : q > 31 ? 31 : q) + 32;
                if (j < 8) b[96 + j] = (uint8_t)(q & 15);
                else b[96 + j - 8] = (uint8_t)(b[96 + j - 8] | ((q & 15) << 4));
                b[96 + 8 + j % 4] = (uint8_t)(b[96 + 8 + j % 4] | ((q >> 4) << (2 * (j / 4))));
            }
            aieng__f2h(b + 108, 1 / iscale);
        } else {
            aieng__f2h(b + 108, 0.0f);
        }
        dd = aieng__h2f(b + 108);
        aieng__q3k_scales(b + 96, sc);
        for (j = 0; j < 16; j++) {
            const float d = dd * (float)sc[j];
            if (d == 0.0f) continue;
            for (l = 0; l < 16; l++) {
                int q = aieng__nearest(x[16 * j + l] / d);
                L[16 * j + l] = (int8_t)((q < -4 ? -4 : q > 3 ? 3 : q) + 4);
            }
        }
        memset(b, 0, 32);
        m = 0; hm = 1;
        for (j = 0; j < 256; j++) {
            if (L[j] > 3) { b[m] = (uint8_t)(b[m] | hm); L[j] = (int8_t)(L[j] - 4); }
            if (++m == 32) { m = 0; hm = (uint8_t)(hm << 1); }
        }
        for (j = 0; j < 256; j += 128)
            for (l = 0; l < 32; l++)
                b[32 + j / 4 + l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 2) | (L[j + l + 64] << 4) | (L[j + l + 96] << 6));
    }
}
/* shared by Q4_K (nmax 15) and Q5_K (nmax 31) */
static void aieng__q_q45_k(const float *x, uint8_t *b, int64_t nb, int nmax) {
    uint8_t L[256], Laux[32];
    float weights[32], mins[8], scales[8];
    const int bsz = nmax == 15 ? 144 : 176;
    int64_t i; int j, l;
    for (i = 0; i < nb; i++, x += 256, b += bsz) {
        float max_scale = 0, max_min = 0, inv_scale, inv_min, dd, dm;
        uint8_t *sb = b + 4;
        for (j = 0; j < 8; j++) {
            float sum_x2 = 0, av_x;
            for (l = 0; l < 32; l++) { const float t = AIENG__MUL(x[32 * j + l], x[32 * j + l]); sum_x2 += t; }
            av_x = sqrtf(sum_x2 / 32);
            for (l = 0; l < 32; l++) weights[l] = av_x + fabsf(x[32 * j + l]);
            scales[j] = nmax == 15
                ? aieng__make_qkx2_quants(32, 15, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, -1.0f, 0.1f, 20, 0)
                : aieng__make_qkx2_quants(32, 31, x + 32 * j, weights, L + 32 * j, &mins[j], Laux, -0.5f, 0.1f, 15, 0);
            if (scales[j] > max_scale) max_scale = scales[j];
            if (mins[j] > max_min) max_min = mins[j];
        }
        inv_scale = max_scale > 0 ? 63.0f / max_scale : 0.0f;
        inv_min = max_min > 0 ? 63.0f / max_min : 0.0f;
        for (j = 0; j < 8; j++) {
            uint8_t ls = (uint8_t)aieng__nearest(inv_scale * scales[j]);
            uint8_t lm = (uint8_t)aieng__nearest(inv_min * mins[j]);
            ls = ls < 63 ? ls : 63;
            lm = lm < 63 ? lm : 63;
            if (j < 4) { sb[j] = ls; sb[j + 4] = lm; }
            else {
                sb[j + 4] = (uint8_t)((ls & 15) | ((lm & 15) << 4));
                sb[j - 4] = (uint8_t)(sb[j - 4] | ((ls >> 4) << 6));
                sb[j] = (uint8_t)(sb[j] | ((lm >> 4) << 6));
            }
        }
        aieng__f2h(b, max_scale / 63.0f);
        aieng__f2h(b + 2, max_min / 63.0f);
        dd = aieng__h2f(b);
        dm = aieng__h2f(b + 2);
        for (j = 0; j < 8; j++) {
            int sc, mn;
            float d, m;
            aieng__scale_min_k4(j, sb, &sc, &mn);
            d = dd * (float)sc;
            if (d == 0.0f) continue;
            m = dm * (float)mn;
            for (l = 0; l < 32; l++) {
                int q = aieng__nearest((x[32 * j + l] + m) / d);
                L[32 * j + l] = (uint8_t)(q < 0 ? 0 : q > nmax ? nmax : q);
            }
        }
        if (nmax == 15) {
            uint8_t *q = b + 16;
            for (j = 0; j < 256; j += 64, q += 32)
                for (l = 0; l < 32; l++) q[l] = (uint8_t)(L[j + l] | (L[j + l + 32] << 4));
        } else {
            uint8_t *qh = b + 16, *ql = b + 48, m1 = 1, m2 = 2;
            memset(qh, 0, 32);
            for (j = 0; j < 256; j += 64, ql += 32) {
                for (l = 0; l < 32; l++) {
                    int l1 = L[j + l], l2 = L[j + l + 32];
                    if (l1 > 15) { l1 -= 16; qh[l] = (uint8_t)(qh[l] | m1); }
                    if (l2 > 15) { l2 -= 16; qh[l] = (uint8_t)(qh[l] | m2); }
                    ql[l] = (uint8_t)(l1 | (l2 << 4));
                }
                m1 = (uint8_t)(m1 << 2); m2 = (uint8_t)(m2 << 2);
            }
        }
    }
}
static void aieng__q_q6_k(const float *x, uint8_t *b, int64_t nb) {
    int8_t L[256];
    float scales[16];
    int64_t i; int j, l;
    for (i = 0; i < nb; i++, x += 256, b += 210) {
        float max_scale = 0, max_abs = 0, iscale, dd;
        uint8_t *ql = b, *qh = b + 128;
        for (j = 0; j < 16; j++) {
            scales[j] = aieng__make_qx_quants(16, 32, x + 16 * j, L + 16 * j);
            if (fabsf(scales[j]) > max_abs) { max_abs = fabsf(scales[j]); max_scale = scales[j]; }
        }
        if (max_abs < 1e-15f) { memset(b, 0, 210); continue; }
        iscale = -128.0f / max_scale;
        aieng__f2h(b + 208, 1 / iscale);
        for (j = 0; j < 16; j++) {
            const int q = aieng__nearest(iscale * scales[j]);
            b[192 + j] = (uint8_t)(int8_t)(q < 127 ? q : 127);
        }
        dd = aieng__h2f(b + 208);
        for (j = 0; j < 16; j++) {
            const float d = dd * (float)(int8_t)b[192 + j];
            if (d == 0.0f) continue;
            for (l = 0; l < 16; l++) {
                int q = aieng__nearest(x[16 * j + l] / d);
                L[16 * j + l] = (int8_t)((q < -32 ? -32 : q > 31 ? 31 : q) + 32);
            }
        }
        for (j = 0; j < 256; j += 128, ql += 64, qh += 32)
            for (l = 0; l < 32; l++) {
                const int q1 = L[j + l] & 15, q2 = L[j + l + 32] & 15, q3 = L[j + l + 64] & 15, q4 = L[j + l + 96] & 15;
                ql[l] = (uint8_t)(q1 | (q3 << 4));
                ql[l + 32] = (uint8_t)(q2 | (q4 << 4));
                qh[l] = (uint8_t)((L[j + l] >> 4) | ((L[j + l + 32] >> 4) << 2) | ((L[j + l + 64] >> 4) << 4) |
                                  ((L[j + l + 96] >> 4) << 6));
            }
    }
}

static aieng_result aieng__quantize_rows(int type, const float *x, uint8_t *b, int64_t n, const char *what) {
    const aieng__qtraits *t = aieng__qt(type);
    int64_t nb, i;
    aieng_result r = aieng__qcheck(t, type, n, what);
    if (r != AIENG_OK) return r;
    if (n > 0 && (!x || !b)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_%s: NULL pointer", what);
    nb = n / t->blck;
    switch (type) {
    case AIENG_QUANT_F32: memcpy(b, x, (size_t)n * 4); break;
    case AIENG_QUANT_F16: for (i = 0; i < n; i++) aieng__f2h(b + 2 * i, x[i]); break;
    case AIENG_QUANT_BF16: for (i = 0; i < n; i++) aieng__st16(b + 2 * i, aieng_f32_to_bf16(x[i])); break;
    case AIENG_QUANT_Q4_0: aieng__q_q4_0(x, b, nb); break;
    case AIENG_QUANT_Q4_1: aieng__q_q4_1(x, b, nb); break;
    case AIENG_QUANT_Q5_0: aieng__q_q5_0(x, b, nb); break;
    case AIENG_QUANT_Q5_1: aieng__q_q5_1(x, b, nb); break;
    case AIENG_QUANT_Q8_0: aieng__q_q8_0(x, b, nb); break;
    case AIENG_QUANT_Q8_1: aieng__q_q8_1(x, b, nb); break;
    case AIENG_QUANT_Q2_K: aieng__q_q2_k(x, b, nb); break;
    case AIENG_QUANT_Q3_K: aieng__q_q3_k(x, b, nb); break;
    case AIENG_QUANT_Q4_K: aieng__q_q45_k(x, b, nb, 15); break;
    case AIENG_QUANT_Q5_K: aieng__q_q45_k(x, b, nb, 31); break;
    case AIENG_QUANT_Q6_K: aieng__q_q6_k(x, b, nb); break;
    case AIENG_QUANT_Q8_K: aieng__q_q8_k(x, b, nb); break;
    case AIENG_QUANT_MXFP4: aieng__q_mxfp4(x, b, nb); break;
    case AIENG_QUANT_NF4: aieng__q_nf4(x, b, nb); break;
    default: return aieng_set_error(AIENG_ERR_UNSUPPORTED, "aieng_quant_%s: type %d", what, type);
    }
    return AIENG_OK;
}
AIENG_API aieng_result aieng_quant_quantize_row(int type, const float *x, void *dst, int64_t n) {
    return aieng__quantize_rows(type, x, (uint8_t *)dst, n, "quantize_row");
}
typedef struct aieng__qjob { int type; const float *x; uint8_t *dst; int64_t n; size_t row_bytes; } aieng__qjob;
static void aieng__quantize_task(void *ctx, int64_t begin, int64_t end, int tid) {
    const aieng__qjob *j = (const aieng__qjob *)ctx;
    int64_t r;
    (void)tid;
    for (r = begin; r < end; r++)
        aieng__quantize_rows(j->type, j->x + r * j->n, j->dst + (size_t)r * j->row_bytes, j->n, "quantize");
}
AIENG_API aieng_result aieng_quant_quantize(int type, const float *x, void *dst, int64_t nrows, int64_t n_per_row) {
    aieng__qjob job;
    aieng_result r = aieng_quant_row_bytes(type, n_per_row, &job.row_bytes);
    if (r != AIENG_OK) return r;
    if (nrows < 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_quantize: nrows %lld < 0", (long long)nrows);
    if (nrows > 0 && n_per_row > 0 && (!x || !dst))
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_quantize: NULL pointer");
    job.type = type; job.x = x; job.dst = (uint8_t *)dst; job.n = n_per_row;
    aieng_parallel_for(nrows, 1, aieng__quantize_task, &job);
    return AIENG_OK;
}

/* ---------------------------------------------------------------- activation quantizers */
/* ggml-cpu's x86 quantize_row_q8_0 / q8_1: d = amax/127 stored as f16,
   q = round-half-even(x · (127/amax)); Q8_1 adds s = f16(d · Σq). */
static void aieng__act_q8(const float *x, uint8_t *b, int64_t nb, int with_sum) {
    const int stride = with_sum ? 36 : 34, off = with_sum ? 4 : 2;
    int64_t i; int j;
    for (i = 0; i < nb; i++, x += 32, b += stride) {
        float amax = 0.0f, d, id;
        int sum = 0;
#if defined(AIENG_AVX2)
        {
            const __m256 sign = _mm256_set1_ps(-0.0f);
            __m256 v0 = _mm256_loadu_ps(x), v1 = _mm256_loadu_ps(x + 8), v2 = _mm256_loadu_ps(x + 16),
                   v3 = _mm256_loadu_ps(x + 24), mx, mul;
            __m128 m4;
            __m256i i0, i1, i2, i3;
            mx = _mm256_max_ps(_mm256_max_ps(_mm256_andnot_ps(sign, v0), _mm256_andnot_ps(sign, v1)),
                               _mm256_max_ps(_mm256_andnot_ps(sign, v2), _mm256_andnot_ps(sign, v3)));
            m4 = _mm_max_ps(_mm256_extractf128_ps(mx, 1), _mm256_castps256_ps128(mx));
            m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
            m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
            amax = _mm_cvtss_f32(m4);
            d = amax / 127.0f;
            id = amax != 0.0f ? 127.0f / amax : 0.0f;
            mul = _mm256_set1_ps(id);
            i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v0, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v1, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v2, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(v3, mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            if (with_sum) {
                __m256i s = _mm256_add_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3));
                __m128i s4 = _mm_add_epi32(_mm256_castsi256_si128(s), _mm256_extracti128_si256(s, 1));
                s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0x4e));
                s4 = _mm_add_epi32(s4, _mm_shuffle_epi32(s4, 0xb1));
                sum = _mm_cvtsi128_si32(s4);
            }
            i0 = _mm256_packs_epi32(i0, i1);
            i2 = _mm256_packs_epi32(i2, i3);
            i0 = _mm256_packs_epi16(i0, i2);
            i0 = _mm256_permutevar8x32_epi32(i0, _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
            _mm256_storeu_si256((__m256i *)(b + off), i0);
        }
#else
        for (j = 0; j < 32; j++) {
            const float a = fabsf(x[j]);
            amax = amax > a ? amax : a;
        }
        d = amax / 127.0f;
        id = amax != 0.0f ? 127.0f / amax : 0.0f;
        for (j = 0; j < 32; j++) {
            const float v = x[j] * id;
            const int q = fabsf(v) < 4194304.0f ? (int)aieng__rne(v) : aieng__clampi(v, -128, 127);
            const int qc = q < -128 ? -128 : q > 127 ? 127 : q;
            b[off + j] = (uint8_t)(int8_t)qc;
            sum += qc;
        }
#endif
        (void)j;
        aieng__f2h(b, d);
        if (with_sum) aieng__f2h(b + 2, d * (float)sum);
    }
}

#if defined(AIENG_AVX2)
/* ggml's quantize_row_q8_K_ref with AVX2, identical bytes (blocks with NaN go
   through the scalar code) */
static void aieng__act_q8_k(const float *x, uint8_t *b, int64_t nb) {
    const __m256 sign = _mm256_set1_ps(-0.0f);
    int64_t i;
    for (i = 0; i < nb; i++, x += 256, b += 292) {
        __m256 mx = _mm256_setzero_ps(), nan = _mm256_setzero_ps(), mul;
        __m128 m4;
        float amax, m, iscale;
        int j, first = -1;
        for (j = 0; j < 256; j += 8) {
            const __m256 v = _mm256_loadu_ps(x + j);
            mx = _mm256_max_ps(mx, _mm256_andnot_ps(sign, v));
            nan = _mm256_or_ps(nan, _mm256_cmp_ps(v, v, _CMP_UNORD_Q));
        }
        m4 = _mm_max_ps(_mm256_extractf128_ps(mx, 1), _mm256_castps256_ps128(mx));
        m4 = _mm_max_ps(m4, _mm_movehl_ps(m4, m4));
        m4 = _mm_max_ss(m4, _mm_movehdup_ps(m4));
        amax = _mm_cvtss_f32(m4);
        if (amax == 0.0f && !_mm256_movemask_ps(nan)) { memset(b, 0, 292); continue; }
        for (j = 0; j < 256 && first < 0; j += 8) {
            const int msk = _mm256_movemask_ps(_mm256_cmp_ps(_mm256_andnot_ps(sign, _mm256_loadu_ps(x + j)), _mm256_set1_ps(amax), _CMP_EQ_OQ));
            if (msk) { int k = 0; while (!(msk & (1 << k))) k++; first = j + k; }
        }
        if (first < 0 || _mm256_movemask_ps(nan) || !(amax <= FLT_MAX)) { aieng__q_q8_k(x, b, 1); continue; }
        m = x[first];
        iscale = -127.0f / m;
        mul = _mm256_set1_ps(iscale);
        for (j = 0; j < 256; j += 32) {
            __m256i i0 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + j), mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            __m256i i1 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + j + 8), mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            __m256i i2 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + j + 16), mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            __m256i i3 = _mm256_cvtps_epi32(_mm256_round_ps(_mm256_mul_ps(_mm256_loadu_ps(x + j + 24), mul), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC));
            __m256i h;
            const __m256i lim = _mm256_set1_epi32(127);
            i0 = _mm256_min_epi32(i0, lim); i1 = _mm256_min_epi32(i1, lim);
            i2 = _mm256_min_epi32(i2, lim); i3 = _mm256_min_epi32(i3, lim);
            h = _mm256_hadd_epi32(_mm256_add_epi32(i0, i1), _mm256_add_epi32(i2, i3));
            h = _mm256_hadd_epi32(h, h);
            aieng__st16(b + 260 + 2 * (j / 16), (uint16_t)(int16_t)(_mm256_extract_epi32(h, 0) + _mm256_extract_epi32(h, 4)));
            aieng__st16(b + 260 + 2 * (j / 16 + 1), (uint16_t)(int16_t)(_mm256_extract_epi32(h, 1) + _mm256_extract_epi32(h, 5)));
            i0 = _mm256_packs_epi32(i0, i1);
            i2 = _mm256_packs_epi32(i2, i3);
            i0 = _mm256_permutevar8x32_epi32(_mm256_packs_epi16(i0, i2), _mm256_setr_epi32(0, 4, 1, 5, 2, 6, 3, 7));
            _mm256_storeu_si256((__m256i *)(b + 4 + j), i0);
        }
        aieng__stf(b, 1 / iscale);
    }
}
#else
static void aieng__act_q8_k(const float *x, uint8_t *b, int64_t nb) { aieng__q_q8_k(x, b, nb); }
#endif

AIENG_API aieng_result aieng_quant_quantize_act(int type, const float *x, void *dst, int64_t n) {
    const aieng__qtraits *t = aieng__qt(type);
    uint8_t *b = (uint8_t *)dst;
    aieng_result r = aieng__qcheck(t, type, n, "quantize_act");
    if (r != AIENG_OK) return r;
    if (n > 0 && (!x || !dst)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_quantize_act: NULL pointer");
    switch (type) {
    case AIENG_QUANT_Q8_0: aieng__act_q8(x, b, n / 32, 0); return AIENG_OK;
    case AIENG_QUANT_Q8_1: aieng__act_q8(x, b, n / 32, 1); return AIENG_OK;
    case AIENG_QUANT_Q8_K: aieng__act_q8_k(x, b, n / 256); return AIENG_OK;
    case AIENG_QUANT_F16: aieng_f32_to_f16_row((uint16_t *)dst, x, n); return AIENG_OK;
    case AIENG_QUANT_BF16: aieng_f32_to_bf16_row((uint16_t *)dst, x, n); return AIENG_OK;
    default: return aieng__quantize_rows(type, x, b, n, "quantize_act");
    }
}

/* ---------------------------------------------------------------- scalar dot products */
/* w: weight row, a: activation row in the paired type, nb blocks. Each block's
   integer sum is exact; the float formula per block is ggml's generic one. */
AIENG__QS float aieng__dot_q4_0_s(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int j;
    for (i = 0; i < nb; i++, w += 18, a += 34) {
        int sumi = 0;
        for (j = 0; j < 16; j++)
            sumi += ((w[2 + j] & 15) - 8) * (int8_t)a[2 + j] + ((w[2 + j] >> 4) - 8) * (int8_t)a[18 + j];
        sumf += (float)sumi * aieng__h2f(w) * aieng__h2f(a);
    }
    return sumf;
}
AIENG__QS float aieng__dot_q4_1_s(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int j;
    for (i = 0; i < nb; i++, w += 20, a += 36) {
        int sumi = 0;
        for (j = 0; j < 16; j++) sumi += (w[4 + j] & 15) * (int8_t)a[4 + j] + (w[4 + j] >> 4) * (int8_t)a[20 + j];
        sumf += (aieng__h2f(w) * aieng__h2f(a)) * (float)sumi + aieng__h2f(w + 2) * aieng__h2f(a + 2);
    }
    return sumf;
}
AIENG__QS float aieng__dot_q5_0_s(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int j;
    for (i = 0; i < nb; i++, w += 22, a += 34) {
        const uint32_t qh = aieng__ld32(w + 2);
        int sumi = 0;
        for (j = 0; j < 16; j++) {
            const int v0 = ((w[6 + j] & 15) | (int)(((qh >> j) & 1u) << 4)) - 16;
            const int v1 = ((w[6 + j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4)) - 16;
            sumi += v0 * (int8_t)a[2 + j] + v1 * (int8_t)a[18 + j];
        }
        sumf += (aieng__h2f(w) * aieng__h2f(a)) * (float)sumi;
    }
    return sumf;
}
AIENG__QS float aieng__dot_q5_1_s(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int j;
    for (i = 0; i < nb; i++, w += 24, a += 36) {
        const uint32_t qh = aieng__ld32(w + 4);
        int sumi = 0;
        for (j = 0; j < 16; j++) {
            const int v0 = (w[8 + j] & 15) | (int)(((qh >> j) & 1u) << 4);
            const int v1 = (w[8 + j] >> 4) | (int)(((qh >> (j + 16)) & 1u) << 4);
            sumi += v0 * (int8_t)a[4 + j] + v1 * (int8_t)a[20 + j];
        }
        sumf += (aieng__h2f(w) * aieng__h2f(a)) * (float)sumi + aieng__h2f(w + 2) * aieng__h2f(a + 2);
    }
    return sumf;
}
AIENG__QS float aieng__dot_q8_0_s(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int j;
    for (i = 0; i < nb; i++, w += 34, a += 34) {
        int sumi = 0;
        for (j = 0; j < 32; j++) sumi += (int8_t)w[2 + j] * (int8_t)a[2 + j];
        sumf += (float)sumi * (aieng__h2f(w) * aieng__h2f(a));
    }
    return sumf;
}
AIENG__QS float aieng__dot_mxfp4_s(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int j;
    for (i = 0; i < nb; i++, w += 17, a += 34) {
        const float d = aieng__h2f(a) * aieng__e8m0_half(w[0]);
        int sumi = 0;
        for (j = 0; j < 16; j++)
            sumi += (int8_t)a[2 + j] * aieng__kv_mxfp4[w[1 + j] & 15] + (int8_t)a[18 + j] * aieng__kv_mxfp4[w[1 + j] >> 4];
        sumf += d * (float)sumi;
    }
    return sumf;
}
static int aieng__ld_bsum(const uint8_t *a, int j) { return (int16_t)aieng__ld16(a + 260 + 2 * j); }
AIENG__QS float aieng__dot_q2_k_s(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int h, s, l, j;
    for (i = 0; i < nb; i++, w += 84, a += 292) {
        const int8_t *q8 = (const int8_t *)(a + 4);
        const float yd = aieng__ldf(a);
        int summs = 0, isum = 0;
        for (j = 0; j < 16; j++) summs += aieng__ld_bsum(a, j) * (w[j] >> 4);
        for (h = 0; h < 2; h++)
            for (s = 0; s < 4; s++)
                for (l = 0; l < 32; l += 16) {
                    int isuml = 0, k;
                    for (k = 0; k < 16; k++) isuml += q8[128 * h + 32 * s + l + k] * ((w[16 + 32 * h + l + k] >> (2 * s)) & 3);
                    isum += (w[8 * h + 2 * s + l / 16] & 15) * isuml;
                }
        sumf += (yd * aieng__h2f(w + 80)) * (float)isum - (yd * aieng__h2f(w + 82)) * (float)summs;
    }
    return sumf;
}
AIENG__QS float aieng__dot_q3_k_s(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int h, s, l, sc[16];
    for (i = 0; i < nb; i++, w += 110, a += 292) {
        const int8_t *q8 = (const int8_t *)(a + 4);
        int isum = 0;
        aieng__q3k_scales(w + 96, sc);
        for (h = 0; h < 2; h++)
            for (s = 0; s < 4; s++)
                for (l = 0; l < 32; l += 16) {
                    int isuml = 0, k;
                    for (k = 0; k < 16; k++) {
                        int q = (w[32 + 32 * h + l + k] >> (2 * s)) & 3;
                        if (!(w[l + k] & (1 << (4 * h + s)))) q -= 4;
                        isuml += q8[128 * h + 32 * s + l + k] * q;
                    }
                    isum += sc[8 * h + 2 * s + l / 16] * isuml;
                }
        sumf += (aieng__h2f(w + 108) * aieng__ldf(a)) * (float)isum;
    }
    return sumf;
}
AIENG__QS float aieng__dot_q45_k_s(const uint8_t *w, const uint8_t *a, int64_t nb, int five) {
    float sumf = 0;
    const int bsz = five ? 176 : 144;
    int64_t i; int c, l, j, sc, mn;
    for (i = 0; i < nb; i++, w += bsz, a += 292) {
        const int8_t *q8 = (const int8_t *)(a + 4);
        const uint8_t *qs = w + (five ? 48 : 16), *qh = w + 16;
        const float yd = aieng__ldf(a);
        int isum = 0, summs = 0;
        for (j = 0; j < 16; j++) {
            aieng__scale_min_k4(j / 2, w + 4, &sc, &mn);
            summs += aieng__ld_bsum(a, j) * mn;
        }
        for (c = 0; c < 4; c++) {
            int s0 = 0, s1 = 0, sc1, mn1;
            for (l = 0; l < 32; l++) {
                int lo = qs[32 * c + l] & 15, hi = qs[32 * c + l] >> 4;
                if (five) { lo += ((qh[l] >> (2 * c)) & 1) << 4; hi += ((qh[l] >> (2 * c + 1)) & 1) << 4; }
                s0 += lo * q8[64 * c + l];
                s1 += hi * q8[64 * c + 32 + l];
            }
            aieng__scale_min_k4(2 * c, w + 4, &sc, &mn);
            aieng__scale_min_k4(2 * c + 1, w + 4, &sc1, &mn1);
            isum += sc * s0 + sc1 * s1;
        }
        sumf += (aieng__h2f(w) * yd) * (float)isum - (aieng__h2f(w + 2) * yd) * (float)summs;
    }
    return sumf;
}
AIENG__QS float aieng__dot_q6_k_s(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int h, l;
    for (i = 0; i < nb; i++, w += 210, a += 292) {
        const int8_t *q8 = (const int8_t *)(a + 4);
        const int8_t *sc = (const int8_t *)(w + 192);
        int isum = 0, sub[16];
        memset(sub, 0, sizeof sub);
        for (h = 0; h < 2; h++) {
            const uint8_t *ql = w + 64 * h, *qh = w + 128 + 32 * h;
            for (l = 0; l < 32; l++) {
                const int is = 8 * h + l / 16;
                const int q1 = ((ql[l] & 15) | (((qh[l] >> 0) & 3) << 4)) - 32;
                const int q2 = ((ql[l + 32] & 15) | (((qh[l] >> 2) & 3) << 4)) - 32;
                const int q3 = ((ql[l] >> 4) | (((qh[l] >> 4) & 3) << 4)) - 32;
                const int q4 = ((ql[l + 32] >> 4) | (((qh[l] >> 6) & 3) << 4)) - 32;
                sub[is] += q1 * q8[128 * h + l];
                sub[is + 2] += q2 * q8[128 * h + l + 32];
                sub[is + 4] += q3 * q8[128 * h + l + 64];
                sub[is + 6] += q4 * q8[128 * h + l + 96];
            }
        }
        for (l = 0; l < 16; l++) isum += sc[l] * sub[l];
        sumf += (aieng__h2f(w + 208) * aieng__ldf(a)) * (float)isum;
    }
    return sumf;
}
AIENG__QS float aieng__dot_f16_s(const uint8_t *w, const uint8_t *a, int64_t n) {
    float s = 0;
    int64_t i;
    for (i = 0; i < n; i++) s += aieng__h2f(w + 2 * i) * aieng__h2f(a + 2 * i);
    return s;
}
AIENG__QS float aieng__dot_bf16_s(const uint8_t *w, const uint8_t *a, int64_t n) {
    float s = 0;
    int64_t i;
    for (i = 0; i < n; i++) s += aieng_bf16_to_f32(aieng__ld16(w + 2 * i)) * aieng_bf16_to_f32(aieng__ld16(a + 2 * i));
    return s;
}
AIENG__QS float aieng__dot_nf4_s(const uint8_t *w, const float *a, int64_t nb) {
    float sumf = 0;
    int64_t i; int j;
    for (i = 0; i < nb; i++, w += 34, a += 64) {
        float s = 0;
        for (j = 0; j < 32; j++) s += aieng__nf4[w[2 + j] & 15] * a[j] + aieng__nf4[w[2 + j] >> 4] * a[j + 32];
        sumf += s * aieng__h2f(w);
    }
    return sumf;
}

/* ---------------------------------------------------------------- int8 vectors (scalar) */
AIENG__QS int64_t aieng__i8_dot_s(const int8_t *a, const int8_t *b, int64_t n) {
    int64_t s = 0, i;
    for (i = 0; i < n; i++) s += a[i] * b[i];
    return s;
}
AIENG__QS int64_t aieng__i8_l2sq_s(const int8_t *a, const int8_t *b, int64_t n) {
    int64_t s = 0, i;
    for (i = 0; i < n; i++) { const int d = a[i] - b[i]; s += d * d; }
    return s;
}

/* ---------------------------------------------------------------- AVX2 / AVX-512 VNNI kernels */
#if defined(AIENG_AVX2)
/* Σ over groups of 4 of u8·s8 into 8 int32 lanes (a must be <= 127 per byte
   without VNNI, where pairs go through a saturating int16 step). */
static __m256i aieng__dpbusd(__m256i acc, __m256i a_u8, __m256i b_s8) {
#if defined(AIENG__QVNNI512)
    return _mm256_dpbusd_epi32(acc, a_u8, b_s8);
#elif defined(__AVXVNNI__)
    return _mm256_dpbusd_avx_epi32(acc, a_u8, b_s8);
#else
    return _mm256_add_epi32(acc, _mm256_madd_epi16(_mm256_maddubs_epi16(a_u8, b_s8), _mm256_set1_epi16(1)));
#endif
}
static float aieng__hsum8(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
static int aieng__hsum8i(__m256i v) {
    __m128i s = _mm_add_epi32(_mm256_castsi256_si128(v), _mm256_extracti128_si256(v, 1));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0x4e));
    s = _mm_add_epi32(s, _mm_shuffle_epi32(s, 0xb1));
    return _mm_cvtsi128_si32(s);
}
/* 16 bytes of nibbles -> 32 bytes: low nibbles (values 0..15) then high nibbles (16..31) */
static __m256i aieng__nibbles32(const uint8_t *p) {
    const __m128i t = _mm_loadu_si128((const __m128i *)p);
    const __m256i v = _mm256_inserti128_si256(_mm256_zextsi128_si256(t), _mm_srli_epi16(t, 4), 1);
    return _mm256_and_si256(v, _mm256_set1_epi8(15));
}
/* 32 bits -> 32 bytes: 0x10 where the bit is set (Q5_0/Q5_1's fifth bit) */
static __m256i aieng__bits32_x10(const uint8_t *p) {
    const __m256i shuf = _mm256_set_epi64x(0x0303030303030303LL, 0x0202020202020202LL, 0x0101010101010101LL, 0);
    const __m256i sel = _mm256_set1_epi64x(0x8040201008040201LL);
    __m256i v = _mm256_shuffle_epi8(_mm256_set1_epi32((int)aieng__ld32(p)), shuf);
    v = _mm256_cmpeq_epi8(_mm256_and_si256(v, sel), sel);
    return _mm256_and_si256(v, _mm256_set1_epi8(0x10));
}
static __m256 aieng__set1_h2(const uint8_t *w, const uint8_t *a) { return _mm256_set1_ps(aieng__h2f(w) * aieng__h2f(a)); }

/* One block each: acc + d·(integer block sums). Σ (u - off)·y for u in 0..31
   unsigned bytes is dpbusd(u, y) - dpbusd(off, y). */
static __m256 aieng__blk_q4_0(__m256 acc, const uint8_t *w, const uint8_t *a) {
    const __m256i qy = _mm256_loadu_si256((const __m256i *)(a + 2));
    __m256i p = aieng__dpbusd(_mm256_setzero_si256(), aieng__nibbles32(w + 2), qy);
    p = _mm256_sub_epi32(p, aieng__dpbusd(_mm256_setzero_si256(), _mm256_set1_epi8(8), qy));
    return _mm256_fmadd_ps(aieng__set1_h2(w, a), _mm256_cvtepi32_ps(p), acc);
}
static __m256 aieng__blk_q4_1(__m256 acc, const uint8_t *w, const uint8_t *a) {
    const __m256i p = aieng__dpbusd(_mm256_setzero_si256(), aieng__nibbles32(w + 4), _mm256_loadu_si256((const __m256i *)(a + 4)));
    return _mm256_fmadd_ps(aieng__set1_h2(w, a), _mm256_cvtepi32_ps(p), acc);
}
static __m256 aieng__blk_q5_0(__m256 acc, const uint8_t *w, const uint8_t *a) {
    const __m256i qy = _mm256_loadu_si256((const __m256i *)(a + 2));
    const __m256i qx = _mm256_or_si256(aieng__nibbles32(w + 6), aieng__bits32_x10(w + 2));
    __m256i p = aieng__dpbusd(_mm256_setzero_si256(), qx, qy);
    p = _mm256_sub_epi32(p, aieng__dpbusd(_mm256_setzero_si256(), _mm256_set1_epi8(16), qy));
    return _mm256_fmadd_ps(aieng__set1_h2(w, a), _mm256_cvtepi32_ps(p), acc);
}
static __m256 aieng__blk_q5_1(__m256 acc, const uint8_t *w, const uint8_t *a) {
    const __m256i qx = _mm256_or_si256(aieng__nibbles32(w + 8), aieng__bits32_x10(w + 4));
    const __m256i p = aieng__dpbusd(_mm256_setzero_si256(), qx, _mm256_loadu_si256((const __m256i *)(a + 4)));
    return _mm256_fmadd_ps(aieng__set1_h2(w, a), _mm256_cvtepi32_ps(p), acc);
}
/* s8·s8: |x| as u8 against y with x's sign */
static __m256i aieng__dot_s8_32(__m256i acc, __m256i x, __m256i y) {
    return aieng__dpbusd(acc, _mm256_sign_epi8(x, x), _mm256_sign_epi8(y, x));
}
static __m256 aieng__blk_q8_0(__m256 acc, const uint8_t *w, const uint8_t *a) {
    const __m256i p = aieng__dot_s8_32(_mm256_setzero_si256(), _mm256_loadu_si256((const __m256i *)(w + 2)),
                                       _mm256_loadu_si256((const __m256i *)(a + 2)));
    return _mm256_fmadd_ps(aieng__set1_h2(w, a), _mm256_cvtepi32_ps(p), acc);
}
static __m256 aieng__blk_mxfp4(__m256 acc, const uint8_t *w, const uint8_t *a) {
    const __m256i lut = _mm256_broadcastsi128_si256(_mm_loadu_si128((const __m128i *)aieng__kv_mxfp4));
    const __m256i qx = _mm256_shuffle_epi8(lut, aieng__nibbles32(w + 1));
    const __m256i p = aieng__dot_s8_32(_mm256_setzero_si256(), qx, _mm256_loadu_si256((const __m256i *)(a + 2)));
    return _mm256_fmadd_ps(_mm256_set1_ps(aieng__h2f(a) * aieng__e8m0_half(w[0])), _mm256_cvtepi32_ps(p), acc);
}
#ifndef AIENG_QUANT_PF_DIST
#define AIENG_QUANT_PF_DIST 16384 /* bytes ahead of the four row streams (tuned on the dev VM) */
#endif
#ifndef AIENG_QUANT_PF_HINT
#define AIENG_QUANT_PF_HINT _MM_HINT_T0
#endif
#define AIENG__PF(p) _mm_prefetch((const char *)(p) + AIENG_QUANT_PF_DIST, AIENG_QUANT_PF_HINT)
/* One row: blocks in order into one accumulator. Four rows (w, w + ws, ...):
   the same order per row, so results are bit-identical to the one-row form. */
#define AIENG__DOT32_AVX2(NAME, BLK, WB, AB)                                                   \
    AIENG__QS float NAME(const uint8_t *w, const uint8_t *a, int64_t nb) {                     \
        __m256 c0 = _mm256_setzero_ps();                                                       \
        int64_t i;                                                                             \
        for (i = 0; i < nb; i++, w += (WB), a += (AB)) c0 = BLK(c0, w, a);                     \
        return aieng__hsum8(c0);                                                               \
    }                                                                                          \
    AIENG__QS void NAME##4(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out) { \
        __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;                            \
        int64_t i;                                                                             \
        for (i = 0; i < nb; i++, w += (WB), a += (AB)) {                                       \
            AIENG__PF(w); AIENG__PF(w + ws); AIENG__PF(w + 2 * ws); AIENG__PF(w + 3 * ws);    \
            c0 = BLK(c0, w, a);                                                                \
            c1 = BLK(c1, w + ws, a);                                                           \
            c2 = BLK(c2, w + 2 * ws, a);                                                       \
            c3 = BLK(c3, w + 3 * ws, a);                                                       \
        }                                                                                      \
        out[0] = aieng__hsum8(c0); out[1] = aieng__hsum8(c1);                                  \
        out[2] = aieng__hsum8(c2); out[3] = aieng__hsum8(c3);                                  \
    }
AIENG__DOT32_AVX2(aieng__dot_q4_0_avx2, aieng__blk_q4_0, 18, 34)
AIENG__DOT32_AVX2(aieng__dot_q5_0_avx2, aieng__blk_q5_0, 22, 34)
AIENG__DOT32_AVX2(aieng__dot_q8_0_avx2, aieng__blk_q8_0, 34, 34)
AIENG__DOT32_AVX2(aieng__dot_mxfp4_avx2, aieng__blk_mxfp4, 17, 34)
AIENG__DOT32_AVX2(aieng__dot_q4_1_avx2_d, aieng__blk_q4_1, 20, 36)
AIENG__DOT32_AVX2(aieng__dot_q5_1_avx2_d, aieng__blk_q5_1, 24, 36)
/* Q4_1/Q5_1: + Σ m·s over the blocks */
static float aieng__sum_ms(const uint8_t *w, const uint8_t *a, int64_t nb, int wb) {
    float s = 0;
    int64_t i;
    for (i = 0; i < nb; i++, w += wb, a += 36) s += aieng__h2f(w + 2) * aieng__h2f(a + 2);
    return s;
}
AIENG__QS float aieng__dot_q4_1_avx2(const uint8_t *w, const uint8_t *a, int64_t nb) {
    return aieng__dot_q4_1_avx2_d(w, a, nb) + aieng__sum_ms(w, a, nb, 20);
}
AIENG__QS float aieng__dot_q5_1_avx2(const uint8_t *w, const uint8_t *a, int64_t nb) {
    return aieng__dot_q5_1_avx2_d(w, a, nb) + aieng__sum_ms(w, a, nb, 24);
}
AIENG__QS void aieng__dot_q41_avx24(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out, int wb) {
    int r;
    if (wb == 20) aieng__dot_q4_1_avx2_d4(w, ws, a, nb, out);
    else aieng__dot_q5_1_avx2_d4(w, ws, a, nb, out);
    for (r = 0; r < 4; r++) out[r] += aieng__sum_ms(w + (size_t)r * ws, a, nb, wb);
}
/* Q4_K/Q5_K: the 12 scale bytes -> 8 scales (bytes 0..7) and 8 mins (8..15), little endian */
static void aieng__k4_unpack(const uint8_t *s, uint32_t u[4]) {
    uint32_t t;
    memcpy(u, s, 12);
    u[3] = ((u[2] >> 4) & 0x0f0f0f0fu) | (((u[1] >> 6) & 0x03030303u) << 4);
    t = u[1] & 0x3f3f3f3fu;
    u[1] = (u[2] & 0x0f0f0f0fu) | (((u[0] >> 6) & 0x03030303u) << 4);
    u[2] = t;
    u[0] &= 0x3f3f3f3fu;
}
/* Σ_j bsums[2j..2j+1]·mins[j] of a Q8_K block against 8 unsigned mins, as 4 int32 */
static __m128i aieng__bsum_mins(const uint8_t *a, const uint8_t *mins8) {
    const __m256i bs = _mm256_loadu_si256((const __m256i *)(a + 260));
    const __m128i pairs = _mm_hadd_epi16(_mm256_castsi256_si128(bs), _mm256_extracti128_si256(bs, 1));
    return _mm_madd_epi16(pairs, _mm_cvtepu8_epi16(_mm_loadl_epi64((const __m128i *)mins8)));
}
static __m256 aieng__blk_q45_k(__m256 acc, __m128 *accm, const uint8_t *w, const uint8_t *a, int five) {
    const __m256i m4 = _mm256_set1_epi8(15), one = _mm256_set1_epi8(1);
    uint32_t u[4];
    const uint8_t *sc = (const uint8_t *)u, *qs = w + (five ? 48 : 16);
    const float yd = aieng__ldf(a);
    __m256i isum = _mm256_setzero_si256(), hb = _mm256_setzero_si256();
    int c;
    aieng__k4_unpack(w + 4, u);
    *accm = _mm_fmadd_ps(_mm_set1_ps(aieng__h2f(w + 2) * yd), _mm_cvtepi32_ps(aieng__bsum_mins(a, sc + 8)), *accm);
    if (five) hb = _mm256_loadu_si256((const __m256i *)(w + 16));
    for (c = 0; c < 4; c++) {
        const __m256i q = _mm256_loadu_si256((const __m256i *)(qs + 32 * c));
        __m256i lo = _mm256_and_si256(q, m4), hi = _mm256_and_si256(_mm256_srli_epi16(q, 4), m4);
        __m256i p0, p1;
        if (five) {
            lo = _mm256_or_si256(lo, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2 * c), one), 4));
            hi = _mm256_or_si256(hi, _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(hb, 2 * c + 1), one), 4));
        }
        p0 = _mm256_maddubs_epi16(lo, _mm256_loadu_si256((const __m256i *)(a + 4 + 64 * c)));
        p1 = _mm256_maddubs_epi16(hi, _mm256_loadu_si256((const __m256i *)(a + 4 + 64 * c + 32)));
        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p0, _mm256_set1_epi16(sc[2 * c])));
        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p1, _mm256_set1_epi16(sc[2 * c + 1])));
    }
    return _mm256_fmadd_ps(_mm256_set1_ps(aieng__h2f(w) * yd), _mm256_cvtepi32_ps(isum), acc);
}
static float aieng__k_final(__m256 acc, __m128 accm) {
    __m128 m = _mm_add_ps(accm, _mm_movehl_ps(accm, accm));
    m = _mm_add_ss(m, _mm_movehdup_ps(m));
    return aieng__hsum8(acc) - _mm_cvtss_f32(m);
}
static float aieng__dot_q45_k_avx2(const uint8_t *w, const uint8_t *a, int64_t nb, int five) {
    __m256 acc = _mm256_setzero_ps();
    __m128 accm = _mm_setzero_ps();
    const int bsz = five ? 176 : 144;
    int64_t i;
    for (i = 0; i < nb; i++, w += bsz, a += 292) acc = aieng__blk_q45_k(acc, &accm, w, a, five);
    return aieng__k_final(acc, accm);
}
AIENG__QS void aieng__dot_q45_k_avx24(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out, int five) {
    __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
    __m128 m0 = _mm_setzero_ps(), m1 = m0, m2 = m0, m3 = m0;
    const int bsz = five ? 176 : 144;
    int64_t i;
    for (i = 0; i < nb; i++, w += bsz, a += 292) {
        int o;
        for (o = 0; o < bsz; o += 64) { AIENG__PF(w + o); AIENG__PF(w + ws + o); AIENG__PF(w + 2 * ws + o); AIENG__PF(w + 3 * ws + o); }
        c0 = aieng__blk_q45_k(c0, &m0, w, a, five);
        c1 = aieng__blk_q45_k(c1, &m1, w + ws, a, five);
        c2 = aieng__blk_q45_k(c2, &m2, w + 2 * ws, a, five);
        c3 = aieng__blk_q45_k(c3, &m3, w + 3 * ws, a, five);
    }
    out[0] = aieng__k_final(c0, m0); out[1] = aieng__k_final(c1, m1);
    out[2] = aieng__k_final(c2, m2); out[3] = aieng__k_final(c3, m3);
}
AIENG__QS float aieng__dot_q4_k_avx2(const uint8_t *w, const uint8_t *a, int64_t nb) { return aieng__dot_q45_k_avx2(w, a, nb, 0); }
AIENG__QS float aieng__dot_q5_k_avx2(const uint8_t *w, const uint8_t *a, int64_t nb) { return aieng__dot_q45_k_avx2(w, a, nb, 1); }
static __m256i aieng__sc_pair(int s0, int s1) { return _mm256_setr_m128i(_mm_set1_epi16((short)s0), _mm_set1_epi16((short)s1)); }
static __m256 aieng__blk_q6_k(__m256 acc, const uint8_t *w, const uint8_t *a) {
    const __m256i m4 = _mm256_set1_epi8(15), m3 = _mm256_set1_epi8(3);
    const int8_t *sc = (const int8_t *)(w + 192);
    const __m256i sc16 = _mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)sc));
    /* Σ sc·(q-32)·y = Σ sc·q·y - 32·Σ sc·bsum */
    __m256i isum = _mm256_sub_epi32(_mm256_setzero_si256(),
                                    _mm256_slli_epi32(_mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(a + 260)), sc16), 5));
    int h;
    for (h = 0; h < 2; h++) {
        const uint8_t *ql = w + 64 * h, *y = a + 4 + 128 * h;
        const int8_t *s = sc + 8 * h;
        const __m256i l0 = _mm256_loadu_si256((const __m256i *)ql), l1 = _mm256_loadu_si256((const __m256i *)(ql + 32));
        const __m256i qh = _mm256_loadu_si256((const __m256i *)(w + 128 + 32 * h));
        const __m256i q1 = _mm256_or_si256(_mm256_and_si256(l0, m4), _mm256_slli_epi16(_mm256_and_si256(qh, m3), 4));
        const __m256i q2 = _mm256_or_si256(_mm256_and_si256(l1, m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 2), m3), 4));
        const __m256i q3 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l0, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 4), m3), 4));
        const __m256i q4 = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(l1, 4), m4), _mm256_slli_epi16(_mm256_and_si256(_mm256_srli_epi16(qh, 6), m3), 4));
        const __m256i p1 = _mm256_maddubs_epi16(q1, _mm256_loadu_si256((const __m256i *)y));
        const __m256i p2 = _mm256_maddubs_epi16(q2, _mm256_loadu_si256((const __m256i *)(y + 32)));
        const __m256i p3 = _mm256_maddubs_epi16(q3, _mm256_loadu_si256((const __m256i *)(y + 64)));
        const __m256i p4 = _mm256_maddubs_epi16(q4, _mm256_loadu_si256((const __m256i *)(y + 96)));
        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p1, aieng__sc_pair(s[0], s[1])));
        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p2, aieng__sc_pair(s[2], s[3])));
        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p3, aieng__sc_pair(s[4], s[5])));
        isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p4, aieng__sc_pair(s[6], s[7])));
    }
    return _mm256_fmadd_ps(_mm256_set1_ps(aieng__h2f(w + 208) * aieng__ldf(a)), _mm256_cvtepi32_ps(isum), acc);
}
AIENG__QS float aieng__dot_q6_k_avx2(const uint8_t *w, const uint8_t *a, int64_t nb) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i;
    for (i = 0; i < nb; i++, w += 210, a += 292) acc = aieng__blk_q6_k(acc, w, a);
    return aieng__hsum8(acc);
}
AIENG__QS void aieng__dot_q6_k_avx24(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out) {
    __m256 c0 = _mm256_setzero_ps(), c1 = c0, c2 = c0, c3 = c0;
    int64_t i;
    for (i = 0; i < nb; i++, w += 210, a += 292) {
        int o;
        for (o = 0; o < 210; o += 64) { AIENG__PF(w + o); AIENG__PF(w + ws + o); AIENG__PF(w + 2 * ws + o); AIENG__PF(w + 3 * ws + o); }
        c0 = aieng__blk_q6_k(c0, w, a);
        c1 = aieng__blk_q6_k(c1, w + ws, a);
        c2 = aieng__blk_q6_k(c2, w + 2 * ws, a);
        c3 = aieng__blk_q6_k(c3, w + 3 * ws, a);
    }
    out[0] = aieng__hsum8(c0); out[1] = aieng__hsum8(c1); out[2] = aieng__hsum8(c2); out[3] = aieng__hsum8(c3);
}
static __m256 aieng__blk_q2_k(__m256 acc, __m256 *accm, const uint8_t *w, const uint8_t *a) {
    const __m256i m3 = _mm256_set1_epi8(3);
    const __m128i s8 = _mm_loadu_si128((const __m128i *)w);
    const __m256i mins = _mm256_cvtepu8_epi16(_mm_and_si128(_mm_srli_epi16(s8, 4), _mm_set1_epi8(15)));
    const float yd = aieng__ldf(a);
    __m256i isum = _mm256_setzero_si256();
    int h, s;
    *accm = _mm256_fmadd_ps(_mm256_set1_ps(yd * aieng__h2f(w + 82)),
                            _mm256_cvtepi32_ps(_mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(a + 260)), mins)), *accm);
    for (h = 0; h < 2; h++) {
        const __m256i q = _mm256_loadu_si256((const __m256i *)(w + 16 + 32 * h));
        for (s = 0; s < 4; s++) {
            const __m256i qv = _mm256_and_si256(_mm256_srli_epi16(q, 2 * s), m3);
            const __m256i p = _mm256_maddubs_epi16(qv, _mm256_loadu_si256((const __m256i *)(a + 4 + 128 * h + 32 * s)));
            const int j = 8 * h + 2 * s;
            isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p, aieng__sc_pair(w[j] & 15, w[j + 1] & 15)));
        }
    }
    return _mm256_fmadd_ps(_mm256_set1_ps(yd * aieng__h2f(w + 80)), _mm256_cvtepi32_ps(isum), acc);
}
AIENG__QS float aieng__dot_q2_k_avx2(const uint8_t *w, const uint8_t *a, int64_t nb) {
    __m256 acc = _mm256_setzero_ps(), accm = _mm256_setzero_ps();
    int64_t i;
    for (i = 0; i < nb; i++, w += 84, a += 292) acc = aieng__blk_q2_k(acc, &accm, w, a);
    return aieng__hsum8(_mm256_sub_ps(acc, accm));
}
AIENG__QS void aieng__dot_q2_k_avx24(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out) {
    __m256 c[4], m[4];
    int64_t i;
    int r;
    for (r = 0; r < 4; r++) c[r] = m[r] = _mm256_setzero_ps();
    for (i = 0; i < nb; i++, w += 84, a += 292)
        for (r = 0; r < 4; r++) {
            AIENG__PF(w + (size_t)r * ws); AIENG__PF(w + (size_t)r * ws + 64);
            c[r] = aieng__blk_q2_k(c[r], &m[r], w + (size_t)r * ws, a);
        }
    for (r = 0; r < 4; r++) out[r] = aieng__hsum8(_mm256_sub_ps(c[r], m[r]));
}
static __m256 aieng__blk_q3_k(__m256 acc, const uint8_t *w, const uint8_t *a) {
    const __m256i m3 = _mm256_set1_epi8(3), one = _mm256_set1_epi8(1);
    {
        uint32_t u[4], t;
        const int8_t *sc = (const int8_t *)u;
        const __m256i hm = _mm256_loadu_si256((const __m256i *)w);
        __m256i isum;
        int h, s;
        /* 16 6-bit scales, little endian (as ggml's dequantize_row_q3_K) */
        memcpy(u, w + 96, 12);
        t = u[2];
        u[2] = ((u[0] >> 4) & 0x0f0f0f0fu) | (((t >> 4) & 0x03030303u) << 4);
        u[3] = ((u[1] >> 4) & 0x0f0f0f0fu) | (((t >> 6) & 0x03030303u) << 4);
        u[0] = (u[0] & 0x0f0f0f0fu) | (((t >> 0) & 0x03030303u) << 4);
        u[1] = (u[1] & 0x0f0f0f0fu) | (((t >> 2) & 0x03030303u) << 4);
        /* q3 = (2 bits) + 4·hbit - 4: the -4 is -4·Σ sc·bsum */
        {
            const __m256i sc16 = _mm256_sub_epi16(_mm256_cvtepi8_epi16(_mm_loadu_si128((const __m128i *)u)), _mm256_set1_epi16(32));
            isum = _mm256_sub_epi32(_mm256_setzero_si256(),
                                    _mm256_slli_epi32(_mm256_madd_epi16(_mm256_loadu_si256((const __m256i *)(a + 260)), sc16), 2));
        }
        for (h = 0; h < 2; h++) {
            const __m256i q = _mm256_loadu_si256((const __m256i *)(w + 32 + 32 * h));
            for (s = 0; s < 4; s++) {
                const int bit = 4 * h + s, j = 8 * h + 2 * s;
                const __m256i hbit = _mm256_and_si256(_mm256_srli_epi16(hm, bit), one);
                const __m256i qv = _mm256_or_si256(_mm256_and_si256(_mm256_srli_epi16(q, 2 * s), m3), _mm256_slli_epi16(hbit, 2));
                const __m256i p = _mm256_maddubs_epi16(qv, _mm256_loadu_si256((const __m256i *)(a + 4 + 128 * h + 32 * s)));
                isum = _mm256_add_epi32(isum, _mm256_madd_epi16(p, aieng__sc_pair(sc[j] - 32, sc[j + 1] - 32)));
            }
        }
        return _mm256_fmadd_ps(_mm256_set1_ps(aieng__h2f(w + 108) * aieng__ldf(a)), _mm256_cvtepi32_ps(isum), acc);
    }
}
AIENG__QS float aieng__dot_q3_k_avx2(const uint8_t *w, const uint8_t *a, int64_t nb) {
    __m256 acc = _mm256_setzero_ps();
    int64_t i;
    for (i = 0; i < nb; i++, w += 110, a += 292) acc = aieng__blk_q3_k(acc, w, a);
    return aieng__hsum8(acc);
}
AIENG__QS void aieng__dot_q3_k_avx24(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out) {
    __m256 c[4];
    int64_t i;
    int r;
    for (r = 0; r < 4; r++) c[r] = _mm256_setzero_ps();
    for (i = 0; i < nb; i++, w += 110, a += 292)
        for (r = 0; r < 4; r++) {
            AIENG__PF(w + (size_t)r * ws); AIENG__PF(w + (size_t)r * ws + 64);
            c[r] = aieng__blk_q3_k(c[r], w + (size_t)r * ws, a);
        }
    for (r = 0; r < 4; r++) out[r] = aieng__hsum8(c[r]);
}
/* rows r = 0..R-1 at w + r·ws; per row: two accumulators over 16 values, then a scalar tail */
#define AIENG__HALF_ROWS(NAME, CVT, TOF)                                                                  \
    static void NAME(const uint8_t *w, size_t ws, const uint8_t *a, int64_t n, float *out, int R) {      \
        __m256 s0[4], s1[4];                                                                             \
        int64_t i = 0;                                                                                   \
        int r;                                                                                           \
        for (r = 0; r < R; r++) s0[r] = s1[r] = _mm256_setzero_ps();                                    \
        for (; i + 16 <= n; i += 16) {                                                                   \
            const __m256 y0 = CVT(a + 2 * i), y1 = CVT(a + 2 * i + 16);                                  \
            for (r = 0; r < R; r++) {                                                                    \
                const uint8_t *p = w + (size_t)r * ws + 2 * i;                                           \
                if (R > 1) AIENG__PF(p);                                                                 \
                s0[r] = _mm256_fmadd_ps(CVT(p), y0, s0[r]);                                              \
                s1[r] = _mm256_fmadd_ps(CVT(p + 16), y1, s1[r]);                                         \
            }                                                                                            \
        }                                                                                                \
        for (r = 0; r < R; r++) {                                                                        \
            float s = aieng__hsum8(_mm256_add_ps(s0[r], s1[r]));                                         \
            int64_t k;                                                                                   \
            for (k = i; k < n; k++) s += TOF(w + (size_t)r * ws + 2 * k) * TOF(a + 2 * k);              \
            out[r] = s;                                                                                  \
        }                                                                                                \
    }
static float aieng__bf2f(const uint8_t *p) { return aieng_bf16_to_f32(aieng__ld16(p)); }
#if defined(__F16C__)
static __m256 aieng__f16x8(const uint8_t *p) { return _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)p)); }
AIENG__HALF_ROWS(aieng__f16_rows, aieng__f16x8, aieng__h2f)
AIENG__QS float aieng__dot_f16_avx2(const uint8_t *w, const uint8_t *a, int64_t n) {
    float s;
    aieng__f16_rows(w, 0, a, n, &s, 1);
    return s;
}
#define AIENG__DOT_F16 aieng__dot_f16_avx2
#endif
static __m256 aieng__bf16x8(const uint8_t *p) {
    return _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_cvtepu16_epi32(_mm_loadu_si128((const __m128i *)p)), 16));
}
AIENG__HALF_ROWS(aieng__bf16_rows, aieng__bf16x8, aieng__bf2f)
AIENG__QS float aieng__dot_bf16_avx2(const uint8_t *w, const uint8_t *a, int64_t n) {
    float s;
    aieng__bf16_rows(w, 0, a, n, &s, 1);
    return s;
}
/* Σ a·b (l2 = 0) or Σ (a-b)² (l2 = 1) over int8, widened to int16 pairs */
static int64_t aieng__i8_pairs_avx2(const int8_t *a, const int8_t *b, int64_t n, int l2) {
    int64_t i = 0, s = 0;
    while (i + 32 <= n) {
        /* each int32 lane gains at most 2·2^15 per vector: flush every 4096 vectors */
        __m256i acc = _mm256_setzero_si256();
        const int64_t stop = n - i > 32 * 4096 ? i + 32 * 4096 : n;
        for (; i + 32 <= stop; i += 32) {
            const __m256i x = _mm256_loadu_si256((const __m256i *)(a + i)), y = _mm256_loadu_si256((const __m256i *)(b + i));
            __m256i xa = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(x)), xb = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(x, 1));
            __m256i ya = _mm256_cvtepi8_epi16(_mm256_castsi256_si128(y)), yb = _mm256_cvtepi8_epi16(_mm256_extracti128_si256(y, 1));
            if (l2) { xa = _mm256_sub_epi16(xa, ya); ya = xa; xb = _mm256_sub_epi16(xb, yb); yb = xb; }
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(xa, ya));
            acc = _mm256_add_epi32(acc, _mm256_madd_epi16(xb, yb));
        }
        s += aieng__hsum8i(acc);
    }
    for (; i < n; i++) s += l2 ? (a[i] - b[i]) * (a[i] - b[i]) : a[i] * b[i];
    return s;
}
AIENG__QS int64_t aieng__i8_dot_avx2(const int8_t *a, const int8_t *b, int64_t n) { return aieng__i8_pairs_avx2(a, b, n, 0); }
AIENG__QS int64_t aieng__i8_l2sq_avx2(const int8_t *a, const int8_t *b, int64_t n) { return aieng__i8_pairs_avx2(a, b, n, 1); }
#define AIENG__DOT_BF16 aieng__dot_bf16_avx2
#define AIENG__DOT_Q4_0 aieng__dot_q4_0_avx2
#define AIENG__DOT_Q4_1 aieng__dot_q4_1_avx2
#define AIENG__DOT_Q5_0 aieng__dot_q5_0_avx2
#define AIENG__DOT_Q5_1 aieng__dot_q5_1_avx2
#define AIENG__DOT_Q8_0 aieng__dot_q8_0_avx2
#define AIENG__DOT_MXFP4 aieng__dot_mxfp4_avx2
#define AIENG__DOT_Q2_K aieng__dot_q2_k_avx2
#define AIENG__DOT_Q3_K aieng__dot_q3_k_avx2
#define AIENG__DOT_Q4_K aieng__dot_q4_k_avx2
#define AIENG__DOT_Q5_K aieng__dot_q5_k_avx2
#define AIENG__DOT_Q6_K aieng__dot_q6_k_avx2
#define AIENG__I8_DOT aieng__i8_dot_avx2
#define AIENG__I8_L2SQ aieng__i8_l2sq_avx2
#if defined(AIENG_AVX512) && defined(__AVX512BW__)
/* the same with 512-bit vectors: half the instructions, twice as fast on an
   HNSW distance (784 values: 21 ns against 42 ns) */
static int64_t aieng__i8_pairs_avx512(const int8_t *a, const int8_t *b, int64_t n, int l2) {
    int64_t i = 0, s = 0;
    while (i + 32 <= n) {
        __m512i acc = _mm512_setzero_si512();
        const int64_t stop = n - i > 32 * 4096 ? i + 32 * 4096 : n; /* int32 lanes cannot overflow */
#define AIENG__I8_STEP(x, y) \
            __m512i x = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(a + i))); \
            __m512i y = _mm512_cvtepi8_epi16(_mm256_loadu_si256((const __m256i *)(b + i)))
        if (l2) /* two loops: the branch stays out of the inner one */
            for (; i + 32 <= stop; i += 32) {
                AIENG__I8_STEP(x, y);
                x = _mm512_sub_epi16(x, y);
                acc = _mm512_add_epi32(acc, _mm512_madd_epi16(x, x));
            }
        else
            for (; i + 32 <= stop; i += 32) {
                AIENG__I8_STEP(x, y);
                acc = _mm512_add_epi32(acc, _mm512_madd_epi16(x, y));
            }
#undef AIENG__I8_STEP
        s += _mm512_reduce_add_epi32(acc);
    }
    for (; i < n; i++) s += l2 ? (a[i] - b[i]) * (a[i] - b[i]) : a[i] * b[i];
    return s;
}
AIENG__QS int64_t aieng__i8_dot_avx512(const int8_t *a, const int8_t *b, int64_t n) { return aieng__i8_pairs_avx512(a, b, n, 0); }
AIENG__QS int64_t aieng__i8_l2sq_avx512(const int8_t *a, const int8_t *b, int64_t n) { return aieng__i8_pairs_avx512(a, b, n, 1); }
#undef AIENG__I8_DOT
#undef AIENG__I8_L2SQ
#define AIENG__I8_DOT aieng__i8_dot_avx512
#define AIENG__I8_L2SQ aieng__i8_l2sq_avx512
#endif
#if defined(AIENG__QVNNI512)
/* AVX-512: two weight rows share one zmm (row r in the low 256 bits, row r+1
   in the high), against the activation block broadcast to both halves. Each
   half does exactly what the 256-bit one-row kernel does, so results stay
   bit-identical to it. */
static __m512 aieng__scale2(const uint8_t *w0, const uint8_t *w1, float da) {
    const __m128i h = _mm_cvtsi32_si128((int)((uint32_t)aieng__ld16(w0) | ((uint32_t)aieng__ld16(w1) << 16)));
    const __m128 f = _mm_mul_ps(_mm_cvtph_ps(h), _mm_set1_ps(da));
    return _mm512_permutexvar_ps(_mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1), _mm512_zextps128_ps512(f));
}
/* nibbles of two rows' 16 bytes -> [row0 lo16 hi16 | row1 lo16 hi16] */
static __m512i aieng__nibbles2(const uint8_t *w0, const uint8_t *w1) {
    const __m256i v = _mm256_inserti128_si256(_mm256_zextsi128_si256(_mm_loadu_si128((const __m128i *)w0)),
                                              _mm_loadu_si128((const __m128i *)w1), 1);
    const __m256i m4 = _mm256_set1_epi8(15);
    const __m256i lo = _mm256_and_si256(v, m4), hi = _mm256_and_si256(_mm256_srli_epi16(v, 4), m4);
    return _mm512_permutex2var_epi64(_mm512_zextsi256_si512(lo), _mm512_setr_epi64(0, 1, 8, 9, 2, 3, 10, 11),
                                     _mm512_zextsi256_si512(hi));
}
static __m512i aieng__ld2x32(const uint8_t *p0, const uint8_t *p1) {
    return _mm512_inserti64x4(_mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)p0)), _mm256_loadu_si256((const __m256i *)p1), 1);
}
static float aieng__hsum16_lo(__m512 v) { return aieng__hsum8(_mm512_castps512_ps256(v)); }
static float aieng__hsum16_hi(__m512 v) { return aieng__hsum8(_mm512_extractf32x8_ps(v, 1)); }
#define AIENG__DOT4_512(NAME, WB, AB, QOFF, AOFF, BODY)                                              \
    static void NAME(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out) {         \
        __m512 c01 = _mm512_setzero_ps(), c23 = _mm512_setzero_ps();                                   \
        int64_t i;                                                                                     \
        for (i = 0; i < nb; i++, w += (WB), a += (AB)) {                                               \
            const __m512i y = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(a + (AOFF)))); \
            const float da = aieng__h2f(a);                                                            \
            __m512i p01, p23;                                                                          \
            AIENG__PF(w); AIENG__PF(w + ws); AIENG__PF(w + 2 * ws); AIENG__PF(w + 3 * ws);            \
            BODY                                                                                       \
            c01 = _mm512_fmadd_ps(aieng__scale2(w, w + ws, da), _mm512_cvtepi32_ps(p01), c01);         \
            c23 = _mm512_fmadd_ps(aieng__scale2(w + 2 * ws, w + 3 * ws, da), _mm512_cvtepi32_ps(p23), c23); \
        }                                                                                              \
        out[0] = aieng__hsum16_lo(c01); out[1] = aieng__hsum16_hi(c01);                                \
        out[2] = aieng__hsum16_lo(c23); out[3] = aieng__hsum16_hi(c23);                                \
    }
AIENG__DOT4_512(aieng__dot_q8_0_512x4, 34, 34, 2, 2,
    const __m512i x01 = _mm512_inserti64x4(_mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)(w + 2))),
                                           _mm256_loadu_si256((const __m256i *)(w + ws + 2)), 1);
    const __m512i x23 = _mm512_inserti64x4(_mm512_zextsi256_si512(_mm256_loadu_si256((const __m256i *)(w + 2 * ws + 2))),
                                           _mm256_loadu_si256((const __m256i *)(w + 3 * ws + 2)), 1);
    /* |x| against y negated where x < 0 (where x = 0 the product is 0 either way) */
    p01 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_abs_epi8(x01),
                              _mm512_mask_sub_epi8(y, _mm512_movepi8_mask(x01), _mm512_setzero_si512(), y));
    p23 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_abs_epi8(x23),
                              _mm512_mask_sub_epi8(y, _mm512_movepi8_mask(x23), _mm512_setzero_si512(), y));)
/* Q4_K (not Q5_K), four rows: two per zmm (row r in the low 256 bits), with the 6-bit scales of two rows
   unpacked together in SIMD (the integer work of aieng__k4_unpack), the mins'
   bsum pairs computed once per block for the four rows, and VNNI's dpwssd
   for madd+add. The integers and every float operation per row are those of
   the one-row kernel. */
static __m512i aieng__k4_scales2(const uint8_t *s0, const uint8_t *s1) {
    /* per 128-bit lane (one row): words u0 u1 u2 -> [sc0-3, sc4-7, mn0-3, mn4-7] */
    const __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)s0)),
                                              _mm_loadu_si128((const __m128i *)s1), 1);
    const __m256i a = _mm256_and_si256(_mm256_shuffle_epi32(v, _MM_SHUFFLE(1, 1, 0, 0)), _mm256_set1_epi32(0x3f3f3f3f));
    const __m256i t = _mm256_and_si256(_mm256_srlv_epi32(_mm256_shuffle_epi32(v, _MM_SHUFFLE(2, 2, 2, 2)), _mm256_setr_epi32(0, 0, 0, 4, 0, 0, 0, 4)),
                                       _mm256_set1_epi32(0x0f0f0f0f));
    const __m256i h = _mm256_slli_epi32(_mm256_and_si256(_mm256_srli_epi32(_mm256_shuffle_epi32(v, _MM_SHUFFLE(1, 1, 0, 0)), 6), _mm256_set1_epi32(0x03030303)), 4);
    /* lanes 0, 2: a (u0&63, u1&63); lanes 1, 3: t | h */
    const __m256i r = _mm256_blend_epi32(a, _mm256_or_si256(t, h), 0xaa);
    return _mm512_cvtepu8_epi16(r);
}
static void aieng__blk_q4_k2b(__m512 *acc, __m512 *accm, const uint8_t *w0, const uint8_t *w1, const uint8_t *a, __m512i P, float yd) {
    const __m512i m4 = _mm512_set1_epi8(15);
    const __m512i S = aieng__k4_scales2(w0 + 4, w1 + 4);
    __m512i isum = _mm512_setzero_si512();
    int c;
    /* mins: lanes 4-7 (row 0) and 12-15 (row 1) = aieng__bsum_mins; the other lanes add 0·x */
    *accm = _mm512_fmadd_ps(_mm512_insertf32x8(_mm512_zextps256_ps512(_mm256_set1_ps(aieng__h2f(w0 + 2) * yd)), _mm256_set1_ps(aieng__h2f(w1 + 2) * yd), 1),
                            _mm512_cvtepi32_ps(_mm512_madd_epi16(S, P)), *accm);
    for (c = 0; c < 4; c++) {
        const __m512i q = aieng__ld2x32(w0 + 16 + 32 * c, w1 + 16 + 32 * c);
        const __m512i lo = _mm512_and_si512(q, m4), hi = _mm512_and_si512(_mm512_srli_epi16(q, 4), m4);
        const __m512i y0 = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(a + 4 + 64 * c)));
        const __m512i y1 = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(a + 4 + 64 * c + 32)));
        const __m512i s0 = _mm512_permutexvar_epi16(_mm512_mask_blend_epi16(0xffff0000u, _mm512_set1_epi16((short)(2 * c)), _mm512_set1_epi16((short)(16 + 2 * c))), S);
        const __m512i s1 = _mm512_permutexvar_epi16(_mm512_mask_blend_epi16(0xffff0000u, _mm512_set1_epi16((short)(2 * c + 1)), _mm512_set1_epi16((short)(17 + 2 * c))), S);
        isum = _mm512_dpwssd_epi32(isum, _mm512_maddubs_epi16(lo, y0), s0);
        isum = _mm512_dpwssd_epi32(isum, _mm512_maddubs_epi16(hi, y1), s1);
    }
    *acc = _mm512_fmadd_ps(_mm512_insertf32x8(_mm512_zextps256_ps512(_mm256_set1_ps(aieng__h2f(w0) * yd)), _mm256_set1_ps(aieng__h2f(w1) * yd), 1),
                           _mm512_cvtepi32_ps(isum), *acc);
}
static float aieng__k_final2(__m512 acc, __m512 accm, int r) {
    return aieng__k_final(r ? _mm512_extractf32x8_ps(acc, 1) : _mm512_castps512_ps256(acc), _mm512_extractf32x4_ps(accm, r ? 3 : 1));
}
static void aieng__dot_q4_k_512x4b(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out) {
    __m512 c01 = _mm512_setzero_ps(), c23 = _mm512_setzero_ps(), m01 = c01, m23 = c01;
    int64_t i;
    for (i = 0; i < nb; i++, w += 144, a += 292) {
        /* bsums summed in pairs (one per 32 values), at int16 lanes 8-15 and 24-31 */
        const __m256i bs = _mm256_loadu_si256((const __m256i *)(a + 260));
        const __m128i pairs = _mm_hadd_epi16(_mm256_castsi256_si128(bs), _mm256_extracti128_si256(bs, 1));
        const __m256i p2 = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_setzero_si128()), pairs, 1);
        const __m512i P = _mm512_inserti64x4(_mm512_castsi256_si512(p2), p2, 1);
        const float yd = aieng__ldf(a);
        int o;
        for (o = 0; o < 144; o += 64) { AIENG__PF(w + o); AIENG__PF(w + ws + o); AIENG__PF(w + 2 * ws + o); AIENG__PF(w + 3 * ws + o); }
        aieng__blk_q4_k2b(&c01, &m01, w, w + ws, a, P, yd);
        aieng__blk_q4_k2b(&c23, &m23, w + 2 * ws, w + 3 * ws, a, P, yd);
    }
    out[0] = aieng__k_final2(c01, m01, 0); out[1] = aieng__k_final2(c01, m01, 1);
    out[2] = aieng__k_final2(c23, m23, 0); out[3] = aieng__k_final2(c23, m23, 1);
}
#define AIENG__Q4K_DOT4 aieng__dot_q4_k_512x4b
/* Q6_K: two rows per zmm, per half exactly aieng__blk_q6_k */
static __m512i aieng__q6_sel(int j) { /* int16 lanes: 0-7 -> j, 8-15 -> j+1, 16-23 -> 16+j, 24-31 -> 17+j */
    return _mm512_mask_blend_epi16(0xff00ff00u, _mm512_mask_blend_epi16(0xffff0000u, _mm512_set1_epi16((short)j), _mm512_set1_epi16((short)(16 + j))),
                                   _mm512_mask_blend_epi16(0xffff0000u, _mm512_set1_epi16((short)(j + 1)), _mm512_set1_epi16((short)(17 + j))));
}
static __m512 aieng__blk_q6_k2(__m512 acc, const uint8_t *w0, const uint8_t *w1, const uint8_t *a) {
    const __m512i m4 = _mm512_set1_epi8(15), m3 = _mm512_set1_epi8(3);
    const __m512i S = _mm512_cvtepi8_epi16(_mm256_inserti128_si256(_mm256_zextsi128_si256(_mm_loadu_si128((const __m128i *)(w0 + 192))),
                                                                   _mm_loadu_si128((const __m128i *)(w1 + 192)), 1));
    const __m512i bs = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(a + 260)));
    __m512i isum = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_slli_epi32(_mm512_madd_epi16(bs, S), 5));
    int h;
    for (h = 0; h < 2; h++) {
        const __m512i l0 = aieng__ld2x32(w0 + 64 * h, w1 + 64 * h), l1 = aieng__ld2x32(w0 + 64 * h + 32, w1 + 64 * h + 32);
        const __m512i qh = aieng__ld2x32(w0 + 128 + 32 * h, w1 + 128 + 32 * h);
        const __m512i q1 = _mm512_or_si512(_mm512_and_si512(l0, m4), _mm512_slli_epi16(_mm512_and_si512(qh, m3), 4));
        const __m512i q2 = _mm512_or_si512(_mm512_and_si512(l1, m4), _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(qh, 2), m3), 4));
        const __m512i q3 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l0, 4), m4), _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(qh, 4), m3), 4));
        const __m512i q4 = _mm512_or_si512(_mm512_and_si512(_mm512_srli_epi16(l1, 4), m4), _mm512_slli_epi16(_mm512_and_si512(_mm512_srli_epi16(qh, 6), m3), 4));
        const uint8_t *y = a + 4 + 128 * h;
        isum = _mm512_add_epi32(isum, _mm512_madd_epi16(_mm512_maddubs_epi16(q1, _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)y))),
                                                        _mm512_permutexvar_epi16(aieng__q6_sel(8 * h + 0), S)));
        isum = _mm512_add_epi32(isum, _mm512_madd_epi16(_mm512_maddubs_epi16(q2, _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(y + 32)))),
                                                        _mm512_permutexvar_epi16(aieng__q6_sel(8 * h + 2), S)));
        isum = _mm512_add_epi32(isum, _mm512_madd_epi16(_mm512_maddubs_epi16(q3, _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(y + 64)))),
                                                        _mm512_permutexvar_epi16(aieng__q6_sel(8 * h + 4), S)));
        isum = _mm512_add_epi32(isum, _mm512_madd_epi16(_mm512_maddubs_epi16(q4, _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(y + 96)))),
                                                        _mm512_permutexvar_epi16(aieng__q6_sel(8 * h + 6), S)));
    }
    return _mm512_fmadd_ps(_mm512_insertf32x8(_mm512_zextps256_ps512(_mm256_set1_ps(aieng__h2f(w0 + 208) * aieng__ldf(a))),
                                              _mm256_set1_ps(aieng__h2f(w1 + 208) * aieng__ldf(a)), 1),
                           _mm512_cvtepi32_ps(isum), acc);
}
AIENG__QS void aieng__dot_q6_k_512x4(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out) {
    __m512 c01 = _mm512_setzero_ps(), c23 = _mm512_setzero_ps();
    int64_t i;
    for (i = 0; i < nb; i++, w += 210, a += 292) {
        int o;
        for (o = 0; o < 210; o += 64) { AIENG__PF(w + o); AIENG__PF(w + ws + o); AIENG__PF(w + 2 * ws + o); AIENG__PF(w + 3 * ws + o); }
        c01 = aieng__blk_q6_k2(c01, w, w + ws, a);
        c23 = aieng__blk_q6_k2(c23, w + 2 * ws, w + 3 * ws, a);
    }
    out[0] = aieng__hsum16_lo(c01); out[1] = aieng__hsum16_hi(c01);
    out[2] = aieng__hsum16_lo(c23); out[3] = aieng__hsum16_hi(c23);
}
#define AIENG__Q6K_DOT4 aieng__dot_q6_k_512x4
/* Four rows, two per zmm, nibbles in place: v = [row r 16 bytes | row r+1],
   X = [v & 15 | (v >> 4) & 15] needs no cross-lane shuffle; the activation
   is arranged to match, y' = [y0..15, y0..15, y16..31, y16..31]. Lanes 0-3
   and 8-11 then hold row r's eight int32 block sums (the same sums as the
   one-row kernel's lanes 0-7), lanes 4-7 and 12-15 row r+1's. */
static __m512i aieng__nib2in(const uint8_t *w0, const uint8_t *w1) {
    const __m256i v = _mm256_inserti128_si256(_mm256_castsi128_si256(_mm_loadu_si128((const __m128i *)w0)),
                                              _mm_loadu_si128((const __m128i *)w1), 1);
    return _mm512_and_si512(_mm512_inserti64x4(_mm512_castsi256_si512(v), _mm256_srli_epi16(v, 4), 1), _mm512_set1_epi8(15));
}
static __m512i aieng__yin(const uint8_t *a) {
    return _mm512_permutexvar_epi64(_mm512_setr_epi64(0, 1, 0, 1, 2, 3, 2, 3), _mm512_castsi256_si512(_mm256_loadu_si256((const __m256i *)a)));
}
/* the one-row kernel's final sum of row r (0: lanes 0-3, 8-11; 1: 4-7, 12-15) */
static float aieng__hsum_in(__m512 c, int r) {
    __m128 s = r ? _mm_add_ps(_mm512_extractf32x4_ps(c, 1), _mm512_extractf32x4_ps(c, 3))
                 : _mm_add_ps(_mm512_castps512_ps128(c), _mm512_extractf32x4_ps(c, 2));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
static void aieng__dot_q4_0_512x4b(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out) {
    const __m512i i01 = _mm512_setr_epi32(0, 0, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 2);
    const __m512i i23 = _mm512_setr_epi32(4, 4, 4, 4, 6, 6, 6, 6, 4, 4, 4, 4, 6, 6, 6, 6);
    __m512 c01 = _mm512_setzero_ps(), c23 = _mm512_setzero_ps();
    int64_t i;
    for (i = 0; i < nb; i++, w += 18, a += 34) {
        const __m512i y = aieng__yin(a + 2);
        const __m512i ne = _mm512_sub_epi32(_mm512_setzero_si512(), _mm512_dpbusd_epi32(_mm512_setzero_si512(), _mm512_set1_epi8(8), y));
        /* 4 bytes at each row's block: d and two bytes of nibbles (even lanes used) */
        const __m256 dv = _mm256_mul_ps(_mm256_cvtph_ps(_mm_setr_epi32((int)aieng__ld32(w), (int)aieng__ld32(w + ws), (int)aieng__ld32(w + 2 * ws),
                                                                       (int)aieng__ld32(w + 3 * ws))),
                                        _mm256_set1_ps(aieng__h2f(a)));
        const __m512i p01 = _mm512_dpbusd_epi32(ne, aieng__nib2in(w + 2, w + ws + 2), y);
        const __m512i p23 = _mm512_dpbusd_epi32(ne, aieng__nib2in(w + 2 * ws + 2, w + 3 * ws + 2), y);
        AIENG__PF(w); AIENG__PF(w + ws); AIENG__PF(w + 2 * ws); AIENG__PF(w + 3 * ws);
        c01 = _mm512_fmadd_ps(_mm512_permutexvar_ps(i01, _mm512_castps256_ps512(dv)), _mm512_cvtepi32_ps(p01), c01);
        c23 = _mm512_fmadd_ps(_mm512_permutexvar_ps(i23, _mm512_castps256_ps512(dv)), _mm512_cvtepi32_ps(p23), c23);
    }
    out[0] = aieng__hsum_in(c01, 0); out[1] = aieng__hsum_in(c01, 1);
    out[2] = aieng__hsum_in(c23, 0); out[3] = aieng__hsum_in(c23, 1);
}
static void aieng__dot_q4_1_512x4b(const uint8_t *w, size_t ws, const uint8_t *a, int64_t nb, float *out) {
    const __m512i i01 = _mm512_setr_epi32(0, 0, 0, 0, 2, 2, 2, 2, 0, 0, 0, 0, 2, 2, 2, 2);
    const __m512i i23 = _mm512_setr_epi32(4, 4, 4, 4, 6, 6, 6, 6, 4, 4, 4, 4, 6, 6, 6, 6);
    __m512 c01 = _mm512_setzero_ps(), c23 = _mm512_setzero_ps();
    __m256 ms = _mm256_setzero_ps();
    int64_t i;
    for (i = 0; i < nb; i++, w += 20, a += 36) {
        const __m512i y = aieng__yin(a + 4);
        const __m256 f = _mm256_mul_ps(_mm256_cvtph_ps(_mm_setr_epi32((int)aieng__ld32(w), (int)aieng__ld32(w + ws), (int)aieng__ld32(w + 2 * ws),
                                                                      (int)aieng__ld32(w + 3 * ws))),
                                       _mm256_cvtph_ps(_mm_set1_epi32((int)aieng__ld32(a)))); /* d·da, m·sa per row */
        const __m512i p01 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), aieng__nib2in(w + 4, w + ws + 4), y);
        const __m512i p23 = _mm512_dpbusd_epi32(_mm512_setzero_si512(), aieng__nib2in(w + 2 * ws + 4, w + 3 * ws + 4), y);
        AIENG__PF(w); AIENG__PF(w + ws); AIENG__PF(w + 2 * ws); AIENG__PF(w + 3 * ws);
        c01 = _mm512_fmadd_ps(_mm512_permutexvar_ps(i01, _mm512_castps256_ps512(f)), _mm512_cvtepi32_ps(p01), c01);
        c23 = _mm512_fmadd_ps(_mm512_permutexvar_ps(i23, _mm512_castps256_ps512(f)), _mm512_cvtepi32_ps(p23), c23);
        ms = _mm256_add_ps(ms, f); /* lanes 1, 3, 5, 7: Σ m·s of rows 0..3 */
    }
    {
        float m[8];
        _mm256_storeu_ps(m, ms);
        out[0] = aieng__hsum_in(c01, 0) + m[1]; out[1] = aieng__hsum_in(c01, 1) + m[3];
        out[2] = aieng__hsum_in(c23, 0) + m[5]; out[3] = aieng__hsum_in(c23, 1) + m[7];
    }
}
#define aieng__dot_q4_0_avx24 aieng__dot_q4_0_512x4b
#define aieng__dot_q8_0_avx24 aieng__dot_q8_0_512x4
#define AIENG__Q41_DOT4 aieng__dot_q4_1_512x4b
/* Multi-row tiles for M > 1 (prefill): 4 weight rows × 4 activation rows per
   call. Each weight block is loaded and decoded once for the four activation
   rows. Per (weight row, activation row) the float work is exactly that of
   the four-row kernels above (scale d_w·d_a, one fused multiply-add per block
   into 8 lanes, the same final sums) and the integer block sums are the same
   integers, so every output is bit-identical to aieng_quant_vec_dot. The
   activation side (aieng__mm_side_row), per group of four rows: per block the
   rows' d and s (Q8_1) as floats, f[8b + r] and f[8b + 4 + r]; for Q4_0/Q8_0
   weights then, per row, the offset term -k·Σ(4 bytes of y) per lane (k = 8,
   or 128 for Q8_0 whose bytes are flipped to unsigned by x^0x80), which
   starts the dpbusd sum: dpbusd(-k·Σy, u, y) = Σ (u - k)·y. */
#define AIENG__HAVE_TILE 1
#define AIENG__TROW(r) const uint8_t *a##r = a + (r) * as
#define AIENG__TROW8(r, E) const uint8_t *a##r = a + ((E) ? (r) : 0) * as
#define AIENG__TOUT(r, PLUS)                                                                                  \
    y[(r) * ldy + 0] = aieng__hsum16_lo(c##r##a) PLUS(r);                                                    \
    y[(r) * ldy + 1] = aieng__hsum16_hi(c##r##a) PLUS(4 + (r));                                              \
    y[(r) * ldy + 2] = aieng__hsum16_lo(c##r##b) PLUS(8 + (r));                                              \
    y[(r) * ldy + 3] = aieng__hsum16_hi(c##r##b) PLUS(12 + (r))
#define AIENG__TPLUS_M(j) + m[j]
#define AIENG__TPLUS_0(j)
/* Q4_1 × Q8_1 */
#define AIENG__T41(r, F)                                                                                      \
    {                                                                                                         \
        const __m512i yy = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(a##r + 36 * i + 4))); \
        const __m512 da = _mm512_set1_ps((F)[8 * i + (r)]);                                                   \
        c##r##a = _mm512_fmadd_ps(_mm512_mul_ps(D01, da), _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(_mm512_setzero_si512(), x01, yy)), c##r##a); \
        c##r##b = _mm512_fmadd_ps(_mm512_mul_ps(D23, da), _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(_mm512_setzero_si512(), x23, yy)), c##r##b); \
    }
/* R = 4 or 8 activation rows (groups of four: side data f for rows 0-3, g for 4-7) */
#define AIENG__TILE41(NAME, R8)                                                                               \
    static void NAME(const uint8_t *w, size_t ws, const uint8_t *a, size_t as, const float *f, const float *g, \
                     int64_t nb, float *y, int64_t ldy) {                                                     \
        const __m512i i01 = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 2, 2, 2, 2, 2, 2, 2, 2);                 \
        const __m512i i23 = _mm512_setr_epi32(4, 4, 4, 4, 4, 4, 4, 4, 6, 6, 6, 6, 6, 6, 6, 6);                 \
        const __m512i im = _mm512_setr_epi32(1, 1, 1, 1, 3, 3, 3, 3, 5, 5, 5, 5, 7, 7, 7, 7);                  \
        __m512 c0a = _mm512_setzero_ps(), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a, c2b = c0a, c3a = c0a, c3b = c0a; \
        __m512 c4a = c0a, c4b = c0a, c5a = c0a, c5b = c0a, c6a = c0a, c6b = c0a, c7a = c0a, c7b = c0a;         \
        __m512 ms = _mm512_setzero_ps(), ms2 = ms; /* lane 4·w + r: Σ m·s, weight row w, activation row r */  \
        float m[16];                                                                                          \
        int64_t i;                                                                                            \
        AIENG__TROW(0); AIENG__TROW(1); AIENG__TROW(2); AIENG__TROW(3);                                       \
        AIENG__TROW8(4, R8); AIENG__TROW8(5, R8); AIENG__TROW8(6, R8); AIENG__TROW8(7, R8);                   \
        for (i = 0; i < nb; i++, w += 20) {                                                                   \
            const __m256 dm = _mm256_cvtph_ps(_mm_setr_epi32((int)aieng__ld32(w), (int)aieng__ld32(w + ws),   \
                                                             (int)aieng__ld32(w + 2 * ws), (int)aieng__ld32(w + 3 * ws))); \
            const __m512 D01 = _mm512_permutexvar_ps(i01, _mm512_zextps256_ps512(dm));                        \
            const __m512 D23 = _mm512_permutexvar_ps(i23, _mm512_zextps256_ps512(dm));                        \
            const __m512 M16 = _mm512_permutexvar_ps(im, _mm512_zextps256_ps512(dm));                         \
            const __m512i x01 = aieng__nibbles2(w + 4, w + ws + 4), x23 = aieng__nibbles2(w + 2 * ws + 4, w + 3 * ws + 4); \
            AIENG__T41(0, f) AIENG__T41(1, f) AIENG__T41(2, f) AIENG__T41(3, f)                               \
            ms = _mm512_add_ps(ms, _mm512_mul_ps(M16, _mm512_broadcast_f32x4(_mm_loadu_ps(f + 8 * i + 4))));  \
            if (R8) {                                                                                         \
                AIENG__T41(4, g - 4) AIENG__T41(5, g - 4) AIENG__T41(6, g - 4) AIENG__T41(7, g - 4)           \
                ms2 = _mm512_add_ps(ms2, _mm512_mul_ps(M16, _mm512_broadcast_f32x4(_mm_loadu_ps(g + 8 * i + 4)))); \
            }                                                                                                 \
        }                                                                                                     \
        _mm512_storeu_ps(m, ms);                                                                              \
        AIENG__TOUT(0, AIENG__TPLUS_M); AIENG__TOUT(1, AIENG__TPLUS_M); AIENG__TOUT(2, AIENG__TPLUS_M); AIENG__TOUT(3, AIENG__TPLUS_M); \
        if (R8) {                                                                                             \
            _mm512_storeu_ps(m, ms2);                                                                         \
            y += 4 * ldy;                                                                                     \
            AIENG__TOUT2(4, 0); AIENG__TOUT2(5, 1); AIENG__TOUT2(6, 2); AIENG__TOUT2(7, 3);                   \
        }                                                                                                     \
    }
#define AIENG__TOUT2(r, k)                                                                                    \
    y[(k) * ldy + 0] = aieng__hsum16_lo(c##r##a) + m[k];                                                     \
    y[(k) * ldy + 1] = aieng__hsum16_hi(c##r##a) + m[4 + (k)];                                               \
    y[(k) * ldy + 2] = aieng__hsum16_lo(c##r##b) + m[8 + (k)];                                               \
    y[(k) * ldy + 3] = aieng__hsum16_hi(c##r##b) + m[12 + (k)]
AIENG__TILE41(aieng__tile_q4_1, 0)
AIENG__TILE41(aieng__tile8_q4_1, 1)
/* Q4_0 and Q8_0 × Q8_0: integer sums start at the offset term */
#define AIENG__T80(r)                                                                                         \
    {                                                                                                         \
        const __m512i yy = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(a##r + 34 * i + 2))); \
        const __m512i o = _mm512_broadcast_i64x4(_mm256_loadu_si256((const __m256i *)(k + ((r) * nb + i) * 8))); \
        const __m512 da = _mm512_set1_ps(f[8 * i + (r)]);                                                     \
        c##r##a = _mm512_fmadd_ps(_mm512_mul_ps(D01, da), _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(o, x01, yy)), c##r##a); \
        c##r##b = _mm512_fmadd_ps(_mm512_mul_ps(D23, da), _mm512_cvtepi32_ps(_mm512_dpbusd_epi32(o, x23, yy)), c##r##b); \
    }
#define AIENG__TILE80(NAME, WB, LOADX)                                                                        \
    static void NAME(const uint8_t *w, size_t ws, const uint8_t *a, size_t as, const float *f, const float *g, \
                     int64_t nb, float *y, int64_t ldy) {                                                     \
        const __m512i i01 = _mm512_setr_epi32(0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 1, 1, 1, 1);                 \
        const __m512i i23 = _mm512_setr_epi32(2, 2, 2, 2, 2, 2, 2, 2, 3, 3, 3, 3, 3, 3, 3, 3);                 \
        __m512 c0a = _mm512_setzero_ps(), c0b = c0a, c1a = c0a, c1b = c0a, c2a = c0a, c2b = c0a, c3a = c0a, c3b = c0a; \
        const int32_t *k = (const int32_t *)(const void *)(f + 8 * nb);                                       \
        (void)g;                                                                                              \
        int64_t i;                                                                                            \
        AIENG__TROW(0); AIENG__TROW(1); AIENG__TROW(2); AIENG__TROW(3);                                       \
        for (i = 0; i < nb; i++, w += (WB)) {                                                                 \
            const __m128 dv = _mm_cvtph_ps(_mm_setr_epi16((short)aieng__ld16(w), (short)aieng__ld16(w + ws),  \
                                                          (short)aieng__ld16(w + 2 * ws), (short)aieng__ld16(w + 3 * ws), 0, 0, 0, 0)); \
            const __m512 D01 = _mm512_permutexvar_ps(i01, _mm512_zextps128_ps512(dv));                        \
            const __m512 D23 = _mm512_permutexvar_ps(i23, _mm512_zextps128_ps512(dv));                        \
            const __m512i x01 = LOADX(w + 2, w + ws + 2), x23 = LOADX(w + 2 * ws + 2, w + 3 * ws + 2);         \
            AIENG__T80(0) AIENG__T80(1) AIENG__T80(2) AIENG__T80(3)                                           \
        }                                                                                                     \
        AIENG__TOUT(0, AIENG__TPLUS_0); AIENG__TOUT(1, AIENG__TPLUS_0); AIENG__TOUT(2, AIENG__TPLUS_0); AIENG__TOUT(3, AIENG__TPLUS_0); \
    }
static __m512i aieng__flip2x32(const uint8_t *p0, const uint8_t *p1) {
    return _mm512_xor_si512(aieng__ld2x32(p0, p1), _mm512_set1_epi8((char)0x80));
}
AIENG__TILE80(aieng__tile_q4_0, 18, aieng__nibbles2)
AIENG__TILE80(aieng__tile_q8_0, 34, aieng__flip2x32)
#endif
/* four-row kernels for aieng_quant_matmul; with out == NULL: "is there one?" */
#define AIENG__HAVE_DOT4 1
static int aieng__dot4(int wtype, const uint8_t *w, size_t ws, const uint8_t *a, int64_t n, float *out) {
    switch (wtype) {
#if defined(__F16C__)
    case AIENG_QUANT_F16: if (out) aieng__f16_rows(w, ws, a, n, out, 4); return 1;
#endif
    case AIENG_QUANT_BF16: if (out) aieng__bf16_rows(w, ws, a, n, out, 4); return 1;
    case AIENG_QUANT_Q2_K: if (out) aieng__dot_q2_k_avx24(w, ws, a, n / 256, out); return 1;
    case AIENG_QUANT_Q3_K: if (out) aieng__dot_q3_k_avx24(w, ws, a, n / 256, out); return 1;
    case AIENG_QUANT_Q4_0: if (out) aieng__dot_q4_0_avx24(w, ws, a, n / 32, out); return 1;
#ifdef AIENG__Q41_DOT4
    case AIENG_QUANT_Q4_1: if (out) AIENG__Q41_DOT4(w, ws, a, n / 32, out); return 1;
#else
    case AIENG_QUANT_Q4_1: if (out) aieng__dot_q41_avx24(w, ws, a, n / 32, out, 20); return 1;
#endif
    case AIENG_QUANT_Q5_0: if (out) aieng__dot_q5_0_avx24(w, ws, a, n / 32, out); return 1;
    case AIENG_QUANT_Q5_1: if (out) aieng__dot_q41_avx24(w, ws, a, n / 32, out, 24); return 1;
    case AIENG_QUANT_Q8_0: if (out) aieng__dot_q8_0_avx24(w, ws, a, n / 32, out); return 1;
    case AIENG_QUANT_MXFP4: if (out) aieng__dot_mxfp4_avx24(w, ws, a, n / 32, out); return 1;
#ifdef AIENG__Q4K_DOT4
    case AIENG_QUANT_Q4_K: if (out) AIENG__Q4K_DOT4(w, ws, a, n / 256, out); return 1;
#else
    case AIENG_QUANT_Q4_K: if (out) aieng__dot_q45_k_avx24(w, ws, a, n / 256, out, 0); return 1;
#endif
    case AIENG_QUANT_Q5_K: if (out) aieng__dot_q45_k_avx24(w, ws, a, n / 256, out, 1); return 1;
#ifdef AIENG__Q6K_DOT4
    case AIENG_QUANT_Q6_K: if (out) AIENG__Q6K_DOT4(w, ws, a, n / 256, out); return 1;
#else
    case AIENG_QUANT_Q6_K: if (out) aieng__dot_q6_k_avx24(w, ws, a, n / 256, out); return 1;
#endif
    default: return 0;
    }
}
#endif /* AIENG_AVX2 */

/* ---------------------------------------------------------------- NEON kernels */
#if defined(AIENG_NEON)
/* Σ a·b over 16 int8 pairs into 4 int32 lanes. Without sdot two products
   share an int16 lane: safe unless both are (-128)·(-128), which cannot
   happen with activations from aieng_quant_quantize_act (|q| <= 127). */
static int32x4_t aieng__sdot16(int32x4_t acc, int8x16_t a, int8x16_t b) {
#if defined(AIENG__QSDOT)
    return vdotq_s32(acc, a, b);
#else
    int16x8_t p = vmull_s8(vget_low_s8(a), vget_low_s8(b));
    p = vmlal_s8(p, vget_high_s8(a), vget_high_s8(b));
    return vpadalq_s16(acc, p);
#endif
}
static int aieng__sdot32(const int8x16_t x0, const int8x16_t x1, const uint8_t *y) {
    int32x4_t acc = aieng__sdot16(vdupq_n_s32(0), x0, vld1q_s8((const int8_t *)y));
    acc = aieng__sdot16(acc, x1, vld1q_s8((const int8_t *)y + 16));
    return vaddvq_s32(acc);
}
/* the fifth bits of values 16h..16h+15 of a Q5 block, as 0x10 bytes */
static uint8x16_t aieng__bits16_x10(const uint8_t *qh, int h) {
    static const uint8_t sel[16] = {1, 2, 4, 8, 16, 32, 64, 128, 1, 2, 4, 8, 16, 32, 64, 128};
    const uint8x16_t v = vcombine_u8(vdup_n_u8(qh[2 * h]), vdup_n_u8(qh[2 * h + 1]));
    return vandq_u8(vtstq_u8(v, vld1q_u8(sel)), vdupq_n_u8(0x10));
}
AIENG__QS float aieng__dot_q4_0_neon(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i;
    for (i = 0; i < nb; i++, w += 18, a += 34) {
        const uint8x16_t q = vld1q_u8(w + 2);
        const int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vandq_u8(q, vdupq_n_u8(15))), vdupq_n_s8(8));
        const int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vshrq_n_u8(q, 4)), vdupq_n_s8(8));
        sumf += (float)aieng__sdot32(lo, hi, a + 2) * aieng__h2f(w) * aieng__h2f(a);
    }
    return sumf;
}
AIENG__QS float aieng__dot_q4_1_neon(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i;
    for (i = 0; i < nb; i++, w += 20, a += 36) {
        const uint8x16_t q = vld1q_u8(w + 4);
        const int8x16_t lo = vreinterpretq_s8_u8(vandq_u8(q, vdupq_n_u8(15))), hi = vreinterpretq_s8_u8(vshrq_n_u8(q, 4));
        sumf += (aieng__h2f(w) * aieng__h2f(a)) * (float)aieng__sdot32(lo, hi, a + 4) + aieng__h2f(w + 2) * aieng__h2f(a + 2);
    }
    return sumf;
}
AIENG__QS float aieng__dot_q5_0_neon(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i;
    for (i = 0; i < nb; i++, w += 22, a += 34) {
        const uint8x16_t q = vld1q_u8(w + 6);
        const int8x16_t lo = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(vandq_u8(q, vdupq_n_u8(15)), aieng__bits16_x10(w + 2, 0))), vdupq_n_s8(16));
        const int8x16_t hi = vsubq_s8(vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(q, 4), aieng__bits16_x10(w + 2, 1))), vdupq_n_s8(16));
        sumf += (aieng__h2f(w) * aieng__h2f(a)) * (float)aieng__sdot32(lo, hi, a + 2);
    }
    return sumf;
}
AIENG__QS float aieng__dot_q5_1_neon(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i;
    for (i = 0; i < nb; i++, w += 24, a += 36) {
        const uint8x16_t q = vld1q_u8(w + 8);
        const int8x16_t lo = vreinterpretq_s8_u8(vorrq_u8(vandq_u8(q, vdupq_n_u8(15)), aieng__bits16_x10(w + 4, 0)));
        const int8x16_t hi = vreinterpretq_s8_u8(vorrq_u8(vshrq_n_u8(q, 4), aieng__bits16_x10(w + 4, 1)));
        sumf += (aieng__h2f(w) * aieng__h2f(a)) * (float)aieng__sdot32(lo, hi, a + 4) + aieng__h2f(w + 2) * aieng__h2f(a + 2);
    }
    return sumf;
}
AIENG__QS float aieng__dot_q8_0_neon(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    int64_t i;
    for (i = 0; i < nb; i++, w += 34, a += 34)
        sumf += (float)aieng__sdot32(vld1q_s8((const int8_t *)w + 2), vld1q_s8((const int8_t *)w + 18), a + 2) *
                (aieng__h2f(w) * aieng__h2f(a));
    return sumf;
}
AIENG__QS float aieng__dot_mxfp4_neon(const uint8_t *w, const uint8_t *a, int64_t nb) {
    const int8x16_t lut = vld1q_s8(aieng__kv_mxfp4);
    float sumf = 0;
    int64_t i;
    for (i = 0; i < nb; i++, w += 17, a += 34) {
        const uint8x16_t q = vld1q_u8(w + 1);
        const int8x16_t lo = vqtbl1q_s8(lut, vandq_u8(q, vdupq_n_u8(15))), hi = vqtbl1q_s8(lut, vshrq_n_u8(q, 4));
        sumf += (aieng__h2f(a) * aieng__e8m0_half(w[0])) * (float)aieng__sdot32(lo, hi, a + 2);
    }
    return sumf;
}
AIENG__QS float aieng__dot_q45_k_neon(const uint8_t *w, const uint8_t *a, int64_t nb, int five) {
    float sumf = 0;
    const int bsz = five ? 176 : 144;
    int64_t i;
    for (i = 0; i < nb; i++, w += bsz, a += 292) {
        const uint8_t *qs = w + (five ? 48 : 16);
        const float yd = aieng__ldf(a);
        int c, j, sc, mn, sc1, mn1, isum = 0, summs = 0;
        uint8x16_t h0 = vdupq_n_u8(0), h1 = vdupq_n_u8(0);
        for (j = 0; j < 16; j++) {
            aieng__scale_min_k4(j / 2, w + 4, &sc, &mn);
            summs += aieng__ld_bsum(a, j) * mn;
        }
        if (five) { h0 = vld1q_u8(w + 16); h1 = vld1q_u8(w + 32); }
        for (c = 0; c < 4; c++) {
            const uint8x16_t q0 = vld1q_u8(qs + 32 * c), q1 = vld1q_u8(qs + 32 * c + 16);
            uint8x16_t l0 = vandq_u8(q0, vdupq_n_u8(15)), l1 = vandq_u8(q1, vdupq_n_u8(15));
            uint8x16_t u0 = vshrq_n_u8(q0, 4), u1 = vshrq_n_u8(q1, 4);
            if (five) {
                const int8x16_t s0 = vdupq_n_s8((int8_t)(4 - 2 * c)), s1 = vdupq_n_s8((int8_t)(3 - 2 * c));
                const uint8x16_t m = vdupq_n_u8(0x10);
                l0 = vorrq_u8(l0, vandq_u8(vshlq_u8(h0, s0), m)); l1 = vorrq_u8(l1, vandq_u8(vshlq_u8(h1, s0), m));
                u0 = vorrq_u8(u0, vandq_u8(vshlq_u8(h0, s1), m)); u1 = vorrq_u8(u1, vandq_u8(vshlq_u8(h1, s1), m));
            }
            aieng__scale_min_k4(2 * c, w + 4, &sc, &mn);
            aieng__scale_min_k4(2 * c + 1, w + 4, &sc1, &mn1);
            isum += sc * aieng__sdot32(vreinterpretq_s8_u8(l0), vreinterpretq_s8_u8(l1), a + 4 + 64 * c);
            isum += sc1 * aieng__sdot32(vreinterpretq_s8_u8(u0), vreinterpretq_s8_u8(u1), a + 4 + 64 * c + 32);
        }
        sumf += (aieng__h2f(w) * yd) * (float)isum - (aieng__h2f(w + 2) * yd) * (float)summs;
    }
    return sumf;
}
AIENG__QS float aieng__dot_q4_k_neon(const uint8_t *w, const uint8_t *a, int64_t nb) { return aieng__dot_q45_k_neon(w, a, nb, 0); }
AIENG__QS float aieng__dot_q5_k_neon(const uint8_t *w, const uint8_t *a, int64_t nb) { return aieng__dot_q45_k_neon(w, a, nb, 1); }
AIENG__QS float aieng__dot_q6_k_neon(const uint8_t *w, const uint8_t *a, int64_t nb) {
    float sumf = 0;
    const uint8x16_t m4 = vdupq_n_u8(15), m3 = vdupq_n_u8(3);
    int64_t i;
    for (i = 0; i < nb; i++, w += 210, a += 292) {
        const int8_t *sc = (const int8_t *)(w + 192);
        int isum = 0, off = 0, h, k, j;
        for (j = 0; j < 16; j++) off += sc[j] * aieng__ld_bsum(a, j);
        for (h = 0; h < 2; h++) {
            const uint8_t *ql = w + 64 * h, *qh = w + 128 + 32 * h, *y = a + 4 + 128 * h;
            for (k = 0; k < 2; k++) { /* values l = 16k .. 16k+15 of each quarter: sub-block 8h + k (+2, +4, +6) */
                const uint8x16_t l0 = vld1q_u8(ql + 16 * k), l1 = vld1q_u8(ql + 32 + 16 * k), hh = vld1q_u8(qh + 16 * k);
                const uint8x16_t q1 = vorrq_u8(vandq_u8(l0, m4), vshlq_n_u8(vandq_u8(hh, m3), 4));
                const uint8x16_t q2 = vorrq_u8(vandq_u8(l1, m4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hh, 2), m3), 4));
                const uint8x16_t q3 = vorrq_u8(vshrq_n_u8(l0, 4), vshlq_n_u8(vandq_u8(vshrq_n_u8(hh, 4), m3), 4));
                const uint8x16_t q4 = vorrq_u8(vshrq_n_u8(l1, 4), vshlq_n_u8(vshrq_n_u8(hh, 6), 4));
                const int s = 8 * h + k;
                isum += sc[s] * vaddvq_s32(aieng__sdot16(vdupq_n_s32(0), vreinterpretq_s8_u8(q1), vld1q_s8((const int8_t *)y + 16 * k)));
                isum += sc[s + 2] * vaddvq_s32(aieng__sdot16(vdupq_n_s32(0), vreinterpretq_s8_u8(q2), vld1q_s8((const int8_t *)y + 32 + 16 * k)));
                isum += sc[s + 4] * vaddvq_s32(aieng__sdot16(vdupq_n_s32(0), vreinterpretq_s8_u8(q3), vld1q_s8((const int8_t *)y + 64 + 16 * k)));
                isum += sc[s + 6] * vaddvq_s32(aieng__sdot16(vdupq_n_s32(0), vreinterpretq_s8_u8(q4), vld1q_s8((const int8_t *)y + 96 + 16 * k)));
            }
        }
        sumf += (aieng__h2f(w + 208) * aieng__ldf(a)) * (float)(isum - 32 * off);
    }
    return sumf;
}
AIENG__QS float aieng__dot_f16_neon(const uint8_t *w, const uint8_t *a, int64_t n) {
    float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0);
    int64_t i = 0;
    float s;
    for (; i + 8 <= n; i += 8) {
        const float16x8_t x = vreinterpretq_f16_u16(vld1q_u16((const uint16_t *)(const void *)(w + 2 * i)));
        const float16x8_t y = vreinterpretq_f16_u16(vld1q_u16((const uint16_t *)(const void *)(a + 2 * i)));
        s0 = vfmaq_f32(s0, vcvt_f32_f16(vget_low_f16(x)), vcvt_f32_f16(vget_low_f16(y)));
        s1 = vfmaq_f32(s1, vcvt_high_f32_f16(x), vcvt_high_f32_f16(y));
    }
    s = vaddvq_f32(vaddq_f32(s0, s1));
    for (; i < n; i++) s += aieng__h2f(w + 2 * i) * aieng__h2f(a + 2 * i);
    return s;
}
AIENG__QS float aieng__dot_bf16_neon(const uint8_t *w, const uint8_t *a, int64_t n) {
    float32x4_t s0 = vdupq_n_f32(0), s1 = vdupq_n_f32(0);
    int64_t i = 0;
    float s;
    for (; i + 8 <= n; i += 8) {
        const uint16x8_t x = vld1q_u16((const uint16_t *)(const void *)(w + 2 * i));
        const uint16x8_t y = vld1q_u16((const uint16_t *)(const void *)(a + 2 * i));
        s0 = vfmaq_f32(s0, vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(x), 16)), vreinterpretq_f32_u32(vshll_n_u16(vget_low_u16(y), 16)));
        s1 = vfmaq_f32(s1, vreinterpretq_f32_u32(vshll_n_u16(vget_high_u16(x), 16)), vreinterpretq_f32_u32(vshll_n_u16(vget_high_u16(y), 16)));
    }
    s = vaddvq_f32(vaddq_f32(s0, s1));
    for (; i < n; i++) s += aieng_bf16_to_f32(aieng__ld16(w + 2 * i)) * aieng_bf16_to_f32(aieng__ld16(a + 2 * i));
    return s;
}
/* Σ a·b (l2 = 0) or Σ (a-b)² (l2 = 1) over int8 */
static int64_t aieng__i8_pairs_neon(const int8_t *a, const int8_t *b, int64_t n, int l2) {
    int64_t i = 0, s = 0;
    while (i + 16 <= n) {
        int32x4_t acc = vdupq_n_s32(0);
        const int64_t stop = n - i > 16 * 4096 ? i + 16 * 4096 : n;
        for (; i + 16 <= stop; i += 16) {
            const int8x16_t x = vld1q_s8(a + i), y = vld1q_s8(b + i);
            if (l2) {
                const int16x8_t d0 = vsubl_s8(vget_low_s8(x), vget_low_s8(y)), d1 = vsubl_s8(vget_high_s8(x), vget_high_s8(y));
                acc = vmlal_s16(acc, vget_low_s16(d0), vget_low_s16(d0));
                acc = vmlal_s16(acc, vget_high_s16(d0), vget_high_s16(d0));
                acc = vmlal_s16(acc, vget_low_s16(d1), vget_low_s16(d1));
                acc = vmlal_s16(acc, vget_high_s16(d1), vget_high_s16(d1));
            } else {
                acc = vpadalq_s16(acc, vmull_s8(vget_low_s8(x), vget_low_s8(y)));
                acc = vpadalq_s16(acc, vmull_s8(vget_high_s8(x), vget_high_s8(y)));
            }
        }
        s += vaddvq_s32(acc);
    }
    for (; i < n; i++) s += l2 ? (a[i] - b[i]) * (a[i] - b[i]) : a[i] * b[i];
    return s;
}
AIENG__QS int64_t aieng__i8_dot_neon(const int8_t *a, const int8_t *b, int64_t n) { return aieng__i8_pairs_neon(a, b, n, 0); }
AIENG__QS int64_t aieng__i8_l2sq_neon(const int8_t *a, const int8_t *b, int64_t n) { return aieng__i8_pairs_neon(a, b, n, 1); }
#define AIENG__DOT_F16 aieng__dot_f16_neon
#define AIENG__DOT_BF16 aieng__dot_bf16_neon
#define AIENG__DOT_Q4_0 aieng__dot_q4_0_neon
#define AIENG__DOT_Q4_1 aieng__dot_q4_1_neon
#define AIENG__DOT_Q5_0 aieng__dot_q5_0_neon
#define AIENG__DOT_Q5_1 aieng__dot_q5_1_neon
#define AIENG__DOT_Q8_0 aieng__dot_q8_0_neon
#define AIENG__DOT_MXFP4 aieng__dot_mxfp4_neon
#define AIENG__DOT_Q4_K aieng__dot_q4_k_neon
#define AIENG__DOT_Q5_K aieng__dot_q5_k_neon
#define AIENG__DOT_Q6_K aieng__dot_q6_k_neon
#define AIENG__I8_DOT aieng__i8_dot_neon
#define AIENG__I8_L2SQ aieng__i8_l2sq_neon
#endif /* AIENG_NEON */

/* Kernel selection: the SIMD kernels above define AIENG__DOT_* first. */
#ifndef AIENG__DOT_F16
#define AIENG__DOT_F16 aieng__dot_f16_s
#endif
#ifndef AIENG__DOT_BF16
#define AIENG__DOT_BF16 aieng__dot_bf16_s
#endif
#ifndef AIENG__DOT_Q4_0
#define AIENG__DOT_Q4_0 aieng__dot_q4_0_s
#endif
#ifndef AIENG__DOT_Q4_1
#define AIENG__DOT_Q4_1 aieng__dot_q4_1_s
#endif
#ifndef AIENG__DOT_Q5_0
#define AIENG__DOT_Q5_0 aieng__dot_q5_0_s
#endif
#ifndef AIENG__DOT_Q5_1
#define AIENG__DOT_Q5_1 aieng__dot_q5_1_s
#endif
#ifndef AIENG__DOT_Q8_0
#define AIENG__DOT_Q8_0 aieng__dot_q8_0_s
#endif
#ifndef AIENG__DOT_MXFP4
#define AIENG__DOT_MXFP4 aieng__dot_mxfp4_s
#endif
#ifndef AIENG__DOT_Q2_K
#define AIENG__DOT_Q2_K aieng__dot_q2_k_s
#endif
#ifndef AIENG__DOT_Q3_K
#define AIENG__DOT_Q3_K aieng__dot_q3_k_s
#endif
#ifndef AIENG__DOT_Q4_K
#define AIENG__DOT_Q4_K(w, a, nb) aieng__dot_q45_k_s(w, a, nb, 0)
#endif
#ifndef AIENG__DOT_Q5_K
#define AIENG__DOT_Q5_K(w, a, nb) aieng__dot_q45_k_s(w, a, nb, 1)
#endif
#ifndef AIENG__DOT_Q6_K
#define AIENG__DOT_Q6_K aieng__dot_q6_k_s
#endif
#ifndef AIENG__DOT_NF4
#define AIENG__DOT_NF4 aieng__dot_nf4_s
#endif
#ifndef AIENG__I8_DOT
#define AIENG__I8_DOT aieng__i8_dot_s
#endif
#ifndef AIENG__I8_L2SQ
#define AIENG__I8_L2SQ aieng__i8_l2sq_s
#endif

#ifndef AIENG__HAVE_DOT4
static int aieng__dot4(int wtype, const uint8_t *w, size_t ws, const uint8_t *a, int64_t n, float *out) {
    (void)wtype; (void)w; (void)ws; (void)a; (void)n; (void)out;
    return 0;
}
#endif

/* The tile kernel of a weight type for M > 1 (4 activation rows, or 8), or NULL. */
typedef void (*aieng__tile_fn)(const uint8_t *w, size_t ws, const uint8_t *a, size_t as, const float *f, const float *g,
                               int64_t nb, float *y, int64_t ldy);
static aieng__tile_fn aieng__tile(int wtype, int eight) {
#if defined(AIENG__HAVE_TILE)
    if (eight) return wtype == AIENG_QUANT_Q4_1 ? aieng__tile8_q4_1 : NULL;
    switch (wtype) {
    case AIENG_QUANT_Q4_0: return aieng__tile_q4_0;
    case AIENG_QUANT_Q4_1: return aieng__tile_q4_1;
    case AIENG_QUANT_Q8_0: return aieng__tile_q8_0;
    default: return NULL;
    }
#else
    (void)wtype; (void)eight;
    return NULL;
#endif
}
/* Bytes per activation row of the tiles' side data: d (and s) per block as
   floats, plus the offset terms of Q4_0/Q8_0 (8 int32 per block). The same
   in every build, so work sizes do not depend on the SIMD level. */
static size_t aieng__mm_side(int wtype, int64_t K) {
    const size_t nb = (size_t)(K / 32);
    if (wtype == AIENG_QUANT_Q4_1) return (nb * 8 + 63) & ~(size_t)63;
    if (wtype == AIENG_QUANT_Q4_0 || wtype == AIENG_QUANT_Q8_0) return (nb * 40 + 63) & ~(size_t)63;
    return 0;
}

/* ---------------------------------------------------------------- dispatch */
AIENG_API float aieng_quant_vec_dot(int wtype, const void *wv, const void *av, int64_t n) {
    const uint8_t *w = (const uint8_t *)wv, *a = (const uint8_t *)av;
    switch (wtype) {
    case AIENG_QUANT_F32: return aieng_vec_dot((const float *)wv, (const float *)av, n);
    case AIENG_QUANT_F16: return AIENG__DOT_F16(w, a, n);
    case AIENG_QUANT_BF16: return AIENG__DOT_BF16(w, a, n);
    case AIENG_QUANT_Q4_0: return AIENG__DOT_Q4_0(w, a, n / 32);
    case AIENG_QUANT_Q4_1: return AIENG__DOT_Q4_1(w, a, n / 32);
    case AIENG_QUANT_Q5_0: return AIENG__DOT_Q5_0(w, a, n / 32);
    case AIENG_QUANT_Q5_1: return AIENG__DOT_Q5_1(w, a, n / 32);
    case AIENG_QUANT_Q8_0: return AIENG__DOT_Q8_0(w, a, n / 32);
    case AIENG_QUANT_MXFP4: return AIENG__DOT_MXFP4(w, a, n / 32);
    case AIENG_QUANT_Q2_K: return AIENG__DOT_Q2_K(w, a, n / 256);
    case AIENG_QUANT_Q3_K: return AIENG__DOT_Q3_K(w, a, n / 256);
    case AIENG_QUANT_Q4_K: return AIENG__DOT_Q4_K(w, a, n / 256);
    case AIENG_QUANT_Q5_K: return AIENG__DOT_Q5_K(w, a, n / 256);
    case AIENG_QUANT_Q6_K: return AIENG__DOT_Q6_K(w, a, n / 256);
    case AIENG_QUANT_NF4: return AIENG__DOT_NF4(w, (const float *)av, n / 64);
    default: return 0.0f;
    }
}

/* ---------------------------------------------------------------- matmul */
AIENG_API size_t aieng_quant_matmul_work_size(int wtype, int64_t K, int64_t M) {
    size_t rb = 0;
    const int act = aieng_quant_vec_dot_type(wtype);
    if (act < 0 || act == AIENG_QUANT_F32 || K < 0 || M < 0) return 0;
    if (aieng_quant_row_bytes(act, K, &rb) != AIENG_OK) return 0;
    rb = (rb + 63) & ~(size_t)63;
    if (M >= 4) rb += aieng__mm_side(wtype, K);
    if (M > 0 && rb > (SIZE_MAX - 64) / (size_t)M) return 0;
    return rb * (size_t)M + 64;
}
typedef struct aieng__mmjob {
    int wtype, act;
    const uint8_t *W;
    size_t wrow;      /* bytes per weight row */
    int64_t K, M, ldx, ldy, N;
    const uint8_t *A; /* quantized activations, arow bytes apart (or x itself for F32 acts) */
    size_t arow;
    float *y;
    const float *x;   /* f32 activations (for the quantization task) */
    aieng__tile_fn tile, tile8; /* M >= 4 and a tile kernel (4 activation rows, or 8): side data below */
    float *ds;        /* side data of the tiles, 4·dss floats per group of four rows */
    size_t dss;
} aieng__mmjob;
/* The side data of activation row m for the tile kernels (see there), in
   the slot of its group of four rows. */
static void aieng__mm_side_row(const aieng__mmjob *j, int64_t m) {
    const uint8_t *q = j->A + (size_t)m * j->arow;
    const int64_t nb = j->K / 32, r = m & 3;
    float *f = j->ds + (size_t)(m - r) * j->dss;
    int32_t *c = (int32_t *)(void *)(f + 8 * nb) + r * nb * 8;
    const int32_t k = j->wtype == AIENG_QUANT_Q8_0 ? 128 : 8;
    int64_t b;
    int l;
    for (b = 0; b < nb; b++) {
        if (j->act == AIENG_QUANT_Q8_1) {
            f[8 * b + r] = aieng__h2f(q + 36 * b);
            f[8 * b + 4 + r] = aieng__h2f(q + 36 * b + 2);
        } else {
            const int8_t *qs = (const int8_t *)(q + 34 * b + 2);
            f[8 * b + r] = aieng__h2f(q + 34 * b);
            f[8 * b + 4 + r] = 0.0f;
            for (l = 0; l < 8; l++) c[8 * b + l] = -k * (qs[4 * l] + qs[4 * l + 1] + qs[4 * l + 2] + qs[4 * l + 3]);
        }
    }
}
static void aieng__act_task(void *ctx, int64_t begin, int64_t end, int tid) {
    const aieng__mmjob *j = (const aieng__mmjob *)ctx;
    int64_t m;
    (void)tid;
    for (m = begin; m < end; m++) {
        aieng_quant_quantize_act(j->act, j->x + m * j->ldx, (uint8_t *)(uintptr_t)j->A + (size_t)m * j->arow, j->K);
        if (j->tile && m < (j->M & ~(int64_t)3)) aieng__mm_side_row(j, m);
    }
}
static void aieng__mm_task(void *ctx, int64_t begin, int64_t end, int tid) {
    const aieng__mmjob *j = (const aieng__mmjob *)ctx;
    const int64_t tile = 16;
    const int four = aieng__dot4(j->wtype, NULL, 0, NULL, 0, NULL);
    int64_t n0, n, m;
    int r;
    (void)tid;
    for (n0 = begin; n0 < end; n0 += tile) {
        const int64_t n1 = n0 + tile < end ? n0 + tile : end;
        m = 0;
        /* 4 weight rows x 4 activation rows at a time, bit-identical to the
           one-row kernels (and so to M = 1 and to any thread split) */
        if (j->tile)
            while (m + 4 <= j->M) {
                const int rows = j->tile8 && m + 8 <= j->M ? 8 : 4;
                const aieng__tile_fn fn = rows == 8 ? j->tile8 : j->tile;
                const uint8_t *a = j->A + (size_t)m * j->arow;
                const float *f = j->ds + (size_t)m * j->dss;
                for (n = n0; n + 4 <= n1; n += 4)
                    fn(j->W + (size_t)n * j->wrow, j->wrow, a, j->arow, f, rows == 8 ? f + 4 * j->dss : NULL, j->K / 32,
                       j->y + m * j->ldy + n, j->ldy);
                for (; n < n1; n++)
                    for (r = 0; r < rows; r++)
                        j->y[(m + r) * j->ldy + n] =
                            aieng_quant_vec_dot(j->wtype, j->W + (size_t)n * j->wrow, a + (size_t)r * j->arow, j->K);
                m += rows;
            }
        for (; m < j->M; m++) {
            const uint8_t *a = j->A + (size_t)m * j->arow;
            float *yr = j->y + m * j->ldy;
            n = n0;
            /* four rows at a time (four memory streams, one activation load);
               bit-identical to the one-row kernels, so the split between
               threads does not change any result */
            if (four)
                for (; n + 4 <= n1; n += 4) aieng__dot4(j->wtype, j->W + (size_t)n * j->wrow, j->wrow, a, j->K, yr + n);
            for (; n < n1; n++) yr[n] = aieng_quant_vec_dot(j->wtype, j->W + (size_t)n * j->wrow, a, j->K);
        }
    }
}
/* Checks one product and fills job (weights, output); 1: nothing to compute */
static aieng_result aieng__mm_check(aieng__mmjob *job, int wtype, const void *W, int64_t N, int64_t K, const float *x,
                                    int64_t ldx, int64_t M, float *y, int64_t ldy, int *empty) {
    size_t wrow;
    int64_t m;
    aieng_result r;
    const int act = aieng_quant_vec_dot_type(wtype);
    *empty = 1;
    if (act < 0) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "aieng_quant_matmul: weight type %d (%s) has no dot product",
                                        wtype, aieng_quant_name(wtype) ? aieng_quant_name(wtype) : "unknown");
    if ((r = aieng_quant_row_bytes(wtype, K, &wrow)) != AIENG_OK) return r;
    if (N < 0 || M < 0 || ldx < K || ldy < N)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_matmul: bad sizes N=%lld K=%lld M=%lld ldx=%lld ldy=%lld",
                               (long long)N, (long long)K, (long long)M, (long long)ldx, (long long)ldy);
    if (N == 0 || M == 0) return AIENG_OK;
    if (!W || !x || !y) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_matmul: NULL pointer");
    if (K == 0) {
        for (m = 0; m < M; m++) memset(y + m * ldy, 0, (size_t)N * sizeof(float));
        return AIENG_OK;
    }
    *empty = 0;
    job->wtype = wtype; job->act = act; job->W = (const uint8_t *)W; job->wrow = wrow;
    job->K = K; job->M = M; job->ldx = ldx; job->ldy = ldy; job->y = y; job->x = x; job->N = N;
    job->tile = NULL; job->tile8 = NULL; job->ds = NULL; job->dss = 0;
    return AIENG_OK;
}
/* Quantizes the activations of a checked job (not F32 weights) into work or *own */
static aieng_result aieng__mm_acts(aieng__mmjob *job, void *work, size_t work_size, void **own) {
    const int64_t M = job->M, K = job->K;
    uint8_t *buf;
    const size_t need = aieng_quant_matmul_work_size(job->wtype, K, M);
    *own = NULL;
    if (job->act == AIENG_QUANT_F32) {
        job->A = (const uint8_t *)job->x;
        job->arow = (size_t)job->ldx * sizeof(float);
        return AIENG_OK;
    }
    if (need == 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_matmul: work size overflows");
    if (work) {
        if (work_size < need)
            return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_matmul: work buffer of %zu bytes, need %zu",
                                   work_size, need);
        buf = (uint8_t *)work;
    } else {
        *own = AIENG_MALLOC(need, NULL);
        if (!*own) return aieng_set_error(AIENG_ERR_OOM, "aieng_quant_matmul: cannot allocate %zu bytes", need);
        buf = (uint8_t *)*own;
    }
    buf = (uint8_t *)(((uintptr_t)buf + 63) & ~(uintptr_t)63);
    job->arow = (need - 64) / (size_t)M;
    job->A = buf;
    if (M >= 4 && (job->tile = aieng__tile(job->wtype, 0)) != NULL) {
        const size_t side = aieng__mm_side(job->wtype, K);
        job->tile8 = aieng__tile(job->wtype, 1);
        job->arow -= side;
        job->ds = (float *)(void *)(buf + job->arow * (size_t)M);
        job->dss = side / sizeof(float);
    }
    if (M > 1) aieng_parallel_for(M, 1, aieng__act_task, job);
    else aieng_quant_quantize_act(job->act, job->x, buf, K);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_quant_matmul_ex(int wtype, const void *W, int64_t N, int64_t K, const float *x,
                                             int64_t ldx, int64_t M, float *y, int64_t ldy, void *work,
                                             size_t work_size) {
    aieng__mmjob job;
    void *own = NULL;
    int empty;
    aieng_result r = aieng__mm_check(&job, wtype, W, N, K, x, ldx, M, y, ldy, &empty);
    if (r != AIENG_OK || empty) return r;
    if (wtype == AIENG_QUANT_F32) {
        if (M == 1) return aieng_sgemv(0, N, K, 1.0f, (const float *)W, K, x, 0.0f, y);
        return aieng_sgemm(0, 1, M, N, K, 1.0f, x, ldx, (const float *)W, K, 0.0f, y, ldy);
    }
    if ((r = aieng__mm_acts(&job, work, work_size, &own)) != AIENG_OK) return r;
    aieng_parallel_for(N, 16, aieng__mm_task, &job);
    if (own) AIENG_FREE(own, NULL);
    return AIENG_OK;
}
/* Several matrices against the same activations: chunks of 16 rows of all of
   them in one parallel_for (one thread hand-off instead of one per matrix). */
typedef struct aieng__mmmulti { aieng__mmjob j[8]; int64_t first[9]; int n; } aieng__mmmulti;
static void aieng__mm_multi_task(void *ctx, int64_t begin, int64_t end, int tid) {
    const aieng__mmmulti *mj = (const aieng__mmmulti *)ctx;
    int64_t c;
    int i = 0;
    for (c = begin; c < end; c++) {
        int64_t n0, n1;
        while (c >= mj->first[i + 1]) i++;
        n0 = (c - mj->first[i]) * 16;
        n1 = n0 + 16 < mj->j[i].N ? n0 + 16 : mj->j[i].N;
        aieng__mm_task((void *)(uintptr_t)&mj->j[i], n0, n1, tid);
    }
}
AIENG_API aieng_result aieng_quant_matmul_multi(const aieng_quant_mat *mats, int n_mats, int64_t K, const float *x,
                                                int64_t ldx, int64_t M, void *work, size_t work_size) {
    aieng__mmmulti mj;
    void *own = NULL;
    int i, k = 0, same = n_mats >= 1 && n_mats <= 8;
    aieng_result r;
    if (n_mats <= 0) return AIENG_OK;
    if (!mats) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_quant_matmul_multi: NULL pointer");
    for (i = 1; same && i < n_mats; i++) same = mats[i].type == mats[0].type;
    if (!same || mats[0].type == AIENG_QUANT_F32 || aieng_quant_vec_dot_type(mats[0].type) == AIENG_QUANT_F32) {
        for (i = 0; i < n_mats; i++)
            if ((r = aieng_quant_matmul_ex(mats[i].type, mats[i].W, mats[i].N, K, x, ldx, M, mats[i].y, mats[i].ldy, work,
                                           work_size)) != AIENG_OK)
                return r;
        return AIENG_OK;
    }
    mj.first[0] = 0;
    for (i = 0; i < n_mats; i++) {
        int empty;
        r = aieng__mm_check(&mj.j[k], mats[i].type, mats[i].W, mats[i].N, K, x, ldx, M, mats[i].y, mats[i].ldy, &empty);
        if (r != AIENG_OK) return r;
        if (empty) continue;
        mj.first[k + 1] = mj.first[k] + (mj.j[k].N + 15) / 16;
        k++;
    }
    if (k == 0) return AIENG_OK;
    mj.n = k;
    if ((r = aieng__mm_acts(&mj.j[0], work, work_size, &own)) != AIENG_OK) return r;
    for (i = 1; i < k; i++) { /* the same activations and side data */
        mj.j[i].A = mj.j[0].A; mj.j[i].arow = mj.j[0].arow;
        mj.j[i].tile = mj.j[0].tile; mj.j[i].tile8 = mj.j[0].tile8; mj.j[i].ds = mj.j[0].ds; mj.j[i].dss = mj.j[0].dss;
    }
    aieng_parallel_for(mj.first[k], 1, aieng__mm_multi_task, &mj);
    if (own) AIENG_FREE(own, NULL);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_quant_matmul(int wtype, const void *W, int64_t N, int64_t K, const float *x, int64_t M,
                                          float *y) {
    return aieng_quant_matmul_ex(wtype, W, N, K, x, K, M, y, N, NULL, 0);
}

/* ---------------------------------------------------------------- int8 rows */
AIENG_API float aieng_quant_i8_row(int8_t *q, const float *x, int64_t n) {
    const float d = n > 0 ? aieng__amax(x, n) / 127 : 0.0f;
    const float id = d != 0.0f ? 1.0f / d : 0.0f;
    int64_t i;
    for (i = 0; i < n; i++) q[i] = (int8_t)aieng__roundi(x[i] * id, -127, 127);
    return d;
}
AIENG_API int64_t aieng_quant_i8_dot(const int8_t *a, const int8_t *b, int64_t n) {
    return AIENG__I8_DOT(a, b, n);
}
AIENG_API int64_t aieng_quant_i8_l2sq(const int8_t *a, const int8_t *b, int64_t n) {
    return AIENG__I8_L2SQ(a, b, n);
}

AIENG_EXTERN_C_END

#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#pragma GCC pop_options
#endif

#endif /* AIENG_QUANT_IMPLEMENTATION */

/*
MIT License

Copyright (c) 2026 the aieng authors

Permission is hereby granted, free of charge, to any person obtaining a copy
of this software and associated documentation files (the "Software"), to deal
in the Software without restriction, including without limitation the rights
to use, copy, modify, merge, publish, distribute, sublicense, and/or sell
copies of the Software, and to permit persons to whom the Software is
furnished to do so, subject to the following conditions:

The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.

THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
*/
