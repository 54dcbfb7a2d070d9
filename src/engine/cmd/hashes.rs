//! What the hash commands share (and, for `finish_write`, the set commands): the lookups
//! of Redis's `t_hash.c` (`lookupKeyRead` + `checkType`, `hashTypeLookupWriteOrCreate`),
//! a change through `Db::modify` so the byte count stays exact, and the end of a write
//! (the key deleted when emptied, the change counted as Redis counts it).

use super::Cx;
use crate::engine::error::Error;
use crate::engine::hash::Hash;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;

impl Cx<'_> {
    /// The hash at `key` for reading: `Ok(None)` when missing, WRONGTYPE when it holds
    /// another type. Counts a keyspace hit or miss.
    pub fn read_hash(&mut self, key: &[u8]) -> Result<Option<&Hash>, Error> {
        self.count_read_lookup(key);
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(None),
            Some(e) => e.value.hash().map(Some),
        }
    }

    /// The hash at `key` without counting a lookup (`None` also for another type).
    pub fn peek_hash(&mut self, key: &[u8]) -> Option<&Hash> {
        let now = self.now_ms;
        self.db().get(key, now).and_then(|e| e.value.hash().ok())
    }

    /// `lookupKeyWrite` + `checkType`: whether `key` holds a hash.
    pub fn write_hash_exists(&mut self, key: &[u8]) -> Result<bool, Error> {
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(false),
            Some(e) => e.value.hash().map(|_| true),
        }
    }

    /// `hashTypeLookupWriteOrCreate`: WRONGTYPE for another type; a missing key is
    /// created empty here (the `new` notification comes now, before the command's own).
    pub fn hash_or_create(&mut self, key: &[u8]) -> Result<(), Error> {
        if !self.write_hash_exists(key)? {
            self.db()
                .set(key.to_vec(), Entry::new(Value::Hash(Box::default()), None));
            self.notify(notify::NEW, "new", key);
        }
        Ok(())
    }

    /// Changes the hash at `key` (which the caller found or created).
    pub fn modify_hash<R>(&mut self, key: &[u8], f: impl FnOnce(&mut Hash) -> R) -> Option<R> {
        let now = self.now_ms;
        self.db()
            .modify(key, now, |e| e.value.hash_mut().ok().map(f))
            .flatten()
    }

    /// Ends a write to `key` that Redis counts as `changes` changes (`server.dirty`):
    /// a value left empty is deleted (with the `del` notification after the command's
    /// own, which the caller sent), anything else is recorded as written.
    pub fn finish_write(&mut self, key: &[u8], changes: i64) {
        let now = self.now_ms;
        let empty = self.db().get(key, now).is_some_and(|e| match &e.value {
            Value::Hash(h) => h.is_empty(),
            Value::Set(s) => s.is_empty(),
            _ => false,
        });
        if empty {
            self.db().remove(key, now);
            self.key_deleted(key);
            self.notify(notify::GENERIC, "del", key);
        } else {
            self.key_written(key);
        }
        self.engine.dirty_adjust += changes - 1;
    }
}
