//! Unit tests of the server commands at the engine boundary: what CLIENT KILL and
//! CLIENT UNBLOCK do to other clients (`Outcome::killed`, deliveries, events),
//! blocked clients in CLIENT LIST and INFO, statistics, CONFIG SET atomicity, the
//! 8 profile's differences, and no panic on odd arguments.

use super::*;

use crate::engine::test_util::argv;

fn engine(profile: Profile) -> Engine {
    Engine::new(Config {
        profile,
        test_commands: true,
        ..Config::default()
    })
}

fn text(reply: Option<Reply>) -> String {
    match reply {
        Some(Reply::Verbatim(_, t) | Reply::Bulk(t) | Reply::Error(t) | Reply::Simple(t)) => {
            String::from_utf8(t).unwrap()
        }
        other => panic!("not text: {other:?}"),
    }
}

#[test]
fn client_unblock_timeout_gives_the_timeout_reply() {
    let mut e = engine(Profile::V7);
    let a = e.connect(0);
    let b = e.connect(0);
    assert_eq!(a, FIRST_CLIENT_ID);
    assert_eq!(e.execute(b, argv("BLOCKTEST k 0"), 1).reply, None);
    let out = e.execute(a, argv(&format!("CLIENT UNBLOCK {b}")), 2);
    assert_eq!(out.reply, Some(Reply::Integer(1)));
    assert_eq!(
        out.deliveries,
        vec![Delivery {
            client: b,
            kind: DeliveryKind::Reply,
            frame: Reply::NullArray
        }]
    );
    assert!(out.event_kinds().contains(&EventKind::ClientUnblocked {
        client_id: b,
        reason: UnblockReason::Cancelled
    }));
    assert!(!e.is_blocked(b));
    // Not blocked any more: 0.
    let out = e.execute(a, argv(&format!("CLIENT UNBLOCK {b} TIMEOUT")), 3);
    assert_eq!(out.reply, Some(Reply::Integer(0)));
}

#[test]
fn client_unblock_error_sends_unblocked_and_counts_it() {
    let mut e = engine(Profile::V7);
    let a = e.connect(0);
    let b = e.connect(0);
    e.execute(b, argv("BLOCKTEST k 1000"), 0);
    let out = e.execute(a, argv(&format!("CLIENT UNBLOCK {b} error")), 1);
    assert_eq!(out.reply, Some(Reply::Integer(1)));
    assert_eq!(
        out.deliveries[0].frame,
        Reply::error("UNBLOCKED client unblocked via CLIENT UNBLOCK")
    );
    // The deadline no longer applies.
    assert!(e.advance(5000).deliveries.is_empty());
    // The error went to b, and it counts: the call failed, UNBLOCKED is an error code.
    let stats = text(e.execute(a, argv("INFO commandstats errorstats"), 2).reply);
    assert!(
        stats.contains("cmdstat_client|unblock:calls=1,usec=0,usec_per_call=0.00,rejected_calls=0,failed_calls=1\r\n"),
        "{stats}"
    );
    assert!(stats.contains("errorstat_UNBLOCKED:count=1\r\n"), "{stats}");
}

#[test]
fn blocked_clients_show_in_client_list_and_info() {
    let mut e = engine(Profile::V7);
    let a = e.connect(0);
    let b = e.connect(0);
    e.execute(b, argv("BLOCKTEST somekey 5000"), 0);
    let list = text(e.execute(a, argv("CLIENT LIST"), 2500).reply);
    let line_b = list.lines().nth(1).unwrap();
    assert!(line_b.contains(" flags=b "), "{line_b}");
    // BLOCKTEST somekey 5000: 9 + 7 + 4 bytes of arguments kept while blocked.
    assert!(line_b.contains(" argv-mem=20 "), "{line_b}");
    assert!(line_b.contains(" age=2 idle=2 "), "{line_b}");
    assert!(line_b.contains(" cmd=NULL "), "{line_b}");
    let info = text(e.execute(a, argv("INFO clients"), 2600).reply);
    assert!(info.contains("\r\nblocked_clients:1\r\n"), "{info}");
    assert!(
        info.contains("\r\nclients_in_timeout_table:1\r\n"),
        "{info}"
    );
}

#[test]
fn client_kill_drops_other_clients_and_closes_the_caller_after_its_reply() {
    let mut e = engine(Profile::V7);
    let a = e.connect(0);
    let b = e.connect(0);
    let c = e.connect(0);
    e.execute(b, argv("BLOCKTEST k 0"), 0);
    let out = e.execute(a, argv(&format!("CLIENT KILL ID {b}")), 1);
    assert_eq!(out.reply, Some(Reply::Integer(1)));
    assert_eq!(out.killed, vec![b]);
    assert!(!out.close);
    // A killed blocked client gets no reply: it is gone.
    assert!(out.deliveries.is_empty());
    assert!(out
        .event_kinds()
        .contains(&EventKind::ClientDisconnected { client_id: b }));
    assert!(e.client_state(b).is_none());
    assert!(e.execute(b, argv("PING"), 2).reply.unwrap().is_error());
    // Writing the key b waited on wakes nobody.
    assert!(e.execute(c, argv("SET k v"), 3).deliveries.is_empty());
    // The old form may name the caller itself: OK, then the connection closes.
    let addr = e.clients[&a].addr.clone();
    let out = e.execute(a, argv(&format!("CLIENT KILL {addr}")), 4);
    assert_eq!(out.reply, Some(Reply::ok()));
    assert!(out.close);
    assert!(out.killed.is_empty());
    // SKIPME no in the filter form counts the caller too.
    let out = e.execute(c, argv("CLIENT KILL TYPE normal SKIPME no"), 5);
    assert_eq!(out.reply, Some(Reply::Integer(2)));
    assert_eq!(out.killed, vec![a]);
    assert!(out.close);
}

