/* aieng-run - run a GGUF model (Llama, GPT-2) with aieng_transformer.h.

   build/aieng-run -m model.gguf -p PROMPT [-n N] [--temp T] [--top-k K] [--top-p P]
                   [--min-p P] [--repeat-penalty R] [--seed S] [--threads N] [--ctx N]
                   [--chat] [--system TEXT] [--stop TEXT]... [-i] [--ignore-eos]
                   [--tokens] [--info] [--grammar F.gbnf | --json-schema F.json]

   Standard output carries only the generated text; logs and the closing
   figures (prefill and decode tokens/s, peak memory) go to standard error.
   --temp 0 is greedy. --chat renders the prompt with the model's chat template
   (its default system prompt unless --system is given). -i chats
   interactively: one user turn per line on standard input, the KV cache keeps
   the conversation. --tokens prints the prompt's token ids to standard error;
   --info prints the model's metadata and tensor types to standard error.

   Constrained output (aieng_agent.h): --grammar F.gbnf (llama.cpp's GBNF, start
   rule "root") or --json-schema F.json (compiled to such a grammar) lets the
   model produce only sentences of the grammar; every token is checked, the
   logits are masked only when the sampled token is not allowed. The answer is
   written to standard output once the sentence is complete, followed by a
   newline. When -n (or the context) runs out before that, nothing goes to
   standard output, standard error says so (with the partial text), and the
   exit status is 3: a truncated answer is never handed on. With --json-schema
   the answer is also checked with the schema validator before it is printed
   (the grammar does not enforce every oneOf's exclusivity); --ordered keeps
   object members in the schema's order (the grammar otherwise allows any
   order); --relax compiles
   keywords the grammar cannot express by leaving them out (named on standard
   error), so that more schemas run and the validator alone enforces those; an
   answer that does not validate gives exit status 4 and nothing on standard
   output. --stop cannot be combined with a grammar. Works with --chat and -i
   (each turn one sentence). */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h"
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#ifdef AIENG_RUN_GPU /* examples/aieng_run_gpu.cu (aieng_cuda.h), linked in on a machine with an NVIDIA GPU */
int aieng_run_gpu_generate(aieng_model *m, const int32_t *prompt, int64_t n_prompt, const aieng_generate_config *cfg,
                           aieng_generate_stats *stats);
int64_t aieng_run_gpu_n_past(void);
void aieng_run_gpu_free(void);
#endif

static int on_text(const char *text, size_t len, int32_t token, void *user) {
    (void)token;
    (void)user;
    fwrite(text, 1, len, stdout);
    fflush(stdout);
    return 0;
}

static void usage(void) {
    fprintf(stderr, "usage: aieng-run -m model.gguf -p PROMPT [-n N] [--temp T] [--top-k K] [--top-p P] [--min-p P]\n"
                    "       [--repeat-penalty R] [--seed S] [--threads N] [--ctx N] [--chat] [--system TEXT]\n"
                    "       [--stop TEXT] [-i] [--ignore-eos] [--tokens] [--info]\n"
                    "       [--grammar F.gbnf | --json-schema F.json [--relax] [--ordered]] [--gpu]\n"
                    "  --gpu: the forward pass on an NVIDIA GPU (aieng_cuda.h; Llama, Q4_0/Q4_1/Q5_0/Q5_1/Q8_0/Q4_K/Q6_K weights);\n"
                    "  make links it into build/aieng-run where nvcc and a GPU are found (else: build/aieng-run-gpu).\n"
                    "  --grammar / --json-schema: output limited to the grammar's sentences (GBNF as llama.cpp,\n"
                    "  root rule \"root\"; a schema is compiled to one). The answer is printed when complete;\n"
                    "  if -n or the context runs out first: nothing on stdout, an error on stderr, exit 3.\n"
                    "  A schema's answer is validated before it is printed (exit 4 when it fails); --relax:\n"
                    "  keywords the grammar cannot express are left out of it (named on stderr) and left to the\n"
                    "  validator; --ordered: object members in the schema's order (else any order).\n");
}

