#!/usr/bin/env python3
r"""Fills in the frame counts of a keyspace-notification differential script.

Usage: gen_notification_counts.py PORT < skeleton.txt > tests/differential/42_keyspace_notifications.txt

PORT is a running redis-server 7.0.15. Every `A> command` line of the skeleton
is run on it; the frames that a `PSUBSCRIBE __key*__:*` subscriber and a
`SUBSCRIBE __keyevent@0__:set __keyevent@0__:del` subscriber receive are
counted, and `K< n` / `E< n` lines are written after the command. `E< n`
and `K< n` lines that follow `E>&`/`K>&` (the confirmations) are kept; other `K<`/`E<` lines of
the skeleton are replaced, so the committed script is its own skeleton. `@sleep ms` waits and then counts what arrived.
Arguments are split with shlex (no redis-cli escapes beyond `\xHH`).
"""
import socket, sys, time
from resp_client import C, enc

def split(line):
    import shlex
    return [w.encode('latin1').decode('unicode_escape').encode('latin1')
            for w in shlex.split(line, posix=True)]
port=int(sys.argv[1])
main=C(port); sub=C(port)
sub.s.sendall(enc(["PSUBSCRIBE","__key*__:*"])); sub.reply()
sub.s.settimeout(0.2)
esub=C(port); esub.s.sendall(enc(["SUBSCRIBE","__keyevent@0__:set","__keyevent@0__:del"])); esub.reply(); esub.reply()
esub.s.settimeout(0.05)
def drain(c):
    n=0
    try:
        while True: c.reply(); n+=1
    except socket.timeout: pass
    return n
pending=0
prev=''
for line in sys.stdin:
    line=line.rstrip('\n')
    if line.startswith('@sleep'):
        print(line); time.sleep(int(line.split()[1])/1000)
        n=drain(sub)
        if n: print("K< %d"%n)
        n=drain(esub)
        if n: print("E< %d"%n)
        continue
    if line[:3] in ('E< ','K< ') and not prev.startswith(line[0]+'>&'): prev=line; continue
    prev=line
    if not line.startswith('A> '):
        print(line); continue
    print(line)
    main.cmd(*split(line[3:]))
    n=drain(sub)
    if n: print("K< %d"%n)
    n=drain(esub)
    if n: print("E< %d"%n)
