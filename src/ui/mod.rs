//! The Yew page (wasm32 only): the app shell, its console panes, and the state they share.
//!
//! - `state`: the session (one engine, the panes, the virtual clock) and the actions that change
//!   it; what a typed line does is `crate::console`'s job (shared with the transcript runner),
//!   the pane adds the echo, the history, completion and the late frames;
//! - `lines`: a pane's output store (reference-counted chunks, cheap to copy and append to);
//! - `clock`: real time (read nowhere else) and the virtual clock the engine sees;
//! - `app`: the page shell (toolbar, panes, the clock tick, saving, the JS API);
//! - `pane`: one console pane (header, state, prompt, input keys, hint);
//! - `output`: a pane's output lines, virtualized;
//! - `storage`: the session across reloads in `localStorage`;
//! - `api`: `window.streamplay`.

mod api;
mod app;
mod clock;
mod lines;
mod output;
mod pane;
mod state;
mod storage;

pub use app::{App, AppProps, STORAGE_KEY};

/// Mounts the page into `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
