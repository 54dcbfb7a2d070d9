//! Saving and loading an engine's whole state with serde (postcard bytes in a
//! session's save format and checkpoints): the helpers for the fields a derive
//! cannot handle, which are command names held as `&'static str` (statistics
//! and a client's last command) and are looked up in the command table again
//! on load, so a loaded engine holds the very same names.

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::table;

/// The table's own `&'static str` for a command's full name (`get`,
/// `xgroup|create`), or `None` when no command or subcommand has it.
pub(crate) fn static_fullname(name: &str) -> Option<&'static str> {
    table::all_entries()
        .into_iter()
        .map(|spec| spec.fullname)
        .find(|&full| full == name)
}

fn lookup<E: serde::de::Error>(name: &str) -> Result<&'static str, E> {
    static_fullname(name).ok_or_else(|| E::custom(format!("unknown command name `{name}`")))
}

/// `#[serde(with = "save::command_map")]` for vectors of (command full name, value) sorted by
/// name, each name once: written as a map, the same bytes a `BTreeMap` of them gives.
pub(crate) mod command_map {
    use super::*;
    use serde::de::{MapAccess, Visitor};
    use std::fmt;
    use std::marker::PhantomData;

    pub fn serialize<V: Serialize, S: Serializer>(
        map: &[(&'static str, V)],
        s: S,
    ) -> Result<S::Ok, S::Error> {
        s.collect_map(map.iter().map(|(name, v)| (name, v)))
    }

    /// Reads the map as `BTreeMap<String, V>` would (a repeated name keeps its last value,
    /// names end up sorted), then looks every name up in that order, so a damaged map
    /// fails with the same error as before; without the map's code for this pair type.
    pub fn deserialize<'de, V: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<Vec<(&'static str, V)>, D::Error> {
        let owned = d.deserialize_map(Entries(PhantomData))?;
        owned
            .into_iter()
            .map(|(name, v)| Ok((lookup::<D::Error>(&name)?, v)))
            .collect()
    }

    struct Entries<V>(PhantomData<V>);

    impl<'de, V: Deserialize<'de>> Visitor<'de> for Entries<V> {
        type Value = Vec<(String, V)>;

        fn expecting(&self, f: &mut fmt::Formatter) -> fmt::Result {
            f.write_str("a map")
        }

        fn visit_map<A: MapAccess<'de>>(self, mut map: A) -> Result<Self::Value, A::Error> {
            let mut out: Vec<(String, V)> = Vec::new();
            while let Some((name, v)) = map.next_entry::<String, V>()? {
                match out.binary_search_by(|(n, _)| n.as_str().cmp(&name)) {
                    Ok(i) => out[i].1 = v,
                    Err(i) => out.insert(i, (name, v)),
                }
            }
            Ok(out)
        }
    }
}

/// `#[serde(with = "save::command_name")]` for an optional command full name.
pub(crate) mod command_name {
    use super::*;

    pub fn serialize<S: Serializer>(name: &Option<&'static str>, s: S) -> Result<S::Ok, S::Error> {
        name.serialize(s)
    }

    pub fn deserialize<'de, D: Deserializer<'de>>(d: D) -> Result<Option<&'static str>, D::Error> {
        match Option::<String>::deserialize(d)? {
            Some(name) => lookup::<D::Error>(&name).map(Some),
            None => Ok(None),
        }
    }
}

impl super::Engine {
    /// The engine's whole state as postcard bytes (`Engine::load` reads them):
    /// an engine loaded from them gives every later reply, frame and event
    /// exactly as this one would.
    pub fn save(&self) -> Vec<u8> {
        // Serialising plain data into a vector cannot fail; were it to, the
        // empty vector fails to load rather than loading as something else.
        postcard::to_allocvec(self).unwrap_or_default()
    }

