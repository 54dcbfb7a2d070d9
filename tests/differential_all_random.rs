//! Random differential test over all the types at once: the per-type generators
//! (`support/random/`: lists, hashes and sets, sorted sets, streams) mixed with strings
//! (SET with its options, GET, INCR/DECR/INCRBY, APPEND, STRLEN, GETRANGE/SETRANGE, MGET,
//! MSET, GETDEL, GETSET, SETNX), consumer groups (XGROUP CREATE/SETID/DESTROY/CREATECONSUMER/
//! DELCONSUMER, XREADGROUP, XACK, XPENDING's summary, XINFO GROUPS, XCLAIM and XAUTOCLAIM with
//! no minimum idle time), commands across types on one small key space (TYPE, OBJECT
//! ENCODING, EXISTS, DEL, UNLINK, RENAME, RENAMENX, COPY, SCAN with TYPE and MATCH, KEYS,
//! DBSIZE, EXPIRE, PERSIST, TTL), MULTI/EXEC blocks mixing types, and blocking commands
//! (BLPOP, BRPOP, BLMOVE, BLMPOP, BZPOPMIN/BZPOPMAX, BZMPOP, XREAD and XREADGROUP with
//! BLOCK 0) sent by one of three clients while the others go on, so WRONGTYPE, type changes
//! under a blocked client and pops served across clients all happen. Every client of a run
//! speaks RESP2 or RESP3, the other clients the other one. It runs against redis-server
//! 7.0.15 and `streamplay-server --profile 7.0`, and against Redis 8.0.2 and `--profile 8`,
//! compared under the runner's rules (`support/random/mod.rs`).
//!
//! `STREAMPLAY_RANDOM_COMMANDS` sets the number of commands per profile (default 4,000;
//! the figure is 50,000 or more per profile and protocol), `STREAMPLAY_RANDOM_SEED`
//! the seed.

#![cfg(not(target_arch = "wasm32"))]

#[path = "support/random/mod.rs"]
mod random;
mod support;

use random::{always_exact, b, hashes_sets, lists, streams, zsets, Argv, Plan, Step, Workload};
use support::{Rng, Version};

/// Every key the generators use, so the cross-type commands move values between them.
const KEYS: [&str; 20] = [
    "str", "n", "l1", "l2", "l3", "h0", "h1", "h2", "s0", "s1", "s2", "z1", "z2", "z3", "lex",
    "dst", "s", "t", "missing", "nokey",
];
const TYPES: [&str; 7] = ["string", "list", "hash", "set", "zset", "stream", "none"];

struct All {
    rng: Rng,
    lists: lists::Gen,
    hashes_sets: hashes_sets::Gen,
    zsets: zsets::Gen,
    streams: streams::Gen,
}

impl All {
    fn new(seed: u64) -> All {
        All {
            rng: Rng::new(seed),
            lists: lists::Gen::new(seed ^ 0x11),
            hashes_sets: hashes_sets::Gen::new(seed ^ 0x22),
            zsets: zsets::Gen::new(seed ^ 0x33),
            streams: streams::Gen::new(seed ^ 0x44),
        }
    }

    fn key(&mut self) -> Vec<u8> {
        b(*self.rng.pick(&KEYS))
    }

    /// A key to rename or copy to: never `lex`, whose members must keep sharing one score
    /// (lex ranges over mixed scores are not defined, and Redis's answer depends on its
    /// encoding's layout).
    fn dest_key(&mut self) -> Vec<u8> {
        loop {
            let k = self.key();
            if k != b"lex" {
                return k;
            }
        }
    }

    fn string_key(&mut self) -> Vec<u8> {
        if self.rng.chance(0.75) {
            b(*self.rng.pick(&["str", "n"]))
        } else {
            self.key()
        }
    }

    fn stream_key(&mut self) -> Vec<u8> {
        if self.rng.chance(0.9) {
            b(*self.rng.pick(&["s", "t"]))
        } else {
            self.key()
        }
    }

    fn num(&mut self) -> Vec<u8> {
        b(match self.rng.range(0, 9) {
            0 => "x".to_string(),
            1 => "9223372036854775807".to_string(),
            2 => "-5".to_string(),
            _ => self.rng.range(0, 20).to_string(),
        })
    }

