/* test_quant.c - aieng_quant.h: block layouts and reference bytes (vectors from
   the Python package gguf and ggml's reference quantizers, tests/ref/quant_ref.py),
   dequantization, the activation quantizers, SIMD dot products against the
   scalar ones and against float references, matmul, int8 rows, NF4, errors. */
#define AIENG_QUANT_IMPLEMENTATION
#include "aieng_quant.h"
#include "aieng_test.h"

static aieng_rng rng;

static const int all_types[] = {AIENG_QUANT_F32,  AIENG_QUANT_F16,  AIENG_QUANT_BF16, AIENG_QUANT_Q4_0, AIENG_QUANT_Q4_1,
                                AIENG_QUANT_Q5_0, AIENG_QUANT_Q5_1, AIENG_QUANT_Q8_0, AIENG_QUANT_Q8_1, AIENG_QUANT_Q2_K,
                                AIENG_QUANT_Q3_K, AIENG_QUANT_Q4_K, AIENG_QUANT_Q5_K, AIENG_QUANT_Q6_K, AIENG_QUANT_Q8_K,
                                AIENG_QUANT_MXFP4, AIENG_QUANT_NF4};
#define N_TYPES ((int)(sizeof all_types / sizeof all_types[0]))
static const int dot_types[] = {AIENG_QUANT_F32,  AIENG_QUANT_F16,  AIENG_QUANT_BF16, AIENG_QUANT_Q4_0,
                                AIENG_QUANT_Q4_1, AIENG_QUANT_Q5_0, AIENG_QUANT_Q5_1, AIENG_QUANT_Q8_0,
                                AIENG_QUANT_Q2_K, AIENG_QUANT_Q3_K, AIENG_QUANT_Q4_K, AIENG_QUANT_Q5_K,
                                AIENG_QUANT_Q6_K, AIENG_QUANT_MXFP4, AIENG_QUANT_NF4};
#define N_DOT ((int)(sizeof dot_types / sizeof dot_types[0]))

static void fill_gauss(float *x, int64_t n, float s) { int64_t i; for (i = 0; i < n; i++) x[i] = s * aieng_rng_normal(&rng); }
static void *xmalloc(size_t n) { void *p = malloc(n ? n : 1); if (!p) { fprintf(stderr, "oom\n"); exit(2); } return p; }
static size_t rbytes(int t, int64_t n) { size_t b = 0; aieng_quant_row_bytes(t, n, &b); return b; }

static void test_table(void) {
    size_t b;
    CHECK(aieng_quant_block_size(AIENG_QUANT_Q4_K) == 256 && aieng_quant_type_size(AIENG_QUANT_Q4_K) == 144, "q4_k");
    CHECK(aieng_quant_type_size(AIENG_QUANT_Q6_K) == 210 && aieng_quant_type_size(AIENG_QUANT_Q8_K) == 292, "k sizes");
    CHECK(aieng_quant_type_size(AIENG_QUANT_Q4_1) == 20 && aieng_quant_type_size(AIENG_QUANT_MXFP4) == 17, "sizes");
    CHECK(aieng_quant_from_name("q4_k") == AIENG_QUANT_Q4_K && aieng_quant_from_name("Q4_K_M") == -1, "from_name");
    CHECK(strcmp(aieng_quant_name(AIENG_QUANT_BF16), "BF16") == 0 && aieng_quant_name(5) == NULL, "name");
    CHECK(aieng_quant_vec_dot_type(AIENG_QUANT_Q4_1) == AIENG_QUANT_Q8_1, "q4_1 pairs with q8_1");
    CHECK(aieng_quant_vec_dot_type(AIENG_QUANT_Q6_K) == AIENG_QUANT_Q8_K, "q6_k pairs with q8_k");
    CHECK(aieng_quant_vec_dot_type(AIENG_QUANT_Q4_0) == AIENG_QUANT_Q8_0, "q4_0 pairs with q8_0");
    CHECK(aieng_quant_row_bytes(AIENG_QUANT_Q4_0, 4096, &b) == AIENG_OK && b == 128 * 18, "row bytes");
    CHECK(aieng_quant_row_bytes(AIENG_QUANT_Q4_K, 576, &b) == AIENG_ERR_INVALID_ARG, "576 not a multiple of 256");
    CHECK(strstr(aieng_last_error(), "576") && strstr(aieng_last_error(), "256"), "message: %s", aieng_last_error());
    CHECK(aieng_quant_row_bytes(77, 32, &b) == AIENG_ERR_UNSUPPORTED, "unknown type");
    CHECK(aieng_quant_row_bytes(AIENG_QUANT_Q8_0, -32, &b) != AIENG_OK, "negative");
}

