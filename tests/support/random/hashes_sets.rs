//! The random hash and set workload's generator: every hash and set command (with their
//! options, bad arguments now and then) mixed with DEL, EXPIRE (0, which deletes, or long),
//! PERSIST, TYPE, EXISTS, COPY, RENAME, SET on the same keys (so WRONGTYPE and emptied keys
//! come up).

use super::{b, Argv, Step, Workload};
use crate::support::Rng;

pub const HASHES: [&str; 3] = ["h0", "h1", "h2"];
const SETS: [&str; 4] = ["s0", "s1", "s2", "s3"];

/// The hash and set commands' generator.
pub struct Gen {
    pub rng: Rng,
}

impl Gen {
    fn hash_key(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=3 => b("str"),
            4..=6 => b("nokey"),
            7..=10 => b(*self.rng.pick(&SETS)),
            _ => b(*self.rng.pick(&HASHES)),
        }
    }

    fn set_key(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=3 => b("str"),
            4..=6 => b("nokey"),
            7..=9 => b(*self.rng.pick(&HASHES)),
            _ => b(*self.rng.pick(&SETS)),
        }
    }

    fn field(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=1 => vec![b'F'; 65],
            2..=3 => b(""),
            _ => b(format!("f{}", self.rng.range(0, 40))),
        }
    }

    fn value(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=39 => b(format!("{}", self.rng.range(0, 1000) as i64 - 500)),
            40..=49 => b(format!(
                "{}.{}",
                self.rng.range(0, 99),
                self.rng.range(0, 99)
            )),
            50..=52 => vec![b'v'; 65],
            53..=54 => b("9223372036854775807"),
            55..=56 => b("1e4000"),
            57 => b("inf"),
            _ => b(format!("v{}", self.rng.range(0, 99))),
        }
    }

    /// A set member: mostly small integers (intsets), sometimes text or odd integers.
    fn member(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=69 => b(format!("{}", self.rng.range(0, 60))),
            70..=74 => b(format!("-{}", self.rng.range(1, 9))),
            75..=76 => b(*self
                .rng
                .pick(&["007", "+1", "-0", "9223372036854775807", " 1"])),
            77..=78 => vec![b'm'; 65],
            _ => b(format!("m{}", self.rng.range(0, 30))),
        }
    }

    fn count_arg(&mut self) -> Vec<u8> {
        match self.rng.range(0, 99) {
            0..=39 => b(format!("{}", self.rng.range(0, 8))),
            40..=64 => b(format!("-{}", self.rng.range(1, 8))),
            65..=79 => b(format!("{}", self.rng.range(9, 200))),
            80..=84 => b("0"),
            85..=89 => b("abc"),
            90..=91 => b("-9223372036854775808"),
            _ => b(format!("{}", self.rng.range(1, 3))),
        }
    }

    pub fn command(&mut self) -> Argv {
        let x = self.rng.range(0, 199);
        let mut argv: Vec<Vec<u8>> = Vec::new();
        match x {
            0..=19 => {
                argv.push(b(*self.rng.pick(&["HSET", "HSET", "HMSET"])));
                argv.push(self.hash_key());
                let n = if self.rng.chance(0.05) {
                    self.rng.range(100, 600)
                } else {
                    self.rng.range(1, 4)
                };
                for i in 0..n {
                    if n > 50 {
                        argv.push(b(format!("g{i}")));
                        argv.push(b(format!("{i}")));
                    } else {
                        argv.push(self.field());
                        argv.push(self.value());
                    }
                }
                if self.rng.chance(0.03) {
                    argv.pop();
                }
            }
            20..=24 => {
                argv.extend([b("HSETNX"), self.hash_key(), self.field(), self.value()]);
            }
            25..=32 => {
                argv.extend([b("HGET"), self.hash_key(), self.field()]);
            }
            33..=36 => {
                argv.extend([b("HMGET"), self.hash_key(), self.field(), self.field()]);
            }
            37..=44 => {
                argv.extend([b("HDEL"), self.hash_key()]);
                for _ in 0..self.rng.range(1, 3) {
                    argv.push(self.field());
                }
            }
            45..=47 => argv.extend([b("HEXISTS"), self.hash_key(), self.field()]),
            48..=50 => argv.extend([b("HLEN"), self.hash_key()]),
            51..=52 => argv.extend([b("HSTRLEN"), self.hash_key(), self.field()]),
            53..=58 => {
                let incr = match self.rng.range(0, 9) {
                    0 => b("x"),
                    1 => b("9223372036854775807"),
                    _ => b(format!("{}", self.rng.range(0, 20) as i64 - 10)),
                };
                argv.extend([b("HINCRBY"), self.hash_key(), self.field(), incr]);
            }
            59..=63 => {
                let incr = match self.rng.range(0, 9) {
                    0 => b("x"),
                    1 => b("inf"),
                    2 => b("1e308"),
                    _ => b(format!(
                        "{}.{}",
                        self.rng.range(0, 20),
                        self.rng.range(0, 999)
                    )),
                };
                argv.extend([b("HINCRBYFLOAT"), self.hash_key(), self.field(), incr]);
            }
            64..=69 => {
                argv.push(b(*self.rng.pick(&["HGETALL", "HKEYS", "HVALS"])));
                argv.push(self.hash_key());
            }
            70..=74 => {
                argv.extend([b("HRANDFIELD"), self.hash_key()]);
                if self.rng.chance(0.8) {
                    argv.push(self.count_arg());
                    if self.rng.chance(0.5) {
                        argv.push(b(*self.rng.pick(&["WITHVALUES", "withvalues", "X"])));
                    }
                }
            }
            75..=77 => {
                argv.extend([b("HSCAN"), self.hash_key(), b("0")]);
                if self.rng.chance(0.3) {
                    argv.extend([b("MATCH"), b(*self.rng.pick(&["f1*", "g*", "*", "[a-f]*"]))]);
                }
                argv.extend([b("COUNT"), b("10000")]);
                if self.rng.chance(0.05) {
                    argv.push(b("NOVALUES"));
                }
            }
            78..=99 => {
                argv.extend([b("SADD"), self.set_key()]);
                if self.rng.chance(0.04) {
                    for i in 0..self.rng.range(100, 300) {
                        argv.push(b(format!("{}", i * 3)));
                    }
                } else {
                    for _ in 0..self.rng.range(1, 4) {
                        argv.push(self.member());
                    }
                }
            }
            100..=111 => {
                argv.extend([b("SREM"), self.set_key()]);
                for _ in 0..self.rng.range(1, 4) {
                    argv.push(self.member());
                }
            }
            112..=117 => {
                argv.extend([b("SMEMBERS"), self.set_key()]);
            }
            118..=122 => argv.extend([b("SISMEMBER"), self.set_key(), self.member()]),
            123..=125 => argv.extend([
                b("SMISMEMBER"),
                self.set_key(),
                self.member(),
                self.member(),
            ]),
            126..=129 => argv.extend([b("SCARD"), self.set_key()]),
            130..=135 => {
                argv.extend([b("SPOP"), self.set_key()]);
                if self.rng.chance(0.6) {
                    let c = self.count_arg();
                    argv.push(if c.first() == Some(&b'-') && self.rng.chance(0.8) {
                        c[1..].to_vec()
                    } else {
                        c
                    });
                }
            }
            136..=141 => {
                argv.extend([b("SRANDMEMBER"), self.set_key()]);
                if self.rng.chance(0.8) {
                    argv.push(self.count_arg());
                }
            }
            142..=147 => {
                argv.extend([b("SMOVE"), self.set_key(), self.set_key(), self.member()]);
            }
            148..=159 => {
                let (name, store) = *self.rng.pick(&[
                    ("SINTER", false),
                    ("SUNION", false),
                    ("SDIFF", false),
                    ("SINTERSTORE", true),
                    ("SUNIONSTORE", true),
                    ("SDIFFSTORE", true),
                ]);
                argv.push(b(name));
                if store {
                    argv.push(self.set_key());
                }
                for _ in 0..self.rng.range(1, 3) {
                    argv.push(self.set_key());
                }
            }
            160..=162 => {
                let n = self.rng.range(1, 3);
                argv.extend([b("SINTERCARD"), b(format!("{n}"))]);
                for _ in 0..n {
                    argv.push(self.set_key());
                }
                if self.rng.chance(0.4) {
                    argv.extend([b("LIMIT"), b(format!("{}", self.rng.range(0, 5)))]);
                }
            }
            163..=166 => {
                argv.extend([b("SSCAN"), self.set_key(), b("0")]);
                if self.rng.chance(0.3) {
                    argv.extend([b("MATCH"), b(*self.rng.pick(&["1*", "m*", "*", "[0-3]"]))]);
                }
                argv.extend([b("COUNT"), b("10000")]);
            }
            167..=171 => {
                let key = if self.rng.chance(0.5) {
                    self.hash_key()
                } else {
                    self.set_key()
                };
                argv.extend([b("OBJECT"), b("ENCODING"), key]);
            }
            172..=175 => {
                let key = if self.rng.chance(0.5) {
                    self.hash_key()
                } else {
                    self.set_key()
                };
                argv.push(b(*self
                    .rng
                    .pick(&["TYPE", "EXISTS", "DEL", "PERSIST", "TTL"])));
                argv.push(key);
            }
            176..=179 => {
                let key = if self.rng.chance(0.5) {
                    self.hash_key()
                } else {
                    self.set_key()
                };
                let secs = *self.rng.pick(&["0", "1000", "-1"]);
                argv.extend([b("EXPIRE"), key, b(secs)]);
            }
            180..=183 => {
                let (src, dst) = if self.rng.chance(0.5) {
                    (self.hash_key(), self.hash_key())
                } else {
                    (self.set_key(), self.set_key())
                };
                argv.push(b(*self.rng.pick(&["COPY", "RENAME", "RENAMENX"])));
                argv.extend([src, dst]);
                if argv[0] == b"COPY" && self.rng.chance(0.5) {
                    argv.push(b("REPLACE"));
                }
            }
            184..=186 => argv.extend([b("SET"), b("str"), b("x")]),
            _ => {
                // Errors of arity and syntax.
                argv = match self.rng.range(0, 5) {
                    0 => vec![b("HSET"), self.hash_key(), b("f")],
                    1 => vec![b("SINTERCARD"), b("0"), self.set_key()],
                    2 => vec![b("SINTERCARD"), b("3"), self.set_key()],
                    3 => vec![b("SPOP"), self.set_key(), b("1"), b("2")],
                    4 => vec![b("HSCAN"), self.hash_key(), b("x")],
                    _ => vec![b("SSCAN"), self.set_key(), b("0"), b("COUNT"), b("0")],
                };
            }
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
    fn next(&mut self) -> Step {
        Step::Commands(vec![self.command()])
    }
}
