//! The service: the page's one [`Session`] (the engine, the panes' clients, the virtual clock,
//! the step log) held outside the Yew reducer, and the calls that change it.
//!
//! Every change follows one pattern: a callback, the clock's interval or a JS API call asks the
//! service; the service calls the session (run a line, tick, jump, add/remove/rename a pane,
//! unblock, switch profile, seek, start anew), reads the facts about every pane from the engine
//! (read-only), and dispatches an [`Action::Applied`] carrying what the session returned to the
//! pure reducer. Then it hands JS listeners the engine's events, schedules saving the session
//! (within [`SAVE_DELAY_MS`] of each change) and calls the listeners (`api::flush`) once the
//! session is no longer borrowed, so that a listener may call `run` again.

use std::cell::{Cell, RefCell};
use std::collections::VecDeque;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

use gloo_timers::callback::Timeout;
use yew::UseReducerDispatcher;

use super::api;
use super::clock;
use super::state::{
    profile_label, Action, Applied, ClockFacts, Item, Page, PaneFacts, SubKind, DEFAULT_PANE_NAME,
    PAGE_MAXMEMORY,
};
use super::storage::{self, Stored};
use super::views::{step_text, Batched, Cause, Causes, TimelineFacts, ViewsFacts};
use crate::cli::hints;
use crate::engine::{Profile, SubscriptionKind};
use crate::session::view_model::{PelKey, Pin, ViewModel};
use crate::session::{valid_pane_name, Output, Session, SessionConfig, SessionError, StepInfo};
use crate::transcript;

/// A step is saved at most this long after it ran (DESIGN.md "Saving": within 1 s).
pub const SAVE_DELAY_MS: u32 = 500;

/// How many key names completion looks at.
const MAX_KEY_CANDIDATES: usize = 200;

/// The session's setup in the page: the memory ceiling; the rest as the transcript runner.
pub fn page_config() -> SessionConfig {
    SessionConfig {
        maxmemory: PAGE_MAXMEMORY,
        ..SessionConfig::default()
    }
}

/// A fresh, live session: one pane, the clock at real time and running.
fn fresh_session(profile: Profile, real_ms: u64, names: &[&str]) -> Session {
    let mut session = Session::with_panes(page_config(), profile, real_ms, names)
        .or_else(|_| Session::with_panes(page_config(), profile, real_ms, &[DEFAULT_PANE_NAME]))
        .unwrap_or_else(|_| Session::new(page_config(), profile, real_ms));
    session.set_paused(false);
    session
}

/// The facts about every pane, read from the engine.
pub fn facts(session: &Session) -> Vec<PaneFacts> {
    let engine = session.engine();
    session
        .panes()
        .iter()
        .map(|p| {
            let mut f = PaneFacts::unknown(&p.name);
            let Some(id) = p.client else {
                return f;
            };
            f.client = Some(id);
            f.prompt = crate::console::prompt(engine, id, &p.name);
            if let Some(state) = engine.client_state(id) {
                f.protocol = state.protocol;
                f.db = state.db;
                f.blocked_on = state.blocked_on.map(|keys| {
                    Rc::new(
                        keys.iter()
                            .map(|k| String::from_utf8_lossy(k).into_owned())
                            .collect(),
                    )
                });
                f.block_deadline_ms = state.block_deadline_ms;
                f.in_multi = state.in_multi;
            }
            let subs: Vec<(SubKind, String)> = engine
                .client_subscriptions(id)
                .into_iter()
                .map(|(kind, name)| {
                    let kind = match kind {
                        SubscriptionKind::Channel => SubKind::Channel,
                        SubscriptionKind::Pattern => SubKind::Pattern,
                        SubscriptionKind::Shard => SubKind::Shard,
                    };
                    (kind, String::from_utf8_lossy(&name).into_owned())
                })
                .collect();
            f.subscriptions = Rc::new(subs);
            if !engine.is_reading(id) {
                f.not_reading = Some(engine.output_buffer(id).map_or((0, 0), |u| {
                    // What waits, or what Redis counts once reply blocks exist.
                    (u.bytes.max(u.frames as u64), u.hard_limit)
                }));
            }
            f
        })
        .collect()
}

fn clock_facts(session: &Session) -> ClockFacts {
    let c = session.clock();
    ClockFacts {
        now_ms: c.now_ms,
        speed: c.speed,
        paused: c.paused,
    }
}

