//! The native RESP server: one engine behind many TCP connections, with a real clock.
//!
//! - `options`: the command line (`--port`, `--bind`, `--profile`, `--help`).
//! - `request`: the query buffer parser, a port of Redis 7.0's inline and multibulk parsing.
//! - `conn`: the threads of one connection (read, process, write).
//!
//! All engine state sits in one [`Shared`] behind one mutex: the engine, the writers of
//! every connection and the clock. Whoever holds the lock runs a command and queues the
//! frames it produced for every connection it touched, so each connection's frames are
//! queued in the order the engine produced them; writer threads then drain the queues
//! without the lock, so a slow reader never holds up the others. As in Redis, which
//! writes a client's output once per event-loop turn, a connection's frames are written
//! when a flush follows them: after its own batch of requests has run, or after another
//! client's command or the clock delivered to it.

mod conn;
pub mod options;
pub mod request;
#[cfg(test)]
mod tests;

use std::collections::HashMap;
use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};
use std::sync::mpsc::{Sender, SyncSender};
use std::sync::{Arc, Mutex, MutexGuard};
use std::thread;
use std::time::{Duration, SystemTime, UNIX_EPOCH};

use crate::engine::{ClientId, Config, Delivery, DeliveryKind, Engine, Outcome, Profile, Reply};

/// How often the ticker moves the engine's time, which is how promptly a blocked
/// client's timeout fires.
const TICK: Duration = Duration::from_millis(5);

/// A listening server, not yet serving.
pub struct Server {
    listener: TcpListener,
    shared: Arc<Mutex<Shared>>,
}

impl Server {
    /// Binds the listening socket; nothing is served until [`Server::run`].
    pub fn bind(addr: impl ToSocketAddrs, profile: Profile) -> io::Result<Server> {
        Server::bind_config(
            addr,
            Config {
                profile,
                ..Config::default()
            },
        )
    }

    /// Binds with any engine configuration; the unit tests enable the engine's test
    /// commands this way to exercise blocking, which the binary never does.
    pub fn bind_config(addr: impl ToSocketAddrs, config: Config) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let mut engine = Engine::new(config);
        engine.set_server_port(listener.local_addr()?.port());
        Ok(Server {
            listener,
            shared: Arc::new(Mutex::new(Shared {
                engine,
                peers: HashMap::new(),
                last_ms: 0,
            })),
        })
    }

    /// The address actually bound (the real port when asked for port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Starts the ticker and accepts connections until the listener fails for good.
    pub fn run(self) -> io::Result<()> {
        let ticker = Arc::clone(&self.shared);
        thread::Builder::new()
            .name("ticker".into())
            .spawn(move || tick_forever(&ticker))?;
        for stream in self.listener.incoming() {
            match stream {
                Ok(stream) => conn::start(stream, &self.shared),
                Err(e) => {
                    // Running out of file descriptors or a connection reset before
                    // accept is the client's or the system's problem, not a reason to
                    // stop serving; the pause keeps a persistent failure from spinning.
                    eprintln!("streamplay-server: accept failed: {e}");
                    thread::sleep(Duration::from_millis(10));
                }
            }
        }
        Ok(())
    }
}

/// Moves the engine's time forward forever, delivering what timeouts produce.
fn tick_forever(shared: &Mutex<Shared>) {
    loop {
        thread::sleep(TICK);
        let mut s = lock(shared);
        let now = s.now();
        let outcome = s.engine.advance(now);
        s.wake(&outcome.silenced);
        s.route(outcome.deliveries, None);
    }
}

/// Where frames for a connection go.
pub(crate) struct Peer {
    /// The connection's writer.
    pub out: Sender<conn::Output>,
    /// The connection's processor, woken when its blocked command was answered so
    /// that it goes on with requests it buffered meanwhile.
    pub wake: SyncSender<conn::Input>,
}

/// Everything connections share, behind one lock.
pub(crate) struct Shared {
    pub engine: Engine,
    pub peers: HashMap<ClientId, Peer>,
    /// The last time given to the engine, so that its time never goes backwards
    /// even when the system clock does.
    last_ms: u64,
}

