/* tests/test_agent_rag.c - aieng_agent.h's lexical retrieval: the BM25 index against rank_bm25's
   BM25Okapi on the functions of BFCL v4 (tests/data/agent/bm25, written by
   tests/ref/agent_bm25_ref.py), the tokenizer against the Python one, adds after a search
   against a fresh index, random corpora against a naive BM25, the chunker's rules on the
   corpus and on random and hostile bytes, hostile arguments, and the fuzz regressions. */
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include "aieng_test.h"
#include <dirent.h>
#include <time.h>
#include <ctype.h>

/* the fuzz harness, replayed on its seeds and kept crashers */
static int fuzz_failures = 0;
#define FUZZ_FAIL() (fuzz_failures++, fprintf(stderr, "FAIL fuzz invariant at %s:%d\n", __FILE__, __LINE__))
#define LLVMFuzzerTestOneInput fuzz_bm25_one
#include "fuzz/fuzz_bm25.c"
#undef LLVMFuzzerTestOneInput

/* ------------------------------------------------------------------ helpers */
static uint64_t rng_state = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) {
    rng_state ^= rng_state << 13; rng_state ^= rng_state >> 7; rng_state ^= rng_state << 17;
    return (uint32_t)(rng_state >> 11);
}
static double now_s(void) { return (double)clock() / CLOCKS_PER_SEC; } /* CPU time: this test is single-threaded */
typedef struct strs { char **s; size_t *len; size_t n; } strs;
static void strs_free(strs *a) {
    size_t i;
    for (i = 0; i < a->n; i++) free(a->s[i]);
    free(a->s); free(a->len);
    a->s = NULL; a->len = NULL; a->n = 0;
}
/* a JSON Lines file of strings (tests/data/<rel>) */
static strs read_jsonl(const char *rel) {
    strs a = {NULL, NULL, 0};
    char *path = aieng_test_data(rel);
    unsigned char *b;
    size_t len = 0, p = 0, cap = 0;
    if (!path) return a;
    b = aieng_test_read_file(path, &len);
    free(path);
    if (!b) return a;
    while (p < len) {
        size_t e = p;
        aieng_json_doc *doc = NULL;
        while (e < len && b[e] != '\n') e++;
        if (e > p) {
            if (aieng_json_parse((const char *)b + p, e - p, NULL, &doc) != AIENG_OK ||
                aieng_json_root(doc)->type != AIENG_JSON_STRING) {
                CHECK(0, "%s: line at byte %zu is not a JSON string", rel, p);
            } else {
                aieng_json *v = aieng_json_root(doc);
                if (a.n == cap) {
                    cap = cap ? cap * 2 : 256;
                    a.s = (char **)realloc(a.s, cap * sizeof *a.s);
                    a.len = (size_t *)realloc(a.len, cap * sizeof *a.len);
                }
                a.s[a.n] = (char *)malloc(v->len + 1);
                memcpy(a.s[a.n], v->s, v->len + 1);
                a.len[a.n++] = v->len;
            }
            aieng_json_free(doc);
        }
        p = e + 1;
    }
    free(b);
    return a;
}
static uint64_t fnv_words(const char *t, size_t len, size_t *count) { /* as words.tsv: lower-cased words + '\n' */
    size_t n = aieng_text_words(t, len, NULL, NULL, 0), i, j;
    size_t *st = (size_t *)malloc((n + 1) * sizeof *st), *ln = (size_t *)malloc((n + 1) * sizeof *ln);
    uint64_t h = 0xcbf29ce484222325ull;
    aieng_text_words(t, len, st, ln, n);
    for (i = 0; i < n; i++) {
        for (j = 0; j < ln[i]; j++) {
            unsigned char c = (unsigned char)t[st[i] + j];
            if (c >= 'A' && c <= 'Z') c = (unsigned char)(c + 32);
            h = (h ^ c) * 0x100000001b3ull;
        }
        h = (h ^ '\n') * 0x100000001b3ull;
    }
    free(st); free(ln);
    *count = n;
    return h;
}
static int rel_eq(double a, double b) {
    if (b == 0) return fabs(a) <= 1e-12;
    return fabs(a - b) <= 1e-9 * fabs(b);
}

