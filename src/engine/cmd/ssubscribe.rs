//! SSUBSCRIBE shardchannel [shardchannel ...]
//!
//! Answers only with frames: one `[ssubscribe, shardchannel, count]` per
//! argument, where the count is the client's shard channels alone. Inside a
//! transaction the client is DENY BLOCKING, which SSUBSCRIBE refuses (unlike
//! SUBSCRIBE and PSUBSCRIBE, which make an exception for MULTI).

use super::subscribe::subscribe_each;
use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::SubscriptionKind;

pub(super) fn ssubscribe(cx: &mut Cx) -> CmdResult {
    if cx.engine.clients.get(&cx.client).is_some_and(|c| c.in_exec) {
        return Err(Error::Other(
            "ERR SSUBSCRIBE isn't allowed for a DENY BLOCKING client".into(),
        ));
    }
    Ok(subscribe_each(cx, SubscriptionKind::Shard))
}
