//! WATCH key [key ...] — EXEC will fail if any of these keys changes first.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

pub(super) fn watch(cx: &mut Cx) -> CmdResult {
    let c = cx.client_mut();
    if c.multi.is_some() {
        return Err(Error::Other("ERR WATCH inside MULTI is not allowed".into()));
    }
    // No point in watching once the transaction is already doomed.
    if c.dirty_cas {
        return Ok(Reply::ok().into());
    }
    let db = cx.db_index();
    for key in &cx.argv[1..] {
        cx.engine.watch_key(cx.client, db, key, cx.now_ms);
    }
    Ok(Reply::ok().into())
}
