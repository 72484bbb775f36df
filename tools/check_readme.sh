#!/usr/bin/env bash
# Every ```c block in README.md is a complete program: compile it as C99 with
# the project's warnings, link it, run it from the repository root; it must
# exit 0. Keeps the quick starts honest.
cd "$(dirname "$0")/.."
dir=build/readme; rm -rf "$dir"; mkdir -p "$dir"
awk -v dir="$dir" '
  /^```c[[:space:]]*$/ { n++; f = sprintf("%s/quickstart_%02d.c", dir, n); inb = 1; next }
  /^```/ && inb { inb = 0; close(f); next }
  inb { print > f }' README.md
bad=0; count=0
for f in "$dir"/quickstart_*.c; do
  [ -f "$f" ] || continue
  count=$((count+1))
  exe="${f%.c}"
  if ! cc -std=c99 -Wall -Wextra -Werror -pedantic -O1 -I. -march=native -o "$exe" "$f" -lm -pthread >"$exe.log" 2>&1; then
    echo "readme    $(basename "$f") does not compile:"; head -15 "$exe.log" | sed 's/^/    /'; bad=1; continue
  fi
  if ! "$exe" >"$exe.out" 2>&1; then echo "readme    $(basename "$f") exits non-zero:"; tail -5 "$exe.out" | sed 's/^/    /'; bad=1; fi
done
[ $bad = 0 ] && echo "readme    $count quick starts compile and run"
exit $bad
