/* bench/agent_bfcl.c - tool calling on the Berkeley Function Calling Leaderboard (BFCL v4,
   single-turn AST categories: simple_python, multiple, parallel, parallel_multiple,
   irrelevance), scored by a C port of BFCL's AST checker (its rules are summarized in
   ../shared/data/agent/bfcl/README.md and repeated in bfcl_check below).
   Usage: build/bench/agent_bfcl MODEL.gguf BFCL_DIR [N_PER_CATEGORY=0 (all)] [--free | --compact]
   Each entry: the functions become an aieng_tools set, the question the user message, and
   the model replies once (one step of aieng_agent_run, no tool is executed) with
   max_calls 8 and no thought, greedily (prompt prefixes reused from the KV cache):
     default  under the reply grammar (aieng_tools_grammar): every reply parses;
     --compact  the grammar allows no whitespace (AIENG_TOOLS_COMPACT);
     --free   the same prompt, unconstrained (aieng_model_generate, 384 tokens): the reply
              counts when the text from its first '{' to its last '}' parses and validates
              as the same JSON reply (aieng_tools_parse).
   Replies are bounded (answer 200 bytes, argument strings 96, arrays 16 items, 384 tokens).
   A reply {"calls": [...]} becomes BFCL's call list [{name: arguments}, ...]; {"answer":
   ...} is "no call" (what irrelevance wants), and so, as in BFCL, is a reply that does not decode. Prints per category: entries, replies that
   parse, accuracy, accuracy with repeated identical calls merged (as aieng_agent_run runs
   them: once), and tokens/s; then the totals. */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h"
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <ctype.h>
#include <time.h>

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    char *b;
    long k;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    k = ftell(f);
    fseek(f, 0, SEEK_SET);
    b = (char *)malloc((size_t)k + 1);
    *n = b ? fread(b, 1, (size_t)k, f) : 0;
    if (b) b[*n] = 0;
    fclose(f);
    return b;
}
static int echo(const char *t, size_t n, int32_t tok, void *u) {
    (void)tok; (void)u;
    fwrite(t, 1, n, stderr);
    return 0;
}
static double now_s(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static char *append(char *s, size_t *n, const char *t) {
    size_t k = strlen(t);
    char *r = (char *)realloc(s, *n + k + 1);
    if (!r) { free(s); fprintf(stderr, "out of memory\n"); exit(1); }
    memcpy(r + *n, t, k + 1);
    *n += k;
    return r;
}

/* ---- the AST checker ---- */
/* BFCL's string normalization: drop spaces and , . / - _ * ^, lowercase, ' -> " */
static void norm(const char *s, size_t n, char *out, size_t cap) {
    size_t i, k = 0;
    for (i = 0; i < n && k + 1 < cap; i++) {
        char c = s[i];
        if (c == ' ' || c == ',' || c == '.' || c == '/' || c == '-' || c == '_' || c == '*' || c == '^') continue;
        if (c == '\'') c = '"';
        out[k++] = (char)tolower((unsigned char)c);
    }
    out[k] = 0;
}
static int str_eq(const aieng_json *a, const aieng_json *b) {
    static char x[8192], y[8192];
    norm(a->s, a->len, x, sizeof x);
    norm(b->s, b->len, y, sizeof y);
    return !strcmp(x, y);
}
/* value equality: strings normalized, numbers by value (5 == 5.0), lists element-wise */
static int val_eq(const aieng_json *v, const aieng_json *alt) {
    size_t i;
    if (v->type == AIENG_JSON_STRING && alt->type == AIENG_JSON_STRING) return str_eq(v, alt);
    if (v->type != alt->type) return 0;
    switch (v->type) {
    case AIENG_JSON_NUMBER: return v->d == alt->d;
    case AIENG_JSON_BOOL: return v->boolean == alt->boolean;
    case AIENG_JSON_NULL: return 1;
    case AIENG_JSON_ARRAY:
        if (v->n != alt->n) return 0;
        for (i = 0; i < v->n; i++) if (!val_eq(v->items[i], alt->items[i])) return 0;
        return 1;
    default: return aieng_json_equal(v, alt);
    }
}
static int allows_omit(const aieng_json *alts) {
    size_t i;
    for (i = 0; alts && alts->type == AIENG_JSON_ARRAY && i < alts->n; i++)
        if (alts->items[i]->type == AIENG_JSON_STRING && alts->items[i]->len == 0) return 1;
    return 0;
}
/* the dict rule: every key given is in alt with an allowed value; alt's keys without "" given */
static int dict_ok(const aieng_json *v, const aieng_json *alt) {
    size_t i, j;
    if (v->type != AIENG_JSON_OBJECT || alt->type != AIENG_JSON_OBJECT) return 0;
    for (i = 0; i < v->n; i++) {
        const aieng_json *al = aieng_json_get(alt, v->items[i]->key);
        int ok = 0;
        if (!al || al->type != AIENG_JSON_ARRAY) return 0;
        for (j = 0; j < al->n && !ok; j++) ok = val_eq(v->items[i], al->items[j]);
        if (!ok) return 0;
    }
    for (i = 0; i < alt->n; i++)
        if (!aieng_json_get(v, alt->items[i]->key) && !allows_omit(alt->items[i])) return 0;
    return 1;
}
static int type_ok(const aieng_json *v, const char *t) {
    if (!strcmp(t, "integer")) return v->type == AIENG_JSON_NUMBER && v->is_int;
    if (!strcmp(t, "float")) return v->type == AIENG_JSON_NUMBER; /* an int is promoted */
    if (!strcmp(t, "string") || !strcmp(t, "any")) return v->type == AIENG_JSON_STRING;
    if (!strcmp(t, "boolean")) return v->type == AIENG_JSON_BOOL;
    if (!strcmp(t, "array") || !strcmp(t, "tuple")) return v->type == AIENG_JSON_ARRAY;
    if (!strcmp(t, "dict")) return v->type == AIENG_JSON_OBJECT;
    return 1;
}
/* one call {name: args} against one expected {name: {param: [alts]}}; spec: the function */
static int call_ok(const char *name, const aieng_json *args, const aieng_json *gt, const aieng_json *spec) {
    const aieng_json *exp = gt->items[0], *par = aieng_json_get(spec, "parameters");
    const aieng_json *props = par ? aieng_json_get(par, "properties") : NULL, *req = par ? aieng_json_get(par, "required") : NULL;
    size_t i, j;
    if (strcmp(name, exp->key) != 0) return 0;
    for (i = 0; req && i < req->n; i++)
        if (!aieng_json_get(args, req->items[i]->s)) return 0;
    for (i = 0; i < args->n; i++) {
        const aieng_json *v = args->items[i], *ps = props ? aieng_json_get(props, v->key) : NULL;
        const aieng_json *alts = aieng_json_get(exp, v->key), *ty;
        int ok = 0, varmatch = 0;
        if (!ps || !alts || alts->type != AIENG_JSON_ARRAY) return 0; /* unexpected parameter */
        ty = aieng_json_get(ps, "type");
        if (ty && ty->type == AIENG_JSON_STRING && !type_ok(v, ty->s)) {
            /* the "variable" escape: the value has the type of the answers' values */
            for (j = 0; j < alts->n && !varmatch; j++)
                if (!(alts->items[j]->type == AIENG_JSON_STRING && alts->items[j]->len == 0)) varmatch = alts->items[j]->type == v->type;
            if (!varmatch) return 0;
        } else if (ty && ty->type == AIENG_JSON_STRING && (!strcmp(ty->s, "array") || !strcmp(ty->s, "tuple"))) {
            const aieng_json *it = aieng_json_get(ps, "items"), *ity = it ? aieng_json_get(it, "type") : NULL;
            for (j = 0; ity && ity->type == AIENG_JSON_STRING && j < v->n; j++)
                if (!type_ok(v->items[j], ity->s)) return 0;
        }
        for (j = 0; j < alts->n && !ok; j++) {
            const aieng_json *a = alts->items[j];
            if (v->type == AIENG_JSON_OBJECT) ok = dict_ok(v, a);
            else if (v->type == AIENG_JSON_ARRAY && a->type == AIENG_JSON_ARRAY && v->n && v->items[0]->type == AIENG_JSON_OBJECT) {
                size_t k;
                ok = v->n == a->n;
                for (k = 0; ok && k < v->n; k++) ok = dict_ok(v->items[k], a->items[k]);
            } else ok = val_eq(v, a);
        }
        if (!ok) return 0;
    }
    for (i = 0; i < exp->n; i++)
        if (!aieng_json_get(args, exp->items[i]->key) && !allows_omit(exp->items[i])) return 0;
    return 1;
}
static const aieng_json *find_fn(const aieng_json *fns, const char *name) {
    size_t i;
    for (i = 0; i < fns->n; i++) {
        const aieng_json *nm = aieng_json_get(fns->items[i], "name");
        if (nm && !strcmp(nm->s, name)) return fns->items[i];
    }
    return NULL;
}
/* calls: the reply's "calls" array (NULL: no call); gts: ground_truth (NULL for irrelevance) */
static int bfcl_check(const char *cat, const aieng_json *calls, const aieng_json *gts, const aieng_json *fns) {
    size_t i, j, nc = calls ? calls->n : 0;
    if (!strcmp(cat, "irrelevance")) return nc == 0;
    if (!gts || nc == 0) return 0;
    if (strstr(cat, "parallel")) {
        char used[64] = {0};
        if (nc != gts->n || nc > 64) return 0;
        for (i = 0; i < gts->n; i++) {
            const aieng_json *gt = gts->items[i], *spec = find_fn(fns, gt->items[0]->key);
            int found = 0;
            for (j = 0; j < nc && !found; j++) {
                if (used[j] || !spec) continue;
                if (call_ok(aieng_json_get(calls->items[j], "name")->s, aieng_json_get(calls->items[j], "arguments"), gt, spec)) {
                    used[j] = 1;
                    found = 1;
                }
            }
            if (!found) return 0;
        }
        return 1;
    }
    if (nc != 1) return 0;
    {
        const aieng_json *gt = gts->items[0], *spec = find_fn(fns, gt->items[0]->key);
        return spec && call_ok(aieng_json_get(calls->items[0], "name")->s, aieng_json_get(calls->items[0], "arguments"), gt, spec);
    }
}

int main(int argc, char **argv) {
    static const char *const cats[] = {"simple_python", "multiple", "parallel", "parallel_multiple", "irrelevance"};
    aieng_model *m = NULL;
    aieng_model_config mc = aieng_model_config_default();
    aieng_agent_llm llm;
    aieng_generate_config gen;
    int free_mode = 0, compact = 0, nmax = 0, ci, a, tot_n = 0, tot_parse = 0, tot_ok = 0, tot_okm = 0;
    const char *dir;
    for (a = 3; a < argc; a++) {
        if (!strcmp(argv[a], "--free")) free_mode = 1;
        else if (!strcmp(argv[a], "--compact")) compact = 1;
        else nmax = atoi(argv[a]);
    }
    if (argc < 3) { fprintf(stderr, "usage: %s MODEL.gguf BFCL_DIR [N] [--free]\n", argv[0]); return 2; }
    dir = argv[2];
    mc.n_ctx = 4096;
    if (aieng_model_load_file(&m, argv[1], &mc) != AIENG_OK) { fprintf(stderr, "load: %s\n", aieng_last_error()); return 1; }
    memset(&gen, 0, sizeof gen);
    gen.max_tokens = 384;
    if (getenv("BFCL_ECHO")) gen.on_text = echo;
    if (aieng_agent_llm_model(m, &gen, &llm) != AIENG_OK) return 1;
    printf("BFCL v4 (%s), SmolLM2 greedy, %s\n", argv[1], free_mode ? "unconstrained (--free)" : compact ? "under the compact reply grammar" : "under the reply grammar");
    printf("%-18s %7s %7s %9s %9s %9s %8s\n", "category", "entries", "parse", "accuracy", "merged", "tokens", "tok/s");
    for (ci = 0; ci < 5; ci++) {
        char qp[1024], ap[1024];
        size_t qn = 0, an = 0;
        char *qt, *at = NULL, *q, *an_p = NULL;
        int n = 0, nparse = 0, nok = 0, nokm = 0;
        aieng_agent_usage use;
        double t0 = now_s();
        memset(&use, 0, sizeof use);
        snprintf(qp, sizeof qp, "%s/BFCL_v4_%s.json", dir, cats[ci]);
        snprintf(ap, sizeof ap, "%s/possible_answer/BFCL_v4_%s.json", dir, cats[ci]);
        qt = slurp(qp, &qn);
        if (!qt) { fprintf(stderr, "missing %s\n", qp); return 1; }
        if (ci < 4) {
            at = slurp(ap, &an);
            if (!at) { fprintf(stderr, "missing %s\n", ap); return 1; }
            an_p = at;
        }
        for (q = qt; q && *q && (nmax <= 0 || n < nmax);) {
            char *e = strchr(q, '\n'), *ae = an_p ? strchr(an_p, '\n') : NULL;
            size_t l = e ? (size_t)(e - q) : strlen(q);
            aieng_json_doc *qd = NULL, *ad = NULL, *rd = NULL;
            const aieng_json *fns, *qq;
            aieng_tools *T = NULL;
            aieng_grammar *g = NULL;
            aieng_tools_reply rp;
            aieng_agent_message msg[2];
            char *reply = NULL;
            size_t rl = 0, i;
            char *sys = NULL;
            size_t sl = 0;
            int ok = 0, okm = 0, parsed = 0;
            if (aieng_json_parse(q, l, NULL, &qd) != AIENG_OK) { fprintf(stderr, "bad line in %s\n", qp); return 1; }
            if (an_p && aieng_json_parse(an_p, ae ? (size_t)(ae - an_p) : strlen(an_p), NULL, &ad) != AIENG_OK) { fprintf(stderr, "bad answer line\n"); return 1; }
            fns = aieng_json_get(aieng_json_root(qd), "function");
            qq = aieng_json_pointer(aieng_json_root(qd), "/question/0/0/content");
            aieng_tools_new(&T);
            for (i = 0; i < fns->n; i++) {
                char *w = NULL;
                size_t wl = 0;
                aieng_json_write(fns->items[i], 0, &w, &wl);
                if (aieng_tools_add(T, w, wl, NULL, NULL) != AIENG_OK) fprintf(stderr, "tool: %s\n", aieng_last_error());
                aieng_free(NULL, w);
            }
            memset(&rp, 0, sizeof rp);
            rp.max_calls = 8;
            rp.answer_max = 200;
            rp.max_string = 96; /* every string and array bounded: a reply always ends */
            rp.max_items = 16;
            if (compact) rp.flags = AIENG_TOOLS_COMPACT;
            sys = append(sys, &sl, "You are a function-calling assistant. Reply with one JSON object: "
                                   "{\"calls\": [{\"name\": \"...\", \"arguments\": {...}}]} to call one or more of the functions below, "
                                   "or {\"answer\": \"...\"} when none of them fits the request.\n\nFunctions:");
            for (i = 0; i < (size_t)aieng_tools_count(T); i++) { sys = append(sys, &sl, "\n"); sys = append(sys, &sl, aieng_tools_spec(T, (int)i)); }
            msg[0].role = "system"; msg[0].content = sys ? sys : "";
            msg[1].role = "user"; msg[1].content = qq ? qq->s : "";
            if (!free_mode && aieng_tools_grammar(T, &rp, &g) != AIENG_OK) fprintf(stderr, "grammar: %s\n", aieng_last_error());
            if (llm.generate(llm.user, msg, 2, free_mode ? NULL : g, &reply, &rl, &use) == AIENG_OK) {
                size_t s = 0;
                while (s < rl && (reply[s] == ' ' || reply[s] == '\n')) s++;
                if (free_mode) { /* lenient: the text from the first '{' to the last '}' (code fences, prose around) */
                    const char *o = strchr(reply, '{'), *c = strrchr(reply, '}');
                    if (o && c && c > o) { s = (size_t)(o - reply); rl = (size_t)(c - reply) + 1; }
                }
                if (aieng_tools_parse(T, &rp, reply + s, rl - s, &rd) == AIENG_OK) {
                    parsed = 1;
                    const aieng_json *calls = aieng_json_get(aieng_json_root(rd), "calls");
                    const aieng_json *gts = ad ? aieng_json_get(aieng_json_root(ad), "ground_truth") : NULL;
                    ok = bfcl_check(cats[ci], calls, gts, fns);
                    if (calls) { /* the same with repeated calls merged, as aieng_agent_run runs them */
                        aieng_json u = *calls;
                        aieng_json *keep[64];
                        size_t k2, j2;
                        u.n = 0;
                        u.items = keep;
                        for (k2 = 0; k2 < calls->n && u.n < 64; k2++) {
                            int dup = 0;
                            for (j2 = 0; j2 < u.n && !dup; j2++) dup = aieng_json_equal(keep[j2], calls->items[k2]);
                            if (!dup) keep[u.n++] = calls->items[k2];
                        }
                        okm = bfcl_check(cats[ci], &u, gts, fns);
                    } else okm = ok;
                }
            } else if (!free_mode) fprintf(stderr, "%s: %s\n", aieng_json_get(aieng_json_root(qd), "id")->s, aieng_last_error());
            if (getenv("BFCL_VERBOSE")) printf("%s %d %d %s\n", aieng_json_get(aieng_json_root(qd), "id")->s, parsed, ok, reply ? reply : "");
            if (!parsed && !strcmp(cats[ci], "irrelevance")) ok = okm = 1; /* BFCL: output that does not decode is no call */
            nparse += parsed;
            nok += ok;
            nokm += okm;
            n++;
            aieng_free(NULL, reply);
            aieng_json_free(rd);
            aieng_grammar_free(g);
            aieng_tools_free(T);
            free(sys);
            aieng_json_free(qd);
            aieng_json_free(ad);
            q = e ? e + 1 : NULL;
            an_p = ae ? ae + 1 : NULL;
        }
        printf("%-18s %7d %6.1f%% %8.1f%% %8.1f%% %9lld %8.1f   (%.0f s)\n", cats[ci], n, 100.0 * nparse / (n ? n : 1), 100.0 * nok / (n ? n : 1), 100.0 * nokm / (n ? n : 1),
               (long long)use.generated_tokens, use.decode_seconds > 0 ? (double)use.generated_tokens / use.decode_seconds : 0.0, now_s() - t0);
        fflush(stdout);
        tot_n += n; tot_parse += nparse; tot_ok += nok; tot_okm += nokm;
        free(qt);
        free(at);
    }
    printf("%-18s %7d %6.1f%% %8.1f%% %8.1f%%\n", "all", tot_n, 100.0 * tot_parse / (tot_n ? tot_n : 1), 100.0 * tot_ok / (tot_n ? tot_n : 1),
           100.0 * tot_okm / (tot_n ? tot_n : 1));
    aieng_agent_llm_free(&llm);
    aieng_model_free(m);
    return 0;
}
