//! The random list workload's generator: every non-blocking list command (pushes, pops
//! with and without counts, LRANGE, LINDEX, LSET, LINSERT, LREM, LTRIM, LPOS with
//! RANK/COUNT/MAXLEN, LMOVE, RPOPLPUSH, LMPOP) and the blocking pops inside MULTI (where
//! they answer at once), mixed with DEL, EXISTS, TYPE, OBJECT ENCODING,
//! EXPIREAT/EXPIRETIME/PERSIST, COPY, RENAME and a string key (WRONGTYPE), with bad
//! arguments now and then; elements up to 300 bytes and, now and then, up to 9 KB (past a
//! quicklist node's 8 KB, so profile 8's listpack conversions are exercised).

use super::{b, Step, Workload};
use crate::support::Rng;

pub const KEYS: [&str; 3] = ["l1", "l2", "l3"];

/// The list commands' generator.
pub struct Gen {
    pub rng: Rng,
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
            80..=81 => {
                // Past a quicklist node's 8 KB or near it, for profile 8's conversions.
                let n = *self.rng.pick(&[1000, 2000, 4000, 8000, 8185, 8193, 9000]);
                vec![*self.rng.pick(&[b'x', b'y']); n]
            }
            82..=89 => {
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
    pub fn commands(&mut self) -> Vec<Vec<Vec<u8>>> {
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
        Step::Commands(self.commands())
    }
}
