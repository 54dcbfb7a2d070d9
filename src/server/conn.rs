//! One client connection: a reader thread, a processor thread and a writer thread
//! around one TCP socket.
//!
//! - The reader only moves bytes from the socket into the processor's queue, so that
//!   the end of the connection is noticed even while the client is blocked.
//! - The processor owns the query buffer: it parses requests, runs them under the
//!   shared lock and queues the frames they produce. Like Redis, it stops parsing while
//!   its client is blocked and goes on when the deferred reply wakes it.
//! - The writer drains the connection's frame queue into the socket at each flush,
//!   so a client that reads slowly only slows itself.

use std::io::{self, Read, Write};
use std::net::{Shutdown, TcpStream};
use std::sync::mpsc::{self, Receiver, Sender, SyncSender};
use std::sync::{Arc, Mutex};
use std::thread;

use super::request::{Request, RequestParser, QUERY_BUFFER_LIMIT};
use super::{lock, Peer, Shared};
use crate::engine::{ClientId, Engine};

/// How much one socket read takes (Redis's `PROTO_IOBUF_LEN`).
const READ_CHUNK: usize = 16 * 1024;
/// How many reads may wait for the processor before the reader stops reading, which
/// bounds the bytes held outside the query buffer.
const INPUT_QUEUE: usize = 64;

/// What the processor waits for.
pub(crate) enum Input {
    /// Bytes read from the socket.
    Data(Vec<u8>),
    /// The client closed the connection, or reading failed.
    Eof,
    /// The client may have been unblocked: look at the buffered requests again.
    Wake,
}

/// What the writer is asked to do.
pub(crate) enum Output {
    /// Add these bytes to what the next flush writes.
    Frame(Vec<u8>),
    /// Write what was added so far.
    Flush,
    /// Write what was added so far, then close the connection.
    Close,
}

/// Registers a new connection with the engine and starts its threads.
pub(crate) fn start(stream: TcpStream, shared: &Arc<Mutex<Shared>>) {
    // Replies are small and each one is awaited, so Nagle's delay would only add latency.
    let _ = stream.set_nodelay(true);
    let (read_half, write_half, control) = match (stream.try_clone(), stream.try_clone(), stream) {
        (Ok(r), Ok(w), s) => (r, w, s),
        _ => return,
    };
    let (in_tx, in_rx) = mpsc::sync_channel(INPUT_QUEUE);
    let (out_tx, out_rx) = mpsc::channel();
    let addrs = (control.peer_addr(), control.local_addr());
    let client = {
        let mut s = lock(shared);
        let now = s.now();
        let client = s.engine.connect(now);
        // CLIENT LIST and CLIENT KILL ADDR/LADDR see the socket's real addresses
        // (Rust writes IPv6 as `[::1]:port`, as Redis does).
        if let (Ok(peer), Ok(local)) = addrs {
            s.engine
                .set_client_addr(client, peer.to_string(), local.to_string());
        }
        s.peers.insert(
            client,
            Peer {
                out: out_tx.clone(),
                wake: in_tx.clone(),
            },
        );
        client
    };
    // From here on the guard inside `Connection` disconnects the client from the
    // engine however the connection ends, a failed thread start included.
    let connection = Connection {
        client,
        shared: Arc::clone(shared),
        parser: RequestParser::new(),
        out: out_tx,
        socket: control,
    };
    // The writer starts first and the reader last: if a later thread cannot start,
    // dropping what it would have owned ends the others, and the writer, the last
    // to go, closes the socket.
    let writer = thread::Builder::new()
        .name(format!("conn-{client}-write"))
        .spawn(move || write_loop(write_half, out_rx));
    if let Err(e) = writer {
        eprintln!("streamplay-server: cannot start a connection thread: {e}");
        connection.abort();
        return;
    }
    let processor = thread::Builder::new()
        .name(format!("conn-{client}"))
        .spawn(move || connection.run(in_rx));
    let reader = processor.and_then(|_| {
        thread::Builder::new()
            .name(format!("conn-{client}-read"))
            .spawn(move || read_loop(read_half, in_tx))
    });
    if let Err(e) = reader {
        eprintln!("streamplay-server: cannot start a connection thread: {e}");
    }
}

/// Moves bytes from the socket to the processor until the connection ends.
fn read_loop(mut socket: TcpStream, input: SyncSender<Input>) {
    let mut chunk = vec![0u8; READ_CHUNK];
    loop {
        match socket.read(&mut chunk) {
            Ok(0) => break,
            Ok(n) => {
                if input.send(Input::Data(chunk[..n].to_vec())).is_err() {
                    // The processor is gone: the connection is being closed.
                    return;
                }
            }
            Err(e) if e.kind() == io::ErrorKind::Interrupted => continue,
            Err(_) => break,
        }
    }
    let _ = input.send(Input::Eof);
}

