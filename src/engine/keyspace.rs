//! One logical database: keys, their values and expiry times, and the bytes
//! they hold (the memory accounting behind `maxmemory`, `INFO memory` and
//! `MEMORY USAGE`).
//!
//! Every change goes through `set`, `modify`, `take`/`remove` or `clear`, so
//! the byte count and the two indexes stay exact: readers get shared
//! references only. The indexes are the expiry index (keys ordered by expiry
//! time, so active expiry finds due keys without scanning the keyspace) and the
//! scan order (keys ordered by a fixed hash, which SCAN and RANDOMKEY walk).

use std::collections::{BTreeSet, HashMap};

use super::num::string2ll;

use super::error::Error;
use super::hash::Hash;
use super::list::List;
use super::set::Set;
use super::stream::Stream;
use super::zset::ZSet;

/// A key's value.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Value {
    String(Vec<u8>),
    Stream(Box<Stream>),
    ZSet(Box<ZSet>),
    List(Box<List>),
    Hash(Box<Hash>),
    Set(Box<Set>),
}

impl Value {
    /// The name `TYPE` reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
            Value::Stream(_) => "stream",
            Value::ZSet(_) => "zset",
            Value::List(_) => "list",
            Value::Hash(_) => "hash",
            Value::Set(_) => "set",
        }
    }

    /// The string held, or WRONGTYPE for any other type.
    pub fn string(&self) -> Result<&Vec<u8>, Error> {
        match self {
            Value::String(s) => Ok(s),
            _ => Err(Error::WrongType),
        }
    }

    /// The string held, for changing it in place, or WRONGTYPE.
    pub fn string_mut(&mut self) -> Result<&mut Vec<u8>, Error> {
        match self {
            Value::String(s) => Ok(s),
            _ => Err(Error::WrongType),
        }
    }

    /// The stream held, or WRONGTYPE for any other type.
    pub fn stream(&self) -> Result<&Stream, Error> {
        match self {
            Value::Stream(s) => Ok(s),
            _ => Err(Error::WrongType),
        }
    }

    /// The stream held, for changing it in place, or WRONGTYPE.
    pub fn stream_mut(&mut self) -> Result<&mut Stream, Error> {
        match self {
            Value::Stream(s) => Ok(s),
            _ => Err(Error::WrongType),
        }
    }

    /// The sorted set held, or WRONGTYPE for any other type.
    pub fn zset(&self) -> Result<&ZSet, Error> {
        match self {
            Value::ZSet(z) => Ok(z),
            _ => Err(Error::WrongType),
        }
    }

    /// The hash held, or WRONGTYPE for any other type.
    pub fn hash(&self) -> Result<&Hash, Error> {
        match self {
            Value::Hash(h) => Ok(h),
            _ => Err(Error::WrongType),
        }
    }

    /// The sorted set held, for changing it in place, or WRONGTYPE.
    pub fn zset_mut(&mut self) -> Result<&mut ZSet, Error> {
        match self {
            Value::ZSet(z) => Ok(z),
            _ => Err(Error::WrongType),
        }
    }

    /// The hash held, for changing it in place, or WRONGTYPE.
    pub fn hash_mut(&mut self) -> Result<&mut Hash, Error> {
        match self {
            Value::Hash(h) => Ok(h),
            _ => Err(Error::WrongType),
        }
    }

    /// The list held, or WRONGTYPE for any other type.
    pub fn list(&self) -> Result<&List, Error> {
        match self {
            Value::List(l) => Ok(l),
            _ => Err(Error::WrongType),
        }
    }

    /// The set held, or WRONGTYPE for any other type.
    pub fn set(&self) -> Result<&Set, Error> {
        match self {
            Value::Set(s) => Ok(s),
            _ => Err(Error::WrongType),
        }
    }

    /// The set held, for changing it in place, or WRONGTYPE.
    pub fn set_mut(&mut self) -> Result<&mut Set, Error> {
        match self {
            Value::Set(s) => Ok(s),
            _ => Err(Error::WrongType),
        }
    }

    /// The bytes this value holds (its payload; fixed overheads are added per entry).
    pub fn mem_size(&self) -> usize {
        match self {
            Value::String(s) => s.len(),
            Value::Stream(s) => s.mem_size(),
            Value::ZSet(z) => z.mem_size(),
            Value::List(l) => l.mem_size(),
            Value::Hash(h) => h.mem_size(),
            Value::Set(s) => s.mem_size(),
        }
    }
}