/// Whether the views show something that changes with time alone: a TTL, an idle time, a
/// blocked client's countdown.
fn depends_on_time(vm: &ViewModel) -> bool {
    vm.dbs
        .values()
        .any(|d| d.keys.iter().any(|k| k.expires_at_ms.is_some()))
        || vm
            .streams
            .values()
            .any(|s| s.groups.iter().any(|g| g.pending > 0))
        || vm.blocked_clients().next().is_some()
}

/// The name a client set with `CLIENT SETNAME`, if any.
fn client_name(session: &Session, pane: &str) -> Option<String> {
    let id = session.pane(pane)?.client?;
    let name = session.engine().client_state(id)?.name?;
    Some(String::from_utf8_lossy(&name).into_owned()).filter(|n| !n.is_empty())
}

/// How long (real time) the events of a step stay in the views' batch: long enough for their
/// animations to finish, so a redraw for another reason does not cut them short.
const ANIMATION_WINDOW_MS: u64 = 1_600;

/// The most events the views animate at once (a burst of hundreds of steps a second shows its
/// newest ones).
const MAX_BATCH: usize = 200;

/// How often time alone (TTLs, idle times, countdowns) redraws the views.
const TIME_REDRAW_MS: u64 = 100;

/// What the next views frame is built from, gathered between frames.
#[derive(Default)]
struct ViewsPending {
    /// Recent events with the real time they arrived.
    batch: VecDeque<(u64, Batched)>,
    reset: bool,
    frame: u64,
    /// A frame is asked for.
    scheduled: bool,
    /// The session changed since the view model was last copied.
    vm_dirty: bool,
    vm: Option<Rc<ViewModel>>,
    last: Option<Rc<Cause>>,
    /// How many later steps the newest step dropped (a step after going back).
    dropped_later: usize,
    /// The state was restored by time travel and no step has run since.
    travelled: bool,
    /// The timeline's length and current step after the last change.
    position: (usize, usize),
    /// The timeline as of the last frame, and what it was built from.
    timeline: Option<((usize, usize, usize, usize), Rc<TimelineFacts>)>,
    /// The real time of the last frame drawn for time alone.
    time_frame_ms: u64,
    causes: Causes,
    callback: Option<Closure<dyn FnMut()>>,
}

struct Inner {
    session: RefCell<Session>,
    views: RefCell<ViewsPending>,
    dispatch: RefCell<Option<UseReducerDispatcher<Page>>>,
    /// The `localStorage` key of the page's state.
    key: String,
    /// Real time at the last tick.
    last_real: Cell<u64>,
    save_timer: RefCell<Option<Timeout>>,
    /// The session changed since it was last saved.
    dirty: Cell<bool>,
    /// A notice about saving is on screen (taken away once a whole save succeeds again).
    storage_notice: Cell<bool>,
}

/// A handle on the service (cheap to clone; equal when it is the same service).
#[derive(Clone)]
pub struct Ctl(Rc<Inner>);

