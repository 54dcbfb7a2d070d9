//! The redis-cli 7.0.15 reply formatters: the terminal one (REDIS-CLI.md §4) and the raw one (§4.7, §11).
//!
//! This is a port of `cli-golden/scripts/cli_format.py`, the reference model that matched every recorded
//! screen. It runs in the browser, so nothing here panics: every `Reply` value, however odd, gives text.

use crate::engine::Reply;

/// The line redis-cli 7.0.15 prints (on stderr) before exiting when its terminal formatter meets a RESP3
/// big number, whose hiredis type number is 13 (§4.1, §12).
pub const UNKNOWN_BIG_NUMBER: &str = "Unknown reply type: 13";

/// What redis-cli prints in a terminal for `reply` (as the client received
/// it: call `Reply::to_resp2` first for a RESP2 client). Always ends in `\n`.
///
/// Where redis-cli would exit (a big number anywhere in the reply) this returns the line it prints
/// before exiting, `Unknown reply type: 13`, so that a console can show it and carry on.
pub fn format(reply: &Reply) -> String {
    try_format(reply).unwrap_or_else(|line| line + "\n")
}

/// Like [`format`], but tells the fatal case apart: `Err` holds the line redis-cli prints before it
/// exits (without a newline). The partial text is dropped, because redis-cli builds the whole reply's
/// text before writing any of it.
pub fn try_format(reply: &Reply) -> Result<String, String> {
    let mut out = String::new();
    match write_tty(&mut out, reply, "") {
        Ok(()) => Ok(out),
        Err(Fatal) => Err(UNKNOWN_BIG_NUMBER.to_string()),
    }
}

/// How redis-cli prints a RESP3 push frame that arrives outside subscribe mode (§4.6): a client-side
/// caching invalidation becomes one `-> invalidate: 'k1', 'k2'` line, anything else goes through
/// [`format`]. Always ends in `\n`.
pub fn format_push(reply: &Reply) -> String {
    try_format_push(reply).unwrap_or_else(|line| line + "\n")
}

/// Like [`format_push`], with the fatal case of [`try_format`] kept apart.
pub fn try_format_push(reply: &Reply) -> Result<String, String> {
    match reply {
        Reply::Push(items) if is_invalidate(reply) => {
            let keys: &[Reply] = match items.get(1) {
                Some(Reply::Array(keys)) => keys,
                _ => &[],
            };
            let mut out = String::from("-> invalidate: ");
            for (i, key) in keys.iter().enumerate() {
                if i > 0 {
                    out.push_str(", ");
                }
                // redis-cli appends each key with a C `%s`, so a key stops at its first NUL byte. It
                // asserts that keys are strings; any other value is shown with the raw formatter
                // rather than stopping the console.
                let text = match key {
                    Reply::Bulk(bytes) => bytes.clone(),
                    other => format_raw_bytes(other),
                };
                let end = text.iter().position(|&b| b == 0).unwrap_or(text.len());
                out.push('\'');
                out.push_str(&String::from_utf8_lossy(&text[..end]));
                out.push('\'');
            }
            out.push('\n');
            Ok(out)
        }
        _ => try_format(reply),
    }
}

/// Whether `reply` is a client-side caching invalidation push: two elements, a bulk string starting
/// with `invalidate`, then an array of keys (redis-cli's `isInvalidateReply`). The `invalidate` push
/// sent after FLUSHALL carries a null instead of an array, so it is printed like any other push.
pub fn is_invalidate(reply: &Reply) -> bool {
    match reply {
        Reply::Push(items) => {
            items.len() == 2
                && matches!(&items[0], Reply::Bulk(name) if name.starts_with(b"invalidate"))
                && matches!(&items[1], Reply::Array(_))
        }
        _ => false,
    }
}

/// redis-cli's raw formatter (§4.7, §11): no trailing newline.
///
/// Bytes that are not UTF-8 are shown as U+FFFD; [`format_raw_bytes`] keeps them.
pub fn format_raw(reply: &Reply) -> String {
    String::from_utf8_lossy(&format_raw_bytes(reply)).into_owned()
}

