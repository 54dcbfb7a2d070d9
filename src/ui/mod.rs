//! The Yew page (wasm32 only): the app shell, its console panes, and the state they share.
//!
//! - `state`: the session (one engine, the panes) and the actions that change it; what a typed line
//!   does is `crate::console`'s job (shared with the transcript runner), the pane adds the echo,
//!   the history and the late frames;
//! - `clock`: where the page reads the time it passes to the engine;
//! - `app`: the page shell (heading, panes, the clock tick);
//! - `pane`: one console pane (header, prompt, input, history keys);
//! - `output`: a pane's output lines.

mod app;
mod clock;
mod output;
mod pane;
mod state;

pub use app::App;

/// Mounts the page into `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
