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

pub mod cli;
mod client;
mod cmd;
pub mod error;
pub mod glob;
pub mod inspect;
mod keyspace;
mod longdouble;
mod multi;
pub mod num;
pub mod params;
mod pubsub;
pub mod reply;
pub mod resp;
mod rng;
mod save;
pub mod stream;
pub mod table;

use std::collections::{BTreeMap, BTreeSet, VecDeque};

pub use client::ClientState;
use client::{Block, Client, Serve};
pub use error::Error;
use keyspace::Db;
pub use pubsub::SubscriptionKind;
pub use reply::{Protocol, Reply};
use rng::Rng;
pub use stream::{ClaimedEntry, StreamId};

/// A client connection's id, as `CLIENT ID` reports it. The first connection
/// gets [`FIRST_CLIENT_ID`].
pub type ClientId = u64;

/// The id of the first connection. A fresh redis-server has already created two
/// clients of its own at start-up (the Lua scripting client and the functions
/// client), so the first connection is client 3.
pub const FIRST_CLIENT_ID: ClientId = 3;

/// The port `INFO` reports and page clients' local address uses, unless the
/// host sets another ([`Engine::set_server_port`]).
pub const DEFAULT_PORT: u16 = 6379;

/// Which Redis the engine behaves like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Profile {
    /// Exactly redis-server 7.0.15.
    V7,
    /// Redis 8.4 (the later stream behaviour of SPEC §10, the 8.x commands of §9).
    #[default]
    V8,
}

impl Profile {
    /// Parses the names used by `--profile`, transcripts and the page: `7.0` or `8`.
    pub fn parse(name: &str) -> Option<Profile> {
        match name {
            "7.0" | "7" | "7.0.15" => Some(Profile::V7),
            "8" | "8.4" | "8.4.0" => Some(Profile::V8),
            _ => None,
        }
    }

    /// The short name (`7.0` or `8`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::V7 => "7.0",
            Profile::V8 => "8",
        }
    }

    /// The version HELLO and INFO report.
    pub fn redis_version(self) -> &'static str {
        match self {
            Profile::V7 => "7.0.15",
            Profile::V8 => "8.4.0",
        }
    }
}

/// How an engine is set up.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Config {
    pub profile: Profile,
    /// Enables commands that exist only to test the engine's machinery (such as
    /// `BLOCKTEST`, which exercises blocking before the real blocking commands
    /// exist). Never on in the page or the server.
    pub test_commands: bool,
    /// The initial `maxmemory` in bytes (0: no limit). The page uses a
    /// browser-friendly default; the server has none unless configured.
    pub maxmemory: u64,
    /// Seed of the engine's own random generator (RANDOMKEY and the like), so
    /// that a scenario replays identically.
    pub seed: u64,
}

/// Runtime settings changed by `CONFIG SET` (see `params` for what each means
/// and which of them the engine acts on).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Settings {
    pub maxmemory: u64,
    /// Index into `params::POLICIES`.
    pub maxmemory_policy: usize,
    pub maxmemory_samples: i64,
    pub maxmemory_eviction_tenacity: i64,
    /// Bytes, or a percentage of `maxmemory` stored negative (Redis's encoding).
    pub maxmemory_clients: i64,
    pub hz: i64,
    /// `params::notify` flags.
    pub notify_keyspace_events: u32,
    pub stream_node_max_bytes: u64,
    pub stream_node_max_entries: i64,
    /// Save points (seconds, changes); reported only.
    pub save: Vec<(i64, i32)>,
    /// Reported only: the engine writes no append-only file.
    pub appendonly: bool,
}

impl Settings {
    fn new(config: &Config) -> Settings {
        Settings {
            maxmemory: config.maxmemory,
            maxmemory_policy: params::NOEVICTION,
            maxmemory_samples: 5,
            maxmemory_eviction_tenacity: 10,
            maxmemory_clients: 0,
            hz: 10,
            notify_keyspace_events: 0,
            stream_node_max_bytes: 4096,
            stream_node_max_entries: 100,
            save: Vec::new(),
            appendonly: false,
        }
    }

    /// The stream node limits in force.
    pub fn stream_node_limits(&self) -> stream::NodeLimits {
        stream::NodeLimits {
            max_bytes: self.stream_node_max_bytes,
            max_entries: self.stream_node_max_entries,
        }
    }
}

/// Per-command counters of `INFO commandstats`.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct CommandStats {
    /// Times the command ran (failed runs included).
    pub calls: u64,
    /// Refused before running (wrong arity, DEBUG not allowed).
    pub rejected_calls: u64,
    /// Ran and produced an error reply.
    pub failed_calls: u64,
}

