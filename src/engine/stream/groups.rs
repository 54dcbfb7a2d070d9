//! Consumer groups of a stream (SPEC §2, t_stream.c's `streamCG`): a group's
//! last delivered ID, its `entries_read` counter, its pending entries list
//! (PEL: ID → NACK) and its consumers, each with its own PEL (a set of IDs
//! whose NACKs live in the group's PEL). Groups and consumers are ordered by
//! name bytes, as Redis's rax orders them. Lookups, acks and deliveries are
//! logarithmic in the PEL size.
//!
//! The PELs (the group's, each consumer's, and the delivery-time records of
//! pel_time.rs) are persistent B-trees (`imbl`'s `OrdMap`/`OrdSet`, 16-entry
//! nodes behind `Arc`): cloning a group shares them, and a change after the
//! clone copies only the nodes on one root-to-leaf path, so an engine
//! checkpoint that shares a 100,000-entry PEL costs a few kilobytes per later
//! ack or delivery instead of a copy of the whole PEL.
//!
//! Each group keeps the bytes it is charged in the memory accounting, changed
//! by every method that changes the group, so the stream's byte counter stays
//! exact.

use crate::vec_map::VecMap;

use imbl::{OrdMap, OrdSet};

use super::StreamId;
use crate::engine::event::ClaimedEntry;

/// `SCG_INVALID_ENTRIES_READ`.
pub(crate) const ENTRIES_READ_UNKNOWN: i64 = -1;

/// Bytes charged per group on top of its name, NACKs and consumers.
const GROUP_OVERHEAD: usize = 96;
/// Bytes charged per NACK on top of its consumer's name.
const NACK_OVERHEAD: usize = 48;
/// Bytes charged per consumer on top of its name and PEL.
const CONSUMER_OVERHEAD: usize = 64;
/// Bytes charged per ID in a consumer's PEL.
const CONSUMER_PEL_ENTRY: usize = 24;

/// A pending entry: delivered to `consumer`, not yet acknowledged.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Nack {
    pub consumer: Vec<u8>,
    /// The engine time of the last delivery.
    pub delivery_time_ms: u64,
    pub delivery_count: u64,
}

/// A consumer of a group.
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Consumer {
    /// The IDs pending for this consumer (their NACKs are in the group's PEL).
    #[serde(deserialize_with = "cautious_set")]
    pub pel: OrdSet<StreamId>,
    /// The last time the consumer was seen (any interaction).
    pub seen_time: u64,
    /// The last time the consumer read entries (Redis 7.2+'s `active-time`);
    /// `None` before its first successful read.
    pub active_time: Option<u64>,
}

/// How XCLAIM and XAUTOCLAIM claim pending entries (`Group::claim`).
#[derive(Clone, Copy, Debug)]
pub(crate) struct ClaimSpec {
    /// The command's time.
    pub now_ms: u64,
    /// An owned NACK idle less than this many ms is not claimed (0: any).
    pub min_idle_ms: i64,
    /// The delivery time a claimed NACK gets (IDLE/TIME, else now).
    pub delivery_time_ms: u64,
    /// RETRYCOUNT: the delivery count a claimed NACK gets.
    pub retry_count: Option<u64>,
    /// JUSTID: without RETRYCOUNT the delivery count stays as it was.
    pub justid: bool,
    /// FORCE: an ID that is not pending gets a NACK.
    pub force: bool,
}

/// What XAUTOCLAIM's scan did (`Group::autoclaim`).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct AutoClaimed {
    /// In PEL order.
    pub claimed: Vec<ClaimedEntry>,
    /// Pending IDs whose entries were gone from the stream; their NACKs were
    /// deleted.
    pub deleted: Vec<StreamId>,
    /// Where the next call starts; 0-0 when the scan reached the end.
    pub cursor: StreamId,
}

