//! streamplay: a Redis Pub/Sub and Streams playground that runs in the browser.
//!
//! - `engine`: the deterministic, sans-IO Redis emulator (commands, data,
//!   replies, RESP encoding). Built for native and wasm32 alike.
//! - `challenges`: interview-prep tasks checked against the session's state and
//!   the commands the reader typed.
//! - `cli`: redis-cli's text rules as pure functions (line splitting, shared with
//!   the server's inline protocol; quoting, reply formatting, HELP, hints).
//! - `console`: what a console pane does with a typed line (redis-cli's rules),
//!   shared by the page and the transcript runner.
//! - `session`: the one owner of the state (engine, panes, virtual clock, step
//!   log, checkpoints): steps, time travel, save/load, the scenario runner.
//! - `share`: share links (a versioned, compressed scenario in the URL fragment,
//!   its caps) and the embed URL's values, pure and native-testable.
//! - `transcript`: the transcript/scenario format, parsed and rendered.
//! - `replay` (native only): a scenario replayed against a real Redis, compared step by step.
//! - `lessons`: the built-in lessons (scenarios) and their split into parts.
//! - `server` (native only): the RESP2/RESP3 TCP server around one engine with a
//!   real clock, used by redis-cli, client libraries and the differential tests.
//! - `ui` (wasm32 only): the Yew page.

pub mod challenges;
pub mod cli;
pub mod console;
pub mod engine;
pub mod lessons;
pub mod session;
pub mod share;
pub mod transcript;
pub mod vec_map;

#[cfg(not(target_arch = "wasm32"))]
pub mod replay;
#[cfg(not(target_arch = "wasm32"))]
pub mod server;

#[cfg(target_arch = "wasm32")]
pub mod ui;
