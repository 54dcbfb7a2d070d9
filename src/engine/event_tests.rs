//! Tests of the engine's events: stamping, each new or changed kind after a
//! command, and the exact JSON form.

use super::*;
use crate::engine::test_util::argv;
use crate::engine::{Config, Engine, Profile};

fn engine(profile: Profile) -> Engine {
    Engine::new(Config {
        profile,
        ..Config::default()
    })
}

/// A fresh engine with one connected client whose connection event was taken.
fn connected(profile: Profile) -> (Engine, ClientId) {
    let mut e = engine(profile);
    let c = e.connect(0);
    e.drain_events();
    (e, c)
}

fn kinds(e: &mut Engine, c: ClientId, line: &str, now: u64) -> Vec<EventKind> {
    e.execute(c, argv(line), now).event_kinds()
}

fn b(s: &str) -> Vec<u8> {
    s.as_bytes().to_vec()
}

fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

#[test]
fn events_are_stamped_with_seq_time_and_client() {
    let mut e = engine(Profile::V8);
    let a = e.connect(5);
    // `connect` returns no outcome: the event waits, already stamped.
    let out = e.execute(a, argv("SET k v PX 100"), 10);
    let stamps: Vec<(u64, u64, Option<ClientId>)> = out
        .events
        .iter()
        .map(|ev| (ev.seq, ev.time_ms, ev.client))
        .collect();
    assert_eq!(stamps, [(1, 5, Some(a)), (2, 10, Some(a))]);
    assert_eq!(
        out.events[0].kind,
        EventKind::ClientConnected { client_id: a }
    );
    // Time passing has no client.
    let out = e.advance(200);
    assert_eq!(
        out.event_kinds(),
        [EventKind::KeyExpired { db: 0, key: b("k") }]
    );
    assert_eq!((out.events[0].seq, out.events[0].client), (3, None));
    assert_eq!(out.events[0].time_ms, 200);
    // A session replacing its engine carries the counter over.
    assert_eq!(e.next_event_seq(), 4);
    e.set_next_event_seq(100);
    let b2 = e.connect(300);
    let drained = e.drain_events();
    assert_eq!(drained.len(), 1);
    assert_eq!((drained[0].seq, drained[0].client), (100, Some(b2)));
    assert!(e.drain_events().is_empty());
    let out = e.disconnect(b2, 301);
    assert_eq!(
        out.event_kinds(),
        [EventKind::ClientDisconnected { client_id: b2 }]
    );
    assert_eq!(out.events[0].seq, 101);
}

#[test]
fn probe_events_only_with_the_flag() {
    let (mut e, c) = connected(Profile::V8);
    assert!(!kinds(&mut e, c, "PING", 0).contains(&EventKind::Probe));
    let mut e = Engine::new(Config {
        probe_events: true,
        ..Config::default()
    });
    let c = e.connect(0);
    e.drain_events();
    assert_eq!(kinds(&mut e, c, "PING", 0), [EventKind::Probe]);
}

#[test]
fn client_changes_are_reported_with_their_new_values() {
    let (mut e, c) = connected(Profile::V8);
    assert_eq!(
        kinds(&mut e, c, "CLIENT SETNAME pane", 0),
        [EventKind::ClientRenamed {
            client_id: c,
            name: b("pane")
        }]
    );
    assert_eq!(
        kinds(&mut e, c, "HELLO 3", 0),
        [EventKind::ClientProtocolChanged {
            client_id: c,
            protocol: 3
        }]
    );
    assert_eq!(
        kinds(&mut e, c, "SELECT 4", 0),
        [EventKind::ClientDbChanged {
            client_id: c,
            db: 4
        }]
    );
    assert_eq!(
        kinds(&mut e, c, "MULTI", 0),
        [EventKind::ClientMultiChanged {
            client_id: c,
            multi: true
        }]
    );
    assert!(kinds(&mut e, c, "SET k v", 0).is_empty());
    assert_eq!(
        kinds(&mut e, c, "EXEC", 0),
        [
            EventKind::KeyWritten {
                db: 4,
                key: b("k"),
                key_type: "string".into()
            },
            EventKind::ClientMultiChanged {
                client_id: c,
                multi: false
            }
        ]
    );
    // RESET puts everything back at once.
    assert_eq!(
        kinds(&mut e, c, "RESET", 0),
        [
            EventKind::ClientRenamed {
                client_id: c,
                name: vec![]
            },
            EventKind::ClientProtocolChanged {
                client_id: c,
                protocol: 2
            },
            EventKind::ClientDbChanged {
                client_id: c,
                db: 0
            },
        ]
    );
}

