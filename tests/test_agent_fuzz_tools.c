/* test_agent_fuzz_tools - replays the tools-API fuzz harness (tests/fuzz/fuzz_tools.c) on its
   seeds (tests/fuzz/corpus/fuzz_tools) and kept crashers (tests/data/agent/fuzz_regressions/tools),
   so the harness is compiled and its invariants run without libFuzzer, in every test variant.
   The seeds are realistic specs with valid replies: each must be accepted by the grammar and
   parse, so the calls are exercised. */
#include "aieng_test.h"
#include <dirent.h>
#include <stdio.h>

/* the fuzz harness, replayed on its seeds and kept crashers */
static int fuzz_failures = 0, fuzz_accepted = 0, fuzz_parsed = 0;
#define FUZZ_FAIL() (fuzz_failures++, fprintf(stderr, "FAIL fuzz invariant at %s:%d\n", __FILE__, __LINE__))
#define FUZZ_TOOLS_SEEN(accepted, parsed) (fuzz_accepted += (accepted) != 0, fuzz_parsed += (parsed) != 0)
#define LLVMFuzzerTestOneInput fuzz_tools_one
#include "fuzz/fuzz_tools.c"
#undef LLVMFuzzerTestOneInput

static void replay_dir(const char *dir, int seeds, int *ran) {
    DIR *d = opendir(dir);
    struct dirent *e;
    if (!d) return;
    while ((e = readdir(d)) != NULL) {
        char path[1024];
        unsigned char *b;
        size_t len = 0;
        int before = fuzz_failures, acc = fuzz_accepted, par = fuzz_parsed;
        if (e->d_name[0] == '.' || !strcmp(e->d_name, "README") || !strcmp(e->d_name, "README.md")) continue;
        snprintf(path, sizeof path, "%s/%s", dir, e->d_name);
        b = aieng_test_read_file(path, &len);
        if (!b) continue;
        fuzz_tools_one(b, len);
        (*ran)++;
        CHECK(fuzz_failures == before, "fuzz input %s", path);
        if (seeds) CHECK(fuzz_accepted == acc + 1 && fuzz_parsed == par + 1, "seed %s: reply accepted by the grammar and parsed", path);
        free(b);
    }
    closedir(d);
}

int main(void) {
    int seeds = 0, ran = 0;
    replay_dir("tests/fuzz/corpus/fuzz_tools", 1, &seeds);
    replay_dir("tests/data/agent/fuzz_regressions/tools", 0, &ran);
    CHECK(seeds >= 6, "fuzz seeds replayed: %d", seeds);
    printf("fuzz_tools seeds replayed: %d, regressions replayed: %d\n", seeds, ran);
    return aieng_test_summary();
}
