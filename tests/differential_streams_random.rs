//! Random differential test of the stream commands (the generator is
//! `support/random/streams.rs`, the runner `support/random/mod.rs`): against
//! redis-server 7.0.15 and `streamplay-server --profile 7.0`, and against Redis 8.0.2 and
//! `--profile 8` (none of these commands differs on purpose between 8.0 and 8.4), every
//! reply compared byte for byte (XINFO STREAM: except the value of `radix-tree-nodes`), in
//! runs of RESP2 and RESP3 under random stream node limits.
//!
//! `STREAMPLAY_RANDOM_COMMANDS` sets the number of commands (default 3,000;
//! `./dev.sh diff-full` runs 100,000), `STREAMPLAY_RANDOM_SEED` the seed.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/random/mod.rs"]
mod random;
mod support;

use random::{streams, Plan};
use support::Version;

#[test]
fn random_stream_commands_match_redis() {
    random_stream_commands_match(Version::V7);
}

/// The same workload in profile 8 against Redis 8.0.2.
#[test]
fn random_stream_commands_match_redis_8_0_2() {
    random_stream_commands_match(Version::V8);
}

fn random_stream_commands_match(version: Version) {
    let seed = random::seed(0x5eed_2024);
    let plan = Plan {
        name: "differential_streams_random",
        version,
        commands: 3_000,
        seed,
        run_length: (300, 1500),
        clients: 1,
        ports: None,
    };
    let stats = random::run(plan, &mut streams::Gen::new(seed));
    // The generator must mostly produce commands that work.
    assert!(
        stats.errors * 2 < stats.commands,
        "{} of {} random commands were errors: the generator is off",
        stats.errors,
        stats.commands
    );
    eprintln!(
        "random streams, profile {} against {}: {stats}",
        version.profile(),
        version.redis()
    );
}
