/* aieng-bpe - command-line tokenizer built on aieng_bpe.h

   aieng-bpe encode --vocab F.tiktoken --pattern P [--allow-special]  < text  > ids
   aieng-bpe decode --vocab F.tiktoken [--pattern P]                  < ids   > text
   aieng-bpe train  --vocab-size N --pattern P --out F.tiktoken        < corpus
   aieng-bpe bench  --vocab F.tiktoken --pattern P [--input FILE] [--repeat R] [--scaling]

   P is r50k, cl100k, o200k (also gpt2, smollm, none). Ids are written
   separated by single spaces, then a newline. Without --allow-special,
   special-token text is plain text (tiktoken's encode_ordinary); with it, the
   encoding's special tokens (those of r50k_base/cl100k_base/o200k_base, added
   when the vocabulary has that encoding's size) become their ids.
   bench: encode throughput (MB/s, median of R runs) of FILE or stdin; with
   --scaling, time per byte for 1 KB .. 1 MB of unsplittable inputs (each
   run a first call: a new aieng_bpe_tokens, so no piece cache from before).
   Results go to stdout, progress and errors to stderr; failure exits 1. */
#define AIENG_BPE_IMPLEMENTATION
#include "aieng_bpe.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int die(const char *what) {
    fprintf(stderr, "aieng-bpe: %s%s%s\n", what, *aieng_last_error() ? ": " : "", aieng_last_error());
    return 1;
}

static char *read_all(FILE *f, size_t *len) {
    size_t cap = 1 << 16, n = 0, r;
    char *buf = (char *)malloc(cap);
    if (!buf) return NULL;
    while ((r = fread(buf + n, 1, cap - n, f)) > 0) {
        n += r;
        if (n == cap) {
            char *nb = (char *)realloc(buf, cap *= 2);
            if (!nb) { free(buf); return NULL; }
            buf = nb;
        }
    }
    *len = n;
    return buf;
}

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return (x > y) - (x < y);
}

/* the specials of the OpenAI encoding when the vocabulary is that encoding */
static void add_specials(aieng_bpe *b, aieng_bpe_pretok p) {
    uint32_t n = aieng_bpe_n_vocab(b);
    if ((p == AIENG_BPE_R50K && n == 50256) || (p == AIENG_BPE_CL100K && n == 100256) ||
        (p == AIENG_BPE_O200K && n == 199998))
        aieng_bpe_add_openai_specials(b, p);
}

static aieng_bpe_pretok guess_pretok(aieng_bpe *b) {
    uint32_t n = aieng_bpe_n_vocab(b);
    return n == 50256 ? AIENG_BPE_R50K : n == 100256 ? AIENG_BPE_CL100K : n == 199998 ? AIENG_BPE_O200K : AIENG_BPE_PRETOK_NONE;
}

static void progress(size_t done, size_t total, void *user) {
    (void)user;
    fprintf(stderr, "\rtrain: %zu / %zu merges", done, total);
    if (done == total) fputc('\n', stderr);
}

/* median seconds of `repeat` encodes of text; fresh: each run with a new
   aieng_bpe_tokens (no piece cache kept from the previous run) */
static double time_encode(aieng_bpe *b, const char *text, size_t len, int repeat, int fresh, size_t *n_tokens) {
    aieng_bpe_tokens t = {0};
    double times[256];
    int r;
    if (repeat > 256) repeat = 256;
    for (r = 0; r < repeat; r++) {
        double t0;
        if (fresh) aieng_bpe_tokens_free(b, &t);
        t0 = now();
        t.n = 0;
        aieng_bpe_encode_ordinary(b, text, len, &t);
        times[r] = now() - t0;
    }
    *n_tokens = t.n;
    aieng_bpe_tokens_free(b, &t);
    qsort(times, (size_t)repeat, sizeof times[0], cmp_double);
    return times[repeat / 2];
}

