//! Property test of the stream commands against a model: random sequences of
//! XADD (explicit increasing ids, `ms-*`, and random ids that are often at or
//! below the top), XDEL, `XTRIM MAXLEN =`, `XTRIM MINID =`, XRANGE and
//! XREVRANGE (`-`, `+`, incomplete and `(` exclusive bounds, COUNT) run through
//! `Engine::execute`, checked after every step against a
//! `BTreeMap<(u64, u64), Vec<(field, value)>>`: each reply (the new id or the
//! exact error for an id at or below the last one, deletion and trim counts,
//! ranges), then XLEN and the whole `XRANGE - +`.
//!
//! `STREAMPLAY_MODEL_BACKEND=redis` runs the same cases against a real
//! redis-server instead, which checks the model itself.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::collections::BTreeMap;
use std::sync::Mutex;

use proptest::prelude::*;
use streamplay::engine::Reply;
use support::Backend;

type Id = (u64, u64);
type Fields = Vec<(Vec<u8>, Vec<u8>)>;

#[derive(Clone, Debug)]
enum Bound {
    Min,
    Max,
    /// `ms-seq`
    Full(Id),
    /// `ms` alone
    Ms(u64),
    /// `(ms-seq`
    Exclusive(Id),
}

#[derive(Clone, Debug)]
enum Op {
    /// Explicit id a little above the current top (or equal to it when both steps are 0).
    AddNext {
        ms_step: u64,
        seq: u64,
        fields: usize,
    },
    /// An explicit id anywhere in a small range.
    AddAt {
        id: Id,
        fields: usize,
    },
    /// `ms-*`, with ms a little above (or below) the top's.
    AddStar {
        ms_step: i64,
        fields: usize,
    },
    /// XDEL of existing ids (picked by index) and maybe a missing one.
    Del {
        picks: Vec<usize>,
        extra: Option<Id>,
    },
    TrimMaxlen(usize),
    TrimMinid(Id),
    Range {
        start: Bound,
        end: Bound,
        count: Option<i64>,
        rev: bool,
    },
}

fn bound() -> impl Strategy<Value = Bound> {
    prop_oneof![
        Just(Bound::Min),
        Just(Bound::Max),
        (0u64..40, 0u64..4).prop_map(Bound::Full),
        (0u64..40).prop_map(Bound::Ms),
        (0u64..40, 0u64..4).prop_map(Bound::Exclusive),
    ]
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        6 => (0u64..3, 0u64..3, 0usize..4).prop_map(|(ms_step, seq, fields)| Op::AddNext { ms_step, seq, fields }),
        2 => ((0u64..40, 0u64..4), 0usize..4).prop_map(|(id, fields)| Op::AddAt { id, fields }),
        2 => (-1i64..3, 0usize..4).prop_map(|(ms_step, fields)| Op::AddStar { ms_step, fields }),
        2 => (prop::collection::vec(0usize..1000, 1..4), prop::option::of((0u64..40, 0u64..4)))
            .prop_map(|(picks, extra)| Op::Del { picks, extra }),
        1 => (0usize..30).prop_map(Op::TrimMaxlen),
        1 => (0u64..40, 0u64..4).prop_map(Op::TrimMinid),
        3 => (bound(), bound(), prop::option::of(-1i64..6), any::<bool>())
            .prop_map(|(start, end, count, rev)| Op::Range { start, end, count, rev }),
    ]
}

/// The fields of an entry: a few shapes (shared names, other names, a duplicate).
fn fields(shape: usize, n: u64) -> Fields {
    let b = |s: &str| s.as_bytes().to_vec();
    match shape {
        0 => vec![
            (b("type"), b("signup")),
            (b("user_id"), n.to_string().into_bytes()),
        ],
        1 => vec![(b("f"), n.to_string().into_bytes())],
        2 => vec![(b("a"), b("")), (b("a"), b("x y"))],
        _ => vec![
            (b(""), (n * 1000).to_string().into_bytes()),
            (b("z"), b("-7")),
        ],
    }
}

fn id_text((ms, seq): Id) -> String {
    format!("{ms}-{seq}")
}

