#!/usr/bin/env python3
"""Reference vectors for tests/test_quant.c (aieng_quant.h).

    bash tools/setup.sh bench      # gguf, numpy (tools/requirements-bench-quant.txt) and
                                   # llama-cpp-python (tools/requirements-bench-transformer.txt) into .venv/
    .venv/bin/python tests/ref/quant_ref.py

Quantizers: the Python package `gguf` (gguf.quants.quantize) for F16, BF16,
Q4_0, Q4_1, Q5_0, Q5_1, Q8_0 and MXFP4; ggml's reference quantizers
(quantize_row_<type>_ref) from the ggml shared library that llama-cpp-python
installs for Q8_1, Q2_K, Q3_K, Q4_K, Q5_K, Q6_K and Q8_K (the script also
checks that ggml's quantize_row_*_ref agree with gguf where both exist).
Dequantization: gguf.quants.dequantize (numpy). Activation quantizers:
ggml-cpu's quantize_row_q8_0 / quantize_row_q8_1 (the x86 build that
llama.cpp's CPU backend runs) and ggml's dot products ggml_vec_dot_<w>_<a>
(results in dots.bin), when the library exports them.

Files in tests/data/quant/ (little endian):
  inputs.bin   "AQRI" u32 nrows u32 n, then nrows*n float32 (the rows below)
  <TYPE>.bin   "AQR1" u32 type u32 nrows u32 n u32 row_bytes, the quantized
               rows (nrows*row_bytes bytes), then the dequantized rows
               (nrows*n float32)
  ACT_Q8_0.bin / ACT_Q8_1.bin   same layout, from ggml-cpu's activation quantizers
  dots.bin     "AQRD" u32 count, then per record u32 wtype, u32 row, u32 arow, float32 ggml's dot
"""
import ctypes
import glob
import os
import struct
import sys

import numpy as np
import gguf
from gguf import GGMLQuantizationType as T
from gguf import quants

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
OUT = os.path.join(ROOT, "tests", "data", "quant")
N = 256
SIZES = {t: gguf.GGML_QUANT_SIZES[t] for t in T}
SIZES[T.Q8_1] = (32, 36)  # gguf still lists the old float d, s layout (40); ggml has two f16 (36)


