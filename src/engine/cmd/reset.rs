//! RESET — back to a fresh connection: no MULTI or WATCH, no subscriptions
//! (dropped without confirmation frames), db 0, RESP2, no name. Answers `+RESET`.

use super::{CmdResult, Cx};
use crate::engine::{Protocol, Reply};

pub(super) fn reset(cx: &mut Cx) -> CmdResult {
    cx.engine.discard_transaction(cx.client);
    cx.engine.drop_subscriptions(cx.client, cx.out);
    let c = cx.client_mut();
    c.db = 0;
    c.protocol = Protocol::Resp2;
    c.name = None;
    // `clearClientConnectionState` clears CLIENT REPLY OFF and a pending SKIP (not a
    // SKIP already in force, which drops this reply).
    c.reply.off = false;
    c.reply.skip_next = false;
    Ok(Reply::simple("RESET").into())
}
