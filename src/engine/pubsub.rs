//! The pub/sub registry (Redis's `pubsub.c`): which clients listen on which
//! channels, patterns and shard channels, and the delivery of messages and
//! keyspace notifications to them.
//!
//! Orders are deterministic where Redis's are hash orders:
//! - a channel's (or shard channel's) subscribers are kept in subscription
//!   order, as 7.0's list keeps them;
//! - patterns are kept in the order they were first subscribed (a pattern
//!   that loses its last subscriber and comes back goes to the end); Redis
//!   walks its pattern dict in hash order, which is seeded at random on
//!   every start;
//! - a client's own channels, patterns and shard channels are in its
//!   subscription order (what argument-less UNSUBSCRIBE walks);
//! - `PUBSUB CHANNELS` / `SHARDCHANNELS` list channels in byte order.
//!
//! PUBLISH is linear in the subscribers of the channel plus the number of
//! distinct patterns, and a pattern that does not match allocates nothing:
//! `glob::matches` works on borrowed slices, and the frame for a client is
//! built only once a pattern matched (see the `no_allocation_per_pattern` test).

use std::collections::BTreeMap;

use super::{
    glob, ClientId, Delivery, DeliveryKind, Engine, EventKind, Outcome, Receiver, Reply, Via,
};

/// A set that remembers insertion order: O(log n) insert, remove and lookup,
/// and iteration in insertion order without allocating.
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct OrderedSet<T: Ord + Clone> {
    order: BTreeMap<u64, T>,
    index: BTreeMap<T, u64>,
    next: u64,
}

impl<T: Ord + Clone> Default for OrderedSet<T> {
    fn default() -> Self {
        OrderedSet {
            order: BTreeMap::new(),
            index: BTreeMap::new(),
            next: 0,
        }
    }
}

impl<T: Ord + Clone> OrderedSet<T> {
    /// Adds `x` at the end; false when it was already there (its place is kept).
    pub fn insert(&mut self, x: T) -> bool {
        if self.index.contains_key(&x) {
            return false;
        }
        let seq = self.next;
        self.next += 1;
        self.index.insert(x.clone(), seq);
        self.order.insert(seq, x);
        true
    }

    /// Removes `x`; false when it was not there.
    pub fn remove(&mut self, x: &T) -> bool {
        match self.index.remove(x) {
            Some(seq) => {
                self.order.remove(&seq);
                true
            }
            None => false,
        }
    }

    pub fn len(&self) -> usize {
        self.index.len()
    }

    pub fn is_empty(&self) -> bool {
        self.index.is_empty()
    }

    /// The members in insertion order.
    pub fn iter(&self) -> impl Iterator<Item = &T> {
        self.order.values()
    }
}

/// What a client is subscribed to (Redis's `c->pubsub_channels`,
/// `c->pubsub_patterns`, `c->pubsub_shard_channels`).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct ClientSubs {
    pub channels: OrderedSet<Vec<u8>>,
    pub patterns: OrderedSet<Vec<u8>>,
    pub shard_channels: OrderedSet<Vec<u8>>,
}

impl ClientSubs {
    /// `clientSubscriptionsCount`: channels and patterns, the count that
    /// (UN)SUBSCRIBE and P(UN)SUBSCRIBE confirmations report.
    pub fn count(&self) -> usize {
        self.channels.len() + self.patterns.len()
    }

    /// `clientTotalPubSubSubscriptionCount`: shard channels included.
    pub fn total(&self) -> usize {
        self.count() + self.shard_channels.len()
    }
}

/// Which of the three namespaces a subscription is in.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub enum SubscriptionKind {
    Channel,
    Pattern,
    Shard,
}

