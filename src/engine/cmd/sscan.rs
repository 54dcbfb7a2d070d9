//! SSCAN key cursor [MATCH pattern] [COUNT count]
//!
//! As HSCAN (`scanGenericCommand`): the cursor first, then the key (missing: an empty
//! scan), then the options. An intset or listpack answers every member in one call with
//! cursor 0; a hashtable is walked in the engine's order about COUNT members per call.

use super::hscan::scan_reply;
use super::scan::{parse_cursor, parse_options, ScanOf};
use super::{CmdResult, Cx};
use crate::engine::{glob, Reply};

pub(super) fn sscan(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let cursor = parse_cursor(&argv[2], cx.engine.profile())?;
    if cx.read_set(&argv[1])?.is_none() {
        return scan_reply(0, vec![]);
    }
    let opts = parse_options(cx, argv, 3, ScanOf::Set)?;
    let Some(set) = cx.peek_set(&argv[1])? else {
        return scan_reply(0, vec![]);
    };
    let (members, next) = set.scan(cursor, opts.count);
    let items = members
        .into_iter()
        .filter(|m| opts.pattern.is_none_or(|p| glob::matches(p, m, false)))
        .map(Reply::Bulk)
        .collect();
    scan_reply(next, items)
}
