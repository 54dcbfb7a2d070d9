//! One logical database: keys, their values and expiry times, and the bytes
//! they hold (the memory accounting behind `maxmemory`, `INFO memory` and
//! `MEMORY USAGE`).
//!
//! Every change goes through `set`, `modify` or `remove`, so the byte count
//! stays exact: readers get shared references only.

use std::collections::HashMap;

use super::error::Error;

/// A key's value. More types (streams) arrive with their commands.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    String(Vec<u8>),
}

impl Value {
    /// The name `TYPE` reports.
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
        }
    }

    /// The string held, or WRONGTYPE for any other type.
    pub fn string(&self) -> Result<&Vec<u8>, Error> {
        match self {
            Value::String(s) => Ok(s),
        }
    }

    /// The string held, for changing it in place, or WRONGTYPE.
    pub fn string_mut(&mut self) -> Result<&mut Vec<u8>, Error> {
        match self {
            Value::String(s) => Ok(s),
        }
    }

    /// The bytes this value holds (its payload; fixed overheads are added per entry).
    pub fn mem_size(&self) -> usize {
        match self {
            Value::String(s) => s.len(),
        }
    }
}

/// A key's value with its expiry time (absolute, engine clock).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub value: Value,
    pub expires_at_ms: Option<u64>,
}

/// Bytes charged per key on top of the key and value bytes: the dictionary
/// entry, the object header and the expiry slot, roughly as Redis's allocator
/// sees them.
pub(crate) const ENTRY_OVERHEAD: usize = 64;

fn entry_size(key: &[u8], entry: &Entry) -> usize {
    ENTRY_OVERHEAD + key.len() + entry.value.mem_size()
}

#[derive(Default, Debug)]
pub(crate) struct Db {
    entries: HashMap<Vec<u8>, Entry>,
    /// The bytes held by `entries`, kept up to date by every change.
    bytes: usize,
    /// Keys removed because their time passed, oldest first, until the engine
    /// collects them (to report events and notifications).
    pub expired: Vec<Vec<u8>>,
}

impl Db {
    fn expire_if_needed(&mut self, key: &[u8], now_ms: u64) {
        if self
            .entries
            .get(key)
            .is_some_and(|e| e.expires_at_ms.is_some_and(|t| t <= now_ms))
        {
            if let Some(old) = self.entries.remove(key) {
                self.bytes -= entry_size(key, &old);
                self.expired.push(key.to_vec());
            }
        }
    }

    /// The live entry at `key`; an entry whose expiry has passed is removed
    /// first (lazy expiry).
    pub fn get(&mut self, key: &[u8], now_ms: u64) -> Option<&Entry> {
        self.expire_if_needed(key, now_ms);
        self.entries.get(key)
    }

    /// Changes the live entry at `key` in place, keeping the byte count exact.
    pub fn modify<R>(
        &mut self,
        key: &[u8],
        now_ms: u64,
        f: impl FnOnce(&mut Entry) -> R,
    ) -> Option<R> {
        self.expire_if_needed(key, now_ms);
        let entry = self.entries.get_mut(key)?;
        let before = entry_size(key, entry);
        let r = f(entry);
        let after = entry_size(key, entry);
        self.bytes = self.bytes - before + after;
        Some(r)
    }

    pub fn contains(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.get(key, now_ms).is_some()
    }

    /// Stores `entry` at `key`, replacing any previous value.
    pub fn set(&mut self, key: Vec<u8>, entry: Entry) {
        self.bytes += entry_size(&key, &entry);
        if let Some(old) = self.entries.insert(key.clone(), entry) {
            self.bytes -= entry_size(&key, &old);
        }
    }

    /// Removes a live key and returns its entry.
    pub fn take(&mut self, key: &[u8], now_ms: u64) -> Option<Entry> {
        self.expire_if_needed(key, now_ms);
        let old = self.entries.remove(key)?;
        self.bytes -= entry_size(key, &old);
        Some(old)
    }

    /// Removes a live key; returns whether it existed.
    pub fn remove(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.take(key, now_ms).is_some()
    }

    /// Removes every key.
    pub fn clear(&mut self) {
        self.entries.clear();
        self.bytes = 0;
    }

    /// Number of keys, including ones whose time has passed but that were not
    /// removed yet (as Redis's `dbSize`).
    pub fn len(&self) -> usize {
        self.entries.len()
    }

    /// The bytes this database holds.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    /// Every key with its entry, in no particular order (callers sort when
    /// they need a deterministic order).
    #[allow(dead_code)]
    pub fn iter(&self) -> impl Iterator<Item = (&Vec<u8>, &Entry)> {
        self.entries.iter()
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn s(v: &str) -> Entry {
        Entry {
            value: Value::String(v.as_bytes().to_vec()),
            expires_at_ms: None,
        }
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
        assert!(db.get(b"t", 10).is_none());
        assert_eq!(db.expired, vec![b"t".to_vec()]);
        assert!(db.remove(b"k", 0));
        assert_eq!(db.bytes(), 0);
    }
}
