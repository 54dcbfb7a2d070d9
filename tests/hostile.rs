//! Hostile values (issue 17, "Hostile values"): extreme counts, limits and timeouts, huge and
//! pathological inputs (100,000-field entries, a 1,000,000-entry stream, glob patterns built
//! to explode, console lines built to hurt the splitter, a repeat count of a billion, a
//! million XADDs under the page's memory ceiling, a 10 MB share link). Each gets Redis's reply,
//! compared byte for byte with redis-server 7.0.15 where it can be, or a clear error, within
//! bounded work and memory.
//!
//! Work is measured without a clock where it can be: this test binary counts the allocations
//! of the thread that runs each case (bytes, calls and peak live bytes), so a
//! `Vec::with_capacity(count)` or a reply built for a count instead of the data fails here,
//! not by timing. The one thing allocation does not see, a matcher's CPU time, is checked as a
//! generous ratio against a plain baseline measured in the same run (an exponential matcher
//! would be millions of times slower, noise is not).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use std::alloc::{GlobalAlloc, Layout, System};
use std::cell::Cell;
use std::io::{Read, Write};
use std::time::Instant;

use streamplay::cli::split::split_args;
use streamplay::console;
use streamplay::engine::{resp, ClientId, Config, Engine, Profile, Protocol, Reply};
use streamplay::session::{Session, SessionConfig};
use support::{start_redis, Conn};

// ----- Counting allocations per thread -----

/// The system allocator, counting what the current thread allocates (tests run on threads
/// of their own, so each case sees only its own work).
struct Counting;

thread_local! {
    static BYTES: Cell<u64> = const { Cell::new(0) };
    static CALLS: Cell<u64> = const { Cell::new(0) };
    static LIVE: Cell<i64> = const { Cell::new(0) };
    static PEAK: Cell<i64> = const { Cell::new(0) };
}

fn note_alloc(size: usize) {
    let _ = BYTES.try_with(|b| b.set(b.get() + size as u64));
    let _ = CALLS.try_with(|c| c.set(c.get() + 1));
    let _ = LIVE.try_with(|l| {
        l.set(l.get() + size as i64);
        let _ = PEAK.try_with(|p| p.set(p.get().max(l.get())));
    });
}

