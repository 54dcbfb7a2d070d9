//! Read-only inspection of the engine's state for the views, the view model and
//! the JS API: keys, streams (metadata, entry and node windows), consumer
//! groups and their PELs, pub/sub subscriptions and clients.
//!
//! Every method takes `&self`, so inspecting can never expire a key, refresh
//! an idle or seen time or count a statistic: a key whose time has passed is
//! reported as absent, yet stays stored until a command or `advance` expires
//! it (with its events). Results are owned, serde-serialisable values; byte
//! strings are `Vec<u8>`, serialised as the events' JSON helpers write them (text when
//! UTF-8, `{"hex": ...}` otherwise; an entry's fields as one flat list `[f, v, ...]`), and
//! stream IDs serialise as `ms-seq` text in JSON.

use serde::{Deserialize, Serialize};

use super::client::Client;
use super::keyspace::{Entry, Value};
use super::stream::{Stream, StreamId, ENTRIES_READ_UNKNOWN};
use super::zset::fmt_score;
use super::{ClientId, Engine, Profile, Protocol};

/// One key of a database.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyInfo {
    #[serde(with = "crate::engine::event::bytes")]
    pub name: Vec<u8>,
    /// What `TYPE` reports: `string`, `stream`, `list`, `hash`, `set` or `zset`.
    pub type_name: String,
    /// The absolute expiry time (engine clock), `None` when the key persists.
    pub expires_at_ms: Option<u64>,
    /// What `PTTL` reports, `None` when the key persists.
    pub ttl_ms: Option<u64>,
    /// A string's length in bytes, a stream's entry count, a collection's item count.
    pub size: u64,
    /// A glimpse of the value for the keyspace view (a stream has its own view): a string's
    /// first bytes; a list's ends; a hash's first fields; a set's first members; a sorted set's
    /// lowest-ranked members, each with its score as
    /// the profile prints it.
    pub preview: Preview,
}

/// How many items (or string bytes, in tens) a key's preview holds.
pub const PREVIEW_ITEMS: usize = 8;

/// A glimpse of a key's value.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "type", rename_all = "lowercase")]
pub enum Preview {
    None,
    /// A string's first `10 * PREVIEW_ITEMS` bytes.
    String {
        #[serde(with = "crate::engine::event::bytes")]
        head: Vec<u8>,
    },
    /// The first `PREVIEW_ITEMS / 2` elements from the head (index 0, where LPUSH and LPOP
    /// work) and as many before the tail (RPUSH, RPOP), fewer when the list is short (a
    /// list of up to `PREVIEW_ITEMS` has them all in `head`).
    List {
        #[serde(with = "crate::engine::event::bytes_vec")]
        head: Vec<Vec<u8>>,
        #[serde(with = "crate::engine::event::bytes_vec")]
        tail: Vec<Vec<u8>>,
    },
    /// The first fields and values in HGETALL's order.
    Hash {
        #[serde(with = "pairs")]
        fields: Vec<(Vec<u8>, Vec<u8>)>,
    },
    /// The first members in SMEMBERS' order (a set has no order a program may rely on).
    Set {
        #[serde(with = "crate::engine::event::bytes_vec")]
        members: Vec<Vec<u8>>,
    },
    /// Members by rank from 0, with their scores.
    Zset {
        #[serde(with = "pairs")]
        ranked: Vec<(Vec<u8>, Vec<u8>)>,
    },
}

/// Keys of a database, in byte order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeysInfo {
    /// At most the limit asked for, the first ones in byte order.
    pub keys: Vec<KeyInfo>,
    /// How many live keys the database holds in all.
    pub total: usize,
}

/// A stream's metadata, as `XINFO STREAM` reports it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StreamInfo {
    pub length: u64,
    /// The first and last live entries' IDs; `None` when the stream is empty.
    pub first_id: Option<StreamId>,
    pub last_id: Option<StreamId>,
    /// `last-generated-id`.
    pub last_generated_id: StreamId,
    /// `max-deleted-entry-id`.
    pub max_deleted_id: StreamId,
    /// `entries-added`.
    pub entries_added: u64,
    /// `recorded-first-entry-id`.
    pub recorded_first_id: StreamId,
    /// Internal nodes (`radix-tree-keys`).
    pub node_count: u64,
    pub group_count: u64,
}

