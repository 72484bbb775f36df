/* aieng-hnsw - build, search and benchmark an HNSW index (aieng_hnsw.h).

     aieng-hnsw build --metric l2|ip|cos -M 16 --ef-construction 200 [--threads N] [--int8]
                      base.(fvecs|npy) index.hnsw
     aieng-hnsw search index.hnsw queries.(fvecs|npy) -k 10 --ef 64 [--threads N]
                      [--gt gt.ivecs] [--out results.ivecs]
         prints "qps: Q" (the search loop only, index load excluded) and,
         with --gt, "recall: R" (mean recall@k as a fraction)
     aieng-hnsw gt --metric l2|ip|cos base queries -k 10 --out gt.ivecs [--threads N]
         exact top-k by brute force (the ground truth)
     aieng-hnsw filter-bench index.hnsw queries [-k 10] [--ef 64] [--nq 1000] [--sels 0.5,0.1,0.01,0.001]
         filtered search: a label predicate keeping a fraction S of the labels (a hash
         of the label), recall against the exact filtered top-k; one line per S
     aieng-hnsw bench index.hnsw queries --gt gt.ivecs [-k 10] [--efs 10,20,40,80,160,320]
                      [--runs 3] [--svg plot.svg]
         one line per ef: "ef E recall R qps Q" (median of the runs), and an SVG plot

   Vectors: .fvecs (int32 dim, then dim float32, per row) or .npy (2-D,
   float32/float64/uint8, C order). Ground truth and results: .ivecs. */
