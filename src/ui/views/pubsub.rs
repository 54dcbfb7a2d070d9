//! The Pub/Sub view: a graph of the panes that just published, the channels, shard channels
//! and patterns, and the subscriber panes, with one dot per receiver travelling along each
//! message's path (through the pattern node for a `pmessage`) and a message that reached
//! nobody lost at a ghost of its channel.
//!
//! The graph is one SVG laid out here from the view model and the batch's events: three tiers
//! (publishers, nodes, subscribers) side by side on a wide page, stacked on a narrow one.
//! Dots are zero-length round-capped dashes moved along a path by CSS (`view-pubsub.css`), so
//! the motion follows `--motion-scale` and switches off with the other animations; without
//! motion a dot rests at its receiver.

use std::collections::BTreeSet;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::common::ViewFrame;
use super::common::{caused, text, Cause};
use super::{Facts, ViewAction, ViewId, ViewsUi};
use crate::engine::{ClientId, EventKind, SubscriptionKind, Via};
use crate::session::view_model::{key_hash_slot, SubscriptionView};

/// A node with more subscribers than this draws them as one group box with a count, so a
/// fan-out to 50 panes stays one legible path.
const FANOUT: usize = 6;
/// At most this many nodes, subscriber boxes and publishers are drawn; the rest are counted.
const MAX_NODES: usize = 16;
const MAX_SUBS: usize = 12;
const MAX_PUBS: usize = 8;

/// Where the tiers go. Wide: publishers, nodes and subscribers side by side. Narrow: the
/// publishers in a row on top, their messages running down a bus along the left edge into the
/// nodes, which sit beside their subscribers; no path ever crosses a node.
struct Geo {
    narrow: bool,
    width: i32,
    x: [i32; 3],
    w: [i32; 3],
    pitch: i32,
    h: i32,
}

const WIDE: Geo = Geo {
    narrow: false,
    width: 900,
    x: [6, 300, 640],
    w: [176, 214, 254],
    pitch: 62,
    h: 46,
};

const NARROW: Geo = Geo {
    narrow: true,
    width: 340,
    x: [6, 18, 194],
    w: [160, 150, 140],
    pitch: 62,
    h: 46,
};

/// Room above a row for a message's bubble.
const TOP: i32 = 22;
/// The bus's distance from the left edge (narrow).
const BUS_X: i32 = 6;

#[derive(Clone, Copy)]
struct Rect {
    x: i32,
    y: i32,
    w: i32,
    h: i32,
}

impl Rect {
    /// Where paths leave: the bottom of a publisher when narrow, else the right edge.
    fn out(&self, down: bool) -> (i32, i32) {
        if down {
            (self.x + self.w / 2, self.y + self.h)
        } else {
            (self.x + self.w, self.y + self.h / 2)
        }
    }
    fn inn(&self) -> (i32, i32) {
        (self.x, self.y + self.h / 2)
    }
}

/// The boxes of each tier, the height of the graph, and the bus's height (narrow).
fn place(geo: &Geo, counts: [usize; 3]) -> ([Vec<Rect>; 3], i32, i32) {
    let mut tiers: [Vec<Rect>; 3] = Default::default();
    let mut top = 0;
    if geo.narrow && counts[0] > 0 {
        let n = counts[0];
        for i in 0..n {
            let x = if i + 1 == n && n % 2 == 1 {
                (geo.width - geo.w[0]) / 2
            } else {
                geo.x[0] + (i % 2) as i32 * (geo.width - 2 * geo.x[0] - geo.w[0])
            };
            let y = 6 + (i / 2) as i32 * (geo.h + 8);
            tiers[0].push(Rect {
                x,
                y,
                w: geo.w[0],
                h: geo.h,
            });
        }
        top = 6 + n.div_ceil(2) as i32 * (geo.h + 8) + 6;
    }
    let bus = top;
    let first = if geo.narrow { 1 } else { 0 };
    let rows = counts[first..].iter().copied().max().unwrap_or(0).max(1);
    for t in first..3 {
        // Shorter tiers are centred against the tallest.
        let off = top + TOP + (rows - counts[t]) as i32 * geo.pitch / 2;
        for i in 0..counts[t] {
            tiers[t].push(Rect {
                x: geo.x[t],
                y: off + i as i32 * geo.pitch,
                w: geo.w[t],
                h: geo.h,
            });
        }
    }
    (
        tiers,
        top + TOP + rows as i32 * geo.pitch - (geo.pitch - geo.h) + 6,
        bus,
    )
}

