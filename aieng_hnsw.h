/* aieng_hnsw.h - an HNSW vector index (approximate nearest neighbours) in one C header.
   v0.2.0 - MIT licence (see the end of the file).

   Hierarchical Navigable Small World graphs (Malkov & Yashunin, TPAMI 2018)
   as hnswlib builds them: a random level per node with mult = 1/ln(M), M links
   per node on the upper levels and 2·M on level 0, ef_construction, the
   neighbour-selection heuristic, greedy descent through the upper levels and a
   bounded beam search on level 0. On top of that: 64-bit labels, real
   deletion (links repaired, slots reused), update of a label, filtered search,
   optional int8 storage with float32 re-ranking, growth without a capacity,
   parallel insertion, searches concurrent with insertion, and a versioned,
   checksummed file format that refuses hostile input.

   DO THIS in exactly one C or C++ file:
       #define _POSIX_C_SOURCE 200809L      (before any include; for threads)
       #define AIENG_IMPLEMENTATION         (tensor + hnsw; or the two _IMPLEMENTATION macros)
       #include "aieng_hnsw.h"
   and link with -lm -pthread. aieng_hnsw.h includes aieng_tensor.h.

   QUICK START
       #define _POSIX_C_SOURCE 200809L
       #define AIENG_IMPLEMENTATION
       #include "aieng_hnsw.h"
       #include <stdio.h>
       int main(void) {
           aieng_hnsw_config cfg = aieng_hnsw_config_default(4, AIENG_HNSW_L2);
           aieng_hnsw *index;
           float v[4], q[4] = {10, 10, 10, 10};
           uint64_t labels[3];
           float dists[3];
           int64_t i, found;
           if (aieng_hnsw_create(&index, &cfg) != AIENG_OK) { printf("%s\n", aieng_last_error()); return 1; }
           for (i = 0; i < 100; i++) {
               v[0] = v[1] = v[2] = v[3] = (float)i;
               aieng_hnsw_add(index, 1000 + (uint64_t)i, v);      // label, vector
           }
           aieng_hnsw_search(index, q, 3, 0, labels, dists, &found); // k = 3, default ef
           for (i = 0; i < found; i++) printf("%llu %g\n", (unsigned long long)labels[i], dists[i]);
           aieng_hnsw_destroy(index);                                // prints 1010 0, 1009 4, 1011 4
           return 0;
       }

   METRICS (the distance a search returns; smaller is nearer)
     AIENG_HNSW_L2      squared Euclidean distance (no square root, as hnswlib)
     AIENG_HNSW_IP      1 - dot(q, x)
     AIENG_HNSW_COSINE  1 - cos(q, x): vectors are normalised when added
                        (aieng_hnsw_get returns the normalised vector)

   CONFIG (aieng_hnsw_config; zero means the default)
     dim              vector dimension (required, >= 1)
     metric           AIENG_HNSW_L2 (0), AIENG_HNSW_IP, AIENG_HNSW_COSINE
     M                16: links per node on levels >= 1, 2·M on level 0
     ef_construction  200: beam width while inserting (raised to at least M)
     ef_search        10: beam width of a search that passes ef = 0
     seed             100: seed of the level generator
     storage          AIENG_HNSW_F32 (0), AIENG_HNSW_INT8: the graph walk
                      reads int8 codes c (symmetric absmax, one scale s per
                      vector) and the best ef are re-ranked on
                      x' = s/256 · (256·c + r), with r an int8 residual code
                      per value (|x - x'| <= s/512, i.e. max|x| / 65024:
                      16-bit precision; 2·dim + 8 bytes a vector, about 0.55x
                      the memory of F32 at dim 784; searches, the exact one
                      included, return distances to x', get and save give x'),
                      or AIENG_HNSW_INT8_ONLY: int8 codes alone (about 0.3x the
                      memory; searches, the exact one included, rank and
                      return int8 distances; get and save give s·c)
     allocator        runtime allocator (zeroed: AIENG_MALLOC/REALLOC/FREE)

   API OVERVIEW
     life       aieng_hnsw_config_default, aieng_hnsw_create, aieng_hnsw_destroy,
                aieng_hnsw_reserve (optional), aieng_hnsw_memory_bytes,
                aieng_hnsw_count, aieng_hnsw_dim
     insert     aieng_hnsw_add (a label already present is updated),
                aieng_hnsw_add_batch (parallel, through aieng_parallel_for)
     delete     aieng_hnsw_remove (links repaired, slot reused), aieng_hnsw_compact
                (drops links left pointing at free slots), aieng_hnsw_contains,
                aieng_hnsw_get
     search     aieng_hnsw_search (k, ef), aieng_hnsw_search_ex (params: ef,
                label filter, selectivity hint, exact), aieng_hnsw_search_batch
                (parallel), aieng_hnsw_search_exact (brute force)
     files      aieng_hnsw_save, aieng_hnsw_save_size / aieng_hnsw_save_buffer,
                aieng_hnsw_load, aieng_hnsw_load_buffer, aieng_hnsw_checksum
     kernels    aieng_hnsw_quantize_i8, aieng_hnsw_dot_i8 (int8 rows: thin wrappers over
                aieng_quant.h's aieng_quant_i8_row and aieng_quant_i8_dot)

   FILTERED SEARCH
   aieng_hnsw_search_ex takes a predicate on labels. The matching fraction is
   taken from params.selectivity when given, else estimated from a sample of
   256 nodes. When few nodes match (fraction below sqrt(ef / count), or fewer
   than 4·ef matches) the search is an exact scan over the matching nodes;
   otherwise it walks the graph, returns matching nodes only, and when the
   fraction is below 0.3 also expands the neighbours of non-matching
   neighbours (two hops), so that the walk does not strand in regions where
   nothing matches. The predicate may be called from several threads at once
   in a batch search.

   THREADS AND LOCKING RULE
   - Every function may be called from any number of threads at the same
     time, except aieng_hnsw_destroy (the caller makes sure nobody else uses
     the index then).
   - aieng_hnsw_add (of a new label), aieng_hnsw_add_batch, aieng_hnsw_search*,
     aieng_hnsw_get, aieng_hnsw_contains and aieng_hnsw_count run side by
     side: searches run while other threads insert and see each new node
     once it is linked.
   - aieng_hnsw_remove, aieng_hnsw_add of a label that is already present
     (an update), aieng_hnsw_compact, aieng_hnsw_reserve, aieng_hnsw_save* and the growth of the
     storage (when an insert finds it full) take the index exclusively: they
     wait for running calls and hold new ones back (a waiting writer is not
     starved by a stream of searches).
   Inside: a reader-writer lock (shared for search and insert, exclusive for
   the above), one mutex for the label map, free list and entry point, and a
   one-byte spin lock per node taken by writers of that node's links. Searches
   read links with acquire loads and take no lock per node; a node's vector
   is written before its id is published into any link list (release store).
   Without POSIX threads (AIENG_NO_THREADS) the index is single-threaded.

   ERRORS
   Functions return aieng_result; the message is in aieng_last_error() of the
   calling thread. Loading a truncated, corrupted or hostile file returns
   AIENG_ERR_FORMAT with a message naming what is wrong; it never crashes.

   MEMORY
   An empty index allocates a few hundred bytes. Storage grows by 1.5× (or to
   aieng_hnsw_reserve's size); per node: the vector (4·dim bytes, or dim + 8
   in int8 modes plus dim residual codes for INT8), 4 + 8·M bytes of level-0
   links, a label (8), level and lock bytes, an upper-level pointer, the label
   map entry, and 4 + 4·M bytes per upper level for the 1/M of nodes that
   have them. aieng_hnsw_memory_bytes counts all of it.

   FILE FORMAT (little-endian; version 2)
     "AIENGHNS" u32 version, u32 header bytes (96), u32 metric, u32 storage,
     u64 dim, u32 M, u32 ef_construction, u32 ef_search, u32 max level,
     u64 seed, u64 rng state, u64 rng inc, u64 slots, u64 live nodes,
     u32 entry point, u32 flags
     then per slot: u8 level (255 = free), pad to 8, u64 labels, vectors
     (F32: dim f32; INT8_ONLY: f32 scale + dim int8 codes; INT8: f32 scale +
     dim codes + dim residual codes; codes in [-127, 127]), level-0 links (u32 count + 2·M u32 ids each), upper links
     (level × (u32 count + M ids) per node with level > 0), and a u64 checksum
     of everything before it (aieng_hnsw_checksum).

   VERSIONS
     0.1.0  first release
     0.2.0  INT8 storage re-ranks on int8 residual codes instead of a float32
            copy (0.45x its memory); file version 2 stores int8 codes as they
            are (version 1 files are refused: rebuild or re-save them)
*/
#ifndef AIENG_HNSW_H
#define AIENG_HNSW_H

#define AIENG_HNSW_VERSION_MAJOR 0
#define AIENG_HNSW_VERSION_MINOR 2
#define AIENG_HNSW_VERSION_PATCH 0

#include "aieng_tensor.h"
#include "aieng_quant.h"

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

typedef enum aieng_hnsw_metric { AIENG_HNSW_L2 = 0, AIENG_HNSW_IP = 1, AIENG_HNSW_COSINE = 2 } aieng_hnsw_metric;
typedef enum aieng_hnsw_storage { AIENG_HNSW_F32 = 0, AIENG_HNSW_INT8 = 1, AIENG_HNSW_INT8_ONLY = 2 } aieng_hnsw_storage;

typedef struct aieng_hnsw_config {
    int64_t dim;
    aieng_hnsw_metric metric;
    int M;               /* 0: 16 */
    int ef_construction; /* 0: 200 */
    int ef_search;       /* 0: 10 */
    uint64_t seed;       /* 0: 100 */
    aieng_hnsw_storage storage;
    aieng_allocator allocator;
} aieng_hnsw_config;

typedef struct aieng_hnsw aieng_hnsw; /* opaque */

/* A label predicate: nonzero keeps the label. */
typedef int (*aieng_hnsw_filter_fn)(uint64_t label, void *user);

typedef struct aieng_hnsw_search_params {
    int ef;                      /* 0: the index's ef_search; raised to k */
    aieng_hnsw_filter_fn filter; /* NULL: every node */
    void *filter_user;
    double selectivity;          /* hint: fraction of nodes the filter keeps (0: estimate) */
    int exact;                   /* nonzero: brute force over the storage */
} aieng_hnsw_search_params;

AIENG_API aieng_hnsw_config aieng_hnsw_config_default(int64_t dim, aieng_hnsw_metric metric);
AIENG_API aieng_result aieng_hnsw_create(aieng_hnsw **out, const aieng_hnsw_config *cfg);
AIENG_API void aieng_hnsw_destroy(aieng_hnsw *h);
/* Makes room for n nodes in total (optional: the index grows by itself). */
AIENG_API aieng_result aieng_hnsw_reserve(aieng_hnsw *h, int64_t n);
AIENG_API int64_t aieng_hnsw_count(aieng_hnsw *h);
AIENG_API int64_t aieng_hnsw_dim(const aieng_hnsw *h);
AIENG_API aieng_hnsw_config aieng_hnsw_get_config(const aieng_hnsw *h);
AIENG_API size_t aieng_hnsw_memory_bytes(aieng_hnsw *h);

/* Inserts vec (dim floats) under label; an existing label is updated. */
AIENG_API aieng_result aieng_hnsw_add(aieng_hnsw *h, uint64_t label, const float *vec);
/* Inserts n vectors (row-major, n × dim) with aieng_parallel_for; labels NULL
   means 0..n-1 plus the count before the call. */
AIENG_API aieng_result aieng_hnsw_add_batch(aieng_hnsw *h, const uint64_t *labels, const float *vecs, int64_t n);
/* Removes label: its neighbours are relinked and its slot is reused. */
AIENG_API aieng_result aieng_hnsw_remove(aieng_hnsw *h, uint64_t label);
/* Drops the links that removals left pointing at free slots, refills the
   lists that lost some (from their neighbours' neighbours, with the
   heuristic), and lets searches skip the free-slot checks again until the
   next removal. n_dropped (may be NULL): links dropped. Exclusive. Call it
   after a batch of removals and before re-inserting: once a free slot is
   reused, a link left pointing at it reaches the new node and stays. */
AIENG_API aieng_result aieng_hnsw_compact(aieng_hnsw *h, int64_t *n_dropped);
AIENG_API int aieng_hnsw_contains(aieng_hnsw *h, uint64_t label);
/* Copies the stored float32 vector of label into out (dim floats). */
AIENG_API aieng_result aieng_hnsw_get(aieng_hnsw *h, uint64_t label, float *out);

/* k nearest of q (dim floats), nearest first; *n_found (may be NULL) is the
   number written, < k when the index (or the filter) has fewer. ef 0: default. */
AIENG_API aieng_result aieng_hnsw_search(aieng_hnsw *h, const float *q, int64_t k, int ef, uint64_t *labels,
                                         float *dists, int64_t *n_found);
AIENG_API aieng_result aieng_hnsw_search_ex(aieng_hnsw *h, const float *q, int64_t k, const aieng_hnsw_search_params *p,
                                            uint64_t *labels, float *dists, int64_t *n_found);
/* Exact k nearest by a scan of every node (float32 distances). */
AIENG_API aieng_result aieng_hnsw_search_exact(aieng_hnsw *h, const float *q, int64_t k, uint64_t *labels, float *dists,
                                               int64_t *n_found);
/* nq queries (nq × dim) in parallel; row i of labels/dists (nq × k) is padded
   with label UINT64_MAX and distance INFINITY when fewer than k are found. */
AIENG_API aieng_result aieng_hnsw_search_batch(aieng_hnsw *h, const float *qs, int64_t nq, int64_t k,
                                               const aieng_hnsw_search_params *p, uint64_t *labels, float *dists);

/* Persistence. save_size gives the bytes save_buffer writes. */
AIENG_API aieng_result aieng_hnsw_save(aieng_hnsw *h, const char *path);
AIENG_API size_t aieng_hnsw_save_size(aieng_hnsw *h);
AIENG_API aieng_result aieng_hnsw_save_buffer(aieng_hnsw *h, void *buf, size_t cap);
/* allocator may be NULL (default allocator). */
AIENG_API aieng_result aieng_hnsw_load(aieng_hnsw **out, const char *path, const aieng_allocator *allocator);
AIENG_API aieng_result aieng_hnsw_load_buffer(aieng_hnsw **out, const void *buf, size_t len,
                                              const aieng_allocator *allocator);
