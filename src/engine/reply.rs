//! The reply value: the RESP3 superset every command answers with.
//!
//! A command builds a `Reply`; how it reaches a client is decided later and
//! elsewhere: `resp::encode` writes RESP2 or RESP3 bytes for the client's
//! protocol, and `crate::cli::format` prints what redis-cli would show. RESP2 has fewer
//! types, so `Reply::as_resp2` (and `to_resp2`, built on it) says how each RESP3 type degrades (a map becomes a
//! flat array, a double a bulk string, and so on), exactly as Redis does.

/// A reply value. Integers are signed, as in Redis.
#[derive(Clone, Debug, PartialEq, serde::Serialize, serde::Deserialize)]
pub enum Reply {
    /// `+OK`: a status line, printed raw (never quoted) by redis-cli.
    Simple(Vec<u8>),
    /// `-ERR ...`: the whole error line, code included (`ERR`, `WRONGTYPE`, ...).
    Error(Vec<u8>),
    Integer(i64),
    /// `$n` bulk string, binary safe.
    Bulk(Vec<u8>),
    /// The null bulk string: `$-1` in RESP2, `_` in RESP3.
    Null,
    /// The null array: `*-1` in RESP2, `_` in RESP3.
    NullArray,
    Array(Vec<Reply>),
    /// RESP3 map as key/value pairs in order; RESP2 writes a flat array.
    Map(Vec<(Reply, Reply)>),
    /// RESP3 set; RESP2 writes an array.
    Set(Vec<Reply>),
    /// RESP3 double, kept as the exact text Redis prints (`1.5`, `inf`);
    /// RESP2 writes it as a bulk string.
    Double(Vec<u8>),
    /// RESP3 boolean; RESP2 writes `:1` / `:0`.
    Boolean(bool),
    /// RESP3 verbatim string with its three-letter format (`txt`, `mkd`);
    /// RESP2 writes the text as a bulk string.
    Verbatim([u8; 3], Vec<u8>),
    /// RESP3 big number (decimal text); RESP2 writes a bulk string.
    BigNumber(Vec<u8>),
    /// RESP3 push frame (pub/sub messages, keyspace notifications);
    /// RESP2 writes an array.
    Push(Vec<Reply>),
    /// `*n` followed by fewer than n elements, in RESP2 and RESP3: EXEC writes its header
    /// before the queued commands run, and a queued CLIENT REPLY OFF drops the replies after
    /// it, so the array on the wire stays short (a client reading it takes the frames that
    /// come next for the missing elements). Only EXEC's reply is ever one.
    ShortArray(usize, Vec<Reply>),
}

impl Reply {
    /// `+OK`.
    pub fn ok() -> Reply {
        Reply::Simple(b"OK".to_vec())
    }

    pub fn simple(text: &str) -> Reply {
        Reply::Simple(text.as_bytes().to_vec())
    }

    pub fn bulk(bytes: impl Into<Vec<u8>>) -> Reply {
        Reply::Bulk(bytes.into())
    }

    /// An error line; the first word is the error code (`ERR`, `WRONGTYPE`).
    pub fn error(text: impl Into<Vec<u8>>) -> Reply {
        Reply::Error(text.into())
    }

    pub fn is_error(&self) -> bool {
        matches!(self, Reply::Error(_))
    }

