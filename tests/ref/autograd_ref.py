#!/usr/bin/env python3
"""Reference data for tests/test_autograd.c, made with PyTorch on the CPU.

    bash tools/setup.sh bench          # torch from the Python package index into .venv/
    .venv/bin/python tests/ref/autograd_ref.py

For a tiny GPT-2 model (learned positions, LayerNorm, tanh GELU, tied
embeddings) and a tiny Llama model (RMSNorm, RoPE in the rotate-half layout,
SwiGLU, grouped KV heads, separate lm_head) it draws the parameters and the
tokens from a fixed torch seed, runs forward + backward of the mean
cross-entropy in float32, and writes into tests/data/autograd/<name>.bin:
the configuration, the tokens, every parameter, the logits, the loss, every
parameter gradient, and (GPT-2 only) the parameters after two AdamW steps.
The C test reads the inputs from the same file, so both sides see identical
numbers.

File: records of  u32 name length, name bytes, zero bytes up to a multiple
of 4, u32 type (0 f32, 1 i32),
u64 count, count little-endian values.  Parameter layouts are the C ones:
a linear weight {in, out} is torch's (out, in) row-major, an embedding
{C, V} is torch's (V, C).
"""
import math, os, struct, sys
import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "autograd")


class Writer:
    def __init__(self, path):
        self.f = open(path, "wb")

    def put(self, name, t, kind=0):
        t = t.detach().contiguous().reshape(-1)
        data = t.to(torch.float32 if kind == 0 else torch.int32).numpy().tobytes()
        nb = name.encode()
        pad = b"\0" * (-len(nb) % 4)  # keeps every value 4-byte aligned
        self.f.write(struct.pack("<I", len(nb)) + nb + pad + struct.pack("<IQ", kind, t.numel()) + data)

    def close(self):
        self.f.close()


def gpt2_params(cfg, g):
    V, Tc, L, C, Fd = cfg["vocab"], cfg["n_ctx"], cfg["n_layer"], cfg["n_embd"], cfg["n_ff"]
    n = lambda *s, std=0.1: (torch.randn(*s, generator=g) * std).requires_grad_()
    near1 = lambda c: (1.0 + 0.1 * torch.randn(c, generator=g)).requires_grad_()
    p = {"wte": n(V, C, std=0.3), "wpe": n(Tc, C, std=0.3)}
    for l in range(L):
        h = f"h.{l}."
        p[h + "ln_1.weight"] = near1(C); p[h + "ln_1.bias"] = n(C)
        p[h + "attn.c_attn.weight"] = n(3 * C, C, std=0.2); p[h + "attn.c_attn.bias"] = n(3 * C)
        p[h + "attn.c_proj.weight"] = n(C, C, std=0.2); p[h + "attn.c_proj.bias"] = n(C)
        p[h + "ln_2.weight"] = near1(C); p[h + "ln_2.bias"] = n(C)
        p[h + "mlp.c_fc.weight"] = n(Fd, C, std=0.2); p[h + "mlp.c_fc.bias"] = n(Fd)
        p[h + "mlp.c_proj.weight"] = n(C, Fd, std=0.2); p[h + "mlp.c_proj.bias"] = n(C)
    p["ln_f.weight"] = near1(C); p["ln_f.bias"] = n(C)
    return p


def gpt2_forward(cfg, p, ids):
    B, T = ids.shape
    C, H, L = cfg["n_embd"], cfg["n_head"], cfg["n_layer"]
    hd = C // H
    x = p["wte"][ids] + p["wpe"][:T]
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    for l in range(L):
        h = f"h.{l}."
        a = F.layer_norm(x, (C,), p[h + "ln_1.weight"], p[h + "ln_1.bias"], 1e-5)
        qkv = F.linear(a, p[h + "attn.c_attn.weight"], p[h + "attn.c_attn.bias"])
        q, k, v = qkv.split(C, dim=-1)
        q = q.view(B, T, H, hd).transpose(1, 2)
        k = k.view(B, T, H, hd).transpose(1, 2)
        v = v.view(B, T, H, hd).transpose(1, 2)
        s = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        s = s.masked_fill(~mask, float("-inf"))
        o = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
        x = x + F.linear(o, p[h + "attn.c_proj.weight"], p[h + "attn.c_proj.bias"])
        a = F.layer_norm(x, (C,), p[h + "ln_2.weight"], p[h + "ln_2.bias"], 1e-5)
        f = F.gelu(F.linear(a, p[h + "mlp.c_fc.weight"], p[h + "mlp.c_fc.bias"]), approximate="tanh")
        x = x + F.linear(f, p[h + "mlp.c_proj.weight"], p[h + "mlp.c_proj.bias"])
    x = F.layer_norm(x, (C,), p["ln_f.weight"], p["ln_f.bias"], 1e-5)
    return F.linear(x, p["wte"])


def llama_params(cfg, g):
    V, L, C, Fd = cfg["vocab"], cfg["n_layer"], cfg["n_embd"], cfg["n_ff"]
    Ckv = C // cfg["n_head"] * cfg["n_kv_head"]
    n = lambda *s, std=0.2: (torch.randn(*s, generator=g) * std).requires_grad_()
    near1 = lambda c: (1.0 + 0.1 * torch.randn(c, generator=g)).requires_grad_()
    p = {"embed_tokens.weight": n(V, C, std=0.5)}
    for l in range(L):
        h = f"layers.{l}."
        p[h + "input_layernorm.weight"] = near1(C)
        p[h + "self_attn.q_proj.weight"] = n(C, C)
        p[h + "self_attn.k_proj.weight"] = n(Ckv, C)
        p[h + "self_attn.v_proj.weight"] = n(Ckv, C)
        p[h + "self_attn.o_proj.weight"] = n(C, C)
        p[h + "post_attention_layernorm.weight"] = near1(C)
        p[h + "mlp.gate_proj.weight"] = n(Fd, C)
        p[h + "mlp.up_proj.weight"] = n(Fd, C)
        p[h + "mlp.down_proj.weight"] = n(C, Fd)
    p["norm.weight"] = near1(C)
    p["lm_head.weight"] = n(V, C)
    return p


