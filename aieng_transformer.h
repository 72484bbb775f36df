/* aieng_transformer.h - GGUF models (Llama, GPT-2) on the CPU, token for token as llama.cpp.
   v0.1.1 - MIT licence (see the end of the file).

   Runs GGUF language models on the CPU, the way llama.cpp does: the default
   model, SmolLM2-135M-Instruct in Q4_1 (`make model`), gives llama.cpp's token
   ids and greedy tokens, with logits within a few hundredths. Contains a GGUF
   v2/v3 reader (file through mmap or plain reads, or a memory buffer; every
   offset and size checked) and writer, the Llama (RMSNorm, RoPE, GQA, SwiGLU,
   tied or separate output) and GPT-2 (LayerNorm, learned positions, GELU)
   architectures, an F16 KV cache, batched prefill and single-token decode,
   sampling, stop strings, streaming, and the ChatML chat template.

   DO THIS in exactly one C or C++ file:
       #define _POSIX_C_SOURCE 200809L           (before any include: mmap, threads, clocks)
       #define AIENG_TRANSFORMER_IMPLEMENTATION  (or AIENG_IMPLEMENTATION for all)
       #include "aieng_transformer.h"
   It includes aieng_tensor.h, aieng_quant.h and aieng_bpe.h (keep them next
   to it) and turns on their implementations too. Link with -lm -pthread.

   QUICK START
       #define _POSIX_C_SOURCE 200809L
       #define AIENG_TRANSFORMER_IMPLEMENTATION
       #include "aieng_transformer.h"
       #include <stdio.h>
       static int print(const char *s, size_t n, int32_t tok, void *u) {
           (void)tok; (void)u; fwrite(s, 1, n, stdout); return 0; }
       int main(void) {
           aieng_model *m; aieng_generate_config g = {0};
           aieng_chat_message msg = {"user", "Write a haiku about the sea."};
           char text[1024]; size_t len; int32_t ids[512]; int64_t n;
           if (aieng_model_load_file(&m, "models/SmolLM2-135M-Instruct.Q4_1.gguf", NULL)) {
               fprintf(stderr, "%s\n", aieng_last_error()); return 1; }
           aieng_model_chat_render(m, &msg, 1, 1, text, sizeof text, &len);
           aieng_model_tokenize(m, text, len, 1, 1, ids, 512, &n);
           g.max_tokens = 64; g.on_text = print;            // greedy: sampler zeroed
           aieng_model_generate(m, ids, n, &g, NULL);
           aieng_model_free(m); return 0; }

   OPTIONS (#define before including)
     AIENG_NO_MMAP       read files into memory instead of mapping them
     AIENG_NO_SIMD, AIENG_NO_THREADS, AIENG_STATIC, AIENG_MALLOC/REALLOC/FREE
                         as in aieng_tensor.h

   API OVERVIEW
     GGUF       aieng_gguf_open_file / _open_memory / _close; aieng_gguf_find_key,
                _get_int (any integer type), _get_float, _get_string, _array_int,
                _array_float, _array_string; aieng_gguf_find_tensor and the
                tensors[] table (name, ne[], type, offset, size, data);
                aieng_gguf_type_blck / _size / _name (ggml_type geometry);
                writer: aieng_gguf_writer_new, _set_int/_float/_string/_array/
                _string_array, _copy_kv, _add_tensor, _write_file/_write_memory, _free
     model      aieng_model_config_default, aieng_model_load_file / _load_memory,
                aieng_model_free, aieng_model_error, aieng_model_get_hparams,
                aieng_model_n_ctx, aieng_model_memory_bytes
     tokens     aieng_model_tokenize (parse_special as llama.cpp), aieng_model_token_bytes,
                aieng_model_is_eog, aieng_model_is_control, aieng_model_chat_render
     eval       aieng_model_eval (appends tokens to the KV cache, returns the last
                logits), aieng_model_n_past, aieng_model_kv_truncate,
                aieng_model_kv_state_size / _kv_save / _kv_restore
     sampling   aieng_sampler_init / _accept / _sample / _free (greedy, temperature,
                top-k, top-p, min-p, repetition/frequency/presence penalties, seeded
                PCG32), the logit-processor hook aieng_logit_processor
     generate   aieng_model_generate: prompt + sampling loop with stop strings, a
                streaming callback (complete UTF-8 only) and timing figures

   NUMERICS (what makes the logits match llama.cpp's)
   Weights stay in their GGUF type; aieng_quant_matmul quantizes activations
   the way ggml does (Q8_1 for Q4_x/Q5_x weights, Q8_0 for Q8_0) and uses
   integer dot products. K and V are cached in F16 (llama.cpp's default);
   the query is rounded to f16 before q·k and the softmax weights before
   p·v, as ggml's f16 matrix products do, summing in tinyBLAS's order; the
   softmax and SiLU use ggml's exp polynomial. RMSNorm sums squares in double;
   RoPE angles are stepped in float as ggml's rope cache; a GGUF llama file
   rotates adjacent pairs (the converter permuted Wq/Wk). Prefill runs
   n_batch tokens as one matrix product per weight (aieng_quant.h's
   multi-row tiles; Q, K, V and gate, up share one activation quantization);
   attention scores 16 keys at a time with AVX-512, in the same order. Prefill
   and decode give bit-identical results for the same tokens. What remains different
   is the accumulation order inside the quantized dot products: truncated
   1-3 layer copies of SmolLM2 match llama.cpp to 1e-4, the full model's
   logits within about 1 (see tests/test_transformer.c for the tolerances).

   MEMORY AND THREADS
   Weights are views into the mapped file. A model allocates its KV cache
   (2 · n_layer · n_ctx · kv_dim · 2 bytes; SmolLM2 at n_ctx 4096: 180 MiB,
   set n_ctx lower for less) and work buffers for n_batch tokens once, at
   load; eval and decode do not allocate. One aieng_model is used by one
   thread at a time; the work inside eval is spread over aieng_tensor.h's
   pool, and every output value is computed in a fixed order, so a seed gives
   the same text at any thread count. Errors: functions return aieng_result;
   the message is in aieng_model_error(m) (or aieng_last_error()).

   LIMITS
   Little-endian GGUF only; byte-level BPE vocabularies (tokenizer.ggml.model
   "gpt2" with the pre-tokenizers aieng_bpe.h knows); no RoPE scaling; the
   chat template is rendered as ChatML (the family of SmolLM2, Qwen, ...) with
   the template's default system prompt.

   VERSIONS
     0.1.0  first release
     0.1.1  faster prefill (multi-row quantized tiles, vectorized attention,
            row-parallel RoPE and residuals), the same numbers
*/
#ifndef AIENG_TRANSFORMER_H
#define AIENG_TRANSFORMER_H

#define AIENG_TRANSFORMER_VERSION_MAJOR 0
#define AIENG_TRANSFORMER_VERSION_MINOR 1
#define AIENG_TRANSFORMER_VERSION_PATCH 1

/* The module macro turns on the implementations of the headers it builds on
   (each one at most once per translation unit). */
#if defined(AIENG_TRANSFORMER_IMPLEMENTATION) && !defined(AIENG_TRANSFORMER_IMPLEMENTED)
#ifndef AIENG_TENSOR_IMPLEMENTED
#define AIENG_TENSOR_IMPLEMENTATION
#endif
#ifndef AIENG_QUANT_IMPLEMENTED
#define AIENG_QUANT_IMPLEMENTATION
#endif
#ifndef AIENG_BPE_IMPLEMENTED
#define AIENG_BPE_IMPLEMENTATION
#endif
#ifndef AIENG_COMMON_IMPLEMENTATION
#define AIENG_COMMON_IMPLEMENTATION
#endif
#endif
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
#include "aieng_quant.h"
#include "aieng_bpe.h"

AIENG_EXTERN_C_BEGIN

/* ---------------------------------------------------------------- GGUF
   GGUF v2/v3 (little-endian) reader and writer. The reader keeps the file
   bytes (mmap, a heap copy, or the caller's buffer) and points into them:
   tensor data are never copied. Every count, length and offset is checked
   against the bytes present before it is used. */
typedef enum aieng_gguf_type {
    AIENG_GGUF_UINT8 = 0, AIENG_GGUF_INT8 = 1, AIENG_GGUF_UINT16 = 2, AIENG_GGUF_INT16 = 3,
    AIENG_GGUF_UINT32 = 4, AIENG_GGUF_INT32 = 5, AIENG_GGUF_FLOAT32 = 6, AIENG_GGUF_BOOL = 7,
    AIENG_GGUF_STRING = 8, AIENG_GGUF_ARRAY = 9, AIENG_GGUF_UINT64 = 10, AIENG_GGUF_INT64 = 11,
    AIENG_GGUF_FLOAT64 = 12, AIENG_GGUF_TYPE_COUNT = 13
} aieng_gguf_type;

#define AIENG_GGUF_MAX_NAME 64        /* tensor names are shorter (ggml's GGML_MAX_NAME) */
#define AIENG_GGUF_DEFAULT_ALIGNMENT 32

typedef struct aieng_gguf_kv {
    char *key;          /* NUL-terminated copy of the key */
    uint32_t type;      /* aieng_gguf_type */
    uint32_t arr_type;  /* element type when type == ARRAY */
    uint64_t n;         /* element count (arrays), 1 otherwise */
    uint64_t off;       /* file offset of the value (of the first element for arrays) */
    uint64_t *str_off;  /* arrays of strings: offset of each element (n entries) */
} aieng_gguf_kv;

typedef struct aieng_gguf_tensor_info {
    char name[AIENG_GGUF_MAX_NAME];
    int n_dims;
    int64_t ne[4];      /* ne[0] is the contiguous axis; missing dims are 1 */
    uint32_t type;      /* ggml_type id (same ids as aieng_quant.h) */
    uint64_t offset;    /* from the start of the data section */
    uint64_t size;      /* bytes */
    const void *data;   /* points into the file bytes */
} aieng_gguf_tensor_info;

typedef struct aieng_gguf {
    uint32_t version;
    uint32_t alignment;
    int64_t n_kv, n_tensors;
    aieng_gguf_kv *kv;
    aieng_gguf_tensor_info *tensors;
    const uint8_t *bytes;   /* the whole file */
    uint64_t size;
    uint64_t data_offset;   /* start of the tensor data section */
    aieng_allocator alloc;
    int mapped;             /* 1: bytes are an mmap; 2: a heap copy; 0: the caller's buffer */
} aieng_gguf;

/* Type geometry of ggml_type ids: values per block and bytes per block; 0 for an
   unknown id. Row bytes = ne0 / blck * size (ne0 a multiple of blck). */
AIENG_API int64_t aieng_gguf_type_blck(uint32_t type);
AIENG_API int64_t aieng_gguf_type_size(uint32_t type);
AIENG_API const char *aieng_gguf_type_name(uint32_t type);

/* Open from a path (mmap where available, else read into memory) or from a caller
   buffer that must outlive the object. alloc may be NULL (AIENG_MALLOC). */
AIENG_API aieng_result aieng_gguf_open_file(aieng_gguf **out, const char *path, const aieng_allocator *alloc);
AIENG_API aieng_result aieng_gguf_open_memory(aieng_gguf **out, const void *data, size_t size,
                                              const aieng_allocator *alloc);
AIENG_API void aieng_gguf_close(aieng_gguf *g);

/* Metadata. find returns the index or -1. The typed getters accept any type that
   converts without loss of meaning (get_int: every integer type and bool;
   get_float: floats and integers) and fail with AIENG_ERR_FORMAT otherwise. */
AIENG_API int64_t aieng_gguf_find_key(const aieng_gguf *g, const char *key);
AIENG_API aieng_result aieng_gguf_get_int(const aieng_gguf *g, const char *key, int64_t *out);
AIENG_API aieng_result aieng_gguf_get_float(const aieng_gguf *g, const char *key, double *out);
AIENG_API aieng_result aieng_gguf_get_string(const aieng_gguf *g, const char *key, const char **s, size_t *len);
/* Arrays by kv index: element i as an integer / float / string. */
AIENG_API aieng_result aieng_gguf_array_int(const aieng_gguf *g, int64_t kv, uint64_t i, int64_t *out);
AIENG_API aieng_result aieng_gguf_array_float(const aieng_gguf *g, int64_t kv, uint64_t i, double *out);
AIENG_API aieng_result aieng_gguf_array_string(const aieng_gguf *g, int64_t kv, uint64_t i, const char **s,
                                               size_t *len);
/* Tensors: index or -1. */
AIENG_API int64_t aieng_gguf_find_tensor(const aieng_gguf *g, const char *name);

/* Writer. Metadata and tensors are added in order and written with
   write_file / write_memory; tensor data are referenced (not copied) until then.
   set_* replace a key that exists already. */
typedef struct aieng_gguf_writer aieng_gguf_writer;
AIENG_API aieng_result aieng_gguf_writer_new(aieng_gguf_writer **out, const aieng_allocator *alloc);
AIENG_API void aieng_gguf_writer_free(aieng_gguf_writer *w);
AIENG_API aieng_result aieng_gguf_writer_set_int(aieng_gguf_writer *w, const char *key, uint32_t type, int64_t v);
AIENG_API aieng_result aieng_gguf_writer_set_float(aieng_gguf_writer *w, const char *key, uint32_t type, double v);
AIENG_API aieng_result aieng_gguf_writer_set_string(aieng_gguf_writer *w, const char *key, const char *s, size_t len);
/* Array of fixed-size elements (raw little-endian bytes, n elements of elem_type). */
AIENG_API aieng_result aieng_gguf_writer_set_array(aieng_gguf_writer *w, const char *key, uint32_t elem_type,
                                                   const void *data, uint64_t n);
AIENG_API aieng_result aieng_gguf_writer_set_string_array(aieng_gguf_writer *w, const char *key,
                                                          const char *const *strs, const size_t *lens, uint64_t n);
/* Copies metadata entry kv of a reader (any type, arrays included). */
AIENG_API aieng_result aieng_gguf_writer_copy_kv(aieng_gguf_writer *w, const aieng_gguf *g, int64_t kv);
AIENG_API aieng_result aieng_gguf_writer_add_tensor(aieng_gguf_writer *w, const char *name, uint32_t type,
                                                    int n_dims, const int64_t *ne, const void *data);
AIENG_API aieng_result aieng_gguf_writer_write_file(aieng_gguf_writer *w, const char *path);
/* *out is allocated with the writer's allocator; free it with aieng_free(alloc, *out). */
AIENG_API aieng_result aieng_gguf_writer_write_memory(aieng_gguf_writer *w, void **out, size_t *size);

/* ---------------------------------------------------------------- model */
typedef enum aieng_model_arch { AIENG_ARCH_LLAMA = 1, AIENG_ARCH_GPT2 = 2 } aieng_model_arch;

/* Zero means default for every field. */
typedef struct aieng_model_config {
    int64_t n_ctx;          /* KV cache length in tokens; 0 = min(4096, trained context) */
    int64_t n_batch;        /* tokens per prefill matrix-matrix step; 0 = 512 */
    int n_threads;          /* > 0: calls aieng_set_threads(n_threads) at load; 0 = leave the pool as is */
    aieng_allocator alloc;  /* zero = AIENG_MALLOC */
} aieng_model_config;

typedef struct aieng_model_hparams {
    aieng_model_arch arch;
    int64_t n_vocab, n_ctx_train, n_embd, n_layer, n_ff, n_head, n_head_kv, head_dim, n_rot;
    float rope_base, norm_eps;
    int32_t bos_id, eos_id, eot_id;   /* -1 when absent */
    int add_bos;                       /* tokenizer.ggml.add_bos_token */
} aieng_model_hparams;

typedef struct aieng_model aieng_model;

/* Sampling: a zeroed struct is greedy (temperature 0). The chain runs in
   llama.cpp's order: logit processor, penalties, top-k, top-p, min-p,
   temperature, then a draw from a PCG32 seeded with `seed`. */
typedef struct aieng_sampler_config {
    float temperature;        /* <= 0: greedy (argmax, lowest id on ties) */
    int top_k;                /* 0 = off */
    float top_p;              /* 0 or >= 1 = off */
    float min_p;              /* 0 = off */
    float repeat_penalty;     /* 0 or 1 = off (divides positive logits, multiplies negative) */
    float frequency_penalty;  /* 0 = off: logit -= count * f */
    float presence_penalty;   /* 0 = off: logit -= p if the token occurred */
    int penalty_last_n;       /* window of past tokens for penalties; 0 = 64, -1 = whole context */
    uint64_t seed;
} aieng_sampler_config;

/* The logit-processor hook: may change logits in place (e.g. set -INFINITY
   for tokens a grammar forbids). */
typedef void (*aieng_logit_processor)(float *logits, int n_vocab, void *user);

typedef struct aieng_generate_config {
    int64_t max_tokens;               /* 0 = until end of generation or a full context */
    aieng_sampler_config sampler;
    const char *const *stop;          /* stop strings (not emitted), may be NULL */
    int n_stop;
    int ignore_eos;                   /* nonzero: do not stop on end-of-generation tokens */
    aieng_logit_processor logit_processor;
    void *logit_user;
    /* Streaming: text as it becomes final (complete UTF-8, clear of stop
       strings); return nonzero to stop. token is the last sampled id. */
    int (*on_text)(const char *text, size_t len, int32_t token, void *user);
    void *user;
} aieng_generate_config;

typedef struct aieng_generate_stats {
    int64_t n_prompt, n_generated;
    double prefill_seconds, decode_seconds;
    int stopped_by;   /* 0 max_tokens, 1 end-of-generation token, 2 stop string, 3 callback, 4 context full */
} aieng_generate_stats;

typedef struct aieng_chat_message { const char *role, *content; } aieng_chat_message;

