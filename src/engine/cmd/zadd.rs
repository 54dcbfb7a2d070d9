//! ZADD key [NX | XX] [GT | LT] [CH] [INCR] score member [score member ...]
//! ZINCRBY key increment member
//!
//! One handler, as Redis's `zaddGenericCommand`: options, then the pair count and the option
//! conflicts, then every score (nothing changes when one is bad), then the key. A NaN sum (INCR
//! of `inf` on `-inf`) stops the command with an error after the pairs before it were applied.

use super::zhelpers::score_reply;
use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::zset::{parse_score, ZSet, MAX_LISTPACK_ENTRIES, MAX_LISTPACK_VALUE};
use crate::engine::Reply;

#[derive(Clone, Copy, Default)]
struct Flags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
    incr: bool,
}

/// What `zsetAdd` did with one pair.
enum Added {
    Added(f64),
    Updated(f64),
    /// Nothing changed; the score it has (for INCR's reply when the score was equal).
    Same(f64),
    Nop,
    NaN,
}

/// `zsetAdd` for one pair.
fn zset_add(z: &mut ZSet, mut score: f64, member: &[u8], f: Flags) -> Added {
    match z.score(member) {
        Some(cur) => {
            if f.nx {
                return Added::Nop;
            }
            if f.incr {
                score += cur;
                if score.is_nan() {
                    return Added::NaN;
                }
            }
            if (f.lt && score >= cur) || (f.gt && score <= cur) {
                return Added::Nop;
            }
            // An equal score (0 and -0 included) leaves the member as it is.
            if score != cur {
                z.set_score(member, score);
                Added::Updated(score)
            } else {
                Added::Same(score)
            }
        }
        None if !f.xx => {
            z.add(score, member.to_vec());
            Added::Added(score)
        }
        None => Added::Nop,
    }
}

pub(super) fn zadd(cx: &mut Cx) -> CmdResult {
    generic(cx, Flags::default())
}

pub(super) fn zincrby(cx: &mut Cx) -> CmdResult {
    generic(
        cx,
        Flags {
            incr: true,
            ..Flags::default()
        },
    )
}

fn generic(cx: &mut Cx, mut f: Flags) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    let mut ch = false;
    let mut idx = 2;
    while idx < argv.len() {
        let a = &argv[idx];
        if is_kw(a, "nx") {
            f.nx = true;
        } else if is_kw(a, "xx") {
            f.xx = true;
        } else if is_kw(a, "ch") {
            ch = true;
        } else if is_kw(a, "incr") {
            f.incr = true;
        } else if is_kw(a, "gt") {
            f.gt = true;
        } else if is_kw(a, "lt") {
            f.lt = true;
        } else {
            break;
        }
        idx += 1;
    }
    let elements = argv.len() - idx;
    if elements % 2 == 1 || elements == 0 {
        return Err(Error::Syntax);
    }
    let elements = elements / 2;
    if f.nx && f.xx {
        return Err(Error::Other(
            "ERR XX and NX options at the same time are not compatible".into(),
        ));
    }
    if (f.gt && f.nx) || (f.lt && f.nx) || (f.gt && f.lt) {
        return Err(Error::Other(
            "ERR GT, LT, and/or NX options at the same time are not compatible".into(),
        ));
    }
    if f.incr && elements > 1 {
        return Err(Error::Other(
            "ERR INCR option supports a single increment-element pair".into(),
        ));
    }
    let pairs = &argv[idx..];
    let scores = pairs
        .chunks(2)
        .map(|p| parse_score(&p[0]).ok_or(Error::NotFloat))
        .collect::<Result<Vec<f64>, Error>>()?;

    let v8 = cx.v8();
    let no_change = |f: Flags| -> Reply {
        if f.incr {
            Reply::Null
        } else {
            Reply::Integer(0)
        }
    };
    if !cx.write_zset_exists(key)? {
        if f.xx {
            return Ok(no_change(f).into());
        }
        let mut z = ZSet::new();
        // 7.0 creates the skiplist at once when the first member is too long for a listpack;
        // 7.2+ (`zsetTypeCreate`) also when the command has more pairs than a listpack holds.
        if pairs[1].len() > MAX_LISTPACK_VALUE || (v8 && elements > MAX_LISTPACK_ENTRIES) {
            z.convert_to_skiplist();
        }
        cx.db()
            .set(key.to_vec(), Entry::new(Value::ZSet(Box::new(z)), None));
    } else if v8 && elements > MAX_LISTPACK_ENTRIES {
        // 7.2+'s `zsetTypeMaybeConvert`.
        cx.modify_zset(key, ZSet::convert_to_skiplist);
    }

    let (mut added, mut updated, mut processed) = (0i64, 0i64, 0i64);
    let mut last = 0.0;
    let mut nan = false;
    cx.modify_zset(key, |z| {
        for (pair, &score) in pairs.chunks(2).zip(&scores) {
            match zset_add(z, score, &pair[1], f) {
                Added::Added(s) => {
                    added += 1;
                    processed += 1;
                    last = s;
                }
                Added::Updated(s) => {
                    updated += 1;
                    processed += 1;
                    last = s;
                }
                Added::Same(s) => {
                    processed += 1;
                    last = s;
                }
                Added::Nop => {}
                Added::NaN => {
                    nan = true;
                    break;
                }
            }
        }
    });
    if added + updated > 0 {
        let event = if f.incr { "zincr" } else { "zadd" };
        cx.zset_changed(key, event, added + updated);
    }
    if nan {
        return Err(Error::Other(
            "ERR resulting score is not a number (NaN)".into(),
        ));
    }
    Ok(if f.incr {
        if processed > 0 {
            score_reply(last, v8)
        } else {
            Reply::Null
        }
    } else {
        Reply::Integer(if ch { added + updated } else { added })
    }
    .into())
}
