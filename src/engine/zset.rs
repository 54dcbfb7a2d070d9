//! The sorted set type (`ZSet`) and Redis's number and range grammar for it: scores parsed as
//! `strtod` does, printed as `addReplyDouble` does per profile (`%.17g` in 7.0, the shortest
//! round-trip form in 7.2+), score and lex ranges, and the encoding (`listpack` until a member
//! is too long or the set too big, then `skiplist`).
//!
//! Members are kept in (score, member bytes) order in chunks of at most `2 * CHUNK` entries, each
//! chunk behind an `Arc` so that a cloned engine (a checkpoint) shares them and a later change
//! copies only the chunk it touches; the member → score map is a persistent `imbl::OrdMap` for
//! the same reason. A rank is a sum over the chunks before the member's chunk plus a binary
//! search inside it: O(n / CHUNK + log n), about 400 additions for a 100,000-member leaderboard.

use std::cmp::Ordering;
use std::sync::Arc;

/// Half the largest chunk: a chunk that grows past `2 * CHUNK` entries is split in two.
const CHUNK: usize = 128;

/// `zset-max-listpack-entries` and `zset-max-listpack-value` (their defaults; the engine has no
/// CONFIG parameter for them).
pub(crate) const MAX_LISTPACK_ENTRIES: usize = 128;
pub(crate) const MAX_LISTPACK_VALUE: usize = 64;

/// Bytes charged per member on top of its bytes (stored twice: order and map).
const MEMBER_OVERHEAD: usize = 48;

type Item = (f64, Vec<u8>);

/// A sorted set. Scores are never NaN.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
#[serde(from = "ZSetSaved", into = "ZSetSaved")]
pub(crate) struct ZSet {
    chunks: Vec<Arc<Vec<Item>>>,
    scores: imbl::OrdMap<Vec<u8>, f64>,
    /// The encoding Redis would report: `listpack` while true.
    listpack: bool,
    bytes: usize,
}

/// What a sorted set saves as: its members in order and its encoding; the chunks, map and byte
/// count are rebuilt on load.
#[derive(serde::Serialize, serde::Deserialize)]
struct ZSetSaved {
    items: Vec<Item>,
    listpack: bool,
}

impl From<ZSet> for ZSetSaved {
    fn from(z: ZSet) -> ZSetSaved {
        ZSetSaved {
            items: z.iter().map(|(s, m)| (s, m.to_vec())).collect(),
            listpack: z.listpack,
        }
    }
}

impl From<ZSetSaved> for ZSet {
    fn from(s: ZSetSaved) -> ZSet {
        let mut z = ZSet::new();
        for (score, member) in s.items {
            z.insert(score, member);
        }
        z.listpack = s.listpack;
        z
    }
}

/// Two sets are equal when they hold the same members with the same scores and encoding,
/// however their chunks happen to be split.
impl PartialEq for ZSet {
    fn eq(&self, other: &ZSet) -> bool {
        self.listpack == other.listpack
            && self.len() == other.len()
            && self
                .iter()
                .zip(other.iter())
                .all(|(a, b)| a.1 == b.1 && a.0.to_bits() == b.0.to_bits())
    }
}

fn is_neg_zero(s: f64) -> bool {
    s == 0.0 && s.is_sign_negative()
}

/// Redis's order: by score, then by member bytes (`memcmp`, shorter first on a tie).
fn cmp_item(a: (f64, &[u8]), b: (f64, &[u8])) -> Ordering {
    a.0.partial_cmp(&b.0)
        .unwrap_or(Ordering::Equal)
        .then_with(|| a.1.cmp(b.1))
}

impl Default for ZSet {
    fn default() -> ZSet {
        ZSet::new()
    }
}

impl ZSet {
    /// An empty sorted set in the small encoding.
    pub fn new() -> ZSet {
        ZSet {
            chunks: Vec::new(),
            scores: imbl::OrdMap::new(),
            listpack: true,
            bytes: 0,
        }
    }

    pub fn len(&self) -> usize {
        self.scores.len()
    }

    pub fn is_empty(&self) -> bool {
        self.scores.is_empty()
    }

    /// The bytes this set holds, for the keyspace's byte count (kept as members come and go).
    pub fn mem_size(&self) -> usize {
        self.bytes
    }

