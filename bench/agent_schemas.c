/* bench/agent_schemas.c - JSON Schema -> grammar coverage on a JSONSchemaBench subset.
   Usage: build/bench/agent_schemas DIR [--list-failures] [--relax] [--gbnf GDIR] [--generate N VOCAB.tiktoken]
   --relax compiles with AIENG_SCHEMA_RELAX (unsupported keywords widen the grammar),
   --ordered with AIENG_SCHEMA_ORDERED (members in schema order: what generation wants).
   With --generate, N outputs per compiled schema are sampled through aieng_constrain with
   random logits over the first 8192 tokens of VOCAB (+ EOS), and each finished output is
   parsed and validated against the schema ("generated valid" column; "unfinished": the
   2000-token budget ran out, which random logits do on long free text; "empty language":
   no token is allowed at the start, the grammar admits nothing, as the schema, e.g. when a
   oneOf's branches always match together).
   With --gbnf, the grammar of DIR/C/N.json is read from GDIR/C/N.gbnf (written by another
   converter, e.g. bench/agent_llama.py for llama.cpp's) instead of being compiled here.
   DIR holds <Category>/<name>.json files, each {"schema": ..., "tests": [{"data", "valid"}]}
   (../shared/data/json/schemas; internal test data, not shipped with the project).
   Per category: schemas compiled (and the grammar itself compiles), valid instances the
   grammar accepts (written compactly; "indented": the share also accepted when written
   with an indent of 2), invalid instances it rejects (written compactly), and the
   validator's agreement with the labels. One line per category on stdout;
   with --list-failures, the first error of each schema that does not compile on stderr, and
   each labelled instance the grammar gets wrong (with what aieng's validator says). */
#define AIENG_AGENT_IMPLEMENTATION
#include "aieng_agent.h"
#include <dirent.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>

static uint64_t rs = 0x9E3779B97F4A7C15ull;
static uint32_t rnd(void) { rs ^= rs << 13; rs ^= rs >> 7; rs ^= rs << 17; return (uint32_t)(rs >> 11); }
static char **vtok; static size_t *vlen; static int vn;
static int b64v(int c) {
    if (c >= 'A' && c <= 'Z') return c - 'A';
    if (c >= 'a' && c <= 'z') return c - 'a' + 26;
    if (c >= '0' && c <= '9') return c - '0' + 52;
    if (c == '+') return 62;
    if (c == '/') return 63;
    return -1;
}
static int load_vocab(const char *path, int n) {
    FILE *f = fopen(path, "rb");
    char line[1024];
    if (!f) return 0;
    vtok = (char **)calloc((size_t)n + 1, sizeof *vtok);
    vlen = (size_t *)calloc((size_t)n + 1, sizeof *vlen);
    while (vn < n && fgets(line, sizeof line, f)) {
        unsigned char out[512];
        int k = 0, bits = 0, acc = 0;
        char *p;
        for (p = line; *p && *p != ' '; p++) {
            int x = b64v((unsigned char)*p);
            if (x < 0) continue;
            acc = (acc << 6) | x; bits += 6;
            if (bits >= 8) { bits -= 8; out[k++] = (unsigned char)((acc >> bits) & 0xFF); }
        }
        vtok[vn] = (char *)malloc((size_t)k + 1); memcpy(vtok[vn], out, (size_t)k); vtok[vn][k] = 0; vlen[vn] = (size_t)k; vn++;
    }
    fclose(f);
    vtok[vn] = (char *)"<eos>"; vlen[vn] = 5; vn++;
    return 1;
}
/* one random constrained generation; 1 valid, 0 invalid, -1 unfinished, -2 no token allowed at
   the start (the grammar's language is empty: the schema admits nothing) */
static int generate_one(aieng_constrain *c, const aieng_json *schema, float *lg, char *out, size_t cap, const char *name) {
    size_t olen = 0;
    int s, i, eos = vn - 1;
    aieng_constrain_reset(c);
    for (s = 0; s < 2000; s++) {
        double best = -1e30;
        int pick = -1;
        for (i = 0; i < vn; i++) {
            lg[i] = (float)(rnd() % 1000) / 100.0f;
            if (i != eos && (memchr(vtok[i], '"', vlen[i]) || memchr(vtok[i], '}', vlen[i]) || memchr(vtok[i], ']', vlen[i]))) lg[i] += (float)s / 20.0f;
        }
        lg[eos] += 1000.0f;
        if (aieng_constrain_mask(c, lg, vn) != AIENG_OK) { fprintf(stderr, "MASK FAILED for %s: %s\n", name, aieng_last_error()); return 0; }
        for (i = 0; i < vn; i++) if (lg[i] > best) { best = lg[i]; pick = i; }
        if (pick < 0 && s == 0) return -2;
        if (pick < 0) { fprintf(stderr, "DEAD END for %s after: %.*s\n", name, (int)(olen > 300 ? 300 : olen), out); return 0; }
        if (aieng_constrain_accept(c, pick) != AIENG_OK) { fprintf(stderr, "ACCEPT FAILED for %s: %s\n", name, aieng_last_error()); return 0; }
        if (pick == eos) break;
        if (olen + vlen[pick] >= cap) return -1;
        memcpy(out + olen, vtok[pick], vlen[pick]); olen += vlen[pick];
    }
    if (s == 2000) return -1;
    {
        aieng_json_doc *d = NULL;
        int ok = aieng_json_parse(out, olen, NULL, &d) == AIENG_OK && aieng_schema_validate(schema, aieng_json_root(d)) == AIENG_OK;
        if (!ok) fprintf(stderr, "INVALID generated output for %s: %s: %.*s\n", name, aieng_last_error(), (int)(olen > 3000 ? 3000 : olen), out);
        aieng_json_free(d);
        return ok;
    }
}

