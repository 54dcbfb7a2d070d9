//! The fuzz targets' bodies, shared by the cargo-fuzz binaries (`tests/fuzz/fuzz_targets/`) and the
//! stable regression test (`tests/fuzz_corpus.rs`), so that every committed corpus input and crash
//! goes through exactly the code the fuzzer ran. Each body takes arbitrary bytes and must not panic.

// The regression test uses every body, but each fuzz binary uses only one.
#![allow(dead_code)]

use streamplay::cli::split::split_args;
use streamplay::cli::tokenize::{parse_repeat, quote_args};
use streamplay::engine::{Config, Engine, Profile};
use streamplay::server::request::{Request, RequestParser};
use streamplay::session::{Session, SessionConfig};
use streamplay::share;
use streamplay::transcript;

/// The targets by name, as `cargo fuzz run <name>` and the corpus folders name them.
pub const TARGETS: &[(&str, fn(&[u8]))] = &[
    ("cli", cli),
    ("request", request),
    ("engine", engine),
    ("scenario", scenario),
    ("session_load", session_load),
    ("share", share_link),
];

/// The console's splitter and repeat prefix: quoting the split arguments back must split to the
/// same arguments, since the console's history and exported scenarios rely on that round trip.
pub fn cli(data: &[u8]) {
    let Some(args) = split_args(data) else { return };
    let _ = parse_repeat(&args);
    let quoted = quote_args(&args);
    assert_eq!(
        split_args(quoted.as_bytes()).as_ref(),
        Some(&args),
        "quoted {quoted:?}"
    );
}

/// The server's request parser, fed in pieces whose sizes the first byte chooses (a request split
/// across reads must parse as it does whole), until it wants more bytes or answers an error.
pub fn request(data: &[u8]) {
    let Some((&first, data)) = data.split_first() else {
        return;
    };
    let piece = usize::from(first % 16) + 1;
    let mut parser = RequestParser::new();
    for chunk in data.chunks(piece) {
        parser.feed(chunk);
        loop {
            match parser.next_request() {
                Request::Command(argv) => assert!(!argv.is_empty()),
                Request::Incomplete => break,
                Request::Error(_) => return,
            }
        }
        parser.compact();
    }
}

/// Command names the engine language draws from: streams, pub/sub, blocking, transactions and
/// the other types, so that several clients interleave what the page's panes can type.
const COMMANDS: &[&str] = &[
    "XADD",
    "XREAD",
    "XREADGROUP",
    "XGROUP",
    "XACK",
    "XCLAIM",
    "XAUTOCLAIM",
    "XPENDING",
    "XRANGE",
    "XREVRANGE",
    "XTRIM",
    "XDEL",
    "XLEN",
    "XINFO",
    "XSETID",
    "XACKDEL",
    "XDELEX",
    "SUBSCRIBE",
    "PSUBSCRIBE",
    "SSUBSCRIBE",
    "UNSUBSCRIBE",
    "PUNSUBSCRIBE",
    "PUBLISH",
    "SPUBLISH",
    "PUBSUB",
    "SET",
    "GET",
    "DEL",
    "EXPIRE",
    "PEXPIRE",
    "TTL",
    "MULTI",
    "EXEC",
    "DISCARD",
    "WATCH",
    "BLPOP",
    "BLMOVE",
    "LPUSH",
    "RPUSH",
    "LRANGE",
    "LPOS",
    "LMPOP",
    "BZPOPMIN",
    "ZADD",
    "ZRANGE",
    "HSET",
    "HGETALL",
    "SADD",
    "SPOP",
    "SCAN",
    "KEYS",
    "CLIENT",
    "CONFIG",
    "HELLO",
    "RESET",
    "SELECT",
    "FLUSHDB",
    "OBJECT",
    "MEMORY",
    "INFO",
    "COMMAND",
    "RENAME",
    "COPY",
    "TYPE",
    "INCR",
];

/// Arguments the engine language draws from besides raw bytes: keys, ids, counts, options.
const WORDS: &[&str] = &[
    "s",
    "t",
    "ch",
    "*",
    "$",
    ">",
    "0",
    "-",
    "+",
    "0-0",
    "1-1",
    "1-*",
    "9223372036854775807",
    "-1",
    "18446744073709551615-18446744073709551615",
    "COUNT",
    "BLOCK",
    "STREAMS",
    "GROUP",
    "CREATE",
    "g",
    "c",
    "MKSTREAM",
    "NOACK",
    "MAXLEN",
    "MINID",
    "~",
    "=",
    "LIMIT",
    "IDLE",
    "JUSTID",
    "FORCE",
    "RETRYCOUNT",
    "SETID",
    "CREATECONSUMER",
    "DELCONSUMER",
    "DESTROY",
    "FULL",
    "NOMKSTREAM",
    "ENTRIESREAD",
    "ch*",
    "[a-",
    "SET",
    "maxmemory",
    "1",
    "10",
    "100",
    "1000",
    "field",
    "value",
    "KEEPREF",
    "DELREF",
    "ACKED",
    "IDS",
    "PX",
    "EX",
    "NX",
    "LEFT",
    "RIGHT",
    "notify-keyspace-events",
    "KEA",
    "KILL",
    "PAUSE",
    "REPLY",
    "OFF",
    "3",
    "2",
    "STREAM",
    "CONSUMERS",
    "GROUPS",
    "client-output-buffer-limit",
    "pubsub 1 1 0",
];

