/* test_autograd.c - aieng_autograd.h: every op against central finite
   differences, a tiny GPT-2 and a tiny Llama against PyTorch
   (tests/ref/autograd_ref.py), optimizers, schedule, clipping, accumulation,
   checkpoints, LoRA, the no-allocation-after-the-first-step rule, errors. */
#define AIENG_AUTOGRAD_IMPLEMENTATION
#define AIENG_AUTOGRAD_ATT_BLOCK 3 /* several causal blocks (and a short last one) even at T = 5 and 8 */
#include "aieng_autograd.h"
#include "aieng_test.h"

/* ---------------------------------------------------------------- finite differences, op by op */
enum {
    OP_ADD, OP_ADD_BCAST, OP_SUB_BCAST, OP_MUL_BCAST, OP_DIV, OP_DIV_BCAST, OP_SCALE, OP_SQUARE, OP_MATMUL, OP_MATMUL_BATCH,
    OP_MATMUL_T, OP_LINEAR, OP_RESHAPE_PERMUTE, OP_SLICE, OP_CONCAT, OP_SUM_AXIS, OP_MEAN_ALL, OP_EMBEDDING,
    OP_LAYERNORM, OP_RMSNORM, OP_GELU, OP_SILU, OP_RELU, OP_SOFTMAX, OP_LOG_SOFTMAX, OP_XENT, OP_ROPE_NORMAL,
    OP_ROPE_NEOX, OP_ATTENTION, OP_ATTENTION_GQA, OP_ATTENTION_QKV, OP_DROPOUT, OP_LORA, N_OPS
};
static const char *op_names[N_OPS] = {
    "add", "add (broadcast)", "sub (broadcast)", "mul (broadcast)", "div", "div (broadcast)", "scale", "square", "matmul",
    "matmul (batched)", "matmul_t", "linear", "reshape+permute", "slice", "concat", "sum (axis)", "mean (all)", "embedding",
    "layernorm", "rmsnorm", "gelu", "silu", "relu", "softmax", "log_softmax", "cross_entropy", "rope (normal)",
    "rope (neox)", "attention", "attention (GQA)", "attention (fused qkv)", "dropout", "lora"};

typedef struct {
    int op;
    aieng_var *p[3];
    aieng_autograd_lora_adapter lora;
    float r[4096]; /* fixed random weights of the final weighted sum */
} opcase;

/* loss = sum(out ⊙ R) for a fixed random R: every output element matters */
static aieng_var *weighted_sum(aieng_autograd *g, aieng_var *out, const float *r) {
    aieng_var *w;
    int64_t i, n;
    if (!out) return NULL;
    w = aieng_autograd_tensor(g, out->val.ndim, out->val.ne[0], out->val.ne[1], out->val.ne[2], out->val.ne[3]);
    if (!w) return NULL;
    n = aieng_tensor_nelements(&w->val);
    for (i = 0; i < n; i++) w->val.data[i] = r[i % 4096];
    return aieng_autograd_sum(g, aieng_autograd_mul(g, out, w), -1);
}
static const int32_t emb_ids[6] = {3, 0, 3, 5, 1, 3};
static const int32_t xent_targets[6] = {2, 0, -1, 6, 6, 1};
static const int32_t rope_pos[5] = {0, 3, 1, 7, 2};

static aieng_var *op_loss(aieng_autograd *g, void *user) {
    opcase *c = (opcase *)user;
    aieng_var *a = c->p[0], *b = c->p[1], *out = NULL;
    switch (c->op) {
    case OP_ADD: case OP_ADD_BCAST: out = aieng_autograd_add(g, a, b); break;
    case OP_SUB_BCAST: out = aieng_autograd_sub(g, a, b); break;
    case OP_MUL_BCAST: out = aieng_autograd_mul(g, a, b); break;
    case OP_DIV: case OP_DIV_BCAST: out = aieng_autograd_div(g, a, b); break;
    case OP_SCALE: out = aieng_autograd_scale(g, a, -1.75f); break;
    case OP_SQUARE: out = aieng_autograd_square(g, a); break;
    case OP_MATMUL: case OP_MATMUL_BATCH: out = aieng_autograd_matmul(g, a, b); break;
    case OP_MATMUL_T: out = aieng_autograd_matmul_t(g, a, b); break;
    case OP_LINEAR: out = aieng_autograd_linear(g, a, b, c->p[2]); break;
    case OP_RESHAPE_PERMUTE:
        out = aieng_autograd_permute(g, aieng_autograd_reshape(g, a, 3, 3, 2, 4, 1), 2, 0, 1, 3);
        out = aieng_autograd_mul(g, out, out); /* something nonlinear after the view */
        break;
    case OP_SLICE: out = aieng_autograd_slice(g, aieng_autograd_slice(g, a, 1, 1, 4), 0, 2, 5); break;
    case OP_CONCAT: out = aieng_autograd_square(g, aieng_autograd_concat(g, a, b, 1)); break;
    case OP_SUM_AXIS: out = aieng_autograd_square(g, aieng_autograd_sum(g, a, 1)); break;
    case OP_MEAN_ALL: out = aieng_autograd_square(g, aieng_autograd_mean(g, a, -1)); break;
    case OP_EMBEDDING: out = aieng_autograd_embedding(g, a, emb_ids, 6); break;
    case OP_LAYERNORM: out = aieng_autograd_layernorm(g, a, b, c->p[2], 1e-5f); break;
    case OP_RMSNORM: out = aieng_autograd_rmsnorm(g, a, b, 1e-5f); break;
    case OP_GELU: out = aieng_autograd_gelu(g, a); break;
    case OP_SILU: out = aieng_autograd_silu(g, a); break;
    case OP_RELU: out = aieng_autograd_relu(g, a); break;
    case OP_SOFTMAX: out = aieng_autograd_softmax(g, a); break;
    case OP_LOG_SOFTMAX: out = aieng_autograd_log_softmax(g, a); break;
    case OP_XENT: return aieng_autograd_scale(g, aieng_autograd_cross_entropy(g, a, xent_targets), 3.0f);
    case OP_ROPE_NORMAL: out = aieng_autograd_rope(g, a, rope_pos, 4, 10000.0f, AIENG_ROPE_NORMAL); break;
    case OP_ROPE_NEOX: out = aieng_autograd_rope(g, a, rope_pos, 6, 100.0f, AIENG_ROPE_NEOX); break;
    case OP_ATTENTION: out = aieng_autograd_attention(g, a, b, c->p[2], 2, 2); break;
    case OP_ATTENTION_GQA: out = aieng_autograd_attention(g, a, b, c->p[2], 4, 2); break;
    case OP_ATTENTION_QKV: out = aieng_autograd_attention_qkv(g, a, 2); break;
    case OP_DROPOUT:
        aieng_autograd_seed(g, 99); /* the same mask on every evaluation */
        out = aieng_autograd_dropout(g, a, 0.3f);
        break;
    case OP_LORA: out = aieng_autograd_lora_linear(g, a, &c->lora, c->p[2]); break;
    }
    return weighted_sum(g, out, c->r);
}

