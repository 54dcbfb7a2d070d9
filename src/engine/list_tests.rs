//! Unit tests of the list type at the engine boundary: blocking pops (events,
//! first come first served, BLMOVE chains, timeouts on the engine clock, keys
//! that change type, both profiles' serving), inspection, save/load and bad input.

use super::*;

use crate::engine::test_util::{argv, notifications};

fn engine(profile: Profile) -> Engine {
    Engine::new(Config {
        profile,
        ..Config::default()
    })
}

fn bulk_pair(k: &str, v: &str) -> Reply {
    Reply::Array(vec![Reply::bulk(k), Reply::bulk(v)])
}

#[test]
fn a_blocked_pop_reports_its_block_and_is_served_by_a_push() {
    for profile in [Profile::V7, Profile::V8] {
        let mut e = engine(profile);
        let a = e.connect(0);
        let b = e.connect(0);
        let out = e.execute(a, argv("BLPOP k1 k2 k1 0"), 10);
        assert_eq!(out.reply, None);
        assert!(out.event_kinds().iter().any(|k| matches!(k,
            EventKind::ClientBlocked { client_id, command, keys, deadline_ms: None, .. }
                if *client_id == a && command == "blpop" && *keys == vec![b"k1".to_vec(), b"k2".to_vec()])));
        let info = e.execute(b, argv("INFO clients"), 11).reply.unwrap();
        let (Reply::Bulk(text) | Reply::Verbatim(_, text)) = info else {
            panic!("INFO answered {info:?}")
        };
        assert!(String::from_utf8_lossy(&text).contains("blocked_clients:1\r\n"));
        let out = e.execute(b, argv("RPUSH k2 x y"), 20);
        assert_eq!(out.reply, Some(Reply::Integer(2)));
        assert_eq!(
            out.deliveries,
            vec![Delivery {
                client: a,
                kind: DeliveryKind::Reply,
                frame: bulk_pair("k2", "x")
            }]
        );
        assert!(out.event_kinds().contains(&EventKind::ClientUnblocked {
            client_id: a,
            reason: UnblockReason::Served
        }));
        assert_eq!(
            e.execute(b, argv("LRANGE k2 0 -1"), 21).reply,
            Some(Reply::Array(vec![Reply::bulk("y")]))
        );
    }
}

#[test]
fn waiters_are_served_in_block_order_and_a_blmove_feeds_the_next() {
    for profile in [Profile::V7, Profile::V8] {
        let mut e = engine(profile);
        let (a, b, c, w) = (e.connect(0), e.connect(0), e.connect(0), e.connect(0));
        e.execute(a, argv("BLMOVE src dst RIGHT LEFT 0"), 1);
        e.execute(b, argv("BLPOP src 0"), 2);
        e.execute(c, argv("BRPOP dst 0"), 3);
        let out = e.execute(w, argv("RPUSH src 1 2 3"), 4);
        let served: Vec<(ClientId, Reply)> = out
            .deliveries
            .iter()
            .map(|d| (d.client, d.frame.clone()))
            .collect();
        assert_eq!(
            served,
            vec![
                (a, Reply::bulk("3")),
                (b, bulk_pair("src", "1")),
                (c, bulk_pair("dst", "3")),
            ],
            "{profile:?}"
        );
        assert_eq!(
            e.execute(w, argv("LRANGE src 0 -1"), 5).reply,
            Some(Reply::Array(vec![Reply::bulk("2")]))
        );
        assert_eq!(
            e.execute(w, argv("EXISTS dst"), 5).reply,
            Some(Reply::Integer(0))
        );
    }
}

#[test]
fn timeouts_run_on_the_engine_clock() {
    let mut e = engine(Profile::V8);
    let a = e.connect(0);
    e.execute(a, argv("BLMPOP 0.5 1 k LEFT"), 1000);
    assert!(e.advance(1499).deliveries.is_empty());
    let out = e.advance(1500);
    assert_eq!(out.deliveries[0].frame, Reply::NullArray);
    assert!(out.event_kinds().contains(&EventKind::ClientUnblocked {
        client_id: a,
        reason: UnblockReason::TimedOut
    }));
    // BLMOVE times out with a null array too, but answers a plain null in MULTI.
    e.execute(a, argv("BLMOVE k d LEFT LEFT 0.001"), 2000);
    assert_eq!(e.advance(2001).deliveries[0].frame, Reply::NullArray);
    e.execute(a, argv("MULTI"), 2002);
    e.execute(a, argv("BLMOVE k d LEFT LEFT 0"), 2002);
    assert_eq!(
        e.execute(a, argv("EXEC"), 2002).reply,
        Some(Reply::Array(vec![Reply::Null]))
    );
}

