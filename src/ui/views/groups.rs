//! The consumer groups of a stream: per group its last-delivered-id, entries-read and lag, and
//! each consumer a box holding its pending entries (id, delivery count, idle time growing with
//! the clock), dead-letter candidates and dangling references marked; deliveries and claims
//! fly into their box (FLIP), acks and dropped references leave ghosts for a moment.

use std::cell::RefCell;
use std::rc::Rc;

use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::super::service::Ctl;
use super::common::{
    caused, count, duration, entry_id, page_from, page_to, pager, text, Cause, Pages,
};
use super::{Facts, ViewAction, ViewsUi};
use crate::engine::{DeliverySource, EventKind, StreamId};
use crate::session::view_model::{ConsumerView, GroupView, PendingView, Pin, ViewModel};
use crate::vec_map::VecMap;

#[derive(Properties, PartialEq)]
pub struct GroupsProps {
    pub facts: Facts,
    pub ui: Rc<ViewsUi>,
    pub db: usize,
    /// The stream's key.
    pub name: AttrValue,
    pub dispatch: Callback<ViewAction>,
    pub ctl: Ctl,
}

/// How a pending entry left its box.
#[derive(Clone, Copy, PartialEq)]
enum Gone {
    Acked,
    /// XACKDEL acknowledged it and deleted its entry.
    AckedDeleted,
    /// DELREF dropped the reference with the entry.
    RefDeleted,
    /// A claim found its entry deleted and dropped the reference.
    Dropped,
    /// Claimed by another consumer (the ghost is where the FLIP starts).
    Claimed,
}

/// A pending entry drawn for a moment after it left (no data-testid: tests see the state).
#[derive(Clone)]
struct Ghost {
    seq: u64,
    group: Vec<u8>,
    /// The box it left; `None` when no window showed whose it was.
    consumer: Option<Vec<u8>>,
    id: StreamId,
    gone: Gone,
    /// The consumer that claimed it (for `Gone::Claimed`).
    to: Option<Vec<u8>>,
    cause: Option<Rc<Cause>>,
}

/// What the view remembers between frames: the model it drew last (to name the consumer an
/// acked entry came from), the ghosts of the batch, and the newest event it has looked at.
#[derive(Default)]
struct Memory {
    prev: Option<Rc<ViewModel>>,
    ghosts: Vec<Ghost>,
    seen_seq: u64,
}

/// Ghosts kept per stream: a fast producer and acker must not fill the page with them.
const MAX_GHOSTS: usize = 24;
/// Pending entries flown into place per frame; the rest just appear.
const MAX_FLIPS: usize = 20;
/// Frames between two FLIPs (see `flip`).
const FLIP_EVERY: u64 = 12;

/// A hover title and handlers for an element a step changed; none for the rest, so that a
/// large PEL does not make callbacks every frame.
type Hover = (
    Option<String>,
    Option<Callback<MouseEvent>>,
    Option<Callback<MouseEvent>>,
);

fn hover(cause: Option<&Rc<Cause>>, dispatch: &Callback<ViewAction>) -> Hover {
    match cause {
        Some(_) => {
            let (title, enter, leave) = caused(cause, dispatch);
            (title, Some(enter), Some(leave))
        }
        None => (None, None, None),
    }
}

/// The consumer whose window in `group` of the previous model showed `id`.
fn owner(
    prev: Option<&Rc<ViewModel>>,
    db: usize,
    key: &[u8],
    group: &[u8],
    id: StreamId,
) -> Option<Vec<u8>> {
    let g = prev?
        .stream(db, key)?
        .groups
        .iter()
        .find(|g| g.name == group)?;
    g.consumers
        .iter()
        .find(|c| c.pel.binary_search_by(|p| p.id.cmp(&id)).is_ok())
        .map(|c| c.name.clone())
}