static void test_gradcheck_op(int op) {
    static opcase c; /* large: keep it off the stack */
    aieng_autograd g;
    aieng_rng rng;
    double err = 1.0;
    int i, k;
    aieng_result r;
    memset(&c, 0, sizeof c);
    c.op = op;
    aieng_rng_seed(&rng, 1000 + (uint64_t)op, 1);
    for (i = 0; i < 4096; i++) c.r[i] = aieng_rng_normal(&rng);
    CHECK(aieng_autograd_init(&g, NULL) == AIENG_OK, "init");
    switch (op) {
    case OP_ADD: case OP_DIV:
        c.p[0] = aieng_autograd_param(&g, "a", 3, 5, 3, 2, 1);
        c.p[1] = aieng_autograd_param(&g, "b", 3, 5, 3, 2, 1);
        break;
    case OP_ADD_BCAST: case OP_SUB_BCAST: case OP_MUL_BCAST: case OP_DIV_BCAST:
        c.p[0] = aieng_autograd_param(&g, "a", 3, 5, 1, 2, 1); /* both sides broadcast */
        c.p[1] = aieng_autograd_param(&g, "b", 3, 5, 3, 1, 1);
        break;
    case OP_SCALE: case OP_SQUARE: case OP_GELU: case OP_SILU: case OP_RELU: case OP_SOFTMAX: case OP_LOG_SOFTMAX:
        c.p[0] = aieng_autograd_param(&g, "a", 2, 7, 3, 1, 1);
        break;
    case OP_MATMUL:
        c.p[0] = aieng_autograd_param(&g, "a", 2, 4, 3, 1, 1);   /* 3×4 */
        c.p[1] = aieng_autograd_param(&g, "b", 2, 5, 4, 1, 1);   /* 4×5 */
        break;
    case OP_MATMUL_BATCH:
        c.p[0] = aieng_autograd_param(&g, "a", 3, 4, 3, 2, 1);
        c.p[1] = aieng_autograd_param(&g, "b", 3, 5, 4, 2, 1);
        break;
    case OP_MATMUL_T:
        c.p[0] = aieng_autograd_param(&g, "a", 3, 4, 3, 2, 1);
        c.p[1] = aieng_autograd_param(&g, "b", 2, 4, 5, 1, 1);   /* shared by the batch */
        break;
    case OP_LINEAR:
        c.p[0] = aieng_autograd_param(&g, "x", 3, 6, 3, 2, 1);
        c.p[1] = aieng_autograd_param(&g, "w", 2, 6, 4, 1, 1);
        c.p[2] = aieng_autograd_param(&g, "b", 1, 4, 1, 1, 1);
        break;
    case OP_RESHAPE_PERMUTE: c.p[0] = aieng_autograd_param(&g, "a", 2, 6, 4, 1, 1); break;
    case OP_SLICE: c.p[0] = aieng_autograd_param(&g, "a", 3, 6, 5, 2, 1); break;
    case OP_CONCAT:
        c.p[0] = aieng_autograd_param(&g, "a", 2, 4, 2, 1, 1);
        c.p[1] = aieng_autograd_param(&g, "b", 2, 4, 3, 1, 1);
        break;
    case OP_SUM_AXIS: case OP_MEAN_ALL: c.p[0] = aieng_autograd_param(&g, "a", 3, 4, 3, 2, 1); break;
    case OP_EMBEDDING: c.p[0] = aieng_autograd_param(&g, "table", 2, 5, 7, 1, 1); break;
    case OP_LAYERNORM: case OP_RMSNORM:
        c.p[0] = aieng_autograd_param(&g, "x", 2, 8, 3, 1, 1);
        c.p[1] = aieng_autograd_param(&g, "w", 1, 8, 1, 1, 1);
        if (op == OP_LAYERNORM) c.p[2] = aieng_autograd_param(&g, "b", 1, 8, 1, 1, 1);
        break;
    case OP_XENT: c.p[0] = aieng_autograd_param(&g, "logits", 3, 7, 3, 2, 1); break;
    case OP_ROPE_NORMAL: case OP_ROPE_NEOX: c.p[0] = aieng_autograd_param(&g, "x", 4, 6, 2, 5, 2); break;
    case OP_ATTENTION:
        c.p[0] = aieng_autograd_param(&g, "q", 3, 8, 5, 2, 1);
        c.p[1] = aieng_autograd_param(&g, "k", 3, 8, 5, 2, 1);
        c.p[2] = aieng_autograd_param(&g, "v", 3, 8, 5, 2, 1);
        break;
    case OP_ATTENTION_GQA:
        c.p[0] = aieng_autograd_param(&g, "q", 3, 8, 4, 2, 1);
        c.p[1] = aieng_autograd_param(&g, "k", 3, 4, 4, 2, 1);
        c.p[2] = aieng_autograd_param(&g, "v", 3, 4, 4, 2, 1);
        break;
    case OP_ATTENTION_QKV: c.p[0] = aieng_autograd_param(&g, "qkv", 3, 24, 5, 2, 1); break;
    case OP_DROPOUT: c.p[0] = aieng_autograd_param(&g, "a", 2, 9, 4, 1, 1); break;
    case OP_LORA:
        c.p[0] = aieng_autograd_param(&g, "x", 2, 6, 3, 1, 1);
        c.p[1] = aieng_autograd_param(&g, "w", 2, 6, 5, 1, 1);
        c.p[2] = aieng_autograd_param(&g, "b", 1, 5, 1, 1, 1);
        CHECK(aieng_autograd_lora(&g, &c.lora, c.p[1], 2, 4.0f) == AIENG_OK, "lora");
        break;
    }
    CHECK(aieng_autograd_finalize(&g) == AIENG_OK, "finalize");
    for (k = 0; k < g.n_params; k++) aieng_autograd_param_normal(&g, &g.params[k], 0.0f, 1.0f);
    if (op == OP_DIV || op == OP_DIV_BCAST) /* keep the divisor away from zero */
        for (k = 0; k < (int)aieng_tensor_nelements(&c.p[1]->val); k++) c.p[1]->val.data[k] = 1.0f + fabsf(c.p[1]->val.data[k]);
    if (op == OP_RELU) /* keep the inputs away from the kink */
        for (k = 0; k < 21; k++) c.p[0]->val.data[k] += c.p[0]->val.data[k] > 0 ? 0.1f : -0.1f;
    if (op == OP_LORA) { /* B nonzero so that A gets a gradient too; W frozen */
        aieng_autograd_param_normal(&g, c.lora.a, 0.0f, 0.5f);
        aieng_autograd_param_normal(&g, c.lora.b, 0.0f, 0.5f);
        aieng_autograd_freeze(c.lora.w, 1);
    }
    r = aieng_autograd_gradcheck(&g, op_loss, &c, 1e-2f, 0, &err);
    CHECK(r == AIENG_OK, "gradcheck %s: %s", op_names[op], aieng_last_error());
    CHECK(err < 5e-3, "gradcheck %s: max error %.3g", op_names[op], err);
    if (op == OP_LORA) CHECK(c.lora.w->grad.data[0] == 0.0f, "frozen W got a gradient");
    aieng_autograd_free(&g);
}

