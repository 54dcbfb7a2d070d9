//! SUNION key [key ...], SUNIONSTORE destination key [key ...], SDIFF key [key ...] and
//! SDIFFSTORE destination key [key ...].
//!
//! `sunionDiffGenericCommand`: every key is looked up (a missing one is an empty set,
//! another type WRONGTYPE), then the result is built as Redis builds it, by adding to a
//! new intset (so its encoding, which OBJECT ENCODING shows after a STORE, converts as
//! Redis's does): SDIFF picks Redis's algorithm by the same work estimate, since the
//! second one adds the whole first set before removing and so may convert the result.
//! A key given twice (the first one again) makes SDIFF empty.

use super::sets::{bulks, read_sets};
use super::{CmdResult, Cx};
use crate::engine::set::Set;
use crate::engine::Reply;

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Union,
    Diff,
}

/// The result set of `op` over `sets` (in key order; `same` when a later key names the
/// first set again).
fn combine(sets: &[Option<Set>], op: Op, same: bool, v8: bool) -> Set {
    let mut out = Set::default();
    let live = || sets.iter().flatten();
    match (op, sets.first()) {
        (Op::Union, _) => {
            for s in live() {
                for m in s.members() {
                    out.add(&m, v8);
                }
            }
        }
        (Op::Diff, Some(Some(first))) if !same => {
            let one = live().count() * first.len() / 2;
            let two: usize = live().map(Set::len).sum();
            if one <= two {
                for m in first.members() {
                    if !sets[1..].iter().flatten().any(|s| s.contains(&m)) {
                        out.add(&m, v8);
                    }
                }
            } else {
                for m in first.members() {
                    out.add(&m, v8);
                }
                for s in sets[1..].iter().flatten() {
                    if out.is_empty() {
                        break;
                    }
                    for m in s.members() {
                        out.remove(&m);
                    }
                }
            }
        }
        _ => {}
    }
    out
}

fn generic(cx: &mut Cx, op: Op, store: bool) -> CmdResult {
    let argv = cx.argv;
    let keys = &argv[1 + usize::from(store)..];
    let sets = read_sets(cx, keys)?;
    let same = keys[1..].iter().any(|k| *k == keys[0] && sets[0].is_some());
    let out = combine(&sets, op, same, cx.v8());
    if store {
        let event = if op == Op::Union {
            "sunionstore"
        } else {
            "sdiffstore"
        };
        return Ok(cx.store_set(&argv[1], out, event).into());
    }
    Ok(Reply::Set(bulks(out.members())).into())
}

pub(super) fn sunion(cx: &mut Cx) -> CmdResult {
    generic(cx, Op::Union, false)
}

pub(super) fn sunionstore(cx: &mut Cx) -> CmdResult {
    generic(cx, Op::Union, true)
}

pub(super) fn sdiff(cx: &mut Cx) -> CmdResult {
    generic(cx, Op::Diff, false)
}

pub(super) fn sdiffstore(cx: &mut Cx) -> CmdResult {
    generic(cx, Op::Diff, true)
}
