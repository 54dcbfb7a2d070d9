//! GETSET key value — answers the old value (nil when missing) and sets the new
//! one, dropping any expiry, as a plain SET does.

use super::{CmdResult, Cx};
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn getset(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    // A value of another type is an error and nothing is set.
    let old = cx.get_string(key)?;
    cx.db().set(
        key.clone(),
        Entry::new(Value::String(argv[2].clone()), None),
    );
    cx.key_written(key);
    if old.is_none() {
        cx.notify(notify::NEW, "new", key);
    }
    cx.notify(notify::STRING, "set", key);
    Ok(old.map(Reply::Bulk).unwrap_or(Reply::Null).into())
}
