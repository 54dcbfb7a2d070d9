//! UNSUBSCRIBE [channel [channel ...]]
//!
//! Answers only with frames: one `[unsubscribe, channel, count]` per argument,
//! also for a channel the client was not subscribed to (with its current
//! count). Without arguments, one frame per subscribed channel in subscription
//! order, or a single frame with a null channel when there is none. The client
//! leaves pub/sub mode when no subscription of any kind is left.

use super::{CmdResult, Cx, Flow};
use crate::engine::SubscriptionKind;

pub(super) fn unsubscribe(cx: &mut Cx) -> CmdResult {
    Ok(unsubscribe_each(cx, SubscriptionKind::Channel))
}

/// The frames of UNSUBSCRIBE, PUNSUBSCRIBE and SUNSUBSCRIBE.
pub(super) fn unsubscribe_each(cx: &mut Cx, kind: SubscriptionKind) -> Flow {
    let frames = if cx.argv.len() == 1 {
        cx.engine.unsubscribe_all(cx.client, kind, cx.out)
    } else {
        cx.argv[1..]
            .iter()
            .map(|name| cx.engine.unsubscribe(cx.client, kind, name, cx.out))
            .collect()
    };
    cx.engine.leave_pubsub_if_idle(cx.client);
    Flow::Frames(frames)
}
