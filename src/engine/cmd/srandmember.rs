//! SRANDMEMBER key [count]
//!
//! Without a count: one random member (nil for a missing key). With one (checked before
//! the key, as HRANDFIELD's): the cases of `srandmemberWithCountCommand`, shared with
//! HRANDFIELD (`hrandfield::pick_positions`). The whole set (count at least its size)
//! is a set reply in RESP3 in 7.0.15, which builds it as SUNION does, and an array in
//! profile 8 (7.2 answers it directly); every other case is an array. The picks come
//! from the engine's seeded generator.

use super::hrandfield::{pick_positions, random_count};
use super::sets::bulks;
use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::members::random_index;
use crate::engine::Reply;

pub(super) fn srandmember(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    if argv.len() > 3 {
        return Err(Error::Syntax);
    }
    let Some(count_arg) = argv.get(2) else {
        let Some(size) = cx.read_set(key)?.map(|s| s.len()) else {
            return Ok(Reply::Null.into());
        };
        let i = random_index(&mut cx.engine.rng, size);
        let m = cx.peek_set(key)?.and_then(|s| s.nth(i)).unwrap_or_default();
        return Ok(Reply::Bulk(m).into());
    };
    let count = random_count(count_arg)?;
    let Some(size) = cx.read_set(key)?.map(|s| s.len()) else {
        return Ok(Reply::Array(vec![]).into());
    };
    if count == 0 {
        return Ok(Reply::Array(vec![]).into());
    }
    let whole = count > 1 && count as u64 >= size as u64 && !cx.v8();
    if whole {
        // 7.0.15 answers through `sunionDiffGenericCommand`, which looks the key up again.
        cx.count_read_lookup(key);
    }
    let positions = pick_positions(cx, count, size)?;
    let members = cx.peek_set(key)?.map(|s| s.members()).unwrap_or_default();
    let picked = bulks(positions.into_iter().map(|i| members[i].clone()).collect());
    Ok(if whole {
        Reply::Set(picked)
    } else {
        Reply::Array(picked)
    }
    .into())
}