fn note_free(size: usize) {
    let _ = LIVE.try_with(|l| l.set(l.get() - size as i64));
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        System.alloc(layout)
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        note_free(layout.size());
        System.dealloc(ptr, layout)
    }
    unsafe fn alloc_zeroed(&self, layout: Layout) -> *mut u8 {
        note_alloc(layout.size());
        System.alloc_zeroed(layout)
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        note_free(layout.size());
        note_alloc(new_size);
        System.realloc(ptr, layout, new_size)
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// What one measured piece of work allocated on this thread.
#[derive(Debug, Clone, Copy)]
struct Cost {
    /// Bytes allocated in all (reallocations count their new size).
    bytes: u64,
    /// Allocation calls.
    calls: u64,
    /// The most bytes live at once above what was live at the start.
    peak: u64,
}

fn measure<T>(f: impl FnOnce() -> T) -> (T, Cost) {
    let (b0, c0, l0) = (
        BYTES.with(Cell::get),
        CALLS.with(Cell::get),
        LIVE.with(Cell::get),
    );
    PEAK.with(|p| p.set(l0));
    let out = f();
    let cost = Cost {
        bytes: BYTES.with(Cell::get) - b0,
        calls: CALLS.with(Cell::get) - c0,
        peak: (PEAK.with(Cell::get) - l0).max(0) as u64,
    };
    (out, cost)
}

const NOW: u64 = 1_700_000_000_000;

fn argv(line: &str) -> Vec<Vec<u8>> {
    split_args(line.as_bytes()).expect("test lines split")
}

fn show(bytes: &[u8]) -> String {
    let text = String::from_utf8_lossy(&bytes[..bytes.len().min(300)]).into_owned();
    text.replace("\r\n", "\\r\\n")
}

/// The RESP2 bytes a client of the engine receives for one command: its frames, in order.
fn engine_bytes(engine: &mut Engine, client: ClientId, args: Vec<Vec<u8>>) -> Vec<u8> {
    let out = engine.execute(client, args, NOW);
    let mut bytes = Vec::new();
    let reply_at = out.reply_at.min(out.deliveries.len());
    for (i, d) in out.deliveries.iter().enumerate() {
        if i == reply_at {
            if let Some(r) = &out.reply {
                resp::encode_into(&mut bytes, r, Protocol::Resp2);
            }
        }
        if d.client == client {
            resp::encode_into(&mut bytes, &d.frame, Protocol::Resp2);
        }
    }
    if reply_at >= out.deliveries.len() {
        if let Some(r) = &out.reply {
            resp::encode_into(&mut bytes, r, Protocol::Resp2);
        }
    }
    bytes
}

/// Whether a reply's order is the server's hash table's or its random generator's, which the
/// engine does not reproduce (its elements are compared, not their order).
fn args_are_keys(label: &str) -> bool {
    [
        "KEYS ",
        "PUBSUB CHANNELS ",
        "SCAN ",
        "SSCAN ",
        "HSCAN ",
        "ZSCAN ",
        "SRANDMEMBER ",
        "HRANDFIELD ",
        "ZRANDMEMBER ",
    ]
    .iter()
    .any(|p| label.starts_with(p))
}

/// A reply with every array's elements sorted, as text.
fn unordered(bytes: &[u8]) -> String {
    fn sort(reply: Reply) -> Reply {
        match reply {
            Reply::Array(items) => {
                let mut items: Vec<Reply> = items.into_iter().map(sort).collect();
                items.sort_by_key(|i| format!("{i:?}"));
                Reply::Array(items)
            }
            other => other,
        }
    }
    let Ok((reply, used)) = resp::parse(bytes) else {
        panic!("not a whole RESP reply: {}", show(bytes));
    };
    assert_eq!(used, bytes.len(), "one reply");
    format!("{:?}", sort(reply))
}

/// The engine (profile 7.0) and a redis-server 7.0.15, each with `clients` connections.
struct Both {
    engine: Engine,
    ids: Vec<ClientId>,
    conns: Vec<Conn>,
    _server: support::Server,
}

impl Both {
    fn new(clients: usize) -> Both {
        let mut engine = Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        });
        let ids = (0..clients).map(|_| engine.connect(NOW)).collect();
        let server = start_redis();
        let conns = (0..clients)
            .map(|_| Conn::open(server.port).unwrap())
            .collect();
        Both {
            engine,
            ids,
            conns,
            _server: server,
        }
    }

    /// Runs `args` on connection `who` of both; asserts the same reply bytes and that the
    /// engine allocated at most `budget(reply bytes)`; returns the reply and the cost.
    fn same(&mut self, who: usize, args: Vec<Vec<u8>>, budget: u64) -> (Vec<u8>, Cost) {
        let label = show(&args.join(&b' ')[..]);
        let want = self.conns[who].call_raw(&args);
        let id = self.ids[who];
        let (got, cost) = measure(|| engine_bytes(&mut self.engine, id, args));
        assert!(
            cost.bytes <= budget,
            "{label}: the engine allocated {} bytes ({} calls), over {budget}",
            cost.bytes,
            cost.calls
        );
        if args_are_keys(&label) {
            assert_eq!(unordered(&got), unordered(&want), "{label}: KEYS differs");
            return (got, cost);
        }
        assert_eq!(
            show(&got),
            show(&want),
            "{label}: the engine's reply differs from redis-server's"
        );
        assert_eq!(got.len(), want.len(), "{label}: reply lengths differ");
        assert!(got == want, "{label}: reply bytes differ");
        (got, cost)
    }

    fn line(&mut self, who: usize, line: &str) -> Vec<u8> {
        // Small data: whatever the count says, a reply to a handful of elements needs at
        // most a few KB; 256 KB is generous and still far below a count-sized buffer.
        self.same(who, argv(line), 256 * 1024).0
    }
}

