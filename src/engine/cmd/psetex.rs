//! PSETEX key milliseconds value — SETEX with the time in milliseconds.

use super::set::Expiry;
use super::setex::set_with_expiry;
use super::{CmdResult, Cx};

pub(super) fn psetex(cx: &mut Cx) -> CmdResult {
    set_with_expiry(cx, Expiry::Px)
}
