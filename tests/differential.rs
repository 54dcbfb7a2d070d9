//! Differential tests: the same multi-client scripts run against a real
//! redis-server and `streamplay-server` in the matching profile, twice: Debian's
//! redis-server 7.0.15 against `--profile 7.0`, and Redis 8.0.2 (`.redis8/`) against
//! `--profile 8` (Redis 8.4). Every frame is compared byte for byte, except where the
//! committed rules table (tests/differential/rules.txt) says how a reply that cannot be
//! equal is compared; a rule can hold for one profile only.
//!
//! Script format (tests/differential/*.txt), one step a line:
//! - `A> line`: connection A (opened on first use) sends the line (split as
//!   redis-cli splits it) and reads one reply;
//! - `A>& line`: sends without reading (a command that blocks or answers only
//!   with frames);
//! - `A< n`: reads n more frames on A (pushes, a served block, a timeout); when a
//!   group rule matches `< n after <the last line A sent>` (`< 4 after PUNSUBSCRIBE`),
//!   the n frames are compared as a group under it;
//! - `A<~ n label`: reads n frames on A as a group, compared under the rule
//!   for `<~ n label` (`frames-set`, `names-set`: for pushes Redis sends in
//!   hash order);
//! - `A>+n line`: sends the line and reads its reply and n more frames as a
//!   group, compared under the rule for `>+n line` (`exec-self-push`);
//! - `@sleep ms`: waits (for timeouts that run on the wall clock);
//! - `{A}` in a command line stands for connection A's client id (the first
//!   connection a script opens is client 4 against 7.0.15 and 5 against 8.0.2,
//!   whose start-up makes one more client of its own);
//! - `@profiles 7.0` or `@profiles 8`: the script runs in that profile only (a
//!   script without it runs in both); a step written `[7.0] A> ...` or `[8] A> ...`
//!   runs in that profile only (where the two servers' versions part ways);
//! - `# ...`: a comment.
//!
//! Each script runs twice: with every connection in RESP2, and with every
//! connection switched to RESP3 by `HELLO 3` as soon as it opens.

#![cfg(not(target_arch = "wasm32"))]

use std::collections::BTreeMap;
use std::io::{Read, Write};
use std::net::TcpStream;
use std::path::{Path, PathBuf};

use std::time::Duration;

use streamplay::cli::split::split_args;
use streamplay::engine::{glob, resp, Protocol, Reply};

mod support;
use support::{start_engine, start_real, Version};

/// A client connection that reads whole RESP frames.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
}

impl Conn {
    fn open(port: u16) -> Conn {
        let stream = TcpStream::connect(("127.0.0.1", port)).unwrap();
        stream
            .set_read_timeout(Some(Duration::from_secs(5)))
            .unwrap();
        stream.set_nodelay(true).unwrap();
        Conn {
            stream,
            buf: Vec::new(),
        }
    }

    fn send(&mut self, argv: &[Vec<u8>]) {
        let mut out = format!("*{}\r\n", argv.len()).into_bytes();
        for a in argv {
            out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
            out.extend_from_slice(a);
            out.extend_from_slice(b"\r\n");
        }
        // A closed connection (after QUIT) shows up when the next frame is read.
        let _ = self.stream.write_all(&out);
    }

    /// Reads one frame: its bytes and its parsed value. A closed connection or
    /// a timeout is reported as a pseudo-frame so the two servers can still be
    /// compared.
    fn frame(&mut self) -> (Vec<u8>, Option<Reply>) {
        loop {
            match resp::parse(&self.buf) {
                Ok((reply, used)) => {
                    let bytes = self.buf.drain(..used).collect();
                    return (bytes, Some(reply));
                }
                Err(resp::ParseError::Invalid(e)) => {
                    return (format!("<invalid: {e}>").into_bytes(), None)
                }
                Err(resp::ParseError::Incomplete) => {}
            }
            let mut chunk = [0u8; 65536];
            match self.stream.read(&mut chunk) {
                Ok(0) => return (b"<connection closed>".to_vec(), None),
                Ok(n) => self.buf.extend_from_slice(&chunk[..n]),
                // A connection the server closed reads as EOF or, when a request
                // was written after the close, as a reset: both are "closed".
                Err(e)
                    if matches!(
                        e.kind(),
                        std::io::ErrorKind::ConnectionReset
                            | std::io::ErrorKind::ConnectionAborted
                            | std::io::ErrorKind::BrokenPipe
                    ) =>
                {
                    return (b"<connection closed>".to_vec(), None)
                }
                Err(_) => return (b"<no frame>".to_vec(), None),
            }
        }
    }
}

#[derive(Debug)]
enum Rule {
    Exact,
    Mask(Vec<Vec<u8>>),
    Times(Vec<Vec<u8>>),
    Column(usize),
    Subset,
    Set,
    Map,
    Shape,
    /// Same RESP type at the top level.
    Kind,
    Commands,
    Scan,
    InfoFields(Vec<String>),
    KvLines(Vec<String>),
    FramesSet,
    NamesSet,
    ExecSelfPush,
    Sample(Vec<Vec<u8>>),
    /// `entries-read-clamped <rule>`: as the inner rule, except for a consumer group
    /// whose entries-read is lower in the engine than in the real reply (Redis 8.2.2+
    /// caps ENTRIESREAD at the stream's entries-added; 8.0.2 keeps what was given):
    /// that group's entries-read and lag are not compared.
    Clamped(Box<Rule>),
    /// `absent`: something Redis 8.2-8.4 added, which Redis 8.0.2 lacks: the real reply
    /// is an error (unknown command, syntax) or nothing but nils and empty aggregates
    /// (COMMAND INFO/DOCS of an unknown command), and the engine's is neither.
    Absent,
    /// `without <name>,<name> <rule>`: the named commands are left out of the engine's
    /// COMMAND INFO / DOCS / LIST reply, then `<rule>` compares.
    Without(Vec<Vec<u8>>, Box<Rule>),
}

/// The rules of the table that hold in `version`: a pattern written `[7.0] pattern` or
/// `[8] pattern` holds in that profile only, any other in both.
fn load_rules(version: Version) -> Vec<(String, Rule)> {
    let text = std::fs::read_to_string(dir().join("rules.txt")).unwrap();
    let mut rules = Vec::new();
    for line in text
        .lines()
        .map(str::trim)
        .filter(|l| !l.is_empty() && !l.starts_with('#'))
    {
        // Columns are separated by two or more spaces.
        let cols: Vec<&str> = line
            .split("  ")
            .map(str::trim)
            .filter(|c| !c.is_empty())
            .collect();
        let (pattern, rule) = (cols[0], cols[1]);
        let pattern = match pattern.strip_prefix('[').and_then(|p| p.split_once("] ")) {
            Some((profile, rest)) if profile == version.profile() => rest,
            Some(("7.0" | "8", _)) => continue,
            Some((other, _)) => panic!("unknown profile [{other}] in rules.txt"),
            None => pattern,
        };
        let mut words = rule.split_whitespace();
        let clamped = rule.starts_with("entries-read-clamped ");
        if clamped {
            words.next();
        }
        let without: Option<Vec<Vec<u8>>> = rule.starts_with("without ").then(|| {
            words.next();
            words
                .next()
                .expect("without <names>")
                .split(',')
                .map(|n| n.as_bytes().to_vec())
                .collect()
        });
        let rule = match words.next() {
            Some("exact") => Rule::Exact,
            Some("mask") => Rule::Mask(words.map(|w| w.as_bytes().to_vec()).collect()),
            Some("column") => Rule::Column(
                words
                    .next()
                    .and_then(|w| w.parse().ok())
                    .expect("column <index>"),
            ),
            Some("times") => Rule::Times(words.map(|w| w.as_bytes().to_vec()).collect()),
            Some("subset") => Rule::Subset,
            Some("set") => Rule::Set,
            Some("map") => Rule::Map,
            Some("shape") => Rule::Shape,
            Some("kind") => Rule::Kind,
            Some("info-fields") => Rule::InfoFields(words.map(str::to_string).collect()),
            Some("kv-lines") => Rule::KvLines(words.map(str::to_string).collect()),
            Some("commands") => Rule::Commands,
            Some("scan") => Rule::Scan,
            Some("frames-set") => Rule::FramesSet,
            Some("names-set") => Rule::NamesSet,
            Some("exec-self-push") => Rule::ExecSelfPush,
            Some("sample") => Rule::Sample(words.map(|w| w.as_bytes().to_vec()).collect()),
            Some("absent") => Rule::Absent,
            other => panic!("unknown rule {other:?} in rules.txt"),
        };
        let rule = if clamped {
            Rule::Clamped(Box::new(rule))
        } else {
            rule
        };
        let rule = match without {
            Some(names) => Rule::Without(names, Box::new(rule)),
            None => rule,
        };
        rules.push((pattern.to_string(), rule));
    }
    rules
}

