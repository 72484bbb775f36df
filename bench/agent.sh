#!/usr/bin/env bash
# aieng_agent.h benchmarks, both printed and meant for bench/RESULTS.md "## aieng_agent.h":
#  1. Per-token cost of grammar-constrained sampling over a 49152-token byte-level BPE
#     vocabulary (build/bench/agent: ranks 0..49150 of GPT-2's r50k_base from
#     tests/data/bpe plus an EOS id), for JSON-Schema grammars: mask with the per-state
#     cache (as in decoding), a cold trie walk, the sample-then-check fast path, and the
#     naive baseline that checks every token; medians over REPEAT runs.
#  2. JSON Schema -> grammar coverage on the JSONSchemaBench subset (internal data, used in
#     place from ../shared/data/json/schemas, never copied; random-logit generation runs on
#     the AIENG_SCHEMA_ORDERED grammars, whose walks end), side by side with llama.cpp's
#     converter: llama_cpp/llama_grammar.py, pure Python, taken from the llama-cpp-python
#     sdist fetched with `pip download` into build/bench (no C++ build is needed for it).
#  3. Decode speed of SmolLM2-135M-Instruct with a JSON-Schema grammar against unconstrained,
#     side by side in one process (build/bench/agent_decode: two copies of the model
#     alternating token by token, same prompt, same token count, greedy); needs `make model`.
#  4. BM25 retrieval against rank_bm25 (bench/agent_bm25_peer.py runs build/bench/agent_bm25;
#     rank-bm25 and numpy in .venv from tools/requirements-bench-agent.txt).
#  5. Tool calling on BFCL v4 (build/bench/agent_bfcl, the first BFCL_N entries of each
#     single-turn category from ../shared/data/agent/bfcl): SmolLM2 under the reply grammar
#     and unconstrained, the same prompts, scored by the C port of BFCL's AST checker.
#   bash bench/agent.sh                 REPEAT=5 RUNS=10 DECODE_RUNS=5 BFCL_N=50 bash bench/agent.sh
set -euo pipefail
cd "$(dirname "$0")/.."
REPEAT=${REPEAT:-3}
RUNS=${RUNS:-10}
DATA=${JSON_SCHEMAS:-../shared/data/json/schemas}
LLAMA_VERSION=${LLAMA_VERSION:-0.3.36}
DECODE_RUNS=${DECODE_RUNS:-5}
MODEL=${MODEL:-models/SmolLM2-135M-Instruct.Q4_1.gguf}
BFCL_N=${BFCL_N:-20}
BFCL=${BFCL:-../shared/data/agent/bfcl}
make --no-print-directory build/bench/agent build/bench/agent_schemas build/bench/agent_decode build/bench/agent_bm25 build/bench/agent_bfcl >/dev/null
echo "machine: $(nproc) cores, $(grep -m1 'model name' /proc/cpuinfo | cut -d: -f2 | sed 's/^ //'), $(date -u +%F)"

echo "== constrained sampling, per generated token (medians of $REPEAT runs x $RUNS generations per schema)"
tmp=$(mktemp)
for r in $(seq "$REPEAT"); do ./build/bench/agent tests/data/bpe/r50k_base.tiktoken "$RUNS" 2>/dev/null | tail -n +3 >> "$tmp"; done
./build/bench/agent tests/data/bpe/r50k_base.tiktoken 1 2>/dev/null | grep -E "^(vocabulary|token trie)"
python3 - "$tmp" <<'PY'
import sys, statistics, collections
rows = collections.OrderedDict()
for line in open(sys.argv[1]):
    f = line.split()
    if len(f) < 10: continue
    name = " ".join(f[:-9]); rows.setdefault(name, []).append(f[-9:])
print(f"{'schema':14s} {'tokens':>7s} {'mask us':>9s} {'cold us':>9s} {'fast us':>8s} {'naive us':>9s} {'hits':>6s} {'nodes/walk':>10s} {'naive/cold':>10s} {'valid':>7s}")
for name, rs in rows.items():
    med = lambda i: statistics.median(float(r[i].rstrip('%x')) for r in rs)
    print(f"{name:14s} {int(med(0)):7d} {med(1):9.1f} {med(2):9.1f} {med(3):8.2f} {med(4):9.0f} {med(5):5.1f}% {med(6):10.0f} {med(4)/med(2):9.0f}x {rs[0][8]:>7s}")