/// Which part of a stream (or of a PEL) to show.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize, Deserialize)]
pub enum Window {
    /// Items with IDs in `start..=end`, at most `count`, from `start` on.
    Range {
        start: StreamId,
        end: StreamId,
        count: usize,
    },
    /// The last `count` items with IDs in `start..=end` (returned in ID order): the page
    /// before a window.
    RangeBack {
        start: StreamId,
        end: StreamId,
        count: usize,
    },
    /// The first `n` items.
    First(usize),
    /// The last `n` items (returned in ID order all the same).
    Last(usize),
}

impl Window {
    /// The bounds, the count and whether to walk backwards.
    fn bounds(self) -> (StreamId, StreamId, usize, bool) {
        match self {
            Window::Range { start, end, count } => (start, end, count, false),
            Window::RangeBack { start, end, count } => (start, end, count, true),
            Window::First(n) => (StreamId::MIN, StreamId::MAX, n, false),
            Window::Last(n) => (StreamId::MIN, StreamId::MAX, n, true),
        }
    }
}

/// A stream entry.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryInfo {
    pub id: StreamId,
    /// Fields and values in order, duplicates kept.
    #[serde(with = "pairs")]
    pub fields: Vec<(Vec<u8>, Vec<u8>)>,
}

/// One internal node of a stream (one Redis listpack).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeInfo {
    /// Its key: the ID of its first entry, which may be deleted.
    pub first_id: StreamId,
    /// The ID of its last entry, deleted or not.
    pub last_id: StreamId,
    pub live: u64,
    pub deleted: u64,
    /// The IDs of its deleted entries (XDEL's tombstones, kept until the node is rewritten or
    /// removed, as Redis keeps them), in order.
    pub deleted_ids: Vec<StreamId>,
}

/// A consumer of a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumerInfo {
    #[serde(with = "crate::engine::event::bytes")]
    pub name: Vec<u8>,
    /// `seen-time`: the last interaction.
    pub seen_time_ms: u64,
    /// `active-time`: the last successful read; `None` before the first.
    pub active_time_ms: Option<u64>,
    pub pending: u64,
}

/// A consumer group, as `XINFO GROUPS` and `XINFO STREAM FULL` report it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupInfo {
    #[serde(with = "crate::engine::event::bytes")]
    pub name: Vec<u8>,
    pub last_delivered_id: StreamId,
    /// `None` where XINFO reports a null (unknown).
    pub entries_read: Option<i64>,
    /// As XINFO GROUPS computes it in the engine's profile; `None` for null.
    pub lag: Option<i64>,
    pub pending: u64,
    /// In name order.
    pub consumers: Vec<ConsumerInfo>,
}

/// A pending entry of a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingInfo {
    pub id: StreamId,
    #[serde(with = "crate::engine::event::bytes")]
    pub consumer: Vec<u8>,
    pub delivery_count: u64,
    /// The engine time of the last delivery.
    pub delivery_time_ms: u64,
    /// Its stream entry is gone (XDEL or trimming kept the reference): a
    /// dangling reference that XCLAIM / XAUTOCLAIM would drop.
    pub deleted: bool,
}

/// A channel, pattern or shard channel with its subscribers.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubscriptionInfo {
    #[serde(with = "crate::engine::event::bytes")]
    pub name: Vec<u8>,
    /// In the registry's order (the order they subscribed).
    pub subscribers: Vec<ClientId>,
}

/// Pub/sub as a whole.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PubSubInfo {
    /// In byte order.
    pub channels: Vec<SubscriptionInfo>,
    /// In the order PUBLISH tries them.
    pub patterns: Vec<SubscriptionInfo>,
    /// In byte order.
    pub shard_channels: Vec<SubscriptionInfo>,
}

/// What a client is doing, as a console pane's state shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Serialize)]
#[serde(rename_all = "lowercase")]
pub enum ClientMode {
    Normal,
    /// Subscribed to something (Redis's CLIENT_PUBSUB flag).
    Subscribed,
    /// Between MULTI and EXEC/DISCARD.
    Multi,
    /// Waiting in a blocking command.
    Blocked,
}

