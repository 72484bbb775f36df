/* aieng_bpe.h - byte-level BPE tokenizer, token-for-token equal to tiktoken
   (r50k_base/gpt2, cl100k_base, o200k_base) and to llama.cpp's GPT-2-style
   BPE (GGUF token + merge lists, e.g. SmolLM2); trains new vocabularies.
   Version 0.2.0. Licence: MIT (see the end of the file). Needs only libc.

   Do this in exactly one C or C++ file:
       #define AIENG_BPE_IMPLEMENTATION   (or AIENG_IMPLEMENTATION)
       #include "aieng_bpe.h"
   and include it without the macro everywhere else.

   Quick start:
       #define AIENG_BPE_IMPLEMENTATION
       #include "aieng_bpe.h"
       #include <stdio.h>
       int main(void) {
           aieng_bpe *bpe; aieng_bpe_tokens toks = {0}; char out[256]; size_t n, i;
           if (aieng_bpe_load_tiktoken_file("cl100k_base.tiktoken", AIENG_BPE_CL100K, NULL, &bpe)) {
               fprintf(stderr, "%s\n", aieng_last_error()); return 1; }
           aieng_bpe_add_openai_specials(bpe, AIENG_BPE_CL100K);
           aieng_bpe_encode_ordinary(bpe, "hello world", 11, &toks);
           for (i = 0; i < toks.n; i++) printf("%u ", (unsigned)toks.ids[i]);  // 15339 1917
           aieng_bpe_decode(bpe, toks.ids, toks.n, out, sizeof out, &n);        // "hello world"
           aieng_bpe_tokens_free(bpe, &toks); aieng_bpe_free(bpe); return 0; }

   Options (#define before the implementation):
       AIENG_MALLOC/AIENG_REALLOC/AIENG_FREE  allocation (all three or none); a
                                     runtime aieng_allocator may be passed to loaders
       AIENG_STATIC                  make every function static
       AIENG_BPE_NO_LINEAR           never build the linear encoder's tables (trie,
                                     splits: 0.05 s and 10 MB for cl100k_base, built
                                     when the first piece of 65+ bytes comes); long
                                     pieces then use the O(n log n) heap
   Implementing file: C99 or C++11; <stdio.h> (fopen/fread), <string.h>, <stdlib.h>.

   API overview
     Vocabularies (an aieng_bpe is immutable after loading + adding specials):
       aieng_bpe_load_tiktoken_file / _mem   `.tiktoken` rank files (base64 SP rank)
       aieng_bpe_from_tokens_merges          GGUF-style token list + "left right"
                                             merges in the GPT-2 byte->unicode alphabet
       aieng_bpe_add_special                 register a special/control token by id
       aieng_bpe_add_openai_specials         the specials of r50k/cl100k/o200k
       aieng_bpe_save_tiktoken               write the ordinary ranks as `.tiktoken`
       aieng_bpe_free, aieng_bpe_n_vocab, aieng_bpe_token_id, aieng_bpe_special_id
     Pre-tokenizers (hand-written, no regex engine, Unicode 16.0 tables):
       AIENG_BPE_R50K (= AIENG_BPE_GPT2, llama.cpp "gpt-2"), AIENG_BPE_CL100K,
       AIENG_BPE_O200K, AIENG_BPE_SMOLLM (llama.cpp "smollm": every \p{N} its own
       piece, then GPT-2 on the rest), AIENG_BPE_PRETOK_NONE (whole text = one piece);
       aieng_bpe_pretok_from_name, aieng_bpe_split (next piece end).
     Encoding (appends to an aieng_bpe_tokens; zero it before first use:
     `= {0}` in C, `= {}` or memset in C++, where {0} warns under -Wextra):
       aieng_bpe_encode_ordinary   special-token text is plain text
       aieng_bpe_encode            tiktoken's encode(): allowed specials become
                                   their ids, a disallowed one is AIENG_ERR_INVALID_ARG
                                   (any number of specials: one pass over the text)
       aieng_bpe_count             number of tokens without storing them
       aieng_bpe_truncate          longest prefix (char boundary) within N tokens
     Decoding:
       aieng_bpe_decode, aieng_bpe_token_bytes (decode_single_token_bytes),
       aieng_bpe_stream_push / _flush (emits only complete UTF-8 characters)
     Training:
       aieng_bpe_train             learn merges from a text with a pre-tokenizer

   Semantics. Encoding splits the text with the pre-tokenizer (exactly the
   leftmost-first regex semantics of tiktoken's patterns; \s = White_Space,
   \p{..} = Unicode 16.0) and byte-pair merges each piece: a piece that is a
   token as a whole is that token (tiktoken vocabularies only); otherwise the
   adjacent pair with the lowest rank is merged, leftmost on ties, until no
   pair is a token. Pieces up to 64 bytes use a small quadratic loop (2-3
   bytes: one comparison; a Bloom filter answers most "is this a token?"
   questions without touching the token table). Longer ones use a
   linear-time encoder for rank vocabularies (longest trie match + a check
   that BPE keeps two adjacent tokens apart, backtracking when not: the
   method of GitHub's `bpe` crate; exact, see aieng__bpe_backtrack), or a heap
   + linked list (O(n log n)) for merge vocabularies and AIENG_BPE_NO_LINEAR,
   so unsplittable inputs (a million 'a's) stay linear. The linear encoder's
   tables are built by the first long piece (not while loading: 12 ms for
   cl100k_base, 29 ms for o200k_base), by whichever thread meets it first;
   the others use the heap meanwhile (same ids).
   Text is bytes: invalid UTF-8 is tokenized byte by byte as "other" and
   decode(encode(x)) == x for every byte string.
   For a merges vocabulary the rank of a pair is its merge index and there is
   no whole-piece shortcut, as in llama.cpp's llm_tokenizer_bpe; merges whose
   parts or result are not tokens are ignored.

   Errors: functions return aieng_result (0 = AIENG_OK); the message is in
   aieng_last_error() (thread-local). Threads: a loaded aieng_bpe may be used by
   many threads at once, each with its own aieng_bpe_tokens / aieng_bpe_stream.
   Memory: a vocabulary takes about 100 bytes per token once the linear
   encoder's tables exist (o200k_base: 42 MB; 20 MB before, or with
   AIENG_BPE_NO_LINEAR); encoding needs n/8 bytes for a piece of n bytes (44 n
   with the heap), plus a 256 KB cache of merged short pieces for texts of
   8 KB or more (both kept in the aieng_bpe_tokens and reused between calls).
   Unicode tables: generated by tools/gen_bpe_unicode.py from
   tests/data/bpe/unicode16_classes.txt (tests/test_bpe.c checks them).

   History: 0.1.0 first version. 0.2.0 faster short pieces (Bloom filter,
   ASCII fast path in the pre-tokenizers), linear tables built on first use,
   special tokens found in one pass whatever their number.
*/
#ifndef AIENG_BPE_H
#define AIENG_BPE_H

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

#define AIENG_BPE_VERSION_MAJOR 0
#define AIENG_BPE_VERSION_MINOR 2
#define AIENG_BPE_VERSION_PATCH 0

AIENG_EXTERN_C_BEGIN

typedef struct aieng_bpe aieng_bpe;

/* Pre-tokenizers. */
typedef enum aieng_bpe_pretok {
    AIENG_BPE_PRETOK_NONE = 0, /* the whole text (between specials) is one piece */
    AIENG_BPE_R50K = 1,        /* r50k_base / gpt2, llama.cpp "gpt-2" */
    AIENG_BPE_CL100K = 2,      /* cl100k_base */
    AIENG_BPE_O200K = 3,       /* o200k_base */
    AIENG_BPE_SMOLLM = 4,      /* llama.cpp "smollm": \p{N} pieces, then GPT-2 */
    AIENG_BPE_GPT2 = AIENG_BPE_R50K
} aieng_bpe_pretok;

/* Output of the encoders, and their per-thread working memory. Zero it before
   first use; free with aieng_bpe_tokens_free. Encoders append to ids[0..n). */
typedef struct aieng_bpe_tokens {
    uint32_t *ids;
    size_t n, cap;
    void *scratch;        /* private */
    size_t scratch_bytes; /* private */
    void *cache;          /* private: recent short pieces and their ids */
    uint64_t cache_stamp; /* private: the vocabulary the cache belongs to */
} aieng_bpe_tokens;

/* Which special tokens aieng_bpe_encode recognises. A zeroed struct (or NULL)
   is tiktoken's encode() default: none allowed, and the text of any registered
   special token in the input is an error. */
typedef struct aieng_bpe_special_opts {
    const uint32_t *allowed; /* ids of the specials allowed (become their id) */
    size_t n_allowed;
    int allow_all;           /* nonzero: every registered special is allowed */
    int disallowed_as_text;  /* nonzero: disallowed specials are plain text, not an error */
} aieng_bpe_special_opts;

/* Streaming decoder state: zero it before the first push. */
typedef struct aieng_bpe_stream {
    unsigned char pending[4];
    uint32_t n_pending;
} aieng_bpe_stream;

/* Training configuration; a zeroed struct gives the defaults shown. */
typedef struct aieng_bpe_train_config {
    uint32_t vocab_size;      /* ordinary tokens incl. the 256 bytes; 0 = 4096 */
    aieng_bpe_pretok pretok;  /* pre-tokenizer for the corpus; 0 = none */
    uint64_t min_frequency;   /* stop when the best pair occurs fewer times; 0 = 1 */
    void (*progress)(size_t merges_done, size_t merges_total, void *user); /* may be NULL */
    void *user;
    aieng_allocator allocator; /* zero = AIENG_MALLOC */
} aieng_bpe_train_config;

#define AIENG_BPE_NO_TOKEN 0xFFFFFFFFu

/* ---- vocabularies */
AIENG_API aieng_result aieng_bpe_load_tiktoken_mem(const void *data, size_t len, aieng_bpe_pretok pretok,
                                                   const aieng_allocator *alloc, aieng_bpe **out);
AIENG_API aieng_result aieng_bpe_load_tiktoken_file(const char *path, aieng_bpe_pretok pretok,
                                                    const aieng_allocator *alloc, aieng_bpe **out);
/* tokens[i] (token_lens[i] bytes, or NUL-terminated when token_lens is NULL) is
   token id i in the GPT-2 byte->unicode alphabet; merges[r] is "left right"
   (split at the first space after position 0), rank r. Tokens with characters
   outside the alphabet (control tokens) keep their UTF-8 text as bytes and are
   never produced by merging; register them with aieng_bpe_add_special.
   From a GGUF: tokens = tokenizer.ggml.tokens, merges = tokenizer.ggml.merges,
   pretok from tokenizer.ggml.pre ("smollm" -> AIENG_BPE_SMOLLM, "gpt-2" ->
   AIENG_BPE_GPT2); then aieng_bpe_add_special(id, token) for each token_type 3
   (control) and 4 (user-defined), and aieng_bpe_encode with allow_all to parse
   them as llama.cpp does with parse_special (user-defined ones llama.cpp also
   splits out without it: pass their ids in `allowed`). SmolLM2's vocabulary
   gives llama.cpp's ids (tests/test_bpe.c). */
AIENG_API aieng_result aieng_bpe_from_tokens_merges(const char *const *tokens, const size_t *token_lens,
                                                    size_t n_tokens, const char *const *merges,
                                                    const size_t *merge_lens, size_t n_merges,
                                                    aieng_bpe_pretok pretok, const aieng_allocator *alloc,
                                                    aieng_bpe **out);
/* Registers special token `id` with text (len bytes). The id may be new (past
   the ranks) or an existing token (then it becomes special: decode gives
   `text`). Not thread-safe: call before sharing the object. */
AIENG_API aieng_result aieng_bpe_add_special(aieng_bpe *bpe, uint32_t id, const char *text, size_t len);
/* Adds the special tokens tiktoken defines for r50k_base, cl100k_base or o200k_base. */
AIENG_API aieng_result aieng_bpe_add_openai_specials(aieng_bpe *bpe, aieng_bpe_pretok which);
AIENG_API aieng_result aieng_bpe_save_tiktoken(const aieng_bpe *bpe, const char *path);
AIENG_API void aieng_bpe_free(aieng_bpe *bpe);
AIENG_API uint32_t aieng_bpe_n_vocab(const aieng_bpe *bpe);        /* max id + 1 */
AIENG_API size_t aieng_bpe_max_token_bytes(const aieng_bpe *bpe); /* longest token incl. specials */
AIENG_API aieng_bpe_pretok aieng_bpe_get_pretok(const aieng_bpe *bpe);
/* Id of the ordinary token with exactly these bytes, or AIENG_BPE_NO_TOKEN. */
AIENG_API uint32_t aieng_bpe_token_id(const aieng_bpe *bpe, const void *bytes, size_t len);
/* Id of the special token with this text, or AIENG_BPE_NO_TOKEN. */
AIENG_API uint32_t aieng_bpe_special_id(const aieng_bpe *bpe, const char *text, size_t len);

/* ---- pre-tokenizers */
/* "r50k", "r50k_base", "gpt2", "gpt-2", "cl100k", "cl100k_base", "o200k",
   "o200k_base", "smollm", "none"; returns AIENG_ERR_INVALID_ARG otherwise. */
AIENG_API aieng_result aieng_bpe_pretok_from_name(const char *name, aieng_bpe_pretok *out);
/* End (exclusive) of the piece that starts at byte `pos` < len. */
AIENG_API size_t aieng_bpe_split(aieng_bpe_pretok pretok, const char *text, size_t len, size_t pos);

/* ---- encoding */
AIENG_API aieng_result aieng_bpe_encode_ordinary(const aieng_bpe *bpe, const char *text, size_t len,
                                                 aieng_bpe_tokens *out);
AIENG_API aieng_result aieng_bpe_encode(const aieng_bpe *bpe, const char *text, size_t len,
                                        const aieng_bpe_special_opts *opts, aieng_bpe_tokens *out);
/* Counts the tokens aieng_bpe_encode would produce; `work` (may be NULL) lends
   its working memory, its ids are left untouched. */
AIENG_API aieng_result aieng_bpe_count(const aieng_bpe *bpe, const char *text, size_t len,
                                       const aieng_bpe_special_opts *opts, aieng_bpe_tokens *work,
                                       size_t *n_tokens);
/* Sets *cut to the largest UTF-8 character boundary found near the token
   boundary such that text[0..cut) encodes to at most max_tokens tokens (len
   itself when the whole text fits). */
AIENG_API aieng_result aieng_bpe_truncate(const aieng_bpe *bpe, const char *text, size_t len,
                                          size_t max_tokens, const aieng_bpe_special_opts *opts,
                                          size_t *cut);
AIENG_API void aieng_bpe_tokens_free(const aieng_bpe *bpe, aieng_bpe_tokens *t);

/* ---- decoding */
/* Writes the bytes of ids to buf (at most cap bytes); *out_len = the bytes the
   whole decode needs. AIENG_ERR_OOM when cap is too small, AIENG_ERR_RANGE on
   an id without a token. */
AIENG_API aieng_result aieng_bpe_decode(const aieng_bpe *bpe, const uint32_t *ids, size_t n, char *buf,
                                        size_t cap, size_t *out_len);
/* decode_single_token_bytes: points *bytes at the token's bytes (not NUL-terminated). */
AIENG_API aieng_result aieng_bpe_token_bytes(const aieng_bpe *bpe, uint32_t id, const char **bytes,
                                             size_t *len);
/* Adds token `id` to the stream and writes the bytes that now form complete
   UTF-8 characters (bytes that can never become valid are written as they
   are). cap >= aieng_bpe_max_token_bytes(bpe) + 4 always suffices. */
AIENG_API aieng_result aieng_bpe_stream_push(const aieng_bpe *bpe, aieng_bpe_stream *st, uint32_t id,
                                             char *buf, size_t cap, size_t *out_len);
/* Writes whatever is still held back (an incomplete character at the end). */
AIENG_API aieng_result aieng_bpe_stream_flush(aieng_bpe_stream *st, char *buf, size_t cap, size_t *out_len);

/* ---- training */
/* Learns vocab_size - 256 merges from text (ranks 0..255 = the bytes 0..255,
   then one rank per merge, as minbpe): pair counts are kept incrementally
   with a max-heap, 64-bit, ties broken by the smaller (left id, right id);
   memory grows with the number of distinct pre-token pieces. A merge whose
   bytes equal an existing token reuses it (token bytes stay unique, so
   tiktoken reads the saved file). Write it with aieng_bpe_save_tiktoken. */
AIENG_API aieng_result aieng_bpe_train(const char *text, size_t len, const aieng_bpe_train_config *cfg,
                                       aieng_bpe **out);

AIENG_EXTERN_C_END
#endif /* AIENG_BPE_H */

/* ========================================================================== */
#if defined(AIENG_IMPLEMENTATION) || defined(AIENG_BPE_IMPLEMENTATION)
#ifndef AIENG_BPE_IMPLEMENTED
#define AIENG_BPE_IMPLEMENTED
#define AIENG_IMPL_INCLUDED_BPE
#include <string.h>
#include <stdio.h>

