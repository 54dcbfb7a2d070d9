//! Random differential test of the sorted set commands (the generator is
//! `support/random/zsets.rs`, the runner and its comparison rules `support/random/mod.rs`:
//! ZRANDMEMBER by type, length, membership and scores, a skiplist's ZSCAN by its pairs in
//! any order), against redis-server 7.0.15 and `streamplay-server --profile 7.0`, and against
//! Redis 8.0.2 and `--profile 8`, in runs of RESP2 and RESP3.
//!
//! `STREAMPLAY_RANDOM_COMMANDS` sets the number of commands (default 3,000), and
//! `STREAMPLAY_RANDOM_SEED` the seed.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/random/mod.rs"]
mod random;
mod support;

use random::{zsets, Plan};
use support::Version;

#[test]
fn random_zset_commands_match_redis() {
    random_zset_commands_match(Version::V7);
}

/// The same workload in profile 8 against Redis 8.0.2.
#[test]
fn random_zset_commands_match_redis_8_0_2() {
    random_zset_commands_match(Version::V8);
}

fn random_zset_commands_match(version: Version) {
    let seed = random::seed(0x25e7_2026);
    let plan = Plan {
        name: "differential_zsets_random",
        version,
        commands: 3_000,
        seed,
        run_length: (200, 1200),
        clients: 1,
        ports: None,
    };
    let stats = random::run(plan, &mut zsets::Gen::new(seed));
    assert!(
        stats.errors * 2 < stats.commands,
        "{} of {} random commands were errors: the generator is off",
        stats.errors,
        stats.commands
    );
    eprintln!(
        "random sorted sets, profile {} against {}: {stats}",
        version.profile(),
        version.redis()
    );
}
