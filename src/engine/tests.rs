//! Unit tests of the engine boundary: connect, execute, advance, blocking.

use super::*;

use crate::engine::test_util::argv;

fn engine() -> Engine {
    Engine::new(Config {
        test_commands: true,
        ..Config::default()
    })
}

#[test]
fn set_get_incr() {
    let mut e = engine();
    let c = e.connect(0);
    assert_eq!(e.execute(c, argv("SET a 1"), 0).reply, Some(Reply::ok()));
    assert_eq!(
        e.execute(c, argv("INCR a"), 0).reply,
        Some(Reply::Integer(2))
    );
    assert_eq!(e.execute(c, argv("GET a"), 0).reply, Some(Reply::bulk("2")));
}

#[test]
fn blocked_client_is_served_by_a_write() {
    let mut e = engine();
    let a = e.connect(0);
    let b = e.connect(0);
    let out = e.execute(a, argv("BLOCKTEST k 0"), 10);
    assert_eq!(out.reply, None);
    // The first outcome after `connect` carries the connections first.
    assert_eq!(
        out.event_kinds()[..2],
        [
            EventKind::ClientConnected { client_id: a },
            EventKind::ClientConnected { client_id: b }
        ]
    );
    assert!(
        matches!(out.events[2].kind, EventKind::ClientBlocked { client_id, deadline_ms: None, .. } if client_id == a)
    );
    assert!(e.client_state(a).unwrap().blocked_on.is_some());
    let out = e.execute(b, argv("SET k v"), 20);
    assert_eq!(out.reply, Some(Reply::ok()));
    assert_eq!(
        out.deliveries,
        vec![Delivery {
            client: a,
            kind: DeliveryKind::Reply,
            frame: Reply::bulk("v")
        }]
    );
    assert!(out.event_kinds().contains(&EventKind::ClientUnblocked {
        client_id: a,
        reason: UnblockReason::Served
    }));
    assert!(e.client_state(a).unwrap().blocked_on.is_none());
}

#[test]
fn blocked_clients_are_served_first_come_first_served_and_time_out() {
    let mut e = engine();
    let a = e.connect(0);
    let b = e.connect(0);
    let w = e.connect(0);
    e.execute(b, argv("BLOCKTEST k 500"), 0);
    e.execute(a, argv("BLOCKTEST k 1000"), 1);
    // Before the deadline nothing happens; at it, b times out with a null array.
    assert!(e.advance(499).deliveries.is_empty());
    let out = e.advance(500);
    assert_eq!(
        out.deliveries,
        vec![Delivery {
            client: b,
            kind: DeliveryKind::Reply,
            frame: Reply::NullArray
        }]
    );
    // a is still blocked, and is served by the write.
    let out = e.execute(w, argv("SET k x"), 600);
    assert_eq!(out.deliveries.len(), 1);
    assert_eq!(out.deliveries[0].client, a);
    // A blocked client cannot run commands; a disconnect drops its block.
    let c = e.connect(700);
    e.execute(c, argv("BLOCKTEST other 0"), 700);
    assert!(e.execute(c, argv("PING"), 701).reply.unwrap().is_error());
    let out = e.disconnect(c, 702);
    assert!(out.event_kinds().contains(&EventKind::ClientUnblocked {
        client_id: c,
        reason: UnblockReason::Disconnected
    }));
    assert!(e.execute(w, argv("SET other 1"), 703).deliveries.is_empty());
}

#[test]
fn hello_switches_protocol_and_quit_closes() {
    let mut e = engine();
    let c = e.connect(0);
    assert_eq!(e.protocol(c), Protocol::Resp2);
    let r = e.execute(c, argv("HELLO 3"), 0).reply.unwrap();
    assert!(matches!(r, Reply::Map(ref m) if m.len() == 7));
    assert_eq!(e.protocol(c), Protocol::Resp3);
    assert_eq!(
        e.execute(c, argv("RESET"), 0).reply,
        Some(Reply::simple("RESET"))
    );
    assert_eq!(e.protocol(c), Protocol::Resp2);
    let out = e.execute(c, argv("QUIT"), 0);
    assert!(out.close);
}

