//! Replaying scenarios against a real Redis (`streamplay::replay`, `streamplay-replay`):
//! the fixtures under tests/scenarios/ against redis-server 7.0.15 and Redis 8.0.2, each
//! on its own server on a free loopback port, a handful of tests/transcripts/ as a smoke
//! test, and a server whose data makes a reply differ, which the report must name.
//!
//! The fixtures run as written in the playground too (`BLESS=1 cargo test --test replay`
//! rewrites their expected output after a deliberate change).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::path::PathBuf;
use std::time::{Duration, Instant};

use streamplay::replay::{replay, Options, Report};
use streamplay::transcript;
use support::{start_real, Conn, Version};

fn read(path: &str) -> String {
    let full = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join(path);
    std::fs::read_to_string(&full).unwrap_or_else(|e| panic!("{}: {e}", full.display()))
}

fn addr(port: u16) -> String {
    format!("127.0.0.1:{port}")
}

/// Replays `path` and prints its report (shown when a test fails).
fn run(path: &str, port: u16, opts: &Options) -> Report {
    let report = replay(&read(path), &addr(port), opts).expect("the replay runs");
    println!("{}", report.render(path));
    report
}

/// The line of the first step of `path` that types `typed` in some pane.
fn line_of(path: &str, typed: &str) -> usize {
    let steps = transcript::parse(&read(path)).unwrap();
    steps
        .iter()
        .find(|s| matches!(&s.step, transcript::Step::Command { line, .. } if line == typed))
        .unwrap_or_else(|| panic!("{path} has no step {typed:?}"))
        .line
}

fn assert_no_difference(report: &Report, path: &str) {
    assert!(
        report.differences.is_empty(),
        "{path}: {} difference(s):\n{}",
        report.differences.len(),
        report.render(path)
    );
    assert!(report.steps > 0, "{path}: nothing was compared");
    assert_eq!(
        report.equal + report.by_shape,
        report.steps,
        "{path}: every step is equal"
    );
}

const FIXTURES_V7: [&str; 6] = [
    "tests/scenarios/stream_ids.txt",
    "tests/scenarios/multi_ids.txt",
    "tests/scenarios/pubsub.txt",
    "tests/scenarios/blocked_xread.txt",
    "tests/scenarios/short_jump.txt",
    "tests/scenarios/long_jump.txt",
];

#[test]
fn the_fixtures_run_as_written_in_the_playground() {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/scenarios");
    let bless = std::env::var_os("BLESS").is_some();
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .unwrap()
        .map(|e| e.unwrap().path())
        .collect();
    files.sort();
    assert!(files.len() >= 9, "the fixtures are there");
    for path in files {
        let text = std::fs::read_to_string(&path).unwrap();
        let steps = transcript::parse(&text).unwrap();
        let result = transcript::replay(&steps);
        if bless && !result.mismatches.is_empty() {
            std::fs::write(&path, transcript::render(&steps, &result)).unwrap();
            continue;
        }
        assert!(
            result.mismatches.is_empty(),
            "{}: {:?}",
            path.display(),
            result.mismatches
        );
    }
}

#[test]
fn the_fixtures_replay_on_redis_7_without_a_difference() {
    let server = start_real(Version::V7);
    let opts = Options::default();
    for path in FIXTURES_V7 {
        let report = run(path, server.port, &opts);
        assert_no_difference(&report, path);
        assert_eq!(report.server_version, "7.0.15");
        assert!(report.scenario_mismatches.is_empty());
        assert!(report.notes.iter().any(|n| n.contains("FLUSHALL")));
    }
    // The ids Redis generated are not the playground's: the comparison went through the map.
    let mut conn = Conn::open(server.port).unwrap();
    let ids = conn.call_raw(&support::argv("XRANGE tasks - +"));
    let ids = String::from_utf8_lossy(&ids);
    assert!(
        ids.contains("-0\r\n") && !ids.contains("1700000000000-0"),
        "{ids}"
    );
}

