//! Property tests of the engine's state as a value: after random multi-client
//! workloads (streams, groups, claims, `~` trims, pub/sub with patterns and
//! shard channels, expiry with EXPIRE and clock jumps, blocked clients, MULTI,
//! RESP3 clients, two databases; both profiles)
//! - the inspect API agrees with what the commands report (XINFO STREAM FULL,
//!   XINFO GROUPS/CONSUMERS, XPENDING summary and extended, XRANGE windows,
//!   PUBSUB NUMSUB/NUMPAT/SHARDNUMSUB/CHANNELS, CLIENT LIST, KEYS, TYPE,
//!   TTL/PTTL), checked on a clone because those commands can change state;
//! - inspecting changes nothing (the saved bytes are the same before and after);
//! - an engine loaded from its saved bytes, and a clone, continue exactly as
//!   the original does: every later reply, frame and event is identical.
//!
//! `STREAMPLAY_INSPECT_CASES` sets the number of cases (default 300 each).

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/workload.rs"]
mod workload;

use std::collections::BTreeMap;

use proptest::prelude::*;
use streamplay::engine::inspect::{ClientInfo, Window};
use streamplay::engine::{ClientId, Config, Engine, Outcome, Profile, Reply, StreamId};
use workload::{near_id, pick, resolve, some_id, words, START_MS};

/// Clients the workload drives.
const CLIENTS: usize = 4;

/// One step of a workload.
#[derive(Clone, Debug)]
struct Step {
    /// Milliseconds the clock moves before the step.
    dt: u64,
    /// Whether the clock's move runs `advance` (timeouts, active expiry) or
    /// leaves expired keys for lazy expiry.
    advance: bool,
    client: usize,
    argv: Vec<String>,
}

