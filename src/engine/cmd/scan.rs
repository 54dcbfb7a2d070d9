//! SCAN cursor [MATCH pattern] [COUNT count] [TYPE type]
//!
//! Redis walks its hash table in reverse-binary bucket order; the engine walks
//! keys in the order of a fixed hash of their bytes (`keyspace::scan_hash`),
//! and the cursor is the hash of the next key to visit. That keeps SCAN's
//! guarantees: a key present for the whole iteration is returned at least
//! once, whatever is added or removed meanwhile, and the iteration ends with
//! cursor 0. COUNT is how many keys are visited per call (all keys sharing the
//! last one's hash come together); MATCH, TYPE and expiry filter the visited
//! keys afterwards, so a call may return fewer keys than COUNT, even none.

use super::{c_str, is_kw, string2ll, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::{glob, Profile, Reply};

/// `parseScanCursorOrReply` of redis-server 7.0.15: C's `strtoul` in base 10, which
/// takes an optional sign (a negative number wraps around), stops at a NUL byte, and
/// must use up the whole argument; a leading blank or a value past `u64::MAX` is
/// refused. An empty argument is cursor 0.
///
/// Redis 8 (`string2ull`, as 8.0.2 answers): an argument `string2ll` reads is the
/// cursor unless negative; otherwise `strtoull`, which skips leading blanks, and must
/// read a non-empty argument to its end. So `""` and `-1` are refused there, while
/// `" 1"`, `+1` and `01` are cursors.
pub(super) fn parse_cursor(arg: &[u8], profile: Profile) -> Result<u64, Error> {
    let invalid = || Error::Other("ERR invalid cursor".into());
    let s = c_str(arg);
    let blank = |b: &u8| b.is_ascii_whitespace() || *b == 0x0b;
    let rest = match profile {
        Profile::V7 if s.first().is_some_and(blank) => return Err(invalid()),
        Profile::V7 if s.is_empty() => return Ok(0),
        Profile::V7 => s,
        Profile::V8 => match string2ll(s) {
            Some(v) => return u64::try_from(v).map_err(|_| invalid()),
            None => &s[s.iter().take_while(|b| blank(b)).count()..],
        },
    };
    let (negative, digits) = match rest.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, rest),
    };
    // strtoul read nothing: its end pointer stays at the start, short of the end.
    if digits.is_empty() {
        return Err(invalid());
    }
    let mut v: u64 = 0;
    for &d in digits {
        if !d.is_ascii_digit() {
            return Err(invalid());
        }
        v = v
            .checked_mul(10)
            .and_then(|v| v.checked_add(u64::from(d - b'0')))
            .ok_or_else(invalid)?;
    }
    Ok(if negative { v.wrapping_neg() } else { v })
}

/// The options of `scanGenericCommand` from `argv[start]` on: COUNT (at least 1, else a
/// syntax error), MATCH (`*` alone filters nothing), for SCAN only TYPE, and in profile 8
/// (7.4+) NOVALUES, which only HSCAN takes.
pub(super) struct ScanOptions<'a> {
    pub count: usize,
    pub pattern: Option<&'a [u8]>,
    pub type_name: Option<&'a [u8]>,
    pub novalues: bool,
}

/// What is being scanned, which decides the options it takes.
#[derive(Clone, Copy, PartialEq)]
pub(super) enum ScanOf {
    Keys,
    Hash,
    Set,
}

