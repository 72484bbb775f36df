#!/usr/bin/env bash
# ThreadSanitizer run of aieng_hnsw.h's threaded tests (parallel insertion,
# batch search, searches concurrent with insert/remove/update). Not part of
# make test (TSan needs its own build); run from the repository root:
#   bash tests/tsan_hnsw.sh
set -e
cd "$(dirname "$0")/.."
mkdir -p build/test
clang -std=c99 -I. -D_POSIX_C_SOURCE=200809L -O1 -g -fsanitize=thread -o build/test/tsan_hnsw tests/test_hnsw.c -lm -pthread
AIENG_TEST_QUICK=1 AIENG_HNSW_TEST=threads TSAN_OPTIONS="halt_on_error=1" build/test/tsan_hnsw
