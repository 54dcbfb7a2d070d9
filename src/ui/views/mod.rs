//! The views: what the session's view model shows, drawn beside the consoles and animated by
//! the events of the last steps. Views never run commands and never read reply text; they
//! draw [`ViewsFacts`] (a copy of the view model, the clock, the events since the last frame
//! and the timeline), which the service builds at most once per animation frame.
//!
//! - `common`: the shared visual language (entry ids, names, durations, the cause of a change);
//! - `keyspace`: every key with its type, size and TTL;
//! - `pubsub`: publishers, channels, patterns and subscribers, and each message's path;
//! - `stream`: a stream's tape of entries, its nodes and the clients blocked on it;
//! - `groups`: a stream's consumer groups, consumers and pending entries;
//! - `effects`: "what just happened", a sentence per effect of the last step;
//! - `timeline`: the steps, time travel by clicking or with the arrow keys.

mod common;
mod effects;
mod groups;
mod keyspace;
mod pubsub;
mod stream;
mod timeline;

use std::rc::Rc;

use yew::prelude::*;

use crate::engine::{ClientId, Event, EventKind, Profile, StreamId};
use crate::session::view_model::{Subject, ViewModel};
use crate::vec_map::{VecMap, VecSet};

pub use common::Cause;
pub use timeline::{step_text, TimelineFacts, TimelineView};

use super::service::Ctl;
use effects::EffectsView;
pub use keyspace::KeyspaceView;
pub use pubsub::PubSubView;
pub use stream::StreamView;

/// One event of the batch the views animate, with the step that caused it (`None`: time
/// passing, such as a timeout or an expiry).
#[derive(Clone, Debug, PartialEq)]
pub struct Batched {
    pub event: Event,
    pub cause: Option<Rc<Cause>>,
}

/// What the views draw, built by the service at most once per animation frame.
#[derive(Debug)]
pub struct ViewsFacts {
    /// Grows with every frame the service builds (views key their animations on it).
    pub frame: u64,
    pub vm: Rc<ViewModel>,
    /// Engine time now (TTLs, idle times and countdowns are drawn against it).
    pub now_ms: u64,
    /// The events since the last frame, oldest first (empty after a seek: the views redraw
    /// the state they are given without animating towards it).
    pub batch: Rc<Vec<Batched>>,
    /// The state was replaced since the last frame (a seek, a profile switch, a new session).
    pub reset: bool,
    /// Events come faster than a person can follow (the batch holds [`BUSY_EVENTS`] or more):
    /// the views draw the state and hold back the motion of single changes (slide-ins, ghosts).
    pub busy: bool,
    /// The step that caused the last step's effects, for "what just happened".
    pub last: Option<Rc<Cause>>,
    /// The state shown was restored by a seek (time travel) and no step ran since: `last` is the
    /// step it is the state after, whose effects are not shown again.
    pub travelled: bool,
    pub timeline: Rc<TimelineFacts>,
    /// Each client's pane, by client id.
    pub panes: Rc<Vec<(ClientId, String)>>,
    /// The step that last changed each key and entry (since the last reset).
    pub causes: Causes,
    pub profile: Profile,
}

impl ViewsFacts {
    /// The facts of an empty page, before the service's first frame.
    pub fn empty() -> ViewsFacts {
        ViewsFacts {
            frame: 0,
            vm: Rc::new(empty_model()),
            now_ms: 0,
            batch: Rc::default(),
            reset: false,
            busy: false,
            last: None,
            travelled: false,
            timeline: Rc::new(TimelineFacts::default()),
            panes: Rc::default(),
            causes: Causes::default(),
            profile: Profile::default(),
        }
    }

    /// The pane of client `id`, if a pane has it.
    pub fn pane_of(&self, id: ClientId) -> Option<&str> {
        self.panes
            .iter()
            .find(|(c, _)| *c == id)
            .map(|(_, name)| name.as_str())
    }

    /// The step that last changed `key`.
    pub fn cause_for_key(&self, key: &[u8]) -> Option<Rc<Cause>> {
        let causes = self.causes.0.borrow();
        causes.keys.get(&*String::from_utf8_lossy(key)).cloned()
    }