/// An S-shaped curve from `a` to `b`, leaving and arriving horizontally.
fn curve(a: (i32, i32), b: (i32, i32)) -> String {
    let mx = (a.0 + b.0) / 2;
    format!("C{mx} {} {mx} {} {} {}", a.1, b.1, b.0, b.1)
}

/// From the bottom of publisher box `a` down to the bus, along it to the left edge, down the
/// edge and into node box `b` from its left (narrow).
fn bus_path(a: (i32, i32), bus: i32, b: (i32, i32)) -> String {
    let r = 6;
    format!(
        "L{} {}Q{} {bus} {} {bus}L{} {bus}Q{BUS_X} {bus} {BUS_X} {}L{BUS_X} {}Q{BUS_X} {} {} {}L{} {}",
        a.0, bus - r, a.0, a.0 - r, BUS_X + r, bus + r, b.1 - r, b.1, BUS_X + r, b.1, b.0, b.1
    )
}

#[derive(Clone, Copy, PartialEq)]
enum Kind {
    Channel,
    Shard,
    Pattern,
    /// The ghost of a channel a publish reached nobody on (Redis has no such channel).
    Lost,
    /// The ghost of a channel or pattern the last subscriber just left, fading out (a pattern
    /// when `true`); not a live node, so it has no `channel` or `pattern` hook.
    Gone(bool),
}

struct Hub<'a> {
    kind: Kind,
    name: &'a [u8],
    subs: &'a [ClientId],
}

impl Hub<'_> {
    fn grouped(&self) -> bool {
        self.subs.len() > FANOUT
    }

    /// How a receiver of this node is told (the push's first element).
    fn push_kind(&self) -> &'static str {
        match self.kind {
            Kind::Pattern => "pmessage",
            Kind::Shard => "smessage",
            _ => "message",
        }
    }
}

#[derive(Clone, Copy, PartialEq)]
enum Sub {
    Client(ClientId),
    /// All the subscribers of hub `n`.
    Group(usize),
}

/// A pane that published in the batch, and its newest message.
struct Publisher<'a> {
    client: Option<ClientId>,
    channel: &'a [u8],
    receivers: usize,
    count: usize,
    cause: Option<&'a Rc<Cause>>,
}

/// One dot's way: from a publisher through a node to a subscriber box (or lost at a ghost).
struct Route<'a> {
    seq: u64,
    publisher: usize,
    hub: usize,
    to: Option<usize>,
    /// Receivers this dot stands for (more than one only for a group box).
    count: usize,
    channel: &'a [u8],
    cause: Option<&'a Rc<Cause>>,
}

/// What a node's box shows, and its hooks.
struct Spec {
    key: String,
    /// `channel`, `pattern`, `message-dropped`, `subscriber`, `subscriber-group` (none for a
    /// publisher).
    testid: &'static str,
    /// `data-name`, `data-client`, `data-subscribers`, `data-count`, `data-slot`.
    name: Option<String>,
    client: Option<String>,
    subscribers: Option<usize>,
    count: Option<usize>,
    slot: Option<u16>,
    class: &'static str,
    /// A pill (a pattern) rather than a rounded box.
    pill: bool,
    glyph: &'static str,
    round: bool,
    mark: &'static str,
    label: String,
    line: String,
    /// The line is a loss, in red.
    lost: bool,
    /// A ghost fading out.
    leaving: bool,
    title: String,
    cause: Option<Rc<Cause>>,
}

impl Default for Spec {
    fn default() -> Spec {
        Spec {
            key: String::new(),
            testid: "",
            name: None,
            client: None,
            subscribers: None,
            count: None,
            slot: None,
            class: "ps-box",
            pill: false,
            glyph: "ps-pane",
            round: false,
            mark: "▸",
            label: String::new(),
            line: String::new(),
            lost: false,
            leaving: false,
            title: String::new(),
            cause: None,
        }
    }
}

