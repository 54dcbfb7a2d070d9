//! The view model: what the views draw (keys, stream windows, groups, consumers and
//! their PEL windows, pub/sub subscriptions, clients and what they block on, the last
//! step's effects), built from `Engine::inspect_*` and kept current by applying events.
//!
//! [`ViewModel::apply`] is pure: it never looks at the engine. Where an event cannot say
//! what a window should show now (an entry trimmed from inside a window of a huge stream,
//! an ack whose owner is outside every PEL window, a lag), it marks that part stale, and
//! [`ViewModel::refill`] reads only the stale parts back through inspection. A model kept
//! this way equals [`ViewModel::from_inspect`] of the engine after every call
//! (`tests/view_model.rs` proves it on random workloads), except for `effects`, which
//! only the events can give.
//!
//! Every list that grows with the data is a window (the last entries and nodes of a
//! stream, the first PEL entries of a consumer, the first keys of a database), so a
//! million-entry stream or a 100k PEL costs the model a few hundred items; the counts
//! are plain numbers.

use std::collections::BTreeSet;

pub use crate::vec_map::VecMap;

use serde::{Serialize, Serializer};

use crate::engine::event::{bytes, bytes_opt, bytes_vec};
use crate::engine::inspect::{ClientInfo, ClientMode, GroupInfo, KeyInfo, Preview, Window};
use crate::engine::{
    ClientId, DeliverySource, Engine, Event, EventKind, StreamId, SubscriptionKind, DATABASES,
};

mod effects;
pub use effects::{Effect, Effects, Subject};

/// How big the windows are. The defaults keep a huge stream at a few hundred items.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ViewConfig {
    /// The first keys of each database, in byte order.
    pub keys_head: usize,
    /// The last entries of each stream.
    pub entries_tail: usize,
    /// The last internal nodes of each stream.
    pub nodes_tail: usize,
    /// The first pending entries of each consumer, by ID.
    pub pel_head: usize,
    /// Pinned windows by stream (`db`, key): `count` entries with IDs in `start..=end`,
    /// shown beside the tail (a scroll or a jump to an ID).
    pub pins: VecMap<(usize, Vec<u8>), Pin>,
    /// Pinned windows of consumers' pending entries by (`db`, key, group, consumer), shown in
    /// place of the consumer's head window (paging through a big PEL).
    pub pel_pins: VecMap<PelKey, Pin>,
}

/// A consumer's place: database, stream key, group and consumer name.
pub type PelKey = (usize, Vec<u8>, Vec<u8>, Vec<u8>);

/// A pinned window's bounds: the first `count` items with IDs in `start..=end`, or with
/// `back` the last `count` of them (the page before another window).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Pin {
    pub start: StreamId,
    pub end: StreamId,
    pub count: usize,
    pub back: bool,
}

impl Pin {
    /// The inspect window that reads it.
    pub fn window(&self) -> Window {
        let (start, end, count) = (self.start, self.end, self.count);
        if self.back {
            Window::RangeBack { start, end, count }
        } else {
            Window::Range { start, end, count }
        }
    }
}

impl Default for ViewConfig {
    fn default() -> ViewConfig {
        ViewConfig {
            keys_head: 1000,
            entries_tail: 64,
            nodes_tail: 64,
            pel_head: 64,
            pins: VecMap::new(),
            pel_pins: VecMap::new(),
        }
    }
}

/// A key as the keyspace view shows it.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct KeyView {
    #[serde(with = "bytes")]
    pub name: Vec<u8>,
    /// What `TYPE` answers.
    pub type_name: String,
    /// The absolute expiry time on the engine clock (the view subtracts the clock for a TTL).
    pub expires_at_ms: Option<u64>,
    /// A string's length, a stream's entry count, a collection's item count.
    pub size: u64,
    /// A glimpse of the value (see `Preview`).
    pub preview: Preview,
}

/// A database's keys: the first `keys_head` in byte order, and how many there are.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct DbView {
    pub db: usize,
    pub keys: Vec<KeyView>,
    pub total: usize,
}

/// A stream entry, its fields and values flattened as in `XRANGE`.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct EntryView {
    pub id: StreamId,
    #[serde(with = "bytes_vec")]
    pub fields: Vec<Vec<u8>>,
}

/// One internal node (listpack) of a stream.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct NodeView {
    pub first_id: StreamId,
    pub last_id: StreamId,
    pub live: u64,
    pub deleted: u64,
    /// Its tombstones: the IDs of its deleted entries, in order.
    pub deleted_ids: Vec<StreamId>,
}

/// A pinned window of entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PinnedView {
    pub start: StreamId,
    pub end: StreamId,
    pub count: usize,
    pub back: bool,
    pub entries: Vec<EntryView>,
}

/// A pinned window of a consumer's pending entries.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PinnedPel {
    pub start: StreamId,
    pub end: StreamId,
    pub count: usize,
    pub back: bool,
    pub entries: Vec<PendingView>,
}

/// A pending entry of a consumer.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PendingView {
    pub id: StreamId,
    pub delivery_count: u64,
    pub delivery_time_ms: u64,
    /// Its stream entry is gone while the PEL keeps the reference (KEEPREF, XDEL, trimming).
    pub deleted: bool,
}

/// A consumer of a group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ConsumerView {
    #[serde(with = "bytes")]
    pub name: Vec<u8>,
    pub seen_time_ms: u64,
    pub active_time_ms: Option<u64>,
    pub pending: u64,
    /// Its first `pel_head` pending entries by ID.
    pub pel: Vec<PendingView>,
    /// The window pinned by `ViewConfig::pel_pins`, if any.
    pub pinned: Option<PinnedPel>,
}

/// A consumer group.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct GroupView {
    #[serde(with = "bytes")]
    pub name: Vec<u8>,
    pub last_id: StreamId,
    /// `None` where XINFO shows nil.
    pub entries_read: Option<i64>,
    pub lag: Option<i64>,
    pub pending: u64,
    /// In name order.
    pub consumers: Vec<ConsumerView>,
}

/// A stream: its metadata, windows of entries and nodes, and its groups.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct StreamView {
    pub db: usize,
    #[serde(with = "bytes")]
    pub key: Vec<u8>,
    pub length: u64,
    pub first_id: Option<StreamId>,
    pub last_id: Option<StreamId>,
    pub last_generated_id: StreamId,
    pub max_deleted_id: StreamId,
    pub entries_added: u64,
    pub node_count: u64,
    /// The last `entries_tail` entries, in ID order.
    pub entries: Vec<EntryView>,
    pub pinned: Option<PinnedView>,
    /// The last `nodes_tail` nodes, in key order.
    pub nodes: Vec<NodeView>,
    /// In name order.
    pub groups: Vec<GroupView>,
}

/// A channel, pattern or shard channel and its subscribers in subscription order.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct SubscriptionView {
    #[serde(with = "bytes")]
    pub name: Vec<u8>,
    pub subscribers: Vec<ClientId>,
}

/// The cluster hash slot of a key or shard channel, as Redis's `keyHashSlot`: CRC16
/// (XMODEM) of the key mod 16384, or of the text between the first `{` and the next `}`
/// when that text is not empty. The Pub/Sub view shows it beside each shard channel.
pub fn key_hash_slot(key: &[u8]) -> u16 {
    let tag = key.iter().position(|&b| b == b'{').and_then(|open| {
        let rest = &key[open + 1..];
        let close = rest.iter().position(|&b| b == b'}')?;
        (close > 0).then(|| &rest[..close])
    });
    // Bitwise rather than table-driven: a few channels per frame, and the page's size counts.
    let mut crc: u16 = 0;
    for &byte in tag.unwrap_or(key) {
        crc ^= u16::from(byte) << 8;
        for _ in 0..8 {
            crc = if crc & 0x8000 != 0 {
                (crc << 1) ^ 0x1021
            } else {
                crc << 1
            };
        }
    }
    crc & 0x3fff
}