#[test]
fn dispatch_errors_are_redis_texts() {
    let mut e = engine();
    let c = e.connect(0);
    let err = |e: &mut Engine, l: &str| match e.execute(c, argv(l), 0).reply {
        Some(Reply::Error(t)) => String::from_utf8(t).unwrap(),
        other => panic!("{other:?}"),
    };
    assert_eq!(
        err(&mut e, "NOSUCH a b"),
        "ERR unknown command 'NOSUCH', with args beginning with: 'a' 'b' "
    );
    assert_eq!(
        err(&mut e, "get"),
        "ERR wrong number of arguments for 'get' command"
    );
    assert_eq!(
        err(&mut e, "command foo"),
        "ERR unknown subcommand 'foo'. Try COMMAND HELP."
    );
    assert_eq!(
        err(&mut e, "command count x"),
        "ERR wrong number of arguments for 'command|count' command"
    );
}

#[test]
fn over_maxmemory_writes_get_oom_and_reads_work() {
    // The limit sits just above an empty engine, so a few keys cross it.
    let mut e = Engine::new(Config {
        maxmemory: BASE_MEMORY + 200,
        profile: Profile::V7,
        ..Config::default()
    });
    let c = e.connect(0);
    assert_eq!(e.execute(c, argv("SET a 1"), 0).reply, Some(Reply::ok()));
    let big = vec![b"SET".to_vec(), b"big".to_vec(), vec![b'x'; 300]];
    // Under the limit before the command runs: it is accepted and crosses it.
    assert_eq!(e.execute(c, big, 0).reply, Some(Reply::ok()));
    let oom = Reply::error("OOM command not allowed when used memory > 'maxmemory'.");
    assert_eq!(e.execute(c, argv("SET b 2"), 0).reply, Some(oom.clone()));
    assert_eq!(e.execute(c, argv("INCR a"), 0).reply, Some(oom.clone()));
    assert_eq!(e.execute(c, argv("GET a"), 0).reply, Some(Reply::bulk("1")));
    assert_eq!(
        e.execute(c, argv("MGET a b"), 0).reply,
        Some(Reply::Array(vec![Reply::bulk("1"), Reply::Null]))
    );
    // Queuing inside MULTI is refused too (7.0.15), which dooms the transaction.
    assert_eq!(e.execute(c, argv("MULTI"), 0).reply, Some(Reply::ok()));
    assert_eq!(e.execute(c, argv("GET a"), 0).reply, Some(oom));
    assert_eq!(
        e.execute(c, argv("EXEC"), 0).reply,
        Some(Reply::error(
            "EXECABORT Transaction discarded because of previous errors."
        ))
    );
    // Deleting frees memory, and writes work again.
    assert_eq!(
        e.execute(c, argv("DEL big"), 0).reply,
        Some(Reply::Integer(1))
    );
    assert_eq!(e.execute(c, argv("SET b 2"), 0).reply, Some(Reply::ok()));
    assert!(e.used_memory() <= BASE_MEMORY + 200);
}

/// Redis 8 (8.0.2 answers so) queues what is not denyoom inside MULTI over the
/// limit and refuses only the denyoom commands, which dooms the transaction.
#[test]
fn over_maxmemory_multi_queues_reads_in_profile_8() {
    let mut e = Engine::new(Config {
        maxmemory: BASE_MEMORY + 200,
        profile: Profile::V8,
        ..Config::default()
    });
    let c = e.connect(0);
    let big = vec![b"SET".to_vec(), b"big".to_vec(), vec![b'x'; 300]];
    assert_eq!(e.execute(c, big, 0).reply, Some(Reply::ok()));
    let oom = Reply::error("OOM command not allowed when used memory > 'maxmemory'.");
    let queued = Some(Reply::simple("QUEUED"));
    assert_eq!(e.execute(c, argv("MULTI"), 0).reply, Some(Reply::ok()));
    assert_eq!(e.execute(c, argv("GET big"), 0).reply, queued);
    assert_eq!(e.execute(c, argv("PING"), 0).reply, queued);
    assert_eq!(e.execute(c, argv("SET k v"), 0).reply, Some(oom));
    assert_eq!(
        e.execute(c, argv("EXEC"), 0).reply,
        Some(Reply::error(
            "EXECABORT Transaction discarded because of previous errors."
        ))
    );
}