/* text of a constrained answer, printed only once it is complete */
typedef struct text_buf { char *p; size_t n, cap; } text_buf;
static int on_text_buf(const char *text, size_t len, int32_t token, void *user) {
    text_buf *b = (text_buf *)user;
    (void)token;
    if (b->n + len + 1 > b->cap) {
        size_t nc = (b->n + len + 1) * 2;
        char *np = (char *)realloc(b->p, nc);
        if (!np) return 1;
        b->p = np;
        b->cap = nc;
    }
    memcpy(b->p + b->n, text, len);
    b->n += len;
    b->p[b->n] = 0;
    return 0;
}

static char *read_file(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    char *p = NULL;
    size_t cap = 0, got;
    *n = 0;
    if (!f) return NULL;
    for (;;) {
        if (*n + 4096 + 1 > cap) {
            char *np = (char *)realloc(p, cap = (*n + 4096 + 1) * 2);
            if (!np) { free(p); fclose(f); return NULL; }
            p = np;
        }
        got = fread(p + *n, 1, cap - *n - 1, f);
        *n += got;
        if (got == 0) break;
    }
    fclose(f);
    p[*n] = 0;
    return p;
}

/* Compiles --grammar / --json-schema into *g (the schema kept in *sdoc for validation);
   returns 0 on success. */
static int load_grammar(const char *gbnf_path, const char *schema_path, int flags, aieng_grammar **g,
                        aieng_json_doc **sdoc) {
    size_t n = 0, glen = 0;
    const char *path = gbnf_path ? gbnf_path : schema_path;
    char *text = read_file(path, &n), *gbnf = NULL;
    aieng_result r;
    if (!text) { fprintf(stderr, "aieng-run: cannot read %s\n", path); return 1; }
    if (schema_path) {
        aieng_schema_options so;
        char relaxed[256] = "";
        memset(&so, 0, sizeof so);
        so.flags = flags; /* AIENG_SCHEMA_RELAX, AIENG_SCHEMA_ORDERED */
        so.relaxed = relaxed;
        so.relaxed_cap = sizeof relaxed;
        r = aieng_json_parse(text, n, NULL, sdoc);
        if (r == AIENG_OK) r = aieng_schema_to_gbnf(aieng_json_root(*sdoc), &so, &gbnf, &glen);
        free(text);
        if (r != AIENG_OK) {
            fprintf(stderr, "aieng-run: %s: %s%s\n", path, aieng_last_error(),
                    r == AIENG_ERR_UNSUPPORTED && !(flags & AIENG_SCHEMA_RELAX) ? " (--relax leaves it to the validator)" : "");
            return 1;
        }
        if (relaxed[0]) fprintf(stderr, "aieng-run: relaxed in the grammar, checked by the validator: %s\n", relaxed);
        r = aieng_grammar_parse(gbnf, glen, "root", g);
        if (r == AIENG_OK) r = aieng_grammar_set_schema(*g, aieng_json_root(*sdoc)); /* its %valid checks */
        aieng_free(NULL, gbnf);
    } else {
        r = aieng_grammar_parse(text, n, "root", g);
        free(text);
    }
    if (r != AIENG_OK) { fprintf(stderr, "aieng-run: %s: %s\n", path, aieng_last_error()); return 1; }
    return 0;
}

static double peak_mib(void) {
    struct rusage ru;
    if (getrusage(RUSAGE_SELF, &ru) != 0) return 0.0;
    return (double)ru.ru_maxrss / 1024.0; /* KiB on Linux */
}