#[test]
fn key_events_name_types_renames_and_flushes() {
    let (mut e, c) = connected(Profile::V8);
    kinds(&mut e, c, "XADD s 1-1 f v", 0);
    assert_eq!(
        kinds(&mut e, c, "RENAME s t", 0),
        [
            EventKind::KeyDeleted { db: 0, key: b("s") },
            EventKind::KeyWritten {
                db: 0,
                key: b("t"),
                key_type: "stream".into()
            },
            EventKind::KeyRenamed {
                db: 0,
                from: b("s"),
                to: b("t")
            },
        ]
    );
    kinds(&mut e, c, "SET a 1", 0);
    assert_eq!(
        kinds(&mut e, c, "FLUSHDB", 0),
        [EventKind::DbFlushed {
            db: Some(0),
            keys: 2
        }]
    );
}

#[test]
fn xsetid_reports_the_stream_metadata() {
    let (mut e, c) = connected(Profile::V8);
    kinds(&mut e, c, "XADD s 1-1 f v", 0);
    let ks = kinds(&mut e, c, "XSETID s 5-0 ENTRIESADDED 7 MAXDELETEDID 2-0", 0);
    assert!(
        ks.contains(&EventKind::StreamIdSet {
            db: 0,
            key: b("s"),
            last_id: id(5, 0),
            entries_added: 7,
            max_deleted_id: id(2, 0)
        }),
        "{ks:?}"
    );
}

#[test]
fn trims_report_the_exact_strategy_and_nodes() {
    let (mut e, c) = connected(Profile::V8);
    e.execute(c, argv("CONFIG SET stream-node-max-entries 2"), 0);
    for i in 1..=5 {
        kinds(&mut e, c, &format!("XADD s {i}-0 f v"), 0);
    }
    let ks = kinds(&mut e, c, "XTRIM s MAXLEN ~ 2 LIMIT 10", 0);
    assert_eq!(
        ks,
        [
            EventKind::KeyWritten {
                db: 0,
                key: b("s"),
                key_type: "stream".into()
            },
            EventKind::StreamEntriesRemoved {
                db: 0,
                key: b("s"),
                ids: vec![id(1, 0), id(2, 0)],
                reason: TrimReason::MaxLen {
                    threshold: 2,
                    approx: true,
                    limit: 10
                },
                nodes_removed: 1
            }
        ]
    );
}

#[test]
fn group_reads_report_position_and_source() {
    let (mut e, c) = connected(Profile::V8);
    kinds(&mut e, c, "XADD s 1-0 f v", 0);
    kinds(&mut e, c, "XADD s 2-0 f v", 0);
    kinds(&mut e, c, "XGROUP CREATE s g 0", 0);
    let ks = kinds(&mut e, c, "XREADGROUP GROUP g a COUNT 1 STREAMS s >", 0);
    assert!(
        ks.contains(&EventKind::EntriesDelivered {
            db: 0,
            key: b("s"),
            group: b("g"),
            consumer: b("a"),
            entries: vec![DeliveredEntry {
                id: id(1, 0),
                delivery_count: 1,
                source: DeliverySource::New
            }],
            last_id: id(1, 0),
            entries_read: Some(1),
            lag: Some(1)
        }),
        "{ks:?}"
    );
    assert_eq!(
        kinds(&mut e, c, "XGROUP DESTROY s g", 0),
        [EventKind::GroupDestroyed {
            db: 0,
            key: b("s"),
            group: b("g"),
            pending: 1
        }]
    );
}

