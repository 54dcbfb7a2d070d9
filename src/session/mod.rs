//! The session: the one owner of the playground's state (the engine, the panes and their
//! clients, the virtual clock, the step log and checkpoints), and the only caller of
//! `Engine::execute` / `Engine::advance` in the page and in the scenario runner.
//!
//! Everything that changes state is a [`Step`] (a command run in a pane, a clock jump, a
//! profile switch, a pane added, removed, renamed or unblocked, a reconnect), recorded in the
//! log with the virtual time it ran at. Time passing is not a step, but a tick whose `advance`
//! produced output (a timed-out block, an expired key) is recorded as a *clock mark* after the
//! current step, so that replaying the log reproduces it exactly. Steps are numbered from 1;
//! index 0 is the start.
//!
//! The state after step `k` is the state after step `k` *and the clock marks recorded after it*
//! (everything that happened before step `k + 1` was run), so seeking to the newest step is the
//! live state, and a seek never hides a timeout that the pane already showed.
//!
//! Sans-IO and deterministic: the caller passes elapsed real time to [`Session::tick`]; nothing
//! here reads a clock or touches a browser or OS API.

mod checkpoint;
mod lazy_view;
mod save;
mod scenario;
mod snapshot;
#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests;
pub mod view_model;

use std::rc::Rc;

use crate::console::{self, Frames, Line, LineKind, Lines, RawFrame};
use crate::engine::{ClientId, Config, DeliveryKind, Engine, Event, Outcome, Profile, Reply};

use checkpoint::Checkpoints;
use lazy_view::LazyView;
pub use save::LoadError;
pub use snapshot::{GroupSnapshot, Limits, PaneSnapshot, Snapshot, StreamSnapshot};
use view_model::ViewModel;

/// How a session sets up its engines and bounds its history.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct SessionConfig {
    /// The engines' `maxmemory` (0: none). The page uses a browser-friendly ceiling.
    pub maxmemory: u64,
    /// The engines' random seed, so that a replay draws the same numbers.
    pub seed: u64,
    /// The most steps the timeline keeps; past it the oldest kept step becomes the new start.
    pub max_steps: usize,
    /// The most bytes the step log's text may take (lines, names); past it, as `max_steps`.
    pub max_log_bytes: usize,
    /// The engines' listener-only `Probe` events (`Config::probe_events`): tests switch them
    /// on to prove that no output depends on which events are emitted. Not saved.
    pub probe_events: bool,
}

impl Default for SessionConfig {
    /// The transcript runner's setup: no memory ceiling, seed 0, a generous history.
    fn default() -> SessionConfig {
        SessionConfig {
            maxmemory: 0,
            seed: 0,
            max_steps: 100_000,
            max_log_bytes: 64 * 1024 * 1024,
            probe_events: false,
        }
    }
}

/// One thing that changes the state, as the log records it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Step {
    /// A line typed in a pane (created, and its client connected, on first use). The pane's
    /// name is shared with the pane (interned), so a step does not copy it; a line typed again
    /// (the same as the previous command's) shares that command's text.
    Command {
        pane: Rc<str>,
        line: Rc<str>,
    },
    /// The clock jumped forward by `ms` (+1 s, +1 min, +1 h, a scenario's `@clock +ms`).
    ClockJump {
        ms: u64,
    },
    /// A fresh server of this profile; the panes stay, each on a new connection.
    Profile(Profile),
    /// (Names are `Rc<str>` in every step, which keeps a step, and so a log entry, small.)
    PaneAdd {
        name: Rc<str>,
    },
    PaneRemove {
        name: Rc<str>,
    },
    PaneRename {
        from: Rc<str>,
        to: Rc<str>,
    },
    /// Ctrl+C on a blocked pane (`Engine::cancel_block`, as `CLIENT UNBLOCK <id> TIMEOUT`).
    Unblock {
        pane: Rc<str>,
    },
    /// The pane drops its connection (if any) and opens a new one.
    Reconnect {
        pane: Rc<str>,
    },
    /// The pane stops reading its connection (opened first if it has none): the engine keeps
    /// its frames in its output buffer, where `client-output-buffer-limit` may close it.
    StopReading {
        pane: Rc<str>,
    },
    /// The pane reads again: its kept frames arrive, or it learns its connection was closed
    /// (its next line opens a new one, as after QUIT).
    StartReading {
        pane: Rc<str>,
    },
}

impl Step {
    /// The pane the step is about, if any.
    pub fn pane(&self) -> Option<&str> {
        match self {
            Step::Command { pane, .. } => Some(pane),
            Step::Unblock { pane }
            | Step::Reconnect { pane }
            | Step::StopReading { pane }
            | Step::StartReading { pane }
            | Step::PaneAdd { name: pane }
            | Step::PaneRemove { name: pane }
            | Step::PaneRename { from: pane, .. } => Some(pane),
            Step::ClockJump { .. } | Step::Profile(_) => None,
        }
    }

    /// Roughly what the step costs the log in bytes (its text and bookkeeping).
    fn log_bytes(&self) -> usize {
        let text = match self {
            Step::Command { pane, line } => pane.len() + line.len(),
            Step::PaneRename { from, to } => from.len() + to.len(),
            Step::PaneAdd { name }
            | Step::PaneRemove { name }
            | Step::Unblock { pane: name }
            | Step::Reconnect { pane: name }
            | Step::StopReading { pane: name }
            | Step::StartReading { pane: name } => name.len(),
            Step::ClockJump { .. } | Step::Profile(_) => 0,
        };
        text + std::mem::size_of::<Logged>()
    }
}

/// A step in the log: what ran, at which virtual time, and the clock marks (times of ticks that
/// produced output) recorded after it, before the next step.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Logged {
    pub step: Step,
    pub time_ms: u64,
    pub marks: Marks,
}

/// The clock marks after a step: most steps have none, so they are kept out of line (a log
/// entry holds one pointer, null for none). Reads as a slice.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Marks(Option<Box<Vec<u64>>>);

impl Marks {
    pub fn push(&mut self, t: u64) {
        self.0.get_or_insert_with(Box::default).push(t);
    }
}

impl From<Vec<u64>> for Marks {
    fn from(marks: Vec<u64>) -> Marks {
        Marks((!marks.is_empty()).then(|| Box::new(marks)))
    }
}

impl<'a> IntoIterator for &'a Marks {
    type Item = &'a u64;
    type IntoIter = std::slice::Iter<'a, u64>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl std::ops::Deref for Marks {
    type Target = [u64];