/* ------------------------------------------------------------------ rank_bm25 reference */
static strs corpus, queries;

static void test_words(void) {
    char *path = aieng_test_data("agent/bm25/words.tsv");
    FILE *f;
    char line[256];
    int ok = 0, bad = 0;
    if (!path) return;
    f = fopen(path, "r");
    free(path);
    if (!f) return;
    while (fgets(line, sizeof line, f)) {
        char kind;
        unsigned long idx, cnt;
        unsigned long long h;
        const strs *a;
        size_t n;
        uint64_t mine;
        if (line[0] == '#') continue;
        if (sscanf(line, "%c\t%lu\t%lu\t%llx", &kind, &idx, &cnt, &h) != 4) { CHECK(0, "words.tsv: bad line %s", line); continue; }
        a = kind == 'd' ? &corpus : &queries;
        if (idx >= a->n) { CHECK(0, "words.tsv: index %lu out of range", idx); continue; }
        mine = fnv_words(a->s[idx], a->len[idx], &n);
        if (n == cnt && mine == (uint64_t)h) ok++;
        else { bad++; if (bad < 5) fprintf(stderr, "FAIL words %c %lu: %zu words (ref %lu), hash %016llx (ref %016llx)\n",
                                            kind, idx, n, cnt, (unsigned long long)mine, h); }
    }
    fclose(f);
    CHECK(bad == 0 && ok == (int)(corpus.n + queries.n), "tokenizer vs Python: %d agree, %d differ", ok, bad);
    printf("tokenizer: %d documents and queries agree with the Python tokenizer\n", ok);
}

static aieng_bm25 *build(const strs *docs, size_t from, size_t to, aieng_bm25 *ix) {
    size_t i;
    if (!ix && aieng_bm25_new(NULL, &ix) != AIENG_OK) { CHECK(0, "bm25_new"); return NULL; }
    for (i = from; i < to; i++) {
        int64_t id = -1;
        CHECK(aieng_bm25_add(ix, docs->s[i], docs->len[i], &id) == AIENG_OK && id == (int64_t)i, "add %zu", i);
    }
    return ix;
}

static void test_reference(void) {
    char *path = aieng_test_data("agent/bm25/ref.tsv");
    FILE *f;
    char line[256];
    aieng_bm25 *ix;
    double *sc, t0, t_build, t_query;
    long lines = 0, exact = 0, bad_score = 0, bad_rank = 0, nq = 0;
    int cur = -1, n = 0;
    int64_t ids[10];
    double top[10];
    size_t q, rep;
    if (!path || !corpus.n || !queries.n) { free(path); return; }
    f = fopen(path, "r");
    free(path);
    if (!f) return;
    t0 = now_s();
    ix = build(&corpus, 0, corpus.n, NULL);
    t_build = now_s() - t0;
    if (!ix) { fclose(f); return; }
    CHECK(aieng_bm25_count(ix) == (int64_t)corpus.n, "count");
    sc = (double *)malloc(corpus.n * sizeof *sc);
    while (fgets(line, sizeof line, f)) {
        int qi, rank;
        long doc;
        double ref;
        if (line[0] == '#') continue;
        if (sscanf(line, "%d\t%d\t%ld\t%lf", &qi, &rank, &doc, &ref) != 4 || qi < 0 || (size_t)qi >= queries.n ||
            doc < 0 || (size_t)doc >= corpus.n || rank < 0 || rank > 10) { CHECK(0, "ref.tsv: bad line %s", line); continue; }
        if (qi != cur) {
            cur = qi; nq++;
            CHECK(aieng_bm25_scores(ix, queries.s[qi], queries.len[qi], sc) == AIENG_OK, "scores q%d", qi);
            CHECK(aieng_bm25_search(ix, queries.s[qi], queries.len[qi], 10, ids, top, &n) == AIENG_OK && n == 10, "search q%d", qi);
        }
        lines++;
        if (sc[doc] == ref) exact++;
        if (!rel_eq(sc[doc], ref)) { bad_score++; if (bad_score < 5) fprintf(stderr, "FAIL q%d doc %ld: %.17g, rank_bm25 %.17g\n", qi, doc, sc[doc], ref); }
        if (rank > 0) {
            /* the same id at this rank, or a tie (scores within 1e-9) swapped */
            if (ids[rank - 1] != doc && !rel_eq(top[rank - 1], ref)) {
                bad_rank++;
                if (bad_rank < 5) fprintf(stderr, "FAIL q%d rank %d: doc %lld (%.17g), rank_bm25 doc %ld (%.17g)\n", qi, rank,
                                          (long long)ids[rank - 1], top[rank - 1], doc, ref);
            }
            if (!rel_eq(top[rank - 1], ref)) bad_rank++;
            if (top[rank - 1] != sc[ids[rank - 1]]) bad_rank++; /* search and scores agree exactly */
        }
    }
    fclose(f);
    CHECK(nq == (long)queries.n && lines == nq * 13, "ref.tsv: %ld queries, %ld lines", nq, lines);
    CHECK(bad_score == 0, "%ld of %ld scores differ from rank_bm25", bad_score, lines);
    CHECK(bad_rank == 0, "%ld rank mismatches in the top 10", bad_rank);
    printf("rank_bm25 reference: %ld scores of %ld queries within 1e-9 (%ld bit-identical), top-10 orders equal\n",
           lines - bad_score, nq, exact);
    /* speed: build and the queries */
    t0 = now_s();
    for (rep = 0; rep < 20; rep++)
        for (q = 0; q < queries.n; q++) aieng_bm25_search(ix, queries.s[q], queries.len[q], 10, ids, top, &n);
    t_query = (now_s() - t0) / 20;
    printf("speed: build %zu docs %.3f ms (tokenizing included), %zu queries (top 10) %.3f ms\n",
           corpus.n, t_build * 1e3, queries.n, t_query * 1e3);
    free(sc);
    aieng_bm25_free(ix);
}

