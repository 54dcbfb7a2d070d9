//! What cloning an engine (a session checkpoint) costs: the heap a clone adds
//! and the time it takes, for an engine holding one big stream with a big
//! consumer-group PEL, and what a change to the clone adds (an XADD, an XACK
//! and an XREADGROUP in the shared group). A counting allocator measures the
//! heap. The test uses 100,000 entries and a 10,000-entry PEL; `STREAMPLAY_CLONE_ENTRIES=1000000`
//! (with `--release`) measures the 1M-entry / 100k-PEL case and prints the
//! figures (`-- --nocapture`).

#![cfg(not(target_arch = "wasm32"))]

#[path = "../benches/support/counting_alloc.rs"]
mod counting_alloc;
use counting_alloc::live;

use std::time::Instant;

use streamplay::engine::{Config, Engine, Reply};

fn argv(line: &str) -> Vec<Vec<u8>> {
    line.split(' ').map(|w| w.as_bytes().to_vec()).collect()
}

#[test]
fn a_checkpoint_costs_a_small_fraction_of_the_state() {
    let entries: u64 = std::env::var("STREAMPLAY_CLONE_ENTRIES")
        .ok()
        .and_then(|n| n.parse().ok())
        .unwrap_or(100_000);
    let pel = entries / 10;

    let before = live();
    let mut e = Engine::new(Config::default());
    let c = e.connect(0);
    for i in 1..=entries {
        let line = format!("XADD s {i}-0 user {} action click", i % 1000);
        e.execute(c, argv(&line), 1);
    }
    e.execute(c, argv("XGROUP CREATE s g 0"), 1);
    let at_read = live();
    let read = format!("XREADGROUP GROUP g worker COUNT {pel} STREAMS s >");
    let out = e.execute(c, argv(&read), 2);
    assert!(matches!(out.reply, Some(Reply::Array(_))));
    drop(out);
    // The heap the group's PELs took (the group's and the consumer's).
    let pel_heap = live() - at_read;
    let state = live() - before;

    let at = live();
    let started = Instant::now();
    let clone = e.clone();
    let took = started.elapsed();
    let extra = live() - at;
    // The first allocations after the big reply was freed can pay for the
    // system allocator tidying up; later clones show the clone's own cost.
    let again: Vec<_> = (0..3)
        .map(|_| {
            let started = Instant::now();
            let c = e.clone();
            let took = started.elapsed();
            drop(c);
            took
        })
        .collect();

    let started = Instant::now();
    let saved = e.save();
    let save_took = started.elapsed();

    // A change to the clone copies only what it touches: the last node for
    // an XADD; for an XACK and a read, the group's small parts and the PEL
    // nodes on the changed paths (the PELs are persistent B-trees).
    let mut changed = clone.clone();
    let at_change = live();
    changed.execute(c, argv(&format!("XADD s {}-0 f v", entries + 1)), 3);
    let after_xadd = live() - at_change;
    let at_group = live();
    let acked = changed.execute(c, argv(&format!("XACK s g {}-0", pel / 2)), 3);
    assert_eq!(acked.reply, Some(Reply::Integer(1)));
    let after_xack = live() - at_group;
    let out = changed.execute(c, argv("XREADGROUP GROUP g worker COUNT 10 STREAMS s >"), 4);
    assert!(matches!(out.reply, Some(Reply::Array(_))));
    drop(out);
    let after_read = live() - at_group;
    // The original still has the entry pending and nothing more: the change
    // did not leak through the shared PEL.
    let pending = e.execute(c, argv("XPENDING s g"), 5);
    let Some(Reply::Array(summary)) = &pending.reply else {
        panic!("XPENDING answered {:?}", pending.reply);
    };
    assert_eq!(summary[0], Reply::Integer(pel as i64));
    let pending = changed.execute(c, argv("XPENDING s g"), 5);
    let Some(Reply::Array(summary)) = &pending.reply else {
        panic!("XPENDING answered {:?}", pending.reply);
    };
    assert_eq!(summary[0], Reply::Integer(pel as i64 - 1 + 10));

    eprintln!(
        "{entries} entries, {pel} pending: state {state} B, PELs {pel_heap} B; clone {extra} B \
         ({:.2}% of the state) in {took:?} (then {again:?}); save {} B in {save_took:?}; a changed \
         clone: +{after_xadd} B after XADD, then +{after_xack} B after XACK, +{after_read} B after \
         XACK and XREADGROUP ({:.2}% of the PELs)",
        extra as f64 * 100.0 / state as f64,
        saved.len(),
        after_read as f64 * 100.0 / pel_heap as f64,
    );
    // The clone shares the entries and the PEL: it copies the keyspace map, the
    // stream's node map (pointers) and the small per-engine structures only.
    assert!(extra * 20 < state, "clone {extra} B vs state {state} B");
    // An append to a shared stream copies at most a node, not the stream.
    assert!(
        after_xadd * 20 < state,
        "XADD on a clone added {after_xadd} B"
    );
    // An ack and a read in a shared group copy a small part of its PELs, not
    // the PELs (copying them would add about `pel_heap`).
    assert!(
        after_read * 20 < pel_heap,
        "XACK and XREADGROUP on a clone added {after_read} B, the PELs take {pel_heap} B"
    );
    drop((clone, changed));
}
