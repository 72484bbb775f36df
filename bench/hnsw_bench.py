#!/usr/bin/env python3
"""Fashion-MNIST data for the HNSW benchmark, the hnswlib side of it, and the plot.

Run by bench/hnsw.sh (needs .venv with hnswlib and numpy: tools/requirements-bench-hnsw.txt):
  .venv/bin/python bench/hnsw_bench.py prepare DIR
      reads Debian's dataset-fashion-mnist (/usr/share/datasets/fashion-mnist) and writes
      DIR/base.fvecs (60000 x 784) and DIR/query.fvecs (10000 x 784), float32 pixel values 0..255
  .venv/bin/python bench/hnsw_bench.py hnswlib DIR
      builds hnswlib (M=16, ef_construction=200, L2) with 1 and 2 threads, saves the first to
      DIR/hnswlib_t1.bin; prints "build_seconds T threads N", "build_cpu_seconds", "memory_bytes B"
  .venv/bin/python bench/hnsw_bench.py sweep DIR --aieng f32=DIR/index_f32_t1.hnsw,int8=... [--efs ..] [--runs 3]
      one thread, for each ef and run: hnswlib, then `aieng-hnsw search` on each index (interleaved,
      so all see the same load); writes DIR/hnswlib_sweep.txt and DIR/aieng_NAME_sweep.txt with
      "ef E recall R qps Q cpu_qps C" lines (medians)
  .venv/bin/python bench/hnsw_bench.py plot OUT.svg aieng.txt hnswlib.txt
      writes an SVG recall/QPS plot of both (no matplotlib) and prints the side-by-side table;
      an optional 4th file adds the int8-storage curve
"""
import gzip
import os
import resource
import struct
import sys
import time

import numpy as np

SRC = "/usr/share/datasets/fashion-mnist"


def read_idx_images(path):
    with gzip.open(path, "rb") as f:
        magic, n, rows, cols = struct.unpack(">IIII", f.read(16))
        if magic != 2051:
            raise SystemExit(f"{path}: not an idx3 image file")
        return np.frombuffer(f.read(n * rows * cols), dtype=np.uint8).reshape(n, rows * cols)


def write_fvecs(path, x):
    x = np.ascontiguousarray(x, dtype=np.float32)
    n, d = x.shape
    out = np.empty((n, d + 1), dtype=np.float32)
    out[:, 0] = np.array([d], dtype=np.int32).view(np.float32)[0]
    out[:, 1:] = x
    out.tofile(path)


def read_vecs(path, dtype):
    raw = np.fromfile(path, dtype=np.int32)
    d = raw[0]
    return raw.reshape(-1, d + 1)[:, 1:].copy().view(dtype)


def rss_bytes():
    with open("/proc/self/statm") as f:
        return int(f.read().split()[1]) * os.sysconf("SC_PAGE_SIZE")


def cmd_prepare(d):
    os.makedirs(d, exist_ok=True)
    base = read_idx_images(os.path.join(SRC, "train-images-idx3-ubyte.gz"))
    query = read_idx_images(os.path.join(SRC, "t10k-images-idx3-ubyte.gz"))
    write_fvecs(os.path.join(d, "base.fvecs"), base)
    write_fvecs(os.path.join(d, "query.fvecs"), query)
    print(f"base {base.shape}, queries {query.shape} -> {d}", file=sys.stderr)


def opt(args, name, default):
    return args[args.index(name) + 1] if name in args else default


def cmd_hnswlib(d, args):
    import hnswlib

    base = read_vecs(os.path.join(d, "base.fvecs"), np.float32)

    def build(threads):
        rss0 = rss_bytes()
        p = hnswlib.Index(space="l2", dim=base.shape[1])
        p.init_index(max_elements=base.shape[0], M=16, ef_construction=200, random_seed=100)
        p.set_num_threads(threads)
        t0, c0 = time.perf_counter(), time.process_time()
        p.add_items(base, np.arange(base.shape[0]))
        t, c = time.perf_counter() - t0, time.process_time() - c0
        print(f"build_seconds {t:.3f} threads {threads}", flush=True)
        print(f"build_cpu_seconds {c:.3f} threads {threads}", flush=True)
        if threads == 1:
            print(f"memory_bytes {rss_bytes() - rss0}", flush=True)
        return p

    p = build(1)
    p.save_index(os.path.join(d, "hnswlib_t1.bin"))
    del p
    build(2)


