//! DECRBY key decrement — INCR by the negated decrement. The one decrement
//! that cannot be negated, -9223372036854775808, is refused before the key is
//! looked up.

use super::incr::incr_by;
use super::{arg_i64, CmdResult, Cx};
use crate::engine::error::Error;

pub(super) fn decrby(cx: &mut Cx) -> CmdResult {
    let delta = arg_i64(&cx.argv[2])?;
    let Some(negated) = delta.checked_neg() else {
        return Err(Error::Other("ERR decrement would overflow".into()));
    };
    incr_by(cx, negated)
}
