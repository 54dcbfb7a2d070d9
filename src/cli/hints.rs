//! redis-cli's inline hint (REDIS-CLI.md §9) and Tab completion (§10) as pure functions over a
//! help table, plus the console's own extension of completion: option keywords of the command
//! being typed and key names.
//!
//! The functions take the table as a slice so that they can be checked against redis-cli's full
//! 7.0.15 table (`cli-golden/help-table.json`) as well as run on the engine's own
//! ([`help_table`], the implemented commands of a profile).

use std::sync::OnceLock;

use super::{help, split, tokenize};

/// One entry of redis-cli's help table: a command or subcommand.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct HelpEntry {
    /// The upper-case full name, words separated by one space (`XGROUP CREATE`).
    pub name: String,
    /// The syntax line (§8.4); may be empty.
    pub params: String,
    pub group: String,
}

impl HelpEntry {
    fn words(&self) -> impl Iterator<Item = &str> {
        self.name.split(' ')
    }
}

/// The help table of a profile (`v8`: the 8 profile), in redis-cli's order; built once.
pub fn help_table(v8: bool) -> &'static [HelpEntry] {
    static V7: OnceLock<Vec<HelpEntry>> = OnceLock::new();
    static V8: OnceLock<Vec<HelpEntry>> = OnceLock::new();
    let cell = if v8 { &V8 } else { &V7 };
    cell.get_or_init(|| {
        help::entries_for(v8)
            .into_iter()
            .map(|s| HelpEntry {
                name: help::display_name(s),
                params: s.syntax_in(v8).into_owned(),
                group: s.group.to_string(),
            })
            .collect()
    })
}

/// C `isspace`: the blanks the tokenizer skips between words.
fn is_blank(c: char) -> bool {
    matches!(c, ' ' | '\t' | '\n' | '\u{b}' | '\u{c}' | '\r')
}

/// The entry with the most words whose words all equal the first typed words (case-insensitive),
/// with the typed words; `None` when nothing matches or the line cannot be split.
fn best_entry<'t>(buf: &str, entries: &'t [HelpEntry]) -> Option<(&'t HelpEntry, Vec<Vec<u8>>)> {
    let args = split::split_args(buf.as_bytes())?;
    if args.is_empty() {
        return None;
    }
    let mut best: Option<(&HelpEntry, usize)> = None;
    for entry in entries {
        let n = entry.words().count();
        if n > args.len() || best.is_some_and(|(_, len)| len >= n) {
            continue;
        }
        if entry
            .words()
            .zip(&args)
            .all(|(w, a)| w.as_bytes().eq_ignore_ascii_case(a))
        {
            best = Some((entry, n));
        }
    }
    best.map(|(entry, _)| (entry, args))
}

/// The grey text redis-cli shows after `buf` (§9), or `None` when nothing would be visible
/// (no entry matches, an unterminated quote, or an empty hint after a trailing blank).
pub fn hint(buf: &str, entries: &[HelpEntry]) -> Option<String> {
    let (entry, args) = best_entry(buf, entries)?;
    let mut remove = args.len() - entry.words().count();
    let mut h = entry.params.as_str();
    while remove > 0 {
        let Some(c) = h.chars().next() else { break };
        if c == '[' {
            break;
        }
        if c == ' ' {
            remove -= 1;
        }
        h = &h[c.len_utf8()..];
    }
    let ends_blank = buf.chars().last().is_some_and(is_blank);
    let text = if ends_blank {
        h.to_string()
    } else {
        format!(" {h}")
    };
    (!text.is_empty()).then_some(text)
}

/// The groups of a table as completion names (`@stream`), sorted.
fn groups(entries: &[HelpEntry]) -> Vec<String> {
    let mut groups: Vec<String> = entries
        .iter()
        .filter(|e| !e.group.is_empty())
        .map(|e| format!("@{}", e.group))
        .collect();
    crate::vec_map::sort(&mut groups);
    groups.dedup();
    groups
}

/// What redis-cli's Tab offers for `buf` (§10), in order: every entry whose name starts with the
/// buffer (case-insensitive), upper-cased; after `help ` commands and `@group`s, keeping the
/// `help ` prefix as typed.
pub fn completions(buf: &str, entries: &[HelpEntry]) -> Vec<String> {
    let is_help =
        buf.len() >= 5 && buf.is_char_boundary(5) && buf[..5].eq_ignore_ascii_case("help ");
    let start = if is_help {
        5 + buf[5..].len() - buf[5..].trim_start_matches(is_blank).len()
    } else {
        0
    };
    let typed = ascii_lower(&buf[start..]);
    let mut names: Vec<&str> = entries.iter().map(|e| e.name.as_str()).collect();
    let group_names = if is_help { groups(entries) } else { Vec::new() };
    names.extend(group_names.iter().map(String::as_str));
    // redis-cli sorts its completion table by bytes: `@groups` come before letters.
    crate::vec_map::sort(&mut names);
    names.dedup();
    names
        .into_iter()
        .filter(|n| {
            typed
                .as_ref()
                .is_some_and(|t| n.to_ascii_lowercase().starts_with(t.as_str()))
        })
        .map(|n| format!("{}{n}", &buf[..start]))
        .collect()
}

