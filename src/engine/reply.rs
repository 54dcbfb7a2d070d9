//! The reply value: the RESP3 superset every command answers with.
//!
//! A command builds a `Reply`; how it reaches a client is decided later and
//! elsewhere: `resp::encode` writes RESP2 or RESP3 bytes for the client's
//! protocol, and `cli::format` prints what redis-cli would show. RESP2 has fewer
//! types, so `Reply::to_resp2` says how each RESP3 type degrades (a map becomes a
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

    /// The value a RESP2 client receives for this reply: RESP3-only types are
    /// replaced by the RESP2 forms Redis writes for them.
    pub fn to_resp2(&self) -> Reply {
        match self {
            Reply::Array(items) => Reply::Array(items.iter().map(Reply::to_resp2).collect()),
            Reply::Set(items) => Reply::Array(items.iter().map(Reply::to_resp2).collect()),
            Reply::Push(items) => Reply::Array(items.iter().map(Reply::to_resp2).collect()),
            Reply::Map(pairs) => {
                let mut flat = Vec::with_capacity(pairs.len() * 2);
                for (k, v) in pairs {
                    flat.push(k.to_resp2());
                    flat.push(v.to_resp2());
                }
                Reply::Array(flat)
            }
            Reply::Double(text) => Reply::Bulk(text.clone()),
            Reply::Boolean(b) => Reply::Integer(*b as i64),
            Reply::Verbatim(_, text) => Reply::Bulk(text.clone()),
            Reply::BigNumber(text) => Reply::Bulk(text.clone()),
            other => other.clone(),
        }
    }
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