/// What a blocked client waits for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockInfo {
    /// The command's name, lower-case (`xread`, `xreadgroup`).
    #[serde(with = "crate::engine::event::bytes")]
    pub command: Vec<u8>,
    /// The command as it will be re-run.
    #[serde(with = "crate::engine::event::bytes_vec")]
    pub argv: Vec<Vec<u8>>,
    pub db: usize,
    #[serde(with = "crate::engine::event::bytes_vec")]
    pub keys: Vec<Vec<u8>>,
    /// When its timeout passes; `None` for `BLOCK 0`.
    pub deadline_ms: Option<u64>,
}

/// A client connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientInfo {
    pub id: ClientId,
    #[serde(with = "crate::engine::event::bytes_opt")]
    pub name: Option<Vec<u8>>,
    /// 2 or 3.
    pub protocol: u8,
    pub db: usize,
    /// Blocked, else multi, else subscribed, else normal.
    pub mode: ClientMode,
    /// `CLIENT LIST`'s `flags=`.
    pub flags: String,
    /// Its channels, patterns and shard channels, each in subscription order.
    #[serde(with = "crate::engine::event::bytes_vec")]
    pub channels: Vec<Vec<u8>>,
    #[serde(with = "crate::engine::event::bytes_vec")]
    pub patterns: Vec<Vec<u8>>,
    #[serde(with = "crate::engine::event::bytes_vec")]
    pub shard_channels: Vec<Vec<u8>>,
    /// Commands queued since MULTI (`None` outside a transaction).
    pub queued: Option<usize>,
    pub block: Option<BlockInfo>,
}

fn key_info(name: &[u8], e: &Entry, now_ms: u64, v8: bool) -> KeyInfo {
    let preview = match &e.value {
        Value::String(s) => Preview::String {
            head: s[..s.len().min(10 * PREVIEW_ITEMS)].to_vec(),
        },
        Value::Stream(_) => Preview::None,
        Value::List(l) => {
            let n = l.len();
            let (head, tail) = if n <= PREVIEW_ITEMS {
                (0..n, 0..0)
            } else {
                (0..PREVIEW_ITEMS / 2, n - PREVIEW_ITEMS / 2..n)
            };
            let items =
                |r: std::ops::Range<usize>| r.filter_map(|i| l.get(i as i64).cloned()).collect();
            Preview::List {
                head: items(head),
                tail: items(tail),
            }
        }
        Value::Hash(h) => Preview::Hash {
            fields: h.first_pairs(PREVIEW_ITEMS),
        },
        Value::Set(s) => Preview::Set {
            members: s.first_members(PREVIEW_ITEMS),
        },
        Value::ZSet(z) => Preview::Zset {
            ranked: z
                .iter()
                .take(PREVIEW_ITEMS)
                .map(|(score, m)| (m.to_vec(), fmt_score(score, v8).into_bytes()))
                .collect(),
        },
    };
    KeyInfo {
        preview,
        name: name.to_vec(),
        type_name: e.value.type_name().to_string(),
        expires_at_ms: e.expires_at_ms,
        ttl_ms: e.expires_at_ms.map(|t| t.saturating_sub(now_ms)),
        size: match &e.value {
            Value::String(s) => s.len() as u64,
            Value::Stream(s) => s.len(),
            Value::ZSet(z) => z.len() as u64,
            Value::List(l) => l.len() as u64,
            Value::Hash(h) => h.len() as u64,
            Value::Set(s) => s.len() as u64,
        },
    }
}

fn client_info(c: &Client) -> ClientInfo {
    let names = |set: &super::pubsub::OrderedSet<Vec<u8>>| set.iter().cloned().collect();
    let mode = if c.block.is_some() {
        ClientMode::Blocked
    } else if c.multi.is_some() {
        ClientMode::Multi
    } else if c.pubsub {
        ClientMode::Subscribed
    } else {
        ClientMode::Normal
    };
    ClientInfo {
        id: c.id,
        name: c.name.clone(),
        protocol: match c.protocol {
            Protocol::Resp2 => 2,
            Protocol::Resp3 => 3,
        },
        db: c.db,
        mode,
        flags: c.flags(),
        channels: names(&c.subs.channels),
        patterns: names(&c.subs.patterns),
        shard_channels: names(&c.subs.shard_channels),
        queued: c.multi.as_ref().map(Vec::len),
        block: c.block.as_ref().map(|b| BlockInfo {
            command: b
                .argv
                .first()
                .map(|n| n.to_ascii_lowercase())
                .unwrap_or_default(),
            argv: b.argv.clone(),
            db: b.db,
            keys: b.keys.clone(),
            deadline_ms: b.deadline_ms,
        }),
    }
}

