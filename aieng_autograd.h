/* aieng_autograd.h - reverse-mode automatic differentiation over f32 tensors in one C header.
   v0.1.0 - MIT licence (see the end of the file).

   Trains an MLP or a GPT from scratch on the CPU: a tape of tensor operations
   recorded in an arena, backward from a scalar loss, parameters, gradients and
   optimizer state in one block (saved and restored as a checkpoint), SGD with
   momentum and AdamW, warm-up + cosine schedule, clipping by global norm,
   gradient accumulation, LoRA adapters, a finite-difference gradient checker,
   and a small GPT-2 / Llama model builder. Built on aieng_tensor.h (sgemm,
   row kernels, thread pool, PCG32).

   DO THIS in exactly one C or C++ file:
       #define _POSIX_C_SOURCE 200809L        (before any include; for threads)
       #define AIENG_AUTOGRAD_IMPLEMENTATION  (or AIENG_IMPLEMENTATION for all)
       #include "aieng_autograd.h"
   (it includes aieng_tensor.h and turns on its implementation too) and link
   with -lm -pthread.

   QUICK START (fit y = 3x - 1 with one linear layer)
       #define _POSIX_C_SOURCE 200809L
       #define AIENG_AUTOGRAD_IMPLEMENTATION
       #include "aieng_autograd.h"
       #include <stdio.h>
       int main(void) {
           aieng_autograd g;
           aieng_var *w, *b;
           int step;
           if (aieng_autograd_init(&g, NULL) != AIENG_OK) return 1;
           w = aieng_autograd_param(&g, "w", 2, 1, 1, 1, 1);   // {in = 1, out = 1}
           b = aieng_autograd_param(&g, "b", 1, 1, 1, 1, 1);
           if (aieng_autograd_finalize(&g) != AIENG_OK) return 1;
           for (step = 0; step < 300; step++) {
               aieng_var *x, *y, *loss;
               int i;
               aieng_autograd_reset(&g);                         // rewind the tape
               x = aieng_autograd_tensor(&g, 2, 1, 8, 1, 1);     // 8 rows of 1
               y = aieng_autograd_tensor(&g, 2, 1, 8, 1, 1);
               for (i = 0; i < 8; i++) { x->val.data[i] = (float)i / 8; y->val.data[i] = 3.0f * i / 8 - 1; }
               loss = aieng_autograd_mean(&g, aieng_autograd_square(&g,
                          aieng_autograd_sub(&g, aieng_autograd_linear(&g, x, w, b), y)), -1);
               aieng_autograd_zero_grad(&g);
               if (aieng_autograd_backward(&g, loss, 1.0f) != AIENG_OK) return 1;
               aieng_autograd_adamw(&g, 0.05f, 0.9f, 0.999f, 1e-8f, 0.0f);
           }
           printf("w %.3f b %.3f\n", w->val.data[0], b->val.data[0]);  // w 3.000 b -1.000
           aieng_autograd_free(&g);
           return 0;
       }

   HOW IT WORKS
   - aieng_var is a node: its value `val` and gradient `grad` (aieng_tensor,
     ne[0] innermost as in aieng_tensor.h), the op that made it and its inputs.
   - Parameters are declared first (aieng_autograd_param), then
     aieng_autograd_finalize lays out ONE block of floats: all values, all
     gradients, then the optimizer's first and second moments. That block is
     the checkpoint (aieng_autograd_save / _load).
   - Every op call appends a node to the tape, with its value computed at once
     (eager). The tape lives in an arena: aieng_autograd_reset rewinds it for
     the next step. The arena grows on the first step(s); after one reset the
     chunks are merged into one buffer of the peak size, so a step that builds
     the same graph again allocates nothing (check aieng_autograd_tape_allocs).
     With config.tape_buffer the arena is a fixed caller buffer and never grows.
   - aieng_autograd_backward walks the tape backwards; gradients of tape nodes
     are created on demand in the same arena (zeroed, or written directly by
     the first op that fills all of it: linear, residual add, cross-entropy);
     parameter gradients are
     ACCUMULATED into the block (+=): call aieng_autograd_zero_grad before a
     step, or after k micro-batches for gradient accumulation (pass 1/k as the
     backward scale).
   - Ops return NULL on a bad shape (with aieng_autograd_error(g) and
     aieng_last_error() set) and propagate a NULL input as NULL, so a model can
     be written without checks and tested once at the loss.
   - Results do not depend on the thread count (each output is summed by one
     thread in a fixed order; per-thread partial sums for weight gradients are
     added in thread order, so they can change in the last bits with the
     thread count).

   OPTIONS (#define before including)
     everything aieng_tensor.h reads (AIENG_NO_SIMD, AIENG_NO_THREADS, allocator)
     AIENG_AUTOGRAD_MAX_CHUNKS   tape arena chunks before a merge (default 32)
     AIENG_AUTOGRAD_ATT_BLOCK    query rows per causal attention block (default 64)

   API OVERVIEW
     context   aieng_autograd_config_default, _init, _free, _reset, _error,
               _set_training, _seed, _tape_allocs, _tape_bytes
     params    aieng_autograd_param, _finalize, _param_normal, _param_fill,
               _param_by_name, _freeze, _zero_grad, _grad_norm
     leaves    aieng_autograd_tensor (a constant input filled by the caller)
     ops       add sub mul div (broadcasting), scale, square, matmul (batched),
               matmul_t (a·bᵀ), linear (x·Wᵀ + b), reshape, permute, slice,
               concat, sum, mean, embedding, layernorm, rmsnorm, gelu (tanh),
               silu, relu, softmax, log_softmax, cross_entropy (fused with the
               softmax, mean over counted targets), rope, attention (causal,
               multi-head, grouped KV heads), attention_qkv (fused input), dropout
     backward  aieng_autograd_backward(g, loss, scale)
     optim     aieng_autograd_sgd, _adamw, _lr_cosine, _clip_grad_norm
     files     aieng_autograd_save, _load (the whole block + step + names)
     check     aieng_autograd_gradcheck (central finite differences)
     lora      aieng_autograd_lora, _lora_init, _lora_linear, _lora_merge
     models    aieng_autograd_gpt_config_default, _gpt_declare, _gpt_init,
               _gpt_forward (GPT-2 or Llama form, returns the mean loss)

   THREADS: one aieng_autograd is used by one thread at a time; its ops use the
   aieng_tensor.h pool inside. Memory: every allocation goes through the
   config's aieng_allocator (or AIENG_MALLOC); the tape can be a caller buffer.
   The tape keeps every activation and its gradient: a training step of a
   GPT-2 with 4 layers of 256, batch 8 and context 256 uses about 450 MB.

   VERSIONS
     0.1.0  first release
*/
#ifndef AIENG_AUTOGRAD_H
#define AIENG_AUTOGRAD_H

#define AIENG_AUTOGRAD_VERSION_MAJOR 0
#define AIENG_AUTOGRAD_VERSION_MINOR 1
#define AIENG_AUTOGRAD_VERSION_PATCH 0

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

#if defined(AIENG_AUTOGRAD_IMPLEMENTATION) && !defined(AIENG_TENSOR_IMPLEMENTATION) && !defined(AIENG_TENSOR_IMPLEMENTED) && \
    !defined(AIENG_TENSOR_EXTERNAL)
#define AIENG_TENSOR_IMPLEMENTATION
#endif
#include "aieng_tensor.h"

#ifndef AIENG_AUTOGRAD_MAX_CHUNKS
#define AIENG_AUTOGRAD_MAX_CHUNKS 32
#endif

AIENG_EXTERN_C_BEGIN

/* One node of the graph: a value, its gradient and how it was made. */
typedef struct aieng_var {
    aieng_tensor val;          /* the value (contiguous) */
    aieng_tensor grad;         /* its gradient; grad.data NULL while none has arrived */
    int op;                    /* AIENG__AG_* (internal) */
    int requires_grad;         /* a gradient flows back into it */
    int is_param;              /* lives in the parameter block */
    int frozen;                /* a parameter that the optimizers leave alone */
    struct aieng_var *src[3];  /* inputs */
    struct aieng_var *prev;    /* the node recorded before this one */
    int64_t iarg[6];           /* op arguments */
    float farg[4];
    int32_t *ids;              /* embedding ids, cross-entropy targets, rope positions */
    float *saved;              /* what backward needs (norm statistics, masks, probabilities) */
    size_t offset;             /* parameters: float offset in the block */
    char name[48];             /* parameters: a name for checkpoints and LoRA */
} aieng_var;

/* Zero means default everywhere. */
typedef struct aieng_autograd_config {
    size_t tape_bytes;       /* first tape chunk (default 16 MiB; grows when needed) */
    void *tape_buffer;       /* a caller buffer of tape_bytes for the tape: no heap, no growth */
    int max_params;          /* default 4096 */
    uint64_t seed;           /* dropout and init generator (default 1) */
    aieng_allocator allocator;
} aieng_autograd_config;

typedef struct aieng_autograd {
    aieng_autograd_config cfg;
    aieng_arena chunk[AIENG_AUTOGRAD_MAX_CHUNKS]; /* tape arena: chunk[n_chunks-1] is current */
    int n_chunks;
    size_t tape_allocs;      /* heap allocations the tape made since init */
    aieng_var *last;         /* the tape: last recorded node, linked by prev */
    aieng_var *params;       /* max_params parameter nodes */
    int n_params;
    int finalized;
    float *block;            /* values | grads | m | v, each n_floats */
    size_t n_floats;
    int64_t step;            /* optimizer steps taken (AdamW bias correction) */
    int training;            /* dropout on (default 1) */
    aieng_rng rng;
    char err[256];
} aieng_autograd;

AIENG_API aieng_autograd_config aieng_autograd_config_default(void);
AIENG_API aieng_result aieng_autograd_init(aieng_autograd *g, const aieng_autograd_config *cfg);
AIENG_API void aieng_autograd_free(aieng_autograd *g);
/* Rewinds the tape (all non-parameter nodes die). Merges the arena's chunks. */
AIENG_API aieng_result aieng_autograd_reset(aieng_autograd *g);
AIENG_API const char *aieng_autograd_error(const aieng_autograd *g);
AIENG_API void aieng_autograd_set_training(aieng_autograd *g, int on);
AIENG_API void aieng_autograd_seed(aieng_autograd *g, uint64_t seed);
AIENG_API size_t aieng_autograd_tape_allocs(const aieng_autograd *g);
AIENG_API size_t aieng_autograd_tape_bytes(const aieng_autograd *g);

/* ---- parameters */
/* Declares a parameter of shape ne0..ne3 (ne0 innermost); data exists after finalize. */
AIENG_API aieng_var *aieng_autograd_param(aieng_autograd *g, const char *name, int ndim, int64_t ne0, int64_t ne1,
                                          int64_t ne2, int64_t ne3);
/* Allocates the block (values zero) and points every parameter into it. */
AIENG_API aieng_result aieng_autograd_finalize(aieng_autograd *g);
AIENG_API void aieng_autograd_param_normal(aieng_autograd *g, aieng_var *p, float mean, float std);
AIENG_API void aieng_autograd_param_fill(aieng_var *p, float v);
AIENG_API aieng_var *aieng_autograd_param_by_name(aieng_autograd *g, const char *name);
AIENG_API void aieng_autograd_freeze(aieng_var *p, int frozen);
AIENG_API void aieng_autograd_zero_grad(aieng_autograd *g);
AIENG_API float aieng_autograd_grad_norm(const aieng_autograd *g);

/* ---- leaves and ops (NULL on error; a NULL input gives NULL) */
AIENG_API aieng_var *aieng_autograd_tensor(aieng_autograd *g, int ndim, int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3);
AIENG_API aieng_var *aieng_autograd_add(aieng_autograd *g, aieng_var *a, aieng_var *b);
AIENG_API aieng_var *aieng_autograd_sub(aieng_autograd *g, aieng_var *a, aieng_var *b);
AIENG_API aieng_var *aieng_autograd_mul(aieng_autograd *g, aieng_var *a, aieng_var *b);
AIENG_API aieng_var *aieng_autograd_div(aieng_autograd *g, aieng_var *a, aieng_var *b);
AIENG_API aieng_var *aieng_autograd_scale(aieng_autograd *g, aieng_var *a, float s);
AIENG_API aieng_var *aieng_autograd_square(aieng_autograd *g, aieng_var *a);
/* a {K, M, B2, B3} · b {N, K, ..} -> {N, M, B2, B3}; b's batch extents equal a's or 1. */
AIENG_API aieng_var *aieng_autograd_matmul(aieng_autograd *g, aieng_var *a, aieng_var *b);
/* a {K, M, ..} · bᵀ with b {K, N, ..} -> {N, M, ..}. */
AIENG_API aieng_var *aieng_autograd_matmul_t(aieng_autograd *g, aieng_var *a, aieng_var *b);
/* x {in, rows...} · Wᵀ (W {in, out}) + bias {out} (bias may be NULL) -> {out, rows...}. */
AIENG_API aieng_var *aieng_autograd_linear(aieng_autograd *g, aieng_var *x, aieng_var *w, aieng_var *bias);
AIENG_API aieng_var *aieng_autograd_reshape(aieng_autograd *g, aieng_var *a, int ndim, int64_t ne0, int64_t ne1,
                                            int64_t ne2, int64_t ne3);
/* out dimension i is a's dimension perm[i] (a copy). */
AIENG_API aieng_var *aieng_autograd_permute(aieng_autograd *g, aieng_var *a, int p0, int p1, int p2, int p3);
AIENG_API aieng_var *aieng_autograd_slice(aieng_autograd *g, aieng_var *a, int dim, int64_t begin, int64_t end);
AIENG_API aieng_var *aieng_autograd_concat(aieng_autograd *g, aieng_var *a, aieng_var *b, int dim);
/* axis -1: all elements -> a 1-element tensor; else ne[axis] becomes 1. */
AIENG_API aieng_var *aieng_autograd_sum(aieng_autograd *g, aieng_var *a, int axis);
AIENG_API aieng_var *aieng_autograd_mean(aieng_autograd *g, aieng_var *a, int axis);
/* table {D, V}, ids[n] -> {D, n}. The ids are copied. */
AIENG_API aieng_var *aieng_autograd_embedding(aieng_autograd *g, aieng_var *table, const int32_t *ids, int64_t n);
AIENG_API aieng_var *aieng_autograd_layernorm(aieng_autograd *g, aieng_var *x, aieng_var *w, aieng_var *b, float eps);
AIENG_API aieng_var *aieng_autograd_rmsnorm(aieng_autograd *g, aieng_var *x, aieng_var *w, float eps);
AIENG_API aieng_var *aieng_autograd_gelu(aieng_autograd *g, aieng_var *x); /* tanh form (GPT-2) */
AIENG_API aieng_var *aieng_autograd_silu(aieng_autograd *g, aieng_var *x);
AIENG_API aieng_var *aieng_autograd_relu(aieng_autograd *g, aieng_var *x);
AIENG_API aieng_var *aieng_autograd_softmax(aieng_autograd *g, aieng_var *x);     /* along ne[0] */
AIENG_API aieng_var *aieng_autograd_log_softmax(aieng_autograd *g, aieng_var *x); /* along ne[0] */
/* Mean cross-entropy of logits {V, rows...} against targets[rows] (< 0: ignored). */
AIENG_API aieng_var *aieng_autograd_cross_entropy(aieng_autograd *g, aieng_var *logits, const int32_t *targets);
/* x {head_dim, n_heads, T, B}; token t of every sequence at position pos[t]; see aieng_tensor_rope. */
AIENG_API aieng_var *aieng_autograd_rope(aieng_autograd *g, aieng_var *x, const int32_t *pos, int n_rot, float base, int mode);
/* Causal scaled-dot-product attention: q {n_head·hd, T, B}, k and v {n_kv_head·hd, T, B}
   -> {n_head·hd, T, B}; head h reads kv head h / (n_head / n_kv_head). */
