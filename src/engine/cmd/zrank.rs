//! ZRANK key member [WITHSCORE], ZREVRANK key member [WITHSCORE] — a member's 0-based rank
//! (nil when missing). WITHSCORE (an array of rank and score, a nil array when missing) is
//! 7.2+, so profile 8 only.

use super::zhelpers::score_reply;
use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

pub(super) fn zrank(cx: &mut Cx) -> CmdResult {
    generic(cx, false)
}

pub(super) fn zrevrank(cx: &mut Cx) -> CmdResult {
    generic(cx, true)
}

fn generic(cx: &mut Cx, reverse: bool) -> CmdResult {
    let argv = cx.argv;
    let v8 = cx.v8();
    if argv.len() > 4 || (argv.len() == 4 && !v8) {
        return Err(Error::WrongArity(cx.spec.fullname.to_string()));
    }
    let withscore = match argv.get(3) {
        Some(a) if is_kw(a, "withscore") => true,
        Some(_) => return Err(Error::Syntax),
        None => false,
    };
    let missing = if withscore {
        Reply::NullArray
    } else {
        Reply::Null
    };
    let Some(z) = cx.read_zset(&argv[1])? else {
        return Ok(missing.into());
    };
    let found = z.rank(&argv[2]).map(|r| {
        let r = if reverse { z.len() - 1 - r } else { r };
        (r as i64, z.score(&argv[2]).unwrap_or(0.0))
    });
    Ok(match found {
        None => missing,
        Some((r, _)) if !withscore => Reply::Integer(r),
        Some((r, s)) => Reply::Array(vec![Reply::Integer(r), score_reply(s, v8)]),
    }
    .into())
}