/* whole models (a few elements of every parameter) */
typedef struct { aieng_autograd_gpt m; int32_t ids[16], tg[16]; } gptcase;
static aieng_var *gpt_loss(aieng_autograd *g, void *user) {
    gptcase *c = (gptcase *)user;
    return aieng_autograd_gpt_forward(g, &c->m, c->ids, c->tg, 2, 5);
}
static void test_gradcheck_gpt(int llama) {
    static gptcase c;
    aieng_autograd g;
    aieng_autograd_gpt_config cfg = aieng_autograd_gpt_config_default();
    double err = 1;
    int i;
    cfg.vocab = 11; cfg.n_ctx = 8; cfg.n_layer = 1; cfg.n_head = 2; cfg.n_embd = 8; cfg.llama = llama;
    if (llama) { cfg.n_kv_head = 1; cfg.n_ff = 12; }
    aieng_autograd_init(&g, NULL);
    CHECK(aieng_autograd_gpt_declare(&g, &c.m, &cfg) == AIENG_OK, "declare");
    CHECK(aieng_autograd_finalize(&g) == AIENG_OK, "finalize");
    for (i = 0; i < g.n_params; i++) aieng_autograd_param_normal(&g, &g.params[i], 0.0f, 0.5f);
    for (i = 0; i < 10; i++) { c.ids[i] = (i * 7 + 3) % 11; c.tg[i] = (i * 5 + 1) % 11; }
    CHECK(aieng_autograd_gradcheck(&g, gpt_loss, &c, 1e-2f, aieng_test_quick() ? 3 : 12, &err) == AIENG_OK, "gradcheck model: %s", aieng_last_error());
    CHECK(err < 1e-2, "gradcheck %s model: max error %.3g", llama ? "llama" : "gpt2", err);
    aieng_autograd_free(&g);
}

