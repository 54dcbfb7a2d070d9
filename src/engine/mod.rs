//! The engine: a deterministic, sans-IO Redis emulator.
//!
//! Everything outside talks to it through four calls:
//! - [`Engine::connect`] / [`Engine::disconnect`] create and drop client connections;
//! - [`Engine::execute`] runs one command for one client at a given time;
//! - [`Engine::advance`] moves time (timeouts of blocked clients, key expiry).
//!
//! Each returns an [`Outcome`]: the caller's reply (if any), frames for other
//! clients in the order Redis would write them (pushes and deferred replies of
//! blocked clients), and typed [`Event`]s for the views. The engine never reads a
//! clock, never uses randomness it was not given, performs no I/O and never
//! panics on input: every bad input is a Redis error reply.

mod blocking;
mod client;
mod cmd;
mod config;
pub mod error;
pub mod event;
pub mod glob;
mod hash;
pub mod inspect;
mod keyspace;
mod list;
mod longdouble;
mod members;
mod multi;
pub mod num;
mod outcome;
mod output_buffer;
pub mod params;
mod pubsub;
pub mod reply;
mod reply_mode;
pub mod resp;
mod rng;
mod save;
mod set;
mod stats;
pub mod stream;
pub mod table;
mod zset;

use crate::vec_map::{VecMap, VecSet};
use std::collections::VecDeque;

use client::Client;
pub use client::ClientState;
pub use config::*;
pub use error::Error;
pub use event::{
    ClaimCommand, ClaimedEntry, DeliveredEntry, DeliverySource, Event, EventKind, Receiver,
    TrimReason, UnblockReason, Via,
};
use keyspace::Db;
pub use outcome::*;
pub use output_buffer::OutputBufferUsage;
pub use pubsub::SubscriptionKind;
pub use reply::{Protocol, Reply};
use rng::Rng;
pub(crate) use stats::*;
pub use stream::StreamId;

/// A client connection's id, as `CLIENT ID` reports it. The first connection
/// gets [`FIRST_CLIENT_ID`].
pub type ClientId = u64;

/// The id of the first connection in the 7.0 profile. A fresh redis-server has
/// already created two clients of its own at start-up (the Lua scripting client
/// and the functions client), so the first connection is client 3.
pub const FIRST_CLIENT_ID: ClientId = 3;

/// The id of the first connection in `profile`: Redis 8 loads its vector sets
/// module at start-up, which makes one more client, so there it is client 4
/// (Redis 8.0.2's first connection is).
pub fn first_client_id(profile: Profile) -> ClientId {
    match profile {
        Profile::V7 => FIRST_CLIENT_ID,
        Profile::V8 => FIRST_CLIENT_ID + 1,
    }
}

/// The port `INFO` reports and page clients' local address uses, unless the
/// host sets another ([`Engine::set_server_port`]).
pub const DEFAULT_PORT: u16 = 6379;

/// The emulated server.
///
/// `Clone` is cheap where it matters (a stream's nodes and its consumer groups are
/// shared until changed, see `stream::Stream`), so a session can keep checkpoints; the
/// whole state is serde-serialisable (`Engine::save` / `Engine::load`).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct Engine {
    config: Config,
    clients: VecMap<ClientId, Client>,
    next_client_id: ClientId,
    dbs: Vec<Db>,
    /// Blocked clients in the order they blocked (first come, first served).
    blocked: VecDeque<ClientId>,
    /// Keys written by the command being run that blocked clients wait on, each
    /// once, in the order they were first written (Redis's `server.ready_keys`).
    ready_keys: Vec<(usize, Vec<u8>)>,
    settings: Settings,
    stats: Stats,
    watched: multi::WatchedKeys,
    /// Channels, patterns and shard channels and their subscribers.
    pubsub: pubsub::Registry,
    /// The engine's random generator (RANDOMKEY), seeded from `Config::seed`.
    rng: Rng,
    /// The first time the engine was given: its start, for `uptime_in_seconds`.
    started_ms: Option<u64>,
    /// Changes to keys since start (`rdb_changes_since_last_save`); not a statistic
    /// that `CONFIG RESETSTAT` resets.
    dirty: u64,
    /// What the running call changes `dirty` by: one per key written, deleted
    /// or given a new expiry (counted by `Cx`, never from events), adjusted by
    /// the commands Redis counts otherwise (XDEL/XTRIM count each entry
    /// removed, RENAME one change); applied and reset at the end of the call.
    dirty_adjust: i64,
    /// The sequence number the next event gets.
    next_event_seq: u64,
    /// Events of calls that return no outcome (`connect`), already stamped:
    /// the next outcome carries them first, or `drain_events` takes them. Not
    /// saved: the session drains it right after connecting, so it is empty
    /// between calls.
    #[serde(skip)]
    pending_events: Vec<Event>,
    /// The TCP port `INFO` reports.
    port: u16,
    /// `fd=` numbers of disconnected clients, reused lowest first, and the next
    /// new one. A default redis-server listens on descriptors 6 and 7 (IPv4 and
    /// IPv6), so its first client gets 8.
    free_fds: VecSet<u32>,
    next_fd: u32,
    /// Clients whose host does not read them (their frames wait in their output buffer).
    held: Vec<ClientId>,
    /// Held clients the engine closed (output buffer limit), until their host reads again.
    closed_unread: Vec<ClientId>,
}

