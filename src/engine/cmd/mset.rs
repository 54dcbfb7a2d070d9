//! MSET key value [key value ...] — replaces each value and drops its TTL.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn mset(cx: &mut Cx) -> CmdResult {
    check_pairs(cx)?;
    set_pairs(cx);
    Ok(Reply::ok().into())
}

/// The arity check of `msetGenericCommand`: a key without its value is a
/// wrong number of arguments for the running command.
pub(super) fn check_pairs(cx: &Cx) -> Result<(), Error> {
    if cx.argv.len() % 2 == 0 {
        return Err(Error::WrongArity(cx.spec.fullname.into()));
    }
    Ok(())
}

/// Stores every pair in order (a repeated key ends with its last value).
pub(super) fn set_pairs(cx: &mut Cx) {
    let argv = cx.argv;
    let now = cx.now_ms;
    for pair in argv[1..].chunks(2) {
        let found = cx.db().contains(&pair[0], now);
        cx.db().set(
            pair[0].clone(),
            Entry::new(Value::String(pair[1].clone()), None),
        );
        cx.key_written(&pair[0]);
        if !found {
            cx.notify(notify::NEW, "new", &pair[0]);
        }
        cx.notify(notify::STRING, "set", &pair[0]);
    }
}