AIENG_API aieng_model_config aieng_model_config_default(void);
/* Load a GGUF model (the file stays mapped; weights are not copied). */
AIENG_API aieng_result aieng_model_load_file(aieng_model **out, const char *path, const aieng_model_config *cfg);
/* From a caller buffer that must outlive the model (a model linked into firmware). */
AIENG_API aieng_result aieng_model_load_memory(aieng_model **out, const void *data, size_t size,
                                               const aieng_model_config *cfg);
AIENG_API void aieng_model_free(aieng_model *m);
AIENG_API const char *aieng_model_error(const aieng_model *m);
AIENG_API const aieng_model_hparams *aieng_model_get_hparams(const aieng_model *m);
AIENG_API const aieng_gguf *aieng_model_gguf(const aieng_model *m);
AIENG_API int64_t aieng_model_n_ctx(const aieng_model *m);
AIENG_API size_t aieng_model_memory_bytes(const aieng_model *m); /* KV cache + work buffers (not the weights) */

/* Tokenizer. parse_special: control-token text (e.g. "<|im_start|>") becomes its
   id, else it is plain text (llama.cpp's parse_special). add_bos follows the
   model's tokenizer.ggml.add_bos_token when add_special is nonzero. *n gets
   the count; AIENG_ERR_OOM (with *n set) when cap is too small. */
AIENG_API aieng_result aieng_model_tokenize(aieng_model *m, const char *text, size_t len, int add_special,
                                            int parse_special, int32_t *ids, int64_t cap, int64_t *n);
/* The bytes of one token (control tokens give their text). */
AIENG_API aieng_result aieng_model_token_bytes(const aieng_model *m, int32_t id, const char **bytes, size_t *len);
AIENG_API int aieng_model_is_eog(const aieng_model *m, int32_t id); /* end of generation */
AIENG_API int aieng_model_is_control(const aieng_model *m, int32_t id);

/* Runs n tokens at the end of the KV cache (prefill in chunks of n_batch) and
   returns the logits of the last one (n_vocab floats, valid until the next eval). */
AIENG_API aieng_result aieng_model_eval(aieng_model *m, const int32_t *ids, int64_t n, const float **logits);
AIENG_API int64_t aieng_model_n_past(const aieng_model *m);
/* Forget the cache after n tokens (0 = clear). */
AIENG_API aieng_result aieng_model_kv_truncate(aieng_model *m, int64_t n);
/* KV save/restore: bytes needed for the current state, save into buf, restore. */
AIENG_API size_t aieng_model_kv_state_size(const aieng_model *m);
AIENG_API aieng_result aieng_model_kv_save(const aieng_model *m, void *buf, size_t size);
AIENG_API aieng_result aieng_model_kv_restore(aieng_model *m, const void *buf, size_t size);

/* Sampler state: the config plus its random generator and the recent tokens. */
typedef struct aieng_sampler {
    aieng_sampler_config cfg;
    aieng_rng rng;
    int32_t *hist;      /* ring of recent tokens for the penalties */
    int64_t hist_cap, hist_n, hist_pos;
    float *work;        /* n_vocab probabilities */
    int32_t *idx;       /* n_vocab candidate ids */
    int64_t n_vocab;
    aieng_allocator alloc;
} aieng_sampler;
AIENG_API aieng_result aieng_sampler_init(aieng_sampler *s, const aieng_sampler_config *cfg, int64_t n_vocab,
                                          const aieng_allocator *alloc);
AIENG_API void aieng_sampler_free(aieng_sampler *s);
AIENG_API void aieng_sampler_accept(aieng_sampler *s, int32_t id);
/* Samples from logits (modified in place by the penalties / processor). */
AIENG_API int32_t aieng_sampler_sample(aieng_sampler *s, float *logits, aieng_logit_processor proc, void *user);

/* Evaluates the prompt after what the cache holds, then generates. */
AIENG_API aieng_result aieng_model_generate(aieng_model *m, const int32_t *prompt, int64_t n_prompt,
                                            const aieng_generate_config *cfg, aieng_generate_stats *stats);

/* Renders messages with the model's chat template (ChatML models such as
   SmolLM2: "<|im_start|>role\ncontent<|im_end|>\n" per message, the template's
   default system prompt when the first message is not a system one, and
   "<|im_start|>assistant\n" when add_assistant). *len gets the bytes needed
   (without the NUL); AIENG_ERR_OOM when cap is too small. */
AIENG_API aieng_result aieng_model_chat_render(const aieng_model *m, const aieng_chat_message *msgs, int n_msgs,
                                               int add_assistant, char *buf, size_t cap, size_t *len);


AIENG_EXTERN_C_END
#endif /* AIENG_TRANSFORMER_H */

/* ====================================================================== */
/*                             IMPLEMENTATION                             */
/* ====================================================================== */
#if (defined(AIENG_IMPLEMENTATION) || defined(AIENG_TRANSFORMER_IMPLEMENTATION)) && \
    !defined(AIENG_TRANSFORMER_IMPLEMENTED)
#define AIENG_TRANSFORMER_IMPLEMENTED
#include <string.h>
#include <stdio.h>
#include <math.h>
#include <float.h>
#if !defined(AIENG_NO_MMAP) && (defined(__unix__) || defined(__APPLE__))
#define AIENG__TF_MMAP 1
#include <fcntl.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/stat.h>
#else
#define AIENG__TF_MMAP 0
#endif

/* ================================================================ GGUF */
typedef struct aieng__gguf_geom { int16_t blck, size; const char *name; } aieng__gguf_geom;
/* ggml's type_traits for every id in ggml.h (0 = removed or unknown). */
static const aieng__gguf_geom aieng__gguf_geoms[] = {
    {1, 4, "F32"},      {1, 2, "F16"},       {32, 18, "Q4_0"},    {32, 20, "Q4_1"},   {0, 0, "Q4_2"},
    {0, 0, "Q4_3"},     {32, 22, "Q5_0"},    {32, 24, "Q5_1"},    {32, 34, "Q8_0"},   {32, 36, "Q8_1"},
    {256, 84, "Q2_K"},  {256, 110, "Q3_K"},  {256, 144, "Q4_K"},  {256, 176, "Q5_K"}, {256, 210, "Q6_K"},
    {256, 292, "Q8_K"}, {256, 66, "IQ2_XXS"}, {256, 74, "IQ2_XS"}, {256, 98, "IQ3_XXS"}, {256, 50, "IQ1_S"},
    {32, 18, "IQ4_NL"}, {256, 110, "IQ3_S"}, {256, 82, "IQ2_S"},  {256, 136, "IQ4_XS"}, {1, 1, "I8"},
    {1, 2, "I16"},      {1, 4, "I32"},       {1, 8, "I64"},       {1, 8, "F64"},      {256, 56, "IQ1_M"},
    {1, 2, "BF16"},     {0, 0, "-"},         {0, 0, "-"},         {0, 0, "-"},        {256, 54, "TQ1_0"},
    {256, 66, "TQ2_0"}, {0, 0, "-"},         {0, 0, "-"},         {0, 0, "-"},        {32, 17, "MXFP4"}};
#define AIENG__GGUF_NGEOM ((uint32_t)(sizeof(aieng__gguf_geoms) / sizeof(aieng__gguf_geoms[0])))

AIENG_API int64_t aieng_gguf_type_blck(uint32_t type) {
    return type < AIENG__GGUF_NGEOM ? aieng__gguf_geoms[type].blck : 0;
}
AIENG_API int64_t aieng_gguf_type_size(uint32_t type) {
    return type < AIENG__GGUF_NGEOM ? aieng__gguf_geoms[type].size : 0;
}
AIENG_API const char *aieng_gguf_type_name(uint32_t type) {
    return type < AIENG__GGUF_NGEOM && aieng__gguf_geoms[type].blck ? aieng__gguf_geoms[type].name : "?";
}

/* Size in bytes of one scalar value type; 0 for STRING/ARRAY/unknown. */
static uint64_t aieng__gguf_scalar_size(uint32_t t) {
    static const uint8_t sz[AIENG_GGUF_TYPE_COUNT] = {1, 1, 2, 2, 4, 4, 4, 1, 0, 0, 8, 8, 8};
    return t < AIENG_GGUF_TYPE_COUNT ? sz[t] : 0;
}

/* A bounds-checked cursor over the file bytes. */
typedef struct aieng__gguf_rd { const uint8_t *p; uint64_t size, pos; int err; } aieng__gguf_rd;
static int aieng__gguf_need(aieng__gguf_rd *r, uint64_t n) {
    if (r->err || n > r->size - r->pos) { r->err = 1; return 0; }
    return 1;
}
static uint64_t aieng__gguf_le(const uint8_t *p, int n) {
    uint64_t v = 0;
    int i;
    for (i = n - 1; i >= 0; i--) v = (v << 8) | p[i];
    return v;
}
static uint64_t aieng__gguf_u(aieng__gguf_rd *r, int n) {
    uint64_t v;
    if (!aieng__gguf_need(r, (uint64_t)n)) return 0;
    v = aieng__gguf_le(r->p + r->pos, n);
    r->pos += (uint64_t)n;
    return v;
}
/* Skips one value of type t (arrays recursively, depth-limited); returns 0 on error. */
static int aieng__gguf_skip_value(aieng__gguf_rd *r, uint32_t t, int depth) {
    uint64_t sz = aieng__gguf_scalar_size(t), n, i;
    if (sz) {
        if (t == AIENG_GGUF_BOOL) {
            if (!aieng__gguf_need(r, 1) || r->p[r->pos] > 1) { r->err = 1; return 0; }
        }
        if (!aieng__gguf_need(r, sz)) return 0;
        r->pos += sz;
        return 1;
    }
    if (t == AIENG_GGUF_STRING) {
        n = aieng__gguf_u(r, 8);
        if (!aieng__gguf_need(r, n)) return 0;
        r->pos += n;
        return 1;
    }
    if (t == AIENG_GGUF_ARRAY && depth < 4) {
        uint32_t et = (uint32_t)aieng__gguf_u(r, 4);
        n = aieng__gguf_u(r, 8);
        if (r->err) return 0;
        sz = aieng__gguf_scalar_size(et);
        if (sz && et != AIENG_GGUF_BOOL) { /* fixed size: one check */
            if (n > (r->size - r->pos) / sz) { r->err = 1; return 0; }
            r->pos += n * sz;
            return 1;
        }
        if (!sz && et != AIENG_GGUF_STRING && et != AIENG_GGUF_ARRAY) { r->err = 1; return 0; }
        for (i = 0; i < n; i++)
            if (!aieng__gguf_skip_value(r, et, depth + 1)) return 0;
        return 1;
    }
    r->err = 1;
    return 0;
}

static void aieng__gguf_free_parts(aieng_gguf *g) {
    int64_t i;
    if (g->kv) {
        for (i = 0; i < g->n_kv; i++) {
            aieng_free(&g->alloc, g->kv[i].key);
            aieng_free(&g->alloc, g->kv[i].str_off);
        }
        aieng_free(&g->alloc, g->kv);
    }
    aieng_free(&g->alloc, g->tensors);
    g->kv = NULL;
    g->tensors = NULL;
}

static aieng_result aieng__gguf_fail(aieng__gguf_rd *r, const char *what) {
    return aieng_set_error(AIENG_ERR_FORMAT, "gguf: %s (at byte %llu of %llu)", what,
                           (unsigned long long)r->pos, (unsigned long long)r->size);
}

/* Parses g->bytes/g->size into kv and tensor tables. */
static aieng_result aieng__gguf_parse(aieng_gguf *g) {
    aieng__gguf_rd rd;
    uint64_t magic, n_t, n_kv, i, data_size;
    int64_t k;
    rd.p = g->bytes;
    rd.size = g->size;
    rd.pos = 0;
    rd.err = 0;
    magic = aieng__gguf_u(&rd, 4);
    if (rd.err || magic != 0x46554747u) return aieng__gguf_fail(&rd, "not a GGUF file (bad magic)");
    g->version = (uint32_t)aieng__gguf_u(&rd, 4);
    if (rd.err) return aieng__gguf_fail(&rd, "truncated header");
    if ((g->version & 0xFFFFu) == 0)
        return aieng_set_error(AIENG_ERR_UNSUPPORTED, "gguf: big-endian files are not supported");
    if (g->version != 2 && g->version != 3)
        return aieng_set_error(AIENG_ERR_UNSUPPORTED, "gguf: version %u not supported (2 and 3 are)",
                               (unsigned)g->version);
    n_t = aieng__gguf_u(&rd, 8);
    n_kv = aieng__gguf_u(&rd, 8);
    if (rd.err) return aieng__gguf_fail(&rd, "truncated header");
    /* each kv needs >= 8+4 bytes + 1 value byte, each tensor info >= 8+4+4+8 */
    if (n_kv > (rd.size - rd.pos) / 13 || n_t > (rd.size - rd.pos) / 24)
        return aieng__gguf_fail(&rd, "counts larger than the file");
    g->kv = (aieng_gguf_kv *)aieng_alloc(&g->alloc, (size_t)(n_kv ? n_kv : 1) * sizeof(aieng_gguf_kv));
    g->tensors = (aieng_gguf_tensor_info *)aieng_alloc(&g->alloc,
                                                        (size_t)(n_t ? n_t : 1) * sizeof(aieng_gguf_tensor_info));
    if (!g->kv || !g->tensors) return aieng_set_error(AIENG_ERR_OOM, "gguf: out of memory");
    memset(g->kv, 0, (size_t)(n_kv ? n_kv : 1) * sizeof(aieng_gguf_kv));
    memset(g->tensors, 0, (size_t)(n_t ? n_t : 1) * sizeof(aieng_gguf_tensor_info));
    g->alignment = AIENG_GGUF_DEFAULT_ALIGNMENT;
    for (i = 0; i < n_kv; i++) {
        aieng_gguf_kv *kv = &g->kv[i];
        uint64_t len = aieng__gguf_u(&rd, 8);
        if (rd.err || len == 0 || len > 65535 || !aieng__gguf_need(&rd, len))
            return aieng__gguf_fail(&rd, "bad key");
        kv->key = (char *)aieng_alloc(&g->alloc, (size_t)len + 1);
        if (!kv->key) return aieng_set_error(AIENG_ERR_OOM, "gguf: out of memory");
        memcpy(kv->key, rd.p + rd.pos, (size_t)len);
        kv->key[len] = 0;
        g->n_kv = (int64_t)i + 1;
        if (strlen(kv->key) != len) return aieng__gguf_fail(&rd, "NUL byte in a key");
        rd.pos += len;
        for (k = 0; k < (int64_t)i; k++)
            if (strcmp(g->kv[k].key, kv->key) == 0) return aieng__gguf_fail(&rd, "duplicate key");
        kv->type = (uint32_t)aieng__gguf_u(&rd, 4);
        kv->n = 1;
        if (rd.err) return aieng__gguf_fail(&rd, "truncated key/value");
        if (kv->type == AIENG_GGUF_ARRAY) {
            uint64_t j, start;
            kv->arr_type = (uint32_t)aieng__gguf_u(&rd, 4);
            kv->n = aieng__gguf_u(&rd, 8);
            if (rd.err) return aieng__gguf_fail(&rd, "truncated array");
            kv->off = rd.pos;
            start = rd.pos;
            if (kv->arr_type == AIENG_GGUF_STRING) {
                if (kv->n > (rd.size - rd.pos) / 8) return aieng__gguf_fail(&rd, "array longer than the file");
                kv->str_off = (uint64_t *)aieng_alloc(&g->alloc, (size_t)(kv->n ? kv->n : 1) * sizeof(uint64_t));
                if (!kv->str_off) return aieng_set_error(AIENG_ERR_OOM, "gguf: out of memory");
                for (j = 0; j < kv->n; j++) {
                    kv->str_off[j] = rd.pos;
                    if (!aieng__gguf_skip_value(&rd, AIENG_GGUF_STRING, 1))
                        return aieng__gguf_fail(&rd, "bad string in array");
                }
            } else {
                /* re-read the array header through the generic skipper */
                rd.pos = start - 12;
                if (!aieng__gguf_skip_value(&rd, AIENG_GGUF_ARRAY, 0)) return aieng__gguf_fail(&rd, "bad array");
            }
        } else {
            kv->off = rd.pos;
            if (!aieng__gguf_skip_value(&rd, kv->type, 0)) return aieng__gguf_fail(&rd, "bad value");
        }
        if (strcmp(kv->key, "general.alignment") == 0) {
            uint64_t a;
            if (kv->type != AIENG_GGUF_UINT32) return aieng__gguf_fail(&rd, "general.alignment is not a UINT32");
            a = aieng__gguf_le(rd.p + kv->off, 4);
            if (a == 0 || (a & (a - 1)) != 0 || a > (1u << 24))
                return aieng__gguf_fail(&rd, "general.alignment is not a power of two");
            g->alignment = (uint32_t)a;
        }
    }
    for (i = 0; i < n_t; i++) {
        aieng_gguf_tensor_info *t = &g->tensors[i];
        uint64_t len = aieng__gguf_u(&rd, 8), nd, nel = 1, blck, tsz;
        int d;
        if (rd.err || len == 0 || len >= AIENG_GGUF_MAX_NAME || !aieng__gguf_need(&rd, len))
            return aieng__gguf_fail(&rd, "bad tensor name");
        memcpy(t->name, rd.p + rd.pos, (size_t)len);
        t->name[len] = 0;
        rd.pos += len;
        g->n_tensors = (int64_t)i + 1;
        if (strlen(t->name) != len) return aieng__gguf_fail(&rd, "NUL byte in a tensor name");
        for (k = 0; k < (int64_t)i; k++)
            if (strcmp(g->tensors[k].name, t->name) == 0) return aieng__gguf_fail(&rd, "duplicate tensor name");
        nd = aieng__gguf_u(&rd, 4);
        if (rd.err || nd > 4) return aieng__gguf_fail(&rd, "bad tensor rank");
        t->n_dims = (int)nd;
        for (d = 0; d < 4; d++) t->ne[d] = 1;
        for (d = 0; d < (int)nd; d++) {
            uint64_t v = aieng__gguf_u(&rd, 8);
            if (rd.err || v > (uint64_t)INT64_MAX) return aieng__gguf_fail(&rd, "bad tensor dimension");
            t->ne[d] = (int64_t)v;
            if (v && nel > (uint64_t)INT64_MAX / v) return aieng__gguf_fail(&rd, "tensor too large");
            nel *= v;
        }
        t->type = (uint32_t)aieng__gguf_u(&rd, 4);
        t->offset = aieng__gguf_u(&rd, 8);
        if (rd.err) return aieng__gguf_fail(&rd, "truncated tensor info");
        blck = (uint64_t)aieng_gguf_type_blck(t->type);
        tsz = (uint64_t)aieng_gguf_type_size(t->type);
        if (!blck) return aieng__gguf_fail(&rd, "unknown tensor type");
        if ((uint64_t)t->ne[0] % blck) return aieng__gguf_fail(&rd, "row length not a multiple of the block size");
        if (nel / blck > UINT64_MAX / tsz) return aieng__gguf_fail(&rd, "tensor too large");
        t->size = nel / blck * tsz;
        if (t->offset % g->alignment) return aieng__gguf_fail(&rd, "tensor offset not aligned");
    }
    g->data_offset = (rd.pos + g->alignment - 1) / g->alignment * g->alignment;
    if (g->data_offset > rd.size) {
        if (n_t) return aieng__gguf_fail(&rd, "data section missing");
        g->data_offset = rd.size;
    }
    data_size = rd.size - g->data_offset;
    for (i = 0; i < n_t; i++) {
        aieng_gguf_tensor_info *t = &g->tensors[i];
        if (t->offset > data_size || t->size > data_size - t->offset) {
            rd.pos = g->data_offset;
            return aieng_set_error(AIENG_ERR_FORMAT, "gguf: tensor '%s' (%llu bytes at %llu) lies outside the file",
                                   t->name, (unsigned long long)t->size, (unsigned long long)t->offset);
        }
        t->data = g->bytes + g->data_offset + t->offset;
    }
    return AIENG_OK;
}

