//! SET key value [NX | XX] [GET] [EX seconds | PX milliseconds |
//!   EXAT unix-time-seconds | PXAT unix-time-milliseconds | KEEPTTL]
//!
//! Options are parsed as `parseExtendedStringArgumentsOrReply` does: NX and XX
//! exclude each other, the expiry options exclude each other and KEEPTTL, but a
//! repeated option is accepted (the last value wins).
//!
//! This file also holds what `t_string.c` shares between SET and its relatives
//! (SETNX, SETEX, PSETEX, GETEX): the option parser, the expiry conversion
//! (`getExpireMillisecondsOrReply`) and `setGenericCommand`.

use super::{arg_i64, c_str, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;
use crate::engine::Reply;

/// The four ways to give an expiry time.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(super) enum Expiry {
    Ex,
    Px,
    ExAt,
    PxAt,
}

impl Expiry {
    fn keyword(opt: &[u8]) -> Option<Expiry> {
        Some(match opt {
            b"EX" => Expiry::Ex,
            b"PX" => Expiry::Px,
            b"EXAT" => Expiry::ExAt,
            b"PXAT" => Expiry::PxAt,
            _ => return None,
        })
    }

    /// EXAT and PXAT give an absolute time; EX and PX one relative to now.
    pub fn is_absolute(self) -> bool {
        matches!(self, Expiry::ExAt | Expiry::PxAt)
    }
}

/// Which command's options are read (Redis's `COMMAND_SET` / `COMMAND_GET`):
/// SET takes NX, XX, GET and KEEPTTL; GETEX takes PERSIST instead.
#[derive(Clone, Copy, PartialEq, Eq)]
pub(super) enum Family {
    Set,
    GetEx,
}

/// The parsed options of SET or GETEX.
#[derive(Default)]
pub(super) struct Options<'a> {
    pub nx: bool,
    pub xx: bool,
    pub get: bool,
    pub keepttl: bool,
    pub persist: bool,
    pub expire: Option<(Expiry, &'a [u8])>,
}

/// `parseExtendedStringArgumentsOrReply`: the options after the key (GETEX)
/// or after the value (SET). Only keywords are checked here; the expiry value
/// is converted later, by `expire_at_ms`, because Redis does so later too.
pub(super) fn parse_options(argv: &[Vec<u8>], family: Family) -> Result<Options<'_>, Error> {
    let set = family == Family::Set;
    let mut o = Options::default();
    let mut j = if set { 3 } else { 2 };
    while j < argv.len() {
        // Keywords are compared as C strings: bytes after a NUL do not count.
        let opt = c_str(&argv[j]).to_ascii_uppercase();
        let kind = o.expire.map(|(k, _)| k);
        if let (Some(me), Some(value)) = (Expiry::keyword(&opt), argv.get(j + 1)) {
            if o.keepttl || o.persist || kind.is_some_and(|k| k != me) {
                return Err(Error::Syntax);
            }
            o.expire = Some((me, value));
            j += 2;
            continue;
        }
        match opt.as_slice() {
            b"NX" if set && !o.xx => o.nx = true,
            b"XX" if set && !o.nx => o.xx = true,
            b"GET" if set => o.get = true,
            b"KEEPTTL" if set && kind.is_none() => o.keepttl = true,
            b"PERSIST" if !set && kind.is_none() => o.persist = true,
            _ => return Err(Error::Syntax),
        }
        j += 1;
    }
    Ok(o)
}

/// `getExpireMillisecondsOrReply`: the absolute expiry time (engine clock, ms)
/// of an expiry option's value. The error names the running command.
pub(super) fn expire_at_ms(cx: &Cx, kind: Expiry, text: &[u8]) -> Result<u64, Error> {
    let invalid = || Error::InvalidExpireTime(cx.spec.fullname);
    let mut ms = arg_i64(text)?;
    let seconds = matches!(kind, Expiry::Ex | Expiry::ExAt);
    if ms <= 0 || (seconds && ms > i64::MAX / 1000) {
        return Err(invalid());
    }
    if seconds {
        ms *= 1000;
    }
    if !kind.is_absolute() {
        // Redis adds without an overflow check and then rejects a result that
        // wrapped around to a negative value.
        ms = ms.wrapping_add(cx.now_ms as i64);
    }
    if ms <= 0 {
        return Err(invalid());
    }
    Ok(ms as u64)
}

/// What `setGenericCommand` answers when it sets the key and when NX or XX
/// stopped it (unless GET was given: then the old value is the answer).
pub(super) struct Replies {
    pub done: Reply,
    pub not_done: Reply,
}

/// `setGenericCommand`: stores `value` at `key` unless NX/XX say otherwise,
/// with the expiry already converted to `expires_at` (None: no expiry, or
/// the current one with KEEPTTL).
pub(super) fn set_generic(
    cx: &mut Cx,
    o: &Options,
    key: &[u8],
    value: &[u8],
    expires_at: Option<u64>,
    replies: Replies,
) -> CmdResult {
    let now = cx.now_ms;
    // With GET the old value is read first: a value of another type is an
    // error and nothing is set.
    let old = if o.get {
        Some(cx.get_string(key)?)
    } else {
        None
    };
    let existing_ttl = cx.db().get(key, now).map(|e| e.expires_at_ms);
    let found = existing_ttl.is_some();
    let old_reply = |old: Option<Vec<u8>>| old.map(Reply::Bulk).unwrap_or(Reply::Null);
    if (o.nx && found) || (o.xx && !found) {
        return Ok(match old {
            Some(v) => old_reply(v),
            None => replies.not_done,
        }
        .into());
    }
    let ttl = if o.keepttl {
        existing_ttl.flatten()
    } else {
        expires_at
    };
    cx.db()
        .set(key.to_vec(), Entry::new(Value::String(value.to_vec()), ttl));
    cx.key_written(key);
    if !found {
        cx.notify(notify::NEW, "new", key);
    }
    cx.notify(notify::STRING, "set", key);
    if expires_at.is_some() && !o.keepttl {
        cx.notify(notify::GENERIC, "expire", key);
    }
    Ok(match old {
        Some(v) => old_reply(v),
        None => replies.done,
    }
    .into())
}

pub(super) fn set(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let o = parse_options(argv, Family::Set)?;
    let expires_at = match o.expire {
        Some((kind, text)) => Some(expire_at_ms(cx, kind, text)?),
        None => None,
    };
    let replies = Replies {
        done: Reply::ok(),
        not_done: Reply::Null,
    };
    set_generic(cx, &o, &argv[1], &argv[2], expires_at, replies)
}
