//! STRLEN key — the length of the string in bytes, 0 for a missing key.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn strlen(cx: &mut Cx) -> CmdResult {
    let (argv, now) = (cx.argv, cx.now_ms);
    cx.count_read_lookup(&argv[1]);
    let len = match cx.db().get(&argv[1], now) {
        None => 0,
        Some(e) => e.value.string()?.len(),
    };
    Ok(Reply::Integer(len as i64).into())
}
