//! One console pane: its header (name, client id, protocol, state, buttons), what its client
//! waits on or listens to, its output, its prompt with the input and the grey hint, and the keys
//! the input handles.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;
use web_sys::{HtmlInputElement, KeyboardEvent};
use yew::prelude::*;

use super::output::PaneOutput;
use super::service::Ctl;
use super::state::{protocol_label, Action, Page, Pane};
use crate::cli::hints;

thread_local! {
    /// Enter was pressed and `streamplay:enter` marked; the next pane render measures.
    static MEASURE_PENDING: Cell<bool> = const { Cell::new(false) };
}

#[derive(Properties, PartialEq)]
pub struct PaneProps {
    pub pane: Rc<Pane>,
    /// The session's service: steps (Enter, Ctrl+C on a blocked pane, rename, remove) go there.
    pub ctl: Ctl,
    /// The page's reducer: what only the page shows (the input, history, toggles) goes there.
    pub dispatch: UseReducerDispatcher<Page>,
    /// The 8 profile's command table for hints and completion.
    pub v8: bool,
    /// Engine time, for the countdown of a blocked pane (0 when there is none, so that the
    /// clock does not re-render other panes).
    pub now_ms: u64,
    /// The output line to highlight: the command behind the change the pointer is on in a view.
    #[prop_or_default]
    pub highlight: Option<u64>,
}

/// `performance.mark(name)`, when the page has a Performance object.
fn mark(name: &str) {
    if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
        let _ = p.mark(name);
    }
}

/// After the next frame is painted: `performance.measure('streamplay:enter-to-paint',
/// 'streamplay:enter')`.
fn measure_after_paint() {
    let Some(window) = web_sys::window() else {
        return;
    };
    let measure = Closure::once_into_js(|| {
        if let Some(p) = web_sys::window().and_then(|w| w.performance()) {
            let _ = p.measure_with_start_mark("streamplay:enter-to-paint", "streamplay:enter");
        }
    });
    let _ = window.request_animation_frame(measure.unchecked_ref());
}

/// The byte offset in `s` of UTF-16 offset `units` (the DOM's selection offsets).
fn byte_offset(s: &str, units: u32) -> usize {
    let mut seen = 0u32;
    for (i, c) in s.char_indices() {
        if seen >= units {
            return i;
        }
        seen += c.len_utf16() as u32;
    }
    s.len()
}

/// The input's selection as byte offsets.
fn selection(input: &HtmlInputElement) -> (usize, usize) {
    let value = input.value();
    let start = input.selection_start().ok().flatten().unwrap_or(0);
    let end = input.selection_end().ok().flatten().unwrap_or(start);
    (byte_offset(&value, start), byte_offset(&value, end))
}

