//! Transcripts and scenarios (DESIGN.md "Transcripts and scenarios: one
//! format"): parsing, rendering, and replaying through a session with the console's rules.
//!
//! ```text
//! # A comment.
//! @profile 7.0
//! @clock 1700000000000
//! A> SET greeting hello
//! OK
//! B> XREAD BLOCK 0 STREAMS s $
//! A> XADD s 1-1 f v
//! "1-1"
//! B< 1) 1) "s"
//!       2) ...
//! @clock +60000
//! ```
//! `A> line` runs a line as client A (created on first use); the lines up to
//! the next `X>`, `X<`, `@` or `#` line are its output in redis-cli form.
//! A client whose connection closed (QUIT, CLIENT KILL) gets a new one on its
//! next line, as a page pane does.
//! An output line that would read as a comment, a directive or a command (INFO's
//! `# Server`), or that starts with a backslash, is written with one more
//! backslash in front.
//! `B< output` is a frame delivered to B later; its continuation lines are
//! indented by the width of `B< `. `<any>` in an expected line matches any text.
//!
//! Directives: `@profile 7.0|8` (before anything else it picks the server;
//! later it switches to a fresh server of that profile, every pane on a new
//! connection), `@clock <ms>` (sets the engine clock and lets time pass to it),
//! `@clock +<ms>` (a clock jump), `@pause`, `@pane add NAME`,
//! `@pane remove NAME`, `@pane rename OLD NEW`, `@unblock NAME` (Ctrl+C on a
//! blocked pane; its reply is checked with `NAME<`), `@reconnect NAME`, and
//! `@pane stop-reading NAME` / `@pane start-reading NAME` (a pane that stops reading
//! its connection and reads it again; the frames kept meanwhile are checked with `NAME<`).
//! Replaying runs through the session (`crate::session`), the one runner.

use std::collections::BTreeMap;

use crate::engine::Profile;
use crate::session::{Session, SessionConfig};

/// One step of a transcript.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A comment line (without `#`); lessons show it as narration.
    Comment(String),
    Profile(String),
    /// `@clock <ms>` (absolute) or `@clock +<ms>` (relative).
    Clock {
        relative: bool,
        ms: u64,
    },
    Pause,
    /// `client> line`, with its expected output lines (`None`: a scenario line
    /// with no expectation, i.e. nothing written after it is checked).
    Command {
        client: String,
        line: String,
        expected: Vec<String>,
    },
    /// `client< ...`: one frame delivered to `client` later.
    Frame {
        client: String,
        expected: Vec<String>,
    },
    /// `@pane add NAME`: a pane (a client connection) opens now.
    PaneAdd(String),
    /// `@pane remove NAME`: the pane closes its connection and goes.
    PaneRemove(String),
    /// `@pane rename OLD NEW`: later lines name the pane `NEW`.
    PaneRename {
        from: String,
        to: String,
    },
    /// `@unblock NAME`: Ctrl+C on a blocked pane (its timeout reply comes as `NAME<`).
    Unblock(String),
    /// `@reconnect NAME`: the pane drops its connection and opens a new one.
    Reconnect(String),
    /// `@pane stop-reading NAME`: the pane stops reading its connection (its frames wait in
    /// the server's output buffer for it).
    StopReading(String),
    /// `@pane start-reading NAME`: it reads again (the kept frames come as `NAME<`, unless
    /// the server closed the connection: then its next line opens a new one).
    StartReading(String),
}

/// A step with the 1-based line number it starts on.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Located {
    pub line: usize,
    pub step: Step,
}

/// Why a transcript could not be parsed.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct ParseError {
    pub line: usize,
    pub message: String,
}

fn client_marker(line: &str) -> Option<(String, char, String)> {
    let end = line.find(['>', '<'])?;
    let name = &line[..end];
    if name.is_empty()
        || !name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
    {
        return None;
    }
    let marker = line[end..].chars().next()?;
    let rest = &line[end + 1..];
    let rest = if let Some(r) = rest.strip_prefix(' ') {
        r
    } else if rest.is_empty() {
        ""
    } else {
        return None;
    };
    Some((name.to_string(), marker, rest.to_string()))
}

fn starts_block(line: &str) -> bool {
    line.starts_with('@') || line.starts_with('#') || client_marker(line).is_some()
}

