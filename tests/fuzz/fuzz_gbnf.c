/* libFuzzer harness for aieng_agent.h's grammar side. Input: text up to the first NUL is
   a GBNF grammar (or, when it starts with "R:", a regex for the pattern subset), the rest
   is fed to the matcher byte by byte and as a whole, and a small constrainer over a toy
   vocabulary computes masks along the way.
   make build/fuzz/fuzz_gbnf && build/fuzz/fuzz_gbnf -max_total_time=300 build/fuzz/corpus-fuzz_gbnf tests/fuzz/corpus/fuzz_gbnf */
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdlib.h>
#include <string.h>
#ifndef FUZZ_FAIL
#define FUZZ_FAIL() abort() /* tests/test_agent.c replays the regressions with its own */
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    static const char *const toks[] = { "", "a", "b", "{\"", "\":", "\"", "1", "ab", "\xc3", "\xa9", "\xc3\xa9", " ", "[", "]", "x\"y" };
    const uint8_t *nul = (const uint8_t *)memchr(data, 0, size);
    size_t glen = nul ? (size_t)(nul - data) : size;
    const uint8_t *in = nul ? nul + 1 : data + size;
    size_t ilen = (size_t)(data + size - in), i;
    aieng_grammar *g = NULL;
    aieng_grammar_state *st = NULL;
    aieng_constrain *c = NULL;
    aieng_vocab v;
    int whole;
    char *gb = NULL;
    size_t gbn = 0;
    if (glen >= 2 && data[0] == 'R' && data[1] == ':') {
        char *expr = NULL;
        size_t en = 0;
        if (aieng_regex_to_gbnf((const char *)data + 2, glen - 2, (int)(ilen & 1), &expr, &en) != AIENG_OK) return 0;
        gb = (char *)malloc(en + 16);
        memcpy(gb, "root ::= ", 9); memcpy(gb + 9, expr, en); gbn = en + 9;
        aieng_free(NULL, expr);
        if (aieng_grammar_parse(gb, gbn, NULL, &g) != AIENG_OK) { FUZZ_FAIL(); return 0; } /* regexes compile to valid GBNF */
        free(gb);
    } else if (aieng_grammar_parse((const char *)data, glen, NULL, &g) != AIENG_OK) return 0;
    whole = aieng_grammar_accepts(g, in, ilen);
    if (aieng_grammar_state_new(g, &st) == AIENG_OK) {
        int ok = 1;
        for (i = 0; i < ilen && ok; i++) ok = aieng_grammar_state_advance(st, in + i, 1) == AIENG_OK;
        if (ok && aieng_grammar_state_complete(st) != whole) { FUZZ_FAIL(); return 0; } /* byte by byte == all at once */
        aieng_grammar_state_free(st);
    }
    v.tokens = toks; v.lens = NULL; v.n = (int)(sizeof toks / sizeof toks[0]); v.eos = 0; v.special = NULL;
    if (aieng_constrain_new(g, &v, &c) == AIENG_OK) {
        for (i = 0; i < ilen && i < 64; i++) {
            int t = 1 + in[i] % (v.n - 1);
            int a = aieng_constrain_allows(c, t); /* the fast path, before the mask exists */
            const uint32_t *bits = aieng_constrain_allowed(c);
            if (!bits) break;
            if (a != (int)((bits[t >> 5] >> (t & 31)) & 1)) { FUZZ_FAIL(); return 0; }
            if (((bits[t >> 5] >> (t & 31)) & 1) && aieng_constrain_accept(c, t) != AIENG_OK) { FUZZ_FAIL(); return 0; }
        }
        aieng_constrain_free(c);
    }
    aieng_grammar_free(g);
    return 0;
}