fn entry_reply(id: &Id, fields: &Fields) -> Reply {
    let mut flat = Vec::new();
    for (f, v) in fields {
        flat.push(Reply::Bulk(f.clone()));
        flat.push(Reply::Bulk(v.clone()));
    }
    Reply::Array(vec![
        Reply::Bulk(id_text(*id).into_bytes()),
        Reply::Array(flat),
    ])
}

#[derive(Default)]
struct Model {
    entries: BTreeMap<Id, Fields>,
    last: Id,
    /// The key exists (an emptied stream is not deleted).
    exists: bool,
}

const SMALLER: &str =
    "ERR The ID specified in XADD is equal or smaller than the target stream top item";
const ZERO: &str = "ERR The ID specified in XADD must be greater than 0-0";

impl Model {
    /// The reply XADD with this id must give, and the id it adds.
    fn add(&mut self, id: Id, fields: Fields) -> Reply {
        if id == (0, 0) {
            return Reply::error(ZERO);
        }
        if id <= self.last {
            return Reply::error(SMALLER);
        }
        self.entries.insert(id, fields);
        self.last = id;
        self.exists = true;
        Reply::Bulk(id_text(id).into_bytes())
    }

    fn range(&self, start: &Bound, end: &Bound, count: Option<i64>, rev: bool) -> Reply {
        let lo = match start {
            Bound::Min => Some((0, 0)),
            Bound::Max => Some((u64::MAX, u64::MAX)),
            Bound::Full(id) => Some(*id),
            Bound::Ms(ms) => Some((*ms, 0)),
            Bound::Exclusive((ms, seq)) => Some((*ms, seq + 1)),
        };
        let hi = match end {
            Bound::Min => Some((0, 0)),
            Bound::Max => Some((u64::MAX, u64::MAX)),
            Bound::Full(id) => Some(*id),
            Bound::Ms(ms) => Some((*ms, u64::MAX)),
            Bound::Exclusive((ms, seq)) => {
                if *seq > 0 {
                    Some((*ms, seq - 1))
                } else if *ms > 0 {
                    Some((ms - 1, u64::MAX))
                } else {
                    None
                }
            }
        };
        let Some(hi) = hi else {
            return Reply::error("ERR invalid end ID for the interval");
        };
        let lo = lo.unwrap();
        // Bounds are parsed first, then the key is looked up, then COUNT applies.
        if !self.exists {
            return Reply::Array(vec![]);
        }
        if matches!(count, Some(c) if c <= 0) {
            return Reply::NullArray;
        }
        if lo > hi {
            return Reply::Array(vec![]);
        }
        let limit = count.map_or(usize::MAX, |c| c as usize);
        let items: Vec<Reply> = if rev {
            self.entries
                .range(lo..=hi)
                .rev()
                .take(limit)
                .map(|(id, f)| entry_reply(id, f))
                .collect()
        } else {
            self.entries
                .range(lo..=hi)
                .take(limit)
                .map(|(id, f)| entry_reply(id, f))
                .collect()
        };
        Reply::Array(items)
    }
}

fn bound_text(b: &Bound) -> String {
    match b {
        Bound::Min => "-".into(),
        Bound::Max => "+".into(),
        Bound::Full(id) => id_text(*id),
        Bound::Ms(ms) => ms.to_string(),
        Bound::Exclusive(id) => format!("({}", id_text(*id)),
    }
}

fn xadd_argv(id: &str, fields: &Fields) -> Vec<Vec<u8>> {
    let mut argv = vec![b"XADD".to_vec(), b"s".to_vec(), id.as_bytes().to_vec()];
    for (f, v) in fields {
        argv.push(f.clone());
        argv.push(v.clone());
    }
    argv
}

static BACKEND: Mutex<Option<Backend>> = Mutex::new(None);

