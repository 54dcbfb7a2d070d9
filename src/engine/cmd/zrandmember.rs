//! ZRANDMEMBER key [count [WITHSCORES]] — random members, from the engine's seeded generator.
//!
//! As Redis: a negative count may repeat members, a positive one never does; a count at least
//! the set's size answers the whole set from the highest member down (exactly as Redis); otherwise which members and
//! their order come from the generator (the differential tests compare count and membership).
//! A reply is capped at `MAX_REPLY` members: Redis would build one of any size.

use super::zhelpers::{arg_range_long, members_reply};
use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

/// The most members one reply holds (a negative count of -10^12 is not worth the memory).
const MAX_REPLY: u64 = 1_000_000;

pub(super) fn zrandmember(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    if argv.len() < 3 {
        let Some(z) = cx.read_zset(&argv[1])? else {
            return Ok(Reply::Null.into());
        };
        let n = z.len() as u64;
        let i = (cx.engine.rng.next_u64() % n) as usize;
        let z = cx.read_zset_quietly(&argv[1]);
        return Ok(z
            .and_then(|z| z.get(i))
            .map_or(Reply::Null, |(_, m)| Reply::Bulk(m.to_vec()))
            .into());
    }
    let l = arg_range_long(&argv[2], -i64::MAX, i64::MAX, None)?;
    let withscores = match argv.len() {
        3 => false,
        4 if is_kw(&argv[3], "withscores") => true,
        _ => return Err(Error::Syntax),
    };
    if withscores && !(-i64::MAX / 2..=i64::MAX / 2).contains(&l) {
        return Err(Error::Other("ERR value is out of range".into()));
    }
    let (v8, resp3) = (cx.v8(), cx.resp3());
    let Some(z) = cx.read_zset(&argv[1])? else {
        return Ok(Reply::Array(Vec::new()).into());
    };
    let size = z.len();
    let count = l.unsigned_abs().min(MAX_REPLY) as usize;
    if count == 0 {
        return Ok(Reply::Array(Vec::new()).into());
    }
    let picks: Vec<usize> = if l < 0 || count == 1 {
        (0..count)
            .map(|_| (cx.engine.rng.next_u64() % size as u64) as usize)
            .collect()
    } else if count >= size {
        // Redis's set-operation iterator walks a sorted set from its highest member down.
        (0..size).rev().collect()
    } else {
        // A partial Fisher-Yates shuffle: `count` distinct members in a random order.
        let mut idx: Vec<usize> = (0..size).collect();
        for i in 0..count {
            let j = i + (cx.engine.rng.next_u64() % (size - i) as u64) as usize;
            idx.swap(i, j);
        }
        idx.truncate(count);
        idx
    };
    let z = cx.read_zset_quietly(&argv[1]);
    let Some(z) = z else {
        return Ok(Reply::Array(Vec::new()).into());
    };
    // Indexing a collected order keeps many picks linear in the set's size.
    let all: Vec<(f64, &[u8])> = z.iter().collect();
    let items = picks.iter().map(|&i| all[i]);
    Ok(members_reply(items, withscores, resp3, v8).into())
}
