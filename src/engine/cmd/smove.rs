//! SMOVE source destination member — 1 when the member moved (or, for the same key,
//! is there), else 0.
//!
//! `smoveCommand`: both keys are looked up for writing; a missing source answers 0
//! before any type check; then either key of another type is WRONGTYPE. The source
//! loses the member (`srem`, and `del` when emptied), the destination is made when
//! missing (`new`) and gains it (`sadd`, only when it was not there already).

use super::{CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn smove(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (src, dst, member) = (&argv[1], &argv[2], &argv[3]);
    let now = cx.now_ms;
    // Both lookups come first (each may expire its key).
    let src_found = cx.db().contains(src, now);
    let dst_found = cx.db().contains(dst, now);
    if !src_found {
        return Ok(Reply::Integer(0).into());
    }
    let is_member = cx.peek_set(src)?.is_some_and(|s| s.contains(member));
    if dst_found {
        cx.peek_set(dst)?;
    }
    if src == dst {
        return Ok(Reply::Integer(is_member.into()).into());
    }
    if !is_member {
        return Ok(Reply::Integer(0).into());
    }
    cx.modify_set(src, |s| s.remove(member));
    cx.notify(notify::SET, "srem", src);
    cx.finish_write(src, 1);
    if !dst_found {
        cx.create_set(dst, member, 1);
    }
    let v8 = cx.v8();
    if cx.modify_set(dst, |s| s.add(member, v8)) == Some(true) {
        cx.notify(notify::SET, "sadd", dst);
        cx.finish_write(dst, 1);
    }
    Ok(Reply::Integer(1).into())
}
