//! The stored stream: entries grouped into nodes exactly where Redis splits
//! its listpacks (SPEC §2.2, `stream_node_model.py`), so that approximate
//! trimming, LIMIT and XINFO's `radix-tree-keys` agree with Redis.
//!
//! A node is keyed in a `BTreeMap` by its master ID (its first entry's ID,
//! kept after that entry is deleted, as Redis keeps it). Its entries are packed
//! into one byte vector: per entry a flags byte (bit 0 deleted, bit 1 same
//! fields as the master entry), the ID as varint deltas against the master ID,
//! the field names only when they differ from the master's, then the values.
//! Alongside, each node keeps the exact byte size the Redis listpack would
//! have, which decides when a new node starts.

use crate::vec_map::VecMap;
use std::collections::BTreeMap;
use std::sync::Arc;

use serde::{Deserialize, Serialize};

use super::groups::{Group, ENTRIES_READ_UNKNOWN};
use super::listpack::{int_size, str_size};
use super::StreamId;

const FLAG_DELETED: u8 = 1;
const FLAG_SAMEFIELDS: u8 = 2;

/// `STREAM_LISTPACK_MAX_SIZE`: 1 GiB.
const LISTPACK_MAX_SIZE: u64 = 1 << 30;

/// Bytes charged per node on top of its packed data and field names (the map
/// slot and the node's own fields), for the memory accounting.
const NODE_OVERHEAD: usize = 96;
/// Bytes charged per stream on top of its nodes.
const STREAM_OVERHEAD: usize = 64;

/// An entry's fields and values, in order, duplicates kept.
pub(crate) type Fields = Vec<(Vec<u8>, Vec<u8>)>;

fn put_varint(out: &mut Vec<u8>, mut v: u64) {
    while v >= 0x80 {
        out.push((v as u8) | 0x80);
        v >>= 7;
    }
    out.push(v as u8);
}

/// Reads a varint at `*pos`, moving past it. The data is the engine's own,
/// so a malformed varint is a broken invariant; it reads as 0.
fn get_varint(data: &[u8], pos: &mut usize) -> u64 {
    let mut v: u64 = 0;
    let mut shift = 0;
    while let Some(&b) = data.get(*pos) {
        *pos += 1;
        if shift < 64 {
            v |= u64::from(b & 0x7f) << shift;
        }
        if b & 0x80 == 0 {
            return v;
        }
        shift += 7;
    }
    debug_assert!(false, "truncated varint in a stream node");
    v
}

fn zigzag(v: i64) -> u64 {
    ((v << 1) ^ (v >> 63)) as u64
}

fn unzigzag(v: u64) -> i64 {
    ((v >> 1) as i64) ^ -((v & 1) as i64)
}

/// One node (one Redis listpack).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
struct Node {
    /// The master entry's field names.
    fields: Vec<Vec<u8>>,
    /// The packed entries.
    data: Vec<u8>,
    live: u64,
    deleted: u64,
    /// The listpack's bytes for every element but the two counters.
    body: u64,
    /// The ID of the node's last entry, deleted or not.
    last: StreamId,
    /// The smallest and greatest IDs among the node's entries, deleted or
    /// not. Entries are in ID order, except after XSETID moved the last ID
    /// back (Redis appends to the last listpack all the same); the bounds let
    /// searches skip whole nodes and still visit entries exactly as Redis's
    /// iterator does.
    min: StreamId,
    max: StreamId,
}

/// Where an entry sits in a node's data, as the cursor reads it.
#[derive(Clone, Copy, Debug)]
struct Slot {
    /// Offset of the flags byte.
    at: usize,
    id: StreamId,
    deleted: bool,
    /// Offset just past the entry.
    end: usize,
}

impl Node {
    fn new(master: StreamId, fields: Vec<Vec<u8>>) -> Node {
        let body = (int_size(fields.len() as i64)
            + fields.iter().map(|f| str_size(f)).sum::<usize>()
            + int_size(0)) as u64;
        Node {
            fields,
            data: Vec::new(),
            live: 0,
            deleted: 0,
            body,
            last: master,
            min: master,
            max: master,
        }
    }

    /// The listpack's total size (`lpBytes`).
    fn lp_bytes(&self) -> u64 {
        7 + int_size(self.live as i64) as u64 + int_size(self.deleted as i64) as u64 + self.body
    }

    /// The bytes this node is charged in the memory accounting.
    fn cost(&self) -> usize {
        NODE_OVERHEAD + self.data.len() + self.fields.iter().map(|f| f.len() + 24).sum::<usize>()
    }

