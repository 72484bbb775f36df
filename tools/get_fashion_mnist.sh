#!/usr/bin/env bash
# Unpacks Fashion-MNIST (Debian's dataset-fashion-mnist, gzip IDX files) into
# build/data/fashion-mnist/, where build/mnist_mlp looks for it.
#   bash tools/get_fashion_mnist.sh
set -eu
cd "$(dirname "$0")/.."
src=/usr/share/datasets/fashion-mnist
dst=build/data/fashion-mnist
if [ ! -f "$src/train-images-idx3-ubyte.gz" ]; then
  SUDO=""; [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  echo "get_fashion_mnist: installing dataset-fashion-mnist" >&2
  $SUDO apt-get install -y -qq dataset-fashion-mnist >/dev/null 2>&1 || {
    echo "get_fashion_mnist: please install the Debian package dataset-fashion-mnist" >&2; exit 1; }
fi
mkdir -p "$dst"
for f in train-images-idx3-ubyte train-labels-idx1-ubyte t10k-images-idx3-ubyte t10k-labels-idx1-ubyte; do
  [ -f "$dst/$f" ] || gunzip -c "$src/$f.gz" > "$dst/$f"
done
echo "get_fashion_mnist: files in $dst" >&2
