//! XINFO STREAM key [FULL [COUNT count]] and XINFO HELP (the consumer-group
//! subcommands arrive with consumer groups). The key is looked up before the
//! options are read.

use super::{arg_i64, help_reply, is_kw, subcommand_syntax, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::stream::{entry_reply, StreamId};
use crate::engine::Reply;

/// `XINFO` alone never reaches a handler (its arity is -2), and an unknown
/// subcommand is refused by the table.
pub(super) fn container(cx: &mut Cx) -> CmdResult {
    Err(Error::UnknownSubcommand {
        container: "XINFO".into(),
        sub: cx.argv.get(1).cloned().unwrap_or_default(),
    })
}

/// The help text of redis-server 7.0.15, verbatim.
const HELP: &[&str] = &[
    "CONSUMERS <key> <groupname>",
    "    Show consumers of <groupname>.",
    "GROUPS <key>",
    "    Show the stream consumer groups.",
    "STREAM <key> [FULL [COUNT <count>]",
    "    Show information about the stream.",
];

pub(super) fn help(cx: &mut Cx) -> CmdResult {
    Ok(help_reply(&cx.argv[0], HELP).into())
}

fn field(name: &str, value: Reply) -> (Reply, Reply) {
    (Reply::bulk(name), value)
}

pub(super) fn stream(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let Some(s) = cx.read_stream(&argv[2])? else {
        return Err(Error::Other("ERR no such key".into()));
    };
    let opts = &argv[3..];
    let mut full = None;
    if !opts.is_empty() {
        if (opts.len() != 1 && opts.len() != 3) || !is_kw(&opts[0], "full") {
            return Err(subcommand_syntax(argv));
        }
        let mut count: i64 = 10;
        if opts.len() == 3 {
            if !is_kw(&opts[1], "count") {
                return Err(subcommand_syntax(argv));
            }
            count = arg_i64(&opts[2])?;
            if count < 0 {
                count = 10;
            }
        }
        full = Some(count);
    }
    let mut map = vec![
        field("length", Reply::Integer(s.len() as i64)),
        field("radix-tree-keys", Reply::Integer(s.node_count() as i64)),
        field("radix-tree-nodes", Reply::Integer(s.rax_nodes() as i64)),
        field("last-generated-id", s.last_id().reply()),
        field("max-deleted-entry-id", s.max_deleted_entry_id().reply()),
        field("entries-added", Reply::Integer(s.entries_added() as i64)),
        field("recorded-first-entry-id", s.recorded_first_id().reply()),
    ];
    match full {
        None => {
            map.push(field("groups", Reply::Integer(0)));
            let edge = |rev: bool| {
                s.range(StreamId::MIN, StreamId::MAX, Some(1), rev)
                    .first()
                    .map_or(Reply::Null, |(id, f)| entry_reply(*id, f))
            };
            map.push(field("first-entry", edge(false)));
            map.push(field("last-entry", edge(true)));
        }
        Some(count) => {
            let limit = if count == 0 {
                None
            } else {
                usize::try_from(count).ok()
            };
            let entries = s
                .range(StreamId::MIN, StreamId::MAX, limit, false)
                .iter()
                .map(|(id, f)| entry_reply(*id, f))
                .collect();
            map.push(field("entries", Reply::Array(entries)));
            map.push(field("groups", Reply::Array(Vec::new())));
        }
    }
    Ok(Reply::Map(map).into())
}
