//! The page's state: one engine shared by the console panes, each pane's lines, history and
//! view of its client, the virtual clock, and the actions (typing, Enter, keys, buttons, clock
//! ticks, JS API calls) that change them.

use std::cell::RefCell;
use std::collections::BTreeMap;
use std::rc::Rc;

use wasm_bindgen::JsValue;
use yew::{AttrValue, Reducible};

use super::api;
use super::clock::VirtualClock;
use super::lines::LineStore;
use crate::cli::{hints, split, tokenize};
use crate::console::{self, LineKind, RawFrame};
use crate::engine::{
    ClientId, Config, DeliveryKind, Engine, Outcome, Profile, Protocol, SubscriptionKind,
};
use crate::transcript::{self, Step};

/// The page's memory ceiling: past it, writes get Redis's OOM error while
/// reads keep working, so a runaway script cannot take the tab down.
pub const PAGE_MAXMEMORY: u64 = 256 * 1024 * 1024;

/// The most typed lines a pane remembers for ↑, as many as redis-cli's line editor (linenoise)
/// keeps by default; the oldest go first.
pub const MAX_HISTORY: usize = 100;

/// The name of the first pane, the one that writes; later panes are `worker-1`, `worker-2`, ...
pub const DEFAULT_PANE_NAME: &str = "producer";

/// How many key names completion looks at.
const MAX_KEY_CANDIDATES: usize = 200;

/// What a subscription is to.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum SubKind {
    Channel,
    Pattern,
    Shard,
}

impl SubKind {
    pub fn name(self) -> &'static str {
        match self {
            SubKind::Channel => "channel",
            SubKind::Pattern => "pattern",
            SubKind::Shard => "shard-channel",
        }
    }
}

/// A Tab completion in progress: the typed text and what successive Tabs show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub original: String,
    pub candidates: Rc<Vec<String>>,
    pub presses: usize,
}

/// One console pane: a client connection with its output and its input history. `Eq`, so that
/// comparing an unchanged `Rc<Pane>` with itself is a pointer comparison.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pane {
    /// Stable for the pane's life (the render key; actions name panes by it).
    pub key: u64,
    /// The pane's name: `data-client`, the prompt, the JS API's `client`. Renaming the pane or
    /// `CLIENT SETNAME` typed in it changes it.
    pub name: String,
    pub client: ClientId,
    /// The client name the engine last reported, to notice `CLIENT SETNAME`.
    client_name: Option<String>,
    pub protocol: Protocol,
    /// What redis-cli would show before the cursor (`producer> `, `producer[2]> `).
    pub prompt: String,
    pub db: usize,
    /// The keys the client waits on, when blocked.
    pub blocked_on: Option<Rc<Vec<String>>>,
    /// When the block times out on the engine clock (`None`: BLOCK 0, or not blocked).
    pub block_deadline_ms: Option<u64>,
    /// Between MULTI and EXEC/DISCARD.
    pub in_multi: bool,
    /// Channels, patterns and shard channels the client is subscribed to.
    pub subscriptions: Rc<Vec<(SubKind, String)>>,
    /// Replies print as raw RESP bytes.
    pub raw: bool,
    /// Hints on (`:set hints`) or off (`:set nohints`).
    pub hints: bool,
    pub lines: LineStore,
    /// Typed lines, oldest first.
    pub history: Rc<Vec<String>>,
    /// The history entry shown in the input, or `None` while editing a fresh line.
    pub history_pos: Option<usize>,
    /// The fresh line put aside while walking the history, given back by ↓ past the newest entry.
    pub stash: String,
    /// What the input shows.
    pub draft: String,
    pub completion: Option<Completion>,
}

