/* autograd.c - one GPT-2 training step (forward, backward, AdamW) with aieng_autograd.h.
   Run by bench/autograd.sh, which makes the data file with bench/autograd_torch.py:
       build/bench/autograd DATA.bin time             step times at 1 and 2 threads
       build/bench/autograd DATA.bin curve LOSS.csv   losses of 200 steps (AUTOGRAD_CURVE_THREADS, default 2)
   A step: forward, backward, clipping to global norm 1, AdamW (lr 1e-3, betas 0.9/0.95,
   weight decay 0.1). The model (vocab 4096, 4 layers, 4 heads, width 256, context 256, batch 8) starts
   from the parameters in DATA.bin and trains on its batches, so PyTorch sees the
   same numbers. `time` prints "aieng threads N step_ms X" for 1 and 2 threads
   (medians of 10 steps after 3 warm-ups). */
#define _POSIX_C_SOURCE 200809L
#define AIENG_AUTOGRAD_IMPLEMENTATION
#include "aieng_autograd.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#ifndef WARM
#define WARM 3
#endif
#ifndef TIMED
#define TIMED 10
#endif
#ifndef CURVE
#define CURVE 200
#endif

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static double cpu_now(void) { /* CPU seconds of the whole process (all threads) */
    struct timespec ts;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static unsigned char *file_buf;
static size_t file_len;
/* a record of the tests/ref/autograd_ref.py format */
static const void *rec(const char *name, uint64_t *count) {
    size_t off = 0, nl = strlen(name);
    while (off + 16 <= file_len) {
        uint32_t len, padded;
        uint64_t cnt;
        memcpy(&len, file_buf + off, 4);
        padded = (len + 3) & ~3u;
        if (off + 16 + padded > file_len) break;
        memcpy(&cnt, file_buf + off + 8 + padded, 8);
        if (cnt > (file_len - off - 16 - padded) / 4) break;
        if (len == nl && memcmp(file_buf + off + 4, name, nl) == 0) { *count = cnt; return file_buf + off + 16 + padded; }
        off += 16 + padded + (size_t)cnt * 4;
    }
    return NULL;
}
static int load_params(aieng_autograd *g) {
    int i;
    for (i = 0; i < g->n_params; i++) {
        char key[80];
        uint64_t n = 0;
        const void *p;
        snprintf(key, sizeof key, "param:%s", g->params[i].name);
        p = rec(key, &n);
        if (!p || n != (uint64_t)aieng_tensor_nelements(&g->params[i].val)) { fprintf(stderr, "autograd bench: %s missing\n", key); return 0; }
        memcpy(g->params[i].val.data, p, n * 4);
    }
    memset(g->block + g->n_floats, 0, 3 * g->n_floats * sizeof(float)); /* grads and moments */
    g->step = 0;
    return 1;
}
static float train_step(aieng_autograd *g, aieng_autograd_gpt *m, const int32_t *batch, int64_t B, int64_t T) {
    static int32_t ids[8 * 256], tg[8 * 256];
    aieng_var *loss;
    int64_t b, t;
    for (b = 0; b < B; b++)
        for (t = 0; t < T; t++) { ids[b * T + t] = batch[b * (T + 1) + t]; tg[b * T + t] = batch[b * (T + 1) + t + 1]; }
    aieng_autograd_reset(g);
    loss = aieng_autograd_gpt_forward(g, m, ids, tg, B, T);
    if (!loss) { fprintf(stderr, "autograd bench: %s\n", aieng_autograd_error(g)); exit(1); }
    aieng_autograd_zero_grad(g);
    aieng_autograd_backward(g, loss, 1.0f);
    aieng_autograd_clip_grad_norm(g, 1.0f);
    aieng_autograd_adamw(g, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.1f);
    return loss->val.data[0];
}
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

int main(int argc, char **argv) {
    FILE *f;
    aieng_autograd g;
    aieng_autograd_gpt m;
    aieng_autograd_gpt_config cfg = aieng_autograd_gpt_config_default();
    const int32_t *batches;
    uint64_t n = 0;
    int64_t B = 8, T = 256, per;
    int threads, i;
    if (argc < 3 || (strcmp(argv[2], "time") != 0 && (strcmp(argv[2], "curve") != 0 || argc != 4))) {
        fprintf(stderr, "usage: %s DATA.bin time | DATA.bin curve LOSS.csv   (bench/autograd.sh makes DATA.bin)\n", argv[0]);
        return 2;
    }
    f = fopen(argv[1], "rb");
    if (!f) { fprintf(stderr, "autograd bench: cannot open %s (run bench/autograd.sh)\n", argv[1]); return 1; }
    fseek(f, 0, SEEK_END); file_len = (size_t)ftell(f); fseek(f, 0, SEEK_SET);
    file_buf = (unsigned char *)malloc(file_len);
    if (!file_buf || fread(file_buf, 1, file_len, f) != file_len) { fprintf(stderr, "autograd bench: cannot read %s\n", argv[1]); return 1; }
    fclose(f);
    batches = (const int32_t *)rec("batches", &n);
    per = B * (T + 1);
    if (!batches || n < (uint64_t)(WARM + TIMED + CURVE) * (uint64_t)per) { fprintf(stderr, "autograd bench: no batches in %s\n", argv[1]); return 1; }
    /* defaults are the benchmark model: vocab 4096, 4 layers, 4 heads, 256 wide, context 256, GPT-2 form */
    if (aieng_autograd_init(&g, NULL) != AIENG_OK || aieng_autograd_gpt_declare(&g, &m, &cfg) != AIENG_OK ||
        aieng_autograd_finalize(&g) != AIENG_OK) { fprintf(stderr, "autograd bench: %s\n", aieng_last_error()); return 1; }
    if (!strcmp(argv[2], "time")) {
        for (threads = 1; threads <= 2; threads++) {
            double t[TIMED], c[TIMED];
            aieng_set_threads(threads);
            if (!load_params(&g)) return 1;
            for (i = 0; i < WARM + TIMED; i++) {
                double t0 = now(), c0 = cpu_now();
                train_step(&g, &m, batches + i * per, B, T);
                if (i >= WARM) { t[i - WARM] = now() - t0; c[i - WARM] = cpu_now() - c0; }
            }
            qsort(t, TIMED, sizeof t[0], cmp_double);
            qsort(c, TIMED, sizeof c[0], cmp_double);
            printf("aieng threads %d step_ms %.1f cpu_ms %.1f\n", threads, 1000.0 * 0.5 * (t[TIMED / 2 - 1] + t[TIMED / 2]),
                   1000.0 * 0.5 * (c[TIMED / 2 - 1] + c[TIMED / 2]));
            fflush(stdout);
        }
        printf("aieng tape_bytes %zu tape_allocs %zu\n", aieng_autograd_tape_bytes(&g), aieng_autograd_tape_allocs(&g));
    } else {
        const char *ct = getenv("AUTOGRAD_CURVE_THREADS");
        aieng_set_threads(ct ? atoi(ct) : 2);
        if (!load_params(&g)) return 1;
        f = fopen(argv[3], "w");
        if (!f) { fprintf(stderr, "autograd bench: cannot write %s\n", argv[3]); return 1; }
        fprintf(f, "step,loss\n");
        for (i = 0; i < CURVE; i++) {
            fprintf(f, "%d,%.6f\n", i, train_step(&g, &m, batches + (WARM + TIMED + i) * per, B, T));
            fflush(f);
        }
        fclose(f);
    }
    aieng_autograd_free(&g);
    free(file_buf);
    return 0;
}
