/* mnist_mlp.c - trains a two-hidden-layer MLP on Fashion-MNIST with aieng_autograd.h.

   bash tools/get_fashion_mnist.sh      (unpacks Debian's dataset-fashion-mnist into build/data/)
   make build/mnist_mlp && build/mnist_mlp [--epochs N] [--threads N] [--data DIR] [--svg FILE]

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

/* an IDX file: big-endian magic, dimensions, then bytes */
static unsigned char *read_idx(const char *dir, const char *name, int want_dims, int64_t *count) {
    char path[1024];
    FILE *f;
    unsigned char hdr[16];
    int64_t n = 1, i;
    unsigned char *data;
    snprintf(path, sizeof path, "%s/%s", dir, name);
    f = fopen(path, "rb");
    if (!f) return NULL;
    if (fread(hdr, 1, 4 + 4 * (size_t)want_dims, f) != 4 + 4 * (size_t)want_dims || hdr[2] != 8 || hdr[3] != want_dims) { fclose(f); return NULL; }
    for (i = 0; i < want_dims; i++) n *= ((int64_t)hdr[4 + 4 * i] << 24) | (hdr[5 + 4 * i] << 16) | (hdr[6 + 4 * i] << 8) | hdr[7 + 4 * i];
    data = (unsigned char *)malloc((size_t)n);
    if (!data || fread(data, 1, (size_t)n, f) != (size_t)n) { free(data); fclose(f); return NULL; }
    fclose(f);
    *count = ((int64_t)hdr[4] << 24) | (hdr[5] << 16) | (hdr[6] << 8) | hdr[7];
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
    int epochs = 8, threads = 2, i;
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
        else if (!strcmp(argv[i], "--data") && i + 1 < argc) dir = argv[++i];
        else if (!strcmp(argv[i], "--svg") && i + 1 < argc) svg = argv[++i];
        else {
            fprintf(stderr, "usage: %s [--epochs N] [--threads N] [--data DIR] [--svg FILE]\n", argv[0]);
            return 2;
        }
    }
    xtr = read_idx(dir, "train-images-idx3-ubyte", 3, &ntrain);
    ytr = read_idx(dir, "train-labels-idx1-ubyte", 1, &nl);
    xte = read_idx(dir, "t10k-images-idx3-ubyte", 3, &ntest);
    yte = read_idx(dir, "t10k-labels-idx1-ubyte", 1, &ntl);
    if (!xtr || !ytr || !xte || !yte || nl != ntrain || ntl != ntest) {
        fprintf(stderr, "mnist_mlp: cannot read the Fashion-MNIST IDX files in %s\n"
                        "usage: bash tools/get_fashion_mnist.sh && %s [--epochs N] [--threads N] [--data DIR] [--svg FILE]\n", dir, argv[0]);
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
