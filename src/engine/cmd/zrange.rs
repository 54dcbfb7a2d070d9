//! ZRANGE key start stop [BYSCORE | BYLEX] [REV] [LIMIT offset count] [WITHSCORES]
//! ZRANGESTORE dst src min max [BYSCORE | BYLEX] [REV] [LIMIT offset count]
//! ZREVRANGE key start stop [WITHSCORES]
//! ZRANGEBYSCORE key min max [WITHSCORES] [LIMIT offset count], ZREVRANGEBYSCORE key max min ...
//! ZRANGEBYLEX key min max [LIMIT offset count], ZREVRANGEBYLEX key max min [LIMIT offset count]
//!
//! All of them are Redis's `zrangeGenericCommand`: options (the ones the command name already
//! fixes are syntax errors), the conflicts (LIMIT with a rank range, WITHSCORES with BYLEX), the
//! range, then the key. A LIMIT's offset skips members from the first one in range; a negative
//! offset gives nothing and a negative count means all.

use super::zcount::{not_float, not_lex};
use super::zhelpers::{arg_long, members_reply, rank_span};
use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::zset::{LexRange, ScoreRange, ZSet, MAX_LISTPACK_ENTRIES};
use crate::engine::Reply;

#[derive(Clone, Copy, PartialEq)]
enum By {
    Auto,
    Rank,
    Score,
    Lex,
}

#[derive(Clone, Copy, PartialEq)]
enum Dir {
    Auto,
    Forward,
    Reverse,
}

pub(super) fn zrange(cx: &mut Cx) -> CmdResult {
    generic(cx, 1, false, By::Auto, Dir::Auto)
}

pub(super) fn zrangestore(cx: &mut Cx) -> CmdResult {
    generic(cx, 2, true, By::Auto, Dir::Auto)
}

pub(super) fn zrevrange(cx: &mut Cx) -> CmdResult {
    generic(cx, 1, false, By::Rank, Dir::Reverse)
}

pub(super) fn zrangebyscore(cx: &mut Cx) -> CmdResult {
    generic(cx, 1, false, By::Score, Dir::Forward)
}

pub(super) fn zrevrangebyscore(cx: &mut Cx) -> CmdResult {
    generic(cx, 1, false, By::Score, Dir::Reverse)
}

pub(super) fn zrangebylex(cx: &mut Cx) -> CmdResult {
    generic(cx, 1, false, By::Lex, Dir::Forward)
}

pub(super) fn zrevrangebylex(cx: &mut Cx) -> CmdResult {
    generic(cx, 1, false, By::Lex, Dir::Reverse)
}

/// A parsed range.
enum Range {
    Rank(i64, i64),
    Score(ScoreRange),
    Lex(LexRange),
}

/// The index span `start..end` a range selects (emitted backwards when `reverse`).
fn select(z: &ZSet, range: &Range, reverse: bool, offset: i64, limit: i64) -> (usize, usize) {
    let (a, b) = match range {
        Range::Rank(start, end) => {
            let Some((s, e)) = rank_span(*start, *end, z.len()) else {
                return (0, 0);
            };
            // A reverse rank range counts from the end.
            return if reverse {
                (z.len() - e, z.len() - s)
            } else {
                (s, e)
            };
        }
        Range::Score(r) => {
            if offset > 0 && offset as u64 >= z.len() as u64 {
                return (0, 0);
            }
            z.score_span(r)
        }
        Range::Lex(r) => z.lex_span(r, reverse),
    };
    if offset < 0 || a >= b {
        return (0, 0);
    }
    let limit = if limit < 0 { u64::MAX } else { limit as u64 };
    let n = ((b - a) as u64).saturating_sub(offset as u64).min(limit) as usize;
    let offset = (offset as u64).min((b - a) as u64) as usize;
    if reverse {
        (b - offset - n, b - offset)
    } else {
        (a + offset, a + offset + n)
    }
}

/// The entries of a span in emission order.
fn entries(
    z: &ZSet,
    (a, b): (usize, usize),
    reverse: bool,
) -> Box<dyn Iterator<Item = (f64, &[u8])> + '_> {
    if reverse {
        Box::new(z.range(a, b).rev())
    } else {
        Box::new(z.range(a, b))
    }
}

fn generic(cx: &mut Cx, start: usize, store: bool, mut by: By, mut dir: Dir) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[start];
    let mut withscores = false;
    let mut offset: i64 = 0;
    let mut limit: i64 = -1;
    let mut j = start + 3;
    while j < argv.len() {
        let left = argv.len() - j - 1;
        let a = &argv[j];
        if !store && is_kw(a, "withscores") {
            withscores = true;
        } else if is_kw(a, "limit") && left >= 2 {
            offset = arg_long(&argv[j + 1], None)?;
            limit = arg_long(&argv[j + 2], None)?;
            j += 2;
        } else if dir == Dir::Auto && is_kw(a, "rev") {
            dir = Dir::Reverse;
        } else if by == By::Auto && is_kw(a, "bylex") {
            by = By::Lex;
        } else if by == By::Auto && is_kw(a, "byscore") {
            by = By::Score;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let reverse = dir == Dir::Reverse;
    if by == By::Auto {
        by = By::Rank;
    }
    if limit != -1 && by == By::Rank {
        return Err(Error::Other(
            "ERR syntax error, LIMIT is only supported in combination with either BYSCORE or BYLEX"
                .into(),
        ));
    }
    if withscores && by == By::Lex {
        return Err(Error::Other(
            "ERR syntax error, WITHSCORES not supported in combination with BYLEX".into(),
        ));
    }
    // A reverse score or lex range is given as max, min.
    let (lo, hi) = if reverse && by != By::Rank {
        (&argv[start + 2], &argv[start + 1])
    } else {
        (&argv[start + 1], &argv[start + 2])
    };
    let range = match by {
        By::Score => Range::Score(ScoreRange::parse(lo, hi, cx.v8()).ok_or_else(not_float)?),
        By::Lex => Range::Lex(LexRange::parse(lo, hi).ok_or_else(not_lex)?),
        _ => Range::Rank(arg_long(lo, None)?, arg_long(hi, None)?),
    };

    let (v8, resp3) = (cx.v8(), cx.resp3());
    let Some(z) = cx.read_zset(key)? else {
        if store {
            return Ok(cx.store_zset(&argv[1], ZSet::new(), "zrangestore").into());
        }
        return Ok(Reply::Array(Vec::new()).into());
    };
    let span = select(z, &range, reverse, offset, limit);
    if !store {
        return Ok(members_reply(entries(z, span, reverse), withscores, resp3, v8).into());
    }
    // As Redis's `zrangeResultBeginStore`: a listpack unless a rank range is known to be too
    // long, then each member added as ZADD adds it (a listpack turns -0 into 0 and converts
    // when a member is too long, so members added before a conversion keep that 0).
    let mut result = match range {
        Range::Rank(..) if span.1 - span.0 > MAX_LISTPACK_ENTRIES => ZSet::new_skiplist(),
        _ => ZSet::new(),
    };
    for (s, m) in entries(z, span, reverse) {
        result.add(s, m.to_vec());
    }
    Ok(cx.store_zset(&argv[1], result, "zrangestore").into())
}
