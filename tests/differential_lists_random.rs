//! Random differential test of the list commands: a seeded generator of every
//! non-blocking list command (pushes, pops with and without counts, LRANGE,
//! LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS with RANK/COUNT/MAXLEN, LMOVE,
//! RPOPLPUSH, LMPOP) and the blocking pops inside MULTI (where they answer at
//! once), mixed with DEL, EXISTS, TYPE, OBJECT ENCODING, EXPIREAT/EXPIRETIME/PERSIST,
//! COPY, RENAME and a string key (WRONGTYPE), with bad arguments now and then,
//! run against redis-server 7.0.15 and `streamplay-server --profile 7.0`, every
//! reply compared byte for byte.
//!
//! The commands are split into runs; each starts with FLUSHALL and a protocol
//! (`HELLO 2` or `HELLO 3`, alternating).
//!
//! `STREAMPLAY_RANDOM_COMMANDS` sets the number of commands (default 4,000),
//! `STREAMPLAY_RANDOM_SEED` the seed. A mismatch reports the seed, run, step,
//! command and both replies, and writes the run's commands to a file.
//!
//! `STREAMPLAY_LISTS_PORTS=<redis port>,<streamplay port>` runs the workload
//! against two servers already listening instead, for example a Redis 8 and
//! `streamplay-server --profile 8`; OBJECT ENCODING then only has to name a
//! list encoding on both sides (profile 8 decides the quicklist-to-listpack
//! conversion on the whole list's size, where Redis 7.2+ also needs a
//! one-node quicklist).

#![cfg(not(target_arch = "wasm32"))]

mod support;

use streamplay::engine::Protocol;
use support::{start_redis, start_streamplay, Conn, Rng};

/// Commands in one run (between FLUSHALLs): random in this range.
const RUN_LENGTH: (u64, u64) = (200, 1000);

const KEYS: [&str; 3] = ["l1", "l2", "l3"];

fn b(s: impl AsRef<[u8]>) -> Vec<u8> {
    s.as_ref().to_vec()
}

struct Gen {
    rng: Rng,
}