AIENG_API aieng_var *aieng_autograd_attention(aieng_autograd *g, aieng_var *q, aieng_var *k, aieng_var *v, int n_head,
                                              int n_kv_head);
/* The same on a fused projection qkv {3·C, T, B} (q, k, v one after the other in ne[0], GPT-2's c_attn). */
AIENG_API aieng_var *aieng_autograd_attention_qkv(aieng_autograd *g, aieng_var *qkv, int n_head);
/* Inverted dropout with the context's generator; identity when not training or p == 0. */
AIENG_API aieng_var *aieng_autograd_dropout(aieng_autograd *g, aieng_var *x, float p);

/* loss: a 1-element node. Parameter gradients += scale · dloss/dparam. */
AIENG_API aieng_result aieng_autograd_backward(aieng_autograd *g, aieng_var *loss, float scale);

/* ---- optimizers (over every parameter that is not frozen) */
/* v = momentum·v + grad + wd·p; p -= lr·v   (PyTorch's SGD, dampening 0) */
AIENG_API void aieng_autograd_sgd(aieng_autograd *g, float lr, float momentum, float weight_decay);
/* AdamW with decoupled weight decay (PyTorch's torch.optim.AdamW). */
AIENG_API void aieng_autograd_adamw(aieng_autograd *g, float lr, float beta1, float beta2, float eps, float weight_decay);
/* Linear warm-up over `warmup` steps to lr_max, then cosine down to lr_min at `total`. */
AIENG_API float aieng_autograd_lr_cosine(int64_t step, int64_t warmup, int64_t total, float lr_max, float lr_min);
/* Scales all gradients so that their global L2 norm is <= max_norm; returns the norm before. */
AIENG_API float aieng_autograd_clip_grad_norm(aieng_autograd *g, float max_norm);

/* ---- checkpoints: names, shapes, step and the whole block (values, grads, moments) */
AIENG_API aieng_result aieng_autograd_save(const aieng_autograd *g, const char *path);
/* The same parameters (names and shapes, in order) must have been declared and finalized. */
AIENG_API aieng_result aieng_autograd_load(aieng_autograd *g, const char *path);

/* ---- finite-difference gradient check. fn builds the graph from the
   parameters and returns a scalar loss. Every element of every non-frozen
   parameter is perturbed by ±eps (up to max_per_param elements each, 0 = all);
   *max_err gets the worst |analytic - numeric| / max(1, |analytic|, |numeric|). */
typedef aieng_var *(*aieng_autograd_loss_fn)(aieng_autograd *g, void *user);
AIENG_API aieng_result aieng_autograd_gradcheck(aieng_autograd *g, aieng_autograd_loss_fn fn, void *user, float eps,
                                                int64_t max_per_param, double *max_err);

/* ---- LoRA: W {in, out} gets A {in, r} and B {r, out} (B starts at zero):
   y = x·Wᵀ + (alpha / r)·(x·Aᵀ)·Bᵀ. Declare before finalize; init after. */
typedef struct aieng_autograd_lora_adapter {
    aieng_var *w, *a, *b;
    int rank;
    float scale; /* alpha / rank */
} aieng_autograd_lora_adapter;
AIENG_API aieng_result aieng_autograd_lora(aieng_autograd *g, aieng_autograd_lora_adapter *l, aieng_var *w, int rank,
                                           float alpha);
/* A ~ N(0, 1/in), B = 0, and freezes W (call after finalize). */
AIENG_API void aieng_autograd_lora_init(aieng_autograd *g, aieng_autograd_lora_adapter *l);
AIENG_API aieng_var *aieng_autograd_lora_linear(aieng_autograd *g, aieng_var *x, const aieng_autograd_lora_adapter *l,
                                                aieng_var *bias);
/* W += scale·B·A, then B = 0 (so the model computes the same function). */
AIENG_API void aieng_autograd_lora_merge(aieng_autograd_lora_adapter *l);

/* ---- a small GPT: GPT-2 form (learned positions, LayerNorm with bias,
   GELU MLP, biases, tied embeddings) or Llama form (RoPE, RMSNorm, SwiGLU,
   no biases, grouped KV heads, separate output matrix). */
typedef struct aieng_autograd_gpt_config {
    int64_t vocab, n_ctx, n_layer, n_head, n_kv_head, n_embd, n_ff; /* n_kv_head/n_ff 0: n_head / 4·n_embd */
    int llama;                  /* 0: GPT-2, 1: Llama */
    float norm_eps;             /* 0: 1e-5 */
    float rope_base;            /* 0: 10000 (NEOX layout, as HF Llama) */
    float dropout;              /* on the residual branches while training */
} aieng_autograd_gpt_config;
typedef struct aieng_autograd_gpt_layer {
    aieng_var *ln1_w, *ln1_b, *ln2_w, *ln2_b;              /* Llama: no _b */
    aieng_var *qkv_w, *qkv_b, *proj_w, *proj_b;            /* GPT-2: fused qkv */
    aieng_var *q_w, *k_w, *v_w, *o_w;                      /* Llama */
    aieng_var *fc_w, *fc_b, *fcproj_w, *fcproj_b;          /* GPT-2 MLP */
    aieng_var *gate_w, *up_w, *down_w;                     /* Llama MLP */
} aieng_autograd_gpt_layer;
#define AIENG_AUTOGRAD_GPT_MAX_LAYERS 64
typedef struct aieng_autograd_gpt {
    aieng_autograd_gpt_config cfg;
    aieng_var *wte, *wpe, *lnf_w, *lnf_b, *lm_head;       /* lm_head NULL for GPT-2 (tied to wte) */
    aieng_autograd_gpt_layer layer[AIENG_AUTOGRAD_GPT_MAX_LAYERS];
    aieng_var *logits;                                     /* after _gpt_forward: {vocab, T, B} */
} aieng_autograd_gpt;
AIENG_API aieng_autograd_gpt_config aieng_autograd_gpt_config_default(void);
/* Declares the parameters (names as in GPT-2 / HF Llama checkpoints, e.g. "h.0.attn.c_attn.weight"). */
AIENG_API aieng_result aieng_autograd_gpt_declare(aieng_autograd *g, aieng_autograd_gpt *m, const aieng_autograd_gpt_config *cfg);
/* GPT-2 initialisation: N(0, 0.02), residual projections N(0, 0.02/sqrt(2·n_layer)), norms 1, biases 0. */
AIENG_API void aieng_autograd_gpt_init(aieng_autograd *g, aieng_autograd_gpt *m);
/* ids, targets: B·T tokens (sequence after sequence). Returns the mean loss
   (targets NULL: returns the logits node instead). */
AIENG_API aieng_var *aieng_autograd_gpt_forward(aieng_autograd *g, aieng_autograd_gpt *m, const int32_t *ids,
                                                const int32_t *targets, int64_t B, int64_t T);

AIENG_EXTERN_C_END
#endif /* AIENG_AUTOGRAD_H */

/* ====================================================================== */
/*                             IMPLEMENTATION                             */
/* ====================================================================== */
#if (defined(AIENG_IMPLEMENTATION) || defined(AIENG_AUTOGRAD_IMPLEMENTATION)) && !defined(AIENG_AUTOGRAD_IMPLEMENTED)
#define AIENG_AUTOGRAD_IMPLEMENTED
#include <string.h>
#include <math.h>
#include <stdio.h>
#if defined(AIENG_AVX512) || defined(AIENG_AVX2)
#include <immintrin.h>
#endif

AIENG_EXTERN_C_BEGIN

enum {
    AIENG__AG_LEAF, AIENG__AG_PARAM, AIENG__AG_ADD, AIENG__AG_SUB, AIENG__AG_MUL, AIENG__AG_DIV, AIENG__AG_SCALE,
    AIENG__AG_SQUARE, AIENG__AG_MATMUL, AIENG__AG_LINEAR, AIENG__AG_RESHAPE, AIENG__AG_PERMUTE, AIENG__AG_SLICE,
    AIENG__AG_CONCAT, AIENG__AG_SUM, AIENG__AG_EMBEDDING, AIENG__AG_LAYERNORM, AIENG__AG_RMSNORM, AIENG__AG_GELU,
    AIENG__AG_SILU, AIENG__AG_RELU, AIENG__AG_SOFTMAX, AIENG__AG_LOGSOFTMAX, AIENG__AG_XENT, AIENG__AG_ROPE,
    AIENG__AG_ATTENTION, AIENG__AG_DROPOUT
};

#define AIENG__AG_AT(t, i0, i1, i2, i3) ((t)->data + (i0) * (t)->st[0] + (i1) * (t)->st[1] + (i2) * (t)->st[2] + (i3) * (t)->st[3])

static aieng_var *aieng__ag_fail(aieng_autograd *g, aieng_result code, const char *fmt, ...) {
    va_list ap;
    va_start(ap, fmt);
    vsnprintf(g->err, sizeof g->err, fmt, ap);
    va_end(ap);
    aieng_set_error(code, "autograd: %s", g->err);
    return NULL;
}

/* ---------------------------------------------------------------- context and tape arena */
AIENG_API aieng_autograd_config aieng_autograd_config_default(void) {
    aieng_autograd_config c;
    memset(&c, 0, sizeof c);
    c.tape_bytes = (size_t)16 << 20;
    c.max_params = 4096;
    c.seed = 1;
    return c;
}
AIENG_API aieng_result aieng_autograd_init(aieng_autograd *g, const aieng_autograd_config *cfg) {
    aieng_autograd_config d = aieng_autograd_config_default();
    memset(g, 0, sizeof *g);
    if (cfg) {
        g->cfg = *cfg;
        if (!g->cfg.tape_bytes) g->cfg.tape_bytes = d.tape_bytes;
        if (g->cfg.max_params <= 0) g->cfg.max_params = d.max_params;
        if (!g->cfg.seed) g->cfg.seed = d.seed;
    } else g->cfg = d;
    g->params = (aieng_var *)aieng_alloc(&g->cfg.allocator, sizeof(aieng_var) * (size_t)g->cfg.max_params);
    if (!g->params) return aieng_set_error(AIENG_ERR_OOM, "autograd: cannot allocate the parameter table");
    memset(g->params, 0, sizeof(aieng_var) * (size_t)g->cfg.max_params);
    if (g->cfg.tape_buffer) aieng_arena_init(&g->chunk[0], g->cfg.tape_buffer, g->cfg.tape_bytes);
    else {
        void *p = aieng_alloc(&g->cfg.allocator, g->cfg.tape_bytes);
        if (!p) { aieng_free(&g->cfg.allocator, g->params); g->params = NULL; return aieng_set_error(AIENG_ERR_OOM, "autograd: cannot allocate the tape"); }
        aieng_arena_init(&g->chunk[0], p, g->cfg.tape_bytes);
        g->tape_allocs = 1;
    }
    g->n_chunks = 1;
    g->training = 1;
    aieng_rng_seed(&g->rng, g->cfg.seed, 0x5eed);
    return AIENG_OK;
}
static void aieng__ag_free_chunks(aieng_autograd *g) {
    int i;
    if (!g->cfg.tape_buffer)
        for (i = 0; i < g->n_chunks; i++) aieng_free(&g->cfg.allocator, g->chunk[i].base);
    g->n_chunks = 0;
}
AIENG_API void aieng_autograd_free(aieng_autograd *g) {
    aieng__ag_free_chunks(g);
    aieng_free(&g->cfg.allocator, g->params);
    aieng_free(&g->cfg.allocator, g->block);
    memset(g, 0, sizeof *g);
}
AIENG_API aieng_result aieng_autograd_reset(aieng_autograd *g) {
    g->last = NULL;
    if (g->n_chunks > 1) { /* first steps: merge into one chunk of the total size */
        size_t total = 0;
        int i;
        void *p;
        for (i = 0; i < g->n_chunks; i++) total += g->chunk[i].peak + 4096;
        total += total / 8;
        aieng__ag_free_chunks(g);
        p = aieng_alloc(&g->cfg.allocator, total);
        g->tape_allocs++;
        g->n_chunks = 1;
        if (!p) { aieng_arena_init(&g->chunk[0], NULL, 0); return aieng_set_error(AIENG_ERR_OOM, "autograd: cannot allocate %zu tape bytes", total); }
        aieng_arena_init(&g->chunk[0], p, total);
        return AIENG_OK;
    }
    aieng_arena_reset(&g->chunk[0], 0);
    return AIENG_OK;
}
AIENG_API const char *aieng_autograd_error(const aieng_autograd *g) { return g->err; }
AIENG_API void aieng_autograd_set_training(aieng_autograd *g, int on) { g->training = on; }
AIENG_API void aieng_autograd_seed(aieng_autograd *g, uint64_t seed) { aieng_rng_seed(&g->rng, seed, 0x5eed); }
AIENG_API size_t aieng_autograd_tape_allocs(const aieng_autograd *g) { return g->tape_allocs; }
AIENG_API size_t aieng_autograd_tape_bytes(const aieng_autograd *g) {
    size_t s = 0;
    int i;
    for (i = 0; i < g->n_chunks; i++) s += g->chunk[i].used;
    return s;
}
/* bytes from the tape arena (64-byte aligned); a new chunk when the current one is full */
static void *aieng__ag_alloc(aieng_autograd *g, size_t bytes) {
    void *p;
    size_t sz;
    if (g->n_chunks == 0) return NULL;
    p = aieng_arena_alloc(&g->chunk[g->n_chunks - 1], bytes, 64);
    if (p || g->cfg.tape_buffer || g->n_chunks >= AIENG_AUTOGRAD_MAX_CHUNKS) return p;
    sz = g->chunk[g->n_chunks - 1].size * 2;
    if (sz < bytes + 128) sz = bytes + 128;
    p = aieng_alloc(&g->cfg.allocator, sz);
    if (!p) return NULL;
    g->tape_allocs++;
    aieng_arena_init(&g->chunk[g->n_chunks++], p, sz);
    return aieng_arena_alloc(&g->chunk[g->n_chunks - 1], bytes, 64);
}
static float *aieng__ag_floats(aieng_autograd *g, int64_t n) {
    return (float *)aieng__ag_alloc(g, (size_t)(n > 0 ? n : 1) * sizeof(float));
}
static int aieng__ag_needs(const aieng_var *v) { return v && v->requires_grad; }

/* a new node on the tape with a contiguous value of shape ne */
static aieng_var *aieng__ag_node(aieng_autograd *g, int op, int ndim, const int64_t *ne, aieng_var *a, aieng_var *b,
                                 aieng_var *c) {
    aieng_var *v = (aieng_var *)aieng__ag_alloc(g, sizeof(aieng_var));
    if (!v) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    memset(v, 0, sizeof *v);
    if (aieng_tensor_make(&v->val, NULL, ndim, ne) != AIENG_OK) return aieng__ag_fail(g, AIENG_ERR_SHAPE, "bad shape: %s", aieng_last_error());
    if (op != AIENG__AG_RESHAPE) {
        v->val.data = aieng__ag_floats(g, aieng_tensor_nelements(&v->val));
        if (!v->val.data) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    }
    v->grad = v->val;
    v->grad.data = NULL;
    v->op = op;
    v->src[0] = a; v->src[1] = b; v->src[2] = c;
    v->requires_grad = aieng__ag_needs(a) || aieng__ag_needs(b) || aieng__ag_needs(c);
    v->prev = g->last;
    g->last = v;
    return v;
}
/* memset in parallel: gradients are the largest buffers a step clears */
static void aieng__ag_zero_task(void *ctx, int64_t begin, int64_t end, int tid) {
    (void)tid;
    memset((float *)ctx + begin, 0, (size_t)(end - begin) * sizeof(float));
}
static void aieng__ag_zero(float *p, int64_t n) {
    if (n < 65536) memset(p, 0, (size_t)n * sizeof(float));
    else aieng_parallel_for(n, 32768, aieng__ag_zero_task, p);
}
/* the gradient of v, created on first use (reshape views share their source's);
   *fresh = 1 when it was just made and not cleared: the caller then writes all
   of it instead of adding (saves clearing the biggest buffers of a step) */
