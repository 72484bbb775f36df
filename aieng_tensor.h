/* aieng_tensor.h - tensors, SIMD kernels and a thread pool in one C header.
   v0.1.0 - MIT licence (see the end of the file).

   The base of the aieng collection: memory (allocator hooks, a bump arena over
   a caller buffer), f32 tensors with up to four dimensions and views, the
   kernels a transformer needs (elementwise with broadcasting, reductions,
   matmul, softmax, norms, activations, RoPE, embedding, top-k, cross-entropy),
   a BLAS-style aieng_sgemm/aieng_sgemv, f16/bf16 conversion, a PCG32 random
   generator, and the process-wide thread pool the other headers reuse.

   DO THIS in exactly one C or C++ file:
       #define _POSIX_C_SOURCE 200809L      (before any include; for threads)
       #define AIENG_TENSOR_IMPLEMENTATION  (or AIENG_IMPLEMENTATION for all)
       #include "aieng_tensor.h"
   and link with -lm (and -pthread where threads are on).

   QUICK START
       #define _POSIX_C_SOURCE 200809L
       #define AIENG_TENSOR_IMPLEMENTATION
       #include "aieng_tensor.h"
       #include <stdio.h>
       int main(void) {
           static unsigned char mem[1 << 16];
           aieng_arena arena;
           aieng_tensor a, b, c;
           aieng_arena_init(&arena, mem, sizeof mem);
           aieng_tensor_new(&arena, &a, 2, 3, 2, 1, 1);   // 2 rows of 3 (ne[0] = 3)
           aieng_tensor_new(&arena, &b, 2, 2, 3, 1, 1);   // 3 rows of 2
           aieng_tensor_new(&arena, &c, 2, 2, 2, 1, 1);   // 2 rows of 2
           for (int i = 0; i < 6; i++) { a.data[i] = (float)i; b.data[i] = 1.0f; }
           if (aieng_tensor_matmul(&c, &a, &b) != AIENG_OK) {
               printf("error: %s\n", aieng_last_error()); return 1;
           }
           printf("%g %g / %g %g\n", c.data[0], c.data[1], c.data[2], c.data[3]); // 3 3 / 12 12
           return 0;
       }

   CONVENTIONS
   - Shapes follow ggml/GGUF: ne[0] is the innermost (contiguous) dimension,
     so a matrix of R rows and C columns has ne = {C, R, 1, 1}. Strides st[]
     are in elements. A tensor never owns memory: it views an arena, a model
     file or any caller buffer.
   - Ops write into a destination tensor the caller made (like BLAS). Ops that
     can fail on caller shapes return an aieng_result and set aieng_last_error().
     A tensor with data == NULL (made by a measuring arena) is shape-checked
     and skipped: run the code once with aieng_arena_init_measure() to learn
     the bytes it needs, then again with a buffer of that size.
   - Results do not depend on the thread count: every output element is
     computed by one thread in a fixed order.

   OPTIONS (#define before including)
     AIENG_NO_SIMD        scalar reference paths only
     AIENG_NO_AVX512, AIENG_NO_AVX2, AIENG_NO_NEON   drop one SIMD level
     AIENG_NO_THREADS     no thread pool (threads are on by default on POSIX)
     AIENG_MAX_THREADS    upper bound of the pool (default 64)
     AIENG_SPIN_US        how long an idle worker spins before it sleeps (default 300 µs)
     AIENG_MALLOC/AIENG_REALLOC/AIENG_FREE   allocator (all three or none)
     AIENG_ASSERT         for programming errors only (default assert)
     AIENG_STATIC         make every function static

   API OVERVIEW
     memory   aieng_arena_init / _init_alloc / _init_measure / _alloc / _reset /
              _free, aieng_arena_used, aieng_arena_peak
     tensors  aieng_tensor_make, aieng_tensor_new, aieng_tensor_nelements,
              aieng_tensor_is_contiguous, aieng_tensor_reshape, _permute,
              _transpose, _slice, aieng_tensor_copy (also makes contiguous)
     convert  aieng_f32_to_f16, aieng_f16_to_f32, aieng_f32_to_bf16,
              aieng_bf16_to_f32 and the _row forms
     ops      aieng_tensor_add/sub/mul/div (broadcasting), _scale, _sum,
              _mean, _max, _argmax, _matmul (batched, optional transposed B),
              _softmax, _log_softmax, _layernorm, _rmsnorm, _gelu, _gelu_erf,
              _silu, _relu, _rope, _get_rows, aieng_topk, aieng_cross_entropy
     rows     aieng_vec_dot, _l2sq, _axpy, _scale, _sum, _max, aieng_softmax_row,
              aieng_log_softmax_row, aieng_rmsnorm_row, aieng_layernorm_row,
              aieng_gelu_row, aieng_gelu_erf_row, aieng_silu_row, aieng_relu_row,
              aieng_rope_row (raw pointers, no checks: for other headers' hot loops)
     BLAS     aieng_sgemm (row-major, transposes, alpha/beta), aieng_sgemv
     random   aieng_rng_seed, aieng_rng_u32, aieng_rng_uniform, aieng_rng_normal
     threads  aieng_set_threads, aieng_get_threads, aieng_parallel_for,
              aieng_set_parallel_for_hook, aieng_threads_shutdown

   THREADS
   The pool is created on first use with one thread per online CPU, including
   the calling thread. Idle workers spin for a few microseconds, then sleep on
   a condition variable: they burn no core between calls. aieng_parallel_for
   called from inside a task, or while another thread is using the pool, runs
   serially on the caller, so it is always safe to call. A program with its
   own job system installs aieng_set_parallel_for_hook().
   aieng_sgemm borrows one process-wide scratch buffer for its packing,
   grown to the largest size seen, so a warm program makes no allocation in
   any kernel; aieng_threads_shutdown() frees the pool and that buffer.

   VERSIONS
     0.1.0  first release
*/
#ifndef AIENG_TENSOR_H
#define AIENG_TENSOR_H

#define AIENG_TENSOR_VERSION_MAJOR 0
#define AIENG_TENSOR_VERSION_MINOR 1
#define AIENG_TENSOR_VERSION_PATCH 0

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

/* SIMD level, chosen at compile time. */
#if !defined(AIENG_NO_SIMD)
#if defined(__AVX512F__) && defined(__FMA__) && !defined(AIENG_NO_AVX512)
#define AIENG_AVX512 1
#endif
#if defined(__AVX2__) && defined(__FMA__) && !defined(AIENG_NO_AVX2)
#define AIENG_AVX2 1
#endif
#if (defined(__ARM_NEON) || defined(__ARM_NEON__)) && defined(__aarch64__) && !defined(AIENG_NO_NEON)
#define AIENG_NEON 1
#endif
#endif
#if !defined(AIENG_NO_THREADS) && !defined(AIENG_THREADS) && (defined(__unix__) || defined(__APPLE__))
#define AIENG_THREADS 1
#endif
#ifndef AIENG_MAX_THREADS
#define AIENG_MAX_THREADS 64
#endif
#ifndef AIENG_SPIN_US
#define AIENG_SPIN_US 300
#endif

AIENG_EXTERN_C_BEGIN

/* ---------------------------------------------------------------- memory */
typedef struct aieng_arena {
    unsigned char *base; /* NULL in measuring mode */
    size_t size;         /* capacity in bytes (SIZE_MAX when measuring) */
    size_t used;         /* bytes handed out so far */
    size_t peak;         /* largest `used` seen */
    int owned;           /* base came from aieng_arena_init_alloc */
    int measuring;       /* counts bytes, hands out no memory */
} aieng_arena;

/* An arena over a caller buffer: no heap at all. */
AIENG_API void aieng_arena_init(aieng_arena *a, void *buffer, size_t size);
/* An arena over `size` bytes from AIENG_MALLOC. */
AIENG_API aieng_result aieng_arena_init_alloc(aieng_arena *a, size_t size);
/* A measuring arena: allocations succeed with NULL data and only count bytes;
   aieng_arena_peak() then tells the buffer size the computation needs. */
AIENG_API void aieng_arena_init_measure(aieng_arena *a);
/* `bytes` aligned to `align` (a power of two, 0 = 64). NULL when the arena is
   exhausted (and always NULL when measuring; check a->measuring). */
AIENG_API void *aieng_arena_alloc(aieng_arena *a, size_t bytes, size_t align);
AIENG_API void aieng_arena_reset(aieng_arena *a, size_t used); /* back to a mark */
AIENG_API size_t aieng_arena_used(const aieng_arena *a);
AIENG_API size_t aieng_arena_peak(const aieng_arena *a);
AIENG_API void aieng_arena_free(aieng_arena *a);

/* ---------------------------------------------------------------- tensors */
#define AIENG_MAX_DIMS 4
typedef struct aieng_tensor {
    float *data;                 /* first element (NULL: measured only) */
    int64_t ne[AIENG_MAX_DIMS];  /* extent of each dimension, ne[0] innermost */
    int64_t st[AIENG_MAX_DIMS];  /* stride of each dimension, in elements */
    int ndim;                    /* 1..4; unused dimensions have ne = 1 */
} aieng_tensor;

/* A contiguous view of `data` with the given extents (ne[0] innermost). */
AIENG_API aieng_result aieng_tensor_make(aieng_tensor *t, float *data, int ndim, const int64_t *ne);
/* A new contiguous tensor from an arena: ne0 innermost; unused extents = 1. */
AIENG_API aieng_result aieng_tensor_new(aieng_arena *a, aieng_tensor *t, int ndim,
                                        int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3);
AIENG_API int64_t aieng_tensor_nelements(const aieng_tensor *t);
AIENG_API int aieng_tensor_is_contiguous(const aieng_tensor *t);
AIENG_API int aieng_tensor_same_shape(const aieng_tensor *a, const aieng_tensor *b);
/* Views (no copy). reshape needs a contiguous source. */
AIENG_API aieng_result aieng_tensor_reshape(aieng_tensor *out, const aieng_tensor *t, int ndim, const int64_t *ne);
/* out dimension i is t's dimension perm[i]. */
AIENG_API aieng_result aieng_tensor_permute(aieng_tensor *out, const aieng_tensor *t, const int *perm);
AIENG_API aieng_result aieng_tensor_transpose(aieng_tensor *out, const aieng_tensor *t, int d0, int d1);
/* Elements [begin, end) of dimension `dim`. */
AIENG_API aieng_result aieng_tensor_slice(aieng_tensor *out, const aieng_tensor *t, int dim, int64_t begin, int64_t end);
/* dst = src elementwise, any strides (same shape); makes strided data contiguous. */
AIENG_API aieng_result aieng_tensor_copy(aieng_tensor *dst, const aieng_tensor *src);
AIENG_API void aieng_tensor_fill(aieng_tensor *t, float v);

/* ---------------------------------------------------------------- f16 / bf16 */
AIENG_API uint16_t aieng_f32_to_f16(float f);   /* round to nearest even; NaN, Inf kept */
AIENG_API float aieng_f16_to_f32(uint16_t h);
AIENG_API uint16_t aieng_f32_to_bf16(float f);  /* round to nearest even; NaN kept quiet */
AIENG_API float aieng_bf16_to_f32(uint16_t h);
AIENG_API void aieng_f32_to_f16_row(uint16_t *dst, const float *src, int64_t n);
AIENG_API void aieng_f16_to_f32_row(float *dst, const uint16_t *src, int64_t n);
AIENG_API void aieng_f32_to_bf16_row(uint16_t *dst, const float *src, int64_t n);
AIENG_API void aieng_bf16_to_f32_row(float *dst, const uint16_t *src, int64_t n);

/* ---------------------------------------------------------------- tensor ops
   dst may alias an input of the same shape (in place) for elementwise ops. */
/* dst = a (op) b; a and b broadcast to dst's shape (each extent equal or 1). */
AIENG_API aieng_result aieng_tensor_add(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *b);
AIENG_API aieng_result aieng_tensor_sub(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *b);
AIENG_API aieng_result aieng_tensor_mul(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *b);
AIENG_API aieng_result aieng_tensor_div(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *b);
AIENG_API aieng_result aieng_tensor_scale(aieng_tensor *dst, const aieng_tensor *a, float s);
/* Reductions along `axis`: dst has a's shape with ne[axis] = 1. */
AIENG_API aieng_result aieng_tensor_sum(aieng_tensor *dst, const aieng_tensor *a, int axis);
AIENG_API aieng_result aieng_tensor_mean(aieng_tensor *dst, const aieng_tensor *a, int axis);
AIENG_API aieng_result aieng_tensor_max(aieng_tensor *dst, const aieng_tensor *a, int axis);
/* idx has nelements(a)/ne[axis] entries, in a's order with `axis` removed. First max wins. */
AIENG_API aieng_result aieng_tensor_argmax(int64_t *idx, int64_t n_idx, const aieng_tensor *a, int axis);
/* dst[., m, n] = sum_k a[., m, k] * b[., k, n]  (rows of a times b).
   In ne terms: a {K, M, B2, B3}, b {N, K, B2', B3'} (batch extents equal or 1),
   dst {N, M, B2, B3}. With transpose_b, b is {K, N, ...}: dst = a · bᵀ, the
   form of a linear layer with weights stored one output per row. */
AIENG_API aieng_result aieng_tensor_matmul(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *b);
AIENG_API aieng_result aieng_tensor_matmul_t(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *b);
/* Row ops work along ne[0] of every row. */
AIENG_API aieng_result aieng_tensor_softmax(aieng_tensor *dst, const aieng_tensor *a);
AIENG_API aieng_result aieng_tensor_log_softmax(aieng_tensor *dst, const aieng_tensor *a);
/* w, b: 1-D of ne[0] (either may be NULL). */
AIENG_API aieng_result aieng_tensor_layernorm(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *w,
                                              const aieng_tensor *b, float eps);
AIENG_API aieng_result aieng_tensor_rmsnorm(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *w, float eps);
AIENG_API aieng_result aieng_tensor_gelu(aieng_tensor *dst, const aieng_tensor *a);     /* tanh form */
AIENG_API aieng_result aieng_tensor_gelu_erf(aieng_tensor *dst, const aieng_tensor *a); /* exact erf form */
AIENG_API aieng_result aieng_tensor_silu(aieng_tensor *dst, const aieng_tensor *a);
AIENG_API aieng_result aieng_tensor_relu(aieng_tensor *dst, const aieng_tensor *a);
/* RoPE layouts. NORMAL rotates pairs (x0,x1),(x2,x3)... (GGUF llama files);
   NEOX rotates (x_i, x_{i+n_rot/2}) (HF checkpoints, Qwen, GPT-NeoX). */
#define AIENG_ROPE_NORMAL 0
#define AIENG_ROPE_NEOX 2
/* x {head_dim, n_heads, n_tokens, 1}; token t sits at position pos[t]; the
   first n_rot (even, <= head_dim) values of each head rotate with angle
   pos * base^(-2i/n_rot). dst may be x. */
AIENG_API aieng_result aieng_tensor_rope(aieng_tensor *dst, const aieng_tensor *x, const int32_t *pos,
                                         int n_rot, float base, int mode);
/* dst row i = table row ids[i]; table {D, V}, dst {D, n}. */
AIENG_API aieng_result aieng_tensor_get_rows(aieng_tensor *dst, const aieng_tensor *table, const int32_t *ids, int64_t n);
/* The k largest of x[0..n) in descending order (ties: lower index first). */
AIENG_API aieng_result aieng_topk(const float *x, int64_t n, int64_t k, int64_t *idx, float *val);
/* Mean cross-entropy of logits {V, T} against targets[T] (a target < 0 is
   ignored). With dlogits (same shape, may be NULL) also writes the gradient of
   the mean loss: (softmax - onehot) / n_counted. */
AIENG_API aieng_result aieng_cross_entropy(const aieng_tensor *logits, const int32_t *targets, float *loss,
                                           aieng_tensor *dlogits);

/* ---------------------------------------------------------------- row kernels
   Raw pointers, no checks: the building blocks other headers call in loops. */
AIENG_API float aieng_vec_dot(const float *x, const float *y, int64_t n);
AIENG_API float aieng_vec_l2sq(const float *x, const float *y, int64_t n);
AIENG_API void aieng_vec_axpy(float *y, float a, const float *x, int64_t n); /* y += a*x */
AIENG_API void aieng_vec_scale(float *y, float a, int64_t n);              /* y *= a */
AIENG_API float aieng_vec_sum(const float *x, int64_t n);
AIENG_API float aieng_vec_max(const float *x, int64_t n);
AIENG_API void aieng_softmax_row(float *y, const float *x, int64_t n);
AIENG_API void aieng_log_softmax_row(float *y, const float *x, int64_t n);
AIENG_API void aieng_rmsnorm_row(float *y, const float *x, const float *w, int64_t n, float eps);
AIENG_API void aieng_layernorm_row(float *y, const float *x, const float *w, const float *b, int64_t n, float eps);
AIENG_API void aieng_gelu_row(float *y, const float *x, int64_t n);
AIENG_API void aieng_gelu_erf_row(float *y, const float *x, int64_t n);
AIENG_API void aieng_silu_row(float *y, const float *x, int64_t n);
AIENG_API void aieng_relu_row(float *y, const float *x, int64_t n);
/* One head vector of head_dim values at position pos, in place. */
AIENG_API void aieng_rope_row(float *x, int n_rot, int64_t pos, float base, int mode);

/* ---------------------------------------------------------------- BLAS */
/* Row-major C = alpha·op(A)·op(B) + beta·C; op(A) is M×K, op(B) is K×N.
   trans_a/trans_b: 0 = as stored, nonzero = transposed (A stored K×M,
   B stored N×K: a linear layer's weights). beta = 0 ignores C's contents. */
AIENG_API aieng_result aieng_sgemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha,
                                   const float *A, int64_t lda, const float *B, int64_t ldb, float beta,
                                   float *C, int64_t ldc);