/// The reply with the values of the named fields replaced by nil, in the
/// top-level map (or flat key/value array) and in every map or array nested
/// in it (XINFO CONSUMERS' `idle` in each consumer's map).
fn masked(reply: &Reply, fields: &[Vec<u8>]) -> Reply {
    match reply {
        Reply::Map(pairs) => Reply::Map(
            pairs
                .iter()
                .map(|(k, v)| match k {
                    Reply::Bulk(name) if fields.contains(name) => (k.clone(), Reply::Null),
                    _ => (k.clone(), masked(v, fields)),
                })
                .collect(),
        ),
        Reply::Array(items) => {
            let mut items: Vec<Reply> = items.iter().map(|r| masked(r, fields)).collect();
            for i in (0..items.len().saturating_sub(1)).step_by(2) {
                if matches!(&items[i], Reply::Bulk(name) if fields.contains(name)) {
                    items[i + 1] = Reply::Null;
                }
            }
            Reply::Array(items)
        }
        other => other.clone(),
    }
}

/// An array of rows (arrays) with element `i` of each row replaced by nil.
fn without_column(reply: &Reply, i: usize) -> Reply {
    match reply {
        Reply::Array(rows) => Reply::Array(
            rows.iter()
                .map(|row| match row {
                    Reply::Array(cols) => Reply::Array(
                        cols.iter()
                            .enumerate()
                            .map(|(j, c)| if j == i { Reply::Null } else { c.clone() })
                            .collect(),
                    ),
                    other => other.clone(),
                })
                .collect(),
        ),
        other => other.clone(),
    }
}

/// Both replies with `entries-read` and `lag` set to nil in every map (or flat
/// key/value array) where the engine's entries-read is an integer lower than the real
/// one's; the two replies are walked together, so only matching places count.
fn unclamped(real: &Reply, ours: &Reply) -> (Reply, Reply) {
    let flat = |r: &Reply| -> Option<Vec<(Reply, Reply)>> {
        match r {
            Reply::Map(p) => Some(p.clone()),
            Reply::Array(items) if items.len() % 2 == 0 && !items.is_empty() => {
                let p: Vec<(Reply, Reply)> = items
                    .chunks(2)
                    .map(|kv| (kv[0].clone(), kv[1].clone()))
                    .collect();
                p.iter()
                    .any(|(k, _)| matches!(k, Reply::Bulk(k) if k == b"entries-read"))
                    .then_some(p)
            }
            _ => None,
        }
    };
    let rebuild = |like: &Reply, pairs: Vec<(Reply, Reply)>| match like {
        Reply::Map(_) => Reply::Map(pairs),
        _ => Reply::Array(pairs.into_iter().flat_map(|(k, v)| [k, v]).collect()),
    };
    if let (Some(mut a), Some(mut b)) = (flat(real), flat(ours)) {
        if a.len() == b.len() {
            let read = |p: &[(Reply, Reply)]| {
                p.iter().find_map(|(k, v)| match (k, v) {
                    (Reply::Bulk(k), Reply::Integer(n)) if k == b"entries-read" => Some(*n),
                    _ => None,
                })
            };
            let clamp = matches!((read(&a), read(&b)), (Some(r), Some(o)) if o < r);
            for ((ka, va), (_, vb)) in a.iter_mut().zip(b.iter_mut()) {
                if clamp && matches!(ka, Reply::Bulk(k) if k == b"entries-read" || k == b"lag") {
                    *va = Reply::Null;
                    *vb = Reply::Null;
                } else {
                    let (x, y) = unclamped(va, vb);
                    *va = x;
                    *vb = y;
                }
            }
            return (rebuild(real, a), rebuild(ours, b));
        }
    }
    match (real, ours) {
        (Reply::Array(x), Reply::Array(y)) if x.len() == y.len() => {
            let (a, b): (Vec<Reply>, Vec<Reply>) =
                x.iter().zip(y).map(|(a, b)| unclamped(a, b)).unzip();
            (Reply::Array(a), Reply::Array(b))
        }
        _ => (real.clone(), ours.clone()),
    }
}

/// The reply with every integer that reads as a Unix time in milliseconds
/// (at least 10^12: since 2001) replaced by 0, however deep.
fn unclocked(reply: &Reply) -> Reply {
    match reply {
        Reply::Integer(n) if *n >= 1_000_000_000_000 => Reply::Integer(0),
        Reply::Map(pairs) => Reply::Map(
            pairs
                .iter()
                .map(|(k, v)| (unclocked(k), unclocked(v)))
                .collect(),
        ),
        Reply::Array(items) => Reply::Array(items.iter().map(unclocked).collect()),
        other => other.clone(),
    }
}

fn elements(reply: &Reply) -> Option<Vec<Vec<u8>>> {
    let enc = |r: &Reply| resp::encode(r, Protocol::Resp3);
    match reply {
        Reply::Array(items) | Reply::Set(items) | Reply::Push(items) => {
            Some(items.iter().map(enc).collect())
        }
        Reply::Map(pairs) => Some(
            pairs
                .iter()
                .map(|(k, v)| [enc(k), enc(v)].concat())
                .collect(),
        ),
        _ => None,
    }
}

fn same_kind(a: &Reply, b: &Reply) -> bool {
    std::mem::discriminant(a) == std::mem::discriminant(b)
}

/// Same RESP types all the way down, and aggregates of the same lengths; the
/// contents of strings and numbers are ignored.
fn same_shape(a: &Reply, b: &Reply) -> bool {
    if !same_kind(a, b) {
        return false;
    }
    match (a, b) {
        (Reply::Array(x), Reply::Array(y))
        | (Reply::Set(x), Reply::Set(y))
        | (Reply::Push(x), Reply::Push(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_shape(a, b))
        }
        (Reply::Map(x), Reply::Map(y)) => {
            x.len() == y.len()
                && x.iter()
                    .zip(y)
                    .all(|((ka, va), (kb, vb))| same_shape(ka, kb) && same_shape(va, vb))
        }
        (Reply::Verbatim(fa, _), Reply::Verbatim(fb, _)) => fa == fb,
        _ => true,
    }
}

/// The text of a bulk or verbatim string reply.
fn text(reply: &Reply) -> Option<String> {
    match reply {
        Reply::Bulk(b) | Reply::Verbatim(_, b) => Some(String::from_utf8_lossy(b).into_owned()),
        _ => None,
    }
}

/// INFO text as (section title, [(field, value)]) in order.
fn info_sections(text: &str) -> Vec<(String, Vec<(String, String)>)> {
    let mut sections: Vec<(String, Vec<(String, String)>)> = Vec::new();
    for line in text.split("\r\n").filter(|l| !l.is_empty()) {
        if let Some(title) = line.strip_prefix("# ") {
            sections.push((title.to_string(), Vec::new()));
        } else if let Some((_, fields)) = sections.last_mut() {
            let (k, v) = line.split_once(':').unwrap_or((line, ""));
            fields.push((k.to_string(), v.to_string()));
        }
    }
    sections
}