#[test]
fn extreme_counts_limits_and_timeouts_match_redis() {
    let mut both = Both::new(1);
    for setup in [
        "XADD s 1-1 a 1",
        "XADD s 1-2 b 2",
        "XADD s 1-3 c 3",
        "XGROUP CREATE s g 0",
        "XREADGROUP GROUP g c COUNT 2 STREAMS s >",
        "RPUSH l a b c a",
        "ZADD z 1 a 2 b 3 c",
        "SADD set a b c",
        "HSET h a 1 b 2 c 3",
    ] {
        both.line(0, setup);
    }
    const MAX: &str = "9223372036854775807";
    const MIN: &str = "-9223372036854775808";
    const OVER: &str = "9223372036854775808";
    const U64: &str = "18446744073709551615";
    let cases = [
        // Counts on stream reads.
        format!("XRANGE s - + COUNT {MAX}"),
        format!("XRANGE s - + COUNT {MIN}"),
        format!("XRANGE s - + COUNT {OVER}"),
        "XRANGE s - + COUNT -1".to_string(),
        format!("XRANGE s {U64}-{U64} + COUNT {MAX}"),
        format!("XRANGE s - {U64}-{U64} COUNT {MAX}"),
        format!("XREVRANGE s + - COUNT {MAX}"),
        format!("XREVRANGE s + - COUNT {MIN}"),
        format!("XREAD COUNT {MAX} STREAMS s 0"),
        format!("XREAD COUNT {MIN} STREAMS s 0"),
        format!("XREAD COUNT {OVER} STREAMS s 0"),
        format!("XREADGROUP GROUP g c COUNT {MAX} STREAMS s 0"),
        format!("XREADGROUP GROUP g c COUNT {MIN} STREAMS s 0"),
        // Timeouts: negative, huge, past 64 bits (data is there, so nothing waits).
        "XREAD BLOCK -1 STREAMS s 0".to_string(),
        format!("XREAD BLOCK {MAX} STREAMS s 0"),
        format!("XREAD BLOCK {OVER} STREAMS s 0"),
        format!("XREAD BLOCK {MIN} STREAMS s 0"),
        format!("XREAD COUNT {MAX} BLOCK {MAX} STREAMS s 0"),
        "XREADGROUP GROUP g c BLOCK -1 STREAMS s >".to_string(),
        format!("XREADGROUP GROUP g c BLOCK {MAX} STREAMS s 0"),
        "BLPOP l -1".to_string(),
        format!("BLPOP l {MAX}"),
        "BLPOP l 1e300".to_string(),
        "BLPOP l inf".to_string(),
        "BLPOP l nan".to_string(),
        "BLPOP l -inf".to_string(),
        format!("BLMOVE l l2 LEFT RIGHT {MAX}"),
        format!("BZPOPMIN z {MAX}"),
        "BZPOPMIN z -0.001".to_string(),
        // XAUTOCLAIM and XPENDING extremes.
        format!("XAUTOCLAIM s g c 0 0 COUNT {MAX}"),
        "XAUTOCLAIM s g c 0 0 COUNT 0".to_string(),
        "XAUTOCLAIM s g c 0 0 COUNT -1".to_string(),
        format!("XAUTOCLAIM s g c {MAX} 0 COUNT 1"),
        "XAUTOCLAIM s g c -1 0".to_string(),
        format!("XAUTOCLAIM s g c 0 {U64}-{U64}"),
        // (Only forms whose reply holds no idle time: the real server's clock moves.)
        "XPENDING s g".to_string(),
        format!("XPENDING s g - + {MIN}"),
        "XPENDING s g - + -1".to_string(),
        format!("XPENDING s g IDLE {MAX} - + 10"),
        format!("XPENDING s g IDLE {MAX} - + {MAX}"),
        format!("XPENDING s g IDLE {OVER} - + 10"),
        format!("XPENDING s g - + {MAX} nobody"),
        format!("XPENDING s g - + {OVER}"),
        // Lists, sorted sets, random members.
        format!("LPOS l a COUNT {MAX}"),
        format!("LPOS l a COUNT 0 MAXLEN {MAX}"),
        format!("LPOS l a RANK {MAX}"),
        format!("LPOS l a RANK {MIN}"),
        format!("LPOS l a RANK -{MAX} COUNT 0"),
        "LPOS l a COUNT -1".to_string(),
        format!("LRANGE l {MIN} {MAX}"),
        format!("ZRANGE z {MIN} {MAX}"),
        "ZRANGE z 0 -1 REV".to_string(),
        format!("ZRANGE z -inf +inf BYSCORE LIMIT 0 {MAX}"),
        format!("ZRANGE z -inf +inf BYSCORE LIMIT {MAX} {MAX}"),
        format!("ZRANGE z -inf +inf BYSCORE LIMIT {MIN} 1"),
        format!("ZRANGE z - + BYLEX LIMIT 0 {MAX}"),
        "ZRANGEBYSCORE z -inf +inf LIMIT -1 -1".to_string(),
        format!("ZRANGEBYSCORE z -inf +inf LIMIT 0 {OVER}"),
        format!("SRANDMEMBER set {MAX}"),
        format!("SRANDMEMBER set {OVER}"),
        format!("SRANDMEMBER set {MIN}"),
        format!("SRANDMEMBER nosuch -{MAX}"),
        format!("HRANDFIELD h {MAX}"),
        format!("HRANDFIELD h -{MAX} WITHVALUES"),
        format!("HRANDFIELD h {MAX} WITHVALUES"),
        format!("HRANDFIELD h {MIN}"),
        format!("ZRANDMEMBER z {MAX} WITHSCORES"),
        format!("ZRANDMEMBER z -{MAX} WITHSCORES"),
        format!("ZRANDMEMBER z {MIN}"),
        format!("SCAN 0 COUNT {MAX}"),
        format!("SSCAN set 0 COUNT {MAX}"),
        format!("HSCAN h 0 COUNT {MAX}"),
        format!("ZSCAN z 0 COUNT {MAX}"),
        // Trimming with extreme thresholds and limits (last: they change the stream).
        format!("XADD s MAXLEN {MAX} 2-1 d 4"),
        format!("XADD s MAXLEN ~ {MAX} LIMIT {MAX} 2-2 e 5"),
        "XADD s MAXLEN -1 2-3 f 6".to_string(),
        format!("XTRIM s MAXLEN {MAX}"),
        format!("XTRIM s MAXLEN {OVER}"),
        format!("XTRIM s MAXLEN ~ 0 LIMIT {MAX}"),
        format!("XTRIM s MINID ~ {U64}-{U64} LIMIT {OVER}"),
        "XTRIM s MAXLEN 0 LIMIT 1".to_string(),
        format!("XTRIM s MINID {U64}-{U64}"),
        "XLEN s".to_string(),
        format!("XTRIM s MAXLEN {MIN}"),
    ];
    for case in &cases {
        both.line(0, case);
    }
}

