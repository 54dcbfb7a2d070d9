//! FLUSHDB [ASYNC | SYNC], FLUSHALL [ASYNC | SYNC]
//!
//! `getFlushCommandFlags`: one optional argument, ASYNC or SYNC; anything else
//! is a syntax error. Redis frees the data in a background thread with ASYNC;
//! the engine has nothing to free in the background, so both empty at once.

use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

fn check_flags(argv: &[Vec<u8>]) -> Result<(), Error> {
    match argv {
        [_] => Ok(()),
        [_, mode] if is_kw(mode, "sync") || is_kw(mode, "async") => Ok(()),
        _ => Err(Error::Syntax),
    }
}

pub(super) fn flushdb(cx: &mut Cx) -> CmdResult {
    check_flags(cx.argv)?;
    let db = cx.db_index();
    flush(cx, db);
    Ok(Reply::ok().into())
}

pub(super) fn flushall(cx: &mut Cx) -> CmdResult {
    check_flags(cx.argv)?;
    for db in 0..cx.engine.dbs.len() {
        flush(cx, db);
    }
    Ok(Reply::ok().into())
}

/// Empties database `db` and tells the views about every key it held.
fn flush(cx: &mut Cx, db: usize) {
    let keys = cx.engine.dbs[db].clear();
    for key in keys {
        cx.key_deleted_in(db, &key);
    }
}
