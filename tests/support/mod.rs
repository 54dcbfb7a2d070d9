//! Shared by the stream tests (`differential_streams_random.rs`,
//! `stream_model.rs`, `stream_nodes.rs`) and the differential tests: starting a real
//! redis-server (Debian's 7.0.15, or the project's Redis 8.0.2 in `.redis8/`) and
//! `streamplay-server` in the matching profile on free loopback ports, a RESP connection,
//! a way to run a command against either an in-process engine or a server (`Backend`),
//! a small seeded random generator, and the blocking tests' waiting connection
//! (`Waiter`) with `wait_blocked`. The random differential workloads' runner and generators
//! are in `random/` (included by those tests only).

#![allow(dead_code)]

use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::process::{Child, Command, Stdio};
use std::time::{Duration, Instant};

use streamplay::engine::{resp, ClientId, Config, Engine, Profile, Reply};

/// A server process, killed when dropped.
pub struct Server {
    child: Child,
    pub port: u16,
}

impl Drop for Server {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The project's own Python (`.venv/bin/python`, made by `./dev.sh setup` from
/// `requirements-test.txt`). Tests never fall back to the machine's `python3`: a package the
/// setup forgot must fail here, not pass because this machine happens to have it.
pub fn python() -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".venv/bin/python");
    assert!(
        path.exists(),
        "{} is missing: run ./dev.sh setup (it makes the project's virtual environment)",
        path.display()
    );
    path
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

/// Waits (polling, with a deadline) until the server answers PING, then until
/// it has dropped that probe connection, so that tests never see it in CLIENT
/// LIST, INFO clients or the client ids.
fn wait_ready(server: &mut Server, what: &str) {
    let deadline = Instant::now() + Duration::from_secs(20);
    loop {
        if let Ok(Some(status)) = server.child.try_wait() {
            panic!("{what} exited during start-up: {status}");
        }
        if let Ok(mut s) = TcpStream::connect(("127.0.0.1", server.port)) {
            s.set_read_timeout(Some(Duration::from_secs(2))).unwrap();
            if s.write_all(b"PING\r\n").is_ok() {
                let mut buf = [0u8; 7];
                if s.read_exact(&mut buf).is_ok() && &buf == b"+PONG\r\n" {
                    // The server closes its side once it has dropped the client.
                    let _ = s.shutdown(std::net::Shutdown::Write);
                    let mut rest = [0u8; 64];
                    while matches!(s.read(&mut rest), Ok(n) if n > 0) {}
                    return;
                }
            }
        }
        assert!(
            Instant::now() < deadline,
            "{what} did not start listening on port {}",
            server.port
        );
        std::thread::sleep(Duration::from_millis(20));
    }
}

/// The two profiles the differential tests prove, each against its own real server.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Version {
    /// `--profile 7.0` against Debian's redis-server 7.0.15 (on PATH).
    V7,
    /// `--profile 8` (Redis 8.4) against Redis 8.0.2 (`.redis8/redis8-server`, which
    /// `./dev.sh setup` brings up).
    V8,
}

impl Version {
    /// The engine's `--profile` value.
    pub fn profile(self) -> &'static str {
        match self {
            Version::V7 => "7.0",
            Version::V8 => "8",
        }
    }

    /// The real server's version, as reports name it.
    pub fn redis(self) -> &'static str {
        match self {
            Version::V7 => "redis-server 7.0.15",
            Version::V8 => "Redis 8.0.2",
        }
    }
}

/// The Redis 8.0.2 server that `./dev.sh setup` writes into the project's `.redis8/`.
pub fn redis8_server() -> std::path::PathBuf {
    let path = std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join(".redis8/redis8-server");
    assert!(
        path.exists(),
        "{} is missing: run ./dev.sh setup (it brings up Redis 8.0.2)",
        path.display()
    );
    path
}

/// Debian's redis-server (7.0.15), without persistence.
pub fn start_redis() -> Server {
    start_real(Version::V7)
}

/// The real server of `version` (7.0.15 or 8.0.2), without persistence.
pub fn start_real(version: Version) -> Server {
    let port = free_port();
    let program = match version {
        Version::V7 => std::path::PathBuf::from("redis-server"),
        Version::V8 => redis8_server(),
    };
    let child = Command::new(&program)
        .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
        .args(["--save", "", "--appendonly", "no"])
        .stdout(Stdio::null())
        .stderr(Stdio::null())
        .spawn()
        .unwrap_or_else(|e| {
            panic!(
                "cannot start {} ({e}); `./dev.sh setup` installs it",
                program.display()
            )
        });
    let mut s = Server { child, port };
    wait_ready(&mut s, version.redis());
    s
}

