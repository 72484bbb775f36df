#!/usr/bin/env bash
# make demo: a short chat with SmolLM2-135M-Instruct through build/aieng-run (aieng_transformer.h).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/SmolLM2-135M-Instruct.Q4_1.gguf
[ -f "$MODEL" ] || bash tools/get_model.sh
make --no-print-directory build/aieng-run >&2
echo ">>> (system: You are a terse assistant.) Name three primary colors."
./build/aieng-run -m "$MODEL" --chat --system "You are a terse assistant." -p "Name three primary colors." -n 64 --temp 0
for q in "Write a haiku about the sea." "Give me a Python one-liner that reverses a string."; do
  echo ">>> $q"
  ./build/aieng-run -m "$MODEL" --chat -p "$q" -n 96 --temp 0
done
