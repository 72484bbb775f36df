/* test_hnsw.c - aieng_hnsw.h: recall against brute force on generated data,
   every metric and both storages, deletes and re-inserts, updates, filters at
   several selectivities, batch and parallel paths, concurrent search while
   inserting, persistence round trip, corrupted and hostile files, and the
   fuzz regressions in tests/data/hnsw/fuzz_regressions/.

   ThreadSanitizer (not part of make test; run by hand or from CI):
       bash tests/tsan_hnsw.sh
   which is
       clang -std=c99 -I. -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=thread \
             -o build/test/tsan_hnsw tests/test_hnsw.c -lm -pthread
       AIENG_TEST_QUICK=1 AIENG_HNSW_TEST=threads build/test/tsan_hnsw */
#define _POSIX_C_SOURCE 200809L
#define AIENG_IMPLEMENTATION
#include "aieng_hnsw.h"
#include "aieng_test.h"
#include <pthread.h>
#include <dirent.h>

static aieng_rng rng;

/* clustered Gaussian data: n points around n_clusters centres */
static float *make_data(int64_t n, int64_t dim, int n_clusters, uint64_t seed) {
    float *x = (float *)malloc(sizeof(float) * (size_t)(n * dim)), *c = (float *)malloc(sizeof(float) * (size_t)(n_clusters * dim));
    int64_t i, j;
    aieng_rng r;
    aieng_rng_seed(&r, seed, 7);
    for (i = 0; i < n_clusters * dim; i++) c[i] = 3.0f * aieng_rng_normal(&r);
    for (i = 0; i < n; i++) {
        int64_t k = (int64_t)(aieng_rng_u32(&r) % (uint32_t)n_clusters);
        for (j = 0; j < dim; j++) x[i * dim + j] = c[k * dim + j] + aieng_rng_normal(&r);
    }
    free(c);
    return x;
}

static double ref_dist(int metric, const float *a, const float *b, int64_t dim) {
    double s = 0, na = 0, nb = 0;
    int64_t i;
    for (i = 0; i < dim; i++) {
        if (metric == AIENG_HNSW_L2) s += ((double)a[i] - b[i]) * ((double)a[i] - b[i]);
        else s += (double)a[i] * b[i];
        na += (double)a[i] * a[i];
        nb += (double)b[i] * b[i];
    }
    if (metric == AIENG_HNSW_L2) return s;
    if (metric == AIENG_HNSW_IP) return 1.0 - s;
    return 1.0 - s / (sqrt(na) * sqrt(nb) + 1e-30);
}

typedef struct { double d; uint64_t label; } ref_item;
static int ref_cmp(const void *x, const void *y) {
    const ref_item *a = (const ref_item *)x, *b = (const ref_item *)y;
    return a->d < b->d ? -1 : a->d > b->d;
}
typedef int (*keep_fn)(uint64_t label, void *user);
/* exact top-k of q among the (label, vector) pairs with alive[label] and keep(label) */
static int64_t brute(int metric, const float *x, int64_t n, int64_t dim, const unsigned char *alive, keep_fn keep, void *user,
                     const float *q, int64_t k, uint64_t *out) {
    ref_item *it = (ref_item *)malloc(sizeof(ref_item) * (size_t)(n + 1));
    int64_t i, m = 0;
    for (i = 0; i < n; i++) {
        if (alive && !alive[i]) continue;
        if (keep && !keep((uint64_t)i, user)) continue;
        it[m].d = ref_dist(metric, q, x + i * dim, dim);
        it[m].label = (uint64_t)i;
        m++;
    }
    qsort(it, (size_t)m, sizeof(ref_item), ref_cmp);
    if (m > k) m = k;
    for (i = 0; i < m; i++) out[i] = it[i].label;
    free(it);
    return m;
}
static double overlap(const uint64_t *got, int64_t ng, const uint64_t *want, int64_t nw) {
    int64_t i, j, hit = 0;
    for (i = 0; i < nw; i++)
        for (j = 0; j < ng; j++) if (got[j] == want[i]) { hit++; break; }
    return nw ? (double)hit / (double)nw : 1.0;
}

/* mean recall@k of the index over nq queries */
static double recall(aieng_hnsw *h, int metric, const float *x, int64_t n, int64_t dim, const unsigned char *alive,
                     const float *qs, int64_t nq, int64_t k, const aieng_hnsw_search_params *p) {
    uint64_t got[64], want[64];
    int64_t i, ng, nw;
    double s = 0;
    for (i = 0; i < nq; i++) {
        aieng_result r = aieng_hnsw_search_ex(h, qs + i * dim, k, p, got, NULL, &ng);
        if (r != AIENG_OK) return -1;
        nw = brute(metric, x, n, dim, alive, p ? p->filter : NULL, p ? p->filter_user : NULL, qs + i * dim, k, want);
        s += overlap(got, ng, want, nw);
    }
    return s / (double)nq;
}