/* adds after a search update idf, avgdl and the norms: equal to a fresh index, bit for bit */
static void test_incremental(void) {
    aieng_bm25 *a, *b;
    double *sa, *sb;
    size_t half = corpus.n / 3, q, d;
    long diff = 0;
    int64_t ids[5];
    int n;
    if (!corpus.n) return;
    a = build(&corpus, 0, half, NULL);
    if (!a) return;
    sa = (double *)malloc(corpus.n * sizeof *sa);
    sb = (double *)malloc(corpus.n * sizeof *sb);
    CHECK(aieng_bm25_search(a, queries.s[0], queries.len[0], 5, ids, NULL, &n) == AIENG_OK && n == 5, "search on a part");
    CHECK(aieng_bm25_scores(a, queries.s[1], queries.len[1], sa) == AIENG_OK, "scores on a part");
    build(&corpus, half, corpus.n, a);
    b = build(&corpus, 0, corpus.n, NULL);
    for (q = 0; q < queries.n && b; q++) {
        aieng_bm25_scores(a, queries.s[q], queries.len[q], sa);
        aieng_bm25_scores(b, queries.s[q], queries.len[q], sb);
        for (d = 0; d < corpus.n; d++) diff += memcmp(&sa[d], &sb[d], sizeof(double)) != 0;
    }
    CHECK(diff == 0, "index grown after searching differs from a fresh one in %ld scores", diff);
    free(sa); free(sb);
    aieng_bm25_free(a); aieng_bm25_free(b);
}