#define _POSIX_C_SOURCE 200809L
#define AIENG_IMPLEMENTATION
#include "aieng_hnsw.h"
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static double now(void) {
    struct timespec t;
    clock_gettime(CLOCK_MONOTONIC, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static double cpu_now(void) { /* CPU seconds of this process: steady when the machine is shared */
    struct timespec t;
    clock_gettime(CLOCK_PROCESS_CPUTIME_ID, &t);
    return (double)t.tv_sec + 1e-9 * (double)t.tv_nsec;
}
static void die(const char *fmt, const char *arg) {
    fprintf(stderr, "aieng-hnsw: ");
    fprintf(stderr, fmt, arg);
    fputc('\n', stderr);
    exit(1);
}
static int ends_with(const char *s, const char *suf) {
    size_t a = strlen(s), b = strlen(suf);
    return a >= b && strcmp(s + a - b, suf) == 0;
}
static unsigned char *read_all(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *b;
    long n;
    if (!f) die("cannot open %s", path);
    if (fseek(f, 0, SEEK_END) != 0 || (n = ftell(f)) < 0 || fseek(f, 0, SEEK_SET) != 0) die("cannot size %s", path);
    b = (unsigned char *)malloc((size_t)n + 1);
    if (!b || fread(b, 1, (size_t)n, f) != (size_t)n) die("cannot read %s", path);
    fclose(f);
    *len = (size_t)n;
    return b;
}

/* .fvecs / .ivecs rows of int32 dim + dim 4-byte values; returns n × dim values (4 bytes each) */
static void *read_vecs(const char *path, int64_t *n, int64_t *dim) {
    size_t len, off = 0;
    unsigned char *b = read_all(path, &len);
    int32_t d;
    int64_t rows, i;
    unsigned char *out;
    if (len < 4) die("%s: empty or truncated", path);
    memcpy(&d, b, 4);
    if (d <= 0 || d > (1 << 24) || len % (4 + 4 * (size_t)d) != 0) die("%s: not a .fvecs/.ivecs file", path);
    rows = (int64_t)(len / (4 + 4 * (size_t)d));
    out = (unsigned char *)malloc((size_t)rows * 4 * (size_t)d + 1);
    for (i = 0; i < rows; i++, off += 4 + 4 * (size_t)d) {
        int32_t di;
        memcpy(&di, b + off, 4);
        if (di != d) die("%s: rows of different dimensions", path);
        memcpy(out + (size_t)i * 4 * (size_t)d, b + off + 4, 4 * (size_t)d);
    }
    free(b);
    *n = rows;
    *dim = d;
    return out;
}
/* .npy version 1-3, 2-D, '<f4', '<f8' or '|u1', C order */
static float *read_npy(const char *path, int64_t *n, int64_t *dim) {
    size_t len, hl, off, i, cnt;
    unsigned char *b = read_all(path, &len);
    char hdr[4096];
    const char *p;
    int esz;
    long long r = 0, c = 1;
    float *out;
    if (len < 10 || memcmp(b, "\x93NUMPY", 6) != 0) die("%s: not a .npy file", path);
    if (b[6] == 1) { hl = (size_t)b[8] | (size_t)b[9] << 8; off = 10; }
    else { if (len < 12) die("%s: truncated", path); hl = (size_t)b[8] | (size_t)b[9] << 8 | (size_t)b[10] << 16 | (size_t)b[11] << 24; off = 12; }
    if (hl >= sizeof hdr || off + hl > len) die("%s: bad header", path);
    memcpy(hdr, b + off, hl);
    hdr[hl] = 0;
    off += hl;
    if (strstr(hdr, "'fortran_order': True")) die("%s: Fortran order is not supported", path);
    if (strstr(hdr, "'<f4'")) esz = 4;
    else if (strstr(hdr, "'<f8'")) esz = 8;
    else if (strstr(hdr, "'|u1'")) esz = 1;
    else die("%s: dtype must be <f4, <f8 or |u1", path);
    p = strstr(hdr, "'shape': (");
    if (!p || sscanf(p + 10, "%lld, %lld", &r, &c) < 1 || r < 0 || c < 1) die("%s: bad shape", path);
    cnt = (size_t)r * (size_t)c;
    if ((len - off) / (size_t)esz < cnt) die("%s: truncated data", path);
    out = (float *)malloc(cnt * sizeof(float) + 1);
    for (i = 0; i < cnt; i++) {
        if (esz == 4) memcpy(&out[i], b + off + 4 * i, 4);
        else if (esz == 8) { double v; memcpy(&v, b + off + 8 * i, 8); out[i] = (float)v; }
        else out[i] = (float)b[off + i];
    }
    free(b);
    *n = r;
    *dim = c;
    return out;
}
static float *read_floats(const char *path, int64_t *n, int64_t *dim) {
    if (ends_with(path, ".npy")) return read_npy(path, n, dim);
    if (ends_with(path, ".fvecs")) return (float *)read_vecs(path, n, dim);
    die("%s: expected a .fvecs or .npy file", path);
    return NULL;
}
static void write_ivecs(const char *path, const uint64_t *lab, int64_t n, int64_t k) {
    FILE *f = fopen(path, "wb");
    int64_t i, j;
    int32_t kk = (int32_t)k;
    if (!f) die("cannot write %s", path);
    for (i = 0; i < n; i++) {
        fwrite(&kk, 4, 1, f);
        for (j = 0; j < k; j++) { int32_t v = lab[i * k + j] == UINT64_MAX ? -1 : (int32_t)lab[i * k + j]; fwrite(&v, 4, 1, f); }
    }
    if (fclose(f) != 0) die("write to %s failed", path);
}

typedef struct {
    const char *metric, *gt, *out, *efs, *svg, *sels;
    int M, efc, threads, k, ef, runs, int8, nq;
    const char *pos[4];
    int npos;
} args;
static void parse(args *a, int argc, char **argv) {
    int i;
    memset(a, 0, sizeof *a);
    a->metric = "l2"; a->M = 16; a->efc = 200; a->threads = 1; a->k = 10; a->ef = 64; a->runs = 3;
    a->efs = "10,20,40,80,160,320";
    a->sels = "0.5,0.1,0.01,0.001";
    a->nq = 1000;
    for (i = 2; i < argc; i++) {
        const char *s = argv[i];
        int has = i + 1 < argc;
        if (!strcmp(s, "--metric") && has) a->metric = argv[++i];
        else if (!strcmp(s, "-M") && has) a->M = atoi(argv[++i]);
        else if (!strcmp(s, "--ef-construction") && has) a->efc = atoi(argv[++i]);
        else if (!strcmp(s, "--threads") && has) a->threads = atoi(argv[++i]);
        else if (!strcmp(s, "-k") && has) a->k = atoi(argv[++i]);
        else if (!strcmp(s, "--ef") && has) a->ef = atoi(argv[++i]);
        else if (!strcmp(s, "--gt") && has) a->gt = argv[++i];
        else if (!strcmp(s, "--out") && has) a->out = argv[++i];
        else if (!strcmp(s, "--efs") && has) a->efs = argv[++i];
        else if (!strcmp(s, "--runs") && has) a->runs = atoi(argv[++i]);
        else if (!strcmp(s, "--svg") && has) a->svg = argv[++i];
        else if (!strcmp(s, "--int8")) a->int8 = 1;
        else if (!strcmp(s, "--sels") && has) a->sels = argv[++i];
        else if (!strcmp(s, "--nq") && has) a->nq = atoi(argv[++i]);
        else if (s[0] == '-' && s[1]) die("unknown or incomplete option %s", s);
        else if (a->npos < 4) a->pos[a->npos++] = s;
        else die("too many arguments at %s", s);
    }
    if (a->k < 1 || a->M < 2 || a->threads < 1 || a->runs < 1) die("bad numeric option%s", "");
}
static aieng_hnsw_metric metric_of(const char *m) {
    if (!strcmp(m, "l2")) return AIENG_HNSW_L2;
    if (!strcmp(m, "ip")) return AIENG_HNSW_IP;
    if (!strcmp(m, "cos")) return AIENG_HNSW_COSINE;
    die("unknown metric %s (l2, ip, cos)", m);
    return AIENG_HNSW_L2;
}
static aieng_hnsw *load_index(const char *path) {
    aieng_hnsw *h;
    if (aieng_hnsw_load(&h, path, NULL) != AIENG_OK) die("%s", aieng_last_error());
    return h;
}

/* recall@k: fraction of the first k ground-truth ids found among the k results */
static double recall_of(const uint64_t *lab, const int32_t *gt, int64_t nq, int64_t k, int64_t gk) {
    int64_t i, j, t, hit = 0;
    for (i = 0; i < nq; i++)
        for (j = 0; j < k; j++)
            for (t = 0; t < k; t++)
                if (lab[i * k + t] == (uint64_t)(int64_t)gt[i * gk + j]) { hit++; break; }
    return (double)hit / (double)(nq * k);
}

/* timed search of every query (single-threaded loop, or batch with threads) */
static double run_search(aieng_hnsw *h, const float *q, int64_t nq, int64_t dim, int k, int ef, int threads, uint64_t *lab,
                         double *cpu_qps) {
    int64_t i, j, nf;
    double t0 = now(), c0 = cpu_now(), t;
    if (threads > 1) {
        aieng_hnsw_search_params p;
        memset(&p, 0, sizeof p);
        p.ef = ef;
        if (aieng_hnsw_search_batch(h, q, nq, k, &p, lab, NULL) != AIENG_OK) die("%s", aieng_last_error());
    } else {
        for (i = 0; i < nq; i++) {
            if (aieng_hnsw_search(h, q + i * dim, k, ef, lab + i * k, NULL, &nf) != AIENG_OK) die("%s", aieng_last_error());
            for (j = nf; j < k; j++) lab[i * k + j] = UINT64_MAX;
        }
    }
    t = now() - t0;
    if (cpu_qps) *cpu_qps = (double)nq / (cpu_now() - c0);
    return (double)nq / t;
}
static int cmp_double(const void *a, const void *b) {
    double x = *(const double *)a, y = *(const double *)b;
    return x < y ? -1 : x > y;
}

static void svg_plot(const char *path, const double *recall, const double *qps, const int *efs, int n) {
    FILE *f = fopen(path, "w");
    double lo = 1e30, hi = 0, rmin = 1, x0 = 70, y0 = 20, w = 520, hgt = 340;
    int i;
    if (!f) die("cannot write %s", path);
    for (i = 0; i < n; i++) {
        if (qps[i] < lo) lo = qps[i];
        if (qps[i] > hi) hi = qps[i];
        if (recall[i] < rmin) rmin = recall[i];
    }
    rmin = rmin > 0.05 ? rmin - 0.05 : 0;
    lo = log10(lo) - 0.1;
    hi = log10(hi) + 0.1;
    fprintf(f, "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"420\" font-family=\"sans-serif\" font-size=\"12\">\n");
    fprintf(f, "<rect x=\"%g\" y=\"%g\" width=\"%g\" height=\"%g\" fill=\"none\" stroke=\"#888\"/>\n", x0, y0, w, hgt);
    fprintf(f, "<text x=\"%g\" y=\"410\" text-anchor=\"middle\">recall@k</text>\n", x0 + w / 2);
    fprintf(f, "<text x=\"15\" y=\"%g\" transform=\"rotate(-90 15 %g)\" text-anchor=\"middle\">queries/s (log)</text>\n", y0 + hgt / 2, y0 + hgt / 2);
    fprintf(f, "<polyline fill=\"none\" stroke=\"#c33\" stroke-width=\"2\" points=\"");
    for (i = 0; i < n; i++)
        fprintf(f, "%.1f,%.1f ", x0 + w * (recall[i] - rmin) / (1 - rmin), y0 + hgt * (1 - (log10(qps[i]) - lo) / (hi - lo)));
    fprintf(f, "\"/>\n");
    for (i = 0; i < n; i++)
        fprintf(f, "<text x=\"%.1f\" y=\"%.1f\">ef %d</text>\n", x0 + w * (recall[i] - rmin) / (1 - rmin) + 4,
                y0 + hgt * (1 - (log10(qps[i]) - lo) / (hi - lo)) - 4, efs[i]);
    fprintf(f, "<text x=\"%g\" y=\"%g\">%.3g</text><text x=\"%g\" y=\"%g\" text-anchor=\"end\">1</text>\n", x0, y0 + hgt + 15, rmin, x0 + w, y0 + hgt + 15);
    fprintf(f, "<text x=\"%g\" y=\"%g\" text-anchor=\"end\">%.0f</text><text x=\"%g\" y=\"%g\" text-anchor=\"end\">%.0f</text>\n", x0 - 4,
            y0 + hgt, pow(10, lo), x0 - 4, y0 + 10, pow(10, hi));
    fprintf(f, "</svg>\n");
    fclose(f);
}

/* keeps the labels whose hash falls below sel (a fraction of them, spread evenly) */
static int keep_label(uint64_t label, void *user) {
    uint64_t x = label + 0x9e3779b97f4a7c15ull;
    x = (x ^ (x >> 30)) * 0xbf58476d1ce4e5b9ull;
    x = (x ^ (x >> 27)) * 0x94d049bb133111ebull;
    x ^= x >> 31;
    return (double)(x % 1000000u) < *(const double *)user * 1e6;
}
static void filter_bench(const args *a) {
    aieng_hnsw *h = load_index(a->pos[0]);
    int64_t nq, qd, i, j, t, nf;
    float *q = read_floats(a->pos[1], &nq, &qd);
    const char *s = a->sels;
    uint64_t *want = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)a->k), *got = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)a->k);
    if (qd != aieng_hnsw_dim(h)) die("queries do not have the index's dimension%s", "");
    if (nq > a->nq) nq = a->nq;
    while (*s) {
        double sel = atof(s), hits = 0, total = 0, t0, c0, wall = 0, cpu = 0;
        aieng_hnsw_search_params p;
        memset(&p, 0, sizeof p);
        p.filter = keep_label;
        p.filter_user = &sel;
        for (i = 0; i < nq; i++) {
            int64_t nw;
            p.exact = 1;
            p.ef = 0;
            aieng_hnsw_search_ex(h, q + i * qd, a->k, &p, want, NULL, &nw);
            p.exact = 0;
            p.ef = a->ef;
            t0 = now();
            c0 = cpu_now();
            aieng_hnsw_search_ex(h, q + i * qd, a->k, &p, got, NULL, &nf);
            wall += now() - t0;
            cpu += cpu_now() - c0;
            for (j = 0; j < nw; j++)
                for (t = 0; t < nf; t++) if (got[t] == want[j]) { hits++; break; }
            total += (double)nw;
        }
        printf("selectivity %g recall %.4f qps %.1f cpu_qps %.1f\n", sel, total > 0 ? hits / total : 1.0, (double)nq / wall, (double)nq / cpu);
        fflush(stdout);
        s = strchr(s, ',');
        if (!s) break;
        s++;
    }
    free(want); free(got); free(q);
    aieng_hnsw_destroy(h);
}

