//! Re-checks the glob case table (`data/glob_cases.txt`, recorded from
//! redis-server 7.0.15 by `scripts/gen_glob_cases.py`) against a live
//! redis-server and against `streamplay-server --profile 7.0`, the way it was
//! recorded: one connection subscribes to every string as a channel, and
//! `PUBSUB CHANNELS pattern` lists the ones each pattern matches.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::{BTreeMap, BTreeSet};

use streamplay::engine::{glob, Reply};

mod support;
use support::{start_redis, start_streamplay, Conn};

fn check(port: u16, server: &str) {
    let cases = glob::recorded_cases();
    let strings: BTreeSet<Vec<u8>> = cases.iter().map(|c| c.1.clone()).collect();
    let mut expected: BTreeMap<Vec<u8>, BTreeSet<Vec<u8>>> = BTreeMap::new();
    for (p, s, m) in &cases {
        let set = expected.entry(p.clone()).or_default();
        if *m {
            set.insert(s.clone());
        }
    }
    let mut sub = Conn::open(port).unwrap();
    for s in &strings {
        let frame = sub.call(&[b"SUBSCRIBE".to_vec(), s.clone()]);
        assert!(
            matches!(frame, Reply::Array(_) | Reply::Push(_)),
            "{frame:?}"
        );
    }
    let mut c = Conn::open(port).unwrap();
    let mut wrong = Vec::new();
    for (pattern, want) in &expected {
        let reply = c.call(&[b"PUBSUB".to_vec(), b"CHANNELS".to_vec(), pattern.clone()]);
        let Reply::Array(items) = reply else {
            panic!(
                "{server}: PUBSUB CHANNELS {}: {reply:?}",
                pattern.escape_ascii()
            );
        };
        let got: BTreeSet<Vec<u8>> = items
            .into_iter()
            .map(|r| match r {
                Reply::Bulk(b) => b,
                other => panic!("{other:?}"),
            })
            .collect();
        if &got != want {
            wrong.push(pattern.escape_ascii().to_string());
        }
    }
    assert!(expected.len() > 60);
    assert!(
        wrong.is_empty(),
        "{server} differs from the table for {wrong:?}"
    );
}

#[test]
fn glob_table_matches_redis_and_engine_server() {
    let redis = start_redis();
    check(redis.port, "redis-server");
    let engine = start_streamplay();
    check(engine.port, "streamplay-server");
}
