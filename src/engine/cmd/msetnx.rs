//! MSETNX key value [key value ...] — MSET only when none of the keys exists:
//! 1 when all were set, 0 (and nothing set) otherwise.

use super::mset::{check_pairs, set_pairs};
use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn msetnx(cx: &mut Cx) -> CmdResult {
    check_pairs(cx)?;
    let now = cx.now_ms;
    let argv = cx.argv;
    for key in argv[1..].iter().step_by(2) {
        if cx.db().contains(key, now) {
            return Ok(Reply::Integer(0).into());
        }
    }
    set_pairs(cx);
    Ok(Reply::Integer(1).into())
}