/// Every group of the stream (`group`, with its `consumer` and `pel-entry` elements).
#[component]
pub fn GroupsView(props: &GroupsProps) -> Html {
    let facts = &props.facts;
    let root = use_node_ref();
    let memory = use_mut_ref(Memory::default);
    let flipped = use_mut_ref(|| (0u64, 0u64));
    {
        let (root, flipped, motion) = (root.clone(), flipped.clone(), props.ui.motion);
        let newest = facts.batch.last().map_or(0, |b| b.event.seq);
        let (reset, frame) = (facts.reset, facts.frame);
        use_effect(move || flip(&root, &flipped, newest, frame, reset, motion));
    }
    let Some(s) = facts.vm.stream(props.db, props.name.as_bytes()) else {
        return html! {};
    };
    if s.groups.is_empty() {
        return html! {};
    }
    let key = s.key.as_slice();
    let mine = |k: &[u8], db: usize| db == props.db && k == key;

    // What moved in this batch: entries that arrived in a box (and from where), ghosts of
    // those that left, and notes about references.
    let mut arrived: VecMap<(&[u8], &[u8], StreamId), (u64, bool)> = VecMap::new();
    let mut claimed_now: VecMap<(&[u8], StreamId), u64> = VecMap::new();
    let mut notes: Vec<(u64, String, Option<Rc<Cause>>)> = Vec::new();
    let mut mem = memory.borrow_mut();
    if facts.reset {
        // A seek replaced the state: nothing that went before animates into it.
        mem.ghosts.clear();
        mem.seen_seq = 0;
    }
    let oldest = facts.batch.first().map_or(u64::MAX, |b| b.event.seq);
    mem.ghosts.retain(|g| g.seq >= oldest);
    let seen = mem.seen_seq;
    let mut fresh: Vec<Ghost> = Vec::new();
    for b in facts.batch.iter() {
        let e = &b.event;
        let new = e.seq > seen;
        let ghost = |group: &[u8], consumer: Option<Vec<u8>>, id: StreamId, gone: Gone| Ghost {
            seq: e.seq,
            group: group.to_vec(),
            consumer,
            id,
            gone,
            to: None,
            cause: b.cause.clone(),
        };
        match &e.kind {
            EventKind::EntriesDelivered { db, key: k, group, consumer, entries, .. } if mine(k, *db) => {
                for d in entries.iter().filter(|d| d.delivery_count > 0) {
                    let from_tape = matches!(d.source, DeliverySource::New);
                    if from_tape || d.source == DeliverySource::ClaimedIdle {
                        arrived.insert((group, consumer, d.id), (e.seq, from_tape));
                    }
                }
            }
            EventKind::EntriesClaimed { db, key: k, group, consumer, claimed, deleted, .. } if mine(k, *db) => {
                for c in claimed {
                    claimed_now.insert((group, c.id), e.seq);
                    if c.from.as_deref() != Some(consumer.as_slice()) {
                        arrived.insert((group, consumer, c.id), (e.seq, false));
                        if new && c.from.is_some() {
                            fresh.push(Ghost {
                                to: Some(consumer.clone()),
                                ..ghost(group, c.from.clone(), c.id, Gone::Claimed)
                            });
                        }
                    }
                }
                if new {
                    for &id in deleted {
                        let o = owner(mem.prev.as_ref(), *db, k, group, id);
                        fresh.push(ghost(group, o, id, Gone::Dropped));
                    }
                }
            }
            EventKind::EntriesAcked { db, key: k, group, ids }
            | EventKind::ReferencesDeleted { db, key: k, group, ids }
                if mine(k, *db) && new =>
            {
                let gone = if matches!(e.kind, EventKind::EntriesAcked { .. }) { Gone::Acked } else { Gone::RefDeleted };
                for &id in ids {
                    let o = owner(mem.prev.as_ref(), *db, k, group, id);
                    fresh.push(ghost(group, o, id, gone));
                }
            }
            EventKind::EntriesAckedAndDeleted { db, key: k, group, acked, .. } if mine(k, *db) && new => {
                for &id in acked {
                    let o = owner(mem.prev.as_ref(), *db, k, group, id);
                    fresh.push(ghost(group, o, id, Gone::AckedDeleted));
                }
            }
            EventKind::ReferencesKept { db, key: k, group, ids } if mine(k, *db) => notes.push((
                e.seq,
                format!(
                    "KEEPREF: {} deleted from the stream, still pending in {}: dangling references until acked or claimed",
                    id_list(ids),
                    text(group)
                ),
                b.cause.clone(),
            )),
            EventKind::EntriesKeptReferenced { db, key: k, ids } if mine(k, *db) => notes.push((
                e.seq,
                format!("ACKED: {} stay on the tape: a group has not read or acknowledged them yet", id_list(ids)),
                b.cause.clone(),
            )),
            _ => {}
        }
    }
    if facts.busy {
        // Too fast to follow one by one: the boxes show the state, without ghosts or flights.
        mem.ghosts.clear();
        arrived.clear();
        claimed_now.clear();
    } else {
        mem.ghosts.extend(fresh);
    }
    let excess = mem.ghosts.len().saturating_sub(MAX_GHOSTS);
    mem.ghosts.drain(..excess);
    mem.seen_seq = mem
        .seen_seq
        .max(facts.batch.last().map_or(0, |b| b.event.seq));
    mem.prev = Some(Rc::clone(&facts.vm));
    let ghosts = mem.ghosts.clone();
    drop(mem);

    let threshold = props.ui.dead_letter_after;
    let now = facts.now_ms;
    let dispatch = &props.dispatch;
    let cause_of = |seq: u64| -> Option<Rc<Cause>> {
        facts
            .batch
            .iter()
            .find(|b| b.event.seq == seq)
            .and_then(|b| b.cause.clone())
    };

    let ghost_html = |g: &Ghost| {
        let (class, label) = match g.gone {
            Gone::Acked => ("acked", "✓ acked"),
            Gone::AckedDeleted => ("acked", "✓ acked, entry deleted"),
            Gone::RefDeleted => ("dropped", "✕ reference deleted (DELREF)"),
            Gone::Dropped => ("dropped", "✕ entry was deleted: claim dropped it"),
            Gone::Claimed => ("moved", "→ claimed"),
        };
        let label = match &g.to {
            Some(to) => format!("→ claimed by {}", text(to)),
            None => label.to_string(),
        };
        let (title, enter, leave) = hover(g.cause.as_ref(), dispatch);
        // The FLIP of a claim starts at this ghost: `flip` looks it up by this key.
        let ghost_key = format!("{}-{}", g.seq, g.id);
        html! {
            <li key={ghost_key.clone()} class={classes!("pel-ghost", class)}
                data-ghost-of={ghost_key} aria-hidden="true"
                {title} onmouseenter={enter} onmouseleave={leave}>
                { entry_id(g.id) }<span class="ghost-label">{ label }</span>
            </li>
        }
    };

    let pel_entry = |group: &GroupView, c: &ConsumerView, cname: &str, p: &PendingView| {
        let dead = p.delivery_count >= threshold;
        let moved = arrived.get(&(group.name.as_slice(), c.name.as_slice(), p.id));
        let claim = claimed_now.get(&(group.name.as_slice(), p.id));
        let seq = moved.map(|m| m.0).or(claim.copied());
        let cause = seq.and_then(cause_of);
        let (title, enter, leave) = hover(cause.as_ref(), dispatch);
        // Older changes still name their command (the title only, no handlers).
        let title = title.or_else(|| facts.cause_for_entry(&s.key, p.id).map(|c| c.title()));
        let idle = now.saturating_sub(p.delivery_time_ms);
        // Pips up to the threshold: filled for each delivery, a plus past it.
        let shown = threshold.min(10);
        let pips: String = (0..shown)
            .map(|i| if i < p.delivery_count { '●' } else { '○' })
            .chain((p.delivery_count > shown).then_some('+'))
            .collect();
        let class = classes!(
            "pel-entry",
            dead.then_some("dead"),
            p.deleted.then_some("dangling"),
            moved.is_some().then_some("arrived"),
            claim.is_some().then_some("claimed"),
            cause.is_some().then_some("changed"),
        );
        html! {
            <li key={p.id.to_string()} {class} data-testid="pel-entry" data-id={p.id.to_string()}
                data-consumer={cname.to_string()} data-deliveries={p.delivery_count.to_string()}
                data-dead-letter={dead.then_some("true")} data-deleted={p.deleted.then_some("true")}
                data-flip={moved.map(|m| m.0.to_string())}
                data-flip-from={moved.map(|m| if m.1 { "tape" } else { "ghost" })}
                {title} onmouseenter={enter} onmouseleave={leave}>
                <span class="pel-id">
                    <span class={classes!("mark", if dead { "mark-danger" } else { "mark-pending" })} aria-hidden="true">
                        { if dead { "⚠" } else { "◷" } }
                    </span>
                    { entry_id(p.id) }
                </span>
                <span class="pel-meta">
                    <span class="pips" aria-hidden="true">{ pips }</span>
                    { format!("{} {}", p.delivery_count, if p.delivery_count == 1 { "delivery" } else { "deliveries" }) }
                </span>
                <span class="pel-meta">{ "idle " }{ duration(idle) }</span>
                if dead { <span class="pel-label dead-label">{ "⚠ dead-letter candidate" }</span> }
                if p.deleted { <span class="pel-label dangling-label">{ "entry deleted, still pending" }</span> }
            </li>
        }
    };

    let consumer_box = |g: &GroupView, c: &ConsumerView| {
        let cname = text(&c.name);
        // A PEL bigger than the head window pages like the tape: a pinned window in its place.
        let shown = c.pinned.as_ref().map_or(&c.pel, |p| &p.entries);
        let big = c.pinned.is_some() || c.pending > c.pel.len() as u64;
        let pager = big.then(|| pel_pager(&props.ctl, props.db, key, g, c));
        let window = match (&c.pinned, shown.first(), shown.last()) {
            (_, None, _) | (_, _, None) => String::new(),
            (None, _, _) => format!("showing the oldest {} of {}", shown.len(), count(c.pending)),
            (Some(_), Some(a), Some(b)) => format!(
                "showing {} from {} to {} of {}",
                shown.len(),
                a.id,
                b.id,
                count(c.pending)
            ),
        };
        let active = c
            .active_time_ms
            .map(|t| format!("active {} ago", duration(now.saturating_sub(t))))
            .unwrap_or_else(|| "never active".into());
        html! {
            <div key={cname.clone()} class="consumer" data-testid="consumer" data-name={cname.clone()}
                 data-pending={c.pending.to_string()}>
                <header class="consumer-head">
                    <span class="consumer-name">{ cname.clone() }</span>
                    <span class="muted">{ "consumer" }</span>
                    <span class="consumer-times">
                        <span class="consumer-pending"><span class="mark mark-pending" aria-hidden="true">{ "◷" }</span>
                            { format!("pending {}", count(c.pending)) }</span>
                        { format!(" · seen {} ago · {active}", duration(now.saturating_sub(c.seen_time_ms))) }
                    </span>
                </header>
                if big {
                    <div class="pel-more" data-testid="pel-window">
                        <span>{ window }</span>
                        { for pager }
                    </div>
                }
                <ul class={classes!("pel", big.then_some("pel-paged"))} tabindex={big.then_some("0")}
                    aria-label={format!("Pending entries of {cname}")}>
                    { for shown.iter().map(|p| pel_entry(g, c, &cname, p)) }
                    { for ghosts.iter().filter(|x| x.group == g.name && x.consumer.as_deref() == Some(c.name.as_slice())).map(&ghost_html) }
                </ul>
                <p class="consumer-caption">{ caption(c, &cname, now, threshold) }</p>
            </div>
        }
    };

    html! {
        <div class="groups" ref={root}>
            { for s.groups.iter().map(|g| {
                let gname = text(&g.name);
                let lost: Vec<&Ghost> = ghosts
                    .iter()
                    .filter(|x| x.group == g.name && !x.consumer.as_ref().is_some_and(|c| g.consumers.iter().any(|k| k.name == *c)))
                    .collect();
                html! {
                    <section key={gname.clone()} class="group" data-testid="group" data-name={gname.clone()} data-last-id={g.last_id.to_string()}
                         data-entries-read={g.entries_read.map(|n| n.to_string()).unwrap_or_default()}
                         data-lag={g.lag.map(|n| n.to_string()).unwrap_or_default()}
                         aria-label={format!("Consumer group {gname}")}>
                        <header class="group-head">
                            <span class="group-name"><span class="mark mark-group" aria-hidden="true">{ "▲" }</span>
                                { "group " }<b>{ gname.clone() }</b></span>
                            <span class="chip" title="The group's cursor: XREADGROUP > delivers entries after it">
                                { "last-delivered-id " }{ entry_id(g.last_id) }</span>
                            <span class="chip">{ "entries-read " }{ opt(g.entries_read) }</span>
                            <span class="chip" title="Entries added after the cursor: not yet delivered to this group">{ "lag " }{ opt(g.lag) }</span>
                            <span class="chip chip-pending"><span class="mark mark-pending" aria-hidden="true">{ "◷" }</span>
                                { format!("pending {}", count(g.pending)) }</span>
                            <span class="chip">{ format!("consumers {}", g.consumers.len()) }</span>
                        </header>
                        if g.consumers.is_empty() {
                            <p class="muted group-empty">{ format!("No consumers yet: XREADGROUP GROUP {gname} <consumer> ... creates one.") }</p>
                        }
                        <div class="consumers">
                            { for g.consumers.iter().map(|c| consumer_box(g, c)) }
                        </div>
                        if !lost.is_empty() {
                            <ul class="pel pel-loose">{ for lost.into_iter().map(&ghost_html) }</ul>
                        }
                    </section>
                }
            }) }
            if !notes.is_empty() {
                <ul class="group-notes">
                    { for notes.into_iter().map(|(seq, note, cause)| {
                        let (title, enter, leave) = hover(cause.as_ref(), dispatch);
                        html! { <li key={seq.to_string()} class="group-note" {title} onmouseenter={enter} onmouseleave={leave}>{ note }</li> }
                    }) }
                </ul>
            }
        </div>
    }
}