static float *aieng__ag_grad_ex(aieng_autograd *g, aieng_var *v, int *fresh) {
    *fresh = 0;
    if (v->grad.data) return v->grad.data;
    if (v->op == AIENG__AG_RESHAPE) {
        v->grad.data = aieng__ag_grad_ex(g, v->src[0], fresh);
        return v->grad.data;
    }
    v->grad.data = aieng__ag_floats(g, aieng_tensor_nelements(&v->val));
    *fresh = v->grad.data != NULL;
    return v->grad.data;
}
static float *aieng__ag_grad(aieng_autograd *g, aieng_var *v) {
    int fresh;
    float *p = aieng__ag_grad_ex(g, v, &fresh);
    if (fresh) aieng__ag_zero(p, aieng_tensor_nelements(&v->val));
    return p;
}

/* ---------------------------------------------------------------- parameters */
AIENG_API aieng_var *aieng_autograd_param(aieng_autograd *g, const char *name, int ndim, int64_t ne0, int64_t ne1,
                                          int64_t ne2, int64_t ne3) {
    aieng_var *p;
    int64_t ne[4];
    if (g->finalized) return aieng__ag_fail(g, AIENG_ERR_STATE, "param %s: declared after finalize", name ? name : "");
    if (g->n_params >= g->cfg.max_params) return aieng__ag_fail(g, AIENG_ERR_OOM, "more than %d parameters", g->cfg.max_params);
    p = &g->params[g->n_params];
    memset(p, 0, sizeof *p);
    ne[0] = ne0; ne[1] = ne1; ne[2] = ne2; ne[3] = ne3;
    if (aieng_tensor_make(&p->val, NULL, ndim, ne) != AIENG_OK) return aieng__ag_fail(g, AIENG_ERR_SHAPE, "param %s: %s", name ? name : "", aieng_last_error());
    p->grad = p->val;
    p->op = AIENG__AG_PARAM;
    p->requires_grad = 1;
    p->is_param = 1;
    if (name) { strncpy(p->name, name, sizeof p->name - 1); p->name[sizeof p->name - 1] = 0; }
    g->n_params++;
    return p;
}
AIENG_API aieng_result aieng_autograd_finalize(aieng_autograd *g) {
    size_t total = 0;
    int i;
    if (g->finalized) return aieng_set_error(AIENG_ERR_STATE, "autograd: finalize called twice");
    for (i = 0; i < g->n_params; i++) {
        g->params[i].offset = total;
        total += ((size_t)aieng_tensor_nelements(&g->params[i].val) + 15) & ~(size_t)15; /* 64-byte aligned */
    }
    g->n_floats = total;
    g->block = (float *)aieng_alloc(&g->cfg.allocator, (total ? total : 1) * 4 * sizeof(float) + 64);
    if (!g->block) return aieng_set_error(AIENG_ERR_OOM, "autograd: cannot allocate the parameter block (%zu floats)", total * 4);
    memset(g->block, 0, (total ? total : 1) * 4 * sizeof(float));
    for (i = 0; i < g->n_params; i++) {
        g->params[i].val.data = g->block + g->params[i].offset;
        g->params[i].grad.data = g->block + total + g->params[i].offset;
    }
    g->finalized = 1;
    return AIENG_OK;
}
AIENG_API void aieng_autograd_param_normal(aieng_autograd *g, aieng_var *p, float mean, float std) {
    int64_t i, n;
    if (!p || !p->val.data) return;
    n = aieng_tensor_nelements(&p->val);
    for (i = 0; i < n; i++) p->val.data[i] = mean + std * aieng_rng_normal(&g->rng);
}
AIENG_API void aieng_autograd_param_fill(aieng_var *p, float v) {
    int64_t i, n;
    if (!p || !p->val.data) return;
    n = aieng_tensor_nelements(&p->val);
    for (i = 0; i < n; i++) p->val.data[i] = v;
}
AIENG_API aieng_var *aieng_autograd_param_by_name(aieng_autograd *g, const char *name) {
    int i;
    for (i = 0; i < g->n_params; i++)
        if (strcmp(g->params[i].name, name) == 0) return &g->params[i];
    return NULL;
}
AIENG_API void aieng_autograd_freeze(aieng_var *p, int frozen) {
    if (!p) return;
    p->frozen = frozen != 0;
    p->requires_grad = !p->frozen;
}
AIENG_API void aieng_autograd_zero_grad(aieng_autograd *g) {
    if (g->block) aieng__ag_zero(g->block + g->n_floats, (int64_t)g->n_floats);
}
AIENG_API float aieng_autograd_grad_norm(const aieng_autograd *g) {
    double s = 0;
    int i;
    for (i = 0; i < g->n_params; i++) {
        const aieng_var *p = &g->params[i];
        if (!p->frozen && p->grad.data) s += (double)aieng_vec_dot(p->grad.data, p->grad.data, aieng_tensor_nelements(&p->val));
    }
    return (float)sqrt(s);
}

/* ---------------------------------------------------------------- helpers for backward */
/* dst[i] += s·src[i] over dst's shape; src extents equal dst's or 1 (broadcast); any strides */
static void aieng__ag_acc(const aieng_tensor *dst, const aieng_tensor *src, float s) {
    int64_t i0, i1, i2, i3, ss[4];
    int k;
    for (k = 0; k < 4; k++) ss[k] = src->ne[k] == 1 ? 0 : src->st[k];
    for (i3 = 0; i3 < dst->ne[3]; i3++)
        for (i2 = 0; i2 < dst->ne[2]; i2++)
            for (i1 = 0; i1 < dst->ne[1]; i1++) {
                float *d = AIENG__AG_AT(dst, 0, i1, i2, i3);
                const float *x = src->data + i1 * ss[1] + i2 * ss[2] + i3 * ss[3];
                if (dst->st[0] == 1 && ss[0] == 1) aieng_vec_axpy(d, s, x, dst->ne[0]);
                else for (i0 = 0; i0 < dst->ne[0]; i0++) d[i0 * dst->st[0]] += s * x[i0 * ss[0]];
            }
}
/* binary-op backward into one input (shape `in`, broadcast to out's shape):
   gin[bcast] += go · f, f = 1 (add), -1 (sub), other (mul), 1/other (div a),
   -out/other (div b); all tensors contiguous */
typedef struct {
    aieng_tensor gin, go, other, out;
    int mode; /* 0 add, 1 sub, 2 mul, 3 div a, 4 div b */
} aieng__ag_bin_job;
static void aieng__ag_bin_rows(const aieng__ag_bin_job *j, int64_t r0, int64_t r1) {
    const aieng_tensor *go = &j->go;
    int64_t r, i, n = go->ne[0], gs[4], os[4];
    int k;
    for (k = 0; k < 4; k++) {
        gs[k] = j->gin.ne[k] == 1 ? 0 : j->gin.st[k];
        os[k] = j->other.ne[k] == 1 ? 0 : j->other.st[k];
    }
    for (r = r0; r < r1; r++) {
        int64_t i1 = r % go->ne[1], i2 = (r / go->ne[1]) % go->ne[2], i3 = r / (go->ne[1] * go->ne[2]);
        const float *gr = AIENG__AG_AT(go, 0, i1, i2, i3);
        float *d = j->gin.data + i1 * gs[1] + i2 * gs[2] + i3 * gs[3];
        const float *o = j->other.data ? j->other.data + i1 * os[1] + i2 * os[2] + i3 * os[3] : NULL;
        const float *y = j->out.data ? AIENG__AG_AT(&j->out, 0, i1, i2, i3) : NULL;
        if (gs[0] == 1 && (j->mode == 0 || j->mode == 1)) { aieng_vec_axpy(d, j->mode ? -1.0f : 1.0f, gr, n); continue; }
        for (i = 0; i < n; i++) {
            float gv = gr[i], f;
            switch (j->mode) {
            case 0: f = gv; break;
            case 1: f = -gv; break;
            case 2: f = gv * o[i * os[0]]; break;
            case 3: f = gv / o[i * os[0]]; break;
            default: f = -gv * y[i] / o[i * os[0]]; break;
            }
            d[i * gs[0]] += f;
        }
    }
}
static void aieng__ag_bin_task(void *ctx, int64_t begin, int64_t end, int tid) {
    (void)tid;
    aieng__ag_bin_rows((const aieng__ag_bin_job *)ctx, begin, end);
}
static void aieng__ag_bin_backward(aieng_tensor gin_shape, float *gin, const aieng_var *out, const aieng_var *other,
                                   int mode) {
    aieng__ag_bin_job j;
    int64_t rows = out->val.ne[1] * out->val.ne[2] * out->val.ne[3];
    j.gin = gin_shape; j.gin.data = gin;
    j.go = out->grad;
    if (other) j.other = other->val; else { memset(&j.other, 0, sizeof j.other); j.other.ne[0] = j.other.ne[1] = j.other.ne[2] = j.other.ne[3] = 1; }
    j.out = out->val;
    if (mode != 4) j.out.data = NULL;
    j.mode = mode;
    /* rows may run in parallel only when no two rows write the same gradient row */
    if (j.gin.ne[1] == out->val.ne[1] && j.gin.ne[2] == out->val.ne[2] && j.gin.ne[3] == out->val.ne[3])
        aieng_parallel_for(rows, 1 + 16384 / (out->val.ne[0] + 1), aieng__ag_bin_task, &j);
    else aieng__ag_bin_rows(&j, 0, rows);
}

/* a generic parallel row loop for ops: fn(job, row) */
typedef struct aieng__ag_rowjob {
    void (*fn)(struct aieng__ag_rowjob *j, int64_t r, int tid);
    aieng_var *v;
    float *x, *y, *gx, *gy, *w, *gw, *gb, *saved, *scratch;
    int64_t n, nrows, nthreads;
    float eps;
} aieng__ag_rowjob;
static void aieng__ag_row_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__ag_rowjob *j = (aieng__ag_rowjob *)ctx;
    int64_t r;
    for (r = begin; r < end; r++) j->fn(j, r, tid);
}
static void aieng__ag_rows(aieng__ag_rowjob *j, int64_t nrows, int64_t n) {
    j->nrows = nrows;
    j->n = n;
    aieng_parallel_for(nrows, 1 + 8192 / (n + 1), aieng__ag_row_task, j);
}
/* per-thread partial sums for weight gradients: nthreads × width floats, zeroed */
static float *aieng__ag_partials(aieng_autograd *g, int64_t width, int64_t *nthreads) {
    float *p;
    *nthreads = aieng_get_threads();
    if (*nthreads < 1) *nthreads = 1;
    p = aieng__ag_floats(g, *nthreads * width);
    if (p) memset(p, 0, (size_t)(*nthreads * width) * sizeof(float));
    return p;
}
static int64_t aieng__ag_rows_of(const aieng_tensor *t) { return t->ne[1] * t->ne[2] * t->ne[3]; }

/* ---------------------------------------------------------------- leaves and elementwise ops */
AIENG_API aieng_var *aieng_autograd_tensor(aieng_autograd *g, int ndim, int64_t ne0, int64_t ne1, int64_t ne2, int64_t ne3) {
    int64_t ne[4];
    aieng_var *v;
    ne[0] = ne0; ne[1] = ne1; ne[2] = ne2; ne[3] = ne3;
    v = aieng__ag_node(g, AIENG__AG_LEAF, ndim, ne, NULL, NULL, NULL);
    if (v) memset(v->val.data, 0, (size_t)aieng_tensor_nelements(&v->val) * sizeof(float));
    return v;
}
static aieng_var *aieng__ag_binary(aieng_autograd *g, aieng_var *a, aieng_var *b, int op, const char *name) {
    int64_t ne[4];
    int i, nd;
    aieng_var *v;
    aieng_result r;
    if (!a || !b) return NULL;
    for (i = 0; i < 4; i++) {
        if (a->val.ne[i] != b->val.ne[i] && a->val.ne[i] != 1 && b->val.ne[i] != 1)
            return aieng__ag_fail(g, AIENG_ERR_SHAPE, "%s: ne[%d] %lld and %lld do not broadcast", name, i, (long long)a->val.ne[i], (long long)b->val.ne[i]);
        ne[i] = a->val.ne[i] > b->val.ne[i] ? a->val.ne[i] : b->val.ne[i];
    }
    nd = a->val.ndim > b->val.ndim ? a->val.ndim : b->val.ndim;
    v = aieng__ag_node(g, op, nd, ne, a, b, NULL);
    if (!v) return NULL;
    r = op == AIENG__AG_ADD ? aieng_tensor_add(&v->val, &a->val, &b->val)
      : op == AIENG__AG_SUB ? aieng_tensor_sub(&v->val, &a->val, &b->val)
      : op == AIENG__AG_MUL ? aieng_tensor_mul(&v->val, &a->val, &b->val)
                            : aieng_tensor_div(&v->val, &a->val, &b->val);
    if (r != AIENG_OK) return aieng__ag_fail(g, r, "%s: %s", name, aieng_last_error());
    return v;
}
AIENG_API aieng_var *aieng_autograd_add(aieng_autograd *g, aieng_var *a, aieng_var *b) { return aieng__ag_binary(g, a, b, AIENG__AG_ADD, "add"); }
AIENG_API aieng_var *aieng_autograd_sub(aieng_autograd *g, aieng_var *a, aieng_var *b) { return aieng__ag_binary(g, a, b, AIENG__AG_SUB, "sub"); }
AIENG_API aieng_var *aieng_autograd_mul(aieng_autograd *g, aieng_var *a, aieng_var *b) { return aieng__ag_binary(g, a, b, AIENG__AG_MUL, "mul"); }
AIENG_API aieng_var *aieng_autograd_div(aieng_autograd *g, aieng_var *a, aieng_var *b) { return aieng__ag_binary(g, a, b, AIENG__AG_DIV, "div"); }
static aieng_var *aieng__ag_unary_node(aieng_autograd *g, aieng_var *a, int op) {
    return a ? aieng__ag_node(g, op, a->val.ndim, a->val.ne, a, NULL, NULL) : NULL;
}
AIENG_API aieng_var *aieng_autograd_scale(aieng_autograd *g, aieng_var *a, float s) {
    aieng_var *v = aieng__ag_unary_node(g, a, AIENG__AG_SCALE);
    int64_t n;
    if (!v) return NULL;
    n = aieng_tensor_nelements(&v->val);
    memcpy(v->val.data, a->val.data, (size_t)n * sizeof(float));
    aieng_vec_scale(v->val.data, s, n);
    v->farg[0] = s;
    return v;
}
AIENG_API aieng_var *aieng_autograd_square(aieng_autograd *g, aieng_var *a) {
    aieng_var *v = aieng__ag_unary_node(g, a, AIENG__AG_SQUARE);
    int64_t i, n;
    if (!v) return NULL;
    n = aieng_tensor_nelements(&v->val);
    for (i = 0; i < n; i++) v->val.data[i] = a->val.data[i] * a->val.data[i];
    return v;
}

