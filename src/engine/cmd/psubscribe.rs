//! PSUBSCRIBE pattern [pattern ...]
//!
//! Answers only with frames: one `[psubscribe, pattern, count]` confirmation
//! per argument (the count is channels plus patterns). Patterns are Redis
//! globs (`glob::stringmatch`), matched against every published channel.

use super::subscribe::subscribe_each;
use super::{CmdResult, Cx};
use crate::engine::SubscriptionKind;

pub(super) fn psubscribe(cx: &mut Cx) -> CmdResult {
    Ok(subscribe_each(cx, SubscriptionKind::Pattern))
}
