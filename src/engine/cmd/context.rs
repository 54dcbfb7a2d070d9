//! What a handler works with: `Cx` (the engine, the client, argv, the time and the outcome being
//! built) and its helpers, the one place a write is recorded (`key_written`, `key_deleted`: events,
//! wake-ups of blocked clients, WATCH), and what a handler returns (`Flow`, `BlockOn`).

use super::Serve;
use crate::engine::error::Error;
use crate::engine::keyspace::{Db, Entry, Value};
use crate::engine::stream::Stream;
use crate::engine::table::CommandSpec;
use crate::engine::{ClientId, Engine, EventKind, Outcome, Reply};

/// What a handler decided.
pub(crate) enum Flow {
    /// Answer now.
    Reply(Reply),
    /// Nothing to answer yet: block on keys (the command is re-run when one is written).
    Block(BlockOn),
    /// Answer with these frames for the client itself instead of a reply (the
    /// SUBSCRIBE family: one confirmation per argument). Inside EXEC they are
    /// written into the transaction's reply, as Redis writes them.
    Frames(Vec<Reply>),
}

impl From<Reply> for Flow {
    fn from(r: Reply) -> Flow {
        Flow::Reply(r)
    }
}

/// A request to block.
pub(crate) struct BlockOn {
    pub keys: Vec<Vec<u8>>,
    /// 0 blocks forever.
    pub timeout_ms: u64,
    pub timeout_reply: Reply,
    /// The command as it is re-run while blocked, when that differs from what was
    /// typed (XREAD's `$` replaced by the id it stood for at block time).
    pub argv: Option<Vec<Vec<u8>>>,
    pub serve: Serve,
    /// When the keys are to be signalled as ready even without a write (an
    /// XREADGROUP CLAIM waiting for a pending entry to become idle enough):
    /// once the engine clock passes this time.
    pub wake_at_ms: Option<u64>,
}

pub(crate) type CmdResult = Result<Flow, Error>;
pub(crate) type Handler = fn(&mut Cx) -> CmdResult;

/// Everything a handler may touch while it runs.
pub(crate) struct Cx<'a> {
    pub engine: &'a mut Engine,
    pub client: ClientId,
    pub argv: &'a [Vec<u8>],
    pub now_ms: u64,
    pub out: &'a mut Outcome,
    /// The command is being re-run for a blocked client after a key it waits on
    /// changed.
    pub reexec: bool,
    pub spec: &'static CommandSpec,
}