PY
rm -f "$tmp"

echo "== decode speed with a grammar vs without (SmolLM2-135M-Instruct, 128 tokens, medians of $DECODE_RUNS runs; load: $(cut -d' ' -f1-3 /proc/loadavg))"
if [ -f "$MODEL" ]; then ./build/bench/agent_decode "$MODEL" 128 "$DECODE_RUNS"
else echo "agent: $MODEL missing (make model); decode speed NOT measured" >&2; fi

echo "== JSON Schema -> grammar coverage ($DATA)"
echo "== BM25 retrieval, aieng_agent.h against rank_bm25 (same corpus and queries)"
if [ -x .venv/bin/python ] && .venv/bin/python -c "import rank_bm25, numpy" 2>/dev/null || \
   { bash tools/setup.sh bench >/dev/null 2>&1 && .venv/bin/python -m pip install -q -r tools/requirements-bench-agent.txt >/dev/null 2>&1 && \
     .venv/bin/python -c "import rank_bm25, numpy" 2>/dev/null; }; then
  .venv/bin/python bench/agent_bm25_peer.py build/bench/agent_bm25 20
else echo "agent: rank_bm25 not installable into .venv; BM25 peer skipped" >&2; fi
echo "== tool calling, BFCL v4 single-turn (first $BFCL_N entries per category), SmolLM2-135M-Instruct"
if [ -f "$MODEL" ] && [ -d "$BFCL" ]; then
  ./build/bench/agent_bfcl "$MODEL" "$BFCL" "$BFCL_N" 2>/dev/null
  ./build/bench/agent_bfcl "$MODEL" "$BFCL" "$BFCL_N" --free 2>/dev/null
else echo "agent: $MODEL or $BFCL missing; BFCL skipped" >&2; fi
if [ ! -d "$DATA" ]; then echo "agent: $DATA not found; coverage skipped" >&2; exit 0; fi
echo "-- aieng_agent.h (strict: an unsupported keyword is an error; members in any order)"
./build/bench/agent_schemas "$DATA" 2>/dev/null
echo "-- aieng_agent.h strict, AIENG_SCHEMA_ORDERED (members in schema order), with random-logit generation"
./build/bench/agent_schemas "$DATA" --ordered --generate 2 tests/data/bpe/r50k_base.tiktoken 2>/dev/null
echo "-- aieng_agent.h with AIENG_SCHEMA_RELAX (unsupported keywords widen the grammar, are named, and the validator checks the answer)"
./build/bench/agent_schemas "$DATA" --relax 2>/dev/null
echo "-- the same, AIENG_SCHEMA_ORDERED, with random-logit generation"
./build/bench/agent_schemas "$DATA" --relax --ordered --generate 2 tests/data/bpe/r50k_base.tiktoken 2>/dev/null
LG=build/bench/llama_grammar.py
if [ ! -f "$LG" ]; then
  mkdir -p build/bench/llp
  if python3 -m pip download "llama-cpp-python==$LLAMA_VERSION" --no-deps --no-binary :all: -d build/bench/llp -q 2>/dev/null; then
    tar -xzf "build/bench/llp/llama_cpp_python-$LLAMA_VERSION.tar.gz" -C build/bench/llp "llama_cpp_python-$LLAMA_VERSION/llama_cpp/llama_grammar.py"
    cp "build/bench/llp/llama_cpp_python-$LLAMA_VERSION/llama_cpp/llama_grammar.py" "$LG"
  fi
fi
if [ -f "$LG" ]; then
  echo "-- llama.cpp's converter (llama-cpp-python $LLAMA_VERSION, llama_grammar.json_schema_to_gbnf), same matcher"
  rm -rf build/bench/llama_gbnf
  python3 bench/agent_llama.py "$DATA" build/bench/llama_gbnf "$LG" 2>/dev/null
  ./build/bench/agent_schemas "$DATA" --gbnf build/bench/llama_gbnf
else
  echo "agent: could not fetch llama-cpp-python's sdist; llama.cpp column skipped" >&2
fi
