//! SPOP key [count]
//!
//! Without a count: one random member (nil for a missing key). With one (`spopWithCount`:
//! a positive integer, checked before the key): a set reply of `count` distinct random
//! members, the whole set when count is at least its size (then the key goes, `del`
//! after `spop`). Redis counts `count` changes whatever was popped. The picks come from
//! the engine's seeded generator.

use super::sets::bulks;
use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::members::{random_distinct, random_index};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn spop(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    if argv.len() > 3 {
        return Err(Error::Syntax);
    }
    let Some(count_arg) = argv.get(2) else {
        let Some(size) = cx.peek_set(key)?.map(|s| s.len()) else {
            return Ok(Reply::Null.into());
        };
        let i = random_index(&mut cx.engine.rng, size);
        let member = cx
            .modify_set(key, |s| {
                let m = s.nth(i).unwrap_or_default();
                s.remove(&m);
                m
            })
            .unwrap_or_default();
        cx.notify(notify::SET, "spop", key);
        cx.finish_write(key, 1);
        return Ok(Reply::Bulk(member).into());
    };
    // `getPositiveLongFromObjectOrReply`: one message for a non-number and a negative one.
    let count = super::arg_i64_or(count_arg, "ERR value is out of range, must be positive")?;
    if count < 0 {
        return Err(Error::Other(
            "ERR value is out of range, must be positive".into(),
        ));
    }
    let Some(size) = cx.peek_set(key)?.map(|s| s.len()) else {
        return Ok(Reply::Set(vec![]).into());
    };
    if count == 0 {
        return Ok(Reply::Set(vec![]).into());
    }
    cx.notify(notify::SET, "spop", key);
    let picks = if count as u64 >= size as u64 {
        // Redis answers the whole set through `sunionDiffGenericCommand`, which looks
        // the key up again for reading.
        cx.count_read_lookup(key);
        (0..size).collect()
    } else {
        random_distinct(&mut cx.engine.rng, size, count as usize)
    };
    let popped = cx
        .modify_set(key, |s| {
            let members = s.members();
            let popped: Vec<Vec<u8>> = picks.into_iter().map(|i| members[i].clone()).collect();
            for m in &popped {
                s.remove(m);
            }
            popped
        })
        .unwrap_or_default();
    cx.finish_write(key, count);
    Ok(Reply::Set(bulks(popped)).into())
}