#[cfg(test)]
#[test]
fn key_hash_slot_matches_redis() {
    // Redis's cluster specification's examples, and values from CRC16/XMODEM
    // (`binascii.crc_hqx(key, 0) % 16384`).
    for (key, slot) in [
        ("foo", 12182),
        ("{user1000}.following", 3443),
        ("{user1000}.followers", 3443),
        ("foo{}{bar}", 8363),
        ("foo{{bar}}zap", 4015),
        ("foo{bar}{zap}", 5061),
        ("123456789", 12739),
        ("news", 5161),
        ("", 0),
    ] {
        assert_eq!(key_hash_slot(key.as_bytes()), slot, "{key}");
    }
}

/// What a blocked client waits for.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct BlockView {
    /// Lower-case (`xread`, `xreadgroup`).
    pub command: String,
    pub db: usize,
    #[serde(with = "bytes_vec")]
    pub keys: Vec<Vec<u8>>,
    #[serde(with = "bytes_opt")]
    pub group: Option<Vec<u8>>,
    /// `None` for `BLOCK 0`.
    pub deadline_ms: Option<u64>,
}

/// A client connection.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct ClientView {
    pub id: ClientId,
    #[serde(with = "bytes_opt")]
    pub name: Option<Vec<u8>>,
    pub protocol: u8,
    pub db: usize,
    /// Blocked, else multi, else subscribed, else normal.
    pub mode: ClientMode,
    pub multi: bool,
    #[serde(with = "bytes_vec")]
    pub channels: Vec<Vec<u8>>,
    #[serde(with = "bytes_vec")]
    pub patterns: Vec<Vec<u8>>,
    #[serde(with = "bytes_vec")]
    pub shard_channels: Vec<Vec<u8>>,
    pub block: Option<BlockView>,
}

impl ClientView {
    fn new(id: ClientId) -> ClientView {
        ClientView {
            id,
            name: None,
            protocol: 2,
            db: 0,
            mode: ClientMode::Normal,
            multi: false,
            channels: Vec::new(),
            patterns: Vec::new(),
            shard_channels: Vec::new(),
            block: None,
        }
    }

    /// The mode as `inspect_clients` derives it.
    fn update_mode(&mut self) {
        self.mode = if self.block.is_some() {
            ClientMode::Blocked
        } else if self.multi {
            ClientMode::Multi
        } else if !(self.channels.is_empty()
            && self.patterns.is_empty()
            && self.shard_channels.is_empty())
        {
            ClientMode::Subscribed
        } else {
            ClientMode::Normal
        };
    }
}

/// A part of the model that an event could not update exactly; `refill` reads it back.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord)]
enum Part {
    /// A database's key window and total.
    Keys(usize),
    /// One key's type, size and expiry (it is in the window).
    Key(usize, Vec<u8>),
    /// A whole stream (or its absence).
    Stream(usize, Vec<u8>),
    /// A stream's metadata.
    Meta(usize, Vec<u8>),
    /// A stream's entry windows.
    Entries(usize, Vec<u8>),
    /// A stream's node window and node count.
    Nodes(usize, Vec<u8>),
    /// The lag of every group of a stream.
    Lags(usize, Vec<u8>),
    /// A group's pending counts and every consumer's PEL window.
    GroupPel(usize, Vec<u8>, Vec<u8>),
    /// The pinned PEL windows of a stream's consumers.
    PelPins(usize, Vec<u8>),
    /// One consumer's PEL window.
    ConsumerPel(usize, Vec<u8>, Vec<u8>, Vec<u8>),
}

/// A group, by database, stream key and name.
type GroupKey = (usize, Vec<u8>, Vec<u8>);

/// What the model knows about a group's pending IDs beyond its windows: whether an ID a
/// read delivers as new can already be pending (after XGROUP SETID moved the group back).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
enum Bound {
    /// Nothing is pending.
    Empty,
    /// Every pending ID is at most this.
    AtMost(StreamId),
}

/// What the views draw. See the module documentation.
#[derive(Clone, Debug, Serialize)]
pub struct ViewModel {
    #[serde(skip)]
    config: ViewConfig,
    /// Databases holding keys, by index.
    #[serde(serialize_with = "values")]
    pub dbs: VecMap<usize, DbView>,
    /// Every stream, by database and key.
    #[serde(serialize_with = "values")]
    pub streams: VecMap<(usize, Vec<u8>), StreamView>,
    /// Every client, by id.
    #[serde(serialize_with = "values")]
    pub clients: VecMap<ClientId, ClientView>,
    /// Channels in byte order.
    pub channels: Vec<SubscriptionView>,
    /// Patterns in the order PUBLISH tries them (first subscribed first).
    pub patterns: Vec<SubscriptionView>,
    /// Shard channels in byte order.
    pub shard_channels: Vec<SubscriptionView>,
    /// The last step's events, as sentences with what they name.
    pub effects: Effects,
    #[serde(skip)]
    stale: Parts,
    /// Upper bounds of groups' pending IDs (absent: unknown). Bookkeeping, not state: an
    /// applied model may hold a looser bound than a fresh one, so it is not compared.
    #[serde(skip)]
    bounds: VecMap<GroupKey, Bound>,
    /// Streams that only had entries appended since the last refill, with how many: their node
    /// window is brought up to date from the last few nodes ([`ViewModel::refill_tail`]) instead
    /// of being read again. Bookkeeping for `refill`, like `stale`; usually empty or one stream.
    #[serde(skip)]
    appended: Vec<((usize, Vec<u8>), u64)>,
}

/// The stale parts: a set kept as a list in marking order (a handful at a time; a list costs
/// the page far less code than another `BTreeSet` type).
#[derive(Clone, Debug, Default)]
struct Parts(Vec<Part>);

impl Parts {
    fn insert(&mut self, p: Part) {
        if !self.0.contains(&p) {
            self.0.push(p);
        }
    }
    fn contains(&self, p: &Part) -> bool {
        self.0.contains(p)
    }
    fn retain(&mut self, f: impl FnMut(&Part) -> bool) {
        self.0.retain(f)
    }
    fn is_empty(&self) -> bool {
        self.0.is_empty()
    }
    fn len(&self) -> usize {
        self.0.len()
    }
    fn clear(&mut self) {
        self.0.clear()
    }
    fn iter(&self) -> std::slice::Iter<'_, Part> {
        self.0.iter()
    }
}

impl PartialEq for Parts {
    /// As sets: the same parts, whatever order they were marked in.
    fn eq(&self, other: &Parts) -> bool {
        self.0.len() == other.0.len() && self.0.iter().all(|p| other.0.contains(p))
    }
}

fn values<S: Serializer, K: Ord, V: Serialize>(m: &VecMap<K, V>, s: S) -> Result<S::Ok, S::Error> {
    s.collect_seq(m.values())
}

impl PartialEq for ViewModel {
    /// The state the views draw (and the stale parts), not the bookkeeping.
    fn eq(&self, other: &ViewModel) -> bool {
        self.dbs == other.dbs
            && self.streams == other.streams
            && self.clients == other.clients
            && self.channels == other.channels
            && self.patterns == other.patterns
            && self.shard_channels == other.shard_channels
            && self.effects == other.effects
            && self.stale == other.stale
    }
}

fn key_view(k: KeyInfo) -> KeyView {
    KeyView {
        name: k.name,
        type_name: k.type_name,
        expires_at_ms: k.expires_at_ms,
        size: k.size,
        preview: k.preview,
    }
}

fn flatten(fields: Vec<(Vec<u8>, Vec<u8>)>) -> Vec<Vec<u8>> {
    fields.into_iter().flat_map(|(f, v)| [f, v]).collect()
}