    /// `OBJECT ENCODING`.
    pub fn encoding(&self) -> &'static str {
        if self.listpack {
            "listpack"
        } else {
            "skiplist"
        }
    }

    pub fn is_listpack(&self) -> bool {
        self.listpack
    }

    /// Converts to `skiplist` (never back: Redis converts a set back only when a store command
    /// builds a new one, see `set_natural_encoding`).
    pub fn convert_to_skiplist(&mut self) {
        self.listpack = false;
    }

    /// The encoding a set built from scratch gets (ZUNIONSTORE and the other stores:
    /// `zsetConvertToListpackIfNeeded`, and ZRANGESTORE's adds).
    pub fn set_natural_encoding(&mut self) {
        self.listpack = self.len() <= MAX_LISTPACK_ENTRIES
            && self.scores.keys().all(|m| m.len() <= MAX_LISTPACK_VALUE);
        if self.listpack {
            // A listpack keeps no -0 (see `insert`); -0 and 0 sort alike, so the order stands.
            for ch in &mut self.chunks {
                if ch.iter().any(|(s, _)| is_neg_zero(*s)) {
                    for (s, m) in Arc::make_mut(ch).iter_mut() {
                        if is_neg_zero(*s) {
                            *s = 0.0;
                            self.scores.insert(m.clone(), 0.0);
                        }
                    }
                }
            }
        }
    }

    /// An empty set in the big encoding (what Redis's set operations build before choosing
    /// the stored result's encoding).
    pub fn new_skiplist() -> ZSet {
        ZSet {
            listpack: false,
            ..ZSet::new()
        }
    }

    pub fn score(&self, member: &[u8]) -> Option<f64> {
        self.scores.get(member).copied()
    }

    /// Adds a member that is not in the set, converting the encoding first as `zsetAdd` does
    /// (the listpack would grow past its entry limit or the member is too long).
    pub fn add(&mut self, score: f64, member: Vec<u8>) {
        if self.listpack
            && (self.len() + 1 > MAX_LISTPACK_ENTRIES || member.len() > MAX_LISTPACK_VALUE)
        {
            self.listpack = false;
        }
        self.insert(score, member);
    }

    /// Where (score, member) is or would go: (chunk, position in it, found).
    fn locate(&self, score: f64, member: &[u8]) -> (usize, usize, bool) {
        let c = self.chunks.partition_point(|ch| {
            let (s, m) = ch.last().expect("chunks are never empty");
            cmp_item((*s, m), (score, member)) == Ordering::Less
        });
        let c = c.min(self.chunks.len().saturating_sub(1));
        match self.chunks.get(c) {
            None => (0, 0, false),
            Some(ch) => match ch.binary_search_by(|(s, m)| cmp_item((*s, m), (score, member))) {
                Ok(p) => (c, p, true),
                Err(p) => (c, p, false),
            },
        }
    }

    fn insert(&mut self, score: f64, member: Vec<u8>) {
        debug_assert!(!score.is_nan());
        // A listpack stores a score as text, and the listpack reads "-0" back as the integer 0:
        // a -0 kept in a listpack is 0 (a skiplist keeps the double as it is).
        let score = if self.listpack && score == 0.0 {
            0.0
        } else {
            score
        };
        self.bytes += 2 * member.len() + MEMBER_OVERHEAD;
        self.scores.insert(member.clone(), score);
        if self.chunks.is_empty() {
            self.chunks.push(Arc::new(vec![(score, member)]));
            return;
        }
        let (c, p, found) = self.locate(score, &member);
        debug_assert!(!found);
        let chunk = Arc::make_mut(&mut self.chunks[c]);
        chunk.insert(p, (score, member));
        if chunk.len() > 2 * CHUNK {
            let tail = chunk.split_off(CHUNK);
            self.chunks.insert(c + 1, Arc::new(tail));
        }
    }

    /// Removes a member; returns its score.
    pub fn remove(&mut self, member: &[u8]) -> Option<f64> {
        let score = self.scores.remove(member)?;
        let (c, p, found) = self.locate(score, member);
        debug_assert!(found);
        if found {
            self.remove_at(c, p);
        }
        Some(score)
    }

    fn remove_at(&mut self, c: usize, p: usize) -> Item {
        let chunk = Arc::make_mut(&mut self.chunks[c]);
        let item = chunk.remove(p);
        if chunk.is_empty() {
            self.chunks.remove(c);
        } else if chunk.len() < CHUNK / 4 && c + 1 < self.chunks.len() {
            // Merge a small chunk into the next one so that ranks stay cheap after many removals.
            if self.chunks[c + 1].len() + self.chunks[c].len() <= 2 * CHUNK {
                let next = self.chunks.remove(c + 1);
                Arc::make_mut(&mut self.chunks[c]).extend(next.iter().cloned());
            }
        }
        self.bytes -= 2 * item.1.len() + MEMBER_OVERHEAD;
        item
    }

    /// Changes the score of a member that is in the set.
    pub fn set_score(&mut self, member: &[u8], score: f64) {
        if self.remove(member).is_some() {
            self.insert(score, member.to_vec());
        }
    }

    /// The 0-based rank of a member in ascending order.
    pub fn rank(&self, member: &[u8]) -> Option<usize> {
        let score = self.score(member)?;
        let (c, p, _) = self.locate(score, member);
        Some(self.chunks[..c].iter().map(|ch| ch.len()).sum::<usize>() + p)
    }

    /// (chunk, position) of the entry at index `i` (`i < len`).
    fn position(&self, mut i: usize) -> (usize, usize) {
        for (c, ch) in self.chunks.iter().enumerate() {
            if i < ch.len() {
                return (c, i);
            }
            i -= ch.len();
        }
        (self.chunks.len(), 0)
    }

    /// The entries at indexes `start..end` (ascending order; reverse it for descending).
    pub fn range(
        &self,
        start: usize,
        end: usize,
    ) -> impl DoubleEndedIterator<Item = (f64, &[u8])> + '_ {
        let end = end.min(self.len());
        let start = start.min(end);
        let (c0, p0) = self.position(start);
        let (c1, p1) = if end == self.len() {
            (self.chunks.len(), 0)
        } else {
            self.position(end)
        };
        let last = if p1 == 0 { c1 } else { c1 + 1 };
        (c0..last).flat_map(move |c| {
            let ch = &self.chunks[c];
            let from = if c == c0 { p0 } else { 0 };
            let to = if c == c1 { p1 } else { ch.len() };
            ch[from..to].iter().map(|(s, m)| (*s, m.as_slice()))
        })
    }

    /// Every entry in ascending order.
    pub fn iter(&self) -> impl DoubleEndedIterator<Item = (f64, &[u8])> + '_ {
        self.chunks
            .iter()
            .flat_map(|ch| ch.iter().map(|(s, m)| (*s, m.as_slice())))
    }

    /// The entry at index `i`.
    pub fn get(&self, i: usize) -> Option<(f64, &[u8])> {
        self.range(i, i + 1).next()
    }

    /// The first index whose entry fails `pred`, for a `pred` that holds for a prefix of the
    /// order (binary search over chunks, then inside one).
    pub fn partition_point(&self, pred: impl Fn(f64, &[u8]) -> bool) -> usize {
        let c = self.chunks.partition_point(|ch| {
            let (s, m) = ch.last().expect("chunks are never empty");
            pred(*s, m)
        });
        let before: usize = self.chunks[..c].iter().map(|ch| ch.len()).sum();
        match self.chunks.get(c) {
            None => before,
            Some(ch) => before + ch.partition_point(|(s, m)| pred(*s, m)),
        }
    }

    /// Removes the entries at indexes `start..end`, returning them in order.
    pub fn remove_range(&mut self, start: usize, end: usize) -> Vec<Item> {
        let end = end.min(self.len());
        let mut out = Vec::with_capacity(end.saturating_sub(start));
        for _ in start..end {
            let (c, p) = self.position(start);
            let item = self.remove_at(c, p);
            self.scores.remove(&item.1);
            out.push(item);
        }
        out
    }

    /// The indexes `start..end` of the entries within a score range (empty when none).
    pub fn score_span(&self, r: &ScoreRange) -> (usize, usize) {
        if r.is_empty() {
            return (0, 0);
        }
        let a = self.partition_point(|s, _| !r.gte_min(s));
        let b = self.partition_point(|s, _| r.lte_max(s));
        (a, b.max(a))
    }

    /// The indexes of the entries within a lex range, found as Redis finds them: in a listpack
    /// by a walk from the end the range is read from (so a set whose scores differ answers as
    /// Redis's listpack does), in a skiplist by binary search (Redis's skiplist descent, which
    /// agrees with it whenever the members are in byte order, the only case Redis defines).
    /// Returns `start..end` in ascending order.
    pub fn lex_span(&self, r: &LexRange, reverse: bool) -> (usize, usize) {
        let n = self.len();
        let in_range = !r.is_empty()
            && self
                .get(n.wrapping_sub(1))
                .is_some_and(|(_, m)| r.gte_min(m))
            && self.get(0).is_some_and(|(_, m)| r.lte_max(m));
        if !in_range {
            return (0, 0);
        }
        if !self.listpack {
            let a = self.partition_point(|_, m| !r.gte_min(m));
            let b = self.partition_point(|_, m| r.lte_max(m));
            return (a, b.max(a));
        }
        let members: Vec<&[u8]> = self.iter().map(|(_, m)| m).collect();
        if reverse {
            let Some(b) = members.iter().rposition(|m| r.lte_max(m)) else {
                return (0, 0);
            };
            if !r.gte_min(members[b]) {
                return (0, 0);
            }
            let a = members[..b]
                .iter()
                .rposition(|m| !r.gte_min(m))
                .map_or(0, |i| i + 1);
            (a, b + 1)
        } else {
            let Some(a) = members.iter().position(|m| r.gte_min(m)) else {
                return (0, 0);
            };
            if !r.lte_max(members[a]) {
                return (0, 0);
            }
            let b = members[a..]
                .iter()
                .position(|m| !r.lte_max(m))
                .map_or(n, |i| a + i);
            (a, b)
        }
    }
}

