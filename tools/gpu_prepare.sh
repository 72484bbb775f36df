#!/usr/bin/env bash
# Run on this machine before the device call of tools/gpu_session.sh: the GPU machine
# cannot download and takes at most 64 MiB of ignored files along, so SmolLM2 goes there
# as its first 3 layers (37 MiB; the repo itself is about 23 MiB of the 64). Carry the file: carry ["models/SmolLM2-3L.Q4_1.gguf"].
set -euo pipefail
cd "$(dirname "$0")/.."
[ -f models/SmolLM2-135M-Instruct.Q4_1.gguf ] || make model
mkdir -p build
${CC:-cc} -std=c99 -O2 -I. -D_POSIX_C_SOURCE=200809L tools/llama_truncate.c -o build/llama_truncate -lm -pthread
build/llama_truncate models/SmolLM2-135M-Instruct.Q4_1.gguf 3 models/SmolLM2-3L.Q4_1.gguf
ls -l models/SmolLM2-3L.Q4_1.gguf
