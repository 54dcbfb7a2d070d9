//! Unit tests of the stream module: the ID grammar's quirks (SPEC §2.1) and
//! the node layout against `stream_node_model.py`'s rules (SPEC §2.2).

use super::*;

fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

#[test]
fn ids_print_and_step() {
    assert_eq!(id(1, 2).to_string(), "1-2");
    assert_eq!(StreamId::MAX.next(), None);
    assert_eq!(StreamId::MIN.prev(), None);
    assert_eq!(id(1, u64::MAX).next(), Some(id(2, 0)));
    assert_eq!(id(2, 0).prev(), Some(id(1, u64::MAX)));
}

#[test]
fn parse_id_follows_string2ull_and_strtoull() {
    let ok = |s: &[u8], strict: bool, missing: u64| parse_id(s, strict, missing).ok();
    assert_eq!(ok(b"1-2", true, 0), Some(id(1, 2)));
    assert_eq!(ok(b"5", true, 0), Some(id(5, 0)));
    assert_eq!(ok(b"5", false, u64::MAX), Some(id(5, u64::MAX)));
    assert_eq!(ok(b"-", false, 0), Some(StreamId::MIN));
    assert_eq!(ok(b"+", false, 0), Some(StreamId::MAX));
    assert_eq!(ok(b"-", true, 0), None);
    assert_eq!(ok(b"+", true, 0), None);
    // strtoull's leniency: leading zeros, blanks, a sign.
    assert_eq!(ok(b"0001-02", true, 0), Some(id(1, 2)));
    assert_eq!(ok(b" 5-0", true, 0), Some(id(5, 0)));
    assert_eq!(ok(b"\t5-\n3", true, 0), Some(id(5, 3)));
    assert_eq!(ok(b"+6-0", true, 0), Some(id(6, 0)));
    assert_eq!(ok(b"7-+1", true, 0), Some(id(7, 1)));
    // A minus that string2ll rejects wraps in strtoull.
    assert_eq!(ok(b"7- -1", true, 0), Some(id(7, u64::MAX)));
    assert_eq!(ok(b"7--0", true, 0), Some(id(7, 0)));
    // ...but a negative that string2ll accepts is out of range.
    assert_eq!(ok(b"7--1", true, 0), None);
    assert_eq!(ok(b"-1", false, 0), None);
    assert_eq!(ok(b"-1-0", false, 0), None);
    for bad in [
        &b"8-"[..],
        b"9-0x",
        b"1-1-1",
        b"18446744073709551616",
        b"1-18446744073709551616",
        b"",
        b"abc",
        b"(",
        b"1 ",
        b"1-*",
        b" ",
        b"+",
    ] {
        assert_eq!(ok(bad, true, 0), None, "{:?}", String::from_utf8_lossy(bad));
    }
    assert_eq!(
        ok(b"18446744073709551615-18446744073709551615", true, 0),
        Some(StreamId::MAX)
    );
    // C strings: a NUL ends the text, but the length limit counts every byte.
    assert_eq!(ok(b"3-4\0junk", true, 0), Some(id(3, 4)));
    assert_eq!(ok(b"-\0x", true, 0), None);
    assert_eq!(ok(b"-\0x", false, 0), Some(StreamId::MIN));
    let mut long = b"1-".to_vec();
    long.extend(std::iter::repeat_n(b'0', 125));
    assert_eq!(long.len(), 127);
    assert_eq!(ok(&long, true, 0), Some(id(1, 0)));
    long.push(b'0');
    assert_eq!(ok(&long, true, 0), None);
}

#[test]
fn xadd_ids_and_intervals() {
    assert_eq!(parse_xadd_id(b"5-*"), Ok((id(5, 0), false)));
    assert_eq!(parse_xadd_id(b"5-3"), Ok((id(5, 3), true)));
    assert_eq!(parse_xadd_id(b"5"), Ok((id(5, 0), true)));
    assert!(parse_xadd_id(b"5-**").is_err());
    assert!(parse_xadd_id(b"*-1").is_err());
    assert_eq!(parse_interval_id(b"(5", 0), Ok((id(5, 0), true)));
    assert_eq!(
        parse_interval_id(b"(5", u64::MAX),
        Ok((id(5, u64::MAX), true))
    );
    assert!(parse_interval_id(b"(", 0).is_err());
    assert!(parse_interval_id(b"(-", 0).is_err());
    assert!(parse_interval_id(b"(+", 0).is_err());
    assert_eq!(parse_interval_id(b"-", 0), Ok((StreamId::MIN, false)));
}

#[test]
fn entry_reply_shape() {
    let r = entry_reply(id(1, 0), &[(b"f".to_vec(), b"v".to_vec())]);
    assert_eq!(
        r,
        Reply::Array(vec![
            Reply::bulk("1-0"),
            Reply::Array(vec![Reply::bulk("f"), Reply::bulk("v")])
        ])
    );
}

/// A literal port of `stream_node_model.py` (validated against redis-server
/// 7.0.15: 27,718 checks, 0 mismatches), to check `Stream`'s node layout.
mod model {
    use super::super::listpack::{int_size, str_size};
    use super::StreamId;

    pub struct Node {
        pub master: StreamId,
        mfields: Vec<Vec<u8>>,
        pub live: u64,
        pub deleted: u64,
        pub entries: Vec<(StreamId, bool)>,
        body: u64,
    }

    impl Node {
        fn nbytes(&self) -> u64 {
            7 + int_size(self.live as i64) as u64 + int_size(self.deleted as i64) as u64 + self.body
        }
    }

    pub struct Model {
        pub nodes: Vec<Node>,
        pub length: u64,
        max_entries: i64,
        max_bytes: u64,
    }

    impl Model {
        pub fn new(max_entries: i64, max_bytes: u64) -> Model {
            Model {
                nodes: Vec::new(),
                length: 0,
                max_entries,
                max_bytes,
            }
        }

        pub fn add(&mut self, sid: StreamId, fv: &[(Vec<u8>, Vec<u8>)]) {
            let fields: Vec<Vec<u8>> = fv.iter().map(|(f, _)| f.clone()).collect();
            let tot: u64 = fv.iter().map(|(f, v)| (f.len() + v.len()) as u64).sum();
            let mut new = true;
            if let Some(lp) = self.nodes.last() {
                let mb = if self.max_bytes == 0 {
                    1 << 30
                } else {
                    self.max_bytes
                };
                new = lp.nbytes() + tot >= mb
                    || (self.max_entries != 0 && (lp.live + lp.deleted) as i64 >= self.max_entries);
            }
            let same = if new {
                let body = (int_size(fields.len() as i64)
                    + fields.iter().map(|f| str_size(f)).sum::<usize>()
                    + int_size(0)) as u64;
                self.nodes.push(Node {
                    master: sid,
                    mfields: fields.clone(),
                    live: 0,
                    deleted: 0,
                    entries: Vec::new(),
                    body,
                });
                true
            } else {
                self.nodes.last().is_some_and(|n| n.mfields == fields)
            };
            let lp = self.nodes.last_mut().unwrap();
            lp.live += 1;
            let mut b = int_size(if same { 2 } else { 0 })
                + int_size(sid.ms.wrapping_sub(lp.master.ms) as i64)
                + int_size(sid.seq.wrapping_sub(lp.master.seq) as i64);
            if !same {
                b += int_size(fields.len() as i64)
                    + fields.iter().map(|f| str_size(f)).sum::<usize>();
            }
            b += fv.iter().map(|(_, v)| str_size(v)).sum::<usize>();
            let lpcount = fields.len() + 3 + if same { 0 } else { fields.len() + 1 };
            b += int_size(lpcount as i64);
            lp.body += b as u64;
            lp.entries.push((sid, false));
            self.length += 1;
        }

