#!/usr/bin/env python3
"""Re-checks tests/data/bpe/public/*.ids with the Python tiktoken package.

The reference ids in tests/data/bpe/ were made with tiktoken's WASM build
(npm tiktoken@1.0.22) by the shared data set (see tests/data/bpe/README.md,
a copy of ../shared/data/bpe/README.md). This script confirms them with the
native Python package, loading the same .tiktoken files (nothing downloads):

    tools/setup.sh bench            # installs tiktoken into .venv/
    .venv/bin/python tests/ref/bpe_check_tiktoken.py
"""
import base64, json, os, struct, sys
import tiktoken

D = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "data", "bpe")


def load(name):
    meta = json.load(open(os.path.join(D, name + ".json")))
    ranks = {}
    for line in open(os.path.join(D, name + ".tiktoken"), "rb"):
        if line.strip():
            t, r = line.split()
            ranks[base64.b64decode(t)] = int(r)
    return tiktoken.Encoding(name="aieng_" + name, pat_str=meta["pat_str"], mergeable_ranks=ranks,
                             special_tokens=meta["special_tokens"])


def main():
    texts = open(os.path.join(D, "public", "texts.bin"), "rb").read()
    rows = [l.split("\t") for l in open(os.path.join(D, "public", "index.tsv")) if not l.startswith("#")]
    bad = 0
    for e, name in enumerate(["r50k_base", "cl100k_base", "o200k_base"]):
        enc = load(name)
        raw = open(os.path.join(D, "public", name + ".ids"), "rb").read()
        ids = struct.unpack("<%dI" % (len(raw) // 4), raw)
        for row in rows:
            to, tl, off, n = int(row[1]), int(row[2]), int(row[3 + 2 * e]), int(row[4 + 2 * e])
            got = enc.encode_ordinary(texts[to:to + tl].decode("utf-8"))
            if list(got) != list(ids[off:off + n]):
                bad += 1
                print("MISMATCH", name, row[0], file=sys.stderr)
        print(name, "checked", len(rows), "cases")
    return 1 if bad else 0


if __name__ == "__main__":
    sys.exit(main())
