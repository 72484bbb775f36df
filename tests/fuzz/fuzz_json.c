/* libFuzzer harness for aieng_agent.h's JSON side: the strict parser, the incremental
   checker (must agree with the parser), the serializer (round trip), JSON Pointer, and,
   for documents that parse, the schema validator and the schema -> GBNF compiler (the
   document used as a schema, and as an instance of itself).
   make build/fuzz/fuzz_json && build/fuzz/fuzz_json -max_total_time=300 build/fuzz/corpus-fuzz_json tests/fuzz/corpus/fuzz_json */
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdlib.h>
#include <string.h>
#ifndef FUZZ_FAIL
#define FUZZ_FAIL() abort() /* tests/test_agent.c replays the regressions with its own */
#endif

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aieng_json_doc *doc = NULL, *d2 = NULL;
    aieng_json_stream s;
    aieng_json_status st;
    aieng_result r;
    char *out = NULL, *gbnf = NULL;
    size_t n = 0, half = size / 2;
    r = aieng_json_parse((const char *)data, size, NULL, &doc);
    aieng_json_stream_init(&s, 0);
    aieng_json_stream_feed(&s, data, half);
    st = aieng_json_stream_feed(&s, data + half, size - half);
    if ((r == AIENG_OK) != (st == AIENG_JSON_COMPLETE)) { FUZZ_FAIL(); return 0; } /* the two parsers disagree */
    if (r != AIENG_OK) return 0;
    if (aieng_json_write(aieng_json_root(doc), (int)(size & 3), &out, &n) != AIENG_OK) { FUZZ_FAIL(); return 0; }
    if (aieng_json_parse(out, n, NULL, &d2) != AIENG_OK) { FUZZ_FAIL(); return 0; }
    if (!aieng_json_equal(aieng_json_root(doc), aieng_json_root(d2))) { FUZZ_FAIL(); return 0; }
    aieng_free(NULL, out);
    aieng_json_free(d2);
    (void)aieng_json_pointer(aieng_json_root(doc), "/a/0/~1b");
    (void)aieng_schema_validate(aieng_json_root(doc), aieng_json_root(doc));
    if (aieng_schema_to_gbnf(aieng_json_root(doc), NULL, &gbnf, &n) == AIENG_OK) {
        aieng_grammar *g = NULL;
        if (aieng_grammar_parse(gbnf, n, NULL, &g) != AIENG_OK) { FUZZ_FAIL(); return 0; } /* generated grammars must compile */
        (void)aieng_grammar_accepts(g, data, size);
        aieng_grammar_free(g);
        aieng_free(NULL, gbnf);
    }
    aieng_json_free(doc);
    return 0;
}
