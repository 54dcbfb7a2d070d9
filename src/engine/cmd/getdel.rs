//! GETDEL key — answers the value (nil when missing) and deletes the key.

use super::{CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn getdel(cx: &mut Cx) -> CmdResult {
    let key = &cx.argv[1];
    let now = cx.now_ms;
    // A value of another type is an error and the key stays.
    let Some(value) = cx.get_string(key)? else {
        return Ok(Reply::Null.into());
    };
    if cx.db().remove(key, now) {
        cx.key_deleted(key);
        cx.notify(notify::GENERIC, "del", key);
    }
    Ok(Reply::Bulk(value).into())
}