fn entry_views(e: Vec<crate::engine::inspect::EntryInfo>) -> Vec<EntryView> {
    e.into_iter()
        .map(|e| EntryView {
            id: e.id,
            fields: flatten(e.fields),
        })
        .collect()
}

/// XREADGROUP's group from its argv (`XREADGROUP GROUP <group> <consumer> ...`).
fn block_group(argv: &[Vec<u8>]) -> Option<Vec<u8>> {
    let is_group_read = argv
        .first()
        .is_some_and(|c| c.eq_ignore_ascii_case(b"xreadgroup"));
    let has_word = argv
        .get(1)
        .is_some_and(|w| w.eq_ignore_ascii_case(b"group"));
    (is_group_read && has_word)
        .then(|| argv.get(2).cloned())
        .flatten()
}

fn client_view(c: ClientInfo) -> ClientView {
    ClientView {
        id: c.id,
        name: c.name,
        protocol: c.protocol,
        db: c.db,
        mode: c.mode,
        multi: c.queued.is_some(),
        channels: c.channels,
        patterns: c.patterns,
        shard_channels: c.shard_channels,
        block: c.block.map(|b| BlockView {
            command: String::from_utf8_lossy(&b.command).into_owned(),
            db: b.db,
            group: block_group(&b.argv),
            keys: b.keys,
            deadline_ms: b.deadline_ms,
        }),
    }
}

/// Inserts `id` into a first-N window by ID that shows `len_before` of `pending_before`
/// items. `Err` when the window could not say (it must be refilled).
fn window_insert<T>(
    window: &mut Vec<T>,
    head: usize,
    pending_before: u64,
    item: T,
    id_of: impl Fn(&T) -> StreamId,
) -> Result<(), ()> {
    let id = id_of(&item);
    let complete = window.len() as u64 == pending_before;
    let pos = window.partition_point(|x| id_of(x) < id);
    if complete || pos < window.len() {
        window.insert(pos, item);
        window.truncate(head);
        Ok(())
    } else if window.len() >= head {
        // Past the last shown item of a full window: not shown.
        Ok(())
    } else {
        Err(())
    }
}

impl ViewModel {
    /// The model of `engine`'s state at `now_ms` with the default windows.
    pub fn from_inspect(engine: &Engine, now_ms: u64) -> ViewModel {
        ViewModel::from_inspect_with(engine, now_ms, ViewConfig::default())
    }

    /// The model of `engine`'s state at `now_ms` with windows of these sizes.
    pub fn from_inspect_with(engine: &Engine, now_ms: u64, config: ViewConfig) -> ViewModel {
        let mut vm = ViewModel {
            config,
            dbs: VecMap::new(),
            streams: VecMap::new(),
            clients: VecMap::new(),
            channels: Vec::new(),
            patterns: Vec::new(),
            shard_channels: Vec::new(),
            effects: Effects::default(),
            stale: Parts::default(),
            bounds: VecMap::new(),
            appended: Vec::new(),
        };
        vm.rebuild(engine, now_ms);
        vm
    }

    /// Reads the whole state again, keeping the windows' sizes and pins (a seek, a load,
    /// a profile switch). The effects are dropped.
    pub fn rebuild(&mut self, engine: &Engine, now_ms: u64) {
        self.dbs.clear();
        self.streams.clear();
        self.bounds.clear();
        self.stale.clear();
        self.appended.clear();
        self.effects.clear();
        for db in 0..DATABASES {
            self.refill_keys(engine, db, now_ms);
            let all = engine.inspect_keys(db, now_ms, usize::MAX);
            for k in all.keys.into_iter().filter(|k| k.type_name == "stream") {
                self.refill_stream(engine, db, &k.name, now_ms);
            }
        }
        self.clients = engine
            .inspect_clients()
            .into_iter()
            .map(|c| (c.id, client_view(c)))
            .collect();
        let ps = engine.inspect_pubsub();
        let subs = |v: Vec<crate::engine::inspect::SubscriptionInfo>| {
            v.into_iter()
                .map(|s| SubscriptionView {
                    name: s.name,
                    subscribers: s.subscribers,
                })
                .collect()
        };
        self.channels = subs(ps.channels);
        self.patterns = subs(ps.patterns);
        self.shard_channels = subs(ps.shard_channels);
    }

    pub fn config(&self) -> &ViewConfig {
        &self.config
    }

    /// Pins a window of `count` entries from `start` to `end` of a stream (or unpins it
    /// with `None`); it is filled by the next `refill`.
    pub fn pin(&mut self, db: usize, key: &[u8], pin: Option<Pin>) {
        let k = (db, key.to_vec());
        match pin {
            Some(p) => {
                self.config.pins.insert(k.clone(), p);
                if let Some(s) = self.streams.get_mut(&k) {
                    s.pinned = Some(pinned_view(&p));
                }
                self.stale.insert(Part::Entries(db, key.to_vec()));
            }
            None => {
                self.config.pins.remove(&k);
                if let Some(s) = self.streams.get_mut(&k) {
                    s.pinned = None;
                }
            }
        }
    }

    /// Pins a window of a consumer's pending entries (or unpins it with `None`); it is
    /// filled by the next `refill`.
    pub fn pin_pel(&mut self, at: PelKey, pin: Option<Pin>) {
        let (db, key) = (at.0, at.1.clone());
        match pin {
            Some(p) => {
                self.config.pel_pins.insert(at, p);
                self.stale.insert(Part::PelPins(db, key));
            }
            None => {
                if let Some(c) = self.consumer_mut(db, &at.1, &at.2, &at.3) {
                    c.pinned = None;
                }
                self.config.pel_pins.remove(&at);
            }
        }
    }

    /// Marks the stream's pinned PEL windows for `refill` after a change to its groups'
    /// pending entries (whatever it was: the windows are few and small, and reading them
    /// again is simpler than following each change into them).
    fn pel_pins_touched(&mut self, db: usize, key: &[u8]) {
        let any = self
            .config
            .pel_pins
            .from(&(db, key.to_vec(), Vec::new(), Vec::new()))
            .next()
            .is_some_and(|((d, k, _, _), _)| *d == db && k == key);
        if any {
            self.stale.insert(Part::PelPins(db, key.to_vec()));
        }
    }

    /// Whether some part waits for `refill`.
    pub fn is_stale(&self) -> bool {
        !self.stale.is_empty() || !self.appended.is_empty()
    }

    /// How many parts wait for `refill` (for tests and benchmarks).
    pub fn stale_parts(&self) -> usize {
        self.stale.len() + self.appended.len()
    }

    /// The clients blocked in a command, by id.
    pub fn blocked_clients(&self) -> impl Iterator<Item = &ClientView> {
        self.clients.values().filter(|c| c.block.is_some())
    }

    pub fn stream(&self, db: usize, key: &[u8]) -> Option<&StreamView> {
        self.streams.get(&(db, key.to_vec()))
    }

    // ----- Applying events -----

    /// Applies one step's (or tick's) events: the effects become theirs.
    pub fn apply_step(&mut self, events: &[Event]) {
        self.effects.clear();
        for e in events {
            self.apply(e);
        }
    }

    /// Makes `events` the effects without applying them (a model read again from the engine
    /// after them).
    pub(crate) fn set_effects(&mut self, events: &[Event]) {
        self.effects.clear();
        for e in events {
            self.effects.push(e);
        }
    }

