//! LSET key index element — replace the element at an index; `no such key`
//! for a missing key, `index out of range` past either end.

use super::lists::err;
use super::{arg_i64, CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn lset(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    if cx.write_list_len(key)?.is_none() {
        return Err(err("no such key"));
    }
    let v8 = cx.v8();
    // Redis 7.2+ passes the index on as a C `int` (`listTypeReplaceAtIndex`),
    // so it wraps to its low 32 bits there.
    let index = arg_i64(&argv[2]).map(|i| if v8 { i64::from(i as i32) } else { i })?;
    if !cx
        .modify_list(key, |l| l.set(index, &argv[3], v8))
        .unwrap_or(false)
    {
        return Err(err("index out of range"));
    }
    cx.key_written(key);
    cx.notify(notify::LIST, "lset", key);
    Ok(Reply::ok().into())
}