impl PartialEq for Ctl {
    fn eq(&self, other: &Ctl) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl Ctl {
    /// The service for the page saving under `key`, with the session and the page state
    /// restored from storage (or fresh).
    pub fn boot(key: &str) -> (Ctl, Page) {
        let real = clock::now_ms();
        let loaded = storage::load(key, real);
        let had_panes = loaded.ui.as_ref().is_some_and(|u| !u.panes.is_empty());
        let (session, greeting) = match loaded.session {
            Some(session) => (
                session,
                Some(if loaded.from_log {
                    "Restored from your last visit: this pane, its history (↑) and the keys (replayed from the saved command log)."
                } else {
                    "Restored from your last visit: this pane, its history (↑) and the keys."
                }),
            ),
            None => {
                let profile = loaded.ui.as_ref().map(|u| u.profile).unwrap_or_default();
                let mut names: Vec<&str> = Vec::new();
                for p in loaded.ui.iter().flat_map(|u| u.panes.iter()) {
                    if valid_pane_name(&p.name) && !names.contains(&p.name.as_str()) {
                        names.push(&p.name);
                    }
                }
                if names.is_empty() {
                    names.push(DEFAULT_PANE_NAME);
                }
                (
                    fresh_session(profile, real, &names),
                    had_panes.then_some(
                        "Restored this pane and its history (↑). The server starts empty: its state was not saved.",
                    ),
                )
            }
        };
        let notice = (!loaded.notices.is_empty()).then(|| loaded.notices.join(" "));
        let page = Page::start(
            facts(&session),
            session.profile(),
            clock_facts(&session),
            loaded.ui,
            greeting,
            notice,
        );
        let position = (session.len(), session.current());
        let ctl = Ctl(Rc::new(Inner {
            session: RefCell::new(session),
            dispatch: RefCell::new(None),
            key: key.to_string(),
            last_real: Cell::new(real),
            save_timer: RefCell::new(None),
            dirty: Cell::new(false),
            storage_notice: Cell::new(false),
            views: RefCell::new(ViewsPending {
                vm_dirty: true,
                position,
                ..ViewsPending::default()
            }),
        }));
        ctl.schedule_views();
        (ctl, page)
    }

    /// Where the reducer's actions go (set by the page on every render; always the same).
    pub fn set_dispatch(&self, dispatch: UseReducerDispatcher<Page>) {
        *self.0.dispatch.borrow_mut() = Some(dispatch);
    }

    /// Dispatches a pure action (the JS API's reads of the page's state).
    pub fn query(&self, action: Action) {
        self.dispatch(action);
    }

    fn dispatch(&self, action: Action) {
        let dispatch = self.0.dispatch.borrow().clone();
        if let Some(d) = dispatch {
            d.dispatch(action);
        }
    }

    /// Reads the session (never while it is being changed: a listener inside a change cannot
    /// get here, as listeners run after it).
    pub fn read<T>(&self, f: impl FnOnce(&Session) -> T) -> Option<T> {
        self.0.session.try_borrow().ok().map(|s| f(&s))
    }

    /// Hands a change to the reducer, the events to JS listeners, and schedules a save.
    fn publish(&self, items: Vec<Item>, persist: bool, fresh: bool) {
        let Some((facts, profile, clock)) = self.read(|s| (facts(s), s.profile(), clock_facts(s)))
        else {
            return;
        };
        // Events go to listeners in the order the session made them, a Reset first where a
        // seek or a profile switch replaced the state.
        let mut heard: Vec<Option<Rc<Output>>> = Vec::new();
        for item in &items {
            match item {
                Item::Reset => heard.push(None),
                Item::Output { out, .. } if !out.events.is_empty() => {
                    heard.push(Some(Rc::clone(out)))
                }
                _ => {}
            }
        }
        self.gather_views(&items, persist);
        let changed =
            persist || !heard.is_empty() || items.iter().any(|i| matches!(i, Item::Output { .. }));
        self.dispatch(Action::Applied(Box::new(Applied {
            items,
            facts,
            profile,
            clock,
            fresh,
            persist,
        })));
        for h in heard {
            match h {
                None => api::reset(),
                Some(out) => api::events(&out.events),
            }
        }
        if changed {
            self.schedule_save();
        }
        api::flush();
    }

    // ----- The views -----

    /// Takes what a change did into the next views frame: each event with the step that caused
    /// it, a reset, the steps a new step dropped.
    fn gather_views(&self, items: &[Item], persist: bool) {
        let Some((current, len, texts, current_step)) = self.read(|s| {
            // The step outputs of this change are the newest `n` steps, in order.
            let n = if persist {
                items
                    .iter()
                    .filter(|i| matches!(i, Item::Output { .. }))
                    .count()
            } else {
                0
            };
            let kept = s.log().len();
            let texts: Vec<(Option<String>, String)> = s.log()[kept.saturating_sub(n)..]
                .iter()
                .map(|l| {
                    let (pane, line) = step_text(&l.step);
                    (pane.map(str::to_string), line)
                })
                .collect();
            // The current step, named as the timeline names it (what a seek shows the state
            // after): only a reset needs it, so a command does not pay for it.
            let at = s.current();
            let skip = s.dropped() - s.freed();
            let reset = items.iter().any(|i| matches!(i, Item::Reset));
            let current_step = at
                .checked_sub(1)
                .filter(|_| reset)
                .and_then(|i| s.log().get(skip + i))
                .map(|l| {
                    let (pane, line) = step_text(&l.step);
                    Rc::new(Cause {
                        step: at,
                        pane: pane.map(str::to_string),
                        line,
                    })
                });
            (s.current(), s.len(), texts, current_step)
        }) else {
            return;
        };
        let real = clock::now_ms();
        let mut v = self.0.views.borrow_mut();
        v.vm_dirty = true;
        let mut step = current + 1 - texts.len().min(current + 1);
        let mut texts = texts.into_iter();
        for item in items {
            match item {
                Item::Reset => {
                    v.batch.clear();
                    v.reset = true;
                    v.last = None;
                    v.causes.clear();
                    v.dropped_later = 0;
                    // A seek (not a new session, which has no steps) shows the state after a
                    // step without its effects; the step is named instead.
                    v.travelled = len > 0;
                    v.last = current_step.clone();
                }
                Item::Output { out, .. } => {
                    let cause = if persist {
                        step += 1;
                        texts.next().map(|(pane, line)| {
                            Rc::new(Cause {
                                step: step - 1,
                                pane,
                                line,
                            })
                        })
                    } else {
                        None
                    };
                    if persist {
                        v.last = cause.clone();
                        v.travelled = false;
                    }
                    for event in out.events.iter() {
                        if let Some(c) = &cause {
                            v.causes.record(event, c);
                        }
                        v.batch.push_back((
                            real,
                            Batched {
                                event: event.clone(),
                                cause: cause.clone(),
                            },
                        ));
                    }
                    while v.batch.len() > MAX_BATCH {
                        v.batch.pop_front();
                    }
                }
                _ => {}
            }
        }
        if persist && items.iter().any(|i| matches!(i, Item::Output { .. })) {
            // A step after going back dropped what followed the step it was made at.
            let (l, c) = v.position;
            v.dropped_later = if c < l && current == len { l - c } else { 0 };
        }
        v.position = (len, current);
        drop(v);
        self.schedule_views();
    }

    /// Asks for a views frame at the next animation frame (one per frame, however many changes).
    fn schedule_views(&self) {
        let mut v = self.0.views.borrow_mut();
        if v.scheduled {
            return;
        }
        let Some(window) = web_sys::window() else {
            return;
        };
        if v.callback.is_none() {
            let me = self.clone();
            v.callback = Some(Closure::new(move || me.views_frame()));
        }
        if let Some(cb) = &v.callback {
            if window
                .request_animation_frame(cb.as_ref().unchecked_ref())
                .is_ok()
            {
                v.scheduled = true;
            }
        }
    }

    /// Builds the views' facts from the session and hands them to the reducer.
    fn views_frame(&self) {
        let real = clock::now_ms();
        let facts = {
            let Ok(s) = self.0.session.try_borrow() else {
                // The session is being changed: the change will ask for a frame again.
                self.0.views.borrow_mut().scheduled = false;
                return;
            };
            let mut v = self.0.views.borrow_mut();
            v.scheduled = false;
            v.time_frame_ms = real;
            while v
                .batch
                .front()
                .is_some_and(|(t, _)| real.saturating_sub(*t) > ANIMATION_WINDOW_MS)
            {
                v.batch.pop_front();
            }
            if v.vm_dirty || v.vm.is_none() {
                v.vm = Some(Rc::new(s.view_model().clone()));
                v.vm_dirty = false;
            }
            let shape = (s.len(), s.current(), v.dropped_later, s.dropped());
            let timeline = match &v.timeline {
                Some((k, t)) if *k == shape => Rc::clone(t),
                _ => {
                    let t = Rc::new(TimelineFacts::of(&s, v.dropped_later));
                    v.timeline = Some((shape, Rc::clone(&t)));
                    t
                }
            };
            v.frame += 1;
            let facts = ViewsFacts {
                frame: v.frame,
                vm: v
                    .vm
                    .clone()
                    .unwrap_or_else(|| Rc::new(super::views::empty_model())),
                now_ms: s.clock().now_ms,
                batch: Rc::new(v.batch.iter().map(|(_, b)| b.clone()).collect()),
                reset: std::mem::take(&mut v.reset),
                busy: v.batch.len() >= super::views::BUSY_EVENTS,
                last: v.last.clone(),
                travelled: v.travelled,
                timeline,
                causes: v.causes.clone(),
                panes: Rc::new(
                    s.panes()
                        .iter()
                        .filter_map(|p| p.client.map(|c| (c, p.name.to_string())))
                        .collect(),
                ),
                profile: s.profile(),
            };
            // Animations still running need a later frame to end them.
            if !v.batch.is_empty() {
                drop(v);
                let me = self.clone();
                Timeout::new(ANIMATION_WINDOW_MS as u32, move || me.schedule_views()).forget();
            }
            facts
        };
        self.dispatch(Action::Views(Rc::new(facts)));
    }

    /// Time passed: the views redraw what depends on it (TTLs, idle times, countdowns) at most
    /// every [`TIME_REDRAW_MS`], and only when something on screen depends on it.
    fn time_passed(&self) {
        let real = clock::now_ms();
        let due = {
            let v = self.0.views.borrow();
            real.saturating_sub(v.time_frame_ms) >= TIME_REDRAW_MS
                && v.vm.as_ref().is_some_and(|vm| depends_on_time(vm))
        };
        if due {
            self.schedule_views();
        }
    }

    // ----- Steps -----

    /// Runs `line` as typed in pane `pane` (made on first use): the echo, the output, a new
    /// connection for panes whose connection closed, the rename a `CLIENT SETNAME` asks for.
    /// `Ok(None)`: nothing ran (an empty line, or the pane waits on a blocked command).
    pub fn submit(&self, pane: &str, line: &str) -> Result<Option<Rc<Output>>, SessionError> {
        let mut items = vec![Item::Typed {
            pane: pane.to_string(),
            line: line.to_string(),
        }];
        let result = {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return Ok(None);
            };
            let blocked = s
                .pane(pane)
                .and_then(|p| p.client)
                .is_some_and(|id| s.engine().is_blocked(id));
            if line.contains(['\n', '\r']) {
                return Err(SessionError::LineBreak);
            }
            let not_reading = s
                .pane(pane)
                .and_then(|p| p.client)
                .is_some_and(|id| !s.engine().is_reading(id));
            if line.trim().is_empty() {
                None
            } else if not_reading {
                items.push(Item::Note {
                    pane: Some(pane.to_string()),
                    text: "This pane does not read its connection; press Read to read it again."
                        .into(),
                });
                None
            } else if blocked {
                // redis-cli reads nothing while a command blocks; the pane says why nothing runs.
                items.push(Item::Note {
                    pane: Some(pane.to_string()),
                    text: "This connection waits for its blocked command; Ctrl+C cancels it (as CLIENT UNBLOCK <id> TIMEOUT does).".into(),
                });
                None
            } else {
                let before = client_name(&s, pane);
                let out = s.run_shared(pane, line)?;
                items.push(Item::Output {
                    out: Rc::clone(&out),
                    command: true,
                });
                // `quit` ends redis-cli, `QUIT` and `CLIENT KILL` close the connection; a pane
                // outlives them, so it starts over on a fresh connection, as a new redis-cli would.
                for gone in &out.disconnected {
                    if let Ok(o) = s.reconnect(gone) {
                        items.push(Item::Output {
                            out: Rc::new(o),
                            command: false,
                        });
                    }
                    items.push(Item::Note {
                        pane: Some(gone.clone()),
                        text: if gone == pane {
                            "The connection was closed; this pane now uses a new one.".into()
                        } else {
                            "The connection was killed (CLIENT KILL); this pane now uses a new one."
                                .into()
                        },
                    });
                }
                // `CLIENT SETNAME` renames the pane (a step of its own, so replays agree);
                // clearing the client's name keeps the pane's.
                let after = client_name(&s, pane);
                if let Some(name) = after.filter(|n| Some(n) != before.as_ref() && n != pane) {
                    match s.rename_pane(pane, &name) {
                        Ok(o) => {
                            items.push(Item::Renamed {
                                from: pane.to_string(),
                                to: name,
                            });
                            items.push(Item::Output {
                                out: Rc::new(o),
                                command: false,
                            });
                        }
                        Err(e) => items.push(Item::Note {
                            pane: Some(pane.to_string()),
                            text: format!("The pane keeps its name: {e}."),
                        }),
                    }
                }
                Some(out)
            }
        };
        self.publish(items, true, false);
        Ok(result)
    }