#[test]
fn used_memory_follows_writes_and_deletes() {
    let mut e = engine();
    let c = e.connect(0);
    let before = e.used_memory();
    e.execute(c, argv("SET key value"), 0);
    let after = e.used_memory();
    assert!(after > before + 7);
    e.execute(c, argv("SET key v"), 0);
    assert_eq!(e.used_memory(), after - 4);
    e.execute(c, argv("DEL key"), 0);
    assert_eq!(e.used_memory(), before);
}

fn expired_events(out: &Outcome) -> Vec<(usize, Vec<u8>)> {
    out.events
        .iter()
        .filter_map(|ev| match &ev.kind {
            EventKind::KeyExpired { db, key } => Some((*db, key.clone())),
            _ => None,
        })
        .collect()
}

#[test]
fn advance_expires_keys_actively_and_reports_them() {
    let mut e = engine();
    let c = e.connect(0);
    e.execute(c, argv("SET a 1 PX 100"), 0);
    e.execute(c, argv("SET b 2 PX 50"), 0);
    e.execute(c, argv("SET keep 3"), 0);
    e.execute(c, argv("SELECT 5"), 0);
    e.execute(c, argv("SET c 4 PX 100"), 0);
    // A key lives through its expiry millisecond.
    assert!(expired_events(&e.advance(50)).is_empty());
    // Keys go in expiry-time order, without any command touching them.
    assert_eq!(expired_events(&e.advance(51)), vec![(0, b"b".to_vec())]);
    assert_eq!(
        expired_events(&e.advance(1000)),
        vec![(0, b"a".to_vec()), (5, b"c".to_vec())]
    );
    assert_eq!(e.stats.expired_keys, 3);
    // DBSIZE counts keys not removed yet, so it shows they are gone.
    assert_eq!(
        e.execute(c, argv("DBSIZE"), 1000).reply,
        Some(Reply::Integer(0))
    );
    e.execute(c, argv("SELECT 0"), 1000);
    assert_eq!(
        e.execute(c, argv("DBSIZE"), 1000).reply,
        Some(Reply::Integer(1))
    );
    assert!(expired_events(&e.advance(5000)).is_empty());
}

#[test]
fn an_access_expires_a_key_before_the_cycle_runs() {
    let mut e = engine();
    let c = e.connect(0);
    e.execute(c, argv("SET a 1 PX 100"), 0);
    // No advance yet: the key is still counted, but a read finds it expired.
    assert_eq!(
        e.execute(c, argv("DBSIZE"), 500).reply,
        Some(Reply::Integer(1))
    );
    let out = e.execute(c, argv("GET a"), 500);
    assert_eq!(out.reply, Some(Reply::Null));
    assert_eq!(expired_events(&out), vec![(0, b"a".to_vec())]);
    assert!(expired_events(&e.advance(600)).is_empty());
    assert_eq!(e.stats.expired_keys, 1);
    // SCAN's TYPE check runs before its expiry check, so in Redis 7.0 a key
    // that the type lookup found expired has type "none" and is returned.
    e.execute(c, argv("SET b 1 PX 100"), 600);
    e.execute(c, argv("SET c 1"), 600);
    let out = e.execute(c, argv("SCAN 0 TYPE none"), 800);
    assert_eq!(
        out.reply,
        Some(Reply::Array(vec![
            Reply::bulk("0"),
            Reply::Array(vec![Reply::bulk("b")])
        ]))
    );
    assert_eq!(expired_events(&out), vec![(0, b"b".to_vec())]);
}

