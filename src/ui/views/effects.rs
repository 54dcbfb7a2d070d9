//! "What just happened": one plain sentence per effect of the last step, made from its events
//! by the view model, under the step that caused them; announced to screen readers.

use yew::prelude::*;

use super::Facts;
use crate::session::view_model::Subject;

#[derive(Properties, PartialEq)]
pub struct EffectsProps {
    pub facts: Facts,
}

/// What a subject is called in an effect's `data-subjects`.
fn subject_text(s: &Subject) -> String {
    match s {
        Subject::Key(k) => format!("key:{k}"),
        Subject::Channel(c) => format!("channel:{c}"),
        Subject::Pattern(p) => format!("pattern:{p}"),
        Subject::Group(g) => format!("group:{g}"),
        Subject::Consumer(c) => format!("consumer:{c}"),
        Subject::Client(id) => format!("client:{id}"),
    }
}

/// The sentences of the last step (`effect-line`), or what the step did not change.
#[component]
pub fn EffectsView(props: &EffectsProps) -> Html {
    let facts = &props.facts;
    let effects = facts.vm.effects.as_slice();
    // Effects made by time alone (a key expiring, a block timing out) have no client.
    let by_clock = !effects.is_empty() && effects.iter().all(|e| e.client.is_none());
    let heading = match &facts.last {
        _ if by_clock => html! {
            <span class="effects-cause">{ "the clock: time passed" }</span>
        },
        Some(c) => html! {
            <span class="effects-cause">
                { format!("step {} · ", c.step) }
                <code>{ match &c.pane { Some(p) => format!("{p}> {}", c.line), None => c.line.clone() } }</code>
            </span>
        },
        None => html! {},
    };
    html! {
        <section class="view effects" data-testid="view-effects" aria-labelledby="effects-title">
            <header class="view-head">
                <h2 class="view-title" id="effects-title">{ "What just happened" }</h2>
                <div class="view-summary">{ heading }</div>
            </header>
            <div class="view-body" aria-live="polite" aria-atomic="true">
                if facts.travelled {
                    <p class="muted effects-none" data-testid="effects-travelled">{ match &facts.last {
                        Some(_) => "Time travel: the views show the state after this step. Step forward, or run a command, to see what a step does.",
                        None => "Time travel: the views show the start, before any step.",
                    } }</p>
                } else if effects.is_empty() {
                    <p class="muted effects-none">{ match &facts.last {
                        Some(_) => "This step changed no key, group or subscription.",
                        None => "Run a command in a console: each thing it does is described here.",
                    } }</p>
                } else {
                    <ul class="effect-lines">
                        { for effects.iter().map(|e| {
                            let subjects: Vec<String> = e.subjects.iter().map(subject_text).collect();
                            html! {
                                <li key={e.seq} class={classes!("effect-line", effect_class(e.kind))}
                                    data-testid="effect-line" data-type={e.kind}
                                    data-subjects={subjects.join(" ")}>
                                    <span class="effect-mark" aria-hidden="true">{ effect_mark(e.kind) }</span>
                                    { with_panes(&e.text, facts) }
                                </li>
                            }
                        }) }
                    </ul>
                }
            </div>
        </section>
    }
}

/// A sentence with each `client N` that has a pane called by its pane's name, as the consoles
/// show it (`worker-1`), with the id after it the first time.
fn with_panes(text: &str, facts: &Facts) -> String {
    let mut out = String::with_capacity(text.len() + 16);
    let mut rest = text;
    while let Some(at) = rest.find("client ") {
        out.push_str(&rest[..at]);
        let after = &rest[at + "client ".len()..];
        let digits = after.chars().take_while(char::is_ascii_digit).count();
        let pane = after[..digits]
            .parse()
            .ok()
            .and_then(|id| facts.pane_of(id).map(|p| (id, p)));
        match pane {
            Some((id, name)) if !out.contains(name) => {
                out.push_str(&format!("{name} (client {id})"))
            }
            Some((_, name)) => out.push_str(name),
            None => out.push_str(&rest[at..at + "client ".len() + digits]),
        }
        rest = &after[digits..];
    }
    out.push_str(rest);
    out
}

/// The colour family of an effect, by its event.
fn effect_class(kind: &str) -> &'static str {
    match kind {
        "MessagePublished" | "Subscribed" | "Unsubscribed" => "fx-pubsub",
        "MessageDropped" | "KeyExpired" | "KeyDeleted" => "fx-danger",
        "EntriesDelivered" | "EntriesClaimed" | "EntriesAcked" | "EntriesAckedAndDeleted" => {
            "fx-pending"
        }
        _ => "fx-stream",
    }
}

/// The shape that goes with the colour, so an effect reads without it.
fn effect_mark(kind: &str) -> &'static str {
    match effect_class(kind) {
        "fx-pubsub" => "●",
        "fx-danger" => "⚠",
        "fx-pending" => "◷",
        _ => "▭",
    }
}
