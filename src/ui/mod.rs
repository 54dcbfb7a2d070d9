//! The Yew page (wasm32 only): the app shell, its console panes, and the state they share.
//!
//! - `state`: the session (one engine, the panes) and the actions that change it;
//! - `repl`: what a pane does with a typed line and with frames it receives, following redis-cli's loop;
//! - `clock`: where the page reads the time it passes to the engine;
//! - `app`: the page shell (heading, panes, the clock tick);
//! - `pane`: one console pane (output lines, prompt, input, history keys).

mod app;
mod clock;
mod pane;
mod repl;
mod state;

pub use app::App;

/// Mounts the page into `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
