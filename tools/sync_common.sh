#!/usr/bin/env bash
# Every aieng header carries the same common block (result codes, allocator,
# last error) between the two marker lines, so each header stands alone.
#   tools/sync_common.sh         rewrite each header's block from tools/common_block.h
#   tools/sync_common.sh --check fail if any header's block differs
cd "$(dirname "$0")/.."
begin='/\* ---- aieng common block'; end='/\* ---- end of aieng common block ---- \*/'
bad=0
for h in aieng_*.h; do
  [ "$h" = aieng_cuda.h ] && continue
  grep -q "^$begin" "$h" || { echo "sync_common: $h has no common block" >&2; bad=1; continue; }
  tmp=$(mktemp)
  awk -v blk=tools/common_block.h '
    /^\/\* ---- aieng common block/ { while ((getline l < blk) > 0) print l; skip=1; next }
    /^\/\* ---- end of aieng common block ---- \*\// { skip=0; next }
    !skip { print }' "$h" > "$tmp"
  if [ "${1:-}" = --check ]; then cmp -s "$tmp" "$h" || { echo "sync_common: $h's common block differs from tools/common_block.h" >&2; bad=1; }; rm -f "$tmp"
  else cmp -s "$tmp" "$h" || { cat "$tmp" > "$h"; echo "sync_common: updated $h"; }; rm -f "$tmp"; fi
done
exit $bad