/// How a string value was made, which decides the encoding `OBJECT ENCODING`
/// reports and the count `OBJECT REFCOUNT` reports. Redis picks a string's
/// encoding when it creates the object, not from its current bytes alone: the
/// same `"5"` is `int` after SET, `embstr` after INCRBYFLOAT and `raw` after
/// APPEND.
#[derive(Clone, Copy, Debug, Default, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) enum Repr {
    /// Passed through `tryObjectEncoding` (SET, MSET) or made from an integer
    /// (INCR): `int` when the bytes are a canonical 64-bit integer (one of the
    /// shared objects for 0..=9999), else `embstr` up to 44 bytes, else `raw`.
    #[default]
    Encoded,
    /// Made by `createStringObject` (INCRBYFLOAT, copies of non-integers):
    /// `embstr` up to 44 bytes, else `raw`, whatever the bytes say.
    Created,
    /// Changed in place (APPEND, SETBIT, SETRANGE with a non-empty value; an
    /// empty SETRANGE changes nothing): always `raw`.
    Raw,
    /// A private copy of an integer object (COPY's `dupStringObject`): `int`,
    /// never shared.
    UnsharedInt,
}

/// Redis's `OBJ_ENCODING_EMBSTR_SIZE_LIMIT`.
const EMBSTR_SIZE_LIMIT: usize = 44;

/// Redis's `OBJ_SHARED_INTEGERS`: 0..10000 are shared objects.
const SHARED_INTEGERS: i64 = 10000;

/// The reference count of a shared object (`OBJ_SHARED_REFCOUNT`, `INT_MAX`).
const SHARED_REFCOUNT: i64 = i32::MAX as i64;

impl Repr {
    /// The encoding name `OBJECT ENCODING` reports for a string with these bytes.
    pub fn encoding(self, bytes: &[u8]) -> &'static str {
        let by_length = if bytes.len() <= EMBSTR_SIZE_LIMIT {
            "embstr"
        } else {
            "raw"
        };
        match self {
            Repr::Encoded if string2ll(bytes).is_some() => "int",
            Repr::Encoded | Repr::Created => by_length,
            Repr::Raw => "raw",
            Repr::UnsharedInt => "int",
        }
    }

    /// What `OBJECT REFCOUNT` reports for a string with these bytes.
    pub fn refcount(self, bytes: &[u8]) -> i64 {
        match (self, string2ll(bytes)) {
            (Repr::Encoded, Some(n)) if (0..SHARED_INTEGERS).contains(&n) => SHARED_REFCOUNT,
            _ => 1,
        }
    }

    /// The representation of a copy of a string with these bytes
    /// (`dupStringObject`: an integer stays an integer but is no longer shared;
    /// anything else is created anew with the same bytes).
    pub fn copied(self, bytes: &[u8]) -> Repr {
        match self {
            Repr::Encoded if string2ll(bytes).is_some() => Repr::UnsharedInt,
            Repr::Encoded => Repr::Created,
            other => other,
        }
    }
}

/// A key's value with its expiry time (absolute, engine clock).
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Entry {
    pub value: Value,
    pub expires_at_ms: Option<u64>,
    /// How a string value was made (see [`Repr`]); `Encoded` for other types.
    pub repr: Repr,
}