/// A score interval (`zrangespec`).
#[derive(Clone, Copy, Debug, PartialEq)]
pub(crate) struct ScoreRange {
    pub min: f64,
    pub max: f64,
    pub minex: bool,
    pub maxex: bool,
}

impl ScoreRange {
    pub fn gte_min(&self, v: f64) -> bool {
        if self.minex {
            v > self.min
        } else {
            v >= self.min
        }
    }

    pub fn lte_max(&self, v: f64) -> bool {
        if self.maxex {
            v < self.max
        } else {
            v <= self.max
        }
    }

    fn is_empty(&self) -> bool {
        self.min > self.max || (self.min == self.max && (self.minex || self.maxex))
    }

    /// `zslParseRange`: `(` makes a bound exclusive; the rest is read by `strtod` up to the
    /// first NUL and must be used up (leading blanks are skipped, an empty rest is 0, NaN is
    /// refused, out-of-range values become infinities or zero).
    /// `v8`: Redis 8 reads a bound with `fast_float`, which takes no leading blanks and no
    /// hexadecimal (8.0.2 refuses `" 1"` and `0x10`), where 7.0's `strtod` reads both.
    pub fn parse(min: &[u8], max: &[u8], v8: bool) -> Option<ScoreRange> {
        let bound = |arg: &[u8]| -> Option<(f64, bool)> {
            let arg = c_str(arg);
            let (rest, ex) = match arg.split_first() {
                Some((b'(', rest)) => (rest, true),
                _ => (arg, false),
            };
            if rest.is_empty() {
                return Some((0.0, ex));
            }
            let start = rest.iter().position(|b| !is_c_space(*b))?;
            // Nor hexadecimal, which `strtod` reads (ZADD's scores still take it in 8.0.2).
            let digits = rest
                .strip_prefix(b"-")
                .or(rest.strip_prefix(b"+"))
                .unwrap_or(rest);
            let hex = digits.len() > 1 && digits[0] == b'0' && digits[1] | 0x20 == b'x';
            if v8 && (start > 0 || hex) {
                return None;
            }
            let (v, _) = strtod(&rest[start..])?;
            (!v.is_nan()).then_some((v, ex))
        };
        let (min, minex) = bound(min)?;
        let (max, maxex) = bound(max)?;
        Some(ScoreRange {
            min,
            max,
            minex,
            maxex,
        })
    }
}