/// A command line of the workload.
fn command() -> impl Strategy<Value = Vec<String>> {
    // Mostly one stream and one group, so that reads find the group.
    let stream = || pick(&["s1", "s1", "s2"]);
    let group = || pick(&["g1", "g1", "g2"]);
    let consumer = || pick(&["c1", "c2", "c3"]);
    let any_key = || pick(&["s1", "s2", "k1", "k2"]);
    prop_oneof![
        // Streams.
        6 => (stream(), 0u8..6, 1u8..6, any::<bool>()).prop_map(|(s, trim, n, approx)| {
            let mut v = words(&["XADD", s]);
            if trim == 0 {
                v.extend(words(&["MAXLEN", if approx { "~" } else { "=" }]));
                v.push(n.to_string());
            }
            v.extend(words(&["*", "f", "v"]));
            if n % 2 == 0 {
                v.extend(words(&["g", "w"]));
            }
            v
        }),
        1 => (stream(), near_id()).prop_map(|(s, id)| words(&["XADD", s, &id, "f", "x"])),
        2 => (stream(), proptest::collection::vec(some_id(), 1..3)).prop_map(|(s, ids)| {
            let mut v = words(&["XDEL", s]);
            v.extend(ids);
            v
        }),
        1 => (stream(), 0u8..8, any::<bool>()).prop_map(|(s, n, approx)| {
            words(&["XTRIM", s, "MAXLEN", if approx { "~" } else { "=" }, &n.to_string()])
        }),
        1 => (stream(), some_id()).prop_map(|(s, id)| words(&["XTRIM", s, "MINID", &id])),
        // Groups.
        2 => (stream(), group(), pick(&["0", "$"]), any::<bool>()).prop_map(|(s, g, at, mk)| {
            let mut v = words(&["XGROUP", "CREATE", s, g, at]);
            if mk {
                v.push("MKSTREAM".into());
            }
            v
        }),
        1 => (stream(), group(), prop_oneof![Just("0".to_string()), Just("$".to_string()), some_id()])
            .prop_map(|(s, g, id)| words(&["XGROUP", "SETID", s, g, &id])),
        1 => (stream(), group(), consumer())
            .prop_map(|(s, g, c)| words(&["XGROUP", "CREATECONSUMER", s, g, c])),
        1 => (stream(), group(), consumer())
            .prop_map(|(s, g, c)| words(&["XGROUP", "DELCONSUMER", s, g, c])),
        1 => (stream(), group()).prop_map(|(s, g)| words(&["XGROUP", "DESTROY", s, g])),
        8 => (stream(), group(), consumer(), 0u8..4, 0u8..6, pick(&[">", ">", "0"]))
            .prop_map(|(s, g, c, count, block, from)| {
                let mut v = words(&["XREADGROUP", "GROUP", g, c]);
                if count > 0 {
                    v.extend(words(&["COUNT", &count.to_string()]));
                }
                if block == 1 {
                    v.extend(words(&["BLOCK", "0"]));
                } else if block == 2 {
                    v.extend(words(&["BLOCK", "50"]));
                }
                v.extend(words(&["STREAMS", s, from]));
                v
            }),
        2 => (stream(), 0u8..3).prop_map(|(s, block)| {
            let t = ["0", "30", "2000"][block as usize];
            words(&["XREAD", "COUNT", "2", "BLOCK", t, "STREAMS", s, "$"])
        }),
        3 => (stream(), group(), proptest::collection::vec(some_id(), 1..3)).prop_map(|(s, g, ids)| {
            let mut v = words(&["XACK", s, g]);
            v.extend(ids);
            v
        }),
        2 => (stream(), group(), consumer(), pick(&["0", "5", "1000"]), proptest::collection::vec(some_id(), 1..3))
            .prop_map(|(s, g, c, idle, ids)| {
                let mut v = words(&["XCLAIM", s, g, c, idle]);
                v.extend(ids);
                v
            }),
        2 => (stream(), group(), consumer(), pick(&["0", "5", "1000"]), 1u8..4)
            .prop_map(|(s, g, c, idle, n)| {
                words(&["XAUTOCLAIM", s, g, c, idle, "0", "COUNT", &n.to_string()])
            }),
        // Strings and expiry.
        2 => (pick(&["k1", "k2"]), 0u8..3).prop_map(|(k, ttl)| match ttl {
            0 => words(&["SET", k, "hello"]),
            1 => words(&["SET", k, "hi", "PX", "40"]),
            _ => words(&["SET", k, "hey", "EX", "2"]),
        }),
        2 => (pick(&["k1", "k2", "k1", "s2"]), pick(&["EXPIRE", "PEXPIRE"]), pick(&["1", "30", "3"]))
            .prop_map(|(k, cmd, t)| words(&[cmd, k, t])),
        1 => any_key().prop_map(|k| words(&["PERSIST", k])),
        1 => any_key().prop_map(|k| words(&["DEL", k])),
        // Pub/sub.
        1 => pick(&["ch1", "ch2", "news.a"]).prop_map(|c| words(&["SUBSCRIBE", c])),
        1 => pick(&["ch*", "news.*", "*"]).prop_map(|p| words(&["PSUBSCRIBE", p])),
        1 => pick(&["sh1", "sh2"]).prop_map(|c| words(&["SSUBSCRIBE", c])),
        1 => pick(&["ch1", "ch2", "news.a", ""]).prop_map(|c| {
            if c.is_empty() { words(&["UNSUBSCRIBE"]) } else { words(&["UNSUBSCRIBE", c]) }
        }),
        1 => pick(&["ch*", "news.*", ""]).prop_map(|p| {
            if p.is_empty() { words(&["PUNSUBSCRIBE"]) } else { words(&["PUNSUBSCRIBE", p]) }
        }),
        1 => pick(&["sh1", "sh2"]).prop_map(|c| words(&["SUNSUBSCRIBE", c])),
        3 => pick(&["ch1", "ch2", "news.a", "other"]).prop_map(|c| words(&["PUBLISH", c, "m"])),
        1 => pick(&["sh1", "sh2"]).prop_map(|c| words(&["SPUBLISH", c, "m"])),
        // Transactions and connection state.
        1 => Just(words(&["MULTI"])),
        2 => Just(words(&["EXEC"])),
        1 => Just(words(&["DISCARD"])),
        1 => pick(&["alice", "bob"]).prop_map(|n| words(&["CLIENT", "SETNAME", n])),
        1 => pick(&["0", "1"]).prop_map(|db| words(&["SELECT", db])),
        1 => pick(&["2", "3"]).prop_map(|p| words(&["HELLO", p])),
        1 => Just(words(&["PING"])),
        // Replies that show the server's own state (what a saved engine must keep).
        1 => pick(&["CLIENT LIST", "INFO stats", "INFO commandstats", "RANDOMKEY", "XINFO STREAM s1 FULL", "DBSIZE"])
            .prop_map(|line| words(&line.split(' ').collect::<Vec<_>>())),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let dt = prop_oneof![16 => 0u64..4, 2 => 20u64..60, 1 => 900u64..2500];
    // Only client 3 subscribes (a RESP2 subscriber refuses most commands),
    // so that the streams get busy.
    (dt, proptest::bool::weighted(0.3), 0..CLIENTS, command()).prop_map(
        |(dt, advance, client, argv)| {
            let subscribes = argv[0].ends_with("SUBSCRIBE") && !argv[0].contains("UN");
            let client = if subscribes { 3 } else { client };
            Step {
                dt,
                advance,
                client,
                argv,
            }
        },
    )
}

fn workload() -> impl Strategy<Value = (Profile, Vec<Step>)> {
    (
        prop_oneof![Just(Profile::V7), Just(Profile::V8)],
        proptest::collection::vec(step(), 1..90),
    )
}

/// A fresh engine with small stream nodes (so streams span several) and its clients.
fn start(profile: Profile) -> (Engine, Vec<ClientId>) {
    let mut e = Engine::new(Config {
        profile,
        seed: 7,
        ..Config::default()
    });
    let clients: Vec<ClientId> = (0..CLIENTS).map(|_| e.connect(START_MS)).collect();
    // Small nodes, so that streams span several; a stream with a group to
    // start with, so that most group commands find one.
    for line in [
        "CONFIG SET stream-node-max-entries 3",
        "XADD s1 * f a",
        "XADD s1 * f b",
        "XGROUP CREATE s1 g1 0",
        "XGROUP CREATE s2 g1 $ MKSTREAM",
    ] {
        let argv = bytes(&words(&line.split(' ').collect::<Vec<_>>()));
        let out = e.execute(clients[0], argv, START_MS);
        assert!(!matches!(out.reply, Some(Reply::Error(_)) | None), "{line}");
    }
    (e, clients)
}

fn bytes(argv: &[String]) -> Vec<Vec<u8>> {
    argv.iter().map(|a| a.as_bytes().to_vec()).collect()
}

/// Runs one step at the clock `*now`, which it moves; the outcomes it produced.
fn run(e: &mut Engine, clients: &[ClientId], now: &mut u64, s: &Step) -> Vec<Outcome> {
    let mut outs = Vec::new();
    *now += s.dt;
    if s.advance {
        outs.push(e.advance(*now));
    }
    let argv = resolve(e, clients[s.client], &s.argv, *now);
    outs.push(e.execute(clients[s.client], argv, *now));
    outs
}

fn val<'a>(map: &'a Reply, name: &str) -> &'a Reply {
    let Reply::Map(pairs) = map else {
        panic!("not a map: {map:?}");
    };
    pairs
        .iter()
        .find(|(k, _)| *k == Reply::bulk(name))
        .map(|(_, v)| v)
        .unwrap_or_else(|| panic!("no field {name} in {map:?}"))
}

