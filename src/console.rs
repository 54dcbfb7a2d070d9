//! What a console pane does with a typed line, as redis-cli does it
//! (REDIS-CLI.md §3): split the line, take the repeat prefix, answer local
//! commands (`help`, `:set`, `clear`, ...), send everything else to the engine,
//! and print the replies and frames as redis-cli prints them.
//!
//! Pure and shared: the page's panes and the transcript runner both use it, so
//! a transcript checks exactly what a pane shows.

use crate::cli::help::help_lines;
use crate::cli::{format, split, tokenize};
use crate::engine::{ClientId, DeliveryKind, Engine, Event, Reply};

/// What kind of output a line is (the panes' `data-kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// The typed line, echoed after the prompt.
    Command,
    Reply,
    Error,
    Push,
    /// Local output: help, hints, `Invalid argument(s)`.
    Info,
}

impl LineKind {
    /// The `data-kind` attribute value.
    pub fn name(self) -> &'static str {
        match self {
            LineKind::Command => "command",
            LineKind::Reply => "reply",
            LineKind::Error => "error",
            LineKind::Push => "push",
            LineKind::Info => "info",
        }
    }
}

/// One screen line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
}

/// The result of one typed line.
#[derive(Clone, Debug, Default)]
pub struct Typed {
    /// What the typing pane shows (not including the echoed command line).
    pub lines: Vec<Line>,
    /// Frames for other clients (deferred replies of blocked clients, pushes),
    /// already formatted for each receiver, in delivery order.
    pub others: Vec<(ClientId, Vec<Line>)>,
    /// The command blocked: the pane waits for a deferred reply.
    pub blocked: bool,
    /// `clear` was typed: the pane empties its screen.
    pub clear: bool,
    /// The connection was closed (QUIT, or CLIENT KILL of itself).
    pub closed: bool,
    /// Other clients the command disconnected (CLIENT KILL): their panes lose
    /// their connections.
    pub killed: Vec<ClientId>,
    /// Everything the engine reported, for the views.
    pub events: Vec<Event>,
    /// `:set hints` (`Some(true)`) or `:set nohints` (`Some(false)`) was typed.
    pub set_hints: Option<bool>,
    /// The caller's own replies, in order, as the client's protocol shows them (for the JS API).
    pub replies: Vec<Reply>,
    /// Every frame written, to the caller and to others, as RESP bytes in the receiver's
    /// protocol, in the order written (for panes that show raw RESP).
    pub frames: Vec<RawFrame>,
}

/// One frame as the RESP bytes a client receives.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct RawFrame {
    pub client: ClientId,
    /// `Reply`, `Push` or `Error`.
    pub kind: LineKind,
    pub bytes: Vec<u8>,
}

impl RawFrame {
    /// The frame `frame` for `client`, encoded in its protocol.
    pub fn new(engine: &Engine, client: ClientId, frame: &Reply, kind: LineKind) -> RawFrame {
        let kind = if frame.is_error() {
            LineKind::Error
        } else {
            kind
        };
        RawFrame {
            client,
            kind,
            bytes: crate::engine::resp::encode(frame, engine.protocol(client)),
        }
    }

    /// The frame as one screen line, every byte visible: printable ASCII as itself, `\\`,
    /// `\r`, `\n`, `\t`, anything else `\xNN` (`*1\r\n$4\r\nPING\r\n`).
    pub fn line(&self) -> Line {
        let mut text = String::with_capacity(self.bytes.len() + 8);
        for &b in &self.bytes {
            match b {
                b'\\' => text.push_str("\\\\"),
                b'\r' => text.push_str("\\r"),
                b'\n' => text.push_str("\\n"),
                b'\t' => text.push_str("\\t"),
                0x20..=0x7e => text.push(b as char),
                _ => text.push_str(&format!("\\x{b:02x}")),
            }
        }
        Line {
            kind: self.kind,
            text,
        }
    }
}

/// Formats one frame for `client` as redis-cli prints it, in the client's
/// current protocol. Errors are `Error` lines, the rest have `kind`.
pub fn frame_lines(engine: &Engine, client: ClientId, frame: &Reply, kind: LineKind) -> Vec<Line> {
    let view = frame.for_protocol(engine.protocol(client));
    let kind = if view.is_error() {
        LineKind::Error
    } else {
        kind
    };
    // A push prints as redis-cli prints one (§4.6): an invalidation as one `-> invalidate:` line,
    // anything else with the normal formatter.
    let text = if kind == LineKind::Push {
        format::format_push(&view)
    } else {
        format::format(&view)
    };
    text_lines(&text, kind)
}