#[test]
fn expiry_changes_and_flushes_are_events() {
    let mut e = engine();
    let c = e.connect(0);
    e.execute(c, argv("SET a 1"), 0);
    let out = e.execute(c, argv("PEXPIREAT a 5000"), 0);
    assert_eq!(
        out.event_kinds(),
        vec![EventKind::KeyExpiryChanged {
            db: 0,
            key: b"a".to_vec(),
            expires_at_ms: Some(5000)
        }]
    );
    let out = e.execute(c, argv("PERSIST a"), 0);
    assert!(matches!(
        &out.event_kinds()[..],
        [EventKind::KeyExpiryChanged {
            expires_at_ms: None,
            ..
        }]
    ));
    // The expiry index followed PERSIST: nothing expires later.
    assert!(expired_events(&e.advance(10_000)).is_empty());
    e.execute(c, argv("SELECT 2"), 0);
    e.execute(c, argv("SET b 1"), 0);
    let out = e.execute(c, argv("FLUSHALL"), 0);
    // One event for the flush, however many keys went.
    assert_eq!(
        out.event_kinds(),
        vec![EventKind::DbFlushed { db: None, keys: 2 }]
    );
    // A past time deletes at once: a deletion, not an expiry.
    e.execute(c, argv("SET c 1"), 0);
    let out = e.execute(c, argv("EXPIRE c -1"), 0);
    assert_eq!(
        out.event_kinds(),
        vec![EventKind::KeyDeleted {
            db: 2,
            key: b"c".to_vec()
        }]
    );
}

#[test]
fn randomkey_follows_the_seed() {
    let picks = |seed: u64| {
        let mut e = Engine::new(Config {
            seed,
            ..Config::default()
        });
        let c = e.connect(0);
        for i in 0..50 {
            e.execute(c, argv(&format!("SET key:{i} v")), 0);
        }
        (0..20)
            .map(|_| e.execute(c, argv("RANDOMKEY"), 0).reply.unwrap())
            .collect::<Vec<_>>()
    };
    assert_eq!(picks(7), picks(7));
    assert_ne!(picks(7), picks(8));
    let distinct: std::collections::BTreeSet<_> =
        picks(7).into_iter().map(|r| format!("{r:?}")).collect();
    assert!(distinct.len() > 5, "RANDOMKEY keeps picking the same keys");
}

#[test]
fn randomkey_skips_and_removes_expired_keys() {
    let mut e = engine();
    let c = e.connect(0);
    for i in 0..10 {
        e.execute(c, argv(&format!("SET gone:{i} v PX 10")), 0);
    }
    e.execute(c, argv("SET live v"), 0);
    // No expiry cycle ran: RANDOMKEY meets expired keys and removes them.
    for _ in 0..5 {
        let out = e.execute(c, argv("RANDOMKEY"), 100);
        assert_eq!(out.reply, Some(Reply::bulk("live")));
    }
    e.execute(c, argv("DEL live"), 100);
    let out = e.execute(c, argv("RANDOMKEY"), 100);
    assert_eq!(out.reply, Some(Reply::Null));
    assert_eq!(
        e.execute(c, argv("DBSIZE"), 100).reply,
        Some(Reply::Integer(0))
    );
}

#[test]
fn scan_iterates_everything_while_keys_change() {
    let mut e = engine();
    let c = e.connect(0);
    for i in 0..200 {
        e.execute(c, argv(&format!("SET k:{i} v")), 0);
    }
    let mut cursor = b"0".to_vec();
    let mut seen = std::collections::BTreeSet::new();
    let mut round = 0;
    loop {
        let mut line = argv("SCAN x COUNT 9");
        line[1] = cursor.clone();
        let Some(Reply::Array(parts)) = e.execute(c, line, 0).reply else {
            panic!("SCAN answers an array");
        };
        let [Reply::Bulk(next), Reply::Array(keys)] = &parts[..] else {
            panic!("SCAN answers [cursor, keys]");
        };
        for k in keys {
            if let Reply::Bulk(k) = k {
                seen.insert(k.clone());
            }
        }
        // Keys come and go during the iteration.
        e.execute(c, argv(&format!("SET new:{round} v")), 0);
        e.execute(c, argv(&format!("DEL k:{}", 199 - round)), 0);
        round += 1;
        if next == b"0" {
            break;
        }
        cursor = next.clone();
        assert!(round < 1000, "SCAN does not end");
    }
    // Every key present for the whole iteration was returned.
    for i in 0..(200 - round) {
        assert!(seen.contains(format!("k:{i}").as_bytes()), "k:{i} missed");
    }
}

