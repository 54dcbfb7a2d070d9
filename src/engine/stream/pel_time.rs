//! A group's pending entries in delivery-time order, and the transfer that
//! XREADGROUP's `CLAIM min-idle-time` (Redis 8.4, 8 profile) makes: Redis keeps
//! each group's NACKs in a list ordered by delivery time (`pel_time_head`,
//! updated by `pelListUpdate`), and CLAIM walks it from the oldest.
//!
//! Redis's list keeps entries with the same delivery time in the order they
//! got it (an update moves the entry to the end of its time). The engine
//! orders by (delivery time, when it was given, ID): `touch_order` records the
//! "when" after each delivery; an entry whose time changed without it (a path
//! that does not call it) counts as the latest of its time, as Redis's
//! sorted insertion puts it.

use super::groups::{Group, Nack};
use super::StreamId;

impl Group {
    /// Records that the pending `id` was just given its delivery time.
    pub fn touch_order(&mut self, id: StreamId) {
        let Some(time) = self.pel.get(&id).map(|n| n.delivery_time_ms) else {
            return;
        };
        self.record_touch(id, time);
    }

    /// `touch_order` for a caller that just gave the pending `id` the
    /// delivery time `time` (so the PEL need not be looked up again).
    pub(super) fn record_touch(&mut self, id: StreamId, time: u64) {
        debug_assert_eq!(self.pel.get(&id).map(|n| n.delivery_time_ms), Some(time));
        self.touch_seq += 1;
        self.touched.insert(id, (time, self.touch_seq));
        // Forget acknowledged IDs now and then: the map is rebuilt (a
        // persistent map has no `retain`) once the records have doubled, so
        // the cost is amortised.
        if self.touched.len() > 2 * self.pel.len() + 16 {
            let pel = &self.pel;
            self.touched = self
                .touched
                .iter()
                .filter(|(id, _)| pel.contains_key(*id))
                .map(|(id, v)| (*id, *v))
                .collect();
        }
    }

    /// The pending IDs with their delivery times, oldest delivery first (the
    /// order of Redis's `pel_time_head` list).
    pub fn pel_by_time(&self) -> Vec<(StreamId, u64)> {
        let mut v: Vec<(u64, u64, StreamId)> = self
            .pel
            .iter()
            .map(|(id, n)| {
                let t = n.delivery_time_ms;
                let seq = match self.touched.get(id) {
                    Some(&(when, seq)) if when == t => seq,
                    _ => u64::MAX,
                };
                (t, seq, *id)
            })
            .collect();
        crate::vec_map::sort(&mut v);
        v.into_iter().map(|(t, _, id)| (id, t)).collect()
    }

    /// XREADGROUP CLAIM's transfer of the pending `id` to `consumer` (which
    /// exists): the NACK changes owner, its delivery count goes up by one (not
    /// past `LLONG_MAX`), its time becomes `now_ms`, and the consumer is active.
    /// The count before the claim (what the reply shows), or `None` when `id`
    /// is not pending.
    pub fn claim_for_read(&mut self, id: StreamId, consumer: &[u8], now_ms: u64) -> Option<u64> {
        let nack: &mut Nack = self.pel.get_mut(&id)?;
        let before = nack.delivery_count;
        if nack.delivery_count < i64::MAX as u64 {
            nack.delivery_count += 1;
        }
        nack.delivery_time_ms = now_ms;
        if nack.consumer != consumer {
            let old = std::mem::replace(&mut nack.consumer, consumer.to_vec());
            if let Some(c) = self.consumers.get_mut(&old) {
                c.pel.remove(&id);
            }
            if let Some(c) = self.consumers.get_mut(consumer) {
                c.pel.insert(id);
            } else {
                debug_assert!(false, "claim by a missing consumer");
            }
            self.bytes = self.bytes + consumer.len() - old.len();
        }
        if let Some(c) = self.consumers.get_mut(consumer) {
            c.active_time = Some(now_ms);
        }
        self.record_touch(id, now_ms);
        Some(before)
    }
}