static void test_kernels(void) {
    int8_t a[301], b[301];
    float x[301], back;
    int64_t n, i;
    for (n = 0; n <= 300; n += 37) {
        int32_t ref = 0;
        for (i = 0; i < n; i++) {
            a[i] = (int8_t)((int)(aieng_rng_u32(&rng) % 255) - 127);
            b[i] = (int8_t)((int)(aieng_rng_u32(&rng) % 255) - 127);
            ref += (int32_t)a[i] * b[i];
        }
        CHECK(aieng_hnsw_dot_i8(a, b, n) == ref, "dot_i8 n=%lld: %d vs %d", (long long)n, aieng_hnsw_dot_i8(a, b, n), ref);
    }
    for (i = 0; i < 301; i++) x[i] = aieng_rng_normal(&rng);
    back = aieng_hnsw_quantize_i8(a, x, 301);
    {
        double worst = 0;
        for (i = 0; i < 301; i++) { double e = fabs(back * a[i] - x[i]); if (e > worst) worst = e; }
        CHECK(worst <= back * 0.5 + 1e-6, "quantize_i8 error %g > scale/2 %g", worst, back * 0.5);
    }
    for (i = 0; i < 301; i++) x[i] = 0;
    CHECK(aieng_hnsw_quantize_i8(a, x, 301) == 0.0f && a[0] == 0, "quantize_i8 of zeros");
}

static void test_basics(void) {
    aieng_hnsw_config cfg = aieng_hnsw_config_default(4, AIENG_HNSW_L2);
    aieng_hnsw *h = NULL;
    float v[4], q[4] = {10, 10, 10, 10}, bad[4] = {0, NAN, 0, 0}, d[3];
    uint64_t lab[3];
    int64_t i, nf = -1;
    size_t empty_bytes;
    CHECK(aieng_hnsw_create(&h, &cfg) == AIENG_OK, "create: %s", aieng_last_error());
    if (!h) return;
    empty_bytes = aieng_hnsw_memory_bytes(h);
    CHECK(empty_bytes < 4096, "empty index uses %zu bytes", empty_bytes);
    CHECK(aieng_hnsw_search(h, q, 3, 0, lab, d, &nf) == AIENG_OK && nf == 0, "search of an empty index finds %lld", (long long)nf);
    for (i = 0; i < 100; i++) {
        v[0] = v[1] = v[2] = v[3] = (float)i;
        CHECK(aieng_hnsw_add(h, 1000 + (uint64_t)i, v) == AIENG_OK, "add %lld: %s", (long long)i, aieng_last_error());
    }
    CHECK(aieng_hnsw_count(h) == 100, "count %lld", (long long)aieng_hnsw_count(h));
    CHECK(aieng_hnsw_search(h, q, 3, 0, lab, d, &nf) == AIENG_OK && nf == 3, "search found %lld", (long long)nf);
    CHECK(lab[0] == 1010 && d[0] == 0.0f, "nearest %llu at %g", (unsigned long long)lab[0], d[0]);
    CHECK((lab[1] == 1009 || lab[1] == 1011) && d[1] == 4.0f && d[2] == 4.0f, "next %llu %g %g", (unsigned long long)lab[1], d[1], d[2]);
    CHECK(aieng_hnsw_add(h, 5, bad) == AIENG_ERR_INVALID_ARG, "NaN vector refused");
    CHECK(strstr(aieng_last_error(), "not finite") != NULL, "message: %s", aieng_last_error());
    CHECK(aieng_hnsw_search(h, q, 0, 0, lab, d, &nf) == AIENG_ERR_INVALID_ARG, "k = 0 refused");
    CHECK(aieng_hnsw_remove(h, 77) == AIENG_ERR_RANGE, "removing a missing label");
    CHECK(aieng_hnsw_get(h, 1042, v) == AIENG_OK && v[0] == 42.0f, "get 1042 -> %g", v[0]);
    /* update: same label, new vector; still one node */
    v[0] = v[1] = v[2] = v[3] = 10.25f;
    CHECK(aieng_hnsw_add(h, 1090, v) == AIENG_OK, "update: %s", aieng_last_error());
    CHECK(aieng_hnsw_count(h) == 100, "count after update %lld", (long long)aieng_hnsw_count(h));
    CHECK(aieng_hnsw_search(h, q, 2, 0, lab, d, &nf) == AIENG_OK && nf == 2 && lab[0] == 1010 && lab[1] == 1090,
          "updated node found: %llu %llu", (unsigned long long)lab[0], (unsigned long long)lab[1]);
    /* search with k larger than the index */
    {
        uint64_t all[200];
        CHECK(aieng_hnsw_search(h, q, 200, 0, all, NULL, &nf) == AIENG_OK && nf == 100, "k > count finds %lld", (long long)nf);
    }
    aieng_hnsw_destroy(h);
    cfg.dim = 0;
    CHECK(aieng_hnsw_create(&h, &cfg) == AIENG_ERR_INVALID_ARG && h == NULL, "dim 0 refused");
}