fn run_case(ops: &[Op]) -> Result<(), TestCaseError> {
    let mut guard = BACKEND.lock().unwrap_or_else(|e| e.into_inner());
    let backend = guard.get_or_insert_with(Backend::from_env);
    backend.cmd(&["FLUSHALL"]);
    let mut model = Model::default();
    for (step, op) in ops.iter().enumerate() {
        let n = step as u64;
        let (argv, want): (Vec<Vec<u8>>, Reply) = match op {
            Op::AddNext {
                ms_step,
                seq,
                fields: shape,
            } => {
                let id = (model.last.0 + ms_step, *seq);
                let f = fields(*shape, n);
                (xadd_argv(&id_text(id), &f), model.add(id, f))
            }
            Op::AddAt { id, fields: shape } => {
                let f = fields(*shape, n);
                (xadd_argv(&id_text(*id), &f), model.add(*id, f))
            }
            Op::AddStar {
                ms_step,
                fields: shape,
            } => {
                let ms = (model.last.0 as i64 + ms_step).max(0) as u64;
                let f = fields(*shape, n);
                let argv = xadd_argv(&format!("{ms}-*"), &f);
                let want = if ms < model.last.0 {
                    Reply::error(SMALLER)
                } else if ms == model.last.0 {
                    model.add((ms, model.last.1 + 1), f)
                } else {
                    model.add((ms, 0), f)
                };
                (argv, want)
            }
            Op::Del { picks, extra } => {
                let ids: Vec<Id> = model.entries.keys().copied().collect();
                let mut del: Vec<Id> = if ids.is_empty() {
                    vec![]
                } else {
                    picks.iter().map(|p| ids[p % ids.len()]).collect()
                };
                del.extend(extra.iter().copied());
                if del.is_empty() {
                    del.push((1, 0));
                }
                let mut argv = vec![b"XDEL".to_vec(), b"s".to_vec()];
                argv.extend(del.iter().map(|id| id_text(*id).into_bytes()));
                let removed = del
                    .iter()
                    .filter(|id| model.entries.remove(id).is_some())
                    .count();
                (argv, Reply::Integer(removed as i64))
            }
            Op::TrimMaxlen(max) => {
                let argv: Vec<Vec<u8>> = ["XTRIM", "s", "MAXLEN", "=", &max.to_string()]
                    .iter()
                    .map(|s| s.as_bytes().to_vec())
                    .collect();
                let mut removed = 0;
                while model.entries.len() > *max {
                    model.entries.pop_first();
                    removed += 1;
                }
                (argv, Reply::Integer(removed))
            }
            Op::TrimMinid(min) => {
                let argv: Vec<Vec<u8>> = ["XTRIM", "s", "MINID", "=", &id_text(*min)]
                    .iter()
                    .map(|s| s.as_bytes().to_vec())
                    .collect();
                let before = model.entries.len();
                model.entries = model.entries.split_off(min);
                (argv, Reply::Integer((before - model.entries.len()) as i64))
            }
            Op::Range {
                start,
                end,
                count,
                rev,
            } => {
                let mut argv = vec![
                    if *rev {
                        b"XREVRANGE".to_vec()
                    } else {
                        b"XRANGE".to_vec()
                    },
                    b"s".to_vec(),
                ];
                let (first, second) = if *rev { (end, start) } else { (start, end) };
                argv.push(bound_text(first).into_bytes());
                argv.push(bound_text(second).into_bytes());
                if let Some(c) = count {
                    argv.push(b"COUNT".to_vec());
                    argv.push(c.to_string().into_bytes());
                }
                (argv, model.range(start, end, *count, *rev))
            }
        };
        let got = backend.call(&argv);
        let shown: Vec<String> = argv
            .iter()
            .map(|a| String::from_utf8_lossy(a).into_owned())
            .collect();
        prop_assert_eq!(&got, &want, "step {}: {:?}", step, shown);
        let len = backend.cmd(&["XLEN", "s"]);
        prop_assert_eq!(
            len,
            Reply::Integer(model.entries.len() as i64),
            "XLEN after step {}: {:?}",
            step,
            shown
        );
        let all = backend.cmd(&["XRANGE", "s", "-", "+"]);
        let want_all = model.range(&Bound::Min, &Bound::Max, None, false);
        prop_assert_eq!(all, want_all, "XRANGE - + after step {}: {:?}", step, shown);
        let exists = backend.cmd(&["EXISTS", "s"]);
        prop_assert_eq!(
            exists,
            Reply::Integer(model.exists as i64),
            "EXISTS after step {}",
            step
        );
    }
    Ok(())
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 200, ..ProptestConfig::default() })]

    #[test]
    fn streams_follow_the_model(ops in prop::collection::vec(op(), 1..60)) {
        run_case(&ops)?;
    }
}
