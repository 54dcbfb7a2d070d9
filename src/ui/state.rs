//! The page's state: one engine shared by the console panes, each pane's lines and history, and
//! the actions (typing, Enter, history keys, clock ticks) that change them.

use std::cell::RefCell;
use std::collections::VecDeque;
use std::rc::Rc;

use yew::{AttrValue, Reducible};

use crate::console::{self, LineKind};
use crate::engine::cli::tokenize;
use crate::engine::{ClientId, Config, DeliveryKind, Engine, Profile};

/// The page's memory ceiling: past it, writes get Redis's OOM error while
/// reads keep working, so a runaway script cannot take the tab down.
pub const PAGE_MAXMEMORY: u64 = 256 * 1024 * 1024;

/// The most output lines a pane keeps. Older lines are dropped so that a long session (or a reply
/// with a million elements) cannot make every render slower and slower.
pub const MAX_LINES: usize = 1000;

/// The most typed lines a pane remembers for ↑, as many as redis-cli's line editor (linenoise)
/// keeps by default; the oldest go first.
pub const MAX_HISTORY: usize = 100;

/// The name a new pane's client gets; the first page has one pane, the one that writes.
pub const DEFAULT_PANE_NAME: &str = "producer";

/// One output line of a pane.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Unique within its pane, so that Yew can keep rendered lines when old ones are dropped.
    pub id: u64,
    pub kind: LineKind,
    /// Reference-counted, so that copying a pane on every keystroke does not copy its text.
    pub text: AttrValue,
}

