//! XLEN key — the number of entries in the stream (0 when missing).

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn xlen(cx: &mut Cx) -> CmdResult {
    let len = cx.read_stream(&cx.argv[1])?.map_or(0, |s| s.len());
    Ok(Reply::Integer(len as i64).into())
}
