//! The hash type: fields and their values, in Redis's two encodings. A small hash is a
//! `listpack` (fields in insertion order, an updated field keeps its place); past
//! `hash-max-listpack-entries` (512, redis-server's built-in default; the shipped
//! redis.conf says 128) fields, or once a field or value longer than
//! `hash-max-listpack-value` (64 bytes) arrives, it becomes a `hashtable` for good, whose
//! order (a fixed hash of each field, `members::Table`) is the engine's own. The commands
//! live in `cmd/h*.rs`.

use super::members::{self, Table};

/// `hash-max-listpack-entries`: a listpack with more fields becomes a hashtable.
pub(crate) const MAX_LISTPACK_ENTRIES: usize = 512;
/// `hash-max-listpack-value`: a longer field or value makes the hash a hashtable.
pub(crate) const MAX_LISTPACK_VALUE: usize = 64;

/// A field and its value, borrowed.
pub(crate) type Pair<'a> = (&'a [u8], &'a [u8]);

/// A hash and the bytes it holds (kept by every change, so that the keyspace's byte
/// count does not walk the hash on each write).
#[derive(Clone, Debug, PartialEq, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Hash {
    enc: Enc,
    bytes: usize,
}

#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
enum Enc {
    /// Field/value pairs in insertion order.
    Listpack(Vec<(Vec<u8>, Vec<u8>)>),
    Table(Table<Vec<u8>>),
}

impl Default for Enc {
    fn default() -> Enc {
        Enc::Listpack(Vec::new())
    }
}

/// Bytes charged per field on top of its field and value bytes: a listpack entry's
/// headers, or a hash table entry with its two strings.
fn overhead(listpack: bool) -> usize {
    if listpack {
        4
    } else {
        40
    }
}

impl Hash {
    pub fn len(&self) -> usize {
        match &self.enc {
            Enc::Listpack(v) => v.len(),
            Enc::Table(t) => t.len(),
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// The name `OBJECT ENCODING` reports.
    pub fn encoding(&self) -> &'static str {
        match self.enc {
            Enc::Listpack(_) => "listpack",
            Enc::Table(_) => "hashtable",
        }
    }

    /// The bytes held (MEMORY USAGE, `maxmemory`).
    pub fn mem_size(&self) -> usize {
        self.bytes
    }

    pub fn get(&self, field: &[u8]) -> Option<&[u8]> {
        match &self.enc {
            Enc::Listpack(v) => v.iter().find(|(f, _)| f == field).map(|(_, v)| &v[..]),
            Enc::Table(t) => t.get(field).map(|v| &v[..]),
        }
    }

    /// The first `n` fields and values in the encoding's order (the keyspace view's glimpse).
    pub fn first_pairs(&self, n: usize) -> Vec<(Vec<u8>, Vec<u8>)> {
        match &self.enc {
            Enc::Listpack(v) => v
                .iter()
                .take(n)
                .map(|(f, v)| (f.to_vec(), v.to_vec()))
                .collect(),
            Enc::Table(t) => t
                .iter()
                .take(n)
                .map(|(f, v)| (f.to_vec(), v.to_vec()))
                .collect(),
        }
    }

    /// Every field and value in the encoding's order.
    pub fn pairs(&self) -> Vec<Pair<'_>> {
        match &self.enc {
            Enc::Listpack(v) => v.iter().map(|(f, v)| (&f[..], &v[..])).collect(),
            Enc::Table(t) => t.iter().map(|(f, v)| (f, &v[..])).collect(),
        }
    }

    /// `hashTypeConvert` to a hashtable (never back).
    fn convert(&mut self) {
        if let Enc::Listpack(v) = &mut self.enc {
            let mut t = Table::default();
            for (f, val) in std::mem::take(v) {
                t.insert(f, val);
            }
            self.bytes += t.len() * (overhead(false) - overhead(true));
            self.enc = Enc::Table(t);
        }
    }

    /// `hashTypeTryConversion`: a listpack becomes a hashtable before a write when any
    /// of the strings written is longer than `hash-max-listpack-value`.
    pub fn try_conversion(&mut self, args: &[Vec<u8>]) {
        if args.iter().any(|a| a.len() > MAX_LISTPACK_VALUE) {
            self.convert();
        }
    }

    /// `hashTypeSet`: sets `field` to `value`; true when the field is new. A listpack that
    /// grows past `hash-max-listpack-entries` becomes a hashtable.
    pub fn set(&mut self, field: &[u8], value: Vec<u8>) -> bool {
        if field.len() > MAX_LISTPACK_VALUE || value.len() > MAX_LISTPACK_VALUE {
            self.convert();
        }
        let listpack = matches!(self.enc, Enc::Listpack(_));
        let added = value.len();
        let old = match &mut self.enc {
            Enc::Listpack(v) => match v.iter_mut().find(|(f, _)| f == field) {
                Some((_, slot)) => Some(std::mem::replace(slot, value)),
                None => {
                    v.push((field.to_vec(), value));
                    None
                }
            },
            Enc::Table(t) => t.insert(field.to_vec(), value),
        };
        let new = old.is_none();
        match old {
            Some(old) => self.bytes = self.bytes + added - old.len(),
            None => self.bytes += field.len() + added + overhead(listpack),
        }
        if self.len() > MAX_LISTPACK_ENTRIES {
            self.convert();
        }
        new
    }

