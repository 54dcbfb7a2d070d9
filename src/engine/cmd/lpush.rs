//! LPUSH / RPUSH key element [element ...] and LPUSHX / RPUSHX — push elements
//! one by one at the head or tail (creating the list; the X forms only push to
//! an existing list) and answer the new length.

use super::lists::{push, End};
use super::{CmdResult, Cx};
use crate::engine::Reply;

fn push_generic(cx: &mut Cx, end: End, only_existing: bool) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    let exists = cx.write_list_len(key)?.is_some();
    if !exists && only_existing {
        return Ok(Reply::Integer(0).into());
    }
    let dirty = cx.dirty_now();
    let len = push(cx, key, end, &argv[2..]);
    cx.set_dirty(dirty, argv.len() - 2);
    Ok(Reply::Integer(len as i64).into())
}

pub(super) fn lpush(cx: &mut Cx) -> CmdResult {
    push_generic(cx, End::Left, false)
}

pub(super) fn rpush(cx: &mut Cx) -> CmdResult {
    push_generic(cx, End::Right, false)
}

pub(super) fn lpushx(cx: &mut Cx) -> CmdResult {
    push_generic(cx, End::Left, true)
}

pub(super) fn rpushx(cx: &mut Cx) -> CmdResult {
    push_generic(cx, End::Right, true)
}
