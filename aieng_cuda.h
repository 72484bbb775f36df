/* aieng_cuda.h - GPU kernels for the aieng collection in one CUDA header.
   v0.5.1 - MIT licence (see the end of the file).

   The transformer kernels of aieng_tensor.h / aieng_quant.h on an NVIDIA GPU,
   with nothing beyond the CUDA runtime (no cuBLAS, CUTLASS or Thrust):
   tiled GEMM (F32 on CUDA cores, F16/BF16 on tensor cores: mma.sync, and on
   Hopper wgmma fed by the bulk tensor copy engine),
   fused row softmax / RMSNorm / LayerNorm, RoPE (both layouts), SiLU·mul,
   GELU, flash attention forward (causal or not, grouped-query, head dim 64
   and 128; wgmma on Hopper), a paged-KV decode attention kernel, and matrix-vector products
   read straight from GGUF blocks (Q8_0, Q4_0, Q4_1, Q4_K, Q6_K), and a
   Llama forward pass on them (SmolLM2: `aieng-run --gpu`).
   Targets sm_75 (T4) to sm_90 (H100); tile sizes and pipeline depth are
   chosen at run time from the device's shared memory. Built for sm_90a
   (-gencode arch=compute_90a,code=sm_90a), an H100/H200 also gets the
   Hopper kernels (wgmma GEMM and attention); the context finds out at
   init whether the running code has them (aieng_cuda.wgmma).

   DO THIS in exactly one .cu file compiled by nvcc:
       #define AIENG_CUDA_IMPLEMENTATION
       #include "aieng_cuda.h"
   The declarations are plain C: any C or C++ file may include the header
   and call the functions (link the object nvcc made and -lcudart). The
   common functions (aieng_set_error, aieng_last_error, ...) come from the
   translation unit that implements any other aieng header; if there is none,
   also #define AIENG_COMMON_IMPLEMENTATION in the .cu file.
       nvcc -O3 -arch=sm_80 -c aieng_cuda_impl.cu      (or -gencode for several;
       H100: -gencode arch=compute_90a,code=sm_90a; the driver's tensor-map
       function is looked up at run time, so nothing beyond -lcudart is linked)

   QUICK START (a .cu file; nvcc -O3 -arch=sm_80 quick.cu -o quick)
       #define AIENG_CUDA_IMPLEMENTATION
       #define AIENG_COMMON_IMPLEMENTATION
       #include "aieng_cuda.h"
       #include <stdio.h>
       int main(void) {
           aieng_cuda cu;
           float a[6] = {0, 1, 2, 3, 4, 5}, b[6] = {1, 1, 1, 1, 1, 1}, c[4];
           void *da, *db, *dc;
           if (aieng_cuda_init(&cu, NULL) != AIENG_OK) { printf("%s\n", aieng_last_error()); return 1; }
           aieng_cuda_malloc(&cu, &da, sizeof a); aieng_cuda_malloc(&cu, &db, sizeof b);
           aieng_cuda_malloc(&cu, &dc, sizeof c);
           aieng_cuda_upload(&cu, da, a, sizeof a); aieng_cuda_upload(&cu, db, b, sizeof b);
           // C (2x2) = A (2x3) . B (3x2), row-major, F32
           aieng_cuda_gemm(&cu, AIENG_CUDA_F32, AIENG_CUDA_F32, 0, 0, 2, 2, 3, 1.0f, da, 3, db, 2, 0.0f, dc, 2);
           aieng_cuda_download(&cu, c, dc, sizeof c);
           printf("%g %g / %g %g\n", c[0], c[1], c[2], c[3]); // 3 3 / 12 12
           aieng_cuda_free(&cu, da); aieng_cuda_free(&cu, db); aieng_cuda_free(&cu, dc);
           aieng_cuda_release(&cu);
           return 0;
       }

   OPTIONS (#define before including)
     AIENG_CUDA_IMPLEMENTATION  compile the kernels here (nvcc only); also
                                AIENG_IMPLEMENTATION when __CUDACC__ is set
     AIENG_STATIC               make every function static
     AIENG_CUDA_MV_CHUNK        bytes of weights a warp of the staged matvec kernel
                                copies at a time (default 4096; see matvec_variant)
   Run-time choices are fields of aieng_cuda_config (zero = automatic), among them
     matvec_variant  aieng_cuda_matvec_q's kernel: 1 (the default) loads each lane's
                     share of the GGUF blocks straight from global memory; 2 and 3
                     stage each warp's rows through shared memory with 16-byte
                     cp.async (a ring of 2 or 3 chunks a warp), so that global memory
                     is read in wide coalesced loads whatever the block's alignment
                     (Q4_0 18, Q4_1 20, Q8_0 34, Q6_K 210 bytes). The same y bit for
                     bit; not yet timed against 1 on a GPU (bench/cuda_bench.cu reads
                     AIENG_CUDA_MV_VARIANT; tools/gpu_session.sh with
                     AIENG_MV_VARIANTS="2 3" times them side by side).
     matvec_rows     rows per warp of either kernel (1, 2, 4, 8; 0 = from M and SMs)
     no_graphs       1: aieng_cuda_llama_eval launches a decode step's kernels one
                     by one. By default (0) the step is captured once as a CUDA
                     graph and replayed: n_past and the token are read from device
                     memory, and the graph is captured again only when paged
                     decode's key splits change (every 256 keys or so) or its
                     workspace moves. The same bits either way (tests/test_cuda.cu
                     checks it across those changes).

   API OVERVIEW (all pointers to tensor data are device pointers; every call
   is asynchronous on the context's stream unless it says otherwise)
     context  aieng_cuda_config_default, aieng_cuda_init, aieng_cuda_release,
              aieng_cuda_synchronize, aieng_cuda_device_count
     memory   aieng_cuda_malloc, aieng_cuda_free, aieng_cuda_upload,
              aieng_cuda_download, aieng_cuda_memset (synchronous copies)
     GEMM     aieng_cuda_gemm (row-major, transposes, alpha/beta; A and B
              F32, F16 or BF16; C F32 or the input type)
     rows     aieng_cuda_softmax, aieng_cuda_rmsnorm, aieng_cuda_layernorm,
              aieng_cuda_rope, aieng_cuda_silu_mul, aieng_cuda_gelu
     attn     aieng_cuda_attention (flash attention forward),
              aieng_cuda_paged_decode (one query token per sequence, KV cache
              in fixed-size pages reached through a block table)
     quant    aieng_cuda_matvec_q (y = W·x with W in GGUF blocks),
              aieng_cuda_row_bytes
     llama    aieng_cuda_llama_new (weights in GGUF blocks from a description),
              aieng_cuda_llama_eval (tokens -> last logits on the host), _n_past,
              _n_ctx, _kv_truncate, _device_bytes, _free; with aieng_transformer.h
              included first: aieng_cuda_llama_from_model, _desc_from_model

   CONVENTIONS
   - Types are ggml/GGUF type ids (AIENG_CUDA_F32 = 0, F16 = 1, BF16 = 30,
     Q4_0 = 2, Q4_1 = 3, Q8_0 = 8, Q4_K = 12, Q6_K = 14); 16-bit values are
     passed as uint16_t bit patterns (IEEE binary16 / bfloat16).
   - Matrices are row-major as in aieng_sgemm: C = alpha·op(A)·op(B) + beta·C,
     op(A) M×K, op(B) K×N; trans_b = 1 takes B stored N×K (a linear layer's
     weights). beta = 0 ignores C's contents.
   - Tensor-core paths want 16-byte aligned rows: leading dimensions and the
     contiguous extent multiples of 8 elements and 16-byte aligned pointers.
     GEMM falls back to the CUDA-core kernel otherwise; attention returns
     AIENG_ERR_UNSUPPORTED.
   - sm_75 has no BF16 tensor cores: BF16 GEMM runs on the CUDA-core kernel
     there and BF16 attention returns AIENG_ERR_UNSUPPORTED.
   - Causal attention with Sq query rows and Skv keys masks key j for query i
     when j > i + (Skv − Sq) (aligned to the bottom right, as FlashAttention 2
     does; for Sq == Skv this is the usual lower triangle). A query row with
     no key left gets zeros.
   - Errors: every function returns an aieng_result and sets
     aieng_last_error(); bad shapes or NULL pointers give
     AIENG_ERR_INVALID_ARG, CUDA runtime errors AIENG_ERR_STATE (or
     AIENG_ERR_OOM). Kernel launches are checked with cudaGetLastError; a
     fault inside a kernel shows at the next synchronising call.

   DETERMINISM
   No kernel uses atomics, and the reduction order of every output element
   is fixed by the problem size alone: the mma.sync GEMM accumulates K in
   32-wide steps in order whatever the tile size, row kernels use a fixed
   block size, the mma.sync flash attention walks keys in 64-wide tiles in
   order whatever the number of query rows per block. The exceptions: the
   number of key splits of aieng_cuda_paged_decode, chosen from the SM count
   by default, and the Hopper kernels (wgmma GEMM in 64-wide K steps, wgmma
   attention in 128-key tiles), whose use depends on the build and the
   shared-memory limit. With config.deterministic = 1 the split length is
   fixed (512 keys) and the Hopper kernels are not used, so every result is
   bitwise the same across launch configurations, shared-memory limits and
   SM counts (tests/test_cuda.cu checks this for all three kernels).
   aieng_cuda_matvec_q gives the same bits whatever its rows per warp, kernel
   variant or W's alignment (tests/test_cuda.cu checks that too).
   Different GPU architectures may still round differently inside mma.

   THREADS
   An aieng_cuda context belongs to one host thread at a time (it holds a
   growable workspace). Use one context per thread or stream.

   VERSIONS
     0.1.0  first release
     0.2.0  Llama forward pass (aieng_cuda_llama_*)
     0.3.0  Hopper (sm_90a): wgmma + TMA GEMM, wgmma flash attention; first
            checked and timed on an H100
     0.4.0  aieng_cuda_config.matvec_variant: a second quantized matvec kernel
            (rows staged through shared memory with cp.async), not the default
     0.5.0  aieng_cuda_llama decode steps replay a captured CUDA graph
            (aieng_cuda_config.no_graphs turns it off); its matrices may also be
            Q5_0, Q5_1, Q4_K and Q6_K (Q4_K_M files), the k-quants against Q8_K
            activations as on the CPU; q/k/v and gate/up share launches
     0.5.1  flash attention: the softmax's exponentials are one ex2.approx.ftz each
            (exp2f added three instructions to each for subnormal results), and the
            tiles are copied with a fixed trip count and constant strides (the loads of
            a head-dim-64 wgmma tile: 1034 -> 677 SASS instructions a key tile); the
            same bits except P values below 2^-126 of the row's largest, now zeros;
            aieng_cuda_config.attn_tile 6: the wgmma attention with each warpgroup's
            softmax overlapped with its P·V product (FlashAttention-3's pipelining),
            not the default until timed
*/
#ifndef AIENG_CUDA_H
#define AIENG_CUDA_H

#define AIENG_CUDA_VERSION_MAJOR 0
#define AIENG_CUDA_VERSION_MINOR 5
#define AIENG_CUDA_VERSION_PATCH 1

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

AIENG_EXTERN_C_BEGIN

/* ggml/GGUF type ids */
#define AIENG_CUDA_F32 0
#define AIENG_CUDA_F16 1
#define AIENG_CUDA_Q4_0 2
#define AIENG_CUDA_Q4_1 3
#define AIENG_CUDA_Q5_0 6
#define AIENG_CUDA_Q5_1 7
#define AIENG_CUDA_Q8_0 8
#define AIENG_CUDA_Q4_K 12
#define AIENG_CUDA_Q6_K 14
#define AIENG_CUDA_BF16 30
/* RoPE layouts (same values as aieng_tensor.h's AIENG_ROPE_NORMAL / _NEOX) */
#define AIENG_CUDA_ROPE_NORMAL 0 /* rotate adjacent pairs (x0,x1),(x2,x3).. : GGUF llama files */
#define AIENG_CUDA_ROPE_NEOX 2   /* rotate (x_i, x_{i+n/2}): HF weights, Qwen2, GPT-NeoX */

/* Zero means default for every field. */
typedef struct aieng_cuda_config {
    int device;        /* CUDA device index (default 0) */
    int deterministic; /* 1: fixed key splits in paged decode, no Hopper kernels; see DETERMINISM */
    void *stream;      /* a cudaStream_t; NULL = the legacy default stream */
    size_t smem_limit; /* cap on dynamic shared memory per block (bytes); 0 = the device's
                          opt-in maximum. Lower it to exercise the smaller tile paths. */
    int gemm_tile;     /* 0 = chosen from the problem size and shared memory; 1, 2, 3 ask for the
                          64×64, 128×128, 128×256 mma.sync tile (tests; smaller if it does not fit),
                          4 the sm_90a wgmma kernel where there is one (else as 0) */
    int attn_tile;     /* 0 = automatic; 1, 2, 3 ask for 64 query rows single-buffered, 64 rows
                          double-buffered, 128 rows double-buffered (tests; smaller if it does not fit),
                          4 the sm_90a wgmma kernel where there is one (else as 0), 5 its
                          variant with 128-key tiles, one block per SM, 6 its variant that
                          overlaps each warpgroup's softmax with its P·V product (not yet timed) */
    int matvec_rows;   /* 0 = automatic; 1, 2, 4, 8 rows per warp in aieng_cuda_matvec_q (tests,
                          benchmarks; no bit of the result depends on it) */
    int matvec_variant; /* aieng_cuda_matvec_q's kernel: 0 = automatic (now: 1), 1 = direct loads
                          from global memory, 2 / 3 = rows staged through shared memory with
                          16-byte cp.async, 2 / 3 slots a warp (falls back to 1 where the shared
                          memory is too small); no bit of the result depends on it */
    int no_graphs;     /* 1: aieng_cuda_llama_eval launches each kernel of a decode step instead
                          of replaying the step's captured CUDA graph (same bits either way) */
} aieng_cuda_config;

typedef struct aieng_cuda {
    aieng_cuda_config cfg;
    int cc;              /* compute capability, 10·major + minor (75, 80, 86, 89, 90, ...) */
    int sm_count;        /* streaming multiprocessors */
    size_t smem_block;   /* usable dynamic shared memory per block (bytes), after smem_limit */
    size_t mem_total;    /* device memory (bytes) */
    char name[256];      /* device name */
    void *ws;            /* device workspace (split-KV partials), grown on demand */
    size_t ws_bytes;
    int wgmma;           /* 1: this build has the sm_90a GEMM (wgmma + TMA) and the device runs it */
    void *tmap_encode;   /* the driver's cuTensorMapEncodeTiled (for the sm_90a GEMM) */
} aieng_cuda;

/* Flash attention forward: O = softmax(scale·Q·Kᵀ [+ causal mask])·V.
   Q, O: [batch][n_head][seq_q][head_dim]; K, V: [batch][n_head_kv][seq_kv][head_dim],
   addressed through element strides (head_dim is contiguous), so both the
   [b][h][s][d] and the [b][s][h][d] layouts work. n_head must be a multiple of
   n_head_kv (grouped-query attention: query head h reads kv head h / (n_head / n_head_kv)). */
typedef struct aieng_cuda_attn {
    int type;                   /* AIENG_CUDA_F16 or AIENG_CUDA_BF16 (Q, K, V and O) */
    int batch, n_head, n_head_kv, seq_q, seq_kv, head_dim; /* head_dim 64 or 128 */
    int causal;                 /* 1: key j masked for query i when j > i + seq_kv - seq_q */
    float scale;                /* 0 = 1/sqrt(head_dim) */
    const void *q, *k, *v;
    void *o;
    int64_t q_sb, q_sh, q_ss;   /* strides in elements: batch, head, sequence; 0 = packed [b][h][s][d] */
    int64_t k_sb, k_sh, k_ss;
    int64_t v_sb, v_sh, v_ss;
    int64_t o_sb, o_sh, o_ss;
} aieng_cuda_attn;

/* Paged-KV decode: one query token per sequence.
   q, o: [batch][n_head][head_dim]; k_cache, v_cache: [num_blocks][block_size][n_head_kv][head_dim];
   block_table: [batch][max_blocks_per_seq] int32 page ids; seq_lens: [batch] int32 (keys per
   sequence). The query attends to every key 0..seq_len-1 (it is the last token). All
   device memory. Page ids outside [0, num_blocks) are skipped, lengths are clamped to
   max_blocks_per_seq·block_size; max_seq_len (host) bounds the lengths and sizes the grid. */
typedef struct aieng_cuda_paged {
    int type;                   /* AIENG_CUDA_F16 or AIENG_CUDA_BF16 */
    int batch, n_head, n_head_kv, head_dim; /* head_dim 64 or 128 */
    int block_size, num_blocks, max_blocks_per_seq, max_seq_len;
    float scale;                /* 0 = 1/sqrt(head_dim) */
    const void *q;
    const void *k_cache, *v_cache;
    const int32_t *block_table, *seq_lens;
    void *o;
} aieng_cuda_paged;

AIENG_API aieng_cuda_config aieng_cuda_config_default(void);
AIENG_API aieng_result aieng_cuda_device_count(int *count);
/* cfg may be NULL (defaults). Selects the device, reads its properties. */
AIENG_API aieng_result aieng_cuda_init(aieng_cuda *cu, const aieng_cuda_config *cfg);
AIENG_API void aieng_cuda_release(aieng_cuda *cu);
/* Waits for the context's stream; reports an error raised inside a kernel. */
AIENG_API aieng_result aieng_cuda_synchronize(aieng_cuda *cu);

AIENG_API aieng_result aieng_cuda_malloc(aieng_cuda *cu, void **p, size_t bytes);
AIENG_API void aieng_cuda_free(aieng_cuda *cu, void *p);
AIENG_API aieng_result aieng_cuda_upload(aieng_cuda *cu, void *dst_dev, const void *src_host, size_t bytes);
AIENG_API aieng_result aieng_cuda_download(aieng_cuda *cu, void *dst_host, const void *src_dev, size_t bytes);
AIENG_API aieng_result aieng_cuda_memset(aieng_cuda *cu, void *dst_dev, int value, size_t bytes);

/* Row-major C = alpha·op(A)·op(B) + beta·C (see CONVENTIONS). type_ab: F32, F16 or
   BF16 for A and B; type_c: F32, or type_ab (F16/BF16 output, rounded to nearest).
   F16/BF16 accumulate in F32 on tensor cores. */
AIENG_API aieng_result aieng_cuda_gemm(aieng_cuda *cu, int type_ab, int type_c, int trans_a, int trans_b,
                                       int64_t M, int64_t N, int64_t K, float alpha, const void *A, int64_t lda,
                                       const void *B, int64_t ldb, float beta, void *C, int64_t ldc);

/* Row kernels: rows × n values, row i at x + i·n (contiguous). type: F32, F16 or BF16
   for x and y (y may equal x); weights and biases are F32 (may be NULL). */
AIENG_API aieng_result aieng_cuda_softmax(aieng_cuda *cu, int type, void *y, const void *x, int64_t rows, int64_t n);
AIENG_API aieng_result aieng_cuda_rmsnorm(aieng_cuda *cu, int type, void *y, const void *x, const float *w,
                                          int64_t rows, int64_t n, float eps);
AIENG_API aieng_result aieng_cuda_layernorm(aieng_cuda *cu, int type, void *y, const void *x, const float *w,
                                            const float *b, int64_t rows, int64_t n, float eps);
/* In place on x: [n_tokens][n_heads][head_dim]; rotates the first n_rot values of
   each head by pos[token] (device int32), θ_i = pos·base^(−2i/n_rot). */
AIENG_API aieng_result aieng_cuda_rope(aieng_cuda *cu, int type, void *x, int64_t n_tokens, int64_t n_heads,
                                       int64_t head_dim, int n_rot, const int32_t *pos, float base, int mode);
/* y = silu(gate)·up, n values. */
AIENG_API aieng_result aieng_cuda_silu_mul(aieng_cuda *cu, int type, void *y, const void *gate, const void *up,
                                          int64_t n);
/* y = gelu(x), n values; exact = 0: tanh form (aieng_gelu_row), 1: erf form. */
AIENG_API aieng_result aieng_cuda_gelu(aieng_cuda *cu, int type, void *y, const void *x, int64_t n, int exact);

AIENG_API aieng_result aieng_cuda_attention(aieng_cuda *cu, const aieng_cuda_attn *p);
AIENG_API aieng_result aieng_cuda_paged_decode(aieng_cuda *cu, const aieng_cuda_paged *p);

/* y[M] (F32) = W·x with W: M rows of K values in GGUF blocks of `qtype` (Q8_0, Q4_0,
   Q4_1, Q4_K, Q6_K), rows back to back; x: K F32 values. K must be a multiple of the
   block size (32, or 256 for K-quants); W 4-byte aligned, x 16-byte aligned. */
AIENG_API aieng_result aieng_cuda_matvec_q(aieng_cuda *cu, int qtype, const void *W, int64_t M, int64_t K,
                                           const float *x, float *y);
/* Bytes of one row of K values of a GGUF type (0 if K is not a multiple of the block). */
AIENG_API size_t aieng_cuda_row_bytes(int qtype, int64_t K);

/* ---- Llama forward pass (SmolLM2 and the like) on the GPU
   Weights stay in their GGUF blocks (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K, Q6_K
   matrices, so the usual Q4_K_M files too; F32 norms), uploaded once. Every
   matrix product quantizes its activations to 8 bits as ggml's CPU path does
   (per 32 values for the 32-value types, Q8_1: d = amax/127, q =
   round-half-even(x/d), s = d·Σq; per 256 for the k-quants, Q8_K: d = m/−127
   with m the first value of largest magnitude, sums per 32) and sums whole
   blocks with integer dot products (dp4a), so it computes what
   aieng_transformer.h's CPU path computes, up to the order of the float sums. RMSNorm (sum of squares in double), RoPE (a cos/sin table
   computed on the host exactly as the CPU path's rope cache; adjacent pairs,
   the layout of GGUF llama files), SiLU·mul, and an F16 KV cache
   [n_ctx][n_head_kv][head_dim] per layer, read by aieng_cuda_paged_decode for
   one token and by aieng_cuda_attention (causal, bottom-right) for a prompt:
   prefill runs n_batch tokens per step as matrix products, not token by token;
   a decode step (one token) replays a CUDA graph of its ~13 kernels a layer
   (see no_graphs). head_dim must be 64 or 128, n_embd and n_ff multiples of 32. */
typedef struct aieng_cuda_weight {
    const void *data; /* host bytes in GGUF blocks: n_out rows of n_in values */
    int type;         /* AIENG_CUDA_Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K or Q6_K (k-quants: n_in a
                         multiple of 256); the embedding table also F32 or F16 */
    int64_t n_in, n_out;
} aieng_cuda_weight;
typedef struct aieng_cuda_llama_layer {
    const float *attn_norm, *ffn_norm; /* host, n_embd values */
    aieng_cuda_weight wq, wk, wv, wo, w_gate, w_up, w_down;
} aieng_cuda_llama_layer;
typedef struct aieng_cuda_llama_desc {
    int64_t n_vocab, n_embd, n_layer, n_ff, n_head, n_head_kv, head_dim, n_rot;
    float rope_base, norm_eps;
    int64_t n_ctx;   /* KV cache length in tokens */
    int64_t n_batch; /* most tokens per prefill step; 0 = 512 */
    aieng_cuda_weight tok_embd, output; /* output: n_vocab rows of n_embd (the embedding when tied) */
    const float *out_norm;
    const aieng_cuda_llama_layer *layers; /* n_layer entries */
} aieng_cuda_llama_desc;
typedef struct aieng_cuda_llama aieng_cuda_llama;
/* Uploads the weights and allocates the KV cache and work buffers on cu's device. */
AIENG_API aieng_result aieng_cuda_llama_new(aieng_cuda *cu, const aieng_cuda_llama_desc *d, aieng_cuda_llama **out);
AIENG_API void aieng_cuda_llama_free(aieng_cuda_llama *g);
/* Runs n tokens after what the cache holds; logits (host, n_vocab floats, may be
   NULL) get the last token's logits. Synchronous. */
AIENG_API aieng_result aieng_cuda_llama_eval(aieng_cuda_llama *g, const int32_t *ids, int64_t n, float *logits);
AIENG_API int64_t aieng_cuda_llama_n_past(const aieng_cuda_llama *g);
AIENG_API int64_t aieng_cuda_llama_n_ctx(const aieng_cuda_llama *g);
AIENG_API aieng_result aieng_cuda_llama_kv_truncate(aieng_cuda_llama *g, int64_t n); /* forget after n tokens */
AIENG_API size_t aieng_cuda_llama_device_bytes(const aieng_cuda_llama *g);             /* weights + cache + buffers */
#if defined(AIENG_TRANSFORMER_H)
/* With aieng_transformer.h included first: the GPU copy of a loaded Llama
   model (its GGUF tensors by name). n_ctx 0 = the model's, n_batch 0 = 512. */
AIENG_API aieng_result aieng_cuda_llama_from_model(aieng_cuda *cu, const aieng_model *m, int64_t n_ctx, int64_t n_batch,
                                                   aieng_cuda_llama **out);
/* The description it uses (layers: the caller's array of n_layer entries), to adjust before
   aieng_cuda_llama_new; n_ctx is the model's, n_batch 0. */
AIENG_API aieng_result aieng_cuda_llama_desc_from_model(aieng_cuda_llama_desc *d, aieng_cuda_llama_layer *layers,
                                                        const aieng_model *m);
#endif

AIENG_EXTERN_C_END
#endif /* AIENG_CUDA_H */

#if (defined(AIENG_CUDA_IMPLEMENTATION) || (defined(AIENG_IMPLEMENTATION) && defined(__CUDACC__))) && \
    !defined(AIENG_CUDA_IMPLEMENTED)
#define AIENG_CUDA_IMPLEMENTED
#ifndef __CUDACC__
#error "aieng_cuda.h: the implementation must be compiled by nvcc (a .cu file)"
#endif
#include <cuda_runtime.h>
#include <cuda.h> /* CUtensorMap and its enums (types only: the driver function is looked up at run time) */
#include <cuda_fp16.h>
#include <cuda_bf16.h>
#include <string.h>
#include <stdio.h>
#include <math.h>

/* ================================================================ device helpers */
typedef __half aieng__f16;
typedef __nv_bfloat16 aieng__bf16;

static __device__ __forceinline__ float aieng__tof(float v) { return v; }
static __device__ __forceinline__ float aieng__tof(aieng__f16 v) { return __half2float(v); }
static __device__ __forceinline__ float aieng__tof(aieng__bf16 v) { return __bfloat162float(v); }
template <typename T> static __device__ __forceinline__ T aieng__fromf(float v);
template <> __device__ __forceinline__ float aieng__fromf<float>(float v) { return v; }
template <> __device__ __forceinline__ aieng__f16 aieng__fromf<aieng__f16>(float v) { return __float2half_rn(v); }
template <> __device__ __forceinline__ aieng__bf16 aieng__fromf<aieng__bf16>(float v) { return __float2bfloat16_rn(v); }

/* two floats -> packed 16-bit pair (lo in the low half) */
template <typename T> static __device__ __forceinline__ uint32_t aieng__pack2(float lo, float hi);
template <> __device__ __forceinline__ uint32_t aieng__pack2<aieng__f16>(float lo, float hi) {
    __half2 h = __floats2half2_rn(lo, hi);
    return *reinterpret_cast<uint32_t *>(&h);
}
template <> __device__ __forceinline__ uint32_t aieng__pack2<aieng__bf16>(float lo, float hi) {
    __nv_bfloat162 h = __floats2bfloat162_rn(lo, hi);
    return *reinterpret_cast<uint32_t *>(&h);
}

static __device__ __forceinline__ uint32_t aieng__smem_u32(const void *p) {
    return (uint32_t)__cvta_generic_to_shared(p);
}
static __device__ __forceinline__ void aieng__ldsm_x4(uint32_t r[4], const void *p) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(aieng__smem_u32(p)));
}
static __device__ __forceinline__ void aieng__ldsm_x4_t(uint32_t r[4], const void *p) {
    asm volatile("ldmatrix.sync.aligned.m8n8.x4.trans.shared.b16 {%0,%1,%2,%3}, [%4];\n"
                 : "=r"(r[0]), "=r"(r[1]), "=r"(r[2]), "=r"(r[3]) : "r"(aieng__smem_u32(p)));
}
/* 16 bytes global -> shared; zero-fill when !ok. cp.async on sm_80+, a plain copy before. */
static __device__ __forceinline__ void aieng__cp16(void *dst, const void *src, bool ok) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.cg.shared.global [%0], [%1], 16, %2;\n" ::"r"(aieng__smem_u32(dst)), "l"(src),
                 "r"(ok ? 16 : 0));
#else
    uint4 v = make_uint4(0, 0, 0, 0);
    if (ok) v = *reinterpret_cast<const uint4 *>(src);
    *reinterpret_cast<uint4 *>(dst) = v;
#endif
}
static __device__ __forceinline__ void aieng__cp_commit(void) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.commit_group;\n" ::);
#endif
}
template <int N> static __device__ __forceinline__ void aieng__cp_wait(void) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("cp.async.wait_group %0;\n" ::"n"(N));
#endif
}
static __device__ __forceinline__ void aieng__cp_wait_rt(int pending) {
    if (pending <= 0) aieng__cp_wait<0>();
    else if (pending == 1) aieng__cp_wait<1>();
    else aieng__cp_wait<2>();
}

/* D += A·B, m16n8k16, F32 accumulators. sm_75: two m16n8k8 (F16 only). */
template <typename T> static __device__ __forceinline__ void aieng__mma(float c[4], const uint32_t a[4], uint32_t b0,
                                                                       uint32_t b1);
