//! One logical database: keys and their values.

use std::collections::HashMap;

/// A key's value. More types (streams) arrive with their commands.
#[derive(Clone, Debug, PartialEq)]
pub(crate) enum Value {
    String(Vec<u8>),
}

impl Value {
    /// The name `TYPE` reports.
    #[allow(dead_code)]
    pub fn type_name(&self) -> &'static str {
        match self {
            Value::String(_) => "string",
        }
    }
}

/// A key's value with its expiry time (absolute, engine clock).
#[derive(Clone, Debug, PartialEq)]
pub(crate) struct Entry {
    pub value: Value,
    pub expires_at_ms: Option<u64>,
}

#[derive(Default, Debug)]
pub(crate) struct Db {
    entries: HashMap<Vec<u8>, Entry>,
}

impl Db {
    /// The live entry at `key`; an entry whose expiry has passed is removed
    /// first (lazy expiry).
    pub fn get(&mut self, key: &[u8], now_ms: u64) -> Option<&mut Entry> {
        if self
            .entries
            .get(key)
            .is_some_and(|e| e.expires_at_ms.is_some_and(|t| t <= now_ms))
        {
            self.entries.remove(key);
        }
        self.entries.get_mut(key)
    }

    pub fn contains(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.get(key, now_ms).is_some()
    }

    pub fn set(&mut self, key: Vec<u8>, entry: Entry) {
        self.entries.insert(key, entry);
    }

    /// Removes a live key; returns whether it existed.
    pub fn remove(&mut self, key: &[u8], now_ms: u64) -> bool {
        self.get(key, now_ms).is_some() && self.entries.remove(key).is_some()
    }

    #[allow(dead_code)]
    pub fn len(&self) -> usize {
        self.entries.len()
    }
}
