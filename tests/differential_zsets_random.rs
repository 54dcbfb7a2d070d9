//! Random differential test of the sorted set commands: a seeded generator of ZADD (every
//! option, bulk adds that pass the listpack limits, long members), ZINCRBY, ZREM, the ZRANGE
//! family and ZRANGESTORE (rank, score, lex, REV, LIMIT, WITHSCORES), ZCOUNT, ZLEXCOUNT,
//! ZRANK/ZREVRANK, ZSCORE/ZMSCORE, ZCARD, ZPOPMIN/ZPOPMAX, ZMPOP, ZREMRANGEBY*, ZUNIONSTORE /
//! ZINTERSTORE / ZDIFFSTORE with WEIGHTS and AGGREGATE, ZUNION/ZINTER/ZDIFF/ZINTERCARD,
//! ZRANDMEMBER, ZSCAN, OBJECT ENCODING, mixed with DEL, EXPIRE, TYPE, COPY, RENAME and a key
//! of the wrong type, run against redis-server 7.0.15 and `streamplay-server --profile 7.0`.
//!
//! Every reply is compared byte for byte except: ZRANDMEMBER (random picks: the same reply
//! type and length, and every member the engine picked is in the set with that score, checked
//! on redis-server with ZMSCORE; a positive count's members are distinct) and ZSCAN of a
//! skiplist (each server's own order: the same cursor and the same member/score pairs).
//! Lex ranges run on sets whose members all share one score, the only case Redis defines.
//!
//! `STREAMPLAY_RANDOM_COMMANDS` sets the number of commands (default 3,000), and
//! `STREAMPLAY_RANDOM_SEED` the seed. A mismatch reports the seed, run, step, command and both
//! replies, and writes the run's commands to `differential_zsets_random-failure.txt`.

#![cfg(not(target_arch = "wasm32"))]

mod support;

use streamplay::engine::{resp, Protocol, Reply};
use support::{start_redis, start_streamplay, Conn, Rng};

/// Commands in one run (between FLUSHALLs): random in this range.
const RUN_LENGTH: (u64, u64) = (200, 1200);

const KEYS: [&str; 4] = ["z1", "z2", "z3", "lex"];
const SCORES: [&str; 22] = [
    "0",
    "1",
    "2",
    "3",
    "-1",
    "1.5",
    "0.1",
    "0.2",
    "-0",
    "+inf",
    "-inf",
    "1e308",
    "-1e308",
    "3.14159",
    "1e-5",
    "123456789012",
    "0x10",
    "1e400",
    "abc",
    "",
    "5e-324",
    "(1",
];
const MEMBERS: [&str; 12] = [
    "a", "b", "c", "d", "e", "f", "g", "h", "aa", "ab", "ba", "0",
];

fn b(s: impl AsRef<[u8]>) -> Vec<u8> {
    s.as_ref().to_vec()
}

struct Gen {
    rng: Rng,
}

impl Gen {
    fn key(&mut self) -> Vec<u8> {
        let r = self.rng.range(0, 99);
        b(match r {
            0..=3 => "str",
            4..=6 => "nokey",
            _ => KEYS[(r % 3) as usize],
        })
    }

    fn score(&mut self) -> String {
        if self.rng.chance(0.7) {
            format!("{}", self.rng.range(0, 20) as i64 - 5)
        } else {
            self.rng.pick(&SCORES).to_string()
        }
    }

    fn member(&mut self) -> Vec<u8> {
        if self.rng.chance(0.03) {
            return vec![b'L'; 60 + self.rng.range(0, 10) as usize];
        }
        if self.rng.chance(0.2) {
            return b(format!("m{}", self.rng.range(0, 300)));
        }
        b(self.rng.pick(&MEMBERS))
    }

    fn bound(&mut self) -> String {
        let s = self.score();
        match self.rng.range(0, 4) {
            0 => format!("({s}"),
            1 => "-inf".into(),
            2 => "+inf".into(),
            _ => s,
        }
    }

