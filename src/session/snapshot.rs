//! The session's state as one serde value for the JS API's `state()`: the clock, the current
//! step, the panes, and the engine's state composed from `Engine::inspect_*` (keys, streams with
//! their metadata, a window of entries, groups, consumers and PEL windows, pub/sub, clients).
//!
//! Read-only like inspection itself: building a snapshot never expires a key, touches an idle
//! or seen time or counts a statistic. Byte strings are text when UTF-8 and `{"hex": ...}`
//! otherwise, stream IDs `"ms-seq"`, as in the events.

use serde::Serialize;

use super::Session;
use crate::engine::inspect::{
    ClientInfo, EntryInfo, GroupInfo, KeyInfo, PendingInfo, PubSubInfo, StreamInfo, Window,
};
use crate::engine::ClientId;

/// How much of the state a snapshot holds: the windows keep it small for a huge keyspace.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct Limits {
    /// Keys listed per database (the total is always given).
    pub keys: usize,
    /// Streams described in full (metadata, entries, groups), the first by name.
    pub streams: usize,
    /// Entries shown from each end of a stream (the first and the last `entries`).
    pub entries: usize,
    /// Pending entries shown per group (the oldest by ID).
    pub pel: usize,
}

impl Default for Limits {
    fn default() -> Limits {
        Limits {
            keys: 1000,
            streams: 100,
            entries: 100,
            pel: 100,
        }
    }
}

/// The whole snapshot (`state()`).
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct Snapshot {
    /// `"7.0"` or `"8"`.
    pub profile: &'static str,
    /// Engine time in ms.
    pub clock: u64,
    pub paused: bool,
    /// Clock speed, percent of real time.
    pub speed: u32,
    /// The current step as the timeline numbers it (0: the start).
    pub step: usize,
    /// How many steps the timeline holds (more than `step` after a seek back).
    pub steps: usize,
    pub panes: Vec<PaneSnapshot>,
    /// The live keys of database 0, the first [`Limits::keys`] in byte order.
    pub keys: Vec<KeyInfo>,
    /// How many live keys database 0 has.
    pub keys_total: usize,
    /// The streams of database 0, the first [`Limits::streams`] by name.
    pub streams: Vec<StreamSnapshot>,
    pub pubsub: PubSubInfo,
    pub clients: Vec<ClientInfo>,
}

/// A console pane and its client connection (`null` until its first command).
#[derive(Clone, Debug, PartialEq, Eq, Serialize)]
pub struct PaneSnapshot {
    pub name: String,
    pub client: Option<ClientId>,
}

/// One stream: its metadata, a window of entries at each end, its groups.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct StreamSnapshot {
    #[serde(with = "crate::engine::event::bytes")]
    pub key: Vec<u8>,
    #[serde(flatten)]
    pub info: StreamInfo,
    /// The first entries (at most [`Limits::entries`]), in ID order.
    pub first_entries: Vec<EntryInfo>,
    /// The last entries (at most [`Limits::entries`]), in ID order; they overlap
    /// `first_entries` when the stream is short.
    pub last_entries: Vec<EntryInfo>,
    pub groups: Vec<GroupSnapshot>,
}

/// A consumer group with a window of its PEL.
#[derive(Clone, Debug, PartialEq, Serialize)]
pub struct GroupSnapshot {
    #[serde(flatten)]
    pub info: GroupInfo,
    /// The oldest pending entries (at most [`Limits::pel`]), in ID order.
    pub pel: Vec<PendingInfo>,
}

impl Session {
    /// The state now, as `state()` reports it, within the default [`Limits`].
    pub fn snapshot(&self) -> Snapshot {
        self.snapshot_within(Limits::default())
    }