static aieng_result aieng__gguf_make(aieng_gguf **out, const aieng_allocator *alloc) {
    aieng_gguf *g = NULL;
    aieng_allocator a;
    if (alloc) a = *alloc;
    else memset(&a, 0, sizeof a);
    g = (aieng_gguf *)aieng_alloc(&a, sizeof *g);
    if (!g) return aieng_set_error(AIENG_ERR_OOM, "gguf: out of memory");
    memset(g, 0, sizeof *g);
    g->alloc = a;
    *out = g;
    return AIENG_OK;
}

AIENG_API aieng_result aieng_gguf_open_memory(aieng_gguf **out, const void *data, size_t size,
                                              const aieng_allocator *alloc) {
    aieng_result r;
    if (!out || (!data && size)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf: NULL argument");
    *out = NULL;
    r = aieng__gguf_make(out, alloc);
    if (r != AIENG_OK) return r;
    (*out)->bytes = (const uint8_t *)data;
    (*out)->size = size;
    r = aieng__gguf_parse(*out);
    if (r != AIENG_OK) {
        aieng_gguf_close(*out);
        *out = NULL;
    }
    return r;
}

AIENG_API aieng_result aieng_gguf_open_file(aieng_gguf **out, const char *path, const aieng_allocator *alloc) {
    aieng_result r;
    aieng_gguf *g = NULL;
    if (!out || !path) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf: NULL argument");
    *out = NULL;
    r = aieng__gguf_make(&g, alloc);
    if (r != AIENG_OK) return r;
#if AIENG__TF_MMAP
    {
        int fd = open(path, O_RDONLY);
        struct stat st;
        if (fd < 0) {
            aieng_gguf_close(g);
            return aieng_set_error(AIENG_ERR_IO, "gguf: cannot open '%s'", path);
        }
        if (fstat(fd, &st) == 0 && st.st_size > 0) {
            void *m = mmap(NULL, (size_t)st.st_size, PROT_READ, MAP_PRIVATE, fd, 0);
            if (m != MAP_FAILED) {
                g->bytes = (const uint8_t *)m;
                g->size = (uint64_t)st.st_size;
                g->mapped = 1;
            }
        }
        close(fd);
    }
#endif
    if (!g->mapped) { /* portable fallback: read the whole file */
        FILE *f = fopen(path, "rb");
        long n;
        uint8_t *buf;
        if (!f) {
            aieng_gguf_close(g);
            return aieng_set_error(AIENG_ERR_IO, "gguf: cannot open '%s'", path);
        }
        if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
            fclose(f);
            aieng_gguf_close(g);
            return aieng_set_error(AIENG_ERR_IO, "gguf: cannot size '%s'", path);
        }
        buf = (uint8_t *)aieng_alloc(&g->alloc, (size_t)n + 1);
        if (!buf) {
            fclose(f);
            aieng_gguf_close(g);
            return aieng_set_error(AIENG_ERR_OOM, "gguf: out of memory reading '%s'", path);
        }
        if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
            fclose(f);
            aieng_free(&g->alloc, buf);
            aieng_gguf_close(g);
            return aieng_set_error(AIENG_ERR_IO, "gguf: cannot read '%s'", path);
        }
        fclose(f);
        g->bytes = buf;
        g->size = (uint64_t)n;
        g->mapped = 2;
    }
    r = aieng__gguf_parse(g);
    if (r != AIENG_OK) {
        aieng_gguf_close(g);
        return r;
    }
    *out = g;
    return AIENG_OK;
}

AIENG_API void aieng_gguf_close(aieng_gguf *g) {
    aieng_allocator a;
    if (!g) return;
    aieng__gguf_free_parts(g);
#if AIENG__TF_MMAP
    if (g->mapped == 1) munmap((void *)(uintptr_t)g->bytes, (size_t)g->size);
#endif
    if (g->mapped == 2) aieng_free(&g->alloc, (void *)(uintptr_t)g->bytes);
    a = g->alloc;
    aieng_free(&a, g);
}

AIENG_API int64_t aieng_gguf_find_key(const aieng_gguf *g, const char *key) {
    int64_t i;
    if (!g || !key) return -1;
    for (i = 0; i < g->n_kv; i++)
        if (strcmp(g->kv[i].key, key) == 0) return i;
    return -1;
}
AIENG_API int64_t aieng_gguf_find_tensor(const aieng_gguf *g, const char *name) {
    int64_t i;
    if (!g || !name) return -1;
    for (i = 0; i < g->n_tensors; i++)
        if (strcmp(g->tensors[i].name, name) == 0) return i;
    return -1;
}

/* Reads a scalar of type t at offset off (already bounds-checked by the parser). */
static int aieng__gguf_scalar_int(const aieng_gguf *g, uint32_t t, uint64_t off, int64_t *out) {
    const uint8_t *p = g->bytes + off;
    uint64_t u;
    switch (t) {
    case AIENG_GGUF_UINT8: case AIENG_GGUF_BOOL: *out = p[0]; return 1;
    case AIENG_GGUF_INT8: *out = (int8_t)p[0]; return 1;
    case AIENG_GGUF_UINT16: *out = (int64_t)aieng__gguf_le(p, 2); return 1;
    case AIENG_GGUF_INT16: *out = (int16_t)aieng__gguf_le(p, 2); return 1;
    case AIENG_GGUF_UINT32: *out = (int64_t)aieng__gguf_le(p, 4); return 1;
    case AIENG_GGUF_INT32: *out = (int32_t)(uint32_t)aieng__gguf_le(p, 4); return 1;
    case AIENG_GGUF_UINT64:
        u = aieng__gguf_le(p, 8);
        if (u > (uint64_t)INT64_MAX) return 0;
        *out = (int64_t)u;
        return 1;
    case AIENG_GGUF_INT64: u = aieng__gguf_le(p, 8); memcpy(out, &u, 8); return 1;
    default: return 0;
    }
}
static int aieng__gguf_scalar_float(const aieng_gguf *g, uint32_t t, uint64_t off, double *out) {
    int64_t i;
    if (t == AIENG_GGUF_FLOAT32) {
        uint32_t u = (uint32_t)aieng__gguf_le(g->bytes + off, 4);
        float f;
        memcpy(&f, &u, 4);
        *out = f;
        return 1;
    }
    if (t == AIENG_GGUF_FLOAT64) {
        uint64_t u = aieng__gguf_le(g->bytes + off, 8);
        memcpy(out, &u, 8);
        return 1;
    }
    if (aieng__gguf_scalar_int(g, t, off, &i)) {
        *out = (double)i;
        return 1;
    }
    return 0;
}