/* recall of a fresh build for every metric and storage; exact search against the reference */
static void test_recall(void) {
    int quick = aieng_test_quick();
    int64_t n = quick ? 1500 : 10000, dim = 37, nq = quick ? 30 : 200, k = 10, i;
    float *x = make_data(n + nq, dim, 50, 1), *qs = x + n * dim; /* queries: same distribution, not inserted */
    int metric, storage;
    for (storage = 0; storage < 3; storage++)
        for (metric = 0; metric < 3; metric++) {
            aieng_hnsw_config cfg = aieng_hnsw_config_default(dim, (aieng_hnsw_metric)metric);
            aieng_hnsw *h;
            aieng_hnsw_search_params p;
            double rc, re;
            cfg.storage = (aieng_hnsw_storage)storage;
            cfg.M = 12;
            cfg.ef_construction = 100;
            if (aieng_hnsw_create(&h, &cfg) != AIENG_OK) { CHECK(0, "create: %s", aieng_last_error()); continue; }
            for (i = 0; i < n; i++) aieng_hnsw_add(h, (uint64_t)i, x + i * dim);
            memset(&p, 0, sizeof p);
            p.ef = 64;
            rc = recall(h, metric, x, n, dim, NULL, qs, nq, k, &p);
            CHECK(rc >= (storage ? 0.93 : 0.97), "metric %d storage %d: recall@10 %.4f at ef 64", metric, storage, rc);
            if (storage == AIENG_HNSW_INT8_ONLY && metric != AIENG_HNSW_COSINE) {
                float back[37];
                aieng_hnsw_get(h, 3, back);
                CHECK(fabs(back[0] - x[3 * dim]) < 0.1 && fabs(back[36] - x[3 * dim + 36]) < 0.1, "int8-only get: %g vs %g", back[0], x[3 * dim]);
            }
            if (storage == AIENG_HNSW_INT8 && metric != AIENG_HNSW_COSINE) {
                /* re-ranking form: within max|x| / 32512 of every stored value */
                float back[37], amax = 0.0f, err = 0.0f;
                int64_t j;
                for (i = 0; i < n; i += 97) {
                    aieng_hnsw_get(h, (uint64_t)i, back);
                    for (j = 0, amax = 0.0f; j < dim; j++) amax = fabsf(x[i * dim + j]) > amax ? fabsf(x[i * dim + j]) : amax;
                    for (j = 0; j < dim; j++) if (fabsf(back[j] - x[i * dim + j]) > err * amax) err = fabsf(back[j] - x[i * dim + j]) / amax;
                }
                CHECK(err <= 1.0f / 32512.0f * 1.01f, "int8 residual get: relative error %g", err);
            }
            p.exact = 1;
            re = recall(h, metric, x, n, dim, NULL, qs, nq, k, &p);
            CHECK(re >= (storage == AIENG_HNSW_INT8_ONLY ? 0.9 : 0.999), "metric %d storage %d: exact search recall %.4f", metric, storage, re);
            if (!quick) printf("recall metric %d storage %d: %.4f (exact %.4f), %zu bytes\n", metric, storage, rc, re, aieng_hnsw_memory_bytes(h));
            aieng_hnsw_destroy(h);
        }
    free(x);
}

/* delete 10 %, check recall on the rest, re-insert, compare with a fresh build */
/* links (any level) from live nodes to free slots */
static int64_t stale_links(aieng_hnsw *h) {
    int64_t i, n = 0;
    for (i = 0; i < h->n_slots; i++) {
        int l;
        if (h->levels[i] == AIENG__HN_FREE_SLOT) continue;
        for (l = 0; l <= h->levels[i]; l++) {
            const uint32_t *lp = aieng__hn_links(h, (uint32_t)i, l);
            uint32_t j;
            for (j = 1; j <= lp[0]; j++) n += h->levels[lp[j]] == AIENG__HN_FREE_SLOT;
        }
    }
    return n;
}