    fn deref(&self) -> &[u64] {
        self.0.as_deref().map_or(&[], |m| m)
    }
}

/// One entry of the timeline (`steps()` in the JS API).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct StepInfo {
    /// As on the timeline: 1 is the oldest kept step.
    pub index: usize,
    pub step: Step,
    pub time_ms: u64,
}

/// A console pane: a name and its client connection (`None` until first use, and after its
/// connection was closed by QUIT or CLIENT KILL; its next line opens a new one).
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Pane {
    /// Shared by the pane's steps and outputs: a step or frame about the pane copies a pointer.
    pub name: Rc<str>,
    pub client: Option<ClientId>,
}

/// The virtual clock: engine time, its speed (percent of real time) and whether it is paused.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Clock {
    pub now_ms: u64,
    /// Percent of real time (100: real time).
    pub speed: u32,
    pub paused: bool,
    /// Elapsed real time × speed not yet turned into whole milliseconds (in 1/100 ms), so that
    /// many short ticks at a low speed still move time.
    carry: u64,
}

impl Clock {
    fn at(now_ms: u64) -> Clock {
        Clock {
            now_ms,
            speed: 100,
            paused: false,
            carry: 0,
        }
    }
}

/// The start of the log: what index 0 is.
#[derive(Clone, Debug, PartialEq, Eq)]
pub(crate) struct Origin {
    pub profile: Profile,
    pub time_ms: u64,
    /// Panes that exist at the start, each connected at `time_ms` in this order.
    pub panes: Vec<String>,
}

/// Everything a step can change except the clock's speed and pause (which change no state).
/// A checkpoint is one of these (a clone: cheap, as the engine shares its streams).
#[derive(Clone)]
pub(crate) struct State {
    pub engine: Engine,
    pub profile: Profile,
    pub panes: Vec<Pane>,
    /// The time of the last step or mark applied.
    pub time_ms: u64,
    /// The last time given to `Engine::advance`, so that a step at a new time first lets time
    /// pass (timeouts, expiry) exactly as the live clock's ticks did.
    pub advanced_to: Option<u64>,
}

/// What a step or a tick did, for the page: the typing pane's lines, the frames for the panes,
/// the engine's events.
#[derive(Clone, Debug, Default, PartialEq)]
pub struct Output {
    /// The pane the step is about (the typing pane for a command).
    pub pane: Option<Rc<str>>,
    /// What the typing pane shows for a command (redis-cli form, its own frames included).
    pub lines: Lines,
    /// Frames written to panes, one entry per frame in the order written, formatted for the
    /// receiving pane: frames for other panes after a command, every frame of other steps and ticks.
    pub pushed: Vec<(Rc<str>, Vec<Line>)>,
    /// Every frame written to a pane, with the receiver's protocol (its RESP bytes on demand:
    /// `RawFrame::bytes`, `RawFrame::line`) and the receiving pane (`RawFrame::pane`, always
    /// named here); the typing pane's own replies are marked (`RawFrame::own_reply`, read with
    /// [`Output::replies`]).
    pub raw: Frames,
    /// Shared with the view model, which reads them when it is next drawn (`Events`).
    pub events: Events,
    /// The command blocked.
    pub blocked: bool,
    /// `clear` was typed.
    pub clear: bool,
    /// `:set hints` / `:set nohints` was typed.
    pub set_hints: Option<bool>,
    /// Panes whose connection this step closed (QUIT, CLIENT KILL); their next line opens a new one.
    pub disconnected: Vec<String>,
}

impl Output {
    /// The typing pane's own replies, as its protocol shows them (for the JS API).
    pub fn replies(&self) -> Vec<Reply> {
        console::own_replies(&self.raw)
    }

    /// Whether anything was written or reported.
    pub fn is_empty(&self) -> bool {
        self.lines.is_empty() && self.pushed.is_empty() && self.events.is_empty()
    }
}

/// Why the session refused a step (nothing changed).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum SessionError {
    NoSuchPane(String),
    /// A pane name must be 1 to 64 letters, digits, `_` or `-` (so scenarios can name it).
    BadPaneName(String),
    PaneExists(String),
    NotBlocked(String),
    /// `stop-reading` on a pane that is not reading, `start-reading` (or a typed line) on one
    /// that is: the flag says which the pane already does.
    Reading {
        pane: String,
        reading: bool,
    },
    /// A typed line is one line: a line break cannot be typed in a console or written in a scenario.
    LineBreak,
    /// `seek` past the newest step.
    NoSuchStep(usize),
}

impl std::fmt::Display for SessionError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            SessionError::NoSuchPane(n) => write!(f, "no pane is named '{n}'"),
            SessionError::BadPaneName(n) => write!(
                f,
                "'{n}' is not a pane name: use 1 to 64 letters, digits, '_' or '-'"
            ),
            SessionError::PaneExists(n) => write!(f, "a pane is already named '{n}'"),
            SessionError::NotBlocked(n) => write!(f, "pane '{n}' is not blocked"),
            SessionError::Reading {
                pane,
                reading: true,
            } => {
                write!(f, "pane '{pane}' is reading its connection")
            }
            SessionError::Reading { pane, .. } => write!(
                f,
                "pane '{pane}' does not read its connection: start reading first"
            ),
            SessionError::LineBreak => write!(f, "a typed line cannot contain a line break"),
            SessionError::NoSuchStep(i) => write!(f, "there is no step {i}"),
        }
    }
}

impl std::error::Error for SessionError {}

/// Whether `name` can name a pane (and a client in a scenario: `name> line`).
pub fn valid_pane_name(name: &str) -> bool {
    !name.is_empty()
        && name.len() <= 64
        && name
            .chars()
            .all(|c| c.is_ascii_alphanumeric() || c == '_' || c == '-')
}