/* ------------------------------------------------------------------ random corpora vs a naive BM25 */
static void naive_scores(char docs[][64], int nd, const char *query, double *out) {
    /* tokens as strings; word order of first appearance for the idf sum */
    static char vocab[512][16];
    static int df[512];
    int nv = 0, d, i, j, dl[64], total = 0;
    size_t st[64], ln[64], qs[64], ql[64], nq;
    double idf[512], sum = 0, avg, eps, avgdl;
    for (d = 0; d < nd; d++) {
        size_t n = aieng_text_words(docs[d], strlen(docs[d]), st, ln, 64);
        int seen[512];
        memset(seen, 0, sizeof seen);
        dl[d] = (int)n; total += (int)n;
        for (i = 0; i < (int)n; i++) {
            char w[16];
            size_t k;
            for (k = 0; k < ln[i] && k < 15; k++) w[k] = (char)tolower((unsigned char)docs[d][st[i] + k]);
            w[k] = 0;
            for (j = 0; j < nv && strcmp(vocab[j], w); j++) {}
            if (j == nv) { strcpy(vocab[nv], w); df[nv] = 0; nv++; }
            if (!seen[j]) { seen[j] = 1; df[j]++; }
        }
    }
    for (j = 0; j < nv; j++) { idf[j] = log(nd - df[j] + 0.5) - log(df[j] + 0.5); sum += idf[j]; }
    avg = nv ? sum / nv : 0;
    eps = 0.25 * avg;
    for (j = 0; j < nv; j++) if (idf[j] < 0) idf[j] = eps;
    avgdl = (double)total / nd;
    for (d = 0; d < nd; d++) out[d] = 0;
    nq = aieng_text_words(query, strlen(query), qs, ql, 64);
    for (i = 0; i < (int)nq; i++) {
        char w[16];
        size_t k;
        for (k = 0; k < ql[i] && k < 15; k++) w[k] = (char)tolower((unsigned char)query[qs[i] + k]);
        w[k] = 0;
        for (j = 0; j < nv && strcmp(vocab[j], w); j++) {}
        if (j == nv) continue;
        for (d = 0; d < nd; d++) {
            size_t n = aieng_text_words(docs[d], strlen(docs[d]), st, ln, 64), m;
            int tf = 0;
            for (m = 0; m < n; m++) {
                char x[16];
                for (k = 0; k < ln[m] && k < 15; k++) x[k] = (char)tolower((unsigned char)docs[d][st[m] + k]);
                x[k] = 0;
                tf += !strcmp(x, w);
            }
            {
                double x = 0.75 * dl[d], num, den;
                volatile double v, r; /* rounded products: no FMA contraction */
                x = x / avgdl;
                x = (1 - 0.75) + x;
                v = 1.5 * x;
                den = tf + v;
                num = tf * (1.5 + 1);
                r = idf[j] * (num / den);
                out[d] += r;
            }
        }
    }
}

static void test_random_corpora(void) {
    static const char *const vocab[] = {"alpha", "Beta", "GAMMA", "delta", "eps", "zeta", "x1", "caf\xc3\xa9", "\xe4\xb8\x96", "q"};
    static char docs[64][64];
    int round, bad = 0, badrank = 0, negative = 0;
    for (round = 0; round < 400; round++) {
        int nd = 1 + (int)(rnd() % 12), d, nv = 2 + (int)(rnd() % 9), k = 1 + (int)(rnd() % 15), n = -1, i;
        char query[64];
        double ref[64], sc[64], top[16];
        int64_t ids[16];
        aieng_bm25 *ix = NULL;
        aieng_bm25_new(NULL, &ix);
        for (d = 0; d < nd; d++) {
            int nw = (int)(rnd() % 6), w;
            docs[d][0] = 0;
            for (w = 0; w < nw; w++) {
                strcat(docs[d], vocab[rnd() % (unsigned)nv]);
                strcat(docs[d], (rnd() & 3) ? " " : ", ");
            }
            aieng_bm25_add(ix, docs[d], strlen(docs[d]), NULL);
            if (rnd() % 4 == 0) { aieng_bm25_search(ix, "alpha", 5, 2, ids, NULL, &n); } /* lazy updates in between */
        }
        query[0] = 0;
        for (i = 0, d = (int)(rnd() % 5); i < d; i++) { strcat(query, vocab[rnd() % 10]); strcat(query, (rnd() & 1) ? " " : "!"); }
        if (rnd() % 3 == 0) strcat(query, " unknownword");
        naive_scores(docs, nd, query, ref);
        aieng_bm25_scores(ix, query, strlen(query), sc);
        for (d = 0; d < nd; d++) { if (memcmp(&sc[d], &ref[d], sizeof(double)) && !(sc[d] == 0 && ref[d] == 0)) bad++; negative += sc[d] < 0; }
        CHECK(aieng_bm25_search(ix, query, strlen(query), k, ids, top, &n) == AIENG_OK && n == (k < nd ? k : nd), "search n");
        for (i = 0; i < n; i++) { /* the naive rank order */
            int better = 0;
            for (d = 0; d < nd; d++) better += ref[d] > ref[ids[i]] || (ref[d] == ref[ids[i]] && d < ids[i]);
            badrank += better != i || top[i] != sc[ids[i]];
        }
        aieng_bm25_free(ix);
    }
    CHECK(bad == 0, "%d scores differ from the naive BM25Okapi", bad);
    CHECK(badrank == 0, "%d ranks differ from the naive order", badrank);
    CHECK(negative > 0, "no negative score came up (epsilon * average_idf < 0 untested)");
    printf("random corpora: 400 against a naive BM25Okapi (%d negative scores among them)\n", negative);
}

