/* libFuzzer harness for aieng_agent.h's lexical retrieval: the BM25 index and the chunker.
   Input: byte 0 picks k (0..15: 0 must be refused), byte 1 the chunk size (16..271), byte 2
   the overlap (below half of it); the rest, split at 0x1E bytes, is documents and, last, the
   query (any bytes: NULs, invalid UTF-8). The documents are added (a search after the first
   half, so the lazy idf update after more adds is exercised); then search must agree with
   aieng_bm25_scores (same scores, bit for bit; rank order; *n = min(k, count)), the
   tokenizer's count with its word list, and the chunker's chunks with their rules (bounds,
   coverage, overlap, no cut inside a character of valid UTF-8, overlap at a word start).
   make build/fuzz/fuzz_bm25 && build/fuzz/fuzz_bm25 -max_total_time=300 build/fuzz/corpus-fuzz_bm25 tests/fuzz/corpus/fuzz_bm25
   Crashing inputs go to tests/data/agent/fuzz_regressions/bm25/; tests/test_agent_rag.c replays them. */
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdlib.h>
#include <string.h>
#ifndef FUZZ_FAIL
#define FUZZ_FAIL() abort() /* tests/test_agent_rag.c replays the regressions with its own */
#endif

static int fuzz_bm25_utf8_ok(const uint8_t *s, size_t n) { /* structurally valid UTF-8 (lead + continuations) */
    size_t i = 0;
    while (i < n) {
        unsigned c = s[i], k, j;
        if (c < 0x80) { i++; continue; }
        k = c >= 0xF0 && c < 0xF8 ? 3 : c >= 0xE0 && c < 0xF0 ? 2 : c >= 0xC2 && c < 0xE0 ? 1 : 0;
        if (!k || i + k >= n) return 0;
        for (j = 1; j <= k; j++) if ((s[i + j] & 0xC0) != 0x80) return 0;
        i += k + 1;
    }
    return 1;
}
static int fuzz_bm25_isword(uint8_t c) { return (c >= '0' && c <= '9') || ((c | 32) >= 'a' && (c | 32) <= 'z') || c >= 0x80; }

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aieng_bm25 *ix = NULL;
    const char *text, *q;
    size_t len, qlen, i, p, nd = 0, ndocs, maxb, ov, nc = 0, nc2 = 0, nw;
    int k, n = -1;
    int64_t ids[16], id;
    double sc[16], *all;
    size_t *st, *ln, *st2, *ln2;
    if (size < 3) return 0;
    k = data[0] % 16;
    maxb = 16 + data[1];
    ov = data[2] % (maxb / 2);
    text = (const char *)data + 3;
    len = size - 3;
    /* documents: the pieces before the last 0x1E; the query: the last piece */
    for (i = 0; i < len; i++) if (text[i] == 0x1E) nd++;
    if (aieng_bm25_new(NULL, &ix) != AIENG_OK) { FUZZ_FAIL(); return 0; }
    for (i = 0, p = 0, ndocs = 0; i < len; i++) {
        if (text[i] != 0x1E) continue;
        if (aieng_bm25_add(ix, text + p, i - p, &id) != AIENG_OK || id != (int64_t)ndocs) { FUZZ_FAIL(); break; }
        ndocs++;
        p = i + 1;
        if (ndocs == (nd + 1) / 2 && aieng_bm25_search(ix, text + p, len - p, 3, ids, sc, &n) != AIENG_OK) FUZZ_FAIL();
    }
    q = text + p;
    qlen = len - p;
    if (aieng_bm25_count(ix) != (int64_t)ndocs) FUZZ_FAIL();
    all = (double *)malloc((ndocs ? ndocs : 1) * sizeof *all);
    if (!all) { aieng_bm25_free(ix); return 0; }
    if (aieng_bm25_scores(ix, q, qlen, all) != AIENG_OK) FUZZ_FAIL();
    n = -1;
    if (k == 0) {
        if (aieng_bm25_search(ix, q, qlen, k, ids, sc, &n) != AIENG_ERR_INVALID_ARG || n != 0) FUZZ_FAIL();
    } else if (aieng_bm25_search(ix, q, qlen, k, ids, sc, &n) != AIENG_OK) FUZZ_FAIL();
    else {
        int j;
        if ((size_t)n != ((size_t)k < ndocs ? (size_t)k : ndocs)) FUZZ_FAIL();
        for (j = 0; j < n; j++) {
            if (ids[j] < 0 || (size_t)ids[j] >= ndocs) { FUZZ_FAIL(); break; }
            if (memcmp(&sc[j], &all[ids[j]], sizeof(double)) != 0 && !(sc[j] == 0 && all[ids[j]] == 0)) FUZZ_FAIL();
            if (j && !(sc[j - 1] > sc[j] || (sc[j - 1] == sc[j] && ids[j - 1] < ids[j]))) FUZZ_FAIL();
        }
        if (n > 0) /* nothing left out ranks before the last one taken */
            for (i = 0; i < ndocs; i++) {
                int in = 0;
                for (j = 0; j < n; j++) in |= ids[j] == (int64_t)i;
                if (!in && (all[i] > sc[n - 1] || (all[i] == sc[n - 1] && (int64_t)i < ids[n - 1]))) { FUZZ_FAIL(); break; }
            }
    }
    free(all);
    aieng_bm25_free(ix);
    /* the tokenizer: count without storage == count with; words are maximal runs */
    nw = aieng_text_words(text, len, NULL, NULL, 0);
    st = (size_t *)malloc((nw + 1) * sizeof *st);
    ln = (size_t *)malloc((nw + 1) * sizeof *ln);
    if (st && ln && aieng_text_words(text, len, st, ln, nw + 1) == nw) {
        for (i = 0; i < nw; i++) {
            if (!ln[i] || st[i] + ln[i] > len || (st[i] && fuzz_bm25_isword((uint8_t)text[st[i] - 1])) ||
                (st[i] + ln[i] < len && fuzz_bm25_isword((uint8_t)text[st[i] + ln[i]]))) { FUZZ_FAIL(); break; }
        }
    } else if (st && ln) FUZZ_FAIL();
    free(st); free(ln);
    /* the chunker */
    if (aieng_text_chunk(text, len, maxb, ov, NULL, NULL, 0, &nc) != (len ? AIENG_ERR_OOM : AIENG_OK)) FUZZ_FAIL();
    st = (size_t *)malloc((nc + 1) * sizeof *st); ln = (size_t *)malloc((nc + 1) * sizeof *ln);
    st2 = (size_t *)malloc((nc + 1) * sizeof *st2); ln2 = (size_t *)malloc((nc + 1) * sizeof *ln2);
    if (st && ln && st2 && ln2) {
        int utf8 = fuzz_bm25_utf8_ok((const uint8_t *)text, len);
        if (aieng_text_chunk(text, len, maxb, ov, st, ln, nc, &nc2) != AIENG_OK || nc2 != nc) FUZZ_FAIL();
        else if (aieng_text_chunk(text, len, maxb, ov, st2, ln2, nc + 1, &nc2) != AIENG_OK || nc2 != nc ||
                 memcmp(st, st2, nc * sizeof *st) || memcmp(ln, ln2, nc * sizeof *ln)) FUZZ_FAIL(); /* deterministic */
        else if (len && (st[0] != 0 || st[nc - 1] + ln[nc - 1] != len)) FUZZ_FAIL();
        else for (i = 0; i < nc; i++) {
            size_t e = st[i] + ln[i];
            if (!ln[i] || ln[i] > maxb) { FUZZ_FAIL(); break; }
            if (utf8 && ((e < len && ((uint8_t)text[e] & 0xC0) == 0x80) || ((uint8_t)text[st[i]] & 0xC0) == 0x80)) { FUZZ_FAIL(); break; }
            if (i + 1 < nc) {
                size_t s2 = st[i + 1], e2 = st[i + 1] + ln[i + 1];
                if (s2 <= st[i] || s2 > e || e - s2 > ov || e2 <= e) { FUZZ_FAIL(); break; }
                if (s2 < e && !(fuzz_bm25_isword((uint8_t)text[s2]) && !fuzz_bm25_isword((uint8_t)text[s2 - 1]))) { FUZZ_FAIL(); break; }
            }
        }
    }
    free(st); free(ln); free(st2); free(ln2);
    return 0;
}