/// Counters reported by `INFO stats` (reset by `CONFIG RESETSTAT`).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Stats {
    pub total_commands_processed: u64,
    pub total_connections_received: u64,
    pub expired_keys: u64,
    /// Read lookups that found / missed their key (`lookupKeyRead`).
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub total_error_replies: u64,
    /// Error replies by error code (`ERR`, `WRONGTYPE`), for `INFO errorstats`.
    pub errors: BTreeMap<Vec<u8>, u64>,
    /// By command full name (`client|list`), for `INFO commandstats`.
    #[serde(with = "save::command_map")]
    pub commands: BTreeMap<&'static str, CommandStats>,
    /// Requests received and frames written, the engine's stand-ins for
    /// `total_reads_processed` / `total_writes_processed`.
    pub reads_processed: u64,
    pub writes_processed: u64,
    /// The highest `used_memory` seen since start or the last reset.
    pub peak_memory: u64,
}

impl Stats {
    pub fn command(&mut self, fullname: &'static str) -> &mut CommandStats {
        self.commands.entry(fullname).or_default()
    }

    /// `afterErrorReply`: counts one error reply under its code (its first word).
    fn count_error(&mut self, line: &[u8]) {
        self.total_error_replies += 1;
        let code = line
            .iter()
            .take(32)
            .position(|&b| b == b' ')
            .map(|end| &line[..end])
            .unwrap_or(b"ERR");
        *self.errors.entry(code.to_vec()).or_default() += 1;
    }
}

/// Whether a frame for a client is a push or the late reply to its blocked command.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum DeliveryKind {
    /// A push frame: pub/sub message, keyspace notification, subscribe confirmation.
    Push,
    /// The reply to a command that blocked earlier (served or timed out).
    Reply,
}

/// A frame for one client, produced by some other client's command or by time.
#[derive(Clone, Debug, PartialEq)]
pub struct Delivery {
    pub client: ClientId,
    pub kind: DeliveryKind,
    pub frame: Reply,
}

/// Why a blocked client was released.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum UnblockReason {
    /// Data arrived and the command was answered.
    Served,
    /// The timeout passed.
    TimedOut,
    /// `CLIENT UNBLOCK`, a disconnect, or a key that vanished.
    Cancelled,
}

