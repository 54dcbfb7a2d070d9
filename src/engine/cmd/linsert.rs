//! LINSERT key BEFORE|AFTER pivot element — insert next to the first element
//! equal to the pivot; answers the new length, -1 without a pivot, 0 for a
//! missing key.

use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn linsert(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let before = if is_kw(&argv[2], "after") {
        false
    } else if is_kw(&argv[2], "before") {
        true
    } else {
        return Err(Error::Syntax);
    };
    let key = &argv[1];
    if cx.write_list_len(key)?.is_none() {
        return Ok(Reply::Integer(0).into());
    }
    let inserted = cx
        .modify_list(key, |l| {
            l.insert(&argv[3], &argv[4], before).then(|| l.len())
        })
        .flatten();
    let Some(len) = inserted else {
        return Ok(Reply::Integer(-1).into());
    };
    cx.key_written(key);
    cx.notify(notify::LIST, "linsert", key);
    Ok(Reply::Integer(len as i64).into())
}
