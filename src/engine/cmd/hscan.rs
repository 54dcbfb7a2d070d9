//! HSCAN key cursor [MATCH pattern] [COUNT count] [NOVALUES (profile 8)]
//!
//! `hscanCommand` → `scanGenericCommand`: the cursor is parsed first, then the key is
//! looked up (a missing key answers an empty scan before any option is checked), then
//! the options. A listpack answers every field and value in one call with cursor 0, as
//! Redis does; a hashtable is walked in the engine's order (`members::Table`), about
//! COUNT fields per call (COUNT is a hint; Redis's dict buckets make its own step
//! vary). MATCH filters fields, and a field's value goes with it.

use super::scan::{parse_cursor, parse_options, ScanOf};
use super::{CmdResult, Cx};
use crate::engine::{glob, Reply};

/// A `*SCAN` reply: the next cursor and the elements.
pub(super) fn scan_reply(next: u64, items: Vec<Reply>) -> CmdResult {
    Ok(Reply::Array(vec![
        Reply::Bulk(next.to_string().into_bytes()),
        Reply::Array(items),
    ])
    .into())
}

pub(super) fn hscan(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let cursor = parse_cursor(&argv[2], cx.engine.profile())?;
    if cx.read_hash(&argv[1])?.is_none() {
        return scan_reply(0, vec![]);
    }
    let opts = parse_options(cx, argv, 3, ScanOf::Hash)?;
    let Some(hash) = cx.peek_hash(&argv[1]) else {
        return scan_reply(0, vec![]);
    };
    let (pairs, next) = hash.scan(cursor, opts.count);
    let mut items = Vec::new();
    for (f, v) in pairs {
        if opts.pattern.is_none_or(|p| glob::matches(p, f, false)) {
            items.push(Reply::Bulk(f.to_vec()));
            if !opts.novalues {
                items.push(Reply::Bulk(v.to_vec()));
            }
        }
    }
    scan_reply(next, items)
}