pub(super) fn parse_options<'a>(
    cx: &Cx,
    argv: &'a [Vec<u8>],
    start: usize,
    of: ScanOf,
) -> Result<ScanOptions<'a>, Error> {
    let v8 = cx.engine.profile() == crate::engine::Profile::V8;
    let mut count: i64 = 10;
    let mut pattern: Option<&[u8]> = None;
    let mut type_name: Option<&[u8]> = None;
    let mut novalues = false;
    let mut i = start;
    while i < argv.len() {
        let left = argv.len() - i;
        if v8 && is_kw(&argv[i], "novalues") {
            if of != ScanOf::Hash {
                return Err(Error::Other(
                    "ERR NOVALUES option can only be used in HSCAN".into(),
                ));
            }
            novalues = true;
            i += 1;
            continue;
        }
        if is_kw(&argv[i], "count") && left >= 2 {
            count = super::arg_i64(&argv[i + 1])?;
            if count < 1 {
                return Err(Error::Syntax);
            }
        } else if is_kw(&argv[i], "match") && left >= 2 {
            // `*` alone matches everything: no filtering at all.
            pattern = Some(&argv[i + 1])
                .filter(|p| p.as_slice() != b"*")
                .map(|p| p.as_slice());
        } else if is_kw(&argv[i], "type") && of == ScanOf::Keys && left >= 2 {
            type_name = Some(&argv[i + 1]);
        } else {
            return Err(Error::Syntax);
        }
        i += 2;
    }
    Ok(ScanOptions {
        count: usize::try_from(count).unwrap_or(usize::MAX),
        pattern,
        type_name,
        novalues,
    })
}

pub(super) fn scan(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let cursor = parse_cursor(&argv[1], cx.engine.profile())?;
    let ScanOptions {
        count,
        pattern,
        type_name,
        ..
    } = parse_options(cx, argv, 2, ScanOf::Keys)?;

    let now = cx.now_ms;
    let (visited, next) = cx.db().scan(cursor, count);
    let mut keys = Vec::new();
    for key in visited {
        if pattern.is_some_and(|p| !glob::matches(p, &key, false)) {
            continue;
        }
        // The lookup removes an expired key (Redis's expireIfNeeded here).
        // With TYPE, Redis checks the type first, and a key that the check
        // found expired has type "none": `TYPE none` returns it.
        if type_name.is_some() {
            // `lookupKeyReadWithFlags`, which counts a hit or a miss.
            cx.count_read_lookup(&key);
        }
        let kind = cx.db().get(&key, now).map(|e| e.value.type_name());
        let keep = match type_name {
            Some(wanted) => c_str(wanted).eq_ignore_ascii_case(kind.unwrap_or("none").as_bytes()),
            None => kind.is_some(),
        };
        if keep {
            keys.push(Reply::Bulk(key));
        }
    }
    Ok(Reply::Array(vec![
        Reply::Bulk(next.to_string().into_bytes()),
        Reply::Array(keys),
    ])
    .into())
}

#[cfg(test)]
mod tests {
    use super::parse_cursor;
    use crate::engine::Profile;

    #[test]
    fn cursor_is_parsed_as_strtoul() {
        let p = |s: &[u8]| parse_cursor(s, Profile::V7);
        assert_eq!(p(b"0"), Ok(0));
        assert_eq!(p(b""), Ok(0));
        assert_eq!(p(b"+7"), Ok(7));
        assert_eq!(p(b"-1"), Ok(u64::MAX));
        assert_eq!(p(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(p(b"-18446744073709551615"), Ok(1));
        assert_eq!(p(b"5\0junk"), Ok(5));
        for bad in [
            &b"18446744073709551616"[..],
            b"abc",
            b" 1",
            b"1 ",
            b"0x1",
            b"-",
            b"+",
            b"1.5",
        ] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
    }

    /// Redis 8.0.2's answers (`string2ull`): checked against it by hand with
    /// `SCAN <cursor> COUNT 1`.
    #[test]
    fn cursor_is_parsed_as_string2ull_in_profile_8() {
        let p = |s: &[u8]| parse_cursor(s, Profile::V8);
        assert_eq!(p(b"0"), Ok(0));
        assert_eq!(p(b" 1"), Ok(1));
        assert_eq!(p(b"+1"), Ok(1));
        assert_eq!(p(b"01"), Ok(1));
        assert_eq!(p(b" -1"), Ok(u64::MAX));
        assert_eq!(p(b"18446744073709551615"), Ok(u64::MAX));
        assert_eq!(p(b"5\0junk"), Ok(5));
        for bad in [
            &b""[..],
            b"-1",
            b"1 ",
            b"18446744073709551616",
            b"0x1",
            b" ",
        ] {
            assert!(p(bad).is_err(), "{bad:?}");
        }
    }
}
