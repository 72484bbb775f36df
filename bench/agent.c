/* bench/agent.c - cost of grammar-constrained sampling per generated token, over a
   49152-token byte-level BPE vocabulary (the first 49151 ranks of a .tiktoken file, GPT-2's
   r50k_base by default, plus an EOS id), for JSON-Schema grammars.
   Usage: build/bench/agent [VOCAB.tiktoken] [RUNS]
   For each schema, RUNS generations with random logits (biased so that outputs end) are
   decoded through the constrainer; per token it times
     mask   : aieng_constrain_allowed() as used in decoding (per-state cache on),
     cold   : the same after aieng_constrain_clear_cache() (a full trie walk every token),
     fast   : aieng_constrain_allows() for the token sampled from the raw logits,
     naive  : every token checked separately with aieng_grammar_state_allows (on the first
              few steps only), the n_vocab x token-length baseline the trie avoids.
   Every output is parsed and validated against its schema. */
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static uint64_t rs = 0x1234567887654321ull;
static uint32_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return (uint32_t)(rs >> 11); }
static int b64v(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}
static const char *const schemas[][2] = {
    { "tool call", "{\"type\":\"object\",\"properties\":{\"name\":{\"enum\":[\"get_weather\",\"search\",\"send_email\"]},"
      "\"arguments\":{\"type\":\"object\",\"properties\":{\"city\":{\"type\":\"string\"},\"days\":{\"type\":\"integer\",\"minimum\":1,\"maximum\":14},"
      "\"unit\":{\"enum\":[\"celsius\",\"fahrenheit\"]}},\"required\":[\"city\"],\"additionalProperties\":false}},"
      "\"required\":[\"name\",\"arguments\"],\"additionalProperties\":false}" },
    { "flat object", "{\"type\":\"object\",\"properties\":{\"id\":{\"type\":\"string\",\"format\":\"uuid\"},\"title\":{\"type\":\"string\"},"
      "\"score\":{\"type\":\"number\"},\"done\":{\"type\":\"boolean\"},\"when\":{\"type\":\"string\",\"format\":\"date\"}},"
      "\"required\":[\"id\",\"title\",\"score\",\"done\"],\"additionalProperties\":false}" },
    { "nested arrays", "{\"type\":\"array\",\"items\":{\"type\":\"object\",\"properties\":{\"tag\":{\"type\":\"string\",\"pattern\":\"^[a-z]+(-[a-z]+)*$\"},"
      "\"vals\":{\"type\":\"array\",\"items\":{\"type\":\"integer\"},\"maxItems\":5}},\"required\":[\"tag\",\"vals\"],\"additionalProperties\":false},\"maxItems\":6}" },
    { "maxLength 64", "{\"type\":\"object\",\"properties\":{\"summary\":{\"type\":\"string\",\"minLength\":1,\"maxLength\":64}},\"required\":[\"summary\"],\"additionalProperties\":false}" },
    { "any JSON", "{}" },
};