/* ---------------------------------------------------------------- PyTorch agreement */
typedef struct { unsigned char *buf; size_t len; } refile;
/* the record `name`: *count values, type 0 f32 / 1 i32 */
static const void *ref_get(const refile *f, const char *name, uint64_t *count, uint32_t *type) {
    size_t off = 0, nl = strlen(name);
    while (off + 4 <= f->len) {
        uint32_t len, ty, padded;
        uint64_t cnt;
        memcpy(&len, f->buf + off, 4);
        padded = (len + 3) & ~3u;
        if (off + 4 + padded + 12 > f->len) break;
        memcpy(&ty, f->buf + off + 4 + padded, 4);
        memcpy(&cnt, f->buf + off + 8 + padded, 8);
        if (cnt > (f->len - off - 16 - padded) / 4) break;
        if (len == nl && memcmp(f->buf + off + 4, name, nl) == 0) {
            if (count) *count = cnt;
            if (type) *type = ty;
            return f->buf + off + 16 + padded;
        }
        off += 16 + padded + (size_t)cnt * 4;
    }
    return NULL;
}
/* max |got - want| / max |want| */
static double rel_diff(const float *got, const float *want, int64_t n) {
    double worst = 0, norm = 1e-30;
    int64_t i;
    for (i = 0; i < n; i++) if (fabs(want[i]) > norm) norm = fabs(want[i]);
    for (i = 0; i < n; i++) { double d = fabs((double)got[i] - (double)want[i]); if (!(d <= worst)) worst = d; }
    return worst / norm;
}
static int load_ref_params(aieng_autograd *g, const refile *f, const char *prefix) {
    int i, ok = 1;
    for (i = 0; i < g->n_params; i++) {
        char key[96];
        uint64_t cnt = 0;
        const float *p;
        snprintf(key, sizeof key, "%s%s", prefix, g->params[i].name);
        p = (const float *)ref_get(f, key, &cnt, NULL);
        if (!p || cnt != (uint64_t)aieng_tensor_nelements(&g->params[i].val)) { ok = 0; fprintf(stderr, "missing %s\n", key); continue; }
        memcpy(g->params[i].val.data, p, cnt * 4);
    }
    return ok;
}
static void test_pytorch(const char *file, int llama) {
    char *path = aieng_test_data(file);
    refile f;
    const int32_t *cfgv, *ids, *tg;
    uint64_t n = 0;
    aieng_autograd g;
    aieng_autograd_gpt m;
    aieng_autograd_gpt_config cfg;
    aieng_var *loss;
    const float *want;
    double worst_grad = 0;
    int i, B, T;
    if (!path) return;
    f.buf = aieng_test_read_file(path, &f.len);
    free(path);
    if (!f.buf) return;
    cfgv = (const int32_t *)ref_get(&f, "config", &n, NULL);
    ids = (const int32_t *)ref_get(&f, "ids", NULL, NULL);
    tg = (const int32_t *)ref_get(&f, "targets", NULL, NULL);
    CHECK(cfgv && n == 10 && ids && tg, "%s: config, ids, targets", file);
    if (!cfgv || n != 10 || !ids || !tg) { free(f.buf); return; }
    cfg = aieng_autograd_gpt_config_default();
    cfg.vocab = cfgv[0]; cfg.n_ctx = cfgv[1]; cfg.n_layer = cfgv[2]; cfg.n_head = cfgv[3]; cfg.n_kv_head = cfgv[4];
    cfg.n_embd = cfgv[5]; cfg.n_ff = cfgv[6]; cfg.llama = cfgv[7]; B = cfgv[8]; T = cfgv[9];
    CHECK(cfg.llama == llama, "%s: model form", file);
    aieng_autograd_init(&g, NULL);
    CHECK(aieng_autograd_gpt_declare(&g, &m, &cfg) == AIENG_OK, "declare");
    CHECK(aieng_autograd_finalize(&g) == AIENG_OK, "finalize");
    CHECK(load_ref_params(&g, &f, "param:"), "%s: every parameter present", file);
    loss = aieng_autograd_gpt_forward(&g, &m, ids, tg, B, T);
    CHECK(loss != NULL, "forward: %s", aieng_autograd_error(&g));
    if (!loss) { aieng_autograd_free(&g); free(f.buf); return; }
    want = (const float *)ref_get(&f, "loss", NULL, NULL);
    /* tolerance: float32 sums in a different order; 1e-4 of the largest value */
    CHECK(want && fabs(loss->val.data[0] - want[0]) < 1e-4 * fabs(want[0]), "%s: loss %.7f vs torch %.7f", file, loss->val.data[0], want ? want[0] : 0);
    want = (const float *)ref_get(&f, "logits", &n, NULL);
    CHECK(want && n == (uint64_t)aieng_tensor_nelements(&m.logits->val) && rel_diff(m.logits->val.data, want, (int64_t)n) < 1e-4,
          "%s: logits differ by %.3g", file, want ? rel_diff(m.logits->val.data, want, (int64_t)n) : 1.0);
    aieng_autograd_zero_grad(&g);
    CHECK(aieng_autograd_backward(&g, loss, 1.0f) == AIENG_OK, "backward");
    for (i = 0; i < g.n_params; i++) {
        char key[96];
        double d;
        snprintf(key, sizeof key, "grad:%s", g.params[i].name);
        want = (const float *)ref_get(&f, key, &n, NULL);
        if (!want || n != (uint64_t)aieng_tensor_nelements(&g.params[i].val)) { CHECK(0, "%s: %s missing", file, key); continue; }
        d = rel_diff(g.params[i].grad.data, want, (int64_t)n);
        if (d > worst_grad) worst_grad = d;
        CHECK(d < 2e-4, "%s: gradient of %s differs by %.3g", file, g.params[i].name, d);
    }
    printf("pytorch %s: loss %.6f, worst gradient difference %.2g (relative to the largest)\n", file, loss->val.data[0], worst_grad);
    if (ref_get(&f, "adamw:wte", NULL, NULL)) { /* two AdamW steps against torch.optim.AdamW */
        double worst = 0;
        aieng_autograd_adamw(&g, 1e-2f, 0.9f, 0.95f, 1e-8f, 0.1f);
        aieng_autograd_reset(&g);
        aieng_autograd_zero_grad(&g);
        loss = aieng_autograd_gpt_forward(&g, &m, ids, tg, B, T);
        CHECK(aieng_autograd_backward(&g, loss, 1.0f) == AIENG_OK, "backward 2");
        aieng_autograd_adamw(&g, 1e-2f, 0.9f, 0.95f, 1e-8f, 0.1f);
        for (i = 0; i < g.n_params; i++) {
            char key[96];
            snprintf(key, sizeof key, "adamw:%s", g.params[i].name);
            want = (const float *)ref_get(&f, key, &n, NULL);
            if (!want) { CHECK(0, "%s missing", key); continue; }
            if (strstr(key, "c_attn.bias")) { /* the key bias has an exactly zero gradient (softmax ignores a
                                                 shift of all scores), so Adam amplifies rounding noise: skip it */
                int64_t C = (int64_t)n / 3;
                double d1 = rel_diff(g.params[i].val.data, want, C), d2 = rel_diff(g.params[i].val.data + 2 * C, want + 2 * C, C);
                if (d1 > worst) worst = d1;
                if (d2 > worst) worst = d2;
                continue;
            }
            { double d = rel_diff(g.params[i].val.data, want, (int64_t)n); if (d > worst) worst = d; }
        }
        /* a gradient near zero can flip the sign of an Adam update: allow 1e-3 of the largest value */
        CHECK(worst < 1e-3, "%s: parameters after two AdamW steps differ by %.3g", file, worst);
    }
    aieng_autograd_free(&g);
    free(f.buf);
}