/* ------------------------------------------------------------------ hostile arguments */
static void test_hostile(void) {
    aieng_bm25 *ix = NULL;
    int64_t ids[8], id = 7;
    double sc[8], all[8];
    int n = 5, i;
    size_t big = (size_t)10 << 20, nc = 9, st[4], ln[4];
    char *w;
    aieng_bm25_options bad = {-1, 0, 0}, inf = {0, 0, 0};
    CHECK(aieng_bm25_new(NULL, NULL) == AIENG_ERR_INVALID_ARG, "new NULL out");
    CHECK(aieng_bm25_new(&bad, &ix) == AIENG_ERR_INVALID_ARG && ix == NULL, "new negative k1");
    inf.b = HUGE_VAL;
    CHECK(aieng_bm25_new(&inf, &ix) == AIENG_ERR_INVALID_ARG && ix == NULL, "new infinite b");
    aieng_bm25_free(NULL);
    CHECK(aieng_bm25_count(NULL) == 0, "count NULL");
    CHECK(aieng_bm25_add(NULL, "a", 1, &id) == AIENG_ERR_INVALID_ARG && id == -1, "add NULL index");
    CHECK(aieng_bm25_new(NULL, &ix) == AIENG_OK, "new");
    CHECK(aieng_bm25_search(ix, "a", 1, 3, ids, sc, &n) == AIENG_OK && n == 0, "search an empty index");
    CHECK(aieng_bm25_scores(ix, "a", 1, all) == AIENG_OK, "scores of an empty index");
    CHECK(aieng_bm25_add(ix, NULL, 3, &id) == AIENG_ERR_INVALID_ARG, "add NULL text");
    CHECK(aieng_bm25_add(ix, NULL, 0, &id) == AIENG_OK && id == 0, "add an empty document (NULL, 0)");
    CHECK(aieng_bm25_add(ix, " ,. \n", 5, &id) == AIENG_OK && id == 1, "add a document of separators");
    CHECK(aieng_bm25_search(ix, "a", 1, 3, ids, sc, &n) == AIENG_OK && n == 2 && ids[0] == 0 && ids[1] == 1 && sc[0] == 0,
          "search over empty documents: all 0, by id");
    w = (char *)malloc(big);
    memset(w, 'Z', big);
    CHECK(aieng_bm25_add(ix, w, big, &id) == AIENG_OK && id == 2, "a 10 MB document of one word");
    memset(w, 'z', 1000);
    w[1000] = 0;
    w[300] = 0; /* a NUL separates: "zzz...z" (300) NUL "zzz...z" (699) */
    CHECK(aieng_bm25_add(ix, w, 1000, &id) == AIENG_OK && id == 3, "a document with a NUL");
    CHECK(aieng_bm25_add(ix, "\xff\xfe\x80 \xc3 abc\xe2\x82", 11, &id) == AIENG_OK && id == 4, "invalid UTF-8");
    memset(w, 'z', big);
    CHECK(aieng_bm25_search(ix, w, big, 8, ids, sc, &n) == AIENG_OK && n == 5 && ids[0] == 2 && sc[0] > 0,
          "a 10 MB query finds the 10 MB word (case folded)");
    CHECK(aieng_bm25_search(ix, "\xff\xfe\x80", 3, 1, ids, sc, &n) == AIENG_OK && n == 1 && ids[0] == 4 && sc[0] > 0,
          "an invalid UTF-8 word is a word");
    CHECK(aieng_bm25_search(ix, "\xc3", 1, 1, ids, sc, &n) == AIENG_OK && n == 1 && ids[0] == 4, "a lone lead byte is a word");
    n = 9;
    CHECK(aieng_bm25_search(ix, "a", 1, 0, ids, sc, &n) == AIENG_ERR_INVALID_ARG && n == 0, "k = 0");
    CHECK(aieng_bm25_search(ix, "a", 1, -3, ids, sc, &n) == AIENG_ERR_INVALID_ARG, "k < 0");
    CHECK(strstr(aieng_last_error(), "k must be") != NULL, "message: %s", aieng_last_error());
    CHECK(aieng_bm25_search(ix, NULL, 1, 2, ids, sc, &n) == AIENG_ERR_INVALID_ARG, "NULL query");
    CHECK(aieng_bm25_search(ix, "a", 1, 2, NULL, sc, &n) == AIENG_ERR_INVALID_ARG, "NULL ids");
    CHECK(aieng_bm25_search(ix, "a", 1, 2, ids, sc, NULL) == AIENG_ERR_INVALID_ARG, "NULL n");
    CHECK(aieng_bm25_search(NULL, "a", 1, 2, ids, sc, &n) == AIENG_ERR_INVALID_ARG, "NULL index");
    CHECK(aieng_bm25_scores(ix, "a", 1, NULL) == AIENG_ERR_INVALID_ARG, "NULL scores");
    CHECK(aieng_bm25_search(ix, NULL, 0, 100, ids, sc, &n) == AIENG_OK && n == 5, "empty query, k > count");
    for (i = 0; i < n; i++) CHECK(ids[i] == i && sc[i] == 0, "empty query: doc %d score 0", i);
    CHECK(aieng_bm25_search(ix, "", 0, INT32_MAX, ids, NULL, &n) == AIENG_OK && n == 5, "k = INT_MAX, scores NULL");
    aieng_bm25_free(ix);
    /* the only word is in 2 of 3 documents: its idf is negative, so is epsilon * average_idf and the
       scores; the untouched 0 ranks first */
    aieng_bm25_new(NULL, &ix);
    aieng_bm25_add(ix, "a", 1, NULL);
    aieng_bm25_add(ix, "A", 1, NULL);
    aieng_bm25_add(ix, "", 0, NULL);
    CHECK(aieng_bm25_search(ix, "a", 1, 3, ids, sc, &n) == AIENG_OK && n == 3 && ids[0] == 2 && sc[0] == 0 && sc[1] < 0 &&
          ids[1] == 0 && ids[2] == 1, "negative scores rank after untouched documents");
    aieng_bm25_free(ix);
    /* the tokenizer */
    CHECK(aieng_text_words(NULL, 5, st, ln, 4) == 0, "words of NULL");
    CHECK(aieng_text_words("Hello, W\xc3\xb6rld!x_9", 17, st, ln, 4) == 4 && st[1] == 7 && ln[1] == 6 && st[2] == 14 && ln[2] == 1 &&
          st[3] == 16, "words: '_' separates, UTF-8 inside words");
    CHECK(aieng_text_words("a b c d e f", 11, st, ln, 2) == 6 && st[1] == 2, "words past cap counted");
    /* the chunker's arguments */
    CHECK(aieng_text_chunk("abc", 3, 15, 0, st, ln, 4, &nc) == AIENG_ERR_INVALID_ARG, "max_bytes < 16");
    CHECK(aieng_text_chunk("abc", 3, 16, 8, st, ln, 4, &nc) == AIENG_ERR_INVALID_ARG, "overlap >= max/2");
    CHECK(aieng_text_chunk("abc", 3, 16, 7, st, ln, 4, NULL) == AIENG_ERR_INVALID_ARG, "NULL n");
    CHECK(aieng_text_chunk(NULL, 3, 16, 7, st, ln, 4, &nc) == AIENG_ERR_INVALID_ARG, "NULL text");
    CHECK(aieng_text_chunk("abc", 3, 16, 7, NULL, ln, 4, &nc) == AIENG_ERR_INVALID_ARG, "NULL starts");
    CHECK(aieng_text_chunk(NULL, 0, 16, 7, NULL, NULL, 0, &nc) == AIENG_OK && nc == 0, "empty text: 0 chunks");
    CHECK(aieng_text_chunk("abc", 3, 16, 7, st, ln, 4, &nc) == AIENG_OK && nc == 1 && st[0] == 0 && ln[0] == 3, "short text: 1 chunk");
    CHECK(aieng_text_chunk(w, big, 1000, 100, NULL, NULL, 0, &nc) == AIENG_ERR_OOM && nc > 10000, "cap 0: count needed (%zu)", nc);
    free(w);
}

