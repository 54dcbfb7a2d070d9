//! FUNCTION FLUSH [ASYNC | SYNC]
//!
//! The engine has no function libraries, so flushing them only checks the
//! arguments as `functionFlushCommand` does and answers OK. Other FUNCTION
//! subcommands are not implemented (unknown subcommand).

use super::{is_kw, subcommand_syntax, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

/// `FUNCTION` with a subcommand the engine lacks never gets here (dispatch
/// answers unknown subcommand); this answers the same if it ever does.
pub(super) fn container(cx: &mut Cx) -> CmdResult {
    Err(Error::UnknownSubcommand {
        container: "FUNCTION".into(),
        sub: cx.argv.get(1).cloned().unwrap_or_default(),
    })
}

pub(super) fn flush(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    if argv.len() > 3 {
        return Err(subcommand_syntax(argv));
    }
    if argv.len() == 3 && !is_kw(&argv[2], "sync") && !is_kw(&argv[2], "async") {
        return Err(Error::Other(
            "ERR FUNCTION FLUSH only supports SYNC|ASYNC option".into(),
        ));
    }
    Ok(Reply::ok().into())
}
