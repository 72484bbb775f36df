/* aieng-agent - a ReAct agent with tools and retrieval (aieng_agent.h) on a GGUF model.

   build/aieng-agent [-m model.gguf] [--docs FILE]... [--steps N] [-n N] [--ctx N]
                     [--think N] [--call-first] [-v] QUESTION

   The model answers QUESTION in steps. Each reply is one JSON object, generated under a
   grammar so that it always parses: either tool calls, whose results come back as
   observations, or the answer. Tools:
     calculator(expression)   + - * / ^ and parentheses on numbers, evaluated here
     search_docs(query)       with --docs: the 3 best chunks of the given text files by BM25
                              (the files are cut into 800-byte chunks overlapping by 100)
   Standard output gets the answer only; -v writes each step (reply and observations) to
   standard error. --think N lets each reply start with a "thought" of up to N bytes
   (ReAct's reasoning; 0, the default, leaves it out: small models loop in it).
   --call-first makes the first reply call a tool. Exit status: 0 with an answer, 3 when no
   answer came within --steps replies (default 6) or a reply ran out of -n tokens (default
   256), 1 on other errors. The default model is SmolLM2-135M-Instruct (make model): a
   135M model follows the format but reasons poorly; the loop is the point here. */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h"
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

/* ---- calculator: recursive descent over + - * / ^ ( ), depth-limited ---- */
typedef struct calc { const char *p; int depth; const char *err; } calc;
static double calc_sum(calc *c);
static void calc_ws(calc *c) { while (*c->p == ' ' || *c->p == '\t') c->p++; }
static double calc_atom(calc *c) {
    double v;
    char *end;
    calc_ws(c);
    if (++c->depth > 64) { c->err = "nested too deep"; return 0; }
    if (*c->p == '(') {
        c->p++;
        v = calc_sum(c);
        calc_ws(c);
        if (*c->p != ')') { if (!c->err) c->err = "missing )"; return 0; }
        c->p++;
    } else if (*c->p == '-' || *c->p == '+') {
        int neg = *c->p == '-';
        c->p++;
        v = calc_atom(c);
        if (neg) v = -v;
    } else {
        v = strtod(c->p, &end);
        if (end == c->p) { if (!c->err) c->err = "expected a number"; return 0; }
        c->p = end;
    }
    c->depth--;
    return v;
}
static double calc_pow(calc *c) {
    double v = calc_atom(c);
    calc_ws(c);
    if (*c->p == '^') { c->p++; v = pow(v, calc_pow(c)); }
    return v;
}
static double calc_prod(calc *c) {
    double v = calc_pow(c);
    for (;;) {
        calc_ws(c);
        if (*c->p == '*') { c->p++; v *= calc_pow(c); }
        else if (*c->p == '/') { c->p++; v /= calc_pow(c); }
        else return v;
    }
}
static double calc_sum(calc *c) {
    double v = calc_prod(c);
    for (;;) {
        calc_ws(c);
        if (*c->p == '+') { c->p++; v += calc_prod(c); }
        else if (*c->p == '-') { c->p++; v -= calc_prod(c); }
        else return v;
    }
}
static int tool_calculator(void *user, const aieng_json *args, char *out, size_t cap) {
    const aieng_json *e = aieng_json_get(args, "expression");
    calc c;
    double v;
    (void)user;
    c.p = e->s; c.depth = 0; c.err = NULL;
    v = calc_sum(&c);
    calc_ws(&c);
    if (!c.err && *c.p) c.err = "unexpected character";
    if (c.err) return -snprintf(out, cap, "%s at \"%.20s\"", c.err, c.p) - 1;
    return snprintf(out, cap, "%.15g", v);
}

