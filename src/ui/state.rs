//! The page's state: one engine shared by the console panes, each pane's lines and history, and
//! the actions (typing, Enter, history keys, clock ticks) that change them.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use crate::engine::{ClientId, Config, Delivery, Engine};
use yew::{AttrValue, Reducible};

use super::repl;

/// The most output lines a pane keeps. Older lines are dropped so that a long session (or a reply
/// with a million elements) cannot make every render slower and slower.
pub const MAX_LINES: usize = 1000;

/// The name a new pane's client gets; the first page has one pane, the one that writes.
pub const DEFAULT_PANE_NAME: &str = "producer";

/// What an output line is, as the automation hooks expose it in `data-kind`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// The typed line, echoed after its prompt.
    Command,
    /// A reply to this pane's command (including the late reply of a blocking command).
    Reply,
    /// An error reply.
    Error,
    /// A push frame (pub/sub message, subscribe confirmation, notification).
    Push,
    /// A local message that did not come from the engine, such as `Invalid argument(s)`.
    Info,
}

impl LineKind {
    /// The `data-kind` value.
    pub fn as_str(self) -> &'static str {
        match self {
            LineKind::Command => "command",
            LineKind::Reply => "reply",
            LineKind::Error => "error",
            LineKind::Push => "push",
            LineKind::Info => "info",
        }
    }
}

/// One output line of a pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Unique within its pane, so that Yew can keep rendered lines when old ones are dropped.
    pub id: u64,
    pub kind: LineKind,
    /// Reference-counted, so that copying a pane on every keystroke does not copy its text.
    pub text: AttrValue,
}

/// A command line still being worked through: a repeated command waits while one of its runs is
/// blocked, and the rest run when the late reply arrives (as redis-cli sends the next repeat only
/// after the previous reply).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Running {
    pub argv: Vec<Vec<u8>>,
    /// Runs still to send.
    pub remaining: u64,
    /// When Enter was pressed, for redis-cli's `(N.NNs)` line.
    pub started_ms: u64,
}

/// One console pane: a client connection with its output and its input history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pane {
    /// The pane's own name, shown until the client names itself with `CLIENT SETNAME`.
    pub name: String,
    pub client: ClientId,
    /// The name the engine knows the client by, if it set one.
    pub client_name: Option<String>,
    /// The database redis-cli would show in the prompt. Like redis-cli, it is tracked from what was
    /// typed (`SELECT n`, `RESET`), not read from the server (REDIS-CLI.md §2).
    pub db: i32,
    /// Whether the client waits in a blocking command.
    pub blocked: bool,
    pub running: Option<Running>,
    pub lines: Rc<VecDeque<Line>>,
    next_line_id: u64,
    /// Typed lines, oldest first.
    pub history: Rc<Vec<String>>,
    /// The history entry shown in the input, or `None` while editing a fresh line.
    pub history_pos: Option<usize>,
    /// The fresh line put aside while walking the history, given back by ↓ past the newest entry.
    pub stash: String,
    /// What the input shows.
    pub draft: String,
}

impl Pane {
    pub fn new(name: &str, client: ClientId) -> Pane {
        Pane {
            name: name.to_string(),
            client,
            client_name: None,
            db: 0,
            blocked: false,
            running: None,
            lines: Rc::new(VecDeque::new()),
            next_line_id: 0,
            history: Rc::new(Vec::new()),
            history_pos: None,
            stash: String::new(),
            draft: String::new(),
        }
    }

    /// The name shown in the prompt and in `data-client`.
    pub fn display_name(&self) -> &str {
        self.client_name.as_deref().unwrap_or(&self.name)
    }

    /// `producer> `, or `producer[2]> ` after `SELECT 2`, as redis-cli shows `[db]`.
    pub fn prompt(&self) -> String {
        if self.db == 0 {
            format!("{}> ", self.display_name())
        } else {
            format!("{}[{}]> ", self.display_name(), self.db)
        }
    }

    /// `pane-state`: `blocked` while the client waits, else `normal`.
    pub fn state_name(&self) -> &'static str {
        if self.blocked {
            "blocked"
        } else {
            "normal"
        }
    }

    /// Appends one output line, dropping the oldest past [`MAX_LINES`].
    pub fn push_line(&mut self, kind: LineKind, text: impl Into<AttrValue>) {
        let id = self.next_line_id;
        self.next_line_id += 1;
        let lines = Rc::make_mut(&mut self.lines);
        lines.push_back(Line {
            id,
            kind,
            text: text.into(),
        });
        while lines.len() > MAX_LINES {
            lines.pop_front();
        }
    }

    /// Empties the output (the `clear` command).
    pub fn clear_lines(&mut self) {
        self.lines = Rc::new(VecDeque::new());
    }

    /// Remembers a typed line for ↑, skipping a repeat of the newest entry as linenoise does.
    pub fn remember(&mut self, line: &str) {
        if self.history.last().map(String::as_str) != Some(line) {
            Rc::make_mut(&mut self.history).push(line.to_string());
        }
    }

    /// ↑: shows the next older history entry, if any.
    fn history_older(&mut self) {
        let pos = match self.history_pos {
            None if self.history.is_empty() => return,
            None => {
                self.stash = std::mem::take(&mut self.draft);
                self.history.len() - 1
            }
            Some(0) => return,
            Some(pos) => pos - 1,
        };
        self.history_pos = Some(pos);
        self.draft = self.history.get(pos).cloned().unwrap_or_default();
    }

    /// ↓: shows the next newer history entry, or the line put aside.
    fn history_newer(&mut self) {
        let Some(pos) = self.history_pos else {
            return;
        };
        if pos + 1 < self.history.len() {
            self.history_pos = Some(pos + 1);
            self.draft = self.history[pos + 1].clone();
        } else {
            self.history_pos = None;
            self.draft = std::mem::take(&mut self.stash);
        }
    }
}