/* ---------------------------------------------------------------- optimizers, schedule, clipping */
static void test_optimizers(void) {
    aieng_autograd g;
    aieng_var *p;
    double w = 0.5, v = 0, m = 0, s = 0;
    int t;
    aieng_autograd_init(&g, NULL);
    p = aieng_autograd_param(&g, "p", 1, 1, 1, 1, 1);
    aieng_autograd_finalize(&g);
    p->val.data[0] = 0.5f;
    for (t = 1; t <= 5; t++) { /* SGD with momentum and weight decay on gradient 2p */
        double gr = 2 * w;
        p->grad.data[0] = (float)(2 * p->val.data[0]);
        aieng_autograd_sgd(&g, 0.1f, 0.9f, 0.01f);
        v = 0.9 * v + gr + 0.01 * w;
        w -= 0.1 * v;
    }
    CHECK_NEAR(p->val.data[0], w, 1e-6);
    aieng_autograd_free(&g);

    aieng_autograd_init(&g, NULL);
    p = aieng_autograd_param(&g, "p", 1, 1, 1, 1, 1);
    aieng_autograd_finalize(&g);
    p->val.data[0] = 0.5f;
    w = 0.5;
    for (t = 1; t <= 5; t++) { /* AdamW by the formulas of Loshchilov & Hutter / torch.optim.AdamW */
        double gr = 2 * w;
        p->grad.data[0] = (float)(2 * p->val.data[0]);
        aieng_autograd_adamw(&g, 0.1f, 0.9f, 0.999f, 1e-8f, 0.1f);
        w -= 0.1 * 0.1 * w;
        m = 0.9 * m + 0.1 * gr;
        s = 0.999 * s + 0.001 * gr * gr;
        w -= 0.1 * (m / (1 - pow(0.9, t))) / (sqrt(s / (1 - pow(0.999, t))) + 1e-8);
    }
    CHECK_NEAR(p->val.data[0], w, 1e-5);
    CHECK(g.step == 5, "step count");
    aieng_autograd_free(&g);

    CHECK_NEAR(aieng_autograd_lr_cosine(0, 10, 110, 1.0f, 0.1f), 0.1, 1e-6);
    CHECK_NEAR(aieng_autograd_lr_cosine(9, 10, 110, 1.0f, 0.1f), 1.0, 1e-6);
    CHECK_NEAR(aieng_autograd_lr_cosine(10, 10, 110, 1.0f, 0.1f), 1.0, 1e-6);
    CHECK_NEAR(aieng_autograd_lr_cosine(60, 10, 110, 1.0f, 0.1f), 0.55, 1e-6);
    CHECK_NEAR(aieng_autograd_lr_cosine(110, 10, 110, 1.0f, 0.1f), 0.1, 1e-6);
    CHECK_NEAR(aieng_autograd_lr_cosine(500, 10, 110, 1.0f, 0.1f), 0.1, 1e-6);

    aieng_autograd_init(&g, NULL);
    p = aieng_autograd_param(&g, "p", 1, 2, 1, 1, 1);
    {
        aieng_var *q = aieng_autograd_param(&g, "q", 1, 1, 1, 1, 1);
        float norm;
        aieng_autograd_finalize(&g);
        p->grad.data[0] = 3; p->grad.data[1] = 0; q->grad.data[0] = 4;
        norm = aieng_autograd_clip_grad_norm(&g, 1.0f);
        CHECK_NEAR(norm, 5.0, 1e-6);
        CHECK_NEAR(aieng_autograd_grad_norm(&g), 1.0, 1e-5);
        CHECK_NEAR(p->grad.data[0], 0.6, 1e-5);
        norm = aieng_autograd_clip_grad_norm(&g, 10.0f); /* below the limit: unchanged */
        CHECK_NEAR(q->grad.data[0], 0.8, 1e-5);
    }
    aieng_autograd_free(&g);
}