#[test]
fn a_negative_huge_srandmember_count_is_bounded() {
    // Redis 7.0.15 answers `SRANDMEMBER set -9223372036854775807` (and HRANDFIELD and
    // ZRANDMEMBER without WITHVALUES/WITHSCORES) by writing nine quintillion
    // members (it runs until the client or the server dies), so there is no reply to compare;
    // the engine must answer something within bounded memory and never panic.
    let mut engine = Engine::new(Config {
        profile: Profile::V7,
        ..Config::default()
    });
    let c = engine.connect(NOW);
    engine.execute(c, argv("SADD set a b c"), NOW);
    engine.execute(c, argv("HSET h a 1 b 2"), NOW);
    engine.execute(c, argv("ZADD z 1 a 2 b"), NOW);
    for line in [
        "SRANDMEMBER set -9223372036854775807",
        "SRANDMEMBER set -9223372036854775808",
        "ZRANDMEMBER set -9223372036854775807",
        "HRANDFIELD h -9223372036854775807",
        "ZRANDMEMBER z -9223372036854775807",
    ] {
        let (bytes, cost) = measure(|| engine_bytes(&mut engine, c, argv(line)));
        eprintln!("{line}: {} ({cost:?})", show(&bytes));
        assert!(cost.peak < 64 * 1024 * 1024, "{line}: {cost:?}");
    }
}