/* ---------------------------------------------------------------- matmul and linear */
static aieng_var *aieng__ag_matmul(aieng_autograd *g, aieng_var *a, aieng_var *b, int tb) {
    int64_t ne[4];
    aieng_var *v;
    aieng_result r;
    if (!a || !b) return NULL;
    ne[0] = tb ? b->val.ne[1] : b->val.ne[0];
    ne[1] = a->val.ne[1];
    ne[2] = a->val.ne[2] > b->val.ne[2] ? a->val.ne[2] : b->val.ne[2];
    ne[3] = a->val.ne[3] > b->val.ne[3] ? a->val.ne[3] : b->val.ne[3];
    if ((tb ? b->val.ne[0] : b->val.ne[1]) != a->val.ne[0])
        return aieng__ag_fail(g, AIENG_ERR_SHAPE, "matmul: inner dimensions %lld and %lld differ", (long long)a->val.ne[0],
                              (long long)(tb ? b->val.ne[0] : b->val.ne[1]));
    if ((a->val.ne[2] != ne[2] && a->val.ne[2] != 1) || (a->val.ne[3] != ne[3] && a->val.ne[3] != 1) ||
        (b->val.ne[2] != ne[2] && b->val.ne[2] != 1) || (b->val.ne[3] != ne[3] && b->val.ne[3] != 1))
        return aieng__ag_fail(g, AIENG_ERR_SHAPE, "matmul: batch extents do not broadcast");
    v = aieng__ag_node(g, AIENG__AG_MATMUL, a->val.ndim > b->val.ndim ? a->val.ndim : b->val.ndim, ne, a, b, NULL);
    if (!v) return NULL;
    v->iarg[0] = tb;
    r = tb ? aieng_tensor_matmul_t(&v->val, &a->val, &b->val) : aieng_tensor_matmul(&v->val, &a->val, &b->val);
    if (r != AIENG_OK) return aieng__ag_fail(g, r, "matmul: %s", aieng_last_error());
    return v;
}
AIENG_API aieng_var *aieng_autograd_matmul(aieng_autograd *g, aieng_var *a, aieng_var *b) { return aieng__ag_matmul(g, a, b, 0); }
AIENG_API aieng_var *aieng_autograd_matmul_t(aieng_autograd *g, aieng_var *a, aieng_var *b) { return aieng__ag_matmul(g, a, b, 1); }
static void aieng__ag_matmul_backward(aieng_autograd *g, aieng_var *v) {
    aieng_var *a = v->src[0], *b = v->src[1];
    int tb = (int)v->iarg[0];
    int64_t M = a->val.ne[1], K = a->val.ne[0], N = v->val.ne[0], i2, i3;
    float *ga = aieng__ag_needs(a) ? aieng__ag_grad(g, a) : NULL, *gb = aieng__ag_needs(b) ? aieng__ag_grad(g, b) : NULL;
    /* b shared by every batch and a contiguous: fold a's batches into M */
    if (b->val.ne[2] == 1 && b->val.ne[3] == 1) {
        int64_t Mt = M * a->val.ne[2] * a->val.ne[3];
        if (a->val.ne[2] * a->val.ne[3] == v->val.ne[2] * v->val.ne[3]) {
            if (ga) aieng_sgemm(0, tb ? 0 : 1, Mt, K, N, 1.0f, v->grad.data, N, b->val.data, tb ? K : N, 1.0f, ga, K);
            if (gb) {
                if (tb) aieng_sgemm(1, 0, N, K, Mt, 1.0f, v->grad.data, N, a->val.data, K, 1.0f, gb, K);
                else aieng_sgemm(1, 0, K, N, Mt, 1.0f, a->val.data, K, v->grad.data, N, 1.0f, gb, N);
            }
            return;
        }
    }
    for (i3 = 0; i3 < v->val.ne[3]; i3++)
        for (i2 = 0; i2 < v->val.ne[2]; i2++) {
            int64_t oa = (a->val.ne[2] == 1 ? 0 : i2) * a->val.st[2] + (a->val.ne[3] == 1 ? 0 : i3) * a->val.st[3];
            int64_t ob = (b->val.ne[2] == 1 ? 0 : i2) * b->val.st[2] + (b->val.ne[3] == 1 ? 0 : i3) * b->val.st[3];
            const float *dc = v->grad.data + i2 * v->val.st[2] + i3 * v->val.st[3];
            if (ga) aieng_sgemm(0, tb ? 0 : 1, M, K, N, 1.0f, dc, N, b->val.data + ob, tb ? K : N, 1.0f, ga + oa, K);
            if (gb) {
                if (tb) aieng_sgemm(1, 0, N, K, M, 1.0f, dc, N, a->val.data + oa, K, 1.0f, gb + ob, K);
                else aieng_sgemm(1, 0, K, N, M, 1.0f, a->val.data + oa, K, dc, N, 1.0f, gb + ob, N);
            }
        }
}
AIENG_API aieng_var *aieng_autograd_linear(aieng_autograd *g, aieng_var *x, aieng_var *w, aieng_var *bias) {
    int64_t ne[4], rows, r, K, N;
    aieng_var *v;
    if (!x || !w) return NULL;
    K = w->val.ne[0]; N = w->val.ne[1];
    if (x->val.ne[0] != K || w->val.ne[2] != 1 || w->val.ne[3] != 1)
        return aieng__ag_fail(g, AIENG_ERR_SHAPE, "linear: x has %lld inputs, W is {%lld, %lld}", (long long)x->val.ne[0], (long long)K, (long long)N);
    if (bias && aieng_tensor_nelements(&bias->val) != N)
        return aieng__ag_fail(g, AIENG_ERR_SHAPE, "linear: bias has %lld values, want %lld", (long long)aieng_tensor_nelements(&bias->val), (long long)N);
    memcpy(ne, x->val.ne, sizeof ne);
    ne[0] = N;
    v = aieng__ag_node(g, AIENG__AG_LINEAR, x->val.ndim, ne, x, w, bias);
    if (!v) return NULL;
    rows = aieng__ag_rows_of(&x->val);
    if (bias) for (r = 0; r < rows; r++) memcpy(v->val.data + r * N, bias->val.data, (size_t)N * sizeof(float));
    if (aieng_sgemm(0, 1, rows, N, K, 1.0f, x->val.data, K, w->val.data, K, bias ? 1.0f : 0.0f, v->val.data, N) != AIENG_OK)
        return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "linear: %s", aieng_last_error());
    return v;
}
/* column sums of a rows×n matrix into db (+=), columns split over threads */
typedef struct { const float *g; float *db; int64_t rows, n; } aieng__ag_colsum_job;
static void aieng__ag_colsum_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__ag_colsum_job *j = (aieng__ag_colsum_job *)ctx;
    int64_t r;
    (void)tid;
    for (r = 0; r < j->rows; r++) aieng_vec_axpy(j->db + begin, 1.0f, j->g + r * j->n + begin, end - begin);
}
static void aieng__ag_linear_backward(aieng_autograd *g, aieng_var *v) {
    aieng_var *x = v->src[0], *w = v->src[1], *b = v->src[2];
    int64_t K = w->val.ne[0], N = w->val.ne[1], rows = aieng__ag_rows_of(&x->val);
    if (aieng__ag_needs(x)) {
        int fresh;
        float *gx = aieng__ag_grad_ex(g, x, &fresh);
        if (gx) aieng_sgemm(0, 0, rows, K, N, 1.0f, v->grad.data, N, w->val.data, K, fresh ? 0.0f : 1.0f, gx, K);
    }
    if (aieng__ag_needs(w)) aieng_sgemm(1, 0, N, K, rows, 1.0f, v->grad.data, N, x->val.data, K, 1.0f, aieng__ag_grad(g, w), K);
    if (aieng__ag_needs(b)) {
        aieng__ag_colsum_job j;
        j.g = v->grad.data; j.db = aieng__ag_grad(g, b); j.rows = rows; j.n = N;
        aieng_parallel_for(N, 64, aieng__ag_colsum_task, &j);
    }
}

/* ---------------------------------------------------------------- shape ops */
AIENG_API aieng_var *aieng_autograd_reshape(aieng_autograd *g, aieng_var *a, int ndim, int64_t ne0, int64_t ne1,
                                            int64_t ne2, int64_t ne3) {
    int64_t ne[4];
    aieng_tensor t;
    aieng_var *v;
    if (!a) return NULL;
    ne[0] = ne0; ne[1] = ne1; ne[2] = ne2; ne[3] = ne3;
    if (aieng_tensor_make(&t, NULL, ndim, ne) != AIENG_OK || aieng_tensor_nelements(&t) != aieng_tensor_nelements(&a->val))
        return aieng__ag_fail(g, AIENG_ERR_SHAPE, "reshape: %lld elements cannot become %lldx%lldx%lldx%lld",
                              (long long)aieng_tensor_nelements(&a->val), (long long)ne0, (long long)ne1, (long long)ne2, (long long)ne3);
    v = aieng__ag_node(g, AIENG__AG_RESHAPE, ndim, ne, a, NULL, NULL);
    if (!v) return NULL;
    v->val.data = a->val.data; /* a view: value and gradient share the source's memory */
    return v;
}
AIENG_API aieng_var *aieng_autograd_permute(aieng_autograd *g, aieng_var *a, int p0, int p1, int p2, int p3) {
    int perm[4], i, seen = 0;
    aieng_tensor view;
    aieng_var *v;
    if (!a) return NULL;
    perm[0] = p0; perm[1] = p1; perm[2] = p2; perm[3] = p3;
    for (i = 0; i < 4; i++) {
        if (perm[i] < 0 || perm[i] > 3 || (seen & (1 << perm[i]))) return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "permute: not a permutation of 0..3");
        seen |= 1 << perm[i];
    }
    if (aieng_tensor_permute(&view, &a->val, perm) != AIENG_OK) return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "permute: %s", aieng_last_error());
    v = aieng__ag_node(g, AIENG__AG_PERMUTE, 4, view.ne, a, NULL, NULL);
    if (!v) return NULL;
    for (i = 0; i < 4; i++) v->iarg[i] = perm[i];
    aieng_tensor_copy(&v->val, &view);
    return v;
}
AIENG_API aieng_var *aieng_autograd_slice(aieng_autograd *g, aieng_var *a, int dim, int64_t begin, int64_t end) {
    aieng_tensor view;
    aieng_var *v;
    if (!a) return NULL;
    if (dim < 0 || dim > 3 || begin < 0 || end > a->val.ne[dim] || begin >= end)
        return aieng__ag_fail(g, AIENG_ERR_RANGE, "slice: [%lld, %lld) of dimension %d (extent %lld)", (long long)begin, (long long)end, dim,
                              (long long)(dim >= 0 && dim < 4 ? a->val.ne[dim] : 0));
    aieng_tensor_slice(&view, &a->val, dim, begin, end);
    v = aieng__ag_node(g, AIENG__AG_SLICE, a->val.ndim, view.ne, a, NULL, NULL);
    if (!v) return NULL;
    v->iarg[0] = dim; v->iarg[1] = begin; v->iarg[2] = end;
    aieng_tensor_copy(&v->val, &view);
    return v;
}
AIENG_API aieng_var *aieng_autograd_concat(aieng_autograd *g, aieng_var *a, aieng_var *b, int dim) {
    int64_t ne[4];
    int i;
    aieng_tensor view;
    aieng_var *v;
    if (!a || !b) return NULL;
    if (dim < 0 || dim > 3) return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "concat: dimension %d", dim);
    for (i = 0; i < 4; i++)
        if (i != dim && a->val.ne[i] != b->val.ne[i]) return aieng__ag_fail(g, AIENG_ERR_SHAPE, "concat: ne[%d] %lld and %lld differ", i, (long long)a->val.ne[i], (long long)b->val.ne[i]);
    memcpy(ne, a->val.ne, sizeof ne);
    ne[dim] += b->val.ne[dim];
    v = aieng__ag_node(g, AIENG__AG_CONCAT, a->val.ndim > dim + 1 ? a->val.ndim : dim + 1, ne, a, b, NULL);
    if (!v) return NULL;
    v->iarg[0] = dim;
    aieng_tensor_slice(&view, &v->val, dim, 0, a->val.ne[dim]);
    aieng_tensor_copy(&view, &a->val);
    aieng_tensor_slice(&view, &v->val, dim, a->val.ne[dim], ne[dim]);
    aieng_tensor_copy(&view, &b->val);
    return v;
}
static void aieng__ag_shape_backward(aieng_autograd *g, aieng_var *v) {
    aieng_var *a = v->src[0], *b = v->src[1];
    aieng_tensor dst;
    if (v->op == AIENG__AG_PERMUTE) {
        int perm[4], i;
        for (i = 0; i < 4; i++) perm[i] = (int)v->iarg[i];
        if (!aieng__ag_needs(a)) return;
        dst = a->val; dst.data = aieng__ag_grad(g, a);
        { aieng_tensor pv; aieng_tensor_permute(&pv, &dst, perm); aieng__ag_acc(&pv, &v->grad, 1.0f); }
    } else if (v->op == AIENG__AG_SLICE) {
        if (!aieng__ag_needs(a)) return;
        dst = a->val; dst.data = aieng__ag_grad(g, a);
        { aieng_tensor sv; aieng_tensor_slice(&sv, &dst, (int)v->iarg[0], v->iarg[1], v->iarg[2]); aieng__ag_acc(&sv, &v->grad, 1.0f); }
    } else { /* concat */
        int dim = (int)v->iarg[0];
        aieng_tensor gv;
        if (aieng__ag_needs(a)) {
            dst = a->val; dst.data = aieng__ag_grad(g, a);
            aieng_tensor_slice(&gv, &v->grad, dim, 0, a->val.ne[dim]);
            aieng__ag_acc(&dst, &gv, 1.0f);
        }
        if (aieng__ag_needs(b)) {
            dst = b->val; dst.data = aieng__ag_grad(g, b);
            aieng_tensor_slice(&gv, &v->grad, dim, a->val.ne[dim], v->val.ne[dim]);
            aieng__ag_acc(&dst, &gv, 1.0f);
        }
    }
}

/* ---------------------------------------------------------------- reductions */
static aieng_var *aieng__ag_reduce(aieng_autograd *g, aieng_var *a, int axis, int mean) {
    int64_t ne[4], n;
    aieng_var *v;
    if (!a) return NULL;
    if (axis < -1 || axis > 3) return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "sum: axis %d", axis);
    if (axis < 0) { ne[0] = ne[1] = ne[2] = ne[3] = 1; n = aieng_tensor_nelements(&a->val); }
    else { memcpy(ne, a->val.ne, sizeof ne); ne[axis] = 1; n = a->val.ne[axis]; }
    v = aieng__ag_node(g, AIENG__AG_SUM, axis < 0 ? 1 : a->val.ndim, ne, a, NULL, NULL);
    if (!v) return NULL;
    v->farg[0] = mean ? 1.0f / (float)(n > 0 ? n : 1) : 1.0f;
    if (axis < 0) {
        double s = 0;
        int64_t i, N = aieng_tensor_nelements(&a->val);
        for (i = 0; i < N; i += 4096) s += (double)aieng_vec_sum(a->val.data + i, N - i < 4096 ? N - i : 4096);
        v->val.data[0] = (float)s * v->farg[0];
    } else if (mean) aieng_tensor_mean(&v->val, &a->val, axis);
    else aieng_tensor_sum(&v->val, &a->val, axis);
    return v;
}
AIENG_API aieng_var *aieng_autograd_sum(aieng_autograd *g, aieng_var *a, int axis) { return aieng__ag_reduce(g, a, axis, 0); }
AIENG_API aieng_var *aieng_autograd_mean(aieng_autograd *g, aieng_var *a, int axis) { return aieng__ag_reduce(g, a, axis, 1); }

