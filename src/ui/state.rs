//! The page's own state, kept by a pure Yew reducer: the console panes as the page shows them
//! (each pane's lines, input, history and completion, its raw-RESP and hint toggles, and what the
//! session last said about its client), the histories of removed panes, the clock's settings
//! and a notice.
//!
//! The reducer never touches the session or the engine. The session lives beside it in the
//! service (`service.rs`): a callback asks the session to do something (run a line, tick, seek,
//! ...) and dispatches an [`Action::Applied`] carrying what the session returned (its outputs and
//! the facts about every pane), which the reducer turns into lines. The only thing the reducer
//! does besides computing the next state is to queue `line`/`push` notifications for JS
//! listeners, which the service hands out after the reducer returned (`api::flush`).

use crate::vec_map::VecMap;
use std::rc::Rc;

use yew::{AttrValue, Reducible};

use super::api;
use super::lines::LineStore;
use super::views::{Facts, ViewAction, ViewsFacts, ViewsUi};
use crate::cli::{hints, split, tokenize};
use crate::console::{self, LineKind, RawFrame};
use crate::engine::{ClientId, Profile, Protocol};
use crate::session::Output;

/// The page's memory ceiling: past it, writes get Redis's OOM error while
/// reads keep working, so a runaway script cannot take the tab down.
pub const PAGE_MAXMEMORY: u64 = 256 * 1024 * 1024;

/// The most typed lines a pane remembers for ↑, as many as redis-cli's line editor (linenoise)
/// keeps by default; the oldest go first.
pub const MAX_HISTORY: usize = 100;

/// The name of the first pane, the one that writes; later panes are `worker-1`, `worker-2`, ...
pub const DEFAULT_PANE_NAME: &str = "producer";

/// How many removed panes' histories are kept.
pub const MAX_OLD_HISTORIES: usize = 32;

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

/// What the session says about a pane's client after a change (computed by the service from
/// the engine, read-only).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct PaneFacts {
    pub name: String,
    /// `None` after its connection closed and before its next line opens a new one.
    pub client: Option<ClientId>,
    pub protocol: Protocol,
    pub db: usize,
    /// What redis-cli would show before the cursor (`producer> `, `producer[2]> `).
    pub prompt: String,
    /// The keys the client waits on, when blocked.
    pub blocked_on: Option<Rc<Vec<String>>>,
    /// When the block times out on the engine clock (`None`: BLOCK 0, or not blocked).
    pub block_deadline_ms: Option<u64>,
    /// Between MULTI and EXEC/DISCARD.
    pub in_multi: bool,
    /// Channels, patterns and shard channels the client is subscribed to.
    pub subscriptions: Rc<Vec<(SubKind, String)>>,
    /// While the pane does not read its connection: the bytes its output buffer holds and
    /// the hard limit of its client class (0: none; both 0 once the server closed it).
    pub not_reading: Option<(u64, u64)>,
}

impl PaneFacts {
    /// A pane the session has not described yet (or whose connection is closed).
    pub fn unknown(name: &str) -> PaneFacts {
        PaneFacts {
            name: name.to_string(),
            client: None,
            protocol: Protocol::Resp2,
            db: 0,
            prompt: format!("{name}> "),
            blocked_on: None,
            block_deadline_ms: None,
            in_multi: false,
            subscriptions: Rc::new(Vec::new()),
            not_reading: None,
        }
    }
}

/// The clock as the toolbar shows it.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct ClockFacts {
    pub now_ms: u64,
    /// Percent of real time.
    pub speed: u32,
    pub paused: bool,
}

/// A Tab completion in progress: the typed text and what successive Tabs show.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Completion {
    pub original: String,
    pub candidates: Rc<Vec<String>>,
    pub presses: usize,
}

