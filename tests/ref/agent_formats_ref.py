#!/usr/bin/env python3
"""Writes tests/data/agent/formats.tsv: strings labelled valid / invalid for the JSON Schema
formats ipv4, ipv6 (by Python's ipaddress module: IPv4Address, IPv6Address without a zone
id), uri and uri-reference (by rfc3986-validator, the checker python-jsonschema uses for
those formats). Candidates are random edits of seed strings, so most lie near the border
between valid and invalid. tests/test_agent.c checks that aieng_agent.h's format grammar
and validator agree with each label.
Run from the repository root, in the venv of tools/setup.sh bench
(tools/requirements-bench-agent.txt): .venv/bin/python tests/ref/agent_formats_ref.py"""
import ipaddress, json, random
from rfc3986_validator import validate_rfc3986

def ip4(s):
    try: ipaddress.IPv4Address(s); return True
    except ValueError: return False
def ip6(s):
    if '%' in s: return False           # zone ids are not part of RFC 4291's text form
    try: ipaddress.IPv6Address(s); return True
    except ValueError: return False
def uri(s): return validate_rfc3986(s, rule='URI') is not None
def uriref(s): return validate_rfc3986(s, rule='URI_reference') is not None

SEEDS = {
    'ipv4': (ip4, ['1.2.3.4', '255.255.255.255', '0.0.0.0', '192.168.10.1', '10.0.250.99'], '0123456789.25'),
    'ipv6': (ip6, ['::1', '::', 'fe80::1:2', '1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', '2001:db8::ff00:42:8329',
                   '1::', '1:2:3:4:5:6:1.2.3.4', 'a:b::c:d:1.2.3.4'], '0123456789abcdefABCDEF:.'),
    'uri': (uri, ['https://example.com/a?b=1#c', 'mailto:a@b.c', 'urn:isbn:0451450523', 'http://[::1]:80/x',
                  'ftp://user:pw@host:21/p/q;r?s#t', 'x:', 'http://a/%20b', 'http://[v1.x]/'], 'ab:/?#[]@!$&\'()*+,;=%20.-_~ "<>\\^`{|}'),
    'uri-reference': (uriref, ['//x/y', 'a/b', '../c?d#e', '', '#frag', 'https://example.com/a', '/abs/path',
                               'seg:ment/x', './a:b'], 'ab:/?#[]@!$&\'()*+,;=%20.-_~ "<>\\^`{|}'),
}

def main():
    rnd = random.Random(20261122)
    rows = []
    for fmt, (check, seeds, alphabet) in SEEDS.items():
        seen = set()
        for s in seeds:
            seen.add(s)
        while len(seen) < 700:
            s = rnd.choice(seeds)
            for _ in range(rnd.randint(1, 3)):
                op = rnd.randint(0, 2)
                i = rnd.randint(0, len(s))
                c = rnd.choice(alphabet)
                if op == 0: s = s[:i] + c + s[i:]
                elif op == 1 and s: s = s[:i] + s[i + 1:]
                elif s: s = s[:max(i - 1, 0)] + c + s[i:]
            seen.add(s)
        for s in sorted(seen):
            rows.append(f"{fmt}\t{int(check(s))}\t{json.dumps(s)}")
    with open('tests/data/agent/formats.tsv', 'w') as f:
        f.write("# format\tvalid\tstring as JSON (written by tests/ref/agent_formats_ref.py)\n")
        f.write("\n".join(rows) + "\n")
    print(len(rows), "strings,", sum(r.split('\t')[1] == '1' for r in rows), "valid")

main()
