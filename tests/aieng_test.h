/* aieng_test.h - the tiny assert-and-count harness every test program uses.
   Each test program ends its output with the line "N passed, N failed" and
   exits non-zero when anything failed.

   CHECK(cond, fmt, ...)       count one check; on failure print where and why
   CHECK_NEAR(a, b, tol)       |a-b| <= tol (absolute)
   aieng_test_quick()          nonzero when AIENG_TEST_QUICK is set in the
                               environment: sanitizer, scalar and qemu
                               variants run on reduced data
   aieng_test_data(rel)        path of tests/data/<rel>; if the file is missing
                               the check fails and names the file
   return aieng_test_summary();  at the end of main */
#ifndef AIENG_TEST_H
#define AIENG_TEST_H
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <math.h>

static int aieng_test_passed = 0, aieng_test_failed = 0;

#define CHECK(cond, ...) do { \
    if (cond) aieng_test_passed++; \
    else { aieng_test_failed++; \
        fprintf(stderr, "FAIL %s:%d: %s: ", __FILE__, __LINE__, #cond); \
        fprintf(stderr, __VA_ARGS__); fputc('\n', stderr); } } while (0)

#define CHECK_NEAR(a, b, tol) do { double aieng__ta = (double)(a), aieng__tb = (double)(b); \
    CHECK(fabs(aieng__ta - aieng__tb) <= (double)(tol), "%s = %.9g, %s = %.9g, tol %g", \
          #a, aieng__ta, #b, aieng__tb, (double)(tol)); } while (0)

#if defined(__GNUC__)
#define AIENG_TEST_UNUSED __attribute__((unused))
#else
#define AIENG_TEST_UNUSED
#endif
AIENG_TEST_UNUSED static int aieng_test_quick(void) {
    const char *q = getenv("AIENG_TEST_QUICK");
    return q && *q && strcmp(q, "0") != 0;
}

/* Returns a malloc'ed path "tests/data/<rel>" (relative to the repository
   root, where tests run) or NULL after counting a failure naming the file. */
AIENG_TEST_UNUSED static char *aieng_test_data(const char *rel) {
    const char *root = getenv("AIENG_TEST_DATA");
    size_t n;
    char *p;
    FILE *f;
    if (!root || !*root) root = "tests/data";
    n = strlen(root) + strlen(rel) + 2;
    p = (char *)malloc(n);
    if (!p) { aieng_test_failed++; return NULL; }
    snprintf(p, n, "%s/%s", root, rel);
    f = fopen(p, "rb");
    if (!f) {
        aieng_test_failed++;
        fprintf(stderr, "FAIL: test data file missing: %s\n", p);
        free(p);
        return NULL;
    }
    fclose(f);
    return p;
}

/* Reads a whole file; counts a failure naming it when it cannot. */
AIENG_TEST_UNUSED static unsigned char *aieng_test_read_file(const char *path, size_t *len) {
    FILE *f = fopen(path, "rb");
    unsigned char *buf;
    long n;
    if (!f) { aieng_test_failed++; fprintf(stderr, "FAIL: cannot open %s\n", path); return NULL; }
    fseek(f, 0, SEEK_END); n = ftell(f); fseek(f, 0, SEEK_SET);
    buf = (unsigned char *)malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) {
        fclose(f); free(buf); aieng_test_failed++;
        fprintf(stderr, "FAIL: cannot read %s\n", path); return NULL;
    }
    buf[n] = 0; fclose(f);
    if (len) *len = (size_t)n;
    return buf;
}

static int aieng_test_summary(void) {
    printf("%d passed, %d failed\n", aieng_test_passed, aieng_test_failed);
    return aieng_test_failed != 0;
}
#endif
