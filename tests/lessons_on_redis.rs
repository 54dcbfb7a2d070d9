//! Every built-in lesson replayed on a real Redis (`streamplay::replay`): profile 7.0
//! lessons against redis-server 7.0.15, profile 8 ones against Redis 8.0.2, each on its own
//! server on a free loopback port. A learner who types a lesson into real Redis sees what
//! the playground showed; the steps that cannot agree are listed here, each with its reason,
//! so a new difference (or one that went away) fails.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use streamplay::lessons;
use streamplay::replay::{replay, Options};
use support::{start_real, Version};

/// Steps of a lesson that differ on the real server, by the command they type, and why.
const KNOWN: &[(&str, &str, &str)] = &[
    // The lesson adds an explicit id after ids made by `*` at the lesson's clock (2023);
    // on a real server `*` made ids of today, so the explicit one is too small and refused,
    // and the stream's later replies lack it.
    (
        "streams-basics",
        "XADD sensor 1700000005000-0",
        "explicit id below real time",
    ),
    (
        "streams-basics",
        "XRANGE sensor - +",
        "explicit id below real time",
    ),
    (
        "streams-basics",
        "XREVRANGE sensor + - COUNT 1",
        "explicit id below real time",
    ),
    (
        "streams-basics",
        "XLEN sensor",
        "explicit id below real time",
    ),
    // Redis 8.2-8.4 additions the profile has and Redis 8.0.2 has not (README "Proven
    // against which server").
    ("dead-letters", "XACKDEL", "8.2+"),
    ("dead-letters", "XPENDING jobs workers", "after XACKDEL"),
    ("dead-letters", "XLEN jobs", "after XACKDEL"),
    ("trimming", "ACKED", "8.2+"),
    ("trimming", "DELREF", "8.2+"),
    ("trimming", "XTRIM tasks MAXLEN 2", "after ACKED"),
    ("trimming", "XPENDING tasks g", "after DELREF"),
    // MEMORY USAGE is the engine's own byte count, not jemalloc's.
    ("common-mistakes", "MEMORY USAGE", "engine's byte count"),
    // A pane that stops reading: a real server's client keeps being read by the replay
    // (and the kernel's socket buffers would absorb hundreds of KB first), so the real
    // subscriber is never disconnected.
    ("common-mistakes", "PUBLISH prices", "output buffer"),
    (
        "common-mistakes",
        "CLIENT LIST TYPE pubsub",
        "output buffer",
    ),
    ("common-mistakes", "PUBSUB NUMSUB prices", "output buffer"),
];

#[test]
fn every_lesson_replays_on_real_redis() {
    let mut summary = Vec::new();
    let mut unexpected = Vec::new();
    let mut seen: Vec<(&str, String)> = Vec::new();
    for lesson in lessons::all() {
        let v8 = lesson.text.lines().any(|l| l.trim() == "@profile 8");
        let server = start_real(if v8 { Version::V8 } else { Version::V7 });
        let report = replay(
            lesson.text,
            &format!("127.0.0.1:{}", server.port),
            &Options::default(),
        )
        .unwrap_or_else(|e| panic!("{}: {e}", lesson.name));
        println!("{}", report.render(lesson.name));
        for d in &report.differences {
            seen.push((lesson.name, d.command.clone()));
            let known = KNOWN
                .iter()
                .any(|(name, command, _)| *name == lesson.name && d.command.contains(command));
            if !known {
                unexpected.push(format!("{} line {}: {}", lesson.name, d.line, d.command));
            }
        }
        summary.push(format!(
            "{}: {} steps, {} equal, {} by shape, {} differ",
            lesson.name,
            report.steps,
            report.equal,
            report.by_shape,
            report.differences.len()
        ));
    }
    println!("{}", summary.join("\n"));
    // Every known difference still happens (a fixed one is taken off the list).
    for (name, command, why) in KNOWN {
        assert!(
            seen.iter().any(|(n, c)| n == name && c.contains(command)),
            "{name}: {command} ({why}) no longer differs"
        );
    }
    assert!(
        unexpected.is_empty(),
        "unexpected differences:\n{}",
        unexpected.join("\n")
    );
}
