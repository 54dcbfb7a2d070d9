//! XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK]
//! STREAMS key [key ...] id [id ...] — reads as a consumer of a group
//! (t_stream.c's `xreadCommand`, Redis 7.0.15). `>` delivers the entries after
//! the group's last delivered ID (moving it, updating `entries_read`, and,
//! unless NOACK, adding them to the group's and the consumer's PEL); an
//! explicit ID reads the consumer's own pending entries after it (deleted
//! entries come back as `[id, nil]`), counting a delivery for each. The reply
//! is XREAD's: `[key, entries]` pairs (RESP3: a map), a null array when
//! nothing was served.
//!
//! The consumer is created when a stream is served (7.0.15), or for every
//! stream named before anything is served (profile 8, Redis 7.2+). BLOCK waits
//! for `>` reads with nothing new; a write to one of the keys re-runs the
//! command, a deleted key answers `UNBLOCKED`, a destroyed group `NOGROUP`.

use super::xread::{parse_read_options, streams_reply, ReadOptions};
use super::{c_str, BlockOn, CmdResult, Cx, Flow, Serve};
use crate::engine::error::Error;
use crate::engine::params::notify;
use crate::engine::stream::{entry_reply, parse_id, Stream, StreamId, ENTRIES_READ_UNKNOWN};
use crate::engine::{Event, Profile, Reply};

/// `-NOGROUP No such key '<key>' or consumer group '<group>' in XREADGROUP
/// with GROUP option` (both written with `%s`).
fn no_key_or_group(key: &[u8], group: &[u8]) -> Error {
    Error::Other(format!(
        "NOGROUP No such key '{}' or consumer group '{}' in XREADGROUP with GROUP option",
        String::from_utf8_lossy(c_str(key)),
        String::from_utf8_lossy(c_str(group))
    ))
}

pub(super) fn xreadgroup(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let v7 = cx.engine.profile() == Profile::V7;
    let ReadOptions {
        timeout,
        count,
        streams_arg,
        group_consumer,
        noack,
    } = parse_read_options(argv, true, v7, cx.now_ms)?;
    if streams_arg == 0 {
        return Err(Error::Syntax);
    }
    let Some((group, consumer)) = group_consumer else {
        return Err(Error::Other(
            "ERR Missing GROUP option for XREADGROUP".into(),
        ));
    };
    let n = (argv.len() - streams_arg) / 2;
    let keys = &argv[streams_arg..streams_arg + n];
    let id_args = &argv[streams_arg + n..];

    // Each key and its group are looked up before its own ID is parsed.
    // `None` stands for `>`.
    let mut ids: Vec<Option<StreamId>> = Vec::with_capacity(n);
    for (key, arg) in keys.iter().zip(id_args) {
        let stream = cx.read_stream(key)?;
        if stream.and_then(|s| s.group(group)).is_none() {
            return Err(no_key_or_group(key, group));
        }
        let word = c_str(arg);
        if word == b"$" {
            return Err(Error::Other(
                "ERR The $ ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The $ ID would just return an empty result set."
                    .into(),
            ));
        }
        let id = if word == b">" {
            None
        } else {
            // The greatest ID is how Redis marks `>`, so it reads as `>`.
            Some(parse_id(arg, true, 0)?).filter(|id| *id != StreamId::MAX)
        };
        ids.push(id);
    }

    let now = cx.now_ms;
    let db = cx.db_index();
    let limit = usize::try_from(count).ok().filter(|&c| c > 0);
    let protocol = cx.engine.protocol(cx.client);
    let mut found = Vec::new();
    for (key, gt) in keys.iter().zip(&ids) {
        let has_group = cx
            .db()
            .get(key, now)
            .and_then(|e| e.value.stream().ok())
            .is_some_and(|s| s.group(group).is_some());
        if !has_group {
            continue;
        }
        if !v7 {
            ensure_consumer(cx, key, group, consumer, now);
        }
        let serve = match gt {
            Some(_) => true,
            None => cx
                .db()
                .get(key, now)
                .and_then(|e| e.value.stream().ok())
                .is_some_and(|s| {
                    s.group(group).is_some_and(|g| {
                        !s.is_empty() && s.last_valid_id().is_some_and(|last| last > g.last_id)
                    })
                }),
        };
        if !serve {
            continue;
        }
        if v7 {
            ensure_consumer(cx, key, group, consumer, now);
        }
        let (entries, delivered) = cx
            .modify_stream(key, |s| match gt {
                Some(gt) => read_history(s, group, consumer, *gt, limit, now),
                None => read_new(s, group, consumer, limit, noack, now),
            })
            .unwrap_or_default();
        cx.groups_changed(1);
        if !delivered.is_empty() {
            cx.out.events.push(Event::EntriesDelivered {
                db,
                key: key.clone(),
                group: group.to_vec(),
                consumer: consumer.to_vec(),
                ids: delivered,
            });
        }
        found.push((key.clone(), Reply::Array(entries)));
    }
    if !found.is_empty() {
        return Ok(streams_reply(protocol, found).into());
    }
    let Some(timeout_ms) = timeout else {
        return Ok(Reply::NullArray.into());
    };
    Ok(Flow::Block(BlockOn {
        keys: keys.to_vec(),
        timeout_ms,
        timeout_reply: Reply::NullArray,
        argv: None,
        serve: Serve::Group {
            group: group.to_vec(),
        },
    }))
}