/// The pager of a consumer's pending entries: its oldest (the head window), a page before or
/// after the one shown, its newest, or a jump to an ID.
fn pel_pager(ctl: &Ctl, db: usize, key: &[u8], g: &GroupView, c: &ConsumerView) -> Html {
    let at = (db, key.to_vec(), g.name.clone(), c.name.clone());
    let pin = {
        let ctl = ctl.clone();
        Callback::from(move |pin: Option<Pin>| ctl.pin_pel(at.clone(), pin))
    };
    let (first, last) = match &c.pinned {
        Some(p) => (p.entries.first(), p.entries.last()),
        None => (c.pel.first(), c.pel.last()),
    };
    let oldest_id = c.pel.first().map(|p| p.id);
    let at_oldest = c.pinned.is_none() || first.map(|p| p.id) == oldest_id;
    let oldest = c.pinned.is_some().then_some(None);
    let earlier = first
        .filter(|_| !at_oldest)
        .and_then(|p| p.id.prev())
        .map(|end| Some(page_to(end)));
    // A window reaches the newest pending entry when it ends at the end, or stops short of
    // its count going forward (the head window: when it holds them all).
    let at_newest = match &c.pinned {
        None => c.pel.len() as u64 >= c.pending,
        Some(p) if p.back => p.end == StreamId::MAX,
        Some(p) => p.entries.len() < p.count,
    };
    let later = last
        .filter(|_| !at_newest)
        .and_then(|p| p.id.next())
        .map(|start| Some(page_from(start)));
    let newest = (!at_newest).then_some(Some(page_to(StreamId::MAX)));
    pager(
        pin,
        Pages {
            oldest,
            earlier,
            later,
            newest,
        },
        "pel",
        "a pending entry id",
    )
}