/* Errors the caller sees instead of out-of-bounds access. */
static void test_errors(void) {
    float x[64] = {0}, y[4];
    unsigned char q[64];
    CHECK(aieng_quant_quantize_row(AIENG_QUANT_Q8_0, x, q, 33) == AIENG_ERR_INVALID_ARG, "odd row");
    CHECK(aieng_quant_dequantize_row(AIENG_QUANT_Q6_K, q, x, 64) == AIENG_ERR_INVALID_ARG, "short k row");
    CHECK(aieng_quant_quantize_act(AIENG_QUANT_Q8_K, x, q, 32) == AIENG_ERR_INVALID_ARG, "act row");
    CHECK(aieng_quant_matmul(AIENG_QUANT_Q4_K, q, 1, 64, x, 1, y) == AIENG_ERR_INVALID_ARG, "matmul K");
    CHECK(aieng_quant_matmul(AIENG_QUANT_Q8_K, q, 1, 256, x, 1, y) == AIENG_ERR_UNSUPPORTED, "q8_k weights");
    CHECK(aieng_quant_matmul(1234, q, 1, 256, x, 1, y) == AIENG_ERR_UNSUPPORTED, "unknown weights");
    CHECK(aieng_quant_matmul_ex(AIENG_QUANT_Q8_0, q, 1, 32, x, 32, 1, y, 1, q, 8) == AIENG_ERR_INVALID_ARG, "small work");
    CHECK(aieng_quant_quantize(AIENG_QUANT_Q8_0, x, q, -1, 32) == AIENG_ERR_INVALID_ARG, "negative rows");
}

/* quantize -> dequantize keeps values within the format's step */
static void test_roundtrip(void) {
    const int64_t n = 512;
    float *x = (float *)xmalloc(n * 4), *y = (float *)xmalloc(n * 4);
    unsigned char *q = (unsigned char *)xmalloc(rbytes(AIENG_QUANT_F32, n));
    int t;
    fill_gauss(x, n, 1.0f);
    for (t = 0; t < N_TYPES; t++) {
        const int ty = all_types[t];
        double se = 0, ss = 0, rel;
        int64_t i;
        CHECK(aieng_quant_quantize_row(ty, x, q, n) == AIENG_OK, "%s", aieng_quant_name(ty));
        CHECK(aieng_quant_dequantize_row(ty, q, y, n) == AIENG_OK, "%s", aieng_quant_name(ty));
        for (i = 0; i < n; i++) { se += (double)(x[i] - y[i]) * (x[i] - y[i]); ss += (double)x[i] * x[i]; }
        rel = sqrt(se / ss);
        CHECK(rel < (ty == AIENG_QUANT_Q2_K ? 0.5 : ty == AIENG_QUANT_Q3_K ? 0.25 : 0.2), "%s rel rmse %g", aieng_quant_name(ty), rel);
    }
    /* all-zero and constant rows give zeros / the constant, never NaN */
    for (t = 0; t < N_TYPES; t++) {
        const int ty = all_types[t];
        int64_t i; int bad = 0;
        for (i = 0; i < n; i++) x[i] = 0.0f;
        aieng_quant_quantize_row(ty, x, q, n);
        aieng_quant_dequantize_row(ty, q, y, n);
        for (i = 0; i < n; i++) bad |= y[i] != 0.0f;
        CHECK(!bad, "%s zeros", aieng_quant_name(ty));
    }
    free(x); free(y); free(q);
}

/* vec_dot against the double dot of the dequantized operands, and the SIMD
   kernels against the scalar ones (identical integer block sums). */
