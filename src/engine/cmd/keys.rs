//! KEYS pattern — every live key matching the glob pattern. Redis answers in
//! hash-table order; the engine sorts the keys (byte order) so that the same
//! state always gives the same reply. Expired keys that were not removed yet
//! are left out but not removed (as `keysCommand`, which only checks).

use super::{CmdResult, Cx};
use crate::engine::{glob, Reply};

pub(super) fn keys(cx: &mut Cx) -> CmdResult {
    let now = cx.now_ms;
    let pattern = &cx.argv[1];
    let all = pattern.as_slice() == b"*";
    let mut keys: Vec<Vec<u8>> = cx
        .db()
        .iter()
        .filter(|(key, entry)| {
            !entry.is_expired(now) && (all || glob::matches(pattern, key, false))
        })
        .map(|(key, _)| key.clone())
        .collect();
    crate::vec_map::sort(&mut keys);
    Ok(Reply::Array(keys.into_iter().map(Reply::Bulk).collect()).into())
}
