"""bench/agent_bm25_peer.py - rank_bm25 (BM25Okapi) and aieng_agent.h's BM25 on the same
corpus and queries, side by side in one run, with the ratio.
Usage: .venv/bin/python bench/agent_bm25_peer.py build/bench/agent_bm25 [RUNS=20]
rank_bm25 gets its input already tokenized (its own API); its times leave tokenizing out,
ours include it. Search = get_scores of every query plus a top-10 selection (numpy argpartition)."""
import json, os, re, statistics, subprocess, sys, time
import numpy as np
from rank_bm25 import BM25Okapi

DATA = os.path.join(os.path.dirname(os.path.abspath(__file__)), '..', 'tests', 'data', 'agent', 'bm25')
WORD = re.compile(rb'[A-Za-z0-9\x80-\xff]+')

def words(s):
    return [w.decode('utf-8', 'surrogateescape').lower() for w in WORD.findall(s.encode('utf-8'))]

def main():
    exe = sys.argv[1]
    runs = int(sys.argv[2]) if len(sys.argv) > 2 else 20
    corpus = os.path.join(DATA, 'corpus.jsonl')
    queries = os.path.join(DATA, 'queries.jsonl')
    docs = [json.loads(l) for l in open(corpus, encoding='utf-8')]
    qs = [json.loads(l) for l in open(queries, encoding='utf-8')]
    td, tq = [words(d) for d in docs], [words(q) for q in qs]
    tb, ts = [], []
    for _ in range(runs):
        t0 = time.perf_counter()
        bm = BM25Okapi(td)
        t1 = time.perf_counter()
        for q in tq:
            sc = bm.get_scores(q)
            top = np.argpartition(-sc, 10)[:10]
            top = top[np.argsort(-sc[top], kind='stable')]
        t2 = time.perf_counter()
        tb.append(1e3 * (t1 - t0))
        ts.append(1e3 * (t2 - t1))
    pb, ps = statistics.median(tb), statistics.median(ts)
    out = subprocess.run([exe, corpus, queries, str(runs)], capture_output=True, text=True, check=True).stdout
    m = re.search(r'build ([0-9.]+) ms, search ([0-9.]+) ms', out)
    ab, asr = float(m.group(1)), float(m.group(2))
    print(out.strip())
    print('rank_bm25 %d docs, %d queries: build %.3f ms, search %.3f ms (medians of %d runs)' % (len(docs), len(qs), pb, ps, runs))
    print('ratio (rank_bm25 / aieng): build %.1fx, search %.1fx' % (pb / ab, ps / asr))

if __name__ == '__main__':
    main()
