/* mnist_mlp.c - trains a two-hidden-layer MLP on Fashion-MNIST with aieng_autograd.h.

   make build/mnist_mlp && build/mnist_mlp [--epochs N] [--threads N] [--data DIR] [--svg FILE]

   With no --data it reads build/data/fashion-mnist/ (bash tools/get_fashion_mnist.sh
   unpacks Debian's dataset-fashion-mnist there) or else the package's gzip files in
   /usr/share/datasets/fashion-mnist/ directly, through the small inflate below.

   784 -> 512 -> 256 -> 10 with ReLU, dropout 0.1, AdamW with linear warm-up and
   cosine decay, batches of 128. Shows a progress bar with the loss on standard
   error, writes the loss curve as an SVG (default build/mnist_mlp_loss.svg), and
   ends with the line "test accuracy: NN.N%". */
#define _POSIX_C_SOURCE 200809L
#define AIENG_AUTOGRAD_IMPLEMENTATION
#include "aieng_autograd.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}

/* ---- a small inflate (RFC 1951) for the gzip files (RFC 1952), so that no unpacking is needed */
typedef struct { const unsigned char *in; size_t n, pos; unsigned bitbuf, bitcnt; unsigned char *out; size_t cap, len; int err; } inflater;
typedef struct { short count[16], symbol[288]; } huffman;
static unsigned getbits(inflater *z, int need) {
    unsigned v = z->bitbuf;
    while ((int)z->bitcnt < need) {
        if (z->pos >= z->n) { z->err = 1; return 0; }
        v |= (unsigned)z->in[z->pos++] << z->bitcnt;
        z->bitcnt += 8;
    }
    z->bitbuf = v >> need;
    z->bitcnt -= (unsigned)need;
    return v & ((1u << need) - 1);
}
static int build(huffman *h, const short *len, int n) { /* canonical code from code lengths */
    short offs[16];
    int i;
    for (i = 0; i < 16; i++) h->count[i] = 0;
    for (i = 0; i < n; i++) h->count[len[i]]++;
    offs[1] = 0;
    for (i = 1; i < 15; i++) offs[i + 1] = (short)(offs[i] + h->count[i]);
    for (i = 0; i < n; i++) if (len[i]) h->symbol[offs[len[i]]++] = (short)i;
    return 0;
}
static int decode(inflater *z, const huffman *h) { /* one bit at a time, canonical order */
    int code = 0, first = 0, index = 0, l;
    for (l = 1; l < 16; l++) {
        code |= (int)getbits(z, 1);
        if (code - h->count[l] < first) return h->symbol[index + (code - first)];
        index += h->count[l];
        first = (first + h->count[l]) << 1;
        code <<= 1;
    }
    z->err = 1;
    return -1;
}
static void codes(inflater *z, const huffman *lit, const huffman *dist) {
    static const short lbase[29] = {3, 4, 5, 6, 7, 8, 9, 10, 11, 13, 15, 17, 19, 23, 27, 31, 35, 43, 51, 59, 67, 83, 99, 115, 131, 163, 195, 227, 258};
    static const short lext[29] = {0, 0, 0, 0, 0, 0, 0, 0, 1, 1, 1, 1, 2, 2, 2, 2, 3, 3, 3, 3, 4, 4, 4, 4, 5, 5, 5, 5, 0};
    static const short dbase[30] = {1, 2, 3, 4, 5, 7, 9, 13, 17, 25, 33, 49, 65, 97, 129, 193, 257, 385, 513, 769, 1025, 1537,
                                    2049, 3073, 4097, 6145, 8193, 12289, 16385, 24577};
    static const short dext[30] = {0, 0, 0, 0, 1, 1, 2, 2, 3, 3, 4, 4, 5, 5, 6, 6, 7, 7, 8, 8, 9, 9, 10, 10, 11, 11, 12, 12, 13, 13};
    for (;;) {
        int sym = decode(z, lit);
        if (z->err || sym == 256) return;
        if (sym < 256) {
            if (z->len >= z->cap) { z->err = 1; return; }
            z->out[z->len++] = (unsigned char)sym;
        } else {
            size_t n, d;
            sym -= 257;
            if (sym >= 29) { z->err = 1; return; }
            n = (size_t)lbase[sym] + getbits(z, lext[sym]);
            sym = decode(z, dist);
            if (sym < 0 || sym >= 30) { z->err = 1; return; }
            d = (size_t)dbase[sym] + getbits(z, dext[sym]);
            if (d > z->len || n > z->cap - z->len) { z->err = 1; return; }
            for (; n; n--, z->len++) z->out[z->len] = z->out[z->len - d];
        }
    }
}
static unsigned char *gunzip(const unsigned char *in, size_t n, size_t *out_len) {
    inflater z;
    huffman lit, dist;
    short len[320];
    int last, i;
    size_t p = 10;
    memset(&z, 0, sizeof z);
    if (n < 18 || in[0] != 0x1f || in[1] != 0x8b || in[2] != 8) return NULL;
    if (in[3] & 4) p += 2 + (size_t)(in[10] | in[11] << 8);                      /* FEXTRA */
    if (in[3] & 8) while (p < n && in[p++]) {}                                    /* FNAME */
    if (in[3] & 16) while (p < n && in[p++]) {}                                   /* FCOMMENT */
    if (in[3] & 2) p += 2;                                                        /* FHCRC */
    z.cap = (size_t)in[n - 4] | (size_t)in[n - 3] << 8 | (size_t)in[n - 2] << 16 | (size_t)in[n - 1] << 24;
    z.out = (unsigned char *)malloc(z.cap + 1);
    z.in = in; z.n = n - 8; z.pos = p;
    if (!z.out || p >= n) { free(z.out); return NULL; }
    do {
        int type;
        last = (int)getbits(&z, 1);
        type = (int)getbits(&z, 2);
        if (type == 0) { /* stored */
            size_t l;
            z.bitbuf = z.bitcnt = 0;
            if (z.pos + 4 > z.n) { z.err = 1; break; }
            l = (size_t)z.in[z.pos] | (size_t)z.in[z.pos + 1] << 8;
            z.pos += 4;
            if (l > z.n - z.pos || l > z.cap - z.len) { z.err = 1; break; }
            memcpy(z.out + z.len, z.in + z.pos, l);
            z.pos += l; z.len += l;
        } else if (type == 1) { /* fixed codes */
            for (i = 0; i < 288; i++) len[i] = (short)(i < 144 ? 8 : i < 256 ? 9 : i < 280 ? 7 : 8);
            build(&lit, len, 288);
            for (i = 0; i < 30; i++) len[i] = 5;
            build(&dist, len, 30);
            codes(&z, &lit, &dist);
        } else if (type == 2) { /* dynamic codes */
            static const short order[19] = {16, 17, 18, 0, 8, 7, 9, 6, 10, 5, 11, 4, 12, 3, 13, 2, 14, 1, 15};
            int nlen = (int)getbits(&z, 5) + 257, ndist = (int)getbits(&z, 5) + 1, ncode = (int)getbits(&z, 4) + 4, k = 0;
            huffman lc;
            if (nlen > 286 || ndist > 30) { z.err = 1; break; }
            for (i = 0; i < 19; i++) len[order[i]] = (short)(i < ncode ? getbits(&z, 3) : 0);
            build(&lc, len, 19);
            while (k < nlen + ndist && !z.err) {
                int sym = decode(&z, &lc), rep = 0;
                short val = 0;
                if (sym < 16) { len[k++] = (short)sym; continue; }
                if (sym == 16) { if (k == 0) { z.err = 1; break; } val = len[k - 1]; rep = 3 + (int)getbits(&z, 2); }
                else if (sym == 17) rep = 3 + (int)getbits(&z, 3);
                else rep = 11 + (int)getbits(&z, 7);
                if (k + rep > nlen + ndist) { z.err = 1; break; }
                while (rep--) len[k++] = val;
            }
            if (z.err) break;
            build(&lit, len, nlen);
            build(&dist, len + nlen, ndist);
            codes(&z, &lit, &dist);
        } else z.err = 1;
    } while (!last && !z.err);
    if (z.err || z.len != z.cap) { free(z.out); return NULL; }
    *out_len = z.len;
    return z.out;
}