int main(int argc, char **argv) {
    args a;
    if (argc < 2) {
        fprintf(stderr, "usage: aieng-hnsw build|search|gt|bench ... (see the top of examples/aieng-hnsw.c)\n");
        return 1;
    }
    parse(&a, argc, argv);
    aieng_set_threads(a.threads);
    if (!strcmp(argv[1], "build")) {
        int64_t n, dim;
        float *x;
        aieng_hnsw_config cfg;
        aieng_hnsw *h;
        double t0, t, c0;
        if (a.npos != 2) die("build needs base.(fvecs|npy) and index.hnsw%s", "");
        x = read_floats(a.pos[0], &n, &dim);
        cfg = aieng_hnsw_config_default(dim, metric_of(a.metric));
        cfg.M = a.M;
        cfg.ef_construction = a.efc;
        cfg.storage = a.int8 ? AIENG_HNSW_INT8 : AIENG_HNSW_F32;
        if (aieng_hnsw_create(&h, &cfg) != AIENG_OK) die("%s", aieng_last_error());
        t0 = now();
        c0 = cpu_now();
        if (aieng_hnsw_add_batch(h, NULL, x, n) != AIENG_OK) die("%s", aieng_last_error());
        t = now() - t0;
        c0 = cpu_now() - c0;
        fprintf(stderr, "built %lld vectors of %lld dims in %.2f s (%d threads), %zu bytes in memory\n", (long long)n, (long long)dim, t,
                a.threads, aieng_hnsw_memory_bytes(h));
        printf("build_seconds: %.3f\nbuild_cpu_seconds: %.3f\nmemory_bytes: %zu\n", t, c0, aieng_hnsw_memory_bytes(h));
        if (aieng_hnsw_save(h, a.pos[1]) != AIENG_OK) die("%s", aieng_last_error());
        aieng_hnsw_destroy(h);
        free(x);
        return 0;
    }
    if (!strcmp(argv[1], "gt")) {
        int64_t n, dim, nq, qd;
        float *x, *q;
        aieng_hnsw_config cfg;
        aieng_hnsw *h;
        aieng_hnsw_search_params p;
        uint64_t *lab;
        if (a.npos != 2 || !a.out) die("gt needs base, queries and --out gt.ivecs%s", "");
        x = read_floats(a.pos[0], &n, &dim);
        q = read_floats(a.pos[1], &nq, &qd);
        if (qd != dim) die("queries and base differ in dimension%s", "");
        cfg = aieng_hnsw_config_default(dim, metric_of(a.metric));
        cfg.M = 4; /* only the storage is used by the exact search: a cheap graph */
        cfg.ef_construction = 8;
        if (aieng_hnsw_create(&h, &cfg) != AIENG_OK || aieng_hnsw_add_batch(h, NULL, x, n) != AIENG_OK) die("%s", aieng_last_error());
        memset(&p, 0, sizeof p);
        p.exact = 1;
        lab = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)(nq * a.k));
        if (aieng_hnsw_search_batch(h, q, nq, a.k, &p, lab, NULL) != AIENG_OK) die("%s", aieng_last_error());
        write_ivecs(a.out, lab, nq, a.k);
        aieng_hnsw_destroy(h);
        free(x); free(q); free(lab);
        return 0;
    }
    if (!strcmp(argv[1], "filter-bench")) {
        if (a.npos != 2) die("filter-bench needs index.hnsw and queries%s", "");
        filter_bench(&a);
        return 0;
    }
    if (!strcmp(argv[1], "search") || !strcmp(argv[1], "bench")) {
        int64_t nq, qd, gn = 0, gk = 0;
        float *q;
        int32_t *gt = NULL;
        aieng_hnsw *h;
        uint64_t *lab;
        if (a.npos != 2) die("%s needs index.hnsw and queries.(fvecs|npy)", argv[1]);
        h = load_index(a.pos[0]);
        q = read_floats(a.pos[1], &nq, &qd);
        if (qd != aieng_hnsw_dim(h)) die("queries do not have the index's dimension%s", "");
        if (a.gt) {
            gt = (int32_t *)read_vecs(a.gt, &gn, &gk);
            if (gn != nq || gk < a.k) die("%s: ground truth does not match the queries (rows or k)", a.gt);
        }
        lab = (uint64_t *)malloc(sizeof(uint64_t) * (size_t)(nq * a.k));
        if (!strcmp(argv[1], "search")) {
            double cq, qps = run_search(h, q, nq, qd, a.k, a.ef, a.threads, lab, &cq);
            printf("qps: %.1f\n", qps);
            fprintf(stderr, "cpu_qps: %.1f (queries per CPU second)\n", cq);
            if (gt) printf("recall: %.4f\n", recall_of(lab, gt, nq, a.k, gk));
            if (a.out) write_ivecs(a.out, lab, nq, a.k);
        } else {
            int efs[64] = {0}, n_ef = 0, i, r;
            double rec[64], qps[64], cqps[64], runs[64], cruns[64];
            const char *s = a.efs;
            if (!gt) die("bench needs --gt%s", "");
            while (*s && n_ef < 64) { efs[n_ef++] = atoi(s); s = strchr(s, ','); if (!s) break; s++; }
            (void)run_search(h, q, nq < 1000 ? nq : 1000, qd, a.k, efs[0], a.threads, lab, NULL); /* warm up */
            for (i = 0; i < n_ef; i++) {
                for (r = 0; r < a.runs && r < 64; r++) runs[r] = run_search(h, q, nq, qd, a.k, efs[i], a.threads, lab, &cruns[r]);
                qsort(runs, (size_t)r, sizeof(double), cmp_double);
                qsort(cruns, (size_t)r, sizeof(double), cmp_double);
                qps[i] = runs[r / 2];
                cqps[i] = cruns[r / 2];
                rec[i] = recall_of(lab, gt, nq, a.k, gk);
                printf("ef %d recall %.4f qps %.1f cpu_qps %.1f\n", efs[i], rec[i], qps[i], cqps[i]);
                fflush(stdout);
            }
            if (a.svg) svg_plot(a.svg, rec, cqps, efs, n_ef);
        }
        aieng_hnsw_destroy(h);
        free(q); free(gt); free(lab);
        return 0;
    }
    die("unknown command %s (build, search, gt, bench, filter-bench)", argv[1]);
    return 1;
}
