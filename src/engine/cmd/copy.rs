//! COPY source destination [DB destination-db] [REPLACE]
//!
//! `copyCommand`: options first (a bad DB index is an error even when the
//! source is missing), then the same-object check, then the keys. The copy
//! keeps the source's expiry time; an integer copy is a private object, not
//! one of Redis's shared integers.

use super::{arg_i64, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;
use crate::engine::{Reply, DATABASES};

pub(super) fn copy(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let src_db = cx.db_index();
    let mut dst_db = src_db;
    let mut replace = false;
    let mut j = 3;
    while j < argv.len() {
        let additional = argv.len() - j - 1;
        if is_kw(&argv[j], "replace") {
            replace = true;
        } else if is_kw(&argv[j], "db") && additional >= 1 {
            // getIntFromObjectOrReply, then selectDb's range check.
            let id = arg_i64(&argv[j + 1])?;
            let id = i32::try_from(id).map_err(|_| {
                Error::Other(
                    "ERR value is out of range, value must between -2147483648 and 2147483647"
                        .into(),
                )
            })?;
            if id < 0 || id as usize >= DATABASES {
                return Err(Error::DbIndexOutOfRange);
            }
            dst_db = id as usize;
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }

    let (src, dst) = (&argv[1], &argv[2]);
    if src_db == dst_db && src == dst {
        return Err(Error::Other(
            "ERR source and destination objects are the same".into(),
        ));
    }
    let now = cx.now_ms;
    // `lookupKeyRead` of the source: a keyspace hit or miss.
    cx.count_read_lookup(src);
    let Some(entry) = cx.engine.dbs[src_db].get(src, now) else {
        return Ok(Reply::Integer(0).into());
    };
    // dupStringObject and friends: the same value as a new object.
    let repr = match &entry.value {
        Value::String(bytes) => entry.repr.copied(bytes),
        _ => entry.repr,
    };
    let copy = Entry {
        repr,
        ..entry.clone()
    };
    let target = &mut cx.engine.dbs[dst_db];
    if target.contains(dst, now) {
        if !replace {
            return Ok(Reply::Integer(0).into());
        }
        target.remove(dst, now);
        // The replaced value is gone: views are told, though Redis counts no change for it.
        cx.out.push_event(crate::engine::EventKind::KeyDeleted {
            db: dst_db,
            key: dst.clone(),
        });
    }
    target.set(dst.clone(), copy);
    cx.key_written_in(dst_db, dst);
    cx.notify_in(dst_db, notify::NEW, "new", dst);
    cx.notify_in(dst_db, notify::GENERIC, "copy_to", dst);
    Ok(Reply::Integer(1).into())
}
