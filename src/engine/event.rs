//! The engine's events: typed records of what each call changed, stamped with a
//! sequence number, the engine time and the client that caused them, and their
//! JSON form (byte strings as text when UTF-8, `{"hex": ...}` otherwise).
//!
//! Events are a record, not a mechanism: no reply, statistic or INFO field
//! depends on which events are emitted (`EventKind::Probe` and the transcript
//! test that toggles it prove that).

use std::borrow::Cow;

use serde::{Deserialize, Serialize};

use super::pubsub::SubscriptionKind;
use super::stream::StreamId;
use super::ClientId;

/// One change the views animate, in the order the engine made it. Views never
/// parse reply text: anything they need to show comes as an event.
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
pub struct Event {
    /// Strictly increasing across the engine's life (see
    /// [`super::Engine::set_next_event_seq`] for sessions that replace engines).
    pub seq: u64,
    /// The `now_ms` of the call that produced it.
    pub time_ms: u64,
    /// The client whose command (or connection, disconnection, Ctrl+C) caused
    /// it; `None` for the passing of time (`Engine::advance`).
    pub client: Option<ClientId>,
    #[serde(flatten)]
    pub kind: EventKind,
}

/// What happened. Clients other than the causing one are named `client_id`
/// (the `client` field of [`Event`] is the cause).
#[derive(Clone, Debug, PartialEq, Serialize, Deserialize)]
#[serde(tag = "type")]
pub enum EventKind {
    /// A connection was opened (a console pane, a TCP connection).
    ClientConnected { client_id: ClientId },
    /// A connection was closed (QUIT, CLIENT KILL, the host closing it).
    ClientDisconnected { client_id: ClientId },
    /// CLIENT SETNAME (or HELLO's SETNAME) set the name; empty clears it.
    ClientRenamed {
        client_id: ClientId,
        #[serde(with = "bytes")]
        name: Vec<u8>,
    },
    /// HELLO switched the client's protocol (2 or 3).
    ClientProtocolChanged { client_id: ClientId, protocol: u8 },
    /// SELECT or RESET changed the client's database.
    ClientDbChanged { client_id: ClientId, db: usize },
    /// MULTI started a transaction (`multi: true`) or EXEC / DISCARD / RESET
    /// ended one (`multi: false`).
    ClientMultiChanged { client_id: ClientId, multi: bool },
    /// A key was created or its value replaced or changed; `key_type` is what
    /// TYPE answers after the write (`none` if the command removed it again).
    KeyWritten {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        key_type: Cow<'static, str>,
    },
    /// A key was removed by a command.
    KeyDeleted {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
    },
    /// A key was removed because its expiry time passed.
    KeyExpired {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
    },
    /// A key's expiry time was set, changed or removed (EXPIRE, PERSIST); its
    /// value is unchanged. `None`: the key no longer expires.
    KeyExpiryChanged {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        expires_at_ms: Option<u64>,
    },
    /// RENAME / RENAMENX moved a key's value (and expiry) from `from` to `to`.
    KeyRenamed {
        db: usize,
        #[serde(with = "bytes")]
        from: Vec<u8>,
        #[serde(with = "bytes")]
        to: Vec<u8>,
    },
    /// FLUSHDB emptied database `db` (`Some`), or FLUSHALL emptied every
    /// database (`None`); `keys` is how many keys went.
    DbFlushed { db: Option<usize>, keys: u64 },
    /// A keyspace notification that `notify-keyspace-events` enables
    /// (`notifyKeyspaceEvent`): `event` such as `xadd`, `set`, `expired`.
    Notification {
        db: usize,
        /// The event's class (`params::notify` flag, e.g. `STREAM`).
        class: u32,
        event: Cow<'static, str>,
        #[serde(with = "bytes")]
        key: Vec<u8>,
    },
    /// XADD appended an entry with its field-value pairs, flattened.
    StreamEntryAdded {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "id")]
        id: StreamId,
        #[serde(with = "bytes_vec")]
        fields: Vec<Vec<u8>>,
    },
    /// Entries left the stream at `key`, in ID order, and `nodes_removed`
    /// internal nodes went with them.
    StreamEntriesRemoved {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "id_vec")]
        ids: Vec<StreamId>,
        reason: TrimReason,
        nodes_removed: u64,
    },
    /// XSETID set the stream's metadata; the values after the command.
    StreamIdSet {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "id")]
        last_id: StreamId,
        entries_added: u64,
        #[serde(with = "id")]
        max_deleted_id: StreamId,
    },
    /// XGROUP CREATE made a consumer group.
    GroupCreated {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "id")]
        last_id: StreamId,
        /// `None` when unknown (Redis's `entries-read` nil).
        entries_read: Option<u64>,
    },
    /// XGROUP DESTROY removed a consumer group that had `pending` NACKs.
    GroupDestroyed {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        pending: u64,
    },
    /// XGROUP SETID, or XCLAIM's LASTID, moved a group's last delivered ID.
    GroupIdSet {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "id")]
        last_id: StreamId,
        entries_read: Option<u64>,
    },
    /// A consumer was created (XGROUP CREATECONSUMER, or a read or claim naming it).
    ConsumerCreated {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "bytes")]
        consumer: Vec<u8>,
    },
    /// XGROUP DELCONSUMER removed a consumer and its `pending` entries.
    ConsumerDeleted {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "bytes")]
        consumer: Vec<u8>,
        pending: u64,
    },
    /// A read (XREADGROUP) or, in profile 8, a claim looked the consumer up,
    /// which sets its `seen-time` to this event's time even when nothing was
    /// read or claimed (its `active-time` follows `EntriesDelivered` and
    /// `EntriesClaimed`).
    ConsumerSeen {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "bytes")]
        consumer: Vec<u8>,
    },
    /// XREADGROUP gave entries to a consumer; afterwards the group's last
    /// delivered ID, `entries_read` and lag (`None`: unknown) are as given.
    EntriesDelivered {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "bytes")]
        consumer: Vec<u8>,
        entries: Vec<DeliveredEntry>,
        #[serde(with = "id")]
        last_id: StreamId,
        entries_read: Option<u64>,
        lag: Option<u64>,
    },
    /// XACK (or XACKDEL) acknowledged these pending entries.
    EntriesAcked {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "id_vec")]
        ids: Vec<StreamId>,
    },
    /// XACKDEL acknowledged `acked` in `group` and deleted `deleted` of them
    /// from the stream (the removal itself is also a `StreamEntriesRemoved`).
    EntriesAckedAndDeleted {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "id_vec")]
        acked: Vec<StreamId>,
        #[serde(with = "id_vec")]
        deleted: Vec<StreamId>,
    },
    /// DELREF: deleting entries also removed them from `group`'s PEL.
    ReferencesDeleted {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "id_vec")]
        ids: Vec<StreamId>,
    },
    /// KEEPREF (the default, and XDEL / XTRIM / XADD's trimming): entries were
    /// deleted while still pending in `group`, whose PEL keeps them.
    ReferencesKept {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "id_vec")]
        ids: Vec<StreamId>,
    },
    /// ACKED: these entries were not deleted because a group has not read
    /// them or still has them pending.
    EntriesKeptReferenced {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "id_vec")]
        ids: Vec<StreamId>,
    },
    /// XCLAIM or XAUTOCLAIM (`by`) gave pending entries to `consumer`
    /// (`claimed`, in reply order, each with the consumer it was taken from
    /// and its new delivery count), and deleted the pending entries whose
    /// stream entries were gone (`deleted`).
    EntriesClaimed {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        #[serde(with = "bytes")]
        group: Vec<u8>,
        #[serde(with = "bytes")]
        consumer: Vec<u8>,
        claimed: Vec<ClaimedEntry>,
        #[serde(with = "id_vec")]
        deleted: Vec<StreamId>,
        by: ClaimCommand,
    },
    /// A client blocked in `command` on `keys` (and `group` for XREADGROUP);
    /// `deadline_ms` is `None` for BLOCK 0.
    ClientBlocked {
        client_id: ClientId,
        db: usize,
        command: String,
        #[serde(with = "bytes_vec")]
        keys: Vec<Vec<u8>>,
        #[serde(with = "bytes_opt")]
        group: Option<Vec<u8>>,
        deadline_ms: Option<u64>,
    },
    /// A blocked client was released.
    ClientUnblocked {
        client_id: ClientId,
        reason: UnblockReason,
    },
    /// A client subscribed to a channel, pattern or shard channel it was not
    /// subscribed to. `count` is what its confirmation reports.
    Subscribed {
        client_id: ClientId,
        kind: SubscriptionKind,
        #[serde(with = "bytes")]
        name: Vec<u8>,
        count: usize,
    },
    /// A client left a channel, pattern or shard channel (UNSUBSCRIBE and
    /// friends, RESET, disconnect); `count` as for `Subscribed`.
    Unsubscribed {
        client_id: ClientId,
        kind: SubscriptionKind,
        #[serde(with = "bytes")]
        name: Vec<u8>,
        count: usize,
    },
    /// A message (PUBLISH, SPUBLISH, or a keyspace notification) was written
    /// to every receiver, in frame order.
    MessagePublished {
        #[serde(with = "bytes")]
        channel: Vec<u8>,
        /// SPUBLISH to a shard channel.
        shard: bool,
        #[serde(with = "bytes")]
        payload: Vec<u8>,
        receivers: Vec<Receiver>,
    },
    /// PUBLISH or SPUBLISH reached nobody (the reply is 0): fire and forget.
    MessageDropped {
        #[serde(with = "bytes")]
        channel: Vec<u8>,
        shard: bool,
        #[serde(with = "bytes")]
        payload: Vec<u8>,
    },
    /// Emitted after every command only when `Config::probe_events` is on: a
    /// listener-only kind whose presence must change nothing else.
    Probe,
    /// Elements were pushed one by one at `end` (`left` or `right`) of a list:
    /// LPUSH, RPUSH and their X forms, and the destination of LMOVE, RPOPLPUSH and
    /// their blocking forms. (LINSERT and LSET give only `KeyWritten`.)
    ListPushed {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        end: Cow<'static, str>,
        #[serde(with = "bytes_vec")]
        elements: Vec<Vec<u8>>,
    },
    /// `count` elements were popped from `end` of a list: LPOP, RPOP, LMPOP, the
    /// blocking pops, and the source of LMOVE and RPOPLPUSH (before the
    /// `ListPushed` of the element they move).
    ListPopped {
        db: usize,
        #[serde(with = "bytes")]
        key: Vec<u8>,
        end: Cow<'static, str>,
        count: u64,
    },
}