/// Parses a transcript.
pub fn parse(text: &str) -> Result<Vec<Located>, ParseError> {
    let lines: Vec<&str> = text.lines().collect();
    let mut steps = Vec::new();
    let mut i = 0;
    while i < lines.len() {
        let line = lines[i];
        let lineno = i + 1;
        i += 1;
        if line.trim().is_empty() {
            continue;
        }
        let step = if let Some(c) = line.strip_prefix('#') {
            Step::Comment(c.strip_prefix(' ').unwrap_or(c).to_string())
        } else if let Some(d) = line.strip_prefix('@') {
            let mut words = d.split_whitespace();
            let all: Vec<&str> = d.split_whitespace().collect();
            match (words.next(), words.next()) {
                (Some("profile"), Some(p)) => Step::Profile(p.to_string()),
                (Some("pause"), None) => Step::Pause,
                (Some("pane"), Some(_)) => match all.as_slice() {
                    [_, "add", name] => Step::PaneAdd(name.to_string()),
                    [_, "remove", name] => Step::PaneRemove(name.to_string()),
                    [_, "rename", from, to] => Step::PaneRename {
                        from: from.to_string(),
                        to: to.to_string(),
                    },
                    [_, "stop-reading", name] => Step::StopReading(name.to_string()),
                    [_, "start-reading", name] => Step::StartReading(name.to_string()),
                    _ => {
                        return Err(ParseError {
                            line: lineno,
                            message: format!(
                                "expected @pane add NAME, @pane remove NAME, @pane rename OLD NEW, @pane stop-reading NAME or @pane start-reading NAME, not @{d}"
                            ),
                        })
                    }
                },
                (Some("unblock"), Some(name)) if all.len() == 2 => Step::Unblock(name.to_string()),
                (Some("reconnect"), Some(name)) if all.len() == 2 => {
                    Step::Reconnect(name.to_string())
                }
                (Some("clock"), Some(v)) => {
                    let (relative, digits) = match v.strip_prefix('+') {
                        Some(d) => (true, d),
                        None => (false, v),
                    };
                    let ms = digits.parse::<u64>().map_err(|_| ParseError {
                        line: lineno,
                        message: format!("bad clock value {v:?}"),
                    })?;
                    Step::Clock { relative, ms }
                }
                _ => {
                    return Err(ParseError {
                        line: lineno,
                        message: format!("unknown directive @{d}"),
                    })
                }
            }
        } else if let Some((client, marker, rest)) = client_marker(line) {
            let mut expected = Vec::new();
            if marker == '<' {
                expected.push(rest.clone());
            }
            let indent = client.len() + 2;
            while i < lines.len() && !starts_block(lines[i]) {
                let l = lines[i];
                if marker == '<' {
                    let cut = l
                        .char_indices()
                        .nth(indent)
                        .map(|(p, _)| p)
                        .unwrap_or(l.len());
                    if !l[..cut].trim().is_empty() {
                        return Err(ParseError {
                            line: i + 1,
                            message: format!(
                                "a frame's continuation lines are indented by {indent} spaces"
                            ),
                        });
                    }
                    expected.push(l[cut..].to_string());
                } else {
                    expected.push(l.strip_prefix('\\').unwrap_or(l).to_string());
                }
                i += 1;
            }
            // Blank lines between blocks are layout, not output, unless the
            // command itself prints blank lines (HELP): keep inner blanks only.
            // A line whose lower case starts with `help` starts with those four ASCII letters
            // in any case (no other character lower-cases to one of them; see
            // `cli::hints`' tests), so no Unicode table is needed here.
            if marker == '>' {
                while expected.last().is_some_and(|l| l.is_empty())
                    && !rest
                        .get(..4)
                        .is_some_and(|w| w.eq_ignore_ascii_case("help"))
                {
                    expected.pop();
                }
                Step::Command {
                    client,
                    line: rest,
                    expected,
                }
            } else {
                Step::Frame { client, expected }
            }
        } else {
            return Err(ParseError {
                line: lineno,
                message: format!("unexpected line {line:?}"),
            });
        };
        steps.push(Located { line: lineno, step });
    }
    Ok(steps)
}

/// Whether `actual` matches `expected`, where `<any>` matches any text.
pub fn line_matches(expected: &str, actual: &str) -> bool {
    let parts: Vec<&str> = expected.split("<any>").collect();
    if parts.len() == 1 {
        return expected == actual;
    }
    let mut rest = actual;
    for (n, part) in parts.iter().enumerate() {
        if n == 0 {
            let Some(r) = rest.strip_prefix(part) else {
                return false;
            };
            rest = r;
        } else if n == parts.len() - 1 {
            return rest.ends_with(part);
        } else {
            let Some(p) = rest.find(part) else {
                return false;
            };
            rest = &rest[p + part.len()..];
        }
    }
    true
}

pub(crate) fn lines_match(expected: &[String], actual: &[String]) -> bool {
    expected.len() == actual.len() && expected.iter().zip(actual).all(|(e, a)| line_matches(e, a))
}

/// A difference between a transcript and what the engine did.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Mismatch {
    pub line: usize,
    pub what: String,
    pub expected: Vec<String>,
    pub actual: Vec<String>,
}

/// The outcome of replaying a transcript: mismatches, and the actual output of
/// every step (for re-blessing).
#[derive(Debug, Default)]
pub struct Replay {
    pub mismatches: Vec<Mismatch>,
    /// For each step index, the actual lines (commands and frames only).
    pub actual: BTreeMap<usize, Vec<String>>,
}