static double dot_ref(int wt, const unsigned char *w, const unsigned char *a, int64_t n, float *tw, float *ta) {
    const int at = aieng_quant_vec_dot_type(wt);
    double s = 0;
    int64_t i;
    aieng_quant_dequantize_row(wt, w, tw, n);
    aieng_quant_dequantize_row(at, a, ta, n);
    for (i = 0; i < n; i++) s += (double)tw[i] * ta[i];
    return s;
}
static float dot_scalar(int wt, const unsigned char *w, const unsigned char *a, int64_t n) {
    switch (wt) {
    case AIENG_QUANT_F32: { const float *p = (const float *)w, *r = (const float *)a; float s = 0; int64_t i; for (i = 0; i < n; i++) s += p[i] * r[i]; return s; }
    case AIENG_QUANT_F16: return aieng__dot_f16_s(w, a, n);
    case AIENG_QUANT_BF16: return aieng__dot_bf16_s(w, a, n);
    case AIENG_QUANT_Q4_0: return aieng__dot_q4_0_s(w, a, n / 32);
    case AIENG_QUANT_Q4_1: return aieng__dot_q4_1_s(w, a, n / 32);
    case AIENG_QUANT_Q5_0: return aieng__dot_q5_0_s(w, a, n / 32);
    case AIENG_QUANT_Q5_1: return aieng__dot_q5_1_s(w, a, n / 32);
    case AIENG_QUANT_Q8_0: return aieng__dot_q8_0_s(w, a, n / 32);
    case AIENG_QUANT_MXFP4: return aieng__dot_mxfp4_s(w, a, n / 32);
    case AIENG_QUANT_Q2_K: return aieng__dot_q2_k_s(w, a, n / 256);
    case AIENG_QUANT_Q3_K: return aieng__dot_q3_k_s(w, a, n / 256);
    case AIENG_QUANT_Q4_K: return aieng__dot_q45_k_s(w, a, n / 256, 0);
    case AIENG_QUANT_Q5_K: return aieng__dot_q45_k_s(w, a, n / 256, 1);
    case AIENG_QUANT_Q6_K: return aieng__dot_q6_k_s(w, a, n / 256);
    case AIENG_QUANT_NF4: return aieng__dot_nf4_s(w, (const float *)a, n / 64);
    }
    return 0;
}
static void test_dots(void) {
    const int64_t sizes[] = {256, 512, 4096, 1536};
    int si, t, rep;
    for (si = 0; si < 4; si++) {
        const int64_t n = sizes[si];
        float *x = (float *)xmalloc(n * 4), *a = (float *)xmalloc(n * 4), *tw = (float *)xmalloc(n * 4), *ta = (float *)xmalloc(n * 4);
        unsigned char *w = (unsigned char *)xmalloc(n * 4 + 64), *qa = (unsigned char *)xmalloc(n * 4 + 64);
        for (t = 0; t < N_DOT; t++) {
            const int wt = dot_types[t], at = aieng_quant_vec_dot_type(wt);
            for (rep = 0; rep < 3; rep++) {
                double want, norm = 0;
                float got, sc;
                int64_t i;
                fill_gauss(x, n, rep == 2 ? 1e-3f : 1.0f);
                fill_gauss(a, n, rep == 1 ? 30.0f : 1.0f);
                if (rep == 1) for (i = 0; i < n; i += 7) x[i] += 0.5f; /* offsets exercise the mins */
                aieng_quant_quantize_row(wt, x, w, n);
                CHECK(aieng_quant_quantize_act(at, a, qa, n) == AIENG_OK, "act %d", at);
                want = dot_ref(wt, w, qa, n, tw, ta);
                for (i = 0; i < n; i++) norm += fabs((double)tw[i] * ta[i]);
                got = aieng_quant_vec_dot(wt, w, qa, n);
                sc = dot_scalar(wt, w, qa, n);
                /* Q4_1/Q5_1 use s = f16(d·Σq) for the min term: a little slack */
                CHECK(fabs(got - want) <= 2e-3 * norm + 1e-30, "%s n=%lld rep %d: got %.9g want %.9g (norm %g)",
                      aieng_quant_name(wt), (long long)n, rep, got, want, norm);
                CHECK(fabs(got - sc) <= 1e-5 * norm + 1e-30, "%s simd %.9g vs scalar %.9g", aieng_quant_name(wt), got, sc);
            }
        }
        free(x); free(a); free(tw); free(ta); free(w); free(qa);
    }
}

/* matmul == row-by-row vec_dot, for M = 1 and M > 1, threaded or not */
static void test_matmul(void) {
    /* M >= 4 runs the 4x4 tiles (Q4_0, Q4_1, Q8_0 with AVX-512 VNNI) and
       their row and column tails */
    const int64_t Ns[] = {1, 37, 64}, K = 512, Ms[] = {1, 3, 9, 4, 13};
    int t, ni, mi, th;
    float *W = (float *)xmalloc(64 * K * 4), *x = (float *)xmalloc(13 * (K + 3) * 4), *y = (float *)xmalloc(13 * 70 * 4);
    unsigned char *q = (unsigned char *)xmalloc(64 * K * 4), *qa = (unsigned char *)xmalloc(K * 4);
    fill_gauss(W, 64 * K, 0.1f);
    fill_gauss(x, 13 * (K + 3), 1.0f);
    for (t = 0; t < N_DOT; t++) {
        const int wt = dot_types[t], at = aieng_quant_vec_dot_type(wt);
        const size_t rb = rbytes(wt, K);
        aieng_quant_quantize(wt, W, q, 64, K);
        for (th = 1; th <= 2; th++) {
            aieng_set_threads(th);
            for (ni = 0; ni < 3; ni++)
                for (mi = 0; mi < 5; mi++) {
                    const int64_t N = Ns[ni], M = Ms[mi];
                    int64_t m, n; int bad = 0;
                    aieng_result r = aieng_quant_matmul_ex(wt, q, N, K, x, K + 3, M, y, 70, NULL, 0);
                    CHECK(r == AIENG_OK, "%s: %s", aieng_quant_name(wt), aieng_last_error());
                    for (m = 0; m < M; m++) {
                        aieng_quant_quantize_act(at, x + m * (K + 3), qa, K);
                        for (n = 0; n < N; n++) {
                            const float want = aieng_quant_vec_dot(wt, q + n * rb, at == AIENG_QUANT_F32 ? (const void *)(x + m * (K + 3)) : (const void *)qa, K);
                            if (wt == AIENG_QUANT_F32 ? !(fabsf(y[m * 70 + n] - want) <= 1e-4f * (fabsf(want) + 1.0f)) : memcmp(&y[m * 70 + n], &want, 4) != 0) bad++; /* bit-identical except F32 (sgemm) */
                        }
                    }
                    CHECK(!bad, "%s N=%lld M=%lld threads %d: %d mismatches", aieng_quant_name(wt), (long long)N, (long long)M, th, bad);
                }
        }
    }
    aieng_set_threads(0);
    free(W); free(x); free(y); free(q); free(qa);
}

