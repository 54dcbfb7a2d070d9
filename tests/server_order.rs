//! `streamplay-server`'s event loop over real TCP: commands from different connections run
//! in the order the server reads them (a reader that sent `XREAD BLOCK 0 ... $` before
//! another client sent `XADD` is always served by that XADD), a thousand connections open
//! at once each get their replies and pushes, and a subscriber that never reads is
//! disconnected at the output limit while everyone else goes on being served.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::Duration;

mod support;

use streamplay::engine::resp;
use support::{start_streamplay, Conn};

/// How long a reply may take before the reader counts as not served. Served
/// readers answer in well under a millisecond; a reader that missed its XADD
/// would wait forever on `BLOCK 0`.
const PATIENCE: Duration = Duration::from_secs(2);

/// A raw connection whose replies are read separately from its requests.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    fn open(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect");
        stream.set_nodelay(true).expect("nodelay");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("read timeout");
        Client {
            stream,
            buf: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to the server");
    }

    /// The next whole frame, or `None` if none came within `PATIENCE`.
    fn frame(&mut self) -> Option<Vec<u8>> {
        loop {
            if let Ok((_, used)) = resp::parse(&self.buf) {
                return Some(self.buf.drain(..used).collect());
            }
            let mut chunk = [0u8; 4096];
            match self.stream.read(&mut chunk) {
                Ok(0) => panic!("the server closed the connection"),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {
                    return None
                }
                Err(e) => panic!("read failed: {e}"),
            }
        }
    }

    /// Reads exactly `want.len()` bytes and compares them.
    fn expect(&mut self, want: &[u8]) {
        let mut got = vec![0u8; want.len()];
        self.stream.read_exact(&mut got).expect("read a reply");
        assert_eq!(
            got.escape_ascii().to_string(),
            want.escape_ascii().to_string()
        );
    }
}

