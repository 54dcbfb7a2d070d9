//! LREM key count element — remove elements equal to `element`: the first
//! `count` from the head, the last `-count` from the tail, or all for 0;
//! answers how many went.

use super::lists::removed;
use super::{arg_i64, CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn lrem(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let count = arg_i64(&argv[2])?;
    let key = &argv[1];
    if cx.write_list_len(key)?.is_none() {
        return Ok(Reply::Integer(0).into());
    }
    let dirty = cx.dirty_now();
    let n = cx
        .modify_list(key, |l| l.remove(count, &argv[3]))
        .unwrap_or(0);
    if n > 0 {
        cx.notify(notify::LIST, "lrem", key);
        removed(cx, key);
        cx.set_dirty(dirty, n);
    }
    Ok(Reply::Integer(n as i64).into())
}