/* matmul_multi == one matmul_ex per matrix, bit for bit (same type: one hand-off; mixed: fallback) */
static void test_matmul_multi(void) {
    const int64_t K = 256, Ms[] = {1, 5, 12};
    const int types[] = {AIENG_QUANT_Q4_1, AIENG_QUANT_Q8_0, AIENG_QUANT_Q4_K, AIENG_QUANT_F16};
    float *W = (float *)xmalloc(100 * K * 4), *x = (float *)xmalloc(12 * K * 4);
    float *y = (float *)xmalloc(3 * 12 * 100 * 4), *z = (float *)xmalloc(3 * 12 * 100 * 4);
    unsigned char *q = (unsigned char *)xmalloc(100 * K * 4), *q2 = (unsigned char *)xmalloc(100 * K * 4);
    int t, mi, th, i;
    fill_gauss(W, 100 * K, 0.1f);
    fill_gauss(x, 12 * K, 1.0f);
    aieng_quant_quantize(AIENG_QUANT_Q4_0, W, q2, 100, K);
    for (t = 0; t < 4; t++) {
        const size_t rb = rbytes(types[t], K);
        aieng_quant_quantize(types[t], W, q, 100, K);
        for (th = 1; th <= 2; th++) {
            aieng_set_threads(th);
            for (mi = 0; mi < 3; mi++) {
                const int64_t M = Ms[mi], Ns[3] = {37, 1, 60};
                aieng_quant_mat mats[3];
                int bad = 0, mixed;
                for (mixed = 0; mixed < 2; mixed++) {
                    int64_t off = 0;
                    for (i = 0; i < 3; i++) {
                        mats[i].type = mixed && i == 1 ? AIENG_QUANT_Q4_0 : types[t];
                        mats[i].W = (mixed && i == 1 ? q2 : q) + (size_t)off * (mixed && i == 1 ? rbytes(AIENG_QUANT_Q4_0, K) : rb);
                        mats[i].N = Ns[i];
                        mats[i].y = y + i * 12 * 100;
                        mats[i].ldy = 100;
                        off += Ns[i];
                    }
                    CHECK(aieng_quant_matmul_multi(mats, 3, K, x, K, M, NULL, 0) == AIENG_OK, "multi: %s", aieng_last_error());
                    for (i = 0; i < 3; i++) {
                        int64_t e;
                        aieng_quant_matmul_ex(mats[i].type, mats[i].W, mats[i].N, K, x, K, M, z + i * 12 * 100, 100, NULL, 0);
                        for (e = 0; e < M; e++)
                            if (memcmp(y + i * 12 * 100 + e * 100, z + i * 12 * 100 + e * 100, (size_t)mats[i].N * 4)) bad++;
                    }
                    CHECK(!bad, "multi %s M=%lld threads %d mixed %d: %d rows differ", aieng_quant_name(types[t]), (long long)M, th, mixed, bad);
                }
            }
        }
    }
    aieng_set_threads(0);
    CHECK(aieng_quant_matmul_multi(NULL, 0, K, x, K, 1, NULL, 0) == AIENG_OK, "multi: no matrices");
    free(W); free(x); free(y); free(z); free(q); free(q2);
}

static void test_i8(void) {
    const int64_t n = 777;
    float x[777], z[777];
    int8_t a[777], b[777];
    int64_t i, d = 0, l = 0;
    float s;
    fill_gauss(x, n, 2.0f);
    fill_gauss(z, n, 2.0f);
    s = aieng_quant_i8_row(a, x, n);
    aieng_quant_i8_row(b, z, n);
    for (i = 0; i < n; i++) {
        CHECK(fabsf(a[i] * s - x[i]) <= 0.5f * s * 1.0001f, "i8 %lld", (long long)i);
        d += a[i] * b[i];
        l += (a[i] - b[i]) * (a[i] - b[i]);
    }
    CHECK(aieng_quant_i8_dot(a, b, n) == d, "i8 dot");
    CHECK(aieng_quant_i8_l2sq(a, b, n) == l, "i8 l2sq");
    for (i = 0; i < n; i++) { a[i] = -127; b[i] = -127; }
    CHECK(aieng_quant_i8_dot(a, b, n) == 16129 * n, "i8 dot extreme");
    for (i = 0; i < n; i++) b[i] = 127;
    CHECK(aieng_quant_i8_l2sq(a, b, n) == 254 * 254 * n, "i8 l2sq extreme");
    CHECK(aieng_quant_i8_row(a, x, 0) == 0.0f, "empty");
}

