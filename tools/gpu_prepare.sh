#!/usr/bin/env bash
# Run on this machine before the device calls of tools/gpu_session.sh. The GPU machine cannot
# download, and one device call carries at most 64 MiB (the repo itself is about 24 MiB), so
# the model goes there in one of two forms:
#   - the first 3 layers of SmolLM2 (models/SmolLM2-3L.Q4_1.gguf, 37 MiB), in one call:
#       carry ["models/SmolLM2-3L.Q4_1.gguf"]
#   - the whole 30-layer model in three parts of about 31 MiB (models/parts/), one part a
#     call, in three calls made one right after the other (a warm machine keeps the files of
#     the last call; it is given back 30 s after a call):
#       carry ["models/parts/p0"]  command: true
#       carry ["models/parts/p1"]  command: true
#       carry ["models/parts/p2"]  command: bash tools/gpu_session.sh ...
#     (carry the hash with the last part: ["models/parts/p2", "models/parts/p2.sha256"]).
#     tools/gpu_session.sh joins them into models/SmolLM2-135M-Instruct.Q4_1.gguf when the
#     joined file's SHA-256 matches, and then checks greedy tokens on all 30 layers.
set -euo pipefail
cd "$(dirname "$0")/.."
M=models/SmolLM2-135M-Instruct.Q4_1.gguf
[ -f $M ] || make model
mkdir -p build models/parts
${CC:-cc} -std=c99 -O2 -I. -D_POSIX_C_SOURCE=200809L tools/llama_truncate.c -o build/llama_truncate -lm -pthread
build/llama_truncate $M 3 models/SmolLM2-3L.Q4_1.gguf
rm -f models/parts/p*
split -n 3 -d -a 1 $M models/parts/p
sha256sum $M | cut -d' ' -f1 >models/parts/p2.sha256
ls -l models/SmolLM2-3L.Q4_1.gguf models/parts/
