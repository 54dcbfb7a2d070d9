//! INCRBY key increment — INCR by a strict int64 increment.

use super::incr::incr_by;
use super::{arg_i64, CmdResult, Cx};

pub(super) fn incrby(cx: &mut Cx) -> CmdResult {
    // The increment is parsed before the key is looked up.
    let delta = arg_i64(&cx.argv[2])?;
    incr_by(cx, delta)
}
