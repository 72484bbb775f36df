#!/usr/bin/env bash
# Installs what `make test` / `make bench` need and is missing.
#   tools/setup.sh test   - cross compiler + qemu for the aarch64 variant, clang for fuzzing
#   tools/setup.sh bench  - OpenBLAS and the Python peers (in .venv/, ignored by git)
# Debian packages go through apt-get when we can; otherwise we stop and name them.
set -u
what="${1:-test}"
cd "$(dirname "$0")/.."

need_pkgs=()
have() { command -v "$1" >/dev/null 2>&1; }
if [ "$what" = test ] || [ "$what" = bench ]; then
  have aarch64-linux-gnu-gcc || need_pkgs+=(gcc-aarch64-linux-gnu libc6-dev-arm64-cross)
  have qemu-aarch64 || need_pkgs+=(qemu-user)
  have g++ || need_pkgs+=(g++)
fi
if [ "$what" = fuzz ]; then
  have clang || need_pkgs+=(clang)
fi
if [ "$what" = bench ]; then
  [ -e /usr/include/x86_64-linux-gnu/cblas.h ] || [ -e /usr/include/cblas.h ] || \
    ls /usr/include/*/cblas*.h >/dev/null 2>&1 || need_pkgs+=(libopenblas-dev)
  have python3 || need_pkgs+=(python3 python3-venv)
  [ -d /usr/share/fashion-mnist ] || dpkg -s dataset-fashion-mnist >/dev/null 2>&1 || need_pkgs+=(dataset-fashion-mnist)
fi

if [ ${#need_pkgs[@]} -gt 0 ]; then
  echo "setup: installing ${need_pkgs[*]}" >&2
  SUDO=""
  [ "$(id -u)" = 0 ] || SUDO="sudo -n"
  if ! { $SUDO apt-get update -qq >/dev/null 2>&1 && \
         DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -qq "${need_pkgs[@]}" >/dev/null 2>&1; }; then
    echo "setup: cannot install Debian packages; please install: ${need_pkgs[*]}" >&2
    exit 1
  fi
fi

# the transformer test runs the default model: fetch it (make model) when missing;
# if that fails the test itself fails and names the file
if [ "$what" = test ] || [ "$what" = bench ]; then
  if [ -f tests/test_transformer.c ] && [ -x tools/get_model.sh ] || [ -f tools/get_model.sh ]; then
    bash tools/get_model.sh || echo "setup: could not fetch the default model (make model); its tests will fail" >&2
  fi
fi

if [ "$what" = bench ]; then
  if [ ! -x .venv/bin/python ]; then
    python3 -m venv .venv || { echo "setup: python3 -m venv failed (install python3-venv)" >&2; exit 1; }
  fi
  # each benchmark lists its Python peers in tools/requirements-bench-*.txt
  for r in tools/requirements-bench-*.txt; do
    [ -f "$r" ] || continue
    stamp=".venv/.$(basename "$r").$(md5sum < "$r" | cut -c1-12)"
    [ -f "$stamp" ] && continue
    echo "setup: pip install -r $r" >&2
    .venv/bin/pip install -q -r "$r" >&2 && touch "$stamp" || echo "setup: some of $r did not install; its benchmark will say so" >&2
  done
fi
exit 0
