#!/usr/bin/env bash
# Side-by-side speed of aieng_transformer.h and llama.cpp (llama-cpp-python) on
# SmolLM2-135M-Instruct Q4_1: prefill of a 512-token prompt and decode of 128
# tokens, 1 and 2 threads, medians of RUNS runs, and the ratios.
#   bash bench/transformer.sh [RUNS]      (make bench runs it)
set -euo pipefail
cd "$(dirname "$0")/.."
RUNS=${1:-5}
MODEL=models/SmolLM2-135M-Instruct.Q4_1.gguf
[ -f "$MODEL" ] || bash tools/get_model.sh
make --no-print-directory build/bench/transformer >&2
have_peer=1
.venv/bin/python -c 'import llama_cpp' 2>/dev/null || have_peer=0
[ $have_peer = 1 ] || echo "transformer bench: llama-cpp-python missing in .venv (tools/setup.sh bench); aieng only" >&2
get() { grep "^$1:" | cut -d' ' -f2; }
printf "%-8s %-22s %12s %12s %10s\n" threads impl prefill_tok/s decode_tok/s peak_MiB
for t in 1 2; do
  ours=$(./build/bench/transformer "$MODEL" "$t" "$RUNS" 2>/dev/null)
  op=$(echo "$ours" | get prefill_tok_s); od=$(echo "$ours" | get decode_tok_s); om=$(echo "$ours" | get peak_rss_mib)
  printf "%-8s %-22s %12s %12s %10s\n" "$t" aieng_transformer.h "$op" "$od" "$om"
  if [ $have_peer = 1 ]; then
    peer=$(.venv/bin/python bench/transformer_llama.py "$MODEL" "$t" "$RUNS" 2>/dev/null)
    pp=$(echo "$peer" | get prefill_tok_s); pd=$(echo "$peer" | get decode_tok_s); pm=$(echo "$peer" | get peak_rss_mib)
    printf "%-8s %-22s %12s %12s %10s\n" "$t" llama-cpp-python "$pp" "$pd" "$pm"
    printf "%-8s %-22s %12s %12s\n" "$t" "ratio aieng/llama.cpp" \
      "$(python3 -c "print('%.2fx' % ($op/$pp))")" "$(python3 -c "print('%.2fx' % ($od/$pd))")"
  fi
done
echo "$ours" | grep -E "weight_mb_per_token|read_bandwidth_gb_s|decode_bound_tok_s"
