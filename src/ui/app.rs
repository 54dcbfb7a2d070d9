//! The page shell: the heading, the toolbar (add a pane, profile, clock, a new session), the
//! console panes, and the effects: the clock tick that moves the session's time, saving, and
//! the JS API.

use std::cell::RefCell;
use std::rc::Rc;

use gloo_timers::callback::Interval;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::api;
use super::clock::{self, SPEEDS};
use super::embed;
use super::learn::Learn;
use super::pane::PaneView;
use super::service::Ctl;
use super::share::{self, ShareLink};
use super::state::{profile_label, Action, ClockFacts};
use super::storage;
use super::views::{TimelineView, ViewAction, Views};
use crate::engine::Profile;

/// Where the session is saved unless the host says otherwise.
pub const STORAGE_KEY: &str = "streamplay.session";

#[derive(Properties, PartialEq)]
pub struct AppProps {
    /// The `localStorage` key of the saved session (tests give each page its own).
    #[prop_or(AttrValue::Static(STORAGE_KEY))]
    pub storage_key: AttrValue,
}

impl Default for AppProps {
    fn default() -> Self {
        AppProps {
            storage_key: AttrValue::Static(STORAGE_KEY),
        }
    }
}

/// The whole page.
#[component]
pub fn App(props: &AppProps) -> Html {
    let storage_key = props.storage_key.clone();
    // The service and the page's first state come from storage once; the session lives in the
    // service, the page's own state in the reducer.
    let boot = use_memo((), {
        let key = storage_key.clone();
        move |_| {
            let (ctl, page) = Ctl::boot(&key);
            (ctl, RefCell::new(Some(page)))
        }
    });
    let ctl = boot.0.clone();
    let page = {
        let boot = boot.clone();
        use_reducer(move || {
            boot.1.borrow_mut().take().unwrap_or_else(|| {
                // Only reached if Yew asked for the initial state twice; a fresh start is safe.
                Ctl::boot("streamplay.unsaved").1
            })
        })
    };
    ctl.set_dispatch(page.dispatcher());

    // Time moves even when nobody types, so that a blocked client times out on its own and a
    // key expires with nobody looking. The interval lives as long as the page; dropping it in
    // the cleanup stops it. The session is saved when the page goes away.
    {
        let ctl = ctl.clone();
        use_effect_with((), move |_| {
            api::install(ctl.clone());
            let on_hide = {
                let ctl = ctl.clone();
                Closure::<dyn Fn()>::new(move || ctl.save_now())
            };
            if let Some(w) = web_sys::window() {
                let _ = w
                    .add_event_listener_with_callback("pagehide", on_hide.as_ref().unchecked_ref());
            }
            let interval = Interval::new(clock::TICK_MS, move || ctl.tick());
            move || {
                if let Some(w) = web_sys::window() {
                    let _ = w.remove_event_listener_with_callback(
                        "pagehide",
                        on_hide.as_ref().unchecked_ref(),
                    );
                }
                drop(interval);
            }
        });
    }
    // The pane state is saved whenever it changed.
    {
        let page = page.clone();
        use_effect_with(page.saved, move |generation| {
            if *generation > 0 && !storage::save(&storage_key, &page.to_saved()) {
                page.dispatch(Action::Notice(Some(
                    "The browser's storage is full: the panes and their histories could not be saved.".into(),
                )));
            }
        });
    }
    // Listeners of the JS API hear what the last change did.
    use_effect(api::flush);
    // A share link's or an embed's start (`share.rs`, `embed.rs`), once mounted.
    let opening = use_memo((), |_| share::opening());
    {
        let (ctl, page, opening) = (ctl.clone(), page.clone(), opening.clone());
        use_effect_with((), move |_| {
            if let Some(o) = opening.as_ref() {
                o.embed.iter().for_each(|p| embed::install_bridge(p));
                share::on_mount(&ctl, &page, o);
            }
        });
    }

    let dispatch = page.dispatcher();
    let current = page.profile;
    let onchange = {
        let ctl = ctl.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            if let Some(profile) = Profile::parse(&select.value()) {
                ctl.set_profile(profile);
            }
        })
    };
    let on_add = {
        let ctl = ctl.clone();
        Callback::from(move |_: MouseEvent| ctl.add_pane())
    };
    let v8 = current == Profile::V8;
    let hover = page.views_ui.hover.clone();
    let view_dispatch = {
        let dispatch = dispatch.clone();
        Callback::from(move |a: ViewAction| dispatch.dispatch(Action::View(a)))
    };
    let motion = page.views_ui.motion;
    let on_motion = {
        let dispatch = dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::View(ViewAction::Motion(!motion)))
        })
    };
    let speed = page.clock.speed;
    if let Some(params) = opening.as_ref().as_ref().and_then(|o| o.embed.as_ref()) {
        return embed::layout(params, &page, &ctl, &dispatch, &view_dispatch);
    }
    let link_banner = opening.as_ref().as_ref().filter(|o| o.from_link).map(|o| {
        let page = page.clone();
        share::link_banner(&ctl, &o.own_key, move || page.to_saved())
    });
    html! {
        <main class="app" style={format!("--motion-scale:{}", motion_scale(speed))}>
            <header class="app-head">
                <h1>{ "streamplay" }</h1>
                <p class="tagline">
                    { "A Redis Pub/Sub and Streams playground. Type a command, press Enter; ↑ ↓ history, Tab completes, Ctrl+L clears, Ctrl+C cancels a blocked command." }
                </p>
                <div class="toolbar">
                    <button type="button" class="add-pane" data-testid="add-pane"
                            aria-label="Add a console pane" onclick={on_add}>{ "+ Console" }</button>
                    <label class="profile-picker">
                        { "Server " }
                        <select data-testid="profile" aria-label="Redis version profile" {onchange}>
                            { for [Profile::V8, Profile::V7].into_iter().map(|p| html! {
                                <option value={p.name()} selected={p == current}>{ profile_label(p) }</option>
                            }) }
                        </select>
                    </label>
                    <ClockView clock={page.clock} ctl={ctl.clone()} />
                    <button type="button" class="motion-toggle" data-testid="motion-toggle"
                            aria-pressed={motion.to_string()} onclick={on_motion}
                            title="Animations follow the clock's speed; the system's reduced-motion setting turns them off">
                        { if motion { "Animations on" } else { "Animations off" } }
                    </button>
                    <NewSession ctl={ctl.clone()} />
                    <ShareLink ctl={ctl.clone()} generation={(page.saved, page.panes.iter().map(|p| p.lines.len()).sum())} />
                </div>
            </header>
            { link_banner }
            if let Some(notice) = &page.notice {
                <p class="notice" data-testid="session-notice" role="alert">{ notice.clone() }</p>
            }
            <Learn ctl={ctl.clone()} views={view_dispatch.clone()} />
            <div class="workspace">
                <div class="panes" aria-label="Consoles" style={format!("--panes:{}", page.panes.len().max(1))}>
                    { for page.panes.iter().map(|pane| {
                        let now_ms = if pane.facts.block_deadline_ms.is_some() { page.clock.now_ms } else { 0 };
                        let highlight = hover.as_ref()
                            .filter(|c| c.pane.as_deref() == Some(pane.name()))
                            .and_then(|c| pane.command_line(&c.line));
                        html! {
                            <PaneView key={pane.key} pane={Rc::clone(pane)} ctl={ctl.clone()}
                                      dispatch={dispatch.clone()} {v8} {now_ms} {highlight} />
                        }
                    }) }
                </div>
                <Views facts={page.views.clone()} ui={Rc::clone(&page.views_ui)} ctl={ctl.clone()}
                       dispatch={view_dispatch} />
            </div>
            <TimelineView facts={Rc::clone(&page.views.timeline)} ctl={ctl.clone()} />
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct NewSessionProps {
    ctl: Ctl,
}

/// The name of an exported scenario's file.
const EXPORT_FILE: &str = "streamplay-session.txt";

/// Offers `text` as a file download (a link to a Blob, clicked once).
fn download(text: &str) {
    let Some(document) = web_sys::window().and_then(|w| w.document()) else {
        return;
    };
    let parts = js_sys::Array::of1(&JsValue::from_str(text));
    let options = web_sys::BlobPropertyBag::new();
    options.set_type("text/plain;charset=utf-8");
    let Ok(blob) = web_sys::Blob::new_with_str_sequence_and_options(&parts, &options) else {
        return;
    };
    let Ok(url) = web_sys::Url::create_object_url_with_blob(&blob) else {
        return;
    };
    if let Ok(a) = document
        .create_element("a")
        .map(|a| a.unchecked_into::<web_sys::HtmlAnchorElement>())
    {
        a.set_href(&url);
        a.set_download(EXPORT_FILE);
        a.click();
    }
    let _ = web_sys::Url::revoke_object_url(&url);
}

/// The "new session" control: it says that the current session is discarded and offers its
/// export (as a file, or copied) before anything is lost.
#[component]
fn NewSession(props: &NewSessionProps) -> Html {
    let open = use_state(|| false);
    let copied = use_state(|| false);
    let ctl = props.ctl.clone();
    let on_open = {
        let open = open.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            copied.set(false);
            open.set(!*open);
        })
    };
    let button = html! {
        <button type="button" class="new-session" data-testid="new-session"
                aria-expanded={open.to_string()} aria-controls="new-session-panel"
                onclick={on_open}>{ "New session" }</button>
    };
    if !*open {
        return button;
    }
    let steps = ctl.read(|s| s.len()).unwrap_or_default();
    let on_download = {
        let ctl = ctl.clone();
        Callback::from(move |_: MouseEvent| download(&ctl.export_scenario()))
    };
    let on_copy = {
        let ctl = ctl.clone();
        let copied = copied.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                // The promise settles later; the page only says that the copy was asked for.
                let _ = w.navigator().clipboard().write_text(&ctl.export_scenario());
                copied.set(true);
            }
        })
    };
    let on_confirm = {
        let ctl = ctl.clone();
        let open = open.clone();
        Callback::from(move |_: MouseEvent| {
            ctl.new_session();
            open.set(false);
        })
    };
    let on_cancel = {
        let open = open.clone();
        Callback::from(move |_: MouseEvent| open.set(false))
    };
    html! {
        <>
            { button }
            <div class="new-session-panel" id="new-session-panel" data-testid="new-session-panel"
                 role="group" aria-label="Start a new session">
                <p>
                    { format!("A new session starts empty: the keys, the panes and the {} of this one are discarded. ", steps_text(steps)) }
                    { "Export it first to keep it: the scenario replays it in a new session." }
                </p>
                <div class="new-session-buttons">
                    <button type="button" data-testid="new-session-export" onclick={on_download}>{ "Download scenario" }</button>
                    <button type="button" data-testid="new-session-copy" onclick={on_copy}>
                        { if *copied { "Copied" } else { "Copy scenario" } }
                    </button>
                    <button type="button" class="danger" data-testid="new-session-confirm" onclick={on_confirm}>{ "Discard and start new" }</button>
                    <button type="button" data-testid="new-session-cancel" onclick={on_cancel}>{ "Cancel" }</button>
                </div>
            </div>
        </>
    }
}

