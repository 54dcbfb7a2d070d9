//! Saving and loading an engine's whole state with serde (postcard bytes in a
//! session's save format and checkpoints): the helpers for the fields a derive
//! cannot handle, which are command names held as `&'static str` (statistics
//! and a client's last command) and are looked up in the command table again
//! on load, so a loaded engine holds the very same names.

use std::collections::BTreeMap;

use serde::{Deserialize, Deserializer, Serialize, Serializer};

use super::table;

/// The table's own `&'static str` for a command's full name (`get`,
/// `xgroup|create`), or `None` when no command or subcommand has it.
pub(crate) fn static_fullname(name: &str) -> Option<&'static str> {
    table::help_entries()
        .into_iter()
        .map(|spec| spec.fullname)
        .find(|&full| full == name)
}

fn lookup<E: serde::de::Error>(name: &str) -> Result<&'static str, E> {
    static_fullname(name).ok_or_else(|| E::custom(format!("unknown command name `{name}`")))
}

/// `#[serde(with = "save::command_map")]` for maps keyed by command full name.
pub(crate) mod command_map {
    use super::*;

    pub fn serialize<V: Serialize, S: Serializer>(
        map: &BTreeMap<&'static str, V>,
        s: S,
    ) -> Result<S::Ok, S::Error> {
        map.serialize(s)
    }

    pub fn deserialize<'de, V: Deserialize<'de>, D: Deserializer<'de>>(
        d: D,
    ) -> Result<BTreeMap<&'static str, V>, D::Error> {
        let owned = BTreeMap::<String, V>::deserialize(d)?;
        owned
            .into_iter()
            .map(|(name, v)| Ok((lookup::<D::Error>(&name)?, v)))
            .collect()
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
        postcard::from_bytes(bytes).map_err(|e| format!("not a saved engine: {e}"))
    }
}
