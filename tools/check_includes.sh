#!/usr/bin/env bash
# Fails if a header includes anything outside the list in DESIGN.md:
# the C standard library, POSIX, compiler intrinsics, windows.h, and each other; the CUDA
# headers (runtime, fp16/bf16, and cuda.h for the tensor-map types) in aieng_cuda.h only.
cd "$(dirname "$0")/.."
allowed='^(assert|complex|ctype|errno|fenv|float|inttypes|iso646|limits|locale|math|setjmp|signal|stdalign|stdarg|stdatomic|stdbool|stddef|stdint|stdio|stdlib|stdnoreturn|string|tgmath|threads|time|uchar|wchar|wctype|unistd|pthread|sched|fcntl|dirent|semaphore|strings|sys/[a-z_]+|[a-z0-9_]*intrin|arm_neon|arm_acle|cpuid|windows|aieng_[a-z]+)\.h$'
allowed_cuda='^(cuda_runtime|cuda_fp16|cuda_bf16|cuda|mma)\.h$'
bad=0
for h in aieng_*.h; do
  while read -r inc; do
    [ "$h" = aieng_cuda.h ] && [[ "$inc" =~ $allowed_cuda ]] && continue
    if ! [[ "$inc" =~ $allowed ]]; then echo "check_includes: $h includes <$inc>, not allowed" >&2; bad=1; fi
  done < <(grep -E '^\s*#\s*include\s*[<"]' "$h" | sed -E 's/.*[<"]([^>"]+)[>"].*/\1/')
done
if [ $bad = 0 ]; then echo "includes  all headers use only libc/libm/POSIX/intrinsics"; fi
exit $bad