    /// Reads the entry header at `at` (not its fields).
    fn slot(&self, master: StreamId, at: usize) -> Slot {
        let data = &self.data;
        let flags = data[at];
        let mut pos = at + 1;
        let ms = master.ms.wrapping_add(get_varint(data, &mut pos));
        let seq = master
            .seq
            .wrapping_add(unzigzag(get_varint(data, &mut pos)) as u64);
        let n = if flags & FLAG_SAMEFIELDS != 0 {
            self.fields.len()
        } else {
            let n = get_varint(data, &mut pos) as usize;
            for _ in 0..n {
                let len = get_varint(data, &mut pos) as usize;
                pos += len;
            }
            n
        };
        for _ in 0..n {
            let len = get_varint(data, &mut pos) as usize;
            pos += len;
        }
        Slot {
            at,
            id: StreamId::new(ms, seq),
            deleted: flags & FLAG_DELETED != 0,
            end: pos,
        }
    }

    /// Whether the packed entries decode completely, as the cursor reads them: every varint
    /// ends inside the data, every length stays inside it, the entries' count and bounds are
    /// those recorded, so that the cursor (which trusts the engine's own bytes) can read a node
    /// that came from saved bytes.
    fn well_formed(&self, master: StreamId) -> bool {
        fn varint(data: &[u8], pos: &mut usize) -> Option<u64> {
            let mut v = 0u64;
            for shift in (0..64).step_by(7) {
                let b = *data.get(*pos)?;
                *pos += 1;
                v |= u64::from(b & 0x7f) << shift;
                if b & 0x80 == 0 {
                    return Some(v);
                }
            }
            None
        }
        fn skip(data: &[u8], pos: &mut usize, n: u64) -> Option<()> {
            for _ in 0..n {
                let len = usize::try_from(varint(data, pos)?).ok()?;
                *pos = pos.checked_add(len).filter(|&end| end <= data.len())?;
            }
            Some(())
        }
        let data = &self.data;
        let mut pos = 0;
        let mut counts = [0u64; 2];
        let mut first = None;
        let mut last = master;
        while pos < data.len() {
            let flags = data[pos];
            pos += 1;
            let (Some(ms), Some(seq)) = (varint(data, &mut pos), varint(data, &mut pos)) else {
                return false;
            };
            let n = if flags & FLAG_SAMEFIELDS != 0 {
                self.fields.len() as u64
            } else {
                match varint(data, &mut pos) {
                    Some(n) if skip(data, &mut pos, n).is_some() => n,
                    _ => return false,
                }
            };
            if skip(data, &mut pos, n).is_none() {
                return false;
            }
            last = StreamId::new(
                master.ms.wrapping_add(ms),
                master.seq.wrapping_add(unzigzag(seq) as u64),
            );
            first.get_or_insert(last);
            counts[usize::from(flags & FLAG_DELETED != 0)] += 1;
        }
        first == Some(master)
            && last == self.last
            && counts == [self.live, self.deleted]
            && self.min <= master
            && self.last <= self.max
    }

    /// Every entry of the node in order, deleted ones included.
    fn slots(&self, master: StreamId) -> impl Iterator<Item = Slot> + '_ {
        let mut at = 0;
        std::iter::from_fn(move || {
            if at >= self.data.len() {
                return None;
            }
            let s = self.slot(master, at);
            at = s.end;
            Some(s)
        })
    }

    /// Calls `g` with each field and value of the entry at `at`.
    fn visit(&self, at: usize, mut g: impl FnMut(&[u8], &[u8])) {
        let data = &self.data;
        let flags = data[at];
        let mut pos = at + 1;
        get_varint(data, &mut pos);
        get_varint(data, &mut pos);
        let slice = |pos: &mut usize| -> &[u8] {
            let len = get_varint(data, pos) as usize;
            let start = (*pos).min(data.len());
            let end = start.saturating_add(len).min(data.len());
            *pos = start.saturating_add(len);
            &data[start..end]
        };
        if flags & FLAG_SAMEFIELDS != 0 {
            for f in &self.fields {
                g(f, slice(&mut pos));
            }
        } else {
            let n = get_varint(data, &mut pos) as usize;
            let mut names = pos;
            let mut values = pos;
            for _ in 0..n {
                slice(&mut values);
            }
            for _ in 0..n {
                let f = slice(&mut names);
                g(f, slice(&mut values));
            }
        }
    }

    /// The fields and values of the entry at `at`.
    fn fields_at(&self, at: usize) -> Fields {
        let mut out = Vec::new();
        self.visit(at, |f, v| out.push((f.to_vec(), v.to_vec())));
        out
    }
}

/// A stored entry, as `Stream::for_each_entry` shows it.
#[derive(Clone, Copy)]
pub(crate) struct EntryRef<'a> {
    node: &'a Node,
    at: usize,
}

impl EntryRef<'_> {
    /// The entry's fields and values.
    pub fn fields(&self) -> Fields {
        self.node.fields_at(self.at)
    }

    /// Calls `g` with each field and value, in order, without copying them.
    pub fn visit(&self, g: impl FnMut(&[u8], &[u8])) {
        self.node.visit(self.at, g);
    }
}

