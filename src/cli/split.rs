//! `sdssplitargs`, the argument splitter redis-cli and redis-server share (REDIS-CLI.md §3.1): the
//! console splits typed lines with it and the server's inline protocol (`server::request`) splits
//! inline requests with it, so both answer a quoted line exactly as Redis does.
//!
//! This is a port of `cli-golden/scripts/cli_input.py`, the reference model checked against redis-cli
//! 7.0.15. It runs in the browser on whatever the user types, so nothing here panics.

/// Whether `b` is skipped between words: C `isspace` (space, TAB, LF, VT, FF, CR).
pub(super) fn is_blank(b: u8) -> bool {
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
}