static void print_info(const aieng_model *m) {
    const aieng_gguf *g = aieng_model_gguf(m);
    int64_t i, counts[64] = {0};
    for (i = 0; i < g->n_kv; i++) {
        const aieng_gguf_kv *kv = &g->kv[i];
        int64_t iv;
        double fv;
        const char *s;
        size_t n;
        fprintf(stderr, "  %-42s ", kv->key);
        if (kv->type == AIENG_GGUF_STRING && aieng_gguf_get_string(g, kv->key, &s, &n) == AIENG_OK)
            fprintf(stderr, "\"%.*s\"%s\n", (int)(n > 60 ? 60 : n), s, n > 60 ? "..." : "");
        else if (kv->type == AIENG_GGUF_ARRAY)
            fprintf(stderr, "array[%llu] of type %u\n", (unsigned long long)kv->n, kv->arr_type);
        else if (kv->type != AIENG_GGUF_FLOAT32 && kv->type != AIENG_GGUF_FLOAT64 &&
                 aieng_gguf_get_int(g, kv->key, &iv) == AIENG_OK)
            fprintf(stderr, "%lld\n", (long long)iv);
        else if (aieng_gguf_get_float(g, kv->key, &fv) == AIENG_OK)
            fprintf(stderr, "%g\n", fv);
        else
            fprintf(stderr, "?\n");
    }
    for (i = 0; i < g->n_tensors; i++)
        if (g->tensors[i].type < 64) counts[g->tensors[i].type]++;
    fprintf(stderr, "  %lld tensors:", (long long)g->n_tensors);
    for (i = 0; i < 64; i++)
        if (counts[i]) fprintf(stderr, " %s x%lld", aieng_gguf_type_name((uint32_t)i), (long long)counts[i]);
    fprintf(stderr, "\n");
}

typedef struct run_opts {
    const char *model, *prompt, *system;
    const char *stop[16];
    const char *grammar, *schema;
    aieng_json_doc *schema_doc;
    int n_stop, chat, interactive, show_tokens, info, threads, relax, gpu;
    int64_t n, n_ctx;
    aieng_generate_config gen;
    aieng_constrain *con;
} run_opts;

/* Tokenizes text and generates; returns 0 on success. */
static int run_turn(aieng_model *m, const char *text, int parse_special, run_opts *o, aieng_generate_stats *tot) {
    int64_t n_ids = 0, cap = (int64_t)strlen(text) + 16, i;
    int32_t *ids = (int32_t *)malloc((size_t)cap * sizeof(int32_t));
    aieng_generate_stats st;
    aieng_result r;
    if (!ids) return 1;
    int64_t n_past = aieng_model_n_past(m);
#ifdef AIENG_RUN_GPU
    if (o->gpu) n_past = aieng_run_gpu_n_past(); /* the GPU keeps its own KV cache */
#endif
    r = aieng_model_tokenize(m, text, strlen(text), n_past == 0, parse_special, ids, cap, &n_ids);
    if (r != AIENG_OK || n_ids == 0) {
        fprintf(stderr, "aieng-run: %s\n", r != AIENG_OK ? aieng_model_error(m) : "empty prompt");
        free(ids);
        return 1;
    }
    if (o->show_tokens) {
        fprintf(stderr, "prompt tokens (%lld):", (long long)n_ids);
        for (i = 0; i < n_ids; i++) fprintf(stderr, " %d", (int)ids[i]);
        fprintf(stderr, "\n");
    }
    if (o->con) { /* constrained: buffer the answer, print it only when complete */
        aieng_generate_config gc = o->gen;
        text_buf tb = {NULL, 0, 0};
        gc.on_text = on_text_buf;
        gc.user = &tb;
        r = aieng_constrain_generate(m, o->con, ids, n_ids, &gc, &st);
        free(ids);
        tot->n_prompt += st.n_prompt;
        tot->n_generated += st.n_generated;
        tot->prefill_seconds += st.prefill_seconds;
        tot->decode_seconds += st.decode_seconds;
        if (r == AIENG_OK && !aieng_constrain_complete(o->con)) r = aieng_set_error(AIENG_ERR_OOM, "out of memory");
        if (r != AIENG_OK) {
            fprintf(stderr, "aieng-run: %s\n", aieng_last_error());
            if (tb.n) fprintf(stderr, "aieng-run: incomplete output (not printed on stdout): %s\n", tb.p);
            free(tb.p);
            return r == AIENG_ERR_RANGE ? 3 : 1;
        }
        if (o->schema_doc) { /* the grammar is looser than the schema on oneOf (and relaxed keywords) */
            aieng_json_doc *ans = NULL;
            r = aieng_json_parse(tb.p ? tb.p : "", tb.n, NULL, &ans);
            if (r == AIENG_OK) r = aieng_schema_validate(aieng_json_root(o->schema_doc), aieng_json_root(ans));
            aieng_json_free(ans);
            if (r != AIENG_OK) {
                fprintf(stderr, "aieng-run: the answer does not validate against the schema: %s\n", aieng_last_error());
                fprintf(stderr, "aieng-run: answer (not printed on stdout): %s\n", tb.p ? tb.p : "");
                free(tb.p);
                return 4;
            }
        }
        if (tb.n) fwrite(tb.p, 1, tb.n, stdout);
        free(tb.p);
        return 0;
    } else {
#ifdef AIENG_RUN_GPU
        if (o->gpu) { /* prints its own errors */
            int grc = aieng_run_gpu_generate(m, ids, n_ids, &o->gen, &st);
            free(ids);
            if (grc) return 1;
            r = AIENG_OK;
        } else
#endif
        {
            r = aieng_model_generate(m, ids, n_ids, &o->gen, &st);
            free(ids);
        }
    }
    if (r != AIENG_OK) {
        fprintf(stderr, "aieng-run: %s\n", aieng_model_error(m));
        return 1;
    }
    tot->n_prompt += st.n_prompt;
    tot->n_generated += st.n_generated;
    tot->prefill_seconds += st.prefill_seconds;
    tot->decode_seconds += st.decode_seconds;
    return 0;
}

