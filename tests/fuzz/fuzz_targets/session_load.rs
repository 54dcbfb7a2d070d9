//! The `session_load` fuzz target: `targets::session_load` (shared with `tests/fuzz_corpus.rs`).
#![no_main]

#[path = "../targets.rs"]
mod targets;

libfuzzer_sys::fuzz_target!(|data: &[u8]| targets::session_load(data));