/// Bytes the engine counts as used before any key exists (Redis reports its
/// own baseline in `used_memory`; ours is the bookkeeping of an empty engine).
pub const BASE_MEMORY: u64 = 1024 * 1024;

/// Number of logical databases, as Redis's default `databases 16`.
pub const DATABASES: usize = 16;

impl Engine {
    pub fn new(config: Config) -> Engine {
        Engine {
            clients: VecMap::new(),
            next_client_id: first_client_id(config.profile),
            dbs: (0..DATABASES).map(|_| Db::default()).collect(),
            blocked: VecDeque::new(),
            ready_keys: Vec::new(),
            settings: Settings::new(&config),
            stats: Stats::default(),
            watched: multi::WatchedKeys::default(),
            pubsub: pubsub::Registry::default(),
            rng: Rng::new(config.seed),
            started_ms: None,
            dirty: 0,
            dirty_adjust: 0,
            next_event_seq: 1,
            pending_events: Vec::new(),
            port: DEFAULT_PORT,
            free_fds: VecSet::new(),
            next_fd: 8,
            held: Vec::new(),
            closed_unread: Vec::new(),
            config,
        }
    }

    /// Sets the TCP port `INFO` reports; page clients' local address uses it too.
    pub fn set_server_port(&mut self, port: u16) {
        self.port = port;
    }

    /// Sets the peer and local addresses (`ip:port`) of a connection, as `CLIENT
    /// LIST` shows them and `CLIENT KILL ADDR/LADDR` matches them. Clients whose
    /// host never sets them (console panes) get `127.0.0.1:<50000 + id>` and
    /// `127.0.0.1:<port>`.
    pub fn set_client_addr(&mut self, client: ClientId, addr: String, laddr: String) {
        if let Some(c) = self.clients.get_mut(&client) {
            c.addr = addr;
            c.laddr = laddr;
        }
    }

    /// Notes the first time the engine is given, which is its start time.
    fn saw_time(&mut self, now_ms: u64) {
        self.started_ms.get_or_insert(now_ms);
    }

    /// The bytes the engine holds, as `INFO memory`'s `used_memory` reports
    /// them and `maxmemory` limits them.
    pub fn used_memory(&self) -> u64 {
        BASE_MEMORY + self.dbs.iter().map(|d| d.bytes() as u64).sum::<u64>()
    }

    /// Turns the keys the databases expired (lazily or actively) into events
    /// and `expired` keyspace notifications, in the order they expired.
    pub(crate) fn collect_expired(&mut self, out: &mut Outcome) {
        use params::notify;
        for db in 0..self.dbs.len() {
            if self.dbs[db].expired.is_empty() {
                continue;
            }
            for key in std::mem::take(&mut self.dbs[db].expired) {
                self.stats.expired_keys += 1;
                self.touch_watched_key(db, &key);
                let flags = self.settings.notify_keyspace_events;
                let notified = flags & notify::EXPIRED != 0
                    && flags & (notify::KEYSPACE | notify::KEYEVENT) != 0;
                if notified {
                    out.push_event(EventKind::Notification {
                        db,
                        class: notify::EXPIRED,
                        event: "expired".into(),
                        key: key.clone(),
                    });
                    self.publish_notification(db, "expired", &key, out);
                }
                out.push_event(EventKind::KeyExpired { db, key });
            }
        }
    }