impl Pane {
    fn new(engine: &Engine, key: u64, name: &str, client: ClientId) -> Pane {
        Pane {
            key,
            name: name.to_string(),
            client,
            client_name: None,
            protocol: Protocol::Resp2,
            prompt: console::prompt(engine, client, name),
            db: 0,
            blocked_on: None,
            block_deadline_ms: None,
            in_multi: false,
            subscriptions: Rc::new(Vec::new()),
            raw: false,
            hints: true,
            lines: LineStore::default(),
            history: Rc::new(Vec::new()),
            history_pos: None,
            stash: String::new(),
            draft: String::new(),
            completion: None,
        }
    }

    /// `pane-state`: `blocked` while the client waits, `multi` inside a transaction,
    /// `subscribed` with subscriptions, else `normal`.
    pub fn state_name(&self) -> &'static str {
        if self.blocked_on.is_some() {
            "blocked"
        } else if self.in_multi {
            "multi"
        } else if !self.subscriptions.is_empty() {
            "subscribed"
        } else {
            "normal"
        }
    }

    /// Appends one output line.
    fn push_line(&mut self, kind: LineKind, text: impl Into<AttrValue>) {
        let text = text.into();
        api::line(&self.name, kind, &text);
        self.lines.push(kind, text);
    }

    fn push_lines(&mut self, lines: Vec<console::Line>) {
        for line in lines {
            self.push_line(line.kind, line.text);
        }
    }

    /// Shows what was written to this pane's client: the formatted `lines`, or, with the raw
    /// view on, its `frames` (when there are any: local output has none).
    fn show(&mut self, lines: Vec<console::Line>, frames: &[RawFrame]) {
        let pushes: Vec<&console::Line> =
            lines.iter().filter(|l| l.kind == LineKind::Push).collect();
        if !pushes.is_empty() {
            api::push(&self.name, &pushes);
        }
        let own: Vec<&RawFrame> = frames.iter().filter(|f| f.client == self.client).collect();
        if self.raw && !own.is_empty() {
            for frame in own {
                let line = frame.line();
                self.push_line(line.kind, line.text);
            }
        } else {
            self.push_lines(lines);
        }
    }

    /// Runs a line typed at `now_ms` and shows what it printed. Returns what it did, for the
    /// other panes and the JS API.
    fn run(&mut self, engine: &mut Engine, line: &str, now_ms: u64) -> console::Typed {
        // The typed line stays on screen after its prompt, as in a terminal.
        let echo = format!("{}{line}", self.prompt);
        self.push_line(LineKind::Command, echo);
        if goes_into_history(line) {
            self.remember(line);
        }
        if engine.is_blocked(self.client) && !line.trim().is_empty() {
            // redis-cli reads nothing while a command blocks; the pane says why nothing runs.
            self.push_line(
                LineKind::Info,
                "This connection is waiting for its blocked command; Ctrl+C cancels it (as CLIENT UNBLOCK ... TIMEOUT).",
            );
            return console::Typed::default();
        }
        let mut typed = console::run_line(engine, self.client, line, now_ms);
        if typed.clear {
            // `clear` empties the screen, its own echo included, as redis-cli's does.
            self.lines.clear();
        }
        if let Some(on) = typed.set_hints {
            self.hints = on;
        }
        let lines = std::mem::take(&mut typed.lines);
        self.show(lines, &typed.frames);
        if typed.closed {
            // `quit` ends redis-cli, and `QUIT` closes the connection; a pane outlives both, so it
            // starts over on a fresh connection, as a new redis-cli would.
            self.reconnect(
                engine,
                now_ms,
                "The connection was closed; this pane now uses a new one.",
            );
        }
        typed
    }

    /// Gives the pane a fresh connection after its own closed, and says so.
    fn reconnect(&mut self, engine: &mut Engine, now_ms: u64, why: &str) {
        let _ = engine.disconnect(self.client, now_ms);
        self.client = engine.connect(now_ms);
        self.client_name = None;
        self.push_line(LineKind::Info, why.to_string());
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

    /// Tab: the next completion of the typed text (§10, plus keywords and keys).
    fn complete(&mut self, engine: &Engine, now_ms: u64) {
        if let Some(c) = &mut self.completion {
            c.presses += 1;
            self.draft = hints::after_tabs(&c.original, &c.candidates, c.presses);
            return;
        }
        let table = hints::help_table(engine.profile() == Profile::V8);
        let partial = self.draft.rsplit([' ', '\t']).next().unwrap_or_default();
        let keys = engine.key_names(self.db, partial.as_bytes(), now_ms, MAX_KEY_CANDIDATES);
        let candidates = hints::console_completions(&self.draft, table, &keys);
        if candidates.is_empty() {
            return;
        }
        let original = std::mem::take(&mut self.draft);
        self.draft = hints::after_tabs(&original, &candidates, 1);
        self.completion = Some(Completion {
            original,
            candidates: Rc::new(candidates),
            presses: 1,
        });
    }
}

