/* aieng-train.c - trains a small GPT-2-style model from scratch on a text file.

   build/aieng-train --text FILE [options]
     --vocab F.tiktoken   use this vocabulary (GPT-2 pre-tokenizer) instead of training one
     --vocab-size N       BPE vocabulary trained on the text with aieng_bpe.h (default 2048)
     --layers N --width N --heads N --ctx N      model (default 4, 256, 4, 128)
     --batch N --steps N --lr X --threads N      training (default 16, 600, 1e-3, 2)
     --minutes X          stop after X minutes of training (default: no limit)
     --out FILE.gguf      checkpoint (default build/aieng-train.gguf); also FILE.csv and FILE.svg
     --seed N
   Progress (loss, tokens/s, time left) goes to standard error; the last line on
   standard output is "val loss: X". Sample from the result with
       build/aieng-run -m build/aieng-train.gguf -p "The " -n 100

   The text is split 90/10 into training and validation tokens; batches are
   random windows; AdamW (0.9, 0.95, weight decay 0.1), linear warm-up and
   cosine decay, gradients clipped to norm 1. The GGUF file is a "gpt2"
   architecture model (F32 tensors, the tokenizer as GPT-2 token strings and
   merges) that aieng_transformer.h loads. */
#define _POSIX_C_SOURCE 200809L
#define AIENG_IMPLEMENTATION
#include "aieng_autograd.h"
#include "aieng_transformer.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return (double)ts.tv_sec + 1e-9 * (double)ts.tv_nsec;
}
static void die(const char *what) {
    fprintf(stderr, "aieng-train: %s: %s\n", what, aieng_last_error());
    exit(1);
}
static char *read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    char *buf;
    long n;
    if (!f) return NULL;
    fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
    buf = (char *)malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) { fclose(f); free(buf); return NULL; }
    fclose(f);
    *len = (size_t)n;
    return buf;
}
static void bpe_progress(size_t done, size_t total, void *user) {
    (void)user;
    if (done % 64 == 0 || done == total) fprintf(stderr, "\rtraining the BPE vocabulary: %zu / %zu merges", done, total);
}

/* GPT-2's byte -> unicode alphabet, as UTF-8 */
static size_t byte_to_utf8(unsigned char b, char *out) {
    unsigned cp;
    if ((b >= 33 && b <= 126) || (b >= 161 && b <= 172) || b >= 174) cp = b;
    else { /* the other 68 bytes map to 256, 257, ... in byte order */
        unsigned n = 0, x;
        for (x = 0; x < b; x++)
            if (!((x >= 33 && x <= 126) || (x >= 161 && x <= 172) || x >= 174)) n++;
        cp = 256 + n;
    }
    if (cp < 0x80) { out[0] = (char)cp; return 1; }
    out[0] = (char)(0xC0 | (cp >> 6)); out[1] = (char)(0x80 | (cp & 0x3F));
    return 2;
}
static size_t bytes_to_gpt2(const char *b, size_t n, char *out) {
    size_t i, k = 0;
    for (i = 0; i < n; i++) k += byte_to_utf8((unsigned char)b[i], out + k);
    return k;
}