impl Gen {
    /// A key: mostly one of the lists, sometimes the string key or a missing one.
    fn key(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=3 => b("str"),
            4..=7 => b("missing"),
            _ => b(*self.rng.pick(&KEYS)),
        }
    }

    /// An element: a few short words and integers (so that LREM, LPOS and
    /// LINSERT find matches), sometimes longer or odd ones.
    fn value(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=59 => b(*self.rng.pick(&["a", "b", "c", "d", "1", "2", "-3", "10"])),
            60..=79 => b(format!("{}", self.rng.range(0, 1 << 40) as i64 - (1 << 39))),
            80..=89 => {
                let n = self.rng.range(0, 300);
                (0..n)
                    .map(|_| b"xyz01"[self.rng.range(0, 4) as usize])
                    .collect()
            }
            _ => b(*self
                .rng
                .pick(&["", "0", "-0", "007", "9223372036854775808", "1.5", " a"])),
        }
    }

    /// An index: mostly small, negative too, sometimes huge or not a number.
    fn index(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=89 => b(format!("{}", self.rng.range(0, 20) as i64 - 10)),
            90..=94 => b(*self.rng.pick(&[
                "9223372036854775807",
                "-9223372036854775808",
                "99999999999999999999",
            ])),
            _ => b(*self.rng.pick(&["x", "1.0", "", " 1"])),
        }
    }

    /// A count: mostly 0..6, sometimes negative, huge or junk.
    fn count(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=89 => b(format!("{}", self.rng.range(0, 6))),
            90..=93 => b("-1"),
            94..=96 => b("9223372036854775807"),
            _ => b("x"),
        }
    }

    fn end(&mut self) -> Vec<u8> {
        b(*self
            .rng
            .pick(&["LEFT", "RIGHT", "left", "Right", "LEFT", "RIGHT", "up"]))
    }

    fn values(&mut self, argv: &mut Vec<Vec<u8>>) {
        for _ in 0..self.rng.range(1, 5) {
            argv.push(self.value());
        }
    }

    /// One command, or a MULTI / blocking pop / EXEC triple.
    fn commands(&mut self) -> Vec<Vec<Vec<u8>>> {
        let x = self.rng.range(0, 99);
        if x < 4 {
            return vec![vec![b("MULTI")], self.blocking_pop(), vec![b("EXEC")]];
        }
        let mut argv: Vec<Vec<u8>>;
        match x {
            4..=23 => {
                let cmd = *self
                    .rng
                    .pick(&["LPUSH", "RPUSH", "LPUSH", "RPUSH", "LPUSHX", "RPUSHX"]);
                argv = vec![b(cmd), self.key()];
                self.values(&mut argv);
            }
            24..=33 => {
                argv = vec![b(*self.rng.pick(&["LPOP", "RPOP"])), self.key()];
                if self.rng.chance(0.4) {
                    argv.push(self.count());
                }
            }
            34..=40 => argv = vec![b("LRANGE"), self.key(), self.index(), self.index()],
            41..=43 => argv = vec![b("LLEN"), self.key()],
            44..=47 => argv = vec![b("LINDEX"), self.key(), self.index()],
            48..=50 => argv = vec![b("LSET"), self.key(), self.index(), self.value()],
            51..=53 => {
                let side = *self.rng.pick(&["BEFORE", "AFTER", "after", "over"]);
                argv = vec![
                    b("LINSERT"),
                    self.key(),
                    b(side),
                    self.value(),
                    self.value(),
                ];
            }
            54..=57 => {
                let n = format!("{}", self.rng.range(0, 6) as i64 - 3);
                argv = vec![b("LREM"), self.key(), b(n), self.value()];
            }
            58..=60 => {
                // Mostly mild trims, so lists keep growing.
                let (s, e) = if self.rng.chance(0.7) {
                    (b("0"), b(format!("{}", self.rng.range(5, 40))))
                } else {
                    (self.index(), self.index())
                };
                argv = vec![b("LTRIM"), self.key(), s, e];
            }
            61..=67 => {
                argv = vec![b("LPOS"), self.key(), self.value()];
                for _ in 0..self.rng.range(0, 3) {
                    match self.rng.range(0, 9) {
                        0..=2 => {
                            let r = *self.rng.pick(&["1", "2", "-1", "-2", "3", "0", "x"]);
                            argv.extend([b("RANK"), b(r)]);
                        }
                        3..=5 => {
                            let c = self.count();
                            argv.extend([b("COUNT"), c]);
                        }
                        6..=8 => {
                            let m = self.count();
                            argv.extend([b("MAXLEN"), m]);
                        }
                        _ => argv.push(b("FOO")),
                    }
                }
            }
            68..=74 => {
                if self.rng.chance(0.3) {
                    argv = vec![b("RPOPLPUSH"), self.key(), self.key()];
                } else {
                    argv = vec![b("LMOVE"), self.key(), self.key(), self.end(), self.end()];
                }
            }
            75..=79 => {
                let n = self.rng.range(1, 3);
                let numkeys = if self.rng.chance(0.05) {
                    b(*self.rng.pick(&["0", "-1", "9", "x"]))
                } else {
                    b(format!("{n}"))
                };
                argv = vec![b("LMPOP"), numkeys];
                for _ in 0..n {
                    argv.push(self.key());
                }
                argv.push(self.end());
                if self.rng.chance(0.5) {
                    argv.extend([b("COUNT"), self.count()]);
                }
            }
            80..=82 => {
                argv = vec![b("DEL"), self.key()];
            }
            83..=84 => argv = vec![b(*self.rng.pick(&["TYPE", "EXISTS"])), self.key()],
            85..=86 => argv = vec![b("OBJECT"), b("ENCODING"), self.key()],
            87..=89 => {
                argv = match self.rng.range(0, 3) {
                    // A fixed expiry time, so that no reply depends on the clock.
                    0 => vec![b("EXPIREAT"), self.key(), b("4000000000")],
                    1 => vec![b("EXPIRETIME"), self.key()],
                    2 => vec![b("PERSIST"), self.key()],
                    _ => vec![b("PEXPIRE"), self.key(), b("0")],
                }
            }
            90..=92 => {
                let cmd = *self.rng.pick(&["COPY", "RENAME", "RENAMENX"]);
                argv = vec![b(cmd), self.key(), self.key()];
                if cmd == "COPY" && self.rng.chance(0.5) {
                    argv.push(b("REPLACE"));
                }
            }
            93..=94 => argv = vec![b("SET"), b("str"), self.value()],
            95..=96 => argv = vec![b("GET"), self.key()],
            _ => argv = self.blocking_pop_outside(),
        }
        vec![argv]
    }

    /// A blocking pop for inside MULTI, where it never blocks.
    fn blocking_pop(&mut self) -> Vec<Vec<u8>> {
        let timeout = b(*self.rng.pick(&["0", "0", "1.5", "-1", "x"]));
        match self.rng.range(0, 4) {
            0 | 1 => {
                let mut argv = vec![b(*self.rng.pick(&["BLPOP", "BRPOP"]))];
                for _ in 0..self.rng.range(1, 3) {
                    argv.push(self.key());
                }
                argv.push(timeout);
                argv
            }
            2 => vec![
                b("BLMOVE"),
                self.key(),
                self.key(),
                self.end(),
                self.end(),
                timeout,
            ],
            3 => vec![b("BRPOPLPUSH"), self.key(), self.key(), timeout],
            _ => {
                let mut argv = vec![
                    b("BLMPOP"),
                    timeout,
                    b("2"),
                    self.key(),
                    self.key(),
                    self.end(),
                ];
                if self.rng.chance(0.5) {
                    argv.extend([b("COUNT"), self.count()]);
                }
                argv
            }
        }
    }

    /// A blocking pop outside MULTI that cannot block: its timeout is invalid.
    fn blocking_pop_outside(&mut self) -> Vec<Vec<u8>> {
        let mut argv = self.blocking_pop();
        let bad = b(*self.rng.pick(&["-1", "x", "inf", "-0.5"]));
        let at = if argv[0] == b"BLMPOP" {
            1
        } else {
            argv.len() - 1
        };
        argv[at] = bad;
        argv
    }
}