impl Entry {
    /// An entry as SET stores it: the value passed through `tryObjectEncoding`.
    pub fn new(value: Value, expires_at_ms: Option<u64>) -> Entry {
        Entry {
            value,
            expires_at_ms,
            repr: Repr::Encoded,
        }
    }

    /// Whether the expiry time has passed at `now_ms`. Redis keeps a key alive
    /// up to and including its expiry millisecond (`keyIsExpired`: `now > when`).
    pub fn is_expired(&self, now_ms: u64) -> bool {
        self.expires_at_ms.is_some_and(|t| now_ms > t)
    }
}

/// Bytes charged per key on top of the key and value bytes: the dictionary
/// entry, the object header and the expiry slot, roughly as Redis's allocator
/// sees them.
pub(crate) const ENTRY_OVERHEAD: usize = 64;

fn entry_size(key: &[u8], entry: &Entry) -> usize {
    ENTRY_OVERHEAD + key.len() + entry.value.mem_size()
}

/// A key's place in SCAN order: a fixed hash of its bytes (FNV-1a, then the
/// splitmix64 finaliser to spread similar keys), in `1..=2^31` so that it can
/// serve as a SCAN cursor (0 is the cursor that starts and ends an iteration).
/// Being a function of the bytes alone, the order is the same on every run and
/// every platform, and a key keeps its place while others come and go.
pub(crate) fn scan_hash(key: &[u8]) -> u64 {
    let mut h: u64 = 0xcbf2_9ce4_8422_2325;
    for &b in key {
        h ^= u64::from(b);
        h = h.wrapping_mul(0x0000_0100_0000_01b3);
    }
    h ^= h >> 30;
    h = h.wrapping_mul(0xbf58_476d_1ce4_e5b9);
    h ^= h >> 27;
    h = h.wrapping_mul(0x94d0_49bb_1331_11eb);
    h ^= h >> 31;
    (h >> 33) + 1
}

/// A database saves as its keys and the expired keys not yet collected; the
/// byte count and both indexes are derived from the keys, so loading rebuilds
/// them (`DbSaved`) instead of storing them three times over.
#[derive(Default, Debug, Clone, serde::Deserialize)]
#[serde(from = "DbSaved")]
pub(crate) struct Db {
    entries: HashMap<Vec<u8>, Entry>,
    /// The bytes held by `entries`, kept up to date by every change.
    bytes: usize,
    /// `(expiry time, key)` for every key that has an expiry time, so that
    /// active expiry takes due keys from the front instead of scanning.
    expires: BTreeSet<(u64, Vec<u8>)>,
    /// `(scan_hash(key), key)` for every key: the order of SCAN and RANDOMKEY.
    order: BTreeSet<(u64, Vec<u8>)>,
    /// Keys removed because their time passed, oldest first, until the engine
    /// collects them (to report events and notifications).
    pub expired: Vec<Vec<u8>>,
}

/// What a saved database holds: its keys in byte order (so equal databases
/// save to equal bytes, whatever the hash map's order) and `expired`.
#[derive(serde::Serialize, serde::Deserialize)]
struct DbSaved {
    entries: Vec<(Vec<u8>, Entry)>,
    expired: Vec<Vec<u8>>,
}

impl From<DbSaved> for Db {
    fn from(saved: DbSaved) -> Db {
        let mut db = Db::default();
        for (key, entry) in saved.entries {
            db.set(key, entry);
        }
        db.expired = saved.expired;
        db
    }
}

impl serde::Serialize for Db {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        use serde::ser::SerializeStruct;
        let mut entries: Vec<(&Vec<u8>, &Entry)> = self.entries.iter().collect();
        crate::vec_map::sort_by(&mut entries, |a, b| a.0.cmp(b.0));
        let mut st = s.serialize_struct("DbSaved", 2)?;
        st.serialize_field("entries", &entries)?;
        st.serialize_field("expired", &self.expired)?;
        st.end()
    }
}