/// One console pane. `Eq`, so that comparing an unchanged `Rc<Pane>` with itself is cheap.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pane {
    /// Stable for the pane's life (the render key; pure actions name panes by it).
    pub key: u64,
    /// The name (`data-client`, the prompt, the JS API's `client`) and the client's state.
    pub facts: PaneFacts,
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
    fn new(key: u64, name: &str) -> Pane {
        Pane {
            key,
            facts: PaneFacts::unknown(name),
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

    pub fn name(&self) -> &str {
        &self.facts.name
    }

    /// The newest echo of `line` typed in this pane (the line a hovered change came from).
    pub fn command_line(&self, line: &str) -> Option<u64> {
        let echo = format!("{}{line}", self.facts.prompt);
        let end = self.lines.len();
        (end.saturating_sub(2_000)..end).rev().find_map(|i| {
            let l = self.lines.get(i)?;
            (l.kind == LineKind::Command && *l.text == *echo).then_some(l.id)
        })
    }

    /// `pane-state`: `not-reading` while the pane does not read its connection, `blocked` while
    /// the client waits, `multi` inside a transaction,
    /// `subscribed` with subscriptions, else `normal`.
    pub fn state_name(&self) -> &'static str {
        if self.facts.not_reading.is_some() {
            "not-reading"
        } else if self.facts.blocked_on.is_some() {
            "blocked"
        } else if self.facts.in_multi {
            "multi"
        } else if !self.facts.subscriptions.is_empty() {
            "subscribed"
        } else {
            "normal"
        }
    }

    /// Appends one output line.
    fn push_line(&mut self, kind: LineKind, text: impl Into<AttrValue>) {
        let text = text.into();
        // redis-cli 7.2+ erases its "Reading messages..." line when more output comes, so a
        // subscribed pane shows it once, under the newest output.
        if self
            .lines
            .last()
            .is_some_and(|l| l.kind == LineKind::Info && l.text == crate::cli::subscribe::BANNER_8)
        {
            self.lines.pop();
        }
        api::line(&self.facts.name, kind, &text);
        self.lines.push(kind, text);
    }

    fn push_lines(&mut self, lines: &[console::Line]) {
        for line in lines {
            self.push_line(line.kind, line.text.clone());
        }
    }

    /// Shows what was written to this pane's client: the formatted `lines`, or, with the raw
    /// view on, its `frames` (when there are any: local output such as HELP has none). Each
    /// frame shows once whichever view is on.
    fn show(&mut self, lines: &[console::Line], frames: &[&RawFrame]) {
        if self.raw && !frames.is_empty() {
            for frame in frames {
                let line = frame.line();
                self.push_line(line.kind, line.text);
            }
        } else {
            self.push_lines(lines);
        }
    }

    /// The echo of a typed line, and the line into the history; the input starts afresh.
    fn typed(&mut self, line: &str) {
        self.draft.clear();
        self.stash.clear();
        self.history_pos = None;
        self.completion = None;
        // The typed line stays on screen after its prompt, as in a terminal.
        let echo = format!("{}{line}", self.facts.prompt);
        self.push_line(LineKind::Command, echo);
        if goes_into_history(line) {
            self.remember(line);
        }
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

    /// Tab: the next completion of the typed text, `candidates` being what the service found
    /// for the typed text (§10, plus keywords and keys), used by a first Tab.
    fn complete(&mut self, candidates: Option<Rc<Vec<String>>>) {
        if let Some(c) = &mut self.completion {
            c.presses += 1;
            self.draft = hints::after_tabs(&c.original, &c.candidates, c.presses);
            return;
        }
        let Some(candidates) = candidates.filter(|c| !c.is_empty()) else {
            return;
        };
        let original = std::mem::take(&mut self.draft);
        self.draft = hints::after_tabs(&original, &candidates, 1);
        self.completion = Some(Completion {
            original,
            candidates,
            presses: 1,
        });
    }
}

/// One thing the session did, in the order it happened, for the reducer to show.
#[derive(Debug)]
pub enum Item {
    /// A line was typed in pane `pane` (its echo, and its history).
    Typed { pane: String, line: String },
    /// A step's or a tick's output; `command`: the output of a typed line, whose own lines are
    /// in `lines` (other steps write only frames).
    Output { out: Rc<Output>, command: bool },
    /// The session renamed a pane.
    Renamed { from: String, to: String },
    /// An info line for one pane, or for every pane (`None`).
    Note { pane: Option<String>, text: String },
    /// The state was replaced (a seek, a profile switch, a new session): JS listeners hear
    /// `{type: "Reset"}` here; the panes show nothing for it.
    Reset,
}

/// What the session returned for one change, with the facts after it.
#[derive(Debug)]
pub struct Applied {
    pub items: Vec<Item>,
    /// Every pane the session has now, in order, and its client's state.
    pub facts: Vec<PaneFacts>,
    pub profile: Profile,
    pub clock: ClockFacts,
    /// Start over: every pane's lines go (a new session).
    pub fresh: bool,
    /// The change is worth saving (the panes, their names or histories may have changed).
    pub persist: bool,
}

/// Everything that changes the page's state. Pure actions name panes by their `key`.
pub enum Action {
    /// The input's text changed.
    Edit {
        pane: u64,
        text: String,
    },
    /// ↑ (`older`) or ↓ in the input.
    History {
        pane: u64,
        older: bool,
    },
    /// Tab; `candidates` for a first Tab (the service reads key names from the engine).
    Complete {
        pane: u64,
        candidates: Option<Rc<Vec<String>>>,
    },
    /// Escape: back to the text typed before Tab.
    CancelCompletion {
        pane: u64,
    },
    /// Ctrl+L: clear the pane's lines.
    ClearLines {
        pane: u64,
    },
    /// Ctrl+C on a pane that does not block: the input empties.
    ClearInput {
        pane: u64,
    },
    ToggleRaw {
        pane: u64,
    },
    /// The session changed.
    Applied(Box<Applied>),
    /// The clock was paused, resumed or its speed changed (not a step).
    Clock(ClockFacts),
    /// A notice above the panes (saving, loading); `None` takes it away.
    Notice(Option<String>),
    /// Reads the state (the JS API's `state()`): changes nothing.
    Query(Box<dyn FnOnce(&Page)>),
    /// What the views draw, built by the service for the next animation frame.
    Views(Rc<ViewsFacts>),
    /// A view setting changed (pin, collapse, close, open, motion, hover).
    View(ViewAction),
}

/// The page's state.
#[derive(Clone)]
pub struct Page {
    pub panes: Vec<Rc<Pane>>,
    next_key: u64,
    pub profile: Profile,
    pub clock: ClockFacts,
    /// Shown above the panes: an unreadable saved session kept aside, a session too large to save.
    pub notice: Option<AttrValue>,
    /// The histories of pane names no pane has now (removed panes): a new pane with one of these
    /// names gets its history back.
    pub histories: Rc<VecMap<String, Vec<String>>>,
    /// Grows whenever something in the saved pane state (names, histories, toggles) may have
    /// changed, so that the page saves it only then.
    pub saved: u64,
    /// What the views draw.
    pub views: Facts,
    /// The views' own settings.
    pub views_ui: Rc<ViewsUi>,
}

/// What the profile selector calls a profile.
pub fn profile_label(profile: Profile) -> &'static str {
    match profile {
        Profile::V7 => "Redis 7.0",
        Profile::V8 => "Redis 8",
    }
}