/* ---- reference vectors (tests/ref/quant_ref.py) */
typedef struct { int type; uint32_t nrows, n, rb; const unsigned char *q; const float *deq; unsigned char *buf; } refset;
static uint32_t rd32(const unsigned char *p) { return (uint32_t)p[0] | (uint32_t)p[1] << 8 | (uint32_t)p[2] << 16 | (uint32_t)p[3] << 24; }
static int load_ref(const char *name, refset *r) {
    char rel[64];
    char *path;
    size_t len = 0;
    snprintf(rel, sizeof rel, "quant/%s.bin", name);
    memset(r, 0, sizeof *r);
    if (!(path = aieng_test_data(rel))) return 0;
    r->buf = aieng_test_read_file(path, &len);
    free(path);
    if (!r->buf) return 0;
    if (len < 20 || memcmp(r->buf, "AQR1", 4) != 0) { CHECK(0, "%s: bad header", rel); free(r->buf); r->buf = NULL; return 0; }
    r->type = (int)rd32(r->buf + 4); r->nrows = rd32(r->buf + 8); r->n = rd32(r->buf + 12); r->rb = rd32(r->buf + 16);
    if (len != 20 + (size_t)r->nrows * r->rb + (size_t)r->nrows * r->n * 4) { CHECK(0, "%s: size %zu", rel, len); free(r->buf); r->buf = NULL; return 0; }
    r->q = r->buf + 20;
    r->deq = (const float *)(const void *)(r->buf + 20 + (size_t)r->nrows * r->rb);
    return 1;
}
static void test_reference(void) {
    static const char *names[] = {"F16", "BF16", "Q4_0", "Q4_1", "Q5_0", "Q5_1", "Q8_0", "MXFP4", "Q8_1",
                                  "Q2_K", "Q3_K", "Q4_K", "Q5_K", "Q6_K", "Q8_K", "ACT_Q8_0", "ACT_Q8_1"};
    char *path = aieng_test_data("quant/inputs.bin");
    unsigned char *inb = NULL, *q = NULL;
    float *y = NULL;
    const float *x;
    uint32_t nrows, n, r, i;
    size_t len = 0;
    int k;
    if (!path) return;
    inb = aieng_test_read_file(path, &len);
    free(path);
    if (!inb || len < 12 || memcmp(inb, "AQRI", 4) != 0) { CHECK(0, "inputs.bin"); free(inb); return; }
    nrows = rd32(inb + 4); n = rd32(inb + 8);
    x = (const float *)(const void *)(inb + 12);
    q = (unsigned char *)xmalloc((size_t)n * 4);
    y = (float *)xmalloc((size_t)n * 4);
    for (k = 0; k < (int)(sizeof names / sizeof names[0]); k++) {
        refset rs;
        const int act = !strncmp(names[k], "ACT_", 4);
        if (!load_ref(names[k], &rs)) continue;
        CHECK(rs.nrows == nrows && rs.n == n && rs.rb == rbytes(rs.type, n), "%s: shape", names[k]);
        if (!(rs.nrows == nrows && rs.n == n && rs.rb == rbytes(rs.type, n))) { free(rs.buf); continue; }
        for (r = 0; r < nrows; r++) {
            const unsigned char *want = rs.q + (size_t)r * rs.rb;
            const float *wdeq = rs.deq + (size_t)r * n;
            int bad = 0, first = -1, dbad = 0, dfirst = -1;
            if (act) aieng_quant_quantize_act(rs.type, x + (size_t)r * n, q, n);
            else aieng_quant_quantize_row(rs.type, x + (size_t)r * n, q, n);
            for (i = 0; i < rs.rb; i++) if (q[i] != want[i]) { bad++; if (first < 0) first = (int)i; }
            CHECK(bad == 0, "%s row %u: %d of %u bytes differ from the reference, first at byte %d (got %02x want %02x)",
                  names[k], r, bad, rs.rb, first, first >= 0 ? q[first] : 0, first >= 0 ? want[first] : 0);
            if (rs.type == AIENG_QUANT_Q8_K) { /* the activation path (SIMD) must give the same bytes */
                aieng_quant_quantize_act(rs.type, x + (size_t)r * n, q, n);
                CHECK(memcmp(q, want, rs.rb) == 0, "Q8_K activation row %u differs from the reference", r);
            }
            aieng_quant_dequantize_row(rs.type, want, y, n);
            for (i = 0; i < n; i++) if (memcmp(&y[i], &wdeq[i], 4) != 0) { dbad++; if (dfirst < 0) dfirst = (int)i; }
            CHECK(dbad == 0, "%s row %u: dequantized %d values differ, first %d: %.9g vs %.9g", names[k], r, dbad, dfirst,
                  dfirst >= 0 ? y[dfirst] : 0.0, dfirst >= 0 ? wdeq[dfirst] : 0.0);
        }
        free(rs.buf);
    }
    /* our dot products against ggml-cpu's on the same bytes */
    path = aieng_test_data("quant/dots.bin");
    if (path) {
        unsigned char *db = aieng_test_read_file(path, &len);
        free(path);
        if (db && len >= 8 && memcmp(db, "AQRD", 4) == 0 && len == 8 + (size_t)rd32(db + 4) * 16) {
            const uint32_t cnt = rd32(db + 4);
            refset acts[3];
            int have = load_ref("ACT_Q8_0", &acts[0]) + load_ref("ACT_Q8_1", &acts[1]) + load_ref("Q8_K", &acts[2]);
            int last = -1, ndone = 0;
            refset w;
            memset(&w, 0, sizeof w);
            for (i = 0; have == 3 && i < cnt; i++) {
                const unsigned char *rec = db + 8 + 16 * (size_t)i;
                const int wt = (int)rd32(rec), at = aieng_quant_vec_dot_type(wt);
                const uint32_t wr = rd32(rec + 4), ar = rd32(rec + 8);
                float want, got, *tw, *ta;
                const refset *A = at == AIENG_QUANT_Q8_0 ? &acts[0] : at == AIENG_QUANT_Q8_1 ? &acts[1] : &acts[2];
                double norm = 0;
                uint32_t j;
                memcpy(&want, rec + 12, 4);
                if (wt != last) { free(w.buf); if (!load_ref(aieng_quant_name(wt), &w)) break; last = wt; }
                if (wr >= w.nrows || ar >= A->nrows) { CHECK(0, "dots.bin record %u", i); break; }
                tw = y; ta = (float *)(void *)q;
                aieng_quant_dequantize_row(wt, w.q + (size_t)wr * w.rb, tw, n);
                aieng_quant_dequantize_row(at, A->q + (size_t)ar * A->rb, ta, n);
                for (j = 0; j < n; j++) norm += fabs((double)tw[j] * ta[j]);
                got = aieng_quant_vec_dot(wt, w.q + (size_t)wr * w.rb, A->q + (size_t)ar * A->rb, n);
                CHECK(fabs((double)got - want) <= 1e-5 * norm + 1e-30, "%s row %u x act %u: aieng %.9g ggml %.9g",
                      aieng_quant_name(wt), wr, ar, got, want);
                ndone++;
            }
            CHECK(ndone == (int)cnt, "dots.bin: %d of %u records checked", ndone, cnt);
            free(w.buf);
            for (k = 0; k < 3; k++) free(acts[k].buf);
        } else CHECK(0, "dots.bin: bad file");
        free(db);
    }
    free(inb); free(q); free(y);
}