/* ---------------------------------------------------------------- a training run: accumulation, no allocation, checkpoint */
static void small_gpt(aieng_autograd *g, aieng_autograd_gpt *m, int llama) {
    aieng_autograd_gpt_config cfg = aieng_autograd_gpt_config_default();
    cfg.vocab = 16; cfg.n_ctx = 8; cfg.n_layer = 2; cfg.n_head = 2; cfg.n_embd = 16; cfg.llama = llama;
    aieng_autograd_init(g, NULL);
    aieng_autograd_gpt_declare(g, m, &cfg);
    aieng_autograd_finalize(g);
    aieng_autograd_gpt_init(g, m);
}
static void test_training(void) {
    aieng_autograd g, h;
    aieng_autograd_gpt m, m2;
    int32_t ids[32], tg[32];
    float *full;
    double d = 0;
    int i, step;
    size_t allocs = 0;
    float first = 0, last = 0;
    const char *ck = "build/test_autograd_ckpt.bin";
    for (i = 0; i < 32; i++) { ids[i] = (i * 3) % 16; tg[i] = (i * 3 + 3) % 16; } /* next token: +3 */
    small_gpt(&g, &m, 0);
    /* gradient accumulation: two half batches scaled by 1/2 = the full batch */
    aieng_autograd_reset(&g);
    aieng_autograd_zero_grad(&g);
    aieng_autograd_backward(&g, aieng_autograd_gpt_forward(&g, &m, ids, tg, 4, 8), 1.0f);
    full = (float *)malloc(g.n_floats * sizeof(float));
    memcpy(full, g.block + g.n_floats, g.n_floats * sizeof(float));
    aieng_autograd_zero_grad(&g);
    for (i = 0; i < 2; i++) {
        aieng_autograd_reset(&g);
        aieng_autograd_backward(&g, aieng_autograd_gpt_forward(&g, &m, ids + 16 * i, tg + 16 * i, 2, 8), 0.5f);
    }
    d = rel_diff(g.block + g.n_floats, full, (int64_t)g.n_floats);
    CHECK(d < 1e-5, "accumulated gradients differ from the full batch by %.3g", d);
    free(full);
    /* training: the loss falls; after the first steps the tape allocates nothing */
    for (step = 0; step < 60; step++) {
        aieng_var *loss;
        aieng_autograd_reset(&g);
        if (step == 3) allocs = aieng_autograd_tape_allocs(&g);
        loss = aieng_autograd_gpt_forward(&g, &m, ids, tg, 4, 8);
        aieng_autograd_zero_grad(&g);
        aieng_autograd_backward(&g, loss, 1.0f);
        aieng_autograd_clip_grad_norm(&g, 1.0f);
        aieng_autograd_adamw(&g, aieng_autograd_lr_cosine(step, 5, 60, 3e-2f, 3e-3f), 0.9f, 0.95f, 1e-8f, 0.01f);
        if (step == 0) first = loss->val.data[0];
        last = loss->val.data[0];
    }
    CHECK(aieng_autograd_tape_allocs(&g) == allocs, "tape allocated after step 3 (%zu -> %zu)", allocs, aieng_autograd_tape_allocs(&g));
    CHECK(last < 0.2f * first, "training loss %.4f -> %.4f", first, last);
    /* checkpoint round trip: values, grads, moments, step */
    CHECK(aieng_autograd_save(&g, ck) == AIENG_OK, "save: %s", aieng_last_error());
    small_gpt(&h, &m2, 0);
    CHECK(aieng_autograd_load(&h, ck) == AIENG_OK, "load: %s", aieng_last_error());
    CHECK(h.step == g.step && memcmp(h.block, g.block, 4 * g.n_floats * sizeof(float)) == 0, "checkpoint round trip");
    /* and the next step is identical in both */
    for (i = 0; i < 2; i++) {
        aieng_autograd *x = i ? &h : &g;
        aieng_autograd_reset(x);
        aieng_autograd_zero_grad(x);
        aieng_autograd_backward(x, aieng_autograd_gpt_forward(x, i ? &m2 : &m, ids, tg, 4, 8), 1.0f);
        aieng_autograd_adamw(x, 1e-3f, 0.9f, 0.95f, 1e-8f, 0.01f);
    }
    CHECK(memcmp(h.block, g.block, 4 * g.n_floats * sizeof(float)) == 0, "step after reload");
    aieng_autograd_free(&h);
    { /* wrong model, truncated file, missing file */
        FILE *f;
        char *buf;
        long n;
        small_gpt(&h, &m2, 1);
        CHECK(aieng_autograd_load(&h, ck) == AIENG_ERR_FORMAT, "llama model loads a gpt2 checkpoint");
        aieng_autograd_free(&h);
        small_gpt(&h, &m2, 0);
        f = fopen(ck, "rb"); fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
        buf = (char *)malloc((size_t)n);
        CHECK(fread(buf, 1, (size_t)n, f) == (size_t)n, "read back");
        fclose(f);
        f = fopen(ck, "wb"); fwrite(buf, 1, (size_t)n - 100, f); fclose(f);
        memset(h.block, 0, h.n_floats * sizeof(float));
        CHECK(aieng_autograd_load(&h, ck) == AIENG_ERR_FORMAT, "truncated checkpoint accepted");
        CHECK(h.block[0] == 0.0f && h.step == 0, "a failed load changed the model");
        CHECK(aieng_autograd_load(&h, "build/no/such/file") == AIENG_ERR_IO, "missing file");
        free(buf);
        aieng_autograd_free(&h);
        remove(ck);
    }
    aieng_autograd_free(&g);
}