/* ---------------------------------------------------------------- embedding */
AIENG_API aieng_var *aieng_autograd_embedding(aieng_autograd *g, aieng_var *table, const int32_t *ids, int64_t n) {
    int64_t ne[4], i, D;
    aieng_var *v;
    if (!table) return NULL;
    D = table->val.ne[0];
    if (!ids || n <= 0) return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "embedding: no ids");
    for (i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= table->val.ne[1])
            return aieng__ag_fail(g, AIENG_ERR_RANGE, "embedding: id %ld at %lld outside 0..%lld", (long)ids[i], (long long)i, (long long)table->val.ne[1] - 1);
    ne[0] = D; ne[1] = n; ne[2] = ne[3] = 1;
    v = aieng__ag_node(g, AIENG__AG_EMBEDDING, 2, ne, table, NULL, NULL);
    if (!v) return NULL;
    v->ids = (int32_t *)aieng__ag_alloc(g, (size_t)n * sizeof(int32_t));
    if (!v->ids) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    memcpy(v->ids, ids, (size_t)n * sizeof(int32_t));
    for (i = 0; i < n; i++) memcpy(v->val.data + i * D, table->val.data + (int64_t)ids[i] * D, (size_t)D * sizeof(float));
    return v;
}

/* ---------------------------------------------------------------- norms */
static void aieng__ag_ln_fwd(aieng__ag_rowjob *j, int64_t r, int tid) {
    const float *x = j->x + r * j->n;
    float *y = j->y + r * j->n, *st = j->saved + 2 * r;
    int64_t i, n = j->n;
    float mean = aieng_vec_sum(x, n) / (float)n, var = 0.0f, rstd;
    (void)tid;
    for (i = 0; i < n; i++) { float d = x[i] - mean; var += d * d; }
    rstd = 1.0f / sqrtf(var / (float)n + j->eps);
    st[0] = mean; st[1] = rstd;
    for (i = 0; i < n; i++) {
        float h = (x[i] - mean) * rstd;
        y[i] = h * (j->w ? j->w[i] : 1.0f) + (j->gb ? j->gb[i] : 0.0f);
    }
}
AIENG_API aieng_var *aieng_autograd_layernorm(aieng_autograd *g, aieng_var *x, aieng_var *w, aieng_var *b, float eps) {
    aieng_var *v;
    aieng__ag_rowjob j;
    int64_t rows;
    if (!x) return NULL;
    if ((w && aieng_tensor_nelements(&w->val) != x->val.ne[0]) || (b && aieng_tensor_nelements(&b->val) != x->val.ne[0]))
        return aieng__ag_fail(g, AIENG_ERR_SHAPE, "layernorm: weight and bias need %lld values", (long long)x->val.ne[0]);
    v = aieng__ag_node(g, AIENG__AG_LAYERNORM, x->val.ndim, x->val.ne, x, w, b);
    if (!v) return NULL;
    rows = aieng__ag_rows_of(&x->val);
    v->saved = aieng__ag_floats(g, 2 * rows);
    if (!v->saved) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    v->farg[0] = eps;
    memset(&j, 0, sizeof j);
    j.fn = aieng__ag_ln_fwd; j.x = x->val.data; j.y = v->val.data; j.w = w ? w->val.data : NULL;
    j.gb = b ? b->val.data : NULL; j.saved = v->saved; j.eps = eps;
    aieng__ag_rows(&j, rows, x->val.ne[0]);
    return v;
}
/* layernorm (saved has mean, rstd per row) or rmsnorm (saved has rstd; mean 0) backward of one row */
static void aieng__ag_norm_bwd(aieng__ag_rowjob *j, int64_t r, int tid) {
    int64_t i, n = j->n, rms = j->v->op == AIENG__AG_RMSNORM;
    const float *x = j->x + r * n, *gy = j->gy + r * n;
    float mean = rms ? 0.0f : j->saved[2 * r], rstd = rms ? j->saved[r] : j->saved[2 * r + 1];
    float s1 = 0.0f, s2 = 0.0f;
    float *pw = j->scratch ? j->scratch + (int64_t)tid * 2 * n : NULL, *pb = pw ? pw + n : NULL;
    for (i = 0; i < n; i++) {
        float h = (x[i] - mean) * rstd, d = gy[i] * (j->w ? j->w[i] : 1.0f);
        s1 += d; s2 += d * h;
        if (pw && j->gw) pw[i] += gy[i] * h;
        if (pb && j->gb) pb[i] += gy[i];
    }
    s1 /= (float)n; s2 /= (float)n;
    if (j->gx) {
        float *gx = j->gx + r * n;
        for (i = 0; i < n; i++) {
            float h = (x[i] - mean) * rstd, d = gy[i] * (j->w ? j->w[i] : 1.0f);
            gx[i] += rstd * (d - (rms ? 0.0f : s1) - h * s2);
        }
    }
}
static void aieng__ag_norm_backward(aieng_autograd *g, aieng_var *v) {
    aieng_var *x = v->src[0], *w = v->src[1], *b = v->src[2];
    aieng__ag_rowjob j;
    int64_t n = x->val.ne[0], nt = 1;
    memset(&j, 0, sizeof j);
    j.fn = aieng__ag_norm_bwd; j.v = v; j.x = x->val.data; j.gy = v->grad.data; j.saved = v->saved;
    j.w = w ? w->val.data : NULL;
    j.gx = aieng__ag_needs(x) ? aieng__ag_grad(g, x) : NULL;
    j.gw = aieng__ag_needs(w) ? aieng__ag_grad(g, w) : NULL;
    j.gb = aieng__ag_needs(b) ? aieng__ag_grad(g, b) : NULL;
    if (j.gw || j.gb) j.scratch = aieng__ag_partials(g, 2 * n, &nt);
    aieng__ag_rows(&j, aieng__ag_rows_of(&x->val), n);
    if (j.scratch) {
        int64_t t;
        for (t = 0; t < nt; t++) {
            if (j.gw) aieng_vec_axpy(j.gw, 1.0f, j.scratch + t * 2 * n, n);
            if (j.gb) aieng_vec_axpy(j.gb, 1.0f, j.scratch + t * 2 * n + n, n);
        }
    }
}
static void aieng__ag_rms_fwd(aieng__ag_rowjob *j, int64_t r, int tid) {
    const float *x = j->x + r * j->n;
    float *y = j->y + r * j->n;
    int64_t i, n = j->n;
    float rstd = 1.0f / sqrtf(aieng_vec_dot(x, x, n) / (float)n + j->eps);
    (void)tid;
    j->saved[r] = rstd;
    for (i = 0; i < n; i++) y[i] = x[i] * rstd * (j->w ? j->w[i] : 1.0f);
}
AIENG_API aieng_var *aieng_autograd_rmsnorm(aieng_autograd *g, aieng_var *x, aieng_var *w, float eps) {
    aieng_var *v;
    aieng__ag_rowjob j;
    int64_t rows;
    if (!x) return NULL;
    if (w && aieng_tensor_nelements(&w->val) != x->val.ne[0])
        return aieng__ag_fail(g, AIENG_ERR_SHAPE, "rmsnorm: weight needs %lld values", (long long)x->val.ne[0]);
    v = aieng__ag_node(g, AIENG__AG_RMSNORM, x->val.ndim, x->val.ne, x, w, NULL);
    if (!v) return NULL;
    rows = aieng__ag_rows_of(&x->val);
    v->saved = aieng__ag_floats(g, rows);
    if (!v->saved) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    memset(&j, 0, sizeof j);
    j.fn = aieng__ag_rms_fwd; j.x = x->val.data; j.y = v->val.data; j.w = w ? w->val.data : NULL;
    j.saved = v->saved; j.eps = eps;
    aieng__ag_rows(&j, rows, x->val.ne[0]);
    return v;
}

/* ---------------------------------------------------------------- activations and softmax */
static void aieng__ag_act_fwd(aieng__ag_rowjob *j, int64_t r, int tid) {
    const float *x = j->x + r * j->n;
    float *y = j->y + r * j->n;
    (void)tid;
    switch (j->v->op) {
    case AIENG__AG_GELU: aieng_gelu_row(y, x, j->n); break;
    case AIENG__AG_SILU: aieng_silu_row(y, x, j->n); break;
    case AIENG__AG_RELU: aieng_relu_row(y, x, j->n); break;
    case AIENG__AG_SOFTMAX: aieng_softmax_row(y, x, j->n); break;
    default: aieng_log_softmax_row(y, x, j->n); break;
    }
}
static void aieng__ag_act_bwd(aieng__ag_rowjob *j, int64_t r, int tid) {
    const float *x = j->x + r * j->n, *y = j->y + r * j->n, *gy = j->gy + r * j->n;
    float *gx = j->gx + r * j->n;
    int64_t i, n = j->n;
    (void)tid;
    switch (j->v->op) {
    case AIENG__AG_GELU: {
        /* y = x·(1 + t)/2 gives t = 2y/x - 1 without a tanh per element (vectorizes);
           near x = 0 the absolute error of t stays at rounding level */
        const float c = 0.7978845608028654f, k = 0.044715f;
        for (i = 0; i < n; i++) {
            float u = x[i], t = u != 0.0f ? 2.0f * y[i] / u - 1.0f : 0.0f;
            gx[i] += gy[i] * (0.5f * (1.0f + t) + 0.5f * u * (1.0f - t * t) * c * (1.0f + 3.0f * k * u * u));
        }
        break;
    }
    case AIENG__AG_SILU:
        for (i = 0; i < n; i++) { float s = 1.0f / (1.0f + expf(-x[i])); gx[i] += gy[i] * s * (1.0f + x[i] * (1.0f - s)); }
        break;
    case AIENG__AG_RELU:
        for (i = 0; i < n; i++) gx[i] += x[i] > 0.0f ? gy[i] : 0.0f;
        break;
    case AIENG__AG_SOFTMAX: {
        float d = aieng_vec_dot(gy, y, n);
        for (i = 0; i < n; i++) gx[i] += y[i] * (gy[i] - d);
        break;
    }
    default: {
        float s = aieng_vec_sum(gy, n);
        for (i = 0; i < n; i++) gx[i] += gy[i] - expf(y[i]) * s;
        break;
    }
    }
}
static aieng_var *aieng__ag_act(aieng_autograd *g, aieng_var *x, int op) {
    aieng_var *v = aieng__ag_unary_node(g, x, op);
    aieng__ag_rowjob j;
    if (!v) return NULL;
    memset(&j, 0, sizeof j);
    j.fn = aieng__ag_act_fwd; j.v = v; j.x = x->val.data; j.y = v->val.data;
    aieng__ag_rows(&j, aieng__ag_rows_of(&x->val), x->val.ne[0]);
    return v;
}
AIENG_API aieng_var *aieng_autograd_gelu(aieng_autograd *g, aieng_var *x) { return aieng__ag_act(g, x, AIENG__AG_GELU); }
AIENG_API aieng_var *aieng_autograd_silu(aieng_autograd *g, aieng_var *x) { return aieng__ag_act(g, x, AIENG__AG_SILU); }
AIENG_API aieng_var *aieng_autograd_relu(aieng_autograd *g, aieng_var *x) { return aieng__ag_act(g, x, AIENG__AG_RELU); }
AIENG_API aieng_var *aieng_autograd_softmax(aieng_autograd *g, aieng_var *x) { return aieng__ag_act(g, x, AIENG__AG_SOFTMAX); }
AIENG_API aieng_var *aieng_autograd_log_softmax(aieng_autograd *g, aieng_var *x) { return aieng__ag_act(g, x, AIENG__AG_LOGSOFTMAX); }

/* ---------------------------------------------------------------- cross-entropy (fused) */
/* forward writes each row's loss into scratch and (softmax - onehot) into saved */
static void aieng__ag_xent_fwd(aieng__ag_rowjob *j, int64_t r, int tid) {
    const float *x = j->x + r * j->n;
    float *p = j->saved + r * j->n;
    int32_t t = j->v->ids[r];
    (void)tid;
    if (t < 0) { memset(p, 0, (size_t)j->n * sizeof(float)); j->scratch[r] = 0.0f; return; }
    aieng_softmax_row(p, x, j->n);
    if (p[t] > 1e-30f) j->scratch[r] = -logf(p[t]);
    else { /* the target's probability underflowed: the exact log-sum-exp */
        float m = aieng_vec_max(x, j->n);
        double s = 0;
        int64_t i;
        for (i = 0; i < j->n; i++) s += exp((double)(x[i] - m));
        j->scratch[r] = (float)((double)m + log(s) - (double)x[t]);
    }
    p[t] -= 1.0f;
}
AIENG_API aieng_var *aieng_autograd_cross_entropy(aieng_autograd *g, aieng_var *logits, const int32_t *targets) {
    int64_t ne[4] = {1, 1, 1, 1}, rows, V, r, counted = 0;
    aieng_var *v;
    aieng__ag_rowjob j;
    double total = 0;
    if (!logits) return NULL;
    rows = aieng__ag_rows_of(&logits->val); V = logits->val.ne[0];
    if (!targets) return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "cross_entropy: no targets");
    for (r = 0; r < rows; r++)
        if (targets[r] >= V) return aieng__ag_fail(g, AIENG_ERR_RANGE, "cross_entropy: target %ld at %lld >= vocabulary %lld", (long)targets[r], (long long)r, (long long)V);
    v = aieng__ag_node(g, AIENG__AG_XENT, 1, ne, logits, NULL, NULL);
    if (!v) return NULL;
    v->ids = (int32_t *)aieng__ag_alloc(g, (size_t)rows * sizeof(int32_t));
    v->saved = aieng__ag_floats(g, rows * V);
    memset(&j, 0, sizeof j);
    j.scratch = aieng__ag_floats(g, rows);
    if (!v->ids || !v->saved || !j.scratch) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    memcpy(v->ids, targets, (size_t)rows * sizeof(int32_t));
    j.fn = aieng__ag_xent_fwd; j.v = v; j.x = logits->val.data; j.saved = v->saved;
    aieng__ag_rows(&j, rows, V);
    for (r = 0; r < rows; r++)
        if (targets[r] >= 0) { total += j.scratch[r]; counted++; }
    v->farg[0] = counted ? 1.0f / (float)counted : 0.0f;
    v->val.data[0] = (float)(total * v->farg[0]);
    return v;
}
static void aieng__ag_xent_bwd(aieng__ag_rowjob *j, int64_t r, int tid) {
    (void)tid;
    if (j->nthreads) { /* a fresh gradient: write it */
        memcpy(j->gx + r * j->n, j->saved + r * j->n, (size_t)j->n * sizeof(float));
        aieng_vec_scale(j->gx + r * j->n, j->eps, j->n);
    } else aieng_vec_axpy(j->gx + r * j->n, j->eps, j->saved + r * j->n, j->n);
}

/* ---------------------------------------------------------------- RoPE
   The angles of aieng_rope_row (theta in double, then cos and sin in float)
   go into a table of T × n_rot/2 (cos, sin) pairs once per call. */
