#!/usr/bin/env bash
# aieng_tensor.h: sgemm/sgemv against OpenBLAS (Debian libopenblas-dev), one process.
# OPENBLAS_CORETYPE / OPENBLAS_L2_SIZE are unset so OpenBLAS runs its best kernel.
set -e
cd "$(dirname "$0")/.."
make -s build/bench/sgemm
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
env -u OPENBLAS_CORETYPE -u OPENBLAS_L2_SIZE build/bench/sgemm "$@"