/* ------------------------------------------------------------------ chunker */
static int valid_utf8(const unsigned char *s, size_t n) { return fuzz_bm25_utf8_ok(s, n); }
/* checks the rules on one text; returns the number of chunks */
static size_t check_chunks(const char *t, size_t len, size_t maxb, size_t ov, const char *what) {
    size_t nc = 0, nc2 = 0, i, *st, *ln;
    int utf8 = valid_utf8((const unsigned char *)t, len), bad = 0;
    aieng_result r = aieng_text_chunk(t, len, maxb, ov, NULL, NULL, 0, &nc);
    CHECK(r == (len ? AIENG_ERR_OOM : AIENG_OK), "%s: count", what);
    st = (size_t *)malloc((nc + 1) * sizeof *st); ln = (size_t *)malloc((nc + 1) * sizeof *ln);
    if (nc > 1) CHECK(aieng_text_chunk(t, len, maxb, ov, st, ln, nc - 1, &nc2) == AIENG_ERR_OOM && nc2 == nc, "%s: cap too small", what);
    CHECK(aieng_text_chunk(t, len, maxb, ov, st, ln, nc, &nc2) == AIENG_OK && nc2 == nc, "%s: chunk", what);
    if (len && (st[0] != 0 || st[nc - 1] + ln[nc - 1] != len)) bad++;
    for (i = 0; i < nc; i++) {
        size_t e = st[i] + ln[i];
        if (!ln[i] || ln[i] > maxb) bad++;
        if (utf8 && ((e < len && ((unsigned char)t[e] & 0xC0) == 0x80) || ((unsigned char)t[st[i]] & 0xC0) == 0x80)) bad++;
        if (i + 1 < nc) {
            size_t s2 = st[i + 1];
            if (s2 <= st[i] || s2 > e || e - s2 > ov || st[i + 1] + ln[i + 1] <= e) bad++;
            if (s2 < e && !(fuzz_bm25_isword((unsigned char)t[s2]) && !fuzz_bm25_isword((unsigned char)t[s2 - 1]))) bad++;
            if (ln[i] < maxb / 2) bad++; /* cut in the second half of the window */
        }
    }
    CHECK(bad == 0, "%s (max %zu, overlap %zu): %d rule violations", what, maxb, ov, bad);
    free(st); free(ln);
    return nc;
}

