//! MULTI — starts a transaction: later commands are queued until EXEC or DISCARD.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::{Event, Reply};

pub(super) fn multi(cx: &mut Cx) -> CmdResult {
    let c = cx.client_mut();
    if c.multi.is_some() {
        return Err(Error::Other("ERR MULTI calls can not be nested".into()));
    }
    c.multi = Some(Vec::new());
    cx.out
        .events
        .push(Event::ClientChanged { client: cx.client });
    Ok(Reply::ok().into())
}