static char *slurp(const char *path, size_t *n) {
    FILE *f = fopen(path, "rb");
    char *b;
    long L;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END); L = ftell(f); fseek(f, 0, SEEK_SET);
    b = (char *)malloc((size_t)L + 1);
    if (!b || fread(b, 1, (size_t)L, f) != (size_t)L) { fclose(f); free(b); return NULL; }
    fclose(f); b[L] = 0; *n = (size_t)L;
    return b;
}
static int cmp_str(const void *a, const void *b) { return strcmp(*(const char *const *)a, *(const char *const *)b); }
static int accepts(aieng_grammar *g, const aieng_json *v, int indent) {
    char *t = NULL;
    size_t n = 0;
    int ok;
    if (aieng_json_write(v, indent, &t, &n) != AIENG_OK) return 0;
    ok = aieng_grammar_accepts(g, t, n);
    aieng_free(NULL, t);
    return ok;
}
int main(int argc, char **argv) {
    DIR *d;
    struct dirent *e;
    char *cats[64];
    int ncat = 0, c, list = 0, a, gen = 0;
    aieng_schema_options sopt;
    const char *gdir = NULL;
    float *lg = NULL;
    char *gout = (char *)malloc(1 << 16);
    aieng_vocab voc;
    long T[9] = {0};
    if (argc < 2) { fprintf(stderr, "usage: %s DIR [--list-failures] [--relax] [--ordered] [--gbnf GDIR] [--generate N VOCAB]\n", argv[0]); return 2; }
    memset(&sopt, 0, sizeof sopt);
    for (a = 2; a < argc; a++) {
        if (!strcmp(argv[a], "--list-failures")) list = 1;
        else if (!strcmp(argv[a], "--relax")) sopt.flags |= AIENG_SCHEMA_RELAX;
        else if (!strcmp(argv[a], "--ordered")) sopt.flags |= AIENG_SCHEMA_ORDERED;
        else if (!strcmp(argv[a], "--gbnf") && a + 1 < argc) gdir = argv[++a];
        else if (!strcmp(argv[a], "--generate") && a + 2 < argc) {
            gen = atoi(argv[++a]);
            if (!load_vocab(argv[++a], 8192)) { fprintf(stderr, "cannot read %s\n", argv[a]); return 1; }
            lg = (float *)malloc(sizeof(float) * (size_t)vn);
            voc.tokens = (const char *const *)vtok; voc.lens = vlen; voc.n = vn; voc.eos = vn - 1; voc.special = NULL;
        }
    }
    d = opendir(argv[1]);
    if (!d) { fprintf(stderr, "cannot open %s\n", argv[1]); return 1; }
    while ((e = readdir(d)) != NULL && ncat < 64) {
        char p[4096];
        struct stat st;
        if (e->d_name[0] == '.') continue;
        snprintf(p, sizeof p, "%s/%s", argv[1], e->d_name);
        if (stat(p, &st) == 0 && S_ISDIR(st.st_mode)) cats[ncat++] = strdup(e->d_name);
    }
    closedir(d);
    qsort(cats, (size_t)ncat, sizeof *cats, cmp_str);
    printf("%-16s %8s %9s %8s %21s %21s %10s %14s\n", "category", "schemas", "compiled", "share", "valid accepted", "invalid rejected", "indented", "validator ok");
    for (c = 0; c < ncat; c++) {
        char dir[4096];
        long ngv = 0, ngi = 0, ngu = 0, nge = 0;
        long nsch = 0, ncomp = 0, nv = 0, nva = 0, nvi = 0, ni = 0, nir = 0, nval = 0, nvalok = 0;
        snprintf(dir, sizeof dir, "%s/%s", argv[1], cats[c]);
        d = opendir(dir);
        while (d && (e = readdir(d)) != NULL) {
            char p[8192], *txt, *gbnf = NULL;
            size_t n = 0, gn = 0, i;
            aieng_json_doc *doc = NULL;
            const aieng_json *schema, *tests;
            aieng_grammar *g = NULL;
            aieng_result r;
            if (!strstr(e->d_name, ".json")) continue;
            snprintf(p, sizeof p, "%s/%s", dir, e->d_name);
            txt = slurp(p, &n);
            if (!txt) continue;
            if (aieng_json_parse(txt, n, NULL, &doc) != AIENG_OK) { free(txt); continue; }
            schema = aieng_json_get(aieng_json_root(doc), "schema");
            tests = aieng_json_get(aieng_json_root(doc), "tests");
            nsch++;
            if (gdir) {
                char gp[8192];
                snprintf(gp, sizeof gp, "%s/%s/%.*s.gbnf", gdir, cats[c], (int)(strlen(e->d_name) - 5), e->d_name);
                gbnf = slurp(gp, &gn);
                r = AIENG_OK;
                if (!gbnf) { r = AIENG_ERR_UNSUPPORTED; aieng_set_error(r, "not converted"); }
                else {
                    char *cp = (char *)aieng_alloc(NULL, gn + 1); /* released below with aieng_free */
                    memcpy(cp, gbnf, gn + 1); free(gbnf); gbnf = cp;
                }
            } else r = aieng_schema_to_gbnf(schema, &sopt, &gbnf, &gn);
            if (r == AIENG_OK) {
                if (aieng_grammar_parse(gbnf, gn, NULL, &g) == AIENG_OK) { ncomp++; if (!gdir) aieng_grammar_set_schema(g, schema); } /* %valid checks */
                else if (list) fprintf(stderr, "%s/%s: generated grammar does not compile: %s\n", cats[c], e->d_name, aieng_last_error());
                if (g && list && strstr(gbnf, "%valid(")) fprintf(stderr, "%s/%s: a oneOf checked by %%valid as its value ends\n", cats[c], e->d_name);
                aieng_free(NULL, gbnf);
            } else if (list) fprintf(stderr, "%s/%s: %s\n", cats[c], e->d_name, aieng_last_error());
            if (g && gen) {
                aieng_constrain *cs = NULL;
                int k2;
                if (aieng_constrain_new(g, &voc, &cs) == AIENG_OK)
                    for (k2 = 0; k2 < gen; k2++) {
                        int rg = generate_one(cs, schema, lg, gout, 1 << 16, e->d_name);
                        if (rg > 0) ngv++; else if (rg == 0) ngi++; else if (rg == -1) ngu++; else nge++;
                    }
                aieng_constrain_free(cs);
            }
            for (i = 0; tests && i < tests->n; i++) {
                const aieng_json *t = tests->items[i], *data = aieng_json_get(t, "data"), *valid = aieng_json_get(t, "valid");
                int want = valid && valid->boolean;
                aieng_result vr;
                if (!data) continue;
                vr = aieng_schema_validate(schema, data);
                if (vr == AIENG_OK || vr == AIENG_ERR_FORMAT) { nval++; nvalok += (vr == AIENG_OK) == want; }
                if (!g) continue;
                if (want) {
                    int a = accepts(g, data, 0);
                    nv++; nva += a; nvi += accepts(g, data, 2);
                    if (!a && list) fprintf(stderr, "%s/%s: valid instance %lu rejected by the grammar\n", cats[c], e->d_name, (unsigned long)i);
                } else {
                    int a = accepts(g, data, 0);
                    ni++; nir += !a;
                    if (a && list) fprintf(stderr, "%s/%s: invalid instance %lu accepted by the grammar (aieng's validator: %s)\n", cats[c], e->d_name,
                                           (unsigned long)i, vr == AIENG_OK ? "valid" : "invalid");
                }
            }
            aieng_grammar_free(g);
            aieng_json_free(doc);
            free(txt);
        }
        if (d) closedir(d);
        printf("%-16s %8ld %9ld %7.1f%% %6ld/%-6ld %6.1f%% %6ld/%-6ld %6.1f%% %9.1f%% %6ld/%-6ld\n", cats[c], nsch, ncomp, nsch ? 100.0 * ncomp / nsch : 0.0,
               nva, nv, nv ? 100.0 * nva / nv : 0.0, nir, ni, ni ? 100.0 * nir / ni : 0.0, nv ? 100.0 * nvi / nv : 0.0, nvalok, nval);
        if (gen) printf("%-16s generated: %ld valid, %ld invalid, %ld unfinished, %ld empty language\n", "", ngv, ngi, ngu, nge);
        T[0] += nsch; T[1] += ncomp; T[2] += nva; T[3] += nv; T[4] += nir; T[5] += ni; T[6] += nvalok; T[7] += nval; T[8] += nvi;
        free(cats[c]);
    }
    printf("%-16s %8ld %9ld %7.1f%% %6ld/%-6ld %6.1f%% %6ld/%-6ld %6.1f%% %9.1f%% %6ld/%-6ld\n", "total", T[0], T[1], T[0] ? 100.0 * T[1] / T[0] : 0.0,
           T[2], T[3], T[3] ? 100.0 * T[2] / T[3] : 0.0, T[4], T[5], T[5] ? 100.0 * T[4] / T[5] : 0.0, T[3] ? 100.0 * T[8] / T[3] : 0.0, T[6], T[7]);
    return 0;
}
