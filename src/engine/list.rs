//! The list type: its elements in order, Redis's index arithmetic (negative
//! indexes, clamped ranges) and the encoding `OBJECT ENCODING` reports.
//!
//! Redis 7.0 keeps every list in a quicklist. Redis 7.2+ (profile 8) keeps a
//! small list as one listpack and converts it at `list-max-listpack-size`'s
//! default of -2 (8 KB): before a write that would grow the listpack past
//! 8192 bytes (`listTypeTryConvertListpack`: its bytes plus the raw length of
//! every added argument), and back once a shrinking write leaves a quicklist of
//! a single packed node within half of that (`listTypeTryConvertQuicklist`).
//! Which writes leave a single node depends on how the quicklist laid its
//! elements out, so a quicklist here keeps its nodes' element counts and
//! listpack bytes (`Node`) and changes them as `quicklist.c` does: pushes fill
//! the end node up to 8 KB, an element over 8 KB gets a plain node of its own,
//! LINSERT and LSET split and merge nodes, removals drop emptied nodes.

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

/// `SIZE_ESTIMATE_OVERHEAD`: what `_quicklistNodeAllowInsert` adds to an
/// element's raw length when it estimates a node's growth.
const ESTIMATE: usize = 8;

/// One quicklist node (`quicklistNode`): how many elements it holds and its
/// `sz` (a packed node's listpack bytes, a plain node's element length).
#[derive(Clone, Copy, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
struct Node {
    count: usize,
    sz: usize,
    plain: bool,
}

impl Node {
    /// A packed node of the given elements (`lpBytes` of their listpack).
    fn packed(items: &mut dyn Iterator<Item = &Vec<u8>>) -> Node {
        let mut n = Node {
            count: 0,
            sz: LP_EMPTY,
            plain: false,
        };
        for v in items {
            n.count += 1;
            n.sz += listpack::str_size(v);
        }
        n
    }

    /// The node a single element gets: plain when it is large (`isLargeElement`).
    fn single(v: &Vec<u8>) -> Node {
        if large(v) {
            Node {
                count: 1,
                sz: v.len(),
                plain: true,
            }
        } else {
            Node::packed(&mut std::iter::once(v))
        }
    }
}

/// `isLargeElement` with fill -2: more than 8 KB goes into a plain node.
fn large(v: &[u8]) -> bool {
    v.len() > LP_LIMIT
}

/// `_quicklistNodeAllowInsert`: whether `v` may join the packed node `n`.
fn fits(n: Option<&Node>, v: &[u8]) -> bool {
    n.is_some_and(|n| !n.plain && !large(v) && n.sz + v.len() + ESTIMATE <= LP_LIMIT)
}