template <> __device__ __forceinline__ void aieng__mma<aieng__f16>(float c[4], const uint32_t a[4], uint32_t b0,
                                                                  uint32_t b1) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#elif defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 750
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(b0));
    asm volatile("mma.sync.aligned.m16n8k8.row.col.f32.f16.f16.f32 {%0,%1,%2,%3}, {%4,%5}, {%6}, {%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[2]), "r"(a[3]), "r"(b1));
#else
    (void)c; (void)a; (void)b0; (void)b1;
    __trap();
#endif
}
template <> __device__ __forceinline__ void aieng__mma<aieng__bf16>(float c[4], const uint32_t a[4], uint32_t b0,
                                                                   uint32_t b1) {
#if defined(__CUDA_ARCH__) && __CUDA_ARCH__ >= 800
    asm volatile("mma.sync.aligned.m16n8k16.row.col.f32.bf16.bf16.f32 {%0,%1,%2,%3}, {%4,%5,%6,%7}, {%8,%9}, "
                 "{%0,%1,%2,%3};\n"
                 : "+f"(c[0]), "+f"(c[1]), "+f"(c[2]), "+f"(c[3])
                 : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "r"(b0), "r"(b1));
#else
    (void)c; (void)a; (void)b0; (void)b1;
    __trap(); /* never launched: the host side routes BF16 below sm_80 elsewhere */
#endif
}

static __device__ __forceinline__ float aieng__warp_sum(float v) {
    for (int o = 16; o > 0; o >>= 1) v += __shfl_xor_sync(0xffffffffu, v, o);
    return v;
}
static __device__ __forceinline__ float aieng__warp_max(float v) {
    for (int o = 16; o > 0; o >>= 1) v = fmaxf(v, __shfl_xor_sync(0xffffffffu, v, o));
    return v;
}

/* Loads a ROWS×COLS tile (COLS contiguous, 16-bit elements) at (r0, c0) of a global
   matrix with leading dimension ld into shared memory with row pitch LD; chunks
   outside rlim×clim are zero (clim is a multiple of 8). FIXED (the usual case: the
   threads cover the tile in whole steps and a whole number of rows): each thread keeps
   its column, so the copies take a fixed trip count and constant strides, no loop. */
template <bool FIXED> struct aieng__tl {
    template <int ROWS, int COLS, int LD, int NTHR, typename T>
    static __device__ __forceinline__ void load(T *s, const T *g, int64_t ld, int64_t r0, int64_t c0, int64_t rlim, int64_t clim,
                                                int tid) {
        constexpr int CPR = COLS / 8, N = ROWS * CPR / NTHR, DR = NTHR / CPR;
        const int r = tid / CPR, c = (tid % CPR) * 8;
        const bool cok = c0 + c < clim;
        const T *src = g + (r0 + r) * ld + c0 + c;
        T *dst = s + r * LD + c;
#pragma unroll
        for (int it = 0; it < N; it++) {
            const bool ok = cok && r0 + r + it * DR < rlim;
            aieng__cp16(dst + it * DR * LD, ok ? (const void *)(src + it * DR * ld) : (const void *)g, ok);
        }
    }
};
template <> struct aieng__tl<false> {
    template <int ROWS, int COLS, int LD, int NTHR, typename T>
    static __device__ __forceinline__ void load(T *s, const T *g, int64_t ld, int64_t r0, int64_t c0, int64_t rlim, int64_t clim,
                                                int tid) {
        constexpr int CPR = COLS / 8, TOTAL = ROWS * CPR;
#pragma unroll
        for (int i = tid; i < TOTAL; i += NTHR) {
            int r = i / CPR, c = (i % CPR) * 8;
            int64_t gr = r0 + r, gc = c0 + c;
            bool ok = gr < rlim && gc < clim;
            aieng__cp16(s + r * LD + c, ok ? (const void *)(g + gr * ld + gc) : (const void *)g, ok);
        }
    }
};
template <int ROWS, int COLS, int LD, int NTHR, typename T>
static __device__ __forceinline__ void aieng__tile_load(T *s, const T *g, int64_t ld, int64_t r0, int64_t c0,
                                                        int64_t rlim, int64_t clim, int tid) {
    constexpr bool FIXED = (ROWS * (COLS / 8)) % NTHR == 0 && NTHR % (COLS / 8) == 0;
    aieng__tl<FIXED>::template load<ROWS, COLS, LD, NTHR, T>(s, g, ld, r0, c0, rlim, clim, tid);
}

/* ================================================================ GEMM, tensor cores */
typedef struct aieng__gemm_args {
    int64_t M, N, K, lda, ldb, ldc;
    float alpha, beta;
    const void *A, *B;
    void *C;
    int c_f32, stages, pair_ok;
} aieng__gemm_args;

#define AIENG__GBK 32
#define AIENG__PAD 8

template <int BM, int BN, bool TA, bool TB> struct aieng__gemm_geom {
    static constexpr int A_ROWS = TA ? AIENG__GBK : BM, A_COLS = TA ? BM : AIENG__GBK, A_LD = A_COLS + AIENG__PAD;
    static constexpr int B_ROWS = TB ? BN : AIENG__GBK, B_COLS = TB ? AIENG__GBK : BN, B_LD = B_COLS + AIENG__PAD;
    static constexpr int A_ELEMS = A_ROWS * A_LD, B_ELEMS = B_ROWS * B_LD;
    static constexpr size_t STAGE_BYTES = (size_t)(A_ELEMS + B_ELEMS) * 2;
};

/* two adjacent outputs in one store (the address is aligned to the pair) */
static __device__ __forceinline__ void aieng__st2(float *C, float v0, float v1) { *reinterpret_cast<float2 *>(C) = make_float2(v0, v1); }
static __device__ __forceinline__ void aieng__st2(aieng__f16 *C, float v0, float v1) { *reinterpret_cast<uint32_t *>(C) = aieng__pack2<aieng__f16>(v0, v1); }
static __device__ __forceinline__ void aieng__st2(aieng__bf16 *C, float v0, float v1) { *reinterpret_cast<uint32_t *>(C) = aieng__pack2<aieng__bf16>(v0, v1); }
template <typename Tc>
static __device__ __forceinline__ void aieng__store_c(const aieng__gemm_args &g, int64_t r, int64_t c, float v0,
                                                      float v1) {
    if (r >= g.M || c >= g.N) return;
    Tc *C = (Tc *)g.C + r * g.ldc + c;
    bool two = c + 1 < g.N;
    if (g.beta != 0.0f) {
        v0 = g.alpha * v0 + g.beta * aieng__tof(C[0]);
        if (two) v1 = g.alpha * v1 + g.beta * aieng__tof(C[1]);
    } else {
        v0 *= g.alpha;
        v1 *= g.alpha;
    }
    if (two && g.pair_ok) {
        aieng__st2(C, v0, v1);
    } else {
        C[0] = aieng__fromf<Tc>(v0);
        if (two) C[1] = aieng__fromf<Tc>(v1);
    }
}

/* one m16n8 accumulator fragment (c0,c1 at row r, columns c..c+1; c2,c3 at row r + 8) into C */
template <typename T>
static __device__ __forceinline__ void aieng__store_frag(const aieng__gemm_args &g, int64_t r, int64_t c, const float *f) {
    if (g.c_f32) {
        aieng__store_c<float>(g, r, c, f[0], f[1]);
        aieng__store_c<float>(g, r + 8, c, f[2], f[3]);
    } else {
        aieng__store_c<T>(g, r, c, f[0], f[1]);
        aieng__store_c<T>(g, r + 8, c, f[2], f[3]);
    }
}
/* this block's output tile (bm, bn), in grouped order (8 tile rows at a time) so that a wave of
   blocks shares A and B panels in L2 */
static __device__ __forceinline__ void aieng__tile_origin(const aieng__gemm_args &g, int BM, int BN, int64_t &bm, int64_t &bn) {
    const int64_t num_m = (g.M + BM - 1) / BM, num_n = (g.N + BN - 1) / BN, pid = blockIdx.x, width = 8 * num_n;
    const int64_t first_m = pid / width * 8, gsz = num_m - first_m < 8 ? num_m - first_m : 8;
    bm = (first_m + (pid % width) % gsz) * BM;
    bn = (pid % width) / gsz * BN;
}

template <typename T, int BM, int BN, int WM, int WN, bool TA, bool TB>
__global__ void __launch_bounds__(WM *WN * 32) aieng__gemm_tc(aieng__gemm_args g) {
    typedef aieng__gemm_geom<BM, BN, TA, TB> G;
    constexpr int NTHR = WM * WN * 32, WTM = BM / WM, WTN = BN / WN, MT = WTM / 16, NT = WTN / 8;
    extern __shared__ __align__(16) unsigned char aieng__smem[];
    T *sA = reinterpret_cast<T *>(aieng__smem);
    T *sB = sA + g.stages * G::A_ELEMS;
    const T *A = (const T *)g.A, *B = (const T *)g.B;
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, wm = warp / WN, wn = warp % WN;
    int64_t bm, bn;
    aieng__tile_origin(g, BM, BN, bm, bn);
    const int ktiles = (int)((g.K + AIENG__GBK - 1) / AIENG__GBK);
    const int stages = g.stages;
    float acc[MT][NT][4];
#pragma unroll
    for (int i = 0; i < MT; i++)
#pragma unroll
        for (int j = 0; j < NT; j++) acc[i][j][0] = acc[i][j][1] = acc[i][j][2] = acc[i][j][3] = 0.0f;

    auto load = [&](int kt, int slot) {
        int64_t k0 = (int64_t)kt * AIENG__GBK;
        T *a = sA + slot * G::A_ELEMS, *b = sB + slot * G::B_ELEMS;
        if (TA) aieng__tile_load<G::A_ROWS, G::A_COLS, G::A_LD, NTHR>(a, A, g.lda, k0, bm, g.K, g.M, tid);
        else aieng__tile_load<G::A_ROWS, G::A_COLS, G::A_LD, NTHR>(a, A, g.lda, bm, k0, g.M, g.K, tid);
        if (TB) aieng__tile_load<G::B_ROWS, G::B_COLS, G::B_LD, NTHR>(b, B, g.ldb, bn, k0, g.N, g.K, tid);
        else aieng__tile_load<G::B_ROWS, G::B_COLS, G::B_LD, NTHR>(b, B, g.ldb, k0, bn, g.K, g.N, tid);
    };
    for (int s = 0; s < stages - 1; s++) {
        if (s < ktiles) load(s, s);
        aieng__cp_commit();
    }
    for (int kt = 0; kt < ktiles; kt++) {
        aieng__cp_wait_rt(stages - 2);
        __syncthreads();
        {
            int nk = kt + stages - 1;
            if (nk < ktiles) load(nk, nk % stages);
            aieng__cp_commit();
        }
        const T *a = sA + (kt % stages) * G::A_ELEMS, *b = sB + (kt % stages) * G::B_ELEMS;
#pragma unroll
        for (int kk = 0; kk < AIENG__GBK; kk += 16) {
            uint32_t af[MT][4], bf[NT][2];
#pragma unroll
            for (int mt = 0; mt < MT; mt++) {
                int m0 = wm * WTM + mt * 16;
                if (!TA) aieng__ldsm_x4(af[mt], a + (m0 + (lane & 7) + ((lane >> 3) & 1) * 8) * G::A_LD + kk + (lane >> 4) * 8);
                else aieng__ldsm_x4_t(af[mt], a + (kk + (lane & 7) + (lane >> 4) * 8) * G::A_LD + m0 + ((lane >> 3) & 1) * 8);
            }
#pragma unroll
            for (int np = 0; np < NT / 2; np++) {
                int n0 = wn * WTN + np * 16;
                uint32_t r[4];
                if (TB) aieng__ldsm_x4(r, b + (n0 + (lane & 7) + (lane >> 4) * 8) * G::B_LD + kk + ((lane >> 3) & 1) * 8);
                else aieng__ldsm_x4_t(r, b + (kk + (lane & 7) + ((lane >> 3) & 1) * 8) * G::B_LD + n0 + (lane >> 4) * 8);
                bf[2 * np][0] = r[0]; bf[2 * np][1] = r[1];
                bf[2 * np + 1][0] = r[2]; bf[2 * np + 1][1] = r[3];
            }
#pragma unroll
            for (int mt = 0; mt < MT; mt++)
#pragma unroll
                for (int nt = 0; nt < NT; nt++) aieng__mma<T>(acc[mt][nt], af[mt], bf[nt][0], bf[nt][1]);
        }
    }
    aieng__cp_wait<0>();
    /* epilogue: c0,c1 at (g, 2t..2t+1), c2,c3 at (g+8, ...) */
    const int gq = lane >> 2, tq = lane & 3;
#pragma unroll
    for (int mt = 0; mt < MT; mt++)
#pragma unroll
        for (int nt = 0; nt < NT; nt++)
            aieng__store_frag<T>(g, bm + wm * WTM + mt * 16 + gq, bn + wn * WTN + nt * 8 + 2 * tq, acc[mt][nt]);
}

/* ================================================================ GEMM, Hopper tensor cores (sm_90a)
   128×256 output tiles, K in 64-wide steps. Warpgroup 0 is the producer: one thread
   issues the bulk tensor copies (TMA) of the A and B tiles into a ring of STAGES
   shared-memory slots (128-byte swizzle), each completing on the slot's "full"
   mbarrier. Warpgroups 1 and 2 each own 64 rows of the tile and multiply with
   wgmma.m64n256k16 straight from shared memory (F32 accumulators, 128 per thread),
   then release the slot on its "empty" mbarrier. A tile stored K-contiguous is
   "K-major"; a transposed operand (A stored K×M, B stored K×N) is "MN-major": it is
   copied in 64-wide column blocks and read by wgmma with its transpose bit. Only
   built for sm_90a (-gencode arch=compute_90a,code=sm_90a); the host asks the
   device whether this code is there (aieng__wg_probe) before using it. */
#define AIENG__WG_BM 128
#define AIENG__WG_BN 256
#define AIENG__WG_BK 64
#define AIENG__WG_STAGES 4
#define AIENG__WG_STAGE_BYTES ((AIENG__WG_BM + AIENG__WG_BN) * AIENG__WG_BK * 2)
#define AIENG__WG_SMEM (AIENG__WG_STAGES * AIENG__WG_STAGE_BYTES + 1024 + 2 * AIENG__WG_STAGES * 8)
#if defined(__CUDA_ARCH__) && defined(__CUDA_ARCH_FEAT_SM90_ALL)
#define AIENG__HAVE_WG 1
#else
#define AIENG__HAVE_WG 0
#endif
__global__ void aieng__wg_probe(int *out) { *out = AIENG__HAVE_WG; }

#if defined(CUDART_VERSION) && CUDART_VERSION >= 12000
#define AIENG__HAVE_TMA 1
typedef struct aieng__wg_maps {
    CUtensorMap a, b;
} aieng__wg_maps;
#if AIENG__HAVE_WG
static __device__ __forceinline__ void aieng__mb_init(uint32_t bar, int count) {
    asm volatile("mbarrier.init.shared::cta.b64 [%0], %1;\n" ::"r"(bar), "r"(count) : "memory");
}
static __device__ __forceinline__ void aieng__mb_expect(uint32_t bar, uint32_t bytes) {
    asm volatile("mbarrier.arrive.expect_tx.shared::cta.b64 _, [%0], %1;\n" ::"r"(bar), "r"(bytes) : "memory");
}
static __device__ __forceinline__ void aieng__mb_arrive(uint32_t bar) {
    asm volatile("mbarrier.arrive.shared::cta.b64 _, [%0];\n" ::"r"(bar) : "memory");
}
static __device__ __forceinline__ void aieng__mb_wait(uint32_t bar, uint32_t parity) {
    uint32_t done = 0;
    while (!done)
        asm volatile("{\n.reg .pred p;\nmbarrier.try_wait.parity.shared::cta.b64 p, [%1], %2;\nselp.u32 %0, 1, 0, p;\n}\n"
                     : "=r"(done) : "r"(bar), "r"(parity) : "memory");
}
/* one 2-D box of the tensor map into shared memory; c0 is the contiguous coordinate */
static __device__ __forceinline__ void aieng__tma2d(uint32_t dst, const CUtensorMap *map, int c0, int c1, uint32_t bar) {
    asm volatile("cp.async.bulk.tensor.2d.shared::cluster.global.mbarrier::complete_tx::bytes [%0], [%1, {%2, %3}], [%4];\n"
                 ::"r"(dst), "l"((uint64_t)map), "r"(c0), "r"(c1), "r"(bar) : "memory");
}
/* shared-memory matrix descriptor, 128-byte swizzle */
static __device__ __forceinline__ uint64_t aieng__wg_desc(uint32_t addr, uint32_t lbo, uint32_t sbo) {
    return (uint64_t)((addr & 0x3FFFF) >> 4) | (uint64_t)((lbo & 0x3FFFF) >> 4) << 16 |
           (uint64_t)((sbo & 0x3FFFF) >> 4) << 32 | 1ull << 62;
}
/* warpgroup MMA bookkeeping: fence before the first wgmma that reads registers other
   instructions wrote; commit the issued wgmma as a group; wait until at most N groups are
   still running (groups complete in order) */
static __device__ __forceinline__ void aieng__wg_fence(void) { asm volatile("wgmma.fence.sync.aligned;\n" ::: "memory"); }
static __device__ __forceinline__ void aieng__wg_commit(void) { asm volatile("wgmma.commit_group.sync.aligned;\n" ::: "memory"); }
template <int N> static __device__ __forceinline__ void aieng__wg_wait(void) {
    asm volatile("wgmma.wait_group.sync.aligned %0;\n" ::"n"(N) : "memory");
}
#define AIENG__WG_D8(i) "+f"(d[i]), "+f"(d[i + 1]), "+f"(d[i + 2]), "+f"(d[i + 3]), "+f"(d[i + 4]), "+f"(d[i + 5]), "+f"(d[i + 6]), "+f"(d[i + 7])
#define AIENG__WG_D128 AIENG__WG_D8(0), AIENG__WG_D8(8), AIENG__WG_D8(16), AIENG__WG_D8(24), AIENG__WG_D8(32), AIENG__WG_D8(40), \
    AIENG__WG_D8(48), AIENG__WG_D8(56), AIENG__WG_D8(64), AIENG__WG_D8(72), AIENG__WG_D8(80), AIENG__WG_D8(88),             \
    AIENG__WG_D8(96), AIENG__WG_D8(104), AIENG__WG_D8(112), AIENG__WG_D8(120)
#define AIENG__WG_REGS "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "                \
    "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, "                          \
    "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, "                          \
    "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63, "                          \
    "%64, %65, %66, %67, %68, %69, %70, %71, %72, %73, %74, %75, %76, %77, %78, %79, "                          \
    "%80, %81, %82, %83, %84, %85, %86, %87, %88, %89, %90, %91, %92, %93, %94, %95, "                          \
    "%96, %97, %98, %99, %100, %101, %102, %103, %104, %105, %106, %107, %108, %109, %110, %111, "              \
    "%112, %113, %114, %115, %116, %117, %118, %119, %120, %121, %122, %123, %124, %125, %126, %127}"
/* D(64×256) += A(64×16)·B(16×256); TA/TB: the operand is MN-major */
template <typename T, int TA, int TB> static __device__ __forceinline__ void aieng__wgmma(float d[128], uint64_t da, uint64_t db);
template <int TA, int TB> struct aieng__wgmma_t {
    static __device__ __forceinline__ void f16(float d[128], uint64_t da, uint64_t db) {
        asm volatile("wgmma.mma_async.sync.aligned.m64n256k16.f32.f16.f16 " AIENG__WG_REGS ", %128, %129, 1, 1, 1, %130, %131;\n"
                     : AIENG__WG_D128 : "l"(da), "l"(db), "n"(TA), "n"(TB));
    }
    static __device__ __forceinline__ void bf16(float d[128], uint64_t da, uint64_t db) {
        asm volatile("wgmma.mma_async.sync.aligned.m64n256k16.f32.bf16.bf16 " AIENG__WG_REGS ", %128, %129, 1, 1, 1, %130, %131;\n"
                     : AIENG__WG_D128 : "l"(da), "l"(db), "n"(TA), "n"(TB));
    }
};
template <> __device__ __forceinline__ void aieng__wgmma<aieng__f16, 0, 0>(float d[128], uint64_t a, uint64_t b) { aieng__wgmma_t<0, 0>::f16(d, a, b); }
template <> __device__ __forceinline__ void aieng__wgmma<aieng__f16, 0, 1>(float d[128], uint64_t a, uint64_t b) { aieng__wgmma_t<0, 1>::f16(d, a, b); }
template <> __device__ __forceinline__ void aieng__wgmma<aieng__f16, 1, 0>(float d[128], uint64_t a, uint64_t b) { aieng__wgmma_t<1, 0>::f16(d, a, b); }
template <> __device__ __forceinline__ void aieng__wgmma<aieng__f16, 1, 1>(float d[128], uint64_t a, uint64_t b) { aieng__wgmma_t<1, 1>::f16(d, a, b); }
template <> __device__ __forceinline__ void aieng__wgmma<aieng__bf16, 0, 0>(float d[128], uint64_t a, uint64_t b) { aieng__wgmma_t<0, 0>::bf16(d, a, b); }
template <> __device__ __forceinline__ void aieng__wgmma<aieng__bf16, 0, 1>(float d[128], uint64_t a, uint64_t b) { aieng__wgmma_t<0, 1>::bf16(d, a, b); }
template <> __device__ __forceinline__ void aieng__wgmma<aieng__bf16, 1, 0>(float d[128], uint64_t a, uint64_t b) { aieng__wgmma_t<1, 0>::bf16(d, a, b); }
template <> __device__ __forceinline__ void aieng__wgmma<aieng__bf16, 1, 1>(float d[128], uint64_t a, uint64_t b) { aieng__wgmma_t<1, 1>::bf16(d, a, b); }
#endif /* AIENG__HAVE_WG */

/* TA: A stored K×M (MN-major); TB: B stored K×N (MN-major). An MN-major operand's descriptor:
   leading byte offset 8192 (between its 64-wide column blocks of 64 K rows), stride byte offset
   1024 (between groups of 8 K rows). */
template <typename T, int TA, int TB>
__global__ void __launch_bounds__(384, 1) aieng__gemm_wg(const __grid_constant__ aieng__wg_maps maps, aieng__gemm_args g) {
#if AIENG__HAVE_WG
    extern __shared__ __align__(16) unsigned char aieng__smem[];
    const uint32_t raw = aieng__smem_u32(aieng__smem), base = (raw + 1023u) & ~1023u;
    const uint32_t sA = base, sB = base + AIENG__WG_STAGES * AIENG__WG_BM * AIENG__WG_BK * 2;
    const uint32_t full = base + AIENG__WG_STAGES * AIENG__WG_STAGE_BYTES, empty = full + 8 * AIENG__WG_STAGES;
    const int tid = threadIdx.x, wg = tid / 128;
    int64_t bm, bn;
    aieng__tile_origin(g, AIENG__WG_BM, AIENG__WG_BN, bm, bn);
    const int ktiles = (int)((g.K + AIENG__WG_BK - 1) / AIENG__WG_BK);
    if (tid == 0) {
        for (int s = 0; s < AIENG__WG_STAGES; s++) {
            aieng__mb_init(full + 8 * s, 1);
            aieng__mb_init(empty + 8 * s, 8); /* one arrival per consumer warp */
        }
        asm volatile("fence.mbarrier_init.release.cluster;\n" ::: "memory");
        asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory");
    }
    __syncthreads();
    if (wg == 0) {
        asm volatile("setmaxnreg.dec.sync.aligned.u32 24;\n");
        if (tid == 0) {
            const CUtensorMap *ma = &maps.a, *mb = &maps.b;
            for (int kt = 0; kt < ktiles; kt++) {
                const int s = kt % AIENG__WG_STAGES, k0 = kt * AIENG__WG_BK;
                if (kt >= AIENG__WG_STAGES) aieng__mb_wait(empty + 8 * s, (uint32_t)((kt / AIENG__WG_STAGES - 1) & 1));
                const uint32_t bar = full + 8 * s, a = sA + s * AIENG__WG_BM * AIENG__WG_BK * 2,
                               b = sB + s * AIENG__WG_BN * AIENG__WG_BK * 2;
                aieng__mb_expect(bar, AIENG__WG_STAGE_BYTES);
                if (!TA) aieng__tma2d(a, ma, k0, (int)bm, bar);
                else
                    for (int c = 0; c < AIENG__WG_BM / 64; c++) aieng__tma2d(a + c * 8192, ma, (int)bm + 64 * c, k0, bar);
                if (!TB) aieng__tma2d(b, mb, k0, (int)bn, bar);
                else
                    for (int c = 0; c < AIENG__WG_BN / 64; c++) aieng__tma2d(b + c * 8192, mb, (int)bn + 64 * c, k0, bar);
            }
        }
    } else {
        asm volatile("setmaxnreg.inc.sync.aligned.u32 240;\n");
        const int cw = wg - 1; /* rows 64·cw .. 64·cw + 63 of the tile */
        float d[128];
#pragma unroll
        for (int i = 0; i < 128; i++) d[i] = 0.0f;
        for (int kt = 0; kt < ktiles; kt++) {
            const int s = kt % AIENG__WG_STAGES;
            aieng__mb_wait(full + 8 * s, (uint32_t)((kt / AIENG__WG_STAGES) & 1));
            const uint32_t a = sA + s * AIENG__WG_BM * AIENG__WG_BK * 2 + cw * 8192, b = sB + s * AIENG__WG_BN * AIENG__WG_BK * 2;
            aieng__wg_fence();
#pragma unroll
            for (int kk = 0; kk < AIENG__WG_BK / 16; kk++) {
                /* K-major: rows of 128 bytes, 8-row groups 1024 bytes apart, k16 step = 32 bytes;
                   MN-major: 64-wide blocks of 64 K rows (8 KiB), k16 step = 16 rows = 2048 bytes */
                const uint64_t da = TA ? aieng__wg_desc(a + kk * 2048, 8192, 1024) : aieng__wg_desc(a + kk * 32, 16, 1024);
                const uint64_t db = TB ? aieng__wg_desc(b + kk * 2048, 8192, 1024) : aieng__wg_desc(b + kk * 32, 16, 1024);
                aieng__wgmma<T, TA, TB>(d, da, db);
            }
            aieng__wg_commit();
            aieng__wg_wait<0>();
            if ((tid & 31) == 0) aieng__mb_arrive(empty + 8 * s);
        }
        /* D fragment: warp w of the warpgroup holds rows 16w + lane/4 (+8); n8 block j holds
           columns 8j + 2·(lane%4) + {0, 1} */
        const int w = (tid % 128) / 32, lane = tid & 31;
        const int64_t r = bm + cw * 64 + w * 16 + lane / 4;
#pragma unroll
        for (int j = 0; j < 32; j++) aieng__store_frag<T>(g, r, bn + 8 * j + 2 * (lane % 4), d + 4 * j);
    }
#else
    (void)maps; (void)g;
    __trap(); /* never launched: the host asks aieng__wg_probe first */
#endif
}
#else
#define AIENG__HAVE_TMA 0
#endif /* CUDART_VERSION >= 12000 */

/* ================================================================ GEMM, CUDA cores (any type) */
#define AIENG__SBM 64
#define AIENG__SBN 64
#define AIENG__SBK 16
template <typename T, typename Tc>
__global__ void __launch_bounds__(256) aieng__gemm_simt(aieng__gemm_args g, int ta, int tb) {
    __shared__ float sA[AIENG__SBK][AIENG__SBM + 4];
    __shared__ float sB[AIENG__SBK][AIENG__SBN + 4];
    const T *A = (const T *)g.A, *B = (const T *)g.B;
    const int tid = threadIdx.x, tx = tid % 16, ty = tid / 16;
    const int64_t bm = (int64_t)blockIdx.y * AIENG__SBM, bn = (int64_t)blockIdx.x * AIENG__SBN;
    float acc[4][4];
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) acc[i][j] = 0.0f;
    for (int64_t k0 = 0; k0 < g.K; k0 += AIENG__SBK) {
        for (int i = tid; i < AIENG__SBM * AIENG__SBK; i += 256) {
            int m, k;
            if (ta) { m = i % AIENG__SBM; k = i / AIENG__SBM; } /* coalesce along m */
            else { k = i % AIENG__SBK; m = i / AIENG__SBK; }
            int64_t gm = bm + m, gk = k0 + k;
            float v = 0.0f;
            if (gm < g.M && gk < g.K) v = aieng__tof(ta ? A[gk * g.lda + gm] : A[gm * g.lda + gk]);
            sA[k][m] = v;
        }
        for (int i = tid; i < AIENG__SBN * AIENG__SBK; i += 256) {
            int n, k;
            if (!tb) { n = i % AIENG__SBN; k = i / AIENG__SBN; }
            else { k = i % AIENG__SBK; n = i / AIENG__SBK; }
            int64_t gn = bn + n, gk = k0 + k;
            float v = 0.0f;
            if (gn < g.N && gk < g.K) v = aieng__tof(tb ? B[gn * g.ldb + gk] : B[gk * g.ldb + gn]);
            sB[k][n] = v;
        }
        __syncthreads();
#pragma unroll
        for (int k = 0; k < AIENG__SBK; k++) {
            float a[4], b[4];
            for (int i = 0; i < 4; i++) a[i] = sA[k][ty + 16 * i];
            for (int j = 0; j < 4; j++) b[j] = sB[k][tx + 16 * j];
            for (int i = 0; i < 4; i++)
                for (int j = 0; j < 4; j++) acc[i][j] = fmaf(a[i], b[j], acc[i][j]);
        }
        __syncthreads();
    }
    for (int i = 0; i < 4; i++)
        for (int j = 0; j < 4; j++) {
            int64_t r = bm + ty + 16 * i, c = bn + tx + 16 * j;
            if (r < g.M && c < g.N) {
                Tc *C = (Tc *)g.C + r * g.ldc + c;
                float v = g.alpha * acc[i][j];
                if (g.beta != 0.0f) v += g.beta * aieng__tof(*C);
                *C = aieng__fromf<Tc>(v);
            }
        }
}