/// The session.
pub struct Session {
    config: SessionConfig,
    origin: Origin,
    /// Clock marks recorded before step 1.
    origin_marks: Marks,
    state: State,
    clock: Clock,
    /// The state at absolute step `base` (before its clock marks, which are `origin_marks`)
    /// once the history cap has freed the steps up to it; `None` while the start is the
    /// origin itself (a fresh engine with the origin's panes).
    start: Option<Box<State>>,
    /// Steps freed by the history cap: the log holds absolute steps `base + 1 ..`.
    base: usize,
    /// Every step since the start (absolute step `i` is `log[i - base - 1]`), the dropped but
    /// not yet freed ones included.
    log: Vec<Logged>,
    /// The step whose state is the current state (absolute: dropped steps count).
    current: usize,
    /// Steps the history cap took off the timeline: visible step `i` is absolute step
    /// `dropped + i`. The dropped steps after the newest checkpoint at or before `dropped`
    /// are kept (hidden) so that the timeline's start can be rebuilt; the ones before it are
    /// freed, and that checkpoint becomes `start`.
    dropped: usize,
    log_bytes: usize,
    checkpoints: Checkpoints,
    /// The sequence number the next event gets: kept by the session, not by one engine, so
    /// that event numbers stay strictly increasing across seeks, loads and profile switches.
    next_seq: u64,
    /// What the views draw, kept by each step's and tick's events (`view_model.rs`), brought
    /// up to date when read (`lazy_view.rs`).
    view_model: LazyView,
    /// The text of the last new line run (checked: no line break), shared with the next
    /// command if it is the same line.
    last_line: Option<Rc<str>>,
    /// The output [`Session::run_shared`] returned last, to be filled again in place once its
    /// caller has dropped it.
    spare: Option<Rc<Output>>,
}

impl Session {
    /// An empty session of `profile` whose clock starts at `time_ms` (paused: nothing moves
    /// until the caller unpauses it or a scenario sets the clock), with no panes.
    pub fn new(config: SessionConfig, profile: Profile, time_ms: u64) -> Session {
        Session::with_origin(
            config,
            Origin {
                profile,
                time_ms,
                panes: Vec::new(),
            },
        )
    }

    /// A session whose start has `panes` connected at `time_ms` (the page's first pane).
    pub fn with_panes(
        config: SessionConfig,
        profile: Profile,
        time_ms: u64,
        panes: &[&str],
    ) -> Result<Session, SessionError> {
        let mut names: Vec<String> = Vec::new();
        for &p in panes {
            if !valid_pane_name(p) {
                return Err(SessionError::BadPaneName(p.to_string()));
            }
            if names.iter().any(|n| n == p) {
                return Err(SessionError::PaneExists(p.to_string()));
            }
            names.push(p.to_string());
        }
        Ok(Session::with_origin(
            config,
            Origin {
                profile,
                time_ms,
                panes: names,
            },
        ))
    }

    pub(crate) fn with_origin(config: SessionConfig, origin: Origin) -> Session {
        let state = fresh_state(&config, &origin);
        let mut clock = Clock::at(origin.time_ms);
        clock.paused = true;
        Session {
            view_model: LazyView::new(ViewModel::from_inspect(&state.engine, state.time_ms)),
            checkpoints: Checkpoints::default(),
            config,
            origin,
            origin_marks: Marks::default(),
            next_seq: state.engine.next_event_seq(),
            state,
            clock,
            start: None,
            base: 0,
            log: Vec::new(),
            current: 0,
            dropped: 0,
            log_bytes: 0,
            last_line: None,
            spare: None,
        }
    }

    // ----- Reading the state -----

    pub fn engine(&self) -> &Engine {
        &self.state.engine
    }

    pub fn profile(&self) -> Profile {
        self.state.profile
    }

    pub fn panes(&self) -> &[Pane] {
        &self.state.panes
    }

    pub fn pane(&self, name: &str) -> Option<&Pane> {
        self.state.panes.iter().find(|p| &*p.name == name)
    }

    /// The pane whose client is `client`.
    pub fn pane_of(&self, client: ClientId) -> Option<&Pane> {
        self.state.panes.iter().find(|p| p.client == Some(client))
    }

    pub fn clock(&self) -> &Clock {
        &self.clock
    }

    /// What the views draw, current after every step, tick and seek.
    pub fn view_model(&self) -> &ViewModel {
        self.view_model.get(&self.state.engine, self.state.time_ms)
    }

    /// Pins (or, with `None`, unpins) a window of a stream's entries in the view model.
    pub fn pin_entries(&mut self, db: usize, key: &[u8], pin: Option<view_model::Pin>) {
        let model = self
            .view_model
            .get_mut(&self.state.engine, self.state.time_ms);
        model.pin(db, key, pin);
        model.refill(&self.state.engine, self.state.time_ms);
    }

    /// Pins (or, with `None`, unpins) a window of a consumer's pending entries in the view
    /// model.
    pub fn pin_pel(&mut self, at: view_model::PelKey, pin: Option<view_model::Pin>) {
        let model = self
            .view_model
            .get_mut(&self.state.engine, self.state.time_ms);
        model.pin_pel(at, pin);
        model.refill(&self.state.engine, self.state.time_ms);
    }

    /// Records a step's or tick's events for the view model (applied, and the parts they left
    /// stale refilled, when the model is next read).
    fn sync_view(&mut self, events: &mut Events) {
        self.view_model.record(events);
    }

    /// Builds the view model again from the engine (a seek, a load, a new engine).
    pub(crate) fn rebuild_view(&mut self) {
        self.view_model
            .rebuild(&self.state.engine, self.state.time_ms);
    }

    pub fn config(&self) -> &SessionConfig {
        &self.config
    }

    /// The current step as the timeline numbers it (0: the start).
    pub fn current(&self) -> usize {
        self.current - self.dropped
    }

    /// How many steps the timeline shows (the newest one's index).
    pub fn len(&self) -> usize {
        self.end() - self.dropped
    }

    /// The newest step's absolute index.
    fn end(&self) -> usize {
        self.base + self.log.len()
    }

    /// The logged step with absolute index `abs` (`base < abs <= end`).
    fn logged(&self, abs: usize) -> &Logged {
        &self.log[abs - self.base - 1]
    }

    /// The clock marks after absolute step `abs` (`origin_marks` for the start).
    fn marks_after(&self, abs: usize) -> &[u64] {
        if abs == self.base {
            &self.origin_marks
        } else {
            &self.logged(abs).marks
        }
    }

    pub fn is_empty(&self) -> bool {
        self.len() == 0
    }

    /// How many of the oldest steps the history cap took off the timeline.
    pub fn dropped(&self) -> usize {
        self.dropped
    }

    /// The timeline: every kept step, oldest first.
    pub fn steps(&self) -> Vec<StepInfo> {
        self.log[self.dropped - self.base..]
            .iter()
            .enumerate()
            .map(|(i, l)| StepInfo {
                index: i + 1,
                step: l.step.clone(),
                time_ms: l.time_ms,
            })
            .collect()
    }

    /// The log since the start (the dropped steps the cap has not freed yet included), for
    /// replay tests and export.
    pub fn log(&self) -> &[Logged] {
        &self.log
    }

    /// How many of the oldest steps the history cap has freed (their state is the start's).
    pub fn freed(&self) -> usize {
        self.base
    }