/// Trimming strategy of XADD/XTRIM.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum TrimStrategy {
    MaxLen(u64),
    MinId(StreamId),
}

/// A parsed trim request (`streamAddTrimArgs`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct TrimSpec {
    pub strategy: TrimStrategy,
    /// `~`: only whole nodes are removed.
    pub approx: bool,
    /// At most this many entries are removed (whole nodes only); 0 = no limit.
    pub limit: u64,
    /// What trimming does to consumer-group references (8.2+; 7.0 has only
    /// `KeepRef`). The store trims the same entries for every mode while the
    /// stream has no consumer groups.
    pub refs: RefMode,
}

/// `KEEPREF | DELREF | ACKED` of XADD/XTRIM (8.2+).
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq)]
pub(crate) enum RefMode {
    /// Remove entries; group PELs keep their references (7.0's behaviour).
    #[default]
    KeepRef,
    /// Remove entries and their references from every group PEL.
    DelRef,
    /// Remove only entries every group has read and acknowledged.
    Acked,
}

/// The node size limits in force (`stream-node-max-bytes`, `-entries`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NodeLimits {
    pub max_bytes: u64,
    pub max_entries: i64,
}

/// What inspection shows of one node (`Stream::node_infos`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct NodeInfo {
    pub master: StreamId,
    pub last: StreamId,
    pub live: u64,
    pub deleted: u64,
    /// A clone of the stream (a checkpoint) shares this node.
    pub shared: bool,
}

/// A stream value.
///
/// The nodes sit behind `Arc` so that cloning a stream (an engine checkpoint)
/// copies node pointers, not entries: every change to a node goes through
/// `Arc::make_mut`, which copies the node first only while a clone shares it.
#[derive(Clone, Debug, PartialEq, Default, Serialize, Deserialize)]
pub(crate) struct Stream {
    nodes: BTreeMap<StreamId, Arc<Node>>,
    length: u64,
    last_id: StreamId,
    first_id: StreamId,
    max_deleted: StreamId,
    entries_added: u64,
    /// The bytes charged for the nodes (memory accounting).
    bytes: usize,
    /// The consumer groups, by name, each behind `Arc` like the nodes: a
    /// clone shares a group until either side changes it, and then the copy
    /// still shares the PELs' persistent B-trees (groups.rs), so only the
    /// small parts of the group and the PEL nodes the change touches are copied.
    groups: VecMap<Vec<u8>, Arc<Group>>,
    /// The bytes charged for the groups (the sum of `Group::bytes`).
    group_bytes: usize,
}

impl Stream {
    pub fn new() -> Stream {
        Stream::default()
    }

    pub fn len(&self) -> u64 {
        self.length
    }

    pub fn is_empty(&self) -> bool {
        self.length == 0
    }

    /// `last-generated-id`.
    pub fn last_id(&self) -> StreamId {
        self.last_id
    }

    /// The first live entry's ID.
    #[allow(dead_code)] // API for the consumer-group commands
    pub fn first_id(&self) -> Option<StreamId> {
        self.first_live()
    }

    /// `recorded-first-entry-id`: the first live entry, `0-0` when empty.
    pub fn recorded_first_id(&self) -> StreamId {
        self.first_id
    }

    pub fn entries_added(&self) -> u64 {
        self.entries_added
    }

    pub fn max_deleted_entry_id(&self) -> StreamId {
        self.max_deleted
    }

    /// The number of nodes (XINFO's `radix-tree-keys`).
    pub fn node_count(&self) -> usize {
        self.nodes.len()
    }

    /// XINFO's `radix-tree-nodes`: the nodes of a compressed radix tree
    /// (Redis's rax) holding the node keys (16-byte big-endian master IDs),
    /// counted for its canonical shape: the root, every child of a branching
    /// position, and the end of every single-child chain.
    pub fn rax_nodes(&self) -> usize {
        let keys: Vec<[u8; 16]> = self
            .nodes
            .keys()
            .map(|id| {
                let mut k = [0u8; 16];
                k[..8].copy_from_slice(&id.ms.to_be_bytes());
                k[8..].copy_from_slice(&id.seq.to_be_bytes());
                k
            })
            .collect();
        if keys.is_empty() {
            return 1;
        }
        // Whether the position `depth` deep shared by `group` has exactly one child.
        fn single_child(group: &[[u8; 16]], depth: usize) -> bool {
            depth < 16 && group.iter().all(|k| k[depth] == group[0][depth])
        }
        fn walk(keys: &[[u8; 16]], depth: usize) -> usize {
            if depth >= 16 {
                return 0;
            }
            // Skip the chain the whole group shares.
            let first = keys[0];
            let last = keys[keys.len() - 1];
            let mut d = depth;
            while d < 16 && first[d] == last[d] {
                d += 1;
            }
            if d >= 16 {
                return 0;
            }
            let mut groups = Vec::new();
            let mut start = 0;
            for i in 1..=keys.len() {
                if i == keys.len() || keys[i][d] != keys[start][d] {
                    groups.push(&keys[start..i]);
                    start = i;
                }
            }
            let mut n = groups.len();
            for g in &groups {
                if single_child(g, d + 1) {
                    n += 1;
                }
                n += walk(g, d + 1);
            }
            n
        }
        1 + usize::from(single_child(&keys, 0)) + walk(&keys, 0)
    }