    fn text(&mut self) -> Vec<u8> {
        match self.rng.range(0, 9) {
            0..=3 => self.num(),
            4 => vec![b'v'; 50],
            5 => b(""),
            _ => b(format!("v{}", self.rng.range(0, 99))),
        }
    }

    fn string_command(&mut self) -> Argv {
        let k = self.string_key();
        match self.rng.range(0, 19) {
            0..=3 => {
                let mut argv = vec![b("SET"), k, self.text()];
                for opt in ["NX", "XX", "GET", "KEEPTTL"] {
                    if self.rng.chance(0.1) {
                        argv.push(b(opt));
                    }
                }
                argv
            }
            4..=5 => vec![b("GET"), k],
            6 => vec![b(*self.rng.pick(&["INCR", "DECR"])), k],
            7 => vec![b(*self.rng.pick(&["INCRBY", "DECRBY"])), k, self.num()],
            8 => vec![b("APPEND"), k, self.text()],
            9 => vec![b("STRLEN"), k],
            10 => vec![b("GETRANGE"), k, self.num(), self.num()],
            11 => vec![
                b("SETRANGE"),
                k,
                b(self.rng.range(0, 8).to_string()),
                self.text(),
            ],
            12 => vec![b("MGET"), k, self.key(), self.key()],
            13 => vec![b("MSET"), k, self.text(), self.string_key(), self.text()],
            14 => vec![b("GETDEL"), k],
            15 => vec![b("GETSET"), k, self.text()],
            16 => vec![b("SETNX"), k, self.text()],
            17 => vec![
                b("INCRBYFLOAT"),
                k,
                b(*self.rng.pick(&["1.5", "-0.25", "x", "1e3"])),
            ],
            _ => vec![b("OBJECT"), b("ENCODING"), k],
        }
    }

    /// Commands on keys of any type.
    fn key_command(&mut self) -> Argv {
        let k = self.key();
        match self.rng.range(0, 19) {
            0..=2 => vec![b("TYPE"), k],
            3..=4 => vec![b("OBJECT"), b("ENCODING"), k],
            5 => vec![b("EXISTS"), k, self.key(), self.key()],
            6 => vec![b(*self.rng.pick(&["DEL", "UNLINK"])), k, self.key()],
            7..=8 => vec![
                b(*self.rng.pick(&["RENAME", "RENAMENX"])),
                k,
                self.dest_key(),
            ],
            9..=10 => {
                let mut argv = vec![b("COPY"), k, self.dest_key()];
                if self.rng.chance(0.5) {
                    argv.push(b("REPLACE"));
                }
                argv
            }
            11..=13 => {
                let mut argv = vec![b("SCAN"), b("0"), b("COUNT"), b("1000")];
                if self.rng.chance(0.7) {
                    argv.extend([b("TYPE"), b(*self.rng.pick(&TYPES))]);
                }
                if self.rng.chance(0.3) {
                    argv.extend([b("MATCH"), b(*self.rng.pick(&["s*", "?1", "*", "[lz]*"]))]);
                }
                argv
            }
            14 => vec![b("KEYS"), b(*self.rng.pick(&["*", "h*", "s?"]))],
            15 => vec![b("DBSIZE")],
            // Fixed expiry times, so that no reply depends on the clock.
            16 => vec![b("EXPIRE"), k, b(*self.rng.pick(&["0", "-1"]))],
            17 => vec![b("EXPIREAT"), k, b("4000000000")],
            18 => vec![b("PERSIST"), k],
            _ => vec![b(*self.rng.pick(&["TTL", "EXPIRETIME"])), k],
        }
    }

    /// An id the stream generator saw at a key (or a made-up one).
    fn entry_id(&mut self) -> Vec<u8> {
        let k = if self.rng.chance(0.8) { 0 } else { 1 };
        let (ms, seq) = self.streams.known_id(k);
        b(format!("{ms}-{seq}"))
    }