impl SubscriptionKind {
    /// The confirmation frame's first element.
    fn subscribe_word(self) -> &'static str {
        match self {
            SubscriptionKind::Channel => "subscribe",
            SubscriptionKind::Pattern => "psubscribe",
            SubscriptionKind::Shard => "ssubscribe",
        }
    }

    fn unsubscribe_word(self) -> &'static str {
        match self {
            SubscriptionKind::Channel => "unsubscribe",
            SubscriptionKind::Pattern => "punsubscribe",
            SubscriptionKind::Shard => "sunsubscribe",
        }
    }
}

/// The server-wide side of pub/sub.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Registry {
    /// Channel → its subscribers in subscription order.
    channels: BTreeMap<Vec<u8>, OrderedSet<ClientId>>,
    /// Shard channel → its subscribers in subscription order.
    shard_channels: BTreeMap<Vec<u8>, OrderedSet<ClientId>>,
    /// Patterns in the order they were first subscribed, each with its
    /// subscribers in subscription order.
    patterns: BTreeMap<u64, (Vec<u8>, OrderedSet<ClientId>)>,
    /// Pattern → its key in `patterns`.
    pattern_seq: BTreeMap<Vec<u8>, u64>,
    next_pattern_seq: u64,
}

impl Registry {
    /// `PUBSUB NUMPAT`: distinct patterns with at least one subscriber.
    pub fn numpat(&self) -> usize {
        self.patterns.len()
    }

    /// Channels (or shard channels) with at least one subscriber (`INFO`).
    pub fn channel_count(&self, shard: bool) -> usize {
        if shard {
            self.shard_channels.len()
        } else {
            self.channels.len()
        }
    }

    /// Subscribers of a channel (`PUBSUB NUMSUB`) or shard channel.
    pub fn numsub(&self, channel: &[u8], shard: bool) -> usize {
        let map = if shard {
            &self.shard_channels
        } else {
            &self.channels
        };
        map.get(channel).map_or(0, OrderedSet::len)
    }

    /// Active channels (or shard channels) matching `pattern` (all without
    /// one), in byte order.
    pub fn active(&self, pattern: Option<&[u8]>, shard: bool) -> Vec<Vec<u8>> {
        let map = if shard {
            &self.shard_channels
        } else {
            &self.channels
        };
        map.keys()
            .filter(|c| pattern.is_none_or(|p| glob::matches(p, c, false)))
            .cloned()
            .collect()
    }
}

impl Engine {
    /// Active channels in byte order, each with its subscribers in
    /// subscription order (for the views); `shard` lists shard channels.
    pub fn pubsub_channels(&self, shard: bool) -> Vec<(Vec<u8>, Vec<ClientId>)> {
        let map = if shard {
            &self.pubsub.shard_channels
        } else {
            &self.pubsub.channels
        };
        map.iter()
            .map(|(c, s)| (c.clone(), s.iter().copied().collect()))
            .collect()
    }

    /// Active patterns in the order PUBLISH tries them, each with its
    /// subscribers in subscription order (for the views).
    pub fn pubsub_patterns(&self) -> Vec<(Vec<u8>, Vec<ClientId>)> {
        self.pubsub
            .patterns
            .values()
            .map(|(p, s)| (p.clone(), s.iter().copied().collect()))
            .collect()
    }
}

/// Who a message reached: the channel's subscribers, then (client, pattern)
/// pairs in delivery order; `receivers` is the number of frames.
pub(crate) struct Reach {
    pub receivers: usize,
    pub direct: Vec<ClientId>,
    pub via_patterns: Vec<(ClientId, Vec<u8>)>,
}

/// Pushes the frame made of `parts` (bulk strings) to each subscriber in
/// `subs`, in order; returns the clients reached.
fn push_to(out: &mut Outcome, subs: &OrderedSet<ClientId>, parts: &[&[u8]]) -> Vec<ClientId> {
    let mut reached = Vec::new();
    for &client in subs.iter() {
        out.deliveries.push(Delivery {
            client,
            kind: DeliveryKind::Push,
            frame: Reply::Push(parts.iter().map(|p| Reply::bulk(*p)).collect()),
        });
        reached.push(client);
    }
    reached
}

