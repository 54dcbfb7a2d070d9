//! One client connection's socket side: its non-blocking socket, query buffer (the
//! request parser) and output buffer, and the reads, writes and closes the event loop
//! asks of it. What runs the requests lives in `event_loop`.

use std::io::{self, Read, Write};
use std::net::Shutdown;

use mio::net::TcpStream;

use super::request::RequestParser;

/// How much one socket read takes (Redis's `PROTO_IOBUF_LEN`).
pub(crate) const READ_CHUNK: usize = 16 * 1024;
/// Reads one connection may make per event-loop turn before the others get theirs
/// (1 MiB), so that a client sending without pause cannot starve the rest.
pub(crate) const READS_PER_TURN: usize = 64;
/// While more than this many bytes of output wait for a client to read them, the
/// server neither parses its next request nor reads its socket: a client that
/// pipelines without reading slows only itself, and its own replies cannot pile up.
pub(crate) const OUTPUT_PAUSE: usize = 1024 * 1024;
/// The output a client may leave unread before it is disconnected: Redis's hard
/// limit for the pubsub class (`client-output-buffer-limit pubsub 32mb 8mb 60`),
/// applied to every connection. With `OUTPUT_PAUSE` only frames other clients cause
/// (pushes, a blocked client's reply) or one huge reply can get a connection here.
pub(crate) const OUTPUT_LIMIT: usize = 32 * 1024 * 1024;

/// Where a connection is in its life.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Phase {
    /// Reading and running requests.
    Open,
    /// Already dropped from the engine: its output is written, then the socket closes.
    Closing,
}

/// What a read from the socket gave.
pub(crate) enum ReadResult {
    /// Bytes were added to the query buffer.
    Data,
    /// Nothing more for now.
    WouldBlock,
    /// The client closed its side, or the connection failed.
    Eof,
}

/// One client connection.
pub(crate) struct Conn {
    pub socket: TcpStream,
    pub parser: RequestParser,
    pub phase: Phase,
    /// The output not yet written, from `sent` on.
    out: Vec<u8>,
    sent: usize,
    /// Parsing and reading are paused until the output drains (`OUTPUT_PAUSE`).
    pub paused: bool,
    /// Already in the event loop's list of connections to write this turn.
    pub listed: bool,
}

impl Conn {
    pub fn new(socket: TcpStream) -> Conn {
        Conn {
            socket,
            parser: RequestParser::new(),
            phase: Phase::Open,
            out: Vec::new(),
            sent: 0,
            paused: false,
            listed: false,
        }
    }

    /// Bytes waiting to be written.
    pub fn pending(&self) -> usize {
        self.out.len() - self.sent
    }

    /// Adds bytes to the output; they are written at the end of the event-loop turn,
    /// as Redis writes a client's replies once per turn (`beforeSleep`).
    pub fn queue(&mut self, bytes: &[u8]) {
        self.out.extend_from_slice(bytes);
    }

    /// Drops output that was never written (a connection aborted).
    pub fn discard_output(&mut self) {
        self.out.clear();
        self.sent = 0;
    }

    /// Reads one chunk into the query buffer.
    pub fn read_chunk(&mut self, chunk: &mut [u8]) -> ReadResult {
        loop {
            match self.socket.read(chunk) {
                Ok(0) => return ReadResult::Eof,
                Ok(n) => {
                    self.parser.feed(&chunk[..n]);
                    return ReadResult::Data;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => return ReadResult::WouldBlock,
                Err(_) => return ReadResult::Eof,
            }
        }
    }

    /// Writes as much output as the socket takes. `Ok(true)` when all of it went,
    /// `Ok(false)` when the socket is full (a writable event will follow), `Err`
    /// when the connection failed.
    pub fn write_out(&mut self) -> io::Result<bool> {
        while self.sent < self.out.len() {
            match self.socket.write(&self.out[self.sent..]) {
                Ok(0) => return Err(io::ErrorKind::WriteZero.into()),
                Ok(n) => self.sent += n,
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    // Keep the buffer from growing at its front forever: move the
                    // unwritten rest down once the written part dominates.
                    if self.sent > self.out.len() / 2 {
                        self.out.drain(..self.sent);
                        self.sent = 0;
                    }
                    return Ok(false);
                }
                Err(e) => return Err(e),
            }
        }
        self.out.clear();
        self.sent = 0;
        // A large reply's buffer is not kept for the rest of the connection's life.
        if self.out.capacity() > OUTPUT_PAUSE {
            self.out.shrink_to(READ_CHUNK);
        }
        Ok(true)
    }

    /// Ends the connection: both directions are shut, and what the client already
    /// sent is read and dropped, so that closing the socket sends a FIN after the
    /// last reply rather than a reset that could discard it at the client.
    pub fn shut(&mut self) {
        let _ = self.socket.shutdown(Shutdown::Both);
        let mut chunk = [0u8; 4096];
        for _ in 0..READS_PER_TURN {
            match self.socket.read(&mut chunk) {
                Ok(n) if n > 0 => {}
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                _ => break,
            }
        }
    }
}
