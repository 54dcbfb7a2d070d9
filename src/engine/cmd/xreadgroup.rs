//! XREADGROUP GROUP group consumer [COUNT count] [BLOCK milliseconds] [NOACK]
//! [CLAIM min-idle-time] STREAMS key [key ...] id [id ...] — reads as a consumer of a group
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
//! command (7.0: with only that key, and at most 1000 entries without COUNT),
//! a deleted key answers `UNBLOCKED`, a destroyed group `NOGROUP`.
//!
//! CLAIM (8 profile, Redis 8.4, from its source and docs only) first hands over
//! the group's pending entries idle for at least min-idle-time, oldest delivery
//! first, as `[id, fields, idle, delivery count]`, then the new entries as
//! `[id, fields, 0, 0]`; a blocked CLAIM reader also wakes when its oldest
//! pending entry becomes idle enough (`BlockOn::wake_at_ms`).

use super::xread::{parse_read_options, streams_reply, ReadOptions};
use super::{c_str, BlockOn, CmdResult, Cx, Flow, Serve};
use crate::engine::error::Error;
use crate::engine::stream::{entry_reply, parse_id, Stream, StreamId};
use crate::engine::{DeliveredEntry, DeliverySource, EventKind, Profile, Reply};

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
        claim,
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
        // `+` has the same error since Redis 7.4 (a8e745117; 8.0.2 answers it).
        if word == b"$" || (word == b"+" && cx.engine.profile() == Profile::V8) {
            let id = String::from_utf8_lossy(word);
            return Err(Error::Other(format!(
                "ERR The {id} ID is meaningless in the context of XREADGROUP: you want to read the history of this consumer by specifying a proper ID, or use the > ID to get new messages. The {id} ID would just return an empty result set."
            )));
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
    // A blocked 7.0 reader served without COUNT gets at most 1000 entries
    // (`XREAD_BLOCKED_DEFAULT_COUNT`); later Redis re-runs the command as typed.
    let count = if v7 && cx.reexec && count == 0 {
        super::xread::BLOCKED_DEFAULT_COUNT as u64
    } else {
        count
    };
    let limit = usize::try_from(count).ok().filter(|&c| c > 0);
    let protocol = cx.engine.protocol(cx.client);
    let mut found = Vec::new();
    // CLAIM: Redis's `min_idle_time`, which a history read (an explicit ID)
    // turns off for its own stream and every later one.
    let mut claim = claim;
    // The oldest delivery time among the first existing pending entry of each
    // stream, for the wake-up of a blocked CLAIM reader.
    let mut oldest_pending: Option<u64> = None;
    for (key, gt) in keys.iter().zip(&ids) {
        // Redis's serving loop looks every key up again (`lookupKeyRead`).
        cx.count_read_lookup(key);
        let has_group = cx
            .db()
            .get(key, now)
            .and_then(|e| e.value.stream().ok())
            .is_some_and(|s| s.group(group).is_some());
        if !has_group {
            continue;
        }
        let mut claimable = false;
        if let Some(min_idle) = claim {
            let first = cx
                .db()
                .get(key, now)
                .and_then(|e| e.value.stream().ok())
                .and_then(|s| {
                    let g = s.group(group)?;
                    g.pel_by_time()
                        .into_iter()
                        .find(|(id, _)| s.get(*id).is_some())
                });
            if let Some((_, time)) = first {
                oldest_pending = Some(oldest_pending.map_or(time, |t| t.min(time)));
                claimable = now.wrapping_sub(time) >= min_idle;
            }
        }
        if !v7 {
            ensure_consumer(cx, key, group, consumer, now);
        }
        let mut serve = match gt {
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
        let mut claimed_only = false;
        if gt.is_some() {
            // "CLAIM option is ignored when we serve from consumer history."
            claim = None;
        } else if !serve && claimable {
            serve = true;
            claimed_only = true;
        }
        if !serve {
            continue;
        }
        if v7 {
            ensure_consumer(cx, key, group, consumer, now);
        }
        let read = NewRead {
            limit,
            noack,
            claim: if gt.is_some() { None } else { claim },
            claimed_only,
            now,
            v8: !v7,
        };
        let (entries, delivered) = cx
            .modify_stream(key, |s| match gt {
                Some(gt) => read_history(s, group, consumer, *gt, limit, now),
                None => read_new(s, group, consumer, &read),
            })
            .unwrap_or_default();
        // Reading a consumer's history changes nothing since Redis 7.4 (0e1de78fc:
        // `server.dirty` only for `>`; 8.0.2 counts so); 7.0.15 counts every read.
        if v7 || gt.is_none() {
            cx.groups_changed(1);
        }
        if !delivered.is_empty() {
            let (last_id, entries_read, lag) =
                cx.group_position(key, group)
                    .unwrap_or((StreamId::MIN, None, None));
            cx.out.push_event(EventKind::EntriesDelivered {
                db,
                key: key.clone(),
                group: group.to_vec(),
                consumer: consumer.to_vec(),
                entries: delivered,
                last_id,
                entries_read,
                lag,
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
    // A CLAIM reader also wakes when the oldest pending entry becomes idle
    // enough (or, with none pending, after min-idle-time).
    let wake_at_ms = claim.map(|min_idle| min_idle.saturating_add(oldest_pending.unwrap_or(now)));
    Ok(Flow::Block(BlockOn {
        keys: keys.to_vec(),
        timeout_ms,
        timeout_reply: Reply::NullArray,
        argv: None,
        serve: Serve::Group {
            group: group.to_vec(),
        },
        wake_at_ms,
    }))
}

/// A blocked 7.0 XREADGROUP is served in place from the one key that became
/// ready (`serveClientsBlockedOnStreamKey`): its command re-run with just that
/// key (and its `>`), so the other streams are neither read nor given the
/// consumer.
pub(crate) fn single_stream_argv(argv: &[Vec<u8>], key: &[u8]) -> Vec<Vec<u8>> {
    let Ok(o) = parse_read_options(argv, true, true, 0) else {
        return argv.to_vec();
    };
    if o.streams_arg == 0 {
        return argv.to_vec();
    }
    let n = (argv.len() - o.streams_arg) / 2;
    let keys = &argv[o.streams_arg..o.streams_arg + n];
    let Some(i) = keys.iter().position(|k| k.as_slice() == key) else {
        return argv.to_vec();
    };
    let mut one = argv[..o.streams_arg].to_vec();
    one.push(keys[i].clone());
    one.push(argv[o.streams_arg + n + i].clone());
    one
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
        .flatten();
    if created == Some(true) {
        cx.groups_changed(1);
        cx.consumer_created(key, group, consumer);
    }
    if created.is_some() {
        cx.consumer_seen(key, group, consumer);
    }
}

type Served = (Vec<Reply>, Vec<DeliveredEntry>);

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
                if let Some(n) = s
                    .with_group(group, |g| {
                        let n = g.redeliver(id, now);
                        g.touch_order(id);
                        n
                    })
                    .flatten()
                {
                    delivered.push(DeliveredEntry {
                        id,
                        delivery_count: n,
                        source: DeliverySource::History,
                    });
                }
            }
            None => entries.push(Reply::Array(vec![id.reply(), Reply::NullArray])),
        }
    }
    (entries, delivered)
}

/// How a `>` read goes.
struct NewRead {
    limit: Option<usize>,
    noack: bool,
    /// CLAIM's min-idle-time.
    claim: Option<u64>,
    /// Only the claimable pending entries (nothing new to read).
    claimed_only: bool,
    now: u64,
    /// The 8 profile (its `entries_read` rule).
    v8: bool,
}

/// `streamReplyWithRange` with a group: with CLAIM first the pending entries
/// idle for at least min-idle-time, oldest delivery first, each as `[id,
/// fields, idle, delivery count]` and moved to this consumer; then the entries
/// after the group's last delivered ID (with CLAIM as `[id, fields, 0, 0]`).
/// COUNT bounds both together.
fn read_new(s: &mut Stream, group: &[u8], consumer: &[u8], r: &NewRead) -> Served {
    let now = r.now;
    let limit = r.limit;
    let mut entries = Vec::new();
    let mut delivered = Vec::new();
    if let Some(min_idle) = r.claim {
        let order = s.group(group).map(|g| g.pel_by_time()).unwrap_or_default();
        for (id, time) in order {
            let idle = now.wrapping_sub(time);
            if idle < min_idle {
                break;
            }
            // A pending entry deleted from the stream is passed over.
            let Some(fields) = s.get(id) else {
                continue;
            };
            let Some(before) = s
                .with_group(group, |g| g.claim_for_read(id, consumer, now))
                .flatten()
            else {
                continue;
            };
            entries.push(Reply::Array(vec![
                id.reply(),
                fields_reply(&fields),
                Reply::Integer(idle as i64),
                Reply::Integer(before as i64),
            ]));
            delivered.push(DeliveredEntry {
                id,
                delivery_count: before.saturating_add(1).min(i64::MAX as u64),
                source: DeliverySource::ClaimedIdle,
            });
            if limit.is_some_and(|c| entries.len() >= c) {
                break;
            }
        }
    }
    if r.claimed_only || limit.is_some_and(|c| entries.len() == c) {
        return (entries, delivered);
    }
    let Some(last) = s.group(group).map(|g| g.last_id) else {
        return (entries, delivered);
    };
    let Some(start) = last.next() else {
        return (entries, delivered);
    };
    let room = limit.map(|c| c - entries.len());
    let batch = s.range(start, StreamId::MAX, room, false);
    for (id, fields) in &batch {
        let id = *id;
        let read = s
            .group(group)
            .filter(|g| id > g.last_id)
            .map(|g| s.entries_read_after(g, id, r.v8));
        if let Some(read) = read {
            {
                s.with_group(group, |g| {
                    g.entries_read = read;
                    g.last_id = id;
                });
            }
        }
        if r.claim.is_some() {
            entries.push(Reply::Array(vec![
                id.reply(),
                fields_reply(fields),
                Reply::Integer(0),
                Reply::Integer(0),
            ]));
        } else {
            entries.push(entry_reply(id, fields));
        }
        if !r.noack {
            s.with_group(group, |g| {
                g.deliver(id, consumer, now);
                g.touch_order(id);
            });
        }
        delivered.push(DeliveredEntry {
            id,
            delivery_count: u64::from(!r.noack),
            source: DeliverySource::New,
        });
    }
    if !batch.is_empty() {
        // Redis sets `active_time` with each NACK it creates, so not for NOACK.
        s.with_group(group, |g| g.touch_consumer(consumer, now, !r.noack));
    }
    (entries, delivered)
}

/// An entry's `[field, value, ...]` array.
fn fields_reply(fields: &crate::engine::stream::Fields) -> Reply {
    match entry_reply(StreamId::MIN, fields) {
        Reply::Array(mut v) if v.len() == 2 => v.pop().unwrap_or(Reply::NullArray),
        other => other,
    }
}