        pub fn delete(&mut self, sid: StreamId) -> u64 {
            for i in 0..self.nodes.len() {
                let n = &mut self.nodes[i];
                if let Some(e) = n.entries.iter_mut().find(|e| e.0 == sid && !e.1) {
                    if n.live == 1 {
                        self.nodes.remove(i);
                    } else {
                        e.1 = true;
                        n.live -= 1;
                        n.deleted += 1;
                    }
                    self.length -= 1;
                    return 1;
                }
            }
            0
        }

        /// `maxlen` is `Some` for MAXLEN, else MINID `min`.
        pub fn trim(
            &mut self,
            maxlen: Option<u64>,
            min: StreamId,
            approx: bool,
            limit: u64,
        ) -> u64 {
            let mut deleted = 0;
            // Whole nodes go from the front, so the node looked at is always the first.
            let i = 0;
            while i < self.nodes.len() {
                let live = self.nodes[i].live;
                if let Some(m) = maxlen {
                    if self.length <= m {
                        break;
                    }
                }
                if limit != 0 && deleted + live > limit {
                    break;
                }
                let rm = match maxlen {
                    Some(m) => self.length - live >= m,
                    None => self.nodes[i].entries.last().unwrap().0 < min,
                };
                if rm {
                    self.nodes.remove(i);
                    self.length -= live;
                    deleted += live;
                    continue;
                }
                if approx {
                    break;
                }
                let mut d = 0;
                let n = &mut self.nodes[i];
                for e in n.entries.iter_mut() {
                    match maxlen {
                        Some(m) => {
                            if self.length <= m {
                                break;
                            }
                        }
                        None => {
                            if e.0 >= min {
                                break;
                            }
                        }
                    }
                    if !e.1 {
                        e.1 = true;
                        d += 1;
                        self.length -= 1;
                    }
                }
                n.live -= d;
                n.deleted += d;
                deleted += d;
                break;
            }
            deleted
        }
    }
}

/// splitmix64, for deterministic random workloads.
struct Rng(u64);

impl Rng {
    fn next(&mut self) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        z ^ (z >> 31)
    }
    fn below(&mut self, n: u64) -> u64 {
        self.next() % n.max(1)
    }
    fn pick<T: Copy>(&mut self, xs: &[T]) -> T {
        xs[self.below(xs.len() as u64) as usize]
    }
    /// A value like the Python model's `rand_val`: integers of every width,
    /// short and long strings.
    fn value(&mut self) -> Vec<u8> {
        match self.below(10) {
            0..=2 => (self.below(200_001) as i64 - 100_000)
                .to_string()
                .into_bytes(),
            3..=4 => (self.next() >> 1).to_string().into_bytes(),
            5..=7 => (0..self.below(81))
                .map(|_| b'a' + self.below(8) as u8)
                .collect(),
            _ => (0..60 + self.below(641))
                .map(|_| b"xyz0123"[self.below(7) as usize])
                .collect(),
        }
    }
}

#[test]
fn node_layout_matches_the_validated_model() {
    let mut rng = Rng(1234);
    let mut checks = 0;
    for _ in 0..60 {
        let me = rng.pick(&[0i64, 5, 10, 100, 150]);
        let mb = rng.pick(&[0u64, 300, 4096, 8192]);
        let limits = NodeLimits {
            max_bytes: mb,
            max_entries: me,
        };
        let mut m = model::Model::new(me, mb);
        let mut s = Stream::new();
        let mut ms = 1u64;
        let fieldsets: [&[&[u8]]; 4] =
            [&[b"f"], &[b"f", b"g"], &[b"a", b"b", b"c"], &[b"1", b"22"]];
        for step in 0..(50 + rng.below(350)) {
            let op = if step == 0 { 0 } else { rng.below(100) };
            if op < 80 {
                ms += rng.pick(&[0, 0, 1, 2, 1000]);
                let mut sid = id(ms, rng.below(4));
                if sid <= s.last_id() {
                    sid = s.last_id().next().unwrap();
                }
                let fv: Vec<(Vec<u8>, Vec<u8>)> = rng
                    .pick(&fieldsets)
                    .iter()
                    .map(|f| (f.to_vec(), rng.value()))
                    .collect();
                let flat: Vec<Vec<u8>> = fv
                    .iter()
                    .flat_map(|(f, v)| [f.clone(), v.clone()])
                    .collect();
                s.append(sid, &flat, limits);
                m.add(sid, &fv);
                assert_eq!(s.get(sid), Some(fv.clone()));
            } else if op < 90 && m.length > 0 {
                let n = &m.nodes[rng.below(m.nodes.len() as u64) as usize];
                let e = n.entries[rng.below(n.entries.len() as u64) as usize].0;
                let expected = m.delete(e);
                assert_eq!(u64::from(s.delete(e)), expected);
                checks += 1;
            } else {
                let maxlen = rng.below(2) == 0;
                let approx = rng.below(10) < 6;
                let thr = rng.below(m.length.max(1) + 1);
                let min = id(rng.below(ms + 1), 0);
                let limit = if approx {
                    match rng.below(4) {
                        0 => 0,
                        1 => 10,
                        2 => 100,
                        _ => {
                            if me == 0 {
                                10000
                            } else {
                                (100 * me as u64).min(1_000_000)
                            }
                        }
                    }
                } else {
                    0
                };
                let expected = m.trim(maxlen.then_some(thr), min, approx, limit);
                let spec = TrimSpec {
                    strategy: if maxlen {
                        TrimStrategy::MaxLen(thr)
                    } else {
                        TrimStrategy::MinId(min)
                    },
                    approx,
                    limit,
                    refs: RefMode::KeepRef,
                };
                assert_eq!(s.trim(spec).len() as u64, expected);
                checks += 1;
            }
            s.check();
            assert_eq!(s.len(), m.length);
            assert_eq!(
                s.node_counts(),
                m.nodes
                    .iter()
                    .map(|n| (n.live, n.deleted))
                    .collect::<Vec<_>>()
            );
            checks += 2;
        }
    }
    assert!(checks > 10_000, "{checks}");
}

#[test]
fn ranges_match_a_btreemap() {
    use std::collections::BTreeMap;
    let mut rng = Rng(99);
    for round in 0..20 {
        let limits = NodeLimits {
            max_bytes: [0, 120, 4096][round % 3],
            max_entries: [3, 100, 0][round % 3],
        };
        let mut s = Stream::new();
        let mut model: BTreeMap<StreamId, Fields> = BTreeMap::new();
        let mut ms = 0;
        for _ in 0..600 {
            match rng.below(10) {
                0..=5 => {
                    ms += rng.below(3);
                    let sid = s.last_id().next().unwrap().max(id(ms, rng.below(3)));
                    let f: Fields = (0..1 + rng.below(3))
                        .map(|i| (vec![b'f' + i as u8], rng.value()))
                        .collect();
                    let flat: Vec<Vec<u8>> =
                        f.iter().flat_map(|(a, b)| [a.clone(), b.clone()]).collect();
                    s.append(sid, &flat, limits);
                    model.insert(sid, f);
                }
                6 => {
                    let sid = id(rng.below(ms + 1), rng.below(3));
                    assert_eq!(s.delete(sid), model.remove(&sid).is_some());
                }
                7 => {
                    let keep = rng.below(model.len() as u64 + 2);
                    let removed = s.trim(TrimSpec {
                        strategy: TrimStrategy::MaxLen(keep),
                        approx: false,
                        limit: 0,
                        refs: RefMode::default(),
                    });
                    for r in &removed {
                        assert!(model.remove(r).is_some());
                    }
                }
                _ => {
                    let a = id(rng.below(ms + 2), rng.below(3));
                    let b = id(rng.below(ms + 2), rng.below(3));
                    let count = [None, Some(1), Some(5)][rng.below(3) as usize];
                    let rev = rng.below(2) == 0;
                    let got = s.range(a, b, count, rev);
                    let mut want: Vec<(StreamId, Fields)> = if a <= b {
                        model.range(a..=b).map(|(k, v)| (*k, v.clone())).collect()
                    } else {
                        Vec::new()
                    };
                    if rev {
                        want.reverse();
                    }
                    if let Some(c) = count {
                        want.truncate(c);
                    }
                    assert_eq!(got, want);
                }
            }
            s.check();
            assert_eq!(s.len(), model.len() as u64);
            assert_eq!(s.first_id(), model.keys().next().copied());
            assert_eq!(
                s.recorded_first_id(),
                model.keys().next().copied().unwrap_or_default()
            );
            assert_eq!(s.last_valid_id(), model.keys().next_back().copied());
        }
    }
}