#[test]
fn blocking_reports_what_and_why_released() {
    let (mut e, c) = connected(Profile::V8);
    let r = e.connect(0);
    kinds(&mut e, c, "XGROUP CREATE s g $ MKSTREAM", 0);
    let out = e.execute(r, argv("XREADGROUP GROUP g a BLOCK 100 STREAMS s >"), 10);
    assert!(out.event_kinds().contains(&EventKind::ClientBlocked {
        client_id: r,
        db: 0,
        command: "xreadgroup".into(),
        keys: vec![b("s")],
        group: Some(b("g")),
        deadline_ms: Some(110)
    }));
    let ks = kinds(&mut e, c, "XGROUP DESTROY s g", 20);
    assert!(ks.contains(&EventKind::ClientUnblocked {
        client_id: r,
        reason: UnblockReason::GroupDestroyed
    }));
    kinds(&mut e, c, "XGROUP CREATE s g $", 30);
    e.execute(r, argv("XREADGROUP GROUP g a BLOCK 0 STREAMS s >"), 30);
    let ks = kinds(&mut e, c, "DEL s", 40);
    assert!(ks.contains(&EventKind::ClientUnblocked {
        client_id: r,
        reason: UnblockReason::KeyDeleted
    }));
    kinds(&mut e, c, "XGROUP CREATE s g $ MKSTREAM", 50);
    e.execute(r, argv("XREADGROUP GROUP g a BLOCK 0 STREAMS s >"), 50);
    let ks = kinds(&mut e, c, "SET s x", 60);
    assert!(
        ks.contains(&EventKind::ClientUnblocked {
            client_id: r,
            reason: UnblockReason::TypeChanged
        }),
        "{ks:?}"
    );
    e.execute(r, argv("XREAD BLOCK 100 STREAMS q $"), 70);
    assert_eq!(
        e.advance(170).event_kinds(),
        [EventKind::ClientUnblocked {
            client_id: r,
            reason: UnblockReason::TimedOut
        }]
    );
    e.execute(r, argv("XREAD BLOCK 0 STREAMS q $"), 200);
    assert_eq!(
        e.cancel_block(r, 201).event_kinds(),
        [EventKind::ClientUnblocked {
            client_id: r,
            reason: UnblockReason::Cancelled
        }]
    );
}

#[test]
fn xackdel_with_delref_reports_each_kind() {
    let (mut e, c) = connected(Profile::V8);
    kinds(&mut e, c, "XADD s 1-0 f v", 0);
    kinds(&mut e, c, "XGROUP CREATE s g1 0", 0);
    kinds(&mut e, c, "XGROUP CREATE s g2 0", 0);
    kinds(&mut e, c, "XREADGROUP GROUP g1 a STREAMS s >", 0);
    kinds(&mut e, c, "XREADGROUP GROUP g2 b STREAMS s >", 0);
    let ks = kinds(&mut e, c, "XACKDEL s g1 DELREF IDS 1 1-0", 0);
    let removed = EventKind::StreamEntriesRemoved {
        db: 0,
        key: b("s"),
        ids: vec![id(1, 0)],
        reason: TrimReason::Xackdel,
        nodes_removed: 1,
    };
    assert!(ks.contains(&removed), "{ks:?}");
    assert!(ks.contains(&EventKind::EntriesAckedAndDeleted {
        db: 0,
        key: b("s"),
        group: b("g1"),
        acked: vec![id(1, 0)],
        deleted: vec![id(1, 0)]
    }));
    assert!(ks.contains(&EventKind::ReferencesDeleted {
        db: 0,
        key: b("s"),
        group: b("g2"),
        ids: vec![id(1, 0)]
    }));
    // KEEPREF (XDEL): the other group's PEL keeps the deleted entry.
    kinds(&mut e, c, "XADD s 2-0 f v", 0);
    kinds(&mut e, c, "XREADGROUP GROUP g2 b STREAMS s >", 0);
    let ks = kinds(&mut e, c, "XDEL s 2-0", 0);
    assert!(ks.contains(&EventKind::ReferencesKept {
        db: 0,
        key: b("s"),
        group: b("g2"),
        ids: vec![id(2, 0)]
    }));
}