/* The checksum stored at the end of a file, over its first n bytes. */
AIENG_API uint64_t aieng_hnsw_checksum(const void *data, size_t n);

/* int8 rows (symmetric absmax, one scale): q[i] = round(x[i] / scale),
   scale = max|x| / 127; returns scale. dot_i8 is the exact integer dot. */
AIENG_API float aieng_hnsw_quantize_i8(int8_t *q, const float *x, int64_t n);
AIENG_API int32_t aieng_hnsw_dot_i8(const int8_t *a, const int8_t *b, int64_t n);

AIENG_EXTERN_C_END
#endif /* AIENG_HNSW_H */

/* ====================================================================== */
/*                             IMPLEMENTATION                             */
/* ====================================================================== */
#if (defined(AIENG_IMPLEMENTATION) || defined(AIENG_HNSW_IMPLEMENTATION)) && !defined(AIENG_HNSW_IMPLEMENTED)
#define AIENG_HNSW_IMPLEMENTED
#if !defined(AIENG_QUANT_IMPLEMENTED) /* one TU, one copy: bring the layers below along */
#ifndef AIENG_QUANT_IMPLEMENTATION
#define AIENG_QUANT_IMPLEMENTATION
#endif
#include "aieng_quant.h"
#endif
#include <string.h>
#include <math.h>
#include <float.h>
#include <stdio.h>
#if defined(AIENG_AVX512) || defined(AIENG_AVX2)
#include <immintrin.h>
#endif
#if defined(AIENG_NEON)
#include <arm_neon.h>
#endif
#ifdef AIENG_THREADS
#include <pthread.h>
#include <sched.h>
#endif

AIENG_EXTERN_C_BEGIN

/* ---------------------------------------------------------------- atomics and locks */
#if defined(__GNUC__) || defined(__clang__)
#define AIENG__HN_LD_ACQ(p) __atomic_load_n((p), __ATOMIC_ACQUIRE)
#define AIENG__HN_ST_REL(p, v) __atomic_store_n((p), (v), __ATOMIC_RELEASE)
#define AIENG__HN_PREFETCH(p) __builtin_prefetch((const void *)(p), 0, 3)
#else
#define AIENG__HN_LD_ACQ(p) (*(p))
#define AIENG__HN_ST_REL(p, v) (*(p) = (v))
#define AIENG__HN_PREFETCH(p) ((void)(p))
#endif

#ifdef AIENG_THREADS
typedef pthread_rwlock_t aieng__hn_rwlock;
typedef pthread_mutex_t aieng__hn_mutex;
/* a writer first takes the gate, so that a stream of readers cannot starve it */
#define aieng__hn_rw_init(h) (pthread_rwlock_init(&(h)->rw, NULL), pthread_mutex_init(&(h)->gate, NULL))
#define aieng__hn_rw_destroy(h) (pthread_rwlock_destroy(&(h)->rw), pthread_mutex_destroy(&(h)->gate))
#define aieng__hn_rw_rd(h) (pthread_mutex_lock(&(h)->gate), pthread_mutex_unlock(&(h)->gate), pthread_rwlock_rdlock(&(h)->rw))
#define aieng__hn_rw_wr(h) (pthread_mutex_lock(&(h)->gate), pthread_rwlock_wrlock(&(h)->rw), pthread_mutex_unlock(&(h)->gate))
#define aieng__hn_rw_unlock(h) pthread_rwlock_unlock(&(h)->rw)
#define aieng__hn_mx_init(l) pthread_mutex_init((l), NULL)
#define aieng__hn_mx_destroy(l) pthread_mutex_destroy(l)
#define aieng__hn_mx_lock(l) pthread_mutex_lock(l)
#define aieng__hn_mx_unlock(l) pthread_mutex_unlock(l)
static void aieng__hn_spin_lock(uint8_t *l) {
    int spins = 0;
    while (__atomic_test_and_set(l, __ATOMIC_ACQUIRE)) {
        while (__atomic_load_n(l, __ATOMIC_RELAXED)) {
            if (++spins > 64) { sched_yield(); spins = 0; }
        }
    }
}
static void aieng__hn_spin_unlock(uint8_t *l) { __atomic_clear(l, __ATOMIC_RELEASE); }
#else
typedef int aieng__hn_rwlock;
typedef int aieng__hn_mutex;
#define aieng__hn_rw_init(l) ((void)(l))
#define aieng__hn_rw_destroy(l) ((void)(l))
#define aieng__hn_rw_rd(l) ((void)(l))
#define aieng__hn_rw_wr(l) ((void)(l))
#define aieng__hn_rw_unlock(l) ((void)(l))
#define aieng__hn_mx_init(l) ((void)(l))
#define aieng__hn_mx_destroy(l) ((void)(l))
#define aieng__hn_mx_lock(l) ((void)(l))
#define aieng__hn_mx_unlock(l) ((void)(l))
#define aieng__hn_spin_lock(l) ((void)(l))
#define aieng__hn_spin_unlock(l) ((void)(l))
#endif

/* ---------------------------------------------------------------- int8 kernels
   The int8 storage uses aieng_quant.h's symmetric absmax rows and its exact
   int8 · int8 dot product (VNNI / AVX2 / NEON, scalar reference); a row whose
   absmax is not finite stores zeros with scale 0. */
AIENG_API float aieng_hnsw_quantize_i8(int8_t *q, const float *x, int64_t n) {
    float d = aieng_quant_i8_row(q, x, n);
    if (!(d > 0.0f) || !(d <= FLT_MAX)) { memset(q, 0, (size_t)n); return 0.0f; }
    return d;
}

AIENG_API int32_t aieng_hnsw_dot_i8(const int8_t *a, const int8_t *b, int64_t n) {
    return (int32_t)aieng_quant_i8_dot(a, b, n);
}

/* ---------------------------------------------------------------- the index */
#define AIENG__HN_FREE_SLOT 255u
#define AIENG__HN_NONE 0xffffffffu
#define AIENG__HN_MAX_LEVEL 31
#define AIENG__HN_MAX_M 256
#define AIENG__HN_MAX_HOP2 1024

typedef struct aieng__hn_cand { float d; uint32_t id; } aieng__hn_cand;

/* Per-search working memory, kept in a pool so that searches allocate nothing. */
typedef struct aieng__hn_scratch {
    struct aieng__hn_scratch *next;
    uint16_t *visited;
    int64_t vcap;
    uint16_t tag;
    aieng__hn_cand *cand, *res;
    int64_t cand_cap, res_cap;
    float *q;     /* prepared query (normalised for cosine) */
    float *tmp;   /* dim floats: a dequantized node */
    int8_t *qi;   /* its int8 codes */
    float qscale, qnorm;
    uint32_t *ids;
    int64_t ids_cap;
} aieng__hn_scratch;

struct aieng_hnsw {
    aieng_allocator alloc;
    int64_t dim;
    int metric, storage;
    int M, maxM0, ef_construction, ef_search;
    double mult;
    uint64_t seed;
    aieng_rng rng;
    size_t vec_bytes, links0_off, size0; /* level-0 block: [vector][u32 count][maxM0 ids] */
    unsigned char *data0;
    int8_t *resid;                     /* INT8 storage: residual codes for re-ranking (dim per node) */
    uint64_t *labels;
    uint8_t *levels;                   /* AIENG__HN_FREE_SLOT for a free slot */
    uint8_t *locks;
    uint32_t **upper;                  /* level × (1 + M) u32 per node, NULL at level 0 */
    int64_t cap, n_slots, n_live;
    uint32_t *free_ids;
    int64_t n_free, free_cap;
    uint64_t *map_keys;                /* label -> slot, linear probing */
    uint32_t *map_vals;                /* AIENG__HN_NONE: empty */
    int64_t map_cap, map_n;
    uint64_t ep;                       /* (max level + 1) << 32 | entry; 0 = empty */
    int had_removals;                  /* stale links to free slots may exist */
    size_t upper_bytes;
    aieng__hn_scratch *pool;
    int64_t n_scratch;
    aieng__hn_rwlock rw;
    aieng__hn_mutex mtx, pool_mtx, gate;
};

static void *aieng__hn_h_alloc(aieng_hnsw *h, size_t n) { return aieng_alloc(&h->alloc, n ? n : 1); }
static void aieng__hn_h_free(aieng_hnsw *h, void *p) { if (p) aieng_free(&h->alloc, p); }

static float *aieng__hn_vec(const aieng_hnsw *h, uint32_t id) { return (float *)(void *)(h->data0 + (size_t)id * h->size0); }
static uint32_t *aieng__hn_links0(const aieng_hnsw *h, uint32_t id) {
    return (uint32_t *)(void *)(h->data0 + (size_t)id * h->size0 + h->links0_off);
}
static uint32_t *aieng__hn_links(const aieng_hnsw *h, uint32_t id, int level) {
    return level == 0 ? aieng__hn_links0(h, id) : h->upper[id] + (size_t)(level - 1) * (size_t)(h->M + 1);
}
static uint8_t aieng__hn_lev(const aieng_hnsw *h, uint32_t id) { return AIENG__HN_LD_ACQ(&h->levels[id]); }
static int aieng__hn_maxm(const aieng_hnsw *h, int level) { return level == 0 ? h->maxM0 : h->M; }

/* out[i] = t · c[i] (r NULL), or t · (256 · c[i] + r[i]): int8 codes, and the
   residual codes of the INT8 storage; the integer is exact in a float, so
   every path rounds once, the same way. */
static void aieng__hn_dequant(float *out, const int8_t *c, const int8_t *r, float t, int64_t n) {
    int64_t i = 0;
#if defined(AIENG_AVX512)
    const __m512 vt = _mm512_set1_ps(t);
    for (; i + 16 <= n; i += 16) {
        __m512i a = _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(const void *)(c + i)));
        if (r) a = _mm512_add_epi32(_mm512_slli_epi32(a, 8), _mm512_cvtepi8_epi32(_mm_loadu_si128((const __m128i *)(const void *)(r + i))));
        _mm512_storeu_ps(out + i, _mm512_mul_ps(_mm512_cvtepi32_ps(a), vt));
    }
#elif defined(AIENG_AVX2)
    const __m256 vt = _mm256_set1_ps(t);
    for (; i + 8 <= n; i += 8) {
        __m256i a = _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(c + i)));
        if (r) a = _mm256_add_epi32(_mm256_slli_epi32(a, 8), _mm256_cvtepi8_epi32(_mm_loadl_epi64((const __m128i *)(const void *)(r + i))));
        _mm256_storeu_ps(out + i, _mm256_mul_ps(_mm256_cvtepi32_ps(a), vt));
    }
#elif defined(AIENG_NEON)
    const float32x4_t vt = vdupq_n_f32(t);
    for (; i + 8 <= n; i += 8) {
        int16x8_t a = vmovl_s8(vld1_s8(c + i));
        if (r) a = vaddq_s16(vshlq_n_s16(a, 8), vmovl_s8(vld1_s8(r + i)));
        vst1q_f32(out + i, vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_low_s16(a))), vt));
        vst1q_f32(out + i + 4, vmulq_f32(vcvtq_f32_s32(vmovl_s16(vget_high_s16(a))), vt));
    }
#endif
    for (; i < n; i++) out[i] = t * (float)(r ? 256 * (int32_t)c[i] + (int32_t)r[i] : (int32_t)c[i]);
}
/* the float32 form of a node: the stored floats (F32), or dequantized into out:
   scale · code (INT8_ONLY), scale/256 · (256 · code + residual) (INT8) */
static const float *aieng__hn_floats(const aieng_hnsw *h, uint32_t id, float *out) {
    const float *p = aieng__hn_vec(h, id);
    if (h->storage == AIENG_HNSW_F32) return p;
    if (h->storage == AIENG_HNSW_INT8_ONLY) aieng__hn_dequant(out, (const int8_t *)(p + 2), NULL, p[0], h->dim);
    else aieng__hn_dequant(out, (const int8_t *)(p + 2), h->resid + (size_t)id * (size_t)h->dim, p[0] * (1.0f / 256.0f), h->dim);
    return out;
}

/* ---- distances. int8 block: [f32 scale][f32 |x̂|²][dim codes] */
static float aieng__hn_dist_f(int metric, const float *a, const float *b, int64_t n) {
    return metric == AIENG_HNSW_L2 ? aieng_vec_l2sq(a, b, n) : 1.0f - aieng_vec_dot(a, b, n);
}
static float aieng__hn_dist_i8(int metric, float sa, float na, const int8_t *a, float sb, float nb, const int8_t *b, int64_t n) {
    float dot = sa * sb * (float)aieng_hnsw_dot_i8(a, b, n);
    if (metric == AIENG_HNSW_L2) { float d = na + nb - 2.0f * dot; return d > 0.0f ? d : 0.0f; }
    return 1.0f - dot;
}
/* distance between two stored nodes (the representation the graph walks on) */
static float aieng__hn_dist_nodes(const aieng_hnsw *h, uint32_t a, uint32_t b) {
    if (h->storage != AIENG_HNSW_F32) {
        const float *pa = aieng__hn_vec(h, a), *pb = aieng__hn_vec(h, b);
        return aieng__hn_dist_i8(h->metric, pa[0], pa[1], (const int8_t *)(pa + 2), pb[0], pb[1], (const int8_t *)(pb + 2), h->dim);
    }
    return aieng__hn_dist_f(h->metric, aieng__hn_vec(h, a), aieng__hn_vec(h, b), h->dim);
}
/* distance from the prepared query of s to a stored node */
static float aieng__hn_dist_q(const aieng_hnsw *h, const aieng__hn_scratch *s, uint32_t id) {
    const float *p = aieng__hn_vec(h, id);
    if (h->storage != AIENG_HNSW_F32) return aieng__hn_dist_i8(h->metric, s->qscale, s->qnorm, s->qi, p[0], p[1], (const int8_t *)(p + 2), h->dim);
    return aieng__hn_dist_f(h->metric, s->q, p, h->dim);
}
#ifndef AIENG_HNSW_PREFETCH_LINES
#define AIENG_HNSW_PREFETCH_LINES 4
#endif
static void aieng__hn_prefetch_vec(const aieng_hnsw *h, uint32_t id) {
    const char *p = (const char *)aieng__hn_vec(h, id);
    int i;
    for (i = 0; i < AIENG_HNSW_PREFETCH_LINES; i++) AIENG__HN_PREFETCH(p + 64 * i);
}