    /// The bytes this stream is charged in the memory accounting.
    pub fn mem_size(&self) -> usize {
        STREAM_OVERHEAD + self.bytes + self.group_bytes
    }

    /// The consumer groups, ordered by name.
    pub fn groups(&self) -> &VecMap<Vec<u8>, Arc<Group>> {
        &self.groups
    }

    pub fn group(&self, name: &[u8]) -> Option<&Group> {
        self.groups.get(name).map(|g| &**g)
    }

    /// Creates a group unless one of that name exists; whether it was created.
    pub fn create_group(&mut self, name: &[u8], last_id: StreamId, entries_read: i64) -> bool {
        if self.groups.contains_key(name) {
            return false;
        }
        let g = Group::new(name, last_id, entries_read);
        self.group_bytes += g.bytes();
        self.groups.insert(name.to_vec(), Arc::new(g));
        true
    }

    /// Removes a group; whether it existed.
    pub fn destroy_group(&mut self, name: &[u8]) -> bool {
        match self.groups.remove(name) {
            Some(g) => {
                self.group_bytes -= g.bytes();
                true
            }
            None => false,
        }
    }

    /// Changes the group `name` through `f`, keeping the byte count exact;
    /// `None` when there is no such group.
    pub fn with_group<R>(&mut self, name: &[u8], f: impl FnOnce(&mut Group) -> R) -> Option<R> {
        let g = Arc::make_mut(self.groups.get_mut(name)?);
        let before = g.bytes();
        let r = f(g);
        self.group_bytes = self.group_bytes + g.bytes() - before;
        Some(r)
    }

    /// `with_group`, where `f` also gets a test of whether an entry is live
    /// (`streamEntryExists`), for the commands that look entries up while they
    /// change a group's PEL (XCLAIM, XAUTOCLAIM).
    pub fn with_group_and_entries<R>(
        &mut self,
        name: &[u8],
        f: impl FnOnce(&mut Group, &dyn Fn(StreamId) -> bool) -> R,
    ) -> Option<R> {
        let g = Arc::make_mut(self.groups.get_mut(name)?);
        let nodes = &self.nodes;
        let before = g.bytes();
        let r = f(g, &|id| locate_in(nodes, id).is_some());
        self.group_bytes = self.group_bytes + g.bytes() - before;
        Some(r)
    }

    /// `streamRangeHasTombstones(s, start, NULL)`. Redis 7.0 also answers no
    /// when the greatest tombstone lies before the first entry; 8.0 does not
    /// (`v8`).
    pub fn has_tombstones_from(&self, start: StreamId, v8: bool) -> bool {
        if self.length == 0 || self.max_deleted == StreamId::MIN {
            return false;
        }
        if !v8 && self.first_id > self.max_deleted {
            return false;
        }
        start <= self.max_deleted
    }

    /// `streamEstimateDistanceFromFirstEverEntry`: the logical read counter of
    /// `id`, or `ENTRIES_READ_UNKNOWN`. 8.0 (`v8`) also gives up when a
    /// tombstone lies after `id` (2b88db90a).
    pub fn estimate_entries_read(&self, id: StreamId, v8: bool) -> i64 {
        if self.entries_added == 0 {
            return 0;
        }
        if self.length == 0 && id <= self.last_id {
            return self.entries_added as i64;
        }
        if v8 && id != StreamId::MIN && id < self.max_deleted {
            return ENTRIES_READ_UNKNOWN;
        }
        if id == self.last_id {
            return self.entries_added as i64;
        } else if id > self.last_id {
            return ENTRIES_READ_UNKNOWN;
        }
        if self.max_deleted == StreamId::MIN || self.max_deleted < self.first_id {
            if id < self.first_id {
                return self.entries_added.wrapping_sub(self.length) as i64;
            } else if id == self.first_id {
                return self.entries_added.wrapping_sub(self.length).wrapping_add(1) as i64;
            }
        }
        ENTRIES_READ_UNKNOWN
    }