/* ================================================================ row kernels */
#define AIENG__ROW_THREADS 256
/* block-wide sum with a fixed tree; every thread gets the result */
static __device__ __forceinline__ float aieng__block_sum(float v, float *red) {
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    v = aieng__warp_sum(v);
    __syncthreads();
    if (lane == 0) red[warp] = v;
    __syncthreads();
    v = lane < (AIENG__ROW_THREADS / 32) ? red[lane] : 0.0f;
    return aieng__warp_sum(v);
}
/* merge two (max, sum of exp(x - max)) pairs */
static __device__ __forceinline__ void aieng__ms_merge(float &m, float &s, float m2, float s2) {
    float mn = fmaxf(m, m2);
    if (mn == -INFINITY) return;
    s = s * __expf(m - mn) + s2 * __expf(m2 - mn);
    m = mn;
}

template <typename T> __global__ void __launch_bounds__(AIENG__ROW_THREADS) aieng__softmax_k(T *y, const T *x, int64_t n) {
    __shared__ float rm[32], rs[32];
    const T *xr = x + (int64_t)blockIdx.x * n;
    T *yr = y + (int64_t)blockIdx.x * n;
    float m = -INFINITY, s = 0.0f;
    for (int64_t i = threadIdx.x; i < n; i += AIENG__ROW_THREADS) { /* online max and sum */
        float v = aieng__tof(xr[i]);
        if (v > m) { s = s * __expf(m - v) + 1.0f; m = v; }
        else if (v != -INFINITY) s += __expf(v - m);
    }
    for (int o = 16; o > 0; o >>= 1) {
        float m2 = __shfl_xor_sync(0xffffffffu, m, o), s2 = __shfl_xor_sync(0xffffffffu, s, o);
        aieng__ms_merge(m, s, m2, s2);
    }
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    if (lane == 0) { rm[warp] = m; rs[warp] = s; }
    __syncthreads();
    if (warp == 0) {
        m = lane < AIENG__ROW_THREADS / 32 ? rm[lane] : -INFINITY;
        s = lane < AIENG__ROW_THREADS / 32 ? rs[lane] : 0.0f;
        for (int o = 16; o > 0; o >>= 1) {
            float m2 = __shfl_xor_sync(0xffffffffu, m, o), s2 = __shfl_xor_sync(0xffffffffu, s, o);
            aieng__ms_merge(m, s, m2, s2);
        }
        if (lane == 0) { rm[0] = m; rs[0] = s; }
    }
    __syncthreads();
    m = rm[0];
    s = rs[0];
    if (m == -INFINITY) { /* every value masked: uniform, as aieng_softmax_row */
        for (int64_t i = threadIdx.x; i < n; i += AIENG__ROW_THREADS) yr[i] = aieng__fromf<T>(1.0f / (float)n);
        return;
    }
    float inv = 1.0f / s;
    for (int64_t i = threadIdx.x; i < n; i += AIENG__ROW_THREADS)
        yr[i] = aieng__fromf<T>(__expf(aieng__tof(xr[i]) - m) * inv);
}

template <typename T>
__global__ void __launch_bounds__(AIENG__ROW_THREADS) aieng__rmsnorm_k(T *y, const T *x, const float *w, int64_t n, float eps) {
    __shared__ float red[32];
    const T *xr = x + (int64_t)blockIdx.x * n;
    T *yr = y + (int64_t)blockIdx.x * n;
    float ss = 0.0f;
    for (int64_t i = threadIdx.x; i < n; i += AIENG__ROW_THREADS) { float v = aieng__tof(xr[i]); ss = fmaf(v, v, ss); }
    ss = aieng__block_sum(ss, red);
    float sc = rsqrtf(ss / (float)n + eps);
    for (int64_t i = threadIdx.x; i < n; i += AIENG__ROW_THREADS) {
        float v = aieng__tof(xr[i]) * sc;
        if (w) v *= w[i];
        yr[i] = aieng__fromf<T>(v);
    }
}

template <typename T>
__global__ void __launch_bounds__(AIENG__ROW_THREADS) aieng__layernorm_k(T *y, const T *x, const float *w, const float *b,
                                                                  int64_t n, float eps) {
    __shared__ float red[32];
    const T *xr = x + (int64_t)blockIdx.x * n;
    T *yr = y + (int64_t)blockIdx.x * n;
    float s = 0.0f;
    for (int64_t i = threadIdx.x; i < n; i += AIENG__ROW_THREADS) s += aieng__tof(xr[i]);
    float mean = aieng__block_sum(s, red) / (float)n;
    float v2 = 0.0f;
    for (int64_t i = threadIdx.x; i < n; i += AIENG__ROW_THREADS) { float d = aieng__tof(xr[i]) - mean; v2 = fmaf(d, d, v2); }
    float rstd = rsqrtf(aieng__block_sum(v2, red) / (float)n + eps);
    for (int64_t i = threadIdx.x; i < n; i += AIENG__ROW_THREADS) {
        float v = (aieng__tof(xr[i]) - mean) * rstd;
        if (w) v *= w[i];
        if (b) v += b[i];
        yr[i] = aieng__fromf<T>(v);
    }
}

/* one thread per (token, pair); the angle in double as aieng_rope_row does */
template <typename T>
__global__ void aieng__rope_k(T *x, int64_t n_tokens, int64_t n_heads, int64_t head_dim, int n_rot, const int32_t *pos,
                              double log2_base, int neox) {
    const int half = n_rot / 2;
    int64_t idx = (int64_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (idx >= n_tokens * half) return;
    int64_t t = idx / half;
    int i = (int)(idx % half);
    double theta = (double)pos[t] * exp2(-2.0 * (double)i / (double)n_rot * log2_base);
    double sd, cd;
    sincos(theta, &sd, &cd);
    float c = (float)cd, s = (float)sd;
    T *row = x + t * n_heads * head_dim;
    for (int64_t h = 0; h < n_heads; h++) {
        T *pa = neox ? row + h * head_dim + i : row + h * head_dim + 2 * i;
        T *pb = neox ? pa + half : pa + 1;
        float x0 = aieng__tof(*pa), x1 = aieng__tof(*pb);
        *pa = aieng__fromf<T>(x0 * c - x1 * s);
        *pb = aieng__fromf<T>(x0 * s + x1 * c);
    }
}

template <typename T> __global__ void aieng__silu_mul_k(T *y, const T *g, const T *u, int64_t n) {
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
        float a = aieng__tof(g[i]);
        y[i] = aieng__fromf<T>(a / (1.0f + expf(-a)) * aieng__tof(u[i]));
    }
}
template <typename T> __global__ void aieng__gelu_k(T *y, const T *x, int64_t n, int exact) {
    for (int64_t i = (int64_t)blockIdx.x * blockDim.x + threadIdx.x; i < n; i += (int64_t)gridDim.x * blockDim.x) {
        float v = aieng__tof(x[i]), r;
        if (exact) r = 0.5f * v * (1.0f + erff(v * 0.70710678118654752f));
        else r = 0.5f * v * (1.0f + tanhf(0.7978845608028654f * (v + 0.044715f * v * v * v)));
        y[i] = aieng__fromf<T>(r);
    }
}

/* ================================================================ flash attention forward */
typedef struct aieng__fa_args {
    const void *q, *k, *v;
    void *o;
    int64_t q_sb, q_sh, q_ss, k_sb, k_sh, k_ss, v_sb, v_sh, v_ss, o_sb, o_sh, o_ss;
    int seq_q, seq_kv, group, causal, stages, n_qblocks;
    float scale_log2;
} aieng__fa_args;

#define AIENG__FBC 64
template <int D, int WARPS> struct aieng__fa_geom {
    static constexpr int BR = 16 * WARPS, LD = D + AIENG__PAD;
    static constexpr size_t Q_BYTES = (size_t)BR * LD * 2, KV_BYTES = (size_t)AIENG__FBC * LD * 2;
    static size_t smem(int stages) { return Q_BYTES + 2 * KV_BYTES * (size_t)stages; }
};

/* Shared by both flash kernels. A thread holds rows row0 and row0 + 8 of its warp's 16: in
   s, NS n8 chunks × 4 scores (s[4·nt + 2·hr + e] is row row0 + 8·hr, key kv0 + 8·nt + 2·tq + e),
   in o, ND chunks × 4 outputs in the same pattern. */
/* this block's query rows (causal: the longest blocks first) and its head's Q, K, V, O */
template <typename T> struct aieng__fa_ptrs {
    const T *Q, *K, *V;
    T *O;
    int q0;
};
template <typename T> static __device__ __forceinline__ aieng__fa_ptrs<T> aieng__fa_block(const aieng__fa_args &p, int BR) {
    aieng__fa_ptrs<T> r;
    const int qb = p.causal ? p.n_qblocks - 1 - (int)blockIdx.x : (int)blockIdx.x;
    const int h = blockIdx.y, b = blockIdx.z, hk = h / p.group;
    r.q0 = qb * BR;
    r.Q = (const T *)p.q + b * p.q_sb + h * p.q_sh;
    r.K = (const T *)p.k + b * p.k_sb + hk * p.k_sh;
    r.V = (const T *)p.v + b * p.v_sb + hk * p.v_sh;
    r.O = (T *)p.o + b * p.o_sb + h * p.o_sh;
    return r;
}
/* key tiles of BC a block of query rows q0 .. q0 + BR - 1 must visit (causal: up to its last key) */
static __device__ __forceinline__ int aieng__fa_ntiles(const aieng__fa_args &p, int q0, int BR, int BC) {
    int n = (p.seq_kv + BC - 1) / BC;
    if (p.causal) {
        int last = min(q0 + BR, p.seq_q) - 1 + (p.seq_kv - p.seq_q); /* largest key any row of the block may see */
        n = last < 0 ? 0 : min(n, last / BC + 1);
    }
    return n;
}
/* 2^x with results below 2^-126 flushed to zero: one MUFU.EX2. exp2f, outside
   -use_fast_math, adds a compare and two predicated multiplies around it to produce
   subnormal results; in the attention softmax those would be P values under 1e-38 of
   the row's largest, and the extra instructions were 102 of the 1136 in the key-tile
   loop of the head-dim-64 wgmma kernel, which the exponentials bound (SASS, sm_90a).
   Every other result is the same bits as exp2f's. */
static __device__ __forceinline__ float aieng__exp2_ftz(float x) {
#if defined(__CUDA_ARCH__)
    float y;
    asm("ex2.approx.ftz.f32 %0, %1;" : "=f"(y) : "f"(x));
    return y;
#else
    return exp2f(x);
#endif
}
/* Online softmax of one tile: masks keys past seq_kv (and after the diagonal when causal),
   turns s into exp2(scaled score − running max), updates the running max and row sums and
   rescales o. FMA_SCALE: s holds raw scores, the max is taken on them and the scale (> 0)
   goes into the exponent's FMA; else s is scaled first (any scale). */
template <int NS, int ND, bool FMA_SCALE, bool DEFER = false>
static __device__ __forceinline__ void aieng__fa_online(float *s, float *o, float *mrow, float *lrow, const aieng__fa_args &p,
                                                        int row0, int kv0, bool need_mask, int tq, float *alpha_out = 0) {
    const int offs = p.seq_kv - p.seq_q;
#pragma unroll
    for (int hr = 0; hr < 2; hr++) {
        const int row = row0 + hr * 8;
        float mx = -INFINITY;
#pragma unroll
        for (int nt = 0; nt < NS; nt++)
#pragma unroll
            for (int e = 0; e < 2; e++) {
                float val = FMA_SCALE ? s[4 * nt + 2 * hr + e] : s[4 * nt + 2 * hr + e] * p.scale_log2;
                if (need_mask) {
                    int col = kv0 + nt * 8 + 2 * tq + e;
                    if (col >= p.seq_kv || (p.causal && col > row + offs)) val = -INFINITY;
                }
                s[4 * nt + 2 * hr + e] = val;
                mx = fmaxf(mx, val);
            }
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 1));
        mx = fmaxf(mx, __shfl_xor_sync(0xffffffffu, mx, 2));
        const float mnew = fmaxf(mrow[hr], FMA_SCALE ? mx * p.scale_log2 : mx);
        const float muse = mnew == -INFINITY ? 0.0f : mnew;
        const float alpha = aieng__exp2_ftz(mrow[hr] - muse);
        float rs = 0.0f;
#pragma unroll
        for (int nt = 0; nt < NS; nt++)
#pragma unroll
            for (int e = 0; e < 2; e++) {
                const float v = s[4 * nt + 2 * hr + e];
                const float pe = aieng__exp2_ftz(FMA_SCALE ? fmaf(v, p.scale_log2, -muse) : v - muse);
                s[4 * nt + 2 * hr + e] = pe;
                rs += pe;
            }
        lrow[hr] = lrow[hr] * alpha + rs;
        mrow[hr] = mnew;
        if (DEFER) {
            alpha_out[hr] = alpha; /* o is still being written: aieng__fa_rescale later */
        } else {
#pragma unroll
            for (int dt = 0; dt < ND; dt++) { o[4 * dt + 2 * hr] *= alpha; o[4 * dt + 2 * hr + 1] *= alpha; }
        }
    }
}
template <int ND> static __device__ __forceinline__ void aieng__fa_rescale(float *o, const float *alpha) {
#pragma unroll
    for (int hr = 0; hr < 2; hr++)
#pragma unroll
        for (int dt = 0; dt < ND; dt++) { o[4 * dt + 2 * hr] *= alpha[hr]; o[4 * dt + 2 * hr + 1] *= alpha[hr]; }
}
/* O rows = o / row sum (zeros for a row that saw no key) */
template <typename T, int ND>
static __device__ __forceinline__ void aieng__fa_store(const aieng__fa_args &p, T *O, const float *o, const float *lrow, int row0,
                                                       int tq) {
#pragma unroll
    for (int hr = 0; hr < 2; hr++) {
        float l = lrow[hr];
        l += __shfl_xor_sync(0xffffffffu, l, 1);
        l += __shfl_xor_sync(0xffffffffu, l, 2);
        const float inv = l > 0.0f ? 1.0f / l : 0.0f;
        const int row = row0 + hr * 8;
        if (row >= p.seq_q) continue;
        T *orow = O + (int64_t)row * p.o_ss;
#pragma unroll
        for (int dt = 0; dt < ND; dt++)
            *reinterpret_cast<uint32_t *>(orow + dt * 8 + 2 * tq) = aieng__pack2<T>(o[4 * dt + 2 * hr] * inv, o[4 * dt + 2 * hr + 1] * inv);
    }
}

template <typename T, int D, int WARPS>
__global__ void __launch_bounds__(WARPS * 32) aieng__flash_fwd(aieng__fa_args p) {
    typedef aieng__fa_geom<D, WARPS> G;
    constexpr int NTHR = WARPS * 32, BR = G::BR, LD = G::LD, BC = AIENG__FBC, NS = BC / 8, ND = D / 8;
    extern __shared__ __align__(16) unsigned char aieng__smem[];
    T *sQ = reinterpret_cast<T *>(aieng__smem);
    T *sK = sQ + BR * LD;                   /* [stages][BC][LD] */
    T *sV = sK + p.stages * BC * LD;        /* [stages][BC][LD] */
    const int tid = threadIdx.x, lane = tid & 31, warp = tid >> 5, gq = lane >> 2, tq = lane & 3;
    const aieng__fa_ptrs<T> blk = aieng__fa_block<T>(p, BR);
    const T *Q = blk.Q, *K = blk.K, *V = blk.V;
    T *O = blk.O;
    const int q0 = blk.q0, offs = p.seq_kv - p.seq_q; /* causal diagonal offset */
    const int n_tiles = aieng__fa_ntiles(p, q0, BR, BC);
    aieng__tile_load<BR, D, LD, NTHR>(sQ, Q, p.q_ss, q0, 0, p.seq_q, D, tid);
    aieng__cp_commit();
    if (n_tiles > 0) {
        aieng__tile_load<BC, D, LD, NTHR>(sK, K, p.k_ss, 0, 0, p.seq_kv, D, tid);
        aieng__tile_load<BC, D, LD, NTHR>(sV, V, p.v_ss, 0, 0, p.seq_kv, D, tid);
        aieng__cp_commit();
    }
    aieng__cp_wait<0>();
    __syncthreads();
    uint32_t qf[D / 16][4];
#pragma unroll
    for (int kd = 0; kd < D / 16; kd++)
        aieng__ldsm_x4(qf[kd], sQ + (warp * 16 + (lane & 7) + ((lane >> 3) & 1) * 8) * LD + kd * 16 + (lane >> 4) * 8);

    float o[ND][4];
#pragma unroll
    for (int i = 0; i < ND; i++) o[i][0] = o[i][1] = o[i][2] = o[i][3] = 0.0f;
    float mrow[2] = {-INFINITY, -INFINITY}, lrow[2] = {0.0f, 0.0f};
    const int row0 = q0 + warp * 16 + gq; /* this thread's rows: row0, row0 + 8 */

    for (int j = 0; j < n_tiles; j++) {
        const int slot = p.stages == 1 ? 0 : (j & 1);
        if (p.stages == 1) {
            if (j > 0) {
                __syncthreads();
                aieng__tile_load<BC, D, LD, NTHR>(sK, K, p.k_ss, (int64_t)j * BC, 0, p.seq_kv, D, tid);
                aieng__tile_load<BC, D, LD, NTHR>(sV, V, p.v_ss, (int64_t)j * BC, 0, p.seq_kv, D, tid);
                aieng__cp_commit();
                aieng__cp_wait<0>();
                __syncthreads();
            }
        } else {
            if (j > 0) { aieng__cp_wait<0>(); __syncthreads(); }
            if (j + 1 < n_tiles) {
                T *k2 = sK + ((j + 1) & 1) * BC * LD, *v2 = sV + ((j + 1) & 1) * BC * LD;
                aieng__tile_load<BC, D, LD, NTHR>(k2, K, p.k_ss, (int64_t)(j + 1) * BC, 0, p.seq_kv, D, tid);
                aieng__tile_load<BC, D, LD, NTHR>(v2, V, p.v_ss, (int64_t)(j + 1) * BC, 0, p.seq_kv, D, tid);
            }
            aieng__cp_commit();
        }
        const T *k = sK + slot * BC * LD, *v = sV + slot * BC * LD;
        float s[NS][4];
#pragma unroll
        for (int i = 0; i < NS; i++) s[i][0] = s[i][1] = s[i][2] = s[i][3] = 0.0f;
#pragma unroll
        for (int kd = 0; kd < D / 16; kd++)
#pragma unroll
            for (int np = 0; np < NS / 2; np++) {
                uint32_t r[4];
                aieng__ldsm_x4(r, k + (np * 16 + (lane & 7) + (lane >> 4) * 8) * LD + kd * 16 + ((lane >> 3) & 1) * 8);
                aieng__mma<T>(s[2 * np], qf[kd], r[0], r[1]);
                aieng__mma<T>(s[2 * np + 1], qf[kd], r[2], r[3]);
            }
        const int kv0 = j * BC;
        const bool need_mask = kv0 + BC > p.seq_kv || (p.causal && kv0 + BC - 1 > q0 + offs);
        if (p.scale_log2 > 0.0f) aieng__fa_online<NS, ND, true>(&s[0][0], &o[0][0], mrow, lrow, p, row0, kv0, need_mask, tq);
        else aieng__fa_online<NS, ND, false>(&s[0][0], &o[0][0], mrow, lrow, p, row0, kv0, need_mask, tq);
        /* O += P·V, P straight from the accumulators */
#pragma unroll
        for (int kc = 0; kc < BC / 16; kc++) {
            uint32_t pa[4];
            pa[0] = aieng__pack2<T>(s[2 * kc][0], s[2 * kc][1]);
            pa[1] = aieng__pack2<T>(s[2 * kc][2], s[2 * kc][3]);
            pa[2] = aieng__pack2<T>(s[2 * kc + 1][0], s[2 * kc + 1][1]);
            pa[3] = aieng__pack2<T>(s[2 * kc + 1][2], s[2 * kc + 1][3]);
#pragma unroll
            for (int dp = 0; dp < D / 16; dp++) {
                uint32_t r[4];
                aieng__ldsm_x4_t(r, v + (kc * 16 + (lane & 7) + ((lane >> 3) & 1) * 8) * LD + dp * 16 + (lane >> 4) * 8);
                aieng__mma<T>(o[2 * dp], pa, r[0], r[1]);
                aieng__mma<T>(o[2 * dp + 1], pa, r[2], r[3]);
            }
        }
    }
    aieng__cp_wait<0>();
    aieng__fa_store<T, ND>(p, O, &o[0][0], lrow, row0, tq);
}

/* ---- flash attention forward on Hopper tensor cores (sm_90a): 128 query rows per block, two
   warpgroups of 64 rows. S = Q·Kᵀ by wgmma from shared memory (Q and K K-major), the online
   softmax on the accumulators, O += P·V by wgmma with P from registers and V MN-major. Q, K and
   V tiles come in by cp.async into the 128-byte-swizzled layout wgmma reads (column blocks of
   64 values, 16-byte chunk c of row r at r·128 + (c ^ r%8)·16); K and V double-buffered. The
   softmax's maximum is taken on the unscaled scores and the scale goes into the exponent's FMA. */
#define AIENG__FW_BR 128
template <int D, int BC> struct aieng__fw_geom {
    static constexpr uint32_t Q_BYTES = AIENG__FW_BR * D * 2, KV_BYTES = BC * D * 2;
    static constexpr size_t SMEM = Q_BYTES + 4 * (size_t)KV_BYTES + 1024;
};
#if AIENG__HAVE_WG && AIENG__HAVE_TMA
#define AIENG__WG_D32 AIENG__WG_D8(0), AIENG__WG_D8(8), AIENG__WG_D8(16), AIENG__WG_D8(24)
#define AIENG__WG_D64 AIENG__WG_D32, AIENG__WG_D8(32), AIENG__WG_D8(40), AIENG__WG_D8(48), AIENG__WG_D8(56)
#define AIENG__WG_R32 "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "                   \
    "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31}"
#define AIENG__WG_R64 "{%0, %1, %2, %3, %4, %5, %6, %7, %8, %9, %10, %11, %12, %13, %14, %15, "                   \
    "%16, %17, %18, %19, %20, %21, %22, %23, %24, %25, %26, %27, %28, %29, %30, %31, "                             \
    "%32, %33, %34, %35, %36, %37, %38, %39, %40, %41, %42, %43, %44, %45, %46, %47, "                             \
    "%48, %49, %50, %51, %52, %53, %54, %55, %56, %57, %58, %59, %60, %61, %62, %63}"
/* ss: D(64×N) += A·B, A and B K-major in shared memory; rs: A (4 registers, the m16n8k16 A
   fragment of each warp's 16 rows) times B MN-major in shared memory */
template <typename T, int N> struct aieng__wgf;
#define AIENG__WGF(TY, TN, N, R, DOPS, SS_TAIL, RS_TAIL)                                                              \
    template <> struct aieng__wgf<TY, N> {                                                                          \
        static __device__ __forceinline__ void ss(float *d, uint64_t da, uint64_t db) {                             \
            asm volatile("wgmma.mma_async.sync.aligned.m64n" #N "k16.f32." TN "." TN " " R SS_TAIL : DOPS          \
                         : "l"(da), "l"(db));                                                                       \
        }                                                                                                           \
        static __device__ __forceinline__ void rs(float *d, const uint32_t *a, uint64_t db) {                       \
            asm volatile("wgmma.mma_async.sync.aligned.m64n" #N "k16.f32." TN "." TN " " R RS_TAIL : DOPS          \
                         : "r"(a[0]), "r"(a[1]), "r"(a[2]), "r"(a[3]), "l"(db));                                    \
        }                                                                                                           \
    };
AIENG__WGF(aieng__f16, "f16", 64, AIENG__WG_R32, AIENG__WG_D32, ", %32, %33, 1, 1, 1, 0, 0;\n", ", {%32, %33, %34, %35}, %36, 1, 1, 1, 1;\n")
AIENG__WGF(aieng__f16, "f16", 128, AIENG__WG_R64, AIENG__WG_D64, ", %64, %65, 1, 1, 1, 0, 0;\n", ", {%64, %65, %66, %67}, %68, 1, 1, 1, 1;\n")
AIENG__WGF(aieng__bf16, "bf16", 64, AIENG__WG_R32, AIENG__WG_D32, ", %32, %33, 1, 1, 1, 0, 0;\n", ", {%32, %33, %34, %35}, %36, 1, 1, 1, 1;\n")
AIENG__WGF(aieng__bf16, "bf16", 128, AIENG__WG_R64, AIENG__WG_D64, ", %64, %65, 1, 1, 1, 0, 0;\n", ", {%64, %65, %66, %67}, %68, 1, 1, 1, 1;\n")

/* ROWS×D tile (rows r0.. of a matrix with row stride ld) into the swizzled layout; rows past rlim are zeros */
template <int ROWS, int D>
static __device__ __forceinline__ void aieng__swz_load(unsigned char *s, const void *g, int64_t ld, int64_t r0, int64_t rlim, int tid) {
    constexpr int CPR = D / 8, N = ROWS * CPR / 256, DR = 256 / CPR; /* 16-byte chunks per row; copies and rows a thread's steps */
    static_assert(ROWS * CPR % 256 == 0 && DR % 8 == 0, "whole steps of 256 threads, the swizzle the same at each");
    /* the thread's chunk column and its swizzle stay the same at every step (DR rows apart, a
       multiple of 8): a fixed trip count and constant strides, no loop in the SASS (the
       head-dim-64 kernel is bound by issued instructions) */
    const int c = tid % CPR, r = tid / CPR;
    unsigned char *dst = s + (c / 8) * (ROWS * 128) + r * 128 + (((c & 7) ^ (r & 7)) << 4);
    const unsigned char *src = (const unsigned char *)g + ((r0 + r) * ld + c * 8) * 2;
#pragma unroll
    for (int it = 0; it < N; it++) {
        const bool ok = r0 + r + it * DR < rlim;
        aieng__cp16(dst + it * DR * 128, ok ? (const void *)(src + it * DR * ld * 2) : g, ok);
    }
}

/* the block's shared memory: Q, two K and two V tiles, 1024-byte aligned (global-space
   pointers for the copies, shared-space addresses for the wgmma descriptors) */
template <int D, int BC> struct aieng__fw_tiles {
    unsigned char *gq, *gk, *gv;
    uint32_t sQ, sK, sV;
    __device__ __forceinline__ explicit aieng__fw_tiles(unsigned char *smem) {
        typedef aieng__fw_geom<D, BC> G;
        const uint32_t raw = aieng__smem_u32(smem), base = (raw + 1023u) & ~1023u;
        gq = smem + (base - raw); gk = gq + G::Q_BYTES; gv = gk + 2 * G::KV_BYTES;
        sQ = base; sK = base + G::Q_BYTES; sV = sK + 2 * G::KV_BYTES;
    }
};
/* issues S (64 rows of warpgroup wg × BC keys) = Q·Kᵀ from the K tile at sk, s zeroed first (no commit) */
template <typename T, int D, int BC>
static __device__ __forceinline__ void aieng__fw_qk(float *s, uint32_t sQ, uint32_t sk, int wg) {
#pragma unroll
    for (int i = 0; i < BC / 2; i++) s[i] = 0.0f;
#pragma unroll
    for (int kk = 0; kk < D / 16; kk++)
        aieng__wgf<T, BC>::ss(s, aieng__wg_desc(sQ + (kk / 4) * (AIENG__FW_BR * 128) + wg * 8192 + (kk % 4) * 32, 16, 1024),
                              aieng__wg_desc(sk + (kk / 4) * (BC * 128) + (kk % 4) * 32, 16, 1024));
}
/* issues O += P·V with P in registers and the V tile at sv (no commit) */
template <typename T, int D, int BC>
static __device__ __forceinline__ void aieng__fw_pv(float *o, const uint32_t (*pa)[4], uint32_t sv) {
#pragma unroll
    for (int kc = 0; kc < BC / 16; kc++) aieng__wgf<T, D>::rs(o, pa[kc], aieng__wg_desc(sv + kc * 2048, BC * 128, 1024));
}
/* P (the softmax's exponentials in s) as the A fragments of P·V */
template <typename T, int BC> static __device__ __forceinline__ void aieng__fw_pack(uint32_t (*pa)[4], const float *s) {
#pragma unroll
    for (int kc = 0; kc < BC / 16; kc++)
#pragma unroll
        for (int e = 0; e < 4; e++) pa[kc][e] = aieng__pack2<T>(s[8 * kc + 2 * e], s[8 * kc + 2 * e + 1]);
}
/* the block's cp.async copies have landed and are visible to wgmma, and every thread is
   past its previous step (so the slots it read may be loaded again) */
static __device__ __forceinline__ void aieng__fw_ready(void) {
    aieng__cp_wait<0>();
    asm volatile("fence.proxy.async.shared::cta;\n" ::: "memory"); /* cp.async data -> wgmma reads */
    __syncthreads();
}
#endif

/* BC keys per tile; MINB blocks per SM (2: registers capped so that two blocks overlap each
   other's softmax and matrix products). p.scale_log2 > 0 (the host sends other scales elsewhere).
   Each key tile: S = Q·Kᵀ, the online softmax, O += P·V, with the next K and V tiles loading
   into the other slots meanwhile.
   PIPE (attn_tile 6; FlashAttention-3's intra-warpgroup pipelining): S_{j+1} = Q·K_{j+1}ᵀ is
   issued right before O += P_j·V_j, and the softmax of S_{j+1} runs while P_j·V_j is on the
   tensor cores; O is rescaled once that product is done. K runs a tile ahead of V: step j
   reads K_{j+1} and V_j and loads K_{j+2} and V_{j+1} into the slots step j − 1 freed. The
   same sums in the same order (not checked bitwise: a variant to time). */
