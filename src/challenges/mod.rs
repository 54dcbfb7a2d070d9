//! Challenges (interview prep): tasks a reader solves in the playground, each with its setup
//! scenario, hints, a solution and a check that reads the session's state (the inspect API the
//! views use) and the commands the reader typed, never the text of a reply.
//!
//! The page runs a challenge's `setup` in a fresh session, remembers the timeline index right
//! after it (`from`), lets the reader work, and calls [`Challenge::check`]. The challenges
//! themselves live in `list.rs`.
//!
//! ```
//! use streamplay::challenges::{find, Verdict};
//! use streamplay::engine::Profile;
//! use streamplay::session::{Session, SessionConfig};
//!
//! let c = find("lock-with-expiry").unwrap();
//! let mut s = Session::new(SessionConfig::default(), Profile::V8, 0);
//! s.run_scenario(c.setup).unwrap();
//! let from = s.current();
//! s.run("worker-1", "SET lock:report worker-1 NX").unwrap();
//! assert!(matches!(c.check(&s, from), Verdict::NotYet(why) if why.contains("never expires")));
//! ```

use crate::cli::split::split_args;
use crate::cli::tokenize::parse_repeat;
use crate::engine::inspect::{ClientInfo, EntryInfo, GroupInfo, KeyInfo, PendingInfo, Window};
use crate::engine::StreamId;
use crate::session::{Session, Step};

mod list;

/// One challenge: what to do, how it starts, how to get there, and how it is checked.
pub struct Challenge {
    /// A stable kebab-case id (the page's `data-name`, and the key a solved mark is kept under).
    pub name: &'static str,
    pub title: &'static str,
    /// 1 (easy), 2 (medium) or 3 (hard).
    pub difficulty: u8,
    /// What to achieve, for the reader (plain text).
    pub task: &'static str,
    /// A scenario (transcript format) run in a fresh session first; it starts with `@clock`,
    /// which leaves the clock paused there.
    pub setup: &'static str,
    /// Two or three hints, from gentle to specific.
    pub hints: &'static [&'static str],
    /// Scenario steps that solve it, run on top of the setup.
    pub solution: &'static str,
    /// How the check decides, in a sentence or two.
    pub checked_by: &'static str,
    check: fn(&Ctx) -> Res,
}

/// What a check found: solved, or not yet; the text says why, in the reader's terms.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Verdict {
    Solved(String),
    NotYet(String),
}

impl Challenge {
    /// Checks the session's current state and the reader's own steps: those after the
    /// timeline index `from` (right after the setup ran) up to the current step.
    pub fn check(&self, session: &Session, from: usize) -> Verdict {
        let ctx = Ctx::new(session, from);
        match (self.check)(&ctx) {
            Ok(why) => Verdict::Solved(why),
            Err(why) => Verdict::NotYet(why),
        }
    }
}

/// Every challenge, easiest first.
pub fn all() -> &'static [Challenge] {
    &list::ALL
}

/// The challenge named `name`.
pub fn find(name: &str) -> Option<&'static Challenge> {
    all().iter().find(|c| c.name == name)
}

/// A command the reader typed: its pane, its arguments (the repeat prefix taken off, the
/// command's name upper-cased) and how many times it ran.
struct Cmd {
    pane: String,
    args: Vec<Vec<u8>>,
    times: u64,
}

impl Cmd {
    fn name(&self) -> &[u8] {
        self.args.first().map_or(&[], |a| a)
    }

    /// Argument `i` (0 is the command's name), empty when absent.
    fn arg(&self, i: usize) -> &[u8] {
        self.args.get(i).map_or(&[], |a| a)
    }

    /// Whether any argument after the name is `word`, in any case.
    fn has(&self, word: &str) -> bool {
        self.args[1..]
            .iter()
            .any(|a| a.eq_ignore_ascii_case(word.as_bytes()))
    }
}

/// Commands that only look: they do not count as the reader's moves in "with one command".
const READ_ONLY: &[&str] = &[
    "XPENDING",
    "XINFO",
    "XRANGE",
    "XREVRANGE",
    "XLEN",
    "GET",
    "TTL",
    "PTTL",
    "TYPE",
    "EXISTS",
    "KEYS",
    "SCAN",
    "ZRANGE",
    "ZREVRANGE",
    "ZSCORE",
    "ZCARD",
    "PUBSUB",
    "HELP",
    "CLEAR",
    "PING",
];

/// What a check reads: the session (at its current time, database 0) and the reader's commands.
struct Ctx<'a> {
    s: &'a Session,
    now: u64,
    cmds: Vec<Cmd>,
}

/// Enough for any pending list or stream a challenge builds.
const ALL_ITEMS: Window = Window::First(100_000);

