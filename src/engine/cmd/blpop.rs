//! BLPOP / BRPOP key [key ...] timeout — pop the first (last) element of the
//! first non-empty list, answering `[key, element]`, or block until a push
//! (timeout in seconds, 0 forever; a null array when it passes).

use super::lists::{block_pop, parse_timeout_secs, End};
use super::lmpop::pop_first;
use super::{CmdResult, Cx};
use crate::engine::Reply;

fn blocking_pop(cx: &mut Cx, end: End) -> CmdResult {
    let argv = cx.argv;
    let timeout = parse_timeout_secs(&argv[argv.len() - 1], cx.v8(), cx.now_ms)?;
    let keys = &argv[1..argv.len() - 1];
    match pop_first(cx, keys, end, 1)? {
        Some((key, mut items)) => Ok(Reply::Array(vec![
            Reply::Bulk(key),
            Reply::Bulk(items.pop().unwrap_or_default()),
        ])
        .into()),
        None => block_pop(keys, timeout, "list"),
    }
}

pub(super) fn blpop(cx: &mut Cx) -> CmdResult {
    blocking_pop(cx, End::Left)
}

pub(super) fn brpop(cx: &mut Cx) -> CmdResult {
    blocking_pop(cx, End::Right)
}
