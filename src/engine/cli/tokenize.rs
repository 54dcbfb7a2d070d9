//! redis-cli's line splitting (REDIS-CLI.md §3.1, `sdssplitargs`), its repeat prefix (§3.3) and the
//! quoting that turns an argument back into typed text.
//!
//! This is a port of `cli-golden/scripts/cli_input.py`, the reference model checked against redis-cli
//! 7.0.15. It runs in the browser on whatever the user types, so nothing here panics.

use super::format::quote_bulk;

/// Whether `b` is skipped between words: C `isspace` (space, TAB, LF, VT, FF, CR).
fn is_blank(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// The value of an ASCII hex digit, either case.
fn hex_value(b: u8) -> Option<u8> {
    match b {
        b'0'..=b'9' => Some(b - b'0'),
        b'a'..=b'f' => Some(b - b'a' + 10),
        b'A'..=b'F' => Some(b - b'A' + 10),
        _ => None,
    }
}

/// Splits a typed line into arguments; `None` where redis-cli prints `Invalid argument(s)`.
///
/// The rules are those of `sdssplitargs`: blanks between words are skipped; an unquoted word ends at
/// space, TAB, LF or CR and keeps backslashes; a quote anywhere in a word opens a quoted section of the
/// same word; double quotes know `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a` and take any other escaped byte
/// literally; single quotes only know `\'`; a closing quote must be followed by a blank or the end; an
/// unclosed quote makes the line invalid.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    // redis-cli hands the line to `sdssplitargs` as a C string, so it ends at the first NUL byte.
    let line = match line.iter().position(|&b| b == 0) {
        Some(nul) => &line[..nul],
        None => line,
    };
    // Reading past the end gives the C string's terminating NUL, which is what the C code tests for.
    let at = |i: usize| -> u8 { line.get(i).copied().unwrap_or(0) };
    let mut p = 0;
    let mut args = Vec::new();
    loop {
        while p < line.len() && is_blank(line[p]) {
            p += 1;
        }
        if p >= line.len() {
            return Some(args);
        }
        let mut word = Vec::new();
        let mut in_double = false;
        let mut in_single = false;
        let mut done = false;
        while !done {
            let c = at(p);
            if in_double {
                let hex = (hex_value(at(p + 2)), hex_value(at(p + 3)));
                if let (b'\\', b'x', (Some(high), Some(low))) = (c, at(p + 1), hex) {
                    word.push(high * 16 + low);
                    p += 3;
                } else if c == b'\\' && at(p + 1) != 0 {
                    p += 1;
                    word.push(match at(p) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    // The closing quote must be followed by a blank or by the end of the line.
                    if at(p + 1) != 0 && !is_blank(at(p + 1)) {
                        return None;
                    }
                    done = true;
                } else if c == 0 {
                    // The line ended inside the quotes.
                    return None;
                } else {
                    word.push(c);
                }
            } else if in_single {
                if c == b'\\' && at(p + 1) == b'\'' {
                    p += 1;
                    word.push(b'\'');
                } else if c == b'\'' {
                    if at(p + 1) != 0 && !is_blank(at(p + 1)) {
                        return None;
                    }
                    done = true;
                } else if c == 0 {
                    return None;
                } else {
                    word.push(c);
                }
            } else {
                match c {
                    // Unlike the blanks skipped between words, VT and FF do not end a word.
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => done = true,
                    b'"' => in_double = true,
                    b'\'' => in_single = true,
                    _ => word.push(c),
                }
            }
            if at(p) != 0 {
                p += 1;
            }
        }
        args.push(word);
    }
}

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

/// Typed text for one argument: [`split_args`] reads it back as exactly `arg`, one word.
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

    /// What `split_args` returns.
    type Words = Option<Vec<Vec<u8>>>;

    fn words(list: &[&[u8]]) -> Words {
        Some(list.iter().map(|w| w.to_vec()).collect())
    }

    #[test]
    fn splitting_table() {
        // The table of §3.1 (the words after ECHO are what the server echoes).
        let cases: &[(&[u8], Words)] = &[
            (br#"ECHO "a b""#, words(&[b"ECHO", b"a b"])),
            (b"ECHO 'a b'", words(&[b"ECHO", b"a b"])),
            (br#"ECHO foo"bar baz""#, words(&[b"ECHO", b"foobar baz"])),
            (br#"ECHO "foo"bar"#, None),
            (br#"ECHO "unterminated"#, None),
            (br"ECHO 'ends with backslash\'", None),
            (br#"ECHO """#, words(&[b"ECHO", b""])),
            (br#"ECHO "  spaced  ""#, words(&[b"ECHO", b"  spaced  "])),
            (br"ECHO a\nb", words(&[b"ECHO", br"a\nb"])),
            (br"ECHO 'a\nb'", words(&[b"ECHO", br"a\nb"])),
            (br#"ECHO "a\nb""#, words(&[b"ECHO", b"a\nb"])),
            (br#"ECHO "\e\z\?""#, words(&[b"ECHO", b"ez?"])),
            (br#"ECHO "\x41\x4A\x4a""#, words(&[b"ECHO", b"AJJ"])),
            (br#"ECHO "\xZZ\x4""#, words(&[b"ECHO", b"xZZx4"])),
            (
                "SET uni \"héllo ✓\"".as_bytes(),
                words(&[b"SET", b"uni", "héllo ✓".as_bytes()]),
            ),
            (b"   PING   ", words(&[b"PING"])),
            (br#"ECHO "x"  "y""#, words(&[b"ECHO", b"x", b"y"])),
            (br#""""#, words(&[b""])),
            (b"", words(&[])),
            (b" \t\x0b\x0c\r\n", words(&[])),
        ];
        for (line, expected) in cases {
            assert_eq!(
                split_args(line),
                *expected,
                "{}",
                String::from_utf8_lossy(line)
            );
        }
    }

    #[test]
    fn splitting_rules() {
        // Named escapes and escaped quotes in double quotes.
        assert_eq!(
            split_args(br#""\t\r\b\a\\\"'""#),
            words(&[b"\t\r\x08\x07\\\"'"])
        );
        // Single quotes: only \' is an escape, and 'a\\' never closes.
        assert_eq!(split_args(br"'it\'s'"), words(&[b"it's"]));
        assert_eq!(split_args(br"'a\\'"), None);
        assert_eq!(split_args(br#"'a"b'"#), words(&[b"a\"b"]));
        // A closing quote needs a blank or the end after it.
        assert_eq!(split_args(b"'foo'bar"), None);
        assert_eq!(split_args(br#""a""b""#), None);
        assert_eq!(split_args(br#""a" "b""#), words(&[b"a", b"b"]));
        assert_eq!(split_args(b"\"a\"\x0bb"), words(&[b"a", b"b"]));
        // VT and FF are skipped between words but do not end an unquoted word.
        assert_eq!(split_args(b"a\x0bb\x0cc"), words(&[b"a\x0bb\x0cc"]));
        assert_eq!(split_args(b"a\tb\rc\nd"), words(&[b"a", b"b", b"c", b"d"]));
        // The line ends at its first NUL byte.
        assert_eq!(split_args(b"GET k\x00ignored"), words(&[b"GET", b"k"]));
        assert_eq!(split_args(b"ECHO \"open\x00\" more"), None);
        // A backslash at the very end of a double-quoted section cannot escape the missing quote.
        assert_eq!(split_args(b"\"a\\"), None);
        // A truncated \x escape takes the x literally.
        assert_eq!(split_args(br#""\x4""#), words(&[b"x4"]));
        assert_eq!(split_args(br#""\xff\x00""#), words(&[b"\xff\x00"]));
        assert_eq!(split_args(b"\xff\xfe"), words(&[b"\xff\xfe"]));
    }

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
            assert_eq!(split_args(quote_arg(arg).as_bytes()), words(&[arg]));
        }
        let args = vec![b"SET".to_vec(), b"".to_vec(), b"a b\"c".to_vec()];
        assert_eq!(quote_args(&args), r#""SET" "" "a b\"c""#);
        assert_eq!(split_args(quote_args(&args).as_bytes()), Some(args));
    }
}