#[test]
fn client_kill_by_address_uses_what_the_host_set() {
    let mut e = engine(Profile::V7);
    let a = e.connect(0);
    let b = e.connect(0);
    e.set_client_addr(b, "10.0.0.7:41000".into(), "10.0.0.1:7000".into());
    let info = text(e.execute(b, argv("CLIENT INFO"), 0).reply);
    assert!(
        info.contains(" addr=10.0.0.7:41000 laddr=10.0.0.1:7000 "),
        "{info}"
    );
    let out = e.execute(a, argv("CLIENT KILL LADDR 10.0.0.1:7000"), 1);
    assert_eq!(out.reply, Some(Reply::Integer(1)));
    assert_eq!(out.killed, vec![b]);
}

#[test]
fn maxage_exists_in_the_8_profile_only() {
    let mut e = engine(Profile::V8);
    let a = e.connect(0);
    let old = e.connect(0);
    let young = e.connect(9_000);
    let err = |e: &mut Engine, l: &str| text(e.execute(a, argv(l), 10_000).reply);
    assert_eq!(
        err(&mut e, "CLIENT KILL MAXAGE x"),
        "ERR maxage is not an integer or out of range"
    );
    assert_eq!(
        err(&mut e, "CLIENT KILL MAXAGE 0"),
        "ERR maxage should be greater than 0"
    );
    let out = e.execute(a, argv("CLIENT KILL MAXAGE 5"), 10_000);
    assert_eq!(out.reply, Some(Reply::Integer(1)));
    assert_eq!(out.killed, vec![old]);
    assert!(e.client_state(young).is_some());
    let mut e7 = engine(Profile::V7);
    let c = e7.connect(0);
    assert_eq!(
        text(e7.execute(c, argv("CLIENT KILL MAXAGE 5"), 0).reply),
        "ERR syntax error"
    );
}

#[test]
fn client_list_fields_follow_the_profile() {
    let mut e7 = engine(Profile::V7);
    let c = e7.connect(0);
    let line = text(e7.execute(c, argv("CLIENT INFO"), 0).reply);
    assert!(line.ends_with(" redir=-1 resp=2\n"), "{line}");
    assert!(line.contains(" multi=-1 qbuf="), "{line}");
    let mut e8 = engine(Profile::V8);
    let c = e8.connect(0);
    let line = text(e8.execute(c, argv("CLIENT INFO"), 0).reply);
    assert!(
        line.ends_with(" resp=2 lib-name= lib-ver= io-thread=0\n"),
        "{line}"
    );
    assert!(line.contains(" multi=-1 watch=0 qbuf="), "{line}");
    let info = text(e8.execute(c, argv("INFO server"), 0).reply);
    assert!(info.contains("\r\nredis_version:8.4.0\r\n"), "{info}");
}

#[test]
fn config_set_changes_all_or_nothing() {
    let mut e = engine(Profile::V7);
    let c = e.connect(0);
    let out = e.execute(
        c,
        argv("CONFIG SET maxmemory 10mb stream-node-max-entries 7 hz x"),
        0,
    );
    assert!(out.reply.unwrap().is_error());
    assert_eq!(e.settings.maxmemory, 0);
    assert_eq!(e.settings.stream_node_max_entries, 100);
    let out = e.execute(
        c,
        argv("CONFIG SET maxmemory 10mb stream-node-max-entries 7 notify-keyspace-events Ex"),
        0,
    );
    assert_eq!(out.reply, Some(Reply::ok()));
    assert_eq!(e.settings.maxmemory, 10 << 20);
    assert_eq!(e.settings.stream_node_max_entries, 7);
    assert_eq!(
        e.settings.notify_keyspace_events,
        params::notify::KEYEVENT | params::notify::EXPIRED
    );
}

