//! What the hash and set types share: `Table`, the engine's `hashtable` encoding (members
//! ordered by a fixed hash of their bytes, the same hash SCAN orders keys by, so HSCAN and
//! SSCAN cursors keep SCAN's guarantee), the cursor step over it, and random picks from the
//! engine's seeded generator.

use std::collections::BTreeMap;

use super::keyspace::scan_hash;
use super::rng::Rng;

/// Members (with a value each: a hash's values, `()` for a set) in the order of
/// `scan_hash` of their bytes. Redis's dict order is random per start; this one is the
/// same on every run, and a member keeps its place while others come and go.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Table<V>(BTreeMap<(u64, Vec<u8>), V>);

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table(BTreeMap::new())
    }
}

fn slot(m: &[u8]) -> (u64, Vec<u8>) {
    (scan_hash(m), m.to_vec())
}

impl<V> Table<V> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    pub fn get(&self, m: &[u8]) -> Option<&V> {
        self.0.get(&slot(m))
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        self.0.contains_key(&slot(m))
    }

    /// Inserts or replaces; the old value when `m` was there.
    pub fn insert(&mut self, m: Vec<u8>, v: V) -> Option<V> {
        self.0.insert((scan_hash(&m), m), v)
    }

    pub fn remove(&mut self, m: &[u8]) -> Option<V> {
        self.0.remove(&slot(m))
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.0.iter().map(|((_, m), v)| (&m[..], v))
    }

    /// Members from cursor position `cursor` on, each with its hash.
    pub fn range_from(&self, cursor: u64) -> impl Iterator<Item = (u64, &[u8], &V)> {
        self.0
            .range((cursor, Vec::new())..)
            .map(|((h, m), v)| (*h, &m[..], v))
    }
}

/// One cursor step over a `Table`: about `count` members from the cursor on (all that
/// share the last one's hash come together, so the next cursor moves past every member
/// returned), and the cursor that continues after them (0 at the end), as `Db::scan`.
pub(crate) fn scan<'a, V: 'a>(
    items: impl Iterator<Item = (u64, &'a [u8], &'a V)>,
    count: usize,
) -> (Vec<(&'a [u8], &'a V)>, u64) {
    let mut out = Vec::new();
    let mut last = None;
    for (h, m, v) in items {
        if out.len() >= count.max(1) && last != Some(h) {
            return (out, h);
        }
        out.push((m, v));
        last = Some(h);
    }
    (out, 0)
}

/// A random index below `n` (which is not 0).
pub(crate) fn random_index(rng: &mut Rng, n: usize) -> usize {
    (rng.next_u64() % n as u64) as usize
}

/// `count` distinct indices below `n` (`count < n`), picked at random, in increasing
/// order (Redis's listpack sampling, `lpRandomPairsUnique`, answers in listpack order).
pub(crate) fn random_distinct(rng: &mut Rng, n: usize, count: usize) -> Vec<usize> {
    // A partial Fisher-Yates shuffle of 0..n.
    let mut idx: Vec<usize> = (0..n).collect();
    for i in 0..count {
        let j = i + random_index(rng, n - i);
        idx.swap(i, j);
    }
    idx.truncate(count);
    idx.sort_unstable();
    idx
}