/* ---- heaps of (distance, id): a min-heap of candidates, a max-heap of results */
static void aieng__hn_heap_push(aieng__hn_cand *a, int64_t *n, aieng__hn_cand c, int max_heap) {
    int64_t i = (*n)++;
    while (i > 0) {
        int64_t p = (i - 1) >> 1;
        if (max_heap ? !(a[p].d < c.d) : !(c.d < a[p].d)) break;
        a[i] = a[p];
        i = p;
    }
    a[i] = c;
}
static aieng__hn_cand aieng__hn_heap_pop(aieng__hn_cand *a, int64_t *n, int max_heap) {
    aieng__hn_cand top = a[0], last = a[--(*n)];
    int64_t i = 0, m = *n;
    for (;;) {
        int64_t c = 2 * i + 1;
        if (c >= m) break;
        if (c + 1 < m && (max_heap ? a[c].d < a[c + 1].d : a[c + 1].d < a[c].d)) c++;
        if (max_heap ? !(last.d < a[c].d) : !(a[c].d < last.d)) break;
        a[i] = a[c];
        i = c;
    }
    if (m > 0) a[i] = last;
    return top;
}
static int aieng__hn_cand_cmp(const void *x, const void *y) {
    const aieng__hn_cand *a = (const aieng__hn_cand *)x, *b = (const aieng__hn_cand *)y;
    if (a->d < b->d) return -1;
    if (b->d < a->d) return 1;
    return a->id < b->id ? -1 : (a->id > b->id);
}

/* ---- scratch pool */
static aieng_result aieng__hn_scratch_fit(aieng_hnsw *h, aieng__hn_scratch *s, int64_t ef) {
    if (s->vcap < h->cap) {
        uint16_t *v = (uint16_t *)aieng__hn_h_alloc(h, sizeof(uint16_t) * (size_t)h->cap);
        if (!v) return AIENG_ERR_OOM;
        memset(v, 0, sizeof(uint16_t) * (size_t)h->cap);
        aieng__hn_h_free(h, s->visited);
        s->visited = v;
        s->vcap = h->cap;
        s->tag = 0;
    }
    if (s->res_cap < ef + 2) {
        aieng__hn_cand *r = (aieng__hn_cand *)aieng__hn_h_alloc(h, sizeof(aieng__hn_cand) * (size_t)(ef + 2));
        if (!r) return AIENG_ERR_OOM;
        aieng__hn_h_free(h, s->res);
        s->res = r;
        s->res_cap = ef + 2;
    }
    if (s->cand_cap < 4 * ef + 64) {
        aieng__hn_cand *c = (aieng__hn_cand *)aieng__hn_h_alloc(h, sizeof(aieng__hn_cand) * (size_t)(4 * ef + 64));
        if (!c) return AIENG_ERR_OOM;
        aieng__hn_h_free(h, s->cand);
        s->cand = c;
        s->cand_cap = 4 * ef + 64;
    }
    return AIENG_OK;
}
static aieng__hn_scratch *aieng__hn_scratch_get(aieng_hnsw *h, int64_t ef) {
    aieng__hn_scratch *s;
    aieng__hn_mx_lock(&h->pool_mtx);
    s = h->pool;
    if (s) h->pool = s->next;
    aieng__hn_mx_unlock(&h->pool_mtx);
    if (!s) {
        s = (aieng__hn_scratch *)aieng__hn_h_alloc(h, sizeof(aieng__hn_scratch));
        if (!s) return NULL;
        memset(s, 0, sizeof *s);
        s->q = (float *)aieng__hn_h_alloc(h, sizeof(float) * (size_t)h->dim);
        s->qi = (int8_t *)aieng__hn_h_alloc(h, (size_t)h->dim);
        s->tmp = h->storage != AIENG_HNSW_F32 ? (float *)aieng__hn_h_alloc(h, sizeof(float) * (size_t)h->dim) : NULL;
        if (!s->q || !s->qi || (h->storage != AIENG_HNSW_F32 && !s->tmp)) {
            aieng__hn_h_free(h, s->q); aieng__hn_h_free(h, s->qi); aieng__hn_h_free(h, s->tmp); aieng__hn_h_free(h, s);
            return NULL;
        }
        aieng__hn_mx_lock(&h->pool_mtx);
        h->n_scratch++;
        aieng__hn_mx_unlock(&h->pool_mtx);
    }
    if (aieng__hn_scratch_fit(h, s, ef) != AIENG_OK) {
        aieng__hn_mx_lock(&h->pool_mtx);
        s->next = h->pool;
        h->pool = s;
        aieng__hn_mx_unlock(&h->pool_mtx);
        return NULL;
    }
    return s;
}
static void aieng__hn_scratch_put(aieng_hnsw *h, aieng__hn_scratch *s) {
    aieng__hn_mx_lock(&h->pool_mtx);
    s->next = h->pool;
    h->pool = s;
    aieng__hn_mx_unlock(&h->pool_mtx);
}
static void aieng__hn_scratch_free(aieng_hnsw *h, aieng__hn_scratch *s) {
    aieng__hn_h_free(h, s->visited); aieng__hn_h_free(h, s->cand); aieng__hn_h_free(h, s->res);
    aieng__hn_h_free(h, s->q); aieng__hn_h_free(h, s->qi); aieng__hn_h_free(h, s->tmp); aieng__hn_h_free(h, s->ids); aieng__hn_h_free(h, s);
}
static void aieng__hn_visit_begin(aieng__hn_scratch *s) {
    if (++s->tag == 0) { memset(s->visited, 0, sizeof(uint16_t) * (size_t)s->vcap); s->tag = 1; }
}
static aieng_result aieng__hn_cand_reserve(aieng_hnsw *h, aieng__hn_scratch *s, int64_t n) {
    aieng__hn_cand *c;
    int64_t nc;
    if (n <= s->cand_cap) return AIENG_OK;
    nc = s->cand_cap * 2 > n ? s->cand_cap * 2 : n;
    c = (aieng__hn_cand *)aieng__hn_h_alloc(h, sizeof(aieng__hn_cand) * (size_t)nc);
    if (!c) return AIENG_ERR_OOM;
    memcpy(c, s->cand, sizeof(aieng__hn_cand) * (size_t)s->cand_cap);
    aieng__hn_h_free(h, s->cand);
    s->cand = c;
    s->cand_cap = nc;
    return AIENG_OK;
}

/* Writes the query representation into s (normalised for cosine, codes for int8). */
static void aieng__hn_prepare_query(const aieng_hnsw *h, aieng__hn_scratch *s, const float *q) {
    memcpy(s->q, q, sizeof(float) * (size_t)h->dim);
    if (h->metric == AIENG_HNSW_COSINE) {
        float n = sqrtf(aieng_vec_dot(s->q, s->q, h->dim));
        if (n > 0.0f) aieng_vec_scale(s->q, 1.0f / n, h->dim);
    }
    if (h->storage != AIENG_HNSW_F32) {
        int32_t d;
        s->qscale = aieng_hnsw_quantize_i8(s->qi, s->q, h->dim);
        d = aieng_hnsw_dot_i8(s->qi, s->qi, h->dim);
        s->qnorm = s->qscale * s->qscale * (float)d;
    }
}

/* ---- label map (open addressing, linear probing, backward-shift deletion) */
static uint64_t aieng__hn_mix64(uint64_t x) {
    x ^= x >> 30; x *= 0xbf58476d1ce4e5b9ull;
    x ^= x >> 27; x *= 0x94d049bb133111ebull;
    return x ^ (x >> 31);
}
static uint32_t aieng__hn_map_find(const aieng_hnsw *h, uint64_t label) {
    uint64_t mask, i;
    if (!h->map_cap) return AIENG__HN_NONE;
    mask = (uint64_t)h->map_cap - 1;
    for (i = aieng__hn_mix64(label) & mask;; i = (i + 1) & mask) {
        if (h->map_vals[i] == AIENG__HN_NONE) return AIENG__HN_NONE;
        if (h->map_keys[i] == label) return h->map_vals[i];
    }
}
static void aieng__hn_map_put_raw(uint64_t *keys, uint32_t *vals, int64_t cap, uint64_t label, uint32_t id) {
    uint64_t mask = (uint64_t)cap - 1, i;
    for (i = aieng__hn_mix64(label) & mask; vals[i] != AIENG__HN_NONE && keys[i] != label; i = (i + 1) & mask) {}
    keys[i] = label;
    vals[i] = id;
}
static aieng_result aieng__hn_map_reserve(aieng_hnsw *h, int64_t n) {
    int64_t cap = h->map_cap ? h->map_cap : 16, i;
    uint64_t *keys;
    uint32_t *vals;
    while (cap * 3 < n * 4) cap *= 2; /* load factor <= 0.75 */
    if (cap == h->map_cap) return AIENG_OK;
    keys = (uint64_t *)aieng__hn_h_alloc(h, sizeof(uint64_t) * (size_t)cap);
    vals = (uint32_t *)aieng__hn_h_alloc(h, sizeof(uint32_t) * (size_t)cap);
    if (!keys || !vals) { aieng__hn_h_free(h, keys); aieng__hn_h_free(h, vals); return AIENG_ERR_OOM; }
    memset(vals, 0xff, sizeof(uint32_t) * (size_t)cap);
    for (i = 0; i < h->map_cap; i++)
        if (h->map_vals[i] != AIENG__HN_NONE) aieng__hn_map_put_raw(keys, vals, cap, h->map_keys[i], h->map_vals[i]);
    aieng__hn_h_free(h, h->map_keys);
    aieng__hn_h_free(h, h->map_vals);
    h->map_keys = keys;
    h->map_vals = vals;
    h->map_cap = cap;
    return AIENG_OK;
}
static void aieng__hn_map_erase(aieng_hnsw *h, uint64_t label) {
    uint64_t mask = (uint64_t)h->map_cap - 1, i, j, home;
    for (i = aieng__hn_mix64(label) & mask;; i = (i + 1) & mask) {
        if (h->map_vals[i] == AIENG__HN_NONE) return;
        if (h->map_keys[i] == label) break;
    }
    h->map_n--;
    for (j = i;;) { /* shift later members of the run back */
        j = (j + 1) & mask;
        if (h->map_vals[j] == AIENG__HN_NONE) break;
        home = aieng__hn_mix64(h->map_keys[j]) & mask;
        if (((j - home) & mask) >= ((j - i) & mask)) {
            h->map_keys[i] = h->map_keys[j];
            h->map_vals[i] = h->map_vals[j];
            i = j;
        }
    }
    h->map_vals[i] = AIENG__HN_NONE;
}

/* ---- life */
AIENG_API aieng_hnsw_config aieng_hnsw_config_default(int64_t dim, aieng_hnsw_metric metric) {
    aieng_hnsw_config c;
    memset(&c, 0, sizeof c);
    c.dim = dim;
    c.metric = metric;
    c.M = 16;
    c.ef_construction = 200;
    c.ef_search = 10;
    c.seed = 100;
    return c;
}

