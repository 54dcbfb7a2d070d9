//! What consumer groups still hold on to a stream's entries, for the deletion
//! modes Redis 8.2 added (`KEEPREF | DELREF | ACKED` of XADD, XTRIM, XDELEX and
//! XACKDEL). Redis keeps an index from each pending ID to the groups whose PEL
//! holds it (`cgroups_ref`) and a cached minimum of the groups' last delivered
//! IDs; the engine answers the same questions from the groups themselves.
//!
//! Semantics from Redis's t_stream.c (`streamEntryIsReferenced`,
//! `streamCleanupEntryCGroupRefs`), not checked against a live server.

use super::{Stream, StreamId};

impl Stream {
    /// `streamEntryIsReferenced`: whether a group could still deliver `id`
    /// (it lies after the smallest last delivered ID of the groups) or holds it
    /// pending. A stream without groups references nothing.
    pub fn entry_is_referenced(&self, id: StreamId) -> bool {
        let groups = self.groups();
        let Some(min_last) = groups.values().map(|g| g.last_id).min() else {
            return false;
        };
        min_last < id || groups.values().any(|g| g.pel().contains_key(&id))
    }

    /// `streamCleanupEntryCGroupRefs`: removes `id` from the PEL of every group
    /// (and of the consumer that owns it there). The names of the groups that
    /// held it, in name order.
    pub fn drop_refs(&mut self, id: StreamId) -> Vec<Vec<u8>> {
        let holders: Vec<Vec<u8>> = self
            .groups()
            .iter()
            .filter(|(_, g)| g.pel().contains_key(&id))
            .map(|(name, _)| name.clone())
            .collect();
        for name in &holders {
            self.with_group(name, |g| g.ack(id));
        }
        holders
    }
}
