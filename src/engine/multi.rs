//! Transactions and optimistic locking (Redis's `multi.c`): the keys clients
//! WATCH, marking them dirty when a watched key changes, and dropping a
//! client's transaction state.

use std::collections::HashMap;

use super::client::Watched;
use super::{ClientId, Engine};

/// Which clients watch which keys, for fast lookup on every write.
#[derive(Clone, Default, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct WatchedKeys {
    by_key: HashMap<(usize, Vec<u8>), Vec<ClientId>>,
}

impl Engine {
    /// WATCH: remembers `key` in the client's database (once).
    pub(crate) fn watch_key(&mut self, client: ClientId, db: usize, key: &[u8], now_ms: u64) {
        let expired = self.dbs[db].is_expired(key, now_ms);
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        if c.watched.iter().any(|w| w.db == db && w.key == key) {
            return;
        }
        c.watched.push(Watched {
            db,
            key: key.to_vec(),
            expired,
        });
        self.watched
            .by_key
            .entry((db, key.to_vec()))
            .or_default()
            .push(client);
    }

    /// Forgets every key the client watches (UNWATCH, EXEC, DISCARD, RESET, disconnect).
    pub(crate) fn unwatch_all(&mut self, client: ClientId) {
        let Some(c) = self.clients.get_mut(&client) else {
            return;
        };
        for w in std::mem::take(&mut c.watched) {
            let k = (w.db, w.key);
            if let Some(list) = self.watched.by_key.get_mut(&k) {
                list.retain(|&id| id != client);
                if list.is_empty() {
                    self.watched.by_key.remove(&k);
                }
            }
        }
    }

    /// `touchWatchedKey`: `key` in `db` was modified (written, deleted or
    /// expired); clients watching it will see EXEC fail.
    pub(crate) fn touch_watched_key(&mut self, db: usize, key: &[u8]) {
        let Some(watchers) = self.watched.by_key.get(&(db, key.to_vec())).cloned() else {
            return;
        };
        let still_stored = self.dbs[db].holds(key);
        for id in watchers {
            let Some(c) = self.clients.get_mut(&id) else {
                continue;
            };
            if let Some(w) = c.watched.iter_mut().find(|w| w.db == db && w.key == key) {
                if w.expired && !still_stored {
                    // The key had already expired when it was watched: deleting
                    // it now is no logical change.
                    w.expired = false;
                    continue;
                }
            }
            c.dirty_cas = true;
            self.unwatch_all(id);
        }
    }

    /// `isWatchedKeyExpired`: a key that was alive when watched has expired since.
    pub(crate) fn watched_key_expired(&self, client: ClientId, now_ms: u64) -> bool {
        self.clients.get(&client).is_some_and(|c| {
            c.watched
                .iter()
                .any(|w| !w.expired && self.dbs[w.db].is_expired(&w.key, now_ms))
        })
    }

    /// `discardTransaction`: drops the queue, the dirty flags and the watched keys.
    pub(crate) fn discard_transaction(&mut self, client: ClientId) {
        if let Some(c) = self.clients.get_mut(&client) {
            c.multi = None;
            c.dirty_exec = false;
            c.dirty_cas = false;
        }
        self.unwatch_all(client);
    }
}
