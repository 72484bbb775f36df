/* libFuzzer harness for aieng_agent.h's schema compiler: the input, when it parses as JSON,
   is used as a schema and compiled strictly and with AIENG_SCHEMA_RELAX. Invariants: a
   schema that compiles strictly compiles relaxed to the same grammar with nothing named;
   every generated grammar compiles and its %valid pointers resolve in the schema; the
   relaxed grammar (which only widens the language, its %valid checks on)
   accepts each of a few scalar / empty instances that the validator accepts. Seeds:
   schemas.
   make build/fuzz/fuzz_schema && build/fuzz/fuzz_schema -max_total_time=300 build/fuzz/corpus-fuzz_schema tests/fuzz/corpus/fuzz_schema */
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdlib.h>
#include <string.h>
#ifndef FUZZ_FAIL
#define FUZZ_FAIL() abort() /* tests/test_agent.c replays the regressions with its own */
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    /* instances without the grammar's documented strictness (member order, 1.0, escapes) */
    static const char *const inst[] = {"{}", "[]", "\"\"", "\"a\"", "0", "1", "-1", "null", "true", "false", "2.5"};
    aieng_json_doc *doc = NULL;
    aieng_schema_options o;
    char *g1 = NULL, *g2 = NULL, rel[256];
    size_t n1 = 0, n2 = 0, i;
    aieng_result r1, r2;
    if (aieng_json_parse((const char *)data, size, NULL, &doc) != AIENG_OK) return 0;
    memset(&o, 0, sizeof o);
    r1 = aieng_schema_to_gbnf(aieng_json_root(doc), &o, &g1, &n1);
    o.flags = AIENG_SCHEMA_RELAX;
    o.relaxed = rel;
    o.relaxed_cap = sizeof rel;
    rel[0] = 'x';
    rel[1] = 0;
    r2 = aieng_schema_to_gbnf(aieng_json_root(doc), &o, &g2, &n2);
    if (r1 == AIENG_OK && (r2 != AIENG_OK || rel[0] || n1 != n2 || memcmp(g1, g2, n1))) { FUZZ_FAIL(); goto out; }
    if (r2 == AIENG_OK) {
        aieng_grammar *g = NULL;
        if (aieng_grammar_parse(g2, n2, NULL, &g) != AIENG_OK) {
            /* only the grammar engine's own bounds may refuse a generated grammar */
            if (!strstr(aieng_last_error(), "too") && !strstr(aieng_last_error(), "bound") && !strstr(aieng_last_error(), "memory")) FUZZ_FAIL();
            goto out;
        }
        if (aieng_grammar_set_schema(g, aieng_json_root(doc)) != AIENG_OK) { aieng_grammar_free(g); FUZZ_FAIL(); goto out; } /* %valid pointers resolve */
        for (i = 0; i < sizeof inst / sizeof *inst; i++) {
            aieng_json_doc *d = NULL;
            if (aieng_json_parse(inst[i], strlen(inst[i]), NULL, &d) != AIENG_OK) continue;
            if (aieng_schema_validate(aieng_json_root(doc), aieng_json_root(d)) == AIENG_OK &&
                !aieng_grammar_accepts(g, inst[i], strlen(inst[i]))) { aieng_json_free(d); aieng_grammar_free(g); FUZZ_FAIL(); goto out; }
            aieng_json_free(d);
        }
        aieng_grammar_free(g);
    }
out:
    aieng_free(NULL, g1);
    aieng_free(NULL, g2);
    aieng_json_free(doc);
    return 0;
}
