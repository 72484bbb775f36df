#!/usr/bin/env bash
# Compile-only check of the CUDA code, for machines without a GPU (tools/run_tests.sh
# calls it when tests/*.cu exists; `make test-gpu` runs the programs where a GPU is).
#   - every tests/test_*.cu and examples/*.cu (aieng-run --gpu's part) is compiled by nvcc
#     for sm_75, sm_80, sm_90 and sm_90a (the wgmma kernels; one nvcc call per file, four device
#     compilations); host warnings are errors
#   - aieng_cuda.h's declarations are compiled as C99 and as C++11 by gcc/g++ (usable from C)
# Exit status 0 only if everything compiles. Without nvcc it says so and exits 0, unless
# AIENG_REQUIRE_NVCC=1 (then it fails).
cd "$(dirname "$0")/.."
NVCC=${NVCC:-nvcc}
if ! command -v "$NVCC" >/dev/null 2>&1 && [ -x /usr/local/cuda/bin/nvcc ]; then NVCC=/usr/local/cuda/bin/nvcc; fi
ARCHS=${AIENG_CUDA_ARCHS:-"75 80 90 90a"}
mkdir -p build/test/cuda
bad=0

for lang in "gcc -std=c99 -x c" "g++ -std=c++11 -x c++"; do
  if ! $lang -Wall -Wextra -Werror -pedantic -D_POSIX_C_SOURCE=200809L -fsyntax-only aieng_cuda.h >build/test/cuda/decl.log 2>&1; then
    echo "cuda      aieng_cuda.h declarations as ${lang%% *} FAILED"; head -20 build/test/cuda/decl.log | sed 's/^/    /'; bad=1
  fi
done

if ! command -v "$NVCC" >/dev/null 2>&1; then
  echo "cuda      nvcc not found: CUDA code not compiled, GPU tests not run"
  [ "${AIENG_REQUIRE_NVCC:-0}" = 1 ] && exit 1
  exit $bad
fi

gencode=""
for a in $ARCHS; do gencode="$gencode -gencode arch=compute_$a,code=sm_$a"; done
for src in tests/test_*.cu examples/*.cu; do
  [ -f "$src" ] || continue
  name=$(basename "$src" .cu)
  obj=build/test/cuda/$name.o
  # up to date: compiled before for the same targets and nothing it includes changed since
  if [ -f "$obj" ] && [ "$(cat "build/test/cuda/$name.archs" 2>/dev/null)" = "$ARCHS" ] && \
     [ -z "$(find "$src" $(sed -n 's/^#include "\(.*\)"/\1/p' "$src") -newer "$obj" 2>/dev/null)" ]; then
    echo "cuda      $name.cu compiled for sm_${ARCHS// /, sm_} (up to date); compile-only: the GPU tests were not run (make test-gpu runs them)"
    continue
  fi
  rm -f "$obj" "build/test/cuda/$name.archs"
  start=$(date +%s)
  if "$NVCC" -std=c++14 -O2 -I. $gencode --threads 0 -Xcompiler -Wall,-Wextra,-Werror -Xcudafe --diag_suppress=1675 \
       -c "$src" -o "$obj" >"build/test/cuda/$name.log" 2>&1; then
    echo "$ARCHS" > "build/test/cuda/$name.archs"
    echo "cuda      $name.cu compiled for sm_${ARCHS// /, sm_} ($(( $(date +%s) - start ))s); compile-only: the GPU tests were not run (make test-gpu runs them)"
  else
    echo "cuda      $name.cu FAILED to compile for sm_${ARCHS// /, sm_}"; grep -E 'error|warning' "build/test/cuda/$name.log" | head -20 | sed 's/^/    /'
    bad=1
  fi
done
exit $bad
