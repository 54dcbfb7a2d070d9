//! The list type: its elements in order, Redis's index arithmetic (negative
//! indexes, clamped ranges) and the encoding `OBJECT ENCODING` reports.
//!
//! Redis 7.0 keeps every list in a quicklist. Redis 7.2+ (profile 8) keeps a
//! small list as one listpack and converts it at `list-max-listpack-size`'s
//! default of -2 (8 KB): before a write that would grow the listpack past
//! 8192 bytes (`listTypeTryConvertListpack`: its bytes plus the raw length of
//! every added argument), and back once a shrinking write leaves it within half
//! of that (`listTypeTryConvertQuicklist`). Redis converts back only a
//! quicklist of one node; the engine does not lay out quicklist nodes and takes
//! the whole list's listpack size instead, so the two can differ in which write
//! converts a list that spread over several nodes.

use std::collections::VecDeque;

use super::stream::listpack;

/// Which end of a list (`LIST_HEAD` is `Left`, `LIST_TAIL` is `Right`).
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum End {
    Left,
    Right,
}

/// `lpBytes` of an empty listpack: the 6-byte header and the end byte.
const LP_EMPTY: usize = 7;
/// The listpack size limit of `list-max-listpack-size -2`.
const LP_LIMIT: usize = 8192;
/// What a list costs besides its elements' listpack bytes (`mem_size`).
const LIST_OVERHEAD: usize = 48;

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct List {
    items: VecDeque<Vec<u8>>,
    /// The bytes the elements take in a listpack (`listpack::str_size` each).
    lp_elems: usize,
    /// Whether Redis 7.2+ holds the list as a listpack (never in profile 7.0).
    packed: bool,
}

impl List {
    /// An empty list as a push creates it: a listpack in profile 8.
    pub fn new(v8: bool) -> List {
        List {
            items: VecDeque::new(),
            lp_elems: 0,
            packed: v8,
        }
    }

    pub fn len(&self) -> usize {
        self.items.len()
    }

    pub fn is_empty(&self) -> bool {
        self.items.is_empty()
    }

