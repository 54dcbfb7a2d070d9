//! ZPOPMIN key [count], ZPOPMAX key [count], ZMPOP numkeys key [key ...] <MIN | MAX> [COUNT count]
//!
//! `pop` is Redis's `genericZpopCommand`, the one pop the blocking pops (BZPOPMIN, BZPOPMAX,
//! BZMPOP) are to call too: the first key that exists among `keys` (WRONGTYPE if it is not a
//! sorted set), up to `count` members from its low or high end, the `zpopmin`/`zpopmax`
//! notification and, for an emptied set, the key's deletion and `del`.

use super::zhelpers::{arg_positive_long, arg_range_long, score_reply};
use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

/// How `pop` shapes its reply.
#[derive(Clone, Copy)]
pub(crate) struct PopReply {
    /// Put the key's name first (BZPOPMIN/BZPOPMAX, ZMPOP/BZMPOP).
    pub emit_key: bool,
    /// Members as [member, score] pairs (RESP3 with a count; ZMPOP/BZMPOP always).
    pub nested: bool,
    /// A nil array instead of an empty array when no key exists (ZMPOP/BZMPOP).
    pub nil_when_empty: bool,
}

/// Pops up to `count` members (`None`: a plain single pop) from the first existing key of
/// `keys`, from the high end when `max`.
pub(crate) fn pop(
    cx: &mut Cx,
    keys: &[Vec<u8>],
    max: bool,
    count: Option<i64>,
    shape: PopReply,
) -> Result<Reply, Error> {
    let mut found = None;
    for key in keys {
        if cx.write_zset_exists(key)? {
            found = Some(key);
            break;
        }
    }
    let Some(key) = found else {
        return Ok(if shape.nil_when_empty {
            Reply::NullArray
        } else {
            Reply::Array(Vec::new())
        });
    };
    if count == Some(0) {
        return Ok(Reply::Array(Vec::new()));
    }
    let count = count.unwrap_or(1).max(1) as u64;
    let popped = cx
        .modify_zset(key, |z| {
            let n = (count.min(z.len() as u64)) as usize;
            let (a, b) = if max { (z.len() - n, z.len()) } else { (0, n) };
            let mut items = z.remove_range(a, b);
            if max {
                items.reverse();
            }
            items
        })
        .unwrap_or_default();
    let event = if max { "zpopmax" } else { "zpopmin" };
    cx.zset_changed(key, event, popped.len() as i64);
    let v8 = cx.v8();
    let mut members = Vec::with_capacity(popped.len() * 2);
    for (score, member) in popped {
        if shape.nested {
            members.push(Reply::Array(vec![
                Reply::Bulk(member),
                score_reply(score, v8),
            ]));
        } else {
            members.push(Reply::Bulk(member));
            members.push(score_reply(score, v8));
        }
    }
    Ok(match (shape.emit_key, shape.nested) {
        (false, _) => Reply::Array(members),
        (true, false) => {
            members.insert(0, Reply::Bulk(key.clone()));
            Reply::Array(members)
        }
        (true, true) => Reply::Array(vec![Reply::Bulk(key.clone()), Reply::Array(members)]),
    })
}

pub(super) fn zpopmin(cx: &mut Cx) -> CmdResult {
    min_max(cx, false)
}

pub(super) fn zpopmax(cx: &mut Cx) -> CmdResult {
    min_max(cx, true)
}

fn min_max(cx: &mut Cx, max: bool) -> CmdResult {
    let argv = cx.argv;
    if argv.len() > 3 {
        return Err(Error::Syntax);
    }
    let count = match argv.get(2) {
        Some(c) => Some(arg_positive_long(c, None)?),
        None => None,
    };
    let shape = PopReply {
        emit_key: false,
        nested: cx.resp3() && count.is_some(),
        nil_when_empty: false,
    };
    Ok(pop(cx, &argv[1..2], max, count, shape)?.into())
}

/// ZMPOP's arguments after its numkeys (`zmpopGenericCommand`), shared with BZMPOP: the keys,
/// the end to pop from (`true` for MAX) and the count.
pub(crate) fn parse_mpop(
    argv: &[Vec<u8>],
    numkeys_idx: usize,
) -> Result<(std::ops::Range<usize>, bool, i64), Error> {
    let numkeys = arg_range_long(
        &argv[numkeys_idx],
        1,
        i64::MAX,
        Some("numkeys should be greater than 0"),
    )?;
    let where_idx = (numkeys_idx as u64).saturating_add(numkeys as u64 + 1);
    if where_idx >= argv.len() as u64 {
        return Err(Error::Syntax);
    }
    let where_idx = where_idx as usize;
    let max = if is_kw(&argv[where_idx], "min") {
        false
    } else if is_kw(&argv[where_idx], "max") {
        true
    } else {
        return Err(Error::Syntax);
    };
    let mut count = -1;
    let mut j = where_idx + 1;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if count == -1 && is_kw(&argv[j], "count") && more > 0 {
            j += 1;
            count = arg_range_long(
                &argv[j],
                1,
                i64::MAX,
                Some("count should be greater than 0"),
            )?;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    Ok((numkeys_idx + 1..where_idx, max, count.max(1)))
}

pub(super) fn zmpop(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (keys, max, count) = parse_mpop(argv, 1)?;
    let shape = PopReply {
        emit_key: true,
        nested: true,
        nil_when_empty: true,
    };
    Ok(pop(cx, &argv[keys], max, Some(count), shape)?.into())
}