def cmd_sweep(d, args):
    """Interleaved: for each ef and run, hnswlib then each aieng index, so that
    the three see the same load on a shared machine."""
    import subprocess
    import hnswlib

    efs = [int(e) for e in opt(args, "--efs", "10,20,40,80,160,320").split(",")]
    runs = int(opt(args, "--runs", "3"))
    tool = opt(args, "--tool", "build/aieng-hnsw")
    indexes = opt(args, "--aieng", "").split(",")  # name=path,...
    gt_path = opt(args, "--gt", os.path.join(d, "gt.ivecs"))
    gt = read_vecs(gt_path, np.int32)
    query = read_vecs(os.path.join(d, "query.fvecs"), np.float32)
    k = 10
    p = hnswlib.Index(space="l2", dim=query.shape[1])
    p.load_index(os.path.join(d, "hnswlib_t1.bin"))
    p.set_num_threads(1)
    p.set_ef(efs[0])
    p.knn_query(query[:1000], k=k)  # warm up
    outs = {"hnswlib": open(os.path.join(d, "hnswlib_sweep.txt"), "w")}
    for spec in indexes:
        name, path = spec.split("=")
        outs[name] = open(os.path.join(d, f"aieng_{name}_sweep.txt"), "w")
    for ef in efs:
        res = {name: [] for name in outs}
        for _ in range(runs):
            p.set_ef(ef)
            t0, c0 = time.perf_counter(), time.process_time()
            labels, _ = p.knn_query(query, k=k, num_threads=1)
            w, c = time.perf_counter() - t0, time.process_time() - c0
            hits = sum(len(set(labels[i]) & set(gt[i, :k])) for i in range(len(query)))
            res["hnswlib"].append((len(query) / c, len(query) / w, hits / (len(query) * k)))
            for spec in indexes:
                name, path = spec.split("=")
                r = subprocess.run([tool, "search", path, os.path.join(d, "query.fvecs"), "-k", str(k), "--ef", str(ef),
                                    "--gt", gt_path], capture_output=True, text=True, check=True)
                v = dict(line.split(": ", 1) for line in (r.stdout + r.stderr).splitlines() if ": " in line)
                res[name].append((float(v["cpu_qps"].split()[0]), float(v["qps"]), float(v["recall"])))
        for name, f in outs.items():
            cq = sorted(x[0] for x in res[name])[runs // 2]
            wq = sorted(x[1] for x in res[name])[runs // 2]
            line = f"ef {ef} recall {res[name][0][2]:.4f} qps {wq:.1f} cpu_qps {cq:.1f}"
            print(f"{name}: {line}", flush=True)
            f.write(line + "\n")
            f.flush()


def parse_curve(path):
    pts = []
    with open(path) as f:
        for line in f:
            w = line.split()
            if len(w) >= 8 and w[0] == "ef":  # ef E recall R qps Q cpu_qps C: plot the CPU-time rate
                pts.append((int(w[1]), float(w[3]), float(w[7]), float(w[5])))
    return pts


def cmd_plot(out, a_path, h_path, i8_path=None):
    import math

    curves = [("aieng_hnsw float32", "#c33", parse_curve(a_path)), ("hnswlib", "#36c", parse_curve(h_path))]
    if i8_path and os.path.exists(i8_path):
        curves.append(("aieng_hnsw int8 + residual re-rank", "#393", parse_curve(i8_path)))
    allp = [p for _, _, c in curves for p in c]
    rmin = max(0.0, min(p[1] for p in allp) - 0.02)
    lo = math.log10(min(p[2] for p in allp)) - 0.05
    hi = math.log10(max(p[2] for p in allp)) + 0.05
    x0, y0, w, h = 80, 30, 520, 340

    def xy(r, q):
        return x0 + w * (r - rmin) / (1 - rmin), y0 + h * (1 - (math.log10(q) - lo) / (hi - lo))

    def xy_pts(c):
        return " ".join("%.1f,%.1f" % xy(p[1], p[2]) for p in c)

    s = ['<svg xmlns="http://www.w3.org/2000/svg" width="660" height="430" font-family="sans-serif" font-size="12">',
         '<rect width="100%" height="100%" fill="white"/>',
         f'<rect x="{x0}" y="{y0}" width="{w}" height="{h}" fill="none" stroke="#888"/>',
         f'<text x="{x0 + w / 2}" y="18" text-anchor="middle" font-size="14">Fashion-MNIST 60k x 784, L2, M=16, efC=200, 1 thread</text>',
         f'<text x="{x0 + w / 2}" y="415" text-anchor="middle">recall@10</text>',
         f'<text x="18" y="{y0 + h / 2}" transform="rotate(-90 18 {y0 + h / 2})" text-anchor="middle">queries per CPU second (log scale)</text>']
    for i in range(6):  # grid
        r = rmin + (1 - rmin) * i / 5
        x, _ = xy(r, 10 ** lo)
        s.append(f'<line x1="{x:.1f}" y1="{y0}" x2="{x:.1f}" y2="{y0 + h}" stroke="#eee"/>')
        s.append(f'<text x="{x:.1f}" y="{y0 + h + 15}" text-anchor="middle">{r:.3f}</text>')
    e = math.floor(lo)
    while e <= hi:
        for m in (1, 2, 5):
            q = m * 10 ** e
            if lo <= math.log10(q) <= hi:
                _, y = xy(rmin, q)
                s.append(f'<line x1="{x0}" y1="{y:.1f}" x2="{x0 + w}" y2="{y:.1f}" stroke="#eee"/>')
                s.append(f'<text x="{x0 - 5}" y="{y + 4:.1f}" text-anchor="end">{q:g}</text>')
        e += 1
    for j, (name, color, c) in enumerate(curves):
        pts = xy_pts(c)
        s.append(f'<polyline fill="none" stroke="{color}" stroke-width="2" points="{pts}"/>')
        for ef, r, q, _ in c:
            x, y = xy(r, q)
            s.append(f'<circle cx="{x:.1f}" cy="{y:.1f}" r="3" fill="{color}"/>')
            s.append(f'<text x="{x + 5:.1f}" y="{y - 5 + 14 * j:.1f}" fill="{color}" font-size="10">{ef}</text>')
        s.append(f'<text x="{x0 + 10}" y="{y0 + 20 + 16 * j}" fill="{color}">{name}</text>')
    s.append("</svg>")
    with open(out, "w") as f:
        f.write("\n".join(s) + "\n")
    hl = curves[1][2]
    for name, _, a in [curves[0]] + curves[2:]:
        print(f"\n{name} against hnswlib (QPS per CPU second; wall-clock in brackets)\n")
        print("| ef | aieng recall | aieng QPS | hnswlib recall | hnswlib QPS | ratio |")
        print("|---:|---:|---:|---:|---:|---:|")
        for (ef, ra, qa, wa), (_, rh, qh, wh) in zip(a, hl):
            print(f"| {ef} | {ra:.4f} | {qa:.0f} ({wa:.0f}) | {rh:.4f} | {qh:.0f} ({wh:.0f}) | {qa / qh:.2f} |")


if __name__ == "__main__":
    if len(sys.argv) < 3:
        raise SystemExit(__doc__)
    c = sys.argv[1]
    if c == "prepare":
        cmd_prepare(sys.argv[2])
    elif c == "hnswlib":
        cmd_hnswlib(sys.argv[2], sys.argv[3:])
    elif c == "sweep":
        cmd_sweep(sys.argv[2], sys.argv[3:])
    elif c == "plot":
        cmd_plot(sys.argv[2], sys.argv[3], sys.argv[4], sys.argv[5] if len(sys.argv) > 5 else None)
    else:
        raise SystemExit(__doc__)