    /// The step that last added, delivered or claimed entry `id` of stream `key`.
    pub fn cause_for_entry(&self, key: &[u8], id: StreamId) -> Option<Rc<Cause>> {
        let causes = self.causes.0.borrow();
        causes
            .entries
            .get(&(String::from_utf8_lossy(key).into_owned(), id))
            .cloned()
    }
}

/// The step that last changed each key and each stream entry, kept by the service from the
/// events. One table shared by the service and every frame's facts (a frame may see causes a
/// step newer than it draws; a title naming the newest command is still right for what it shows).
#[derive(Clone, Debug, Default)]
pub struct Causes(Rc<std::cell::RefCell<CauseTables>>);

#[derive(Debug, Default)]
pub struct CauseTables {
    keys: VecMap<String, Rc<Cause>>,
    entries: std::collections::HashMap<(String, StreamId), Rc<Cause>>,
}

/// How many entries' causes are remembered; past it they are forgotten all at once (a burst of
/// thousands of steps; the newest frames' entries get causes again).
const MAX_ENTRY_CAUSES: usize = 20_000;

impl Causes {
    /// Forgets every cause (a seek, a profile switch, a new session).
    pub fn clear(&self) {
        let mut t = self.0.borrow_mut();
        t.keys.clear();
        t.entries.clear();
    }

    /// Records what `event` changed as caused by `cause`.
    pub fn record(&self, event: &Event, cause: &Rc<Cause>) {
        let mut t = self.0.borrow_mut();
        for key in common::event_keys(event) {
            t.keys.insert(key, Rc::clone(cause));
        }
        let mut entry = |key: &[u8], id: StreamId| {
            t.entries.insert((common::text(key), id), Rc::clone(cause));
        };
        match &event.kind {
            EventKind::StreamEntryAdded { key, id, .. } => entry(key, *id),
            EventKind::EntriesDelivered { key, entries, .. } => {
                for e in entries {
                    entry(key, e.id);
                }
            }
            EventKind::EntriesClaimed { key, claimed, .. } => {
                for e in claimed {
                    entry(key, e.id);
                }
            }
            _ => {}
        }
        if t.entries.len() > MAX_ENTRY_CAUSES {
            t.entries.clear();
        }
    }
}

/// The view model of an empty server.
pub fn empty_model() -> ViewModel {
    let engine = crate::engine::Engine::new(crate::engine::Config::default());
    ViewModel::from_inspect(&engine, 0)
}

/// Events in the batch (the last ~1.6 s) from which the views count as busy: about 75 a
/// second, more than anyone can follow one by one.
pub const BUSY_EVENTS: usize = 120;

/// A shared handle on the facts, equal only to itself, so that views compare by pointer.
#[derive(Clone, Debug)]
pub struct Facts(pub Rc<ViewsFacts>);

impl PartialEq for Facts {
    fn eq(&self, other: &Facts) -> bool {
        Rc::ptr_eq(&self.0, &other.0)
    }
}

impl std::ops::Deref for Facts {
    type Target = ViewsFacts;
    fn deref(&self) -> &ViewsFacts {
        &self.0
    }
}

/// Which view a setting is about.
#[derive(Clone, Debug, PartialEq, Eq, PartialOrd, Ord, Hash)]
pub enum ViewId {
    Keyspace,
    PubSub,
    Stream(usize, String),
}

impl ViewId {
    /// The DOM id of the view's section (for links and `aria-controls`).
    pub fn dom_id(&self) -> String {
        match self {
            ViewId::Keyspace => "view-keyspace".into(),
            ViewId::PubSub => "view-pubsub".into(),
            ViewId::Stream(db, key) => {
                let safe: String = key
                    .chars()
                    .map(|c| if c.is_ascii_alphanumeric() { c } else { '_' })
                    .collect();
                format!("view-stream-{db}-{safe}-{}", key.len())
            }
        }
    }
}

/// The page's own settings of the views (pure state of the reducer).
#[derive(Clone, Debug, PartialEq)]
pub struct ViewsUi {
    /// Streams by how recently a step used them, most recent first.
    pub recent: Vec<ViewId>,
    /// Pinned views stay first, in the order they were pinned.
    pub pinned: Vec<ViewId>,
    pub collapsed: VecSet<ViewId>,
    /// Closed views stay away until a step uses them again or they are opened.
    pub closed: VecSet<ViewId>,
    /// Animations on (the reader's choice; `prefers-reduced-motion` turns them off in CSS).
    pub motion: bool,
    /// Deliveries after which a pending entry is marked as a dead-letter candidate.
    pub dead_letter_after: u64,
    /// The step whose changes the pointer is on: its line in its pane is highlighted.
    pub hover: Option<Rc<Cause>>,
}