mod engine_events {
    use crate::engine::params::notify;
    use crate::engine::{
        ClaimCommand, ClaimedEntry, Config, DeliveredEntry, DeliverySource, Engine, EventKind,
        Profile, Reply, StreamId, TrimReason,
    };

    use crate::engine::test_util::{argv, notifications};

    #[test]
    fn group_commands_report_events_and_notifications() {
        let mut e = Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        });
        let c = e.connect(0);
        e.execute(c, argv("CONFIG SET notify-keyspace-events KEA"), 0);
        let out = e.execute(c, argv("XGROUP CREATE s g $ MKSTREAM"), 0);
        assert_eq!(notifications(&out.events), ["xgroup-create"]);
        assert!(out.event_kinds().contains(&EventKind::GroupCreated {
            db: 0,
            key: b"s".to_vec(),
            group: b"g".to_vec(),
            last_id: StreamId::new(0, 0),
            entries_read: None
        }));
        e.execute(c, argv("XADD s 1-0 f v"), 0);
        e.execute(c, argv("XADD s 2-0 f v"), 0);
        let out = e.execute(c, argv("XREADGROUP GROUP g alice STREAMS s >"), 5);
        assert_eq!(notifications(&out.events), ["xgroup-createconsumer"]);
        assert!(out.event_kinds().contains(&EventKind::ConsumerCreated {
            db: 0,
            key: b"s".to_vec(),
            group: b"g".to_vec(),
            consumer: b"alice".to_vec()
        }));
        assert!(out.event_kinds().contains(&EventKind::EntriesDelivered {
            db: 0,
            key: b"s".to_vec(),
            group: b"g".to_vec(),
            consumer: b"alice".to_vec(),
            entries: delivered(&[1, 2], 1, DeliverySource::New),
            last_id: StreamId::new(2, 0),
            entries_read: Some(2),
            lag: Some(0)
        }));
        let out = e.execute(c, argv("XREADGROUP GROUP g alice STREAMS s 0"), 6);
        assert!(notifications(&out.events).is_empty());
        assert!(out.event_kinds().contains(&EventKind::EntriesDelivered {
            db: 0,
            key: b"s".to_vec(),
            group: b"g".to_vec(),
            consumer: b"alice".to_vec(),
            entries: delivered(&[1, 2], 2, DeliverySource::History),
            last_id: StreamId::new(2, 0),
            entries_read: Some(2),
            lag: Some(0)
        }));
        let out = e.execute(c, argv("XACK s g 1-0 9-0"), 7);
        assert!(notifications(&out.events).is_empty());
        assert!(out.event_kinds().contains(&EventKind::EntriesAcked {
            db: 0,
            key: b"s".to_vec(),
            group: b"g".to_vec(),
            ids: vec![StreamId::new(1, 0)]
        }));
        let out = e.execute(c, argv("XGROUP SETID s g 0"), 8);
        assert_eq!(notifications(&out.events), ["xgroup-setid"]);
        let out = e.execute(c, argv("XGROUP DELCONSUMER s g nobody"), 8);
        assert!(notifications(&out.events).is_empty());
        let out = e.execute(c, argv("XGROUP DELCONSUMER s g alice"), 8);
        assert_eq!(out.reply, Some(Reply::Integer(1)));
        assert_eq!(notifications(&out.events), ["xgroup-delconsumer"]);
        assert!(out.event_kinds().contains(&EventKind::ConsumerDeleted {
            db: 0,
            key: b"s".to_vec(),
            group: b"g".to_vec(),
            consumer: b"alice".to_vec(),
            pending: 1
        }));
        let out = e.execute(c, argv("XGROUP DESTROY s g"), 9);
        assert_eq!(notifications(&out.events), ["xgroup-destroy"]);
        assert!(out.event_kinds().contains(&EventKind::GroupDestroyed {
            db: 0,
            key: b"s".to_vec(),
            group: b"g".to_vec(),
            // DELCONSUMER took alice's pending entry with her.
            pending: 0
        }));
    }

    fn delivered(ms: &[u64], delivery_count: u64, source: DeliverySource) -> Vec<DeliveredEntry> {
        ms.iter()
            .map(|&ms| DeliveredEntry {
                id: StreamId::new(ms, 0),
                delivery_count,
                source,
            })
            .collect()
    }

    fn claimed(id: u64, from: Option<&str>, delivery_count: u64) -> ClaimedEntry {
        ClaimedEntry {
            id: StreamId::new(id, 0),
            from: from.map(|f| f.as_bytes().to_vec()),
            delivery_count,
        }
    }

    fn claim_event(consumer: &str, claimed: Vec<ClaimedEntry>, deleted: Vec<u64>) -> EventKind {
        EventKind::EntriesClaimed {
            db: 0,
            key: b"s".to_vec(),
            group: b"g".to_vec(),
            consumer: consumer.as_bytes().to_vec(),
            claimed,
            deleted: deleted.into_iter().map(|ms| StreamId::new(ms, 0)).collect(),
            by: if consumer == "dave" {
                ClaimCommand::Xautoclaim
            } else {
                ClaimCommand::Xclaim
            },
        }
    }

    /// The events but profile 8's `ConsumerSeen` (a claim looks its consumer up first).
    fn changes(out: &crate::engine::Outcome) -> Vec<EventKind> {
        out.event_kinds()
            .into_iter()
            .filter(|k| !matches!(k, EventKind::ConsumerSeen { .. }))
            .collect()
    }

    fn consumer_created(consumer: &str) -> EventKind {
        EventKind::ConsumerCreated {
            db: 0,
            key: b"s".to_vec(),
            group: b"g".to_vec(),
            consumer: consumer.as_bytes().to_vec(),
        }
    }

    /// XCLAIM and XAUTOCLAIM report each claim (from whom, the new delivery
    /// count), the NACKs they deleted, LASTID, and the consumer they create:
    /// in 7.0 only once something is claimed (its only notification,
    /// `xgroup-createconsumer`), in 8 before anything is claimed.
    #[test]
    fn claims_report_events_and_notifications() {
        for profile in [Profile::V7, Profile::V8] {
            let v7 = profile == Profile::V7;
            let mut e = Engine::new(Config {
                profile,
                ..Config::default()
            });
            let c = e.connect(0);
            e.execute(c, argv("CONFIG SET notify-keyspace-events KEA"), 0);
            for id in 1..=3 {
                e.execute(c, argv(&format!("XADD s {id}-0 f v")), 0);
            }
            e.execute(c, argv("XGROUP CREATE s g 0"), 0);
            e.execute(c, argv("XREADGROUP GROUP g alice STREAMS s >"), 0);

            // Idle 1 s, 5 s wanted: nothing is claimed.
            let out = e.execute(c, argv("XCLAIM s g bob 5000 1-0"), 1000);
            assert_eq!(out.reply, Some(Reply::Array(vec![])));
            if v7 {
                assert!(out.events.is_empty(), "{:?}", out.events);
            } else {
                assert_eq!(notifications(&out.events), ["xgroup-createconsumer"]);
                assert_eq!(
                    changes(&out),
                    [consumer_created("bob"), out.events[1].kind.clone()]
                );
                assert!(matches!(out.events[1].kind, EventKind::Notification { .. }));
            }

            // Idle 6 s: claimed from alice, counts up.
            let out = e.execute(c, argv("XCLAIM s g bob 5000 1-0 2-0 JUSTID"), 6000);
            let expected = claim_event(
                "bob",
                vec![claimed(1, Some("alice"), 1), claimed(2, Some("alice"), 1)],
                vec![],
            );
            assert!(out.event_kinds().contains(&expected), "{:?}", out.events);
            assert_eq!(out.event_kinds().contains(&consumer_created("bob")), v7);
            if v7 {
                assert_eq!(notifications(&out.events), ["xgroup-createconsumer"]);
            } else {
                assert!(notifications(&out.events).is_empty());
            }
            let out = e.execute(c, argv("XCLAIM s g carol 0 1-0 1-0 RETRYCOUNT 5"), 6000);
            assert!(out.event_kinds().contains(&claim_event(
                "carol",
                vec![claimed(1, Some("bob"), 5), claimed(1, Some("carol"), 5)],
                vec![]
            )));
            assert!(out.event_kinds().contains(&consumer_created("carol")));

            // FORCE: a new NACK, from nobody.
            e.execute(c, argv("XADD s 4-0 f v"), 6000);
            let out = e.execute(c, argv("XCLAIM s g bob 0 4-0 9-0 FORCE"), 6000);
            assert_eq!(
                changes(&out),
                [claim_event("bob", vec![claimed(4, None, 2)], vec![])]
            );

            // XAUTOCLAIM: the deleted entry's NACK goes, the others move.
            e.execute(c, argv("XDEL s 2-0"), 6000);
            let out = e.execute(c, argv("XAUTOCLAIM s g dave 0 0"), 7000);
            assert!(out.event_kinds().contains(&claim_event(
                "dave",
                vec![
                    claimed(1, Some("carol"), 6),
                    claimed(3, Some("alice"), 2),
                    claimed(4, Some("bob"), 3)
                ],
                vec![2]
            )));
            assert!(out.event_kinds().contains(&consumer_created("dave")));
            assert_eq!(notifications(&out.events), ["xgroup-createconsumer"]);

            // Deleted entries alone are reported too (7.0: no consumer made).
            e.execute(c, argv("XDEL s 3-0"), 7000);
            let out = e.execute(c, argv("XCLAIM s g erin 0 3-0"), 7000);
            assert!(out
                .event_kinds()
                .contains(&claim_event("erin", vec![], vec![3])));
            assert_eq!(out.event_kinds().contains(&consumer_created("erin")), !v7);

            // LASTID moves the group; nothing claimable reports no claim.
            let out = e.execute(c, argv("XCLAIM s g dave 0 LASTID 9-0"), 7000);
            assert_eq!(
                changes(&out),
                [EventKind::GroupIdSet {
                    db: 0,
                    key: b"s".to_vec(),
                    group: b"g".to_vec(),
                    last_id: StreamId::new(9, 0),
                    entries_read: Some(3)
                }]
            );
            let out = e.execute(c, argv("XAUTOCLAIM s g dave 60000 0"), 7000);
            assert!(changes(&out).is_empty());
            let out = e.execute(c, argv("XCLAIM s g dave 0 LASTID 5-0"), 7000);
            assert!(changes(&out).is_empty());

            // Errors change and report nothing.
            for line in [
                "XCLAIM s g zed 0 1-0 BOGUS",
                "XCLAIM s nog zed 0 1-0",
                "XAUTOCLAIM s g zed 0 0 COUNT 0",
                "XAUTOCLAIM s g zed 0 0 COUNT 576460752303423487",
            ] {
                let out = e.execute(c, argv(line), 7000);
                assert!(matches!(out.reply, Some(Reply::Error(_))), "{line}");
                assert!(out.events.is_empty(), "{line}: {:?}", out.events);
            }
            let reply = e.execute(c, argv("XINFO CONSUMERS s g"), 7000).reply;
            assert!(!format!("{reply:?}").contains("zed"));
        }
    }

    #[test]
    fn writes_report_events_and_notifications() {
        let mut e = Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        });
        let c = e.connect(0);
        e.execute(c, argv("CONFIG SET notify-keyspace-events KEAn"), 0);
        let out = e.execute(c, argv("XADD s 1-0 f v"), 0);
        assert_eq!(out.reply, Some(Reply::bulk("1-0")));
        assert!(out.event_kinds().contains(&EventKind::KeyWritten {
            db: 0,
            key: b"s".to_vec(),
            key_type: "stream".into()
        }));
        assert!(out.event_kinds().contains(&EventKind::StreamEntryAdded {
            db: 0,
            key: b"s".to_vec(),
            id: StreamId::new(1, 0),
            fields: vec![b"f".to_vec(), b"v".to_vec()]
        }));
        assert_eq!(notifications(&out.events), ["new", "xadd"]);
        e.execute(c, argv("XADD s 2-0 f v"), 0);
        let out = e.execute(c, argv("XADD s MAXLEN 1 3-0 f v"), 0);
        assert_eq!(notifications(&out.events), ["xadd", "xtrim"]);
        assert!(out
            .event_kinds()
            .contains(&EventKind::StreamEntriesRemoved {
                db: 0,
                key: b"s".to_vec(),
                ids: vec![StreamId::new(1, 0), StreamId::new(2, 0)],
                reason: TrimReason::MaxLen {
                    threshold: 1,
                    approx: false,
                    limit: 0
                },
                nodes_removed: 0
            }));
        let out = e.execute(c, argv("XDEL s 3-0 9-0"), 0);
        assert_eq!(out.reply, Some(Reply::Integer(1)));
        assert_eq!(notifications(&out.events), ["xdel"]);
        assert!(out
            .event_kinds()
            .contains(&EventKind::StreamEntriesRemoved {
                db: 0,
                key: b"s".to_vec(),
                ids: vec![StreamId::new(3, 0)],
                reason: TrimReason::Xdel,
                // The entry was its node's last: the node went with it.
                nodes_removed: 1
            }));
        // Nothing removed: no event, no notification.
        let out = e.execute(c, argv("XDEL s 3-0"), 0);
        assert!(out.events.is_empty());
        let out = e.execute(c, argv("XTRIM s MINID 0"), 0);
        assert!(out.events.is_empty());
        e.execute(c, argv("XADD s 4-0 f v"), 0);
        let out = e.execute(c, argv("XTRIM s MINID 5"), 0);
        assert_eq!(notifications(&out.events), ["xtrim"]);
        assert!(matches!(
            &out.event_kinds()[..],
            [
                ..,
                EventKind::StreamEntriesRemoved {
                    reason: TrimReason::MinId { approx: false, .. },
                    nodes_removed: 1,
                    ..
                }
            ]
        ));
        let out = e.execute(c, argv("XSETID s 10-0"), 0);
        assert_eq!(notifications(&out.events), ["xsetid"]);
        // The class filter: without `t`, nothing is notified.
        e.execute(c, argv("CONFIG SET notify-keyspace-events KEg"), 0);
        let out = e.execute(c, argv("XADD s 11-0 f v"), 0);
        assert!(notifications(&out.events).is_empty());
        // A failing XADD changes nothing and reports nothing.
        let out = e.execute(c, argv("XADD s 1-0 f v"), 0);
        assert!(out.events.is_empty());
        let _ = notify::STREAM;
    }

    #[test]
    fn memory_usage_follows_the_byte_count() {
        let mut e = Engine::new(Config::default());
        let c = e.connect(0);
        let before = e.used_memory();
        for i in 1..=1000 {
            e.execute(c, argv(&format!("XADD s {i}-0 type signup user_id {i}")), 0);
        }
        let usage = match e.execute(c, argv("MEMORY USAGE s"), 0).reply {
            Some(Reply::Integer(n)) => n as u64,
            other => panic!("{other:?}"),
        };
        assert_eq!(e.used_memory() - before, usage);
        assert!(usage / 1000 < 40, "{usage}");
        e.execute(c, argv("XTRIM s MAXLEN 0"), 0);
        let after = match e.execute(c, argv("MEMORY USAGE s"), 0).reply {
            Some(Reply::Integer(n)) => n as u64,
            other => panic!("{other:?}"),
        };
        assert!(after < 200, "{after}");
        assert_eq!(e.used_memory() - before, after);
    }
}

