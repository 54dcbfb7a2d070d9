//! PUNSUBSCRIBE [pattern [pattern ...]]
//!
//! As UNSUBSCRIBE, for patterns: one `[punsubscribe, pattern, count]` per
//! argument, or per subscribed pattern (in subscription order, as 7.0's list
//! keeps them), or one null-pattern frame when there is none.

use super::unsubscribe::unsubscribe_each;
use super::{CmdResult, Cx};
use crate::engine::SubscriptionKind;

pub(super) fn punsubscribe(cx: &mut Cx) -> CmdResult {
    Ok(unsubscribe_each(cx, SubscriptionKind::Pattern))
}