/// INFO: the same type (bulk or `txt` verbatim), the same sections in the same
/// order, the same set of field names in each, and equal values for `exact`.
fn info_fields_match(real: &Reply, ours: &Reply, exact: &[String]) -> bool {
    let (Some(a), Some(b)) = (text(real), text(ours)) else {
        return false;
    };
    let (a, b) = (info_sections(&a), info_sections(&b));
    same_shape(real, ours)
        && a.len() == b.len()
        && a.iter().zip(&b).all(|((ta, fa), (tb, fb))| {
            let names = |f: &[(String, String)]| {
                let mut n: Vec<String> = f.iter().map(|(k, _)| k.clone()).collect();
                n.sort();
                n
            };
            let value = |f: &[(String, String)], k: &String| {
                f.iter().find(|(n, _)| n == k).map(|(_, v)| v.clone())
            };
            ta == tb && names(fa) == names(fb) && exact.iter().all(|k| value(fa, k) == value(fb, k))
        })
}

/// CLIENT LIST / CLIENT INFO: the same number of lines, the same `key=value`
/// keys in the same order on each, and equal values for `exact`.
fn kv_lines_match(real: &Reply, ours: &Reply, exact: &[String]) -> bool {
    let (Some(a), Some(b)) = (text(real), text(ours)) else {
        return false;
    };
    let lines = |t: &str| -> Vec<Vec<(String, String)>> {
        t.split('\n')
            .filter(|l| !l.is_empty())
            .map(|l| {
                l.split(' ')
                    .map(|kv| {
                        let (k, v) = kv.split_once('=').unwrap_or((kv, ""));
                        (k.to_string(), v.to_string())
                    })
                    .collect()
            })
            .collect()
    };
    let (a, b) = (lines(&a), lines(&b));
    same_shape(real, ours)
        && a.len() == b.len()
        && a.iter().zip(&b).all(|(la, lb)| {
            la.len() == lb.len()
                && la
                    .iter()
                    .zip(lb)
                    .all(|((ka, va), (kb, vb))| ka == kb && (!exact.contains(ka) || va == vb))
        })
}

/// A random pick (`sample`): every string in the engine's reply is one of `universe`,
/// and when the real reply's elements are distinct, so are the engine's (the caller has
/// checked that both have the same shape).
fn is_sample_like(real: &Reply, ours: &Reply, universe: &[Vec<u8>]) -> bool {
    fn leaves<'a>(r: &'a Reply, out: &mut Vec<&'a [u8]>) {
        match r {
            Reply::Bulk(b) => out.push(b),
            Reply::Array(items) | Reply::Set(items) => items.iter().for_each(|i| leaves(i, out)),
            _ => {}
        }
    }
    let mut ours_leaves = Vec::new();
    leaves(ours, &mut ours_leaves);
    let distinct = |r: &Reply| {
        let mut e = elements(r).unwrap_or_default();
        let n = e.len();
        e.sort();
        e.dedup();
        e.len() == n
    };
    ours_leaves.iter().all(|l| universe.iter().any(|u| u == l))
        && (!distinct(real) || distinct(ours))
}

/// Whether the engine's frame is acceptable given the real one, under `rule`.
fn compare(rule: &Rule, real: &(Vec<u8>, Option<Reply>), ours: &(Vec<u8>, Option<Reply>)) -> bool {
    let (Some(r), Some(o)) = (&real.1, &ours.1) else {
        return real.0 == ours.0;
    };
    if let Rule::Absent = rule {
        fn nothing(r: &Reply) -> bool {
            match r {
                Reply::Error(_) | Reply::Null => true,
                Reply::Array(items) | Reply::Set(items) => items.iter().all(nothing),
                Reply::Map(pairs) => pairs.is_empty(),
                _ => false,
            }
        }
        // The engine answers (a nil is an answer: XADD NOMKSTREAM on a missing key).
        let answered = match o {
            Reply::Error(_) => false,
            Reply::Array(_) | Reply::Map(_) | Reply::Set(_) => !nothing(o),
            _ => true,
        };
        return nothing(r) && answered;
    }
    if let Rule::Without(names, inner) = rule {
        let named = |r: &Reply| match r {
            Reply::Bulk(n) => names.contains(n),
            Reply::Array(e) => matches!(e.first(), Some(Reply::Bulk(n)) if names.contains(n)),
            _ => false,
        };
        let kept = match o {
            Reply::Map(p) => Reply::Map(p.iter().filter(|(k, _)| !named(k)).cloned().collect()),
            // A RESP2 COMMAND DOCS reply is a flat name/docs array.
            Reply::Array(items)
                if items.first().is_some_and(|i| matches!(i, Reply::Bulk(_)))
                    && items.get(1).is_some_and(|i| matches!(i, Reply::Array(_))) =>
            {
                Reply::Array(
                    items
                        .chunks(2)
                        .filter(|kv| !named(&kv[0]))
                        .flat_map(|kv| kv.to_vec())
                        .collect(),
                )
            }
            Reply::Array(items) => {
                Reply::Array(items.iter().filter(|i| !named(i)).cloned().collect())
            }
            other => other.clone(),
        };
        let frame = |x: &Reply| (resp::encode(x, Protocol::Resp3), Some(x.clone()));
        return compare(inner, &frame(r), &frame(&kept));
    }
    if let Rule::Clamped(inner) = rule {
        // Both sides re-encoded alike (RESP3 keeps maps apart from arrays).
        let (r, o) = unclamped(r, o);
        let frame = |x: Reply| (resp::encode(&x, Protocol::Resp3), Some(x));
        return compare(inner, &frame(r), &frame(o));
    }
    match rule {
        Rule::Exact => real.0 == ours.0,
        Rule::Mask(fields) => masked(r, fields) == masked(o, fields),
        Rule::Column(i) => without_column(r, *i) == without_column(o, *i),
        Rule::Times(fields) => masked(&unclocked(r), fields) == masked(&unclocked(o), fields),
        Rule::Shape => same_shape(r, o),
        Rule::Kind => same_kind(r, o),
        Rule::Map => {
            let (Some(mut a), Some(mut b)) = (pairs(r), pairs(o)) else {
                return false;
            };
            let key = |(k, v): &(Reply, Reply)| {
                [
                    resp::encode(k, Protocol::Resp3),
                    resp::encode(v, Protocol::Resp3),
                ]
                .concat()
            };
            a.sort_by_key(key);
            b.sort_by_key(key);
            same_kind(r, o) && a == b
        }
        // An error (or any reply that is not text) is compared exactly.
        Rule::InfoFields(_) | Rule::KvLines(_) if text(r).is_none() || text(o).is_none() => {
            real.0 == ours.0
        }
        Rule::InfoFields(exact) => info_fields_match(r, o, exact),
        Rule::KvLines(exact) => kv_lines_match(r, o, exact),
        Rule::Set => {
            let (Some(mut a), Some(mut b)) = (elements(r), elements(o)) else {
                // Errors and other non-aggregates are compared byte for byte.
                return real.0 == ours.0;
            };
            a.sort();
            b.sort();
            same_kind(r, o) && a == b
        }
        Rule::Subset => {
            let (Some(a), Some(b)) = (elements(r), elements(o)) else {
                return real.0 == ours.0;
            };
            same_kind(r, o) && b.is_empty() == a.is_empty() && b.iter().all(|x| a.contains(x))
        }
        Rule::Scan => match (r, o) {
            // `[cursor, [key ...]]`: the cursor exact, the keys as a set.
            (Reply::Array(a), Reply::Array(b)) if a.len() == 2 && b.len() == 2 => {
                let sorted = |r: &Reply| {
                    elements(r).map(|mut e| {
                        e.sort();
                        e
                    })
                };
                a[0] == b[0]
                    && same_kind(&a[1], &b[1])
                    && sorted(&a[1]).is_some()
                    && sorted(&a[1]) == sorted(&b[1])
            }
            _ => real.0 == ours.0,
        },
        Rule::Commands => {
            if elements(r).is_none() || elements(o).is_none() {
                return real.0 == ours.0;
            }
            same_kind(r, o) && commands_subset(r, o)
        }
        Rule::Sample(universe) => same_shape(r, o) && is_sample_like(r, o, universe),
        // Group rules compare single frames exactly.
        Rule::FramesSet | Rule::NamesSet | Rule::ExecSelfPush => real.0 == ours.0,
        Rule::Clamped(_) | Rule::Absent | Rule::Without(..) => {
            unreachable!("handled above")
        }
    }
}

