//! XSETID key last-id [ENTRIESADDED entries-added] [MAXDELETEDID max-deleted-id]
//! — sets the stream's last generated ID (and its counters). Options are
//! checked before the key; the key must exist.

use super::{arg_i64, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::params::notify;
use crate::engine::stream::{parse_id, StreamId};
use crate::engine::{EventKind, Profile, Reply};

fn err(text: &str) -> Error {
    Error::Other(format!("ERR {text}"))
}

pub(super) fn xsetid(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let id = parse_id(&argv[2], true, 0)?;
    let mut entries_added: Option<u64> = None;
    let mut max_deleted = StreamId::MIN;
    let mut i = 3;
    while i < argv.len() {
        let moreargs = argv.len() - 1 - i;
        if is_kw(&argv[i], "ENTRIESADDED") && moreargs > 0 {
            let n = arg_i64(&argv[i + 1])?;
            if n < 0 {
                return Err(err("entries_added must be positive"));
            }
            entries_added = Some(n as u64);
            i += 2;
        } else if is_kw(&argv[i], "MAXDELETEDID") && moreargs > 0 {
            max_deleted = parse_id(&argv[i + 1], true, 0)?;
            if id < max_deleted {
                return Err(err(
                    "The ID specified in XSETID is smaller than the provided max_deleted_entry_id",
                ));
            }
            i += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let key = &argv[1];
    let now = cx.now_ms;
    let profile = cx.engine.config.profile;
    let Some(entry) = cx.db().get(key, now) else {
        return Err(err("no such key"));
    };
    let stream = entry.value.stream()?;
    if profile == Profile::V8 && id < stream.max_deleted_entry_id() {
        return Err(err(
            "The ID specified in XSETID is smaller than current max_deleted_entry_id",
        ));
    }
    if !stream.is_empty() {
        let top = stream.last_valid_id().unwrap_or(StreamId::MIN);
        if id < top {
            return Err(err(
                "The ID specified in XSETID is smaller than the target stream top item",
            ));
        }
        if entries_added.is_some_and(|n| stream.len() > n) {
            return Err(err(
                "The entries_added specified in XSETID is smaller than the target stream length",
            ));
        }
    }
    cx.modify_stream(key, |s| {
        s.set_last_id(id);
        if let Some(n) = entries_added {
            s.set_entries_added(n);
        }
        if max_deleted != StreamId::MIN {
            s.set_max_deleted(max_deleted);
        }
    });
    cx.key_written(key);
    let meta = cx
        .db()
        .peek_stored(key)
        .and_then(|e| e.value.stream().ok())
        .map(|s| (s.last_id(), s.entries_added(), s.max_deleted_entry_id()));
    if let Some((last_id, entries_added, max_deleted_id)) = meta {
        let db = cx.db_index();
        cx.out.push_event(EventKind::StreamIdSet {
            db,
            key: key.clone(),
            last_id,
            entries_added,
            max_deleted_id,
        });
    }
    cx.notify(notify::STREAM, "xsetid", key);
    Ok(Reply::ok().into())
}