/// Random stream commands from a pool of valid and broken tokens never panic
/// (debug assertions included) and keep the node layout consistent.
#[test]
fn random_commands_never_panic() {
    use crate::engine::{Config, Engine};
    let tokens: &[&str] = &[
        "s",
        "t",
        "*",
        "-",
        "+",
        "(",
        "(1",
        "(-",
        "0",
        "0-0",
        "0-*",
        "1",
        "1-*",
        "1-1",
        "2-0",
        "5-*",
        "18446744073709551615",
        "18446744073709551615-*",
        "18446744073709551615-18446744073709551615",
        "18446744073709551616",
        "-1",
        " 1",
        "+2",
        "MAXLEN",
        "MINID",
        "~",
        "=",
        "LIMIT",
        "NOMKSTREAM",
        "COUNT",
        "FULL",
        "ENTRIESADDED",
        "MAXDELETEDID",
        "KEEPREF",
        "ACKED",
        "f",
        "v",
        "",
        "abc",
        "3",
        "100",
        "9999999999",
        "SAMPLES",
        "STREAM",
        "HELP",
    ];
    let commands: &[&str] = &[
        "XADD",
        "XRANGE",
        "XREVRANGE",
        "XDEL",
        "XTRIM",
        "XLEN",
        "XSETID",
        "XINFO",
        "MEMORY",
        "DEL",
        "RENAME",
    ];
    let mut rng = Rng(7);
    for profile in [crate::engine::Profile::V7, crate::engine::Profile::V8] {
        let mut e = Engine::new(Config {
            profile,
            ..Config::default()
        });
        let c = e.connect(0);
        e.execute(
            c,
            vec![
                b"CONFIG".to_vec(),
                b"SET".to_vec(),
                b"stream-node-max-entries".to_vec(),
                b"3".to_vec(),
            ],
            0,
        );
        let mut now = 0;
        for _ in 0..30_000 {
            let mut argv = vec![rng.pick(commands).as_bytes().to_vec()];
            if argv[0] == b"XINFO" || argv[0] == b"MEMORY" {
                argv.push(
                    rng.pick(&["STREAM", "HELP", "USAGE", "x"])
                        .as_bytes()
                        .to_vec(),
                );
            }
            for _ in 0..rng.below(9) {
                argv.push(rng.pick(tokens).as_bytes().to_vec());
            }
            now += rng.below(3);
            e.execute(c, argv, now.saturating_sub(rng.below(5)));
        }
        for db in &e.dbs {
            for (_, entry) in db.iter() {
                if let crate::engine::keyspace::Value::Stream(s) = &entry.value {
                    s.check();
                }
            }
        }
    }
}