/// The engine fed a small command language the input spells: clock moves, reconnections and
/// commands from three clients with arguments that are words or raw bytes. The input's first
/// byte picks the profile, a memory ceiling and probe events; at most 96 operations run so
/// that one input stays quick.
pub fn engine(data: &[u8]) {
    let mut input = data.iter().copied();
    let mut next = move || input.next();
    let Some(setup) = next() else { return };
    let profile = if setup & 1 == 0 {
        Profile::V7
    } else {
        Profile::V8
    };
    let mut engine = Engine::new(Config {
        profile,
        test_commands: false,
        maxmemory: if setup & 2 == 0 { 0 } else { 2 << 20 },
        seed: u64::from(setup),
        probe_events: setup & 4 != 0,
    });
    let mut now = 1_000u64;
    let mut clients: Vec<_> = (0..3).map(|_| engine.connect(now)).collect();
    for _ in 0..96 {
        let Some(op) = next() else { break };
        let who = usize::from(op >> 4) % clients.len();
        match op & 15 {
            0 => {
                // A clock move: up to 255 ms, or up to 255 s, either way forward only.
                let step = u64::from(next().unwrap_or(0));
                now += if op & 0x10 == 0 { step } else { step * 1000 };
                let _ = engine.advance(now);
            }
            1 => {
                let _ = engine.disconnect(clients[who], now);
                clients[who] = engine.connect(now);
            }
            _ => {
                let name = COMMANDS[usize::from(next().unwrap_or(0)) % COMMANDS.len()];
                let mut argv = vec![name.as_bytes().to_vec()];
                for _ in 0..(next().unwrap_or(0) % 10) {
                    let token = next().unwrap_or(0);
                    argv.push(if token < 224 {
                        WORDS[usize::from(token) % WORDS.len()].as_bytes().to_vec()
                    } else {
                        (0..token - 224).map_while(|_| next()).collect()
                    });
                }
                let _ = engine.execute(clients[who], argv, now);
            }
        }
        if op & 8 != 0 {
            let _ = engine.drain_events();
        }
    }
    let _ = engine.drain_events();
    let _ = engine.used_memory();
}

/// The scenario and transcript parser, and a parsed scenario run through a session (the page's
/// scenario runner), then a seek back to its start and the save format's round trip.
pub fn scenario(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let Ok(steps) = transcript::parse(&text) else {
        return;
    };
    let _ = transcript::render(&steps, &transcript::Replay::default());
    if !few_commands(&steps) {
        return;
    }
    let mut session = Session::new(session_config(), Profile::default(), 0);
    let _ = session.run_steps(&steps);
    let _ = session.seek(0);
    let saved = session.save();
    assert!(Session::load(&saved).is_ok(), "a saved session loads");
}

/// Whether the steps' repeat prefixes (`1000 XADD ...`) add up to at most 2,000 commands.
/// redis-cli runs any count it is given, and so does the console: a line such as
/// `17000000 PING` takes as long as its count says, which the fuzzer would report as a hang
/// on every such input, so those scenarios are parsed but not run.
fn few_commands(steps: &[transcript::Located]) -> bool {
    let mut total = 0u64;
    for located in steps {
        if let transcript::Step::Command { line, .. } = &located.step {
            let args = split_args(line.as_bytes()).unwrap_or_default();
            total = total.saturating_add(parse_repeat(&args).map_or(1, |(n, _)| n));
        }
    }
    total <= 2_000
}

/// The page's session settings, with a small history so that inputs stay quick.
fn session_config() -> SessionConfig {
    SessionConfig {
        maxmemory: 64 << 20,
        max_steps: 1_000,
        max_log_bytes: 1 << 20,
        ..SessionConfig::default()
    }
}

/// FNV-1a, the save format's checksum (`session::save`), so that inputs reach past it.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

/// The saved-session loader. An input starting with 0 is loaded as it is; any other input is a
/// body that gets the current header and its checksum, so the fuzzer explores the body rather
/// than the checksum. A session that loads must run a command, seek and save again.
pub fn session_load(data: &[u8]) {
    let Some((&mode, body)) = data.split_first() else {
        return;
    };
    let bytes = if mode == 0 {
        body.to_vec()
    } else {
        // The magic and version are those of a session saved now, so a new version follows.
        let mut bytes = Session::new(SessionConfig::default(), Profile::default(), 0).save();
        bytes.truncate(10);
        bytes.extend_from_slice(&checksum(body).to_le_bytes());
        bytes.extend_from_slice(body);
        bytes
    };
    let Ok(mut session) = Session::load(&bytes) else {
        return;
    };
    let _ = session.seek(0);
    let _ = session.seek(session.len());
    if let Some(pane) = session.panes().first().map(|p| p.name.to_string()) {
        let _ = session.run(&pane, "XADD s * f v");
    }
    let _ = Session::load(&session.save()).map(|_| ());
}

/// The share-link decoder and the embed parameters: the input's text as a fragment, as the
/// embed values, and (as the page does after inflating) as a link's scenario opened as a session.
pub fn share_link(data: &[u8]) {
    let text = String::from_utf8_lossy(data);
    let _ = share::is_link(&text);
    if let Ok(decoded) = share::read_fragment(&text) {
        if let Ok(text) = share::scenario_text(decoded) {
            let _ = share::open(&text);
        }
    }
    let _ = share::embed_views(&text);
    let _ = share::embed_panes(&text);
    let allowed: Vec<String> = text
        .split(' ')
        .filter_map(share::normalize_origin)
        .collect();
    let _ = share::origin_allowed(&text, &allowed, "https://example.org");
    if let Ok(opened) = share::open(&text) {
        if transcript::parse(&opened.rest).is_ok_and(|steps| few_commands(&steps)) {
            let _ = opened.session(session_config());
        }
    }
}
