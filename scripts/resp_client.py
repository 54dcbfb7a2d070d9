"""A minimal RESP client for the data-generating scripts in scripts/ (they talk to a running
redis-server 7.0.15): `enc` encodes a command, `C(port)` is one connection whose `reply()` reads
one reply (bulk strings as bytes, arrays and push frames as lists, other lines as text)."""
import socket


def enc(args):
    out=b"*%d\r\n"%len(args)
    for a in args:
        b=a.encode('latin1') if isinstance(a,str) else a
        out+=b"$%d\r\n%s\r\n"%(len(b),b)
    return out
class C:
    def __init__(s,port):
        s.s=socket.create_connection(("127.0.0.1",port)); s.buf=b""
    def line(s):
        while b"\r\n" not in s.buf:
            d=s.s.recv(65536)
            if not d: raise EOFError
            s.buf+=d
        i=s.buf.index(b"\r\n"); l=s.buf[:i]; s.buf=s.buf[i+2:]; return l
    def n(s,k):
        while len(s.buf)<k+2: s.buf+=s.s.recv(65536)
        r=s.buf[:k]; s.buf=s.buf[k+2:]; return r
    def reply(s):
        l=s.line(); t=l[:1]
        if t in b"$":
            k=int(l[1:]); return None if k<0 else s.n(k)
        if t in b"*>":
            k=int(l[1:]); return [s.reply() for _ in range(k)] if k>=0 else None
        return l.decode('latin1')
    def cmd(s,*a):
        s.s.sendall(enc(a)); return s.reply()
