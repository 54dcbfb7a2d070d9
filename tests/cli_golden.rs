#![cfg(not(target_arch = "wasm32"))]
//! Owns the replay of the redis-cli 7.0.15 recordings (`tests/golden/cli/*.resp.jsonl`) and Redis
//! 8.0.2's (`tests/golden/cli-8/`) through the redis-cli tokenizer, formatter and subscribe-mode
//! banner (`streamplay::cli`), and the property tests of the tokenizer's quoting.
//!
//! The replay follows `cli-golden/scripts/check_models.py`, the offline checker the reference Python
//! models passed with zero mismatches: for every typed line the RESP bytes redis-cli received are parsed
//! and formatted, and the result must equal the lines recorded on the screen. `HELP` lines are counted
//! but not compared, because HELP rendering is not part of the formatter.

use std::path::PathBuf;

use proptest::prelude::*;
use serde_json::Value;
use streamplay::cli::format::{format, format_raw, try_format, try_format_push, uses_raw_output};
use streamplay::cli::split::split_args;
use streamplay::cli::subscribe::{banner_after, banner_before};
use streamplay::cli::tokenize::{parse_repeat, quote_arg};
use streamplay::engine::resp::{self, ParseError};
use streamplay::engine::Reply;

/// The commands that put redis-cli into subscribe mode (§6).
const SUBSCRIBE: [&[u8]; 3] = [b"subscribe", b"psubscribe", b"ssubscribe"];

/// The least number of recorded items the replay must compare, so that it cannot pass by skipping
/// everything (the recordings hold 277 typed lines outside HELP and 8 messages in subscribe mode).
const MIN_CHECKED: usize = 250;

/// What a typed line is expected to print.
enum Expected {
    /// The screen lines, without the final newline.
    Lines(Vec<String>),
    /// A local `HELP` / `?` line, whose rendering is not checked here.
    Help,
}

/// The recordings store RESP bytes as latin-1 text: every character is one byte.
fn latin1(text: &str) -> Result<Vec<u8>, String> {
    text.chars()
        .map(|c| u8::try_from(u32::from(c)).map_err(|_| format!("{c:?} is not latin-1")))
        .collect()
}

/// Terminal text to screen lines, as check_models.py's `screen_lines` does: colour codes and CR are
/// invisible, and the text's final newline does not start another line.
fn screen_lines(text: &str) -> Vec<String> {
    let mut visible = String::with_capacity(text.len());
    let mut chars = text.chars().peekable();
    while let Some(c) = chars.next() {
        if c == '\r' {
            continue;
        }
        if c == '\x1b' && chars.peek() == Some(&'[') {
            // Only `ESC [ digits-and-semicolons m` is a colour code; anything else stays visible.
            let rest: String = chars.clone().skip(1).collect();
            let params = rest
                .chars()
                .take_while(|c| c.is_ascii_digit() || *c == ';')
                .count();
            if rest[params..].starts_with('m') {
                for _ in 0..params + 2 {
                    chars.next();
                }
                continue;
            }
        }
        visible.push(c);
    }
    let mut lines: Vec<String> = visible.split('\n').map(str::to_string).collect();
    if lines.last().is_some_and(String::is_empty) {
        lines.pop();
    }
    lines
}

/// The timing line of §5 (`(1.51s)`, `^C(4.70s)`), which depends on the clock and is not compared.
fn is_timing(line: &str) -> bool {
    let line = line.strip_prefix("^C").unwrap_or(line);
    let Some(inner) = line.strip_prefix('(').and_then(|l| l.strip_suffix("s)")) else {
        return false;
    };
    let Some((whole, fraction)) = inner.split_once('.') else {
        return false;
    };
    !whole.is_empty()
        && whole.bytes().all(|b| b.is_ascii_digit())
        && fraction.len() == 2
        && fraction.bytes().all(|b| b.is_ascii_digit())
}