/* Row-major y = alpha·op(A)·x + beta·y with A stored M×N; op(A) = A (y has M
   entries, x N) or Aᵀ when trans (y has N, x M). */
AIENG_API aieng_result aieng_sgemv(int trans, int64_t M, int64_t N, float alpha, const float *A, int64_t lda,
                                   const float *x, float beta, float *y);

/* ---------------------------------------------------------------- random */
typedef struct aieng_rng { uint64_t state, inc; } aieng_rng; /* PCG32 (XSH-RR) */
AIENG_API void aieng_rng_seed(aieng_rng *r, uint64_t seed, uint64_t stream);
AIENG_API uint32_t aieng_rng_u32(aieng_rng *r);
AIENG_API float aieng_rng_uniform(aieng_rng *r); /* [0, 1) with 24 random bits */
AIENG_API float aieng_rng_normal(aieng_rng *r);  /* mean 0, sd 1 (Box-Muller) */

/* ---------------------------------------------------------------- threads */
/* Runs fn(ctx, begin, end, tid) over chunks covering [0, n); each chunk has
   at least `grain` items (except the last); tid is in [0, aieng_get_threads()). */
typedef void (*aieng_task_fn)(void *ctx, int64_t begin, int64_t end, int tid);
typedef void (*aieng_parallel_for_fn)(int64_t n, int64_t grain, aieng_task_fn fn, void *ctx, void *user);
AIENG_API void aieng_parallel_for(int64_t n, int64_t grain, aieng_task_fn fn, void *ctx);
/* n <= 0: one per online CPU. Takes effect at the next parallel_for. */
AIENG_API void aieng_set_threads(int n);
AIENG_API int aieng_get_threads(void);
/* Hand every parallel_for to the program's own job system (NULL restores the
   pool). The hook must call fn over disjoint chunks covering [0, n), with tid
   < aieng_get_threads() unique among concurrently running chunks. */
AIENG_API void aieng_set_parallel_for_hook(aieng_parallel_for_fn hook, void *user);
/* Joins and frees the pool's threads (optional; a later call makes a new one). */
AIENG_API void aieng_threads_shutdown(void);

AIENG_EXTERN_C_END
#endif /* AIENG_TENSOR_H */

/* ====================================================================== */
/*                             IMPLEMENTATION                             */
/* ====================================================================== */
#if (defined(AIENG_IMPLEMENTATION) || defined(AIENG_TENSOR_IMPLEMENTATION)) && !defined(AIENG_TENSOR_IMPLEMENTED)
#define AIENG_TENSOR_IMPLEMENTED
#if defined(__GNUC__) && !defined(__clang__)
/* GCC 12 warns falsely about uninitialized values inside its own AVX-512
   intrinsics (_mm512_reduce_add_ps) in C++ at -O2 */
#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wmaybe-uninitialized"
#pragma GCC diagnostic ignored "-Wuninitialized"
#endif
#include <string.h>
#include <math.h>
#include <float.h>
#if defined(AIENG_AVX512) || defined(AIENG_AVX2)
#include <immintrin.h>
#endif
#if defined(AIENG_NEON)
#include <arm_neon.h>
#endif
#ifdef AIENG_THREADS
#include <pthread.h>
#include <unistd.h>
#include <time.h>
#endif

AIENG_EXTERN_C_BEGIN

/* ---------------------------------------------------------------- memory */
AIENG_API void aieng_arena_init(aieng_arena *a, void *buffer, size_t size) {
    a->base = (unsigned char *)buffer;
    a->size = buffer ? size : 0;
    a->used = a->peak = 0;
    a->owned = 0;
    a->measuring = 0;
}
AIENG_API aieng_result aieng_arena_init_alloc(aieng_arena *a, size_t size) {
    void *p = AIENG_MALLOC(size ? size : 1, NULL);
    aieng_arena_init(a, NULL, 0);
    if (!p) return aieng_set_error(AIENG_ERR_OOM, "arena: cannot allocate %zu bytes", size);
    aieng_arena_init(a, p, size);
    a->owned = 1;
    return AIENG_OK;
}
AIENG_API void aieng_arena_init_measure(aieng_arena *a) {
    aieng_arena_init(a, NULL, 0);
    a->size = (size_t)-1;
    a->measuring = 1;
}
AIENG_API void *aieng_arena_alloc(aieng_arena *a, size_t bytes, size_t align) {
    size_t off;
    if (align == 0) align = 64;
    if (a->measuring) {
        off = (a->used + align - 1) & ~(align - 1);
        a->used = off + bytes;
        if (a->used > a->peak) a->peak = a->used;
        return NULL;
    }
    /* align the address, not just the offset */
    off = (size_t)((((uintptr_t)a->base + a->used + align - 1) & ~(uintptr_t)(align - 1)) - (uintptr_t)a->base);
    if (off > a->size || bytes > a->size - off) return NULL;
    a->used = off + bytes;
    if (a->used > a->peak) a->peak = a->used;
    return a->base + off;
}
AIENG_API void aieng_arena_reset(aieng_arena *a, size_t used) { if (used <= a->used) a->used = used; }
AIENG_API size_t aieng_arena_used(const aieng_arena *a) { return a->used; }
AIENG_API size_t aieng_arena_peak(const aieng_arena *a) { return a->peak; }
AIENG_API void aieng_arena_free(aieng_arena *a) {
    if (a->owned) AIENG_FREE(a->base, NULL);
    aieng_arena_init(a, NULL, 0);
}

