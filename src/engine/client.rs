//! A client connection's state inside the engine.

use super::pubsub::ClientSubs;
use super::{ClientId, Protocol, Reply};

/// What a client is waiting for while blocked.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Block {
    pub db: usize,
    pub keys: Vec<Vec<u8>>,
    /// `None` blocks forever (timeout 0).
    pub deadline_ms: Option<u64>,
    /// The command, re-run when one of `keys` is written.
    pub argv: Vec<Vec<u8>>,
    /// What the client gets when the timeout passes.
    pub timeout_reply: Reply,
    /// How a write to one of `keys` serves it.
    pub serve: Serve,
    /// `trackStreamClaimTimeouts`: once the clock passes this time, `keys` are
    /// signalled as ready (a pending entry became claimable).
    pub wake_at_ms: Option<u64>,
}

/// How a blocked client is served when a key it waits on is written.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Serve {
    /// Re-run the command on any write to one of its keys (`BLOCKTEST`).
    Reexec,
    /// A stream read (XREAD). Only a key that holds a stream wakes it. Profile 8
    /// re-runs the command (Redis 7.2+); profile 7.0 serves it in place from the
    /// one key that was written, as 7.0.15 does.
    Stream(StreamWait),
    /// A consumer-group read (XREADGROUP `>`) of `group`. A key that no longer
    /// holds a stream ends the wait with `UNBLOCKED`, a destroyed group with
    /// `NOGROUP` (7.0.15); otherwise the command is re-run (in profile 7.0 only
    /// once the stream's last ID passed the group's: until then it keeps its place).
    Group { group: Vec<u8> },
    /// A blocking pop (BLPOP, BRPOP, BLMOVE, BRPOPLPUSH, BLMPOP; the sorted-set
    /// pops fit the same shape). Only a key that holds a `type_name` value
    /// (`TYPE`'s name) wakes it: a deleted key or one of another type leaves it
    /// blocked. Profile 8 re-runs the command (Redis 7.2+); profile 7.0 re-runs
    /// it on the one key that became ready (`cmd::pop_argv_for_key`), which is
    /// what 7.0.15 serves in place.
    Pop { type_name: String },
}

/// What a blocked XREAD waits for, fixed when it blocked.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct StreamWait {
    /// For each key (in `Block::keys` order), the id the entries must be greater
    /// than: `$` resolved to the stream's last id at block time.
    pub ids: Vec<(u64, u64)>,
    /// The COUNT used when served in place: the command's COUNT, or 1000
    /// (`XREAD_BLOCKED_DEFAULT_COUNT`) when it gave none or 0.
    pub count: usize,
}

/// A key the client WATCHes.
#[derive(Clone, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Watched {
    pub db: usize,
    pub key: Vec<u8>,
    /// The key existed but its time had passed when WATCH ran (Redis 7.0's
    /// `watchedKey.expired`): its deletion is then no change.
    pub expired: bool,
}

/// The client classes of `CLIENT LIST TYPE` and `CLIENT KILL TYPE`
/// (`getClientType`). The engine has no replication, so only `Normal` and
/// `PubSub` ever describe a connected client.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum ClientKind {
    Normal,
    Replica,
    PubSub,
    Master,
}

impl ClientKind {
    /// `getClientTypeByName`: case-insensitive, `slave` and `replica` alike.
    pub fn parse(name: &[u8]) -> Option<ClientKind> {
        let name = super::cmd::c_str(name);
        let is = |w: &str| name.eq_ignore_ascii_case(w.as_bytes());
        if is("normal") {
            Some(ClientKind::Normal)
        } else if is("slave") || is("replica") {
            Some(ClientKind::Replica)
        } else if is("pubsub") {
            Some(ClientKind::PubSub)
        } else if is("master") {
            Some(ClientKind::Master)
        } else {
            None
        }
    }
}

/// A client's last command's full name. An alias, so that the serde derive
/// does not see the `'static` (it would then demand `'de: 'static`); the
/// field's own (de)serialiser looks the name up in the command table.
pub(crate) type LastCommand = Option<&'static str>;

