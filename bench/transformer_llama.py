#!/usr/bin/env python3
"""Peer of bench/transformer.c: llama.cpp through llama-cpp-python on the same
GGUF file, same prompt text, same thread count. Prefill of N_PROMPT tokens in
one eval (n_batch 512), then N_GEN greedy single-token evals; median tok/s of
RUNS runs; peak RSS of this process (Python included).

    .venv/bin/python bench/transformer_llama.py MODEL.gguf THREADS [RUNS] [N_PROMPT] [N_GEN]
"""
import sys, time, resource, statistics
import numpy as np
import llama_cpp
from llama_cpp import Llama
import llama_cpp.llama_cpp as _C

# llama.cpp puts Q4_1/Q8_0 weights into its AMX "extra" buffer on CPUs with
# AMX; that path segfaults on this machine (a VM), so it is switched off and
# llama.cpp runs its regular AVX-512 (VNNI) kernels: the same Q8_1/Q8_0
# activation quantization and integer dot products.
_orig_params = _C.llama_model_default_params
def _params_without_extra_bufts():
    p = _orig_params()
    p.use_extra_bufts = False
    return p
_C.llama_model_default_params = _params_without_extra_bufts

TEXT = ("The history of computing is a story of abstraction. Early machines were programmed by rewiring "
        "panels; later, stored programs let the same hardware run many tasks. Assembly languages gave names "
        "to instructions, compilers translated structured code into machine words, and operating systems "
        "shared processors and memory among many programs. Each layer hid details of the one below and let "
        "people think about larger problems. ")

def main():
    model, threads = sys.argv[1], int(sys.argv[2])
    runs = int(sys.argv[3]) if len(sys.argv) > 3 else 5
    n_prompt = int(sys.argv[4]) if len(sys.argv) > 4 else 512
    n_gen = int(sys.argv[5]) if len(sys.argv) > 5 else 128
    llm = Llama(model_path=model, n_ctx=1024, n_batch=512, n_ubatch=512, n_threads=threads,
                n_threads_batch=threads, verbose=False)
    n_vocab = llm.n_vocab()
    ids = []
    while len(ids) < n_prompt:
        ids += llm.tokenize(TEXT.encode(), add_bos=False, special=False)
    ids = ids[:n_prompt]
    pf, dc, pfc, dcc = [], [], [], []
    for r in range(runs):
        llm.reset()
        t, c = time.perf_counter(), time.process_time()
        llm.eval(ids)
        pf.append(n_prompt / (time.perf_counter() - t))
        pfc.append(n_prompt / (time.process_time() - c))
        t, c = time.perf_counter(), time.process_time()
        for _ in range(n_gen):
            logits = np.ctypeslib.as_array(llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1), shape=(n_vocab,))
            tok = int(np.argmax(logits))
            llm.eval([tok])
        dc.append(n_gen / (time.perf_counter() - t))
        dcc.append(n_gen / (time.process_time() - c))
        print("run %d: prefill %.1f tok/s, decode %.1f tok/s" % (r, pf[-1], dc[-1]), file=sys.stderr)
    print("threads: %d" % threads)
    print("prefill_tok_s: %.1f" % statistics.median(pf))
    print("decode_tok_s: %.1f" % statistics.median(dc))
    print("prefill_tok_per_cpu_s: %.1f" % statistics.median(pfc))
    print("decode_tok_per_cpu_s: %.1f" % statistics.median(dcc))
    print("peak_rss_mib: %.1f" % (resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024.0))

if __name__ == "__main__":
    main()