/// Reads an `OrdMap` through a `Vec` of pairs, which postcard encodes exactly as a map: serde's
/// `Vec` reserves at most about 1 MB up front from the length the bytes declare, where imbl's own
/// deserialiser reserves the whole declared length (damaged saved bytes asked for terabytes).
fn cautious_map<'de, D, K, V>(d: D) -> Result<OrdMap<K, V>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Ord + Clone + serde::Deserialize<'de>,
    V: Clone + serde::Deserialize<'de>,
{
    Ok(<Vec<(K, V)> as serde::Deserialize>::deserialize(d)?
        .into_iter()
        .collect())
}

/// `cautious_map` for a set, which postcard encodes as a sequence.
fn cautious_set<'de, D, K>(d: D) -> Result<OrdSet<K>, D::Error>
where
    D: serde::Deserializer<'de>,
    K: Ord + Clone + serde::Deserialize<'de>,
{
    Ok(<Vec<K> as serde::Deserialize>::deserialize(d)?
        .into_iter()
        .collect())
}

/// A consumer group.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Group {
    pub last_id: StreamId,
    /// The logical count of entries read; `ENTRIES_READ_UNKNOWN` when unknown.
    pub entries_read: i64,
    #[serde(deserialize_with = "cautious_map")]
    pub(super) pel: OrdMap<StreamId, Nack>,
    pub(super) consumers: VecMap<Vec<u8>, Consumer>,
    /// The bytes charged for this group (its name included).
    pub(super) bytes: usize,
    /// For each pending ID, the delivery time it was last given and when (a
    /// count), so that entries delivered in the same millisecond keep Redis's
    /// time-list order (pel_time.rs).
    #[serde(deserialize_with = "cautious_map")]
    pub(super) touched: OrdMap<StreamId, (u64, u64)>,
    pub(super) touch_seq: u64,
}

impl Group {
    pub fn new(name: &[u8], last_id: StreamId, entries_read: i64) -> Group {
        Group {
            last_id,
            entries_read,
            pel: OrdMap::new(),
            consumers: VecMap::new(),
            bytes: GROUP_OVERHEAD + name.len(),
            touched: OrdMap::new(),
            touch_seq: 0,
        }
    }

    /// The bytes charged for this group.
    pub fn bytes(&self) -> usize {
        self.bytes
    }

    pub fn pel(&self) -> &OrdMap<StreamId, Nack> {
        &self.pel
    }

    pub fn consumers(&self) -> &VecMap<Vec<u8>, Consumer> {
        &self.consumers
    }

    pub fn consumer(&self, name: &[u8]) -> Option<&Consumer> {
        self.consumers.get(name)
    }

    /// Creates the consumer unless it exists; whether it was created.
    pub fn create_consumer(&mut self, name: &[u8], now_ms: u64) -> bool {
        if self.consumers.contains_key(name) {
            return false;
        }
        self.consumers.insert(
            name.to_vec(),
            Consumer {
                pel: OrdSet::new(),
                seen_time: now_ms,
                active_time: None,
            },
        );
        self.bytes += CONSUMER_OVERHEAD + name.len();
        true
    }

    /// Deletes the consumer and its pending entries; the number of entries
    /// it had pending (0 when it does not exist).
    pub fn delete_consumer(&mut self, name: &[u8]) -> u64 {
        let Some(consumer) = self.consumers.remove(name) else {
            return 0;
        };
        let n = consumer.pel.len();
        for id in &consumer.pel {
            let removed = self.pel.remove(id);
            debug_assert!(removed.is_some(), "consumer PEL id missing from group PEL");
        }
        self.bytes -=
            CONSUMER_OVERHEAD + name.len() + n * (CONSUMER_PEL_ENTRY + NACK_OVERHEAD + name.len());
        n as u64
    }

    /// Acknowledges `id`: removes it from the group's and its consumer's PEL.
    /// Whether it was pending.
    pub fn ack(&mut self, id: StreamId) -> bool {
        let Some(nack) = self.pel.remove(&id) else {
            return false;
        };
        if let Some(c) = self.consumers.get_mut(&nack.consumer) {
            c.pel.remove(&id);
        } else {
            debug_assert!(false, "NACK owned by a missing consumer");
        }
        self.bytes -= CONSUMER_PEL_ENTRY + NACK_OVERHEAD + nack.consumer.len();
        true
    }