/* tokenizer.ggml.tokens and .merges of a ranks vocabulary (id = rank) */
static void write_tokenizer(aieng_gguf_writer *w, const aieng_bpe *bpe, uint32_t V) {
    char **toks = (char **)calloc(V, sizeof(char *)), **merges = (char **)calloc(V, sizeof(char *));
    size_t *tl = (size_t *)calloc(V, sizeof(size_t)), *ml = (size_t *)calloc(V, sizeof(size_t));
    uint32_t id, nm = 0;
    for (id = 0; id < V; id++) {
        const char *b;
        size_t n, k;
        if (aieng_bpe_token_bytes(bpe, id, &b, &n) != AIENG_OK) die("token bytes");
        toks[id] = (char *)malloc(2 * n + 1);
        tl[id] = bytes_to_gpt2(b, n, toks[id]);
        if (id < 256 || n < 2) continue;
        for (k = 1; k < n; k++) { /* the merge that made it: two tokens of lower rank */
            uint32_t l = aieng_bpe_token_id(bpe, b, k), r = aieng_bpe_token_id(bpe, b + k, n - k);
            if (l < id && r < id) {
                merges[nm] = (char *)malloc(2 * n + 2);
                ml[nm] = bytes_to_gpt2(b, k, merges[nm]);
                merges[nm][ml[nm]++] = ' ';
                ml[nm] += bytes_to_gpt2(b + k, n - k, merges[nm] + ml[nm]);
                nm++;
                break;
            }
        }
    }
    aieng_gguf_writer_set_string(w, "tokenizer.ggml.model", "gpt2", 4);
    aieng_gguf_writer_set_string(w, "tokenizer.ggml.pre", "gpt-2", 5);
    aieng_gguf_writer_set_string_array(w, "tokenizer.ggml.tokens", (const char *const *)toks, tl, V);
    aieng_gguf_writer_set_string_array(w, "tokenizer.ggml.merges", (const char *const *)merges, ml, nm);
    /* the writer copies metadata strings when it writes; keep them until then (freed at exit) */
}

static void write_gguf(const char *path, aieng_autograd_gpt *m, const aieng_bpe *bpe) {
    aieng_gguf_writer *w;
    const aieng_autograd_gpt_config *c = &m->cfg;
    int64_t l;
    char name[96];
    if (aieng_gguf_writer_new(&w, NULL) != AIENG_OK) die("gguf writer");
    aieng_gguf_writer_set_string(w, "general.architecture", "gpt2", 4);
    aieng_gguf_writer_set_string(w, "general.name", "aieng-train", 11);
    aieng_gguf_writer_set_int(w, "gpt2.context_length", AIENG_GGUF_UINT32, c->n_ctx);
    aieng_gguf_writer_set_int(w, "gpt2.embedding_length", AIENG_GGUF_UINT32, c->n_embd);
    aieng_gguf_writer_set_int(w, "gpt2.block_count", AIENG_GGUF_UINT32, c->n_layer);
    aieng_gguf_writer_set_int(w, "gpt2.feed_forward_length", AIENG_GGUF_UINT32, c->n_ff);
    aieng_gguf_writer_set_int(w, "gpt2.attention.head_count", AIENG_GGUF_UINT32, c->n_head);
    aieng_gguf_writer_set_float(w, "gpt2.attention.layer_norm_epsilon", AIENG_GGUF_FLOAT32, c->norm_eps);
    write_tokenizer(w, bpe, (uint32_t)c->vocab);
#define ADD(nm, v) aieng_gguf_writer_add_tensor(w, nm, AIENG_QUANT_F32, (v)->val.ndim, (v)->val.ne, (v)->val.data)
    ADD("token_embd.weight", m->wte);
    ADD("position_embd.weight", m->wpe);
    for (l = 0; l < c->n_layer; l++) {
        aieng_autograd_gpt_layer *L = &m->layer[l];
        /* our parameter -> the GGUF name llama.cpp's gpt2 loader uses */
        const char *gguf[12] = {"attn_norm.weight", "attn_norm.bias", "attn_qkv.weight", "attn_qkv.bias", "attn_output.weight",
                                "attn_output.bias", "ffn_norm.weight", "ffn_norm.bias", "ffn_up.weight", "ffn_up.bias",
                                "ffn_down.weight", "ffn_down.bias"};
        aieng_var *ours[12];
        int k;
        ours[0] = L->ln1_w; ours[1] = L->ln1_b; ours[2] = L->qkv_w; ours[3] = L->qkv_b; ours[4] = L->proj_w; ours[5] = L->proj_b;
        ours[6] = L->ln2_w; ours[7] = L->ln2_b; ours[8] = L->fc_w; ours[9] = L->fc_b; ours[10] = L->fcproj_w; ours[11] = L->fcproj_b;
        for (k = 0; k < 12; k++) {
            snprintf(name, sizeof name, "blk.%d.%s", (int)l, gguf[k]);
            ADD(name, ours[k]);
        }
    }
    ADD("output_norm.weight", m->lnf_w);
    ADD("output_norm.bias", m->lnf_b);
    ADD("output.weight", m->wte); /* tied */
#undef ADD
    if (aieng_gguf_writer_write_file(w, path) != AIENG_OK) die("writing the GGUF file");
    aieng_gguf_writer_free(w);
}