/// One end of a lex interval (`zlexrangespec`): `-` and `+` are below and above every member.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum LexBound {
    Min,
    Max,
    Inclusive(Vec<u8>),
    Exclusive(Vec<u8>),
}

impl LexBound {
    /// `zslParseLexRangeItem`.
    fn parse(arg: &[u8]) -> Option<LexBound> {
        match arg.first() {
            Some(b'+') if c_str(&arg[1..]).is_empty() => Some(LexBound::Max),
            Some(b'-') if c_str(&arg[1..]).is_empty() => Some(LexBound::Min),
            Some(b'(') => Some(LexBound::Exclusive(arg[1..].to_vec())),
            Some(b'[') => Some(LexBound::Inclusive(arg[1..].to_vec())),
            _ => None,
        }
    }

    /// `sdscmplex` of this bound against a member.
    fn cmp_member(&self, m: &[u8]) -> Ordering {
        match self {
            LexBound::Min => Ordering::Less,
            LexBound::Max => Ordering::Greater,
            LexBound::Inclusive(b) | LexBound::Exclusive(b) => b.as_slice().cmp(m),
        }
    }

    fn exclusive(&self) -> bool {
        !matches!(self, LexBound::Inclusive(_))
    }
}

/// A lex interval.
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct LexRange {
    pub min: LexBound,
    pub max: LexBound,
}