/* an IDX file (big-endian magic, dimensions, then bytes), plain or gzip-compressed */
static unsigned char *read_idx(const char *dir, const char *name, int want_dims, int64_t *count) {
    char path[1024];
    FILE *f;
    unsigned char *raw, *data = NULL;
    size_t n, hl = 4 + 4 * (size_t)want_dims;
    long sz;
    int64_t total = 1, i;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) {
        snprintf(path, sizeof path, "%s/%s.gz", dir, name);
        if (!(f = fopen(path, "rb"))) return NULL;
    }
    fseek(f, 0, SEEK_END); sz = ftell(f); fseek(f, 0, SEEK_SET);
    raw = (unsigned char *)malloc((size_t)sz + 1);
    if (!raw || fread(raw, 1, (size_t)sz, f) != (size_t)sz) { fclose(f); free(raw); return NULL; }
    fclose(f);
    n = (size_t)sz;
    if (n > 2 && raw[0] == 0x1f && raw[1] == 0x8b) {
        unsigned char *u = gunzip(raw, n, &n);
        free(raw);
        if (!u) return NULL;
        raw = u;
    }
    if (n < hl || raw[2] != 8 || raw[3] != want_dims) { free(raw); return NULL; }
    for (i = 0; i < want_dims; i++) total *= ((int64_t)raw[4 + 4 * i] << 24) | (raw[5 + 4 * i] << 16) | (raw[6 + 4 * i] << 8) | raw[7 + 4 * i];
    if ((size_t)total != n - hl) { free(raw); return NULL; }
    data = (unsigned char *)malloc((size_t)total);
    if (data) memcpy(data, raw + hl, (size_t)total);
    *count = ((int64_t)raw[4] << 24) | (raw[5] << 16) | (raw[6] << 8) | raw[7];
    free(raw);
    return data;
}