    /// How many checkpoints the session holds, and the work between two of them (for the
    /// benchmark and tests).
    pub fn checkpoint_stats(&self) -> (usize, u64) {
        (self.checkpoints.len(), self.checkpoints.spacing())
    }

    /// Drops every checkpoint (seeks then replay from the start until new ones are taken):
    /// the session benchmark measures the memory they held this way.
    #[doc(hidden)]
    pub fn clear_checkpoints(&mut self) {
        self.checkpoints = Checkpoints::default();
    }

    /// Sets the work between checkpoints (tests).
    #[cfg(test)]
    pub(crate) fn set_checkpoint_spacing(&mut self, spacing: u64) {
        self.checkpoints.set_spacing(spacing);
    }

    /// The absolute step indexes of the checkpoints (tests).
    #[cfg(test)]
    pub(crate) fn checkpoint_indexes(&self) -> Vec<usize> {
        self.checkpoints.indexes()
    }

    /// The sequence number the session's next event gets.
    pub fn next_event_seq(&self) -> u64 {
        self.next_seq
    }

    // ----- The clock (not steps) -----

    /// Real time passed: moves engine time by `elapsed_real_ms × speed` unless paused, and lets
    /// the engine act on it (timeouts, expiry). A tick that produced output is recorded as a clock mark.
    pub fn tick(&mut self, elapsed_real_ms: u64) -> Output {
        if self.clock.paused {
            return Output::default();
        }
        let total = elapsed_real_ms
            .saturating_mul(u64::from(self.clock.speed))
            .saturating_add(self.clock.carry);
        self.clock.carry = total % 100;
        let delta = total / 100;
        if delta == 0 {
            return Output::default();
        }
        let to = self.clock.now_ms.saturating_add(delta);
        self.move_clock(to)
    }

    /// Sets engine time to `ms` (a scenario's `@clock <ms>`, earlier or later) and lets the
    /// engine act on it; recorded as a clock mark if it produced output.
    pub fn set_clock(&mut self, ms: u64) -> Output {
        self.move_clock(ms)
    }

    fn move_clock(&mut self, to: u64) -> Output {
        if self.is_pristine() {
            // Nothing exists to act on time: the start simply begins later (or earlier).
            self.move_origin(to);
            return Output::default();
        }
        self.clock.now_ms = to;
        let mut out = apply_mark(&mut self.state, to);
        self.next_seq = self.next_seq.max(self.state.engine.next_event_seq());
        // Time that did nothing leaves the view model, and the last step's effects, as they were.
        if !out.events.is_empty() {
            self.sync_view(&mut out.events);
        }
        if !out.is_empty() {
            self.truncate_future();
            let marks = if self.current == self.base {
                &mut self.origin_marks
            } else {
                let i = self.current - self.base - 1;
                &mut self.log[i].marks
            };
            marks.push(to);
            let marks = marks.len();
            self.checkpoints
                .capture(self.current, marks, &self.state, checkpoint::work_of(&out));
        }
        out
    }

    pub fn set_paused(&mut self, paused: bool) {
        self.clock.paused = paused;
        self.clock.carry = 0;
    }

    /// Percent of real time, 1 to 100,000.
    pub fn set_speed(&mut self, percent: u32) {
        self.clock.speed = percent.clamp(1, 100_000);
        self.clock.carry = 0;
    }

    // ----- Steps -----

    /// Runs a typed line in pane `pane` (created, and connected, on first use).
    #[inline]
    pub fn run(&mut self, pane: &str, line: &str) -> Result<Output, SessionError> {
        // The output is made here, in the caller, and filled in place: returning it from
        // deeper down would copy its ~180 bytes once more.
        let mut out = Output::default();
        self.run_into(pane, line, &mut out)?;
        Ok(out)
    }

    /// As [`Session::run`], for a caller that keeps the output behind an `Rc` (the page): the
    /// output is built in place in the `Rc` the last call returned when the caller has dropped
    /// it (its old contents go first), else in a new one, so that a step neither copies its
    /// output out nor, in a loop that drops each output, allocates for it.
    pub fn run_shared(&mut self, pane: &str, line: &str) -> Result<Rc<Output>, SessionError> {
        let mut shared = match self.spare.take() {
            Some(mut rc) => match Rc::get_mut(&mut rc) {
                Some(out) => {
                    // The last step's output goes before this step records its events, so
                    // that their box is free to be reused (`Events::share`).
                    *out = Output::default();
                    rc
                }
                None => Rc::default(),
            },
            None => Rc::default(),
        };
        let out = Rc::get_mut(&mut shared).expect("a new or unshared output");
        self.run_into(pane, line, out)?;
        self.spare = Some(Rc::clone(&shared));
        Ok(shared)
    }

    /// As [`Session::run`], writing into `out` (empty).
    fn run_into(&mut self, pane: &str, line: &str, out: &mut Output) -> Result<(), SessionError> {
        // The pane's own name when it exists: the log and the output share it.
        let (pane, known) = match self.state.panes.iter().find(|p| &*p.name == pane) {
            Some(p) => {
                // A pane that does not read cannot send (checked here, before anything is
                // released below; one branch while no pane has stopped reading).
                if self.state.engine.holds_any() {
                    check_reading(&self.state, p)?;
                }
                (Rc::clone(&p.name), true)
            }
            None => (Rc::from(pane), false),
        };
        // A repeated line (a loop, a script, the history's last line) shares the previous
        // command's text rather than adding a copy to the log; that text was checked for line
        // breaks already, so only a new line is scanned.
        let line = match &self.last_line {
            Some(last) if **last == *line => Rc::clone(last),
            _ => {
                check_line(line)?;
                let line: Rc<str> = Rc::from(line);
                self.last_line = Some(Rc::clone(&line));
                line
            }
        };
        // A line for an existing pane cannot be refused from here on: what the view model
        // no longer needs can go before the command allocates (`LazyView::release_stale`).
        if known {
            self.view_model.release_stale();
        }
        self.step_checked(Step::Command { pane, line }, out)
    }

    /// Jumps the clock forward by `ms` (a step).
    pub fn jump(&mut self, ms: u64) -> Result<Output, SessionError> {
        self.step(Step::ClockJump { ms })
    }

    pub fn switch_profile(&mut self, profile: Profile) -> Result<Output, SessionError> {
        self.step(Step::Profile(profile))
    }

    pub fn add_pane(&mut self, name: &str) -> Result<Output, SessionError> {
        self.step(Step::PaneAdd {
            name: Rc::from(name),
        })
    }