#[test]
fn keyspace_commands_survive_odd_input_and_odd_clocks() {
    let commands = [
        "EXPIRE",
        "PEXPIRE",
        "EXPIREAT",
        "PEXPIREAT",
        "TTL",
        "PTTL",
        "EXPIRETIME",
        "PEXPIRETIME",
        "PERSIST",
        "SCAN",
        "KEYS",
        "RENAME",
        "RENAMENX",
        "COPY",
        "TYPE",
        "UNLINK",
        "RANDOMKEY",
        "DBSIZE",
        "FLUSHDB",
        "FLUSHALL",
        "OBJECT",
    ];
    let args = [
        "k",
        "-1",
        "0",
        "9223372036854775807",
        "-9223372036854775808",
        "18446744073709551615",
        "NX",
        "GT",
        "LT",
        "XX",
        "DB",
        "REPLACE",
        "COUNT",
        "MATCH",
        "TYPE",
        "ENCODING",
        "REFCOUNT",
        "FREQ",
        "HELP",
        "*",
        "[",
        "\\",
    ];
    for now in [0, 1_700_000_000_000, i64::MAX as u64, u64::MAX] {
        let mut e = engine();
        let c = e.connect(now);
        for cmd in commands {
            for (i, a) in args.iter().enumerate() {
                for (j, b) in args.iter().enumerate() {
                    e.execute(c, argv("SET k 5 PX 1000"), now);
                    e.execute(c, argv("SET j v"), now);
                    let third = args[(i + j) % args.len()];
                    for n in 1..=3 {
                        let line: Vec<Vec<u8>> = [cmd, a, b, third][..=n]
                            .iter()
                            .map(|w| w.as_bytes().to_vec())
                            .collect();
                        assert!(e.execute(c, line, now).reply.is_some());
                    }
                }
            }
            e.advance(now);
        }
        e.advance(u64::MAX);
    }
}

/// The bytes the databases should hold, recomputed from their contents.
fn recount(e: &Engine) -> u64 {
    BASE_MEMORY
        + e.dbs
            .iter()
            .flat_map(|d| d.iter())
            .map(|(k, entry)| (keyspace::ENTRY_OVERHEAD + k.len() + entry.value.mem_size()) as u64)
            .sum::<u64>()
}

#[test]
fn string_commands_report_writes_and_deletions_and_keep_memory_exact() {
    let mut e = engine();
    let c = e.connect(0);
    assert_eq!(e.drain_events().len(), 1);
    let written = |k: &str| EventKind::KeyWritten {
        db: 0,
        key: k.as_bytes().to_vec(),
        key_type: "string".into(),
    };
    let deleted = |k: &str| EventKind::KeyDeleted {
        db: 0,
        key: k.as_bytes().to_vec(),
    };
    for (line, event) in [
        ("SETNX a 1", Some(written("a"))),
        ("SETNX a 2", None),
        ("SETEX b 10 v", Some(written("b"))),
        ("PSETEX b 10000 v", Some(written("b"))),
        ("GETSET a 5", Some(written("a"))),
        ("INCRBY a 10", Some(written("a"))),
        ("DECR a", Some(written("a"))),
        ("DECRBY a 2", Some(written("a"))),
        ("INCRBYFLOAT a 0.5", Some(written("a"))),
        ("APPEND a 00", Some(written("a"))),
        ("SETRANGE a 10 xyz", Some(written("a"))),
        ("MSETNX m 1 n 2", Some(written("m"))),
        ("MSETNX m 1 o 2", None),
        ("GETEX b PERSIST", Some(written("b"))),
        ("GETEX b PERSIST", None),
        ("GETEX b EX 100", Some(written("b"))),
        ("GETEX b PXAT 1", Some(deleted("b"))),
        ("GETDEL m", Some(deleted("m"))),
        ("GETDEL m", None),
        ("GETRANGE a 0 -1", None),
        ("STRLEN a", None),
        ("INCRBYFLOAT a x", None),
        ("SETRANGE a 536870912 x", None),
    ] {
        let out = e.execute(c, argv(line), 1);
        assert!(out.reply.is_some(), "{line}");
        assert_eq!(
            out.events.first().map(|e| &e.kind),
            event.as_ref(),
            "{line}"
        );
        assert_eq!(e.used_memory(), recount(&e), "{line}");
    }
    // An empty SETRANGE value writes nothing, even on an existing key.
    let empty = vec![
        b"SETRANGE".to_vec(),
        b"a".to_vec(),
        b"1".to_vec(),
        Vec::new(),
    ];
    let out = e.execute(c, empty, 1);
    assert_eq!(out.reply, Some(Reply::Integer(13)));
    assert!(out.events.is_empty());
    assert_eq!(
        e.execute(c, argv("GET a"), 1).reply,
        Some(Reply::bulk(&b"12.500\x00\x00\x00\x00xyz"[..]))
    );
}

