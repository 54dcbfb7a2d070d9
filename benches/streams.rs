//! The streams benchmark (`./dev.sh bench`, or `cargo bench --bench streams`).
//!
//! Prints three tables, every figure the median of `STREAMPLAY_BENCH_RUNS` runs
//! (default 5), next to a real redis-server started for the run on a free
//! loopback port:
//!
//! 1. Memory: heap growth of 1,000,000 `XADD s <n>-0 type signup user_id <n>`
//!    through the engine, counted by this file's `#[global_allocator]` (not the
//!    engine's own accounting), against redis-server's `used_memory` growth for
//!    the same entries sent pipelined over a socket. Goal: at most 2x Redis.
//! 2. Throughput of XADD, `XRANGE s <random id> + COUNT 10` and
//!    `XREAD COUNT 10 STREAMS s <random id>` on a 1,000,000-entry stream through
//!    `Engine::execute` (argv in, RESP bytes out), native and wasm32 (the
//!    `wasm_bench` example, built here with opt-level 3 and with the page's
//!    opt-level "z", run by Node), against
//!    `redis-benchmark -P 64`. Goals: wasm not slower than Redis, native 3x.
//! 3. Scaling: XRANGE/XREVRANGE COUNT 10 and XADD+XTRIM at 10k, 100k and 1M
//!    entries; the cost per operation must stay flat, not grow with the length.
//!
//! A command the engine does not answer yet, or a tool that is not installed,
//! is reported as skipped with the reason; nothing else is skipped.
//! `STREAMPLAY_BENCH_ENTRIES` changes the 1,000,000 (for a quick try).

#[path = "support/workload.rs"]
mod workload;

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};
use std::time::{Duration, Instant};

use streamplay::engine::{resp, Profile, Reply};
use workload::Driver;

/// Counts the bytes allocated by the whole process while `COUNTING` is on
/// (only during the memory runs, so the throughput runs pay no atomic
/// operations on each allocation). Only differences between two readings taken
/// while it is on are used.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