    fn group_command(&mut self) -> Argv {
        let k = self.stream_key();
        let g = b(*self.rng.pick(&["g1", "g2"]));
        let c = b(*self.rng.pick(&["c1", "c2", "c3"]));
        match self.rng.range(0, 19) {
            0..=2 => {
                let start = if self.rng.chance(0.3) {
                    self.entry_id()
                } else {
                    b(*self.rng.pick(&["$", "0", "$"]))
                };
                let mut argv = vec![b("XGROUP"), b("CREATE"), k, g, start];
                if self.rng.chance(0.4) {
                    argv.push(b("MKSTREAM"));
                }
                if self.rng.chance(0.1) {
                    // Never above the stream's entries-added, where Redis 8.2.2+ (profile
                    // 8) clamps it and 8.0.2 does not (rules.txt `entries-read-clamped`).
                    argv.extend([b("ENTRIESREAD"), b(*self.rng.pick(&["0", "-1"]))]);
                }
                argv
            }
            3 => vec![
                b("XGROUP"),
                b("SETID"),
                k,
                g,
                b(*self.rng.pick(&["$", "0"])),
            ],
            4 => vec![b("XGROUP"), b("DESTROY"), k, g],
            5 => vec![b("XGROUP"), b("CREATECONSUMER"), k, g, c],
            6 => vec![b("XGROUP"), b("DELCONSUMER"), k, g, c],
            7..=10 => {
                let mut argv = vec![b("XREADGROUP"), b("GROUP"), g, c];
                if self.rng.chance(0.6) {
                    argv.extend([b("COUNT"), b(self.rng.range(1, 4).to_string())]);
                }
                if self.rng.chance(0.1) {
                    argv.push(b("NOACK"));
                }
                let from = if self.rng.chance(0.8) { b(">") } else { b("0") };
                argv.extend([b("STREAMS"), k, from]);
                argv
            }
            11..=12 => {
                let mut argv = vec![b("XACK"), k, g];
                for _ in 0..self.rng.range(1, 3) {
                    argv.push(self.entry_id());
                }
                argv
            }
            13..=14 => vec![b("XPENDING"), k, g],
            15 => vec![b("XINFO"), b("GROUPS"), k],
            16..=17 => {
                let mut argv = vec![b("XCLAIM"), k, g, c, b("0"), self.entry_id()];
                if self.rng.chance(0.7) {
                    argv.push(b("JUSTID"));
                }
                argv
            }
            _ => {
                let mut argv = vec![b("XAUTOCLAIM"), k, g, c, b("0"), b("0-0")];
                argv.extend([b("COUNT"), b(self.rng.range(1, 5).to_string())]);
                if self.rng.chance(0.7) {
                    argv.push(b("JUSTID"));
                }
                argv
            }
        }
    }

    /// One command from any of the generators.
    fn any(&mut self) -> Vec<Argv> {
        let x = self.rng.range(0, 99);
        match x {
            0..=15 => match self.lists.next() {
                Step::Commands(c) => c,
                Step::Block(a) => vec![a],
            },
            16..=31 => vec![self.hashes_sets.command()],
            32..=47 => vec![self.zsets.command()],
            48..=63 => vec![self.streams.command()],
            64..=73 => vec![self.group_command()],
            74..=87 => vec![self.string_command()],
            _ => vec![self.key_command()],
        }
    }

    /// MULTI, two to five commands of any type whose replies compare exactly, EXEC.
    fn transaction(&mut self) -> Vec<Argv> {
        let mut cmds = vec![vec![b("MULTI")]];
        let n = self.rng.range(2, 5);
        while (cmds.len() as u64) <= n {
            let next = self.any();
            if next.len() == 1 && always_exact(&next[0]) && !is_multi(&next[0]) {
                cmds.extend(next);
            }
        }
        cmds.push(vec![b(*self
            .rng
            .pick(&["EXEC", "EXEC", "EXEC", "DISCARD"]))]);
        cmds
    }