typedef struct { float *y; const float *x, *cs; int64_t hd, nh, T; float sign; int n_rot, mode; } aieng__ag_rope_job;
static void aieng__ag_rope_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__ag_rope_job *j = (aieng__ag_rope_job *)ctx;
    int64_t r;
    int i, half = j->n_rot / 2;
    (void)tid;
    for (r = begin; r < end; r++) { /* row r = (b·T + t)·nh + h */
        const float *cs = j->cs + ((r / j->nh) % j->T) * j->n_rot;
        float *y = j->y + r * j->hd;
        if (j->x) memcpy(y, j->x + r * j->hd, (size_t)j->hd * sizeof(float));
        for (i = 0; i < half; i++) {
            float c = cs[2 * i], sn = j->sign * cs[2 * i + 1];
            float *pa = j->mode == AIENG_ROPE_NEOX ? y + i : y + 2 * i;
            float *pb = j->mode == AIENG_ROPE_NEOX ? y + i + half : y + 2 * i + 1;
            float x0 = *pa, x1 = *pb;
            *pa = x0 * c - x1 * sn;
            *pb = x0 * sn + x1 * c;
        }
    }
}
AIENG_API aieng_var *aieng_autograd_rope(aieng_autograd *g, aieng_var *x, const int32_t *pos, int n_rot, float base, int mode) {
    aieng_var *v;
    aieng__ag_rope_job j;
    int64_t t, T;
    int i;
    if (!x) return NULL;
    if (!pos || n_rot <= 0 || (n_rot & 1) || n_rot > x->val.ne[0] || (mode != AIENG_ROPE_NORMAL && mode != AIENG_ROPE_NEOX))
        return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "rope: n_rot %d must be even and <= head_dim %lld, mode 0 or 2, pos given", n_rot, (long long)x->val.ne[0]);
    v = aieng__ag_unary_node(g, x, AIENG__AG_ROPE);
    if (!v) return NULL;
    T = x->val.ne[2];
    v->saved = aieng__ag_floats(g, T * n_rot);
    if (!v->saved) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    for (t = 0; t < T; t++)
        for (i = 0; i < n_rot / 2; i++) {
            double theta = (double)pos[t] * pow((double)base, -2.0 * (double)i / (double)n_rot);
            v->saved[t * n_rot + 2 * i] = (float)cos(theta);
            v->saved[t * n_rot + 2 * i + 1] = (float)sin(theta);
        }
    v->iarg[0] = n_rot; v->iarg[1] = mode;
    j.y = v->val.data; j.x = x->val.data; j.cs = v->saved; j.hd = x->val.ne[0]; j.nh = x->val.ne[1]; j.T = T;
    j.sign = 1.0f; j.n_rot = n_rot; j.mode = mode;
    aieng_parallel_for(aieng__ag_rows_of(&x->val), 16, aieng__ag_rope_task, &j);
    return v;
}
static void aieng__ag_rope_backward(aieng_autograd *g, aieng_var *v) {
    /* the rotation is orthogonal: its gradient rotates back by -angle */
    aieng_var *x = v->src[0];
    aieng__ag_rope_job j;
    int64_t n = aieng_tensor_nelements(&v->val);
    float *tmp, *gx;
    if (!aieng__ag_needs(x)) return;
    gx = aieng__ag_grad(g, x);
    tmp = aieng__ag_floats(g, n);
    if (!tmp || !gx) return;
    j.y = tmp; j.x = v->grad.data; j.cs = v->saved; j.hd = v->val.ne[0]; j.nh = v->val.ne[1]; j.T = v->val.ne[2];
    j.sign = -1.0f; j.n_rot = (int)v->iarg[0]; j.mode = (int)v->iarg[1];
    aieng_parallel_for(aieng__ag_rows_of(&v->val), 16, aieng__ag_rope_task, &j);
    aieng_vec_axpy(gx, 1.0f, tmp, n);
}

/* ---------------------------------------------------------------- causal attention
   Per (batch, head), in blocks of query rows: a block only multiplies against
   the keys up to its last row, which skips most of the masked half. */
#ifndef AIENG_AUTOGRAD_ATT_BLOCK
#define AIENG_AUTOGRAD_ATT_BLOCK 64
#endif
#define AIENG__AG_ATT_BLOCK ((int64_t)AIENG_AUTOGRAD_ATT_BLOCK)
typedef struct {
    const float *q, *k, *v, *go;
    float *o, *p, *gq, *gk, *gv, *scratch;
    int64_t T, C, Ckv, hd, nh, nkv, sq, skv; /* sq, skv: row strides of q and of k, v */
    float scale;
} aieng__ag_attn_job;
/* one (batch, head): S = Q·Kᵀ·scale, causal softmax into P, O = P·V */
static void aieng__ag_attn_fwd_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__ag_attn_job *j = (aieng__ag_attn_job *)ctx;
    int64_t bh, T = j->T, i;
    (void)tid;
    for (bh = begin; bh < end; bh++) {
        int64_t b = bh / j->nh, h = bh % j->nh, kh = h / (j->nh / j->nkv);
        const float *q = j->q + b * T * j->sq + h * j->hd;
        const float *k = j->k + b * T * j->skv + kh * j->hd, *v = j->v + b * T * j->skv + kh * j->hd;
        float *p = j->p + bh * T * T, *o = j->o + b * T * j->C + h * j->hd;
        int64_t r0, r1;
        for (r0 = 0; r0 < T; r0 = r1) { /* row blocks see only the keys up to their last row */
            r1 = r0 + AIENG__AG_ATT_BLOCK < T ? r0 + AIENG__AG_ATT_BLOCK : T;
            aieng_sgemm(0, 1, r1 - r0, r1, j->hd, j->scale, q + r0 * j->sq, j->sq, k, j->skv, 0.0f, p + r0 * T, T);
            for (i = r0; i < r1; i++) {
                aieng_softmax_row(p + i * T, p + i * T, i + 1);
                if (i + 1 < T) memset(p + i * T + i + 1, 0, (size_t)(T - i - 1) * sizeof(float));
            }
            aieng_sgemm(0, 0, r1 - r0, j->hd, r1, 1.0f, p + r0 * T, T, v, j->skv, 0.0f, o + r0 * j->C, j->C);
        }
    }
}
static aieng_var *aieng__ag_attention(aieng_autograd *g, aieng_var *q, aieng_var *k, aieng_var *v, aieng_var *qkv,
                                      int n_head, int n_kv_head) {
    aieng_var *o;
    aieng__ag_attn_job j;
    int64_t ne[4], T, B, C, Ckv;
    const aieng_tensor *x = qkv ? &qkv->val : &q->val;
    if (n_kv_head <= 0) n_kv_head = n_head;
    C = qkv ? x->ne[0] / 3 : x->ne[0];
    T = x->ne[1]; B = x->ne[2] * x->ne[3];
    if (n_head <= 0 || C % n_head || n_head % n_kv_head || (qkv && (x->ne[0] % 3 || n_kv_head != n_head)))
        return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "attention: %d heads, %d kv heads, width %lld", n_head, n_kv_head, (long long)C);
    Ckv = C / n_head * n_kv_head;
    if (!qkv && (!aieng_tensor_same_shape(&k->val, &v->val) || k->val.ne[0] != Ckv || k->val.ne[1] != T || k->val.ne[2] * k->val.ne[3] != B))
        return aieng__ag_fail(g, AIENG_ERR_SHAPE, "attention: k and v must be {%lld, %lld, %lld}", (long long)Ckv, (long long)T, (long long)B);
    memcpy(ne, x->ne, sizeof ne);
    ne[0] = C;
    o = qkv ? aieng__ag_node(g, AIENG__AG_ATTENTION, x->ndim, ne, qkv, NULL, NULL) : aieng__ag_node(g, AIENG__AG_ATTENTION, x->ndim, ne, q, k, v);
    if (!o) return NULL;
    o->saved = aieng__ag_floats(g, B * n_head * T * T);
    if (!o->saved) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    o->iarg[0] = n_head; o->iarg[1] = n_kv_head; o->iarg[2] = qkv != NULL;
    memset(&j, 0, sizeof j);
    if (qkv) { j.q = x->data; j.k = x->data + C; j.v = x->data + 2 * C; j.sq = j.skv = 3 * C; }
    else { j.q = q->val.data; j.k = k->val.data; j.v = v->val.data; j.sq = C; j.skv = Ckv; }
    j.o = o->val.data; j.p = o->saved;
    j.T = T; j.C = C; j.Ckv = Ckv; j.hd = C / n_head; j.nh = n_head; j.nkv = n_kv_head;
    j.scale = 1.0f / sqrtf((float)j.hd);
    aieng_parallel_for(B * n_head, 1, aieng__ag_attn_fwd_task, &j);
    return o;
}
AIENG_API aieng_var *aieng_autograd_attention(aieng_autograd *g, aieng_var *q, aieng_var *k, aieng_var *v, int n_head,
                                              int n_kv_head) {
    if (!q || !k || !v) return NULL;
    return aieng__ag_attention(g, q, k, v, NULL, n_head, n_kv_head);
}
AIENG_API aieng_var *aieng_autograd_attention_qkv(aieng_autograd *g, aieng_var *qkv, int n_head) {
    if (!qkv) return NULL;
    return aieng__ag_attention(g, NULL, NULL, NULL, qkv, n_head, n_head);
}
/* one (batch, kv head) and the query heads that read it */
static void aieng__ag_attn_bwd_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__ag_attn_job *j = (aieng__ag_attn_job *)ctx;
    int64_t bk, T = j->T, i, grp = j->nh / j->nkv, h;
    float *dp = j->scratch + (int64_t)tid * T * T;
    for (bk = begin; bk < end; bk++) {
        int64_t b = bk / j->nkv, kh = bk % j->nkv;
        const float *k = j->k + b * T * j->skv + kh * j->hd, *v = j->v + b * T * j->skv + kh * j->hd;
        float *gk = j->gk ? j->gk + b * T * j->skv + kh * j->hd : NULL, *gv = j->gv ? j->gv + b * T * j->skv + kh * j->hd : NULL;
        for (h = kh * grp; h < (kh + 1) * grp; h++) {
            const float *q = j->q + b * T * j->sq + h * j->hd, *go = j->go + b * T * j->C + h * j->hd;
            const float *p = j->p + (b * j->nh + h) * T * T;
            float *gq = j->gq ? j->gq + b * T * j->sq + h * j->hd : NULL;
            int64_t r0, r1;
            for (r0 = 0; r0 < T; r0 = r1) { /* the row blocks of the forward pass */
                int64_t nr;
                r1 = r0 + AIENG__AG_ATT_BLOCK < T ? r0 + AIENG__AG_ATT_BLOCK : T;
                nr = r1 - r0;
                if (gv) aieng_sgemm(1, 0, r1, j->hd, nr, 1.0f, p + r0 * T, T, go + r0 * j->C, j->C, 1.0f, gv, j->skv);
                if (!gq && !gk) continue;
                aieng_sgemm(0, 1, nr, r1, j->hd, 1.0f, go + r0 * j->C, j->C, v, j->skv, 0.0f, dp + r0 * T, T);
                for (i = r0; i < r1; i++) { /* dS = P ⊙ (dP - rowsum(dP ⊙ P)) · scale, causal part only */
                    float *d = dp + i * T;
                    const float *pr = p + i * T;
                    float s = aieng_vec_dot(d, pr, i + 1);
                    int64_t c;
                    for (c = 0; c <= i; c++) d[c] = pr[c] * (d[c] - s) * j->scale;
                    for (; c < r1; c++) d[c] = 0.0f;
                }
                if (gq) aieng_sgemm(0, 0, nr, j->hd, r1, 1.0f, dp + r0 * T, T, k, j->skv, 1.0f, gq + r0 * j->sq, j->sq);
                if (gk) aieng_sgemm(1, 0, r1, j->hd, nr, 1.0f, dp + r0 * T, T, q + r0 * j->sq, j->sq, 1.0f, gk, j->skv);
            }
        }
    }
}
static void aieng__ag_attn_backward(aieng_autograd *g, aieng_var *o) {
    aieng_var *q = o->src[0], *k = o->src[1], *v = o->src[2];
    aieng__ag_attn_job j;
    int64_t B, nt;
    memset(&j, 0, sizeof j);
    j.C = o->val.ne[0]; j.T = o->val.ne[1]; B = o->val.ne[2] * o->val.ne[3];
    j.nh = o->iarg[0]; j.nkv = o->iarg[1]; j.hd = j.C / j.nh; j.Ckv = j.hd * j.nkv;
    j.scale = 1.0f / sqrtf((float)j.hd);
    j.go = o->grad.data; j.p = o->saved;
    if (o->iarg[2]) { /* fused {3C, T, B} input: q, k, v are column ranges of one tensor */
        float *gx = aieng__ag_needs(q) ? aieng__ag_grad(g, q) : NULL;
        j.q = q->val.data; j.k = q->val.data + j.C; j.v = q->val.data + 2 * j.C;
        j.sq = j.skv = 3 * j.C;
        if (gx) { j.gq = gx; j.gk = gx + j.C; j.gv = gx + 2 * j.C; }
    } else {
        j.q = q->val.data; j.k = k->val.data; j.v = v->val.data;
        j.sq = j.C; j.skv = j.Ckv;
        j.gq = aieng__ag_needs(q) ? aieng__ag_grad(g, q) : NULL;
        j.gk = aieng__ag_needs(k) ? aieng__ag_grad(g, k) : NULL;
        j.gv = aieng__ag_needs(v) ? aieng__ag_grad(g, v) : NULL;
    }
    nt = aieng_get_threads();
    j.scratch = aieng__ag_floats(g, (nt < 1 ? 1 : nt) * j.T * j.T);
    if (!j.scratch) return;
    aieng_parallel_for(B * j.nkv, 1, aieng__ag_attn_bwd_task, &j);
}

/* ---------------------------------------------------------------- dropout */
AIENG_API aieng_var *aieng_autograd_dropout(aieng_autograd *g, aieng_var *x, float p) {
    aieng_var *v;
    int64_t i, n;
    float keep;
    if (!x) return NULL;
    if (!g->training || p <= 0.0f) return x;
    if (p >= 1.0f) return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "dropout: p = %g must be < 1", (double)p);
    v = aieng__ag_unary_node(g, x, AIENG__AG_DROPOUT);
    if (!v) return NULL;
    n = aieng_tensor_nelements(&x->val);
    v->saved = aieng__ag_floats(g, n);
    if (!v->saved) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    keep = 1.0f / (1.0f - p);
    for (i = 0; i < n; i++) {
        v->saved[i] = aieng_rng_uniform(&g->rng) < p ? 0.0f : keep;
        v->val.data[i] = x->val.data[i] * v->saved[i];
    }
    return v;
}