    /// A group's lag (`streamReplyWithCGLag`); `None` when unknown. 7.0's
    /// formula, or with `v8` 8.0's, which answers 0 for an empty stream and the
    /// length when both the group's last ID and the greatest tombstone lie
    /// before the first entry (93fb83b4c).
    pub fn group_lag(&self, g: &Group, v8: bool) -> Option<i64> {
        let added = self.entries_added as i64;
        if self.entries_added == 0 || (v8 && self.length == 0) {
            Some(0)
        } else if v8 && g.last_id < self.first_id && self.max_deleted < self.first_id {
            Some(self.length as i64)
        } else if g.entries_read != ENTRIES_READ_UNKNOWN && !self.has_tombstones_from(g.last_id, v8)
        {
            Some(added.wrapping_sub(g.entries_read))
        } else {
            let read = self.estimate_entries_read(g.last_id, v8);
            (read != ENTRIES_READ_UNKNOWN).then(|| added.wrapping_sub(read))
        }
    }

    /// The group's `entries_read` after it is served `id` (greater than its
    /// last ID) by a `>` read (`streamReplyWithRange`). 7.0 counts on when the
    /// counter is valid and no tombstone lies at or after `id`; 8.0 (`v8`) when
    /// it is valid, the group's last ID is not before the first entry and no
    /// tombstone lies after the group's last ID. Otherwise it is estimated.
    pub fn entries_read_after(&self, g: &Group, id: StreamId, v8: bool) -> i64 {
        let counting = g.entries_read != ENTRIES_READ_UNKNOWN
            && if v8 {
                g.last_id >= self.first_id && !self.has_tombstones_from(g.last_id, true)
            } else {
                !self.has_tombstones_from(id, false)
            };
        if counting {
            g.entries_read + 1
        } else if self.entries_added != 0 {
            self.estimate_entries_read(id, v8)
        } else {
            g.entries_read
        }
    }

    /// XSETID's changes.
    pub fn set_last_id(&mut self, id: StreamId) {
        self.last_id = id;
    }

    pub fn set_entries_added(&mut self, n: u64) {
        self.entries_added = n;
    }

    pub fn set_max_deleted(&mut self, id: StreamId) {
        self.max_deleted = id;
    }

    fn first_live(&self) -> Option<StreamId> {
        self.nodes.iter().find_map(|(master, node)| {
            if node.live == 0 {
                return None;
            }
            node.slots(*master).find(|s| !s.deleted).map(|s| s.id)
        })
    }

    fn last_live(&self) -> Option<StreamId> {
        self.nodes.iter().rev().find_map(|(master, node)| {
            if node.live == 0 {
                return None;
            }
            node.slots(*master)
                .filter(|s| !s.deleted)
                .last()
                .map(|s| s.id)
        })
    }

    /// The last live entry's ID (`streamLastValidID`); `None` when empty.
    pub fn last_valid_id(&self) -> Option<StreamId> {
        self.last_live()
    }

    fn refresh_first_id(&mut self) {
        self.first_id = if self.length == 0 {
            StreamId::MIN
        } else {
            // `streamGetEdgeID` answers the greatest ID when it finds no entry
            // (possible only when the length counts entries Redis lost).
            self.first_live().unwrap_or(StreamId::MAX)
        };
    }

    /// Appends an entry with an ID greater than `last_id` (the caller checked),
    /// opening a new node where Redis would (`streamAppendItem`). `pairs` is
    /// the flat `field value ...` list (an even number, at least two).
    pub fn append(&mut self, id: StreamId, pairs: &[Vec<u8>], limits: NodeLimits) {
        debug_assert!(id > self.last_id || self.nodes.is_empty() && self.length == 0);
        debug_assert!(pairs.len() % 2 == 0);
        let n = pairs.len() / 2;
        let total: u64 = pairs.iter().map(|p| p.len() as u64).sum();
        let max_bytes = if limits.max_bytes == 0 || limits.max_bytes > LISTPACK_MAX_SIZE {
            LISTPACK_MAX_SIZE
        } else {
            limits.max_bytes
        };
        // Redis appends to the node with the greatest key (`raxSeek "$"`),
        // which is the newest node unless XSETID moved the last ID back.
        let last_key = self.nodes.last_key_value().and_then(|(key, node)| {
            let fits = node.lp_bytes() + total < max_bytes
                && !(limits.max_entries > 0
                    && (node.live + node.deleted) as i64 >= limits.max_entries);
            fits.then_some(*key)
        });
        let master = match last_key {
            Some(key) => key,
            None => {
                if let Some(node) = self.nodes.values_mut().next_back().and_then(Arc::get_mut) {
                    // The node is complete: give back its spare capacity (a
                    // node a clone shares was copied at its exact size already).
                    node.data.shrink_to_fit();
                }
                let fields = pairs.iter().step_by(2).cloned().collect();
                let node = Node::new(id, fields);
                self.bytes += node.cost();
                if let Some(old) = self.nodes.insert(id, Arc::new(node)) {
                    // Only after XSETID moved the last ID back can a node
                    // already have this key. Redis's `raxInsert` replaces it
                    // and its entries are lost, though the length still counts
                    // them; so here.
                    self.bytes -= old.cost();
                }
                id
            }
        };
        let Some(node) = self.node_mut(master) else {
            debug_assert!(false, "a stream node was just ensured");
            return;
        };
        let before = node.cost();
        let same = node.fields.len() == n
            && node
                .fields
                .iter()
                .zip(pairs.iter().step_by(2))
                .all(|(a, b)| a == b);
        let ms_delta = id.ms.wrapping_sub(master.ms);
        let seq_delta = id.seq.wrapping_sub(master.seq) as i64;
        // The Redis listpack's bytes for this entry.
        let mut lp =
            int_size(if same { 2 } else { 0 }) + int_size(ms_delta as i64) + int_size(seq_delta);
        if !same {
            lp += int_size(n as i64) + pairs.iter().step_by(2).map(|f| str_size(f)).sum::<usize>();
        }
        lp += pairs
            .iter()
            .skip(1)
            .step_by(2)
            .map(|v| str_size(v))
            .sum::<usize>();
        let lp_count = n + 3 + if same { 0 } else { n + 1 };
        lp += int_size(lp_count as i64);
        node.body += lp as u64;
        // The engine's packed form.
        let data = &mut node.data;
        data.push(if same { FLAG_SAMEFIELDS } else { 0 });
        put_varint(data, ms_delta);
        put_varint(data, zigzag(seq_delta));
        if !same {
            put_varint(data, n as u64);
            for f in pairs.iter().step_by(2) {
                put_varint(data, f.len() as u64);
                data.extend_from_slice(f);
            }
        }
        for v in pairs.iter().skip(1).step_by(2) {
            put_varint(data, v.len() as u64);
            data.extend_from_slice(v);
        }
        node.live += 1;
        node.last = id;
        node.min = node.min.min(id);
        node.max = node.max.max(id);
        let after = node.cost();
        self.bytes = self.bytes + after - before;
        self.length += 1;
        self.entries_added = self.entries_added.wrapping_add(1);
        self.last_id = id;
        if self.length == 1 {
            self.first_id = id;
        }
    }