impl Shared {
    /// The current time in milliseconds since the Unix epoch, never less than the
    /// last time handed out.
    pub fn now(&mut self) -> u64 {
        let wall = SystemTime::now()
            .duration_since(UNIX_EPOCH)
            .map(|d| u64::try_from(d.as_millis()).unwrap_or(u64::MAX))
            .unwrap_or(0);
        self.last_ms = self.last_ms.max(wall);
        self.last_ms
    }

    /// Queues one frame for `client`, encoded in the protocol it speaks now (so a
    /// `HELLO 3` reply is already RESP3). Frames for a connection that is gone are
    /// dropped, as Redis drops output for a freed client.
    pub fn send(&self, client: ClientId, frame: &Reply) {
        if let Some(peer) = self.peers.get(&client) {
            let bytes = crate::engine::resp::encode(frame, self.engine.protocol(client));
            let _ = peer.out.send(conn::Output::Frame(bytes));
        }
    }

    /// Queues raw bytes for `client` (protocol errors, which are not engine replies).
    pub fn send_raw(&self, client: ClientId, bytes: Vec<u8>) {
        if let Some(peer) = self.peers.get(&client) {
            let _ = peer.out.send(conn::Output::Frame(bytes));
        }
    }

    /// Queues frames for their clients in order; a deferred reply also wakes its
    /// client's processor. Every client that got a frame is then flushed, except
    /// `caller`, whose processor flushes once its whole batch of requests has run.
    pub fn route(&self, deliveries: Vec<Delivery>, caller: Option<ClientId>) {
        let mut touched: Vec<ClientId> = Vec::new();
        for d in deliveries {
            self.send(d.client, &d.frame);
            if Some(d.client) != caller && !touched.contains(&d.client) {
                touched.push(d.client);
            }
            if d.kind == DeliveryKind::Reply {
                if let Some(peer) = self.peers.get(&d.client) {
                    // A full queue already holds input that will make the processor
                    // look again, so a lost wake-up loses nothing.
                    let _ = peer.wake.try_send(conn::Input::Wake);
                }
            }
        }
        for client in touched {
            if let Some(peer) = self.peers.get(&client) {
                let _ = peer.out.send(conn::Output::Flush);
            }
        }
    }

    /// Wakes the processors of clients unblocked without a frame (CLIENT REPLY OFF or
    /// SKIP dropped their late reply), as a late reply does.
    pub fn wake(&self, clients: &[ClientId]) {
        for client in clients {
            if let Some(peer) = self.peers.get(client) {
                let _ = peer.wake.try_send(conn::Input::Wake);
            }
        }
    }

    /// Queues what one command of `caller` produced: the frames Redis writes while
    /// the command runs (`reply_at`), the caller's reply, then the rest; and closes
    /// the connections of the clients it killed. Returns whether the caller asked to
    /// close its connection.
    pub fn deliver(&mut self, caller: ClientId, outcome: Outcome) -> bool {
        let Outcome {
            reply,
            mut deliveries,
            reply_at,
            close,
            killed,
            silenced,
            ..
        } = outcome;
        self.wake(&silenced);
        for client in killed {
            self.close_killed(client);
        }
        let after = deliveries.split_off(reply_at.min(deliveries.len()));
        self.route(deliveries, Some(caller));
        if let Some(reply) = reply {
            self.send(caller, &reply);
        }
        self.route(after, Some(caller));
        close
    }

    /// Closes the connection of a client the engine has dropped (CLIENT KILL): it
    /// gets no more frames, what it was sent earlier is written, then the socket is
    /// shut down, which ends its reader and, through it, its processor.
    fn close_killed(&mut self, client: ClientId) {
        if let Some(peer) = self.peers.remove(&client) {
            let _ = peer.out.send(conn::Output::Close);
        }
    }
}

/// Locks the shared state. A panic in another thread while it held the lock is
/// a bug, but the engine promises to stay consistent on every input, so serving
/// the other clients goes on rather than taking them all down.
pub(crate) fn lock(shared: &Mutex<Shared>) -> MutexGuard<'_, Shared> {
    shared
        .lock()
        .unwrap_or_else(|poisoned| poisoned.into_inner())
}
