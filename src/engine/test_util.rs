//! Helpers shared by the engine's unit tests.

use super::{Event, EventKind};

/// A typed line split on whitespace into an argv (no quoting).
pub(crate) fn argv(line: &str) -> Vec<Vec<u8>> {
    line.split_whitespace()
        .map(|w| w.as_bytes().to_vec())
        .collect()
}

/// The keyspace notification events among `events`, in order.
pub(crate) fn notifications(events: &[Event]) -> Vec<String> {
    events
        .iter()
        .filter_map(|e| match &e.kind {
            EventKind::Notification { event, .. } => Some(event.to_string()),
            _ => None,
        })
        .collect()
}