    /// Records that `consumer` (which exists) was seen at `now_ms`.
    pub fn touch_consumer(&mut self, name: &[u8], now_ms: u64, active: bool) {
        if let Some(c) = self.consumers.get_mut(name) {
            c.seen_time = now_ms;
            if active {
                c.active_time = Some(now_ms);
            }
        }
    }

    /// Delivers `id` to `consumer` (which exists) at `now_ms`, as a read with
    /// `>` does: a new NACK with delivery count 1, or, when `id` is already
    /// pending (the group was moved back by SETID), the NACK moved to
    /// `consumer` with its time and a delivery count of 1.
    pub fn deliver(&mut self, id: StreamId, consumer: &[u8], now_ms: u64) {
        if let Some(nack) = self.pel.get_mut(&id) {
            nack.delivery_time_ms = now_ms;
            nack.delivery_count = 1;
            if nack.consumer != consumer {
                let old = std::mem::replace(&mut nack.consumer, consumer.to_vec());
                if let Some(c) = self.consumers.get_mut(&old) {
                    c.pel.remove(&id);
                }
                if let Some(c) = self.consumers.get_mut(consumer) {
                    c.pel.insert(id);
                }
                self.bytes = self.bytes + consumer.len() - old.len();
            }
            return;
        }
        self.pel.insert(
            id,
            Nack {
                consumer: consumer.to_vec(),
                delivery_time_ms: now_ms,
                delivery_count: 1,
            },
        );
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.pel.insert(id);
        } else {
            debug_assert!(false, "delivery to a missing consumer");
        }
        self.bytes += CONSUMER_PEL_ENTRY + NACK_OVERHEAD + consumer.len();
    }

    /// Delivers the pending `id` again to its owner (a history read): its
    /// count goes up by one and its time is `now_ms`. The new count.
    pub fn redeliver(&mut self, id: StreamId, now_ms: u64) -> Option<u64> {
        let nack = self.pel.get_mut(&id)?;
        nack.delivery_time_ms = now_ms;
        nack.delivery_count += 1;
        Some(nack.delivery_count)
    }

    /// Claims `id` for `consumer` (XCLAIM, and XAUTOCLAIM for each entry it
    /// takes; t_stream.c's claiming loop): the NACK moves to `consumer`, which
    /// is created if missing (7.0.15 creates it only once something is
    /// claimed), gets `spec`'s delivery time, and its delivery count is
    /// RETRYCOUNT's or goes up by one unless JUSTID. An ID that is not
    /// pending is claimed only with FORCE, through a new NACK (count 1 before
    /// the claim's own change); an owned NACK idle less than the minimum is
    /// left alone. The caller has checked that the entry is in the stream.
    /// `None` when nothing was claimed.
    pub fn claim(
        &mut self,
        id: StreamId,
        consumer: &[u8],
        spec: &ClaimSpec,
    ) -> Option<ClaimedEntry> {
        let from = match self.pel.get(&id) {
            None if !spec.force => return None,
            None => None,
            Some(nack) => {
                let idle = (spec.now_ms as i64).wrapping_sub(nack.delivery_time_ms as i64);
                if spec.min_idle_ms != 0 && idle < spec.min_idle_ms {
                    return None;
                }
                Some(nack.consumer.clone())
            }
        };
        self.create_consumer(consumer, spec.now_ms);
        // Redis 7.0.15 looks the consumer up (refreshing its seen-time) when it
        // claims; 7.2+ also records the claim as activity.
        self.touch_consumer(consumer, spec.now_ms, true);
        match &from {
            None => {
                self.pel.insert(
                    id,
                    Nack {
                        consumer: consumer.to_vec(),
                        delivery_time_ms: spec.delivery_time_ms,
                        delivery_count: 1,
                    },
                );
                self.bytes += CONSUMER_PEL_ENTRY + NACK_OVERHEAD + consumer.len();
                if let Some(c) = self.consumers.get_mut(consumer) {
                    c.pel.insert(id);
                }
            }
            Some(old) if old.as_slice() != consumer => {
                if let Some(c) = self.consumers.get_mut(old) {
                    c.pel.remove(&id);
                }
                if let Some(c) = self.consumers.get_mut(consumer) {
                    c.pel.insert(id);
                }
                self.bytes = self.bytes + consumer.len() - old.len();
            }
            Some(_) => {}
        }
        // One mutable look-up of the NACK for the owner, time and count (a
        // look-up in the persistent PEL costs more than in a plain map).
        let nack = self.pel.get_mut(&id)?;
        if from.as_deref().is_some_and(|old| old != consumer) {
            nack.consumer = consumer.to_vec();
        }
        nack.delivery_time_ms = spec.delivery_time_ms;
        if let Some(n) = spec.retry_count {
            nack.delivery_count = n;
        } else if !spec.justid {
            nack.delivery_count = nack.delivery_count.wrapping_add(1);
        }
        let delivery_count = nack.delivery_count;
        // The new delivery time puts the entry last among its time in the
        // delivery-time order XREADGROUP CLAIM walks.
        self.record_touch(id, spec.delivery_time_ms);
        Some(ClaimedEntry {
            id,
            from,
            delivery_count,
        })
    }

    /// XAUTOCLAIM's scan (`xautoclaimCommand`): the PEL from `start` on, at
    /// most `count * 10` NACKs looked at and `count` of them taken. A NACK
    /// whose entry `exists` no longer finds is deleted (and counts against
    /// `count`); one idle long enough is claimed as `claim` does (time
    /// `spec.delivery_time_ms`, count +1 unless JUSTID). The cursor is the
    /// first pending ID after the last one looked at, 0-0 at the end.
    pub fn autoclaim(
        &mut self,
        start: StreamId,
        consumer: &[u8],
        count: u64,
        spec: &ClaimSpec,
        exists: &dyn Fn(StreamId) -> bool,
    ) -> AutoClaimed {
        let mut out = AutoClaimed {
            claimed: Vec::new(),
            deleted: Vec::new(),
            cursor: StreamId::MIN,
        };
        let mut attempts = count.saturating_mul(10);
        let mut left = count;
        // The IDs the scan can look at and the one after them (the cursor),
        // taken in one walk of the PEL: the loop changes only the NACK it looks
        // at (a claim moves it, a deletion removes it), so the next pending ID
        // after each one is the next one taken here.
        let take = usize::try_from(attempts)
            .unwrap_or(usize::MAX)
            .saturating_add(1);
        let ids: Vec<StreamId> = self
            .pel
            .range(start..)
            .take(take)
            .map(|(id, _)| *id)
            .collect();
        let mut ids = ids.into_iter();
        while attempts > 0 && left > 0 {
            attempts -= 1;
            let Some(id) = ids.next() else {
                break;
            };
            if !exists(id) {
                self.ack(id);
                out.deleted.push(id);
                left -= 1;
            } else if let Some(c) = self.claim(id, consumer, spec) {
                out.claimed.push(c);
                left -= 1;
            }
        }
        out.cursor = ids.next().unwrap_or(StreamId::MIN);
        out
    }

    /// The bytes this group should be charged, counted from scratch (tests).
    #[cfg(test)]
    pub(crate) fn counted_bytes(&self, name: &[u8]) -> usize {
        GROUP_OVERHEAD
            + name.len()
            + self
                .consumers
                .iter()
                .map(|(n, c)| CONSUMER_OVERHEAD + n.len() + c.pel.len() * CONSUMER_PEL_ENTRY)
                .sum::<usize>()
            + self
                .pel
                .values()
                .map(|n| NACK_OVERHEAD + n.consumer.len())
                .sum::<usize>()
    }

    /// The PEL consistency checks (tests): every pending ID is owned by
    /// exactly one existing consumer, and the consumers own nothing else.
    #[cfg(test)]
    pub(crate) fn check(&self, name: &[u8]) {
        let mut owned = 0;
        for (cname, c) in &self.consumers {
            for id in &c.pel {
                assert_eq!(self.pel.get(id).map(|n| &n.consumer), Some(cname));
            }
            owned += c.pel.len();
        }
        assert_eq!(owned, self.pel.len());
        assert_eq!(self.bytes, self.counted_bytes(name));
    }
}