#[test]
fn a_huge_block_timeout_waits_without_overflow() {
    // `BLOCK 9223372036854775807` from a clock at 2023 overflows a signed deadline; Redis
    // 7.0.15 accepts it and waits. The engine must wait too, and neither a clock move nor
    // the unblock panics or wakes it early.
    let mut engine = Engine::new(Config {
        profile: Profile::V7,
        ..Config::default()
    });
    let c = engine.connect(NOW);
    for line in [
        "XREAD BLOCK 9223372036854775807 STREAMS s $",
        "BLPOP nolist 9223372036854775807",
        "BLPOP nolist 1e300",
        "BZPOPMIN noz 9223372036854775807",
        "XREAD BLOCK 18446744073709551615000 STREAMS s $",
    ] {
        let out = engine.execute(c, argv(line), NOW);
        if let Some(Reply::Error(e)) = &out.reply {
            // The same errors as Redis (compared above): nothing waits.
            assert!(
                !engine.is_blocked(c),
                "{line}: {}",
                String::from_utf8_lossy(e)
            );
            continue;
        }
        assert!(engine.is_blocked(c), "{line} waits");
        engine.advance(NOW + 365 * 24 * 3600 * 1000);
        engine.advance(u64::MAX / 2);
        assert!(engine.is_blocked(c), "{line} still waits after years");
        engine.cancel_block(c, u64::MAX / 2);
        assert!(!engine.is_blocked(c));
    }
}

#[test]
fn a_100000_field_entry_matches_redis_in_bounded_memory() {
    let mut both = Both::new(1);
    let mut args = argv("XADD wide 1-1");
    for i in 0..100_000 {
        args.push(format!("field{i}").into_bytes());
        args.push(format!("value{i}").into_bytes());
    }
    let input: u64 = args.iter().map(|a| a.len() as u64).sum();
    let (_, add) = both.same(0, args, 64 * input);
    let (reply, read) = both.same(0, argv("XRANGE wide - +"), 64 * 1024 * 1024);
    both.line(0, "XLEN wide");
    both.same(0, argv("XREAD COUNT 1 STREAMS wide 0"), 64 * 1024 * 1024);
    eprintln!(
        "XADD with 100,000 fields: {input} input bytes, {add:?}; XRANGE: {} reply bytes, {read:?}",
        reply.len()
    );
    // A read costs a small multiple of what it returns, whatever COUNT says.
    assert!(read.peak < 40 * reply.len() as u64, "{read:?}");
}

