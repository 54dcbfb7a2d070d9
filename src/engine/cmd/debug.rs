//! DEBUG subcommand [argument ...]
//!
//! Redis 7.0 and later refuse DEBUG unless `enable-debug-command` is set in the
//! configuration file, and its default is `no`: every DEBUG with at least one
//! argument gets the refusal below (dispatch checks it before running the
//! command, as processCommand does), `DEBUG` alone the arity error. The engine has
//! no such setting, so it always answers as a default redis-server.

use super::{CmdResult, Cx};
use crate::engine::error::Error;

/// The refusal, verbatim from redis-server 7.0.15.
pub(super) fn not_allowed() -> Error {
    Error::Other(
        "ERR DEBUG command not allowed. If the enable-debug-command option is set to \"local\", \
         you can run it from a local connection, otherwise you need to set this option in the \
         configuration file, and then restart the server."
            .into(),
    )
}

/// Never reached through dispatch, which refuses DEBUG first; kept so that the
/// table's entry has a handler that answers the same.
pub(super) fn debug(_cx: &mut Cx) -> CmdResult {
    Err(not_allowed())
}
