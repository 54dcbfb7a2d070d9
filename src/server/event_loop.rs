//! The server's event loop: one thread owns the engine, the listener and every
//! connection, and runs commands in the order it reads them (Redis's `aeMain`).
//!
//! Each turn: wait for sockets (or the engine's next deadline), accept new clients,
//! read every ready connection in the order the kernel reported them, running each
//! complete command at once; then move the engine's time if a deadline passed, run the
//! requests that unblocked clients had buffered, and write what the turn produced.
//! Writes never block: what a socket does not take waits for its writable event.

use std::collections::{HashMap, VecDeque};
use std::io;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use mio::net::{TcpListener, TcpStream};
use mio::{Events, Interest, Poll, Token};

use super::conn::{
    Conn, Phase, ReadResult, OUTPUT_LIMIT, OUTPUT_PAUSE, READS_PER_TURN, READ_CHUNK,
};
use super::request::{Request, QUERY_BUFFER_LIMIT};
use crate::engine::{ClientId, Delivery, DeliveryKind, Engine, Outcome, Reply};

/// The listener's token; connections use their client id, which starts at 3.
const LISTENER: Token = Token(usize::MAX);
/// How many readiness events one wait returns at most.
const EVENTS: usize = 1024;
/// How soon accepting is tried again after it failed (out of file descriptors):
/// edge-triggered readiness would not report the waiting connections again.
const ACCEPT_RETRY: Duration = Duration::from_millis(10);

/// The server's whole state, owned by the thread that runs it.
pub(crate) struct EventLoop {
    poll: Poll,
    listener: TcpListener,
    engine: Engine,
    conns: HashMap<ClientId, Conn>,
    /// The last time given to the engine, so that its time never goes backwards
    /// even when the system clock does.
    last_ms: u64,
    /// When `advance` last ran, so that a deadline it left in place (nothing to do
    /// yet at that millisecond) does not make the loop spin within the millisecond.
    advanced_ms: Option<u64>,
    /// Connections to read again next turn: they used up `READS_PER_TURN`, or their
    /// output drained after a pause.
    again: Vec<ClientId>,
    /// Clients whose blocked command was answered: the requests they buffered
    /// meanwhile run before the turn ends (Redis's `processUnblockedClients`).
    woken: VecDeque<ClientId>,
    /// Connections with output to write at the end of the turn (each once, marked by
    /// `Conn::listed`).
    dirty: Vec<ClientId>,
    accept_failed: bool,
    chunk: Vec<u8>,
}

impl EventLoop {
    pub fn new(mut listener: TcpListener, engine: Engine) -> io::Result<EventLoop> {
        let poll = Poll::new()?;
        poll.registry()
            .register(&mut listener, LISTENER, Interest::READABLE)?;
        Ok(EventLoop {
            poll,
            listener,
            engine,
            conns: HashMap::new(),
            last_ms: 0,
            advanced_ms: None,
            again: Vec::new(),
            woken: VecDeque::new(),
            dirty: Vec::new(),
            accept_failed: false,
            chunk: vec![0; READ_CHUNK],
        })
    }

    /// Serves until polling itself fails.
    pub fn run(mut self) -> io::Result<()> {
        let mut events = Events::with_capacity(EVENTS);
        loop {
            let timeout = self.timeout();
            if let Err(e) = self.poll.poll(&mut events, timeout) {
                if e.kind() == io::ErrorKind::Interrupted {
                    continue;
                }
                return Err(e);
            }
            // Connections left over from the last turn were ready before anything
            // this wait reported, so they go first.
            let mut order = std::mem::take(&mut self.again);
            let carried = order.len();
            let mut accept = self.accept_failed;
            for event in events.iter() {
                if event.token() == LISTENER {
                    accept = true;
                    continue;
                }
                let id = event.token().0 as ClientId;
                if event.is_writable() {
                    self.mark_dirty(id);
                }
                let readable = event.is_readable() || event.is_read_closed() || event.is_error();
                if readable && !order[..carried].contains(&id) {
                    order.push(id);
                }
            }
            if accept {
                self.accept_all();
            }
            for id in order {
                self.serve(id);
            }
            self.tick();
            while let Some(id) = self.woken.pop_front() {
                self.run_requests(id);
            }
            self.flush();
        }
    }