template <typename T, int D, int BC, int MINB, bool PIPE>
__global__ void __launch_bounds__(256, MINB) aieng__flash_wg(aieng__fa_args p) {
#if AIENG__HAVE_WG && AIENG__HAVE_TMA
    typedef aieng__fw_geom<D, BC> G;
    constexpr int BR = AIENG__FW_BR, NS = BC / 8, ND = D / 8;
    extern __shared__ __align__(16) unsigned char aieng__smem[];
    const aieng__fw_tiles<D, BC> sm(aieng__smem);
    unsigned char *const gk = sm.gk, *const gv = sm.gv;
    const uint32_t sQ = sm.sQ, sK = sm.sK, sV = sm.sV;
    const int tid = threadIdx.x, wg = tid / 128, w = (tid / 32) % 4, lane = tid & 31, gq = lane >> 2, tq = lane & 3;
    const aieng__fa_ptrs<T> blk = aieng__fa_block<T>(p, BR);
    const T *K = blk.K, *V = blk.V;
    const int q0 = blk.q0, offs = p.seq_kv - p.seq_q;
    const int n_tiles = aieng__fa_ntiles(p, q0, BR, BC);
    aieng__swz_load<BR, D>(sm.gq, blk.Q, p.q_ss, q0, p.seq_q, tid);
    if (n_tiles > 0) {
        aieng__swz_load<BC, D>(gk, K, p.k_ss, 0, p.seq_kv, tid);
        aieng__swz_load<BC, D>(gv, V, p.v_ss, 0, p.seq_kv, tid);
        if (PIPE && n_tiles > 1) aieng__swz_load<BC, D>(gk + G::KV_BYTES, K, p.k_ss, BC, p.seq_kv, tid);
    }
    aieng__cp_commit();
    float o[D / 2];
#pragma unroll
    for (int i = 0; i < D / 2; i++) o[i] = 0.0f;
    float mrow[2] = {-INFINITY, -INFINITY}, lrow[2] = {0.0f, 0.0f};
    const int row0 = q0 + wg * 64 + w * 16 + gq; /* this thread's rows: row0, row0 + 8 */
    float s[BC / 2];
    uint32_t pa[BC / 16][4];
    if (!PIPE) {
        for (int j = 0; j < n_tiles; j++) {
            const int slot = j & 1;
            aieng__fw_ready();
            if (j + 1 < n_tiles) {
                aieng__swz_load<BC, D>(gk + ((j + 1) & 1) * G::KV_BYTES, K, p.k_ss, (int64_t)(j + 1) * BC, p.seq_kv, tid);
                aieng__swz_load<BC, D>(gv + ((j + 1) & 1) * G::KV_BYTES, V, p.v_ss, (int64_t)(j + 1) * BC, p.seq_kv, tid);
            }
            aieng__cp_commit();
            aieng__wg_fence();
            aieng__fw_qk<T, D, BC>(s, sQ, sK + slot * G::KV_BYTES, wg);
            aieng__wg_commit();
            aieng__wg_wait<0>();
            const int kv0 = j * BC;
            const bool need_mask = kv0 + BC > p.seq_kv || (p.causal && kv0 + BC - 1 > q0 + offs);
            aieng__fa_online<NS, ND, true>(s, o, mrow, lrow, p, row0, kv0, need_mask, tq);
            aieng__fw_pack<T, BC>(pa, s);
            aieng__wg_fence();
            aieng__fw_pv<T, D, BC>(o, pa, sV + slot * G::KV_BYTES);
            aieng__wg_commit();
            aieng__wg_wait<0>();
        }
    } else if (n_tiles > 0) {
        float alpha[2];
        aieng__fw_ready(); /* the first tile: S_0 and its softmax alone */
        aieng__wg_fence();
        aieng__fw_qk<T, D, BC>(s, sQ, sK, wg);
        aieng__wg_commit();
        aieng__wg_wait<0>();
        aieng__fa_online<NS, ND, true>(s, o, mrow, lrow, p, row0, 0, BC > p.seq_kv || (p.causal && BC - 1 > q0 + offs), tq);
        aieng__fw_pack<T, BC>(pa, s);
        /* every tile but the last: S_{j+1} and P_j·V_j in flight together (no branch around a
           wgmma, so that ptxas can follow the two commit groups) */
        for (int j = 0; j + 1 < n_tiles; j++) {
            aieng__fw_ready(); /* V_j and K_{j+1} are in; everybody is done with V_{j-1} and K_j */
            aieng__swz_load<BC, D>(gv + ((j + 1) & 1) * G::KV_BYTES, V, p.v_ss, (int64_t)(j + 1) * BC, p.seq_kv, tid);
            if (j + 2 < n_tiles) aieng__swz_load<BC, D>(gk + (j & 1) * G::KV_BYTES, K, p.k_ss, (int64_t)(j + 2) * BC, p.seq_kv, tid);
            aieng__cp_commit();
            aieng__wg_fence();
            aieng__fw_qk<T, D, BC>(s, sQ, sK + ((j + 1) & 1) * G::KV_BYTES, wg);
            aieng__wg_commit();
            aieng__fw_pv<T, D, BC>(o, pa, sV + (j & 1) * G::KV_BYTES);
            aieng__wg_commit();
            aieng__wg_wait<1>(); /* S_{j+1} is done, P_j·V_j may run on */
            const int kv0 = (j + 1) * BC;
            const bool need_mask = kv0 + BC > p.seq_kv || (p.causal && kv0 + BC - 1 > q0 + offs);
            aieng__fa_online<NS, ND, true, true>(s, o, mrow, lrow, p, row0, kv0, need_mask, tq, alpha);
            aieng__wg_wait<0>();
            aieng__fa_rescale<ND>(o, alpha);
            aieng__fw_pack<T, BC>(pa, s);
        }
        aieng__fw_ready(); /* the last tile: P·V alone */
        aieng__wg_fence();
        aieng__fw_pv<T, D, BC>(o, pa, sV + ((n_tiles - 1) & 1) * G::KV_BYTES);
        aieng__wg_commit();
        aieng__wg_wait<0>();
    }
    aieng__cp_wait<0>();
    aieng__fa_store<T, ND>(p, blk.O, o, lrow, row0, tq);
#else
    (void)p;
    __trap(); /* never launched: the host asks aieng__wg_probe first */
#endif
}

/* ================================================================ paged-KV decode */
typedef struct aieng__pd_args {
    const void *q, *kc, *vc;
    const int32_t *bt, *lens;
    void *o;
    float *part; /* [batch][n_head][nsplit][D + 2] (m, l, o...) when nsplit > 1 */
    int n_head, n_head_kv, group, ngroups, block_size, num_blocks, max_blocks, split_len, nsplit;
    float scale_log2;
} aieng__pd_args;
#define AIENG__PD_WARPS 4
#define AIENG__PD_G 8 /* query heads per thread block */

template <typename T, int D>
__global__ void __launch_bounds__(AIENG__PD_WARPS * 32) aieng__paged_k(aieng__pd_args p) {
    constexpr int E = D / 32; /* values per lane */
    __shared__ float sm[AIENG__PD_WARPS][AIENG__PD_G], sl[AIENG__PD_WARPS][AIENG__PD_G];
    __shared__ float so[AIENG__PD_WARPS][AIENG__PD_G][D];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int split = blockIdx.x, b = blockIdx.z;
    const int hk = blockIdx.y / p.ngroups, g0 = (blockIdx.y % p.ngroups) * AIENG__PD_G;
    const int gn = min(AIENG__PD_G, p.group - g0);
    int len = p.lens[b];
    len = max(0, min(len, p.max_blocks * p.block_size));
    const int start = split * p.split_len, end = min(len, start + p.split_len);
    float qr[AIENG__PD_G][E], acc[AIENG__PD_G][E], m[AIENG__PD_G], l[AIENG__PD_G];
#pragma unroll
    for (int g = 0; g < AIENG__PD_G; g++) {
        m[g] = -INFINITY;
        l[g] = 0.0f;
#pragma unroll
        for (int e = 0; e < E; e++) {
            acc[g][e] = 0.0f;
            qr[g][e] = g < gn ? aieng__tof(((const T *)p.q)[((int64_t)b * p.n_head + hk * p.group + g0 + g) * D + lane * E + e]) * p.scale_log2 : 0.0f;
        }
    }
    const int32_t *bt = p.bt + (int64_t)b * p.max_blocks;
    for (int j = start + warp; j < end; j += AIENG__PD_WARPS) {
        int page = bt[j / p.block_size];
        if (page < 0 || page >= p.num_blocks) continue;
        int64_t off = (((int64_t)page * p.block_size + j % p.block_size) * p.n_head_kv + hk) * D + lane * E;
        const T *kr = (const T *)p.kc + off, *vr = (const T *)p.vc + off;
        float kv[E], vv[E];
#pragma unroll
        for (int e = 0; e < E; e++) { kv[e] = aieng__tof(kr[e]); vv[e] = aieng__tof(vr[e]); }
#pragma unroll
        for (int g = 0; g < AIENG__PD_G; g++) {
            if (g >= gn) break;
            float d = 0.0f;
#pragma unroll
            for (int e = 0; e < E; e++) d = fmaf(qr[g][e], kv[e], d);
            d = aieng__warp_sum(d);
            float mn = fmaxf(m[g], d), a = exp2f(m[g] - mn), pe = exp2f(d - mn);
            l[g] = l[g] * a + pe;
            m[g] = mn;
#pragma unroll
            for (int e = 0; e < E; e++) acc[g][e] = acc[g][e] * a + pe * vv[e];
        }
    }
#pragma unroll
    for (int g = 0; g < AIENG__PD_G; g++) {
        if (lane == 0) { sm[warp][g] = m[g]; sl[warp][g] = l[g]; }
#pragma unroll
        for (int e = 0; e < E; e++) so[warp][g][lane * E + e] = acc[g][e];
    }
    __syncthreads();
    /* combine the warps in order; thread t handles (g, d) pairs */
    for (int i = threadIdx.x; i < gn * D; i += AIENG__PD_WARPS * 32) {
        int g = i / D, d = i % D;
        float M = -INFINITY;
        for (int w = 0; w < AIENG__PD_WARPS; w++) M = fmaxf(M, sm[w][g]);
        float L = 0.0f, Ov = 0.0f;
        if (M != -INFINITY)
            for (int w = 0; w < AIENG__PD_WARPS; w++) {
                float a = exp2f(sm[w][g] - M);
                L += sl[w][g] * a;
                Ov += so[w][g][d] * a;
            }
        const int64_t head = (int64_t)b * p.n_head + hk * p.group + g0 + g;
        if (p.nsplit == 1) {
            ((T *)p.o)[head * D + d] = aieng__fromf<T>(L > 0.0f ? Ov / L : 0.0f);
        } else {
            float *pp = p.part + (head * p.nsplit + split) * (D + 2);
            if (d == 0) { pp[0] = M; pp[1] = L; }
            pp[2 + d] = Ov;
        }
    }
}
template <typename T, int D> __global__ void aieng__paged_combine(aieng__pd_args p) {
    const int64_t head = (int64_t)blockIdx.y * p.n_head + blockIdx.x;
    const float *pp = p.part + head * p.nsplit * (D + 2);
    for (int d = threadIdx.x; d < D; d += blockDim.x) {
        float M = -INFINITY;
        for (int s = 0; s < p.nsplit; s++) M = fmaxf(M, pp[s * (D + 2)]);
        float L = 0.0f, Ov = 0.0f;
        if (M != -INFINITY)
            for (int s = 0; s < p.nsplit; s++) {
                float a = exp2f(pp[s * (D + 2)] - M);
                L += pp[s * (D + 2) + 1] * a;
                Ov += pp[s * (D + 2) + 2 + d] * a;
            }
        ((T *)p.o)[head * D + d] = aieng__fromf<T>(L > 0.0f ? Ov / L : 0.0f);
    }
}

/* ================================================================ quantized matvec (GGUF blocks)
   y = W·x. A warp owns R consecutive rows (R = 8, 4 or 1, chosen on the host from M and
   the SM count: 8 while that still gives every SM two blocks; Q6_K at most 4, as 8 rows
   would take 168 registers). Lane l takes sub-block l % LPB of blocks l / LPB,
   l / LPB + 32 / LPB, ... of each of its rows: it loads the slice of x it needs once
   (float4) with the row-independent sums of that slice, and uses it for the R rows; a
   butterfly then sums the 32 lanes. Per row the order is: each lane adds its blocks in
   increasing order (each block's share computed as written in its unit), then
   aieng__warp_sum; R, the grid and the SM count play no part (DETERMINISM; the tests
   check bitwise equality across R and across W's alignment). Products that meet a sum
   are written as fmaf / __fmul_rn / __fadd_rn, so that no instantiation is left to
   the compiler's contraction.
   Cost model (H100: an SM's L1 serves ~one 128-byte line a clock to a warp-wide load,
   one "wavefront" per line it touches; 4 warp instructions a clock; int->float
   conversions at 16 a clock). 80 % of the 3 TB/s copy at ~1.98 GHz is ~9.2 weight
   bytes per SM and clock, i.e. ~16 weights a clock for the 4-bit types. The old
   kernel (one row per warp, 2-byte loads, x per row, I2F per weight) fits this model
   within 10 % for three types: Q8_0 31 wavefronts per 272 weight bytes (8.8 B/wf:
   2.3 TB/s; measured 2266 GB/s), Q6_K 118 per 840 (7.1: 1.86; 1809), Q4_K 164 per 576
   (3.5: 0.92; 839); Q4_0 (22 per 144: 1.7; 1373) and Q4_1 (20 per 160: 2.1; 1806) ran
   below it (instruction-bound: I2F and unpacking). Now:
   - x costs a wavefront per line per R rows: Q8_0/Q4_0/Q4_1 16 per 8 blocks, Q4_K 128
     per 4 blocks (each lane's 16-float runs sit in 4 lines), Q6_K 16 per 2 blocks;
   - weight loads: 4-byte words where the layout allows (Q4_1), three aligned words and
     funnel shifts per 8 bytes of 2-byte aligned blocks (Q8_0), 16-byte loads for Q4_K
     when W is 16-byte aligned (else words; the same arithmetic, the same bits);
     Q6_K with 16 lanes a block, 4-byte pieces (ql, ql+32, qh) so a load touches 2
     blocks, not 4;
   - estimated wavefronts per row: Q8_0 12 + 16/8 per 272 B (19 B/wf), Q4_0 6 + 2 per
     144 (18), Q4_1 4 + 2 per 160 (27), Q4_K 9 + 128/8 per 576 (23; 4-byte aligned W:
     ~40 + 16), Q6_K ~28 + 16/4 per 420 (13): all above the ~9.2 needed;
   - no I2F per weight: a byte permute builds the float. Q8_0: 2^23 + (q + 128), minus a
     constant (PRMT, FADD, FFMA a weight). 4-bit q and 6-bit v: the byte 8q or 2v under
     the exponent of 1/2 gives 1/2 + q/32 (1/2 + v/128) exactly, one PRMT and one FFMA
     a weight, and Σ q·x = 32·S − 16·Σx with the slice's Σx shared by the rows (the
     cancellation costs a few bits against 24-bit sums of 8..32 terms; the tests' bound
     is 1e-4 of Σ|w·x|). ~4 instructions a 4-bit weight with the per-block work, about
     half of the issue rate at 16 weights a clock;
   - Q4_K's sub-block scales come from word operations (no byte array indexed by lane,
     which put the scales in local memory);
   - bytes in flight: R rows of independent loads a lane (unrolled 4/2/1 for R = 1/4/8);
     M = 16384: 512 blocks of 4 warps at R = 8 (<= 128 registers: 4+ blocks an SM, one
     wave), Q6_K 1024 at R = 4. */
static __device__ __forceinline__ float aieng__h2f_bits(uint16_t h) { return __half2float(__ushort_as_half(h)); }
/* byte k (0..3, may be run-time) of w as a float minus bias (bias = 2^23 + offset): exact */
static __device__ __forceinline__ float aieng__bytef(uint32_t w, uint32_t k, float bias) {
    return __uint_as_float(__byte_perm(w, 0x4B000000u, 0x7540u + k)) - bias;
}
#define AIENG__MAG 8388608.0f
/* one value of a block: read-only global load, or (SH) shared memory, where the staged
   kernel put the block at the same address modulo 16 */
template <bool SH, typename T> static __device__ __forceinline__ T aieng__mvld(const T *p) {
    if (SH) return *p;
    return __ldg(p);
}
/* 8 bytes at a 2-byte aligned address as two little-endian words: three aligned 4-byte
   loads (the third one only past p + 8 when p is not 4-byte aligned) and funnel shifts */
template <bool SH> static __device__ __forceinline__ void aieng__ld8u(uint32_t &lo, uint32_t &hi, const uint8_t *p) {
    const uintptr_t a = (uintptr_t)p;
    const uint32_t mis = (uint32_t)(a & 2u);
    /* (shared memory: from p, so that the compiler still knows the address space) */
    const uint32_t *u = SH ? reinterpret_cast<const uint32_t *>(p - mis) : reinterpret_cast<const uint32_t *>(a - mis);
    const uint32_t w0 = aieng__mvld<SH>(u), w1 = aieng__mvld<SH>(u + 1), w2 = aieng__mvld<SH>(u + 1 + (mis >> 1));
    lo = __funnelshift_r(w0, w1, mis * 8u);
    hi = __funnelshift_r(w1, w2, mis * 8u);
}
/* 4 bytes at a 2-byte aligned address */
template <bool SH> static __device__ __forceinline__ uint32_t aieng__ld4u(const uint8_t *p) {
    const uint16_t *u = reinterpret_cast<const uint16_t *>(p);
    return (uint32_t)aieng__mvld<SH>(u) | ((uint32_t)aieng__mvld<SH>(u + 1) << 16);
}
/* 16 bytes at a 4-byte (V16: 16-byte) aligned address */
template <bool V16, bool SH> static __device__ __forceinline__ void aieng__ld16(uint32_t w[4], const uint8_t *p) {
    if (V16) {
        const uint4 v = aieng__mvld<SH>(reinterpret_cast<const uint4 *>(p));
        w[0] = v.x; w[1] = v.y; w[2] = v.z; w[3] = v.w;
    } else {
        const uint32_t *u = reinterpret_cast<const uint32_t *>(p);
#pragma unroll
        for (int i = 0; i < 4; i++) w[i] = aieng__mvld<SH>(u + i);
    }
}
static __device__ __forceinline__ void aieng__ldx4(float *xv, const float *x) {
    float4 a = __ldg(reinterpret_cast<const float4 *>(x));
    xv[0] = a.x; xv[1] = a.y; xv[2] = a.z; xv[3] = a.w;
}
/* sum of w's 4 bytes, each as a float minus bias, times x[0..3] */
static __device__ __forceinline__ float aieng__dot4(uint32_t w, const float *x, float bias, float acc) {
#pragma unroll
    for (int i = 0; i < 4; i++) acc = fmaf(aieng__bytef(w, (uint32_t)i, bias), x[i], acc);
    return acc;
}

/* Σ (1/2 + b_i/256)·x_i + acc over w's 4 bytes b_i < 128: a byte permute puts b_i under
   the exponent of 1/2 (bits 0x3F, b_i, 0, 0), exact, so one FFMA a weight. With b = 8q
   (4-bit q) Σ q·x = 32·S − 16·Σx, with b = 2v (6-bit v) Σ v·x = 128·S − 64·Σx; Σx is
   the lane's sum of its x slice, computed once for all rows. */
static __device__ __forceinline__ float aieng__dot4h(uint32_t w, const float *x, float acc) {
#pragma unroll
    for (int i = 0; i < 4; i++) acc = fmaf(__uint_as_float(__byte_perm(w, 0x3F000000u, 0x7054u | ((uint32_t)i << 8))), x[i], acc);
    return acc;
}

/* One lane's share ("unit") of one block. X holds the lane's slice of x (loaded once,
   shared by the warp's rows); dot returns the lane's part of the block's dot product. */
template <int QT> struct aieng__qunit;
template <> struct aieng__qunit<AIENG_CUDA_Q8_0> {
    enum { QK = 32, BYTES = 34, LPB = 4, MAXR = 8, UNR4 = 2 };
    struct X { float v[8]; };
    static __device__ __forceinline__ void loadx(X &xs, const float *x, int s) {
        aieng__ldx4(xs.v, x + 8 * s);
        aieng__ldx4(xs.v + 4, x + 8 * s + 4);
    }
    template <bool V16, bool SH> static __device__ __forceinline__ float dot(const uint8_t *blk, const X &xs, int s) {
        const float d = aieng__h2f_bits(aieng__mvld<SH>(reinterpret_cast<const uint16_t *>(blk)));
        uint32_t q0, q1;
        aieng__ld8u<SH>(q0, q1, blk + 2 + 8 * s);
        /* int8 -> q + 128 in 0..255 */
        float sum = aieng__dot4(q0 ^ 0x80808080u, xs.v, AIENG__MAG + 128.0f, 0.0f);
        sum = aieng__dot4(q1 ^ 0x80808080u, xs.v + 4, AIENG__MAG + 128.0f, sum);
        return __fmul_rn(d, sum);
    }
};
template <> struct aieng__qunit<AIENG_CUDA_Q4_0> {
    enum { QK = 32, BYTES = 18, LPB = 4, MAXR = 8, UNR4 = 4 };
    struct X { float lo[4], hi[4], s24; };
    static __device__ __forceinline__ void loadx(X &xs, const float *x, int s) {
        aieng__ldx4(xs.lo, x + 4 * s);
        aieng__ldx4(xs.hi, x + 16 + 4 * s);
        float t = 0.0f;
#pragma unroll
        for (int i = 0; i < 4; i++) t += xs.lo[i] + xs.hi[i];
        xs.s24 = -24.0f * t;
    }
    template <bool V16, bool SH> static __device__ __forceinline__ float dot(const uint8_t *blk, const X &xs, int s) {
        const float d = aieng__h2f_bits(aieng__mvld<SH>(reinterpret_cast<const uint16_t *>(blk)));
        const uint32_t q = aieng__ld4u<SH>(blk + 2 + 4 * s);
        float sum = aieng__dot4h((q << 3) & 0x78787878u, xs.lo, 0.0f);
        sum = aieng__dot4h((q >> 1) & 0x78787878u, xs.hi, sum);
        return __fmul_rn(d, fmaf(32.0f, sum, xs.s24)); /* Σ (q − 8)·x = 32·S − 24·Σx */
    }
};
template <> struct aieng__qunit<AIENG_CUDA_Q4_1> {
    enum { QK = 32, BYTES = 20, LPB = 4, MAXR = 8, UNR4 = 4 };
    struct X { float lo[4], hi[4], sum, s16; };
    static __device__ __forceinline__ void loadx(X &xs, const float *x, int s) {
        aieng__ldx4(xs.lo, x + 4 * s);
        aieng__ldx4(xs.hi, x + 16 + 4 * s);
        float t = 0.0f;
#pragma unroll
        for (int i = 0; i < 4; i++) t += xs.lo[i] + xs.hi[i];
        xs.sum = t;
        xs.s16 = -16.0f * t;
    }
    template <bool V16, bool SH> static __device__ __forceinline__ float dot(const uint8_t *blk, const X &xs, int s) {
        const uint32_t *u = reinterpret_cast<const uint32_t *>(blk);
        const uint32_t dm = aieng__mvld<SH>(u), q = aieng__mvld<SH>(u + 1 + s);
        const float d = aieng__h2f_bits((uint16_t)(dm & 0xffff)), m = aieng__h2f_bits((uint16_t)(dm >> 16));
        float sq = aieng__dot4h((q << 3) & 0x78787878u, xs.lo, 0.0f);
        sq = aieng__dot4h((q >> 1) & 0x78787878u, xs.hi, sq);
        return fmaf(d, fmaf(32.0f, sq, xs.s16), __fmul_rn(m, xs.sum));
    }
};
template <> struct aieng__qunit<AIENG_CUDA_Q4_K> {
    enum { QK = 256, BYTES = 144, LPB = 8, MAXR = 8, UNR4 = 2 };
    /* lane s: 64-chunk c = s / 2, bytes 16·(s % 2) .. +15 of its 32 quant bytes:
       low nibbles -> x[64c + 16(s%2) + i], high nibbles -> x[64c + 32 + 16(s%2) + i] */
    struct X { float lo[16], hi[16], slo, shi, lo16, hi16; };
    static __device__ __forceinline__ void loadx(X &xs, const float *x, int s) {
        const float *xb = x + 64 * (s >> 1) + 16 * (s & 1);
        float a = 0.0f, b = 0.0f;
#pragma unroll
        for (int w = 0; w < 4; w++) {
            aieng__ldx4(xs.lo + 4 * w, xb + 4 * w);
            aieng__ldx4(xs.hi + 4 * w, xb + 32 + 4 * w);
        }
#pragma unroll
        for (int i = 0; i < 16; i++) { a += xs.lo[i]; b += xs.hi[i]; }
        xs.slo = a;
        xs.shi = b;
        xs.lo16 = -16.0f * a;
        xs.hi16 = -16.0f * b;
    }
    template <bool V16, bool SH> static __device__ __forceinline__ float dot(const uint8_t *blk, const X &xs, int s) {
        uint32_t h[4], q[4];
        aieng__ld16<V16, SH>(h, blk); /* d, dmin, 12 bytes of 6-bit scales and mins */
        aieng__ld16<V16, SH>(q, blk + 16 + 16 * s);
        const float d = aieng__h2f_bits((uint16_t)(h[0] & 0xffff)), dmin = aieng__h2f_bits((uint16_t)(h[0] >> 16));
        /* sub-blocks 2c, 2c+1: bytes 2(c%2), 2(c%2)+1 of sw (scales) and mw (mins) */
        const int c = s >> 1;
        const uint32_t sw = c < 2 ? h[1] & 0x3f3f3f3fu : (h[3] & 0x0f0f0f0fu) | ((h[1] >> 2) & 0x30303030u);
        const uint32_t mw = c < 2 ? h[2] & 0x3f3f3f3fu : ((h[3] >> 4) & 0x0f0f0f0fu) | ((h[2] >> 2) & 0x30303030u);
        const uint32_t k = 2u * (uint32_t)(c & 1);
        const float s0 = aieng__bytef(sw, k, AIENG__MAG), s1 = aieng__bytef(sw, k + 1u, AIENG__MAG);
        const float m0 = aieng__bytef(mw, k, AIENG__MAG), m1 = aieng__bytef(mw, k + 1u, AIENG__MAG);
        float lo = 0.0f, hi = 0.0f;
#pragma unroll
        for (int w = 0; w < 4; w++) {
            lo = aieng__dot4h((q[w] << 3) & 0x78787878u, xs.lo + 4 * w, lo);
            hi = aieng__dot4h((q[w] >> 1) & 0x78787878u, xs.hi + 4 * w, hi);
        }
        lo = fmaf(32.0f, lo, xs.lo16); /* Σ q·x */
        hi = fmaf(32.0f, hi, xs.hi16);
        return fmaf(d, fmaf(s0, lo, __fmul_rn(s1, hi)), -__fmul_rn(dmin, fmaf(m0, xs.slo, __fmul_rn(m1, xs.shi))));
    }
};
template <> struct aieng__qunit<AIENG_CUDA_Q6_K> {
    enum { QK = 256, BYTES = 210, LPB = 16, MAXR = 4, UNR4 = 1 }; /* 8 rows would take 168 registers */
    /* lane s: half hh = s / 8, l = 4(s%8) .. +3 of 32: x[128hh + 32j + l] for j = 0..3,
       from ql bytes 64hh + l (j = 0, 2) and 64hh + 32 + l (j = 1, 3), qh bytes 128 + 32hh + l */
    struct X { float v[4][4], s96[4]; };
    static __device__ __forceinline__ void loadx(X &xs, const float *x, int s) {
        const float *xb = x + 128 * (s >> 3) + 4 * (s & 7);
#pragma unroll
        for (int j = 0; j < 4; j++) {
            aieng__ldx4(xs.v[j], xb + 32 * j);
            xs.s96[j] = -96.0f * ((xs.v[j][0] + xs.v[j][1]) + (xs.v[j][2] + xs.v[j][3]));
        }
    }
    template <bool V16, bool SH> static __device__ __forceinline__ float dot(const uint8_t *blk, const X &xs, int s) {
        const int hh = s >> 3, l = 4 * (s & 7);
        const uint32_t a = aieng__ld4u<SH>(blk + 64 * hh + l), b = aieng__ld4u<SH>(blk + 64 * hh + 32 + l);
        const uint32_t h = aieng__ld4u<SH>(blk + 128 + 32 * hh + l);
        uint32_t sc0, sc1;
        aieng__ld8u<SH>(sc0, sc1, blk + 192 + 8 * hh); /* int8 scales; this lane's: is, is+2, is+4, is+6 */
        const float d = aieng__h2f_bits(aieng__mvld<SH>(reinterpret_cast<const uint16_t *>(blk + 208)));
        const uint32_t is = (uint32_t)(l >> 4);
        sc0 ^= 0x80808080u;
        sc1 ^= 0x80808080u;
        const float f0 = aieng__bytef(sc0, is, AIENG__MAG + 128.0f), f1 = aieng__bytef(sc0, is + 2u, AIENG__MAG + 128.0f);
        const float f2 = aieng__bytef(sc1, is, AIENG__MAG + 128.0f), f3 = aieng__bytef(sc1, is + 2u, AIENG__MAG + 128.0f);
        /* 6-bit values v = 0..63 as bytes 2v; Σ (v − 32)·x = 128·S − 96·Σx */
        const float a0 = fmaf(128.0f, aieng__dot4h(((a << 1) & 0x1e1e1e1eu) | ((h << 5) & 0x60606060u), xs.v[0], 0.0f), xs.s96[0]);
        const float a1 = fmaf(128.0f, aieng__dot4h(((b << 1) & 0x1e1e1e1eu) | ((h << 3) & 0x60606060u), xs.v[1], 0.0f), xs.s96[1]);
        const float a2 = fmaf(128.0f, aieng__dot4h(((a >> 3) & 0x1e1e1e1eu) | ((h << 1) & 0x60606060u), xs.v[2], 0.0f), xs.s96[2]);
        const float a3 = fmaf(128.0f, aieng__dot4h(((b >> 3) & 0x1e1e1e1eu) | ((h >> 1) & 0x60606060u), xs.v[3], 0.0f), xs.s96[3]);
        return __fmul_rn(d, fmaf(f3, a3, fmaf(f2, a2, fmaf(f1, a1, __fmul_rn(f0, a0)))));
    }
};