/// A node's box at `r`: its shape, a glyph, its name and a line under it, with its hooks and
/// the step that changed it. Inside the box everything sits at fixed offsets, so only the
/// box's position is formatted.
fn node(r: &Rect, spec: Spec, dispatch: &Callback<ViewAction>) -> Html {
    let (cause, enter, leave) = caused(spec.cause.as_ref(), dispatch);
    let title = match cause {
        Some(c) => format!("{}\n{c}", spec.title),
        None => spec.title,
    };
    let num = |n: Option<usize>| n.map(|n| n.to_string());
    html! {
        <g key={spec.key} transform={format!("translate({} {})", r.x, r.y)}
           class={classes!(spec.lost.then_some("ps-lost"), spec.leaving.then_some("ps-leaving"))}
           data-testid={(!spec.testid.is_empty()).then_some(spec.testid)} data-name={spec.name}
           data-client={spec.client} data-subscribers={num(spec.subscribers)} data-count={num(spec.count)}
           data-shard={spec.slot.map(|_| "true")} data-slot={spec.slot.map(|s| s.to_string())}
           onmouseenter={enter} onmouseleave={leave}>
            <title>{ title }</title>
            <rect class={spec.class} width={r.w.to_string()} height="46" rx={if spec.pill { "23" } else { "10" }} />
            if spec.round {
                <circle class={spec.glyph} cx="20" cy="23" r="11" />
            } else {
                <rect class={spec.glyph} x="9" y="12" width="22" height="22" rx="5" />
            }
            <text class="ps-glyph-text" x="20" y="28" text-anchor="middle">{ spec.mark }</text>
            <text class="ps-name" x="38" y="21">{ fit(&spec.label, chars(r.w)) }</text>
            <text class={if spec.lost { "ps-sub ps-lost-text" } else { "ps-sub" }} x="38" y="35">{ spec.line }</text>
        </g>
    }
}

/// Characters that fit in a box of width `w`: of a name at 13 px, of the line under it at
/// 10.5 px.
fn chars(w: i32) -> usize {
    ((w - 44) * 10 / 78).max(6) as usize
}

fn small(w: i32) -> usize {
    ((w - 44) * 10 / 64).max(6) as usize
}

/// `s` cut to `n` characters with an ellipsis.
fn fit(s: &str, n: usize) -> String {
    if s.chars().count() <= n {
        s.to_string()
    } else {
        let mut out: String = s.chars().take(n.saturating_sub(1)).collect();
        out.push('…');
        out
    }
}

/// `long` if it fits in `n` characters, else `short` cut to fit.
fn either(long: String, short: String, n: usize) -> String {
    if long.chars().count() <= n {
        long
    } else {
        fit(&short, n)
    }
}

/// `s` cut to its last `n` characters (a keyspace channel's key is at its end).
fn tail(s: &str, n: usize) -> String {
    let count = s.chars().count();
    if count <= n {
        s.to_string()
    } else {
        format!("…{}", s.chars().skip(count + 1 - n).collect::<String>())
    }
}

fn plural(n: usize, one: &str) -> String {
    format!("{n} {one}{}", if n == 1 { "" } else { "s" })
}

/// Whether the page is narrow enough to stack the graph (the CSS's breakpoint), kept by a
/// resize listener rather than measured while drawing.
#[hook]
fn use_narrow() -> bool {
    fn now() -> bool {
        web_sys::window()
            .and_then(|w| w.inner_width().ok())
            .and_then(|v| v.as_f64())
            .is_some_and(|w| w <= 560.0)
    }
    let narrow = use_state_eq(now);
    {
        let narrow = narrow.clone();
        use_effect_with((), move |_| {
            let listener = Closure::<dyn Fn()>::new(move || narrow.set(now()));
            let window = web_sys::window();
            if let Some(w) = &window {
                let _ =
                    w.add_event_listener_with_callback("resize", listener.as_ref().unchecked_ref());
            }
            move || {
                if let Some(w) = window {
                    let _ = w.remove_event_listener_with_callback(
                        "resize",
                        listener.as_ref().unchecked_ref(),
                    );
                }
            }
        });
    }
    *narrow
}