/// XINFO's number, or "unknown" where it shows nil.
fn opt(n: Option<i64>) -> Html {
    match n {
        Some(n) => html! { <b>{ n }</b> },
        None => html! { <span class="muted">{ "unknown" }</span> },
    }
}

/// A few ids as text: `1-0, 2-0 and 3 more`.
fn id_list(ids: &[StreamId]) -> String {
    let shown: Vec<String> = ids.iter().take(3).map(|id| id.to_string()).collect();
    match ids.len() {
        n if n > 3 => format!("{} and {} more", shown.join(", "), n - 3),
        _ => shown.join(", "),
    }
}

/// One plain sentence about the consumer's pending entries: what keeps them, and what could
/// take them (an entry idle for `t` can be claimed with a min-idle-time up to `t`).
fn caption(c: &ConsumerView, name: &str, now: u64, threshold: u64) -> String {
    if c.pending == 0 {
        return if c.active_time_ms.is_some() {
            format!("Nothing pending: what {name} was given is acknowledged or claimed by another consumer.")
        } else {
            format!("Nothing delivered yet: XREADGROUP ... {name} ... > gives it new entries.")
        };
    }
    let oldest = c
        .pel
        .iter()
        .map(|p| now.saturating_sub(p.delivery_time_ms))
        .max()
        .unwrap_or(0);
    let dead = c
        .pel
        .iter()
        .filter(|p| p.delivery_count >= threshold)
        .count();
    let dangling = c.pel.iter().filter(|p| p.deleted).count();
    let mut out = format!(
        "{} pending until {name} XACKs; XCLAIM or XAUTOCLAIM with a min-idle-time up to {} can give the oldest to another consumer.",
        count(c.pending),
        duration(oldest)
    );
    if dead > 0 {
        out.push_str(&format!(
            " Delivered {threshold}+ times: {dead}; look at them, XACK them, or claim them for a dead-letter consumer."
        ));
    }
    if dangling > 0 {
        out.push_str(&format!(
            " Entries deleted but still pending: {dangling}; a claim drops such references, XACK clears them."
        ));
    }
    out
}

