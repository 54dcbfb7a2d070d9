//! DEL key [key ...] — answers how many keys existed and were removed.

use super::{CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn del(cx: &mut Cx) -> CmdResult {
    let now = cx.now_ms;
    let mut removed = 0;
    for key in cx.argv[1..].iter() {
        if cx.db().remove(key, now) {
            removed += 1;
            cx.key_deleted(key);
            cx.notify(notify::GENERIC, "del", key);
        }
    }
    Ok(Reply::Integer(removed).into())
}
