//! The session benchmark's workloads, shared by the native benchmark (`benches/session.rs`)
//! and its wasm32 half (`examples/wasm_bench.rs`, run under Node), so both builds run exactly
//! the same code.
//!
//! The big session: step 1 is `XGROUP CREATE s g $ MKSTREAM`, then blocks of 100 steps, each
//! 98 XADD steps through the console's repeat prefix (`10 XADD s * f v`, two of them with 20)
//! adding 1,000 entries, a group read `XREADGROUP GROUP g c COUNT 10 STREAMS s >` and the
//! `XACK` of the ten ids it got. The clock stays paused, so every `*` id is in one millisecond
//! and the ids are known in advance. 100,000 block steps hold a 1,000,000-entry stream.

use streamplay::cli::{format, split};
use streamplay::console;
use streamplay::engine::{ClientId, Config, Engine, Profile};
use streamplay::session::{Session, SessionConfig};

/// The session's (paused) clock: every `XADD *` id is `START_MS-<n>`.
pub const START_MS: u64 = 1_700_000_000_000;

/// The line of block step `i` (0-based).
pub fn line(i: u64) -> String {
    let block = i / 100;
    match i % 100 {
        0 | 49 => "20 XADD s * f v".to_string(),
        98 => "XREADGROUP GROUP g c COUNT 10 STREAMS s >".to_string(),
        99 => {
            // The group reads the stream from its start, ten entries a block.
            let ids: Vec<String> = (0..10)
                .map(|n| format!("{START_MS}-{}", block * 10 + n))
                .collect();
            format!("XACK s g {}", ids.join(" "))
        }
        _ => "10 XADD s * f v".to_string(),
    }
}

/// The entries `steps` block steps add.
pub fn entries(steps: u64) -> u64 {
    (0..steps)
        .map(|i| match i % 100 {
            0 | 49 => 20,
            98 | 99 => 0,
            _ => 10,
        })
        .sum()
}

/// The big session with `steps` block steps (and the XGROUP CREATE before them).
pub fn build(steps: u64) -> Session {
    let config = SessionConfig {
        max_steps: steps as usize + 1,
        ..SessionConfig::default()
    };
    let mut s = Session::new(config, Profile::V8, START_MS);
    s.run("A", "XGROUP CREATE s g $ MKSTREAM")
        .expect("the first step runs");
    for i in 0..steps {
        s.run("A", &line(i)).expect("a block step runs");
    }
    s
}

/// A deterministic generator (splitmix64) for the seek targets.
pub struct Rng(pub u64);

impl Rng {
    pub fn below(&mut self, n: u64) -> u64 {
        self.0 = self.0.wrapping_add(0x9e37_79b9_7f4a_7c15);
        let mut z = self.0;
        z = (z ^ (z >> 30)).wrapping_mul(0xbf58_476d_1ce4_e5b9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94d0_49bb_1331_11eb);
        (z ^ (z >> 31)) % n.max(1)
    }
}

/// The throughput workload's line: one XADD a step (a fresh stream per run).
pub const THROUGHPUT_LINE: &str = "XADD s * f v";

/// A fresh session for `n` throughput steps.
fn throughput_session(n: u64) -> Session {
    let config = SessionConfig {
        max_steps: n as usize + 1,
        ..SessionConfig::default()
    };
    Session::new(config, Profile::V8, START_MS)
}

/// `n` steps of [`THROUGHPUT_LINE`] through `Session::run_shared` (what the page calls: it
/// keeps each output behind an `Rc`) in a fresh session; returns the reply lines printed (so
/// nothing is optimised away).
#[inline(never)]
pub fn session_run(n: u64) -> u64 {
    let mut s = throughput_session(n);
    let mut lines = 0;
    for _ in 0..n {
        let out = s.run_shared("A", THROUGHPUT_LINE).expect("XADD runs");
        lines += out.lines.len() as u64;
    }
    lines
}

/// As [`session_run`] through `Session::run`, which returns each output by value (the
/// scenario runner's and the tests' call; timed natively only).
#[allow(dead_code)]
#[inline(never)]
pub fn session_run_by_value(n: u64) -> u64 {
    let mut s = throughput_session(n);
    let mut lines = 0;
    for _ in 0..n {
        let out = s.run("A", THROUGHPUT_LINE).expect("XADD runs");
        lines += out.lines.len() as u64;
    }
    lines
}

/// A profile-8 engine with one client connected at the start.
fn v8_client() -> (Engine, ClientId) {
    let mut engine = Engine::new(Config {
        profile: Profile::V8,
        ..Config::default()
    });
    let client = engine.connect(START_MS);
    (engine, client)
}

/// The same work on the bare engine: tokenize the line (`cli::split`), `Engine::execute`,
/// format the reply as the console does (`cli::format`); returns the lines printed.
#[inline(never)]
pub fn bare_run(n: u64) -> u64 {
    let (mut engine, client) = v8_client();
    let mut lines = 0;
    for _ in 0..n {
        let argv = split::split_args(THROUGHPUT_LINE.as_bytes()).expect("the line splits");
        let out = engine.execute(client, argv, START_MS);
        if let Some(reply) = &out.reply {
            lines += format::format(reply).lines().count() as u64;
        }
    }
    lines
}

/// The same work through the console's own `run_line` (what the session calls for a typed
/// line: redis-cli lines, the raw RESP frame, the replies); returns the lines printed.
#[inline(never)]
pub fn console_run(n: u64) -> u64 {
    let (mut engine, client) = v8_client();
    let mut lines = 0;
    for _ in 0..n {
        let typed = console::run_line(&mut engine, client, THROUGHPUT_LINE, START_MS);
        lines += typed.lines.len() as u64;
    }
    lines
}
