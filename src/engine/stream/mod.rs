//! The stream data type: IDs and their grammar (SPEC §2.1), the stored log
//! (`store.rs`, Redis's macro-node layout of §2.2) and the reply shape of an
//! entry. The commands live in `cmd/x*.rs`.

use std::fmt;

use super::error::Error;
use super::Reply;

mod groups;
pub(crate) mod listpack;
mod pel_time;
mod refs;
mod store;

pub(crate) use groups::{AutoClaimed, ClaimSpec, Group, ENTRIES_READ_UNKNOWN};

#[allow(unused_imports)] // `Fields` is API for the consumer-group commands
pub(crate) use store::{
    EntryRef, Fields, NodeInfo, NodeLimits, RefMode, Stream, TrimSpec, TrimStrategy,
};

/// A stream entry ID: milliseconds and a sequence number, ordered as a pair.
#[derive(Clone, Copy, Debug, PartialEq, Eq, PartialOrd, Ord, Hash, Default)]
pub struct StreamId {
    pub ms: u64,
    pub seq: u64,
}

impl StreamId {
    /// `0-0`.
    pub const MIN: StreamId = StreamId { ms: 0, seq: 0 };
    /// `18446744073709551615-18446744073709551615`.
    pub const MAX: StreamId = StreamId {
        ms: u64::MAX,
        seq: u64::MAX,
    };

    pub const fn new(ms: u64, seq: u64) -> StreamId {
        StreamId { ms, seq }
    }

    /// The ID right after this one (`streamIncrID`); `None` after `MAX`.
    pub fn next(self) -> Option<StreamId> {
        if self.seq < u64::MAX {
            Some(StreamId::new(self.ms, self.seq + 1))
        } else if self.ms < u64::MAX {
            Some(StreamId::new(self.ms + 1, 0))
        } else {
            None
        }
    }

    /// The ID right before this one (`streamDecrID`); `None` before `MIN`.
    pub fn prev(self) -> Option<StreamId> {
        if self.seq > 0 {
            Some(StreamId::new(self.ms, self.seq - 1))
        } else if self.ms > 0 {
            Some(StreamId::new(self.ms - 1, u64::MAX))
        } else {
            None
        }
    }

    /// The ID as a bulk string reply.
    pub fn reply(self) -> Reply {
        Reply::Bulk(self.to_bytes())
    }

    /// `ms-seq` as bytes.
    pub fn to_bytes(self) -> Vec<u8> {
        let mut out = Vec::with_capacity(41);
        push_decimal(&mut out, self.ms);
        out.push(b'-');
        push_decimal(&mut out, self.seq);
        out
    }
}

/// In a human-readable format (JSON for the page and the JS API) an ID is its
/// `ms-seq` text, as Redis prints it; in a binary format (postcard, saved
/// engines) it is the pair of numbers, which is smaller and needs no parsing.
impl serde::Serialize for StreamId {
    fn serialize<S: serde::Serializer>(&self, s: S) -> Result<S::Ok, S::Error> {
        if s.is_human_readable() {
            s.collect_str(self)
        } else {
            (self.ms, self.seq).serialize(s)
        }
    }
}

impl<'de> serde::Deserialize<'de> for StreamId {
    fn deserialize<D: serde::Deserializer<'de>>(d: D) -> Result<StreamId, D::Error> {
        use serde::de::Error as _;
        if d.is_human_readable() {
            let text = String::deserialize(d)?;
            let (ms, seq) = text
                .split_once('-')
                .ok_or_else(|| D::Error::custom("a stream ID is `ms-seq`"))?;
            let num = |t: &str| t.parse::<u64>().map_err(D::Error::custom);
            Ok(StreamId::new(num(ms)?, num(seq)?))
        } else {
            let (ms, seq) = <(u64, u64)>::deserialize(d)?;
            Ok(StreamId::new(ms, seq))
        }
    }
}

impl fmt::Display for StreamId {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}-{}", self.ms, self.seq)
    }
}

fn push_decimal(out: &mut Vec<u8>, mut v: u64) {
    let mut buf = [0u8; 20];
    let mut i = buf.len();
    loop {
        i -= 1;
        buf[i] = b'0' + (v % 10) as u8;
        v /= 10;
        if v == 0 {
            break;
        }
    }
    out.extend_from_slice(&buf[i..]);
}

/// `ERR Invalid stream ID specified as stream command argument`.
pub(crate) fn invalid_id() -> Error {
    Error::Other("ERR Invalid stream ID specified as stream command argument".into())
}