fn array(r: &Reply) -> &[Reply] {
    match r {
        Reply::Array(v) => v,
        other => panic!("not an array: {other:?}"),
    }
}

fn int(n: impl TryInto<i64>) -> Reply {
    Reply::Integer(n.try_into().ok().expect("fits"))
}

fn opt_int(n: Option<i64>) -> Reply {
    n.map_or(Reply::Null, Reply::Integer)
}

fn id(id: StreamId) -> Reply {
    Reply::bulk(id.to_string())
}

fn entry(id_: StreamId, fields: &[(Vec<u8>, Vec<u8>)]) -> Reply {
    let flat = fields
        .iter()
        .flat_map(|(f, v)| [Reply::Bulk(f.clone()), Reply::Bulk(v.clone())])
        .collect();
    Reply::Array(vec![id(id_), Reply::Array(flat)])
}

/// Checks every inspect call against the commands that report the same state,
/// run by a new client on a clone of `e`.
fn check_inspect_against_commands(e: &Engine, now: u64) {
    let v8 = e.profile() == Profile::V8;
    let mut clone = e.clone();
    let checker = clone.connect(now);
    let mut cmd = |parts: &[&str]| -> Reply {
        let argv = parts.iter().map(|p| p.as_bytes().to_vec()).collect();
        clone
            .execute(checker, argv, now)
            .reply
            .expect("the checker never blocks")
    };
    let text = |b: &[u8]| String::from_utf8(b.to_vec()).expect("test names are UTF-8");

    for db in 0..2usize {
        cmd(&["SELECT", &db.to_string()]);
        let keys = e.inspect_keys(db, now, usize::MAX);
        assert_eq!(keys.total, keys.keys.len());
        assert_eq!(e.inspect_keys(db, now, 1).keys.len(), keys.total.min(1));
        let mut listed: Vec<Reply> = array(&cmd(&["KEYS", "*"])).to_vec();
        listed.sort_by_key(|r| format!("{r:?}"));
        let names: Vec<Reply> = keys
            .keys
            .iter()
            .map(|k| Reply::Bulk(k.name.clone()))
            .collect();
        assert_eq!(listed, names, "KEYS * of db {db}");

        for k in &keys.keys {
            let name = text(&k.name);
            assert_eq!(e.inspect_key(db, &k.name, now).as_ref(), Some(k));
            assert_eq!(cmd(&["TYPE", &name]), Reply::simple(&k.type_name));
            let pttl = k.ttl_ms.map_or(-1, |t| t as i64);
            assert_eq!(cmd(&["PTTL", &name]), Reply::Integer(pttl), "PTTL {name}");
            let ttl = k.ttl_ms.map_or(-1, |t| ((t + 500) / 1000) as i64);
            assert_eq!(cmd(&["TTL", &name]), Reply::Integer(ttl), "TTL {name}");
            assert_eq!(k.expires_at_ms.map(|t| t - now), k.ttl_ms);
            if k.type_name == "string" {
                assert_eq!(cmd(&["STRLEN", &name]), int(k.size));
                assert!(e.inspect_stream(db, &k.name, now).is_none());
                continue;
            }
            assert_eq!(cmd(&["XLEN", &name]), int(k.size));
            check_stream(e, &mut cmd, db, &name, now, v8);
        }
    }

    // Pub/sub.
    let ps = e.inspect_pubsub();
    assert_eq!(cmd(&["PUBSUB", "NUMPAT"]), int(ps.patterns.len()));
    let mut channels = vec!["ch1", "ch2", "news.a", "nosuch"];
    let numsub: Vec<Reply> = channels
        .iter()
        .flat_map(|c| {
            let n = ps
                .channels
                .iter()
                .find(|i| i.name == c.as_bytes())
                .map_or(0, |i| i.subscribers.len());
            [Reply::bulk(*c), int(n)]
        })
        .collect();
    channels.insert(0, "NUMSUB");
    channels.insert(0, "PUBSUB");
    assert_eq!(cmd(&channels), Reply::Array(numsub));
    let shard: Vec<Reply> = ["sh1", "sh2", "nosuch"]
        .iter()
        .flat_map(|c| {
            let n = ps
                .shard_channels
                .iter()
                .find(|i| i.name == c.as_bytes())
                .map_or(0, |i| i.subscribers.len());
            [Reply::bulk(*c), int(n)]
        })
        .collect();
    assert_eq!(
        cmd(&["PUBSUB", "SHARDNUMSUB", "sh1", "sh2", "nosuch"]),
        Reply::Array(shard)
    );
    let active: Vec<Reply> = ps
        .channels
        .iter()
        .map(|c| Reply::Bulk(c.name.clone()))
        .collect();
    assert_eq!(cmd(&["PUBSUB", "CHANNELS"]), Reply::Array(active));

    // Clients.
    let clients = e.inspect_clients();
    for c in &clients {
        assert_eq!(e.inspect_client(c.id).as_ref(), Some(c));
        // The registry and the clients agree on who listens where.
        for (list, mine) in [
            (&ps.channels, &c.channels),
            (&ps.patterns, &c.patterns),
            (&ps.shard_channels, &c.shard_channels),
        ] {
            let theirs: Vec<Vec<u8>> = list
                .iter()
                .filter(|i| i.subscribers.contains(&c.id))
                .map(|i| i.name.clone())
                .collect();
            let mut mine = mine.clone();
            mine.sort();
            let mut theirs = theirs;
            theirs.sort();
            assert_eq!(mine, theirs);
        }
    }
    let list = match cmd(&["CLIENT", "LIST"]) {
        Reply::Bulk(b) | Reply::Verbatim(_, b) => text(&b),
        other => panic!("CLIENT LIST gave {other:?}"),
    };
    let listed: Vec<BTreeMap<String, String>> = list
        .lines()
        .map(|line| {
            line.split(' ')
                .filter_map(|kv| kv.split_once('='))
                .map(|(k, v)| (k.to_string(), v.to_string()))
                .collect::<BTreeMap<_, _>>()
        })
        .filter(|m| m["id"] != checker.to_string())
        .collect();
    assert_eq!(listed.len(), clients.len());
    for (fields, c) in listed.iter().zip(&clients) {
        check_client_line(fields, c);
    }
}