static void test_deletes(void) {
    int quick = aieng_test_quick();
    int64_t n = quick ? 2000 : 10000, dim = 24, nq = quick ? 40 : 200, k = 10, i, nd = n / 10;
    float *x = make_data(n + nq, dim, 40, 3), *qs = x + n * dim; /* queries: same distribution, not inserted */
    unsigned char *alive = (unsigned char *)malloc((size_t)n);
    uint64_t *del = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)nd);
    aieng_hnsw_config cfg = aieng_hnsw_config_default(dim, AIENG_HNSW_L2);
    aieng_hnsw *h, *fresh;
    aieng_hnsw_search_params p;
    double r_fresh, r_del, r_re;
    size_t mem_full;
    cfg.M = 12;
    cfg.ef_construction = 100;
    memset(&p, 0, sizeof p);
    p.ef = 40;
    aieng_hnsw_create(&h, &cfg);
    aieng_hnsw_create(&fresh, &cfg);
    for (i = 0; i < n; i++) { aieng_hnsw_add(h, (uint64_t)i, x + i * dim); aieng_hnsw_add(fresh, (uint64_t)i, x + i * dim); alive[i] = 1; }
    r_fresh = recall(fresh, AIENG_HNSW_L2, x, n, dim, NULL, qs, nq, k, &p);
    mem_full = aieng_hnsw_memory_bytes(h);
    /* a random 10 % */
    for (i = 0; i < nd;) {
        uint64_t l = aieng_rng_u32(&rng) % (uint32_t)n;
        if (!alive[l]) continue;
        alive[l] = 0;
        del[i++] = l;
        if (aieng_hnsw_remove(h, l) != AIENG_OK) CHECK(0, "remove %llu: %s", (unsigned long long)l, aieng_last_error());
    }
    CHECK(aieng_hnsw_count(h) == n - nd, "count after deletes %lld", (long long)aieng_hnsw_count(h));
    CHECK(!aieng_hnsw_contains(h, del[0]) && aieng_hnsw_contains(h, del[0] == 0 ? 1 : 0) == alive[del[0] == 0 ? 1 : 0], "contains");
    r_del = recall(h, AIENG_HNSW_L2, x, n, dim, alive, qs, nq, k, &p);
    {   /* no deleted label is ever returned */
        uint64_t got[10];
        int64_t nf, j, bad = 0;
        for (i = 0; i < nq; i++) {
            aieng_hnsw_search_ex(h, qs + i * dim, k, &p, got, NULL, &nf);
            for (j = 0; j < nf; j++) bad += !alive[got[j]];
        }
        CHECK(bad == 0, "%lld deleted labels returned", (long long)bad);
    }
    {   /* compaction: every link to a free slot goes, the recall holds, a second pass finds nothing */
        int64_t before = stale_links(h), dropped = -1, again = -1;
        double r_cmp;
        CHECK(aieng_hnsw_compact(h, &dropped) == AIENG_OK && dropped == before, "compact dropped %lld of %lld stale links",
              (long long)dropped, (long long)before);
        CHECK(stale_links(h) == 0 && h->had_removals == 0, "%lld stale links after compact", (long long)stale_links(h));
        r_cmp = recall(h, AIENG_HNSW_L2, x, n, dim, alive, qs, nq, k, &p);
        CHECK(r_cmp >= r_del - 0.01, "recall after compact %.4f (before %.4f)", r_cmp, r_del);
        CHECK(aieng_hnsw_compact(h, &again) == AIENG_OK && again == 0, "second compact dropped %lld", (long long)again);
        if (!quick) printf("compact: %lld stale links dropped, recall %.4f -> %.4f\n", (long long)before, r_del, r_cmp);
    }
    for (i = 0; i < nd; i++) { aieng_hnsw_add(h, del[i], x + del[i] * dim); alive[del[i]] = 1; }
    r_re = recall(h, AIENG_HNSW_L2, x, n, dim, NULL, qs, nq, k, &p);
    CHECK(aieng_hnsw_count(h) == n, "count after re-insert %lld", (long long)aieng_hnsw_count(h));
    CHECK(aieng_hnsw_memory_bytes(h) <= mem_full + 16384, "slots reused: %zu bytes after, %zu before", aieng_hnsw_memory_bytes(h), mem_full);
    CHECK(r_del >= r_fresh - 0.02, "recall after deleting 10%%: %.4f (fresh %.4f)", r_del, r_fresh);
    CHECK(r_re >= r_fresh - 0.01, "recall after deleting and re-inserting 10%%: %.4f, fresh build %.4f", r_re, r_fresh);
    if (!quick) printf("deletes: fresh %.4f, after delete %.4f, after re-insert %.4f\n", r_fresh, r_del, r_re);
    /* delete everything, then the index still works */
    for (i = 0; i < n; i++) aieng_hnsw_remove(h, (uint64_t)i);
    CHECK(aieng_hnsw_count(h) == 0, "all removed");
    {
        uint64_t got[10];
        int64_t nf = -1;
        CHECK(aieng_hnsw_search(h, qs, k, 0, got, NULL, &nf) == AIENG_OK && nf == 0, "search of an emptied index: %lld", (long long)nf);
        for (i = 0; i < 100; i++) aieng_hnsw_add(h, (uint64_t)i, x + i * dim);
        CHECK(aieng_hnsw_search(h, x + 5 * dim, 1, 0, got, NULL, &nf) == AIENG_OK && nf == 1 && got[0] == 5, "refilled: %llu", (unsigned long long)got[0]);
    }
    aieng_hnsw_destroy(h);
    aieng_hnsw_destroy(fresh);
    free(x); free(alive); free(del);
}

