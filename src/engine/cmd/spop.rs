//! SPOP key [count]
//!
//! Without a count: one random member (nil for a missing key). With one (`spopWithCount`:
//! a positive integer, checked before the key): a set reply of `count` distinct random
//! members, the whole set when count is at least its size (then the key goes, `del`
//! after `spop`). When few members would stay (at most a fifth of the count), Redis
//! builds a new set of the staying members instead (`Set::rebuilt`), which can change the
//! encoding; the engine does too. Redis counts `count` changes whatever was popped. The
//! picks come from the engine's seeded generator.

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
    let whole = count as u64 >= size as u64;
    if whole {
        // Redis answers the whole set through `sunionDiffGenericCommand`, which looks
        // the key up again for reading.
        cx.count_read_lookup(key);
    }
    let count_n = usize::try_from(count).unwrap_or(usize::MAX).min(size);
    let remaining = size - count_n;
    // Redis's second case pops one member at a time; its third (few members stay)
    // builds a new set from the members that stay, which may change the encoding.
    let rebuild = !whole && remaining * 5 <= count_n;
    let v8 = cx.v8();
    let picks = if rebuild {
        let mut staying = random_distinct(&mut cx.engine.rng, size, remaining);
        // The members that stay are added in the order they were picked.
        for i in (1..staying.len()).rev() {
            let j = random_index(&mut cx.engine.rng, i + 1);
            staying.swap(i, j);
        }
        staying
    } else {
        random_distinct(&mut cx.engine.rng, size, count_n)
    };
    let popped = cx
        .modify_set(key, |s| {
            let members = s.members();
            let chosen: Vec<Vec<u8>> = picks.iter().map(|&i| members[i].clone()).collect();
            if !rebuild {
                for m in &chosen {
                    s.remove(m);
                }
                return chosen;
            }
            let new = s.rebuilt(&chosen, v8);
            let popped = members.into_iter().filter(|m| !new.contains(m)).collect();
            *s = new;
            popped
        })
        .unwrap_or_default();
    cx.finish_write(key, count);
    Ok(Reply::Set(bulks(popped)).into())
}
