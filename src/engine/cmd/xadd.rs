//! XADD key [NOMKSTREAM] [KEEPREF | DELREF | ACKED] [<MAXLEN | MINID> [= | ~] threshold [LIMIT count]]
//! <* | id> field value [field value ...] — appends an entry and answers its
//! ID; then trims if asked.

use super::xtrim::{parse_add_or_trim_args, removed_event, trim_reason};
use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;
use crate::engine::stream::{Stream, StreamId};
use crate::engine::{EventKind, Profile, Reply};

fn err(text: &str) -> Error {
    Error::Other(format!("ERR {text}"))
}

fn equal_or_smaller() -> Error {
    err("The ID specified in XADD is equal or smaller than the target stream top item")
}

/// `streamAppendItem`'s choice of ID: `*` from the clock (never going back),
/// `ms-*` with the next sequence, or the explicit ID, which must be greater
/// than the last one.
fn next_id(
    last: StreamId,
    given: Option<(StreamId, bool)>,
    now_ms: u64,
    profile: Profile,
) -> Result<StreamId, Error> {
    let id = match given {
        None => {
            if now_ms > last.ms {
                StreamId::new(now_ms, 0)
            } else {
                // `last` is not the greatest ID here (checked before).
                last.next().ok_or_else(equal_or_smaller)?
            }
        }
        Some((id, true)) => id,
        Some((id, false)) => {
            if id.ms == last.ms {
                if last.seq == u64::MAX {
                    // 7.0.15 fails without setting errno, which reads as the
                    // size error; 7.2 fixed it (SPEC §10).
                    return Err(match profile {
                        Profile::V7 => err("Elements are too large to be stored"),
                        Profile::V8 => equal_or_smaller(),
                    });
                }
                StreamId::new(last.ms, last.seq + 1)
            } else {
                id
            }
        }
    };
    if id <= last {
        return Err(equal_or_smaller());
    }
    Ok(id)
}

pub(super) fn xadd(cx: &mut Cx) -> CmdResult {
    let args = parse_add_or_trim_args(cx, true)?;
    let argv = cx.argv;
    let field_pos = args.id_pos + 1;
    let nfields = argv.len().saturating_sub(field_pos);
    if nfields < 2 || nfields % 2 == 1 {
        return Err(Error::WrongArity(cx.spec.fullname.to_string()));
    }
    if let Some((id, true)) = args.id {
        if id == StreamId::MIN {
            return Err(err("The ID specified in XADD must be greater than 0-0"));
        }
    }
    let key = &argv[1];
    let now = cx.now_ms;
    if !cx.write_stream_exists(key)? {
        if args.no_mkstream {
            return Ok(Reply::Null.into());
        }
        cx.db().set(
            key.clone(),
            Entry::new(Value::Stream(Box::new(Stream::new())), None),
        );
        cx.notify(notify::NEW, "new", key);
    }
    let last = cx
        .db()
        .get(key, now)
        .and_then(|e| e.value.stream().ok())
        .map_or(StreamId::MIN, Stream::last_id);
    if last == StreamId::MAX {
        return Err(err(
            "The stream has exhausted the last possible ID, unable to add more items",
        ));
    }
    let id = next_id(last, args.id, now, cx.engine.config.profile)?;
    let pairs = &argv[field_pos..];
    let total: u64 = pairs.iter().map(|p| p.len() as u64).sum();
    if total > 1 << 30 {
        return Err(err("Elements are too large to be stored"));
    }
    let limits = cx.engine.settings.stream_node_limits();
    let trim = args.trim;
    // The node count between the append and the trim, so that the removal
    // event counts only the nodes the trim took.
    let (removed, dropped, nodes_before) = cx
        .modify_stream(key, |s| {
            s.append(id, pairs, limits);
            let nodes = s.node_count();
            let (removed, dropped) = trim.map(|spec| s.trim_with_refs(spec)).unwrap_or_default();
            (removed, dropped, nodes)
        })
        .unwrap_or_default();
    cx.key_written(key);
    let db = cx.db_index();
    cx.out.push_event(EventKind::StreamEntryAdded {
        db,
        key: key.clone(),
        id,
        fields: pairs.to_vec(),
    });
    cx.notify(notify::STREAM, "xadd", key);
    super::xdelex::refs_dropped(cx, key, dropped);
    if !removed.is_empty() {
        cx.notify(notify::STREAM, "xtrim", key);
        if let Some(spec) = &trim {
            removed_event(cx, key, removed, trim_reason(spec), nodes_before);
        }
    } else if let Some(spec) = trim
        .as_ref()
        .filter(|_| cx.stream_nodes(key) != nodes_before)
    {
        // A trim that removed no entry can still free a node that held only deleted ones:
        // no notification (Redis sends none), but the views' node layout changed.
        removed_event(cx, key, removed, trim_reason(spec), nodes_before);
    }
    Ok(id.reply().into())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn ids_never_go_back() {
        let last = StreamId::new(100, 5);
        let p = Profile::V7;
        assert_eq!(next_id(last, None, 200, p), Ok(StreamId::new(200, 0)));
        assert_eq!(next_id(last, None, 100, p), Ok(StreamId::new(100, 6)));
        assert_eq!(next_id(last, None, 50, p), Ok(StreamId::new(100, 6)));
        let maxed = StreamId::new(100, u64::MAX);
        assert_eq!(next_id(maxed, None, 50, p), Ok(StreamId::new(101, 0)));
        assert_eq!(
            next_id(last, Some((StreamId::new(100, 0), false)), 0, p),
            Ok(StreamId::new(100, 6))
        );
        assert!(next_id(maxed, Some((StreamId::new(100, 0), false)), 0, p)
            .unwrap_err()
            .to_string()
            .contains("too large"));
        assert!(
            next_id(maxed, Some((StreamId::new(100, 0), false)), 0, Profile::V8)
                .unwrap_err()
                .to_string()
                .contains("equal or smaller")
        );
    }
}