fn show(argv: &[Vec<u8>]) -> String {
    argv.iter()
        .map(|a| format!("{:?}", String::from_utf8_lossy(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn random_list_commands_match_redis() {
    let total = env_u64("STREAMPLAY_RANDOM_COMMANDS").unwrap_or(4_000) as usize;
    let seed = env_u64("STREAMPLAY_RANDOM_SEED").unwrap_or(0x1157_2026);
    let given: Option<Vec<u16>> = std::env::var("STREAMPLAY_LISTS_PORTS")
        .ok()
        .map(|v| v.split(',').filter_map(|p| p.trim().parse().ok()).collect());
    let (_servers, ports) = match given {
        Some(p) if p.len() == 2 => (None, (p[0], p[1])),
        _ => {
            let (redis, engine) = (start_redis(), start_streamplay());
            let ports = (redis.port, engine.port);
            (Some((redis, engine)), ports)
        }
    };
    let loose_encoding = _servers.is_none();
    let mut real = Conn::open(ports.0).unwrap();
    let mut ours = Conn::open(ports.1).unwrap();
    let mut gen = Gen {
        rng: Rng::new(seed),
    };
    let (mut done, mut run, mut errors, mut lists_seen) = (0, 0, 0, 0);
    while done < total {
        let proto = if run % 2 == 0 {
            Protocol::Resp2
        } else {
            Protocol::Resp3
        };
        let hello = if proto == Protocol::Resp2 { "2" } else { "3" };
        let setup = [vec![b("FLUSHALL")], vec![b("HELLO"), b(hello)]];
        let mut history: Vec<String> = setup.iter().map(|a| show(a)).collect();
        for argv in &setup {
            let (a, o) = (real.call(argv), ours.call(argv));
            if argv[0] != b"HELLO" {
                assert_eq!(a, o, "seed {seed:#x} run {run}: setup {}", show(argv));
            }
        }
        let length = gen.rng.range(RUN_LENGTH.0, RUN_LENGTH.1) as usize;
        let mut step = 0;
        while step < length && done < total {
            for argv in gen.commands() {
                let want = real.call_raw(&argv);
                let got = ours.call_raw(&argv);
                if want.first() == Some(&b'-') {
                    errors += 1;
                }
                if argv[0] == b"TYPE" && want == b"+list\r\n" {
                    lists_seen += 1;
                }
                history.push(show(&argv));
                let is_encoding = argv[0] == b"OBJECT";
                let list_encoding =
                    |r: &[u8]| r.ends_with(b"listpack\r\n") || r.ends_with(b"quicklist\r\n");
                let same = want == got
                    || (loose_encoding
                        && is_encoding
                        && list_encoding(&want)
                        && list_encoding(&got));
                if !same {
                    let log = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                        .join("differential_lists_random-failure.txt");
                    let _ = std::fs::write(&log, history.join("\n"));
                    panic!(
                        "random list commands differ\n  seed {seed:#x} (STREAMPLAY_RANDOM_SEED={seed}), run {run} ({proto:?}), step {step}\n  \
                         command: {}\n  redis-server: {:?}\n  streamplay:   {:?}\n  the run's commands up to here: {}",
                        show(&argv),
                        String::from_utf8_lossy(&want),
                        String::from_utf8_lossy(&got),
                        log.display(),
                    );
                }
                done += 1;
            }
            step += 1;
        }
        run += 1;
    }
    // The generator must mostly produce commands that work, on lists.
    assert!(
        errors * 2 < done,
        "{errors} of {done} random commands were errors: the generator is off"
    );
    assert!(
        lists_seen > 0,
        "TYPE never saw a list: the generator is off"
    );
    eprintln!("{done} random list commands in {run} runs, {errors} error replies, no difference");
}