    /// Calls `f` with each live entry between `start` and `end` (inclusive),
    /// in ID order or reversed, until it returns `false`. `f` gets a function
    /// that decodes the entry's fields.
    pub fn for_each(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
        mut f: impl FnMut(StreamId, &dyn Fn() -> Fields) -> bool,
    ) {
        self.for_each_entry(start, end, rev, |id, e| f(id, &|| e.fields()));
    }

    /// As `for_each`, with a view of the stored entry (to build its reply
    /// without copying the fields twice).
    pub fn for_each_entry(
        &self,
        start: StreamId,
        end: StreamId,
        rev: bool,
        mut f: impl FnMut(StreamId, EntryRef<'_>) -> bool,
    ) {
        // As `streamIteratorStart`/`streamIteratorGetID`: forward from the
        // node at or before `start` (else the first), tombstones skipped, an
        // entry at or after `start` is emitted unless it is past `end`, which
        // ends the walk; backward alike from the node at or before `end` (else
        // the last).
        if start > end {
            return;
        }
        if !rev {
            let from = self
                .nodes
                .range(..=start)
                .next_back()
                .map_or(StreamId::MIN, |(k, _)| *k);
            for (master, node) in self.nodes.range(from..) {
                if node.live == 0 || node.max < start {
                    continue;
                }
                for s in node.slots(*master) {
                    if s.deleted || s.id < start {
                        continue;
                    }
                    if s.id > end || !f(s.id, EntryRef { node, at: s.at }) {
                        return;
                    }
                }
            }
        } else {
            use std::ops::Bound;
            let upto = if end == StreamId::MIN {
                None
            } else {
                self.nodes.range(..=end).next_back().map(|(k, _)| *k)
            };
            let bounds = (
                Bound::Unbounded,
                upto.map_or(Bound::Unbounded, Bound::Included),
            );
            let mut slots: Vec<Slot> = Vec::new();
            for (master, node) in self.nodes.range(bounds).rev() {
                if node.live == 0 || node.min > end {
                    continue;
                }
                slots.clear();
                slots.extend(node.slots(*master));
                for s in slots.iter().rev() {
                    if s.deleted || s.id > end {
                        continue;
                    }
                    if s.id < start || !f(s.id, EntryRef { node, at: s.at }) {
                        return;
                    }
                }
            }
        }
    }

    /// The live entries between `start` and `end` inclusive, at most `count`
    /// (`None`: all), in ID order or reversed.
    pub fn range(
        &self,
        start: StreamId,
        end: StreamId,
        count: Option<usize>,
        rev: bool,
    ) -> Vec<(StreamId, Fields)> {
        let mut out = Vec::new();
        if count == Some(0) {
            return out;
        }
        self.for_each(start, end, rev, |id, fields| {
            out.push((id, fields()));
            count.is_none_or(|c| out.len() < c)
        });
        out
    }

    /// The entry with this ID, if it is live.
    #[allow(dead_code)] // API for the consumer-group commands
    pub fn get(&self, id: StreamId) -> Option<Fields> {
        let mut found = None;
        self.for_each_entry(id, id, false, |_, e| {
            found = Some(e.fields());
            false
        });
        found
    }

    /// The nodes whose entries (deleted ones included) reach into
    /// `start..=end`, in key order or reversed, at most `count`: each one's
    /// key (its first entry's ID), last entry's ID, and live and deleted
    /// entry counts. Read-only, for inspection.
    pub fn node_infos(
        &self,
        start: StreamId,
        end: StreamId,
        count: usize,
        rev: bool,
    ) -> Vec<NodeInfo> {
        if start > end {
            return Vec::new();
        }
        let info = |(master, node): (&StreamId, &Arc<Node>)| NodeInfo {
            master: *master,
            last: node.last,
            live: node.live,
            deleted: node.deleted,
            shared: Arc::strong_count(node) > 1,
        };
        let overlaps = |(_, node): &(&StreamId, &Arc<Node>)| node.max >= start && node.min <= end;
        // Every node is looked at: after XSETID moved the last ID back, a
        // node's entries can lie before its key, so keys alone cannot bound
        // the walk (it is one step per node, not per entry).
        let range = self.nodes.iter();
        if rev {
            range.rev().filter(overlaps).take(count).map(info).collect()
        } else {
            range.filter(overlaps).take(count).map(info).collect()
        }
    }

    /// The IDs of the deleted entries (tombstones) still in the node keyed `master`, in order.
    pub fn deleted_ids(&self, master: StreamId) -> Vec<StreamId> {
        match self.nodes.get(&master) {
            // Only a node with tombstones is walked, so a clean node costs nothing.
            Some(node) if node.deleted > 0 => node
                .slots(master)
                .filter(|s| s.deleted)
                .map(|s| s.id)
                .collect(),
            _ => Vec::new(),
        }
    }

    /// The node keyed `master`, for changing it: copied first if a clone of
    /// the stream still shares it (copy-on-write).
    fn node_mut(&mut self, master: StreamId) -> Option<&mut Node> {
        self.nodes.get_mut(&master).map(Arc::make_mut)
    }

    /// Where the live entry `id` is, found as Redis's iterator finds it.
    fn locate(&self, id: StreamId) -> Option<(StreamId, Slot)> {
        locate_in(&self.nodes, id)
    }

    pub fn delete(&mut self, id: StreamId) -> bool {
        let Some((master, slot)) = self.locate(id) else {
            return false;
        };
        let Some(live) = self.nodes.get(&master).map(|n| n.live) else {
            return false;
        };
        if live == 1 {
            if let Some(node) = self.nodes.remove(&master) {
                self.bytes -= node.cost();
            }
        } else if let Some(node) = self.node_mut(master) {
            node.data[slot.at] |= FLAG_DELETED;
            node.live -= 1;
            node.deleted += 1;
        }
        self.length -= 1;
        if id > self.max_deleted {
            self.max_deleted = id;
        }
        if self.length == 0 {
            self.first_id = StreamId::MIN;
        } else if id == self.first_id {
            self.refresh_first_id();
        }
        true
    }

    /// `streamTrim`: removes entries from the head as the strategy says; whole
    /// nodes first, and within a node (only without `~`) by tombstones.
    /// Returns the IDs removed, in order.
    #[cfg(test)]
    pub fn trim(&mut self, spec: TrimSpec) -> Vec<StreamId> {
        self.trim_with_refs(spec).0
    }

    /// `streamTrim` of Redis 8.2-8.4, which also takes the reference mode: with
    /// `KEEPREF` it is 7.0's trim; with `DELREF` or `ACKED` no node is dropped
    /// whole before its entries were looked at one by one: `DELREF` strips each
    /// removed ID from every group's PEL (not those of entries already deleted,
    /// which it skips), `ACKED` skips (keeps) the entries a group still references
    /// and goes on with the next ones. With `~` only whole nodes go, and as
    /// `DELREF` and `ACKED` never drop one whole, `~` trims nothing with them
    /// (redis/redis#14656, seen on 8.4.0; Redis 8.6 changed it to go through an
    /// eligible node's entries, redis/redis#14623). Returns the IDs removed, in
    /// order, and the `(group, id)` references `DELREF` dropped.
    pub fn trim_with_refs(&mut self, spec: TrimSpec) -> (Vec<StreamId>, Vec<(Vec<u8>, StreamId)>) {
        let mut removed = Vec::new();
        let mut dropped = Vec::new();
        let mut deleted: u64 = 0;
        let keepref = spec.refs == RefMode::KeepRef;
        let mut after: Option<StreamId> = None;
        loop {
            let next = match after {
                None => self.nodes.first_key_value(),
                Some(a) => self
                    .nodes
                    .range((std::ops::Bound::Excluded(a), std::ops::Bound::Unbounded))
                    .next(),
            };
            let Some((&master, node)) = next else {
                break;
            };
            if let TrimStrategy::MaxLen(max) = spec.strategy {
                if self.length <= max {
                    break;
                }
            }
            let entries = node.live;
            if spec.limit != 0 && deleted + entries > spec.limit {
                break;
            }
            let eligible = match spec.strategy {
                TrimStrategy::MaxLen(max) => self.length - entries >= max,
                TrimStrategy::MinId(min) => node.last < min,
            };
            if eligible && keepref {
                let Some(node) = self.nodes.remove(&master) else {
                    break;
                };
                removed.extend(node.slots(master).filter(|s| !s.deleted).map(|s| s.id));
                self.bytes -= node.cost();
                self.length -= node.live;
                deleted += node.live;
                continue;
            }
            // A node `~` cannot drop whole ends the approximate trim, whatever the
            // reference mode (8.4.0's `if (approx) break;`).
            if spec.approx {
                break;
            }
            let slots: Vec<Slot> = node.slots(master).collect();
            let mut d = 0;
            for s in slots {
                let stop = match spec.strategy {
                    TrimStrategy::MaxLen(max) => self.length <= max,
                    TrimStrategy::MinId(min) => s.id >= min,
                };
                if stop {
                    break;
                }
                if s.deleted {
                    continue;
                }
                let can_delete = match spec.refs {
                    RefMode::KeepRef => true,
                    RefMode::Acked => !self.entry_is_referenced(s.id),
                    RefMode::DelRef => {
                        dropped.extend(self.drop_refs(s.id).into_iter().map(|g| (g, s.id)));
                        true
                    }
                };
                if can_delete {
                    if let Some(node) = self.node_mut(master) {
                        node.data[s.at] |= FLAG_DELETED;
                    }
                    removed.push(s.id);
                    d += 1;
                    self.length -= 1;
                }
            }
            deleted += d;
            if eligible && d == entries {
                if let Some(node) = self.nodes.remove(&master) {
                    self.bytes -= node.cost();
                }
                continue;
            }
            if d > 0 {
                if let Some(node) = self.node_mut(master) {
                    node.live -= d;
                    node.deleted += d;
                }
            }
            if eligible {
                after = Some(master);
                continue;
            }
            break;
        }
        if !removed.is_empty() {
            self.refresh_first_id();
        }
        (removed, dropped)
    }

    /// Whether every node decodes and the stream's counts agree with them: saved bytes that
    /// passed their checksum but hold a node the cursor cannot read are refused on load.
    pub fn well_formed(&self) -> bool {
        self.nodes
            .iter()
            .all(|(master, node)| node.well_formed(*master))
            && self.nodes.values().map(|n| n.live).sum::<u64>() == self.length
    }

    /// The checks of the node layout (tests).
    #[cfg(test)]
    pub(crate) fn check(&self) {
        let mut live = 0;
        let mut prev: Option<StreamId> = None;
        for (master, node) in &self.nodes {
            let slots: Vec<Slot> = node.slots(*master).collect();
            assert_eq!(slots.first().map(|s| s.id), Some(*master));
            assert_eq!(slots.last().map(|s| s.id), Some(node.last));
            assert_eq!(slots.len() as u64, node.live + node.deleted);
            assert_eq!(
                slots.iter().filter(|s| !s.deleted).count() as u64,
                node.live
            );
            for s in &slots {
                assert!(prev < Some(s.id));
                prev = Some(s.id);
            }
            live += node.live;
        }
        assert_eq!(live, self.length);
        assert_eq!(
            self.bytes,
            self.nodes.values().map(|n| n.cost()).sum::<usize>()
        );
        for (name, g) in &self.groups {
            g.check(name);
        }
        assert_eq!(
            self.group_bytes,
            self.groups.values().map(|g| g.bytes()).sum::<usize>()
        );
    }

    /// Each node's live and deleted counts (tests against the Python model).
    #[cfg(test)]
    pub(crate) fn node_counts(&self) -> Vec<(u64, u64)> {
        self.nodes.values().map(|n| (n.live, n.deleted)).collect()
    }
}

/// `Stream::locate` over the nodes alone, so that a group can be changed
/// while entries are looked up (`Stream::with_group_and_entries`).
fn locate_in(nodes: &BTreeMap<StreamId, Arc<Node>>, id: StreamId) -> Option<(StreamId, Slot)> {
    let from = nodes
        .range(..=id)
        .next_back()
        .map_or(StreamId::MIN, |(k, _)| *k);
    for (master, node) in nodes.range(from..) {
        if node.live == 0 || node.max < id {
            continue;
        }
        for s in node.slots(*master) {
            if s.deleted || s.id < id {
                continue;
            }
            return (s.id == id).then_some((*master, s));
        }
    }
    None
}
