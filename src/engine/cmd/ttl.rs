//! TTL key, PTTL key, EXPIRETIME key, PEXPIRETIME key
//!
//! One implementation (`ttlGenericCommand`): -2 for a missing key, -1 for a
//! key without an expiry time, else the time left (TTL, PTTL) or the absolute
//! expiry time (EXPIRETIME, PEXPIRETIME), in seconds or milliseconds. Seconds
//! are rounded to the nearest second (`(ms + 500) / 1000`), as Redis does.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn ttl(cx: &mut Cx) -> CmdResult {
    ttl_generic(cx, false, false)
}

pub(super) fn pttl(cx: &mut Cx) -> CmdResult {
    ttl_generic(cx, true, false)
}

pub(super) fn expiretime(cx: &mut Cx) -> CmdResult {
    ttl_generic(cx, false, true)
}

pub(super) fn pexpiretime(cx: &mut Cx) -> CmdResult {
    ttl_generic(cx, true, true)
}

fn ttl_generic(cx: &mut Cx, output_ms: bool, output_abs: bool) -> CmdResult {
    let now = cx.now_ms;
    let key = &cx.argv[1];
    cx.count_read_lookup(key);
    let Some(entry) = cx.db().get(key, now) else {
        return Ok(Reply::Integer(-2).into());
    };
    let Some(at) = entry.expires_at_ms else {
        return Ok(Reply::Integer(-1).into());
    };
    let ms = if output_abs {
        at
    } else {
        at.saturating_sub(now)
    };
    // Redis computes `(ttl + 500) / 1000` on a signed 64-bit value; for an
    // expiry near i64::MAX the real server answers as if the sum did not
    // overflow (9223372036854776), which unsigned arithmetic reproduces.
    let n = if output_ms {
        ms
    } else {
        ms.saturating_add(500) / 1000
    };
    let n = i64::try_from(n).unwrap_or(i64::MAX);
    Ok(Reply::Integer(n).into())
}
