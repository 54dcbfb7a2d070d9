//! XCLAIM key group consumer min-idle-time id [id ...] [IDLE ms]
//! [TIME unix-time-milliseconds] [RETRYCOUNT count] [FORCE] [JUSTID]
//! [LASTID lastid] — takes pending entries of a group over for a consumer
//! (t_stream.c's `xclaimCommand`, Redis 7.0.15). The key and group are looked
//! up first, then min-idle-time; the IDs run up to the first argument that is
//! not a strict ID, which starts the options. An entry gone from the stream
//! has its NACK deleted and is left out of the reply; FORCE makes an existing
//! entry pending; an owned entry idle less than min-idle-time stays where it
//! is. The reply lists the claimed entries (JUSTID: their IDs).
//!
//! The consumer is created when the first entry is claimed (7.0.15), or before
//! anything is claimed (profile 8, Redis 7.2+, which also records the claims
//! as the consumer's activity).

use super::{c_str, error_with_arg, is_kw, string2ll, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::stream::{entry_reply, parse_id, ClaimSpec, StreamId};
use crate::engine::{ClaimCommand, ClaimedEntry, EventKind, Profile, Reply};

/// `-NOGROUP No such key '<key>' or consumer group '<group>'` (XCLAIM,
/// XAUTOCLAIM), the names written as C strings.
pub(super) fn no_key_or_group(key: &[u8], group: &[u8]) -> Reply {
    let mut line = b"NOGROUP No such key '".to_vec();
    line.extend_from_slice(c_str(key));
    line.extend_from_slice(b"' or consumer group '");
    line.extend_from_slice(c_str(group));
    line.push(b'\'');
    Reply::Error(line)
}

/// `getLongLongFromObjectOrReply` with the command's own message.
pub(super) fn integer_or(arg: &[u8], message: &str) -> Result<i64, Error> {
    string2ll(arg).ok_or_else(|| Error::Other(message.to_string()))
}

pub(super) fn xclaim(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (key, group, consumer) = (&argv[1], &argv[2], &argv[3]);
    let stream = cx.read_stream(key)?;
    if stream.and_then(|s| s.group(group)).is_none() {
        return Ok(no_key_or_group(key, group).into());
    }
    let min_idle = integer_or(&argv[4], "ERR Invalid min-idle-time argument for XCLAIM")?.max(0);

    // The IDs are parsed up front so that the command runs all or nothing;
    // the first argument that is not an ID starts the options.
    let mut ids: Vec<StreamId> = Vec::new();
    let mut j = 5;
    while let Some(id) = argv.get(j).and_then(|a| parse_id(a, true, 0).ok()) {
        ids.push(id);
        j += 1;
    }
    let now = cx.now_ms as i64;
    // -1 stands for "not given", as in Redis (so `IDLE <now+1>` reads as not given).
    let mut delivery_time: i64 = -1;
    let mut retry_count: i64 = -1;
    let mut force = false;
    let mut justid = false;
    let mut last_id = StreamId::MIN;
    while j < argv.len() {
        let more = j + 1 < argv.len();
        let opt = &argv[j];
        if is_kw(opt, "FORCE") {
            force = true;
        } else if is_kw(opt, "JUSTID") {
            justid = true;
        } else if is_kw(opt, "IDLE") && more {
            j += 1;
            let idle = integer_or(&argv[j], "ERR Invalid IDLE option argument for XCLAIM")?;
            delivery_time = now.wrapping_sub(idle);
        } else if is_kw(opt, "TIME") && more {
            j += 1;
            delivery_time = integer_or(&argv[j], "ERR Invalid TIME option argument for XCLAIM")?;
        } else if is_kw(opt, "RETRYCOUNT") && more {
            j += 1;
            retry_count = integer_or(
                &argv[j],
                "ERR Invalid RETRYCOUNT option argument for XCLAIM",
            )?;
        } else if is_kw(opt, "LASTID") && more {
            j += 1;
            last_id = parse_id(&argv[j], true, 0)?;
        } else {
            return Ok(error_with_arg("ERR Unrecognized XCLAIM option '", opt, "'").into());
        }
        j += 1;
    }
    // A time in the future or before the epoch is taken as now: clients may
    // compute it from a clock that is a little off.
    if delivery_time < 0 || delivery_time > now {
        delivery_time = now;
    }
    let spec = ClaimSpec {
        now_ms: cx.now_ms,
        min_idle_ms: min_idle,
        delivery_time_ms: delivery_time as u64,
        retry_count: u64::try_from(retry_count).ok(),
        justid,
        force,
    };

    let v7 = cx.engine.profile() == Profile::V7;
    let db = cx.db_index();
    let mut created = false;
    let result = cx.modify_stream(key, |s| {
        let (moved, claimed, deleted) = s
            .with_group_and_entries(group, |g, exists| {
                let moved = last_id > g.last_id;
                if moved {
                    g.last_id = last_id;
                }
                let had_consumer = g.consumer(consumer).is_some();
                if !v7 {
                    g.create_consumer(consumer, spec.now_ms);
                    g.touch_consumer(consumer, spec.now_ms, false);
                }
                let mut claimed: Vec<ClaimedEntry> = Vec::new();
                let mut deleted = Vec::new();
                for &id in &ids {
                    if !exists(id) {
                        // The entry is gone: its NACK goes too.
                        if g.ack(id) {
                            deleted.push(id);
                        }
                        continue;
                    }
                    if let Some(c) = g.claim(id, consumer, &spec) {
                        claimed.push(c);
                    }
                }
                created = !had_consumer && g.consumer(consumer).is_some();
                (moved, claimed, deleted)
            })
            .unwrap_or_default();
        let items: Vec<Reply> = claimed
            .iter()
            .map(|c| {
                if justid {
                    return c.id.reply();
                }
                let fields = s.get(c.id);
                debug_assert!(fields.is_some(), "a claimed entry is in the stream");
                fields.map_or_else(|| c.id.reply(), |f| entry_reply(c.id, &f))
            })
            .collect();
        (moved, claimed, deleted, items)
    });
    let Some((moved, claimed, deleted, items)) = result else {
        return Ok(Reply::Array(Vec::new()).into());
    };
    let mut changes = claimed.len() + deleted.len();
    if moved {
        // Redis counts the new last ID as a change of its own only when
        // nothing was claimed or deleted (it travels with the claims).
        if claimed.is_empty() && deleted.is_empty() {
            changes += 1;
        }
        let entries_read = cx.group_position(key, group).and_then(|p| p.1);
        cx.out.push_event(EventKind::GroupIdSet {
            db,
            key: key.clone(),
            group: group.clone(),
            last_id,
            entries_read,
        });
    }
    let claims = Claims {
        created,
        claimed,
        deleted,
        changes,
        by: ClaimCommand::Xclaim,
    };
    report_claims(cx, key, group, consumer, claims);
    Ok(Reply::Array(items).into())
}

/// What a claim did, for `report_claims`.
pub(super) struct Claims {
    /// The consumer was created by the claim.
    pub created: bool,
    pub claimed: Vec<ClaimedEntry>,
    /// Pending IDs whose entries were gone; their NACKs were deleted.
    pub deleted: Vec<StreamId>,
    /// Changes counted so far (`server.dirty`).
    pub changes: usize,
    pub by: ClaimCommand,
}

/// What XCLAIM and XAUTOCLAIM report after claiming: the consumer they made
/// (one more change), the `EntriesClaimed` event when anything was claimed or
/// deleted, and the count of changes (`server.dirty`).
pub(super) fn report_claims(
    cx: &mut Cx,
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    claims: Claims,
) {
    let Claims {
        created,
        claimed,
        deleted,
        mut changes,
        by,
    } = claims;
    if created {
        changes += 1;
        cx.consumer_created(key, group, consumer);
    }
    // Profile 8 looks the consumer up before claiming (its seen-time), claims or not.
    if cx.engine.profile() != crate::engine::Profile::V7 {
        cx.consumer_seen(key, group, consumer);
    }
    if !claimed.is_empty() || !deleted.is_empty() {
        let db = cx.db_index();
        cx.out.push_event(EventKind::EntriesClaimed {
            db,
            key: key.to_vec(),
            group: group.to_vec(),
            consumer: consumer.to_vec(),
            claimed,
            deleted,
            by,
        });
    }
    cx.groups_changed(changes as i64);
}