/* ---------------------------------------------------------------- backward */
static void aieng__ag_backward_node(aieng_autograd *g, aieng_var *v) {
    aieng_var *a = v->src[0], *b = v->src[1];
    aieng__ag_rowjob j;
    int64_t n = aieng_tensor_nelements(&v->val), i;
    memset(&j, 0, sizeof j);
    switch (v->op) {
    case AIENG__AG_ADD: case AIENG__AG_SUB: case AIENG__AG_MUL: case AIENG__AG_DIV: {
        int ma = v->op == AIENG__AG_MUL ? 2 : v->op == AIENG__AG_DIV ? 3 : 0;
        int mb = v->op == AIENG__AG_SUB ? 1 : v->op == AIENG__AG_MUL ? 2 : v->op == AIENG__AG_DIV ? 4 : 0;
        for (i = 0; i < 2; i++) {
            aieng_var *in = i ? b : a;
            int mode = i ? mb : ma, fresh;
            float *gin;
            if (!aieng__ag_needs(in)) continue; /* (x op x adds both shares one after the other) */
            if (mode == 0 && aieng_tensor_same_shape(&in->val, &v->val)) { /* a residual add: copy into a fresh gradient */
                gin = aieng__ag_grad_ex(g, in, &fresh);
                if (!gin) continue;
                if (fresh) memcpy(gin, v->grad.data, (size_t)n * sizeof(float));
                else aieng_vec_axpy(gin, 1.0f, v->grad.data, n);
                continue;
            }
            gin = aieng__ag_grad(g, in);
            if (gin) aieng__ag_bin_backward(in->val, gin, v, mode == 2 ? (i ? a : b) : mode == 3 ? b : mode == 4 ? b : NULL, mode);
        }
        break;
    }
    case AIENG__AG_SCALE:
        if (aieng__ag_needs(a)) aieng_vec_axpy(aieng__ag_grad(g, a), v->farg[0], v->grad.data, n);
        break;
    case AIENG__AG_SQUARE:
        if (aieng__ag_needs(a)) {
            float *ga = aieng__ag_grad(g, a);
            for (i = 0; i < n; i++) ga[i] += 2.0f * a->val.data[i] * v->grad.data[i];
        }
        break;
    case AIENG__AG_MATMUL: aieng__ag_matmul_backward(g, v); break;
    case AIENG__AG_LINEAR: aieng__ag_linear_backward(g, v); break;
    case AIENG__AG_PERMUTE: case AIENG__AG_SLICE: case AIENG__AG_CONCAT: aieng__ag_shape_backward(g, v); break;
    case AIENG__AG_SUM:
        if (aieng__ag_needs(a)) {
            aieng_tensor d = a->val;
            d.data = aieng__ag_grad(g, a);
            aieng__ag_acc(&d, &v->grad, v->farg[0]);
        }
        break;
    case AIENG__AG_EMBEDDING:
        if (aieng__ag_needs(a)) {
            float *ga = aieng__ag_grad(g, a);
            int64_t D = v->val.ne[0];
            for (i = 0; i < v->val.ne[1]; i++) aieng_vec_axpy(ga + (int64_t)v->ids[i] * D, 1.0f, v->grad.data + i * D, D);
        }
        break;
    case AIENG__AG_LAYERNORM: case AIENG__AG_RMSNORM: aieng__ag_norm_backward(g, v); break;
    case AIENG__AG_GELU: case AIENG__AG_SILU: case AIENG__AG_RELU: case AIENG__AG_SOFTMAX: case AIENG__AG_LOGSOFTMAX:
        if (!aieng__ag_needs(a)) break;
        j.fn = aieng__ag_act_bwd; j.v = v; j.x = a->val.data; j.y = v->val.data; j.gy = v->grad.data; j.gx = aieng__ag_grad(g, a);
        aieng__ag_rows(&j, aieng__ag_rows_of(&v->val), v->val.ne[0]);
        break;
    case AIENG__AG_XENT:
        if (!aieng__ag_needs(a)) break;
        {
            int fresh;
            j.gx = aieng__ag_grad_ex(g, a, &fresh);
            j.nthreads = fresh; /* (reused as the "write, do not add" flag) */
        }
        j.fn = aieng__ag_xent_bwd; j.saved = v->saved; j.eps = v->grad.data[0] * v->farg[0];
        aieng__ag_rows(&j, aieng__ag_rows_of(&a->val), a->val.ne[0]);
        break;
    case AIENG__AG_ROPE: aieng__ag_rope_backward(g, v); break;
    case AIENG__AG_ATTENTION: aieng__ag_attn_backward(g, v); break;
    case AIENG__AG_DROPOUT:
        if (aieng__ag_needs(a)) {
            float *ga = aieng__ag_grad(g, a);
            for (i = 0; i < n; i++) ga[i] += v->grad.data[i] * v->saved[i];
        }
        break;
    default: break; /* leaves, parameters, reshape views */
    }
}
AIENG_API aieng_result aieng_autograd_backward(aieng_autograd *g, aieng_var *loss, float scale) {
    aieng_var *v;
    float *gl;
    if (!loss) return aieng_set_error(AIENG_ERR_INVALID_ARG, "autograd: backward from a NULL loss (%s)", g->err);
    if (aieng_tensor_nelements(&loss->val) != 1) return aieng_set_error(AIENG_ERR_SHAPE, "autograd: the loss must have one element");
    if (!loss->requires_grad) return AIENG_OK;
    gl = aieng__ag_grad(g, loss);
    if (!gl) return aieng_set_error(AIENG_ERR_OOM, "autograd: tape arena exhausted");
    gl[0] += scale;
    for (v = g->last; v; v = v->prev) {
        if (!v->requires_grad || !v->grad.data || v->op == AIENG__AG_RESHAPE) continue;
        aieng__ag_backward_node(g, v);
    }
    for (v = g->last; v; v = v->prev) /* a gradient that could not be allocated shows up as NULL */
        if (v->requires_grad && v->op != AIENG__AG_RESHAPE && v->grad.data == NULL && v == loss)
            return aieng_set_error(AIENG_ERR_OOM, "autograd: tape arena exhausted");
    return AIENG_OK;
}

/* ---------------------------------------------------------------- optimizers */
typedef struct { float *p, *gr, *m, *v; float lr, b1, b2, eps, wd, c1, c2; int adam; } aieng__ag_opt_job;
static void aieng__ag_opt_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__ag_opt_job *j = (aieng__ag_opt_job *)ctx;
    int64_t i;
    (void)tid;
    if (j->adam) {
        i = begin;
#if defined(AIENG_AVX512) || defined(AIENG_AVX2)
        { /* the same arithmetic, 8 lanes at a time (sqrt and divide do not auto-vectorize under errno rules) */
            __m256 lr = _mm256_set1_ps(j->lr), decay = _mm256_set1_ps(1.0f - j->lr * j->wd), b1 = _mm256_set1_ps(j->b1);
            __m256 nb1 = _mm256_set1_ps(1.0f - j->b1), b2 = _mm256_set1_ps(j->b2), nb2 = _mm256_set1_ps(1.0f - j->b2);
            __m256 ic1 = _mm256_set1_ps(1.0f / j->c1), ic2 = _mm256_set1_ps(1.0f / j->c2), eps = _mm256_set1_ps(j->eps);
            for (; i + 8 <= end; i += 8) {
                __m256 gr = _mm256_loadu_ps(j->gr + i);
                __m256 m = _mm256_add_ps(_mm256_mul_ps(b1, _mm256_loadu_ps(j->m + i)), _mm256_mul_ps(nb1, gr));
                __m256 v = _mm256_add_ps(_mm256_mul_ps(b2, _mm256_loadu_ps(j->v + i)), _mm256_mul_ps(nb2, _mm256_mul_ps(gr, gr)));
                __m256 den = _mm256_add_ps(_mm256_sqrt_ps(_mm256_mul_ps(v, ic2)), eps);
                __m256 p = _mm256_mul_ps(_mm256_loadu_ps(j->p + i), decay);
                p = _mm256_sub_ps(p, _mm256_div_ps(_mm256_mul_ps(lr, _mm256_mul_ps(m, ic1)), den));
                _mm256_storeu_ps(j->m + i, m);
                _mm256_storeu_ps(j->v + i, v);
                _mm256_storeu_ps(j->p + i, p);
            }
        }
#endif
        for (; i < end; i++) {
            float gr = j->gr[i], m, v;
            j->p[i] *= 1.0f - j->lr * j->wd;
            m = j->m[i] = j->b1 * j->m[i] + (1.0f - j->b1) * gr;
            v = j->v[i] = j->b2 * j->v[i] + (1.0f - j->b2) * gr * gr;
            j->p[i] -= j->lr * (m * (1.0f / j->c1)) / (sqrtf(v * (1.0f / j->c2)) + j->eps);
        }
    } else {
        for (i = begin; i < end; i++) {
            float d = j->gr[i] + j->wd * j->p[i];
            j->m[i] = j->b1 * j->m[i] + d;
            j->p[i] -= j->lr * j->m[i];
        }
    }
}
static void aieng__ag_opt(aieng_autograd *g, aieng__ag_opt_job *j) {
    int i;
    for (i = 0; i < g->n_params; i++) {
        aieng_var *p = &g->params[i];
        if (p->frozen || !p->val.data) continue;
        j->p = p->val.data; j->gr = p->grad.data;
        j->m = g->block + 2 * g->n_floats + p->offset;
        j->v = g->block + 3 * g->n_floats + p->offset;
        aieng_parallel_for(aieng_tensor_nelements(&p->val), 16384, aieng__ag_opt_task, j);
    }
}
AIENG_API void aieng_autograd_sgd(aieng_autograd *g, float lr, float momentum, float weight_decay) {
    aieng__ag_opt_job j;
    memset(&j, 0, sizeof j);
    j.lr = lr; j.b1 = momentum; j.wd = weight_decay;
    g->step++;
    aieng__ag_opt(g, &j);
}
AIENG_API void aieng_autograd_adamw(aieng_autograd *g, float lr, float beta1, float beta2, float eps, float weight_decay) {
    aieng__ag_opt_job j;
    memset(&j, 0, sizeof j);
    g->step++;
    j.adam = 1; j.lr = lr; j.b1 = beta1; j.b2 = beta2; j.eps = eps; j.wd = weight_decay;
    j.c1 = (float)(1.0 - pow((double)beta1, (double)g->step));
    j.c2 = (float)(1.0 - pow((double)beta2, (double)g->step));
    aieng__ag_opt(g, &j);
}
AIENG_API float aieng_autograd_lr_cosine(int64_t step, int64_t warmup, int64_t total, float lr_max, float lr_min) {
    double prog;
    if (step < warmup) return lr_max * (float)(step + 1) / (float)warmup;
    prog = total > warmup ? (double)(step - warmup) / (double)(total - warmup) : 1.0;
    if (prog > 1.0) prog = 1.0;
    return lr_min + (float)(0.5 * (double)(lr_max - lr_min) * (1.0 + cos(3.14159265358979323846 * prog)));
}
AIENG_API float aieng_autograd_clip_grad_norm(aieng_autograd *g, float max_norm) {
    float norm = aieng_autograd_grad_norm(g);
    if (norm > max_norm && norm > 0.0f) {
        float s = max_norm / (norm + 1e-6f);
        int i;
        for (i = 0; i < g->n_params; i++)
            if (!g->params[i].frozen) aieng_vec_scale(g->params[i].grad.data, s, aieng_tensor_nelements(&g->params[i].val));
    }
    return norm;
}

/* ---------------------------------------------------------------- checkpoints
   "AIGD" u32 version=1 u32 n_params, i64 step, u64 n_floats, then per parameter
   name[48] i32 ndim i64 ne[4], then the block: values, grads, m, v (4·n_floats f32),
   all little-endian as in memory. */
#define AIENG__AG_MAGIC 0x44474941u
AIENG_API aieng_result aieng_autograd_save(const aieng_autograd *g, const char *path) {
    FILE *f;
    uint32_t hdr[3];
    uint64_t nf = g->n_floats;
    int i, ok = 1;
    if (!g->finalized) return aieng_set_error(AIENG_ERR_STATE, "autograd: save before finalize");
    f = fopen(path, "wb");
    if (!f) return aieng_set_error(AIENG_ERR_IO, "autograd: cannot write %s", path);
    hdr[0] = AIENG__AG_MAGIC; hdr[1] = 1; hdr[2] = (uint32_t)g->n_params;
    ok &= fwrite(hdr, sizeof hdr, 1, f) == 1;
    ok &= fwrite(&g->step, sizeof g->step, 1, f) == 1;
    ok &= fwrite(&nf, sizeof nf, 1, f) == 1;
    for (i = 0; i < g->n_params && ok; i++) {
        int32_t nd = g->params[i].val.ndim;
        ok &= fwrite(g->params[i].name, sizeof g->params[i].name, 1, f) == 1;
        ok &= fwrite(&nd, sizeof nd, 1, f) == 1;
        ok &= fwrite(g->params[i].val.ne, sizeof g->params[i].val.ne, 1, f) == 1;
    }
    if (ok && nf) ok &= fwrite(g->block, sizeof(float), (size_t)nf * 4, f) == (size_t)nf * 4;
    if (fclose(f) != 0) ok = 0;
    return ok ? AIENG_OK : aieng_set_error(AIENG_ERR_IO, "autograd: short write to %s", path);
}
AIENG_API aieng_result aieng_autograd_load(aieng_autograd *g, const char *path) {
    FILE *f;
    uint32_t hdr[3];
    uint64_t nf;
    int64_t step;
    int i;
    float *tmp;
    if (!g->finalized) return aieng_set_error(AIENG_ERR_STATE, "autograd: load before finalize");
    f = fopen(path, "rb");
    if (!f) return aieng_set_error(AIENG_ERR_IO, "autograd: cannot open %s", path);
    if (fread(hdr, sizeof hdr, 1, f) != 1 || fread(&step, sizeof step, 1, f) != 1 || fread(&nf, sizeof nf, 1, f) != 1 ||
        hdr[0] != AIENG__AG_MAGIC || hdr[1] != 1) {
        fclose(f);
        return aieng_set_error(AIENG_ERR_FORMAT, "autograd: %s is not an aieng_autograd checkpoint", path);
    }
    if (hdr[2] != (uint32_t)g->n_params || nf != (uint64_t)g->n_floats) {
        fclose(f);
        return aieng_set_error(AIENG_ERR_FORMAT, "autograd: %s has %u parameters (%llu floats), the model %d (%llu)", path,
                               (unsigned)hdr[2], (unsigned long long)nf, g->n_params, (unsigned long long)g->n_floats);
    }
    for (i = 0; i < g->n_params; i++) {
        char name[48];
        int32_t nd;
        int64_t ne[4];
        if (fread(name, sizeof name, 1, f) != 1 || fread(&nd, sizeof nd, 1, f) != 1 || fread(ne, sizeof ne, 1, f) != 1) {
            fclose(f);
            return aieng_set_error(AIENG_ERR_FORMAT, "autograd: %s is truncated", path);
        }
        if (memcmp(ne, g->params[i].val.ne, sizeof ne) != 0 || strncmp(name, g->params[i].name, sizeof name) != 0) {
            fclose(f);
            return aieng_set_error(AIENG_ERR_FORMAT, "autograd: parameter %d of %s (%.47s) does not match %s", i, path, name, g->params[i].name);
        }
    }
    tmp = (float *)aieng_alloc(&g->cfg.allocator, (size_t)(nf ? nf : 1) * 4 * sizeof(float));
    if (!tmp) { fclose(f); return aieng_set_error(AIENG_ERR_OOM, "autograd: cannot allocate the load buffer"); }
    if (nf && fread(tmp, sizeof(float), (size_t)nf * 4, f) != (size_t)nf * 4) {
        fclose(f);
        aieng_free(&g->cfg.allocator, tmp);
        return aieng_set_error(AIENG_ERR_FORMAT, "autograd: %s is truncated", path);
    }
    fclose(f);
    memcpy(g->block, tmp, (size_t)nf * 4 * sizeof(float));
    aieng_free(&g->cfg.allocator, tmp);
    g->step = step;
    return AIENG_OK;
}