#[derive(Properties, PartialEq)]
struct ClockProps {
    clock: ClockFacts,
    ctl: Ctl,
}

/// How often the clock display is redrawn.
const CLOCK_REDRAW_MS: u32 = 100;

/// The engine clock: its time (`clock`, `data-ms`), pause/play, jumps and speed.
#[component]
fn ClockView(props: &ClockProps) -> Html {
    let redraw = use_force_update();
    use_effect_with((), move |_| {
        let interval = Interval::new(CLOCK_REDRAW_MS, move || redraw.force_update());
        move || drop(interval)
    });
    // The session's clock moves at every tick; the display reads it at each redraw.
    let now = props.ctl.now_ms();
    let paused = props.clock.paused;
    let on_toggle = {
        let ctl = props.ctl.clone();
        Callback::from(move |_: MouseEvent| ctl.set_paused(!paused))
    };
    let jump = |ms: u64, label: &'static str, aria: &'static str| {
        let ctl = props.ctl.clone();
        let onclick = Callback::from(move |_: MouseEvent| ctl.jump(ms));
        html! {
            <button type="button" class="clock-button" data-testid="clock-jump" data-ms={ms.to_string()}
                    aria-label={aria} {onclick}>{ label }</button>
        }
    };
    let on_speed = {
        let ctl = props.ctl.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            if let Ok(percent) = select.value().parse::<u32>() {
                ctl.set_speed(percent);
            }
        })
    };
    let date = js_sys::Date::new(&wasm_bindgen::JsValue::from_f64(now as f64));
    let shown = date.to_iso_string().as_string().unwrap_or_default();
    let shown = shown.get(11..23).unwrap_or(&shown).to_string();
    html! {
        <div class="clock-bar" role="group" aria-label="Engine clock">
            <span class="clock" data-testid="clock" data-ms={now.to_string()}
                  title="Engine time (UTC)">{ shown }</span>
            <button type="button" class="clock-button" data-testid="clock-toggle"
                    aria-pressed={paused.to_string()}
                    aria-label={if paused { "Resume the engine clock" } else { "Pause the engine clock" }}
                    onclick={on_toggle}>{ if paused { "Play" } else { "Pause" } }</button>
            { jump(1_000, "+1 s", "Move the clock 1 second forward") }
            { jump(60_000, "+1 min", "Move the clock 1 minute forward") }
            { jump(3_600_000, "+1 h", "Move the clock 1 hour forward") }
            <select class="clock-speed" data-testid="clock-speed" aria-label="Clock speed" onchange={on_speed}>
                { for SPEEDS.iter().map(|&p| html! {
                    <option value={p.to_string()} selected={p == props.clock.speed}>
                        { format!("{}×", p as f64 / 100.0) }
                    </option>
                }) }
            </select>
        </div>
    }
}

/// How long animations take relative to 1x: they follow the clock's speed, within bounds a
/// person can still follow (a 100x clock does not make a message dot invisible).
fn motion_scale(speed_percent: u32) -> String {
    let scale = (100.0 / speed_percent.max(1) as f64).clamp(0.25, 3.0);
    format!("{scale:.2}")
}

/// "1 step", "6 steps".
pub(crate) fn steps_text(n: usize) -> String {
    if n == 1 {
        "1 step".to_string()
    } else {
        format!("{n} steps")
    }
}
