#!/usr/bin/env python3
"""Reference data for tests/test_transformer.c, made with llama.cpp itself.

    make model && bash tools/setup.sh bench     # model + llama-cpp-python in .venv/
    .venv/bin/python tests/ref/transformer_ref.py [models/SmolLM2-135M-Instruct.Q4_1.gguf]

For 20 prompts (10 plain texts, 10 chats rendered with the GGUF's own chat
template through llama-cpp-python's Jinja2 formatter, as create_chat_completion
does) it writes tests/data/transformer/ref.txt: the prompt token ids, the
greedy continuation of 32 tokens (EOS does not stop it) and, at every step,
llama.cpp's ten largest logits. Settings: n_ctx 1024, n_batch 512 (the prompt
is one batch), 1 thread, KV cache F16 (the default), no flash attention.
Text fields are hex-encoded UTF-8 so the C test needs no escaping rules.
"""
import sys, os
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
from llama_cpp.llama_chat_format import Jinja2ChatFormatter

ROOT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..")
MODEL = sys.argv[1] if len(sys.argv) > 1 else os.path.join(ROOT, "models", "SmolLM2-135M-Instruct.Q4_1.gguf")
OUT = os.path.join(ROOT, "tests", "data", "transformer", "ref.txt")
N_GEN, TOPK = 32, 10

PLAIN = [
    "The capital of France is",
    "Once upon a time, there was a little robot who",
    "def fibonacci(n):\n    ",
    "In 1969, 3 astronauts flew 384400 km to the Moon. The",
    "Q: What is 12 + 30?\nA:",
    "Héllo wörld — naïve café, 東京, emoji 🙂 and    spaces\t\ttabs",
    "The quick brown fox jumps over the lazy dog. The quick brown fox",
    "<|im_start|>user\nThis special-looking text is plain here<|im_end|>",
    "import numpy as np\nx = np.arange(10)\nprint(",
    "Photosynthesis is the process by which",
]
CHATS = [
    [{"role": "user", "content": "What is the capital of France?"}],
    [{"role": "user", "content": "Write a haiku about the sea."}],
    [{"role": "system", "content": "You are a terse assistant."}, {"role": "user", "content": "Name three primary colors."}],
    [{"role": "user", "content": "How many legs does a spider have?"}],
    [{"role": "user", "content": "Translate 'good morning' into Spanish."}],
    [{"role": "user", "content": "Give me a Python one-liner that reverses a string."}],
    [{"role": "user", "content": "Hi!"}, {"role": "assistant", "content": "Hello! How can I help you today?"},
     {"role": "user", "content": "Tell me a fun fact about octopuses."}],
    [{"role": "system", "content": "Answer in one word."}, {"role": "user", "content": "What color is the sky on a clear day?"}],
    [{"role": "user", "content": "What is 7 times 8?"}],
    [{"role": "user", "content": "Explain gravity to a five year old in two sentences."}],
]

def last_logits(llm, n_vocab):
    # llama-cpp-python keeps no scores without logits_all; read llama.cpp's own buffer
    ptr = llama_cpp.llama_get_logits_ith(llm._ctx.ctx, -1)
    return np.ctypeslib.as_array(ptr, shape=(n_vocab,)).astype(np.float32).copy()

def hexs(s):
    return s.encode("utf-8").hex()

def main():
    llm = Llama(model_path=MODEL, n_ctx=1024, n_batch=512, n_threads=1, seed=0, verbose=False)
    template = llm.metadata["tokenizer.chat_template"]
    fmt = Jinja2ChatFormatter(template=template, eos_token="<|im_end|>", bos_token="<|im_start|>")
    n_vocab = llm.n_vocab()
    lines = ["# made by tests/ref/transformer_ref.py with llama-cpp-python %s" % llama_cpp.__version__,
             "# model %s" % os.path.basename(MODEL)]
    cases = [(0, p, None) for p in PLAIN] + [(1, None, m) for m in CHATS]
    for idx, (chat, text, msgs) in enumerate(cases):
        if chat:
            text = fmt(messages=msgs).prompt
        ids = llm.tokenize(text.encode("utf-8"), add_bos=True, special=bool(chat))
        llm.reset()
        llm.eval(ids)
        lines.append("case %d chat %d" % (idx, chat))
        if chat:
            for m in msgs:
                lines.append("msg %s %s" % (m["role"], hexs(m["content"])))
        lines.append("text %s" % hexs(text))
        lines.append("ids %d %s" % (len(ids), " ".join(map(str, ids))))
        gen = []
        for step in range(N_GEN):
            logits = last_logits(llm, n_vocab)
            order = np.argsort(-logits, kind="stable")[:TOPK]
            lines.append("top %d %s" % (step, " ".join("%d:%.6f" % (int(i), float(logits[i])) for i in order)))
            tok = int(order[0])
            gen.append(tok)
            llm.eval([tok])
        lines.append("greedy %d %s" % (len(gen), " ".join(map(str, gen))))
        lines.append("out %s" % hexs(llm.detokenize(gen).decode("utf-8", "replace")))
        print(idx, repr(llm.detokenize(gen).decode("utf-8", "replace")), file=sys.stderr)
    os.makedirs(os.path.dirname(OUT), exist_ok=True)
    with open(OUT, "w") as f:
        f.write("\n".join(lines) + "\n")
    print("wrote", OUT, file=sys.stderr)

if __name__ == "__main__":
    main()
