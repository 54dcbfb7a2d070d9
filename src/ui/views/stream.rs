//! The stream view: a stream's tape of entries (newest at the right) with its tombstones, its
//! internal nodes on demand, the group cursors, the trimmed head falling off, the clients
//! blocked at the tail, a jump to an ID, and below it the consumer groups (`groups`).

use std::rc::Rc;

use yew::prelude::*;

use super::super::service::Ctl;
use super::common::{
    caused, count, duration, entry_id, page_from, page_to, pager, text, Cause, Pages, ViewFrame,
};
use super::groups::GroupsView;
use super::{Facts, ViewAction, ViewId, ViewsUi};
use crate::engine::{ClientId, EventKind, StreamId, TrimReason, UnblockReason};
use crate::session::view_model::{EntryView, GroupView, NodeView, Pin, StreamView as Stream};

/// How many removed entries one trim draws falling off (the rest are counted).
const GHOSTS: usize = 6;
/// How many field/value pairs a card shows.
const FIELDS: usize = 3;

#[derive(Properties, PartialEq)]
pub struct StreamProps {
    pub facts: Facts,
    pub ui: Rc<ViewsUi>,
    pub db: usize,
    pub name: AttrValue,
    pub dispatch: Callback<ViewAction>,
    pub ctl: Ctl,
}

/// `n thing` or `n things`.
fn plural(n: u64, one: &str, many: &str) -> String {
    format!("{} {}", count(n), if n == 1 { one } else { many })
}

/// What the batch's events did to this stream, for the animations.
#[derive(Default)]
struct Motion<'a> {
    /// Entries XADD added, with the step that added them.
    added: Vec<(StreamId, Option<Rc<Cause>>)>,
    /// Removals (their IDs, in ID order, borrowed: a trim of a million entries is not copied):
    /// (seq, ids, what removed them, the step). Redis flags entries inside a node it keeps, so
    /// some become tombstones; the rest leave the tape.
    gone: Vec<(u64, &'a [StreamId], &'static str, Option<Rc<Cause>>)>,
    /// Clients an entry of this stream served: (seq, client, the entry).
    served: Vec<(u64, ClientId, StreamId)>,
}

impl Motion<'_> {
    fn of<'a>(facts: &'a Facts, db: usize, key: &[u8]) -> Motion<'a> {
        let mut m = Motion::default();
        // The entry the last XADD (of any stream) added: a client served right after it was
        // woken by it.
        let mut last_added: Option<(bool, StreamId)> = None;
        for b in facts.batch.iter() {
            let here = |d: &usize, k: &Vec<u8>| *d == db && k.as_slice() == key;
            match &b.event.kind {
                EventKind::StreamEntryAdded {
                    db: d, key: k, id, ..
                } => {
                    last_added = Some((here(d, k), *id));
                    if here(d, k) {
                        m.added.push((*id, b.cause.clone()));
                    }
                }
                EventKind::StreamEntriesRemoved {
                    db: d,
                    key: k,
                    ids,
                    reason,
                    ..
                } if here(d, k) => {
                    let what = match reason {
                        TrimReason::MaxLen { .. } => "trimmed (MAXLEN)",
                        TrimReason::MinId { .. } => "trimmed (MINID)",
                        _ => "deleted",
                    };
                    m.gone.push((b.event.seq, ids, what, b.cause.clone()));
                }
                EventKind::ClientUnblocked {
                    client_id,
                    reason: UnblockReason::Served,
                } => {
                    if let Some((true, id)) = last_added {
                        m.served.push((b.event.seq, *client_id, id));
                    }
                }
                _ => {}
            }
        }
        m
    }
}

/// The step that added or removed `id` now, if the batch has it.
fn find(list: &[(StreamId, Option<Rc<Cause>>)], id: StreamId) -> Option<&Option<Rc<Cause>>> {
    list.iter().find(|(x, _)| *x == id).map(|(_, c)| c)
}