/// C's `isspace` in the "C" locale.
fn c_isspace(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Redis's `string2ull`: strict `string2ll` (a negative value is refused),
/// then C's `strtoull(s, &end, 10)`, which must consume the whole string:
/// leading blanks, a `+` or `-` sign (a `-` negates modulo 2^64), at least
/// one digit, no overflow. `s` is a C string (no NUL inside).
pub(crate) fn string2ull(s: &[u8]) -> Option<u64> {
    if let Some(v) = super::num::string2ll(s) {
        return u64::try_from(v).ok();
    }
    let mut i = 0;
    while i < s.len() && c_isspace(s[i]) {
        i += 1;
    }
    let mut negative = false;
    if i < s.len() && (s[i] == b'+' || s[i] == b'-') {
        negative = s[i] == b'-';
        i += 1;
    }
    let digits = &s[i..];
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: u64 = 0;
    for &d in digits {
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    Some(if negative { v.wrapping_neg() } else { v })
}

/// What `streamGenericParseIDOrReply` read: the ID, and whether a sequence
/// was given (`false` only for `<ms>-*` when `allow_star_seq`).
fn parse_id_generic(
    arg: &[u8],
    strict: bool,
    missing_seq: u64,
    allow_star_seq: bool,
) -> Result<(StreamId, bool), Error> {
    // The argument is copied into a 128-byte buffer: longer is invalid; the
    // copy is then read as a C string.
    if arg.len() > 127 {
        return Err(invalid_id());
    }
    let buf = super::cmd::c_str(arg);
    if buf == b"-" || buf == b"+" {
        if strict {
            return Err(invalid_id());
        }
        return Ok((
            if buf == b"-" {
                StreamId::MIN
            } else {
                StreamId::MAX
            },
            true,
        ));
    }
    let (ms_part, seq_part) = match buf.iter().position(|&b| b == b'-') {
        Some(i) => (&buf[..i], Some(&buf[i + 1..])),
        None => (buf, None),
    };
    let ms = string2ull(ms_part).ok_or_else(invalid_id)?;
    match seq_part {
        None => Ok((StreamId::new(ms, missing_seq), true)),
        Some(b"*") if allow_star_seq => Ok((StreamId::new(ms, 0), false)),
        Some(seq) => Ok((
            StreamId::new(ms, string2ull(seq).ok_or_else(invalid_id)?),
            true,
        )),
    }
}

/// Parses a stream ID argument (SPEC §2.1): at most 127 bytes, `-`/`+` only
/// when not `strict`, `<ms>` alone takes `missing_seq`, each number read by
/// `string2ull`.
pub(crate) fn parse_id(arg: &[u8], strict: bool, missing_seq: u64) -> Result<StreamId, Error> {
    parse_id_generic(arg, strict, missing_seq, false).map(|(id, _)| id)
}

/// XADD's explicit ID: strict, and `<ms>-*` allowed (the `bool` is false then:
/// the sequence is to be generated).
pub(crate) fn parse_xadd_id(arg: &[u8]) -> Result<(StreamId, bool), Error> {
    parse_id_generic(arg, true, 0, true)
}

/// An interval bound of XRANGE/XREVRANGE/XPENDING (`streamParseIntervalIDOrReply`):
/// a `(` prefix (with something after it) makes it exclusive, and what follows
/// is then parsed strictly. Returns the ID and whether it is exclusive.
pub(crate) fn parse_interval_id(arg: &[u8], missing_seq: u64) -> Result<(StreamId, bool), Error> {
    if arg.len() > 1 && arg[0] == b'(' {
        Ok((parse_id(&arg[1..], true, missing_seq)?, true))
    } else {
        Ok((parse_id(arg, false, missing_seq)?, false))
    }
}

/// The reply for one entry: `*2 [$id, *2n [f1 v1 ...]]`.
pub(crate) fn entry_reply(id: StreamId, fields: &[(Vec<u8>, Vec<u8>)]) -> Reply {
    let mut flat = Vec::with_capacity(fields.len() * 2);
    for (f, v) in fields {
        flat.push(Reply::Bulk(f.clone()));
        flat.push(Reply::Bulk(v.clone()));
    }
    Reply::Array(vec![id.reply(), Reply::Array(flat)])
}

/// The reply for a stored entry (as `entry_reply`, built from the stored bytes).
pub(crate) fn entry_ref_reply(id: StreamId, entry: EntryRef<'_>) -> Reply {
    let mut flat = Vec::with_capacity(8);
    entry.visit(|f, v| {
        flat.push(Reply::Bulk(f.to_vec()));
        flat.push(Reply::Bulk(v.to_vec()));
    });
    Reply::Array(vec![id.reply(), Reply::Array(flat)])
}

#[cfg(test)]
mod tests;
