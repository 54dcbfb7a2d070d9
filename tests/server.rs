//! Tests of the streamplay-server binary over real TCP: RESP2/RESP3 replies, inline and
//! pipelined requests, Redis 7.0's protocol errors, concurrency, QUIT, CLIENT KILL, flags, pub/sub
//! pushes between connections, and real clients (the Debian redis-cli, also in subscribe mode, and
//! redis-py).
//!
//! Each test starts its own server on a free loopback port and kills it when done. The
//! expected bytes of protocol errors were recorded from redis-server 7.0.15.
#![cfg(not(target_arch = "wasm32"))]

use std::io::{BufRead, BufReader, ErrorKind, Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Output, Stdio};
use std::sync::mpsc::{self, RecvTimeoutError};
use std::thread;
use std::time::{Duration, Instant};

mod support;

const BIN: &str = env!("CARGO_BIN_EXE_streamplay-server");
/// How long any one wait may take before the test fails instead of hanging.
const PATIENCE: Duration = Duration::from_secs(20);

/// A running server, killed when dropped.
struct TestServer {
    child: Child,
    port: u16,
    banner: String,
}

impl TestServer {
    fn start() -> TestServer {
        TestServer::start_with(&[])
    }

    /// Starts the binary with `args` on a free port. Another process may take the
    /// port between our probe and the server's bind; the server then exits and we
    /// try another port.
    fn start_with(args: &[&str]) -> TestServer {
        let deadline = Instant::now() + PATIENCE;
        for _attempt in 0..5 {
            let port = free_port();
            let mut child = Command::new(BIN)
                .arg("--port")
                .arg(port.to_string())
                .args(args)
                .stdin(Stdio::null())
                .stdout(Stdio::piped())
                .stderr(Stdio::inherit())
                .spawn()
                .expect("cannot start streamplay-server");
            let stdout = child.stdout.take().expect("stdout is piped");
            let (tx, rx) = mpsc::channel();
            thread::spawn(move || {
                let mut line = String::new();
                let _ = BufReader::new(stdout).read_line(&mut line);
                let _ = tx.send(line);
            });
            let banner = loop {
                match rx.recv_timeout(Duration::from_millis(20)) {
                    Ok(line) => break line,
                    Err(RecvTimeoutError::Disconnected) => break String::new(),
                    Err(RecvTimeoutError::Timeout) if Instant::now() > deadline => {
                        let _ = child.kill();
                        panic!("streamplay-server printed no listening line in {PATIENCE:?}");
                    }
                    Err(RecvTimeoutError::Timeout) => {}
                }
            };
            if banner.is_empty() {
                // It exited without listening: most likely the port was taken.
                let _ = child.wait();
                continue;
            }
            let server = TestServer {
                child,
                port,
                banner,
            };
            server.wait_until_accepting(deadline);
            return server;
        }
        panic!("streamplay-server could not listen on any of 5 free ports");
    }

    /// Polls until a connection is accepted (the listening line comes after the bind,
    /// so this is quick), failing if the server dies or the deadline passes.
    fn wait_until_accepting(&self, deadline: Instant) {
        loop {
            if TcpStream::connect(("127.0.0.1", self.port)).is_ok() {
                return;
            }
            assert!(
                Instant::now() < deadline,
                "streamplay-server did not accept connections on port {}",
                self.port
            );
            thread::yield_now();
        }
    }

    fn client(&self) -> Client {
        Client::connect(self.port)
    }

    /// A memory figure of the server in KiB from /proc/PID/status (`VmRSS`, `VmSize`).
    fn memory_kib(&self, field: &str) -> u64 {
        let status = std::fs::read_to_string(format!("/proc/{}/status", self.child.id()))
            .expect("read /proc/PID/status");
        status
            .lines()
            .find_map(|l| l.strip_prefix(field)?.strip_prefix(':'))
            .and_then(|v| v.trim().trim_end_matches("kB").trim().parse().ok())
            .unwrap_or_else(|| panic!("{field} in /proc/PID/status"))
    }
}

impl Drop for TestServer {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// A port nobody listened on a moment ago.
fn free_port() -> u16 {
    TcpListener::bind(("127.0.0.1", 0))
        .and_then(|l| l.local_addr())
        .expect("bind a probe socket")
        .port()
}

/// A raw RESP connection with its own read buffer.
struct Client {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Client {
    fn connect(port: u16) -> Client {
        let stream = TcpStream::connect(("127.0.0.1", port)).expect("connect to the server");
        stream
            .set_read_timeout(Some(PATIENCE))
            .expect("set a read timeout");
        Client {
            stream,
            buf: Vec::new(),
        }
    }

