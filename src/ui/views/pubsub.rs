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

use std::rc::Rc;

use wasm_bindgen::prelude::*;
use wasm_bindgen::JsCast;
use yew::prelude::*;

use super::common::ViewFrame;
use super::common::{caused, text, Cause};
use super::{Facts, ViewAction, ViewId, ViewsUi};
use crate::engine::{ClientId, EventKind, Via};
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
    width: f64,
    x: [f64; 3],
    w: [f64; 3],
    pitch: f64,
    h: f64,
}

const WIDE: Geo = Geo {
    narrow: false,
    width: 900.0,
    x: [6.0, 300.0, 640.0],
    w: [176.0, 214.0, 254.0],
    pitch: 62.0,
    h: 46.0,
};

const NARROW: Geo = Geo {
    narrow: true,
    width: 340.0,
    x: [6.0, 18.0, 194.0],
    w: [160.0, 150.0, 140.0],
    pitch: 62.0,
    h: 44.0,
};

/// Room above a row for a message's bubble.
const TOP: f64 = 22.0;
/// The bus's distance from the left edge (narrow).
const BUS_X: f64 = 6.0;

#[derive(Clone, Copy)]
struct Rect {
    x: f64,
    y: f64,
    w: f64,
    h: f64,
}

impl Rect {
    /// Where paths leave: the bottom of a publisher when narrow, else the right edge.
    fn out(&self, down: bool) -> (f64, f64) {
        if down {
            (self.x + self.w / 2.0, self.y + self.h)
        } else {
            (self.x + self.w, self.y + self.h / 2.0)
        }
    }
    fn inn(&self) -> (f64, f64) {
        (self.x, self.y + self.h / 2.0)
    }
}

/// The boxes of each tier, the height of the graph, and the bus's height (narrow).
fn place(geo: &Geo, counts: [usize; 3]) -> ([Vec<Rect>; 3], f64, f64) {
    let mut tiers: [Vec<Rect>; 3] = Default::default();
    let mut top = 0.0;
    if geo.narrow && counts[0] > 0 {
        let n = counts[0];
        for i in 0..n {
            let x = if i + 1 == n && n % 2 == 1 {
                (geo.width - geo.w[0]) / 2.0
            } else {
                geo.x[0] + (i % 2) as f64 * (geo.width - 2.0 * geo.x[0] - geo.w[0])
            };
            let y = 6.0 + (i / 2) as f64 * (geo.h + 8.0);
            tiers[0].push(Rect {
                x,
                y,
                w: geo.w[0],
                h: geo.h,
            });
        }
        top = 6.0 + n.div_ceil(2) as f64 * (geo.h + 8.0) + 6.0;
    }
    let bus = top;
    let first = if geo.narrow { 1 } else { 0 };
    let rows = counts[first..].iter().copied().max().unwrap_or(0).max(1);
    for t in first..3 {
        // Shorter tiers are centred against the tallest.
        let off = top + TOP + (rows - counts[t]) as f64 * geo.pitch / 2.0;
        for i in 0..counts[t] {
            tiers[t].push(Rect {
                x: geo.x[t],
                y: off + i as f64 * geo.pitch,
                w: geo.w[t],
                h: geo.h,
            });
        }
    }
    (
        tiers,
        top + TOP + rows as f64 * geo.pitch - (geo.pitch - geo.h) + 6.0,
        bus,
    )
}

/// An S-shaped curve from `a` to `b`, leaving and arriving horizontally.
fn curve(a: (f64, f64), b: (f64, f64)) -> String {
    let mx = (a.0 + b.0) / 2.0;
    format!(
        "C{mx:.0} {:.0} {mx:.0} {:.0} {:.0} {:.0}",
        a.1, b.1, b.0, b.1
    )
}

