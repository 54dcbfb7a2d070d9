//! The session benchmark (`./dev.sh bench-session`, or `cargo bench --bench session`): time
//! travel and the session's overhead, native and wasm32 (the `wasm_bench` example built with
//! opt-level 3 and run by Node, as `benches/streams.rs` does).
//!
//! 1. Seek: a session of 100,001 steps holding a 1,000,000-entry stream (the big session of
//!    `benches/support/session_workload.rs`: `10 XADD s * f v` steps through the console's
//!    repeat prefix, a group read and its XACK every 100 steps); `STREAMPLAY_SESSION_SEEKS`
//!    (default 200) seeks to random steps (a fixed seed), median and max ms. Goals: under
//!    50 ms native, 150 ms wasm.
//! 2. Checkpoint memory (native): the heap the checkpoints hold beyond what the live state
//!    shares with them (heap freed by dropping them all, counted by this file's
//!    `#[global_allocator]`), against the live state's heap (the session's heap less its
//!    checkpoints and its step log). Goal: under 2x.
//! 3. Throughput: `XADD s * f v` as steps through `Session::run_shared` (the page's call; and
//!    natively `Session::run`, which returns each output by value) against the bare engine doing
//!    the same work (tokenize with `cli::split`, `Engine::execute`, format the reply with
//!    `cli::format`), commands/s, median of `STREAMPLAY_BENCH_RUNS` runs (default 5) of
//!    `STREAMPLAY_SESSION_OPS` commands (default 200,000). Goal: the session at least 0.9x.
//!
//! 4. A group-heavy session (native): a 100,000-entry PEL (`STREAMPLAY_SESSION_PEL`) built by
//!    reads of 100, then `STREAMPLAY_SESSION_GROUP_BLOCKS` (default 10,000) blocks of three steps
//!    that read and ack in it as a work queue does: `10 XADD s * f v`, `XREADGROUP GROUP g c
//!    COUNT 10 STREAMS s >` and the `XACK` of the ten oldest pending ids, so the PEL keeps its
//!    size while every block changes the group. 20 random seeks (median, max), then the
//!    checkpoints against the live state as in 2. Goal: under 2x.
//!
//! Quick mode: `STREAMPLAY_SESSION_STEPS` changes the 100,000 block steps (the stream holds
//! ten entries per step), e.g. `STREAMPLAY_SESSION_STEPS=5000 STREAMPLAY_SESSION_OPS=20000`.
//! `STREAMPLAY_SESSION_WASM=0` skips the wasm32 half.

#[path = "support/counting_alloc.rs"]
mod counting_alloc;
#[path = "support/session_workload.rs"]
mod session_workload;
#[path = "support/stats.rs"]
mod stats;
#[path = "support/wasm_build.rs"]
mod wasm_build;
use counting_alloc::{count_calls, live};
use stats::{env_u64, median};
use wasm_build::build_wasm;

use std::path::{Path, PathBuf};
use std::process::{Command, Stdio};
use std::time::Instant;

use session_workload::{
    bare_run, build, console_run, entries, session_run, session_run_by_value, Rng, START_MS,
};
use streamplay::engine::{Profile, Reply};
use streamplay::session::{Session, SessionConfig};

fn max(xs: &[f64]) -> f64 {
    xs.iter().copied().fold(f64::NAN, f64::max)
}

fn mb(bytes: isize) -> String {
    format!("{:.1} MB", bytes as f64 / 1e6)
}

/// The milliseconds each of `n` random seeks (and a last one to the newest step) took.
fn seek_times(s: &mut Session, n: u64) -> Vec<f64> {
    targets(s.len(), n)
        .into_iter()
        .map(|k| {
            let t = Instant::now();
            s.seek(k).expect("a seek to a step that exists");
            t.elapsed().as_secs_f64() * 1e3
        })
        .collect()
}

/// The heap the checkpoints hold (freed by dropping them all, which this does) and the heap a
/// copy of the step log takes.
fn checkpoints_and_log(s: &mut Session) -> (isize, isize) {
    let at = live();
    let log = s.log().to_vec();
    let log_bytes = live() - at;
    drop(log);
    let at = live();
    s.clear_checkpoints();
    (at - live(), log_bytes)
}

/// The seek targets: `n` random steps of a session of `len` steps, then its newest step.
fn targets(len: usize, n: u64) -> Vec<usize> {
    let mut rng = Rng(0x5e55_1017);
    let mut t: Vec<usize> = (0..n).map(|_| rng.below(len as u64 + 1) as usize).collect();
    t.push(len);
    t
}

/// What the Node run printed: `SEEK ms <each>`, `SESSION ops <each run>`, `BARE ops <each run>`.
struct WasmFigures {
    seeks: Vec<f64>,
    session: Vec<f64>,
    bare: Vec<f64>,
    build_secs: f64,
}

