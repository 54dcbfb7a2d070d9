//! SRANDMEMBER key [count]
//!
//! Without a count: one random member (nil for a missing key). With one (checked before
//! the key, as HRANDFIELD's): the cases of `srandmemberWithCountCommand`, shared with
//! HRANDFIELD (`hrandfield::pick_positions`); always an array, also in RESP3 (unlike
//! SPOP's set reply). The picks come from the engine's seeded generator.

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
    let positions = pick_positions(cx, count, size)?;
    let members = cx.peek_set(key)?.map(|s| s.members()).unwrap_or_default();
    let picked = positions.into_iter().map(|i| members[i].clone()).collect();
    Ok(Reply::Array(bulks(picked)).into())
}
