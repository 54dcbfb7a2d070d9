//! PERSIST key — removes the key's expiry time: 1 if it had one, else 0.

use super::{CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn persist(cx: &mut Cx) -> CmdResult {
    let now = cx.now_ms;
    let key = &cx.argv[1];
    let had_expiry = cx
        .db()
        .modify(key, now, |e| e.expires_at_ms.take().is_some())
        .unwrap_or(false);
    if had_expiry {
        cx.key_expiry_changed(key, None);
        cx.notify(notify::GENERIC, "persist", key);
    }
    Ok(Reply::Integer(had_expiry as i64).into())
}