#[test]
fn publish_carries_payload_and_receivers() {
    let (mut e, c) = connected(Profile::V8);
    let s = e.connect(0);
    e.execute(s, argv("SSUBSCRIBE sh"), 0);
    assert_eq!(
        kinds(&mut e, c, "SPUBLISH sh hello", 0),
        [EventKind::MessagePublished {
            channel: b("sh"),
            shard: true,
            payload: b("hello"),
            receivers: vec![Receiver {
                client: s,
                via: Via::Shard
            }]
        }]
    );
}

#[test]
fn json_form_is_exact() {
    let added = Event {
        seq: 1,
        time_ms: 0,
        client: Some(3),
        kind: EventKind::StreamEntryAdded {
            db: 0,
            key: b("s"),
            id: id(1, 1),
            fields: vec![b("f"), b("v")],
        },
    };
    let json = serde_json::to_string(&added).unwrap();
    assert_eq!(
        json,
        r#"{"seq":1,"time_ms":0,"client":3,"type":"StreamEntryAdded","db":0,"key":"s","id":"1-1","fields":["f","v"]}"#
    );
    let binary = Event {
        seq: 2,
        time_ms: 5,
        client: None,
        kind: EventKind::KeyExpired {
            db: 1,
            key: vec![0xff, 0x00, b'a'],
        },
    };
    let json = serde_json::to_string(&binary).unwrap();
    assert_eq!(
        json,
        r#"{"seq":2,"time_ms":5,"client":null,"type":"KeyExpired","db":1,"key":{"hex":"ff0061"}}"#
    );
    let published = Event {
        seq: 3,
        time_ms: 5,
        client: Some(4),
        kind: EventKind::MessagePublished {
            channel: b("news"),
            shard: false,
            payload: b("hi"),
            receivers: vec![
                Receiver {
                    client: 3,
                    via: Via::Channel,
                },
                Receiver {
                    client: 5,
                    via: Via::Pattern { pattern: b("n*") },
                },
            ],
        },
    };
    assert_eq!(
        serde_json::to_string(&published).unwrap(),
        r#"{"seq":3,"time_ms":5,"client":4,"type":"MessagePublished","channel":"news","shard":false,"payload":"hi","receivers":[{"client":3,"via":"Channel"},{"client":5,"via":"Pattern","pattern":"n*"}]}"#
    );
    let removed = Event {
        seq: 4,
        time_ms: 6,
        client: Some(3),
        kind: EventKind::StreamEntriesRemoved {
            db: 0,
            key: b("s"),
            ids: vec![id(1, 0)],
            reason: TrimReason::MinId {
                threshold: id(2, 0),
                approx: false,
                limit: 0,
            },
            nodes_removed: 1,
        },
    };
    assert_eq!(
        serde_json::to_string(&removed).unwrap(),
        r#"{"seq":4,"time_ms":6,"client":3,"type":"StreamEntriesRemoved","db":0,"key":"s","ids":["1-0"],"reason":{"by":"MinId","threshold":"2-0","approx":false,"limit":0},"nodes_removed":1}"#
    );
    // Each reads back as it was.
    for ev in [added, binary, published, removed] {
        let json = serde_json::to_string(&ev).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), ev, "{json}");
    }
}

#[test]
fn every_event_of_a_workload_round_trips_through_json() {
    let (mut e, c) = connected(Profile::V8);
    let other = e.connect(0);
    let mut events = e.drain_events();
    for line in [
        "SUBSCRIBE news",
        "PSUBSCRIBE n*",
        "XADD s 1-0 f v",
        "XGROUP CREATE s g 0",
        "XREADGROUP GROUP g a STREAMS s >",
        "XCLAIM s g b 0 1-0",
        "XAUTOCLAIM s g c 0 0",
        "XACK s g 1-0",
        "XGROUP DELCONSUMER s g a",
        "EXPIRE s 100",
        "PUBLISH news hi",
        "PUBLISH nobody \u{e9}",
        "FLUSHALL",
    ] {
        let client = if line.contains("SUBSCRIBE") { other } else { c };
        events.extend(e.execute(client, argv(line), 0).events);
    }
    assert!(events.len() > 15);
    for w in events.windows(2) {
        assert!(w[0].seq < w[1].seq);
    }
    for ev in events {
        let json = serde_json::to_string(&ev).unwrap();
        assert_eq!(serde_json::from_str::<Event>(&json).unwrap(), ev, "{json}");
    }
}