type Frame = (Vec<u8>, Option<Reply>);

/// Whether a group of frames read by one step (`A<~ n`, `A>+n line`) is
/// acceptable under `rule`; rules that are not group rules compare the
/// frames one by one, in order.
fn compare_group(rule: &Rule, real: &[Frame], ours: &[Frame]) -> bool {
    if real.len() != ours.len() {
        return false;
    }
    match rule {
        Rule::FramesSet => {
            let sorted = |frames: &[Frame]| {
                let mut v: Vec<Vec<u8>> = frames.iter().map(|f| f.0.clone()).collect();
                v.sort();
                v
            };
            sorted(real) == sorted(ours)
        }
        Rule::NamesSet => {
            // `[kind, name, count]` frames: kinds and counts in order (the count
            // falls by one a frame however the names are ordered), names in any order.
            let split = |frames: &[Frame]| -> Option<(Vec<Reply>, Vec<Vec<u8>>)> {
                let mut rest = Vec::new();
                let mut names = Vec::new();
                for f in frames {
                    let (Reply::Array(items) | Reply::Push(items)) = f.1.as_ref()? else {
                        return None;
                    };
                    if items.len() != 3 {
                        return None;
                    }
                    let kind = if matches!(f.1, Some(Reply::Push(_))) {
                        "push"
                    } else {
                        "array"
                    };
                    rest.push(Reply::Array(vec![
                        Reply::bulk(kind),
                        items[0].clone(),
                        items[2].clone(),
                    ]));
                    names.push(resp::encode(&items[1], Protocol::Resp3));
                }
                names.sort();
                Some((rest, names))
            };
            split(real).is_some() && split(real) == split(ours)
        }
        Rule::ExecSelfPush => {
            // The EXEC reply's elements and the frames after it, as multisets:
            // 7.0.15 writes a push for the client itself inside the array and
            // the displaced reply after it; the engine writes the reply in the
            // array and the push after it. The array's type and length agree.
            let flat = |frames: &[Frame]| -> Option<Vec<Vec<u8>>> {
                let (first, rest) = frames.split_first()?;
                let mut items = elements(first.1.as_ref()?)?;
                for f in rest {
                    f.1.as_ref()?;
                    items.push(f.0.clone());
                }
                items.sort();
                Some(items)
            };
            let (Some(a), Some(b)) = (&real[0].1, &ours[0].1) else {
                return false;
            };
            same_kind(a, b)
                && elements(a).map(|e| e.len()) == elements(b).map(|e| e.len())
                && flat(real).is_some()
                && flat(real) == flat(ours)
        }
        other => real.iter().zip(ours).all(|(a, b)| compare(other, a, b)),
    }
}

/// A reply's key/value pairs: a RESP3 map, or a RESP2 flat array of even length.
fn pairs(reply: &Reply) -> Option<Vec<(Reply, Reply)>> {
    match reply {
        Reply::Map(p) => Some(p.clone()),
        Reply::Array(items) if items.len() % 2 == 0 => Some(
            items
                .chunks(2)
                .map(|kv| (kv[0].clone(), kv[1].clone()))
                .collect(),
        ),
        _ => None,
    }
}

/// COMMAND / COMMAND INFO / COMMAND DOCS: every entry the engine lists equals the
/// real server's entry of the same name, except that a container lists only the
/// subcommands the engine implements (a subset of the real ones).
fn commands_subset(real: &Reply, ours: &Reply) -> bool {
    let enc = |r: &Reply| resp::encode(r, Protocol::Resp3);
    let is_docs = matches!(ours, Reply::Map(_))
        || matches!(ours, Reply::Array(items) if items.first().is_some_and(|i| matches!(i, Reply::Bulk(_))));
    if is_docs {
        // name -> docs map; a docs map's "subcommands" value is itself name -> docs.
        let (Some(rp), Some(op)) = (pairs(real), pairs(ours)) else {
            return false;
        };
        return op.iter().all(|(name, docs)| {
            rp.iter().any(|(rn, rd)| {
                rn == name && {
                    let (Some(rd), Some(od)) = (pairs(rd), pairs(docs)) else {
                        return enc(rd) == enc(docs);
                    };
                    rd.len() == od.len()
                        && rd.iter().zip(&od).all(|((rk, rv), (ok, ov))| {
                            rk == ok
                                && if matches!(rk, Reply::Bulk(k) if k == b"subcommands") {
                                    commands_subset(rv, ov)
                                } else {
                                    enc(rv) == enc(ov)
                                }
                        })
                }
            })
        });
    }
    // COMMAND INFO: an array of 10-element entries; the 10th lists subcommand entries.
    let (Reply::Array(re), Reply::Array(oe)) = (real, ours) else {
        return false;
    };
    oe.iter().all(|entry| {
        re.iter().any(|candidate| match (candidate, entry) {
            (Reply::Array(c), Reply::Array(e)) if c.len() == 10 && e.len() == 10 => {
                c[..9].iter().zip(&e[..9]).all(|(a, b)| enc(a) == enc(b))
                    && match (&c[9], &e[9]) {
                        (Reply::Array(cs), Reply::Array(es)) => es.iter().all(|x| cs.contains(x)),
                        (a, b) => enc(a) == enc(b),
                    }
            }
            (a, b) => enc(a) == enc(b),
        })
    })
}

fn dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/differential")
}

fn show(bytes: &[u8]) -> String {
    bytes.escape_ascii().to_string()
}

#[derive(Default)]
struct Tally {
    frames: usize,
    by_rule: usize,
    failures: Vec<String>,
}