typedef struct { uint64_t mod, keep; int64_t calls; } sel_filter;
static int keep_mod(uint64_t label, void *user) {
    const sel_filter *f = (const sel_filter *)user;
    return (aieng__hn_mix64(label) % f->mod) < f->keep;
}
static void test_filters(void) {
    int quick = aieng_test_quick();
    int64_t n = quick ? 3000 : 20000, dim = 16, nq = quick ? 30 : 100, k = 10, i, j;
    float *x = make_data(n + nq, dim, 30, 5), *qs = x + n * dim; /* queries: same distribution, not inserted */
    double sels[4] = {0.5, 0.1, 0.01, 0.001};
    aieng_hnsw_config cfg = aieng_hnsw_config_default(dim, AIENG_HNSW_L2);
    aieng_hnsw *h;
    cfg.M = 12;
    cfg.ef_construction = 100;
    aieng_hnsw_create(&h, &cfg);
    aieng_hnsw_add_batch(h, NULL, x, n);
    for (j = 0; j < 4; j++) {
        sel_filter f;
        aieng_hnsw_search_params p;
        double rc;
        int64_t bad = 0;
        uint64_t got[10];
        f.mod = 10000;
        f.keep = (uint64_t)(sels[j] * 10000);
        memset(&p, 0, sizeof p);
        p.ef = 64;
        p.filter = keep_mod;
        p.filter_user = &f;
        rc = recall(h, AIENG_HNSW_L2, x, n, dim, NULL, qs, nq, k, &p);
        CHECK(rc >= 0.95, "filter selectivity %g: recall %.4f", sels[j], rc);
        for (i = 0; i < nq; i++) {
            int64_t nf, t;
            aieng_hnsw_search_ex(h, qs + i * dim, k, &p, got, NULL, &nf);
            for (t = 0; t < nf; t++) bad += !keep_mod(got[t], &f);
        }
        CHECK(bad == 0, "filter selectivity %g: %lld results fail the filter", sels[j], (long long)bad);
        p.selectivity = sels[j]; /* with the hint */
        rc = recall(h, AIENG_HNSW_L2, x, n, dim, NULL, qs, nq, k, &p);
        CHECK(rc >= 0.95, "filter selectivity %g (hinted): recall %.4f", sels[j], rc);
        if (!quick) printf("filter %g: recall %.4f\n", sels[j], rc);
    }
    aieng_hnsw_destroy(h);
    free(x);
}

/* parallel insertion and batch search give the same quality as serial */
static void test_parallel(void) {
    int quick = aieng_test_quick();
    int64_t n = quick ? 1500 : 8000, dim = 20, nq = quick ? 30 : 200, k = 10, i, j, same = 0;
    float *x = make_data(n + nq, dim, 30, 8), *qs = x + n * dim; /* queries: same distribution, not inserted */
    aieng_hnsw_config cfg = aieng_hnsw_config_default(dim, AIENG_HNSW_COSINE);
    aieng_hnsw *h;
    aieng_hnsw_search_params p;
    uint64_t *lab = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)(nq * k)), got[10];
    float *dist = (float *)malloc(sizeof(float) * (size_t)(nq * k));
    double rc;
    aieng_set_threads(2);
    aieng_hnsw_create(&h, &cfg);
    CHECK(aieng_hnsw_add_batch(h, NULL, x, n) == AIENG_OK, "add_batch: %s", aieng_last_error());
    CHECK(aieng_hnsw_count(h) == n, "count %lld", (long long)aieng_hnsw_count(h));
    memset(&p, 0, sizeof p);
    p.ef = 64;
    rc = recall(h, AIENG_HNSW_COSINE, x, n, dim, NULL, qs, nq, k, &p);
    CHECK(rc >= 0.95, "parallel build recall %.4f", rc);
    CHECK(aieng_hnsw_search_batch(h, qs, nq, k, &p, lab, dist) == AIENG_OK, "search_batch");
    for (i = 0; i < nq; i++) {
        int64_t nf;
        aieng_hnsw_search_ex(h, qs + i * dim, k, &p, got, NULL, &nf);
        for (j = 0; j < k; j++) same += got[j] == lab[i * k + j];
    }
    CHECK(same == nq * k, "batch search differs from single search in %lld places", (long long)(nq * k - same));
    aieng_hnsw_destroy(h);
    free(x); free(lab); free(dist);
}

