//! What the hash and set types share: `Table`, the engine's `hashtable` encoding (members
//! ordered by a fixed hash of their bytes, the same hash SCAN orders keys by, so HSCAN and
//! SSCAN cursors keep SCAN's guarantee), the cursor step over it, and random picks from the
//! engine's seeded generator.

use super::keyspace::scan_hash;
use super::rng::Rng;

/// Members (with a value each: a hash's values, `()` for a set) in the order of
/// `scan_hash` of their bytes, then the bytes. Redis's dict order is random per start; this
/// one is the same on every run, and a member keeps its place while others come and go. A
/// sorted `Vec` rather than a B-tree: the page's code stays small, and a random pick is
/// an index.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Table<V>(Vec<(u64, Vec<u8>, V)>);

impl<V> Default for Table<V> {
    fn default() -> Self {
        Table(Vec::new())
    }
}

impl<V> Table<V> {
    pub fn len(&self) -> usize {
        self.0.len()
    }

    /// Where `m` is (`Ok`) or would go (`Err`).
    fn find(&self, m: &[u8]) -> Result<usize, usize> {
        let h = scan_hash(m);
        self.0
            .binary_search_by(|(eh, em, _)| (*eh, em.as_slice()).cmp(&(h, m)))
    }

    pub fn get(&self, m: &[u8]) -> Option<&V> {
        self.find(m).ok().map(|i| &self.0[i].2)
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        self.find(m).is_ok()
    }

    /// Inserts or replaces; the old value when `m` was there.
    pub fn insert(&mut self, m: Vec<u8>, v: V) -> Option<V> {
        match self.find(&m) {
            Ok(i) => Some(std::mem::replace(&mut self.0[i].2, v)),
            Err(i) => {
                self.0.insert(i, (scan_hash(&m), m, v));
                None
            }
        }
    }

    pub fn remove(&mut self, m: &[u8]) -> Option<V> {
        self.find(m).ok().map(|i| self.0.remove(i).2)
    }

    pub fn iter(&self) -> impl Iterator<Item = (&[u8], &V)> {
        self.0.iter().map(|(_, m, v)| (&m[..], v))
    }

    /// The member at `index` in the table's order.
    pub fn nth(&self, index: usize) -> Option<(&[u8], &V)> {
        self.0.get(index).map(|(_, m, v)| (&m[..], v))
    }

    /// Members from cursor position `cursor` on, each with its hash.
    pub fn range_from(&self, cursor: u64) -> impl Iterator<Item = (u64, &[u8], &V)> {
        let start = self.0.partition_point(|(h, _, _)| *h < cursor);
        self.0[start..].iter().map(|(h, m, v)| (*h, &m[..], v))
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

/// A random index below `n` (0 when `n` is 0: callers pick from stored values, which
/// are never empty, but a broken invariant must not become a panic).
pub(crate) fn random_index(rng: &mut Rng, n: usize) -> usize {
    (rng.next_u64() % (n as u64).max(1)) as usize
}

/// `count` distinct indices below `n` (`count <= n`), picked at random, in increasing
/// order (Redis's listpack sampling, `lpRandomPairsUnique`, answers in listpack order):
/// selection sampling (Knuth's algorithm S), which needs no sort.
pub(crate) fn random_distinct(rng: &mut Rng, n: usize, count: usize) -> Vec<usize> {
    if count >= n {
        return (0..n).collect();
    }
    let mut out = Vec::with_capacity(count);
    for i in 0..n {
        if out.len() == count {
            break;
        }
        // Take `i` with probability (still needed) / (still available).
        if random_index(rng, n - i) < count - out.len() {
            out.push(i);
        }
    }
    out
}
