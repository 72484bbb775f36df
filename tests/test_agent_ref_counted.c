/* aieng_agent.h's schema compiler (every function static) with AIENG__SC_COUNTED_AT = 4,
   linked into test_agent: every string automaton with a character count over 4 product
   states is then written as a %dfa (the automaton without the count, the count kept by the
   matcher), so test_agent compares that form with the validator on small schemas where the
   main build writes the full product. */
#define AIENG_STATIC
#define AIENG__SC_COUNTED_AT 4
#define AIENG_AGENT_IMPLEMENTATION
#if defined(__GNUC__)
#pragma GCC diagnostic ignored "-Wunused-function"
#endif
#include "aieng_agent.h"
#include <string.h>

/* the grammar of a schema (JSON text) as this build writes it, in *gbnf (free with free());
   0 when it compiles, else the error's message in err */
int ref_counted_schema_to_gbnf(const char *schema, char **gbnf, char *err, size_t errcap) {
    aieng_json_doc *d = NULL;
    size_t n = 0;
    aieng_result r = aieng_json_parse(schema, strlen(schema), NULL, &d);
    *gbnf = NULL;
    if (r == AIENG_OK) r = aieng_schema_to_gbnf(aieng_json_root(d), NULL, gbnf, &n);
    if (r != AIENG_OK && errcap) { strncpy(err, aieng_last_error(), errcap - 1); err[errcap - 1] = 0; }
    aieng_json_free(d);
    return (int)r;
}
