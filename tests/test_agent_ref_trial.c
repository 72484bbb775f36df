/* aieng_agent.h's schema compiler (every function static) with AIENG__SC_TRIAL_RULES = 1,
   linked into test_agent: every oneOf exclusivity that needs a trial compile then fails its
   trial, so the oneOf keeps the branches its narrow negations cannot exclude and is checked
   by %valid as its value ends; test_agent compares that grammar, with its schema attached,
   with the validator. */
#define AIENG_STATIC
#define AIENG__SC_TRIAL_RULES 1
#define AIENG_AGENT_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include "aieng_agent.h"
#include <string.h>

/* the grammar of a schema (JSON text) as this build writes it, in *gbnf (free with
   aieng_free(NULL, *gbnf)); 0 when it compiles */
int ref_trial_schema_to_gbnf(const char *schema, char **gbnf) {
    aieng_json_doc *d = NULL;
    size_t n = 0;
    aieng_result r = aieng_json_parse(schema, strlen(schema), NULL, &d);
    *gbnf = NULL;
    if (r == AIENG_OK) r = aieng_schema_to_gbnf(aieng_json_root(d), NULL, gbnf, &n);
    aieng_json_free(d);
    return (int)r;
}