/* a warp's rows row0 .. row0 + R − 1: rows past M repeat the last one (loaded, not stored) */
template <int R>
static __device__ __forceinline__ void aieng__mv_rows(const uint8_t *(&wr)[R], float (&acc)[R], const uint8_t *W, int64_t row0,
                                                      int64_t M, int64_t rb) {
#pragma unroll
    for (int r = 0; r < R; r++) {
        wr[r] = W + (row0 + r < M ? row0 + r : M - 1) * rb;
        acc[r] = 0.0f;
    }
}
/* sums the lanes' shares (aieng__warp_sum) and stores the rows below M */
template <int R> static __device__ __forceinline__ void aieng__mv_store(float (&acc)[R], float *y, int64_t row0, int64_t M, int lane) {
#pragma unroll
    for (int r = 0; r < R; r++) acc[r] = aieng__warp_sum(acc[r]);
    if (lane == 0) {
#pragma unroll
        for (int r = 0; r < R; r++)
            if (row0 + r < M) y[row0 + r] = acc[r];
    }
}

#define AIENG__MV_WARPS 4
/* blocks in flight per lane: at 4 rows per warp the type's UNR4 (H100, 16384², GB/s for
   unroll 1/2/4: Q4_0 1204/2047/2125, Q4_1 1945/1806/2075, Q4_K 1704/2380/2277, Q6_K
   2012/1851/1631: more loads in flight against fewer registers), else 4 (8 rows: 1) */
template <int QT, int R, bool V16>
__global__ void __launch_bounds__(AIENG__MV_WARPS * 32) aieng__matvec_q(const uint8_t *W, int64_t M, int64_t K, const float *x,
                                                                        float *y) {
    typedef aieng__qunit<QT> U;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int64_t row0 = ((int64_t)blockIdx.x * AIENG__MV_WARPS + warp) * R;
    if (row0 >= M) return;
    const int64_t nb = K / U::QK, rb = nb * U::BYTES;
    const int sub = lane % U::LPB;
    const uint8_t *wr[R];
    float acc[R];
    aieng__mv_rows<R>(wr, acc, W, row0, M, rb);
    constexpr int UNR = R >= 8 ? 1 : R >= 4 ? (int)U::UNR4 : 4;
#pragma unroll(UNR) /* loads of several blocks in flight */
    for (int64_t blk = lane / U::LPB; blk < nb; blk += 32 / U::LPB) {
        typename U::X xs;
        U::loadx(xs, x + blk * U::QK, sub);
#pragma unroll
        for (int r = 0; r < R; r++) acc[r] = __fadd_rn(acc[r], U::template dot<V16, false>(wr[r] + blk * U::BYTES, xs, sub));
    }
    aieng__mv_store<R>(acc, y, row0, M, lane);
}

/* Staged variant (config.matvec_variant 2 and 3: S = 2 or 3 slots). The same lanes, blocks
   and order of sums as aieng__matvec_q, so bitwise the same y; only the way the weight
   bytes arrive differs. Each warp copies its R rows, CB blocks a row at a time, into its
   own ring of S slots in shared memory with 16-byte cp.async: every 16-byte aligned
   granule that holds a byte of a row's CB blocks, lanes on consecutive granules, so the
   global reads are wide and coalesced whatever the block size (18, 20, 34, 210 bytes:
   only 2-byte aligned) and S − 1 chunks stay in flight while the warp works on one.
   A granule reaching outside W (its first or last one when W or its end is not
   16-byte aligned) is copied byte by byte instead. The blocks keep their address modulo
   16 in the slot, so the units read them from shared memory as they would from global
   memory (dot<V16 = false, SH = true>). CB is a multiple of the blocks a warp covers in
   one step (32 / LPB), about AIENG_CUDA_MV_CHUNK = 4 KiB a warp a slot: Q8_0 120/24/8 blocks for R = 1/4/8,
   Q4_0 224/56/24, Q4_1 200/48/24, Q4_K 28/4/4, Q6_K 18/4 (R = 1/4). A slot row holds
   CB·BYTES plus the offset (< 16) and 16 bytes that aieng__ld8u may read past the end. */
#ifndef AIENG_CUDA_MV_CHUNK
#define AIENG_CUDA_MV_CHUNK 4096 /* bytes of weights a warp stages at a time (at least one step's) */
#endif
template <int QT, int R> struct aieng__mvst {
    enum {
        BPS = 32 / aieng__qunit<QT>::LPB, /* blocks a warp covers in one step */
        NS = AIENG_CUDA_MV_CHUNK / (R * aieng__qunit<QT>::BYTES * BPS),
        CB = BPS * (NS > 1 ? NS : 1),     /* blocks of a row per chunk */
        SLOT = (CB * aieng__qunit<QT>::BYTES / 16 + 3) * 16, /* bytes of one row in a slot */
        GM = SLOT / 16 - 1                /* most granules a row's chunk touches */
    };
};
/* chunk c (blocks c·CB ..) of rows row0 .. row0 + R − 1 (clamped to M − 1) into slot */
template <int QT, int R>
static __device__ __forceinline__ void aieng__mv_stage(uint8_t *slot, const uint8_t *W, const uint8_t *wend, int64_t row0,
                                                       int64_t M, int64_t rb, int64_t nb, int64_t c, int lane) {
    typedef aieng__qunit<QT> U;
    typedef aieng__mvst<QT, R> G;
    const int64_t b0 = c * G::CB, len = (nb - b0 < (int64_t)G::CB ? nb - b0 : (int64_t)G::CB) * U::BYTES;
    for (int i = lane; i < R * G::GM; i += 32) {
        const int r = i / G::GM, gi = i - r * G::GM;
        const uint8_t *seg = W + (row0 + r < M ? row0 + r : M - 1) * rb + b0 * U::BYTES;
        const uint8_t *g = reinterpret_cast<const uint8_t *>((uintptr_t)seg & ~(uintptr_t)15) + 16 * gi;
        if (g >= seg + len) continue;
        uint8_t *dst = slot + r * G::SLOT + 16 * gi;
        if (g >= W && g + 16 <= wend) aieng__cp16(dst, g, true);
        else
            for (int k = 0; k < 16; k++) dst[k] = g + k >= W && g + k < wend ? __ldg(g + k) : (uint8_t)0;
    }
}
template <int QT, int R, int S>
__global__ void __launch_bounds__(AIENG__MV_WARPS * 32) aieng__matvec_qs(const uint8_t *W, int64_t M, int64_t K, const float *x,
                                                                         float *y) {
    typedef aieng__qunit<QT> U;
    typedef aieng__mvst<QT, R> G;
    extern __shared__ __align__(16) unsigned char aieng__smem[];
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int64_t row0 = ((int64_t)blockIdx.x * AIENG__MV_WARPS + warp) * R;
    if (row0 >= M) return;
    const int64_t nb = K / U::QK, rb = nb * U::BYTES, nch = (nb + G::CB - 1) / G::CB;
    const uint8_t *wend = W + M * rb;
    uint8_t *ring = aieng__smem + (size_t)warp * (S * R * G::SLOT);
    const int sub = lane % U::LPB;
    const uint8_t *wr[R];
    float acc[R];
    aieng__mv_rows<R>(wr, acc, W, row0, M, rb);
#pragma unroll
    for (int c = 0; c < S - 1; c++) {
        if (c < nch) aieng__mv_stage<QT, R>(ring + c * (R * G::SLOT), W, wend, row0, M, rb, nb, c, lane);
        aieng__cp_commit();
    }
    constexpr int UNR = R >= 8 ? 1 : R >= 4 ? (int)U::UNR4 : 4;
    for (int64_t c = 0; c < nch; c++) {
        aieng__cp_wait<S - 2>(); /* chunk c has arrived (this lane's copies) */
        __syncwarp();            /* ... and every lane's; chunk c − 1's slot is free */
        if (c + S - 1 < nch)
            aieng__mv_stage<QT, R>(ring + (int)((c + S - 1) % S) * (R * G::SLOT), W, wend, row0, M, rb, nb, c + S - 1, lane);
        aieng__cp_commit();
        const uint8_t *sl = ring + (int)(c % S) * (R * G::SLOT);
        const int64_t b0 = c * G::CB;
        int off[R]; /* where the chunk of row r starts in its slot row */
#pragma unroll
        for (int r = 0; r < R; r++) off[r] = r * G::SLOT + (int)((uintptr_t)(wr[r] + b0 * U::BYTES) & 15u);
#pragma unroll(UNR)
        for (int j = lane / U::LPB; j < G::CB; j += G::BPS) {
            if (b0 + j >= nb) break;
            typename U::X xs;
            U::loadx(xs, x + (b0 + j) * U::QK, sub);
#pragma unroll
            for (int r = 0; r < R; r++) acc[r] = __fadd_rn(acc[r], U::template dot<false, true>(sl + off[r] + j * U::BYTES, xs, sub));
        }
    }
    aieng__cp_wait<0>();
    aieng__mv_store<R>(acc, y, row0, M, lane);
}

/* ================================================================ host side
   (the API functions keep the C linkage of their declarations) */

static void aieng__wg_init(aieng_cuda *cu);
static aieng_result aieng__cuda_err(cudaError_t e, const char *what) {
    if (e == cudaSuccess) return AIENG_OK;
    (void)cudaGetLastError(); /* clear a sticky-free error */
    return aieng_set_error(e == cudaErrorMemoryAllocation ? AIENG_ERR_OOM : AIENG_ERR_STATE, "cuda: %s: %s", what,
                           cudaGetErrorString(e));
}
#define AIENG__LAUNCHED(what) aieng__cuda_err(cudaGetLastError(), what)
static cudaStream_t aieng__stream(const aieng_cuda *cu) { return (cudaStream_t)cu->cfg.stream; }
static int aieng__is16(int t) { return t == AIENG_CUDA_F16 || t == AIENG_CUDA_BF16; }
static int aieng__isfloat(int t) { return t == AIENG_CUDA_F32 || aieng__is16(t); }
static int aieng__al16(const void *p) { return ((uintptr_t)p & 15u) == 0; }

AIENG_API aieng_cuda_config aieng_cuda_config_default(void) {
    aieng_cuda_config c;
    memset(&c, 0, sizeof c);
    return c;
}
AIENG_API aieng_result aieng_cuda_device_count(int *count) {
    int n = 0;
    cudaError_t e = cudaGetDeviceCount(&n);
    if (count) *count = e == cudaSuccess ? n : 0;
    return aieng__cuda_err(e, "cudaGetDeviceCount");
}
AIENG_API aieng_result aieng_cuda_init(aieng_cuda *cu, const aieng_cuda_config *cfg) {
    cudaDeviceProp prop;
    int optin = 0;
    aieng_result r;
    if (!cu) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_init: NULL context");
    memset(cu, 0, sizeof *cu);
    if (cfg) cu->cfg = *cfg;
    if ((r = aieng__cuda_err(cudaSetDevice(cu->cfg.device), "cudaSetDevice")) != AIENG_OK) return r;
    if ((r = aieng__cuda_err(cudaGetDeviceProperties(&prop, cu->cfg.device), "cudaGetDeviceProperties")) != AIENG_OK) return r;
    if ((r = aieng__cuda_err(cudaDeviceGetAttribute(&optin, cudaDevAttrMaxSharedMemoryPerBlockOptin, cu->cfg.device),
                             "cudaDeviceGetAttribute")) != AIENG_OK)
        return r;
    cu->cc = prop.major * 10 + prop.minor;
    cu->sm_count = prop.multiProcessorCount;
    cu->smem_block = (size_t)(optin > 0 ? optin : (int)prop.sharedMemPerBlock);
    if (cu->cfg.smem_limit && cu->cfg.smem_limit < cu->smem_block) cu->smem_block = cu->cfg.smem_limit;
    cu->mem_total = prop.totalGlobalMem;
    for (size_t i = 0; i + 1 < sizeof cu->name && prop.name[i]; i++) cu->name[i] = prop.name[i];
    if (cu->cc < 75) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_init: %s is sm_%d; aieng_cuda needs sm_75 or newer", cu->name, cu->cc);
    aieng__wg_init(cu);
    return AIENG_OK;
}
AIENG_API void aieng_cuda_release(aieng_cuda *cu) {
    if (!cu) return;
    if (cu->ws) cudaFree(cu->ws);
    cu->ws = NULL;
    cu->ws_bytes = 0;
}
AIENG_API aieng_result aieng_cuda_synchronize(aieng_cuda *cu) {
    if (!cu) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_synchronize: NULL context");
    return aieng__cuda_err(cudaStreamSynchronize(aieng__stream(cu)), "stream synchronize");
}
AIENG_API aieng_result aieng_cuda_malloc(aieng_cuda *cu, void **p, size_t bytes) {
    (void)cu;
    if (!p) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_malloc: NULL pointer");
    *p = NULL;
    return aieng__cuda_err(cudaMalloc(p, bytes ? bytes : 1), "cudaMalloc");
}
AIENG_API void aieng_cuda_free(aieng_cuda *cu, void *p) {
    (void)cu;
    if (p) cudaFree(p);
}
AIENG_API aieng_result aieng_cuda_upload(aieng_cuda *cu, void *dst, const void *src, size_t bytes) {
    if (!cu || (!dst || !src) && bytes) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_upload: NULL pointer");
    aieng_result r = aieng__cuda_err(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyHostToDevice, aieng__stream(cu)), "upload");
    return r != AIENG_OK ? r : aieng_cuda_synchronize(cu);
}
AIENG_API aieng_result aieng_cuda_download(aieng_cuda *cu, void *dst, const void *src, size_t bytes) {
    if (!cu || (!dst || !src) && bytes) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_download: NULL pointer");
    aieng_result r = aieng__cuda_err(cudaMemcpyAsync(dst, src, bytes, cudaMemcpyDeviceToHost, aieng__stream(cu)), "download");
    return r != AIENG_OK ? r : aieng_cuda_synchronize(cu);
}
AIENG_API aieng_result aieng_cuda_memset(aieng_cuda *cu, void *dst, int value, size_t bytes) {
    if (!cu || (!dst && bytes)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_memset: NULL pointer");
    aieng_result r = aieng__cuda_err(cudaMemsetAsync(dst, value, bytes, aieng__stream(cu)), "memset");
    return r != AIENG_OK ? r : aieng_cuda_synchronize(cu);
}
static aieng_result aieng__ws(aieng_cuda *cu, size_t bytes) {
    if (cu->ws_bytes >= bytes) return AIENG_OK;
    if (cu->ws) { cudaStreamSynchronize(aieng__stream(cu)); cudaFree(cu->ws); }
    cu->ws = NULL;
    cu->ws_bytes = 0;
    aieng_result r = aieng__cuda_err(cudaMalloc(&cu->ws, bytes), "workspace");
    if (r == AIENG_OK) cu->ws_bytes = bytes;
    return r;
}

/* ---- GEMM dispatch */
template <typename T, int BM, int BN, int WM, int WN, bool TA, bool TB>
static aieng_result aieng__gemm_tc_launch(aieng_cuda *cu, aieng__gemm_args g) {
    typedef aieng__gemm_geom<BM, BN, TA, TB> G;
    size_t smem = G::STAGE_BYTES * (size_t)g.stages;
    void (*k)(aieng__gemm_args) = aieng__gemm_tc<T, BM, BN, WM, WN, TA, TB>;
    aieng_result r = aieng__cuda_err(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem),
                                     "gemm smem attribute");
    if (r != AIENG_OK) return r;
    dim3 grid((unsigned)(((g.N + BN - 1) / BN) * ((g.M + BM - 1) / BM)));
    k<<<grid, WM * WN * 32, smem, aieng__stream(cu)>>>(g);
    return AIENG__LAUNCHED("gemm");
}
/* tile configurations, largest first: BM, BN, warps WM×WN */
template <typename T, bool TA, bool TB> static aieng_result aieng__gemm_tc_pick(aieng_cuda *cu, aieng__gemm_args g) {
    const size_t big = aieng__gemm_geom<128, 256, TA, TB>::STAGE_BYTES, mid = aieng__gemm_geom<128, 128, TA, TB>::STAGE_BYTES,
                 small = aieng__gemm_geom<64, 64, TA, TB>::STAGE_BYTES;
    const int64_t tiles_big = ((g.M + 127) / 128) * ((g.N + 255) / 256), tiles_mid = ((g.M + 127) / 128) * ((g.N + 127) / 128);
    const size_t sm = cu->smem_block;
    const int force = cu->cfg.gemm_tile;
    int st;
    if ((force == 3 || (!force && tiles_big >= cu->sm_count)) && (st = (int)(sm / big)) >= 3) {
        g.stages = st > 4 ? 4 : st;
        return aieng__gemm_tc_launch<T, 128, 256, 2, 4, TA, TB>(cu, g);
    }
    if ((force == 2 || force == 3 || (!force && tiles_mid >= cu->sm_count)) && (st = (int)(sm / mid)) >= 2) {
        g.stages = st > 4 ? 4 : st;
        return aieng__gemm_tc_launch<T, 128, 128, 2, 2, TA, TB>(cu, g);
    }
    st = (int)(sm / small);
    if (st < 2) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "gemm: %zu bytes of shared memory is too little", sm);
    g.stages = st > 4 ? 4 : st;
    return aieng__gemm_tc_launch<T, 64, 64, 2, 2, TA, TB>(cu, g);
}
template <typename T> static aieng_result aieng__gemm_tc_trans(aieng_cuda *cu, aieng__gemm_args g, int ta, int tb) {
    if (!ta && !tb) return aieng__gemm_tc_pick<T, false, false>(cu, g);
    if (!ta && tb) return aieng__gemm_tc_pick<T, false, true>(cu, g);
    if (ta && !tb) return aieng__gemm_tc_pick<T, true, false>(cu, g);
    return aieng__gemm_tc_pick<T, true, true>(cu, g);
}
#if AIENG__HAVE_TMA
typedef CUresult (*aieng__tmap_encode_fn)(CUtensorMap *, CUtensorMapDataType, cuuint32_t, void *, const cuuint64_t *,
                                          const cuuint64_t *, const cuuint32_t *, const cuuint32_t *, CUtensorMapInterleave,
                                          CUtensorMapSwizzle, CUtensorMapL2promotion, CUtensorMapFloatOOBfill);
/* a 2-D map of a row-major 16-bit matrix (inner = contiguous extent), boxes of 64 × box_outer, 128-byte swizzle */
static int aieng__tmap(const aieng_cuda *cu, CUtensorMap *m, int type, const void *p, int64_t inner, int64_t outer, int64_t ld,
                       int box_outer) {
    cuuint64_t dim[2] = {(cuuint64_t)inner, (cuuint64_t)outer}, stride[1] = {(cuuint64_t)ld * 2};
    cuuint32_t box[2] = {64, (cuuint32_t)box_outer}, es[2] = {1, 1};
    return ((aieng__tmap_encode_fn)cu->tmap_encode)(
               m, type == AIENG_CUDA_BF16 ? CU_TENSOR_MAP_DATA_TYPE_BFLOAT16 : CU_TENSOR_MAP_DATA_TYPE_FLOAT16, 2, (void *)p,
               dim, stride, box, es, CU_TENSOR_MAP_INTERLEAVE_NONE, CU_TENSOR_MAP_SWIZZLE_128B,
               CU_TENSOR_MAP_L2_PROMOTION_L2_256B, CU_TENSOR_MAP_FLOAT_OOB_FILL_NONE) == CUDA_SUCCESS;
}
template <typename T, int TA, int TB>
static aieng_result aieng__gemm_wg_launch(aieng_cuda *cu, const aieng__wg_maps &maps, aieng__gemm_args g) {
    void (*k)(const aieng__wg_maps, aieng__gemm_args) = aieng__gemm_wg<T, TA, TB>;
    aieng_result r = aieng__cuda_err(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, AIENG__WG_SMEM),
                                     "gemm smem attribute");
    if (r != AIENG_OK) return r;
    dim3 grid((unsigned)(((g.N + AIENG__WG_BN - 1) / AIENG__WG_BN) * ((g.M + AIENG__WG_BM - 1) / AIENG__WG_BM)));
    k<<<grid, 384, AIENG__WG_SMEM, aieng__stream(cu)>>>(maps, g);
    return AIENG__LAUNCHED("gemm (wgmma)");
}
/* the sm_90a kernel: A and B through tensor maps; -1 when it does not apply */
template <typename T> static int aieng__gemm_wg_try(aieng_cuda *cu, aieng__gemm_args g, int type, int ta, int tb, aieng_result *r) {
    aieng__wg_maps maps;
    const int tile = cu->cfg.gemm_tile;
    if (!cu->wgmma || !cu->tmap_encode || cu->cfg.deterministic || cu->smem_block < AIENG__WG_SMEM || (tile && tile != 4) ||
        (!tile && (g.M < AIENG__WG_BM || g.N < AIENG__WG_BM)) || g.M > INT32_MAX || g.N > INT32_MAX || g.K > INT32_MAX)
        return -1;
    memset(&maps, 0, sizeof maps);
    if (!(ta ? aieng__tmap(cu, &maps.a, type, g.A, g.M, g.K, g.lda, 64) : aieng__tmap(cu, &maps.a, type, g.A, g.K, g.M, g.lda, 128)) ||
        !(tb ? aieng__tmap(cu, &maps.b, type, g.B, g.K, g.N, g.ldb, 256) : aieng__tmap(cu, &maps.b, type, g.B, g.N, g.K, g.ldb, 64)))
        return -1;
    /* kernel flags: the operand is MN-major (A stored K×M; B stored K×N, i.e. not trans_b) */
    if (!ta && tb) *r = aieng__gemm_wg_launch<T, 0, 0>(cu, maps, g);
    else if (!ta && !tb) *r = aieng__gemm_wg_launch<T, 0, 1>(cu, maps, g);
    else if (ta && tb) *r = aieng__gemm_wg_launch<T, 1, 0>(cu, maps, g);
    else *r = aieng__gemm_wg_launch<T, 1, 1>(cu, maps, g);
    return 0;
}
/* at init: does this build have the sm_90a kernels, and can the driver make tensor maps */
static void aieng__wg_init(aieng_cuda *cu) {
    int *d = NULL, h = 0;
    void *fn = NULL;
    cudaDriverEntryPointQueryResult q = cudaDriverEntryPointSymbolNotFound;
    if (cu->cc != 90) return;
#if CUDART_VERSION >= 12050
    if (cudaGetDriverEntryPointByVersion("cuTensorMapEncodeTiled", &fn, 12000, cudaEnableDefault, &q) != cudaSuccess) fn = NULL;
#else
    if (cudaGetDriverEntryPoint("cuTensorMapEncodeTiled", &fn, cudaEnableDefault, &q) != cudaSuccess) fn = NULL;
#endif
    if (fn && q == cudaDriverEntryPointSuccess && cudaMalloc((void **)&d, sizeof(int)) == cudaSuccess) {
        aieng__wg_probe<<<1, 1, 0, aieng__stream(cu)>>>(d);
        if (cudaMemcpyAsync(&h, d, sizeof h, cudaMemcpyDeviceToHost, aieng__stream(cu)) == cudaSuccess &&
            cudaStreamSynchronize(aieng__stream(cu)) == cudaSuccess && h == 1) {
            cu->wgmma = 1;
            cu->tmap_encode = fn;
        }
        cudaFree(d);
    }
    (void)cudaGetLastError();
}
#else
static void aieng__wg_init(aieng_cuda *cu) { (void)cu; }
#endif
template <typename T> static aieng_result aieng__gemm_simt_launch(aieng_cuda *cu, aieng__gemm_args g, int ta, int tb) {
    dim3 grid((unsigned)((g.N + AIENG__SBN - 1) / AIENG__SBN), (unsigned)((g.M + AIENG__SBM - 1) / AIENG__SBM));
    if (g.c_f32) aieng__gemm_simt<T, float><<<grid, 256, 0, aieng__stream(cu)>>>(g, ta, tb);
    else aieng__gemm_simt<T, T><<<grid, 256, 0, aieng__stream(cu)>>>(g, ta, tb);
    return AIENG__LAUNCHED("gemm (cuda cores)");
}

AIENG_API aieng_result aieng_cuda_gemm(aieng_cuda *cu, int type_ab, int type_c, int trans_a, int trans_b, int64_t M,
                                       int64_t N, int64_t K, float alpha, const void *A, int64_t lda, const void *B,
                                       int64_t ldb, float beta, void *C, int64_t ldc) {
    aieng__gemm_args g;
    if (!cu) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_gemm: NULL context");
    if (!aieng__isfloat(type_ab) || (type_c != AIENG_CUDA_F32 && type_c != type_ab))
        return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_gemm: types %d -> %d not supported", type_ab, type_c);
    if (M < 0 || N < 0 || K < 0 || M > INT32_MAX * 65535LL || N > INT32_MAX)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_gemm: bad size M=%lld N=%lld K=%lld", (long long)M, (long long)N, (long long)K);
    if (lda < (trans_a ? (M > 1 ? M : 1) : (K > 1 ? K : 1)) || ldb < (trans_b ? (K > 1 ? K : 1) : (N > 1 ? N : 1)) ||
        ldc < (N > 1 ? N : 1))
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_gemm: leading dimension too small (lda=%lld ldb=%lld ldc=%lld)",
                               (long long)lda, (long long)ldb, (long long)ldc);
    if (M == 0 || N == 0) return AIENG_OK;
    if ((K > 0 && (!A || !B)) || !C) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_gemm: NULL matrix");
    if ((M + 63) / 64 > 65535 || ((M + 63) / 64) * ((N + 63) / 64) > INT32_MAX)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_gemm: M=%lld N=%lld too large", (long long)M, (long long)N);
    memset(&g, 0, sizeof g);
    g.M = M; g.N = N; g.K = K; g.lda = lda; g.ldb = ldb; g.ldc = ldc;
    g.alpha = alpha; g.beta = beta; g.A = A; g.B = B; g.C = C;
    g.c_f32 = type_c == AIENG_CUDA_F32;
    {
        size_t es = g.c_f32 ? 4 : 2;
        g.pair_ok = ldc % 2 == 0 && ((uintptr_t)C % (2 * es)) == 0;
    }
    if (type_ab == AIENG_CUDA_F32) return aieng__gemm_simt_launch<float>(cu, g, trans_a, trans_b);
    /* tensor cores: 16-byte rows (the contiguous extents and leading dims multiples of 8) */
    int tc = aieng__al16(A) && aieng__al16(B) && lda % 8 == 0 && ldb % 8 == 0 && (trans_a ? M : K) % 8 == 0 &&
             (trans_b ? K : N) % 8 == 0 && K > 0;
    if (type_ab == AIENG_CUDA_BF16 && cu->cc < 80) tc = 0;
#if AIENG__HAVE_TMA
    if (tc) {
        aieng_result r = AIENG_OK;
        if ((type_ab == AIENG_CUDA_F16 ? aieng__gemm_wg_try<aieng__f16>(cu, g, type_ab, trans_a, trans_b, &r)
                                       : aieng__gemm_wg_try<aieng__bf16>(cu, g, type_ab, trans_a, trans_b, &r)) == 0)
            return r;
    }
#endif
    if (type_ab == AIENG_CUDA_F16) {
        if (tc) return aieng__gemm_tc_trans<aieng__f16>(cu, g, trans_a, trans_b);
        return aieng__gemm_simt_launch<aieng__f16>(cu, g, trans_a, trans_b);
    }
    if (tc) return aieng__gemm_tc_trans<aieng__bf16>(cu, g, trans_a, trans_b);
    return aieng__gemm_simt_launch<aieng__bf16>(cu, g, trans_a, trans_b);
}

/* ---- row kernels */
static aieng_result aieng__row_check(aieng_cuda *cu, int type, const void *y, const void *x, int64_t rows, int64_t n,
                                     const char *op) {
    if (!cu) return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: NULL context", op);
    if (!aieng__isfloat(type)) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "%s: type %d not supported", op, type);
    if (rows < 0 || n < 0 || rows > INT32_MAX) return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: bad shape %lld x %lld", op, (long long)rows, (long long)n);
    if (rows > 0 && n > 0 && (!x || !y)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: NULL data", op);
    return AIENG_OK;
}
#define AIENG__TYPED(type, launch)                                                                                     \
    do {                                                                                                               \
        if ((type) == AIENG_CUDA_F32) { typedef float T; launch; }                                                    \
        else if ((type) == AIENG_CUDA_F16) { typedef aieng__f16 T; launch; }                                          \
        else { typedef aieng__bf16 T; launch; }                                                                        \
    } while (0)