impl Db {
    /// Moves `key` in the expiry index from `old` to `new`.
    fn reindex_expiry(&mut self, key: &[u8], old: Option<u64>, new: Option<u64>) {
        if old == new {
            return;
        }
        if let Some(t) = old {
            self.expires.remove(&(t, key.to_vec()));
        }
        if let Some(t) = new {
            self.expires.insert((t, key.to_vec()));
        }
    }

    /// Removes `key` (live or not) from the map and both indexes.
    fn unlink(&mut self, key: &[u8]) -> Option<Entry> {
        let old = self.entries.remove(key)?;
        self.bytes -= entry_size(key, &old);
        self.reindex_expiry(key, old.expires_at_ms, None);
        self.order.remove(&(scan_hash(key), key.to_vec()));
        Some(old)
    }

    fn expire_if_needed(&mut self, key: &[u8], now_ms: u64) {
        if self.entries.get(key).is_some_and(|e| e.is_expired(now_ms)) && self.unlink(key).is_some()
        {
            self.expired.push(key.to_vec());
        }
    }

    /// The live entry at `key`; an entry whose expiry has passed is removed
    /// first (lazy expiry).
    pub fn get(&mut self, key: &[u8], now_ms: u64) -> Option<&Entry> {
        self.expire_if_needed(key, now_ms);
        self.entries.get(key)
    }

    /// Changes the live entry at `key` in place, keeping the byte count and
    /// the expiry index exact (the closure may change the expiry time).
    pub fn modify<R>(
        &mut self,
        key: &[u8],
        now_ms: u64,
        f: impl FnOnce(&mut Entry) -> R,
    ) -> Option<R> {
        self.expire_if_needed(key, now_ms);
        let entry = self.entries.get_mut(key)?;
        let before = entry_size(key, entry);
        let expiry_before = entry.expires_at_ms;
        let r = f(entry);
        let after = entry_size(key, entry);
        let expiry_after = entry.expires_at_ms;
        self.bytes = self.bytes - before + after;
        self.reindex_expiry(key, expiry_before, expiry_after);
        Some(r)
    }

    /// The live entry at `key` without expiring anything: a key whose time
    /// has passed reads as absent but stays stored (for inspection).
    pub fn peek(&self, key: &[u8], now_ms: u64) -> Option<&Entry> {
        self.entries.get(key).filter(|e| !e.is_expired(now_ms))
    }

    /// Whether `key` is stored and its time has passed, without removing it
    /// (Redis's `keyIsExpired`).
    pub fn is_expired(&self, key: &[u8], now_ms: u64) -> bool {
        self.entries.get(key).is_some_and(|e| e.is_expired(now_ms))
    }

    /// Whether `key` is stored at all, expired or not (Redis's `dictFind`).
    pub fn holds(&self, key: &[u8]) -> bool {
        self.entries.contains_key(key)
    }

    /// The entry stored at `key`, expired or not, without expiring it (what an
    /// event reports about a key just written).
    pub fn peek_stored(&self, key: &[u8]) -> Option<&Entry> {
        self.entries.get(key)
    }

    /// Sets or clears the expiry time of the live key; returns whether it exists.
    pub fn set_expiry(&mut self, key: &[u8], expires_at_ms: Option<u64>, now_ms: u64) -> bool {
        self.modify(key, now_ms, |e| e.expires_at_ms = expires_at_ms)
            .is_some()
    }

    pub fn contains(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.get(key, now_ms).is_some()
    }

    /// Stores `entry` at `key`, replacing any previous value.
    pub fn set(&mut self, key: Vec<u8>, entry: Entry) {
        self.bytes += entry_size(&key, &entry);
        let new_expiry = entry.expires_at_ms;
        match self.entries.insert(key.clone(), entry) {
            Some(old) => {
                self.bytes -= entry_size(&key, &old);
                self.reindex_expiry(&key, old.expires_at_ms, new_expiry);
            }
            None => {
                self.reindex_expiry(&key, None, new_expiry);
                self.order.insert((scan_hash(&key), key));
            }
        }
    }

