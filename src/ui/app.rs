//! The page shell: the heading, the console panes, and the clock tick that moves engine time.

use std::rc::Rc;

use gloo_timers::callback::Interval;
use yew::prelude::*;

use super::clock;
use super::pane::PaneView;
use super::state::{Action, Session};

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
    html! {
        <main class="app">
            <header class="app-head">
                <h1>{ "streamplay" }</h1>
                <p class="tagline">
                    { "A Redis Pub/Sub and Streams playground. Type a command, press Enter; ↑ and ↓ recall earlier lines." }
                </p>
            </header>
            <div class="panes">
                { for session.panes.iter().enumerate().map(|(index, pane)| html! {
                    <PaneView key={index} {index} pane={Rc::clone(pane)} dispatch={dispatcher.clone()} />
                }) }
            </div>
        </main>
    }
}
