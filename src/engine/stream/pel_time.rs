//! A group's pending entries in delivery-time order, and the transfer that
//! XREADGROUP's `CLAIM min-idle-time` (Redis 8.4, 8 profile) makes: Redis keeps
//! each group's NACKs in a list ordered by delivery time (`pel_time_head`,
//! updated by `pelListUpdate`), and CLAIM walks it from the oldest.
//!
//! The engine orders by (delivery time, ID): Redis's list orders entries with
//! the same delivery time by when they were last delivered, which the engine
//! does not record; the two differ only for entries delivered in the same
//! millisecond in an order other than their IDs'.

use super::groups::{Group, Nack};
use super::StreamId;

impl Group {
    /// The pending IDs with their delivery times, oldest delivery first.
    pub fn pel_by_time(&self) -> Vec<(StreamId, u64)> {
        let mut v: Vec<(StreamId, u64)> = self
            .pel
            .iter()
            .map(|(id, n)| (*id, n.delivery_time_ms))
            .collect();
        v.sort_by_key(|&(id, t)| (t, id));
        v
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
        Some(before)
    }
}
