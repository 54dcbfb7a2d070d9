//! The keyspace view: every key of every database in use, with its type, size and TTL counting
//! down on the engine clock; a key that expires or is deleted fades out where it was.

use std::rc::Rc;

use yew::prelude::*;

use super::common::{caused, duration, text, ViewFrame};
use super::{Facts, ViewAction, ViewId, ViewsUi};
use crate::engine::inspect::Preview;
use crate::engine::EventKind;
use crate::session::view_model::KeyView;

#[derive(Properties, PartialEq)]
pub struct KeyspaceProps {
    pub facts: Facts,
    pub ui: Rc<ViewsUi>,
    pub dispatch: Callback<ViewAction>,
}

/// The type's badge: a short label, so the type reads without colour.
fn type_badge(type_name: &str) -> &'static str {
    match type_name {
        "stream" => "≡",
        "string" => "Aa",
        "list" => "[ ]",
        "hash" => "{ }",
        "set" => "{·}",
        "zset" => "1·2",
        _ => "?",
    }
}

/// A key's size in words: `7 entries`, `12 bytes`.
fn size_text(k: &KeyView) -> String {
    let (one, many) = match k.type_name.as_str() {
        "stream" => ("entry", "entries"),
        "string" => ("byte", "bytes"),
        "list" | "set" | "zset" => ("element", "elements"),
        "hash" => ("field", "fields"),
        _ => ("item", "items"),
    };
    format!("{} {}", k.size, if k.size == 1 { one } else { many })
}

/// A glimpse of a key's value under its name (`key-preview`, `data-kind`): a string quoted; a
/// list as a queue with its two ends named; a hash as a table; a set as a bag; a sorted set as a
/// ranked list with scores. Neutral
/// chips: the colours belong to Pub/Sub, stream entries and pending entries.
fn preview(k: &KeyView) -> Html {
    let chip = |b: &[u8]| html! { <span class="kv-item">{ text(b) }</span> };
    let more = |shown: usize| {
        let rest = k.size.saturating_sub(shown as u64);
        (rest > 0)
            .then(|| html! { <span class="kv-more muted">{ format!("… {rest} more …") }</span> })
    };
    match &k.preview {
        Preview::None => html! {},
        Preview::String { head } => html! {
            <div class="key-preview kv-string" data-testid="key-preview" data-kind="string">
                { format!("\"{}{}\"", text(head), if (head.len() as u64) < k.size { "…" } else { "" }) }
            </div>
        },
        Preview::List { head, tail } => html! {
            <div class="key-preview kv-list" data-testid="key-preview" data-kind="list"
                 title="LPUSH and LPOP work at the head, RPUSH and RPOP at the tail">
                <span class="kv-end">{ "head ⇤" }</span>
                { for head.iter().map(|b| chip(b)) }
                { for more(head.len() + tail.len()) }
                { for tail.iter().map(|b| chip(b)) }
                <span class="kv-end">{ "⇥ tail" }</span>
            </div>
        },
        Preview::Hash { fields } => html! {
            <table class="key-preview kv-hash" data-testid="key-preview" data-kind="hash"
                   title="Fields and values, in HGETALL's order">
                { for fields.iter().map(|(f, v)| html! {
                    <tr><th scope="row">{ text(f) }</th><td>{ text(v) }</td></tr>
                }) }
                if let Some(m) = more(fields.len()) { <tr><td colspan="2">{ m }</td></tr> }
            </table>
        },
        Preview::Set { members } => html! {
            <div class="key-preview kv-set" data-testid="key-preview" data-kind="set"
                 title="A bag: members without order or repeats">
                { for members.iter().map(|b| chip(b)) }
                { for more(members.len()) }
            </div>
        },
        Preview::Zset { ranked } => html! {
            <ol class="key-preview kv-zset" data-testid="key-preview" data-kind="zset"
                title="Ranked by score, lowest first (ZRANGE); ties by member">
                { for ranked.iter().enumerate().map(|(i, (m, score))| html! {
                    <li><span class="kv-rank">{ format!("#{i}") }</span>{ chip(m) }<span class="kv-score">{ text(score) }</span></li>
                }) }
                if let Some(m) = more(ranked.len()) { <li>{ m }</li> }
            </ol>
        },
    }
}

