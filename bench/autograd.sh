#!/usr/bin/env bash
# aieng_autograd.h: one GPT-2 training step (forward, backward, clipping, AdamW; vocab 4096,
# 4 layers, 4 heads, width 256, context 256, batch 8, float32) against PyTorch on
# the CPU, same initialisation and data, and both loss curves over 200 steps.
#   bash bench/autograd.sh [rounds]     (default 2 rounds of timings, alternating sides;
#                                        AUTOGRAD_CURVE_THREADS=N for the 200-step curves, default 2)
# Needs torch in .venv/ (tools/setup.sh bench installs tools/requirements-bench-autograd.txt).
# Writes build/bench/autograd_{aieng,torch}_loss.csv and build/bench/autograd_loss.svg.
set -e
cd "$(dirname "$0")/.."
rounds=${1:-2}
py=.venv/bin/python
if ! $py -c "import torch" 2>/dev/null; then
  echo "autograd bench: torch is not installed in .venv (bash tools/setup.sh bench); skipped"; exit 0
fi
make -s build/bench/autograd
data=build/bench/autograd_data.bin
[ -f $data ] || $py bench/autograd_torch.py prepare $data
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F), load $(cut -d' ' -f1 /proc/loadavg)"
log=build/bench/autograd_times.txt
: > $log
for r in $(seq "$rounds"); do   # alternate the two sides so that both see the same machine load
  build/bench/autograd $data time | tee -a $log
  $py bench/autograd_torch.py time $data | tee -a $log
done
awk '
  /step_ms/ { v[$1 " " $3] = v[$1 " " $3] " " $5 }
  function med(s,   a, n, i, j, t) { n = split(s, a, " "); for (i = 1; i <= n; i++) for (j = i + 1; j <= n; j++) if (a[j] < a[i]) { t = a[i]; a[i] = a[j]; a[j] = t }
                                     return n % 2 ? a[(n + 1) / 2] : (a[n / 2] + a[n / 2 + 1]) / 2 }
  /cpu_ms/ { c[$1 " " $3] = c[$1 " " $3] " " $7 }
  END { for (t = 1; t <= 2; t++) { a = med(v["aieng " t]); p = med(v["torch " t]); ca = med(c["aieng " t]); cp = med(c["torch " t]);
          printf "threads %d: aieng %.0f ms, torch %.0f ms per step, aieng/torch = %.2f   (CPU time per step: %.0f vs %.0f ms, %.2f)\n", t, a, p, a / p, ca, cp, ca / cp } }' $log
build/bench/autograd $data curve build/bench/autograd_aieng_loss.csv
$py bench/autograd_torch.py curve $data build/bench/autograd_torch_loss.csv
paste -d, build/bench/autograd_aieng_loss.csv build/bench/autograd_torch_loss.csv | awk -F, '
  NR > 1 { d = $2 - $4; if (d < 0) d = -d; if (d > m) { m = d; at = $1 }
           if ($1 % 25 == 0 || $1 == 199) printf "step %3d  loss aieng %.4f  torch %.4f\n", $1, $2, $4
           a[NR] = $2; p[NR] = $4; n = NR }
  END { printf "loss curves: largest difference %.4f at step %d\n", m, at
        lo = 1e9; hi = -1e9; for (i = 2; i <= n; i++) { if (a[i] < lo) lo = a[i]; if (p[i] < lo) lo = p[i]; if (a[i] > hi) hi = a[i]; if (p[i] > hi) hi = p[i] }
        svg = "build/bench/autograd_loss.svg"
        printf "<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"640\" height=\"360\" font-family=\"sans-serif\" font-size=\"12\"><rect width=\"640\" height=\"360\" fill=\"white\"/>\n" > svg
        printf "<text x=\"320\" y=\"20\" text-anchor=\"middle\">GPT-2 4x256, 200 AdamW steps: aieng (blue) and PyTorch (orange, dashed)</text>\n" > svg
        printf "<text x=\"55\" y=\"44\" text-anchor=\"end\">%.2f</text><text x=\"55\" y=\"320\" text-anchor=\"end\">%.2f</text>\n", hi, lo > svg
        for (k = 0; k < 2; k++) { printf "<polyline fill=\"none\" stroke=\"%s\" stroke-width=\"1.5\"%s points=\"", k ? "#ff7f0e" : "#1f77b4", k ? " stroke-dasharray=\"4 3\"" : "" > svg
          for (i = 2; i <= n; i++) printf "%.1f,%.1f ", 60 + 560 * (i - 2) / (n - 2), 320 - 280 * ((k ? p[i] : a[i]) - lo) / (hi - lo + 1e-9) > svg
          printf "\"/>\n" > svg }
        printf "</svg>\n" > svg }'