/// A change the views animate. Views never parse reply text: anything they
/// need to show comes as an event.
#[derive(Clone, Debug, PartialEq)]
pub enum Event {
    ClientConnected {
        client: ClientId,
    },
    ClientDisconnected {
        client: ClientId,
    },
    /// A key was created or its value replaced or changed.
    KeyWritten {
        db: usize,
        key: Vec<u8>,
    },
    /// A key was removed by a command.
    KeyDeleted {
        db: usize,
        key: Vec<u8>,
    },
    /// A key's expiry time was set, changed or removed (EXPIRE, PERSIST); its
    /// value is unchanged. `None`: the key no longer expires.
    KeyExpiryChanged {
        db: usize,
        key: Vec<u8>,
        expires_at_ms: Option<u64>,
    },
    /// A key was removed because its expiry time passed.
    KeyExpired {
        db: usize,
        key: Vec<u8>,
    },
    /// A keyspace notification that `notify-keyspace-events` enables
    /// (`notifyKeyspaceEvent`): `event` such as `xadd`, `set`, `expired`.
    /// The pub/sub registry turns it into `__keyspace@<db>__:<key>` and
    /// `__keyevent@<db>__:<event>` messages.
    Notification {
        db: usize,
        /// The event's class (`params::notify` flag, e.g. `STREAM`).
        class: u32,
        event: &'static str,
        key: Vec<u8>,
    },
    /// XADD appended an entry to the stream at `key`.
    StreamEntryAdded {
        db: usize,
        key: Vec<u8>,
        id: StreamId,
    },
    /// Entries left the stream at `key` (XDEL, XTRIM, XADD's trimming), in
    /// ID order.
    StreamEntriesRemoved {
        db: usize,
        key: Vec<u8>,
        ids: Vec<StreamId>,
        reason: TrimReason,
    },
    /// XGROUP CREATE made a consumer group.
    GroupCreated {
        db: usize,
        key: Vec<u8>,
        group: Vec<u8>,
        last_id: StreamId,
    },
    /// XGROUP DESTROY removed a consumer group.
    GroupDestroyed {
        db: usize,
        key: Vec<u8>,
        group: Vec<u8>,
    },
    /// XGROUP SETID, or XCLAIM's LASTID, moved a group's last delivered ID.
    GroupIdSet {
        db: usize,
        key: Vec<u8>,
        group: Vec<u8>,
        last_id: StreamId,
    },
    /// A consumer was created (XGROUP CREATECONSUMER, or a read naming it).
    ConsumerCreated {
        db: usize,
        key: Vec<u8>,
        group: Vec<u8>,
        consumer: Vec<u8>,
    },
    /// XGROUP DELCONSUMER removed a consumer and its `pending` entries.
    ConsumerDeleted {
        db: usize,
        key: Vec<u8>,
        group: Vec<u8>,
        consumer: Vec<u8>,
        pending: u64,
    },
    /// Entries were delivered to a consumer (XREADGROUP), each with its
    /// delivery count after this delivery (0 with NOACK: nothing pending).
    EntriesDelivered {
        db: usize,
        key: Vec<u8>,
        group: Vec<u8>,
        consumer: Vec<u8>,
        ids: Vec<(StreamId, u64)>,
    },
    /// XCLAIM or XAUTOCLAIM gave pending entries to `consumer` (`claimed`, in
    /// reply order, each with the consumer it was taken from and its new
    /// delivery count), and deleted the pending entries whose stream entries
    /// were gone (`deleted`).
    EntriesClaimed {
        db: usize,
        key: Vec<u8>,
        group: Vec<u8>,
        consumer: Vec<u8>,
        claimed: Vec<ClaimedEntry>,
        deleted: Vec<StreamId>,
    },
    /// XACK acknowledged these pending entries.
    EntriesAcked {
        db: usize,
        key: Vec<u8>,
        group: Vec<u8>,
        ids: Vec<StreamId>,
    },
    /// A client blocked on keys; `deadline_ms` is `None` for BLOCK 0.
    ClientBlocked {
        client: ClientId,
        db: usize,
        keys: Vec<Vec<u8>>,
        deadline_ms: Option<u64>,
    },
    ClientUnblocked {
        client: ClientId,
        reason: UnblockReason,
    },
    /// The client's protocol, name or database changed.
    ClientChanged {
        client: ClientId,
    },
    /// A client subscribed to a channel, pattern or shard channel it was not
    /// subscribed to. `count` is what its confirmation reports: channels plus
    /// patterns, or shard channels alone.
    Subscribed {
        client: ClientId,
        kind: SubscriptionKind,
        name: Vec<u8>,
        count: usize,
    },
    /// A client left a channel, pattern or shard channel (UNSUBSCRIBE and
    /// friends, RESET, disconnect); `count` as for `Subscribed`.
    Unsubscribed {
        client: ClientId,
        kind: SubscriptionKind,
        name: Vec<u8>,
        count: usize,
    },
    /// A message (PUBLISH, SPUBLISH, or a keyspace notification) reached
    /// `receivers` frames: the channel's subscribers in `direct`, then one
    /// frame per (client, pattern) in `via_patterns`.
    MessagePublished {
        channel: Vec<u8>,
        /// SPUBLISH to a shard channel.
        shard: bool,
        receivers: usize,
        direct: Vec<ClientId>,
        via_patterns: Vec<(ClientId, Vec<u8>)>,
    },
    /// PUBLISH or SPUBLISH reached nobody (the reply is 0): fire and forget.
    MessageDropped {
        channel: Vec<u8>,
        shard: bool,
    },
}

/// Why stream entries were removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum TrimReason {
    /// Trimmed by `MAXLEN` (XTRIM, or XADD's trimming).
    MaxLen,
    /// Trimmed by `MINID` (XTRIM, or XADD's trimming).
    MinId,
    /// Deleted by XDEL.
    Xdel,
}

/// What one call into the engine produced.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Outcome {
    /// The caller's reply; `None` when it blocked or replies only through frames.
    pub reply: Option<Reply>,
    /// Frames for clients (the caller included), in the order Redis writes them.
    pub deliveries: Vec<Delivery>,
    /// The caller's reply is written after the first `reply_at` entries of
    /// `deliveries` (frames Redis writes while the command runs, such as a push
    /// to the caller itself); the other entries follow it. Usually 0.
    pub reply_at: usize,
    pub events: Vec<Event>,
    /// The caller asked to close its connection (QUIT, or CLIENT KILL of itself):
    /// write the reply, then close.
    pub close: bool,
    /// Other clients this command disconnected (CLIENT KILL). The engine has already
    /// dropped them; the host closes their connections without writing anything more.
    pub killed: Vec<ClientId>,
}

