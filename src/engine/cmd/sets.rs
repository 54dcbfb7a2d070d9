//! What the set commands share: the lookups of Redis's `t_set.c` (`lookupKeyRead` +
//! `checkType`, `lookupKeyWrite`), a change through `Db::modify` so the byte count stays
//! exact, a set created by its first member (`setTypeCreate`), and `store_set`, the end of
//! the STORE forms (`setKey`, or the destination deleted when the result is empty).

use super::Cx;
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;
use crate::engine::set::Set;
use crate::engine::Reply;

impl Cx<'_> {
    /// The set at `key` for reading: `Ok(None)` when missing, WRONGTYPE when it holds
    /// another type. Counts a keyspace hit or miss.
    pub fn read_set(&mut self, key: &[u8]) -> Result<Option<&Set>, Error> {
        self.count_read_lookup(key);
        self.peek_set(key)
    }

    /// The set at `key` without counting a lookup (`lookupKeyWrite` + `checkType`).
    pub fn peek_set(&mut self, key: &[u8]) -> Result<Option<&Set>, Error> {
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(None),
            Some(e) => e.value.set().map(Some),
        }
    }

    /// Changes the set at `key` (which the caller found or created).
    pub fn modify_set<R>(&mut self, key: &[u8], f: impl FnOnce(&mut Set) -> R) -> Option<R> {
        let now = self.now_ms;
        self.db()
            .modify(key, now, |e| e.value.set_mut().ok().map(f))
            .flatten()
    }

    /// Stores a new (empty) set at `key`, made for `first` and `size_hint` members
    /// (`setTypeCreate` + `dbAdd`, with its `new` notification).
    pub fn create_set(&mut self, key: &[u8], first: &[u8], size_hint: usize) {
        let set = Set::create(first, size_hint, self.v8());
        self.db()
            .set(key.to_vec(), Entry::new(Value::Set(Box::new(set)), None));
        self.notify(notify::NEW, "new", key);
    }

    /// The end of SINTERSTORE, SUNIONSTORE and SDIFFSTORE: a non-empty result replaces
    /// `dst` (its expiry time dropped, `setKey`) and is announced as `event`; an empty one
    /// deletes `dst` (`del`). Answers the result's size.
    pub fn store_set(&mut self, dst: &[u8], set: Set, event: &'static str) -> Reply {
        let now = self.now_ms;
        let size = set.len() as i64;
        if size == 0 {
            if self.db().remove(dst, now) {
                self.key_deleted(dst);
                self.notify(notify::GENERIC, "del", dst);
            }
            return Reply::Integer(0);
        }
        let existed = self.db().contains(dst, now);
        self.db()
            .set(dst.to_vec(), Entry::new(Value::Set(Box::new(set)), None));
        self.key_written(dst);
        if !existed {
            self.notify(notify::NEW, "new", dst);
        }
        self.notify(notify::SET, event, dst);
        Reply::Integer(size)
    }
}

/// The sets at `keys`, read in order (`lookupKeyRead` each: every key is looked up and
/// type-checked even after a missing one); `None` for a missing key.
pub(super) fn read_sets(cx: &mut Cx, keys: &[Vec<u8>]) -> Result<Vec<Option<Set>>, Error> {
    let mut sets = Vec::with_capacity(keys.len());
    for key in keys {
        sets.push(cx.read_set(key)?.cloned());
    }
    Ok(sets)
}

/// Members as bulk strings.
pub(super) fn bulks(members: Vec<Vec<u8>>) -> Vec<Reply> {
    members.into_iter().map(Reply::Bulk).collect()
}