/* searches from several threads while one thread inserts, removes and updates */
typedef struct { aieng_hnsw *h; const float *qs; int64_t nq, dim, n_base; volatile int *stop; int64_t bad, done; } searcher;
static void *search_thread(void *arg) {
    searcher *s = (searcher *)arg;
    uint64_t got[10];
    float d[10];
    int64_t i = 0, nf, j;
#if defined(__GNUC__)
    while (!__atomic_load_n(s->stop, __ATOMIC_ACQUIRE) || i < s->nq) {
#else
    while (!*s->stop || i < s->nq) {
#endif
        if (aieng_hnsw_search(s->h, s->qs + (i % s->nq) * s->dim, 10, 32, got, d, &nf) != AIENG_OK) s->bad++;
        for (j = 1; j < nf; j++) if (d[j] < d[j - 1]) s->bad++;
        i++;
#if defined(__GNUC__)
        if (__atomic_load_n(s->stop, __ATOMIC_ACQUIRE) && i >= s->nq) break;
#endif
    }
    s->done = i;
    return NULL;
}
static void test_concurrent(void) {
    int quick = aieng_test_quick();
    int64_t n = quick ? 1200 : 6000, dim = 16, nq = 50, i;
    float *x = make_data(n + nq, dim, 20, 10), *qs = x + n * dim; /* queries: same distribution, not inserted */
    aieng_hnsw_config cfg = aieng_hnsw_config_default(dim, AIENG_HNSW_L2);
    aieng_hnsw *h;
    pthread_t th[3];
    searcher s[3];
    int t;
    volatile int stop = 0;
    cfg.ef_construction = 64;
    aieng_hnsw_create(&h, &cfg);
    for (i = 0; i < n / 4; i++) aieng_hnsw_add(h, (uint64_t)i, x + i * dim);
    for (t = 0; t < 3; t++) {
        s[t].h = h; s[t].qs = qs; s[t].nq = nq; s[t].dim = dim; s[t].n_base = n; s[t].stop = &stop; s[t].bad = 0; s[t].done = 0;
        pthread_create(&th[t], NULL, search_thread, &s[t]);
    }
    for (i = n / 4; i < n; i++) {
        aieng_hnsw_add(h, (uint64_t)i, x + i * dim);
        if (i % 50 == 0) aieng_hnsw_remove(h, (uint64_t)(i / 2));
        if (i % 70 == 0) aieng_hnsw_add(h, (uint64_t)(i / 3), x + (i / 5) * dim);
    }
#if defined(__GNUC__)
    __atomic_store_n(&stop, 1, __ATOMIC_RELEASE);
#else
    stop = 1;
#endif
    for (t = 0; t < 3; t++) {
        pthread_join(th[t], NULL);
        CHECK(s[t].bad == 0 && s[t].done >= nq, "searcher %d: %lld bad of %lld", t, (long long)s[t].bad, (long long)s[t].done);
    }
    {
        uint64_t got[10];
        int64_t nf;
        CHECK(aieng_hnsw_search(h, x + (n - 1) * dim, 1, 32, got, NULL, &nf) == AIENG_OK && nf == 1 && got[0] == (uint64_t)(n - 1),
              "last insert found after the concurrent phase");
    }
    aieng_hnsw_destroy(h);
    free(x);
}

static aieng_hnsw *small_index(int storage, int removals) {
    int64_t n = 300, dim = 8, i;
    float *x = make_data(n, dim, 5, 12);
    aieng_hnsw_config cfg = aieng_hnsw_config_default(dim, AIENG_HNSW_L2);
    aieng_hnsw *h;
    cfg.M = 6;
    cfg.storage = (aieng_hnsw_storage)storage;
    aieng_hnsw_create(&h, &cfg);
    for (i = 0; i < n; i++) aieng_hnsw_add(h, 7 * (uint64_t)i + 1, x + i * dim);
    if (removals) for (i = 0; i < 20; i++) aieng_hnsw_remove(h, 7 * (uint64_t)(i * 3) + 1);
    free(x);
    return h;
}

static int same_results(aieng_hnsw *a, aieng_hnsw *b) {
    int64_t i, na, nb, j;
    uint64_t la[10], lb[10];
    float da[10], db[10];
    for (i = 0; i < 20; i++) {
        float q[8];
        for (j = 0; j < 8; j++) q[j] = (float)(i - 10) * 0.3f + (float)j * 0.1f;
        aieng_hnsw_search(a, q, 10, 20, la, da, &na);
        aieng_hnsw_search(b, q, 10, 20, lb, db, &nb);
        if (na != nb || memcmp(la, lb, sizeof(uint64_t) * (size_t)na) != 0) return 0;
        for (j = 0; j < na; j++) if (fabs(da[j] - db[j]) > 1e-5 * (fabs(da[j]) + 1)) return 0;
    }
    return 1;
}

static void put32(unsigned char *p, uint32_t v) { p[0] = (unsigned char)v; p[1] = (unsigned char)(v >> 8); p[2] = (unsigned char)(v >> 16); p[3] = (unsigned char)(v >> 24); }
static void fix_checksum(unsigned char *b, size_t len) {
    uint64_t c = aieng_hnsw_checksum(b, len - 8);
    int j;
    for (j = 0; j < 8; j++) b[len - 8 + j] = (unsigned char)(c >> (8 * j));
}
static void expect_bad(const unsigned char *b, size_t len, aieng_result want, const char *what) {
    aieng_hnsw *h = (aieng_hnsw *)1;
    aieng_result r = aieng_hnsw_load_buffer(&h, b, len, NULL);
    CHECK(r == want && h == NULL, "%s: got %d (%s), want %d", what, r, aieng_last_error(), want);
    CHECK(strlen(aieng_last_error()) > 10, "%s: message '%s'", what, aieng_last_error());
}

static void test_persistence(void) {
    int storage, removals;
    for (storage = 0; storage < 3; storage++)
        for (removals = 0; removals < 2; removals++) {
            aieng_hnsw *h = small_index(storage, removals), *g = NULL, *f = NULL;
            size_t n = aieng_hnsw_save_size(h), len;
            unsigned char *buf = (unsigned char *)malloc(n), *file;
            const char *path = "build/test/hnsw_roundtrip.hnsw";
            CHECK(aieng_hnsw_save_buffer(h, buf, n) == AIENG_OK, "save_buffer: %s", aieng_last_error());
            CHECK(aieng_hnsw_save_buffer(h, buf, n - 1) == AIENG_ERR_RANGE, "save_buffer into a short buffer");
            aieng_hnsw_save_buffer(h, buf, n);
            CHECK(aieng_hnsw_load_buffer(&g, buf, n, NULL) == AIENG_OK, "load_buffer: %s", aieng_last_error());
            CHECK(aieng_hnsw_save(h, path) == AIENG_OK, "save: %s", aieng_last_error());
            CHECK(aieng_hnsw_load(&f, path, NULL) == AIENG_OK, "load: %s", aieng_last_error());
            file = aieng_test_read_file(path, &len);
            CHECK(file && len == n && memcmp(file, buf, n) == 0, "file and buffer images are identical");
            if (g) {   /* saving the loaded index gives the same image */
                size_t n2 = aieng_hnsw_save_size(g);
                unsigned char *b2 = (unsigned char *)malloc(n2);
                CHECK(n2 == n && aieng_hnsw_save_buffer(g, b2, n2) == AIENG_OK && memcmp(b2, buf, n) == 0, "save(load(x)) == x (storage %d)", storage);
                free(b2);
            }
            free(file);
            if (g && f) {
                CHECK(same_results(h, g) && same_results(h, f), "loaded index answers as the original (storage %d, removals %d)", storage, removals);
                CHECK(aieng_hnsw_count(g) == aieng_hnsw_count(h), "count after load");
                {   /* the loaded index keeps working: insert, remove, update */
                    float v[8] = {1, 2, 3, 4, 5, 6, 7, 8};
                    uint64_t got;
                    int64_t nf;
                    CHECK(aieng_hnsw_add(g, 999999, v) == AIENG_OK && aieng_hnsw_remove(g, 8) == AIENG_OK, "modify a loaded index");
                    CHECK(aieng_hnsw_search(g, v, 1, 0, &got, NULL, &nf) == AIENG_OK && got == 999999, "search a modified loaded index");
                }
            }
            aieng_hnsw_destroy(g);
            aieng_hnsw_destroy(f);
            if (storage == 0 && removals == 1) {
                /* corruption cases */
                unsigned char *c = (unsigned char *)malloc(n);
                size_t cut;
                aieng_hnsw *x = NULL;
                CHECK(aieng_hnsw_load(&x, "build/test/no/such/file.hnsw", NULL) == AIENG_ERR_IO && x == NULL, "missing file");
                for (cut = 0; cut < n; cut += (cut < 200 ? 1 : 997)) expect_bad(buf, cut, AIENG_ERR_FORMAT, "truncated");
                memcpy(c, buf, n); c[0] = 'X'; expect_bad(c, n, AIENG_ERR_FORMAT, "bad magic");
                memcpy(c, buf, n); put32(c + 8, 99); expect_bad(c, n, AIENG_ERR_UNSUPPORTED, "future version");
                memcpy(c, buf, n); c[n / 2] ^= 0x40; expect_bad(c, n, AIENG_ERR_FORMAT, "flipped bit (checksum)");
                CHECK(strstr(aieng_last_error(), "checksum") != NULL, "checksum named: %s", aieng_last_error());
                /* hostile files with a valid checksum */
                memcpy(c, buf, n); put32(c + 16, 7); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "unknown metric");
                memcpy(c, buf, n); put32(c + 32, 0); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "M = 0");
                memcpy(c, buf, n); put32(c + 24, 0xffffffu); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "huge dim");
                memcpy(c, buf, n); put32(c + 72, 0xfffffff0u); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "huge node count");
                memcpy(c, buf, n); put32(c + 88, 12345678); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "entry out of range");
                {
                    /* sections: levels at 96, labels after, vectors, level-0 links */
                    size_t slots = 300, o_lab = 96 + slots + (8 - slots % 8) % 8, o_vec = o_lab + 8 * slots, o_l0 = o_vec + 4 * 8 * slots;
                    size_t i0 = 40; /* a live node (removed ones are multiples of 3 below 60) */
                    memcpy(c, buf, n); c[96 + i0] = 200; fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "level 200");
                    memcpy(c, buf, n); memcpy(c + o_lab + 8 * i0, c + o_lab + 8 * (i0 + 1), 8); fix_checksum(c, n);
                    expect_bad(c, n, AIENG_ERR_FORMAT, "duplicate label");
                    memcpy(c, buf, n); put32(c + o_vec + 4 * 8 * i0, 0x7fc00000u); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "NaN in a vector");
                    memcpy(c, buf, n); put32(c + o_l0 + 4 * 13 * i0, 13); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "too many links");
                    memcpy(c, buf, n); put32(c + o_l0 + 4 * 13 * i0 + 4, 5000); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "link out of range");
                    memcpy(c, buf, n); put32(c + o_l0 + 4 * 13 * i0 + 4, (uint32_t)i0); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "self link");
                }
                free(c);
            }
            if (storage == AIENG_HNSW_INT8 && removals == 0) {
                /* int8 vectors as stored: f32 scale, 8 codes, 8 residual codes per slot */
                unsigned char *c = (unsigned char *)malloc(n);
                size_t slots = 300, o_vec = 96 + slots + (8 - slots % 8) % 8 + 8 * slots, i0 = 40, vsz = 4 + 2 * 8;
                memcpy(c, buf, n); put32(c + o_vec + vsz * i0, 0x7fc00000u); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "NaN scale");
                memcpy(c, buf, n); put32(c + o_vec + vsz * i0, 0xbf800000u); fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "negative scale");
                memcpy(c, buf, n); c[o_vec + vsz * i0 + 4 + 3] = 0x80; fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "code -128");
                memcpy(c, buf, n); c[o_vec + vsz * i0 + 4 + 8 + 5] = 0x80; fix_checksum(c, n); expect_bad(c, n, AIENG_ERR_FORMAT, "residual code -128");
                CHECK(strstr(aieng_last_error(), "-128") != NULL, "code named: %s", aieng_last_error());
                free(c);
            }
            aieng_hnsw_destroy(h);
            free(buf);
        }
}