fn check_client_line(fields: &BTreeMap<String, String>, c: &ClientInfo) {
    let name = c
        .name
        .as_ref()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let queued = c.queued.map_or(-1, |n| n as i64);
    let want = [
        ("id", c.id.to_string()),
        ("name", name),
        ("db", c.db.to_string()),
        ("flags", c.flags.clone()),
        ("sub", c.channels.len().to_string()),
        ("psub", c.patterns.len().to_string()),
        ("ssub", c.shard_channels.len().to_string()),
        ("multi", queued.to_string()),
        ("resp", c.protocol.to_string()),
    ];
    for (k, v) in want {
        assert_eq!(fields[k], v, "CLIENT LIST {k} of client {}", c.id);
    }
    let flags = &c.flags;
    use streamplay::engine::inspect::ClientMode::*;
    match c.mode {
        Blocked => assert!(flags.contains('b') && c.block.is_some()),
        Multi => assert!(flags.contains('x') && c.block.is_none()),
        Subscribed => assert!(flags.contains('P') && !flags.contains('x')),
        Normal => assert!(!flags.contains('P') && !flags.contains('x') && !flags.contains('b')),
    }
    if let Some(b) = &c.block {
        assert!(b.command == b"xread" || b.command == b"xreadgroup");
        assert!(!b.keys.is_empty());
    }
}

