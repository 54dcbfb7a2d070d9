//! DECR key — INCR by -1.

use super::incr::incr_by;
use super::{CmdResult, Cx};

pub(super) fn decr(cx: &mut Cx) -> CmdResult {
    incr_by(cx, -1)
}
