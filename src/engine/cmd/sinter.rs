//! SINTER key [key ...], SINTERSTORE destination key [key ...] and
//! SINTERCARD numkeys key [key ...] [LIMIT limit].
//!
//! `sinterGenericCommand`: every key is looked up and type-checked (WRONGTYPE wins over
//! an earlier missing key); a missing key makes the result empty at once. Otherwise the
//! smallest set is walked in its order and each member checked in the others; SINTER
//! answers in that order, SINTERSTORE builds the result from a new intset (Redis's
//! encodings), SINTERCARD counts, stopping at LIMIT (0: no limit).

use super::sets::{bulks, read_sets};
use super::{arg_i64_or, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::set::Set;
use crate::engine::Reply;

/// The members of the intersection, at most `limit` of them (0: all).
fn intersect(sets: &[Option<Set>], limit: usize) -> Vec<Vec<u8>> {
    let Some(sets) = sets
        .iter()
        .map(Option::as_ref)
        .collect::<Option<Vec<&Set>>>()
    else {
        return Vec::new();
    };
    // Redis sorts the sets by size and walks the smallest (here the first of equal ones).
    let Some(smallest) = sets.iter().min_by_key(|s| s.len()) else {
        return Vec::new();
    };
    let mut out = Vec::new();
    for m in smallest.members() {
        if sets.iter().all(|s| s.contains(&m)) {
            out.push(m);
            if out.len() == limit {
                break;
            }
        }
    }
    out
}

pub(super) fn sinter(cx: &mut Cx) -> CmdResult {
    let sets = read_sets(cx, &cx.argv[1..])?;
    Ok(Reply::Set(bulks(intersect(&sets, 0))).into())
}

pub(super) fn sinterstore(cx: &mut Cx) -> CmdResult {
    let sets = read_sets(cx, &cx.argv[2..])?;
    let v8 = cx.v8();
    let mut out = Set::default();
    for m in intersect(&sets, 0) {
        out.add(&m, v8);
    }
    Ok(cx.store_set(&cx.argv[1], out, "sinterstore").into())
}

pub(super) fn sintercard(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let numkeys = arg_i64_or(&argv[1], "ERR numkeys should be greater than 0")?;
    if numkeys < 1 {
        return Err(Error::Other("ERR numkeys should be greater than 0".into()));
    }
    if numkeys > argv.len() as i64 - 2 {
        return Err(Error::Other(
            "ERR Number of keys can't be greater than number of args".into(),
        ));
    }
    let end = 2 + numkeys as usize;
    let mut limit = 0;
    let mut j = end;
    while j < argv.len() {
        if is_kw(&argv[j], "limit") && j + 1 < argv.len() {
            j += 1;
            let msg = "ERR LIMIT can't be negative";
            limit = arg_i64_or(&argv[j], msg)?;
            if limit < 0 {
                return Err(Error::Other(msg.into()));
            }
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let sets = read_sets(cx, &argv[2..end])?;
    let n = intersect(&sets, usize::try_from(limit).unwrap_or(usize::MAX)).len();
    Ok(Reply::Integer(n as i64).into())
}