/// Every reply in `data`, each with the offset of the byte after it, and the line redis-cli prints
/// when the bytes stop being RESP it understands.
fn parse_all(data: &[u8]) -> (Vec<(Reply, usize)>, Option<String>) {
    let mut replies = Vec::new();
    let mut pos = 0;
    while pos < data.len() {
        match resp::parse(&data[pos..]) {
            Ok((reply, used)) => {
                pos += used;
                replies.push((reply, pos));
            }
            Err(ParseError::Invalid(message)) => {
                return (replies, Some(format!("Error: {message}")))
            }
            // A recording never ends inside a reply; if one did, the mismatch report shows this line.
            Err(ParseError::Incomplete) => {
                return (
                    replies,
                    Some("Error: incomplete RESP in the recording".into()),
                )
            }
        }
    }
    (replies, None)
}

/// What redis-cli 7.0.15 (or 7.2+, `v8`) prints for `typed`, given the RESP bytes that reached it
/// meanwhile (check_models.py `expected`), and the bytes it leaves unread: outside subscribe mode
/// redis-cli reads until the command's replies (one per repeat) and prints the pushes before
/// them; a push after them (Redis 7.2+ writes a client's own push after the reply, as `DEBUG
/// PROTOCOL push`) is printed with the next command. `subscribed` is whether redis-cli is in
/// subscribe mode afterwards.
fn expected(typed: &str, data: &[u8], v8: bool, subscribed: bool) -> (Expected, Vec<u8>) {
    let (out, rest) = expected_lines(typed, data, v8, subscribed);
    (out, rest.to_vec())
}

fn expected_lines<'d>(
    typed: &str,
    data: &'d [u8],
    v8: bool,
    subscribed: bool,
) -> (Expected, &'d [u8]) {
    let lines = |texts: &[&str]| {
        (
            Expected::Lines(texts.iter().map(|t| t.to_string()).collect()),
            &data[data.len()..],
        )
    };
    let Some(args) = split_args(typed.as_bytes()) else {
        return lines(&["Invalid argument(s)"]);
    };
    let Some(first_word) = args.first() else {
        return lines(&[]);
    };
    let first = first_word.to_ascii_lowercase();
    let Ok((repeat, rest)) = parse_repeat(&args) else {
        return lines(&["Invalid redis-cli repeat command option value."]);
    };
    // Local commands are recognised by the first word of the whole line, before the repeat count.
    if first == b"quit" || first == b"exit" {
        return lines(&[]);
    }
    if first.starts_with(b":") {
        if first == b":set" && args.len() >= 2 {
            let preference = String::from_utf8_lossy(&args[1]);
            let known = ["hints", "nohints"]
                .iter()
                .any(|p| preference.eq_ignore_ascii_case(p));
            return if known {
                lines(&[])
            } else {
                lines(&[&format!("unknown redis-cli preference '{preference}'")])
            };
        }
        let command = String::from_utf8_lossy(first_word);
        return lines(&[&format!("unknown redis-cli internal command '{command}'")]);
    }
    if first == b"restart" {
        return lines(&["Use 'restart' only in Lua debugging mode."]);
    }
    let command = rest
        .first()
        .map(|w| w.to_ascii_lowercase())
        .unwrap_or_default();
    if command == b"help" || command == b"?" {
        return (Expected::Help, &data[data.len()..]);
    }
    let (mut replies, mut error) = parse_all(data);
    let pubsub = SUBSCRIBE.contains(&command.as_slice());
    let mut unread = &data[data.len()..];
    if !pubsub {
        let last = replies
            .iter()
            .enumerate()
            .filter(|(_, (r, _))| !matches!(r, Reply::Push(_)))
            .nth(usize::try_from(repeat).unwrap_or(usize::MAX) - 1)
            .map(|(i, (_, end))| (i, *end));
        if let Some((i, end)) = last {
            replies.truncate(i + 1);
            unread = &data[end..];
            if !unread.is_empty() {
                error = None;
            }
        }
    }
    let raw = uses_raw_output(rest);
    let mut out = String::new();
    if let Some(banner) = banner_before(&command, v8) {
        out.push_str(banner);
        out.push('\n');
    }
    for (reply, _) in &replies {
        let text = if matches!(reply, Reply::Push(_)) && !pubsub {
            try_format_push(reply)
        } else if raw {
            Ok(format_raw(reply))
        } else {
            try_format(reply)
        };
        match text {
            Ok(text) => out.push_str(&text),
            Err(fatal) => {
                // redis-cli exits here; nothing after this reply is printed.
                out.push_str(&fatal);
                out.push('\n');
                break;
            }
        }
    }
    if let Some(error) = error {
        out.push_str(&error);
        out.push('\n');
    }
    if let Some(banner) = banner_after(subscribed, v8) {
        out.push_str(banner);
        out.push('\n');
    }
    (Expected::Lines(screen_lines(&out)), unread)
}

