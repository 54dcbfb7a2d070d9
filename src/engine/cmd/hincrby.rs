//! HINCRBY key field increment and HINCRBYFLOAT key field increment.
//!
//! Both parse the increment before looking the key up (so a bad increment leaves a
//! missing key missing), then create the hash when needed. HINCRBY answers an integer
//! and refuses a stored value that is not one (`hash value is not an integer`) or a sum
//! past 64 bits; HINCRBYFLOAT adds in Redis's 80-bit long double arithmetic
//! (`engine::longdouble`, as INCRBYFLOAT) and answers the printed sum as a bulk string.

use super::{arg_i64, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::longdouble::{self, LongDouble};
use crate::engine::params::notify;
use crate::engine::Reply;

/// Stores `value` at the field of the hash at argv[1] (created when missing) and
/// records the write as `event`.
fn store(cx: &mut Cx, value: Vec<u8>, event: &'static str) {
    let (key, field) = (&cx.argv[1], &cx.argv[2]);
    cx.modify_hash(key, |h| h.set(field, value));
    cx.notify(notify::HASH, event, key);
    cx.finish_write(key, 1);
}

/// The current value of the field (after creating the hash when missing).
fn current(cx: &mut Cx) -> Result<Option<Vec<u8>>, Error> {
    let (key, field) = (&cx.argv[1], &cx.argv[2]);
    cx.hash_or_create(key)?;
    let now = cx.now_ms;
    Ok(cx
        .db()
        .get(key, now)
        .and_then(|e| e.value.hash().ok())
        .and_then(|h| h.get(field))
        .map(<[u8]>::to_vec))
}

pub(super) fn hincrby(cx: &mut Cx) -> CmdResult {
    let incr = arg_i64(&cx.argv[3])?;
    let old = match current(cx)? {
        None => 0,
        Some(v) => super::string2ll(&v)
            .ok_or_else(|| Error::Other("ERR hash value is not an integer".into()))?,
    };
    let sum = old.checked_add(incr).ok_or(Error::Overflow)?;
    store(cx, sum.to_string().into_bytes(), "hincrby");
    Ok(Reply::Integer(sum).into())
}

pub(super) fn hincrbyfloat(cx: &mut Cx) -> CmdResult {
    let incr = longdouble::string2ld(&cx.argv[3]).ok_or(Error::NotFloat)?;
    if incr == LongDouble::Infinite {
        return Err(Error::Other("ERR value is NaN or Infinity".into()));
    }
    let old = match current(cx)? {
        None => LongDouble::Finite(longdouble::Ld::ZERO),
        Some(v) => longdouble::string2ld(&v)
            .ok_or_else(|| Error::Other("ERR hash value is not a float".into()))?,
    };
    let sum = longdouble::add(old, incr).ok_or(Error::NanOrInfinity)?;
    let text = longdouble::to_human(sum).into_bytes();
    store(cx, text.clone(), "hincrbyfloat");
    Ok(Reply::Bulk(text).into())
}