    /// Applies one event, without looking at the engine; what it cannot update exactly is
    /// marked stale for `refill`.
    pub fn apply(&mut self, event: &Event) {
        self.effects.push(event);
        let t = event.time_ms;
        if !self.config.pel_pins.is_empty() {
            if let EventKind::StreamEntriesRemoved { db, key, .. }
            | EventKind::ConsumerCreated { db, key, .. }
            | EventKind::ConsumerDeleted { db, key, .. }
            | EventKind::EntriesDelivered { db, key, .. }
            | EventKind::EntriesAcked { db, key, .. }
            | EventKind::ReferencesDeleted { db, key, .. }
            | EventKind::EntriesAckedAndDeleted { db, key, .. }
            | EventKind::EntriesClaimed { db, key, .. } = &event.kind
            {
                self.pel_pins_touched(*db, key);
            }
        }
        match &event.kind {
            EventKind::ClientConnected { client_id } => {
                self.clients
                    .get_or_insert_with(*client_id, || ClientView::new(*client_id));
            }
            EventKind::ClientDisconnected { client_id } => {
                self.clients.remove(client_id);
                for list in [
                    &mut self.channels,
                    &mut self.patterns,
                    &mut self.shard_channels,
                ] {
                    for s in list.iter_mut() {
                        s.subscribers.retain(|c| c != client_id);
                    }
                    list.retain(|s| !s.subscribers.is_empty());
                }
            }
            EventKind::ClientRenamed { client_id, name } => {
                self.client(*client_id, |c| {
                    c.name = (!name.is_empty()).then(|| name.clone());
                });
            }
            EventKind::ClientProtocolChanged {
                client_id,
                protocol,
            } => self.client(*client_id, |c| c.protocol = *protocol),
            EventKind::ClientDbChanged { client_id, db } => self.client(*client_id, |c| c.db = *db),
            EventKind::ClientMultiChanged { client_id, multi } => {
                self.client(*client_id, |c| c.multi = *multi)
            }
            EventKind::ClientBlocked {
                client_id,
                db,
                command,
                keys,
                group,
                deadline_ms,
            } => self.client(*client_id, |c| {
                c.block = Some(BlockView {
                    command: command.clone(),
                    db: *db,
                    keys: keys.clone(),
                    group: group.clone(),
                    deadline_ms: *deadline_ms,
                })
            }),
            EventKind::ClientUnblocked { client_id, .. } => {
                self.client(*client_id, |c| c.block = None)
            }
            EventKind::Subscribed {
                client_id,
                kind,
                name,
                ..
            } => self.subscribed(*client_id, *kind, name),
            EventKind::Unsubscribed {
                client_id,
                kind,
                name,
                ..
            } => self.unsubscribed(*client_id, *kind, name),
            EventKind::KeyWritten { db, key, key_type } => self.key_written(*db, key, key_type),
            EventKind::KeyDeleted { db, key } | EventKind::KeyExpired { db, key } => {
                self.key_removed(*db, key)
            }
            EventKind::KeyExpiryChanged {
                db,
                key,
                expires_at_ms,
            } => {
                if let Some(k) = self.key_mut(*db, key) {
                    k.expires_at_ms = *expires_at_ms;
                }
            }
            // RENAME reports the source's deletion and the destination's write first.
            EventKind::KeyRenamed { .. } => {}
            EventKind::DbFlushed { db, .. } => {
                let gone = |d: usize| db.is_none_or(|x| x == d);
                self.dbs.retain(|&d, _| !gone(d));
                self.streams.retain(|(d, _), _| !gone(*d));
                self.bounds.retain(|(d, _, _), _| !gone(*d));
                self.appended.retain(|((d, _), _)| !gone(*d));
                self.stale.retain(|p| match p {
                    Part::Keys(d)
                    | Part::Key(d, _)
                    | Part::Stream(d, _)
                    | Part::Meta(d, _)
                    | Part::Entries(d, _)
                    | Part::Nodes(d, _)
                    | Part::Lags(d, _)
                    | Part::PelPins(d, _)
                    | Part::GroupPel(d, _, _)
                    | Part::ConsumerPel(d, _, _, _) => !gone(*d),
                });
            }
            EventKind::StreamEntryAdded {
                db,
                key,
                id,
                fields,
            } => self.entry_added(*db, key, *id, fields),
            EventKind::StreamEntriesRemoved { db, key, ids, .. } => {
                self.entries_removed(*db, key, ids)
            }
            EventKind::StreamIdSet {
                db,
                key,
                last_id,
                entries_added,
                max_deleted_id,
            } => {
                if let Some(s) = self.streams.get_mut(&(*db, key.clone())) {
                    s.last_generated_id = *last_id;
                    s.entries_added = *entries_added;
                    s.max_deleted_id = *max_deleted_id;
                    self.stale.insert(Part::Lags(*db, key.clone()));
                }
            }
            EventKind::GroupCreated {
                db,
                key,
                group,
                last_id,
                entries_read,
            } => {
                if let Some(s) = self.streams.get_mut(&(*db, key.clone())) {
                    let pos = s.groups.partition_point(|g| g.name < *group);
                    s.groups.insert(
                        pos,
                        GroupView {
                            name: group.clone(),
                            last_id: *last_id,
                            entries_read: entries_read.and_then(|n| i64::try_from(n).ok()),
                            lag: None,
                            pending: 0,
                            consumers: Vec::new(),
                        },
                    );
                    self.bounds
                        .insert((*db, key.clone(), group.clone()), Bound::Empty);
                    self.stale.insert(Part::Lags(*db, key.clone()));
                }
            }
            EventKind::GroupDestroyed { db, key, group, .. } => {
                if let Some(s) = self.streams.get_mut(&(*db, key.clone())) {
                    s.groups.retain(|g| g.name != *group);
                }
                self.bounds.remove(&(*db, key.clone(), group.clone()));
            }
            EventKind::GroupIdSet {
                db,
                key,
                group,
                last_id,
                entries_read,
            } => {
                if let Some(g) = self.group_mut(*db, key, group) {
                    g.last_id = *last_id;
                    g.entries_read = entries_read.and_then(|n| i64::try_from(n).ok());
                    self.stale.insert(Part::Lags(*db, key.clone()));
                }
            }
            EventKind::ConsumerCreated {
                db,
                key,
                group,
                consumer,
            } => {
                if let Some(g) = self.group_mut(*db, key, group) {
                    let pos = g.consumers.partition_point(|c| c.name < *consumer);
                    if g.consumers.get(pos).is_none_or(|c| c.name != *consumer) {
                        g.consumers.insert(
                            pos,
                            ConsumerView {
                                name: consumer.clone(),
                                seen_time_ms: t,
                                active_time_ms: None,
                                pending: 0,
                                pel: Vec::new(),
                                pinned: None,
                            },
                        );
                    }
                }
            }
            EventKind::ConsumerSeen {
                db,
                key,
                group,
                consumer,
            } => {
                if let Some(c) = self.consumer_mut(*db, key, group, consumer) {
                    c.seen_time_ms = t;
                }
            }
            EventKind::ConsumerDeleted {
                db,
                key,
                group,
                consumer,
                pending,
            } => {
                if let Some(g) = self.group_mut(*db, key, group) {
                    g.consumers.retain(|c| c.name != *consumer);
                    g.pending = g.pending.saturating_sub(*pending);
                }
            }
            EventKind::EntriesDelivered {
                db,
                key,
                group,
                consumer,
                entries,
                last_id,
                entries_read,
                lag,
            } => {
                self.delivered(*db, key, group, consumer, entries, t);
                if let Some(g) = self.group_mut(*db, key, group) {
                    g.last_id = *last_id;
                    g.entries_read = entries_read.and_then(|n| i64::try_from(n).ok());
                    g.lag = lag.and_then(|n| i64::try_from(n).ok());
                    // The event's `None` is an unknown lag or a negative one (7.0 can
                    // compute one after ENTRIESREAD): only XINFO's number can tell.
                    if lag.is_none() {
                        self.stale.insert(Part::Lags(*db, key.clone()));
                    }
                }
            }
            EventKind::EntriesAcked {
                db,
                key,
                group,
                ids,
                ..
            }
            | EventKind::ReferencesDeleted {
                db,
                key,
                group,
                ids,
                ..
            }
            | EventKind::EntriesAckedAndDeleted {
                db,
                key,
                group,
                acked: ids,
                ..
            } => {
                for &id in ids {
                    self.unpend(*db, key, group, id);
                }
            }
            EventKind::EntriesClaimed {
                db,
                key,
                group,
                consumer,
                claimed,
                deleted,
                ..
            } => {
                for c in claimed {
                    self.claimed(*db, key, group, consumer, c, t);
                }
                if !claimed.is_empty() {
                    if let Some(c) = self.consumer_mut(*db, key, group, consumer) {
                        c.seen_time_ms = t;
                        c.active_time_ms = Some(t);
                    }
                }
                for &id in deleted {
                    self.unpend(*db, key, group, id);
                }
            }
            // Records only: they change nothing another event does not report.
            EventKind::ReferencesKept { .. }
            | EventKind::EntriesKeptReferenced { .. }
            | EventKind::Notification { .. }
            | EventKind::MessagePublished { .. }
            | EventKind::MessageDropped { .. }
            | EventKind::ListPushed { .. }
            | EventKind::ListPopped { .. }
            | EventKind::Probe => {}
        }
    }

