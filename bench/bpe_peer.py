#!/usr/bin/env python3
"""Peers for bench/bpe.sh: native tiktoken (the pip package, loading the same
.tiktoken file through tiktoken.Encoding so nothing downloads), bpe-openai
(its bundled cl100k/o200k files) and Hugging Face tokenizers' BPE trainer.

    .venv/bin/python bench/bpe_peer.py encode VOCAB.tiktoken ENC CORPUS REPEAT
    .venv/bin/python bench/bpe_peer.py scaling VOCAB.tiktoken ENC REPEAT
    .venv/bin/python bench/bpe_peer.py train CORPUS VOCAB_SIZE

Prints 'name MB/s tokens' lines (scaling: 'name kind bytes tokens ns/byte').
Encode call only, one thread, median of REPEAT runs of process CPU time
(the machine is shared, so wall time would count other processes)."""
import base64, json, os, statistics, sys, time

os.environ.setdefault("RAYON_NUM_THREADS", "1")  # one thread for every peer

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "..", "tests", "data", "bpe")


def tiktoken_enc(vocab, enc):
    import tiktoken
    meta = json.load(open(os.path.join(DATA, enc + ".json")))
    ranks = {}
    for line in open(vocab, "rb"):
        if line.strip():
            t, r = line.split()
            ranks[base64.b64decode(t)] = int(r)
    return tiktoken.Encoding(name="bench_" + enc, pat_str=meta["pat_str"], mergeable_ranks=ranks,
                             special_tokens=meta["special_tokens"])


def peers(vocab, enc):
    out = [("tiktoken", tiktoken_enc(vocab, enc).encode_ordinary)]
    try:
        import bpe_openai
        be = bpe_openai.get_encoding(enc)._backend

        def bpe_openai_encode(s):
            # the wrapper refuses inputs of 1e6+ characters: feed its Rust
            # backend ~256 K-character chunks cut after a newline
            ids, i = [], 0
            while i < len(s):
                j = min(len(s), i + 262144)
                if j < len(s):
                    k = s.rfind("\n", i, j)
                    j = k + 1 if k > i else j
                ids.extend(be.encode(s[i:j]))
                i = j
            return ids
        out.append(("bpe-openai", bpe_openai_encode))
    except Exception as ex:  # not installed / no such encoding
        print("bpe-openai: unavailable (%s)" % ex, file=sys.stderr)
    return out


def median_time(fn, text, repeat):
    ts, n = [], 0
    for _ in range(repeat):
        t0 = time.process_time()
        n = len(fn(text))
        ts.append(time.process_time() - t0)
    return statistics.median(ts), n


def gen(kind, n):
    import random
    if kind == "a":
        return "a" * n
    if kind == "spaces":
        return " " * n
    if kind == "cjk":
        return ("一二三四五文字词" * (n // 24 + 1))[: n // 3]
    rnd = random.Random(1)
    al = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/"
    return "".join(rnd.choice(al) for _ in range(n))


def main():
    mode = sys.argv[1]
    if mode == "encode":
        vocab, enc, corpus, repeat = sys.argv[2], sys.argv[3], sys.argv[4], int(sys.argv[5])
        text = open(corpus, encoding="utf-8").read()
        nbytes = len(text.encode())
        for name, fn in peers(vocab, enc):
            fn(text[:100000])  # warm up
            sec, n = median_time(fn, text, repeat)
            print("%s %.2f %d" % (name, nbytes / sec / 1e6, n))
    elif mode == "scaling":
        vocab, enc, repeat = sys.argv[2], sys.argv[3], int(sys.argv[4])
        for name, fn in peers(vocab, enc):
            for kind in ("a", "spaces", "cjk", "base64"):
                for n in (1000, 10000, 100000, 1000000):
                    text = gen(kind, n)
                    nb = len(text.encode())
                    try:
                        # short inputs: more runs (up to 100x at 1 KB), as aieng-bpe bench --scaling
                        sec, nt = median_time(fn, text, min(255, repeat * max(1, 100000 // n)))
                    except BaseException as ex:  # tiktoken panics (regex stack overflow) on 1 MB of spaces
                        print("%s %s %d crash %s" % (name, kind, nb, type(ex).__name__), flush=True)
                        continue
                    print("%s %s %d %d %.2f" % (name, kind, nb, nt, sec * 1e9 / nb), flush=True)
                    # quadratic peers: stop a kind once a run takes too long
                    if sec > 20:
                        break
    elif mode == "train":
        corpus, vocab_size = sys.argv[2], int(sys.argv[3])
        try:
            from tokenizers import Tokenizer, models, pre_tokenizers, trainers
        except ImportError:
            print("tokenizers: unavailable", file=sys.stderr)
            return
        tok = Tokenizer(models.BPE())
        tok.pre_tokenizer = pre_tokenizers.ByteLevel(add_prefix_space=False)
        tr = trainers.BpeTrainer(vocab_size=vocab_size, show_progress=False,
                                 initial_alphabet=pre_tokenizers.ByteLevel.alphabet())
        t0 = time.process_time()
        tok.train([corpus], tr)
        print("hf-tokenizers %.2f %d" % (time.process_time() - t0, tok.get_vocab_size()))


if __name__ == "__main__":
    main()