/* ---------------------------------------------------------------- LoRA: train on a frozen base, merge */
static void test_lora(void) {
    aieng_autograd g;
    aieng_autograd_lora_adapter l;
    aieng_var *w, *x, *y, *loss = NULL, *before, *after;
    float *w0, target[8 * 6], dA[2 * 6], dB[8 * 2], first = 0;
    int i, j, k, step;
    aieng_rng rng;
    aieng_autograd_init(&g, NULL);
    w = aieng_autograd_param(&g, "w", 2, 6, 8, 1, 1); /* 6 in, 8 out */
    CHECK(aieng_autograd_lora(&g, &l, w, 2, 2.0f) == AIENG_OK, "lora");
    CHECK(aieng_autograd_finalize(&g) == AIENG_OK, "finalize");
    aieng_autograd_param_normal(&g, w, 0.0f, 0.5f);
    aieng_autograd_lora_init(&g, &l);
    w0 = (float *)malloc(48 * sizeof(float));
    memcpy(w0, w->val.data, 48 * sizeof(float));
    aieng_rng_seed(&rng, 7, 7);
    for (i = 0; i < 12; i++) dA[i] = aieng_rng_normal(&rng);
    for (i = 0; i < 16; i++) dB[i] = aieng_rng_normal(&rng) * 0.3f;
    for (i = 0; i < 8; i++) /* target weights: W + a rank-2 change */
        for (j = 0; j < 6; j++) {
            float s = 0;
            for (k = 0; k < 2; k++) s += dB[i * 2 + k] * dA[k * 6 + j];
            target[i * 6 + j] = w0[i * 6 + j] + s;
        }
    for (step = 0; step < 400; step++) {
        aieng_autograd_reset(&g);
        x = aieng_autograd_tensor(&g, 2, 6, 16, 1, 1);
        y = aieng_autograd_tensor(&g, 2, 8, 16, 1, 1);
        for (i = 0; i < 96; i++) x->val.data[i] = aieng_rng_normal(&rng);
        for (i = 0; i < 16; i++)
            for (j = 0; j < 8; j++) {
                float s = 0;
                for (k = 0; k < 6; k++) s += target[j * 6 + k] * x->val.data[i * 6 + k];
                y->val.data[i * 8 + j] = s;
            }
        loss = aieng_autograd_mean(&g, aieng_autograd_square(&g, aieng_autograd_sub(&g, aieng_autograd_lora_linear(&g, x, &l, NULL), y)), -1);
        if (step == 0) first = loss->val.data[0];
        aieng_autograd_zero_grad(&g);
        aieng_autograd_backward(&g, loss, 1.0f);
        aieng_autograd_adamw(&g, aieng_autograd_lr_cosine(step, 20, 400, 3e-2f, 1e-3f), 0.9f, 0.999f, 1e-8f, 0.0f);
    }
    CHECK(loss && loss->val.data[0] < 1e-3f * first, "LoRA loss %.5f -> %.6f", first, loss ? loss->val.data[0] : -1);
    CHECK(memcmp(w0, w->val.data, 48 * sizeof(float)) == 0, "the frozen base changed");
    /* merge: the plain linear layer with merged weights computes what W + LoRA did */
    aieng_autograd_reset(&g);
    x = aieng_autograd_tensor(&g, 2, 6, 3, 1, 1);
    for (i = 0; i < 18; i++) x->val.data[i] = aieng_rng_normal(&rng);
    before = aieng_autograd_lora_linear(&g, x, &l, NULL);
    aieng_autograd_lora_merge(&l);
    after = aieng_autograd_linear(&g, x, w, NULL);
    CHECK(rel_diff(after->val.data, before->val.data, 24) < 1e-5, "merged output differs by %.3g", rel_diff(after->val.data, before->val.data, 24));
    CHECK(rel_diff(w->val.data, target, 48) < 2e-2, "merged weights are %.3g away from the target", rel_diff(w->val.data, target, 48));
    after = aieng_autograd_lora_linear(&g, x, &l, NULL); /* B is zero after the merge */
    CHECK(rel_diff(after->val.data, before->val.data, 24) < 1e-5, "LoRA after merge is not the identity");
    free(w0);
    aieng_autograd_free(&g);
}