/// Why the last trim of this stream left what it left (`~` removes whole nodes only): `ids`
/// entries and `nodes` whole nodes went.
fn trim_note(s: &Stream, ids: u64, reason: TrimReason, nodes: u64) -> Option<String> {
    let (word, threshold, approx, kept) = match reason {
        TrimReason::MaxLen {
            threshold, approx, ..
        } => {
            let past = plural(s.length.saturating_sub(threshold), "entry", "entries");
            let why = format!("past the limit, as removing it would leave fewer than {threshold}");
            (
                "MAXLEN",
                threshold.to_string(),
                approx,
                format!("{past} {why}"),
            )
        }
        TrimReason::MinId {
            threshold, approx, ..
        } => {
            // How many older entries stay is known when the window holds the whole stream.
            let older = s.entries.iter().filter(|e| e.id < threshold).count() as u64;
            let n = if s.entries.len() as u64 == s.length {
                plural(older, "entry", "entries")
            } else {
                "entries".into()
            };
            (
                "MINID",
                threshold.to_string(),
                approx,
                format!("{n} older than {threshold}, as it also holds newer ones"),
            )
        }
        _ => return None,
    };
    let n = plural(ids, "entry", "entries");
    if !approx {
        return Some(format!("{word} {threshold}: {n} fell off the head."));
    }
    // The head node is known when the node window reaches the head.
    let head = match s.nodes.first() {
        Some(f) if s.nodes.len() as u64 == s.node_count => format!("node {}", f.first_id),
        _ => "the first node".into(),
    };
    let went = plural(nodes, "whole node", "whole nodes");
    Some(format!("{word} ~ {threshold}: ~ removes whole nodes only; {went} went with {n}; {head} keeps {kept}."))
}

/// The view's own state: nodes shown or not, the jump box's complaint, and when each waiting
/// client began to wait (for its ring): (client, deadline, start).
#[derive(Default)]
struct Local {
    show_nodes: bool,
    waits: Vec<(ClientId, Option<u64>, u64)>,
    /// The stream's last trim, until a later step changes the stream or the state is replaced:
    /// (seq, step, entries removed, reason, whole nodes removed).
    trim: Option<(u64, Option<usize>, u64, TrimReason, u64)>,
}

impl Local {
    /// Follows the batch: a MAXLEN/MINID trim of the stream is kept; a later step's change to
    /// it (an XADD, an XDEL) ends it.
    fn follow_trims(&mut self, facts: &Facts, db: usize, key: &[u8]) {
        if facts.reset {
            self.trim = None;
        }
        for b in facts.batch.iter() {
            let (seq, step) = (b.event.seq, b.cause.as_ref().map(|c| c.step));
            let later = self.trim.is_none_or(|t| seq > t.0);
            match &b.event.kind {
                EventKind::StreamEntriesRemoved {
                    db: d,
                    key: k,
                    ids,
                    reason,
                    nodes_removed,
                } if *d == db && k.as_slice() == key && later => {
                    self.trim =
                        matches!(reason, TrimReason::MaxLen { .. } | TrimReason::MinId { .. })
                            .then_some((seq, step, ids.len() as u64, *reason, *nodes_removed))
                            .or(self.trim.filter(|t| t.1 == step));
                }
                EventKind::StreamEntryAdded { db: d, key: k, .. }
                | EventKind::KeyDeleted { db: d, key: k, .. }
                    if *d == db
                        && k.as_slice() == key
                        && later
                        && self.trim.is_some_and(|t| t.1 != step) =>
                {
                    self.trim = None;
                }
                _ => {}
            }
        }
    }
}

/// One slot of the tape: a live entry or a tombstone.
enum Slot<'a> {
    Entry(&'a EntryView),
    Tomb(StreamId),
}

impl Slot<'_> {
    fn id(&self) -> StreamId {
        match self {
            Slot::Entry(e) => e.id,
            Slot::Tomb(id) => *id,
        }
    }
}

/// A stream entry's card: its ID and first fields.
fn card(
    e: &EntryView,
    class: Classes,
    title: Option<String>,
    under: Html,
    hover: Option<(Callback<MouseEvent>, Callback<MouseEvent>)>,
) -> Html {
    html! {
        <Card key={e.id.to_string()} entry={e.clone()} {class} {title} {under} {hover} />
    }
}

#[derive(Properties, PartialEq)]
struct CardProps {
    entry: EntryView,
    class: Classes,
    title: Option<String>,
    under: Html,
    hover: Option<(Callback<MouseEvent>, Callback<MouseEvent>)>,
}