static void write_svg(const char *path, const float *loss, int64_t n, int64_t per_epoch) {
    FILE *f = fopen(path, "w");
    float lo = 1e30f, hi = -1e30f;
    int64_t i, w = 50; /* moving average over 50 steps */
    float *sm;
    if (!f || n < 2) { if (f) fclose(f); return; }
    sm = (float *)malloc((size_t)n * sizeof(float));
    for (i = 0; i < n; i++) {
        int64_t a = i >= w ? i - w + 1 : 0, k;
        float s = 0;
        for (k = a; k <= i; k++) s += loss[k];
        sm[i] = s / (float)(i - a + 1);
        if (sm[i] < lo) lo = sm[i];
        if (sm[i] > hi) hi = sm[i];
    }
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"360\" font-family=\"sans-serif\" font-size=\"12\">\n");
    fprintf(f, "<rect width=\"640\" height=\"360\" fill=\"white\"/>\n");
    fprintf(f, "<text x=\"320\" y=\"20\" text-anchor=\"middle\">Fashion-MNIST MLP: training loss (moving average of 50 steps)</text>\n");
    fprintf(f, "<line x1=\"60\" y1=\"320\" x2=\"620\" y2=\"320\" stroke=\"black\"/><line x1=\"60\" y1=\"40\" x2=\"60\" y2=\"320\" stroke=\"black\"/>\n");
    fprintf(f, "<text x=\"55\" y=\"44\" text-anchor=\"end\">%.2f</text><text x=\"55\" y=\"320\" text-anchor=\"end\">%.2f</text>\n", hi, lo);
    fprintf(f, "<text x=\"340\" y=\"345\" text-anchor=\"middle\">step (%lld per epoch)</text>\n", (long long)per_epoch);
    fprintf(f, "<polyline fill=\"none\" stroke=\"#1f77b4\" stroke-width=\"1.5\" points=\"");
    for (i = 0; i < n; i++)
        fprintf(f, "%.1f,%.1f ", 60.0 + 560.0 * (double)i / (double)(n - 1), 320.0 - 280.0 * (sm[i] - lo) / (hi - lo + 1e-9));
    fprintf(f, "\"/>\n</svg>\n");
    fclose(f);
    free(sm);
}

