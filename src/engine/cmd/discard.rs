//! DISCARD — drops the queued commands and the watched keys.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

pub(super) fn discard(cx: &mut Cx) -> CmdResult {
    if cx.client_mut().multi.is_none() {
        return Err(Error::Other("ERR DISCARD without MULTI".into()));
    }
    cx.engine.discard_transaction(cx.client);
    Ok(Reply::ok().into())
}