    /// How long the next wait may last: until the engine's next deadline, or no time
    /// at all when work is left over, or forever when nothing waits on time.
    fn timeout(&mut self) -> Option<Duration> {
        if !self.again.is_empty() || !self.woken.is_empty() {
            return Some(Duration::ZERO);
        }
        let retry = self.accept_failed.then_some(ACCEPT_RETRY);
        let Some(deadline) = self.engine.next_deadline() else {
            return retry;
        };
        let deadline = match self.advanced_ms {
            Some(done) if deadline <= done => done + 1,
            _ => deadline,
        };
        // The clock counts whole milliseconds and `poll` rounds a wait up to one, so
        // waking after this long finds the clock at or past the deadline.
        let wait = Duration::from_millis(deadline.saturating_sub(self.now()));
        Some(retry.map_or(wait, |r| r.min(wait)))
    }

    /// The current time in milliseconds since the Unix epoch, never less than the
    /// last time handed out.
    fn now(&mut self) -> u64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        self.last_ms = self.last_ms.max(wall);
        self.last_ms
    }

    /// Moves the engine's time once a deadline has passed, delivering what timeouts
    /// and expiries produce.
    fn tick(&mut self) {
        let now = self.now();
        let due = self.engine.next_deadline().is_some_and(|d| d <= now);
        if !due || self.advanced_ms.is_some_and(|done| done >= now) {
            return;
        }
        self.advanced_ms = Some(now);
        let outcome = self.engine.advance(now);
        self.woken.extend(outcome.silenced);
        self.route(outcome.deliveries);
    }

    /// Accepts every waiting connection.
    fn accept_all(&mut self) {
        loop {
            match self.listener.accept() {
                Ok((socket, _)) => self.register(socket),
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => {
                    self.accept_failed = false;
                    return;
                }
                Err(e) if e.kind() == io::ErrorKind::Interrupted => {}
                Err(e) => {
                    // Running out of file descriptors or a connection reset before
                    // accept is the client's or the system's problem, not a reason to
                    // stop serving; accepting is tried again shortly.
                    eprintln!("streamplay-server: accept failed: {e}");
                    self.accept_failed = true;
                    return;
                }
            }
        }
    }

    /// Makes a new client in the engine for an accepted socket.
    fn register(&mut self, socket: TcpStream) {
        // Replies are small and each one is awaited, so Nagle's delay would only add latency.
        let _ = socket.set_nodelay(true);
        let now = self.now();
        let id = self.engine.connect(now);
        // CLIENT LIST and CLIENT KILL ADDR/LADDR see the socket's real addresses
        // (Rust writes IPv6 as `[::1]:port`, as Redis does).
        if let (Ok(peer), Ok(local)) = (socket.peer_addr(), socket.local_addr()) {
            self.engine
                .set_client_addr(id, peer.to_string(), local.to_string());
        }
        let mut conn = Conn::new(socket);
        let interest = Interest::READABLE | Interest::WRITABLE;
        match self
            .poll
            .registry()
            .register(&mut conn.socket, Token(id as usize), interest)
        {
            Ok(()) => {
                self.conns.insert(id, conn);
            }
            Err(e) => {
                eprintln!("streamplay-server: cannot watch a new connection: {e}");
                let outcome = self.engine.disconnect(id, now);
                self.woken.extend(outcome.silenced);
                self.route(outcome.deliveries);
            }
        }
    }

    /// Reads a ready connection until the socket runs dry, running each complete
    /// request as soon as it is read.
    fn serve(&mut self, id: ClientId) {
        // Requests held back by a pause run before anything newer is read.
        if !self.run_requests(id) {
            return;
        }
        for _ in 0..READS_PER_TURN {
            let Some(conn) = self.conns.get_mut(&id) else {
                return;
            };
            if conn.phase != Phase::Open || conn.paused {
                // A paused connection is read again once its output drains.
                return;
            }
            match conn.read_chunk(&mut self.chunk) {
                ReadResult::Data => {
                    if conn.parser.buffered() > QUERY_BUFFER_LIMIT {
                        // Redis frees such a client without a reply and logs why.
                        eprintln!(
                            "streamplay-server: closing client {id} that reached max query buffer length"
                        );
                        self.abort(id);
                        return;
                    }
                    if !self.run_requests(id) {
                        return;
                    }
                }
                ReadResult::WouldBlock => return,
                ReadResult::Eof => {
                    self.close_after_reply(id);
                    return;
                }
            }
        }
        // Readiness is edge-triggered: a socket not read dry is not reported again.
        self.again.push(id);
    }

    /// Runs the buffered requests of `id`, in order, until the buffer runs dry, the
    /// client blocks or is paused. Returns whether the connection is still open.
    fn run_requests(&mut self, id: ClientId) -> bool {
        loop {
            let Some(conn) = self.conns.get_mut(&id) else {
                return false;
            };
            if conn.phase != Phase::Open {
                return false;
            }
            // A blocked client's later requests wait in the buffer, unparsed, until
            // its blocking command is answered (processInputBuffer's CLIENT_BLOCKED).
            if self.engine.is_blocked(id) {
                break;
            }
            if conn.pending() > OUTPUT_PAUSE {
                conn.paused = true;
                break;
            }
            match conn.parser.next_request() {
                Request::Incomplete => break,
                Request::Error(text) => {
                    let mut frame = b"-ERR ".to_vec();
                    frame.extend_from_slice(&text);
                    frame.extend_from_slice(b"\r\n");
                    conn.queue(&frame);
                    self.close_after_reply(id);
                    return false;
                }
                Request::Command(argv) => {
                    if is_cross_protocol_attack(&argv) {
                        // Redis's securityWarningCommand: an HTTP request sent to the
                        // port is dropped without a reply; the replies of this turn,
                        // not written yet, are dropped with it.
                        eprintln!(
                            "streamplay-server: possible SECURITY ATTACK detected \
                             (cross protocol scripting); connection aborted"
                        );
                        self.abort(id);
                        return false;
                    }
                    let now = self.now();
                    let outcome = self.engine.execute(id, argv, now);
                    if self.deliver(id, outcome) {
                        // Redis frees a CLOSE_AFTER_REPLY client as soon as its reply
                        // is written, before it reads anyone's next command: its
                        // subscriptions and blocks are gone before the client could
                        // see the reply.
                        self.close_after_reply(id);
                        return false;
                    }
                }
            }
        }
        if let Some(conn) = self.conns.get_mut(&id) {
            // Once per batch rather than per command, so that a long pipeline is not
            // moved once per command.
            conn.parser.compact();
        }
        true
    }

    /// Queues what one command of `caller` produced: the frames Redis writes while
    /// the command runs (`reply_at`), the caller's reply, then the rest; and closes
    /// the connections of the clients it killed. Returns whether the caller asked to
    /// close its connection.
    fn deliver(&mut self, caller: ClientId, outcome: Outcome) -> bool {
        let Outcome {
            reply,
            mut deliveries,
            reply_at,
            close,
            killed,
            silenced,
            ..
        } = outcome;
        // Clients whose blocked command ended with its reply dropped (CLIENT REPLY OFF or
        // SKIP) go on with their buffered requests as if the reply had been sent.
        self.woken.extend(silenced);
        for client in killed {
            self.close_killed(client);
        }
        let after = deliveries.split_off(reply_at.min(deliveries.len()));
        self.route(deliveries);
        if let Some(reply) = reply {
            self.send(caller, &reply);
        }
        self.route(after);
        close
    }

    /// Queues frames for their clients in order; a client whose blocked command was
    /// answered goes on with its buffered requests before the turn ends.
    fn route(&mut self, deliveries: Vec<Delivery>) {
        for d in deliveries {
            self.send(d.client, &d.frame);
            if d.kind == DeliveryKind::Reply {
                self.woken.push_back(d.client);
            }
        }
    }

    /// Queues one frame for `client`, encoded in the protocol it speaks now (so a
    /// `HELLO 3` reply is already RESP3). Frames for a connection that is closing are
    /// dropped, as Redis drops output for a freed client.
    fn send(&mut self, client: ClientId, frame: &Reply) {
        if let Some(conn) = self.conns.get_mut(&client) {
            if conn.phase == Phase::Open {
                let bytes = crate::engine::resp::encode(frame, self.engine.protocol(client));
                conn.queue(&bytes);
                self.mark_dirty(client);
            }
        }
    }

    fn mark_dirty(&mut self, id: ClientId) {
        if let Some(conn) = self.conns.get_mut(&id) {
            if !conn.listed {
                conn.listed = true;
                self.dirty.push(id);
            }
        }
    }

    /// Closes the connection of a client the engine has dropped (CLIENT KILL): it
    /// gets no more frames and reads nothing more; what it was sent earlier is
    /// written, then the socket is closed.
    fn close_killed(&mut self, client: ClientId) {
        if let Some(conn) = self.conns.get_mut(&client) {
            conn.phase = Phase::Closing;
            self.mark_dirty(client);
        }
    }

    /// Drops `id` from the engine now and closes its connection once the output
    /// already queued for it is written (a reply to QUIT, a protocol error, or what
    /// preceded the client's own end of the stream).
    fn close_after_reply(&mut self, id: ClientId) {
        if let Some(conn) = self.conns.get_mut(&id) {
            conn.phase = Phase::Closing;
            self.mark_dirty(id);
        }
        let now = self.now();
        let outcome = self.engine.disconnect(id, now);
        self.woken.extend(outcome.silenced);
        self.route(outcome.deliveries);
    }

    /// Closes the connection of `id` at once, dropping whatever was not written, and
    /// drops the client from the engine (which finds nothing if it is gone already).
    fn abort(&mut self, id: ClientId) {
        if let Some(mut conn) = self.conns.remove(&id) {
            conn.discard_output();
            self.close_socket(conn);
        }
        let now = self.now();
        let outcome = self.engine.disconnect(id, now);
        self.woken.extend(outcome.silenced);
        self.route(outcome.deliveries);
    }

    fn close_socket(&mut self, mut conn: Conn) {
        let _ = self.poll.registry().deregister(&mut conn.socket);
        conn.shut();
    }

    /// Writes what the turn produced, as far as each socket takes it; closes the
    /// connections that were waiting for their last output, enforces the output
    /// limit, and resumes paused connections whose output drained.
    fn flush(&mut self) {
        for id in std::mem::take(&mut self.dirty) {
            let Some(conn) = self.conns.get_mut(&id) else {
                continue;
            };
            conn.listed = false;
            match conn.write_out() {
                Ok(true) if conn.phase == Phase::Closing => {
                    if let Some(conn) = self.conns.remove(&id) {
                        self.close_socket(conn);
                    }
                }
                Ok(done) => {
                    if conn.pending() > OUTPUT_LIMIT {
                        // Redis: "scheduled to be closed ASAP for overcoming of
                        // output buffer limits".
                        eprintln!(
                            "streamplay-server: closing client {id} for overcoming of \
                             output buffer limits ({} bytes unread)",
                            conn.pending()
                        );
                        self.abort(id);
                    } else if conn.paused && (done || conn.pending() <= OUTPUT_PAUSE / 2) {
                        conn.paused = false;
                        self.again.push(id);
                    }
                }
                Err(_) => self.abort(id),
            }
        }
    }
}

/// `POST` and `Host:` as a command name mean an HTTP request reached the port.
fn is_cross_protocol_attack(argv: &[Vec<u8>]) -> bool {
    argv.first().is_some_and(|name| {
        name.eq_ignore_ascii_case(b"post") || name.eq_ignore_ascii_case(b"host:")
    })
}
