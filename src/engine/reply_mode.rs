//! CLIENT REPLY ON|OFF|SKIP: a client's reply flags (Redis's `CLIENT_REPLY_OFF`,
//! `CLIENT_REPLY_SKIP` and `CLIENT_REPLY_SKIP_NEXT`) and where they take effect, once a call
//! into the engine has produced its outcome: a silenced client's replies (its command's, or
//! the late reply of a command that blocked) are dropped, its pushes (Pub/Sub messages,
//! subscribe confirmations, keyspace notifications) still go out in RESP2 and RESP3, as
//! `prepareClientToWrite` lets a frame through while `CLIENT_PUSHING` is set.

use super::{ClientId, DeliveryKind, Engine, Outcome};

/// A client's CLIENT REPLY state.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct ReplyFlags {
    /// CLIENT REPLY OFF: no reply until CLIENT REPLY ON (or RESET).
    pub off: bool,
    /// The running command's reply is dropped (the command before it was CLIENT REPLY SKIP).
    pub skip: bool,
    /// CLIENT REPLY SKIP ran: the next command's reply is dropped.
    pub skip_next: bool,
}

impl ReplyFlags {
    fn silenced(self) -> bool {
        self.off || self.skip
    }

    /// `resetClient` after a command finished (for a blocked one, once it is unblocked): the
    /// skip ends, and a SKIP just run silences the next command.
    fn command_done(&mut self) {
        self.skip = std::mem::take(&mut self.skip_next);
    }
}

impl Engine {
    /// Applies the reply flags to what a call produced: late replies to clients that were
    /// unblocked, then, when `caller`'s command finished (it did not block), its own reply.
    /// A client whose late reply was dropped is listed in `Outcome::silenced` (it was
    /// unblocked all the same). Errors were counted before this, as Redis counts an error
    /// reply that is not written.
    pub(super) fn apply_reply_flags(&mut self, caller: Option<ClientId>, out: &mut Outcome) {
        let mut caller_done = false;
        let mut i = 0;
        while i < out.deliveries.len() {
            let d = &out.deliveries[i];
            if d.kind == DeliveryKind::Reply {
                let id = d.client;
                caller_done |= Some(id) == caller;
                if let Some(c) = self.clients.get_mut(&id) {
                    let silenced = c.reply.silenced();
                    c.reply.command_done();
                    if silenced {
                        out.deliveries.remove(i);
                        if i < out.reply_at {
                            out.reply_at -= 1;
                        }
                        out.silenced.push(id);
                        continue;
                    }
                }
            }
            i += 1;
        }
        let Some(id) = caller else { return };
        if caller_done || self.is_blocked(id) {
            return;
        }
        if let Some(c) = self.clients.get_mut(&id) {
            if c.reply.silenced() {
                out.reply = None;
            }
            c.reply.command_done();
        }
    }
}