    fn client(&mut self, id: ClientId, f: impl FnOnce(&mut ClientView)) {
        if let Some(c) = self.clients.get_mut(&id) {
            f(c);
            c.update_mode();
        }
    }

    fn registry(&mut self, kind: SubscriptionKind) -> &mut Vec<SubscriptionView> {
        match kind {
            SubscriptionKind::Channel => &mut self.channels,
            SubscriptionKind::Pattern => &mut self.patterns,
            SubscriptionKind::Shard => &mut self.shard_channels,
        }
    }

    fn subscribed(&mut self, client: ClientId, kind: SubscriptionKind, name: &[u8]) {
        self.client(client, |c| {
            let list = match kind {
                SubscriptionKind::Channel => &mut c.channels,
                SubscriptionKind::Pattern => &mut c.patterns,
                SubscriptionKind::Shard => &mut c.shard_channels,
            };
            if !list.iter().any(|n| n == name) {
                list.push(name.to_vec());
            }
        });
        let reg = self.registry(kind);
        // Channels are shown in byte order, patterns in the order they were first subscribed.
        let pos = match kind {
            SubscriptionKind::Pattern => reg.iter().position(|s| s.name == name),
            _ => reg.binary_search_by(|s| s.name.as_slice().cmp(name)).ok(),
        };
        match pos {
            Some(i) => {
                if !reg[i].subscribers.contains(&client) {
                    reg[i].subscribers.push(client);
                }
            }
            None => {
                let at = match kind {
                    SubscriptionKind::Pattern => reg.len(),
                    _ => reg.partition_point(|s| s.name.as_slice() < name),
                };
                reg.insert(
                    at,
                    SubscriptionView {
                        name: name.to_vec(),
                        subscribers: vec![client],
                    },
                );
            }
        }
    }

    fn unsubscribed(&mut self, client: ClientId, kind: SubscriptionKind, name: &[u8]) {
        self.client(client, |c| {
            let list = match kind {
                SubscriptionKind::Channel => &mut c.channels,
                SubscriptionKind::Pattern => &mut c.patterns,
                SubscriptionKind::Shard => &mut c.shard_channels,
            };
            list.retain(|n| n != name);
        });
        let reg = self.registry(kind);
        if let Some(i) = reg.iter().position(|s| s.name == name) {
            reg[i].subscribers.retain(|&c| c != client);
            if reg[i].subscribers.is_empty() {
                reg.remove(i);
            }
        }
    }

    // ----- Keys -----

    fn key_mut(&mut self, db: usize, key: &[u8]) -> Option<&mut KeyView> {
        let d = self.dbs.get_mut(&db)?;
        let i = d
            .keys
            .binary_search_by(|k| k.name.as_slice().cmp(key))
            .ok()?;
        Some(&mut d.keys[i])
    }

    fn key_written(&mut self, db: usize, key: &[u8], key_type: &str) {
        let sk = (db, key.to_vec());
        let had_stream = self.streams.contains_key(&sk);
        if key_type != "stream" {
            self.streams.remove(&sk);
            self.bounds.retain(|(d, k, _), _| !(*d == db && k == key));
        } else if !had_stream {
            self.stale.insert(Part::Stream(db, key.to_vec()));
        }
        if self.stale.contains(&Part::Keys(db)) {
            return;
        }
        let head = self.config.keys_head;
        let d = self.dbs.get_or_insert_with(db, || DbView {
            db,
            keys: Vec::new(),
            total: 0,
        });
        match d.keys.binary_search_by(|k| k.name.as_slice().cmp(key)) {
            Ok(i) => {
                // A write to a stream that stays a stream (XADD) reports its size itself.
                if !(key_type == "stream" && had_stream && d.keys[i].type_name == "stream") {
                    self.stale.insert(Part::Key(db, key.to_vec()));
                }
            }
            Err(i) if d.keys.len() < head || i < d.keys.len() => {
                d.keys.insert(
                    i,
                    KeyView {
                        name: key.to_vec(),
                        type_name: key_type.to_string(),
                        expires_at_ms: None,
                        size: 0,
                        preview: Preview::None,
                    },
                );
                d.keys.truncate(head);
                d.total += 1;
                self.stale.insert(Part::Key(db, key.to_vec()));
            }
            // Past the window's last key: a new key or not, the window cannot tell.
            Err(_) => {
                self.stale.insert(Part::Keys(db));
            }
        }
    }

    fn key_removed(&mut self, db: usize, key: &[u8]) {
        let sk = (db, key.to_vec());
        self.streams.remove(&sk);
        self.bounds.retain(|(d, k, _), _| !(*d == db && k == key));
        self.appended.retain(|((d, k), _)| !(*d == db && k == key));
        self.stale.retain(|p| match p {
            Part::Key(d, k)
            | Part::Stream(d, k)
            | Part::Meta(d, k)
            | Part::Entries(d, k)
            | Part::Nodes(d, k)
            | Part::Lags(d, k)
            | Part::PelPins(d, k)
            | Part::GroupPel(d, k, _)
            | Part::ConsumerPel(d, k, _, _) => !(*d == db && k == key),
            Part::Keys(_) => true,
        });
        if self.stale.contains(&Part::Keys(db)) {
            return;
        }
        let head = self.config.keys_head;
        let Some(d) = self.dbs.get_mut(&db) else {
            return;
        };
        match d.keys.binary_search_by(|k| k.name.as_slice().cmp(key)) {
            Ok(i) => {
                d.keys.remove(i);
                d.total = d.total.saturating_sub(1);
                if d.keys.len() < head.min(d.total) {
                    self.stale.insert(Part::Keys(db));
                }
            }
            Err(i) if d.keys.len() >= head && i >= d.keys.len() => {
                d.total = d.total.saturating_sub(1);
            }
            Err(_) => {}
        }
        if d.total == 0 {
            self.dbs.remove(&db);
        }
    }

    fn set_key_size(&mut self, db: usize, key: &[u8], size: u64) {
        if let Some(k) = self.key_mut(db, key) {
            k.size = size;
        }
    }

    // ----- Streams -----