/// Whether redis-cli keeps a typed line in its history (REDIS-CLI.md §3.2): an invalid line is
/// kept (so it can be fixed with ↑), an empty line or a bad repeat count is not, and neither are
/// commands that carry passwords.
fn goes_into_history(line: &str) -> bool {
    let Some(words) = split::split_args(line.as_bytes()) else {
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

/// Where a JS API call puts its result for the caller to read after `dispatch` returns.
pub type Slot = Rc<RefCell<JsValue>>;

/// Everything that changes the page's state. Panes are named by their `key`; `now_ms` is real
/// time (the session turns it into engine time with its virtual clock).
pub enum Action {
    /// The input's text changed.
    Edit {
        pane: u64,
        text: String,
    },
    /// Enter: run a typed line.
    Submit {
        pane: u64,
        line: String,
        now_ms: u64,
    },
    /// ↑ (`older`) or ↓ in the input.
    History {
        pane: u64,
        older: bool,
    },
    /// Tab.
    Complete {
        pane: u64,
        now_ms: u64,
    },
    /// Escape: back to the text typed before Tab.
    CancelCompletion {
        pane: u64,
    },
    /// Ctrl+L: clear the pane's lines.
    ClearLines {
        pane: u64,
    },
    /// Ctrl+C: a blocked client is released as `CLIENT UNBLOCK <id> TIMEOUT` does; otherwise
    /// the input is cleared.
    Interrupt {
        pane: u64,
        now_ms: u64,
    },
    AddPane {
        now_ms: u64,
    },
    RemovePane {
        pane: u64,
        now_ms: u64,
    },
    Rename {
        pane: u64,
        name: String,
    },
    ToggleRaw {
        pane: u64,
    },
    /// The clock moved: blocked clients may time out.
    Tick {
        now_ms: u64,
    },
    /// The profile selector changed: a fresh engine with that profile; the panes stay, each on a
    /// new connection, and say so.
    SetProfile {
        profile: Profile,
        now_ms: u64,
    },
    ClockPause {
        paused: bool,
        now_ms: u64,
    },
    ClockSpeed {
        percent: u32,
        now_ms: u64,
    },
    ClockJump {
        ms: u64,
        now_ms: u64,
    },
    /// `streamplay.run(line, client?)`.
    ApiRun {
        line: String,
        client: Option<String>,
        now_ms: u64,
        out: Slot,
    },
    /// `streamplay.runScript(text)`.
    ApiScript {
        text: String,
        now_ms: u64,
        out: Slot,
    },
    /// `streamplay.state()`.
    ApiState {
        now_ms: u64,
        out: Slot,
    },
}

/// The page's session: the engine, its panes and the clock.
#[derive(Clone)]
pub struct Session {
    /// Shared, not copied, between successive states: the engine holds the whole keyspace, so a
    /// copy per command would cost far more than the command. Only the reducer borrows it mutably,
    /// and Yew never runs a reducer inside another.
    engine: Rc<RefCell<Engine>>,
    pub panes: Vec<Rc<Pane>>,
    next_key: u64,
    pub clock: VirtualClock,
    /// Engine time at the last tick that a countdown needed (0 otherwise).
    pub now_ms: u64,
    /// Shown above the panes: an unreadable saved session, kept aside.
    pub notice: Option<AttrValue>,
    /// The histories of pane names no pane has now (removed panes): a new pane with one of these
    /// names gets its history back.
    pub histories: Rc<BTreeMap<String, Vec<String>>>,
    /// Grows whenever something that is saved (panes, names, histories, toggles, profile)
    /// changes, so that the page saves only then.
    pub saved: u64,
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

/// A pane as saved across reloads.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedPane {
    pub name: String,
    pub history: Vec<String>,
    pub raw: bool,
    pub hints: bool,
}

/// A session as saved across reloads: the panes and their histories, the histories of removed
/// panes by name, and the profile. The engine's keys are not saved (there is no snapshot of the
/// engine yet).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub profile: Profile,
    pub panes: Vec<SavedPane>,
    pub histories: BTreeMap<String, Vec<String>>,
}

/// How many removed panes' histories are kept.
pub const MAX_OLD_HISTORIES: usize = 32;

impl Session {
    /// The profile the engine runs.
    pub fn profile(&self) -> Profile {
        self.engine
            .try_borrow()
            .map(|e| e.profile())
            .unwrap_or_default()
    }

    /// A session from a saved one (or a fresh one with one pane), with `notice` shown.
    pub fn restore(saved: Option<Saved>, notice: Option<String>, real_ms: u64) -> Session {
        let clock = VirtualClock::new(real_ms);
        let now_ms = clock.now(real_ms);
        let profile = saved.as_ref().map(|s| s.profile).unwrap_or_default();
        let histories = saved
            .as_ref()
            .map(|s| s.histories.clone())
            .unwrap_or_default();
        let mut engine = page_engine(profile);
        let mut panes = Vec::new();
        let mut next_key = 0;
        match saved {
            Some(saved) if !saved.panes.is_empty() => {
                for sp in saved.panes {
                    let client = engine.connect(now_ms);
                    let mut pane = Pane::new(&engine, next_key, &sp.name, client);
                    next_key += 1;
                    pane.history = Rc::new(sp.history);
                    pane.raw = sp.raw;
                    pane.hints = sp.hints;
                    pane.push_line(
                        LineKind::Info,
                        "Restored from your last visit: this pane and its history (↑). The server starts empty: keys are not saved.",
                    );
                    panes.push(Rc::new(pane));
                }
            }
            _ => {
                let client = engine.connect(now_ms);
                panes.push(Rc::new(Pane::new(&engine, 0, DEFAULT_PANE_NAME, client)));
                next_key = 1;
            }
        }
        Session {
            engine: Rc::new(RefCell::new(engine)),
            panes,
            next_key,
            clock,
            now_ms: 0,
            notice: notice.map(AttrValue::from),
            histories: Rc::new(histories),
            saved: 0,
        }
    }

    /// What is saved across reloads.
    pub fn to_saved(&self) -> Saved {
        Saved {
            profile: self.profile(),
            panes: self
                .panes
                .iter()
                .map(|p| SavedPane {
                    name: p.name.clone(),
                    history: p.history.to_vec(),
                    raw: p.raw,
                    hints: p.hints,
                })
                .collect(),
            histories: (*self.histories).clone(),
        }
    }

    /// The virtual time at real time `real_ms`.
    pub fn engine_time(&self, real_ms: u64) -> u64 {
        self.clock.now(real_ms)
    }

    /// A copy of the session with pane `key` changed by `f`; the same session if there is no such
    /// pane (a late event from a pane that is gone must not crash the page).
    fn with_pane(self: Rc<Self>, key: u64, f: impl FnOnce(&mut Pane)) -> Rc<Self> {
        let Some(index) = self.panes.iter().position(|p| p.key == key) else {
            return self;
        };
        let mut next = (*self).clone();
        f(Rc::make_mut(&mut next.panes[index]));
        Rc::new(next)
    }

    /// Runs `f` with the engine and a copy of the session to change; the same session if the
    /// engine is somehow in use (a panic here would take the page down) or `f` says nothing changed.
    fn with_engine(self: Rc<Self>, f: impl FnOnce(&mut Engine, &mut Session) -> bool) -> Rc<Self> {
        let engine = Rc::clone(&self.engine);
        let Ok(mut engine) = engine.try_borrow_mut() else {
            debug_assert!(false, "the engine is borrowed outside the reducer");
            return self;
        };
        let mut next = (*self).clone();
        if !f(&mut engine, &mut next) {
            return self;
        }
        refresh(&engine, &mut next.panes);
        Rc::new(next)
    }

    /// The index of the pane named `name`.
    fn pane_named(&self, name: &str) -> Option<usize> {
        self.panes.iter().position(|p| p.name == name)
    }

    /// A name no pane has: `producer` first, then `worker-1`, `worker-2`, ...
    fn fresh_name(&self) -> String {
        if self.pane_named(DEFAULT_PANE_NAME).is_none() {
            return DEFAULT_PANE_NAME.to_string();
        }
        (1..)
            .map(|n| format!("worker-{n}"))
            .find(|name| self.pane_named(name).is_none())
            .unwrap_or_default()
    }

    /// Adds a pane named `name` on a new connection, with the history a pane of that name had;
    /// returns its index.
    fn add_pane(&mut self, engine: &mut Engine, name: &str, now_ms: u64) -> usize {
        let client = engine.connect(now_ms);
        let mut pane = Pane::new(engine, self.next_key, name, client);
        if let Some(history) = Rc::make_mut(&mut self.histories).remove(name) {
            pane.history = Rc::new(history);
        }
        self.next_key += 1;
        self.panes.push(Rc::new(pane));
        self.saved += 1;
        self.panes.len() - 1
    }

    /// Runs `line` in pane `index` and hands what it did for other clients to their panes.
    fn run_in(
        &mut self,
        engine: &mut Engine,
        index: usize,
        line: &str,
        now_ms: u64,
    ) -> console::Typed {
        let pane = Rc::make_mut(&mut self.panes[index]);
        pane.draft.clear();
        pane.stash.clear();
        pane.history_pos = None;
        pane.completion = None;
        let mut typed = pane.run(engine, line, now_ms);
        for (client, lines) in std::mem::take(&mut typed.others) {
            deliver(&mut self.panes, client, lines, &typed.frames);
        }
        // A pane whose client another pane killed (CLIENT KILL) starts over on a new
        // connection, as redis-cli reconnects after the server closed it.
        for &client in &typed.killed {
            if let Some(pane) = self.panes.iter_mut().find(|p| p.client == client) {
                Rc::make_mut(pane).reconnect(
                    engine,
                    now_ms,
                    "The connection was killed (CLIENT KILL); this pane now uses a new one.",
                );
            }
        }
        api::events(&typed.events);
        self.saved += 1;
        typed
    }

    /// Shows an outcome produced by time or by the page (not by a typed line) in the panes.
    fn show_outcome(&mut self, engine: &Engine, outcome: &Outcome) {
        for frame in &outcome.deliveries {
            let kind = match frame.kind {
                DeliveryKind::Push => LineKind::Push,
                DeliveryKind::Reply => LineKind::Reply,
            };
            let lines = console::frame_lines(engine, frame.client, &frame.frame, kind);
            let raw = [RawFrame::new(engine, frame.client, &frame.frame, kind)];
            deliver(&mut self.panes, frame.client, lines, &raw);
        }
        api::events(&outcome.events);
    }

    /// Switches to a fresh engine of `profile`; every pane gets a new connection and says so.
    fn switch_profile(&mut self, engine: &mut Engine, profile: Profile, now_ms: u64) {
        *engine = page_engine(profile);
        let why = format!(
            "Switched to the {} profile: a fresh server with no keys; this pane now uses a new connection.",
            profile_label(profile)
        );
        for pane in self.panes.iter_mut() {
            let pane = Rc::make_mut(pane);
            pane.client = engine.connect(now_ms);
            pane.client_name = None;
            pane.push_line(LineKind::Info, why.clone());
        }
        self.saved += 1;
    }

    /// `streamplay.state()`.
    fn state_value(&self, engine: &Engine, now_ms: u64) -> JsValue {
        let panes = js_sys::Array::new();
        for p in &self.panes {
            let o = js_sys::Object::new();
            api::set(&o, "name", &JsValue::from_str(&p.name));
            api::set(&o, "client", &JsValue::from_f64(p.client as f64));
            api::set(
                &o,
                "protocol",
                &JsValue::from_str(protocol_label(p.protocol)),
            );
            api::set(&o, "state", &JsValue::from_str(p.state_name()));
            api::set(&o, "lines", &JsValue::from_f64(p.lines.len() as f64));
            panes.push(&o);
        }
        let o = js_sys::Object::new();
        api::set(&o, "profile", &JsValue::from_str(engine.profile().name()));
        api::set(&o, "clock", &JsValue::from_f64(now_ms as f64));
        api::set(&o, "panes", &panes);
        o.into()
    }
}

/// `RESP2` or `RESP3`.
pub fn protocol_label(p: Protocol) -> &'static str {
    match p {
        Protocol::Resp2 => "RESP2",
        Protocol::Resp3 => "RESP3",
    }
}