    fn send(&mut self, bytes: &[u8]) {
        self.stream.write_all(bytes).expect("write to the server");
    }

    /// Reads once more into the buffer; 0 at the end of the stream.
    fn fill(&mut self) -> usize {
        let mut chunk = [0u8; 64 * 1024];
        match self.stream.read(&mut chunk) {
            Ok(n) => {
                self.buf.extend_from_slice(&chunk[..n]);
                n
            }
            // A reset after the server closed is an end of stream too.
            Err(e) if e.kind() == ErrorKind::ConnectionReset => 0,
            Err(e) => panic!(
                "reading from the server failed ({e}); got so far: {:?}",
                show(&self.buf)
            ),
        }
    }

    fn take(&mut self, n: usize) -> Vec<u8> {
        while self.buf.len() < n {
            if self.fill() == 0 {
                panic!(
                    "the server closed the connection; wanted {n} bytes, got {:?}",
                    show(&self.buf)
                );
            }
        }
        self.buf.drain(..n).collect()
    }

    /// Reads exactly as many bytes as `want` holds and compares them.
    fn expect(&mut self, want: &[u8]) {
        let got = self.take(want.len());
        assert_eq!(show(&got), show(want));
    }

    /// Everything until the server closes the connection.
    fn read_to_eof(&mut self) -> Vec<u8> {
        while self.fill() > 0 {}
        std::mem::take(&mut self.buf)
    }

    fn expect_eof(&mut self) {
        let rest = self.read_to_eof();
        assert!(rest.is_empty(), "expected EOF, got {:?}", show(&rest));
    }

    fn line(&mut self) -> Vec<u8> {
        loop {
            if let Some(i) = self.buf.windows(2).position(|w| w == b"\r\n") {
                return self.buf.drain(..i + 2).collect();
            }
            if self.fill() == 0 {
                panic!(
                    "the server closed the connection mid-line: {:?}",
                    show(&self.buf)
                );
            }
        }
    }

    /// The raw bytes of one whole RESP2/RESP3 reply.
    fn reply(&mut self) -> Vec<u8> {
        let mut out = self.line();
        let count = || -> i64 {
            std::str::from_utf8(&out[1..out.len() - 2])
                .ok()
                .and_then(|n| n.parse().ok())
                .unwrap_or_else(|| panic!("bad length line {:?}", show(&out)))
        };
        match out[0] {
            b'$' | b'=' | b'!' => {
                let n = count();
                if n >= 0 {
                    out.extend(self.take(n as usize + 2));
                }
            }
            b'*' | b'~' | b'>' | b'%' => {
                let n = count();
                let items = if out[0] == b'%' { n * 2 } else { n };
                for _ in 0..items.max(0) {
                    out.extend(self.reply());
                }
            }
            _ => {}
        }
        out
    }

