//! The view model kept by events stays equal to a fresh `ViewModel::from_inspect`
//! through list commands: pushes, pops that empty and delete a key, a key that
//! changes type, blocked pops served (a BLMOVE feeding another waiter), timed
//! out and cancelled, MULTI/EXEC, in both profiles.

#![cfg(not(target_arch = "wasm32"))]

use streamplay::engine::{Config, Engine, Profile};
use streamplay::session::view_model::ViewModel;

const START_MS: u64 = 1_700_000_000_000;

#[test]
fn the_view_model_follows_list_commands() {
    for profile in [Profile::V7, Profile::V8] {
        let mut e = Engine::new(Config {
            profile,
            ..Config::default()
        });
        let c: Vec<_> = (0..3).map(|_| e.connect(START_MS)).collect();
        let mut vm = ViewModel::from_inspect(&e, START_MS);
        let script: &[(usize, u64, &str)] = &[
            (0, 0, "RPUSH l a b c"),
            (1, 0, "BLMOVE src dst LEFT RIGHT 0"),
            (2, 0, "BLPOP dst other 5"),
            (0, 1, "RPUSH src 1 2"),
            (0, 1, "LPOP l 2"),
            (0, 1, "LPOP l"),
            (1, 1, "BRPOP l 0.5"),
            (0, 400, "SET l x"),
            (0, 400, "DEL l"),
            (0, 1, "MULTI"),
            (0, 1, "LPUSH l m"),
            (0, 1, "RPUSH l2 n"),
            (0, 1, "EXEC"),
            (2, 1, "BLMPOP 0 2 q1 q2 LEFT COUNT 3"),
            (0, 1, "LINSERT src BEFORE 2 x"),
            (0, 1, "LTRIM src 5 9"),
            (0, 1, "RENAME l2 q2"),
            (1, 1, "BLPOP never 0.2"),
            (0, 1000, "LLEN never"),
        ];
        let mut now = START_MS;
        for &(client, dt, line) in script {
            now += dt;
            let out = e.advance(now);
            vm.apply_step(&out.events);
            let argv = line.split(' ').map(|w| w.as_bytes().to_vec()).collect();
            let out = e.execute(c[client], argv, now);
            vm.apply_step(&out.events);
            vm.refill(&e, now);
            let mut fresh = ViewModel::from_inspect(&e, now);
            fresh.effects = vm.effects.clone();
            assert!(vm == fresh, "{profile:?}: after {line}");
        }
        // Every waiter was served or timed out.
        assert!(c.iter().all(|&id| !e.is_blocked(id)), "{profile:?}");
    }
}
