//! COMMAND, COMMAND COUNT, COMMAND INFO [name ...], COMMAND DOCS [name ...],
//! COMMAND LIST [FILTERBY MODULE name | ACLCAT category | PATTERN pattern]
//!
//! Entries come from the generated table; each `COMMAND INFO` / `COMMAND DOCS`
//! entry is the real server's reply, restricted to what the engine implements.
//! Redis lists commands in hash order; the engine uses table (name) order.

use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::glob;
use crate::engine::table::{self, CommandSpec};
use crate::engine::{Profile, Reply};

/// Whether the client's engine runs the 8 profile (which knows more commands).
fn v8(cx: &Cx) -> bool {
    cx.engine.profile() == Profile::V8
}

/// `lookupCommandBySds`: `name` or `container|sub`, case-insensitive, strict.
fn by_fullname(name: &[u8], v8: bool) -> Option<&'static CommandSpec> {
    let parts: Vec<&[u8]> = name.split(|&b| b == b'|').collect();
    match parts.as_slice() {
        [one] => table::lookup(one, v8),
        [base, sub] => table::lookup(base, v8).and_then(|b| table::lookup_sub(b, sub)),
        _ => None,
    }
}

pub(super) fn command(cx: &mut Cx) -> CmdResult {
    let v8 = v8(cx);
    Ok(Reply::Array(table::commands(v8).map(|s| s.info(v8)).collect()).into())
}

pub(super) fn count(cx: &mut Cx) -> CmdResult {
    Ok(Reply::Integer(table::commands(v8(cx)).count() as i64).into())
}

pub(super) fn info(cx: &mut Cx) -> CmdResult {
    if cx.argv.len() == 2 {
        return command(cx);
    }
    let items = cx.argv[2..]
        .iter()
        .map(|name| {
            by_fullname(name, v8(cx))
                .map(|s| s.info(v8(cx)))
                .unwrap_or(Reply::Null)
        })
        .collect();
    Ok(Reply::Array(items).into())
}

pub(super) fn docs(cx: &mut Cx) -> CmdResult {
    let specs: Vec<&CommandSpec> = if cx.argv.len() == 2 {
        table::commands(v8(cx)).collect()
    } else {
        cx.argv[2..]
            .iter()
            .filter_map(|n| by_fullname(n, v8(cx)))
            .collect()
    };
    let pairs = specs
        .into_iter()
        .map(|s| (Reply::bulk(s.fullname), s.docs(v8(cx))))
        .collect();
    Ok(Reply::Map(pairs).into())
}

enum Filter<'a> {
    None,
    Module,
    AclCat(&'a [u8]),
    Pattern(&'a [u8]),
}

pub(super) fn list(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let mut filter = Filter::None;
    let mut i = 2;
    while i < argv.len() {
        let more = argv.len() - 1 - i;
        if is_kw(&argv[i], "FILTERBY") && more == 2 {
            let arg = argv[i + 2].as_slice();
            filter = if is_kw(&argv[i + 1], "MODULE") {
                Filter::Module
            } else if is_kw(&argv[i + 1], "ACLCAT") {
                Filter::AclCat(arg)
            } else if is_kw(&argv[i + 1], "PATTERN") {
                Filter::Pattern(arg)
            } else {
                return Err(Error::Syntax);
            };
            i += 3;
        } else {
            return Err(Error::Syntax);
        }
    }
    let v8 = v8(cx);
    let keep = |spec: &CommandSpec| match &filter {
        Filter::None => true,
        // No modules are loaded.
        Filter::Module => false,
        Filter::AclCat(cat) => acl_categories(spec, v8)
            .iter()
            .any(|c| c.eq_ignore_ascii_case(cat)),
        Filter::Pattern(p) => glob::matches(p, spec.fullname.as_bytes(), true),
    };
    let mut names = Vec::new();
    for spec in table::commands(v8) {
        for s in std::iter::once(spec).chain(spec.subcommands.iter()) {
            if keep(s) {
                names.push(Reply::bulk(s.fullname));
            }
        }
    }
    Ok(Reply::Array(names).into())
}

/// The ACL categories of a command without their `@`, from its COMMAND INFO entry in the
/// profile (`v8`: the 8 profile).
fn acl_categories(spec: &CommandSpec, v8: bool) -> Vec<Vec<u8>> {
    match spec.info(v8) {
        Reply::Array(items) => match items.get(6) {
            Some(Reply::Set(cats)) => cats
                .iter()
                .filter_map(|c| match c {
                    Reply::Simple(s) => Some(s.strip_prefix(b"@").unwrap_or(s).to_vec()),
                    _ => None,
                })
                .collect(),
            _ => Vec::new(),
        },
        _ => Vec::new(),
    }
}
