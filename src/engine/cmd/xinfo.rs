//! XINFO STREAM key [FULL [COUNT count]], XINFO GROUPS key, XINFO CONSUMERS
//! key group and XINFO HELP (Redis 7.0.15's fields). The key is looked up
//! before the options are read.

use super::xgroup::no_group;
use super::{arg_i64, help_reply, is_kw, subcommand_syntax, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::stream::{entry_reply, Group, Stream, StreamId, ENTRIES_READ_UNKNOWN};
use crate::engine::{Profile, Reply};

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
    Ok(help_reply(cx, HELP).into())
}

fn field(name: &str, value: Reply) -> (Reply, Reply) {
    (Reply::bulk(name), value)
}

pub(super) fn stream(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let v8 = cx.engine.profile() != Profile::V7;
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
            map.push(field("groups", Reply::Integer(s.groups().len() as i64)));
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
            let groups = s
                .groups()
                .iter()
                .map(|(name, g)| full_group(s, name, g, limit, v8))
                .collect();
            map.push(field("groups", Reply::Array(groups)));
        }
    }
    Ok(Reply::Map(map).into())
}

fn entries_read_reply(g: &Group) -> Reply {
    if g.entries_read == ENTRIES_READ_UNKNOWN {
        Reply::Null
    } else {
        Reply::Integer(g.entries_read)
    }
}

fn lag_reply(s: &Stream, g: &Group, v8: bool) -> Reply {
    s.group_lag(g, v8).map_or(Reply::Null, Reply::Integer)
}

/// A group in XINFO STREAM FULL: its PEL and its consumers' PELs, each cut
/// to `limit` entries (`None`: all). Profile 8 (Redis 7.2+) adds each
/// consumer's `active-time` (-1 before its first read).
fn full_group(s: &Stream, name: &[u8], g: &Group, limit: Option<usize>, v8: bool) -> Reply {
    let take = limit.unwrap_or(usize::MAX);
    let pel = g
        .pel()
        .iter()
        .take(take)
        .map(|(id, n)| {
            Reply::Array(vec![
                id.reply(),
                Reply::Bulk(n.consumer.clone()),
                Reply::Integer(n.delivery_time_ms as i64),
                Reply::Integer(n.delivery_count as i64),
            ])
        })
        .collect();
    let consumers = g
        .consumers()
        .iter()
        .map(|(cname, c)| {
            let pending = c
                .pel
                .iter()
                .take(take)
                .filter_map(|id| g.pel().get(id).map(|n| (id, n)))
                .map(|(id, n)| {
                    Reply::Array(vec![
                        id.reply(),
                        Reply::Integer(n.delivery_time_ms as i64),
                        Reply::Integer(n.delivery_count as i64),
                    ])
                })
                .collect();
            let mut map = vec![
                field("name", Reply::Bulk(cname.clone())),
                field("seen-time", Reply::Integer(c.seen_time as i64)),
            ];
            if v8 {
                let active = c.active_time.map_or(-1, |t| t as i64);
                map.push(field("active-time", Reply::Integer(active)));
            }
            map.push(field("pel-count", Reply::Integer(c.pel.len() as i64)));
            map.push(field("pending", Reply::Array(pending)));
            Reply::Map(map)
        })
        .collect();
    Reply::Map(vec![
        field("name", Reply::Bulk(name.to_vec())),
        field("last-delivered-id", g.last_id.reply()),
        field("entries-read", entries_read_reply(g)),
        field("lag", lag_reply(s, g, v8)),
        field("pel-count", Reply::Integer(g.pel().len() as i64)),
        field("pending", Reply::Array(pel)),
        field("consumers", Reply::Array(consumers)),
    ])
}

/// XINFO GROUPS key.
pub(super) fn groups(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let v8 = cx.engine.profile() != Profile::V7;
    let Some(s) = cx.read_stream(&argv[2])? else {
        return Err(Error::Other("ERR no such key".into()));
    };
    let groups = s
        .groups()
        .iter()
        .map(|(name, g)| {
            Reply::Map(vec![
                field("name", Reply::Bulk(name.clone())),
                field("consumers", Reply::Integer(g.consumers().len() as i64)),
                field("pending", Reply::Integer(g.pel().len() as i64)),
                field("last-delivered-id", g.last_id.reply()),
                field("entries-read", entries_read_reply(g)),
                field("lag", lag_reply(s, g, v8)),
            ])
        })
        .collect();
    Ok(Reply::Array(groups).into())
}

/// XINFO CONSUMERS key group. Profile 8 (Redis 7.2+) adds `inactive`: the
/// time since the consumer's last read, -1 if it never read.
pub(super) fn consumers(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let v8 = cx.engine.profile() != Profile::V7;
    let now = cx.now_ms;
    let Some(s) = cx.read_stream(&argv[2])? else {
        return Err(Error::Other("ERR no such key".into()));
    };
    let Some(g) = s.group(&argv[3]) else {
        return Ok(no_group(&argv[3], &argv[2]).into());
    };
    let consumers = g
        .consumers()
        .iter()
        .map(|(name, c)| {
            let mut map = vec![
                field("name", Reply::Bulk(name.clone())),
                field("pending", Reply::Integer(c.pel.len() as i64)),
                field(
                    "idle",
                    Reply::Integer((now as i64).wrapping_sub(c.seen_time as i64)),
                ),
            ];
            if v8 {
                let inactive = c
                    .active_time
                    .map_or(-1, |t| (now as i64).wrapping_sub(t as i64));
                map.push(field("inactive", Reply::Integer(inactive)));
            }
            Reply::Map(map)
        })
        .collect();
    Ok(Reply::Array(consumers).into())
}