#[derive(Properties, PartialEq)]
pub struct PubSubProps {
    pub facts: Facts,
    pub ui: Rc<ViewsUi>,
    pub dispatch: Callback<ViewAction>,
}

/// Channels (`channel`, shard channels with `data-slot`), patterns (`pattern`), subscriber
/// boxes (`subscriber`, or `subscriber-group` for a big fan-out), and the batch's messages:
/// `message` (its receiver count), one `message-path` per dot (`data-kind` `message`,
/// `pmessage`, `smessage` or `lost`; `data-via` the node it went through), and
/// `message-dropped` for a publish that reached nobody.
#[component]
pub fn PubSubView(props: &PubSubProps) -> Html {
    let narrow = use_narrow();
    let facts = &props.facts;
    let vm = &facts.vm;
    let id = ViewId::PubSub;
    let geo = if narrow { &NARROW } else { &WIDE };
    let pane = |c: ClientId| {
        facts
            .pane_of(c)
            .map(str::to_string)
            .unwrap_or_else(|| format!("client {c}"))
    };

    // The nodes: live channels, shard channels and patterns, then the ghosts of channels a
    // publish in the batch reached nobody on.
    let mut lost: Vec<(&[u8], Option<&Rc<Cause>>)> = Vec::new();
    for b in facts.batch.iter() {
        if let EventKind::MessageDropped { channel, .. } = &b.event.kind {
            match lost.iter_mut().find(|(n, _)| *n == channel.as_slice()) {
                Some(l) => l.1 = b.cause.as_ref(),
                None => lost.push((channel, b.cause.as_ref())),
            }
        }
    }
    let mut hubs: Vec<Hub> = Vec::new();
    let total = vm.channels.len() + vm.shard_channels.len() + vm.patterns.len();
    let room = MAX_NODES.saturating_sub(lost.len().min(4));
    // Many channels leave room for a few patterns, which a message may go through.
    let channels = room - vm.patterns.len().min(room / 4);
    let all = vm
        .channels
        .iter()
        .map(|s| (Kind::Channel, s))
        .chain(vm.shard_channels.iter().map(|s| (Kind::Shard, s)))
        .take(channels)
        .chain(vm.patterns.iter().map(|s| (Kind::Pattern, s)));
    for (kind, s) in all.take(room) {
        let s: &SubscriptionView = s;
        hubs.push(Hub {
            kind,
            name: &s.name,
            subs: &s.subscribers,
        });
    }
    let hidden_hubs = total - hubs.len();
    let live_hubs = hubs.len();
    // Nodes whose last subscriber left in the batch leave as ghosts.
    for b in facts.batch.iter() {
        if let EventKind::Unsubscribed { kind, name, .. } = &b.event.kind {
            let live = match kind {
                SubscriptionKind::Channel => &vm.channels,
                SubscriptionKind::Pattern => &vm.patterns,
                SubscriptionKind::Shard => &vm.shard_channels,
            };
            let pattern = *kind == SubscriptionKind::Pattern;
            let gone = Kind::Gone(pattern);
            if hubs.len() < live_hubs + 4
                && !live.iter().any(|s| s.name == *name)
                && !hubs
                    .iter()
                    .any(|h| h.kind == gone && h.name == name.as_slice())
            {
                hubs.push(Hub {
                    kind: gone,
                    name,
                    subs: &[],
                });
            }
        }
    }
    for (name, _) in lost.iter().take(4) {
        hubs.push(Hub {
            kind: Kind::Lost,
            name,
            subs: &[],
        });
    }

    // The subscriber boxes, in the order of the nodes they hang from.
    let mut subs: Vec<Sub> = Vec::new();
    for (i, hub) in hubs.iter().enumerate() {
        if hub.grouped() {
            if subs.len() < MAX_SUBS {
                subs.push(Sub::Group(i));
            }
            continue;
        }
        for c in hub.subs {
            if subs.len() < MAX_SUBS && !subs.contains(&Sub::Client(*c)) {
                subs.push(Sub::Client(*c));
            }
        }
    }
    // The subscribers some box stands for (each box lists at most FANOUT of them).
    let mut drawn: BTreeSet<ClientId> = BTreeSet::new();
    for s in &subs {
        match *s {
            Sub::Client(c) => {
                drawn.insert(c);
            }
            Sub::Group(h) => drawn.extend(hubs[h].subs.iter().copied()),
        }
    }

    // The publishers and the routes of the batch's messages.
    let mut pubs: Vec<Publisher> = Vec::new();
    let mut routes: Vec<Route> = Vec::new();
    // The newest message per node, drawn as a bubble with its receiver count.
    let mut bubbles: Vec<(usize, &crate::engine::Event, usize, Option<&Rc<Cause>>)> = Vec::new();
    for b in facts.batch.iter() {
        let (channel, shard, receivers) = match &b.event.kind {
            EventKind::MessagePublished {
                channel,
                shard,
                receivers,
                ..
            } => (channel, *shard, receivers.as_slice()),
            EventKind::MessageDropped { channel, shard, .. } => (channel, *shard, &[][..]),
            _ => continue,
        };
        let client = b.event.client;
        let publisher = match pubs.iter().position(|p| p.client == client) {
            Some(i) => i,
            None if pubs.len() < MAX_PUBS => {
                pubs.push(Publisher {
                    client,
                    channel,
                    receivers: 0,
                    count: 0,
                    cause: None,
                });
                pubs.len() - 1
            }
            None => continue,
        };
        let p = &mut pubs[publisher];
        p.channel = channel;
        p.receivers = receivers.len();
        p.count += 1;
        p.cause = b.cause.as_ref();
        let mut mine: Vec<Route> = Vec::new();
        if receivers.is_empty() {
            if let Some(hub) = hubs
                .iter()
                .position(|h| h.kind == Kind::Lost && h.name == channel.as_slice())
            {
                mine.push(Route {
                    seq: b.event.seq,
                    publisher,
                    hub,
                    to: None,
                    count: 0,
                    channel,
                    cause: b.cause.as_ref(),
                });
            }
        }
        for r in receivers {
            let (kind, name) = match &r.via {
                Via::Channel => (
                    if shard { Kind::Shard } else { Kind::Channel },
                    channel.as_slice(),
                ),
                Via::Shard => (Kind::Shard, channel.as_slice()),
                Via::Pattern { pattern } => (Kind::Pattern, pattern.as_slice()),
            };
            let Some(hub) = hubs[..live_hubs]
                .iter()
                .position(|h| h.kind == kind && h.name == name)
            else {
                continue;
            };
            let target = if hubs[hub].grouped() {
                Sub::Group(hub)
            } else {
                Sub::Client(r.client)
            };
            let to = subs.iter().position(|s| *s == target);
            match mine.iter_mut().find(|m| m.hub == hub && m.to == to) {
                Some(m) => m.count += 1,
                None => mine.push(Route {
                    seq: b.event.seq,
                    publisher,
                    hub,
                    to,
                    count: 1,
                    channel,
                    cause: b.cause.as_ref(),
                }),
            }
        }
        for hub in mine.iter().map(|m| m.hub) {
            bubbles.retain(|(h, ..)| *h != hub);
        }
        if let Some(first) = mine.first() {
            // The bubble goes to the channel's own node when it has one, else to the first.
            bubbles.push((first.hub, &b.event, receivers.len(), b.cause.as_ref()));
        }
        routes.extend(mine);
    }

    let (boxes, height, bus) = place(geo, [pubs.len(), hubs.len(), subs.len()]);
    let v = geo.narrow;
    let sub_word = if v { "sub" } else { "subscriber" };

    // The wires: which node each subscriber box hangs from.
    let mut wires: Vec<Html> = Vec::new();
    for (h, hub) in hubs.iter().enumerate() {
        let targets: Vec<usize> = if hub.grouped() {
            subs.iter()
                .position(|s| *s == Sub::Group(h))
                .into_iter()
                .collect()
        } else {
            hub.subs
                .iter()
                .filter_map(|c| subs.iter().position(|s| *s == Sub::Client(*c)))
                .collect()
        };
        for t in targets {
            let a = boxes[1][h].out(false);
            let b = boxes[2][t].inn();
            let d = format!("M{} {}{}", a.0, a.1, curve(a, b));
            let label = (!v && subs.len() <= 8).then(|| {
                html! {
                    <text class="ps-wire-label" x={((a.0 + b.0) / 2).to_string()}
                          y={((a.1 + b.1) / 2 - 4).to_string()} text-anchor="middle">{ hub.push_kind() }</text>
                }
            });
            wires.push(html! {
                <g key={format!("w{h}-{t}-{}", text(hub.name))}>
                    <path class={classes!("ps-wire", (hub.kind == Kind::Pattern).then_some("pattern"))} d={d} />
                    { for label }
                </g>
            });
        }
    }

    // The routes, each a trail and a dot.
    let route_d = |r: &Route| -> String {
        let p = boxes[0][r.publisher].out(v);
        let hin = boxes[1][r.hub].inn();
        let hout = boxes[1][r.hub].out(false);
        let way = if v {
            bus_path(p, bus, hin)
        } else {
            curve(p, hin)
        };
        let mut d = format!("M{} {}{way}", p.0, p.1);
        if let Some(t) = r.to {
            let s = boxes[2][t].inn();
            d.push_str(&format!("L{} {}{}", hout.0, hout.1, curve(hout, s)));
        }
        d
    };
    let trails: Vec<Html> = routes
        .iter()
        .enumerate()
        .map(|(i, r)| {
            html! { <path key={format!("t{}-{i}", r.seq)} class="ps-trail" d={route_d(r)} /> }
        })
        .collect();
    let dots: Vec<Html> = routes
        .iter()
        .enumerate()
        .map(|(i, r)| {
            let hub = &hubs[r.hub];
            let (title, enter, leave) = caused(r.cause, &props.dispatch);
            let client = r.to.and_then(|t| match subs[t] {
                Sub::Client(c) => Some(pane(c)),
                Sub::Group(_) => None,
            });
            let (kind, class) = match (r.to, hub.kind) {
                (None, _) => ("lost", "ps-dot lost"),
                (_, Kind::Pattern) => ("pmessage", "ps-dot"),
                (_, Kind::Shard) => ("smessage", "ps-dot"),
                _ => ("message", "ps-dot"),
            };
            let many = (r.count > 1).then(|| {
                let (x, y) = r.to.map(|t| boxes[2][t].inn()).unwrap_or((0, 0));
                html! {
                    <text class="ps-count" x={(x - 4).to_string()} y={(y - 8).to_string()}
                          text-anchor="end">{ format!("×{}", r.count) }</text>
                }
            });
            html! {
                <g key={format!("d{}-{i}", r.seq)} data-testid="message-path" data-kind={kind}
                   data-channel={text(r.channel)} data-via={text(hub.name)} data-client={client} data-count={r.count.to_string()}
                   onmouseenter={enter} onmouseleave={leave}>
                    if let Some(t) = title { <title>{ t }</title> }
                    <path class={class} d={route_d(r)} pathLength="100" />
                    { for many }
                    if hub.kind == Kind::Pattern && !v {
                        <text class="ps-count ps-matches" x={(boxes[1][r.hub].x - 6).to_string()}
                              y={(boxes[1][r.hub].y + 4).to_string()} text-anchor="end">
                            { format!("matches {}", tail(&text(r.channel), 16)) }</text>
                    }
                </g>
            }
        })
        .collect();

    let hub_nodes = hubs.iter().enumerate().map(|(i, hub)| {
        let name = text(hub.name);
        let n = hub.subs.len();
        let w = boxes[1][i].w;
        let mut spec = Spec {
            key: format!("h{}:{name}", hub.push_kind()),
            name: Some(name.clone()),
            subscribers: Some(n),
            class: "ps-hub",
            glyph: "ps-glyph",
            label: name.clone(),
            title: name.clone(),
            cause: facts
                .batch
                .iter()
                .rev()
                .find_map(|b| match &b.event.kind {
                    EventKind::Subscribed { name: s, .. }
                    | EventKind::Unsubscribed { name: s, .. }
                        if s == hub.name =>
                    {
                        Some(b.cause.clone())
                    }
                    _ => None,
                })
                .flatten(),
            ..Spec::default()
        };
        match hub.kind {
            Kind::Lost => {
                spec.key = format!("lost:{name}");
                spec.testid = "message-dropped";
                spec.subscribers = None;
                spec.class = "ps-ghost";
                spec.glyph = "ps-lost-glyph";
                spec.round = true;
                spec.mark = "✕";
                spec.line = "lost: no subscriber".into();
                spec.lost = true;
                spec.title = format!("{name}: lost, no subscriber");
                spec.cause = lost
                    .iter()
                    .find(|(l, _)| *l == hub.name)
                    .and_then(|l| l.1.cloned());
            }
            Kind::Gone(pattern) => {
                spec.key = format!("gone{pattern}:{name}");
                spec.subscribers = None;
                spec.class = "ps-ghost";
                spec.pill = pattern;
                spec.round = pattern;
                spec.mark = if pattern { "*" } else { "#" };
                spec.line = "no subscribers: gone".into();
                spec.title = format!("{name}: its last subscriber left");
                spec.leaving = true;
            }
            Kind::Pattern => {
                spec.testid = "pattern";
                spec.pill = true;
                spec.round = true;
                spec.mark = "*";
                spec.line = either(
                    format!("pattern · {}", plural(n, sub_word)),
                    plural(n, sub_word),
                    small(w),
                );
            }
            kind => {
                let shard = kind == Kind::Shard;
                spec.testid = "channel";
                spec.mark = if shard { "§" } else { "#" };
                spec.slot = shard.then(|| key_hash_slot(hub.name));
                let line = match spec.slot {
                    Some(s) if v => format!("shard slot {s}"),
                    Some(s) => format!("shard · slot {s} · {n} sub"),
                    None => format!("channel · {}", plural(n, sub_word)),
                };
                spec.line = either(line, plural(n, sub_word), small(w));
            }
        }
        (1, i, spec)
    });

    let sub_nodes = subs.iter().enumerate().map(|(i, s)| {
        let w = boxes[2][i].w;
        let spec = match *s {
            Sub::Client(c) => {
                let name = pane(c);
                let line = vm.clients.get(&c).map(|cv| {
                    let all = cv.channels.len() + cv.patterns.len() + cv.shard_channels.len();
                    let one =
                        |cmd: &str, l: &[Vec<u8>]| l.first().map(|n| format!("{cmd} {}", text(n)));
                    if all == 1 {
                        one("SUBSCRIBE", &cv.channels)
                            .or_else(|| one("PSUBSCRIBE", &cv.patterns))
                            .or_else(|| one("SSUBSCRIBE", &cv.shard_channels))
                            .unwrap_or_default()
                    } else {
                        plural(all, "subscription")
                    }
                });
                let line = line.unwrap_or_default();
                let line = if v { line } else { format!("id {c} · {line}") };
                Spec {
                    key: format!("u{c}"),
                    testid: "subscriber",
                    client: Some(name.clone()),
                    title: format!("{name}\n{line}"),
                    line: fit(&line, small(w)),
                    label: name,
                    ..Spec::default()
                }
            }
            Sub::Group(h) => {
                let hub = &hubs[h];
                let n = hub.subs.len();
                let names: Vec<String> = hub.subs.iter().take(3).map(|c| pane(*c)).collect();
                let more = if n > 3 {
                    format!(" … +{}", n - 3)
                } else {
                    String::new()
                };
                let line = format!("{}{more}", names.join(", "));
                Spec {
                    key: format!("g{}", text(hub.name)),
                    testid: "subscriber-group",
                    name: Some(text(hub.name)),
                    count: Some(n),
                    class: "ps-box ps-group",
                    mark: "≡",
                    title: format!("{} of {}\n{line}", plural(n, "subscriber"), text(hub.name)),
                    line: fit(&line, small(w)),
                    label: plural(n, sub_word),
                    ..Spec::default()
                }
            }
        };
        (2, i, spec)
    });

    let pub_nodes = pubs.iter().enumerate().map(|(i, p)| {
        let name = p.client.map_or_else(|| "server".to_string(), pane);
        let mut line = format!("→ {}", text(p.channel));
        if !v {
            line = format!("{line} · {}", plural(p.receivers, "receiver"));
        }
        let spec = Spec {
            key: format!("p{}", p.client.map_or(-1, |c| c as i64)),
            title: format!("{name}: published {}", plural(p.count, "message")),
            line: fit(&line, small(boxes[0][i].w)),
            label: name,
            cause: p.cause.cloned(),
            ..Spec::default()
        };
        (0, i, spec)
    });
    let nodes: Vec<Html> = pub_nodes
        .chain(hub_nodes)
        .chain(sub_nodes)
        .map(|(t, i, spec)| node(&boxes[t][i], spec, &props.dispatch))
        .collect();

    let bubble_nodes: Vec<Html> = bubbles
        .iter()
        .map(|(h, event, n, cause)| {
            let r = &boxes[1][*h];
            let payload = match &event.kind {
                EventKind::MessagePublished { payload, .. } | EventKind::MessageDropped { payload, .. } => text(payload),
                _ => String::new(),
            };
            let (x, y) = (r.x + 6, r.y - 6);
            let channel = match &event.kind {
                EventKind::MessagePublished { channel, .. } | EventKind::MessageDropped { channel, .. } => text(channel),
                _ => String::new(),
            };
            let (title, enter, leave) = caused(*cause, &props.dispatch);
            html! {
                <g key={format!("b{}", event.seq)} class="ps-bubble" data-testid="message" data-channel={channel}
                   data-receivers={n.to_string()} onmouseenter={enter} onmouseleave={leave}>
                    if let Some(t) = title { <title>{ t }</title> }
                    <text x={x.to_string()} y={y.to_string()}>
                        { format!("\"{}\" → {}", fit(&payload, 16), plural(*n, "receiver")) }</text>
                </g>
            }
        })
        .collect();

    let listeners = vm
        .channels
        .iter()
        .chain(vm.patterns.iter())
        .chain(vm.shard_channels.iter())
        .flat_map(|s| s.subscribers.iter().copied())
        .collect::<BTreeSet<ClientId>>()
        .len();
    let summary = html! {
        <span class="chip">{ format!("{} · {} · {}", plural(vm.channels.len() + vm.shard_channels.len(), "channel"),
                                     plural(vm.patterns.len(), "pattern"), plural(listeners, "subscriber")) }</span>
    };
    let empty = hubs.is_empty() && pubs.is_empty();
    let aria = format!(
        "Pub/Sub graph: {} published just now; {} with {}",
        plural(pubs.len(), "publisher"),
        plural(live_hubs, "channel or pattern"),
        plural(listeners, "subscriber")
    );
    html! {
        <ViewFrame id={id.clone()} testid="view-pubsub"
                   title={html! { <>{ "Pub/Sub " }<span class="badge badge-pubsub">{ "fire-and-forget" }</span></> }}
                   {summary} pinned={props.ui.pinned.contains(&id)}
                   collapsed={props.ui.collapsed.contains(&id)} dispatch={props.dispatch.clone()}>
            if empty {
                <p class="view-empty muted">{ "Nobody is subscribed. Try " }<code>{ "SUBSCRIBE news" }</code>{ " in one console and " }<code>{ "PUBLISH news hello" }</code>{ " in another." }</p>
            } else {
                <svg class={classes!("ps-graph", v.then_some("narrow"))} viewBox={format!("0 0 {} {height}", geo.width)}
                     style={format!("max-width:{}px", geo.width * 115 / 100)} role="img" aria-label={aria}>
                    <g class="ps-wires">{ for wires }</g>
                    <g class="ps-trails">{ for trails }</g>
                    { for nodes }
                    <g class="ps-dots">{ for dots }</g>
                    { for bubble_nodes }
                </svg>
                if hidden_hubs > 0 || drawn.len() < listeners {
                    <p class="ps-more muted">{ format!("Drawn: {} of {total} channels and patterns, {} of {listeners} subscribers; the counts above are complete.",
                        total - hidden_hubs, drawn.len()) }</p>
                }
            }
            <p class="ps-foot muted">
                <span><span class="mark mark-message" aria-hidden="true"></span>{ " one dot per receiver: " }<code>{ "message" }</code>{ " straight from its channel, " }<code>{ "pmessage" }</code>{ " through the pattern that matched" }</span>
                <span class="ps-foot-lost"><span class="mark mark-danger" aria-hidden="true">{ "✕" }</span>{ " a message nobody receives is lost at its channel" }</span>
                <span>{ "nothing here is stored" }</span>
            </p>
        </ViewFrame>
    }
}
