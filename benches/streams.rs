//! The streams and pub/sub benchmark (`./dev.sh bench`, or `cargo bench --bench streams`).
//!
//! Prints six tables, every figure the median of `STREAMPLAY_BENCH_RUNS` runs
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
//! 3. Consumer groups, with the same engine builds, goals and medians:
//!    - the work queue: a 1,000,000-entry stream, a fresh group `g`, consumers
//!      `c0`..`c9` taking turns, each `XREADGROUP GROUP g c<i> COUNT 10
//!      STREAMS s >` then `XACK s g <the ids it got>`, until a read finds
//!      nothing; commands/s and entries/s. redis-benchmark cannot run a
//!      read-then-ack loop, so this file's own client drives redis-server: each
//!      round trip writes the XACKs for the reads answered in the previous one
//!      (one XACK per read that returned entries) and 32 new XREADGROUPs
//!      (64 commands a round trip, as `-P 64`), then reads every reply and
//!      parses the ids; it ends when a round trip had no XACK to send and a
//!      read found nothing (the last few reads come back empty). Every entry is
//!      checked to be read and acknowledged once.
//!    - XAUTOCLAIM over a 100,000-entry PEL (all of the stream read by `c`,
//!      none acknowledged): a run walks it twice, `XAUTOCLAIM s g other 0
//!      <cursor> COUNT 100` from `0-0` until the cursor is `0-0` again, then the
//!      same for `c`, so every claim moves an entry to another consumer;
//!      with and without JUSTID; calls/s and entries claimed/s. The engine
//!      follows each reply's cursor; redis-server is timed both that way (one
//!      call a round trip) and pipelined 64 calls a round trip with the cursors
//!      known in advance (`(100k+1)-0`), each reply's cursor checked against
//!      the next call's, so it runs exactly the same calls. The ratios are
//!      against the pipelined figure.
//! 4. Scaling: XRANGE/XREVRANGE COUNT 10 and XADD+XTRIM at 10k, 100k and 1M
//!    entries, and in a group with a PEL of 10k, 100k and 1M entries
//!    `XACK s g <random pending id>` paired with the `XREADGROUP GROUP g c
//!    COUNT 1 STREAMS s >` that makes the next entry pending (the PEL keeps
//!    its size), and `XPENDING s g <id> <id> 1` of a random pending id; the
//!    cost per operation must stay flat, not grow with the length.
//! 5. Pub/Sub deliveries/s: `PUBLISH ch hello` through `Engine::execute` to a
//!    channel with 1, 100, 10,000 and 100,000 subscribers, and with 100
//!    patterns (one client each, no channel subscriber): 99 that do not match
//!    (`ch0*`..`ch98*`) and one that does (`c[h]`), and 100 that all match
//!    (`c[h0]`..`c[h99]`). The subscribers are engine clients that ran
//!    SUBSCRIBE or PSUBSCRIBE (RESP2); what is timed is, per PUBLISH: building
//!    the argv, `Engine::execute` (which puts one frame per receiver in
//!    `Outcome.deliveries`), encoding the reply and every delivered frame to
//!    RESP in its client's protocol as streamplay-server does before writing
//!    it, and checking that the reply and the number of frames equal the
//!    receivers. A run is about 1,000,000 frames (`STREAMPLAY_BENCH_ENTRIES`
//!    frames; 10 PUBLISHes at 100,000 subscribers); deliveries/s is frames
//!    over time. Native and wasm32 (both builds of table 2). redis-server, in
//!    the same run: 1 and 100 subscribers, each a real connection that ran
//!    `SUBSCRIBE ch` and is drained by a thread of this benchmark that checks
//!    every byte of every message frame, then `redis-benchmark -P 64 -n
//!    192000` (1 subscriber) or `32000` (100) `PUBLISH ch hello`;
//!    deliveries/s = redis-benchmark's publishes/s x subscribers, once every
//!    subscriber has received every message and `INFO commandstats` counts
//!    exactly that many PUBLISHes (also printed: end to end, all frames over
//!    the time from starting redis-benchmark until the last one arrived).
//! 6. Pattern matching: ns per `PUBLISH ch hello` with one channel subscriber
//!    and 0, 100 and 1,000 non-matching patterns (`ch<i>*`, each held by a
//!    client), which must grow at most linearly, and the allocations per
//!    PUBLISH counted by this file's allocator, which must not grow: a
//!    pattern that does not match allocates nothing (the engine's unit test
//!    `no_allocation_per_pattern` in src/engine/pubsub.rs asserts it).
//!
//! A command the engine does not answer yet (probed on a small stream, for
//! the group workloads with a group and a read entry), or a tool that is not
//! installed, is reported as skipped with the reason; nothing else is skipped.
//! `STREAMPLAY_BENCH_ENTRIES` changes the 1,000,000 (for a quick try; the PEL
//! of the XAUTOCLAIM walks is a tenth of it, the frames of a pub/sub run equal it).

#[path = "support/stats.rs"]
mod stats;
#[path = "support/wasm_build.rs"]
mod wasm_build;
use stats::{env_u64, median};
#[path = "support/workload.rs"]
mod workload;
use wasm_build::{build_wasm, on_path};

