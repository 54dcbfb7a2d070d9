//! Random differential test of the list commands (the generator is
//! `support/random/lists.rs`, the runner `support/random/mod.rs`): against redis-server
//! 7.0.15 and `streamplay-server --profile 7.0`, and against Redis 8.0.2 and `--profile 8`
//! (where OBJECT ENCODING shows the listpack conversions), every reply compared byte for
//! byte, in runs of RESP2 and RESP3.
//!
//! `STREAMPLAY_RANDOM_COMMANDS` sets the number of commands (default 4,000),
//! `STREAMPLAY_RANDOM_SEED` the seed. `STREAMPLAY_LISTS_PORTS=<redis port>,<streamplay
//! port>` runs the workload against two servers already listening instead (as profile 7.0).

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/random/mod.rs"]
mod random;
mod support;

use random::{lists, Plan};
use support::Version;

fn random_list_commands_match(version: Version) {
    let ports: Option<Vec<u16>> = std::env::var("STREAMPLAY_LISTS_PORTS")
        .ok()
        .map(|v| v.split(',').filter_map(|p| p.trim().parse().ok()).collect());
    let seed = random::seed(0x1157_2026);
    let plan = Plan {
        name: "differential_lists_random",
        version,
        commands: 4_000,
        seed,
        run_length: (200, 1000),
        clients: 1,
        ports: ports.filter(|p| p.len() == 2).map(|p| (p[0], p[1])),
    };
    let stats = random::run(plan, &mut lists::Gen::new(seed));
    // The generator must mostly produce commands that work, on lists.
    assert!(
        stats.errors * 2 < stats.commands,
        "{} of {} random commands were errors: the generator is off",
        stats.errors,
        stats.commands
    );
    assert!(
        stats.types_seen.contains_key("list"),
        "TYPE never saw a list: the generator is off"
    );
    eprintln!(
        "random lists, profile {} against {}: {stats}",
        version.profile(),
        version.redis()
    );
}

#[test]
fn random_list_commands_match_redis() {
    random_list_commands_match(Version::V7);
}

/// The same workload in profile 8 against Redis 8.0.2, OBJECT ENCODING included.
#[test]
fn random_list_commands_match_redis_8_0_2() {
    random_list_commands_match(Version::V8);
}