impl Default for ViewsUi {
    fn default() -> ViewsUi {
        ViewsUi {
            recent: Vec::new(),
            pinned: Vec::new(),
            collapsed: VecSet::new(),
            closed: VecSet::new(),
            motion: true,
            dead_letter_after: 3,
            hover: None,
        }
    }
}

/// A change to the views' settings.
#[derive(Clone, Debug, PartialEq)]
pub enum ViewAction {
    TogglePin(ViewId),
    ToggleCollapse(ViewId),
    Close(ViewId),
    /// Opens a view (a key clicked) and puts it first among the unpinned.
    Open(ViewId),
    /// A lesson's views: each opens (streams first among the unpinned, in the order given);
    /// the keyspace and Pub/Sub views fold when not among them, so the lesson's own come first.
    Focus(Vec<ViewId>),
    Motion(bool),
    DeadLetterAfter(u64),
    Hover(Option<Rc<Cause>>),
}

impl ViewsUi {
    pub fn apply(&mut self, action: ViewAction) {
        match action {
            ViewAction::TogglePin(id) => {
                if let Some(i) = self.pinned.iter().position(|p| *p == id) {
                    self.pinned.remove(i);
                } else {
                    self.closed.remove(&id);
                    self.pinned.push(id);
                }
            }
            ViewAction::ToggleCollapse(id) => {
                if !self.collapsed.remove(&id) {
                    self.collapsed.insert(id);
                }
            }
            ViewAction::Close(id) => {
                self.pinned.retain(|p| *p != id);
                self.closed.insert(id);
            }
            ViewAction::Open(id) => {
                self.closed.remove(&id);
                self.collapsed.remove(&id);
                self.touch(id);
            }
            ViewAction::Focus(ids) => {
                for fixed in [ViewId::Keyspace, ViewId::PubSub] {
                    if !ids.contains(&fixed) {
                        self.collapsed.insert(fixed);
                    }
                }
                for id in ids.into_iter().rev() {
                    self.closed.remove(&id);
                    self.collapsed.remove(&id);
                    self.touch(id);
                }
            }
            ViewAction::Motion(on) => self.motion = on,
            ViewAction::DeadLetterAfter(n) => self.dead_letter_after = n.clamp(1, 1000),
            ViewAction::Hover(cause) => self.hover = cause,
        }
    }

    /// A step used `id`: it comes first among the unpinned, and opens again if closed.
    fn touch(&mut self, id: ViewId) {
        self.closed.remove(&id);
        self.recent.retain(|r| *r != id);
        self.recent.insert(0, id);
        // Streams that no longer exist are forgotten by `order`; keep the list bounded anyway.
        self.recent.truncate(256);
    }

    /// New facts arrived: the streams the last step named come first.
    pub fn saw(&mut self, facts: &ViewsFacts) {
        let mut named: Vec<ViewId> = Vec::new();
        for effect in facts.vm.effects.iter() {
            for subject in &effect.subjects {
                if let Subject::Key(name) = subject {
                    for (db, key) in facts.vm.streams.keys() {
                        if key.as_slice() == name.as_bytes() {
                            let id = ViewId::Stream(*db, name.clone());
                            if !named.contains(&id) {
                                named.push(id);
                            }
                        }
                    }
                }
            }
        }
        for id in named.into_iter().rev() {
            self.touch(id);
        }
    }

    /// A command was typed with these arguments: a stream named among them comes first.
    pub fn typed(&mut self, vm: &ViewModel, args: &[Vec<u8>]) {
        for (db, key) in vm.streams.keys() {
            if args.iter().any(|a| a == key) {
                self.touch(ViewId::Stream(
                    *db,
                    String::from_utf8_lossy(key).into_owned(),
                ));
            }
        }
    }

