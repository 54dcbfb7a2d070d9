//! XDELEX key [KEEPREF | DELREF | ACKED] IDS numids id [id ...] — deletes
//! entries (Redis 8.2+, 8 profile only) and answers one code per ID: -1 the
//! entry does not exist, 1 deleted, 2 kept because a consumer group still
//! references it (ACKED). KEEPREF (the default) deletes as XDEL does; DELREF
//! also strips the ID from every group's PEL; ACKED deletes only entries no
//! group could still deliver or holds pending. A missing key answers -1 for
//! every ID.
//!
//! From Redis's src/t_stream.c (`xdelexCommand`, `streamParseAckDelArgsOrReply`;
//! read in a copy of the unstable branch, fork hristostaykov-del/redis at
//! 3b555b29, whose texts tests/unit/type/stream-cgroups.tcl of 8.4 asserts too);
//! known from the source and docs only, never checked against a live server.
//! Order of checks: the key's type, the options, then (for an existing key)
//! every ID before anything is deleted.

use super::xtrim::removed_event;
use super::{arg_i64_or, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::params::notify;
use crate::engine::stream::{parse_id, RefMode, StreamId};
use crate::engine::{EventKind, Reply, TrimReason};

/// What `streamParseAckDelArgsOrReply` found: the mode and where the IDs are.
pub(super) struct AckDelArgs {
    pub refs: RefMode,
    /// Index of the first ID in argv, and how many there are.
    pub start: usize,
    pub numids: usize,
}

/// `streamParseAckDelArgsOrReply`: from `from` on, at most one of KEEPREF,
/// DELREF and ACKED, and `IDS numids id ...` (a later IDS block replaces an
/// earlier one; words after the IDs are read as options again).
pub(super) fn parse_ackdel_args(argv: &[Vec<u8>], from: usize) -> Result<AckDelArgs, Error> {
    let mut refs: Option<RefMode> = None;
    let mut ids: Option<(usize, usize)> = None;
    let mut j = from;
    while j < argv.len() {
        let opt = &argv[j];
        if refs.is_none() && is_kw(opt, "KEEPREF") {
            refs = Some(RefMode::KeepRef);
            j += 1;
        } else if refs.is_none() && is_kw(opt, "DELREF") {
            refs = Some(RefMode::DelRef);
            j += 1;
        } else if refs.is_none() && is_kw(opt, "ACKED") {
            refs = Some(RefMode::Acked);
            j += 1;
        } else if is_kw(opt, "IDS") && j + 1 < argv.len() {
            // getRangeLongFromObjectOrReply(c, argv[j+1], 1, LONG_MAX, ...,
            // "Number of IDs must be a positive integer"): a non-number gets
            // the same message.
            const NOT_POSITIVE: &str = "ERR Number of IDs must be a positive integer";
            let numids = arg_i64_or(&argv[j + 1], NOT_POSITIVE)?;
            if numids < 1 {
                return Err(Error::Other(NOT_POSITIVE.into()));
            }
            let available = argv.len() - j - 2;
            if numids as u64 > available as u64 {
                return Err(Error::Other(
                    "ERR The `numids` parameter must match the number of arguments".into(),
                ));
            }
            ids = Some((j + 2, numids as usize));
            j += 2 + numids as usize;
        } else {
            return Err(Error::Syntax);
        }
    }
    // Not reachable through the arities (-5, -6): the words that are not IDs
    // would be options, and only one mode is allowed.
    let Some((start, numids)) = ids else {
        return Err(Error::Other("ERR IDS option is required".into()));
    };
    Ok(AckDelArgs {
        refs: refs.unwrap_or_default(),
        start,
        numids,
    })
}

/// The reply for a missing key (or, for XACKDEL, group): -1 for every ID.
pub(super) fn all_missing(numids: usize) -> Reply {
    Reply::Array(vec![Reply::Integer(-1); numids])
}

pub(super) fn xdelex(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    let exists = cx.write_stream_exists(key)?;
    let args = parse_ackdel_args(argv, 2)?;
    if !exists {
        return Ok(all_missing(args.numids).into());
    }
    let ids = argv[args.start..args.start + args.numids]
        .iter()
        .map(|a| parse_id(a, true, 0))
        .collect::<Result<Vec<StreamId>, _>>()?;
    let nodes_before = cx.stream_nodes(key);
    let (codes, removed, dropped) = cx
        .modify_stream(key, |s| {
            let mut codes = Vec::with_capacity(ids.len());
            let mut removed = Vec::new();
            let mut dropped = Vec::new();
            for &id in &ids {
                let code = match args.refs {
                    RefMode::Acked if s.entry_is_referenced(id) => 2,
                    refs => {
                        if refs == RefMode::DelRef {
                            dropped.extend(s.drop_refs(id).into_iter().map(|g| (g, id)));
                        }
                        if s.delete(id) {
                            removed.push(id);
                            1
                        } else {
                            -1
                        }
                    }
                };
                codes.push(Reply::Integer(code));
            }
            (codes, removed, dropped)
        })
        .unwrap_or_default();
    refs_dropped(cx, key, dropped);
    entries_deleted(cx, key, removed, TrimReason::Xdelex, nodes_before);
    kept_referenced(cx, key, &ids, &codes);
    Ok(Reply::Array(codes).into())
}

/// ACKED: the IDs whose code is 2 were kept because a group still references
/// them (one event, in argument order).
pub(super) fn kept_referenced(cx: &mut Cx, key: &[u8], ids: &[StreamId], codes: &[Reply]) {
    let kept: Vec<StreamId> = ids
        .iter()
        .zip(codes)
        .filter(|(_, c)| matches!(c, Reply::Integer(2)))
        .map(|(id, _)| *id)
        .collect();
    if kept.is_empty() {
        return;
    }
    let db = cx.db_index();
    cx.out.push_event(EventKind::EntriesKeptReferenced {
        db,
        key: key.to_vec(),
        ids: kept,
    });
}

/// After XDELEX/XACKDEL deleted entries: the `xdel` notification, a change per
/// entry, the event; nothing when none went.
pub(super) fn entries_deleted(
    cx: &mut Cx,
    key: &[u8],
    removed: Vec<StreamId>,
    reason: TrimReason,
    nodes_before: usize,
) {
    let n = removed.len();
    if n == 0 {
        return;
    }
    cx.key_written(key);
    cx.notify(notify::STREAM, "xdel", key);
    // `server.dirty += deleted`; the write counted one.
    cx.engine.dirty_adjust += n as i64 - 1;
    removed_event(cx, key, removed, reason, nodes_before);
}

/// The group references DELREF dropped (one event per group, IDs in order).
pub(super) fn refs_dropped(cx: &mut Cx, key: &[u8], mut dropped: Vec<(Vec<u8>, StreamId)>) {
    if dropped.is_empty() {
        return;
    }
    crate::vec_map::sort(&mut dropped);
    let db = cx.db_index();
    let mut i = 0;
    while i < dropped.len() {
        let group = dropped[i].0.clone();
        let mut ids = Vec::new();
        while i < dropped.len() && dropped[i].0 == group {
            ids.push(dropped[i].1);
            i += 1;
        }
        cx.out.push_event(EventKind::ReferencesDeleted {
            db,
            key: key.to_vec(),
            group,
            ids,
        });
    }
}