/// The emulated server.
///
/// `Clone` is cheap where it matters (a stream's nodes are shared until
/// changed, see `stream::Stream`), so a session can keep checkpoints; the
/// whole state is serde-serialisable (`Engine::save` / `Engine::load`).
#[derive(Clone, serde::Serialize, serde::Deserialize)]
pub struct Engine {
    config: Config,
    clients: BTreeMap<ClientId, Client>,
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
    /// What the running call changes `dirty` by beyond one per write or delete
    /// event (XDEL/XTRIM count each entry removed, RENAME counts one change
    /// for its two events); applied and reset at the end of the call.
    dirty_adjust: i64,
    /// The TCP port `INFO` reports.
    port: u16,
    /// `fd=` numbers of disconnected clients, reused lowest first, and the next
    /// new one. A default redis-server listens on descriptors 6 and 7 (IPv4 and
    /// IPv6), so its first client gets 8.
    free_fds: BTreeSet<u32>,
    next_fd: u32,
}

/// Bytes the engine counts as used before any key exists (Redis reports its
/// own baseline in `used_memory`; ours is the bookkeeping of an empty engine).
pub const BASE_MEMORY: u64 = 1024 * 1024;

/// Number of logical databases, as Redis's default `databases 16`.
pub const DATABASES: usize = 16;

impl Engine {
    pub fn new(config: Config) -> Engine {
        Engine {
            clients: BTreeMap::new(),
            next_client_id: FIRST_CLIENT_ID,
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
            port: DEFAULT_PORT,
            free_fds: BTreeSet::new(),
            next_fd: 8,
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
                    out.events.push(Event::Notification {
                        db,
                        class: notify::EXPIRED,
                        event: "expired",
                        key: key.clone(),
                    });
                    self.publish_notification(db, "expired", &key, out);
                }
                out.events.push(Event::KeyExpired { db, key });
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
        id
    }

    /// Drops a client: its block, subscriptions and MULTI state.
    pub fn disconnect(&mut self, client: ClientId, now_ms: u64) -> Outcome {
        self.saw_time(now_ms);
        let mut out = Outcome::default();
        self.drop_client(client, &mut out);
        out
    }

