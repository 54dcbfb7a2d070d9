//! The stream view: a stream's tape of entries (newest at the right), its internal nodes, the
//! clients blocked on it, and its consumer groups with each consumer's pending entries.

use std::rc::Rc;

use yew::prelude::*;

use super::super::service::Ctl;
use super::common::{caused, duration, entry_id, text, ViewFrame};
use super::groups::GroupsView;
use super::{Facts, ViewAction, ViewId, ViewsUi};

#[derive(Properties, PartialEq)]
pub struct StreamProps {
    pub facts: Facts,
    pub ui: Rc<ViewsUi>,
    pub db: usize,
    pub name: AttrValue,
    pub dispatch: Callback<ViewAction>,
    pub ctl: Ctl,
}

/// One stream (`view-stream`, `data-key`): `stream-entry`, `stream-node`, `group`, `consumer`,
/// `pel-entry` and `blocked-client` inside it.
#[component]
pub fn StreamView(props: &StreamProps) -> Html {
    let facts = &props.facts;
    let Some(s) = facts.vm.stream(props.db, props.name.as_bytes()) else {
        return html! {};
    };
    let id = ViewId::Stream(props.db, props.name.to_string());
    let cause = facts.cause_for_key(&s.key);
    let (title, enter, leave) = caused(cause.as_ref(), &props.dispatch);
    let summary = html! {
        <>
            <span class="chip">{ format!("length {}", s.length) }</span>
            <span class="chip">{ "last-generated-id " }{ entry_id(s.last_generated_id) }</span>
            <span class="chip">{ format!("entries-added {}", s.entries_added) }</span>
            <span class="chip">{ "max-deleted-id " }{ entry_id(s.max_deleted_id) }</span>
            <span class="chip">{ format!("nodes {}", s.node_count) }</span>
        </>
    };
    let blocked: Vec<Html> = facts
        .vm
        .blocked_clients()
        .filter(|c| {
            c.block
                .as_ref()
                .is_some_and(|b| b.db == props.db && b.keys.iter().any(|k| *k == s.key))
        })
        .map(|c| {
            let b = c.block.as_ref();
            let left = b
                .and_then(|b| b.deadline_ms)
                .map(|d| format!("{} left", duration(d.saturating_sub(facts.now_ms))))
                .unwrap_or_else(|| "no timeout".into());
            let pane = facts
                .pane_of(c.id)
                .map(str::to_string)
                .unwrap_or_else(|| format!("client {}", c.id));
            html! {
                <li class="blocked-client" data-testid="blocked-client" data-client={pane.clone()}>
                    <span class="mark mark-blocked" aria-hidden="true">{ "◔" }</span>
                    { format!("{pane} waits ({}) · {left}", b.map(|b| b.command.as_str()).unwrap_or("")) }
                </li>
            }
        })
        .collect();
    html! {
        <ViewFrame id={id.clone()} testid="view-stream" data_key={props.name.clone()}
                   title={html! { <>{ "Stream " }<span class="view-name">{ props.name.clone() }</span></> }}
                   {summary} pinned={props.ui.pinned.contains(&id)}
                   collapsed={props.ui.collapsed.contains(&id)} dispatch={props.dispatch.clone()}>
            <ol class="tape" aria-label="Entries, oldest first" title={title} onmouseenter={enter} onmouseleave={leave}>
                { for s.entries.iter().map(|e| html! {
                    <li key={e.id.to_string()} class="stream-entry" data-testid="stream-entry" data-id={e.id.to_string()}>
                        { entry_id(e.id) }
                        <span class="fields">{ for e.fields.chunks(2).map(|fv| html! {
                            <span class="field">{ format!("{} {}", text(&fv[0]), fv.get(1).map(|v| text(v)).unwrap_or_default()) }</span>
                        }) }</span>
                    </li>
                }) }
            </ol>
            <ol class="nodes" aria-label="Internal nodes">
                { for s.nodes.iter().map(|n| html! {
                    <li class="stream-node" data-testid="stream-node" data-first-id={n.first_id.to_string()}>
                        { format!("node {}..{} · {} live, {} deleted", n.first_id, n.last_id, n.live, n.deleted) }
                    </li>
                }) }
            </ol>
            if !blocked.is_empty() {
                <ul class="blocked-clients">{ for blocked }</ul>
            }
            <GroupsView facts={facts.clone()} ui={Rc::clone(&props.ui)} db={props.db}
                        name={props.name.clone()} dispatch={props.dispatch.clone()} />
        </ViewFrame>
    }
}
