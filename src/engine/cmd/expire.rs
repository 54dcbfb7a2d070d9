//! EXPIRE key seconds [NX | XX | GT | LT]
//! PEXPIRE key milliseconds [NX | XX | GT | LT]
//! EXPIREAT key unix-time-seconds [NX | XX | GT | LT]
//! PEXPIREAT key unix-time-milliseconds [NX | XX | GT | LT]
//!
//! One implementation (`expireGenericCommand`), checks in Redis's order: the
//! options (an unknown one, then the incompatible pairs), the number, its
//! overflow, and only then the key. A time that is not in the future deletes
//! the key (and still answers 1).

use super::{arg_i64, c_str, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn expire(cx: &mut Cx) -> CmdResult {
    let base = clock_ms(cx);
    expire_generic(cx, "expire", base, true)
}

pub(super) fn pexpire(cx: &mut Cx) -> CmdResult {
    let base = clock_ms(cx);
    expire_generic(cx, "pexpire", base, false)
}

pub(super) fn expireat(cx: &mut Cx) -> CmdResult {
    expire_generic(cx, "expireat", 0, true)
}

pub(super) fn pexpireat(cx: &mut Cx) -> CmdResult {
    expire_generic(cx, "pexpireat", 0, false)
}

/// The clock as Redis's signed milliseconds (a clock past i64::MAX, which no
/// real clock reaches, is held there rather than wrapping).
fn clock_ms(cx: &Cx) -> i64 {
    i64::try_from(cx.now_ms).unwrap_or(i64::MAX)
}

#[derive(Default)]
struct Flags {
    nx: bool,
    xx: bool,
    gt: bool,
    lt: bool,
}

/// `parseExtendedExpireArgumentsOrReply`.
fn parse_flags(args: &[Vec<u8>]) -> Result<Flags, Error> {
    let mut f = Flags::default();
    for arg in args {
        let opt = c_str(arg);
        match opt.to_ascii_lowercase().as_slice() {
            b"nx" => f.nx = true,
            b"xx" => f.xx = true,
            b"gt" => f.gt = true,
            b"lt" => f.lt = true,
            _ => {
                // addReplyErrorFormat turns line breaks into spaces so the
                // error stays one line.
                let shown: String = String::from_utf8_lossy(opt)
                    .chars()
                    .map(|c| if c == '\r' || c == '\n' { ' ' } else { c })
                    .collect();
                return Err(Error::Other(format!("ERR Unsupported option {shown}")));
            }
        }
    }
    if f.nx && (f.xx || f.gt || f.lt) {
        return Err(Error::Other(
            "ERR NX and XX, GT or LT options at the same time are not compatible".into(),
        ));
    }
    if f.gt && f.lt {
        return Err(Error::Other(
            "ERR GT and LT options at the same time are not compatible".into(),
        ));
    }
    Ok(f)
}

fn expire_generic(cx: &mut Cx, name: &'static str, base: i64, seconds: bool) -> CmdResult {
    let argv = cx.argv;
    let flags = parse_flags(&argv[3..])?;
    let mut when = arg_i64(&argv[2])?;
    // Negative times are allowed (they delete the key); only overflow of the
    // unit conversion or of the addition of the current time is an error.
    if seconds {
        when = when
            .checked_mul(1000)
            .ok_or(Error::InvalidExpireTime(name))?;
    }
    if when > i64::MAX - base {
        return Err(Error::InvalidExpireTime(name));
    }
    when += base;

    let key = &argv[1];
    let now = cx.now_ms;
    let Some(current) = cx.db().get(key, now).map(|e| e.expires_at_ms) else {
        return Ok(Reply::Integer(0).into());
    };
    // Expiry times are at most i64::MAX (checked when they are set).
    let current = current.map(|t| i64::try_from(t).unwrap_or(i64::MAX));
    let refused = (flags.nx && current.is_some())
        || (flags.xx && current.is_none())
        // No expiry counts as an infinite one: GT always fails on it.
        || (flags.gt && current.is_none_or(|c| when <= c))
        || (flags.lt && current.is_some_and(|c| when >= c));
    if refused {
        return Ok(Reply::Integer(0).into());
    }

    // checkAlreadyExpired: a time that is not in the future deletes the key
    // at once (an explicit delete, not an expiry).
    if when <= clock_ms(cx) {
        cx.db().remove(key, now);
        cx.key_deleted(key);
        cx.notify(notify::GENERIC, "del", key);
    } else {
        let at = when as u64;
        cx.db().set_expiry(key, Some(at), now);
        cx.key_expiry_changed(key, Some(at));
        cx.notify(notify::GENERIC, "expire", key);
    }
    Ok(Reply::Integer(1).into())
}