AIENG_API aieng_result aieng_cuda_softmax(aieng_cuda *cu, int type, void *y, const void *x, int64_t rows, int64_t n) {
    aieng_result r = aieng__row_check(cu, type, y, x, rows, n, "cuda_softmax");
    if (r != AIENG_OK || rows == 0 || n == 0) return r;
    AIENG__TYPED(type, (aieng__softmax_k<T><<<(unsigned)rows, AIENG__ROW_THREADS, 0, aieng__stream(cu)>>>((T *)y, (const T *)x, n)));
    return AIENG__LAUNCHED("softmax");
}
AIENG_API aieng_result aieng_cuda_rmsnorm(aieng_cuda *cu, int type, void *y, const void *x, const float *w, int64_t rows,
                                          int64_t n, float eps) {
    aieng_result r = aieng__row_check(cu, type, y, x, rows, n, "cuda_rmsnorm");
    if (r != AIENG_OK || rows == 0 || n == 0) return r;
    AIENG__TYPED(type, (aieng__rmsnorm_k<T><<<(unsigned)rows, AIENG__ROW_THREADS, 0, aieng__stream(cu)>>>((T *)y, (const T *)x, w, n, eps)));
    return AIENG__LAUNCHED("rmsnorm");
}
AIENG_API aieng_result aieng_cuda_layernorm(aieng_cuda *cu, int type, void *y, const void *x, const float *w,
                                            const float *b, int64_t rows, int64_t n, float eps) {
    aieng_result r = aieng__row_check(cu, type, y, x, rows, n, "cuda_layernorm");
    if (r != AIENG_OK || rows == 0 || n == 0) return r;
    AIENG__TYPED(type, (aieng__layernorm_k<T><<<(unsigned)rows, AIENG__ROW_THREADS, 0, aieng__stream(cu)>>>((T *)y, (const T *)x, w, b, n, eps)));
    return AIENG__LAUNCHED("layernorm");
}
AIENG_API aieng_result aieng_cuda_rope(aieng_cuda *cu, int type, void *x, int64_t n_tokens, int64_t n_heads,
                                       int64_t head_dim, int n_rot, const int32_t *pos, float base, int mode) {
    aieng_result r = aieng__row_check(cu, type, x, x, n_tokens, n_heads * head_dim, "cuda_rope");
    if (r != AIENG_OK) return r;
    if (n_heads < 0 || head_dim < 0 || n_rot < 0 || n_rot > head_dim || n_rot % 2 || !(base > 0.0f) ||
        (mode != AIENG_CUDA_ROPE_NORMAL && mode != AIENG_CUDA_ROPE_NEOX))
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_rope: bad arguments (n_rot=%d head_dim=%lld mode=%d)", n_rot, (long long)head_dim, mode);
    if (n_tokens == 0 || n_heads == 0 || n_rot == 0) return AIENG_OK;
    if (!pos) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_rope: NULL positions");
    int64_t total = n_tokens * (n_rot / 2);
    unsigned blocks = (unsigned)((total + 255) / 256);
    double l2b = log2((double)base);
    AIENG__TYPED(type, (aieng__rope_k<T><<<blocks, 256, 0, aieng__stream(cu)>>>((T *)x, n_tokens, n_heads, head_dim, n_rot, pos, l2b, mode == AIENG_CUDA_ROPE_NEOX)));
    return AIENG__LAUNCHED("rope");
}
static unsigned aieng__ew_blocks(aieng_cuda *cu, int64_t n) {
    int64_t b = (n + 255) / 256, cap = (int64_t)cu->sm_count * 16;
    return (unsigned)(b < cap ? b : cap);
}
AIENG_API aieng_result aieng_cuda_silu_mul(aieng_cuda *cu, int type, void *y, const void *gate, const void *up, int64_t n) {
    aieng_result r = aieng__row_check(cu, type, y, gate, 1, n, "cuda_silu_mul");
    if (r != AIENG_OK || n == 0) return r;
    if (!up) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_silu_mul: NULL data");
    AIENG__TYPED(type, (aieng__silu_mul_k<T><<<aieng__ew_blocks(cu, n), 256, 0, aieng__stream(cu)>>>((T *)y, (const T *)gate, (const T *)up, n)));
    return AIENG__LAUNCHED("silu_mul");
}
AIENG_API aieng_result aieng_cuda_gelu(aieng_cuda *cu, int type, void *y, const void *x, int64_t n, int exact) {
    aieng_result r = aieng__row_check(cu, type, y, x, 1, n, "cuda_gelu");
    if (r != AIENG_OK || n == 0) return r;
    AIENG__TYPED(type, (aieng__gelu_k<T><<<aieng__ew_blocks(cu, n), 256, 0, aieng__stream(cu)>>>((T *)y, (const T *)x, n, exact)));
    return AIENG__LAUNCHED("gelu");
}

/* ---- attention */
template <typename T, int D, int WARPS> static aieng_result aieng__fa_launch(aieng_cuda *cu, aieng__fa_args a, int batch, int n_head) {
    typedef aieng__fa_geom<D, WARPS> G;
    size_t smem = G::smem(a.stages);
    void (*k)(aieng__fa_args) = aieng__flash_fwd<T, D, WARPS>;
    aieng_result r = aieng__cuda_err(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem), "attention smem attribute");
    if (r != AIENG_OK) return r;
    a.n_qblocks = (a.seq_q + G::BR - 1) / G::BR;
    dim3 grid((unsigned)a.n_qblocks, (unsigned)n_head, (unsigned)batch);
    k<<<grid, WARPS * 32, smem, aieng__stream(cu)>>>(a);
    return AIENG__LAUNCHED("attention");
}
template <typename T, int D, int BC, int MINB, bool PIPE = false>
static aieng_result aieng__fw_launch(aieng_cuda *cu, aieng__fa_args a, int batch, int n_head) {
    const size_t smem = aieng__fw_geom<D, BC>::SMEM;
    void (*k)(aieng__fa_args) = aieng__flash_wg<T, D, BC, MINB, PIPE>;
    aieng_result r = aieng__cuda_err(cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem), "attention smem attribute");
    if (r != AIENG_OK) return r;
    a.n_qblocks = (a.seq_q + AIENG__FW_BR - 1) / AIENG__FW_BR;
    dim3 grid((unsigned)a.n_qblocks, (unsigned)n_head, (unsigned)batch);
    k<<<grid, 256, smem, aieng__stream(cu)>>>(a);
    return AIENG__LAUNCHED("attention (wgmma)");
}
template <typename T, int D> static aieng_result aieng__fa_pick(aieng_cuda *cu, aieng__fa_args a, int batch, int n_head) {
    const size_t sm = cu->smem_block;
    /* sm_90a: the wgmma kernel (not in deterministic mode: its key tiles round differently), with
       64-key tiles and two blocks per SM (each overlaps the other's softmax with its matrix products;
       2-9 % faster on an H100 than one block of 128-key tiles, which attn_tile 5 asks for) */
    const int wt = cu->cfg.attn_tile;
    if (cu->wgmma && !cu->cfg.deterministic && (wt == 0 || wt == 4 || wt == 5 || wt == 6) && a.scale_log2 > 0.0f) {
        if (wt == 5 && aieng__fw_geom<D, 128>::SMEM <= sm) return aieng__fw_launch<T, D, 128, 1>(cu, a, batch, n_head);
        if (wt == 6 && aieng__fw_geom<D, 64>::SMEM <= sm) /* head dim 128: one block per SM, for the registers */
            return aieng__fw_launch<T, D, 64, D == 64 ? 2 : 1, true>(cu, a, batch, n_head);
        if (wt != 5 && aieng__fw_geom<D, 64>::SMEM <= sm) return aieng__fw_launch<T, D, 64, 2>(cu, a, batch, n_head);
    }
    /* 8 warps (128 query rows) when there are enough blocks to fill the GPU */
    int64_t blocks8 = (int64_t)((a.seq_q + 127) / 128) * n_head * batch;
    const int force = wt >= 4 ? 0 : wt;
    if (aieng__fa_geom<D, 8>::smem(2) <= sm && (force == 3 || (!force && blocks8 >= cu->sm_count))) { a.stages = 2; return aieng__fa_launch<T, D, 8>(cu, a, batch, n_head); }
    if (aieng__fa_geom<D, 4>::smem(2) <= sm && force != 1) { a.stages = 2; return aieng__fa_launch<T, D, 4>(cu, a, batch, n_head); }
    if (aieng__fa_geom<D, 4>::smem(1) <= sm) { a.stages = 1; return aieng__fa_launch<T, D, 4>(cu, a, batch, n_head); }
    return aieng_set_error(AIENG_ERR_UNSUPPORTED, "attention: %zu bytes of shared memory is too little", sm);
}
AIENG_API aieng_result aieng_cuda_attention(aieng_cuda *cu, const aieng_cuda_attn *p) {
    aieng__fa_args a;
    if (!cu || !p) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_attention: NULL argument");
    if (!aieng__is16(p->type)) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_attention: type %d (F16 or BF16 only)", p->type);
    if (p->type == AIENG_CUDA_BF16 && cu->cc < 80) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_attention: BF16 needs sm_80 (device is sm_%d)", cu->cc);
    if (p->head_dim != 64 && p->head_dim != 128) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_attention: head_dim %d (64 or 128)", p->head_dim);
    if (p->batch < 0 || p->n_head < 0 || p->n_head_kv <= 0 || p->seq_q < 0 || p->seq_kv < 0 || p->n_head % p->n_head_kv ||
        p->batch > 65535 || p->n_head > 65535)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_attention: bad shape (batch %d, heads %d/%d, seq %d/%d)", p->batch, p->n_head, p->n_head_kv, p->seq_q, p->seq_kv);
    if (p->batch == 0 || p->n_head == 0 || p->seq_q == 0) return AIENG_OK;
    if (!p->q || !p->o || (p->seq_kv > 0 && (!p->k || !p->v))) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_attention: NULL data");
    memset(&a, 0, sizeof a);
    const int64_t D = p->head_dim;
    a.q = p->q; a.k = p->k; a.v = p->v; a.o = p->o;
    a.q_ss = p->q_ss ? p->q_ss : D; a.q_sh = p->q_sh ? p->q_sh : (int64_t)p->seq_q * D; a.q_sb = p->q_sb ? p->q_sb : (int64_t)p->n_head * p->seq_q * D;
    a.o_ss = p->o_ss ? p->o_ss : D; a.o_sh = p->o_sh ? p->o_sh : (int64_t)p->seq_q * D; a.o_sb = p->o_sb ? p->o_sb : (int64_t)p->n_head * p->seq_q * D;
    a.k_ss = p->k_ss ? p->k_ss : D; a.k_sh = p->k_sh ? p->k_sh : (int64_t)p->seq_kv * D; a.k_sb = p->k_sb ? p->k_sb : (int64_t)p->n_head_kv * p->seq_kv * D;
    a.v_ss = p->v_ss ? p->v_ss : D; a.v_sh = p->v_sh ? p->v_sh : (int64_t)p->seq_kv * D; a.v_sb = p->v_sb ? p->v_sb : (int64_t)p->n_head_kv * p->seq_kv * D;
    if (!aieng__al16(p->q) || !aieng__al16(p->k) || !aieng__al16(p->v) || !aieng__al16(p->o) ||
        (a.q_ss | a.q_sh | a.q_sb | a.k_ss | a.k_sh | a.k_sb | a.v_ss | a.v_sh | a.v_sb | a.o_ss | a.o_sh | a.o_sb) % 8)
        return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_attention: pointers must be 16-byte aligned and strides multiples of 8");
    a.seq_q = p->seq_q; a.seq_kv = p->seq_kv; a.group = p->n_head / p->n_head_kv; a.causal = p->causal != 0;
    a.scale_log2 = (p->scale != 0.0f ? p->scale : 1.0f / sqrtf((float)D)) * 1.4426950408889634f;
    if (p->type == AIENG_CUDA_F16) return D == 64 ? aieng__fa_pick<aieng__f16, 64>(cu, a, p->batch, p->n_head) : aieng__fa_pick<aieng__f16, 128>(cu, a, p->batch, p->n_head);
    return D == 64 ? aieng__fa_pick<aieng__bf16, 64>(cu, a, p->batch, p->n_head) : aieng__fa_pick<aieng__bf16, 128>(cu, a, p->batch, p->n_head);
}

template <typename T, int D> static aieng_result aieng__pd_launch(aieng_cuda *cu, aieng__pd_args a, int batch) {
    dim3 grid((unsigned)a.nsplit, (unsigned)(a.n_head_kv * a.ngroups), (unsigned)batch);
    aieng__paged_k<T, D><<<grid, AIENG__PD_WARPS * 32, 0, aieng__stream(cu)>>>(a);
    aieng_result r = AIENG__LAUNCHED("paged decode");
    if (r != AIENG_OK || a.nsplit == 1) return r;
    aieng__paged_combine<T, D><<<dim3((unsigned)a.n_head, (unsigned)batch), D, 0, aieng__stream(cu)>>>(a);
    return AIENG__LAUNCHED("paged decode combine");
}
/* the key splits of a paged decode over at most maxlen keys: what sizes its grid, besides the
   shape (so a captured launch stays valid while these stay the same) */
static void aieng__pd_split(const aieng_cuda *cu, int64_t rows, int64_t maxlen, int *split_len, int *nsplit) {
    if (maxlen < 1) maxlen = 1;
    if (cu->cfg.deterministic) *split_len = 512;
    else {
        /* enough thread blocks for two waves, splits of at least 256 keys (rows: batch·kv heads·groups) */
        int64_t want = (2 * (int64_t)cu->sm_count + rows - 1) / rows;
        int64_t len = (maxlen + want - 1) / want;
        if (len < 256) len = 256;
        *split_len = (int)((len + 63) / 64 * 64);
    }
    *nsplit = (int)((maxlen + *split_len - 1) / *split_len);
}
/* bytes of the split partials in cu->ws */
static size_t aieng__pd_ws_bytes(int batch, int n_head, int nsplit, int head_dim) {
    return nsplit > 1 ? (size_t)batch * n_head * nsplit * (head_dim + 2) * sizeof(float) : 0;
}
AIENG_API aieng_result aieng_cuda_paged_decode(aieng_cuda *cu, const aieng_cuda_paged *p) {
    aieng__pd_args a;
    if (!cu || !p) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_paged_decode: NULL argument");
    if (!aieng__is16(p->type)) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_paged_decode: type %d (F16 or BF16 only)", p->type);
    if (p->head_dim != 64 && p->head_dim != 128) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_paged_decode: head_dim %d (64 or 128)", p->head_dim);
    if (p->batch < 0 || p->batch > 65535 || p->n_head <= 0 || p->n_head_kv <= 0 || p->n_head % p->n_head_kv || p->block_size <= 0 ||
        p->num_blocks < 0 || p->max_blocks_per_seq < 0 || p->max_seq_len < 0)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_paged_decode: bad shape");
    if (p->batch == 0) return AIENG_OK;
    if (!p->q || !p->o || !p->k_cache || !p->v_cache || !p->block_table || !p->seq_lens)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_paged_decode: NULL data");
    memset(&a, 0, sizeof a);
    a.q = p->q; a.kc = p->k_cache; a.vc = p->v_cache; a.bt = p->block_table; a.lens = p->seq_lens; a.o = p->o;
    a.n_head = p->n_head; a.n_head_kv = p->n_head_kv; a.group = p->n_head / p->n_head_kv;
    a.ngroups = (a.group + AIENG__PD_G - 1) / AIENG__PD_G;
    a.block_size = p->block_size; a.num_blocks = p->num_blocks; a.max_blocks = p->max_blocks_per_seq;
    a.scale_log2 = (p->scale != 0.0f ? p->scale : 1.0f / sqrtf((float)p->head_dim)) * 1.4426950408889634f;
    int64_t maxlen = p->max_seq_len;
    if (maxlen > (int64_t)p->max_blocks_per_seq * p->block_size) maxlen = (int64_t)p->max_blocks_per_seq * p->block_size;
    aieng__pd_split(cu, (int64_t)p->batch * a.n_head_kv * a.ngroups, maxlen, &a.split_len, &a.nsplit);
    /* a single split writes the output directly; the sequence lengths live on the device,
       so lengths above max_seq_len are clamped by the grid */
    a.lens = p->seq_lens;
    if (a.nsplit > 1) {
        aieng_result r = aieng__ws(cu, aieng__pd_ws_bytes(p->batch, p->n_head, a.nsplit, p->head_dim));
        if (r != AIENG_OK) return r;
        a.part = (float *)cu->ws;
    }
    if (p->type == AIENG_CUDA_F16) return p->head_dim == 64 ? aieng__pd_launch<aieng__f16, 64>(cu, a, p->batch) : aieng__pd_launch<aieng__f16, 128>(cu, a, p->batch);
    return p->head_dim == 64 ? aieng__pd_launch<aieng__bf16, 64>(cu, a, p->batch) : aieng__pd_launch<aieng__bf16, 128>(cu, a, p->batch);
}

/* ---- quantized matvec */
AIENG_API size_t aieng_cuda_row_bytes(int qtype, int64_t K) {
    int64_t qk, bytes;
    switch (qtype) {
    case AIENG_CUDA_F32: qk = 1; bytes = 4; break;
    case AIENG_CUDA_F16: case AIENG_CUDA_BF16: qk = 1; bytes = 2; break;
    case AIENG_CUDA_Q8_0: qk = 32; bytes = 34; break;
    case AIENG_CUDA_Q4_0: qk = 32; bytes = 18; break;
    case AIENG_CUDA_Q4_1: qk = 32; bytes = 20; break;
    case AIENG_CUDA_Q5_0: qk = 32; bytes = 22; break;
    case AIENG_CUDA_Q5_1: qk = 32; bytes = 24; break;
    case AIENG_CUDA_Q4_K: qk = 256; bytes = 144; break;
    case AIENG_CUDA_Q6_K: qk = 256; bytes = 210; break;
    default: return 0;
    }
    if (K < 0 || K % qk) return 0;
    return (size_t)(K / qk * bytes);
}
template <int QT, bool V16>
static void aieng__mv_launch(int rows, cudaStream_t s, const uint8_t *w, int64_t M, int64_t K, const float *x, float *y) {
    enum { R8 = aieng__qunit<QT>::MAXR }; /* 8 or 4 */
    if (rows > R8) rows = R8;
    const int64_t per_block = (int64_t)AIENG__MV_WARPS * rows;
    const unsigned blocks = (unsigned)((M + per_block - 1) / per_block);
    if (rows == 8) aieng__matvec_q<QT, R8, V16><<<blocks, AIENG__MV_WARPS * 32, 0, s>>>(w, M, K, x, y);
    else if (rows == 4) aieng__matvec_q<QT, 4, V16><<<blocks, AIENG__MV_WARPS * 32, 0, s>>>(w, M, K, x, y);
    else if (rows == 2) aieng__matvec_q<QT, 2, V16><<<blocks, AIENG__MV_WARPS * 32, 0, s>>>(w, M, K, x, y);
    else aieng__matvec_q<QT, 1, V16><<<blocks, AIENG__MV_WARPS * 32, 0, s>>>(w, M, K, x, y);
}
/* the staged kernel (S slots a warp) for `rows` rows a warp or fewer, as many as the shared
   memory holds; 0 if not even one row fits (the caller takes aieng__matvec_q) */