impl Reducible for Session {
    type Action = Action;

    fn reduce(self: Rc<Self>, action: Action) -> Rc<Self> {
        match action {
            Action::Edit { pane, text } => self.with_pane(pane, |p| {
                p.draft = text;
                p.completion = None;
            }),
            Action::History { pane, older } => self.with_pane(pane, |p| {
                p.completion = None;
                if older {
                    p.history_older()
                } else {
                    p.history_newer()
                }
            }),
            Action::CancelCompletion { pane } => self.with_pane(pane, |p| {
                if let Some(c) = p.completion.take() {
                    p.draft = c.original;
                }
            }),
            Action::ClearLines { pane } => self.with_pane(pane, |p| p.lines.clear()),
            Action::ToggleRaw { pane } => {
                let mut next = self.with_pane(pane, |p| p.raw = !p.raw);
                Rc::make_mut(&mut next).saved += 1;
                next
            }
            Action::Rename { pane, name } => {
                let name = name.trim().to_string();
                let taken = self.panes.iter().any(|p| p.key != pane && p.name == name);
                self.with_engine(|_, next| {
                    let Some(p) = next.panes.iter_mut().find(|p| p.key == pane) else {
                        return false;
                    };
                    if name.is_empty() || name == p.name {
                        return false;
                    }
                    let p = Rc::make_mut(p);
                    if taken {
                        p.push_line(
                            LineKind::Info,
                            format!(
                                "Another pane is already named '{name}'; this one keeps its name."
                            ),
                        );
                    } else {
                        p.name = name;
                        next.saved += 1;
                    }
                    true
                })
            }
            Action::Complete { pane, now_ms } => {
                let now = self.engine_time(now_ms);
                let engine = Rc::clone(&self.engine);
                let Ok(engine) = engine.try_borrow() else {
                    return self;
                };
                self.with_pane(pane, |p| p.complete(&engine, now))
            }
            Action::Submit { pane, line, now_ms } => {
                let now = self.engine_time(now_ms);
                self.with_engine(|engine, next| {
                    let Some(index) = next.panes.iter().position(|p| p.key == pane) else {
                        return false;
                    };
                    next.run_in(engine, index, &line, now);
                    true
                })
            }
            Action::Interrupt { pane, now_ms } => {
                let now = self.engine_time(now_ms);
                self.with_engine(|engine, next| {
                    let Some(index) = next.panes.iter().position(|p| p.key == pane) else {
                        return false;
                    };
                    let client = next.panes[index].client;
                    if engine.is_blocked(client) {
                        let out = engine.cancel_block(client, now);
                        next.show_outcome(engine, &out);
                    } else {
                        let p = Rc::make_mut(&mut next.panes[index]);
                        p.draft.clear();
                        p.completion = None;
                        p.history_pos = None;
                    }
                    true
                })
            }
            Action::AddPane { now_ms } => {
                let now = self.engine_time(now_ms);
                self.with_engine(|engine, next| {
                    let name = next.fresh_name();
                    next.add_pane(engine, &name, now);
                    true
                })
            }
            Action::RemovePane { pane, now_ms } => {
                let now = self.engine_time(now_ms);
                self.with_engine(|engine, next| {
                    let Some(index) = next.panes.iter().position(|p| p.key == pane) else {
                        return false;
                    };
                    let removed = next.panes.remove(index);
                    if !removed.history.is_empty() {
                        let histories = Rc::make_mut(&mut next.histories);
                        histories.insert(removed.name.clone(), removed.history.to_vec());
                        while histories.len() > MAX_OLD_HISTORIES {
                            histories.pop_first();
                        }
                    }
                    let out = engine.disconnect(removed.client, now);
                    next.show_outcome(engine, &out);
                    next.saved += 1;
                    true
                })
            }
            Action::SetProfile { profile, now_ms } => {
                let now = self.engine_time(now_ms);
                self.with_engine(|engine, next| {
                    if engine.profile() == profile {
                        return false;
                    }
                    next.switch_profile(engine, profile, now);
                    true
                })
            }
            Action::Tick { now_ms } => {
                let now = self.engine_time(now_ms);
                self.with_engine(|engine, next| {
                    let outcome = engine.advance(now);
                    next.show_outcome(engine, &outcome);
                    // A countdown on screen needs the new time even when nothing was delivered.
                    let counting = next.panes.iter().any(|p| p.block_deadline_ms.is_some());
                    if counting {
                        next.now_ms = now;
                    }
                    !outcome.deliveries.is_empty() || counting
                })
            }
            Action::ClockPause { paused, now_ms } => {
                let mut next = (*self).clone();
                next.clock.set_paused(paused, now_ms);
                Rc::new(next)
            }
            Action::ClockSpeed { percent, now_ms } => {
                let mut next = (*self).clone();
                next.clock.set_speed(percent, now_ms);
                Rc::new(next)
            }
            Action::ClockJump { ms, now_ms } => {
                let mut next = (*self).clone();
                next.clock.jump(ms, now_ms);
                Rc::new(next).reduce(Action::Tick { now_ms })
            }
            Action::ApiState { now_ms, out } => {
                let now = self.engine_time(now_ms);
                if let Ok(engine) = self.engine.try_borrow() {
                    *out.borrow_mut() = self.state_value(&engine, now);
                }
                self
            }
            Action::ApiRun {
                line,
                client,
                now_ms,
                out,
            } => {
                let now = self.engine_time(now_ms);
                self.with_engine(|engine, next| {
                    let index = match client {
                        Some(name) => match next.pane_named(&name) {
                            Some(i) => i,
                            None => next.add_pane(engine, &name, now),
                        },
                        None if next.panes.is_empty() => {
                            next.add_pane(engine, DEFAULT_PANE_NAME, now)
                        }
                        None => 0,
                    };
                    let typed = next.run_in(engine, index, &line, now);
                    *out.borrow_mut() = api::typed_value(&typed);
                    true
                })
            }
            Action::ApiScript { text, now_ms, out } => {
                let steps = match transcript::parse(&text) {
                    Ok(steps) => steps,
                    Err(e) => {
                        *out.borrow_mut() =
                            api::error_value(&format!("line {}: {}", e.line, e.message));
                        return self;
                    }
                };
                let mut next = (*self).clone();
                let replies = js_sys::Array::new();
                for located in steps {
                    next = match located.step {
                        Step::Command { client, line, .. } => {
                            let slot: Slot = Rc::new(RefCell::new(JsValue::UNDEFINED));
                            let after = Rc::new(next).reduce(Action::ApiRun {
                                line,
                                client: Some(client),
                                now_ms,
                                out: Rc::clone(&slot),
                            });
                            replies.push(&slot.borrow());
                            (*after).clone()
                        }
                        Step::Profile(name) => match Profile::parse(&name) {
                            Some(profile) => (*Rc::new(next)
                                .reduce(Action::SetProfile { profile, now_ms }))
                            .clone(),
                            None => next,
                        },
                        Step::Clock { relative, ms } => {
                            if relative {
                                next.clock.jump(ms, now_ms);
                            } else {
                                next.clock.set(ms, now_ms);
                            }
                            (*Rc::new(next).reduce(Action::Tick { now_ms })).clone()
                        }
                        // The page part moves `runScript` onto the session's runner, which
                        // knows the pane directives; until then the page skips them.
                        Step::Comment(_)
                        | Step::Pause
                        | Step::Frame { .. }
                        | Step::PaneAdd(_)
                        | Step::PaneRemove(_)
                        | Step::PaneRename { .. }
                        | Step::Unblock(_)
                        | Step::Reconnect(_) => next,
                    };
                }
                *out.borrow_mut() = replies.into();
                Rc::new(next)
            }
        }
    }
}