#[test]
fn xrange_over_a_million_entries_matches_redis() {
    const N: u64 = 1_000_000;
    let mut both = Both::new(1);
    // Load both: the real server pipelined in batches, the engine directly.
    let id = both.ids[0];
    let batch = 10_000;
    for start in (1..=N).step_by(batch) {
        let end = (start + batch as u64).min(N + 1);
        for i in start..end {
            both.conns[0].send(&argv(&format!("XADD big {i}-1 f v")));
        }
        for _ in start..end {
            both.conns[0].frame();
        }
    }
    let (_, load) = measure(|| {
        for i in 1..=N {
            both.engine
                .execute(id, argv(&format!("XADD big {i}-1 f v")), NOW);
        }
    });
    let (got, read) = measure(|| engine_bytes(&mut both.engine, id, argv("XRANGE big - +")));
    // The real server's 36 MB reply, read as exactly the engine's length on a raw socket (the
    // shared connection re-parses its buffer after every read, quadratic at this size); a
    // PING answered next with nothing before its PONG proves the reply had no more bytes.
    let mut raw = std::net::TcpStream::connect(("127.0.0.1", both._server.port)).unwrap();
    raw.set_read_timeout(Some(std::time::Duration::from_secs(60)))
        .unwrap();
    raw.write_all(b"XRANGE big - +\r\nPING\r\n").unwrap();
    let mut want = vec![0u8; got.len()];
    raw.read_exact(&mut want).unwrap();
    assert!(
        got == want,
        "XRANGE big - + differs from redis-server's reply"
    );
    let mut pong = [0u8; 7];
    raw.read_exact(&mut pong).unwrap();
    assert_eq!(
        &pong, b"+PONG\r\n",
        "XRANGE big - + is longer on redis-server"
    );
    let (_, counted) = measure(|| {
        engine_bytes(
            &mut both.engine,
            id,
            argv("XRANGE big - + COUNT 9223372036854775807"),
        )
    });
    both.line(0, "XLEN big");
    both.line(0, "XRANGE big 500000 500000");
    both.line(0, "XREVRANGE big + - COUNT 2");
    eprintln!(
        "1,000,000 XADDs: {load:?}; XRANGE - +: {} reply bytes, {read:?}; with COUNT i64::MAX: {counted:?}",
        got.len()
    );
    // The reply tree and its encoding: a bounded multiple of the reply, and the same with
    // an enormous COUNT (nothing is sized by the count).
    assert!(read.peak < 16 * got.len() as u64, "{read:?}");
    assert!(
        counted.peak < read.peak + read.peak / 4,
        "{counted:?} vs {read:?}"
    );
    assert!(both.engine.used_memory() < 256 * 1024 * 1024);
}

/// The smallest of `runs` timings of `f`, in nanoseconds.
fn best_ns(runs: usize, mut f: impl FnMut()) -> u128 {
    (0..runs)
        .map(|_| {
            let t = Instant::now();
            f();
            t.elapsed().as_nanos()
        })
        .min()
        .unwrap()
        .max(1)
}

#[test]
fn glob_bombs_match_redis_in_linear_work() {
    let mut both = Both::new(2);
    let long_a = "a".repeat(4000);
    let long_ab = format!("{}b", "a".repeat(4000));
    // Each pattern below matches at most one of these keys, so that the order of KEYS (the
    // hash table's) does not matter, except the last which matches none.
    for name in [&long_a, &long_ab, &"x".to_string()] {
        both.same(
            0,
            vec![b"SET".to_vec(), name.as_bytes().to_vec(), b"1".to_vec()],
            1 << 20,
        );
    }
    // A subscriber on long channels (client 0), patterns and queries from client 1.
    for ch in [&long_a, &long_ab] {
        both.same(
            0,
            vec![b"SUBSCRIBE".to_vec(), ch.as_bytes().to_vec()],
            1 << 20,
        );
    }
    let bomb = "*a*a*a*a*a*a*a*a*b";
    let nested = "*a".repeat(1001);
    let deep_ok = format!("{}b", "*a".repeat(999));
    let bracket = format!("{}b", "[a-z]*".repeat(50));
    let escaped = format!("{}*b", "\\a*".repeat(60));
    let patterns = [
        bomb.to_string(),
        nested,
        deep_ok,
        bracket,
        escaped,
        "*".repeat(5000),
    ];
    for p in &patterns {
        let pat = p.as_bytes().to_vec();
        both.same(1, vec![b"KEYS".to_vec(), pat.clone()], 1 << 20);
        both.same(
            1,
            vec![
                b"SCAN".to_vec(),
                b"0".to_vec(),
                b"MATCH".to_vec(),
                pat.clone(),
                b"COUNT".to_vec(),
                b"9223372036854775807".to_vec(),
            ],
            1 << 20,
        );
        both.same(
            1,
            vec![b"PUBSUB".to_vec(), b"CHANNELS".to_vec(), pat.clone()],
            1 << 20,
        );
    }
    // A pattern subscription matched against a long channel on PUBLISH.
    both.same(
        0,
        vec![b"PSUBSCRIBE".to_vec(), bomb.as_bytes().to_vec()],
        1 << 20,
    );
    both.same(
        1,
        vec![
            b"PUBLISH".to_vec(),
            long_ab.as_bytes().to_vec(),
            b"m".to_vec(),
        ],
        1 << 20,
    );
    // Work: the bomb against a plain pattern on the same keys, timed in this run. Redis's
    // `skipLongerMatches` cut-off keeps it polynomial (a naive matcher is exponential here:
    // eight stars over 4000 bytes); 1000x is generous for noise and far below a blow-up.
    let (engine, id) = (&mut both.engine, both.ids[1]);
    let plain = best_ns(5, || {
        engine.execute(id, argv("KEYS *b"), NOW);
    });
    let exploded = best_ns(5, || {
        engine.execute(id, argv(&format!("KEYS {bomb}")), NOW);
    });
    let ratio = exploded as f64 / plain as f64;
    eprintln!(
        "KEYS {bomb} over 4000-byte keys: {exploded} ns, KEYS *b {plain} ns, ratio {ratio:.1}"
    );
    assert!(
        ratio < 1000.0,
        "the glob bomb took {ratio:.0}x the plain pattern"
    );
}

