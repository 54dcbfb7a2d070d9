//! LLEN key — the list's length (0 when missing).

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn llen(cx: &mut Cx) -> CmdResult {
    let len = cx.read_list(&cx.argv[1])?.map_or(0, |l| l.len());
    Ok(Reply::Integer(len as i64).into())
}
