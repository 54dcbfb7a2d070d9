//! LRANGE key start stop — the elements from start to stop inclusive
//! (negative indexes from the tail, clamped to the list). The indexes are
//! parsed before the key is looked up.

use super::{arg_i64, CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn lrange(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let start = arg_i64(&argv[2])?;
    let stop = arg_i64(&argv[3])?;
    let Some(list) = cx.read_list(&argv[1])? else {
        return Ok(Reply::Array(Vec::new()).into());
    };
    let items = match list.range(start, stop) {
        Some((from, to)) => (from..=to)
            .map(|i| Reply::Bulk(list.at(i).clone()))
            .collect(),
        None => Vec::new(),
    };
    Ok(Reply::Array(items).into())
}