    /// Ctrl+C: a blocked pane is released (as `CLIENT UNBLOCK <id> TIMEOUT`); otherwise the input empties.
    pub fn interrupt(&self, key: u64, pane: &str) {
        let out = {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return;
            };
            s.unblock(pane).ok()
        };
        match out {
            Some(out) => self.publish(
                vec![Item::Output {
                    out: Rc::new(out),
                    command: false,
                }],
                true,
                false,
            ),
            None => self.dispatch(Action::ClearInput { pane: key }),
        }
    }

    /// The pane stops reading its connection, or reads it again: the frames kept meanwhile
    /// arrive, or, when the server closed the connection (its output buffer passed
    /// `client-output-buffer-limit`), the pane says so and uses a new one, as after QUIT.
    pub fn set_reading(&self, pane: &str, reading: bool) {
        let items = {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return;
            };
            let Ok(out) = s.set_reading(pane, reading) else {
                return;
            };
            let closed = !out.disconnected.is_empty();
            let mut items = vec![Item::Output {
                out: Rc::new(out),
                command: false,
            }];
            if closed {
                if let Ok(o) = s.reconnect(pane) {
                    items.push(Item::Output {
                        out: Rc::new(o),
                        command: false,
                    });
                }
                items.push(Item::Note {
                    pane: Some(pane.to_string()),
                    text: "The server closed this connection: its output buffer passed client-output-buffer-limit. This pane now uses a new one.".into(),
                });
            }
            items
        };
        self.publish(items, true, false);
    }

    /// Runs a step that only writes frames, and shows them.
    fn step(
        &self,
        f: impl FnOnce(&mut Session) -> Result<Output, SessionError>,
    ) -> Result<(), SessionError> {
        let out = {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return Ok(());
            };
            f(&mut s)?
        };
        self.publish(
            vec![Item::Output {
                out: Rc::new(out),
                command: false,
            }],
            true,
            false,
        );
        Ok(())
    }

    /// Adds a pane: `producer` first, then `worker-1`, `worker-2`, ...
    pub fn add_pane(&self) {
        let Some(name) = self.read(|s| {
            if s.pane(DEFAULT_PANE_NAME).is_none() {
                return DEFAULT_PANE_NAME.to_string();
            }
            (1..)
                .map(|n| format!("worker-{n}"))
                .find(|name| s.pane(name).is_none())
                .unwrap_or_default()
        }) else {
            return;
        };
        let _ = self.step(|s| s.add_pane(&name));
    }

    pub fn remove_pane(&self, name: &str) {
        let _ = self.step(|s| s.remove_pane(name));
    }

    /// Renames a pane; a name that is taken or not a pane name is refused, and the pane says so.
    pub fn rename(&self, from: &str, to: &str) {
        let to = to.trim();
        if to.is_empty() || to == from {
            return;
        }
        let result = {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return;
            };
            s.rename_pane(from, to)
        };
        let items = match result {
            Ok(out) => vec![
                Item::Renamed {
                    from: from.to_string(),
                    to: to.to_string(),
                },
                Item::Output {
                    out: Rc::new(out),
                    command: false,
                },
            ],
            Err(SessionError::PaneExists(_)) => vec![Item::Note {
                pane: Some(from.to_string()),
                text: format!("Another pane is already named '{to}'; this one keeps its name."),
            }],
            Err(e) => vec![Item::Note {
                pane: Some(from.to_string()),
                text: format!("{e}; this one keeps its name."),
            }],
        };
        self.publish(items, true, false);
    }

    /// A fresh server of `profile`; the panes stay, each on a new connection, and say so.
    pub fn set_profile(&self, profile: Profile) {
        let out = {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return;
            };
            if s.profile() == profile {
                return;
            }
            match s.switch_profile(profile) {
                Ok(out) => out,
                Err(_) => return,
            }
        };
        let why = format!(
            "Switched to the {} profile: a fresh server with no keys; this pane uses a new connection.",
            profile_label(profile)
        );
        self.publish(
            vec![
                Item::Reset,
                Item::Output {
                    out: Rc::new(out),
                    command: false,
                },
                Item::Note {
                    pane: None,
                    text: why,
                },
            ],
            true,
            false,
        );
    }

    // ----- The clock -----

    /// Real time passed: the session's clock moves (unless paused), and what time did reaches
    /// the panes and the listeners (timeouts, expiries, with or without a frame).
    pub fn tick(&self) {
        let real = clock::now_ms();
        let elapsed = real.saturating_sub(self.0.last_real.replace(real));
        let (out, counting, paused) = {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return;
            };
            let paused = s.clock().paused;
            let out = s.tick(elapsed);
            let engine = s.engine();
            let counting = s.panes().iter().any(|p| {
                p.client
                    .and_then(|id| engine.client_state(id))
                    .is_some_and(|c| c.block_deadline_ms.is_some())
            });
            (out, counting, paused)
        };
        if !paused {
            self.time_passed();
        }
        if !out.is_empty() {
            self.publish(
                vec![Item::Output {
                    out: Rc::new(out),
                    command: false,
                }],
                false,
                false,
            );
        } else if counting {
            // A countdown on screen needs the new time even when nothing happened.
            if let Some(clock) = self.read(clock_facts) {
                self.dispatch(Action::Clock(clock));
            }
        }
    }

    /// The clock jumps forward by `ms` (a step).
    pub fn jump(&self, ms: u64) {
        let _ = self.step(|s| s.jump(ms));
    }

    pub fn set_paused(&self, paused: bool) {
        self.clock_setting(|s| s.set_paused(paused));
    }

    pub fn set_speed(&self, percent: u32) {
        self.clock_setting(|s| s.set_speed(percent));
    }

    fn clock_setting(&self, f: impl FnOnce(&mut Session)) {
        let clock = {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return;
            };
            f(&mut s);
            clock_facts(&s)
        };
        self.0.last_real.set(clock::now_ms());
        self.dispatch(Action::Clock(clock));
        self.schedule_save();
    }

    /// Engine time now.
    pub fn now_ms(&self) -> u64 {
        self.read(|s| s.clock().now_ms).unwrap_or_default()
    }

    // ----- Time travel, scenarios, a new session -----

    /// The state after step `index` (0: the start); listeners first hear `{type: "Reset"}`.
    pub fn seek(&self, index: usize) -> Result<usize, SessionError> {
        let (now, len) = {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return Err(SessionError::NoSuchStep(index));
            };
            s.seek(index)?;
            (s.current(), s.len())
        };
        let text = if now == len {
            format!("Time travel: back at the newest step ({now}).")
        } else {
            format!(
                "Time travel: the state after step {now} of {len}. The clock is paused; a new step drops the later {}.",
                super::app::steps_text(len - now)
            )
        };
        self.publish(
            vec![Item::Reset, Item::Note { pane: None, text }],
            true,
            false,
        );
        Ok(now)
    }

    /// Runs a scenario through the session's scenario runner, showing each step's output in
    /// the panes; returns each command's output, in order.
    pub fn run_script(&self, text: &str) -> Result<Vec<Rc<Output>>, String> {
        let steps =
            transcript::parse(text).map_err(|e| format!("line {}: {}", e.line, e.message))?;
        self.run_steps(&steps)
    }

    /// Replaces the session with an empty one whose clock is paused (a lesson's or a
    /// challenge's start: the scenario's `@profile` and `@clock` then fix the server and the
    /// start, so every reader sees the same ids) and runs `text` in it. A text that does not
    /// parse changes nothing.
    pub fn start_scenario(&self, text: &str) -> Result<Vec<Rc<Output>>, String> {
        let steps =
            transcript::parse(text).map_err(|e| format!("line {}: {}", e.line, e.message))?;
        self.start_steps(&steps)
    }

    /// [`Ctl::start_scenario`] with parsed steps.
    pub fn start_steps(&self, steps: &[transcript::Located]) -> Result<Vec<Rc<Output>>, String> {
        {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return Err("the session is busy".into());
            };
            let profile = s.profile();
            *s = Session::new(page_config(), profile, clock::now_ms());
        }
        self.0.last_real.set(clock::now_ms());
        self.publish(vec![Item::Reset], true, true);
        self.run_steps(steps)
    }

    /// The timeline's position: the current step and how many there are.
    pub fn position(&self) -> (usize, usize) {
        self.read(|s| (s.current(), s.len())).unwrap_or_default()
    }

    /// Runs parsed scenario steps (a lesson's part), showing each step's output in the panes;
    /// returns each command's output, in order.
    pub fn run_steps(&self, steps: &[transcript::Located]) -> Result<Vec<Rc<Output>>, String> {
        let mut seen: Vec<(transcript::Step, Output)> = Vec::new();
        {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return Err("the session is busy".into());
            };
            s.run_steps_observed(steps, &mut |step, out| {
                seen.push((step.clone(), out.clone()))
            });
        }
        let mut items = Vec::new();
        let mut commands = Vec::new();
        for (step, out) in seen {
            let out = Rc::new(out);
            match step {
                transcript::Step::Command { client, line, .. } => {
                    items.push(Item::Typed { pane: client, line });
                    items.push(Item::Output {
                        out: Rc::clone(&out),
                        command: true,
                    });
                    commands.push(out);
                }
                transcript::Step::PaneRename { from, to } => {
                    items.push(Item::Renamed { from, to });
                    items.push(Item::Output {
                        out,
                        command: false,
                    });
                }
                transcript::Step::Profile(_) => {
                    items.push(Item::Reset);
                    items.push(Item::Output {
                        out,
                        command: false,
                    });
                }
                _ => items.push(Item::Output {
                    out,
                    command: false,
                }),
            }
        }
        self.publish(items, true, false);
        Ok(commands)
    }

    /// Discards the session for an empty one (one `producer` pane, the same profile); the panes'
    /// typed histories stay. Listeners first hear `{type: "Reset"}`.
    pub fn new_session(&self) {
        {
            let Ok(mut s) = self.0.session.try_borrow_mut() else {
                return;
            };
            let profile = s.profile();
            *s = fresh_session(profile, clock::now_ms(), &[DEFAULT_PANE_NAME]);
        }
        self.0.last_real.set(clock::now_ms());
        self.publish(
            vec![
                Item::Reset,
                Item::Note {
                    pane: Some(DEFAULT_PANE_NAME.to_string()),
                    text: "A new, empty session.".into(),
                },
            ],
            true,
            true,
        );
    }

    /// Pins a window of a stream's entries for its view (a jump to an ID), or unpins it with
    /// `None`; the next views frame shows it. Not a step: the state does not change.
    pub fn pin_entries(&self, db: usize, key: &[u8], pin: Option<Pin>) {
        let Ok(mut s) = self.0.session.try_borrow_mut() else {
            return;
        };
        s.pin_entries(db, key, pin);
        drop(s);
        self.0.views.borrow_mut().vm_dirty = true;
        self.schedule_views();
    }

    /// Pins a window of a consumer's pending entries for its box (paging through a big PEL),
    /// or unpins it with `None`. Not a step.
    pub fn pin_pel(&self, at: PelKey, pin: Option<Pin>) {
        let Ok(mut s) = self.0.session.try_borrow_mut() else {
            return;
        };
        s.pin_pel(at, pin);
        drop(s);
        self.0.views.borrow_mut().vm_dirty = true;
        self.schedule_views();
    }

    pub fn steps(&self) -> Vec<StepInfo> {
        self.read(Session::steps).unwrap_or_default()
    }

    pub fn export_scenario(&self) -> String {
        self.read(Session::export_scenario).unwrap_or_default()
    }

    /// The first Tab's candidates for `draft` in pane `pane` (commands, keywords, key names).
    pub fn completions(&self, pane: &str, draft: &str, v8: bool) -> Rc<Vec<String>> {
        let found = self.read(|s| {
            let table = hints::help_table(v8);
            let partial = draft.rsplit([' ', '\t']).next().unwrap_or_default();
            let db = s
                .pane(pane)
                .and_then(|p| p.client)
                .and_then(|id| s.engine().client_state(id))
                .map(|c| c.db)
                .unwrap_or(0);
            let keys =
                s.engine()
                    .key_names(db, partial.as_bytes(), s.clock().now_ms, MAX_KEY_CANDIDATES);
            hints::console_completions(draft, table, &keys)
        });
        Rc::new(found.unwrap_or_default())
    }

    // ----- Saving -----

    /// Saves the session within [`SAVE_DELAY_MS`] (one save for a burst of steps).
    fn schedule_save(&self) {
        self.0.dirty.set(true);
        if self.0.save_timer.borrow().is_some() {
            return;
        }
        let me = self.clone();
        let timer = Timeout::new(SAVE_DELAY_MS, move || {
            me.0.save_timer.borrow_mut().take();
            me.save_now();
        });
        *self.0.save_timer.borrow_mut() = Some(timer);
    }

    /// Saves the session now if it changed (also on `pagehide`); what does not fit is
    /// handled by `storage::save_session`'s rule, and the page says so.
    pub fn save_now(&self) {
        if !self.0.dirty.get() {
            return;
        }
        let Some(stored) = self.read(|s| storage::save_session(&self.0.key, s)) else {
            return;
        };
        self.0.dirty.set(false);
        match stored {
            Stored::Whole => {
                if self.0.storage_notice.replace(false) {
                    self.dispatch(Action::Notice(None));
                }
            }
            Stored::Log { bytes } => {
                self.0.storage_notice.set(true);
                self.dispatch(Action::Notice(Some(format!(
                    "This session ({} KB) is too large for the browser's storage: only its command log was saved, and a reload replays it.",
                    bytes / 1024
                ))));
            }
            Stored::PanesOnly { bytes } => {
                self.0.storage_notice.set(true);
                self.dispatch(Action::Notice(Some(format!(
                    "This session ({} KB) is too large for the browser's storage: only the panes and their histories are saved, and a reload starts an empty server. Export it (New session → Download) to keep it.",
                    bytes / 1024
                ))));
            }
        }
    }
}
