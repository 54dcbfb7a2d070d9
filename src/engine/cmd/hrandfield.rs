//! HRANDFIELD key [count [WITHVALUES]]
//!
//! Picks come from the engine's seeded generator, so they replay identically but are
//! not Redis's picks. The cases follow `hrandfieldWithCountCommand`: a negative count
//! (or 1) picks that many times with repetition; a count at least the hash's size answers
//! the whole hash in order; otherwise distinct fields, in the hash's order (as Redis
//! answers for a listpack). With WITHVALUES, RESP3 gets `[field, value]` pairs, RESP2 a
//! flat array.

use super::{arg_i64, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::members::{random_distinct, random_index};
use crate::engine::Reply;

/// `getRangeLongFromObjectOrReply(-LONG_MAX, LONG_MAX)`, shared with SRANDMEMBER.
pub(super) fn random_count(arg: &[u8]) -> Result<i64, Error> {
    let n = arg_i64(arg)?;
    if n == i64::MIN {
        return Err(Error::Other(format!(
            "ERR value is out of range, value must between {} and {}",
            -i64::MAX,
            i64::MAX
        )));
    }
    Ok(n)
}

/// The most picks with repetition the engine answers. Redis starts writing any number
/// (a count of -2^63+1 makes it write until memory runs out); the engine refuses more.
const MAX_REPEATED_PICKS: u64 = 1_000_000;

/// Which positions a count-taking random read answers (SRANDMEMBER and HRANDFIELD
/// share Redis's case split), given a non-zero count and the size.
pub(super) fn pick_positions(cx: &mut Cx, count: i64, size: usize) -> Result<Vec<usize>, Error> {
    let n = count.unsigned_abs();
    let rng = &mut cx.engine.rng;
    Ok(if count < 0 || n == 1 {
        if n > MAX_REPEATED_PICKS {
            return Err(Error::Other(format!(
                "ERR count is too large: at most {MAX_REPEATED_PICKS} picks with repetition"
            )));
        }
        (0..n).map(|_| random_index(rng, size)).collect()
    } else if n >= size as u64 {
        (0..size).collect()
    } else {
        random_distinct(rng, size, n as usize)
    })
}

pub(super) fn hrandfield(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    let Some(count_arg) = argv.get(2) else {
        let Some(size) = cx.read_hash(key)?.map(|h| h.len()) else {
            return Ok(Reply::Null.into());
        };
        let i = random_index(&mut cx.engine.rng, size);
        let field = cx
            .peek_hash(key)
            .and_then(|h| h.nth(i))
            .map(|(f, _)| f.to_vec())
            .unwrap_or_default();
        return Ok(Reply::Bulk(field).into());
    };
    let count = random_count(count_arg)?;
    if argv.len() > 4 || (argv.len() == 4 && !is_kw(&argv[3], "withvalues")) {
        return Err(Error::Syntax);
    }
    let with_values = argv.len() == 4;
    if with_values && !(-(i64::MAX / 2)..=i64::MAX / 2).contains(&count) {
        return Err(Error::Other("ERR value is out of range".into()));
    }
    let Some(size) = cx.read_hash(key)?.map(|h| h.len()) else {
        return Ok(Reply::Array(vec![]).into());
    };
    if count == 0 {
        return Ok(Reply::Array(vec![]).into());
    }
    let positions = pick_positions(cx, count, size)?;
    let resp3 = cx.resp3();
    let pairs = cx.peek_hash(key).map(|h| h.pairs()).unwrap_or_default();
    let mut items = Vec::new();
    for i in positions {
        let (f, v) = pairs[i];
        let (f, v) = (Reply::Bulk(f.to_vec()), Reply::Bulk(v.to_vec()));
        match (with_values, resp3) {
            (false, _) => items.push(f),
            (true, true) => items.push(Reply::Array(vec![f, v])),
            (true, false) => items.extend([f, v]),
        }
    }
    Ok(Reply::Array(items).into())
}