/// The widest line of a pane's notice, in characters: a pane's output does not wrap, and a
/// pane on a 360 px screen shows about 38 characters.
const NOTICE_WIDTH: usize = 36;

/// A notice (an `info` line of the page's own) as the lines a pane shows: its words wrapped
/// at [`NOTICE_WIDTH`], a word longer than that on a line of its own.
fn notice_lines(text: &str) -> Vec<String> {
    let mut lines = Vec::new();
    let mut line = String::new();
    for word in text.split_whitespace() {
        if !line.is_empty() && line.chars().count() + 1 + word.chars().count() > NOTICE_WIDTH {
            lines.push(std::mem::take(&mut line));
        }
        if !line.is_empty() {
            line.push(' ');
        }
        line.push_str(word);
    }
    if !line.is_empty() || lines.is_empty() {
        lines.push(line);
    }
    lines
}

/// `RESP2` or `RESP3`.
pub fn protocol_label(p: Protocol) -> &'static str {
    match p {
        Protocol::Resp2 => "RESP2",
        Protocol::Resp3 => "RESP3",
    }
}

/// A pane as saved across reloads (beside the session itself).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SavedPane {
    pub name: String,
    pub history: Vec<String>,
    pub raw: bool,
    pub hints: bool,
}

/// The page's own state as saved across reloads: the panes' histories and toggles, the histories
/// of removed panes by name, and the profile (used when the session itself was not saved).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Saved {
    pub profile: Profile,
    pub panes: Vec<SavedPane>,
    pub histories: VecMap<String, Vec<String>>,
}

impl Page {
    /// The page at start: the session's panes (`facts`), given back their histories and
    /// toggles from `saved` by name, each with `greeting` (if any) as its first line.
    pub fn start(
        facts: Vec<PaneFacts>,
        profile: Profile,
        clock: ClockFacts,
        saved: Option<Saved>,
        greeting: Option<&str>,
        notice: Option<String>,
    ) -> Page {
        let (panes, histories) = match saved {
            Some(s) => (s.panes, s.histories),
            None => (Vec::new(), VecMap::new()),
        };
        let mut page = Page {
            panes: Vec::new(),
            next_key: 0,
            profile,
            clock,
            notice: notice.map(AttrValue::from),
            histories: Rc::new(histories),
            saved: 0,
            views: Facts(Rc::new(ViewsFacts::empty())),
            views_ui: Rc::new(ViewsUi::default()),
        };
        for f in facts {
            let mut pane = Pane::new(page.next_key, &f.name);
            page.next_key += 1;
            if let Some(sp) = panes.iter().find(|p| p.name == f.name) {
                pane.history = Rc::new(sp.history.clone());
                pane.raw = sp.raw;
                pane.hints = sp.hints;
            }
            pane.facts = f;
            for line in greeting.iter().flat_map(|t| notice_lines(t)) {
                pane.push_line(LineKind::Info, line);
            }
            page.panes.push(Rc::new(pane));
        }
        page
    }

