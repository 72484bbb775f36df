#!/usr/bin/env bash
# aieng_bpe.h against native tiktoken (pip `tiktoken`, loading the same .tiktoken
# file through tiktoken.Encoding) and bpe-openai, side by side, one thread,
# encode call only, median of REPEAT runs of process CPU time (the machine is
# shared). Peers come from tools/requirements-bench-bpe.txt (tools/setup.sh bench).
#   bash bench/bpe.sh            # corpus throughput, scaling table, training
#   REPEAT=7 bash bench/bpe.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-5}
PY=.venv/bin/python
make --no-print-directory build/aieng-bpe >/dev/null
mkdir -p build/bench
CORPUS=build/bench/bpe_corpus.txt
[ -s "$CORPUS" ] || python3 bench/bpe_corpus.py "$CORPUS" 10
have_py=1; [ -x "$PY" ] && "$PY" -c "import tiktoken" 2>/dev/null || { have_py=0; echo "bpe: no tiktoken in .venv (tools/setup.sh bench); peers skipped" >&2; }
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"
echo "corpus: $CORPUS, $(stat -c %s "$CORPUS") bytes (English prose + C/Python code from /usr)"

for enc in cl100k o200k; do
  vocab=tests/data/bpe/${enc}_base.tiktoken
  ours=$(./build/aieng-bpe bench --vocab "$vocab" --pattern $enc --input "$CORPUS" --repeat "$REPEAT" | awk '/^MB\/s/ {print $2}')
  echo "== ${enc}_base encode, MB/s"
  printf "  %-12s %8s\n" aieng-bpe "$ours"
  if [ $have_py = 1 ]; then
    "$PY" bench/bpe_peer.py encode "$vocab" ${enc}_base "$CORPUS" "$REPEAT" | while read -r name mbs ntok; do
      printf "  %-12s %8s   aieng-bpe is %.2fx\n" "$name" "$mbs" "$(echo "$ours / $mbs" | bc -l)"
    done
  fi
done

echo "== scaling, cl100k_base, ns per byte (unsplittable inputs)"
./build/aieng-bpe bench --vocab tests/data/bpe/cl100k_base.tiktoken --pattern cl100k --scaling --repeat "$REPEAT" | sed 's/^/  aieng-bpe /'
if [ $have_py = 1 ]; then
  "$PY" bench/bpe_peer.py scaling tests/data/bpe/cl100k_base.tiktoken cl100k_base 3 2>/dev/null | sed 's/^/  /' || true
fi

echo "== training 32768-token vocabulary on the corpus (o200k pattern), seconds"
t0=$(./build/aieng-bpe train --vocab-size 32768 --pattern o200k --out build/bench/bpe_trained32k.tiktoken < "$CORPUS" 2>&1 | awk '/tokens from/ {print $(NF-1)}')
echo "  aieng-bpe $t0 (CPU)"
[ $have_py = 1 ] && { "$PY" bench/bpe_peer.py train "$CORPUS" 32768 2>/dev/null | sed 's/^/  /' || true; }
# the trained vocabulary round-trips through the CLI, and tiktoken reads it with the same ids
head -c 2000000 "$CORPUS" | sed '$d' > build/bench/bpe_corpus_2mb.txt  # whole lines
./build/aieng-bpe encode --vocab build/bench/bpe_trained32k.tiktoken --pattern o200k < build/bench/bpe_corpus_2mb.txt > build/bench/bpe_trained_ids.txt
./build/aieng-bpe decode --vocab build/bench/bpe_trained32k.tiktoken < build/bench/bpe_trained_ids.txt | cmp -s - build/bench/bpe_corpus_2mb.txt \
  && echo "  trained vocabulary: CLI encode|decode round trip on 2 MB: ok" || { echo "  trained vocabulary: round trip FAILED"; exit 1; }
if [ $have_py = 1 ]; then
  "$PY" - <<'PYEOF'
import base64, json, tiktoken
ranks = {}
for line in open("build/bench/bpe_trained32k.tiktoken", "rb"):
    t, r = line.split(); ranks[base64.b64decode(t)] = int(r)
pat = json.load(open("tests/data/bpe/o200k_base.json"))["pat_str"]
enc = tiktoken.Encoding(name="trained", pat_str=pat, mergeable_ranks=ranks, special_tokens={})
ids = enc.encode_ordinary(open("build/bench/bpe_corpus_2mb.txt", encoding="utf-8", errors="replace").read())
ours = [int(x) for x in open("build/bench/bpe_trained_ids.txt").read().split()]
print("  trained vocabulary: tiktoken loads it (%d tokens); same ids as aieng-bpe: %s" % (len(ranks), ids == ours))
PYEOF
fi
