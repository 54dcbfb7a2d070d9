//! The "what just happened" records of the view model: one sentence per event of the last
//! step, with the keys, channels, groups, consumers and clients it names, so that a view
//! can highlight them. Listener-only events (notifications, the probe) give none.

use std::cell::OnceCell;

use serde::{Serialize, Serializer};

use crate::engine::{
    ClaimCommand, ClientId, DeliverySource, Event, EventKind, StreamId, SubscriptionKind,
    TrimReason, UnblockReason, Via,
};

/// What an effect names.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
#[serde(tag = "kind", content = "name", rename_all = "lowercase")]
pub enum Subject {
    Key(String),
    Channel(String),
    Pattern(String),
    Group(String),
    Consumer(String),
    Client(ClientId),
}

/// One sentence about the last step.
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct Effect {
    /// The event's sequence number and time.
    pub seq: u64,
    pub time_ms: u64,
    /// The client whose command caused it (`None`: the clock).
    pub client: Option<ClientId>,
    /// The event's variant name (`StreamEntryAdded`).
    #[serde(rename = "type")]
    pub kind: &'static str,
    pub text: String,
    pub subjects: Vec<Subject>,
}

/// The last step's effects: its events, described as sentences when first read. A step pays
/// for a copy of its events, not for their sentences, which only a view that shows them needs.
#[derive(Clone, Default)]
pub struct Effects {
    events: Vec<Event>,
    described: OnceCell<Vec<Effect>>,
}

impl Effects {
    /// The sentences, one per event worth one, in event order.
    pub fn as_slice(&self) -> &[Effect] {
        self.described.get_or_init(|| {
            self.events
                .iter()
                .filter_map(|e| describe(e, &self.events))
                .collect()
        })
    }

    pub(super) fn clear(&mut self) {
        self.events.clear();
        self.described = OnceCell::new();
    }

    pub(super) fn push(&mut self, event: &Event) {
        self.events.push(event.clone());
        self.described = OnceCell::new();
    }
}

impl std::ops::Deref for Effects {
    type Target = [Effect];

    fn deref(&self) -> &[Effect] {
        self.as_slice()
    }
}

impl PartialEq for Effects {
    fn eq(&self, other: &Effects) -> bool {
        self.as_slice() == other.as_slice()
    }
}

impl std::fmt::Debug for Effects {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.debug_list().entries(self.as_slice()).finish()
    }
}

impl Serialize for Effects {
    fn serialize<S: Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        s.collect_seq(self.as_slice())
    }
}

fn s(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// `1 entry`, `2 entries`.
fn count(n: usize, one: &str, many: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {many}")
    }
}

fn entries(n: usize) -> String {
    count(n, "entry", "entries")
}

/// A few ids, in order: `1-1`, `1-1 and 1-2`, `1-1, 1-2 and 3 more`.
fn ids_text(ids: &[StreamId]) -> String {
    match ids {
        [] => String::new(),
        [a] => a.to_string(),
        [a, b] => format!("{a} and {b}"),
        [a, b, rest @ ..] => format!("{a}, {b} and {} more", rest.len()),
    }
}

/// A duration in words for a sentence: `850 ms`, `5 s`, `2 min`, `3 h`.
fn span(ms: u64) -> String {
    if ms < 1000 {
        format!("{ms} ms")
    } else if ms < 120_000 {
        format!("{} s", ms / 1000)
    } else if ms < 7_200_000 {
        format!("{} min", ms / 60_000)
    } else {
        format!("{} h", ms / 3_600_000)
    }
}

fn trim_words(reason: &TrimReason) -> String {
    let approx = |a: bool| if a { "~ " } else { "" };
    match reason {
        TrimReason::MaxLen {
            threshold,
            approx: a,
            ..
        } => format!("MAXLEN {}{threshold}", approx(*a)),
        TrimReason::MinId {
            threshold,
            approx: a,
            ..
        } => format!("MINID {}{threshold}", approx(*a)),
        TrimReason::Xdel => "XDEL".into(),
        TrimReason::Xdelex => "XDELEX".into(),
        TrimReason::Xackdel => "XACKDEL".into(),
    }
}

/// Whether a step's other events already say what a `KeyWritten` of `key` would (an entry
/// added, a group created, entries trimmed): then the write itself is not a sentence.
fn explained(events: &[Event], key: &[u8]) -> bool {
    events.iter().any(|e| match &e.kind {
        EventKind::StreamEntryAdded { key: k, .. }
        | EventKind::StreamEntriesRemoved { key: k, .. }
        | EventKind::StreamIdSet { key: k, .. }
        | EventKind::GroupCreated { key: k, .. } => k == key,
        _ => false,
    })
}