/* ---- aieng_bpe unicode tables (generated by tools/gen_bpe_unicode.py from Unicode 16.0 classes; do not edit) ---- */
/* category per code point: 0 other, 1 Lu, 2 Ll, 3 Lt, 4 Lm, 5 Lo, 6 M, 7 N, 8 White_Space */
static const unsigned char aieng__bpe_uc_ascii[128] = {
    0,0,0,0,0,0,0,0,0,8,8,8,8,8,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    8,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,7,7,7,7,7,7,7,7,7,7,0,0,0,0,0,0,
    0,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,1,0,0,0,0,0,
    0,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,2,0,0,0,0,0,
};
static const unsigned char aieng__bpe_uc_stage1[1024] = {
    0,1,2,3,4,5,6,7,8,9,10,11,12,13,14,15,16,17,18,19,20,21,22,23,24,25,26,27,28,29,30,31,
    32,33,34,34,35,36,37,38,39,34,34,34,40,41,42,43,44,45,46,47,48,49,50,51,52,53,54,55,56,57,58,59,
    60,61,62,63,64,64,64,64,65,66,64,64,64,64,67,68,64,64,64,64,64,64,64,64,69,70,71,72,73,64,64,64,
    74,75,76,77,78,79,64,64,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,80,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    81,34,34,34,34,34,34,34,34,82,34,34,83,84,85,86,87,88,89,90,91,92,93,94,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,95,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,
    64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,
    64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,34,34,96,97,98,99,34,34,100,101,102,103,104,105,
    106,107,108,109,64,110,111,112,113,114,115,116,34,34,117,118,119,120,121,122,123,124,125,126,127,128,129,130,131,132,133,134,
    135,136,137,138,139,140,141,142,143,144,64,145,146,147,148,64,149,150,151,152,153,154,64,155,156,157,158,159,64,160,161,162,
    34,34,34,34,34,34,34,163,164,34,165,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,166,
    34,34,34,34,34,34,34,34,167,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,107,34,34,34,34,168,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,
    64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,
    64,64,169,64,64,64,64,64,64,64,64,64,64,64,64,64,34,34,34,34,170,171,172,173,64,64,174,64,175,176,177,178,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,179,34,34,34,34,34,34,34,34,34,180,181,64,64,64,64,64,
    64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,
    64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,182,
    34,34,183,34,34,184,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,185,186,64,64,64,64,64,64,
    64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,187,64,64,64,64,188,64,
    64,64,189,190,191,192,193,64,194,195,196,197,198,199,200,201,64,64,64,64,202,203,64,64,64,64,64,64,64,64,204,64,
    205,206,207,64,64,208,64,64,64,209,64,210,64,64,64,211,34,212,213,64,64,64,64,64,214,215,216,64,217,218,64,64,
    64,64,219,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,64,187,64,64,64,64,64,64,64,64,
};
static const unsigned char aieng__bpe_uc_stage2[14080] = {
    0,0,0,0,128,136,136,0,0,0,0,0,0,0,0,0,8,0,0,0,0,0,0,0,119,119,119,119,119,0,0,0,
    16,17,17,17,17,17,17,17,17,17,17,17,17,1,0,0,32,34,34,34,34,34,34,34,34,34,34,34,34,2,0,0,
    0,0,128,0,0,0,0,0,0,0,0,0,0,0,0,0,8,0,0,0,0,5,0,0,0,119,32,0,112,5,119,7,
    17,17,17,17,17,17,17,17,17,17,17,1,17,17,17,33,34,34,34,34,34,34,34,34,34,34,34,2,34,34,34,34,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,18,18,18,18,
    18,18,18,18,34,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,17,18,18,34,
    18,33,33,17,18,17,34,17,17,18,33,17,33,34,17,18,33,33,33,17,18,34,33,17,18,17,18,18,33,82,33,34,
    85,85,49,18,35,49,18,18,18,18,18,18,18,18,34,33,33,33,33,33,33,33,33,33,18,35,33,17,33,33,33,33,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,34,34,34,17,18,33,
    18,18,17,33,33,33,33,33,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,37,34,34,34,34,34,34,34,34,34,34,34,34,34,68,68,68,68,68,68,68,68,
    68,0,0,68,68,68,68,68,68,0,0,0,0,0,0,0,68,68,4,0,0,0,4,4,0,0,0,0,0,0,0,0,
    102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,
    102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,33,33,4,33,0,36,34,16,
    0,0,0,1,17,1,1,17,18,17,17,17,17,17,17,17,17,16,17,17,17,17,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,18,34,17,33,34,33,33,33,33,33,33,33,33,33,33,33,33,34,34,33,16,18,33,18,17,
    17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,
    33,96,102,102,102,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,
    17,18,18,18,18,18,18,34,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,16,17,17,17,17,17,17,17,
    17,17,17,17,17,17,17,17,17,17,17,1,64,0,0,0,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,2,0,0,0,96,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,96,
    96,6,102,96,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,80,85,5,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,102,102,102,102,102,6,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    84,85,85,85,85,101,102,102,102,102,102,102,102,102,102,102,119,119,119,119,119,0,0,85,86,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,80,102,102,102,6,96,102,102,70,100,6,102,102,85,119,119,119,119,119,85,5,80,
    0,0,0,0,0,0,0,0,101,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,102,102,
    102,102,102,102,102,6,80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,86,0,0,0,0,0,0,0,
    119,119,119,119,119,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,68,0,0,4,96,0,
    85,85,85,85,85,85,85,85,85,85,85,102,102,100,102,102,102,102,100,102,100,102,102,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,101,102,0,0,85,85,85,85,85,5,0,0,85,85,85,85,85,85,85,85,
    85,85,85,85,80,85,85,5,0,0,0,96,102,102,102,102,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,69,102,102,102,102,102,102,102,102,102,102,102,102,96,102,102,102,102,102,102,102,102,102,102,102,102,102,102,
    102,102,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,86,102,
    102,102,102,102,102,102,102,102,101,102,102,102,85,85,85,85,85,102,0,119,119,119,119,119,64,85,85,85,85,85,85,85,
    101,102,80,85,85,85,5,80,5,80,85,85,85,85,85,85,85,85,85,85,5,85,85,85,5,5,0,85,85,0,86,102,
    102,102,6,96,6,96,102,5,0,0,0,96,0,0,85,80,85,102,0,119,119,119,119,119,85,0,119,119,119,0,5,6,
    96,102,80,85,85,5,0,80,5,80,85,85,85,85,85,85,85,85,85,85,5,85,85,85,5,85,80,5,85,0,6,102,
    102,6,0,96,6,96,102,0,96,0,0,0,80,85,5,5,0,0,0,119,119,119,119,119,102,85,101,0,0,0,0,0,
    96,102,80,85,85,85,85,80,85,80,85,85,85,85,85,85,85,85,85,85,5,85,85,85,5,85,80,85,85,0,86,102,
    102,102,102,96,102,96,102,0,5,0,0,0,0,0,0,0,85,102,0,119,119,119,119,119,0,0,0,0,80,102,102,102,
    96,102,80,85,85,85,5,80,5,80,85,85,85,85,85,85,85,85,85,85,5,85,85,85,5,85,80,85,85,0,86,102,
    102,102,6,96,6,96,102,0,0,0,96,102,0,0,85,80,85,102,0,119,119,119,119,119,80,119,119,119,0,0,0,0,
    0,86,80,85,85,5,0,85,5,85,85,0,80,5,5,85,0,80,5,0,85,5,0,85,85,85,85,85,85,0,0,102,
    102,6,0,102,6,102,102,0,5,0,0,96,0,0,0,0,0,0,0,119,119,119,119,119,119,7,0,0,0,0,0,0,
    102,102,86,85,85,85,5,85,5,85,85,85,85,85,85,85,85,85,85,85,5,85,85,85,85,85,85,85,85,0,86,102,
    102,102,6,102,6,102,102,0,0,0,96,6,85,5,80,0,85,102,0,119,119,119,119,119,0,0,0,0,119,119,119,7,
    101,102,80,85,85,85,5,85,5,85,85,85,85,85,85,85,85,85,85,85,5,85,85,85,85,85,80,85,85,0,86,102,
    102,102,6,102,6,102,102,0,0,0,96,6,0,0,80,5,85,102,0,119,119,119,119,119,80,101,0,0,0,0,0,0,
    102,102,85,85,85,85,5,85,5,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,86,102,
    102,102,6,102,6,102,102,5,0,0,85,101,119,119,119,87,85,102,0,119,119,119,119,119,119,119,119,119,7,85,85,85,
    96,102,80,85,85,85,85,85,85,85,85,5,0,85,85,85,85,85,85,85,85,85,85,85,85,80,85,85,85,85,80,0,
    85,85,85,5,0,6,0,96,102,102,6,6,102,102,102,102,0,0,0,119,119,119,119,119,0,102,0,0,0,0,0,0,
    80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,85,102,102,102,6,0,0,
    85,85,85,100,102,102,102,6,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    80,5,5,85,85,5,85,85,85,85,85,85,85,85,85,85,85,85,80,80,85,85,85,85,101,85,102,102,102,102,86,0,
    85,85,5,4,102,102,102,6,119,119,119,119,119,0,85,85,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    5,0,0,0,0,0,0,0,0,0,0,0,102,0,0,0,119,119,119,119,119,119,119,119,119,119,96,96,96,0,0,102,
    85,85,85,85,80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,96,102,102,102,102,102,102,102,
    102,102,6,102,85,85,101,102,102,102,102,102,96,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,6,0,
    0,0,0,6,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,102,102,102,102,102,86,
    119,119,119,119,119,0,0,0,85,85,85,102,102,85,85,102,86,102,86,101,102,102,102,85,101,102,86,85,85,85,85,85,
    85,102,102,102,102,102,102,101,119,119,119,119,119,102,102,0,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,
    17,17,17,16,0,0,16,0,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,2,36,34,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,5,85,85,0,85,85,85,5,5,85,85,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,5,85,85,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,85,85,0,85,85,85,5,
    5,85,85,0,85,85,85,85,85,85,85,5,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,5,85,85,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,5,96,102,0,0,0,0,112,119,119,119,119,119,119,119,119,119,7,0,
    85,85,85,85,85,85,85,85,0,0,0,0,0,0,0,0,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,
    17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,0,34,34,34,0,
    80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,80,85,85,85,85,85,85,85,85,
    88,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,119,87,85,85,85,5,0,0,0,
    85,85,85,85,85,85,85,85,85,102,102,0,0,0,0,80,85,85,85,85,85,85,85,85,85,102,6,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,102,0,0,0,0,0,0,85,85,85,85,85,85,5,85,5,102,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,
    102,102,102,102,102,102,102,102,102,102,0,64,0,0,101,0,119,119,119,119,119,0,0,0,119,119,119,119,119,0,0,0,
    0,0,0,0,0,96,102,96,119,119,119,119,119,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,69,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,
    85,85,101,86,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,5,0,0,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,102,102,102,102,102,102,0,0,102,102,102,102,102,102,0,0,
    0,0,0,119,119,119,119,119,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,85,85,5,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,85,85,85,85,85,85,85,85,
    85,85,85,85,85,0,0,0,119,119,119,119,119,7,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,101,102,102,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,6,102,102,102,102,102,102,102,102,102,102,102,102,102,102,6,96,
    119,119,119,119,119,0,0,0,119,119,119,119,119,0,0,0,0,0,0,64,0,0,0,0,102,102,102,102,102,102,102,102,
    102,102,102,102,102,102,102,6,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    102,102,86,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,
    102,102,86,85,85,85,5,0,119,119,119,119,119,0,0,0,0,0,0,0,0,96,102,102,102,102,0,0,0,0,0,0,
    102,86,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,102,102,85,119,119,119,119,119,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,102,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,102,102,102,102,0,0,0,0,
    119,119,119,119,119,0,80,85,119,119,119,119,119,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,68,68,68,0,
    34,34,34,34,18,2,0,0,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,1,16,17,
    0,0,0,0,0,0,0,0,102,6,102,102,102,102,102,102,102,102,102,102,86,85,101,85,85,85,86,101,102,5,0,0,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,68,68,68,68,68,68,68,68,68,68,
    68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,36,34,34,34,34,34,34,36,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,66,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,
    102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,
    33,33,33,33,33,33,33,33,33,33,33,34,34,34,34,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,
    34,34,34,34,17,17,17,17,34,34,34,0,17,17,17,0,34,34,34,34,17,17,17,17,34,34,34,34,17,17,17,17,
    34,34,34,0,17,17,17,0,34,34,34,34,16,16,16,16,34,34,34,34,17,17,17,17,34,34,34,34,34,34,34,0,
    34,34,34,34,51,51,51,51,34,34,34,34,51,51,51,51,34,34,34,34,51,51,51,51,34,34,2,34,17,17,3,2,
    0,34,2,34,17,17,3,0,34,34,0,34,17,17,0,0,34,34,34,34,17,17,1,0,0,34,2,34,17,17,3,0,
    136,136,136,136,136,8,0,0,0,0,0,0,0,0,0,0,0,0,0,0,136,0,0,128,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,128,0,0,0,0,0,0,0,0,71,0,119,119,119,0,0,64,
    119,119,119,119,119,0,0,0,68,68,68,68,68,68,4,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,6,0,0,0,0,0,0,0,
    0,1,0,16,0,18,17,34,17,33,16,0,16,17,17,0,0,0,1,1,1,17,17,32,17,17,82,85,37,0,34,17,
    0,0,16,34,34,0,0,2,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,
    119,23,114,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,
    119,119,119,119,119,119,119,119,119,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,119,119,119,119,119,119,119,119,119,119,119,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,119,119,119,119,119,
    119,119,119,119,119,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,33,17,33,18,18,18,18,17,33,33,18,34,34,34,68,17,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,2,0,0,16,18,98,102,33,0,0,0,0,112,0,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,32,0,0,32,0,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,64,0,0,0,0,0,0,0,96,
    85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,0,85,85,85,5,85,85,85,5,85,85,85,5,85,85,85,5,
    85,85,85,5,85,85,85,5,85,85,85,5,85,85,85,5,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,64,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    8,0,64,117,0,0,0,0,0,0,0,0,0,0,0,0,112,119,119,119,119,102,102,102,64,68,68,0,119,71,5,0,
    80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,5,96,6,64,84,80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,68,84,
    0,0,80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,80,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,5,0,119,119,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,119,119,119,119,112,119,119,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,112,119,119,119,119,119,119,119,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,69,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,68,68,68,0,
    85,85,85,85,85,85,4,0,85,85,85,85,85,85,85,85,119,119,119,119,119,85,0,0,0,0,0,0,0,0,0,0,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,101,102,6,102,102,102,102,102,64,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,68,102,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,119,119,119,119,119,102,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,64,68,68,68,68,0,33,33,33,33,33,33,33,34,33,33,33,33,33,33,33,
    33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,33,36,34,34,34,18,18,18,33,
    33,33,33,33,4,16,18,82,33,33,34,33,33,33,33,33,33,33,33,33,33,17,17,33,17,17,33,33,33,33,33,33,
    33,33,17,17,18,18,33,0,33,32,32,33,33,33,1,0,0,0,0,0,0,0,0,0,0,68,20,82,68,82,85,85,
    85,86,85,86,85,101,85,85,85,85,85,85,85,85,85,85,85,101,102,102,0,0,6,0,119,119,119,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,
    102,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,
    102,102,102,0,0,0,0,0,119,119,119,119,119,0,0,0,102,102,102,102,102,102,102,102,102,85,85,85,0,80,80,101,
    119,119,119,119,119,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,0,85,85,85,85,85,85,85,85,
    85,85,85,101,102,102,102,102,102,102,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,
    102,102,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,102,102,
    6,0,0,0,0,0,0,64,119,119,119,119,119,0,0,0,85,85,101,84,85,85,85,85,119,119,119,119,119,85,85,5,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,102,102,6,0,0,0,0,
    85,101,85,85,85,85,102,0,119,119,119,119,119,0,0,0,85,85,85,85,85,85,85,85,84,85,85,5,0,101,102,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,86,102,86,101,86,85,85,102,
    101,5,0,0,0,0,0,0,0,0,0,0,0,80,69,0,85,85,85,85,85,101,102,102,0,69,100,6,0,0,0,0,
    80,85,85,5,80,85,85,5,80,85,85,5,0,0,0,0,85,85,85,5,85,85,85,5,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,2,68,68,34,34,34,34,66,0,0,0,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,6,102,0,119,119,119,119,119,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,85,85,85,85,85,85,85,85,
    85,85,85,5,0,80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    34,34,34,2,0,0,0,0,0,32,34,34,0,0,80,86,85,85,85,85,5,85,85,85,85,85,85,5,85,85,5,5,
    85,80,5,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,
    0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,85,85,85,85,85,85,0,0,
    102,102,102,102,102,102,102,102,0,0,0,0,0,0,0,0,102,102,102,102,102,102,102,102,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,85,85,5,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,
    0,0,0,0,0,0,0,0,119,119,119,119,119,0,0,0,16,17,17,17,17,17,17,17,17,17,17,17,17,1,0,0,
    32,34,34,34,34,34,34,34,34,34,34,34,34,2,0,0,0,0,0,85,85,85,85,85,84,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,68,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,
    0,85,85,85,0,85,85,85,0,85,85,85,0,85,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,80,85,85,85,85,85,85,85,85,85,85,85,85,5,85,85,85,85,85,85,85,85,85,5,85,80,
    85,85,85,85,85,85,85,0,85,85,85,85,85,85,85,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,
    0,0,0,112,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,0,0,0,0,0,0,
    119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,7,0,0,0,
    0,0,0,0,0,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,96,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,5,0,0,0,0,0,0,0,118,119,119,119,119,119,119,119,119,119,119,119,119,119,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,119,119,0,0,0,0,80,85,85,85,85,85,85,85,85,85,
    117,85,85,85,85,7,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,6,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,0,0,85,85,85,85,112,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,34,34,34,34,34,34,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,119,119,119,119,119,0,0,0,17,17,17,17,17,17,17,17,
    17,17,17,17,17,17,17,17,17,17,0,0,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,17,17,17,17,17,1,17,17,
    17,17,17,17,17,1,17,17,17,1,17,32,34,34,34,34,34,32,34,34,34,34,34,34,34,32,34,34,34,32,2,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,85,85,85,85,0,0,0,0,0,0,0,0,0,0,0,0,
    68,68,68,64,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,4,68,68,68,68,4,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,0,5,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,80,5,0,5,80,
    85,85,85,85,85,85,85,85,85,85,85,0,119,119,119,119,85,85,85,85,85,85,85,85,85,85,85,5,112,119,119,119,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,112,119,119,119,119,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,5,85,0,0,112,119,119,
    85,85,85,85,85,85,85,85,85,85,85,119,119,119,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,119,85,
    119,119,119,119,119,119,119,119,0,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,
    101,102,96,6,0,0,102,102,85,85,80,85,80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,102,6,0,96,
    119,119,119,119,7,0,0,0,0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,117,7,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,117,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,80,85,85,85,85,85,85,85,85,85,85,85,85,85,101,6,0,112,119,119,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,0,119,119,119,119,85,85,85,85,85,85,85,85,85,5,0,0,119,119,119,119,
    85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,0,0,0,0,0,112,119,119,119,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,1,0,0,0,0,0,0,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,2,0,0,0,119,119,119,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,0,0,0,0,119,119,119,119,119,0,0,0,
    119,119,119,119,119,85,85,84,17,17,17,17,17,17,17,17,17,17,17,0,96,102,102,64,34,34,34,34,34,34,34,34,
    34,34,34,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,7,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,96,6,0,85,0,0,0,0,0,0,0,
    0,85,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,102,102,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,117,119,119,119,119,87,0,0,0,0,85,85,85,85,85,85,85,85,
    85,85,85,102,102,102,102,102,118,119,7,0,0,0,0,0,0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,
    85,102,102,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,
    85,85,117,119,119,119,0,0,0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,0,
    102,86,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,
    102,102,102,6,0,0,0,0,0,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,86,101,86,0,0,0,0,96,
    102,86,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,6,0,0,
    0,6,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,119,119,119,119,119,0,0,0,
    102,86,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,102,102,6,119,119,119,119,119,
    0,0,101,86,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,0,5,0,0,0,0,
    102,86,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,102,102,
    86,85,5,0,96,102,6,102,119,119,119,119,119,5,5,0,112,119,119,119,119,119,119,119,119,119,7,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,80,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,0,0,0,86,
    101,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,5,5,85,85,80,85,85,85,85,85,85,85,80,85,85,85,85,5,0,0,0,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,102,6,0,0,119,119,119,119,119,0,0,0,
    102,102,80,85,85,85,5,80,5,80,85,85,85,85,85,85,85,85,85,85,5,85,85,85,5,85,80,85,85,96,86,102,
    102,102,6,96,6,96,102,0,5,0,0,96,0,0,80,85,85,102,0,102,102,102,6,0,102,102,6,0,0,0,0,0,
    85,85,85,85,85,80,0,5,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,80,102,102,102,102,
    6,6,96,96,102,6,102,102,86,86,0,0,0,0,0,0,96,6,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,102,
    102,102,102,86,85,5,0,0,119,119,119,119,119,0,0,86,85,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,102,102,
    102,102,85,80,0,0,0,0,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,0,102,102,102,102,
    6,0,0,0,0,0,0,0,0,0,0,0,85,85,102,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,102,102,
    6,0,5,0,0,0,0,0,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,102,102,102,5,0,0,0,
    119,119,119,119,119,0,0,0,119,119,119,119,119,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,5,96,102,102,102,102,102,102,102,0,0,119,119,119,119,119,119,0,0,
    85,85,85,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,102,6,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,
    34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,119,119,119,119,119,119,119,119,119,7,0,0,0,0,0,80,
    85,85,85,5,80,0,85,85,85,85,80,5,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,96,6,96,102,86,
    86,102,0,0,0,0,0,0,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,85,85,85,85,0,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,101,102,102,102,0,102,102,102,86,80,6,0,0,0,0,0,0,0,0,0,0,0,0,0,
    101,102,102,102,102,86,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,101,102,6,
    0,0,0,96,0,0,0,0,101,102,102,102,102,102,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,102,102,102,102,102,102,102,102,0,80,0,0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,0,0,0,0,119,119,119,119,119,0,0,0,
    85,85,85,85,5,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,102,6,102,102,102,102,
    5,0,0,0,0,0,0,0,119,119,119,119,119,119,119,119,119,119,119,119,119,119,7,0,0,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,0,102,102,102,102,102,102,102,102,102,102,102,96,102,102,102,102,102,102,6,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,5,85,80,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,101,102,102,6,0,6,102,96,
    102,102,102,101,0,0,0,0,119,119,119,119,119,0,0,0,85,85,85,80,5,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,102,102,6,102,96,102,102,5,0,0,0,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,101,102,6,0,0,0,0,
    102,101,85,85,85,85,85,85,5,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,6,0,102,
    102,6,0,0,0,0,0,0,119,119,119,119,119,6,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,5,0,0,0,0,0,0,0,
    119,119,119,119,119,119,119,119,119,119,7,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,
    119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,7,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,0,0,
    86,85,85,101,102,102,102,102,102,102,102,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,102,102,102,102,102,102,119,119,119,119,119,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,119,119,119,119,119,0,0,0,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,
    119,119,119,119,119,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,102,102,6,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,102,6,0,0,0,0,
    68,68,0,0,0,0,0,0,119,119,119,119,119,112,119,119,119,80,85,85,85,85,85,85,85,85,85,85,0,0,80,85,
    85,85,85,85,85,85,85,85,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    68,84,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,69,4,0,119,119,119,119,119,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    119,119,119,119,119,119,119,119,119,119,119,7,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,5,0,96,101,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,
    102,102,102,102,0,0,0,96,102,70,68,68,68,68,68,68,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,68,64,6,0,0,0,0,0,102,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,80,
    85,85,85,85,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,68,68,64,68,68,68,64,4,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,0,0,0,0,0,5,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,85,5,80,0,0,0,0,0,0,0,85,85,0,0,0,0,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,0,85,85,85,85,85,85,5,0,
    85,85,85,85,5,0,0,0,85,85,85,85,85,0,96,6,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,119,119,119,119,119,0,0,0,
    102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,0,102,102,102,102,102,102,102,102,
    102,102,102,6,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,96,102,102,0,96,102,102,6,0,0,0,96,102,102,
    102,6,96,102,102,102,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,102,102,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,102,6,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    119,119,119,119,119,119,119,119,119,119,0,0,0,0,0,0,119,119,119,119,119,119,119,119,119,119,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,119,119,119,119,119,119,119,119,119,119,119,119,7,0,0,0,
    17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,34,34,34,34,34,17,17,17,17,17,17,
    17,17,17,17,17,17,17,34,34,34,2,34,34,34,34,34,34,34,34,34,17,17,17,17,17,17,17,17,17,17,17,17,
    17,34,34,34,34,34,34,34,34,34,34,34,34,34,1,17,0,1,16,1,16,17,1,17,17,17,17,34,34,32,32,34,
    34,34,32,34,34,34,34,34,17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,34,34,34,
    34,34,17,16,17,1,16,17,17,17,1,17,17,17,1,34,34,34,34,34,34,34,34,34,34,34,34,34,17,16,17,1,
    17,17,1,1,0,17,17,17,1,34,34,34,34,34,34,34,34,34,34,34,34,34,17,17,17,17,17,17,17,17,17,17,
    17,17,17,34,34,34,34,34,34,34,34,34,34,34,34,34,17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,
    34,34,34,34,34,34,34,34,34,34,17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,34,
    34,34,34,34,17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,34,34,34,34,34,17,17,
    17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,34,34,34,34,34,17,17,17,17,17,17,17,17,
    17,17,17,17,17,34,34,34,34,34,34,34,34,34,34,34,34,34,34,0,17,17,17,17,17,17,17,17,17,17,17,17,
    1,34,34,34,34,34,34,34,34,34,34,34,34,2,34,34,34,17,17,17,17,17,17,17,17,17,17,17,17,1,34,34,
    34,34,34,34,34,34,34,34,34,34,2,34,34,34,17,17,17,17,17,17,17,17,17,17,17,17,1,34,34,34,34,34,
    34,34,34,34,34,34,34,2,34,34,34,17,17,17,17,17,17,17,17,17,17,17,17,1,34,34,34,34,34,34,34,34,
    34,34,34,34,2,34,34,34,17,17,17,17,17,17,17,17,17,17,17,17,1,34,34,34,34,34,34,34,34,34,34,34,
    34,2,34,34,34,33,0,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,
    102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,6,0,96,102,102,
    102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,102,6,0,0,0,96,0,0,0,0,0,
    0,0,6,0,0,0,0,0,0,0,0,0,0,96,102,102,96,102,102,102,102,102,102,102,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    34,34,34,34,34,37,34,34,34,34,34,34,34,34,34,2,0,0,32,34,34,2,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    102,102,102,6,102,102,102,102,102,102,102,102,6,96,102,102,102,96,6,102,102,6,0,0,68,68,68,68,68,68,68,68,
    68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,68,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,96,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,5,0,102,102,102,70,68,68,68,0,
    119,119,119,119,119,0,0,5,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,6,0,0,0,0,0,0,0,0,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,102,119,119,119,119,119,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,69,102,102,119,119,119,119,119,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,102,117,119,119,119,119,7,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,85,85,85,5,85,85,80,5,85,85,85,85,85,85,85,5,
    85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,85,
    85,85,5,112,119,119,119,119,102,102,102,6,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,17,34,34,34,34,34,34,34,34,34,34,34,34,34,34,34,
    34,34,102,102,102,70,0,0,119,119,119,119,119,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,112,119,119,119,119,119,119,119,
    119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,112,119,112,119,7,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    112,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,119,112,119,119,119,119,119,119,119,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    85,85,80,85,85,85,85,85,85,85,85,85,85,85,85,85,80,5,5,80,80,85,85,85,85,5,85,85,80,80,0,0,
    0,5,0,80,80,80,80,85,80,5,5,80,80,80,80,80,80,5,5,80,85,5,85,85,85,5,85,85,80,85,5,5,
    85,85,85,85,85,80,85,85,85,85,85,85,85,85,0,0,80,85,80,85,85,80,85,85,85,85,85,85,85,85,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    119,119,119,119,119,119,7,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
    0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,0,
};
static const uint32_t aieng__bpe_uc_high[10][3] = {
    {0x20000, 0x2A6DF, 5},
    {0x2A700, 0x2B739, 5},
    {0x2B740, 0x2B81D, 5},
    {0x2B820, 0x2CEA1, 5},
    {0x2CEB0, 0x2EBE0, 5},
    {0x2EBF0, 0x2EE5D, 5},
    {0x2F800, 0x2FA1D, 5},
    {0x30000, 0x3134A, 5},
    {0x31350, 0x323AF, 5},
    {0xE0100, 0xE01EF, 6},
};
#define AIENG__BPE_UC_BLOCK 128
#define AIENG__BPE_UC_LOW_LIMIT 0x20000
#define AIENG__BPE_UC_N_HIGH 10
/* (?i:x) for the contraction letters "sdmtlvre": up to 3 code points each (0xFFFFFFFF = none) */
static const uint32_t aieng__bpe_fold_cps[8][3] = {
    {0x53, 0x73, 0x17F},
    {0x44, 0x64, 0xFFFFFFFF},
    {0x4D, 0x6D, 0xFFFFFFFF},
    {0x54, 0x74, 0xFFFFFFFF},
    {0x4C, 0x6C, 0xFFFFFFFF},
    {0x56, 0x76, 0xFFFFFFFF},
    {0x52, 0x72, 0xFFFFFFFF},
    {0x45, 0x65, 0xFFFFFFFF},
};
/* ---- end of aieng_bpe unicode tables ---- */