    /// The state now, within `limits`.
    pub fn snapshot_within(&self, limits: Limits) -> Snapshot {
        let engine = self.engine();
        let now = self.clock().now_ms;
        let keys = engine.inspect_keys(0, now, usize::MAX);
        let streams = keys
            .keys
            .iter()
            .filter(|k| k.type_name == "stream")
            .take(limits.streams)
            .filter_map(|k| {
                let info = engine.inspect_stream(0, &k.name, now)?;
                let entries = |w| {
                    engine
                        .inspect_entries(0, &k.name, now, w)
                        .unwrap_or_default()
                };
                let groups = engine
                    .inspect_groups(0, &k.name, now)
                    .unwrap_or_default()
                    .into_iter()
                    .map(|g| {
                        let pel = engine
                            .inspect_pel(0, &k.name, &g.name, None, now, Window::First(limits.pel))
                            .unwrap_or_default();
                        GroupSnapshot { info: g, pel }
                    })
                    .collect();
                Some(StreamSnapshot {
                    key: k.name.clone(),
                    info,
                    first_entries: entries(Window::First(limits.entries)),
                    last_entries: entries(Window::Last(limits.entries)),
                    groups,
                })
            })
            .collect();
        let total = keys.total;
        let mut listed = keys.keys;
        listed.truncate(limits.keys);
        Snapshot {
            profile: self.profile().name(),
            clock: now,
            paused: self.clock().paused,
            speed: self.clock().speed,
            step: self.current(),
            steps: self.len(),
            panes: self
                .panes()
                .iter()
                .map(|p| PaneSnapshot {
                    name: p.name.to_string(),
                    client: p.client,
                })
                .collect(),
            keys: listed,
            keys_total: total,
            streams,
            pubsub: engine.inspect_pubsub(),
            clients: engine.inspect_clients(),
        }
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::Profile;
    use crate::session::SessionConfig;

    fn session() -> Session {
        let mut s = Session::with_panes(SessionConfig::default(), Profile::V8, 1000, &["a", "b"])
            .expect("valid panes");
        for line in [
            "SET k v",
            "XADD s 1-1 f v",
            "XADD s 1-2 g w",
            "XGROUP CREATE s g 0",
            "XREADGROUP GROUP g c1 COUNT 1 STREAMS s >",
            "SET \"\\xff\" bin",
        ] {
            s.run("a", line).expect("runs");
        }
        s.run("b", "SUBSCRIBE ch").expect("runs");
        s
    }

    #[test]
    fn a_snapshot_holds_keys_streams_groups_pel_pubsub_and_clients() {
        let s = session();
        let snap = s.snapshot();
        assert_eq!(snap.step, 7);
        assert_eq!(snap.steps, 7);
        assert_eq!(snap.clock, 1000);
        let names: Vec<&[u8]> = snap.keys.iter().map(|k| k.name.as_slice()).collect();
        assert_eq!(names, [&b"k"[..], b"s", b"\xff"]);
        assert_eq!(snap.streams.len(), 1);
        let st = &snap.streams[0];
        assert_eq!(st.info.length, 2);
        assert_eq!(st.first_entries.len(), 2);
        assert_eq!(st.groups[0].pel.len(), 1);
        assert_eq!(st.groups[0].pel[0].consumer, b"c1");
        assert_eq!(snap.pubsub.channels[0].name, b"ch");
        assert_eq!(snap.clients.len(), 2);
        assert_eq!(snap.panes[1].name, "b");
    }

    #[test]
    fn limits_cut_the_windows_but_not_the_totals() {
        let s = session();
        let snap = s.snapshot_within(Limits {
            keys: 1,
            streams: 1,
            entries: 1,
            pel: 0,
        });
        assert_eq!(snap.keys.len(), 1);
        assert_eq!(snap.keys_total, 3);
        let st = &snap.streams[0];
        assert_eq!(st.first_entries[0].id.to_string(), "1-1");
        assert_eq!(st.last_entries[0].id.to_string(), "1-2");
        assert!(st.groups[0].pel.is_empty());
    }

    #[test]
    fn the_json_form_has_text_for_utf8_hex_otherwise_and_flat_fields() {
        let s = session();
        let json = serde_json::to_value(s.snapshot()).expect("serialises");
        assert_eq!(json["keys"][2]["name"], serde_json::json!({"hex": "ff"}));
        assert_eq!(json["keys"][0]["name"], "k");
        let st = &json["streams"][0];
        assert_eq!(st["key"], "s");
        assert_eq!(st["length"], 2);
        assert_eq!(st["first_entries"][0]["id"], "1-1");
        assert_eq!(
            st["first_entries"][0]["fields"],
            serde_json::json!(["f", "v"])
        );
        assert_eq!(st["groups"][0]["name"], "g");
        assert_eq!(st["groups"][0]["pel"][0]["consumer"], "c1");
        assert_eq!(json["pubsub"]["channels"][0]["name"], "ch");
        assert_eq!(json["profile"], "8");
        assert_eq!(json["step"], 7);
    }

    #[test]
    fn a_snapshot_changes_nothing() {
        let mut s = session();
        s.run("a", "SET e v PX 5").expect("runs");
        s.set_paused(false);
        // Time passes without `advance`: the key is due but still stored.
        let before = s.engine().save();
        let snap = s.snapshot_within(Limits::default());
        assert_eq!(s.engine().save(), before);
        assert!(snap.keys.iter().any(|k| k.name == b"e"));
    }
}