/// The view event of a (S)PUBLISH: `MessageDropped` when it reached nobody,
/// `MessagePublished` otherwise. Returns the receivers count.
fn publish_event(
    out: &mut Outcome,
    channel: &[u8],
    payload: &[u8],
    shard: bool,
    reach: Reach,
) -> usize {
    let receivers = reach.receivers;
    out.push_event(if receivers == 0 {
        EventKind::MessageDropped {
            channel: channel.to_vec(),
            shard,
            payload: payload.to_vec(),
        }
    } else {
        EventKind::MessagePublished {
            channel: channel.to_vec(),
            shard,
            payload: payload.to_vec(),
            receivers: reach.into_receivers(shard),
        }
    });
    receivers
}

impl Reach {
    /// The receivers in frame order: the channel's (or shard channel's)
    /// subscribers, then one per (client, matching pattern).
    fn into_receivers(self, shard: bool) -> Vec<Receiver> {
        let direct = if shard { Via::Shard } else { Via::Channel };
        self.direct
            .into_iter()
            .map(|client| Receiver {
                client,
                via: direct.clone(),
            })
            .chain(
                self.via_patterns
                    .into_iter()
                    .map(|(client, pattern)| Receiver {
                        client,
                        via: Via::Pattern { pattern },
                    }),
            )
            .collect()
    }
}

/// A frame `[kind, name, count]` confirming a (un)subscription; `None` as the
/// name is the null name of an argument-less unsubscribe with nothing to leave.
fn confirmation(word: &str, name: Option<&[u8]>, count: usize) -> Reply {
    Reply::Push(vec![
        Reply::bulk(word),
        name.map_or(Reply::Null, Reply::bulk),
        Reply::Integer(count as i64),
    ])
}

/// The channel of a keyspace notification: `__keyspace@<db>__:<key>` or
/// `__keyevent@<db>__:<event>`.
fn notification_channel(space: &str, db: usize, suffix: &[u8]) -> Vec<u8> {
    let mut chan = format!("__{space}@{db}__:").into_bytes();
    chan.extend_from_slice(suffix);
    chan
}

impl Engine {
    /// The subscriptions of `client` (`None` for an unknown client).
    fn subs(&self, client: ClientId) -> Option<&super::pubsub::ClientSubs> {
        self.clients.get(&client).map(|c| &c.subs)
    }

    /// Subscribes `client` to `name` in `kind`'s namespace
    /// (`pubsubSubscribeChannel` / `pubsubSubscribePattern`) and returns the
    /// confirmation frame. The client enters pub/sub mode.
    pub(crate) fn subscribe(
        &mut self,
        client: ClientId,
        kind: SubscriptionKind,
        name: &[u8],
        out: &mut Outcome,
    ) -> Reply {
        let Some(c) = self.clients.get_mut(&client) else {
            return confirmation(kind.subscribe_word(), Some(name), 0);
        };
        c.pubsub = true;
        let added = match kind {
            SubscriptionKind::Channel => c.subs.channels.insert(name.to_vec()),
            SubscriptionKind::Pattern => c.subs.patterns.insert(name.to_vec()),
            SubscriptionKind::Shard => c.subs.shard_channels.insert(name.to_vec()),
        };
        let count = match kind {
            SubscriptionKind::Shard => c.subs.shard_channels.len(),
            _ => c.subs.count(),
        };
        if added {
            let reg = &mut self.pubsub;
            match kind {
                SubscriptionKind::Channel => {
                    reg.channels
                        .entry(name.to_vec())
                        .or_default()
                        .insert(client);
                }
                SubscriptionKind::Shard => {
                    reg.shard_channels
                        .entry(name.to_vec())
                        .or_default()
                        .insert(client);
                }
                SubscriptionKind::Pattern => {
                    let seq = match reg.pattern_seq.get(name) {
                        Some(&seq) => seq,
                        None => {
                            let seq = reg.next_pattern_seq;
                            reg.next_pattern_seq += 1;
                            reg.pattern_seq.insert(name.to_vec(), seq);
                            reg.patterns
                                .insert(seq, (name.to_vec(), OrderedSet::default()));
                            seq
                        }
                    };
                    if let Some((_, subs)) = reg.patterns.get_mut(&seq) {
                        subs.insert(client);
                    }
                }
            }
            out.push_event(EventKind::Subscribed {
                client_id: client,
                kind,
                name: name.to_vec(),
                count,
            });
        }
        confirmation(kind.subscribe_word(), Some(name), count)
    }