static void write_curves(const char *out, const float *loss, int64_t n, const float *val, const int64_t *val_step, int64_t nv) {
    char path[1100];
    FILE *f;
    int64_t i;
    float lo = 1e30f, hi = -1e30f;
    snprintf(path, sizeof path, "%s.csv", out);
    if ((f = fopen(path, "w"))) {
        int64_t k = 0;
        fprintf(f, "step,train_loss,val_loss\n");
        for (i = 0; i < n; i++) {
            fprintf(f, "%lld,%.5f,", (long long)i, loss[i]);
            if (k < nv && val_step[k] == i) fprintf(f, "%.5f", val[k++]);
            fputc('\n', f);
        }
        fclose(f);
    }
    if (n < 2) return;
    for (i = 0; i < n; i++) { if (loss[i] < lo) lo = loss[i]; if (loss[i] > hi) hi = loss[i]; }
    snprintf(path, sizeof path, "%s.svg", out);
    if (!(f = fopen(path, "w"))) return;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"360\" font-family=\"sans-serif\" font-size=\"12\">"
               "<rect width=\"640\" height=\"360\" fill=\"white\"/>\n<text x=\"320\" y=\"20\" text-anchor=\"middle\">"
               "aieng-train: training loss (blue), validation loss (orange dots)</text>\n");
    fprintf(f, "<text x=\"55\" y=\"44\" text-anchor=\"end\">%.2f</text><text x=\"55\" y=\"320\" text-anchor=\"end\">%.2f</text>\n", hi, lo);
    fprintf(f, "<polyline fill=\"none\" stroke=\"#1f77b4\" points=\"");
    for (i = 0; i < n; i++) fprintf(f, "%.1f,%.1f ", 60 + 560.0 * (double)i / (double)(n - 1), 320 - 280.0 * (loss[i] - lo) / (hi - lo + 1e-9));
    fprintf(f, "\"/>\n");
    for (i = 0; i < nv; i++)
        fprintf(f, "<circle cx=\"%.1f\" cy=\"%.1f\" r=\"3\" fill=\"#ff7f0e\"/>\n", 60 + 560.0 * (double)val_step[i] / (double)(n - 1),
                320 - 280.0 * (val[i] - lo) / (hi - lo + 1e-9));
    fprintf(f, "</svg>\n");
    fclose(f);
}