/* ---- error table: RMSE and max |error| per type on Gaussian and heavy-tailed
   (Student-t, 3 degrees of freedom) data; printed as markdown when
   AIENG_QUANT_TABLE is set (bench/quant.sh copies it into bench/RESULTS.md). */
static float student_t3(void) {
    float g = aieng_rng_normal(&rng), c = 0;
    int k;
    for (k = 0; k < 3; k++) { float z = aieng_rng_normal(&rng); c += z * z; }
    return g / sqrtf(c / 3.0f);
}
static void test_error_table(void) {
    static const int types[] = {AIENG_QUANT_F16, AIENG_QUANT_BF16, AIENG_QUANT_Q8_0, AIENG_QUANT_Q6_K, AIENG_QUANT_Q5_K,
                                AIENG_QUANT_Q5_1, AIENG_QUANT_Q5_0, AIENG_QUANT_Q4_K, AIENG_QUANT_Q4_1, AIENG_QUANT_Q4_0,
                                AIENG_QUANT_NF4, AIENG_QUANT_MXFP4, AIENG_QUANT_Q3_K, AIENG_QUANT_Q2_K};
    const int64_t n = aieng_test_quick() ? 256 * 32 : 256 * 1024;
    const int print = getenv("AIENG_QUANT_TABLE") != NULL;
    float *x[2], *y = (float *)xmalloc((size_t)n * 4);
    unsigned char *q = (unsigned char *)xmalloc((size_t)n * 4);
    double prev_rmse = 0;
    int t, d;
    int64_t i;
    x[0] = (float *)xmalloc((size_t)n * 4); x[1] = (float *)xmalloc((size_t)n * 4);
    for (i = 0; i < n; i++) { x[0][i] = aieng_rng_normal(&rng); x[1][i] = student_t3(); }
    if (print) {
        printf("| type | bits/value | Gaussian RMSE | Gaussian max err | Student-t(3) RMSE | Student-t(3) max err |\n");
        printf("|---|---|---|---|---|---|\n");
    }
    for (t = 0; t < (int)(sizeof types / sizeof types[0]); t++) {
        double rmse[2], mx[2];
        for (d = 0; d < 2; d++) {
            double se = 0, m = 0;
            aieng_quant_quantize(types[t], x[d], q, n / 256, 256);
            for (i = 0; i < n; i += 256) aieng_quant_dequantize_row(types[t], q + rbytes(types[t], 256) * (size_t)(i / 256), y + i, 256);
            for (i = 0; i < n; i++) { const double e = fabs((double)x[d][i] - y[i]); se += e * e; if (e > m) m = e; }
            rmse[d] = sqrt(se / (double)n); mx[d] = m;
            CHECK(rmse[d] < 1.0 && m == m, "%s: rmse %g", aieng_quant_name(types[t]), rmse[d]);
        }
        /* Gaussian RMSE grows down the list from F16 to Q4_0 (more bits, less error) */
        if (t > 0 && t < 10) CHECK(rmse[0] >= prev_rmse * 0.9, "%s rmse %g after %g", aieng_quant_name(types[t]), rmse[0], prev_rmse);
        prev_rmse = rmse[0];
        if (print)
            printf("| %s | %.4g | %.5f | %.4f | %.5f | %.4f |\n", aieng_quant_name(types[t]),
                   8.0 * (double)aieng_quant_type_size(types[t]) / (double)aieng_quant_block_size(types[t]), rmse[0], mx[0], rmse[1], mx[1]);
    }
    free(x[0]); free(x[1]); free(y); free(q);
}