int main(int argc, char **argv) {
    const char *path = argc > 1 ? argv[1] : "tests/data/bpe/r50k_base.tiktoken";
    int runs = argc > 2 ? atoi(argv[2]) : 10, nv = 49152, si;
    FILE *f = fopen(path, "rb");
    char line[1024], **tok;
    size_t *len;
    unsigned char *special;
    int n = 0;
    aieng_vocab v;
    double tot_len = 0;
    if (!f) { fprintf(stderr, "cannot open %s\n", path); return 1; }
    tok = (char **)calloc((size_t)nv, sizeof *tok);
    len = (size_t *)calloc((size_t)nv, sizeof *len);
    special = (unsigned char *)calloc((size_t)nv, 1);
    while (n < nv - 1 && fgets(line, sizeof line, f)) {
        unsigned char out[512];
        int k = 0, bits = 0, acc = 0;
        char *p;
        for (p = line; *p && *p != ' '; p++) {
            int x = b64v((unsigned char)*p);
            if (x < 0) continue;
            acc = (acc << 6) | x; bits += 6;
            if (bits >= 8) { bits -= 8; out[k++] = (unsigned char)((acc >> bits) & 0xFF); }
        }
        tok[n] = (char *)malloc((size_t)k + 1);
        memcpy(tok[n], out, (size_t)k); tok[n][k] = 0; len[n] = (size_t)k;
        tot_len += k;
        n++;
    }
    fclose(f);
    tok[n] = (char *)"<|endoftext|>"; len[n] = 13; special[n] = 1; n++;
    v.tokens = (const char *const *)tok; v.lens = len; v.n = n; v.eos = n - 1; v.special = special;
    printf("vocabulary: %d tokens from %s (mean token length %.2f bytes), %d generations per schema\n", n, path, tot_len / (n - 1), runs);
    printf("%-14s %7s %9s %9s %9s %9s %7s %10s %10s %10s\n", "schema", "tokens", "mask us", "cold us", "fast us", "naive us", "hits", "nodes/walk", "naive/cold", "valid");
    for (si = 0; si < (int)(sizeof schemas / sizeof schemas[0]); si++) {
        aieng_json_doc *sd = NULL;
        char *gbnf = NULL;
        size_t gn = 0;
        aieng_grammar *g = NULL;
        aieng_constrain *c = NULL, *c2 = NULL;
        aieng_grammar_state *gs = NULL;
        aieng_constrain_stats st, s1, s2;
        float *lg = (float *)malloc(sizeof(float) * (size_t)n);
        double t_mask = 0, t_cold = 0, t_fast = 0, t_naive = 0;
        long steps = 0, naive_steps = 0, valid = 0, ended = 0;
        int64_t cold_nodes = 0;
        int r;
        if (aieng_json_parse(schemas[si][1], strlen(schemas[si][1]), NULL, &sd) != AIENG_OK ||
            aieng_schema_to_gbnf(aieng_json_root(sd), NULL, &gbnf, &gn) != AIENG_OK ||
            aieng_grammar_parse(gbnf, gn, NULL, &g) != AIENG_OK ||
            aieng_constrain_new(g, &v, &c) != AIENG_OK || aieng_constrain_new(g, &v, &c2) != AIENG_OK ||
            aieng_grammar_state_new(g, &gs) != AIENG_OK) { fprintf(stderr, "%s: %s\n", schemas[si][0], aieng_last_error()); return 1; }
        if (si == 0) {
            aieng_constrain_get_stats(c, &st);
            printf("token trie: %d nodes\n", st.trie_nodes);
        }
        for (r = 0; r < runs; r++) {
            char out[1 << 14];
            size_t olen = 0;
            int s;
            aieng_constrain_reset(c); aieng_constrain_reset(c2); aieng_grammar_state_reset(gs);
            for (s = 0; s < 600; s++) {
                double t0, best = -1e30;
                int t, i, pick = -1;
                for (i = 0; i < n; i++) lg[i] = (float)(rnd() % 1000) / 100.0f;
                lg[n - 1] += (float)s / 4.0f;
                for (i = 0; i < n - 1; i++) if (memchr(tok[i], '"', len[i]) || memchr(tok[i], '}', len[i]) || memchr(tok[i], ']', len[i])) lg[i] += (float)s / 8.0f;
                for (i = 0; i < n; i++) if (lg[i] > best) { best = lg[i]; pick = i; }
                t0 = now();
                (void)aieng_constrain_allows(c, pick);              /* fast path on the raw argmax */
                t_fast += now() - t0;
                t0 = now();
                if (!aieng_constrain_allowed(c)) return 1;         /* decoding: cache on */
                t_mask += now() - t0;
                aieng_constrain_clear_cache(c2);
                aieng_constrain_get_stats(c2, &s1);
                t0 = now();
                if (!aieng_constrain_allowed(c2)) return 1;        /* a full walk */
                t_cold += now() - t0;
                aieng_constrain_get_stats(c2, &s2);
                cold_nodes += s2.trie_nodes_visited - s1.trie_nodes_visited;
                if (r == 0 && s < 4) {                             /* the baseline */
                    volatile int cnt = 0;
                    t0 = now();
                    for (i = 0; i < n - 1; i++) cnt += aieng_grammar_state_allows(gs, tok[i], len[i]);
                    t_naive += now() - t0;
                    naive_steps++;
                }
                steps++;
                aieng_constrain_mask(c, lg, n);
                best = -1e30; pick = -1;
                for (i = 0; i < n; i++) if (lg[i] > best) { best = lg[i]; pick = i; }
                if (pick < 0) break;
                t = pick;
                if (aieng_constrain_accept(c, t) != AIENG_OK || aieng_constrain_accept(c2, t) != AIENG_OK) { fprintf(stderr, "accept failed\n"); return 1; }
                if (t == n - 1) { ended++; break; }
                aieng_grammar_state_advance(gs, tok[t], len[t]);
                if (olen + len[t] < sizeof out - 1) { memcpy(out + olen, tok[t], len[t]); olen += len[t]; }
            }
            out[olen] = 0;
            {
                aieng_json_doc *d = NULL;
                if (aieng_json_parse(out, olen, NULL, &d) == AIENG_OK && aieng_schema_validate(aieng_json_root(sd), aieng_json_root(d)) == AIENG_OK) valid++;
                else if (ended) fprintf(stderr, "INVALID OUTPUT: %s\n", out);
                if (r == 0) fprintf(stderr, "%s sample: %.200s\n", schemas[si][0], out);
                aieng_json_free(d);
            }
        }
        aieng_constrain_get_stats(c, &st);
        printf("%-14s %7ld %9.1f %9.1f %9.2f %9.0f %6.1f%% %10.0f %9.0fx %6ld/%-3ld\n", schemas[si][0], steps, 1e6 * t_mask / steps,
               1e6 * t_cold / steps, 1e6 * t_fast / steps, 1e6 * t_naive / (naive_steps ? naive_steps : 1),
               st.mask_calls ? 100.0 * (double)st.cache_hits / (double)st.mask_calls : 0.0, (double)cold_nodes / steps,
               (t_naive / (naive_steps ? naive_steps : 1)) / (t_cold / steps), valid, ended);
        aieng_constrain_free(c); aieng_constrain_free(c2); aieng_grammar_state_free(gs);
        aieng_grammar_free(g); aieng_free(NULL, gbnf); aieng_json_free(sd); free(lg);
    }
    return 0;
}
