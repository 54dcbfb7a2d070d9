//! The set type in Redis's encodings: an `intset` (sorted 64-bit integers) while every
//! member is an integer and there are at most `set-max-intset-entries` (512); in profile 8
//! (Redis 7.2+) a `listpack` (insertion order) for small sets with other members
//! (`set-max-listpack-entries` 128, `set-max-listpack-value` 64); otherwise a `hashtable`
//! (`members::Table`, the engine's own order). A set never goes back to a smaller encoding.
//! The commands live in `cmd/s*.rs`.

use super::members::{self, Table};
use super::num::string2ll;

/// `set-max-intset-entries`.
pub(crate) const MAX_INTSET_ENTRIES: usize = 512;
/// `set-max-listpack-entries` (profile 8).
pub(crate) const MAX_LISTPACK_ENTRIES: usize = 128;
/// `set-max-listpack-value` (profile 8).
pub(crate) const MAX_LISTPACK_VALUE: usize = 64;

/// A set and the bytes it holds (kept by every change).
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Set {
    enc: Enc,
    bytes: usize,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
enum Enc {
    Intset(Vec<i64>),
    Listpack(Vec<Vec<u8>>),
    Table(Table<()>),
}

impl Default for Enc {
    /// `createIntsetObject`: where SADD to a new integer key and the set operations start.
    fn default() -> Enc {
        Enc::Intset(Vec::new())
    }
}

impl Enc {
    /// Bytes charged for a member `m` in this encoding.
    fn cost(&self, m: &[u8]) -> usize {
        match self {
            Enc::Intset(_) => 8,
            Enc::Listpack(_) => m.len() + 2,
            Enc::Table(_) => m.len() + 32,
        }
    }
}

impl Set {
    /// `setTypeCreate`: an intset when the first member is an integer, else a hashtable in
    /// 7.0. Profile 8 sizes it by the number of members about to be added (`size_hint`):
    /// an intset only up to `set-max-intset-entries`, a listpack up to
    /// `set-max-listpack-entries`, else a hashtable at once.
    pub fn create(first: &[u8], size_hint: usize, v8: bool) -> Set {
        let is_int = string2ll(first).is_some();
        let enc = if is_int && (!v8 || size_hint <= MAX_INTSET_ENTRIES) {
            Enc::Intset(Vec::new())
        } else if v8 && size_hint <= MAX_LISTPACK_ENTRIES {
            Enc::Listpack(Vec::new())
        } else {
            Enc::Table(Table::default())
        };
        Set { enc, bytes: 0 }
    }

    pub fn len(&self) -> usize {
        match &self.enc {
            Enc::Intset(v) => v.len(),
            Enc::Listpack(v) => v.len(),
            Enc::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match self.enc {
            Enc::Intset(_) => "intset",
            Enc::Listpack(_) => "listpack",
            Enc::Table(_) => "hashtable",
        }
    }

    pub fn mem_size(&self) -> usize {
        self.bytes
    }

    /// The first `n` members in the encoding's order (the keyspace view's glimpse).
    pub fn first_members(&self, n: usize) -> Vec<Vec<u8>> {
        match &self.enc {
            Enc::Intset(v) => v
                .iter()
                .take(n)
                .map(|i| i.to_string().into_bytes())
                .collect(),
            Enc::Listpack(v) => v.iter().take(n).cloned().collect(),
            Enc::Table(t) => t.iter().take(n).map(|(m, _)| m.to_vec()).collect(),
        }
    }

    /// Every member in the encoding's order.
    pub fn members(&self) -> Vec<Vec<u8>> {
        match &self.enc {
            Enc::Intset(v) => v.iter().map(|n| n.to_string().into_bytes()).collect(),
            Enc::Listpack(v) => v.clone(),
            Enc::Table(t) => t.iter().map(|(m, _)| m.to_vec()).collect(),
        }
    }

    /// The member at `index` (0..len) in the encoding's order.
    pub fn nth(&self, index: usize) -> Option<Vec<u8>> {
        match &self.enc {
            Enc::Intset(v) => v.get(index).map(|n| n.to_string().into_bytes()),
            Enc::Listpack(v) => v.get(index).cloned(),
            Enc::Table(t) => t.nth(index).map(|(m, _)| m.to_vec()),
        }
    }

    pub fn contains(&self, m: &[u8]) -> bool {
        match &self.enc {
            Enc::Intset(v) => string2ll(m).is_some_and(|n| v.binary_search(&n).is_ok()),
            Enc::Listpack(v) => v.iter().any(|x| x == m),
            Enc::Table(t) => t.contains(m),
        }
    }

    /// Moves every member into `enc` (empty) and recounts the bytes.
    fn convert(&mut self, mut enc: Enc) {
        for m in self.members() {
            match &mut enc {
                Enc::Listpack(v) => v.push(m),
                Enc::Table(t) => {
                    t.insert(m, ());
                }
                Enc::Intset(_) => debug_assert!(false, "no conversion to an intset"),
            }
        }
        self.bytes = match &enc {
            Enc::Listpack(v) => v.iter().map(|m| m.len() + 2).sum(),
            Enc::Table(t) => t.iter().map(|(m, _)| m.len() + 32).sum(),
            Enc::Intset(v) => v.len() * 8,
        };
        self.enc = enc;
    }

    /// The set SPOP leaves when it pops most members (`spopWithCountCommand`'s third case):
    /// Redis builds a new set from the members that stay, in the order they were picked,
    /// so a hashtable can shrink back: from an intset in 7.0 (an intset again when only
    /// integers stay), and in profile 8 from an intset for an intset, else a listpack.
    pub fn rebuilt(&self, staying: &[Vec<u8>], v8: bool) -> Set {
        let mut out = Set::default();
        if v8 && !matches!(self.enc, Enc::Intset(_)) {
            out.enc = Enc::Listpack(Vec::new());
        }
        for m in staying {
            out.add(m, v8);
        }
        out
    }

    /// 7.2's `setTypeMaybeConvert` (profile 8, SADD to an existing set): a set about to
    /// receive more members than its encoding allows becomes a hashtable first.
    pub fn maybe_convert(&mut self, size_hint: usize) {
        let over = match self.enc {
            Enc::Listpack(_) => size_hint > MAX_LISTPACK_ENTRIES,
            Enc::Intset(_) => size_hint > MAX_INTSET_ENTRIES,
            Enc::Table(_) => false,
        };
        if over {
            self.convert(Enc::Table(Table::default()));
        }
    }

    /// `setTypeAdd`: true when `m` was not a member. Conversions as in 7.0.15 or, in
    /// profile 8, 7.2's `setTypeAddAux`.
    pub fn add(&mut self, m: &[u8], v8: bool) -> bool {
        if let Enc::Intset(v) = &mut self.enc {
            if let Some(n) = string2ll(m) {
                let Err(at) = v.binary_search(&n) else {
                    return false;
                };
                v.insert(at, n);
                self.bytes += 8;
                if v.len() > MAX_INTSET_ENTRIES {
                    self.convert(Enc::Table(Table::default()));
                }
                return true;
            }
            let fits = v8 && v.len() < MAX_LISTPACK_ENTRIES && m.len() <= MAX_LISTPACK_VALUE;
            self.convert(if fits {
                Enc::Listpack(Vec::new())
            } else {
                Enc::Table(Table::default())
            });
        }
        if let Enc::Listpack(v) = &self.enc {
            if v.iter().any(|x| x == m) {
                return false;
            }
            if v.len() >= MAX_LISTPACK_ENTRIES || m.len() > MAX_LISTPACK_VALUE {
                self.convert(Enc::Table(Table::default()));
            }
        }
        let cost = self.enc.cost(m);
        let added = match &mut self.enc {
            Enc::Listpack(v) => {
                v.push(m.to_vec());
                true
            }
            Enc::Table(t) => t.insert(m.to_vec(), ()).is_none(),
            Enc::Intset(_) => false,
        };
        if added {
            self.bytes += cost;
        }
        added
    }

    /// `setTypeRemove`: true when `m` was a member.
    pub fn remove(&mut self, m: &[u8]) -> bool {
        let cost = self.enc.cost(m);
        let removed = match &mut self.enc {
            Enc::Intset(v) => match string2ll(m).map(|n| v.binary_search(&n)) {
                Some(Ok(i)) => {
                    v.remove(i);
                    true
                }
                _ => false,
            },
            Enc::Listpack(v) => match v.iter().position(|x| x == m) {
                Some(i) => {
                    v.remove(i);
                    true
                }
                None => false,
            },
            Enc::Table(t) => t.remove(m).is_some(),
        };
        if removed {
            self.bytes -= cost;
        }
        removed
    }

    /// One SSCAN step: the small encodings answer everything at once (cursor 0, as
    /// Redis does); a hashtable visits about `count` members from `cursor`.
    pub fn scan(&self, cursor: u64, count: usize) -> (Vec<Vec<u8>>, u64) {
        match &self.enc {
            Enc::Table(t) => {
                let (items, next) = members::scan(t.range_from(cursor), count);
                (items.into_iter().map(|(m, _)| m.to_vec()).collect(), next)
            }
            _ => (self.members(), 0),
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn encodings_follow_the_members_in_both_profiles() {
        let mut s = Set::create(b"1", 1, false);
        assert!(s.add(b"3", false) && s.add(b"1", false) && !s.add(b"3", false));
        assert_eq!(s.members(), vec![b"1".to_vec(), b"3".to_vec()]);
        assert_eq!(s.encoding(), "intset");
        let mut v8 = s.clone();
        assert!(s.add(b"a", false));
        assert_eq!(s.encoding(), "hashtable");
        assert!(v8.add(b"a", true));
        assert_eq!(v8.encoding(), "listpack");
        assert_eq!(v8.members()[2], b"a".to_vec());
        assert!(v8.add(&[b'x'; 65], true));
        assert_eq!(v8.encoding(), "hashtable");
        assert_eq!(v8.len(), 4);
        // 512 integers stay an intset; the 513th makes a hashtable.
        let mut big = Set::default();
        for i in 0..512 {
            big.add(i.to_string().as_bytes(), false);
        }
        assert_eq!(big.encoding(), "intset");
        big.add(b"-1", false);
        assert_eq!(big.encoding(), "hashtable");
        assert!(big.contains(b"-1") && big.remove(b"-1") && !big.contains(b"-1"));
        assert_eq!(Set::create(b"a", 200, true).encoding(), "hashtable");
        assert_eq!(Set::create(b"1", 100, true).encoding(), "intset");
        assert_eq!(Set::create(b"1", 513, true).encoding(), "hashtable");
        assert_eq!(Set::create(b"a", 128, true).encoding(), "listpack");
        assert_eq!(Set::create(b"a", 200, false).encoding(), "hashtable");
    }

    #[test]
    fn byte_count_follows_every_change() {
        let mut s = Set::default();
        for m in [&b"1"[..], b"2", b"abc", b"xyz", b"2"] {
            s.add(m, true);
        }
        s.remove(b"abc");
        let expected: usize = s.members().iter().map(|m| m.len() + 2).sum();
        assert_eq!(s.mem_size(), expected);
    }
}
