#!/usr/bin/env python3
"""Dump the command metadata of a real redis-server (COMMAND INFO and COMMAND DOCS,
read over RESP3 so that maps, sets and simple strings keep their types) into
data/commands-7.0.15.json. Run once against redis-server 7.0.15:

    redis-server --port 6390 --save '' --appendonly no &
    python3 scripts/dump_commands.py 6390 > data/commands-7.0.15.json

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
    json.dump(out, sys.stdout, indent=None, separators=(",", ":"), sort_keys=False)
    sys.stdout.write("\n")


if __name__ == "__main__":
    main()
