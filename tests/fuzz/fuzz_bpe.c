/* libFuzzer harness for aieng_bpe.h. The first byte picks what the rest is:
     0: a hostile .tiktoken vocabulary (must load or fail cleanly; if it loads,
        encoding text with it must round-trip)
     1: a token list, an empty line, then a merge list (GGUF style), same checks
     2..: text (any bytes, invalid UTF-8 included) for the cl100k_base vocabulary
        with pre-tokenizer (byte % 5): encode / count / decode / stream /
        specials / truncate must agree and round-trip; short texts give the
        ids of tiktoken's merge loop written out naively (piece by piece), and
        with 40 extra specials (shared prefixes, other first bytes) allow_all
        equals a naive left-to-right longest-match split.
   Run from the repository root (it reads tests/data/bpe/cl100k_base.tiktoken):
   make build/fuzz/fuzz_bpe && build/fuzz/fuzz_bpe -max_total_time=300 build/fuzz/corpus-fuzz_bpe tests/fuzz/corpus/fuzz_bpe
   Crashing inputs go to tests/data/bpe/fuzz_regressions/ (listed in LIST);
   tests/test_bpe.c replays them. */
#define AIENG_BPE_IMPLEMENTATION
#include "aieng_bpe.h"
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static aieng_bpe *vocab[5], *many;
static const char *const many_specials[] = {"<|a|>", "<|a|>b", "[X]", "[X]]", "ab", "\n\n", " <", "\xe4\xb8\x96"};
#define N_MANY 40

static aieng_bpe *get_many(void) { /* cl100k_base + 40 specials */
    if (!many) {
        size_t k;
        char name[32];
        if (aieng_bpe_load_tiktoken_file("tests/data/bpe/cl100k_base.tiktoken", AIENG_BPE_CL100K, NULL, &many) != AIENG_OK) abort();
        for (k = 0; k < N_MANY; k++) {
            const char *txt = many_specials[k % 8];
            if (k >= 8) { snprintf(name, sizeof name, "<|r%u|>", (unsigned)k); txt = name; }
            if (aieng_bpe_add_special(many, (uint32_t)(200000 + k), txt, strlen(txt)) != AIENG_OK) abort();
        }
    }
    return many;
}

static void push_id(aieng_bpe_tokens *x, uint32_t id) {
    if (x->n == x->cap) {
        x->cap = x->cap ? 2 * x->cap : 64;
        x->ids = (uint32_t *)realloc(x->ids, x->cap * 4);
        if (!x->ids) abort();
    }
    x->ids[x->n++] = id;
}

/* tiktoken's loop for one piece, naively (ranks = ids of the concatenations) */
static size_t naive_piece(const aieng_bpe *b, const uint8_t *s, size_t n, uint32_t *ids) {
    size_t st[513], m = n, j, bi;
    uint32_t whole = aieng_bpe_token_id(b, s, n);
    if (whole != AIENG_BPE_NO_TOKEN) { ids[0] = whole; return 1; }
    for (j = 0; j <= n; j++) st[j] = j;
    for (;;) {
        uint32_t best = AIENG_BPE_NO_TOKEN, rk;
        bi = 0;
        for (j = 0; j + 1 < m; j++)
            if ((rk = aieng_bpe_token_id(b, s + st[j], st[j + 2] - st[j])) < best) { best = rk; bi = j; }
        if (best == AIENG_BPE_NO_TOKEN) break;
        for (j = bi + 1; j < m; j++) st[j] = st[j + 1];
        m--;
    }
    for (j = 0; j < m; j++) ids[j] = aieng_bpe_token_id(b, s + st[j], st[j + 1] - st[j]);
    return m;
}

static aieng_bpe *get_vocab(int p) {
    if (!vocab[p]) {
        if (aieng_bpe_load_tiktoken_file("tests/data/bpe/cl100k_base.tiktoken", (aieng_bpe_pretok)p, NULL, &vocab[p]) != AIENG_OK)
            abort(); /* run from the repository root */
        aieng_bpe_add_openai_specials(vocab[p], AIENG_BPE_CL100K);
    }
    return vocab[p];
}