/// Splits formatter output into screen lines (the final newline ends the last line).
fn text_lines(text: &str, kind: LineKind) -> Vec<Line> {
    let body = text.strip_suffix('\n').unwrap_or(text);
    if text.is_empty() {
        return Vec::new();
    }
    body.split('\n')
        .map(|t| Line {
            kind,
            text: t.to_string(),
        })
        .collect()
}

fn info(text: &str) -> Line {
    Line {
        kind: LineKind::Info,
        text: text.to_string(),
    }
}

/// Runs a typed line for `client` at `now_ms`.
pub fn run_line(engine: &mut Engine, client: ClientId, line: &str, now_ms: u64) -> Typed {
    let mut typed = Typed::default();
    let Some(args) = split::split_args(line.as_bytes()) else {
        typed.lines.push(info("Invalid argument(s)"));
        return typed;
    };
    if args.is_empty() {
        return typed;
    }
    let Ok((repeat, command)) = tokenize::parse_repeat(&args) else {
        typed
            .lines
            .push(info("Invalid redis-cli repeat command option value."));
        return typed;
    };
    // Local commands are recognised on the first word of the whole line, before
    // the repeat count is taken off (so `2 clear` is sent to the server).
    let first = String::from_utf8_lossy(&args[0]).to_lowercase();
    if first == "quit" || first == "exit" {
        typed.closed = true;
        return typed;
    }
    if first.starts_with(':') {
        if first == ":set" && args.len() >= 2 {
            let pref = String::from_utf8_lossy(&args[1]);
            match pref.to_lowercase().as_str() {
                "hints" => typed.set_hints = Some(true),
                "nohints" => typed.set_hints = Some(false),
                _ => typed
                    .lines
                    .push(info(&format!("unknown redis-cli preference '{pref}'"))),
            }
        } else {
            typed.lines.push(info(&format!(
                "unknown redis-cli internal command '{}'",
                String::from_utf8_lossy(&args[0])
            )));
        }
        return typed;
    }
    if first == "restart" {
        typed
            .lines
            .push(info("Use 'restart' only in Lua debugging mode."));
        return typed;
    }
    if first == "clear" && args.len() == 1 {
        typed.clear = true;
        return typed;
    }
    let name = String::from_utf8_lossy(&command[0]).to_lowercase();
    if name == "help" || name == "?" {
        let words: Vec<String> = command[1..]
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        typed.lines.extend(
            help_lines(&words, engine.profile() == crate::engine::Profile::V8)
                .into_iter()
                .map(|t| info(&t)),
        );
        return typed;
    }
    let raw = format::uses_raw_output(command);
    for _ in 0..repeat {
        let out = engine.execute(client, command.to_vec(), now_ms);
        let mut own = Vec::new();
        let reply_lines = |engine: &Engine, reply: &Reply| {
            if raw {
                let view = reply.for_protocol(engine.protocol(client));
                let kind = if view.is_error() {
                    LineKind::Error
                } else {
                    LineKind::Reply
                };
                text_lines(&format::format_raw(&view), kind)
            } else {
                frame_lines(engine, client, reply, LineKind::Reply)
            }
        };
        let own_reply = |typed: &mut Typed, engine: &Engine, r: &Reply| {
            typed
                .frames
                .push(RawFrame::new(engine, client, r, LineKind::Reply));
            typed.replies.push(r.for_protocol(engine.protocol(client)));
        };
        for (i, d) in out.deliveries.iter().enumerate() {
            if i == out.reply_at {
                if let Some(r) = &out.reply {
                    own.extend(reply_lines(engine, r));
                    own_reply(&mut typed, engine, r);
                }
            }
            let kind = match d.kind {
                DeliveryKind::Push => LineKind::Push,
                DeliveryKind::Reply => LineKind::Reply,
            };
            let lines = frame_lines(engine, d.client, &d.frame, kind);
            typed
                .frames
                .push(RawFrame::new(engine, d.client, &d.frame, kind));
            if d.client == client {
                own.extend(lines);
            } else {
                typed.others.push((d.client, lines));
            }
        }
        if out.reply_at >= out.deliveries.len() {
            if let Some(r) = &out.reply {
                own.extend(reply_lines(engine, r));
                own_reply(&mut typed, engine, r);
            }
        }
        typed.lines.extend(own);
        typed.events.extend(out.events);
        typed.killed.extend(out.killed);
        if out.reply.is_none() && engine.is_blocked(client) {
            typed.blocked = true;
            break;
        }
        if out.close {
            typed.closed = true;
            break;
        }
    }
    typed
}