template <int QT, int R, int S> static size_t aieng__mvs_smem(void) {
    return (size_t)AIENG__MV_WARPS * S * R * aieng__mvst<QT, R>::SLOT;
}
template <int QT, int R, int S>
static int aieng__mvs_go(aieng_cuda *cu, const uint8_t *w, int64_t M, int64_t K, const float *x, float *y) {
    const size_t smem = aieng__mvs_smem<QT, R, S>();
    if (smem > cu->smem_block) return 0;
    void (*k)(const uint8_t *, int64_t, int64_t, const float *, float *) = aieng__matvec_qs<QT, R, S>;
    if (smem > 48 * 1024 && cudaFuncSetAttribute(k, cudaFuncAttributeMaxDynamicSharedMemorySize, (int)smem) != cudaSuccess) {
        (void)cudaGetLastError();
        return 0;
    }
    const unsigned blocks = (unsigned)((M + (int64_t)AIENG__MV_WARPS * R - 1) / ((int64_t)AIENG__MV_WARPS * R));
    k<<<blocks, AIENG__MV_WARPS * 32, smem, aieng__stream(cu)>>>(w, M, K, x, y);
    return 1;
}
template <int QT, int S>
static int aieng__mvs_launch(aieng_cuda *cu, int rows, const uint8_t *w, int64_t M, int64_t K, const float *x, float *y) {
    enum { R8 = aieng__qunit<QT>::MAXR };
    if (rows >= 8 && aieng__mvs_go<QT, R8, S>(cu, w, M, K, x, y)) return 1;
    if (rows >= 4 && aieng__mvs_go<QT, 4, S>(cu, w, M, K, x, y)) return 1;
    if (rows >= 2 && aieng__mvs_go<QT, 2, S>(cu, w, M, K, x, y)) return 1;
    return aieng__mvs_go<QT, 1, S>(cu, w, M, K, x, y);
}
template <int QT>
static int aieng__mvs_pick(aieng_cuda *cu, int variant, int rows, const uint8_t *w, int64_t M, int64_t K, const float *x, float *y) {
    if (variant == 2) return aieng__mvs_launch<QT, 2>(cu, rows, w, M, K, x, y);
    if (variant == 3) return aieng__mvs_launch<QT, 3>(cu, rows, w, M, K, x, y);
    return 0;
}
AIENG_API aieng_result aieng_cuda_matvec_q(aieng_cuda *cu, int qtype, const void *W, int64_t M, int64_t K, const float *x,
                                           float *y) {
    if (!cu) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_matvec_q: NULL context");
    if (qtype != AIENG_CUDA_Q8_0 && qtype != AIENG_CUDA_Q4_0 && qtype != AIENG_CUDA_Q4_1 && qtype != AIENG_CUDA_Q4_K &&
        qtype != AIENG_CUDA_Q6_K)
        return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_matvec_q: type %d not supported", qtype);
    if (M < 0 || K < 0 || (K > 0 && aieng_cuda_row_bytes(qtype, K) == 0) || (M + AIENG__MV_WARPS - 1) / AIENG__MV_WARPS > INT32_MAX)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_matvec_q: K=%lld is not a multiple of the block (M=%lld)", (long long)K, (long long)M);
    if (M == 0) return AIENG_OK;
    if (!y || (K > 0 && (!W || !x))) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_matvec_q: NULL data");
    if (((uintptr_t)W & 3u) || !aieng__al16(x)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_matvec_q: W must be 4-byte and x 16-byte aligned");
    /* rows per warp: more rows share each x slice, fewer warps keep loads in flight. Measured on
       an H100 (16384², GB/s for 1/2/4/8 rows): Q8_0 2378/2354/2223/1299, Q4_0 1355/1835/2054/987,
       Q4_1 1812/1930/1813/819, Q4_K 1023/1711/2390/2219, Q6_K 1676/1702/1859/1857. So each type
       has its own count, halved while it would leave fewer than 24 warps per SM (Q4_K, with
       16-byte loads: 8). Rows are independent: no bit of y changes. */
    const int64_t sms = cu->sm_count > 0 ? cu->sm_count : 1;
    int rows = qtype == AIENG_CUDA_Q8_0 ? 1 : 4; /* Q4_1: 2 rows 1925-1955, 4 rows (unroll 4) 2075 */
    const int64_t min_warps = (qtype == AIENG_CUDA_Q4_K ? 8 : 24) * sms;
    while (rows > 1 && M / rows < min_warps) rows /= 2;
    if (cu->cfg.matvec_rows > 0) rows = cu->cfg.matvec_rows >= 8 ? 8 : cu->cfg.matvec_rows >= 4 ? 4 : cu->cfg.matvec_rows >= 2 ? 2 : 1;
    const uint8_t *w = (const uint8_t *)W;
    const int v16 = aieng__al16(W); /* Q4_K: 16-byte loads (rows are 144·nb bytes); same arithmetic */
    cudaStream_t s = aieng__stream(cu);
    /* the kernel: 0 (automatic) and 1 the direct one, 2 and 3 the staged one with 2 or 3 slots
       (same bits; which is faster is measured with tools/gpu_session.sh, AIENG_MV_VARIANTS) */
    const int variant = cu->cfg.matvec_variant;
    if (variant == 2 || variant == 3) {
        int done = 0;
        switch (qtype) {
        case AIENG_CUDA_Q8_0: done = aieng__mvs_pick<AIENG_CUDA_Q8_0>(cu, variant, rows, w, M, K, x, y); break;
        case AIENG_CUDA_Q4_0: done = aieng__mvs_pick<AIENG_CUDA_Q4_0>(cu, variant, rows, w, M, K, x, y); break;
        case AIENG_CUDA_Q4_1: done = aieng__mvs_pick<AIENG_CUDA_Q4_1>(cu, variant, rows, w, M, K, x, y); break;
        case AIENG_CUDA_Q4_K: done = aieng__mvs_pick<AIENG_CUDA_Q4_K>(cu, variant, rows, w, M, K, x, y); break;
        default: done = aieng__mvs_pick<AIENG_CUDA_Q6_K>(cu, variant, rows, w, M, K, x, y); break;
        }
        if (done) return AIENG__LAUNCHED("matvec_q (staged)");
    }
    switch (qtype) {
    case AIENG_CUDA_Q8_0: aieng__mv_launch<AIENG_CUDA_Q8_0, false>(rows, s, w, M, K, x, y); break;
    case AIENG_CUDA_Q4_0: aieng__mv_launch<AIENG_CUDA_Q4_0, false>(rows, s, w, M, K, x, y); break;
    case AIENG_CUDA_Q4_1: aieng__mv_launch<AIENG_CUDA_Q4_1, false>(rows, s, w, M, K, x, y); break;
    case AIENG_CUDA_Q4_K:
        if (v16) aieng__mv_launch<AIENG_CUDA_Q4_K, true>(rows, s, w, M, K, x, y);
        else aieng__mv_launch<AIENG_CUDA_Q4_K, false>(rows, s, w, M, K, x, y);
        break;
    default: aieng__mv_launch<AIENG_CUDA_Q6_K, false>(rows, s, w, M, K, x, y); break;
    }
    return AIENG__LAUNCHED("matvec_q");
}

/* ================================================================ Llama forward pass */
#define AIENG__LL_THREADS 256
/* Quantizes 32 values, one per lane, as ggml's quantize_row_q8_1: d = amax/127,
   q = round-half-even(v·(127/amax)), s = d·Σq; d and s are stored rounded to f16. */
static __device__ __forceinline__ void aieng__ll_q8(float v, int8_t *q, float2 *ds) {
    const int lane = threadIdx.x & 31;
    float amax = fabsf(v);
    for (int o = 16; o > 0; o >>= 1) amax = fmaxf(amax, __shfl_xor_sync(0xffffffffu, amax, o));
    const float d = __fdiv_rn(amax, 127.0f), id = amax != 0.0f ? __fdiv_rn(127.0f, amax) : 0.0f;
    int qi = __float2int_rn(__fmul_rn(v, id));
    qi = qi < -128 ? -128 : qi > 127 ? 127 : qi;
    q[lane] = (int8_t)qi;
    int s = qi;
    for (int o = 16; o > 0; o >>= 1) s += __shfl_xor_sync(0xffffffffu, s, o);
    if (lane == 0) *ds = make_float2(__half2float(__float2half_rn(d)), __half2float(__float2half_rn(__fmul_rn(d, (float)s))));
}
/* Quantizes 256 values, 8 a lane (lane l: 8l .. 8l+7), as aieng_quant.h's Q8_K (ggml's
   quantize_row_q8_K): m = the first value of largest magnitude, iscale = −127/m,
   q = round-half-even(iscale·v) clamped to [−128, 127], d = 1/iscale; sums of q per 32. */
static __device__ __forceinline__ void aieng__ll_q8k(const float v[8], int8_t *q, float *d, int *bsum) {
    const int lane = threadIdx.x & 31;
    float amax = 0.0f, mv = 0.0f;
    int idx = 256;
#pragma unroll
    for (int i = 0; i < 8; i++)
        if (fabsf(v[i]) > amax) { amax = fabsf(v[i]); idx = 8 * lane + i; }
    for (int o = 16; o > 0; o >>= 1) {
        const float oa = __shfl_xor_sync(0xffffffffu, amax, o);
        const int oi = __shfl_xor_sync(0xffffffffu, idx, o);
        if (oa > amax || (oa == amax && oi < idx)) { amax = oa; idx = oi; }
    }
#pragma unroll
    for (int i = 0; i < 8; i++)
        if (8 * lane + i == idx) mv = v[i];
    const float m = __shfl_sync(0xffffffffu, mv, (idx >> 3) & 31);
    const float iscale = amax != 0.0f ? __fdiv_rn(-127.0f, m) : 0.0f;
    uint32_t w[2] = {0u, 0u};
    int sum = 0;
#pragma unroll
    for (int i = 0; i < 8; i++) {
        int qi = __float2int_rn(__fmul_rn(iscale, v[i]));
        qi = qi < -128 ? -128 : qi > 127 ? 127 : qi;
        w[i >> 2] |= (uint32_t)(qi & 0xff) << (8 * (i & 3));
        sum += qi;
    }
    reinterpret_cast<uint2 *>(q)[lane] = make_uint2(w[0], w[1]);
    sum += __shfl_xor_sync(0xffffffffu, sum, 1);
    sum += __shfl_xor_sync(0xffffffffu, sum, 2);
    if ((lane & 3) == 0) bsum[lane >> 2] = sum;
    if (lane == 0) *d = amax != 0.0f ? __fdiv_rn(1.0f, iscale) : 0.0f;
}
/* the activations of one matrix product: Q8_1 per 32 values (q, (d, s)), and for the
   k-quants Q8_K per 256 (qk, dk, sums per 32 in sk) when sk is not NULL */
typedef struct aieng__ll_act {
    int8_t *q, *qk;
    float2 *d;
    float *dk;
    int *sk;
} aieng__ll_act;
/* one row per block: y = (x·1/sqrt(mean(x²) + eps))·w (squares summed in double), quantized */
__global__ void __launch_bounds__(AIENG__LL_THREADS) aieng__ll_normq_k(const float *x, const float *w, int64_t n, float eps,
                                                                      aieng__ll_act a) {
    __shared__ double red[AIENG__LL_THREADS / 32];
    __shared__ float scale_s;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    const int64_t t = blockIdx.x;
    const float *xr = x + t * n;
    double ss = 0.0;
    for (int64_t i = threadIdx.x; i < n; i += AIENG__LL_THREADS) ss += (double)__fmul_rn(xr[i], xr[i]);
    for (int o = 16; o > 0; o >>= 1) ss += __shfl_xor_sync(0xffffffffu, ss, o);
    if (lane == 0) red[warp] = ss;
    __syncthreads();
    if (threadIdx.x == 0) {
        double sum = 0.0;
        for (int i = 0; i < AIENG__LL_THREADS / 32; i++) sum += red[i];
        scale_s = __fdiv_rn(1.0f, __fsqrt_rn(__fadd_rn((float)(sum / (double)n), eps)));
    }
    __syncthreads();
    const float sc = scale_s;
    for (int64_t c = warp; c < n / 32; c += AIENG__LL_THREADS / 32) {
        const int64_t i = c * 32 + lane;
        aieng__ll_q8(__fmul_rn(__fmul_rn(xr[i], sc), w[i]), a.q + t * n + c * 32, a.d + t * (n / 32) + c);
    }
    if (a.sk)
        for (int64_t c = warp; c < n / 256; c += AIENG__LL_THREADS / 32) {
            float v[8];
#pragma unroll
            for (int k = 0; k < 8; k++) {
                const int64_t i = c * 256 + 8 * lane + k;
                v[k] = __fmul_rn(__fmul_rn(xr[i], sc), w[i]);
            }
            aieng__ll_q8k(v, a.qk + t * n + c * 256, a.dk + t * (n / 256) + c, a.sk + t * (n / 32) + c * 8);
        }
}
/* value i of a quantize kernel's input: MODE 0 f32 values, 1 f16 values, 2 silu(a)·u (f32) */
template <int MODE> static __device__ __forceinline__ float aieng__ll_qval(const void *a, const float *u, int64_t i) {
    float v = MODE == 1 ? __half2float(((const __half *)a)[i]) : ((const float *)a)[i];
    if (MODE == 2) v = __fmul_rn(__fdiv_rn(v, __fadd_rn(1.0f, expf(-v))), u[i]);
    return v;
}
/* quantizes n/32 chunks (a warp each), and n/256 blocks as Q8_K when q.sk is set (rows of a
   multiple of 256 values, so that the blocks of a row are consecutive) */
template <int MODE>
__global__ void __launch_bounds__(AIENG__LL_THREADS) aieng__ll_quant_k(const void *a, const float *u, int64_t nchunks,
                                                                      aieng__ll_act q) {
    const int64_t c = (int64_t)blockIdx.x * (AIENG__LL_THREADS / 32) + (threadIdx.x >> 5);
    const int lane = threadIdx.x & 31;
    if (c >= nchunks) return; /* whole warps leave together */
    aieng__ll_q8(aieng__ll_qval<MODE>(a, u, c * 32 + lane), q.q + c * 32, q.d + c);
    if (q.sk && c < nchunks / 8) {
        float v[8];
#pragma unroll
        for (int k = 0; k < 8; k++) v[k] = aieng__ll_qval<MODE>(a, u, c * 256 + 8 * lane + k);
        aieng__ll_q8k(v, q.qk + c * 256, q.dk + c, q.sk + c * 8);
    }
}

/* one GGUF weight block as eight 4-byte words lined up with the activation's words;
   Q8_0 and Q4_0 (2-byte aligned): f16 d, then the quants. The block comes in as the
   aligned 4-byte words that hold it (9 for Q8_0, 5 for Q4_0, the last one a 2-byte load
   when the block starts 4-byte aligned, so nothing past its end is read): half the load
   instructions of 2-byte loads, each touching as many cache lines. */
template <int QT> struct aieng__ll_w {
    enum { BYTES = QT == AIENG_CUDA_Q8_0 ? 34 : 18, NW = (BYTES + 2) / 4, MIN = 0 };
    static __device__ __forceinline__ void load(const uint8_t *b, int w[8], float &d, float &m) {
        const uintptr_t a = (uintptr_t)b;
        const uint32_t mis = (uint32_t)(a & 2u); /* 0 or 2 */
        const uint32_t *u = reinterpret_cast<const uint32_t *>(a - mis);
        uint32_t v[NW];
#pragma unroll
        for (int i = 0; i < NW - 1; i++) v[i] = __ldg(u + i);
        v[NW - 1] = mis ? __ldg(u + NW - 1) : (uint32_t)__ldg(reinterpret_cast<const uint16_t *>(u + NW - 1));
        d = aieng__h2f_bits((uint16_t)(__funnelshift_rc(v[0], v[1], 8u * mis) & 0xffffu));
        m = 0.0f;
#pragma unroll
        for (int i = 0; i < (QT == AIENG_CUDA_Q8_0 ? 8 : 4); i++) {
            const uint32_t q = __funnelshift_rc(v[i], v[i + 1], 16u + 8u * mis); /* block bytes 2+4i .. 5+4i */
            if (QT == AIENG_CUDA_Q8_0) {
                w[i] = (int)q;
            } else {
                w[i] = (int)__vsub4(q & 0x0f0f0f0fu, 0x08080808u);
                w[4 + i] = (int)__vsub4((q >> 4) & 0x0f0f0f0fu, 0x08080808u);
            }
        }
    }
};
template <> struct aieng__ll_w<AIENG_CUDA_Q4_1> {
    enum { BYTES = 20, MIN = 1 };
    static __device__ __forceinline__ void load(const uint8_t *b, int w[8], float &d, float &m) {
        const uint32_t *u = reinterpret_cast<const uint32_t *>(b);
        uint32_t dm = __ldg(u);
        d = aieng__h2f_bits((uint16_t)(dm & 0xffff));
        m = aieng__h2f_bits((uint16_t)(dm >> 16));
#pragma unroll
        for (int i = 0; i < 4; i++) {
            uint32_t q = __ldg(u + 1 + i);
            w[i] = (int)(q & 0x0f0f0f0fu);
            w[4 + i] = (int)((q >> 4) & 0x0f0f0f0fu);
        }
    }
};
/* 4 bytes at a 2-byte aligned address */
static __device__ __forceinline__ uint32_t aieng__ll_ld4(const uint8_t *p) {
    const uint16_t *h = reinterpret_cast<const uint16_t *>(p);
    return (uint32_t)__ldg(h) | ((uint32_t)__ldg(h + 1) << 16);
}
/* bits 0..3 of b to bit 4 of bytes 0..3 (the fifth bit of Q5 values) */
static __device__ __forceinline__ uint32_t aieng__ll_bit4(uint32_t b) {
    return ((b & 1u) << 4) | ((b & 2u) << 11) | ((b & 4u) << 18) | ((b & 8u) << 25);
}
/* Q5_0 (22 bytes, 2-byte aligned): f16 d, 32 high bits, 16 bytes of nibbles; q − 16 */
template <> struct aieng__ll_w<AIENG_CUDA_Q5_0> {
    enum { BYTES = 22, MIN = 0 };
    static __device__ __forceinline__ void load(const uint8_t *b, int w[8], float &d, float &m) {
        const uint32_t qh = aieng__ll_ld4(b + 2);
        d = aieng__h2f_bits(__ldg(reinterpret_cast<const uint16_t *>(b)));
        m = 0.0f;
#pragma unroll
        for (int i = 0; i < 4; i++) {
            const uint32_t q = aieng__ll_ld4(b + 6 + 4 * i);
            w[i] = (int)__vsub4((q & 0x0f0f0f0fu) | aieng__ll_bit4(qh >> (4 * i)), 0x10101010u);
            w[4 + i] = (int)__vsub4(((q >> 4) & 0x0f0f0f0fu) | aieng__ll_bit4(qh >> (16 + 4 * i)), 0x10101010u);
        }
    }
};
/* Q5_1 (24 bytes, 4-byte aligned): f16 d, f16 m, 32 high bits, 16 bytes of nibbles */
template <> struct aieng__ll_w<AIENG_CUDA_Q5_1> {
    enum { BYTES = 24, MIN = 1 };
    static __device__ __forceinline__ void load(const uint8_t *b, int w[8], float &d, float &m) {
        const uint32_t *u = reinterpret_cast<const uint32_t *>(b);
        const uint32_t dm = __ldg(u), qh = __ldg(u + 1);
        d = aieng__h2f_bits((uint16_t)(dm & 0xffff));
        m = aieng__h2f_bits((uint16_t)(dm >> 16));
#pragma unroll
        for (int i = 0; i < 4; i++) {
            const uint32_t q = __ldg(u + 2 + i);
            w[i] = (int)((q & 0x0f0f0f0fu) | aieng__ll_bit4(qh >> (4 * i)));
            w[4 + i] = (int)(((q >> 4) & 0x0f0f0f0fu) | aieng__ll_bit4(qh >> (16 + 4 * i)));
        }
    }
};
/* k-quants, a lane per 32 values (sub-block j of a 256-value block): the 32 values as eight
   words, the scales of its two halves (sc0, sc1), the sub-block's min (Q4_K), d and dmin */
template <int QT> struct aieng__ll_wk;
template <> struct aieng__ll_wk<AIENG_CUDA_Q4_K> {
    enum { BYTES = 144 }; /* f16 d, f16 dmin, 12 bytes of 6-bit scales and mins, 128 bytes of nibbles */
    static __device__ __forceinline__ void load(const uint8_t *b, int j, int w[8], int &sc0, int &sc1, int &mn, float &d,
                                                float &dmin) {
        const uint32_t *u = reinterpret_cast<const uint32_t *>(b); /* 144-byte blocks: 16-byte aligned rows */
        const uint32_t dm = __ldg(u), s0 = __ldg(u + 1), s1 = __ldg(u + 2), s2 = __ldg(u + 3);
        d = aieng__h2f_bits((uint16_t)(dm & 0xffff));
        dmin = aieng__h2f_bits((uint16_t)(dm >> 16));
        /* ggml's get_scale_min_k4(j): bytes j, j + 4 (j < 4), else j + 4 with the top bits of j − 4 and j */
        const uint32_t sh = 8u * (uint32_t)(j & 3);
        if (j < 4) {
            sc0 = (int)((s0 >> sh) & 63u);
            mn = (int)((s1 >> sh) & 63u);
        } else {
            sc0 = (int)(((s2 >> sh) & 15u) | (((s0 >> sh) >> 6 & 3u) << 4));
            mn = (int)(((s2 >> sh) >> 4 & 15u) | (((s1 >> sh) >> 6 & 3u) << 4));
        }
        sc1 = sc0;
        const uint4 *qp = reinterpret_cast<const uint4 *>(b + 16 + 32 * (j >> 1));
        const uint4 q0 = __ldg(qp), q1 = __ldg(qp + 1);
        const int nsh = 4 * (j & 1);
        w[0] = (int)((q0.x >> nsh) & 0x0f0f0f0fu); w[1] = (int)((q0.y >> nsh) & 0x0f0f0f0fu);
        w[2] = (int)((q0.z >> nsh) & 0x0f0f0f0fu); w[3] = (int)((q0.w >> nsh) & 0x0f0f0f0fu);
        w[4] = (int)((q1.x >> nsh) & 0x0f0f0f0fu); w[5] = (int)((q1.y >> nsh) & 0x0f0f0f0fu);
        w[6] = (int)((q1.z >> nsh) & 0x0f0f0f0fu); w[7] = (int)((q1.w >> nsh) & 0x0f0f0f0fu);
    }
};
template <> struct aieng__ll_wk<AIENG_CUDA_Q6_K> {
    enum { BYTES = 210 }; /* ql[128], qh[64], int8 scales[16], f16 d; 2-byte aligned */
    static __device__ __forceinline__ void load(const uint8_t *b, int j, int w[8], int &sc0, int &sc1, int &mn, float &d,
                                                float &dmin) {
        const int h = j >> 2, s = j & 3; /* values 128h + 32s .. +31 */
        const uint8_t *ql = b + 64 * h + 32 * (s & 1), *qh = b + 128 + 32 * h;
        const int nsh = 4 * (s >> 1), hsh = 2 * s;
#pragma unroll
        for (int k = 0; k < 8; k++) {
            const uint32_t lo = (aieng__ll_ld4(ql + 4 * k) >> nsh) & 0x0f0f0f0fu;
            const uint32_t hi = ((aieng__ll_ld4(qh + 4 * k) >> hsh) & 0x03030303u) << 4;
            w[k] = (int)__vsub4(lo | hi, 0x20202020u);
        }
        sc0 = (int)(int8_t)__ldg(b + 192 + 8 * h + 2 * s);
        sc1 = (int)(int8_t)__ldg(b + 192 + 8 * h + 2 * s + 1);
        mn = 0;
        d = aieng__h2f_bits(__ldg(reinterpret_cast<const uint16_t *>(b + 208)));
        dmin = 0.0f;
    }
};
#define AIENG__MMQ_WARPS 4
#define AIENG__MMQ_TOK 8
#define AIENG__MMQ_SEGS 3
/* up to three matrices of one type and K that read the same activations (q, k, v; gate,
   up), their rows one after another in one launch */
typedef struct aieng__ll_mmq_args {
    const uint8_t *W[AIENG__MMQ_SEGS];
    float *y[AIENG__MMQ_SEGS];
    int64_t M[AIENG__MMQ_SEGS], ldy[AIENG__MMQ_SEGS];
    int nseg;
} aieng__ll_mmq_args;
/* the segment that holds launch row `row` (made relative to it): its weights, output and
   stride; false past the last. Constant indices, so the arguments stay in parameter space. */
static __device__ __forceinline__ bool aieng__ll_mmq_row(const aieng__ll_mmq_args &m, int64_t &row, const uint8_t *&W, float *&y,
                                                         int64_t &ldy) {
    W = NULL;
    y = NULL;
    ldy = 0;
#pragma unroll
    for (int i = 0; i < AIENG__MMQ_SEGS; i++)
        if (!W && i < m.nseg) {
            if (row < m.M[i]) W = m.W[i], y = m.y[i], ldy = m.ldy[i];
            else row -= m.M[i];
        }
    return W != NULL;
}
/* y[t][row] (+)= W[row]·a[t] for t < T: one warp per weight row, a lane per block of 32,
   up to 8 tokens per pass over the row; per block (d_w·d_a)·Σ(q_w·q_a) (+ m_w·s_a). */
template <int QT>
__global__ void __launch_bounds__(AIENG__MMQ_WARPS * 32) aieng__ll_mmq_k(aieng__ll_mmq_args m, int64_t K,
                                                                        const int8_t *aq, const float2 *ad, int T,
                                                                        int accumulate) {
    typedef aieng__ll_w<QT> B;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int64_t row = (int64_t)blockIdx.x * AIENG__MMQ_WARPS + warp, ldy;
    const uint8_t *W;
    float *y;
    if (!aieng__ll_mmq_row(m, row, W, y, ldy)) return;
    const int64_t nb = K / 32;
    const uint8_t *wr = W + row * nb * B::BYTES;
    for (int t0 = 0; t0 < T; t0 += AIENG__MMQ_TOK) {
        const int nt = min(AIENG__MMQ_TOK, T - t0);
        float s[AIENG__MMQ_TOK], sm[AIENG__MMQ_TOK];
#pragma unroll
        for (int i = 0; i < AIENG__MMQ_TOK; i++) s[i] = sm[i] = 0.0f;
        for (int64_t blk = lane; blk < nb; blk += 32) {
            int w[8];
            float d, m;
            B::load(wr + blk * B::BYTES, w, d, m);
#pragma unroll
            for (int tt = 0; tt < AIENG__MMQ_TOK; tt++) {
                if (tt >= nt) break;
                const int64_t t = t0 + tt;
                const int4 *ap = reinterpret_cast<const int4 *>(aq + t * K + blk * 32);
                const int4 a0 = ap[0], a1 = ap[1];
                int is = __dp4a(w[0], a0.x, 0);
                is = __dp4a(w[1], a0.y, is);
                is = __dp4a(w[2], a0.z, is);
                is = __dp4a(w[3], a0.w, is);
                is = __dp4a(w[4], a1.x, is);
                is = __dp4a(w[5], a1.y, is);
                is = __dp4a(w[6], a1.z, is);
                is = __dp4a(w[7], a1.w, is);
                const float2 ds = ad[t * nb + blk];
                s[tt] = fmaf(__fmul_rn(d, ds.x), (float)is, s[tt]);
                if (B::MIN) sm[tt] = __fadd_rn(sm[tt], __fmul_rn(m, ds.y));
            }
        }
#pragma unroll
        for (int tt = 0; tt < AIENG__MMQ_TOK; tt++) {
            if (tt >= nt) break;
            float v = aieng__warp_sum(s[tt]);
            if (B::MIN) v = __fadd_rn(v, aieng__warp_sum(sm[tt]));
            if (lane == 0) {
                float *yp = y + (int64_t)(t0 + tt) * ldy + row;
                *yp = accumulate ? __fadd_rn(*yp, v) : v;
            }
        }
    }
}
/* the same for k-quant matrices against Q8_K activations (qk, dk per 256, sk per 32): a lane per
   32 values; the 8 lanes of a 256-value block add their integer sums (Σ scale·Σq·q8, and
   Σ min·Σq8) before the block's float term, as aieng_quant.h's dot product does:
   (d·d8)·isum − (dmin·d8)·msum */
template <int QT>
__global__ void __launch_bounds__(AIENG__MMQ_WARPS * 32) aieng__ll_mmqk_k(aieng__ll_mmq_args m, int64_t K, aieng__ll_act a,
                                                                         int T, int accumulate) {
    typedef aieng__ll_wk<QT> B;
    const int lane = threadIdx.x & 31, warp = threadIdx.x >> 5;
    int64_t row = (int64_t)blockIdx.x * AIENG__MMQ_WARPS + warp, ldy;
    const uint8_t *W;
    float *y;
    if (!aieng__ll_mmq_row(m, row, W, y, ldy)) return;
    const int64_t nsub = K / 32, nsb = K / 256;
    const uint8_t *wr = W + row * nsb * B::BYTES;
    for (int t0 = 0; t0 < T; t0 += AIENG__MMQ_TOK) {
        const int nt = min(AIENG__MMQ_TOK, T - t0);
        float s[AIENG__MMQ_TOK];
#pragma unroll
        for (int i = 0; i < AIENG__MMQ_TOK; i++) s[i] = 0.0f;
        for (int64_t base = 0; base < nsub; base += 32) { /* nsub is a multiple of 8: whole blocks are on or off */
            const int64_t blk = base + lane;
            const bool on = blk < nsub;
            int w[8] = {0, 0, 0, 0, 0, 0, 0, 0}, sc0 = 0, sc1 = 0, mn = 0;
            float d = 0.0f, dmin = 0.0f;
            if (on) B::load(wr + (blk >> 3) * B::BYTES, (int)(blk & 7), w, sc0, sc1, mn, d, dmin);
#pragma unroll
            for (int tt = 0; tt < AIENG__MMQ_TOK; tt++) {
                if (tt >= nt) break;
                const int64_t t = t0 + tt;
                int is = 0, ms = 0;
                float yd = 0.0f;
                if (on) {
                    const int4 *ap = reinterpret_cast<const int4 *>(a.qk + t * K + blk * 32);
                    const int4 a0 = ap[0], a1 = ap[1];
                    int lo = __dp4a(w[0], a0.x, 0);
                    lo = __dp4a(w[1], a0.y, lo);
                    lo = __dp4a(w[2], a0.z, lo);
                    lo = __dp4a(w[3], a0.w, lo);
                    int hi = __dp4a(w[4], a1.x, 0);
                    hi = __dp4a(w[5], a1.y, hi);
                    hi = __dp4a(w[6], a1.z, hi);
                    hi = __dp4a(w[7], a1.w, hi);
                    is = sc0 * lo + sc1 * hi;
                    ms = mn * a.sk[t * nsub + blk];
                    yd = a.dk[t * nsb + (blk >> 3)];
                }
                for (int o = 1; o < 8; o <<= 1) {
                    is += __shfl_xor_sync(0xffffffffu, is, o);
                    ms += __shfl_xor_sync(0xffffffffu, ms, o);
                }
                if (on && (lane & 7) == 0)
                    s[tt] = __fadd_rn(s[tt], __fsub_rn(__fmul_rn(__fmul_rn(d, yd), (float)is), __fmul_rn(__fmul_rn(dmin, yd), (float)ms)));
            }
        }
#pragma unroll
        for (int tt = 0; tt < AIENG__MMQ_TOK; tt++) {
            if (tt >= nt) break;
            const float v = aieng__warp_sum(s[tt]);
            if (lane == 0) {
                float *yp = y + (int64_t)(t0 + tt) * ldy + row;
                *yp = accumulate ? __fadd_rn(*yp, v) : v;
            }
        }
    }
}
/* value i of a row of the embedding table, dequantized as aieng_quant.h does */
static __device__ float aieng__ll_deq(const uint8_t *row, int type, int64_t i) {
    const int64_t b = i / 32;
    const int j = (int)(i % 32);
    if (type == AIENG_CUDA_F32) return reinterpret_cast<const float *>(row)[i];
    if (type == AIENG_CUDA_F16) return aieng__h2f_bits(reinterpret_cast<const uint16_t *>(row)[i]);
    if (type == AIENG_CUDA_Q8_0) {
        const uint8_t *bl = row + b * 34;
        return __fmul_rn((float)(int8_t)bl[2 + j], aieng__h2f_bits((uint16_t)(bl[0] | (bl[1] << 8))));
    }
    if (type == AIENG_CUDA_Q4_0 || type == AIENG_CUDA_Q5_0) {
        const int five = type == AIENG_CUDA_Q5_0;
        const uint8_t *bl = row + b * (five ? 22 : 18), *qs = bl + (five ? 6 : 2);
        int q = j < 16 ? (qs[j] & 15) : (qs[j - 16] >> 4);
        if (five) q |= (int)((((uint32_t)bl[2] | ((uint32_t)bl[3] << 8) | ((uint32_t)bl[4] << 16) | ((uint32_t)bl[5] << 24)) >> j) & 1u) << 4;
        return __fmul_rn((float)(q - (five ? 16 : 8)), aieng__h2f_bits((uint16_t)(bl[0] | (bl[1] << 8))));
    }
    if (type == AIENG_CUDA_Q4_1 || type == AIENG_CUDA_Q5_1) {
        const int five = type == AIENG_CUDA_Q5_1;
        const uint8_t *bl = row + b * (five ? 24 : 20), *qs = bl + (five ? 8 : 4);
        int q = j < 16 ? (qs[j] & 15) : (qs[j - 16] >> 4);
        if (five) q |= (int)((((uint32_t)bl[4] | ((uint32_t)bl[5] << 8) | ((uint32_t)bl[6] << 16) | ((uint32_t)bl[7] << 24)) >> j) & 1u) << 4;
        return __fadd_rn(__fmul_rn((float)q, aieng__h2f_bits((uint16_t)(bl[0] | (bl[1] << 8)))),
                         aieng__h2f_bits((uint16_t)(bl[2] | (bl[3] << 8))));
    }
    const int64_t sb = i / 256;
    const int k = (int)(i % 256);
    if (type == AIENG_CUDA_Q4_K) {
        const uint8_t *bl = row + sb * 144, *sc = bl + 4;
        const int c = k / 64, l = k % 64, sj = 2 * c + (l >= 32);
        const int q = l < 32 ? (bl[16 + 32 * c + l] & 15) : (bl[16 + 32 * c + l - 32] >> 4);
        int scale, mn;
        if (sj < 4) { scale = sc[sj] & 63; mn = sc[sj + 4] & 63; }
        else { scale = (sc[sj + 4] & 15) | ((sc[sj - 4] >> 6) << 4); mn = (sc[sj + 4] >> 4) | ((sc[sj] >> 6) << 4); }
        const float d = aieng__h2f_bits((uint16_t)(bl[0] | (bl[1] << 8))), dmin = aieng__h2f_bits((uint16_t)(bl[2] | (bl[3] << 8)));
        return __fsub_rn(__fmul_rn(__fmul_rn(d, (float)scale), (float)q), __fmul_rn(dmin, (float)mn));
    }
    /* Q6_K */
    const uint8_t *bl = row + sb * 210;
    const int h = k / 128, r = k % 128, qs = r / 32, l = r % 32;
    const int ql = bl[64 * h + 32 * (qs & 1) + l];
    const int q = (((qs >> 1) ? ql >> 4 : ql & 15) | (((bl[128 + 32 * h + l] >> (2 * qs)) & 3) << 4)) - 32;
    const int scale = (int8_t)bl[192 + 8 * h + l / 16 + 2 * qs];
    return __fmul_rn(__fmul_rn(aieng__h2f_bits((uint16_t)(bl[208] | (bl[209] << 8))), (float)scale), (float)q);
}
/* x[t] = row ids[t] of the embedding table, dequantized */
__global__ void aieng__ll_embed_k(const uint8_t *E, int type, int64_t D, size_t row_bytes, const int32_t *ids, float *x) {
    const int64_t t = blockIdx.x;
    const uint8_t *row = E + (size_t)ids[t] * row_bytes;
    for (int64_t i = threadIdx.x; i < D; i += blockDim.x) x[t * D + i] = aieng__ll_deq(row, type, i);
}
/* per token: RoPE (adjacent pairs, cos/sin from the table) on q and k; q -> f16 q16,
   k and v -> f16 cache rows at position n_past + t; the sequence length for paged decode.
   n_past is read from device memory, so that a captured decode step serves every position. */
__global__ void aieng__ll_qkv_k(const float *q, const float *k, const float *v, const float *cs, const int32_t *npast, int D,
                                int kvd, int hd, int n_rot, __half *q16, __half *kc, __half *vc, int32_t *seq_len, int T) {
    const int64_t n_past = *npast, t = blockIdx.x, pos = n_past + t;
    const float *csr = cs + pos * n_rot;
    for (int p = threadIdx.x; p < (D + kvd) / 2; p += blockDim.x) {
        const int e = 2 * p;
        const float *src;
        __half *dst;
        int dh;
        if (e < D) { src = q + t * D + e; dst = q16 + t * D + e; dh = e % hd; }
        else { src = k + t * kvd + (e - D); dst = kc + pos * kvd + (e - D); dh = (e - D) % hd; }
        float x0 = src[0], x1 = src[1];
        if (dh < n_rot) {
            const float c = csr[dh], s = csr[dh + 1];
            const float y0 = __fsub_rn(__fmul_rn(x0, c), __fmul_rn(x1, s)), y1 = __fadd_rn(__fmul_rn(x0, s), __fmul_rn(x1, c));
            x0 = y0;
            x1 = y1;
        }
        dst[0] = __float2half_rn(x0);
        dst[1] = __float2half_rn(x1);
    }
    for (int i = threadIdx.x; i < kvd; i += blockDim.x) vc[pos * kvd + i] = __float2half_rn(v[t * kvd + i]);
    if (t == 0 && threadIdx.x == 0) *seq_len = (int32_t)(n_past + T);
}

typedef struct aieng__ll_mat { const uint8_t *d; int type; int64_t n_in, n_out; } aieng__ll_mat;
typedef struct aieng__ll_layer {
    const float *an, *fn;
    aieng__ll_mat wq, wk, wv, wo, wg, wu, wd;
    __half *kc, *vc;
} aieng__ll_layer;
struct aieng_cuda_llama {
    aieng_cuda *cu;
    aieng_cuda_llama_desc hp;
    unsigned char *arena;
    size_t arena_bytes, arena_used;
    aieng__ll_mat tok, out;
    const float *onorm;
    aieng__ll_layer *L;
    float *cs, *x, *q, *k, *v, *hb, *hb2, *logits;
    int32_t *bt, *seq_len, *step, *ids; /* step: n_past, then the ids (one upload a call) */
    int32_t *hstep;                     /* its host copy */
    __half *q16, *att16;
    aieng__ll_act act;                  /* the quantized activations of the next matrix product */
    int kq;                             /* some matrix is a k-quant: Q8_K activations too */
    int64_t n_past, block_size, num_blocks;
    /* the decode step as a CUDA graph, valid while paged decode's key splits and the
       workspace it writes them to stay those it was captured with */
    cudaGraphExec_t graph;
    cudaStream_t capture;
    int graph_split_len, graph_nsplit;
    void *graph_ws;
    int64_t n_captures;
};
#define AIENG__LL_BS 16 /* KV page size (tokens) */
static void *aieng__ll_take(aieng_cuda_llama *g, size_t bytes) {
    size_t off = (g->arena_used + 255) / 256 * 256;
    g->arena_used = off + bytes;
    return g->arena ? g->arena + off : NULL;
}
static int aieng__ll_ktype(int t) { return t == AIENG_CUDA_Q4_K || t == AIENG_CUDA_Q6_K; }
static int aieng__ll_mm_type(int t) {
    return t == AIENG_CUDA_Q4_0 || t == AIENG_CUDA_Q4_1 || t == AIENG_CUDA_Q5_0 || t == AIENG_CUDA_Q5_1 || t == AIENG_CUDA_Q8_0 ||
           aieng__ll_ktype(t);
}
static aieng_result aieng__ll_matrix(aieng_cuda_llama *g, aieng__ll_mat *dst, const aieng_cuda_weight *w, int64_t n_in,
                                     int64_t n_out, const char *what, int embed) {
    const size_t bytes = aieng_cuda_row_bytes(w->type, n_in) * (size_t)n_out;
    if (!w->data || w->n_in != n_in || w->n_out != n_out)
        return aieng_set_error(AIENG_ERR_SHAPE, "cuda_llama: %s is missing or not %lld x %lld", what, (long long)n_out, (long long)n_in);
    if ((aieng__ll_mm_type(w->type) || w->type == AIENG_CUDA_F32 || w->type == AIENG_CUDA_F16) && bytes == 0)
        return aieng_set_error(AIENG_ERR_SHAPE, "cuda_llama: %s has rows of %lld values, not whole blocks of GGUF type %d", what,
                               (long long)n_in, w->type);
    if (!(aieng__ll_mm_type(w->type) || (embed && (w->type == AIENG_CUDA_F32 || w->type == AIENG_CUDA_F16))) || bytes == 0)
        return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_llama: %s has GGUF type %d (Q4_0, Q4_1, Q5_0, Q5_1, Q8_0, Q4_K or Q6_K needed)",
                               what, w->type);
    if (aieng__ll_ktype(w->type)) g->kq = 1; /* (an embedding table may be the output matrix too) */
    dst->type = w->type;
    dst->n_in = n_in;
    dst->n_out = n_out;
    dst->d = (const uint8_t *)aieng__ll_take(g, bytes);
    if (g->arena) return aieng_cuda_upload(g->cu, (void *)dst->d, w->data, bytes);
    return AIENG_OK;
}
static aieng_result aieng__ll_vector(aieng_cuda_llama *g, const float **dst, const float *src, int64_t n, const char *what) {
    if (!src) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_llama: %s missing", what);
    *dst = (const float *)aieng__ll_take(g, (size_t)n * sizeof(float));
    if (g->arena) return aieng_cuda_upload(g->cu, (void *)*dst, src, (size_t)n * sizeof(float));
    return AIENG_OK;
}
/* two passes: sizes (arena NULL), then allocations and uploads */
static aieng_result aieng__ll_layout(aieng_cuda_llama *g) {
    const aieng_cuda_llama_desc *d = &g->hp;
    const int64_t D = d->n_embd, kvd = d->n_head_kv * d->head_dim, ff = d->n_ff, B = d->n_batch, mx = D > ff ? D : ff;
    const int64_t ctx = g->num_blocks * g->block_size;
    aieng_result r;
    g->arena_used = 0;
    if ((r = aieng__ll_matrix(g, &g->tok, &d->tok_embd, D, d->n_vocab, "token_embd", 1)) != AIENG_OK) return r;
    if (d->output.data == d->tok_embd.data && d->output.type == d->tok_embd.type && aieng__ll_mm_type(d->output.type)) g->out = g->tok;
    else if ((r = aieng__ll_matrix(g, &g->out, &d->output, D, d->n_vocab, "output", 0)) != AIENG_OK) return r;
    if ((r = aieng__ll_vector(g, &g->onorm, d->out_norm, D, "output_norm")) != AIENG_OK) return r;
    for (int64_t l = 0; l < d->n_layer; l++) {
        const aieng_cuda_llama_layer *s = &d->layers[l];
        aieng__ll_layer *y = &g->L[l];
        if ((r = aieng__ll_vector(g, &y->an, s->attn_norm, D, "attn_norm")) != AIENG_OK) return r;
        if ((r = aieng__ll_vector(g, &y->fn, s->ffn_norm, D, "ffn_norm")) != AIENG_OK) return r;
        if ((r = aieng__ll_matrix(g, &y->wq, &s->wq, D, D, "attn_q", 0)) != AIENG_OK) return r;
        if ((r = aieng__ll_matrix(g, &y->wk, &s->wk, D, kvd, "attn_k", 0)) != AIENG_OK) return r;
        if ((r = aieng__ll_matrix(g, &y->wv, &s->wv, D, kvd, "attn_v", 0)) != AIENG_OK) return r;
        if ((r = aieng__ll_matrix(g, &y->wo, &s->wo, D, D, "attn_output", 0)) != AIENG_OK) return r;
        if ((r = aieng__ll_matrix(g, &y->wg, &s->w_gate, D, ff, "ffn_gate", 0)) != AIENG_OK) return r;
        if ((r = aieng__ll_matrix(g, &y->wu, &s->w_up, D, ff, "ffn_up", 0)) != AIENG_OK) return r;
        if ((r = aieng__ll_matrix(g, &y->wd, &s->w_down, ff, D, "ffn_down", 0)) != AIENG_OK) return r;
        y->kc = (__half *)aieng__ll_take(g, (size_t)(ctx * kvd) * 2);
        y->vc = (__half *)aieng__ll_take(g, (size_t)(ctx * kvd) * 2);
    }
    g->cs = (float *)aieng__ll_take(g, (size_t)(ctx * d->n_rot) * sizeof(float));
    g->bt = (int32_t *)aieng__ll_take(g, (size_t)g->num_blocks * sizeof(int32_t));
    g->seq_len = (int32_t *)aieng__ll_take(g, sizeof(int32_t));
    g->step = (int32_t *)aieng__ll_take(g, (size_t)(B + 1) * sizeof(int32_t));
    g->ids = g->step ? g->step + 1 : NULL;
    g->x = (float *)aieng__ll_take(g, (size_t)(B * D) * sizeof(float));
    g->q = (float *)aieng__ll_take(g, (size_t)(B * D) * sizeof(float));
    g->k = (float *)aieng__ll_take(g, (size_t)(B * kvd) * sizeof(float));
    g->v = (float *)aieng__ll_take(g, (size_t)(B * kvd) * sizeof(float));
    g->hb = (float *)aieng__ll_take(g, (size_t)(B * ff) * sizeof(float));
    g->hb2 = (float *)aieng__ll_take(g, (size_t)(B * ff) * sizeof(float));
    g->logits = (float *)aieng__ll_take(g, (size_t)d->n_vocab * sizeof(float));
    g->q16 = (__half *)aieng__ll_take(g, (size_t)(B * D) * 2);
    g->att16 = (__half *)aieng__ll_take(g, (size_t)(B * D) * 2);
    g->act.q = (int8_t *)aieng__ll_take(g, (size_t)(B * mx));
    g->act.d = (float2 *)aieng__ll_take(g, (size_t)(B * mx / 32) * sizeof(float2));
    if (g->kq) { /* Q8_K copies for the k-quant matrices */
        g->act.qk = (int8_t *)aieng__ll_take(g, (size_t)(B * mx));
        g->act.dk = (float *)aieng__ll_take(g, (size_t)(B * mx / 256 + 1) * sizeof(float));
        g->act.sk = (int *)aieng__ll_take(g, (size_t)(B * mx / 32) * sizeof(int));
    }
    return AIENG_OK;
}
AIENG_API void aieng_cuda_llama_free(aieng_cuda_llama *g) {
    if (!g) return;
    if (g->graph) cudaGraphExecDestroy(g->graph);
    if (g->capture) cudaStreamDestroy(g->capture);
    if (g->arena) cudaFree(g->arena);
    aieng_free(NULL, g->hstep);
    aieng_free(NULL, g->L);
    aieng_free(NULL, g);
}
AIENG_API aieng_result aieng_cuda_llama_new(aieng_cuda *cu, const aieng_cuda_llama_desc *d, aieng_cuda_llama **out) {
    aieng_cuda_llama *g;
    aieng_result r;
    if (out) *out = NULL;
    if (!cu || !d || !out || !d->layers) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_llama_new: NULL argument");
    if (d->n_vocab <= 0 || d->n_vocab > INT32_MAX || d->n_embd <= 0 || d->n_embd % 32 || d->n_ff <= 0 || d->n_ff % 32 ||
        d->n_layer <= 0 || d->n_head <= 0 || d->n_head_kv <= 0 || d->n_head % d->n_head_kv ||
        d->n_head * d->head_dim != d->n_embd || d->n_rot <= 0 || d->n_rot > d->head_dim || d->n_rot % 2 ||
        d->n_ctx <= 0 || d->n_ctx > (1 << 24) || d->n_batch < 0 || !(d->rope_base > 0.0f))
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_llama_new: bad hyperparameters");
    if (d->head_dim != 64 && d->head_dim != 128)
        return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_llama_new: head_dim %lld (64 or 128)", (long long)d->head_dim);
    g = (aieng_cuda_llama *)aieng_alloc(NULL, sizeof *g);
    if (!g) return aieng_set_error(AIENG_ERR_OOM, "cuda_llama_new: out of memory");
    memset(g, 0, sizeof *g);
    g->cu = cu;
    g->hp = *d;
    g->hp.layers = NULL;
    if (g->hp.n_batch == 0) g->hp.n_batch = 512;
    if (g->hp.n_batch > g->hp.n_ctx) g->hp.n_batch = g->hp.n_ctx;
    g->block_size = AIENG__LL_BS;
    g->num_blocks = (d->n_ctx + AIENG__LL_BS - 1) / AIENG__LL_BS;
    g->L = (aieng__ll_layer *)aieng_alloc(NULL, (size_t)d->n_layer * sizeof(aieng__ll_layer));
    if (!g->L) { aieng_free(NULL, g); return aieng_set_error(AIENG_ERR_OOM, "cuda_llama_new: out of memory"); }
    memset(g->L, 0, (size_t)d->n_layer * sizeof(aieng__ll_layer));
    g->hp.layers = d->layers;
    g->hstep = (int32_t *)aieng_alloc(NULL, (size_t)(g->hp.n_batch + 1) * sizeof(int32_t));
    r = g->hstep ? aieng__ll_layout(g) /* sizes only */ : aieng_set_error(AIENG_ERR_OOM, "cuda_llama_new: out of memory");
    if (r == AIENG_OK) r = aieng_cuda_malloc(cu, (void **)&g->arena, g->arena_used);
    if (r == AIENG_OK) {
        g->arena_bytes = g->arena_used;
        r = aieng__ll_layout(g);
    }
    g->hp.layers = NULL;
    if (r == AIENG_OK) { /* RoPE table as aieng_transformer.h's rope cache: theta stepped in float */
        const int64_t ctx = g->num_blocks * g->block_size, nr = d->n_rot;
        float *cs = (float *)aieng_alloc(NULL, (size_t)(ctx * nr) * sizeof(float));
        int32_t *bt = (int32_t *)aieng_alloc(NULL, (size_t)g->num_blocks * sizeof(int32_t));
        if (!cs || !bt) r = aieng_set_error(AIENG_ERR_OOM, "cuda_llama_new: out of memory");
        else {
            const float theta_scale = powf(d->rope_base, -2.0f / (float)nr);
            for (int64_t p = 0; p < ctx; p++) {
                float theta = (float)p;
                for (int64_t i = 0; i < nr; i += 2) {
                    cs[p * nr + i] = cosf(theta);
                    cs[p * nr + i + 1] = sinf(theta);
                    theta *= theta_scale;
                }
            }
            for (int64_t i = 0; i < g->num_blocks; i++) bt[i] = (int32_t)i;
            r = aieng_cuda_upload(cu, g->cs, cs, (size_t)(ctx * nr) * sizeof(float));
            if (r == AIENG_OK) r = aieng_cuda_upload(cu, g->bt, bt, (size_t)g->num_blocks * sizeof(int32_t));
        }
        aieng_free(NULL, cs);
        aieng_free(NULL, bt);
    }
    if (r != AIENG_OK) {
        aieng_cuda_llama_free(g);
        return r;
    }
    *out = g;
    return AIENG_OK;
}
AIENG_API int64_t aieng_cuda_llama_n_past(const aieng_cuda_llama *g) { return g ? g->n_past : 0; }
AIENG_API int64_t aieng_cuda_llama_n_ctx(const aieng_cuda_llama *g) { return g ? g->hp.n_ctx : 0; }
AIENG_API size_t aieng_cuda_llama_device_bytes(const aieng_cuda_llama *g) { return g ? g->arena_bytes : 0; }
AIENG_API aieng_result aieng_cuda_llama_kv_truncate(aieng_cuda_llama *g, int64_t n) {
    if (!g || n < 0 || n > g->n_past) return aieng_set_error(AIENG_ERR_RANGE, "cuda_llama_kv_truncate: bad length");
    g->n_past = n;
    return AIENG_OK;
}
/* the activations to quantize for rows of n values: Q8_K as well where a k-quant matrix may read them */
static aieng__ll_act aieng__ll_acts(const aieng_cuda_llama *g, int64_t n) {
    aieng__ll_act a = g->act;
    if (!g->kq || n % 256) a.qk = NULL, a.dk = NULL, a.sk = NULL;
    return a;
}
/* y_i[t] (+)= W_i·a[t] for T tokens whose activations are in g->act, for the n
   matrices w[i] (same n_in): one launch for those of each type (fewer launches a decode step;
   the same bits as one launch each) */