    fn entry_added(&mut self, db: usize, key: &[u8], id: StreamId, fields: &[Vec<u8>]) {
        let tail = self.config.entries_tail;
        let Some(s) = self.streams.get_mut(&(db, key.to_vec())) else {
            return;
        };
        s.length += 1;
        s.first_id.get_or_insert(id);
        s.last_id = Some(id);
        s.last_generated_id = id;
        s.entries_added += 1;
        let entry = EntryView {
            id,
            fields: fields.to_vec(),
        };
        if let Some(p) = &mut s.pinned {
            // A new entry has the greatest ID, so it goes last, if the window has room; a
            // window of the last entries in its range makes room by dropping its first.
            if (p.start..=p.end).contains(&id) && (p.back || p.entries.len() < p.count) {
                p.entries.push(entry.clone());
                if p.entries.len() > p.count {
                    p.entries.remove(0);
                }
            }
        }
        if tail > 0 {
            s.entries.push(entry);
            if s.entries.len() > tail {
                s.entries.remove(0);
            }
        }
        let (length, has_groups) = (s.length, !s.groups.is_empty());
        // Where the entry went (a new node or the last one) depends on listpack sizes: `refill`
        // reads the last nodes back.
        match self
            .appended
            .iter_mut()
            .find(|((d, k), _)| *d == db && k == key)
        {
            Some((_, n)) => *n += 1,
            None => self.appended.push(((db, key.to_vec()), 1)),
        }
        if has_groups {
            self.stale.insert(Part::Lags(db, key.to_vec()));
        }
        self.set_key_size(db, key, length);
    }

    fn entries_removed(&mut self, db: usize, key: &[u8], ids: &[StreamId]) {
        let tail = self.config.entries_tail;
        let Some(s) = self.streams.get_mut(&(db, key.to_vec())) else {
            return;
        };
        s.length = s.length.saturating_sub(ids.len() as u64);
        let gone: BTreeSet<StreamId> = ids.iter().copied().collect();
        let before = s.entries.len();
        s.entries.retain(|e| !gone.contains(&e.id));
        let mut refill =
            s.entries.len() < before && (s.entries.len() as u64) < s.length.min(tail as u64);
        if let Some(p) = &mut s.pinned {
            let full = p.entries.len() >= p.count;
            let before = p.entries.len();
            p.entries.retain(|e| !gone.contains(&e.id));
            refill |= full && p.entries.len() < before;
        }
        // Pending entries keep their references to removed entries: mark them dangling.
        for c in s.groups.iter_mut().flat_map(|g| g.consumers.iter_mut()) {
            for p in c.pel.iter_mut().filter(|p| gone.contains(&p.id)) {
                p.deleted = true;
            }
        }
        let (length, has_groups) = (s.length, !s.groups.is_empty());
        let k = key.to_vec();
        if refill {
            self.stale.insert(Part::Entries(db, k.clone()));
        }
        // The first ID, the greatest deleted ID and the nodes depend on what is left.
        self.stale.insert(Part::Meta(db, k.clone()));
        self.stale.insert(Part::Nodes(db, k.clone()));
        if has_groups {
            self.stale.insert(Part::Lags(db, k));
        }
        self.set_key_size(db, key, length);
    }

    fn group_mut(&mut self, db: usize, key: &[u8], group: &[u8]) -> Option<&mut GroupView> {
        self.streams
            .get_mut(&(db, key.to_vec()))?
            .groups
            .iter_mut()
            .find(|g| g.name == group)
    }

    fn consumer_mut(
        &mut self,
        db: usize,
        key: &[u8],
        group: &[u8],
        consumer: &[u8],
    ) -> Option<&mut ConsumerView> {
        self.group_mut(db, key, group)?
            .consumers
            .iter_mut()
            .find(|c| c.name == consumer)
    }

    fn mark_group_pel(&mut self, db: usize, key: &[u8], group: &[u8]) {
        self.stale
            .insert(Part::GroupPel(db, key.to_vec(), group.to_vec()));
    }

    /// Widens the group's pending bound to include `id`.
    fn widen_bound(&mut self, db: usize, key: &[u8], group: &[u8], id: StreamId) {
        if let Some(b) = self.bounds.get_mut(&(db, key.to_vec(), group.to_vec())) {
            *b = match *b {
                Bound::Empty => Bound::AtMost(id),
                Bound::AtMost(m) => Bound::AtMost(m.max(id)),
            };
        }
    }

    /// Adds a NACK for `id` to `consumer` (its pending count and window).
    fn pend(&mut self, db: usize, key: &[u8], group: &[u8], consumer: &[u8], p: PendingView) {
        let head = self.config.pel_head;
        let Some(c) = self.consumer_mut(db, key, group, consumer) else {
            self.mark_group_pel(db, key, group);
            return;
        };
        let ok = window_insert(&mut c.pel, head, c.pending, p, |x| x.id).is_ok();
        c.pending += 1;
        if !ok {
            self.stale.insert(Part::ConsumerPel(
                db,
                key.to_vec(),
                group.to_vec(),
                consumer.to_vec(),
            ));
        }
    }

    fn delivered(
        &mut self,
        db: usize,
        key: &[u8],
        group: &[u8],
        consumer: &[u8],
        entries: &[crate::engine::DeliveredEntry],
        t: u64,
    ) {
        let gk = (db, key.to_vec(), group.to_vec());
        let mut active = false;
        for e in entries {
            if e.delivery_count == 0 {
                // NOACK: nothing becomes pending.
                continue;
            }
            // A new delivery reads a live entry; a re-delivery keeps what it was.
            let p = PendingView {
                id: e.id,
                delivery_count: e.delivery_count,
                delivery_time_ms: t,
                deleted: false,
            };
            match e.source {
                DeliverySource::New => {
                    active = true;
                    let fresh = match self.bounds.get(&gk) {
                        Some(Bound::Empty) => true,
                        Some(Bound::AtMost(m)) => e.id > *m,
                        None => false,
                    };
                    if fresh {
                        self.pend(db, key, group, consumer, p);
                        if let Some(g) = self.group_mut(db, key, group) {
                            g.pending += 1;
                        }
                    } else {
                        // It may have been pending already (XGROUP SETID moved the group
                        // back), with a consumer the model cannot name.
                        self.mark_group_pel(db, key, group);
                    }
                    self.widen_bound(db, key, group, e.id);
                }
                DeliverySource::History => {
                    if let Some(c) = self.consumer_mut(db, key, group, consumer) {
                        if let Some(x) = c.pel.iter_mut().find(|x| x.id == e.id) {
                            *x = PendingView {
                                deleted: x.deleted,
                                ..p
                            };
                        }
                    }
                }
                DeliverySource::ClaimedIdle => {
                    // Taken from another consumer that the event does not name.
                    active = true;
                    self.mark_group_pel(db, key, group);
                }
            }
        }
        if let Some(c) = self.consumer_mut(db, key, group, consumer) {
            c.seen_time_ms = t;
            if active {
                c.active_time_ms = Some(t);
            }
        }
    }

    /// Removes the NACK of `id` (acked, deleted or its reference dropped), wherever the
    /// windows show it; marks the group stale when no window can say whose it was.
    fn unpend(&mut self, db: usize, key: &[u8], group: &[u8], id: StreamId) {
        let head = self.config.pel_head;
        let Some(g) = self.group_mut(db, key, group) else {
            return;
        };
        let mut refill_consumer = None;
        let mut unknown = false;
        match g
            .consumers
            .iter_mut()
            .find(|c| c.pel.binary_search_by(|x| x.id.cmp(&id)).is_ok())
        {
            Some(c) => {
                c.pel.retain(|x| x.id != id);
                c.pending = c.pending.saturating_sub(1);
                g.pending = g.pending.saturating_sub(1);
                if (c.pel.len() as u64) < c.pending.min(head as u64) {
                    refill_consumer = Some(c.name.clone());
                }
            }
            None => {
                // Not shown anywhere: not pending, unless it may sit past a full window.
                unknown = g.consumers.iter().any(|c| {
                    (c.pel.len() as u64) < c.pending && c.pel.last().is_none_or(|x| x.id < id)
                });
            }
        }
        if let Some(c) = refill_consumer {
            self.stale
                .insert(Part::ConsumerPel(db, key.to_vec(), group.to_vec(), c));
        }
        if unknown {
            self.mark_group_pel(db, key, group);
        }
    }