/// Runs one script against both servers in one protocol.
fn run_script(
    version: Version,
    path: &Path,
    resp3: bool,
    rules: &[(String, Rule)],
    tally: &mut Tally,
) {
    // The RESP3 pass runs the engine with its listener-only probe events on:
    // no reply may depend on which events the engine emits.
    let probe = resp3;
    let real_server = start_real(version);
    let engine_server = start_engine(version, probe);
    let mut conns: BTreeMap<String, (Conn, Conn)> = BTreeMap::new();
    // The last command line each client sent, for `< n after <line>` group rules.
    let mut last_sent: BTreeMap<String, String> = BTreeMap::new();
    // Each connection's client id, in the order the script opens them.
    let mut ids: BTreeMap<String, u64> = BTreeMap::new();
    let first_id = match version {
        Version::V7 => 4,
        Version::V8 => 5,
    };
    let with_ids = |command: &str, ids: &BTreeMap<String, u64>| {
        let mut out = command.to_string();
        for (name, id) in ids {
            out = out.replace(&format!("{{{name}}}"), &id.to_string());
        }
        out
    };
    let text = std::fs::read_to_string(path).unwrap();
    let name = path.file_name().unwrap().to_string_lossy().to_string();
    let proto = match (version, resp3) {
        (Version::V7, false) => "7.0, RESP2",
        (Version::V7, true) => "7.0, RESP3",
        (Version::V8, false) => "8, RESP2",
        (Version::V8, true) => "8, RESP3",
    };

    let check = |tally: &mut Tally,
                 lineno: usize,
                 line: &str,
                 real: (Vec<u8>, Option<Reply>),
                 ours: (Vec<u8>, Option<Reply>)| {
        let rule = rules
            .iter()
            .find(|(p, _)| glob::matches(p.as_bytes(), line.as_bytes(), true))
            .map(|(_, r)| r)
            .unwrap_or(&Rule::Exact);
        tally.frames += 1;
        // `DIFF_DEBUG=1` prints every frame pair compared.
        if std::env::var_os("DIFF_DEBUG").is_some() {
            eprintln!("{lineno} {line}: {} // {}", show(&real.0), show(&ours.0));
        }
        if !matches!(rule, Rule::Exact) {
            tally.by_rule += 1;
        }
        if !compare(rule, &real, &ours) {
            tally.failures.push(format!(
                "{name}:{lineno} ({proto}) {line}\n  rule:      {rule:?}\n  redis:     {}\n  streamplay:{}",
                show(&real.0),
                show(&ours.0)
            ));
        }
    };

    for (n, raw) in text.lines().enumerate() {
        let lineno = n + 1;
        let line = raw.trim_end();
        if line.is_empty() || line.starts_with('#') || line.starts_with("@profiles ") {
            continue;
        }
        let line = match line.strip_prefix('[').and_then(|l| l.split_once("] ")) {
            Some((profile, step)) if profile == version.profile() => step,
            Some(("7.0" | "8", _)) => continue,
            Some((other, _)) => panic!("{name}:{lineno}: unknown profile [{other}]"),
            None => line,
        };
        if let Some(ms) = line.strip_prefix("@sleep ") {
            std::thread::sleep(Duration::from_millis(ms.trim().parse().expect("@sleep ms")));
            continue;
        }
        let split = line
            .find(['>', '<'])
            .unwrap_or_else(|| panic!("{name}:{lineno}: bad line {line:?}"));
        let client = line[..split].to_string();
        let rest = &line[split..];
        if !conns.contains_key(&client) {
            let mut pair = (Conn::open(real_server.port), Conn::open(engine_server.port));
            if resp3 {
                let hello = vec![b"HELLO".to_vec(), b"3".to_vec()];
                pair.0.send(&hello);
                pair.1.send(&hello);
                let (real, ours) = (pair.0.frame(), pair.1.frame());
                check(tally, lineno, "HELLO 3", real, ours);
            }
            conns.insert(client.clone(), pair);
            ids.insert(client.clone(), first_id + ids.len() as u64);
        }
        let (real, ours) = conns.get_mut(&client).unwrap();
        let group = |real: &mut Conn, ours: &mut Conn, n: usize| {
            let a: Vec<Frame> = (0..n).map(|_| real.frame()).collect();
            let b: Vec<Frame> = (0..n).map(|_| ours.frame()).collect();
            (a, b)
        };
        let check_group = |tally: &mut Tally, key: &str, a: Vec<Frame>, b: Vec<Frame>| {
            let rule = rules
                .iter()
                .find(|(p, _)| glob::matches(p.as_bytes(), key.as_bytes(), true))
                .map(|(_, r)| r)
                .unwrap_or(&Rule::Exact);
            tally.frames += a.len();
            if !matches!(rule, Rule::Exact) {
                tally.by_rule += a.len();
            }
            if a.iter().any(|f| f.0 == b"<no frame>") {
                tally.failures.push(format!(
                    "{name}:{lineno} ({proto}) {line}\n  redis sent fewer frames than the step reads: the script waits for nothing"
                ));
            } else if !compare_group(rule, &a, &b) {
                let all =
                    |f: &[Frame]| f.iter().map(|x| show(&x.0)).collect::<Vec<_>>().join(" | ");
                tally.failures.push(format!(
                    "{name}:{lineno} ({proto}) {line}\n  rule:      {rule:?}\n  redis:     {}\n  streamplay:{}",
                    all(&a),
                    all(&b)
                ));
            }
        };
        if let Some(count) = rest.strip_prefix("<~ ") {
            let count: usize = count
                .split_whitespace()
                .next()
                .and_then(|n| n.parse().ok())
                .expect("A<~ n label");
            let (a, b) = group(real, ours, count);
            check_group(tally, rest, a, b);
            continue;
        }
        if let Some(more) = rest.strip_prefix(">+") {
            let (n, command) = more
                .split_once(' ')
                .unwrap_or_else(|| panic!("{name}:{lineno}: bad line"));
            let n: usize = n.parse().expect("A>+n line");
            last_sent.insert(client.clone(), command.to_string());
            let argv = split_args(with_ids(command, &ids).as_bytes())
                .unwrap_or_else(|| panic!("{name}:{lineno}: cannot split {command:?}"));
            real.send(&argv);
            ours.send(&argv);
            let (a, b) = group(real, ours, n + 1);
            check_group(tally, rest, a, b);
            continue;
        }
        if let Some(count) = rest.strip_prefix("< ") {
            let count: usize = count.trim().parse().expect("A< n");
            let key = format!(
                "< {count} after {}",
                last_sent.get(&client).map_or("", String::as_str)
            );
            let grouped = rules.iter().any(|(p, r)| {
                matches!(r, Rule::FramesSet | Rule::NamesSet)
                    && glob::matches(p.as_bytes(), key.as_bytes(), true)
            });
            if grouped {
                let (a, b) = group(real, ours, count);
                check_group(tally, &key, a, b);
                continue;
            }
            for _ in 0..count {
                let (a, b) = (real.frame(), ours.frame());
                // A step that waits for a frame Redis never sends is a broken
                // script, even when the engine sends nothing either.
                if a.0 == b"<no frame>" {
                    tally.failures.push(format!(
                        "{name}:{lineno} ({proto}) {line}\n  redis sent no frame within 5 s: the script waits for nothing"
                    ));
                    continue;
                }
                check(tally, lineno, line, a, b);
            }
            continue;
        }
        let (read, command) = match rest.strip_prefix(">& ") {
            Some(c) => (false, c),
            None => (
                true,
                rest.strip_prefix("> ")
                    .unwrap_or_else(|| panic!("{name}:{lineno}: bad line")),
            ),
        };
        let argv = split_args(with_ids(command, &ids).as_bytes())
            .unwrap_or_else(|| panic!("{name}:{lineno}: cannot split {command:?}"));
        last_sent.insert(client.clone(), command.to_string());
        real.send(&argv);
        ours.send(&argv);
        if read {
            let (a, b) = (real.frame(), ours.frame());
            check(tally, lineno, command, a, b);
        }
    }
    // Nothing may be left unread on either side: both must be silent (or both closed).
    for (client, (real, ours)) in conns.iter_mut() {
        for c in [&mut *real, &mut *ours] {
            c.stream
                .set_read_timeout(Some(Duration::from_millis(50)))
                .unwrap();
        }
        let (a, b) = (real.frame(), ours.frame());
        check(
            tally,
            0,
            &format!("{client}: end of script, nothing more to read"),
            a,
            b,
        );
    }
}

/// The profiles a script runs in: those its `@profiles` line names, or both.
fn runs_in(text: &str, version: Version) -> bool {
    text.lines()
        .find_map(|l| l.strip_prefix("@profiles "))
        .is_none_or(|p| p.split_whitespace().any(|p| p == version.profile()))
}

/// Every script that runs in `version`, against its real server, in RESP2 and RESP3.
fn scripts_match(version: Version) {
    let rules = load_rules(version);
    let mut scripts: Vec<PathBuf> = std::fs::read_dir(dir())
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| {
            p.extension().is_some_and(|x| x == "txt") && p.file_name().unwrap() != "rules.txt"
        })
        .filter(|p| runs_in(&std::fs::read_to_string(p).unwrap(), version))
        .collect();
    scripts.sort();
    // `DIFF_ONLY=streams cargo test --test differential` runs the scripts
    // whose file name contains the text.
    if let Ok(only) = std::env::var("DIFF_ONLY") {
        scripts.retain(|p| p.file_name().unwrap().to_string_lossy().contains(&only));
    }
    assert!(!scripts.is_empty() || std::env::var_os("DIFF_ONLY").is_some());
    let mut tally = Tally::default();
    for script in &scripts {
        for resp3 in [false, true] {
            run_script(version, script, resp3, &rules, &mut tally);
        }
    }
    println!(
        "differential, profile {} against {}: {} scripts x 2 protocols, {} frames compared ({} exact, {} by rule), {} differences",
        version.profile(),
        version.redis(),
        scripts.len(),
        tally.frames,
        tally.frames - tally.by_rule,
        tally.by_rule,
        tally.failures.len()
    );
    assert!(
        tally.frames > 100 || std::env::var_os("DIFF_ONLY").is_some(),
        "too few frames compared: {}",
        tally.frames
    );
    assert!(
        tally.failures.is_empty(),
        "{} difference(s):\n{}",
        tally.failures.len(),
        tally.failures.join("\n")
    );
}

