//! CONFIG GET parameter [parameter ...], CONFIG SET parameter value [parameter value ...],
//! CONFIG RESETSTAT, CONFIG HELP
//!
//! The parameters and their value syntax live in `engine::params`. As in Redis
//! 7.0, GET takes several names or glob patterns and lists each match once, and
//! SET takes several pairs and applies all of them or none.

use super::{c_str, help_reply, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::params::{self, Param};
use crate::engine::{glob, Reply, Stats};

/// `CONFIG` with a subcommand the engine lacks never gets here (dispatch answers
/// unknown subcommand); this answers the same if it ever does.
pub(super) fn container(cx: &mut Cx) -> CmdResult {
    Err(Error::UnknownSubcommand {
        container: "CONFIG".into(),
        sub: cx.argv.get(1).cloned().unwrap_or_default(),
    })
}

pub(super) fn help(cx: &mut Cx) -> CmdResult {
    Ok(help_reply(
        cx,
        &[
            "GET <pattern>",
            "    Return parameters matching the glob-like <pattern> and their values.",
            "SET <directive> <value>",
            "    Set the configuration <directive> to <value>.",
            "RESETSTAT",
            "    Reset statistics reported by the INFO command.",
            "REWRITE",
            "    Rewrite the configuration file.",
        ],
    )
    .into())
}

/// A name without `[`, `*` or `?` is looked up as typed (and echoed as typed); a
/// pattern matches the parameter names case-insensitively. Redis lists matches
/// in hash order; the engine lists them in the order they were found.
pub(super) fn get(cx: &mut Cx) -> CmdResult {
    let mut matches: Vec<(Vec<u8>, Param)> = Vec::new();
    for arg in &cx.argv[2..] {
        let name = c_str(arg);
        if !name.iter().any(|b| matches!(b, b'[' | b'*' | b'?')) {
            if let Some(p) = params::lookup(name) {
                if !matches.iter().any(|&(_, m)| m == p) {
                    matches.push((name.to_vec(), p));
                }
            }
            continue;
        }
        for &(pname, p) in params::PARAMS {
            if !matches.iter().any(|&(_, m)| m == p) && glob::matches(name, pname.as_bytes(), true)
            {
                matches.push((pname.as_bytes().to_vec(), p));
            }
        }
    }
    let settings = &cx.engine.settings;
    Ok(Reply::Map(
        matches
            .into_iter()
            .map(|(name, p)| (Reply::Bulk(name), Reply::bulk(p.get(settings))))
            .collect(),
    )
    .into())
}

/// Every name is checked first (unknown, immutable, repeated: the first problem
/// wins), then the values are parsed in order into a copy of the settings, which
/// replaces the settings only if every value was good.
pub(super) fn set(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    if argv.len() % 2 == 1 {
        return Err(Error::Syntax);
    }
    let pairs: Vec<(&[u8], &[u8])> = argv[2..]
        .chunks(2)
        .map(|kv| (kv[0].as_slice(), kv[1].as_slice()))
        .collect();
    let failed = |arg: &[u8], why: &str| {
        let mut line = b"ERR CONFIG SET failed (possibly related to argument '".to_vec();
        line.extend_from_slice(c_str(arg));
        line.extend_from_slice(b"') - ");
        line.extend_from_slice(why.as_bytes());
        Ok(Reply::Error(line).into())
    };
    let mut found: Vec<Param> = Vec::with_capacity(pairs.len());
    for &(name, _) in &pairs {
        let Some(p) = params::lookup(name) else {
            return Ok(super::error_with_arg(
                "ERR Unknown option or number of arguments for CONFIG SET - '",
                name,
                "'",
            )
            .into());
        };
        if p.immutable() {
            return failed(name, "can't set immutable config");
        }
        if found.contains(&p) {
            return failed(name, "duplicate parameter");
        }
        found.push(p);
    }
    let mut next = cx.engine.settings.clone();
    for (p, &(_, value)) in found.iter().zip(&pairs) {
        if let Err(why) = p.set(&mut next, value, cx.engine.profile()) {
            // A value error names the parameter by its own name, not as typed.
            return failed(p.name().as_bytes(), &why);
        }
    }
    cx.engine.settings = next;
    Ok(Reply::ok().into())
}

/// Resets what `INFO` counts (commands, connections, errors, hits and misses,
/// the memory peak); keys changed since the last save are not a statistic.
pub(super) fn resetstat(cx: &mut Cx) -> CmdResult {
    cx.engine.stats = Stats::default();
    Ok(Reply::ok().into())
}