/// From the bottom of publisher box `a` down to the bus, along it to the left edge, down the
/// edge and into node box `b` from its left (narrow).
fn bus_path(a: (f64, f64), bus: f64, b: (f64, f64)) -> String {
    let r = 6.0;
    format!(
        "L{:.0} {:.0}Q{:.0} {bus:.0} {:.0} {bus:.0}L{:.0} {bus:.0}Q{BUS_X:.0} {bus:.0} {BUS_X:.0} {:.0}L{BUS_X:.0} {:.0}Q{BUS_X:.0} {:.0} {:.0} {:.0}L{:.0} {:.0}",
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
    let all = vm
        .channels
        .iter()
        .map(|s| (Kind::Channel, s))
        .chain(vm.shard_channels.iter().map(|s| (Kind::Shard, s)))
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
    for (name, _) in lost.iter().take(4) {
        hubs.push(Hub {
            kind: Kind::Lost,
            name,
            subs: &[],
        });
    }

    // The subscriber boxes, in the order of the nodes they hang from.
    let mut subs: Vec<Sub> = Vec::new();
    let mut hidden_subs = 0usize;
    for (i, hub) in hubs.iter().enumerate() {
        if hub.grouped() {
            if subs.len() < MAX_SUBS {
                subs.push(Sub::Group(i));
            } else {
                hidden_subs += hub.subs.len();
            }
            continue;
        }
        for c in hub.subs {
            if !subs.contains(&Sub::Client(*c)) {
                if subs.len() < MAX_SUBS {
                    subs.push(Sub::Client(*c));
                } else {
                    hidden_subs += 1;
                }
            }
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
    // Characters that fit in a box: names at 13 px, the line under them at 10.5 px.
    let chars = |w: f64| ((w - 44.0) / 7.8).max(6.0) as usize;
    let small = |w: f64| ((w - 44.0) / 6.4).max(6.0) as usize;
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
            let d = format!("M{:.0} {:.0}{}", a.0, a.1, curve(a, b));
            let label = (!v && subs.len() <= 8).then(|| {
                html! {
                    <text class="ps-wire-label" x={format!("{:.0}", (a.0 + b.0) / 2.0)}
                          y={format!("{:.0}", (a.1 + b.1) / 2.0 - 4.0)} text-anchor="middle">{ hub.push_kind() }</text>
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
        let mut d = format!("M{:.0} {:.0}{way}", p.0, p.1);
        if let Some(t) = r.to {
            let s = boxes[2][t].inn();
            d.push_str(&format!("L{:.0} {:.0}{}", hout.0, hout.1, curve(hout, s)));
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
                let (x, y) = r.to.map(|t| boxes[2][t].inn()).unwrap_or((0.0, 0.0));
                html! {
                    <text class="ps-count" x={format!("{:.0}", x - 4.0)} y={format!("{:.0}", y - 8.0)}
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
                        <text class="ps-count ps-matches" x={format!("{:.0}", boxes[1][r.hub].x - 6.0)}
                              y={format!("{:.0}", boxes[1][r.hub].y + 4.0)} text-anchor="end">
                            { format!("matches {}", tail(&text(r.channel), 16)) }</text>
                    }
                </g>
            }
        })
        .collect();

    let node_box = |r: &Rect,
                    class: &'static str,
                    rx: f64,
                    glyph: Html,
                    name: String,
                    sub: Html| {
        html! {
            <>
                <rect class={class} x={format!("{:.0}", r.x)} y={format!("{:.0}", r.y)}
                      width={format!("{:.0}", r.w)} height={format!("{:.0}", r.h)} rx={format!("{rx:.0}")} />
                { glyph }
                <text class="ps-name" x={format!("{:.0}", r.x + 38.0)} y={format!("{:.0}", r.y + r.h / 2.0 - 2.0)}>
                    { fit(&name, chars(r.w)) }</text>
                <text class="ps-sub" x={format!("{:.0}", r.x + 38.0)} y={format!("{:.0}", r.y + r.h / 2.0 + 12.0)}>
                    { sub }</text>
            </>
        }
    };
    let glyph = |r: &Rect, class: &'static str, round: bool, mark: &'static str| {
        let (cx, cy) = (r.x + 20.0, r.y + r.h / 2.0);
        html! {
            <>
                if round {
                    <circle class={class} cx={format!("{cx:.0}")} cy={format!("{cy:.0}")} r="11" />
                } else {
                    <rect class={class} x={format!("{:.0}", cx - 11.0)} y={format!("{:.0}", cy - 11.0)} width="22" height="22" rx="5" />
                }
                <text class="ps-glyph-text" x={format!("{cx:.0}")} y={format!("{:.0}", cy + 5.0)} text-anchor="middle">{ mark }</text>
            </>
        }
    };

    let hub_nodes: Vec<Html> = hubs
        .iter()
        .enumerate()
        .map(|(i, hub)| {
            let r = &boxes[1][i];
            let name = text(hub.name);
            let n = hub.subs.len();
            let cause = facts.batch.iter().rev().find_map(|b| match &b.event.kind {
                EventKind::Subscribed { name: s, .. } | EventKind::Unsubscribed { name: s, .. } if s == hub.name => {
                    Some(b.cause.clone())
                }
                _ => None,
            });
            let (title, enter, leave) = caused(cause.flatten().as_ref(), &props.dispatch);
            let full = title.map_or_else(|| name.clone(), |t| format!("{name}\n{t}"));
            match hub.kind {
                Kind::Lost => {
                    let cause = lost.iter().find(|(l, _)| *l == hub.name).and_then(|l| l.1);
                    let (title, enter, leave) = caused(cause, &props.dispatch);
                    html! {
                        <g key={format!("l:{name}")} class="ps-lost" data-testid="message-dropped" data-name={name.clone()}
                           onmouseenter={enter} onmouseleave={leave}>
                            <title>{ format!("{name}: lost, no subscriber{}", title.map(|t| format!("\n{t}")).unwrap_or_default()) }</title>
                            { node_box(r, "ps-ghost", 10.0, glyph(r, "ps-lost-glyph", true, "✕"), name,
                                       html! { <tspan class="ps-lost-text">{ "lost: no subscriber" }</tspan> }) }
                        </g>
                    }
                }
                Kind::Pattern => html! {
                    <g key={format!("p:{name}")} data-testid="pattern" data-name={name.clone()}
                       data-subscribers={n.to_string()} onmouseenter={enter} onmouseleave={leave}>
                        <title>{ full }</title>
                        { node_box(r, "ps-hub", r.h / 2.0, glyph(r, "ps-glyph", true, "*"), name,
                                   html! { { fit(&format!("pattern · {}", plural(n, sub_word)), small(r.w)) } }) }
                    </g>
                },
                kind => {
                    let shard = kind == Kind::Shard;
                    let slot = shard.then(|| key_hash_slot(hub.name));
                    let sub = match slot {
                        Some(s) if v => format!("shard slot {s}"),
                        Some(s) => format!("shard · slot {s} · {n} sub"),
                        None => format!("channel · {}", plural(n, sub_word)),
                    };
                    let sub = fit(&sub, small(r.w));
                    html! {
                        <g key={format!("{}:{name}", if shard { "s" } else { "c" })} data-testid="channel"
                           data-name={name.clone()} data-shard={shard.then_some("true")}
                           data-slot={slot.map(|s| s.to_string())} data-subscribers={n.to_string()}
                           onmouseenter={enter} onmouseleave={leave}>
                            <title>{ full }</title>
                            { node_box(r, "ps-hub", 10.0, glyph(r, "ps-glyph", false, if shard { "§" } else { "#" }), name, html! { { sub } }) }
                        </g>
                    }
                }
            }
        })
        .collect();

    let sub_nodes: Vec<Html> = subs
        .iter()
        .enumerate()
        .map(|(i, s)| {
            let r = &boxes[2][i];
            match *s {
                Sub::Client(c) => {
                    let name = pane(c);
                    let line = vm.clients.get(&c).map(|cv| {
                        let all = cv.channels.len() + cv.patterns.len() + cv.shard_channels.len();
                        let one = |cmd: &str, l: &[Vec<u8>]| l.first().map(|n| format!("{cmd} {}", text(n)));
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
                    html! {
                        <g key={format!("u{c}")} data-testid="subscriber" data-client={name.clone()}>
                            <title>{ format!("{name}\n{line}") }</title>
                            { node_box(r, "ps-box", 10.0, glyph(r, "ps-pane", false, "▸"), name,
                                       html! { { fit(&line, small(r.w)) } }) }
                        </g>
                    }
                }
                Sub::Group(h) => {
                    let hub = &hubs[h];
                    let n = hub.subs.len();
                    let names: Vec<String> = hub.subs.iter().take(3).map(|c| pane(*c)).collect();
                    let line = format!("{}{}", names.join(", "), if n > 3 { format!(" … +{}", n - 3) } else { String::new() });
                    html! {
                        <g key={format!("g{}", text(hub.name))} data-testid="subscriber-group"
                           data-name={text(hub.name)} data-count={n.to_string()}>
                            <title>{ format!("{} of {}\n{line}", plural(n, "subscriber"), text(hub.name)) }</title>
                            { node_box(r, "ps-box ps-group", 10.0, glyph(r, "ps-pane", false, "≡"), plural(n, sub_word),
                                       html! { { fit(&line, small(r.w)) } }) }
                        </g>
                    }
                }
            }
        })
        .collect();

    let pub_nodes: Vec<Html> = pubs
        .iter()
        .enumerate()
        .map(|(i, p)| {
            let r = &boxes[0][i];
            let name = p.client.map_or_else(|| "server".to_string(), pane);
            let mut line = format!("→ {}", text(p.channel));
            if !v {
                line = format!("{line} · {}", plural(p.receivers, "receiver"));
            }
            let (title, enter, leave) = caused(p.cause, &props.dispatch);
            html! {
                <g key={format!("p{}", p.client.map_or(-1, |c| c as i64))} class="ps-publisher"
                   onmouseenter={enter} onmouseleave={leave}>
                    <title>{ format!("{name}: published {}\n{}", plural(p.count, "message"), title.unwrap_or_default()) }</title>
                    { node_box(r, "ps-box", 10.0, glyph(r, "ps-pane", false, "▸"), name,
                               html! { { fit(&line, small(r.w)) } }) }
                </g>
            }
        })
        .collect();

    let bubble_nodes: Vec<Html> = bubbles
        .iter()
        .map(|(h, event, n, cause)| {
            let r = &boxes[1][*h];
            let payload = match &event.kind {
                EventKind::MessagePublished { payload, .. } | EventKind::MessageDropped { payload, .. } => text(payload),
                _ => String::new(),
            };
            let (x, y) = (r.x + 6.0, r.y - 6.0);
            let channel = match &event.kind {
                EventKind::MessagePublished { channel, .. } | EventKind::MessageDropped { channel, .. } => text(channel),
                _ => String::new(),
            };
            let (title, enter, leave) = caused(*cause, &props.dispatch);
            html! {
                <g key={format!("b{}", event.seq)} class="ps-bubble" data-testid="message" data-channel={channel}
                   data-receivers={n.to_string()} onmouseenter={enter} onmouseleave={leave}>
                    if let Some(t) = title { <title>{ t }</title> }
                    <text x={format!("{x:.0}")} y={format!("{y:.0}")} >
                        { format!("\"{}\" → {}", fit(&payload, 16), plural(*n, "receiver")) }</text>
                </g>
            }
        })
        .collect();

    let listeners: usize = {
        let mut all: Vec<ClientId> = vm
            .channels
            .iter()
            .chain(vm.patterns.iter())
            .chain(vm.shard_channels.iter())
            .flat_map(|s| s.subscribers.iter().copied())
            .collect();
        all.sort_unstable();
        all.dedup();
        all.len()
    };
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
                <svg class={classes!("ps-graph", v.then_some("narrow"))} viewBox={format!("0 0 {:.0} {height:.0}", geo.width)}
                     style={format!("max-width:{:.0}px", geo.width * 1.15)} role="img" aria-label={aria}>
                    <g class="ps-wires">{ for wires }</g>
                    <g class="ps-trails">{ for trails }</g>
                    { for pub_nodes }
                    { for hub_nodes }
                    { for sub_nodes }
                    <g class="ps-dots">{ for dots }</g>
                    { for bubble_nodes }
                </svg>
                if hidden_hubs + hidden_subs > 0 {
                    <p class="ps-more muted">{ format!("Not drawn: {} and {} (counted above).",
                        plural(hidden_hubs, "channel or pattern"), plural(hidden_subs, "subscriber")) }</p>
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
