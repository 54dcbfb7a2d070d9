//! Building `examples/wasm_bench.rs` for wasm32 with its Node bindings, shared by the streams
//! and session benchmarks (one build per cargo profile serves both).

use std::path::{Path, PathBuf};
use std::process::Command;

/// Builds the wasm benchmark with a cargo profile (`bench`: opt-level 3;
/// `release`: the page's own settings, opt-level "z") and its Node bindings;
/// returns the JS module path.
pub fn build_wasm(root: &Path, profile: &str) -> Result<PathBuf, String> {
    for tool in ["node", "wasm-bindgen"] {
        if !on_path(tool) {
            return Err(format!(
                "{tool} is not installed (`./dev.sh setup` installs it)"
            ));
        }
    }
    let installed = Command::new("rustup")
        .args(["target", "list", "--installed"])
        .output()
        .map(|o| String::from_utf8_lossy(&o.stdout).contains("wasm32-unknown-unknown"))
        .unwrap_or(true);
    if !installed {
        return Err("the wasm32-unknown-unknown target is not installed (`./dev.sh setup`)".into());
    }
    // A target directory of its own, so the build never waits on the lock of the
    // `cargo bench` that runs this (and one per profile: both write `release/`).
    let target = root.join("target/wasm-bench").join(profile);
    let status = Command::new(env!("CARGO"))
        .current_dir(root)
        .env("CARGO_TARGET_DIR", &target)
        .args(["build", "--quiet", "--profile", profile])
        .args([
            "--target",
            "wasm32-unknown-unknown",
            "--example",
            "wasm_bench",
        ])
        .status()
        .map_err(|e| format!("cannot run cargo: {e}"))?;
    if !status.success() {
        return Err("the wasm32 build of examples/wasm_bench.rs failed".into());
    }
    let wasm = target.join("wasm32-unknown-unknown/release/examples/wasm_bench.wasm");
    let pkg = target.join("pkg");
    let status = Command::new("wasm-bindgen")
        .args(["--target", "nodejs", "--out-dir"])
        .arg(&pkg)
        .arg(&wasm)
        .status()
        .map_err(|e| format!("cannot run wasm-bindgen: {e}"))?;
    if !status.success() {
        return Err("wasm-bindgen failed".into());
    }
    Ok(pkg.join("wasm_bench.js"))
}

/// Whether `tool` is an executable file in a `PATH` directory.
pub fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}