/// Why stream entries were removed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "by")]
pub enum TrimReason {
    /// Trimmed by `MAXLEN` (XTRIM, or XADD's trimming): `approx` for `~`,
    /// `limit` LIMIT's value (0: none).
    MaxLen {
        threshold: u64,
        approx: bool,
        limit: u64,
    },
    /// Trimmed by `MINID`.
    MinId {
        #[serde(with = "id")]
        threshold: StreamId,
        approx: bool,
        limit: u64,
    },
    /// Deleted by XDEL.
    Xdel,
    /// Deleted by XDELEX.
    Xdelex,
    /// Deleted by XACKDEL.
    Xackdel,
}

/// Why a blocked client was released.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum UnblockReason {
    /// Data arrived and the command was answered.
    Served,
    /// The timeout passed.
    TimedOut,
    /// `CLIENT UNBLOCK` or the console's Ctrl+C.
    Cancelled,
    /// The client disconnected while blocked.
    Disconnected,
    /// The stream a group reader waited on was deleted.
    KeyDeleted,
    /// The group a reader waited on was destroyed.
    GroupDestroyed,
    /// The key a group reader waited on now holds another type.
    TypeChanged,
}

/// How XREADGROUP delivered an entry.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum DeliverySource {
    /// Read with `>`: a new entry.
    New,
    /// Read again from the consumer's own history (an explicit ID).
    History,
    /// Taken from another consumer's idle pending entries (8.x CLAIM).
    ClaimedIdle,
}

