//! SUNSUBSCRIBE [shardchannel [shardchannel ...]]
//!
//! As UNSUBSCRIBE, for shard channels; the count is the client's shard
//! channels alone.

use super::unsubscribe::unsubscribe_each;
use super::{CmdResult, Cx};
use crate::engine::SubscriptionKind;

pub(super) fn sunsubscribe(cx: &mut Cx) -> CmdResult {
    Ok(unsubscribe_each(cx, SubscriptionKind::Shard))
}