fn strings(value: &Value) -> Vec<String> {
    value
        .as_array()
        .map(|lines| {
            lines
                .iter()
                .map(|l| l.as_str().unwrap_or_default().to_string())
                .collect()
        })
        .unwrap_or_default()
}

fn trimmed(lines: &[String]) -> Vec<&str> {
    lines.iter().map(|l| l.trim_end()).collect()
}

#[derive(Default)]
struct Tally {
    checked: usize,
    help_skipped: usize,
    mismatches: Vec<String>,
}

/// Replays one recording file (check_models.py `main`, the `.resp.jsonl` part), of redis-cli
/// 7.0.15 or 7.2+ (`v8`).
fn replay(name: &str, content: &str, tally: &mut Tally, v8: bool) {
    // Pushes that arrive while redis-cli sits at the prompt are printed with the next command.
    let mut pending: Vec<u8> = Vec::new();
    let mut subscribed = false;
    let mut prompt = String::new();
    for (number, line) in content.lines().enumerate() {
        if line.trim().is_empty() {
            continue;
        }
        let row: Value = match serde_json::from_str(line) {
            Ok(row) => row,
            Err(e) => {
                tally
                    .mismatches
                    .push(format!("{name}:{}: bad JSON: {e}", number + 1));
                continue;
            }
        };
        let resp_bytes = match latin1(row["resp"].as_str().unwrap_or_default()) {
            Ok(bytes) => bytes,
            Err(e) => {
                tally.mismatches.push(format!("{name}:{}: {e}", number + 1));
                continue;
            }
        };
        if let Some(p) = row.get("prompt_after").and_then(Value::as_str) {
            prompt = p.to_string();
        }
        if let Some(typed) = row.get("typed").and_then(Value::as_str) {
            let mut data = std::mem::take(&mut pending);
            data.extend_from_slice(&resp_bytes);
            let command = split_args(typed.as_bytes())
                .and_then(|args| args.into_iter().next())
                .unwrap_or_default()
                .to_ascii_lowercase();
            // A subscribe that returned to the prompt (an error ended it) is not subscribe mode.
            subscribed =
                SUBSCRIBE.contains(&command.as_slice()) && row.get("prompt_after").is_none();
            let (outcome, unread) = expected(typed, &data, v8, subscribed);
            pending = unread;
            match outcome {
                Expected::Help => tally.help_skipped += 1,
                Expected::Lines(want) => {
                    let got: Vec<String> = strings(&row["screen"])
                        .into_iter()
                        .filter(|l| !is_timing(l))
                        .collect();
                    tally.checked += 1;
                    if trimmed(&got) != trimmed(&want) {
                        tally.mismatches.push(format!(
                            "{name} {typed:?}\n  screen {got:?}\n  model  {want:?}"
                        ));
                    }
                }
            }
        } else if row.get("other").is_some() && !subscribed {
            pending.extend_from_slice(&resp_bytes);
        } else if let Some(other) = row.get("other") {
            // In subscribe mode another client's message is printed at once, as a reply.
            let (replies, error) = parse_all(&resp_bytes);
            let text: String = replies.iter().map(|(r, _)| format(r)).collect();
            let mut want = screen_lines(&text);
            want.extend(error);
            want.extend(banner_after(true, v8).map(str::to_string));
            let got = strings(&row["screen"]);
            tally.checked += 1;
            if got != want {
                tally.mismatches.push(format!(
                    "{name} other {other}\n  screen {got:?}\n  model  {want:?}"
                ));
            }
        } else if let Some(typed) = row.get("typeahead").and_then(Value::as_str) {
            // Typed while subscribed: 7.0.15 only echoes it (and throws it away); 7.2+ shows it
            // after its subscribe-mode prompt, runs it and prints its reply and the banner.
            let mut want = vec![typed.to_string()];
            if v8 {
                let shown = prompt.trim_end_matches("> ");
                want = vec![format!("{shown}(subscribed mode)> {typed}")];
                let (replies, error) = parse_all(&resp_bytes);
                let text: String = replies.iter().map(|(r, _)| format(r)).collect();
                want.extend(screen_lines(&text));
                want.extend(error);
                want.extend(banner_after(subscribed, v8).map(str::to_string));
            }
            let got = strings(&row["screen"]);
            tally.checked += 1;
            if got != want {
                tally.mismatches.push(format!(
                    "{name} typeahead {typed:?}\n  screen {got:?}\n  model  {want:?}"
                ));
            }
        } else if row.get("key").is_some() {
            // Ctrl-C leaves subscribe mode.
            subscribed = false;
        }
    }
}