    /// Removes a client and everything it holds (`freeClient`), reporting the
    /// events into `out`. Returns whether it existed.
    pub(crate) fn drop_client(&mut self, client: ClientId, out: &mut Outcome) -> bool {
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
            out.events.push(Event::ClientUnblocked {
                client,
                reason: UnblockReason::Cancelled,
            });
        }
        out.events.push(Event::ClientDisconnected { client });
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
        keys.sort();
        keys.truncate(limit);
        keys
    }

    /// Releases a blocked client as `CLIENT UNBLOCK <id> TIMEOUT` does (its timeout reply, as
    /// if the timeout had passed), for the console's Ctrl+C; an empty outcome if it is not blocked.
    pub fn cancel_block(&mut self, client: ClientId, now_ms: u64) -> Outcome {
        self.saw_time(now_ms);
        let mut out = Outcome::default();
        if self.unblock(client, UnblockReason::Cancelled, None, &mut out) {
            self.count_frames(&out);
        }
        out
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
            return out;
        };
        if c.block.is_some() {
            out.reply = Some(Reply::error("ERR client is blocked"));
            return out;
        }
        c.last_interaction_ms = now_ms;
        self.stats.reads_processed += 1;
        let flow = cmd::dispatch(self, client, &argv, now_ms, &mut out, false);
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
        let changes = out
            .events
            .iter()
            .filter(|e| {
                matches!(
                    e,
                    Event::KeyWritten { .. }
                        | Event::KeyDeleted { .. }
                        | Event::KeyExpiryChanged { .. }
                )
            })
            .count() as i64;
        self.dirty = self
            .dirty
            .saturating_add_signed(changes + std::mem::take(&mut self.dirty_adjust));
        self.count_frames(&out);
        out
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
        let expired: Vec<ClientId> = self
            .blocked
            .iter()
            .copied()
            .filter(|id| {
                self.clients
                    .get(id)
                    .and_then(|c| c.block.as_ref())
                    .and_then(|b| b.deadline_ms)
                    .is_some_and(|d| d <= now_ms)
            })
            .collect();
        for id in expired {
            self.unblock(id, UnblockReason::TimedOut, None, &mut out);
        }
        self.signal_claimable(now_ms);
        self.serve_ready_keys(now_ms, &mut out);
        for db in self.dbs.iter_mut() {
            db.expire_due(now_ms);
        }
        self.collect_expired(&mut out);
        self.count_frames(&out);
        out
    }

    fn block_client(
        &mut self,
        client: ClientId,
        argv: Vec<Vec<u8>>,
        block: cmd::BlockOn,
        now_ms: u64,
        out: &mut Outcome,
    ) {
        let db = self.clients[&client].db;
        let deadline_ms = if block.timeout_ms == 0 {
            None
        } else {
            Some(now_ms.saturating_add(block.timeout_ms))
        };
        out.events.push(Event::ClientBlocked {
            client,
            db,
            keys: block.keys.clone(),
            deadline_ms,
        });
        if let Some(c) = self.clients.get_mut(&client) {
            c.block = Some(Block {
                db,
                keys: block.keys,
                deadline_ms,
                argv: block.argv.unwrap_or(argv),
                timeout_reply: block.timeout_reply,
                serve: block.serve,
                wake_at_ms: block.wake_at_ms,
            });
        }
        self.blocked.push_back(client);
    }

    /// Releases a blocked client with `frame`, or with its timeout reply when
    /// `frame` is `None`. Returns whether the client was blocked.
    pub(crate) fn unblock(
        &mut self,
        client: ClientId,
        reason: UnblockReason,
        frame: Option<Reply>,
        out: &mut Outcome,
    ) -> bool {
        self.blocked.retain(|&c| c != client);
        let Some(block) = self.clients.get_mut(&client).and_then(|c| c.block.take()) else {
            return false;
        };
        out.deliveries.push(Delivery {
            client,
            kind: DeliveryKind::Reply,
            frame: frame.unwrap_or(block.timeout_reply),
        });
        out.events.push(Event::ClientUnblocked { client, reason });
        true
    }

    /// Serves the clients blocked on the keys the last command wrote (Redis's
    /// `handleClientsBlockedOnKeys`): key by key in the order they were written,
    /// and for each key its clients first come first served. Keys written while
    /// serving are handled after the current batch.
    fn serve_ready_keys(&mut self, now_ms: u64, out: &mut Outcome) {
        while !self.ready_keys.is_empty() {
            let ready = std::mem::take(&mut self.ready_keys);
            for (db, key) in ready {
                let waiting: Vec<ClientId> = self
                    .blocked
                    .iter()
                    .copied()
                    .filter(|id| {
                        self.clients
                            .get(id)
                            .and_then(|c| c.block.as_ref())
                            .is_some_and(|b| b.db == db && b.keys.contains(&key))
                    })
                    .collect();
                for id in waiting {
                    self.serve_blocked(id, db, &key, now_ms, out);
                }
            }
        }
    }

    /// Tries to serve blocked client `id` after `key` in `db` was written.
    fn serve_blocked(
        &mut self,
        id: ClientId,
        db: usize,
        key: &[u8],
        now_ms: u64,
        out: &mut Outcome,
    ) {
        let Some(mut block) = self.clients.get_mut(&id).and_then(|c| c.block.take()) else {
            return;
        };
        let mut inner = Outcome::default();
        // Set when a re-run blocks again: its new CLAIM wake-up time.
        let mut rewake: Option<Option<u64>> = None;
        let served = match &block.serve {
            Serve::Stream(wait) => {
                if !cmd::holds_stream(self, db, key, now_ms) {
                    // A key that is missing or of another type wakes no stream reader.
                    None
                } else if self.config.profile == Profile::V7 {
                    let index = block.keys.iter().position(|k| k == key);
                    index.and_then(|i| {
                        cmd::serve_stream_in_place(
                            self,
                            id,
                            db,
                            key,
                            wait.ids[i],
                            wait.count,
                            now_ms,
                        )
                    })
                } else {
                    self.reexec(id, &block.argv, &mut rewake, now_ms, &mut inner)
                }
            }
            Serve::Reexec => self.reexec(id, &block.argv, &mut rewake, now_ms, &mut inner),
            Serve::Group { group } => match self.dbs[db].get(key, now_ms).map(|e| &e.value) {
                Some(keyspace::Value::Stream(s)) if s.group(group).is_some() => {
                    // 7.0.15 serves a reader only once the stream's last ID
                    // passed the group's; until then it keeps its place.
                    let behind = s.group(group).is_some_and(|g| s.last_id() > g.last_id);
                    if self.config.profile == Profile::V7 && !behind {
                        None
                    } else if self.config.profile == Profile::V7 {
                        // 7.0.15 serves it from this one key only.
                        let one = cmd::single_stream_argv(&block.argv, key);
                        self.reexec(id, &one, &mut rewake, now_ms, &mut inner)
                    } else {
                        self.reexec(id, &block.argv, &mut rewake, now_ms, &mut inner)
                    }
                }
                Some(keyspace::Value::Stream(_)) => Some(Reply::Error(
                    b"NOGROUP the consumer group this client was blocked on no longer exists"
                        .to_vec(),
                )),
                _ => Some(Reply::Error(
                    b"UNBLOCKED the stream key no longer exists".to_vec(),
                )),
            },
        };
        match served {
            Some(reply) => {
                self.blocked.retain(|&c| c != id);
                out.deliveries.push(Delivery {
                    client: id,
                    kind: DeliveryKind::Reply,
                    frame: reply,
                });
                out.deliveries.extend(inner.deliveries);
                out.events.extend(inner.events);
                out.events.push(Event::ClientUnblocked {
                    client: id,
                    reason: UnblockReason::Served,
                });
            }
            None => {
                // Nothing for it yet: it keeps its deadline.
                if let Some(wake) = rewake {
                    block.wake_at_ms = wake;
                }
                if let Some(c) = self.clients.get_mut(&id) {
                    c.block = Some(block);
                }
            }
        }
    }

    /// Re-runs a blocked client's command (Redis 7.2+). `None` when it would
    /// block again: the client then goes to the back of the queue, as Redis
    /// blocks it anew (keeping its original deadline).
    fn reexec(
        &mut self,
        id: ClientId,
        argv: &[Vec<u8>],
        rewake: &mut Option<Option<u64>>,
        now_ms: u64,
        inner: &mut Outcome,
    ) -> Option<Reply> {
        match cmd::dispatch(self, id, argv, now_ms, inner, true) {
            cmd::Flow::Reply(reply) => Some(reply),
            // The SUBSCRIBE family never blocks, so it is never re-run.
            cmd::Flow::Frames(frames) => frames.into_iter().next(),
            cmd::Flow::Block(again) => {
                // Blocked anew: a CLAIM reader registers its next wake-up.
                *rewake = Some(again.wake_at_ms);
                self.blocked.retain(|&c| c != id);
                self.blocked.push_back(id);
                None
            }
        }
    }

    /// `handleClaimableStreamEntries`: the keys of XREADGROUP CLAIM readers
    /// whose wake-up time passed (strictly) are signalled as ready, which re-runs
    /// every reader blocked on them.
    fn signal_claimable(&mut self, now_ms: u64) {
        let due: Vec<(usize, Vec<Vec<u8>>)> = self
            .blocked
            .iter()
            .filter_map(|id| {
                let b = self.clients.get(id)?.block.as_ref()?;
                b.wake_at_ms
                    .is_some_and(|w| w < now_ms)
                    .then(|| (b.db, b.keys.clone()))
            })
            .collect();
        for (db, keys) in due {
            for key in keys {
                self.signal_key_ready(db, &key);
            }
        }
    }

    /// Notes that `key` in `db` was removed: consumer-group readers blocked on
    /// it are answered after the command (`signalDeletedKeyAsReady`).
    pub(crate) fn signal_key_deleted(&mut self, db: usize, key: &[u8]) {
        let group_waiter = self.blocked.iter().any(|id| {
            self.clients
                .get(id)
                .and_then(|c| c.block.as_ref())
                .is_some_and(|b| {
                    b.db == db
                        && matches!(b.serve, Serve::Group { .. })
                        && b.keys.iter().any(|k| k == key)
                })
        });
        if group_waiter {
            self.signal_key_ready(db, key);
        }
    }

    /// Notes that `key` in `db` was written, so clients blocked on it are served
    /// after the command (once per key, however often it was written).
    pub(crate) fn signal_key_ready(&mut self, db: usize, key: &[u8]) {
        if self.ready_keys.iter().any(|(d, k)| *d == db && k == key) {
            return;
        }
        let waited_on = self.blocked.iter().any(|id| {
            self.clients
                .get(id)
                .and_then(|c| c.block.as_ref())
                .is_some_and(|b| b.db == db && b.keys.iter().any(|k| k == key))
        });
        if waited_on {
            self.ready_keys.push((db, key.to_vec()));
        }
    }
}

#[cfg(test)]
mod server_tests;
#[cfg(test)]
pub(crate) mod test_util;
#[cfg(test)]
mod tests;
