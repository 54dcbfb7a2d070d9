#!/usr/bin/env python3
r"""Writes data/glob_cases.txt: how redis-server answers `stringmatchlen` for a
table of patterns and strings.

Usage: gen_glob_cases.py PORT > data/glob_cases.txt   (PORT: a running redis-server 7.0.15)

One connection subscribes to every string as a channel; for each pattern
`PUBSUB CHANNELS pattern` (stringmatchlen with nocase=0, as PSUBSCRIBE
matching uses it; unlike `KEYS *` it has no match-everything shortcut, which
would claim that `*` matches the empty string) tells which of them match. src/engine/glob.rs checks the engine against the
table; tests/glob_redis.rs re-checks the table against a live redis-server.
"""
import socket, sys, time
from resp_client import C, enc
port=int(sys.argv[1])
c=C(port)
def esc(b):
    out=''
    for x in b:
        ch=chr(x)
        if x<0x20 or x>=0x7f or ch in '\\" ': out+='\\x%02x'%x
        else: out+=ch
    return out
patterns=[b"*",b"**",b"***a",b"?",b"??",b"a?c",b"a*",b"*a",b"a*c",b"*b*",b"a**c",b"a*b*c",b"h\\*llo",b"h*llo",b"h?llo",
 b"[abc]",b"[^abc]",b"[a-c]",b"[c-a]",b"[^a-c]",b"[a-]",b"[a-",b"[abc",b"[",b"[]",b"[^]",b"[]a]",b"[\\]]",b"[\\]",b"[\\",b"a[",b"\\",b"a\\",b"\\a",b"\\*",b"\\?",b"\\[",
 b"[a\\-c]",b"[-a]",b"[!a]",b"[a-z0-9]",b"x[a-c]y",b"[*]",b"[?]",b"[[]",b"*[",b"*\\",b"[a-\xff]",b"[\x80-\xff]",b"[\x00-a]",b"\xff*",b"*\x00*",b"[^\x80-\xff]",
 b"A*",b"[A-Z]",b"[a-c]h1",b"c?1",b"ch*",b"*?",b"?*",b"*?*?",b"a*a*a*a*b",b"[ab][cd]",b"[^]]",b"[]-]",b"[z-a]x",b"[a-a]",b"-",b"[---]",b"",b"\\\\",b"[\\\\]",b"[^\\]]"]
strings=[b"",b"a",b"b",b"c",b"d",b"ab",b"abc",b"ac",b"abbc",b"aXc",b"hello",b"h*llo",b"hallo",b"hllo",b"*",b"?",b"[",b"]",b"\\",b"-",b"^",b"!",
 b"a[",b"a\\",b"ch1",b"ah1",b"c11",b"chx",b"A",b"Z",b"aaaa",b"aaab",b"xay",b"xdy",b"\x80",b"\xff",b"\x00",b"a\x00b",b"\xffz",b"[]",b"z",b"ach",b"]a",b"0",b"ad",b"bc",b"x"]
sub=C(port)
sub.s.sendall(enc([b"SUBSCRIBE"]+strings))
for _ in strings: sub.reply()
print("# stringmatchlen cases, as redis-server 7.0.15 answers them: for each pattern,")
print("# `PUBSUB CHANNELS pattern` with a client subscribed to every string (scripts/gen_glob_cases.py PORT).")
print("# One case a line: 1 or 0, pattern, string, escaped")
print("# (\\xHH for space, quote, backslash, control and non-ASCII bytes), separated by one space.")
for p in patterns:
    r=c.cmd("PUBSUB","CHANNELS",p)
    got=set(r)
    for s in strings:
        print("%d %s %s"%(1 if s in got else 0, esc(p) if p else '""', esc(s) if s else '""'))