/* ---------------------------------------------------------------- gradient check */
static float aieng__ag_eval(aieng_autograd *g, aieng_autograd_loss_fn fn, void *user, int *ok) {
    aieng_var *l;
    aieng_autograd_reset(g);
    l = fn(g, user);
    if (!l) { *ok = 0; return 0.0f; }
    return l->val.data[0];
}
AIENG_API aieng_result aieng_autograd_gradcheck(aieng_autograd *g, aieng_autograd_loss_fn fn, void *user, float eps,
                                                int64_t max_per_param, double *max_err) {
    float *analytic;
    aieng_var *loss;
    aieng_result r;
    int i, ok = 1;
    double worst = 0.0;
    if (!g->finalized) return aieng_set_error(AIENG_ERR_STATE, "gradcheck: finalize first");
    aieng_autograd_reset(g);
    aieng_autograd_zero_grad(g);
    loss = fn(g, user);
    if (!loss) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gradcheck: the loss function failed: %s", g->err);
    r = aieng_autograd_backward(g, loss, 1.0f);
    if (r != AIENG_OK) return r;
    analytic = (float *)aieng_alloc(&g->cfg.allocator, (g->n_floats ? g->n_floats : 1) * sizeof(float));
    if (!analytic) return aieng_set_error(AIENG_ERR_OOM, "gradcheck: out of memory");
    memcpy(analytic, g->block + g->n_floats, g->n_floats * sizeof(float));
    for (i = 0; i < g->n_params && ok; i++) {
        aieng_var *p = &g->params[i];
        int64_t n = aieng_tensor_nelements(&p->val), cnt = max_per_param > 0 && max_per_param < n ? max_per_param : n, k;
        if (p->frozen) continue;
        for (k = 0; k < cnt && ok; k++) {
            int64_t e = cnt == n ? k : (k * n) / cnt + (k * 7919) % (n / cnt > 0 ? n / cnt : 1);
            float orig = p->val.data[e], lp, lm;
            double num, an = analytic[p->offset + (size_t)e], err;
            p->val.data[e] = orig + eps;
            lp = aieng__ag_eval(g, fn, user, &ok);
            p->val.data[e] = orig - eps;
            lm = aieng__ag_eval(g, fn, user, &ok);
            p->val.data[e] = orig;
            num = ((double)lp - (double)lm) / (2.0 * (double)eps);
            err = fabs(an - num) / (fabs(an) > fabs(num) ? (fabs(an) > 1.0 ? fabs(an) : 1.0) : (fabs(num) > 1.0 ? fabs(num) : 1.0));
            if (!(err <= worst)) worst = err;
        }
    }
    aieng_free(&g->cfg.allocator, analytic);
    aieng_autograd_reset(g);
    if (max_err) *max_err = worst;
    return ok ? AIENG_OK : aieng_set_error(AIENG_ERR_INVALID_ARG, "gradcheck: the loss function failed: %s", g->err);
}

/* ---------------------------------------------------------------- LoRA */
AIENG_API aieng_result aieng_autograd_lora(aieng_autograd *g, aieng_autograd_lora_adapter *l, aieng_var *w, int rank,
                                           float alpha) {
    char name[64];
    memset(l, 0, sizeof *l);
    if (!w || !w->is_param || rank <= 0 || w->val.ne[2] != 1 || w->val.ne[3] != 1)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "lora: needs a 2-D parameter and rank > 0");
    snprintf(name, sizeof name, "%.36s.lora_a", w->name);
    l->a = aieng_autograd_param(g, name, 2, w->val.ne[0], rank, 1, 1);
    snprintf(name, sizeof name, "%.36s.lora_b", w->name);
    l->b = aieng_autograd_param(g, name, 2, rank, w->val.ne[1], 1, 1);
    if (!l->a || !l->b) return aieng_set_error(AIENG_ERR_STATE, "lora: %s", g->err);
    l->w = w;
    l->rank = rank;
    l->scale = alpha / (float)rank;
    return AIENG_OK;
}
AIENG_API void aieng_autograd_lora_init(aieng_autograd *g, aieng_autograd_lora_adapter *l) {
    aieng_autograd_param_normal(g, l->a, 0.0f, 1.0f / sqrtf((float)l->w->val.ne[0]));
    aieng_autograd_param_fill(l->b, 0.0f);
    aieng_autograd_freeze(l->w, 1);
}
AIENG_API aieng_var *aieng_autograd_lora_linear(aieng_autograd *g, aieng_var *x, const aieng_autograd_lora_adapter *l,
                                                aieng_var *bias) {
    aieng_var *base = aieng_autograd_linear(g, x, l->w, bias);
    aieng_var *low = aieng_autograd_linear(g, aieng_autograd_linear(g, x, l->a, NULL), l->b, NULL);
    return aieng_autograd_add(g, base, aieng_autograd_scale(g, low, l->scale));
}
AIENG_API void aieng_autograd_lora_merge(aieng_autograd_lora_adapter *l) {
    int64_t in = l->w->val.ne[0], out = l->w->val.ne[1];
    /* W {in, out} is out rows of in; B {r, out} is out rows of r; A {in, r} is r rows of in */
    aieng_sgemm(0, 0, out, in, l->rank, l->scale, l->b->val.data, l->rank, l->a->val.data, in, 1.0f, l->w->val.data, in);
    aieng_autograd_param_fill(l->b, 0.0f);
}

/* ---------------------------------------------------------------- a small GPT */
AIENG_API aieng_autograd_gpt_config aieng_autograd_gpt_config_default(void) {
    aieng_autograd_gpt_config c;
    memset(&c, 0, sizeof c);
    c.vocab = 4096; c.n_ctx = 256; c.n_layer = 4; c.n_head = 4; c.n_embd = 256;
    return c;
}
static aieng_var *aieng__ag_pnew(aieng_autograd *g, int64_t layer, const char *fmt, int ndim, int64_t ne0, int64_t ne1) {
    char name[48];
    if (layer >= 0) snprintf(name, sizeof name, fmt, (int)layer);
    else snprintf(name, sizeof name, "%s", fmt);
    return aieng_autograd_param(g, name, ndim, ne0, ne1, 1, 1);
}
AIENG_API aieng_result aieng_autograd_gpt_declare(aieng_autograd *g, aieng_autograd_gpt *m, const aieng_autograd_gpt_config *cfg) {
    int64_t C, F, Ckv, l;
    memset(m, 0, sizeof *m);
    m->cfg = *cfg;
    if (!m->cfg.n_kv_head) m->cfg.n_kv_head = m->cfg.n_head;
    if (!m->cfg.n_ff) m->cfg.n_ff = 4 * m->cfg.n_embd;
    if (m->cfg.norm_eps == 0.0f) m->cfg.norm_eps = 1e-5f;
    if (m->cfg.rope_base == 0.0f) m->cfg.rope_base = 10000.0f;
    C = m->cfg.n_embd; F = m->cfg.n_ff;
    if (m->cfg.vocab <= 0 || m->cfg.n_ctx <= 0 || m->cfg.n_layer <= 0 || m->cfg.n_layer > AIENG_AUTOGRAD_GPT_MAX_LAYERS ||
        m->cfg.n_head <= 0 || C % m->cfg.n_head || m->cfg.n_kv_head <= 0 || m->cfg.n_head % m->cfg.n_kv_head || F <= 0)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "gpt: bad configuration");
    Ckv = C / m->cfg.n_head * m->cfg.n_kv_head;
    if (!m->cfg.llama) {
        m->wte = aieng__ag_pnew(g, -1, "wte", 2, C, m->cfg.vocab);
        m->wpe = aieng__ag_pnew(g, -1, "wpe", 2, C, m->cfg.n_ctx);
        for (l = 0; l < m->cfg.n_layer; l++) {
            aieng_autograd_gpt_layer *L = &m->layer[l];
            L->ln1_w = aieng__ag_pnew(g, l, "h.%d.ln_1.weight", 1, C, 1);
            L->ln1_b = aieng__ag_pnew(g, l, "h.%d.ln_1.bias", 1, C, 1);
            L->qkv_w = aieng__ag_pnew(g, l, "h.%d.attn.c_attn.weight", 2, C, 3 * C);
            L->qkv_b = aieng__ag_pnew(g, l, "h.%d.attn.c_attn.bias", 1, 3 * C, 1);
            L->proj_w = aieng__ag_pnew(g, l, "h.%d.attn.c_proj.weight", 2, C, C);
            L->proj_b = aieng__ag_pnew(g, l, "h.%d.attn.c_proj.bias", 1, C, 1);
            L->ln2_w = aieng__ag_pnew(g, l, "h.%d.ln_2.weight", 1, C, 1);
            L->ln2_b = aieng__ag_pnew(g, l, "h.%d.ln_2.bias", 1, C, 1);
            L->fc_w = aieng__ag_pnew(g, l, "h.%d.mlp.c_fc.weight", 2, C, F);
            L->fc_b = aieng__ag_pnew(g, l, "h.%d.mlp.c_fc.bias", 1, F, 1);
            L->fcproj_w = aieng__ag_pnew(g, l, "h.%d.mlp.c_proj.weight", 2, F, C);
            L->fcproj_b = aieng__ag_pnew(g, l, "h.%d.mlp.c_proj.bias", 1, C, 1);
        }
        m->lnf_w = aieng__ag_pnew(g, -1, "ln_f.weight", 1, C, 1);
        m->lnf_b = aieng__ag_pnew(g, -1, "ln_f.bias", 1, C, 1);
    } else {
        m->wte = aieng__ag_pnew(g, -1, "embed_tokens.weight", 2, C, m->cfg.vocab);
        for (l = 0; l < m->cfg.n_layer; l++) {
            aieng_autograd_gpt_layer *L = &m->layer[l];
            L->ln1_w = aieng__ag_pnew(g, l, "layers.%d.input_layernorm.weight", 1, C, 1);
            L->q_w = aieng__ag_pnew(g, l, "layers.%d.self_attn.q_proj.weight", 2, C, C);
            L->k_w = aieng__ag_pnew(g, l, "layers.%d.self_attn.k_proj.weight", 2, C, Ckv);
            L->v_w = aieng__ag_pnew(g, l, "layers.%d.self_attn.v_proj.weight", 2, C, Ckv);
            L->o_w = aieng__ag_pnew(g, l, "layers.%d.self_attn.o_proj.weight", 2, C, C);
            L->ln2_w = aieng__ag_pnew(g, l, "layers.%d.post_attention_layernorm.weight", 1, C, 1);
            L->gate_w = aieng__ag_pnew(g, l, "layers.%d.mlp.gate_proj.weight", 2, C, F);
            L->up_w = aieng__ag_pnew(g, l, "layers.%d.mlp.up_proj.weight", 2, C, F);
            L->down_w = aieng__ag_pnew(g, l, "layers.%d.mlp.down_proj.weight", 2, F, C);
        }
        m->lnf_w = aieng__ag_pnew(g, -1, "norm.weight", 1, C, 1);
        m->lm_head = aieng__ag_pnew(g, -1, "lm_head.weight", 2, C, m->cfg.vocab);
    }
    if (!m->lnf_w) return aieng_set_error(AIENG_ERR_STATE, "gpt: %s", g->err);
    return AIENG_OK;
}
AIENG_API void aieng_autograd_gpt_init(aieng_autograd *g, aieng_autograd_gpt *m) {
    int i;
    float sp = 0.02f / sqrtf(2.0f * (float)m->cfg.n_layer);
    aieng_var *first = m->wte, *end = m->lm_head ? m->lm_head + 1 : m->lnf_b + 1;
    for (i = 0; first + i < end; i++) {
        aieng_var *p = first + i;
        const char *nm = p->name;
        size_t len = strlen(nm);
        if (strstr(nm, "norm") || strstr(nm, "ln_")) aieng_autograd_param_fill(p, len > 5 && strcmp(nm + len - 5, ".bias") == 0 ? 0.0f : 1.0f);
        else if (len > 5 && strcmp(nm + len - 5, ".bias") == 0) aieng_autograd_param_fill(p, 0.0f);
        else if (strstr(nm, "c_proj.weight") || strstr(nm, "o_proj") || strstr(nm, "down_proj")) aieng_autograd_param_normal(g, p, 0.0f, sp);
        else aieng_autograd_param_normal(g, p, 0.0f, 0.02f);
    }
}
AIENG_API aieng_var *aieng_autograd_gpt_forward(aieng_autograd *g, aieng_autograd_gpt *m, const int32_t *ids,
                                                const int32_t *targets, int64_t B, int64_t T) {
    const aieng_autograd_gpt_config *c = &m->cfg;
    int64_t C = c->n_embd, hd = C / c->n_head, Ckv = hd * c->n_kv_head, l, t;
    float eps = c->norm_eps;
    aieng_var *x;
    int32_t *pos;
    m->logits = NULL;
    if (T <= 0 || B <= 0 || T > c->n_ctx) return aieng__ag_fail(g, AIENG_ERR_INVALID_ARG, "gpt: T = %lld outside 1..%lld", (long long)T, (long long)c->n_ctx);
    pos = (int32_t *)aieng__ag_alloc(g, (size_t)T * sizeof(int32_t));
    if (!pos) return aieng__ag_fail(g, AIENG_ERR_OOM, "tape arena exhausted");
    for (t = 0; t < T; t++) pos[t] = (int32_t)t;
    x = aieng_autograd_reshape(g, aieng_autograd_embedding(g, m->wte, ids, B * T), 3, C, T, B, 1);
    if (!c->llama) x = aieng_autograd_add(g, x, aieng_autograd_slice(g, m->wpe, 1, 0, T));
    for (l = 0; l < c->n_layer; l++) {
        aieng_autograd_gpt_layer *L = &m->layer[l];
        aieng_var *h, *q, *k, *v, *a, *f;
        if (!c->llama) {
            h = aieng_autograd_layernorm(g, x, L->ln1_w, L->ln1_b, eps);
            a = aieng_autograd_attention_qkv(g, aieng_autograd_linear(g, h, L->qkv_w, L->qkv_b), (int)c->n_head);
            a = aieng_autograd_dropout(g, aieng_autograd_linear(g, a, L->proj_w, L->proj_b), c->dropout);
            x = aieng_autograd_add(g, x, a);
            h = aieng_autograd_layernorm(g, x, L->ln2_w, L->ln2_b, eps);
            f = aieng_autograd_gelu(g, aieng_autograd_linear(g, h, L->fc_w, L->fc_b));
            f = aieng_autograd_dropout(g, aieng_autograd_linear(g, f, L->fcproj_w, L->fcproj_b), c->dropout);
            x = aieng_autograd_add(g, x, f);
        } else {
            h = aieng_autograd_rmsnorm(g, x, L->ln1_w, eps);
            q = aieng_autograd_reshape(g, aieng_autograd_linear(g, h, L->q_w, NULL), 4, hd, c->n_head, T, B);
            k = aieng_autograd_reshape(g, aieng_autograd_linear(g, h, L->k_w, NULL), 4, hd, c->n_kv_head, T, B);
            v = aieng_autograd_linear(g, h, L->v_w, NULL);
            q = aieng_autograd_reshape(g, aieng_autograd_rope(g, q, pos, (int)hd, c->rope_base, AIENG_ROPE_NEOX), 3, C, T, B, 1);
            k = aieng_autograd_reshape(g, aieng_autograd_rope(g, k, pos, (int)hd, c->rope_base, AIENG_ROPE_NEOX), 3, Ckv, T, B, 1);
            a = aieng_autograd_attention(g, q, k, v, (int)c->n_head, (int)c->n_kv_head);
            a = aieng_autograd_dropout(g, aieng_autograd_linear(g, a, L->o_w, NULL), c->dropout);
            x = aieng_autograd_add(g, x, a);
            h = aieng_autograd_rmsnorm(g, x, L->ln2_w, eps);
            f = aieng_autograd_mul(g, aieng_autograd_silu(g, aieng_autograd_linear(g, h, L->gate_w, NULL)),
                                   aieng_autograd_linear(g, h, L->up_w, NULL));
            f = aieng_autograd_dropout(g, aieng_autograd_linear(g, f, L->down_w, NULL), c->dropout);
            x = aieng_autograd_add(g, x, f);
        }
    }
    x = c->llama ? aieng_autograd_rmsnorm(g, x, m->lnf_w, eps) : aieng_autograd_layernorm(g, x, m->lnf_w, m->lnf_b, eps);
    m->logits = aieng_autograd_linear(g, x, m->lm_head ? m->lm_head : m->wte, NULL);
    if (!targets) return m->logits;
    return aieng_autograd_cross_entropy(g, m->logits, targets);
}

AIENG_EXTERN_C_END
#endif /* AIENG_AUTOGRAD_IMPLEMENTATION */

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
