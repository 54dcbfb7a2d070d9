//! Random differential test of the hash and set commands (the generator is
//! `support/random/hashes_sets.rs`, the runner and its comparison rules
//! `support/random/mod.rs`: hashtable listings as sets after both servers agree on OBJECT
//! ENCODING, random picks by shape and membership), against redis-server 7.0.15 and
//! `streamplay-server --profile 7.0`, and against Redis 8.0.2 and `--profile 8`, in runs of
//! RESP2 and RESP3.
//!
//! `STREAMPLAY_RANDOM_COMMANDS` sets the number of commands (default 3,000),
//! `STREAMPLAY_RANDOM_SEED` the seed.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/random/mod.rs"]
mod random;
mod support;

use random::{hashes_sets, Plan};
use support::Version;

#[test]
fn random_hash_and_set_commands_match_redis() {
    random_hash_and_set_commands_match(Version::V7);
}

/// The same workload in profile 8 against Redis 8.0.2.
#[test]
fn random_hash_and_set_commands_match_redis_8_0_2() {
    random_hash_and_set_commands_match(Version::V8);
}

fn random_hash_and_set_commands_match(version: Version) {
    let seed = random::seed(0x5e7_4a54);
    let plan = Plan {
        name: "differential_hashes_sets_random",
        version,
        commands: 3_000,
        seed,
        run_length: (200, 1000),
        clients: 1,
        ports: None,
    };
    let stats = random::run(plan, &mut hashes_sets::Gen::new(seed));
    assert!(
        stats.errors * 3 < stats.commands,
        "{} of {} random commands were errors: the generator is off",
        stats.errors,
        stats.commands
    );
    eprintln!(
        "random hashes and sets, profile {} against {}: {stats}",
        version.profile(),
        version.redis()
    );
}
