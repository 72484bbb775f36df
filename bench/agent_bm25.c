/* bench/agent_bm25.c - BM25 retrieval speed, aieng_agent.h against rank_bm25 (BM25Okapi),
   on the same corpus and queries (tests/data/agent/bm25: 634 BFCL function descriptions,
   200 questions). Prints the median over RUNS of: index build (tokenizing included) and the
   top-10 search of every query, in ms. bench/agent_bm25_peer.py runs this program and
   rank_bm25 (already tokenized input; get_scores + a top-10 sort per query) and prints the
   ratio. Usage: build/bench/agent_bm25 CORPUS.jsonl QUERIES.jsonl [RUNS=20] */
#define _POSIX_C_SOURCE 200809L
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now_ms(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return 1e3 * (double)ts.tv_sec + 1e-6 * (double)ts.tv_nsec;
}
static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
/* one JSON string per line -> decoded strings */
static int load(const char *path, aieng_json_doc ***docs, int *n) {
    FILE *f = fopen(path, "rb");
    char line[1 << 16];
    *n = 0;
    *docs = NULL;
    if (!f) { fprintf(stderr, "agent_bm25: cannot open %s\n", path); return 0; }
    while (fgets(line, sizeof line, f)) {
        aieng_json_doc *d = NULL;
        size_t l = strlen(line);
        aieng_json_doc **nd;
        if (aieng_json_parse(line, l, NULL, &d) != AIENG_OK || aieng_json_root(d)->type != AIENG_JSON_STRING) {
            fprintf(stderr, "agent_bm25: %s: bad line %d\n", path, *n + 1);
            fclose(f);
            return 0;
        }
        nd = (aieng_json_doc **)realloc(*docs, (size_t)(*n + 1) * sizeof *nd);
        if (!nd) { fclose(f); return 0; }
        *docs = nd;
        (*docs)[(*n)++] = d;
    }
    fclose(f);
    return 1;
}
int main(int argc, char **argv) {
    aieng_json_doc **docs, **qs;
    int nd, nq, runs = argc > 3 ? atoi(argv[3]) : 20, r, i;
    double *tb, *ts, sink = 0.0;
    if (argc < 3) { fprintf(stderr, "usage: %s CORPUS.jsonl QUERIES.jsonl [RUNS]\n", argv[0]); return 2; }
    if (!load(argv[1], &docs, &nd) || !load(argv[2], &qs, &nq)) return 1;
    if (runs < 1) runs = 1;
    tb = (double *)malloc((size_t)runs * sizeof *tb);
    ts = (double *)malloc((size_t)runs * sizeof *ts);
    for (r = 0; r < runs; r++) {
        aieng_bm25 *ix = NULL;
        int64_t id, ids[10];
        double sc[10], t0 = now_ms();
        int n;
        aieng_bm25_new(NULL, &ix);
        for (i = 0; i < nd; i++) aieng_bm25_add(ix, aieng_json_root(docs[i])->s, aieng_json_root(docs[i])->len, &id);
        aieng_bm25_search(ix, "warm", 4, 1, ids, sc, &n); /* the idf is computed at the first search */
        tb[r] = now_ms() - t0;
        t0 = now_ms();
        for (i = 0; i < nq; i++) {
            aieng_bm25_search(ix, aieng_json_root(qs[i])->s, aieng_json_root(qs[i])->len, 10, ids, sc, &n);
            sink += sc[0];
        }
        ts[r] = now_ms() - t0;
        aieng_bm25_free(ix);
    }
    qsort(tb, (size_t)runs, sizeof *tb, cmp_d);
    qsort(ts, (size_t)runs, sizeof *ts, cmp_d);
    printf("aieng_bm25 %d docs, %d queries: build %.3f ms, search %.3f ms (medians of %d runs; checksum %.6f)\n", nd, nq,
           tb[runs / 2], ts[runs / 2], runs, sink / runs);
    for (i = 0; i < nd; i++) aieng_json_free(docs[i]);
    for (i = 0; i < nq; i++) aieng_json_free(qs[i]);
    free(docs); free(qs); free(tb); free(ts);
    return 0;
}