#[test]
fn string_writes_wake_blocked_clients() {
    let mut e = engine();
    let a = e.connect(0);
    let w = e.connect(0);
    // BLOCKTEST answers at once when its key exists: one fresh key per write.
    for line in [
        "APPEND k v",
        "SETRANGE r 0 x",
        "INCRBYFLOAT n 1",
        "SETNX s v",
    ] {
        let key = line.split_whitespace().nth(1).unwrap();
        e.execute(a, argv(&format!("BLOCKTEST {key} 0")), 0);
        let out = e.execute(w, argv(line), 1);
        assert_eq!(out.deliveries.len(), 1, "{line}");
        assert_eq!(out.deliveries[0].client, a, "{line}");
    }
}

/// Three XREAD readers blocked on one stream (the second also on another key),
/// served by one XADD: first come, first served, in both serving paths (7.0's
/// in place, 8's re-run).
#[test]
fn blocked_xread_is_served_fifo_in_both_profiles() {
    for profile in [Profile::V7, Profile::V8] {
        let mut e = Engine::new(Config {
            profile,
            ..Config::default()
        });
        let w = e.connect(0);
        let readers: Vec<ClientId> = (0..3).map(|_| e.connect(0)).collect();
        e.execute(w, argv("XADD s 1-0 a 1"), 0);
        e.execute(readers[0], argv("XREAD BLOCK 0 STREAMS s $"), 1);
        e.execute(readers[1], argv("XREAD BLOCK 0 STREAMS other s $ $"), 2);
        e.execute(readers[2], argv("XREAD BLOCK 5000 COUNT 1 STREAMS s $"), 3);
        // A write of another type wakes nobody; the key keeps its readers.
        assert!(e.execute(w, argv("SET x 1"), 4).deliveries.is_empty());
        let out = e.execute(w, argv("XADD s 2-0 b 2"), 5);
        let served: Vec<ClientId> = out.deliveries.iter().map(|d| d.client).collect();
        assert_eq!(served, readers, "{profile:?}");
        let entry = Reply::Array(vec![
            Reply::bulk("2-0"),
            Reply::Array(vec![Reply::bulk("b"), Reply::bulk("2")]),
        ]);
        let expected = Reply::Array(vec![Reply::Array(vec![
            Reply::bulk("s"),
            Reply::Array(vec![entry]),
        ])]);
        for d in &out.deliveries {
            assert_eq!(d.frame, expected, "{profile:?}");
        }
        assert!(!e.is_blocked(readers[0]) && !e.is_blocked(readers[2]));
    }
}

/// A reader whose `$` was fixed at block time is not served by entries below
/// it (the key deleted and re-created), nor by a write of another type; a
/// later entry above it serves it, and a timeout releases it.
#[test]
fn blocked_xread_waits_past_its_dollar_id() {
    for profile in [Profile::V7, Profile::V8] {
        let mut e = Engine::new(Config {
            profile,
            ..Config::default()
        });
        let w = e.connect(0);
        let a = e.connect(0);
        let b = e.connect(0);
        e.execute(w, argv("XADD s 5-0 a 1"), 0);
        e.execute(a, argv("XREAD BLOCK 0 STREAMS s $"), 0);
        e.execute(b, argv("XREAD BLOCK 100 STREAMS s $"), 0);
        e.execute(w, argv("DEL s"), 1);
        assert!(e.execute(w, argv("SET s x"), 2).deliveries.is_empty());
        e.execute(w, argv("DEL s"), 3);
        assert!(e
            .execute(w, argv("XADD s 1-0 y 1"), 4)
            .deliveries
            .is_empty());
        assert!(e.is_blocked(a) && e.is_blocked(b), "{profile:?}");
        let out = e.advance(100);
        assert_eq!(out.deliveries.len(), 1);
        assert_eq!(out.deliveries[0].client, b);
        assert_eq!(out.deliveries[0].frame, Reply::NullArray);
        let out = e.execute(w, argv("XADD s 6-0 z 1"), 101);
        assert_eq!(out.deliveries.len(), 1);
        assert_eq!(out.deliveries[0].client, a, "{profile:?}");
    }
}