/* activation quantizers (SIMD) against the scalar reference code on edge cases:
   ±amax ties (the first one's sign wins), zero blocks, exact halves, NaN */
static void test_act_edges(void) {
    const int64_t n = 1024;
    float *x = (float *)xmalloc(n * 4);
    unsigned char *a = (unsigned char *)xmalloc(n * 2), *b = (unsigned char *)xmalloc(n * 2);
    int rep;
    for (rep = 0; rep < 6; rep++) {
        int64_t i;
        fill_gauss(x, n, 1.0f);
        if (rep == 1) { x[3] = -4.0f; x[100] = 4.0f; x[300] = 4.0f; x[301] = -4.0f; }
        if (rep == 2) for (i = 256; i < 512; i++) x[i] = 0.0f;
        if (rep == 3) for (i = 0; i < n; i++) x[i] = (float)((int)(x[i] * 8)) * 0.5f;
        if (rep == 4) { x[5] = NAN; x[300] = INFINITY; x[700] = -INFINITY; }
        if (rep == 5) for (i = 0; i < n; i++) x[i] = (i % 7 == 0) ? 127.0f : (float)(i % 255) - 127.0f;
        aieng_quant_quantize_act(AIENG_QUANT_Q8_K, x, a, n);
        aieng__q_q8_k(x, b, n / 256);
        if (rep != 4) CHECK(memcmp(a, b, rbytes(AIENG_QUANT_Q8_K, n)) == 0, "Q8_K act vs scalar, case %d", rep);
        else CHECK(memcmp(a, b, rbytes(AIENG_QUANT_Q8_K, n)) == 0, "Q8_K act vs scalar with a NaN");
        aieng_quant_quantize_act(AIENG_QUANT_Q8_0, x, a, n);
        {
            /* scalar form of the x86 quantizer: d = amax/127, q = rne(x·127/amax) */
            int64_t blk; int bad = 0;
            for (blk = 0; blk < n / 32 && rep != 4; blk++) {
                float amax = 0, id; int j;
                for (j = 0; j < 32; j++) amax = fabsf(x[32 * blk + j]) > amax ? fabsf(x[32 * blk + j]) : amax;
                id = amax != 0.0f ? 127.0f / amax : 0.0f;
                if (aieng_f32_to_f16(amax / 127.0f) != (uint16_t)(a[34 * blk] | a[34 * blk + 1] << 8)) bad++;
                for (j = 0; j < 32; j++) if ((int8_t)a[34 * blk + 2 + j] != (int)nearbyintf(x[32 * blk + j] * id)) bad++;
            }
            CHECK(bad == 0, "Q8_0 act, case %d: %d differences", rep, bad);
        }
    }
    free(x); free(a); free(b);
}

/* arbitrary bytes (NaN/Inf scales, extreme quants) never crash or trip the
   sanitizers, and every SIMD kernel still equals the scalar one where the
   integer sums are the same (activations in -127..127) */
