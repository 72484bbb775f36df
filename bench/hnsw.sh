#!/usr/bin/env bash
# aieng_hnsw.h against hnswlib (PyPI, built for this CPU) on Fashion-MNIST:
# 60000 base vectors, the 10000 test images as queries, 784 dims, L2, M=16,
# ef_construction=200; build time at 1 and 2 threads, index memory, and
# recall@10 / queries per second on one thread for ef 10..320 (median of RUNS).
#   bash bench/hnsw.sh            (make bench runs it)
# Needs: Debian's dataset-fashion-mnist (installed here with apt-get when
# missing), .venv with hnswlib + numpy (tools/requirements-bench-hnsw.txt,
# installed by tools/setup.sh bench). Writes build/bench/hnsw/*, the plot
# bench/hnsw_fashion_mnist.svg, and prints the side-by-side table.
set -eu
cd "$(dirname "$0")/.."
RUNS=${RUNS:-3}
PARTS=${PARTS:-"aieng hnswlib sweep plot"}   # e.g. PARTS=plot to redo only the table and the plot
EFS=${EFS:-10,20,40,80,160,320}
D=build/bench/hnsw
mkdir -p "$D"

if [ ! -f /usr/share/datasets/fashion-mnist/train-images-idx3-ubyte.gz ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 || \
    { echo "hnsw bench: please install the Debian package dataset-fashion-mnist" >&2; exit 1; }
fi
PY=.venv/bin/python
if ! $PY -c "import hnswlib, numpy" 2>/dev/null; then
  bash tools/setup.sh bench
  $PY -c "import hnswlib, numpy" || { echo "hnsw bench: hnswlib did not install into .venv" >&2; exit 1; }
fi
make --no-print-directory build/aieng-hnsw >/dev/null

[ -f $D/base.fvecs ] && [ -f $D/query.fvecs ] || $PY bench/hnsw_bench.py prepare $D
# exact top-10 by brute force (aieng_hnsw_search_exact over the same storage)
[ -f $D/gt.ivecs ] || build/aieng-hnsw gt --metric l2 $D/base.fvecs $D/query.fvecs -k 10 --out $D/gt.ivecs --threads "$(nproc)"

if [[ " $PARTS " == *" aieng "* ]]; then
  echo "== aieng_hnsw build (M=16, ef_construction=200): float32 and int8 storage, 1 and 2 threads"
  : > $D/aieng_build.txt
  for s in f32 int8; do
    flag=""; [ $s = int8 ] && flag=--int8
    for t in 1 2; do
      build/aieng-hnsw build --metric l2 -M 16 --ef-construction 200 --threads $t $flag $D/base.fvecs $D/index_${s}_t$t.hnsw \
        | sed "s/^/$s threads $t /" | tee -a $D/aieng_build.txt
    done
  done
  echo "== aieng_hnsw filtered search (float32 index, ef 64, 1000 queries; exact filtered top-10 as truth)"
  build/aieng-hnsw filter-bench $D/index_f32_t1.hnsw $D/query.fvecs -k 10 --ef 64 --nq 1000 | tee $D/aieng_filter.txt
fi

if [[ " $PARTS " == *" hnswlib "* ]]; then
  echo "== hnswlib build (saves build/bench/hnsw/hnswlib_t1.bin)"
  $PY bench/hnsw_bench.py hnswlib $D | tee $D/hnswlib.txt
fi

if [[ " $PARTS " == *" sweep "* ]]; then
  echo "== search sweep, one thread, interleaved: hnswlib, aieng float32, aieng int8 (median of $RUNS)"
  $PY bench/hnsw_bench.py sweep $D --aieng f32=$D/index_f32_t1.hnsw,int8=$D/index_int8_t1.hnsw --efs "$EFS" --runs "$RUNS"
fi

if [[ " $PARTS " == *" plot "* ]]; then
  echo "== side by side (QPS per CPU second: the machine is shared; wall-clock QPS in the table too)"
  $PY bench/hnsw_bench.py plot bench/hnsw_fashion_mnist.svg $D/aieng_f32_sweep.txt $D/hnswlib_sweep.txt $D/aieng_int8_sweep.txt
  [ -f $D/aieng_filter.txt ] && cat $D/aieng_filter.txt
  awk '{v[$1" "$3" "$4]=$5} END{for (s in v) if (s ~ /build_cpu_seconds|build_seconds|memory_bytes/) print "aieng " s, v[s]}' $D/aieng_build.txt | sort
  awk '/build_seconds|build_cpu_seconds/{print "hnswlib", $1, "threads", $4, $2} /memory_bytes/{print "hnswlib memory_bytes (RSS growth)", $2}' $D/hnswlib.txt
fi
