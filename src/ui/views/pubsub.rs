//! The Pub/Sub view: channels, patterns and shard channels with their subscriber panes, and
//! the messages of the last steps: whom each reached, or that it reached nobody.

use std::rc::Rc;

use yew::prelude::*;

use super::common::{caused, text, ViewFrame};
use super::{Facts, ViewAction, ViewId, ViewsUi};
use crate::engine::EventKind;
use crate::session::view_model::SubscriptionView;

#[derive(Properties, PartialEq)]
pub struct PubSubProps {
    pub facts: Facts,
    pub ui: Rc<ViewsUi>,
    pub dispatch: Callback<ViewAction>,
}

/// Channels (`channel`), patterns (`pattern`), and the recent messages (`message-dropped` for
/// one that reached nobody).
#[component]
pub fn PubSubView(props: &PubSubProps) -> Html {
    let facts = &props.facts;
    let vm = &facts.vm;
    let id = ViewId::PubSub;
    let subscribers = |s: &SubscriptionView| -> Vec<String> {
        s.subscribers
            .iter()
            .map(|c| {
                facts
                    .pane_of(*c)
                    .map(str::to_string)
                    .unwrap_or_else(|| format!("client {c}"))
            })
            .collect()
    };
    let node = |kind: &'static str, s: &SubscriptionView| {
        let name = text(&s.name);
        let subs = subscribers(s);
        html! {
            <li key={format!("{kind}:{name}")} class={classes!("ps-node", kind)} data-testid={kind} data-name={name.clone()}>
                <span class="ps-glyph" aria-hidden="true">{ if kind == "pattern" { "*" } else { "#" } }</span>
                <span class="ps-name">{ name }</span>
                <span class="muted">{ format!(" {kind} · {} {}", subs.len(), if subs.len() == 1 { "subscriber" } else { "subscribers" }) }</span>
                <span class="ps-subs">{ for subs.into_iter().map(|p| html! { <span class="chip">{ p }</span> }) }</span>
            </li>
        }
    };
    let messages: Vec<Html> = facts
        .batch
        .iter()
        .filter_map(|b| {
            let (title, enter, leave) = caused(b.cause.as_ref(), &props.dispatch);
            match &b.event.kind {
                EventKind::MessagePublished { channel, payload, receivers, .. } => Some(html! {
                    <li key={b.event.seq} class="ps-message" title={title} onmouseenter={enter} onmouseleave={leave}>
                        <span class="mark mark-message" aria-hidden="true"></span>
                        { format!("\"{}\" on {} reached {} {}", text(payload), text(channel), receivers.len(),
                                  if receivers.len() == 1 { "receiver" } else { "receivers" }) }
                    </li>
                }),
                EventKind::MessageDropped { channel, payload, .. } => Some(html! {
                    <li key={b.event.seq} class="ps-message dropped" data-testid="message-dropped"
                        data-name={text(channel)} title={title} onmouseenter={enter} onmouseleave={leave}>
                        <span class="mark mark-danger" aria-hidden="true">{ "⚠" }</span>
                        { format!("\"{}\" on {}: lost, no subscriber", text(payload), text(channel)) }
                    </li>
                }),
                _ => None,
            }
        })
        .collect();
    let count = vm.channels.len() + vm.patterns.len() + vm.shard_channels.len();
    let summary = html! {
        <span class="chip">{ format!("{} channels · {} patterns", vm.channels.len() + vm.shard_channels.len(), vm.patterns.len()) }</span>
    };
    html! {
        <ViewFrame id={id.clone()} testid="view-pubsub"
                   title={html! { <>{ "Pub/Sub " }<span class="badge badge-pubsub">{ "fire-and-forget" }</span></> }}
                   {summary} pinned={props.ui.pinned.contains(&id)}
                   collapsed={props.ui.collapsed.contains(&id)} dispatch={props.dispatch.clone()}>
            if count == 0 && messages.is_empty() {
                <p class="view-empty muted">{ "Nobody is subscribed. Try " }<code>{ "SUBSCRIBE news" }</code>{ " in one console and " }<code>{ "PUBLISH news hello" }</code>{ " in another." }</p>
            }
            <ul class="ps-nodes">
                { for vm.channels.iter().map(|s| node("channel", s)) }
                { for vm.shard_channels.iter().map(|s| node("channel", s)) }
                { for vm.patterns.iter().map(|s| node("pattern", s)) }
            </ul>
            if !messages.is_empty() {
                <ul class="ps-messages" aria-label="Recent messages">{ for messages }</ul>
            }
        </ViewFrame>
    }
}