/// Replays parsed steps through a fresh session (profile from `@profile`, default 8; clock
/// starting at 0) and compares every output: the one scenario runner,
/// [`Session::run_steps`](crate::session::Session::run_steps).
pub fn replay(steps: &[Located]) -> Replay {
    replay_with_probe(steps, false)
}

/// `replay` with the engine's listener-only `Probe` events on or off
/// (`Config::probe_events`), which must not change any output.
pub fn replay_with_probe(steps: &[Located], probe_events: bool) -> Replay {
    let config = SessionConfig {
        probe_events,
        ..SessionConfig::default()
    };
    let mut session = Session::new(config, Profile::default(), 0);
    session.run_steps(steps)
}

/// Writes `steps` back as transcript text, with each command's and frame's
/// output replaced by the actual output where it did not match (re-bless).
pub fn render(steps: &[Located], replay: &Replay) -> String {
    let mut out = String::new();
    for (index, located) in steps.iter().enumerate() {
        match &located.step {
            Step::Comment(c) => {
                out.push_str(&format!("#{}{c}\n", if c.is_empty() { "" } else { " " }))
            }
            Step::Profile(p) => out.push_str(&format!("@profile {p}\n")),
            Step::Pause => out.push_str("@pause\n"),
            Step::PaneAdd(name) => out.push_str(&format!("@pane add {name}\n")),
            Step::PaneRemove(name) => out.push_str(&format!("@pane remove {name}\n")),
            Step::PaneRename { from, to } => out.push_str(&format!("@pane rename {from} {to}\n")),
            Step::Unblock(name) => out.push_str(&format!("@unblock {name}\n")),
            Step::Reconnect(name) => out.push_str(&format!("@reconnect {name}\n")),
            Step::StopReading(name) => out.push_str(&format!("@pane stop-reading {name}\n")),
            Step::StartReading(name) => out.push_str(&format!("@pane start-reading {name}\n")),
            Step::Clock { relative, ms } => out.push_str(&format!(
                "@clock {}{ms}\n",
                if *relative { "+" } else { "" }
            )),
            Step::Command {
                client,
                line,
                expected,
            } => {
                out.push_str(&format!("{client}> {line}\n"));
                let lines = pick(expected, replay.actual.get(&index));
                for l in lines {
                    // Output that would read as a comment, a directive or a command
                    // (INFO's `# Server`) is escaped with a backslash.
                    if starts_block(l) || l.starts_with('\\') {
                        out.push('\\');
                    }
                    out.push_str(l);
                    out.push('\n');
                }
            }
            Step::Frame { client, expected } => {
                let lines = pick(expected, replay.actual.get(&index));
                let pad = " ".repeat(client.len() + 2);
                for (n, l) in lines.iter().enumerate() {
                    if n == 0 {
                        out.push_str(&format!("{client}< {l}\n"));
                    } else {
                        out.push_str(&format!("{pad}{l}\n"));
                    }
                }
            }
        }
    }
    out
}

fn pick<'a>(expected: &'a [String], actual: Option<&'a Vec<String>>) -> &'a [String] {
    match actual {
        Some(a) if !lines_match(expected, a) => a,
        _ => expected,
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn parses_the_design_example() {
        let text = "# c\n@profile 7.0\n@clock 1700000000000\nA> SET greeting hello\nOK\nB> XREAD BLOCK 0 STREAMS s $\nB< 1) 1) \"s\"\n      2) 1) 1) \"1-1\"\n@clock +60000\n";
        let steps = parse(text).unwrap();
        assert_eq!(steps.len(), 7);
        assert_eq!(
            steps[3].step,
            Step::Command {
                client: "A".into(),
                line: "SET greeting hello".into(),
                expected: vec!["OK".into()]
            }
        );
        assert_eq!(
            steps[5].step,
            Step::Frame {
                client: "B".into(),
                expected: vec!["1) 1) \"s\"".into(), "   2) 1) 1) \"1-1\"".into()]
            }
        );
        assert_eq!(
            steps[6].step,
            Step::Clock {
                relative: true,
                ms: 60000
            }
        );
    }

    #[test]
    fn output_that_looks_like_a_block_is_escaped() {
        let text = "A> INFO keyspace\n\\# Keyspace\n\\\\x\nA> PING\nPONG\n";
        let steps = parse(text).unwrap();
        assert_eq!(
            steps[0].step,
            Step::Command {
                client: "A".into(),
                line: "INFO keyspace".into(),
                expected: vec!["# Keyspace".into(), "\\x".into()]
            }
        );
        let replay = Replay::default();
        assert_eq!(render(&steps, &replay), text);
    }

    #[test]
    fn any_matches_wall_time_values() {
        assert!(line_matches("(integer) <any>", "(integer) 1234"));
        assert!(line_matches("a <any> b <any>", "a x b y"));
        assert!(!line_matches("(integer) <any>", "(nil)"));
    }
}