/// Groups, consumers, deliveries, re-deliveries, acks and consumer deletion
/// keep every PEL consistent and the byte count exact, and the byte count
/// returns to the groupless figure when the groups go.
#[test]
fn group_pels_and_bytes_stay_consistent() {
    let mut s = Stream::new();
    let limits = NodeLimits {
        max_bytes: 4096,
        max_entries: 100,
    };
    for i in 1..=20 {
        s.append(id(i, 0), &[b"f".to_vec(), b"v".to_vec()], limits);
    }
    let bare = s.mem_size();
    assert!(s.create_group(b"g", StreamId::MIN, ENTRIES_READ_UNKNOWN));
    assert!(!s.create_group(b"g", StreamId::MIN, 0));
    assert!(s.create_group(b"other", id(5, 0), 3));
    s.with_group(b"g", |g| {
        assert!(g.create_consumer(b"alice", 10));
        assert!(!g.create_consumer(b"alice", 11));
        assert!(g.create_consumer(b"bob", 12));
        for i in 1..=10 {
            g.deliver(id(i, 0), b"alice", 20);
        }
        assert_eq!(g.redeliver(id(4, 0), 25), Some(2));
        // Delivering a pending entry moves it, its count back to 1.
        g.deliver(id(3, 0), b"bob", 30);
        g.deliver(id(4, 0), b"bob", 30);
        assert_eq!(g.pel()[&id(4, 0)].delivery_count, 1);
        assert_eq!(g.pel()[&id(3, 0)].consumer, b"bob");
        assert_eq!(g.redeliver(id(11, 0), 30), None);
        assert!(g.ack(id(1, 0)));
        assert!(!g.ack(id(1, 0)));
        assert!(g.ack(id(3, 0)));
    });
    s.check();
    let g = s.group(b"g").unwrap();
    assert_eq!(g.pel().len(), 8);
    assert_eq!(g.consumer(b"alice").unwrap().pel.len(), 7);
    assert_eq!(g.consumer(b"bob").unwrap().pel.len(), 1);
    assert_eq!(s.with_group(b"g", |g| g.delete_consumer(b"alice")), Some(7));
    assert_eq!(
        s.with_group(b"g", |g| g.delete_consumer(b"nobody")),
        Some(0)
    );
    s.check();
    assert_eq!(s.group(b"g").unwrap().pel().len(), 1);
    assert!(s.destroy_group(b"g"));
    assert!(!s.destroy_group(b"g"));
    assert!(s.destroy_group(b"other"));
    s.check();
    assert_eq!(s.mem_size(), bare);
}