#[test]
fn a_key_of_another_type_leaves_the_waiter_blocked() {
    for profile in [Profile::V7, Profile::V8] {
        let mut e = engine(profile);
        let (a, w) = (e.connect(0), e.connect(0));
        e.execute(a, argv("BRPOPLPUSH k d 0"), 1);
        let out = e.execute(w, argv("SET k x"), 2);
        assert!(out.deliveries.is_empty());
        let out = e.execute(w, argv("XADD k2 1-1 f v"), 2);
        assert!(out.deliveries.is_empty());
        e.execute(w, argv("DEL k"), 3);
        assert!(e.is_blocked(a));
        e.execute(w, argv("RENAME k2 k"), 3);
        assert!(e.is_blocked(a));
        e.execute(w, argv("DEL k"), 3);
        let out = e.execute(w, argv("LPUSH k v"), 4);
        assert_eq!(out.deliveries[0].frame, Reply::bulk("v"));
        assert!(!e.is_blocked(a));
    }
}

#[test]
fn a_served_pop_notifies_after_the_push() {
    let mut e = engine(Profile::V7);
    let (a, w) = (e.connect(0), e.connect(0));
    e.execute(w, argv("CONFIG SET notify-keyspace-events KEAn"), 0);
    e.execute(a, argv("BLMOVE s d LEFT RIGHT 0"), 1);
    let out = e.execute(w, argv("RPUSH s v"), 2);
    let n = notifications(&out.events);
    assert_eq!(n, ["new", "rpush", "new", "rpush", "lpop", "del"]);
}

#[test]
fn lists_are_inspected_saved_and_cloned() {
    let mut e = engine(Profile::V8);
    let (a, w) = (e.connect(0), e.connect(0));
    e.execute(w, argv("RPUSH l a b c"), 0);
    e.execute(a, argv("BLPOP q 0"), 0);
    let keys = e.inspect_keys(0, 0, 10);
    assert_eq!(keys.keys[0].type_name, "list");
    assert_eq!(keys.keys[0].size, 3);
    let mut loaded = Engine::load(&e.save()).unwrap();
    assert!(loaded.is_blocked(a));
    let out = loaded.execute(w, argv("RPUSH q z"), 1);
    assert_eq!(out.deliveries[0].frame, bulk_pair("q", "z"));
    assert_eq!(
        loaded.execute(w, argv("LRANGE l 0 -1"), 1).reply,
        e.execute(w, argv("LRANGE l 0 -1"), 1).reply
    );
    assert_eq!(
        loaded.execute(w, argv("OBJECT ENCODING l"), 1).reply,
        Some(Reply::bulk("listpack"))
    );
    let memory = e.execute(w, argv("MEMORY USAGE l"), 1).reply;
    assert!(matches!(memory, Some(Reply::Integer(n)) if n > 0));
}

/// Odd arguments to every list command answer with a reply, never a panic.
#[test]
fn bad_input_never_panics() {
    let words = [
        "l",
        "x",
        "",
        "0",
        "-1",
        "1",
        "LEFT",
        "RIGHT",
        "COUNT",
        "RANK",
        "MAXLEN",
        "BEFORE",
        "9223372036854775807",
        "-9223372036854775808",
        "99999999999999999999",
        "inf",
        "nan",
        "1e-300",
        "-0",
        "0.000001",
    ];
    let commands = [
        "LPUSH",
        "RPUSH",
        "LPUSHX",
        "RPUSHX",
        "LPOP",
        "RPOP",
        "LRANGE",
        "LLEN",
        "LINDEX",
        "LSET",
        "LREM",
        "LTRIM",
        "LINSERT",
        "LPOS",
        "LMOVE",
        "RPOPLPUSH",
        "LMPOP",
        "BLPOP",
        "BRPOP",
        "BLMOVE",
        "BRPOPLPUSH",
        "BLMPOP",
    ];
    for profile in [Profile::V7, Profile::V8] {
        let mut e = engine(profile);
        let c = e.connect(0);
        let w = e.connect(0);
        let mut seed = 7u64;
        for i in 0..20_000u64 {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let mut line = vec![commands[(seed >> 33) as usize % commands.len()]
                .as_bytes()
                .to_vec()];
            for j in 0..((seed >> 20) % 7) {
                let r = seed.rotate_left(j as u32 * 9) >> 40;
                line.push(words[r as usize % words.len()].as_bytes().to_vec());
            }
            e.execute(c, line, i);
            if e.is_blocked(c) {
                e.execute(w, argv("RPUSH l a b c"), i);
                e.cancel_block(c, i);
            }
            if i % 50 == 0 {
                e.execute(w, argv("RPUSH l a b x 1"), i);
            }
        }
    }
}
