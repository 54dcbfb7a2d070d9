//! The page shell: the heading, the toolbar (add a pane, profile, clock), the console panes, the
//! clock tick that moves engine time, saving the session, and the JS API.

use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::api;
use super::clock::{self, VirtualClock, SPEEDS};
use super::pane::PaneView;
use super::state::{profile_label, Action, Session};
use super::storage;
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
    let session = {
        let key = storage_key.clone();
        use_reducer(move || {
            let now = clock::now_ms();
            let (saved, notice) = storage::load(&key, now);
            Session::restore(saved, notice, now)
        })
    };

    // Time moves even when nobody types, so that a blocked client times out on its own. The
    // interval lives as long as the page; dropping it in the cleanup stops it.
    {
        let dispatcher = session.dispatcher();
        use_effect_with((), move |_| {
            api::install(dispatcher.clone());
            let interval = Interval::new(clock::TICK_MS, move || {
                dispatcher.dispatch(Action::Tick {
                    now_ms: clock::now_ms(),
                });
                api::flush();
            });
            move || drop(interval)
        });
    }
    // Saved whenever something worth saving changed.
    {
        let session = session.clone();
        use_effect_with(session.saved, move |generation| {
            if *generation > 0 {
                storage::save(&storage_key, &session.to_saved());
            }
        });
    }
    // Listeners of the JS API hear what the last change did.
    use_effect(api::flush);

    let dispatcher = session.dispatcher();
    let current = session.profile();
    let onchange = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            if let Some(profile) = Profile::parse(&select.value()) {
                dispatcher.dispatch(Action::SetProfile {
                    profile,
                    now_ms: clock::now_ms(),
                });
            }
        })
    };
    let on_add = {
        let dispatcher = dispatcher.clone();
        Callback::from(move |_: MouseEvent| {
            dispatcher.dispatch(Action::AddPane {
                now_ms: clock::now_ms(),
            })
        })
    };
    let now = session.engine_time(clock::now_ms());
    let v8 = current == Profile::V8;
    html! {
        <main class="app">
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
                    <ClockView clock={session.clock} dispatch={dispatcher.clone()} />
                </div>
            </header>
            if let Some(notice) = &session.notice {
                <p class="notice" data-testid="session-notice" role="alert">{ notice.clone() }</p>
            }
            <div class="panes">
                { for session.panes.iter().map(|pane| {
                    let now_ms = if pane.block_deadline_ms.is_some() { now } else { 0 };
                    html! {
                        <PaneView key={pane.key} pane={Rc::clone(pane)} dispatch={dispatcher.clone()}
                                  {v8} {now_ms} />
                    }
                }) }
            </div>
        </main>
    }
}

#[derive(Properties, PartialEq)]
struct ClockProps {
    clock: VirtualClock,
    dispatch: UseReducerDispatcher<Session>,
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
    let now = props.clock.now(clock::now_ms());
    let paused = props.clock.paused();
    let on_toggle = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::ClockPause {
                paused: !paused,
                now_ms: clock::now_ms(),
            })
        })
    };
    let jump = |ms: u64, label: &'static str, aria: &'static str| {
        let dispatch = props.dispatch.clone();
        let onclick = Callback::from(move |_: MouseEvent| {
            dispatch.dispatch(Action::ClockJump {
                ms,
                now_ms: clock::now_ms(),
            })
        });
        html! {
            <button type="button" class="clock-button" data-testid="clock-jump" data-ms={ms.to_string()}
                    aria-label={aria} {onclick}>{ label }</button>
        }
    };
    let on_speed = {
        let dispatch = props.dispatch.clone();
        Callback::from(move |e: Event| {
            let Some(select) = e.target_dyn_into::<web_sys::HtmlSelectElement>() else {
                return;
            };
            if let Ok(percent) = select.value().parse::<u32>() {
                dispatch.dispatch(Action::ClockSpeed {
                    percent,
                    now_ms: clock::now_ms(),
                });
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
                    <option value={p.to_string()} selected={p == props.clock.speed()}>
                        { format!("{}×", p as f64 / 100.0) }
                    </option>
                }) }
            </select>
        </div>
    }
}
