#!/usr/bin/env python3
"""Writes tests/data/agent/formats.tsv: strings labelled valid / invalid for the JSON Schema
formats ipv4, ipv6 (by Python's ipaddress module: IPv4Address, IPv6Address without a zone
id), uri and uri-reference (by rfc3986-validator, the checker python-jsonschema uses for
those formats), date (python-jsonschema's check: the shape dddd-dd-dd and
datetime.date.fromisoformat) and date-time (by rfc3339-validator, python-jsonschema's
checker). Candidates are random edits of seed strings, so most lie near the border
between valid and invalid; dates also every combination of a few years (leap years,
centuries), months and days around the ends of months. Year 0000, a leap second (:60) and
a lower-case t or z are left out: RFC 3339 allows them and so does aieng, the Python
checkers do not; so are fractions of a second over 9 digits, which RFC 3339 and the Python
checkers allow and aieng bounds (so that generation ends). tests/test_agent.c checks that aieng_agent.h's format grammar
and validator agree with each label.
Run from the repository root, in the venv of tools/setup.sh bench
(tools/requirements-bench-agent.txt): .venv/bin/python tests/ref/agent_formats_ref.py"""
import datetime, ipaddress, json, random, re
from rfc3986_validator import validate_rfc3986
from rfc3339_validator import validate_rfc3339

def ip4(s):
    try: ipaddress.IPv4Address(s); return True
    except ValueError: return False
def ip6(s):
    if '%' in s: return False           # zone ids are not part of RFC 4291's text form
    try: ipaddress.IPv6Address(s); return True
    except ValueError: return False
def uri(s): return validate_rfc3986(s, rule='URI') is not None
def uriref(s): return validate_rfc3986(s, rule='URI_reference') is not None
def date(s):
    if not re.fullmatch(r'\d{4}-\d{2}-\d{2}', s, re.ASCII): return False
    try: datetime.date.fromisoformat(s); return True
    except ValueError: return False
def datetime_(s): return bool(validate_rfc3339(s))
def rfc_only(fmt, s):  # valid for RFC 3339, refused by the Python checkers: not labelled
    return fmt in ('date', 'date-time') and (s.startswith('0000') or re.search(r'T\d\d:\d\d:60', s, re.I) is not None
                                            or re.search(r'\dt\d|z$', s) is not None   # lower-case t and z (RFC 3339 5.6)
                                            or re.search(r'\.\d{10}', s) is not None)  # aieng's bound: 9 fraction digits

SEEDS = {
    'ipv4': (ip4, ['1.2.3.4', '255.255.255.255', '0.0.0.0', '192.168.10.1', '10.0.250.99'], '0123456789.25'),
    'ipv6': (ip6, ['::1', '::', 'fe80::1:2', '1:2:3:4:5:6:7:8', '::ffff:1.2.3.4', '2001:db8::ff00:42:8329',
                   '1::', '1:2:3:4:5:6:1.2.3.4', 'a:b::c:d:1.2.3.4'], '0123456789abcdefABCDEF:.'),
    'uri': (uri, ['https://example.com/a?b=1#c', 'mailto:a@b.c', 'urn:isbn:0451450523', 'http://[::1]:80/x',
                  'ftp://user:pw@host:21/p/q;r?s#t', 'x:', 'http://a/%20b', 'http://[v1.x]/'], 'ab:/?#[]@!$&\'()*+,;=%20.-_~ "<>\\^`{|}'),
    'uri-reference': (uriref, ['//x/y', 'a/b', '../c?d#e', '', '#frag', 'https://example.com/a', '/abs/path',
                               'seg:ment/x', './a:b'], 'ab:/?#[]@!$&\'()*+,;=%20.-_~ "<>\\^`{|}'),
    'date': (date, ['2024-02-29', '2023-02-28', '1900-02-28', '2000-02-29', '2024-04-30', '2024-12-31', '1999-01-01'], '0123456789-'),
    'date-time': (datetime_, ['2024-02-29T12:00:00Z', '2023-02-28t23:59:59.5+01:00', '1900-02-28T00:00:00-12:30',
                              '2000-02-29T01:02:03.123456789Z', '2024-04-30T10:20:30z'], '0123456789-:TZ.+'),
}

def main():
    rnd = random.Random(20261122)
    rows = []
    for fmt, (check, seeds, alphabet) in SEEDS.items():
        seen = set()
        for s in seeds:
            seen.add(s)
        if fmt == 'date':  # the ends of months in leap and common years
            for y in ('0001', '0004', '0100', '0400', '1900', '1996', '2000', '2023', '2024', '2100', '9999'):
                for m in ('00', '01', '02', '04', '06', '09', '11', '12', '13'):
                    for d in ('00', '01', '28', '29', '30', '31', '32'):
                        seen.add(f'{y}-{m}-{d}')
        while len(seen) < 700 + (693 if fmt == 'date' else 0):
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
            if rfc_only(fmt, s): continue
            rows.append(f"{fmt}\t{int(check(s))}\t{json.dumps(s)}")
    with open('tests/data/agent/formats.tsv', 'w') as f:
        f.write("# format\tvalid\tstring as JSON (written by tests/ref/agent_formats_ref.py)\n")
        f.write("\n".join(rows) + "\n")
    print(len(rows), "strings,", sum(r.split('\t')[1] == '1' for r in rows), "valid")

main()