impl Engine {
    /// The live entry at `key` of `db`, without expiring anything.
    fn peek(&self, db: usize, key: &[u8], now_ms: u64) -> Option<&Entry> {
        self.dbs.get(db)?.peek(key, now_ms)
    }

    /// The live stream at `key` of `db`; `None` when absent, expired or of
    /// another type.
    fn peek_stream(&self, db: usize, key: &[u8], now_ms: u64) -> Option<&Stream> {
        match &self.peek(db, key, now_ms)?.value {
            Value::Stream(s) => Some(s),
            _ => None,
        }
    }

    /// The first `limit` live keys of `db` in byte order, and how many there are.
    pub fn inspect_keys(&self, db: usize, now_ms: u64, limit: usize) -> KeysInfo {
        let Some(d) = self.dbs.get(db) else {
            return KeysInfo {
                keys: Vec::new(),
                total: 0,
            };
        };
        let mut live: Vec<(&Vec<u8>, &Entry)> =
            d.iter().filter(|(_, e)| !e.is_expired(now_ms)).collect();
        let total = live.len();
        crate::vec_map::sort_by(&mut live, |a, b| a.0.cmp(b.0));
        KeysInfo {
            keys: live
                .into_iter()
                .take(limit)
                .map(|(k, e)| key_info(k, e, now_ms, self.profile() == Profile::V8))
                .collect(),
            total,
        }
    }

    /// One key of `db`; `None` when absent or expired.
    pub fn inspect_key(&self, db: usize, key: &[u8], now_ms: u64) -> Option<KeyInfo> {
        let v8 = self.profile() == Profile::V8;
        self.peek(db, key, now_ms)
            .map(|e| key_info(key, e, now_ms, v8))
    }

    /// A stream's metadata; `None` when `key` holds no live stream.
    pub fn inspect_stream(&self, db: usize, key: &[u8], now_ms: u64) -> Option<StreamInfo> {
        let s = self.peek_stream(db, key, now_ms)?;
        Some(StreamInfo {
            length: s.len(),
            first_id: s.first_id(),
            last_id: s.last_valid_id(),
            last_generated_id: s.last_id(),
            max_deleted_id: s.max_deleted_entry_id(),
            entries_added: s.entries_added(),
            recorded_first_id: s.recorded_first_id(),
            node_count: s.node_count() as u64,
            group_count: s.groups().len() as u64,
        })
    }

    /// A window of a stream's live entries, in ID order.
    pub fn inspect_entries(
        &self,
        db: usize,
        key: &[u8],
        now_ms: u64,
        window: Window,
    ) -> Option<Vec<EntryInfo>> {
        let s = self.peek_stream(db, key, now_ms)?;
        let (start, end, count, rev) = window.bounds();
        let mut out: Vec<EntryInfo> = s
            .range(start, end, Some(count), rev)
            .into_iter()
            .map(|(id, fields)| EntryInfo { id, fields })
            .collect();
        if rev {
            out.reverse();
        }
        Some(out)
    }

    /// A window of a stream's internal nodes, in key order: `Range` takes the
    /// nodes holding entries (deleted ones included) in the range.
    pub fn inspect_nodes(
        &self,
        db: usize,
        key: &[u8],
        now_ms: u64,
        window: Window,
    ) -> Option<Vec<NodeInfo>> {
        let s = self.peek_stream(db, key, now_ms)?;
        let (start, end, count, rev) = window.bounds();
        let mut out: Vec<NodeInfo> = s
            .node_infos(start, end, count, rev)
            .into_iter()
            .map(|n| NodeInfo {
                first_id: n.master,
                last_id: n.last,
                live: n.live,
                deleted: n.deleted,
                deleted_ids: s.deleted_ids(n.master),
            })
            .collect();
        if rev {
            out.reverse();
        }
        Some(out)
    }