static aieng_result aieng__hn_init(aieng_hnsw *h, const aieng_hnsw_config *cfg) {
    memset(h, 0, sizeof *h);
    h->alloc = cfg->allocator;
    h->dim = cfg->dim;
    h->metric = (int)cfg->metric;
    h->storage = (int)cfg->storage;
    h->M = cfg->M ? cfg->M : 16;
    h->maxM0 = 2 * h->M;
    h->ef_construction = cfg->ef_construction ? cfg->ef_construction : 200;
    if (h->ef_construction < h->M) h->ef_construction = h->M;
    h->ef_search = cfg->ef_search ? cfg->ef_search : 10;
    h->seed = cfg->seed ? cfg->seed : 100;
    h->mult = 1.0 / log((double)h->M);
    aieng_rng_seed(&h->rng, h->seed, 0x484e5357u);
    h->vec_bytes = h->storage != AIENG_HNSW_F32 ? 8 + (((size_t)h->dim + 3) & ~(size_t)3) : sizeof(float) * (size_t)h->dim;
    h->links0_off = h->vec_bytes;
    h->size0 = h->vec_bytes + sizeof(uint32_t) * (size_t)(1 + h->maxM0);
    aieng__hn_rw_init(h);
    aieng__hn_mx_init(&h->mtx);
    aieng__hn_mx_init(&h->pool_mtx);
    return AIENG_OK;
}
static aieng_result aieng__hn_check_config(const aieng_hnsw_config *cfg) {
    if (!cfg) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw: config is NULL");
    if (cfg->dim < 1 || cfg->dim > (1 << 24)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw: dim %lld out of range [1, 2^24]", (long long)cfg->dim);
    if ((int)cfg->metric < 0 || (int)cfg->metric > 2) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw: unknown metric %d", (int)cfg->metric);
    if ((int)cfg->storage < 0 || (int)cfg->storage > 2) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw: unknown storage %d", (int)cfg->storage);
    if (cfg->M < 0 || cfg->M == 1 || cfg->M > AIENG__HN_MAX_M) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw: M %d out of range [2, 256]", cfg->M);
    if (cfg->ef_construction < 0 || cfg->ef_search < 0 || cfg->ef_construction > 1000000 || cfg->ef_search > 1000000)
        return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw: negative or huge ef");
    return AIENG_OK;
}

AIENG_API aieng_result aieng_hnsw_create(aieng_hnsw **out, const aieng_hnsw_config *cfg) {
    aieng_hnsw *h;
    aieng_result r;
    if (!out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_create: out is NULL");
    *out = NULL;
    if ((r = aieng__hn_check_config(cfg)) != AIENG_OK) return r;
    h = (aieng_hnsw *)aieng_alloc(&cfg->allocator, sizeof(aieng_hnsw));
    if (!h) return aieng_set_error(AIENG_ERR_OOM, "hnsw_create: out of memory");
    aieng__hn_init(h, cfg);
    *out = h;
    return AIENG_OK;
}

AIENG_API void aieng_hnsw_destroy(aieng_hnsw *h) {
    int64_t i;
    aieng_allocator a;
    if (!h) return;
    for (i = 0; i < h->n_slots; i++) aieng__hn_h_free(h, h->upper[i]);
    while (h->pool) { aieng__hn_scratch *s = h->pool; h->pool = s->next; aieng__hn_scratch_free(h, s); }
    aieng__hn_h_free(h, h->data0); aieng__hn_h_free(h, h->resid); aieng__hn_h_free(h, h->labels);
    aieng__hn_h_free(h, h->levels); aieng__hn_h_free(h, h->locks); aieng__hn_h_free(h, h->upper);
    aieng__hn_h_free(h, h->free_ids); aieng__hn_h_free(h, h->map_keys); aieng__hn_h_free(h, h->map_vals);
    aieng__hn_rw_destroy(h);
    aieng__hn_mx_destroy(&h->mtx);
    aieng__hn_mx_destroy(&h->pool_mtx);
    a = h->alloc;
    aieng_free(&a, h);
}

/* Grows every per-slot array to cap slots; the caller holds the index exclusively. */
static aieng_result aieng__hn_grow(aieng_hnsw *h, int64_t cap) {
    unsigned char *d0;
    int8_t *rv = NULL;
    uint64_t *lab;
    uint8_t *lev, *lk;
    uint32_t **up;
    if (cap <= h->cap) return AIENG_OK;
    if (cap > (int64_t)AIENG__HN_NONE - 1) return aieng_set_error(AIENG_ERR_OOM, "hnsw: more than 2^32 - 2 nodes");
    if ((uint64_t)cap > (uint64_t)SIZE_MAX / h->size0 / 2) return aieng_set_error(AIENG_ERR_OOM, "hnsw: index too large");
    d0 = (unsigned char *)aieng_realloc(&h->alloc, h->data0, h->size0 * (size_t)cap);
    if (!d0) return aieng_set_error(AIENG_ERR_OOM, "hnsw: out of memory growing to %lld nodes", (long long)cap);
    h->data0 = d0;
    if (h->storage == AIENG_HNSW_INT8) {
        rv = (int8_t *)aieng_realloc(&h->alloc, h->resid, (size_t)h->dim * (size_t)cap);
        if (!rv) return aieng_set_error(AIENG_ERR_OOM, "hnsw: out of memory growing to %lld nodes", (long long)cap);
        h->resid = rv;
    }
    lab = (uint64_t *)aieng_realloc(&h->alloc, h->labels, sizeof(uint64_t) * (size_t)cap);
    if (lab) h->labels = lab;
    lev = (uint8_t *)aieng_realloc(&h->alloc, h->levels, (size_t)cap);
    if (lev) h->levels = lev;
    lk = (uint8_t *)aieng_realloc(&h->alloc, h->locks, (size_t)cap);
    if (lk) h->locks = lk;
    up = (uint32_t **)aieng_realloc(&h->alloc, h->upper, sizeof(uint32_t *) * (size_t)cap);
    if (up) h->upper = up;
    if (!lab || !lev || !lk || !up) return aieng_set_error(AIENG_ERR_OOM, "hnsw: out of memory growing to %lld nodes", (long long)cap);
    memset(h->locks + h->cap, 0, (size_t)(cap - h->cap));
    memset(h->upper + h->cap, 0, sizeof(uint32_t *) * (size_t)(cap - h->cap));
    memset(h->levels + h->cap, AIENG__HN_FREE_SLOT, (size_t)(cap - h->cap));
    h->cap = cap;
    if (aieng__hn_map_reserve(h, cap) != AIENG_OK) return aieng_set_error(AIENG_ERR_OOM, "hnsw: out of memory (label map)");
    return AIENG_OK;
}

AIENG_API aieng_result aieng_hnsw_reserve(aieng_hnsw *h, int64_t n) {
    aieng_result r;
    if (!h || n < 0) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_reserve: bad argument");
    aieng__hn_rw_wr(h);
    r = aieng__hn_grow(h, n);
    aieng__hn_rw_unlock(h);
    return r;
}
AIENG_API int64_t aieng_hnsw_count(aieng_hnsw *h) {
    int64_t n;
    if (!h) return 0;
    aieng__hn_mx_lock(&h->mtx);
    n = h->n_live;
    aieng__hn_mx_unlock(&h->mtx);
    return n;
}
AIENG_API int64_t aieng_hnsw_dim(const aieng_hnsw *h) { return h ? h->dim : 0; }
AIENG_API aieng_hnsw_config aieng_hnsw_get_config(const aieng_hnsw *h) {
    aieng_hnsw_config c = aieng_hnsw_config_default(h->dim, (aieng_hnsw_metric)h->metric);
    c.M = h->M;
    c.ef_construction = h->ef_construction;
    c.ef_search = h->ef_search;
    c.seed = h->seed;
    c.storage = (aieng_hnsw_storage)h->storage;
    c.allocator = h->alloc;
    return c;
}
AIENG_API size_t aieng_hnsw_memory_bytes(aieng_hnsw *h) {
    size_t n;
    aieng__hn_scratch *s;
    if (!h) return 0;
    aieng__hn_rw_rd(h);
    aieng__hn_mx_lock(&h->mtx);
    n = sizeof(aieng_hnsw) + (size_t)h->cap * (h->size0 + sizeof(uint64_t) + 2 + sizeof(uint32_t *)) + h->upper_bytes +
        (size_t)h->free_cap * sizeof(uint32_t) + (size_t)h->map_cap * (sizeof(uint64_t) + sizeof(uint32_t));
    if (h->resid) n += (size_t)h->dim * (size_t)h->cap;
    aieng__hn_mx_unlock(&h->mtx);
    aieng__hn_mx_lock(&h->pool_mtx);
    for (s = h->pool; s; s = s->next)
        n += sizeof *s + (size_t)s->vcap * 2 + (size_t)(s->cand_cap + s->res_cap) * sizeof(aieng__hn_cand) +
             (size_t)h->dim * (s->tmp ? 9 : 5) + (size_t)s->ids_cap * 4;
    aieng__hn_mx_unlock(&h->pool_mtx);
    aieng__hn_rw_unlock(h);
    return n;
}

/* ---------------------------------------------------------------- graph search */
/* Greedy walk on one upper level: move to any closer neighbour until none is. */
/* A node measured before in this descent is skipped: *cur_d only decreases,
   so it cannot be nearer than the current node (the path is hnswlib's, with
   fewer distances). */
static uint32_t aieng__hn_greedy(const aieng_hnsw *h, aieng__hn_scratch *s, uint32_t cur, float *cur_d, int level) {
    int changed = 1;
    uint16_t *vis = s->visited, tag = s->tag;
    while (changed) {
        const uint32_t *l;
        uint32_t n, j;
        changed = 0;
        if (aieng__hn_lev(h, cur) == AIENG__HN_FREE_SLOT || (int)aieng__hn_lev(h, cur) < level) break;
        l = aieng__hn_links(h, cur, level);
        n = AIENG__HN_LD_ACQ(&l[0]);
        if (n > (uint32_t)h->M) n = (uint32_t)h->M;
        for (j = 1; j <= n; j++) { /* start every new neighbour's vector on its way */
            uint32_t c = AIENG__HN_LD_ACQ(&l[j]);
            if (c < (uint32_t)h->cap && vis[c] != tag) aieng__hn_prefetch_vec(h, c);
        }
        for (j = 1; j <= n; j++) {
            uint32_t c = AIENG__HN_LD_ACQ(&l[j]);
            float d;
            if (c >= (uint32_t)h->cap || vis[c] == tag || aieng__hn_lev(h, c) == AIENG__HN_FREE_SLOT || (int)aieng__hn_lev(h, c) < level) continue;
            vis[c] = tag;
            d = aieng__hn_dist_q(h, s, c);
            if (d < *cur_d) { *cur_d = d; cur = c; changed = 1; }
        }
    }
    return cur;
}

/* Filter context for the level-0 walk. */
typedef struct aieng__hn_filter {
    aieng_hnsw_filter_fn fn;
    void *user;
    int two_hop;
} aieng__hn_filter;

/* Bounded beam search on one level from entry ep (hnswlib's searchBaseLayer):
   leaves the best `ef` (matching the filter, if any) in s->res as a max-heap;
   returns their number. exclude: a node never returned (the one being removed). */
static int64_t aieng__hn_search_layer(aieng_hnsw *h, aieng__hn_scratch *s, uint32_t ep, float ep_d, int64_t ef, int level,
                                   const aieng__hn_filter *f, uint32_t exclude) {
    aieng__hn_cand *cand = s->cand, *res = s->res;
    int64_t nc = 0, nr = 0;
    uint16_t tag;
    uint16_t *vis = s->visited;
    const int check_free = h->had_removals || level > 0;
    const uint32_t n_slots = (uint32_t)h->cap; /* a bound only: ids come from published links */
    const int maxm = aieng__hn_maxm(h, level);
    aieng__hn_cand c;
    aieng__hn_visit_begin(s);
    tag = s->tag;
    vis[ep] = tag;
    c.d = ep_d;
    c.id = ep;
    if (ep != exclude && (!f || f->fn(h->labels[ep], f->user))) aieng__hn_heap_push(res, &nr, c, 1);
    aieng__hn_heap_push(cand, &nc, c, 0);
    while (nc > 0) {
        const uint32_t *l;
        uint32_t n, j, m = 0;
        uint32_t ids[2 * AIENG__HN_MAX_M + AIENG__HN_MAX_HOP2];
        float bound;
        c = aieng__hn_heap_pop(cand, &nc, 0);
        bound = nr ? res[0].d : FLT_MAX;
        if (c.d > bound && nr >= ef) break;
        l = aieng__hn_links(h, c.id, level);
        n = AIENG__HN_LD_ACQ(&l[0]);
        if (n > (uint32_t)maxm) n = (uint32_t)maxm;
        /* collect the unvisited neighbours, prefetching their vectors */
        for (j = 1; j <= n; j++) {
            uint32_t id = AIENG__HN_LD_ACQ(&l[j]);
            if (id >= n_slots || vis[id] == tag) continue;
            vis[id] = tag;
            if (check_free && (aieng__hn_lev(h, id) == AIENG__HN_FREE_SLOT || (int)aieng__hn_lev(h, id) < level)) continue;
            if (f && !f->fn(h->labels[id], f->user)) {
                /* two hops: the neighbours of a non-matching neighbour that match */
                const uint32_t *l2;
                uint32_t n2, j2;
                if (!f->two_hop) { ids[m++] = id | 0x80000000u; continue; }
                l2 = aieng__hn_links(h, id, level);
                n2 = AIENG__HN_LD_ACQ(&l2[0]);
                if (n2 > (uint32_t)maxm) n2 = (uint32_t)maxm;
                /* leave a place for each direct neighbour still to come */
                for (j2 = 1; j2 <= n2 && m + (n - j) < (uint32_t)(2 * AIENG__HN_MAX_M + AIENG__HN_MAX_HOP2); j2++) {
                    uint32_t id2 = AIENG__HN_LD_ACQ(&l2[j2]);
                    if (id2 >= n_slots || vis[id2] == tag) continue;
                    if (check_free && (aieng__hn_lev(h, id2) == AIENG__HN_FREE_SLOT || (int)aieng__hn_lev(h, id2) < level)) continue;
                    if (!f->fn(h->labels[id2], f->user)) continue;
                    vis[id2] = tag;
                    ids[m++] = id2;
                    aieng__hn_prefetch_vec(h, id2);
                }
                continue;
            }
            ids[m++] = id;
            aieng__hn_prefetch_vec(h, id);
        }
        if ((int64_t)(nc + m) > s->cand_cap) {
            if (aieng__hn_cand_reserve(h, s, nc + m) != AIENG_OK) break;
            cand = s->cand;
        }
        for (j = 0; j < m; j++) {
            uint32_t id = ids[j] & 0x7fffffffu;
            int candidate_only = (ids[j] & 0x80000000u) != 0;
            float d = aieng__hn_dist_q(h, s, id);
            if (nr < ef || d < res[0].d) {
                c.d = d;
                c.id = id;
                aieng__hn_heap_push(cand, &nc, c, 0);
                if (candidate_only || id == exclude) continue;
                aieng__hn_heap_push(res, &nr, c, 1);
                if (nr > ef) (void)aieng__hn_heap_pop(res, &nr, 1);
            }
        }
    }
    return nr;
}

/* Greedy descent from the entry point to level `to` + 1; returns the start for level `to`. */
static uint32_t aieng__hn_descend(aieng_hnsw *h, aieng__hn_scratch *s, uint64_t ep, int to, float *d) {
    uint32_t cur = (uint32_t)ep;
    int top = (int)(ep >> 32) - 1, l;
    *d = aieng__hn_dist_q(h, s, cur);
    aieng__hn_visit_begin(s);
    s->visited[cur] = s->tag;
    for (l = top; l > to; l--) cur = aieng__hn_greedy(h, s, cur, d, l);
    return cur;
}

/* ---------------------------------------------------------------- insertion */
/* hnswlib's getNeighborsByHeuristic2: c[0..n) sorted nearest first (distance
   to the base); keep e unless some kept r is strictly nearer to e than the
   base is. Returns the number kept (moved to the front of c). */
static int64_t aieng__hn_heuristic(const aieng_hnsw *h, aieng__hn_cand *c, int64_t n, int64_t m) {
    int64_t i, kept = 0;
    if (n <= m) return n;
    for (i = 0; i < n && kept < m; i++) {
        int64_t j;
        int good = 1;
        for (j = 0; j < kept; j++)
            if (aieng__hn_dist_nodes(h, c[i].id, c[j].id) < c[i].d) { good = 0; break; }
        if (good) c[kept++] = c[i];
    }
    return kept;
}

/* Adds `id` to the links of `n` at level; shrinks with the heuristic when full. */
static void aieng__hn_link_back(aieng_hnsw *h, uint32_t n, uint32_t id, int level) {
    uint32_t *l = aieng__hn_links(h, n, level);
    uint32_t cnt, j;
    int maxm = aieng__hn_maxm(h, level);
    aieng__hn_spin_lock(&h->locks[n]);
    cnt = l[0];
    for (j = 1; j <= cnt; j++) if (l[j] == id) { aieng__hn_spin_unlock(&h->locks[n]); return; }
    if (cnt < (uint32_t)maxm) {
        AIENG__HN_ST_REL(&l[cnt + 1], id);
        AIENG__HN_ST_REL(&l[0], cnt + 1);
    } else {
        aieng__hn_cand c[2 * AIENG__HN_MAX_M + 1];
        int64_t k, i;
        for (j = 0; j < cnt; j++) { c[j].id = l[j + 1]; c[j].d = aieng__hn_dist_nodes(h, n, c[j].id); }
        c[cnt].id = id;
        c[cnt].d = aieng__hn_dist_nodes(h, n, id);
        qsort(c, cnt + 1, sizeof(aieng__hn_cand), aieng__hn_cand_cmp);
        k = aieng__hn_heuristic(h, c, cnt + 1, maxm);
        for (i = 0; i < k; i++) AIENG__HN_ST_REL(&l[i + 1], c[i].id);
        AIENG__HN_ST_REL(&l[0], (uint32_t)k);
    }
    aieng__hn_spin_unlock(&h->locks[n]);
}

static int aieng__hn_random_level(aieng_hnsw *h) {
    double u = ((double)aieng_rng_u32(&h->rng) + 1.0) / 4294967296.0; /* (0, 1] */
    double l = -log(u) * h->mult;
    return l > AIENG__HN_MAX_LEVEL ? AIENG__HN_MAX_LEVEL : (int)l;
}

/* Writes the stored representation of v (already normalised for cosine) into slot id. */
static void aieng__hn_store_vec(aieng_hnsw *h, uint32_t id, const float *v) {
    float *p = aieng__hn_vec(h, id);
    if (h->storage != AIENG_HNSW_F32) {
        int8_t *codes = (int8_t *)(p + 2);
        p[0] = aieng_hnsw_quantize_i8(codes, v, h->dim);
        p[1] = p[0] * p[0] * (float)aieng_hnsw_dot_i8(codes, codes, h->dim);
        if (h->resid) { /* what the codes miss, in steps of scale/256: |residual| <= scale/2 */
            int8_t *r = h->resid + (size_t)id * (size_t)h->dim;
            const float sc = p[0], inv = sc > 0.0f ? 256.0f / sc : 0.0f;
            int64_t i;
            for (i = 0; i < h->dim; i++) {
                float e = (v[i] - sc * (float)codes[i]) * inv;
                if (!(e > -127.0f)) e = -127.0f;
                if (e > 127.0f) e = 127.0f;
                r[i] = (int8_t)(e >= 0.0f ? (int)(e + 0.5f) : -(int)(0.5f - e));
            }
        }
    } else {
        memcpy(p, v, sizeof(float) * (size_t)h->dim);
    }
}

/* Links a stored node into the graph (the vector is in place, the slot is
   reserved, levels[id] is set, links empty). s holds the node's query form.
   ep: the entry point read when the slot was taken. */
static aieng_result aieng__hn_connect(aieng_hnsw *h, aieng__hn_scratch *s, uint32_t id, int level, uint64_t ep) {
    int top = (int)(ep >> 32) - 1, l;
    float d;
    uint32_t cur;
    if (!ep) return AIENG_OK;
    cur = aieng__hn_descend(h, s, ep, level, &d);
    for (l = level < top ? level : top; l >= 0; l--) {
        int64_t nr = aieng__hn_search_layer(h, s, cur, d, h->ef_construction, l, NULL, id), k, i;
        aieng__hn_cand *res = s->res;
        uint32_t *own = aieng__hn_links(h, id, l);
        qsort(res, (size_t)nr, sizeof(aieng__hn_cand), aieng__hn_cand_cmp);
        k = aieng__hn_heuristic(h, res, nr, h->M);
        aieng__hn_spin_lock(&h->locks[id]);
        for (i = 0; i < k; i++) AIENG__HN_ST_REL(&own[i + 1], res[i].id);
        AIENG__HN_ST_REL(&own[0], (uint32_t)k);
        aieng__hn_spin_unlock(&h->locks[id]);
        for (i = 0; i < k; i++) aieng__hn_link_back(h, res[i].id, id, l);
        if (k > 0) { cur = res[0].id; d = res[0].d; }
    }
    return AIENG_OK;
}

/* Takes a slot for label under h->mtx; grows when needed (then *retry is set
   and nothing is taken: the caller drops its shared lock and grows). */
static uint32_t aieng__hn_take_slot(aieng_hnsw *h) {
    uint32_t id;
    if (h->n_free > 0) return h->free_ids[--h->n_free];
    if (h->n_slots >= h->cap) return AIENG__HN_NONE;
    id = (uint32_t)h->n_slots++;
    return id;
}

static aieng_result aieng__hn_remove_locked(aieng_hnsw *h, uint32_t id);

/* Inserts a new label (exclusive: the caller holds the index exclusively). */
static aieng_result aieng__hn_add(aieng_hnsw *h, uint64_t label, const float *vec, int exclusive) {
    aieng__hn_scratch *s;
    uint32_t id;
    int level, top, holds_mtx = 0;
    uint64_t ep;
    aieng_result r;
    s = aieng__hn_scratch_get(h, h->ef_construction);
    if (!s) return aieng_set_error(AIENG_ERR_OOM, "hnsw_add: out of memory");
    aieng__hn_prepare_query(h, s, vec);
    aieng__hn_mx_lock(&h->mtx);
    if (aieng__hn_map_find(h, label) != AIENG__HN_NONE) {
        aieng__hn_mx_unlock(&h->mtx);
        aieng__hn_scratch_put(h, s);
        return AIENG_ERR_STATE; /* present: the caller updates */
    }
    id = aieng__hn_take_slot(h);
    if (id == AIENG__HN_NONE) {
        aieng__hn_mx_unlock(&h->mtx);
        aieng__hn_scratch_put(h, s);
        return AIENG_ERR_RANGE; /* full: the caller grows */
    }
    aieng__hn_map_put_raw(h->map_keys, h->map_vals, h->map_cap, label, id);
    h->map_n++;
    h->n_live++;
    level = aieng__hn_random_level(h);
    ep = h->ep;
    top = (int)(ep >> 32) - 1;
    if (level > top) holds_mtx = 1; /* a new top level: hold the entry point until linked (hnswlib) */
    else aieng__hn_mx_unlock(&h->mtx);
    /* the slot is ours: fill it before anyone can reach it */
    h->labels[id] = label;
    aieng__hn_store_vec(h, id, s->q);
    aieng__hn_links0(h, id)[0] = 0;
    if (level > 0) {
        size_t bytes = sizeof(uint32_t) * (size_t)(h->M + 1) * (size_t)level;
        uint32_t *u = (uint32_t *)aieng__hn_h_alloc(h, bytes);
        int l;
        if (!u) {
            level = 0; /* degrade gracefully: keep the node on level 0 */
        } else {
            for (l = 0; l < level; l++) u[(size_t)l * (size_t)(h->M + 1)] = 0;
            h->upper[id] = u;
            if (!holds_mtx) aieng__hn_mx_lock(&h->mtx);
            h->upper_bytes += bytes;
            if (!holds_mtx) aieng__hn_mx_unlock(&h->mtx);
        }
    }
    AIENG__HN_ST_REL(&h->levels[id], (uint8_t)level);
    r = aieng__hn_connect(h, s, id, level, ep);
    if (holds_mtx) {
        if (level > top) AIENG__HN_ST_REL(&h->ep, ((uint64_t)(level + 1) << 32) | id);
        aieng__hn_mx_unlock(&h->mtx);
    }
    (void)exclusive;
    aieng__hn_scratch_put(h, s);
    return r;
}

static aieng_result aieng__hn_check_vec(const aieng_hnsw *h, const float *v, const char *what) {
    int64_t i;
    if (!v) return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: vector is NULL", what);
    for (i = 0; i < h->dim; i++)
        if (!(v[i] - v[i] == 0.0f)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: element %lld is not finite", what, (long long)i);
    return AIENG_OK;
}

AIENG_API aieng_result aieng_hnsw_add(aieng_hnsw *h, uint64_t label, const float *vec) {
    aieng_result r;
    if (!h) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_add: index is NULL");
    if ((r = aieng__hn_check_vec(h, vec, "hnsw_add")) != AIENG_OK) return r;
    aieng__hn_rw_rd(h);
    r = aieng__hn_add(h, label, vec, 0);
    aieng__hn_rw_unlock(h);
    if (r == AIENG_OK) return r;
    /* full or an update: take the index exclusively and do it there */
    aieng__hn_rw_wr(h);
    for (;;) {
        r = aieng__hn_add(h, label, vec, 1);
        if (r == AIENG_ERR_RANGE) {
            int64_t cap = h->cap < 16 ? 16 : h->cap + h->cap / 2;
            if (h->n_free > 0 || h->n_slots < h->cap) continue;
            if ((r = aieng__hn_grow(h, cap)) != AIENG_OK) break;
            continue;
        }
        if (r == AIENG_ERR_STATE) {
            uint32_t id = aieng__hn_map_find(h, label);
            if (id == AIENG__HN_NONE) continue;
            if ((r = aieng__hn_remove_locked(h, id)) != AIENG_OK) break;
            continue;
        }
        break;
    }
    aieng__hn_rw_unlock(h);
    return r;
}

typedef struct aieng__hn_batch_add {
    aieng_hnsw *h;
    const uint64_t *labels;
    const float *vecs;
    uint64_t base;
    int64_t off;
    aieng_result r;
} aieng__hn_batch_add;
static void aieng__hn_batch_add_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__hn_batch_add *b = (aieng__hn_batch_add *)ctx;
    int64_t i;
    (void)tid;
    for (i = begin + b->off; i < end + b->off; i++) {
        aieng_result r = aieng_hnsw_add(b->h, b->labels ? b->labels[i] : b->base + (uint64_t)i, b->vecs + i * b->h->dim);
        if (r != AIENG_OK) {
#if defined(__GNUC__) || defined(__clang__)
            __atomic_store_n(&b->r, r, __ATOMIC_RELAXED);
#else
            b->r = r;
#endif
        }
    }
}
AIENG_API aieng_result aieng_hnsw_add_batch(aieng_hnsw *h, const uint64_t *labels, const float *vecs, int64_t n) {
    aieng__hn_batch_add b;
    int64_t i;
    aieng_result r;
    if (!h || n < 0 || (n > 0 && !vecs)) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_add_batch: bad argument");
    if (n == 0) return AIENG_OK;
    for (i = 0; i < n; i++)
        if ((r = aieng__hn_check_vec(h, vecs + i * h->dim, "hnsw_add_batch")) != AIENG_OK) return r;
    b.h = h;
    b.labels = labels;
    b.vecs = vecs;
    b.base = (uint64_t)aieng_hnsw_count(h);
    b.r = AIENG_OK;
    b.off = 0;
    aieng__hn_rw_wr(h);
    r = aieng__hn_grow(h, h->n_slots + n - h->n_free);
    aieng__hn_rw_unlock(h);
    if (r != AIENG_OK) return r;
    /* the first node alone, so that the others find an entry point at once */
    aieng__hn_batch_add_task(&b, 0, 1, 0);
    b.off = 1;
    aieng_parallel_for(n - 1, 1, aieng__hn_batch_add_task, &b);
    return b.r == AIENG_OK ? AIENG_OK : aieng_set_error(b.r, "hnsw_add_batch: an insertion failed (%s)", aieng_result_string(b.r));
}

/* ---------------------------------------------------------------- deletion */
/* Relinks p at level l without `gone`: its other links plus gone's links,
   chosen again with the heuristic. */
static void aieng__hn_repair(aieng_hnsw *h, uint32_t p, uint32_t gone, int l) {
    aieng__hn_cand c[4 * AIENG__HN_MAX_M + 2];
    uint32_t *lp = aieng__hn_links(h, p, l), *lg = aieng__hn_links(h, gone, l);
    uint32_t np = lp[0], ng = lg[0], j;
    int64_t n = 0, i, k;
    for (j = 1; j <= np; j++)
        if (lp[j] != gone) c[n++].id = lp[j];
    for (j = 1; j <= ng; j++) {
        uint32_t q = lg[j];
        int dup = 0;
        if (q == p || h->levels[q] == AIENG__HN_FREE_SLOT || (int)h->levels[q] < l) continue;
        for (i = 0; i < n; i++) if (c[i].id == q) { dup = 1; break; }
        if (!dup) c[n++].id = q;
    }
    for (i = 0; i < n; i++) c[i].d = aieng__hn_dist_nodes(h, p, c[i].id);
    qsort(c, (size_t)n, sizeof(aieng__hn_cand), aieng__hn_cand_cmp);
    k = aieng__hn_heuristic(h, c, n, aieng__hn_maxm(h, l));
    for (i = 0; i < k; i++) AIENG__HN_ST_REL(&lp[i + 1], c[i].id);
    AIENG__HN_ST_REL(&lp[0], (uint32_t)k);
}
static int aieng__hn_links_to(const aieng_hnsw *h, uint32_t p, uint32_t id, int l) {
    const uint32_t *lp = aieng__hn_links(h, p, l);
    uint32_t j;
    for (j = 1; j <= lp[0]; j++) if (lp[j] == id) return 1;
    return 0;
}

/* Removes node id; the caller holds the index exclusively. The nodes that
   link to it are found among its own neighbours and by a search for its
   vector on every level it has (the graph is nearly symmetric); each is
   relinked. A link from a node that escaped both is left pointing at the
   free slot, and every walk skips free slots. */
static aieng_result aieng__hn_remove_locked(aieng_hnsw *h, uint32_t id) {
    int L = h->levels[id], l, top;
    uint64_t ep = h->ep;
    aieng__hn_scratch *s;
    top = (int)(ep >> 32) - 1;
    if (h->n_live > 1) {
        float d;
        uint32_t cur;
        s = aieng__hn_scratch_get(h, h->ef_construction);
        if (!s) return aieng_set_error(AIENG_ERR_OOM, "hnsw_remove: out of memory");
        if (!s->ids || s->ids_cap < h->ef_construction + 2 * AIENG__HN_MAX_M) {
            uint32_t *ids = (uint32_t *)aieng__hn_h_alloc(h, sizeof(uint32_t) * (size_t)(h->ef_construction + 2 * AIENG__HN_MAX_M));
            if (!ids) { aieng__hn_scratch_put(h, s); return aieng_set_error(AIENG_ERR_OOM, "hnsw_remove: out of memory"); }
            aieng__hn_h_free(h, s->ids);
            s->ids = ids;
            s->ids_cap = h->ef_construction + 2 * AIENG__HN_MAX_M;
        }
        aieng__hn_prepare_query(h, s, aieng__hn_floats(h, id, s->tmp));
        cur = aieng__hn_descend(h, s, ep, L, &d);
        for (l = L < top ? L : top; l >= 0; l--) {
            int64_t nr = aieng__hn_search_layer(h, s, cur, d, h->ef_construction, l, NULL, id), m = 0, i;
            const uint32_t *own = aieng__hn_links(h, id, l);
            uint32_t j;
            float best = FLT_MAX;
            for (i = 0; i < nr; i++) {
                s->ids[m++] = s->res[i].id;
                if (s->res[i].d < best) { best = s->res[i].d; cur = s->res[i].id; d = best; }
            }
            for (j = 1; j <= own[0]; j++) {
                uint32_t q = own[j];
                int dup = 0;
                if (h->levels[q] == AIENG__HN_FREE_SLOT || (int)h->levels[q] < l) continue;
                for (i = 0; i < m; i++) if (s->ids[i] == q) { dup = 1; break; }
                if (!dup) s->ids[m++] = q;
            }
            for (i = 0; i < m; i++)
                if (s->ids[i] != id && aieng__hn_links_to(h, s->ids[i], id, l)) aieng__hn_repair(h, s->ids[i], id, l);
            if (nr == 0) cur = (uint32_t)ep;
        }
        aieng__hn_scratch_put(h, s);
    }
    /* a new entry point when this was it: the first node of the highest level */
    if ((uint32_t)ep == id) {
        int64_t i, best = -1;
        int bl = -1;
        for (i = 0; i < h->n_slots; i++)
            if ((uint32_t)i != id && h->levels[i] != AIENG__HN_FREE_SLOT && (int)h->levels[i] > bl) { bl = h->levels[i]; best = i; }
        AIENG__HN_ST_REL(&h->ep, best < 0 ? (uint64_t)0 : ((uint64_t)(bl + 1) << 32) | (uint64_t)best);
    }
    if (h->upper[id]) {
        h->upper_bytes -= sizeof(uint32_t) * (size_t)(h->M + 1) * (size_t)L;
        aieng__hn_h_free(h, h->upper[id]);
        h->upper[id] = NULL;
    }
    aieng__hn_links0(h, id)[0] = 0;
    h->levels[id] = AIENG__HN_FREE_SLOT;
    aieng__hn_map_erase(h, h->labels[id]);
    if (h->n_free >= h->free_cap) {
        int64_t nc = h->free_cap < 16 ? 16 : h->free_cap * 2;
        uint32_t *f = (uint32_t *)aieng_realloc(&h->alloc, h->free_ids, sizeof(uint32_t) * (size_t)nc);
        if (f) { h->free_ids = f; h->free_cap = nc; }
    }
    if (h->n_free < h->free_cap) h->free_ids[h->n_free++] = id; /* else the slot stays unused */
    h->n_live--;
    h->had_removals = 1;
    return AIENG_OK;
}

/* node p's list on level l: live targets of level >= l only, refilled from two hops when it lost any */
static int64_t aieng__hn_compact_list(aieng_hnsw *h, uint32_t p, int l) {
    aieng__hn_cand c[4 * AIENG__HN_MAX_M + 2];
    uint32_t *lp = aieng__hn_links(h, p, l), j, j2;
    const uint32_t ns = (uint32_t)h->n_slots, cap = 4 * AIENG__HN_MAX_M + 2;
    int64_t n = 0, i, k, dropped = 0;
#define AIENG__HN_OK_TARGET(q) ((q) < ns && (q) != p && h->levels[q] != AIENG__HN_FREE_SLOT && (int)h->levels[q] >= l)
    for (j = 1; j <= lp[0]; j++) {
        if (AIENG__HN_OK_TARGET(lp[j])) c[n++].id = lp[j];
        else dropped++;
    }
    if (!dropped) return 0;
    for (i = 0, k = n; i < k && (uint32_t)n < cap; i++) {
        const uint32_t *l2 = aieng__hn_links(h, c[i].id, l);
        for (j2 = 1; j2 <= l2[0] && (uint32_t)n < cap; j2++) {
            uint32_t q = l2[j2];
            int64_t t;
            int dup = 0;
            if (!AIENG__HN_OK_TARGET(q)) continue;
            for (t = 0; t < n; t++) if (c[t].id == q) { dup = 1; break; }
            if (!dup) c[n++].id = q;
        }
    }
#undef AIENG__HN_OK_TARGET
    for (i = 0; i < n; i++) c[i].d = aieng__hn_dist_nodes(h, p, c[i].id);
    qsort(c, (size_t)n, sizeof(aieng__hn_cand), aieng__hn_cand_cmp);
    k = aieng__hn_heuristic(h, c, n, aieng__hn_maxm(h, l));
    for (i = 0; i < k; i++) AIENG__HN_ST_REL(&lp[i + 1], c[i].id);
    AIENG__HN_ST_REL(&lp[0], (uint32_t)k);
    return dropped;
}
AIENG_API aieng_result aieng_hnsw_compact(aieng_hnsw *h, int64_t *n_dropped) {
    int64_t i, dropped = 0;
    if (n_dropped) *n_dropped = 0;
    if (!h) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_compact: index is NULL");
    aieng__hn_rw_wr(h);
    if (h->had_removals) {
        for (i = 0; i < h->n_slots; i++) {
            int l, lv = h->levels[i];
            if (lv == AIENG__HN_FREE_SLOT) continue;
            for (l = 0; l <= lv; l++) dropped += aieng__hn_compact_list(h, (uint32_t)i, l);
        }
        h->had_removals = 0;
    }
    aieng__hn_rw_unlock(h);
    if (n_dropped) *n_dropped = dropped;
    return AIENG_OK;
}

AIENG_API aieng_result aieng_hnsw_remove(aieng_hnsw *h, uint64_t label) {
    uint32_t id;
    aieng_result r;
    if (!h) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_remove: index is NULL");
    aieng__hn_rw_wr(h);
    id = aieng__hn_map_find(h, label);
    r = id == AIENG__HN_NONE ? aieng_set_error(AIENG_ERR_RANGE, "hnsw_remove: label %llu not in the index", (unsigned long long)label)
                          : aieng__hn_remove_locked(h, id);
    aieng__hn_rw_unlock(h);
    return r;
}
AIENG_API int aieng_hnsw_contains(aieng_hnsw *h, uint64_t label) {
    uint32_t id;
    if (!h) return 0;
    aieng__hn_mx_lock(&h->mtx);
    id = aieng__hn_map_find(h, label);
    aieng__hn_mx_unlock(&h->mtx);
    return id != AIENG__HN_NONE;
}
AIENG_API aieng_result aieng_hnsw_get(aieng_hnsw *h, uint64_t label, float *out) {
    uint32_t id;
    if (!h || !out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_get: bad argument");
    aieng__hn_rw_rd(h);
    aieng__hn_mx_lock(&h->mtx);
    id = aieng__hn_map_find(h, label);
    aieng__hn_mx_unlock(&h->mtx);
    /* a slot in the map may still be being filled by another thread */
    if (id != AIENG__HN_NONE && AIENG__HN_LD_ACQ(&h->levels[id]) != AIENG__HN_FREE_SLOT)
        if (h->storage != AIENG_HNSW_F32) (void)aieng__hn_floats(h, id, out);
        else memcpy(out, aieng__hn_vec(h, id), sizeof(float) * (size_t)h->dim);
    else id = AIENG__HN_NONE;
    aieng__hn_rw_unlock(h);
    return id == AIENG__HN_NONE ? aieng_set_error(AIENG_ERR_RANGE, "hnsw_get: label %llu not in the index", (unsigned long long)label) : AIENG_OK;
}

/* ---------------------------------------------------------------- search */
static void aieng__hn_emit(const aieng_hnsw *h, aieng__hn_cand *res, int64_t nr, int64_t k, uint64_t *labels, float *dists,
                        int64_t *n_found) {
    int64_t i;
    qsort(res, (size_t)nr, sizeof(aieng__hn_cand), aieng__hn_cand_cmp);
    if (nr > k) nr = k;
    for (i = 0; i < nr; i++) {
        if (labels) labels[i] = h->labels[res[i].id];
        if (dists) dists[i] = res[i].d;
    }
    if (n_found) *n_found = nr;
}

/* Exact scan over every live node (with the filter); float32 distances. */
static int64_t aieng__hn_scan(aieng_hnsw *h, aieng__hn_scratch *s, int64_t k, const aieng__hn_filter *f) {
    int64_t i, nr = 0, n;
    aieng__hn_mx_lock(&h->mtx);
    n = h->n_slots;
    aieng__hn_mx_unlock(&h->mtx);
    for (i = 0; i < n; i++) {
        aieng__hn_cand c;
        if (AIENG__HN_LD_ACQ(&h->levels[i]) == AIENG__HN_FREE_SLOT) continue;
        if (f && !f->fn(h->labels[i], f->user)) continue;
        c.d = h->storage == AIENG_HNSW_INT8_ONLY ? aieng__hn_dist_q(h, s, (uint32_t)i)
                                                 : aieng__hn_dist_f(h->metric, s->q, aieng__hn_floats(h, (uint32_t)i, s->tmp), h->dim);
        c.id = (uint32_t)i;
        if (nr < k) aieng__hn_heap_push(s->res, &nr, c, 1);
        else if (c.d < s->res[0].d) { (void)aieng__hn_heap_pop(s->res, &nr, 1); aieng__hn_heap_push(s->res, &nr, c, 1); }
    }
    return nr;
}

/* Fraction of live nodes the filter keeps, from a sample of up to 256. */
static double aieng__hn_estimate(aieng_hnsw *h, const aieng__hn_filter *f) {
    int64_t n, i, step, live = 0, keep = 0;
    aieng__hn_mx_lock(&h->mtx);
    n = h->n_slots;
    aieng__hn_mx_unlock(&h->mtx);
    step = n / 256 > 0 ? n / 256 : 1;
    for (i = step / 2; i < n; i += step) {
        if (AIENG__HN_LD_ACQ(&h->levels[i]) == AIENG__HN_FREE_SLOT) continue;
        live++;
        keep += f->fn(h->labels[i], f->user) != 0;
    }
    return live ? (double)keep / (double)live : 1.0;
}

static aieng_result aieng__hn_search(aieng_hnsw *h, const float *q, int64_t k, const aieng_hnsw_search_params *p, uint64_t *labels,
                                  float *dists, int64_t *n_found) {
    aieng__hn_scratch *s;
    aieng__hn_filter f, *fp = NULL;
    int64_t ef, nr, n_live;
    int exact = p && p->exact;
    uint64_t ep;
    if (n_found) *n_found = 0;
    ef = p && p->ef > 0 ? p->ef : h->ef_search;
    if (ef < k) ef = k;
    n_live = aieng_hnsw_count(h);
    if (n_live == 0) return AIENG_OK;
    if (p && p->filter) {
        double sel = p->selectivity > 0.0 && p->selectivity <= 1.0 ? p->selectivity : -1.0;
        f.fn = p->filter;
        f.user = p->filter_user;
        fp = &f;
        if (sel < 0.0) sel = aieng__hn_estimate(h, &f);
        f.two_hop = sel < 0.3;
        if (sel * (double)n_live < 4.0 * (double)ef || sel * sel * (double)n_live < (double)ef) exact = 1;
    }
    s = aieng__hn_scratch_get(h, exact ? k : ef);
    if (!s) return aieng_set_error(AIENG_ERR_OOM, "hnsw_search: out of memory");
    aieng__hn_prepare_query(h, s, q);
    if (exact) {
        nr = aieng__hn_scan(h, s, k, fp);
    } else {
        float d;
        uint32_t cur;
        ep = AIENG__HN_LD_ACQ(&h->ep);
        if (!ep) { aieng__hn_scratch_put(h, s); return AIENG_OK; }
        cur = aieng__hn_descend(h, s, ep, 0, &d);
        nr = aieng__hn_search_layer(h, s, cur, d, ef, 0, fp, AIENG__HN_NONE);
        if (h->storage == AIENG_HNSW_INT8) { /* re-rank the ef best on codes + residuals */
            int64_t i;
            for (i = 0; i < nr; i++) s->res[i].d = aieng__hn_dist_f(h->metric, s->q, aieng__hn_floats(h, s->res[i].id, s->tmp), h->dim);
        }
    }
    aieng__hn_emit(h, s->res, nr, k, labels, dists, n_found);
    aieng__hn_scratch_put(h, s);
    return AIENG_OK;
}

static aieng_result aieng__hn_check_search(aieng_hnsw *h, const float *q, int64_t k, const char *what) {
    if (!h || !q) return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: index or query is NULL", what);
    if (k < 1 || k > 1000000) return aieng_set_error(AIENG_ERR_INVALID_ARG, "%s: k = %lld out of range", what, (long long)k);
    return aieng__hn_check_vec(h, q, what);
}

AIENG_API aieng_result aieng_hnsw_search_ex(aieng_hnsw *h, const float *q, int64_t k, const aieng_hnsw_search_params *p,
                                            uint64_t *labels, float *dists, int64_t *n_found) {
    aieng_result r = aieng__hn_check_search(h, q, k, "hnsw_search");
    if (r != AIENG_OK) { if (n_found) *n_found = 0; return r; }
    aieng__hn_rw_rd(h);
    r = aieng__hn_search(h, q, k, p, labels, dists, n_found);
    aieng__hn_rw_unlock(h);
    return r;
}
AIENG_API aieng_result aieng_hnsw_search(aieng_hnsw *h, const float *q, int64_t k, int ef, uint64_t *labels, float *dists,
                                         int64_t *n_found) {
    aieng_hnsw_search_params p;
    memset(&p, 0, sizeof p);
    p.ef = ef;
    return aieng_hnsw_search_ex(h, q, k, &p, labels, dists, n_found);
}
AIENG_API aieng_result aieng_hnsw_search_exact(aieng_hnsw *h, const float *q, int64_t k, uint64_t *labels, float *dists,
                                               int64_t *n_found) {
    aieng_hnsw_search_params p;
    memset(&p, 0, sizeof p);
    p.exact = 1;
    return aieng_hnsw_search_ex(h, q, k, &p, labels, dists, n_found);
}

typedef struct aieng__hn_batch_search {
    aieng_hnsw *h;
    const float *qs;
    int64_t k;
    const aieng_hnsw_search_params *p;
    uint64_t *labels;
    float *dists;
    aieng_result r;
} aieng__hn_batch_search;
static void aieng__hn_batch_search_task(void *ctx, int64_t begin, int64_t end, int tid) {
    aieng__hn_batch_search *b = (aieng__hn_batch_search *)ctx;
    int64_t i, j, nf;
    (void)tid;
    for (i = begin; i < end; i++) {
        uint64_t *lab = b->labels + i * b->k;
        float *dst = b->dists ? b->dists + i * b->k : NULL;
        aieng_result r = aieng__hn_search(b->h, b->qs + i * b->h->dim, b->k, b->p, lab, dst, &nf);
        if (r != AIENG_OK) {
            nf = 0;
#if defined(__GNUC__) || defined(__clang__)
            __atomic_store_n(&b->r, r, __ATOMIC_RELAXED);
#else
            b->r = r;
#endif
        }
        for (j = nf; j < b->k; j++) { lab[j] = UINT64_MAX; if (dst) dst[j] = (float)INFINITY; }
    }
}
AIENG_API aieng_result aieng_hnsw_search_batch(aieng_hnsw *h, const float *qs, int64_t nq, int64_t k,
                                               const aieng_hnsw_search_params *p, uint64_t *labels, float *dists) {
    aieng__hn_batch_search b;
    int64_t i;
    aieng_result r;
    if (!h || nq < 0 || (nq > 0 && (!qs || !labels))) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_search_batch: bad argument");
    for (i = 0; i < nq; i++)
        if ((r = aieng__hn_check_search(h, qs + i * h->dim, k, "hnsw_search_batch")) != AIENG_OK) return r;
    b.h = h; b.qs = qs; b.k = k; b.p = p; b.labels = labels; b.dists = dists; b.r = AIENG_OK;
    aieng__hn_rw_rd(h);
    aieng_parallel_for(nq, 1, aieng__hn_batch_search_task, &b);
    aieng__hn_rw_unlock(h);
    return b.r == AIENG_OK ? AIENG_OK : aieng_set_error(b.r, "hnsw_search_batch: out of memory");
}

/* ---------------------------------------------------------------- persistence */
#define AIENG__HN_HNSW_MAGIC "AIENGHNS"
#define AIENG__HN_HNSW_FILE_VERSION 2u
#define AIENG__HN_HNSW_HEADER 96u

/* A streaming 64-bit hash in the manner of xxHash64: four lanes over 32-byte
   blocks, then the tail and an avalanche. */
typedef struct aieng__hn_hash { uint64_t v[4], total; unsigned char buf[32]; size_t nbuf; } aieng__hn_hash;
#define AIENG__HN_P1 0x9E3779B185EBCA87ull
#define AIENG__HN_P2 0xC2B2AE3D27D4EB4Full
static uint64_t aieng__hn_rotl(uint64_t x, int r) { return (x << r) | (x >> (64 - r)); }
static uint64_t aieng__hn_rd64(const unsigned char *p) {
    return (uint64_t)p[0] | (uint64_t)p[1] << 8 | (uint64_t)p[2] << 16 | (uint64_t)p[3] << 24 | (uint64_t)p[4] << 32 |
           (uint64_t)p[5] << 40 | (uint64_t)p[6] << 48 | (uint64_t)p[7] << 56;
}
static uint32_t aieng__hn_rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static void aieng__hn_hash_init(aieng__hn_hash *x) {
    x->v[0] = AIENG__HN_P1 + AIENG__HN_P2; x->v[1] = AIENG__HN_P2; x->v[2] = 0; x->v[3] = 0 - AIENG__HN_P1;
    x->total = 0; x->nbuf = 0;
}
static void aieng__hn_hash_block(aieng__hn_hash *x, const unsigned char *p) {
    int i;
    for (i = 0; i < 4; i++) x->v[i] = aieng__hn_rotl(x->v[i] + aieng__hn_rd64(p + 8 * i) * AIENG__HN_P2, 31) * AIENG__HN_P1;
}
static void aieng__hn_hash_update(aieng__hn_hash *x, const void *data, size_t n) {
    const unsigned char *p = (const unsigned char *)data;
    x->total += n;
    if (x->nbuf) {
        size_t t = 32 - x->nbuf < n ? 32 - x->nbuf : n;
        memcpy(x->buf + x->nbuf, p, t);
        x->nbuf += t; p += t; n -= t;
        if (x->nbuf < 32) return;
        aieng__hn_hash_block(x, x->buf);
        x->nbuf = 0;
    }
    for (; n >= 32; p += 32, n -= 32) aieng__hn_hash_block(x, p);
    memcpy(x->buf, p, n);
    x->nbuf = n;
}
static uint64_t aieng__hn_hash_final(const aieng__hn_hash *x) {
    uint64_t r = aieng__hn_rotl(x->v[0], 1) + aieng__hn_rotl(x->v[1], 7) + aieng__hn_rotl(x->v[2], 12) + aieng__hn_rotl(x->v[3], 18);
    size_t i;
    r ^= x->total * AIENG__HN_P1;
    for (i = 0; i < x->nbuf; i++) r = aieng__hn_rotl(r ^ (x->buf[i] * AIENG__HN_P1), 11) * AIENG__HN_P2;
    return aieng__hn_mix64(r);
}
AIENG_API uint64_t aieng_hnsw_checksum(const void *data, size_t n) {
    aieng__hn_hash x;
    aieng__hn_hash_init(&x);
    aieng__hn_hash_update(&x, data, n);
    return aieng__hn_hash_final(&x);
}

/* Where save writes: a FILE or a buffer, hashing as it goes. */
typedef struct aieng__hn_sink { FILE *f; unsigned char *buf; size_t cap, n; aieng__hn_hash hash; int err; } aieng__hn_sink;
static void aieng__hn_put(aieng__hn_sink *k, const void *p, size_t n) {
    if (k->err || n == 0) return;
    aieng__hn_hash_update(&k->hash, p, n);
    if (k->f) { if (fwrite(p, 1, n, k->f) != n) k->err = 1; }
    else if (k->buf) { if (k->cap - k->n < n) k->err = 1; else memcpy(k->buf + k->n, p, n); }
    k->n += n;
}
static void aieng__hn_put32(aieng__hn_sink *k, uint32_t v) {
    unsigned char b[4];
    b[0] = (unsigned char)v; b[1] = (unsigned char)(v >> 8); b[2] = (unsigned char)(v >> 16); b[3] = (unsigned char)(v >> 24);
    aieng__hn_put(k, b, 4);
}
static void aieng__hn_put64(aieng__hn_sink *k, uint64_t v) { aieng__hn_put32(k, (uint32_t)v); aieng__hn_put32(k, (uint32_t)(v >> 32)); }
static int aieng__hn_little_endian(void) { const uint16_t one = 1; return *(const unsigned char *)&one == 1; }
/* u32 / f32 arrays in little-endian order */
static void aieng__hn_put_words(aieng__hn_sink *k, const void *p, size_t n_words) {
    if (aieng__hn_little_endian()) { aieng__hn_put(k, p, n_words * 4); return; }
    { const uint32_t *w = (const uint32_t *)p; size_t i; for (i = 0; i < n_words; i++) aieng__hn_put32(k, w[i]); }
}

/* bytes of one node's vector in the file: f32 values, or f32 scale + int8 codes (+ int8 residuals) */
static size_t aieng__hn_file_vec_bytes(int storage, uint64_t dim) {
    return storage == AIENG_HNSW_F32 ? 4 * (size_t)dim : 4 + (size_t)dim * (storage == AIENG_HNSW_INT8 ? 2 : 1);
}
static void aieng__hn_write(aieng_hnsw *h, aieng__hn_sink *k) {
    int64_t i;
    static const unsigned char zeros[64] = {0};
    uint64_t ck;
    float *zv = NULL;
    aieng__hn_put(k, AIENG__HN_HNSW_MAGIC, 8);
    aieng__hn_put32(k, AIENG__HN_HNSW_FILE_VERSION);
    aieng__hn_put32(k, AIENG__HN_HNSW_HEADER);
    aieng__hn_put32(k, (uint32_t)h->metric);
    aieng__hn_put32(k, (uint32_t)h->storage);
    aieng__hn_put64(k, (uint64_t)h->dim);
    aieng__hn_put32(k, (uint32_t)h->M);
    aieng__hn_put32(k, (uint32_t)h->ef_construction);
    aieng__hn_put32(k, (uint32_t)h->ef_search);
    aieng__hn_put32(k, (uint32_t)(h->ep >> 32));
    aieng__hn_put64(k, h->seed);
    aieng__hn_put64(k, h->rng.state);
    aieng__hn_put64(k, h->rng.inc);
    aieng__hn_put64(k, (uint64_t)h->n_slots);
    aieng__hn_put64(k, (uint64_t)h->n_live);
    aieng__hn_put32(k, (uint32_t)h->ep);
    aieng__hn_put32(k, h->had_removals ? 1u : 0u);
    aieng__hn_put(k, h->levels, (size_t)h->n_slots);
    aieng__hn_put(k, zeros, (size_t)((8 - h->n_slots % 8) % 8));
    for (i = 0; i < h->n_slots; i++) aieng__hn_put64(k, h->levels[i] == AIENG__HN_FREE_SLOT ? 0 : h->labels[i]);
    for (i = 0; i < h->n_slots; i++) {
        const float *p = aieng__hn_vec(h, (uint32_t)i);
        if (h->levels[i] == AIENG__HN_FREE_SLOT) {
            size_t j, vsz = aieng__hn_file_vec_bytes(h->storage, h->dim);
            for (j = 0; j < vsz; j += 64) aieng__hn_put(k, zeros, vsz - j < 64 ? vsz - j : 64);
        } else if (h->storage == AIENG_HNSW_F32) {
            aieng__hn_put_words(k, p, (size_t)h->dim);
        } else { /* scale, codes, residual codes (INT8) */
            aieng__hn_put_words(k, p, 1);
            aieng__hn_put(k, p + 2, (size_t)h->dim);
            if (h->storage == AIENG_HNSW_INT8) aieng__hn_put(k, h->resid + (size_t)i * (size_t)h->dim, (size_t)h->dim);
        }
    }
    for (i = 0; i < h->n_slots; i++) {
        const uint32_t *l = aieng__hn_links0(h, (uint32_t)i);
        uint32_t j, n = h->levels[i] == AIENG__HN_FREE_SLOT ? 0 : l[0];
        aieng__hn_put32(k, n);
        for (j = 1; j <= (uint32_t)h->maxM0; j++) aieng__hn_put32(k, j <= n ? l[j] : 0);
    }
    for (i = 0; i < h->n_slots; i++)
        if (h->levels[i] != AIENG__HN_FREE_SLOT && h->levels[i] > 0) {
            int l;
            for (l = 1; l <= h->levels[i]; l++) { /* count, ids, zeros after them */
                const uint32_t *u = aieng__hn_links(h, (uint32_t)i, l);
                uint32_t j;
                aieng__hn_put32(k, u[0]);
                for (j = 1; j <= (uint32_t)h->M; j++) aieng__hn_put32(k, j <= u[0] ? u[j] : 0);
            }
        }
    (void)zv;
    ck = aieng__hn_hash_final(&k->hash);
    {
        unsigned char b[8];
        int j;
        for (j = 0; j < 8; j++) b[j] = (unsigned char)(ck >> (8 * j));
        if (!k->err) {
            if (k->f) { if (fwrite(b, 1, 8, k->f) != 8) k->err = 1; }
            else if (k->buf) { if (k->cap - k->n < 8) k->err = 1; else memcpy(k->buf + k->n, b, 8); }
        }
        k->n += 8;
    }
}

AIENG_API size_t aieng_hnsw_save_size(aieng_hnsw *h) {
    aieng__hn_sink k;
    if (!h) return 0;
    memset(&k, 0, sizeof k);
    aieng__hn_hash_init(&k.hash);
    aieng__hn_rw_wr(h);
    {   /* count without writing */
        int64_t i;
        size_t n = AIENG__HN_HNSW_HEADER + (size_t)h->n_slots + (size_t)((8 - h->n_slots % 8) % 8) + 8 * (size_t)h->n_slots +
                   aieng__hn_file_vec_bytes(h->storage, (uint64_t)h->dim) * (size_t)h->n_slots +
                   4 * (size_t)(1 + h->maxM0) * (size_t)h->n_slots + 8;
        for (i = 0; i < h->n_slots; i++)
            if (h->levels[i] != AIENG__HN_FREE_SLOT) n += 4 * (size_t)(h->M + 1) * h->levels[i];
        k.n = n;
    }
    aieng__hn_rw_unlock(h);
    return k.n;
}
AIENG_API aieng_result aieng_hnsw_save_buffer(aieng_hnsw *h, void *buf, size_t cap) {
    aieng__hn_sink k;
    if (!h || !buf) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_save_buffer: bad argument");
    memset(&k, 0, sizeof k);
    k.buf = (unsigned char *)buf;
    k.cap = cap;
    aieng__hn_hash_init(&k.hash);
    aieng__hn_rw_wr(h);
    aieng__hn_write(h, &k);
    aieng__hn_rw_unlock(h);
    return k.err ? aieng_set_error(AIENG_ERR_RANGE, "hnsw_save_buffer: %zu bytes needed, buffer has %zu", k.n, cap) : AIENG_OK;
}
AIENG_API aieng_result aieng_hnsw_save(aieng_hnsw *h, const char *path) {
    aieng__hn_sink k;
    if (!h || !path) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_save: bad argument");
    memset(&k, 0, sizeof k);
    k.f = fopen(path, "wb");
    if (!k.f) return aieng_set_error(AIENG_ERR_IO, "hnsw_save: cannot open %s for writing", path);
    aieng__hn_hash_init(&k.hash);
    aieng__hn_rw_wr(h);
    aieng__hn_write(h, &k);
    aieng__hn_rw_unlock(h);
    if (fclose(k.f) != 0) k.err = 1;
    return k.err ? aieng_set_error(AIENG_ERR_IO, "hnsw_save: write to %s failed", path) : AIENG_OK;
}

/* Every check a hostile file could fail; the index is built only after. */
static aieng_result aieng__hn_load(aieng_hnsw **out, const unsigned char *b, size_t len, const aieng_allocator *alloc) {
    aieng_hnsw_config cfg;
    aieng_hnsw *h = NULL;
    uint64_t dim, n_slots, n_live, seed, rst, rinc, live = 0, sum_up = 0, i;
    uint32_t version, hb, metric, storage, M, efc, efs, eplev, entry, flags, maxm0;
    size_t off, o_lab, o_vec, o_l0, o_up, per0, vsz;
    aieng_result r;
    int maxl = -1;
#define AIENG__HN_BAD(...) do { r = aieng_set_error(AIENG_ERR_FORMAT, __VA_ARGS__); goto fail; } while (0)
    *out = NULL;
    if (!b && len) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_load: buffer is NULL");
    if (len < AIENG__HN_HNSW_HEADER + 8) AIENG__HN_BAD("hnsw_load: %zu bytes is too short for an index file", len);
    if (memcmp(b, AIENG__HN_HNSW_MAGIC, 8) != 0) AIENG__HN_BAD("hnsw_load: not an aieng_hnsw file (bad magic)");
    version = aieng__hn_rd32(b + 8);
    if (version != AIENG__HN_HNSW_FILE_VERSION) {
        r = aieng_set_error(AIENG_ERR_UNSUPPORTED, "hnsw_load: file version %u, this build reads version %u", version, AIENG__HN_HNSW_FILE_VERSION);
        goto fail;
    }
    hb = aieng__hn_rd32(b + 12);
    metric = aieng__hn_rd32(b + 16); storage = aieng__hn_rd32(b + 20); dim = aieng__hn_rd64(b + 24);
    M = aieng__hn_rd32(b + 32); efc = aieng__hn_rd32(b + 36); efs = aieng__hn_rd32(b + 40); eplev = aieng__hn_rd32(b + 44);
    seed = aieng__hn_rd64(b + 48); rst = aieng__hn_rd64(b + 56); rinc = aieng__hn_rd64(b + 64);
    n_slots = aieng__hn_rd64(b + 72); n_live = aieng__hn_rd64(b + 80); entry = aieng__hn_rd32(b + 88); flags = aieng__hn_rd32(b + 92);
    if (hb != AIENG__HN_HNSW_HEADER) AIENG__HN_BAD("hnsw_load: header size %u, expected %u", hb, AIENG__HN_HNSW_HEADER);
    if (metric > 2) AIENG__HN_BAD("hnsw_load: unknown metric %u", metric);
    if (storage > 2) AIENG__HN_BAD("hnsw_load: unknown storage %u", storage);
    if (dim < 1 || dim > (1u << 24)) AIENG__HN_BAD("hnsw_load: dimension %llu out of range", (unsigned long long)dim);
    if (M < 2 || M > AIENG__HN_MAX_M) AIENG__HN_BAD("hnsw_load: M = %u out of range", M);
    if (efc < 1 || efc > 1000000 || efs < 1 || efs > 1000000) AIENG__HN_BAD("hnsw_load: ef out of range");
    if (flags > 1) AIENG__HN_BAD("hnsw_load: unknown flags %u", flags);
    if (n_slots >= AIENG__HN_NONE || n_live > n_slots) AIENG__HN_BAD("hnsw_load: node counts out of range");
    maxm0 = 2 * M;
    /* section offsets, each checked against the length before use */
    per0 = 4 * ((size_t)maxm0 + 1);
    vsz = aieng__hn_file_vec_bytes((int)storage, dim);
    if (n_slots > (len - 8) / (1 + 8 + vsz + per0)) AIENG__HN_BAD("hnsw_load: truncated: %llu nodes do not fit in %zu bytes", (unsigned long long)n_slots, len);
    o_lab = AIENG__HN_HNSW_HEADER + (size_t)n_slots + (size_t)((8 - n_slots % 8) % 8);
    o_vec = o_lab + 8 * (size_t)n_slots;
    o_l0 = o_vec + vsz * (size_t)n_slots;
    o_up = o_l0 + per0 * (size_t)n_slots;
    if (o_up > len - 8) AIENG__HN_BAD("hnsw_load: truncated file (%zu bytes, sections need %zu)", len, o_up + 8);
    for (i = 0; i < n_slots; i++) {
        unsigned lv = b[AIENG__HN_HNSW_HEADER + i];
        if (lv == AIENG__HN_FREE_SLOT) continue;
        if (lv > AIENG__HN_MAX_LEVEL) AIENG__HN_BAD("hnsw_load: node %llu has level %u (max %d)", (unsigned long long)i, lv, AIENG__HN_MAX_LEVEL);
        live++;
        sum_up += (uint64_t)lv;
        if ((int)lv > maxl) maxl = (int)lv;
    }
    if (live != n_live) AIENG__HN_BAD("hnsw_load: %llu live nodes, header says %llu", (unsigned long long)live, (unsigned long long)n_live);
    if (sum_up > (len - 8 - o_up) / (4 * ((size_t)M + 1)) || o_up + sum_up * 4 * ((size_t)M + 1) != len - 8)
        AIENG__HN_BAD("hnsw_load: file size %zu does not match its contents (truncated or padded)", len);
    if (aieng_hnsw_checksum(b, len - 8) != aieng__hn_rd64(b + len - 8)) AIENG__HN_BAD("hnsw_load: checksum mismatch (corrupted file)");
    if (n_live == 0 ? eplev != 0 : (entry >= n_slots || eplev != (uint32_t)maxl + 1 || b[AIENG__HN_HNSW_HEADER + entry] != (unsigned)maxl))
        AIENG__HN_BAD("hnsw_load: bad entry point");
    /* build */
    memset(&cfg, 0, sizeof cfg);
    cfg.dim = (int64_t)dim; cfg.metric = (aieng_hnsw_metric)metric; cfg.storage = (aieng_hnsw_storage)storage;
    cfg.M = (int)M; cfg.ef_construction = (int)efc; cfg.ef_search = (int)efs; cfg.seed = seed;
    if (alloc) cfg.allocator = *alloc;
    if ((r = aieng_hnsw_create(&h, &cfg)) != AIENG_OK) goto fail;
    h->rng.state = rst;
    h->rng.inc = rinc | 1u;
    if ((r = aieng__hn_grow(h, (int64_t)n_slots)) != AIENG_OK) goto fail;
    h->n_slots = (int64_t)n_slots;
    h->had_removals = (int)(flags & 1u);
    memcpy(h->levels, b + AIENG__HN_HNSW_HEADER, (size_t)n_slots);
    off = o_up;
    {
        float *v = (float *)aieng__hn_h_alloc(h, sizeof(float) * (size_t)dim);
        if (!v) { r = aieng_set_error(AIENG_ERR_OOM, "hnsw_load: out of memory"); goto fail; }
        for (i = 0; i < n_slots; i++) {
            const unsigned char *lp = b + o_l0 + per0 * (size_t)i;
            uint32_t *l0 = aieng__hn_links0(h, (uint32_t)i), cnt = aieng__hn_rd32(lp), j;
            int lv = h->levels[i];
            uint64_t d;
            l0[0] = 0;
            if (lv == AIENG__HN_FREE_SLOT) { memset(aieng__hn_vec(h, (uint32_t)i), 0, h->vec_bytes); continue; }
            h->labels[i] = aieng__hn_rd64(b + o_lab + 8 * (size_t)i);
            if (aieng__hn_map_find(h, h->labels[i]) != AIENG__HN_NONE) { aieng__hn_h_free(h, v); AIENG__HN_BAD("hnsw_load: label %llu appears twice", (unsigned long long)h->labels[i]); }
            aieng__hn_map_put_raw(h->map_keys, h->map_vals, h->map_cap, h->labels[i], (uint32_t)i);
            h->map_n++;
            if (storage == AIENG_HNSW_F32) {
                for (d = 0; d < dim; d++) {
                    uint32_t w = aieng__hn_rd32(b + o_vec + 4 * ((size_t)i * (size_t)dim + (size_t)d));
                    memcpy(&v[d], &w, 4);
                    if (!(v[d] - v[d] == 0.0f)) { aieng__hn_h_free(h, v); AIENG__HN_BAD("hnsw_load: node %llu has a non-finite value", (unsigned long long)i); }
                }
                aieng__hn_store_vec(h, (uint32_t)i, v);
            } else { /* the codes as stored: a round trip is exact */
                const unsigned char *vp = b + o_vec + vsz * (size_t)i;
                float *p = aieng__hn_vec(h, (uint32_t)i);
                int8_t *codes = (int8_t *)(p + 2);
                uint32_t w = aieng__hn_rd32(vp);
                memcpy(&p[0], &w, 4);
                if (!(p[0] >= 0.0f && p[0] <= FLT_MAX)) { aieng__hn_h_free(h, v); AIENG__HN_BAD("hnsw_load: node %llu has a bad scale", (unsigned long long)i); }
                for (d = 0; d < (storage == AIENG_HNSW_INT8 ? 2 : 1) * dim; d++)
                    if (vp[4 + d] == 0x80u) { aieng__hn_h_free(h, v); AIENG__HN_BAD("hnsw_load: node %llu has the int8 code -128", (unsigned long long)i); }
                memcpy(codes, vp + 4, (size_t)dim);
                if (storage == AIENG_HNSW_INT8) memcpy(h->resid + (size_t)i * (size_t)dim, vp + 4 + dim, (size_t)dim);
                p[1] = p[0] * p[0] * (float)aieng_hnsw_dot_i8(codes, codes, (int64_t)dim);
            }
            if (cnt > maxm0) { aieng__hn_h_free(h, v); AIENG__HN_BAD("hnsw_load: node %llu has %u links on level 0 (max %u)", (unsigned long long)i, cnt, maxm0); }
            for (j = 1; j <= cnt; j++) {
                uint32_t t = aieng__hn_rd32(lp + 4 * j);
                if (t >= n_slots || t == (uint32_t)i || (!(flags & 1u) && b[AIENG__HN_HNSW_HEADER + t] == AIENG__HN_FREE_SLOT)) {
                    aieng__hn_h_free(h, v);
                    AIENG__HN_BAD("hnsw_load: node %llu has a bad link to %u", (unsigned long long)i, t);
                }
                l0[j] = t;
            }
            l0[0] = cnt;
        }
        aieng__hn_h_free(h, v);
    }
    for (i = 0; i < n_slots; i++) {
        int lv = h->levels[i], l;
        size_t bytes;
        uint32_t *u;
        if (lv == AIENG__HN_FREE_SLOT || lv == 0) continue;
        bytes = 4 * ((size_t)M + 1) * (size_t)lv;
        u = (uint32_t *)aieng__hn_h_alloc(h, bytes);
        if (!u) { r = aieng_set_error(AIENG_ERR_OOM, "hnsw_load: out of memory"); goto fail; }
        h->upper[i] = u;
        h->upper_bytes += bytes;
        for (l = 0; l < lv; l++) {
            const unsigned char *lp = b + off + 4 * ((size_t)M + 1) * (size_t)l;
            uint32_t cnt = aieng__hn_rd32(lp), j, *ul = u + (size_t)l * (M + 1);
            ul[0] = 0;
            if (cnt > M) AIENG__HN_BAD("hnsw_load: node %llu has %u links on level %d (max %u)", (unsigned long long)i, cnt, l + 1, M);
            for (j = 1; j <= cnt; j++) {
                uint32_t t = aieng__hn_rd32(lp + 4 * j);
                if (t >= n_slots || t == (uint32_t)i) AIENG__HN_BAD("hnsw_load: node %llu has a bad link to %u", (unsigned long long)i, t);
                ul[j] = t;
            }
            ul[0] = cnt;
        }
        off += bytes;
    }
    /* free slots, lowest first out */
    for (i = n_slots; i-- > 0;) {
        if (h->levels[i] != AIENG__HN_FREE_SLOT) continue;
        if (h->n_free >= h->free_cap) {
            int64_t nc = h->free_cap < 16 ? 16 : h->free_cap * 2;
            uint32_t *f = (uint32_t *)aieng_realloc(&h->alloc, h->free_ids, sizeof(uint32_t) * (size_t)nc);
            if (!f) { r = aieng_set_error(AIENG_ERR_OOM, "hnsw_load: out of memory"); goto fail; }
            h->free_ids = f;
            h->free_cap = nc;
        }
        h->free_ids[h->n_free++] = (uint32_t)i;
    }
    h->n_live = (int64_t)n_live;
    h->ep = n_live ? ((uint64_t)eplev << 32) | entry : 0;
    *out = h;
    return AIENG_OK;
fail:
    aieng_hnsw_destroy(h);
    return r;
#undef AIENG__HN_BAD
}

AIENG_API aieng_result aieng_hnsw_load_buffer(aieng_hnsw **out, const void *buf, size_t len, const aieng_allocator *allocator) {
    if (!out) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_load_buffer: out is NULL");
    return aieng__hn_load(out, (const unsigned char *)buf, len, allocator);
}
AIENG_API aieng_result aieng_hnsw_load(aieng_hnsw **out, const char *path, const aieng_allocator *allocator) {
    FILE *f;
    long n;
    unsigned char *buf;
    aieng_allocator a;
    aieng_result r;
    if (!out || !path) return aieng_set_error(AIENG_ERR_INVALID_ARG, "hnsw_load: bad argument");
    *out = NULL;
    memset(&a, 0, sizeof a);
    if (allocator) a = *allocator;
    f = fopen(path, "rb");
    if (!f) return aieng_set_error(AIENG_ERR_IO, "hnsw_load: cannot open %s", path);
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) {
        fclose(f);
        return aieng_set_error(AIENG_ERR_IO, "hnsw_load: cannot size %s", path);
    }
    buf = (unsigned char *)aieng_alloc(&a, (size_t)n + 1);
    if (!buf) { fclose(f); return aieng_set_error(AIENG_ERR_OOM, "hnsw_load: out of memory reading %s", path); }
    if (fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f);
        aieng_free(&a, buf);
        return aieng_set_error(AIENG_ERR_IO, "hnsw_load: cannot read %s", path);
    }
    fclose(f);
    r = aieng__hn_load(out, buf, (size_t)n, allocator);
    aieng_free(&a, buf);
    return r;
}

AIENG_EXTERN_C_END
#endif /* AIENG_HNSW_IMPLEMENTATION */

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