def make_rows():
    rng = np.random.default_rng(20261122)
    rows = []
    rows.append(rng.standard_normal(N))                                    # 0 Gaussian
    rows.append(rng.standard_t(2, N))                                      # 1 heavy tails
    r = rng.standard_normal(N) * np.repeat(10.0 ** rng.integers(-3, 4, N // 32), 32)
    r[0:32] = 0.0                                                          # zero block
    r[32:64] = 0.75                                                        # constant block
    r[64:96] = 0.0
    r[70] = -3.0                                                           # one non-zero
    rows.append(r)                                                         # 2 mixed scales
    rows.append(rng.integers(-20, 21, N) * 0.5)                            # 3 ties
    rows.append(rng.standard_normal(N) * np.where(np.arange(N) < 128, 1e-6, 3e3))  # 4 tiny / large
    rows.append(rng.uniform(0.0, 1.0, N) + 2.0)                            # 5 positive, offset
    rows.append(rng.uniform(-1.0, 0.0, N) - 0.5)                           # 6 negative, offset
    r = rng.standard_normal(N)
    r[rng.integers(0, N, 8)] *= 40.0                                       # 7 outliers
    rows.append(r)
    return np.array(rows, dtype=np.float32)


def gname(t):
    """ggml's spelling in function names: q4_0, q4_K, mxfp4"""
    return t.name.lower().replace("_k", "_K")


def find_lib(name):
    import llama_cpp
    d = os.path.dirname(llama_cpp.__file__)
    for pat in (f"lib/lib{name}.so", f"lib/lib{name}.so.*", f"**/lib{name}.so"):
        hits = glob.glob(os.path.join(d, pat), recursive=True)
        if hits:
            return ctypes.CDLL(hits[0])
    raise SystemExit(f"lib{name}.so not found under {d}")


def ggml_rows(lib, fn, x, qtype):
    blck, tsz = SIZES[qtype]
    rb = N // blck * tsz
    out = np.zeros((x.shape[0], rb), dtype=np.uint8)
    f = getattr(lib, fn)
    f.restype = None
    f.argtypes = [ctypes.c_void_p, ctypes.c_void_p, ctypes.c_int64]
    for i in range(x.shape[0]):
        row = np.ascontiguousarray(x[i])
        f(row.ctypes.data, out[i].ctypes.data, N)
    return out


def write_type(name, qtype_id, q, deq):
    q = np.ascontiguousarray(q, dtype=np.uint8)
    deq = np.ascontiguousarray(deq, dtype=np.float32)
    with open(os.path.join(OUT, name + ".bin"), "wb") as f:
        f.write(b"AQR1" + struct.pack("<4I", qtype_id, q.shape[0], N, q.shape[1]))
        f.write(q.tobytes())
        f.write(deq.astype("<f4").tobytes())


def dequant_q8(q, off, with_sum):
    blocks = q.reshape(-1, 32 + off)
    d = blocks[:, :2].copy().view(np.float16).astype(np.float32)
    qs = blocks[:, off:].view(np.int8).astype(np.float32)
    return (qs * d).reshape(q.shape[0], N)


def main():
    os.makedirs(OUT, exist_ok=True)
    x = make_rows()
    with open(os.path.join(OUT, "inputs.bin"), "wb") as f:
        f.write(b"AQRI" + struct.pack("<2I", x.shape[0], N))
        f.write(x.astype("<f4").tobytes())

    try:
        base = find_lib("ggml-base")
    except ImportError:
        print("llama_cpp is not installed: only the gguf vectors are written", file=sys.stderr)
        base = None
    try:
        cpu = find_lib("ggml-cpu") if base is not None else None
    except SystemExit:
        cpu = None

    # gguf quantizes these; ggml's _ref must agree where it exists
    for t in (T.F16, T.BF16, T.Q4_0, T.Q4_1, T.Q5_0, T.Q5_1, T.Q8_0, T.MXFP4):
        q = quants.quantize(x, t).view(np.uint8).reshape(x.shape[0], -1)
        deq = quants.dequantize(q, t).reshape(x.shape[0], N)
        fn = f"quantize_row_{gname(t)}_ref"
        if base is not None and hasattr(base, fn):
            g = ggml_rows(base, fn, x, t)
            diff = int(np.count_nonzero(g != q))
            print(f"{t.name}: gguf vs ggml {fn}: {diff} bytes differ", file=sys.stderr)
        write_type(t.name, int(t), q, deq)

    if base is None:
        return
    # ggml's reference quantizers for the rest
    for t in (T.Q2_K, T.Q3_K, T.Q4_K, T.Q5_K, T.Q6_K):
        q = ggml_rows(base, f"quantize_row_{gname(t)}_ref", x, t)
        deq = quants.dequantize(q, t).reshape(x.shape[0], N)
        write_type(t.name, int(t), q, deq)
    q = ggml_rows(base, "quantize_row_q8_1_ref", x, T.Q8_1)
    write_type("Q8_1", int(T.Q8_1), q, dequant_q8(q, 4, True))
    q = ggml_rows(base, "quantize_row_q8_K_ref", x, T.Q8_K)
    blocks = q.reshape(-1, 292)
    d = blocks[:, :4].copy().view(np.float32)
    deq = (blocks[:, 4:260].view(np.int8).astype(np.float32) * d).reshape(x.shape[0], N)
    write_type("Q8_K", int(T.Q8_K), q, deq)

    # ggml-cpu's activation quantizers (x86 flavour) and dot products
    if cpu is not None and hasattr(cpu, "ggml_cpu_init"):
        cpu.ggml_cpu_init()  # fp16 tables of the CPU backend
    if cpu is not None and hasattr(cpu, "quantize_row_q8_0") and hasattr(cpu, "quantize_row_q8_1"):
        a0 = ggml_rows(cpu, "quantize_row_q8_0", x, T.Q8_0)
        a1 = ggml_rows(cpu, "quantize_row_q8_1", x, T.Q8_1)
        write_type("ACT_Q8_0", int(T.Q8_0), a0, dequant_q8(a0, 2, False))
        write_type("ACT_Q8_1", int(T.Q8_1), a1, dequant_q8(a1, 4, True))
        acts = {T.Q8_0: a0, T.Q8_1: a1, T.Q8_K: ggml_rows(base, "quantize_row_q8_K_ref", x, T.Q8_K)}
        pairs = [(T.Q4_0, T.Q8_0), (T.Q4_1, T.Q8_1), (T.Q5_0, T.Q8_0), (T.Q5_1, T.Q8_1), (T.Q8_0, T.Q8_0),
                 (T.MXFP4, T.Q8_0), (T.Q2_K, T.Q8_K), (T.Q3_K, T.Q8_K), (T.Q4_K, T.Q8_K), (T.Q5_K, T.Q8_K),
                 (T.Q6_K, T.Q8_K)]
        recs = []
        for wt, at in pairs:
            fn = f"ggml_vec_dot_{gname(wt)}_{gname(at)}"
            if not hasattr(cpu, fn):
                print(f"{fn}: not exported, skipped", file=sys.stderr)
                continue
            f = getattr(cpu, fn)
            f.restype = None
            f.argtypes = [ctypes.c_int, ctypes.c_void_p, ctypes.c_size_t, ctypes.c_void_p, ctypes.c_size_t,
                          ctypes.c_void_p, ctypes.c_size_t, ctypes.c_int]
            w = np.fromfile(os.path.join(OUT, wt.name + ".bin"), dtype=np.uint8)[20:]
            rb = N // SIZES[wt][0] * SIZES[wt][1]
            w = w[: x.shape[0] * rb].reshape(x.shape[0], rb)
            s = np.zeros(1, dtype=np.float32)
            for i in range(x.shape[0]):
                for j in (0, 3, 7):
                    wi = np.ascontiguousarray(w[i])
                    aj = np.ascontiguousarray(acts[at][j])
                    f(N, s.ctypes.data, 0, wi.ctypes.data, 0, aj.ctypes.data, 0, 1)
                    recs.append(struct.pack("<3If", int(wt), i, j, float(s[0])))
        with open(os.path.join(OUT, "dots.bin"), "wb") as fo:
            fo.write(b"AQRD" + struct.pack("<I", len(recs)) + b"".join(recs))
    else:
        print("ggml-cpu activation quantizers not exported: ACT_*.bin and dots.bin not written", file=sys.stderr)
    print("wrote", OUT, file=sys.stderr)


if __name__ == "__main__":
    main()
