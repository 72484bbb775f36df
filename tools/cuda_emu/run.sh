#!/usr/bin/env bash
# Runs tests/test_cuda.cu on the CPU: the kernels of aieng_cuda.h execute in an emulation of
# CUDA threads (cooperative, ucontext), block/warp barriers, shuffles, ldmatrix and mma.m16n8k16
# (emu_rt.h). For machines without a GPU: it checks indexing, fragment layouts, pipelines and
# the test program itself, not speed nor the exact rounding of the hardware. Slow (minutes).
#   bash tools/cuda_emu/run.sh            reduced sizes (AIENG_TEST_QUICK=1), emulated sm_90
#   EMU_CC=75 EMU_SMEM=65536 EMU_SMS=40 bash tools/cuda_emu/run.sh     a T4-like device
#   AIENG_CUDA_TESTS=llama bash tools/cuda_emu/run.sh                   only some test groups
#   EMU_SRC=bench/cuda_llama.cu EMU_ARGS="-n 4 --prompts 1" bash tools/cuda_emu/run.sh
#                                        SmolLM2 on the emulated GPU against the CPU path
# Needs g++ and the CUDA headers (cuda_fp16.h) only, not a GPU.
set -e
cd "$(dirname "$0")/../.."
INC=${CUDA_INC:-/usr/local/cuda/include}
mkdir -p build/cuda_emu
cp tools/cuda_emu/emu_rt.h build/cuda_emu/
python3 tools/cuda_emu/transform.py aieng_cuda.h build/cuda_emu/aieng_cuda.h
SRC=${EMU_SRC:-tests/test_cuda.cu}
BIN=build/cuda_emu/$(basename "$SRC" .cu)
g++ -std=c++17 -O2 -w -Ibuild/cuda_emu -I. -I"$INC" -x c++ "$SRC" -o "$BIN" -pthread
AIENG_TEST_QUICK=${AIENG_TEST_QUICK:-1} "./$BIN" ${EMU_ARGS:-}
