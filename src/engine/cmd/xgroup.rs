//! XGROUP CREATE key group <id|$> [MKSTREAM] [ENTRIESREAD n],
//! XGROUP SETID key group <id|$> [ENTRIESREAD n], XGROUP DESTROY key group,
//! XGROUP CREATECONSUMER key group consumer, XGROUP DELCONSUMER key group
//! consumer, XGROUP HELP — consumer groups (t_stream.c's `xgroupCommand`,
//! Redis 7.0.15): options are read first, then the key and the group are
//! looked up, then the subcommand's own argument count is checked. Group
//! changes count as changes (`dirty`) but touch no WATCHed key (7.0.15).

use super::{arg_i64, c_str, help_reply, is_kw, subcommand_syntax, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;
use crate::engine::stream::{parse_id, Stream, StreamId, ENTRIES_READ_UNKNOWN};
use crate::engine::{EventKind, Profile, Reply};

/// `XGROUP` alone never reaches a handler (its arity is -2), and an unknown
/// subcommand is refused by the table.
pub(super) fn container(cx: &mut Cx) -> CmdResult {
    Err(Error::UnknownSubcommand {
        container: "XGROUP".into(),
        sub: cx.argv.get(1).cloned().unwrap_or_default(),
    })
}

/// The help text of redis-server 7.0.15, verbatim.
const HELP: &[&str] = &[
    "CREATE <key> <groupname> <id|$> [option]",
    "    Create a new consumer group. Options are:",
    "    * MKSTREAM",
    "      Create the empty stream if it does not exist.",
    "    * ENTRIESREAD entries_read",
    "      Set the group's entries_read counter (internal use).",
    "CREATECONSUMER <key> <groupname> <consumer>",
    "    Create a new consumer in the specified group.",
    "DELCONSUMER <key> <groupname> <consumer>",
    "    Remove the specified consumer.",
    "DESTROY <key> <groupname>",
    "    Remove the specified group.",
    "SETID <key> <groupname> <id|$> [ENTRIESREAD entries_read]",
    "    Set the current group ID and entries_read counter.",
];

/// `-NOGROUP No such consumer group '<group>' for key name '<key>'` (both
/// written with `%s`, so each stops at a NUL byte).
pub(crate) fn no_group(group: &[u8], key: &[u8]) -> Reply {
    let mut line = b"NOGROUP No such consumer group '".to_vec();
    line.extend_from_slice(c_str(group));
    line.extend_from_slice(b"' for key name '");
    line.extend_from_slice(c_str(key));
    line.push(b'\'');
    Reply::Error(line)
}

fn positive_error() -> Error {
    Error::Other("ERR value for ENTRIESREAD must be positive or -1".into())
}

pub(super) fn xgroup(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let argc = argv.len();
    let opt = &argv[1];
    if is_kw(opt, "help") {
        if argc == 2 {
            return Ok(help_reply(cx, HELP).into());
        }
        return Err(subcommand_syntax(argv));
    }
    let create = is_kw(opt, "create");
    let setid = is_kw(opt, "setid");
    let mut mkstream = false;
    let mut entries_read = ENTRIES_READ_UNKNOWN;
    if create || setid {
        let mut i = 5;
        while i < argc {
            if create && is_kw(&argv[i], "mkstream") {
                mkstream = true;
                i += 1;
            } else if is_kw(&argv[i], "entriesread") && i + 1 < argc {
                entries_read = arg_i64(&argv[i + 1])?;
                if entries_read < 0 && entries_read != ENTRIES_READ_UNKNOWN {
                    return Err(positive_error());
                }
                i += 2;
            } else {
                return Err(subcommand_syntax(argv));
            }
        }
    }
    let key = &argv[2];
    let group = &argv[3];
    let now = cx.now_ms;
    let (exists, group_exists, last_id) = match cx.db().get(key, now) {
        None => (false, false, StreamId::MIN),
        Some(e) => {
            let s = e.value.stream()?;
            (true, s.group(group).is_some(), s.last_id())
        }
    };
    if !mkstream {
        if !exists {
            return Err(Error::Other(
                "ERR The XGROUP subcommand requires the key to exist. Note that for CREATE you \
                 may want to use the MKSTREAM option to create an empty stream automatically."
                    .into(),
            ));
        }
        if !group_exists && (setid || is_kw(opt, "createconsumer") || is_kw(opt, "delconsumer")) {
            return Ok(no_group(group, key).into());
        }
    }
    let db = cx.db_index();
    if create && (5..=8).contains(&argc) {
        let id = if argv[4] == b"$" {
            last_id
        } else {
            parse_id(&argv[4], true, 0)?
        };
        if !exists {
            cx.db().set(
                key.clone(),
                Entry::new(Value::Stream(Box::new(Stream::new())), None),
            );
            cx.notify(notify::NEW, "new", key);
        }
        let v8 = cx.engine.profile() == Profile::V8;
        let created = cx
            .modify_stream(key, |s| {
                let entries_read = clamp_entries_read(s, entries_read, v8);
                s.create_group(group, id, entries_read)
            })
            .unwrap_or(false);
        if !created {
            return Err(Error::Other(
                "BUSYGROUP Consumer Group name already exists".into(),
            ));
        }
        if exists {
            cx.groups_changed(1);
        } else {
            // A new key: written (WATCH, events) as any new key is.
            cx.key_written(key);
        }
        let entries_read = cx.group_position(key, group).and_then(|p| p.1);
        cx.out.push_event(EventKind::GroupCreated {
            db,
            key: key.clone(),
            group: group.clone(),
            last_id: id,
            entries_read,
        });
        cx.notify(notify::STREAM, "xgroup-create", key);
        Ok(Reply::ok().into())
    } else if setid && (argc == 5 || argc == 7) {
        let id = if argv[4] == b"$" {
            last_id
        } else {
            parse_id(&argv[4], false, 0)?
        };
        let v8 = cx.engine.profile() == Profile::V8;
        cx.modify_stream(key, |s| {
            let entries_read = clamp_entries_read(s, entries_read, v8);
            s.with_group(group, |g| {
                g.last_id = id;
                g.entries_read = entries_read;
            })
        });
        cx.groups_changed(1);
        let entries_read = cx.group_position(key, group).and_then(|p| p.1);
        cx.out.push_event(EventKind::GroupIdSet {
            db,
            key: key.clone(),
            group: group.clone(),
            last_id: id,
            entries_read,
        });
        cx.notify(notify::STREAM, "xgroup-setid", key);
        Ok(Reply::ok().into())
    } else if is_kw(opt, "destroy") && argc == 4 {
        if !group_exists {
            return Ok(Reply::Integer(0).into());
        }
        let pending = cx
            .db()
            .peek_stored(key)
            .and_then(|e| e.value.stream().ok())
            .and_then(|s| s.group(group))
            .map_or(0, |g| g.pel().len() as u64);
        cx.modify_stream(key, |s| s.destroy_group(group));
        cx.groups_changed(1);
        cx.out.push_event(EventKind::GroupDestroyed {
            db,
            key: key.clone(),
            group: group.clone(),
            pending,
        });
        cx.notify(notify::STREAM, "xgroup-destroy", key);
        // XREADGROUP readers blocked on the group get -NOGROUP.
        cx.engine.signal_key_ready(db, key);
        Ok(Reply::Integer(1).into())
    } else if is_kw(opt, "createconsumer") && argc == 5 {
        let consumer = &argv[4];
        let created = cx
            .modify_stream(key, |s| {
                s.with_group(group, |g| g.create_consumer(consumer, now))
            })
            .flatten()
            .unwrap_or(false);
        if created {
            cx.groups_changed(1);
            cx.consumer_created(key, group, consumer);
        }
        Ok(Reply::Integer(i64::from(created)).into())
    } else if is_kw(opt, "delconsumer") && argc == 5 {
        let consumer = &argv[4];
        let existed = cx
            .db()
            .get(key, now)
            .and_then(|e| e.value.stream().ok())
            .and_then(|s| s.group(group))
            .is_some_and(|g| g.consumer(consumer).is_some());
        let pending = cx
            .modify_stream(key, |s| {
                s.with_group(group, |g| g.delete_consumer(consumer))
            })
            .flatten()
            .unwrap_or(0);
        if existed {
            cx.groups_changed(1);
            cx.out.push_event(EventKind::ConsumerDeleted {
                db,
                key: key.clone(),
                group: group.clone(),
                consumer: consumer.clone(),
                pending,
            });
            cx.notify(notify::STREAM, "xgroup-delconsumer", key);
        }
        Ok(Reply::Integer(pending as i64).into())
    } else {
        Err(subcommand_syntax(argv))
    }
}

/// Redis 8.2.2+ (the 8 profile) caps a given ENTRIESREAD at the stream's
/// `entries_added`; 7.0.15 keeps it as given, so the lag can go negative.
fn clamp_entries_read(s: &Stream, entries_read: i64, v8: bool) -> i64 {
    if v8 && entries_read != ENTRIES_READ_UNKNOWN && entries_read as u64 > s.entries_added() {
        s.entries_added() as i64
    } else {
        entries_read
    }
}
