//! The fuzz regression test: every committed corpus input and crash input
//! (`tests/fuzz/corpus/<target>/`, `tests/fuzz/artifacts/<target>/`) runs through the same target
//! bodies the fuzzer runs (`tests/fuzz/targets.rs`), on stable, and must not panic.

#[path = "fuzz/targets.rs"]
mod targets;

use std::path::Path;

/// Runs every file under `dir` through `body`; returns how many ran.
fn run_dir(dir: &Path, body: fn(&[u8])) -> usize {
    let Ok(entries) = std::fs::read_dir(dir) else {
        return 0;
    };
    let mut files: Vec<_> = entries.map(|e| e.unwrap().path()).collect();
    files.sort();
    for file in &files {
        let data = std::fs::read(file).unwrap();
        let caught = std::panic::catch_unwind(|| body(&data));
        assert!(caught.is_ok(), "{} panics", file.display());
    }
    files.len()
}

#[test]
fn every_committed_fuzz_input_runs_without_panic() {
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fuzz");
    for (name, body) in targets::TARGETS {
        let corpus = run_dir(&root.join("corpus").join(name), *body);
        let crashes = run_dir(&root.join("artifacts").join(name), *body);
        // A target whose corpus went missing would check nothing.
        assert!(corpus > 0, "the {name} corpus is empty");
        eprintln!("{name}: {corpus} corpus inputs, {crashes} crash inputs");
    }
}