static void roundtrip(const aieng_bpe *b, const uint8_t *s, size_t n, int strict) {
    aieng_bpe_tokens t = {0};
    aieng_result r = aieng_bpe_encode_ordinary(b, (const char *)s, n, &t);
    if (r == AIENG_OK) {
        size_t cap = n + 1, len = 0, cnt = 0;
        char *out = (char *)malloc(cap);
        FUZZ_CHECK(aieng_bpe_decode(b, t.ids, t.n, out, cap, &len) == AIENG_OK && len == n && memcmp(out, s, n) == 0);
        FUZZ_CHECK(aieng_bpe_count(b, (const char *)s, n, NULL, NULL, &cnt) == AIENG_OK || 1);
        free(out);
    } else {
        FUZZ_CHECK(!strict);
    }
    aieng_bpe_tokens_free(b, &t);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const uint8_t sample[] = "Hello, world! 123 \xe4\xb8\x96\xe7\x95\x8c 'll  \n\n x";
    uint8_t mode;
    if (size == 0) return 0;
    mode = data[0];
    data++;
    size--;
    if (mode == 0) {
        aieng_bpe *b = NULL;
        if (aieng_bpe_load_tiktoken_mem(data, size, AIENG_BPE_O200K, NULL, &b) == AIENG_OK) {
            uint8_t run[150];
            roundtrip(b, sample, sizeof sample - 1, 0);
            roundtrip(b, data, size < 256 ? size : 256, 0);
            memset(run, size ? data[size / 2] : 'a', sizeof run); /* a long piece: builds the linear encoder */
            roundtrip(b, run, sizeof run, 0);
            aieng_bpe_free(b);
        } else {
            FUZZ_CHECK(b == NULL);
        }
    } else if (mode == 1) {
        const char *toks[256], *merges[256];
        size_t tl[256], ml[256], nt = 0, nm = 0, i = 0, start = 0;
        int in_merges = 0;
        aieng_bpe *b = NULL;
        for (i = 0; i <= size; i++) {
            if (i == size || data[i] == '\n') {
                size_t l = i - start;
                if (l == 0 && !in_merges) in_merges = 1;
                else if (!in_merges && nt < 256) { toks[nt] = (const char *)data + start; tl[nt++] = l; }
                else if (in_merges && nm < 256) { merges[nm] = (const char *)data + start; ml[nm++] = l; }
                start = i + 1;
            }
        }
        if (nt && aieng_bpe_from_tokens_merges(toks, tl, nt, merges, ml, nm, AIENG_BPE_SMOLLM, NULL, &b) == AIENG_OK) {
            roundtrip(b, sample, sizeof sample - 1, 0);
            roundtrip(b, data, size < 256 ? size : 256, 0);
            aieng_bpe_free(b);
        }
    } else {
        int p = mode % 5;
        const aieng_bpe *b = get_vocab(p);
        aieng_bpe_tokens t = {0};
        aieng_bpe_special_opts o;
        aieng_bpe_stream st;
        size_t i, o_len = 0, l, cnt = 0, cut = 0, pos = 0;
        char *out = (char *)malloc(size + 8), piece[256];
        roundtrip(b, data, size, 1);
        if (size <= 512) { /* same ids as the naive merge loop */
            uint32_t *want = (uint32_t *)malloc((size + 1) * 4);
            size_t k = 0;
            FUZZ_CHECK(aieng_bpe_encode_ordinary(b, (const char *)data, size, &t) == AIENG_OK);
            while (pos < size) {
                size_t e = aieng_bpe_split((aieng_bpe_pretok)p, (const char *)data, size, pos);
                k += naive_piece(b, data + pos, e - pos, want + k);
                pos = e;
            }
            FUZZ_CHECK(k == t.n && memcmp(want, t.ids, k * 4) == 0);
            free(want);
            pos = 0;
            t.n = 0;
        }
        if (size <= 4096) { /* many specials: allow_all == naive longest-match split */
            const aieng_bpe *m = get_many();
            aieng_bpe_tokens w = {0}, seg = {0};
            size_t a = 0, j, k;
            int found = 0;
            memset(&o, 0, sizeof o);
            o.allow_all = 1;
            FUZZ_CHECK(aieng_bpe_encode(m, (const char *)data, size, &o, &t) == AIENG_OK);
            for (j = 0; j <= size; j++) {
                size_t best = 0, bk = 0;
                for (k = 0; j < size && k < N_MANY; k++) {
                    const char *txt;
                    size_t tl;
                    aieng_bpe_token_bytes(m, (uint32_t)(200000 + k), &txt, &tl);
                    if (tl > best && tl <= size - j && memcmp(txt, data + j, tl) == 0) { best = tl; bk = k; }
                }
                if (j < size && !best) continue;
                seg.n = 0;
                FUZZ_CHECK(aieng_bpe_encode_ordinary(m, (const char *)data + a, j - a, &seg) == AIENG_OK);
                for (k = 0; k < seg.n; k++) push_id(&w, seg.ids[k]);
                if (j < size) {
                    push_id(&w, 200000 + (uint32_t)bk);
                    found = 1;
                    j += best - 1;
                }
                a = j + 1;
            }
            FUZZ_CHECK(w.n == t.n && memcmp(w.ids, t.ids, t.n * 4) == 0);
            o.allow_all = 0; /* none allowed: an error exactly when a special occurs */
            FUZZ_CHECK((aieng_bpe_encode(m, (const char *)data, size, &o, &seg) == AIENG_ERR_INVALID_ARG) == found);
            free(w.ids);
            aieng_bpe_tokens_free(m, &seg);
            t.n = 0;
        }
        while (pos < size) { /* the splitter always advances and stays in bounds */
            size_t e = aieng_bpe_split((aieng_bpe_pretok)p, (const char *)data, size, pos);
            FUZZ_CHECK(e > pos && e <= size);
            pos = e;
        }
        memset(&o, 0, sizeof o);
        o.allow_all = 1;
        FUZZ_CHECK(aieng_bpe_encode(b, (const char *)data, size, &o, &t) == AIENG_OK);
        FUZZ_CHECK(aieng_bpe_count(b, (const char *)data, size, &o, NULL, &cnt) == AIENG_OK && cnt == t.n);
        memset(&st, 0, sizeof st);
        for (i = 0; i < t.n; i++) {
            FUZZ_CHECK(aieng_bpe_stream_push(b, &st, t.ids[i], piece, sizeof piece, &l) == AIENG_OK);
            memcpy(out + o_len, piece, l);
            o_len += l;
        }
        FUZZ_CHECK(aieng_bpe_stream_flush(&st, piece, sizeof piece, &l) == AIENG_OK);
        memcpy(out + o_len, piece, l);
        o_len += l;
        FUZZ_CHECK(o_len == size && memcmp(out, data, size) == 0);
        if (size < 200) {
            size_t k = t.n / 2;
            FUZZ_CHECK(aieng_bpe_truncate(b, (const char *)data, size, k, &o, &cut) == AIENG_OK && cut <= size);
            FUZZ_CHECK(aieng_bpe_count(b, (const char *)data, cut, &o, NULL, &cnt) == AIENG_OK && cnt <= k);
        }
        aieng_bpe_tokens_free(b, &t);
        free(out);
    }
    return 0;
}
