//! Property test of the list commands against a model: random sequences of
//! LPUSH/RPUSH, LPOP/RPOP (with counts), LSET, LINSERT, LREM, LTRIM, LMOVE,
//! LMPOP and BLPOP (on a non-empty list, so it answers at once) over two keys,
//! run through `Engine::execute` and checked after every step against a
//! `VecDeque` per key: each reply, then LLEN, `LRANGE 0 -1`, LINDEX of a few
//! indexes, LPOS and EXISTS (an emptied list is deleted).
//!
//! `STREAMPLAY_MODEL_BACKEND=redis` runs the same cases against a real
//! redis-server instead, which checks the model itself.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::VecDeque;

use proptest::prelude::*;
use streamplay::engine::Reply;
use support::Backend;

const KEYS: [&str; 2] = ["a", "b"];

#[derive(Clone, Debug)]
enum Op {
    Push {
        key: usize,
        left: bool,
        values: Vec<u8>,
    },
    Pop {
        key: usize,
        left: bool,
        count: Option<usize>,
    },
    Set {
        key: usize,
        index: i64,
        value: u8,
    },
    Insert {
        key: usize,
        before: bool,
        pivot: u8,
        value: u8,
    },
    Rem {
        key: usize,
        count: i64,
        value: u8,
    },
    Trim {
        key: usize,
        start: i64,
        stop: i64,
    },
    Move {
        from: usize,
        to: usize,
        from_left: bool,
        to_left: bool,
    },
    Mpop {
        left: bool,
        count: usize,
    },
    Blpop {
        key: usize,
    },
}

fn op() -> impl Strategy<Value = Op> {
    let key = 0..2usize;
    let small = -6i64..6;
    prop_oneof![
        4 => (key.clone(), any::<bool>(), prop::collection::vec(0u8..5, 1..5))
            .prop_map(|(key, left, values)| Op::Push { key, left, values }),
        2 => (key.clone(), any::<bool>(), prop::option::of(0usize..4))
            .prop_map(|(key, left, count)| Op::Pop { key, left, count }),
        1 => (key.clone(), small.clone(), 0u8..5).prop_map(|(key, index, value)| Op::Set { key, index, value }),
        1 => (key.clone(), any::<bool>(), 0u8..5, 0u8..5)
            .prop_map(|(key, before, pivot, value)| Op::Insert { key, before, pivot, value }),
        1 => (key.clone(), -3i64..3, 0u8..5).prop_map(|(key, count, value)| Op::Rem { key, count, value }),
        1 => (key.clone(), small.clone(), small).prop_map(|(key, start, stop)| Op::Trim { key, start, stop }),
        2 => (key.clone(), key.clone(), any::<bool>(), any::<bool>())
            .prop_map(|(from, to, from_left, to_left)| Op::Move { from, to, from_left, to_left }),
        1 => (any::<bool>(), 1usize..4).prop_map(|(left, count)| Op::Mpop { left, count }),
        1 => key.prop_map(|key| Op::Blpop { key }),
    ]
}

fn v(x: u8) -> Vec<u8> {
    format!("v{x}").into_bytes()
}

fn bulk(x: &[u8]) -> Reply {
    Reply::Bulk(x.to_vec())
}

fn array(items: impl IntoIterator<Item = Vec<u8>>) -> Reply {
    Reply::Array(items.into_iter().map(|x| bulk(&x)).collect())
}

/// Redis's index arithmetic: a position for an index, if in range.
fn position(len: usize, index: i64) -> Option<usize> {
    let i = if index < 0 { len as i64 + index } else { index };
    (0..len as i64).contains(&i).then_some(i as usize)
}

fn pop_n(list: &mut VecDeque<Vec<u8>>, left: bool, n: usize) -> Vec<Vec<u8>> {
    (0..n)
        .map_while(|_| {
            if left {
                list.pop_front()
            } else {
                list.pop_back()
            }
        })
        .collect()
}