#[test]
fn recordings_match_the_formatter_and_tokenizer() {
    check_recordings("tests/golden/cli", &[]);
}

/// The same topics recorded with Redis 8.0.2's redis-cli against Redis 8.0.2
/// (`tests/golden/cli-8/`, made by cli-golden's `capture.py` with `.redis8/redis8-cli`
/// as `redis-cli`): where the screens differ from 7.0.15's, the replies differ
/// (versions, HELLO's modules, INFO's fields, 7.2+ summaries in HELP), and the
/// formatter prints both as the recorded redis-cli did; where redis-cli itself changed
/// after 7.0, the replay follows 7.2+ as the console does: subscribe mode prints
/// "Reading messages... (press Ctrl-C to quit or any key to type command)" after every
/// batch of output (`cli::subscribe`) and takes typed commands (`10-pubsub`), and a
/// push Redis 7.2+ writes after the reply that carried it (`DEBUG PROTOCOL push`) is
/// printed with the next command (`06-resp3`).
#[test]
fn redis_cli_8_recordings_match_the_formatter_and_tokenizer() {
    check_recordings("tests/golden/cli-8", &[]);
}

/// Replays every recording of `dir`; `known` is how many steps of which file are
/// known to differ (all others must match).
fn check_recordings(dir: &str, known: &[(&str, usize)]) {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(dir);
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap_or_else(|e| panic!("cannot read {}: {e}", dir.display()))
        .filter_map(|entry| entry.ok().map(|e| e.path()))
        .filter(|path| path.to_string_lossy().ends_with(".resp.jsonl"))
        .collect();
    files.sort();
    assert_eq!(
        files.len(),
        12,
        "expected the 12 recordings in {}",
        dir.display()
    );
    let mut tally = Tally::default();
    for path in &files {
        let content = std::fs::read_to_string(path)
            .unwrap_or_else(|e| panic!("cannot read {}: {e}", path.display()));
        let name = path.file_name().unwrap_or_default().to_string_lossy();
        replay(&name, &content, &mut tally, dir.ends_with("cli-8"));
    }
    for mismatch in &tally.mismatches {
        println!("MISMATCH {mismatch}");
    }
    let mut by_file: Vec<(&str, usize)> = Vec::new();
    for m in &tally.mismatches {
        let file = m.split(' ').next().unwrap_or_default();
        match by_file.iter_mut().find(|(f, _)| *f == file) {
            Some((_, n)) => *n += 1,
            None => by_file.push((file, 1)),
        }
    }
    assert_eq!(by_file, known, "steps that differ, by recording");
    println!(
        "checked {} recorded items ({} HELP lines skipped), {} mismatches",
        tally.checked,
        tally.help_skipped,
        tally.mismatches.len()
    );
    assert!(
        tally.checked > MIN_CHECKED,
        "only {} items checked",
        tally.checked
    );
}