    /// What is saved across reloads.
    pub fn to_saved(&self) -> Saved {
        Saved {
            profile: self.profile,
            panes: self
                .panes
                .iter()
                .map(|p| SavedPane {
                    name: p.facts.name.clone(),
                    history: p.history.to_vec(),
                    raw: p.raw,
                    hints: p.hints,
                })
                .collect(),
            histories: (*self.histories).clone(),
        }
    }

    /// The index of the pane named `name`.
    pub fn pane_named(&self, name: &str) -> Option<usize> {
        self.panes.iter().position(|p| p.facts.name == name)
    }

    /// A copy of the page with pane `key` changed by `f`; the same page if there is no such
    /// pane (a late event from a pane that is gone must not crash the page).
    fn with_pane(self: Rc<Self>, key: u64, f: impl FnOnce(&mut Pane)) -> Rc<Self> {
        let Some(index) = self.panes.iter().position(|p| p.key == key) else {
            return self;
        };
        let mut next = (*self).clone();
        f(Rc::make_mut(&mut next.panes[index]));
        Rc::new(next)
    }

    /// The pane named `name`, made if the page has none yet (a pane the session just made),
    /// with the history a removed pane of that name had.
    fn ensure(&mut self, name: &str) -> &mut Pane {
        let index = match self.pane_named(name) {
            Some(i) => i,
            None => {
                let pane = self.make_pane(name);
                self.panes.push(Rc::new(pane));
                self.panes.len() - 1
            }
        };
        Rc::make_mut(&mut self.panes[index])
    }

    /// A new pane named `name`, with the history a removed pane of that name had.
    fn make_pane(&mut self, name: &str) -> Pane {
        let mut pane = Pane::new(self.next_key, name);
        self.next_key += 1;
        if let Some(history) = Rc::make_mut(&mut self.histories).remove(name) {
            pane.history = Rc::new(history);
        }
        pane
    }

    /// Shows one output: the typing pane's own lines (for a command), then the frames written
    /// to each pane, each frame once (as formatted lines, or as its RESP bytes in raw view).
    fn show(&mut self, out: &Output, command: bool) {
        let typing = out.pane.as_deref().filter(|_| command);
        if let Some(name) = typing {
            let frames: Vec<&RawFrame> = out
                .raw
                .iter()
                .filter(|f| f.pane.as_deref() == Some(name))
                .collect();
            let pane = self.ensure(name);
            if out.clear {
                // `clear` empties the screen, its own echo included, as redis-cli's does.
                pane.lines.clear();
            }
            if let Some(on) = out.set_hints {
                pane.hints = on;
            }
            let pushes: Vec<&console::Line> = out
                .lines
                .iter()
                .filter(|l| l.kind == LineKind::Push)
                .collect();
            if !pushes.is_empty() {
                api::push(name, &pushes);
            }
            pane.show(&out.lines, &frames);
        }
        // The other panes, each in the order its frames were written.
        let mut receivers: Vec<&str> = Vec::new();
        for (p, _) in &out.pushed {
            if Some(&**p) != typing && !receivers.contains(&&**p) {
                receivers.push(p);
            }
        }
        for name in receivers {
            let frames: Vec<&RawFrame> = out
                .raw
                .iter()
                .filter(|f| f.pane.as_deref() == Some(name))
                .collect();
            let mut lines = Vec::new();
            for (p, frame) in &out.pushed {
                if **p == *name {
                    let pushes: Vec<&console::Line> =
                        frame.iter().filter(|l| l.kind == LineKind::Push).collect();
                    if !pushes.is_empty() {
                        api::push(name, &pushes);
                    }
                    lines.extend(frame.iter().cloned());
                }
            }
            self.ensure(name).show(&lines, &frames);
        }
    }