/// Random consumer-group commands (valid and broken, XCLAIM and XAUTOCLAIM
/// with every option among them) never panic, and every group's PEL stays
/// consistent with its consumers' PELs, with exact bytes.
#[test]
fn random_group_commands_keep_pels_consistent() {
    use crate::engine::{Config, Engine};
    // Claims name IDs pending in s/g (`pending`) or recent ones (`now` is the
    // ms part of the IDs XADD * makes).
    let pick_line = |rng: &mut Rng, now: u64, pending: &[StreamId], v8: bool| -> String {
        let near = |rng: &mut Rng| match pending.get(rng.below(pending.len() as u64 * 2) as usize) {
            Some(id) => id.to_string(),
            None => format!("{}-{}", now.saturating_sub(rng.below(200)), rng.below(2)),
        };
        let key = rng.pick(&["s", "s", "t", "str"]);
        let group = rng.pick(&["g", "g", "h", "x"]);
        let consumer = rng.pick(&["a", "b", "c"]);
        let id = rng.pick(&["0", "1", "2-0", "3", "(1", "-", "+", "$", ">", "bad", "5-1"]);
        let n = rng.below(4);
        // The 8 profile's additions (8.2 deletion modes, 8.4 CLAIM).
        if v8 && rng.below(5) == 0 {
            let mode = rng.pick(&["", " KEEPREF", " DELREF", " ACKED", " BOGUS"]);
            let ids: Vec<String> = (0..1 + rng.below(3)).map(|_| near(rng)).collect();
            return match rng.below(5) {
                0 => format!("XACKDEL s g{mode} IDS {} {}", ids.len(), ids.join(" ")),
                1 => format!("XDELEX {key}{mode} IDS {} {}", ids.len(), ids.join(" ")),
                2 => format!("XADD {key}{mode} MAXLEN {} * f v", rng.below(8)),
                3 => format!(
                    "XTRIM {key} {}{mode}",
                    rng.pick(&["MAXLEN 5", "MAXLEN ~ 3", "MINID = 0", "MAXLEN = 2 LIMIT 1"])
                ),
                _ => format!(
                    "XREADGROUP GROUP g {consumer} COUNT {n} CLAIM {} STREAMS s >",
                    rng.pick(&["0", "1", "5", "-1", "x"])
                ),
            };
        }
        match rng.below(18) {
            0 | 1 => format!("XADD {key} * f v"),
            2 => format!("XDEL {key} {id} {}", rng.below(6)),
            3 => format!(
                "XGROUP CREATE {key} {group} {id}{}",
                rng.pick(&["", " MKSTREAM", " ENTRIESREAD 2", " ENTRIESREAD -1"])
            ),
            4 => format!("XGROUP SETID {key} {group} {id}"),
            5 => format!("XGROUP CREATECONSUMER {key} {group} {consumer}"),
            6 => format!("XGROUP DELCONSUMER {key} {group} {consumer}"),
            // Rarely the group the claims use, so that it lives a while.
            7 => format!(
                "XGROUP DESTROY {key} {}",
                rng.pick(&["g", "h", "h", "h", "x", "x", "x", "x"])
            ),
            8 | 9 => format!(
                "XREADGROUP GROUP {group} {consumer} COUNT {n}{} STREAMS {key} {}",
                rng.pick(&["", " NOACK"]),
                rng.pick(&[">", ">", "0", id])
            ),
            10 => format!(
                "XACK {key} {group} {id} {}-0 {}",
                rng.below(6),
                rng.below(6)
            ),
            11 => format!("XPENDING {key} {group} {id} + {n} {consumer}"),
            12 | 13 => {
                let ids: Vec<String> = (0..1 + rng.below(3)).map(|_| near(rng)).collect();
                let mut opts = String::new();
                for _ in 0..rng.below(4) {
                    opts.push_str(rng.pick(&[
                        " FORCE",
                        " JUSTID",
                        " IDLE 0",
                        " IDLE 3",
                        " IDLE -1",
                        " TIME 0",
                        " TIME 99999999",
                        " RETRYCOUNT 0",
                        " RETRYCOUNT 7",
                        " RETRYCOUNT -2",
                        " LASTID 4-0",
                    ]));
                }
                if rng.below(10) == 0 {
                    opts.push_str(rng.pick(&[" BOGUS", " IDLE"]));
                }
                if rng.below(10) == 0 {
                    opts.push_str(&format!(" LASTID {}", near(rng)));
                }
                // Mostly the stream and group that have pending entries.
                let (key, group) = if rng.below(5) > 0 {
                    ("s", "g")
                } else {
                    (key, group)
                };
                format!(
                    "XCLAIM {key} {group} {consumer} {} {} {}{opts}",
                    rng.pick(&["0", "0", "0", "1", "3", "-1", "x", "100"]),
                    ids.join(" "),
                    rng.pick(&["", "", "", "", id])
                )
                .replace("  ", " ")
                .trim_end()
                .to_string()
            }
            14 | 15 => format!(
                "XAUTOCLAIM {} {} {consumer} {} {}{}{}",
                rng.pick(&["s", "s", "s", key]),
                rng.pick(&["g", "g", "g", group]),
                rng.pick(&["0", "0", "0", "1", "3", "-1", "x", "100"]),
                rng.pick(&["0", "-", "+", "(1", "2-0", "(5-1", "bad"]),
                rng.pick(&["", " COUNT 1", " COUNT 2", " COUNT 0", " COUNT 100"]),
                rng.pick(&["", "", " JUSTID", " BOGUS"])
            ),
            16 => format!("XDEL {key} {} {}", near(rng), near(rng)),
            _ => format!(
                "{} {key} {group}",
                rng.pick(&[
                    "XINFO CONSUMERS",
                    "XINFO GROUPS",
                    "XINFO STREAM",
                    "XPENDING"
                ])
            ),
        }
    };
    let mut rng = Rng(11);
    for profile in [crate::engine::Profile::V7, crate::engine::Profile::V8] {
        let mut e = Engine::new(Config {
            profile,
            ..Config::default()
        });
        let c = e.connect(0);
        e.execute(c, vec![b"SET".to_vec(), b"str".to_vec(), b"x".to_vec()], 0);
        let mut now = 0;
        // Claims that took entries, and XAUTOCLAIMs that deleted NACKs.
        let (mut claims, mut deletions) = (0, 0);
        // Groups whose pending counts were compared across the replies.
        let mut checked = 0;
        // 8 profile: XACKDEL/XDELEX that found entries, CLAIM reads that read.
        let (mut v8_deletions, mut v8_claims) = (0, 0);
        for i in 0..20_000 {
            let pending: Vec<StreamId> = match e.dbs[0].get(b"s", now).map(|en| &en.value) {
                Some(crate::engine::keyspace::Value::Stream(st)) => st
                    .group(b"g")
                    .map(|g| g.pel().keys().copied().collect())
                    .unwrap_or_default(),
                _ => Vec::new(),
            };
            let line = pick_line(
                &mut rng,
                now,
                &pending,
                profile == crate::engine::Profile::V8,
            );
            let argv = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
            now += rng.below(3);
            let reply = e.execute(c, argv, now).reply;
            match (line.split(' ').next(), &reply) {
                (Some("XCLAIM"), Some(Reply::Array(items))) if !items.is_empty() => claims += 1,
                (Some("XACKDEL" | "XDELEX"), Some(Reply::Array(codes)))
                    if codes.iter().any(|r| *r != Reply::Integer(-1)) =>
                {
                    v8_deletions += 1
                }
                (Some("XREADGROUP"), Some(Reply::Array(_))) if line.contains("CLAIM") => {
                    v8_claims += 1
                }
                (Some("XAUTOCLAIM"), Some(Reply::Array(parts))) => {
                    if matches!(&parts[1], Reply::Array(a) if !a.is_empty()) {
                        claims += 1;
                    }
                    if matches!(&parts[2], Reply::Array(a) if !a.is_empty()) {
                        deletions += 1;
                    }
                }
                _ => {}
            }
            if i % 10 == 0 {
                for db in &e.dbs {
                    for (_, entry) in db.iter() {
                        if let crate::engine::keyspace::Value::Stream(s) = &entry.value {
                            s.check();
                        }
                    }
                }
                checked += pending_counts_agree(&mut e, c, now);
            }
        }
        assert!(checked > 1000, "{checked} groups compared");
        if profile == crate::engine::Profile::V8 {
            assert!(
                v8_deletions > 50 && v8_claims > 50,
                "{v8_deletions} XACKDEL/XDELEX, {v8_claims} CLAIM reads"
            );
        }
        assert!(
            claims > 200 && deletions > 15,
            "{claims} claims, {deletions} deletions"
        );
    }
}