/// FLIP: each pending entry that arrived in this batch starts where it came from (its
/// stream-entry on the tape, or its ghost in the box it was claimed from) and slides into
/// place. Rects are read once for all, then transforms written, so layout runs once.
///
/// `flipped` holds the newest event seq looked at and the frame of the last FLIP: a steady
/// stream of deliveries (hundreds a second) flips at most every `FLIP_EVERY` frames, and the
/// entries in between just appear, so layout is not forced every frame.
fn flip(
    root: &NodeRef,
    flipped: &Rc<RefCell<(u64, u64)>>,
    newest: u64,
    frame: u64,
    reset: bool,
    motion: bool,
) {
    let mut done = flipped.borrow_mut();
    if reset {
        *done = (0, 0);
    }
    if newest <= done.0 {
        return;
    }
    let last = std::mem::replace(&mut done.0, newest);
    if !motion || (done.1 != 0 && frame.saturating_sub(done.1) < FLIP_EVERY) {
        return;
    }
    let Some(root) = root.cast::<web_sys::Element>() else {
        return;
    };
    let Ok(list) = root.query_selector_all("[data-flip]") else {
        return;
    };
    let view = root.closest("[data-testid=\"view-stream\"]").ok().flatten();
    let mut moves: Vec<(web_sys::Element, f64, f64)> = Vec::new();
    for i in 0..list.length() {
        if moves.len() >= MAX_FLIPS {
            break;
        }
        let Some(el) = list
            .item(i)
            .and_then(|n| n.dyn_into::<web_sys::Element>().ok())
        else {
            continue;
        };
        let seq: u64 = el
            .get_attribute("data-flip")
            .and_then(|s| s.parse().ok())
            .unwrap_or(0);
        if seq <= last {
            continue;
        }
        let id = el.get_attribute("data-id").unwrap_or_default();
        let source = match el.get_attribute("data-flip-from").as_deref() {
            Some("tape") => view.as_ref().and_then(|v| {
                v.query_selector(&format!("[data-testid=\"stream-entry\"][data-id=\"{id}\"]"))
                    .ok()
                    .flatten()
            }),
            _ => root
                .query_selector(&format!("[data-ghost-of=\"{seq}-{id}\"]"))
                .ok()
                .flatten(),
        };
        let Some(source) = source else { continue };
        let (from, to) = (
            source.get_bounding_client_rect(),
            el.get_bounding_client_rect(),
        );
        moves.push((el, from.left() - to.left(), from.top() - to.top()));
    }
    for (el, dx, dy) in &moves {
        let _ = el.set_attribute(
            "style",
            &format!("transform:translate({dx}px,{dy}px);transition:none"),
        );
    }
    if moves.is_empty() {
        return;
    }
    done.1 = frame;
    // One forced layout puts every entry at its start; then the CSS transition runs to none.
    let _ = root.get_bounding_client_rect();
    for (el, _, _) in &moves {
        let _ = el.remove_attribute("style");
    }
}