    /// Unsubscribes `client` from `name` (`pubsubUnsubscribeChannel` and
    /// friends) and returns the confirmation frame, which reports the current
    /// count even when the client was not subscribed.
    pub(crate) fn unsubscribe(
        &mut self,
        client: ClientId,
        kind: SubscriptionKind,
        name: &[u8],
        out: &mut Outcome,
    ) -> Reply {
        let Some(c) = self.clients.get_mut(&client) else {
            return confirmation(kind.unsubscribe_word(), Some(name), 0);
        };
        let name_vec = name.to_vec();
        let removed = match kind {
            SubscriptionKind::Channel => c.subs.channels.remove(&name_vec),
            SubscriptionKind::Pattern => c.subs.patterns.remove(&name_vec),
            SubscriptionKind::Shard => c.subs.shard_channels.remove(&name_vec),
        };
        let count = match kind {
            SubscriptionKind::Shard => c.subs.shard_channels.len(),
            _ => c.subs.count(),
        };
        if removed {
            let reg = &mut self.pubsub;
            match kind {
                SubscriptionKind::Channel | SubscriptionKind::Shard => {
                    let map = if kind == SubscriptionKind::Channel {
                        &mut reg.channels
                    } else {
                        &mut reg.shard_channels
                    };
                    if let Some(subs) = map.get_mut(name) {
                        subs.remove(&client);
                        if subs.is_empty() {
                            map.remove(name);
                        }
                    }
                }
                SubscriptionKind::Pattern => {
                    if let Some(&seq) = reg.pattern_seq.get(name) {
                        let empty = reg.patterns.get_mut(&seq).is_some_and(|(_, subs)| {
                            subs.remove(&client);
                            subs.is_empty()
                        });
                        if empty {
                            reg.patterns.remove(&seq);
                            reg.pattern_seq.remove(name);
                        }
                    }
                }
            }
            out.push_event(EventKind::Unsubscribed {
                client_id: client,
                kind,
                name: name_vec,
                count,
            });
        }
        confirmation(kind.unsubscribe_word(), Some(name), count)
    }

    /// Argument-less UNSUBSCRIBE / PUNSUBSCRIBE / SUNSUBSCRIBE
    /// (`pubsubUnsubscribeAllChannels` and friends): one frame per
    /// subscription in the client's subscription order, or one frame with a
    /// null name when there is none.
    pub(crate) fn unsubscribe_all(
        &mut self,
        client: ClientId,
        kind: SubscriptionKind,
        out: &mut Outcome,
    ) -> Vec<Reply> {
        let names: Vec<Vec<u8>> = match self.subs(client) {
            Some(s) => match kind {
                SubscriptionKind::Channel => s.channels.iter().cloned().collect(),
                SubscriptionKind::Pattern => s.patterns.iter().cloned().collect(),
                SubscriptionKind::Shard => s.shard_channels.iter().cloned().collect(),
            },
            None => Vec::new(),
        };
        if names.is_empty() {
            let count = match (self.subs(client), kind) {
                (Some(s), SubscriptionKind::Shard) => s.shard_channels.len(),
                (Some(s), _) => s.count(),
                (None, _) => 0,
            };
            return vec![confirmation(kind.unsubscribe_word(), None, count)];
        }
        names
            .iter()
            .map(|n| self.unsubscribe(client, kind, n, out))
            .collect()
    }

