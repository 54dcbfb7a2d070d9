//! SPUBLISH shardchannel message
//!
//! Sends `[smessage, shardchannel, message]` to the shard channel's
//! subscribers (patterns play no part) and answers how many got it.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn spublish(cx: &mut Cx) -> CmdResult {
    let receivers = cx.engine.spublish(&cx.argv[1], &cx.argv[2], cx.out);
    Ok(Reply::Integer(receivers as i64).into())
}
