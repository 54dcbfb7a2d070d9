//! The checks of the spec's `stream_node_model.py` (the reference model of how
//! Redis splits a stream into listpack macro-nodes), run against the engine:
//! random XADD (with MAXLEN/MINID `=`/`~` and LIMIT), XDEL and XTRIM workloads
//! under every `stream-node-max-entries` ∈ {0,5,10,100,150} and
//! `stream-node-max-bytes` ∈ {0,300,4096,8192}, sent through `Engine::execute`
//! and, step by step, to the Python model (`tests/stream_node_model.py`, a copy
//! of the spec's, driven by `tests/stream_node_driver.py`). Compared after every
//! step: XTRIM and XDEL counts, XLEN, and XINFO STREAM `radix-tree-keys` (the
//! number of nodes), which is what makes `~` trimming and LIMIT exact.
//!
//! `STREAMPLAY_MODEL_BACKEND=redis` runs the workload against a real
//! redis-server instead (which re-validates the model); `STREAMPLAY_NODE_ITERATIONS`
//! sets the number of workloads (default 40).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::io::{BufRead, BufReader, Write};
use std::process::{Child, ChildStdin, ChildStdout, Command, Stdio};

use streamplay::engine::Reply;
use support::{info_int, Backend, Rng};

/// The Python model, one request and answer a line.
struct Model {
    child: Child,
    input: ChildStdin,
    output: BufReader<ChildStdout>,
}

impl Model {
    fn start() -> Model {
        let script = concat!(env!("CARGO_MANIFEST_DIR"), "/tests/stream_node_driver.py");
        let mut child = Command::new(support::python())
            .arg(script)
            .stdin(Stdio::piped())
            .stdout(Stdio::piped())
            .spawn()
            .expect(
                "the project's Python runs the stream node model (tests/stream_node_driver.py)",
            );
        let input = child.stdin.take().unwrap();
        let output = BufReader::new(child.stdout.take().unwrap());
        Model {
            child,
            input,
            output,
        }
    }

    fn ask(&mut self, request: &str) -> Vec<u64> {
        writeln!(self.input, "{request}").unwrap();
        self.input.flush().unwrap();
        let mut line = String::new();
        self.output.read_line(&mut line).unwrap();
        assert!(
            !line.is_empty() && !line.starts_with("error"),
            "the Python model failed on {request:?}: {line:?}"
        );
        line.split_whitespace()
            .filter_map(|w| w.parse().ok())
            .collect()
    }
}

impl Drop for Model {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn hex(bytes: &[u8]) -> String {
    bytes.iter().map(|b| format!("{b:02x}")).collect()
}

/// A value as the model's workloads make them: small and large integers,
/// short strings, long strings (so that byte limits split nodes).
fn value(rng: &mut Rng) -> Vec<u8> {
    match rng.range(0, 9) {
        0..=2 => (rng.range(0, 200_000) as i64 - 100_000)
            .to_string()
            .into_bytes(),
        3..=4 => rng.range(0, 1 << 63).to_string().into_bytes(),
        5..=7 => {
            let n = rng.range(0, 80);
            (0..n)
                .map(|_| b"abcdefgh"[rng.range(0, 7) as usize])
                .collect()
        }
        _ => {
            let n = rng.range(60, 700);
            (0..n)
                .map(|_| b"xyz0123"[rng.range(0, 6) as usize])
                .collect()
        }
    }
}

fn argv(parts: &[String]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.as_bytes().to_vec()).collect()
}

fn s(x: impl ToString) -> String {
    x.to_string()
}

/// Length and node count as the backend reports them.
fn observed(backend: &mut Backend) -> (u64, u64) {
    let info = backend.cmd(&["XINFO", "STREAM", "s"]);
    let len = info_int(&info, "length");
    let keys = info_int(&info, "radix-tree-keys");
    match (len, keys) {
        (Some(l), Some(k)) => (l as u64, k as u64),
        _ => panic!("XINFO STREAM s answered {info:?}"),
    }
}

