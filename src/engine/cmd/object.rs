//! OBJECT ENCODING key, OBJECT REFCOUNT key, OBJECT FREQ key, OBJECT HELP
//!
//! A missing key answers nil. ENCODING and REFCOUNT follow how the value was
//! made (`keyspace::Repr`). FREQ needs an LFU `maxmemory-policy`, which the
//! engine never has, so it answers Redis's error for that case. IDLETIME (the
//! access clock of every key) is not emulated.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::Reply;

/// `OBJECT` alone never reaches a handler (its arity is -2): any call has a
/// subcommand, found by the table.
pub(super) fn object(_cx: &mut Cx) -> CmdResult {
    Err(Error::WrongArity("object".into()))
}

/// The live entry at argv[2], or the nil reply.
fn lookup<T>(cx: &mut Cx, f: impl FnOnce(&Entry) -> T) -> Option<T> {
    let now = cx.now_ms;
    let key = &cx.argv[2];
    cx.count_read_lookup_quietly(key);
    cx.db().get(key, now).map(f)
}

pub(super) fn encoding(cx: &mut Cx) -> CmdResult {
    let name = lookup(cx, |e| match &e.value {
        Value::String(bytes) => e.repr.encoding(bytes),
        Value::Stream(_) => "stream",
        Value::ZSet(z) => z.encoding(),
        Value::List(l) => l.encoding(),
        Value::Hash(h) => h.encoding(),
        Value::Set(s) => s.encoding(),
    });
    Ok(name.map_or(Reply::Null, Reply::bulk).into())
}

pub(super) fn refcount(cx: &mut Cx) -> CmdResult {
    let count = lookup(cx, |e| match &e.value {
        Value::String(bytes) => e.repr.refcount(bytes),
        _ => 1,
    });
    Ok(count.map_or(Reply::Null, Reply::Integer).into())
}

pub(super) fn freq(cx: &mut Cx) -> CmdResult {
    if lookup(cx, |_| ()).is_none() {
        return Ok(Reply::Null.into());
    }
    Err(Error::Other(
        "ERR An LFU maxmemory policy is not selected, access frequency not tracked. \
         Please note that when switching between policies at runtime LRU and LFU data \
         will take some time to adjust."
            .into(),
    ))
}

const HELP: &[&str] = &[
    "OBJECT <subcommand> [<arg> [value] [opt] ...]. Subcommands are:",
    "ENCODING <key>",
    "    Return the kind of internal representation used in order to store the value",
    "    associated with a <key>.",
    "FREQ <key>",
    "    Return the access frequency index of the <key>. The returned integer is",
    "    proportional to the logarithm of the recent access frequency of the key.",
    "IDLETIME <key>",
    "    Return the idle time of the <key>, that is the approximated number of",
    "    seconds elapsed since the last access to the key.",
    "REFCOUNT <key>",
    "    Return the number of references of the value associated with the specified",
    "    <key>.",
    "HELP",
];

/// OBJECT's text is not `addReplyHelp`'s (its header is fixed), but its last line
/// changed with the others in Redis 7.2.
pub(super) fn help(cx: &mut Cx) -> CmdResult {
    let last = super::args::help_line(cx.engine.profile());
    Ok(Reply::Array(
        HELP.iter()
            .chain([&last])
            .map(|l| Reply::simple(l))
            .collect(),
    )
    .into())
}
