//! HSET key field value [field value ...], HMSET (the same, answering OK) and
//! HSETNX key field value.
//!
//! `hsetCommand`: an odd number of arguments is an arity error; the key is looked up
//! (WRONGTYPE) and created, a listpack becomes a hashtable first when any argument is
//! longer than `hash-max-listpack-value`, then the pairs are set in order. Redis counts
//! one change per pair, updated or new.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::params::notify;
use crate::engine::Reply;

fn set_pairs(cx: &mut Cx) -> Result<i64, Error> {
    let argv = cx.argv;
    if argv.len() % 2 == 1 {
        return Err(Error::WrongArity(cx.spec.fullname.into()));
    }
    let key = &argv[1];
    cx.hash_or_create(key)?;
    let created = cx
        .modify_hash(key, |h| {
            h.try_conversion(&argv[2..]);
            argv[2..]
                .chunks(2)
                .filter(|p| h.set(&p[0], p[1].clone()))
                .count() as i64
        })
        .unwrap_or(0);
    cx.notify(notify::HASH, "hset", key);
    cx.finish_write(key, (argv.len() as i64 - 2) / 2);
    Ok(created)
}

pub(super) fn hset(cx: &mut Cx) -> CmdResult {
    Ok(Reply::Integer(set_pairs(cx)?).into())
}

pub(super) fn hmset(cx: &mut Cx) -> CmdResult {
    set_pairs(cx)?;
    Ok(Reply::ok().into())
}

pub(super) fn hsetnx(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    cx.hash_or_create(key)?;
    let added = cx
        .modify_hash(key, |h| {
            if h.get(&argv[2]).is_some() {
                return false;
            }
            h.try_conversion(&argv[2..4]);
            h.set(&argv[2], argv[3].clone())
        })
        .unwrap_or(false);
    if !added {
        return Ok(Reply::Integer(0).into());
    }
    cx.notify(notify::HASH, "hset", key);
    cx.finish_write(key, 1);
    Ok(Reply::Integer(1).into())
}