/// Runs one op on the backend and the model; returns the command and whether the replies agree.
fn step(
    backend: &mut Backend,
    lists: &mut [VecDeque<Vec<u8>>; 2],
    op: &Op,
) -> (Vec<Vec<u8>>, Reply, Reply) {
    let s = |x: &str| x.as_bytes().to_vec();
    let end = |left: bool| s(if left { "LEFT" } else { "RIGHT" });
    let (argv, want) = match op {
        Op::Push { key, left, values } => {
            let mut argv = vec![s(if *left { "LPUSH" } else { "RPUSH" }), s(KEYS[*key])];
            for &x in values {
                argv.push(v(x));
                if *left {
                    lists[*key].push_front(v(x));
                } else {
                    lists[*key].push_back(v(x));
                }
            }
            (argv, Reply::Integer(lists[*key].len() as i64))
        }
        Op::Pop { key, left, count } => {
            let mut argv = vec![s(if *left { "LPOP" } else { "RPOP" }), s(KEYS[*key])];
            let l = &mut lists[*key];
            let want = match count {
                None if l.is_empty() => Reply::Null,
                None => bulk(&pop_n(l, *left, 1)[0]),
                Some(_) if l.is_empty() => Reply::NullArray,
                Some(n) => array(pop_n(l, *left, *n)),
            };
            if let Some(n) = count {
                argv.push(n.to_string().into_bytes());
            }
            (argv, want)
        }
        Op::Set { key, index, value } => {
            let argv = vec![
                s("LSET"),
                s(KEYS[*key]),
                index.to_string().into_bytes(),
                v(*value),
            ];
            let l = &mut lists[*key];
            let want = if l.is_empty() {
                Reply::Error(s("ERR no such key"))
            } else if let Some(i) = position(l.len(), *index) {
                l[i] = v(*value);
                Reply::Simple(s("OK"))
            } else {
                Reply::Error(s("ERR index out of range"))
            };
            (argv, want)
        }
        Op::Insert {
            key,
            before,
            pivot,
            value,
        } => {
            let side = s(if *before { "BEFORE" } else { "AFTER" });
            let argv = vec![s("LINSERT"), s(KEYS[*key]), side, v(*pivot), v(*value)];
            let l = &mut lists[*key];
            let want = if l.is_empty() {
                Reply::Integer(0)
            } else if let Some(i) = l.iter().position(|x| *x == v(*pivot)) {
                l.insert(if *before { i } else { i + 1 }, v(*value));
                Reply::Integer(l.len() as i64)
            } else {
                Reply::Integer(-1)
            };
            (argv, want)
        }
        Op::Rem { key, count, value } => {
            let argv = vec![
                s("LREM"),
                s(KEYS[*key]),
                count.to_string().into_bytes(),
                v(*value),
            ];
            let l = &mut lists[*key];
            let limit = if *count == 0 {
                usize::MAX
            } else {
                count.unsigned_abs() as usize
            };
            let mut order: Vec<usize> = (0..l.len()).collect();
            if *count < 0 {
                order.reverse();
            }
            let mut hits: Vec<usize> = order
                .into_iter()
                .filter(|&i| l[i] == v(*value))
                .take(limit)
                .collect();
            hits.sort_unstable();
            for &i in hits.iter().rev() {
                l.remove(i);
            }
            (argv, Reply::Integer(hits.len() as i64))
        }
        Op::Trim { key, start, stop } => {
            let argv = vec![
                s("LTRIM"),
                s(KEYS[*key]),
                start.to_string().into_bytes(),
                stop.to_string().into_bytes(),
            ];
            let l = &mut lists[*key];
            let len = l.len() as i64;
            let st = if *start < 0 {
                (len + start).max(0)
            } else {
                *start
            };
            let en = if *stop < 0 {
                len + stop
            } else {
                (*stop).min(len - 1)
            };
            if st > en || st >= len {
                l.clear();
            } else {
                l.truncate(en as usize + 1);
                l.drain(..st as usize);
            }
            (argv, Reply::Simple(s("OK")))
        }
        Op::Move {
            from,
            to,
            from_left,
            to_left,
        } => {
            let argv = vec![
                s("LMOVE"),
                s(KEYS[*from]),
                s(KEYS[*to]),
                end(*from_left),
                end(*to_left),
            ];
            let want = match pop_n(&mut lists[*from], *from_left, 1).pop() {
                None => Reply::Null,
                Some(x) => {
                    if *to_left {
                        lists[*to].push_front(x.clone());
                    } else {
                        lists[*to].push_back(x.clone());
                    }
                    bulk(&x)
                }
            };
            (argv, want)
        }
        Op::Mpop { left, count } => {
            let argv = vec![
                s("LMPOP"),
                s("2"),
                s("a"),
                s("b"),
                end(*left),
                s("COUNT"),
                count.to_string().into_bytes(),
            ];
            let want = match (0..2).find(|&k| !lists[k].is_empty()) {
                None => Reply::NullArray,
                Some(k) => Reply::Array(vec![
                    bulk(KEYS[k].as_bytes()),
                    array(pop_n(&mut lists[k], *left, *count)),
                ]),
            };
            (argv, want)
        }
        Op::Blpop { key } => {
            // Only on a list with elements: an empty one would block.
            if lists[*key].is_empty() {
                return (
                    vec![s("PING")],
                    Reply::Simple(s("PONG")),
                    Reply::Simple(s("PONG")),
                );
            }
            let argv = vec![s("BLPOP"), s("nothing"), s(KEYS[*key]), s("0")];
            let x = lists[*key].pop_front().unwrap();
            (
                argv,
                Reply::Array(vec![bulk(KEYS[*key].as_bytes()), bulk(&x)]),
            )
        }
    };
    let got = backend.call(&argv);
    (argv, want, got)
}

