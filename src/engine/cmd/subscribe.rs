//! SUBSCRIBE channel [channel ...]
//!
//! Answers only with frames: one `[subscribe, channel, count]` confirmation per
//! argument (duplicates included; the count is channels plus patterns). The
//! client enters pub/sub mode, which in RESP2 restricts what it may run.

use super::{CmdResult, Cx, Flow};
use crate::engine::SubscriptionKind;

pub(super) fn subscribe(cx: &mut Cx) -> CmdResult {
    // Only scripts and modules are DENY BLOCKING outside MULTI; a transaction
    // may subscribe (Redis keeps that for backward compatibility).
    Ok(subscribe_each(cx, SubscriptionKind::Channel))
}

/// One confirmation frame per argument, in order.
pub(super) fn subscribe_each(cx: &mut Cx, kind: SubscriptionKind) -> Flow {
    let frames = cx.argv[1..]
        .iter()
        .map(|name| cx.engine.subscribe(cx.client, kind, name, cx.out))
        .collect();
    Flow::Frames(frames)
}