int main(int argc, char **argv) {
    run_opts o;
    aieng_model_config cfg = aieng_model_config_default();
    aieng_model *m;
    aieng_generate_stats tot;
    aieng_result r;
    aieng_grammar *gram = NULL;
    int i, rc = 0;
    memset(&o, 0, sizeof o);
    memset(&tot, 0, sizeof tot);
    o.n = 128;
    o.gen.sampler.temperature = 0.8f;
    o.gen.sampler.top_k = 40;
    o.gen.sampler.top_p = 0.95f;
    o.gen.sampler.min_p = 0.05f;
    o.gen.sampler.seed = 42;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
#define NEED_ARG() do { if (!v) { fprintf(stderr, "aieng-run: %s needs a value\n", a); return 2; } i++; } while (0)
        if (!strcmp(a, "-m") || !strcmp(a, "--model")) { NEED_ARG(); o.model = v; }
        else if (!strcmp(a, "-p") || !strcmp(a, "--prompt")) { NEED_ARG(); o.prompt = v; }
        else if (!strcmp(a, "-n") || !strcmp(a, "--n-predict")) { NEED_ARG(); o.n = atoll(v); }
        else if (!strcmp(a, "--temp")) { NEED_ARG(); o.gen.sampler.temperature = (float)atof(v); }
        else if (!strcmp(a, "--top-k")) { NEED_ARG(); o.gen.sampler.top_k = atoi(v); }
        else if (!strcmp(a, "--top-p")) { NEED_ARG(); o.gen.sampler.top_p = (float)atof(v); }
        else if (!strcmp(a, "--min-p")) { NEED_ARG(); o.gen.sampler.min_p = (float)atof(v); }
        else if (!strcmp(a, "--repeat-penalty")) { NEED_ARG(); o.gen.sampler.repeat_penalty = (float)atof(v); }
        else if (!strcmp(a, "--seed")) { NEED_ARG(); o.gen.sampler.seed = (uint64_t)strtoull(v, NULL, 10); }
        else if (!strcmp(a, "--threads") || !strcmp(a, "-t")) { NEED_ARG(); o.threads = atoi(v); }
        else if (!strcmp(a, "--ctx") || !strcmp(a, "-c")) { NEED_ARG(); o.n_ctx = atoll(v); }
        else if (!strcmp(a, "--system")) { NEED_ARG(); o.system = v; }
        else if (!strcmp(a, "--stop")) { NEED_ARG(); if (o.n_stop < 16) o.stop[o.n_stop++] = v; }
        else if (!strcmp(a, "--chat")) o.chat = 1;
        else if (!strcmp(a, "-i") || !strcmp(a, "--interactive")) o.interactive = o.chat = 1;
        else if (!strcmp(a, "--ignore-eos")) o.gen.ignore_eos = 1;
        else if (!strcmp(a, "--tokens")) o.show_tokens = 1;
        else if (!strcmp(a, "--info")) o.info = 1;
        else if (!strcmp(a, "--grammar")) { NEED_ARG(); o.grammar = v; }
        else if (!strcmp(a, "--json-schema")) { NEED_ARG(); o.schema = v; }
        else if (!strcmp(a, "--gpu")) o.gpu = 1;
        else if (!strcmp(a, "--relax")) o.relax |= AIENG_SCHEMA_RELAX;
        else if (!strcmp(a, "--ordered")) o.relax |= AIENG_SCHEMA_ORDERED;
        else if (!strcmp(a, "-h") || !strcmp(a, "--help")) { usage(); return 0; }
        else { fprintf(stderr, "aieng-run: unknown option %s\n", a); usage(); return 2; }
#undef NEED_ARG
    }
    if (!o.model || (!o.prompt && !o.interactive && !o.info)) { usage(); return 2; }