/// The raw formatter's exact bytes (§11): what redis-cli writes, binary data included.
pub fn format_raw_bytes(reply: &Reply) -> Vec<u8> {
    let mut out = Vec::new();
    write_raw(&mut out, reply);
    out
}

/// Whether redis-cli prints the reply to `argv` with the raw formatter even in a terminal (§4.7).
/// Command and subcommand names are compared without regard to ASCII case, as redis-cli's
/// `strcasecmp` does.
pub fn uses_raw_output(argv: &[Vec<u8>]) -> bool {
    let Some(command) = argv.first() else {
        return false;
    };
    let n = argv.len();
    let is = |word: &[u8], name: &str| word.eq_ignore_ascii_case(name.as_bytes());
    let sub_is = |names: &[&str]| n >= 2 && names.iter().any(|name| is(&argv[1], name));
    if is(command, "info") || is(command, "lolwut") {
        return true;
    }
    if is(command, "debug") {
        return sub_is(&["htstats", "htstats-key", "client-eviction"]);
    }
    if is(command, "memory") {
        return sub_is(&["malloc-stats", "doctor"]);
    }
    if is(command, "cluster") {
        return n == 2 && sub_is(&["nodes", "info"]);
    }
    if is(command, "client") {
        return sub_is(&["list", "info"]);
    }
    if is(command, "latency") {
        return (n == 3 && sub_is(&["graph"])) || (n == 2 && sub_is(&["doctor"]));
    }
    if is(command, "proxy") {
        return sub_is(&["info"]);
    }
    false
}

/// A bulk string in redis-cli's quoting (§4.2): `"h\xc3\xa9llo"`.
///
/// Printable ASCII (0x20-0x7E) stays as it is, backslash, double quote, LF, CR, TAB, BEL and BS get
/// their C escapes, and every other byte becomes `\x` and two lower-case hex digits. The result is
/// pure ASCII and the tokenizer (§3.1) reads it back as the same bytes.
pub fn quote_bulk(bytes: &[u8]) -> String {
    const HEX: &[u8; 16] = b"0123456789abcdef";
    let mut out = String::with_capacity(bytes.len() + 2);
    out.push('"');
    for &b in bytes {
        match b {
            b'\\' => out.push_str("\\\\"),
            b'"' => out.push_str("\\\""),
            b'\n' => out.push_str("\\n"),
            b'\r' => out.push_str("\\r"),
            b'\t' => out.push_str("\\t"),
            0x07 => out.push_str("\\a"),
            0x08 => out.push_str("\\b"),
            0x20..=0x7e => out.push(b as char),
            _ => {
                out.push_str("\\x");
                out.push(HEX[usize::from(b >> 4)] as char);
                out.push(HEX[usize::from(b & 0x0f)] as char);
            }
        }
    }
    out.push('"');
    out
}

/// The terminal formatter met a value redis-cli cannot print (a big number): it exits there.
struct Fatal;

/// Text that redis-cli prints without escaping (status, error and verbatim text).
fn push_text(out: &mut String, bytes: &[u8]) {
    out.push_str(&String::from_utf8_lossy(bytes));
}

/// Appends the terminal text of `reply`, which always ends in a newline. `indent` is what a later line
/// of an aggregate starts with, so that nested elements line up under their parent's first number.
fn write_tty(out: &mut String, reply: &Reply, indent: &str) -> Result<(), Fatal> {
    match reply {
        Reply::Error(text) => {
            out.push_str("(error) ");
            push_text(out, text);
        }
        Reply::Simple(text) => push_text(out, text),
        Reply::Integer(n) => {
            out.push_str("(integer) ");
            out.push_str(&n.to_string());
        }
        Reply::Double(text) => {
            out.push_str("(double) ");
            push_text(out, text);
        }
        Reply::Bulk(bytes) => out.push_str(&quote_bulk(bytes)),
        Reply::Verbatim(_, text) => push_text(out, text),
        Reply::Null | Reply::NullArray => out.push_str("(nil)"),
        Reply::Boolean(true) => out.push_str("(true)"),
        Reply::Boolean(false) => out.push_str("(false)"),
        Reply::BigNumber(_) => return Err(Fatal),
        // A short array (EXEC's, under a queued CLIENT REPLY OFF) shows the elements that came.
        Reply::Array(items) | Reply::ShortArray(_, items) => {
            return write_items(out, items, ')', "(empty array)", indent)
        }
        Reply::Push(items) => return write_items(out, items, ')', "(empty push)", indent),
        Reply::Set(items) => return write_items(out, items, '~', "(empty set)", indent),
        Reply::Map(pairs) => return write_map(out, pairs, indent),
    }
    out.push('\n');
    Ok(())
}

