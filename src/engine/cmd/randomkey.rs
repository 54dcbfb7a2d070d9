//! RANDOMKEY — a random key of the selected database, or nil when it is empty.
//!
//! The pick comes from the engine's seeded generator: a random point in SCAN
//! order and the first key at or after it, so the same seed and the same
//! commands give the same key. An expired key met on the way is removed and
//! another is drawn, as `dbRandomKey` does.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn randomkey(cx: &mut Cx) -> CmdResult {
    let now = cx.now_ms;
    loop {
        // Scan hashes live in 1..=2^31 (keyspace::scan_hash).
        let point = (cx.engine.rng.next_u64() >> 33) + 1;
        let Some(key) = cx.db().key_at_or_after(point) else {
            return Ok(Reply::Null.into());
        };
        // Each round either answers or removes an expired key, so the loop
        // ends when the database runs out of keys at the latest.
        if cx.db().contains(&key, now) {
            return Ok(Reply::Bulk(key).into());
        }
    }
}
