//! INCR key — the value must be a strict int64 string; the TTL is kept.

use super::{string2ll, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn incr(cx: &mut Cx) -> CmdResult {
    incr_by(cx, 1)
}

/// incrDecrCommand: shared by INCR, INCRBY, DECR and DECRBY.
pub(super) fn incr_by(cx: &mut Cx, delta: i64) -> CmdResult {
    let key = &cx.argv[1];
    let now = cx.now_ms;
    let (old, ttl, found) = match cx.db().get(key, now) {
        None => (0, None, false),
        Some(e) => (
            string2ll(e.value.string()?).ok_or(Error::NotInteger)?,
            e.expires_at_ms,
            true,
        ),
    };
    let new = old.checked_add(delta).ok_or(Error::Overflow)?;
    cx.db().set(
        key.clone(),
        Entry::new(Value::String(new.to_string().into_bytes()), ttl),
    );
    cx.key_written(key);
    if !found {
        cx.notify(notify::NEW, "new", key);
    }
    cx.notify(notify::STRING, "incrby", key);
    Ok(Reply::Integer(new).into())
}