fn multibulk(args: &[&[u8]]) -> Vec<u8> {
    let mut out = format!("*{}\r\n", args.len()).into_bytes();
    for a in args {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
    out
}

fn bulk(s: &[u8]) -> Vec<u8> {
    let mut out = format!("${}\r\n", s.len()).into_bytes();
    out.extend_from_slice(s);
    out.extend_from_slice(b"\r\n");
    out
}

/// The number in an `INFO` field.
fn info_field(conn: &mut Conn, field: &str) -> u64 {
    let info = conn.call_raw(&[b"INFO".to_vec(), b"clients".to_vec()]);
    let info = String::from_utf8_lossy(&info).into_owned();
    let line = info
        .lines()
        .find_map(|l| l.strip_prefix(&format!("{field}:")))
        .unwrap_or_else(|| panic!("no {field} in {info}"))
        .to_string();
    line.trim().parse().expect("a number")
}

/// Threads, each with its own reader, writer and stream, and the pairs each sends.
const THREADS: usize = 4;
const PAIRS_PER_THREAD: usize = 2_500;

/// How many of one thread's readers were served by the XADD sent right after them.
fn reader_then_writer_pairs(port: u16, key: &str) -> (usize, usize) {
    let mut reader = Client::open(port);
    let mut writer = Client::open(port);
    let xread = multibulk(&[b"XREAD", b"BLOCK", b"0", b"STREAMS", key.as_bytes(), b"$"]);
    let (mut served, mut missed) = (0, 0);
    for i in 0..PAIRS_PER_THREAD {
        reader.send(&xread);
        // The writer sends only once the reader's send has returned.
        let value = i.to_string();
        writer.send(&multibulk(&[
            b"XADD",
            key.as_bytes(),
            b"*",
            b"f",
            value.as_bytes(),
        ]));
        let id = writer.frame().expect("XADD answers");
        let id = &id[id.iter().position(|&b| b == b'\n').expect("a bulk") + 1..id.len() - 2];
        let mut want =
            format!("*1\r\n*2\r\n{}*1\r\n*2\r\n", show(&bulk(key.as_bytes()))).into_bytes();
        want.extend_from_slice(&bulk(id));
        want.extend_from_slice(b"*2\r\n$1\r\nf\r\n");
        want.extend_from_slice(&bulk(value.as_bytes()));
        match reader.frame() {
            Some(got) => {
                assert_eq!(show(&got), show(&want), "pair {i} on {key}");
                served += 1;
            }
            None => {
                // The XADD overtook the XREAD, which now waits for the next entry:
                // release it so that the count goes on.
                missed += 1;
                writer.send(&multibulk(&[b"XADD", key.as_bytes(), b"*", b"f", b"late"]));
                writer.frame().expect("XADD answers");
                reader.frame().expect("the late XADD serves the reader");
                assert!(
                    missed < 10,
                    "{key}: {missed} of {} readers missed their XADD",
                    i + 1
                );
            }
        }
    }
    (served, missed)
}

fn show(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

#[test]
fn a_reader_that_sent_first_is_always_served_by_the_next_xadd() {
    let server = start_streamplay();
    let port = server.port;
    // Several pairs at once, so that the server is busy with others' commands
    // whenever a reader's request arrives.
    let threads: Vec<_> = (0..THREADS)
        .map(|t| thread::spawn(move || reader_then_writer_pairs(port, &format!("s{t}"))))
        .collect();
    let (mut served, mut missed) = (0, 0);
    for t in threads {
        let (s, m) = t.join().expect("a pair thread failed");
        served += s;
        missed += m;
    }
    eprintln!("{served} readers served by the XADD sent after them, {missed} missed");
    assert_eq!(missed, 0);
    assert_eq!(served, THREADS * PAIRS_PER_THREAD);
    let mut admin = Conn::open(port).unwrap();
    assert_eq!(info_field(&mut admin, "blocked_clients"), 0);
}

const CONNECTIONS: usize = 1_000;

#[test]
fn a_thousand_connections_at_once_each_get_their_replies() {
    let server = start_streamplay();
    let mut clients: Vec<Client> = (0..CONNECTIONS)
        .map(|_| Client::open(server.port))
        .collect();
    // Every connection sends before any reads, so all of them are open and waiting
    // on the server at once.
    for (i, c) in clients.iter_mut().enumerate() {
        c.send(format!("SET k{i} {i}\r\nGET k{i}\r\nSUBSCRIBE news\r\n").as_bytes());
    }
    for (i, c) in clients.iter_mut().enumerate() {
        let mut want = b"+OK\r\n".to_vec();
        want.extend_from_slice(&bulk(i.to_string().as_bytes()));
        want.extend_from_slice(b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n");
        c.expect(&want);
    }
    let mut admin = Conn::open(server.port).unwrap();
    assert_eq!(
        info_field(&mut admin, "connected_clients"),
        CONNECTIONS as u64 + 1
    );
    let published = admin.call_raw(&[b"PUBLISH".to_vec(), b"news".to_vec(), b"hi".to_vec()]);
    assert_eq!(show(&published), format!(":{CONNECTIONS}\r\n"));
    for c in clients.iter_mut() {
        c.expect(b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
    }
    drop(clients);
    // Every connection's end is noticed: the server is left with the admin alone.
    let mut polls = 0;
    while info_field(&mut admin, "connected_clients") != 1 {
        polls += 1;
        assert!(polls < 100_000, "closed connections were never dropped");
        thread::yield_now();
    }
}

#[test]
fn a_subscriber_that_never_reads_is_dropped_at_the_output_limit() {
    let server = start_streamplay();
    let mut slow = Client::open(server.port);
    slow.send(b"SUBSCRIBE flood\r\n");
    slow.expect(b"*3\r\n$9\r\nsubscribe\r\n$5\r\nflood\r\n:1\r\n");
    let mut publisher = Conn::open(server.port).unwrap();
    let mut other = Conn::open(server.port).unwrap();
    let payload = vec![b'x'; 1024 * 1024];
    let mut delivered = 0;
    loop {
        let reply = publisher.call_raw(&[b"PUBLISH".to_vec(), b"flood".to_vec(), payload.clone()]);
        if reply == b":0\r\n" {
            break;
        }
        assert_eq!(show(&reply), ":1\r\n");
        delivered += 1;
        // Others are served all along.
        assert_eq!(other.call_raw(&[b"PING".to_vec()]), b"+PONG\r\n");
        assert!(delivered < 200, "the slow subscriber was never dropped");
    }
    eprintln!("the subscriber was dropped after {delivered} unread 1 MiB messages");
    // The limit is 32 MiB beyond what the sockets' buffers took.
    assert!(delivered > 32, "dropped after only {delivered} messages");
    // It gets what the kernel already held, then the end of the stream.
    slow.stream
        .set_read_timeout(Some(Duration::from_secs(10)))
        .unwrap();
    let mut got = 0usize;
    let mut chunk = vec![0u8; 1 << 16];
    loop {
        match slow.stream.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => got += n,
            Err(e) if e.kind() == ErrorKind::ConnectionReset => break,
            Err(e) => panic!("reading the dropped subscriber failed: {e}"),
        }
    }
    assert!(got < delivered * payload.len(), "{got} bytes");
    assert_eq!(info_field(&mut other, "connected_clients"), 2);
}