#[test]
fn a_short_clock_jump_is_waited_and_a_long_one_compared_by_shape() {
    let server = start_real(Version::V7);
    let opts = Options::default();
    let short = "tests/scenarios/short_jump.txt";
    let started = Instant::now();
    let report = run(short, server.port, &opts);
    assert!(
        started.elapsed() >= Duration::from_millis(600),
        "the jump was waited"
    );
    assert_no_difference(&report, short);
    assert!(report.skipped_jumps.is_empty());

    let long = "tests/scenarios/long_jump.txt";
    let report = run(long, server.port, &opts);
    assert_no_difference(&report, long);
    let jump = transcript::parse(&read(long))
        .unwrap()
        .iter()
        .find(|s| matches!(s.step, transcript::Step::Clock { relative: true, .. }))
        .unwrap()
        .line;
    assert_eq!(report.skipped_jumps, vec![(jump, 60000)]);
    let xpending = line_of(long, "XPENDING tasks workers - + 10");
    let xautoclaim = line_of(long, "XAUTOCLAIM tasks workers w2 60000 0");
    assert!(report.time_dependent.contains(&xpending));
    assert!(report.time_dependent.contains(&xautoclaim));
    // XPENDING's idle times are 60000 in the playground and 60000 and a few ms on Redis (its
    // pending entries were aged by the jump): equal, or equal by shape.
    let note = report
        .notes
        .iter()
        .find(|n| n.starts_with("clock jumps not waited"))
        .expect("the report says the jump was not waited");
    assert!(note.contains(&format!("line {jump} (+60000 ms)")), "{note}");
    assert!(note.contains(&xpending.to_string()), "{note}");
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("2 pending entr(y/ies) were made 60000 ms older")),
        "{:?}",
        report.notes
    );

    // A limit below the short jump skips it: the block is ended with CLIENT UNBLOCK and the
    // key's time to live shortened, so the replies still agree.
    let tight = Options {
        wait_max_ms: 100,
        ..Options::default()
    };
    let report = run(short, server.port, &tight);
    assert_eq!(report.skipped_jumps.len(), 1);
    assert_no_difference(&report, short);
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("1 key(s) with a time to live")));

    // Keys expire across a long jump as in the playground, with their notifications.
    let ttl = "tests/scenarios/ttl_long_jump.txt";
    let report = run(ttl, server.port, &opts);
    assert_no_difference(&report, ttl);
    assert_eq!(report.skipped_jumps.len(), 1);
    assert!(report
        .notes
        .iter()
        .any(|n| n.contains("2 key(s) with a time to live")));
    assert!(report.time_dependent.contains(&line_of(ttl, "TTL other")));
}

#[test]
fn a_reply_that_differs_on_redis_is_reported_with_its_step() {
    let server = start_real(Version::V7);
    let path = "tests/scenarios/preset_key.txt";
    let mut conn = Conn::open(server.port).unwrap();
    conn.call_raw(&support::argv("SET greeting hello"));
    let report = run(
        path,
        server.port,
        &Options {
            flush: false,
            ..Options::default()
        },
    );
    assert_eq!(report.differences.len(), 1, "{}", report.render(path));
    let d = &report.differences[0];
    assert_eq!(d.line, line_of(path, "GET greeting"));
    assert_eq!(d.pane, "A");
    assert_eq!(d.command, "A> GET greeting");
    assert_eq!(d.playground, vec!["(nil)".to_string()]);
    assert_eq!(d.redis, vec!["\"hello\"".to_string()]);
    assert_eq!(report.equal, report.steps - 1);
    assert!(!report.notes.iter().any(|n| n.contains("FLUSHALL")));

    // With FLUSHALL first (the default) the same server replays it without a difference.
    conn.call_raw(&support::argv("SET greeting hello"));
    assert_no_difference(&run(path, server.port, &Options::default()), path);
}

#[test]
fn the_fixtures_replay_on_redis_8() {
    let server = start_real(Version::V8);
    let path = "tests/scenarios/resp3_v8.txt";
    let report = run(path, server.port, &Options::default());
    assert_no_difference(&report, path);
    assert_eq!(report.server_version, "8.0.2");
    // HELLO's version and client id differ on any real server: equal by shape.
    assert_eq!(report.by_shape, 1);
    // A 7.0 scenario runs against Redis 8 too, and the report says which server it expects.
    let path = "tests/scenarios/pubsub.txt";
    let report = run(path, server.port, &Options::default());
    assert_no_difference(&report, path);
    assert!(
        report
            .notes
            .iter()
            .any(|n| n.contains("expects Redis 7.0.15")),
        "{:?}",
        report.notes
    );
}

