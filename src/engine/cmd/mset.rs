//! MSET key value [key value ...] — replaces each value and drops its TTL.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::Reply;

pub(super) fn mset(cx: &mut Cx) -> CmdResult {
    if cx.argv.len() % 2 == 0 {
        return Err(Error::WrongArity("mset".into()));
    }
    let argv = cx.argv;
    for pair in argv[1..].chunks(2) {
        cx.db().set(
            pair[0].clone(),
            Entry::new(Value::String(pair[1].clone()), None),
        );
        cx.key_written(&pair[0]);
    }
    Ok(Reply::ok().into())
}
