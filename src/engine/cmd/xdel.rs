//! XDEL key id [id ...] — deletes entries and answers how many existed. The
//! key is looked up first (a missing key answers 0 without reading the IDs);
//! then every ID is parsed before anything is deleted.

use super::xtrim::removed_event;
use super::{CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::stream::parse_id;
use crate::engine::{Reply, TrimReason};

pub(super) fn xdel(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    if !cx.write_stream_exists(key)? {
        return Ok(Reply::Integer(0).into());
    }
    let ids = argv[2..]
        .iter()
        .map(|a| parse_id(a, true, 0))
        .collect::<Result<Vec<_>, _>>()?;
    let nodes_before = cx.stream_nodes(key);
    let removed = cx
        .modify_stream(key, |s| {
            ids.iter()
                .copied()
                .filter(|id| s.delete(*id))
                .collect::<Vec<_>>()
        })
        .unwrap_or_default();
    let n = removed.len();
    if n > 0 {
        cx.key_written(key);
        cx.notify(notify::STREAM, "xdel", key);
        // Redis counts each entry removed as a change (`server.dirty += deleted`);
        // the write counted one.
        cx.engine.dirty_adjust += n as i64 - 1;
        removed_event(cx, key, removed, TrimReason::Xdel, nodes_before);
    }
    Ok(Reply::Integer(n as i64).into())
}