#ifndef AIENG_RUN_GPU
    if (o.gpu) {
        fprintf(stderr, "aieng-run: --gpu: this aieng-run was built without CUDA (make links it in where nvcc and a GPU "
                        "are found; `make build/aieng-run-gpu` builds it with nvcc anyway)\n");
        return 2;
    }
#endif
    if (o.gpu && (o.grammar || o.schema)) { fprintf(stderr, "aieng-run: --gpu cannot be combined with a grammar\n"); return 2; }
    if (o.grammar && o.schema) { fprintf(stderr, "aieng-run: --grammar and --json-schema exclude each other\n"); return 2; }
    if ((o.grammar || o.schema) && o.n_stop) { fprintf(stderr, "aieng-run: --stop cannot be used with a grammar\n"); return 2; }
    if ((o.grammar || o.schema) && load_grammar(o.grammar, o.schema, o.relax, &gram, &o.schema_doc)) {
        aieng_json_free(o.schema_doc);
        return 1;
    }
    cfg.n_ctx = o.n_ctx;
    cfg.n_threads = o.threads;
    r = aieng_model_load_file(&m, o.model, &cfg);
    if (r != AIENG_OK) {
        fprintf(stderr, "aieng-run: %s\n", aieng_last_error());
        return 1;
    }
    {
        const aieng_model_hparams *hp = aieng_model_get_hparams(m);
        fprintf(stderr, "model: %s, %lld layers, n_embd %lld, %lld/%lld heads, vocab %lld, ctx %lld, threads %d\n",
                hp->arch == AIENG_ARCH_LLAMA ? "llama" : "gpt2", (long long)hp->n_layer, (long long)hp->n_embd,
                (long long)hp->n_head, (long long)hp->n_head_kv, (long long)hp->n_vocab,
                (long long)aieng_model_n_ctx(m), aieng_get_threads());
    }
    if (o.info) print_info(m);
    if (gram && aieng_constrain_new_model(gram, m, &o.con) != AIENG_OK) {
        fprintf(stderr, "aieng-run: %s\n", aieng_last_error());
        aieng_model_free(m);
        aieng_grammar_free(gram);
        aieng_json_free(o.schema_doc);
        return 1;
    }
    o.gen.max_tokens = o.n;
    o.gen.stop = o.stop;
    o.gen.n_stop = o.n_stop;
    o.gen.on_text = on_text;
    if (o.prompt) {
        if (o.chat) {
            aieng_chat_message msgs[2];
            int nm = 0;
            size_t len;
            char *text;
            if (o.system) { msgs[nm].role = "system"; msgs[nm].content = o.system; nm++; }
            msgs[nm].role = "user";
            msgs[nm].content = o.prompt;
            nm++;
            aieng_model_chat_render(m, msgs, nm, 1, NULL, 0, &len);
            text = (char *)malloc(len + 1);
            if (!text || aieng_model_chat_render(m, msgs, nm, 1, text, len + 1, &len) != AIENG_OK) {
                fprintf(stderr, "aieng-run: %s\n", aieng_last_error());
                free(text);
                aieng_model_free(m);
                return 1;
            }
            rc = run_turn(m, text, 1, &o, &tot);
            free(text);
        } else {
            rc = run_turn(m, o.prompt, 0, &o, &tot);
        }
        if (rc == 0 || !o.con) fputc('\n', stdout);
        fflush(stdout);
    }
    if (o.interactive && rc == 0) {
        char line[4096];
        int first = o.prompt == NULL;
        fprintf(stderr, "interactive chat: one message per line, end with EOF (Ctrl-D)\n");
        while (fprintf(stderr, "> "), fgets(line, sizeof line, stdin)) {
            aieng_chat_message msgs[2];
            int nm = 0;
            size_t len, l = strlen(line);
            char *text, *turn;
            if (l && line[l - 1] == '\n') line[--l] = 0;
            if (!l) continue;
            if (first && o.system) { msgs[nm].role = "system"; msgs[nm].content = o.system; nm++; }
            msgs[nm].role = "user";
            msgs[nm].content = line;
            nm++;
            aieng_model_chat_render(m, msgs, nm, 1, NULL, 0, &len);
            text = (char *)malloc(len + 16);
            if (!text) break;
            /* later turns: close the previous assistant turn (its <|im_end|> was
               sampled but not evaluated) and add only the new user turn */
            turn = text;
            if (!first) {
                memcpy(text, "<|im_end|>\n", 11);
                turn = text + 11;
                nm = 1;
                msgs[0].role = "user";
                msgs[0].content = line;
            }
            aieng_model_chat_render(m, msgs, nm, 1, turn, len + 1, &len);
            if (!first) { /* drop the default system prompt the renderer adds */
                char *u = strstr(turn, "<|im_start|>user");
                if (u && u != turn) memmove(turn, u, strlen(u) + 1);
            }
            turn = text;
            first = 0;
            rc = run_turn(m, turn, 1, &o, &tot);
            free(text);
            if (rc == 0 || !o.con) fputc('\n', stdout);
        fflush(stdout);
            if (rc) break;
        }
    }
    fprintf(stderr, "prompt %lld tokens in %.3f s (%.1f tok/s), generated %lld tokens in %.3f s (%.1f tok/s), "
                    "peak memory %.1f MiB\n",
            (long long)tot.n_prompt, tot.prefill_seconds,
            tot.prefill_seconds > 0 ? (double)tot.n_prompt / tot.prefill_seconds : 0.0, (long long)tot.n_generated,
            tot.decode_seconds, tot.decode_seconds > 0 ? (double)tot.n_generated / tot.decode_seconds : 0.0,
            peak_mib());
    if (o.con) {
        aieng_constrain_stats cs;
        aieng_constrain_get_stats(o.con, &cs);
        fprintf(stderr, "grammar: %lld tokens checked, %lld masks (%lld from the cache)\n", (long long)cs.allows_calls,
                (long long)cs.mask_calls, (long long)cs.cache_hits);
    }
    aieng_constrain_free(o.con);
    aieng_grammar_free(gram);
    aieng_json_free(o.schema_doc);
#ifdef AIENG_RUN_GPU
    if (o.gpu) aieng_run_gpu_free();
#endif
    aieng_model_free(m);
    return rc;
}