impl LexRange {
    /// `zslParseLexRange`.
    pub fn parse(min: &[u8], max: &[u8]) -> Option<LexRange> {
        Some(LexRange {
            min: LexBound::parse(min)?,
            max: LexBound::parse(max)?,
        })
    }

    pub fn gte_min(&self, m: &[u8]) -> bool {
        match self.min.cmp_member(m) {
            Ordering::Less => true,
            Ordering::Equal => !self.min.exclusive(),
            Ordering::Greater => false,
        }
    }

    pub fn lte_max(&self, m: &[u8]) -> bool {
        match self.max.cmp_member(m) {
            Ordering::Greater => true,
            Ordering::Equal => !self.max.exclusive(),
            Ordering::Less => false,
        }
    }

    /// `zslIsInLexRange`'s first test: min above max, or equal with an exclusive end.
    fn is_empty(&self) -> bool {
        use LexBound::*;
        let c = match (&self.min, &self.max) {
            (Min, Min) | (Max, Max) => Ordering::Equal,
            (Min, _) | (_, Max) => Ordering::Less,
            (Max, _) | (_, Min) => Ordering::Greater,
            (Inclusive(a) | Exclusive(a), Inclusive(b) | Exclusive(b)) => a.cmp(b),
        };
        c == Ordering::Greater
            || (c == Ordering::Equal && (self.min.exclusive() || self.max.exclusive()))
    }
}

/// The bytes of an argument up to its first NUL (what C string functions see).
fn c_str(s: &[u8]) -> &[u8] {
    &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())]
}

/// C's `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// C `strtod` over the whole of `s` (no leading blanks): the value and whether it is out of
/// range (`ERANGE`: overflow to an infinity, or a nonzero number that became 0). `None` when
/// `s` is not entirely one number. Decimal, `inf`/`infinity`/`nan` and hexadecimal forms.
pub(crate) fn strtod(s: &[u8]) -> Option<(f64, bool)> {
    let (neg, body) = match s.split_first() {
        Some((b'-', r)) => (true, r),
        Some((b'+', r)) => (false, r),
        _ => (false, s),
    };
    let lower = body.to_ascii_lowercase();
    let v = if lower == b"inf" || lower == b"infinity" {
        return Some((
            if neg {
                f64::NEG_INFINITY
            } else {
                f64::INFINITY
            },
            false,
        ));
    } else if lower.starts_with(b"nan") {
        // `nan` or `nan(n-char-sequence)`.
        let rest = &lower[3..];
        let ok = rest.is_empty()
            || (rest.first() == Some(&b'(')
                && rest.last() == Some(&b')')
                && rest[1..rest.len() - 1]
                    .iter()
                    .all(|b| b.is_ascii_alphanumeric() || *b == b'_'));
        return ok.then_some((f64::NAN, false));
    } else if lower.starts_with(b"0x") {
        parse_hex(&lower[2..])?
    } else {
        // Rust's parser is correctly rounded, as glibc's is; it takes the same decimal forms
        // once signs, infinities and NaNs are handled above.
        if body
            .first()
            .is_some_and(|b| !b.is_ascii_digit() && *b != b'.')
        {
            return None;
        }
        let text = std::str::from_utf8(body).ok()?;
        let v: f64 = text.parse().ok()?;
        let nonzero_digits = body
            .iter()
            .take_while(|b| !matches!(b, b'e' | b'E'))
            .any(|b| (b'1'..=b'9').contains(b));
        let erange = v.is_infinite() || (v == 0.0 && nonzero_digits);
        let v = if v.is_infinite() { f64::INFINITY } else { v };
        return Some((if neg { -v } else { v }, erange));
    };
    Some((if neg { -v.0 } else { v.0 }, v.1))
}

