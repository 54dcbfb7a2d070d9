#!/usr/bin/env python3
"""Dump the command metadata of a real redis-server (COMMAND INFO and COMMAND DOCS,
read over RESP3 so that maps, sets and simple strings keep their types) into
data/commands-7.0.15.json. Run once against redis-server 7.0.15:

    redis-server --port 6390 --save '' --appendonly no &
    python3 scripts/dump_commands.py 6390 > data/commands-7.0.15.json

With `--delta BASE`, writes instead only what differs from BASE (a dump of the
same form) for every command and subcommand BASE has: data/commands-8.0.2-delta.json
is dumped so from Redis 8.0.2 (`.redis8/redis8-server`):

    python3 scripts/dump_commands.py 6391 --delta data/commands-7.0.15.json \
        > data/commands-8.0.2-delta.json

Its "commands" map a full name (`get`, `client|list`) to {"info": the whole
COMMAND INFO entry with an empty subcommand list, when it differs} and {"docs":
the COMMAND DOCS fields that differ, a removed one as null}. Subcommands are
entries of their own, so neither part holds them. Redis 7.2+ gives every
argument that is not a oneof or block a `display_text` right after its `type`
(its `display`, else its name); build.rs adds one equal to the name where an
argument has none, so the delta keeps only those that differ from the name, and
an `arguments` field only when the arguments differ otherwise too.

Every reply value is stored as a typed JSON tree so that build.rs can re-encode it
byte for byte: ["simple", s] ["bulk", s] ["int", n] ["null"] ["array", [..]]
["set", [..]] ["map", [k, v, k, v, ..]] ["double", s] ["bool", b]. Strings are
decoded as latin-1 so any byte survives."""
import json, socket, sys


class Conn:
    def __init__(self, port):
        self.s = socket.create_connection(("127.0.0.1", port))
        self.buf = b""

    def send(self, *args):
        out = b"*%d\r\n" % len(args)
        for a in args:
            a = a.encode()
            out += b"$%d\r\n%s\r\n" % (len(a), a)
        self.s.sendall(out)

    def _fill(self, n):
        while len(self.buf) < n:
            d = self.s.recv(1 << 20)
            if not d:
                raise EOFError
            self.buf += d

    def line(self):
        while b"\r\n" not in self.buf:
            self._fill(len(self.buf) + 1)
        i = self.buf.index(b"\r\n")
        l, self.buf = self.buf[:i], self.buf[i + 2:]
        return l

    def value(self):
        l = self.line()
        t, rest = chr(l[0]), l[1:].decode("latin-1")
        if t == "+":
            return ["simple", rest]
        if t == "-":
            return ["error", rest]
        if t == ":":
            return ["int", int(rest)]
        if t == "_":
            return ["null"]
        if t == ",":
            return ["double", rest]
        if t == "#":
            return ["bool", rest == "t"]
        if t in "$=":
            n = int(rest)
            if n < 0:
                return ["null"]
            self._fill(n + 2)
            data, self.buf = self.buf[:n], self.buf[n + 2:]
            return ["bulk" if t == "$" else "verbatim", data.decode("latin-1")]
        if t in "*~%>":
            n = int(rest)
            if n < 0:
                return ["null"]
            k = 2 * n if t == "%" else n
            items = [self.value() for _ in range(k)]
            return [{"*": "array", "~": "set", "%": "map", ">": "push"}[t], items]
        raise ValueError("unexpected type byte %r" % t)


CONTAINERS = ("oneof", "block")


def pairs(m):
    it = m[1]
    return [(it[i][1], it[i + 1]) for i in range(0, len(it), 2)]


def without_display_text(args):
    """The arguments with every display_text equal to the argument's name left out."""
    out = []
    for a in args[1]:
        kv = pairs(a)
        name = dict(kv)["name"][1]
        flat = []
        for k, v in kv:
            if k == "display_text" and v == ["bulk", name]:
                continue
            if k == "arguments":
                v = without_display_text(v)
            flat += [["bulk", k], v]
        out.append(["map", flat])
    return ["array", out]


def entries(commands):
    """Every command and subcommand: full name -> (info without subcommands, docs fields)."""
    out = {}
    for name, e in commands.items():
        info = json.loads(json.dumps(e["info"]))
        subs_info = info[1][9][1]
        info[1][9][1] = []
        docs = dict(pairs(e["docs"]))
        subs_docs = dict(pairs(docs.pop("subcommands", ["map", []])))
        out[name] = (info, docs)
        for s in subs_info:
            full = s[1][0][1]
            out.update(entries({full: {"info": s, "docs": subs_docs[full]}}))
    return out


def delta(base, new):
    out = {}
    b, n = entries(base["commands"]), entries(new["commands"])
    for name in sorted(b):
        if name not in n:
            continue
        (binfo, bdocs), (ninfo, ndocs) = b[name], n[name]
        d = {}
        if ninfo != binfo:
            d["info"] = ninfo
        fields = {}
        for k in list(ndocs) + [k for k in bdocs if k not in ndocs]:
            v = ndocs.get(k)
            if k == "arguments" and v is not None:
                v = without_display_text(v)
            if v != bdocs.get(k):
                fields[k] = v
        if fields:
            d["docs"] = fields
        if d:
            out[name] = d
    return {"version": new["version"], "base": base["version"], "commands": out}


def main():
    c = Conn(int(sys.argv[1]))
    c.send("HELLO", "3")
    hello = c.value()
    version = None
    it = hello[1]
    for i in range(0, len(it), 2):
        if it[i][1] == "version":
            version = it[i + 1][1]
    c.send("COMMAND", "INFO")
    info = c.value()
    c.send("COMMAND", "DOCS")
    docs = c.value()
    commands = {}
    for entry in info[1]:
        commands[entry[1][0][1]] = {"info": entry}
    d = docs[1]
    for i in range(0, len(d), 2):
        commands.setdefault(d[i][1], {})["docs"] = d[i + 1]
    out = {"version": version, "commands": dict(sorted(commands.items()))}
    if sys.argv[2:3] == ["--delta"]:
        with open(sys.argv[3]) as f:
            out = delta(json.load(f), out)
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"), sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
