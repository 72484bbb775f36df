/* libFuzzer harness for aieng_bpe.h. The first byte picks what the rest is:
     0: a hostile .tiktoken vocabulary (must load or fail cleanly; if it loads,
        encoding text with it must round-trip)
     1: a token list, an empty line, then a merge list (GGUF style), same checks
     2..: text (any bytes, invalid UTF-8 included) for the cl100k_base vocabulary
        with pre-tokenizer (byte % 5): encode / count / decode / stream /
        specials / truncate must agree and round-trip.
   Run from the repository root (it reads tests/data/bpe/cl100k_base.tiktoken):
   make build/fuzz/fuzz_bpe && build/fuzz/fuzz_bpe -max_total_time=300 build/fuzz/corpus-fuzz_bpe tests/fuzz/corpus/fuzz_bpe
   Crashing inputs go to tests/data/bpe/fuzz_regressions/ (listed in LIST);
   tests/test_bpe.c replays them. */
#define AIENG_BPE_IMPLEMENTATION
#include "aieng_bpe.h"
#include <stdlib.h>
#include <string.h>

#define FUZZ_CHECK(x) do { if (!(x)) __builtin_trap(); } while (0)

static aieng_bpe *vocab[5];

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
            roundtrip(b, sample, sizeof sample - 1, 0);
            roundtrip(b, data, size < 256 ? size : 256, 0);
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
