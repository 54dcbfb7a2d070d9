//! XAUTOCLAIM key group consumer min-idle-time start [COUNT count] [JUSTID] —
//! claims a group's pending entries idle at least min-idle-time, scanning its
//! PEL from `start` (`(` exclusive) like a cursor (t_stream.c's
//! `xautoclaimCommand`, Redis 7.0.15). At most COUNT entries (default 100)
//! are taken and COUNT * 10 looked at; a pending entry gone from the stream
//! is deleted from the PEL, counts against COUNT and is listed in the third
//! reply element. The reply is `[next cursor (0-0 at the end), claimed
//! entries (JUSTID: IDs), deleted IDs]`. min-idle-time, start and the options
//! are checked before the key and group.
//!
//! The consumer is created when the first entry is claimed (7.0.15), or before
//! the scan (profile 8, Redis 7.2+).

use super::xclaim::{integer_or, no_key_or_group};
use super::{is_kw, string2ll, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::stream::{entry_reply, parse_interval_id, AutoClaimed, ClaimSpec};
use crate::engine::{Profile, Reply};

/// The greatest COUNT: `LONG_MAX / max(sizeof(streamID), attempts factor)`.
const MAX_COUNT: i64 = i64::MAX / 16;

/// Redis allocates 16 bytes per COUNT for the deleted IDs before it scans
/// (`ztrymalloc`) and fails when the allocation does. Where that happens
/// depends on the machine; the engine fails where the reference machine's
/// redis-server 7.0.15 did (measured: COUNT 5497558138880 works, one more
/// fails), at 80 TiB.
const MAX_DELETED_IDS_BYTES: u64 = 80 << 40;

pub(super) fn xautoclaim(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (key, group, consumer) = (&argv[1], &argv[2], &argv[3]);
    // The key is looked up (and counted as a read) before anything is checked.
    cx.count_read_lookup(key);
    let min_idle = integer_or(
        &argv[4],
        "ERR Invalid min-idle-time argument for XAUTOCLAIM",
    )?
    .max(0);
    let (mut start, exclusive) = parse_interval_id(&argv[5], 0)?;
    if exclusive {
        start = start
            .next()
            .ok_or_else(|| Error::Other("ERR invalid start ID for the interval".into()))?;
    }
    let mut count: i64 = 100;
    let mut justid = false;
    let mut j = 6;
    while j < argv.len() {
        let more = j + 1 < argv.len();
        if is_kw(&argv[j], "COUNT") && more {
            count = string2ll(&argv[j + 1])
                .filter(|n| (1..=MAX_COUNT).contains(n))
                .ok_or_else(|| Error::Other("ERR COUNT must be > 0".into()))?;
            j += 2;
        } else if is_kw(&argv[j], "JUSTID") {
            justid = true;
            j += 1;
        } else {
            return Err(Error::Syntax);
        }
    }

    let now = cx.now_ms;
    let has_group = match cx.db().get(key, now) {
        None => false,
        Some(e) => e.value.stream()?.group(group).is_some(),
    };
    if !has_group {
        return Ok(no_key_or_group(key, group).into());
    }
    if (count as u64).saturating_mul(16) > MAX_DELETED_IDS_BYTES {
        return Err(Error::Other(
            "ERR Insufficient memory, failed allocating transient memory, COUNT too high.".into(),
        ));
    }
    let spec = ClaimSpec {
        now_ms: now,
        min_idle_ms: min_idle,
        delivery_time_ms: now,
        retry_count: None,
        justid,
        force: false,
    };

    let v7 = cx.engine.profile() == Profile::V7;
    let mut created = false;
    let result = cx.modify_stream(key, |s| {
        let scan = s.with_group_and_entries(group, |g, exists| {
            let had_consumer = g.consumer(consumer).is_some();
            if !v7 {
                g.create_consumer(consumer, now);
                g.touch_consumer(consumer, now, false);
            }
            let scan = g.autoclaim(start, consumer, count as u64, &spec, exists);
            created = !had_consumer && g.consumer(consumer).is_some();
            scan
        })?;
        let items: Vec<Reply> = scan
            .claimed
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
        Some((scan, items))
    });
    let Some((
        AutoClaimed {
            claimed,
            deleted,
            cursor,
        },
        items,
    )) = result.flatten()
    else {
        return Ok(no_key_or_group(key, group).into());
    };
    let reply = Reply::Array(vec![
        cursor.reply(),
        Reply::Array(items),
        Reply::Array(deleted.iter().map(|id| id.reply()).collect()),
    ]);
    let changes = claimed.len() + deleted.len();
    let claims = super::xclaim::Claims {
        created,
        claimed,
        deleted,
        changes,
        by: crate::engine::ClaimCommand::Xautoclaim,
    };
    super::xclaim::report_claims(cx, key, group, consumer, claims);
    Ok(reply.into())
}
