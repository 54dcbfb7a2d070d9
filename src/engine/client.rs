//! A client connection's state inside the engine.

use super::{ClientId, Protocol, Reply};

/// What a client is waiting for while blocked.
#[derive(Clone, Debug)]
pub(crate) struct Block {
    pub db: usize,
    pub keys: Vec<Vec<u8>>,
    /// `None` blocks forever (timeout 0).
    pub deadline_ms: Option<u64>,
    /// The command, re-run when one of `keys` is written.
    pub argv: Vec<Vec<u8>>,
    /// What the client gets when the timeout passes.
    pub timeout_reply: Reply,
}

/// A key the client WATCHes.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Watched {
    pub db: usize,
    pub key: Vec<u8>,
    /// The key existed but its time had passed when WATCH ran (Redis 7.0's
    /// `watchedKey.expired`): its deletion is then no change.
    pub expired: bool,
}

#[derive(Clone, Debug)]
pub(crate) struct Client {
    pub id: ClientId,
    pub name: Option<Vec<u8>>,
    pub protocol: Protocol,
    pub db: usize,
    #[allow(dead_code)]
    pub created_ms: u64,
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
}

impl Client {
    pub fn new(id: ClientId, now_ms: u64) -> Client {
        Client {
            id,
            name: None,
            protocol: Protocol::Resp2,
            db: 0,
            created_ms: now_ms,
            block: None,
            multi: None,
            dirty_exec: false,
            dirty_cas: false,
            watched: Vec::new(),
            in_exec: false,
        }
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
}