    fn lex(&mut self) -> Vec<u8> {
        match self.rng.range(0, 6) {
            0 => b("-"),
            1 => b("+"),
            2 => b("x"),
            3 => [b"(".to_vec(), self.member()].concat(),
            _ => [b"[".to_vec(), self.member()].concat(),
        }
    }

    fn int(&mut self) -> String {
        match self.rng.range(0, 10) {
            0 => "x".into(),
            1 => "-100".into(),
            _ => format!("{}", self.rng.range(0, 12) as i64 - 4),
        }
    }

    fn command(&mut self) -> Vec<Vec<u8>> {
        let r = self.rng.range(0, 99);
        let mut argv: Vec<Vec<u8>> = Vec::new();
        let key = self.key();
        match r {
            0..=19 => {
                argv.push(b("ZADD"));
                argv.push(key);
                for opt in ["NX", "XX", "GT", "LT", "CH", "INCR"] {
                    if self.rng.chance(0.08) {
                        argv.push(b(opt));
                    }
                }
                let pairs = if self.rng.chance(0.03) {
                    self.rng.range(100, 200)
                } else {
                    self.rng.range(1, 4)
                };
                for i in 0..pairs {
                    if pairs > 50 {
                        argv.push(b(format!("{}", i % 7)));
                        argv.push(b(format!("m{i}")));
                    } else {
                        argv.push(b(self.score()));
                        argv.push(self.member());
                    }
                }
            }
            20..=22 => {
                // Same-score members for the lex commands.
                argv.push(b("ZADD"));
                argv.push(b("lex"));
                for _ in 0..self.rng.range(1, 4) {
                    argv.push(b("0"));
                    argv.push(self.member());
                }
            }
            23..=25 => {
                argv = vec![b("ZINCRBY"), key, b(self.score()), self.member()];
            }
            26..=29 => {
                argv = vec![b("ZREM"), key];
                for _ in 0..self.rng.range(1, 4) {
                    argv.push(self.member());
                }
            }
            30..=39 => {
                let store = self.rng.chance(0.2);
                if store {
                    argv = vec![
                        b("ZRANGESTORE"),
                        b(*self.rng.pick(&["z1", "z2", "dst"])),
                        key,
                    ];
                } else {
                    argv = vec![b("ZRANGE"), key];
                }
                match self.rng.range(0, 3) {
                    0 => {
                        argv.push(b(self.int()));
                        argv.push(b(self.int()));
                    }
                    1 => {
                        argv.push(b(self.bound()));
                        argv.push(b(self.bound()));
                        argv.push(b("BYSCORE"));
                    }
                    _ => {
                        argv[if store { 2 } else { 1 }] = b("lex");
                        argv.push(self.lex());
                        argv.push(self.lex());
                        argv.push(b("BYLEX"));
                    }
                }
                if self.rng.chance(0.3) {
                    argv.push(b("REV"));
                }
                if self.rng.chance(0.3) {
                    argv.push(b("LIMIT"));
                    argv.push(b(self.int()));
                    argv.push(b(self.int()));
                }
                if !store && self.rng.chance(0.5) {
                    argv.push(b("WITHSCORES"));
                }
            }
            40..=44 => {
                let name = *self.rng.pick(&[
                    "ZREVRANGE",
                    "ZRANGEBYSCORE",
                    "ZREVRANGEBYSCORE",
                    "ZRANGEBYLEX",
                    "ZREVRANGEBYLEX",
                ]);
                argv = vec![b(name), key];
                if name.contains("LEX") {
                    argv[1] = b("lex");
                    argv.push(self.lex());
                    argv.push(self.lex());
                } else if name == "ZREVRANGE" {
                    argv.push(b(self.int()));
                    argv.push(b(self.int()));
                } else {
                    argv.push(b(self.bound()));
                    argv.push(b(self.bound()));
                }
                if !name.contains("LEX") && self.rng.chance(0.5) {
                    argv.push(b("WITHSCORES"));
                }
                if name != "ZREVRANGE" && self.rng.chance(0.3) {
                    argv.push(b("LIMIT"));
                    argv.push(b(self.int()));
                    argv.push(b(self.int()));
                }
            }
            45..=47 => argv = vec![b("ZCOUNT"), key, b(self.bound()), b(self.bound())],
            48..=49 => argv = vec![b("ZLEXCOUNT"), b("lex"), self.lex(), self.lex()],
            50..=52 => {
                argv = vec![
                    b(*self.rng.pick(&["ZRANK", "ZREVRANK"])),
                    key,
                    self.member(),
                ];
            }
            53..=56 => argv = vec![b("ZSCORE"), key, self.member()],
            57..=58 => {
                argv = vec![b("ZMSCORE"), key, self.member(), self.member()];
            }
            59..=60 => argv = vec![b("ZCARD"), key],
            61..=64 => {
                argv = vec![b(*self.rng.pick(&["ZPOPMIN", "ZPOPMAX"])), key];
                if self.rng.chance(0.5) {
                    argv.push(b(self.int()));
                }
            }
            65..=66 => {
                argv = vec![b("ZMPOP"), b("2"), key, self.key()];
                argv.push(b(*self.rng.pick(&["MIN", "MAX", "max"])));
                if self.rng.chance(0.5) {
                    argv.push(b("COUNT"));
                    argv.push(b(self.int()));
                }
            }
            67..=70 => match self.rng.range(0, 3) {
                0 => argv = vec![b("ZREMRANGEBYRANK"), key, b(self.int()), b(self.int())],
                1 => argv = vec![b("ZREMRANGEBYSCORE"), key, b(self.bound()), b(self.bound())],
                _ => argv = vec![b("ZREMRANGEBYLEX"), b("lex"), self.lex(), self.lex()],
            },
            71..=78 => {
                let name = *self.rng.pick(&[
                    "ZUNIONSTORE",
                    "ZINTERSTORE",
                    "ZDIFFSTORE",
                    "ZUNION",
                    "ZINTER",
                    "ZDIFF",
                    "ZINTERCARD",
                ]);
                argv.push(b(name));
                if name.ends_with("STORE") {
                    argv.push(b(*self.rng.pick(&["dst", "z3", "z1"])));
                }
                let n = self.rng.range(1, 4);
                argv.push(b(n.to_string()));
                for _ in 0..n {
                    let k = self.key();
                    argv.push(k);
                }
                if !name.contains("DIFF") && name != "ZINTERCARD" {
                    if self.rng.chance(0.4) {
                        argv.push(b("WEIGHTS"));
                        for _ in 0..n {
                            let w = *self.rng.pick(&["1", "2", "-1", "0", "0.5", "inf", "-0"]);
                            argv.push(b(w));
                        }
                    }
                    if self.rng.chance(0.4) {
                        argv.push(b("AGGREGATE"));
                        argv.push(b(*self.rng.pick(&["SUM", "MIN", "MAX", "avg"])));
                    }
                }
                if name == "ZINTERCARD" && self.rng.chance(0.5) {
                    argv.push(b("LIMIT"));
                    argv.push(b(self.int()));
                }
                if !name.ends_with("STORE") && name != "ZINTERCARD" && self.rng.chance(0.5) {
                    argv.push(b("WITHSCORES"));
                }
            }
            79..=81 => {
                argv = vec![b("ZRANDMEMBER"), key];
                if self.rng.chance(0.8) {
                    argv.push(b(self.int()));
                    if self.rng.chance(0.5) {
                        argv.push(b("WITHSCORES"));
                    }
                }
            }
            82..=83 => {
                argv = vec![b("ZSCAN"), key, b("0"), b("COUNT"), b("1000")];
                if self.rng.chance(0.3) {
                    argv.push(b("MATCH"));
                    argv.push(b(*self.rng.pick(&["a*", "m1*", "*", "[a-c]"])));
                }
            }
            84..=86 => argv = vec![b("OBJECT"), b("ENCODING"), key],
            87 => argv = vec![b("TYPE"), key],
            88 => argv = vec![b("DEL"), key],
            89 => argv = vec![b("EXPIRE"), key, b("1000")],
            90 => argv = vec![b("TTL"), key],
            91 => argv = vec![b("COPY"), key, b("dst"), b("REPLACE")],
            92 => argv = vec![b("RENAME"), key, b(*self.rng.pick(&["z1", "z2", "dst"]))],
            93 => argv = vec![b("SET"), b("str"), b("x")],
            94 => argv = vec![b("ZRANGE"), b("dst"), b("0"), b("-1"), b("WITHSCORES")],
            95 => argv = vec![b("OBJECT"), b("ENCODING"), b("dst")],
            _ => argv = vec![b("ZRANGE"), key, b("0"), b("-1"), b("WITHSCORES")],
        }
        argv
    }
}