def rms_norm(x, w, eps):
    return x * torch.rsqrt(x.pow(2).mean(-1, keepdim=True) + eps) * w


def rope(x, base):  # x (B, H, T, hd), HF rotate-half layout
    T, hd = x.shape[2], x.shape[3]
    inv = base ** (-torch.arange(0, hd, 2, dtype=torch.float64) / hd)
    ang = torch.arange(T, dtype=torch.float64)[:, None] * inv[None, :]
    cos = torch.cat([ang.cos(), ang.cos()], -1).to(torch.float32)
    sin = torch.cat([ang.sin(), ang.sin()], -1).to(torch.float32)
    x1, x2 = x[..., : hd // 2], x[..., hd // 2 :]
    return x * cos + torch.cat([-x2, x1], -1) * sin


def llama_forward(cfg, p, ids):
    B, T = ids.shape
    C, H, KV, L = cfg["n_embd"], cfg["n_head"], cfg["n_kv_head"], cfg["n_layer"]
    hd = C // H
    x = p["embed_tokens.weight"][ids]
    mask = torch.ones(T, T, dtype=torch.bool).tril()
    for l in range(L):
        h = f"layers.{l}."
        a = rms_norm(x, p[h + "input_layernorm.weight"], 1e-5)
        q = F.linear(a, p[h + "self_attn.q_proj.weight"]).view(B, T, H, hd).transpose(1, 2)
        k = F.linear(a, p[h + "self_attn.k_proj.weight"]).view(B, T, KV, hd).transpose(1, 2)
        v = F.linear(a, p[h + "self_attn.v_proj.weight"]).view(B, T, KV, hd).transpose(1, 2)
        q, k = rope(q, 10000.0), rope(k, 10000.0)
        k = k.repeat_interleave(H // KV, dim=1)
        v = v.repeat_interleave(H // KV, dim=1)
        s = (q @ k.transpose(-2, -1)) / math.sqrt(hd)
        s = s.masked_fill(~mask, float("-inf"))
        o = (s.softmax(-1) @ v).transpose(1, 2).reshape(B, T, C)
        x = x + F.linear(o, p[h + "self_attn.o_proj.weight"])
        a = rms_norm(x, p[h + "post_attention_layernorm.weight"], 1e-5)
        f = F.silu(F.linear(a, p[h + "mlp.gate_proj.weight"])) * F.linear(a, p[h + "mlp.up_proj.weight"])
        x = x + F.linear(f, p[h + "mlp.down_proj.weight"])
    x = rms_norm(x, p["norm.weight"], 1e-5)
    return F.linear(x, p["lm_head.weight"])


def run(name, cfg, make_params, forward, seed, adamw_steps):
    g = torch.Generator().manual_seed(seed)
    p = make_params(cfg, g)
    B, T, V = cfg["B"], cfg["T"], cfg["vocab"]
    ids = torch.randint(0, V, (B, T), generator=g)
    targets = torch.randint(0, V, (B, T), generator=g)
    targets[0, 1] = -1  # one ignored position
    w = Writer(os.path.join(OUT, name + ".bin"))
    keys = ["vocab", "n_ctx", "n_layer", "n_head", "n_kv_head", "n_embd", "n_ff", "llama", "B", "T"]
    w.put("config", torch.tensor([cfg[k] for k in keys]), 1)
    w.put("ids", ids, 1)
    w.put("targets", targets, 1)
    for k, t in p.items():
        w.put("param:" + k, t)
    logits = forward(cfg, p, ids)
    loss = F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), ignore_index=-1)
    loss.backward()
    w.put("logits", logits)
    w.put("loss", loss.reshape(1))
    for k, t in p.items():
        w.put("grad:" + k, t.grad)
    if adamw_steps:
        opt = torch.optim.AdamW(list(p.values()), lr=1e-2, betas=(0.9, 0.95), eps=1e-8, weight_decay=0.1)
        for step in range(adamw_steps):
            if step > 0:
                opt.zero_grad()
                logits = forward(cfg, p, ids)
                F.cross_entropy(logits.reshape(-1, V), targets.reshape(-1), ignore_index=-1).backward()
            opt.step()
        for k, t in p.items():
            w.put("adamw:" + k, t)
    w.close()
    print(f"{name}: loss {loss.item():.6f}, {sum(t.numel() for t in p.values())} parameters")


if __name__ == "__main__":
    os.makedirs(OUT, exist_ok=True)
    torch.set_num_threads(1)
    gpt2 = dict(vocab=64, n_ctx=16, n_layer=2, n_head=4, n_kv_head=4, n_embd=32, n_ff=128, llama=0, B=2, T=8)
    llama = dict(vocab=64, n_ctx=16, n_layer=2, n_head=4, n_kv_head=2, n_embd=32, n_ff=80, llama=1, B=2, T=8)
    run("gpt2", gpt2, gpt2_params, gpt2_forward, 1234, 2)
    run("llama", llama, llama_params, llama_forward, 5678, 0)
    print("torch", torch.__version__)