/// The option keywords of a syntax line (`NOMKSTREAM`, `MAXLEN`, `LIMIT`, ...): its upper-case
/// words, which are the tokens of the argument metadata (argument names are lower case).
pub fn keywords(params: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for word in params.split(|c: char| !(c.is_ascii_alphanumeric() || c == '_' || c == '-')) {
        let is_token = word.chars().any(|c| c.is_ascii_uppercase())
            && !word.chars().any(|c| c.is_ascii_lowercase());
        if is_token && !out.iter().any(|w| w == word) {
            out.push(word.to_string());
        }
    }
    out
}

/// The console's completion (DESIGN.md "Console vs redis-cli"): redis-cli's candidates, then,
/// once a whole command name has been typed, the command's option keywords and the `keys` that
/// start with the word being typed, each replacing that word. Keywords match case-insensitively
/// and are offered upper-case; keys match as typed and are quoted when they need it.
pub fn console_completions(buf: &str, entries: &[HelpEntry], keys: &[Vec<u8>]) -> Vec<String> {
    let mut out = completions(buf, entries);
    let word_start = buf
        .char_indices()
        .rev()
        .find(|(_, c)| is_blank(*c))
        .map(|(i, c)| i + c.len_utf8());
    let Some(word_start) = word_start else {
        return out;
    };
    let (head, partial) = buf.split_at(word_start);
    if head.trim_start().len() >= 5 && head.trim_start()[..5].eq_ignore_ascii_case("help ") {
        return out;
    }
    if partial.contains(['"', '\'']) {
        return out;
    }
    let Some((entry, args)) = best_entry(head, entries) else {
        return out;
    };
    // Only after the command's own words: `XGROUP CR` completes through the table above.
    if args.len() < entry.words().count() {
        return out;
    }
    let upper = ascii_upper(partial);
    let mut extra: Vec<String> = keywords(&entry.params)
        .into_iter()
        .filter(|k| upper.as_ref().is_some_and(|u| k.starts_with(u.as_str())))
        .collect();
    extra.extend(
        keys.iter()
            .filter(|k| k.starts_with(partial.as_bytes()))
            .map(|k| plain_or_quoted(k)),
    );
    for candidate in extra {
        let line = format!("{head}{candidate}");
        if !out.contains(&line) {
            out.push(line);
        }
    }
    out
}

/// `s.to_uppercase()` when that is all ASCII, else `None`: all that matters when it is compared
/// with the ASCII keywords, which a string holding anything else cannot start. Written out
/// because `str::to_uppercase` brings Unicode's upper-case table (about 12 KB) into the page.
/// Besides ASCII, only these characters upper-case to ASCII (checked over every `char` by the
/// test below).
fn ascii_upper(s: &str) -> Option<String> {
    let mut out = String::with_capacity(s.len());
    for c in s.chars() {
        out.push_str(match c {
            'ß' => "SS",
            'ı' => "I",
            'ſ' => "S",
            'ﬀ' => "FF",
            'ﬁ' => "FI",
            'ﬂ' => "FL",
            'ﬃ' => "FFI",
            'ﬄ' => "FFL",
            'ﬅ' | 'ﬆ' => "ST",
            c if c.is_ascii() => {
                out.push(c.to_ascii_uppercase());
                continue;
            }
            _ => return None,
        });
    }
    Some(out)
}

/// `s.to_lowercase()` when that is all ASCII, else `None`, for comparisons with the table's ASCII
/// names, as `ascii_upper` is for upper case: only the Kelvin sign lower-cases to ASCII besides
/// ASCII itself (checked over every `char` by the test below).
pub(crate) fn ascii_lower(s: &str) -> Option<String> {
    s.chars()
        .map(|c| match c {
            '\u{212A}' => Some('k'),
            c if c.is_ascii() => Some(c.to_ascii_lowercase()),
            _ => None,
        })
        .collect()
}

