#!/usr/bin/env python3
"""PyTorch side of bench/autograd.sh (run by it; needs torch in .venv/).

    autograd_torch.py prepare OUT.bin   draws the GPT-2 initialisation (torch seed 0) and
                                        213 batches of byte tokens from a fixed text, writes both
    autograd_torch.py time OUT.bin      times one training step (forward, backward, AdamW) at 1
                                        and 2 threads (medians of 10 after 3 warm-ups)
    autograd_torch.py curve OUT.bin CSV trains 200 steps from the same start and writes the
                                        losses (AUTOGRAD_CURVE_THREADS threads, default 2)

A step: forward, backward, clip_grad_norm_ to 1, AdamW (lr 1e-3, betas 0.9/0.95, wd 0.1).
Model: vocab 4096, 4 layers, 4 heads, width 256, context 256, batch 8, float32,
written the way a PyTorch user writes it (F.scaled_dot_product_attention with
is_causal, F.layer_norm, tanh GELU, tied embeddings). The file format is the
one of tests/ref/autograd_ref.py.
"""
import glob, os, statistics, struct, sys, time
import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "tests", "ref"))
from autograd_ref import Writer  # noqa: E402

V, CTX, L, H, C, B, T = 4096, 256, 4, 4, 256, 8, 256
WARM, TIMED, CURVE = 3, 10, 200
LR, BETAS, EPS, WD = 1e-3, (0.9, 0.95), 1e-8, 0.1


def names():
    out = [("wte", (V, C)), ("wpe", (CTX, C))]
    for l in range(L):
        h = f"h.{l}."
        out += [(h + "ln_1.weight", (C,)), (h + "ln_1.bias", (C,)), (h + "attn.c_attn.weight", (3 * C, C)),
                (h + "attn.c_attn.bias", (3 * C,)), (h + "attn.c_proj.weight", (C, C)), (h + "attn.c_proj.bias", (C,)),
                (h + "ln_2.weight", (C,)), (h + "ln_2.bias", (C,)), (h + "mlp.c_fc.weight", (4 * C, C)),
                (h + "mlp.c_fc.bias", (4 * C,)), (h + "mlp.c_proj.weight", (C, 4 * C)), (h + "mlp.c_proj.bias", (C,))]
    return out + [("ln_f.weight", (C,)), ("ln_f.bias", (C,))]


def text_bytes():
    # a fixed public text present on every Debian system: the licence texts
    data = b""
    for f in sorted(glob.glob("/usr/share/common-licenses/*")):
        if os.path.isfile(f):
            data += open(f, "rb").read()
    return data


def prepare(path):
    g = torch.Generator().manual_seed(0)
    w = Writer(path)
    w.put("config", torch.tensor([V, CTX, L, H, H, C, 4 * C, 0, B, T]), 1)
    for n, shape in names():
        if "ln_" in n:
            t = torch.zeros(shape) if n.endswith(".bias") else torch.ones(shape)
        elif n.endswith(".bias"):
            t = torch.zeros(shape)
        else:
            std = 0.02 / (2 * L) ** 0.5 if "c_proj.weight" in n else 0.02
            t = torch.randn(shape, generator=g) * std
        w.put("param:" + n, t)
    data = torch.tensor(list(text_bytes()), dtype=torch.int32)
    nb = WARM + TIMED + CURVE
    starts = torch.randint(0, len(data) - T - 1, (nb, B), generator=g)
    ids = torch.stack([torch.stack([data[s:s + T + 1] for s in row]) for row in starts])  # (nb, B, T+1)
    w.put("batches", ids, 1)
    w.close()


def read(path):
    buf = open(path, "rb").read()
    off, rec = 0, {}
    while off < len(buf):
        (n,) = struct.unpack_from("<I", buf, off)
        name = buf[off + 4: off + 4 + n].decode()
        off += 4 + n + (-n % 4)
        kind, cnt = struct.unpack_from("<IQ", buf, off)
        off += 12
        dt = torch.float32 if kind == 0 else torch.int32
        rec[name] = torch.frombuffer(bytearray(buf[off: off + 4 * cnt]), dtype=dt)
        off += 4 * cnt
    return rec


def forward(p, ids):
    Bn, Tn = ids.shape
    x = p["wte"][ids] + p["wpe"][:Tn]
    for l in range(L):
        h = f"h.{l}."
        a = F.layer_norm(x, (C,), p[h + "ln_1.weight"], p[h + "ln_1.bias"], 1e-5)
        q, k, v = F.linear(a, p[h + "attn.c_attn.weight"], p[h + "attn.c_attn.bias"]).split(C, dim=-1)
        q, k, v = (t.view(Bn, Tn, H, C // H).transpose(1, 2) for t in (q, k, v))
        o = F.scaled_dot_product_attention(q, k, v, is_causal=True).transpose(1, 2).reshape(Bn, Tn, C)
        x = x + F.linear(o, p[h + "attn.c_proj.weight"], p[h + "attn.c_proj.bias"])
        a = F.layer_norm(x, (C,), p[h + "ln_2.weight"], p[h + "ln_2.bias"], 1e-5)
        f = F.gelu(F.linear(a, p[h + "mlp.c_fc.weight"], p[h + "mlp.c_fc.bias"]), approximate="tanh")
        x = x + F.linear(f, p[h + "mlp.c_proj.weight"], p[h + "mlp.c_proj.bias"])
    x = F.layer_norm(x, (C,), p["ln_f.weight"], p["ln_f.bias"], 1e-5)
    return F.linear(x, p["wte"])


def fresh(rec):
    p = {n: rec["param:" + n].clone().reshape(shape).requires_grad_() for n, shape in names()}
    opt = torch.optim.AdamW(list(p.values()), lr=LR, betas=BETAS, eps=EPS, weight_decay=WD)
    return p, opt


def step(p, opt, batch):
    batch = batch.long()
    opt.zero_grad(set_to_none=True)
    logits = forward(p, batch[:, :-1])
    loss = F.cross_entropy(logits.reshape(-1, V), batch[:, 1:].reshape(-1))
    loss.backward()
    torch.nn.utils.clip_grad_norm_(list(p.values()), 1.0)
    opt.step()
    return loss.item()


def run_time(path):
    rec = read(path)
    batches = rec["batches"].reshape(-1, B, T + 1)
    for threads in (1, 2):
        torch.set_num_threads(threads)
        p, opt = fresh(rec)
        times, cpu = [], []
        for i in range(WARM + TIMED):
            t0, c0 = time.perf_counter(), time.process_time()
            step(p, opt, batches[i])
            if i >= WARM:
                times.append(time.perf_counter() - t0)
                cpu.append(time.process_time() - c0)
        print(f"torch threads {threads} step_ms {1000 * statistics.median(times):.1f} "
              f"cpu_ms {1000 * statistics.median(cpu):.1f}", flush=True)
    print(f"torch version {torch.__version__}", flush=True)


def run_curve(path, csv):
    rec = read(path)
    batches = rec["batches"].reshape(-1, B, T + 1)
    torch.set_num_threads(int(os.environ.get("AUTOGRAD_CURVE_THREADS", "2")))
    p, opt = fresh(rec)
    with open(csv, "w") as f:
        f.write("step,loss\n")
        for i in range(CURVE):
            f.write(f"{i},{step(p, opt, batches[WARM + TIMED + i]):.6f}\n")
            f.flush()


if __name__ == "__main__":
    if sys.argv[1] == "prepare":
        prepare(sys.argv[2])
    elif sys.argv[1] == "time":
        run_time(sys.argv[2])
    else:
        run_curve(sys.argv[2], sys.argv[3])
