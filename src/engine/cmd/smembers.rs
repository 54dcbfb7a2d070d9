//! SMEMBERS key — the members in the encoding's order (sorted for an intset, insertion
//! order for a listpack, the engine's own for a hashtable), a set reply in RESP3.

use super::sets::bulks;
use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn smembers(cx: &mut Cx) -> CmdResult {
    let members = cx.read_set(&cx.argv[1])?.map(|s| s.members());
    Ok(Reply::Set(bulks(members.unwrap_or_default())).into())
}
