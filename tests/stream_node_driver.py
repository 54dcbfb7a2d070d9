#!/usr/bin/env python3
"""Line-protocol driver around stream_node_model.py (the reference model of Redis's
stream macro-nodes, copied unchanged from the spec), for tests/stream_nodes.rs.

One request a line on stdin, one answer a line on stdout:
  reset <max-entries> <max-bytes>                      -> ok
  add <ms> <seq> <trim> x<field-hex> x<value-hex> ...   -> <length> <nodes>
      <trim> is `-` or `<MAXLEN|MINID>,<threshold>,<~|=>,<limit|->`
  pick <r1> <r2>                                        -> <ms> <seq>   (an entry of the model, maybe deleted)
  del <ms> <seq>                                        -> <deleted> <length> <nodes>
  trim <MAXLEN|MINID> <threshold> <~|=> <limit|->       -> <deleted> <length> <nodes>
A MINID threshold is written `ms-seq`."""
import os
import sys

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from stream_node_model import Stream  # noqa: E402


def threshold(strategy, text):
    if strategy == "MAXLEN":
        return int(text)
    ms, seq = text.split("-")
    return (int(ms), int(seq))


def limit_of(approx, lim, max_entries):
    """streamTrim's effective LIMIT: as given, else 100 * node entries for `~` (0 -> 10000,
    at most 1000000), else none."""
    if lim is not None:
        return lim
    if not approx:
        return 0
    limit = 100 * max_entries if max_entries else 10000
    return min(limit, 1000000)


def main():
    s = Stream()
    me = 100
    for line in sys.stdin:
        w = line.split()
        if not w:
            continue
        op = w[0]
        if op == "reset":
            me, mb = int(w[1]), int(w[2])
            s = Stream(me, mb)
            out = "ok"
        elif op == "add":
            sid = (int(w[1]), int(w[2]))
            trim = w[3]
            raw = [bytes.fromhex(x[1:]) for x in w[4:]]
            fv = list(zip(raw[::2], raw[1::2]))
            s.add(sid, fv)
            if trim != "-":
                strat, thr, mode, lim = trim.split(",")
                approx = mode == "~"
                lim = None if lim == "-" else int(lim)
                s.trim(strat, threshold(strat, thr), approx, limit_of(approx, lim, me))
            out = "%d %d" % (s.length, len(s.nodes))
        elif op == "pick":
            if not s.nodes:
                out = "1 0"
            else:
                n = s.nodes[int(w[1]) % len(s.nodes)]
                e = n.entries[int(w[2]) % len(n.entries)]
                out = "%d %d" % e[0]
        elif op == "del":
            d = s.delete((int(w[1]), int(w[2])))
            out = "%d %d %d" % (d, s.length, len(s.nodes))
        elif op == "trim":
            strat, approx = w[1], w[3] == "~"
            lim = None if w[4] == "-" else int(w[4])
            d = s.trim(strat, threshold(strat, w[2]), approx, limit_of(approx, lim, me))
            out = "%d %d %d" % (d, s.length, len(s.nodes))
        else:
            out = "error unknown request " + op
        sys.stdout.write(out + "\n")
        sys.stdout.flush()


if __name__ == "__main__":
    main()