fn show(argv: &[Vec<u8>]) -> String {
    argv.iter()
        .map(|a| format!("{:?}", String::from_utf8_lossy(a)))
        .collect::<Vec<_>>()
        .join(" ")
}

fn items(r: &Reply) -> Option<&[Reply]> {
    match r {
        Reply::Array(v) | Reply::Set(v) => Some(v),
        _ => None,
    }
}

fn text(r: &Reply) -> Vec<u8> {
    match r {
        Reply::Bulk(b) | Reply::Double(b) | Reply::Simple(b) => b.clone(),
        other => resp::encode(other, Protocol::Resp3),
    }
}

/// The (member, score) pairs of a ZRANDMEMBER or ZSCAN element list; scores are `None`
/// without WITHSCORES.
fn pairs(list: &[Reply], withscores: bool, resp3: bool) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
    if !withscores {
        return list.iter().map(|m| (text(m), None)).collect();
    }
    if resp3 {
        return list
            .iter()
            .map(|p| {
                let p = items(p).unwrap_or(&[]);
                (text(&p[0]), p.get(1).map(text))
            })
            .collect();
    }
    list.chunks(2)
        .map(|c| (text(&c[0]), c.get(1).map(text)))
        .collect()
}

/// Whether the engine's reply is acceptable next to redis-server's for a command whose reply
/// is random (ZRANDMEMBER) or in each server's own order (ZSCAN). `None`: compare exactly.
fn by_rule(
    argv: &[Vec<u8>],
    want: &[u8],
    got: &[u8],
    proto: Protocol,
    real: &mut Conn,
) -> Option<Result<(), String>> {
    let name = argv[0].to_ascii_uppercase();
    if name != b"ZRANDMEMBER" && name != b"ZSCAN" {
        return None;
    }
    let (Ok((w, _)), Ok((g, _))) = (resp::parse(want), resp::parse(got)) else {
        return None;
    };
    if w.is_error() || g.is_error() {
        return None;
    }
    let resp3 = proto == Protocol::Resp3;
    if name == b"ZSCAN" {
        let (Some(w), Some(g)) = (items(&w), items(&g)) else {
            return None;
        };
        let mut a = pairs(items(&w[1]).unwrap_or(&[]), true, false);
        let mut c = pairs(items(&g[1]).unwrap_or(&[]), true, false);
        a.sort();
        c.sort();
        return Some(if w[0] == g[0] && a == c {
            Ok(())
        } else {
            Err("ZSCAN: different cursor or pairs".into())
        });
    }
    if argv.len() == 2 {
        // One member, as a bulk string (nil for a missing key).
        return Some(match (&w, &g) {
            (Reply::Null, Reply::Null) => Ok(()),
            (Reply::Bulk(_), Reply::Bulk(m)) => {
                let s = real.call(&[b("ZSCORE"), argv[1].clone(), m.clone()]);
                if matches!(s, Reply::Null) {
                    Err("ZRANDMEMBER picked a non-member".into())
                } else {
                    Ok(())
                }
            }
            _ => Err("ZRANDMEMBER: different reply types".into()),
        });
    }
    let (Some(wl), Some(gl)) = (items(&w), items(&g)) else {
        return None;
    };
    if wl.len() != gl.len() {
        return Some(Err("ZRANDMEMBER: different lengths".into()));
    }
    let withscores = argv.len() == 4;
    let picked = pairs(gl, withscores, resp3);
    let count: i64 = std::str::from_utf8(&argv[2]).unwrap().parse().unwrap();
    if count > 0 {
        let mut names: Vec<&Vec<u8>> = picked.iter().map(|p| &p.0).collect();
        names.sort();
        names.dedup();
        if names.len() != picked.len() {
            return Some(Err("ZRANDMEMBER: a member repeats".into()));
        }
    }
    for (member, score) in &picked {
        let real_score = real.call(&[b("ZSCORE"), argv[1].clone(), member.clone()]);
        if matches!(real_score, Reply::Null) {
            return Some(Err(format!(
                "ZRANDMEMBER picked {:?}, not a member",
                String::from_utf8_lossy(member)
            )));
        }
        if score.as_ref().is_some_and(|s| *s != text(&real_score)) {
            return Some(Err("ZRANDMEMBER: a different score".into()));
        }
    }
    Some(Ok(()))
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

#[test]
fn random_zset_commands_match_redis() {
    let total = env_u64("STREAMPLAY_RANDOM_COMMANDS").unwrap_or(3_000) as usize;
    let seed = env_u64("STREAMPLAY_RANDOM_SEED").unwrap_or(0x25e7_2026);
    let redis = start_redis();
    let engine = start_streamplay();
    let mut real = Conn::open(redis.port).unwrap();
    let mut ours = Conn::open(engine.port).unwrap();
    let mut gen = Gen {
        rng: Rng::new(seed),
    };
    let (mut done, mut run, mut errors, mut by_rules) = (0, 0, 0, 0);
    while done < total {
        let proto = if run % 2 == 0 {
            Protocol::Resp2
        } else {
            Protocol::Resp3
        };
        let setup: Vec<Vec<Vec<u8>>> = vec![
            vec![b("FLUSHALL")],
            vec![
                b("HELLO"),
                b(if proto == Protocol::Resp2 { "2" } else { "3" }),
            ],
            vec![b("SET"), b("str"), b("x")],
        ];
        let mut history: Vec<String> = setup.iter().map(|a| show(a)).collect();
        for argv in &setup {
            let a = real.call(argv);
            let o = ours.call(argv);
            if argv[0] != b"HELLO" {
                assert_eq!(a, o, "seed {seed:#x} run {run}: setup {}", show(argv));
            }
        }
        let length = gen.rng.range(RUN_LENGTH.0, RUN_LENGTH.1) as usize;
        for step in 0..length.min(total - done) {
            let argv = gen.command();
            let want = real.call_raw(&argv);
            let got = ours.call_raw(&argv);
            if want.first() == Some(&b'-') {
                errors += 1;
            }
            history.push(show(&argv));
            let verdict = match by_rule(&argv, &want, &got, proto, &mut real) {
                Some(v) => {
                    by_rules += 1;
                    v
                }
                None if want == got => Ok(()),
                None => Err("different bytes".into()),
            };
            let log = std::path::Path::new(env!("CARGO_TARGET_TMPDIR"))
                .join("differential_zsets_random-failure.txt");
            if verdict.is_err() {
                history.push(String::new());
                let _ = std::fs::write(&log, history.join("\n"));
            }
            assert!(
                verdict.is_ok(),
                "random sorted set commands differ ({})\n  seed {seed:#x} (STREAMPLAY_RANDOM_SEED={seed}), \
                 run {run} ({proto:?}), step {step}\n  command: {}\n  redis-server: {:?}\n  \
                 streamplay:   {:?}\n  the run's commands up to here: {}",
                verdict.unwrap_err(),
                show(&argv),
                String::from_utf8_lossy(&want),
                String::from_utf8_lossy(&got),
                log.display(),
            );
            done += 1;
        }
        run += 1;
    }
    assert!(
        errors * 2 < done,
        "{errors} of {done} random commands were errors: the generator is off"
    );
    eprintln!(
        "{done} random sorted set commands in {run} runs, {errors} error replies, \
         {by_rules} compared by rule, no difference"
    );
}
