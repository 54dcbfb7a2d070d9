//! RESET — back to a fresh connection: db 0, RESP2, no name (and, when they
//! exist, no MULTI, subscriptions or tracking). Answers `+RESET`.

use super::{CmdResult, Cx};
use crate::engine::{Event, Protocol, Reply};

pub(super) fn reset(cx: &mut Cx) -> CmdResult {
    cx.engine.discard_transaction(cx.client);
    let c = cx.client_mut();
    c.db = 0;
    c.protocol = Protocol::Resp2;
    c.name = None;
    cx.out
        .events
        .push(Event::ClientChanged { client: cx.client });
    Ok(Reply::simple("RESET").into())
}