/* every saved fuzz crasher must load cleanly or fail cleanly */
static void test_fuzz_regressions(void) {
    const char *dir = "tests/data/hnsw/fuzz_regressions";
    DIR *d = opendir(dir);
    struct dirent *e;
    int count = 0;
    CHECK(d != NULL, "missing directory %s", dir);
    if (!d) return;
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        size_t len;
        unsigned char *b;
        aieng_hnsw *h = NULL;
        if (e->d_name[0] == '.') continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        b = aieng_test_read_file(path, &len);
        if (!b) continue;
        if (aieng_hnsw_load_buffer(&h, b, len, NULL) == AIENG_OK) {
            float q[1024] = {0};
            uint64_t got[4];
            int64_t nf;
            if (aieng_hnsw_dim(h) <= 1024) aieng_hnsw_search(h, q, 4, 0, got, NULL, &nf);
            aieng_hnsw_destroy(h);
        }
        free(b);
        count++;
    }
    closedir(d);
    CHECK(count >= 1, "no fuzz regression files in %s", dir);
}

int main(void) {
    const char *only = getenv("AIENG_HNSW_TEST");
    aieng_rng_seed(&rng, 42, 1);
    if (only && strcmp(only, "threads") == 0) {
        test_parallel();
        test_concurrent();
        aieng_threads_shutdown();
        return aieng_test_summary();
    }
    test_kernels();
    test_basics();
    test_recall();
    test_deletes();
    test_filters();
    test_parallel();
    test_concurrent();
    test_persistence();
    test_fuzz_regressions();
    aieng_threads_shutdown();
    return aieng_test_summary();
}
