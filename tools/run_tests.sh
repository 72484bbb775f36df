#!/usr/bin/env bash
# Runs every test program in every variant, the C99/C++ compile checks and the
# include check, and ends with the summary line "N passed, N failed".
#   native   : full reference data, -O2 -march=native
#   sanitize : -fsanitize=address,undefined, reduced data (AIENG_TEST_QUICK=1)
#   scalar   : -DAIENG_NO_SIMD, reduced data
#   aarch64  : NEON path under qemu-aarch64, reduced data
#   tsan     : ThreadSanitizer, for the tests that mention AIENG_TEST_TSAN
cd "$(dirname "$0")/.."
total_pass=0; total_fail=0
tests=$(ls tests/test_*.c 2>/dev/null | grep -v "_ref_" | sed 's#tests/##; s#\.c$##')
run_one() { # variant name cmd...
  local v=$1 t=$2; shift 2
  local log=build/test/$v/$t.log
  local start=$(date +%s)
  "$@" >"$log" 2>&1; local rc=$?
  local line=$(grep -E '^[0-9]+ passed, [0-9]+ failed' "$log" | tail -1)
  local p=0 f=0
  if [ -n "$line" ]; then p=${line%% passed*}; f=${line#*passed, }; f=${f%% failed*}; fi
  if [ -z "$line" ] || [ $rc -ne 0 ] && [ "$f" = 0 ]; then f=$((f+1)); fi  # crash or no summary
  total_pass=$((total_pass+p)); total_fail=$((total_fail+f))
  printf '%-9s %-22s %6d passed %4d failed  (%ds)\n' "$v" "$t" "$p" "$f" $(( $(date +%s)-start ))
  if [ "$f" != 0 ]; then grep -E 'FAIL|ERROR|error|Sanitizer|runtime error' "$log" | head -20 | sed 's/^/    /'; tail -3 "$log" | sed 's/^/    /'; fi
}
for t in $tests; do
  run_one native   $t build/test/native/$t
  AIENG_TEST_QUICK=1 ASAN_OPTIONS=detect_leaks=1 run_one sanitize $t build/test/sanitize/$t
  AIENG_TEST_QUICK=1 run_one scalar   $t build/test/scalar/$t
  AIENG_TEST_QUICK=1 run_one aarch64  $t qemu-aarch64 build/test/aarch64/$t
  if [ "$t" = test_hnsw ] && [ -f tests/tsan_hnsw.sh ]; then # its threaded tests only, under TSan (clang)
    mkdir -p build/test/tsan
    run_one tsan $t bash tests/tsan_hnsw.sh
  fi
  if grep -q AIENG_TEST_TSAN tests/$t.c; then
    AIENG_TEST_QUICK=1 TSAN_OPTIONS="halt_on_error=1 exitcode=66" run_one tsan $t build/test/tsan/$t
  fi
done

# every header alone, declarations and implementation, as C99 and as C++11
mkdir -p build/test/compile
for h in aieng_*.h; do
  [ "$h" = aieng_cuda.h ] && continue
  for mode in decl impl; do
    def=""; [ $mode = impl ] && def="-DAIENG_IMPLEMENTATION"
    for lang in c99 c++11; do
      if [ $lang = c99 ]; then cmd=(gcc -std=c99 -x c); else cmd=(g++ -std=c++11 -x c++); fi
      opt=(-fsyntax-only); [ $mode = impl ] && opt=(-O2 -march=native -c -o /dev/null) # -O2: GCC's flow warnings too
      if "${cmd[@]}" -Wall -Wextra -Werror -pedantic -D_POSIX_C_SOURCE=200809L $def "${opt[@]}" "$h" \
           >build/test/compile/out.log 2>&1; then total_pass=$((total_pass+1))
      else total_fail=$((total_fail+1)); echo "compile   $h as $lang ($mode) FAILED"; head -20 build/test/compile/out.log | sed 's/^/    /'; fi
    done
  done
done
echo "compile   $(ls aieng_*.h | wc -l) headers x {decl,impl} x {C99,C++11}"

# no header includes anything beyond libc, libm, POSIX, intrinsics and each other
if bash tools/check_includes.sh; then total_pass=$((total_pass+1)); else total_fail=$((total_fail+1)); fi

# the README's quick starts compile and run as written
if bash tools/check_readme.sh; then total_pass=$((total_pass+1)); else total_fail=$((total_fail+1)); fi

# every header carries the same common block
if bash tools/sync_common.sh --check; then total_pass=$((total_pass+1)); else total_fail=$((total_fail+1)); fi

# CUDA: compile-only where nvcc exists and no GPU (make test-gpu runs them)
if ls tests/*.cu >/dev/null 2>&1 && [ -x tools/cuda_compile_check.sh ]; then
  if bash tools/cuda_compile_check.sh; then total_pass=$((total_pass+1)); else total_fail=$((total_fail+1)); fi
fi

echo "${total_pass} passed, ${total_fail} failed"
[ $total_fail -eq 0 ]
