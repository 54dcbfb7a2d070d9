//! redis-cli's repeat prefix (REDIS-CLI.md §3.3) and the quoting that turns an argument back into
//! typed text (the inverse of `split::split_args`, §3.1).
//!
//! This is a port of `cli-golden/scripts/cli_input.py`, the reference model checked against redis-cli
//! 7.0.15. It runs in the browser on whatever the user types, so nothing here panics.

use super::format::quote_bulk;
use super::split::is_blank;
#[cfg(test)]
use super::split::split_args;

/// The repeat prefix (§3.3): `Ok((count, rest))`, or `Err(())` where redis-cli
/// prints `Invalid redis-cli repeat command option value.`
///
/// The first word is a count when the line has at least two words and C `strtol` (base 10) consumes
/// all of it: leading blanks, one optional sign, digits. An empty word counts too (it parses as 0).
/// A count must be above 0 and fit in a C `long` (64 bits); otherwise the line is rejected. When the
/// first word is not a count, the count is 1 and `rest` is the whole line.
#[allow(clippy::result_unit_err)]
pub fn parse_repeat(args: &[Vec<u8>]) -> Result<(u64, &[Vec<u8>]), ()> {
    let (Some(first), true) = (args.first(), args.len() >= 2) else {
        return Ok((1, args));
    };
    let mut i = 0;
    while i < first.len() && is_blank(first[i]) {
        i += 1;
    }
    let negative = first.get(i) == Some(&b'-');
    let digits_start = if matches!(first.get(i), Some(b'+' | b'-')) {
        i + 1
    } else {
        i
    };
    let mut end = digits_start;
    while end < first.len() && first[end].is_ascii_digit() {
        end += 1;
    }
    if end == digits_start {
        // Without digits `strtol` converts nothing and leaves its end pointer at the start of the
        // word, so the word is a count (of 0, hence rejected) only when it is empty.
        return if first.is_empty() {
            Err(())
        } else {
            Ok((1, args))
        };
    }
    if end < first.len() {
        // Something follows the digits (`1e3`, `0x10`): not a count, an ordinary command word.
        return Ok((1, args));
    }
    if negative {
        // Every negative value, and -0, is rejected; an overflowing one too.
        return Err(());
    }
    let mut value: i64 = 0;
    for &digit in &first[digits_start..end] {
        value = value
            .checked_mul(10)
            .and_then(|v| v.checked_add(i64::from(digit - b'0')))
            .ok_or(())?;
    }
    if value <= 0 {
        return Err(());
    }
    Ok((value.unsigned_abs(), &args[1..]))
}

/// Typed text for one argument: [`split_args`](super::split::split_args) reads it back as exactly `arg`, one word.
///
/// It is the bulk quoting of §4.2, which only writes escapes that double quotes understand, so the
/// round trip holds for every byte string (empty included: `""`).
pub fn quote_arg(arg: &[u8]) -> String {
    quote_bulk(arg)
}

/// Typed text for a whole command line: every argument quoted with [`quote_arg`], joined by spaces.
pub fn quote_args(args: &[Vec<u8>]) -> String {
    args.iter()
        .map(|arg| quote_arg(arg))
        .collect::<Vec<_>>()
        .join(" ")
}

#[cfg(test)]
mod tests {
    use super::*;

    fn repeat(line: &[u8]) -> Result<(u64, Vec<Vec<u8>>), ()> {
        let args = split_args(line).unwrap_or_default();
        parse_repeat(&args).map(|(count, rest)| (count, rest.to_vec()))
    }

    #[test]
    fn repeat_table() {
        // The table of §3.3.
        let ping = || vec![b"PING".to_vec()];
        assert_eq!(repeat(b"3 PING"), Ok((3, ping())));
        assert_eq!(
            repeat(b"2 INCR n"),
            Ok((2, vec![b"INCR".to_vec(), b"n".to_vec()]))
        );
        assert_eq!(repeat(b"+2 PING"), Ok((2, ping())));
        assert_eq!(repeat(b"\" 2\" PING"), Ok((2, ping())));
        assert_eq!(repeat(b" 007 PING"), Ok((7, ping())));
        assert_eq!(repeat(b"0 PING"), Err(()));
        assert_eq!(repeat(b"-1 PING"), Err(()));
        assert_eq!(repeat(b"99999999999999999999 PING"), Err(()));
        assert_eq!(repeat(b"\"\" PING"), Err(()));
        assert_eq!(repeat(b"3"), Ok((1, vec![b"3".to_vec()])));
        assert_eq!(
            repeat(b"1e3 PING"),
            Ok((1, vec![b"1e3".to_vec(), b"PING".to_vec()]))
        );
        assert_eq!(
            repeat(b"0x10 PING"),
            Ok((1, vec![b"0x10".to_vec(), b"PING".to_vec()]))
        );
        assert_eq!(
            repeat(b"2 3 PING"),
            Ok((2, vec![b"3".to_vec(), b"PING".to_vec()]))
        );
        assert_eq!(repeat(b"2 ECHO"), Ok((2, vec![b"ECHO".to_vec()])));
    }

    #[test]
    fn repeat_edges() {
        assert_eq!(
            repeat(b"9223372036854775807 PING").map(|r| r.0),
            Ok(i64::MAX as u64)
        );
        assert_eq!(repeat(b"9223372036854775808 PING"), Err(()));
        assert_eq!(repeat(b"-0 PING"), Err(()));
        assert_eq!(repeat(b"-99999999999999999999 PING"), Err(()));
        // A sign or blanks without digits are no number: an ordinary command word.
        assert_eq!(repeat(b"+ PING").map(|r| r.0), Ok(1));
        assert_eq!(repeat(b"\"  \" PING").map(|r| r.0), Ok(1));
        // Trailing blanks are not consumed by strtol.
        assert_eq!(repeat(b"\"2 \" PING").map(|r| r.0), Ok(1));
        assert_eq!(repeat(b"\"\x0b2\" PING").map(|r| r.0), Ok(2));
        assert_eq!(parse_repeat(&[]), Ok((1, &[][..])));
    }

    #[test]
    fn quoting_round_trips() {
        for arg in [
            &b""[..],
            b"plain",
            b"two words",
            b"\"'\\",
            b"\\x41",
            b"\x00\x01\xff",
            b"a\nb\r\t\x07\x08\x0b\x0c",
        ] {
            assert_eq!(
                split_args(quote_arg(arg).as_bytes()),
                Some(vec![arg.to_vec()])
            );
        }
        let args = vec![b"SET".to_vec(), b"".to_vec(), b"a b\"c".to_vec()];
        assert_eq!(quote_args(&args), r#""SET" "" "a b\"c""#);
        assert_eq!(split_args(quote_args(&args).as_bytes()), Some(args));
    }
}
