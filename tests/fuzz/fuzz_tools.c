/* libFuzzer harness for aieng_agent.h's tools API (aieng_tools_add / reply_schema / grammar /
   parse / call). Input: byte 0 picks the reply options (bit 0: thought_max 16 or 0; bits 1-2:
   max_calls 1..4; bit 3: AIENG_TOOLS_NO_ANSWER; bit 4: max_string 6 or 0; bit 5: max_items 2
   or 0; bit 6: answer_max 24 or 0; bit 7: a 4-byte result buffer for the calls); the rest is
   split at its first 0x00 byte or "\n--\n", whichever comes first, into tool specs (JSON
   texts, one a line) and a reply text. Every spec is added (a refused one must give an error
   code with a message, and leave the count as it was); the reply schema, the grammar and the
   parse are built even with no tool. Invariants: the reply schema is JSON; a reply that the
   grammar accepts parses (the grammar is at most as wide as the validator, not the reverse:
   it writes members in schema order); a parsed reply has the shape the options ask for and
   each of its calls runs (AIENG_OK: arguments valid against the reply schema are valid against
   the tool's own parameters) with the tool's fixed result in the buffer, cut to fit; the
   message of a refused reply is "reply: " and the parser's or validator's own message.
   make build/fuzz/fuzz_tools && build/fuzz/fuzz_tools -max_total_time=300 build/fuzz/corpus-fuzz_tools tests/fuzz/corpus/fuzz_tools
   Crashing inputs go to tests/data/agent/fuzz_regressions/tools/; tests/test_agent_fuzz_tools.c replays them. */
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdlib.h>
#include <string.h>
#ifndef FUZZ_FAIL
#define FUZZ_FAIL() abort() /* tests/test_agent_fuzz_tools.c replays the regressions with its own */
#endif
#ifndef FUZZ_TOOLS_SEEN
#define FUZZ_TOOLS_SEEN(accepted, parsed) ((void)0) /* the replay counts seeds that reach the calls */
#endif