#[test]
fn a_trim_that_frees_only_an_emptied_node_reports_it() {
    // Two entries a node: 1-2 and 1-3 in the first, 1-4 in the second. With 1-3 deleted,
    // `XTRIM MINID = 1-3` marks 1-2 deleted without freeing its node (it stops at 1-3, a
    // tombstone of the same node); `XTRIM MINID = 1-4` then removes no entry (the reply is
    // 0, as Redis answers) but frees that node. The views' node layout changed, so an event
    // says so, with no ids and no notification.
    let (mut e, c) = connected(Profile::V8);
    for line in [
        "CONFIG SET stream-node-max-entries 2",
        "XADD s 1-2 f v",
        "XADD s 1-3 f v",
        "XADD s 1-4 f v",
        "XDEL s 1-3",
        "XTRIM s MINID = 1-3",
    ] {
        e.execute(c, argv(line), 1);
    }
    assert_eq!(e.inspect_stream(0, b"s", 1).map(|s| s.node_count), Some(2));
    let out = e.execute(c, argv("XTRIM s MINID = 1-4"), 2);
    assert_eq!(out.reply, Some(crate::engine::Reply::Integer(0)));
    assert_eq!(e.inspect_stream(0, b"s", 2).map(|s| s.node_count), Some(1));
    assert_eq!(
        out.event_kinds(),
        [EventKind::StreamEntriesRemoved {
            db: 0,
            key: b("s"),
            ids: vec![],
            reason: TrimReason::MinId {
                threshold: id(1, 4),
                approx: false,
                limit: 0,
            },
            nodes_removed: 1,
        }]
    );
}

#[test]
fn list_pushes_and_pops_are_events_and_a_move_is_a_pop_then_a_push() {
    let (mut e, c) = connected(Profile::V8);
    let written = |k: &str| EventKind::KeyWritten {
        db: 0,
        key: b(k),
        key_type: "list".into(),
    };
    let pushed = |k: &str, end: &str, elements: &[&str]| EventKind::ListPushed {
        db: 0,
        key: b(k),
        end: end.to_string().into(),
        elements: elements.iter().map(|x| b(x)).collect(),
    };
    let popped = |k: &str, end: &str, count: u64| EventKind::ListPopped {
        db: 0,
        key: b(k),
        end: end.to_string().into(),
        count,
    };
    let lists = |e: &mut Engine, line: &str| -> Vec<EventKind> {
        kinds(e, c, line, 0)
            .into_iter()
            .filter(|k| !matches!(k, EventKind::Notification { .. }))
            .collect()
    };
    assert_eq!(
        lists(&mut e, "RPUSH l a b c"),
        [pushed("l", "right", &["a", "b", "c"]), written("l")]
    );
    assert_eq!(
        lists(&mut e, "LPOP l 2"),
        [popped("l", "left", 2), written("l")]
    );
    assert_eq!(
        lists(&mut e, "LMOVE l m RIGHT LEFT"),
        [
            popped("l", "right", 1),
            pushed("m", "left", &["c"]),
            written("m"),
            EventKind::KeyDeleted { db: 0, key: b("l") },
        ]
    );
    // Neither an empty pop nor LINSERT is a push or a pop.
    assert_eq!(lists(&mut e, "LPOP nokey"), []);
    assert_eq!(lists(&mut e, "LINSERT m BEFORE c x"), [written("m")]);
    let json = serde_json::to_string(&pushed("m", "left", &["c"])).unwrap();
    assert_eq!(
        json,
        r#"{"type":"ListPushed","db":0,"key":"m","end":"left","elements":["c"]}"#
    );
}
