//! The views' shared visual language: how an entry id, a name and a duration look, the legend,
//! the frame every view sits in (title, pin, collapse, close), and the cause of a change (the
//! command and pane a hover names, whose line in its pane then lights up).

use std::rc::Rc;

use yew::prelude::*;

use super::{ViewAction, ViewId};
use crate::engine::{Event, EventKind, StreamId};
use crate::session::view_model::Pin;

/// The step that made a change: its timeline index, its pane (`None`: a clock jump or another
/// step without one) and its text as the timeline shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Cause {
    pub step: usize,
    pub pane: Option<String>,
    pub line: String,
}

impl Cause {
    /// What a hover over a changed element says.
    pub fn title(&self) -> String {
        match &self.pane {
            Some(pane) => format!("step {}: {pane}> {}", self.step, self.line),
            None => format!("step {}: {}", self.step, self.line),
        }
    }
}

/// Bytes as a view shows them: the text when it is UTF-8, else with `\xNN` escapes.
pub fn text(bytes: &[u8]) -> String {
    match std::str::from_utf8(bytes) {
        Ok(t) => t.to_string(),
        Err(_) => bytes
            .iter()
            .map(|&b| {
                if b.is_ascii_graphic() || b == b' ' {
                    (b as char).to_string()
                } else {
                    format!("\\x{b:02x}")
                }
            })
            .collect(),
    }
}

/// A duration as a person reads it: `850 ms`, `12.4 s`, `3 min 5 s`, `2 h 10 min`.
pub fn duration(ms: u64) -> String {
    if ms < 1_000 {
        format!("{ms} ms")
    } else if ms < 60_000 {
        format!("{:.1} s", ms as f64 / 1000.0)
    } else if ms < 3_600_000 {
        format!("{} min {} s", ms / 60_000, ms % 60_000 / 1000)
    } else {
        format!("{} h {} min", ms / 3_600_000, ms % 3_600_000 / 60_000)
    }
}

/// A stream entry id, the same in every view: the millisecond part muted, the sequence bold.
pub fn entry_id(id: StreamId) -> Html {
    html! {
        <span class="entry-id" title={id.to_string()}>
            <span class="id-ms">{ id.ms }</span><span class="id-seq">{ format!("-{}", id.seq) }</span>
        </span>
    }
}

/// The keys an event is about (its stream or key; both names of a rename).
pub fn event_keys(event: &Event) -> Vec<String> {
    use EventKind::*;
    let one = |k: &[u8]| vec![text(k)];
    match &event.kind {
        KeyWritten { key, .. }
        | KeyDeleted { key, .. }
        | KeyExpired { key, .. }
        | KeyExpiryChanged { key, .. }
        | StreamEntryAdded { key, .. }
        | StreamEntriesRemoved { key, .. }
        | StreamIdSet { key, .. }
        | GroupCreated { key, .. }
        | GroupDestroyed { key, .. }
        | GroupIdSet { key, .. }
        | ConsumerCreated { key, .. }
        | ConsumerDeleted { key, .. }
        | ConsumerSeen { key, .. }
        | EntriesDelivered { key, .. }
        | EntriesAcked { key, .. }
        | EntriesAckedAndDeleted { key, .. }
        | ReferencesDeleted { key, .. }
        | ReferencesKept { key, .. }
        | EntriesKeptReferenced { key, .. }
        | EntriesClaimed { key, .. } => one(key),
        KeyRenamed { from, to, .. } => vec![text(from), text(to)],
        ClientBlocked { keys, .. } => keys.iter().map(|k| text(k)).collect(),
        _ => Vec::new(),
    }
}