/// Looks the consumer up (refreshing its seen-time) or creates it, with its
/// event and the `xgroup-createconsumer` notification.
fn ensure_consumer(cx: &mut Cx, key: &[u8], group: &[u8], consumer: &[u8], now: u64) {
    let created = cx
        .modify_stream(key, |s| {
            s.with_group(group, |g| {
                let created = g.create_consumer(consumer, now);
                g.touch_consumer(consumer, now, false);
                created
            })
        })
        .flatten()
        .unwrap_or(false);
    if created {
        cx.groups_changed(1);
        let db = cx.db_index();
        cx.out.events.push(Event::ConsumerCreated {
            db,
            key: key.to_vec(),
            group: group.to_vec(),
            consumer: consumer.to_vec(),
        });
        cx.notify(notify::STREAM, "xgroup-createconsumer", key);
    }
}

type Served = (Vec<Reply>, Vec<(StreamId, u64)>);

/// `streamReplyWithRangeFromConsumerPEL`: the consumer's pending entries
/// after `gt`.
fn read_history(
    s: &mut Stream,
    group: &[u8],
    consumer: &[u8],
    gt: StreamId,
    limit: Option<usize>,
    now: u64,
) -> Served {
    // `streamIncrID` of the greatest ID wraps to 0-0 (not reachable: that ID
    // reads as `>`).
    let start = gt.next().unwrap_or(StreamId::MIN);
    let ids: Vec<StreamId> = s
        .group(group)
        .and_then(|g| g.consumer(consumer))
        .map(|c| {
            c.pel
                .range(start..)
                .take(limit.unwrap_or(usize::MAX))
                .copied()
                .collect()
        })
        .unwrap_or_default();
    let mut entries = Vec::with_capacity(ids.len());
    let mut delivered = Vec::new();
    for id in ids {
        match s.get(id) {
            Some(fields) => {
                entries.push(entry_reply(id, &fields));
                if let Some(n) = s.with_group(group, |g| g.redeliver(id, now)).flatten() {
                    delivered.push((id, n));
                }
            }
            None => entries.push(Reply::Array(vec![id.reply(), Reply::NullArray])),
        }
    }
    (entries, delivered)
}

/// `streamReplyWithRange` with a group: the entries after the group's last
/// delivered ID.
fn read_new(
    s: &mut Stream,
    group: &[u8],
    consumer: &[u8],
    limit: Option<usize>,
    noack: bool,
    now: u64,
) -> Served {
    let Some(last) = s.group(group).map(|g| g.last_id) else {
        return Default::default();
    };
    let Some(start) = last.next() else {
        return Default::default();
    };
    let batch = s.range(start, StreamId::MAX, limit, false);
    let mut entries = Vec::with_capacity(batch.len());
    let mut delivered = Vec::with_capacity(batch.len());
    for (id, fields) in &batch {
        let id = *id;
        let g = s.group(group).map(|g| (g.last_id, g.entries_read));
        if let Some((glast, read)) = g {
            if id > glast {
                let read = if read != ENTRIES_READ_UNKNOWN && !s.has_tombstones_from(id) {
                    read + 1
                } else if s.entries_added() != 0 {
                    s.estimate_entries_read(id)
                } else {
                    read
                };
                s.with_group(group, |g| {
                    g.entries_read = read;
                    g.last_id = id;
                });
            }
        }
        entries.push(entry_reply(id, fields));
        if !noack {
            s.with_group(group, |g| g.deliver(id, consumer, now));
            delivered.push((id, 1));
        } else {
            delivered.push((id, 0));
        }
    }
    if !batch.is_empty() {
        s.with_group(group, |g| g.touch_consumer(consumer, now, true));
    }
    (entries, delivered)
}