/// Appends what was written to `client` to its pane. Clients without a pane show nothing.
fn deliver(
    panes: &mut [Rc<Pane>],
    client: ClientId,
    lines: Vec<console::Line>,
    frames: &[RawFrame],
) {
    if let Some(pane) = panes.iter_mut().find(|p| p.client == client) {
        Rc::make_mut(pane).show(lines, frames);
    }
}

/// Copies what the panes show about their clients (name, protocol, state, prompt) from the
/// engine, touching only panes where it changed so that the others are not re-rendered.
fn refresh(engine: &Engine, panes: &mut [Rc<Pane>]) {
    for pane in panes.iter_mut() {
        let Some(state) = engine.client_state(pane.client) else {
            continue;
        };
        let client_name = state
            .name
            .as_ref()
            .map(|n| String::from_utf8_lossy(n).into_owned())
            .filter(|n| !n.is_empty());
        // `CLIENT SETNAME` renames the pane; clearing the client's name keeps the pane's.
        let name = match &client_name {
            Some(n) if pane.client_name.as_ref() != Some(n) => n.clone(),
            _ => pane.name.clone(),
        };
        let blocked_on = state.blocked_on.as_ref().map(|keys| {
            Rc::new(
                keys.iter()
                    .map(|k| String::from_utf8_lossy(k).into_owned())
                    .collect::<Vec<_>>(),
            )
        });
        let subscriptions = subscriptions_of(engine, pane.client);
        let prompt = console::prompt(engine, pane.client, &name);
        if pane.client_name != client_name
            || pane.name != name
            || pane.protocol != state.protocol
            || pane.db != state.db
            || pane.blocked_on != blocked_on
            || pane.block_deadline_ms != state.block_deadline_ms
            || pane.in_multi != state.in_multi
            || *pane.subscriptions != subscriptions
            || pane.prompt != prompt
        {
            let pane = Rc::make_mut(pane);
            pane.client_name = client_name;
            pane.name = name;
            pane.protocol = state.protocol;
            pane.db = state.db;
            pane.blocked_on = blocked_on;
            pane.block_deadline_ms = state.block_deadline_ms;
            pane.in_multi = state.in_multi;
            if *pane.subscriptions != subscriptions {
                pane.subscriptions = Rc::new(subscriptions);
            }
            pane.prompt = prompt;
        }
    }
}

/// The channels, patterns and shard channels `client` is subscribed to.
fn subscriptions_of(engine: &Engine, client: ClientId) -> Vec<(SubKind, String)> {
    engine
        .client_subscriptions(client)
        .into_iter()
        .map(|(kind, name)| {
            let kind = match kind {
                SubscriptionKind::Channel => SubKind::Channel,
                SubscriptionKind::Pattern => SubKind::Pattern,
                SubscriptionKind::Shard => SubKind::Shard,
            };
            (kind, String::from_utf8_lossy(&name).into_owned())
        })
        .collect()
}