    /// Removes a live key and returns its entry.
    pub fn take(&mut self, key: &[u8], now_ms: u64) -> Option<Entry> {
        self.expire_if_needed(key, now_ms);
        self.unlink(key)
    }

    /// Removes a live key; returns whether it existed.
    pub fn remove(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.take(key, now_ms).is_some()
    }

    /// Removes every key and returns their names, in SCAN order.
    pub fn clear(&mut self) -> Vec<Vec<u8>> {
        self.entries.clear();
        self.expires.clear();
        self.bytes = 0;
        std::mem::take(&mut self.order)
            .into_iter()
            .map(|(_, key)| key)
            .collect()
    }

    /// The earliest expiry time of any key here, which the host's clock needs
    /// to know when to call `advance` next.
    pub fn next_expiry_ms(&self) -> Option<u64> {
        self.expires.first().map(|(t, _)| *t)
    }

    /// Active expiry: removes every key whose expiry time passed before
    /// `now_ms` (they join `expired`, in expiry-time order).
    pub fn expire_due(&mut self, now_ms: u64) {
        while let Some((t, key)) = self.expires.first() {
            if now_ms <= *t {
                break;
            }
            let key = key.clone();
            if self.unlink(&key).is_some() {
                self.expired.push(key);
            } else {
                // The index named a key the map does not hold: a broken
                // invariant, but dropping the stale index entry keeps the loop finite.
                debug_assert!(false, "expiry index out of step with the keyspace");
                self.expires.pop_first();
            }
        }
    }

    /// One SCAN step: up to `count` keys in SCAN order from `cursor` on (keys
    /// whose hash is at least `cursor`), and the cursor that continues after
    /// them (0 when the iteration is complete). Keys sharing the last key's
    /// hash all come in the same step, so the next cursor always moves past
    /// every key returned and an iteration cannot loop. Expired keys are
    /// included; the caller filters them.
    pub fn scan(&self, cursor: u64, count: usize) -> (Vec<Vec<u8>>, u64) {
        let mut keys = Vec::new();
        let mut last = None;
        for (h, key) in self.order.range((cursor, Vec::new())..) {
            if keys.len() >= count.max(1) && last != Some(*h) {
                return (keys, *h);
            }
            keys.push(key.clone());
            last = Some(*h);
        }
        (keys, 0)
    }

    /// The first key in SCAN order at or after `hash`, wrapping around to the
    /// first key (RANDOMKEY's pick, given a random `hash`).
    pub fn key_at_or_after(&self, hash: u64) -> Option<Vec<u8>> {
        self.order
            .range((hash, Vec::new())..)
            .next()
            .or_else(|| self.order.first())
            .map(|(_, key)| key.clone())
    }

    /// Number of keys, including ones whose time has passed but that were not
    /// removed yet (as Redis's `dbSize`).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The bytes charged for `key` (MEMORY USAGE), whether or not its time
    /// has passed (Redis's `dictFind`).
    pub fn usage(&self, key: &[u8]) -> Option<usize> {
        self.entries.get(key).map(|e| entry_size(key, e))
    }

    /// The bytes this database holds.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Every key with its entry, in no particular order (callers sort when
    /// they need a deterministic order).
    pub fn iter(&self) -> impl Iterator<Item = (&Vec<u8>, &Entry)> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Entry {
        Entry::new(Value::String(v.as_bytes().to_vec()), None)
    }