fn count(delta: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_add(delta, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            count(layout.size() as isize);
        }
        p
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        System.dealloc(ptr, layout);
        count(-(layout.size() as isize));
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        let p = System.realloc(ptr, layout, new_size);
        if !p.is_null() {
            count(new_size as isize - layout.size() as isize);
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

fn env_u64(name: &str, default: u64) -> u64 {
    std::env::var(name)
        .ok()
        .and_then(|v| v.parse().ok())
        .unwrap_or(default)
}

fn median(mut xs: Vec<f64>) -> f64 {
    xs.sort_by(|a, b| a.partial_cmp(b).unwrap());
    let n = xs.len();
    if n == 0 {
        return f64::NAN;
    }
    if n % 2 == 1 {
        xs[n / 2]
    } else {
        (xs[n / 2 - 1] + xs[n / 2]) / 2.0
    }
}

fn on_path(tool: &str) -> bool {
    std::env::var_os("PATH")
        .is_some_and(|paths| std::env::split_paths(&paths).any(|dir| dir.join(tool).is_file()))
}

// ---------------------------------------------------------------- redis-server

/// A redis-server started for the benchmark, killed when dropped.
struct Redis {
    child: Child,
    port: u16,
}

impl Drop for Redis {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

fn free_port() -> u16 {
    TcpListener::bind("127.0.0.1:0")
        .unwrap()
        .local_addr()
        .unwrap()
        .port()
}

impl Redis {
    fn start() -> Result<Redis, String> {
        let port = free_port();
        let child = Command::new("redis-server")
            .args(["--port", &port.to_string(), "--bind", "127.0.0.1"])
            .args(["--save", "", "--appendonly", "no"])
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .map_err(|e| format!("cannot start redis-server: {e}"))?;
        let mut redis = Redis { child, port };
        let deadline = Instant::now() + Duration::from_secs(20);
        loop {
            if let Ok(Some(status)) = redis.child.try_wait() {
                return Err(format!("redis-server exited during start-up: {status}"));
            }
            if let Ok(mut c) = Conn::open(port) {
                if matches!(c.call(&[b"PING"]), Ok(Reply::Simple(_))) {
                    return Ok(redis);
                }
            }
            if Instant::now() > deadline {
                return Err(format!("redis-server did not listen on port {port}"));
            }
            std::thread::sleep(Duration::from_millis(20));
        }
    }
}

/// A RESP connection that can pipeline.
struct Conn {
    stream: TcpStream,
    buf: Vec<u8>,
    /// Bytes of `buf` already parsed.
    pos: usize,
}

fn encode_command(out: &mut Vec<u8>, argv: &[&[u8]]) {
    out.extend_from_slice(format!("*{}\r\n", argv.len()).as_bytes());
    for a in argv {
        out.extend_from_slice(format!("${}\r\n", a.len()).as_bytes());
        out.extend_from_slice(a);
        out.extend_from_slice(b"\r\n");
    }
}

impl Conn {
    fn open(port: u16) -> std::io::Result<Conn> {
        let stream = TcpStream::connect(("127.0.0.1", port))?;
        stream.set_read_timeout(Some(Duration::from_secs(60)))?;
        stream.set_nodelay(true)?;
        Ok(Conn {
            stream,
            buf: Vec::new(),
            pos: 0,
        })
    }

    fn read_reply(&mut self) -> std::io::Result<Reply> {
        loop {
            match resp::parse(&self.buf[self.pos..]) {
                Ok((reply, used)) => {
                    self.pos += used;
                    return Ok(reply);
                }
                Err(resp::ParseError::Invalid(e)) => {
                    return Err(std::io::Error::other(format!("bad reply: {e}")))
                }
                Err(resp::ParseError::Incomplete) => {}
            }
            self.buf.drain(..self.pos);
            self.pos = 0;
            let mut chunk = [0u8; 65536];
            let n = self.stream.read(&mut chunk)?;
            if n == 0 {
                return Err(std::io::Error::other("connection closed"));
            }
            self.buf.extend_from_slice(&chunk[..n]);
        }
    }

    fn call(&mut self, argv: &[&[u8]]) -> std::io::Result<Reply> {
        let mut out = Vec::new();
        encode_command(&mut out, argv);
        self.stream.write_all(&out)?;
        self.read_reply()
    }

    /// `INFO memory`'s `used_memory`.
    fn used_memory(&mut self) -> std::io::Result<i64> {
        let reply = self.call(&[b"INFO", b"memory"])?;
        let Reply::Bulk(text) = reply else {
            return Err(std::io::Error::other("INFO did not answer a bulk string"));
        };
        String::from_utf8_lossy(&text)
            .lines()
            .find_map(|l| l.strip_prefix("used_memory:"))
            .and_then(|v| v.trim().parse().ok())
            .ok_or_else(|| std::io::Error::other("no used_memory in INFO"))
    }

    /// Server-side ops/s of a command since the last `CONFIG RESETSTAT`:
    /// `calls / usec` from `INFO commandstats` (Redis's own time in the command,
    /// without reading, parsing or writing sockets).
    fn server_ops(&mut self, command: &str) -> std::io::Result<f64> {
        let reply = self.call(&[b"INFO", b"commandstats"])?;
        let Reply::Bulk(text) = reply else {
            return Err(std::io::Error::other("INFO did not answer a bulk string"));
        };
        let prefix = format!("cmdstat_{}:", command.to_ascii_lowercase());
        let text = String::from_utf8_lossy(&text);
        let line = text
            .lines()
            .find_map(|l| l.strip_prefix(prefix.as_str()))
            .ok_or_else(|| std::io::Error::other(format!("no {prefix} in INFO")))?;
        let field = |name: &str| -> f64 {
            line.split(',')
                .find_map(|kv| kv.strip_prefix(name))
                .and_then(|v| v.parse().ok())
                .unwrap_or(f64::NAN)
        };
        Ok(field("calls=") / field("usec=") * 1e6)
    }

    /// Sends `XADD s <n>-0 type signup user_id <n>` for n in 1..=entries,
    /// pipelined in batches, and checks every reply.
    fn load(&mut self, entries: u64) -> std::io::Result<()> {
        const BATCH: u64 = 10_000;
        let mut n = 1;
        let mut out = Vec::new();
        while n <= entries {
            let end = (n + BATCH).min(entries + 1);
            out.clear();
            for i in n..end {
                let id = format!("{i}-0");
                let user = i.to_string();
                encode_command(
                    &mut out,
                    &[
                        b"XADD",
                        b"s",
                        id.as_bytes(),
                        b"type",
                        b"signup",
                        b"user_id",
                        user.as_bytes(),
                    ],
                );
            }
            self.stream.write_all(&out)?;
            for _ in n..end {
                if let Reply::Error(e) = self.read_reply()? {
                    return Err(std::io::Error::other(
                        String::from_utf8_lossy(&e).into_owned(),
                    ));
                }
            }
            n = end;
        }
        Ok(())
    }
}

// ---------------------------------------------------------------- measurements

struct Table {
    rows: Vec<Vec<String>>,
}

impl Table {
    fn new(header: &[&str]) -> Table {
        Table {
            rows: vec![header.iter().map(|s| s.to_string()).collect()],
        }
    }
    fn row(&mut self, cells: Vec<String>) {
        self.rows.push(cells);
    }
    fn print(&self) {
        let cols = self.rows[0].len();
        let widths: Vec<usize> = (0..cols)
            .map(|c| self.rows.iter().map(|r| r[c].len()).max().unwrap_or(0))
            .collect();
        for (i, row) in self.rows.iter().enumerate() {
            let cells: Vec<String> = row
                .iter()
                .zip(&widths)
                .map(|(c, w)| format!("{c:<w$}"))
                .collect();
            println!("| {} |", cells.join(" | "));
            if i == 0 {
                let rule: Vec<String> = widths.iter().map(|w| "-".repeat(*w)).collect();
                println!("|-{}-|", rule.join("-|-"));
            }
        }
        println!();
    }
}

fn fmt_ops(x: f64) -> String {
    if x.is_nan() {
        "n/a".into()
    } else {
        format!("{:.0}", x)
    }
}

fn ratio(a: f64, b: f64) -> String {
    if a.is_nan() || b.is_nan() || b == 0.0 {
        "n/a".into()
    } else {
        format!("{:.2}x", a / b)
    }
}

/// Engine heap growth (bytes) for `entries` explicit-id XADDs, one run.
fn engine_memory_run(entries: u64) -> f64 {
    let mut d = Driver::new(Profile::V7);
    COUNTING.store(true, Ordering::SeqCst);
    let before = live();
    d.load(entries);
    let after = live();
    COUNTING.store(false, Ordering::SeqCst);
    std::hint::black_box(d.written);
    drop(d);
    (after - before) as f64
}

/// redis-server's `used_memory` growth for the same entries, one run.
fn redis_memory_run(c: &mut Conn, entries: u64) -> std::io::Result<f64> {
    c.call(&[b"FLUSHALL"])?;
    let before = c.used_memory()?;
    c.load(entries)?;
    let after = c.used_memory()?;
    Ok((after - before) as f64)
}

/// ops/s of one native run of `k` operations of `workload`.
fn native_run(d: &mut Driver, workload: &str, k: u64) -> f64 {
    let t = Instant::now();
    match workload {
        "XADD" => d.xadd(k),
        "XRANGE" => d.xrange(k),
        "XREVRANGE" => d.xrevrange(k),
        "XREAD" => d.xread(k),
        _ => unreachable!(),
    }
    k as f64 / t.elapsed().as_secs_f64()
}

/// The redis-benchmark command line of a workload (`__rand_int__` is a random
/// number below `-r`, printed as 12 zero-padded digits, which stream ids accept).
fn benchmark_args(workload: &str) -> &'static [&'static str] {
    match workload {
        "XADD" => &[
            "XADD",
            "s",
            "*",
            "type",
            "signup",
            "user_id",
            "__rand_int__",
        ],
        "XRANGE" => &["XRANGE", "s", "__rand_int__", "+", "COUNT", "10"],
        "XREAD" => &["XREAD", "COUNT", "10", "STREAMS", "s", "__rand_int__"],
        _ => unreachable!(),
    }
}

/// ops/s of one `redis-benchmark -P 64` run, and the server-side ops/s of
/// the same run (from `INFO commandstats`).
fn redis_benchmark_run(
    port: u16,
    conn: &mut Conn,
    workload: &str,
    k: u64,
    keyspace: u64,
) -> Result<(f64, f64), String> {
    conn.call(&[b"CONFIG", b"RESETSTAT"])
        .map_err(|e| e.to_string())?;
    let out = Command::new("redis-benchmark")
        .args([
            "-h",
            "127.0.0.1",
            "-p",
            &port.to_string(),
            "-P",
            "64",
            "--csv",
        ])
        .args(["-n", &k.to_string(), "-r", &keyspace.to_string()])
        .args(benchmark_args(workload))
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run redis-benchmark: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    // `"test","rps",...` then `"XADD s * ...","123456.78",...`
    let ops = text
        .lines()
        .filter(|l| !l.starts_with("\"test\""))
        .find_map(|l| l.split(',').nth(1))
        .and_then(|v| v.trim_matches('"').parse().ok())
        .ok_or_else(|| format!("unexpected redis-benchmark output: {text}"))?;
    let server = conn.server_ops(workload).map_err(|e| e.to_string())?;
    Ok((ops, server))
}

/// Builds the wasm benchmark with a cargo profile (`bench`: opt-level 3;
/// `release`: the page's own settings, opt-level "z") and its Node bindings;
/// returns the JS module path.
fn build_wasm(root: &Path, profile: &str) -> Result<PathBuf, String> {
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

/// A workload's name and its median ops/s, or why it was skipped.
type WasmResult = (String, Result<f64, String>);

/// Runs the workloads in Node: for each, the median ops/s, or why it was skipped.
fn wasm_runs(
    root: &Path,
    module: &Path,
    runs: u64,
    entries: u64,
    k: u64,
) -> Result<Vec<WasmResult>, String> {
    let out = Command::new("node")
        .arg(root.join("benches/support/wasm_run.js"))
        .arg(module)
        .args([runs.to_string(), entries.to_string(), k.to_string()])
        .stderr(Stdio::inherit())
        .output()
        .map_err(|e| format!("cannot run node: {e}"))?;
    if !out.status.success() {
        return Err(format!("node failed: {}", out.status));
    }
    let mut results = Vec::new();
    for line in String::from_utf8_lossy(&out.stdout).lines() {
        // `XADD ops 123 456 ...` or `XREAD skip <reason>`
        let mut words = line.splitn(3, ' ');
        let (Some(name), Some(kind)) = (words.next(), words.next()) else {
            continue;
        };
        let rest = words.next().unwrap_or("");
        let value = match kind {
            "ops" => Ok(median(
                rest.split(' ').filter_map(|v| v.parse().ok()).collect(),
            )),
            _ => Err(rest.to_string()),
        };
        results.push((name.to_string(), value));
    }
    Ok(results)
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let runs = env_u64("STREAMPLAY_BENCH_RUNS", 5).max(1);
    let entries = env_u64("STREAMPLAY_BENCH_ENTRIES", 1_000_000).max(10);
    let k = (entries / 5).clamp(1_000, 200_000);
    let root = PathBuf::from(env!("CARGO_MANIFEST_DIR"));
    println!("streams benchmark: {entries} entries, medians of {runs} runs\n");

    let mut probe = Driver::new(Profile::V7);
    let missing = |name: &str, probe: &mut Driver| probe.unavailable(name);

    let redis = if on_path("redis-server") {
        Redis::start().map_err(|e| e.to_string())
    } else {
        Err("redis-server is not installed (`./dev.sh setup` installs it)".into())
    };
    let mut conn = match &redis {
        Ok(r) => Conn::open(r.port).map_err(|e| e.to_string()),
        Err(e) => Err(e.clone()),
    };

    // 1. Memory.
    println!("## Memory: {entries} x XADD s <n>-0 type signup user_id <n>\n");
    let engine_bytes = match missing("XADD", &mut probe) {
        Some(e) => {
            println!("engine: skipped, XADD answers {e:?}");
            f64::NAN
        }
        None => median((0..runs).map(|_| engine_memory_run(entries)).collect()),
    };
    let redis_bytes = match &mut conn {
        Ok(c) => {
            let mut xs = Vec::new();
            for _ in 0..runs {
                match redis_memory_run(c, entries) {
                    Ok(x) => xs.push(x),
                    Err(e) => {
                        println!("redis-server: {e}");
                        break;
                    }
                }
            }
            median(xs)
        }
        Err(e) => {
            println!("redis-server: skipped, {e}");
            f64::NAN
        }
    };
    let mut t = Table::new(&["", "heap growth (bytes)", "bytes/entry", "vs redis"]);
    t.row(vec![
        "engine (counting allocator)".into(),
        fmt_ops(engine_bytes),
        format!("{:.1}", engine_bytes / entries as f64),
        ratio(engine_bytes, redis_bytes),
    ]);
    t.row(vec![
        "redis-server used_memory".into(),
        fmt_ops(redis_bytes),
        format!("{:.1}", redis_bytes / entries as f64),
        "1.00x".into(),
    ]);
    t.print();
    println!("goal: engine <= 2x redis\n");

    // 2. Throughput. redis-server keeps the stream of the last memory run (ids 1..=entries).
    println!("## Throughput on a {entries}-entry stream ({k} operations a run)\n");
    let workloads = ["XADD", "XRANGE", "XREAD"];
    let unavailable: Vec<Option<String>> =
        workloads.iter().map(|w| missing(w, &mut probe)).collect();
    let mut native = vec![f64::NAN; workloads.len()];
    if unavailable.iter().any(Option::is_none) {
        let mut d = Driver::new(Profile::V7);
        d.load(entries);
        for (i, w) in workloads.iter().enumerate() {
            if unavailable[i].is_none() {
                native[i] = median((0..runs).map(|_| native_run(&mut d, w, k)).collect());
            }
        }
        std::hint::black_box(d.written);
    }
    // wasm32 twice: optimised for speed, and as the page is built (for size).
    let wasm_of = |profile: &str| -> Vec<f64> {
        match build_wasm(&root, profile)
            .and_then(|module| wasm_runs(&root, &module, runs, entries, k))
        {
            Ok(results) => workloads
                .iter()
                .map(|w| match results.iter().find(|(n, _)| n == w) {
                    Some((_, Ok(x))) => *x,
                    Some((_, Err(e))) => {
                        println!("wasm ({profile}) {w}: skipped, {e}");
                        f64::NAN
                    }
                    None => f64::NAN,
                })
                .collect(),
            Err(e) => {
                println!("wasm ({profile}): skipped, {e}");
                vec![f64::NAN; workloads.len()]
            }
        }
    };
    let wasm = wasm_of("bench");
    let wasm_page = wasm_of("release");
    let have_benchmark = on_path("redis-benchmark");
    if !have_benchmark {
        println!(
            "redis-benchmark: skipped, not installed (`./dev.sh setup` installs redis-server)"
        );
    }
    let mut t = Table::new(&[
        "command",
        "engine native ops/s",
        "engine wasm ops/s",
        "wasm, page build",
        "redis -P 64 ops/s",
        "native/redis",
        "wasm/redis",
        "page wasm/redis",
        "redis in-command ops/s",
    ]);
    for (i, w) in workloads.iter().enumerate() {
        if let Some(e) = &unavailable[i] {
            println!("engine {w}: skipped, the engine answers {e:?}");
        }
        let (redis_ops, redis_server_ops) = match (&redis, &mut conn, have_benchmark) {
            (Ok(r), Ok(c), true) => {
                let mut xs = Vec::new();
                let mut ys = Vec::new();
                for _ in 0..runs {
                    match redis_benchmark_run(r.port, c, w, k, entries) {
                        Ok((x, y)) => {
                            xs.push(x);
                            ys.push(y);
                        }
                        Err(e) => {
                            println!("redis-benchmark {w}: {e}");
                            break;
                        }
                    }
                }
                (median(xs), median(ys))
            }
            _ => (f64::NAN, f64::NAN),
        };
        t.row(vec![
            w.to_string(),
            fmt_ops(native[i]),
            fmt_ops(wasm[i]),
            fmt_ops(wasm_page[i]),
            fmt_ops(redis_ops),
            ratio(native[i], redis_ops),
            ratio(wasm[i], redis_ops),
            ratio(wasm_page[i], redis_ops),
            fmt_ops(redis_server_ops),
        ]);
    }
    t.print();
    println!("goals: wasm >= redis pipelined, native >= 3x redis");
    println!(
        "(engine wasm: the `bench` profile, opt-level 3; page build: the `release` profile the \
         page ships, opt-level \"z\")"
    );
    println!(
        "(redis in-command: calls/usec from INFO commandstats, Redis's time inside the command \
         alone, without its socket and protocol work; for reference)\n"
    );

    // 3. Scaling with the stream's length.
    println!("## Cost per operation by stream length (ns/op)\n");
    let sizes: Vec<u64> = [10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|s| *s <= entries.max(10_000))
        .collect();
    let ops = ["XRANGE", "XREVRANGE", "XTRIM"];
    let scale_missing: Vec<Option<String>> = ops.iter().map(|w| missing(w, &mut probe)).collect();
    let mut header = vec!["command".to_string()];
    header.extend(sizes.iter().map(|s| format!("{s} entries")));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(&header_refs);
    let mut cells = vec![Vec::new(); ops.len()];
    let kk = 50_000;
    for &size in &sizes {
        if scale_missing.iter().all(Option::is_some) || missing("XADD", &mut probe).is_some() {
            break;
        }
        let mut d = Driver::new(Profile::V7);
        d.load(size);
        for (i, w) in ops.iter().enumerate() {
            let cell = if scale_missing[i].is_some() {
                "n/a".to_string()
            } else {
                let ns: Vec<f64> = (0..runs)
                    .map(|_| {
                        let t = Instant::now();
                        match *w {
                            "XRANGE" => d.xrange(kk),
                            "XREVRANGE" => d.xrevrange(kk),
                            _ => d.xtrim(kk, size),
                        }
                        t.elapsed().as_nanos() as f64 / kk as f64
                    })
                    .collect();
                format!("{:.0}", median(ns))
            };
            cells[i].push(cell);
        }
        std::hint::black_box(d.written);
    }
    for (i, w) in ops.iter().enumerate() {
        let name = match *w {
            "XTRIM" => "XADD + XTRIM MAXLEN = len".to_string(),
            _ => format!("{w} COUNT 10"),
        };
        if let Some(e) = &scale_missing[i] {
            println!("engine {w}: skipped, the engine answers {e:?}");
        }
        let mut row = vec![name];
        row.extend((0..sizes.len()).map(|j| cells[i].get(j).cloned().unwrap_or("n/a".into())));
        t.row(row);
    }
    t.print();
    println!("expected: flat (logarithmic lookup), not 10x per row step");
}