/// `_quicklistNodeAllowMerge`: two packed nodes whose listpacks fit in one.
fn mergeable(a: Option<&Node>, b: Option<&Node>) -> bool {
    matches!((a, b), (Some(a), Some(b)) if !a.plain && !b.plain && a.sz + b.sz - LP_EMPTY <= LP_LIMIT)
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct List {
    items: VecDeque<Vec<u8>>,
    /// The bytes the elements take in a listpack (`listpack::str_size` each).
    lp_elems: usize,
    /// Whether Redis 7.2+ holds the list as a listpack (never in profile 7.0).
    packed: bool,
    /// The quicklist's nodes, head first, while the list is not `packed`; their
    /// counts add up to the list's length.
    nodes: VecDeque<Node>,
}

impl List {
    /// An empty list as a push creates it: a listpack in profile 8.
    pub fn new(v8: bool) -> List {
        List {
            items: VecDeque::new(),
            lp_elems: 0,
            packed: v8,
            nodes: VecDeque::new(),
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
                // The whole listpack becomes the quicklist's one node
                // (`quicklistAppendListpack`), however big it is.
                self.packed = false;
                self.nodes.clear();
                if !self.items.is_empty() {
                    self.nodes.push_back(Node {
                        count: self.items.len(),
                        sz: LP_EMPTY + self.lp_elems,
                        plain: false,
                    });
                }
            }
        }
    }

    /// `listTypeTryConvertQuicklist` after a shrinking write (profile 8 only):
    /// only a quicklist of one packed node within half the limit converts.
    pub fn after_shrinking(&mut self, v8: bool) {
        let single = self.nodes.len() == 1 && !self.nodes[0].plain;
        if v8 && !self.packed && single && self.nodes[0].sz <= LP_LIMIT / 2 {
            self.packed = true;
            self.nodes.clear();
        }
    }

    /// The node holding position `i` and `i`'s offset in it.
    fn node_of(&self, i: usize) -> Option<(usize, usize)> {
        let mut start = 0;
        for (n, node) in self.nodes.iter().enumerate() {
            if i < start + node.count {
                return Some((n, i - start));
            }
            start += node.count;
        }
        None
    }

    /// Takes the elements at `at` (ascending positions, still in `items`) out
    /// of their nodes, dropping the nodes this empties (`quicklistDelIndex`,
    /// `quicklistDelRange`).
    fn unnode(&mut self, at: &mut dyn Iterator<Item = usize>) {
        if self.packed {
            return;
        }
        let (mut n, mut end) = (0, self.nodes.front().map_or(0, |x| x.count));
        for p in at {
            while p >= end && n + 1 < self.nodes.len() {
                n += 1;
                end += self.nodes[n].count;
            }
            if let (Some(node), Some(v)) = (self.nodes.get_mut(n), self.items.get(p)) {
                node.count = node.count.saturating_sub(1);
                node.sz = node.sz.saturating_sub(listpack::str_size(v));
            }
        }
        self.nodes.retain(|x| x.count > 0);
    }

    /// `_quicklistMergeNodes` around node `c`: its neighbours' pairs first,
    /// then `c` with the one before it, then the result with the one after.
    fn merge_around(&mut self, mut c: usize) {
        let get = |l: &List, i: Option<usize>| i.and_then(|i| l.nodes.get(i)).copied();
        let merge = |l: &mut List, a: usize| {
            let b = l
                .nodes
                .remove(a + 1)
                .unwrap_or(Node::packed(&mut std::iter::empty()));
            l.nodes[a].count += b.count;
            l.nodes[a].sz += b.sz - LP_EMPTY;
        };
        if c >= 2
            && mergeable(
                get(self, Some(c - 2)).as_ref(),
                get(self, Some(c - 1)).as_ref(),
            )
        {
            merge(self, c - 2);
            c -= 1;
        }
        if mergeable(
            get(self, Some(c + 1)).as_ref(),
            get(self, Some(c + 2)).as_ref(),
        ) {
            merge(self, c + 1);
        }
        if c >= 1 && mergeable(get(self, Some(c - 1)).as_ref(), get(self, Some(c)).as_ref()) {
            merge(self, c - 1);
            c -= 1;
        }
        if mergeable(get(self, Some(c)).as_ref(), get(self, Some(c + 1)).as_ref()) {
            merge(self, c);
        }
    }

    /// Splits node `n` (whose first element is at position `start`) after its
    /// first `keep` elements (`_quicklistSplitNode`): the rest becomes node `n + 1`.
    fn split(&mut self, n: usize, start: usize, keep: usize) {
        let count = self.nodes[n].count;
        let left = Node::packed(&mut self.items.range(start..start + keep));
        let right = Node::packed(&mut self.items.range(start + keep..start + count));
        self.nodes[n] = left;
        self.nodes.insert(n + 1, right);
    }

    /// `_quicklistInsert`: `v` goes in next to the element at position `i`
    /// (after it when `after`), which the caller then inserts into `items`.
    fn node_insert(&mut self, i: usize, v: &Vec<u8>, after: bool) {
        let Some((n, o)) = self.node_of(i) else {
            return;
        };
        let node = self.nodes[n];
        let full = !fits(Some(&node), v);
        let at_tail = after && o + 1 == node.count;
        let at_head = !after && o == 0;
        let side = if after { n + 1 } else { n.wrapping_sub(1) };
        let avail = (at_tail || at_head) && fits(self.nodes.get(side), v);
        let start = i - o;
        if large(v) {
            if !node.plain && !at_tail && !at_head {
                self.split(n, start, if after { o + 1 } else { o });
            }
            let at = if node.plain || at_tail || at_head {
                n + usize::from(after)
            } else {
                n + 1
            };
            self.nodes.insert(at, Node::single(v));
        } else if !full {
            self.nodes[n].count += 1;
            self.nodes[n].sz += listpack::str_size(v);
        } else if avail {
            self.nodes[side].count += 1;
            self.nodes[side].sz += listpack::str_size(v);
        } else if at_tail || at_head {
            self.nodes.insert(n + usize::from(after), Node::single(v));
        } else {
            // A full node splits at the pivot; the element starts (after)
            // or ends (before) the new node, and the neighbours may merge.
            self.split(n, start, if after { o + 1 } else { o });
            let (new, center) = if after { (n + 1, n) } else { (n, n + 1) };
            self.nodes[new].count += 1;
            self.nodes[new].sz += listpack::str_size(v);
            self.merge_around(center);
        }
    }

    /// `quicklistReplaceEntry`: the element at position `i` becomes `v` (the
    /// caller then replaces it in `items`).
    fn node_replace(&mut self, i: usize, v: &Vec<u8>) {
        let Some((n, o)) = self.node_of(i) else {
            return;
        };
        let node = self.nodes[n];
        let old = listpack::str_size(&self.items[i]);
        if !node.plain && !large(v) {
            self.nodes[n].sz = node.sz - old + listpack::str_size(v);
        } else if node.plain && large(v) {
            self.nodes[n].sz = v.len();
        } else if node.plain {
            // Inserted after the plain node (at its tail), which then goes.
            if fits(self.nodes.get(n + 1), v) {
                self.nodes[n + 1].count += 1;
                self.nodes[n + 1].sz += listpack::str_size(v);
            } else {
                self.nodes.insert(n + 1, Node::single(v));
            }
            self.nodes.remove(n);
        } else {
            // A large element into a packed node: the node splits after the
            // old element, a plain node goes between, and the old element goes.
            if o + 1 != node.count {
                self.split(n, i - o, o + 1);
            }
            self.nodes.insert(n + 1, Node::single(v));
            if node.count == 1 {
                self.nodes.remove(n);
            } else {
                self.nodes[n].count -= 1;
                self.nodes[n].sz -= old;
                self.merge_around(n + 1);
            }
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
            let nodes = &mut self.nodes;
            let node = match end {
                End::Left => nodes.front_mut(),
                End::Right => nodes.back_mut(),
            };
            if self.packed {
            } else if fits(node.as_deref(), v) {
                if let Some(node) = node {
                    node.count += 1;
                    node.sz += listpack::str_size(v);
                }
            } else if end == End::Left {
                nodes.push_front(Node::single(v));
            } else {
                nodes.push_back(Node::single(v));
            }
            match end {
                End::Left => self.items.push_front(v.clone()),
                End::Right => self.items.push_back(v.clone()),
            }
        }
    }

    /// Pops up to `n` elements from `end`, in the order they were popped.
    pub fn pop(&mut self, end: End, n: usize) -> Vec<Vec<u8>> {
        let n = n.min(self.items.len());
        let len = self.items.len();
        match end {
            End::Left => self.unnode(&mut (0..n)),
            End::Right => self.unnode(&mut (len - n..len)),
        }
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
        if !self.packed {
            self.node_replace(i, &value);
        }
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
        if !self.packed {
            self.node_insert(i, &value, !before);
        }
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
        if count < 0 {
            hits.reverse();
        }
        self.unnode(&mut hits.iter().copied());
        hits.reverse();
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
        let (from, to) = (
            keep_from.min(len),
            (keep_to + 1).clamp(keep_from.min(len), len),
        );
        self.unnode(&mut (0..from).chain(to..len));
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

    fn counts(l: &List) -> Vec<usize> {
        l.nodes.iter().map(|n| n.count).collect()
    }

    #[test]
    fn a_big_list_is_a_quicklist_until_one_node_is_left_within_half() {
        let mut l = List::new(true);
        let big = vec![b'x'; 1000];
        for _ in 0..8 {
            l.push(End::Right, std::slice::from_ref(&big));
        }
        assert_eq!(l.encoding(), "listpack");
        // The listpack becomes the first node; the ninth element starts a second.
        l.push(End::Right, std::slice::from_ref(&big));
        assert_eq!((l.encoding(), counts(&l)), ("quicklist", vec![8, 1]));
        // Small enough, but two nodes: Redis 7.2+ keeps the quicklist.
        l.pop(End::Left, 5);
        l.after_shrinking(true);
        assert_eq!((l.encoding(), counts(&l)), ("quicklist", vec![3, 1]));
        l.pop(End::Left, 3);
        l.after_shrinking(true);
        assert_eq!(l.encoding(), "listpack");
        assert_eq!(List::new(false).encoding(), "quicklist");
    }

    #[test]
    fn large_elements_get_plain_nodes_and_inserts_split_and_merge() {
        let mut l = List::new(false);
        let small: Vec<Vec<u8>> = (0..6).map(|i| vec![b'a' + i; 1500]).collect();
        l.push(End::Right, &small);
        assert_eq!(counts(&l), vec![5, 1]);
        // An element over 8 KB is a plain node of its own, wherever it goes.
        l.push(End::Left, &[vec![b'p'; 9000]]);
        assert_eq!(counts(&l), vec![1, 5, 1]);
        assert!(l.nodes[0].plain);
        // LINSERT into the middle of a full node splits it at the pivot, and
        // the new node merges with the one after it: [p] [a b c] [x d e f].
        assert!(l.insert(&small[2], &[b'x'; 1000], false));
        assert_eq!(counts(&l), vec![1, 3, 4]);
        // LSET of a large element inside a packed node splits it after the
        // old element, which goes; the part after it merges onwards.
        assert!(l.set(2, &[b'q'; 9000], false));
        assert_eq!(counts(&l), vec![1, 1, 1, 5]);
        assert!(l.nodes[2].plain);
        // LSET of a small element over a plain node moves it to the next node.
        assert!(l.set(0, b"s", false));
        assert_eq!(counts(&l), vec![2, 1, 5]);
        l.remove(0, &[b'q'; 9000]);
        assert_eq!(counts(&l), vec![2, 5]);
        assert_eq!(l.trim(1, -2), 2);
        assert_eq!(counts(&l), vec![1, 4]);
        assert_eq!(counts(&l).iter().sum::<usize>(), l.len());
    }
}