static void test_random_bytes(void) {
    const int64_t n = 512;
    unsigned char *w = (unsigned char *)xmalloc(n * 4), *a = (unsigned char *)xmalloc(n * 4);
    float *y = (float *)xmalloc(n * 4);
    int t, rep;
    int64_t i;
    for (rep = 0; rep < 20; rep++)
        for (t = 0; t < N_DOT; t++) {
            const int wt = dot_types[t], at = aieng_quant_vec_dot_type(wt);
            float got, sc;
            for (i = 0; i < n * 4; i++) { w[i] = (unsigned char)aieng_rng_u32(&rng); a[i] = (unsigned char)aieng_rng_u32(&rng); }
            if (at == AIENG_QUANT_F32 || at == AIENG_QUANT_F16 || at == AIENG_QUANT_BF16) continue;
            CHECK(aieng_quant_dequantize_row(wt, w, y, n) == AIENG_OK, "%s", aieng_quant_name(wt));
            aieng_quant_dequantize_row(at, a, y, n);
            got = aieng_quant_vec_dot(wt, w, a, n);
            (void)got;
            /* make the scales finite and the activations -127..127, then compare */
            {
                float x[512];
                fill_gauss(x, n, 1.0f);
                aieng_quant_quantize_act(at, x, a, n);
            }
            if (wt == AIENG_QUANT_Q8_0) for (i = 0; i < n / 32; i++) { w[34 * i] = 0x00; w[34 * i + 1] = 0x3c; }
            else if (wt == AIENG_QUANT_Q4_0 || wt == AIENG_QUANT_Q5_0) { const int bs = wt == AIENG_QUANT_Q4_0 ? 18 : 22; for (i = 0; i < n / 32; i++) { w[bs * i] = 0; w[bs * i + 1] = 0x3c; } }
            else if (wt == AIENG_QUANT_Q4_1 || wt == AIENG_QUANT_Q5_1) { const int bs = wt == AIENG_QUANT_Q4_1 ? 20 : 24; for (i = 0; i < n / 32; i++) { w[bs * i] = 0; w[bs * i + 1] = 0x3c; w[bs * i + 2] = 0; w[bs * i + 3] = 0x3c; } }
            else if (wt == AIENG_QUANT_MXFP4) for (i = 0; i < n / 32; i++) w[17 * i] = 127;
            else if (wt == AIENG_QUANT_Q2_K) for (i = 0; i < n / 256; i++) { w[84 * i + 80] = 0; w[84 * i + 81] = 0x3c; w[84 * i + 82] = 0; w[84 * i + 83] = 0x3c; }
            else if (wt == AIENG_QUANT_Q3_K) for (i = 0; i < n / 256; i++) { w[110 * i + 108] = 0; w[110 * i + 109] = 0x3c; }
            else if (wt == AIENG_QUANT_Q4_K || wt == AIENG_QUANT_Q5_K) { const int bs = wt == AIENG_QUANT_Q4_K ? 144 : 176; for (i = 0; i < n / 256; i++) { w[bs * i] = 0; w[bs * i + 1] = 0x3c; w[bs * i + 2] = 0; w[bs * i + 3] = 0x3c; } }
            else if (wt == AIENG_QUANT_Q6_K) for (i = 0; i < n / 256; i++) { w[210 * i + 208] = 0; w[210 * i + 209] = 0x3c; }
            if (wt == AIENG_QUANT_Q8_0) for (i = 0; i < n / 32; i++) { int j; for (j = 0; j < 32; j++) if (w[34 * i + 2 + j] == 0x80) w[34 * i + 2 + j] = 0x81; }
            got = aieng_quant_vec_dot(wt, w, a, n);
            sc = dot_scalar(wt, w, a, n);
            CHECK(fabsf(got - sc) <= 1e-4f * (fabsf(sc) + 1.0f), "%s random bytes: simd %.9g scalar %.9g", aieng_quant_name(wt), got, sc);
        }
    free(w); free(a); free(y);
}

/* NF4: QLoRA's codebook, the layout (byte j = value j low nibble, j+32 high),
   exact round trips of codebook values scaled by a power of two */
static void test_nf4(void) {
    static const float cb[16] = {-1.0f, -0.6961928009986877f, -0.5250730514526367f, -0.39491748809814453f,
                                 -0.28444138169288635f, -0.18477343022823334f, -0.09105003625154495f, 0.0f,
                                 0.07958029955625534f, 0.16093020141124725f, 0.24611230194568634f, 0.33791524171829224f,
                                 0.44070982933044434f, 0.5626170039176941f, 0.7229568362236023f, 1.0f};
    float x[64], y[64];
    unsigned char q[34];
    int j, bad = 0;
    for (j = 0; j < 64; j++) x[j] = 2.0f * cb[(j * 7) % 16];
    x[3] = 2.0f; /* absmax 2 */
    CHECK(aieng_quant_quantize_row(AIENG_QUANT_NF4, x, q, 64) == AIENG_OK, "nf4");
    CHECK(q[0] == 0x00 && q[1] == 0x40, "nf4 scale f16(2) = 0x4000: %02x %02x", q[0], q[1]);
    for (j = 0; j < 32; j++) {
        const int lo = j == 3 ? 15 : (j * 7) % 16, hi = ((j + 32) * 7) % 16;
        if (q[2 + j] != (unsigned char)(lo | (hi << 4))) bad++;
    }
    CHECK(bad == 0, "nf4 nibbles: %d bytes differ", bad);
    aieng_quant_dequantize_row(AIENG_QUANT_NF4, q, y, 64);
    for (j = 0, bad = 0; j < 64; j++) if (y[j] != x[j]) bad++;
    CHECK(bad == 0, "nf4 exact round trip: %d values differ", bad);
    /* midpoint rule: just above the midpoint of entries 7 and 8 goes up */
    for (j = 0; j < 64; j++) x[j] = 0.0f;
    x[0] = 1.0f; x[1] = 0.5f * (cb[7] + cb[8]) + 1e-4f; x[2] = 0.5f * (cb[7] + cb[8]) - 1e-4f;
    aieng_quant_quantize_row(AIENG_QUANT_NF4, x, q, 64);
    CHECK((q[3] & 15) == 8 && (q[4] & 15) == 7, "nf4 midpoints: %d %d", q[3] & 15, q[4] & 15);
}

int main(void) {
    aieng_rng_seed(&rng, 42, 7);
    test_table();
    test_reference();
    test_errors();
    test_roundtrip();
    test_act_edges();
    test_random_bytes();
    test_dots();
    test_matmul();
    test_matmul_multi();
    test_i8();
    test_nf4();
    test_error_table();
    return aieng_test_summary();
}