    pub fn remove_pane(&mut self, name: &str) -> Result<Output, SessionError> {
        self.step(Step::PaneRemove {
            name: Rc::from(name),
        })
    }

    pub fn rename_pane(&mut self, from: &str, to: &str) -> Result<Output, SessionError> {
        self.step(Step::PaneRename {
            from: Rc::from(from),
            to: Rc::from(to),
        })
    }

    /// Ctrl+C on a blocked pane.
    pub fn unblock(&mut self, pane: &str) -> Result<Output, SessionError> {
        self.step(Step::Unblock {
            pane: Rc::from(pane),
        })
    }

    pub fn reconnect(&mut self, pane: &str) -> Result<Output, SessionError> {
        self.step(Step::Reconnect {
            pane: Rc::from(pane),
        })
    }

    /// The pane stops reading (`false`) or reads again (`true`): `@pane stop-reading NAME`
    /// and `@pane start-reading NAME`.
    pub fn set_reading(&mut self, pane: &str, reading: bool) -> Result<Output, SessionError> {
        let pane = Rc::from(pane);
        self.step(if reading {
            Step::StartReading { pane }
        } else {
            Step::StopReading { pane }
        })
    }

    /// Whether the pane reads its connection, and while it does not, its output buffer (its
    /// size and limits; `None` once the server closed the connection).
    pub fn pane_reading(&self, pane: &str) -> (bool, Option<crate::engine::OutputBufferUsage>) {
        let client = self.pane(pane).and_then(|p| p.client);
        match client {
            Some(id) if !self.state.engine.is_reading(id) => {
                (false, self.state.engine.output_buffer(id))
            }
            _ => (true, None),
        }
    }

    /// Runs any step now. A refused step changes nothing; an accepted one after a seek drops
    /// the later steps first.
    ///
    /// While nothing has happened yet (no step, no pane, no clock mark), a profile switch or a
    /// clock jump changes the start instead of being a step: there is nothing to step back to,
    /// and a scenario's opening `@profile` and `@clock` then describe its start.
    pub fn step(&mut self, step: Step) -> Result<Output, SessionError> {
        if let Step::Command { line, .. } = &step {
            check_line(line)?;
        }
        let mut out = Output::default();
        self.step_checked(step, &mut out)?;
        Ok(out)
    }

    /// As [`Session::step`], for a step whose typed line (if any) has no line break, writing
    /// into `out` (empty).
    fn step_checked(&mut self, step: Step, out: &mut Output) -> Result<(), SessionError> {
        let time_ms = match &step {
            Step::ClockJump { ms } => self.clock.now_ms.saturating_add(*ms),
            _ => self.clock.now_ms,
        };
        if matches!(step, Step::Profile(_) | Step::ClockJump { .. }) && self.is_pristine() {
            self.change_start(step, time_ms);
            return Ok(());
        }
        apply_step_into(&self.config, &mut self.state, &step, time_ms, out)?;
        self.next_seq = self.next_seq.max(self.state.engine.next_event_seq());
        self.clock.now_ms = time_ms;
        match step {
            // A fresh engine: nothing of the old model holds.
            Step::Profile(_) => self.rebuild_view(),
            _ => self.sync_view(&mut out.events),
        }
        // Most steps come at the newest one: nothing to drop, and no call to find that out.
        if self.current < self.end() {
            self.truncate_future();
        }
        self.log_bytes += step.log_bytes();
        self.log.push(Logged {
            step,
            time_ms,
            marks: Marks::default(),
        });
        self.current = self.end();
        self.checkpoints
            .capture(self.current, 0, &self.state, checkpoint::work_of(out));
        self.enforce_cap();
        Ok(())
    }

    /// A profile switch or clock jump (to `time_ms`) while nothing has happened yet: the start
    /// changes instead (see [`Session::step`]).
    #[inline(never)]
    fn change_start(&mut self, step: Step, time_ms: u64) {
        if let Step::Profile(profile) = step {
            // A new start: the steps after it (after a seek to 0) go.
            self.truncate_future();
            self.origin.profile = profile;
            self.state = fresh_state(&self.config, &self.origin);
            self.state.engine.set_next_event_seq(self.next_seq);
            self.rebuild_view();
        } else {
            self.move_origin(time_ms);
        }
    }

    /// Whether the current state is an empty start: before any step, with no pane and no
    /// clock mark, so that nothing can act on time or tell one start from another.
    fn is_pristine(&self) -> bool {
        self.current == 0 && self.origin_marks.is_empty() && self.origin.panes.is_empty()
    }

    /// Moves a pristine session's start (and clock) to `time_ms`. The engine is untouched:
    /// it has seen no time yet, so its uptime starts with the first step, live and on replay.
    fn move_origin(&mut self, time_ms: u64) {
        self.origin.time_ms = time_ms;
        self.state.time_ms = time_ms;
        self.clock.now_ms = time_ms;
    }

    /// Drops the steps after the current one (a new step after a seek, like an editor's undo).
    #[inline]
    fn truncate_future(&mut self) {
        if self.current < self.end() {
            for l in self.log.drain(self.current - self.base..) {
                self.log_bytes -= l.step.log_bytes();
            }
            self.checkpoints.truncate(self.current);
        }
    }

    /// Takes the oldest steps off the timeline while it holds more than the cap allows, then
    /// frees the dropped steps up to the newest checkpoint at or before the timeline's start:
    /// that checkpoint (with its step's clock marks) becomes the start.
    #[inline]
    fn enforce_cap(&mut self) {
        if self.len() > 1
            && (self.len() > self.config.max_steps || self.log_bytes > self.config.max_log_bytes)
        {
            self.drop_oldest();
        }
    }

    /// [`Session::enforce_cap`] once the timeline holds more than the cap allows.
    #[inline(never)]
    fn drop_oldest(&mut self) {
        let before = self.dropped;
        while self.len() > 1
            && (self.len() > self.config.max_steps || self.log_bytes > self.config.max_log_bytes)
        {
            self.log_bytes -= self.logged(self.dropped + 1).step.log_bytes();
            self.dropped += 1;
        }
        if self.dropped == before {
            return;
        }
        let Some(c) = self.checkpoints.take_at_or_before(self.dropped) else {
            return;
        };
        if c.index <= self.base {
            return;
        }
        let mut state = c.state;
        for &t in &self.logged(c.index).marks[c.marks..] {
            apply_mark(&mut state, t);
        }
        self.log.drain(..c.index - self.base);
        self.base = c.index;
        self.origin_marks = Marks::default();
        // The origin describes the start for export and the save format's header.
        self.origin.profile = state.profile;
        self.origin.time_ms = state.time_ms;
        self.origin.panes = state.panes.iter().map(|p| p.name.to_string()).collect();
        self.start = Some(Box::new(state));
    }