    /// Takes the session's view of the panes: their order, names and client states. Panes the
    /// session no longer has go (their histories are kept by name).
    fn sync(&mut self, facts: Vec<PaneFacts>) {
        let mut old = std::mem::take(&mut self.panes);
        for f in facts {
            let mut pane = match old.iter().position(|p| p.facts.name == f.name) {
                Some(i) => old.remove(i),
                None => Rc::new(self.make_pane(&f.name)),
            };
            if pane.facts != f {
                Rc::make_mut(&mut pane).facts = f;
            }
            self.panes.push(pane);
        }
        for gone in old {
            if !gone.history.is_empty() {
                let histories = Rc::make_mut(&mut self.histories);
                histories.insert(gone.facts.name.clone(), gone.history.to_vec());
                while histories.len() > MAX_OLD_HISTORIES {
                    histories.pop_first();
                }
            }
        }
    }

    fn apply(mut self, applied: Applied) -> Page {
        if applied.fresh {
            for pane in self.panes.iter_mut() {
                Rc::make_mut(pane).lines.clear();
            }
        }
        for item in applied.items {
            match item {
                Item::Typed { pane, line } => self.ensure(&pane).typed(&line),
                Item::Output { out, command } => self.show(&out, command),
                Item::Renamed { from, to } => {
                    if self.pane_named(&to).is_none() {
                        if let Some(i) = self.pane_named(&from) {
                            let pane = Rc::make_mut(&mut self.panes[i]);
                            pane.facts.name = to;
                        }
                    }
                }
                Item::Note {
                    pane: Some(name),
                    text,
                } => {
                    let pane = self.ensure(&name);
                    for line in notice_lines(&text) {
                        pane.push_line(LineKind::Info, line);
                    }
                }
                Item::Note { pane: None, text } => {
                    for pane in self.panes.iter_mut() {
                        let pane = Rc::make_mut(pane);
                        for line in notice_lines(&text) {
                            pane.push_line(LineKind::Info, line);
                        }
                    }
                }
                Item::Reset => {}
            }
        }
        self.sync(applied.facts);
        self.profile = applied.profile;
        self.clock = applied.clock;
        if applied.persist {
            self.saved += 1;
        }
        self
    }
}

impl Reducible for Page {
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
            Action::Complete { pane, candidates } => {
                self.with_pane(pane, |p| p.complete(candidates))
            }
            Action::CancelCompletion { pane } => self.with_pane(pane, |p| {
                if let Some(c) = p.completion.take() {
                    p.draft = c.original;
                }
            }),
            Action::ClearLines { pane } => self.with_pane(pane, |p| p.lines.clear()),
            Action::ClearInput { pane } => self.with_pane(pane, |p| {
                p.draft.clear();
                p.completion = None;
                p.history_pos = None;
            }),
            Action::ToggleRaw { pane } => {
                let mut next = self.with_pane(pane, |p| p.raw = !p.raw);
                Rc::make_mut(&mut next).saved += 1;
                next
            }
            Action::Applied(applied) => {
                // A stream's name typed in a command (XRANGE orders - +, which changes nothing)
                // brings its view up too.
                let typed: Vec<String> = applied
                    .items
                    .iter()
                    .filter_map(|i| match i {
                        Item::Typed { line, .. } => Some(line.clone()),
                        _ => None,
                    })
                    .collect();
                let mut next = (*self).clone().apply(*applied);
                for line in typed {
                    let words = split::split_args(line.as_bytes()).unwrap_or_default();
                    if words.len() > 1 {
                        let ui = Rc::make_mut(&mut next.views_ui);
                        ui.typed(&next.views.vm, &words[1..]);
                    }
                }
                Rc::new(next)
            }
            Action::Clock(clock) => {
                if self.clock == clock {
                    return self;
                }
                let mut next = (*self).clone();
                next.clock = clock;
                Rc::new(next)
            }
            Action::Notice(notice) => {
                let notice = notice.map(AttrValue::from);
                if self.notice == notice {
                    return self;
                }
                let mut next = (*self).clone();
                next.notice = notice;
                Rc::new(next)
            }
            Action::Query(read) => {
                read(&self);
                self
            }
            Action::Views(facts) => {
                let mut next = (*self).clone();
                Rc::make_mut(&mut next.views_ui).saw(&facts);
                next.views = Facts(facts);
                Rc::new(next)
            }
            Action::View(action) => {
                let mut ui = (*self.views_ui).clone();
                ui.apply(action);
                if ui == *self.views_ui {
                    return self;
                }
                let mut next = (*self).clone();
                next.views_ui = Rc::new(ui);
                Rc::new(next)
            }
        }
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