/* ---------------------------------------------------------------- tensors */
static void aieng__set_contiguous_strides(aieng_tensor *t) {
    int i;
    t->st[0] = 1;
    for (i = 1; i < AIENG_MAX_DIMS; i++) t->st[i] = t->st[i - 1] * t->ne[i - 1];
}
static aieng_result aieng__check_extents(int ndim, const int64_t *ne) {
    int i;
    int64_t total = 1;
    if (ndim < 1 || ndim > AIENG_MAX_DIMS) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tensor: ndim %d not in 1..4", ndim);
    for (i = 0; i < ndim; i++) {
        if (ne[i] < 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tensor: negative extent ne[%d] = %lld", i, (long long)ne[i]);
        if (ne[i] > 0 && total > INT64_MAX / 8 / ne[i]) return aieng_set_error(AIENG_ERR_INVALID_ARG, "tensor: extents overflow");
        total *= ne[i];
    }
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tensor_make(aieng_tensor *t, float *data, int ndim, const int64_t *ne) {
    int i;
    aieng_result r = aieng__check_extents(ndim, ne);
    if (r != AIENG_OK) return r;
    t->data = data;
    t->ndim = ndim;
    for (i = 0; i < AIENG_MAX_DIMS; i++) t->ne[i] = i < ndim ? ne[i] : 1;
    aieng__set_contiguous_strides(t);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tensor_new(aieng_arena *a, aieng_tensor *t, int ndim, int64_t ne0, int64_t ne1,
                                        int64_t ne2, int64_t ne3) {
    int64_t ne[4];
    aieng_result r;
    void *p;
    ne[0] = ne0; ne[1] = ne1; ne[2] = ne2; ne[3] = ne3;
    r = aieng_tensor_make(t, NULL, ndim, ne);
    if (r != AIENG_OK) return r;
    p = aieng_arena_alloc(a, (size_t)aieng_tensor_nelements(t) * sizeof(float), 64);
    if (!p && !a->measuring)
        return aieng_set_error(AIENG_ERR_OOM, "arena: %lld floats do not fit (%zu of %zu bytes used)",
                               (long long)aieng_tensor_nelements(t), a->used, a->size);
    t->data = (float *)p;
    return AIENG_OK;
}
AIENG_API int64_t aieng_tensor_nelements(const aieng_tensor *t) { return t->ne[0] * t->ne[1] * t->ne[2] * t->ne[3]; }
AIENG_API int aieng_tensor_is_contiguous(const aieng_tensor *t) {
    int64_t s = 1;
    int i;
    for (i = 0; i < AIENG_MAX_DIMS; i++) {
        if (t->ne[i] != 1 && t->st[i] != s) return 0;
        s *= t->ne[i];
    }
    return 1;
}
AIENG_API int aieng_tensor_same_shape(const aieng_tensor *a, const aieng_tensor *b) {
    return a->ne[0] == b->ne[0] && a->ne[1] == b->ne[1] && a->ne[2] == b->ne[2] && a->ne[3] == b->ne[3];
}
AIENG_API aieng_result aieng_tensor_reshape(aieng_tensor *out, const aieng_tensor *t, int ndim, const int64_t *ne) {
    aieng_tensor r;
    aieng_result res;
    if (!aieng_tensor_is_contiguous(t)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "reshape: source is not contiguous (copy it first)");
    res = aieng_tensor_make(&r, t->data, ndim, ne);
    if (res != AIENG_OK) return res;
    if (aieng_tensor_nelements(&r) != aieng_tensor_nelements(t))
        return aieng_set_error(AIENG_ERR_SHAPE, "reshape: %lld elements into %lld", (long long)aieng_tensor_nelements(t),
                               (long long)aieng_tensor_nelements(&r));
    *out = r;
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tensor_permute(aieng_tensor *out, const aieng_tensor *t, const int *perm) {
    aieng_tensor r = *t;
    int i, seen = 0;
    for (i = 0; i < AIENG_MAX_DIMS; i++) {
        if (perm[i] < 0 || perm[i] >= AIENG_MAX_DIMS || (seen & (1 << perm[i])))
            return aieng_set_error(AIENG_ERR_INVALID_ARG, "permute: not a permutation of 0..3");
        seen |= 1 << perm[i];
        r.ne[i] = t->ne[perm[i]];
        r.st[i] = t->st[perm[i]];
    }
    r.ndim = AIENG_MAX_DIMS;
    while (r.ndim > 1 && r.ne[r.ndim - 1] == 1) r.ndim--;
    if (r.ndim < t->ndim) r.ndim = t->ndim;
    *out = r;
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tensor_transpose(aieng_tensor *out, const aieng_tensor *t, int d0, int d1) {
    int perm[4] = {0, 1, 2, 3};
    if (d0 < 0 || d0 > 3 || d1 < 0 || d1 > 3) return aieng_set_error(AIENG_ERR_INVALID_ARG, "transpose: dims %d, %d not in 0..3", d0, d1);
    perm[d0] = d1;
    perm[d1] = d0;
    return aieng_tensor_permute(out, t, perm);
}
AIENG_API aieng_result aieng_tensor_slice(aieng_tensor *out, const aieng_tensor *t, int dim, int64_t begin, int64_t end) {
    aieng_tensor r = *t;
    if (dim < 0 || dim > 3) return aieng_set_error(AIENG_ERR_INVALID_ARG, "slice: dim %d not in 0..3", dim);
    if (begin < 0 || end < begin || end > t->ne[dim])
        return aieng_set_error(AIENG_ERR_RANGE, "slice: [%lld, %lld) outside 0..%lld", (long long)begin, (long long)end,
                               (long long)t->ne[dim]);
    if (r.data) r.data += begin * t->st[dim];
    r.ne[dim] = end - begin;
    *out = r;
    return AIENG_OK;
}
#define AIENG__AT(t, i0, i1, i2, i3) ((t)->data + (i0) * (t)->st[0] + (i1) * (t)->st[1] + (i2) * (t)->st[2] + (i3) * (t)->st[3])
AIENG_API aieng_result aieng_tensor_copy(aieng_tensor *dst, const aieng_tensor *src) {
    int64_t i0, i1, i2, i3;
    if (!aieng_tensor_same_shape(dst, src)) return aieng_set_error(AIENG_ERR_SHAPE, "copy: shapes differ");
    if (!dst->data || !src->data) return AIENG_OK;
    for (i3 = 0; i3 < src->ne[3]; i3++)
        for (i2 = 0; i2 < src->ne[2]; i2++)
            for (i1 = 0; i1 < src->ne[1]; i1++) {
                const float *s = AIENG__AT(src, 0, i1, i2, i3);
                float *d = AIENG__AT(dst, 0, i1, i2, i3);
                if (src->st[0] == 1 && dst->st[0] == 1) memmove(d, s, (size_t)src->ne[0] * sizeof(float));
                else for (i0 = 0; i0 < src->ne[0]; i0++) d[i0 * dst->st[0]] = s[i0 * src->st[0]];
            }
    return AIENG_OK;
}
AIENG_API void aieng_tensor_fill(aieng_tensor *t, float v) {
    int64_t i0, i1, i2, i3;
    if (!t->data) return;
    for (i3 = 0; i3 < t->ne[3]; i3++)
        for (i2 = 0; i2 < t->ne[2]; i2++)
            for (i1 = 0; i1 < t->ne[1]; i1++)
                for (i0 = 0; i0 < t->ne[0]; i0++) *AIENG__AT(t, i0, i1, i2, i3) = v;
}

/* ---------------------------------------------------------------- f16 / bf16 */
static uint32_t aieng__f2u(float f) { uint32_t u; memcpy(&u, &f, 4); return u; }
static float aieng__u2f(uint32_t u) { float f; memcpy(&f, &u, 4); return f; }
AIENG_API uint16_t aieng_f32_to_f16(float f) {
    uint32_t x = aieng__f2u(f);
    uint32_t sign = (x >> 16) & 0x8000u;
    uint32_t ax = x & 0x7fffffffu;
    if (ax >= 0x7f800000u) /* Inf or NaN: keep NaN-ness (quiet, top payload bits) */
        return (uint16_t)(sign | 0x7c00u | (ax > 0x7f800000u ? (0x200u | ((ax >> 13) & 0x3ffu)) : 0u));
    if (ax >= 0x477ff000u) return (uint16_t)(sign | 0x7c00u); /* rounds to >= 65520: Inf */
    if (ax < 0x38800000u) { /* result is subnormal or zero: add 0.5 and let the FPU round to nearest even */
        float v = aieng__u2f(ax) + 0.5f;
        return (uint16_t)(sign | (aieng__f2u(v) - 0x3f000000u));
    }
    {
        uint32_t mant_odd = (ax >> 13) & 1u;
        ax += 0xc8000fffu + mant_odd; /* rebias exponent (-112 << 23) and round to nearest even */
        return (uint16_t)(sign | (ax >> 13));
    }
}
AIENG_API float aieng_f16_to_f32(uint16_t h) {
    uint32_t sign = (uint32_t)(h & 0x8000u) << 16;
    uint32_t exp = (h >> 10) & 0x1fu, mant = h & 0x3ffu;
    if (exp == 0) { /* zero or subnormal: mant * 2^-24 exactly */
        float v = (float)mant * 5.9604644775390625e-08f;
        return aieng__u2f(aieng__f2u(v) | sign);
    }
    if (exp == 31) return aieng__u2f(sign | 0x7f800000u | (mant << 13));
    return aieng__u2f(sign | ((exp + 112u) << 23) | (mant << 13));
}
AIENG_API uint16_t aieng_f32_to_bf16(float f) {
    uint32_t u = aieng__f2u(f);
    if ((u & 0x7fffffffu) > 0x7f800000u) return (uint16_t)((u >> 16) | 64u);
    return (uint16_t)((u + 0x7fffu + ((u >> 16) & 1u)) >> 16);
}
AIENG_API float aieng_bf16_to_f32(uint16_t h) { return aieng__u2f((uint32_t)h << 16); }
AIENG_API void aieng_f32_to_f16_row(uint16_t *dst, const float *src, int64_t n) {
    int64_t i = 0;
#if defined(AIENG_AVX2) && defined(__F16C__)
    for (; i + 8 <= n; i += 8)
        _mm_storeu_si128((__m128i *)(dst + i), _mm256_cvtps_ph(_mm256_loadu_ps(src + i), _MM_FROUND_TO_NEAREST_INT));
#endif
    for (; i < n; i++) dst[i] = aieng_f32_to_f16(src[i]);
}
AIENG_API void aieng_f16_to_f32_row(float *dst, const uint16_t *src, int64_t n) {
    int64_t i = 0;
#if defined(AIENG_AVX2) && defined(__F16C__)
    for (; i + 8 <= n; i += 8) _mm256_storeu_ps(dst + i, _mm256_cvtph_ps(_mm_loadu_si128((const __m128i *)(src + i))));
#endif
    for (; i < n; i++) dst[i] = aieng_f16_to_f32(src[i]);
}
AIENG_API void aieng_f32_to_bf16_row(uint16_t *dst, const float *src, int64_t n) {
    int64_t i;
    for (i = 0; i < n; i++) dst[i] = aieng_f32_to_bf16(src[i]);
}
AIENG_API void aieng_bf16_to_f32_row(float *dst, const uint16_t *src, int64_t n) {
    int64_t i;
    for (i = 0; i < n; i++) dst[i] = aieng_bf16_to_f32(src[i]);
}

static void *aieng__scratch_acquire(size_t bytes, int *borrowed);
static void aieng__scratch_release(void *p, int borrowed);

/* ---------------------------------------------------------------- SIMD layer
   One small vocabulary of vector operations per instruction set, so every
   row kernel below is written once: VF (vector of floats), VL (lanes), and
   load/store/arithmetic/horizontal reductions/exp. The scalar loops that
   follow each vector loop are also the whole scalar reference path. */
#if defined(AIENG_AVX512)
#define AIENG__VL 16
typedef __m512 aieng__vf;
#define aieng__load(p) _mm512_loadu_ps(p)
#define aieng__store(p, v) _mm512_storeu_ps((p), (v))
#define aieng__set1(x) _mm512_set1_ps(x)
#define aieng__add(a, b) _mm512_add_ps((a), (b))
#define aieng__sub(a, b) _mm512_sub_ps((a), (b))
#define aieng__mul(a, b) _mm512_mul_ps((a), (b))
#define aieng__div(a, b) _mm512_div_ps((a), (b))
#define aieng__fma(a, b, c) _mm512_fmadd_ps((a), (b), (c)) /* a*b + c */
#define aieng__max(a, b) _mm512_max_ps((a), (b))
#define aieng__min(a, b) _mm512_min_ps((a), (b))
#define aieng__hsum(v) _mm512_reduce_add_ps(v)
#define aieng__hmax(v) _mm512_reduce_max_ps(v)
#define aieng__round(v) _mm512_roundscale_ps((v), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define aieng__pow2i(n) _mm512_castsi512_ps(_mm512_slli_epi32(_mm512_add_epi32(_mm512_cvtps_epi32(n), _mm512_set1_epi32(127)), 23))
#elif defined(AIENG_AVX2)
#define AIENG__VL 8
typedef __m256 aieng__vf;
#define aieng__load(p) _mm256_loadu_ps(p)
#define aieng__store(p, v) _mm256_storeu_ps((p), (v))
#define aieng__set1(x) _mm256_set1_ps(x)
#define aieng__add(a, b) _mm256_add_ps((a), (b))
#define aieng__sub(a, b) _mm256_sub_ps((a), (b))
#define aieng__mul(a, b) _mm256_mul_ps((a), (b))
#define aieng__div(a, b) _mm256_div_ps((a), (b))
#define aieng__fma(a, b, c) _mm256_fmadd_ps((a), (b), (c))
#define aieng__max(a, b) _mm256_max_ps((a), (b))
#define aieng__min(a, b) _mm256_min_ps((a), (b))
static float aieng__hsum(__m256 v) {
    __m128 s = _mm_add_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_add_ps(s, _mm_movehl_ps(s, s));
    s = _mm_add_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
static float aieng__hmax(__m256 v) {
    __m128 s = _mm_max_ps(_mm256_castps256_ps128(v), _mm256_extractf128_ps(v, 1));
    s = _mm_max_ps(s, _mm_movehl_ps(s, s));
    s = _mm_max_ss(s, _mm_movehdup_ps(s));
    return _mm_cvtss_f32(s);
}
#define aieng__round(v) _mm256_round_ps((v), _MM_FROUND_TO_NEAREST_INT | _MM_FROUND_NO_EXC)
#define aieng__pow2i(n) _mm256_castsi256_ps(_mm256_slli_epi32(_mm256_add_epi32(_mm256_cvtps_epi32(n), _mm256_set1_epi32(127)), 23))
#elif defined(AIENG_NEON)
#define AIENG__VL 4
typedef float32x4_t aieng__vf;
#define aieng__load(p) vld1q_f32(p)
#define aieng__store(p, v) vst1q_f32((p), (v))
#define aieng__set1(x) vdupq_n_f32(x)
#define aieng__add(a, b) vaddq_f32((a), (b))
#define aieng__sub(a, b) vsubq_f32((a), (b))
#define aieng__mul(a, b) vmulq_f32((a), (b))
#define aieng__div(a, b) vdivq_f32((a), (b))
#define aieng__fma(a, b, c) vfmaq_f32((c), (a), (b))
#define aieng__max(a, b) vmaxq_f32((a), (b))
#define aieng__min(a, b) vminq_f32((a), (b))
#define aieng__hsum(v) vaddvq_f32(v)
#define aieng__hmax(v) vmaxvq_f32(v)
#define aieng__round(v) vrndnq_f32(v)
#define aieng__pow2i(n) vreinterpretq_f32_s32(vshlq_n_s32(vaddq_s32(vcvtq_s32_f32(n), vdupq_n_s32(127)), 23))
#endif

#ifdef AIENG__VL
/* exp(x) for a vector: Cody-Waite range reduction and the Cephes polynomial,
   within 2 ulp of expf over [-87, 88]; inputs are clamped to that range. */
static aieng__vf aieng__vexp(aieng__vf x) {
    aieng__vf n, r, p;
    x = aieng__min(aieng__max(x, aieng__set1(-87.33654f)), aieng__set1(88.37626f));
    n = aieng__round(aieng__mul(x, aieng__set1(1.44269504088896341f)));
    r = aieng__fma(n, aieng__set1(-0.693359375f), x);
    r = aieng__fma(n, aieng__set1(2.12194440e-4f), r);
    p = aieng__set1(1.9875691500E-4f);
    p = aieng__fma(p, r, aieng__set1(1.3981999507E-3f));
    p = aieng__fma(p, r, aieng__set1(8.3334519073E-3f));
    p = aieng__fma(p, r, aieng__set1(4.1665795894E-2f));
    p = aieng__fma(p, r, aieng__set1(1.6666665459E-1f));
    p = aieng__fma(p, r, aieng__set1(5.0000001201E-1f));
    p = aieng__fma(p, aieng__mul(r, r), aieng__add(r, aieng__set1(1.0f)));
    /* 2^n in two halves so that n = 128 (x near 88.4) does not overflow */
    {
        aieng__vf h = aieng__round(aieng__mul(n, aieng__set1(0.5f)));
        return aieng__mul(aieng__mul(p, aieng__pow2i(h)), aieng__pow2i(aieng__sub(n, h)));
    }
}
#endif

/* ---------------------------------------------------------------- row kernels */
AIENG_API float aieng_vec_dot(const float *x, const float *y, int64_t n) {
    int64_t i = 0;
    float s = 0.0f;
#ifdef AIENG__VL
    aieng__vf a0 = aieng__set1(0.0f), a1 = a0, a2 = a0, a3 = a0;
    for (; i + 4 * AIENG__VL <= n; i += 4 * AIENG__VL) {
        a0 = aieng__fma(aieng__load(x + i), aieng__load(y + i), a0);
        a1 = aieng__fma(aieng__load(x + i + AIENG__VL), aieng__load(y + i + AIENG__VL), a1);
        a2 = aieng__fma(aieng__load(x + i + 2 * AIENG__VL), aieng__load(y + i + 2 * AIENG__VL), a2);
        a3 = aieng__fma(aieng__load(x + i + 3 * AIENG__VL), aieng__load(y + i + 3 * AIENG__VL), a3);
    }
    for (; i + AIENG__VL <= n; i += AIENG__VL) a0 = aieng__fma(aieng__load(x + i), aieng__load(y + i), a0);
    s = aieng__hsum(aieng__add(aieng__add(a0, a1), aieng__add(a2, a3)));
#endif
    for (; i < n; i++) s += x[i] * y[i];
    return s;
}
AIENG_API float aieng_vec_l2sq(const float *x, const float *y, int64_t n) {
    int64_t i = 0;
    float s = 0.0f;
#ifdef AIENG__VL
    aieng__vf a0 = aieng__set1(0.0f), a1 = a0;
    for (; i + 2 * AIENG__VL <= n; i += 2 * AIENG__VL) {
        aieng__vf d0 = aieng__sub(aieng__load(x + i), aieng__load(y + i));
        aieng__vf d1 = aieng__sub(aieng__load(x + i + AIENG__VL), aieng__load(y + i + AIENG__VL));
        a0 = aieng__fma(d0, d0, a0);
        a1 = aieng__fma(d1, d1, a1);
    }
    for (; i + AIENG__VL <= n; i += AIENG__VL) {
        aieng__vf d = aieng__sub(aieng__load(x + i), aieng__load(y + i));
        a0 = aieng__fma(d, d, a0);
    }
    s = aieng__hsum(aieng__add(a0, a1));
#endif
    for (; i < n; i++) { float d = x[i] - y[i]; s += d * d; }
    return s;
}
AIENG_API void aieng_vec_axpy(float *y, float a, const float *x, int64_t n) {
    int64_t i = 0;
#ifdef AIENG__VL
    aieng__vf va = aieng__set1(a);
    for (; i + AIENG__VL <= n; i += AIENG__VL) aieng__store(y + i, aieng__fma(va, aieng__load(x + i), aieng__load(y + i)));
#endif
    for (; i < n; i++) y[i] += a * x[i];
}
AIENG_API void aieng_vec_scale(float *y, float a, int64_t n) {
    int64_t i = 0;
#ifdef AIENG__VL
    aieng__vf va = aieng__set1(a);
    for (; i + AIENG__VL <= n; i += AIENG__VL) aieng__store(y + i, aieng__mul(va, aieng__load(y + i)));
#endif
    for (; i < n; i++) y[i] *= a;
}
AIENG_API float aieng_vec_sum(const float *x, int64_t n) {
    int64_t i = 0;
    float s = 0.0f;
#ifdef AIENG__VL
    aieng__vf a0 = aieng__set1(0.0f), a1 = a0;
    for (; i + 2 * AIENG__VL <= n; i += 2 * AIENG__VL) {
        a0 = aieng__add(a0, aieng__load(x + i));
        a1 = aieng__add(a1, aieng__load(x + i + AIENG__VL));
    }
    for (; i + AIENG__VL <= n; i += AIENG__VL) a0 = aieng__add(a0, aieng__load(x + i));
    s = aieng__hsum(aieng__add(a0, a1));
#endif
    for (; i < n; i++) s += x[i];
    return s;
}
AIENG_API float aieng_vec_max(const float *x, int64_t n) {
    int64_t i = 0;
    float m = -INFINITY;
#ifdef AIENG__VL
    if (n >= AIENG__VL) {
        aieng__vf a = aieng__load(x);
        for (i = AIENG__VL; i + AIENG__VL <= n; i += AIENG__VL) a = aieng__max(a, aieng__load(x + i));
        m = aieng__hmax(a);
    }
#endif
    for (; i < n; i++) m = x[i] > m ? x[i] : m;
    return m;
}
/* y = exp(x - m), returns the sum */
static float aieng__exp_shift_sum(float *y, const float *x, float m, int64_t n) {
    int64_t i = 0;
    float s = 0.0f;
#ifdef AIENG__VL
    aieng__vf vm = aieng__set1(m), acc = aieng__set1(0.0f);
    for (; i + AIENG__VL <= n; i += AIENG__VL) {
        aieng__vf e = aieng__vexp(aieng__sub(aieng__load(x + i), vm));
        aieng__store(y + i, e);
        acc = aieng__add(acc, e);
    }
    s = aieng__hsum(acc);
#endif
    for (; i < n; i++) { y[i] = expf(x[i] - m); s += y[i]; }
    return s;
}
AIENG_API void aieng_softmax_row(float *y, const float *x, int64_t n) {
    float m, s;
    if (n <= 0) return;
    m = aieng_vec_max(x, n);
    if (m == -INFINITY) { /* every logit masked: define the result as uniform */
        int64_t i;
        for (i = 0; i < n; i++) y[i] = 1.0f / (float)n;
        return;
    }
    s = aieng__exp_shift_sum(y, x, m, n);
    aieng_vec_scale(y, 1.0f / s, n);
}
/* log(sum(exp(x))) in one vectorized pass after the max: shared by
   log-softmax and cross-entropy */
static float aieng__logsumexp(const float *x, int64_t n) {
    int64_t i = 0;
    float m = aieng_vec_max(x, n), s = 0.0f;
    if (m == -INFINITY || m == INFINITY || m != m) return m;
#ifdef AIENG__VL
    {
        aieng__vf vm = aieng__set1(m), acc = aieng__set1(0.0f);
        for (; i + AIENG__VL <= n; i += AIENG__VL) acc = aieng__add(acc, aieng__vexp(aieng__sub(aieng__load(x + i), vm)));
        s = aieng__hsum(acc);
    }
#endif
    for (; i < n; i++) s += expf(x[i] - m);
    return m + logf(s);
}
AIENG_API void aieng_log_softmax_row(float *y, const float *x, int64_t n) {
    int64_t i;
    float lse;
    if (n <= 0) return;
    lse = aieng__logsumexp(x, n);
    for (i = 0; i < n; i++) y[i] = x[i] - lse;
}
AIENG_API void aieng_rmsnorm_row(float *y, const float *x, const float *w, int64_t n, float eps) {
    int64_t i = 0;
    float ss = aieng_vec_dot(x, x, n), scale = 1.0f / sqrtf(ss / (float)n + eps);
    if (!w) { if (y != x) memcpy(y, x, (size_t)n * sizeof(float)); aieng_vec_scale(y, scale, n); return; }
#ifdef AIENG__VL
    {
        aieng__vf vs = aieng__set1(scale);
        for (; i + AIENG__VL <= n; i += AIENG__VL) aieng__store(y + i, aieng__mul(aieng__mul(aieng__load(x + i), vs), aieng__load(w + i)));
    }
#endif
    for (; i < n; i++) y[i] = x[i] * scale * w[i];
}
AIENG_API void aieng_layernorm_row(float *y, const float *x, const float *w, const float *b, int64_t n, float eps) {
    int64_t i = 0;
    float mean = aieng_vec_sum(x, n) / (float)n, var = 0.0f, rstd;
#ifdef AIENG__VL
    {
        aieng__vf vm = aieng__set1(mean), acc = aieng__set1(0.0f);
        for (; i + AIENG__VL <= n; i += AIENG__VL) { aieng__vf d = aieng__sub(aieng__load(x + i), vm); acc = aieng__fma(d, d, acc); }
        var = aieng__hsum(acc);
    }
#endif
    for (; i < n; i++) { float d = x[i] - mean; var += d * d; }
    rstd = 1.0f / sqrtf(var / (float)n + eps);
    for (i = 0; i < n; i++) {
        float v = (x[i] - mean) * rstd;
        if (w) v *= w[i];
        if (b) v += b[i];
        y[i] = v;
    }
}
AIENG_API void aieng_silu_row(float *y, const float *x, int64_t n) {
    int64_t i = 0;
#ifdef AIENG__VL
    aieng__vf one = aieng__set1(1.0f), zero = aieng__set1(0.0f);
    for (; i + AIENG__VL <= n; i += AIENG__VL) {
        aieng__vf v = aieng__load(x + i);
        aieng__store(y + i, aieng__div(v, aieng__add(one, aieng__vexp(aieng__sub(zero, v)))));
    }
#endif
    for (; i < n; i++) y[i] = x[i] / (1.0f + expf(-x[i]));
}
AIENG_API void aieng_relu_row(float *y, const float *x, int64_t n) {
    int64_t i;
    for (i = 0; i < n; i++) y[i] = x[i] > 0.0f ? x[i] : 0.0f;
}
AIENG_API void aieng_gelu_row(float *y, const float *x, int64_t n) {
    /* 0.5·x·(1 + tanh(√(2/π)·(x + 0.044715·x³))), tanh(u) = 1 − 2/(e^{2u} + 1) */
    int64_t i = 0;
    const float c = 0.7978845608028654f, k = 0.044715f;
#ifdef AIENG__VL
    aieng__vf vc = aieng__set1(c), vk = aieng__set1(k), one = aieng__set1(1.0f), two = aieng__set1(2.0f), half = aieng__set1(0.5f);
    for (; i + AIENG__VL <= n; i += AIENG__VL) {
        aieng__vf v = aieng__load(x + i);
        aieng__vf u = aieng__mul(vc, aieng__fma(aieng__mul(vk, v), aieng__mul(v, v), v));
        aieng__vf t = aieng__sub(one, aieng__div(two, aieng__add(aieng__vexp(aieng__mul(two, u)), one)));
        aieng__store(y + i, aieng__mul(aieng__mul(half, v), aieng__add(one, t)));
    }
#endif
    for (; i < n; i++) {
        float v = x[i];
        y[i] = 0.5f * v * (1.0f + tanhf(c * (v + k * v * v * v)));
    }
}
AIENG_API void aieng_gelu_erf_row(float *y, const float *x, int64_t n) {
    int64_t i;
    for (i = 0; i < n; i++) y[i] = 0.5f * x[i] * (1.0f + erff(x[i] * 0.70710678118654752f));
}
AIENG_API void aieng_rope_row(float *x, int n_rot, int64_t pos, float base, int mode) {
    int i, half = n_rot / 2;
    /* frequencies base^(-2i/n_rot) by repeated multiplication, in double so
       that positions up to millions keep their precision; one pow per row */
    double step = pow((double)base, -2.0 / (double)n_rot), freq = 1.0;
    for (i = 0; i < half; i++, freq *= step) {
        double theta = (double)pos * freq;
        float c = (float)cos(theta), s = (float)sin(theta);
        float *a = mode == AIENG_ROPE_NEOX ? x + i : x + 2 * i;
        float *b = mode == AIENG_ROPE_NEOX ? x + i + half : x + 2 * i + 1;
        float x0 = *a, x1 = *b;
        *a = x0 * c - x1 * s;
        *b = x0 * s + x1 * c;
    }
}

/* ---------------------------------------------------------------- tensor ops */
static aieng_result aieng__need_rows(const aieng_tensor *t, const char *op) {
    if (t->st[0] != 1 && t->ne[0] > 1) return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: rows must be contiguous (st[0] == 1)", op);
    return AIENG_OK;
}
/* binary elementwise with broadcasting */
enum { AIENG__ADD, AIENG__SUB, AIENG__MUL, AIENG__DIV };
typedef struct { aieng_tensor d, a, b; int op; } aieng__bin_job;
static void aieng__bin_row(float *d, const float *a, int64_t sa, const float *b, int64_t sb, int64_t n, int op) {
    int64_t i = 0;
#ifdef AIENG__VL
    if (sa == 1 && sb == 1) {
        for (; i + AIENG__VL <= n; i += AIENG__VL) {
            aieng__vf x = aieng__load(a + i), y = aieng__load(b + i), r;
            switch (op) {
            case AIENG__ADD: r = aieng__add(x, y); break;
            case AIENG__SUB: r = aieng__sub(x, y); break;
            case AIENG__MUL: r = aieng__mul(x, y); break;
            default: r = aieng__div(x, y); break;
            }
            aieng__store(d + i, r);
        }
    }
#endif
    for (; i < n; i++) {
        float x = a[i * sa], y = b[i * sb];
        d[i] = op == AIENG__ADD ? x + y : op == AIENG__SUB ? x - y : op == AIENG__MUL ? x * y : x / y;
    }
}
static void aieng__bin_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__bin_job *j = (aieng__bin_job *)ctx;
    int64_t r;
    (void)tid;
    for (r = begin; r < end; r++) {
        int64_t i1 = r % j->d.ne[1], i2 = (r / j->d.ne[1]) % j->d.ne[2], i3 = r / (j->d.ne[1] * j->d.ne[2]);
        aieng__bin_row(AIENG__AT(&j->d, 0, i1, i2, i3), AIENG__AT(&j->a, 0, i1, i2, i3), j->a.st[0],
                       AIENG__AT(&j->b, 0, i1, i2, i3), j->b.st[0], j->d.ne[0], j->op);
    }
}
static aieng_result aieng__binary(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *b, int op, const char *name) {
    aieng__bin_job j;
    int i;
    if (aieng__need_rows(dst, name) != AIENG_OK) return AIENG_ERR_INVALID_ARG;
    j.d = *dst; j.a = *a; j.b = *b; j.op = op;
    for (i = 0; i < AIENG_MAX_DIMS; i++) {
        if (a->ne[i] != dst->ne[i] && a->ne[i] != 1)
            return aieng_set_error(AIENG_ERR_SHAPE, "%s: a's ne[%d] = %lld does not broadcast to %lld", name, i, (long long)a->ne[i], (long long)dst->ne[i]);
        if (b->ne[i] != dst->ne[i] && b->ne[i] != 1)
            return aieng_set_error(AIENG_ERR_SHAPE, "%s: b's ne[%d] = %lld does not broadcast to %lld", name, i, (long long)b->ne[i], (long long)dst->ne[i]);
        if (a->ne[i] == 1) j.a.st[i] = 0; /* broadcast: stay on the one element */
        if (b->ne[i] == 1) j.b.st[i] = 0;
    }
    if (!dst->data || !a->data || !b->data) return AIENG_OK;
    aieng_parallel_for(dst->ne[1] * dst->ne[2] * dst->ne[3], 1 + 16384 / (dst->ne[0] + 1), aieng__bin_task, &j);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tensor_add(aieng_tensor *d, const aieng_tensor *a, const aieng_tensor *b) { return aieng__binary(d, a, b, AIENG__ADD, "add"); }
AIENG_API aieng_result aieng_tensor_sub(aieng_tensor *d, const aieng_tensor *a, const aieng_tensor *b) { return aieng__binary(d, a, b, AIENG__SUB, "sub"); }
AIENG_API aieng_result aieng_tensor_mul(aieng_tensor *d, const aieng_tensor *a, const aieng_tensor *b) { return aieng__binary(d, a, b, AIENG__MUL, "mul"); }
AIENG_API aieng_result aieng_tensor_div(aieng_tensor *d, const aieng_tensor *a, const aieng_tensor *b) { return aieng__binary(d, a, b, AIENG__DIV, "div"); }

/* unary row ops: one kernel over every row, in parallel */
enum { AIENG__SCALE, AIENG__SOFTMAX, AIENG__LOGSOFTMAX, AIENG__GELU, AIENG__GELU_ERF, AIENG__SILU, AIENG__RELU,
       AIENG__LAYERNORM, AIENG__RMSNORM };
typedef struct { aieng_tensor d, a; int op; float s; const float *w, *b; } aieng__row_job;
static void aieng__row_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__row_job *j = (aieng__row_job *)ctx;
    int64_t r, n = j->d.ne[0];
    (void)tid;
    for (r = begin; r < end; r++) {
        int64_t i1 = r % j->d.ne[1], i2 = (r / j->d.ne[1]) % j->d.ne[2], i3 = r / (j->d.ne[1] * j->d.ne[2]);
        float *y = AIENG__AT(&j->d, 0, i1, i2, i3);
        const float *x = AIENG__AT(&j->a, 0, i1, i2, i3);
        switch (j->op) {
        case AIENG__SCALE: if (y != x) memmove(y, x, (size_t)n * sizeof(float)); aieng_vec_scale(y, j->s, n); break;
        case AIENG__SOFTMAX: aieng_softmax_row(y, x, n); break;
        case AIENG__LOGSOFTMAX: aieng_log_softmax_row(y, x, n); break;
        case AIENG__GELU: aieng_gelu_row(y, x, n); break;
        case AIENG__GELU_ERF: aieng_gelu_erf_row(y, x, n); break;
        case AIENG__SILU: aieng_silu_row(y, x, n); break;
        case AIENG__RELU: aieng_relu_row(y, x, n); break;
        case AIENG__LAYERNORM: aieng_layernorm_row(y, x, j->w, j->b, n, j->s); break;
        default: aieng_rmsnorm_row(y, x, j->w, n, j->s); break;
        }
    }
}
static aieng_result aieng__rows(aieng_tensor *dst, const aieng_tensor *a, int op, float s, const aieng_tensor *w,
                                const aieng_tensor *b, const char *name) {
    aieng__row_job j;
    if (!aieng_tensor_same_shape(dst, a)) return aieng_set_error(AIENG_ERR_SHAPE, "%s: dst and input shapes differ", name);
    if (aieng__need_rows(dst, name) != AIENG_OK || aieng__need_rows(a, name) != AIENG_OK) return AIENG_ERR_INVALID_ARG;
    if (w && (aieng_tensor_nelements(w) != a->ne[0] || !aieng_tensor_is_contiguous(w)))
        return aieng_set_error(AIENG_ERR_SHAPE, "%s: weight must be a contiguous vector of %lld", name, (long long)a->ne[0]);
    if (b && (aieng_tensor_nelements(b) != a->ne[0] || !aieng_tensor_is_contiguous(b)))
        return aieng_set_error(AIENG_ERR_SHAPE, "%s: bias must be a contiguous vector of %lld", name, (long long)a->ne[0]);
    if (!dst->data || !a->data || (w && !w->data) || (b && !b->data)) return AIENG_OK;
    j.d = *dst; j.a = *a; j.op = op; j.s = s; j.w = w ? w->data : NULL; j.b = b ? b->data : NULL;
    aieng_parallel_for(a->ne[1] * a->ne[2] * a->ne[3], 1 + 8192 / (a->ne[0] + 1), aieng__row_task, &j);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tensor_scale(aieng_tensor *d, const aieng_tensor *a, float s) { return aieng__rows(d, a, AIENG__SCALE, s, NULL, NULL, "scale"); }
AIENG_API aieng_result aieng_tensor_softmax(aieng_tensor *d, const aieng_tensor *a) { return aieng__rows(d, a, AIENG__SOFTMAX, 0, NULL, NULL, "softmax"); }
AIENG_API aieng_result aieng_tensor_log_softmax(aieng_tensor *d, const aieng_tensor *a) { return aieng__rows(d, a, AIENG__LOGSOFTMAX, 0, NULL, NULL, "log_softmax"); }
AIENG_API aieng_result aieng_tensor_gelu(aieng_tensor *d, const aieng_tensor *a) { return aieng__rows(d, a, AIENG__GELU, 0, NULL, NULL, "gelu"); }
AIENG_API aieng_result aieng_tensor_gelu_erf(aieng_tensor *d, const aieng_tensor *a) { return aieng__rows(d, a, AIENG__GELU_ERF, 0, NULL, NULL, "gelu_erf"); }
AIENG_API aieng_result aieng_tensor_silu(aieng_tensor *d, const aieng_tensor *a) { return aieng__rows(d, a, AIENG__SILU, 0, NULL, NULL, "silu"); }
AIENG_API aieng_result aieng_tensor_relu(aieng_tensor *d, const aieng_tensor *a) { return aieng__rows(d, a, AIENG__RELU, 0, NULL, NULL, "relu"); }
AIENG_API aieng_result aieng_tensor_layernorm(aieng_tensor *d, const aieng_tensor *a, const aieng_tensor *w, const aieng_tensor *b, float eps) {
    return aieng__rows(d, a, AIENG__LAYERNORM, eps, w, b, "layernorm");
}
AIENG_API aieng_result aieng_tensor_rmsnorm(aieng_tensor *d, const aieng_tensor *a, const aieng_tensor *w, float eps) {
    return aieng__rows(d, a, AIENG__RMSNORM, eps, w, NULL, "rmsnorm");
}

/* reductions along an axis (sum = 0, mean = 1, max = 2), in index order */
static aieng_result aieng__reduce(aieng_tensor *dst, const aieng_tensor *a, int axis, int kind, const char *name) {
    int64_t i0, i1, i2, i3, k, n;
    int i;
    if (axis < 0 || axis > 3) return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: axis %d not in 0..3", name, axis);
    for (i = 0; i < AIENG_MAX_DIMS; i++)
        if (dst->ne[i] != (i == axis ? 1 : a->ne[i]))
            return aieng_set_error(AIENG_ERR_SHAPE, "%s: dst ne[%d] = %lld, want %lld", name, i, (long long)dst->ne[i],
                                   (long long)(i == axis ? 1 : a->ne[i]));
    n = a->ne[axis];
    if (n == 0 && kind == 2) return aieng_set_error(AIENG_ERR_SHAPE, "%s: max of an empty axis", name);
    if (!dst->data || !a->data) return AIENG_OK;
    for (i3 = 0; i3 < dst->ne[3]; i3++)
        for (i2 = 0; i2 < dst->ne[2]; i2++)
            for (i1 = 0; i1 < dst->ne[1]; i1++)
                for (i0 = 0; i0 < dst->ne[0]; i0++) {
                    const float *p = AIENG__AT(a, i0, i1, i2, i3);
                    int64_t s = a->st[axis];
                    float acc;
                    if (axis == 0 && s == 1) acc = kind == 2 ? aieng_vec_max(p, n) : aieng_vec_sum(p, n);
                    else {
                        acc = kind == 2 ? -INFINITY : 0.0f;
                        for (k = 0; k < n; k++) acc = kind == 2 ? (p[k * s] > acc ? p[k * s] : acc) : acc + p[k * s];
                    }
                    if (kind == 1) acc = n ? acc / (float)n : NAN;
                    *AIENG__AT(dst, i0, i1, i2, i3) = acc;
                }
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tensor_sum(aieng_tensor *d, const aieng_tensor *a, int axis) { return aieng__reduce(d, a, axis, 0, "sum"); }
AIENG_API aieng_result aieng_tensor_mean(aieng_tensor *d, const aieng_tensor *a, int axis) { return aieng__reduce(d, a, axis, 1, "mean"); }
AIENG_API aieng_result aieng_tensor_max(aieng_tensor *d, const aieng_tensor *a, int axis) { return aieng__reduce(d, a, axis, 2, "max"); }
AIENG_API aieng_result aieng_tensor_argmax(int64_t *idx, int64_t n_idx, const aieng_tensor *a, int axis) {
    int64_t ne[4], i0, i1, i2, i3, k, n, out = 0;
    int i;
    if (axis < 0 || axis > 3) return aieng_set_error(AIENG_ERR_INVALID_ARG, "argmax: axis %d not in 0..3", axis);
    for (i = 0; i < 4; i++) ne[i] = i == axis ? 1 : a->ne[i];
    n = a->ne[axis];
    if (n == 0) return aieng_set_error(AIENG_ERR_SHAPE, "argmax: empty axis");
    if (n_idx != ne[0] * ne[1] * ne[2] * ne[3])
        return aieng_set_error(AIENG_ERR_SHAPE, "argmax: idx has %lld entries, want %lld", (long long)n_idx, (long long)(ne[0] * ne[1] * ne[2] * ne[3]));
    if (!a->data) return AIENG_OK;
    for (i3 = 0; i3 < ne[3]; i3++)
        for (i2 = 0; i2 < ne[2]; i2++)
            for (i1 = 0; i1 < ne[1]; i1++)
                for (i0 = 0; i0 < ne[0]; i0++) {
                    const float *p = AIENG__AT(a, i0, i1, i2, i3);
                    int64_t s = a->st[axis], best = 0;
                    for (k = 1; k < n; k++)
                        if (p[k * s] > p[best * s] || (p[best * s] != p[best * s] && p[k * s] == p[k * s])) best = k;
                    idx[out++] = best;
                }
    return AIENG_OK;
}

/* A matrix view (rows = ne[1], cols = ne[0]) is row-major when st[0] == 1
   (leading dimension st[1]) or the transpose of a row-major one when st[1] == 1
   (leading dimension st[0]). Returns the transposed flag and the leading dimension. */
static int aieng__as_matrix(const aieng_tensor *t) { return t->st[0] == 1 || t->st[1] == 1 || t->ne[0] <= 1 || t->ne[1] <= 1; }
static int aieng__matrix_layout(const aieng_tensor *t, int64_t *ld) {
    if (t->st[0] == 1 || t->ne[0] <= 1) { *ld = t->ne[1] > 1 ? t->st[1] : (t->ne[0] > 0 ? t->ne[0] : 1); if (*ld < t->ne[0]) *ld = t->ne[0]; return 0; }
    *ld = t->st[0];
    return 1;
}
static aieng_result aieng__matmul(aieng_tensor *dst, const aieng_tensor *a, const aieng_tensor *b, int tb, const char *name) {
    int64_t M = a->ne[1], K = a->ne[0], N = tb ? b->ne[1] : b->ne[0], kb = tb ? b->ne[0] : b->ne[1], i2, i3;
    if (kb != K) return aieng_set_error(AIENG_ERR_SHAPE, "%s: inner dimensions %lld and %lld differ", name, (long long)K, (long long)kb);
    if (dst->ne[0] != N || dst->ne[1] != M)
        return aieng_set_error(AIENG_ERR_SHAPE, "%s: dst is %lldx%lld, want %lldx%lld (ne[0] x ne[1])", name, (long long)dst->ne[0],
                               (long long)dst->ne[1], (long long)N, (long long)M);
    for (i2 = 2; i2 < 4; i2++) {
        if ((a->ne[i2] != dst->ne[i2] && a->ne[i2] != 1) || (b->ne[i2] != dst->ne[i2] && b->ne[i2] != 1))
            return aieng_set_error(AIENG_ERR_SHAPE, "%s: batch extent ne[%lld] does not broadcast", name, (long long)i2);
    }
    if (!aieng__as_matrix(a) || !aieng__as_matrix(b) || (dst->st[0] != 1 && N > 1))
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: each matrix needs a unit stride in one dimension, dst in ne[0] (copy it first)", name);
    if (!dst->data || !a->data || !b->data) return AIENG_OK;
    for (i3 = 0; i3 < dst->ne[3]; i3++)
        for (i2 = 0; i2 < dst->ne[2]; i2++) {
            const float *pa = AIENG__AT(a, 0, 0, a->ne[2] == 1 ? 0 : i2, a->ne[3] == 1 ? 0 : i3);
            const float *pb = AIENG__AT(b, 0, 0, b->ne[2] == 1 ? 0 : i2, b->ne[3] == 1 ? 0 : i3);
            float *pd = AIENG__AT(dst, 0, 0, i2, i3);
            int64_t lda, ldb;
            int ta = aieng__matrix_layout(a, &lda), bt = aieng__matrix_layout(b, &ldb);
            aieng_result r = aieng_sgemm(ta, tb ? !bt : bt, M, N, K, 1.0f, pa, lda, pb, ldb, 0.0f, pd, M > 1 ? dst->st[1] : N);
            if (r != AIENG_OK) return r;
        }
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tensor_matmul(aieng_tensor *d, const aieng_tensor *a, const aieng_tensor *b) { return aieng__matmul(d, a, b, 0, "matmul"); }
AIENG_API aieng_result aieng_tensor_matmul_t(aieng_tensor *d, const aieng_tensor *a, const aieng_tensor *b) { return aieng__matmul(d, a, b, 1, "matmul_t"); }

AIENG_API aieng_result aieng_tensor_rope(aieng_tensor *dst, const aieng_tensor *x, const int32_t *pos, int n_rot, float base, int mode) {
    int64_t t, h;
    if (!aieng_tensor_same_shape(dst, x)) return aieng_set_error(AIENG_ERR_SHAPE, "rope: dst and x shapes differ");
    if (n_rot <= 0 || (n_rot & 1) || n_rot > x->ne[0]) return aieng_set_error(AIENG_ERR_INVALID_ARG, "rope: n_rot %d must be even and <= head_dim %lld", n_rot, (long long)x->ne[0]);
    if (mode != AIENG_ROPE_NORMAL && mode != AIENG_ROPE_NEOX) return aieng_set_error(AIENG_ERR_INVALID_ARG, "rope: unknown mode %d", mode);
    if (x->ne[3] != 1) return aieng_set_error(AIENG_ERR_SHAPE, "rope: x must be {head_dim, n_heads, n_tokens}");
    if (aieng__need_rows(x, "rope") != AIENG_OK || aieng__need_rows(dst, "rope") != AIENG_OK) return AIENG_ERR_INVALID_ARG;
    if (!dst->data || !x->data) return AIENG_OK;
    if (!pos) return aieng_set_error(AIENG_ERR_INVALID_ARG, "rope: pos is NULL");
    for (t = 0; t < x->ne[2]; t++)
        for (h = 0; h < x->ne[1]; h++) {
            float *y = AIENG__AT(dst, 0, h, t, 0);
            const float *s = AIENG__AT(x, 0, h, t, 0);
            if (y != s) memmove(y, s, (size_t)x->ne[0] * sizeof(float));
            aieng_rope_row(y, n_rot, pos[t], base, mode);
        }
    return AIENG_OK;
}
AIENG_API aieng_result aieng_tensor_get_rows(aieng_tensor *dst, const aieng_tensor *table, const int32_t *ids, int64_t n) {
    int64_t i;
    if (dst->ne[0] != table->ne[0] || dst->ne[1] != n || dst->ne[2] != 1 || dst->ne[3] != 1)
        return aieng_set_error(AIENG_ERR_SHAPE, "get_rows: dst must be {%lld, %lld}", (long long)table->ne[0], (long long)n);
    if (aieng__need_rows(dst, "get_rows") != AIENG_OK || aieng__need_rows(table, "get_rows") != AIENG_OK) return AIENG_ERR_INVALID_ARG;
    for (i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= table->ne[1])
            return aieng_set_error(AIENG_ERR_RANGE, "get_rows: id %ld at %lld outside 0..%lld", (long)ids[i], (long long)i, (long long)table->ne[1] - 1);
    if (!dst->data || !table->data) return AIENG_OK;
    for (i = 0; i < n; i++) memcpy(AIENG__AT(dst, 0, i, 0, 0), AIENG__AT(table, 0, ids[i], 0, 0), (size_t)table->ne[0] * sizeof(float));
    return AIENG_OK;
}
/* top-k with a small binary min-heap of the best k seen: O(n log k) */
static int aieng__topk_less(const float *x, int64_t a, int64_t b) { /* a ranks below b */
    return x[a] < x[b] || (x[a] == x[b] && a > b);
}
AIENG_API aieng_result aieng_topk(const float *x, int64_t n, int64_t k, int64_t *idx, float *val) {
    int64_t i, size = 0;
    if (k < 0 || k > n) return aieng_set_error(AIENG_ERR_INVALID_ARG, "topk: k = %lld not in 0..%lld", (long long)k, (long long)n);
    if (!idx) return aieng_set_error(AIENG_ERR_INVALID_ARG, "topk: idx is NULL");
    if (k == 0) return AIENG_OK;
    for (i = 0; i < n; i++) {
        int64_t c;
        if (x[i] != x[i]) continue; /* NaN never ranks */
        if (size < k) { /* sift up */
            c = size++;
            idx[c] = i;
            while (c > 0 && aieng__topk_less(x, idx[c], idx[(c - 1) / 2])) {
                int64_t p = (c - 1) / 2, t = idx[p]; idx[p] = idx[c]; idx[c] = t; c = p;
            }
        } else if (aieng__topk_less(x, idx[0], i)) { /* replace the root, sift down */
            idx[0] = i;
            c = 0;
            for (;;) {
                int64_t l = 2 * c + 1, r = l + 1, m = c, t;
                if (l < size && aieng__topk_less(x, idx[l], idx[m])) m = l;
                if (r < size && aieng__topk_less(x, idx[r], idx[m])) m = r;
                if (m == c) break;
                t = idx[m]; idx[m] = idx[c]; idx[c] = t; c = m;
            }
        }
    }
    if (size < k) return aieng_set_error(AIENG_ERR_INVALID_ARG, "topk: only %lld of %lld values are not NaN", (long long)size, (long long)k);
    /* heap sort in place: pop the smallest to the end */
    for (i = size - 1; i > 0; i--) {
        int64_t c = 0, t = idx[0];
        idx[0] = idx[i]; idx[i] = t;
        for (;;) {
            int64_t l = 2 * c + 1, r = l + 1, m = c;
            if (l < i && aieng__topk_less(x, idx[l], idx[m])) m = l;
            if (r < i && aieng__topk_less(x, idx[r], idx[m])) m = r;
            if (m == c) break;
            t = idx[m]; idx[m] = idx[c]; idx[c] = t; c = m;
        }
    }
    if (val) for (i = 0; i < k; i++) val[i] = x[idx[i]];
    return AIENG_OK;
}
AIENG_API aieng_result aieng_cross_entropy(const aieng_tensor *logits, const int32_t *targets, float *loss, aieng_tensor *dlogits) {
    int64_t V = logits->ne[0], T = logits->ne[1] * logits->ne[2] * logits->ne[3], t, counted = 0;
    double total = 0.0;
    if (aieng__need_rows(logits, "cross_entropy") != AIENG_OK) return AIENG_ERR_INVALID_ARG;
    if (dlogits && (!aieng_tensor_same_shape(dlogits, logits) || !aieng_tensor_is_contiguous(dlogits) || !aieng_tensor_is_contiguous(logits)))
        return aieng_set_error(AIENG_ERR_SHAPE, "cross_entropy: dlogits must be contiguous and shaped like logits");
    for (t = 0; t < T; t++)
        if (targets[t] >= V) return aieng_set_error(AIENG_ERR_RANGE, "cross_entropy: target %ld at %lld >= vocabulary %lld", (long)targets[t], (long long)t, (long long)V);
    if (!logits->data) return AIENG_OK;
    for (t = 0; t < T; t++) counted += targets[t] >= 0;
    /* one pass per row: with dlogits the exps are written once and give both
       the loss (through log-sum-exp) and the gradient (softmax - onehot) / counted */
    for (t = 0; t < T; t++) {
        const float *x = AIENG__AT(logits, 0, t % logits->ne[1], (t / logits->ne[1]) % logits->ne[2], t / (logits->ne[1] * logits->ne[2]));
        float *g = dlogits && dlogits->data ? dlogits->data + t * V : NULL;
        if (targets[t] < 0) { if (g) memset(g, 0, (size_t)V * sizeof(float)); continue; }
        if (g) {
            float m = aieng_vec_max(x, V), sum;
            if (m == -INFINITY) { aieng_softmax_row(g, x, V); sum = 1.0f; total += INFINITY; } /* every logit masked */
            else {
                sum = aieng__exp_shift_sum(g, x, m, V);
                total += (double)(m + logf(sum) - x[targets[t]]);
            }
            aieng_vec_scale(g, m == -INFINITY ? 1.0f / (float)counted : 1.0f / (sum * (float)counted), V);
            g[targets[t]] -= 1.0f / (float)counted;
        } else {
            total += (double)(aieng__logsumexp(x, V) - x[targets[t]]);
        }
    }
    if (loss) *loss = counted ? (float)(total / (double)counted) : 0.0f;
    return AIENG_OK;
}

/* ---------------------------------------------------------------- sgemm
   The classic Goto/BLIS structure. For each NC-wide column block of B and
   each KC-deep slice of K, B's slice is packed once (shared by the threads)
   into NR-wide panels; then every task packs an MC×KC block of A into MR-high
   panels and runs the micro-kernel, which keeps an MR×NR tile of C in
   registers while it streams both panels. Each element of C sums its K slices
   in the same order whatever the thread count. Small M (LLM decode) takes a
   separate path without packing: dot products against the rows of a
   transposed B, or axpy over the rows of B as stored. */
#if defined(AIENG_AVX512)
#define AIENG__MR 8
#ifndef AIENG__NR
#define AIENG__NR 48
#endif
#elif defined(AIENG_AVX2)
#define AIENG__MR 6
#define AIENG__NR 16
#elif defined(AIENG_NEON)
#define AIENG__MR 8
#define AIENG__NR 8
#else
#define AIENG__MR 4
#define AIENG__NR 4
#endif
#ifndef AIENG__KC
#define AIENG__KC 256
#endif
#ifndef AIENG__MC
#define AIENG__MC (AIENG__MR * 48)
#endif
#define AIENG__SHORT_M 192 /* up to here: A packed whole, B packed on the fly */
#ifndef AIENG__WT_M
#define AIENG__WT_M 128 /* X·Wᵀ up to this M reads W in place (AVX-512) */
#endif
#ifndef AIENG__A_IN_L2
#define AIENG__A_IN_L2 (384 * 1024) /* floats of packed A that stay in a 2 MiB L2 with room to spare */
#endif
#ifndef AIENG__NC
#define AIENG__NC 2048
#endif
#define AIENG__NCP ((AIENG__NC + AIENG__NR - 1) / AIENG__NR * AIENG__NR) /* NC rounded up to whole panels */

/* unrolling the micro-kernels' k loop by 4 saves loop overhead (3–6 % measured) */
#if defined(__clang__)
#define AIENG__UNROLL4 _Pragma("clang loop unroll_count(4)")
#elif defined(__GNUC__) && __GNUC__ >= 8
#define AIENG__UNROLL4 _Pragma("GCC unroll 4")
#else
#define AIENG__UNROLL4
#endif
#if defined(AIENG_AVX512)
/* 8×48 tile: 24 zmm accumulators; per k, three B vectors are loaded and
   eight A values broadcast from the packed panel (24 FMAs, 11 loads). */
/* the last, narrow panel of a product (N not a multiple of 48): 8×16 or
   8×32 of the tile, so that a 16-column tail costs a third of a panel */
static void aieng__ukernel_narrow(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, int mr, int nr, float alpha,
                                  int load_c) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    __m512 va = _mm512_set1_ps(alpha);
    __mmask16 m0 = (__mmask16)(nr >= 16 ? 0xffff : (1u << nr) - 1u), m1 = (__mmask16)(nr >= 32 ? 0xffff : nr <= 16 ? 0 : (1u << (nr - 16)) - 1u);
    int64_t k;
    if (nr <= 16) {
        AIENG__UNROLL4
        for (k = 0; k < kc; k++) {
            __m512 b0 = _mm512_loadu_ps(b);
            c00 = _mm512_fmadd_ps(_mm512_set1_ps(a[0]), b0, c00); c10 = _mm512_fmadd_ps(_mm512_set1_ps(a[1]), b0, c10);
            c20 = _mm512_fmadd_ps(_mm512_set1_ps(a[2]), b0, c20); c30 = _mm512_fmadd_ps(_mm512_set1_ps(a[3]), b0, c30);
            c40 = _mm512_fmadd_ps(_mm512_set1_ps(a[4]), b0, c40); c50 = _mm512_fmadd_ps(_mm512_set1_ps(a[5]), b0, c50);
            c60 = _mm512_fmadd_ps(_mm512_set1_ps(a[6]), b0, c60); c70 = _mm512_fmadd_ps(_mm512_set1_ps(a[7]), b0, c70);
            a += 8;
            b += AIENG__NR;
        }
    } else {
        AIENG__UNROLL4
        for (k = 0; k < kc; k++) {
            __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), x;
#define AIENG__ROW(r) x = _mm512_set1_ps(a[r]); c##r##0 = _mm512_fmadd_ps(x, b0, c##r##0); c##r##1 = _mm512_fmadd_ps(x, b1, c##r##1);
            AIENG__ROW(0) AIENG__ROW(1) AIENG__ROW(2) AIENG__ROW(3) AIENG__ROW(4) AIENG__ROW(5) AIENG__ROW(6) AIENG__ROW(7)
#undef AIENG__ROW
            a += 8;
            b += AIENG__NR;
        }
    }
#define AIENG__STORE(r) if (r < mr) { float *p = c + (int64_t)r * ldc; \
        __m512 v0 = load_c ? _mm512_fmadd_ps(va, c##r##0, _mm512_maskz_loadu_ps(m0, p)) : _mm512_mul_ps(va, c##r##0); \
        __m512 v1 = load_c ? _mm512_fmadd_ps(va, c##r##1, _mm512_maskz_loadu_ps(m1, p + 16)) : _mm512_mul_ps(va, c##r##1); \
        _mm512_mask_storeu_ps(p, m0, v0); _mm512_mask_storeu_ps(p + 16, m1, v1); }
    AIENG__STORE(0) AIENG__STORE(1) AIENG__STORE(2) AIENG__STORE(3) AIENG__STORE(4) AIENG__STORE(5) AIENG__STORE(6) AIENG__STORE(7)
#undef AIENG__STORE
}
static void aieng__ukernel(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, int mr, int nr, float alpha,
                           int load_c) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c02 = c00, c10 = c00, c11 = c00, c12 = c00, c20 = c00, c21 = c00, c22 = c00;
    __m512 c30 = c00, c31 = c00, c32 = c00, c40 = c00, c41 = c00, c42 = c00, c50 = c00, c51 = c00, c52 = c00;
    __m512 c60 = c00, c61 = c00, c62 = c00, c70 = c00, c71 = c00, c72 = c00;
    __m512 va = _mm512_set1_ps(alpha);
    __mmask16 m0, m1, m2;
    int64_t k;
    int r;
    if (nr <= 32) { aieng__ukernel_narrow(kc, a, b, c, ldc, mr, nr, alpha, load_c); return; }
    for (r = 0; r < mr; r++) { /* the C tile is needed at the end: start fetching it now */
        const char *p = (const char *)(c + (int64_t)r * ldc);
        _mm_prefetch(p, _MM_HINT_T0);
        _mm_prefetch(p + 64, _MM_HINT_T0);
        _mm_prefetch(p + 128, _MM_HINT_T0);
        _mm_prefetch(p + 191, _MM_HINT_T0);
    }
    AIENG__UNROLL4
    for (k = 0; k < kc; k++) {
        __m512 b0 = _mm512_loadu_ps(b), b1 = _mm512_loadu_ps(b + 16), b2 = _mm512_loadu_ps(b + 32), x;
#define AIENG__ROW(r) x = _mm512_set1_ps(a[r]); c##r##0 = _mm512_fmadd_ps(x, b0, c##r##0); \
        c##r##1 = _mm512_fmadd_ps(x, b1, c##r##1); c##r##2 = _mm512_fmadd_ps(x, b2, c##r##2);
        AIENG__ROW(0) AIENG__ROW(1) AIENG__ROW(2) AIENG__ROW(3) AIENG__ROW(4) AIENG__ROW(5) AIENG__ROW(6) AIENG__ROW(7)
#undef AIENG__ROW
        a += 8;
        b += 48;
    }
#define AIENG__MASK(lo) (__mmask16)(nr >= (lo) + 16 ? 0xffff : nr <= (lo) ? 0 : (1u << (nr - (lo))) - 1u)
    m0 = AIENG__MASK(0); m1 = AIENG__MASK(16); m2 = AIENG__MASK(32);
#undef AIENG__MASK
#define AIENG__STORE(r) if (r < mr) { float *p = c + (int64_t)r * ldc; \
        _mm512_mask_storeu_ps(p, m0, _mm512_fmadd_ps(va, c##r##0, _mm512_maskz_loadu_ps(m0, p))); \
        _mm512_mask_storeu_ps(p + 16, m1, _mm512_fmadd_ps(va, c##r##1, _mm512_maskz_loadu_ps(m1, p + 16))); \
        _mm512_mask_storeu_ps(p + 32, m2, _mm512_fmadd_ps(va, c##r##2, _mm512_maskz_loadu_ps(m2, p + 32))); }
#define AIENG__SET(r) if (r < mr) { float *p = c + (int64_t)r * ldc; \
        _mm512_mask_storeu_ps(p, m0, _mm512_mul_ps(va, c##r##0)); \
        _mm512_mask_storeu_ps(p + 16, m1, _mm512_mul_ps(va, c##r##1)); \
        _mm512_mask_storeu_ps(p + 32, m2, _mm512_mul_ps(va, c##r##2)); }
    if (load_c) {
        AIENG__STORE(0) AIENG__STORE(1) AIENG__STORE(2) AIENG__STORE(3) AIENG__STORE(4) AIENG__STORE(5) AIENG__STORE(6) AIENG__STORE(7)
    } else {
        AIENG__SET(0) AIENG__SET(1) AIENG__SET(2) AIENG__SET(3) AIENG__SET(4) AIENG__SET(5) AIENG__SET(6) AIENG__SET(7)
    }
#undef AIENG__STORE
#undef AIENG__SET
}
#else
/* Generic micro-kernel: an MR×NR tile of accumulators, written with the SIMD
   layer where there is one (the compiler keeps the small array in registers). */
static void aieng__ukernel(int64_t kc, const float *a, const float *b, float *c, int64_t ldc, int mr, int nr, float alpha,
                           int load_c) {
    float tile[AIENG__MR * AIENG__NR];
    int64_t k;
    int r, j;
#ifdef AIENG__VL
    aieng__vf acc[AIENG__MR][AIENG__NR / AIENG__VL];
    for (r = 0; r < AIENG__MR; r++)
        for (j = 0; j < AIENG__NR / AIENG__VL; j++) acc[r][j] = aieng__set1(0.0f);
    for (k = 0; k < kc; k++) {
        aieng__vf bv[AIENG__NR / AIENG__VL];
        for (j = 0; j < AIENG__NR / AIENG__VL; j++) bv[j] = aieng__load(b + j * AIENG__VL);
        for (r = 0; r < AIENG__MR; r++) {
            aieng__vf x = aieng__set1(a[r]);
            for (j = 0; j < AIENG__NR / AIENG__VL; j++) acc[r][j] = aieng__fma(x, bv[j], acc[r][j]);
        }
        a += AIENG__MR;
        b += AIENG__NR;
    }
    for (r = 0; r < AIENG__MR; r++)
        for (j = 0; j < AIENG__NR / AIENG__VL; j++) aieng__store(tile + r * AIENG__NR + j * AIENG__VL, acc[r][j]);
#else
    for (r = 0; r < AIENG__MR * AIENG__NR; r++) tile[r] = 0.0f;
    for (k = 0; k < kc; k++) {
        for (r = 0; r < AIENG__MR; r++)
            for (j = 0; j < AIENG__NR; j++) tile[r * AIENG__NR + j] += a[r] * b[j];
        a += AIENG__MR;
        b += AIENG__NR;
    }
#endif
    for (r = 0; r < mr; r++)
        for (j = 0; j < nr; j++) c[r * ldc + j] = load_c ? c[r * ldc + j] + alpha * tile[r * AIENG__NR + j] : alpha * tile[r * AIENG__NR + j];
}
#endif

#if defined(AIENG_AVX512)
/* dst[r * ldd + c] = src[c * lds + r] for a 16×16 block: four rounds of shuffles */
static void aieng__transpose16(float *dst, int64_t ldd, const float *src, int64_t lds) {
    __m512 r[16], t[16];
    int i;
    for (i = 0; i < 16; i++) {
        r[i] = _mm512_loadu_ps(src + i * lds);
        _mm_prefetch((const char *)(src + i * lds + 64), _MM_HINT_T0); /* 4 blocks ahead along the row: 48 rows are too many streams for the hardware prefetcher */
    }
    for (i = 0; i < 16; i += 2) { t[i] = _mm512_unpacklo_ps(r[i], r[i + 1]); t[i + 1] = _mm512_unpackhi_ps(r[i], r[i + 1]); }
    for (i = 0; i < 16; i += 4) {
        r[i] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 1] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i]), _mm512_castps_pd(t[i + 2])));
        r[i + 2] = _mm512_castpd_ps(_mm512_unpacklo_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
        r[i + 3] = _mm512_castpd_ps(_mm512_unpackhi_pd(_mm512_castps_pd(t[i + 1]), _mm512_castps_pd(t[i + 3])));
    }
    /* r[4q + s] now holds, in each 128-bit lane L, column 4L + (s order) of rows 4q..4q+3 */
    for (i = 0; i < 4; i++) {
        t[i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0x88);      /* lanes 0,2 of a | 0,2 of b */
        t[4 + i] = _mm512_shuffle_f32x4(r[i], r[4 + i], 0xdd);  /* lanes 1,3 */
        t[8 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0x88);
        t[12 + i] = _mm512_shuffle_f32x4(r[8 + i], r[12 + i], 0xdd);
    }
    for (i = 0; i < 4; i++) {
        r[i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0x88);
        r[8 + i] = _mm512_shuffle_f32x4(t[i], t[8 + i], 0xdd);
        r[4 + i] = _mm512_shuffle_f32x4(t[4 + i], t[12 + i], 0x88);
        r[12 + i] = _mm512_shuffle_f32x4(t[4 + i], t[12 + i], 0xdd);
    }
    for (i = 0; i < 16; i++) _mm512_storeu_ps(dst + i * ldd, r[i]);
}
#endif
/* pack rows [i0, i0+mc) × k [p0, p0+kc) of op(A) into MR-high panels, zero padded */
static void aieng__pack_a(float *dst, const float *A, int64_t lda, int ta, int64_t i0, int64_t mc, int64_t p0, int64_t kc) {
    int64_t ir, k;
    int r;
    for (ir = 0; ir < mc; ir += AIENG__MR) {
        int rows = (int)(mc - ir < AIENG__MR ? mc - ir : AIENG__MR);
        if (ta && rows == AIENG__MR) { /* op(A) rows are contiguous in each row of A: straight copies */
            for (k = 0; k < kc; k++) {
                memcpy(dst, A + (p0 + k) * lda + i0 + ir, sizeof(float) * AIENG__MR);
                dst += AIENG__MR;
            }
            continue;
        }
        if (!ta && rows == AIENG__MR) { /* full panel: no bounds test in the inner loop */
            const float *src[AIENG__MR];
            for (r = 0; r < AIENG__MR; r++) src[r] = A + (i0 + ir + r) * lda + p0;
            k = 0;
#if defined(AIENG_AVX512)
            /* 8 rows × 8 k at a time: an 8×8 transpose in registers (the
               scalar gather cost ~5 % of a 1024³ product) */
            for (; k + 8 <= kc; k += 8) {
                __m256 r0 = _mm256_loadu_ps(src[0] + k), r1 = _mm256_loadu_ps(src[1] + k), r2 = _mm256_loadu_ps(src[2] + k);
                __m256 r3 = _mm256_loadu_ps(src[3] + k), r4 = _mm256_loadu_ps(src[4] + k), r5 = _mm256_loadu_ps(src[5] + k);
                __m256 r6 = _mm256_loadu_ps(src[6] + k), r7 = _mm256_loadu_ps(src[7] + k);
                __m256 t0 = _mm256_unpacklo_ps(r0, r1), t1 = _mm256_unpackhi_ps(r0, r1), t2 = _mm256_unpacklo_ps(r2, r3);
                __m256 t3 = _mm256_unpackhi_ps(r2, r3), t4 = _mm256_unpacklo_ps(r4, r5), t5 = _mm256_unpackhi_ps(r4, r5);
                __m256 t6 = _mm256_unpacklo_ps(r6, r7), t7 = _mm256_unpackhi_ps(r6, r7);
                r0 = _mm256_shuffle_ps(t0, t2, 0x44); r1 = _mm256_shuffle_ps(t0, t2, 0xee);
                r2 = _mm256_shuffle_ps(t1, t3, 0x44); r3 = _mm256_shuffle_ps(t1, t3, 0xee);
                r4 = _mm256_shuffle_ps(t4, t6, 0x44); r5 = _mm256_shuffle_ps(t4, t6, 0xee);
                r6 = _mm256_shuffle_ps(t5, t7, 0x44); r7 = _mm256_shuffle_ps(t5, t7, 0xee);
                _mm256_storeu_ps(dst, _mm256_permute2f128_ps(r0, r4, 0x20));
                _mm256_storeu_ps(dst + 8, _mm256_permute2f128_ps(r1, r5, 0x20));
                _mm256_storeu_ps(dst + 16, _mm256_permute2f128_ps(r2, r6, 0x20));
                _mm256_storeu_ps(dst + 24, _mm256_permute2f128_ps(r3, r7, 0x20));
                _mm256_storeu_ps(dst + 32, _mm256_permute2f128_ps(r0, r4, 0x31));
                _mm256_storeu_ps(dst + 40, _mm256_permute2f128_ps(r1, r5, 0x31));
                _mm256_storeu_ps(dst + 48, _mm256_permute2f128_ps(r2, r6, 0x31));
                _mm256_storeu_ps(dst + 56, _mm256_permute2f128_ps(r3, r7, 0x31));
                dst += 64;
            }
#endif
            for (; k < kc; k++) {
                for (r = 0; r < AIENG__MR; r++) dst[r] = src[r][k];
                dst += AIENG__MR;
            }
            continue;
        }
        if (!ta) {
            const float *src[AIENG__MR];
            for (r = 0; r < AIENG__MR; r++) src[r] = A + (i0 + ir + (r < rows ? r : 0)) * lda + p0;
            for (k = 0; k < kc; k++) {
                for (r = 0; r < AIENG__MR; r++) dst[r] = r < rows ? src[r][k] : 0.0f;
                dst += AIENG__MR;
            }
        } else {
            for (k = 0; k < kc; k++) {
                const float *s = A + (p0 + k) * lda + i0 + ir;
                for (r = 0; r < AIENG__MR; r++) dst[r] = r < rows ? s[r] : 0.0f;
                dst += AIENG__MR;
            }
        }
    }
}
/* pack k [p0, p0+kc) × columns [j0+jp*NR, ...) of op(B), panels [jp0, jp1) */
static void aieng__pack_b(float *dst, const float *B, int64_t ldb, int tb, int64_t j0, int64_t nc, int64_t p0, int64_t kc,
                          int64_t jp0, int64_t jp1) {
    int64_t jp, k;
    int c;
    for (jp = jp0; jp < jp1; jp++) {
        int64_t jr = jp * AIENG__NR;
        int cols = (int)(nc - jr < AIENG__NR ? nc - jr : AIENG__NR);
        float *d = dst + jp * AIENG__NR * kc;
        if (!tb) {
            for (k = 0; k < kc; k++) {
                const float *s = B + (p0 + k) * ldb + j0 + jr;
                if (cols == AIENG__NR) memcpy(d, s, sizeof(float) * AIENG__NR);
                else for (c = 0; c < AIENG__NR; c++) d[c] = c < cols ? s[c] : 0.0f;
                d += AIENG__NR;
            }
        } else {
            /* B stored N×K: column j of op(B) is row j of B; read rows, write transposed */
#if defined(AIENG_AVX512)
            if (cols == AIENG__NR) {
                int64_t k0;
                for (c = 0; c < AIENG__NR; c += 16)
                    for (k0 = 0; k0 + 16 <= kc; k0 += 16) aieng__transpose16(d + k0 * AIENG__NR + c, AIENG__NR, B + (j0 + jr + c) * ldb + p0 + k0, ldb);
                for (; k0 < kc; k0++)
                    for (c = 0; c < AIENG__NR; c++) d[k0 * AIENG__NR + c] = B[(j0 + jr + c) * ldb + p0 + k0];
                continue;
            }
#endif
            for (c = 0; c < AIENG__NR; c++) {
                if (c < cols) {
                    const float *s = B + (j0 + jr + c) * ldb + p0;
                    for (k = 0; k < kc; k++) d[k * AIENG__NR + c] = s[k];
                } else {
                    for (k = 0; k < kc; k++) d[k * AIENG__NR + c] = 0.0f;
                }
            }
        }
    }
}

typedef struct {
    int ta, tb;
    int64_t M, N, K, lda, ldb, ldc;
    const float *A, *B;
    float *C, alpha, beta;
    float *bpack, *apack; /* shared B panel; apack: one MC×KC block per thread */
    int64_t j0, nc, p0, kc; /* the current B block */
    int64_t mc, mblocks, ngroups, panels_per_group; /* mc: rows of A per block (at most AIENG__MC) */
    int64_t kcb; /* depth of the K slices (at most AIENG__KC) */
    int64_t nwhole, nwhole_panels, mparts; /* fused path: items of whole panels, then split panels */
} aieng__gemm_job;

/* K slices of equal depth, at most KC, a multiple of 16 (the transposing
   packer's block): 576 = 3 × 192 rather than 256 + 256 + 64, whose thin last
   slice pays a full round of packing and C updates for little work */
static int64_t aieng__kc_for(int64_t K) {
    int64_t n = (K + AIENG__KC - 1) / AIENG__KC, kc = (K + n - 1) / n;
    kc = (kc + 15) / 16 * 16;
    return kc < AIENG__KC ? kc : AIENG__KC;
}
static void aieng__gemm_pack_b_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__gemm_job *g = (aieng__gemm_job *)ctx;
    (void)tid;
    aieng__pack_b(g->bpack, g->B, g->ldb, g->tb, g->j0, g->nc, g->p0, g->kc, begin, end);
}
static void aieng__gemm_compute_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__gemm_job *g = (aieng__gemm_job *)ctx;
    float *ap = g->apack + (int64_t)tid * AIENG__MC * AIENG__KC;
    int64_t t;
    for (t = begin; t < end; t++) {
        int64_t mb = t / g->ngroups, ng = t % g->ngroups;
        int64_t i0 = mb * g->mc, mc = g->M - i0 < g->mc ? g->M - i0 : g->mc;
        int64_t npanels = (g->nc + AIENG__NR - 1) / AIENG__NR;
        int64_t jp0 = ng * g->panels_per_group, jp1 = jp0 + g->panels_per_group, jp, ir;
        if (jp1 > npanels) jp1 = npanels;
        if (jp0 >= jp1) continue;
        aieng__pack_a(ap, g->A, g->lda, g->ta, i0, mc, g->p0, g->kc);
        for (jp = jp0; jp < jp1; jp++) {
            int64_t jr = jp * AIENG__NR;
            int nr = (int)(g->nc - jr < AIENG__NR ? g->nc - jr : AIENG__NR);
            const float *bp = g->bpack + jp * AIENG__NR * g->kc;
            for (ir = 0; ir < mc; ir += AIENG__MR) {
                int mr = (int)(mc - ir < AIENG__MR ? mc - ir : AIENG__MR);
                aieng__ukernel(g->kc, ap + ir * g->kc, bp, g->C + (i0 + ir) * g->ldc + g->j0 + jr, g->ldc, mr, nr, g->alpha,
                               g->p0 > 0 || g->beta != 0.0f);
            }
        }
    }
}
/* Short M (at most two A blocks): all of op(A) is packed once (it is small)
   and shared; each task owns a range of B panels and, panel by panel, walks
   K while packing each KC×NR piece right before the micro-kernels use it:
   the piece is consumed from L1, and the rows of a transposed B are read
   front to back. */
static void aieng__gemm_fused_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__gemm_job *g = (aieng__gemm_job *)ctx;
    float *bp = g->bpack + (int64_t)tid * AIENG__KC * AIENG__NR;
    int64_t mpad = (g->M + AIENG__MR - 1) / AIENG__MR * AIENG__MR, p0, ir, item;
    for (item = begin; item < end; item++) {
        /* items below nwhole are groups of whole panels (all rows); the rest
           cut each of the last panels into mparts row ranges, so that the
           threads end together when the panels do not divide evenly */
        int64_t jp0, jp1, jp, r0 = 0, r1 = g->M;
        if (item < g->nwhole) {
            jp0 = item * g->panels_per_group;
            jp1 = jp0 + g->panels_per_group;
            if (jp1 > g->nwhole_panels) jp1 = g->nwhole_panels;
        } else {
            int64_t q = item - g->nwhole, part = q % g->mparts, rows = (g->M + g->mparts - 1) / g->mparts;
            rows = (rows + AIENG__MR - 1) / AIENG__MR * AIENG__MR;
            jp0 = g->nwhole_panels + q / g->mparts;
            jp1 = jp0 + 1;
            r0 = part * rows;
            r1 = r0 + rows < g->M ? r0 + rows : g->M;
        }
        for (jp = jp0; jp < jp1; jp++) {
            int64_t jr = jp * AIENG__NR;
            int nr = (int)(g->N - jr < AIENG__NR ? g->N - jr : AIENG__NR);
            for (p0 = 0; p0 < g->K; p0 += g->kcb) {
                int64_t kc = g->K - p0 < g->kcb ? g->K - p0 : g->kcb;
                aieng__pack_b(bp - jp * AIENG__NR * kc, g->B, g->ldb, g->tb, 0, g->N, p0, kc, jp, jp + 1);
                for (ir = r0; ir < r1; ir += AIENG__MR) {
                    int mr = (int)(r1 - ir < AIENG__MR ? r1 - ir : AIENG__MR);
                    aieng__ukernel(kc, g->apack + p0 * mpad + ir * kc, bp, g->C + ir * g->ldc + jr, g->ldc, mr, nr, g->alpha,
                                   p0 > 0 || g->beta != 0.0f);
                }
            }
        }
    }
}
/* items are (K slice, MR panel) pairs, so that even one slice packs in parallel */
static void aieng__gemm_pack_all_a_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__gemm_job *g = (aieng__gemm_job *)ctx;
    int64_t mpad = (g->M + AIENG__MR - 1) / AIENG__MR * AIENG__MR, npan = mpad / AIENG__MR, it;
    (void)tid;
    for (it = begin; it < end; it++) {
        int64_t s = it / npan, ir = (it % npan) * AIENG__MR;
        int64_t p0 = s * g->kcb, kc = g->K - p0 < g->kcb ? g->K - p0 : g->kcb;
        aieng__pack_a(g->apack + p0 * mpad + ir * kc, g->A, g->lda, g->ta, ir, g->M - ir < AIENG__MR ? g->M - ir : AIENG__MR, p0, kc);
    }
}
#if defined(AIENG_AVX512)
/* Short M against weights stored N×K (C = X·Wᵀ, the linear layer): the
   roles swap so that W needs no packing at all. The kernel computes an 8×32
   tile of Cᵀ: eight rows of W are broadcast one value at a time straight
   from memory, while 32 rows of X, packed once k-major (Xᵀ panel), give two
   vectors per k. The tile is transposed into C once, after the whole of K. */
static void aieng__ukernel_wt(int64_t K, const float *xp, const float *const *w, float *c, int64_t ldc, int mr, int nr, float alpha) {
    __m512 c00 = _mm512_setzero_ps(), c01 = c00, c10 = c00, c11 = c00, c20 = c00, c21 = c00, c30 = c00, c31 = c00;
    __m512 c40 = c00, c41 = c00, c50 = c00, c51 = c00, c60 = c00, c61 = c00, c70 = c00, c71 = c00;
    const float *w0 = w[0], *w1 = w[1], *w2 = w[2], *w3 = w[3], *w4 = w[4], *w5 = w[5], *w6 = w[6], *w7 = w[7];
    float tile[8 * 32];
    int64_t k;
    int r, m;
    AIENG__UNROLL4
    for (k = 0; k < K; k++) {
        __m512 x0 = _mm512_loadu_ps(xp), x1 = _mm512_loadu_ps(xp + 16), b;
#define AIENG__ROW(r) b = _mm512_set1_ps(w##r[k]); c##r##0 = _mm512_fmadd_ps(b, x0, c##r##0); c##r##1 = _mm512_fmadd_ps(b, x1, c##r##1);
        AIENG__ROW(0) AIENG__ROW(1) AIENG__ROW(2) AIENG__ROW(3) AIENG__ROW(4) AIENG__ROW(5) AIENG__ROW(6) AIENG__ROW(7)
#undef AIENG__ROW
        xp += 32;
    }
#define AIENG__ROW(r) _mm512_storeu_ps(tile + r * 32, c##r##0); _mm512_storeu_ps(tile + r * 32 + 16, c##r##1);
    AIENG__ROW(0) AIENG__ROW(1) AIENG__ROW(2) AIENG__ROW(3) AIENG__ROW(4) AIENG__ROW(5) AIENG__ROW(6) AIENG__ROW(7)
#undef AIENG__ROW
    for (m = 0; m < mr; m++)
        for (r = 0; r < nr; r++) c[m * ldc + r] += alpha * tile[r * 32 + m];
}
/* pack rows [m0, m0+32) of X (M×K, row-major) k-major: xp[k*32 + i] = X[m0+i][k], zero padded */
static void aieng__pack_xt(float *xp, const float *X, int64_t lda, int64_t m0, int64_t M, int64_t K) {
    int64_t k0, k;
    int i;
    if (m0 + 32 <= M) {
        for (k0 = 0; k0 + 16 <= K; k0 += 16) {
            aieng__transpose16(xp + k0 * 32, 32, X + m0 * lda + k0, lda);
            aieng__transpose16(xp + k0 * 32 + 16, 32, X + (m0 + 16) * lda + k0, lda);
        }
        for (k = k0; k < K; k++)
            for (i = 0; i < 32; i++) xp[k * 32 + i] = X[(m0 + i) * lda + k];
        return;
    }
    for (k = 0; k < K; k++)
        for (i = 0; i < 32; i++) xp[k * 32 + i] = m0 + i < M ? X[(m0 + i) * lda + k] : 0.0f;
}
static void aieng__gemm_wt_pack_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__gemm_job *g = (aieng__gemm_job *)ctx;
    int64_t p;
    (void)tid;
    for (p = begin; p < end; p++) aieng__pack_xt(g->apack + p * 32 * g->K, g->A, g->lda, p * 32, g->M, g->K);
}
/* tasks own groups of 8-row tiles of W; for each tile, every 32-row panel of X */
static void aieng__gemm_wt_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__gemm_job *g = (aieng__gemm_job *)ctx;
    int64_t t, mp, npan = (g->M + 31) / 32;
    (void)tid;
    for (t = begin; t < end; t++) {
        int64_t n0 = t * 8;
        int nr = (int)(g->N - n0 < 8 ? g->N - n0 : 8), r;
        const float *w[8];
        for (r = 0; r < 8; r++) w[r] = g->B + (n0 + (r < nr ? r : 0)) * g->ldb;
        for (mp = 0; mp < npan; mp++) {
            int mr = (int)(g->M - mp * 32 < 32 ? g->M - mp * 32 : 32);
            aieng__ukernel_wt(g->K, g->apack + mp * 32 * g->K, w, g->C + mp * 32 * g->ldc + n0, g->ldc, mr, nr, g->alpha);
        }
    }
}
#endif
static void aieng__gemm_beta_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__gemm_job *g = (aieng__gemm_job *)ctx;
    int64_t i;
    (void)tid;
    for (i = begin; i < end; i++) {
        if (g->beta == 0.0f) memset(g->C + i * g->ldc, 0, (size_t)g->N * sizeof(float));
        else aieng_vec_scale(g->C + i * g->ldc, g->beta, g->N);
    }
}

/* ---- small M: no packing */
typedef struct {
    int64_t M, N, K, lda, ldb, ldc;
    const float *A, *B;
    float *C, alpha, beta;
} aieng__small_job;
static void aieng__small_store(float *c, float v, float alpha, float beta) {
    *c = beta == 0.0f ? alpha * v : alpha * v + beta * *c;
}
/* one row of A against 8 rows of B at a time: the M = 1 decode kernel */
static void aieng__small_dot_row(const aieng__small_job *g, int64_t m, int64_t begin, int64_t end) {
    const float *a = g->A + m * g->lda;
    int64_t j, k, K = g->K;
    for (j = begin; j < end; j += 8) {
        int nj = (int)(end - j < 8 ? end - j : 8), q;
        const float *b[8];
        float s[8];
        for (q = 0; q < 8; q++) b[q] = g->B + (j + (q < nj ? q : 0)) * g->ldb;
        k = 0;
#ifdef AIENG__VL
        {
            aieng__vf x0 = aieng__set1(0.0f), x1 = x0, x2 = x0, x3 = x0, x4 = x0, x5 = x0, x6 = x0, x7 = x0;
            for (; k + AIENG__VL <= K; k += AIENG__VL) {
                aieng__vf va = aieng__load(a + k);
                x0 = aieng__fma(va, aieng__load(b[0] + k), x0); x1 = aieng__fma(va, aieng__load(b[1] + k), x1);
                x2 = aieng__fma(va, aieng__load(b[2] + k), x2); x3 = aieng__fma(va, aieng__load(b[3] + k), x3);
                x4 = aieng__fma(va, aieng__load(b[4] + k), x4); x5 = aieng__fma(va, aieng__load(b[5] + k), x5);
                x6 = aieng__fma(va, aieng__load(b[6] + k), x6); x7 = aieng__fma(va, aieng__load(b[7] + k), x7);
            }
            s[0] = aieng__hsum(x0); s[1] = aieng__hsum(x1); s[2] = aieng__hsum(x2); s[3] = aieng__hsum(x3);
            s[4] = aieng__hsum(x4); s[5] = aieng__hsum(x5); s[6] = aieng__hsum(x6); s[7] = aieng__hsum(x7);
        }
#else
        for (q = 0; q < 8; q++) s[q] = 0.0f;
#endif
        for (; k < K; k++)
            for (q = 0; q < 8; q++) s[q] += a[k] * b[q][k];
        for (q = 0; q < nj; q++) aieng__small_store(g->C + m * g->ldc + j + q, s[q], g->alpha, g->beta);
    }
}
/* C[m, j] = dot(A row m, B row j) for B stored N×K, two rows of A at a time */
static void aieng__small_dot_task(void *ctx, int64_t begin, int64_t end, int tid) {
    const aieng__small_job *g = (const aieng__small_job *)ctx;
    int64_t j = begin, K = g->K, m0, k;
    (void)tid;
    for (m0 = 0; m0 < g->M; m0 += 2) {
        int two = m0 + 1 < g->M;
        if (!two) { aieng__small_dot_row(g, m0, begin, end); break; }
        const float *a0 = g->A + m0 * g->lda, *a1 = two ? a0 + g->lda : a0;
        for (j = begin; j < end; j += 4) {
            int nj = (int)(end - j < 4 ? end - j : 4), q;
            const float *b[4];
            float s0[4], s1[4];
            for (q = 0; q < 4; q++) b[q] = g->B + (j + (q < nj ? q : 0)) * g->ldb;
            k = 0;
#ifdef AIENG__VL
            {
                aieng__vf x00 = aieng__set1(0.0f), x01 = x00, x02 = x00, x03 = x00, x10 = x00, x11 = x00, x12 = x00, x13 = x00;
                for (; k + AIENG__VL <= K; k += AIENG__VL) {
                    aieng__vf va0 = aieng__load(a0 + k), va1 = aieng__load(a1 + k);
                    aieng__vf w0 = aieng__load(b[0] + k), w1 = aieng__load(b[1] + k), w2 = aieng__load(b[2] + k), w3 = aieng__load(b[3] + k);
                    x00 = aieng__fma(va0, w0, x00); x01 = aieng__fma(va0, w1, x01); x02 = aieng__fma(va0, w2, x02); x03 = aieng__fma(va0, w3, x03);
                    x10 = aieng__fma(va1, w0, x10); x11 = aieng__fma(va1, w1, x11); x12 = aieng__fma(va1, w2, x12); x13 = aieng__fma(va1, w3, x13);
                }
                s0[0] = aieng__hsum(x00); s0[1] = aieng__hsum(x01); s0[2] = aieng__hsum(x02); s0[3] = aieng__hsum(x03);
                s1[0] = aieng__hsum(x10); s1[1] = aieng__hsum(x11); s1[2] = aieng__hsum(x12); s1[3] = aieng__hsum(x13);
            }
#else
            for (q = 0; q < 4; q++) s0[q] = s1[q] = 0.0f;
#endif
            for (; k < K; k++)
                for (q = 0; q < 4; q++) { s0[q] += a0[k] * b[q][k]; s1[q] += a1[k] * b[q][k]; }
            for (q = 0; q < nj; q++) {
                aieng__small_store(g->C + m0 * g->ldc + j + q, s0[q], g->alpha, g->beta);
                if (two) aieng__small_store(g->C + (m0 + 1) * g->ldc + j + q, s1[q], g->alpha, g->beta);
            }
        }
    }
}
/* C[m, :] = sum_k A[m, k] · B[k, :] for B stored K×N (y = Aᵀx in sgemv
   terms): each task owns blocks of 4 vectors of columns and keeps them in
   registers while it walks down the K rows of B. */
#ifdef AIENG__VL
#define AIENG__SMALL_W (4 * AIENG__VL)
#else
#define AIENG__SMALL_W 16
#endif
static void aieng__small_axpy_task_blocks(void *ctx, int64_t begin, int64_t end, int tid) {
    const aieng__small_job *g = (const aieng__small_job *)ctx;
    int64_t m, j, k, c;
    (void)tid;
    begin *= AIENG__SMALL_W;
    end = end * AIENG__SMALL_W < g->N ? end * AIENG__SMALL_W : g->N;
    for (m = 0; m < g->M; m++) {
        const float *a = g->A + m * g->lda;
        float *crow = g->C + m * g->ldc;
        for (j = begin; j < end; j += AIENG__SMALL_W) {
            int64_t w = end - j < AIENG__SMALL_W ? end - j : AIENG__SMALL_W;
            float acc[AIENG__SMALL_W];
#ifdef AIENG__VL
            if (w == AIENG__SMALL_W) {
                aieng__vf a0 = aieng__set1(0.0f), a1 = a0, a2 = a0, a3 = a0;
                for (k = 0; k < g->K; k++) {
                    const float *b = g->B + k * g->ldb + j;
                    aieng__vf x = aieng__set1(a[k]);
                    a0 = aieng__fma(x, aieng__load(b), a0);
                    a1 = aieng__fma(x, aieng__load(b + AIENG__VL), a1);
                    a2 = aieng__fma(x, aieng__load(b + 2 * AIENG__VL), a2);
                    a3 = aieng__fma(x, aieng__load(b + 3 * AIENG__VL), a3);
                }
                aieng__store(acc, a0);
                aieng__store(acc + AIENG__VL, a1);
                aieng__store(acc + 2 * AIENG__VL, a2);
                aieng__store(acc + 3 * AIENG__VL, a3);
            } else
#endif
            {
                for (c = 0; c < w; c++) acc[c] = 0.0f;
                for (k = 0; k < g->K; k++) {
                    const float *b = g->B + k * g->ldb + j;
                    for (c = 0; c < w; c++) acc[c] += a[k] * b[c];
                }
            }
            for (c = 0; c < w; c++) aieng__small_store(crow + j + c, acc[c], g->alpha, g->beta);
        }
    }
}

AIENG_API aieng_result aieng_sgemm(int trans_a, int trans_b, int64_t M, int64_t N, int64_t K, float alpha, const float *A,
                                   int64_t lda, const float *B, int64_t ldb, float beta, float *C, int64_t ldc) {
    aieng__gemm_job g;
    int64_t threads, npanels_total, j0, p0;
    void *ws;
    int borrowed;
    if (M < 0 || N < 0 || K < 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "sgemm: negative size M=%lld N=%lld K=%lld", (long long)M, (long long)N, (long long)K);
    if (lda < (trans_a ? (M > 1 ? M : 1) : (K > 1 ? K : 1)) || ldb < (trans_b ? (K > 1 ? K : 1) : (N > 1 ? N : 1)) || ldc < (N > 1 ? N : 1))
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "sgemm: leading dimension too small (lda=%lld ldb=%lld ldc=%lld)", (long long)lda, (long long)ldb, (long long)ldc);
    if (M == 0 || N == 0) return AIENG_OK;
    if ((K > 0 && (!A || !B)) || !C) return aieng_set_error(AIENG_ERR_INVALID_ARG, "sgemm: NULL matrix");
    if (K == 0 || alpha == 0.0f) { /* C = beta·C */
        int64_t i;
        for (i = 0; i < M; i++) {
            if (beta == 0.0f) memset(C + i * ldc, 0, (size_t)N * sizeof(float));
            else if (beta != 1.0f) aieng_vec_scale(C + i * ldc, beta, N);
        }
        return AIENG_OK;
    }
    if (M <= 4 && (!trans_a || M == 1)) {
        aieng__small_job s;
        s.M = M; s.N = N; s.K = K; s.A = A; s.B = B; s.C = C; s.alpha = alpha; s.beta = beta;
        s.lda = trans_a ? 0 : lda; s.ldb = ldb; s.ldc = ldc;
        if (trans_a && lda != 1) { /* M == 1: A is a strided column; rare, go the general way */ }
        else {
            /* chunks of at least ~64 KiB of weights: enough work per claim, and many
               chunks so that two threads streaming memory finish together */
            if (trans_b) aieng_parallel_for(N, 8 + 16384 / (K * M + 1), aieng__small_dot_task, &s);
            else aieng_parallel_for((N + AIENG__SMALL_W - 1) / AIENG__SMALL_W, 1 + 65536 / (K * M * AIENG__SMALL_W + 1),
                                    aieng__small_axpy_task_blocks, &s);
            return AIENG_OK;
        }
    }
    threads = aieng_get_threads();
#if defined(AIENG_AVX512)
    if (trans_b && !trans_a && M <= AIENG__WT_M && M * K <= AIENG__A_IN_L2) { /* X·Wᵀ with short M: W read in place */
        int64_t mpan = (M + 31) / 32, ntiles = (N + 7) / 8;
        ws = aieng__scratch_acquire(sizeof(float) * (size_t)(mpan * 32 * K) + 64, &borrowed);
        if (!ws) return aieng_set_error(AIENG_ERR_OOM, "sgemm: cannot allocate the packing workspace");
        g.ta = trans_a; g.tb = trans_b; g.M = M; g.N = N; g.K = K; g.lda = lda; g.ldb = ldb; g.ldc = ldc;
        g.A = A; g.B = B; g.C = C; g.alpha = alpha; g.beta = beta;
        g.kcb = aieng__kc_for(K);
        g.apack = (float *)(((uintptr_t)ws + 63) & ~(uintptr_t)63);
        if (beta != 1.0f) aieng_parallel_for(M, 1 + 16384 / (N + 1), aieng__gemm_beta_task, &g);
        aieng_parallel_for(mpan, 1, aieng__gemm_wt_pack_task, &g);
        aieng_parallel_for(ntiles, 2, aieng__gemm_wt_task, &g);
        aieng__scratch_release(ws, borrowed);
        return AIENG_OK;
    }
#endif
    if (M <= AIENG__SHORT_M || M * K <= AIENG__A_IN_L2) { /* short M, or all of A fits in L2: A packed once, B panels on the fly */
        int64_t npanels = (N + AIENG__NR - 1) / AIENG__NR, ntasks, mpad = (M + AIENG__MR - 1) / AIENG__MR * AIENG__MR;
        ws = aieng__scratch_acquire(sizeof(float) * ((size_t)mpad * (size_t)K + (size_t)threads * AIENG__KC * AIENG__NR) + 128, &borrowed);
        if (!ws) return aieng_set_error(AIENG_ERR_OOM, "sgemm: cannot allocate the packing workspace");
        g.ta = trans_a; g.tb = trans_b; g.M = M; g.N = N; g.K = K; g.lda = lda; g.ldb = ldb; g.ldc = ldc;
        g.A = A; g.B = B; g.C = C; g.alpha = alpha; g.beta = beta;
        g.kcb = aieng__kc_for(K);
        g.bpack = (float *)(((uintptr_t)ws + 63) & ~(uintptr_t)63);
        g.apack = g.bpack + (size_t)threads * AIENG__KC * AIENG__NR;
        if (beta != 1.0f && beta != 0.0f) aieng_parallel_for(M, 1 + 16384 / (N + 1), aieng__gemm_beta_task, &g); /* beta = 0: the first K slice writes C */
        aieng_parallel_for((K + g.kcb - 1) / g.kcb * (mpad / AIENG__MR), 4, aieng__gemm_pack_all_a_task, &g);
        if (threads > 1) {
            /* whole panels in a multiple of the thread count, one per item;
               the rest (the panels left over, and a narrow last panel) are
               cut into row ranges, one per thread: each range packs its B
               panel again, which costs far less than a thread left idle */
            int64_t nfull = N / AIENG__NR;
            g.panels_per_group = 1;
            g.mparts = g.M >= 2 * AIENG__MR * threads ? threads : 1;
            g.nwhole_panels = g.mparts > 1 ? nfull / threads * threads : npanels;
            g.nwhole = g.nwhole_panels;
            ntasks = g.nwhole + (npanels - g.nwhole_panels) * g.mparts;
        } else {
            g.panels_per_group = npanels;
            g.nwhole_panels = npanels;
            g.nwhole = 1;
            g.mparts = 1;
            ntasks = 1;
        }
        aieng_parallel_for(ntasks, 1, aieng__gemm_fused_task, &g);
        aieng__scratch_release(ws, borrowed);
        return AIENG_OK;
    }
    ws = aieng__scratch_acquire(sizeof(float) * ((size_t)AIENG__KC * AIENG__NCP + (size_t)threads * AIENG__MC * AIENG__KC) + 64, &borrowed);
    if (!ws) return aieng_set_error(AIENG_ERR_OOM, "sgemm: cannot allocate the packing workspace");
    g.ta = trans_a; g.tb = trans_b; g.M = M; g.N = N; g.K = K; g.lda = lda; g.ldb = ldb; g.ldc = ldc;
    g.A = A; g.B = B; g.C = C; g.alpha = alpha; g.beta = beta;
    g.kcb = aieng__kc_for(K);
    g.bpack = (float *)(((uintptr_t)ws + 63) & ~(uintptr_t)63);
    g.apack = g.bpack + (size_t)AIENG__KC * AIENG__NCP;
    if (beta != 1.0f && beta != 0.0f) aieng_parallel_for(M, 1 + 16384 / (N + 1), aieng__gemm_beta_task, &g); /* beta = 0: the first K slice writes C */
    /* blocks of A rows: as few as fit MC, but a multiple of the thread count
       and of equal height, so that no thread waits for another at the end of
       each K slice (2048 rows in six blocks of 384, 384, …, 128 left one of
       two threads idle 11 % of the time) */
    g.mblocks = (M + AIENG__MC - 1) / AIENG__MC;
    if (threads > 1 && g.mblocks >= 2 * threads) g.mblocks = (g.mblocks + threads - 1) / threads * threads;
    g.mc = ((M + g.mblocks - 1) / g.mblocks + AIENG__MR - 1) / AIENG__MR * AIENG__MR;
    g.mblocks = (M + g.mc - 1) / g.mc;
    for (j0 = 0; j0 < N; j0 += AIENG__NC) {
        g.j0 = j0;
        g.nc = N - j0 < AIENG__NC ? N - j0 : AIENG__NC;
        npanels_total = (g.nc + AIENG__NR - 1) / AIENG__NR;
        /* enough tasks for the threads: split the columns too when M is short */
        g.ngroups = g.mblocks >= 2 * threads ? 1 : (2 * threads + g.mblocks - 1) / g.mblocks;
        if (g.ngroups > npanels_total) g.ngroups = npanels_total;
        g.panels_per_group = (npanels_total + g.ngroups - 1) / g.ngroups;
        for (p0 = 0; p0 < K; p0 += g.kcb) {
            g.p0 = p0;
            g.kc = K - p0 < g.kcb ? K - p0 : g.kcb;
            aieng_parallel_for(npanels_total, 4, aieng__gemm_pack_b_task, &g);
            aieng_parallel_for(g.mblocks * g.ngroups, 1, aieng__gemm_compute_task, &g);
        }
    }
    aieng__scratch_release(ws, borrowed);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_sgemv(int trans, int64_t M, int64_t N, float alpha, const float *A, int64_t lda, const float *x,
                                   float beta, float *y) {
    /* y = A·x is the 1×M product x·Aᵀ; y = Aᵀ·x is the 1×N product x·A */
    if (M < 0 || N < 0 || lda < (N > 1 ? N : 1)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "sgemv: bad sizes M=%lld N=%lld lda=%lld", (long long)M, (long long)N, (long long)lda);
    if (!trans) return aieng_sgemm(0, 1, 1, M, N, alpha, x, N > 1 ? N : 1, A, lda, beta, y, M > 1 ? M : 1);
    return aieng_sgemm(0, 0, 1, N, M, alpha, x, M > 1 ? M : 1, A, lda, beta, y, N > 1 ? N : 1);
}

/* ---------------------------------------------------------------- random */
AIENG_API void aieng_rng_seed(aieng_rng *r, uint64_t seed, uint64_t stream) {
    r->state = 0;
    r->inc = (stream << 1) | 1u;
    (void)aieng_rng_u32(r);
    r->state += seed;
    (void)aieng_rng_u32(r);
}
AIENG_API uint32_t aieng_rng_u32(aieng_rng *r) {
    uint64_t old = r->state;
    uint32_t xorshifted, rot;
    r->state = old * 6364136223846793005ULL + r->inc;
    xorshifted = (uint32_t)(((old >> 18) ^ old) >> 27);
    rot = (uint32_t)(old >> 59);
    return (xorshifted >> rot) | (xorshifted << ((32 - rot) & 31));
}
AIENG_API float aieng_rng_uniform(aieng_rng *r) { return (float)(aieng_rng_u32(r) >> 8) * (1.0f / 16777216.0f); }
AIENG_API float aieng_rng_normal(aieng_rng *r) {
    float u1 = ((float)(aieng_rng_u32(r) >> 8) + 0.5f) * (1.0f / 16777216.0f); /* (0,1): log is finite */
    float u2 = aieng_rng_uniform(r);
    return sqrtf(-2.0f * logf(u1)) * cosf(6.28318530717958647692f * u2);
}

/* ---------------------------------------------------------------- scratch
   Kernels that need working memory (sgemm's packing buffers) borrow one
   process-wide scratch buffer, kept with the thread pool and grown to the
   largest size asked for: after the first call of a given size no kernel
   allocates. A caller that finds it in use (another thread is in a kernel)
   allocates its own for that call. aieng_threads_shutdown() frees it. */
static void *aieng__scratch = NULL;
static size_t aieng__scratch_size = 0;
static int aieng__scratch_busy = 0;
static void *aieng__scratch_acquire(size_t bytes, int *borrowed) {
    *borrowed = 0;
#if defined(__GNUC__) || defined(__clang__)
    if (__atomic_exchange_n(&aieng__scratch_busy, 1, __ATOMIC_ACQUIRE) == 0) {
        if (aieng__scratch_size < bytes) {
            void *p = AIENG_REALLOC(aieng__scratch, bytes, NULL);
            if (!p) { __atomic_store_n(&aieng__scratch_busy, 0, __ATOMIC_RELEASE); return NULL; }
            aieng__scratch = p;
            aieng__scratch_size = bytes;
        }
        *borrowed = 1;
        return aieng__scratch;
    }
#endif
    return AIENG_MALLOC(bytes, NULL);
}
static void aieng__scratch_release(void *p, int borrowed) {
#if defined(__GNUC__) || defined(__clang__)
    if (borrowed) { __atomic_store_n(&aieng__scratch_busy, 0, __ATOMIC_RELEASE); return; }
#endif
    (void)borrowed;
    AIENG_FREE(p, NULL);
}

/* ---------------------------------------------------------------- threads */
static aieng_parallel_for_fn aieng__pf_hook = NULL;
static void *aieng__pf_hook_user = NULL;
static int aieng__want_threads = 0; /* 0: one per CPU; read and written atomically */

#ifdef AIENG_THREADS
/* The pool. A job is published by bumping `generation`; its chunks are
   claimed through `ticket` (generation in the high 32 bits, next chunk in the
   low 32) with compare-and-swap, so a worker that wakes late can never claim
   a chunk of a job that is over. The caller works too and waits only for the
   chunks, never for workers that found nothing to do, so a worker that the OS
   has not scheduled does not hold the caller up. */
typedef struct aieng__pool {
    pthread_t threads[AIENG_MAX_THREADS];
    int n;                 /* participants, the caller included */
    pthread_mutex_t mu;    /* guards the condition variables' predicates */
    pthread_cond_t wake, done;
    pthread_mutex_t busy;  /* held by the thread dispatching a job */
    aieng_task_fn fn;      /* the current job; stable while any chunk of it is claimed */
    void *ctx;
    int64_t n_items, chunk;
    uint64_t ticket;       /* (generation << 32) | next chunk (atomic) */
    int64_t n_chunks, done_chunks; /* atomic */
    unsigned generation;   /* atomic */
    int started;           /* workers that have their id (startup only) */
    int want;              /* the thread count it was made for */
    int stop;
} aieng__pool;
static aieng__pool *aieng__the_pool = NULL;
static pthread_mutex_t aieng__pool_lock = PTHREAD_MUTEX_INITIALIZER;
static __thread int aieng__in_task = 0;

static void aieng__pool_run(aieng__pool *p, unsigned gen, int tid) {
    for (;;) {
        uint64_t t = __atomic_load_n(&p->ticket, __ATOMIC_ACQUIRE);
        int64_t c, b, e, nc;
        if ((unsigned)(t >> 32) != gen || (int64_t)(t & 0xffffffffu) >= __atomic_load_n(&p->n_chunks, __ATOMIC_ACQUIRE)) return;
        if (!__atomic_compare_exchange_n(&p->ticket, &t, t + 1, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) continue;
        /* a chunk of this job is ours: its fields cannot change until we report it done */
        nc = __atomic_load_n(&p->n_chunks, __ATOMIC_ACQUIRE);
        c = (int64_t)(t & 0xffffffffu);
        b = c * p->chunk;
        e = b + p->chunk < p->n_items ? b + p->chunk : p->n_items;
        p->fn(p->ctx, b, e, tid);
        if (__atomic_add_fetch(&p->done_chunks, 1, __ATOMIC_ACQ_REL) == nc) {
            pthread_mutex_lock(&p->mu);
            pthread_cond_broadcast(&p->done);
            pthread_mutex_unlock(&p->mu);
        }
    }
}
static void aieng__cpu_relax(void) {
#if defined(__x86_64__) || defined(__i386__)
    __builtin_ia32_pause();
#endif
}
/* Spinning is bounded in time, not in pauses (a pause takes 10 to 140 cycles
   depending on the CPU). Long enough to cover the gap between the jobs of one
   kernel and between back-to-back kernels (a worker that falls asleep there
   pays a futex wake, and on a virtual machine the wake of an idle vCPU, which
   cost sgemm 512³ on two threads 40 % with a 50 µs spin); short enough that
   an idle program does not burn a core. */
static uint64_t aieng__now_ns(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (uint64_t)ts.tv_sec * 1000000000u + (uint64_t)ts.tv_nsec;
}
/* one pause of a spin that began at t0; 0 once AIENG_SPIN_US have passed
   (the clock is read every 64 pauses) */
static int aieng__spin(int *spin, uint64_t t0) {
    aieng__cpu_relax();
    return (++*spin & 63) != 0 || aieng__now_ns() - t0 <= (uint64_t)AIENG_SPIN_US * 1000u;
}
static void *aieng__worker(void *arg) {
    aieng__pool *p = (aieng__pool *)arg;
    unsigned seen;
    int tid;
    pthread_mutex_lock(&p->mu);
    tid = ++p->started; /* startup handshake hands out ids 1..n-1 */
    seen = p->generation;
    pthread_cond_broadcast(&p->done);
    pthread_mutex_unlock(&p->mu);
    aieng__in_task = 1;
    for (;;) {
        int spin = 0;
        unsigned g = seen;
        uint64_t t0 = aieng__now_ns();
        do { /* AIENG_SPIN_US, then sleep */
            g = __atomic_load_n(&p->generation, __ATOMIC_ACQUIRE);
            if (g != seen || __atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) break;
        } while (aieng__spin(&spin, t0));
        if (g == seen) {
            pthread_mutex_lock(&p->mu);
            while ((g = p->generation) == seen && !p->stop) pthread_cond_wait(&p->wake, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
        if (__atomic_load_n(&p->stop, __ATOMIC_ACQUIRE)) break;
        seen = g;
        aieng__pool_run(p, g, tid);
    }
    return NULL;
}
static int aieng__cpu_count(void) {
    long n = sysconf(_SC_NPROCESSORS_ONLN);
    if (n < 1) n = 1;
    if (n > AIENG_MAX_THREADS) n = AIENG_MAX_THREADS;
    return (int)n;
}
static void aieng__pool_destroy(aieng__pool *p) {
    int i;
    if (!p) return;
    pthread_mutex_lock(&p->mu);
    __atomic_store_n(&p->stop, 1, __ATOMIC_RELEASE);
    pthread_cond_broadcast(&p->wake);
    pthread_mutex_unlock(&p->mu);
    for (i = 1; i < p->n; i++) pthread_join(p->threads[i], NULL);
    pthread_mutex_destroy(&p->mu);
    pthread_mutex_destroy(&p->busy);
    pthread_cond_destroy(&p->wake);
    pthread_cond_destroy(&p->done);
    AIENG_FREE(p, NULL);
}
/* Returns the pool with its `busy` lock held, or NULL: run serially. Every
   acquisition of `busy` happens under aieng__pool_lock, so a resize or a
   shutdown (which take both) never pulls the pool from under a job. */
static aieng__pool *aieng__pool_acquire(void) {
    aieng__pool *p;
    int want = aieng_get_threads(), i;
    if (want > AIENG_MAX_THREADS) want = AIENG_MAX_THREADS;
    pthread_mutex_lock(&aieng__pool_lock);
    p = aieng__the_pool;
    if (p && p->want != want && pthread_mutex_trylock(&p->busy) == 0) { /* resize only when no job runs */
        pthread_mutex_unlock(&p->busy);
        aieng__pool_destroy(p);
        p = aieng__the_pool = NULL;
    }
    if (!p && want > 1) {
        p = (aieng__pool *)AIENG_MALLOC(sizeof *p, NULL);
        if (p) {
            memset(p, 0, sizeof *p);
            pthread_mutex_init(&p->mu, NULL);
            pthread_mutex_init(&p->busy, NULL);
            pthread_cond_init(&p->wake, NULL);
            pthread_cond_init(&p->done, NULL);
            p->n = 1;
            for (i = 1; i < want; i++) {
                if (pthread_create(&p->threads[i], NULL, aieng__worker, p) != 0) break;
                p->n++;
            }
            pthread_mutex_lock(&p->mu); /* wait until every worker has its id */
            while (p->started < p->n - 1) pthread_cond_wait(&p->done, &p->mu);
            pthread_mutex_unlock(&p->mu);
            p->want = want;
        }
        aieng__the_pool = p;
    }
    if (p && (p->n <= 1 || pthread_mutex_trylock(&p->busy) != 0)) p = NULL; /* in use elsewhere */
    pthread_mutex_unlock(&aieng__pool_lock);
    return p;
}
#endif

/* Safe to call at any time; a pool in use is resized at the next call that finds it idle. */
AIENG_API void aieng_set_threads(int n) {
    __atomic_store_n(&aieng__want_threads, n > 0 ? (n > AIENG_MAX_THREADS ? AIENG_MAX_THREADS : n) : 0, __ATOMIC_RELAXED);
}
AIENG_API int aieng_get_threads(void) {
#ifdef AIENG_THREADS
    int w = __atomic_load_n(&aieng__want_threads, __ATOMIC_RELAXED);
    return w > 0 ? w : aieng__cpu_count();
#else
    return 1;
#endif
}
AIENG_API void aieng_set_parallel_for_hook(aieng_parallel_for_fn hook, void *user) {
    aieng__pf_hook = hook;
    aieng__pf_hook_user = user;
}
AIENG_API void aieng_threads_shutdown(void) {
#if defined(__GNUC__) || defined(__clang__)
    if (__atomic_exchange_n(&aieng__scratch_busy, 1, __ATOMIC_ACQUIRE) == 0) {
        AIENG_FREE(aieng__scratch, NULL);
        aieng__scratch = NULL;
        aieng__scratch_size = 0;
        __atomic_store_n(&aieng__scratch_busy, 0, __ATOMIC_RELEASE);
    }
#endif
#ifdef AIENG_THREADS
    pthread_mutex_lock(&aieng__pool_lock);
    if (aieng__the_pool) { /* wait for a running job to end */
        pthread_mutex_lock(&aieng__the_pool->busy);
        pthread_mutex_unlock(&aieng__the_pool->busy);
    }
    aieng__pool_destroy(aieng__the_pool);
    aieng__the_pool = NULL;
    pthread_mutex_unlock(&aieng__pool_lock);
#endif
}
AIENG_API void aieng_parallel_for(int64_t n, int64_t grain, aieng_task_fn fn, void *ctx) {
#ifdef AIENG_THREADS
    aieng__pool *p;
    int64_t chunk;
#endif
    if (n <= 0) return;
    if (grain < 1) grain = 1;
    if (aieng__pf_hook) { aieng__pf_hook(n, grain, fn, ctx, aieng__pf_hook_user); return; }
#ifdef AIENG_THREADS
    if (n <= grain || aieng__in_task || aieng_get_threads() <= 1) { fn(ctx, 0, n, 0); return; }
    p = aieng__pool_acquire();
    if (!p) { fn(ctx, 0, n, 0); return; }
    /* chunks: about 4 per thread for balance, never below the grain */
    chunk = (n + (int64_t)p->n * 4 - 1) / ((int64_t)p->n * 4);
    if (chunk < grain) chunk = grain;
    {
        unsigned gen = p->generation + 1;
        int64_t n_chunks = (n + chunk - 1) / chunk;
        int spin;
        /* close the ticket first (new generation, no chunk left), so that a
           worker still looking at the last job can claim nothing while the
           fields below change */
        __atomic_store_n(&p->ticket, ((uint64_t)gen << 32) | 0xffffffffu, __ATOMIC_SEQ_CST);
        p->fn = fn;
        p->ctx = ctx;
        p->n_items = n;
        p->chunk = chunk;
        __atomic_store_n(&p->n_chunks, n_chunks, __ATOMIC_RELAXED);
        __atomic_store_n(&p->done_chunks, 0, __ATOMIC_RELAXED);
        __atomic_store_n(&p->ticket, (uint64_t)gen << 32, __ATOMIC_RELEASE);
        pthread_mutex_lock(&p->mu);
        __atomic_store_n(&p->generation, gen, __ATOMIC_RELEASE);
        pthread_cond_broadcast(&p->wake);
        pthread_mutex_unlock(&p->mu);
        aieng__in_task = 1;
        aieng__pool_run(p, gen, 0);
        aieng__in_task = 0;
        {
            uint64_t t0 = aieng__now_ns();
            spin = 0;
            while (__atomic_load_n(&p->done_chunks, __ATOMIC_ACQUIRE) < n_chunks && aieng__spin(&spin, t0)) {}
        }
        if (__atomic_load_n(&p->done_chunks, __ATOMIC_ACQUIRE) < n_chunks) {
            pthread_mutex_lock(&p->mu);
            while (__atomic_load_n(&p->done_chunks, __ATOMIC_ACQUIRE) < n_chunks) pthread_cond_wait(&p->done, &p->mu);
            pthread_mutex_unlock(&p->mu);
        }
    }
    pthread_mutex_unlock(&p->busy);
#else
    fn(ctx, 0, n, 0);
#endif
}

AIENG_EXTERN_C_END
/* the SIMD vocabulary is private to this implementation: do not leak it */
#undef aieng__load
#undef aieng__store
#undef aieng__set1
#undef aieng__add
#undef aieng__sub
#undef aieng__mul
#undef aieng__div
#undef aieng__fma
#undef aieng__max
#undef aieng__min
#undef aieng__round
#undef aieng__pow2i
#undef AIENG__UNROLL4
#if !defined(AIENG_AVX2) || defined(AIENG_AVX512)
#undef aieng__hsum
#undef aieng__hmax
#endif
#if defined(__GNUC__) && !defined(__clang__)
#pragma GCC diagnostic pop
#endif
#endif /* AIENG_TENSOR_IMPLEMENTATION */

/*
------------------------------------------------------------------------------
MIT License
Copyright (c) 2026 the aieng authors
Permission is hereby granted, free of charge, to any person obtaining a copy of
this software and associated documentation files (the "Software"), to deal in
the Software without restriction, including without limitation the rights to
use, copy, modify, merge, publish, distribute, sublicense, and/or sell copies
of the Software, and to permit persons to whom the Software is furnished to do
so, subject to the following conditions:
The above copyright notice and this permission notice shall be included in all
copies or substantial portions of the Software.
THE SOFTWARE IS PROVIDED "AS IS", WITHOUT WARRANTY OF ANY KIND, EXPRESS OR
IMPLIED, INCLUDING BUT NOT LIMITED TO THE WARRANTIES OF MERCHANTABILITY,
FITNESS FOR A PARTICULAR PURPOSE AND NONINFRINGEMENT. IN NO EVENT SHALL THE
AUTHORS OR COPYRIGHT HOLDERS BE LIABLE FOR ANY CLAIM, DAMAGES OR OTHER
LIABILITY, WHETHER IN AN ACTION OF CONTRACT, TORT OR OTHERWISE, ARISING FROM,
OUT OF OR IN CONNECTION WITH THE SOFTWARE OR THE USE OR OTHER DEALINGS IN THE
SOFTWARE.
------------------------------------------------------------------------------
*/
