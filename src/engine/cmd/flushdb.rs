//! FLUSHDB [ASYNC | SYNC], FLUSHALL [ASYNC | SYNC]
//!
//! `getFlushCommandFlags`: one optional argument, ASYNC or SYNC; anything else
//! is a syntax error. Redis frees the data in a background thread with ASYNC;
//! the engine has nothing to free in the background, so both empty at once.

use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::{EventKind, Reply};

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
    let keys = flush(cx, db);
    cx.out
        .push_event(EventKind::DbFlushed { db: Some(db), keys });
    Ok(Reply::ok().into())
}

pub(super) fn flushall(cx: &mut Cx) -> CmdResult {
    check_flags(cx.argv)?;
    let mut keys = 0;
    for db in 0..cx.engine.dbs.len() {
        keys += flush(cx, db);
    }
    cx.out.push_event(EventKind::DbFlushed { db: None, keys });
    Ok(Reply::ok().into())
}

/// Empties database `db`: each key it held is one change, touches WATCH and
/// answers group readers blocked on it; the views get one `DbFlushed` for
/// the command rather than an event per key. Returns how many keys went.
fn flush(cx: &mut Cx, db: usize) -> u64 {
    let keys = cx.engine.dbs[db].clear();
    let n = keys.len() as u64;
    for key in keys {
        cx.key_removed_in(db, &key);
    }
    n
}