    /// `listpack` or `quicklist`, as `OBJECT ENCODING` reports it.
    pub fn encoding(&self) -> &'static str {
        if self.packed {
            "listpack"
        } else {
            "quicklist"
        }
    }

    pub fn mem_size(&self) -> usize {
        LIST_OVERHEAD + self.lp_elems + self.items.len() * 8
    }

    /// The element at a position (`0..len`).
    pub fn at(&self, i: usize) -> &Vec<u8> {
        &self.items[i]
    }

    /// A Redis index (negative counts from the tail) as a position, if in range.
    pub fn position(&self, index: i64) -> Option<usize> {
        let len = self.items.len() as i64;
        let i = if index < 0 { len + index } else { index };
        (0..len).contains(&i).then_some(i as usize)
    }

    pub fn get(&self, index: i64) -> Option<&Vec<u8>> {
        self.position(index).map(|i| &self.items[i])
    }

    /// `addListRangeReply`'s range: `start..=end` with negative indexes from the
    /// tail, clamped; `None` when empty.
    pub fn range(&self, start: i64, end: i64) -> Option<(usize, usize)> {
        let len = self.items.len() as i64;
        let mut start = if start < 0 { len + start } else { start };
        let mut end = if end < 0 { len + end } else { end };
        start = start.max(0);
        if start > end || start >= len {
            return None;
        }
        end = end.min(len - 1);
        Some((start as usize, end as usize))
    }

    /// `listTypeTryConvertListpack`: before adding `added`, a listpack that
    /// would pass the limit becomes a quicklist.
    fn before_growing<'a>(&mut self, added: impl Iterator<Item = &'a Vec<u8>>) {
        if self.packed {
            let add: usize = added.map(Vec::len).sum();
            if LP_EMPTY + self.lp_elems + add > LP_LIMIT {
                self.packed = false;
            }
        }
    }

    /// `listTypeTryConvertQuicklist` after a shrinking write (profile 8 only).
    pub fn after_shrinking(&mut self, v8: bool) {
        if v8 && !self.packed && LP_EMPTY + self.lp_elems <= LP_LIMIT / 2 {
            self.packed = true;
        }
    }

    fn take(&mut self, v: Vec<u8>) -> Vec<u8> {
        self.lp_elems -= listpack::str_size(&v);
        v
    }

    /// Pushes each value in turn at `end` (LPUSH a b c leaves c first).
    pub fn push(&mut self, end: End, values: &[Vec<u8>]) {
        self.before_growing(values.iter());
        for v in values {
            self.lp_elems += listpack::str_size(v);
            match end {
                End::Left => self.items.push_front(v.clone()),
                End::Right => self.items.push_back(v.clone()),
            }
        }
    }

    /// Pops up to `n` elements from `end`, in the order they were popped.
    pub fn pop(&mut self, end: End, n: usize) -> Vec<Vec<u8>> {
        let n = n.min(self.items.len());
        let popped: Vec<Vec<u8>> = match end {
            End::Left => self.items.drain(..n).collect(),
            End::Right => {
                let at = self.items.len() - n;
                self.items.drain(at..).rev().collect()
            }
        };
        popped.into_iter().map(|v| self.take(v)).collect()
    }

    /// LSET: replaces the element at `index`; false when out of range.
    pub fn set(&mut self, index: i64, value: &[u8], v8: bool) -> bool {
        let value = value.to_vec();
        self.before_growing(std::iter::once(&value));
        let Some(i) = self.position(index) else {
            return false;
        };
        self.lp_elems += listpack::str_size(&value);
        let old = std::mem::replace(&mut self.items[i], value);
        self.take(old);
        self.after_shrinking(v8);
        true
    }

    /// LINSERT: inserts `value` before or after the first `pivot`; false when
    /// there is none. (Redis converts before looking for the pivot.)
    pub fn insert(&mut self, pivot: &[u8], value: &[u8], before: bool) -> bool {
        let value = value.to_vec();
        self.before_growing(std::iter::once(&value));
        let Some(i) = self.items.iter().position(|e| e == pivot) else {
            return false;
        };
        self.lp_elems += listpack::str_size(&value);
        self.items.insert(if before { i } else { i + 1 }, value);
        true
    }

    /// LREM: removes up to `count` elements equal to `value` (all when 0),
    /// from the tail when `count` is negative; answers how many.
    pub fn remove(&mut self, count: i64, value: &[u8]) -> usize {
        let limit = if count == 0 {
            usize::MAX
        } else {
            usize::try_from(count.unsigned_abs()).unwrap_or(usize::MAX)
        };
        // Positions in scanning order: ascending from the head, descending
        // from the tail; removed from the highest down so the others stay valid.
        let len = self.items.len();
        let mut hits: Vec<usize> = (0..len)
            .map(|k| if count < 0 { len - 1 - k } else { k })
            .filter(|&i| self.items[i] == value)
            .take(limit)
            .collect();
        if count >= 0 {
            hits.reverse();
        }
        for &i in &hits {
            if let Some(v) = self.items.remove(i) {
                self.take(v);
            }
        }
        hits.len()
    }

    /// LTRIM: keeps `start..=end` (Redis's index rules); answers how many
    /// elements went.
    pub fn trim(&mut self, start: i64, end: i64) -> usize {
        let len = self.items.len();
        let (keep_from, keep_to) = match self.range(start, end) {
            Some(r) => r,
            None => (len, len),
        };
        let tail: Vec<Vec<u8>> = if keep_to < len && keep_from < len {
            self.items.drain(keep_to + 1..).collect()
        } else {
            Vec::new()
        };
        let head: Vec<Vec<u8>> = self
            .items
            .drain(..keep_from.min(self.items.len()))
            .collect();
        let n = head.len() + tail.len();
        for v in head.into_iter().chain(tail) {
            self.take(v);
        }
        n
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn list(items: &[&str]) -> List {
        let mut l = List::new(true);
        let v: Vec<Vec<u8>> = items.iter().map(|s| s.as_bytes().to_vec()).collect();
        l.push(End::Right, &v);
        l
    }

    fn items(l: &List) -> Vec<String> {
        (0..l.len())
            .map(|i| String::from_utf8_lossy(l.at(i)).into_owned())
            .collect()
    }

    #[test]
    fn ranges_follow_redis_index_rules() {
        let l = list(&["a", "b", "c", "d"]);
        assert_eq!(l.range(0, -1), Some((0, 3)));
        assert_eq!(l.range(-100, 1), Some((0, 1)));
        assert_eq!(l.range(2, 100), Some((2, 3)));
        assert_eq!(l.range(3, 2), None);
        assert_eq!(l.range(4, 10), None);
        assert_eq!(l.range(0, -5), None);
        assert_eq!(l.get(-1).map(Vec::as_slice), Some(&b"d"[..]));
        assert_eq!(l.get(4), None);
        assert_eq!(l.get(-5), None);
    }

    #[test]
    fn edits_keep_the_byte_count() {
        let mut l = list(&["a", "b", "a", "c", "a"]);
        assert_eq!(l.remove(-2, b"a"), 2);
        assert_eq!(items(&l), ["a", "b", "c"]);
        assert!(l.insert(b"b", b"x", false));
        assert!(!l.insert(b"zz", b"x", true));
        assert!(l.set(-1, b"12345", true));
        assert_eq!(items(&l), ["a", "b", "x", "12345"]);
        assert_eq!(l.trim(1, 2), 2);
        assert_eq!(items(&l), ["b", "x"]);
        assert_eq!(l.pop(End::Right, 5), vec![b"x".to_vec(), b"b".to_vec()]);
        assert_eq!(l.lp_elems, 0);
        let mut l = list(&["a", "b"]);
        assert_eq!(l.trim(5, 10), 2);
        assert!(l.is_empty());
    }

    #[test]
    fn a_big_list_is_a_quicklist_until_it_shrinks_to_half() {
        let mut l = List::new(true);
        let big = vec![b'x'; 1000];
        for _ in 0..8 {
            l.push(End::Right, std::slice::from_ref(&big));
        }
        assert_eq!(l.encoding(), "listpack");
        l.push(End::Right, std::slice::from_ref(&big));
        assert_eq!(l.encoding(), "quicklist");
        l.pop(End::Left, 4);
        l.after_shrinking(true);
        assert_eq!(l.encoding(), "quicklist");
        l.pop(End::Left, 1);
        l.after_shrinking(true);
        assert_eq!(l.encoding(), "listpack");
        assert_eq!(List::new(false).encoding(), "quicklist");
    }
}