AIENG_EXTERN_C_BEGIN

/* ---------------------------------------------------------------- unicode */
enum {
    AIENG__BPE_OTHER = 0, AIENG__BPE_LU = 1, AIENG__BPE_LL = 2, AIENG__BPE_LT = 3, AIENG__BPE_LM = 4,
    AIENG__BPE_LO = 5, AIENG__BPE_M = 6, AIENG__BPE_N = 7, AIENG__BPE_S = 8
};
#define AIENG__BPE_MASK_L 0x3Eu                  /* Lu Ll Lt Lm Lo */
#define AIENG__BPE_MASK_O 0x41u                  /* [^\s\p{L}\p{N}]: other, M */
#define AIENG__BPE_MASK_U 0x7Au                  /* Lu Lt Lm Lo M */
#define AIENG__BPE_MASK_W 0x74u                  /* Ll Lm Lo M */
#define AIENG__BPE_IN(mask, c) ((((mask) >> (c)) & 1u) != 0)

static unsigned aieng__bpe_uc_cat(uint32_t cp) {
    if (cp < AIENG__BPE_UC_LOW_LIMIT) {
        unsigned blk = aieng__bpe_uc_stage1[cp / AIENG__BPE_UC_BLOCK];
        unsigned k = cp % AIENG__BPE_UC_BLOCK;
        return (aieng__bpe_uc_stage2[blk * (AIENG__BPE_UC_BLOCK / 2) + k / 2] >> ((k & 1) * 4)) & 15u;
    } else {
        int i;
        for (i = 0; i < AIENG__BPE_UC_N_HIGH; i++)
            if (cp >= aieng__bpe_uc_high[i][0] && cp <= aieng__bpe_uc_high[i][1]) return aieng__bpe_uc_high[i][2];
        return AIENG__BPE_OTHER;
    }
}

/* Decodes the UTF-8 character at s[i] (i < n); invalid or truncated -> 1 byte,
   code point 0xFFFFFFFF. */
static uint32_t aieng__bpe_utf8(const unsigned char *s, size_t n, size_t i, size_t *len) {
    unsigned b = s[i];
    size_t r = n - i;
    if (b < 0x80) { *len = 1; return b; }
    if (b >= 0xC2 && b <= 0xDF) {
        if (r >= 2 && (s[i + 1] & 0xC0) == 0x80) { *len = 2; return ((b & 0x1Fu) << 6) | (s[i + 1] & 0x3Fu); }
    } else if (b >= 0xE0 && b <= 0xEF) {
        if (r >= 3) {
            unsigned c1 = s[i + 1], c2 = s[i + 2];
            unsigned lo = b == 0xE0 ? 0xA0 : 0x80, hi = b == 0xED ? 0x9F : 0xBF;
            if (c1 >= lo && c1 <= hi && (c2 & 0xC0) == 0x80) {
                *len = 3;
                return ((b & 0x0Fu) << 12) | ((c1 & 0x3Fu) << 6) | (c2 & 0x3Fu);
            }
        }
    } else if (b >= 0xF0 && b <= 0xF4) {
        if (r >= 4) {
            unsigned c1 = s[i + 1], c2 = s[i + 2], c3 = s[i + 3];
            unsigned lo = b == 0xF0 ? 0x90 : 0x80, hi = b == 0xF4 ? 0x8F : 0xBF;
            if (c1 >= lo && c1 <= hi && (c2 & 0xC0) == 0x80 && (c3 & 0xC0) == 0x80) {
                *len = 4;
                return ((b & 0x07u) << 18) | ((c1 & 0x3Fu) << 12) | ((c2 & 0x3Fu) << 6) | (c3 & 0x3Fu);
            }
        }
    }
    *len = 1;
    return 0xFFFFFFFFu;
}

/* Category of the character at s[i] (i < n) and its length in bytes. */
static inline unsigned aieng__bpe_cat(const unsigned char *s, size_t n, size_t i, size_t *len) {
    uint32_t cp;
    if (s[i] < 0x80) { *len = 1; return aieng__bpe_uc_ascii[s[i]]; }
    cp = aieng__bpe_utf8(s, n, i, len);
    return cp == 0xFFFFFFFFu ? (unsigned)AIENG__BPE_OTHER : aieng__bpe_uc_cat(cp);
}

/* End of the run of characters whose category is in mask, from i. */
static inline size_t aieng__bpe_run(const unsigned char *s, size_t n, size_t i, unsigned mask) {
    size_t l;
    while (i < n) {
        unsigned c = aieng__bpe_cat(s, n, i, &l);
        if (!AIENG__BPE_IN(mask, c)) break;
        i += l;
    }
    return i;
}

#if defined(__BYTE_ORDER__) && defined(__ORDER_LITTLE_ENDIAN__) && __BYTE_ORDER__ == __ORDER_LITTLE_ENDIAN__
#define AIENG__BPE_LE 1
#elif defined(_M_X64) || defined(_M_IX86) || defined(_M_ARM64)
#define AIENG__BPE_LE 1
#else
#define AIENG__BPE_LE 0
#endif

/* ASCII fast path of the letter alternatives: end of the run of ASCII bytes
   whose category is in mask (Lu, Ll or both), from q; 8 bytes at a time where
   it can (bit 7 of each byte of a word says "in the class"), so the end of a
   word costs no branch per letter. */
#if defined(__GNUC__) || defined(__clang__)
#define AIENG__BPE_SWAR AIENG__BPE_LE
#else
#define AIENG__BPE_SWAR 0
#endif
#if AIENG__BPE_SWAR
static inline uint64_t aieng__bpe_swar_range(uint64_t y, unsigned lo, unsigned hi) { /* y: bytes < 0x80 */
    const uint64_t ones = 0x0101010101010101ull;
    return (y + ones * (0x80u - lo)) & ~(y + ones * (0x7Fu - hi));
}
#endif
static inline size_t aieng__bpe_ascii_run(const unsigned char *s, size_t n, size_t q, unsigned mask) {
#if AIENG__BPE_SWAR
    const uint64_t high = 0x8080808080808080ull;
    while (q + 8 <= n) {
        uint64_t x, y, in = 0;
        memcpy(&x, s + q, 8);
        y = x & ~high;
        if (mask & (1u << AIENG__BPE_LU)) in |= aieng__bpe_swar_range(y, 'A', 'Z');
        if (mask & (1u << AIENG__BPE_LL)) in |= aieng__bpe_swar_range(y, 'a', 'z');
        in = ~(in & ~x & high) & high; /* bytes not in the class */
        if (in) return q + (size_t)__builtin_ctzll(in) / 8;
        q += 8;
    }
#endif
    while (q < n && s[q] < 0x80 && AIENG__BPE_IN(mask, aieng__bpe_uc_ascii[s[q]])) q++;
    return q;
}

/* Start of the letters of "[prefix]?letters" at i when s[i] (and s[i + 1]
   if s[i] is a prefix) are ASCII and the letters start with an ASCII letter;
   prefix: 1 = [^\r\n\p{L}\p{N}] (cl100k, o200k), 0 = ' ' (r50k). n when not. */
static inline size_t aieng__bpe_ascii_letters_at(const unsigned char *s, size_t n, size_t i, int prefix) {
    unsigned c = s[i], k;
    size_t q = i;
    if (c >= 0x80) return n;
    k = aieng__bpe_uc_ascii[c];
    if (k != AIENG__BPE_LU && k != AIENG__BPE_LL) {
        if (prefix ? (k == AIENG__BPE_N || c == '\r' || c == '\n') : c != ' ') return n;
        q = i + 1;
        if (q >= n || s[q] >= 0x80) return n;
        k = aieng__bpe_uc_ascii[s[q]];
        if (k != AIENG__BPE_LU && k != AIENG__BPE_LL) return n;
    }
    return q;
}

/* Does the character at s[i] fold to contraction letter k (index in "sdmtlvre")? */
static int aieng__bpe_fold_at(const unsigned char *s, size_t n, size_t i, int k, size_t *len) {
    uint32_t cp;
    if (i >= n) return 0;
    cp = aieng__bpe_utf8(s, n, i, len);
    return cp == aieng__bpe_fold_cps[k][0] || cp == aieng__bpe_fold_cps[k][1] || cp == aieng__bpe_fold_cps[k][2];
}

/* (?i:'s|'t|'re|'ve|'m|'ll|'d) at i: end of the match, or 0. */
static size_t aieng__bpe_contraction_ci(const unsigned char *s, size_t n, size_t i) {
    size_t l1, l2;
    int k;
    if (i + 1 >= n || s[i] != '\'') return 0;
    for (k = 0; k < 4; k++) /* s d m t */
        if (aieng__bpe_fold_at(s, n, i + 1, k, &l1)) return i + 1 + l1;
    if (aieng__bpe_fold_at(s, n, i + 1, 6, &l1) && aieng__bpe_fold_at(s, n, i + 1 + l1, 7, &l2)) return i + 1 + l1 + l2;
    if (aieng__bpe_fold_at(s, n, i + 1, 5, &l1) && aieng__bpe_fold_at(s, n, i + 1 + l1, 7, &l2)) return i + 1 + l1 + l2;
    if (aieng__bpe_fold_at(s, n, i + 1, 4, &l1) && aieng__bpe_fold_at(s, n, i + 1 + l1, 4, &l2)) return i + 1 + l1 + l2;
    return 0;
}

/* Whitespace at i (the pattern tails of cl100k/o200k when nl != 0, r50k otherwise):
   \s*[\r\n]+ | \s+(?!\S) | \s+ */
static size_t aieng__bpe_ws(const unsigned char *s, size_t n, size_t i, int nl) {
    size_t j = i, last = i, nl_end = 0, l;
    while (j < n) {
        unsigned c = aieng__bpe_cat(s, n, j, &l);
        if (c != AIENG__BPE_S) break;
        if (s[j] == '\r' || s[j] == '\n') nl_end = j + 1;
        last = j;
        j += l;
    }
    if (nl && nl_end) return nl_end;
    if (j == n) return j;
    if (last > i) return last;
    return j;
}

/* r50k_base / GPT-2:
   's|'t|'re|'ve|'m|'ll|'d| ?\p{L}+| ?\p{N}+| ?[^\s\p{L}\p{N}]+|\s+(?!\S)|\s+ */
static size_t aieng__bpe_split_r50k(const unsigned char *s, size_t n, size_t i) {
    size_t l0, l1;
    unsigned c0, c1;
    if (s[i] == '\'' && i + 1 < n) {
        unsigned char b1 = s[i + 1];
        if (b1 == 's' || b1 == 't' || b1 == 'm' || b1 == 'd') return i + 2;
        if (i + 2 < n) {
            unsigned char b2 = s[i + 2];
            if ((b1 == 'r' && b2 == 'e') || (b1 == 'v' && b2 == 'e') || (b1 == 'l' && b2 == 'l')) return i + 3;
        }
    }
    if ((l0 = aieng__bpe_ascii_letters_at(s, n, i, 0)) < n) { /* ASCII words: no Unicode lookups */
        size_t e = aieng__bpe_ascii_run(s, n, l0, AIENG__BPE_MASK_L);
        if (e == n || s[e] < 0x80) return e;
    }
    c0 = aieng__bpe_cat(s, n, i, &l0);
    if (s[i] == ' ' && i + 1 < n) {
        c1 = aieng__bpe_cat(s, n, i + 1, &l1);
        if (AIENG__BPE_IN(AIENG__BPE_MASK_L, c1)) return aieng__bpe_run(s, n, i + 1, AIENG__BPE_MASK_L);
        if (c1 == AIENG__BPE_N) return aieng__bpe_run(s, n, i + 1, 1u << AIENG__BPE_N);
        if (AIENG__BPE_IN(AIENG__BPE_MASK_O, c1)) return aieng__bpe_run(s, n, i + 1, AIENG__BPE_MASK_O);
    }
    if (AIENG__BPE_IN(AIENG__BPE_MASK_L, c0)) return aieng__bpe_run(s, n, i, AIENG__BPE_MASK_L);
    if (c0 == AIENG__BPE_N) return aieng__bpe_run(s, n, i, 1u << AIENG__BPE_N);
    if (AIENG__BPE_IN(AIENG__BPE_MASK_O, c0)) return aieng__bpe_run(s, n, i, AIENG__BPE_MASK_O);
    return aieng__bpe_ws(s, n, i, 0);
}

/* up to three \p{N} */
static size_t aieng__bpe_digits3(const unsigned char *s, size_t n, size_t i) {
    int k;
    size_t l;
    for (k = 0; k < 3 && i < n; k++) {
        if ((unsigned)(s[i] - '0') < 10u) { i++; continue; } /* ASCII digits: no table */
        if (s[i] < 0x80 || aieng__bpe_cat(s, n, i, &l) != AIENG__BPE_N) break;
        i += l;
    }
    return i;
}

/* cl100k_base:
   (?i:'s|'t|'re|'ve|'m|'ll|'d)|[^\r\n\p{L}\p{N}]?\p{L}+|\p{N}{1,3}|
    ?[^\s\p{L}\p{N}]+[\r\n]*|\s*[\r\n]+|\s+(?!\S)|\s+ */
static size_t aieng__bpe_split_cl100k(const unsigned char *s, size_t n, size_t i) {
    size_t l0, l1, e;
    unsigned c0;
    if (s[i] == '\'' && (e = aieng__bpe_contraction_ci(s, n, i)) != 0) return e;
    if ((l0 = aieng__bpe_ascii_letters_at(s, n, i, 1)) < n) { /* ASCII words: no Unicode lookups */
        e = aieng__bpe_ascii_run(s, n, l0, AIENG__BPE_MASK_L);
        if (e == n || s[e] < 0x80) return e;
    }
    c0 = aieng__bpe_cat(s, n, i, &l0);
    if (AIENG__BPE_IN(AIENG__BPE_MASK_L, c0)) return aieng__bpe_run(s, n, i, AIENG__BPE_MASK_L);
    if (c0 != AIENG__BPE_N && s[i] != '\r' && s[i] != '\n' && i + l0 < n &&
        AIENG__BPE_IN(AIENG__BPE_MASK_L, aieng__bpe_cat(s, n, i + l0, &l1)))
        return aieng__bpe_run(s, n, i + l0, AIENG__BPE_MASK_L);
    if (c0 == AIENG__BPE_N) return aieng__bpe_digits3(s, n, i);
    e = 0;
    if (s[i] == ' ' && i + 1 < n && AIENG__BPE_IN(AIENG__BPE_MASK_O, aieng__bpe_cat(s, n, i + 1, &l1)))
        e = aieng__bpe_run(s, n, i + 1, AIENG__BPE_MASK_O);
    else if (AIENG__BPE_IN(AIENG__BPE_MASK_O, c0))
        e = aieng__bpe_run(s, n, i, AIENG__BPE_MASK_O);
    if (e) {
        while (e < n && (s[e] == '\r' || s[e] == '\n')) e++;
        return e;
    }
    return aieng__bpe_ws(s, n, i, 1);
}

/* o200k: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]*[\p{Ll}\p{Lm}\p{Lo}\p{M}]+ from p; 0 = no match */
static size_t aieng__bpe_o200k_a1(const unsigned char *s, size_t n, size_t p) {
    size_t q = p, lastw = 0, l;
    unsigned c = AIENG__BPE_OTHER;
    while (q < n) {
        c = aieng__bpe_cat(s, n, q, &l);
        if (!AIENG__BPE_IN(AIENG__BPE_MASK_U, c)) break;
        if (AIENG__BPE_IN(AIENG__BPE_MASK_W, c)) lastw = q + l;
        q += l;
    }
    if (q < n && c == AIENG__BPE_LL) return aieng__bpe_run(s, n, q, AIENG__BPE_MASK_W);
    return lastw;
}

/* o200k: [\p{Lu}\p{Lt}\p{Lm}\p{Lo}\p{M}]+[\p{Ll}\p{Lm}\p{Lo}\p{M}]* from p; 0 = no match */
static size_t aieng__bpe_o200k_a2(const unsigned char *s, size_t n, size_t p) {
    size_t q = aieng__bpe_run(s, n, p, AIENG__BPE_MASK_U);
    if (q == p) return 0;
    return aieng__bpe_run(s, n, q, AIENG__BPE_MASK_W);
}

/* o200k_base: see the README of the reference data; the seven alternatives in order. */
static size_t aieng__bpe_split_o200k(const unsigned char *s, size_t n, size_t i) {
    size_t l0, l1, e;
    unsigned c0;
    int pre;
    if ((l0 = aieng__bpe_ascii_letters_at(s, n, i, 1)) < n) {
        /* ASCII words: upper* lower+ | upper+ lower* is the upper run, then the lower run */
        e = aieng__bpe_ascii_run(s, n, aieng__bpe_ascii_run(s, n, l0, 1u << AIENG__BPE_LU), 1u << AIENG__BPE_LL);
        if (e == n || s[e] < 0x80) {
            size_t c = aieng__bpe_contraction_ci(s, n, e);
            return c ? c : e;
        }
    }
    c0 = aieng__bpe_cat(s, n, i, &l0);
    pre = c0 != AIENG__BPE_N && !AIENG__BPE_IN(AIENG__BPE_MASK_L, c0) && s[i] != '\r' && s[i] != '\n';
    if ((pre && (e = aieng__bpe_o200k_a1(s, n, i + l0)) != 0) || (e = aieng__bpe_o200k_a1(s, n, i)) != 0 ||
        (pre && (e = aieng__bpe_o200k_a2(s, n, i + l0)) != 0) || (e = aieng__bpe_o200k_a2(s, n, i)) != 0) {
        size_t c = aieng__bpe_contraction_ci(s, n, e);
        return c ? c : e;
    }
    if (c0 == AIENG__BPE_N) return aieng__bpe_digits3(s, n, i);
    e = 0;
    if (s[i] == ' ' && i + 1 < n && AIENG__BPE_IN(AIENG__BPE_MASK_O, aieng__bpe_cat(s, n, i + 1, &l1)))
        e = aieng__bpe_run(s, n, i + 1, AIENG__BPE_MASK_O);
    else if (AIENG__BPE_IN(AIENG__BPE_MASK_O, c0))
        e = aieng__bpe_run(s, n, i, AIENG__BPE_MASK_O);
    if (e) {
        while (e < n && (s[e] == '\r' || s[e] == '\n' || s[e] == '/')) e++;
        return e;
    }
    return aieng__bpe_ws(s, n, i, 1);
}

