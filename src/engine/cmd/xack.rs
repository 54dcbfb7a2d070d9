//! XACK key group id [id ...] — acknowledges pending entries of a group. The
//! key and the group are looked up first (a missing one answers 0), then the
//! IDs are checked, all before any is acknowledged.

use super::{CmdResult, Cx};
use crate::engine::stream::parse_id;
use crate::engine::{EventKind, Reply};

pub(super) fn xack(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    let group = &argv[2];
    // A read lookup (`lookupKeyRead`): it counts as a keyspace hit or miss.
    let has_group = cx
        .read_stream(key)?
        .is_some_and(|s| s.group(group).is_some());
    if !has_group {
        return Ok(Reply::Integer(0).into());
    }
    let ids = argv[3..]
        .iter()
        .map(|a| parse_id(a, true, 0))
        .collect::<Result<Vec<_>, _>>()?;
    let acked = cx
        .modify_stream(key, |s| {
            s.with_group(group, |g| {
                ids.iter()
                    .filter(|id| g.ack(**id))
                    .copied()
                    .collect::<Vec<_>>()
            })
        })
        .flatten()
        .unwrap_or_default();
    if !acked.is_empty() {
        let n = acked.len();
        cx.groups_changed(n as i64);
        let db = cx.db_index();
        cx.out.push_event(EventKind::EntriesAcked {
            db,
            key: key.clone(),
            group: group.clone(),
            ids: acked,
        });
        return Ok(Reply::Integer(n as i64).into());
    }
    Ok(Reply::Integer(0).into())
}