/// The number of decimal digits of `n`, which sets the width of an aggregate's labels.
fn digits(n: usize) -> usize {
    n.to_string().len()
}

/// Appends the label of element `index` (0-based) of an aggregate: the indent for every element but
/// the first (which continues the parent's line), the right-aligned number, the marker and a space.
fn write_label(out: &mut String, index: usize, width: usize, marker: char, indent: &str) {
    if index > 0 {
        out.push_str(indent);
    }
    out.push_str(&format!("{:>width$}{marker} ", index + 1));
}

fn write_items(
    out: &mut String,
    items: &[Reply],
    marker: char,
    empty: &str,
    indent: &str,
) -> Result<(), Fatal> {
    if items.is_empty() {
        out.push_str(empty);
        out.push('\n');
        return Ok(());
    }
    let width = digits(items.len());
    let child = format!("{indent}{:w$}", "", w = width + 2);
    for (index, item) in items.iter().enumerate() {
        write_label(out, index, width, marker, indent);
        write_tty(out, item, &child)?;
    }
    Ok(())
}

/// A RESP3 map (§4.4): `N# key => value`, where a multi-line value starts on a new line, after a
/// trailing space and the child indent.
fn write_map(out: &mut String, pairs: &[(Reply, Reply)], indent: &str) -> Result<(), Fatal> {
    if pairs.is_empty() {
        out.push_str("(empty hash)\n");
        return Ok(());
    }
    let width = digits(pairs.len());
    let child = format!("{indent}{:w$}", "", w = width + 2);
    for (index, (key, value)) in pairs.iter().enumerate() {
        write_label(out, index, width, '#', indent);
        write_tty(out, key, &child)?;
        // The key's text always ends in the newline added above; the value follows on the same line.
        out.pop();
        out.push_str(" => ");
        if is_multiline(value) {
            out.push('\n');
            out.push_str(&child);
        }
        write_tty(out, value, &child)?;
    }
    Ok(())
}

/// The multi-line rule of §4.4: an aggregate with two or more elements (pairs), or with one that is
/// itself multi-line. Scalars and empty aggregates are single-line, even verbatim text with newlines.
fn is_multiline(reply: &Reply) -> bool {
    match reply {
        Reply::Array(items)
        | Reply::ShortArray(_, items)
        | Reply::Set(items)
        | Reply::Push(items) => match items.as_slice() {
            [] => false,
            [only] => is_multiline(only),
            _ => true,
        },
        Reply::Map(pairs) => match pairs.as_slice() {
            [] => false,
            [(_, value)] => is_multiline(value),
            _ => true,
        },
        _ => false,
    }
}