#[test]
fn scripts_match_redis_7_0_15() {
    scripts_match(Version::V7);
}

#[test]
fn scripts_match_redis_8_0_2() {
    scripts_match(Version::V8);
}

/// splitmix64, for the random command generator.
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
    fn pick<'a>(&mut self, xs: &[&'a str]) -> &'a str {
        xs[self.below(xs.len() as u64) as usize]
    }
    fn chance(&mut self, percent: u64) -> bool {
        self.below(100) < percent
    }
}

/// A random stream workload as a differential script: XADD (explicit IDs and
/// `ms-*`, with every trimming option), XDEL, XTRIM, XRANGE/XREVRANGE, XSETID,
/// XLEN and XINFO STREAM [FULL], under varying node limits, with some invalid
/// arguments mixed in. Replies never depend on the clock.
fn random_stream_script(seed: u64, commands: usize) -> String {
    let mut rng = Rng(seed);
    let mut out = String::from("A> FLUSHALL\n");
    let mut ms: u64 = 1;
    let mut n = 0;
    while n < commands {
        if n % 300 == 0 {
            let me = rng.pick(&["0", "3", "5", "10", "100", "150"]);
            let mb = rng.pick(&["0", "100", "300", "4096", "8192"]);
            out.push_str(&format!(
                "A> CONFIG SET stream-node-max-entries {me}\nA> CONFIG SET stream-node-max-bytes {mb}\n"
            ));
            if rng.chance(50) {
                out.push_str("A> DEL s\n");
                ms = 1;
            }
            n += 3;
        }
        let key = if rng.chance(95) {
            "s"
        } else {
            rng.pick(&["t", "str", "nokey"])
        };
        let some_id = |rng: &mut Rng, ms: u64| format!("{}-{}", rng.below(ms + 2), rng.below(4));
        let line = match rng.below(100) {
            0..=54 => {
                ms += [0, 0, 1, 2, 1000][rng.below(5) as usize];
                let id = match rng.below(20) {
                    0..=13 => format!("{ms}-{}", rng.below(4)),
                    14..=16 => format!("{ms}-*"),
                    17 => format!("{ms}"),
                    _ => rng
                        .pick(&[
                            "0-0",
                            "0-*",
                            "+",
                            "-",
                            "(5",
                            "abc",
                            "1-1-1",
                            "18446744073709551615-*",
                        ])
                        .to_string(),
                };
                let mut args = format!("XADD {key}");
                if rng.chance(4) {
                    args.push_str(" NOMKSTREAM");
                }
                if rng.chance(20) {
                    let strat = rng.pick(&["MAXLEN", "MINID", "maxlen", "minid"]);
                    args.push(' ');
                    args.push_str(strat);
                    args.push_str(rng.pick(&[" ~", " =", ""]));
                    if strat.eq_ignore_ascii_case("maxlen") {
                        args.push_str(&format!(
                            " {}",
                            rng.below(300) as i64 - i64::from(rng.chance(2))
                        ));
                    } else {
                        args.push_str(&format!(" {}", some_id(&mut rng, ms)));
                    }
                    if rng.chance(30) {
                        args.push_str(rng.pick(&[
                            " LIMIT 0",
                            " LIMIT 1",
                            " LIMIT 5",
                            " LIMIT 50",
                            " LIMIT 100",
                            " LIMIT -1",
                        ]));
                    }
                }
                args.push(' ');
                args.push_str(&id);
                let fields = rng.pick(&["f", "f g", "a b c", "1 22", "f f"]);
                for f in fields.split(' ') {
                    let v = match rng.below(6) {
                        0 => (rng.below(200_001) as i64 - 100_000).to_string(),
                        1 => (rng.next() >> 1).to_string(),
                        2 => "\"\"".to_string(),
                        3 => "x".repeat(rng.below(300) as usize),
                        _ => format!("v{}", rng.below(1000)),
                    };
                    args.push_str(&format!(" {f} {v}"));
                }
                if rng.chance(1) {
                    args.push_str(" odd");
                }
                args
            }
            55..=64 => {
                let ids: Vec<String> = (0..1 + rng.below(3))
                    .map(|_| some_id(&mut rng, ms))
                    .collect();
                let bad = if rng.chance(5) { " bad" } else { "" };
                format!("XDEL {key} {}{bad}", ids.join(" "))
            }
            65..=72 => {
                let strat = rng.pick(&["MAXLEN", "MINID"]);
                let mut args = format!("XTRIM {key} {strat}{}", rng.pick(&[" ~", " =", ""]));
                if strat == "MAXLEN" {
                    args.push_str(&format!(" {}", rng.below(300)));
                } else {
                    args.push_str(&format!(" {}", some_id(&mut rng, ms)));
                }
                if rng.chance(30) {
                    args.push_str(rng.pick(&[
                        " LIMIT 0",
                        " LIMIT 1",
                        " LIMIT 10",
                        " LIMIT 100",
                        " LIMIT 1000",
                    ]));
                }
                args
            }
            73..=84 => {
                let bound = |rng: &mut Rng, ms: u64, hi: bool| match rng.below(6) {
                    0 => (if hi { "+" } else { "-" }).to_string(),
                    1 => format!("{}", rng.below(ms + 2)),
                    2 => format!("({}-{}", rng.below(ms + 2), rng.below(4)),
                    3 => format!("({}", rng.below(ms + 2)),
                    _ => format!("{}-{}", rng.below(ms + 2), rng.below(4)),
                };
                let (lo, hi) = (bound(&mut rng, ms, false), bound(&mut rng, ms, true));
                let mut args = if rng.chance(50) {
                    format!("XRANGE {key} {lo} {hi}")
                } else {
                    format!("XREVRANGE {key} {hi} {lo}")
                };
                if rng.chance(50) {
                    args.push_str(&format!(" COUNT {}", rng.below(22) as i64 - 1));
                }
                args
            }
            85..=89 => {
                // Near the last ID only. Far back (allowed on an emptied stream)
                // later entries share nodes with older, greater IDs: the hand-made
                // cases of 21_streams_odd_layout.txt match, but random workloads
                // of that kind make redis-server 7.0.15 fail an assertion
                // (listpack.c:576 in XINFO STREAM FULL).
                let target = (ms + rng.below(5)).saturating_sub(2);
                let mut args = format!("XSETID {key} {target}-{}", rng.below(4));
                if rng.chance(30) {
                    args.push_str(&format!(" ENTRIESADDED {}", rng.below(500)));
                }
                if rng.chance(30) {
                    args.push_str(&format!(" MAXDELETEDID {}-0", rng.below(ms + 1)));
                }
                args
            }
            90..=93 => format!("XLEN {key}"),
            94..=96 => format!("XINFO STREAM {key} FULL COUNT {}", rng.below(7) as i64 - 1),
            _ => format!("XINFO STREAM {key}"),
        };
        out.push_str("A> ");
        out.push_str(&line);
        out.push('\n');
        n += 1;
        if rng.chance(15) {
            out.push_str("A> XINFO STREAM s\n");
            n += 1;
        }
        if n % 1000 < 2 {
            // Changes counted as Redis counts them (XDEL/XTRIM per entry), and
            // keyspace hits, misses and error replies.
            out.push_str("A> INFO persistence\nA> INFO stats\n");
            n += 2;
        }
    }
    out.push_str(
        "A> CONFIG SET stream-node-max-entries 100\nA> CONFIG SET stream-node-max-bytes 4096\n",
    );
    out
}