/* Piece iterator; for SMOLLM the text is first cut into chunks (each \p{N} alone,
   runs of other characters), and GPT-2 runs inside a chunk. */
typedef struct aieng__bpe_iter {
    const unsigned char *s;
    size_t n, pos, chunk_end;
    int pretok;
} aieng__bpe_iter;

static size_t aieng__bpe_next_end(aieng__bpe_iter *it) {
    const unsigned char *s = it->s;
    size_t n = it->n, i = it->pos, l;
    switch (it->pretok) {
    case AIENG_BPE_R50K: return aieng__bpe_split_r50k(s, n, i);
    case AIENG_BPE_CL100K: return aieng__bpe_split_cl100k(s, n, i);
    case AIENG_BPE_O200K: return aieng__bpe_split_o200k(s, n, i);
    case AIENG_BPE_SMOLLM:
        if (i >= it->chunk_end) {
            if (aieng__bpe_cat(s, n, i, &l) == AIENG__BPE_N) return i + l;
            it->chunk_end = i;
            while (it->chunk_end < n && aieng__bpe_cat(s, n, it->chunk_end, &l) != AIENG__BPE_N) it->chunk_end += l;
        }
        return aieng__bpe_split_r50k(s, it->chunk_end, i);
    default: return n;
    }
}

AIENG_API size_t aieng_bpe_split(aieng_bpe_pretok pretok, const char *text, size_t len, size_t pos) {
    aieng__bpe_iter it;
    if (!text || pos >= len) return len;
    it.s = (const unsigned char *)text;
    it.n = len;
    it.pos = pos;
    it.chunk_end = pos;
    it.pretok = (int)pretok;
    return aieng__bpe_next_end(&it);
}