/// A hexadecimal float after its `0x`: hex digits with an optional point, then an optional
/// binary exponent `p[+-]digits`.
fn parse_hex(s: &[u8]) -> Option<(f64, bool)> {
    let (mant, exp) = match s.iter().position(|&b| b == b'p') {
        Some(i) => (&s[..i], Some(&s[i + 1..])),
        None => (s, None),
    };
    let mut value: u128 = 0;
    let mut shift: i64 = 0;
    let mut sticky = false;
    let mut digits = 0;
    let mut seen_point = false;
    for &b in mant {
        if b == b'.' && !seen_point {
            seen_point = true;
            continue;
        }
        let d = (b as char).to_digit(16)?;
        digits += 1;
        if value >> 120 == 0 {
            value = value << 4 | u128::from(d);
            if seen_point {
                shift -= 4;
            }
        } else {
            sticky |= d != 0;
            if !seen_point {
                shift += 4;
            }
        }
    }
    if digits == 0 {
        return None;
    }
    if let Some(e) = exp {
        let (eneg, ed) = match e.split_first() {
            Some((b'-', r)) => (true, r),
            Some((b'+', r)) => (false, r),
            _ => (false, e),
        };
        if ed.is_empty() || !ed.iter().all(u8::is_ascii_digit) {
            return None;
        }
        let n = ed
            .iter()
            .fold(0i64, |a, &d| (a * 10 + i64::from(d - b'0')).min(100_000));
        shift += if eneg { -n } else { n };
    }
    let v = (value | u128::from(sticky)) as f64 * 2f64.powi(shift.clamp(-2000, 2000) as i32);
    Some((v, v.is_infinite() || (v == 0.0 && value != 0)))
}

/// `getDoubleFromObject` for a score or increment: the whole argument is one number, with no
/// leading blank, not NaN, not out of range.
pub(crate) fn parse_score(arg: &[u8]) -> Option<f64> {
    if arg.first().is_none_or(|b| is_c_space(*b)) {
        return None;
    }
    match strtod(arg)? {
        (v, false) if !v.is_nan() => Some(v),
        _ => None,
    }
}

/// C's `%.17g` (7.0's `addReplyDouble` and every score 7.0 prints; `inf`, `-inf`, `-0`).
pub(crate) fn fmt_g17(d: f64) -> String {
    if d.is_nan() {
        return "nan".into();
    }
    if d.is_infinite() {
        return if d > 0.0 { "inf" } else { "-inf" }.into();
    }
    if d == 0.0 {
        return if d.is_sign_negative() { "-0" } else { "0" }.into();
    }
    let sci = format!("{d:.16e}");
    let (mant, exp) = sci.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("exponent");
    if (-4..17).contains(&exp) {
        let fixed = format!("{:.*}", (16 - exp) as usize, d);
        strip_zeros(&fixed).to_string()
    } else {
        let mant = strip_zeros(mant);
        let sign = if exp < 0 { '-' } else { '+' };
        format!("{mant}e{sign}{:02}", exp.abs())
    }
}

/// Drops trailing zeros after a decimal point, and the point itself when nothing follows.
fn strip_zeros(s: &str) -> &str {
    if s.contains('.') {
        s.trim_end_matches('0').trim_end_matches('.')
    } else {
        s
    }
}

/// Redis 7.2+'s `d2string`: integers within ±2^62 as integers, otherwise the shortest digits
/// that read back as the same double, laid out by `fpconv_dtoa`'s `emit_digits`. (Redis finds the
/// digits with Grisu2, which in rare cases gives a longer string than the shortest; the
/// engine uses Rust's shortest form.)
pub(crate) fn fmt_shortest(d: f64) -> String {
    if d.is_nan() || d.is_infinite() || d == 0.0 {
        return fmt_g17(d);
    }
    let limit = (i64::MAX / 2) as f64;
    if (-limit..=limit).contains(&d) && d.fract() == 0.0 {
        return (d as i64).to_string();
    }
    let sci = format!("{:e}", d.abs());
    let (mant, exp) = sci.split_once('e').expect("exponent form");
    let exp: i32 = exp.parse().expect("exponent");
    let digits: String = mant.chars().filter(|c| *c != '.').collect();
    let nd = digits.len() as i32;
    let k = exp - (nd - 1);
    let sign = if d < 0.0 { "-" } else { "" };
    let e = (k + nd - 1).abs();
    let body = if k >= 0 && e < nd + 7 {
        format!("{digits}{}", "0".repeat(k as usize))
    } else if k < 0 && (k > -7 || e < 4) {
        let offset = nd + k;
        if offset <= 0 {
            format!("0.{}{digits}", "0".repeat((-offset) as usize))
        } else {
            let (a, b) = digits.split_at(offset as usize);
            format!("{a}.{b}")
        }
    } else {
        let (first, rest) = digits.split_at(1);
        let dot = if rest.is_empty() { "" } else { "." };
        let esign = if k + nd - 1 < 0 { '-' } else { '+' };
        format!("{first}{dot}{rest}e{esign}{e}")
    };
    format!("{sign}{body}")
}