/// One console pane: a client connection with its output and its input history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pane {
    /// The pane's own name, shown until the client names itself with `CLIENT SETNAME`.
    pub name: String,
    pub client: ClientId,
    /// The name the engine knows the client by, if it set one.
    pub client_name: Option<String>,
    /// What redis-cli would show before the cursor (`producer> `, `producer[2]> `).
    pub prompt: String,
    /// Whether the client waits in a blocking command.
    pub blocked: bool,
    /// Between MULTI and EXEC/DISCARD.
    pub in_multi: bool,
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
    fn new(engine: &Engine, name: &str, client: ClientId) -> Pane {
        Pane {
            name: name.to_string(),
            client,
            client_name: None,
            prompt: console::prompt(engine, client, name),
            blocked: false,
            in_multi: false,
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

    /// `pane-state`: `blocked` while the client waits, `multi` inside a
    /// transaction, else `normal`.
    pub fn state_name(&self) -> &'static str {
        if self.blocked {
            "blocked"
        } else if self.in_multi {
            "multi"
        } else {
            "normal"
        }
    }

    /// Appends one output line, dropping the oldest past [`MAX_LINES`].
    fn push_line(&mut self, kind: LineKind, text: impl Into<AttrValue>) {
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

    fn push_lines(&mut self, lines: Vec<console::Line>) {
        for line in lines {
            self.push_line(line.kind, line.text);
        }
    }

    /// Runs a line typed at `now_ms` and shows what it printed. Returns the lines the engine
    /// produced for other clients, for their panes, and the clients it killed.
    fn run(
        &mut self,
        engine: &mut Engine,
        line: &str,
        now_ms: u64,
    ) -> (Vec<(ClientId, Vec<console::Line>)>, Vec<ClientId>) {
        // The typed line stays on screen after its prompt, as in a terminal.
        self.push_line(LineKind::Command, format!("{}{}", self.prompt, line));
        if self.blocked {
            // redis-cli reads no keys while a command waits and throws them away afterwards; the
            // pane says so rather than dropping the line silently (the engine would refuse it).
            self.push_line(
                LineKind::Info,
                "The client is blocked, waiting for a reply; the line was not run.",
            );
            return (Vec::new(), Vec::new());
        }
        if goes_into_history(line) {
            self.remember(line);
        }
        let typed = console::run_line(engine, self.client, line, now_ms);
        if typed.clear {
            // `clear` empties the screen, its own echo included, as redis-cli's does.
            self.lines = Rc::new(VecDeque::new());
        }
        self.push_lines(typed.lines);
        if typed.closed {
            // `quit` ends redis-cli, and `QUIT` closes the connection; a pane outlives both, so it
            // starts over on a fresh connection, as a new redis-cli would.
            self.reconnect(
                engine,
                now_ms,
                "The connection was closed; this pane now uses a new one.",
            );
        }
        (typed.others, typed.killed)
    }

    /// Gives the pane a fresh connection after its own closed, and says so.
    fn reconnect(&mut self, engine: &mut Engine, now_ms: u64, why: &str) {
        let _ = engine.disconnect(self.client, now_ms);
        self.client = engine.connect(now_ms);
        self.push_line(LineKind::Info, why);
    }

    /// Remembers a typed line for ↑, skipping a repeat of the newest entry as linenoise does.
    fn remember(&mut self, line: &str) {
        if self.history.last().map(String::as_str) == Some(line) {
            return;
        }
        let history = Rc::make_mut(&mut self.history);
        history.push(line.to_string());
        if history.len() > MAX_HISTORY {
            history.remove(0);
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
        match self.history.get(pos + 1) {
            Some(entry) => {
                self.draft = entry.clone();
                self.history_pos = Some(pos + 1);
            }
            None => {
                self.draft = std::mem::take(&mut self.stash);
                self.history_pos = None;
            }
        }
    }
}

/// Whether redis-cli keeps a typed line in its history (REDIS-CLI.md §3.2): an invalid line is
/// kept (so it can be fixed with ↑), an empty line or a bad repeat count is not, and neither are
/// commands that carry passwords.
fn goes_into_history(line: &str) -> bool {
    let Some(words) = tokenize::split_args(line.as_bytes()) else {
        return true;
    };
    if words.is_empty() {
        return false;
    }
    match tokenize::parse_repeat(&words) {
        Ok((_, command)) => !is_sensitive(command),
        Err(()) => false,
    }
}

/// The commands redis-cli keeps out of its history because they carry passwords (§3.2): AUTH,
/// ACL SETUSER, CONFIG SET of masterauth/masteruser/requirepass, HELLO ... AUTH, MIGRATE ... AUTH.
fn is_sensitive(argv: &[Vec<u8>]) -> bool {
    let is = |i: usize, word: &str| {
        argv.get(i)
            .is_some_and(|a| a.eq_ignore_ascii_case(word.as_bytes()))
    };
    let any_after = |start: usize, words: &[&str]| {
        argv.iter()
            .skip(start)
            .any(|a| words.iter().any(|w| a.eq_ignore_ascii_case(w.as_bytes())))
    };
    is(0, "auth")
        || (is(0, "acl") && is(1, "setuser"))
        || (is(0, "config")
            && is(1, "set")
            && any_after(2, &["masterauth", "masteruser", "requirepass"]))
        || (is(0, "hello") && any_after(2, &["auth"]))
        || (is(0, "migrate") && any_after(6, &["auth", "auth2"]))
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
    /// The profile selector changed: a fresh engine with that profile; the panes stay, each on a
    /// new connection, and say so.
    SetProfile { profile: Profile, now_ms: u64 },
}

/// The page's session: the engine and its panes.
#[derive(Clone)]
pub struct Session {
    /// Shared, not copied, between successive states: the engine holds the whole keyspace, so a
    /// copy per command would cost far more than the command. Only the reducer borrows it mutably,
    /// and Yew never runs a reducer inside another.
    engine: Rc<RefCell<Engine>>,
    pub panes: Vec<Rc<Pane>>,
}

/// An engine as the page runs it.
fn page_engine(profile: Profile) -> Engine {
    Engine::new(Config {
        profile,
        maxmemory: PAGE_MAXMEMORY,
        ..Config::default()
    })
}

/// What the profile selector calls a profile.
pub fn profile_label(profile: Profile) -> &'static str {
    match profile {
        Profile::V7 => "Redis 7.0",
        Profile::V8 => "Redis 8",
    }
}

impl Session {
    /// The profile the engine runs.
    pub fn profile(&self) -> Profile {
        self.engine
            .try_borrow()
            .map(|e| e.profile())
            .unwrap_or_default()
    }

    /// A fresh engine with one pane, connected at `now_ms`.
    pub fn new(now_ms: u64) -> Session {
        let mut engine = page_engine(Profile::default());
        let client = engine.connect(now_ms);
        let pane = Pane::new(&engine, DEFAULT_PANE_NAME, client);
        Session {
            engine: Rc::new(RefCell::new(engine)),
            panes: vec![Rc::new(pane)],
        }
    }

    /// A copy of the session with pane `index` changed by `f`; the same session if there is no such
    /// pane (a late event from a pane that is gone must not crash the page).
    fn with_pane(self: Rc<Self>, index: usize, f: impl FnOnce(&mut Pane)) -> Rc<Self> {
        if index >= self.panes.len() {
            return self;
        }
        let mut next = (*self).clone();
        f(Rc::make_mut(&mut next.panes[index]));
        Rc::new(next)
    }

    /// Runs `f` with the engine and a copy of the session to change; the same session if the
    /// engine is somehow in use (a panic here would take the page down).
    fn with_engine(self: Rc<Self>, f: impl FnOnce(&mut Engine, &mut Session) -> bool) -> Rc<Self> {
        let engine = Rc::clone(&self.engine);
        let Ok(mut engine) = engine.try_borrow_mut() else {
            debug_assert!(false, "the engine is borrowed outside the reducer");
            return self;
        };
        let mut next = (*self).clone();
        if !f(&mut engine, &mut next) {
            // Nothing a pane shows changed: the same state skips the render.
            return self;
        }
        refresh(&engine, &mut next.panes);
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
            Action::Submit { pane, line, now_ms } => self.with_engine(|engine, next| {
                let Some(p) = next.panes.get_mut(pane) else {
                    return false;
                };
                let p = Rc::make_mut(p);
                p.draft.clear();
                p.stash.clear();
                p.history_pos = None;
                let (others, killed) = p.run(engine, &line, now_ms);
                for (client, lines) in others {
                    show(&mut next.panes, client, lines);
                }
                // A pane whose client another pane killed (CLIENT KILL) starts over on a
                // new connection, as redis-cli reconnects after the server closed it.
                for client in killed {
                    if let Some(pane) = next.panes.iter_mut().find(|p| p.client == client) {
                        Rc::make_mut(pane).reconnect(
                            engine,
                            now_ms,
                            "The connection was killed (CLIENT KILL); this pane now uses a new one.",
                        );
                    }
                }
                true
            }),
            Action::SetProfile { profile, now_ms } => self.with_engine(|engine, next| {
                if engine.profile() == profile {
                    return false;
                }
                *engine = page_engine(profile);
                let why = format!(
                    "Switched to the {} profile: a fresh server with no keys; this pane now uses a new connection.",
                    profile_label(profile)
                );
                for pane in next.panes.iter_mut() {
                    let pane = Rc::make_mut(pane);
                    pane.client = engine.connect(now_ms);
                    pane.blocked = false;
                    pane.in_multi = false;
                    pane.push_line(LineKind::Info, why.clone());
                }
                true
            }),
            Action::Tick { now_ms } => self.with_engine(|engine, next| {
                let outcome = engine.advance(now_ms);
                for frame in &outcome.deliveries {
                    let kind = match frame.kind {
                        DeliveryKind::Push => LineKind::Push,
                        DeliveryKind::Reply => LineKind::Reply,
                    };
                    let lines = console::frame_lines(engine, frame.client, &frame.frame, kind);
                    show(&mut next.panes, frame.client, lines);
                }
                !outcome.deliveries.is_empty()
            }),
        }
    }
}

