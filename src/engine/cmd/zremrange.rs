//! ZREMRANGEBYRANK key start stop, ZREMRANGEBYSCORE key min max, ZREMRANGEBYLEX key min max —
//! remove a range of members (the range is parsed before the key is looked up); an emptied
//! set's key is deleted.

use super::zcount::{not_float, not_lex};
use super::zhelpers::{arg_long, rank_span};
use super::{CmdResult, Cx};
use crate::engine::zset::{LexRange, ScoreRange, ZSet};
use crate::engine::Reply;

pub(super) fn zremrangebyrank(cx: &mut Cx) -> CmdResult {
    let (start, end) = (arg_long(&cx.argv[2], None)?, arg_long(&cx.argv[3], None)?);
    generic(cx, "zremrangebyrank", move |z| {
        rank_span(start, end, z.len()).unwrap_or((0, 0))
    })
}

pub(super) fn zremrangebyscore(cx: &mut Cx) -> CmdResult {
    let range = ScoreRange::parse(&cx.argv[2], &cx.argv[3], cx.v8()).ok_or_else(not_float)?;
    generic(cx, "zremrangebyscore", move |z| z.score_span(&range))
}

pub(super) fn zremrangebylex(cx: &mut Cx) -> CmdResult {
    let range = LexRange::parse(&cx.argv[2], &cx.argv[3]).ok_or_else(not_lex)?;
    generic(cx, "zremrangebylex", move |z| z.lex_span(&range, false))
}

fn generic(
    cx: &mut Cx,
    event: &'static str,
    span: impl FnOnce(&ZSet) -> (usize, usize),
) -> CmdResult {
    let key = &cx.argv[1];
    if !cx.write_zset_exists(key)? {
        return Ok(Reply::Integer(0).into());
    }
    let deleted = cx
        .modify_zset(key, |z| {
            let (a, b) = span(z);
            z.remove_range(a, b).len()
        })
        .unwrap_or(0) as i64;
    if deleted > 0 {
        cx.zset_changed(key, event, deleted);
    }
    Ok(Reply::Integer(deleted).into())
}
