//! What one call into the engine produces (`Outcome`): the caller's reply, frames for clients
//! (`Delivery`, a push or a blocked client's late reply) and events.

use super::{ClientId, Event, EventKind, Reply};

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
    /// What changed, in order, stamped when the call returns.
    pub events: Vec<Event>,
    /// The caller asked to close its connection (QUIT, or CLIENT KILL of itself):
    /// write the reply, then close.
    pub close: bool,
    /// Other clients this command disconnected (CLIENT KILL). The engine has already
    /// dropped them; the host closes their connections without writing anything more.
    pub killed: Vec<ClientId>,
    /// Clients unblocked by this call whose late reply CLIENT REPLY OFF or SKIP dropped: a
    /// host that waits for a client's late reply before reading its next request goes on.
    pub silenced: Vec<ClientId>,
}

impl Outcome {
    /// Records an event; the engine stamps its sequence number, time and
    /// client when the call returns.
    pub(crate) fn push_event(&mut self, kind: EventKind) {
        self.events.push(Event::unstamped(kind));
    }

    /// The kinds of the events, in order (what tests and simple views compare).
    pub fn event_kinds(&self) -> Vec<EventKind> {
        self.events.iter().map(|e| e.kind.clone()).collect()
    }
}