#define FUZZ_TOOLS_RESULT "result: 42"
static int fuzz_tools_fn(void *user, const aieng_json *args, char *out, size_t cap) {
    (void)user; (void)args;
    snprintf(out, cap, "%s", FUZZ_TOOLS_RESULT);
    return (int)strlen(FUZZ_TOOLS_RESULT);
}
static int fuzz_tools_failed(aieng_result r) { /* a refusal: an error code with a message */
    const char *m = aieng_last_error();
    return r < AIENG_ERR_STATE || r >= AIENG_OK || !m || !*m;
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);
int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size) {
    aieng_tools *t = NULL;
    aieng_tools_reply rp;
    aieng_grammar *g = NULL;
    aieng_json_doc *sd = NULL, *doc = NULL;
    const char *text, *specs, *reply;
    char *txt = NULL, out[64];
    size_t len, slen, rlen, i, p, n = 0, cap;
    aieng_result r, pr;
    int ntools, acc;
    if (size < 1 || size > 4096) return 0; /* grammars of bigger inputs cost more than they find */
    memset(&rp, 0, sizeof rp);
    rp.thought_max = data[0] & 1 ? 16 : 0;
    rp.max_calls = 1 + ((data[0] >> 1) & 3);
    rp.flags = data[0] & 8 ? AIENG_TOOLS_NO_ANSWER : 0;
    rp.max_string = data[0] & 16 ? 6 : 0;
    rp.max_items = data[0] & 32 ? 2 : 0;
    rp.answer_max = data[0] & 64 ? 24 : 0;
    cap = data[0] & 128 ? 4 : sizeof out;
    text = (const char *)data + 1;
    len = size - 1;
    for (slen = 0; slen < len; slen++)
        if (text[slen] == 0 || (slen + 4 <= len && !memcmp(text + slen, "\n--\n", 4))) break;
    specs = text;
    reply = slen < len ? text + slen + (text[slen] ? 4 : 1) : text + len;
    rlen = (size_t)(text + len - reply);
    if (aieng_tools_new(&t) != AIENG_OK) { FUZZ_FAIL(); return 0; }
    /* the specs, one a line */
    for (i = 0, p = 0; i <= slen; i++) {
        int before;
        if (i < slen && specs[i] != '\n') continue;
        before = aieng_tools_count(t);
        r = aieng_tools_add(t, specs + p, i - p, fuzz_tools_fn, NULL);
        if (r == AIENG_OK) {
            const char *sp = aieng_tools_spec(t, before), *nm = aieng_tools_name(t, before);
            aieng_json_doc *d = NULL;
            const aieng_json *jn;
            if (aieng_tools_count(t) != before + 1 || !sp || !nm) { FUZZ_FAIL(); break; }
            /* the normalized spec is JSON and names the tool */
            if (aieng_json_parse(sp, strlen(sp), NULL, &d) != AIENG_OK) FUZZ_FAIL();
            else if (!(jn = aieng_json_get(aieng_json_root(d), "name")) || jn->type != AIENG_JSON_STRING || strcmp(jn->s, nm)) FUZZ_FAIL();
            aieng_json_free(d);
        } else if (fuzz_tools_failed(r) || aieng_tools_count(t) != before) FUZZ_FAIL();
        p = i + 1;
    }
    ntools = aieng_tools_count(t);
    /* the reply schema is JSON (none when a call is required and there is no tool) */
    r = aieng_tools_reply_schema(t, &rp, &txt, &n);
    if ((rp.flags & AIENG_TOOLS_NO_ANSWER) && ntools == 0) {
        if (r != AIENG_ERR_STATE) FUZZ_FAIL();
    } else if (r != AIENG_OK) {
        if (r != AIENG_ERR_OOM || fuzz_tools_failed(r)) FUZZ_FAIL();
    } else if (!txt || strlen(txt) != n || aieng_json_parse(txt, n, NULL, &sd) != AIENG_OK) FUZZ_FAIL();
    aieng_json_free(sd);
    aieng_free(NULL, txt);
    /* the grammar may be refused (bounds, a minLength above max_string), cleanly */
    r = aieng_tools_grammar(t, &rp, &g);
    if (r != AIENG_OK && (g || fuzz_tools_failed(r))) FUZZ_FAIL();
    pr = aieng_tools_parse(t, &rp, reply, rlen, &doc);
    if (pr != AIENG_OK && (doc || fuzz_tools_failed(pr))) FUZZ_FAIL();
    /* the message wraps the parser's / validator's once, not a garbled copy of itself */
    if (pr != AIENG_OK && !strncmp(aieng_last_error(), "reply: reply: ", 14)) FUZZ_FAIL();
    acc = g && aieng_grammar_accepts(g, reply, rlen);
    if (acc && pr != AIENG_OK) FUZZ_FAIL(); /* the grammar within the validator */
    FUZZ_TOOLS_SEEN(acc, pr == AIENG_OK);
    if (pr == AIENG_OK) {
        const aieng_json *root = aieng_json_root(doc), *calls = aieng_json_get(root, "calls"),
                         *ans = aieng_json_get(root, "answer"), *th = aieng_json_get(root, "thought");
        if (root->type != AIENG_JSON_OBJECT || !calls == !ans || (th != NULL) != (rp.thought_max > 0)) FUZZ_FAIL();
        if (ans && (ans->type != AIENG_JSON_STRING || ((rp.flags & AIENG_TOOLS_NO_ANSWER) && ntools > 0))) FUZZ_FAIL();
        if (calls && (calls->type != AIENG_JSON_ARRAY || calls->n < 1 || calls->n > (size_t)rp.max_calls || ntools == 0)) FUZZ_FAIL();
        else if (calls)
            for (i = 0; i < calls->n; i++) {
                size_t got = 0;
                memset(out, 'x', sizeof out);
                r = aieng_tools_call(t, calls->items[i], out, cap, &got);
                if (r != AIENG_OK || got != strlen(FUZZ_TOOLS_RESULT) || strlen(out) != (got < cap ? got : cap - 1) ||
                    memcmp(out, FUZZ_TOOLS_RESULT, strlen(out))) { FUZZ_FAIL(); break; }
            }
    }
    aieng_json_free(doc);
    aieng_grammar_free(g);
    aieng_tools_free(t);
    return 0;
}
