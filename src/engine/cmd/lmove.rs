//! LMOVE source destination LEFT|RIGHT LEFT|RIGHT, RPOPLPUSH source
//! destination, and their blocking forms BLMOVE (… timeout) and BRPOPLPUSH
//! source destination timeout — pop an element from one end of the source,
//! push it at an end of the destination (the same list rotates), answer it.
//! A missing source answers a null; the blocking forms block on the source
//! (inside MULTI they answer a null at once, but a timeout a null array).

use super::lists::{block_pop, move_one, parse_end, parse_timeout_secs, End};
use super::{CmdResult, Cx};
use crate::engine::Reply;

fn lmove_generic(cx: &mut Cx, from: End, to: End) -> CmdResult {
    let (src, dst) = (&cx.argv[1], &cx.argv[2]);
    if cx.write_list_len(src)?.is_none() {
        return Ok(Reply::Null.into());
    }
    move_one(cx, src, dst, from, to)
}

fn blmove_generic(cx: &mut Cx, from: End, to: End, timeout: u64) -> CmdResult {
    let src = &cx.argv[1];
    if cx.write_list_len(src)?.is_some() {
        return lmove_generic(cx, from, to);
    }
    if cx.in_exec() {
        return Ok(Reply::Null.into());
    }
    block_pop(std::slice::from_ref(src), timeout, "list")
}

pub(super) fn lmove(cx: &mut Cx) -> CmdResult {
    let from = parse_end(&cx.argv[3])?;
    let to = parse_end(&cx.argv[4])?;
    lmove_generic(cx, from, to)
}

pub(super) fn rpoplpush(cx: &mut Cx) -> CmdResult {
    lmove_generic(cx, End::Right, End::Left)
}

pub(super) fn blmove(cx: &mut Cx) -> CmdResult {
    let from = parse_end(&cx.argv[3])?;
    let to = parse_end(&cx.argv[4])?;
    let timeout = parse_timeout_secs(&cx.argv[5], cx.v8(), cx.now_ms)?;
    blmove_generic(cx, from, to, timeout)
}

pub(super) fn brpoplpush(cx: &mut Cx) -> CmdResult {
    let timeout = parse_timeout_secs(&cx.argv[3], cx.v8(), cx.now_ms)?;
    blmove_generic(cx, End::Right, End::Left, timeout)
}
