//! APPEND key value — appends to the string (creating it when missing, even
//! with an empty value) and answers the new length. The expiry is kept.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Repr, Value};
use crate::engine::params::notify;
use crate::engine::Reply;

/// The longest string a client may build: `proto-max-bulk-len`'s default, 512 MB.
pub(super) const PROTO_MAX_BULK_LEN: i64 = 512 * 1024 * 1024;

/// `checkStringLength`: whether a string of `size + append` bytes may be
/// built. The sum is computed as Redis does (wrapping), so an overflow is
/// caught by the comparisons with its operands.
pub(super) fn check_string_length(size: i64, append: i64) -> Result<(), Error> {
    let total = (size as u64).wrapping_add(append as u64) as i64;
    if total > PROTO_MAX_BULK_LEN || total < size || total < append {
        return Err(Error::StringTooLong);
    }
    Ok(())
}

/// The reply when the memory for a string within the size limit cannot be
/// had (a browser tab's limit, say). Redis would abort there; the engine never
/// does, and answers as a server out of memory would.
pub(super) fn out_of_memory() -> Error {
    Error::Other("OOM command not allowed when used memory > 'maxmemory'.".into())
}

pub(super) fn append(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (key, tail) = (&argv[1], &argv[2]);
    let now = cx.now_ms;
    let current = match cx.db().get(key, now) {
        None => None,
        Some(e) => Some(e.value.string()?.len()),
    };
    let len = match current {
        None => {
            cx.db().set(
                key.clone(),
                // A new key stores the argument as SET would (tryObjectEncoding).
                Entry::new(Value::String(tail.clone()), None),
            );
            cx.notify(notify::NEW, "new", key);
            tail.len()
        }
        Some(len) => {
            check_string_length(len as i64, tail.len() as i64)?;
            cx.db()
                .modify(key, now, |e| {
                    // Changed in place: Redis's object is now always `raw`.
                    e.repr = Repr::Raw;
                    let s = e.value.string_mut()?;
                    s.try_reserve(tail.len()).map_err(|_| out_of_memory())?;
                    s.extend_from_slice(tail);
                    Ok::<usize, Error>(s.len())
                })
                .unwrap_or(Ok(len))?
        }
    };
    cx.key_written(key);
    cx.notify(notify::STRING, "append", key);
    Ok(Reply::Integer(len as i64).into())
}