int main(int argc, char **argv) {
    const char *text_path = NULL, *vocab_path = NULL, *out = "build/aieng-train.gguf";
    int64_t vocab_size = 2048, steps = 600, Bt = 16, i, step, ntok, ntrain, nval, nv = 0;
    double lr = 1e-3, minutes = 0, t0;
    int threads = 2;
    uint64_t seed = 1;
    aieng_autograd_gpt_config cfg = aieng_autograd_gpt_config_default();
    aieng_autograd_gpt m;
    aieng_autograd g;
    aieng_bpe *bpe = NULL;
    aieng_bpe_tokens toks;
    char *text;
    size_t len;
    int32_t *data, *ids, *tg;
    float *losses, vals[256], last_val = 0;
    int64_t val_steps[256];
    aieng_rng rng;
    cfg.n_ctx = 128;
    for (i = 1; i < argc; i++) {
        const char *a = argv[i], *v = i + 1 < argc ? argv[i + 1] : NULL;
        if (!v) { fprintf(stderr, "aieng-train: %s needs a value (see the top of examples/aieng-train.c)\n", a); return 2; }
        if (!strcmp(a, "--text")) text_path = v;
        else if (!strcmp(a, "--vocab")) vocab_path = v;
        else if (!strcmp(a, "--vocab-size")) vocab_size = atoll(v);
        else if (!strcmp(a, "--layers")) cfg.n_layer = atoll(v);
        else if (!strcmp(a, "--width")) cfg.n_embd = atoll(v);
        else if (!strcmp(a, "--heads")) cfg.n_head = atoll(v);
        else if (!strcmp(a, "--ctx")) cfg.n_ctx = atoll(v);
        else if (!strcmp(a, "--batch")) Bt = atoll(v);
        else if (!strcmp(a, "--steps")) steps = atoll(v);
        else if (!strcmp(a, "--lr")) lr = atof(v);
        else if (!strcmp(a, "--threads")) threads = atoi(v);
        else if (!strcmp(a, "--minutes")) minutes = atof(v);
        else if (!strcmp(a, "--out")) out = v;
        else if (!strcmp(a, "--seed")) seed = (uint64_t)atoll(v);
        else { fprintf(stderr, "aieng-train: unknown option %s\n", a); return 2; }
        i++;
    }
    if (!text_path) {
        fprintf(stderr, "usage: %s --text FILE [--vocab F.tiktoken | --vocab-size N] [--layers N --width N --heads N --ctx N]\n"
                        "       [--batch N --steps N --lr X --threads N --minutes X --out FILE.gguf --seed N]\n", argv[0]);
        return 2;
    }
    if (Bt < 1 || steps < 1 || cfg.n_ctx < 2 || vocab_size < 257 || vocab_size > 65536) { fprintf(stderr, "aieng-train: bad sizes\n"); return 2; }
    text = read_file(text_path, &len);
    if (!text || len < 1000) { fprintf(stderr, "aieng-train: cannot read %s (or it is shorter than 1000 bytes)\n", text_path); return 1; }
    aieng_set_threads(threads);
    if (vocab_path) {
        if (aieng_bpe_load_tiktoken_file(vocab_path, AIENG_BPE_GPT2, NULL, &bpe) != AIENG_OK) die(vocab_path);
    } else {
        aieng_bpe_train_config bc;
        memset(&bc, 0, sizeof bc);
        bc.vocab_size = (uint32_t)vocab_size;
        bc.pretok = AIENG_BPE_GPT2;
        bc.progress = bpe_progress;
        if (aieng_bpe_train(text, len, &bc, &bpe) != AIENG_OK) die("BPE training");
        fprintf(stderr, "\n");
    }
    cfg.vocab = aieng_bpe_n_vocab(bpe);
    memset(&toks, 0, sizeof toks);
    if (aieng_bpe_encode_ordinary(bpe, text, len, &toks) != AIENG_OK) die("tokenizing");
    ntok = (int64_t)toks.n;
    data = (int32_t *)malloc((size_t)ntok * sizeof(int32_t));
    for (i = 0; i < ntok; i++) data[i] = (int32_t)toks.ids[i];
    aieng_bpe_tokens_free(bpe, &toks);
    ntrain = ntok * 9 / 10;
    nval = ntok - ntrain;
    if (nval < cfg.n_ctx + 2) { fprintf(stderr, "aieng-train: the text is too short for context %lld\n", (long long)cfg.n_ctx); return 1; }
    fprintf(stderr, "%.1f MB of text, vocabulary %lld, %lld training and %lld validation tokens\n", (double)len / 1e6,
            (long long)cfg.vocab, (long long)ntrain, (long long)nval);
    if (aieng_autograd_init(&g, NULL) != AIENG_OK || aieng_autograd_gpt_declare(&g, &m, &cfg) != AIENG_OK ||
        aieng_autograd_finalize(&g) != AIENG_OK) die("model");
    aieng_autograd_seed(&g, seed);
    aieng_autograd_gpt_init(&g, &m);
    fprintf(stderr, "model: %lld layers, width %lld, %lld heads, context %lld, %.2f M parameters\n", (long long)cfg.n_layer,
            (long long)cfg.n_embd, (long long)cfg.n_head, (long long)cfg.n_ctx, (double)g.n_floats / 1e6);
    ids = (int32_t *)malloc((size_t)(Bt * cfg.n_ctx) * sizeof(int32_t));
    tg = (int32_t *)malloc((size_t)(Bt * cfg.n_ctx) * sizeof(int32_t));
    losses = (float *)malloc((size_t)steps * sizeof(float));
    aieng_rng_seed(&rng, seed, 3);
    t0 = now();
    for (step = 0; step < steps; step++) {
        aieng_var *loss;
        int64_t b, T = cfg.n_ctx;
        for (b = 0; b < Bt; b++) {
            int64_t s = (int64_t)(aieng_rng_u32(&rng) % (uint32_t)(ntrain - T - 1));
            memcpy(ids + b * T, data + s, (size_t)T * sizeof(int32_t));
            memcpy(tg + b * T, data + s + 1, (size_t)T * sizeof(int32_t));
        }
        aieng_autograd_reset(&g);
        loss = aieng_autograd_gpt_forward(&g, &m, ids, tg, Bt, T);
        if (!loss) die("forward");
        aieng_autograd_zero_grad(&g);
        if (aieng_autograd_backward(&g, loss, 1.0f) != AIENG_OK) die("backward");
        aieng_autograd_clip_grad_norm(&g, 1.0f);
        aieng_autograd_adamw(&g, aieng_autograd_lr_cosine(step, steps / 20 + 1, steps, (float)lr, (float)lr * 0.1f), 0.9f, 0.95f, 1e-8f, 0.1f);
        losses[step] = loss->val.data[0];
        if ((step % 50 == 49 || step + 1 == steps) && nv < 256) { /* validation: 8 fixed windows */
            double s = 0;
            int64_t k;
            for (k = 0; k < 8; k++) {
                int64_t st = ntrain + (k * (nval - T - 1)) / 8;
                aieng_autograd_reset(&g);
                s += aieng_autograd_gpt_forward(&g, &m, data + st, data + st + 1, 1, T)->val.data[0];
            }
            last_val = (float)(s / 8);
            vals[nv] = last_val;
            val_steps[nv++] = step;
        }
        {
            double el = now() - t0, per = el / (double)(step + 1);
            int64_t total = steps;
            int filled, c;
            if (minutes > 0 && (int64_t)(minutes * 60 / per) < total) total = (int64_t)(minutes * 60 / per);
            if (total <= step) total = step + 1;
            filled = (int)(30 * (step + 1) / total);
            fprintf(stderr, "\r[");
            for (c = 0; c < 30; c++) fputc(c < filled ? '#' : '.', stderr);
            fprintf(stderr, "] step %lld/%lld loss %.3f val %.3f %.0f tok/s %.0f s left ", (long long)step + 1, (long long)total,
                    losses[step], last_val, (double)(Bt * T) / per, per * (double)(total - step - 1));
            if (minutes > 0 && el > minutes * 60) { step++; break; }
        }
    }
    fprintf(stderr, "\ntrained %lld steps in %.0f s\n", (long long)step, now() - t0);
    if (nv == 0 || val_steps[nv - 1] != step - 1) { /* a last validation after an early stop */
        double s = 0;
        int64_t k, T = cfg.n_ctx;
        for (k = 0; k < 8; k++) {
            int64_t st = ntrain + (k * (nval - T - 1)) / 8;
            aieng_autograd_reset(&g);
            s += aieng_autograd_gpt_forward(&g, &m, data + st, data + st + 1, 1, T)->val.data[0];
        }
        last_val = (float)(s / 8);
        if (nv < 256) { vals[nv] = last_val; val_steps[nv++] = step - 1; }
    }
    write_gguf(out, &m, bpe);
    {
        char base[1000];
        size_t n = strlen(out);
        snprintf(base, sizeof base, "%.*s", (int)(n > 5 && !strcmp(out + n - 5, ".gguf") ? n - 5 : n), out);
        write_curves(base, losses, step, vals, val_steps, nv);
        fprintf(stderr, "wrote %s, %s.csv, %s.svg\n", out, base, base);
    }
    printf("val loss: %.4f\n", last_val);
    aieng_autograd_free(&g);
    aieng_bpe_free(bpe);
    free(text); free(data); free(ids); free(tg); free(losses);
    return 0;
}
