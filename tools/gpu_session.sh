#!/usr/bin/env bash
# Everything aieng_cuda.h needs a GPU for, in one call on the GPU machine (repo root):
#   1. builds tests/test_cuda.cu and bench/cuda_bench.cu with nvcc for this GPU (-arch=native)
#   2. runs the kernel tests (every kernel against its CPU reference)
#   3. optionally runs the tests again under compute-sanitizer (memcheck), reduced sizes
#   4. SmolLM2 on the GPU (aieng-run --gpu's forward pass, bench/cuda_llama.cu): greedy
#      tokens of 3 chat prompts against aieng_transformer.h's CPU path (identical up to
#      near-ties), aieng_run_gpu_generate's text against aieng_model_generate's, prefill and
#      decode tokens/s; and build/aieng-run-gpu (aieng-run with --gpu) when aieng-run.c has it.
#      Model: models/SmolLM2-135M-Instruct.Q4_1.gguf if present (or joined from the three
#      parts tools/gpu_prepare.sh writes, carried over three calls), else the 3-layer cut
#      models/SmolLM2-3L.Q4_1.gguf (checked, and timed repeated to 30 layers). The GPU
#      machine cannot download: before the device call run `bash tools/gpu_prepare.sh` here
#      and carry models/SmolLM2-3L.Q4_1.gguf (37 MiB; with the repo, about 23 MiB, that stays under the 64 MiB limit).
#   5. times GEMM (vs torch.matmul = cuBLAS), flash attention (vs PyTorch's
#      scaled_dot_product_attention, flash backend) and GGUF matvec (vs a device copy)
#   6. prints one table with the ratios, also written as Markdown for bench/RESULTS.md
# Usage: bash tools/gpu_session.sh [quick] [sanitize] [notest] [nobench] [nollama]
# Logs go to $OUT (the device tool's folder) or build/gpu. Needs nvcc and python3 with torch.
# Typical device calls (each well inside the tool's 600 s):
#   bash tools/gpu_session.sh                   build, tests, bench, table (about 5 min)
#   bash tools/gpu_session.sh sanitize nobench  tests again under compute-sanitizer
#   AIENG_CUDA_TESTS=matvec AIENG_BENCH=matvec AIENG_MV_VARIANTS="2 3" bash tools/gpu_session.sh nollama
#                                               the matvec tests only (test_cuda reads
#                                               AIENG_CUDA_TESTS), then the matvec kernels side by
#                                               side: variant 1 (the default), 2 and 3
#                                               (aieng_cuda_config.matvec_variant; AIENG_MV_SWEEP=1:
#                                               each also at 1, 2, 4, 8 rows per warp); table on
#                                               stdout, lines appended to profile.txt
#   AIENG_ATTN_VARIANT=6 bash tools/gpu_session.sh ...
#                                               also times attention with aieng_cuda_config.attn_tile
#                                               6 (softmax overlapped with P·V) next to the default
# AIENG_GPU_BUDGET (default 560 s) caps the whole call: later steps get what is left.
set -u
cd "$(dirname "$0")/.."
LOG=build/gpu
mkdir -p "$LOG" build
# the device tool brings back at most 8 files from $OUT: copy a digest of the logs there at exit
collect() {
  [ -n "${OUT:-}" ] || return 0
  cat "$LOG"/build_*.log >"$OUT/build.log" 2>/dev/null
  cat "$LOG"/run_* >"$OUT/run.txt" 2>/dev/null
  cat "$LOG"/bench_variant.txt "$LOG"/bench_mv_variants.txt >>"$LOG/profile.txt" 2>/dev/null
  for f in test_cuda.log llama.txt bench_ours.txt bench_torch.txt table.md profile.txt; do
    [ -f "$LOG/$f" ] && cp "$LOG/$f" "$OUT/"
  done
  return 0
}
trap collect EXIT
rm -f "$LOG"/*.log "$LOG"/*.txt "$LOG"/*.md
quick=""; sanitize=0; dotest=1; dobench=1; dollama=1; profile=0
for a in "$@"; do
  case $a in quick) quick=quick ;; sanitize) sanitize=1 ;; notest) dotest=0 ;; nobench) dobench=0 ;; nollama) dollama=0 ;; profile) profile=1 ;; esac
done
NVCC=${NVCC:-nvcc}
command -v "$NVCC" >/dev/null 2>&1 || NVCC=/usr/local/cuda/bin/nvcc
PY=${PYTHON:-python3}
T0=$(date +%s)
stamp() { echo "[$(( $(date +%s) - T0 ))s] $*"; }
BUDGET=${AIENG_GPU_BUDGET:-560}   # seconds for the whole call (the device tool stops a command at 600)
left() { echo $(( BUDGET - ($(date +%s) - T0) )); }
cap() { local l; l=$(left); [ "$l" -lt 10 ] && l=10; [ "$l" -lt "$1" ] && echo "$l" || echo "$1"; }

echo "== machine"
date -u '+%Y-%m-%d %H:%M UTC'
nvidia-smi --query-gpu=name,driver_version,memory.total,clocks.max.sm,clocks.max.mem --format=csv,noheader 2>&1 | head -2
"$NVCC" --version | tail -1
echo "nproc $(nproc), $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2)"

echo "== build"
# sm_90 (H100/H200): build for sm_90a, which has the wgmma GEMM; else for the GPU at hand
ARCH=-arch=native
[ "$(nvidia-smi --query-gpu=compute_cap --format=csv,noheader 2>/dev/null | head -1)" = "9.0" ] && ARCH="-gencode=arch=compute_90a,code=sm_90a"
FLAGS="-std=c++14 -O3 $ARCH -I. -Xcompiler -Wall,-Wextra -Xcudafe --diag_suppress=1675 -lineinfo"  # 1675: aieng_quant.h's #pragma GCC optimize
# rebuild only what is older than its sources (a warm machine keeps build/ between calls)
stale() { [ ! -x "$1" ] || [ -n "$(find "$2" aieng_cuda.h aieng_tensor.h tests/aieng_test.h -newer "$1" 2>/dev/null)" ]; }
r1=0; r2=0; r3=0; r4=0; p1=""; p2=""; p3=""; p4=""
LLAMA_SRC="bench/cuda_llama.cu examples/aieng_run_gpu.cu aieng_transformer.h aieng_quant.h aieng_bpe.h"
if stale build/test_cuda tests/test_cuda.cu; then
  "$NVCC" $FLAGS tests/test_cuda.cu -o build/test_cuda >"$LOG/build_test.log" 2>&1 & p1=$!
fi
if stale build/cuda_bench bench/cuda_bench.cu; then
  "$NVCC" $FLAGS bench/cuda_bench.cu -o build/cuda_bench >"$LOG/build_bench.log" 2>&1 & p2=$!
fi
if [ $dollama = 1 ] && { [ ! -x build/cuda_llama ] || [ -n "$(find $LLAMA_SRC aieng_cuda.h -newer build/cuda_llama 2>/dev/null)" ]; }; then
  "$NVCC" $FLAGS bench/cuda_llama.cu -o build/cuda_llama >"$LOG/build_llama.log" 2>&1 & p3=$!
fi
# aieng-run with --gpu (once examples/aieng-run.c has the option): its C part by cc, linked by nvcc
if [ $dollama = 1 ] && grep -q aieng_run_gpu_generate examples/aieng-run.c 2>/dev/null; then
  ( "$NVCC" -std=c++14 -O3 $ARCH -I. -Xcompiler -Wall,-Wextra -Xcudafe --diag_suppress=1675 -c examples/aieng_run_gpu.cu -o build/aieng_run_gpu.o &&
    ${CC:-cc} -std=c99 -O2 -march=native -I. -D_POSIX_C_SOURCE=200809L -DAIENG_RUN_GPU -c examples/aieng-run.c -o build/aieng-run-gpu.o &&
    "$NVCC" -o build/aieng-run-gpu build/aieng-run-gpu.o build/aieng_run_gpu.o -lm -lpthread ) >"$LOG/build_run.log" 2>&1 & p4=$!
fi
touch "$LOG/build_test.log" "$LOG/build_bench.log" "$LOG/build_llama.log" "$LOG/build_run.log"
[ -n "$p1" ] && { wait $p1; r1=$?; }
[ -n "$p2" ] && { wait $p2; r2=$?; }
[ -n "$p3" ] && { wait $p3; r3=$?; }
[ -n "$p4" ] && { wait $p4; r4=$?; }
cat "$LOG/build_test.log" "$LOG/build_bench.log" "$LOG/build_llama.log" "$LOG/build_run.log" | grep -E 'error|warning' | head -20
[ $r1 = 0 ] || { echo "BUILD FAILED: tests/test_cuda.cu"; exit 1; }
[ $r2 = 0 ] || { echo "BUILD FAILED: bench/cuda_bench.cu"; dobench=0; }
[ $r3 = 0 ] || { echo "BUILD FAILED: bench/cuda_llama.cu"; dollama=0; }
[ $r4 = 0 ] || echo "BUILD FAILED: aieng-run with --gpu (see $LOG/build_run.log)"
stamp "built"

rc=0
if [ $dotest = 1 ]; then
  echo "== tests"
  if [ "$ARCH" != -arch=native ]; then  # a hang of the wgmma GEMM must not eat the call
    AIENG_CUDA_TESTS=gemm timeout $(cap 60) ./build/test_cuda >"$LOG/gemm_first.log" 2>&1
    [ $? = 124 ] && { echo "WGMMA GEMM HUNG: the rest runs without it"; export AIENG_CUDA_NO_WGMMA=1; }
  fi
  timeout $(cap 240) ./build/test_cuda >"$LOG/test_cuda.log" 2>&1; rc=$?
  grep -E '^(device|FAIL|attention bf16: skipped)|passed, [0-9]+ failed' "$LOG/test_cuda.log" | head -60
  [ $rc = 124 ] && echo "TESTS TIMED OUT"
  stamp "tests rc=$rc"
  if command -v cuobjdump >/dev/null 2>&1; then
    echo "SASS of build/test_cuda: $(cuobjdump -sass build/test_cuda 2>/dev/null | grep -c GMMA) wgmma (HGMMA) instructions"
  fi
  if [ $sanitize = 1 ] && [ "$(left)" -lt 120 ]; then echo "== compute-sanitizer skipped: $(left) s left"; sanitize=0; fi
  if [ $sanitize = 1 ] && command -v compute-sanitizer >/dev/null 2>&1; then
    echo "== compute-sanitizer (memcheck, AIENG_TEST_QUICK=1)"
    AIENG_TEST_QUICK=1 timeout $(cap 240) compute-sanitizer --tool memcheck --print-limit 20 ./build/test_cuda >"$LOG/sanitize.log" 2>&1
    src=$?
    grep -E 'ERROR SUMMARY|Invalid|out of bounds|passed, [0-9]+ failed' "$LOG/sanitize.log" | head -20
    [ $src = 124 ] && echo "compute-sanitizer timed out"
    stamp "sanitize rc=$src"
  fi
fi

if [ $dollama = 1 ]; then
  echo "== SmolLM2 on the GPU against the CPU path (bench/cuda_llama.cu)"
  # the whole model may have come in three parts over three calls (tools/gpu_prepare.sh)
  if [ ! -f models/SmolLM2-135M-Instruct.Q4_1.gguf ] && [ -f models/parts/p2.sha256 ]; then
    if [ -f models/parts/p0 ] && [ -f models/parts/p1 ] && [ -f models/parts/p2 ]; then
      cat models/parts/p0 models/parts/p1 models/parts/p2 >models/joined.tmp
      if [ "$(sha256sum models/joined.tmp | cut -d' ' -f1)" = "$(cat models/parts/p2.sha256)" ]; then
        mv models/joined.tmp models/SmolLM2-135M-Instruct.Q4_1.gguf; echo "model: joined from 3 parts (sha256 ok)"
      else rm -f models/joined.tmp; echo "model: the 3 parts do not give the SHA-256 in models/parts/p2.sha256"; fi
    else echo "model: parts missing, have: $(cd models/parts && ls | tr "\n" " ")(the machine was given back between the calls?)"; fi
  fi
  if [ -f models/SmolLM2-135M-Instruct.Q4_1.gguf ]; then M=models/SmolLM2-135M-Instruct.Q4_1.gguf; LX=""
  elif [ -f models/SmolLM2-3L.Q4_1.gguf ]; then M=models/SmolLM2-3L.Q4_1.gguf; LX="--time-layers 30"
  else M=""; echo "no model: carry models/SmolLM2-3L.Q4_1.gguf (bash tools/gpu_prepare.sh makes it)"; fi
  if [ -n "$M" ]; then
    timeout $(cap 120) ./build/cuda_llama -m "$M" -n 32 --prompts 3 $LX >"$LOG/llama.txt" 2>&1; lrc=$?
    grep -v '^RESULT' "$LOG/llama.txt" | grep -v '^    \(cpu\|gpu\):' | head -30
    [ $lrc = 0 ] || { echo "LLAMA CHECK FAILED (rc=$lrc)"; [ $rc = 0 ] && rc=3; }
    stamp "llama rc=$lrc"
    if [ -x build/aieng-run-gpu ] && [ $r4 = 0 ]; then
      echo "== build/aieng-run-gpu --gpu (greedy, chat) and the CPU path"
      P="What is the capital of France? Answer in one sentence."
      timeout $(cap 60) ./build/aieng-run-gpu -m "$M" --chat -p "$P" -n 48 --temp 0 --gpu >"$LOG/run_gpu.txt" 2>"$LOG/run_gpu.err"
      timeout $(cap 60) ./build/aieng-run-gpu -m "$M" --chat -p "$P" -n 48 --temp 0 >"$LOG/run_cpu.txt" 2>"$LOG/run_cpu.err"
      tail -2 "$LOG/run_gpu.err"; tail -1 "$LOG/run_cpu.err"
      if cmp -s "$LOG/run_gpu.txt" "$LOG/run_cpu.txt"; then echo "aieng-run: the same text with and without --gpu"
      else echo "aieng-run: the texts differ:"; head -c 300 "$LOG/run_gpu.txt"; echo; head -c 300 "$LOG/run_cpu.txt"; echo; fi
      stamp "aieng-run --gpu"
    fi
  fi
fi

if [ $dobench = 1 ]; then
  echo "== bench (ours)"
  # AIENG_BENCH="attn" (or gemm, matvec) times only those; AIENG_ATTN_VARIANT=5 also times that attention variant
  timeout $(cap 240) ./build/cuda_bench $quick ${AIENG_BENCH:-} >"$LOG/bench_ours.txt" 2>&1; stamp "ours rc=$?"
  if [ -n "${AIENG_MV_SWEEP:-}" ] && [ -z "${AIENG_MV_VARIANTS:-}" ]; then  # matvec with 1, 2, 4, 8 rows per warp
    for r in 1 2 4 8; do
      AIENG_CUDA_MV_ROWS=$r timeout $(cap 60) ./build/cuda_bench matvec 2>&1 | grep '^RESULT matvec' | sed "s/^RESULT /rows=$r /"
    done | tee "$LOG/bench_variant.txt" | awk '{print $1, $2, $4}'
    stamp "matvec sweep"
  fi
  if [ -n "${AIENG_MV_VARIANTS:-}" ]; then  # e.g. "2 3": the matvec rows through those kernels too, next to 1
    for v in 1 $AIENG_MV_VARIANTS; do
      AIENG_CUDA_MV_VARIANT=$v timeout $(cap 90) ./build/cuda_bench $quick matvec 2>&1 | grep -E '^RESULT (matvec|copy)' | sed "s/^RESULT /variant=$v /"
      if [ -n "${AIENG_MV_SWEEP:-}" ]; then  # and at 1, 2, 4, 8 rows per warp
        for r in 1 2 4 8; do
          AIENG_CUDA_MV_VARIANT=$v AIENG_CUDA_MV_ROWS=$r timeout $(cap 60) ./build/cuda_bench $quick matvec 2>&1 | grep '^RESULT matvec' | sed "s/^RESULT \([^ ]*\)/variant=$v \1_rows$r/"
        done
      fi
    done >"$LOG/bench_mv_variants.txt"
    echo "== matvec kernels (aieng_cuda_config.matvec_variant; 1 is the default): GB/s, share of the device copy"
    $PY - "$LOG/bench_mv_variants.txt" <<'EOF'
import sys, re
d, keys, vs = {}, [], []
for line in open(sys.argv[1]):
    m = re.match(r'variant=(\d+) (\S+) ms=(\S+) value=(\S+) unit=\S+ check=(\S+)', line)
    if not m: continue
    v, k = m.group(1), m.group(2)
    if v not in vs: vs.append(v)
    if k not in keys and not k.startswith('copy'): keys.append(k)
    d[(v, k)] = (float(m.group(4)), m.group(5))
copy = d.get(('1', 'copy_d2d_1GiB'), (0.0, ''))[0]
print(f"device copy {copy:.0f} GB/s (read+write)")
print(f"{'kernel':<34}" + "".join(f"{'v' + v + ' GB/s':>12}{'share':>7}" for v in vs) + "".join(f"{'v' + v + '/v1':>8}" for v in vs[1:]))
for k in keys:
    row = f"{k:<34}"
    for v in vs:
        g, chk = d.get((v, k), (0.0, 'missing'))
        row += f"{g:>12.0f}{(g / copy if copy else 0):>7.2f}" if chk == 'ok' else f"{chk:>19}"
    b = d.get(('1', k), (0.0, ''))[0]
    row += "".join(f"{(d.get((v, k), (0.0, ''))[0] / b if b else 0):>8.2f}" for v in vs[1:])
    print(row)
EOF
    stamp "matvec variants"
  fi
  if [ -n "${AIENG_ATTN_VARIANT:-}" ]; then
    AIENG_CUDA_ATTN_TILE=$AIENG_ATTN_VARIANT timeout $(cap 120) ./build/cuda_bench $quick attn >"$LOG/bench_variant.txt" 2>&1
    echo "== attention variant $AIENG_ATTN_VARIANT (ms): default vs variant"
    join <(grep '^RESULT attn' "$LOG/bench_ours.txt" | awk '{print $2, $3}' | sort) \
         <(grep '^RESULT attn' "$LOG/bench_variant.txt" | awk '{print $2, $3}' | sort) | awk '{printf "%-40s %10s %10s\n", $1, $2, $3}'
    stamp "variant"
  fi
  grep -v '^RESULT' "$LOG/bench_ours.txt" | head -5
  echo "== bench (torch)"
  PYTHONUNBUFFERED=1 timeout $(cap 200) $PY bench/cuda_peer.py $quick ${AIENG_BENCH:-} >"$LOG/bench_torch.txt" 2>&1; stamp "torch rc=$?"
  grep -v '^RESULT' "$LOG/bench_torch.txt" | head -5
  echo "== table"
  $PY - "$LOG/bench_ours.txt" "$LOG/bench_torch.txt" "$LOG/table.md" "$LOG/llama.txt" <<'EOF'
import sys, re
def load(p):
    d = {}
    try:
        for line in open(p):
            m = re.match(r'RESULT (\S+) ms=(\S+) value=(\S+) unit=(\S+) check=(\S+)', line)
            if m: d[m.group(1)] = (float(m.group(2)), float(m.group(3)), m.group(4), m.group(5))
    except OSError: pass
    return d
ours, torch_ = load(sys.argv[1]), load(sys.argv[2])
dev = ""
for line in open(sys.argv[1]):
    if line.startswith("DEVICE"): dev = line.split(None, 1)[1].strip()
rows = ["| kernel | aieng ms | aieng | peer ms | peer | ratio | check |", "|---|---|---|---|---|---|---|"]
copy = torch_.get("copy_d2d_1GiB") or ours.get("copy_d2d_1GiB")
for k, (ms, v, unit, chk) in ours.items():
    if k.startswith("copy"):
        rows.append(f"| {k} (device copy, read+write) | {ms:.3f} | {v:.0f} {unit} | | | | {chk} |"); continue
    if k.startswith("matvec") and copy:
        rows.append(f"| {k} | {ms:.4f} | {v:.0f} {unit} | (copy) | {copy[1]:.0f} GB/s | {v / copy[1]:.2f} | {chk} |"); continue
    p = torch_.get(k)
    if p: rows.append(f"| {k} | {ms:.3f} | {v:.1f} {unit} | {p[0]:.3f} | {p[1]:.1f} {unit} | {v / p[1]:.2f} | {chk}{'' if p[3] == 'ok' else ' (peer: ' + p[3] + ')'} |")
    else: rows.append(f"| {k} | {ms:.3f} | {v:.1f} {unit} | | | | {chk} |")
for k, (ms, v, unit, chk) in load(sys.argv[4]).items():  # SmolLM2 forward pass: ms per token
    rows.append(f"| {k} (ms/token) | {ms:.3f} | {v:.1f} {unit} | | | | {chk} |")
out = "\n".join([f"device: {dev}", "ratio = aieng / peer (peer: torch.matmul for GEMM, SDPA flash backend for attention, a device-to-device copy for matvec)", ""] + rows)
print(out)
open(sys.argv[3], "w").write(out + "\n")
EOF
fi
if [ $profile = 1 ] && command -v ncu >/dev/null 2>&1 && [ "$(left)" -gt 60 ]; then
  echo "== ncu: flash attention (f16, 4×32×4096×128) and the GEMM (4096³) -> profile.txt"
  NS="--section SpeedOfLight --section Occupancy --section LaunchStats --section WarpStateStats --section ComputeWorkloadAnalysis --section MemoryWorkloadAnalysis"
  if [ "${AIENG_PROFILE:-}" = matvec ]; then  # the quantized matvec kernels instead
    MV="--metrics dram__throughput.avg.pct_of_peak_sustained_elapsed,l1tex__throughput.avg.pct_of_peak_sustained_active,l1tex__data_pipe_lsu_wavefronts_mem_shared.sum,l1tex__t_requests_pipe_lsu_mem_global_op_ld.sum,l1tex__t_sectors_pipe_lsu_mem_global_op_ld.sum,smsp__issue_active.avg.pct_of_peak_sustained_active,smsp__inst_executed.sum"
    for t in q8_0 q4_0 q4_1 q4_k q6_k; do timeout $(cap 40) ncu $NS $MV -k regex:matvec -c 1 ./build/cuda_bench mv:$t; done >"$LOG/profile.txt" 2>&1
  else
  { timeout $(cap 60) ncu $NS -k regex:flash -c 1 ./build/cuda_bench attn1
    timeout $(cap 60) ncu $NS -k regex:gemm -c 1 ./build/cuda_bench gemm quick; } >"$LOG/profile.txt" 2>&1
  fi
  grep -E 'Duration|Compute \(SM\) Throughput|Memory Throughput|Registers Per|Achieved Occupancy|Stall|Warp Cycles Per Issued' "$LOG/profile.txt" | head -30
  stamp "profile"
fi
stamp "done"
exit $rc