/// Everything that changes the page's state.
pub enum Action {
    /// The input's text changed.
    Edit { pane: usize, text: String },
    /// Enter: run a typed line at `now_ms`.
    Submit {
        pane: usize,
        line: String,
        now_ms: u64,
    },
    /// ↑ (`older`) or ↓ in the input.
    History { pane: usize, older: bool },
    /// The clock moved: blocked clients may time out.
    Tick { now_ms: u64 },
}

/// The page's session: the engine and its panes.
#[derive(Clone)]
pub struct Session {
    /// Shared, not copied, between successive states: the engine holds the whole keyspace, so a
    /// copy per command would cost far more than the command. The reducer is the only code that
    /// borrows it mutably, and reducers never run inside one another.
    engine: Rc<RefCell<Engine>>,
    pub panes: Vec<Rc<Pane>>,
}

impl Session {
    /// A fresh engine with one pane, connected at `now_ms`.
    pub fn new(now_ms: u64) -> Session {
        let mut engine = Engine::new(Config::default());
        let client = engine.connect(now_ms);
        Session {
            engine: Rc::new(RefCell::new(engine)),
            panes: vec![Rc::new(Pane::new(DEFAULT_PANE_NAME, client))],
        }
    }

    /// A copy of the session with pane `index` changed by `f`; the same session if there is no such
    /// pane (a stale event from a pane that is gone must not crash the page).
    fn with_pane(self: Rc<Self>, index: usize, f: impl FnOnce(&mut Pane)) -> Rc<Self> {
        if index >= self.panes.len() {
            return self;
        }
        let mut next = (*self).clone();
        f(Rc::make_mut(&mut next.panes[index]));
        Rc::new(next)
    }
}

impl Reducible for Session {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edit { pane, text } => self.with_pane(pane, |p| p.draft = text),
            Action::History { pane, older } => self.with_pane(pane, |p| {
                if older {
                    p.history_older()
                } else {
                    p.history_newer()
                }
            }),
            Action::Submit { pane, line, now_ms } => {
                if pane >= self.panes.len() {
                    return self;
                }
                let engine = Rc::clone(&self.engine);
                let Ok(mut engine) = engine.try_borrow_mut() else {
                    debug_assert!(false, "the engine is borrowed outside the reducer");
                    return self;
                };
                let mut next = (*self).clone();
                let p = Rc::make_mut(&mut next.panes[pane]);
                p.draft.clear();
                p.stash.clear();
                p.history_pos = None;
                let others = repl::submit(&mut engine, p, &line, now_ms);
                deliver(&mut engine, &mut next.panes, others, now_ms);
                refresh(&engine, &mut next.panes);
                Rc::new(next)
            }
            Action::Tick { now_ms } => {
                let engine = Rc::clone(&self.engine);
                let Ok(mut engine) = engine.try_borrow_mut() else {
                    return self;
                };
                let outcome = engine.advance(now_ms);
                // Most ticks change nothing a pane shows; returning the same state skips the render.
                if outcome.deliveries.is_empty() {
                    return self;
                }
                let mut next = (*self).clone();
                deliver(&mut engine, &mut next.panes, outcome.deliveries, now_ms);
                refresh(&engine, &mut next.panes);
                Rc::new(next)
            }
        }
    }
}

/// Hands frames to the panes of their clients, in order. A late reply can let a repeated command
/// run again, which may produce frames of its own; those join the queue.
fn deliver(engine: &mut Engine, panes: &mut [Rc<Pane>], frames: Vec<Delivery>, now_ms: u64) {
    let mut queue: VecDeque<Delivery> = frames.into();
    while let Some(frame) = queue.pop_front() {
        // Frames for clients without a pane (none yet; later, clients of scenarios) are not shown.
        let Some(pane) = panes.iter_mut().find(|p| p.client == frame.client) else {
            continue;
        };
        queue.extend(repl::receive(engine, Rc::make_mut(pane), frame, now_ms));
    }
}

/// Copies what the panes show about their clients (name, blocked) from the engine, touching only
/// panes where it changed so that the others are not re-rendered.
fn refresh(engine: &Engine, panes: &mut [Rc<Pane>]) {
    for pane in panes.iter_mut() {
        let Some(state) = engine.client_state(pane.client) else {
            continue;
        };
        let name = state
            .name
            .as_ref()
            .map(|n| String::from_utf8_lossy(n).into_owned());
        let blocked = state.blocked_on.is_some();
        if pane.client_name != name || pane.blocked != blocked {
            let pane = Rc::make_mut(pane);
            pane.client_name = name;
            pane.blocked = blocked;
        }
    }
}