/// Appends lines to the pane of `client`. Clients without a pane (none yet; later, the clients of
/// scenarios) show nothing.
fn show(panes: &mut [Rc<Pane>], client: ClientId, lines: Vec<console::Line>) {
    if let Some(pane) = panes.iter_mut().find(|p| p.client == client) {
        Rc::make_mut(pane).push_lines(lines);
    }
}

/// Copies what the panes show about their clients (name, prompt, blocked) from the engine,
/// touching only panes where it changed so that the others are not re-rendered.
fn refresh(engine: &Engine, panes: &mut [Rc<Pane>]) {
    for pane in panes.iter_mut() {
        let Some(state) = engine.client_state(pane.client) else {
            continue;
        };
        let client_name = state
            .name
            .as_ref()
            .map(|n| String::from_utf8_lossy(n).into_owned());
        let blocked = state.blocked_on.is_some();
        let in_multi = state.in_multi;
        let name = client_name.as_deref().unwrap_or(&pane.name);
        let prompt = console::prompt(engine, pane.client, name);
        if pane.client_name != client_name
            || pane.blocked != blocked
            || pane.in_multi != in_multi
            || pane.prompt != prompt
        {
            let pane = Rc::make_mut(pane);
            pane.client_name = client_name;
            pane.blocked = blocked;
            pane.in_multi = in_multi;
            pane.prompt = prompt;
        }
    }
}
