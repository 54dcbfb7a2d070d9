//! ZCOUNT key min max, ZLEXCOUNT key min max — members within a score or lex range. The range
//! is parsed before the key is looked up, as in Redis.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::zset::{LexRange, ScoreRange};
use crate::engine::Reply;

pub(super) fn zcount(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let range = ScoreRange::parse(&argv[2], &argv[3], cx.v8()).ok_or_else(not_float)?;
    let n = cx.read_zset(&argv[1])?.map_or(0, |z| {
        let (a, b) = z.score_span(&range);
        b - a
    });
    Ok(Reply::Integer(n as i64).into())
}

pub(super) fn zlexcount(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let range = LexRange::parse(&argv[2], &argv[3]).ok_or_else(not_lex)?;
    let n = cx.read_zset(&argv[1])?.map_or(0, |z| {
        let (a, b) = z.lex_span(&range, false);
        b - a
    });
    Ok(Reply::Integer(n as i64).into())
}

/// Redis's error for a bad score range.
pub(super) fn not_float() -> Error {
    Error::Other("ERR min or max is not a float".into())
}

/// Redis's error for a bad lex range.
pub(super) fn not_lex() -> Error {
    Error::Other("ERR min or max not valid string range item".into())
}