#[test]
fn the_console_splitter_is_linear_on_hostile_lines() {
    let n = 200_000;
    let plain = "a ".repeat(n);
    let cases = [
        ("quoted words", "\"a\" ".repeat(n)),
        ("hex escapes", format!("\"{}\"", "\\x41".repeat(n))),
        ("nested quotes", "'\"'".repeat(n)),
        ("unbalanced quote", format!("\"{}", "\\\"".repeat(n))),
        ("one huge word", "x".repeat(2 * n)),
        ("blanks", " \t".repeat(n)),
        ("quote after quote", "\"a\"\"b\"".repeat(n / 3)),
    ];
    let (words, base) = measure(|| split_args(plain.as_bytes()));
    assert_eq!(words.map(|w| w.len()), Some(n));
    let base_ns = best_ns(3, || {
        split_args(plain.as_bytes());
    });
    for (what, line) in &cases {
        let (_, cost) = measure(|| split_args(line.as_bytes()));
        let ns = best_ns(3, || {
            split_args(line.as_bytes());
        });
        eprintln!(
            "split {what} ({} bytes): {cost:?}, {ns} ns (plain {base_ns} ns)",
            line.len()
        );
        assert!(
            cost.peak <= 4 * base.peak + 64 * line.len() as u64,
            "{what}: {cost:?}"
        );
        assert!(ns < 100 * base_ns, "{what}: {ns} ns against {base_ns} ns");
    }
    // Through the console: every such line answers with one error or reply, no panic.
    let mut engine = Engine::new(Config::default());
    let c = engine.connect(NOW);
    for (what, line) in &cases {
        let typed = console::run_line(&mut engine, c, line, NOW);
        assert!(
            typed.lines.len() <= 2,
            "{what}: {} lines",
            typed.lines.len()
        );
    }
}

#[test]
fn a_repeat_count_of_a_billion_is_refused_with_a_clear_line() {
    let mut engine = Engine::new(Config::default());
    let c = engine.connect(NOW);
    for line in [
        "1000000000 PING",
        "9223372036854775807 PING",
        "1000001 XADD s * f v",
    ] {
        let (typed, cost) = measure(|| console::run_line(&mut engine, c, line, NOW));
        let texts: Vec<&str> = typed.lines.iter().map(|l| l.text.as_str()).collect();
        assert_eq!(texts.len(), 1, "{line}: {texts:?}");
        assert!(
            texts[0].contains("over the playground's limit of 1000000"),
            "{line}: {texts:?}"
        );
        assert!(cost.bytes < 64 * 1024, "{line}: {cost:?}");
    }
    // redis-cli's own refusals are unchanged; the limit itself runs.
    let typed = console::run_line(&mut engine, c, "-1 PING", NOW);
    assert_eq!(typed.lines.len(), 1);
    let typed = console::run_line(&mut engine, c, "3 PING", NOW);
    assert_eq!(typed.lines.len(), 3);
    assert_eq!(
        engine.execute(c, argv("EXISTS s"), NOW).reply,
        Some(Reply::Integer(0))
    );
}