static void test_chunker(void) {
    size_t i, total = 0, j, st[8], ln[8], nc;
    char *all, buf[4096];
    size_t alen = 0;
    /* the corpus as one text of paragraphs */
    for (i = 0; i < corpus.n; i++) alen += corpus.len[i] + 2;
    all = (char *)malloc(alen + 1);
    alen = 0;
    for (i = 0; i < corpus.n; i++) { memcpy(all + alen, corpus.s[i], corpus.len[i]); alen += corpus.len[i]; all[alen++] = '\n'; all[alen++] = '\n'; }
    {
        static const size_t mb[] = {16, 17, 64, 200, 1000, 5000}, ovs[] = {0, 1, 7, 30, 99, 499};
        for (i = 0; i < 6; i++)
            for (j = 0; j < 6; j++)
                if (ovs[j] < mb[i] / 2) total += check_chunks(all, alen, mb[i], ovs[j], "corpus");
    }
    for (i = 0; i < corpus.n; i++) total += check_chunks(corpus.s[i], corpus.len[i], 40, 10, "corpus document");
    free(all);
    /* preferences */
    {
        const char *t = "One two three. Four five six.\n\nSeven eight nine ten eleven twelve.";
        CHECK(aieng_text_chunk(t, strlen(t), 48, 0, st, ln, 8, &nc) == AIENG_OK && nc == 2 && ln[0] == 31,
              "cut after the blank line (%zu chunks, first %zu bytes)", nc, ln[0]);
        t = "One two three. Four five six seven eight nine ten eleven twelve";
        CHECK(aieng_text_chunk(t, strlen(t), 28, 0, st, ln, 8, &nc) == AIENG_OK && ln[0] == 15, "cut after a sentence end (%zu)", ln[0]);
        t = "Onetwothree fourfivesix seveneightnineteneleven";
        CHECK(aieng_text_chunk(t, strlen(t), 32, 0, st, ln, 8, &nc) == AIENG_OK && ln[0] == 24, "cut after a space (%zu)", ln[0]);
        t = "\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9\xc3\xa9"; /* 22 bytes, no space */
        CHECK(aieng_text_chunk(t, strlen(t), 17, 0, st, ln, 8, &nc) == AIENG_OK && nc == 2 && ln[0] == 16, "cut between characters (%zu)", ln[0]);
        t = "alpha beta gamma delta epsilon zeta eta theta iota kappa lambda";
        CHECK(aieng_text_chunk(t, strlen(t), 32, 12, st, ln, 8, &nc) == AIENG_OK && nc >= 2 && st[1] == 23 && st[1] + 12 >= st[0] + ln[0],
              "overlap starts at a word (%zu)", st[1]);
    }
    /* random texts from pieces, and random bytes */
    {
        static const char *const pieces[] = {"word", " ", "  ", ". ", "! ", "?", "\n", "\n\n", "\n \r\n", "\xc3\xa9", "\xe4\xb8\x96",
                                             "\xf0\x9f\x98\x80", "longerwordwithoutspaces", ",", "\t", "A1"};
        int round;
        for (round = 0; round < 3000; round++) {
            size_t len = 0, maxb = 16 + rnd() % 90, ov = rnd() % (maxb / 2), want = rnd() % 1500;
            if (round % 3 == 2) { for (len = 0; len < want; len++) buf[len] = (char)rnd(); }
            else while (len < want) {
                const char *p = pieces[rnd() % 16];
                size_t pl = strlen(p);
                if (len + pl > sizeof buf) break;
                memcpy(buf + len, p, pl); len += pl;
            }
            total += check_chunks(buf, len, maxb, ov, round % 3 == 2 ? "random bytes" : "random text");
        }
    }
    printf("chunker: %zu chunks checked\n", total);
}