    /// `hashTypeDelete`: true when the field existed.
    pub fn remove(&mut self, field: &[u8]) -> bool {
        let listpack = matches!(self.enc, Enc::Listpack(_));
        let old = match &mut self.enc {
            Enc::Listpack(v) => v
                .iter()
                .position(|(f, _)| f == field)
                .map(|i| v.remove(i).1),
            Enc::Table(t) => t.remove(field),
        };
        match old {
            Some(old) => {
                self.bytes -= field.len() + old.len() + overhead(listpack);
                true
            }
            None => false,
        }
    }

    /// The pair at `index` (0..len) in the encoding's order, for random picks.
    pub fn nth(&self, index: usize) -> Option<(&[u8], &[u8])> {
        match &self.enc {
            Enc::Listpack(v) => v.get(index).map(|(f, v)| (&f[..], &v[..])),
            Enc::Table(t) => t.nth(index).map(|(f, v)| (f, &v[..])),
        }
    }

    /// One HSCAN step: a listpack answers everything at once (cursor 0, as Redis does
    /// for its small encodings); a hashtable visits about `count` fields from `cursor`.
    pub fn scan(&self, cursor: u64, count: usize) -> (Vec<Pair<'_>>, u64) {
        match &self.enc {
            Enc::Listpack(_) => (self.pairs(), 0),
            Enc::Table(t) => {
                let (items, next) = members::scan(t.range_from(cursor), count);
                (items.into_iter().map(|(f, v)| (f, &v[..])).collect(), next)
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::test_util::argv;
    use crate::engine::{Config, Engine, Profile, Reply};

    #[test]
    fn conversions_and_byte_count() {
        let mut h = Hash::default();
        assert!(h.set(b"a", b"1".to_vec()) && !h.set(b"a", b"22".to_vec()));
        assert!(h.set(b"b", b"3".to_vec()));
        assert_eq!(h.encoding(), "listpack");
        assert_eq!(h.mem_size(), 1 + 2 + 1 + 1 + 2 * overhead(true));
        h.try_conversion(&[vec![b'x'; 64]]);
        assert_eq!(h.encoding(), "listpack");
        h.try_conversion(&[vec![b'x'; 65]]);
        assert_eq!(h.encoding(), "hashtable");
        assert_eq!(h.mem_size(), 1 + 2 + 1 + 1 + 2 * overhead(false));
        assert!(h.remove(b"a") && !h.remove(b"a"));
        assert_eq!(h.mem_size(), 1 + 1 + overhead(false));
        let mut big = Hash::default();
        for i in 0..=MAX_LISTPACK_ENTRIES {
            big.set(i.to_string().as_bytes(), vec![]);
        }
        assert_eq!((big.len(), big.encoding()), (513, "hashtable"));
    }

    /// Hashes and sets survive `Engine::save`/`load` with their encodings and orders, and
    /// the inspect API lists them with their sizes.
    #[test]
    fn saved_and_inspected() {
        let mut e = Engine::new(Config {
            profile: Profile::V8,
            ..Config::default()
        });
        let c = e.connect(0);
        for line in [
            "HSET h z 1 a 2",
            "SADD s b a 3",
            "SADD i 3 1 2",
            "HSET big f xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
        ] {
            e.execute(c, argv(line), 0);
        }
        let mut loaded = Engine::load(&e.save()).expect("loads");
        let c2 = loaded.connect(0);
        for (line, want) in [
            ("HKEYS h", vec!["z", "a"]),
            ("SMEMBERS s", vec!["b", "a", "3"]),
            ("SMEMBERS i", vec!["1", "2", "3"]),
        ] {
            let bulks = want.iter().map(|w| Reply::bulk(w.as_bytes())).collect();
            let expected = if line.starts_with('S') {
                Reply::Set(bulks)
            } else {
                Reply::Array(bulks)
            };
            assert_eq!(
                loaded.execute(c2, argv(line), 0).reply,
                Some(expected),
                "{line}"
            );
        }
        for (key, enc) in [
            ("h", "listpack"),
            ("s", "listpack"),
            ("i", "intset"),
            ("big", "hashtable"),
        ] {
            let line = format!("OBJECT ENCODING {key}");
            assert_eq!(
                loaded.execute(c2, argv(&line), 0).reply,
                Some(Reply::bulk(enc))
            );
        }
        let keys = loaded.inspect_keys(0, 0, 10);
        let sizes: Vec<(String, String, u64)> = keys
            .keys
            .iter()
            .map(|k| {
                (
                    String::from_utf8_lossy(&k.name).into(),
                    k.type_name.clone(),
                    k.size,
                )
            })
            .collect();
        assert_eq!(
            sizes,
            vec![
                ("big".into(), "hash".into(), 1),
                ("h".into(), "hash".into(), 2),
                ("i".into(), "set".into(), 3),
                ("s".into(), "set".into(), 3),
            ]
        );
    }
}