/// The effect of one event of a step (`events`), if it is worth a sentence. Sentences are for
/// a learner: what changed, and what it means (pending until XACK, gone for good, ...).
pub(super) fn describe(e: &Event, events: &[Event]) -> Option<Effect> {
    use Subject as S;
    let key = |k: &[u8]| S::Key(s(k));
    let (kind, text, subjects): (&'static str, String, Vec<Subject>) = match &e.kind {
        EventKind::ClientConnected { client_id } => (
            "ClientConnected",
            format!("client {client_id} connected: a new connection to the server"),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientDisconnected { client_id } => (
            "ClientDisconnected",
            format!("client {client_id} disconnected: its subscriptions ended with it"),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientRenamed { client_id, name } => (
            "ClientRenamed",
            format!("client {client_id} is now named {}", s(name)),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientProtocolChanged {
            client_id,
            protocol,
        } => (
            "ClientProtocolChanged",
            format!("client {client_id} now speaks RESP{protocol}"),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientDbChanged { client_id, db } => (
            "ClientDbChanged",
            format!("client {client_id} now works in database {db}"),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientMultiChanged { client_id, multi } => (
            "ClientMultiChanged",
            if *multi {
                format!("client {client_id} started a transaction: its commands queue until EXEC")
            } else {
                format!("client {client_id} ended its transaction")
            },
            vec![S::Client(*client_id)],
        ),
        EventKind::KeyWritten { key: k, .. } if explained(events, k) => return None,
        EventKind::KeyWritten {
            key: k, key_type, ..
        } => (
            "KeyWritten",
            if key_type == "none" {
                format!("{} was written and is gone again", s(k))
            } else {
                format!("{} now holds a {key_type}", s(k))
            },
            vec![key(k)],
        ),
        EventKind::KeyDeleted { key: k, .. } => (
            "KeyDeleted",
            format!("{} was deleted, with everything in it", s(k)),
            vec![key(k)],
        ),
        EventKind::KeyExpired { key: k, .. } => (
            "KeyExpired",
            format!("{} expired: its time to live ran out", s(k)),
            vec![key(k)],
        ),
        EventKind::KeyExpiryChanged {
            key: k,
            expires_at_ms,
            ..
        } => (
            "KeyExpiryChanged",
            match expires_at_ms {
                Some(t) => format!(
                    "{} will expire in {} unless written again",
                    s(k),
                    span(t.saturating_sub(e.time_ms))
                ),
                None => format!("{} no longer expires", s(k)),
            },
            vec![key(k)],
        ),
        EventKind::KeyRenamed { from, to, .. } => (
            "KeyRenamed",
            format!("{} was renamed to {}", s(from), s(to)),
            vec![key(from), key(to)],
        ),
        EventKind::DbFlushed { db, keys } => (
            "DbFlushed",
            match db {
                Some(d) => format!(
                    "database {d} was emptied: {} gone",
                    count(*keys as usize, "key", "keys")
                ),
                None => format!(
                    "every database was emptied: {} gone",
                    count(*keys as usize, "key", "keys")
                ),
            },
            vec![],
        ),
        EventKind::StreamEntryAdded { key: k, id, .. } => (
            "StreamEntryAdded",
            format!(
                "entry {id} was appended to stream {}: it stays for every reader, now or later, until trimmed or deleted",
                s(k)
            ),
            vec![key(k)],
        ),
        EventKind::StreamEntriesRemoved {
            key: k,
            ids,
            reason,
            nodes_removed,
            ..
        } => {
            let text = match reason {
                TrimReason::Xdel | TrimReason::Xdelex | TrimReason::Xackdel => format!(
                    "{} deleted {} ({}) from {}: readers no longer see it, and its node keeps a tombstone until the node is emptied",
                    trim_words(reason),
                    entries(ids.len()),
                    ids_text(ids),
                    s(k)
                ),
                TrimReason::MaxLen { approx: true, .. } | TrimReason::MinId { approx: true, .. } => {
                    format!(
                        "{} trimmed {} from the head of {}: {} removed whole (~ trims only whole nodes, so a few more entries than asked may stay)",
                        trim_words(reason),
                        entries(ids.len()),
                        s(k),
                        count(*nodes_removed as usize, "node", "nodes")
                    )
                }
                _ => format!(
                    "{} trimmed {} from the head of {} (the oldest: {})",
                    trim_words(reason),
                    entries(ids.len()),
                    s(k),
                    ids_text(ids)
                ),
            };
            ("StreamEntriesRemoved", text, vec![key(k)])
        }
        EventKind::StreamIdSet {
            key: k, last_id, ..
        } => (
            "StreamIdSet",
            format!(
                "stream {}'s last id is now {last_id}: new ids must be greater",
                s(k)
            ),
            vec![key(k)],
        ),
        EventKind::GroupCreated {
            key: k,
            group,
            last_id,
            ..
        } => (
            "GroupCreated",
            format!(
                "group {} was created on {}: its readers get the entries after {last_id}",
                s(group),
                s(k)
            ),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::GroupDestroyed {
            key: k,
            group,
            pending,
            ..
        } => (
            "GroupDestroyed",
            format!(
                "group {} of {} was destroyed, with its consumers and {} pending",
                s(group),
                s(k),
                entries(*pending as usize)
            ),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::GroupIdSet {
            key: k,
            group,
            last_id,
            ..
        } => (
            "GroupIdSet",
            format!(
                "group {}'s cursor on {} moved to {last_id}: its next > read starts after it",
                s(group),
                s(k)
            ),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::ConsumerCreated {
            key: k,
            group,
            consumer,
            ..
        } => (
            "ConsumerCreated",
            format!("consumer {} joined group {}", s(consumer), s(group)),
            vec![key(k), S::Group(s(group)), S::Consumer(s(consumer))],
        ),
        EventKind::ConsumerDeleted {
            key: k,
            group,
            consumer,
            pending,
            ..
        } => (
            "ConsumerDeleted",
            if *pending == 0 {
                format!("consumer {} left group {}", s(consumer), s(group))
            } else {
                format!(
                    "consumer {} left group {}: its {} pending are dropped, never to be acknowledged",
                    s(consumer),
                    s(group),
                    entries(*pending as usize)
                )
            },
            vec![key(k), S::Group(s(group)), S::Consumer(s(consumer))],
        ),
        // Every read does this; the delivery (if any) is the sentence.
        EventKind::ConsumerSeen { .. } => return None,
        EventKind::EntriesDelivered {
            key: k,
            group,
            consumer,
            entries: delivered,
            ..
        } => {
            let ids: Vec<StreamId> = delivered.iter().map(|d| d.id).collect();
            let history = delivered
                .iter()
                .all(|d| d.source == DeliverySource::History);
            let (c, g) = (s(consumer), s(group));
            (
                "EntriesDelivered",
                if history {
                    format!(
                        "{c} read {} ({}) again from its own pending list in group {g}; they stay pending until XACK",
                        entries(ids.len()),
                        ids_text(&ids)
                    )
                } else {
                    format!(
                        "{} ({}) delivered to {c} in group {g}; they stay pending until {c} acknowledges them with XACK",
                        entries(ids.len()),
                        ids_text(&ids)
                    )
                },
                vec![key(k), S::Group(g), S::Consumer(c)],
            )
        }
        EventKind::EntriesAcked {
            key: k, group, ids, ..
        } => (
            "EntriesAcked",
            format!(
                "{} ({}) acknowledged in group {}: no longer pending; the entries stay in {}",
                entries(ids.len()),
                ids_text(ids),
                s(group),
                s(k)
            ),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::EntriesAckedAndDeleted {
            key: k,
            group,
            acked,
            deleted,
            ..
        } => (
            "EntriesAckedAndDeleted",
            format!(
                "{} acknowledged in group {}, and {} deleted from {}",
                entries(acked.len()),
                s(group),
                deleted.len(),
                s(k)
            ),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::ReferencesDeleted {
            key: k, group, ids, ..
        } => (
            "ReferencesDeleted",
            format!(
                "DELREF: {} ({}) also left the pending list of group {}",
                entries(ids.len()),
                ids_text(ids),
                s(group)
            ),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::ReferencesKept {
            key: k, group, ids, ..
        } => (
            "ReferencesKept",
            format!(
                "{} ({}) were deleted but stay pending in group {}: a later XCLAIM or XACK finds them gone",
                entries(ids.len()),
                ids_text(ids),
                s(group)
            ),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::EntriesKeptReferenced { key: k, ids, .. } => (
            "EntriesKeptReferenced",
            format!(
                "ACKED: {} ({}) of {} kept, because a group has not read or acknowledged them yet",
                entries(ids.len()),
                ids_text(ids),
                s(k)
            ),
            vec![key(k)],
        ),
        EventKind::EntriesClaimed {
            key: k,
            group,
            consumer,
            claimed,
            deleted,
            by,
            ..
        } => {
            let by = match by {
                ClaimCommand::Xclaim => "XCLAIM",
                ClaimCommand::Xautoclaim => "XAUTOCLAIM",
            };
            let mut subjects = vec![key(k), S::Group(s(group)), S::Consumer(s(consumer))];
            let mut from: Vec<String> = Vec::new();
            for c in claimed {
                if let Some(f) = &c.from {
                    if !from.contains(&s(f)) {
                        from.push(s(f));
                        subjects.push(S::Consumer(s(f)));
                    }
                }
            }
            let ids: Vec<StreamId> = claimed.iter().map(|c| c.id).collect();
            let mut text = format!(
                "{by}: {} took {} ({}){} in group {}",
                s(consumer),
                entries(claimed.len()),
                ids_text(&ids),
                if from.is_empty() {
                    String::new()
                } else {
                    format!(" from {}", from.join(", "))
                },
                s(group)
            );
            if let Some(c) = claimed.iter().map(|c| c.delivery_count).max() {
                text.push_str(&format!("; delivery count now up to {c}"));
            }
            if !deleted.is_empty() {
                text.push_str(&format!(
                    "; {} no longer in the stream left the pending list",
                    entries(deleted.len())
                ));
            }
            ("EntriesClaimed", text, subjects)
        }
        EventKind::ClientBlocked {
            client_id,
            command,
            keys,
            deadline_ms,
            ..
        } => (
            "ClientBlocked",
            format!(
                "client {client_id} waits ({}) for new entries on {}, {}",
                command.to_ascii_uppercase(),
                keys.iter().map(|k| s(k)).collect::<Vec<_>>().join(", "),
                match deadline_ms {
                    Some(d) => format!("for at most {}", span(d.saturating_sub(e.time_ms))),
                    None => "with no timeout".into(),
                }
            ),
            std::iter::once(S::Client(*client_id))
                .chain(keys.iter().map(|k| key(k)))
                .collect(),
        ),
        EventKind::ClientUnblocked { client_id, reason } => (
            "ClientUnblocked",
            match reason {
                UnblockReason::Served => {
                    format!("client {client_id} stopped waiting: a new entry answered its read")
                }
                UnblockReason::TimedOut => {
                    format!("client {client_id} stopped waiting: its timeout passed (a nil reply)")
                }
                UnblockReason::Cancelled => {
                    format!("client {client_id} was unblocked by CLIENT UNBLOCK")
                }
                UnblockReason::Disconnected => {
                    format!("client {client_id} stopped waiting: it disconnected")
                }
                UnblockReason::KeyDeleted => {
                    format!("client {client_id} stopped waiting: the stream was deleted")
                }
                UnblockReason::GroupDestroyed => {
                    format!("client {client_id} stopped waiting: its group was destroyed")
                }
                UnblockReason::TypeChanged => {
                    format!("client {client_id} stopped waiting: the key is no longer a stream")
                }
            },
            vec![S::Client(*client_id)],
        ),
        EventKind::Subscribed {
            client_id,
            kind,
            name,
            ..
        } => (
            "Subscribed",
            match kind {
                SubscriptionKind::Pattern => format!(
                    "client {client_id} subscribed to pattern {}: it gets messages on every matching channel from now on",
                    s(name)
                ),
                SubscriptionKind::Shard => format!(
                    "client {client_id} subscribed to shard channel {}: it gets SPUBLISH messages from now on",
                    s(name)
                ),
                _ => format!(
                    "client {client_id} subscribed to channel {}: it gets messages published from now on, none from before",
                    s(name)
                ),
            },
            vec![S::Client(*client_id), named(*kind, name)],
        ),
        EventKind::Unsubscribed {
            client_id,
            kind,
            name,
            ..
        } => (
            "Unsubscribed",
            format!("client {client_id} unsubscribed from {}", s(name)),
            vec![S::Client(*client_id), named(*kind, name)],
        ),
        EventKind::MessagePublished {
            channel, receivers, ..
        } => {
            let mut subjects = vec![S::Channel(s(channel))];
            let who: Vec<String> = receivers
                .iter()
                .map(|r| match &r.via {
                    Via::Pattern { pattern } => {
                        let p = S::Pattern(s(pattern));
                        if !subjects.contains(&p) {
                            subjects.push(p);
                        }
                        format!("client {} through pattern {}", r.client, s(pattern))
                    }
                    _ => format!("client {}", r.client),
                })
                .collect();
            (
                "MessagePublished",
                format!(
                    "the message on {} reached {}: {}; nothing is stored, so later subscribers never see it",
                    s(channel),
                    count(receivers.len(), "subscriber", "subscribers"),
                    who.join(", ")
                ),
                subjects,
            )
        }
        EventKind::MessageDropped { channel, .. } => (
            "MessageDropped",
            format!(
                "the message on {} reached nobody: no client is subscribed, and Pub/Sub keeps nothing, so it is gone",
                s(channel)
            ),
            vec![S::Channel(s(channel))],
        ),
        // The list events add nothing to the write's own line (`KeyWritten`) yet.
        EventKind::Notification { .. }
        | EventKind::ListPushed { .. }
        | EventKind::ListPopped { .. }
        | EventKind::Probe => return None,
    };
    Some(Effect {
        seq: e.seq,
        time_ms: e.time_ms,
        client: e.client,
        kind,
        text,
        subjects,
    })
}

fn named(kind: SubscriptionKind, name: &[u8]) -> Subject {
    match kind {
        SubscriptionKind::Pattern => Subject::Pattern(s(name)),
        _ => Subject::Channel(s(name)),
    }
}