    /// A stream's consumer groups in name order, each with its consumers.
    pub fn inspect_groups(&self, db: usize, key: &[u8], now_ms: u64) -> Option<Vec<GroupInfo>> {
        let s = self.peek_stream(db, key, now_ms)?;
        let v8 = self.config.profile != Profile::V7;
        Some(
            s.groups()
                .iter()
                .map(|(name, g)| GroupInfo {
                    name: name.clone(),
                    last_delivered_id: g.last_id,
                    entries_read: (g.entries_read != ENTRIES_READ_UNKNOWN)
                        .then_some(g.entries_read),
                    lag: s.group_lag(g, v8),
                    pending: g.pel().len() as u64,
                    consumers: g
                        .consumers()
                        .iter()
                        .map(|(cname, c)| ConsumerInfo {
                            name: cname.clone(),
                            seen_time_ms: c.seen_time,
                            active_time_ms: c.active_time,
                            pending: c.pel.len() as u64,
                        })
                        .collect(),
                })
                .collect(),
        )
    }

    /// A window of a group's pending entries in ID order, of one consumer
    /// only when `consumer` is given; `None` when the stream, the group or
    /// the consumer does not exist.
    pub fn inspect_pel(
        &self,
        db: usize,
        key: &[u8],
        group: &[u8],
        consumer: Option<&[u8]>,
        now_ms: u64,
        window: Window,
    ) -> Option<Vec<PendingInfo>> {
        let s = self.peek_stream(db, key, now_ms)?;
        let g = s.group(group)?;
        let (start, end, count, rev) = window.bounds();
        if start > end {
            return Some(Vec::new());
        }
        let info = |id: &StreamId| {
            g.pel().get(id).map(|n| PendingInfo {
                id: *id,
                consumer: n.consumer.clone(),
                delivery_count: n.delivery_count,
                delivery_time_ms: n.delivery_time_ms,
                deleted: s.get(*id).is_none(),
            })
        };
        let ids: Box<dyn DoubleEndedIterator<Item = &StreamId>> = match consumer {
            Some(name) => Box::new(g.consumer(name)?.pel.range(start..=end)),
            None => Box::new(g.pel().range(start..=end).map(|(id, _)| id)),
        };
        let mut out: Vec<PendingInfo> = if rev {
            ids.rev().take(count).filter_map(info).collect()
        } else {
            ids.take(count).filter_map(info).collect()
        };
        if rev {
            out.reverse();
        }
        Some(out)
    }

    /// Channels, patterns and shard channels with their subscribers.
    pub fn inspect_pubsub(&self) -> PubSubInfo {
        let list = |v: Vec<(Vec<u8>, Vec<ClientId>)>| {
            v.into_iter()
                .map(|(name, subscribers)| SubscriptionInfo { name, subscribers })
                .collect()
        };
        PubSubInfo {
            channels: list(self.pubsub_channels(false)),
            patterns: list(self.pubsub_patterns()),
            shard_channels: list(self.pubsub_channels(true)),
        }
    }

    /// Every client connection, by id.
    pub fn inspect_clients(&self) -> Vec<ClientInfo> {
        self.clients.values().map(client_info).collect()
    }

    /// One client connection.
    pub fn inspect_client(&self, client: ClientId) -> Option<ClientInfo> {
        self.clients.get(&client).map(client_info)
    }
}

/// An entry's field-value pairs as one flat list `[f1, v1, f2, v2, ...]`, each byte string as
/// [`crate::engine::event::bytes`] writes it: the form `StreamEntryAdded` events use, so a view
/// reads fields the same way from an event and from a snapshot.
mod pairs {
    use serde::Serializer;

    use crate::engine::event::bytes;

    struct One<'a>(&'a [u8]);

    impl serde::Serialize for One<'_> {
        fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
            bytes::serialize(self.0, s)
        }
    }

    pub fn serialize<S: Serializer>(v: &[(Vec<u8>, Vec<u8>)], s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(v.iter().flat_map(|(f, val)| [One(f), One(val)]))
    }
}