    fn claimed(
        &mut self,
        db: usize,
        key: &[u8],
        group: &[u8],
        consumer: &[u8],
        c: &crate::engine::ClaimedEntry,
        t: u64,
    ) {
        // Claims drop the references whose entries are gone, so a claimed entry is live.
        let p = PendingView {
            id: c.id,
            delivery_count: c.delivery_count,
            delivery_time_ms: t,
            deleted: false,
        };
        match &c.from {
            Some(from) if from.as_slice() == consumer => {
                if let Some(cv) = self.consumer_mut(db, key, group, consumer) {
                    if let Some(x) = cv.pel.iter_mut().find(|x| x.id == c.id) {
                        *x = p;
                    }
                }
            }
            Some(from) => {
                let head = self.config.pel_head;
                match self.consumer_mut(db, key, group, from) {
                    Some(f) => {
                        let before = f.pel.len();
                        f.pel.retain(|x| x.id != c.id);
                        f.pending = f.pending.saturating_sub(1);
                        let shrank = f.pel.len() < before;
                        if shrank && (f.pel.len() as u64) < f.pending.min(head as u64) {
                            self.stale.insert(Part::ConsumerPel(
                                db,
                                key.to_vec(),
                                group.to_vec(),
                                from.clone(),
                            ));
                        }
                    }
                    None => self.mark_group_pel(db, key, group),
                }
                self.pend(db, key, group, consumer, p);
            }
            None => {
                // XCLAIM FORCE made a new NACK.
                self.pend(db, key, group, consumer, p);
                if let Some(g) = self.group_mut(db, key, group) {
                    g.pending += 1;
                }
                self.widen_bound(db, key, group, c.id);
            }
        }
    }

    // ----- Refilling -----

    /// Reads every stale part back from `engine` at `now_ms` (the time of the last call
    /// into it), so the model equals `from_inspect` again.
    pub fn refill(&mut self, engine: &Engine, now_ms: u64) {
        let parts = std::mem::take(&mut self.stale);
        // A stream read whole, or whose nodes are read again, needs nothing for its appends.
        let mut appended = std::mem::take(&mut self.appended);
        appended.retain(|((db, key), _)| {
            !parts
                .iter()
                .any(|p| matches!(p, Part::Stream(d, k) | Part::Nodes(d, k) if d == db && k == key))
        });
        for part in parts.0 {
            match part {
                Part::Keys(db) => self.refill_keys(engine, db, now_ms),
                Part::Key(db, key) => self.refill_key(engine, db, &key, now_ms),
                Part::Stream(db, key) => self.refill_stream(engine, db, &key, now_ms),
                Part::Meta(db, key) => self.refill_meta(engine, db, &key, now_ms),
                Part::Entries(db, key) => self.refill_entries(engine, db, &key, now_ms),
                Part::Nodes(db, key) => self.refill_nodes(engine, db, &key, now_ms),
                Part::Lags(db, key) => self.refill_lags(engine, db, &key, now_ms),
                Part::GroupPel(db, key, group) => {
                    self.refill_group_pel(engine, db, &key, &group, now_ms)
                }
                Part::PelPins(db, key) => self.refill_pel_pins(engine, db, &key, now_ms),
                Part::ConsumerPel(db, key, group, consumer) => {
                    let head = self.config.pel_head;
                    let pel = engine.inspect_pel(
                        db,
                        &key,
                        &group,
                        Some(&consumer),
                        now_ms,
                        Window::First(head),
                    );
                    if let (Some(c), Some(pel)) =
                        (self.consumer_mut(db, &key, &group, &consumer), pel)
                    {
                        c.pel = pending_views(pel);
                    }
                }
            }
        }
        for (sk, appended) in appended {
            self.refill_tail(engine, sk, now_ms, appended);
        }
        // A refill never leaves parts behind: nothing above marks anything stale.
        debug_assert!(self.stale.is_empty());
        self.stale.clear();
    }

    /// Brings a stream's node window and node count up to date after `appended` entries were
    /// added to it and nothing else changed its nodes, reading only its last `appended + 1`
    /// nodes: an append goes into the last node or opens one new node after it. What is read
    /// is checked against that (the nodes before the old last one unchanged, exactly
    /// `appended` more entries from the old last node on); anything else reads the whole
    /// window again.
    fn refill_tail(&mut self, engine: &Engine, sk: (usize, Vec<u8>), now_ms: u64, appended: u64) {
        let tail = self.config.nodes_tail;
        let (db, key) = (sk.0, sk.1.as_slice());
        let Some(s) = self.streams.get_mut(&sk) else {
            return;
        };
        let read = usize::try_from(appended)
            .ok()
            .and_then(|n| n.checked_add(1))
            .filter(|&n| n <= tail);
        let (Some(read), Some(last)) = (read, s.nodes.last()) else {
            return self.refill_nodes(engine, db, key, now_ms);
        };
        let fresh = engine
            .inspect_nodes(db, key, now_ms, Window::Last(read))
            .unwrap_or_default();
        let Some(p) = fresh.iter().position(|n| n.first_id == last.first_id) else {
            return self.refill_nodes(engine, db, key, now_ms);
        };
        let same = |v: &NodeView, n: &crate::engine::inspect::NodeInfo| {
            v.first_id == n.first_id
                && v.last_id == n.last_id
                && v.live == n.live
                && v.deleted == n.deleted
                && v.deleted_ids == n.deleted_ids
        };
        let kept = s.nodes.len() - 1;
        let entries = |n: &crate::engine::inspect::NodeInfo| n.live + n.deleted;
        let grew = fresh[p..].iter().map(entries).sum::<u64>() - (last.live + last.deleted);
        let exact = p <= kept
            && fresh[..p]
                .iter()
                .zip(&s.nodes[kept - p..kept])
                .all(|(n, v)| same(v, n))
            && fresh[p].deleted == last.deleted
            && grew == appended;
        if !exact {
            return self.refill_nodes(engine, db, key, now_ms);
        }
        let opened = (fresh.len() - 1 - p) as u64;
        s.nodes.truncate(kept);
        s.nodes.extend(fresh[p..].iter().map(|n| NodeView {
            first_id: n.first_id,
            last_id: n.last_id,
            live: n.live,
            deleted: n.deleted,
            deleted_ids: n.deleted_ids.clone(),
        }));
        if s.nodes.len() > tail {
            s.nodes.drain(..s.nodes.len() - tail);
        }
        s.node_count += opened;
    }

    fn refill_keys(&mut self, engine: &Engine, db: usize, now_ms: u64) {
        let info = engine.inspect_keys(db, now_ms, self.config.keys_head);
        if info.total == 0 {
            self.dbs.remove(&db);
            return;
        }
        self.dbs.insert(
            db,
            DbView {
                db,
                keys: info.keys.into_iter().map(key_view).collect(),
                total: info.total,
            },
        );
    }

    fn refill_key(&mut self, engine: &Engine, db: usize, key: &[u8], now_ms: u64) {
        match engine.inspect_key(db, key, now_ms) {
            Some(info) => {
                if let Some(k) = self.key_mut(db, key) {
                    *k = key_view(info);
                }
            }
            // The model's presence was wrong: read the whole window.
            None => self.refill_keys(engine, db, now_ms),
        }
    }