static const aieng_gguf_kv *aieng__gguf_kv_of(const aieng_gguf *g, const char *key) {
    int64_t i = aieng_gguf_find_key(g, key);
    if (i < 0) {
        aieng_set_error(AIENG_ERR_FORMAT, "gguf: key '%s' not found", key ? key : "(null)");
        return NULL;
    }
    return &g->kv[i];
}
AIENG_API aieng_result aieng_gguf_get_int(const aieng_gguf *g, const char *key, int64_t *out) {
    const aieng_gguf_kv *kv = aieng__gguf_kv_of(g, key);
    if (!kv) return AIENG_ERR_FORMAT;
    if (!out || !aieng__gguf_scalar_int(g, kv->type, kv->off, out))
        return aieng_set_error(AIENG_ERR_FORMAT, "gguf: key '%s' is not an integer", key);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_gguf_get_float(const aieng_gguf *g, const char *key, double *out) {
    const aieng_gguf_kv *kv = aieng__gguf_kv_of(g, key);
    if (!kv) return AIENG_ERR_FORMAT;
    if (!out || !aieng__gguf_scalar_float(g, kv->type, kv->off, out))
        return aieng_set_error(AIENG_ERR_FORMAT, "gguf: key '%s' is not a number", key);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_gguf_get_string(const aieng_gguf *g, const char *key, const char **s, size_t *len) {
    const aieng_gguf_kv *kv = aieng__gguf_kv_of(g, key);
    if (!kv) return AIENG_ERR_FORMAT;
    if (kv->type != AIENG_GGUF_STRING || !s || !len)
        return aieng_set_error(AIENG_ERR_FORMAT, "gguf: key '%s' is not a string", key);
    *len = (size_t)aieng__gguf_le(g->bytes + kv->off, 8);
    *s = (const char *)g->bytes + kv->off + 8;
    return AIENG_OK;
}
static const aieng_gguf_kv *aieng__gguf_arr(const aieng_gguf *g, int64_t kv, uint64_t i) {
    if (!g || kv < 0 || kv >= g->n_kv || g->kv[kv].type != AIENG_GGUF_ARRAY || i >= g->kv[kv].n) {
        aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf: no array element %llu in entry %lld", (unsigned long long)i,
                        (long long)kv);
        return NULL;
    }
    return &g->kv[kv];
}
AIENG_API aieng_result aieng_gguf_array_int(const aieng_gguf *g, int64_t kv, uint64_t i, int64_t *out) {
    const aieng_gguf_kv *e = aieng__gguf_arr(g, kv, i);
    uint64_t sz;
    if (!e) return AIENG_ERR_INVALID_ARG;
    sz = aieng__gguf_scalar_size(e->arr_type);
    if (!sz || !out || !aieng__gguf_scalar_int(g, e->arr_type, e->off + i * sz, out))
        return aieng_set_error(AIENG_ERR_FORMAT, "gguf: '%s' is not an integer array", e->key);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_gguf_array_float(const aieng_gguf *g, int64_t kv, uint64_t i, double *out) {
    const aieng_gguf_kv *e = aieng__gguf_arr(g, kv, i);
    uint64_t sz;
    if (!e) return AIENG_ERR_INVALID_ARG;
    sz = aieng__gguf_scalar_size(e->arr_type);
    if (!sz || !out || !aieng__gguf_scalar_float(g, e->arr_type, e->off + i * sz, out))
        return aieng_set_error(AIENG_ERR_FORMAT, "gguf: '%s' is not a numeric array", e->key);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_gguf_array_string(const aieng_gguf *g, int64_t kv, uint64_t i, const char **s,
                                               size_t *len) {
    const aieng_gguf_kv *e = aieng__gguf_arr(g, kv, i);
    if (!e) return AIENG_ERR_INVALID_ARG;
    if (e->arr_type != AIENG_GGUF_STRING || !s || !len)
        return aieng_set_error(AIENG_ERR_FORMAT, "gguf: '%s' is not a string array", e->key);
    *len = (size_t)aieng__gguf_le(g->bytes + e->str_off[i], 8);
    *s = (const char *)g->bytes + e->str_off[i] + 8;
    return AIENG_OK;
}

/* ---- writer */
typedef struct aieng__gguf_wkv { char *key; uint8_t *val; size_t val_len; uint32_t type; } aieng__gguf_wkv;
typedef struct aieng__gguf_wt {
    char name[AIENG_GGUF_MAX_NAME];
    uint32_t type;
    int n_dims;
    int64_t ne[4];
    uint64_t size;
    const void *data;
} aieng__gguf_wt;
struct aieng_gguf_writer {
    aieng_allocator alloc;
    aieng__gguf_wkv *kv;
    int64_t n_kv, cap_kv;
    aieng__gguf_wt *t;
    int64_t n_t, cap_t;
    uint32_t alignment;
};

AIENG_API aieng_result aieng_gguf_writer_new(aieng_gguf_writer **out, const aieng_allocator *alloc) {
    aieng_allocator a;
    aieng_gguf_writer *w;
    if (!out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: NULL argument");
    if (alloc) a = *alloc;
    else memset(&a, 0, sizeof a);
    w = (aieng_gguf_writer *)aieng_alloc(&a, sizeof *w);
    if (!w) return aieng_set_error(AIENG_ERR_OOM, "gguf writer: out of memory");
    memset(w, 0, sizeof *w);
    w->alloc = a;
    w->alignment = AIENG_GGUF_DEFAULT_ALIGNMENT;
    *out = w;
    return AIENG_OK;
}
AIENG_API void aieng_gguf_writer_free(aieng_gguf_writer *w) {
    int64_t i;
    aieng_allocator a;
    if (!w) return;
    for (i = 0; i < w->n_kv; i++) {
        aieng_free(&w->alloc, w->kv[i].key);
        aieng_free(&w->alloc, w->kv[i].val);
    }
    aieng_free(&w->alloc, w->kv);
    aieng_free(&w->alloc, w->t);
    a = w->alloc;
    aieng_free(&a, w);
}
static void aieng__gguf_put(uint8_t *p, uint64_t v, int n) {
    int i;
    for (i = 0; i < n; i++) p[i] = (uint8_t)(v >> (8 * i));
}
/* Takes ownership of val (allocated with w->alloc) and stores it under key. */
static aieng_result aieng__gguf_wset(aieng_gguf_writer *w, const char *key, uint32_t type, uint8_t *val,
                                     size_t len) {
    int64_t i;
    size_t kl;
    char *k;
    if (!w || !key || !(kl = strlen(key)) || kl > 65535) {
        if (w) aieng_free(&w->alloc, val);
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: bad key");
    }
    for (i = 0; i < w->n_kv; i++)
        if (strcmp(w->kv[i].key, key) == 0) {
            aieng_free(&w->alloc, w->kv[i].val);
            w->kv[i].val = val;
            w->kv[i].val_len = len;
            w->kv[i].type = type;
            return AIENG_OK;
        }
    if (w->n_kv == w->cap_kv) {
        int64_t nc = w->cap_kv ? 2 * w->cap_kv : 16;
        aieng__gguf_wkv *nk = (aieng__gguf_wkv *)aieng_realloc(&w->alloc, w->kv, (size_t)nc * sizeof *nk);
        if (!nk) {
            aieng_free(&w->alloc, val);
            return aieng_set_error(AIENG_ERR_OOM, "gguf writer: out of memory");
        }
        w->kv = nk;
        w->cap_kv = nc;
    }
    k = (char *)aieng_alloc(&w->alloc, kl + 1);
    if (!k) {
        aieng_free(&w->alloc, val);
        return aieng_set_error(AIENG_ERR_OOM, "gguf writer: out of memory");
    }
    memcpy(k, key, kl + 1);
    w->kv[w->n_kv].key = k;
    w->kv[w->n_kv].val = val;
    w->kv[w->n_kv].val_len = len;
    w->kv[w->n_kv].type = type;
    w->n_kv++;
    if (strcmp(key, "general.alignment") == 0 && type == AIENG_GGUF_UINT32) {
        uint32_t a = (uint32_t)aieng__gguf_le(val, 4);
        if (a && !(a & (a - 1))) w->alignment = a;
    }
    return AIENG_OK;
}
static uint8_t *aieng__gguf_wbuf(aieng_gguf_writer *w, size_t n) {
    uint8_t *p = (uint8_t *)aieng_alloc(&w->alloc, n ? n : 1);
    if (!p) aieng_set_error(AIENG_ERR_OOM, "gguf writer: out of memory");
    return p;
}
AIENG_API aieng_result aieng_gguf_writer_set_int(aieng_gguf_writer *w, const char *key, uint32_t type, int64_t v) {
    uint64_t sz = aieng__gguf_scalar_size(type);
    uint8_t *p;
    if (!w || !sz || type == AIENG_GGUF_FLOAT32 || type == AIENG_GGUF_FLOAT64)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: set_int needs an integer type");
    if (!(p = aieng__gguf_wbuf(w, (size_t)sz))) return AIENG_ERR_OOM;
    aieng__gguf_put(p, (uint64_t)v, (int)sz);
    return aieng__gguf_wset(w, key, type, p, (size_t)sz);
}
AIENG_API aieng_result aieng_gguf_writer_set_float(aieng_gguf_writer *w, const char *key, uint32_t type, double v) {
    uint8_t *p;
    if (!w || (type != AIENG_GGUF_FLOAT32 && type != AIENG_GGUF_FLOAT64))
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: set_float needs FLOAT32 or FLOAT64");
    if (!(p = aieng__gguf_wbuf(w, 8))) return AIENG_ERR_OOM;
    if (type == AIENG_GGUF_FLOAT32) {
        float f = (float)v;
        uint32_t u;
        memcpy(&u, &f, 4);
        aieng__gguf_put(p, u, 4);
        return aieng__gguf_wset(w, key, type, p, 4);
    } else {
        uint64_t u;
        memcpy(&u, &v, 8);
        aieng__gguf_put(p, u, 8);
        return aieng__gguf_wset(w, key, type, p, 8);
    }
}
AIENG_API aieng_result aieng_gguf_writer_set_string(aieng_gguf_writer *w, const char *key, const char *s,
                                                    size_t len) {
    uint8_t *p;
    if (!w || (!s && len)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: NULL string");
    if (!(p = aieng__gguf_wbuf(w, 8 + len))) return AIENG_ERR_OOM;
    aieng__gguf_put(p, len, 8);
    if (len) memcpy(p + 8, s, len);
    return aieng__gguf_wset(w, key, AIENG_GGUF_STRING, p, 8 + len);
}
AIENG_API aieng_result aieng_gguf_writer_set_array(aieng_gguf_writer *w, const char *key, uint32_t elem_type,
                                                   const void *data, uint64_t n) {
    uint64_t sz = aieng__gguf_scalar_size(elem_type);
    uint8_t *p;
    if (!w || !sz || (!data && n) || n > ((uint64_t)SIZE_MAX - 12) / sz)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: bad array");
    if (!(p = aieng__gguf_wbuf(w, (size_t)(12 + n * sz)))) return AIENG_ERR_OOM;
    aieng__gguf_put(p, elem_type, 4);
    aieng__gguf_put(p + 4, n, 8);
    if (n) memcpy(p + 12, data, (size_t)(n * sz));
    return aieng__gguf_wset(w, key, AIENG_GGUF_ARRAY, p, (size_t)(12 + n * sz));
}
AIENG_API aieng_result aieng_gguf_writer_set_string_array(aieng_gguf_writer *w, const char *key,
                                                          const char *const *strs, const size_t *lens, uint64_t n) {
    uint64_t i, total = 12;
    uint8_t *p, *q;
    if (!w || (!strs && n)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: bad string array");
    for (i = 0; i < n; i++) total += 8 + (lens ? lens[i] : strlen(strs[i]));
    if (!(p = aieng__gguf_wbuf(w, (size_t)total))) return AIENG_ERR_OOM;
    aieng__gguf_put(p, AIENG_GGUF_STRING, 4);
    aieng__gguf_put(p + 4, n, 8);
    q = p + 12;
    for (i = 0; i < n; i++) {
        size_t l = lens ? lens[i] : strlen(strs[i]);
        aieng__gguf_put(q, l, 8);
        if (l) memcpy(q + 8, strs[i], l);
        q += 8 + l;
    }
    return aieng__gguf_wset(w, key, AIENG_GGUF_ARRAY, p, (size_t)total);
}
AIENG_API aieng_result aieng_gguf_writer_copy_kv(aieng_gguf_writer *w, const aieng_gguf *g, int64_t kv) {
    aieng__gguf_rd rd;
    uint64_t start, end;
    uint8_t *p;
    if (!w || !g || kv < 0 || kv >= g->n_kv) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: bad kv");
    start = g->kv[kv].type == AIENG_GGUF_ARRAY ? g->kv[kv].off - 12 : g->kv[kv].off;
    rd.p = g->bytes;
    rd.size = g->size;
    rd.pos = start;
    rd.err = 0;
    if (!aieng__gguf_skip_value(&rd, g->kv[kv].type, 0))
        return aieng_set_error(AIENG_ERR_FORMAT, "gguf writer: cannot copy '%s'", g->kv[kv].key);
    end = rd.pos;
    if (!(p = aieng__gguf_wbuf(w, (size_t)(end - start)))) return AIENG_ERR_OOM;
    memcpy(p, g->bytes + start, (size_t)(end - start));
    return aieng__gguf_wset(w, g->kv[kv].key, g->kv[kv].type, p, (size_t)(end - start));
}
AIENG_API aieng_result aieng_gguf_writer_add_tensor(aieng_gguf_writer *w, const char *name, uint32_t type,
                                                    int n_dims, const int64_t *ne, const void *data) {
    aieng__gguf_wt *t;
    int64_t i, blck = aieng_gguf_type_blck(type);
    uint64_t nel = 1;
    int d;
    if (!w || !name || !ne || n_dims < 1 || n_dims > 4 || strlen(name) == 0 ||
        strlen(name) >= AIENG_GGUF_MAX_NAME || !blck)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: bad tensor '%s'", name ? name : "(null)");
    for (i = 0; i < w->n_t; i++)
        if (strcmp(w->t[i].name, name) == 0)
            return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: duplicate tensor '%s'", name);
    for (d = 0; d < n_dims; d++) {
        if (ne[d] < 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: negative dimension");
        nel *= (uint64_t)ne[d];
    }
    if (ne[0] % blck) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: row not a multiple of the block");
    if (w->n_t == w->cap_t) {
        int64_t nc = w->cap_t ? 2 * w->cap_t : 64;
        aieng__gguf_wt *nt = (aieng__gguf_wt *)aieng_realloc(&w->alloc, w->t, (size_t)nc * sizeof *nt);
        if (!nt) return aieng_set_error(AIENG_ERR_OOM, "gguf writer: out of memory");
        w->t = nt;
        w->cap_t = nc;
    }
    t = &w->t[w->n_t++];
    memset(t, 0, sizeof *t);
    memcpy(t->name, name, strlen(name) + 1);
    t->type = type;
    t->n_dims = n_dims;
    for (d = 0; d < 4; d++) t->ne[d] = d < n_dims ? ne[d] : 1;
    t->size = nel / (uint64_t)blck * (uint64_t)aieng_gguf_type_size(type);
    t->data = data;
    return AIENG_OK;
}
/* Serializes into buf (NULL: only measures); returns the size. */
static uint64_t aieng__gguf_wserialize(const aieng_gguf_writer *w, uint8_t *buf) {
    uint64_t pos = 0, off = 0, al = w->alignment, data_start;
    int64_t i;
    int d;
#define AIENG__W(src, n) do { if (buf) memcpy(buf + pos, (src), (size_t)(n)); pos += (n); } while (0)
#define AIENG__WU(v, n) do { if (buf) aieng__gguf_put(buf + pos, (uint64_t)(v), (n)); pos += (n); } while (0)
    AIENG__W("GGUF", 4);
    AIENG__WU(3, 4);
    AIENG__WU(w->n_t, 8);
    AIENG__WU(w->n_kv, 8);
    for (i = 0; i < w->n_kv; i++) {
        size_t kl = strlen(w->kv[i].key);
        AIENG__WU(kl, 8);
        AIENG__W(w->kv[i].key, kl);
        AIENG__WU(w->kv[i].type, 4);
        AIENG__W(w->kv[i].val, w->kv[i].val_len);
    }
    for (i = 0; i < w->n_t; i++) {
        size_t nl = strlen(w->t[i].name);
        AIENG__WU(nl, 8);
        AIENG__W(w->t[i].name, nl);
        AIENG__WU(w->t[i].n_dims, 4);
        for (d = 0; d < w->t[i].n_dims; d++) AIENG__WU(w->t[i].ne[d], 8);
        AIENG__WU(w->t[i].type, 4);
        AIENG__WU(off, 8);
        off += (w->t[i].size + al - 1) / al * al;
    }
    data_start = (pos + al - 1) / al * al;
    if (buf) memset(buf + pos, 0, (size_t)(data_start - pos));
    pos = data_start;
    for (i = 0; i < w->n_t; i++) {
        uint64_t padded = (w->t[i].size + al - 1) / al * al;
        if (buf) {
            if (w->t[i].data) memcpy(buf + pos, w->t[i].data, (size_t)w->t[i].size);
            else memset(buf + pos, 0, (size_t)w->t[i].size);
            memset(buf + pos + w->t[i].size, 0, (size_t)(padded - w->t[i].size));
        }
        pos += padded;
    }
#undef AIENG__W
#undef AIENG__WU
    return pos;
}
AIENG_API aieng_result aieng_gguf_writer_write_memory(aieng_gguf_writer *w, void **out, size_t *size) {
    uint64_t n;
    uint8_t *buf;
    if (!w || !out || !size) return aieng_set_error(AIENG_ERR_INVALID_ARG, "gguf writer: NULL argument");
    n = aieng__gguf_wserialize(w, NULL);
    if (n > (uint64_t)SIZE_MAX) return aieng_set_error(AIENG_ERR_OOM, "gguf writer: too large");
    if (!(buf = aieng__gguf_wbuf(w, (size_t)n))) return AIENG_ERR_OOM;
    aieng__gguf_wserialize(w, buf);
    *out = buf;
    *size = (size_t)n;
    return AIENG_OK;
}
AIENG_API aieng_result aieng_gguf_writer_write_file(aieng_gguf_writer *w, const char *path) {
    void *buf = NULL;
    size_t n = 0;
    FILE *f;
    aieng_result r = aieng_gguf_writer_write_memory(w, &buf, &n);
    if (r != AIENG_OK) return r;
    f = path ? fopen(path, "wb") : NULL;
    if (!f || fwrite(buf, 1, n, f) != n) {
        if (f) fclose(f);
        aieng_free(&w->alloc, buf);
        return aieng_set_error(AIENG_ERR_IO, "gguf writer: cannot write '%s'", path ? path : "(null)");
    }
    aieng_free(&w->alloc, buf);
    if (fclose(f) != 0) return aieng_set_error(AIENG_ERR_IO, "gguf writer: cannot write '%s'", path);
    return AIENG_OK;
}

/* ================================================================ model */
#if defined(_POSIX_C_SOURCE) && _POSIX_C_SOURCE >= 199309L
#include <time.h>
static double aieng__tf_now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
#else
#include <time.h>
static double aieng__tf_now(void) { return (double)clock() / CLOCKS_PER_SEC; }
#endif

/* A weight matrix as GGUF stores it: n_out rows of n_in values of `type`. */
typedef struct aieng__tf_mat { const void *data; int type; int64_t n_in, n_out; } aieng__tf_mat;

typedef struct aieng__tf_layer {
    const float *attn_norm, *attn_norm_b, *ffn_norm, *ffn_norm_b;
    aieng__tf_mat wq, wk, wv, wqkv, wo, w_gate, w_up, w_down;
    const float *bqkv, *bo, *b_up, *b_down;
} aieng__tf_layer;

struct aieng_model {
    aieng_model_hparams hp;
    aieng_model_config cfg;
    aieng_allocator alloc;
    aieng_gguf *gguf;
    aieng_bpe *bpe;
    uint8_t *is_control;           /* n_vocab flags */
    uint8_t *is_eog;
    aieng__tf_mat tok_embd, pos_embd, output;
    const float *out_norm, *out_norm_b;
    aieng__tf_layer *layers;
    void **owned;                  /* converted small tensors */
    int64_t n_owned;
    char *chat_default_system;     /* NULL when the template has none */
    int chat_ml;
    /* KV cache, F16 as llama.cpp's default: [layer][pos][kv_dim] */
    uint16_t *k_cache, *v_cache;
    int64_t n_ctx, n_batch, n_past;
    /* work buffers for n_batch tokens */
    float *x, *xb, *q, *k, *v, *att, *hb, *hb2, *logits, *rope_cs;
    float *attn_ws;                /* per thread: K and V rows in f32 + scores */
    int64_t attn_ws_stride;
    int attn_ws_threads;
    void *mm_work;
    size_t mm_work_size;
    size_t mem_bytes;
    char err[256];
};

static aieng_result aieng__tf_err(aieng_model *m, aieng_result code, const char *fmt, ...) {
    va_list ap;
    char buf[256];
    va_start(ap, fmt);
    vsnprintf(buf, sizeof buf, fmt, ap);
    va_end(ap);
    if (m) memcpy(m->err, buf, sizeof buf);
    return aieng_set_error(code, "%s", buf);
}

AIENG_API aieng_model_config aieng_model_config_default(void) {
    aieng_model_config c;
    memset(&c, 0, sizeof c);
    c.n_batch = 512;
    return c;
}
AIENG_API const char *aieng_model_error(const aieng_model *m) { return m ? m->err : aieng_last_error(); }
AIENG_API const aieng_model_hparams *aieng_model_get_hparams(const aieng_model *m) { return m ? &m->hp : NULL; }
AIENG_API const aieng_gguf *aieng_model_gguf(const aieng_model *m) { return m ? m->gguf : NULL; }
AIENG_API int64_t aieng_model_n_ctx(const aieng_model *m) { return m ? m->n_ctx : 0; }
AIENG_API int64_t aieng_model_n_past(const aieng_model *m) { return m ? m->n_past : 0; }
AIENG_API size_t aieng_model_memory_bytes(const aieng_model *m) { return m ? m->mem_bytes : 0; }

static void *aieng__tf_alloc(aieng_model *m, size_t n) {
    void *p = aieng_alloc(&m->alloc, n ? n : 1);
    if (p) {
        memset(p, 0, n ? n : 1);
        m->mem_bytes += n;
    }
    return p;
}
static int aieng__tf_own(aieng_model *m, void *p) {
    void **no = (void **)aieng_realloc(&m->alloc, m->owned, (size_t)(m->n_owned + 1) * sizeof(void *));
    if (!no) return 0;
    m->owned = no;
    m->owned[m->n_owned++] = p;
    return 1;
}

/* Looks up a tensor by name (printf-style) and checks its shape. */
static aieng_result aieng__tf_tensor(aieng_model *m, const aieng_gguf_tensor_info **out, int required, int64_t ne0,
                                     int64_t ne1, const char *fmt, int layer) {
    char name[AIENG_GGUF_MAX_NAME + 16];
    int64_t i;
    const aieng_gguf_tensor_info *t;
    snprintf(name, sizeof name, fmt, layer);
    i = aieng_gguf_find_tensor(m->gguf, name);
    *out = NULL;
    if (i < 0) {
        if (required) return aieng__tf_err(m, AIENG_ERR_FORMAT, "model: tensor '%s' missing", name);
        return AIENG_OK;
    }
    t = &m->gguf->tensors[i];
    if (t->ne[0] != ne0 || t->ne[1] != ne1 || t->ne[2] != 1 || t->ne[3] != 1)
        return aieng__tf_err(m, AIENG_ERR_FORMAT, "model: tensor '%s' has shape [%lld, %lld], expected [%lld, %lld]",
                             name, (long long)t->ne[0], (long long)t->ne[1], (long long)ne0, (long long)ne1);
    *out = t;
    return AIENG_OK;
}
static aieng_result aieng__tf_matrix(aieng_model *m, aieng__tf_mat *w, int required, int64_t n_in, int64_t n_out,
                                     const char *fmt, int layer) {
    const aieng_gguf_tensor_info *t;
    aieng_result r = aieng__tf_tensor(m, &t, required, n_in, n_out, fmt, layer);
    memset(w, 0, sizeof *w);
    if (r != AIENG_OK || !t) return r;
    if (aieng_quant_vec_dot_type((int)t->type) < 0 || aieng_quant_block_size((int)t->type) <= 0)
        return aieng__tf_err(m, AIENG_ERR_UNSUPPORTED, "model: tensor '%s' has type %s, which aieng_quant.h lacks",
                             t->name, aieng_gguf_type_name(t->type));
    w->data = t->data;
    w->type = (int)t->type;
    w->n_in = n_in;
    w->n_out = n_out;
    return AIENG_OK;
}
/* A vector of n floats (norm weights, biases): used in place when F32 and
   aligned, else converted into an owned buffer. */
static aieng_result aieng__tf_vector(aieng_model *m, const float **out, int required, int64_t n, const char *fmt,
                                     int layer) {
    const aieng_gguf_tensor_info *t;
    aieng_result r = aieng__tf_tensor(m, &t, required, n, 1, fmt, layer);
    float *buf;
    *out = NULL;
    if (r != AIENG_OK || !t) return r;
    if (t->type == AIENG_QUANT_F32 && ((uintptr_t)t->data & 3) == 0) {
        *out = (const float *)t->data;
        return AIENG_OK;
    }
    buf = (float *)aieng_alloc(&m->alloc, (size_t)n * sizeof(float));
    if (!buf || !aieng__tf_own(m, buf)) {
        aieng_free(&m->alloc, buf);
        return aieng__tf_err(m, AIENG_ERR_OOM, "model: out of memory");
    }
    if (aieng_quant_dequantize_row((int)t->type, t->data, buf, n) != AIENG_OK)
        return aieng__tf_err(m, AIENG_ERR_UNSUPPORTED, "model: cannot read tensor '%s' of type %s", t->name,
                             aieng_gguf_type_name(t->type));
    *out = buf;
    return AIENG_OK;
}

static int64_t aieng__tf_geti(aieng_model *m, const char *arch, const char *key, int64_t def) {
    char k[128];
    int64_t v;
    snprintf(k, sizeof k, "%s.%s", arch, key);
    return aieng_gguf_get_int(m->gguf, k, &v) == AIENG_OK ? v : def;
}
static double aieng__tf_getf(aieng_model *m, const char *arch, const char *key, double def) {
    char k[128];
    double v;
    snprintf(k, sizeof k, "%s.%s", arch, key);
    return aieng_gguf_get_float(m->gguf, k, &v) == AIENG_OK ? v : def;
}

static aieng_result aieng__tf_load_tokenizer(aieng_model *m) {
    aieng_gguf *g = m->gguf;
    int64_t kt = aieng_gguf_find_key(g, "tokenizer.ggml.tokens");
    int64_t km = aieng_gguf_find_key(g, "tokenizer.ggml.merges");
    int64_t ktt = aieng_gguf_find_key(g, "tokenizer.ggml.token_type");
    const char **toks = NULL, **merges = NULL, *s;
    size_t *tl = NULL, *ml = NULL, len;
    int64_t n, nm = 0, i, v;
    aieng_bpe_pretok pre = AIENG_BPE_GPT2;
    aieng_result r;
    char name[64];
    if (aieng_gguf_get_string(g, "tokenizer.ggml.model", &s, &len) != AIENG_OK || len != 4 || memcmp(s, "gpt2", 4))
        return aieng__tf_err(m, AIENG_ERR_UNSUPPORTED, "model: only byte-level BPE (tokenizer.ggml.model = gpt2) "
                                                       "vocabularies are supported");
    if (kt < 0 || g->kv[kt].arr_type != AIENG_GGUF_STRING)
        return aieng__tf_err(m, AIENG_ERR_FORMAT, "model: tokenizer.ggml.tokens missing");
    if (aieng_gguf_get_string(g, "tokenizer.ggml.pre", &s, &len) == AIENG_OK && len < sizeof name) {
        memcpy(name, s, len);
        name[len] = 0;
        if (strcmp(name, "default") != 0 && aieng_bpe_pretok_from_name(name, &pre) != AIENG_OK)
            return aieng__tf_err(m, AIENG_ERR_UNSUPPORTED, "model: pre-tokenizer '%s' is not supported", name);
    }
    n = (int64_t)g->kv[kt].n;
    if (km >= 0 && g->kv[km].arr_type == AIENG_GGUF_STRING) nm = (int64_t)g->kv[km].n;
    toks = (const char **)aieng_alloc(&m->alloc, (size_t)(n + 1) * sizeof(char *));
    tl = (size_t *)aieng_alloc(&m->alloc, (size_t)(n + 1) * sizeof(size_t));
    merges = (const char **)aieng_alloc(&m->alloc, (size_t)(nm + 1) * sizeof(char *));
    ml = (size_t *)aieng_alloc(&m->alloc, (size_t)(nm + 1) * sizeof(size_t));
    m->is_control = (uint8_t *)aieng__tf_alloc(m, (size_t)n);
    m->is_eog = (uint8_t *)aieng__tf_alloc(m, (size_t)n);
    if (!toks || !tl || !merges || !ml || !m->is_control || !m->is_eog) {
        r = aieng__tf_err(m, AIENG_ERR_OOM, "model: out of memory");
        goto done;
    }
    for (i = 0; i < n; i++) aieng_gguf_array_string(g, kt, (uint64_t)i, &toks[i], &tl[i]);
    for (i = 0; i < nm; i++) aieng_gguf_array_string(g, km, (uint64_t)i, &merges[i], &ml[i]);
    r = aieng_bpe_from_tokens_merges(toks, tl, (size_t)n, merges, ml, (size_t)nm, pre, &m->alloc, &m->bpe);
    if (r != AIENG_OK) {
        aieng__tf_err(m, r, "model: tokenizer: %s", aieng_last_error());
        goto done;
    }
    for (i = 0; i < n; i++) {
        v = 1;
        if (ktt >= 0) aieng_gguf_array_int(g, ktt, (uint64_t)i, &v);
        if (v == 3 || v == 4) { /* control and user-defined tokens are matched as specials */
            m->is_control[i] = (uint8_t)(v == 3);
            r = aieng_bpe_add_special(m->bpe, (uint32_t)i, toks[i], tl[i]);
            if (r != AIENG_OK) {
                aieng__tf_err(m, r, "model: tokenizer: %s", aieng_last_error());
                goto done;
            }
        }
        /* llama.cpp's end-of-generation set: eos, eot and these texts */
        if ((tl[i] == 10 && memcmp(toks[i], "<|im_end|>", 10) == 0) ||
            (tl[i] == 13 && memcmp(toks[i], "<|endoftext|>", 13) == 0) ||
            (tl[i] == 10 && memcmp(toks[i], "<|eot_id|>", 10) == 0) || (tl[i] == 9 && memcmp(toks[i], "<|im_end|>", 9) == 0))
            m->is_eog[i] = (uint8_t)(v == 3 || v == 4);
    }
    if (m->hp.eos_id >= 0 && m->hp.eos_id < n) m->is_eog[m->hp.eos_id] = 1;
    if (m->hp.eot_id >= 0 && m->hp.eot_id < n) m->is_eog[m->hp.eot_id] = 1;
    r = AIENG_OK;
done:
    aieng_free(&m->alloc, toks);
    aieng_free(&m->alloc, tl);
    aieng_free(&m->alloc, merges);
    aieng_free(&m->alloc, ml);
    return r;
}

/* Chat template: ChatML is recognised by "<|im_start|>"; the default system
   prompt is the text the template puts after "<|im_start|>system\n". */
static aieng_result aieng__tf_load_chat(aieng_model *m) {
    const char *s, *p, *e;
    size_t len, i;
    static const char sys[] = "<|im_start|>system\\n";
    static const char sys2[] = "<|im_start|>system\n";
    if (aieng_gguf_get_string(m->gguf, "tokenizer.chat_template", &s, &len) != AIENG_OK) {
        m->chat_ml = 1; /* the llama.cpp fallback for unknown templates is ChatML too */
        return AIENG_OK;
    }
    m->chat_ml = 1;
    for (i = 0; i + sizeof sys2 - 1 <= len; i++) {
        size_t skip = 0;
        if (i + sizeof sys - 1 <= len && memcmp(s + i, sys, sizeof sys - 1) == 0) skip = sizeof sys - 1;
        else if (memcmp(s + i, sys2, sizeof sys2 - 1) == 0) skip = sizeof sys2 - 1;
        if (!skip) continue;
        p = s + i + skip;
        for (e = p; e + 10 <= s + len; e++)
            if (memcmp(e, "<|im_end|>", 10) == 0) break;
        if (e + 10 > s + len || e == p || memchr(p, '\'', (size_t)(e - p)) || memchr(p, '{', (size_t)(e - p)))
            continue; /* "system" as a role variable, not a literal prompt */
        m->chat_default_system = (char *)aieng__tf_alloc(m, (size_t)(e - p) + 1);
        if (!m->chat_default_system) return aieng__tf_err(m, AIENG_ERR_OOM, "model: out of memory");
        memcpy(m->chat_default_system, p, (size_t)(e - p));
        break;
    }
    return AIENG_OK;
}

static aieng_result aieng__tf_load(aieng_model *m) {
    aieng_gguf *g = m->gguf;
    const char *s;
    size_t len;
    char arch[32];
    int64_t v, L, D, i;
    aieng_model_hparams *hp = &m->hp;
    aieng_result r;
    const aieng_gguf_tensor_info *t;
    if (aieng_gguf_get_string(g, "general.architecture", &s, &len) != AIENG_OK || len >= sizeof arch)
        return aieng__tf_err(m, AIENG_ERR_FORMAT, "model: general.architecture missing");
    memcpy(arch, s, len);
    arch[len] = 0;
    if (strcmp(arch, "llama") == 0) hp->arch = AIENG_ARCH_LLAMA;
    else if (strcmp(arch, "gpt2") == 0) hp->arch = AIENG_ARCH_GPT2;
    else return aieng__tf_err(m, AIENG_ERR_UNSUPPORTED, "model: architecture '%s' is not supported", arch);
    hp->n_embd = aieng__tf_geti(m, arch, "embedding_length", 0);
    hp->n_layer = aieng__tf_geti(m, arch, "block_count", 0);
    hp->n_ff = aieng__tf_geti(m, arch, "feed_forward_length", 0);
    hp->n_head = aieng__tf_geti(m, arch, "attention.head_count", 0);
    hp->n_head_kv = aieng__tf_geti(m, arch, "attention.head_count_kv", hp->n_head);
    hp->n_ctx_train = aieng__tf_geti(m, arch, "context_length", 2048);
    if (hp->n_embd <= 0 || hp->n_embd > (1 << 16) || hp->n_layer <= 0 || hp->n_layer > 1024 || hp->n_ff <= 0 ||
        hp->n_ff > (1 << 20) || hp->n_head <= 0 || hp->n_head_kv <= 0 || hp->n_head % hp->n_head_kv ||
        hp->n_embd % hp->n_head || hp->n_ctx_train <= 0)
        return aieng__tf_err(m, AIENG_ERR_FORMAT, "model: missing or inconsistent hyperparameters");
    hp->head_dim = aieng__tf_geti(m, arch, "attention.key_length", hp->n_embd / hp->n_head);
    if (hp->head_dim != hp->n_embd / hp->n_head || hp->head_dim % 2 || hp->head_dim > 512 ||
        aieng__tf_geti(m, arch, "attention.value_length", hp->head_dim) != hp->head_dim)
        return aieng__tf_err(m, AIENG_ERR_UNSUPPORTED, "model: head sizes other than n_embd/n_head");
    hp->n_rot = aieng__tf_geti(m, arch, "rope.dimension_count", hp->head_dim);
    if (hp->n_rot <= 0 || hp->n_rot > hp->head_dim || hp->n_rot % 2)
        return aieng__tf_err(m, AIENG_ERR_FORMAT, "model: bad rope.dimension_count");
    hp->rope_base = (float)aieng__tf_getf(m, arch, "rope.freq_base", 10000.0);
    hp->norm_eps = (float)aieng__tf_getf(m, arch, hp->arch == AIENG_ARCH_LLAMA ? "attention.layer_norm_rms_epsilon"
                                                                               : "attention.layer_norm_epsilon",
                                         1e-5);
    if (aieng_gguf_find_key(g, "rope.scaling.type") >= 0) { /* reserved: plain RoPE only */
    }
    hp->bos_id = aieng_gguf_get_int(g, "tokenizer.ggml.bos_token_id", &v) == AIENG_OK ? (int32_t)v : -1;
    hp->eos_id = aieng_gguf_get_int(g, "tokenizer.ggml.eos_token_id", &v) == AIENG_OK ? (int32_t)v : -1;
    hp->eot_id = aieng_gguf_get_int(g, "tokenizer.ggml.eot_token_id", &v) == AIENG_OK ? (int32_t)v : -1;
    hp->add_bos = aieng_gguf_get_int(g, "tokenizer.ggml.add_bos_token", &v) == AIENG_OK ? (int)v
                                                                                          : hp->arch == AIENG_ARCH_LLAMA;
    r = aieng__tf_tensor(m, &t, 1, hp->n_embd, aieng__tf_geti(m, arch, "vocab_size", 0), "token_embd.weight", 0);
    if (r != AIENG_OK) { /* vocab_size is optional: take it from the tensor */
        int64_t ti = aieng_gguf_find_tensor(g, "token_embd.weight");
        if (ti < 0) return r;
        hp->n_vocab = g->tensors[ti].ne[1];
    } else {
        hp->n_vocab = t->ne[1];
    }
    if (hp->n_vocab <= 0 || hp->n_vocab > (1 << 24)) return aieng__tf_err(m, AIENG_ERR_FORMAT, "model: bad vocabulary");
    L = hp->n_layer;
    D = hp->n_embd;
    {
        int64_t kvd = hp->n_head_kv * hp->head_dim;
        if ((r = aieng__tf_matrix(m, &m->tok_embd, 1, D, hp->n_vocab, "token_embd.weight", 0)) != AIENG_OK) return r;
        if ((r = aieng__tf_matrix(m, &m->output, 0, D, hp->n_vocab, "output.weight", 0)) != AIENG_OK) return r;
        if (!m->output.data) m->output = m->tok_embd; /* tied embeddings */
        if ((r = aieng__tf_vector(m, &m->out_norm, 1, D, "output_norm.weight", 0)) != AIENG_OK) return r;
        m->layers = (aieng__tf_layer *)aieng__tf_alloc(m, (size_t)L * sizeof(aieng__tf_layer));
        if (!m->layers) return aieng__tf_err(m, AIENG_ERR_OOM, "model: out of memory");
        if (hp->arch == AIENG_ARCH_GPT2) {
            if ((r = aieng__tf_matrix(m, &m->pos_embd, 1, D, hp->n_ctx_train, "position_embd.weight", 0)) != AIENG_OK)
                return r;
            if ((r = aieng__tf_vector(m, &m->out_norm_b, 1, D, "output_norm.bias", 0)) != AIENG_OK) return r;
        }
        for (i = 0; i < L; i++) {
            aieng__tf_layer *l = &m->layers[i];
            int li = (int)i;
            if ((r = aieng__tf_vector(m, &l->attn_norm, 1, D, "blk.%d.attn_norm.weight", li)) != AIENG_OK) return r;
            if ((r = aieng__tf_vector(m, &l->ffn_norm, 1, D, "blk.%d.ffn_norm.weight", li)) != AIENG_OK) return r;
            if ((r = aieng__tf_matrix(m, &l->wo, 1, D, D, "blk.%d.attn_output.weight", li)) != AIENG_OK) return r;
            if ((r = aieng__tf_matrix(m, &l->w_up, 1, D, hp->n_ff, "blk.%d.ffn_up.weight", li)) != AIENG_OK) return r;
            if ((r = aieng__tf_matrix(m, &l->w_down, 1, hp->n_ff, D, "blk.%d.ffn_down.weight", li)) != AIENG_OK)
                return r;
            if (hp->arch == AIENG_ARCH_LLAMA) {
                if ((r = aieng__tf_matrix(m, &l->wq, 1, D, D, "blk.%d.attn_q.weight", li)) != AIENG_OK) return r;
                if ((r = aieng__tf_matrix(m, &l->wk, 1, D, kvd, "blk.%d.attn_k.weight", li)) != AIENG_OK) return r;
                if ((r = aieng__tf_matrix(m, &l->wv, 1, D, kvd, "blk.%d.attn_v.weight", li)) != AIENG_OK) return r;
                if ((r = aieng__tf_matrix(m, &l->w_gate, 1, D, hp->n_ff, "blk.%d.ffn_gate.weight", li)) != AIENG_OK)
                    return r;
            } else {
                if ((r = aieng__tf_matrix(m, &l->wqkv, 1, D, 3 * D, "blk.%d.attn_qkv.weight", li)) != AIENG_OK) return r;
                if ((r = aieng__tf_vector(m, &l->attn_norm_b, 1, D, "blk.%d.attn_norm.bias", li)) != AIENG_OK) return r;
                if ((r = aieng__tf_vector(m, &l->ffn_norm_b, 1, D, "blk.%d.ffn_norm.bias", li)) != AIENG_OK) return r;
                if ((r = aieng__tf_vector(m, &l->bqkv, 1, 3 * D, "blk.%d.attn_qkv.bias", li)) != AIENG_OK) return r;
                if ((r = aieng__tf_vector(m, &l->bo, 1, D, "blk.%d.attn_output.bias", li)) != AIENG_OK) return r;
                if ((r = aieng__tf_vector(m, &l->b_up, 1, hp->n_ff, "blk.%d.ffn_up.bias", li)) != AIENG_OK) return r;
                if ((r = aieng__tf_vector(m, &l->b_down, 1, D, "blk.%d.ffn_down.bias", li)) != AIENG_OK) return r;
            }
        }
    }
    if ((r = aieng__tf_load_tokenizer(m)) != AIENG_OK) return r;
    if ((r = aieng__tf_load_chat(m)) != AIENG_OK) return r;
    /* context, cache and work buffers */
    m->n_ctx = m->cfg.n_ctx > 0 ? m->cfg.n_ctx : (hp->n_ctx_train < 4096 ? hp->n_ctx_train : 4096);
    if (hp->arch == AIENG_ARCH_GPT2 && m->n_ctx > hp->n_ctx_train) m->n_ctx = hp->n_ctx_train;
    if (m->n_ctx > (1 << 22)) return aieng__tf_err(m, AIENG_ERR_INVALID_ARG, "model: n_ctx too large");
    m->n_batch = m->cfg.n_batch > 0 ? m->cfg.n_batch : 512;
    if (m->n_batch > m->n_ctx) m->n_batch = m->n_ctx;
    {
        int64_t B = m->n_batch, kvd = hp->n_head_kv * hp->head_dim, ff = hp->n_ff, kmax, th;
        size_t kv_elems = (size_t)L * (size_t)m->n_ctx * (size_t)kvd;
        m->k_cache = (uint16_t *)aieng__tf_alloc(m, kv_elems * sizeof(uint16_t));
        m->v_cache = (uint16_t *)aieng__tf_alloc(m, kv_elems * sizeof(uint16_t));
        m->x = (float *)aieng__tf_alloc(m, (size_t)(B * D) * sizeof(float));
        m->xb = (float *)aieng__tf_alloc(m, (size_t)(B * D) * sizeof(float));
        m->q = (float *)aieng__tf_alloc(m, (size_t)(B * 3 * D) * sizeof(float));
        m->k = (float *)aieng__tf_alloc(m, (size_t)(B * kvd) * sizeof(float));
        m->v = (float *)aieng__tf_alloc(m, (size_t)(B * kvd) * sizeof(float));
        m->att = (float *)aieng__tf_alloc(m, (size_t)(B * D) * sizeof(float));
        m->hb = (float *)aieng__tf_alloc(m, (size_t)(B * (ff > 3 * D ? ff : 3 * D)) * sizeof(float));
        m->hb2 = (float *)aieng__tf_alloc(m, (size_t)(B * ff) * sizeof(float));
        m->logits = (float *)aieng__tf_alloc(m, (size_t)hp->n_vocab * sizeof(float));
        m->rope_cs = (float *)aieng__tf_alloc(m, (size_t)(B * hp->n_rot) * sizeof(float));
        th = aieng_get_threads();
        if (m->cfg.n_threads > th) th = m->cfg.n_threads;
        if (th < 1) th = 1;
        m->attn_ws_threads = (int)th;
        m->attn_ws_stride = (2 * hp->head_dim + 2) * (m->n_ctx + 16) + 32; /* K (padded to 16), V, scores, f16 scores */
        m->attn_ws = (float *)aieng__tf_alloc(m, (size_t)(th * m->attn_ws_stride) * sizeof(float));
        kmax = D > ff ? D : ff;
        m->mm_work_size = aieng_quant_matmul_work_size(m->tok_embd.type, kmax, B);
        for (i = 0; i < L; i++) { /* every matrix at its own input size (the tiles' side data depends on the type) */
            const aieng__tf_mat *ws[8];
            int k;
            ws[0] = &m->layers[i].wq; ws[1] = &m->layers[i].wk; ws[2] = &m->layers[i].wv; ws[3] = &m->layers[i].wqkv;
            ws[4] = &m->layers[i].wo; ws[5] = &m->layers[i].w_gate; ws[6] = &m->layers[i].w_up; ws[7] = &m->layers[i].w_down;
            for (k = 0; k < 8; k++)
                if (ws[k]->data) {
                    size_t w1 = aieng_quant_matmul_work_size(ws[k]->type, ws[k]->n_in, B);
                    if (w1 > m->mm_work_size) m->mm_work_size = w1;
                }
        }
        {
            size_t w3 = aieng_quant_matmul_work_size(m->output.type, D, 1);
            if (w3 > m->mm_work_size) m->mm_work_size = w3;
        }
        m->mm_work = aieng__tf_alloc(m, m->mm_work_size);
        if (!m->k_cache || !m->v_cache || !m->x || !m->xb || !m->q || !m->k || !m->v || !m->att || !m->hb || !m->hb2 ||
            !m->logits || !m->rope_cs || !m->attn_ws || !m->mm_work)
            return aieng__tf_err(m, AIENG_ERR_OOM, "model: out of memory for the KV cache and work buffers");
    }
    return AIENG_OK;
}

static aieng_result aieng__tf_open(aieng_model **out, aieng_gguf *g, const aieng_model_config *cfg) {
    aieng_model *m;
    aieng_result r;
    aieng_allocator a;
    if (cfg) a = cfg->alloc;
    else memset(&a, 0, sizeof a);
    m = (aieng_model *)aieng_alloc(&a, sizeof *m);
    if (!m) {
        aieng_gguf_close(g);
        return aieng_set_error(AIENG_ERR_OOM, "model: out of memory");
    }
    memset(m, 0, sizeof *m);
    m->alloc = a;
    m->cfg = cfg ? *cfg : aieng_model_config_default();
    m->gguf = g;
    if (m->cfg.n_threads > 0) aieng_set_threads(m->cfg.n_threads);
    r = aieng__tf_load(m);
    if (r != AIENG_OK) {
        char msg[256];
        memcpy(msg, m->err, sizeof msg);
        aieng_model_free(m);
        aieng_set_error(r, "%s", msg);
        return r;
    }
    *out = m;
    return AIENG_OK;
}
AIENG_API aieng_result aieng_model_load_file(aieng_model **out, const char *path, const aieng_model_config *cfg) {
    aieng_gguf *g = NULL;
    aieng_result r;
    if (!out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "model: NULL argument");
    *out = NULL;
    r = aieng_gguf_open_file(&g, path, cfg ? &cfg->alloc : NULL);
    if (r != AIENG_OK) return r;
    return aieng__tf_open(out, g, cfg);
}
AIENG_API aieng_result aieng_model_load_memory(aieng_model **out, const void *data, size_t size,
                                               const aieng_model_config *cfg) {
    aieng_gguf *g = NULL;
    aieng_result r;
    if (!out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "model: NULL argument");
    *out = NULL;
    r = aieng_gguf_open_memory(&g, data, size, cfg ? &cfg->alloc : NULL);
    if (r != AIENG_OK) return r;
    return aieng__tf_open(out, g, cfg);
}
AIENG_API void aieng_model_free(aieng_model *m) {
    aieng_allocator a;
    int64_t i;
    if (!m) return;
    a = m->alloc;
    for (i = 0; i < m->n_owned; i++) aieng_free(&a, m->owned[i]);
    aieng_free(&a, m->owned);
    aieng_free(&a, m->layers);
    aieng_free(&a, m->is_control);
    aieng_free(&a, m->is_eog);
    aieng_free(&a, m->chat_default_system);
    aieng_free(&a, m->k_cache);
    aieng_free(&a, m->v_cache);
    aieng_free(&a, m->x);
    aieng_free(&a, m->xb);
    aieng_free(&a, m->q);
    aieng_free(&a, m->k);
    aieng_free(&a, m->v);
    aieng_free(&a, m->att);
    aieng_free(&a, m->hb);
    aieng_free(&a, m->hb2);
    aieng_free(&a, m->logits);
    aieng_free(&a, m->rope_cs);
    aieng_free(&a, m->attn_ws);
    aieng_free(&a, m->mm_work);
    if (m->bpe) aieng_bpe_free(m->bpe);
    aieng_gguf_close(m->gguf);
    aieng_free(&a, m);
}

/* ---- tokenizer */
AIENG_API aieng_result aieng_model_tokenize(aieng_model *m, const char *text, size_t len, int add_special,
                                            int parse_special, int32_t *ids, int64_t cap, int64_t *n) {
    aieng_bpe_tokens toks;
    aieng_bpe_special_opts opts;
    aieng_result r;
    int64_t i, k = 0;
    if (!m || (!text && len) || !n || (!ids && cap > 0))
        return aieng__tf_err(m, AIENG_ERR_INVALID_ARG, "tokenize: bad argument");
    memset(&toks, 0, sizeof toks);
    memset(&opts, 0, sizeof opts);
    opts.allow_all = parse_special != 0;
    opts.disallowed_as_text = 1;
    r = aieng_bpe_encode(m->bpe, text ? text : "", len, &opts, &toks);
    if (r != AIENG_OK) {
        aieng_bpe_tokens_free(m->bpe, &toks);
        return aieng__tf_err(m, r, "tokenize: %s", aieng_last_error());
    }
    if (add_special && m->hp.add_bos && m->hp.bos_id >= 0) {
        if (k < cap) ids[k] = m->hp.bos_id;
        k++;
    }
    for (i = 0; i < (int64_t)toks.n; i++, k++)
        if (k < cap) ids[k] = (int32_t)toks.ids[i];
    aieng_bpe_tokens_free(m->bpe, &toks);
    *n = k;
    if (k > cap) return aieng__tf_err(m, AIENG_ERR_OOM, "tokenize: %lld tokens do not fit in %lld", (long long)k,
                                      (long long)cap);
    return AIENG_OK;
}
AIENG_API aieng_result aieng_model_token_bytes(const aieng_model *m, int32_t id, const char **bytes, size_t *len) {
    if (!m || id < 0 || id >= m->hp.n_vocab) return aieng_set_error(AIENG_ERR_RANGE, "model: bad token id %d", (int)id);
    return aieng_bpe_token_bytes(m->bpe, (uint32_t)id, bytes, len);
}
AIENG_API int aieng_model_is_eog(const aieng_model *m, int32_t id) {
    return m && id >= 0 && id < m->hp.n_vocab && m->is_eog[id];
}
AIENG_API int aieng_model_is_control(const aieng_model *m, int32_t id) {
    return m && id >= 0 && id < m->hp.n_vocab && m->is_control[id];
}

/* ---- forward pass */
/* y[t][o] = W[o]·x[t] for t < T: aieng_quant_matmul quantizes the activations
   as ggml does (Q8_1 for Q4_1 weights, Q8_0 for Q8_0, ...). */
static aieng_result aieng__tf_linear(aieng_model *m, const aieng__tf_mat *w, const float *x, int64_t T, float *y) {
    return aieng_quant_matmul_ex(w->type, w->data, w->n_out, w->n_in, x, w->n_in, T, y, w->n_out, m->mm_work,
                                 m->mm_work_size);
}
/* Two or three matrices on the same input (Q, K, V; gate, up): one
   activation quantization and one thread hand-off, the same results. */
static aieng_result aieng__tf_linear3(aieng_model *m, const aieng__tf_mat *a, const aieng__tf_mat *b, const aieng__tf_mat *c,
                                     const float *x, int64_t T, float *ya, float *yb, float *yc) {
    aieng_quant_mat mats[3];
    const aieng__tf_mat *w[3];
    float *y[3];
    int i, n = c ? 3 : 2;
    w[0] = a; w[1] = b; w[2] = c;
    y[0] = ya; y[1] = yb; y[2] = yc;
    for (i = 0; i < n; i++) {
        mats[i].type = w[i]->type;
        mats[i].W = w[i]->data;
        mats[i].N = w[i]->n_out;
        mats[i].y = y[i];
        mats[i].ldy = w[i]->n_out;
    }
    return aieng_quant_matmul_multi(mats, n, a->n_in, x, a->n_in, T, m->mm_work, m->mm_work_size);
}
/* ggml_rms_norm (sum of squares in double) followed by ggml_mul by the weight. */
static void aieng__tf_rmsnorm(float *y, const float *x, const float *w, int64_t n, float eps) {
    double sum = 0.0;
    int64_t i;
    float mean, scale;
    for (i = 0; i < n; i++) sum += (double)(x[i] * x[i]);
    mean = (float)(sum / (double)n);
    scale = 1.0f / sqrtf(mean + eps);
    for (i = 0; i < n; i++) y[i] = (x[i] * scale) * w[i];
}
/* ggml_norm (mean and variance in double) then * w + b. */
static void aieng__tf_layernorm(float *y, const float *x, const float *w, const float *b, int64_t n, float eps) {
    double sum = 0.0, sum2 = 0.0;
    int64_t i;
    float mean, scale;
    for (i = 0; i < n; i++) sum += (double)x[i];
    mean = (float)(sum / (double)n);
    for (i = 0; i < n; i++) {
        float v = x[i] - mean;
        y[i] = v;
        sum2 += (double)(v * v);
    }
    scale = 1.0f / sqrtf((float)(sum2 / (double)n) + eps);
    for (i = 0; i < n; i++) y[i] = (y[i] * scale) * w[i] + (b ? b[i] : 0.0f);
}
/* cos/sin of each rotated pair at position pos, as ggml's rope cache
   computes them: theta multiplied step by step in float. */
static void aieng__tf_rope_cache(float *cs, int64_t n_rot, int64_t pos, float base) {
    float theta_scale = powf(base, -2.0f / (float)n_rot), theta = (float)pos;
    int64_t i;
    for (i = 0; i < n_rot; i += 2) {
        cs[i] = cosf(theta);
        cs[i + 1] = sinf(theta);
        theta *= theta_scale;
    }
}
static void aieng__tf_rope(float *x, const float *cs, int64_t n_rot) { /* NORMAL layout: adjacent pairs */
    int64_t i;
    for (i = 0; i < n_rot; i += 2) {
        float x0 = x[i], x1 = x[i + 1];
        x[i] = x0 * cs[i] - x1 * cs[i + 1];
        x[i + 1] = x0 * cs[i + 1] + x1 * cs[i];
    }
}
static float aieng__tf_f16_round(float v) { return aieng_f16_to_f32(aieng_f32_to_f16(v)); }

/* _mm512_reduce_add_ps's order: halves, quarters, then pairs. */
static float aieng__tf_reduce16(const float *a) {
    float t8[8], t4[4];
    int l;
    for (l = 0; l < 8; l++) t8[l] = a[l + 8] + a[l];
    for (l = 0; l < 4; l++) t4[l] = t8[l + 4] + t8[l];
    return (t4[0] + t4[2]) + (t4[1] + t4[3]);
}
/* exp(x) as ggml-cpu's vectorized softmax and SiLU compute it on AVX-512
   and AVX2 (the polynomial of ARM's optimized-routines expf: x = n·ln2 + b,
   a degree-5 polynomial in b, times 2^n; within 1.5 ulp of expf). Written
   in scalar C with fmaf so that every build gets the same bits; results are
   flushed to 0 below about -103 and to infinity above about 88.4. */
static float aieng__tf_expf(float x) {
    const float r = 1.258291200e+07f; /* 0x1.8p23: rounds x/ln2 to an integer */
    float z = fmaf(x, 1.442695022e+00f, r), n = z - r, b, u, j;
    if (x != x) return x;
    if (n < -150.0f) return 0.0f;
    if (n > 128.0f) return INFINITY;
    b = fmaf(-n, 1.428606765e-06f, fmaf(-n, 6.931457520e-01f, x));
    u = b * b;
    j = fmaf(fmaf(fmaf(8.247390389e-03f, b, 4.189976677e-02f), u, fmaf(1.666839570e-01f, b, 4.999912679e-01f)), u,
             fmaf(9.999994040e-01f, b, 1.0f));
    if (n < -126.0f || n > 127.0f) return ldexpf(j, (int)n); /* subnormal or huge: one rounding */
    {
        uint32_t bits = (uint32_t)((int32_t)n + 127) << 23; /* 2^n exactly */
        float p2;
        memcpy(&p2, &bits, 4);
        return j * p2;
    }
}
#if !defined(AIENG_NO_SIMD) && !defined(AIENG_NO_AVX512) && defined(__AVX512F__) && defined(__FMA__)
#define AIENG__TF512 1
#include <immintrin.h>
#endif
/* Scores of one query against sixteen keys, in the summation order of
   ggml's f16 matrix products on AVX-512 (llamafile tinyBLAS: per key one
   16-lane accumulator, lane l summing d = l, l+16, ... with fused
   multiply-adds, then _mm512_reduce_add_ps's halving tree), times scale.
   kt holds the keys transposed ([d][16]): the keys sit in the vector lanes
   and lane l of every key's accumulator is one register. The portable path
   does the same operations (fmaf is exactly rounded, as the instruction). */
static void aieng__tf_dot16x16(float *out, const float *q, const float *kt, int64_t hd, float scale) {
#if defined(AIENG__TF512)
    __m512 a[16];
    int64_t k;
    int l;
    for (l = 0; l < 16; l++) a[l] = _mm512_setzero_ps();
    for (k = 0; k + 16 <= hd; k += 16)
        for (l = 0; l < 16; l++) a[l] = _mm512_fmadd_ps(_mm512_set1_ps(q[k + l]), _mm512_loadu_ps(kt + (k + l) * 16), a[l]);
    for (l = 0; k + l < hd; l++) a[l] = _mm512_fmadd_ps(_mm512_set1_ps(q[k + l]), _mm512_loadu_ps(kt + (k + l) * 16), a[l]);
    for (l = 0; l < 8; l++) a[l] = _mm512_add_ps(a[l + 8], a[l]);
    for (l = 0; l < 4; l++) a[l] = _mm512_add_ps(a[l + 4], a[l]);
    _mm512_storeu_ps(out, _mm512_mul_ps(_mm512_add_ps(_mm512_add_ps(a[0], a[2]), _mm512_add_ps(a[1], a[3])), _mm512_set1_ps(scale)));
#else
    float a[16][16];
    int64_t k;
    int l, i;
    for (l = 0; l < 16; l++)
        for (i = 0; i < 16; i++) a[l][i] = 0.0f;
    for (k = 0; k + 16 <= hd; k += 16)
        for (l = 0; l < 16; l++)
            for (i = 0; i < 16; i++) a[l][i] = fmaf(q[k + l], kt[(k + l) * 16 + i], a[l][i]);
    for (l = 0; k + l < hd; l++)
        for (i = 0; i < 16; i++) a[l][i] = fmaf(q[k + l], kt[(k + l) * 16 + i], a[l][i]);
    for (i = 0; i < 16; i++) {
        float t[16];
        for (l = 0; l < 16; l++) t[l] = a[l][i];
        out[i] = aieng__tf_reduce16(t) * scale;
    }
#endif
}
#if defined(AIENG__TF512)
/* aieng__tf_expf in 16 lanes (the same operations); lanes outside its plain
   range (NaN, results below 2^-126 or above 2^127) take the scalar function.
   Lanes not in live are 0. */
static __m512 aieng__tf_exp16(__m512 xv, __mmask16 live) {
    const __m512 r = _mm512_set1_ps(1.258291200e+07f);
    const __m512 nn = _mm512_sub_ps(_mm512_fmadd_ps(xv, _mm512_set1_ps(1.442695022e+00f), r), r);
    const __m512 b = _mm512_fnmadd_ps(nn, _mm512_set1_ps(1.428606765e-06f), _mm512_fnmadd_ps(nn, _mm512_set1_ps(6.931457520e-01f), xv));
    const __m512 u = _mm512_mul_ps(b, b);
    const __m512 j = _mm512_fmadd_ps(
        _mm512_fmadd_ps(_mm512_fmadd_ps(_mm512_set1_ps(8.247390389e-03f), b, _mm512_set1_ps(4.189976677e-02f)), u,
                        _mm512_fmadd_ps(_mm512_set1_ps(1.666839570e-01f), b, _mm512_set1_ps(4.999912679e-01f))),
        u, _mm512_fmadd_ps(_mm512_set1_ps(9.999994040e-01f), b, _mm512_set1_ps(1.0f)));
    const __m512i e = _mm512_slli_epi32(_mm512_add_epi32(_mm512_cvttps_epi32(nn), _mm512_set1_epi32(127)), 23);
    const __m512 ev = _mm512_maskz_mul_ps(live, j, _mm512_castsi512_ps(e));
    const __mmask16 odd = (__mmask16)(live & (_mm512_cmp_ps_mask(nn, _mm512_set1_ps(-126.0f), _CMP_LT_OQ) |
                                              _mm512_cmp_ps_mask(nn, _mm512_set1_ps(127.0f), _CMP_GT_OQ) |
                                              _mm512_cmp_ps_mask(xv, xv, _CMP_UNORD_Q)));
    if (odd) {
        float xs[16], es[16];
        int k;
        _mm512_storeu_ps(xs, xv);
        _mm512_storeu_ps(es, ev);
        for (k = 0; k < 16; k++)
            if (odd >> k & 1) es[k] = aieng__tf_expf(xs[k]);
        return _mm512_loadu_ps(es);
    }
    return ev;
}
static __mmask16 aieng__tf_live(int64_t left) { return (__mmask16)(left >= 16 ? 0xffff : (1u << left) - 1u); }
#endif
/* ggml_soft_max over n values: max, exp in 16-lane chunks each reduced as
   _mm512_reduce_add_ps and summed in double, then scaled by 1/sum. */
static void aieng__tf_softmax(float *x, int64_t n) {
    float mx = -INFINITY, inv;
    double sum = 0.0;
    int64_t i = 0, k;
#if defined(AIENG__TF512)
    { /* the maximum does not depend on the order (NaNs are skipped either way) */
        __m512 m16 = _mm512_set1_ps(-INFINITY);
        float ms[16];
        for (; i + 16 <= n; i += 16) m16 = _mm512_max_ps(_mm512_loadu_ps(x + i), m16);
        _mm512_storeu_ps(ms, m16);
        for (k = 0; k < 16; k++)
            if (ms[k] > mx) mx = ms[k];
    }
#endif
    for (; i < n; i++)
        if (x[i] > mx) mx = x[i];
    for (i = 0; i < n; i += 16) {
        float lane[16];
#if defined(AIENG__TF512)
        const __mmask16 live = aieng__tf_live(n - i);
        const __m512 ev = aieng__tf_exp16(_mm512_sub_ps(_mm512_maskz_loadu_ps(live, x + i), _mm512_set1_ps(mx)), live);
        _mm512_mask_storeu_ps(x + i, live, ev);
        _mm512_storeu_ps(lane, ev);
#else
        for (k = 0; k < 16; k++) lane[k] = i + k < n ? (x[i + k] = aieng__tf_expf(x[i + k] - mx)) : 0.0f;
#endif
        sum += (double)aieng__tf_reduce16(lane);
    }
    inv = (float)(1.0 / sum);
    i = 0;
#if defined(AIENG__TF512)
    for (; i + 16 <= n; i += 16) _mm512_storeu_ps(x + i, _mm512_mul_ps(_mm512_loadu_ps(x + i), _mm512_set1_ps(inv)));
#endif
    for (; i < n; i++) x[i] *= inv;
}
/* ggml_v_silu: x / (1 + exp(-x)), then times up (n values) */
static void aieng__tf_swiglu(float *g, const float *up, int64_t n) {
    int64_t i = 0;
#if defined(AIENG__TF512)
    for (; i < n; i += 16) {
        const __mmask16 live = aieng__tf_live(n - i);
        const __m512 gv = _mm512_maskz_loadu_ps(live, g + i);
        const __m512 e = aieng__tf_exp16(_mm512_castsi512_ps(_mm512_xor_si512(_mm512_castps_si512(gv), _mm512_set1_epi32(INT32_MIN))), live);
        _mm512_mask_storeu_ps(g + i, live, _mm512_mul_ps(_mm512_div_ps(gv, _mm512_add_ps(_mm512_set1_ps(1.0f), e)),
                                                         _mm512_maskz_loadu_ps(live, up + i)));
    }
#endif
    for (; i < n; i++) g[i] = g[i] / (1.0f + aieng__tf_expf(-g[i])) * up[i];
}
/* o[d] = Σ_p w[p]·v[p][d] with position p in lane p mod 16 (the fused
   multiply-adds of each lane in position order), then the halving tree. */
static void aieng__tf_pv16(float *o, const float *w, const float *v, int64_t n, int64_t hd) {
    int64_t p, d;
    int l;
#if defined(AIENG__TF512)
    if (hd % 16 == 0) {
        for (d = 0; d < hd; d += 16) {
            __m512 a[16];
            int64_t rest;
            for (l = 0; l < 16; l++) a[l] = _mm512_setzero_ps();
            for (p = 0; p + 16 <= n; p += 16)
                for (l = 0; l < 16; l++) a[l] = _mm512_fmadd_ps(_mm512_set1_ps(w[p + l]), _mm512_loadu_ps(v + (p + l) * hd + d), a[l]);
            rest = n - p;
            for (l = 0; l < rest; l++) a[l] = _mm512_fmadd_ps(_mm512_set1_ps(w[p + l]), _mm512_loadu_ps(v + (p + l) * hd + d), a[l]);
            for (l = 0; l < 8; l++) a[l] = _mm512_add_ps(a[l + 8], a[l]);
            for (l = 0; l < 4; l++) a[l] = _mm512_add_ps(a[l + 4], a[l]);
            _mm512_storeu_ps(o + d, _mm512_add_ps(_mm512_add_ps(a[0], a[2]), _mm512_add_ps(a[1], a[3])));
        }
        return;
    }
#endif
    {
        float acc[16][512];
        for (l = 0; l < 16; l++)
            for (d = 0; d < hd; d++) acc[l][d] = 0.0f;
        for (p = 0; p < n; p++) {
            float *a = acc[p & 15];
            const float *vp = v + p * hd, wp = w[p];
            for (d = 0; d < hd; d++) a[d] = fmaf(wp, vp[d], a[d]);
        }
        for (d = 0; d < hd; d++) {
            float t[16];
            for (l = 0; l < 16; l++) t[l] = acc[l][d];
            o[d] = aieng__tf_reduce16(t);
        }
    }
}

typedef struct aieng__tf_attn_job {
    aieng_model *m;
    int64_t layer, T, n_past, chunk;
} aieng__tf_attn_job;

/* One task: one KV head and a chunk of query tokens. K and V rows up to the
   last position the chunk sees are converted to f32 once, then each of the
   query heads of the group attends: scores = f16(q)·k (as ggml's f16 dot),
   softmax as ggml_soft_max, out = Σ f16(p)·v. */
static void aieng__tf_attn_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__tf_attn_job *j = (aieng__tf_attn_job *)ctx;
    aieng_model *m = j->m;
    const aieng_model_hparams *hp = &m->hp;
    int64_t hd = hp->head_dim, kvd = hp->n_head_kv * hd, D = hp->n_embd, group = hp->n_head / hp->n_head_kv;
    int64_t n_chunks = (j->T + j->chunk - 1) / j->chunk, task, t, p, h, d;
    float scale = 1.0f / sqrtf((float)hd);
    float *ws = m->attn_ws + (int64_t)(tid < m->attn_ws_threads ? tid : 0) * m->attn_ws_stride;
    const uint16_t *kc = m->k_cache + (size_t)j->layer * (size_t)m->n_ctx * (size_t)kvd;
    const uint16_t *vc = m->v_cache + (size_t)j->layer * (size_t)m->n_ctx * (size_t)kvd;
    for (task = begin; task < end; task++) {
        int64_t g = task / n_chunks, c = task % n_chunks;
        int64_t t0 = c * j->chunk, t1 = t0 + j->chunk < j->T ? t0 + j->chunk : j->T;
        int64_t n_kv = j->n_past + t1; /* positions the last token of the chunk sees */
        const int64_t npad = (n_kv + 15) & ~(int64_t)15;
        float *kt = ws, *vf = ws + npad * hd, *sc = vf + n_kv * hd, qh[512];
        uint16_t *h16 = (uint16_t *)(sc + npad + 16);
        /* K in blocks of 16 positions, transposed ([d][16]), zero-padded */
        for (p = 0; p < n_kv; p++) {
            float *blk = kt + (p >> 4) * 16 * hd + (p & 15);
            aieng_f16_to_f32_row(qh, kc + (size_t)p * (size_t)kvd + (size_t)(g * hd), hd);
            for (d = 0; d < hd; d++) blk[16 * d] = qh[d];
            aieng_f16_to_f32_row(vf + p * hd, vc + (size_t)p * (size_t)kvd + (size_t)(g * hd), hd);
        }
        for (; p < npad; p++)
            for (d = 0; d < hd; d++) kt[(p >> 4) * 16 * hd + (p & 15) + 16 * d] = 0.0f;
        for (t = t0; t < t1; t++) {
            int64_t n_see = j->n_past + t + 1;
            for (h = g * group; h < (g + 1) * group; h++) {
                const float *q = m->q + t * D + h * hd;
                float *o = m->att + t * D + h * hd;
                for (d = 0; d < hd; d++) qh[d] = aieng__tf_f16_round(q[d]);
                for (p = 0; p < n_see; p += 16) aieng__tf_dot16x16(sc + p, qh, kt + p * hd, hd, scale);
                aieng__tf_softmax(sc, n_see);
                aieng_f32_to_f16_row(h16, sc, n_see); /* ggml converts the weights to f16 for p·v */
                aieng_f16_to_f32_row(sc, h16, n_see);
                aieng__tf_pv16(o, sc, vf, n_see, hd);
            }
        }
    }
}

typedef struct aieng__tf_rows_job { aieng_model *m; int64_t T; int what; const aieng__tf_layer *l; } aieng__tf_rows_job;
/* Row-parallel elementwise work: 0 rmsnorm attn, 1 rmsnorm ffn, 2 swiglu, 3 gelu+bias, 4 layernorm attn, 5 layernorm ffn,
   6 RoPE, 7 attention residual, 8 ffn residual */
static void aieng__tf_rows_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__tf_rows_job *j = (aieng__tf_rows_job *)ctx;
    aieng_model *m = j->m;
    int64_t D = m->hp.n_embd, ff = m->hp.n_ff, t, i;
    (void)tid;
    for (t = begin; t < end; t++) {
        switch (j->what) {
        case 0: aieng__tf_rmsnorm(m->xb + t * D, m->x + t * D, j->l->attn_norm, D, m->hp.norm_eps); break;
        case 1: aieng__tf_rmsnorm(m->xb + t * D, m->x + t * D, j->l->ffn_norm, D, m->hp.norm_eps); break;
        case 2:
            aieng__tf_swiglu(m->hb + t * ff, m->hb2 + t * ff, ff);
            break;
        case 3:
            for (i = 0; i < ff; i++) m->hb[t * ff + i] += j->l->b_up[i];
            aieng_gelu_row(m->hb + t * ff, m->hb + t * ff, ff);
            break;
        case 4: aieng__tf_layernorm(m->xb + t * D, m->x + t * D, j->l->attn_norm, j->l->attn_norm_b, D, m->hp.norm_eps); break;
        case 5: aieng__tf_layernorm(m->xb + t * D, m->x + t * D, j->l->ffn_norm, j->l->ffn_norm_b, D, m->hp.norm_eps); break;
        case 6: { /* RoPE of the row's query and key heads */
            const int64_t hd = m->hp.head_dim, nr = m->hp.n_rot, kvd = m->hp.n_head_kv * hd;
            for (i = 0; i < m->hp.n_head; i++) aieng__tf_rope(m->q + t * D + i * hd, m->rope_cs + t * nr, nr);
            for (i = 0; i < m->hp.n_head_kv; i++) aieng__tf_rope(m->k + t * kvd + i * hd, m->rope_cs + t * nr, nr);
            break;
        }
        default: { /* 7, 8: residual x += xb + bias (attention output, ffn down) */
            const float *b = j->what == 7 ? j->l->bo : j->l->b_down;
            for (i = 0; i < D; i++) m->x[t * D + i] += m->xb[t * D + i] + (b ? b[i] : 0.0f);
            break;
        }
        }
    }
}
static void aieng__tf_rows(aieng_model *m, int64_t T, int what, const aieng__tf_layer *l) {
    aieng__tf_rows_job j;
    j.m = m;
    j.T = T;
    j.what = what;
    j.l = l;
    aieng_parallel_for(T, 8, aieng__tf_rows_task, &j);
}

/* One chunk of T <= n_batch tokens at positions n_past..n_past+T-1. */
static aieng_result aieng__tf_forward(aieng_model *m, const int32_t *ids, int64_t T, int want_logits) {
    const aieng_model_hparams *hp = &m->hp;
    int64_t D = hp->n_embd, hd = hp->head_dim, kvd = hp->n_head_kv * hd, n_past = m->n_past, L = hp->n_layer;
    int64_t t, l, i, nr = hp->n_rot;
    aieng_result r;
    size_t row_bytes;
    aieng_quant_row_bytes(m->tok_embd.type, D, &row_bytes);
    for (t = 0; t < T; t++) {
        if (ids[t] < 0 || ids[t] >= hp->n_vocab)
            return aieng__tf_err(m, AIENG_ERR_RANGE, "eval: token id %d out of range", (int)ids[t]);
        r = aieng_quant_dequantize_row(m->tok_embd.type, (const uint8_t *)m->tok_embd.data + (size_t)ids[t] * row_bytes,
                                       m->x + t * D, D);
        if (r != AIENG_OK) return aieng__tf_err(m, r, "eval: %s", aieng_last_error());
    }
    if (hp->arch == AIENG_ARCH_GPT2) {
        size_t prb;
        float *tmp = m->xb;
        aieng_quant_row_bytes(m->pos_embd.type, D, &prb);
        for (t = 0; t < T; t++) {
            aieng_quant_dequantize_row(m->pos_embd.type, (const uint8_t *)m->pos_embd.data + (size_t)(n_past + t) * prb,
                                       tmp, D);
            for (i = 0; i < D; i++) m->x[t * D + i] += tmp[i];
        }
    } else {
        for (t = 0; t < T; t++) aieng__tf_rope_cache(m->rope_cs + t * nr, nr, n_past + t, hp->rope_base);
    }
    for (l = 0; l < L; l++) {
        const aieng__tf_layer *ly = &m->layers[l];
        uint16_t *kc = m->k_cache + ((size_t)l * (size_t)m->n_ctx + (size_t)n_past) * (size_t)kvd;
        uint16_t *vc = m->v_cache + ((size_t)l * (size_t)m->n_ctx + (size_t)n_past) * (size_t)kvd;
        aieng__tf_attn_job aj;
        if (hp->arch == AIENG_ARCH_LLAMA) {
            aieng__tf_rows(m, T, 0, ly);
            if ((r = aieng__tf_linear3(m, &ly->wq, &ly->wk, &ly->wv, m->xb, T, m->q, m->k, m->v)) != AIENG_OK) goto fail;
            aieng__tf_rows(m, T, 6, ly);
        } else {
            aieng__tf_rows(m, T, 4, ly);
            if ((r = aieng__tf_linear(m, &ly->wqkv, m->xb, T, m->hb)) != AIENG_OK) goto fail;
            for (t = 0; t < T; t++) {
                const float *src = m->hb + t * 3 * D;
                for (i = 0; i < D; i++) {
                    m->q[t * D + i] = src[i] + ly->bqkv[i];
                    m->k[t * D + i] = src[D + i] + ly->bqkv[D + i];
                    m->v[t * D + i] = src[2 * D + i] + ly->bqkv[2 * D + i];
                }
            }
        }
        aieng_f32_to_f16_row(kc, m->k, T * kvd);
        aieng_f32_to_f16_row(vc, m->v, T * kvd);
        aj.m = m;
        aj.layer = l;
        aj.T = T;
        aj.n_past = n_past;
        aj.chunk = T < 16 ? T : 16;
        aieng_parallel_for(hp->n_head_kv * ((T + aj.chunk - 1) / aj.chunk), 1, aieng__tf_attn_task, &aj);
        if ((r = aieng__tf_linear(m, &ly->wo, m->att, T, m->xb)) != AIENG_OK) goto fail;
        aieng__tf_rows(m, T, 7, ly);
        if (hp->arch == AIENG_ARCH_LLAMA) {
            aieng__tf_rows(m, T, 1, ly);
            if ((r = aieng__tf_linear3(m, &ly->w_gate, &ly->w_up, NULL, m->xb, T, m->hb, m->hb2, NULL)) != AIENG_OK) goto fail;
            aieng__tf_rows(m, T, 2, ly);
        } else {
            aieng__tf_rows(m, T, 5, ly);
            if ((r = aieng__tf_linear(m, &ly->w_up, m->xb, T, m->hb)) != AIENG_OK) goto fail;
            aieng__tf_rows(m, T, 3, ly);
        }
        if ((r = aieng__tf_linear(m, &ly->w_down, m->hb, T, m->xb)) != AIENG_OK) goto fail;
        aieng__tf_rows(m, T, 8, ly);
    }
    m->n_past += T;
    if (want_logits) {
        const float *last = m->x + (T - 1) * D;
        if (hp->arch == AIENG_ARCH_LLAMA) aieng__tf_rmsnorm(m->xb, last, m->out_norm, D, hp->norm_eps);
        else aieng__tf_layernorm(m->xb, last, m->out_norm, m->out_norm_b, D, hp->norm_eps);
        if ((r = aieng__tf_linear(m, &m->output, m->xb, 1, m->logits)) != AIENG_OK) goto fail;
    }
    return AIENG_OK;
fail:
    return aieng__tf_err(m, r, "eval: %s", aieng_last_error());
}

AIENG_API aieng_result aieng_model_eval(aieng_model *m, const int32_t *ids, int64_t n, const float **logits) {
    int64_t done = 0;
    aieng_result r;
    if (!m || (!ids && n) || n <= 0) return aieng__tf_err(m, AIENG_ERR_INVALID_ARG, "eval: no tokens");
    if (n > m->n_ctx - m->n_past)
        return aieng__tf_err(m, AIENG_ERR_RANGE, "eval: %lld tokens do not fit in the context (%lld of %lld used)",
                             (long long)n, (long long)m->n_past, (long long)m->n_ctx);
    if (aieng_get_threads() > m->attn_ws_threads) { /* the pool grew since load: one workspace per thread */
        int th = aieng_get_threads();
        float *ws = (float *)aieng_realloc(&m->alloc, m->attn_ws, (size_t)(th * m->attn_ws_stride) * sizeof(float));
        if (!ws) return aieng__tf_err(m, AIENG_ERR_OOM, "eval: out of memory");
        m->mem_bytes += (size_t)((th - m->attn_ws_threads) * m->attn_ws_stride) * sizeof(float);
        m->attn_ws = ws;
        m->attn_ws_threads = th;
    }
    while (done < n) {
        int64_t T = n - done < m->n_batch ? n - done : m->n_batch;
        r = aieng__tf_forward(m, ids + done, T, done + T == n);
        if (r != AIENG_OK) return r;
        done += T;
    }
    if (logits) *logits = m->logits;
    return AIENG_OK;
}
AIENG_API aieng_result aieng_model_kv_truncate(aieng_model *m, int64_t n) {
    if (!m || n < 0 || n > m->n_past) return aieng__tf_err(m, AIENG_ERR_RANGE, "kv_truncate: bad length");
    m->n_past = n;
    return AIENG_OK;
}
/* State: magic, n_past, then per layer K and V rows [0, n_past). */
AIENG_API size_t aieng_model_kv_state_size(const aieng_model *m) {
    if (!m) return 0;
    return 16 + 2 * (size_t)m->hp.n_layer * (size_t)m->n_past * (size_t)(m->hp.n_head_kv * m->hp.head_dim) * 2;
}
AIENG_API aieng_result aieng_model_kv_save(const aieng_model *m, void *buf, size_t size) {
    size_t row, l;
    uint8_t *p = (uint8_t *)buf;
    uint64_t hdr[2];
    if (!m || !buf || size < aieng_model_kv_state_size(m))
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "kv_save: buffer too small");
    row = (size_t)(m->hp.n_head_kv * m->hp.head_dim) * 2 * (size_t)m->n_past;
    hdr[0] = 0x31564B4549414ULL; /* "AIEKV1" */
    hdr[1] = (uint64_t)m->n_past;
    memcpy(p, hdr, 16);
    p += 16;
    for (l = 0; l < (size_t)m->hp.n_layer; l++) {
        size_t off = l * (size_t)m->n_ctx * (size_t)(m->hp.n_head_kv * m->hp.head_dim);
        memcpy(p, m->k_cache + off, row);
        memcpy(p + row, m->v_cache + off, row);
        p += 2 * row;
    }
    return AIENG_OK;
}
AIENG_API aieng_result aieng_model_kv_restore(aieng_model *m, const void *buf, size_t size) {
    const uint8_t *p = (const uint8_t *)buf;
    uint64_t hdr[2];
    size_t row, l;
    if (!m || !buf || size < 16) return aieng__tf_err(m, AIENG_ERR_INVALID_ARG, "kv_restore: bad state");
    memcpy(hdr, p, 16);
    if (hdr[0] != 0x31564B4549414ULL || hdr[1] > (uint64_t)m->n_ctx)
        return aieng__tf_err(m, AIENG_ERR_FORMAT, "kv_restore: not a state of this model");
    row = (size_t)(m->hp.n_head_kv * m->hp.head_dim) * 2 * (size_t)hdr[1];
    if (size < 16 + 2 * row * (size_t)m->hp.n_layer)
        return aieng__tf_err(m, AIENG_ERR_FORMAT, "kv_restore: state truncated");
    p += 16;
    for (l = 0; l < (size_t)m->hp.n_layer; l++) {
        size_t off = l * (size_t)m->n_ctx * (size_t)(m->hp.n_head_kv * m->hp.head_dim);
        memcpy(m->k_cache + off, p, row);
        memcpy(m->v_cache + off, p + row, row);
        p += 2 * row;
    }
    m->n_past = (int64_t)hdr[1];
    return AIENG_OK;
}

/* ---- sampling */
AIENG_API aieng_result aieng_sampler_init(aieng_sampler *s, const aieng_sampler_config *cfg, int64_t n_vocab,
                                          const aieng_allocator *alloc) {
    if (!s || n_vocab <= 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "sampler: bad argument");
    memset(s, 0, sizeof *s);
    if (cfg) s->cfg = *cfg;
    if (alloc) s->alloc = *alloc;
    s->n_vocab = n_vocab;
    s->hist_cap = s->cfg.penalty_last_n > 0 ? s->cfg.penalty_last_n : s->cfg.penalty_last_n < 0 ? 1 << 16 : 64;
    s->hist = (int32_t *)aieng_alloc(&s->alloc, (size_t)s->hist_cap * sizeof(int32_t));
    s->work = (float *)aieng_alloc(&s->alloc, (size_t)n_vocab * sizeof(float));
    s->idx = (int32_t *)aieng_alloc(&s->alloc, (size_t)n_vocab * sizeof(int32_t));
    if (!s->hist || !s->work || !s->idx) {
        aieng_sampler_free(s);
        return aieng_set_error(AIENG_ERR_OOM, "sampler: out of memory");
    }
    aieng_rng_seed(&s->rng, s->cfg.seed, 0x5EED);
    return AIENG_OK;
}
AIENG_API void aieng_sampler_free(aieng_sampler *s) {
    if (!s) return;
    aieng_free(&s->alloc, s->hist);
    aieng_free(&s->alloc, s->work);
    aieng_free(&s->alloc, s->idx);
    s->hist = NULL;
    s->work = NULL;
    s->idx = NULL;
}
AIENG_API void aieng_sampler_accept(aieng_sampler *s, int32_t id) {
    if (!s || !s->hist) return;
    s->hist[s->hist_pos] = id;
    s->hist_pos = (s->hist_pos + 1) % s->hist_cap;
    if (s->hist_n < s->hist_cap) s->hist_n++;
}
static void aieng__tf_heap_sift(int32_t *h, int64_t n, int64_t i, const float *key) {
    /* min-heap on (key, -id): the root is the worst candidate kept */
    for (;;) {
        int64_t l = 2 * i + 1, r = l + 1, s = i;
        if (l < n && (key[h[l]] < key[h[s]] || (key[h[l]] == key[h[s]] && h[l] > h[s]))) s = l;
        if (r < n && (key[h[r]] < key[h[s]] || (key[h[r]] == key[h[s]] && h[r] > h[s]))) s = r;
        if (s == i) return;
        { int32_t tmp = h[i]; h[i] = h[s]; h[s] = tmp; }
        i = s;
    }
}
AIENG_API int32_t aieng_sampler_sample(aieng_sampler *s, float *logits, aieng_logit_processor proc, void *user) {
    const aieng_sampler_config *c = &s->cfg;
    int64_t n = s->n_vocab, i, k, nc;
    int32_t best = 0;
    float *p = s->work;
    double sum, cum;
    if (proc) proc(logits, (int)n, user);
    /* penalties over the recent window */
    if ((c->repeat_penalty > 0.0f && c->repeat_penalty != 1.0f) || c->frequency_penalty != 0.0f ||
        c->presence_penalty != 0.0f) {
        for (i = 0; i < s->hist_n; i++) {
            int32_t id = s->hist[i];
            int64_t cnt = 0, j;
            int seen_before = 0;
            if (id < 0 || id >= n) continue;
            for (j = 0; j < s->hist_n; j++)
                if (s->hist[j] == id) {
                    if (j < i) seen_before = 1;
                    cnt++;
                }
            if (seen_before) continue; /* once per distinct token */
            if (c->repeat_penalty > 0.0f && c->repeat_penalty != 1.0f)
                logits[id] = logits[id] <= 0.0f ? logits[id] * c->repeat_penalty : logits[id] / c->repeat_penalty;
            logits[id] -= (float)cnt * c->frequency_penalty + (cnt > 0 ? c->presence_penalty : 0.0f);
        }
    }
    if (c->temperature <= 0.0f) {
        for (i = 1; i < n; i++)
            if (logits[i] > logits[best]) best = (int32_t)i;
        return best;
    }
    /* top-k: keep the k best in a min-heap (root = worst kept), then heapsort
       it into descending order (ties: lower id first) */
    k = c->top_k > 0 && c->top_k < n ? c->top_k : n;
    for (i = 0; i < k; i++) s->idx[i] = (int32_t)i;
    for (i = k / 2 - 1; i >= 0; i--) aieng__tf_heap_sift(s->idx, k, i, logits);
    for (i = k; i < n; i++)
        if (logits[i] > logits[s->idx[0]]) {
            s->idx[0] = (int32_t)i;
            aieng__tf_heap_sift(s->idx, k, 0, logits);
        }
    for (i = k - 1; i > 0; i--) {
        int32_t tmp = s->idx[0];
        s->idx[0] = s->idx[i];
        s->idx[i] = tmp;
        aieng__tf_heap_sift(s->idx, i, 0, logits);
    }
    nc = k;
    /* softmax at temperature 1 for top-p and min-p (llama.cpp's order) */
    sum = 0.0;
    for (i = 0; i < nc; i++) {
        p[i] = expf(logits[s->idx[i]] - logits[s->idx[0]]);
        sum += p[i];
    }
    if (c->top_p > 0.0f && c->top_p < 1.0f) {
        cum = 0.0;
        for (i = 0; i < nc; i++) {
            cum += p[i] / sum;
            if (cum >= c->top_p) {
                nc = i + 1;
                break;
            }
        }
    }
    if (c->min_p > 0.0f) {
        for (i = 1; i < nc; i++)
            if (p[i] < c->min_p * p[0]) {
                nc = i;
                break;
            }
    }
    /* temperature, then draw */
    sum = 0.0;
    for (i = 0; i < nc; i++) {
        p[i] = expf((logits[s->idx[i]] - logits[s->idx[0]]) / c->temperature);
        sum += p[i];
    }
    {
        double u = (double)aieng_rng_uniform(&s->rng) * sum;
        cum = 0.0;
        for (i = 0; i < nc; i++) {
            cum += p[i];
            if (u < cum) return s->idx[i];
        }
    }
    return s->idx[nc - 1];
}

/* ---- generation */
typedef struct aieng__tf_out { char *buf; size_t len, cap, emitted; aieng_allocator *alloc; } aieng__tf_out;
static int aieng__tf_out_add(aieng__tf_out *o, const char *s, size_t n) {
    if (o->len + n + 1 > o->cap) {
        size_t nc = (o->len + n + 1) * 2;
        char *nb = (char *)aieng_realloc(o->alloc, o->buf, nc);
        if (!nb) return 0;
        o->buf = nb;
        o->cap = nc;
    }
    memcpy(o->buf + o->len, s, n);
    o->len += n;
    o->buf[o->len] = 0;
    return 1;
}

AIENG_API aieng_result aieng_model_generate(aieng_model *m, const int32_t *prompt, int64_t n_prompt,
                                            const aieng_generate_config *cfg, aieng_generate_stats *stats) {
    aieng_generate_config c;
    aieng_generate_stats st;
    aieng_sampler smp;
    aieng_bpe_stream bs;
    aieng__tf_out out;
    const float *lg;
    aieng_result r;
    double t0;
    int64_t i;
    char piece[512];
    int stop = -1;
    if (!m || (!prompt && n_prompt) || n_prompt <= 0)
        return aieng__tf_err(m, AIENG_ERR_INVALID_ARG, "generate: empty prompt");
    if (cfg) c = *cfg;
    else memset(&c, 0, sizeof c);
    memset(&st, 0, sizeof st);
    memset(&bs, 0, sizeof bs);
    memset(&out, 0, sizeof out);
    out.alloc = &m->alloc;
    r = aieng_sampler_init(&smp, &c.sampler, m->hp.n_vocab, &m->alloc);
    if (r != AIENG_OK) return aieng__tf_err(m, r, "generate: %s", aieng_last_error());
    for (i = 0; i < n_prompt; i++) aieng_sampler_accept(&smp, prompt[i]);
    st.n_prompt = n_prompt;
    t0 = aieng__tf_now();
    r = aieng_model_eval(m, prompt, n_prompt, &lg);
    st.prefill_seconds = aieng__tf_now() - t0;
    t0 = aieng__tf_now();
    while (r == AIENG_OK) {
        int32_t id;
        size_t plen = 0, safe;
        if (c.max_tokens > 0 && st.n_generated >= c.max_tokens) { stop = 0; break; }
        id = aieng_sampler_sample(&smp, m->logits, c.logit_processor, c.logit_user);
        aieng_sampler_accept(&smp, id);
        st.n_generated++;
        if (!c.ignore_eos && m->is_eog[id]) { stop = 1; break; }
        if (!m->is_control[id]) { /* control tokens print nothing, as llama.cpp's token_to_piece */
            r = aieng_bpe_stream_push(m->bpe, &bs, (uint32_t)id, piece, sizeof piece, &plen);
            if (r != AIENG_OK) break;
        }
        if (plen && !aieng__tf_out_add(&out, piece, plen)) { r = AIENG_ERR_OOM; break; }
        /* stop strings: cut at the first one found in the new text, else hold
           back a tail that may still become one */
        safe = out.len;
        for (i = 0; i < c.n_stop; i++) {
            const char *ss = c.stop ? c.stop[i] : NULL;
            size_t sl = ss ? strlen(ss) : 0, from, pos;
            if (!sl) continue;
            from = out.emitted > sl ? out.emitted - sl : 0;
            for (pos = from; pos + sl <= out.len; pos++)
                if (memcmp(out.buf + pos, ss, sl) == 0) {
                    if (stop != 2 || pos < safe) safe = pos;
                    stop = 2;
                    break;
                }
        }
        if (stop == 2) {
            if (safe < out.emitted) safe = out.emitted;
            out.len = safe;
        } else {
            for (i = 0; i < c.n_stop; i++) {
                const char *ss = c.stop ? c.stop[i] : NULL;
                size_t sl = ss ? strlen(ss) : 0, k2;
                for (k2 = sl ? sl - 1 : 0; k2 > 0; k2--)
                    if (k2 <= out.len && memcmp(out.buf + out.len - k2, ss, k2) == 0) {
                        if (out.len - k2 < safe) safe = out.len - k2;
                        break;
                    }
            }
            if (safe < out.emitted) safe = out.emitted;
        }
        if (safe > out.emitted) {
            if (c.on_text && c.on_text(out.buf + out.emitted, safe - out.emitted, id, c.user) && stop < 0) stop = 3;
            out.emitted = safe;
        }
        if (stop >= 0) break;
        if (m->n_past >= m->n_ctx) { stop = 4; break; }
        r = aieng_model_eval(m, &id, 1, &lg);
    }
    if (r == AIENG_OK && stop != 2 && stop != 3) { /* flush the held-back text */
        size_t plen = 0;
        aieng_bpe_stream_flush(&bs, piece, sizeof piece, &plen);
        if (plen) aieng__tf_out_add(&out, piece, plen);
        if (out.len > out.emitted && c.on_text) c.on_text(out.buf + out.emitted, out.len - out.emitted, -1, c.user);
    }
    st.decode_seconds = aieng__tf_now() - t0;
    st.stopped_by = stop < 0 ? 0 : stop;
    aieng_free(&m->alloc, out.buf);
    aieng_sampler_free(&smp);
    if (stats) *stats = st;
    if (r != AIENG_OK) return aieng__tf_err(m, r, "generate: %s", m->err[0] ? m->err : aieng_last_error());
    return AIENG_OK;
}

/* ---- chat template */
AIENG_API aieng_result aieng_model_chat_render(const aieng_model *m, const aieng_chat_message *msgs, int n_msgs,
                                               int add_assistant, char *buf, size_t cap, size_t *len) {
    size_t n = 0;
    int i;
#define AIENG__PUT(s, l) do { size_t l_ = (l); if (buf && n + l_ < cap) memcpy(buf + n, (s), l_); n += l_; } while (0)
#define AIENG__PUTS(s) AIENG__PUT((s), strlen(s))
    if (!m || !len || (n_msgs > 0 && !msgs)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "chat: bad argument");
    for (i = 0; i < n_msgs; i++)
        if (!msgs[i].role || !msgs[i].content) return aieng_set_error(AIENG_ERR_INVALID_ARG, "chat: NULL message");
    if (m->chat_default_system && (n_msgs == 0 || strcmp(msgs[0].role, "system") != 0)) {
        AIENG__PUTS("<|im_start|>system\n");
        AIENG__PUTS(m->chat_default_system);
        AIENG__PUTS("<|im_end|>\n");
    }
    for (i = 0; i < n_msgs; i++) {
        AIENG__PUTS("<|im_start|>");
        AIENG__PUTS(msgs[i].role);
        AIENG__PUTS("\n");
        AIENG__PUTS(msgs[i].content);
        AIENG__PUTS("<|im_end|>\n");
    }
    if (add_assistant) AIENG__PUTS("<|im_start|>assistant\n");
#undef AIENG__PUT
#undef AIENG__PUTS
    *len = n;
    if (buf && cap) buf[n < cap ? n : cap - 1] = 0;
    if (n >= cap) return aieng_set_error(AIENG_ERR_OOM, "chat: %zu bytes needed", n + 1);
    return AIENG_OK;
}


#endif /* AIENG_TRANSFORMER_IMPLEMENTATION */

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