/// Checks a stream's inspection against XINFO, XRANGE and XPENDING.
fn check_stream(
    e: &Engine,
    cmd: &mut impl FnMut(&[&str]) -> Reply,
    db: usize,
    key: &str,
    now: u64,
    v8: bool,
) {
    let k = key.as_bytes();
    let info = e.inspect_stream(db, k, now).expect("a live stream");
    let entries = e
        .inspect_entries(db, k, now, Window::First(usize::MAX))
        .expect("entries");
    let nodes = e
        .inspect_nodes(db, k, now, Window::First(usize::MAX))
        .expect("nodes");
    let groups = e.inspect_groups(db, k, now).expect("groups");

    let full = cmd(&["XINFO", "STREAM", key, "FULL", "COUNT", "0"]);
    assert_eq!(val(&full, "length"), &int(info.length));
    assert_eq!(val(&full, "radix-tree-keys"), &int(info.node_count));
    assert_eq!(val(&full, "last-generated-id"), &id(info.last_generated_id));
    assert_eq!(val(&full, "max-deleted-entry-id"), &id(info.max_deleted_id));
    assert_eq!(val(&full, "entries-added"), &int(info.entries_added));
    assert_eq!(
        val(&full, "recorded-first-entry-id"),
        &id(info.recorded_first_id)
    );
    let listed: Vec<Reply> = entries.iter().map(|x| entry(x.id, &x.fields)).collect();
    assert_eq!(val(&full, "entries"), &Reply::Array(listed.clone()));
    assert_eq!(info.length as usize, entries.len());
    assert_eq!(info.first_id, entries.first().map(|x| x.id));
    assert_eq!(info.last_id, entries.last().map(|x| x.id));
    assert_eq!(info.group_count as usize, groups.len());

    // Nodes: as many as XINFO counts, holding exactly the live entries.
    assert_eq!(nodes.len() as u64, info.node_count);
    assert_eq!(nodes.iter().map(|n| n.live).sum::<u64>(), info.length);
    for n in &nodes {
        assert!(n.first_id <= n.last_id);
        let inside = entries
            .iter()
            .filter(|x| n.first_id <= x.id && x.id <= n.last_id)
            .count() as u64;
        assert_eq!(inside, n.live);
        // Its tombstones: one ID per deleted entry (after XSETID moved IDs back they may lie
        // outside the node's bounds, or repeat a live ID, so only the count is certain).
        assert_eq!(n.deleted_ids.len() as u64, n.deleted);
    }
    let (a, b) = (
        StreamId::new(START_MS + 5, 0),
        StreamId::new(START_MS + 40, 0),
    );
    let window = Window::Range {
        start: a,
        end: b,
        count: 2,
    };
    let touching: Vec<_> = nodes
        .iter()
        .filter(|n| n.last_id >= a && n.first_id <= b)
        .take(2)
        .cloned()
        .collect();
    assert_eq!(e.inspect_nodes(db, k, now, window), Some(touching));
    let two = e.inspect_nodes(db, k, now, Window::Last(2)).expect("nodes");
    assert_eq!(two.as_slice(), &nodes[nodes.len().saturating_sub(2)..]);

    // Entry windows against XRANGE / XREVRANGE.
    let first3 = e
        .inspect_entries(db, k, now, Window::First(3))
        .expect("window");
    assert_eq!(
        cmd(&["XRANGE", key, "-", "+", "COUNT", "3"]),
        Reply::Array(listed.iter().take(3).cloned().collect())
    );
    assert_eq!(first3.as_slice(), &entries[..entries.len().min(3)]);
    let last3 = e
        .inspect_entries(db, k, now, Window::Last(3))
        .expect("window");
    assert_eq!(
        last3.as_slice(),
        &entries[entries.len().saturating_sub(3)..]
    );
    let rev: Vec<Reply> = last3.iter().rev().map(|x| entry(x.id, &x.fields)).collect();
    assert_eq!(
        cmd(&["XREVRANGE", key, "+", "-", "COUNT", "3"]),
        Reply::Array(rev)
    );
    let (a, b) = (
        StreamId::new(START_MS + 10, 0),
        StreamId::new(START_MS + 60, 1),
    );
    let ranged = e
        .inspect_entries(
            db,
            k,
            now,
            Window::Range {
                start: a,
                end: b,
                count: 4,
            },
        )
        .expect("window");
    let ranged: Vec<Reply> = ranged.iter().map(|x| entry(x.id, &x.fields)).collect();
    assert_eq!(
        cmd(&["XRANGE", key, &a.to_string(), &b.to_string(), "COUNT", "4"]),
        Reply::Array(ranged)
    );

    // Groups against XINFO STREAM FULL, XINFO GROUPS, XINFO CONSUMERS, XPENDING.
    let full_groups = array(val(&full, "groups"));
    let xgroups = cmd(&["XINFO", "GROUPS", key]);
    let xgroups = array(&xgroups);
    assert_eq!(full_groups.len(), groups.len());
    assert_eq!(xgroups.len(), groups.len());
    for ((g, fg), xg) in groups.iter().zip(full_groups).zip(xgroups) {
        let gname = String::from_utf8(g.name.clone()).expect("UTF-8");
        let pel = e
            .inspect_pel(db, k, &g.name, None, now, Window::First(usize::MAX))
            .expect("pel");
        assert_eq!(pel.len() as u64, g.pending);
        for m in [fg, xg] {
            assert_eq!(val(m, "name"), &Reply::Bulk(g.name.clone()));
            assert_eq!(val(m, "last-delivered-id"), &id(g.last_delivered_id));
            assert_eq!(val(m, "entries-read"), &opt_int(g.entries_read));
            assert_eq!(val(m, "lag"), &opt_int(g.lag), "lag of {gname}");
        }
        assert_eq!(val(xg, "pending"), &int(g.pending));
        assert_eq!(val(xg, "consumers"), &int(g.consumers.len()));
        assert_eq!(val(fg, "pel-count"), &int(g.pending));
        let want_pel: Vec<Reply> = pel
            .iter()
            .map(|p| {
                Reply::Array(vec![
                    id(p.id),
                    Reply::Bulk(p.consumer.clone()),
                    int(p.delivery_time_ms),
                    int(p.delivery_count),
                ])
            })
            .collect();
        assert_eq!(val(fg, "pending"), &Reply::Array(want_pel));

        // PEL windows.
        let first2 = e
            .inspect_pel(db, k, &g.name, None, now, Window::First(2))
            .expect("pel");
        assert_eq!(first2.as_slice(), &pel[..pel.len().min(2)]);
        let last2 = e
            .inspect_pel(db, k, &g.name, None, now, Window::Last(2))
            .expect("pel");
        assert_eq!(last2.as_slice(), &pel[pel.len().saturating_sub(2)..]);

        // XPENDING extended and summary.
        let ext: Vec<Reply> = pel
            .iter()
            .map(|p| {
                Reply::Array(vec![
                    id(p.id),
                    Reply::Bulk(p.consumer.clone()),
                    Reply::Integer((now as i64).wrapping_sub(p.delivery_time_ms as i64)),
                    int(p.delivery_count),
                ])
            })
            .collect();
        assert_eq!(
            cmd(&["XPENDING", key, &gname, "-", "+", "1000000"]),
            Reply::Array(ext)
        );
        let summary = cmd(&["XPENDING", key, &gname]);
        let summary = array(&summary);
        assert_eq!(summary[0], int(g.pending));
        if let (Some(lo), Some(hi)) = (pel.first(), pel.last()) {
            assert_eq!(summary[1], id(lo.id));
            assert_eq!(summary[2], id(hi.id));
            let owners: Vec<Reply> = g
                .consumers
                .iter()
                .filter(|c| c.pending > 0)
                .map(|c| {
                    Reply::Array(vec![
                        Reply::Bulk(c.name.clone()),
                        Reply::bulk(c.pending.to_string()),
                    ])
                })
                .collect();
            assert_eq!(summary[3], Reply::Array(owners));
        }

        // Consumers.
        let full_consumers = array(val(fg, "consumers"));
        let xconsumers = cmd(&["XINFO", "CONSUMERS", key, &gname]);
        let xconsumers = array(&xconsumers);
        assert_eq!(full_consumers.len(), g.consumers.len());
        assert_eq!(xconsumers.len(), g.consumers.len());
        for ((c, fc), xc) in g.consumers.iter().zip(full_consumers).zip(xconsumers) {
            let mine = e
                .inspect_pel(
                    db,
                    k,
                    &g.name,
                    Some(&c.name),
                    now,
                    Window::First(usize::MAX),
                )
                .expect("consumer pel");
            assert_eq!(mine.len() as u64, c.pending);
            assert!(mine.iter().all(|p| p.consumer == c.name));
            assert_eq!(val(fc, "name"), &Reply::Bulk(c.name.clone()));
            assert_eq!(val(fc, "seen-time"), &int(c.seen_time_ms));
            if v8 {
                let active = c.active_time_ms.map_or(-1, |t| t as i64);
                assert_eq!(val(fc, "active-time"), &Reply::Integer(active));
            }
            assert_eq!(val(fc, "pel-count"), &int(c.pending));
            let want: Vec<Reply> = mine
                .iter()
                .map(|p| {
                    Reply::Array(vec![
                        id(p.id),
                        int(p.delivery_time_ms),
                        int(p.delivery_count),
                    ])
                })
                .collect();
            assert_eq!(val(fc, "pending"), &Reply::Array(want));
            assert_eq!(val(xc, "name"), &Reply::Bulk(c.name.clone()));
            assert_eq!(val(xc, "pending"), &int(c.pending));
            let idle = (now as i64).wrapping_sub(c.seen_time_ms as i64);
            assert_eq!(val(xc, "idle"), &Reply::Integer(idle));
            if v8 {
                let inactive = c
                    .active_time_ms
                    .map_or(-1, |t| (now as i64).wrapping_sub(t as i64));
                assert_eq!(val(xc, "inactive"), &Reply::Integer(inactive));
            }
        }
    }
}