    /// A blocking command with no timeout, mostly on keys of its type.
    fn blocking(&mut self) -> Argv {
        let list = |s: &mut All| {
            if s.rng.chance(0.85) {
                b(*s.rng.pick(&["l1", "l2", "l3", "nokey"]))
            } else {
                s.key()
            }
        };
        let zset = |s: &mut All| {
            if s.rng.chance(0.85) {
                b(*s.rng.pick(&["z1", "z2", "z3", "nokey"]))
            } else {
                s.key()
            }
        };
        let end = |s: &mut All| b(*s.rng.pick(&["LEFT", "RIGHT"]));
        match self.rng.range(0, 8) {
            0 => vec![b("BLPOP"), list(self), list(self), b("0")],
            1 => vec![b("BRPOP"), list(self), b("0")],
            2 => vec![
                b("BLMOVE"),
                list(self),
                list(self),
                end(self),
                end(self),
                b("0"),
            ],
            3 => vec![
                b("BLMPOP"),
                b("0"),
                b("2"),
                list(self),
                list(self),
                end(self),
                b("COUNT"),
                b("2"),
            ],
            4 => vec![
                b(*self.rng.pick(&["BZPOPMIN", "BZPOPMAX"])),
                zset(self),
                b("0"),
            ],
            5 => vec![b("BZMPOP"), b("0"), b("1"), zset(self), b("MIN")],
            6 => {
                let k = self.stream_key();
                vec![b("XREAD"), b("BLOCK"), b("0"), b("STREAMS"), k, b("$")]
            }
            _ => {
                let k = self.stream_key();
                let g = b(*self.rng.pick(&["g1", "g2"]));
                vec![
                    b("XREADGROUP"),
                    b("GROUP"),
                    g,
                    b("c1"),
                    b("COUNT"),
                    b("2"),
                    b("BLOCK"),
                    b("0"),
                    b("STREAMS"),
                    k,
                    b(">"),
                ]
            }
        }
    }
}

fn is_multi(argv: &[Vec<u8>]) -> bool {
    ["MULTI", "EXEC", "DISCARD", "WATCH"]
        .iter()
        .any(|w| argv[0].eq_ignore_ascii_case(w.as_bytes()))
}

impl Workload for All {
    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }

    fn setup(&mut self) -> Vec<Argv> {
        let mut s = self.streams.setup();
        s.extend(self.zsets.setup());
        s
    }

    fn next(&mut self) -> Step {
        match self.rng.range(0, 99) {
            0..=5 => Step::Commands(self.transaction()),
            6..=10 => Step::Block(self.blocking()),
            _ => Step::Commands(self.any()),
        }
    }

    fn observe(&mut self, argv: &[Vec<u8>], reply: &[u8]) {
        self.streams.observe(argv, reply);
    }

    /// A push, ZADD or XADD to the key the blocked command waits on first.
    fn feed(&mut self, blocked: &[Vec<u8>]) -> Option<Argv> {
        let name = String::from_utf8_lossy(&blocked[0]).to_ascii_uppercase();
        let at = match &name[..] {
            "BLMPOP" | "BZMPOP" => 3,
            "XREAD" => 4,
            "XREADGROUP" => 9,
            _ => 1,
        };
        let key = blocked.get(at)?.clone();
        Some(match &name[..] {
            "BZPOPMIN" | "BZPOPMAX" | "BZMPOP" => {
                vec![b("ZADD"), key, b("1"), b("a"), b("2"), b("b")]
            }
            "XREAD" | "XREADGROUP" => {
                let id = format!("{}-*", self.streams.next_ms(&key));
                vec![b("XADD"), key, b(id), b("f"), b("v")]
            }
            _ => vec![b(*self.rng.pick(&["RPUSH", "LPUSH"])), key, b("a"), b("b")],
        })
    }
}

fn all_types_match(version: Version) {
    let seed = random::seed(0xa11_7e5);
    let plan = Plan {
        name: "differential_all_random",
        version,
        commands: 4_000,
        seed,
        run_length: (200, 1200),
        clients: 3,
        ports: None,
    };
    let started = std::time::Instant::now();
    let stats = random::run(plan, &mut All::new(seed));
    assert!(
        stats.errors * 2 < stats.commands,
        "{} of {} random commands were errors: the generator is off",
        stats.errors,
        stats.commands
    );
    for t in ["string", "list", "hash", "set", "zset", "stream"] {
        assert!(
            stats.types_seen.contains_key(t),
            "TYPE never saw a {t}: the generator is off ({:?})",
            stats.types_seen
        );
    }
    assert!(
        stats.blocked > 0 && stats.served > 0,
        "no client blocked, or none was served: the generator is off"
    );
    eprintln!(
        "random commands over all types, profile {} against {}, seed {seed}: {stats}, {:.1} s",
        version.profile(),
        version.redis(),
        started.elapsed().as_secs_f64()
    );
}

#[test]
fn random_commands_over_all_types_match_redis() {
    all_types_match(Version::V7);
}

/// The same workload in profile 8 against Redis 8.0.2.
#[test]
fn random_commands_over_all_types_match_redis_8_0_2() {
    all_types_match(Version::V8);
}