    /// An engine from `Engine::save`'s bytes; a clear error for anything else.
    pub fn load(bytes: &[u8]) -> Result<super::Engine, String> {
        let engine: super::Engine =
            postcard::from_bytes(bytes).map_err(|e| format!("not a saved engine: {e}"))?;
        // The engine's readers trust its own stream nodes; bytes that decode but hold a node
        // they cannot read are refused here rather than met later as a wrong reply or a panic.
        let streams = engine
            .dbs
            .iter()
            .flat_map(|db| db.iter())
            .filter_map(|(_, e)| match &e.value {
                super::keyspace::Value::Stream(s) => Some(s),
                _ => None,
            });
        // Every command indexes the databases by its client's selected one.
        if engine.dbs.len() != super::DATABASES
            || engine.clients.iter().any(|(_, c)| c.db >= super::DATABASES)
        {
            return Err("not a saved engine: a database index is out of range".into());
        }
        for stream in streams {
            if !stream.well_formed() {
                return Err("not a saved engine: a stream node does not decode".into());
            }
        }
        Ok(engine)
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::stream::NodeInfo;
    use crate::engine::test_util::argv;
    use crate::engine::{Config, Engine, Reply, StreamId};

    fn stream<'a>(e: &'a Engine, key: &[u8]) -> &'a crate::engine::stream::Stream {
        let Some(crate::engine::keyspace::Value::Stream(s)) =
            e.dbs[0].peek(key, 0).map(|entry| &entry.value)
        else {
            panic!("no stream at {key:?}");
        };
        s
    }

    /// The nodes of the stream at `key` in db 0, with whether a clone shares each.
    fn nodes(e: &Engine, key: &[u8]) -> Vec<NodeInfo> {
        stream(e, key).node_infos(StreamId::MIN, StreamId::MAX, usize::MAX, false)
    }

    /// Whether a clone shares the group `g` of the stream `s`.
    fn group_shared(e: &Engine) -> bool {
        std::sync::Arc::strong_count(&stream(e, b"s").groups()[&b"g"[..]]) > 1
    }

    /// An engine holding a 1000-entry stream in 10 nodes (100 entries each)
    /// with a group that has 300 entries pending.
    fn engine_with_stream() -> (Engine, u64) {
        let mut e = Engine::new(Config::default());
        let c = e.connect(0);
        for i in 1..=1000 {
            let out = e.execute(c, argv(&format!("XADD s {i}-0 f {i}")), 1);
            assert_eq!(out.reply, Some(Reply::bulk(format!("{i}-0"))));
        }
        e.execute(c, argv("XGROUP CREATE s g 0"), 1);
        e.execute(c, argv("XREADGROUP GROUP g alice COUNT 300 STREAMS s >"), 2);
        (e, c)
    }

    /// What a client sees of the stream: every entry, and the full XINFO.
    fn view(e: &mut Engine, c: u64) -> Vec<Option<Reply>> {
        [
            "XRANGE s - +",
            "XINFO STREAM s FULL COUNT 0",
            "XPENDING s g",
        ]
        .iter()
        .map(|line| e.execute(c, argv(line), 5).reply)
        .collect()
    }

    #[test]
    fn a_clone_shares_stream_nodes_until_it_changes_them() {
        let (mut original, c) = engine_with_stream();
        assert_eq!(nodes(&original, b"s").len(), 10);
        assert!(nodes(&original, b"s").iter().all(|n| !n.shared));
        let before = view(&mut original, c);

        let mut clone = original.clone();
        // Every node is shared: the clone copied pointers, not entries; so is
        // the group with its PEL.
        assert!(nodes(&original, b"s").iter().all(|n| n.shared));
        assert!(nodes(&clone, b"s").iter().all(|n| n.shared));
        assert!(group_shared(&original));
        clone.execute(c, argv("XPENDING s g"), 3);
        assert!(group_shared(&original), "reading a group does not copy it");
        clone.execute(c, argv("XACK s g 7-0"), 3);
        assert!(!group_shared(&original), "a change copies the group");

        // Change the clone: delete in the 5th node, append to the last, trim the first.
        for line in ["XDEL s 450-0", "XADD s 2000-0 f v", "XTRIM s MINID 101"] {
            assert!(!matches!(
                clone.execute(c, argv(line), 3).reply,
                Some(Reply::Error(_))
            ));
        }
        let shared: Vec<bool> = nodes(&original, b"s").iter().map(|n| n.shared).collect();
        // Node 1 went from the clone and node 5 was copied before the change;
        // the other eight are still shared (the full last node made XADD open
        // an 11th node in the clone alone).
        let mut expected = vec![true; 10];
        expected[0] = false;
        expected[4] = false;
        assert_eq!(shared, expected);
        assert_eq!(nodes(&clone, b"s").len(), 10);
        assert!(!nodes(&clone, b"s")[9].shared);
        // The original's replies are exactly what they were.
        assert_eq!(view(&mut original, c), before);
        assert_ne!(view(&mut clone, c), before);
    }

    #[test]
    fn an_engine_saves_and_loads_to_the_same_bytes() {
        let (mut e, c) = engine_with_stream();
        e.execute(c, argv("SET k v PX 100"), 3);
        e.execute(c, argv("CLIENT SETNAME console"), 3);
        let bytes = e.save();
        let mut loaded = Engine::load(&bytes).expect("loads");
        assert_eq!(loaded.save(), bytes);
        assert_eq!(view(&mut loaded, c), view(&mut e, c));
        // A client's last command and the command statistics survive.
        assert_eq!(
            loaded.execute(c, argv("INFO commandstats"), 6),
            e.execute(c, argv("INFO commandstats"), 6)
        );
        assert_eq!(
            loaded.execute(c, argv("CLIENT LIST"), 6),
            e.execute(c, argv("CLIENT LIST"), 6)
        );
    }

    #[test]
    fn loading_garbage_is_an_error() {
        assert!(Engine::load(b"").is_err());
        assert!(Engine::load(&[0xff; 64]).is_err());
        let (e, _) = engine_with_stream();
        let bytes = e.save();
        assert!(Engine::load(&bytes[..bytes.len() / 2]).is_err());
    }

    #[test]
    fn an_engine_can_move_between_threads() {
        // The native server shares the engine across threads: the `Arc`s
        // inside must keep it `Send` (and `Sync`).
        fn check<T: Send + Sync>() {}
        check::<Engine>();
    }

    #[test]
    fn command_names_load_as_the_table_names() {
        assert_eq!(
            super::static_fullname("xgroup|create"),
            Some("xgroup|create")
        );
        assert_eq!(super::static_fullname("get"), Some("get"));
        assert_eq!(super::static_fullname("nosuch"), None);
    }

    /// The statistics by command, a sorted `Vec` now, save as the `BTreeMap` they were and
    /// load from its bytes: a repeated name keeps its last value, an unknown name fails.
    #[test]
    fn command_stats_save_as_the_map_they_were() {
        use crate::engine::stats::CommandStats;
        use std::collections::BTreeMap;

        #[derive(serde::Serialize, serde::Deserialize)]
        struct Now(#[serde(with = "super::command_map")] Vec<(&'static str, CommandStats)>);
        let stats = |calls| CommandStats {
            calls,
            rejected_calls: 1,
            failed_calls: 2,
        };
        let now = Now(vec![("get", stats(3)), ("xgroup|create", stats(4))]);
        let before: BTreeMap<&str, CommandStats> =
            [("xgroup|create", stats(4)), ("get", stats(3))].into();
        let bytes = postcard::to_allocvec(&now).unwrap();
        assert_eq!(bytes, postcard::to_allocvec(&before).unwrap());
        let back: Now = postcard::from_bytes(&bytes).unwrap();
        let calls: Vec<_> = back.0.iter().map(|(n, c)| (*n, c.calls)).collect();
        assert_eq!(calls, [("get", 3), ("xgroup|create", 4)]);

        // Out of order and repeated, as no save writes but a damaged one may hold.
        let odd: Vec<(&str, CommandStats)> =
            vec![("xadd", stats(5)), ("get", stats(6)), ("xadd", stats(7))];
        let mut bytes = postcard::to_allocvec(&odd).unwrap();
        let back: Now = postcard::from_bytes(&bytes).unwrap();
        let calls: Vec<_> = back.0.iter().map(|(n, c)| (*n, c.calls)).collect();
        assert_eq!(calls, [("get", 6), ("xadd", 7)]);
        // `get` becomes `gex`, which no command is.
        let at = bytes.windows(3).position(|w| w == b"get").unwrap();
        bytes[at + 2] = b'x';
        assert!(postcard::from_bytes::<Now>(&bytes).is_err());
    }
}