/// A console pane, with the automation hooks of DESIGN.md and issue 7.
#[component]
pub fn PaneView(props: &PaneProps) -> Html {
    let PaneProps {
        pane,
        ctl,
        dispatch,
        v8,
        now_ms,
        ..
    } = props;
    let key = pane.key;
    let name = pane.name().to_string();
    let input_ref = use_node_ref();
    let rename_ref = use_node_ref();
    let renaming = use_state(|| false);

    // The input has focus from the start, so that typing works without a click.
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| focus(&input_ref));
    }
    // The rename field takes the focus when it appears.
    {
        let rename_ref = rename_ref.clone();
        use_effect_with(*renaming, move |on| {
            if *on {
                if let Some(input) = rename_ref.cast::<HtmlInputElement>() {
                    let _ = input.focus();
                    input.select();
                }
            }
        });
    }
    // Enter → paint: measured after the render that showed the result.
    use_effect(|| {
        if MEASURE_PENDING.with(|p| p.replace(false)) {
            measure_after_paint();
        }
    });

    let onkeydown = {
        let dispatch = dispatch.clone();
        let ctl = ctl.clone();
        let name = name.clone();
        let v8 = *v8;
        let completing = pane.completion.is_some();
        let blocked = pane.facts.blocked_on.is_some();
        Callback::from(move |e: KeyboardEvent| {
            // While an input method composes a character, its keys belong to it.
            if e.is_composing() {
                return;
            }
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            let plain = !e.ctrl_key() && !e.alt_key() && !e.meta_key();
            match e.key().as_str() {
                "Enter" if plain => {
                    e.prevent_default();
                    mark("streamplay:enter");
                    MEASURE_PENDING.with(|p| p.set(true));
                    // The line is read from the element rather than from the state, so that a
                    // value set by a script (a test, an embedding host) runs too.
                    let line = input.value();
                    input.set_value("");
                    // A line the session refuses (none can be typed here) changes nothing.
                    let _ = ctl.submit(&name, &line);
                }
                k @ ("ArrowUp" | "ArrowDown") if plain => {
                    // Without this the caret would jump to the start or end of the line.
                    e.prevent_default();
                    dispatch.dispatch(Action::History {
                        pane: key,
                        older: k == "ArrowUp",
                    });
                }
                // Tab completes what is typed; on an empty input it moves the focus on, as
                // everywhere on the page, so that the keyboard can leave the pane.
                "Tab" if plain && !e.shift_key() && (completing || !input.value().is_empty()) => {
                    e.prevent_default();
                    // The session gives the candidates (key names) for what is typed; the
                    // reducer uses them for a first Tab and cycles on later ones. They are
                    // found on every Tab: this render's view of whether a completion is in
                    // progress may be older than the typing that just ended it.
                    let candidates = Some(ctl.completions(&name, &input.value(), v8));
                    dispatch.dispatch(Action::Complete {
                        pane: key,
                        candidates,
                    });
                }
                "Escape" if completing => {
                    e.prevent_default();
                    dispatch.dispatch(Action::CancelCompletion { pane: key });
                }
                k if e.ctrl_key() && !e.alt_key() && !e.meta_key() => {
                    match k.to_ascii_lowercase().as_str() {
                        "l" => {
                            e.prevent_default();
                            dispatch.dispatch(Action::ClearLines { pane: key });
                        }
                        "c" => {
                            // With text selected, Ctrl+C copies it as everywhere else.
                            let (start, end) = selection(&input);
                            if start != end {
                                return;
                            }
                            e.prevent_default();
                            ctl.interrupt(key, &name);
                            // Yew renders later and compares with what it rendered last: the
                            // text typed since then would stay if the field were not emptied here.
                            // A blocked pane keeps what is typed.
                            if !blocked {
                                input.set_value("");
                            }
                        }
                        _ => {}
                    }
                }
                _ => {}
            }
        })
    };

    let oninput = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                dispatch.dispatch(Action::Edit {
                    pane: key,
                    text: input.value(),
                });
            }
        })
    };

    // Pasted text with line breaks runs line by line, as if each line were typed and entered.
    let onpaste = {
        let ctl = ctl.clone();
        let name = name.clone();
        Callback::from(move |e: Event| {
            let Ok(e) = e.dyn_into::<web_sys::ClipboardEvent>() else {
                return;
            };
            let Some(text) = e.clipboard_data().and_then(|d| d.get_data("text").ok()) else {
                return;
            };
            if !text.contains(['\n', '\r']) {
                return;
            }
            let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                return;
            };
            e.prevent_default();
            let value = input.value();
            let (start, end) = selection(&input);
            let whole = format!("{}{text}{}", &value[..start], &value[end..]);
            for line in whole.split('\n').map(|l| l.trim_end_matches('\r')) {
                if line.trim().is_empty() {
                    continue;
                }
                let _ = ctl.submit(&name, line);
            }
            input.set_value("");
        })
    };

    // A click in the output gives the input its focus back, unless it selected text (which
    // someone may want to copy).
    let onclick = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting {
                focus(&input_ref);
            }
        })
    };

    let on_raw = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| dispatch.dispatch(Action::ToggleRaw { pane: key }))
    };
    let on_remove = {
        let ctl = ctl.clone();
        let name = name.clone();
        Callback::from(move |e: MouseEvent| {
            // The keyboard focus goes to the next pane's input (or the previous one's), not to
            // the page's start.
            let next_focus = e
                .target_dyn_into::<web_sys::Element>()
                .and_then(|b| b.closest("[data-testid=pane]").ok().flatten())
                .and_then(|p| {
                    p.next_element_sibling()
                        .or_else(|| p.previous_element_sibling())
                })
                .and_then(|p| p.query_selector("[data-testid=pane-input]").ok().flatten())
                .and_then(|i| i.dyn_into::<web_sys::HtmlElement>().ok());
            ctl.remove_pane(&name);
            if let Some(input) = next_focus {
                let _ = input.focus();
            }
        })
    };
    let reading = pane.facts.not_reading.is_none();
    let on_reading = {
        let ctl = ctl.clone();
        let name = name.clone();
        Callback::from(move |_: MouseEvent| ctl.set_reading(&name, !reading))
    };
    let on_rename = {
        let renaming = renaming.clone();
        Callback::from(move |_: MouseEvent| renaming.set(true))
    };
    let on_rename_key = {
        let ctl = ctl.clone();
        let name = name.clone();
        let renaming = renaming.clone();
        let input_ref = input_ref.clone();
        Callback::from(move |e: KeyboardEvent| match e.key().as_str() {
            "Enter" => {
                e.prevent_default();
                if let Some(field) = e.target_dyn_into::<HtmlInputElement>() {
                    ctl.rename(&name, &field.value());
                }
                renaming.set(false);
                focus(&input_ref);
            }
            "Escape" => {
                e.prevent_default();
                renaming.set(false);
                focus(&input_ref);
            }
            _ => {}
        })
    };
    let on_rename_blur = {
        let renaming = renaming.clone();
        Callback::from(move |_: FocusEvent| renaming.set(false))
    };

    let state = pane.state_name();
    let hint = if pane.hints {
        hints::hint(&pane.draft, hints::help_table(*v8)).unwrap_or_default()
    } else {
        String::new()
    };
    let hint_id = format!("pane-hint-{key}");

    let title = if *renaming {
        html! {
            <input ref={rename_ref} class="pane-rename-input" data-testid="pane-rename-input"
                   type="text" value={name.clone()} aria-label={format!("New name for {name}")}
                   autocomplete="off" spellcheck="false"
                   onkeydown={on_rename_key} onblur={on_rename_blur} />
        }
    } else {
        html! { <h2 class="pane-name">{ name.clone() }</h2> }
    };

    let blocked = pane.facts.blocked_on.as_ref().map(|keys| {
        let countdown = pane.facts.block_deadline_ms.map(|deadline| {
            let left = deadline.saturating_sub(*now_ms);
            html! {
                <span class="pane-countdown" data-testid="pane-countdown" data-ms={left.to_string()}
                      aria-label="Time left before the block times out">
                    { format!("{:.1} s", left as f64 / 1000.0) }
                </span>
            }
        });
        html! {
            <div class="pane-detail">
                { "waiting on " }
                <span class="pane-blocked-keys" data-testid="pane-blocked-keys">{ keys.join(" ") }</span>
                { for countdown }
            </div>
        }
    });
    // While the pane does not read: how much waits for it in the server's output buffer.
    let held = pane.facts.not_reading.map(|(bytes, limit)| {
        let of = if limit > 0 {
            format!(" of {}", human_bytes(limit))
        } else {
            String::new()
        };
        html! {
            <div class="pane-detail" data-testid="pane-buffer" data-bytes={bytes.to_string()}>
                { format!("not reading · {} buffered{of}", human_bytes(bytes)) }
            </div>
        }
    });
    // Shown whenever the client has subscriptions (a RESP3 client may also be in MULTI).
    let subscriptions = (!pane.facts.subscriptions.is_empty()).then(|| html! {
        <ul class="pane-detail pane-subscriptions" data-testid="pane-subscriptions"
            aria-label="Subscriptions">
            { for pane.facts.subscriptions.iter().map(|(kind, sub)| html! {
                <li class={classes!("pane-subscription", kind.name())} data-testid="pane-subscription"
                    data-name={sub.clone()} data-kind={kind.name()}>{ sub.clone() }</li>
            }) }
        </ul>
    });

    html! {
        <section class="pane" data-testid="pane" data-client={name.clone()} role="region"
                 aria-label={format!("Console {name}")}>
            <header class="pane-head">
                { title }
                <span class="pane-meta">
                    <span class="pane-id">{ "id " }<span data-testid="pane-client-id">{ pane.facts.client.map(|c| c.to_string()).unwrap_or_else(|| "–".into()) }</span></span>
                    <span class="pane-protocol" data-testid="pane-protocol">{ protocol_label(pane.facts.protocol) }</span>
                    <span class={classes!("pane-state", state)} data-testid="pane-state" role="status">{ state }</span>
                </span>
                <span class="pane-buttons">
                    <button type="button" class="pane-button" data-testid="pane-raw-toggle"
                            aria-pressed={pane.raw.to_string()}
                            aria-label={format!("Show raw RESP in {name}")}
                            title="Show replies as raw RESP bytes" onclick={on_raw}>{ "RESP" }</button>
                    <button type="button" class="pane-button" data-testid="pane-reading"
                            aria-pressed={(!reading).to_string()}
                            title={if reading { "Stop reading this connection (the server buffers its replies)" } else { "Read this connection again" }}
                            onclick={on_reading}>{ if reading { "Stop reading" } else { "Read" } }</button>
                    <button type="button" class="pane-button" data-testid="pane-rename"
                            aria-label={format!("Rename {name}")} title="Rename" onclick={on_rename}>{ "Rename" }</button>
                    <button type="button" class="pane-button" data-testid="pane-remove"
                            aria-label={format!("Remove {name}")} title="Remove" onclick={on_remove}>{ "✕" }</button>
                </span>
            </header>
            { for subscriptions }
            { for blocked }
            { for held }
            <div class="pane-body" {onclick}>
                <PaneOutput lines={pane.lines.clone()} label={format!("Output of {name}")} highlight={props.highlight} />
            </div>
            <div class="pane-input-row">
                <span class="pane-prompt" aria-hidden="true">{ pane.facts.prompt.clone() }</span>
                <span class="pane-input-wrap">
                    <input ref={input_ref} class="pane-input" data-testid="pane-input" type="text"
                           aria-label={format!("Command for {name}")} aria-describedby={hint_id.clone()}
                           autocomplete="off" autocapitalize="off" autocorrect="off" spellcheck="false"
                           enterkeyhint="send"
                           value={pane.draft.clone()} {onkeydown} {oninput} {onpaste} />
                    <span class="pane-ghost" aria-hidden="true">
                        <span class="pane-ghost-typed">{ pane.draft.clone() }</span>
                        <span class="pane-hint" id={hint_id} data-testid="pane-hint">{ hint }</span>
                    </span>
                </span>
            </div>
        </section>
    }
}

/// A byte count for the pane's buffer line: `512 B`, `15.2 KB`, `1.2 MB`, `32 MB`.
fn human_bytes(n: u64) -> String {
    let (value, unit) = match n {
        0..=1023 => return format!("{n} B"),
        1024..=1_048_575 => (n as f64 / 1024.0, "KB"),
        _ => (n as f64 / 1_048_576.0, "MB"),
    };
    let text = format!("{value:.1}");
    format!("{} {unit}", text.strip_suffix(".0").unwrap_or(&text))
}

/// Moves the keyboard focus to the input, if it is on the page.
fn focus(input_ref: &NodeRef) {
    if let Some(input) = input_ref.cast::<HtmlInputElement>() {
        // Focus can fail only for an element that is not focusable; nothing to do then.
        let _ = input.focus();
    }
}
