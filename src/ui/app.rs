//! The page shell: the heading, the console panes, and the clock tick that moves engine time.

use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::clock;
use super::pane::PaneView;
use super::state::{profile_label, Action, Session};
use crate::engine::Profile;

/// The whole page.
#[component]
pub fn App() -> Html {
    let session = use_reducer(|| Session::new(clock::now_ms()));

    // Time moves even when nobody types, so that a blocked client times out on its own. The
    // interval lives as long as the page; dropping it in the cleanup stops it.
    {
        let dispatcher = session.dispatcher();
        use_effect_with((), move |_| {
            let interval = Interval::new(clock::TICK_MS, move || {
                dispatcher.dispatch(Action::Tick {
                    now_ms: clock::now_ms(),
                })
            });
            move || drop(interval)
        });
    }

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
    html! {
        <main class="app">
            <header class="app-head">
                <h1>{ "streamplay" }</h1>
                <p class="tagline">
                    { "A Redis Pub/Sub and Streams playground. Type a command, press Enter; ↑ and ↓ recall earlier lines." }
                </p>
                <label class="profile-picker">
                    { "Server " }
                    <select data-testid="profile" aria-label="Redis version profile" {onchange}>
                        { for [Profile::V8, Profile::V7].into_iter().map(|p| html! {
                            <option value={p.name()} selected={p == current}>{ profile_label(p) }</option>
                        }) }
                    </select>
                </label>
            </header>
            <div class="panes">
                { for session.panes.iter().enumerate().map(|(index, pane)| html! {
                    <PaneView key={index} {index} pane={Rc::clone(pane)} dispatch={dispatcher.clone()} />
                }) }
            </div>
        </main>
    }
}
