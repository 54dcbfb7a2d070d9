//! The random sorted set workload's generator: ZADD (every option, bulk adds that pass the
//! listpack limits, long members), ZINCRBY, ZREM, the ZRANGE family and ZRANGESTORE (rank,
//! score, lex, REV, LIMIT, WITHSCORES), ZCOUNT, ZLEXCOUNT, ZRANK/ZREVRANK, ZSCORE/ZMSCORE,
//! ZCARD, ZPOPMIN/ZPOPMAX, ZMPOP, ZREMRANGEBY*, ZUNIONSTORE / ZINTERSTORE / ZDIFFSTORE with
//! WEIGHTS and AGGREGATE, ZUNION/ZINTER/ZDIFF/ZINTERCARD, ZRANDMEMBER, ZSCAN, OBJECT
//! ENCODING, mixed with DEL, EXPIRE, TYPE, COPY, RENAME and a key of the wrong type. Lex
//! ranges run on sets whose members all share one score, the only case Redis defines.

use super::{b, Argv, Step, Workload};
use crate::support::Rng;

pub const KEYS: [&str; 4] = ["z1", "z2", "z3", "lex"];
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

/// The sorted set commands' generator.
pub struct Gen {
    pub rng: Rng,
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

    pub fn command(&mut self) -> Argv {
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

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng::new(seed),
        }
    }
}

impl Workload for Gen {
    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }
    fn setup(&mut self) -> Vec<Argv> {
        vec![vec![b("SET"), b("str"), b("x")]]
    }
    fn next(&mut self) -> Step {
        Step::Commands(vec![self.command()])
    }
}