    /// After an unsubscribe command: the client leaves pub/sub mode once it
    /// has no subscription of any kind left.
    pub(crate) fn leave_pubsub_if_idle(&mut self, client: ClientId) {
        if let Some(c) = self.clients.get_mut(&client) {
            if c.subs.total() == 0 {
                c.pubsub = false;
            }
        }
    }

    /// Drops every subscription of `client` without confirmation frames
    /// (RESET, disconnect), reporting `Unsubscribed` events.
    pub(crate) fn drop_subscriptions(&mut self, client: ClientId, out: &mut Outcome) {
        let mut scratch = Outcome::default();
        for kind in [
            SubscriptionKind::Channel,
            SubscriptionKind::Shard,
            SubscriptionKind::Pattern,
        ] {
            let has_any = self.subs(client).is_some_and(|s| match kind {
                SubscriptionKind::Channel => !s.channels.is_empty(),
                SubscriptionKind::Pattern => !s.patterns.is_empty(),
                SubscriptionKind::Shard => !s.shard_channels.is_empty(),
            });
            if has_any {
                self.unsubscribe_all(client, kind, &mut scratch);
            }
        }
        out.events.append(&mut scratch.events);
        if let Some(c) = self.clients.get_mut(&client) {
            c.pubsub = false;
        }
    }

    /// `pubsubPublishMessage`: `message` frames to the channel's subscribers
    /// in subscription order, then, for each matching pattern in pattern
    /// order, a `pmessage` frame to each of its subscribers. Returns the number
    /// of frames sent. The frames go into `out.deliveries`; a frame for the
    /// publishing client itself is written after its reply (Redis 7.2+).
    pub(crate) fn publish(&mut self, channel: &[u8], message: &[u8], out: &mut Outcome) -> Reach {
        let direct = match self.pubsub.channels.get(channel) {
            Some(subs) => push_to(out, subs, &["message".as_bytes(), channel, message]),
            None => Vec::new(),
        };
        let mut via = Vec::new();
        for (pattern, subs) in self.pubsub.patterns.values() {
            // No allocation happens for a pattern that does not match.
            if !glob::matches(pattern, channel, false) {
                continue;
            }
            let frame = ["pmessage".as_bytes(), pattern.as_slice(), channel, message];
            for client in push_to(out, subs, &frame) {
                via.push((client, pattern.clone()));
            }
        }
        Reach {
            receivers: direct.len() + via.len(),
            direct,
            via_patterns: via,
        }
    }

    /// PUBLISH's whole effect: the frames and the view event (`MessageDropped`
    /// when nobody received it). Returns the receivers count.
    pub(crate) fn publish_command(
        &mut self,
        channel: &[u8],
        message: &[u8],
        out: &mut Outcome,
    ) -> usize {
        let reach = self.publish(channel, message, out);
        publish_event(out, channel, message, false, reach)
    }

    /// SPUBLISH: `smessage` frames to the shard channel's subscribers;
    /// patterns are not consulted.
    pub(crate) fn spublish(&mut self, channel: &[u8], message: &[u8], out: &mut Outcome) -> usize {
        let direct = match self.pubsub.shard_channels.get(channel) {
            Some(subs) => push_to(out, subs, &["smessage".as_bytes(), channel, message]),
            None => Vec::new(),
        };
        let reach = Reach {
            receivers: direct.len(),
            direct,
            via_patterns: Vec::new(),
        };
        publish_event(out, channel, message, true, reach)
    }