static void fill_kind(char *s, size_t n, int kind) {
    static const char b64[] = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";
    uint64_t x = 0x9E3779B97F4A7C15ull;
    size_t i;
    for (i = 0; i < n; i++) {
        switch (kind) {
        case 0: s[i] = 'a'; break;
        case 1: s[i] = ' '; break;
        case 2: s[i] = "\xe4\xb8\x80\xe4\xba\x8c\xe4\xb8\x89\xe5\x9b\x9b\xe4\xba\x94\xe6\x96\x87\xe5\xad\x97\xe8\xaf\x8d"[((i / 3) % 8) * 3 + i % 3]; break;
        default:
            x ^= x << 13; x ^= x >> 7; x ^= x << 17;
            s[i] = b64[x & 63];
        }
    }
}

int main(int argc, char **argv) {
    const char *cmd, *vocab = NULL, *pattern = NULL, *out_path = NULL, *input = NULL;
    int allow_special = 0, repeat = 5, scaling = 0, i;
    unsigned long vocab_size = 0;
    aieng_bpe_pretok pretok = AIENG_BPE_PRETOK_NONE;
    aieng_bpe *b = NULL;
    if (argc < 2) {
        fprintf(stderr, "usage: aieng-bpe encode|decode|train|bench [options] (see the top of examples/aieng-bpe.c)\n");
        return 1;
    }
    cmd = argv[1];
    for (i = 2; i < argc; i++) {
        const char *a = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(a, "--vocab") && has) vocab = argv[++i];
        else if (!strcmp(a, "--pattern") && has) pattern = argv[++i];
        else if (!strcmp(a, "--out") && has) out_path = argv[++i];
        else if (!strcmp(a, "--input") && has) input = argv[++i];
        else if (!strcmp(a, "--vocab-size") && has) vocab_size = strtoul(argv[++i], NULL, 10);
        else if (!strcmp(a, "--repeat") && has) repeat = atoi(argv[++i]);
        else if (!strcmp(a, "--allow-special")) allow_special = 1;
        else if (!strcmp(a, "--scaling")) scaling = 1;
        else { fprintf(stderr, "aieng-bpe: unknown or incomplete option '%s'\n", a); return 1; }
    }
    if (repeat < 1) repeat = 1;
    if (pattern && aieng_bpe_pretok_from_name(pattern, &pretok) != AIENG_OK) return die("--pattern");

    if (!strcmp(cmd, "train")) {
        aieng_bpe_train_config cfg;
        size_t len;
        char *text;
        double t0;
        if (!pattern || !out_path || vocab_size < 256) {
            fprintf(stderr, "aieng-bpe: train needs --vocab-size N (>= 256) --pattern P --out F.tiktoken\n");
            return 1;
        }
        text = read_all(stdin, &len);
        if (!text) { fprintf(stderr, "aieng-bpe: cannot read stdin\n"); return 1; }
        memset(&cfg, 0, sizeof cfg);
        cfg.vocab_size = (uint32_t)vocab_size;
        cfg.pretok = pretok;
        cfg.progress = progress;
        t0 = now();
        if (aieng_bpe_train(text, len, &cfg, &b) != AIENG_OK) return die("train");
        fprintf(stderr, "train: %u tokens from %zu bytes in %.2f s\n", aieng_bpe_n_vocab(b), len, now() - t0);
        free(text);
        if (aieng_bpe_save_tiktoken(b, out_path) != AIENG_OK) return die("save");
        aieng_bpe_free(b);
        return 0;
    }
    if (!vocab) { fprintf(stderr, "aieng-bpe: %s needs --vocab F.tiktoken\n", cmd); return 1; }
    if (aieng_bpe_load_tiktoken_file(vocab, pretok, NULL, &b) != AIENG_OK) return die("load");
    if (!pattern) pretok = guess_pretok(b);
    add_specials(b, pretok);

    if (!strcmp(cmd, "encode")) {
        size_t len, k;
        char *text = read_all(stdin, &len);
        aieng_bpe_tokens t = {0};
        aieng_bpe_special_opts o;
        aieng_result r;
        if (!pattern) { fprintf(stderr, "aieng-bpe: encode needs --pattern\n"); return 1; }
        if (!text) { fprintf(stderr, "aieng-bpe: cannot read stdin\n"); return 1; }
        memset(&o, 0, sizeof o);
        o.allow_all = 1;
        r = allow_special ? aieng_bpe_encode(b, text, len, &o, &t) : aieng_bpe_encode_ordinary(b, text, len, &t);
        if (r != AIENG_OK) return die("encode");
        for (k = 0; k < t.n; k++) printf(k ? " %u" : "%u", (unsigned)t.ids[k]);
        putchar('\n');
        free(text);
        aieng_bpe_tokens_free(b, &t);
    } else if (!strcmp(cmd, "decode")) {
        size_t len, n = 0, cap = 1024, k;
        char *text = read_all(stdin, &len), *p, *end;
        uint32_t *ids = (uint32_t *)malloc(cap * 4);
        if (!text || !ids) { fprintf(stderr, "aieng-bpe: cannot read stdin\n"); return 1; }
        text = (char *)realloc(text, len + 1);
        text[len] = 0;
        for (p = text;;) {
            unsigned long v;
            while (*p == ' ' || *p == '\n' || *p == '\t' || *p == '\r' || *p == ',') p++;
            if (!*p) break;
            if (*p < '0' || *p > '9') { fprintf(stderr, "aieng-bpe: decode: not a token id near '%.10s'\n", p); return 1; }
            v = strtoul(p, &end, 10);
            if (v > 0xFFFFFFFFul) { fprintf(stderr, "aieng-bpe: decode: id %lu out of range\n", v); return 1; }
            p = end;
            if (n == cap) ids = (uint32_t *)realloc(ids, (cap *= 2) * 4);
            ids[n++] = (uint32_t)v;
        }
        for (k = 0; k < n; k++) { /* every id first, so a bad one writes nothing */
            const char *tb;
            size_t tl;
            if (aieng_bpe_token_bytes(b, ids[k], &tb, &tl) != AIENG_OK) return die("decode");
        }
        for (k = 0; k < n; k++) { /* stream the bytes out, token by token */
            const char *tb;
            size_t tl;
            if (aieng_bpe_token_bytes(b, ids[k], &tb, &tl) != AIENG_OK) return die("decode");
            if (fwrite(tb, 1, tl, stdout) != tl) { fprintf(stderr, "aieng-bpe: cannot write stdout\n"); return 1; }
        }
        free(ids);
        free(text);
    } else if (!strcmp(cmd, "bench")) {
        if (!pattern) { fprintf(stderr, "aieng-bpe: bench needs --pattern\n"); return 1; }
        if (scaling) {
            static const char *const kinds[] = {"a", "spaces", "cjk", "base64"};
            static const size_t sizes[] = {1000, 10000, 100000, 1000000};
            int k, s;
            char *buf = (char *)malloc(1000000);
            printf("%-8s %10s %10s %12s\n", "input", "bytes", "tokens", "ns/byte");
            for (k = 0; k < 4; k++)
                for (s = 0; s < 4; s++) {
                    size_t n = sizes[s], nt;
                    double sec;
                    fill_kind(buf, n, k);
                    /* short inputs: more runs (up to 100x at 1 KB), so the median is steady */
                    size_t runs = (size_t)repeat * (n < 100000 ? 100000 / n : 1);
                    sec = time_encode(b, buf, n, runs > 255 ? 255 : (int)runs, 1, &nt);
                    printf("%-8s %10zu %10zu %12.2f\n", kinds[k], n, nt, sec * 1e9 / (double)n);
                }
            free(buf);
        } else {
            size_t len, nt;
            FILE *f = input ? fopen(input, "rb") : stdin;
            char *text;
            double sec;
            if (!f) { fprintf(stderr, "aieng-bpe: cannot open %s\n", input); return 1; }
            text = read_all(f, &len);
            if (input) fclose(f);
            if (!text) { fprintf(stderr, "aieng-bpe: cannot read input\n"); return 1; }
            sec = time_encode(b, text, len, repeat, 0, &nt);
            printf("bytes: %zu\ntokens: %zu\nseconds: %.4f\nMB/s: %.2f\n", len, nt, sec, (double)len / sec / 1e6);
            free(text);
        }
    } else {
        fprintf(stderr, "aieng-bpe: unknown command '%s' (encode, decode, train, bench)\n", cmd);
        return 1;
    }
    aieng_bpe_free(b);
    return 0;
}