impl<'a> Ctx<'a> {
    fn new(s: &'a Session, from: usize) -> Ctx<'a> {
        // Timeline step `i` (from 1) is the log's entry `skip + i - 1`: the log also holds the
        // steps the history cap took off the timeline but has not freed yet.
        let skip = s.dropped().saturating_sub(s.freed());
        let mine = s
            .log()
            .get(skip + from..skip + s.current())
            .unwrap_or_default();
        let cmds = mine
            .iter()
            .filter_map(|l| match &l.step {
                Step::Command { pane, line } => {
                    let args = split_args(line.as_bytes())?;
                    let (times, rest) = parse_repeat(&args).ok()?;
                    let mut args = rest.to_vec();
                    args.first_mut()?.make_ascii_uppercase();
                    Some(Cmd {
                        pane: pane.to_string(),
                        args,
                        times,
                    })
                }
                _ => None,
            })
            .collect();
        Ctx {
            s,
            now: s.clock().now_ms,
            cmds,
        }
    }

    /// The reader's commands named `name` (upper case).
    fn named<'c>(&'c self, name: &'c str) -> impl Iterator<Item = &'c Cmd> + 'c {
        self.cmds
            .iter()
            .filter(move |c| c.name() == name.as_bytes())
    }

    /// How many commands the reader ran that change something (repeats counted).
    fn moves(&self) -> u64 {
        self.cmds
            .iter()
            .filter(|c| !READ_ONLY.iter().any(|r| c.name() == r.as_bytes()))
            .map(|c| c.times)
            .sum()
    }

    fn key(&self, key: &str) -> Option<KeyInfo> {
        self.s.engine().inspect_key(0, key.as_bytes(), self.now)
    }

    /// A string key's value (its first 80 bytes, plenty for a counter or a name).
    fn string(&self, key: &str) -> Option<String> {
        match self.key(key)?.preview {
            crate::engine::inspect::Preview::String { head } => Some(text(&head)),
            _ => None,
        }
    }

    fn entries(&self, key: &str) -> Option<Vec<EntryInfo>> {
        self.s
            .engine()
            .inspect_entries(0, key.as_bytes(), self.now, ALL_ITEMS)
    }

    fn group(&self, key: &str, group: &str) -> Result<GroupInfo, String> {
        self.s
            .engine()
            .inspect_groups(0, key.as_bytes(), self.now)
            .and_then(|gs| gs.into_iter().find(|g| g.name == group.as_bytes()))
            .ok_or_else(|| format!("{key} has no consumer group {group}"))
    }

    /// The group's pending entries (empty when the group or stream is missing).
    fn pel(&self, key: &str, group: &str) -> Vec<PendingInfo> {
        self.s
            .engine()
            .inspect_pel(
                0,
                key.as_bytes(),
                group.as_bytes(),
                None,
                self.now,
                ALL_ITEMS,
            )
            .unwrap_or_default()
    }

    /// The consumer that `id` is pending for in the group, if it is pending.
    fn owner(&self, key: &str, group: &str, id: StreamId) -> Option<String> {
        self.pel(key, group)
            .into_iter()
            .find(|p| p.id == id)
            .map(|p| text(&p.consumer))
    }

    /// The IDs the group has delivered and not forgotten: its pending entries, and every ID
    /// the reader acknowledged in it (an acknowledged entry leaves no trace in the state).
    fn handled(&self, key: &str, group: &str) -> Vec<StreamId> {
        let acked = self
            .cmds
            .iter()
            .filter(|x| x.name().starts_with(b"XACK"))
            .filter(|x| x.arg(1) == key.as_bytes() && x.arg(2) == group.as_bytes())
            .flat_map(|x| x.args.get(3..).unwrap_or_default())
            .filter_map(|a| parse_id(a));
        self.pel(key, group)
            .into_iter()
            .map(|p| p.id)
            .chain(acked)
            .collect()
    }

    /// The connection of pane `pane`, if it has one.
    fn client(&self, pane: &str) -> Option<ClientInfo> {
        self.s.engine().inspect_client(self.s.pane(pane)?.client?)
    }
}

/// What a check answers: `Ok(why it is solved)` or `Err(what is missing)`.
type Res = Result<String, String>;

/// `Ok(())` when `ok`, else the reason it is not solved yet.
fn need(ok: bool, why: &str) -> Result<(), String> {
    if ok {
        Ok(())
    } else {
        Err(why.into())
    }
}

/// Text made of parts: a message with a few names in it costs the page less than `format!`.
fn cat(parts: &[&str]) -> String {
    parts.concat()
}

/// Bytes (a name, a value) as text.
fn text(b: &[u8]) -> String {
    String::from_utf8_lossy(b).into_owned()
}

/// An ID as typed (`ms-seq`, or `ms` for `ms-0`); `None` for anything else (`$`, `>`).
fn parse_id(text: &[u8]) -> Option<StreamId> {
    let text = std::str::from_utf8(text).ok()?;
    let (ms, seq) = text.split_once('-').unwrap_or((text, "0"));
    Some(StreamId::new(ms.parse().ok()?, seq.parse().ok()?))
}

/// The IDs the setups' `XADD *` lines make: the clock stays at `ms`, so the sequence counts up.
const fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

/// Names as a reader reads them: `a, b and c`.
fn listed(items: &[Vec<u8>]) -> String {
    let mut out = String::new();
    for (i, item) in items.iter().enumerate() {
        if i > 0 {
            out.push_str(if i + 1 == items.len() { " and " } else { ", " });
        }
        out.push_str(&text(item));
    }
    out
}
