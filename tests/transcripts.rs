//! Replays every transcript under tests/transcripts/ through the engine with
//! the console's rules and compares the output.
//!
//! Re-bless after a deliberate change: `BLESS=1 cargo test --test transcripts`
//! rewrites the expected output of the steps that differ.

#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use streamplay::transcript;

/// Every transcript under tests/transcripts/, in name order.
fn transcript_files() -> Vec<PathBuf> {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/transcripts");
    let mut files: Vec<PathBuf> = std::fs::read_dir(&dir)
        .expect("tests/transcripts exists")
        .map(|e| e.unwrap().path())
        .filter(|p| p.extension().is_some_and(|x| x == "txt"))
        .collect();
    files.sort();
    assert!(!files.is_empty(), "no transcripts found");
    files
}

#[test]
fn transcripts() {
    let files = transcript_files();
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let mut commands = 0;
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let steps = match transcript::parse(&text) {
            Ok(s) => s,
            Err(e) => {
                failures.push(format!("{}:{}: {}", path.display(), e.line, e.message));
                continue;
            }
        };
        commands += steps
            .iter()
            .filter(|s| matches!(s.step, transcript::Step::Command { .. }))
            .count();
        let replay = transcript::replay(&steps);
        if bless && !replay.mismatches.is_empty() {
            std::fs::write(path, transcript::render(&steps, &replay)).unwrap();
            eprintln!("re-blessed {}", path.display());
            continue;
        }
        for m in replay.mismatches {
            failures.push(format!(
                "{}:{}: {}\n  expected:\n{}\n  actual:\n{}",
                path.display(),
                m.line,
                m.what,
                m.expected
                    .iter()
                    .map(|l| format!("    |{l}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
                m.actual
                    .iter()
                    .map(|l| format!("    |{l}"))
                    .collect::<Vec<_>>()
                    .join("\n"),
            ));
        }
    }
    println!("{} transcripts, {commands} commands", files.len());
    assert!(
        failures.is_empty(),
        "{} mismatch(es):\n{}",
        failures.len(),
        failures.join("\n")
    );
}

/// No reply, frame or statistic depends on which events the engine emits:
/// every transcript replays to the same output with the listener-only
/// `Probe` event on and off.
#[test]
fn transcripts_do_not_depend_on_events() {
    let files = transcript_files();
    for path in &files {
        let text = std::fs::read_to_string(path).unwrap();
        let Ok(steps) = transcript::parse(&text) else {
            continue;
        };
        let off = transcript::replay_with_probe(&steps, false);
        let on = transcript::replay_with_probe(&steps, true);
        assert_eq!(
            transcript::render(&steps, &off),
            transcript::render(&steps, &on),
            "{}: output changed with probe events on",
            path.display()
        );
        assert_eq!(
            off.mismatches.len(),
            on.mismatches.len(),
            "{}",
            path.display()
        );
    }
}
