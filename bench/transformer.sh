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
printf "%-8s %-22s %12s %12s %10s %14s %14s\n" threads impl prefill_tok/s decode_tok/s peak_MiB prefill/cpu_s decode/cpu_s
for t in 1 2; do
  ours=$(./build/bench/transformer "$MODEL" "$t" "$RUNS" 2>/dev/null)
  op=$(echo "$ours" | get prefill_tok_s); od=$(echo "$ours" | get decode_tok_s); om=$(echo "$ours" | get peak_rss_mib)
  opc=$(echo "$ours" | get prefill_tok_per_cpu_s); odc=$(echo "$ours" | get decode_tok_per_cpu_s)
  printf "%-8s %-22s %12s %12s %10s %14s %14s\n" "$t" aieng_transformer.h "$op" "$od" "$om" "$opc" "$odc"
  if [ $have_peer = 1 ]; then
    peer=$(timeout 900 .venv/bin/python bench/transformer_llama.py "$MODEL" "$t" "$RUNS" 2>/dev/null || true)
    pp=$(echo "$peer" | get prefill_tok_s); pd=$(echo "$peer" | get decode_tok_s); pm=$(echo "$peer" | get peak_rss_mib)
    ppc=$(echo "$peer" | get prefill_tok_per_cpu_s); pdc=$(echo "$peer" | get decode_tok_per_cpu_s)
    printf "%-8s %-22s %12s %12s %10s %14s %14s\n" "$t" llama-cpp-python "$pp" "$pd" "$pm" "$ppc" "$pdc"
    r() { python3 -c "print('%.2fx' % ($1/$2))" 2>/dev/null || echo "-"; }
    printf "%-8s %-22s %12s %12s %10s %14s %14s\n" "$t" "ratio aieng/llama.cpp" "$(r $op $pp)" "$(r $od $pd)" \
      "$(r $om $pm)" "$(r $opc $ppc)" "$(r $odc $pdc)"
  fi
done
echo "$ours" | grep -E "weight_mb_per_token|read_bandwidth_gb_s|decode_bound_tok_s"