#[test]
fn node_splitting_and_trimming_follow_the_model() {
    let iterations = std::env::var("STREAMPLAY_NODE_ITERATIONS")
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(40u64);
    let mut backend = Backend::from_env();
    let mut model = Model::start();
    let mut rng = Rng::new(1234);
    let mut checks = 0;
    for it in 0..iterations {
        let me = *rng.pick(&[0u64, 5, 10, 100, 150]);
        let mb = *rng.pick(&[0u64, 300, 4096, 8192]);
        for (name, v) in [
            ("stream-node-max-entries", me),
            ("stream-node-max-bytes", mb),
        ] {
            let r = backend.call(&argv(&[s("CONFIG"), s("SET"), s(name), s(v)]));
            assert_eq!(r, Reply::ok(), "CONFIG SET {name} {v}");
        }
        backend.cmd(&["DEL", "s"]);
        model.ask(&format!("reset {me} {mb}"));
        let mut ms = 1u64;
        let mut last = (0u64, 0u64);
        let mut length = 0u64;
        let steps = rng.range(50, 400);
        for step in 0..steps {
            let op = if step == 0 { 0 } else { rng.range(0, 9) };
            let context = format!("iteration {it} (max-entries {me}, max-bytes {mb}) step {step}");
            let (cmd, expected_count) = if op < 8 {
                // XADD, sometimes with a trim.
                ms += *rng.pick(&[0, 0, 1, 2, 1000]);
                let seq = rng.range(0, 3);
                let id = if (ms, seq) > last {
                    (ms, seq)
                } else {
                    (last.0, last.1 + 1)
                };
                last = id;
                const NAMES: [&[&str]; 4] = [&["f"], &["f", "g"], &["a", "b", "c"], &["1", "22"]];
                let names: &[&str] = NAMES[rng.range(0, 3) as usize];
                let fv: Vec<(Vec<u8>, Vec<u8>)> = names
                    .iter()
                    .map(|f| (f.as_bytes().to_vec(), value(&mut rng)))
                    .collect();
                let mut cmd = vec![s("XADD"), s("s")];
                let mut trim = s("-");
                if rng.chance(0.15) {
                    let (strategy, approx, thr, lim) = trim_choice(&mut rng, length, ms);
                    cmd.extend([s(strategy), s(if approx { "~" } else { "=" }), thr.clone()]);
                    if let Some(l) = lim {
                        cmd.extend([s("LIMIT"), s(l)]);
                    }
                    let lim = lim.map_or(s("-"), s);
                    trim = format!("{strategy},{thr},{},{lim}", if approx { "~" } else { "=" });
                }
                cmd.push(format!("{}-{}", id.0, id.1));
                let mut request = format!("add {} {} {trim}", id.0, id.1);
                let mut full = argv(&cmd);
                for (f, v) in &fv {
                    full.push(f.clone());
                    full.push(v.clone());
                    request.push_str(&format!(" x{} x{}", hex(f), hex(v)));
                }
                let reply = backend.call(&full);
                assert_eq!(
                    reply,
                    Reply::Bulk(format!("{}-{}", id.0, id.1).into_bytes()),
                    "{context}: {cmd:?} (fields left out)"
                );
                let answer = model.ask(&request);
                (cmd, (None, answer[0], answer[1]))
            } else if op < 9 && length > 0 {
                let picked =
                    model.ask(&format!("pick {} {}", rng.next() % 1000, rng.next() % 1000));
                let id = format!("{}-{}", picked[0], picked[1]);
                let cmd = vec![s("XDEL"), s("s"), id];
                let got = backend.call(&argv(&cmd));
                let answer = model.ask(&format!("del {} {}", picked[0], picked[1]));
                checks += 1;
                (cmd, (Some((got, answer[0])), answer[1], answer[2]))
            } else {
                let (strategy, approx, thr, lim) = trim_choice(&mut rng, length, ms);
                let mut cmd = vec![
                    s("XTRIM"),
                    s("s"),
                    s(strategy),
                    s(if approx { "~" } else { "=" }),
                    thr.clone(),
                ];
                if let Some(l) = lim {
                    cmd.extend([s("LIMIT"), s(l)]);
                }
                let got = backend.call(&argv(&cmd));
                let answer = model.ask(&format!(
                    "trim {strategy} {thr} {} {}",
                    if approx { "~" } else { "=" },
                    lim.map_or(s("-"), s)
                ));
                checks += 1;
                (cmd, (Some((got, answer[0])), answer[1], answer[2]))
            };
            let (count, want_len, want_nodes) = expected_count;
            if let Some((got, want)) = count {
                assert_eq!(got, Reply::Integer(want as i64), "{context}: {cmd:?} count");
            }
            let (len, nodes) = observed(&mut backend);
            checks += 2;
            assert_eq!(
                (len, nodes),
                (want_len, want_nodes),
                "{context}: after {cmd:?}: (XLEN, radix-tree-keys) differ from the model"
            );
            length = len;
        }
    }
    for (name, v) in [
        ("stream-node-max-entries", "100"),
        ("stream-node-max-bytes", "4096"),
    ] {
        backend.cmd(&["CONFIG", "SET", name, v]);
    }
    eprintln!("{checks} node model checks, no mismatch");
}

/// A trim: strategy, `~`, threshold text, LIMIT (as the model's workloads choose them).
fn trim_choice(rng: &mut Rng, length: u64, ms: u64) -> (&'static str, bool, String, Option<u64>) {
    let strategy = *rng.pick(&["MAXLEN", "MINID"]);
    let approx = rng.chance(0.65);
    let thr = if strategy == "MAXLEN" {
        rng.range(0, length.max(1)).to_string()
    } else {
        format!("{}-0", rng.range(0, ms))
    };
    let lim = if approx {
        *rng.pick(&[None, None, Some(0), Some(5), Some(10), Some(50), Some(100)])
    } else {
        None
    };
    (strategy, approx, thr, lim)
}