/// The keyspace: one row per key (`key`, `data-name`, `data-type`, `data-ttl-ms`, -1 when
/// the key does not expire), and for a moment the keys the last steps removed.
#[component]
pub fn KeyspaceView(props: &KeyspaceProps) -> Html {
    let facts = &props.facts;
    let now = facts.now_ms;
    let id = ViewId::Keyspace;
    let total: usize = facts.vm.dbs.values().map(|d| d.total).sum();
    // Keys the batch removed, shown fading out (not as `key`: they are gone).
    let gone: Vec<(u64, String, &'static str)> = facts
        .batch
        .iter()
        .filter_map(|b| match &b.event.kind {
            EventKind::KeyExpired { key, .. } => Some((b.event.seq, text(key), "expired")),
            EventKind::KeyDeleted { key, .. } => Some((b.event.seq, text(key), "deleted")),
            _ => None,
        })
        .collect();
    let dbs = facts.vm.dbs.len();
    let summary = html! {
        <span class="chip">{ format!("{total} {}", if total == 1 { "key" } else { "keys" }) }</span>
    };
    let row = |db: usize, k: &KeyView| {
        let name = text(&k.name);
        let ttl = k.expires_at_ms.map(|at| at.saturating_sub(now));
        let cause = facts.cause_for_key(&k.name);
        let (title, enter, leave) = caused(cause.as_ref(), &props.dispatch);
        let is_stream = k.type_name == "stream";
        let open = {
            let name = name.clone();
            props
                .dispatch
                .reform(move |_: MouseEvent| ViewAction::Open(ViewId::Stream(db, name.clone())))
        };
        let label = html! {
            <>
                <span class="key-type" aria-hidden="true">{ type_badge(&k.type_name) }</span>
                <span class="key-name">{ name.clone() }</span>
                <span class="muted">{ format!(" {} · {}", k.type_name, size_text(k)) }</span>
            </>
        };
        html! {
            <li key={format!("{db}:{name}")} class={classes!("key", cause.is_some().then_some("changed"))}
                data-testid="key" data-name={name.clone()} data-type={k.type_name.clone()}
                data-ttl-ms={ttl.map(|t| t as i64).unwrap_or(-1).to_string()}
                title={title} onmouseenter={enter} onmouseleave={leave}>
                if is_stream {
                    <button type="button" class="key-open" onclick={open}
                            aria-label={format!("Open the stream view of {name}")}>{ label }</button>
                } else {
                    <span class="key-label">{ label }</span>
                }
                { match ttl {
                    Some(t) => html! {
                        <span class="ttl" aria-label={format!("expires in {}", duration(t))}>
                            <span class="ttl-glyph" aria-hidden="true">{ "⧗" }</span>{ format!(" TTL {}", duration(t)) }
                        </span>
                    },
                    None => html! { <span class="ttl muted">{ "no TTL" }</span> },
                } }
                { preview(k) }
            </li>
        }
    };
    html! {
        <ViewFrame id={id.clone()} testid="view-keyspace" title={html! { { "Keyspace" } }}
                   {summary} pinned={props.ui.pinned.contains(&id)}
                   collapsed={props.ui.collapsed.contains(&id)} dispatch={props.dispatch.clone()}>
            if total == 0 && gone.is_empty() {
                <p class="view-empty muted">{ "No keys yet. Try " }<code>{ "XADD orders * item book" }</code>{ " or " }<code>{ "SET greeting hello EX 30" }</code>{ "." }</p>
            }
            { for facts.vm.dbs.values().map(|d| html! {
                <div class="keyspace-db">
                    if dbs > 1 || d.db != 0 {
                        <h3 class="db-title">{ format!("db {}", d.db) }</h3>
                    }
                    <ul class="keys">
                        { for d.keys.iter().map(|k| row(d.db, k)) }
                    </ul>
                    if d.total > d.keys.len() {
                        <p class="muted">{ format!("and {} more keys", d.total - d.keys.len()) }</p>
                    }
                </div>
            }) }
            if !gone.is_empty() {
                <ul class="keys keys-gone" aria-label="Keys just removed">
                    { for gone.iter().map(|(seq, name, why)| html! {
                        <li key={*seq} class="key-gone">
                            <span class="key-name">{ name.clone() }</span>
                            <span class="muted">{ format!(" {why}") }</span>
                        </li>
                    }) }
                </ul>
            }
        </ViewFrame>
    }
}
