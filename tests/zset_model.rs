//! Sorted sets through the engine against a member → score model (proptest): random ZADD,
//! ZINCRBY, ZREM, ZPOPMIN/ZPOPMAX and ZREMRANGEBYRANK; after every command ZRANGE WITHSCORES,
//! ZCARD, ZRANK and the inspect API's key size agree with the model, and an engine loaded from
//! `Engine::save` and a clone answer exactly as the original.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;

use proptest::prelude::*;
use streamplay::engine::{Config, Engine, Profile, Reply};

#[derive(Debug, Clone)]
enum Op {
    Add(i16, u8),
    Incr(i16, u8),
    Rem(u8),
    Pop(bool, u8),
    RemRank(i8, i8),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        5 => (any::<i16>(), 0u8..200).prop_map(|(s, m)| Op::Add(s, m)),
        2 => (any::<i16>(), 0u8..200).prop_map(|(s, m)| Op::Incr(s, m)),
        2 => (0u8..200).prop_map(Op::Rem),
        1 => (any::<bool>(), 0u8..5).prop_map(|(max, n)| Op::Pop(max, n)),
        1 => (any::<i8>(), any::<i8>()).prop_map(|(a, b)| Op::RemRank(a, b)),
    ]
}

fn argv(parts: &[String]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.as_bytes().to_vec()).collect()
}

fn run(e: &mut Engine, c: streamplay::engine::ClientId, parts: &[String]) -> Reply {
    e.execute(c, argv(parts), 1_000).reply.expect("a reply")
}

fn s(x: &str) -> String {
    x.to_string()
}

/// The model's members in Redis's order.
fn sorted(model: &BTreeMap<String, f64>) -> Vec<(String, f64)> {
    let mut v: Vec<(String, f64)> = model.iter().map(|(m, s)| (m.clone(), *s)).collect();
    v.sort_by(|a, b| a.1.partial_cmp(&b.1).unwrap().then_with(|| a.0.cmp(&b.0)));
    v
}

proptest! {
    #![proptest_config(ProptestConfig::with_cases(48))]
    #[test]
    fn zsets_match_a_model(ops in proptest::collection::vec(op(), 1..250), v8 in any::<bool>()) {
        let profile = if v8 { Profile::V8 } else { Profile::V7 };
        let mut e = Engine::new(Config { profile, seed: 3, ..Config::default() });
        let c = e.connect(1_000);
        let mut model: BTreeMap<String, f64> = BTreeMap::new();
        for op in &ops {
            match op {
                Op::Add(sc, m) => {
                    run(&mut e, c, &[s("ZADD"), s("k"), sc.to_string(), format!("m{m}")]);
                    model.insert(format!("m{m}"), f64::from(*sc));
                }
                Op::Incr(sc, m) => {
                    run(&mut e, c, &[s("ZINCRBY"), s("k"), sc.to_string(), format!("m{m}")]);
                    *model.entry(format!("m{m}")).or_insert(0.0) += f64::from(*sc);
                }
                Op::Rem(m) => {
                    let r = run(&mut e, c, &[s("ZREM"), s("k"), format!("m{m}")]);
                    let was = model.remove(&format!("m{m}")).is_some();
                    prop_assert_eq!(r, Reply::Integer(i64::from(was)));
                }
                Op::Pop(max, n) => {
                    let name = if *max { "ZPOPMAX" } else { "ZPOPMIN" };
                    run(&mut e, c, &[s(name), s("k"), n.to_string()]);
                    let order = sorted(&model);
                    let take = (*n as usize).min(order.len());
                    let gone: Vec<_> = if *max {
                        order[order.len() - take..].to_vec()
                    } else {
                        order[..take].to_vec()
                    };
                    for (m, _) in gone {
                        model.remove(&m);
                    }
                }
                Op::RemRank(a, b) => {
                    run(&mut e, c, &[s("ZREMRANGEBYRANK"), s("k"), a.to_string(), b.to_string()]);
                    let order = sorted(&model);
                    let n = order.len() as i64;
                    let (mut a, mut b) = (i64::from(*a), i64::from(*b));
                    if a < 0 { a += n; }
                    if b < 0 { b += n; }
                    a = a.max(0);
                    if a <= b && a < n {
                        for (m, _) in &order[a as usize..=(b.min(n - 1) as usize)] {
                            model.remove(m);
                        }
                    }
                }
            }
            // Integer sums of i16 stay exact, so the engine's printed scores read back exactly.
            let want = sorted(&model);
            let got = run(&mut e, c, &[s("ZRANGE"), s("k"), s("0"), s("-1"), s("WITHSCORES")]);
            let Reply::Array(items) = got.to_resp2() else { panic!("not an array") };
            let got: Vec<(String, f64)> = items
                .chunks(2)
                .map(|p| match (&p[0], &p[1]) {
                    (Reply::Bulk(m), Reply::Bulk(sc)) => (
                        String::from_utf8(m.clone()).unwrap(),
                        std::str::from_utf8(sc).unwrap().parse().unwrap(),
                    ),
                    other => panic!("{other:?}"),
                })
                .collect();
            prop_assert_eq!(&got, &want);
            let card = run(&mut e, c, &[s("ZCARD"), s("k")]);
            prop_assert_eq!(card, Reply::Integer(want.len() as i64));
            if let Some((m, _)) = want.get(want.len() / 2) {
                let rank = run(&mut e, c, &[s("ZRANK"), s("k"), m.clone()]);
                prop_assert_eq!(rank, Reply::Integer((want.len() / 2) as i64));
            }
            let keys = e.inspect_keys(0, 1_000, 10);
            match keys.keys.iter().find(|k| k.name == b"k") {
                Some(k) => {
                    prop_assert_eq!(k.type_name.as_str(), "zset");
                    prop_assert_eq!(k.size, want.len() as u64);
                }
                None => prop_assert!(want.is_empty(), "an empty set's key is deleted"),
            }
        }
        // A saved and loaded engine, and a clone, answer as the original.
        let mut loaded = Engine::load(&e.save()).expect("loads");
        let mut cloned = e.clone();
        for parts in [
            vec![s("ZRANGE"), s("k"), s("0"), s("-1"), s("WITHSCORES")],
            vec![s("OBJECT"), s("ENCODING"), s("k")],
            vec![s("ZADD"), s("k"), s("7"), s("fresh")],
            vec![s("ZRANGE"), s("k"), s("-5"), s("-1"), s("WITHSCORES")],
            vec![s("MEMORY"), s("USAGE"), s("k")],
        ] {
            let want = run(&mut e, c, &parts);
            prop_assert_eq!(&run(&mut loaded, c, &parts), &want);
            prop_assert_eq!(&run(&mut cloned, c, &parts), &want);
        }
    }
}