/// A blocked XREAD without COUNT is served at most 1000 entries in place by
/// 7.0, and everything by 8's re-run (a RENAME brings 1001 at once).
#[test]
fn blocked_xread_count_default_per_profile() {
    for (profile, expected) in [(Profile::V7, 1000), (Profile::V8, 1001)] {
        let mut e = Engine::new(Config {
            profile,
            ..Config::default()
        });
        let w = e.connect(0);
        let r = e.connect(0);
        for i in 1..=1001 {
            e.execute(w, argv(&format!("XADD big {i}-0 f v")), 0);
        }
        e.execute(r, argv("XREAD BLOCK 0 STREAMS s 0"), 0);
        let out = e.execute(w, argv("RENAME big s"), 0);
        let Some(Reply::Array(streams)) = out.deliveries.first().map(|d| d.frame.clone()) else {
            panic!("{profile:?}: not served");
        };
        let Reply::Array(pair) = &streams[0] else {
            panic!("{profile:?}")
        };
        assert!(matches!(&pair[1], Reply::Array(entries) if entries.len() == expected));
    }
}

/// Profile 8 re-runs a woken reader; if it finds nothing it blocks anew at
/// the back of every queue (Redis 7.2+), while 7.0 leaves it in its place.
#[test]
fn xread_reblocked_goes_to_the_back_in_profile_8() {
    for (profile, first) in [(Profile::V7, 0), (Profile::V8, 1)] {
        let mut e = Engine::new(Config {
            profile,
            ..Config::default()
        });
        let w = e.connect(0);
        let a = e.connect(0);
        let b = e.connect(0);
        e.execute(w, argv("XADD s 5-0 a 1"), 0);
        e.execute(a, argv("XREAD BLOCK 0 STREAMS s u 10-0 $"), 0);
        e.execute(b, argv("XREAD BLOCK 0 STREAMS u $"), 0);
        assert!(e
            .execute(w, argv("XADD s 6-0 b 2"), 1)
            .deliveries
            .is_empty());
        let out = e.execute(w, argv("XADD u 1-0 c 3"), 2);
        let served: Vec<ClientId> = out.deliveries.iter().map(|d| d.client).collect();
        let order = [a, b];
        assert_eq!(served, vec![order[first], order[1 - first]], "{profile:?}");
    }
}

/// Redis 8's Keysizes section, as 8.0.2 printed it for the same keys: strings by
/// length in power-of-two bins, 1024 and up as K.
#[test]
fn info_keysizes_bins_string_lengths_in_profile_8() {
    let mut e = Engine::new(Config {
        profile: Profile::V8,
        ..Config::default()
    });
    let c = e.connect(0);
    e.execute(c, vec![b"SET".to_vec(), b"e".to_vec(), Vec::new()], 0);
    e.execute(c, argv("SET a 1"), 0);
    e.execute(c, argv("SET bb 12345678901"), 0);
    e.execute(
        c,
        vec![b"SET".to_vec(), b"big".to_vec(), vec![b'x'; 2000]],
        0,
    );
    let out = e.execute(c, argv("INFO keysizes"), 0);
    let Some(Reply::Verbatim(_, text)) = out.reply else {
        panic!("INFO");
    };
    assert_eq!(
        String::from_utf8(text).unwrap(),
        "# Keysizes\r\ndb0_distrib_strings_sizes:0=1,1=1,8=1,1K=1\r\n"
    );
}