/// One entry card (`stream-entry`): a component, so that a card whose entry, marks and rows
/// did not change is not drawn again when the tape is (every frame under load).
#[component]
fn Card(props: &CardProps) -> Html {
    let e = &props.entry;
    let (enter, leave) = props.hover.clone().unzip();
    let more = e.fields.len() / 2;
    html! {
        <li class={classes!("card", "stream-entry", props.class.clone())} data-testid="stream-entry"
            data-id={e.id.to_string()} title={props.title.clone()} onmouseenter={enter} onmouseleave={leave}>
            { entry_id(e.id) }
            <span class="fields">
                { for e.fields.chunks(2).take(FIELDS).map(|fv| html! {
                    <span class="field"><span class="fname">{ text(&fv[0]) }</span>{ " " }
                        <span class="fvalue">{ fv.get(1).map(|v| text(v)).unwrap_or_default() }</span></span>
                }) }
                if more > FIELDS { <span class="muted">{ format!("+{} more", more - FIELDS) }</span> }
            </span>
            { props.under.clone() }
        </li>
    }
}

/// A group's cursor (`group-cursor`, `data-group`): a ▲ and the group's name, or where it is.
fn cursor(name: &str, label: String) -> Html {
    html! {
        <span class="g-row cursor" data-testid="group-cursor" data-group={name.to_string()}>
            <span class="mark mark-group" aria-hidden="true">{ "▲" }</span>{ label }</span>
    }
}

/// What sits under a slot, one row per group: its cursor (▲), or the lag bar over entries it
/// has not delivered yet (labelled on the first of them).
fn under(groups: &[(String, &GroupView, Option<usize>)], i: usize) -> Html {
    if groups.is_empty() {
        return html! {};
    }
    html! {
        <span class="under">
            { for groups.iter().map(|(name, g, at)| {
                if *at == Some(i) {
                    return cursor(name, name.clone());
                }
                let label = (at.map_or(i == 0, |a| i == a + 1)).then(|| match g.lag {
                    Some(n) => format!("lag {n}"),
                    None => "lag ?".into(),
                });
                html! { <span class={classes!("g-row", at.is_none_or(|a| i > a).then_some("lag"))}>{ label }</span> }
            }) }
        </span>
    }
}