/* ---- search_docs: BM25 over chunks of the --docs files ---- */
typedef struct docs { aieng_bm25 *ix; char **chunk; size_t *len; int64_t n; } docs;
static int tool_search(void *user, const aieng_json *args, char *out, size_t cap) {
    docs *d = (docs *)user;
    const aieng_json *q = aieng_json_get(args, "query");
    int64_t ids[3];
    double sc[3];
    int n = 0, i;
    size_t k = 0;
    if (aieng_bm25_search(d->ix, q->s, q->len, 3, ids, sc, &n) != AIENG_OK) return -snprintf(out, cap, "%s", aieng_last_error()) - 1;
    out[0] = 0;
    for (i = 0; i < n && sc[i] > 0; i++) {
        int w = snprintf(out + k, cap - k, "%s[%d] %.*s", i ? "\n" : "", i + 1, (int)d->len[ids[i]], d->chunk[ids[i]]);
        if (w < 0 || (size_t)w >= cap - k) return (int)cap; /* cut: the loop marks it */
        k += (size_t)w;
    }
    if (k == 0) return snprintf(out, cap, "no document matches");
    return (int)k;
}
static int load_docs(docs *d, const char *path) {
    FILE *f = fopen(path, "rb");
    char *text;
    long sz;
    size_t starts[4096], lens[4096], n = 0, i;
    if (!f) { fprintf(stderr, "aieng-agent: cannot open %s\n", path); return 0; }
    fseek(f, 0, SEEK_END);
    sz = ftell(f);
    fseek(f, 0, SEEK_SET);
    text = (char *)malloc((size_t)sz + 1);
    if (!text || fread(text, 1, (size_t)sz, f) != (size_t)sz) { fclose(f); free(text); return 0; }
    fclose(f);
    if (aieng_text_chunk(text, (size_t)sz, 800, 100, starts, lens, 4096, &n) != AIENG_OK) {
        fprintf(stderr, "aieng-agent: %s: %s\n", path, aieng_last_error());
        free(text);
        return 0;
    }
    for (i = 0; i < n; i++) {
        int64_t id;
        char **nc = (char **)realloc(d->chunk, (size_t)(d->n + 1) * sizeof *nc);
        size_t *nl = nc ? (size_t *)realloc(d->len, (size_t)(d->n + 1) * sizeof *nl) : NULL;
        if (!nc || !nl) { free(text); return 0; }
        d->chunk = nc; d->len = nl;
        d->chunk[d->n] = (char *)malloc(lens[i] + 1);
        if (!d->chunk[d->n]) { free(text); return 0; }
        memcpy(d->chunk[d->n], text + starts[i], lens[i]);
        d->chunk[d->n][lens[i]] = 0;
        d->len[d->n] = lens[i];
        if (aieng_bm25_add(d->ix, text + starts[i], lens[i], &id) != AIENG_OK) { free(text); return 0; }
        d->n++;
    }
    free(text);
    return 1;
}

static int verbose = 0;
static int on_step(void *user, int step, const char *reply, size_t len, const char *obs, size_t olen) {
    (void)user;
    if (!verbose) return 0;
    fprintf(stderr, "-- step %d\n%.*s\n", step + 1, (int)len, reply);
    if (obs) fprintf(stderr, "%.*s\n", (int)olen, obs);
    return 0;
}

static const char *calc_spec =
    "{\"name\":\"calculator\",\"description\":\"Evaluates an arithmetic expression with + - * / ^ and parentheses\","
    "\"parameters\":{\"type\":\"object\",\"properties\":{\"expression\":{\"type\":\"string\",\"maxLength\":200}},"
    "\"required\":[\"expression\"]}}";
static const char *search_spec =
    "{\"name\":\"search_docs\",\"description\":\"Finds the passages of the user's documents that best match a query\","
    "\"parameters\":{\"type\":\"object\",\"properties\":{\"query\":{\"type\":\"string\",\"maxLength\":200}},"
    "\"required\":[\"query\"]}}";

