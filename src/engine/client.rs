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

#[derive(Clone, Debug)]
pub(crate) struct Client {
    pub id: ClientId,
    pub name: Option<Vec<u8>>,
    pub protocol: Protocol,
    pub db: usize,
    #[allow(dead_code)]
    pub created_ms: u64,
    pub block: Option<Block>,
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
}
