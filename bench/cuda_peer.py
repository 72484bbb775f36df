"""cuda_peer.py - the PyTorch side of tools/gpu_session.sh: torch.matmul (cuBLAS) and
scaled_dot_product_attention with the flash backend, on the same shapes as
bench/cuda_bench.cu, printing the same RESULT lines (median of 5 timed loops, CUDA events).
Usage: python3 bench/cuda_peer.py [gemm] [attn] [matvec] [quick]"""
import sys
import torch

args = set(sys.argv[1:])
quick = "quick" in args
args.discard("quick")
if not args:
    args = {"gemm", "attn", "matvec"}
dev = torch.device("cuda")


def time_ms(f, iters):
    for _ in range(2):
        f()
    torch.cuda.synchronize()
    a, b = torch.cuda.Event(enable_timing=True), torch.cuda.Event(enable_timing=True)
    t = []
    for _ in range(5):
        a.record()
        for _ in range(iters):
            f()
        b.record()
        b.synchronize()
        t.append(a.elapsed_time(b) / iters)
    t.sort()
    return t[2]


cap = torch.cuda.get_device_capability()
bf = cap[0] >= 8
print(f"DEVICE {torch.cuda.get_device_name()} sm_{cap[0]}{cap[1]} torch={torch.__version__}", flush=True)
dtypes = [("f16", torch.float16)] + ([("bf16", torch.bfloat16)] if bf else [])

if "gemm" in args:
    for n in [4096] + ([] if quick else [8192]):
        for name, dt in dtypes:
            a = torch.rand(n, n, device=dev, dtype=dt) * 2 - 1
            b = torch.rand(n, n, device=dev, dtype=dt) * 2 - 1
            c = torch.empty(n, n, device=dev, dtype=dt)
            for nt in (0, 1):  # nt: B stored N×K, multiplied transposed (a linear layer)
                bb = b.t() if nt else b
                ms = time_ms(lambda: torch.matmul(a, bb, out=c), 5 if n >= 8192 else 20)
                print(f"RESULT gemm_{name}_{n}{'_nt' if nt else ''} ms={ms:.4f} value={2 * n ** 3 / (ms * 1e-3) / 1e12:.1f} unit=TFLOP/s check=ok", flush=True)
            del a, b, c

if "attn" in args:
    from torch.nn.attention import SDPBackend, sdpa_kernel
    import torch.nn.functional as F
    B, H = 4, 32
    for name, dt in dtypes:
        for S in [1024] + ([] if quick else [4096, 16384]):
            for D in (64, 128):
                q, k, v = (torch.rand(B, H, S, D, device=dev, dtype=dt) * 2 - 1 for _ in range(3))
                for causal in (0, 1):
                    flops = 4.0 * B * H * S * S * D * (0.5 if causal else 1.0)
                    iters = 3 if flops > 5e12 else 10 if flops > 5e11 else 30
                    try:
                        with sdpa_kernel(SDPBackend.FLASH_ATTENTION):
                            ms = time_ms(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=bool(causal)), iters)
                        tag = "ok"
                    except RuntimeError as e:  # flash backend unavailable: say so, time the default
                        print(f"# flash backend refused ({str(e).splitlines()[0][:80]}); default backend timed", flush=True)
                        ms = time_ms(lambda: F.scaled_dot_product_attention(q, k, v, is_causal=bool(causal)), iters)
                        tag = "default-backend"
                    key = f"attn_{name}_b{B}_h{H}_s{S}_d{D}_{'causal' if causal else 'full'}"
                    print(f"RESULT {key} ms={ms:.4f} value={flops / (ms * 1e-3) / 1e12:.1f} unit=TFLOP/s check={tag}", flush=True)
                del q, k, v
                torch.cuda.empty_cache()

if "matvec" in args:
    n = 1 << 30
    a = torch.empty(n, dtype=torch.uint8, device=dev)
    b = torch.empty_like(a)
    ms = time_ms(lambda: b.copy_(a), 10)
    print(f"RESULT copy_d2d_1GiB ms={ms:.4f} value={2 * n / (ms * 1e-3) / 1e9:.1f} unit=GB/s check=ok", flush=True)
