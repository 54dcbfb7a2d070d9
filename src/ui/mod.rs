//! The Yew page (wasm32 only): the app shell, its console panes, and the state they share.
//!
//! - `service`: the page's one `crate::session::Session` (outside the reducer) and the calls
//!   that change it, each handing what the session returned to the reducer;
//! - `state`: the page's own state (each pane's lines, input, history, toggles and client
//!   facts) and its pure reducer;
//! - `lines`: a pane's output store (reference-counted chunks, cheap to copy and append to);
//! - `clock`: real time (read nowhere else);
//! - `frame`: layout reads deferred to the next animation frame, once per frame;
//! - `app`: the page shell (toolbar, panes, the clock tick, saving, the JS API);
//! - `pane`: one console pane (header, state, prompt, input keys, hint);
//! - `output`: a pane's output lines, virtualized;
//! - `storage`: the session and the pane state across reloads in `localStorage`;
//! - `api`: `window.streamplay`;
//! - `learn`: the lessons and challenges panel and the first visit's welcome;
//! - `views`: the views beside the consoles (keyspace, Pub/Sub, streams and groups, what just
//!   happened) and the timeline, drawn from the session's view model.

mod api;
mod app;
mod clock;
mod frame;
mod learn;
mod lines;
mod output;
mod pane;
mod service;
mod state;
mod storage;
mod views;

pub use app::{App, AppProps, STORAGE_KEY};
pub use storage::{base64_decode, base64_encode};

/// Mounts the page into `<body>`.
pub fn start() {
    yew::Renderer::<App>::new().render();
}