    // ----- Time travel -----

    /// Restores the state after step `index` (0: the start) and the clock marks after it; the
    /// clock pauses at that time. The later steps stay until a new step is run.
    pub fn seek(&mut self, index: usize) -> Result<(), SessionError> {
        if index > self.len() {
            return Err(SessionError::NoSuchStep(index));
        }
        let target = self.dropped + index;
        let (from, mut state) = match self.checkpoints.restore(target) {
            Some((from, marks, mut state)) => {
                // A checkpoint holds the first `marks` clock marks of its step.
                for &t in &self.marks_after(from)[marks..] {
                    apply_mark(&mut state, t);
                }
                (from, state)
            }
            None => (self.base, self.origin_state()),
        };
        for n in from + 1..=target {
            replay_logged(&self.config, &mut state, self.logged(n));
        }
        // The replay numbered its events as they were first numbered; what comes next is
        // numbered after everything this session has reported.
        state.engine.set_next_event_seq(self.next_seq);
        self.state = state;
        self.current = target;
        self.clock.now_ms = self.state.time_ms;
        self.clock.paused = true;
        self.clock.carry = 0;
        self.rebuild_view();
        Ok(())
    }

    /// The state at the start, before its clock marks: the freed steps' checkpoint, or a
    /// fresh engine with the origin's panes.
    pub(crate) fn start_state(&self) -> State {
        match &self.start {
            Some(state) => State::clone(state),
            None => fresh_state(&self.config, &self.origin),
        }
    }

    /// The state at the start, with the clock marks recorded before the first kept step.
    fn origin_state(&self) -> State {
        let mut state = self.start_state();
        for &t in &self.origin_marks {
            apply_mark(&mut state, t);
        }
        state
    }

    /// Replays the whole log from the origin, calling `seen` with the output of every step
    /// and mark in order (the determinism tests compare these with the live outputs).
    pub fn replay_outputs(&self, mut seen: impl FnMut(Option<&Logged>, &Output)) {
        let mut state = self.start_state();
        for &t in &self.origin_marks {
            seen(None, &apply_mark(&mut state, t));
        }
        for l in &self.log {
            match apply_step(&self.config, &mut state, &l.step, l.time_ms) {
                Ok(out) => seen(Some(l), &out),
                Err(e) => debug_assert!(false, "a logged step failed on replay: {e}"),
            }
            for &t in &l.marks {
                seen(None, &apply_mark(&mut state, t));
            }
        }
    }
}

/// A fresh engine for `profile` as the session runs it.
fn new_engine(config: &SessionConfig, profile: Profile) -> Engine {
    Engine::new(Config {
        profile,
        maxmemory: config.maxmemory,
        seed: config.seed,
        probe_events: config.probe_events,
        ..Config::default()
    })
}

/// The state at `origin`: a fresh engine, its panes connected in order.
fn fresh_state(config: &SessionConfig, origin: &Origin) -> State {
    let mut engine = new_engine(config, origin.profile);
    let panes = origin
        .panes
        .iter()
        .map(|name| Pane {
            name: Rc::from(name.as_str()),
            client: Some(engine.connect(origin.time_ms)),
        })
        .collect();
    // Nobody sees the start's connections happen: their events go.
    engine.drain_events();
    State {
        engine,
        profile: origin.profile,
        panes,
        time_ms: origin.time_ms,
        advanced_to: None,
    }
}

/// Replays one logged step and its marks (their outputs are not needed).
fn replay_logged(config: &SessionConfig, state: &mut State, l: &Logged) {
    if let Err(e) = apply_step(config, state, &l.step, l.time_ms) {
        debug_assert!(false, "a logged step failed on replay: {e}");
    }
    for &t in &l.marks {
        apply_mark(state, t);
    }
}

/// Lets time pass to `t` (a tick, a clock set, a clock mark on replay).
fn apply_mark(state: &mut State, t: u64) -> Output {
    let mut out = Output::default();
    let outcome = state.engine.advance(t);
    state.advanced_to = Some(t);
    state.time_ms = t;
    absorb(state, outcome, &mut out);
    out
}

/// Before a step at `t`: time passes to `t` if the engine has not seen it yet (the live clock's
/// ticks did this; a replay does it here).
fn catch_up(state: &mut State, t: u64, out: &mut Output) {
    if state.advanced_to != Some(t) {
        let outcome = state.engine.advance(t);
        state.advanced_to = Some(t);
        absorb(state, outcome, out);
    }
}

/// Adds an outcome's frames (to `pushed`, formatted for their panes) and events to `out`.
/// Frames for clients without a pane are dropped, as nobody can see them.
fn absorb(state: &State, outcome: Outcome, out: &mut Output) {
    debug_assert!(outcome.reply.is_none(), "only commands reply");
    for d in outcome.deliveries {
        let Some(pane) = state.panes.iter().find(|p| p.client == Some(d.client)) else {
            continue;
        };
        let kind = match d.kind {
            DeliveryKind::Push => LineKind::Push,
            DeliveryKind::Reply => LineKind::Reply,
        };
        let lines = console::frame_lines(&state.engine, d.client, &d.frame, kind);
        out.pushed.push((Rc::clone(&pane.name), lines));
        let mut frame = RawFrame::new(&state.engine, d.client, d.frame, kind);
        frame.pane = Some(Rc::clone(&pane.name));
        out.raw.push(frame);
    }
    append_events(&mut out.events, outcome.events);
}

/// Appends `more` events to `events`, taking the vector itself when `events` is empty.
#[inline]
fn append_events(events: &mut Events, more: Vec<Event>) {
    if events.is_empty() {
        *events = Events::from(more);
    } else {
        events.to_mut().extend(more);
    }
}

/// Opens a connection at `t`; its `ClientConnected` event goes into the step's output at once
/// (the engine keeps it for the next outcome otherwise).
fn connect(state: &mut State, t: u64, out: &mut Output) -> ClientId {
    let id = state.engine.connect(t);
    append_events(&mut out.events, state.engine.drain_events());
    id
}

/// The name of the pane whose client is `client`.
fn pane_name_of(state: &State, client: ClientId) -> Option<&Rc<str>> {
    state
        .panes
        .iter()
        .find(|p| p.client == Some(client))
        .map(|p| &p.name)
}

fn pane_index(state: &State, name: &str) -> Result<usize, SessionError> {
    state
        .panes
        .iter()
        .position(|p| &*p.name == name)
        .ok_or_else(|| SessionError::NoSuchPane(name.to_string()))
}