/// One stream (`view-stream`, `data-key`): `stream-entry`, `stream-tombstone`, `stream-node`,
/// `blocked-client`, then `group` with its `consumer` and `pel-entry` elements.
#[component]
pub fn StreamView(props: &StreamProps) -> Html {
    let local = use_mut_ref(Local::default);
    let redraw = use_force_update();
    let (show_nodes, trim) = {
        let mut l = local.borrow_mut();
        l.follow_trims(&props.facts, props.db, props.name.as_bytes());
        (l.show_nodes, l.trim)
    };
    let scroll_ref = use_node_ref();
    // When each waiting client began to wait, for its ring: (deadline, start).
    let facts = &props.facts;
    let stream = facts.vm.stream(props.db, props.name.as_bytes());
    // A jump scrolls the tape to its far left, where the pinned window is (the tape's scroll
    // box runs right to left, so 0 is the newest end).
    let pinned_first = stream
        .and_then(|s| s.pinned.as_ref())
        .and_then(|p| p.entries.first())
        .map(|e| e.id);
    {
        let scroll_ref = scroll_ref.clone();
        use_effect_with(pinned_first, move |first| {
            if let Some(el) = scroll_ref.cast::<web_sys::Element>() {
                el.set_scroll_left(if first.is_some() {
                    -el.scroll_width()
                } else {
                    0
                });
            }
        });
    }
    let Some(s) = stream else {
        return html! {};
    };
    let id = ViewId::Stream(props.db, props.name.to_string());
    let cause = facts.cause_for_key(&s.key);
    let (title, enter, leave) = caused(cause.as_ref(), &props.dispatch);
    let mut motion = Motion::of(facts, props.db, &s.key);
    if facts.busy {
        // Too fast to follow one by one: the tape shows the state, without slide-ins or ghosts.
        motion.added.clear();
        motion.gone.clear();
    }

    // ----- The tail window, its tombstones and nodes -----
    let lo = s.entries.first().map(|e| e.id);
    let whole = s.entries.len() as u64 == s.length;
    let shown = |id: StreamId| whole || lo.is_some_and(|lo| id > lo);
    // Both lists are in ID order: merge them (no sort).
    let mut tombs = s
        .nodes
        .iter()
        .flat_map(|n| n.deleted_ids.iter().copied())
        .filter(|id| shown(*id))
        .peekable();
    let mut slots: Vec<Slot> = Vec::with_capacity(s.entries.len());
    for e in &s.entries {
        while let Some(t) = tombs.next_if(|t| *t < e.id) {
            slots.push(Slot::Tomb(t));
        }
        slots.push(Slot::Entry(e));
    }
    slots.extend(tombs.map(Slot::Tomb));
    let nodes: Vec<&NodeView> = s
        .nodes
        .iter()
        .filter(|n| whole || lo.is_none_or(|lo| n.last_id >= lo))
        .collect();
    let groups: Vec<(String, &GroupView, Option<usize>)> = s
        .groups
        .iter()
        .map(|g| {
            let at = slots
                .partition_point(|x| x.id() <= g.last_id)
                .checked_sub(1);
            (text(&g.name), g, at)
        })
        .collect();
    let slot_html = |i: usize, slot: &Slot| match slot {
        Slot::Entry(e) => {
            let arrived = find(&motion.added, e.id);
            let hover = arrived
                .and_then(|c| c.as_ref())
                .map(|c| caused(Some(c), &props.dispatch));
            let undelivered = groups.iter().any(|(_, _, at)| at.is_none_or(|a| i > a));
            card(
                e,
                classes!(
                    arrived.is_some().then_some("arrived"),
                    undelivered.then_some("undelivered")
                ),
                hover
                    .as_ref()
                    .and_then(|h| h.0.clone())
                    .or_else(|| facts.cause_for_entry(&s.key, e.id).map(|c| c.title())),
                under(&groups, i),
                hover.map(|h| (h.1, h.2)),
            )
        }
        Slot::Tomb(id) => {
            let fresh = motion
                .gone
                .iter()
                .find(|g| g.1.binary_search(id).is_ok() || g.1.len() < 64 && g.1.contains(id))
                .map(|g| &g.3);
            let t = fresh.and_then(|c| c.as_ref()).map(|c| c.title());
            html! {
                <li key={format!("t{id}")} class={classes!("card", "tombstone", fresh.is_some().then_some("fresh"))}
                    data-testid="stream-tombstone" data-id={id.to_string()} title={t}>
                    { entry_id(*id) }
                    <span class="tomb-note">{ "deleted: its slot stays in the node until the node goes" }</span>
                    { under(&groups, i) }
                </li>
            }
        }
    };
    // Slots grouped by the node that holds them (the last node keyed at or before them).
    let mut by_node: Vec<(Option<&NodeView>, Vec<Html>)> = Vec::new();
    for (i, slot) in slots.iter().enumerate() {
        let n = nodes
            .partition_point(|n| n.first_id <= slot.id())
            .checked_sub(1)
            .map(|k| nodes[k]);
        match by_node.last_mut() {
            Some((last, items)) if last.map(|l| l.first_id) == n.map(|n| n.first_id) => {
                items.push(slot_html(i, slot))
            }
            _ => by_node.push((n, vec![slot_html(i, slot)])),
        }
    }
    // Nodes whose slots are all outside the window still have a frame when they are newer.
    let node_html = |n: Option<&NodeView>, items: Vec<Html>| match n {
        Some(n) => html! {
            <li key={format!("n{}", n.first_id)} class="node" data-testid="stream-node"
                data-first-id={n.first_id.to_string()} data-last-id={n.last_id.to_string()}
                data-live={n.live.to_string()} data-deleted={n.deleted.to_string()}>
                <span class="node-label">{ format!("node {}..{} · {} live", n.first_id, n.last_id, n.live) }
                    if n.deleted > 0 { { format!(" + {} deleted", n.deleted) } }</span>
                <ol class="node-slots">{ for items }</ol>
            </li>
        },
        None => {
            html! { <li key="n-none" class="node node-none"><ol class="node-slots">{ for items }</ol></li> }
        }
    };

    // ----- The head: what is outside the window, cursors before it, entries falling off -----
    let older = s.length.saturating_sub(s.entries.len() as u64);
    let before: Vec<Html> = groups
        .iter()
        .filter(|(_, _, at)| at.is_none())
        .map(|(name, g, _)| {
            cursor(
                name,
                format!(
                    "{name} at {} ({})",
                    g.last_id,
                    if whole {
                        "before every entry"
                    } else {
                        "before the window"
                    }
                ),
            )
        })
        .collect();
    // The newest few removed entries that left no tombstone (trim tombstones sit in the head
    // node) fall off; the rest are counted.
    let head_tombs = s.nodes.first().map_or(&[][..], |n| &n.deleted_ids[..]);
    let ghosts = motion.gone.iter().map(|(seq, ids, what, _)| {
        let mut fall: Vec<StreamId> = ids.iter().rev().filter(|id| !head_tombs.contains(id)).take(GHOSTS).copied().collect();
        if fall.is_empty() {
            return html! {};
        }
        fall.reverse();
        let skip = ids.len() - fall.len();
        html! {
            <li key={format!("g{seq}")} class="ghosts" aria-hidden="true">
                if skip > 0 { <span class="ghost-more">{ format!("+{} {what}", count(skip as u64)) }</span> }
                { for fall.iter().map(|id| html! {
                    <span class="card ghost">{ entry_id(*id) }<span class="tomb-note">{ *what }</span></span>
                }) }
            </li>
        }
    });

    // ----- The tail: clients waiting, and those an entry just served -----
    let now = facts.now_ms;
    let waiting: Vec<_> = facts
        .vm
        .blocked_clients()
        .filter_map(|c| c.block.as_ref().map(|b| (c.id, b)))
        .filter(|(_, b)| b.db == props.db && b.keys.iter().any(|k| *k == s.key))
        .collect();
    {
        let w = &mut local.borrow_mut().waits;
        w.retain(|(c, d, _)| waiting.iter().any(|(id, b)| id == c && b.deadline_ms == *d));
        for (c, b) in &waiting {
            let start = facts
                .batch
                .iter()
                .rev()
                .find(|x| matches!(x.event.kind, EventKind::ClientBlocked { client_id, .. } if client_id == *c))
                .map_or(now, |x| x.event.time_ms);
            if !w.iter().any(|(id, ..)| id == c) {
                w.push((*c, b.deadline_ms, start));
            }
        }
    }
    let pane = |c: ClientId| {
        facts
            .pane_of(c)
            .map(str::to_string)
            .unwrap_or_else(|| format!("client {c}"))
    };
    let waiters = waiting.iter().map(|(c, b)| {
        let name = pane(*c);
        let start = local.borrow().waits.iter().find(|(id, ..)| id == c).map_or(now, |w| w.2);
        let (ring, left) = match b.deadline_ms {
            Some(d) => {
                let left = d.saturating_sub(now);
                let total = d.saturating_sub(start).max(1);
                let pct = (left as f64 / total as f64 * 100.0).clamp(0.0, 100.0);
                (html! {
                    <svg class="ring" viewBox="0 0 36 36" aria-hidden="true">
                        <circle class="ring-track" cx="18" cy="18" r="15.9" />
                        <circle class="ring-left" cx="18" cy="18" r="15.9" pathLength="100"
                                stroke-dasharray={format!("{pct:.1} 100")} />
                    </svg>
                }, format!("{} left", duration(left)))
            }
            None => (html! { <span class="ring-forever" aria-hidden="true">{ "∞" }</span> }, "waits forever".into()),
        };
        html! {
            <li key={format!("w{c}")} class="waiter" data-testid="blocked-client" data-client={name.clone()}
                data-deadline-ms={b.deadline_ms.map(|d| d.to_string())}
                title={format!("{name}: {} waits for a new entry", b.command.to_ascii_uppercase())}>
                { ring }
                <span class="waiter-name">{ name }</span>
                <span class="muted">{ format!("{} · {left}", b.command.to_ascii_uppercase()) }</span>
            </li>
        }
    });
    let served = motion.served.iter().map(|(seq, c, id)| {
        html! {
            <li key={format!("s{seq}")} class="waiter served" aria-hidden="true">
                <span class="served-line"></span>
                <span class="waiter-name">{ pane(*c) }</span>
                <span class="muted">{ "served by " }{ entry_id(*id) }</span>
            </li>
        }
    });

    // ----- The pinned window (a jump) -----
    let pinned = s.pinned.as_ref().map(|p| {
        let cards: Vec<Html> = p
            .entries
            .iter()
            .filter(|e| lo.is_none_or(|lo| e.id < lo))
            .map(|e| card(e, classes!(), None, html! {}, None))
            .collect();
        let n = cards.len();
        html! {
            <li key="pinned" class="pinned-window">
                // The first entry shown, not the window's bound: a page before another starts
                // wherever its entries do.
                <span class="node-label">{ format!("from {} · {}", p.entries.first().map_or(p.start, |e| e.id), plural(n as u64, "entry", "entries")) }</span>
                <ol class="node-slots">{ for cards }</ol>
            </li>
        }
    });

    // Paging through a stream too big for the tail window: its oldest entries, a window at a
    // time before or after the pinned one, or back to the tail.
    let pin = {
        let (ctl, db, key) = (props.ctl.clone(), props.db, s.key.clone());
        Callback::from(move |pin: Option<Pin>| ctl.pin_entries(db, &key, pin))
    };
    let shown = s.pinned.as_ref().map(|p| {
        (
            p.entries.first().map(|e| e.id),
            p.entries.last().map(|e| e.id),
        )
    });
    let at_first = shown.is_some_and(|(first, _)| first.is_some() && first == s.first_id);
    let oldest = (!whole && !at_first).then_some(Some(page_from(StreamId::MIN)));
    let earlier = shown
        .and_then(|(first, _)| first)
        .filter(|_| !at_first)
        .and_then(StreamId::prev)
        .map(|end| Some(page_to(end)));
    let later = shown
        .and_then(|(_, last)| last)
        .and_then(StreamId::next)
        .filter(|next| lo.is_some_and(|lo| *next < lo))
        .map(|start| Some(page_from(start)));
    let newest = s.pinned.is_some().then_some(None);
    let toggle = {
        let (local, redraw) = (local.clone(), redraw.clone());
        Callback::from(move |_: MouseEvent| {
            let mut l = local.borrow_mut();
            l.show_nodes = !l.show_nodes;
            drop(l);
            redraw.force_update();
        })
    };

    let summary = html! {
        <>
            <span class="chip">{ format!("length {}", count(s.length)) }</span>
            <span class="chip">{ "last-generated-id " }{ entry_id(s.last_generated_id) }</span>
            <span class="chip">{ format!("entries-added {}", count(s.entries_added)) }</span>
            <span class="chip">{ "max-deleted-id " }{ entry_id(s.max_deleted_id) }</span>
            <span class="chip">{ format!("nodes {}", count(s.node_count)) }</span>
        </>
    };
    let caption = if whole {
        plural(s.length, "entry", "entries")
    } else {
        format!(
            "{} · showing the last {}",
            plural(s.length, "entry", "entries"),
            count(s.entries.len() as u64)
        )
    };
    let hidden_nodes = s.node_count.saturating_sub(nodes.len() as u64);
    html! {
        <ViewFrame id={id.clone()} testid="view-stream" data_key={props.name.clone()}
                   title={html! { <>{ "Stream " }<span class="view-name">{ props.name.clone() }</span></> }}
                   {summary} pinned={props.ui.pinned.contains(&id)}
                   collapsed={props.ui.collapsed.contains(&id)} dispatch={props.dispatch.clone()}>
            <div class="tape-tools">
                <span class="tape-caption" data-testid="stream-caption">{ caption }
                    if show_nodes && hidden_nodes > 0 { <span class="muted">{ format!(" · {} older", plural(hidden_nodes, "node", "nodes")) }</span> }
                </span>
                <button type="button" class="view-button" aria-pressed={show_nodes.to_string()}
                        data-testid="stream-nodes-toggle" onclick={toggle}>{ "Nodes" }</button>
                { pager(pin, Pages { oldest, earlier, later, newest }, "stream", "an entry id") }
            </div>
            if let Some(note) = trim.and_then(|(_, _, n, r, k)| trim_note(s, n, r, k)) {
                <p class="trim-note" data-testid="stream-trim"><span class="mark" aria-hidden="true">{ "✂" }</span>{ note }</p>
            }
            <div class="tape-scroll" ref={scroll_ref} tabindex="0" aria-label="Entries: scroll for older ones">
                <ol class={classes!("tape", show_nodes.then_some("show-nodes"))} aria-label="Entries, oldest first"
                    title={title} onmouseenter={enter} onmouseleave={leave}>
                    { for pinned }
                    if older > 0 || !before.is_empty() {
                        <li key="head" class="tape-head">
                            if older > 0 {
                                <span>{ format!("⋯ {} older", plural(older, "entry", "entries")) }</span>
                                if let Some(f) = s.first_id { <span class="muted">{ "first " }{ entry_id(f) }</span> }
                            }
                            { for before }
                        </li>
                    }
                    { for ghosts }
                    { for by_node.into_iter().map(|(n, items)| node_html(n, items)) }
                    { for served }
                    { for waiters }
                </ol>
            </div>
            <GroupsView facts={facts.clone()} ui={Rc::clone(&props.ui)} db={props.db} ctl={props.ctl.clone()}
                        name={props.name.clone()} dispatch={props.dispatch.clone()} />
        </ViewFrame>
    }
}
