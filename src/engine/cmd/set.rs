//! SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
//!   EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
//!
//! Options are parsed as `parseExtendedStringArgumentsOrReply` does: NX and XX
//! exclude each other, the expiry options exclude each other and KEEPTTL, but a
//! repeated option is accepted (the last value wins).

use super::{arg_i64, c_str, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::Reply;

#[derive(Clone, Copy, PartialEq, Eq)]
enum Expiry {
    Ex,
    Px,
    ExAt,
    PxAt,
}

pub(super) fn set(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (mut nx, mut xx, mut get, mut keepttl) = (false, false, false, false);
    let mut expire: Option<(Expiry, &[u8])> = None;
    let mut j = 3;
    while j < argv.len() {
        let opt = c_str(&argv[j]).to_ascii_uppercase();
        let next = argv.get(j + 1);
        let kind = expire.map(|(k, _)| k);
        let other_expiry = |me: Expiry| kind.is_some_and(|k| k != me);
        match (opt.as_slice(), next) {
            (b"NX", _) if !xx => nx = true,
            (b"XX", _) if !nx => xx = true,
            (b"GET", _) => get = true,
            (b"KEEPTTL", _) if kind.is_none() => keepttl = true,
            (b"EX", Some(v)) if !keepttl && !other_expiry(Expiry::Ex) => {
                expire = Some((Expiry::Ex, v));
                j += 1;
            }
            (b"PX", Some(v)) if !keepttl && !other_expiry(Expiry::Px) => {
                expire = Some((Expiry::Px, v));
                j += 1;
            }
            (b"EXAT", Some(v)) if !keepttl && !other_expiry(Expiry::ExAt) => {
                expire = Some((Expiry::ExAt, v));
                j += 1;
            }
            (b"PXAT", Some(v)) if !keepttl && !other_expiry(Expiry::PxAt) => {
                expire = Some((Expiry::PxAt, v));
                j += 1;
            }
            _ => return Err(Error::Syntax),
        }
        j += 1;
    }

    // getExpireMillisecondsOrReply
    let expires_at = match expire {
        None => None,
        Some((kind, text)) => {
            let mut ms = arg_i64(text)?;
            let seconds = matches!(kind, Expiry::Ex | Expiry::ExAt);
            if ms <= 0 || (seconds && ms > i64::MAX / 1000) {
                return Err(Error::InvalidExpireTime("set"));
            }
            if seconds {
                ms *= 1000;
            }
            if matches!(kind, Expiry::Ex | Expiry::Px) {
                ms = ms.wrapping_add(cx.now_ms as i64);
            }
            if ms <= 0 {
                return Err(Error::InvalidExpireTime("set"));
            }
            Some(ms as u64)
        }
    };

    let key = &argv[1];
    let now = cx.now_ms;
    // With GET the old value is read first: a value of another type is an
    // error and nothing is set.
    let old = if get { Some(cx.get_string(key)?) } else { None };
    let existing_ttl = cx.db().get(key, now).map(|e| e.expires_at_ms);
    let found = existing_ttl.is_some();
    if (nx && found) || (xx && !found) {
        return Ok(match old {
            Some(v) => v.map(Reply::Bulk).unwrap_or(Reply::Null),
            None => Reply::Null,
        }
        .into());
    }
    let ttl = if keepttl {
        existing_ttl.flatten()
    } else {
        expires_at
    };
    cx.db()
        .set(key.clone(), Entry::new(Value::String(argv[2].clone()), ttl));
    cx.key_written(key);
    Ok(match old {
        Some(v) => v.map(Reply::Bulk).unwrap_or(Reply::Null),
        None => Reply::ok(),
    }
    .into())
}
