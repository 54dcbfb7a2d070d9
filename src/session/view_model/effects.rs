//! The "what just happened" records of the view model: one sentence per event of the last
//! step, with the keys, channels, groups, consumers and clients it names, so that a view
//! can highlight them. Listener-only events (notifications, the probe) give none.

use std::cell::OnceCell;

use serde::{Serialize, Serializer};

use crate::engine::{ClaimCommand, ClientId, Event, EventKind, SubscriptionKind, TrimReason};

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
        self.described
            .get_or_init(|| self.events.iter().filter_map(describe).collect())
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

fn plural(n: usize, one: &str) -> String {
    if n == 1 {
        format!("1 {one}")
    } else {
        format!("{n} {one}s")
    }
}

/// The effect of one event, if it is worth a sentence.
pub(super) fn describe(e: &Event) -> Option<Effect> {
    use Subject as S;
    let key = |k: &[u8]| S::Key(s(k));
    let (kind, text, subjects): (&'static str, String, Vec<Subject>) = match &e.kind {
        EventKind::ClientConnected { client_id } => (
            "ClientConnected",
            format!("client {client_id} connected"),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientDisconnected { client_id } => (
            "ClientDisconnected",
            format!("client {client_id} disconnected"),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientRenamed { client_id, name } => (
            "ClientRenamed",
            format!("client {client_id} is now named '{}'", s(name)),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientProtocolChanged {
            client_id,
            protocol,
        } => (
            "ClientProtocolChanged",
            format!("client {client_id} speaks RESP{protocol}"),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientDbChanged { client_id, db } => (
            "ClientDbChanged",
            format!("client {client_id} selected database {db}"),
            vec![S::Client(*client_id)],
        ),
        EventKind::ClientMultiChanged { client_id, multi } => (
            "ClientMultiChanged",
            if *multi {
                format!("client {client_id} started a transaction")
            } else {
                format!("client {client_id} ended its transaction")
            },
            vec![S::Client(*client_id)],
        ),
        EventKind::KeyWritten {
            key: k, key_type, ..
        } => (
            "KeyWritten",
            format!("{} '{}' was written", key_type, s(k)),
            vec![key(k)],
        ),
        EventKind::KeyDeleted { key: k, .. } => (
            "KeyDeleted",
            format!("'{}' was deleted", s(k)),
            vec![key(k)],
        ),
        EventKind::KeyExpired { key: k, .. } => {
            ("KeyExpired", format!("'{}' expired", s(k)), vec![key(k)])
        }
        EventKind::KeyExpiryChanged {
            key: k,
            expires_at_ms,
            ..
        } => (
            "KeyExpiryChanged",
            match expires_at_ms {
                Some(t) => format!("'{}' will expire at {t} ms", s(k)),
                None => format!("'{}' no longer expires", s(k)),
            },
            vec![key(k)],
        ),
        EventKind::KeyRenamed { from, to, .. } => (
            "KeyRenamed",
            format!("'{}' was renamed to '{}'", s(from), s(to)),
            vec![key(from), key(to)],
        ),
        EventKind::DbFlushed { db, keys } => (
            "DbFlushed",
            match db {
                Some(d) => format!(
                    "database {d} was flushed ({})",
                    plural(*keys as usize, "key")
                ),
                None => format!(
                    "every database was flushed ({})",
                    plural(*keys as usize, "key")
                ),
            },
            vec![],
        ),
        EventKind::StreamEntryAdded { key: k, id, .. } => (
            "StreamEntryAdded",
            format!("entry {id} was added to stream '{}'", s(k)),
            vec![key(k)],
        ),
        EventKind::StreamEntriesRemoved {
            key: k,
            ids,
            reason,
            nodes_removed,
            ..
        } => {
            let how = match reason {
                TrimReason::MaxLen {
                    threshold, approx, ..
                } => format!(
                    "trimmed to MAXLEN {}{threshold}",
                    if *approx { "~ " } else { "" }
                ),
                TrimReason::MinId {
                    threshold, approx, ..
                } => format!(
                    "trimmed to MINID {}{threshold}",
                    if *approx { "~ " } else { "" }
                ),
                TrimReason::Xdel => "deleted by XDEL".into(),
                TrimReason::Xdelex => "deleted by XDELEX".into(),
                TrimReason::Xackdel => "deleted by XACKDEL".into(),
            };
            (
                "StreamEntriesRemoved",
                format!(
                    "{} of stream '{}' {how} ({} removed)",
                    plural(ids.len(), "entry"),
                    s(k),
                    plural(*nodes_removed as usize, "node")
                ),
                vec![key(k)],
            )
        }
        EventKind::StreamIdSet {
            key: k, last_id, ..
        } => (
            "StreamIdSet",
            format!("stream '{}' last ID set to {last_id}", s(k)),
            vec![key(k)],
        ),
        EventKind::GroupCreated {
            key: k,
            group,
            last_id,
            ..
        } => (
            "GroupCreated",
            format!("group '{}' created on '{}' at {last_id}", s(group), s(k)),
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
                "group '{}' of '{}' destroyed with {} pending",
                s(group),
                s(k),
                pending
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
            format!("group '{}' of '{}' moved to {last_id}", s(group), s(k)),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::ConsumerCreated {
            key: k,
            group,
            consumer,
            ..
        } => (
            "ConsumerCreated",
            format!("consumer '{}' joined group '{}'", s(consumer), s(group)),
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
            format!(
                "consumer '{}' left group '{}' with {pending} pending",
                s(consumer),
                s(group)
            ),
            vec![key(k), S::Group(s(group)), S::Consumer(s(consumer))],
        ),
        // Every read does this; the delivery (if any) is the sentence.
        EventKind::ConsumerSeen { .. } => return None,
        EventKind::EntriesDelivered {
            key: k,
            group,
            consumer,
            entries,
            ..
        } => (
            "EntriesDelivered",
            format!(
                "{} of '{}' delivered to '{}' in group '{}'",
                plural(entries.len(), "entry"),
                s(k),
                s(consumer),
                s(group)
            ),
            vec![key(k), S::Group(s(group)), S::Consumer(s(consumer))],
        ),
        EventKind::EntriesAcked {
            key: k, group, ids, ..
        } => (
            "EntriesAcked",
            format!(
                "{} acknowledged in group '{}' of '{}'",
                plural(ids.len(), "entry"),
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
                "{} acknowledged in group '{}', {} deleted from '{}'",
                plural(acked.len(), "entry"),
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
                "{} dropped from the pending list of group '{}'",
                plural(ids.len(), "entry"),
                s(group)
            ),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::ReferencesKept {
            key: k, group, ids, ..
        } => (
            "ReferencesKept",
            format!(
                "{} deleted but still pending in group '{}'",
                plural(ids.len(), "entry"),
                s(group)
            ),
            vec![key(k), S::Group(s(group))],
        ),
        EventKind::EntriesKeptReferenced { key: k, ids, .. } => (
            "EntriesKeptReferenced",
            format!(
                "{} of '{}' kept: a group still needs them",
                plural(ids.len(), "entry"),
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
            for c in claimed {
                if let Some(f) = &c.from {
                    let f = S::Consumer(s(f));
                    if !subjects.contains(&f) {
                        subjects.push(f);
                    }
                }
            }
            (
                "EntriesClaimed",
                format!(
                    "'{}' claimed {} in group '{}' by {by} ({} gone)",
                    s(consumer),
                    plural(claimed.len(), "entry"),
                    s(group),
                    deleted.len()
                ),
                subjects,
            )
        }
        EventKind::ClientBlocked {
            client_id,
            command,
            keys,
            ..
        } => (
            "ClientBlocked",
            format!("client {client_id} blocked in {command}"),
            std::iter::once(S::Client(*client_id))
                .chain(keys.iter().map(|k| key(k)))
                .collect(),
        ),
        EventKind::ClientUnblocked { client_id, reason } => (
            "ClientUnblocked",
            format!("client {client_id} unblocked ({reason:?})"),
            vec![S::Client(*client_id)],
        ),
        EventKind::Subscribed {
            client_id,
            kind,
            name,
            ..
        } => (
            "Subscribed",
            format!("client {client_id} subscribed to '{}'", s(name)),
            vec![S::Client(*client_id), named(*kind, name)],
        ),
        EventKind::Unsubscribed {
            client_id,
            kind,
            name,
            ..
        } => (
            "Unsubscribed",
            format!("client {client_id} unsubscribed from '{}'", s(name)),
            vec![S::Client(*client_id), named(*kind, name)],
        ),
        EventKind::MessagePublished {
            channel, receivers, ..
        } => (
            "MessagePublished",
            format!(
                "a message on '{}' reached {}",
                s(channel),
                plural(receivers.len(), "receiver")
            ),
            vec![S::Channel(s(channel))],
        ),
        EventKind::MessageDropped { channel, .. } => (
            "MessageDropped",
            format!("a message on '{}' reached nobody", s(channel)),
            vec![S::Channel(s(channel))],
        ),
        EventKind::Notification { .. } | EventKind::Probe => return None,
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
