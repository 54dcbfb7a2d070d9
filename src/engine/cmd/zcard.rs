//! ZCARD key — the number of members (0 when missing).

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn zcard(cx: &mut Cx) -> CmdResult {
    let n = cx.read_zset(&cx.argv[1])?.map_or(0, |z| z.len());
    Ok(Reply::Integer(n as i64).into())
}