    /// Sends one command as a multibulk request and returns the raw reply.
    fn call(&mut self, args: &[&[u8]]) -> Vec<u8> {
        self.send(&multibulk(args));
        self.reply()
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

/// Bytes as readable text for assertion messages.
fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

/// Checks a HELLO map reply whose `id` field varies; `id` is replaced by `<id>` in `want`.
fn assert_hello(got: &[u8], want: &str) {
    let text = show(got);
    let (before, after) = want.split_once("<id>").expect("<id> in the pattern");
    let id = text
        .strip_prefix(before)
        .and_then(|rest| rest.strip_suffix(after))
        .unwrap_or_else(|| panic!("HELLO reply {text:?} does not match {want:?}"));
    assert!(
        !id.is_empty() && id.bytes().all(|b| b.is_ascii_digit()),
        "HELLO id {id:?} in {text:?}"
    );
}

#[test]
fn prints_the_listening_line() {
    let server = TestServer::start();
    assert_eq!(
        server.banner,
        format!(
            "streamplay-server 8.4.0 (profile 8) listening on 127.0.0.1:{}\n",
            server.port
        )
    );
    let old = TestServer::start_with(&["--profile", "7.0"]);
    assert!(
        old.banner
            .starts_with("streamplay-server 7.0.15 (profile 7.0) listening on 127.0.0.1:"),
        "{:?}",
        old.banner
    );
}

#[test]
fn ping_set_get_over_resp2() {
    let server = TestServer::start();
    let mut c = server.client();
    c.send(b"*1\r\n$4\r\nPING\r\n");
    c.expect(b"+PONG\r\n");
    c.send(b"*3\r\n$3\r\nSET\r\n$5\r\nmykey\r\n$5\r\nhello\r\n");
    c.expect(b"+OK\r\n");
    c.send(b"*2\r\n$3\r\nGET\r\n$5\r\nmykey\r\n");
    c.expect(b"$5\r\nhello\r\n");
    c.send(b"*2\r\n$3\r\nGET\r\n$7\r\nmissing\r\n");
    c.expect(b"$-1\r\n");
    // Values are binary safe: CR, LF and NUL inside a bulk are data.
    assert_eq!(c.call(&[b"SET", b"bin\x00", b"a\r\nb\x00c"]), b"+OK\r\n");
    assert_eq!(c.call(&[b"GET", b"bin\x00"]), b"$6\r\na\r\nb\x00c\r\n");
    // Another connection sees the same keyspace.
    let mut other = server.client();
    assert_eq!(other.call(&[b"GET", b"mykey"]), b"$5\r\nhello\r\n");
}

#[test]
fn hello_3_switches_to_resp3() {
    let server = TestServer::start();
    let mut c = server.client();
    c.send(b"*2\r\n$5\r\nHELLO\r\n$1\r\n3\r\n");
    assert_hello(
        &c.reply(),
        "%7\\r\\n$6\\r\\nserver\\r\\n$5\\r\\nredis\\r\\n$7\\r\\nversion\\r\\n$5\\r\\n8.4.0\\r\\n\
         $5\\r\\nproto\\r\\n:3\\r\\n$2\\r\\nid\\r\\n:<id>\\r\\n$4\\r\\nmode\\r\\n$10\\r\\nstandalone\\r\\n\
         $4\\r\\nrole\\r\\n$6\\r\\nmaster\\r\\n$7\\r\\nmodules\\r\\n*1\\r\\n%4\\r\\n\
         $4\\r\\nname\\r\\n$9\\r\\nvectorset\\r\\n$3\\r\\nver\\r\\n:1\\r\\n\
         $4\\r\\npath\\r\\n$0\\r\\n\\r\\n$4\\r\\nargs\\r\\n*0\\r\\n",
    );
    // Later replies are RESP3 too: the null of a missing key is `_`.
    assert_eq!(c.call(&[b"GET", b"missing"]), b"_\r\n");
    assert_eq!(c.call(&[b"MGET", b"missing"]), b"*1\r\n_\r\n");
    // HELLO 2 answers in RESP2, as a flat array.
    assert_hello(
        &c.call(&[b"HELLO", b"2"]),
        "*14\\r\\n$6\\r\\nserver\\r\\n$5\\r\\nredis\\r\\n$7\\r\\nversion\\r\\n$5\\r\\n8.4.0\\r\\n\
         $5\\r\\nproto\\r\\n:2\\r\\n$2\\r\\nid\\r\\n:<id>\\r\\n$4\\r\\nmode\\r\\n$10\\r\\nstandalone\\r\\n\
         $4\\r\\nrole\\r\\n$6\\r\\nmaster\\r\\n$7\\r\\nmodules\\r\\n*1\\r\\n*8\\r\\n\
         $4\\r\\nname\\r\\n$9\\r\\nvectorset\\r\\n$3\\r\\nver\\r\\n:1\\r\\n\
         $4\\r\\npath\\r\\n$0\\r\\n\\r\\n$4\\r\\nargs\\r\\n*0\\r\\n",
    );
    assert_eq!(c.call(&[b"GET", b"missing"]), b"$-1\r\n");
    // Other connections keep their own protocol.
    let mut plain = server.client();
    assert_eq!(plain.call(&[b"GET", b"missing"]), b"$-1\r\n");

    let old = TestServer::start_with(&["--profile", "7.0"]);
    let mut c = old.client();
    let reply = c.call(&[b"HELLO", b"3"]);
    assert!(
        show(&reply).contains("$7\\r\\nversion\\r\\n$6\\r\\n7.0.15\\r\\n"),
        "{}",
        show(&reply)
    );
}

#[test]
fn inline_commands() {
    let server = TestServer::start();
    let mut c = server.client();
    c.send(b"PING\r\n");
    c.expect(b"+PONG\r\n");
    c.send(b"SET a \"b c\"\n");
    c.expect(b"+OK\r\n");
    c.send(b"GET a\r\n");
    c.expect(b"$3\r\nb c\r\n");
    // Empty lines are skipped; quoting follows sdssplitargs (escapes, \xHH, single quotes).
    c.send(b"\r\n\n   \n\t\r\nECHO \"\\x41\\n\\\"\"\r\nECHO 'it\\'s'\nECHO x\"y z\"\r\n");
    c.expect(b"$3\r\nA\n\"\r\n$4\r\nit's\r\n$4\r\nxy z\r\n");
    // A line may arrive in pieces; it runs once its newline arrives.
    c.send(b"ECH");
    c.send(b"O pieces");
    c.send(b"\r\n");
    c.expect(b"$6\r\npieces\r\n");
    // Inline and multibulk requests mix freely.
    c.send(b"PING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nhi\r\nPING\n");
    c.expect(b"+PONG\r\n$2\r\nhi\r\n+PONG\r\n");
}

#[test]
fn pipelining_1000_commands_in_one_write() {
    let server = TestServer::start();
    let mut c = server.client();
    let mut batch = Vec::new();
    let mut want = Vec::new();
    for i in 1..=1000 {
        // Alternate the two request types to show order is kept across both.
        if i % 2 == 0 {
            batch.extend_from_slice(b"INCR counter\r\n");
        } else {
            batch.extend_from_slice(&multibulk(&[b"INCR", b"counter"]));
        }
        want.extend_from_slice(format!(":{i}\r\n").as_bytes());
    }
    c.send(&batch);
    c.expect(&want);
    assert_eq!(c.call(&[b"GET", b"counter"]), b"$4\r\n1000\r\n");
}

#[test]
fn big_values_and_split_requests() {
    let server = TestServer::start();
    let mut c = server.client();
    // A 3 MiB value crosses many socket reads and takes the big-argument path.
    let value: Vec<u8> = (0..3 * 1024 * 1024).map(|i| (i % 251) as u8).collect();
    assert_eq!(c.call(&[b"SET", b"big", &value]), b"+OK\r\n");
    let mut want = format!("${}\r\n", value.len()).into_bytes();
    want.extend_from_slice(&value);
    want.extend_from_slice(b"\r\n");
    assert!(c.call(&[b"GET", b"big"]) == want, "GET big differs");
    // A request dribbled in one byte at a time.
    for byte in multibulk(&[b"ECHO", b"slow"]) {
        c.send(&[byte]);
    }
    c.expect(b"$4\r\nslow\r\n");
}

#[test]
fn a_huge_declared_bulk_length_allocates_nothing_ahead() {
    let server = TestServer::start();
    // Eight clients each announce a 512 MiB argument and send 1 MiB of it. Memory
    // reserved for those arguments would show in the virtual size (4 GiB) even
    // before it is touched; threads and allocator arenas account for far less.
    let mut clients: Vec<Client> = (0..8).map(|_| server.client()).collect();
    let mut other = server.client();
    assert_eq!(other.call(&[b"PING"]), b"+PONG\r\n");
    let (rss_before, size_before) = (server.memory_kib("VmRSS"), server.memory_kib("VmSize"));
    let chunk = vec![b'x'; 1024 * 1024];
    for c in &mut clients {
        c.send(b"*2\r\n$4\r\nECHO\r\n$536870912\r\n");
        c.send(&chunk);
    }
    // The server still answers others while those requests wait for their data.
    assert_eq!(other.call(&[b"PING"]), b"+PONG\r\n");
    let (rss, size) = (server.memory_kib("VmRSS"), server.memory_kib("VmSize"));
    eprintln!("rss {rss_before} -> {rss} KiB, size {size_before} -> {size} KiB");
    assert!(
        rss < rss_before + 256 * 1024,
        "resident memory grew from {rss_before} KiB to {rss} KiB"
    );
    assert!(
        size < size_before + 1536 * 1024,
        "virtual size grew from {size_before} KiB to {size} KiB"
    );
}

/// Sends `input` on a fresh connection and checks that the server answers exactly
/// `want` and then closes the connection.
fn assert_closes_with(server: &TestServer, input: &[u8], want: &[u8]) {
    let mut c = server.client();
    c.send(input);
    let got = c.read_to_eof();
    assert_eq!(
        show(&got),
        show(want),
        "for input {:?}",
        show(&input[..input.len().min(60)])
    );
}

#[test]
fn protocol_errors_are_answered_then_the_connection_closes() {
    let server = TestServer::start();
    let cases: Vec<(Vec<u8>, &[u8])> = vec![
        (
            b"\"abc\r\nPING\r\n".to_vec(),
            b"-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
        (
            b"ECHO a\"b c\"d\r\n".to_vec(),
            b"-ERR Protocol error: unbalanced quotes in request\r\n",
        ),
        (
            b"*x\r\n".to_vec(),
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*3000000000\r\n".to_vec(),
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*2147483648\r\n".to_vec(),
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*01\r\n$4\r\nPING\r\n".to_vec(),
            b"-ERR Protocol error: invalid multibulk length\r\n",
        ),
        (
            b"*1\r\nx\r\n".to_vec(),
            b"-ERR Protocol error: expected '$', got 'x'\r\n",
        ),
        (
            b"*1\r\n\n\r\n".to_vec(),
            b"-ERR Protocol error: expected '$', got ' '\r\n",
        ),
        (
            b"*1\r\n\xff\r\n".to_vec(),
            b"-ERR Protocol error: expected '$', got '\xff'\r\n",
        ),
        (
            b"*1\r\n$-1\r\n".to_vec(),
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$+4\r\nPING\r\n".to_vec(),
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            b"*1\r\n$536870913\r\n".to_vec(),
            b"-ERR Protocol error: invalid bulk length\r\n",
        ),
        (
            // Commands before the bad one in the same write run first.
            b"*1\r\n$4\r\nPING\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$2\r\nab\r\n*\r\nPING\r\n".to_vec(),
            b"+PONG\r\n+PONG\r\n$2\r\nab\r\n-ERR Protocol error: invalid multibulk length\r\n",
        ),
    ];
    for (input, want) in &cases {
        assert_closes_with(&server, input, want);
    }

    // Lines without their end: more than 64 KiB is too big. The inputs stop right
    // past the limit so that the server has read everything when it closes.
    let mut inline = b"PING\r\n".to_vec();
    inline.extend(std::iter::repeat_n(b'P', 64 * 1024 + 1));
    assert_closes_with(
        &server,
        &inline,
        b"+PONG\r\n-ERR Protocol error: too big inline request\r\n",
    );
    let mut count = b"*".to_vec();
    count.extend(std::iter::repeat_n(b'1', 64 * 1024));
    assert_closes_with(
        &server,
        &count,
        b"-ERR Protocol error: too big mbulk count string\r\n",
    );
    let mut bulk = b"*1\r\n$".to_vec();
    bulk.extend(std::iter::repeat_n(b'1', 64 * 1024));
    assert_closes_with(
        &server,
        &bulk,
        b"-ERR Protocol error: too big bulk count string\r\n",
    );

    // The server itself is unharmed.
    assert_eq!(server.client().call(&[b"PING"]), b"+PONG\r\n");
}

#[test]
fn requests_redis_ignores_or_waits_on() {
    let server = TestServer::start();
    let mut c = server.client();
    // Counts <= 0 are empty requests; the two bytes after a bulk are not checked.
    c.send(b"*-1\r\n*0\r\n*1\r\n$4\r\nPINGxx*1\rX$4\rXPING\r\n");
    c.expect(b"+PONG\r\n+PONG\r\n");
    // A NUL hides an inline line's end from Redis's strchr, so it waits (and the
    // connection stays open) rather than answering.
    let mut waiting = server.client();
    waiting.send(b"PING\x00\r\nPING\r\n");
    c.send(b"PING\r\n");
    c.expect(b"+PONG\r\n");
    waiting
        .stream
        .set_read_timeout(Some(Duration::from_millis(100)))
        .expect("set a read timeout");
    let mut byte = [0u8; 1];
    let err = waiting
        .stream
        .read(&mut byte)
        .expect_err("no reply expected");
    assert!(
        matches!(err.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut),
        "{err}"
    );
}

#[test]
fn http_requests_are_dropped_without_a_reply() {
    let server = TestServer::start();
    let mut c = server.client();
    c.send(b"POST / HTTP/1.1\r\nHost: localhost\r\n\r\n");
    c.expect_eof();
    let mut c = server.client();
    c.send(b"Host: localhost\r\n");
    c.expect_eof();
    // Replies of the same batch not written yet are dropped too, as Redis frees the
    // client before its next write.
    let mut c = server.client();
    c.send(b"PING\r\npost / HTTP/1.0\r\n");
    c.expect_eof();
}

#[test]
fn quit_answers_ok_then_closes() {
    let server = TestServer::start();
    let mut c = server.client();
    // The PING after QUIT is never run.
    c.send(b"*1\r\n$4\r\nQUIT\r\n*1\r\n$4\r\nPING\r\n");
    c.expect(b"+OK\r\n");
    c.expect_eof();
    let mut c = server.client();
    c.send(b"QUIT\r\n");
    c.expect(b"+OK\r\n");
    c.expect_eof();
}

/// The value of `key=` in a CLIENT INFO / CLIENT LIST reply.
fn client_field(reply: &[u8], key: &str) -> String {
    let text = String::from_utf8_lossy(reply);
    text.split([' ', '\n', '\r'])
        .find_map(|kv| kv.strip_prefix(&format!("{key}=")).map(str::to_string))
        .unwrap_or_else(|| panic!("no {key}= in {text:?}"))
}

#[test]
fn client_kill_closes_other_connections_and_its_own_after_the_reply() {
    let server = TestServer::start_with(&["--profile", "7.0"]);
    let mut a = server.client();
    let mut b = server.client();
    let mut c = server.client();
    // By id: B's connection closes, and A gets the count.
    let id = b.call(&[b"CLIENT", b"ID"]);
    let id = &id[1..id.len() - 2];
    assert_eq!(
        show(&a.call(&[b"CLIENT", b"KILL", b"ID", id])),
        show(b":1\r\n")
    );
    b.expect_eof();
    // The server gives the engine each socket's real addresses; the old form kills by one.
    let info = c.call(&[b"CLIENT", b"INFO"]);
    let addr = client_field(&info, "addr");
    assert_eq!(addr, c.stream.local_addr().unwrap().to_string());
    assert_eq!(
        client_field(&info, "laddr"),
        format!("127.0.0.1:{}", server.port)
    );
    assert_eq!(
        show(&a.call(&[b"CLIENT", b"KILL", addr.as_bytes()])),
        show(b"+OK\r\n")
    );
    c.expect_eof();
    // A goes on; B and C are gone from CLIENT LIST. (The start-up probe's own
    // connection may still be listed until the server notices it closed, so
    // the test names the clients it expects gone rather than counting lines.)
    let list = String::from_utf8_lossy(&a.call(&[b"CLIENT", b"LIST"])).into_owned();
    let b_id = format!("id={} ", String::from_utf8_lossy(id));
    assert!(!list.contains(&b_id), "{list}");
    assert!(!list.contains(&format!("addr={addr} ")), "{list}");
    assert!(list.contains("cmd=client|list"), "{list}");
    let server_info = a.call(&[b"INFO", b"server"]);
    assert!(
        String::from_utf8_lossy(&server_info)
            .contains(&format!("\r\ntcp_port:{}\r\n", server.port)),
        "{}",
        show(&server_info)
    );
    // Killing oneself: the reply, then the close; the pipelined PING never runs.
    let me = a.call(&[b"CLIENT", b"ID"]);
    let me = &me[1..me.len() - 2];
    let mut req = multibulk(&[b"CLIENT", b"KILL", b"ID", me, b"SKIPME", b"no"]);
    req.extend(multibulk(&[b"PING"]));
    a.send(&req);
    a.expect(b":1\r\n");
    a.expect_eof();
}

#[test]
fn a_killed_client_with_requests_in_flight_just_goes_away() {
    let server = TestServer::start();
    let mut killer = server.client();
    let mut victim = server.client();
    let id = victim.call(&[b"CLIENT", b"ID"]);
    let id = id[1..id.len() - 2].to_vec();
    // The victim keeps a stream of requests coming while it is killed: it gets some
    // replies, then the end of the stream, and the server keeps serving others.
    let pings: Vec<u8> = (0..2000).flat_map(|_| multibulk(&[b"PING"])).collect();
    victim.send(&pings);
    assert_eq!(
        show(&killer.call(&[b"CLIENT", b"KILL", b"ID", &id])),
        show(b":1\r\n")
    );
    let got = victim.read_to_eof();
    assert!(got.len() <= 2000 * 7 && got.len() % 7 == 0, "{}", got.len());
    assert_eq!(show(&killer.call(&[b"PING"])), show(b"+PONG\r\n"));
}

#[test]
fn fifty_concurrent_clients_incr_one_key() {
    let server = TestServer::start();
    let port = server.port;
    let threads: Vec<_> = (0..50)
        .map(|_| {
            thread::spawn(move || {
                let mut c = Client::connect(port);
                for _ in 0..40 {
                    let reply = c.call(&[b"INCR", b"shared"]);
                    assert!(reply.starts_with(b":"), "{}", show(&reply));
                }
            })
        })
        .collect();
    for t in threads {
        t.join().expect("a client thread failed");
    }
    assert_eq!(
        server.client().call(&[b"GET", b"shared"]),
        b"$4\r\n2000\r\n"
    );
}

#[test]
fn clients_that_vanish_mid_request_do_not_disturb_others() {
    let server = TestServer::start();
    for partial in [
        &b"*2\r\n$3\r\nGET"[..],
        b"SET a",
        b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$100\r\nabc",
    ] {
        let mut c = server.client();
        c.send(partial);
        drop(c);
    }
    let mut c = server.client();
    assert_eq!(c.call(&[b"SET", b"k", b"v"]), b"+OK\r\n");
    assert_eq!(c.call(&[b"GET", b"k"]), b"$1\r\nv\r\n");
}

#[test]
fn the_ticker_runs_alongside_commands() {
    // No blocking command is available without the engine's test commands, so this
    // checks that the ticker's calls into the engine interleave harmlessly with
    // commands over many ticks, on RESP2 and RESP3 connections alike.
    let server = TestServer::start();
    let mut resp2 = server.client();
    let mut resp3 = server.client();
    let idle = {
        let mut c = server.client();
        c.send(b"HELLO 3\r\n");
        c.reply();
        c
    };
    resp3.send(b"HELLO 3\r\n");
    resp3.reply();
    let start = Instant::now();
    let mut n = 0;
    while start.elapsed() < Duration::from_millis(200) {
        n += 1;
        assert_eq!(
            resp2.call(&[b"INCR", b"ticks"]),
            format!(":{}\r\n", 2 * n - 1).as_bytes()
        );
        assert_eq!(
            resp3.call(&[b"INCR", b"ticks"]),
            format!(":{}\r\n", 2 * n).as_bytes()
        );
        assert_eq!(resp3.call(&[b"GET", b"nothing"]), b"_\r\n");
    }
    // A connection left idle through all those ticks got nothing it did not ask for.
    let mut idle = idle;
    idle.send(b"PING\r\n");
    idle.expect(b"+PONG\r\n");
}

fn run(cmd: &mut Command, what: &str) -> Output {
    cmd.stdin(Stdio::null()).output().unwrap_or_else(|e| {
        panic!("cannot run {what}: {e} (is it installed? apt-get install redis-tools / python3)")
    })
}

#[test]
fn redis_cli_talks_to_the_server() {
    let server = TestServer::start();
    let port = server.port.to_string();
    let cli = |args: &[&str]| -> String {
        let out = run(
            Command::new("redis-cli").arg("-p").arg(&port).args(args),
            "redis-cli",
        );
        assert!(out.status.success(), "redis-cli {args:?}: {out:?}");
        String::from_utf8_lossy(&out.stdout).into_owned()
    };
    assert_eq!(cli(&["PING"]), "PONG\n");
    assert_eq!(cli(&["SET", "k", "v"]), "OK\n");
    assert_eq!(cli(&["GET", "k"]), "v\n");
    assert_eq!(cli(&["-3", "GET", "nothing"]), "\n");
    // redis-cli prints an error followed by an empty line when not on a terminal.
    assert_eq!(
        cli(&["INCR", "k"]),
        "ERR value is not an integer or out of range\n\n"
    );
}

#[test]
fn redis_py_smoke() {
    let server = TestServer::start();
    let script = concat!(
        env!("CARGO_MANIFEST_DIR"),
        "/tests/clients/redis_py_smoke.py"
    );
    let out = run(
        Command::new(support::python())
            .arg(script)
            .arg(server.port.to_string()),
        "the project's Python (.venv/bin/python)",
    );
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(
        out.status.code() != Some(2),
        "the Python package 'redis' is missing from .venv: run ./dev.sh setup\n{stderr}"
    );
    assert!(
        out.status.success(),
        "redis_py_smoke.py failed ({}):\n{}{stderr}",
        out.status,
        String::from_utf8_lossy(&out.stdout)
    );
}

#[test]
fn command_line_flags() {
    let help = run(Command::new(BIN).arg("--help"), "streamplay-server");
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).starts_with("Usage: streamplay-server"));
    for bad in [
        &["--bogus"][..],
        &["--port"],
        &["--port", "70000"],
        &["--port", "abc"],
        &["--profile", "9"],
        &["extra"],
    ] {
        let out = run(Command::new(BIN).args(bad), "streamplay-server");
        assert_eq!(out.status.code(), Some(1), "{bad:?}");
        assert!(out.stdout.is_empty(), "{bad:?}");
        assert!(!out.stderr.is_empty(), "{bad:?}: no message on stderr");
    }
    // A port that is taken is an error too, not a hang.
    let taken = TcpListener::bind(("127.0.0.1", 0)).expect("bind");
    let port = taken.local_addr().expect("local addr").port().to_string();
    let out = run(
        Command::new(BIN).args(["--port", &port]),
        "streamplay-server",
    );
    assert_eq!(out.status.code(), Some(1));
    assert!(String::from_utf8_lossy(&out.stderr).contains("cannot listen"));
}

#[test]
fn pubsub_pushes_reach_other_connections_in_resp2_and_resp3() {
    let server = TestServer::start();
    let mut sub2 = Client::connect(server.port);
    let mut sub3 = Client::connect(server.port);
    let mut publisher = Client::connect(server.port);
    assert_eq!(
        sub2.call(&[b"SUBSCRIBE", b"news"]),
        b"*3\r\n$9\r\nsubscribe\r\n$4\r\nnews\r\n:1\r\n"
    );
    sub3.call(&[b"HELLO", b"3"]);
    assert_eq!(
        sub3.call(&[b"PSUBSCRIBE", b"n*"]),
        b">3\r\n$10\r\npsubscribe\r\n$2\r\nn*\r\n:1\r\n"
    );
    assert_eq!(publisher.call(&[b"PUBLISH", b"news", b"hi"]), b":2\r\n");
    sub2.expect(b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
    sub3.expect(b">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$4\r\nnews\r\n$2\r\nhi\r\n");
    // RESP2 subscribe mode refuses other commands; RESP3 interleaves replies
    // and pushes, the reply first.
    assert_eq!(
        sub2.call(&[b"GET", b"k"]),
        b"-ERR Can't execute 'get': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context\r\n"
    );
    assert_eq!(sub3.call(&[b"PUBLISH", b"nx", b"self"]), b":1\r\n");
    sub3.expect(b">4\r\n$8\r\npmessage\r\n$2\r\nn*\r\n$2\r\nnx\r\n$4\r\nself\r\n");
    // A keyspace notification written by another connection.
    assert_eq!(
        publisher.call(&[b"CONFIG", b"SET", b"notify-keyspace-events", b"E$"]),
        b"+OK\r\n"
    );
    assert_eq!(
        sub2.call(&[b"SUBSCRIBE", b"__keyevent@0__:set"]),
        b"*3\r\n$9\r\nsubscribe\r\n$18\r\n__keyevent@0__:set\r\n:2\r\n"
    );
    assert_eq!(publisher.call(&[b"SET", b"k", b"v"]), b"+OK\r\n");
    sub2.expect(b"*3\r\n$7\r\nmessage\r\n$18\r\n__keyevent@0__:set\r\n$1\r\nk\r\n");
    // A subscriber that goes away is no longer counted.
    drop(sub3);
    let deadline = Instant::now() + PATIENCE;
    while publisher.call(&[b"PUBSUB", b"NUMPAT"]) != b":0\r\n" {
        assert!(
            Instant::now() < deadline,
            "the closed subscriber stays subscribed"
        );
        std::thread::yield_now();
    }
    assert_eq!(publisher.call(&[b"PUBLISH", b"news", b"bye"]), b":1\r\n");
    sub2.expect(b"*3\r\n$7\r\nmessage\r\n$4\r\nnews\r\n$3\r\nbye\r\n");
}

#[test]
fn redis_cli_in_subscribe_mode_prints_messages() {
    let server = TestServer::start();
    let mut child = Command::new("redis-cli")
        .args(["-p", &server.port.to_string(), "SUBSCRIBE", "news"])
        .stdin(Stdio::null())
        .stdout(Stdio::piped())
        .stderr(Stdio::null())
        .spawn()
        .expect("redis-cli is installed (apt-get install redis-tools)");
    let stdout = child.stdout.take().expect("piped stdout");
    let (tx, rx) = std::sync::mpsc::channel();
    std::thread::spawn(move || {
        for line in BufReader::new(stdout).lines() {
            if tx.send(line.unwrap_or_default()).is_err() {
                break;
            }
        }
    });
    let mut publisher = Client::connect(server.port);
    let deadline = Instant::now() + PATIENCE;
    while publisher.call(&[b"PUBSUB", b"NUMSUB", b"news"]) != b"*2\r\n$4\r\nnews\r\n:1\r\n" {
        assert!(Instant::now() < deadline, "redis-cli did not subscribe");
        std::thread::yield_now();
    }
    assert_eq!(publisher.call(&[b"PUBLISH", b"news", b"hello"]), b":1\r\n");
    let mut lines = Vec::new();
    while lines.last().map(String::as_str) != Some("hello") {
        let left = deadline.saturating_duration_since(Instant::now());
        match rx.recv_timeout(left) {
            Ok(line) => lines.push(line),
            Err(_) => panic!("redis-cli printed only {lines:?}"),
        }
    }
    let _ = child.kill();
    let _ = child.wait();
    // Not on a terminal, redis-cli prints each element on a line of its own.
    assert_eq!(
        lines,
        ["subscribe", "news", "1", "message", "news", "hello"]
    );
}
