//! Property test of the hash and set commands against a model: random sequences of HSET,
//! HDEL, HINCRBY on one hash and SADD, SREM, SMOVE, SPOP with a count and the STORE set
//! operations on three sets, run through `Engine::execute` (profile 7.0) and checked after
//! every step against `Vec`/`BTreeSet` models: each reply, then HLEN, HGETALL (in
//! insertion order while the hash is a listpack), SCARD and SMEMBERS (sorted while the set
//! is an intset), and OBJECT ENCODING, whose conversions the model follows (a hash becomes
//! a hashtable past 512 fields or with a value over 64 bytes; a set past 512 members or
//! with a non-integer, and an SPOP that keeps few members rebuilds it).
//!
//! `STREAMPLAY_MODEL_BACKEND=redis` runs the same cases against a real redis-server
//! instead, which checks the model itself.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::BTreeSet;
use std::sync::Mutex;

use proptest::prelude::*;
use streamplay::engine::Reply;
use support::Backend;

const SETS: [&str; 3] = ["s0", "s1", "s2"];

#[derive(Clone, Debug)]
enum Op {
    /// HSET of fields `f<n>` with values (a long one when `long`).
    Hset {
        fields: Vec<u8>,
        long: bool,
    },
    Hdel {
        fields: Vec<u8>,
    },
    Hincrby {
        field: u8,
        by: i8,
    },
    /// SADD of members: small integers, or `m<n>` when `text`; `many` adds 0..many
    /// instead (around the 512 integers an intset holds).
    Sadd {
        set: usize,
        members: Vec<u8>,
        text: bool,
        many: Option<u16>,
    },
    Srem {
        set: usize,
        members: Vec<u8>,
    },
    Smove {
        from: usize,
        to: usize,
        member: u8,
    },
    Spop {
        set: usize,
        count: u16,
    },
    /// SINTERSTORE (0), SUNIONSTORE (1) or SDIFFSTORE (2) into `dst` from two sets.
    Store {
        op: u8,
        dst: usize,
        a: usize,
        b: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let set = 0..3usize;
    prop_oneof![
        4 => (prop::collection::vec(0..40u8, 1..5), prop::bool::weighted(0.05))
            .prop_map(|(fields, long)| Op::Hset { fields, long }),
        2 => prop::collection::vec(0..40u8, 1..4).prop_map(|fields| Op::Hdel { fields }),
        1 => (0..40u8, any::<i8>()).prop_map(|(field, by)| Op::Hincrby { field, by }),
        5 => (set.clone(), prop::collection::vec(0..40u8, 1..5), prop::bool::weighted(0.1),
              prop::option::weighted(0.04, 505..516u16))
            .prop_map(|(set, members, text, many)| Op::Sadd { set, members, text, many }),
        3 => (set.clone(), prop::collection::vec(0..40u8, 1..4))
            .prop_map(|(set, members)| Op::Srem { set, members }),
        1 => (set.clone(), set.clone(), 0..40u8)
            .prop_map(|(from, to, member)| Op::Smove { from, to, member }),
        1 => (set.clone(), 0..700u16).prop_map(|(set, count)| Op::Spop { set, count }),
        1 => (0..3u8, set.clone(), set.clone(), set)
            .prop_map(|(op, dst, a, b)| Op::Store { op, dst, a, b }),
    ]
}

fn b(s: impl AsRef<[u8]>) -> Vec<u8> {
    s.as_ref().to_vec()
}

/// The hash: pairs in insertion order (the listpack's order), and whether it is a hashtable.
#[derive(Default)]
struct HashModel {
    pairs: Vec<(Vec<u8>, Vec<u8>)>,
    table: bool,
}

/// A set and its encoding: `Some(true)` a hashtable, `Some(false)` an intset, `None`
/// unknown (a STORE result, whose encoding depends on Redis's algorithm).
#[derive(Default)]
struct SetModel {
    members: BTreeSet<Vec<u8>>,
    table: Option<bool>,
}

fn is_int(m: &[u8]) -> bool {
    streamplay::engine::num::string2ll(m).is_some()
}

/// Members in intset order (numeric) when they are all integers, else byte order.
fn sorted(members: impl IntoIterator<Item = Vec<u8>>) -> Vec<Vec<u8>> {
    let mut v: Vec<Vec<u8>> = members.into_iter().collect();
    if v.iter().all(|m| is_int(m)) {
        v.sort_by_key(|m| streamplay::engine::num::string2ll(m));
    } else {
        v.sort();
    }
    v
}

/// Every bulk string of a reply (arrays, sets, maps flattened).
fn flat(r: &Reply) -> Vec<Vec<u8>> {
    match r {
        Reply::Bulk(b) => vec![b.clone()],
        Reply::Array(items) | Reply::Set(items) => items.iter().flat_map(flat).collect(),
        Reply::Map(p) => p
            .iter()
            .flat_map(|(k, v)| [flat(k), flat(v)].concat())
            .collect(),
        _ => Vec::new(),
    }
}

static BACKEND: Mutex<Option<Backend>> = Mutex::new(None);

fn run_case(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut guard = BACKEND.lock().unwrap_or_else(|e| e.into_inner());
    let be = guard.get_or_insert_with(Backend::from_env);
    be.cmd(&["FLUSHALL"]);
    let mut hash = HashModel::default();
    let mut sets: [SetModel; 3] = Default::default();
    for op in ops {
        match op {
            Op::Hset { fields, long } => {
                let mut argv = vec![b("HSET"), b("h")];
                let mut created = 0;
                for (i, f) in fields.iter().enumerate() {
                    let field = b(format!("f{f}"));
                    let value = if *long && i == 0 {
                        vec![b'v'; 65]
                    } else {
                        b(format!("v{f}"))
                    };
                    hash.table |= value.len() > 64;
                    match hash.pairs.iter_mut().find(|(k, _)| *k == field) {
                        Some((_, v)) => *v = value.clone(),
                        None => {
                            hash.pairs.push((field.clone(), value.clone()));
                            created += 1;
                        }
                    }
                    argv.extend([field, value]);
                }
                hash.table |= hash.pairs.len() > 512;
                prop_assert_eq!(be.call(&argv), Reply::Integer(created), "{:?}", op);
            }
            Op::Hdel { fields } => {
                let mut argv = vec![b("HDEL"), b("h")];
                let mut n = 0;
                for f in fields {
                    let field = b(format!("f{f}"));
                    if let Some(i) = hash.pairs.iter().position(|(k, _)| *k == field) {
                        hash.pairs.remove(i);
                        n += 1;
                    }
                    argv.push(field);
                }
                if hash.pairs.is_empty() {
                    hash.table = false;
                }
                prop_assert_eq!(be.call(&argv), Reply::Integer(n), "{:?}", op);
            }
            Op::Hincrby { field, by } => {
                let f = b(format!("n{field}"));
                let old = hash
                    .pairs
                    .iter()
                    .find(|(k, _)| *k == f)
                    .map(|(_, v)| v.clone());
                let want = match old.as_deref().map(std::str::from_utf8) {
                    None => Reply::Integer(i64::from(*by)),
                    Some(Ok(s)) => Reply::Integer(s.parse::<i64>().unwrap() + i64::from(*by)),
                    Some(Err(_)) => unreachable!("the model only stores text"),
                };
                if let Reply::Integer(n) = want {
                    let v = b(n.to_string());
                    match hash.pairs.iter_mut().find(|(k, _)| *k == f) {
                        Some((_, old)) => *old = v,
                        None => hash.pairs.push((f.clone(), v)),
                    }
                }
                hash.table |= hash.pairs.len() > 512;
                let got = be.call(&[b("HINCRBY"), b("h"), f, b(by.to_string())]);
                prop_assert_eq!(got, want, "{:?}", op);
            }
            Op::Sadd {
                set,
                members,
                text,
                many,
            } => {
                let s = &mut sets[*set];
                let list: Vec<Vec<u8>> = if let Some(n) = many {
                    (0..*n).map(|i| b(i.to_string())).collect()
                } else if *text {
                    members.iter().map(|m| b(format!("m{m}"))).collect()
                } else {
                    members.iter().map(|m| b(m.to_string())).collect()
                };
                if s.members.is_empty() {
                    s.table = Some(false);
                }
                let added = list
                    .iter()
                    .filter(|m| s.members.insert((*m).clone()))
                    .count();
                if list.iter().any(|m| !is_int(m)) || s.members.len() > 512 {
                    s.table = Some(true);
                }
                let mut argv = vec![b("SADD"), b(SETS[*set])];
                argv.extend(list);
                prop_assert_eq!(be.call(&argv), Reply::Integer(added as i64), "{:?}", op);
            }
            Op::Srem { set, members } => {
                let s = &mut sets[*set];
                let mut argv = vec![b("SREM"), b(SETS[*set])];
                let mut n = 0;
                for m in members {
                    let m = b(m.to_string());
                    if s.members.remove(&m) {
                        n += 1;
                    }
                    argv.push(m);
                }
                prop_assert_eq!(be.call(&argv), Reply::Integer(n), "{:?}", op);
            }
            Op::Smove { from, to, member } => {
                let m = b(member.to_string());
                let moved = if from == to {
                    sets[*from].members.contains(&m)
                } else if sets[*from].members.remove(&m) {
                    if sets[*to].members.is_empty() {
                        sets[*to].table = Some(false);
                    }
                    sets[*to].members.insert(m.clone());
                    if sets[*to].members.len() > 512 {
                        sets[*to].table = Some(true);
                    }
                    true
                } else {
                    false
                };
                let got = be.call(&[b("SMOVE"), b(SETS[*from]), b(SETS[*to]), m]);
                prop_assert_eq!(got, Reply::Integer(moved.into()), "{:?}", op);
            }
            Op::Spop { set, count } => {
                let s = &mut sets[*set];
                let size = s.members.len();
                let got = be.call(&[b("SPOP"), b(SETS[*set]), b(count.to_string())]);
                let popped = flat(&got);
                prop_assert_eq!(popped.len(), (*count as usize).min(size), "{:?}", op);
                for m in &popped {
                    prop_assert!(s.members.remove(m), "{:?} popped {:?}, not a member", op, m);
                }
                let count = *count as usize;
                let remaining = s.members.len();
                // Redis rebuilds the set when few members stay: an intset again when
                // they are all integers.
                if count < size && remaining * 5 <= count {
                    s.table = Some(!s.members.iter().all(|m| is_int(m)));
                }
            }
            Op::Store {
                op: kind,
                dst,
                a,
                b: other,
            } => {
                let (x, y) = (&sets[*a].members, &sets[*other].members);
                let result: BTreeSet<Vec<u8>> = match kind {
                    0 => x.intersection(y).cloned().collect(),
                    1 => x.union(y).cloned().collect(),
                    _ if a == other => BTreeSet::new(),
                    _ => x.difference(y).cloned().collect(),
                };
                let name = ["SINTERSTORE", "SUNIONSTORE", "SDIFFSTORE"][*kind as usize];
                let got = be.call(&[b(name), b(SETS[*dst]), b(SETS[*a]), b(SETS[*other])]);
                prop_assert_eq!(got, Reply::Integer(result.len() as i64), "{:?}", op);
                // The result's encoding depends on Redis's algorithm; only its members are
                // modelled.
                sets[*dst] = SetModel {
                    members: result,
                    table: None,
                };
            }
        }
        // The whole state after every step.
        let len = be.cmd(&["HLEN", "h"]);
        prop_assert_eq!(
            len,
            Reply::Integer(hash.pairs.len() as i64),
            "after {:?}",
            op
        );
        let all = flat(&be.cmd(&["HGETALL", "h"]));
        let mut want: Vec<Vec<u8>> = hash
            .pairs
            .iter()
            .flat_map(|(f, v)| [f.clone(), v.clone()])
            .collect();
        if hash.table {
            let mut got: Vec<(Vec<u8>, Vec<u8>)> = all
                .chunks(2)
                .map(|c| (c[0].clone(), c[1].clone()))
                .collect();
            got.sort();
            let mut pairs = hash.pairs.clone();
            pairs.sort();
            prop_assert_eq!(got, pairs, "HGETALL after {:?}", op);
        } else {
            prop_assert_eq!(std::mem::take(&mut want), all, "HGETALL after {:?}", op);
        }
        let enc = match (hash.pairs.is_empty(), hash.table) {
            (true, _) => Reply::Null,
            (false, true) => Reply::Bulk(b("hashtable")),
            (false, false) => Reply::Bulk(b("listpack")),
        };
        prop_assert_eq!(be.cmd(&["OBJECT", "ENCODING", "h"]), enc, "after {:?}", op);
        for (i, s) in sets.iter_mut().enumerate() {
            if s.members.is_empty() {
                s.table = Some(false);
            }
            let card = be.cmd(&["SCARD", SETS[i]]);
            prop_assert_eq!(
                card,
                Reply::Integer(s.members.len() as i64),
                "after {:?}",
                op
            );
            let members = flat(&be.cmd(&["SMEMBERS", SETS[i]]));
            let encoding = be.cmd(&["OBJECT", "ENCODING", SETS[i]]);
            if encoding == Reply::Bulk(b("intset")) {
                prop_assert_eq!(
                    &members,
                    &sorted(s.members.iter().cloned()),
                    "after {:?}",
                    op
                );
            } else {
                let mut got = members.clone();
                got.sort();
                prop_assert_eq!(
                    got,
                    s.members.iter().cloned().collect::<Vec<_>>(),
                    "after {:?}",
                    op
                );
            }
            let want = match (s.members.is_empty(), s.table) {
                (true, _) => Some(Reply::Null),
                (false, Some(true)) => Some(Reply::Bulk(b("hashtable"))),
                (false, Some(false)) => Some(Reply::Bulk(b("intset"))),
                (false, None) => None,
            };
            if let Some(want) = want {
                prop_assert_eq!(encoding, want, "set {} after {:?}", i, op);
            }
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn hashes_and_sets_follow_the_model(ops in prop::collection::vec(op(), 1..60)) {
        run_case(&ops)?;
    }
}
