//! The view model proved against the engine: random multi-client workloads (streams,
//! groups with claims and `~` trims, XDELEX/XACKDEL and XREADGROUP CLAIM in profile 8,
//! pub/sub with patterns and shard channels, expiry with clock jumps, blocking with
//! timeouts and Ctrl+C, MULTI/EXEC, FLUSHALL/FLUSHDB, RENAME/COPY, reconnects; both
//! profiles) run through `Engine`; after every call the model, kept only by applying that
//! call's events and refilling the parts it marked stale, equals `ViewModel::from_inspect`
//! of the engine (the effects aside). The windows are tiny (a few keys, entries, nodes and
//! pending entries, and a pinned range), so the workloads overflow them and every window
//! rule is exercised.
//!
//! `STREAMPLAY_VM_CASES` sets the number of cases (default 300, about 10 s in debug);
//! `./dev.sh test` runs 10,000 in release and `./dev.sh vm-full` 1,000,000.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/workload.rs"]
mod workload;

use proptest::prelude::*;
use streamplay::engine::{ClientId, Config, Engine, Event, Profile, StreamId};
use streamplay::session::view_model::{Pin, ViewConfig, ViewModel};
use streamplay::session::{Session, SessionConfig};
use workload::{near_id, pick, resolve, some_id, words, START_MS};

const CLIENTS: usize = 4;

/// One step of a workload: the clock moves by `dt`, then client `client` acts.
#[derive(Clone, Debug)]
struct Step {
    dt: u64,
    client: usize,
    act: Act,
}

#[derive(Clone, Debug)]
enum Act {
    /// A command; if the client is blocked, Ctrl+C instead (`cancel_block`).
    Run(Vec<String>),
    /// The connection closes and a new one opens.
    Reconnect,
}

fn ids(n: std::ops::Range<usize>) -> impl Strategy<Value = Vec<String>> {
    proptest::collection::vec(some_id(), n)
}