    /// The stream views to draw, in order: pinned, then most recently used, then the rest by
    /// key; closed ones left out.
    pub fn order(&self, vm: &ViewModel) -> Vec<ViewId> {
        let exists = |id: &ViewId| match id {
            ViewId::Stream(db, key) => vm.streams.contains_key(&(*db, key.as_bytes().to_vec())),
            _ => false,
        };
        let mut out: Vec<ViewId> = Vec::new();
        for id in self.pinned.iter().chain(self.recent.iter()) {
            if exists(id) && !out.contains(id) && !self.closed.contains(id) {
                out.push(id.clone());
            }
        }
        for (db, key) in vm.streams.keys() {
            let id = ViewId::Stream(*db, String::from_utf8_lossy(key).into_owned());
            if !out.contains(&id) && !self.closed.contains(&id) {
                out.push(id);
            }
        }
        out
    }
}

#[derive(Properties, PartialEq)]
pub struct ViewsProps {
    pub facts: Facts,
    pub ui: Rc<ViewsUi>,
    pub ctl: Ctl,
    pub dispatch: Callback<ViewAction>,
}

/// The views column: the legend, the keyspace, Pub/Sub, one view per stream, and what just
/// happened.
#[component]
pub fn Views(props: &ViewsProps) -> Html {
    let facts = &props.facts;
    let ui = &props.ui;
    let streams = ui.order(&facts.vm);
    let closed: Vec<ViewId> = ui
        .closed
        .iter()
        .filter(|id| match id {
            ViewId::Stream(db, key) => facts
                .vm
                .streams
                .contains_key(&(*db, key.as_bytes().to_vec())),
            _ => true,
        })
        .cloned()
        .collect();
    let class = classes!("views", (!ui.motion).then_some("no-motion"));
    html! {
        <section class={class} aria-label="Views" data-testid="views" data-frame={facts.frame.to_string()}
                 data-profile={facts.profile.name()} data-reset={facts.reset.then_some("true")}>
            <common::Legend />
            if facts.busy {
                <p class="views-busy" data-testid="views-busy">
                    { format!("{} changes in the last moments: the views show the state and hold back the motion of each change.", facts.batch.len()) }
                </p>
            }
            <DeadLetterSetting value={ui.dead_letter_after} dispatch={props.dispatch.clone()} />
            if !ui.closed.contains(&ViewId::Keyspace) {
                <KeyspaceView facts={facts.clone()} ui={Rc::clone(ui)} dispatch={props.dispatch.clone()} />
            }
            if !ui.closed.contains(&ViewId::PubSub) {
                <PubSubView facts={facts.clone()} ui={Rc::clone(ui)} dispatch={props.dispatch.clone()} />
            }
            { for streams.into_iter().map(|id| {
                let ViewId::Stream(db, key) = &id else { return html! {} };
                html! {
                    <StreamView key={id.dom_id()} facts={facts.clone()} ui={Rc::clone(ui)}
                                db={*db} name={AttrValue::from(key.clone())}
                                dispatch={props.dispatch.clone()} ctl={props.ctl.clone()} />
                }
            }) }
            if !closed.is_empty() {
                <div class="views-closed" aria-label="Closed views">
                    <span class="muted">{ "Closed: " }</span>
                    { for closed.into_iter().map(|id| {
                        let label = match &id {
                            ViewId::Keyspace => "Keyspace".to_string(),
                            ViewId::PubSub => "Pub/Sub".to_string(),
                            ViewId::Stream(_, key) => format!("stream {key}"),
                        };
                        let onclick = props.dispatch.reform(move |_: MouseEvent| ViewAction::Open(id.clone()));
                        html! { <button type="button" class="chip-button" {onclick}>{ label }</button> }
                    }) }
                </div>
            }
            <EffectsView facts={facts.clone()} />
        </section>
    }
}

#[derive(Properties, PartialEq)]
struct DeadLetterProps {
    value: u64,
    dispatch: Callback<ViewAction>,
}

/// The delivery count from which a pending entry is marked as a dead-letter candidate.
#[component]
fn DeadLetterSetting(props: &DeadLetterProps) -> Html {
    let onchange = props.dispatch.reform(|e: yew::Event| {
        let n = e
            .target_dyn_into::<web_sys::HtmlInputElement>()
            .and_then(|i| i.value().parse::<u64>().ok())
            .unwrap_or(3);
        ViewAction::DeadLetterAfter(n)
    });
    html! {
        <label class="dead-letter-setting">
            { "Dead-letter candidate after " }
            <input type="number" min="1" max="1000" data-testid="dead-letter-threshold"
                   value={props.value.to_string()} {onchange} />
            { " deliveries" }
        </label>
    }
}
