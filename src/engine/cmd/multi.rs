//! MULTI — starts a transaction: later commands are queued until EXEC or DISCARD.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

pub(super) fn multi(cx: &mut Cx) -> CmdResult {
    let c = cx.client_mut();
    if c.multi.is_some() {
        return Err(Error::Other("ERR MULTI calls can not be nested".into()));
    }
    c.multi = Some(Vec::new());
    Ok(Reply::ok().into())
}
