#!/usr/bin/env python3
"""Reference data for aieng_bpe.h's GGUF path (token list + merges, pre-tokenizer
"smollm"): SmolLM2's vocabulary taken out of its GGUF, and llama.cpp's own
tokenization of every case of tests/data/bpe/public/.

    make model                                   # models/SmolLM2-135M-Instruct.Q4_1.gguf
    .venv/bin/pip install gguf llama-cpp-python  # (the transformer bench installs both)
    .venv/bin/python tests/ref/bpe_smollm2_ref.py [model.gguf]

Writes tests/data/bpe/smollm2/:
  tokens.txt   one line per token id: '<token_type> <token>' (GPT-2 byte alphabet)
  merges.txt   one line per merge rank: 'left right'
  index.tsv    '<case name> <ids offset> <ids count>' (uint32 elements) for every case
               of public/index.tsv, in that order
  ids.bin      llama.cpp ids (uint32 little-endian): Llama(vocab_only=True).tokenize(
               text, add_bos=False, special=False)
  specials.tsv '<text as JSON> TAB <ids>' with special=True (control tokens parsed)
"""
import json, os, struct, sys

from gguf import GGUFReader
import llama_cpp

HERE = os.path.dirname(os.path.abspath(__file__))
D = os.path.join(HERE, "..", "data", "bpe")
OUT = os.path.join(D, "smollm2")
model = sys.argv[1] if len(sys.argv) > 1 else os.path.join(HERE, "..", "..", "models", "SmolLM2-135M-Instruct.Q4_1.gguf")

r = GGUFReader(model)
f = r.fields
assert bytes(f["tokenizer.ggml.pre"].parts[f["tokenizer.ggml.pre"].data[0]]).decode() == "smollm"
toks = [bytes(f["tokenizer.ggml.tokens"].parts[i]).decode("utf-8") for i in f["tokenizer.ggml.tokens"].data]
types = [int(f["tokenizer.ggml.token_type"].parts[i][0]) for i in f["tokenizer.ggml.token_type"].data]
merges = [bytes(f["tokenizer.ggml.merges"].parts[i]).decode("utf-8") for i in f["tokenizer.ggml.merges"].data]
os.makedirs(OUT, exist_ok=True)
with open(os.path.join(OUT, "tokens.txt"), "w", encoding="utf-8", newline="\n") as fo:
    for t, ty in zip(toks, types):
        assert "\n" not in t
        fo.write("%d %s\n" % (ty, t))
with open(os.path.join(OUT, "merges.txt"), "w", encoding="utf-8", newline="\n") as fo:
    for m in merges:
        assert "\n" not in m
        fo.write(m + "\n")

llm = llama_cpp.Llama(model_path=model, vocab_only=True, verbose=False)
texts = open(os.path.join(D, "public", "texts.bin"), "rb").read()
ids, rows = [], []
for line in open(os.path.join(D, "public", "index.tsv")):
    if line.startswith("#"):
        continue
    name, to, tl = line.split("\t")[:3]
    t = texts[int(to):int(to) + int(tl)]
    got = llm.tokenize(t, add_bos=False, special=False) if t else []
    rows.append("%s\t%d\t%d\n" % (name, len(ids), len(got)))
    ids.extend(got)
open(os.path.join(OUT, "index.tsv"), "w").write("".join(rows))
open(os.path.join(OUT, "ids.bin"), "wb").write(struct.pack("<%dI" % len(ids), *ids))
chats = [
    "<|im_start|>system\nYou are a helpful AI assistant named SmolLM, trained by Hugging Face<|im_end|>\n"
    "<|im_start|>user\nWhat is 2+2?<|im_end|>\n<|im_start|>assistant\n",
    "<|endoftext|><repo_name>aieng<file_sep>main.c\nint main(void) { return 0; }<|endoftext|>",
    "no specials here, 12345 and  spaces\t\ttabs",
    "<|im_start|><|im_end|><|im_start|>x<|im_end|",
]
with open(os.path.join(OUT, "specials.tsv"), "w") as fo:
    for c in chats:
        got = llm.tokenize(c.encode(), add_bos=False, special=True)
        fo.write("%s\t%s\n" % (json.dumps(c), " ".join(map(str, got))))
print("smollm2 reference: %d tokens, %d merges, %d cases, %d ids" % (len(toks), len(merges), len(rows), len(ids)))