fn wasm_run(
    root: &Path,
    steps: u64,
    seeks: u64,
    ops: u64,
    runs: u64,
) -> Result<WasmFigures, String> {
    // The streams benchmark's `bench` build: one build serves both benchmarks.
    let module = build_wasm(root, "bench")?;
    let out = Command::new("node")
        .arg(root.join("benches/support/wasm_run.js"))
        .arg(&module)
        .arg("session")
        .args([steps, seeks, ops, runs].map(|n| n.to_string()))
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!("node failed: {}", out.status));
    }
    let mut figures = WasmFigures {
        seeks: vec![],
        session: vec![],
        bare: vec![],
        build_secs: f64::NAN,
    };
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        let mut words = line.split(' ');
        let (Some(name), Some(_)) = (words.next(), words.next()) else {
            continue;
        };
        let values: Vec<f64> = words.filter_map(|v| v.parse().ok()).collect();
        match name {
            "SEEK" => figures.seeks = values,
            "SESSION" => figures.session = values,
            "BARE" => figures.bare = values,
            "BUILD" => figures.build_secs = values.first().copied().unwrap_or(f64::NAN),
            _ => {}
        }
    }
    Ok(figures)
}

/// The group-heavy session: `pel` entries added and read by `c` in group `g` (reads of 100),
/// then `blocks` blocks of `10 XADD s * f v`, a read of ten and the XACK of the ten oldest
/// pending ids (the clock is paused, so entry `n` is `START_MS-n`).
fn build_group_session(pel: u64, blocks: u64) -> Session {
    let config = SessionConfig {
        max_steps: (pel / 100 * 2 + blocks * 3 + 2) as usize,
        ..SessionConfig::default()
    };
    let mut s = Session::new(config, Profile::V8, START_MS);
    s.run("A", "XGROUP CREATE s g $ MKSTREAM")
        .expect("the first step runs");
    for _ in 0..pel / 100 {
        s.run("A", "100 XADD s * f v").expect("an XADD step runs");
    }
    for _ in 0..pel / 100 {
        s.run("A", "XREADGROUP GROUP g c COUNT 100 STREAMS s >")
            .expect("a read step runs");
    }
    for b in 0..blocks {
        s.run("A", "10 XADD s * f v").expect("an XADD step runs");
        s.run("A", "XREADGROUP GROUP g c COUNT 10 STREAMS s >")
            .expect("a read step runs");
        let ids: Vec<String> = (0..10)
            .map(|n| format!("{START_MS}-{}", b * 10 + n))
            .collect();
        let out = s
            .run("A", &format!("XACK s g {}", ids.join(" ")))
            .expect("an XACK step runs");
        assert_eq!(
            out.replies(),
            [Reply::Integer(10)],
            "each XACK acks ten pending ids"
        );
    }
    s
}

/// What the group-heavy session measured.
struct GroupFigures {
    steps: usize,
    pel: u64,
    build_secs: f64,
    seek_median: f64,
    seek_max: f64,
    checkpoint_bytes: isize,
    state_bytes: isize,
    log_bytes: isize,
}

fn group_session(pel: u64, blocks: u64, seeks: u64) -> GroupFigures {
    let h0 = live();
    let t = Instant::now();
    let mut s = build_group_session(pel, blocks);
    let build_secs = t.elapsed().as_secs_f64();
    let total = live() - h0;
    let times = seek_times(&mut s, seeks);
    let steps = s.len();
    let (checkpoint_bytes, log_bytes) = checkpoints_and_log(&mut s);
    GroupFigures {
        steps,
        pel,
        build_secs,
        seek_median: median(times.clone()),
        seek_max: max(&times),
        checkpoint_bytes,
        state_bytes: total - checkpoint_bytes - log_bytes,
        log_bytes,
    }
}