    #[test]
    fn byte_count_follows_every_change() {
        let mut db = Db::default();
        db.set(b"k".to_vec(), s("abc"));
        assert_eq!(db.bytes(), ENTRY_OVERHEAD + 1 + 3);
        db.set(b"k".to_vec(), s("abcdef"));
        assert_eq!(db.bytes(), ENTRY_OVERHEAD + 1 + 6);
        db.modify(b"k", 0, |e| e.value = Value::String(b"x".to_vec()));
        assert_eq!(db.bytes(), ENTRY_OVERHEAD + 1 + 1);
        db.set(
            b"t".to_vec(),
            Entry {
                expires_at_ms: Some(10),
                ..s("v")
            },
        );
        // A key lives through its expiry millisecond and is gone after it.
        assert!(db.get(b"t", 10).is_some());
        assert!(db.get(b"t", 11).is_none());
        assert_eq!(db.expired, vec![b"t".to_vec()]);
        assert!(db.remove(b"k", 0));
        assert_eq!(db.bytes(), 0);
    }

    #[test]
    fn expiry_index_follows_every_change() {
        let mut db = Db::default();
        let with_ttl = |t| Entry {
            expires_at_ms: Some(t),
            ..s("v")
        };
        db.set(b"a".to_vec(), with_ttl(30));
        db.set(b"b".to_vec(), with_ttl(10));
        db.set(b"c".to_vec(), with_ttl(20));
        db.set(b"d".to_vec(), s("no ttl"));
        // Replacing drops the old time; modify moves it; take forgets it.
        db.set(b"a".to_vec(), with_ttl(40));
        assert!(db.set_expiry(b"c", Some(5), 0));
        assert!(db.set_expiry(b"d", None, 0));
        assert!(db.take(b"b", 0).is_some());
        assert_eq!(
            db.expires.iter().cloned().collect::<Vec<_>>(),
            vec![(5, b"c".to_vec()), (40, b"a".to_vec())]
        );
        db.expire_due(5);
        assert!(db.expired.is_empty());
        db.expire_due(41);
        assert_eq!(db.expired, vec![b"c".to_vec(), b"a".to_vec()]);
        assert_eq!(db.len(), 1);
        assert!(db.expires.is_empty());
        assert_eq!(db.order.len(), 1);
        assert_eq!(db.bytes(), ENTRY_OVERHEAD + 1 + 6);
    }

    #[test]
    fn scan_visits_every_key_once_and_ends_at_zero() {
        let mut db = Db::default();
        for i in 0..100 {
            db.set(format!("key:{i}").into_bytes(), s("v"));
        }
        let mut seen = Vec::new();
        let mut cursor = 0;
        loop {
            let (keys, next) = db.scan(cursor, 7);
            assert!(keys.len() >= 7 || next == 0);
            seen.extend(keys);
            if next == 0 {
                break;
            }
            assert!(next > cursor);
            cursor = next;
        }
        seen.sort();
        seen.dedup();
        assert_eq!(seen.len(), 100);
        assert_eq!(db.clear().len(), 100);
        assert_eq!(db.scan(0, 10), (vec![], 0));
        assert_eq!(db.key_at_or_after(1), None);
    }

    #[test]
    fn string_encodings_follow_how_the_value_was_made() {
        assert_eq!(Repr::Encoded.encoding(b"12345"), "int");
        assert_eq!(Repr::Encoded.encoding(b"-0"), "embstr");
        assert_eq!(Repr::Encoded.encoding(&[b'x'; 44]), "embstr");
        assert_eq!(Repr::Encoded.encoding(&[b'x'; 45]), "raw");
        assert_eq!(Repr::Created.encoding(b"5"), "embstr");
        assert_eq!(Repr::Raw.encoding(b"5"), "raw");
        assert_eq!(Repr::Encoded.refcount(b"9999"), SHARED_REFCOUNT);
        assert_eq!(Repr::Encoded.refcount(b"10000"), 1);
        assert_eq!(Repr::Encoded.copied(b"7"), Repr::UnsharedInt);
        assert_eq!(Repr::UnsharedInt.refcount(b"7"), 1);
        assert_eq!(Repr::Encoded.copied(b"abc"), Repr::Created);
    }
}