fn command() -> impl Strategy<Value = Vec<String>> {
    let stream = || pick(&["s1", "s1", "s2"]);
    let group = || pick(&["g1", "g1", "g2"]);
    let consumer = || pick(&["c1", "c2", "c3"]);
    let any_key = || pick(&["s1", "s2", "k1", "k2", "k3"]);
    let refs = || pick(&["", "KEEPREF", "DELREF", "ACKED"]);
    prop_oneof![
        8 => (stream(), 0u8..6, 1u8..6, any::<bool>()).prop_map(|(s, trim, n, approx)| {
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
        2 => (stream(), ids(1..3)).prop_map(|(s, ids)| {
            let mut v = words(&["XDEL", s]);
            v.extend(ids);
            v
        }),
        2 => (stream(), 0u8..8, any::<bool>(), 0u8..3).prop_map(|(s, n, approx, limit)| {
            let mut v = words(&["XTRIM", s, "MAXLEN", if approx { "~" } else { "=" }, &n.to_string()]);
            if approx && limit > 0 {
                v.extend(words(&["LIMIT", &(limit * 3).to_string()]));
            }
            v
        }),
        1 => (stream(), some_id(), any::<bool>())
            .prop_map(|(s, id, approx)| words(&["XTRIM", s, "MINID", if approx { "~" } else { "=" }, &id])),
        1 => (stream(), some_id(), 0u8..3).prop_map(|(s, id, extra)| {
            let mut v = words(&["XSETID", s, &id]);
            if extra == 1 {
                v.extend(words(&["ENTRIESADDED", "50", "MAXDELETEDID", "0-1"]));
            }
            v
        }),
        2 => (stream(), group(), pick(&["0", "$"]), any::<bool>()).prop_map(|(s, g, at, mk)| {
            let mut v = words(&["XGROUP", "CREATE", s, g, at]);
            if mk {
                v.push("MKSTREAM".into());
            }
            v
        }),
        1 => (stream(), group(), prop_oneof![Just("0".to_string()), Just("$".to_string()), some_id()], any::<bool>())
            .prop_map(|(s, g, id, read)| {
                let mut v = words(&["XGROUP", "SETID", s, g, &id]);
                if read {
                    v.extend(words(&["ENTRIESREAD", "2"]));
                }
                v
            }),
        1 => (stream(), group(), consumer())
            .prop_map(|(s, g, c)| words(&["XGROUP", "CREATECONSUMER", s, g, c])),
        1 => (stream(), group(), consumer())
            .prop_map(|(s, g, c)| words(&["XGROUP", "DELCONSUMER", s, g, c])),
        1 => (stream(), group()).prop_map(|(s, g)| words(&["XGROUP", "DESTROY", s, g])),
        10 => (stream(), group(), consumer(), 0u8..4, 0u8..8, pick(&[">", ">", ">", "0"]), 0u8..6)
            .prop_map(|(s, g, c, count, block, from, opt)| {
                let mut v = words(&["XREADGROUP", "GROUP", g, c]);
                if count > 0 {
                    v.extend(words(&["COUNT", &count.to_string()]));
                }
                match block {
                    1 => v.extend(words(&["BLOCK", "0"])),
                    2 | 3 => v.extend(words(&["BLOCK", "30"])),
                    _ => {}
                }
                match opt {
                    0 => v.push("NOACK".into()),
                    // Profile 7.0 refuses it with an error, which changes nothing.
                    1 => v.extend(words(&["CLAIM", "10"])),
                    _ => {}
                }
                v.extend(words(&["STREAMS", s, from]));
                v
            }),
        2 => (stream(), 0u8..3).prop_map(|(s, block)| {
            let t = ["0", "30", "2000"][block as usize];
            words(&["XREAD", "COUNT", "2", "BLOCK", t, "STREAMS", s, "$"])
        }),
        4 => (stream(), group(), ids(1..4)).prop_map(|(s, g, ids)| {
            let mut v = words(&["XACK", s, g]);
            v.extend(ids);
            v
        }),
        1 => (stream(), group(), refs(), ids(1..3)).prop_map(|(s, g, r, ids)| {
            let mut v = words(&["XACKDEL", s, g]);
            if !r.is_empty() {
                v.push(r.into());
            }
            v.extend(words(&["IDS", &ids.len().to_string()]));
            v.extend(ids);
            v
        }),
        1 => (stream(), refs(), ids(1..3)).prop_map(|(s, r, ids)| {
            let mut v = words(&["XDELEX", s]);
            if !r.is_empty() {
                v.push(r.into());
            }
            v.extend(words(&["IDS", &ids.len().to_string()]));
            v.extend(ids);
            v
        }),
        1 => (stream(), 0u8..6, refs()).prop_map(|(s, n, r)| {
            let mut v = words(&["XTRIM", s, "MAXLEN", &n.to_string()]);
            if !r.is_empty() {
                v.push(r.into());
            }
            v
        }),
        3 => (stream(), group(), consumer(), pick(&["0", "5", "1000"]), ids(1..3), 0u8..5)
            .prop_map(|(s, g, c, idle, ids, opt)| {
                let mut v = words(&["XCLAIM", s, g, c, idle]);
                v.extend(ids);
                match opt {
                    0 => v.push("FORCE".into()),
                    1 => v.push("JUSTID".into()),
                    2 => v.extend(words(&["LASTID", "1050-0"])),
                    _ => {}
                }
                v
            }),
        2 => (stream(), group(), consumer(), pick(&["0", "5", "1000"]), 1u8..4)
            .prop_map(|(s, g, c, idle, n)| {
                words(&["XAUTOCLAIM", s, g, c, idle, "0", "COUNT", &n.to_string()])
            }),
        // Keys and expiry.
        3 => (pick(&["k1", "k2", "k3", "s2"]), 0u8..4).prop_map(|(k, ttl)| match ttl {
            0 => words(&["SET", k, "hello"]),
            1 => words(&["SET", k, "hi", "PX", "40"]),
            2 => words(&["SET", k, "longer value", "KEEPTTL"]),
            _ => words(&["SET", k, "hey", "EX", "2"]),
        }),
        2 => (any_key(), pick(&["EXPIRE", "PEXPIRE"]), pick(&["1", "30", "3"]))
            .prop_map(|(k, cmd, t)| words(&[cmd, k, t])),
        1 => any_key().prop_map(|k| words(&["PERSIST", k])),
        // The values the keyspace view glimpses: strings, lists (both ends), hashes, sets and
        // sorted sets (ranks).
        1 => (pick(&["k1", "k2"]), pick(&["x", "yz"])).prop_map(|(k, v)| words(&["APPEND", k, v])),
        2 => (pick(&["k2", "k3"]), pick(&["LPUSH", "RPUSH", "LPOP", "RPOP", "LSET"]), 0u8..12)
            .prop_map(|(k, cmd, n)| match cmd {
                "LSET" => words(&["LSET", k, &(i64::from(n % 4) - 2).to_string(), "set"]),
                "LPOP" | "RPOP" => words(&[cmd, k]),
                _ => words(&[cmd, k, &format!("e{n}"), &format!("f{n}")]),
            }),
        2 => (pick(&["k1", "k2"]), pick(&["HSET", "HDEL", "HINCRBY", "SADD", "SREM", "SPOP"]), 0u8..12)
            .prop_map(|(k, cmd, n)| match cmd {
                "HSET" => words(&[cmd, k, &format!("f{}", n % 5), "v"]),
                "HINCRBY" => words(&[cmd, k, &format!("f{}", n % 5), "2"]),
                "SPOP" => words(&[cmd, k]),
                _ => words(&[cmd, k, &format!("f{}", n % 5)]),
            }),
        2 => (pick(&["k1", "k3"]), pick(&["ZADD", "ZINCRBY", "ZREM"]), 0u8..12)
            .prop_map(|(k, cmd, n)| match cmd {
                "ZREM" => words(&["ZREM", k, &format!("m{}", n % 6)]),
                _ => words(&[cmd, k, &format!("{}.5", n % 5), &format!("m{}", n % 6)]),
            }),
        1 => any_key().prop_map(|k| words(&["DEL", k])),
        1 => any_key().prop_map(|k| words(&["GETDEL", k])),
        1 => (any_key(), any_key()).prop_map(|(a, b)| words(&["RENAME", a, b])),
        1 => (any_key(), any_key(), any::<bool>()).prop_map(|(a, b, r)| {
            let mut v = words(&["COPY", a, b]);
            if r {
                v.push("REPLACE".into());
            }
            v
        }),
        1 => (any_key(), any_key()).prop_map(|(a, b)| words(&["COPY", a, b, "DB", "1"])),
        1 => pick(&["FLUSHALL", "FLUSHDB"]).prop_map(|c| words(&[c])),
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
        2 => pick(&["ch1", "ch2", "news.a", "other"]).prop_map(|c| words(&["PUBLISH", c, "m"])),
        1 => pick(&["sh1", "sh2"]).prop_map(|c| words(&["SPUBLISH", c, "m"])),
        // Transactions and connection state.
        2 => Just(words(&["MULTI"])),
        3 => Just(words(&["EXEC"])),
        1 => Just(words(&["DISCARD"])),
        1 => pick(&["alice", "bob", ""]).prop_map(|n| words(&["CLIENT", "SETNAME", n])),
        1 => pick(&["0", "1"]).prop_map(|db| words(&["SELECT", db])),
        1 => pick(&["2", "3"]).prop_map(|p| words(&["HELLO", p])),
        1 => Just(words(&["RESET"])),
    ]
}

fn step() -> impl Strategy<Value = Step> {
    let dt = prop_oneof![16 => 0u64..4, 2 => 20u64..60, 1 => 900u64..2500];
    let act = prop_oneof![30 => command().prop_map(Act::Run), 1 => Just(Act::Reconnect)];
    (dt, 0..CLIENTS, act).prop_map(|(dt, client, act)| {
        // Only client 3 subscribes (a RESP2 subscriber refuses most commands), so that the
        // streams get busy.
        let subscribes = matches!(&act, Act::Run(a) if a[0].ends_with("SUBSCRIBE") && !a[0].starts_with("UN") && !a[0].starts_with("PUN") && !a[0].starts_with("SUN"));
        let client = if subscribes { 3 } else { client };
        Step { dt, client, act }
    })
}

fn workload() -> impl Strategy<Value = (Profile, Vec<Step>)> {
    (
        prop_oneof![Just(Profile::V7), Just(Profile::V8)],
        proptest::collection::vec(step(), 1..80),
    )
}

/// Tiny windows, so that random workloads overflow every one of them.
fn tiny() -> ViewConfig {
    let mut config = ViewConfig {
        keys_head: 3,
        entries_tail: 3,
        nodes_tail: 2,
        pel_head: 2,
        ..ViewConfig::default()
    };
    config.pins.insert(
        (0, b"s1".to_vec()),
        Pin {
            start: StreamId::new(START_MS + 2, 0),
            end: StreamId::new(START_MS + 60, 0),
            count: 2,
            back: false,
        },
    );
    // The page before another (the last entries of a range), and pinned PEL windows both ways.
    config.pins.insert(
        (0, b"s2".to_vec()),
        Pin {
            start: StreamId::MIN,
            end: StreamId::new(START_MS + 40, 0),
            count: 2,
            back: true,
        },
    );
    config.pel_pins.insert(
        (0, b"s1".to_vec(), b"g1".to_vec(), b"c1".to_vec()),
        Pin {
            start: StreamId::new(START_MS + 3, 0),
            end: StreamId::MAX,
            count: 2,
            back: false,
        },
    );
    config.pel_pins.insert(
        (0, b"s1".to_vec(), b"g2".to_vec(), b"c2".to_vec()),
        Pin {
            start: StreamId::MIN,
            end: StreamId::MAX,
            count: 2,
            back: true,
        },
    );
    config
}

/// The engine, its clients and the model kept by events.
struct Harness {
    engine: Engine,
    clients: Vec<ClientId>,
    now: u64,
    advanced_to: u64,
    model: ViewModel,
}

impl Harness {
    fn new(profile: Profile) -> Harness {
        let mut engine = Engine::new(Config {
            profile,
            seed: 7,
            ..Config::default()
        });
        let clients: Vec<ClientId> = (0..CLIENTS).map(|_| engine.connect(START_MS)).collect();
        for line in [
            "CONFIG SET stream-node-max-entries 3",
            "XADD s1 * f a",
            "XADD s1 * f b",
            "XGROUP CREATE s1 g1 0",
            "XGROUP CREATE s2 g1 $ MKSTREAM",
        ] {
            let argv = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
            engine.execute(clients[0], argv, START_MS);
        }
        let model = ViewModel::from_inspect_with(&engine, START_MS, tiny());
        Harness {
            engine,
            clients,
            now: START_MS,
            advanced_to: START_MS,
            model,
        }
    }

    /// Applies one call's events and refills; the model must equal a fresh one.
    fn absorb(
        &mut self,
        events: &[Event],
        what: &dyn std::fmt::Debug,
    ) -> Result<(), TestCaseError> {
        self.model.apply_step(events);
        self.model.refill(&self.engine, self.now);
        let mut fresh =
            ViewModel::from_inspect_with(&self.engine, self.now, self.model.config().clone());
        fresh.effects = self.model.effects.clone();
        if self.model != fresh {
            let kinds: Vec<String> = events
                .iter()
                .map(|e| serde_json::to_string(e).unwrap_or_default())
                .collect();
            return Err(TestCaseError::fail(format!(
                "after {what:?}, events {kinds:#?}\n{}",
                diff(&self.model, &fresh)
            )));
        }
        Ok(())
    }

    fn run(&mut self, s: &Step) -> Result<(), TestCaseError> {
        self.now += s.dt;
        // As the session does: time passes (timeouts, expiry) before anything runs at a new time.
        if self.advanced_to != self.now {
            self.advanced_to = self.now;
            let out = self.engine.advance(self.now);
            self.absorb(&out.events, &"advance")?;
        }
        let client = self.clients[s.client];
        match &s.act {
            Act::Reconnect => {
                let out = self.engine.disconnect(client, self.now);
                self.absorb(&out.events, &"disconnect")?;
                let id = self.engine.connect(self.now);
                self.clients[s.client] = id;
                let events = self.engine.drain_events();
                self.absorb(&events, &"connect")?;
            }
            Act::Run(_) if self.engine.is_blocked(client) => {
                let out = self.engine.cancel_block(client, self.now);
                self.absorb(&out.events, &"cancel_block")?;
            }
            Act::Run(argv) => {
                let argv = resolve(&self.engine, client, argv, self.now);
                let out = self.engine.execute(client, argv.clone(), self.now);
                let shown: Vec<String> = argv
                    .iter()
                    .map(|a| String::from_utf8_lossy(a).into_owned())
                    .collect();
                self.absorb(&out.events, &shown)?;
            }
        }
        Ok(())
    }
}

/// The lines where the kept model (`-`) and the fresh one (`+`) differ, as JSON.
fn diff(kept: &ViewModel, fresh: &ViewModel) -> String {
    let a = serde_json::to_string_pretty(kept).unwrap_or_default();
    let b = serde_json::to_string_pretty(fresh).unwrap_or_default();
    let (a, b): (Vec<&str>, Vec<&str>) = (a.lines().collect(), b.lines().collect());
    let first = a
        .iter()
        .zip(&b)
        .position(|(x, y)| x != y)
        .unwrap_or(a.len().min(b.len()));
    let from = first.saturating_sub(12);
    let mut out = String::new();
    for l in &a[from..(first + 8).min(a.len())] {
        out += &format!("- {l}\n");
    }
    for l in &b[from..(first + 8).min(b.len())] {
        out += &format!("+ {l}\n");
    }
    if a == b {
        out += "(the JSON forms agree: a stale part was left)\n";
    }
    out
}

fn cases() -> u32 {
    std::env::var("STREAMPLAY_VM_CASES")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(300)
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases(),
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    #[test]
    fn model_kept_by_events_equals_inspection((profile, steps) in workload()) {
        let mut h = Harness::new(profile);
        for s in &steps {
            h.run(s)?;
        }
    }
}

/// The default windows keep a huge stream small: 100,000 entries and a 20,000-entry PEL
/// cost the model its windows only, and an XADD to it refills only a few parts.
#[test]
fn huge_stream_costs_only_windows() {
    let mut e = Engine::new(Config::default());
    let c = e.connect(START_MS);
    let run = |e: &mut Engine, line: &str| {
        let argv = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
        e.execute(c, argv, START_MS)
    };
    for i in 1..=100_000u64 {
        run(&mut e, &format!("XADD big {i}-1 f v"));
    }
    run(&mut e, "XGROUP CREATE big g 0");
    run(&mut e, "XREADGROUP GROUP g alice COUNT 20000 STREAMS big >");
    let mut vm = ViewModel::from_inspect(&e, START_MS);
    let s = vm.stream(0, b"big").expect("the stream");
    assert_eq!(s.length, 100_000);
    assert_eq!(s.entries.len(), 64);
    assert!(s.nodes.len() <= 64);
    assert_eq!(s.groups[0].pending, 20_000);
    assert_eq!(s.groups[0].consumers[0].pel.len(), 64);
    let out = run(&mut e, "XADD big 100001-1 f v");
    vm.apply_step(&out.events);
    assert!(vm.stale_parts() <= 3, "{} stale parts", vm.stale_parts());
    let out = run(&mut e, "XACK big g 1-1");
    vm.apply_step(&out.events);
    vm.refill(&e, START_MS);
    let s = vm.stream(0, b"big").expect("the stream");
    assert_eq!(
        s.entries.last().map(|x| x.id),
        Some(StreamId::new(100_001, 1))
    );
    assert_eq!(
        s.groups[0].consumers[0].pel.first().map(|p| p.id),
        Some(StreamId::new(2, 1))
    );
    assert_eq!(s.groups[0].consumers[0].pel.len(), 64);
    let mut fresh = ViewModel::from_inspect(&e, START_MS);
    fresh.effects = vm.effects.clone();
    assert_eq!(vm, fresh);
}

/// A typed line for `argv` (the workload's arguments quote only spaces).
fn line(argv: &[String]) -> String {
    argv.iter()
        .map(|a| {
            if a.contains(' ') || a.is_empty() {
                format!("\"{a}\"")
            } else {
                a.clone()
            }
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// The session's model must equal a fresh one of its engine.
fn check_session(s: &Session, what: &str) -> Result<(), TestCaseError> {
    let model = s.view_model();
    let mut fresh =
        ViewModel::from_inspect_with(s.engine(), s.clock().now_ms, model.config().clone());
    fresh.effects = model.effects.clone();
    if *model != fresh {
        return Err(TestCaseError::fail(format!(
            "after {what}:\n{}",
            diff(model, &fresh)
        )));
    }
    Ok(())
}

/// What a session step does in the session test.
#[derive(Clone, Debug)]
enum SessionAct {
    Run(usize, Vec<String>),
    Tick(u64),
    Jump(u64),
    Seek(usize),
    Unblock(usize),
    SaveLoad,
    Profile(bool),
}

fn session_act() -> impl Strategy<Value = SessionAct> {
    prop_oneof![
        30 => (0..CLIENTS, command()).prop_map(|(c, argv)| {
            let subscribes = argv[0].ends_with("SUBSCRIBE") && !argv[0].contains("UN");
            SessionAct::Run(if subscribes { 3 } else { c }, argv)
        }),
        4 => (1u64..40).prop_map(SessionAct::Tick),
        1 => pick(&[1000u64, 60_000]).prop_map(SessionAct::Jump),
        2 => (0usize..40).prop_map(SessionAct::Seek),
        1 => (0..CLIENTS).prop_map(SessionAct::Unblock),
        1 => Just(SessionAct::SaveLoad),
        1 => any::<bool>().prop_map(SessionAct::Profile),
    ]
}

proptest! {
    #![proptest_config(ProptestConfig {
        cases: cases() / 4 + 1,
        failure_persistence: None,
        ..ProptestConfig::default()
    })]

    /// Through a session (steps, ticks, clock jumps, seeks, Ctrl+C, save and load,
    /// profile switches), the session's model is always its engine's.
    #[test]
    fn session_keeps_its_model(v8 in any::<bool>(), acts in proptest::collection::vec(session_act(), 1..50)) {
        let profile = if v8 { Profile::V8 } else { Profile::V7 };
        let panes = ["A", "B", "C", "D"];
        let mut s = Session::with_panes(SessionConfig::default(), profile, START_MS, &panes)
            .expect("pane names");
        for setup in [
            "CONFIG SET stream-node-max-entries 3",
            "XADD s1 * f a",
            "XADD s1 * f b",
            "XGROUP CREATE s1 g1 0",
            "XGROUP CREATE s2 g1 $ MKSTREAM",
        ] {
            s.run("A", setup).expect("a pane");
        }
        s.set_paused(false);
        check_session(&s, "the start")?;
        for act in &acts {
            match act {
                SessionAct::Run(c, argv) => {
                    let text = line(argv);
                    let _ = s.run(panes[*c], &text);
                }
                SessionAct::Tick(ms) => {
                    s.set_paused(false);
                    s.tick(*ms);
                }
                SessionAct::Jump(ms) => {
                    let _ = s.jump(*ms);
                }
                SessionAct::Seek(i) => {
                    let _ = s.seek(i % (s.len() + 1));
                }
                SessionAct::Unblock(c) => {
                    let _ = s.unblock(panes[*c]);
                }
                SessionAct::SaveLoad => {
                    s = Session::load(&s.save()).expect("a saved session loads");
                }
                SessionAct::Profile(v8) => {
                    let _ = s.switch_profile(if *v8 { Profile::V8 } else { Profile::V7 });
                }
            }
            check_session(&s, &format!("{act:?}"))?;
        }
    }
}
