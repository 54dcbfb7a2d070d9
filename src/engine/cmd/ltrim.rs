//! LTRIM key start stop — keep only the elements from start to stop (the
//! LRANGE rules); an emptied list is deleted. Answers OK, also for a missing key.

use super::lists::removed;
use super::{arg_i64, CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn ltrim(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let start = arg_i64(&argv[2])?;
    let stop = arg_i64(&argv[3])?;
    let key = &argv[1];
    if cx.write_list_len(key)?.is_none() {
        return Ok(Reply::ok().into());
    }
    let dirty = cx.dirty_now();
    let n = cx.modify_list(key, |l| l.trim(start, stop)).unwrap_or(0);
    cx.notify(notify::LIST, "ltrim", key);
    removed(cx, key);
    cx.set_dirty(dirty, n);
    Ok(Reply::ok().into())
}