    pub fn profile(&self) -> Profile {
        self.config.profile
    }

    /// Opens a client connection (a console pane, a TCP connection).
    pub fn connect(&mut self, now_ms: u64) -> ClientId {
        self.saw_time(now_ms);
        let id = self.next_client_id;
        self.next_client_id += 1;
        self.stats.total_connections_received += 1;
        // The lowest descriptor no client holds, as the kernel hands them out.
        let fd = match self.free_fds.pop_first() {
            Some(fd) => fd,
            None => {
                self.next_fd += 1;
                self.next_fd - 1
            }
        };
        // Console panes have no socket: a loopback address unique to the client
        // (ports 50000..64999) lets CLIENT LIST and CLIENT KILL ADDR work on them.
        let addr = format!("127.0.0.1:{}", 50000 + id % 15000);
        let laddr = format!("127.0.0.1:{}", self.port);
        self.clients
            .insert(id, Client::new(id, now_ms, addr, laddr, fd));
        // `connect` returns no outcome: the event waits for the next one (or
        // `drain_events`), stamped now so its time and order are this call's.
        let mut out = Outcome::default();
        out.push_event(EventKind::ClientConnected { client_id: id });
        self.stamp_events(&mut out, Some(id), now_ms);
        // Several connects before the next outcome (a session's panes) keep every event.
        self.pending_events.append(&mut out.events);
        id
    }

    /// Drops a client: its block, subscriptions and MULTI state.
    pub fn disconnect(&mut self, client: ClientId, now_ms: u64) -> Outcome {
        self.saw_time(now_ms);
        let mut out = Outcome::default();
        self.drop_client(client, &mut out);
        self.stamp_events(&mut out, Some(client), now_ms);
        out
    }

    /// Removes a client and everything it holds (`freeClient`), reporting the
    /// events into `out`. Returns whether it existed.
    pub(crate) fn drop_client(&mut self, client: ClientId, out: &mut Outcome) -> bool {
        if !self.held.is_empty() || !self.closed_unread.is_empty() {
            self.held.retain(|&c| c != client);
            self.closed_unread.retain(|&c| c != client);
        }
        // Its watched keys and subscriptions go first: the indexes still need
        // the client.
        self.unwatch_all(client);
        self.drop_subscriptions(client, out);
        let Some(gone) = self.clients.remove(&client) else {
            return false;
        };
        self.free_fds.insert(gone.fd);
        if let Some(pos) = self.blocked.iter().position(|&c| c == client) {
            self.blocked.remove(pos);
            out.push_event(EventKind::ClientUnblocked {
                client_id: client,
                reason: UnblockReason::Disconnected,
            });
        }
        out.push_event(EventKind::ClientDisconnected { client_id: client });
        true
    }

    /// The protocol the client speaks (RESP2 until `HELLO 3`).
    pub fn protocol(&self, client: ClientId) -> Protocol {
        self.clients
            .get(&client)
            .map(|c| c.protocol)
            .unwrap_or_default()
    }

    /// Whether the client waits in a blocking command.
    pub fn is_blocked(&self, client: ClientId) -> bool {
        self.clients.get(&client).is_some_and(|c| c.block.is_some())
    }

    /// What a console needs to show about a client.
    pub fn client_state(&self, client: ClientId) -> Option<ClientState> {
        self.clients.get(&client).map(|c| c.state())
    }

    /// What `client` is subscribed to: its channels, then its patterns, then its shard channels,
    /// each in the order it subscribed (for the console's pane header).
    pub fn client_subscriptions(&self, client: ClientId) -> Vec<(SubscriptionKind, Vec<u8>)> {
        let Some(c) = self.clients.get(&client) else {
            return Vec::new();
        };
        let of = |kind: SubscriptionKind, set: &pubsub::OrderedSet<Vec<u8>>| {
            set.iter()
                .map(move |name| (kind, name.clone()))
                .collect::<Vec<_>>()
        };
        let mut out = of(SubscriptionKind::Channel, &c.subs.channels);
        out.extend(of(SubscriptionKind::Pattern, &c.subs.patterns));
        out.extend(of(SubscriptionKind::Shard, &c.subs.shard_channels));
        out
    }

