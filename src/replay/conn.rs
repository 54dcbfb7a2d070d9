//! One blocking TCP connection to a real Redis for the replay: commands written as RESP
//! multibulk requests, replies read back whole frame by frame (RESP2 or RESP3, parsed by the
//! engine's own reply parser), each read bounded by a deadline.

use std::io::{ErrorKind, Read, Write};
use std::net::TcpStream;
use std::time::{Duration, Instant};

use crate::engine::{resp, Reply};

/// A connection and the bytes read from it but not yet parsed.
pub struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    /// The server closed the connection (or a read failed): nothing more will come.
    pub closed: bool,
}

impl Conn {
    /// Connects to `addr` (`host:port`).
    pub fn open(addr: &str) -> Result<Conn, String> {
        let stream =
            TcpStream::connect(addr).map_err(|e| format!("cannot connect to {addr}: {e}"))?;
        // Each command is one small write that must leave at once, not wait for Nagle.
        let _ = stream.set_nodelay(true);
        Ok(Conn {
            stream,
            buf: Vec::new(),
            closed: false,
        })
    }

    /// The local address as Redis's `CLIENT LIST` shows it in `addr=` (how a pane's real
    /// client id is found without sending anything on the pane's own connection).
    pub fn local_addr(&self) -> Option<String> {
        self.stream.local_addr().ok().map(|a| a.to_string())
    }

    /// Writes one command.
    pub fn send(&mut self, argv: &[Vec<u8>]) {
        let mut out = format!("*{}\r\n", argv.len()).into_bytes();
        for a in argv {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        if self.stream.write_all(&out).is_err() {
            self.closed = true;
        }
    }

    /// A frame already read whole, if any (a malformed stream closes the connection, since
    /// nothing after it could be framed).
    fn parsed(&mut self) -> Option<Reply> {
        match resp::parse(&self.buf) {
            Ok((reply, used)) => {
                self.buf.drain(..used);
                Some(reply)
            }
            Err(resp::ParseError::Incomplete) => None,
            Err(resp::ParseError::Invalid(_)) => {
                self.closed = true;
                self.buf.clear();
                None
            }
        }
    }

    /// The next frame, waiting until `deadline` at most (`None`: nothing came in time, or the
    /// connection closed).
    pub fn frame(&mut self, deadline: Instant) -> Option<Reply> {
        loop {
            if let Some(reply) = self.parsed() {
                return Some(reply);
            }
            if self.closed {
                return None;
            }
            let left = deadline.saturating_duration_since(Instant::now());
            if left.is_zero() {
                return None;
            }
            let _ = self
                .stream
                .set_read_timeout(Some(left.max(Duration::from_millis(1))));
            let mut chunk = [0u8; 65536];
            match self.stream.read(&mut chunk) {
                Ok(0) => self.closed = true,
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                Err(e) if matches!(e.kind(), ErrorKind::WouldBlock | ErrorKind::TimedOut) => {}
                Err(e) if e.kind() == ErrorKind::Interrupted => {}
                Err(_) => self.closed = true,
            }
        }
    }

    /// Every whole frame that has already arrived, without waiting.
    pub fn ready(&mut self) -> Vec<Reply> {
        if !self.closed && self.stream.set_nonblocking(true).is_ok() {
            let mut chunk = [0u8; 65536];
            loop {
                match self.stream.read(&mut chunk) {
                    Ok(0) => {
                        self.closed = true;
                        break;
                    }
                    Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                    Err(e) if e.kind() == ErrorKind::Interrupted => {}
                    Err(e) if e.kind() == ErrorKind::WouldBlock => break,
                    Err(_) => {
                        self.closed = true;
                        break;
                    }
                }
            }
            let _ = self.stream.set_nonblocking(false);
        }
        let mut frames = Vec::new();
        while let Some(reply) = self.parsed() {
            frames.push(reply);
        }
        frames
    }

    /// Closes the connection and waits (up to `timeout`) until the server has closed its
    /// side too, which it does once it has freed the client: a later CLIENT LIST or INFO
    /// clients no longer counts it.
    pub fn close(mut self, timeout: Duration) {
        if self.closed || self.stream.shutdown(std::net::Shutdown::Write).is_err() {
            return;
        }
        let deadline = Instant::now() + timeout;
        while !self.closed && Instant::now() < deadline {
            self.buf.clear();
            self.frame(deadline);
        }
    }

    /// Sends one command and waits for its reply (for the side connection).
    pub fn call(&mut self, argv: &[&str], timeout: Duration) -> Option<Reply> {
        let argv: Vec<Vec<u8>> = argv.iter().map(|a| a.as_bytes().to_vec()).collect();
        self.send(&argv);
        self.frame(Instant::now() + timeout)
    }
}
