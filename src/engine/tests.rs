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

#[test]
fn over_maxmemory_writes_get_oom_and_reads_work() {
    // The limit sits just above an empty engine, so a few keys cross it.
    let mut e = Engine::new(Config {
        maxmemory: BASE_MEMORY + 200,
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
    // Queuing inside MULTI is refused too, which dooms the transaction.
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
