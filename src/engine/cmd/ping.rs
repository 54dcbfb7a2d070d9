//! PING [message]

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

pub(super) fn ping(cx: &mut Cx) -> CmdResult {
    // The table's arity is -1; Redis checks "zero or one argument" itself.
    if cx.argv.len() > 2 {
        return Err(Error::WrongArity("ping".into()));
    }
    Ok(match cx.argv.get(1) {
        None => Reply::simple("PONG"),
        Some(msg) => Reply::Bulk(msg.clone()),
    }
    .into())
}
