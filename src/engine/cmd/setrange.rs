//! SETRANGE key offset value — overwrites the string from `offset`, padding
//! with zero bytes, and answers the new length. The expiry is kept. An empty
//! value changes nothing (and creates no key); the offset must be 0 or more and
//! the result within proto-max-bulk-len (512 MB).

use super::append::{check_string_length, out_of_memory};
use super::{arg_i64, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Repr, Value};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn setrange(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (key, value) = (&argv[1], &argv[3]);
    let offset = arg_i64(&argv[2])?;
    if offset < 0 {
        return Err(Error::Other("ERR offset is out of range".into()));
    }
    let now = cx.now_ms;
    let current = match cx.db().get(key, now) {
        None => None,
        Some(e) => Some(e.value.string()?.len()),
    };
    if value.is_empty() {
        return Ok(Reply::Integer(current.unwrap_or(0) as i64).into());
    }
    check_string_length(offset, value.len() as i64)?;
    // Within 512 MB, so this fits a usize on every target.
    let start = offset as usize;
    let end = start + value.len();
    let splice = |s: &mut Vec<u8>| -> Result<usize, Error> {
        if end > s.len() {
            s.try_reserve_exact(end - s.len())
                .map_err(|_| out_of_memory())?;
            s.resize(end, 0);
        }
        s[start..end].copy_from_slice(value);
        Ok(s.len())
    };
    let len = match current {
        None => {
            let mut s = Vec::new();
            let len = splice(&mut s)?;
            cx.db().set(
                key.clone(),
                // createObject over a fresh sds: a `raw` string.
                Entry {
                    repr: Repr::Raw,
                    ..Entry::new(Value::String(s), None)
                },
            );
            cx.notify(notify::NEW, "new", key);
            len
        }
        Some(len) => cx
            .db()
            .modify(key, now, |e| {
                e.repr = Repr::Raw;
                splice(e.value.string_mut()?)
            })
            .unwrap_or(Ok(len))?,
    };
    cx.key_written(key);
    cx.notify(notify::STRING, "setrange", key);
    Ok(Reply::Integer(len as i64).into())
}