AIENG_API aieng_result aieng_bpe_pretok_from_name(const char *name, aieng_bpe_pretok *out) {
    static const char *const names[] = {"none", "r50k", "r50k_base", "gpt2", "gpt-2", "cl100k", "cl100k_base",
                                        "o200k", "o200k_base", "smollm"};
    static const aieng_bpe_pretok vals[] = {AIENG_BPE_PRETOK_NONE, AIENG_BPE_R50K, AIENG_BPE_R50K, AIENG_BPE_R50K,
                                            AIENG_BPE_R50K, AIENG_BPE_CL100K, AIENG_BPE_CL100K, AIENG_BPE_O200K,
                                            AIENG_BPE_O200K, AIENG_BPE_SMOLLM};
    size_t i;
    if (!name || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_pretok_from_name: NULL argument");
    for (i = 0; i < sizeof names / sizeof names[0]; i++)
        if (strcmp(name, names[i]) == 0) { *out = vals[i]; return AIENG_OK; }
    return aieng_set_error(AIENG_ERR_INVALID_ARG, "unknown pre-tokenizer '%s' (r50k, cl100k, o200k, smollm, none)", name);
}

/* ---------------------------------------------------------------- tables */
typedef struct aieng__bpe_entry { /* bytes -> id */
    uint64_t w0;  /* first (up to) 8 bytes, little-endian, zero padded */
    uint32_t id;  /* AIENG_BPE_NO_TOKEN = empty slot */
    uint32_t len;
} aieng__bpe_entry;

typedef struct aieng__bpe_pair { /* (left id, right id) -> (rank, result id) */
    uint64_t key; /* left << 32 | right; UINT64_MAX = empty */
    uint32_t rank, id;
} aieng__bpe_pair;

typedef struct aieng__bpe_special {
    uint32_t id, off, len;
} aieng__bpe_special;

struct aieng_bpe {
    aieng_allocator alloc;
    int pretok;
    int merges_mode;           /* 0: tiktoken ranks (concatenation lookups); 1: pair table */
    uint32_t n_vocab;          /* ids 0..n_vocab-1 */
    uint32_t n_ord;            /* ordinary ids 0..n_ord-1 (some may be unused) */
    uint32_t *ord_off;         /* [n_ord] ordinary token bytes in blob */
    uint32_t *ord_len;         /* [n_ord] their lengths; AIENG_BPE_NO_TOKEN = none */
    uint32_t *dec_off;         /* [n_vocab] decode bytes (specials override) */
    uint32_t *dec_len;         /* [n_vocab]; AIENG_BPE_NO_TOKEN = no token */
    unsigned char *blob;
    size_t blob_len, blob_cap;
    aieng__bpe_entry *map;
    uint64_t map_mask;
    unsigned map_shift;
    aieng__bpe_pair *pairs;
    uint64_t pair_mask;
    unsigned pair_shift;
    uint32_t byte_id[256];
    uint32_t *pair2;           /* [65536] id of each 2-byte token (first byte << 8 | second) */
    uint64_t *filt;            /* Bloom filter (2 bits in one word) of the tokens of 3+ bytes */
    uint64_t filt_mask;
    size_t max_len;            /* longest ordinary token */
    size_t max_len_all;        /* longest token incl. specials */
    aieng__bpe_special *specials;
    size_t n_specials;
    uint64_t stamp;            /* content hash: tells the piece caches of aieng_bpe_tokens apart */
    /* linear encoder for long pieces (rank vocabularies), built on first use */
    int bt_state;              /* AIENG__BPE_BT_*: read/written atomically */
    int backtrack;             /* tables below are ready (valid once bt_state is DONE) */
    uint32_t *bt_split;        /* [2 n_ord] the two tokens each token is merged from; (t,t) bytes */
    uint32_t *bt_next;         /* [n_ord] longest shorter prefix token */
    uint32_t *trie_key, *trie_val, *node_tok;
    uint32_t trie1[256], *trie2; /* nodes after the first byte / the first two bytes */
    uint64_t trie_mask;
    unsigned trie_shift;
};

static void *aieng__bpe_alloc(const aieng_allocator *a, size_t n) { return aieng_alloc(a, n ? n : 1); }


/* First min(n,8) bytes of p as a little-endian word; `avail` = bytes readable at p. */
static inline uint64_t aieng__bpe_word(const unsigned char *p, size_t n, size_t avail) {
    uint64_t w = 0;
    size_t k;
#if AIENG__BPE_LE
    if (avail >= 8) {
        memcpy(&w, p, 8);
        return n >= 8 ? w : (w & ((~(uint64_t)0) >> (64 - 8 * n)));
    }
#endif
    (void)avail;
    if (n > 8) n = 8;
    for (k = 0; k < n; k++) w |= (uint64_t)p[k] << (8 * k);
    return w;
}

static inline uint64_t aieng__bpe_hash(uint64_t w0, const unsigned char *p, size_t n, size_t avail) {
    uint64_t h = (w0 ^ ((uint64_t)n << 56)) * 0x9E3779B97F4A7C15ull;
    size_t k;
    for (k = 8; k < n; k += 8) {
        uint64_t w = aieng__bpe_word(p + k, n - k, avail - k);
        h = (h ^ (h >> 29) ^ w) * 0xBF58476D1CE4E5B9ull;
    }
    return h ^ (h >> 31);
}

static inline uint32_t aieng__bpe_probe(const aieng_bpe *b, uint64_t w0, uint64_t h, const unsigned char *p, size_t n) {
    uint64_t i = h >> b->map_shift;
    for (;; i = (i + 1) & b->map_mask) {
        const aieng__bpe_entry *e = &b->map[i];
        if (e->id == AIENG_BPE_NO_TOKEN) return AIENG_BPE_NO_TOKEN;
        if (e->w0 == w0 && e->len == n && (n <= 8 || memcmp(b->blob + b->ord_off[e->id] + 8, p + 8, n - 8) == 0))
            return e->id;
    }
}

/* Ordinary id of bytes p[0..n) or AIENG_BPE_NO_TOKEN; `avail` >= n bytes readable at p. */
static inline uint32_t aieng__bpe_find(const aieng_bpe *b, const unsigned char *p, size_t n, size_t avail) {
    uint64_t w0 = aieng__bpe_word(p, n, avail);
    return aieng__bpe_probe(b, w0, aieng__bpe_hash(w0, p, n, avail), p, n);
}

/* The filter's two bits for hash h (word index from bits 20.., bits from the top 12). */
static inline uint64_t aieng__bpe_filt_bits(uint64_t h) {
    return ((uint64_t)1 << ((h >> 52) & 63)) | ((uint64_t)1 << (h >> 58));
}

/* aieng__bpe_find for n >= 3 behind the Bloom filter: most strings tried while
   merging are not tokens, and the filter (L2-sized) answers those without a
   miss in the big table. */
static inline uint32_t aieng__bpe_find3(const aieng_bpe *b, const unsigned char *p, size_t n, size_t avail) {
    uint64_t w0 = aieng__bpe_word(p, n, avail), h = aieng__bpe_hash(w0, p, n, avail), m = aieng__bpe_filt_bits(h);
    if ((b->filt[(h >> 20) & b->filt_mask] & m) != m) return AIENG_BPE_NO_TOKEN;
    return aieng__bpe_probe(b, w0, h, p, n);
}

static inline uint64_t aieng__bpe_pair_hash(uint64_t key) {
    key = (key ^ (key >> 31)) * 0x9E3779B97F4A7C15ull;
    return key ^ (key >> 29);
}

static inline const aieng__bpe_pair *aieng__bpe_pair_find(const aieng_bpe *b, uint32_t l, uint32_t r) {
    uint64_t key = ((uint64_t)l << 32) | r;
    uint64_t i = aieng__bpe_pair_hash(key) >> b->pair_shift;
    for (;; i = (i + 1) & b->pair_mask) {
        const aieng__bpe_pair *e = &b->pairs[i];
        if (e->key == key) return e;
        if (e->key == ~(uint64_t)0) return NULL;
    }
}

static unsigned aieng__bpe_log2_table(size_t n) { /* bits for a table of >= 2n slots, >= 16 */
    unsigned bits = 4;
    while (((size_t)1 << bits) < 2 * n) bits++;
    return bits;
}

/* ---------------------------------------------------------------- linear encoder for long pieces
   For a rank vocabulary every token T that BPE can produce splits into the two
   tokens it was merged from (found by BPE of T's bytes with the ranks below
   T). With those splits, whether BPE keeps two adjacent tokens apart can be
   decided by walking down their merge trees (is_valid_pair), and a long piece
   is encoded left to right: take the longest token that matches, and if it
   cannot follow the previous one, try its next shorter prefix token,
   backtracking when none fits. This gives exactly the BPE result (the
   backtracking encoder of GitHub's `bpe` crate) in time linear in the piece,
   where the heap needs O(n log n) with poor locality. A trie over the token
   bytes finds the matches. */
static inline uint32_t aieng__bpe_trie_child(const aieng_bpe *b, uint32_t node, unsigned c) {
    uint32_t key = (node << 8) | c;
    uint64_t h = ((uint64_t)key * 0x9E3779B97F4A7C15ull) >> b->trie_shift;
    for (;; h = (h + 1) & b->trie_mask) {
        if (b->trie_val[h] == AIENG_BPE_NO_TOKEN) return AIENG_BPE_NO_TOKEN;
        if (b->trie_key[h] == key) return b->trie_val[h];
    }
}

static int aieng__bpe_trie_rehash(aieng_bpe *b, unsigned bits) {
    size_t n = (size_t)1 << bits, i;
    uint32_t *nk = (uint32_t *)aieng__bpe_alloc(&b->alloc, n * 4), *nv = (uint32_t *)aieng__bpe_alloc(&b->alloc, n * 4);
    if (!nk || !nv) { aieng_free(&b->alloc, nk); aieng_free(&b->alloc, nv); return 0; }
    for (i = 0; i < n; i++) nv[i] = AIENG_BPE_NO_TOKEN;
    if (b->trie_val) {
        for (i = 0; i <= b->trie_mask; i++) {
            uint64_t h;
            if (b->trie_val[i] == AIENG_BPE_NO_TOKEN) continue;
            for (h = ((uint64_t)b->trie_key[i] * 0x9E3779B97F4A7C15ull) >> (64 - bits);; h = (h + 1) & (n - 1))
                if (nv[h] == AIENG_BPE_NO_TOKEN) { nk[h] = b->trie_key[i]; nv[h] = b->trie_val[i]; break; }
        }
    }
    aieng_free(&b->alloc, b->trie_key);
    aieng_free(&b->alloc, b->trie_val);
    b->trie_key = nk;
    b->trie_val = nv;
    b->trie_mask = n - 1;
    b->trie_shift = 64 - bits;
    return 1;
}

/* Would BPE keep t1 t2 (adjacent) apart? (ids are ranks) */
static int aieng__bpe_valid_pair(const aieng_bpe *b, uint32_t t1, uint32_t t2) {
    uint32_t limit = 0xFFFFFFFFu;
    for (;;) {
        const aieng__bpe_pair *pr = aieng__bpe_pair_find(b, t1, t2);
        if (pr && pr->id < limit) return 0;
        if (t1 > t2) {
            limit = t1;
            t1 = b->bt_split[2 * (size_t)t1 + 1];
            if (t1 == limit) {
                limit = t2 + 1;
                t2 = b->bt_split[2 * (size_t)t2];
                if (t2 + 1 == limit) return 1;
            }
        } else {
            limit = t2 + 1;
            t2 = b->bt_split[2 * (size_t)t2];
            if (t2 + 1 == limit) {
                limit = t1;
                t1 = b->bt_split[2 * (size_t)t1 + 1];
                if (t1 == limit) return 1;
            }
        }
    }
}

/* Builds the trie, splits and prefix links; leaves b->backtrack = 0 (heap
   only) when the vocabulary does not allow it or memory runs out. */
static void aieng__bpe_build_backtrack(aieng_bpe *b) {
    uint32_t t, *parent = NULL, *tok_node = NULL;
    size_t i, n_nodes = 1, node_cap = 1024;
    unsigned bits;
    b->backtrack = 0;
#ifdef AIENG_BPE_NO_LINEAR
    return;
#endif
    if (b->merges_mode || b->max_len > 256) return;
    for (i = 0; i < 256; i++)
        if (b->byte_id[i] == AIENG_BPE_NO_TOKEN) return;
    b->bt_split = (uint32_t *)aieng__bpe_alloc(&b->alloc, (size_t)b->n_ord * 8);
    b->bt_next = (uint32_t *)aieng__bpe_alloc(&b->alloc, (size_t)b->n_ord * 4);
    b->node_tok = (uint32_t *)aieng__bpe_alloc(&b->alloc, node_cap * 4);
    parent = (uint32_t *)aieng__bpe_alloc(&b->alloc, node_cap * 4);
    tok_node = (uint32_t *)aieng__bpe_alloc(&b->alloc, (size_t)b->n_ord * 4);
    bits = aieng__bpe_log2_table(b->n_ord);
    b->pairs = (aieng__bpe_pair *)aieng__bpe_alloc(&b->alloc, ((size_t)1 << bits) * sizeof(aieng__bpe_pair));
    if (!b->bt_split || !b->bt_next || !b->node_tok || !parent || !tok_node || !b->pairs || !aieng__bpe_trie_rehash(b, 12))
        goto done;
    b->pair_mask = ((uint64_t)1 << bits) - 1;
    b->pair_shift = 64 - bits;
    for (i = 0; i <= b->pair_mask; i++) b->pairs[i].key = ~(uint64_t)0;
    b->node_tok[0] = AIENG_BPE_NO_TOKEN;
    parent[0] = AIENG_BPE_NO_TOKEN;
    for (t = 0; t < b->n_ord; t++) { /* the trie of all tokens */
        const unsigned char *p = b->blob + b->ord_off[t];
        uint32_t node = 0, len = b->ord_len[t], k;
        tok_node[t] = AIENG_BPE_NO_TOKEN;
        if (len == AIENG_BPE_NO_TOKEN) continue;
        for (k = 0; k < len; k++) {
            uint32_t child = aieng__bpe_trie_child(b, node, p[k]);
            if (child == AIENG_BPE_NO_TOKEN) {
                uint64_t h;
                uint32_t key = (node << 8) | p[k];
                if (n_nodes >= 0xFFFFFFu) goto done;
                if (n_nodes == node_cap) {
                    uint32_t *nt = (uint32_t *)aieng_realloc(&b->alloc, b->node_tok, node_cap * 2 * 4), *np;
                    if (!nt) goto done;
                    b->node_tok = nt;
                    np = (uint32_t *)aieng_realloc(&b->alloc, parent, node_cap * 2 * 4);
                    if (!np) goto done;
                    parent = np;
                    node_cap *= 2;
                }
                if (2 * (n_nodes + 1) > b->trie_mask && !aieng__bpe_trie_rehash(b, 65 - b->trie_shift)) goto done;
                child = (uint32_t)n_nodes++;
                b->node_tok[child] = AIENG_BPE_NO_TOKEN;
                parent[child] = node;
                for (h = ((uint64_t)key * 0x9E3779B97F4A7C15ull) >> b->trie_shift;; h = (h + 1) & b->trie_mask)
                    if (b->trie_val[h] == AIENG_BPE_NO_TOKEN) { b->trie_key[h] = key; b->trie_val[h] = child; break; }
            }
            node = child;
        }
        b->node_tok[node] = t;
        tok_node[t] = node;
    }
    b->trie2 = (uint32_t *)aieng__bpe_alloc(&b->alloc, 65536 * 4);
    if (!b->trie2) goto done;
    for (i = 0; i < 256; i++) b->trie1[i] = aieng__bpe_trie_child(b, 0, (unsigned)i);
    for (i = 0; i < 65536; i++)
        b->trie2[i] = b->trie1[i >> 8] == AIENG_BPE_NO_TOKEN ? AIENG_BPE_NO_TOKEN
                                                          : aieng__bpe_trie_child(b, b->trie1[i >> 8], (unsigned)(i & 255));
    for (t = 0; t < b->n_ord; t++) { /* splits, in rank order: the longest prefix that works */
        const unsigned char *p = b->blob + b->ord_off[t];
        uint32_t len = b->ord_len[t], node, k;
        b->bt_split[2 * (size_t)t] = b->bt_split[2 * (size_t)t + 1] = AIENG_BPE_NO_TOKEN;
        if (tok_node[t] == AIENG_BPE_NO_TOKEN) continue;
        if (len == 1) { b->bt_split[2 * (size_t)t] = b->bt_split[2 * (size_t)t + 1] = t; continue; }
        for (node = parent[tok_node[t]], k = len - 1; node != 0; node = parent[node], k--) {
            uint32_t l = b->node_tok[node], r;
            uint64_t key, h;
            if (l == AIENG_BPE_NO_TOKEN || l >= t || b->bt_split[2 * (size_t)l] == AIENG_BPE_NO_TOKEN) continue;
            r = aieng__bpe_find(b, p + k, len - k, len - k + 8);
            if (r == AIENG_BPE_NO_TOKEN || r >= t || b->bt_split[2 * (size_t)r] == AIENG_BPE_NO_TOKEN) continue;
            if (!aieng__bpe_valid_pair(b, l, r)) continue;
            b->bt_split[2 * (size_t)t] = l;
            b->bt_split[2 * (size_t)t + 1] = r;
            key = ((uint64_t)l << 32) | r;
            for (h = aieng__bpe_pair_hash(key) >> b->pair_shift;; h = (h + 1) & b->pair_mask)
                if (b->pairs[h].key == ~(uint64_t)0) { b->pairs[h].key = key; b->pairs[h].rank = t; b->pairs[h].id = t; break; }
            break;
        }
    }
    for (t = 0; t < b->n_ord; t++) /* forget unreachable tokens */
        if (tok_node[t] != AIENG_BPE_NO_TOKEN && b->bt_split[2 * (size_t)t] == AIENG_BPE_NO_TOKEN)
            b->node_tok[tok_node[t]] = AIENG_BPE_NO_TOKEN;
    for (t = 0; t < b->n_ord; t++) { /* prefix links */
        uint32_t node;
        b->bt_next[t] = AIENG_BPE_NO_TOKEN;
        if (tok_node[t] == AIENG_BPE_NO_TOKEN) continue;
        for (node = parent[tok_node[t]]; node != 0; node = parent[node])
            if (b->node_tok[node] != AIENG_BPE_NO_TOKEN) { b->bt_next[t] = b->node_tok[node]; break; }
    }
    b->backtrack = 1;
done:
    aieng_free(&b->alloc, parent);
    aieng_free(&b->alloc, tok_node);
}

/* The longest reachable token that is a prefix of p[j..n) (j < n). */
static inline uint32_t aieng__bpe_longest(const aieng_bpe *b, const unsigned char *p, size_t j, size_t n) {
    uint32_t node = b->trie1[p[j]], best;
    if (node == AIENG_BPE_NO_TOKEN) return AIENG_BPE_NO_TOKEN;
    best = b->node_tok[node];
    if (++j == n) return best;
    node = b->trie2[((unsigned)p[j - 1] << 8) | p[j]];
    for (;;) {
        if (node == AIENG_BPE_NO_TOKEN) return best;
        if (b->node_tok[node] != AIENG_BPE_NO_TOKEN) best = b->node_tok[node];
        if (++j == n) return best;
        node = aieng__bpe_trie_child(b, node, p[j]);
    }
}

/* aieng__bpe_valid_pair through a small direct-mapped memo: long pieces test
   the same few pairs again and again (runs, repeated text). Entries are
   (t1 | valid << 31) << 32 | t2; ids are < 2^31, so ~0 is empty. */
#define AIENG__BPE_MEMO 128
static inline int aieng__bpe_valid_memo(const aieng_bpe *b, uint64_t *memo, uint32_t t1, uint32_t t2) {
    uint64_t key = ((uint64_t)t1 << 32) | t2, *e = &memo[((key * 0x9E3779B97F4A7C15ull) >> 57) & (AIENG__BPE_MEMO - 1)];
    int v;
    if ((*e & ~((uint64_t)1 << 63)) == key) return (int)(*e >> 63);
    v = aieng__bpe_valid_pair(b, t1, t2);
    *e = key | ((uint64_t)v << 63);
    return v;
}

/* The linear encoder's tables take 60-160 ms to build, so they are built when
   the first piece that needs them comes (most texts have none), by the first
   thread that gets there; until they are done, every thread uses the heap,
   which gives the same ids. Compilers without GCC's __atomic builtins build
   them while loading. */
#define AIENG__BPE_BT_TODO 0
#define AIENG__BPE_BT_BUSY 1
#define AIENG__BPE_BT_DONE 2
#ifndef AIENG__BPE_LAZY
#if defined(__GNUC__) || defined(__clang__)
#define AIENG__BPE_LAZY 1
#else
#define AIENG__BPE_LAZY 0
#endif
#endif
static int aieng__bpe_linear(const aieng_bpe *cb) {
#if AIENG__BPE_LAZY
    aieng_bpe *b = (aieng_bpe *)(uintptr_t)cb; /* the tables are a cache; the vocabulary stays as it was */
    int st = __atomic_load_n(&b->bt_state, __ATOMIC_ACQUIRE), todo = AIENG__BPE_BT_TODO;
    if (st == AIENG__BPE_BT_TODO &&
        __atomic_compare_exchange_n(&b->bt_state, &todo, AIENG__BPE_BT_BUSY, 0, __ATOMIC_ACQ_REL, __ATOMIC_ACQUIRE)) {
        aieng__bpe_build_backtrack(b);
        st = AIENG__BPE_BT_DONE;
        __atomic_store_n(&b->bt_state, st, __ATOMIC_RELEASE);
    }
    return st == AIENG__BPE_BT_DONE && cb->backtrack;
#else
    return cb->backtrack;
#endif
}

/* Encodes piece p[0..n) with the backtracking encoder; returns the count. */
static size_t aieng__bpe_backtrack(const aieng_bpe *b, const unsigned char *p, size_t n, uint32_t *dst, void *scratch) {
    uint64_t *bits = (uint64_t *)scratch, memo[AIENG__BPE_MEMO];
    size_t pos = 0, k = 0, i;
    uint32_t next;
    memset(memo, 0xFF, sizeof memo);
    for (i = 0; i <= n / 64; i++) bits[i] = ~(uint64_t)0;
    next = aieng__bpe_longest(b, p, 0, n);
    while (next != AIENG_BPE_NO_TOKEN) {
        uint32_t token = next, last = k ? dst[k - 1] : AIENG_BPE_NO_TOKEN;
        for (;;) {
            size_t end = pos + b->ord_len[token];
            if (((bits[end / 64] >> (end % 64)) & 1) && (last == AIENG_BPE_NO_TOKEN || aieng__bpe_valid_memo(b, memo, last, token))) {
                dst[k++] = token;
                pos = end;
                next = pos < n ? aieng__bpe_longest(b, p, pos, n) : AIENG_BPE_NO_TOKEN;
                break;
            } else if (b->bt_next[token] != AIENG_BPE_NO_TOKEN) {
                token = b->bt_next[token];
            } else {
                if (k == 0) return (size_t)-2; /* cannot happen for a consistent vocabulary */
                bits[pos / 64] &= ~((uint64_t)1 << (pos % 64));
                k--;
                pos -= b->ord_len[last];
                next = last;
                break;
            }
        }
    }
    return k;
}

/* Builds the ordinary vocabulary: token i has bytes blob[offs[i]..+lens[i]) and
   id ids[i]. dup_ok: duplicates keep the first id (else an error). */
static aieng_result aieng__bpe_build(aieng_bpe *b, size_t count, const uint32_t *ids, const uint32_t *offs,
                                     const uint32_t *lens, uint32_t n_ord, int dup_ok) {
    size_t i;
    unsigned bits = aieng__bpe_log2_table(count);
    b->n_ord = n_ord;
    b->n_vocab = n_ord;
    b->ord_off = (uint32_t *)aieng__bpe_alloc(&b->alloc, (size_t)n_ord * 4);
    b->ord_len = (uint32_t *)aieng__bpe_alloc(&b->alloc, (size_t)n_ord * 4);
    b->dec_off = (uint32_t *)aieng__bpe_alloc(&b->alloc, (size_t)n_ord * 4);
    b->dec_len = (uint32_t *)aieng__bpe_alloc(&b->alloc, (size_t)n_ord * 4);
    b->map = (aieng__bpe_entry *)aieng__bpe_alloc(&b->alloc, ((size_t)1 << bits) * sizeof(aieng__bpe_entry));
    b->pair2 = (uint32_t *)aieng__bpe_alloc(&b->alloc, 65536 * 4);
    for (b->filt_mask = 63; b->filt_mask < 65535 && 4 * (b->filt_mask + 1) < count; b->filt_mask = 2 * b->filt_mask + 1) {}
    b->filt = (uint64_t *)aieng__bpe_alloc(&b->alloc, (b->filt_mask + 1) * 8);
    if (!b->ord_off || !b->ord_len || !b->dec_off || !b->dec_len || !b->map || !b->pair2 || !b->filt)
        return aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory for %zu tokens", count);
    memset(b->filt, 0, (b->filt_mask + 1) * 8);
    b->map_mask = ((uint64_t)1 << bits) - 1;
    b->map_shift = 64 - bits;
    for (i = 0; i <= b->map_mask; i++) b->map[i].id = AIENG_BPE_NO_TOKEN;
    for (i = 0; i < n_ord; i++) { b->dec_len[i] = b->ord_len[i] = AIENG_BPE_NO_TOKEN; b->dec_off[i] = b->ord_off[i] = 0; }
    for (i = 0; i < count; i++) {
        const unsigned char *p = b->blob + offs[i];
        size_t n = lens[i];
        uint64_t w0 = aieng__bpe_word(p, n, b->blob_len + 8 - offs[i]);
        uint64_t h = aieng__bpe_hash(w0, p, n, b->blob_len + 8 - offs[i]);
        if (b->dec_len[ids[i]] != AIENG_BPE_NO_TOKEN)
            return aieng_set_error(AIENG_ERR_FORMAT, "aieng_bpe: duplicate rank %u", (unsigned)ids[i]);
        b->dec_off[ids[i]] = offs[i];
        b->dec_len[ids[i]] = (uint32_t)n;
        b->ord_off[ids[i]] = offs[i];
        b->ord_len[ids[i]] = (uint32_t)n;
        if (n > b->max_len) b->max_len = n;
        b->filt[(h >> 20) & b->filt_mask] |= aieng__bpe_filt_bits(h);
        h >>= b->map_shift;
        for (;; h = (h + 1) & b->map_mask) {
            aieng__bpe_entry *e = &b->map[h];
            if (e->id == AIENG_BPE_NO_TOKEN) { e->w0 = w0; e->id = ids[i]; e->len = (uint32_t)n; break; }
            if (e->w0 == w0 && e->len == n && memcmp(b->blob + b->ord_off[e->id], p, n) == 0) {
                if (dup_ok) break;
                return aieng_set_error(AIENG_ERR_FORMAT, "aieng_bpe: ranks %u and %u have the same bytes",
                                       (unsigned)e->id, (unsigned)ids[i]);
            }
        }
    }
    b->max_len_all = b->max_len;
    for (i = 0; i < 65536; i++) {
        unsigned char c2[2];
        c2[0] = (unsigned char)(i >> 8);
        c2[1] = (unsigned char)i;
        b->pair2[i] = aieng__bpe_find(b, c2, 2, 2);
    }
    for (i = 0; i < 256; i++) {
        unsigned char c = (unsigned char)i;
        b->byte_id[i] = aieng__bpe_find(b, &c, 1, 1);
    }
    b->stamp = aieng__bpe_hash(aieng__bpe_word(b->blob, b->blob_len, b->blob_len + 8), b->blob, b->blob_len,
                               b->blob_len + 8) ^ ((uint64_t)b->n_ord << 1) ^ (uint64_t)b->merges_mode;
    if (b->stamp == 0) b->stamp = 1;
#if AIENG__BPE_LAZY
    b->bt_state = AIENG__BPE_BT_TODO; /* built by the first long piece (aieng__bpe_linear) */
#else
    aieng__bpe_build_backtrack(b);
    b->bt_state = AIENG__BPE_BT_DONE;
#endif
    return AIENG_OK;
}

static aieng_bpe *aieng__bpe_new(const aieng_allocator *alloc, aieng_bpe_pretok pretok) {
    aieng_allocator a;
    aieng_bpe *b;
    if (alloc) a = *alloc; else memset(&a, 0, sizeof a);
    b = (aieng_bpe *)aieng__bpe_alloc(&a, sizeof *b);
    if (!b) return NULL;
    memset(b, 0, sizeof *b);
    b->alloc = a;
    b->pretok = (int)pretok;
    return b;
}

AIENG_API void aieng_bpe_free(aieng_bpe *b) {
    aieng_allocator a;
    if (!b) return;
    a = b->alloc;
    aieng_free(&a, b->ord_off);
    aieng_free(&a, b->ord_len);
    aieng_free(&a, b->dec_off);
    aieng_free(&a, b->dec_len);
    aieng_free(&a, b->blob);
    aieng_free(&a, b->map);
    aieng_free(&a, b->pair2);
    aieng_free(&a, b->filt);
    aieng_free(&a, b->pairs);
    aieng_free(&a, b->specials);
    aieng_free(&a, b->bt_split);
    aieng_free(&a, b->bt_next);
    aieng_free(&a, b->trie_key);
    aieng_free(&a, b->trie_val);
    aieng_free(&a, b->node_tok);
    aieng_free(&a, b->trie2);
    aieng_free(&a, b);
}

static int aieng__bpe_blob_reserve(aieng_bpe *b, size_t extra) {
    size_t need = b->blob_len + extra + 8;
    if (need > b->blob_cap) {
        size_t cap = b->blob_cap ? b->blob_cap : 4096;
        unsigned char *nb;
        while (cap < need) cap *= 2;
        nb = (unsigned char *)aieng_realloc(&b->alloc, b->blob, cap);
        if (!nb) return 0;
        b->blob = nb;
        b->blob_cap = cap;
    }
    return 1;
}

/* ---------------------------------------------------------------- .tiktoken */
static int aieng__bpe_b64val(unsigned char c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}

/* Decodes base64 s[0..n) into out (n/4*3 bytes of room); returns length or -1. */
static long aieng__bpe_b64dec(const unsigned char *s, size_t n, unsigned char *out) {
    size_t i, o = 0;
    if (n == 0 || n % 4 != 0) return -1;
    for (i = 0; i < n; i += 4) {
        int v0 = aieng__bpe_b64val(s[i]), v1 = aieng__bpe_b64val(s[i + 1]);
        int v2 = aieng__bpe_b64val(s[i + 2]), v3 = aieng__bpe_b64val(s[i + 3]);
        int last = i + 4 == n;
        if (v0 < 0 || v1 < 0) return -1;
        out[o++] = (unsigned char)((v0 << 2) | (v1 >> 4));
        if (last && s[i + 2] == '=') {
            if (s[i + 3] != '=' || (v1 & 15)) return -1;
            break;
        }
        if (v2 < 0) return -1;
        out[o++] = (unsigned char)(((v1 & 15) << 4) | (v2 >> 2));
        if (last && s[i + 3] == '=') {
            if (v2 & 3) return -1;
            break;
        }
        if (v3 < 0) return -1;
        out[o++] = (unsigned char)(((v2 & 3) << 6) | v3);
    }
    return (long)o;
}

AIENG_API aieng_result aieng_bpe_load_tiktoken_mem(const void *data, size_t len, aieng_bpe_pretok pretok,
                                                   const aieng_allocator *alloc, aieng_bpe **out) {
    const unsigned char *s = (const unsigned char *)data;
    size_t pos = 0, n_lines = 0, count = 0, i, line_no = 0;
    uint32_t *ids = NULL, *offs = NULL, *lens = NULL, max_rank = 0;
    uint64_t rank_limit;
    aieng_bpe *b;
    aieng_result r = AIENG_OK;
    if (out) *out = NULL;
    if (!out || (!data && len)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_load_tiktoken_mem: NULL argument");
    if ((unsigned)pretok > AIENG_BPE_SMOLLM) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe: bad pre-tokenizer %d", (int)pretok);
    if (len > 0xFFFFFFF0u) return aieng_set_error(AIENG_ERR_FORMAT, "tiktoken: file too large");
    for (i = 0; i < len; i++) n_lines += s[i] == '\n';
    n_lines++;
    rank_limit = (uint64_t)n_lines * 4 + 1024;
    b = aieng__bpe_new(alloc, pretok);
    if (!b) return aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory");
    ids = (uint32_t *)aieng__bpe_alloc(&b->alloc, n_lines * 4);
    offs = (uint32_t *)aieng__bpe_alloc(&b->alloc, n_lines * 4);
    lens = (uint32_t *)aieng__bpe_alloc(&b->alloc, n_lines * 4);
    if (!ids || !offs || !lens || !aieng__bpe_blob_reserve(b, len)) {
        r = aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory");
        goto done;
    }
    while (pos < len) {
        size_t e = pos, sp, te;
        uint64_t rank = 0;
        long bl;
        line_no++;
        while (e < len && s[e] != '\n') e++;
        te = e;
        if (te > pos && s[te - 1] == '\r') te--;
        if (te == pos) { pos = e + 1; continue; } /* empty line */
        sp = pos;
        while (sp < te && s[sp] != ' ') sp++;
        if (sp == te || sp == pos || sp + 1 == te) {
            r = aieng_set_error(AIENG_ERR_FORMAT, "tiktoken: line %zu: expected '<base64> <rank>'", line_no);
            goto done;
        }
        for (i = sp + 1; i < te; i++) {
            if (s[i] < '0' || s[i] > '9' || i - sp > 10) {
                r = aieng_set_error(AIENG_ERR_FORMAT, "tiktoken: line %zu: bad rank", line_no);
                goto done;
            }
            rank = rank * 10 + (uint64_t)(s[i] - '0');
        }
        if (rank >= rank_limit || rank >= 0x7FFFFFFFu) {
            r = aieng_set_error(AIENG_ERR_FORMAT, "tiktoken: line %zu: rank %llu out of range", line_no,
                                (unsigned long long)rank);
            goto done;
        }
        bl = aieng__bpe_b64dec(s + pos, sp - pos, b->blob + b->blob_len);
        if (bl <= 0 || bl > 65535) {
            r = aieng_set_error(AIENG_ERR_FORMAT, "tiktoken: line %zu: bad base64 token", line_no);
            goto done;
        }
        ids[count] = (uint32_t)rank;
        offs[count] = (uint32_t)b->blob_len;
        lens[count] = (uint32_t)bl;
        if ((uint32_t)rank > max_rank) max_rank = (uint32_t)rank;
        b->blob_len += (size_t)bl;
        count++;
        pos = e + 1;
    }
    if (count == 0) { r = aieng_set_error(AIENG_ERR_FORMAT, "tiktoken: no tokens"); goto done; }
    memset(b->blob + b->blob_len, 0, 8);
    r = aieng__bpe_build(b, count, ids, offs, lens, max_rank + 1, 0);
done:
    aieng_free(&b->alloc, ids);
    aieng_free(&b->alloc, offs);
    aieng_free(&b->alloc, lens);
    if (r != AIENG_OK) { aieng_bpe_free(b); return r; }
    *out = b;
    return AIENG_OK;
}

static aieng_result aieng__bpe_read_file(const char *path, const aieng_allocator *a, unsigned char **data, size_t *len) {
    FILE *f;
    long n;
    unsigned char *buf;
    *data = NULL;
    *len = 0;
    if (!path) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe: NULL path");
    f = fopen(path, "rb");
    if (!f) return aieng_set_error(AIENG_ERR_IO, "cannot open %s", path);
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return aieng_set_error(AIENG_ERR_IO, "cannot read %s", path);
    }
    buf = (unsigned char *)aieng__bpe_alloc(a, (size_t)n + 1);
    if (!buf) { fclose(f); return aieng_set_error(AIENG_ERR_OOM, "out of memory reading %s", path); }
    if (n > 0 && fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        aieng_free(a, buf);
        return aieng_set_error(AIENG_ERR_IO, "cannot read %s", path);
    }
    fclose(f);
    *data = buf;
    *len = (size_t)n;
    return AIENG_OK;
}

AIENG_API aieng_result aieng_bpe_load_tiktoken_file(const char *path, aieng_bpe_pretok pretok,
                                                    const aieng_allocator *alloc, aieng_bpe **out) {
    unsigned char *data;
    size_t len;
    aieng_result r = aieng__bpe_read_file(path, alloc, &data, &len);
    if (out) *out = NULL;
    if (r != AIENG_OK) return r;
    r = aieng_bpe_load_tiktoken_mem(data, len, pretok, alloc, out);
    aieng_free(alloc, data);
    if (r != AIENG_OK) {
        char msg[512];
        memcpy(msg, aieng_last_error(), sizeof msg);
        msg[sizeof msg - 1] = 0;
        aieng_set_error(r, "%.200s: %.300s", path, msg);
    }
    return r;
}

static aieng_result aieng__bpe_write_b64(FILE *f, const unsigned char *p, size_t n) {
    static const char tab[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    char buf[4];
    size_t i;
    for (i = 0; i < n; i += 3) {
        unsigned v = (unsigned)p[i] << 16;
        if (i + 1 < n) v |= (unsigned)p[i + 1] << 8;
        if (i + 2 < n) v |= p[i + 2];
        buf[0] = tab[(v >> 18) & 63];
        buf[1] = tab[(v >> 12) & 63];
        buf[2] = i + 1 < n ? tab[(v >> 6) & 63] : '=';
        buf[3] = i + 2 < n ? tab[v & 63] : '=';
        if (fwrite(buf, 1, 4, f) != 4) return AIENG_ERR_IO;
    }
    return AIENG_OK;
}

AIENG_API aieng_result aieng_bpe_save_tiktoken(const aieng_bpe *b, const char *path) {
    FILE *f;
    uint32_t id;
    if (!b || !path) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_save_tiktoken: NULL argument");
    f = fopen(path, "wb");
    if (!f) return aieng_set_error(AIENG_ERR_IO, "cannot create %s", path);
    for (id = 0; id < b->n_ord; id++) {
        char num[16];
        int k = 15;
        uint32_t v = id;
        if (b->dec_len[id] == AIENG_BPE_NO_TOKEN || b->ord_off[id] != b->dec_off[id]) continue;
        num[k] = '\n';
        do { num[--k] = (char)('0' + v % 10); v /= 10; } while (v);
        num[--k] = ' ';
        if (aieng__bpe_write_b64(f, b->blob + b->ord_off[id], b->dec_len[id]) != AIENG_OK ||
            fwrite(num + k, 1, (size_t)(16 - k), f) != (size_t)(16 - k)) {
            fclose(f);
            return aieng_set_error(AIENG_ERR_IO, "cannot write %s", path);
        }
    }
    if (fclose(f) != 0) return aieng_set_error(AIENG_ERR_IO, "cannot write %s", path);
    return AIENG_OK;
}

/* ---------------------------------------------------------------- GGUF-style tokens + merges */
/* GPT-2 byte -> unicode alphabet: printable bytes map to themselves, the other
   68 (0x00-0x20, 0x7F-0xA0, 0xAD) to U+0100.. in increasing order. */
static void aieng__bpe_gpt2_alphabet(int16_t inv[0x144]) {
    int b, k = 0;
    for (b = 0; b < 0x144; b++) inv[b] = -1;
    for (b = 0; b < 256; b++) {
        int printable = (b >= 0x21 && b <= 0x7E) || (b >= 0xA1 && b <= 0xAC) || (b >= 0xAE && b <= 0xFF);
        if (printable) inv[b] = (int16_t)b;
        else inv[0x100 + k++] = (int16_t)b;
    }
}

/* Converts a GPT-2-alphabet string to bytes in out (room for n); returns the
   length, or -1 when a character is outside the alphabet. */
static long aieng__bpe_gpt2_to_bytes(const int16_t *inv, const unsigned char *s, size_t n, unsigned char *out) {
    size_t i = 0, l;
    long o = 0;
    while (i < n) {
        uint32_t cp = aieng__bpe_utf8(s, n, i, &l);
        if (cp >= 0x144 || inv[cp] < 0) return -1;
        out[o++] = (unsigned char)inv[cp];
        i += l;
    }
    return o;
}

AIENG_API aieng_result aieng_bpe_from_tokens_merges(const char *const *tokens, const size_t *token_lens,
                                                    size_t n_tokens, const char *const *merges,
                                                    const size_t *merge_lens, size_t n_merges,
                                                    aieng_bpe_pretok pretok, const aieng_allocator *alloc,
                                                    aieng_bpe **out) {
    int16_t inv[0x144];
    aieng_bpe *b;
    uint32_t *ids = NULL, *offs = NULL, *lens = NULL;
    unsigned char *tmp = NULL;
    size_t i, total = 0, count = 0, maxl = 0;
    unsigned bits;
    aieng_result r = AIENG_OK;
    if (out) *out = NULL;
    if (!out || !tokens || (!merges && n_merges)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_from_tokens_merges: NULL argument");
    if (n_tokens == 0 || n_tokens > 0x7FFFFFF0u || n_merges > 0x7FFFFFF0u)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_from_tokens_merges: bad token count %zu", n_tokens);
    if ((unsigned)pretok > AIENG_BPE_SMOLLM) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe: bad pre-tokenizer %d", (int)pretok);
    aieng__bpe_gpt2_alphabet(inv);
    for (i = 0; i < n_tokens; i++) {
        size_t l;
        if (!tokens[i]) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_from_tokens_merges: token %zu is NULL", i);
        l = token_lens ? token_lens[i] : strlen(tokens[i]);
        total += l;
        if (l > maxl) maxl = l;
        if (total > 0xFFFFFF00u) return aieng_set_error(AIENG_ERR_FORMAT, "aieng_bpe: tokens too large");
    }
    b = aieng__bpe_new(alloc, pretok);
    if (!b) return aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory");
    b->merges_mode = 1;
    ids = (uint32_t *)aieng__bpe_alloc(&b->alloc, n_tokens * 4);
    offs = (uint32_t *)aieng__bpe_alloc(&b->alloc, n_tokens * 4);
    lens = (uint32_t *)aieng__bpe_alloc(&b->alloc, n_tokens * 4);
    tmp = (unsigned char *)aieng__bpe_alloc(&b->alloc, 2 * maxl + 16);
    if (!ids || !offs || !lens || !tmp || !aieng__bpe_blob_reserve(b, total)) {
        r = aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory");
        goto done;
    }
    for (i = 0; i < n_tokens; i++) {
        const unsigned char *t = (const unsigned char *)tokens[i];
        size_t l = token_lens ? token_lens[i] : strlen(tokens[i]);
        long bl = aieng__bpe_gpt2_to_bytes(inv, t, l, b->blob + b->blob_len);
        if (bl <= 0) continue; /* empty, or not in the byte alphabet: decode-only (set below) */
        ids[count] = (uint32_t)i;
        offs[count] = (uint32_t)b->blob_len;
        lens[count] = (uint32_t)bl;
        b->blob_len += (size_t)bl;
        count++;
    }
    memset(b->blob + b->blob_len, 0, 8);
    if (count == 0) { r = aieng_set_error(AIENG_ERR_FORMAT, "aieng_bpe: no token is in the byte alphabet"); goto done; }
    r = aieng__bpe_build(b, count, ids, offs, lens, (uint32_t)n_tokens, 1);
    if (r != AIENG_OK) goto done;
    /* tokens outside the alphabet decode to their raw text */
    for (i = 0; i < n_tokens; i++) {
        size_t l = token_lens ? token_lens[i] : strlen(tokens[i]);
        if (b->dec_len[i] != AIENG_BPE_NO_TOKEN || l == 0) continue;
        if (!aieng__bpe_blob_reserve(b, l)) { r = aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory"); goto done; }
        memcpy(b->blob + b->blob_len, tokens[i], l);
        b->dec_off[i] = (uint32_t)b->blob_len;
        b->dec_len[i] = (uint32_t)l;
        b->ord_off[i] = AIENG_BPE_NO_TOKEN;
        b->blob_len += l;
        if (l > b->max_len_all) b->max_len_all = l;
        memset(b->blob + b->blob_len, 0, 8);
    }
    bits = aieng__bpe_log2_table(n_merges ? n_merges : 1);
    b->pairs = (aieng__bpe_pair *)aieng__bpe_alloc(&b->alloc, ((size_t)1 << bits) * sizeof(aieng__bpe_pair));
    if (!b->pairs) { r = aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory"); goto done; }
    b->pair_mask = ((uint64_t)1 << bits) - 1;
    b->pair_shift = 64 - bits;
    for (i = 0; i <= b->pair_mask; i++) b->pairs[i].key = ~(uint64_t)0;
    for (i = 0; i < n_merges; i++) {
        const unsigned char *m = (const unsigned char *)merges[i];
        size_t ml, sp;
        long l1, l2;
        uint32_t a, c, res;
        uint64_t key, h;
        if (!m) continue;
        ml = merge_lens ? merge_lens[i] : strlen(merges[i]);
        if (ml > 2 * maxl + 1) continue; /* parts longer than any token */
        for (sp = 1; sp < ml && m[sp] != ' '; sp++) {}
        if (sp >= ml) continue;
        l1 = aieng__bpe_gpt2_to_bytes(inv, m, sp, tmp);
        l2 = l1 > 0 ? aieng__bpe_gpt2_to_bytes(inv, m + sp + 1, ml - sp - 1, tmp + l1) : -1;
        if (l1 <= 0 || l2 <= 0) continue;
        a = aieng__bpe_find(b, tmp, (size_t)l1, (size_t)l1);
        c = aieng__bpe_find(b, tmp + l1, (size_t)l2, (size_t)l2);
        res = aieng__bpe_find(b, tmp, (size_t)(l1 + l2), (size_t)(l1 + l2));
        if (a == AIENG_BPE_NO_TOKEN || c == AIENG_BPE_NO_TOKEN || res == AIENG_BPE_NO_TOKEN) continue;
        key = ((uint64_t)a << 32) | c;
        for (h = aieng__bpe_pair_hash(key) >> b->pair_shift;; h = (h + 1) & b->pair_mask) {
            aieng__bpe_pair *e = &b->pairs[h];
            if (e->key == key) break; /* keep the first (lowest) rank */
            if (e->key == ~(uint64_t)0) { e->key = key; e->rank = (uint32_t)i; e->id = res; break; }
        }
    }
    for (i = 0; i <= b->pair_mask; i++) /* the merges are part of the vocabulary's identity */
        if (b->pairs[i].key != ~(uint64_t)0)
            b->stamp = (b->stamp ^ b->pairs[i].key ^ ((uint64_t)b->pairs[i].rank << 17)) * 0x9E3779B97F4A7C15ull;
    if (b->stamp == 0) b->stamp = 1;
done:
    aieng_free(&b->alloc, ids);
    aieng_free(&b->alloc, offs);
    aieng_free(&b->alloc, lens);
    aieng_free(&b->alloc, tmp);
    if (r != AIENG_OK) { aieng_bpe_free(b); return r; }
    *out = b;
    return AIENG_OK;
}

/* ---------------------------------------------------------------- specials, queries */
AIENG_API aieng_result aieng_bpe_add_special(aieng_bpe *b, uint32_t id, const char *text, size_t len) {
    size_t i;
    aieng__bpe_special *ns;
    if (!b || !text || len == 0 || len > 65535 || id >= 0x7FFFFFF0u)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_add_special: bad argument");
    for (i = 0; i < b->n_specials; i++) {
        if (b->specials[i].id == id) return aieng_set_error(AIENG_ERR_INVALID_ARG, "special id %u registered twice", (unsigned)id);
        if (b->specials[i].len == len && memcmp(b->blob + b->specials[i].off, text, len) == 0)
            return aieng_set_error(AIENG_ERR_INVALID_ARG, "special text registered twice (ids %u, %u)",
                                   (unsigned)b->specials[i].id, (unsigned)id);
    }
    if (id >= b->n_vocab) {
        uint32_t *no = (uint32_t *)aieng_realloc(&b->alloc, b->dec_off, ((size_t)id + 1) * 4);
        uint32_t *nl;
        if (!no) return aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory");
        b->dec_off = no;
        nl = (uint32_t *)aieng_realloc(&b->alloc, b->dec_len, ((size_t)id + 1) * 4);
        if (!nl) return aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory");
        b->dec_len = nl;
        for (i = b->n_vocab; i <= id; i++) { b->dec_off[i] = 0; b->dec_len[i] = AIENG_BPE_NO_TOKEN; }
        b->n_vocab = id + 1;
    }
    ns = (aieng__bpe_special *)aieng_realloc(&b->alloc, b->specials, (b->n_specials + 1) * sizeof *ns);
    if (!ns || !aieng__bpe_blob_reserve(b, len)) return aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory");
    b->specials = ns;
    memcpy(b->blob + b->blob_len, text, len);
    ns[b->n_specials].id = id;
    ns[b->n_specials].off = (uint32_t)b->blob_len;
    ns[b->n_specials].len = (uint32_t)len;
    b->n_specials++;
    b->dec_off[id] = (uint32_t)b->blob_len;
    b->dec_len[id] = (uint32_t)len;
    b->blob_len += len;
    memset(b->blob + b->blob_len, 0, 8);
    if (len > b->max_len_all) b->max_len_all = len;
    return AIENG_OK;
}

AIENG_API aieng_result aieng_bpe_add_openai_specials(aieng_bpe *b, aieng_bpe_pretok which) {
    static const char *const names[] = {"<|endoftext|>", "<|fim_prefix|>", "<|fim_middle|>", "<|fim_suffix|>",
                                        "<|endofprompt|>"};
    static const uint32_t cl100k[] = {100257, 100258, 100259, 100260, 100276};
    aieng_result r = AIENG_OK;
    int k;
    if (!b) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_add_openai_specials: NULL");
    switch (which) {
    case AIENG_BPE_R50K: return aieng_bpe_add_special(b, 50256, names[0], strlen(names[0]));
    case AIENG_BPE_CL100K:
        for (k = 0; k < 5 && r == AIENG_OK; k++) r = aieng_bpe_add_special(b, cl100k[k], names[k], strlen(names[k]));
        return r;
    case AIENG_BPE_O200K:
        r = aieng_bpe_add_special(b, 199999, names[0], strlen(names[0]));
        return r ? r : aieng_bpe_add_special(b, 200018, names[4], strlen(names[4]));
    default: return aieng_set_error(AIENG_ERR_INVALID_ARG, "no OpenAI special tokens for pre-tokenizer %d", (int)which);
    }
}

AIENG_API uint32_t aieng_bpe_n_vocab(const aieng_bpe *b) { return b ? b->n_vocab : 0; }
AIENG_API size_t aieng_bpe_max_token_bytes(const aieng_bpe *b) { return b ? b->max_len_all : 0; }
AIENG_API aieng_bpe_pretok aieng_bpe_get_pretok(const aieng_bpe *b) {
    return b ? (aieng_bpe_pretok)b->pretok : AIENG_BPE_PRETOK_NONE;
}

AIENG_API uint32_t aieng_bpe_token_id(const aieng_bpe *b, const void *bytes, size_t len) {
    if (!b || !bytes || len == 0 || len > b->max_len) return AIENG_BPE_NO_TOKEN;
    return aieng__bpe_find(b, (const unsigned char *)bytes, len, len);
}

AIENG_API uint32_t aieng_bpe_special_id(const aieng_bpe *b, const char *text, size_t len) {
    size_t i;
    if (!b || !text) return AIENG_BPE_NO_TOKEN;
    for (i = 0; i < b->n_specials; i++)
        if (b->specials[i].len == len && memcmp(b->blob + b->specials[i].off, text, len) == 0) return b->specials[i].id;
    return AIENG_BPE_NO_TOKEN;
}

/* ---------------------------------------------------------------- encoding */
#define AIENG__BPE_SMALL 64
#ifndef AIENG__BPE_BT_MIN
#define AIENG__BPE_BT_MIN AIENG__BPE_SMALL /* pieces longer than this use the linear encoder */
#endif
#define AIENG__BPE_NONE 0xFFFFFFFFu

static int aieng__bpe_reserve_ids(const aieng_bpe *b, aieng_bpe_tokens *t, size_t extra) {
    if (t->n + extra > t->cap) {
        size_t cap = t->cap ? t->cap : 256;
        uint32_t *ni;
        while (cap < t->n + extra) cap *= 2;
        ni = (uint32_t *)aieng_realloc(&b->alloc, t->ids, cap * 4);
        if (!ni) return 0;
        t->ids = ni;
        t->cap = cap;
    }
    return 1;
}

static int aieng__bpe_reserve_scratch(const aieng_bpe *b, aieng_bpe_tokens *t, size_t bytes) {
    if (bytes > t->scratch_bytes) {
        void *ns;
        aieng_free(&b->alloc, t->scratch);
        t->scratch = NULL;
        t->scratch_bytes = 0;
        ns = aieng__bpe_alloc(&b->alloc, bytes);
        if (!ns) return 0;
        t->scratch = ns;
        t->scratch_bytes = bytes;
    }
    return 1;
}

#if defined(__GNUC__) || defined(__clang__)
#define AIENG__BPE_HOT inline __attribute__((always_inline))
#elif defined(_MSC_VER)
#define AIENG__BPE_HOT __forceinline
#else
#define AIENG__BPE_HOT inline
#endif

/* rank (and result id) of merging the parts [a, m) and [m, e) of piece p
   (inlined into the merge loops: random short pieces spend a third of their
   time here) */
static AIENG__BPE_HOT uint32_t aieng__bpe_pair_rank(const aieng_bpe *b, const unsigned char *p, size_t avail, uint32_t a,
                                            uint32_t e, uint32_t ida, uint32_t idb, uint32_t *res) {
    if (!b->merges_mode) {
        uint32_t r;
        if (e - a == 2) {
            r = b->pair2[((unsigned)p[a] << 8) | p[a + 1]];
            *res = r;
            return r;
        }
        if (e - a > b->max_len) return AIENG__BPE_NONE;
        r = aieng__bpe_find3(b, p + a, e - a, avail - a);
        *res = r;
        return r;
    } else {
        const aieng__bpe_pair *pr = aieng__bpe_pair_find(b, ida, idb);
        if (!pr) return AIENG__BPE_NONE;
        *res = pr->id;
        return pr->rank;
    }
}

/* 4-ary min-heap of (rank << 32 | position): half the depth of a binary heap,
   and the four children share a cache line. */
static inline void aieng__bpe_heap_push(uint64_t *h, size_t *n, uint64_t v) {
    size_t i = (*n)++;
    while (i > 0) {
        size_t par = (i - 1) / 4;
        if (h[par] <= v) break;
        h[i] = h[par];
        i = par;
    }
    h[i] = v;
}

static inline void aieng__bpe_heap_sift(uint64_t *h, size_t m, size_t i, uint64_t v) {
    for (;;) {
        size_t c = 4 * i + 1, k, best;
        if (c >= m) break;
        best = c;
        for (k = c + 1; k < c + 4 && k < m; k++)
            if (h[k] < h[best]) best = k;
        if (h[best] >= v) break;
        h[i] = h[best];
        i = best;
    }
    h[i] = v;
}

static inline uint64_t aieng__bpe_heap_pop(uint64_t *h, size_t *n) {
    uint64_t top = h[0], v = h[--(*n)];
    if (*n) aieng__bpe_heap_sift(h, *n, 0, v);
    return top;
}

typedef struct aieng__bpe_node { /* a part of a long piece: bytes [position, nx) */
    uint32_t nx, pv, id, rk, rs;
} aieng__bpe_node;

/* Scratch bytes aieng__bpe_merge needs for a piece of n bytes: the linear
   encoder's bit set, or the heap's nodes. */
#define AIENG__BPE_SCRATCH_LINEAR(n) ((n) / 8 + 16)
#define AIENG__BPE_SCRATCH_HEAP(n) ((n) * 44 + 64)

/* Byte-pair merges piece p[0..n) (n >= 2) without the linear encoder;
   scratch: AIENG__BPE_SCRATCH_HEAP(n) bytes when n > AIENG__BPE_SMALL. */
static size_t aieng__bpe_merge_bytes(const aieng_bpe *b, const unsigned char *p, size_t n, size_t avail, uint32_t *dst,
                                     void *scratch) {
    size_t i;
    if (n <= AIENG__BPE_SMALL) {
        uint32_t st[AIENG__BPE_SMALL + 1], id[AIENG__BPE_SMALL], rk[AIENG__BPE_SMALL], rs[AIENG__BPE_SMALL];
        size_t m = n;
        for (i = 0; i < n; i++) {
            st[i] = (uint32_t)i;
            id[i] = b->byte_id[p[i]];
            if (id[i] == AIENG_BPE_NO_TOKEN) return (size_t)-1;
        }
        st[n] = (uint32_t)n;
        for (i = 0; i + 1 < n; i++) rk[i] = aieng__bpe_pair_rank(b, p, avail, st[i], st[i + 2], id[i], id[i + 1], &rs[i]);
        for (;;) {
            uint64_t best = ~(uint64_t)0; /* (rank << 8 | position): the min is the leftmost lowest, without branches */
            size_t bi;
            for (i = 0; i + 1 < m; i++) {
                uint64_t v = ((uint64_t)rk[i] << 8) | i;
                best = v < best ? v : best;
            }
            if ((best >> 8) >= AIENG__BPE_NONE) break;
            bi = (size_t)(best & 255);
            id[bi] = rs[bi];
            for (i = bi + 1; i + 1 < m; i++) { st[i] = st[i + 1]; id[i] = id[i + 1]; rk[i] = rk[i + 1]; rs[i] = rs[i + 1]; }
            st[m - 1] = st[m];
            m--;
            if (bi + 1 < m) rk[bi] = aieng__bpe_pair_rank(b, p, avail, st[bi], st[bi + 2], id[bi], id[bi + 1], &rs[bi]);
            if (bi > 0) rk[bi - 1] = aieng__bpe_pair_rank(b, p, avail, st[bi - 1], st[bi + 1], id[bi - 1], id[bi], &rs[bi - 1]);
        }
        for (i = 0; i < m; i++) dst[i] = id[i];
        return m;
    } else {
        /* nodes are byte positions; node i spans [i, nd[i].nx) */
        aieng__bpe_node *nd = (aieng__bpe_node *)scratch;
        uint64_t *heap = (uint64_t *)(void *)(nd + n + (n & 1));
        size_t hn = 0, k = 0;
        for (i = 0; i < n; i++) {
            nd[i].nx = (uint32_t)(i + 1);
            nd[i].pv = (uint32_t)(i - 1);
            nd[i].id = b->byte_id[p[i]];
            if (nd[i].id == AIENG_BPE_NO_TOKEN) return (size_t)-1;
        }
        for (i = 0; i + 1 < n; i++) {
            nd[i].rk = aieng__bpe_pair_rank(b, p, avail, (uint32_t)i, (uint32_t)(i + 2), nd[i].id, nd[i + 1].id, &nd[i].rs);
            if (nd[i].rk != AIENG__BPE_NONE) heap[hn++] = ((uint64_t)nd[i].rk << 32) | i;
        }
        nd[n - 1].rk = AIENG__BPE_NONE;
        for (i = hn; i-- > 0;) aieng__bpe_heap_sift(heap, hn, i, heap[i]); /* heapify */
        while (hn) {
            uint64_t top = aieng__bpe_heap_pop(heap, &hn);
            uint32_t r = (uint32_t)(top >> 32), a = (uint32_t)top, j, q;
            aieng__bpe_node *na = &nd[a];
            if (na->id == AIENG_BPE_NO_TOKEN || na->rk != r) continue; /* stale */
            j = na->nx;
            na->id = na->rs;
            nd[j].id = AIENG_BPE_NO_TOKEN;
            q = nd[j].nx;
            na->nx = q;
            if (q < n) {
                nd[q].pv = a;
                na->rk = aieng__bpe_pair_rank(b, p, avail, a, nd[q].nx, na->id, nd[q].id, &na->rs);
                if (na->rk != AIENG__BPE_NONE) aieng__bpe_heap_push(heap, &hn, ((uint64_t)na->rk << 32) | a);
            } else {
                na->rk = AIENG__BPE_NONE;
            }
            if (a > 0) {
                aieng__bpe_node *np = &nd[na->pv];
                np->rk = aieng__bpe_pair_rank(b, p, avail, na->pv, q, np->id, na->id, &np->rs);
                if (np->rk != AIENG__BPE_NONE) aieng__bpe_heap_push(heap, &hn, ((uint64_t)np->rk << 32) | na->pv);
            }
        }
        for (i = 0; i < n; i = nd[i].nx) dst[k++] = nd[i].id;
        return k;
    }
}

/* Byte-pair merges piece p[0..n) (n >= 2), writes ids to dst (room for n) and
   returns how many, or (size_t)-1 when a byte has no token, or (size_t)-2 when
   the linear encoder gave up (an inconsistent vocabulary; then call
   aieng__bpe_merge_bytes). avail = bytes readable at p. scratch: when
   n > AIENG__BPE_SMALL, AIENG__BPE_SCRATCH_LINEAR(n) bytes if aieng__bpe_linear(b),
   else AIENG__BPE_SCRATCH_HEAP(n). */
static size_t aieng__bpe_merge(const aieng_bpe *b, const unsigned char *p, size_t n, size_t avail, uint32_t *dst,
                               void *scratch) {
    if (n > AIENG__BPE_BT_MIN && aieng__bpe_linear(b)) {
        uint64_t local[2];
        return aieng__bpe_backtrack(b, p, n, dst, n < 128 ? (void *)local : scratch);
    }
    return aieng__bpe_merge_bytes(b, p, n, avail, dst, scratch);
}

/* Per-thread cache of merged short pieces (direct mapped, 4096 x 64 bytes):
   identifiers and words that are not single tokens repeat a lot in real text. */
#define AIENG__BPE_CACHE_N 4096
#define AIENG__BPE_CACHE_LEN 24
#define AIENG__BPE_CACHE_IDS 8
typedef struct aieng__bpe_centry {
    uint32_t tag;
    unsigned char len, n, pad[2];
    unsigned char bytes[AIENG__BPE_CACHE_LEN];
    uint32_t ids[AIENG__BPE_CACHE_IDS];
} aieng__bpe_centry;

static aieng__bpe_centry *aieng__bpe_cache(const aieng_bpe *b, aieng_bpe_tokens *t) {
    if (!t->cache) {
        t->cache = aieng__bpe_alloc(&b->alloc, AIENG__BPE_CACHE_N * sizeof(aieng__bpe_centry));
        if (!t->cache) return NULL;
        t->cache_stamp = 0;
    }
    if (t->cache_stamp != b->stamp) {
        memset(t->cache, 0, AIENG__BPE_CACHE_N * sizeof(aieng__bpe_centry));
        t->cache_stamp = b->stamp;
    }
    return (aieng__bpe_centry *)t->cache;
}

/* Encodes text s[0..n) as ordinary text; avail = bytes readable at s (>= n).
   Appends to t->ids unless count_only; adds the number of tokens to *count. */
static aieng_result aieng__bpe_encode_plain(const aieng_bpe *b, const unsigned char *s, size_t n, size_t avail,
                                            aieng_bpe_tokens *t, int count_only, size_t *count) {
    aieng__bpe_iter it;
    uint32_t small[AIENG__BPE_SMALL];
    /* the cache (256 KB) pays off on longer texts; short ones use it only when it exists */
    aieng__bpe_centry *cache = n >= 8192 || t->cache ? aieng__bpe_cache(b, t) : NULL;
    unsigned c_tries = 0, c_hits = 0; /* a text whose pieces do not repeat (random data) stops using it */
    it.s = s;
    it.n = n;
    it.pos = 0;
    it.chunk_end = 0;
    it.pretok = b->pretok;
    while (it.pos < n) {
        size_t e = aieng__bpe_next_end(&it), len = e - it.pos, k;
        const unsigned char *p = s + it.pos;
        uint32_t *dst;
        if (!b->merges_mode && len <= b->max_len) {
            uint32_t id = len == 1 ? b->byte_id[*p] : len == 2 ? b->pair2[((unsigned)p[0] << 8) | p[1]]
                                                              : aieng__bpe_find3(b, p, len, avail - it.pos);
            if (id != AIENG_BPE_NO_TOKEN) {
                if (!count_only) {
                    if (t->n == t->cap && !aieng__bpe_reserve_ids(b, t, 1)) goto oom;
                    t->ids[t->n++] = id;
                }
                ++*count;
                it.pos = e;
                continue;
            }
        }
        if (len == 1) {
            uint32_t id = b->byte_id[*p];
            if (id == AIENG_BPE_NO_TOKEN) goto nobyte;
            if (!count_only) {
                if (t->n == t->cap && !aieng__bpe_reserve_ids(b, t, 1)) goto oom;
                t->ids[t->n++] = id;
            }
            ++*count;
            it.pos = e;
            continue;
        }
        if (!b->merges_mode && len <= 3) { /* not a token as a whole: at most one merge */
            uint32_t v[3];
            v[0] = b->byte_id[p[0]];
            v[1] = b->byte_id[p[1]];
            v[2] = len == 3 ? b->byte_id[p[2]] : 0;
            if (v[0] == AIENG_BPE_NO_TOKEN || v[1] == AIENG_BPE_NO_TOKEN || v[2] == AIENG_BPE_NO_TOKEN) goto nobyte;
            k = len;
            if (len == 3) {
                uint32_t r01 = b->pair2[((unsigned)p[0] << 8) | p[1]], r12 = b->pair2[((unsigned)p[1] << 8) | p[2]];
                if (r01 != AIENG_BPE_NO_TOKEN && r01 <= r12) { v[0] = r01; v[1] = v[2]; k = 2; } /* leftmost on ties */
                else if (r12 != AIENG_BPE_NO_TOKEN) { v[1] = r12; k = 2; }
            }
            if (!count_only) {
                if (!aieng__bpe_reserve_ids(b, t, 3)) goto oom;
                memcpy(t->ids + t->n, v, k * 4);
                t->n += k;
            }
            *count += k;
            it.pos = e;
            continue;
        }
        if (cache && len <= AIENG__BPE_CACHE_LEN && len > 4) {
            uint64_t h = aieng__bpe_hash(aieng__bpe_word(p, len, avail - it.pos), p, len, avail - it.pos);
            aieng__bpe_centry *ce = &cache[h & (AIENG__BPE_CACHE_N - 1)];
            uint32_t tag = (uint32_t)(h >> 32);
            if (++c_tries == 4096) {
                if (c_hits < 128) cache = NULL;
                c_tries = c_hits = 0;
            }
            if (ce->len == len && ce->tag == tag && memcmp(ce->bytes, p, len) == 0) {
                c_hits++;
                if (!count_only) {
                    if (!aieng__bpe_reserve_ids(b, t, ce->n)) goto oom;
                    memcpy(t->ids + t->n, ce->ids, (size_t)ce->n * 4);
                    t->n += ce->n;
                }
                *count += ce->n;
                it.pos = e;
                continue;
            }
            dst = small;
            k = aieng__bpe_merge(b, p, len, avail - it.pos, dst, t->scratch);
            if (k == (size_t)-1) goto nobyte;
            if (k <= AIENG__BPE_CACHE_IDS) {
                ce->len = (unsigned char)len;
                ce->tag = tag;
                ce->n = (unsigned char)k;
                memcpy(ce->bytes, p, len);
                memcpy(ce->ids, dst, k * 4);
            }
            if (!count_only) {
                if (!aieng__bpe_reserve_ids(b, t, k)) goto oom;
                memcpy(t->ids + t->n, dst, k * 4);
                t->n += k;
            }
            *count += k;
            it.pos = e;
            continue;
        }
        if (len > AIENG__BPE_SMALL &&
            !aieng__bpe_reserve_scratch(b, t, aieng__bpe_linear(b) ? AIENG__BPE_SCRATCH_LINEAR(len) : AIENG__BPE_SCRATCH_HEAP(len)))
            goto oom;
        if (count_only) {
            dst = len <= AIENG__BPE_SMALL ? small : NULL;
            if (!dst) {
                if (!aieng__bpe_reserve_ids(b, t, len)) goto oom;
                dst = t->ids + t->n;
            }
        } else {
            if (!aieng__bpe_reserve_ids(b, t, len)) goto oom;
            dst = t->ids + t->n;
        }
        k = aieng__bpe_merge(b, p, len, avail - it.pos, dst, t->scratch);
        if (k == (size_t)-2) {
            if (!aieng__bpe_reserve_scratch(b, t, AIENG__BPE_SCRATCH_HEAP(len))) goto oom;
            k = aieng__bpe_merge_bytes(b, p, len, avail - it.pos, dst, t->scratch);
        }
        if (k == (size_t)-1) goto nobyte;
        if (!count_only) t->n += k;
        *count += k;
        it.pos = e;
    }
    return AIENG_OK;
oom:
    return aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory while encoding");
nobyte:
    return aieng_set_error(AIENG_ERR_FORMAT, "aieng_bpe: the vocabulary has no token for a byte of the text");
}

static int aieng__bpe_is_allowed(const aieng_bpe_special_opts *o, uint32_t id) {
    size_t i;
    if (!o) return 0;
    if (o->allow_all) return 1;
    for (i = 0; i < o->n_allowed; i++)
        if (o->allowed && o->allowed[i] == id) return 1;
    return 0;
}

/* Finds special tokens in a text in one pass, whatever their number: a hash
   table keyed by the first `minlen` bytes (the shortest special's length) of
   the specials of interest; candidate positions are the bytes that start one
   (memchr when they all start alike, as `<|...|>` do). */
typedef struct aieng__bpe_sx {
    const aieng_bpe *b;
    uint32_t *tab;        /* [mask + 1] special index + 1; 0 = empty */
    uint64_t mask;
    unsigned char *cls;   /* [n_specials] 1 = allowed, 2 = disallowed and an error, 0 = neither */
    size_t minlen;
    uint64_t first[4];    /* bytes that start a special of interest */
    int n_first;
    unsigned char first_byte;
} aieng__bpe_sx;

static inline uint64_t aieng__bpe_sx_hash(const unsigned char *p, size_t n, size_t avail) {
    return aieng__bpe_hash(aieng__bpe_word(p, n, avail), p, n, avail);
}

/* Next position >= from where a special of class `want` starts (the longest
   there in *idx, its length in *mlen), or n. */
static size_t aieng__bpe_sx_next(const aieng__bpe_sx *x, const unsigned char *s, size_t n, size_t from, int want,
                                 size_t *idx, size_t *mlen) {
    const aieng_bpe *b = x->b;
    size_t i = from;
    if (x->n_first == 0) return n;
    while (i + x->minlen <= n) {
        uint64_t h;
        size_t best_len = 0, best = 0;
        if (x->n_first == 1) {
            const unsigned char *q = (const unsigned char *)memchr(s + i, x->first_byte, n - x->minlen + 1 - i);
            if (!q) return n;
            i = (size_t)(q - s);
        } else if (!((x->first[s[i] >> 6] >> (s[i] & 63)) & 1)) {
            i++;
            continue;
        }
        for (h = aieng__bpe_sx_hash(s + i, x->minlen, n - i) & x->mask; x->tab[h]; h = (h + 1) & x->mask) {
            const aieng__bpe_special *sp = &b->specials[x->tab[h] - 1];
            if (x->cls[x->tab[h] - 1] == want && sp->len > best_len && sp->len <= n - i &&
                memcmp(b->blob + sp->off, s + i, sp->len) == 0) {
                best_len = sp->len;
                best = x->tab[h] - 1;
            }
        }
        if (best_len) { *idx = best; *mlen = best_len; return i; }
        i++;
    }
    return n;
}

static aieng_result aieng__bpe_encode_any(const aieng_bpe *b, const char *text, size_t len,
                                          const aieng_bpe_special_opts *o, aieng_bpe_tokens *t, int count_only,
                                          size_t *count) {
    const unsigned char *s = (const unsigned char *)text;
    size_t pos = 0, i, n_rel = 0, tab_n = 16, idx = 0, ml = 0;
    uint32_t tab_local[64];
    unsigned char cls_local[32];
    int check = !o || !o->disallowed_as_text, any_allowed = 0;
    aieng__bpe_sx x;
    aieng_result r = AIENG_OK;
    *count = 0;
    if (!b || !t || (!text && len)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_encode: NULL argument");
    if (len == 0) return AIENG_OK;
    memset(&x, 0, sizeof x);
    x.b = b;
    x.minlen = (size_t)-1;
    x.cls = b->n_specials <= 32 ? cls_local : (unsigned char *)aieng__bpe_alloc(&b->alloc, b->n_specials);
    if (!x.cls) return aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory");
    for (i = 0; i < b->n_specials; i++) {
        const aieng__bpe_special *sp = &b->specials[i];
        unsigned char c0 = b->blob[sp->off];
        x.cls[i] = aieng__bpe_is_allowed(o, sp->id) ? 1 : check ? 2 : 0;
        if (!x.cls[i]) continue;
        any_allowed |= x.cls[i] == 1;
        n_rel++;
        if (sp->len < x.minlen) x.minlen = sp->len;
        if (!((x.first[c0 >> 6] >> (c0 & 63)) & 1)) { x.first[c0 >> 6] |= (uint64_t)1 << (c0 & 63); x.n_first++; x.first_byte = c0; }
    }
    if (n_rel) {
        while (tab_n < 2 * n_rel) tab_n *= 2;
        x.tab = tab_n <= 64 ? tab_local : (uint32_t *)aieng__bpe_alloc(&b->alloc, tab_n * 4);
        if (!x.tab) { r = aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory"); goto done; }
        memset(x.tab, 0, tab_n * 4);
        x.mask = tab_n - 1;
        for (i = 0; i < b->n_specials; i++) {
            const aieng__bpe_special *sp = &b->specials[i];
            uint64_t h;
            if (!x.cls[i]) continue;
            for (h = aieng__bpe_sx_hash(b->blob + sp->off, x.minlen, sp->len + 8) & x.mask; x.tab[h]; h = (h + 1) & x.mask) {}
            x.tab[h] = (uint32_t)i + 1;
        }
    }
    if (check && aieng__bpe_sx_next(&x, s, len, 0, 2, &idx, &ml) < len) { /* tiktoken: a disallowed special is an error */
        const aieng__bpe_special *sp = &b->specials[idx];
        r = aieng_set_error(AIENG_ERR_INVALID_ARG,
                            "disallowed special token '%.*s' (id %u) in the text; allow it or encode it as ordinary text",
                            (int)sp->len, (const char *)(b->blob + sp->off), (unsigned)sp->id);
        goto done;
    }
    for (;;) {
        size_t at = any_allowed ? aieng__bpe_sx_next(&x, s, len, pos, 1, &idx, &ml) : len;
        r = aieng__bpe_encode_plain(b, s + pos, at - pos, len - pos, t, count_only, count);
        if (r != AIENG_OK || at >= len) break;
        if (!count_only) {
            if (!aieng__bpe_reserve_ids(b, t, 1)) { r = aieng_set_error(AIENG_ERR_OOM, "aieng_bpe: out of memory"); break; }
            t->ids[t->n++] = b->specials[idx].id;
        }
        ++*count;
        pos = at + ml;
    }
done:
    if (x.cls != cls_local) aieng_free(&b->alloc, x.cls);
    if (x.tab && x.tab != tab_local) aieng_free(&b->alloc, x.tab);
    return r;
}

AIENG_API aieng_result aieng_bpe_encode_ordinary(const aieng_bpe *b, const char *text, size_t len,
                                                 aieng_bpe_tokens *out) {
    size_t count = 0, n0;
    aieng_result r;
    if (!b || !out || (!text && len)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_encode_ordinary: NULL argument");
    n0 = out->n;
    r = aieng__bpe_encode_plain(b, (const unsigned char *)text, len, len, out, 0, &count);
    if (r != AIENG_OK) out->n = n0; /* nothing half-written */
    return r;
}

AIENG_API aieng_result aieng_bpe_encode(const aieng_bpe *b, const char *text, size_t len,
                                        const aieng_bpe_special_opts *opts, aieng_bpe_tokens *out) {
    size_t count, n0 = out ? out->n : 0;
    aieng_result r = aieng__bpe_encode_any(b, text, len, opts, out, 0, &count);
    if (r != AIENG_OK && out) out->n = n0;
    return r;
}

AIENG_API aieng_result aieng_bpe_count(const aieng_bpe *b, const char *text, size_t len,
                                       const aieng_bpe_special_opts *opts, aieng_bpe_tokens *work, size_t *n_tokens) {
    aieng_bpe_tokens tmp;
    aieng_result r;
    size_t count = 0;
    if (!n_tokens) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_count: NULL argument");
    *n_tokens = 0;
    if (!work) {
        memset(&tmp, 0, sizeof tmp);
        r = aieng__bpe_encode_any(b, text, len, opts, &tmp, 1, &count);
        aieng_bpe_tokens_free(b, &tmp);
    } else {
        r = aieng__bpe_encode_any(b, text, len, opts, work, 1, &count);
    }
    if (r == AIENG_OK) *n_tokens = count;
    return r;
}

AIENG_API aieng_result aieng_bpe_truncate(const aieng_bpe *b, const char *text, size_t len, size_t max_tokens,
                                          const aieng_bpe_special_opts *opts, size_t *cut) {
    aieng_bpe_tokens t;
    aieng_result r;
    size_t i, c = 0, cnt, steps;
    const unsigned char *s = (const unsigned char *)text;
    if (!cut) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_truncate: NULL argument");
    *cut = 0;
    memset(&t, 0, sizeof t);
    r = aieng_bpe_encode(b, text, len, opts, &t);
    if (r != AIENG_OK) goto done;
    if (t.n <= max_tokens) { *cut = len; goto done; }
    for (i = 0; i < max_tokens; i++) c += b->dec_len[t.ids[i]];
    if (c > len) c = len;
    /* back to a character boundary */
    for (steps = 0; steps < 3 && c > 0 && c < len && (s[c] & 0xC0) == 0x80; steps++) c--;
    for (;;) { /* shrink while over budget */
        r = aieng_bpe_count(b, text, c, opts, &t, &cnt);
        if (r != AIENG_OK) goto done;
        if (cnt <= max_tokens || c == 0) break;
        do c--; while (c > 0 && (s[c] & 0xC0) == 0x80);
    }
    for (steps = 0; steps < 16 && c < len; steps++) { /* grow while it still fits */
        size_t l, c2;
        aieng__bpe_utf8(s, len, c, &l);
        c2 = c + l;
        r = aieng_bpe_count(b, text, c2, opts, &t, &cnt);
        if (r != AIENG_OK) goto done;
        if (cnt > max_tokens) break;
        c = c2;
    }
    *cut = c;
done:
    aieng_bpe_tokens_free(b, &t);
    return r;
}

AIENG_API void aieng_bpe_tokens_free(const aieng_bpe *b, aieng_bpe_tokens *t) {
    aieng_allocator none;
    const aieng_allocator *a = b ? &b->alloc : &none;
    memset(&none, 0, sizeof none);
    if (!t) return;
    aieng_free(a, t->ids);
    aieng_free(a, t->scratch);
    aieng_free(a, t->cache);
    memset(t, 0, sizeof *t);
}

/* ---------------------------------------------------------------- decoding */
AIENG_API aieng_result aieng_bpe_token_bytes(const aieng_bpe *b, uint32_t id, const char **bytes, size_t *len) {
    if (!b || !bytes || !len) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_token_bytes: NULL argument");
    if (id >= b->n_vocab || b->dec_len[id] == AIENG_BPE_NO_TOKEN) {
        *bytes = NULL;
        *len = 0;
        return aieng_set_error(AIENG_ERR_RANGE, "token id %u has no token (vocabulary of %u ids)", (unsigned)id,
                               (unsigned)b->n_vocab);
    }
    *bytes = (const char *)(b->blob + b->dec_off[id]);
    *len = b->dec_len[id];
    return AIENG_OK;
}

AIENG_API aieng_result aieng_bpe_decode(const aieng_bpe *b, const uint32_t *ids, size_t n, char *buf, size_t cap,
                                        size_t *out_len) {
    size_t i, o = 0;
    if (out_len) *out_len = 0;
    if (!b || (!ids && n) || (!buf && cap)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_decode: NULL argument");
    for (i = 0; i < n; i++) {
        uint32_t id = ids[i], l;
        if (id >= b->n_vocab || (l = b->dec_len[id]) == AIENG_BPE_NO_TOKEN)
            return aieng_set_error(AIENG_ERR_RANGE, "decode: token id %u at position %zu has no token", (unsigned)id, i);
        if (o + l <= cap) memcpy(buf + o, b->blob + b->dec_off[id], l);
        o += l;
    }
    if (out_len) *out_len = o;
    if (o > cap) return aieng_set_error(AIENG_ERR_OOM, "decode: needs %zu bytes, buffer has %zu", o, cap);
    return AIENG_OK;
}

/* Length of the incomplete-but-valid UTF-8 sequence at the end of s[0..n), 0 if none. */
static size_t aieng__bpe_utf8_tail(const unsigned char *s, size_t n) {
    size_t k, back;
    for (back = 1; back <= 3 && back <= n; back++) {
        unsigned c = s[n - back];
        if ((c & 0xC0) == 0x80) continue;
        {
            size_t need = c >= 0xF0 && c <= 0xF4 ? 4 : c >= 0xE0 && c <= 0xEF ? 3 : c >= 0xC2 && c <= 0xDF ? 2 : 0;
            if (need <= back) return 0;
            if (back >= 2) { /* second-byte ranges */
                unsigned c1 = s[n - back + 1];
                unsigned lo = c == 0xE0 ? 0xA0 : c == 0xF0 ? 0x90 : 0x80;
                unsigned hi = c == 0xED ? 0x9F : c == 0xF4 ? 0x8F : 0xBF;
                if (c1 < lo || c1 > hi) return 0;
            }
            for (k = n - back + 1; k < n; k++)
                if ((s[k] & 0xC0) != 0x80) return 0;
            return back;
        }
    }
    return 0;
}

AIENG_API aieng_result aieng_bpe_stream_push(const aieng_bpe *b, aieng_bpe_stream *st, uint32_t id, char *buf,
                                             size_t cap, size_t *out_len) {
    const char *tb;
    size_t tl, total, hold;
    aieng_result r;
    if (out_len) *out_len = 0;
    if (!st || !out_len || (!buf && cap)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_stream_push: NULL argument");
    r = aieng_bpe_token_bytes(b, id, &tb, &tl);
    if (r != AIENG_OK) return r;
    if (st->n_pending > 3) st->n_pending = 0;
    total = st->n_pending + tl;
    if (total > cap) return aieng_set_error(AIENG_ERR_OOM, "stream: needs %zu bytes, buffer has %zu", total, cap);
    memcpy(buf, st->pending, st->n_pending);
    memcpy(buf + st->n_pending, tb, tl);
    hold = aieng__bpe_utf8_tail((const unsigned char *)buf, total);
    memcpy(st->pending, buf + total - hold, hold);
    st->n_pending = (uint32_t)hold;
    *out_len = total - hold;
    return AIENG_OK;
}

AIENG_API aieng_result aieng_bpe_stream_flush(aieng_bpe_stream *st, char *buf, size_t cap, size_t *out_len) {
    if (out_len) *out_len = 0;
    if (!st || !out_len || (!buf && cap)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_stream_flush: NULL argument");
    if (st->n_pending > 3) st->n_pending = 0;
    if (st->n_pending > cap) return aieng_set_error(AIENG_ERR_OOM, "stream: buffer too small");
    memcpy(buf, st->pending, st->n_pending);
    *out_len = st->n_pending;
    st->n_pending = 0;
    return AIENG_OK;
}

/* ---------------------------------------------------------------- training */
typedef struct aieng__bpe_tword {
    uint64_t count;
    size_t off, len;    /* piece bytes in the text */
    size_t start;       /* symbols in tr->sym[start .. start+n) */
    uint32_t n, stamp;
} aieng__bpe_tword;

typedef struct aieng__bpe_hent {
    int64_t count;
    uint32_t p;
} aieng__bpe_hent;

typedef struct aieng__bpe_trainer {
    const aieng_allocator *a;
    aieng__bpe_tword *w;
    size_t nw, capw;
    uint32_t *sym;
    /* pairs */
    uint32_t *pa, *pb, *stamp;
    int64_t *pc;
    uint32_t **occ, *occ_n, *occ_cap;
    size_t np, capp;
    uint64_t *pkey;     /* open addressing: key = a<<32|b, value in pval */
    uint32_t *pval;
    size_t pmask;
    aieng__bpe_hent *heap;
    size_t nh, caph;
    uint32_t *touched;
    size_t ntouched, captouched;
    uint32_t cur_stamp;
} aieng__bpe_trainer;

static int aieng__bpe_grow(const aieng_allocator *a, void **p, size_t *cap, size_t need, size_t elem) {
    if (need > *cap) {
        size_t nc = *cap ? *cap : 64;
        void *np;
        while (nc < need) nc *= 2;
        np = aieng_realloc(a, *p, nc * elem);
        if (!np) return 0;
        *p = np;
        *cap = nc;
    }
    return 1;
}

static int aieng__bpe_heap_better(const aieng__bpe_trainer *tr, aieng__bpe_hent x, aieng__bpe_hent y) {
    if (x.count != y.count) return x.count > y.count;
    if (tr->pa[x.p] != tr->pa[y.p]) return tr->pa[x.p] < tr->pa[y.p];
    return tr->pb[x.p] < tr->pb[y.p];
}

static int aieng__bpe_tpush(aieng__bpe_trainer *tr, int64_t count, uint32_t p) {
    aieng__bpe_hent v;
    size_t i;
    if (!aieng__bpe_grow(tr->a, (void **)&tr->heap, &tr->caph, tr->nh + 1, sizeof *tr->heap)) return 0;
    v.count = count;
    v.p = p;
    i = tr->nh++;
    while (i > 0) {
        size_t par = (i - 1) / 2;
        if (!aieng__bpe_heap_better(tr, v, tr->heap[par])) break;
        tr->heap[i] = tr->heap[par];
        i = par;
    }
    tr->heap[i] = v;
    return 1;
}

static void aieng__bpe_tpop(aieng__bpe_trainer *tr) {
    aieng__bpe_hent v = tr->heap[--tr->nh];
    size_t i = 0, m = tr->nh;
    for (;;) {
        size_t c = 2 * i + 1;
        if (c >= m) break;
        if (c + 1 < m && aieng__bpe_heap_better(tr, tr->heap[c + 1], tr->heap[c])) c++;
        if (!aieng__bpe_heap_better(tr, tr->heap[c], v)) break;
        tr->heap[i] = tr->heap[c];
        i = c;
    }
    if (m) tr->heap[i] = v;
}

static int aieng__bpe_pkey_rehash(aieng__bpe_trainer *tr) {
    size_t nsz = (tr->pmask + 1) * 2, i;
    uint64_t *nk = (uint64_t *)aieng__bpe_alloc(tr->a, nsz * 8);
    uint32_t *nv = (uint32_t *)aieng__bpe_alloc(tr->a, nsz * 4);
    if (!nk || !nv) { aieng_free(tr->a, nk); aieng_free(tr->a, nv); return 0; }
    for (i = 0; i < nsz; i++) nk[i] = ~(uint64_t)0;
    for (i = 0; i <= tr->pmask; i++) {
        size_t h;
        if (tr->pkey[i] == ~(uint64_t)0) continue;
        for (h = (size_t)(aieng__bpe_pair_hash(tr->pkey[i]) & (nsz - 1));; h = (h + 1) & (nsz - 1))
            if (nk[h] == ~(uint64_t)0) { nk[h] = tr->pkey[i]; nv[h] = tr->pval[i]; break; }
    }
    aieng_free(tr->a, tr->pkey);
    aieng_free(tr->a, tr->pval);
    tr->pkey = nk;
    tr->pval = nv;
    tr->pmask = nsz - 1;
    return 1;
}

/* Adds delta (times) to pair (a,b) of word w; returns 0 on OOM. */
static int aieng__bpe_padd(aieng__bpe_trainer *tr, uint32_t a, uint32_t b, int64_t delta, uint32_t w) {
    uint64_t key = ((uint64_t)a << 32) | b;
    size_t h;
    uint32_t p;
    for (h = (size_t)(aieng__bpe_pair_hash(key) & tr->pmask);; h = (h + 1) & tr->pmask) {
        if (tr->pkey[h] == key) { p = tr->pval[h]; break; }
        if (tr->pkey[h] == ~(uint64_t)0) {
            size_t c1 = tr->capp, c2, c3, c4, c5, c6, c7;
            p = (uint32_t)tr->np;
            c2 = c3 = c4 = c5 = c6 = c7 = c1;
            if (!aieng__bpe_grow(tr->a, (void **)&tr->pa, &c1, tr->np + 1, 4) ||
                !aieng__bpe_grow(tr->a, (void **)&tr->pb, &c2, tr->np + 1, 4) ||
                !aieng__bpe_grow(tr->a, (void **)&tr->stamp, &c3, tr->np + 1, 4) ||
                !aieng__bpe_grow(tr->a, (void **)&tr->pc, &c4, tr->np + 1, 8) ||
                !aieng__bpe_grow(tr->a, (void **)&tr->occ, &c5, tr->np + 1, sizeof(uint32_t *)) ||
                !aieng__bpe_grow(tr->a, (void **)&tr->occ_n, &c6, tr->np + 1, 4) ||
                !aieng__bpe_grow(tr->a, (void **)&tr->occ_cap, &c7, tr->np + 1, 4))
                return 0;
            tr->capp = c1;
            tr->pa[p] = a;
            tr->pb[p] = b;
            tr->pc[p] = 0;
            tr->stamp[p] = 0;
            tr->occ[p] = NULL;
            tr->occ_n[p] = tr->occ_cap[p] = 0;
            tr->np++;
            tr->pkey[h] = key;
            tr->pval[h] = p;
            if (tr->np * 2 > tr->pmask && !aieng__bpe_pkey_rehash(tr)) return 0;
            break;
        }
    }
    tr->pc[p] += delta;
    if (delta > 0) {
        if (tr->occ_n[p] == 0 || tr->occ[p][tr->occ_n[p] - 1] != w) {
            if (tr->occ_n[p] == tr->occ_cap[p]) {
                size_t cap = tr->occ_cap[p];
                if (!aieng__bpe_grow(tr->a, (void **)&tr->occ[p], &cap, (size_t)tr->occ_n[p] + 1, 4)) return 0;
                tr->occ_cap[p] = (uint32_t)cap;
            }
            tr->occ[p][tr->occ_n[p]++] = w;
        }
        if (tr->stamp[p] != tr->cur_stamp) {
            if (!aieng__bpe_grow(tr->a, (void **)&tr->touched, &tr->captouched, tr->ntouched + 1, 4)) return 0;
            tr->touched[tr->ntouched++] = p;
            tr->stamp[p] = tr->cur_stamp;
        }
    }
    return 1;
}

static void aieng__bpe_trainer_free(aieng__bpe_trainer *tr) {
    size_t i;
    for (i = 0; i < tr->np; i++) aieng_free(tr->a, tr->occ[i]);
    aieng_free(tr->a, tr->w);
    aieng_free(tr->a, tr->sym);
    aieng_free(tr->a, tr->pa);
    aieng_free(tr->a, tr->pb);
    aieng_free(tr->a, tr->stamp);
    aieng_free(tr->a, tr->pc);
    aieng_free(tr->a, tr->occ);
    aieng_free(tr->a, tr->occ_n);
    aieng_free(tr->a, tr->occ_cap);
    aieng_free(tr->a, tr->pkey);
    aieng_free(tr->a, tr->pval);
    aieng_free(tr->a, tr->heap);
    aieng_free(tr->a, tr->touched);
}

/* Counts the distinct pieces of text into tr->w (a hash map from bytes to word). */
static aieng_result aieng__bpe_train_pieces(aieng__bpe_trainer *tr, const unsigned char *s, size_t n, int pretok) {
    size_t mask = 1023, i, used = 0;
    uint64_t *hk = (uint64_t *)aieng__bpe_alloc(tr->a, (mask + 1) * 8);
    uint32_t *hv = (uint32_t *)aieng__bpe_alloc(tr->a, (mask + 1) * 4);
    aieng__bpe_iter it;
    aieng_result r = AIENG_OK;
    if (!hk || !hv) { r = AIENG_ERR_OOM; goto done; }
    for (i = 0; i <= mask; i++) hv[i] = AIENG_BPE_NO_TOKEN;
    it.s = s;
    it.n = n;
    it.pos = 0;
    it.chunk_end = 0;
    it.pretok = pretok;
    while (it.pos < n) {
        size_t e = aieng__bpe_next_end(&it), len = e - it.pos, h;
        const unsigned char *p = s + it.pos;
        uint64_t hash = aieng__bpe_hash(aieng__bpe_word(p, len, n - it.pos), p, len, n - it.pos);
        for (h = (size_t)(hash & mask);; h = (h + 1) & mask) {
            if (hv[h] == AIENG_BPE_NO_TOKEN) {
                aieng__bpe_tword *w;
                if (!aieng__bpe_grow(tr->a, (void **)&tr->w, &tr->capw, tr->nw + 1, sizeof *tr->w)) { r = AIENG_ERR_OOM; goto done; }
                w = &tr->w[tr->nw];
                w->count = 1;
                w->off = it.pos;
                w->len = len;
                w->stamp = 0;
                hk[h] = hash;
                hv[h] = (uint32_t)tr->nw++;
                if (++used * 2 > mask) { /* rehash */
                    size_t nm = mask * 2 + 1, k;
                    uint64_t *nk = (uint64_t *)aieng__bpe_alloc(tr->a, (nm + 1) * 8);
                    uint32_t *nv = (uint32_t *)aieng__bpe_alloc(tr->a, (nm + 1) * 4);
                    if (!nk || !nv) { aieng_free(tr->a, nk); aieng_free(tr->a, nv); r = AIENG_ERR_OOM; goto done; }
                    for (k = 0; k <= nm; k++) nv[k] = AIENG_BPE_NO_TOKEN;
                    for (k = 0; k <= mask; k++) {
                        size_t g;
                        if (hv[k] == AIENG_BPE_NO_TOKEN) continue;
                        for (g = (size_t)(hk[k] & nm); nv[g] != AIENG_BPE_NO_TOKEN; g = (g + 1) & nm) {}
                        nk[g] = hk[k];
                        nv[g] = hv[k];
                    }
                    aieng_free(tr->a, hk);
                    aieng_free(tr->a, hv);
                    hk = nk;
                    hv = nv;
                    mask = nm;
                }
                break;
            }
            if (hk[h] == hash && tr->w[hv[h]].len == len && memcmp(s + tr->w[hv[h]].off, p, len) == 0) {
                tr->w[hv[h]].count++;
                break;
            }
        }
        it.pos = e;
    }
done:
    aieng_free(tr->a, hk);
    aieng_free(tr->a, hv);
    return r;
}

AIENG_API aieng_result aieng_bpe_train(const char *text, size_t len, const aieng_bpe_train_config *cfg, aieng_bpe **out) {
    const unsigned char *s = (const unsigned char *)text;
    aieng_bpe_train_config c;
    aieng__bpe_trainer tr;
    aieng_bpe *b = NULL;
    uint32_t *toff = NULL, *tlen = NULL, *newpos = NULL, *ids = NULL, *tslot = NULL, n_tok = 256;
    size_t i, total = 0, maxw = 1, n_merges, done_merges = 0, k, tmask;
    aieng_result r = AIENG_OK;
    if (out) *out = NULL;
    if (!out || (!text && len)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_train: NULL argument");
    if (cfg) c = *cfg; else memset(&c, 0, sizeof c);
    if (c.vocab_size == 0) c.vocab_size = 4096;
    if (c.min_frequency == 0) c.min_frequency = 1;
    if (c.vocab_size < 256 || c.vocab_size > 0x7FFFFFF0u || (unsigned)c.pretok > AIENG_BPE_SMOLLM)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "aieng_bpe_train: vocab_size must be >= 256 (got %u)", (unsigned)c.vocab_size);
    memset(&tr, 0, sizeof tr);
    tr.a = &c.allocator;
    n_merges = c.vocab_size - 256;
    r = aieng__bpe_train_pieces(&tr, s, len, (int)c.pretok);
    if (r != AIENG_OK) goto oom;
    for (i = 0; i < tr.nw; i++) {
        tr.w[i].start = total;
        tr.w[i].n = (uint32_t)tr.w[i].len;
        total += tr.w[i].len;
        if (tr.w[i].len > maxw) maxw = tr.w[i].len;
    }
    tr.sym = (uint32_t *)aieng__bpe_alloc(tr.a, total * 4);
    newpos = (uint32_t *)aieng__bpe_alloc(tr.a, maxw * 4);
    toff = (uint32_t *)aieng__bpe_alloc(tr.a, (size_t)c.vocab_size * 4);
    tlen = (uint32_t *)aieng__bpe_alloc(tr.a, (size_t)c.vocab_size * 4);
    b = aieng__bpe_new(&c.allocator, c.pretok);
    for (tmask = 1023; tmask < 2 * (size_t)c.vocab_size; tmask = tmask * 2 + 1) {}
    tslot = (uint32_t *)aieng__bpe_alloc(tr.a, (tmask + 1) * 4);
    if (!tslot) goto oom;
    for (i = 0; i <= tmask; i++) tslot[i] = AIENG_BPE_NO_TOKEN;
    tr.pmask = 4095;
    tr.pkey = (uint64_t *)aieng__bpe_alloc(tr.a, (tr.pmask + 1) * 8);
    tr.pval = (uint32_t *)aieng__bpe_alloc(tr.a, (tr.pmask + 1) * 4);
    if (!tr.sym || !newpos || !toff || !tlen || !b || !tr.pkey || !tr.pval || !aieng__bpe_blob_reserve(b, 256)) goto oom;
    for (i = 0; i <= tr.pmask; i++) tr.pkey[i] = ~(uint64_t)0;
    for (i = 0; i < 256; i++) { b->blob[i] = (unsigned char)i; toff[i] = (uint32_t)i; tlen[i] = 1; }
    b->blob_len = 256;
    tr.cur_stamp = 1;
    for (i = 0; i < tr.nw; i++) {
        aieng__bpe_tword *w = &tr.w[i];
        for (k = 0; k < w->len; k++) tr.sym[w->start + k] = s[w->off + k];
        for (k = 0; k + 1 < w->len; k++)
            if (!aieng__bpe_padd(&tr, tr.sym[w->start + k], tr.sym[w->start + k + 1], (int64_t)w->count, (uint32_t)i)) goto oom;
    }
    for (i = 0; i < tr.np; i++)
        if (!aieng__bpe_tpush(&tr, tr.pc[i], (uint32_t)i)) goto oom;
    while (done_merges < n_merges) {
        aieng__bpe_hent top;
        uint32_t A, B, N, p;
        size_t nl, oi;
        for (;;) { /* drop or refresh stale entries */
            if (tr.nh == 0) break;
            top = tr.heap[0];
            if (top.count == tr.pc[top.p]) break;
            aieng__bpe_tpop(&tr);
            if (tr.pc[top.p] > 0 && !aieng__bpe_tpush(&tr, tr.pc[top.p], top.p)) goto oom;
        }
        if (tr.nh == 0 || top.count < (int64_t)c.min_frequency || top.count <= 0) break;
        aieng__bpe_tpop(&tr);
        p = top.p;
        A = tr.pa[p];
        B = tr.pb[p];
        nl = (size_t)tlen[A] + tlen[B];
        if (nl > 65535) { tr.pc[p] = 0; continue; }
        if (!aieng__bpe_blob_reserve(b, nl)) goto oom;
        memcpy(b->blob + b->blob_len, b->blob + toff[A], tlen[A]);
        memcpy(b->blob + b->blob_len + tlen[A], b->blob + toff[B], tlen[B]);
        { /* an existing token with the same bytes (reached by another split) is reused */
            const unsigned char *nb = b->blob + b->blob_len;
            uint64_t hh = aieng__bpe_hash(aieng__bpe_word(nb, nl, nl + 8), nb, nl, nl + 8);
            size_t h;
            for (h = (size_t)(hh & tmask);; h = (h + 1) & tmask) {
                N = tslot[h];
                if (N == AIENG_BPE_NO_TOKEN) {
                    N = n_tok;
                    tslot[h] = N;
                    toff[N] = (uint32_t)b->blob_len;
                    tlen[N] = (uint32_t)nl;
                    b->blob_len += nl;
                    n_tok++;
                    done_merges++;
                    break;
                }
                if (tlen[N] == nl && memcmp(b->blob + toff[N], nb, nl) == 0) break;
            }
        }
        tr.cur_stamp++;
        tr.ntouched = 0;
        for (oi = 0; oi < tr.occ_n[p]; oi++) {
            uint32_t wi = tr.occ[p][oi], *sy;
            aieng__bpe_tword *w = &tr.w[wi];
            size_t n = w->n, j, o, nnew = 0;
            long last = -1;
            int found = 0;
            int64_t cnt = (int64_t)w->count;
            if (w->stamp == tr.cur_stamp) continue;
            w->stamp = tr.cur_stamp;
            sy = tr.sym + w->start;
            for (j = 0; j + 1 < n;) { /* old pairs around each site go */
                if (sy[j] == A && sy[j + 1] == B) {
                    long lo = (long)j - 1, hi = (long)j + 1, q;
                    if (lo <= last) lo = last + 1;
                    if (hi > (long)n - 2) hi = (long)n - 2;
                    for (q = lo; q <= hi; q++)
                        if (!aieng__bpe_padd(&tr, sy[q], sy[q + 1], -cnt, wi)) goto oom;
                    last = hi;
                    found = 1;
                    j += 2;
                } else {
                    j++;
                }
            }
            if (!found) continue;
            for (j = 0, o = 0; j < n;) {
                if (j + 1 < n && sy[j] == A && sy[j + 1] == B) { sy[o] = N; newpos[nnew++] = (uint32_t)o; o++; j += 2; }
                else sy[o++] = sy[j++];
            }
            w->n = (uint32_t)o;
            last = -1;
            for (j = 0; j < nnew; j++) { /* new pairs around each new symbol come */
                long lo = (long)newpos[j] - 1, hi = (long)newpos[j], q;
                if (lo <= last) lo = last + 1;
                if (hi > (long)o - 2) hi = (long)o - 2;
                for (q = lo; q <= hi; q++)
                    if (!aieng__bpe_padd(&tr, sy[q], sy[q + 1], cnt, wi)) goto oom;
                if (hi > last) last = hi;
            }
        }
        aieng_free(tr.a, tr.occ[p]);
        tr.occ[p] = NULL;
        tr.occ_n[p] = tr.occ_cap[p] = 0;
        tr.pc[p] = 0;
        for (oi = 0; oi < tr.ntouched; oi++)
            if (tr.pc[tr.touched[oi]] > 0 && !aieng__bpe_tpush(&tr, tr.pc[tr.touched[oi]], tr.touched[oi])) goto oom;
        if (c.progress && (done_merges % 256 == 0 || done_merges == n_merges)) c.progress(done_merges, n_merges, c.user);
    }
    if (c.progress) c.progress(done_merges, n_merges, c.user);
    ids = (uint32_t *)aieng__bpe_alloc(tr.a, (size_t)n_tok * 4);
    if (!ids || !aieng__bpe_blob_reserve(b, 0)) goto oom;
    for (i = 0; i < n_tok; i++) ids[i] = (uint32_t)i;
    memset(b->blob + b->blob_len, 0, 8);
    r = aieng__bpe_build(b, n_tok, ids, toff, tlen, n_tok, 0);
    goto done;
oom:
    r = aieng_set_error(AIENG_ERR_OOM, "aieng_bpe_train: out of memory");
done:
    aieng__bpe_trainer_free(&tr);
    aieng_free(tr.a, newpos);
    aieng_free(tr.a, toff);
    aieng_free(tr.a, tlen);
    aieng_free(tr.a, ids);
    aieng_free(tr.a, tslot);
    if (r != AIENG_OK) { aieng_bpe_free(b); return r; }
    *out = b;
    return AIENG_OK;
}

AIENG_EXTERN_C_END
#endif /* AIENG_BPE_IMPLEMENTED */
#endif /* AIENG_BPE_IMPLEMENTATION */

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
