//! The consumer groups of a stream: per group its last-delivered-id, entries-read and lag, and
//! each consumer a box holding its pending entries (id, delivery count, idle time growing with
//! the clock), dead-letter candidates marked.

use std::rc::Rc;

use yew::prelude::*;

use super::common::{duration, entry_id, text};
use super::{Facts, ViewAction, ViewsUi};
use crate::engine::StreamId;

#[derive(Properties, PartialEq)]
pub struct GroupsProps {
    pub facts: Facts,
    pub ui: Rc<ViewsUi>,
    pub db: usize,
    /// The stream's key.
    pub name: AttrValue,
    pub dispatch: Callback<ViewAction>,
}

/// Every group of the stream (`group`, with its `consumer` and `pel-entry` elements).
#[component]
pub fn GroupsView(props: &GroupsProps) -> Html {
    let facts = &props.facts;
    let Some(s) = facts.vm.stream(props.db, props.name.as_bytes()) else {
        return html! {};
    };
    let pel_entry = |consumer: &str, id: StreamId, deliveries: u64, idle: u64| {
        let dead = deliveries >= props.ui.dead_letter_after;
        html! {
            <li key={id.to_string()} class={classes!("pel-entry", dead.then_some("dead"))} data-testid="pel-entry"
                data-id={id.to_string()} data-consumer={consumer.to_string()}
                data-deliveries={deliveries.to_string()}>
                <span class="mark mark-pending" aria-hidden="true">{ "◷" }</span>
                { entry_id(id) }
                <span class="muted">{ format!(" {deliveries}× · idle {}", duration(idle)) }</span>
                if dead { <span class="dead-letter">{ " ⚠ dead-letter candidate" }</span> }
            </li>
        }
    };
    html! {
        <div class="groups">
            { for s.groups.iter().map(|g| {
                let gname = text(&g.name);
                html! {
                    <div key={gname.clone()} class="group" data-testid="group" data-name={gname.clone()} data-last-id={g.last_id.to_string()}
                         data-entries-read={g.entries_read.map(|n| n.to_string()).unwrap_or_default()}
                         data-lag={g.lag.map(|n| n.to_string()).unwrap_or_default()}>
                        <h3 class="group-title">{ format!("group {gname}") }</h3>
                        <div class="consumers">
                            { for g.consumers.iter().map(|c| {
                                let cname = text(&c.name);
                                html! {
                                    <div key={cname.clone()} class="consumer" data-testid="consumer" data-name={cname.clone()}
                                         data-pending={c.pending.to_string()}>
                                        <h4>{ format!("{cname} · pending {}", c.pending) }</h4>
                                        <ul class="pel">
                                            { for c.pel.iter().map(|p| pel_entry(&cname, p.id, p.delivery_count,
                                                facts.now_ms.saturating_sub(p.delivery_time_ms))) }
                                        </ul>
                                    </div>
                                }
                            }) }
                        </div>
                    </div>
                }
            }) }
        </div>
    }
}
