//! EXISTS key [key ...] — a key named twice is counted twice.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn exists(cx: &mut Cx) -> CmdResult {
    let now = cx.now_ms;
    let argv = cx.argv;
    let n = argv[1..]
        .iter()
        .filter(|k| {
            cx.count_read_lookup(k);
            cx.db().contains(k, now)
        })
        .count();
    Ok(Reply::Integer(n as i64).into())
}