    /// `notifyKeyspaceEvent`'s delivery: `event` on `__keyspace@<db>__:<key>`
    /// (with `K`), then `key` on `__keyevent@<db>__:<event>` (with `E`). The
    /// caller has checked that the event's class is enabled. A notification
    /// that reaches someone is reported as `MessagePublished`; one that
    /// reaches nobody is only the `Notification` event.
    pub(crate) fn publish_notification(
        &mut self,
        db: usize,
        event: &str,
        key: &[u8],
        out: &mut Outcome,
    ) {
        use super::params::notify;
        let flags = self.settings.notify_keyspace_events;
        let mut sends: Vec<(Vec<u8>, Vec<u8>)> = Vec::with_capacity(2);
        if flags & notify::KEYSPACE != 0 {
            sends.push((
                notification_channel("keyspace", db, key),
                event.as_bytes().to_vec(),
            ));
        }
        if flags & notify::KEYEVENT != 0 {
            sends.push((
                notification_channel("keyevent", db, event.as_bytes()),
                key.to_vec(),
            ));
        }
        for (channel, message) in sends {
            let reach = self.publish(&channel, &message, out);
            if reach.receivers > 0 {
                out.push_event(EventKind::MessagePublished {
                    channel,
                    shard: false,
                    payload: message,
                    receivers: reach.into_receivers(false),
                });
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::{Config, Profile};

    use crate::engine::test_util::argv;

    fn engine() -> Engine {
        Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        })
    }

    fn push(items: &[&str]) -> Reply {
        Reply::Push(items.iter().map(|i| Reply::bulk(*i)).collect())
    }

    #[test]
    fn subscribe_events_and_counts() {
        let mut e = engine();
        let a = e.connect(0);
        let out = e.execute(a, argv("SUBSCRIBE x x"), 0);
        assert_eq!(out.reply, None);
        assert_eq!(out.deliveries.len(), 2);
        assert!(out.deliveries.iter().all(|d| d.client == a));
        // The duplicate is confirmed but is no change.
        assert_eq!(
            out.event_kinds(),
            vec![
                EventKind::ClientConnected { client_id: a },
                EventKind::Subscribed {
                    client_id: a,
                    kind: SubscriptionKind::Channel,
                    name: b"x".to_vec(),
                    count: 1
                }
            ]
        );
        let out = e.execute(a, argv("SSUBSCRIBE s"), 0);
        assert!(out.event_kinds().contains(&EventKind::Subscribed {
            client_id: a,
            kind: SubscriptionKind::Shard,
            name: b"s".to_vec(),
            count: 1
        }));
        let out = e.execute(a, argv("PSUBSCRIBE p*"), 0);
        assert!(out.event_kinds().contains(&EventKind::Subscribed {
            client_id: a,
            kind: SubscriptionKind::Pattern,
            name: b"p*".to_vec(),
            count: 2
        }));
        assert_eq!(e.client_state(a).unwrap().subscriptions, 3);
        assert!(e.client_state(a).unwrap().subscribe_mode);
        let out = e.execute(a, argv("UNSUBSCRIBE x nope"), 0);
        assert_eq!(
            out.event_kinds(),
            vec![EventKind::Unsubscribed {
                client_id: a,
                kind: SubscriptionKind::Channel,
                name: b"x".to_vec(),
                count: 1
            }]
        );
    }

    #[test]
    fn publish_events_name_direct_and_pattern_receivers() {
        let mut e = engine();
        let (a, b, p) = (e.connect(0), e.connect(0), e.connect(0));
        e.execute(a, argv("SUBSCRIBE news"), 0);
        e.execute(b, argv("PSUBSCRIBE n* *s"), 0);
        e.execute(a, argv("PSUBSCRIBE *"), 0);
        let out = e.execute(p, argv("PUBLISH news hi"), 0);
        assert_eq!(out.reply, Some(Reply::Integer(4)));
        assert_eq!(
            out.event_kinds(),
            vec![EventKind::MessagePublished {
                channel: b"news".to_vec(),
                shard: false,
                payload: b"hi".to_vec(),
                receivers: vec![
                    Receiver {
                        client: a,
                        via: Via::Channel
                    },
                    Receiver {
                        client: b,
                        via: Via::Pattern {
                            pattern: b"n*".to_vec()
                        }
                    },
                    Receiver {
                        client: b,
                        via: Via::Pattern {
                            pattern: b"*s".to_vec()
                        }
                    },
                    Receiver {
                        client: a,
                        via: Via::Pattern {
                            pattern: b"*".to_vec()
                        }
                    },
                ],
            }]
        );
        // Frames in the order Redis writes them: the channel's subscribers,
        // then the patterns in the order they were first subscribed.
        let frames: Vec<(ClientId, Reply)> = out
            .deliveries
            .into_iter()
            .map(|d| (d.client, d.frame))
            .collect();
        assert_eq!(
            frames,
            vec![
                (a, push(&["message", "news", "hi"])),
                (b, push(&["pmessage", "n*", "news", "hi"])),
                (b, push(&["pmessage", "*s", "news", "hi"])),
                (a, push(&["pmessage", "*", "news", "hi"])),
            ]
        );
        let out = e.execute(p, argv("SPUBLISH news hi"), 0);
        assert_eq!(out.reply, Some(Reply::Integer(0)));
        assert_eq!(
            out.event_kinds(),
            vec![EventKind::MessageDropped {
                channel: b"news".to_vec(),
                shard: true,
                payload: b"hi".to_vec(),
            }]
        );
        e.execute(a, argv("PUNSUBSCRIBE"), 0);
        e.execute(b, argv("PUNSUBSCRIBE"), 0);
        let out = e.execute(p, argv("PUBLISH nobody x"), 0);
        assert_eq!(out.reply, Some(Reply::Integer(0)));
        assert!(out.deliveries.is_empty());
        assert_eq!(
            out.event_kinds(),
            vec![EventKind::MessageDropped {
                channel: b"nobody".to_vec(),
                shard: false,
                payload: b"x".to_vec(),
            }]
        );
    }

    #[test]
    fn disconnect_and_reset_drop_subscriptions() {
        let mut e = engine();
        let (a, b, p) = (e.connect(0), e.connect(0), e.connect(0));
        e.execute(a, argv("SUBSCRIBE c"), 0);
        e.execute(a, argv("PSUBSCRIBE c*"), 0);
        e.execute(b, argv("SSUBSCRIBE c"), 0);
        let out = e.disconnect(a, 0);
        assert!(out.deliveries.is_empty());
        assert!(out.event_kinds().contains(&EventKind::Unsubscribed {
            client_id: a,
            kind: SubscriptionKind::Pattern,
            name: b"c*".to_vec(),
            count: 0
        }));
        let out = e.execute(b, argv("RESET"), 0);
        assert_eq!(out.reply, Some(Reply::simple("RESET")));
        assert!(out.deliveries.is_empty());
        assert!(!e.client_state(b).unwrap().subscribe_mode);
        assert_eq!(
            e.execute(p, argv("PUBLISH c x"), 0).reply,
            Some(Reply::Integer(0))
        );
        assert_eq!(
            e.execute(p, argv("SPUBLISH c x"), 0).reply,
            Some(Reply::Integer(0))
        );
        assert_eq!(
            e.execute(p, argv("PUBSUB NUMPAT"), 0).reply,
            Some(Reply::Integer(0))
        );
        assert!(e.pubsub_channels(false).is_empty() && e.pubsub_patterns().is_empty());
    }

    /// A key that expires when a command looks it up is announced before what
    /// the command does next (`expired`, then `new` and `set`), as Redis writes
    /// the notifications.
    #[test]
    fn lazy_expiry_is_announced_first() {
        let mut e = engine();
        let (a, k) = (e.connect(0), e.connect(0));
        e.execute(a, argv("CONFIG SET notify-keyspace-events KEAn"), 0);
        e.execute(
            k,
            argv("SUBSCRIBE __keyevent@0__:expired __keyevent@0__:new __keyevent@0__:set"),
            0,
        );
        e.execute(a, argv("SET x 1 PX 10"), 0);
        // No `advance`: the key is still there until SET looks it up at 20.
        let out = e.execute(a, argv("SET x 2"), 20);
        let channels: Vec<Vec<u8>> = out
            .deliveries
            .iter()
            .map(|d| match &d.frame {
                Reply::Push(items) => match &items[1] {
                    Reply::Bulk(c) => c.clone(),
                    other => panic!("{other:?}"),
                },
                other => panic!("{other:?}"),
            })
            .collect();
        assert_eq!(
            channels,
            vec![
                b"__keyevent@0__:expired".to_vec(),
                b"__keyevent@0__:new".to_vec(),
                b"__keyevent@0__:set".to_vec()
            ]
        );
    }

    /// Pushes for the publishing client itself come after its reply: the
    /// reply is written first (`reply_at` 0) and the frames follow in order.
    #[test]
    fn push_to_self_follows_the_reply() {
        let mut e = engine();
        let a = e.connect(0);
        e.execute(a, argv("HELLO 3"), 0);
        e.execute(a, argv("SUBSCRIBE me"), 0);
        let out = e.execute(a, argv("PUBLISH me hi"), 0);
        assert_eq!(out.reply, Some(Reply::Integer(1)));
        assert_eq!(out.reply_at, 0);
        assert_eq!(out.deliveries[0].frame, push(&["message", "me", "hi"]));
    }

    /// PUBLISH allocates nothing for a pattern that does not match: with 1,000
    /// non-matching patterns it makes exactly as many allocations as with one
    /// (counted on this thread by the counting allocator below).
    #[test]
    fn no_allocation_per_pattern() {
        let count_publish = |patterns: usize| {
            let mut e = engine();
            let (s, p) = (e.connect(0), e.connect(0));
            e.execute(s, argv("SUBSCRIBE news"), 0);
            for i in 0..patterns {
                e.execute(
                    s,
                    vec![b"PSUBSCRIBE".to_vec(), format!("x{i}*").into_bytes()],
                    0,
                );
            }
            let argv = argv("PUBLISH news hi");
            let before = alloc_count::allocations();
            let out = e.execute(p, argv, 0);
            let used = alloc_count::allocations() - before;
            assert_eq!(out.reply, Some(Reply::Integer(1)));
            drop(out);
            used
        };
        assert_eq!(count_publish(1), count_publish(1000));
    }

    #[test]
    fn ordered_set_keeps_insertion_order() {
        let mut s = OrderedSet::default();
        assert!(s.insert(3u64));
        assert!(s.insert(1));
        assert!(!s.insert(3));
        assert!(s.insert(2));
        assert!(s.remove(&1));
        assert!(!s.remove(&1));
        assert!(s.insert(1));
        assert_eq!(s.iter().copied().collect::<Vec<_>>(), vec![3, 2, 1]);
        assert_eq!(s.len(), 3);
    }
}

/// A global allocator for this crate's unit tests that counts allocations
/// made on each thread, so a test can check that a code path allocates
/// nothing (tests run on threads of their own, so counts do not mix).
#[cfg(test)]
mod alloc_count {
    use std::alloc::{GlobalAlloc, Layout, System};
    use std::cell::Cell;

    thread_local! {
        static COUNT: Cell<u64> = const { Cell::new(0) };
    }

    struct Counting;

    unsafe impl GlobalAlloc for Counting {
        unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
            unsafe { System.alloc(layout) }
        }
        unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
            unsafe { System.dealloc(ptr, layout) }
        }
        unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
            let _ = COUNT.try_with(|c| c.set(c.get() + 1));
            unsafe { System.realloc(ptr, layout, new_size) }
        }
    }

    #[global_allocator]
    static GLOBAL: Counting = Counting;

    /// Allocations made on this thread so far.
    pub fn allocations() -> u64 {
        COUNT.with(|c| c.get())
    }
}
