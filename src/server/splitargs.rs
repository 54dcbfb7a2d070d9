//! The splitting of an inline request line into arguments: Redis's `sdssplitargs`.
//!
//! The server keeps its own copy rather than sharing the console tokenizer so
//! that the wire protocol follows redis-server's source even while the console
//! side changes. The rules: blanks (C `isspace`) between words are skipped; an
//! unquoted word ends at space, TAB, LF, CR or the end and keeps backslashes; a
//! quote anywhere in a word opens a quoted section of the same word; double
//! quotes know `\xHH`, `\n`, `\r`, `\t`, `\b`, `\a` and take any other escaped
//! byte literally; single quotes only know `\'`; a closing quote must be
//! followed by a blank or the end; an unclosed quote makes the line invalid.

/// Whether `b` is C's `isspace` in the C locale, which is what skips blanks
/// between words and what may follow a closing quote.
fn is_space(b: u8) -> bool {
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

/// Splits `line` into arguments, or `None` where `sdssplitargs` returns NULL
/// (unbalanced quotes, or a closing quote followed by something other than a
/// blank).
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    // The C code reads a NUL-terminated string, so a NUL byte ends the line.
    let line = match line.iter().position(|&b| b == 0) {
        Some(nul) => &line[..nul],
        None => line,
    };
    // Reading past the end yields the terminating NUL the C code tests for.
    let at = |i: usize| -> u8 { line.get(i).copied().unwrap_or(0) };
    let mut p = 0;
    let mut args = Vec::new();
    loop {
        while at(p) != 0 && is_space(at(p)) {
            p += 1;
        }
        if at(p) == 0 {
            return Some(args);
        }
        let mut in_double = false;
        let mut in_single = false;
        let mut done = false;
        let mut current = Vec::new();
        while !done {
            let c = at(p);
            if in_double {
                let hex = (hex_value(at(p + 2)), hex_value(at(p + 3)));
                if let (b'\\', b'x', (Some(hi), Some(lo))) = (c, at(p + 1), hex) {
                    current.push(hi * 16 + lo);
                    p += 3;
                } else if c == b'\\' && at(p + 1) != 0 {
                    p += 1;
                    current.push(match at(p) {
                        b'n' => b'\n',
                        b'r' => b'\r',
                        b't' => b'\t',
                        b'b' => 0x08,
                        b'a' => 0x07,
                        other => other,
                    });
                } else if c == b'"' {
                    if at(p + 1) != 0 && !is_space(at(p + 1)) {
                        return None;
                    }
                    done = true;
                } else if c == 0 {
                    return None;
                } else {
                    current.push(c);
                }
            } else if in_single {
                if c == b'\\' && at(p + 1) == b'\'' {
                    p += 1;
                    current.push(b'\'');
                } else if c == b'\'' {
                    if at(p + 1) != 0 && !is_space(at(p + 1)) {
                        return None;
                    }
                    done = true;
                } else if c == 0 {
                    return None;
                } else {
                    current.push(c);
                }
            } else {
                match c {
                    b' ' | b'\n' | b'\r' | b'\t' | 0 => done = true,
                    b'"' => in_double = true,
                    b'\'' => in_single = true,
                    _ => current.push(c),
                }
            }
            // The C code advances past the byte it stopped on unless that is the end.
            if at(p) != 0 {
                p += 1;
            }
        }
        args.push(current);
    }
}

#[cfg(test)]
mod tests {
    use super::split_args;

    fn split(line: &[u8]) -> Option<Vec<Vec<u8>>> {
        split_args(line)
    }

    fn words(ws: &[&[u8]]) -> Option<Vec<Vec<u8>>> {
        Some(ws.iter().map(|w| w.to_vec()).collect())
    }

    #[test]
    fn plain_words_and_blanks() {
        assert_eq!(split(b""), words(&[]));
        assert_eq!(split(b"   \t "), words(&[]));
        assert_eq!(split(b"SET a b"), words(&[b"SET", b"a", b"b"]));
        assert_eq!(split(b"  GET\tk  "), words(&[b"GET", b"k"]));
        // A vertical tab is skipped between words but does not end a word.
        assert_eq!(split(b"a\x0bb \x0bc"), words(&[b"a\x0bb", b"c"]));
        assert_eq!(split(b"a\\nb"), words(&[b"a\\nb"]));
    }

    #[test]
    fn double_quotes() {
        assert_eq!(split(b"SET a \"b c\""), words(&[b"SET", b"a", b"b c"]));
        assert_eq!(split(b"\"\\x41\\x4a\\x4\""), words(&[b"AJx4"]));
        assert_eq!(split(b"\"\\xZZ\\q\\n\""), words(&[b"xZZq\n"]));
        assert_eq!(split(b"\"\\a\\b\\t\\r\\\"\""), words(&[b"\x07\x08\t\r\""]));
        assert_eq!(split(b"a\"b c\""), words(&[b"ab c"]));
        assert_eq!(split(b"\"\""), words(&[b""]));
        assert_eq!(split(b"\"a\"\x0b"), words(&[b"a"]));
        assert_eq!(split(b"\"a\"b"), None);
        assert_eq!(split(b"\"abc"), None);
        assert_eq!(split(b"\"a\\"), None);
    }

    #[test]
    fn single_quotes() {
        assert_eq!(split(b"'a\\'b' 'c\\d'"), words(&[b"a'b", b"c\\d"]));
        assert_eq!(split(b"'a b'"), words(&[b"a b"]));
        assert_eq!(split(b"'a'b"), None);
        assert_eq!(split(b"'abc"), None);
    }

    #[test]
    fn nul_ends_the_line_and_high_bytes_are_kept() {
        assert_eq!(split(b"a\x00b"), words(&[b"a"]));
        assert_eq!(split(b"\xff\xfe x"), words(&[b"\xff\xfe", b"x"]));
    }
}