/// One entry XREADGROUP delivered, with its delivery count after this
/// delivery (0 with NOACK: nothing pending).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct DeliveredEntry {
    #[serde(with = "id")]
    pub id: StreamId,
    pub delivery_count: u64,
    pub source: DeliverySource,
}

/// A pending entry a consumer claimed (XCLAIM, XAUTOCLAIM).
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct ClaimedEntry {
    #[serde(with = "id")]
    pub id: StreamId,
    /// The consumer that had it; `None` when XCLAIM's FORCE made it pending.
    #[serde(with = "bytes_opt")]
    pub from: Option<Vec<u8>>,
    /// Its delivery count after the claim.
    pub delivery_count: u64,
}

/// Which command claimed.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum ClaimCommand {
    Xclaim,
    Xautoclaim,
}

/// A client a message was written to, and how it matched.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub struct Receiver {
    pub client: ClientId,
    #[serde(flatten)]
    pub via: Via,
}

/// How a receiver matched a published message.
#[derive(Clone, Debug, PartialEq, Eq, Serialize, Deserialize)]
#[serde(tag = "via")]
pub enum Via {
    /// Subscribed to the channel.
    Channel,
    /// Subscribed to a matching pattern.
    Pattern {
        #[serde(with = "bytes")]
        pattern: Vec<u8>,
    },
    /// Subscribed to the shard channel (SPUBLISH).
    Shard,
}

impl Event {
    /// An event not yet stamped: the engine sets `seq`, `time_ms` and
    /// `client` once, when the call that produced it returns.
    pub(crate) fn unstamped(kind: EventKind) -> Event {
        Event {
            seq: 0,
            time_ms: 0,
            client: None,
            kind,
        }
    }
}

