//! Unit tests of the engine boundary: connect, execute, advance, blocking.

use super::*;

fn argv(line: &str) -> Vec<Vec<u8>> {
    line.split_whitespace()
        .map(|w| w.as_bytes().to_vec())
        .collect()
}

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
    assert!(
        matches!(out.events[0], Event::ClientBlocked { client, deadline_ms: None, .. } if client == a)
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
    assert!(out.events.contains(&Event::ClientUnblocked {
        client: a,
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
    assert!(out.events.contains(&Event::ClientUnblocked {
        client: c,
        reason: UnblockReason::Cancelled
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
    let written = |k: &str| Event::KeyWritten {
        db: 0,
        key: k.as_bytes().to_vec(),
    };
    let deleted = |k: &str| Event::KeyDeleted {
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
        assert_eq!(out.events.first(), event.as_ref(), "{line}");
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