/// The prompt redis-cli would show, with the pane's name in place of host:port
/// (`producer> `, `producer[2]> `, `producer(TX)> ` inside MULTI).
pub fn prompt(engine: &Engine, client: ClientId, name: &str) -> String {
    let Some(s) = engine.client_state(client) else {
        return format!("{name}> ");
    };
    let db = if s.db != 0 {
        format!("[{}]", s.db)
    } else {
        String::new()
    };
    let tx = if s.in_multi { "(TX)" } else { "" };
    format!("{name}{db}{tx}> ")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::{Config, Profile};

    /// The typed lines of a recording and the screen lines after each.
    fn blocks(text: &str) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for line in text.lines() {
            if let Some(typed) = line.strip_prefix("> ") {
                out.push((typed.to_string(), Vec::new()));
            } else if line.starts_with('@') || line.starts_with("# ") && out.is_empty() {
                continue;
            } else if let Some((_, lines)) = out.last_mut() {
                lines.push(line.to_string());
            }
        }
        out
    }

    /// Every HELP of the redis-cli recording (`cli-golden/08-help.txt`, copied into
    /// `tests/golden/cli/`) prints the same screen lines in a pane of the 7.0 profile, except the
    /// groups whose commands the engine does not have yet (listed, so that the list shrinks).
    #[test]
    fn help_prints_what_redis_cli_prints() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cli/08-help.txt");
        let text = std::fs::read_to_string(path).expect("08-help.txt");
        let mut engine = Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        });
        let client = engine.connect(0);
        let mut checked = 0;
        let mut differ = Vec::new();
        for (typed, want) in blocks(&text) {
            let got: Vec<String> = run_line(&mut engine, client, &typed, 0)
                .lines
                .into_iter()
                .map(|l| {
                    assert_eq!(l.kind, LineKind::Info, "{typed}");
                    l.text
                })
                .collect();
            if got == want {
                checked += 1;
            } else {
                differ.push(typed);
            }
        }
        assert_eq!(differ, Vec::<String>::new());
        assert_eq!(checked, 16);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod raw_tests {
    use super::*;
    use crate::engine::{Config, Profile};

    #[test]
    fn raw_frames_show_every_byte_and_follow_the_protocol() {
        let mut engine = Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        });
        let client = engine.connect(0);
        let typed = run_line(&mut engine, client, "ECHO \"a\\\\b\\x00\\xff\"", 0);
        let lines: Vec<String> = typed.frames.iter().map(|f| f.line().text).collect();
        assert_eq!(lines, [r"$5\r\na\\b\x00\xff\r\n"]);
        let typed = run_line(&mut engine, client, "GET", 0);
        assert_eq!(typed.frames[0].kind, LineKind::Error);
        assert_eq!(
            typed.frames[0].line().text,
            r"-ERR wrong number of arguments for 'get' command\r\n"
        );
        run_line(&mut engine, client, "HELLO 3", 0);
        let typed = run_line(&mut engine, client, "GET nothing", 0);
        assert_eq!(typed.frames[0].line().text, r"_\r\n");
        assert_eq!(typed.replies, [Reply::Null]);
    }

    #[test]
    fn set_hints_is_reported_and_other_preferences_are_not() {
        let mut engine = Engine::new(Config::default());
        let client = engine.connect(0);
        assert_eq!(
            run_line(&mut engine, client, ":set nohints", 0).set_hints,
            Some(false)
        );
        assert_eq!(
            run_line(&mut engine, client, ":set HINTS", 0).set_hints,
            Some(true)
        );
        let other = run_line(&mut engine, client, ":set foo", 0);
        assert_eq!(other.set_hints, None);
        assert_eq!(other.lines[0].text, "unknown redis-cli preference 'foo'");
    }
}