    /// How a RESP2 client receives this value, as a RESP2 type borrowing this value's contents.
    /// This is the one place the downgrade rules live: `to_resp2` and the RESP2 encoder
    /// (`resp::encode`) both follow it, so the console and the wire cannot disagree.
    pub fn as_resp2(&self) -> Resp2<'_> {
        match self {
            Reply::Simple(s) => Resp2::Simple(s),
            Reply::Error(s) => Resp2::Error(s),
            Reply::Integer(n) => Resp2::Integer(*n),
            // A double, a big number and a verbatim string's text become bulk strings.
            Reply::Bulk(b) | Reply::Double(b) | Reply::BigNumber(b) | Reply::Verbatim(_, b) => {
                Resp2::Bulk(b)
            }
            Reply::Null => Resp2::Null,
            Reply::NullArray => Resp2::NullArray,
            // A boolean becomes `:1` / `:0`.
            Reply::Boolean(b) => Resp2::Integer(*b as i64),
            // Sets and pushes become arrays, maps flat arrays of keys and values.
            Reply::Array(items) | Reply::Set(items) | Reply::Push(items) => Resp2::Array(items),
            // What a short array holds, as an array: the encoders write its declared count.
            Reply::ShortArray(_, items) => Resp2::Array(items),
            Reply::Map(pairs) => Resp2::FlatMap(pairs),
        }
    }

    /// The value a RESP2 client receives for this reply: RESP3-only types are
    /// replaced by the RESP2 forms Redis writes for them (see [`Reply::as_resp2`]).
    pub fn to_resp2(&self) -> Reply {
        match self.as_resp2() {
            Resp2::Simple(s) => Reply::Simple(s.to_vec()),
            Resp2::Error(s) => Reply::Error(s.to_vec()),
            Resp2::Integer(n) => Reply::Integer(n),
            Resp2::Bulk(b) => Reply::Bulk(b.to_vec()),
            Resp2::Null => Reply::Null,
            Resp2::NullArray => Reply::NullArray,
            Resp2::Array(items) => Reply::Array(items.iter().map(Reply::to_resp2).collect()),
            Resp2::FlatMap(pairs) => Reply::Array(
                pairs
                    .iter()
                    .flat_map(|(k, v)| [k.to_resp2(), v.to_resp2()])
                    .collect(),
            ),
        }
    }

    /// The value as a client speaking `proto` receives it: what a console formats.
    pub fn for_protocol(&self, proto: Protocol) -> Reply {
        match proto {
            Protocol::Resp2 => self.to_resp2(),
            Protocol::Resp3 => self.clone(),
        }
    }
}

/// One value as RESP2 has it (see [`Reply::as_resp2`]): RESP2's types, borrowing the contents
/// of the RESP3 value they come from.
#[derive(Clone, Copy, Debug, PartialEq)]
pub enum Resp2<'a> {
    Simple(&'a [u8]),
    Error(&'a [u8]),
    Integer(i64),
    Bulk(&'a [u8]),
    /// `$-1`.
    Null,
    /// `*-1`.
    NullArray,
    /// An array of these values, each to be downgraded in turn.
    Array(&'a [Reply]),
    /// A map written as a flat array: key, value, key, value (`*<2n>`).
    FlatMap(&'a [(Reply, Reply)]),
}

/// The protocol a client speaks, chosen with `HELLO`.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Protocol {
    #[default]
    Resp2,
    Resp3,
}

impl Protocol {
    pub fn version(self) -> i64 {
        match self {
            Protocol::Resp2 => 2,
            Protocol::Resp3 => 3,
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// A value holding every variant, nested.
    fn every_variant() -> Reply {
        let leaves = vec![
            Reply::simple("OK"),
            Reply::error("ERR x"),
            Reply::Integer(-7),
            Reply::bulk("b"),
            Reply::Null,
            Reply::NullArray,
            Reply::Double(b"1.5".to_vec()),
            Reply::Boolean(true),
            Reply::Boolean(false),
            Reply::Verbatim(*b"txt", b"v".to_vec()),
            Reply::BigNumber(b"123".to_vec()),
        ];
        Reply::Push(vec![
            Reply::Array(leaves.clone()),
            Reply::Set(leaves.clone()),
            Reply::Map(vec![(
                Reply::bulk("k"),
                Reply::Map(vec![(Reply::Boolean(true), Reply::Set(leaves))]),
            )]),
        ])
    }

    fn is_resp2(r: &Reply) -> bool {
        match r {
            Reply::Simple(_) | Reply::Error(_) | Reply::Integer(_) | Reply::Bulk(_) => true,
            Reply::Null | Reply::NullArray => true,
            Reply::Array(items) => items.iter().all(is_resp2),
            _ => false,
        }
    }

    #[test]
    fn the_downgrade_leaves_only_resp2_types_and_is_idempotent() {
        let r = every_variant();
        let down = r.to_resp2();
        assert!(is_resp2(&down), "{down:?}");
        assert_eq!(down.to_resp2(), down);
        assert_eq!(r.for_protocol(Protocol::Resp2), down);
        assert_eq!(r.for_protocol(Protocol::Resp3), r);
        assert_eq!(
            Reply::Map(vec![(
                Reply::Boolean(false),
                Reply::Verbatim(*b"mkd", b"t".to_vec())
            )])
            .to_resp2(),
            Reply::Array(vec![Reply::Integer(0), Reply::bulk("t")])
        );
    }
}