fn main() {
    // `cargo bench` passes `--bench`; this benchmark has no harness and no filters.
    let steps = env_u64("STREAMPLAY_SESSION_STEPS", 100_000);
    let seeks = env_u64("STREAMPLAY_SESSION_SEEKS", 200);
    let ops = env_u64("STREAMPLAY_SESSION_OPS", 200_000);
    let runs = env_u64("STREAMPLAY_BENCH_RUNS", 5).max(1);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));

    // 1. The big session, and seeks in it.
    let h0 = live();
    let t = Instant::now();
    let mut s = build(steps);
    let build_secs = t.elapsed().as_secs_f64();
    let total = live() - h0;
    let (kept, spacing) = s.checkpoint_stats();
    println!(
        "session: {} steps, {} entries, built in {build_secs:.1} s; {kept} checkpoints, {spacing} work apart",
        s.len(),
        entries(steps),
    );
    let times = seek_times(&mut s, seeks);
    let seek_median = median(times.clone());
    let seek_max = max(&times);

    // 2. Memory, at the newest step (restored by the last seek, as after any seek).
    let (checkpoint_bytes, log_bytes) = checkpoints_and_log(&mut s);
    let state_bytes = total - checkpoint_bytes - log_bytes;
    drop(s);

    // 3. Throughput.
    let mut session_ops = Vec::new();
    let mut bare_ops = Vec::new();
    let mut console_ops = Vec::new();
    let mut by_value_ops = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let c = console_run(ops);
        console_ops.push(ops as f64 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        let a = bare_run(ops);
        bare_ops.push(ops as f64 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        let b = session_run(ops);
        session_ops.push(ops as f64 / t.elapsed().as_secs_f64());
        let t = Instant::now();
        let v = session_run_by_value(ops);
        by_value_ops.push(ops as f64 / t.elapsed().as_secs_f64());
        assert_eq!(b, v, "both session calls printed the same lines");
        assert_eq!(
            a, b,
            "the session and the bare engine printed the same lines"
        );
        assert_eq!(
            a, c,
            "the console and the bare engine printed the same lines"
        );
    }
    // What each path asks of the allocator per step (one more short run of each).
    let per_step = |run: fn(u64) -> u64| {
        let n = (ops / 10).max(1);
        let (calls, bytes) = count_calls(|| {
            run(n);
        });
        (calls as f64 / n as f64, bytes as f64 / n as f64)
    };
    let allocs = [
        ("`Session::run_shared`", per_step(session_run)),
        ("`Session::run`", per_step(session_run_by_value)),
        ("bare engine", per_step(bare_run)),
        ("`console::run_line`", per_step(console_run)),
    ];
    // 4. The group-heavy session.
    let group = group_session(
        env_u64("STREAMPLAY_SESSION_PEL", 100_000).max(100),
        env_u64("STREAMPLAY_SESSION_GROUP_BLOCKS", 10_000),
        20,
    );

    let session_native = median(session_ops);
    let bare_native = median(bare_ops);
    let console_native = median(console_ops);
    let by_value_native = median(by_value_ops);

    let wasm = if env_u64("STREAMPLAY_SESSION_WASM", 1) == 0 {
        Err("skipped (STREAMPLAY_SESSION_WASM=0)".to_string())
    } else {
        wasm_run(&root, steps, seeks, ops, runs)
    };

    println!();
    println!("| figure | native | wasm32 (Node) | goal |");
    println!("|---|---|---|---|");
    let (w_med, w_max, w_ratio, w_session, w_bare, w_build) = match &wasm {
        Ok(w) => {
            let session = median(w.session.clone());
            let bare = median(w.bare.clone());
            (
                format!("{:.1}", median(w.seeks.clone())),
                format!("{:.1}", max(&w.seeks)),
                format!("{:.2}", session / bare),
                format!("{session:.0}"),
                format!("{bare:.0}"),
                format!("{:.1} s", w.build_secs),
            )
        }
        Err(e) => {
            println!("(wasm32: {e})");
            let n = || "-".to_string();
            (n(), n(), n(), n(), n(), n())
        }
    };
    println!(
        "| build the session ({} steps) | {build_secs:.1} s | {w_build} | |",
        steps + 1
    );
    println!("| seek, median ms ({seeks} random steps) | {seek_median:.1} | {w_med} | |");
    println!("| seek, max ms | {seek_max:.1} | {w_max} | < 50 native, < 150 wasm |");
    println!(
        "| checkpoints / live state | {} / {} = {:.2} | | < 2 |",
        mb(checkpoint_bytes),
        mb(state_bytes),
        checkpoint_bytes as f64 / state_bytes as f64
    );
    println!("| (the step log) | {} | | |", mb(log_bytes));
    println!("| `Session::run_shared` commands/s | {session_native:.0} | {w_session} | |");
    println!("| `Session::run` (by value) commands/s | {by_value_native:.0} | | |");
    println!("| bare engine commands/s | {bare_native:.0} | {w_bare} | |");
    println!("| `console::run_line` commands/s | {console_native:.0} | | |");
    println!(
        "| session / bare | {:.2} | {w_ratio} | >= 0.9 |",
        session_native / bare_native
    );
    println!(
        "| session / console | {:.2} | | |",
        session_native / console_native
    );
    println!(
        "| session by value / bare | {:.2} | | |",
        by_value_native / bare_native
    );

    println!();
    println!("| allocations per step (native) | calls | bytes asked |");
    println!("|---|---|---|");
    for (name, (n, bytes)) in allocs {
        println!("| {name} | {n:.2} | {bytes:.0} |");
    }

    println!();
    println!(
        "group-heavy session: {} steps, a {}-entry PEL read and acked in, built in {:.1} s",
        group.steps, group.pel, group.build_secs
    );
    println!();
    println!("| figure | native | goal |");
    println!("|---|---|---|");
    println!(
        "| seek, median / max ms (20 random steps) | {:.1} / {:.1} | |",
        group.seek_median, group.seek_max
    );
    println!(
        "| checkpoints / live state | {} / {} = {:.2} | < 2 |",
        mb(group.checkpoint_bytes),
        mb(group.state_bytes),
        group.checkpoint_bytes as f64 / group.state_bytes as f64
    );
    println!("| (the step log) | {} | |", mb(group.log_bytes));
}
