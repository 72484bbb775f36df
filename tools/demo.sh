#!/usr/bin/env bash
# make demo: a short chat with SmolLM2-135M-Instruct through build/aieng-run (aieng_transformer.h).
set -euo pipefail
cd "$(dirname "$0")/.."
MODEL=models/SmolLM2-135M-Instruct.Q4_1.gguf
[ -f "$MODEL" ] || bash tools/get_model.sh
make --no-print-directory build/aieng-run >&2
for q in "What is the capital of France?" "Write a haiku about the sea."; do
  echo ">>> $q"
  ./build/aieng-run -m "$MODEL" --chat -p "$q" -n 96 --temp 0
  echo
done
