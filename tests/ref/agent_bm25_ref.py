#!/usr/bin/env python3
"""Writes tests/data/agent/bm25/: corpus.jsonl, queries.jsonl, ref.tsv and words.tsv, the
reference for aieng_agent.h's BM25 index (aieng_bm25_*), computed by rank_bm25's BM25Okapi
(k1 1.5, b 0.75, epsilon 0.25, its defaults) over the same tokenizer as aieng_text_words.

Corpus: the distinct functions of BFCL v4 (ShishirPatil/gorilla, Apache 2.0;
the copies in tests/data/agent/bfcl) BFCL_v4_simple_python.json then BFCL_v4_multiple.json, in
order of first appearance; a document is the function's name with '.' and '_' turned into
spaces, a space, and its description (documents with the same text are kept once).
Queries: the user question of the first 200 entries of BFCL_v4_simple_python.json.

ref.tsv, one line per (query, doc) pair: query index, rank (1..10 for the top 10 by score,
ties by smaller doc id; 0 for the fixed docs 0, 1 and n-1), doc id, score (%.17g).
words.tsv, one line per document (d) and per query (q): kind, index, number of words, and
FNV-1a 64 (hex) of the lower-cased words, each followed by '\\n'.
Also prints recall@1/@5 of the entry's own function and the time rank_bm25 takes.
Run from the repository root, in the venv of tools/setup.sh bench
(tools/requirements-bench-agent.txt): .venv/bin/python tests/ref/agent_bm25_ref.py"""
import importlib.metadata, json, os, re, time
from rank_bm25 import BM25Okapi

BFCL = os.environ.get('BFCL_DIR', 'tests/data/agent/bfcl')
OUT = 'tests/data/agent/bm25'
WORD = re.compile(rb'[a-z0-9\x80-\xff]+')

def words(text):
    """aieng_text_words + lower-casing: ASCII letters lowercased; a word is a maximal run of
    ASCII letters/digits or bytes >= 0x80 (UTF-8 sequences stay whole, not case-folded)."""
    return WORD.findall(text.encode('utf-8').lower())   # bytes.lower() folds ASCII only

def fnv(ws):
    h = 0xcbf29ce484222325
    for w in ws:
        for c in w + b'\n':
            h = ((h ^ c) * 0x100000001b3) & 0xffffffffffffffff
    return h

def load(name):
    with open(os.path.join(BFCL, name), encoding='utf-8') as f:
        return [json.loads(l) for l in f if l.strip()]

def doc_text(fn):
    return fn['name'].replace('.', ' ').replace('_', ' ') + ' ' + fn['description']

def main():
    simple, multiple = load('BFCL_v4_simple_python.json'), load('BFCL_v4_multiple.json')
    docs, index = [], {}
    for entry in simple + multiple:
        for fn in entry['function']:
            t = doc_text(fn)
            if t not in index:
                index[t] = len(docs)
                docs.append(t)
    queries = [e['question'][0][0]['content'] for e in simple[:200]]
    own = [index[doc_text(e['function'][0])] for e in simple[:200]]
    os.makedirs(OUT, exist_ok=True)
    for name, items in (('corpus.jsonl', docs), ('queries.jsonl', queries)):
        with open(os.path.join(OUT, name), 'w', encoding='utf-8', newline='\n') as f:
            for s in items: f.write(json.dumps(s, ensure_ascii=False) + '\n')
    tdocs, tqs = [words(d) for d in docs], [words(q) for q in queries]
    with open(os.path.join(OUT, 'words.tsv'), 'w', newline='\n') as f:
        f.write('# kind\tindex\twords\tfnv1a64 of the lower-cased words, each followed by \\n\n')
        for kind, ts in (('d', tdocs), ('q', tqs)):
            for i, ws in enumerate(ts): f.write('%s\t%d\t%d\t%016x\n' % (kind, i, len(ws), fnv(ws)))
    t0 = time.perf_counter()
    bm = BM25Okapi(tdocs)
    t1 = time.perf_counter()
    allscores = [bm.get_scores(q) for q in tqs]
    t2 = time.perf_counter()
    n = len(docs)
    hit1 = hit5 = 0
    with open(os.path.join(OUT, 'ref.tsv'), 'w', newline='\n') as f:
        f.write('# rank_bm25 %s BM25Okapi(k1=1.5, b=0.75, epsilon=0.25), %d docs, %d queries\n'
                % (importlib.metadata.version('rank-bm25'), n, len(tqs)))
        f.write('# query\trank (0: fixed doc)\tdoc\tscore\n')
        for qi, sc in enumerate(allscores):
            sc = [float(x) for x in sc]
            order = sorted(range(n), key=lambda i: (-sc[i], i))
            for r, d in enumerate(order[:10]):
                f.write('%d\t%d\t%d\t%.17g\n' % (qi, r + 1, d, sc[d]))
            for d in (0, 1, n - 1):
                f.write('%d\t0\t%d\t%.17g\n' % (qi, d, sc[d]))
            hit1 += own[qi] in order[:1]
            hit5 += own[qi] in order[:5]
    print('%d documents, %d queries, %d distinct words' % (n, len(tqs), len(bm.idf)))
    print('recall@1 %.3f (%d/%d), recall@5 %.3f (%d/%d)' % (hit1 / len(tqs), hit1, len(tqs), hit5 / len(tqs), hit5, len(tqs)))
    print('rank_bm25 (Python): build %.3f ms, %d queries %.3f ms (tokenizing not counted)'
          % ((t1 - t0) * 1e3, len(tqs), (t2 - t1) * 1e3))

if __name__ == '__main__':
    main()