/// `streamplay-server --profile 7.0`.
pub fn start_streamplay() -> Server {
    start_streamplay_with_probe(false)
}

/// `streamplay-server --profile 7.0`, with the engine's listener-only probe
/// events on (`STREAMPLAY_PROBE_EVENTS`) when `probe` is set: what a client sees
/// must not change.
pub fn start_streamplay_with_probe(probe: bool) -> Server {
    start_engine(Version::V7, probe)
}

/// `streamplay-server` in the profile of `version`, with the probe events on when
/// `probe` is set.
pub fn start_engine(version: Version, probe: bool) -> Server {
    let port = free_port();
    let mut command = Command::new(env!("CARGO_BIN_EXE_streamplay-server"));
    if probe {
        command.env("STREAMPLAY_PROBE_EVENTS", "1");
    } else {
        command.env_remove("STREAMPLAY_PROBE_EVENTS");
    }
    let child = command
        .args(["--port", &port.to_string(), "--profile", version.profile()])
        .stdout(Stdio::null())
        .spawn()
        .expect("start streamplay-server");
    let mut s = Server { child, port };
    wait_ready(&mut s, "streamplay-server");
    s
}

/// A client connection reading whole RESP frames.
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    pub fn open(port: u16) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(10)))?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buf: Vec::new(),
        })
    }

    /// Sends a command and returns the raw bytes of its reply frame.
    pub fn call_raw(&mut self, argv: &[Vec<u8>]) -> Vec<u8> {
        let mut out = format!("*{}\r\n", argv.len()).into_bytes();
        for a in argv {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        if self.stream.write_all(&out).is_err() {
            return b"<write failed>".to_vec();
        }
        loop {
            match resp::parse(&self.buf) {
                Ok((_, used)) => return self.buf.drain(..used).collect(),
                Err(resp::ParseError::Invalid(e)) => return format!("<invalid: {e}>").into_bytes(),
                Err(resp::ParseError::Incomplete) => {}
            }
            let mut chunk = [0u8; 65536];
            match self.stream.read(&mut chunk) {
                Ok(0) => return b"<connection closed>".to_vec(),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(_) => return b"<no reply>".to_vec(),
            }
        }
    }

    /// Sends a command without reading its reply.
    pub fn send(&mut self, argv: &[Vec<u8>]) {
        let mut out = format!("*{}\r\n", argv.len()).into_bytes();
        for a in argv {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        self.stream.write_all(&out).unwrap();
    }

    /// The next whole frame, if one arrives within `wait`.
    pub fn try_frame(&mut self, wait: Duration) -> Option<Vec<u8>> {
        let deadline = Instant::now() + wait;
        loop {
            if let Ok((_, used)) = resp::parse(&self.buf) {
                return Some(self.buf.drain(..used).collect());
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            self.stream.set_read_timeout(Some(left)).unwrap();
            let mut chunk = [0u8; 65536];
            let read = self.stream.read(&mut chunk);
            self.stream
                .set_read_timeout(Some(Duration::from_secs(10)))
                .unwrap();
            match read {
                Ok(0) => panic!("the server closed the connection"),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(_) => {}
            }
        }
    }

    /// The next whole frame (waiting up to 10 s).
    pub fn frame(&mut self) -> Vec<u8> {
        self.try_frame(Duration::from_secs(10))
            .expect("a frame within 10 s")
    }

    /// Sends a command and returns its parsed reply.
    pub fn call(&mut self, argv: &[Vec<u8>]) -> Reply {
        let raw = self.call_raw(argv);
        match resp::parse(&raw) {
            Ok((reply, _)) => reply,
            Err(_) => Reply::Error(raw),
        }
    }
}

/// Where a test's commands run: an engine in this process (through
/// `Engine::execute`) or a server over RESP2.
pub enum Backend {
    Engine(Box<Engine>, ClientId),
    Remote(Conn, Server),
}

impl Backend {
    /// A fresh engine with the 7.0 profile.
    pub fn engine() -> Backend {
        let mut engine = Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        });
        let client = engine.connect(1_700_000_000_000);
        Backend::Engine(Box::new(engine), client)
    }

    /// A redis-server of its own.
    pub fn redis() -> Backend {
        let server = start_redis();
        let conn = Conn::open(server.port).unwrap();
        Backend::Remote(conn, server)
    }

    /// The backend a model test runs against: the engine, or a real redis-server
    /// when `STREAMPLAY_MODEL_BACKEND=redis` (to check the test's own model).
    pub fn from_env() -> Backend {
        match std::env::var("STREAMPLAY_MODEL_BACKEND").as_deref() {
            Ok("redis") => Backend::redis(),
            _ => Backend::engine(),
        }
    }

    pub fn call(&mut self, argv: &[Vec<u8>]) -> Reply {
        match self {
            Backend::Engine(engine, client) => engine
                .execute(*client, argv.to_vec(), 1_700_000_000_000)
                .reply
                .unwrap_or(Reply::Null),
            Backend::Remote(conn, _) => conn.call(argv),
        }
    }

    pub fn cmd(&mut self, parts: &[&str]) -> Reply {
        let argv: Vec<Vec<u8>> = parts.iter().map(|p| p.as_bytes().to_vec()).collect();
        self.call(&argv)
    }
}

