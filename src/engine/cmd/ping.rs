//! PING [message]
//!
//! A RESP2 client in pub/sub mode gets `[pong, message]` (an empty message
//! without one) instead, so that it can tell the answer from a message.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::{Protocol, Reply};

pub(super) fn ping(cx: &mut Cx) -> CmdResult {
    // The table's arity is -1; Redis checks "zero or one argument" itself.
    if cx.argv.len() > 2 {
        return Err(Error::WrongArity("ping".into()));
    }
    let c = cx.client_mut();
    if c.pubsub && c.protocol == Protocol::Resp2 {
        let msg = cx.argv.get(1).cloned().unwrap_or_default();
        return Ok(Reply::Array(vec![Reply::bulk("pong"), Reply::Bulk(msg)]).into());
    }
    Ok(match cx.argv.get(1) {
        None => Reply::simple("PONG"),
        Some(msg) => Reply::Bulk(msg.clone()),
    }
    .into())
}