/// A score as Redis prints it in a reply, per profile.
pub(crate) fn fmt_score(d: f64, v8: bool) -> String {
    if v8 {
        fmt_shortest(d)
    } else {
        fmt_g17(d)
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn g17_matches_c() {
        for (d, want) in [
            (1.5, "1.5"),
            (0.1, "0.10000000000000001"),
            (100.0, "100"),
            (1e17, "1e+17"),
            (1e16, "10000000000000000"),
            (1.0 / 3.0, "0.33333333333333331"),
            (1e-5, "1.0000000000000001e-05"),
            (0.0001, "0.0001"),
            (-0.0, "-0"),
            (f64::INFINITY, "inf"),
            (f64::NEG_INFINITY, "-inf"),
            (1e300, "1.0000000000000001e+300"),
            (123456789.125, "123456789.125"),
            (5e-324, "4.9406564584124654e-324"),
        ] {
            assert_eq!(fmt_g17(d), want, "{d:e}");
        }
    }

    #[test]
    fn shortest_matches_fpconv_layout() {
        for (d, want) in [
            (1.5, "1.5"),
            (0.1, "0.1"),
            (100.0, "100"),
            (1e17, "100000000000000000"),
            (1e19, "1e+19"),
            (1.5e20, "1.5e+20"),
            (123e10, "1230000000000"),
            (1e25, "1e+25"),
            (1.0 / 3.0, "0.3333333333333333"),
            (1e-5, "0.00001"),
            (1.5e-7, "1.5e-7"),
            (-2.5, "-2.5"),
            (-0.0, "-0"),
            (f64::INFINITY, "inf"),
            (1e300, "1e+300"),
            (123456.789, "123456.789"),
        ] {
            assert_eq!(fmt_shortest(d), want, "{d:e}");
        }
    }

    #[test]
    fn scores_parse_as_strtod() {
        assert_eq!(parse_score(b"1.5"), Some(1.5));
        assert_eq!(parse_score(b"+inf"), Some(f64::INFINITY));
        assert_eq!(parse_score(b"-Infinity"), Some(f64::NEG_INFINITY));
        assert_eq!(parse_score(b"0x10"), Some(16.0));
        assert_eq!(parse_score(b"0x1.8p1"), Some(3.0));
        assert_eq!(parse_score(b".5"), Some(0.5));
        assert_eq!(parse_score(b"5."), Some(5.0));
        assert_eq!(parse_score(b"1e-320"), Some(1e-320));
        for bad in [
            &b""[..],
            b" 1",
            b"1 ",
            b"nan",
            b"1e400",
            b"1e-400",
            b"abc",
            b"1e",
            b"1\x002",
            b"--1",
            b"inf ",
        ] {
            assert_eq!(parse_score(bad), None, "{bad:?}");
        }
        assert!(parse_score(b"-0").unwrap().is_sign_negative());
    }

    #[test]
    fn ranges_parse_as_redis() {
        let r = ScoreRange::parse(b"(1", b"", false).unwrap();
        assert_eq!((r.min, r.minex, r.max, r.maxex), (1.0, true, 0.0, false));
        assert!(ScoreRange::parse(b" 5", b"1e400", false).is_some());
        assert!(ScoreRange::parse(b" 5", b"1e400", true).is_none());
        assert!(ScoreRange::parse(b" ", b"1", false).is_none());
        assert!(ScoreRange::parse(b"nan", b"1", false).is_none());
        assert!(ScoreRange::parse(b"1x", b"1", false).is_none());
        assert!(LexRange::parse(b"-", b"+").is_some());
        assert!(LexRange::parse(b"a", b"+").is_none());
        assert!(LexRange::parse(b"+x", b"+").is_none());
    }

    #[test]
    fn order_rank_and_ranges() {
        let mut z = ZSet::new();
        for i in 0..2000u32 {
            z.add(f64::from(i % 97), format!("m{i}").into_bytes());
        }
        assert!(!z.is_listpack());
        let all: Vec<(f64, Vec<u8>)> = z.iter().map(|(s, m)| (s, m.to_vec())).collect();
        let mut sorted = all.clone();
        sorted.sort_by(|a, b| cmp_item((a.0, &a.1), (b.0, &b.1)));
        assert_eq!(all, sorted);
        for (i, (_, m)) in all.iter().enumerate().step_by(37) {
            assert_eq!(z.rank(m), Some(i));
            assert_eq!(z.get(i).unwrap().1, m.as_slice());
        }
        let part: Vec<_> = z.range(300, 700).map(|(_, m)| m.to_vec()).collect();
        assert_eq!(part.len(), 400);
        assert_eq!(part[0], all[300].1);
        let removed = z.remove_range(10, 1500);
        assert_eq!(removed.len(), 1490);
        assert_eq!(z.len(), 510);
        assert_eq!(z.rank(&all[1500].1), Some(10));
        let saved = postcard::to_allocvec(&z).unwrap();
        let back: ZSet = postcard::from_bytes(&saved).unwrap();
        assert_eq!(back.iter().count(), 510);
        assert_eq!(back.mem_size(), z.mem_size());
    }

    mod model {
        use super::super::*;
        use proptest::prelude::*;
        use std::collections::BTreeMap;

        #[derive(Debug, Clone)]
        enum Op {
            Add(i8, u16),
            Remove(u16),
            RemoveRange(u16, u16),
            SetScore(u16, i8),
        }

        fn op() -> impl Strategy<Value = Op> {
            prop_oneof![
                4 => (any::<i8>(), 0u16..400).prop_map(|(s, m)| Op::Add(s, m)),
                2 => (0u16..400).prop_map(Op::Remove),
                1 => (0u16..300, 0u16..40).prop_map(|(a, n)| Op::RemoveRange(a, n)),
                2 => (0u16..400, any::<i8>()).prop_map(|(m, s)| Op::SetScore(m, s)),
            ]
        }

        fn name(m: u16) -> Vec<u8> {
            format!("m{m}").into_bytes()
        }

        proptest! {
            #![proptest_config(ProptestConfig::with_cases(64))]
            /// Random changes to a `ZSet` against a member → score map: the order, ranks, length,
            /// byte count and score spans agree after every step, and a clone taken midway is
            /// untouched by later changes.
            #[test]
            fn zset_matches_a_map(ops in proptest::collection::vec(op(), 1..600)) {
                let mut z = ZSet::new();
                let mut model: BTreeMap<Vec<u8>, f64> = BTreeMap::new();
                let mut snapshot: Option<(ZSet, Vec<(f64, Vec<u8>)>)> = None;
                for (step, op) in ops.iter().enumerate() {
                    match *op {
                        Op::Add(s, m) => {
                            if !model.contains_key(&name(m)) {
                                z.add(f64::from(s) / 4.0, name(m));
                                model.insert(name(m), f64::from(s) / 4.0);
                            }
                        }
                        Op::Remove(m) => {
                            prop_assert_eq!(z.remove(&name(m)), model.remove(&name(m)));
                        }
                        Op::RemoveRange(a, n) => {
                            let mut sorted: Vec<(f64, Vec<u8>)> =
                                model.iter().map(|(m, s)| (*s, m.clone())).collect();
                            sorted.sort_by(|x, y| cmp_item((x.0, &x.1), (y.0, &y.1)));
                            let (a, b) = (a as usize, a as usize + n as usize);
                            let gone = z.remove_range(a, b);
                            let want: Vec<_> = sorted.iter().skip(a).take(b.saturating_sub(a)).cloned().collect();
                            prop_assert_eq!(&gone, &want);
                            for (_, m) in want {
                                model.remove(&m);
                            }
                        }
                        Op::SetScore(m, s) => {
                            if model.contains_key(&name(m)) {
                                z.set_score(&name(m), f64::from(s));
                                model.insert(name(m), f64::from(s));
                            }
                        }
                    }
                    let mut sorted: Vec<(f64, Vec<u8>)> =
                        model.iter().map(|(m, s)| (*s, m.clone())).collect();
                    sorted.sort_by(|x, y| cmp_item((x.0, &x.1), (y.0, &y.1)));
                    let got: Vec<(f64, Vec<u8>)> = z.iter().map(|(s, m)| (s, m.to_vec())).collect();
                    prop_assert_eq!(&got, &sorted);
                    prop_assert_eq!(z.len(), model.len());
                    let bytes: usize = model.keys().map(|m| 2 * m.len() + MEMBER_OVERHEAD).sum();
                    prop_assert_eq!(z.mem_size(), bytes);
                    if step % 25 == 0 {
                        for (i, (_, m)) in sorted.iter().enumerate() {
                            prop_assert_eq!(z.rank(m), Some(i));
                        }
                        let r = ScoreRange { min: -10.0, max: 10.0, minex: true, maxex: false };
                        let (a, b) = z.score_span(&r);
                        let want = sorted.iter().filter(|(s, _)| *s > -10.0 && *s <= 10.0).count();
                        prop_assert_eq!(b - a, want);
                        if snapshot.is_none() {
                            snapshot = Some((z.clone(), got.clone()));
                        }
                    }
                }
                if let Some((snap, items)) = snapshot {
                    let now: Vec<(f64, Vec<u8>)> = snap.iter().map(|(s, m)| (s, m.to_vec())).collect();
                    prop_assert_eq!(now, items);
                }
            }
        }
    }
}
