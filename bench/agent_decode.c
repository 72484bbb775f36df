/* bench/agent_decode.c - decode speed of SmolLM2-135M-Instruct with and without a grammar,
   side by side in one process: same chat prompt, same number of generated tokens, greedy.
   Usage: build/bench/agent_decode MODEL.gguf [N_TOKENS=128] [RUNS=5] [THREADS=0]
   The model is loaded twice (the weights are mapped once, each copy has its own KV cache):
   copy A decodes unconstrained (aieng_sampler_sample + aieng_model_eval, what
   aieng_model_generate does per token), copy B under a JSON-Schema grammar
   (aieng_constrain_sample: sample, check, mask only when rejected; + aieng_model_eval, what
   aieng_constrain_generate does per token). The two alternate token by token (A first on
   even steps, B first on odd ones), each step timed on its own, so that load from other
   processes falls on both alike. The grammar (an array of at least 64 objects) cannot end
   within N tokens, so both produce exactly N. Two prompts: one asking for that JSON (the
   model mostly agrees with the grammar: fast path), one asking for a poem (the grammar
   overrides the model at some steps: masks computed), and a worst case: the poem prompt with
   the mask computed from a cold cache at every step (no fast path, no mask cache: a full
   walk of the token trie per token). Per run: tokens/s of each and the ratio; last line per
   prompt: medians over the runs. */
#define _POSIX_C_SOURCE 200809L
#define AIENG_TRANSFORMER_IMPLEMENTATION
#include "aieng_transformer.h"
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

static const char *schema =
    "{\"type\":\"array\",\"minItems\":64,\"items\":{\"type\":\"object\",\"properties\":{"
    "\"name\":{\"type\":\"string\",\"maxLength\":24},\"age\":{\"type\":\"integer\",\"minimum\":0,\"maximum\":120},"
    "\"city\":{\"type\":\"string\",\"maxLength\":24}},\"required\":[\"name\",\"age\",\"city\"],"
    "\"additionalProperties\":false}}";
static const char *const prompts[3] = {"List people with their name, age and city as a JSON array of objects.",
                                       "Write a short poem about the sea.", "Write a short poem about the sea."};
static const char *const prompt_names[3] = {"JSON prompt", "poem prompt", "worst case"};

static int cmp_d(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}
static double median(double *v, int n) {
    qsort(v, (size_t)n, sizeof *v, cmp_d);
    return n % 2 ? v[n / 2] : 0.5 * (v[n / 2 - 1] + v[n / 2]);
}

/* one run: prompt on both copies, then n_tok alternating steps; 0 on success */
static int one_run(aieng_model *ma, aieng_model *mb, aieng_constrain *c, const int32_t *ids, int64_t n_ids,
                   int64_t n_tok, int cold, double *tps_a, double *tps_b, int64_t *masks) {
    aieng_sampler sa, sb;
    aieng_sampler_config sc;
    aieng_constrain_stats cs0, cs1;
    const float *la = NULL, *lb = NULL;
    int64_t nv = aieng_model_get_hparams(ma)->n_vocab, i;
    float *wa = (float *)malloc((size_t)nv * sizeof(float)), *wb = (float *)malloc((size_t)nv * sizeof(float));
    double ta = 0.0, tb = 0.0;
    int rc = 1;
    memset(&sc, 0, sizeof sc); /* greedy */
    if (!wa || !wb || aieng_sampler_init(&sa, &sc, nv, NULL) != AIENG_OK) goto out;
    if (aieng_sampler_init(&sb, &sc, nv, NULL) != AIENG_OK) { aieng_sampler_free(&sa); goto out; }
    aieng_model_kv_truncate(ma, 0);
    aieng_model_kv_truncate(mb, 0);
    aieng_constrain_reset(c);
    aieng_constrain_get_stats(c, &cs0);
    if (aieng_model_eval(ma, ids, n_ids, &la) != AIENG_OK || aieng_model_eval(mb, ids, n_ids, &lb) != AIENG_OK) goto done;
    for (i = 0; i < n_tok; i++) {
        int side;
        for (side = 0; side < 2; side++) {
            double t0 = aieng__agent_now();
            if ((side ^ (int)(i & 1)) == 0) { /* A: unconstrained */
                int32_t id;
                memcpy(wa, la, (size_t)nv * sizeof(float)); /* aieng_model_generate samples from its own logits buffer */
                id = aieng_sampler_sample(&sa, wa, NULL, NULL);
                aieng_sampler_accept(&sa, id);
                if (aieng_model_eval(ma, &id, 1, &la) != AIENG_OK) goto done;
                ta += aieng__agent_now() - t0;
            } else { /* B: under the grammar */
                int32_t id;
                if (cold) { /* worst case: a full trie walk, then sample from the masked logits */
                    aieng_constrain_clear_cache(c);
                    memcpy(wb, lb, (size_t)nv * sizeof(float));
                    id = aieng_constrain_mask(c, wb, (int)nv) == AIENG_OK ? aieng_sampler_sample(&sb, wb, NULL, NULL) : -1;
                    if (id >= 0 && aieng_constrain_accept(c, id) != AIENG_OK) id = -1;
                    if (id >= 0) aieng_sampler_accept(&sb, id);
                } else
                    id = aieng_constrain_sample(c, &sb, lb, wb, NULL, NULL);
                if (id < 0 || id == c->v.eos) { fprintf(stderr, "agent_decode: grammar step %lld: %s\n", (long long)i, aieng_last_error()); goto done; }
                if (aieng_model_eval(mb, &id, 1, &lb) != AIENG_OK) goto done;
                tb += aieng__agent_now() - t0;
            }
        }
    }
    aieng_constrain_get_stats(c, &cs1);
    *tps_a = (double)n_tok / ta;
    *tps_b = (double)n_tok / tb;
    *masks = cs1.mask_calls - cs0.mask_calls;
    rc = 0;
done:
    aieng_sampler_free(&sa);
    aieng_sampler_free(&sb);
out:
    free(wa);
    free(wb);
    return rc;
}