int main(int argc, char **argv) {
    const char *model = "models/SmolLM2-135M-Instruct.Q4_1.gguf", *question = NULL;
    const char *files[64];
    int nfiles = 0, a, status = 1;
    aieng_model_config mc = aieng_model_config_default();
    aieng_generate_config gen;
    aieng_agent_config cfg;
    aieng_agent_stats st;
    aieng_agent_llm llm;
    aieng_model *m = NULL;
    aieng_tools *t = NULL;
    docs d;
    char *answer = NULL;
    size_t alen = 0;
    aieng_result r;
    memset(&gen, 0, sizeof gen);
    memset(&cfg, 0, sizeof cfg);
    memset(&d, 0, sizeof d);
    memset(&llm, 0, sizeof llm);
    gen.max_tokens = 256;
    cfg.max_steps = 6;
    cfg.answer_on_repeat = 1;
    cfg.reply.answer_max = 400;
    cfg.reply.max_string = 200;
    cfg.reply.max_items = 16;
    mc.n_ctx = 2048;
    for (a = 1; a < argc; a++) {
        const char *s = argv[a];
        int more = a + 1 < argc;
        if (!strcmp(s, "-m") && more) model = argv[++a];
        else if (!strcmp(s, "--docs") && more && nfiles < 64) files[nfiles++] = argv[++a];
        else if (!strcmp(s, "--steps") && more) cfg.max_steps = atoi(argv[++a]);
        else if (!strcmp(s, "-n") && more) gen.max_tokens = atoi(argv[++a]);
        else if (!strcmp(s, "--ctx") && more) mc.n_ctx = atoi(argv[++a]);
        else if (!strcmp(s, "--think") && more) cfg.reply.thought_max = atoi(argv[++a]);
        else if (!strcmp(s, "--call-first")) cfg.call_first = 1;
        else if (!strcmp(s, "-v")) verbose = 1;
        else if (s[0] != '-' && !question) question = s;
        else {
            fprintf(stderr, "usage: aieng-agent [-m model.gguf] [--docs FILE]... [--steps N] [-n N] [--ctx N]\n"
                            "                   [--think N] [--call-first] [-v] QUESTION\n");
            return 1;
        }
    }
    if (!question) { fprintf(stderr, "aieng-agent: no question (see the top of examples/aieng-agent.c)\n"); return 1; }
    if (aieng_tools_new(&t) != AIENG_OK || aieng_tools_add(t, calc_spec, strlen(calc_spec), tool_calculator, NULL) != AIENG_OK) goto fail;
    if (nfiles) {
        int i;
        if (aieng_bm25_new(NULL, &d.ix) != AIENG_OK) goto fail;
        for (i = 0; i < nfiles; i++) if (!load_docs(&d, files[i])) goto fail;
        if (aieng_tools_add(t, search_spec, strlen(search_spec), tool_search, &d) != AIENG_OK) goto fail;
        if (verbose) fprintf(stderr, "aieng-agent: %lld chunks from %d files\n", (long long)d.n, nfiles);
    }
    if (aieng_model_load_file(&m, model, &mc) != AIENG_OK) goto fail;
    if (aieng_agent_llm_model(m, &gen, &llm) != AIENG_OK) goto fail;
    cfg.on_step = on_step;
    r = aieng_agent_run(t, &llm, question, &cfg, &answer, &alen, &st);
    if (verbose || r != AIENG_OK)
        fprintf(stderr, "aieng-agent: %d steps, %d tool calls (%d failed), %lld prompt tokens (%lld from the KV cache), %lld generated\n",
                st.steps, st.calls, st.tool_errors, (long long)st.usage.prompt_tokens, (long long)st.usage.reused_tokens,
                (long long)st.usage.generated_tokens);
    if (r == AIENG_OK) {
        fwrite(answer, 1, alen, stdout);
        fputc('\n', stdout);
        status = 0;
    } else {
        fprintf(stderr, "aieng-agent: %s\n", aieng_last_error());
        status = r == AIENG_ERR_RANGE ? 3 : 1;
    }
    goto done;
fail:
    fprintf(stderr, "aieng-agent: %s\n", aieng_last_error());
done:
    aieng_free(NULL, answer);
    aieng_agent_llm_free(&llm);
    aieng_model_free(m);
    aieng_tools_free(t);
    if (d.ix) aieng_bm25_free(d.ix);
    {
        int64_t i;
        for (i = 0; i < d.n; i++) free(d.chunk[i]);
        free(d.chunk);
        free(d.len);
    }
    return status;
}