/// Writes frames at each flush until asked to close or until nobody can queue more.
/// Frames never flushed are dropped: they belong to a connection that was aborted
/// (Redis frees such a client before writing its pending replies).
fn write_loop(mut socket: TcpStream, frames: Receiver<Output>) {
    let mut pending = Vec::new();
    while let Ok(output) = frames.recv() {
        let closing = match output {
            Output::Frame(bytes) => {
                pending.extend_from_slice(&bytes);
                continue;
            }
            Output::Flush => false,
            Output::Close => true,
        };
        if socket.write_all(&pending).is_err() {
            break;
        }
        pending.clear();
        if closing {
            break;
        }
    }
    // Shutting down both directions also ends the reader's blocking read.
    let _ = socket.shutdown(Shutdown::Both);
}
/// Whether the processor goes on reading requests.
#[derive(PartialEq)]
enum Flow {
    Continue,
    Close,
}

/// The processor's side of a connection.
struct Connection {
    client: ClientId,
    shared: Arc<Mutex<Shared>>,
    parser: RequestParser,
    out: Sender<Output>,
    /// A handle on the socket to close it at once, dropping unwritten output.
    socket: TcpStream,
}

impl Connection {
    /// Handles input until the connection ends; dropping `self` then disconnects.
    fn run(mut self, input: Receiver<Input>) {
        while let Ok(event) = input.recv() {
            match event {
                Input::Data(bytes) => self.parser.feed(&bytes),
                Input::Eof => return,
                Input::Wake => {}
            }
            if self.parser.buffered() > QUERY_BUFFER_LIMIT {
                // Redis frees such a client without a reply and logs why.
                eprintln!(
                    "streamplay-server: closing client {} that reached max query buffer length",
                    self.client
                );
                self.abort();
                return;
            }
            if self.process() == Flow::Close {
                return;
            }
        }
    }

    /// Runs the buffered requests, in order, until the buffer runs dry, the client
    /// blocks, or the connection is to be closed.
    fn process(&mut self) -> Flow {
        let flow = loop {
            let mut s = lock(&self.shared);
            // A client killed by another (CLIENT KILL) is gone from the engine, and
            // its socket is being closed: its buffered requests are dropped unread.
            if s.engine.client_state(self.client).is_none() {
                break Flow::Close;
            }
            // A blocked client's later requests wait in the buffer, unparsed, until
            // its blocking command is answered (processInputBuffer's CLIENT_BLOCKED).
            if is_blocked(&s.engine, self.client) {
                break Flow::Continue;
            }
            match self.parser.next_request() {
                Request::Incomplete => break Flow::Continue,
                Request::Error(text) => {
                    let mut frame = b"-ERR ".to_vec();
                    frame.extend_from_slice(&text);
                    frame.extend_from_slice(b"\r\n");
                    s.send_raw(self.client, frame);
                    let _ = self.out.send(Output::Close);
                    break Flow::Close;
                }
                Request::Command(argv) => {
                    if is_cross_protocol_attack(&argv) {
                        // Redis's securityWarningCommand: an HTTP request sent to the
                        // port is dropped without a reply; the replies of this batch,
                        // not flushed yet, are dropped with it.
                        drop(s);
                        eprintln!(
                            "streamplay-server: possible SECURITY ATTACK detected \
                             (cross protocol scripting); connection aborted"
                        );
                        self.abort();
                        break Flow::Close;
                    }
                    let now = s.now();
                    let outcome = s.engine.execute(self.client, argv, now);
                    if s.deliver(self.client, outcome) {
                        // Redis frees a CLOSE_AFTER_REPLY client as soon as its reply
                        // is written, before it reads anyone's next command: its
                        // subscriptions and blocks are gone before the client could
                        // see the reply. (Dropping the connection disconnects again,
                        // which finds nothing left.)
                        let gone = s.engine.disconnect(self.client, now);
                        s.route(gone.deliveries, None);
                        let _ = self.out.send(Output::Close);
                        break Flow::Close;
                    }
                }
            }
        };
        self.parser.compact();
        if flow == Flow::Continue {
            // The batch is done: its replies go out together, as Redis writes a
            // client's output once per event-loop turn.
            let _ = self.out.send(Output::Flush);
        }
        flow
    }

    /// Closes the socket now, dropping whatever was not written yet.
    fn abort(&self) {
        let _ = self.socket.shutdown(Shutdown::Both);
    }
}

impl Drop for Connection {
    /// Drops the client from the engine however the connection ended, and delivers
    /// what that produces for other clients.
    fn drop(&mut self) {
        let mut s = lock(&self.shared);
        s.peers.remove(&self.client);
        let now = s.now();
        let outcome = s.engine.disconnect(self.client, now);
        s.route(outcome.deliveries, None);
    }
}

/// Whether the engine holds `client` blocked.
fn is_blocked(engine: &Engine, client: ClientId) -> bool {
    engine.is_blocked(client)
}

/// `POST` and `Host:` as a command name mean an HTTP request reached the port.
fn is_cross_protocol_attack(argv: &[Vec<u8>]) -> bool {
    argv.first().is_some_and(|name| {
        name.eq_ignore_ascii_case(b"post") || name.eq_ignore_ascii_case(b"host:")
    })
}