/// Runs `commands` random commands from `script(seed, n)` against both servers,
/// as scripts of at most 10,000 commands with their own seeds, in RESP2 and
/// RESP3, and fails on any difference. `count_var` overrides the count.
fn run_random(
    version: Version,
    what: &str,
    count_var: &str,
    default: usize,
    script: fn(u64, usize) -> String,
) {
    let rules = load_rules(version);
    let commands: usize = std::env::var(count_var)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default);
    let dir = PathBuf::from(env!("CARGO_TARGET_TMPDIR"));
    let mut tally = Tally::default();
    let mut done = 0;
    let mut seed = 1;
    while done < commands {
        let n = (commands - done).min(10_000);
        let path = dir.join(format!("random_{what}_{}_{seed}.txt", version.profile()));
        std::fs::write(&path, script(seed, n)).unwrap();
        for resp3 in [false, true] {
            run_script(version, &path, resp3, &rules, &mut tally);
        }
        done += n;
        seed += 1;
    }
    println!(
        "random {what}, profile {} against {}: {commands} commands x 2 protocols, {} frames compared, {} differences",
        version.profile(),
        version.redis(),
        tally.frames,
        tally.failures.len()
    );
    assert!(
        tally.failures.is_empty(),
        "{} difference(s):\n{}",
        tally.failures.len(),
        tally
            .failures
            .iter()
            .take(20)
            .cloned()
            .collect::<Vec<_>>()
            .join("\n")
    );
}

/// Random stream commands against both servers. `DIFF_RANDOM=100000 cargo
/// test --release --test differential random` runs the full count.
#[test]
fn random_stream_commands_match_redis_7_0_15() {
    run_random(
        Version::V7,
        "streams",
        "DIFF_RANDOM",
        3000,
        random_stream_script,
    );
}

/// The random stream workload in profile 8 against Redis 8.0.2.
#[test]
fn random_stream_commands_match_redis_8_0_2() {
    run_random(
        Version::V8,
        "streams",
        "DIFF_RANDOM",
        3000,
        random_stream_script,
    );
}

/// A random consumer-group workload as a differential script: XADD (explicit
/// IDs), XDEL, XTRIM, XGROUP (every subcommand), XREADGROUP (`>` and history,
/// COUNT, NOACK, two streams), XACK, XPENDING (both forms), XCLAIM (every
/// option) and XAUTOCLAIM (cursor, COUNT, JUSTID, deleted entries), XINFO
/// GROUPS / CONSUMERS / STREAM FULL, with invalid arguments mixed in.
/// Time-dependent fields are compared by the rules (idle, delivery and seen
/// times); min-idle-times, IDLE and TIME are chosen so that no reply depends
/// on the clock.
fn random_group_script(seed: u64, commands: usize) -> String {
    let mut rng = Rng(seed);
    let mut out = String::from("A> FLUSHALL\n");
    let mut ms: u64 = 1;
    // IDs recently written to `s`: the likely pending ones, for XCLAIM.
    let mut recent: Vec<String> = Vec::new();
    for n in 0..commands {
        let key = if rng.chance(85) {
            "s"
        } else {
            rng.pick(&["t", "str", "nokey"])
        };
        let group = rng.pick(&["g", "g", "h", "nog"]);
        let consumer = rng.pick(&["alice", "bob", "carol"]);
        let id = |rng: &mut Rng, ms: u64| match rng.below(10) {
            0 => "-".to_string(),
            1 => "+".to_string(),
            2 => "$".to_string(),
            3 => "bad".to_string(),
            4 => format!("({}", rng.below(ms + 2)),
            _ => format!("{}-{}", rng.below(ms + 2), rng.below(3)),
        };
        let line = match rng.below(116) {
            0..=24 => {
                ms += rng.below(3);
                let id = format!("{ms}-{}", rng.below(2) + 1);
                if key == "s" {
                    recent.push(id.clone());
                    if recent.len() > 30 {
                        recent.remove(0);
                    }
                }
                format!("XADD {key} {id} f {n}")
            }
            25..=29 => format!("XDEL {key} {} {}", id(&mut rng, ms), id(&mut rng, ms)),
            30..=31 => format!("XTRIM {key} MAXLEN {}", rng.below(20)),
            32..=37 => format!(
                "XGROUP CREATE {key} {group} {}{}",
                id(&mut rng, ms),
                rng.pick(&["", " MKSTREAM", " ENTRIESREAD 3", " ENTRIESREAD -1", " FOO"])
            ),
            38..=40 => format!(
                "XGROUP SETID {key} {group} {}{}",
                id(&mut rng, ms),
                rng.pick(&["", "", " ENTRIESREAD 2", " ENTRIESREAD x"])
            ),
            41..=43 => format!("XGROUP CREATECONSUMER {key} {group} {consumer}"),
            44..=45 => format!("XGROUP DELCONSUMER {key} {group} {consumer}"),
            46 => format!("XGROUP DESTROY {key} {group}"),
            47..=66 => {
                let count = if rng.chance(70) {
                    format!(" COUNT {}", rng.below(5) as i64 - 1)
                } else {
                    String::new()
                };
                let noack = if rng.chance(15) { " NOACK" } else { "" };
                let read_id = if rng.chance(70) {
                    ">".to_string()
                } else {
                    id(&mut rng, ms)
                };
                if rng.chance(10) {
                    format!("XREADGROUP GROUP {group} {consumer}{count}{noack} STREAMS {key} t {read_id} >")
                } else {
                    format!(
                        "XREADGROUP GROUP {group} {consumer}{count}{noack} STREAMS {key} {read_id}"
                    )
                }
            }
            67..=76 => format!(
                "XACK {key} {group} {} {}",
                id(&mut rng, ms),
                id(&mut rng, ms)
            ),
            77..=81 => format!("XPENDING {key} {group}"),
            82..=87 => format!(
                "XPENDING {key} {group}{} {} {} {}{}",
                rng.pick(&["", "", " IDLE 0", " IDLE 99999999"]),
                id(&mut rng, ms),
                id(&mut rng, ms),
                rng.below(6) as i64 - 1,
                if rng.chance(40) {
                    format!(" {consumer}")
                } else {
                    String::new()
                }
            ),
            88..=91 => format!("XINFO GROUPS {key}"),
            92..=95 => format!("XINFO CONSUMERS {key} {group}"),
            96..=99 => format!("XINFO STREAM {key} FULL COUNT {}", rng.below(4)),
            100..=107 => {
                // min-idle-time 0 or far beyond the run; IDLE/TIME far in the
                // past or taken as now: nothing depends on the clock.
                let mut args = format!(
                    "XCLAIM {key} {group} {consumer} {}",
                    rng.pick(&["0", "0", "100000000", "-1", "x"])
                );
                for _ in 0..1 + rng.below(3) {
                    args.push(' ');
                    // Mostly IDs recently written, the likely pending ones.
                    args.push_str(&match rng.below(10) {
                        0..=6 if !recent.is_empty() => recent
                            [recent.len() - 1 - rng.below(recent.len().min(12) as u64) as usize]
                            .clone(),
                        7 | 8 => format!("{}-{}", rng.below(ms + 2), rng.below(3)),
                        _ => id(&mut rng, ms),
                    });
                }
                for _ in 0..rng.below(4) {
                    let opt = match rng.below(14) {
                        0 => "FORCE".to_string(),
                        1 => "JUSTID".to_string(),
                        2 => "IDLE 200000000".to_string(),
                        3 => rng.pick(&["IDLE 0", "IDLE -5", "IDLE x"]).to_string(),
                        4 => "TIME 1".to_string(),
                        5 => rng
                            .pick(&["TIME 0", "TIME -1", "TIME 99999999999999", "TIME x"])
                            .to_string(),
                        6 | 7 => rng
                            .pick(&[
                                "RETRYCOUNT 0",
                                "RETRYCOUNT 3",
                                "RETRYCOUNT -1",
                                "RETRYCOUNT x",
                            ])
                            .to_string(),
                        8 | 9 => format!("LASTID {}", id(&mut rng, ms)),
                        10 => rng.pick(&["force", "justid", "Idle 300000000"]).to_string(),
                        11 => "BOGUS".to_string(),
                        _ => "FORCE JUSTID".to_string(),
                    };
                    args.push(' ');
                    args.push_str(&opt);
                }
                if rng.chance(3) {
                    args.push_str(rng.pick(&[" IDLE", " LASTID", " RETRYCOUNT"]));
                }
                args
            }
            _ => {
                let mut args = format!(
                    "XAUTOCLAIM {key} {group} {consumer} {} {}",
                    rng.pick(&["0", "0", "100000000", "-1", "x"]),
                    id(&mut rng, ms)
                );
                if rng.chance(60) {
                    args.push_str(rng.pick(&[
                        " COUNT 1",
                        " COUNT 2",
                        " COUNT 3",
                        " COUNT 5",
                        " COUNT 0",
                        " COUNT 576460752303423488",
                        " COUNT 576460752303423487",
                    ]));
                }
                if rng.chance(30) {
                    args.push_str(" JUSTID");
                }
                if rng.chance(3) {
                    args.push_str(rng.pick(&[" BOGUS", " COUNT"]));
                }
                args
            }
        };
        out.push_str("A> ");
        out.push_str(&line);
        out.push('\n');
        if n % 500 == 499 {
            out.push_str("A> INFO persistence\n");
        }
    }
    out
}