/// A key as typed: bare when the tokenizer reads it back unchanged, else quoted.
fn plain_or_quoted(key: &[u8]) -> String {
    let bare = !key.is_empty()
        && key
            .iter()
            .all(|&b| b.is_ascii_graphic() && b != b'"' && b != b'\'' && b != b'\\');
    if bare {
        String::from_utf8_lossy(key).into_owned()
    } else {
        tokenize::quote_arg(key)
    }
}

/// The buffer shown after `presses` Tabs (≥ 1): the candidates in turn, then the original buffer,
/// then round again (§10).
pub fn after_tabs(buf: &str, candidates: &[String], presses: usize) -> String {
    if candidates.is_empty() || presses == 0 {
        return buf.to_string();
    }
    let i = (presses - 1) % (candidates.len() + 1);
    candidates
        .get(i)
        .cloned()
        .unwrap_or_else(|| buf.to_string())
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    #[test]
    fn ascii_upper_is_to_uppercase_where_that_is_ascii() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let full = c.to_string().to_uppercase();
            let want = full.is_ascii().then_some(full);
            assert_eq!(ascii_upper(&c.to_string()), want, "{c:?}");
        }
        assert_eq!(ascii_upper("maxlen"), Some("MAXLEN".into()));
        assert_eq!(ascii_upper("ſtreams"), Some("STREAMS".into()));
        assert_eq!(ascii_upper("mé"), None);
    }

    #[test]
    fn ascii_lower_is_to_lowercase_where_that_is_ascii() {
        for c in (0..=0x10FFFF).filter_map(char::from_u32) {
            let full = c.to_string().to_lowercase();
            let want = full.is_ascii().then_some(full.clone());
            assert_eq!(ascii_lower(&c.to_string()), want, "{c:?}");
            // What lets the transcript parser compare a line's first four bytes with `help`:
            // no other character lower-cases to something that starts with an ASCII letter
            // of it (the Kelvin sign gives `k`, and `İ` gives `i` and a combining dot).
            let first = full.chars().next().unwrap();
            if !c.is_ascii() && first.is_ascii() {
                assert!(matches!(c, '\u{212A}' | 'İ'), "{c:?}");
            }
        }
        assert_eq!(ascii_lower("XAD"), Some("xad".into()));
        assert_eq!(ascii_lower("\u{212A}eys"), Some("keys".into()));
        assert_eq!(ascii_lower("é"), None);
    }

    /// The recordings copied from `redis-spec/cli-golden/` into `tests/golden/cli/`.
    fn golden_path(name: &str) -> std::path::PathBuf {
        std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
            .join("tests/golden/cli")
            .join(name)
    }

    fn golden_table() -> Vec<HelpEntry> {
        let text =
            std::fs::read_to_string(golden_path("help-table.json")).expect("help-table.json");
        let value: serde_json::Value = serde_json::from_str(&text).expect("json");
        value
            .as_array()
            .expect("an array")
            .iter()
            .map(|e| HelpEntry {
                name: e["name"].as_str().unwrap().to_string(),
                params: e["params"].as_str().unwrap().to_string(),
                group: e["group"].as_str().unwrap_or("").to_string(),
            })
            .collect()
    }

    fn golden_lines(name: &str) -> Vec<serde_json::Value> {
        std::fs::read_to_string(golden_path(name))
            .expect("golden file")
            .lines()
            .map(|l| serde_json::from_str(l).expect("json line"))
            .collect()
    }

    #[test]
    fn every_recorded_hint_matches_on_the_full_table() {
        let table = golden_table();
        let mut checked = 0;
        for case in golden_lines("09-hints.jsonl") {
            if case.get("after").is_some() {
                continue; // `:set nohints` switches hints off; the pane checks that.
            }
            let typed = case["typed"].as_str().unwrap();
            let want = case["hint"].as_str().map(str::to_string);
            assert_eq!(hint(typed, &table), want, "hint for {typed:?}");
            checked += 1;
        }
        assert_eq!(checked, 53);
    }

    #[test]
    fn every_recorded_completion_matches_on_the_full_table() {
        let table = golden_table();
        let mut checked = 0;
        for case in golden_lines("09-completion.jsonl") {
            let typed = case["typed"].as_str().unwrap();
            let tabs = case["tabs"].as_u64().unwrap() as usize;
            let line = case["line"].as_str().unwrap();
            let shown = line.strip_prefix("127.0.0.1:6411> ").unwrap();
            let candidates = completions(typed, &table);
            let got = after_tabs(typed, &candidates, tabs);
            assert_eq!(got, shown, "{typed:?} after {tabs} Tabs");
            let want_hint = case["hint"].as_str().map(str::to_string);
            assert_eq!(
                hint(&got, &table),
                want_hint,
                "hint after {typed:?} ×{tabs}"
            );
            checked += 1;
        }
        assert_eq!(checked, 30);
    }

    #[test]
    fn hints_on_the_engine_table_match_redis_cli_for_implemented_commands() {
        let engine = help_table(false);
        let full = golden_table();
        let mut checked = 0;
        for case in golden_lines("09-hints.jsonl") {
            let typed = case["typed"].as_str().unwrap();
            let first = typed.split_whitespace().next().unwrap_or("");
            let known = engine
                .iter()
                .any(|e| e.name.eq_ignore_ascii_case(first.trim_matches(['"', '\''])));
            if !known || case.get("after").is_some() {
                continue;
            }
            assert_eq!(hint(typed, engine), hint(typed, &full), "{typed:?}");
            checked += 1;
        }
        assert!(checked >= 40, "only {checked} hints checked");
    }

    #[test]
    fn the_8_profile_hints_with_8_4s_syntax() {
        assert_eq!(
            hint("XTRIM k MAXLEN", help_table(true)).as_deref(),
            Some(" [=|~] threshold [LIMIT count] [KEEPREF|DELREF|ACKED]")
        );
        assert_eq!(
            hint("XTRIM k MAXLEN", help_table(false)).as_deref(),
            Some(" [=|~] threshold [LIMIT count]")
        );
        assert!(help_table(true).iter().any(|e| e.name == "XDELEX"));
        assert!(!help_table(false).iter().any(|e| e.name == "XDELEX"));
        assert_eq!(
            console_completions("XADD s KEEP", help_table(true), &[]),
            ["XADD s KEEPREF"]
        );
    }

    #[test]
    fn the_hint_shrinks_as_words_are_typed_and_stops_at_an_optional_part() {
        let t = help_table(false);
        assert_eq!(
            hint("XGROUP CREATE", t).as_deref(),
            Some(" key groupname id|$ [MKSTREAM] [ENTRIESREAD entries_read]")
        );
        assert_eq!(
            hint("XGROUP CREATE k", t).as_deref(),
            Some(" groupname id|$ [MKSTREAM] [ENTRIESREAD entries_read]")
        );
        assert_eq!(
            hint("XGROUP CREATE k ", t).as_deref(),
            Some("groupname id|$ [MKSTREAM] [ENTRIESREAD entries_read]")
        );
        assert_eq!(
            hint("XGROUP CREATE k g $", t).as_deref(),
            Some(" [MKSTREAM] [ENTRIESREAD entries_read]")
        );
        assert_eq!(hint("XA", t), None);
        assert_eq!(hint("3 PING", t), None);
        assert_eq!(hint("SET \"k", t), None);
        assert_eq!(hint("", t), None);
    }

    #[test]
    fn completion_cycles_through_subcommands_then_the_original() {
        let t = help_table(false);
        let c = completions("xgr", t);
        assert_eq!(c[0], "XGROUP");
        assert_eq!(c[1], "XGROUP CREATE");
        assert_eq!(after_tabs("xgr", &c, c.len() + 1), "xgr");
        assert_eq!(after_tabs("xgr", &c, c.len() + 2), "XGROUP");
        let h = completions("help @st", t);
        assert_eq!(h, ["help @stream", "help @string"]);
        assert!(completions("nosuch", t).is_empty());
    }

    #[test]
    fn the_console_also_completes_keywords_and_keys() {
        let t = help_table(false);
        let keys = vec![b"orders".to_vec(), b"other key".to_vec(), b"users".to_vec()];
        assert_eq!(
            console_completions("XADD orders MA", t, &keys),
            ["XADD orders MAXLEN"]
        );
        assert_eq!(
            console_completions("xadd o", t, &keys),
            ["xadd orders", "xadd \"other key\""]
        );
        assert_eq!(
            console_completions("XREAD COUNT 1 ST", t, &keys),
            ["XREAD COUNT 1 STREAMS"]
        );
        // The command's own words complete through redis-cli's table only.
        assert_eq!(console_completions("XINFO S", t, &keys)[0], "XINFO STREAM");
        assert!(console_completions("help x", t, &keys)
            .iter()
            .all(|c| c.starts_with("help X")));
        assert!(console_completions("NOSUCH o", t, &keys).is_empty());
        assert_eq!(keywords("key [NOMKSTREAM] [MAXLEN|MINID [=|~] threshold [LIMIT count]] *|id field value [field value ...]"),
                   ["NOMKSTREAM", "MAXLEN", "MINID", "LIMIT"]);
    }
}
