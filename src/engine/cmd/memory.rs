//! MEMORY USAGE key [SAMPLES count] — the bytes the engine charges for a key
//! (its own accounting: the figure `maxmemory`, `INFO memory` and the views
//! use; not Redis's allocator sizes). A missing key answers nil. As Redis's
//! `dictFind`, a key whose time passed but that is still stored is reported.

use super::{arg_i64, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

/// `MEMORY` alone never reaches a handler (its arity is -2), and an unknown
/// subcommand is refused by the table.
pub(super) fn container(cx: &mut Cx) -> CmdResult {
    Err(Error::UnknownSubcommand {
        container: "MEMORY".into(),
        sub: cx.argv.get(1).cloned().unwrap_or_default(),
    })
}

pub(super) fn usage(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let mut j = 3;
    while j < argv.len() {
        if is_kw(&argv[j], "samples") && j + 1 < argv.len() {
            if arg_i64(&argv[j + 1])? < 0 {
                return Err(Error::Syntax);
            }
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let usage = cx.db().usage(&argv[2]);
    Ok(usage
        .map_or(Reply::Null, |n| Reply::Integer(n as i64))
        .into())
}