    /// Up to `limit` key names of database `db` that start with `prefix` and have not expired
    /// at `now_ms`, sorted (for the console's completion). Read-only: nothing expires here.
    pub fn key_names(&self, db: usize, prefix: &[u8], now_ms: u64, limit: usize) -> Vec<Vec<u8>> {
        let Some(d) = self.dbs.get(db) else {
            return Vec::new();
        };
        let mut keys: Vec<Vec<u8>> = d
            .iter()
            .filter(|(k, e)| k.starts_with(prefix) && !e.is_expired(now_ms))
            .map(|(k, _)| k.clone())
            .collect();
        crate::vec_map::sort(&mut keys);
        keys.truncate(limit);
        keys
    }

    /// Runs one command for `client` at time `now_ms`.
    ///
    /// A command from a client that is blocked, or that does not exist, gets an
    /// error reply (a real connection cannot send while it waits).
    pub fn execute(&mut self, client: ClientId, argv: Vec<Vec<u8>>, now_ms: u64) -> Outcome {
        self.saw_time(now_ms);
        let mut out = Outcome::default();
        let Some(c) = self.clients.get_mut(&client) else {
            out.reply = Some(Reply::error("ERR no such client"));
            self.stamp_events(&mut out, Some(client), now_ms);
            return out;
        };
        if c.block.is_some() {
            out.reply = Some(Reply::error("ERR client is blocked"));
            self.stamp_events(&mut out, Some(client), now_ms);
            return out;
        }
        c.last_interaction_ms = now_ms;
        self.stats.reads_processed += 1;
        let before = self.client_facts(client);
        let flow = cmd::dispatch(self, client, &argv, now_ms, &mut out, false);
        self.report_client_changes(client, before, &mut out);
        match flow {
            cmd::Flow::Reply(r) => out.reply = Some(r),
            cmd::Flow::Block(block) => self.block_client(client, argv, block, now_ms, &mut out),
            cmd::Flow::Frames(frames) => {
                // The confirmations are the reply: they come before any other
                // frame the command produced for the client.
                let at = out
                    .deliveries
                    .iter()
                    .position(|d| d.client == client)
                    .unwrap_or(out.deliveries.len());
                out.deliveries.splice(
                    at..at,
                    frames.into_iter().map(|frame| Delivery {
                        client,
                        kind: DeliveryKind::Push,
                        frame,
                    }),
                );
            }
        }
        self.serve_ready_keys(now_ms, &mut out);
        self.collect_expired(&mut out);
        self.apply_dirty();
        self.count_frames(&out);
        self.apply_reply_flags(Some(client), &mut out);
        if self.config.probe_events {
            out.push_event(EventKind::Probe);
        }
        self.stamp_events(&mut out, Some(client), now_ms);
        out
    }

    /// Adds the running call's changes to `dirty` (`rdb_changes_since_last_save`).
    fn apply_dirty(&mut self) {
        self.dirty = self
            .dirty
            .saturating_add_signed(std::mem::take(&mut self.dirty_adjust));
    }

    /// The one place events are stamped: the events `out` collected get the
    /// next sequence numbers, the call's time and its client, after the
    /// events queued by `connect` (stamped already).
    fn stamp_events(&mut self, out: &mut Outcome, client: Option<ClientId>, now_ms: u64) {
        // Every call ends here: frames for clients nobody reads are kept back first (the one
        // branch a call pays while no client is held).
        if !self.held.is_empty() {
            self.keep_held_frames(client, now_ms, out);
        }
        for e in &mut out.events {
            e.seq = self.next_event_seq;
            self.next_event_seq += 1;
            e.time_ms = now_ms;
            e.client = client;
        }
        if !self.pending_events.is_empty() {
            let mut events = std::mem::take(&mut self.pending_events);
            events.append(&mut out.events);
            out.events = events;
        }
    }

    /// What the client events report about a client: name, protocol, db and
    /// whether it is in MULTI.
    fn client_facts(&self, id: ClientId) -> Option<(Vec<u8>, Protocol, usize, bool)> {
        self.clients.get(&id).map(|c| {
            (
                c.name.clone().unwrap_or_default(),
                c.protocol,
                c.db,
                c.multi.is_some(),
            )
        })
    }

