//! HGETALL key (a map in RESP3), HKEYS key and HVALS key: the whole hash in its
//! encoding's order (insertion order for a listpack; the engine's own for a hashtable,
//! where Redis's order is its dict's).

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn hgetall(cx: &mut Cx) -> CmdResult {
    let pairs = cx.read_hash(&cx.argv[1])?.map_or_else(Vec::new, |h| {
        h.pairs()
            .into_iter()
            .map(|(f, v)| (Reply::Bulk(f.to_vec()), Reply::Bulk(v.to_vec())))
            .collect()
    });
    Ok(Reply::Map(pairs).into())
}

/// HKEYS (`values` false) and HVALS.
fn column(cx: &mut Cx, values: bool) -> CmdResult {
    let items = cx.read_hash(&cx.argv[1])?.map_or_else(Vec::new, |h| {
        h.pairs()
            .into_iter()
            .map(|(f, v)| Reply::Bulk(if values { v } else { f }.to_vec()))
            .collect()
    });
    Ok(Reply::Array(items).into())
}

pub(super) fn hkeys(cx: &mut Cx) -> CmdResult {
    column(cx, false)
}

pub(super) fn hvals(cx: &mut Cx) -> CmdResult {
    column(cx, true)
}