static aieng_result aieng__ll_mm(aieng_cuda_llama *g, int n, const aieng__ll_mat *const *w, float *const *y, const int64_t *ldy,
                                 int T, int acc) {
    cudaStream_t s = aieng__stream(g->cu);
    int done = 0; /* bit i: w[i] launched */
    for (int i = 0; i < n; i++) {
        aieng__ll_mmq_args m;
        int64_t rows = 0;
        if (done >> i & 1) continue;
        memset(&m, 0, sizeof m);
        for (int j = i; j < n && m.nseg < AIENG__MMQ_SEGS; j++)
            if (!(done >> j & 1) && w[j]->type == w[i]->type) {
                m.W[m.nseg] = w[j]->d;
                m.y[m.nseg] = y[j];
                m.M[m.nseg] = w[j]->n_out;
                m.ldy[m.nseg++] = ldy[j];
                rows += w[j]->n_out;
                done |= 1 << j;
            }
        const unsigned blocks = (unsigned)((rows + AIENG__MMQ_WARPS - 1) / AIENG__MMQ_WARPS);
        const int64_t K = w[i]->n_in;
        const dim3 grid(blocks), block(AIENG__MMQ_WARPS * 32);
        const aieng__ll_act &a = g->act;
        switch (w[i]->type) {
        case AIENG_CUDA_Q4_0: aieng__ll_mmq_k<AIENG_CUDA_Q4_0><<<grid, block, 0, s>>>(m, K, a.q, a.d, T, acc); break;
        case AIENG_CUDA_Q4_1: aieng__ll_mmq_k<AIENG_CUDA_Q4_1><<<grid, block, 0, s>>>(m, K, a.q, a.d, T, acc); break;
        case AIENG_CUDA_Q5_0: aieng__ll_mmq_k<AIENG_CUDA_Q5_0><<<grid, block, 0, s>>>(m, K, a.q, a.d, T, acc); break;
        case AIENG_CUDA_Q5_1: aieng__ll_mmq_k<AIENG_CUDA_Q5_1><<<grid, block, 0, s>>>(m, K, a.q, a.d, T, acc); break;
        case AIENG_CUDA_Q4_K: aieng__ll_mmqk_k<AIENG_CUDA_Q4_K><<<grid, block, 0, s>>>(m, K, a, T, acc); break;
        case AIENG_CUDA_Q6_K: aieng__ll_mmqk_k<AIENG_CUDA_Q6_K><<<grid, block, 0, s>>>(m, K, a, T, acc); break;
        default: aieng__ll_mmq_k<AIENG_CUDA_Q8_0><<<grid, block, 0, s>>>(m, K, a.q, a.d, T, acc); break;
        }
        aieng_result r = AIENG__LAUNCHED("llama matmul");
        if (r != AIENG_OK) return r;
    }
    return AIENG_OK;
}
static aieng_result aieng__ll_mm1(aieng_cuda_llama *g, const aieng__ll_mat *w, int T, float *y, int64_t ldy, int acc) {
    return aieng__ll_mm(g, 1, &w, &y, &ldy, T, acc);
}
static unsigned aieng__ll_qblocks(int64_t nchunks) {
    return (unsigned)((nchunks + AIENG__LL_THREADS / 32 - 1) / (AIENG__LL_THREADS / 32));
}
/* one chunk of T <= n_batch tokens after g->n_past (n_past and the ids already in g->step) */
static aieng_result aieng__ll_forward(aieng_cuda_llama *g, int T, int want_logits) {
    const aieng_cuda_llama_desc *d = &g->hp;
    const int64_t D = d->n_embd, kvd = d->n_head_kv * d->head_dim, ff = d->n_ff, n_past = g->n_past;
    cudaStream_t s = aieng__stream(g->cu);
    aieng_result r;
    aieng__ll_embed_k<<<(unsigned)T, 256, 0, s>>>(g->tok.d, g->tok.type, D, aieng_cuda_row_bytes(g->tok.type, D), g->ids, g->x);
    if ((r = AIENG__LAUNCHED("llama embedding")) != AIENG_OK) return r;
    for (int64_t l = 0; l < d->n_layer; l++) {
        const aieng__ll_layer *y = &g->L[l];
        aieng__ll_normq_k<<<(unsigned)T, AIENG__LL_THREADS, 0, s>>>(g->x, y->an, D, d->norm_eps, aieng__ll_acts(g, D));
        if ((r = AIENG__LAUNCHED("llama rmsnorm")) != AIENG_OK) return r;
        {
            const aieng__ll_mat *w[3] = {&y->wq, &y->wk, &y->wv};
            float *const out[3] = {g->q, g->k, g->v};
            const int64_t ld[3] = {D, kvd, kvd};
            if ((r = aieng__ll_mm(g, 3, w, out, ld, T, 0)) != AIENG_OK) return r;
        }
        aieng__ll_qkv_k<<<(unsigned)T, 256, 0, s>>>(g->q, g->k, g->v, g->cs, g->step, (int)D, (int)kvd, (int)d->head_dim,
                                                   (int)d->n_rot, g->q16, y->kc, y->vc, g->seq_len, T);
        if ((r = AIENG__LAUNCHED("llama rope")) != AIENG_OK) return r;
        if (T == 1) { /* the cache as pages of 16 tokens, block table 0, 1, 2, ... */
            aieng_cuda_paged p;
            memset(&p, 0, sizeof p);
            p.type = AIENG_CUDA_F16; p.batch = 1; p.head_dim = (int)d->head_dim;
            p.n_head = (int)d->n_head; p.n_head_kv = (int)d->n_head_kv;
            p.block_size = (int)g->block_size; p.num_blocks = p.max_blocks_per_seq = (int)g->num_blocks;
            p.max_seq_len = (int)(n_past + 1);
            p.q = g->q16; p.k_cache = y->kc; p.v_cache = y->vc; p.o = g->att16;
            p.block_table = g->bt; p.seq_lens = g->seq_len;
            r = aieng_cuda_paged_decode(g->cu, &p);
        } else { /* the same cache as [position][kv head][dim], causal from the bottom right */
            aieng_cuda_attn a;
            memset(&a, 0, sizeof a);
            a.type = AIENG_CUDA_F16; a.batch = 1; a.head_dim = (int)d->head_dim; a.causal = 1;
            a.n_head = (int)d->n_head; a.n_head_kv = (int)d->n_head_kv;
            a.seq_q = T; a.seq_kv = (int)(n_past + T);
            a.q = g->q16; a.k = y->kc; a.v = y->vc; a.o = g->att16;
            a.q_sb = a.o_sb = (int64_t)T * D;
            a.q_sh = a.o_sh = a.k_sh = a.v_sh = d->head_dim;
            a.q_ss = a.o_ss = D;
            a.k_sb = a.v_sb = g->num_blocks * g->block_size * kvd;
            a.k_ss = a.v_ss = kvd;
            r = aieng_cuda_attention(g->cu, &a);
        }
        if (r != AIENG_OK) return r;
        aieng__ll_quant_k<1><<<aieng__ll_qblocks(T * D / 32), AIENG__LL_THREADS, 0, s>>>(g->att16, NULL, T * D / 32, aieng__ll_acts(g, D));
        if ((r = AIENG__LAUNCHED("llama quantize")) != AIENG_OK) return r;
        if ((r = aieng__ll_mm1(g, &y->wo, T, g->x, D, 1)) != AIENG_OK) return r;
        aieng__ll_normq_k<<<(unsigned)T, AIENG__LL_THREADS, 0, s>>>(g->x, y->fn, D, d->norm_eps, aieng__ll_acts(g, D));
        if ((r = AIENG__LAUNCHED("llama rmsnorm")) != AIENG_OK) return r;
        {
            const aieng__ll_mat *w[2] = {&y->wg, &y->wu};
            float *const out[2] = {g->hb, g->hb2};
            const int64_t ld[2] = {ff, ff};
            if ((r = aieng__ll_mm(g, 2, w, out, ld, T, 0)) != AIENG_OK) return r;
        }
        aieng__ll_quant_k<2><<<aieng__ll_qblocks(T * ff / 32), AIENG__LL_THREADS, 0, s>>>(g->hb, g->hb2, T * ff / 32, aieng__ll_acts(g, ff));
        if ((r = AIENG__LAUNCHED("llama silu quantize")) != AIENG_OK) return r;
        if ((r = aieng__ll_mm1(g, &y->wd, T, g->x, D, 1)) != AIENG_OK) return r;
    }
    if (want_logits) {
        aieng__ll_normq_k<<<1, AIENG__LL_THREADS, 0, s>>>(g->x + (int64_t)(T - 1) * D, g->onorm, D, d->norm_eps, aieng__ll_acts(g, D));
        if ((r = AIENG__LAUNCHED("llama output norm")) != AIENG_OK) return r;
        if ((r = aieng__ll_mm1(g, &g->out, 1, g->logits, d->n_vocab, 0)) != AIENG_OK) return r;
    }
    return AIENG_OK;
}
/* One decode step (the token in g->step) by replaying its CUDA graph. The graph is captured
   from aieng__ll_forward on the first step and again whenever a launch in it would differ:
   paged decode's key splits (they grow with the context, every 256 keys or so) or the
   workspace it writes them to (when there are several). Everything else a step depends on (n_past, the token)
   is read from device memory, so a replay gives the bits of the step launched one
   kernel at a time. About 13 kernels a layer: one graph launch instead of hundreds. */
static aieng_result aieng__ll_graph_step(aieng_cuda_llama *g) {
    aieng_cuda *cu = g->cu;
    const aieng_cuda_llama_desc *d = &g->hp;
    const int n_head_kv = (int)d->n_head_kv, group = (int)(d->n_head / d->n_head_kv);
    int split_len, nsplit;
    aieng_result r;
    aieng__pd_split(cu, (int64_t)n_head_kv * ((group + AIENG__PD_G - 1) / AIENG__PD_G), g->n_past + 1, &split_len, &nsplit);
    /* the workspace grows here, not inside the capture (no allocation or synchronisation there) */
    if ((r = aieng__ws(cu, aieng__pd_ws_bytes(1, (int)d->n_head, nsplit, (int)d->head_dim))) != AIENG_OK) return r;
    if (!g->graph || g->graph_split_len != split_len || g->graph_nsplit != nsplit || (nsplit > 1 && g->graph_ws != cu->ws)) {
        cudaStream_t user = aieng__stream(cu);
        cudaGraph_t graph = NULL;
        cudaError_t e;
        if (g->graph) cudaGraphExecDestroy(g->graph);
        g->graph = NULL;
        if (!g->capture && (r = aieng__cuda_err(cudaStreamCreateWithFlags(&g->capture, cudaStreamNonBlocking), "llama graph stream")) != AIENG_OK)
            return r;
        if ((r = aieng__cuda_err(cudaStreamBeginCapture(g->capture, cudaStreamCaptureModeThreadLocal), "llama graph capture")) != AIENG_OK)
            return r;
        cu->cfg.stream = (void *)g->capture;
        r = aieng__ll_forward(g, 1, 1);
        cu->cfg.stream = (void *)user;
        e = cudaStreamEndCapture(g->capture, &graph);
        if (r == AIENG_OK) r = aieng__cuda_err(e, "llama graph capture");
        if (r == AIENG_OK) r = aieng__cuda_err(cudaGraphInstantiateWithFlags(&g->graph, graph, 0), "llama graph instantiate");
        if (graph) cudaGraphDestroy(graph);
        if (r != AIENG_OK) {
            g->graph = NULL;
            return r;
        }
        g->graph_split_len = split_len;
        g->graph_nsplit = nsplit;
        g->graph_ws = cu->ws;
        g->n_captures++;
    }
    return aieng__cuda_err(cudaGraphLaunch(g->graph, aieng__stream(cu)), "llama graph launch");
}
AIENG_API aieng_result aieng_cuda_llama_eval(aieng_cuda_llama *g, const int32_t *ids, int64_t n, float *logits) {
    int64_t done = 0;
    aieng_result r;
    if (!g || !ids || n <= 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_llama_eval: no tokens");
    if (n > g->hp.n_ctx - g->n_past)
        return aieng_set_error(AIENG_ERR_RANGE, "cuda_llama_eval: %lld tokens do not fit in the context (%lld of %lld used)",
                               (long long)n, (long long)g->n_past, (long long)g->hp.n_ctx);
    for (int64_t i = 0; i < n; i++)
        if (ids[i] < 0 || ids[i] >= g->hp.n_vocab)
            return aieng_set_error(AIENG_ERR_RANGE, "cuda_llama_eval: token id %d out of range", (int)ids[i]);
    while (done < n) {
        const int64_t T = n - done < g->hp.n_batch ? n - done : g->hp.n_batch;
        g->hstep[0] = (int32_t)g->n_past;
        memcpy(g->hstep + 1, ids + done, (size_t)T * sizeof(int32_t));
        if ((r = aieng_cuda_upload(g->cu, g->step, g->hstep, (size_t)(T + 1) * sizeof(int32_t))) != AIENG_OK) return r;
        if (T == 1 && !g->cu->cfg.no_graphs) r = aieng__ll_graph_step(g);
        else r = aieng__ll_forward(g, (int)T, done + T == n);
        if (r != AIENG_OK) return r;
        g->n_past += T;
        done += T;
    }
    if (logits) return aieng_cuda_download(g->cu, logits, g->logits, (size_t)g->hp.n_vocab * sizeof(float));
    return aieng_cuda_synchronize(g->cu);
}
#if defined(AIENG_TRANSFORMER_H)
static aieng_result aieng__ll_tensor(const aieng_gguf *gg, const char *fmt, int layer, aieng_cuda_weight *w) {
    char name[96];
    snprintf(name, sizeof name, fmt, layer);
    int64_t i = aieng_gguf_find_tensor(gg, name);
    memset(w, 0, sizeof *w);
    if (i < 0) return aieng_set_error(AIENG_ERR_FORMAT, "cuda_llama: tensor '%s' missing", name);
    w->data = gg->tensors[i].data;
    w->type = (int)gg->tensors[i].type;
    w->n_in = gg->tensors[i].ne[0];
    w->n_out = gg->tensors[i].ne[1];
    return AIENG_OK;
}
static aieng_result aieng__ll_norm(const aieng_gguf *gg, const char *fmt, int layer, int64_t n, const float **out) {
    aieng_cuda_weight w;
    aieng_result r = aieng__ll_tensor(gg, fmt, layer, &w);
    if (r != AIENG_OK) return r;
    if (w.type != AIENG_CUDA_F32 || w.n_in != n || ((uintptr_t)w.data & 3))
        return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_llama: norm weights must be %lld F32 values", (long long)n);
    *out = (const float *)w.data;
    return AIENG_OK;
}
AIENG_API aieng_result aieng_cuda_llama_desc_from_model(aieng_cuda_llama_desc *d, aieng_cuda_llama_layer *L,
                                                        const aieng_model *m) {
    const aieng_model_hparams *hp = aieng_model_get_hparams(m);
    const aieng_gguf *gg = aieng_model_gguf(m);
    aieng_result r;
    if (!hp || !gg || !d || !L) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_llama_desc_from_model: NULL argument");
    if (hp->arch != AIENG_ARCH_LLAMA) return aieng_set_error(AIENG_ERR_UNSUPPORTED, "cuda_llama_desc_from_model: not a Llama model");
    memset(d, 0, sizeof *d);
    memset(L, 0, (size_t)hp->n_layer * sizeof *L);
    d->n_vocab = hp->n_vocab; d->n_embd = hp->n_embd; d->n_layer = hp->n_layer; d->n_ff = hp->n_ff;
    d->n_head = hp->n_head; d->n_head_kv = hp->n_head_kv; d->head_dim = hp->head_dim; d->n_rot = hp->n_rot;
    d->rope_base = hp->rope_base; d->norm_eps = hp->norm_eps;
    d->n_ctx = aieng_model_n_ctx(m);
    d->layers = L;
    r = aieng__ll_tensor(gg, "token_embd.weight", 0, &d->tok_embd);
    if (r == AIENG_OK && aieng_gguf_find_tensor(gg, "output.weight") >= 0) r = aieng__ll_tensor(gg, "output.weight", 0, &d->output);
    else d->output = d->tok_embd; /* tied */
    if (r == AIENG_OK) r = aieng__ll_norm(gg, "output_norm.weight", 0, hp->n_embd, &d->out_norm);
    for (int l = 0; l < (int)hp->n_layer && r == AIENG_OK; l++) {
        aieng_cuda_llama_layer *y = &L[l];
        r = aieng__ll_norm(gg, "blk.%d.attn_norm.weight", l, hp->n_embd, &y->attn_norm);
        if (r == AIENG_OK) r = aieng__ll_norm(gg, "blk.%d.ffn_norm.weight", l, hp->n_embd, &y->ffn_norm);
        if (r == AIENG_OK) r = aieng__ll_tensor(gg, "blk.%d.attn_q.weight", l, &y->wq);
        if (r == AIENG_OK) r = aieng__ll_tensor(gg, "blk.%d.attn_k.weight", l, &y->wk);
        if (r == AIENG_OK) r = aieng__ll_tensor(gg, "blk.%d.attn_v.weight", l, &y->wv);
        if (r == AIENG_OK) r = aieng__ll_tensor(gg, "blk.%d.attn_output.weight", l, &y->wo);
        if (r == AIENG_OK) r = aieng__ll_tensor(gg, "blk.%d.ffn_gate.weight", l, &y->w_gate);
        if (r == AIENG_OK) r = aieng__ll_tensor(gg, "blk.%d.ffn_up.weight", l, &y->w_up);
        if (r == AIENG_OK) r = aieng__ll_tensor(gg, "blk.%d.ffn_down.weight", l, &y->w_down);
    }
    return r;
}
AIENG_API aieng_result aieng_cuda_llama_from_model(aieng_cuda *cu, const aieng_model *m, int64_t n_ctx, int64_t n_batch,
                                                   aieng_cuda_llama **out) {
    const aieng_model_hparams *hp = aieng_model_get_hparams(m);
    aieng_cuda_llama_desc d;
    aieng_cuda_llama_layer *L;
    aieng_result r;
    if (out) *out = NULL;
    if (!hp || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "cuda_llama_from_model: NULL argument");
    L = (aieng_cuda_llama_layer *)aieng_alloc(NULL, (size_t)hp->n_layer * sizeof *L);
    if (!L) return aieng_set_error(AIENG_ERR_OOM, "cuda_llama_from_model: out of memory");
    r = aieng_cuda_llama_desc_from_model(&d, L, m);
    if (n_ctx > 0) d.n_ctx = n_ctx;
    d.n_batch = n_batch;
    if (r == AIENG_OK) r = aieng_cuda_llama_new(cu, &d, out);
    aieng_free(NULL, L);
    return r;
}
#endif /* AIENG_TRANSFORMER_H */

#endif /* AIENG_CUDA_IMPLEMENTATION */

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
