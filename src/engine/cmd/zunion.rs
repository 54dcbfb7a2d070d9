//! ZUNIONSTORE / ZINTERSTORE dst numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX]
//! ZDIFFSTORE dst numkeys key [key ...]
//! ZUNION / ZINTER numkeys key [key ...] [WEIGHTS weight ...] [AGGREGATE SUM|MIN|MAX] [WITHSCORES]
//! ZDIFF numkeys key [key ...] [WITHSCORES], ZINTERCARD numkeys key [key ...] [LIMIT limit]
//!
//! Redis's `zunionInterDiffGenericCommand`: numkeys, the keys (each read; a key of another type
//! is WRONGTYPE at once), the options, then the sources sorted by size (a stable sort: sources of
//! equal size keep their order) for union and intersection. Scores are combined source by
//! source in that order, which decides float rounding and the sign of a zero; `weight * score`
//! and a SUM that are NaN (`inf * 0`, `inf + -inf`) become 0. A stored result gets the encoding
//! a new set of its size has.

use super::zhelpers::{arg_long, arg_positive_long, members_reply};
use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::Value;
use crate::engine::set::Set;
use crate::engine::zset::{parse_score, ZSet};
use crate::engine::Reply;

#[derive(Clone, Copy, PartialEq)]
enum Op {
    Union,
    Inter,
    Diff,
}

#[derive(Clone, Copy, PartialEq)]
enum Aggregate {
    Sum,
    Min,
    Max,
}

/// One input: a sorted set, a set (each member with score 1, in the set's own order, as
/// Redis reads it), or nothing for a missing key.
enum Source<'a> {
    Missing,
    ZSet(&'a ZSet),
    Set(&'a Set, Vec<Vec<u8>>),
}

impl Source<'_> {
    fn len(&self) -> usize {
        match self {
            Source::Missing => 0,
            Source::ZSet(z) => z.len(),
            Source::Set(s, _) => s.len(),
        }
    }

    fn members(&self) -> Box<dyn Iterator<Item = (&[u8], f64)> + '_> {
        match self {
            Source::Missing => Box::new(std::iter::empty()),
            Source::ZSet(z) => Box::new(z.iter().map(|(s, m)| (m, s))),
            Source::Set(_, members) => Box::new(members.iter().map(|m| (m.as_slice(), 1.0))),
        }
    }

    fn find(&self, member: &[u8]) -> Option<f64> {
        match self {
            Source::Missing => None,
            Source::ZSet(z) => z.score(member),
            Source::Set(s, _) => s.contains(member).then_some(1.0),
        }
    }
}

/// `zunionInterAggregate`.
fn aggregate(target: &mut f64, val: f64, how: Aggregate) {
    match how {
        Aggregate::Sum => {
            *target += val;
            if target.is_nan() {
                *target = 0.0;
            }
        }
        Aggregate::Min => *target = if val < *target { val } else { *target },
        Aggregate::Max => *target = if val > *target { val } else { *target },
    }
}

fn weighted(weight: f64, score: f64) -> f64 {
    let s = weight * score;
    if s.is_nan() {
        0.0
    } else {
        s
    }
}

pub(super) fn zunionstore(cx: &mut Cx) -> CmdResult {
    generic(cx, true, 2, Op::Union, false)
}

pub(super) fn zinterstore(cx: &mut Cx) -> CmdResult {
    generic(cx, true, 2, Op::Inter, false)
}

pub(super) fn zdiffstore(cx: &mut Cx) -> CmdResult {
    generic(cx, true, 2, Op::Diff, false)
}

pub(super) fn zunion(cx: &mut Cx) -> CmdResult {
    generic(cx, false, 1, Op::Union, false)
}

pub(super) fn zinter(cx: &mut Cx) -> CmdResult {
    generic(cx, false, 1, Op::Inter, false)
}

pub(super) fn zdiff(cx: &mut Cx) -> CmdResult {
    generic(cx, false, 1, Op::Diff, false)
}

pub(super) fn zintercard(cx: &mut Cx) -> CmdResult {
    generic(cx, false, 1, Op::Inter, true)
}

