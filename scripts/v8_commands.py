#!/usr/bin/env python3
"""Writes data/commands-8.4-additions.json: the COMMAND INFO / COMMAND DOCS
entries of the commands Redis 8.2-8.4 added that the engine implements in its
8 profile, in the typed-RESP3 form of data/commands-7.0.15.json.

No Redis 8 server could be run here, so these entries are written from Redis's
own command JSON (src/commands/xdelex.json and xackdel.json, 8.2.0): arity,
flags, ACL categories (@write @stream @fast, as Redis derives them from the
WRITE/FAST flags and the STREAM category), key specs and the argument tree,
rendered the way COMMAND INFO / COMMAND DOCS render them."""
import json


def b(s):
    return ["bulk", s]


def m(*pairs):
    out = []
    for k, v in pairs:
        out += [b(k), v]
    return ["map", out]


def key_spec(flags):
    return m(("flags", ["set", [["simple", f] for f in flags]]),
             ("begin_search", m(("type", b("index")), ("spec", m(("index", ["int", 1]))))),
             ("find_keys", m(("type", b("range")),
                             ("spec", m(("lastkey", ["int", 0]), ("keystep", ["int", 1]),
                                        ("limit", ["int", 0]))))))


def info(name, arity, flags):
    return ["array", [b(name), ["int", arity],
                      ["set", [["simple", "write"], ["simple", "fast"]]],
                      ["int", 1], ["int", 1], ["int", 1],
                      ["set", [["simple", "@write"], ["simple", "@stream"], ["simple", "@fast"]]],
                      ["set", []], ["set", [key_spec(flags)]], ["set", []]]]


def token(name, tok):
    return m(("name", b(name)), ("type", b("pure-token")), ("token", b(tok)))


CONDITION = m(("name", b("condition")), ("type", b("oneof")),
              ("flags", ["set", [["simple", "optional"]]]),
              ("arguments", ["array", [token("keepref", "KEEPREF"), token("delref", "DELREF"),
                                       token("acked", "ACKED")]]))
IDS = m(("name", b("ids")), ("type", b("block")), ("token", b("IDS")),
        ("arguments", ["array", [m(("name", b("numids")), ("type", b("integer"))),
                                 m(("name", b("id")), ("type", b("string")),
                                   ("flags", ["set", [["simple", "multiple"]]]))]]))
KEY = m(("name", b("key")), ("type", b("key")), ("key_spec_index", ["int", 0]))


def docs(summary, complexity, args):
    return m(("summary", b(summary)), ("since", b("8.2.0")), ("group", b("stream")),
             ("complexity", b(complexity)), ("arguments", ["array", args]))


commands = {
    "xdelex": {
        "info": info("xdelex", -5, ["RW", "delete"]),
        "docs": docs("Deletes one or multiple entries from the stream.",
                     "O(1) for each single item to delete in the stream, regardless of the stream size.",
                     [KEY, CONDITION, IDS]),
    },
    "xackdel": {
        "info": info("xackdel", -6, ["RW", "update", "delete"]),
        "docs": docs("Acknowledges and deletes one or multiple messages for a stream consumer group.",
                     "O(1) for each message ID processed.",
                     [KEY, m(("name", b("group")), ("type", b("string"))), CONDITION, IDS]),
    },
}

with open("data/commands-8.4-additions.json", "w") as f:
    json.dump({"version": "8.4.0 (from the command JSON, not dumped from a server)",
               "commands": commands}, f, indent=None)
    f.write("\n")