use std::alloc::{GlobalAlloc, Layout, System};
use std::io::{Read, Write};
use std::net::{TcpListener, TcpStream};
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Stdio};
use std::sync::atomic::{AtomicBool, AtomicIsize, AtomicUsize, Ordering};
use std::time::{Duration, Instant};

use streamplay::engine::{resp, Profile, Reply};
use workload::{publishes_per_run, Driver, PubSub};

/// Counts the bytes allocated by the whole process while `COUNTING` is on
/// (only during the memory runs, so the throughput runs pay no atomic
/// operations on each allocation). Only differences between two readings taken
/// while it is on are used.
struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);
/// Allocations (calls to `alloc`, `alloc_zeroed` and `realloc`) while `COUNTING` is on.
static ALLOCATIONS: AtomicUsize = AtomicUsize::new(0);

fn count(delta: isize) {
    if COUNTING.load(Ordering::Relaxed) {
        LIVE.fetch_add(delta, Ordering::Relaxed);
    }
}

fn count_allocation() {
    if COUNTING.load(Ordering::Relaxed) {
        ALLOCATIONS.fetch_add(1, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc(layout);
        if !p.is_null() {
            count(layout.size() as isize);
            count_allocation();
        }
        p
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        let p = System.alloc_zeroed(layout);
        if !p.is_null() {
            count(layout.size() as isize);
            count_allocation();
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
            count_allocation();
        }
        p
    }
}

#[global_allocator]
static ALLOC: Counting = Counting;

fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
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
        let (calls, usec) = self.cmdstat(command)?;
        Ok(calls / usec * 1e6)
    }

    /// `calls` and `usec` of a command in `INFO commandstats`.
    fn cmdstat(&mut self, command: &str) -> std::io::Result<(f64, f64)> {
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
        Ok((field("calls="), field("usec=")))
    }

    /// Writes `out` (`n` encoded commands) at once and reads the `n` replies.
    fn pipeline(&mut self, out: &[u8], n: usize) -> std::io::Result<Vec<Reply>> {
        self.stream.write_all(out)?;
        (0..n).map(|_| self.read_reply()).collect()
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

/// `redis-benchmark` against the local server on `port`, 64 commands a
/// round trip, CSV output; the caller adds the load.
fn redis_benchmark(port: u16) -> Command {
    let mut cmd = Command::new("redis-benchmark");
    cmd.args([
        "-h",
        "127.0.0.1",
        "-p",
        &port.to_string(),
        "-P",
        "64",
        "--csv",
    ]);
    cmd
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
    let out = redis_benchmark(port)
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

// ---------------------------------------------------------------- consumer groups on redis-server

/// Reads per round trip of the pipelined work-queue client (each round trip
/// also carries the XACKs of the previous round's reads: 64 commands, as
/// `redis-benchmark -P 64`).
const QUEUE_READS: usize = 32;
/// Commands per round trip of the pipelined XAUTOCLAIM walk.
const CLAIM_DEPTH: usize = 64;

fn io_err(e: impl std::fmt::Display) -> String {
    e.to_string()
}

fn reply_error(reply: &Reply) -> Option<String> {
    match reply {
        Reply::Error(e) => Some(String::from_utf8_lossy(e).into_owned()),
        _ => None,
    }
}

/// A fresh group `g` on `s`: `XGROUP DESTROY s g`, `XGROUP CREATE s g 0`.
fn redis_group_reset(c: &mut Conn) -> Result<(), String> {
    c.call(&[b"XGROUP", b"DESTROY", b"s", b"g"])
        .map_err(io_err)?;
    let reply = c
        .call(&[b"XGROUP", b"CREATE", b"s", b"g", b"0"])
        .map_err(io_err)?;
    reply_error(&reply).map_or(Ok(()), Err)
}

/// One drain of `s` by the pipelined work-queue client (the group must be
/// fresh): every write carries the XACKs for the reads answered in the previous
/// round trip (`XACK s g <their ids>`, one per read that returned entries)
/// followed by `QUEUE_READS` new `XREADGROUP GROUP g c<i> COUNT 10 STREAMS s >`
/// (consumers c0..c9 in turn); it then reads all those replies and parses the
/// ids. It stops when a round trip has no XACK to send and a read found
/// nothing. Returns the commands sent and the entries read; checks that every
/// entry was acknowledged.
fn redis_work_queue(c: &mut Conn) -> Result<(u64, u64), String> {
    let mut acks: Vec<Vec<Vec<u8>>> = Vec::new();
    let mut out = Vec::new();
    let mut turn = 0usize;
    let (mut commands, mut entries, mut acked) = (0u64, 0u64, 0i64);
    loop {
        out.clear();
        for ids in &acks {
            let mut argv: Vec<&[u8]> = vec![b"XACK", b"s", b"g"];
            argv.extend(ids.iter().map(Vec::as_slice));
            encode_command(&mut out, &argv);
        }
        for _ in 0..QUEUE_READS {
            let consumer = format!("c{}", turn % 10);
            turn += 1;
            encode_command(
                &mut out,
                &[
                    b"XREADGROUP",
                    b"GROUP",
                    b"g",
                    consumer.as_bytes(),
                    b"COUNT",
                    b"10",
                    b"STREAMS",
                    b"s",
                    b">",
                ],
            );
        }
        let n = acks.len() + QUEUE_READS;
        let replies = c.pipeline(&out, n).map_err(io_err)?;
        commands += n as u64;
        for reply in &replies[..acks.len()] {
            match reply {
                Reply::Integer(k) => acked += k,
                _ => return Err(format!("XACK answered {reply:?}")),
            }
        }
        let sent_acks = !acks.is_empty();
        acks.clear();
        let mut found_nothing = false;
        for reply in &replies[n - QUEUE_READS..] {
            let mut ids = Vec::new();
            workload::entry_ids(reply, &mut ids).map_err(|e| format!("XREADGROUP: {e}"))?;
            if ids.is_empty() {
                found_nothing = true;
            } else {
                entries += ids.len() as u64;
                acks.push(ids);
            }
        }
        if found_nothing && !sent_acks && acks.is_empty() {
            break;
        }
    }
    if acked != entries as i64 {
        return Err(format!("{acked} of {entries} entries acknowledged"));
    }
    Ok((commands, entries))
}

/// Loads `s` with `1-0` ..= `pel-0` (after FLUSHALL) and makes them all
/// pending in a fresh group `g` for consumer `c` (`XREADGROUP ... COUNT 1000`).
fn redis_pel_load(c: &mut Conn, pel: u64) -> Result<(), String> {
    c.call(&[b"FLUSHALL"]).map_err(io_err)?;
    c.load(pel).map_err(io_err)?;
    redis_group_reset(c)?;
    let mut delivered = 0;
    while delivered < pel {
        let count = (pel - delivered).min(1000).to_string();
        let reply = c
            .call(&[
                b"XREADGROUP",
                b"GROUP",
                b"g",
                b"c",
                b"COUNT",
                count.as_bytes(),
                b"STREAMS",
                b"s",
                b">",
            ])
            .map_err(io_err)?;
        let mut ids = Vec::new();
        workload::entry_ids(&reply, &mut ids)?;
        if ids.is_empty() {
            return Err(format!("the stream ran out after {delivered} deliveries"));
        }
        delivered += ids.len() as u64;
    }
    Ok(())
}

fn autoclaim_argv<'a>(claimer: &'a [u8], cursor: &'a [u8], justid: bool) -> Vec<&'a [u8]> {
    let mut argv: Vec<&[u8]> = vec![
        b"XAUTOCLAIM",
        b"s",
        b"g",
        claimer,
        b"0",
        cursor,
        b"COUNT",
        b"100",
    ];
    if justid {
        argv.push(b"JUSTID");
    }
    argv
}

/// One walk of the PEL one call at a time, each call sent with the cursor the
/// previous reply returned (as the engine's walk): (calls, entries claimed).
fn redis_autoclaim_sequential(
    c: &mut Conn,
    claimer: &[u8],
    justid: bool,
) -> Result<(u64, u64), String> {
    let mut cursor = b"0-0".to_vec();
    let (mut calls, mut claimed) = (0, 0);
    loop {
        let reply = c
            .call(&autoclaim_argv(claimer, &cursor, justid))
            .map_err(io_err)?;
        calls += 1;
        let (next, n) = workload::autoclaim_reply(&reply)?;
        claimed += n as u64;
        if next == b"0-0" {
            return Ok((calls, claimed));
        }
        cursor = next;
    }
}

/// One walk of the PEL of `redis_pel_load` pipelined `CLAIM_DEPTH` calls a round
/// trip. The cursors are known in advance (the PEL holds `1-0` ..= `pel-0`,
/// COUNT 100: call k starts at `0-0`, then `(100k+1)-0`); each reply's cursor is
/// checked against the next call's, so the calls are exactly those of the
/// sequential walk. (calls, entries claimed).
fn redis_autoclaim_pipelined(
    c: &mut Conn,
    claimer: &[u8],
    justid: bool,
    pel: u64,
) -> Result<(u64, u64), String> {
    let calls = pel.div_ceil(100);
    let cursor = |k: u64| -> Vec<u8> {
        if k == 0 || k >= calls {
            b"0-0".to_vec()
        } else {
            format!("{}-0", 100 * k + 1).into_bytes()
        }
    };
    let mut claimed = 0;
    let mut out = Vec::new();
    let mut k = 0;
    while k < calls {
        let end = (k + CLAIM_DEPTH as u64).min(calls);
        out.clear();
        for j in k..end {
            encode_command(&mut out, &autoclaim_argv(claimer, &cursor(j), justid));
        }
        let replies = c.pipeline(&out, (end - k) as usize).map_err(io_err)?;
        for (j, reply) in (k..end).zip(&replies) {
            let (next, n) = workload::autoclaim_reply(reply)?;
            if next != cursor(j + 1) {
                return Err(format!(
                    "XAUTOCLAIM from {} returned cursor {}",
                    String::from_utf8_lossy(&cursor(j)),
                    String::from_utf8_lossy(&next)
                ));
            }
            claimed += n as u64;
        }
        k = end;
    }
    Ok((calls, claimed))
}

/// One run of an XAUTOCLAIM workload on redis-server, as the engine's
/// (`Driver::group_run`): two walks, claiming for `other` and back for `c`.
fn redis_autoclaim_run(
    c: &mut Conn,
    workload: &str,
    pel: Option<u64>,
) -> Result<(u64, u64), String> {
    let justid = workload == "XAUTOCLAIM_JUSTID";
    let (a, x, b, y);
    match pel {
        Some(pel) => {
            (a, x) = redis_autoclaim_pipelined(c, b"other", justid, pel)?;
            (b, y) = redis_autoclaim_pipelined(c, b"c", justid, pel)?;
        }
        None => {
            (a, x) = redis_autoclaim_sequential(c, b"other", justid)?;
            (b, y) = redis_autoclaim_sequential(c, b"c", justid)?;
        }
    }
    Ok((a + b, x + y))
}

/// Median commands/s and entries/s of `runs` timed runs of `run`, each after
/// an untimed `prepare`; checks that each run read or claimed `expected` entries.
fn group_medians<C>(
    ctx: &mut C,
    runs: u64,
    expected: u64,
    mut prepare: impl FnMut(&mut C) -> Result<(), String>,
    mut run: impl FnMut(&mut C) -> Result<(u64, u64), String>,
) -> Result<(f64, f64), String> {
    let (mut xs, mut ys) = (Vec::new(), Vec::new());
    for _ in 0..runs {
        prepare(ctx)?;
        let t = Instant::now();
        let (commands, entries) = run(ctx)?;
        let secs = t.elapsed().as_secs_f64();
        if entries != expected {
            return Err(format!("{entries} entries instead of {expected}"));
        }
        xs.push(commands as f64 / secs);
        ys.push(entries as f64 / secs);
    }
    Ok((median(xs), median(ys)))
}

/// A workload's name and its median ops/s, or why it was skipped.
type WasmResult = (String, Result<f64, String>);

/// Runs one part of the workloads in Node (`streams`: throughput and consumer
/// groups; `pubsub`), with `[runs, entries, ops, pel, deliveries]`: for each,
/// the median ops/s, or why it was skipped.
fn wasm_runs(
    root: &Path,
    module: &Path,
    part: &str,
    sizes: [u64; 5],
) -> Result<Vec<WasmResult>, String> {
    let out = Command::new("node")
        .arg(root.join("benches/support/wasm_run.js"))
        .arg(module)
        .arg(part)
        .args(sizes.map(|n| n.to_string()))
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

// ---------------------------------------------------------------- pub/sub

/// The RESP2 frame a subscriber of `ch` gets for `PUBLISH ch hello`.
fn message_frame() -> Vec<u8> {
    resp::encode(
        &Reply::Array(vec![
            Reply::bulk("message"),
            Reply::bulk(workload::CHANNEL),
            Reply::bulk(workload::MESSAGE),
        ]),
        streamplay::engine::Protocol::Resp2,
    )
}

/// Opens a connection that runs `SUBSCRIBE ch` and checks the confirmation,
/// then drains it in a thread of its own until `expected` message frames have
/// arrived, every byte compared with the frame's; the thread returns when the
/// last byte arrived (an error for anything else, or a closed connection).
fn redis_subscriber(
    port: u16,
    expected: u64,
) -> Result<std::thread::JoinHandle<Result<Instant, String>>, String> {
    let mut c = Conn::open(port).map_err(io_err)?;
    let confirm = c.call(&[b"SUBSCRIBE", workload::CHANNEL]).map_err(io_err)?;
    match &confirm {
        Reply::Array(parts) if parts.first() == Some(&Reply::bulk("subscribe")) => {}
        _ => return Err(format!("SUBSCRIBE answered {confirm:?}")),
    }
    if c.pos != c.buf.len() {
        return Err("bytes after SUBSCRIBE's confirmation".into());
    }
    let mut stream = c.stream;
    Ok(std::thread::spawn(move || {
        let frame = message_frame();
        let total = expected * frame.len() as u64;
        let mut seen = 0u64;
        let mut chunk = vec![0u8; 1 << 16];
        while seen < total {
            let n = stream.read(&mut chunk).map_err(io_err)?;
            if n == 0 {
                return Err(format!(
                    "connection closed after {} of {expected} messages",
                    seen / frame.len() as u64
                ));
            }
            for &b in &chunk[..n] {
                if seen >= total || b != frame[(seen % frame.len() as u64) as usize] {
                    return Err(format!("unexpected byte at offset {seen}"));
                }
                seen += 1;
            }
        }
        Ok(Instant::now())
    }))
}

/// One run against redis-server: `subscribers` draining connections
/// subscribed to `ch` (`PUBSUB NUMSUB` checked), then `redis-benchmark -P 64
/// -n <publishes> PUBLISH ch hello`. Returns redis-benchmark's publishes/s
/// times the subscribers, and the end-to-end deliveries/s (every frame, from
/// starting redis-benchmark until the last subscriber had all its messages).
/// Checks that redis-server ran `publishes` PUBLISHes (`INFO commandstats`)
/// and that every subscriber received every message.
fn redis_pubsub_run(
    port: u16,
    conn: &mut Conn,
    subscribers: u64,
    publishes: u64,
) -> Result<(f64, f64), String> {
    let threads: Vec<_> = (0..subscribers)
        .map(|_| redis_subscriber(port, publishes))
        .collect::<Result<_, _>>()?;
    let numsub = conn
        .call(&[b"PUBSUB", b"NUMSUB", workload::CHANNEL])
        .map_err(io_err)?;
    let expected = Reply::Array(vec![
        Reply::bulk(workload::CHANNEL),
        Reply::Integer(subscribers as i64),
    ]);
    if numsub != expected {
        return Err(format!("PUBSUB NUMSUB answered {numsub:?}"));
    }
    conn.call(&[b"CONFIG", b"RESETSTAT"]).map_err(io_err)?;
    let start = Instant::now();
    let out = redis_benchmark(port)
        .args(["-n", &publishes.to_string(), "PUBLISH", "ch", "hello"])
        .stderr(Stdio::null())
        .output()
        .map_err(|e| format!("cannot run redis-benchmark: {e}"))?;
    let text = String::from_utf8_lossy(&out.stdout);
    let rps: f64 = text
        .lines()
        .filter(|l| !l.starts_with("\"test\""))
        .find_map(|l| l.split(',').nth(1))
        .and_then(|v| v.trim_matches('"').parse().ok())
        .ok_or_else(|| format!("unexpected redis-benchmark output: {text}"))?;
    let mut last = start;
    let mut failed = None;
    for t in threads {
        match t.join() {
            Ok(Ok(done)) => last = last.max(done),
            Ok(Err(e)) => failed = Some(e),
            Err(_) => failed = Some("a subscriber thread panicked".into()),
        }
    }
    if let Some(e) = failed {
        return Err(format!("a subscriber: {e}"));
    }
    let (calls, _) = conn.cmdstat("publish").map_err(io_err)?;
    if calls != publishes as f64 {
        return Err(format!(
            "redis-server ran {calls} PUBLISHes, not {publishes}"
        ));
    }
    let end_to_end = (publishes * subscribers) as f64 / (last - start).as_secs_f64();
    Ok((rps * subscribers as f64, end_to_end))
}

/// Median deliveries/s of `runs` timed runs of `k` PUBLISHes through the engine.
fn pubsub_native(p: &mut PubSub, runs: u64, k: u64) -> Result<f64, String> {
    let mut xs = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        let delivered = p.publish(k)?;
        xs.push(delivered as f64 / t.elapsed().as_secs_f64());
    }
    std::hint::black_box(p.written);
    Ok(median(xs))
}

/// ns per PUBLISH (median of `runs` runs of `k`) and allocations per PUBLISH
/// (counted over one more run of `k`) with one channel subscriber and
/// `patterns` non-matching patterns.
fn pattern_cost(runs: u64, k: u64, patterns: u64) -> Result<(f64, f64), String> {
    let mut p = PubSub::new("NONMATCHING", patterns)?;
    let mut ns = Vec::new();
    for _ in 0..runs {
        let t = Instant::now();
        p.publish(k)?;
        ns.push(t.elapsed().as_nanos() as f64 / k as f64);
    }
    ALLOCATIONS.store(0, Ordering::SeqCst);
    COUNTING.store(true, Ordering::SeqCst);
    let result = p.publish(k);
    COUNTING.store(false, Ordering::SeqCst);
    result?;
    let allocations = ALLOCATIONS.load(Ordering::SeqCst) as f64 / k as f64;
    std::hint::black_box(p.written);
    Ok((median(ns), allocations))
}

/// The medians of `names` from a Node run of one wasm build (`profile`),
/// NaN for a workload that was skipped (the reason printed once).
fn wasm_pick(all: &Result<Vec<WasmResult>, String>, profile: &str, names: &[&str]) -> Vec<f64> {
    match all {
        Ok(results) => names
            .iter()
            .map(|w| match results.iter().find(|(n, _)| n == w) {
                Some((_, Ok(x))) => *x,
                Some((_, Err(e))) => {
                    if !w.ends_with("_ENTRIES") {
                        println!("wasm ({profile}) {w}: skipped, {e}");
                    }
                    f64::NAN
                }
                None => f64::NAN,
            })
            .collect(),
        Err(e) => {
            println!("wasm ({profile}): skipped, {e}");
            vec![f64::NAN; names.len()]
        }
    }
}

fn main() {
    // `cargo bench` passes `--bench`; nothing else is expected.
    let runs = env_u64("STREAMPLAY_BENCH_RUNS", 5).max(1);
    let entries = env_u64("STREAMPLAY_BENCH_ENTRIES", 1_000_000).max(10);
    let k = (entries / 5).clamp(1_000, 200_000);
    // The PEL of the XAUTOCLAIM walks: 100,000 for the 1,000,000-entry stream.
    let pel = (entries / 10).max(1_000) / 100 * 100;
    // Frames delivered in a timed pub/sub run: 1,000,000 for the 1,000,000 entries.
    let deliveries = entries.max(1_000);
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
    // One Node run per build times the throughput and the consumer-group
    // workloads; another, in the pub/sub section, the pub/sub workloads (so
    // that they run next to their native and redis-server runs).
    let module_bench = build_wasm(&root, "bench");
    let module_release = build_wasm(&root, "release");
    let wasm_part = |module: &Result<PathBuf, String>, part: &str| {
        module
            .clone()
            .and_then(|m| wasm_runs(&root, &m, part, [runs, entries, k, pel, deliveries]))
    };
    let wasm_bench = wasm_part(&module_bench, "streams");
    let wasm_release = wasm_part(&module_release, "streams");
    let wasm_of = |profile: &str, names: &[&str]| -> Vec<f64> {
        let all = if profile == "bench" {
            &wasm_bench
        } else {
            &wasm_release
        };
        wasm_pick(all, profile, names)
    };
    let wasm = wasm_of("bench", &workloads);
    let wasm_page = wasm_of("release", &workloads);
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

    // 3. Consumer groups: the work-queue loop and the XAUTOCLAIM walks.
    println!(
        "## Consumer groups: work queue on a {entries}-entry stream, XAUTOCLAIM over a \
         {pel}-entry PEL\n"
    );
    let groups = ["WORKQUEUE", "XAUTOCLAIM", "XAUTOCLAIM_JUSTID"];
    let group_missing: Vec<Option<String>> =
        groups.iter().map(|w| missing(w, &mut probe)).collect();
    // Per workload: (commands/s, entries/s), native.
    let mut native = vec![(f64::NAN, f64::NAN); groups.len()];
    for (i, w) in groups.iter().enumerate() {
        if let Some(e) = &group_missing[i] {
            println!("engine {w}: skipped, the engine answers {e:?}");
            continue;
        }
        let mut d = Driver::new(Profile::V7);
        let result = if *w == "WORKQUEUE" {
            d.load(entries);
            group_medians(&mut d, runs, entries, Driver::group_reset, |d| {
                d.group_run(w)
            })
        } else {
            d.pel_load(pel, pel)
                .and_then(|()| group_medians(&mut d, runs, 2 * pel, |_| Ok(()), |d| d.group_run(w)))
        };
        match result {
            Ok(x) => native[i] = x,
            Err(e) => println!("engine {w}: failed, {e}"),
        }
        std::hint::black_box(d.written);
    }
    let names: Vec<String> = groups
        .iter()
        .flat_map(|w| [w.to_string(), format!("{w}_ENTRIES")])
        .collect();
    let names: Vec<&str> = names.iter().map(String::as_str).collect();
    let wasm = wasm_of("bench", &names);
    let wasm_page = wasm_of("release", &names);
    // redis-server: (pipelined, one call at a time, in-command), each as (commands/s, entries/s).
    let mut redis_pipelined = vec![(f64::NAN, f64::NAN); groups.len()];
    let mut redis_sequential = vec![(f64::NAN, f64::NAN); groups.len()];
    let mut redis_in_command = vec![f64::NAN; groups.len()];
    if let Ok(c) = &mut conn {
        let mut measure = |c: &mut Conn, i: usize, w: &str| -> Result<(), String> {
            if w == "WORKQUEUE" {
                c.call(&[b"FLUSHALL"]).map_err(io_err)?;
                c.load(entries).map_err(io_err)?;
                c.call(&[b"CONFIG", b"RESETSTAT"]).map_err(io_err)?;
                redis_pipelined[i] =
                    group_medians(c, runs, entries, redis_group_reset, redis_work_queue)?;
                let (r, rusec) = c.cmdstat("xreadgroup").map_err(io_err)?;
                let (a, ausec) = c.cmdstat("xack").map_err(io_err)?;
                redis_in_command[i] = (r + a) / (rusec + ausec) * 1e6;
            } else {
                if w == "XAUTOCLAIM" {
                    redis_pel_load(c, pel)?;
                }
                c.call(&[b"CONFIG", b"RESETSTAT"]).map_err(io_err)?;
                redis_pipelined[i] = group_medians(
                    c,
                    runs,
                    2 * pel,
                    |_| Ok(()),
                    |c| redis_autoclaim_run(c, w, Some(pel)),
                )?;
                redis_in_command[i] = c.server_ops("xautoclaim").map_err(io_err)?;
                redis_sequential[i] = group_medians(
                    c,
                    runs,
                    2 * pel,
                    |_| Ok(()),
                    |c| redis_autoclaim_run(c, w, None),
                )?;
            }
            Ok(())
        };
        for (i, w) in groups.iter().enumerate() {
            if let Err(e) = measure(c, i, w) {
                println!("redis-server {w}: failed, {e}");
            }
        }
    }
    let mut t = Table::new(&[
        "workload",
        "engine native",
        "engine wasm",
        "wasm, page build",
        "redis pipelined",
        "native/redis",
        "wasm/redis",
        "page wasm/redis",
        "redis one call a round trip",
        "redis in-command",
    ]);
    let labels = [
        (
            "XREADGROUP COUNT 10 + XACK, commands/s",
            "  the same, entries/s",
        ),
        (
            "XAUTOCLAIM COUNT 100, calls/s",
            "  the same, entries claimed/s",
        ),
        (
            "XAUTOCLAIM COUNT 100 JUSTID, calls/s",
            "  the same, entries claimed/s",
        ),
    ];
    for (i, (commands_label, entries_label)) in labels.iter().enumerate() {
        for (j, label) in [commands_label, entries_label].iter().enumerate() {
            let pick = |x: (f64, f64)| if j == 0 { x.0 } else { x.1 };
            let n = pick(native[i]);
            let r = pick(redis_pipelined[i]);
            let (wa, wp) = (wasm[2 * i + j], wasm_page[2 * i + j]);
            t.row(vec![
                label.to_string(),
                fmt_ops(n),
                fmt_ops(wa),
                fmt_ops(wp),
                fmt_ops(r),
                ratio(n, r),
                ratio(wa, r),
                ratio(wp, r),
                if i == 0 {
                    "-".into()
                } else {
                    fmt_ops(pick(redis_sequential[i]))
                },
                if j == 0 {
                    fmt_ops(redis_in_command[i])
                } else {
                    String::new()
                },
            ]);
        }
    }
    t.print();
    println!("goals: wasm >= redis pipelined, native >= 3x redis");
    println!(
        "(work queue: consumers c0..c9 take turns, XREADGROUP GROUP g c<i> COUNT 10 STREAMS s > \
         then XACK s g <its ids>, until the stream is drained; redis pipelined: each round trip \
         carries the XACKs of the previous round's {QUEUE_READS} reads and {QUEUE_READS} new reads)"
    );
    println!(
        "(XAUTOCLAIM s g <claimer> 0 <cursor> COUNT 100: a run walks the PEL twice, claiming all \
         for `other` and back for `c`; the engine and `one call a round trip` follow the reply's \
         cursor, redis pipelined sends {CLAIM_DEPTH} calls a round trip with the cursors known \
         in advance and checks them)\n"
    );

    // 4. Scaling with the stream's length.
    println!("## Cost per operation by stream length or PEL size N (ns/op)\n");
    let sizes: Vec<u64> = [10_000, 100_000, 1_000_000]
        .into_iter()
        .filter(|s| *s <= entries.max(10_000))
        .collect();
    let ops = ["XRANGE", "XREVRANGE", "XTRIM"];
    let scale_missing: Vec<Option<String>> = ops.iter().map(|w| missing(w, &mut probe)).collect();
    let mut header = vec!["command".to_string()];
    header.extend(sizes.iter().map(|s| format!("N = {s}")));
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
    // The PEL rows: a stream of N + runs * kk entries, its first N pending in
    // group g for consumer c; the rest feed the redeliveries.
    let pel_ops = ["XACK", "XPENDING"];
    let pel_missing: Vec<Option<String>> = pel_ops.iter().map(|w| missing(w, &mut probe)).collect();
    let mut pel_cells = vec![Vec::new(); pel_ops.len()];
    for &size in &sizes {
        if pel_missing.iter().all(Option::is_some) {
            break;
        }
        let mut d = Driver::new(Profile::V7);
        let loaded = d.pel_load(size + runs * kk, size);
        // XPENDING first: it changes nothing, so both rows see the same PEL.
        for (i, w) in pel_ops.iter().enumerate().rev() {
            let cell = match (&pel_missing[i], &loaded) {
                (Some(_), _) => "n/a".to_string(),
                (None, Err(e)) => format!("failed: {e}"),
                (None, Ok(())) => {
                    let mut ns = Vec::new();
                    let mut failed = None;
                    for _ in 0..runs {
                        let t = Instant::now();
                        let r = match *w {
                            "XACK" => d.xack_redeliver(kk),
                            _ => d.xpending_lookup(kk),
                        };
                        ns.push(t.elapsed().as_nanos() as f64 / kk as f64);
                        if let Err(e) = r {
                            failed = Some(e);
                            break;
                        }
                    }
                    match failed {
                        Some(e) => format!("failed: {e}"),
                        None => format!("{:.0}", median(ns)),
                    }
                }
            };
            pel_cells[i].push(cell);
        }
        std::hint::black_box(d.written);
    }
    for (i, w) in pel_ops.iter().enumerate() {
        let name = match *w {
            "XACK" => "XACK <random pending id> + XREADGROUP COUNT 1 > (PEL of N)",
            _ => "XPENDING s g <id> <id> 1, random pending id (PEL of N)",
        };
        if let Some(e) = &pel_missing[i] {
            println!("engine {w}: skipped, the engine answers {e:?}");
        }
        let mut row = vec![name.to_string()];
        row.extend((0..sizes.len()).map(|j| pel_cells[i].get(j).cloned().unwrap_or("n/a".into())));
        t.row(row);
    }
    t.print();
    println!(
        "(N: the stream's length for the first three rows, the group's PEL size for the last two; \
         each XACK is paired with the XREADGROUP that makes the next entry pending, so the PEL \
         keeps N entries)"
    );
    println!("expected: flat (logarithmic lookup), not 10x per row step");

    // 5. Pub/Sub.
    println!("\n## Pub/Sub: PUBLISH ch hello, deliveries/s (about {deliveries} frames a run)\n");
    let cases: [(&str, &str, u64, &str); 6] = [
        ("PUBSUB_1", "CHANNEL", 1, "1 subscriber"),
        ("PUBSUB_100", "CHANNEL", 100, "100 subscribers"),
        ("PUBSUB_10000", "CHANNEL", 10_000, "10,000 subscribers"),
        ("PUBSUB_100000", "CHANNEL", 100_000, "100,000 subscribers"),
        (
            "PUBSUB_PATTERNS_ONE",
            "PATTERNS_ONE",
            0,
            "100 patterns, 1 matching (c[h]) + 99 not (ch<i>*)",
        ),
        (
            "PUBSUB_PATTERNS_ALL",
            "PATTERNS_ALL",
            0,
            "100 patterns, all matching (c[h<i>])",
        ),
    ];
    let mut native = Vec::new();
    let mut fanouts = Vec::new();
    for (w, kind, n, _) in &cases {
        let result = PubSub::new(kind, *n).and_then(|mut p| {
            let k = publishes_per_run(deliveries, p.fanout);
            Ok((pubsub_native(&mut p, runs, k)?, p.fanout))
        });
        match result {
            Ok((x, fanout)) => {
                native.push(x);
                fanouts.push(fanout.to_string());
            }
            Err(e) => {
                println!("engine {w}: failed, {e}");
                native.push(f64::NAN);
                fanouts.push("n/a".into());
            }
        }
    }
    let names: Vec<&str> = cases.iter().map(|c| c.0).collect();
    let wasm = wasm_pick(&wasm_part(&module_bench, "pubsub"), "bench", &names);
    let wasm_page = wasm_pick(&wasm_part(&module_release, "pubsub"), "release", &names);
    // redis-server: 1 and 100 draining subscribers; (redis-benchmark publishes/s
    // x subscribers, end to end), each a median. The counts are multiples of
    // redis-benchmark's 50 clients x 64: otherwise it sends up to a pipeline
    // more per client than -n (20,000 sends 20,032).
    let redis_publishes = |subscribers: u64| if subscribers == 1 { 192_000 } else { 32_000 };
    let mut redis_rows = vec![(f64::NAN, f64::NAN); cases.len()];
    if let (Ok(r), Ok(c)) = (&redis, &mut conn) {
        if !have_benchmark {
            println!("redis-server pub/sub: skipped, redis-benchmark is not installed");
        } else if let Err(e) = c.call(&[b"FLUSHALL"]) {
            println!("redis-server pub/sub: skipped, {e}");
        } else {
            for (i, (w, kind, n, _)) in cases.iter().enumerate() {
                if *kind != "CHANNEL" || *n > 100 {
                    continue;
                }
                let (mut xs, mut ys) = (Vec::new(), Vec::new());
                for _ in 0..runs {
                    match redis_pubsub_run(r.port, c, *n, redis_publishes(*n)) {
                        Ok((x, y)) => {
                            xs.push(x);
                            ys.push(y);
                        }
                        Err(e) => {
                            println!("redis-server {w}: failed, {e}");
                            break;
                        }
                    }
                }
                redis_rows[i] = (median(xs), median(ys));
            }
        }
    }
    let mut t = Table::new(&[
        "PUBLISH ch hello to",
        "frames per PUBLISH",
        "engine native",
        "engine wasm",
        "wasm, page build",
        "redis -P 64",
        "native/redis",
        "wasm/redis",
        "page wasm/redis",
        "redis end to end",
    ]);
    for (i, (_, _, _, label)) in cases.iter().enumerate() {
        let (r, e2e) = redis_rows[i];
        let dash = |x: String| if r.is_nan() { "-".to_string() } else { x };
        t.row(vec![
            label.to_string(),
            fanouts[i].clone(),
            fmt_ops(native[i]),
            fmt_ops(wasm[i]),
            fmt_ops(wasm_page[i]),
            dash(fmt_ops(r)),
            dash(ratio(native[i], r)),
            dash(ratio(wasm[i], r)),
            dash(ratio(wasm_page[i], r)),
            dash(fmt_ops(e2e)),
        ]);
    }
    t.print();
    println!(
        "(deliveries/s: frames delivered to subscribers a second. Engine: PUBLISH ch hello \
         through Engine::execute, the reply and every frame of Outcome.deliveries encoded to \
         RESP2 as the server writes it; redis -P 64: redis-benchmark -P 64 -n {} (1 subscriber) \
         or {} (100) PUBLISH ch hello, its publishes/s x the subscribers, each a connection in a \
         thread of this benchmark that drains its socket and checks every byte; end to end: all \
         frames over the time from starting redis-benchmark until the last subscriber had them)\n",
        redis_publishes(1),
        redis_publishes(100)
    );

    println!(
        "## Pattern matching: PUBLISH ch hello to 1 subscriber with N non-matching patterns\n"
    );
    let counts = [0u64, 100, 1_000];
    let mut header = vec!["engine native".to_string()];
    header.extend(counts.iter().map(|n| format!("N = {n}")));
    let header_refs: Vec<&str> = header.iter().map(String::as_str).collect();
    let mut t = Table::new(&header_refs);
    let mut ns_row = vec!["ns per PUBLISH".to_string()];
    let mut alloc_row = vec!["allocations per PUBLISH".to_string()];
    let mut ns_at = Vec::new();
    for &n in &counts {
        match pattern_cost(runs, 20_000, n) {
            Ok((ns, allocs)) => {
                ns_at.push(ns);
                ns_row.push(format!("{ns:.0}"));
                alloc_row.push(format!("{allocs:.1}"));
            }
            Err(e) => {
                println!("engine patterns N = {n}: failed, {e}");
                ns_at.push(f64::NAN);
                ns_row.push("n/a".into());
                alloc_row.push("n/a".into());
            }
        }
    }
    t.row(ns_row);
    t.row(alloc_row);
    t.print();
    println!(
        "(patterns ch<i>* held by N other clients: each fails after matching `ch`. Per \
         non-matching pattern: {:.1} ns (N = 1,000 against N = 0). Allocations counted by this \
         file's allocator, the benchmark's encoding buffer included; expected: linear time, the \
         same allocations at every N, as the engine's unit test \
         src/engine/pubsub.rs `no_allocation_per_pattern` asserts)",
        (ns_at[2] - ns_at[0]) / 1_000.0
    );
}