/* ------------------------------------------------------------------ fuzz seeds and regressions */
static void replay_dir(const char *dir, int *ran) {
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) return;
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        unsigned char *b;
        size_t len = 0;
        int before = fuzz_failures;
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "README") || !strcmp(e->d_name, "README.md")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        b = aieng_test_read_file(path, &len);
        if (!b) continue;
        fuzz_bm25_one(b, len);
        (*ran)++;
        CHECK(fuzz_failures == before, "fuzz input %s", path);
        free(b);
    }
    closedir(d);
}
static void test_fuzz(void) {
    int ran = 0;
    replay_dir("tests/fuzz/corpus/fuzz_bm25", &ran);
    replay_dir("tests/data/agent/fuzz_regressions/bm25", &ran);
    CHECK(ran >= 4, "fuzz inputs replayed: %d", ran);
    printf("fuzz seeds and regressions replayed: %d\n", ran);
}

int main(void) {
    corpus = read_jsonl("agent/bm25/corpus.jsonl");
    queries = read_jsonl("agent/bm25/queries.jsonl");
    CHECK(corpus.n > 600 && queries.n == 200, "data: %zu documents, %zu queries", corpus.n, queries.n);
    test_words();
    test_reference();
    test_incremental();
    test_random_corpora();
    test_hostile();
    test_chunker();
    test_fuzz();
    strs_free(&corpus); strs_free(&queries);
    return aieng_test_summary();
}