impl Cx<'_> {
    /// The client's selected database index.
    pub fn db_index(&self) -> usize {
        self.engine
            .clients
            .get(&self.client)
            .map(|c| c.db)
            .unwrap_or(0)
    }

    /// The client's selected database.
    pub fn db(&mut self) -> &mut Db {
        let i = self.db_index();
        &mut self.engine.dbs[i]
    }

    /// The string at `key`: `Ok(None)` when missing, WRONGTYPE when it holds another type.
    /// A read lookup (`lookupKeyRead`): it counts a keyspace hit or miss, so write
    /// commands look keys up with `db().get` instead.
    pub fn get_string(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        let now = self.now_ms;
        self.count_read_lookup(key);
        match self.db().get(key, now) {
            None => Ok(None),
            Some(Entry {
                value: Value::String(s),
                ..
            }) => Ok(Some(s.clone())),
            Some(_) => Err(Error::WrongType),
        }
    }

    /// Counts a keyspace hit or miss for a read lookup of `key`
    /// (`lookupKeyRead`), which readers call before borrowing the value.
    /// A miss is also the `keymiss` keyspace notification.
    pub fn count_read_lookup(&mut self, key: &[u8]) {
        if !self.count_read_lookup_quietly(key) {
            self.notify(crate::engine::params::notify::KEY_MISS, "keymiss", key);
        }
    }

    /// `count_read_lookup` without the `keymiss` notification
    /// (`LOOKUP_NONOTIFY`: OBJECT). Returns whether the key was found.
    pub fn count_read_lookup_quietly(&mut self, key: &[u8]) -> bool {
        let now = self.now_ms;
        let found = self.db().contains(key, now);
        if found {
            self.engine.stats.keyspace_hits += 1;
        } else {
            self.engine.stats.keyspace_misses += 1;
        }
        found
    }

    /// The stream at `key` for reading (`lookupKeyRead` + `checkType`):
    /// `Ok(None)` when missing, WRONGTYPE when it holds another type.
    pub fn read_stream(&mut self, key: &[u8]) -> Result<Option<&Stream>, Error> {
        self.count_read_lookup(key);
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(None),
            Some(e) => e.value.stream().map(Some),
        }
    }

    /// Whether `key` holds a stream (`lookupKeyWrite` + `checkType`): `Ok(false)`
    /// when missing, WRONGTYPE when it holds another type.
    pub fn write_stream_exists(&mut self, key: &[u8]) -> Result<bool, Error> {
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(false),
            Some(e) => e.value.stream().map(|_| true),
        }
    }

    /// Changes the stream at `key` (which the caller found to exist) through
    /// `Db::modify`, so the byte count stays exact.
    pub fn modify_stream<R>(&mut self, key: &[u8], f: impl FnOnce(&mut Stream) -> R) -> Option<R> {
        let now = self.now_ms;
        self.db()
            .modify(key, now, |e| e.value.stream_mut().ok().map(f))
            .flatten()
    }

    /// The internal node count of the stream at `key` (0 when there is none),
    /// read without expiring anything, for the removal events.
    pub fn stream_nodes(&self, key: &[u8]) -> usize {
        let db = self.db_index();
        self.engine
            .dbs
            .get(db)
            .and_then(|d| d.peek_stored(key))
            .and_then(|e| e.value.stream().ok())
            .map_or(0, Stream::node_count)
    }

    /// Where group `group` of the stream at `key` stands, for the group
    /// events: its last delivered ID, `entries_read` and lag (`None` when
    /// unknown), read without expiring anything or touching a statistic.
    pub fn group_position(
        &self,
        key: &[u8],
        group: &[u8],
    ) -> Option<(crate::engine::StreamId, Option<u64>, Option<u64>)> {
        let db = self.db_index();
        let s = self
            .engine
            .dbs
            .get(db)?
            .peek_stored(key)?
            .value
            .stream()
            .ok()?;
        let g = s.group(group)?;
        let v8 = self.engine.profile() == crate::engine::Profile::V8;
        let lag = s.group_lag(g, v8).and_then(|l| u64::try_from(l).ok());
        Some((g.last_id, u64::try_from(g.entries_read).ok(), lag))
    }

    /// Records that `key` was written: one change (`dirty`), the event for the
    /// views, and a wake-up for clients blocked on it.
    pub fn key_written(&mut self, key: &[u8]) {
        let db = self.db_index();
        self.key_written_in(db, key);
    }

    /// `key_written` for a key in database `db` (COPY ... DB, MOVE).
    pub fn key_written_in(&mut self, db: usize, key: &[u8]) {
        self.engine.dirty_adjust += 1;
        let key_type = self
            .engine
            .dbs
            .get(db)
            .and_then(|d| d.peek_stored(key))
            .map_or("none", |e| e.value.type_name());
        self.out.push_event(EventKind::KeyWritten {
            db,
            key: key.to_vec(),
            key_type: key_type.into(),
        });
        if signals_ready(self.spec.fullname) {
            self.engine.signal_key_ready(db, key);
        }
        self.engine.touch_watched_key(db, key);
    }

    /// `notifyKeyspaceEvent`: records a keyspace notification of `class`
    /// (`params::notify`) when `notify-keyspace-events` enables that class and
    /// at least one of the keyspace/keyevent channels.
    pub fn notify(&mut self, class: u32, event: &'static str, key: &[u8]) {
        use crate::engine::params::notify;
        let flags = self.engine.settings.notify_keyspace_events;
        if flags & class == 0 || flags & (notify::KEYSPACE | notify::KEYEVENT) == 0 {
            return;
        }
        let db = self.db_index();
        self.notify_in(db, class, event, key);
    }

    /// `notify` for a key in database `db`. Keys that expired lazily earlier
    /// in the command are announced first (`expired` is written when the
    /// lookup deletes them, before anything the command does next).
    pub fn notify_in(&mut self, db: usize, class: u32, event: &'static str, key: &[u8]) {
        use crate::engine::params::notify;
        let flags = self.engine.settings.notify_keyspace_events;
        if flags & class == 0 || flags & (notify::KEYSPACE | notify::KEYEVENT) == 0 {
            return;
        }
        self.engine.collect_expired(self.out);
        self.out.push_event(EventKind::Notification {
            db,
            class,
            event: event.into(),
            key: key.to_vec(),
        });
        self.engine.publish_notification(db, event, key, self.out);
    }

    /// Reports a consumer that a command created (XGROUP CREATECONSUMER, or
    /// implicitly XREADGROUP and the claims): the view event and the
    /// `xgroup-createconsumer` notification.
    pub fn consumer_created(&mut self, key: &[u8], group: &[u8], consumer: &[u8]) {
        let db = self.db_index();
        self.out.push_event(EventKind::ConsumerCreated {
            db,
            key: key.to_vec(),
            group: group.to_vec(),
            consumer: consumer.to_vec(),
        });
        self.notify(
            crate::engine::params::notify::STREAM,
            "xgroup-createconsumer",
            key,
        );
    }

    /// Reports that a command looked a consumer up (its seen-time is now).
    pub fn consumer_seen(&mut self, key: &[u8], group: &[u8], consumer: &[u8]) {
        let db = self.db_index();
        self.out.push_event(EventKind::ConsumerSeen {
            db,
            key: key.to_vec(),
            group: group.to_vec(),
            consumer: consumer.to_vec(),
        });
    }

    /// Records a change to a stream's consumer groups: Redis counts it as
    /// `n` changes (`server.dirty`) but neither touches WATCHed keys nor wakes
    /// blocked clients for it.
    pub fn groups_changed(&mut self, n: i64) {
        self.engine.dirty_adjust += n;
    }

    /// Records that a command removed `key`.
    pub fn key_deleted(&mut self, key: &[u8]) {
        let db = self.db_index();
        self.key_deleted_in(db, key);
    }

    /// `key_deleted` for a key in database `db`.
    pub fn key_deleted_in(&mut self, db: usize, key: &[u8]) {
        self.key_removed_in(db, key);
        self.out.push_event(EventKind::KeyDeleted {
            db,
            key: key.to_vec(),
        });
    }

    /// What removing `key` does besides its event (FLUSHDB and FLUSHALL report
    /// one `DbFlushed` instead of an event per key): one change, WATCH, and
    /// group readers blocked on it.
    pub fn key_removed_in(&mut self, db: usize, key: &[u8]) {
        self.engine.dirty_adjust += 1;
        self.engine.touch_watched_key(db, key);
        self.engine.signal_key_deleted(db, key);
    }

    /// Records that `key` got a new expiry time (or lost it). Its value did not
    /// change, so blocked clients are not woken.
    pub fn key_expiry_changed(&mut self, key: &[u8], expires_at_ms: Option<u64>) {
        let db = self.db_index();
        self.engine.dirty_adjust += 1;
        self.out.push_event(EventKind::KeyExpiryChanged {
            db,
            key: key.to_vec(),
            expires_at_ms,
        });
    }

    pub fn client_mut(&mut self) -> &mut crate::engine::client::Client {
        self.engine
            .clients
            .get_mut(&self.client)
            .expect("the running client exists")
    }
}

/// Whether a write by this command wakes clients blocked on the key. Redis
/// signals a key as ready when XADD appends or a key is added (RENAME, COPY,
/// MOVE, a new key); the stream commands that only change a stream's metadata
/// or remove entries (XSETID, XDEL, XTRIM, XGROUP, XACK) wake nobody, so a reader blocked on
/// `$` is not served an empty reply by them.
pub(super) fn signals_ready(fullname: &str) -> bool {
    !matches!(
        fullname,
        "xsetid" | "xdel" | "xdelex" | "xackdel" | "xtrim" | "xack" | "xreadgroup"
    ) && !fullname.starts_with("xgroup")
}
