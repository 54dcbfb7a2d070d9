//! XACKDEL key group [KEEPREF | DELREF | ACKED] IDS numids id [id ...] —
//! acknowledges entries in a group and deletes them from the stream (Redis
//! 8.2+, 8 profile only). One code per ID: -1 not pending in the group, 1
//! acknowledged and deleted (also when the entry was already gone), 2
//! acknowledged but kept because another group still references it (ACKED).
//! KEEPREF (the default) leaves other groups' PELs alone; DELREF strips the ID
//! from every group's PEL. A missing key or group answers -1 for every ID.
//!
//! From Redis's t_stream.c (`xackdelCommand`); known from the source and docs
//! only, never checked against a live server. Order of checks: the key's type,
//! the options, the group, then every ID before anything changes.

use super::xdelex::{
    all_missing, entries_deleted, kept_referenced, parse_ackdel_args, refs_dropped,
};
use super::{CmdResult, Cx};
use crate::engine::stream::{parse_id, RefMode, StreamId};
use crate::engine::{EventKind, Reply, TrimReason};

pub(super) fn xackdel(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    let group = &argv[2];
    cx.count_read_lookup(key);
    let now = cx.now_ms;
    let has_group = match cx.db().get(key, now) {
        None => None,
        Some(e) => Some(e.value.stream()?.group(group).is_some()),
    };
    let args = parse_ackdel_args(argv, 3)?;
    if has_group != Some(true) {
        return Ok(all_missing(args.numids).into());
    }
    let ids = argv[args.start..args.start + args.numids]
        .iter()
        .map(|a| parse_id(a, true, 0))
        .collect::<Result<Vec<StreamId>, _>>()?;
    let nodes_before = cx.stream_nodes(key);
    let (codes, acked, removed, dropped) = cx
        .modify_stream(key, |s| {
            let mut codes = Vec::with_capacity(ids.len());
            let mut acked = Vec::new();
            let mut removed = Vec::new();
            let mut dropped = Vec::new();
            for &id in &ids {
                if s.with_group(group, |g| g.ack(id)) != Some(true) {
                    codes.push(Reply::Integer(-1));
                    continue;
                }
                acked.push(id);
                let can_delete = match args.refs {
                    RefMode::KeepRef => true,
                    RefMode::Acked => !s.entry_is_referenced(id),
                    RefMode::DelRef => {
                        dropped.extend(s.drop_refs(id).into_iter().map(|g| (g, id)));
                        true
                    }
                };
                if can_delete && s.delete(id) {
                    removed.push(id);
                }
                codes.push(Reply::Integer(if can_delete { 1 } else { 2 }));
            }
            (codes, acked, removed, dropped)
        })
        .unwrap_or_default();
    if !acked.is_empty() {
        cx.groups_changed(acked.len() as i64);
        let db = cx.db_index();
        cx.out.push_event(EventKind::EntriesAckedAndDeleted {
            db,
            key: key.clone(),
            group: group.clone(),
            acked,
            deleted: removed.clone(),
        });
    }
    refs_dropped(cx, key, dropped);
    // XACKDEL counts a change per acknowledgement only (not per deletion).
    let deleted = removed.len() as i64;
    entries_deleted(cx, key, removed, TrimReason::Xackdel, nodes_before);
    cx.engine.dirty_adjust -= deleted;
    kept_referenced(cx, key, &ids, &codes);
    Ok(Reply::Array(codes).into())
}