    fn refill_stream(&mut self, engine: &Engine, db: usize, key: &[u8], now_ms: u64) {
        let sk = (db, key.to_vec());
        let Some(info) = engine.inspect_stream(db, key, now_ms) else {
            self.streams.remove(&sk);
            return;
        };
        let pinned = self.config.pins.get(&sk).map(pinned_view);
        self.streams.insert(
            sk.clone(),
            StreamView {
                db,
                key: key.to_vec(),
                length: info.length,
                first_id: info.first_id,
                last_id: info.last_id,
                last_generated_id: info.last_generated_id,
                max_deleted_id: info.max_deleted_id,
                entries_added: info.entries_added,
                node_count: info.node_count,
                entries: Vec::new(),
                pinned,
                nodes: Vec::new(),
                groups: Vec::new(),
            },
        );
        self.refill_entries(engine, db, key, now_ms);
        self.refill_nodes(engine, db, key, now_ms);
        let groups = engine.inspect_groups(db, key, now_ms).unwrap_or_default();
        let groups: Vec<GroupView> = groups
            .into_iter()
            .map(|g| self.group_view(engine, db, key, g, now_ms))
            .collect();
        if let Some(s) = self.streams.get_mut(&sk) {
            s.groups = groups;
        }
        self.set_key_size(db, key, info.length);
    }

    fn group_view(
        &mut self,
        engine: &Engine,
        db: usize,
        key: &[u8],
        g: GroupInfo,
        now_ms: u64,
    ) -> GroupView {
        let head = self.config.pel_head;
        let last = engine
            .inspect_pel(db, key, &g.name, None, now_ms, Window::Last(1))
            .unwrap_or_default();
        self.bounds.insert(
            (db, key.to_vec(), g.name.clone()),
            last.first().map_or(Bound::Empty, |p| Bound::AtMost(p.id)),
        );
        let consumers = g
            .consumers
            .into_iter()
            .map(|c| ConsumerView {
                pinned: self
                    .config
                    .pel_pins
                    .get(&(db, key.to_vec(), g.name.clone(), c.name.clone()))
                    .map(|p| pinned_pel(engine, db, key, &g.name, &c.name, p, now_ms)),
                pel: pending_views(
                    engine
                        .inspect_pel(db, key, &g.name, Some(&c.name), now_ms, Window::First(head))
                        .unwrap_or_default(),
                ),
                name: c.name,
                seen_time_ms: c.seen_time_ms,
                active_time_ms: c.active_time_ms,
                pending: c.pending,
            })
            .collect();
        GroupView {
            name: g.name,
            last_id: g.last_delivered_id,
            entries_read: g.entries_read,
            lag: g.lag,
            pending: g.pending,
            consumers,
        }
    }

    fn refill_meta(&mut self, engine: &Engine, db: usize, key: &[u8], now_ms: u64) {
        let Some(info) = engine.inspect_stream(db, key, now_ms) else {
            return;
        };
        if let Some(s) = self.streams.get_mut(&(db, key.to_vec())) {
            s.length = info.length;
            s.first_id = info.first_id;
            s.last_id = info.last_id;
            s.last_generated_id = info.last_generated_id;
            s.max_deleted_id = info.max_deleted_id;
            s.entries_added = info.entries_added;
            s.node_count = info.node_count;
        }
        self.set_key_size(db, key, info.length);
    }

    fn refill_entries(&mut self, engine: &Engine, db: usize, key: &[u8], now_ms: u64) {
        let tail = self.config.entries_tail;
        let Some(s) = self.streams.get_mut(&(db, key.to_vec())) else {
            return;
        };
        s.entries = entry_views(
            engine
                .inspect_entries(db, key, now_ms, Window::Last(tail))
                .unwrap_or_default(),
        );
        if let Some(p) = &mut s.pinned {
            let window = Pin {
                start: p.start,
                end: p.end,
                count: p.count,
                back: p.back,
            }
            .window();
            p.entries = entry_views(
                engine
                    .inspect_entries(db, key, now_ms, window)
                    .unwrap_or_default(),
            );
        }
    }

    fn refill_nodes(&mut self, engine: &Engine, db: usize, key: &[u8], now_ms: u64) {
        let tail = self.config.nodes_tail;
        let count = engine.inspect_stream(db, key, now_ms).map(|i| i.node_count);
        let Some(s) = self.streams.get_mut(&(db, key.to_vec())) else {
            return;
        };
        s.node_count = count.unwrap_or(0);
        s.nodes = engine
            .inspect_nodes(db, key, now_ms, Window::Last(tail))
            .unwrap_or_default()
            .into_iter()
            .map(|n| NodeView {
                first_id: n.first_id,
                last_id: n.last_id,
                live: n.live,
                deleted: n.deleted,
                deleted_ids: n.deleted_ids,
            })
            .collect();
    }

    fn refill_lags(&mut self, engine: &Engine, db: usize, key: &[u8], now_ms: u64) {
        let groups = engine.inspect_groups(db, key, now_ms).unwrap_or_default();
        let Some(s) = self.streams.get_mut(&(db, key.to_vec())) else {
            return;
        };
        for g in s.groups.iter_mut() {
            if let Some(info) = groups.iter().find(|i| i.name == g.name) {
                g.lag = info.lag;
            }
        }
    }

    /// Reads every pinned PEL window of the stream's consumers again.
    fn refill_pel_pins(&mut self, engine: &Engine, db: usize, key: &[u8], now_ms: u64) {
        let pins: Vec<(PelKey, Pin)> = self
            .config
            .pel_pins
            .from(&(db, key.to_vec(), Vec::new(), Vec::new()))
            .take_while(|((d, k, _, _), _)| *d == db && k == key)
            .map(|(k, p)| (k.clone(), *p))
            .collect();
        for ((_, _, group, consumer), p) in pins {
            let fresh = pinned_pel(engine, db, key, &group, &consumer, &p, now_ms);
            if let Some(c) = self.consumer_mut(db, key, &group, &consumer) {
                c.pinned = Some(fresh);
            }
        }
    }

    fn refill_group_pel(
        &mut self,
        engine: &Engine,
        db: usize,
        key: &[u8],
        group: &[u8],
        now_ms: u64,
    ) {
        let groups = engine.inspect_groups(db, key, now_ms).unwrap_or_default();
        let Some(info) = groups.into_iter().find(|g| g.name == group) else {
            return;
        };
        let fresh = self.group_view(engine, db, key, info, now_ms);
        if let Some(g) = self.group_mut(db, key, group) {
            g.pending = fresh.pending;
            for c in g.consumers.iter_mut() {
                if let Some(f) = fresh.consumers.iter().find(|f| f.name == c.name) {
                    c.pending = f.pending;
                    c.pel = f.pel.clone();
                    c.pinned = f.pinned.clone();
                }
            }
        }
    }
}

/// A stream window pinned by `p`, to be filled by `refill`.
fn pinned_view(p: &Pin) -> PinnedView {
    PinnedView {
        start: p.start,
        end: p.end,
        count: p.count,
        back: p.back,
        entries: Vec::new(),
    }
}

/// A consumer's PEL window pinned by `p`, read from `engine`.
fn pinned_pel(
    engine: &Engine,
    db: usize,
    key: &[u8],
    group: &[u8],
    consumer: &[u8],
    p: &Pin,
    now_ms: u64,
) -> PinnedPel {
    let read = engine.inspect_pel(db, key, group, Some(consumer), now_ms, p.window());
    PinnedPel {
        start: p.start,
        end: p.end,
        count: p.count,
        back: p.back,
        entries: pending_views(read.unwrap_or_default()),
    }
}

fn pending_views(p: Vec<crate::engine::inspect::PendingInfo>) -> Vec<PendingView> {
    p.into_iter()
        .map(|p| PendingView {
            id: p.id,
            delivery_count: p.delivery_count,
            delivery_time_ms: p.delivery_time_ms,
            deleted: p.deleted,
        })
        .collect()
}