fn check_new_name(state: &State, name: &str) -> Result<(), SessionError> {
    if !valid_pane_name(name) {
        return Err(SessionError::BadPaneName(name.to_string()));
    }
    if state.panes.iter().any(|p| &*p.name == name) {
        return Err(SessionError::PaneExists(name.to_string()));
    }
    Ok(())
}

/// Applies one step at `t`: the one code path of live steps and replays, so that a replay
/// makes exactly the engine calls the live session made. Checks come first: a refused step
/// changes nothing.
fn apply_step(
    config: &SessionConfig,
    state: &mut State,
    step: &Step,
    t: u64,
) -> Result<Output, SessionError> {
    // A logged step's line was checked when it ran; a loaded one is checked here.
    if let Step::Command { line, .. } = step {
        check_line(line)?;
    }
    let mut out = Output::default();
    apply_step_into(config, state, step, t, &mut out)?;
    Ok(out)
}

/// A line typed in a pane that stopped reading is refused: it reads nothing, so it could not
/// show the reply.
#[inline(never)]
fn check_reading(state: &State, pane: &Pane) -> Result<(), SessionError> {
    match pane.client {
        Some(id) if !state.engine.is_reading(id) => Err(SessionError::Reading {
            pane: pane.name.to_string(),
            reading: false,
        }),
        _ => Ok(()),
    }
}

/// A typed line is one line: refused if it holds a line break.
fn check_line(line: &str) -> Result<(), SessionError> {
    // Bytes, not chars: both are ASCII, and a byte scan is cheaper than decoding.
    if line.bytes().any(|b| b == b'\n' || b == b'\r') {
        return Err(SessionError::LineBreak);
    }
    Ok(())
}

/// As [`apply_step`], writing into `out` (empty), for a step whose line was checked
/// ([`check_line`]): a live step's output is built where it is returned from, not moved
/// through each call.
fn apply_step_into(
    config: &SessionConfig,
    state: &mut State,
    step: &Step,
    t: u64,
    out: &mut Output,
) -> Result<(), SessionError> {
    match step {
        Step::Command { pane, line } => apply_command(state, pane, line, t, out),
        _ => apply_other_step(config, state, step, t, out),
    }
}

/// A typed line in `pane` at `t` (most steps): kept apart from the other kinds of step so that
/// the code a command runs through stays small.
fn apply_command(
    state: &mut State,
    pane: &Rc<str>,
    line: &str,
    t: u64,
    out: &mut Output,
) -> Result<(), SessionError> {
    out.pane = Some(Rc::clone(pane));
    // The session passes the pane's own name when the pane exists: a pointer compare.
    let found = state
        .panes
        .iter()
        .position(|p| Rc::ptr_eq(&p.name, pane) || p.name == *pane);
    let index = match found {
        Some(i) => i,
        None => {
            check_new_name(state, pane)?;
            state.panes.push(Pane {
                name: Rc::clone(pane),
                client: None,
            });
            state.panes.len() - 1
        }
    };
    if state.engine.holds_any() {
        check_reading(state, &state.panes[index])?;
    }
    if state.advanced_to != Some(t) {
        catch_up(state, t, out);
    }
    let id = match state.panes[index].client {
        Some(id) => id,
        None => {
            let id = connect(state, t, out);
            state.panes[index].client = Some(id);
            id
        }
    };
    // The console writes the typing pane's lines, the frames and the events straight into the
    // output (after any that time passing wrote first, `catch_up`).
    let first_frame = out.raw.len();
    let status = console::run_line_into(
        &mut state.engine,
        id,
        line,
        t,
        console::Sink {
            lines: &mut out.lines,
            frames: &mut out.raw,
            events: out.events.to_mut(),
        },
    );
    // Each frame is named after its pane; frames for clients without a pane are dropped, as
    // nobody can see them.
    let mut unseen = false;
    for frame in &mut out.raw[first_frame..] {
        // The typing pane's own frames are most of them: its name is at hand.
        frame.pane = if frame.client == id {
            Some(Rc::clone(pane))
        } else {
            pane_name_of(state, frame.client).cloned()
        };
        unseen |= frame.pane.is_none();
    }
    if unseen {
        out.raw.retain(|f| f.pane.is_some());
    }
    out.blocked = status.blocked;
    out.clear = status.clear;
    out.set_hints = status.set_hints;
    if status.others.capacity() != 0 || status.killed.capacity() != 0 || status.closed {
        command_aftermath(state, id, t, status, out);
    } else {
        // Vectors that never allocated own nothing: forgetting them frees nothing, and saves
        // the out-of-line drop a step would otherwise call.
        std::mem::forget(status);
    }
    finish_step(state, t, out);
    Ok(())
}

/// What a command did to other panes (frames for them, connections it killed) and to its own
/// connection (closed): rare, so kept out of [`apply_command`].
#[inline(never)]
fn command_aftermath(
    state: &mut State,
    id: ClientId,
    t: u64,
    status: console::Status,
    out: &mut Output,
) {
    for (client, lines) in status.others {
        if let Some(name) = pane_name_of(state, client) {
            out.pushed.push((Rc::clone(name), lines));
        }
    }
    // Killed clients are gone from the engine already; their panes open a new
    // connection on their next line, as a closed one does.
    for killed in status.killed {
        if let Some(p) = state.panes.iter_mut().find(|p| p.client == Some(killed)) {
            p.client = None;
            out.disconnected.push(p.name.to_string());
        }
    }
    if status.closed {
        let outcome = state.engine.disconnect(id, t);
        absorb(state, outcome, out);
        if let Some(p) = state.panes.iter_mut().find(|p| p.client == Some(id)) {
            p.client = None;
            out.disconnected.push(p.name.to_string());
        }
    }
}