#[test]
fn helpers_read_the_recording_format() {
    assert!(is_timing("(1.51s)"));
    assert!(is_timing("^C(4.70s)"));
    assert!(is_timing("(12.00s)"));
    assert!(!is_timing("(1.5s)"));
    assert!(!is_timing("(integer) 1"));
    assert!(!is_timing("^C"));
    assert_eq!(
        screen_lines("\r\n  \x1b[1mXLEN\x1b[0m \x1b[90mkey\x1b[0m\r\n"),
        vec!["".to_string(), "  XLEN key".to_string()]
    );
    assert_eq!(
        screen_lines("a\r\nb"),
        vec!["a".to_string(), "b".to_string()]
    );
    assert_eq!(latin1("\u{ff}\r"), Ok(vec![0xff, b'\r']));
    assert!(latin1("\u{100}").is_err());
}

/// Any reply value, nested a few levels, with byte strings that include every kind of byte.
fn any_reply() -> impl Strategy<Value = Reply> {
    let bytes = || proptest::collection::vec(any::<u8>(), 0..12);
    let leaf = prop_oneof![
        bytes().prop_map(Reply::Simple),
        bytes().prop_map(Reply::Error),
        any::<i64>().prop_map(Reply::Integer),
        bytes().prop_map(Reply::Bulk),
        Just(Reply::Null),
        Just(Reply::NullArray),
        bytes().prop_map(Reply::Double),
        any::<bool>().prop_map(Reply::Boolean),
        bytes().prop_map(|text| Reply::Verbatim(*b"txt", text)),
        bytes().prop_map(Reply::BigNumber),
    ];
    leaf.prop_recursive(4, 48, 12, |inner| {
        prop_oneof![
            proptest::collection::vec(inner.clone(), 0..12).prop_map(Reply::Array),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Reply::Set),
            proptest::collection::vec(inner.clone(), 0..4).prop_map(Reply::Push),
            proptest::collection::vec((inner.clone(), inner), 0..4).prop_map(Reply::Map),
        ]
    })
}

proptest! {
    // A failing case is printed by the test itself; there is no `src/lib.rs` beside this file for
    // proptest's default regression file, so persistence is switched off instead of warning each run.
    #![proptest_config(ProptestConfig { failure_persistence: None, ..ProptestConfig::default() })]

    #[test]
    fn quote_arg_splits_back_to_the_argument(arg in proptest::collection::vec(any::<u8>(), 0..64)) {
        prop_assert_eq!(split_args(quote_arg(&arg).as_bytes()), Some(vec![arg]));
    }

    #[test]
    fn quoted_arguments_joined_by_spaces_split_back(
        args in proptest::collection::vec(proptest::collection::vec(any::<u8>(), 0..16), 0..8)
    ) {
        let line = args.iter().map(|arg| quote_arg(arg)).collect::<Vec<_>>().join(" ");
        prop_assert_eq!(split_args(line.as_bytes()), Some(args));
    }

    #[test]
    fn any_line_splits_into_words_that_quote_back(line in proptest::collection::vec(any::<u8>(), 0..48)) {
        // Whatever is typed, the tokenizer and the repeat prefix answer without panicking, and the
        // words of a valid line survive being quoted and split again.
        if let Some(words) = split_args(&line) {
            let _ = parse_repeat(&words);
            let requoted = words.iter().map(|w| quote_arg(w)).collect::<Vec<_>>().join(" ");
            prop_assert_eq!(split_args(requoted.as_bytes()), Some(words));
        }
    }

    #[test]
    fn any_reply_formats_to_whole_lines(reply in any_reply()) {
        let text = format(&reply);
        prop_assert!(text.ends_with('\n'));
        let _ = format_raw(&reply);
        let _ = try_format_push(&reply);
    }
}