/// Random consumer-group commands against both servers. `DIFF_RANDOM_GROUPS=100000
/// cargo test --release --test differential random_group` runs the full count.
#[test]
fn random_group_commands_match_redis_7_0_15() {
    run_random(
        Version::V7,
        "groups",
        "DIFF_RANDOM_GROUPS",
        2000,
        random_group_script,
    );
}

/// The random consumer-group workload in profile 8 against Redis 8.0.2.
#[test]
fn random_group_commands_match_redis_8_0_2() {
    run_random(
        Version::V8,
        "groups",
        "DIFF_RANDOM_GROUPS",
        2000,
        random_group_script,
    );
}

/// A random Pub/Sub workload as a differential script: three subscribers (A, B, C)
/// SUBSCRIBE, PSUBSCRIBE and SSUBSCRIBE and leave again (one name at a time, or
/// all at once), a publisher (P) sends PUBLISH and SPUBLISH and asks PUBSUB
/// NUMSUB/NUMPAT/CHANNELS/SHARDCHANNELS/SHARDNUMSUB. The generator follows every
/// client's subscriptions, so that each step reads exactly the frames Redis sends:
/// a subscriber's messages of one PUBLISH as one `<~ n pmessages` group (Redis
/// walks patterns in hash order), an argument-less unsubscribe's frames as one
/// `<~ n unsubscribe-all` group.
fn random_pubsub_script(seed: u64, commands: usize) -> String {
    use std::collections::BTreeSet;
    let mut rng = Rng(seed);
    let channels = ["c1", "c2", "a1", "b2", "news.x", "news.y", "x"];
    let patterns = ["c*", "c?", "[ab]*", "*1", "news.*", "n*s.?", "*", "z*"];
    #[derive(Default)]
    struct Subs {
        channels: BTreeSet<&'static str>,
        patterns: BTreeSet<&'static str>,
        shards: BTreeSet<&'static str>,
    }
    let names = ["A", "B", "C"];
    let mut subs: [Subs; 3] = Default::default();
    let mut out = String::from("P> FLUSHALL\n");
    for n in 0..commands {
        let i = rng.below(3) as usize;
        let x = names[i];
        let s = &mut subs[i];
        let ch = |rng: &mut Rng| rng.pick(&channels);
        match rng.below(100) {
            0..=21 => {
                let picked: Vec<&str> = (0..1 + rng.below(2)).map(|_| ch(&mut rng)).collect();
                s.channels.extend(&picked);
                out.push_str(&format!(
                    "{x}>& SUBSCRIBE {}\n{x}< {}\n",
                    picked.join(" "),
                    picked.len()
                ));
            }
            22..=33 => {
                let p = rng.pick(&patterns);
                s.patterns.insert(p);
                out.push_str(&format!("{x}>& PSUBSCRIBE {p}\n{x}< 1\n"));
            }
            34..=41 => {
                let c = ch(&mut rng);
                s.shards.insert(c);
                out.push_str(&format!("{x}>& SSUBSCRIBE {c}\n{x}< 1\n"));
            }
            42..=51 => {
                let picked: Vec<&str> = (0..1 + rng.below(2)).map(|_| ch(&mut rng)).collect();
                for c in &picked {
                    s.channels.remove(c);
                }
                out.push_str(&format!(
                    "{x}>& UNSUBSCRIBE {}\n{x}< {}\n",
                    picked.join(" "),
                    picked.len()
                ));
            }
            52..=56 => {
                let p = rng.pick(&patterns);
                s.patterns.remove(p);
                out.push_str(&format!("{x}>& PUNSUBSCRIBE {p}\n{x}< 1\n"));
            }
            57..=59 => {
                let c = ch(&mut rng);
                s.shards.remove(c);
                out.push_str(&format!("{x}>& SUNSUBSCRIBE {c}\n{x}< 1\n"));
            }
            60..=65 => {
                let (cmd, set) = match rng.below(3) {
                    0 => ("UNSUBSCRIBE", &mut s.channels),
                    1 => ("PUNSUBSCRIBE", &mut s.patterns),
                    _ => ("SUNSUBSCRIBE", &mut s.shards),
                };
                let frames = set.len().max(1);
                set.clear();
                out.push_str(&format!("{x}>& {cmd}\n{x}<~ {frames} unsubscribe-all\n"));
            }
            66..=85 => {
                let c = ch(&mut rng);
                out.push_str(&format!("P> PUBLISH {c} m{n}\n"));
                for (name, s) in names.iter().zip(&subs) {
                    let frames = usize::from(s.channels.contains(c))
                        + s.patterns
                            .iter()
                            .filter(|p| glob::matches(p.as_bytes(), c.as_bytes(), false))
                            .count();
                    if frames > 0 {
                        out.push_str(&format!("{name}<~ {frames} pmessages\n"));
                    }
                }
            }
            86..=91 => {
                let c = ch(&mut rng);
                out.push_str(&format!("P> SPUBLISH {c} s{n}\n"));
                for (name, s) in names.iter().zip(&subs) {
                    if s.shards.contains(c) {
                        out.push_str(&format!("{name}< 1\n"));
                    }
                }
            }
            92..=97 => {
                let line = match rng.below(6) {
                    0 => format!("PUBSUB NUMSUB {} {}", ch(&mut rng), ch(&mut rng)),
                    1 => "PUBSUB NUMPAT".to_string(),
                    2 => "PUBSUB CHANNELS".to_string(),
                    3 => format!("PUBSUB CHANNELS {}", rng.pick(&patterns)),
                    4 => "PUBSUB SHARDCHANNELS".to_string(),
                    _ => format!("PUBSUB SHARDNUMSUB {} {}", ch(&mut rng), ch(&mut rng)),
                };
                out.push_str(&format!("P> {line}\n"));
            }
            _ => out.push_str(&format!("{x}> PING\n")),
        }
    }
    out
}

/// Random Pub/Sub commands against both servers.
/// `DIFF_RANDOM_PUBSUB=20000 cargo test --release --test differential random_pubsub`
/// runs more.
#[test]
fn random_pubsub_commands_match_redis_7_0_15() {
    run_random(
        Version::V7,
        "pubsub",
        "DIFF_RANDOM_PUBSUB",
        1500,
        random_pubsub_script,
    );
}

/// The random Pub/Sub workload in profile 8 against Redis 8.0.2.
#[test]
fn random_pubsub_commands_match_redis_8_0_2() {
    run_random(
        Version::V8,
        "pubsub",
        "DIFF_RANDOM_PUBSUB",
        1500,
        random_pubsub_script,
    );
}