/// A byte string as JSON: a string when valid UTF-8, else `{"hex": "..."}`.
pub mod bytes {
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    /// The serialised form of one byte string.
    pub(super) struct Ref<'a>(pub &'a [u8]);

    impl Serialize for Ref<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            match std::str::from_utf8(self.0) {
                Ok(text) => s.serialize_str(text),
                Err(_) => {
                    use serde::ser::SerializeMap;
                    let mut m = s.serialize_map(Some(1))?;
                    m.serialize_entry("hex", &hex(self.0))?;
                    m.end()
                }
            }
        }
    }

    /// Either form, read back.
    #[derive(Deserialize)]
    #[serde(untagged)]
    pub(super) enum Owned {
        Text(String),
        Hex { hex: String },
    }

    impl Owned {
        pub(super) fn into_bytes<E: serde::de::Error>(self) -> Result<Vec<u8>, E> {
            match self {
                Owned::Text(t) => Ok(t.into_bytes()),
                Owned::Hex { hex } => unhex(&hex).ok_or_else(|| E::custom("bad hex byte string")),
            }
        }
    }

    fn hex(b: &[u8]) -> String {
        const DIGITS: &[u8; 16] = b"0123456789abcdef";
        let mut s = String::with_capacity(b.len() * 2);
        for &x in b {
            s.push(DIGITS[usize::from(x >> 4)] as char);
            s.push(DIGITS[usize::from(x & 15)] as char);
        }
        s
    }

    fn unhex(s: &str) -> Option<Vec<u8>> {
        if s.len() % 2 != 0 {
            return None;
        }
        (0..s.len())
            .step_by(2)
            .map(|i| u8::from_str_radix(s.get(i..i + 2)?, 16).ok())
            .collect()
    }

    pub fn serialize<S: Serializer>(v: &[u8], s: S) -> Result<S::Ok, S::Error> {
        Ref(v).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<u8>, D::Error> {
        Owned::deserialize(d)?.into_bytes()
    }
}

/// A list of byte strings, each as [`bytes`] writes it.
pub mod bytes_vec {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::bytes::{Owned, Ref};

    pub fn serialize<S: Serializer>(v: &[Vec<u8>], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|b| Ref(b)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<Vec<u8>>, D::Error> {
        Vec::<Owned>::deserialize(d)?
            .into_iter()
            .map(Owned::into_bytes)
            .collect()
    }
}

/// An optional byte string: `null`, or as [`bytes`] writes it.
pub mod bytes_opt {
    use serde::{Deserialize, Deserializer, Serializer};

    use super::bytes::{Owned, Ref};

    pub fn serialize<S: Serializer>(v: &Option<Vec<u8>>, s: S) -> Result<S::Ok, S::Error> {
        match v {
            Some(b) => s.serialize_some(&Ref(b)),
            None => s.serialize_none(),
        }
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<Vec<u8>>, D::Error> {
        Option::<Owned>::deserialize(d)?
            .map(Owned::into_bytes)
            .transpose()
    }
}

/// A stream ID as `"ms-seq"`.
pub mod id {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serialize, Serializer};

    use crate::engine::StreamId;

    pub(super) struct Text(pub StreamId);

    impl Serialize for Text {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            s.collect_str(&format_args!("{}-{}", self.0.ms, self.0.seq))
        }
    }

    pub(super) fn parse(s: &str) -> Option<StreamId> {
        let (ms, seq) = s.split_once('-')?;
        Some(StreamId::new(ms.parse().ok()?, seq.parse().ok()?))
    }

    pub fn serialize<S: Serializer>(v: &StreamId, s: S) -> Result<S::Ok, S::Error> {
        Text(*v).serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<StreamId, D::Error> {
        let s = String::deserialize(d)?;
        parse(&s).ok_or_else(|| D::Error::custom(format!("bad stream ID {s:?}")))
    }
}

/// A list of stream IDs, each as [`id`] writes it.
pub mod id_vec {
    use serde::de::Error as _;
    use serde::{Deserialize, Deserializer, Serializer};

    use super::id::{parse, Text};
    use crate::engine::StreamId;

    pub fn serialize<S: Serializer>(v: &[StreamId], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().map(|&i| Text(i)))
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Vec<StreamId>, D::Error> {
        Vec::<String>::deserialize(d)?
            .iter()
            .map(|s| parse(s).ok_or_else(|| D::Error::custom(format!("bad stream ID {s:?}"))))
            .collect()
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
#[path = "event_tests.rs"]
mod tests;