int main(int argc, char **argv) {
    aieng_model *ma = NULL, *mb = NULL;
    aieng_model_config cfg = aieng_model_config_default();
    aieng_json_doc *sd = NULL;
    aieng_grammar *g = NULL;
    aieng_constrain *c = NULL;
    char *gbnf = NULL;
    size_t glen = 0;
    int64_t n_tok = argc > 2 ? atoll(argv[2]) : 128;
    int runs = argc > 3 ? atoi(argv[3]) : 5, q, r;
    if (argc < 2) { fprintf(stderr, "usage: agent_decode MODEL.gguf [N_TOKENS] [RUNS] [THREADS]\n"); return 2; }
    if (runs < 1) runs = 1;
    if (runs > 64) runs = 64;
    cfg.n_threads = argc > 4 ? atoi(argv[4]) : 0;
    cfg.n_ctx = 1024;
    if (aieng_model_load_file(&ma, argv[1], &cfg) != AIENG_OK || aieng_model_load_file(&mb, argv[1], &cfg) != AIENG_OK) {
        fprintf(stderr, "agent_decode: %s\n", aieng_last_error());
        return 1;
    }
    if (aieng_json_parse(schema, strlen(schema), NULL, &sd) != AIENG_OK ||
        aieng_schema_to_gbnf(aieng_json_root(sd), NULL, &gbnf, &glen) != AIENG_OK ||
        aieng_grammar_parse(gbnf, glen, "root", &g) != AIENG_OK || aieng_constrain_new_model(g, mb, &c) != AIENG_OK) {
        fprintf(stderr, "agent_decode: %s\n", aieng_last_error());
        return 1;
    }
    for (q = 0; q < 3; q++) {
        aieng_chat_message msg;
        char text[1024];
        size_t len = 0;
        int32_t ids[512];
        int64_t n_ids = 0, masks = 0;
        double a[64], b[64], ratio[64];
        msg.role = "user";
        msg.content = prompts[q];
        if (aieng_model_chat_render(ma, &msg, 1, 1, text, sizeof text, &len) != AIENG_OK ||
            aieng_model_tokenize(ma, text, len, 1, 1, ids, 512, &n_ids) != AIENG_OK) {
            fprintf(stderr, "agent_decode: %s\n", aieng_last_error());
            return 1;
        }
        printf("%s: %d threads, prompt %lld tokens, %lld tokens generated per run, greedy\n", prompt_names[q],
               aieng_get_threads(), (long long)n_ids, (long long)n_tok);
        printf("  %-4s %13s %14s %8s %7s\n", "run", "plain tok/s", "grammar tok/s", "ratio", "masks");
        for (r = 0; r < runs; r++) {
            if (one_run(ma, mb, c, ids, n_ids, n_tok, q == 2, &a[r], &b[r], &masks)) return 1;
            ratio[r] = b[r] / a[r];
            printf("  %-4d %13.1f %14.1f %7.1f%% %7lld\n", r + 1, a[r], b[r], 100.0 * ratio[r], (long long)masks);
            fflush(stdout);
        }
        {
            double mr = median(ratio, runs), mpa = median(a, runs), mpb = median(b, runs);
            printf("%s: medians of %d runs: plain %.1f tok/s, grammar %.1f tok/s, ratio %.1f%% (ratio of medians %.1f%%)\n",
                   prompt_names[q], runs, mpa, mpb, 100.0 * mr, 100.0 * mpb / mpa);
        }
    }
    aieng_constrain_free(c);
    aieng_grammar_free(g);
    aieng_free(NULL, gbnf);
    aieng_json_free(sd);
    aieng_model_free(mb);
    aieng_model_free(ma);
    return 0;
}