/// Transcripts of the engine's tests that replay on a real Redis with no difference (the
/// others type client ids, read INFO, hash orders or random picks). 02_strings, 32_claim and
/// 33_claim_v8 jump the clock past what is waited: Redis's TTLs and pending entries are moved
/// on instead; 02_strings also gives absolute expiry times (EXAT, PXAT), sent moved.
#[test]
fn some_transcripts_replay_without_a_difference() {
    let v7 = start_real(Version::V7);
    let v8 = start_real(Version::V8);
    let opts = Options::default();
    let cases = [
        ("tests/transcripts/01_connection.txt", v7.port),
        ("tests/transcripts/02_strings.txt", v7.port),
        ("tests/transcripts/10_strings_more.txt", v7.port),
        ("tests/transcripts/04_transactions.txt", v7.port),
        ("tests/transcripts/32_claim.txt", v7.port),
        ("tests/transcripts/36_groups_lag_v7.txt", v7.port),
        ("tests/transcripts/43_zsets.txt", v7.port),
        ("tests/transcripts/22_xread_v8.txt", v8.port),
        ("tests/transcripts/33_claim_v8.txt", v8.port),
        ("tests/transcripts/37_groups_lag_v8.txt", v8.port),
        ("tests/transcripts/lists_v8.txt", v8.port),
    ];
    let mut steps = 0;
    for (path, port) in cases {
        let report = run(path, port, &opts);
        assert_no_difference(&report, path);
        steps += report.steps;
    }
    assert!(steps > 600, "{steps} steps compared");
}

/// CLIENT REPLY OFF queued in MULTI makes Redis write a short array (fewer elements than its
/// header says); a reader of the real server's bytes then takes the next replies for the
/// missing elements, as redis-cli does, while the playground shows the short array as it came.
/// Everything before that part of the transcript (pane D) agrees; that part differs, and only it.
#[test]
fn a_short_array_desynchronises_only_the_connection_that_got_it() {
    let v8 = start_real(Version::V8);
    let path = "tests/transcripts/13_client_reply.txt";
    let report = run(path, v8.port, &Options::default());
    assert!(
        !report.differences.is_empty(),
        "the short array reads differently"
    );
    for d in &report.differences {
        assert_eq!(d.pane, "D", "{path} line {}: {}", d.line, d.command);
    }
    assert!(report.equal + report.by_shape >= 50, "the rest agrees");
}

#[test]
fn the_command_line_tool_exits_1_on_a_difference() {
    let server = start_real(Version::V7);
    let exe = env!("CARGO_BIN_EXE_streamplay-replay");
    let dir = env!("CARGO_MANIFEST_DIR");
    let port = server.port.to_string();
    let help = std::process::Command::new(exe)
        .arg("--help")
        .output()
        .unwrap();
    assert!(help.status.success());
    assert!(String::from_utf8_lossy(&help.stdout).contains("FLUSHALL"));

    let ok = std::process::Command::new(exe)
        .current_dir(dir)
        .args(["--port", &port, "tests/scenarios/stream_ids.txt"])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&ok.stdout);
    assert_eq!(ok.status.code(), Some(0), "{text}");
    assert!(text.contains("0 difference(s)"), "{text}");

    let mut conn = Conn::open(server.port).unwrap();
    conn.call_raw(&support::argv("SET greeting hello"));
    let bad = std::process::Command::new(exe)
        .current_dir(dir)
        .args([
            "--port",
            &port,
            "--no-flush",
            "tests/scenarios/preset_key.txt",
        ])
        .output()
        .unwrap();
    let text = String::from_utf8_lossy(&bad.stdout);
    assert_eq!(bad.status.code(), Some(1), "{text}");
    let line = line_of("tests/scenarios/preset_key.txt", "GET greeting");
    assert!(
        text.contains(&format!(
            "difference at line {line}, pane A: A> GET greeting"
        )),
        "{text}"
    );

    let unreachable = std::process::Command::new(exe)
        .current_dir(dir)
        .args(["--port", "1", "tests/scenarios/stream_ids.txt"])
        .output()
        .unwrap();
    assert_eq!(unreachable.status.code(), Some(2));
}
