//! RENAME key newkey, RENAMENX key newkey
//!
//! `renameGenericCommand`: a missing source is `ERR no such key` even when the
//! two names are equal; equal names with an existing key change nothing (OK,
//! or 0 for RENAMENX). The value keeps its expiry time and its representation.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn rename(cx: &mut Cx) -> CmdResult {
    rename_generic(cx, false)
}

pub(super) fn renamenx(cx: &mut Cx) -> CmdResult {
    rename_generic(cx, true)
}

fn rename_generic(cx: &mut Cx, nx: bool) -> CmdResult {
    let argv = cx.argv;
    let (src, dst) = (&argv[1], &argv[2]);
    let now = cx.now_ms;
    if !cx.db().contains(src, now) {
        return Err(Error::Other("ERR no such key".into()));
    }
    let done = if nx { Reply::Integer(1) } else { Reply::ok() };
    if src == dst {
        return Ok(if nx { Reply::Integer(0) } else { Reply::ok() }.into());
    }
    if cx.db().contains(dst, now) {
        if nx {
            return Ok(Reply::Integer(0).into());
        }
        cx.db().remove(dst, now);
        // The replaced value is gone: views are told, though Redis counts no change for it.
        let db = cx.db_index();
        cx.out.push_event(crate::engine::EventKind::KeyDeleted {
            db,
            key: dst.clone(),
        });
    }
    let Some(entry) = cx.db().take(src, now) else {
        debug_assert!(false, "the source key was just found");
        return Err(Error::Other("ERR no such key".into()));
    };
    cx.db().set(dst.clone(), entry);
    cx.key_deleted(src);
    cx.key_written(dst);
    let db = cx.db_index();
    cx.out.push_event(crate::engine::EventKind::KeyRenamed {
        db,
        from: src.clone(),
        to: dst.clone(),
    });
    cx.notify(notify::NEW, "new", dst);
    cx.notify(notify::GENERIC, "rename_from", src);
    cx.notify(notify::GENERIC, "rename_to", dst);
    // Redis counts a rename as one change (`server.dirty++`).
    cx.engine.dirty_adjust -= 1;
    Ok(done.into())
}