/// The legend: each colour with its shape and its meaning, the same in every view.
#[component]
pub fn Legend() -> Html {
    html! {
        <div class="legend" data-testid="legend" aria-label="Legend">
            <span class="legend-title">{ "Legend" }</span>
            <span class="legend-item"><span class="mark mark-message" aria-hidden="true"></span>
                { "Pub/Sub message" }<span class="muted">{ " fire-and-forget" }</span></span>
            <span class="legend-item"><span class="mark mark-entry" aria-hidden="true"></span>
                { "Stream entry" }<span class="muted">{ " durable" }</span></span>
            <span class="legend-item"><span class="mark mark-pending" aria-hidden="true">{ "◷" }</span>
                { "Pending" }<span class="muted">{ " delivered, not acked" }</span></span>
            <span class="legend-item"><span class="mark mark-danger" aria-hidden="true">{ "⚠" }</span>
                { "Lost / dead-letter" }</span>
            <span class="legend-item"><span class="mark mark-tombstone" aria-hidden="true"></span>
                { "Tombstone" }<span class="muted">{ " XDEL" }</span></span>
            <span class="legend-item"><span class="mark mark-group" aria-hidden="true">{ "▲" }</span>
                { "Group cursor" }</span>
            <span class="legend-item"><span class="mark mark-blocked" aria-hidden="true">{ "◔" }</span>
                { "Blocked client" }<span class="muted">{ " time left" }</span></span>
        </div>
    }
}

#[derive(Properties, PartialEq)]
pub struct FrameProps {
    pub id: ViewId,
    /// `view-stream`, `view-pubsub`, `view-keyspace`.
    pub testid: AttrValue,
    /// Extra attributes' values: `data-key` of a stream view.
    #[prop_or_default]
    pub data_key: Option<AttrValue>,
    /// The heading: a kind badge and a name.
    pub title: Html,
    /// One line under the heading, facts in chips.
    #[prop_or_default]
    pub summary: Html,
    pub pinned: bool,
    pub collapsed: bool,
    pub dispatch: Callback<ViewAction>,
    #[prop_or_default]
    pub children: Html,
}

/// The frame of a view: a heading with pin, collapse and close, then its body unless collapsed.
#[component]
pub fn ViewFrame(props: &FrameProps) -> Html {
    let button = |label: &'static str, aria: String, pressed: Option<bool>, action: ViewAction| {
        let onclick = props.dispatch.reform(move |_: MouseEvent| action.clone());
        html! {
            <button type="button" class="view-button" aria-label={aria} title={label}
                    aria-pressed={pressed.map(|p| p.to_string())} {onclick}>{ label }</button>
        }
    };
    let name = props.id.dom_id();
    let body_id = format!("{name}-body");
    html! {
        <section class={classes!("view", props.collapsed.then_some("collapsed"))} id={name.clone()}
                 data-testid={props.testid.clone()} data-key={props.data_key.clone()}
                 aria-labelledby={format!("{name}-title")}>
            <header class="view-head">
                <h2 class="view-title" id={format!("{name}-title")}>{ props.title.clone() }</h2>
                <div class="view-summary">{ props.summary.clone() }</div>
                <div class="view-buttons">
                    { button(if props.pinned { "Unpin" } else { "Pin" }, "Keep this view first".into(),
                             Some(props.pinned), ViewAction::TogglePin(props.id.clone())) }
                    { button(if props.collapsed { "Expand" } else { "Collapse" }, "Show or hide this view's body".into(),
                             None, ViewAction::ToggleCollapse(props.id.clone())) }
                    { button("✕", "Close this view".into(), None, ViewAction::Close(props.id.clone())) }
                </div>
            </header>
            if !props.collapsed {
                <div class="view-body" id={body_id}>{ props.children.clone() }</div>
            }
        </section>
    }
}

/// Attributes for an element a step changed: its hover title names the step, and pointing at
/// it lights the step's line in its pane.
pub fn caused(
    cause: Option<&Rc<Cause>>,
    dispatch: &Callback<ViewAction>,
) -> (Option<String>, Callback<MouseEvent>, Callback<MouseEvent>) {
    let title = cause.map(|c| c.title());
    let enter = {
        let cause = cause.cloned();
        dispatch.reform(move |_: MouseEvent| ViewAction::Hover(cause.clone()))
    };
    let leave = dispatch.reform(|_: MouseEvent| ViewAction::Hover(None));
    (title, enter, leave)
}

