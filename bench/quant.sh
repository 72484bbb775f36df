#!/usr/bin/env bash
# aieng_quant.h: quantized matrix-vector products (GB/s of weight bytes, share of
# the measured triad bandwidth, next to aieng_sgemv on the same F32 matrix), the
# matrix-matrix products of prefill (--mm) and the quantization error
# table (RMSE / max error, Gaussian and Student-t data).
#   bash bench/quant.sh                      # Q8_0 Q4_0 Q4_1 Q4_K Q6_K + F32
#   TYPES=all MB=1024 REPS=5 bash bench/quant.sh
# The machine is shared: the script prints the load average next to the figures.
# Peer: ggml's own vec_dot kernels from the libggml-cpu.so of llama-cpp-python
# (tools/requirements-bench-transformer.txt), loaded with dlopen when present.
set -euo pipefail
cd "$(dirname "$0")/.."
MB=${MB:-1024}
REPS=${REPS:-5}
TYPES=${TYPES:-F32,Q8_0,Q4_0,Q4_1,Q4_K,Q6_K}
[ "$TYPES" = all ] && TYPES=F32,F16,BF16,Q8_0,Q6_K,Q5_K,Q5_1,Q5_0,Q4_K,Q4_1,Q4_0,MXFP4,Q3_K,Q2_K
make --no-print-directory -s build/bench/quant build/test/native/test_quant >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F), load average $(cut -d' ' -f1-3 /proc/loadavg)"
echo "== quantized matrix-vector products, y = W·x (W: N rows of K), $MB MiB of weights streamed per pass, median of $REPS"
GGML=$(ls .venv/lib/python3*/site-packages/llama_cpp/lib/libggml-cpu.so 2>/dev/null | head -1 || true)
[ -n "$GGML" ] || echo "quant: no llama-cpp-python in .venv (tools/setup.sh bench): ggml peer skipped" >&2
build/bench/quant --mb "$MB" --reps "$REPS" --types "$TYPES" ${GGML:+--ggml "$GGML"}
echo "== quantized matrix-matrix products (prefill: 512 activation rows, SmolLM2-135M's shapes)"
build/bench/quant --mm --types Q4_1,Q8_0,Q4_0 --reps "$REPS" ${GGML:+--ggml "$GGML"}
echo "== quantization error, 262144 values per data set (AIENG_QUANT_TABLE=1 build/test/native/test_quant)"
AIENG_QUANT_TABLE=1 build/test/native/test_quant | grep '^|'
echo "load average after: $(cut -d' ' -f1-3 /proc/loadavg)"