/* ---------------------------------------------------------------- forward values = aieng_tensor.h's inference ops */
static void test_forward_matches_tensor(void) {
    aieng_autograd g;
    aieng_var *x, *y;
    aieng_tensor ref;
    static float buf[6 * 3 * 5];
    int32_t pos[5] = {4, 0, 9, 2, 100};
    int mode, i;
    aieng_rng rng;
    aieng_rng_seed(&rng, 5, 5);
    aieng_autograd_init(&g, NULL);
    for (mode = 0; mode <= 2; mode += 2) {
        int64_t ne[3] = {6, 3, 5};
        aieng_autograd_reset(&g);
        x = aieng_autograd_tensor(&g, 3, 6, 3, 5, 1);
        for (i = 0; i < 90; i++) x->val.data[i] = aieng_rng_normal(&rng);
        y = aieng_autograd_rope(&g, x, pos, 4, 10000.0f, mode);
        aieng_tensor_make(&ref, buf, 3, ne);
        CHECK(aieng_tensor_rope(&ref, &x->val, pos, 4, 10000.0f, mode) == AIENG_OK, "tensor rope");
        CHECK(y && memcmp(y->val.data, buf, sizeof buf) == 0, "rope mode %d differs from aieng_tensor_rope", mode);
    }
    aieng_autograd_reset(&g);
    x = aieng_autograd_tensor(&g, 2, 37, 4, 1, 1);
    for (i = 0; i < 148; i++) x->val.data[i] = 3.0f * aieng_rng_normal(&rng);
    y = aieng_autograd_gelu(&g, x);
    {
        float want[148];
        for (i = 0; i < 4; i++) aieng_gelu_row(want + 37 * i, x->val.data + 37 * i, 37); /* row by row, as aieng_tensor_gelu */
        CHECK(y && memcmp(y->val.data, want, sizeof want) == 0, "gelu differs from aieng_gelu_row");
    }
    aieng_autograd_free(&g);
}

/* ---------------------------------------------------------------- errors, fixed buffers */
static void test_errors(void) {
    aieng_autograd g;
    aieng_autograd_config cfg = aieng_autograd_config_default();
    static unsigned char buf[1 << 16];
    aieng_var *a, *b, *v;
    int32_t bad_ids[2] = {0, 9};
    int i;
    cfg.tape_buffer = buf;
    cfg.tape_bytes = sizeof buf;
    CHECK(aieng_autograd_init(&g, &cfg) == AIENG_OK, "init on a caller buffer");
    a = aieng_autograd_param(&g, "a", 2, 4, 3, 1, 1);
    CHECK(aieng_autograd_finalize(&g) == AIENG_OK, "finalize");
    CHECK(aieng_autograd_param(&g, "late", 1, 1, 1, 1, 1) == NULL, "param after finalize");
    CHECK(aieng_autograd_finalize(&g) != AIENG_OK, "finalize twice");
    b = aieng_autograd_tensor(&g, 2, 5, 3, 1, 1);
    CHECK(aieng_autograd_add(&g, a, b) == NULL && strstr(aieng_autograd_error(&g), "broadcast"), "add shape: %s", aieng_autograd_error(&g));
    CHECK(aieng_autograd_matmul(&g, a, b) == NULL, "matmul shape");
    CHECK(aieng_autograd_linear(&g, b, a, NULL) == NULL, "linear shape");
    CHECK(aieng_autograd_reshape(&g, a, 2, 5, 2, 1, 1) == NULL, "reshape count");
    CHECK(aieng_autograd_slice(&g, a, 0, 2, 7) == NULL, "slice range");
    CHECK(aieng_autograd_permute(&g, a, 0, 0, 1, 2) == NULL, "permute");
    CHECK(aieng_autograd_embedding(&g, a, bad_ids, 2) == NULL, "embedding id range");
    CHECK(aieng_autograd_cross_entropy(&g, a, bad_ids) == NULL, "target range");
    CHECK(aieng_autograd_attention(&g, a, a, a, 3, 3) == NULL, "attention heads");
    CHECK(aieng_autograd_relu(&g, NULL) == NULL && aieng_autograd_add(&g, NULL, a) == NULL, "NULL propagates");
    CHECK(aieng_autograd_backward(&g, NULL, 1.0f) != AIENG_OK, "backward from NULL");
    CHECK(aieng_autograd_backward(&g, a, 1.0f) == AIENG_ERR_SHAPE, "backward from a non-scalar");
    /* the fixed buffer runs out: an error, not a crash */
    v = a;
    for (i = 0; i < 2000 && v; i++) v = aieng_autograd_relu(&g, v);
    CHECK(v == NULL && strstr(aieng_autograd_error(&g), "exhausted"), "tape exhaustion: %s", aieng_autograd_error(&g));
    CHECK(aieng_autograd_tape_allocs(&g) == 0, "a caller buffer never allocates");
    aieng_autograd_reset(&g);
    CHECK(aieng_autograd_relu(&g, a) != NULL, "usable after reset");
    aieng_autograd_free(&g);
}

int main(void) {
    int op;
    for (op = 0; op < N_OPS; op++) test_gradcheck_op(op);
    test_gradcheck_gpt(0);
    test_gradcheck_gpt(1);
    test_pytorch("autograd/gpt2.bin", 0);
    test_pytorch("autograd/llama.bin", 1);
    test_optimizers();
    test_training();
    test_lora();
    test_forward_matches_tensor();
    test_errors();
    aieng_set_threads(1); /* the same run single-threaded: results agree */
    test_pytorch("autograd/gpt2.bin", 0);
    aieng_threads_shutdown();
    return aieng_test_summary();
}