/// `1000000` as `1,000,000`.
pub fn count(n: u64) -> String {
    let digits = n.to_string();
    let mut out = String::with_capacity(digits.len() + digits.len() / 3);
    for (i, c) in digits.chars().enumerate() {
        if i > 0 && (digits.len() - i) % 3 == 0 {
            out.push(',');
        }
        out.push(c);
    }
    out
}

/// How many items a pinned window holds (a page of a big stream or PEL).
pub const PAGE: usize = 64;

/// The window of [`PAGE`] items from `start` on (a jump, Later, Oldest).
pub fn page_from(start: StreamId) -> Pin {
    Pin {
        start,
        end: StreamId::MAX,
        count: PAGE,
        back: false,
    }
}

/// The window of [`PAGE`] items up to `end` (Earlier, Newest).
pub fn page_to(end: StreamId) -> Pin {
    Pin {
        start: StreamId::MIN,
        end,
        count: PAGE,
        back: true,
    }
}

/// An ID typed in a jump box: `ms-seq` or `ms`.
pub fn parse_id(s: &str) -> Option<StreamId> {
    let s = s.trim();
    let (ms, seq) = s.split_once('-').unwrap_or((s, "0"));
    Some(StreamId::new(ms.parse().ok()?, seq.parse().ok()?))
}

/// What a pager can do: each button is shown when it has somewhere to go (what it pins;
/// `None` unpins, back to the view's own window).
pub struct Pages {
    pub oldest: Option<Option<Pin>>,
    pub earlier: Option<Option<Pin>>,
    pub later: Option<Option<Pin>>,
    pub newest: Option<Option<Pin>>,
}

/// Paging through a window too big to draw: Oldest, Earlier, Later, Newest and a jump to an ID,
/// the same for the stream's tape and a consumer's pending entries. `testid` prefixes the
/// `data-testid`s (`stream` gives `stream-jump`, `stream-later`...); `what` names what the jump
/// box takes. The box takes only IDs (`ms` or `ms-seq`): the browser refuses anything else
/// with the title's hint, before any code runs.
pub fn pager(pin: Callback<Option<Pin>>, pages: Pages, testid: &str, what: &str) -> Html {
    let input = NodeRef::default();
    let onsubmit = {
        let (input, pin) = (input.clone(), pin.clone());
        Callback::from(move |e: SubmitEvent| {
            e.prevent_default();
            let value = input
                .cast::<web_sys::HtmlInputElement>()
                .map(|i| i.value())
                .unwrap_or_default();
            if let Some(start) = parse_id(&value) {
                pin.emit(Some(page_from(start)));
            }
        })
    };
    let button = |to: Option<Option<Pin>>, name: &str, label: &str, title: &str| {
        to.map(|to| {
            let pin = pin.clone();
            html! {
                <button type="button" class="view-button" title={title.to_string()}
                        onclick={Callback::from(move |_: MouseEvent| pin.emit(to))}
                        data-testid={format!("{testid}-{name}")}>{ label.to_string() }</button>
            }
        })
    };
    html! {
        <form class="pager" {onsubmit}>
            <input ref={input} type="text" inputmode="numeric" placeholder="jump to id" required=true
                   pattern="[0-9]{1,20}(-[0-9]{1,20})?" title="an id: ms or ms-seq, such as 1700000000000-0"
                   aria-label={format!("Jump to {what}")} data-testid={format!("{testid}-jump")} />
            <button type="submit" class="view-button">{ "Jump" }</button>
            { button(pages.oldest, "oldest", "⇤ Oldest", "The oldest ones") }
            { button(pages.earlier, "earlier", "◀ Earlier", "The ones before these") }
            { button(pages.later, "later", "Later ▶", "The ones after these") }
            { button(pages.newest, "newest", "Newest ⇥", "The newest ones") }
        </form>
    }
}