#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Client {
    pub id: ClientId,
    pub name: Option<Vec<u8>>,
    pub protocol: Protocol,
    pub db: usize,
    /// When the connection was opened (engine clock), for `age` and `MAXAGE`.
    pub created_ms: u64,
    /// When the client last sent a command, for `idle`.
    pub last_interaction_ms: u64,
    /// The full name of the last command looked up for this client (`client|list`), or
    /// `None` after an unknown command, as Redis's `c->lastcmd` (printed `NULL`).
    #[serde(
        serialize_with = "super::save::command_name::serialize",
        deserialize_with = "super::save::command_name::deserialize"
    )]
    pub last_cmd: LastCommand,
    /// The peer address `ip:port` (`CLIENT LIST addr=`, `CLIENT KILL ADDR`).
    pub addr: String,
    /// The local address the client connected to (`laddr=`, `CLIENT KILL LADDR`).
    pub laddr: String,
    /// A plausible file descriptor number for `fd=` (the engine has no sockets).
    pub fd: u32,
    pub block: Option<Block>,
    /// Commands queued since MULTI (`None` outside a transaction).
    pub multi: Option<Vec<Vec<Vec<u8>>>>,
    /// A command was rejected while queuing: EXEC answers EXECABORT.
    pub dirty_exec: bool,
    /// A watched key changed: EXEC answers a null array.
    pub dirty_cas: bool,
    pub watched: Vec<Watched>,
    /// EXEC is running this client's queued commands (blocking commands then
    /// answer at once, as if their timeout passed).
    pub in_exec: bool,
    /// Its channels, patterns and shard channels.
    pub subs: ClientSubs,
    /// Redis's CLIENT_PUBSUB flag: set by a subscribe command, cleared when an
    /// unsubscribe leaves it with no subscription (or by RESET). In RESP2 it
    /// restricts the commands the client may run.
    pub pubsub: bool,
    /// CLIENT REPLY's flags.
    pub reply: super::reply_mode::ReplyFlags,
    /// Its output buffer while its host does not read it (`Engine::set_reading`).
    pub obuf: Option<Box<super::output_buffer::OutputBuffer>>,
}

impl Client {
    pub fn new(id: ClientId, now_ms: u64, addr: String, laddr: String, fd: u32) -> Client {
        Client {
            id,
            name: None,
            protocol: Protocol::Resp2,
            db: 0,
            created_ms: now_ms,
            last_interaction_ms: now_ms,
            last_cmd: None,
            addr,
            laddr,
            fd,
            block: None,
            multi: None,
            dirty_exec: false,
            dirty_cas: false,
            watched: Vec::new(),
            in_exec: false,
            subs: ClientSubs::default(),
            pubsub: false,
            reply: Default::default(),
            obuf: None,
        }
    }

    /// The client's class: `PubSub` while Redis's CLIENT_PUBSUB flag is set.
    pub fn kind(&self) -> ClientKind {
        if self.pubsub {
            ClientKind::PubSub
        } else {
            ClientKind::Normal
        }
    }

    /// The `flags=` letters of `CLIENT LIST`, in Redis's order: `P` pub/sub,
    /// `x` in MULTI, `b` blocked, `d` a watched key changed; `N` when none is set.
    pub fn flags(&self) -> String {
        let mut flags = String::new();
        if self.kind() == ClientKind::PubSub {
            flags.push('P');
        }
        if self.multi.is_some() {
            flags.push('x');
        }
        if self.block.is_some() {
            flags.push('b');
        }
        if self.dirty_cas {
            flags.push('d');
        }
        if flags.is_empty() {
            flags.push('N');
        }
        flags
    }

    pub fn state(&self) -> ClientState {
        ClientState {
            id: self.id,
            name: self.name.clone(),
            protocol: self.protocol,
            db: self.db,
            blocked_on: self.block.as_ref().map(|b| b.keys.clone()),
            block_deadline_ms: self.block.as_ref().and_then(|b| b.deadline_ms),
            in_multi: self.multi.is_some(),
            subscriptions: self.subs.total(),
            subscribe_mode: self.pubsub && self.protocol == Protocol::Resp2,
        }
    }
}

/// A snapshot of a client for consoles and views.
#[derive(Clone, Debug, PartialEq)]
pub struct ClientState {
    pub id: ClientId,
    pub name: Option<Vec<u8>>,
    pub protocol: Protocol,
    pub db: usize,
    /// The keys it waits on, when blocked.
    pub blocked_on: Option<Vec<Vec<u8>>>,
    pub block_deadline_ms: Option<u64>,
    /// Between MULTI and EXEC/DISCARD.
    pub in_multi: bool,
    /// Channels, patterns and shard channels it is subscribed to.
    pub subscriptions: usize,
    /// RESP2 subscribe mode: only the (P|S)(UN)SUBSCRIBE family, PING, QUIT
    /// and RESET are allowed.
    pub subscribe_mode: bool,
}