/// Every kind of step but a command.
#[inline(never)]
fn apply_other_step(
    config: &SessionConfig,
    state: &mut State,
    step: &Step,
    t: u64,
    out: &mut Output,
) -> Result<(), SessionError> {
    out.pane = match step {
        Step::PaneAdd { name: pane }
        | Step::PaneRemove { name: pane }
        | Step::PaneRename { from: pane, .. }
        | Step::Unblock { pane }
        | Step::Reconnect { pane }
        | Step::StopReading { pane }
        | Step::StartReading { pane } => Some(Rc::clone(pane)),
        Step::Command { .. } | Step::ClockJump { .. } | Step::Profile(_) => None,
    };
    match step {
        Step::Command { .. } => unreachable!("commands go through apply_command"),
        Step::ClockJump { .. } => {
            let outcome = state.engine.advance(t);
            state.advanced_to = Some(t);
            absorb(state, outcome, out);
        }
        Step::Profile(profile) => {
            // The fresh server numbers its events after the old one's.
            let seq = state.engine.next_event_seq();
            state.engine = new_engine(config, *profile);
            state.engine.set_next_event_seq(seq);
            state.profile = *profile;
            state.advanced_to = None;
            for i in 0..state.panes.len() {
                state.panes[i].client = Some(connect(state, t, out));
            }
        }
        Step::PaneAdd { name } => {
            check_new_name(state, name)?;
            catch_up(state, t, out);
            let client = Some(connect(state, t, out));
            state.panes.push(Pane {
                name: Rc::clone(name),
                client,
            });
        }
        Step::PaneRemove { name } => {
            let index = pane_index(state, name)?;
            catch_up(state, t, out);
            let pane = state.panes.remove(index);
            if let Some(id) = pane.client {
                let outcome = state.engine.disconnect(id, t);
                absorb(state, outcome, out);
            }
        }
        Step::PaneRename { from, to } => {
            let index = pane_index(state, from)?;
            check_new_name(state, to)?;
            state.panes[index].name = Rc::clone(to);
        }
        Step::Unblock { pane } => {
            let index = pane_index(state, pane)?;
            let Some(id) = state.panes[index]
                .client
                .filter(|&id| state.engine.is_blocked(id))
            else {
                return Err(SessionError::NotBlocked(pane.to_string()));
            };
            catch_up(state, t, out);
            let outcome = state.engine.cancel_block(id, t);
            absorb(state, outcome, out);
        }
        Step::Reconnect { pane } => {
            let index = pane_index(state, pane)?;
            catch_up(state, t, out);
            if let Some(id) = state.panes[index].client {
                let outcome = state.engine.disconnect(id, t);
                absorb(state, outcome, out);
            }
            state.panes[index].client = Some(connect(state, t, out));
        }
        Step::StopReading { pane } => {
            let index = pane_index(state, pane)?;
            let client = state.panes[index].client;
            if client.is_some_and(|id| !state.engine.is_reading(id)) {
                return Err(SessionError::Reading {
                    pane: pane.to_string(),
                    reading: false,
                });
            }
            catch_up(state, t, out);
            let id = match client {
                Some(id) => id,
                None => {
                    let id = connect(state, t, out);
                    state.panes[index].client = Some(id);
                    id
                }
            };
            let outcome = state.engine.set_reading(id, false, t);
            absorb(state, outcome, out);
        }
        Step::StartReading { pane } => {
            let index = pane_index(state, pane)?;
            let Some(id) = state.panes[index]
                .client
                .filter(|&id| !state.engine.is_reading(id))
            else {
                return Err(SessionError::Reading {
                    pane: pane.to_string(),
                    reading: true,
                });
            };
            catch_up(state, t, out);
            let mut outcome = state.engine.set_reading(id, true, t);
            // The server closed it while it was not read: the pane finds it closed now.
            if !std::mem::take(&mut outcome.killed).is_empty() {
                state.panes[index].client = None;
                out.disconnected.push(pane.to_string());
            }
            absorb(state, outcome, out);
        }
    }
    finish_step(state, t, out);
    Ok(())
}

/// The end of every step: connections opened without a call after them (a pane added, a
/// reconnect, a profile switch) report `ClientConnected` with this step, not the next one.
#[inline]
fn finish_step(state: &mut State, t: u64, out: &mut Output) {
    let last = state.engine.drain_events();
    if !last.is_empty() {
        append_events(&mut out.events, last);
    }
    state.time_ms = t;
}

/// A step's or tick's events, shared between its [`Output`] and the view model, which reads
/// them when it is next drawn: handing them to both copies a pointer, not the events. Reads
/// as a slice; changing them (`to_mut`, `&mut` iteration) copies them first if shared.
///
/// A step's events start as the engine's own vector and are boxed for sharing when the view
/// model records them, in the box of the step before when nobody holds that any more (the
/// caller dropped its output): a step then allocates no box of its own.
#[derive(Clone, Debug)]
pub struct Events(Repr);

#[derive(Clone, Debug)]
enum Repr {
    Owned(Vec<Event>),
    Shared(Rc<Vec<Event>>),
}

impl Default for Events {
    fn default() -> Events {
        Events(Repr::Owned(Vec::new()))
    }
}

impl Events {
    /// The events, for changing them: copied first if the view model still shares them.
    #[inline]
    pub fn to_mut(&mut self) -> &mut Vec<Event> {
        match &mut self.0 {
            Repr::Owned(events) => events,
            Repr::Shared(events) => Rc::make_mut(events),
        }
    }

    /// Empties the events if nothing else holds them (keeping their box).
    pub(crate) fn clear_unshared(&mut self) {
        match &mut self.0 {
            Repr::Owned(events) => events.clear(),
            Repr::Shared(rc) => {
                if let Some(events) = Rc::get_mut(rc) {
                    events.clear();
                }
            }
        }
    }

    /// Makes the events shareable (a clone then copies a pointer), in `spare`'s box if nothing
    /// else holds it (its old events go), else in a new one.
    pub(crate) fn share(&mut self, spare: Events) {
        let Repr::Owned(events) = &mut self.0 else {
            return;
        };
        let events = std::mem::take(events);
        self.0 = Repr::Shared(match spare.0 {
            Repr::Shared(mut rc) => match Rc::get_mut(&mut rc) {
                Some(slot) => {
                    *slot = events;
                    rc
                }
                None => Rc::new(events),
            },
            Repr::Owned(_) => Rc::new(events),
        });
    }
}

impl From<Vec<Event>> for Events {
    fn from(events: Vec<Event>) -> Events {
        Events(Repr::Owned(events))
    }
}

impl std::ops::Deref for Events {
    type Target = [Event];

    fn deref(&self) -> &[Event] {
        match &self.0 {
            Repr::Owned(events) => events,
            Repr::Shared(events) => events,
        }
    }
}

impl PartialEq for Events {
    fn eq(&self, other: &Events) -> bool {
        **self == **other
    }
}

impl<'a> IntoIterator for &'a Events {
    type Item = &'a Event;
    type IntoIter = std::slice::Iter<'a, Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a> IntoIterator for &'a mut Events {
    type Item = &'a mut Event;
    type IntoIter = std::slice::IterMut<'a, Event>;

    fn into_iter(self) -> Self::IntoIter {
        self.to_mut().iter_mut()
    }
}