/// Calls every inspect function (their results are not needed here).
fn inspect_everything(e: &Engine, now: u64) {
    for db in 0..2 {
        for k in e.inspect_keys(db, now, usize::MAX).keys {
            let _ = e.inspect_stream(db, &k.name, now);
            let _ = e.inspect_entries(db, &k.name, now, Window::Last(5));
            let _ = e.inspect_nodes(db, &k.name, now, Window::First(5));
            for g in e.inspect_groups(db, &k.name, now).unwrap_or_default() {
                let _ = e.inspect_pel(db, &k.name, &g.name, None, now, Window::First(5));
            }
        }
    }
    let _ = e.inspect_pubsub();
    let _ = e.inspect_clients();
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: std::env::var("STREAMPLAY_INSPECT_CASES").ok().and_then(|n| n.parse().ok()).unwrap_or(300),
        ..ProptestConfig::default()
    })]

    #[test]
    fn inspect_agrees_with_the_commands((profile, steps) in workload()) {
        let (mut e, clients) = start(profile);
        let mut now = START_MS;
        for (i, s) in steps.iter().enumerate() {
            run(&mut e, &clients, &mut now, s);
            // Check midway too, so states with blocked clients and open
            // transactions are seen, not only the final one.
            if i == steps.len() / 2 || i + 1 == steps.len() {
                let saved = e.save();
                check_inspect_against_commands(&e, now);
                inspect_everything(&e, now);
                // Neither inspecting nor working on a clone changed the engine.
                prop_assert!(e.save() == saved);
            }
        }
        // Later, with keys whose time has passed but which nothing expired yet.
        check_inspect_against_commands(&e, now + 3000);
    }

    #[test]
    fn a_loaded_engine_and_a_clone_continue_exactly_as_the_original(
        (profile, steps) in workload(),
        split in 0.0f64..1.0,
    ) {
        let (mut e, clients) = start(profile);
        let mut now = START_MS;
        let at = (steps.len() as f64 * split) as usize;
        for s in &steps[..at] {
            run(&mut e, &clients, &mut now, s);
        }
        let bytes = e.save();
        let mut loaded = Engine::load(&bytes).expect("the saved bytes load");
        prop_assert!(loaded.save() == bytes);
        let mut clone = e.clone();
        let t0 = now;
        let mut expected = Vec::new();
        for s in &steps[at..] {
            expected.extend(run(&mut e, &clients, &mut now, s));
        }
        for other in [&mut loaded, &mut clone] {
            let mut t = t0;
            let mut got = Vec::new();
            for s in &steps[at..] {
                got.extend(run(other, &clients, &mut t, s));
            }
            prop_assert_eq!(&got, &expected);
            prop_assert!(other.save() == e.save());
        }
    }
}