/// Appends the raw text of `reply` (§11): values as they are, aggregates flattened with LF between
/// elements and a space between a map's key and value.
fn write_raw(out: &mut Vec<u8>, reply: &Reply) {
    match reply {
        Reply::Null | Reply::NullArray => {}
        Reply::Error(text) => {
            out.extend_from_slice(text);
            out.push(b'\n');
        }
        Reply::Simple(text)
        | Reply::Bulk(text)
        | Reply::BigNumber(text)
        | Reply::Double(text)
        | Reply::Verbatim(_, text) => out.extend_from_slice(text),
        Reply::Boolean(true) => out.extend_from_slice(b"(true)"),
        Reply::Boolean(false) => out.extend_from_slice(b"(false)"),
        Reply::Integer(n) => out.extend_from_slice(n.to_string().as_bytes()),
        Reply::Array(items)
        | Reply::ShortArray(_, items)
        | Reply::Set(items)
        | Reply::Push(items) => {
            for (index, item) in items.iter().enumerate() {
                if index > 0 {
                    out.push(b'\n');
                }
                write_raw(out, item);
            }
        }
        Reply::Map(pairs) => {
            for (index, (key, value)) in pairs.iter().enumerate() {
                if index > 0 {
                    out.push(b'\n');
                }
                write_raw(out, key);
                out.push(b' ');
                write_raw(out, value);
            }
        }
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn bulk(text: &str) -> Reply {
        Reply::bulk(text)
    }

    fn int(n: i64) -> Reply {
        Reply::Integer(n)
    }

    fn array(items: Vec<Reply>) -> Reply {
        Reply::Array(items)
    }

    fn map(pairs: Vec<(Reply, Reply)>) -> Reply {
        Reply::Map(pairs)
    }

    /// Joins expected screen lines, each ending in a newline, as `format` returns them.
    fn lines(lines: &[&str]) -> String {
        lines.iter().map(|line| format!("{line}\n")).collect()
    }

    #[test]
    fn quoting_table() {
        // The byte table and the value table of §4.2.
        let cases: &[(&[u8], &str)] = &[
            (b"Hello, World!", r#""Hello, World!""#),
            (
                b"\x00\x01\x02\x7f\x80\xfe\xff",
                r#""\x00\x01\x02\x7f\x80\xfe\xff""#,
            ),
            (
                b"tab\there\r\nnew line\x07\x08",
                r#""tab\there\r\nnew line\a\b""#,
            ),
            (
                br#"say "hi" and back\slash"#,
                r#""say \"hi\" and back\\slash""#,
            ),
            (
                br"single 'quoted' \n stays literal",
                r#""single 'quoted' \\n stays literal""#,
            ),
            (
                "héllo wörld ✓ 日本".as_bytes(),
                r#""h\xc3\xa9llo w\xc3\xb6rld \xe2\x9c\x93 \xe6\x97\xa5\xe6\x9c\xac""#,
            ),
            (
                b" !#$%&()*+,-./:;<=>?@[]^_`{|}~",
                r#"" !#$%&()*+,-./:;<=>?@[]^_`{|}~""#,
            ),
            (b"\x1b\x0b\x0c", r#""\x1b\x0b\x0c""#),
            (b"", r#""""#),
        ];
        for (bytes, quoted) in cases {
            assert_eq!(quote_bulk(bytes), *quoted, "{bytes:?}");
        }
    }

    #[test]
    fn quoting_of_every_byte() {
        for b in 0..=255u8 {
            let quoted = quote_bulk(&[b]);
            let inner = &quoted[1..quoted.len() - 1];
            let expected = match b {
                b'\\' => "\\\\".to_string(),
                b'"' => "\\\"".to_string(),
                b'\n' => "\\n".to_string(),
                b'\r' => "\\r".to_string(),
                b'\t' => "\\t".to_string(),
                7 => "\\a".to_string(),
                8 => "\\b".to_string(),
                0x20..=0x7e => (b as char).to_string(),
                _ => format!("\\x{b:02x}"),
            };
            assert_eq!(inner, expected);
        }
    }

    #[test]
    fn single_values() {
        // The table of §4.1.
        assert_eq!(format(&Reply::ok()), "OK\n");
        assert_eq!(
            format(&Reply::error("ERR unknown command")),
            "(error) ERR unknown command\n"
        );
        assert_eq!(format(&int(-14)), "(integer) -14\n");
        assert_eq!(format(&bulk("a\"b")), "\"a\\\"b\"\n");
        assert_eq!(format(&Reply::Null), "(nil)\n");
        assert_eq!(format(&Reply::NullArray), "(nil)\n");
        assert_eq!(
            format(&Reply::Double(b"0.10000000000000001".to_vec())),
            "(double) 0.10000000000000001\n"
        );
        assert_eq!(format(&Reply::Boolean(true)), "(true)\n");
        assert_eq!(format(&Reply::Boolean(false)), "(false)\n");
        assert_eq!(
            format(&Reply::Verbatim(
                *b"txt",
                b"This is a verbatim\nstring".to_vec()
            )),
            "This is a verbatim\nstring\n"
        );
        // Status and error text is never escaped.
        assert_eq!(format(&Reply::simple("a\"b\\c")), "a\"b\\c\n");
    }

    #[test]
    fn big_number_is_fatal_even_when_nested() {
        let big = Reply::BigNumber(b"1234567999999999999999999999999999999".to_vec());
        assert_eq!(format(&big), "Unknown reply type: 13\n");
        assert_eq!(try_format(&big), Err(UNKNOWN_BIG_NUMBER.to_string()));
        // redis-cli builds the whole reply before writing it, so nothing of the array is shown.
        let nested = array(vec![int(1), array(vec![big.clone()])]);
        assert_eq!(format(&nested), "Unknown reply type: 13\n");
        let in_map = map(vec![(bulk("k"), big.clone())]);
        assert_eq!(try_format(&in_map), Err(UNKNOWN_BIG_NUMBER.to_string()));
        // The raw formatter prints the digits.
        assert_eq!(format_raw(&big), "1234567999999999999999999999999999999");
    }

    #[test]
    fn empty_aggregates() {
        assert_eq!(format(&array(vec![])), "(empty array)\n");
        assert_eq!(format(&Reply::Set(vec![])), "(empty set)\n");
        assert_eq!(format(&Reply::Push(vec![])), "(empty push)\n");
        assert_eq!(format(&map(vec![])), "(empty hash)\n");
    }

    #[test]
    fn label_width_follows_the_element_count() {
        let letters = |n: usize| -> Reply {
            array(
                (0..n)
                    .map(|i| bulk(&((b'a' + i as u8) as char).to_string()))
                    .collect(),
            )
        };
        assert_eq!(
            format(&letters(9)),
            lines(&[
                "1) \"a\"", "2) \"b\"", "3) \"c\"", "4) \"d\"", "5) \"e\"", "6) \"f\"", "7) \"g\"",
                "8) \"h\"", "9) \"i\"",
            ])
        );
        let ten = format(&letters(10));
        assert!(ten.starts_with(" 1) \"a\"\n 2) \"b\"\n"));
        assert!(ten.ends_with(" 9) \"i\"\n10) \"j\"\n"));
    }

    #[test]
    fn eleven_element_nested_array() {
        // EVAL "local t={} for i=1,11 do t[i]=i end return {'a', t}" 0
        let reply = array(vec![bulk("a"), array((1..=11).map(int).collect())]);
        assert_eq!(
            format(&reply),
            lines(&[
                "1) \"a\"",
                "2)  1) (integer) 1",
                "    2) (integer) 2",
                "    3) (integer) 3",
                "    4) (integer) 4",
                "    5) (integer) 5",
                "    6) (integer) 6",
                "    7) (integer) 7",
                "    8) (integer) 8",
                "    9) (integer) 9",
                "   10) (integer) 10",
                "   11) (integer) 11",
            ])
        );
    }

    #[test]
    fn nested_arrays_line_up() {
        // EVAL "return {1, {2, {3, 'x'}}, {}, false, 'end'}" 0
        let reply = array(vec![
            int(1),
            array(vec![int(2), array(vec![int(3), bulk("x")])]),
            array(vec![]),
            Reply::Null,
            bulk("end"),
        ]);
        assert_eq!(
            format(&reply),
            lines(&[
                "1) (integer) 1",
                "2) 1) (integer) 2",
                "   2) 1) (integer) 3",
                "      2) \"x\"",
                "3) (empty array)",
                "4) (nil)",
                "5) \"end\"",
            ])
        );
        let deep = array(vec![array(vec![array(vec![bulk("deep")])])]);
        assert_eq!(format(&deep), "1) 1) 1) \"deep\"\n");
        let mixed = array(vec![
            int(1),
            Reply::error("nested error"),
            Reply::simple("nested status"),
        ]);
        assert_eq!(
            format(&mixed),
            lines(&[
                "1) (integer) 1",
                "2) (error) nested error",
                "3) nested status"
            ])
        );
    }

    #[test]
    fn ten_nested_arrays() {
        let reply = array(
            (1..=10)
                .map(|i| array(vec![int(i), bulk(&format!("v{i}"))]))
                .collect(),
        );
        let text = format(&reply);
        assert!(text.starts_with(" 1) 1) (integer) 1\n    2) \"v1\"\n"));
        assert!(text
            .ends_with(" 9) 1) (integer) 9\n    2) \"v9\"\n10) 1) (integer) 10\n    2) \"v10\"\n"));
    }

    #[test]
    fn hundred_and_five_labels() {
        let mut items: Vec<Reply> = (1..=104).map(int).collect();
        items.push(array(vec![bulk("x"), bulk("y")]));
        let text = format(&array(items));
        let shown: Vec<&str> = text.lines().collect();
        assert_eq!(shown.len(), 106);
        assert_eq!(shown[0], "  1) (integer) 1");
        assert_eq!(shown[98], " 99) (integer) 99");
        assert_eq!(shown[99], "100) (integer) 100");
        // Elements nested in a 105-element array are indented by 5 spaces.
        assert_eq!(shown[104], "105) 1) \"x\"");
        assert_eq!(shown[105], "     2) \"y\"");
    }

    #[test]
    fn sets_and_pushes() {
        let set = Reply::Set(vec![bulk("1"), bulk("2"), bulk("3")]);
        assert_eq!(format(&set), lines(&["1~ \"1\"", "2~ \"2\"", "3~ \"3\""]));
        let push = Reply::Push(vec![bulk("message"), bulk("news"), bulk("over resp3")]);
        assert_eq!(
            format(&push),
            lines(&["1) \"message\"", "2) \"news\"", "3) \"over resp3\""])
        );
    }

    #[test]
    fn maps_with_single_line_values() {
        let hash = map(vec![(bulk("name"), bulk("Ada")), (bulk("lang"), bulk("C"))]);
        assert_eq!(
            format(&hash),
            lines(&["1# \"name\" => \"Ada\"", "2# \"lang\" => \"C\""])
        );
        let debug = map(vec![
            (int(0), Reply::Boolean(false)),
            (int(1), Reply::Boolean(true)),
            (int(2), Reply::Boolean(false)),
        ]);
        assert_eq!(
            format(&debug),
            lines(&[
                "1# (integer) 0 => (false)",
                "2# (integer) 1 => (true)",
                "3# (integer) 2 => (false)",
            ])
        );
        // An empty aggregate and a verbatim string with a newline are single-line values.
        let special = map(vec![
            (bulk("modules"), array(vec![])),
            (bulk("v"), Reply::Verbatim(*b"txt", b"a\nb".to_vec())),
            (bulk("one"), array(vec![bulk("x")])),
        ]);
        assert_eq!(
            format(&special),
            lines(&[
                "1# \"modules\" => (empty array)",
                "2# \"v\" => a",
                "b",
                "3# \"one\" => 1) \"x\"",
            ])
        );
    }

    #[test]
    fn map_with_multi_line_value_has_trailing_space() {
        // XREAD STREAMS s 0 in RESP3.
        let entry = |id: &str, fields: &[&str]| {
            array(vec![
                bulk(id),
                array(fields.iter().map(|f| bulk(f)).collect()),
            ])
        };
        let reply = map(vec![(
            bulk("s"),
            array(vec![
                entry("1-1", &["f", "v", "a", "b"]),
                entry("2-1", &["f2", "v2"]),
            ]),
        )]);
        assert_eq!(
            format(&reply),
            lines(&[
                "1# \"s\" => ",
                "   1) 1) \"1-1\"",
                "      2) 1) \"f\"",
                "         2) \"v\"",
                "         3) \"a\"",
                "         4) \"b\"",
                "   2) 1) \"2-1\"",
                "      2) 1) \"f2\"",
                "         2) \"v2\"",
            ])
        );
    }

    #[test]
    fn ten_pair_map_indents_by_four() {
        // XINFO STREAM s in RESP3, with the middle pairs left as integers.
        let entry = |id: &str, fields: &[&str]| {
            array(vec![
                bulk(id),
                array(fields.iter().map(|f| bulk(f)).collect()),
            ])
        };
        let mut pairs = vec![(bulk("length"), int(2)), (bulk("radix-tree-keys"), int(1))];
        for i in 3..=8 {
            pairs.push((bulk(&format!("k{i}")), int(0)));
        }
        pairs.push((bulk("first-entry"), entry("1-1", &["f", "v", "a", "b"])));
        pairs.push((bulk("last-entry"), entry("2-1", &["f2", "v2"])));
        let text = format(&map(pairs));
        let shown: Vec<&str> = text.lines().collect();
        assert_eq!(shown[0], " 1# \"length\" => (integer) 2");
        assert_eq!(shown[1], " 2# \"radix-tree-keys\" => (integer) 1");
        assert_eq!(
            &shown[8..],
            &[
                " 9# \"first-entry\" => ",
                "    1) \"1-1\"",
                "    2) 1) \"f\"",
                "       2) \"v\"",
                "       3) \"a\"",
                "       4) \"b\"",
                "10# \"last-entry\" => ",
                "    1) \"2-1\"",
                "    2) 1) \"f2\"",
                "       2) \"v2\"",
            ]
        );
    }

    #[test]
    fn maps_inside_arrays_and_sets() {
        // XINFO GROUPS s in RESP3.
        let groups = array(vec![map(vec![
            (bulk("name"), bulk("g")),
            (bulk("consumers"), int(1)),
        ])]);
        assert_eq!(
            format(&groups),
            lines(&[
                "1) 1# \"name\" => \"g\"",
                "   2# \"consumers\" => (integer) 1"
            ])
        );
        // The key-specs excerpt of COMMAND INFO xlen in RESP3: a set holding a map, a single-pair map
        // whose value is single-line staying on one line.
        let spec = Reply::Set(vec![map(vec![
            (bulk("flags"), Reply::Set(vec![Reply::simple("RO")])),
            (
                bulk("begin_search"),
                map(vec![
                    (bulk("type"), bulk("index")),
                    (bulk("spec"), map(vec![(bulk("index"), int(1))])),
                ]),
            ),
        ])]);
        assert_eq!(
            format(&spec),
            lines(&[
                "1~ 1# \"flags\" => 1~ RO",
                "   2# \"begin_search\" => ",
                "      1# \"type\" => \"index\"",
                "      2# \"spec\" => 1# \"index\" => (integer) 1",
            ])
        );
    }

    #[test]
    fn multi_line_rule() {
        assert!(!is_multiline(&bulk("a\nb")));
        assert!(!is_multiline(&array(vec![])));
        assert!(!is_multiline(&array(vec![int(1)])));
        assert!(is_multiline(&array(vec![int(1), int(2)])));
        assert!(is_multiline(&array(vec![array(vec![int(1), int(2)])])));
        assert!(!is_multiline(&map(vec![(int(1), int(2))])));
        assert!(is_multiline(&map(vec![(int(1), int(2)), (int(3), int(4))])));
        assert!(is_multiline(&map(vec![(
            int(1),
            Reply::Set(vec![int(1), int(2)])
        )])));
        assert!(is_multiline(&Reply::Push(vec![int(1), int(2)])));
    }

    #[test]
    fn invalidation_pushes() {
        let one = Reply::Push(vec![bulk("invalidate"), array(vec![bulk("tracked")])]);
        assert_eq!(format_push(&one), "-> invalidate: 'tracked'\n");
        let two = Reply::Push(vec![
            bulk("invalidate"),
            array(vec![bulk("k1"), bulk("k2")]),
        ]);
        assert_eq!(format_push(&two), "-> invalidate: 'k1', 'k2'\n");
        // Keys are printed raw, and end at a NUL byte as with C's `%s`.
        let raw = Reply::Push(vec![
            bulk("invalidate"),
            array(vec![Reply::bulk(&b"a\"b\x00c"[..])]),
        ]);
        assert_eq!(format_push(&raw), "-> invalidate: 'a\"b'\n");
        // After FLUSHALL the keys are a null: an ordinary push.
        let flush = Reply::Push(vec![bulk("invalidate"), Reply::Null]);
        assert!(!is_invalidate(&flush));
        assert_eq!(format_push(&flush), "1) \"invalidate\"\n2) (nil)\n");
        let other = Reply::Push(vec![bulk("server-cpu-usage"), int(42)]);
        assert_eq!(
            format_push(&other),
            "1) \"server-cpu-usage\"\n2) (integer) 42\n"
        );
        // Anything that is not a push goes through the terminal formatter.
        assert_eq!(format_push(&Reply::ok()), "OK\n");
    }

    #[test]
    fn raw_formatter() {
        assert_eq!(format_raw(&Reply::Null), "");
        assert_eq!(format_raw(&Reply::NullArray), "");
        assert_eq!(
            format_raw(&Reply::error("ERR Invalid client ID")),
            "ERR Invalid client ID\n"
        );
        assert_eq!(format_raw(&bulk("# Keyspace\r\n")), "# Keyspace\r\n");
        assert_eq!(format_raw(&bulk("")), "");
        assert_eq!(format_raw(&int(-3)), "-3");
        assert_eq!(format_raw(&Reply::Double(b"inf".to_vec())), "inf");
        assert_eq!(format_raw(&Reply::Boolean(true)), "(true)");
        assert_eq!(
            format_raw(&Reply::Verbatim(*b"txt", b"a\nb".to_vec())),
            "a\nb"
        );
        assert_eq!(
            format_raw(&array(vec![
                bulk("a"),
                array(vec![int(1), int(2)]),
                Reply::Null
            ])),
            "a\n1\n2\n"
        );
        assert_eq!(
            format_raw(&map(vec![(bulk("k"), bulk("v")), (bulk("n"), int(1))])),
            "k v\nn 1"
        );
        assert_eq!(format_raw(&array(vec![])), "");
        assert_eq!(format_raw_bytes(&bulk("\u{e9}")), "\u{e9}".as_bytes());
        assert_eq!(format_raw_bytes(&Reply::bulk(vec![0xff])), vec![0xff]);
    }

    #[test]
    fn raw_output_commands() {
        let argv = |words: &[&str]| -> Vec<Vec<u8>> {
            words.iter().map(|w| w.as_bytes().to_vec()).collect()
        };
        let raw = [
            &["INFO"][..],
            &["info", "keyspace"],
            &["LOLWUT", "VERSION", "5"],
            &["DEBUG", "HTSTATS", "0"],
            &["debug", "htstats-key", "k"],
            &["DEBUG", "CLIENT-EVICTION"],
            &["MEMORY", "MALLOC-STATS"],
            &["memory", "doctor"],
            &["CLUSTER", "NODES"],
            &["cluster", "info"],
            &["CLIENT", "LIST"],
            &["client", "list", "ID", "abc"],
            &["CLIENT", "INFO"],
            &["LATENCY", "GRAPH", "command"],
            &["LATENCY", "DOCTOR"],
            &["PROXY", "INFO"],
        ];
        for words in raw {
            assert!(uses_raw_output(&argv(words)), "{words:?}");
        }
        let formatted = [
            &[][..],
            &["GET", "k"],
            &["DEBUG"],
            &["DEBUG", "SLEEP", "0"],
            &["MEMORY", "USAGE", "k"],
            &["CLUSTER", "NODES", "x"],
            &["CLIENT"],
            &["CLIENT", "ID"],
            &["LATENCY", "GRAPH"],
            &["LATENCY", "DOCTOR", "x"],
            &["LATENCY", "LATEST"],
            &["PROXY"],
        ];
        for words in formatted {
            assert!(!uses_raw_output(&argv(words)), "{words:?}");
        }
    }
}