/// The page's session setup (`ui::service::page_config`, which is wasm32-only): the memory
/// ceiling `PAGE_MAXMEMORY` (256 MiB), the rest as the transcript runner.
fn page_config() -> SessionConfig {
    SessionConfig {
        maxmemory: 256 * 1024 * 1024,
        ..SessionConfig::default()
    }
}

#[test]
fn a_million_xadds_stop_at_the_memory_ceiling() {
    let mut session = Session::new(page_config(), Profile::V7, NOW);
    // 1 KB values: a million of them would be a GB, four times the ceiling.
    let value = "v".repeat(1000);
    let script = format!("A> 1000000 XADD s * f {value}\n");
    let (replay, cost) = measure(|| session.run_scenario(&script).unwrap());
    let lines: Vec<&String> = replay.actual.values().flatten().collect();
    let last = lines.last().unwrap();
    assert_eq!(
        last.as_str(),
        "(error) OOM command not allowed when used memory > 'maxmemory'."
    );
    let oom = lines.iter().filter(|l| l.contains("OOM")).count();
    assert_eq!(oom, 1, "the repeat stops at the first refusal");
    let used = session.engine().used_memory();
    assert!(
        used > 256 * 1024 * 1024 - 4096 && used < 256 * 1024 * 1024 + 4096,
        "{used}"
    );
    // Writes keep being refused, reads keep working.
    let mut run = |line: &str| {
        let r = session.run_scenario(&format!("A> {line}\n")).unwrap();
        r.actual
            .values()
            .flatten()
            .cloned()
            .collect::<Vec<String>>()
    };
    assert_eq!(
        run("SET k v"),
        ["(error) OOM command not allowed when used memory > 'maxmemory'."]
    );
    let len: u64 = run("XLEN s")[0]
        .trim_start_matches("(integer) ")
        .parse()
        .unwrap();
    assert_eq!(len as usize, lines.len() - 1);
    assert_eq!(run("XRANGE s - + COUNT 1").len(), 3);
    assert_eq!(run("DEL s"), ["(integer) 1"]);
    assert_eq!(run("SET k v"), ["OK"]);
    // The history: a handful of steps, checkpoints at most `MAX_KEPT` (64) and the log's
    // text a few lines long.
    let (checkpoints, spacing) = session.checkpoint_stats();
    let log_bytes: usize = session
        .log()
        .iter()
        .map(|l| format!("{:?}", l.step).len())
        .sum();
    eprintln!(
        "1000000 XADD (1 KB values): {} entries before OOM, used_memory {used}, {cost:?}, \
         {} steps, {checkpoints} checkpoints {spacing} apart, log {log_bytes} bytes",
        len,
        session.len()
    );
    assert!(checkpoints <= 64);
    assert!(session.len() <= 10);
    assert!(log_bytes < 8 * 1024);
    // The scenario's own memory: the engine's data plus its output lines, a bounded multiple
    // of the ceiling.
    assert!(cost.peak < 3 * 256 * 1024 * 1024, "{cost:?}");
}

#[test]
fn a_10_mb_share_link_is_refused_by_its_length() {
    let long = format!("s=1.{}", "A".repeat(10 * 1024 * 1024));
    let (result, cost) = measure(|| streamplay::share::read_fragment(&long));
    let err = result.expect_err("a 10 MB link is refused");
    eprintln!("10 MB link: {err}, {cost:?}");
    assert!(cost.peak < 1024 * 1024, "{cost:?}");
}