/// A map reply (RESP3) or flat key/value array (RESP2) as pairs.
pub fn pairs(reply: &Reply) -> Vec<(Reply, Reply)> {
    match reply {
        Reply::Map(p) => p.clone(),
        Reply::Array(items) => items
            .chunks(2)
            .filter(|c| c.len() == 2)
            .map(|c| (c[0].clone(), c[1].clone()))
            .collect(),
        _ => Vec::new(),
    }
}

/// The integer field `name` of an XINFO STREAM reply.
pub fn info_int(reply: &Reply, name: &str) -> Option<i64> {
    pairs(reply).into_iter().find_map(|(k, v)| match (k, v) {
        (Reply::Bulk(k), Reply::Integer(v)) if k == name.as_bytes() => Some(v),
        _ => None,
    })
}

/// A seeded splitmix64 generator.
pub struct Rng(u64);

impl Rng {
    pub fn new(seed: u64) -> Rng {
        Rng(seed)
    }
    pub fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    /// Uniform in lo..=hi.
    pub fn range(&mut self, lo: u64, hi: u64) -> u64 {
        if hi <= lo {
            return lo;
        }
        let span = hi - lo;
        if span == u64::MAX {
            return self.next();
        }
        lo + self.next() % (span + 1)
    }
    /// True with probability p.
    pub fn chance(&mut self, p: f64) -> bool {
        (self.next() >> 11) as f64 / (1u64 << 53) as f64 <= p
    }
    pub fn pick<'a, T>(&mut self, xs: &'a [T]) -> &'a T {
        &xs[self.range(0, xs.len() as u64 - 1) as usize]
    }
}

// ----- The blocking tests' connections (server_lists.rs, server_zsets_blocking.rs) -----

/// A connection whose replies are read separately from its requests.
pub struct Waiter {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Waiter {
    pub fn open(port: u16, resp3: bool) -> Waiter {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(10)))
            .unwrap();
        let mut w = Waiter {
            stream,
            buf: Vec::new(),
        };
        if resp3 {
            w.send("HELLO 3");
            w.frame();
        }
        w
    }

    /// Sends inline commands (one a line) in one write, without reading replies.
    pub fn send(&mut self, lines: &str) {
        let mut bytes = Vec::new();
        for line in lines.split('\n') {
            bytes.extend_from_slice(format!("{line}\r\n").as_bytes());
        }
        self.stream.write_all(&bytes).unwrap();
    }

    /// The next whole frame's bytes (waiting up to 10 s).
    pub fn frame(&mut self) -> Vec<u8> {
        loop {
            if let Ok((_, used)) = resp::parse(&self.buf) {
                return self.buf.drain(..used).collect();
            }
            let mut chunk = [0u8; 4096];
            let n = self.stream.read(&mut chunk).expect("a frame within 10 s");
            assert!(n > 0, "the server closed the connection");
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }
}

/// An inline command's words (split at single spaces).
pub fn argv(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

/// Waits until the server reports `n` blocked clients.
pub fn wait_blocked(admin: &mut Conn, n: usize) {
    let deadline = Instant::now() + Duration::from_secs(10);
    let want = format!("blocked_clients:{n}\r\n");
    loop {
        let info = admin.call_raw(&argv("INFO clients"));
        if String::from_utf8_lossy(&info).contains(&want) {
            return;
        }
        assert!(Instant::now() < deadline, "never {n} blocked clients");
        std::thread::yield_now();
    }
}