    /// Emits the client events for what a command changed about its own
    /// client (CLIENT SETNAME, HELLO, SELECT, MULTI, EXEC, DISCARD, RESET).
    fn report_client_changes(
        &self,
        id: ClientId,
        before: Option<(Vec<u8>, Protocol, usize, bool)>,
        out: &mut Outcome,
    ) {
        let (Some(before), Some(after)) = (before, self.client_facts(id)) else {
            return;
        };
        if before.0 != after.0 {
            out.push_event(EventKind::ClientRenamed {
                client_id: id,
                name: after.0,
            });
        }
        if before.1 != after.1 {
            out.push_event(EventKind::ClientProtocolChanged {
                client_id: id,
                protocol: after.1.version() as u8,
            });
        }
        if before.2 != after.2 {
            out.push_event(EventKind::ClientDbChanged {
                client_id: id,
                db: after.2,
            });
        }
        if before.3 != after.3 {
            out.push_event(EventKind::ClientMultiChanged {
                client_id: id,
                multi: after.3,
            });
        }
    }

    /// The sequence number the next event will get.
    pub fn next_event_seq(&self) -> u64 {
        self.next_event_seq
    }

    /// Sets the sequence number of the next event, so that a session replacing
    /// its engine (a seek, a profile switch) keeps numbers strictly increasing.
    pub fn set_next_event_seq(&mut self, seq: u64) {
        self.next_event_seq = seq;
    }

    /// Takes the events that no outcome has carried yet (`ClientConnected`
    /// after `connect`); the session calls it right after connecting.
    pub fn drain_events(&mut self) -> Vec<Event> {
        std::mem::take(&mut self.pending_events)
    }

    /// Counts what an outcome writes: frames, error replies by code, and the
    /// memory peak after the change.
    fn count_frames(&mut self, out: &Outcome) {
        let frames = out
            .reply
            .iter()
            .chain(out.deliveries.iter().map(|d| &d.frame));
        for frame in frames {
            self.stats.writes_processed += 1;
            if let Reply::Error(line) = frame {
                self.stats.count_error(line);
            }
        }
        self.stats.peak_memory = self.stats.peak_memory.max(self.used_memory());
    }

    /// Moves time to `now_ms`: blocked clients whose timeout passed get their
    /// deferred reply, and keys whose expiry time passed are removed (active
    /// expiry, so views see them go without anyone reading them).
    pub fn advance(&mut self, now_ms: u64) -> Outcome {
        self.saw_time(now_ms);
        let mut out = Outcome::default();
        let expired = self.blocked_where(|b| b.deadline_ms.is_some_and(|d| d <= now_ms));
        for id in expired {
            self.unblock(id, UnblockReason::TimedOut, None, &mut out);
        }
        self.signal_claimable(now_ms);
        self.serve_ready_keys(now_ms, &mut out);
        for db in self.dbs.iter_mut() {
            db.expire_due(now_ms);
        }
        self.collect_expired(&mut out);
        // A blocked reader served here (an XREADGROUP CLAIM waking) ran a
        // command: its changes count as any command's do.
        self.apply_dirty();
        self.count_frames(&out);
        self.apply_reply_flags(None, &mut out);
        self.stamp_events(&mut out, None, now_ms);
        out
    }

    /// The earliest time at which `advance` has something to do: a blocked
    /// client's timeout, a pending entry becoming claimable for a blocked
    /// reader, or a key's expiry. A host that calls `advance` only then (the
    /// native server's event loop sleeps until it) sees what a host calling it
    /// every millisecond sees. `None` while nothing waits on time.
    pub fn next_deadline(&self) -> Option<u64> {
        let blocked = self
            .blocked
            .iter()
            .filter_map(|id| self.clients.get(id)?.block.as_ref())
            .flat_map(|b| [b.deadline_ms, b.wake_at_ms.map(|w| w.saturating_add(1))])
            .flatten();
        // `expire_due` and `signal_claimable` act once the clock is past the
        // time (`now > t`), so their deadline is the millisecond after it.
        let expiries = self
            .dbs
            .iter()
            .filter_map(|db| db.next_expiry_ms().map(|t| t.saturating_add(1)));
        blocked.chain(expiries).min()
    }
}

#[cfg(test)]
mod list_tests;
#[cfg(test)]
mod server_tests;
#[cfg(test)]
pub(crate) mod test_util;
#[cfg(test)]
mod tests;
