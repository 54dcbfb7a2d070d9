#!/usr/bin/env python3
"""redis_py_smoke.py: a smoke test of streamplay-server with the `redis` Python client.

Usage: redis_py_smoke.py PORT

Runs SET/GET/INCR/MGET over RESP2, then HELLO 3 (protocol=3) and the same over RESP3,
against 127.0.0.1:PORT. Prints what differs and exits 1 on any mismatch, 2 when the
`redis` package is missing, so a caller can tell a broken server from a missing tool.
"""
import sys

try:
    import redis
except ImportError:
    print("redis_py_smoke: the Python package 'redis' is not installed (./dev.sh setup installs it into .venv)",
          file=sys.stderr)
    sys.exit(2)

failures = []


def check(what, got, want):
    if got != want:
        failures.append("%s: got %r, want %r" % (what, got, want))


def exercise(client, tag):
    """The same commands over either protocol; replies decode to the same values."""
    k = "smoke:%s" % tag
    check(tag + " SET", client.set(k, "hello"), True)
    check(tag + " GET", client.get(k), b"hello")
    check(tag + " GET missing", client.get(k + ":missing"), None)
    n = k + ":n"
    client.delete(n)
    # redis-py's incr() sends INCRBY, which the engine does not have yet, so INCR
    # itself is sent.
    check(tag + " INCR", client.execute_command("INCR", n), 1)
    check(tag + " INCR again", client.execute_command("INCR", n), 2)
    check(tag + " MGET", client.mget([k, n, k + ":missing"]), [b"hello", b"2", None])
    check(tag + " PING", client.ping(), True)


def main():
    if len(sys.argv) != 2:
        print(__doc__, file=sys.stderr)
        return 1
    port = int(sys.argv[1])

    try:
        run(port)
    except redis.RedisError as e:
        failures.append("%s: %s" % (type(e).__name__, e))

    if failures:
        for f in failures:
            print("redis_py_smoke: " + f, file=sys.stderr)
        return 1
    print("redis_py_smoke: ok (redis-py %s)" % redis.__version__)
    return 0


def run(port):
    resp2 = redis.Redis(host="127.0.0.1", port=port, protocol=2, socket_timeout=10)
    exercise(resp2, "resp2")

    resp3 = redis.Redis(host="127.0.0.1", port=port, protocol=3, socket_timeout=10)
    exercise(resp3, "resp3")
    # redis-py sent HELLO 3 when it connected; asking again shows the map it got.
    hello = resp3.execute_command("HELLO", "3")
    check("HELLO 3 type", type(hello), dict)
    if isinstance(hello, dict):
        check("HELLO 3 proto", hello.get(b"proto"), 3)
        check("HELLO 3 server", hello.get(b"server"), b"redis")
        check("HELLO 3 mode", hello.get(b"mode"), b"standalone")
    # redis-py 5.2 (the version requirements-test.txt pins) requires the command name.
    conn = resp3.connection_pool.get_connection("PING")
    try:
        check("connection protocol", str(conn.protocol), "3")
    finally:
        resp3.connection_pool.release(conn)


if __name__ == "__main__":
    sys.exit(main())