#[test]
fn info_counts_and_resetstat() {
    let mut e = engine(Profile::V7);
    let c = e.connect(1_000);
    e.execute(c, argv("SET k v"), 1_000);
    e.execute(c, argv("GET k"), 1_000);
    e.execute(c, argv("GET nope"), 1_000);
    e.execute(c, argv("GET"), 1_000);
    e.execute(c, argv("NOSUCH"), 1_000);
    e.execute(c, argv("DEBUG SLEEP 0"), 1_000);
    let stats = text(e.execute(c, argv("INFO stats commandstats"), 4_000).reply);
    for want in [
        "\r\ntotal_connections_received:1\r\n",
        // SET and the two GETs ran; the refused ones did not.
        "\r\ntotal_commands_processed:3\r\n",
        "\r\nkeyspace_hits:1\r\nkeyspace_misses:1\r\n",
        "\r\ntotal_error_replies:3\r\n",
        "cmdstat_get:calls=2,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n",
        "cmdstat_debug:calls=0,usec=0,usec_per_call=0.00,rejected_calls=1,failed_calls=0\r\n",
    ] {
        assert!(stats.contains(want), "{want:?} in {stats}");
    }
    let server = text(e.execute(c, argv("INFO server"), 4_000).reply);
    assert!(server.contains("\r\nuptime_in_seconds:3\r\n"), "{server}");
    assert!(
        server.contains("\r\nserver_time_usec:4000000\r\n"),
        "{server}"
    );
    e.execute(c, argv("CONFIG RESETSTAT"), 4_000);
    let stats = text(e.execute(c, argv("INFO stats"), 4_000).reply);
    assert!(
        stats.contains("\r\ntotal_commands_processed:1\r\n"),
        "{stats}"
    );
    assert!(stats.contains("\r\nkeyspace_hits:0\r\n"), "{stats}");
    let persistence = text(e.execute(c, argv("INFO persistence"), 4_000).reply);
    assert!(
        persistence.contains("\r\nrdb_changes_since_last_save:1\r\n"),
        "{persistence}"
    );
}

#[test]
fn info_sections_and_keyspace() {
    let mut e = engine(Profile::V7);
    let c = e.connect(0);
    assert_eq!(text(e.execute(c, argv("INFO nosuch"), 0).reply), "");
    e.execute(c, argv("SET a 1"), 0);
    e.execute(c, argv("SET b 1 PX 3000"), 0);
    e.execute(c, argv("SELECT 2"), 0);
    e.execute(c, argv("SET c 1 PX 1000"), 0);
    assert_eq!(
        text(e.execute(c, argv("INFO keyspace"), 0).reply),
        "# Keyspace\r\ndb0:keys=2,expires=1,avg_ttl=3000\r\ndb2:keys=1,expires=1,avg_ttl=1000\r\n"
    );
    let titles = |t: String| -> Vec<String> {
        t.lines()
            .filter_map(|l| l.strip_prefix("# ").map(|s| s.trim_end().to_string()))
            .collect()
    };
    assert_eq!(
        titles(text(e.execute(c, argv("INFO"), 0).reply)),
        [
            "Server",
            "Clients",
            "Memory",
            "Persistence",
            "Stats",
            "Replication",
            "CPU",
            "Modules",
            "Errorstats",
            "Cluster",
            "Keyspace"
        ]
    );
    assert_eq!(
        titles(text(e.execute(c, argv("INFO everything"), 0).reply)).len(),
        13
    );
    assert_eq!(
        titles(text(e.execute(c, argv("INFO keyspace SERVER"), 0).reply)),
        ["Server", "Keyspace"]
    );
}

#[test]
fn odd_arguments_never_panic() {
    let odd: Vec<Vec<u8>> = vec![
        b"".to_vec(),
        b"\0".to_vec(),
        b"x\0y".to_vec(),
        vec![0xff, 0xfe],
        b"-1".to_vec(),
        b"0".to_vec(),
        b"3".to_vec(),
        b"99999999999999999999".to_vec(),
        b"-9223372036854775808".to_vec(),
        b"18446744073709551615gb".to_vec(),
        b"100%".to_vec(),
        b"-100%".to_vec(),
        b"*".to_vec(),
        b"[".to_vec(),
        b"id".to_vec(),
        b"type".to_vec(),
        b"maxmemory".to_vec(),
        b"save".to_vec(),
        b"normal".to_vec(),
        b"skipme".to_vec(),
        b"no".to_vec(),
    ];
    let heads: &[&[&str]] = &[
        &["CLIENT", "KILL"],
        &["CLIENT", "LIST"],
        &["CLIENT", "LIST", "ID"],
        &["CLIENT", "UNBLOCK"],
        &["CLIENT", "SETNAME"],
        &["CONFIG", "GET"],
        &["CONFIG", "SET"],
        &["CONFIG", "SET", "maxmemory-clients"],
        &["CONFIG", "SET", "save"],
        &["INFO"],
        &["FUNCTION", "FLUSH"],
        &["DEBUG"],
        &["TIME"],
    ];
    for profile in [Profile::V7, Profile::V8] {
        let mut e = engine(profile);
        let mut c = e.connect(0);
        for head in heads {
            for a in &odd {
                for b in [None, Some(&odd[3]), Some(&odd[7]), Some(&odd[14])] {
                    let mut line: Vec<Vec<u8>> =
                        head.iter().map(|w| w.as_bytes().to_vec()).collect();
                    line.push(a.clone());
                    line.extend(b.cloned());
                    // CLIENT KILL may have closed the connection: open another.
                    if e.client_state(c).is_none() {
                        c = e.connect(0);
                    }
                    let out = e.execute(c, line, u64::MAX / 2);
                    assert!(out.reply.is_some());
                }
            }
        }
    }
}