/// For every group of the streams `s` and `t`, the pending counts the
/// replies show agree: XPENDING's summary count, XINFO GROUPS' `pending`, the
/// sum of XINFO CONSUMERS' `pending`, the extended XPENDING's rows, and each
/// consumer's own extended XPENDING. Returns the number of groups compared.
fn pending_counts_agree(
    e: &mut crate::engine::Engine,
    c: crate::engine::ClientId,
    now: u64,
) -> usize {
    use crate::engine::Reply;
    let mut run = |line: String| -> Reply {
        let argv = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
        e.execute(c, argv, now).reply.expect("a reply")
    };
    // A field of a map reply.
    let field = |r: &Reply, name: &str| -> Option<Reply> {
        let Reply::Map(kv) = r else { return None };
        kv.iter()
            .find(|(k, _)| matches!(k, Reply::Bulk(b) if b == name.as_bytes()))
            .map(|(_, v)| v.clone())
    };
    let int = |r: Option<Reply>| match r {
        Some(Reply::Integer(n)) => n,
        other => panic!("not an integer: {other:?}"),
    };
    let mut compared = 0;
    for key in ["s", "t"] {
        let Reply::Array(groups) = run(format!("XINFO GROUPS {key}")) else {
            continue;
        };
        for g in groups {
            let Some(Reply::Bulk(name)) = field(&g, "name") else {
                panic!("group without a name: {g:?}")
            };
            let name = String::from_utf8(name).unwrap();
            let in_groups = int(field(&g, "pending"));
            let Reply::Array(summary) = run(format!("XPENDING {key} {name}")) else {
                panic!("XPENDING summary")
            };
            let Reply::Integer(in_summary) = summary[0] else {
                panic!("XPENDING count")
            };
            let Reply::Array(rows) = run(format!("XPENDING {key} {name} - + 1000000")) else {
                panic!("XPENDING extended")
            };
            let Reply::Array(consumers) = run(format!("XINFO CONSUMERS {key} {name}")) else {
                panic!("XINFO CONSUMERS")
            };
            let mut sum = 0;
            for cons in &consumers {
                let n = int(field(cons, "pending"));
                let Some(Reply::Bulk(cname)) = field(cons, "name") else {
                    panic!("consumer without a name")
                };
                let cname = String::from_utf8(cname).unwrap();
                let Reply::Array(own) = run(format!("XPENDING {key} {name} - + 1000000 {cname}"))
                else {
                    panic!("XPENDING for a consumer")
                };
                assert_eq!(own.len() as i64, n, "{key} {name} {cname}");
                sum += n;
            }
            assert_eq!(in_groups, in_summary, "{key} {name}");
            assert_eq!(in_groups, rows.len() as i64, "{key} {name}");
            assert_eq!(in_groups, sum, "{key} {name}");
            compared += 1;
        }
    }
    compared
}

/// The 8 profile's deletion modes and CLAIM: events for the views and
/// keyspace notifications (Redis 8.2/8.4, known from the source only).
mod v8_refs_events {
    use crate::engine::{
        Config, DeliveredEntry, DeliverySource, Engine, EventKind, Profile, Reply, StreamId,
        TrimReason,
    };

    use crate::engine::test_util::{argv, notifications};

    fn ids(list: &[(u64, u64)]) -> Vec<StreamId> {
        list.iter()
            .map(|&(ms, seq)| StreamId::new(ms, seq))
            .collect()
    }

    fn engine() -> (Engine, crate::engine::ClientId) {
        let mut e = Engine::new(Config {
            profile: Profile::V8,
            ..Config::default()
        });
        let c = e.connect(0);
        e.execute(c, argv("CONFIG SET notify-keyspace-events KEA"), 0);
        for i in 1..=4 {
            e.execute(c, argv(&format!("XADD s {i}-1 f v")), 0);
        }
        e.execute(c, argv("XGROUP CREATE s g1 0"), 0);
        e.execute(c, argv("XGROUP CREATE s g2 0"), 0);
        e.execute(c, argv("XREADGROUP GROUP g1 a STREAMS s >"), 0);
        e.execute(c, argv("XREADGROUP GROUP g2 b STREAMS s >"), 0);
        (e, c)
    }

    #[test]
    fn xdelex_reports_deletions_and_dropped_references() {
        let (mut e, c) = engine();
        let out = e.execute(c, argv("XDELEX s DELREF IDS 2 1-1 9-9"), 1);
        assert_eq!(
            out.reply,
            Some(Reply::Array(vec![Reply::Integer(1), Reply::Integer(-1)]))
        );
        assert_eq!(notifications(&out.events), ["xdel"]);
        for group in ["g1", "g2"] {
            assert!(out.event_kinds().contains(&EventKind::ReferencesDeleted {
                db: 0,
                key: b"s".to_vec(),
                group: group.as_bytes().to_vec(),
                ids: ids(&[(1, 1)]),
            }));
        }
        assert!(out
            .event_kinds()
            .contains(&EventKind::StreamEntriesRemoved {
                db: 0,
                key: b"s".to_vec(),
                ids: ids(&[(1, 1)]),
                reason: TrimReason::Xdelex,
                nodes_removed: 0,
            }));
        // ACKED keeps a referenced entry: no notification, one event saying so.
        let out = e.execute(c, argv("XDELEX s ACKED IDS 1 2-1"), 2);
        assert_eq!(out.reply, Some(Reply::Array(vec![Reply::Integer(2)])));
        assert!(notifications(&out.events).is_empty());
        assert_eq!(
            out.event_kinds(),
            vec![EventKind::EntriesKeptReferenced {
                db: 0,
                key: b"s".to_vec(),
                ids: ids(&[(2, 1)]),
            }]
        );
    }

    #[test]
    fn xackdel_acks_and_deletes_only_when_no_group_holds_it() {
        let (mut e, c) = engine();
        let out = e.execute(c, argv("XACKDEL s g1 ACKED IDS 2 1-1 1-1"), 1);
        assert_eq!(
            out.reply,
            Some(Reply::Array(vec![Reply::Integer(2), Reply::Integer(-1)]))
        );
        // Acknowledged in g1, kept for g2: no deletion, no xdel.
        assert!(notifications(&out.events).is_empty());
        assert_eq!(
            out.event_kinds(),
            vec![
                EventKind::EntriesAckedAndDeleted {
                    db: 0,
                    key: b"s".to_vec(),
                    group: b"g1".to_vec(),
                    acked: ids(&[(1, 1)]),
                    deleted: vec![],
                },
                EventKind::EntriesKeptReferenced {
                    db: 0,
                    key: b"s".to_vec(),
                    ids: ids(&[(1, 1)]),
                }
            ]
        );
        let out = e.execute(c, argv("XACKDEL s g2 ACKED IDS 1 1-1"), 2);
        assert_eq!(out.reply, Some(Reply::Array(vec![Reply::Integer(1)])));
        assert_eq!(notifications(&out.events), ["xdel"]);
        let out = e.execute(c, argv("XLEN s"), 3);
        assert_eq!(out.reply, Some(Reply::Integer(3)));
    }

    #[test]
    fn trimming_with_delref_strips_every_group() {
        let (mut e, c) = engine();
        let out = e.execute(c, argv("XADD s MAXLEN 2 DELREF 5-1 f v"), 1);
        assert_eq!(notifications(&out.events), ["xadd", "xtrim"]);
        assert!(out.event_kinds().contains(&EventKind::ReferencesDeleted {
            db: 0,
            key: b"s".to_vec(),
            group: b"g2".to_vec(),
            ids: ids(&[(1, 1), (2, 1), (3, 1)]),
        }));
        let out = e.execute(c, argv("XPENDING s g1"), 2);
        let Some(Reply::Array(summary)) = out.reply else {
            panic!("XPENDING summary");
        };
        assert_eq!(summary[0], Reply::Integer(1));
        // ACKED trims nothing while the groups hold everything.
        let out = e.execute(c, argv("XTRIM s MAXLEN 0 ACKED"), 3);
        assert_eq!(out.reply, Some(Reply::Integer(0)));
        assert!(notifications(&out.events).is_empty());
    }