fn run_case(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut backend = Backend::from_env();
    backend.cmd(&["FLUSHALL"]);
    let mut lists: [VecDeque<Vec<u8>>; 2] = Default::default();
    for (n, op) in ops.iter().enumerate() {
        let (argv, want, got) = step(&mut backend, &mut lists, op);
        let shown: Vec<String> = argv
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        prop_assert_eq!(got, want, "step {}: {:?}", n, shown);
        for (k, l) in lists.iter().enumerate() {
            let key = KEYS[k];
            prop_assert_eq!(
                backend.cmd(&["LLEN", key]),
                Reply::Integer(l.len() as i64),
                "LLEN {} after step {}",
                key,
                n
            );
            prop_assert_eq!(
                backend.cmd(&["LRANGE", key, "0", "-1"]),
                array(l.iter().cloned()),
                "LRANGE {} after step {}",
                key,
                n
            );
            prop_assert_eq!(
                backend.cmd(&["EXISTS", key]),
                Reply::Integer(i64::from(!l.is_empty())),
                "EXISTS {} after step {}",
                key,
                n
            );
            for i in [-1i64, 0, 2] {
                let want = position(l.len(), i).map_or(Reply::Null, |p| bulk(&l[p]));
                prop_assert_eq!(
                    backend.cmd(&["LINDEX", key, &i.to_string()]),
                    want,
                    "LINDEX {} {} after step {}",
                    key,
                    i,
                    n
                );
            }
            let first = l
                .iter()
                .position(|x| *x == v(1))
                .map_or(Reply::Null, |p| Reply::Integer(p as i64));
            prop_assert_eq!(
                backend.cmd(&["LPOS", key, "v1"]),
                first,
                "LPOS {} after step {}",
                key,
                n
            );
        }
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn lists_follow_the_model(ops in prop::collection::vec(op(), 1..60)) {
        run_case(&ops)?;
    }
}
