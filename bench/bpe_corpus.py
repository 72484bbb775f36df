#!/usr/bin/env python3
"""Builds the ~10 MB mixed English/code benchmark corpus from files every
Debian system has (never committed; bench/bpe.sh makes it at bench time).

    python3 bench/bpe_corpus.py OUT [MB]

Half English prose (/usr/share/common-licenses, /usr/share/doc/*/copyright,
README/*.txt files under /usr/share/doc), half code (C headers under
/usr/include, Python modules under /usr/lib/python3*). Files are taken in
sorted order; the text is made valid UTF-8 (tiktoken works on str)."""
import glob, os, sys

out = sys.argv[1]
target = int(float(sys.argv[2]) * 1e6) if len(sys.argv) > 2 else 10_000_000


def take(patterns, budget):
    parts, n = [], 0
    files = []
    for p in patterns:
        files += sorted(glob.glob(p, recursive=True))
    for f in files:
        if n >= budget:
            break
        try:
            if not os.path.isfile(f) or os.path.getsize(f) > 400_000:
                continue
            t = open(f, "rb").read().decode("utf-8", "replace")
        except OSError:
            continue
        t = t[: budget - n]
        parts.append(t)
        n += len(t.encode())
    return "".join(parts)


english = take(["/usr/share/common-licenses/*", "/usr/share/doc/*/copyright", "/usr/share/doc/**/README*",
                "/usr/share/doc/**/*.txt"], target // 2)
code = take(["/usr/include/*.h", "/usr/include/**/*.h", "/usr/lib/python3*/*.py"], target - len(english.encode()))
# interleave in 64 KB blocks so both halves are spread through the file
blocks, e, c, B = [], 0, 0, 65536
while e < len(english) or c < len(code):
    blocks.append(english[e:e + B]); e += B
    blocks.append(code[c:c + B]); c += B
open(out, "w", encoding="utf-8").write("".join(blocks))
print("corpus: %s, %d bytes" % (out, os.path.getsize(out)), file=sys.stderr)