    /// Redis 8.2-8.4 trim approximately by whole nodes only, and DELREF and ACKED
    /// never drop a node whole, so `~` with them trims nothing: redis/redis#14656
    /// ("XTRIM/XADD MAXLEN ~ (approximate) ACKED does not delete anything",
    /// reproduced on 8.2.2 and 8.4.0), fixed only in 8.6 by redis/redis#14623 (bug
    /// introduced with the modes by #14130, 8.2). KEEPREF drops whole nodes as 7.0.
    #[test]
    fn approximate_trims_with_delref_or_acked_trim_nothing_as_8_4_does() {
        for (mode, trimmed) in [("KEEPREF", 200), ("DELREF", 0), ("ACKED", 0), ("", 200)] {
            for with_group in [false, true] {
                let mut e = Engine::new(Config {
                    profile: Profile::V8,
                    ..Config::default()
                });
                let c = e.connect(0);
                for i in 1..=250 {
                    e.execute(c, argv(&format!("XADD s {i}-1 f v")), 0);
                }
                if with_group {
                    // Every entry read and acknowledged: ACKED could delete them all.
                    e.execute(c, argv("XGROUP CREATE s g 0"), 0);
                    e.execute(c, argv("XREADGROUP GROUP g c NOACK STREAMS s >"), 0);
                }
                let out = e.execute(c, argv(&format!("XTRIM s MAXLEN ~ 10 {mode}")), 1);
                assert_eq!(
                    out.reply,
                    Some(Reply::Integer(trimmed)),
                    "{mode} {with_group}"
                );
                let out = e.execute(c, argv(&format!("XADD s {mode} MAXLEN ~ 10 * f v")), 1);
                assert!(matches!(out.reply, Some(Reply::Bulk(_))));
                let out = e.execute(c, argv("XLEN s"), 1);
                let left = if trimmed == 0 { 251 } else { 51 };
                assert_eq!(out.reply, Some(Reply::Integer(left)), "{mode} {with_group}");
                // The exact trim goes entry by entry in every mode.
                let out = e.execute(c, argv(&format!("XTRIM s MAXLEN = 10 {mode}")), 1);
                assert_eq!(out.reply, Some(Reply::Integer(left - 10)), "{mode}");
            }
        }
    }

    /// Redis 8.2.2 caps ENTRIESREAD at the stream's entries-added (redis/redis#14257,
    /// "Negative lag when ENTRIESREAD specified externally"; redis-py skips its old
    /// test from 8.2.2 on, redis/redis-py#3790). Redis 8.0.2 keeps 100 and reports lag
    /// -99 (the differential rule `entries-read-clamped` names this).
    #[test]
    fn entries_read_is_capped_at_entries_added_as_8_2_2_does() {
        let mut e = Engine::new(Config {
            profile: Profile::V8,
            ..Config::default()
        });
        let c = e.connect(0);
        e.execute(c, argv("XADD s 1-1 f v"), 0);
        e.execute(c, argv("XGROUP CREATE s g $ ENTRIESREAD 100"), 0);
        e.execute(c, argv("XGROUP CREATE s h 0"), 0);
        e.execute(c, argv("XGROUP SETID s h $ ENTRIESREAD 7"), 0);
        let out = e.execute(c, argv("XINFO GROUPS s"), 0);
        let Some(Reply::Array(groups)) = out.reply else {
            panic!("XINFO GROUPS");
        };
        for g in groups {
            let Reply::Map(fields) = g else {
                panic!("a group");
            };
            let field = |name: &str| {
                fields
                    .iter()
                    .find(|(k, _)| *k == Reply::bulk(name))
                    .map(|(_, v)| v.clone())
            };
            assert_eq!(field("entries-read"), Some(Reply::Integer(1)));
            assert_eq!(field("lag"), Some(Reply::Integer(0)));
        }
    }

    /// In Redis 8.2-8.4 a trim with DELREF strips the group references of the entries
    /// it removes, but not those of entries deleted before (tombstones), which it
    /// skips: redis/redis#15581 ("Fix XTRIM with DELREF leaving dangling consumer group
    /// references on tombstone", a bug from #14130 in 8.2, fixed after 8.4).
    #[test]
    fn a_delref_trim_leaves_a_tombstone_s_references_as_8_4_does() {
        let (mut e, c) = engine();
        // g1 has 1-1..4-1 pending; 1-1 becomes a tombstone with its reference kept.
        e.execute(c, argv("XDEL s 1-1"), 1);
        let out = e.execute(c, argv("XTRIM s MAXLEN 0 DELREF"), 1);
        assert_eq!(out.reply, Some(Reply::Integer(3)));
        let out = e.execute(c, argv("XPENDING s g1 - + 10"), 1);
        let Some(Reply::Array(rows)) = out.reply else {
            panic!("XPENDING");
        };
        assert_eq!(rows.len(), 1, "only the tombstone's reference is left");
        let Reply::Array(row) = &rows[0] else {
            panic!("a row");
        };
        assert_eq!(row[0], Reply::bulk("1-1"));
    }

    /// XREADGROUP CLAIM (Redis 8.4, redis/redis#14402) returns a claimed entry as
    /// `[id, fields, idle-ms, delivery-count]` with both counts integers
    /// (redis/redis#14524, merged on 2025-11-11 before 8.4.0's release on
    /// 2025-11-18; 8.4's xreadgroup.json: "Delivery count (0 for new messages, 1+
    /// for claimed messages)"), and a new entry with 0 and 0.
    #[test]
    fn claimed_entries_carry_integer_idle_and_delivery_count_as_8_4_does() {
        let (mut e, c) = engine();
        e.execute(c, argv("XADD s 5-1 f v"), 0);
        let out = e.execute(c, argv("XREADGROUP GROUP g1 z CLAIM 100 STREAMS s >"), 250);
        let Some(Reply::Array(streams)) = out.reply else {
            panic!("XREADGROUP: {:?}", out.reply);
        };
        let Reply::Array(s0) = &streams[0] else {
            panic!("a stream");
        };
        let Reply::Array(entries) = &s0[1] else {
            panic!("entries");
        };
        assert_eq!(entries.len(), 5, "1-1..4-1 idle for 250 ms, then 5-1");
        for (i, entry) in entries.iter().enumerate() {
            let Reply::Array(items) = entry else {
                panic!("an entry");
            };
            assert_eq!(items.len(), 4);
            let (idle, count) = if i < 4 { (250, 1) } else { (0, 0) };
            assert_eq!(items[2], Reply::Integer(idle));
            assert_eq!(items[3], Reply::Integer(count));
        }
    }

    #[test]
    fn a_blocked_claim_reader_wakes_when_an_entry_is_idle_enough() {
        let (mut e, c) = engine();
        let b = e.connect(0);
        let out = e.execute(
            b,
            argv("XREADGROUP GROUP g1 z BLOCK 0 CLAIM 100 STREAMS s >"),
            10,
        );
        assert_eq!(out.reply, None);
        // Delivered at 0: idle for more than 100 ms only after 100.
        assert!(e.advance(100).deliveries.is_empty());
        let out = e.advance(101);
        assert_eq!(out.deliveries.len(), 1);
        assert_eq!(out.deliveries[0].client, b);
        assert!(out.events.iter().any(|ev| matches!(
            &ev.kind,
            EventKind::EntriesDelivered { consumer, entries, .. }
                if consumer == b"z" && entries.len() == 4 && entries[0] == DeliveredEntry {
                    id: StreamId::new(1, 1),
                    delivery_count: 2,
                    source: DeliverySource::ClaimedIdle,
                }
        )));
        assert!(!e.is_blocked(b));
        let _ = c;
    }
}