int main(int argc, char **argv) {
    const char *dir = "build/data/fashion-mnist", *svg = "build/mnist_mlp_loss.svg";
    int epochs = 8, threads = 2, i, dir_given = 0;
    int64_t ntrain = 0, ntest = 0, nl = 0, ntl = 0, step, total_steps, e, b;
    unsigned char *xtr, *ytr, *xte, *yte;
    const int64_t B = 128, D = 784;
    aieng_autograd g;
    aieng_var *w1, *b1, *w2, *b2, *w3, *b3;
    int32_t *perm, targets[128];
    float *losses;
    double t0;
    int64_t correct = 0;
    aieng_rng rng;
    for (i = 1; i < argc; i++) {
        if (!strcmp(argv[i], "--epochs") && i + 1 < argc) epochs = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--threads") && i + 1 < argc) threads = atoi(argv[++i]);
        else if (!strcmp(argv[i], "--data") && i + 1 < argc) { dir = argv[++i]; dir_given = 1; }
        else if (!strcmp(argv[i], "--svg") && i + 1 < argc) svg = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--epochs N] [--threads N] [--data DIR] [--svg FILE]\n", argv[0]);
            return 2;
        }
    }
    if (!dir_given) { /* unpacked files in build/data/, else Debian's gzip files read directly */
        FILE *f = fopen("build/data/fashion-mnist/train-images-idx3-ubyte", "rb");
        if (f) fclose(f);
        else dir = "/usr/share/datasets/fashion-mnist";
    }
    xtr = read_idx(dir, "train-images-idx3-ubyte", 3, &ntrain);
    ytr = read_idx(dir, "train-labels-idx1-ubyte", 1, &nl);
    xte = read_idx(dir, "t10k-images-idx3-ubyte", 3, &ntest);
    yte = read_idx(dir, "t10k-labels-idx1-ubyte", 1, &ntl);
    if (!xtr || !ytr || !xte || !yte || nl != ntrain || ntl != ntest) {
        fprintf(stderr, "mnist_mlp: cannot read the Fashion-MNIST IDX files (plain or .gz) in %s\n"
                        "usage: apt-get install dataset-fashion-mnist (or bash tools/get_fashion_mnist.sh), then\n"
                        "       %s [--epochs N] [--threads N] [--data DIR] [--svg FILE]\n", dir, argv[0]);
        return 1;
    }
    aieng_set_threads(threads);
    if (aieng_autograd_init(&g, NULL) != AIENG_OK) { fprintf(stderr, "mnist_mlp: %s\n", aieng_last_error()); return 1; }
    w1 = aieng_autograd_param(&g, "fc1.weight", 2, D, 512, 1, 1);
    b1 = aieng_autograd_param(&g, "fc1.bias", 1, 512, 1, 1, 1);
    w2 = aieng_autograd_param(&g, "fc2.weight", 2, 512, 256, 1, 1);
    b2 = aieng_autograd_param(&g, "fc2.bias", 1, 256, 1, 1, 1);
    w3 = aieng_autograd_param(&g, "fc3.weight", 2, 256, 10, 1, 1);
    b3 = aieng_autograd_param(&g, "fc3.bias", 1, 10, 1, 1, 1);
    if (aieng_autograd_finalize(&g) != AIENG_OK) { fprintf(stderr, "mnist_mlp: %s\n", aieng_last_error()); return 1; }
    aieng_autograd_param_normal(&g, w1, 0.0f, sqrtf(2.0f / (float)D)); /* He initialisation for ReLU */
    aieng_autograd_param_normal(&g, w2, 0.0f, sqrtf(2.0f / 512.0f));
    aieng_autograd_param_normal(&g, w3, 0.0f, sqrtf(1.0f / 256.0f));
    perm = (int32_t *)malloc((size_t)ntrain * sizeof(int32_t));
    total_steps = epochs * (ntrain / B);
    losses = (float *)malloc((size_t)(total_steps + 1) * sizeof(float));
    aieng_rng_seed(&rng, 42, 1);
    for (i = 0; i < ntrain; i++) perm[i] = i;
    t0 = now();
    step = 0;
    for (e = 0; e < epochs; e++) {
        for (i = (int)ntrain - 1; i > 0; i--) { /* shuffle */
            int j = (int)(aieng_rng_u32(&rng) % (uint32_t)(i + 1));
            int32_t t = perm[i]; perm[i] = perm[j]; perm[j] = t;
        }
        for (b = 0; b + B <= ntrain; b += B, step++) {
            aieng_var *x, *h, *loss;
            int64_t r, k;
            aieng_autograd_reset(&g);
            x = aieng_autograd_tensor(&g, 2, D, B, 1, 1);
            for (r = 0; r < B; r++) {
                const unsigned char *px = xtr + (int64_t)perm[b + r] * D;
                for (k = 0; k < D; k++) x->val.data[r * D + k] = (float)px[k] * (1.0f / 255.0f) - 0.286f;
                targets[r] = ytr[perm[b + r]];
            }
            h = aieng_autograd_relu(&g, aieng_autograd_linear(&g, x, w1, b1));
            h = aieng_autograd_dropout(&g, h, 0.1f);
            h = aieng_autograd_relu(&g, aieng_autograd_linear(&g, h, w2, b2));
            loss = aieng_autograd_cross_entropy(&g, aieng_autograd_linear(&g, h, w3, b3), targets);
            aieng_autograd_zero_grad(&g);
            if (aieng_autograd_backward(&g, loss, 1.0f) != AIENG_OK) { fprintf(stderr, "mnist_mlp: %s\n", aieng_last_error()); return 1; }
            aieng_autograd_adamw(&g, aieng_autograd_lr_cosine(step, 200, total_steps, 1e-3f, 1e-5f), 0.9f, 0.999f, 1e-8f, 1e-4f);
            losses[step] = loss->val.data[0];
            if (step % 20 == 0 || step + 1 == total_steps) {
                double el = now() - t0, left = el / (double)(step + 1) * (double)(total_steps - step - 1);
                int filled = (int)(30 * (step + 1) / total_steps), c;
                fprintf(stderr, "\repoch %lld/%d [", (long long)e + 1, epochs);
                for (c = 0; c < 30; c++) fputc(c < filled ? '#' : '.', stderr);
                fprintf(stderr, "] loss %.4f  %.0f s, %.0f s left ", losses[step], el, left);
            }
        }
    }
    fprintf(stderr, "\n");
    aieng_autograd_set_training(&g, 0);
    for (b = 0; b < ntest; b += B) { /* test set, dropout off */
        int64_t n = ntest - b < B ? ntest - b : B, r, k;
        aieng_var *x, *logits;
        aieng_autograd_reset(&g);
        x = aieng_autograd_tensor(&g, 2, D, n, 1, 1);
        for (r = 0; r < n; r++)
            for (k = 0; k < D; k++) x->val.data[r * D + k] = (float)xte[(b + r) * D + k] * (1.0f / 255.0f) - 0.286f;
        logits = aieng_autograd_linear(&g, aieng_autograd_relu(&g, aieng_autograd_linear(&g, aieng_autograd_relu(&g,
                     aieng_autograd_linear(&g, x, w1, b1)), w2, b2)), w3, b3);
        for (r = 0; r < n; r++) {
            int best = 0;
            for (k = 1; k < 10; k++) if (logits->val.data[r * 10 + k] > logits->val.data[r * 10 + best]) best = (int)k;
            correct += best == yte[b + r];
        }
    }
    write_svg(svg, losses, step, ntrain / B);
    fprintf(stderr, "trained %lld steps in %.1f s on %d threads; loss curve in %s\n", (long long)step, now() - t0, threads, svg);
    printf("test accuracy: %.1f%%\n", 100.0 * (double)correct / (double)ntest);
    aieng_autograd_free(&g);
    free(perm); free(losses); free(xtr); free(ytr); free(xte); free(yte);
    return 0;
}