fn generic(cx: &mut Cx, store: bool, numkeys_idx: usize, op: Op, card_only: bool) -> CmdResult {
    let argv = cx.argv;
    let setnum = arg_long(&argv[numkeys_idx], None)?;
    if setnum < 1 {
        return Err(Error::Other(format!(
            "ERR at least 1 input key is needed for '{}' command",
            cx.spec.fullname
        )));
    }
    if setnum as u64 > (argv.len() - (numkeys_idx + 1)) as u64 {
        return Err(Error::Syntax);
    }
    let setnum = setnum as usize;
    let keys = &argv[numkeys_idx + 1..numkeys_idx + 1 + setnum];
    let now = cx.now_ms;
    for key in keys {
        cx.count_read_lookup(key);
        if let Some(e) = cx.db().get(key, now) {
            if !matches!(e.value, Value::ZSet(_) | Value::Set(_)) {
                return Err(Error::WrongType);
            }
        }
    }
    let mut weights = vec![1.0f64; setnum];
    let mut how = Aggregate::Sum;
    let mut withscores = false;
    let mut limit: i64 = 0;
    let mut j = numkeys_idx + 1 + setnum;
    while j < argv.len() {
        let remaining = argv.len() - j;
        let a = &argv[j];
        if op != Op::Diff && !card_only && remaining > setnum && is_kw(a, "weights") {
            j += 1;
            for w in weights.iter_mut() {
                *w = parse_score(&argv[j])
                    .ok_or_else(|| Error::Other("ERR weight value is not a float".into()))?;
                j += 1;
            }
        } else if op != Op::Diff && !card_only && remaining >= 2 && is_kw(a, "aggregate") {
            how = match &argv[j + 1] {
                x if is_kw(x, "sum") => Aggregate::Sum,
                x if is_kw(x, "min") => Aggregate::Min,
                x if is_kw(x, "max") => Aggregate::Max,
                _ => return Err(Error::Syntax),
            };
            j += 2;
        } else if !store && !card_only && is_kw(a, "withscores") {
            withscores = true;
            j += 1;
        } else if card_only && remaining >= 2 && is_kw(a, "limit") {
            limit = arg_positive_long(&argv[j + 1], Some("LIMIT can't be negative"))?;
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }

    let db = cx.db_index();
    let dbr = &cx.engine.dbs[db];
    let mut src: Vec<(Source, f64)> = keys
        .iter()
        .zip(&weights)
        .map(|(k, &w)| {
            let s = match dbr.peek_stored(k).map(|e| &e.value) {
                Some(Value::ZSet(z)) => Source::ZSet(z),
                Some(Value::Set(s)) => Source::Set(s, s.members()),
                _ => Source::Missing,
            };
            (s, w)
        })
        .collect();
    if op != Op::Diff {
        crate::vec_map::sort_by(&mut src, |a, b| a.0.len().cmp(&b.0.len()));
    }

    let mut result = ZSet::new_skiplist();
    let mut cardinality: i64 = 0;
    match op {
        Op::Inter => {
            if src[0].0.len() > 0 {
                'members: for (member, score) in src[0].0.members() {
                    let mut acc = weighted(src[0].1, score);
                    for (s, w) in &src[1..] {
                        match s.find(member) {
                            Some(v) => aggregate(&mut acc, v * w, how),
                            None => continue 'members,
                        }
                    }
                    if card_only {
                        cardinality += 1;
                        if limit > 0 && cardinality >= limit {
                            break;
                        }
                    } else {
                        result.add(acc, member.to_vec());
                    }
                }
            }
        }
        Op::Union => {
            // Members in the order first seen, each with its running score.
            let mut acc: std::collections::BTreeMap<&[u8], f64> = std::collections::BTreeMap::new();
            for (s, w) in &src {
                for (member, score) in s.members() {
                    let v = weighted(*w, score);
                    match acc.get_mut(member) {
                        Some(t) => aggregate(t, v, how),
                        None => {
                            acc.insert(member, v);
                        }
                    }
                }
            }
            for (member, score) in acc {
                result.add(score, member.to_vec());
            }
        }
        Op::Diff => {
            let first = &src[0].0;
            // Redis skips the work when another input is the first one itself.
            let same = keys[1..].iter().any(|k| *k == keys[0]);
            if !same {
                for (member, score) in first.members() {
                    if src[1..].iter().all(|(s, _)| s.find(member).is_none()) {
                        result.add(score, member.to_vec());
                    }
                }
            }
        }
    }

    if store {
        result.set_natural_encoding();
        let event = match op {
            Op::Union => "zunionstore",
            Op::Inter => "zinterstore",
            Op::Diff => "zdiffstore",
        };
        return Ok(cx.store_zset(&argv[1], result, event).into());
    }
    if card_only {
        return Ok(Reply::Integer(cardinality).into());
    }
    let (v8, resp3) = (cx.v8(), cx.resp3());
    Ok(members_reply(result.iter(), withscores, resp3, v8).into())
}
