//! The random stream workload's generator: XADD (explicit ids and `ms-*`, never a bare `*`,
//! so no reply depends on the clock; NOMKSTREAM; MAXLEN/MINID with `=`/`~` and LIMIT), XDEL,
//! XTRIM, XRANGE and XREVRANGE (`-`, `+`, `(`, incomplete ids, COUNT), XLEN, XSETID, XINFO
//! STREAM [FULL], XREAD without BLOCK, invalid ids and syntax errors. Each run sets
//! `stream-node-max-entries` ∈ {0,5,10,100} / `stream-node-max-bytes` ∈ {0,300,4096}, so
//! approximate trimming and `radix-tree-keys` are exercised with every node shape.

use super::{b, Argv, Step, Workload};
use crate::support::Rng;
use streamplay::engine::{resp, Reply};

/// What the generator remembers of a stream key, to make mostly sensible ids.
#[derive(Default, Clone)]
struct KeyState {
    /// The stream's last id, as redis-server's replies showed it.
    top: (u64, u64),
    /// Ids XADD added (some may have been deleted or trimmed since).
    ids: Vec<(u64, u64)>,
    /// About the stream's length (XADD's own trimming is not followed).
    len: u64,
}

/// `ms-seq` or `ms` in plain decimal.
fn parse_id(id: &[u8]) -> Option<(u64, u64)> {
    let s = std::str::from_utf8(id).ok()?;
    match s.split_once('-') {
        Some((ms, seq)) => Some((ms.parse().ok()?, seq.parse().ok()?)),
        None => Some((s.parse().ok()?, 0)),
    }
}

pub struct Gen {
    pub rng: Rng,
    keys: [KeyState; 2],
    /// In a calm run most deletions and trims become XADDs, so streams grow
    /// long enough to span many nodes.
    calm: bool,
}

pub const KEYS: [&str; 2] = ["s", "t"];

impl Gen {
    fn key(&mut self) -> usize {
        if self.rng.chance(0.85) {
            0
        } else {
            1
        }
    }

    /// A key name: mostly a stream, sometimes a string key (WRONGTYPE) or a missing one.
    fn key_name(&mut self, k: usize) -> Vec<u8> {
        let x = self.rng.range(0, 99);
        match x {
            0..=1 => b("str"),
            2..=3 => b("missing"),
            _ => b(KEYS[k]),
        }
    }

    /// An id the stream probably has (or had).
    /// A milliseconds part above the stream's last id (`ms-*` then adds to it).
    pub fn next_ms(&self, key: &[u8]) -> u64 {
        let k = KEYS.iter().position(|k| k.as_bytes() == key).unwrap_or(0);
        self.keys[k].top.0.saturating_add(1)
    }

    pub fn known_id(&mut self, k: usize) -> (u64, u64) {
        if self.keys[k].ids.is_empty() {
            return (self.rng.range(0, 5), self.rng.range(0, 3));
        }
        let n = self.keys[k].ids.len() as u64;
        // Mostly recent ones.
        let i = if self.rng.chance(0.5) {
            n - 1 - self.rng.range(0, n.min(20) - 1)
        } else {
            self.rng.range(0, n - 1)
        };
        self.keys[k].ids[i as usize]
    }

    fn invalid_id(&mut self) -> Vec<u8> {
        b(*self.rng.pick(&[
            "abc",
            "1-2-3",
            "8-",
            "9-0x",
            "-1",
            "18446744073709551616-0",
            "1-18446744073709551616",
            "",
            "(",
            "1.5",
            "0x10",
            "*-1",
            "1-*x",
            "1111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111111",
        ]))
    }

    /// A strictly parsed id (XDEL, MINID, XSETID): mostly valid, with the
    /// `strtoull` quirks now and then.
    fn strict_id(&mut self, k: usize) -> Vec<u8> {
        let x = self.rng.range(0, 99);
        let (ms, seq) = self.known_id(k);
        match x {
            0..=69 => b(format!("{ms}-{seq}")),
            70..=79 => b(format!("{}", ms.saturating_add(self.rng.range(0, 2)))),
            80..=83 => b(format!("00{ms}-{seq}")),
            84..=85 => b(format!(" {ms}-+{seq}")),
            86..=89 => b(*self.rng.pick(&["-", "+", "0-0", "0"])),
            90..=94 => self.invalid_id(),
            _ => b(format!(
                "{}-{}",
                self.rng.range(0, ms.saturating_add(3)),
                self.rng.range(0, 5)
            )),
        }
    }

    /// An XRANGE bound.
    fn range_id(&mut self, k: usize) -> Vec<u8> {
        let x = self.rng.range(0, 99);
        let (ms, seq) = self.known_id(k);
        match x {
            0..=19 => b(*self.rng.pick(&["-", "+"])),
            20..=44 => b(format!("{ms}-{seq}")),
            45..=64 => b(format!("{}", ms.saturating_add(self.rng.range(0, 1)))),
            65..=79 => b(format!("({ms}-{seq}")),
            80..=84 => b(format!("({ms}")),
            85..=87 => b(*self.rng.pick(&[
                "(-",
                "(+",
                "(0-0",
                "(18446744073709551615-18446744073709551615",
                "18446744073709551615",
            ])),
            88..=91 => self.invalid_id(),
            _ => b(format!(
                "{}-{}",
                self.rng.range(0, ms.saturating_add(2)),
                self.rng.range(0, 5)
            )),
        }
    }

    fn value(&mut self) -> Vec<u8> {
        let x = self.rng.range(0, 99);
        match x {
            0..=29 => b(format!("{}", self.rng.range(0, 200_000) as i64 - 100_000)),
            30..=44 => b(format!("{}", self.rng.range(0, 1 << 63))),
            45..=79 => {
                let n = self.rng.range(0, 80);
                (0..n)
                    .map(|_| b"abcdefgh"[self.rng.range(0, 7) as usize])
                    .collect()
            }
            80..=89 => {
                let n = self.rng.range(60, 700);
                (0..n)
                    .map(|_| b"xyz0123"[self.rng.range(0, 6) as usize])
                    .collect()
            }
            _ => b(*self
                .rng
                .pick(&["", "0", "-0", "007", "12345678901234567890123"])),
        }
    }

    fn fields(&mut self, argv: &mut Vec<Vec<u8>>) {
        let sets: [&[&str]; 5] = [
            &["type", "user_id"],
            &["f"],
            &["f", "g"],
            &["a", "b", "c"],
            &["1", "22"],
        ];
        let set = *self.rng.pick(&sets);
        let set: Vec<&str> = if self.rng.chance(0.1) {
            // Same names in another order, or a duplicate field.
            let mut s: Vec<&str> = set.iter().rev().copied().collect();
            s.push(set[0]);
            s
        } else {
            set.to_vec()
        };
        for f in set {
            argv.push(b(f));
            argv.push(self.value());
        }
        if self.rng.chance(0.02) {
            argv.push(b("dangling"));
        }
    }

    /// `[MAXLEN|MINID [=|~] threshold [LIMIT n]]`, sometimes malformed.
    fn trim_args(&mut self, k: usize, argv: &mut Vec<Vec<u8>>, in_xtrim: bool) {
        let x = self.rng.range(0, 99);
        if x < 3 {
            // Broken option combinations.
            let bad: &[&[&str]] = &[
                &["MAXLEN", "~"],
                &["MAXLEN", "-1"],
                &["MAXLEN", "abc"],
                &["MAXLEN", "5", "MINID", "1"],
                &["LIMIT", "5"],
                &["LIMIT", "0"],
                &["MAXLEN", "=", "5", "LIMIT", "5"],
                &["MAXLEN", "~", "5", "LIMIT", "-1"],
                &["MAXLEN", "~", "5", "LIMIT"],
                &["MINID", "~", "+"],
            ];
            for a in *self.rng.pick(bad) {
                argv.push(b(a));
            }
            return;
        }
        let maxlen = self.rng.chance(0.5);
        argv.push(b(if maxlen {
            *self.rng.pick(&["MAXLEN", "maxlen"])
        } else {
            *self.rng.pick(&["MINID", "minid"])
        }));
        let approx = match self.rng.range(0, 2) {
            0 => {
                argv.push(b("~"));
                true
            }
            1 => {
                argv.push(b("="));
                false
            }
            _ => false,
        };
        if maxlen {
            // Mostly a few entries off the head, so that streams grow long
            // enough to span many nodes.
            let n = self.keys[k].len;
            let t = if self.rng.chance(0.95) {
                n.saturating_sub(self.rng.range(0, 12))
            } else {
                self.rng.range(0, n + 2)
            };
            argv.push(b(format!("{t}")));
        } else {
            let ms = self.keys[k].top.0;
            let x = self.rng.range(0, 39);
            let st = &self.keys[k];
            let head = st.ids.len().saturating_sub(st.len as usize);
            argv.push(if x < 37 && head < st.ids.len() {
                let i = head + self.rng.range(0, 12) as usize;
                let (ms, seq) = st.ids[i.min(st.ids.len() - 1)];
                b(format!("{ms}-{seq}"))
            } else if x < 38 {
                b(format!(
                    "{}-{}",
                    self.rng.range(0, ms.saturating_add(1)),
                    self.rng.range(0, 2)
                ))
            } else {
                self.strict_id(k)
            });
        }
        if (approx && self.rng.chance(0.4)) || self.rng.chance(if in_xtrim { 0.03 } else { 0.02 }) {
            argv.push(b("LIMIT"));
            argv.push(b(format!("{}", *self.rng.pick(&[0, 1, 5, 10, 50, 100]))));
        }
    }

    /// The XADD id: mostly increasing explicit ids and `ms-*`.
    fn xadd_id(&mut self, k: usize) -> Vec<u8> {
        let x = self.rng.range(0, 99);
        let step = *self.rng.pick(&[0, 0, 1, 2, 1000]);
        let top = self.keys[k].top;
        let ms = top.0.saturating_add(step);
        match x {
            0..=54 => {
                let seq = self.rng.range(0, 3);
                let id = if (ms, seq) > top {
                    (ms, seq)
                } else {
                    (top.0, top.1.saturating_add(1))
                };
                b(format!("{}-{}", id.0, id.1))
            }
            55..=79 => b(format!("{ms}-*")),
            80..=84 => b(format!("{}", top.0.saturating_add(step.max(1)))),
            85..=92 => {
                // At or below the top: an error.
                let (ms, seq) = self.known_id(k);
                b(self
                    .rng
                    .pick(&[format!("{ms}-{seq}"), format!("{ms}-*"), format!("{ms}")]))
            }
            93..=95 => b(*self.rng.pick(&[
                "0-0",
                "0",
                "0-*",
                "18446744073709551615-18446744073709551615",
                "18446744073709551615-*",
            ])),
            _ => self.invalid_id(),
        }
    }

    /// Learns from redis-server's reply what the stream's top id now is.
    pub fn see(&mut self, argv: &[Vec<u8>], reply: &[u8]) {
        let slot = |key: &[u8]| KEYS.iter().position(|k| k.as_bytes() == key);
        let cmd = argv[0].to_ascii_uppercase();
        let Some(k) = argv.get(1).and_then(|key| slot(key)) else {
            return;
        };
        if cmd == b"XADD" {
            if let Ok((Reply::Bulk(id), _)) = resp::parse(reply) {
                if let Some(id) = parse_id(&id) {
                    self.keys[k].top = id;
                    self.keys[k].ids.push(id);
                    self.keys[k].len += 1;
                }
            }
        } else if cmd == b"XDEL" || cmd == b"XTRIM" {
            if let Ok((Reply::Integer(n), _)) = resp::parse(reply) {
                self.keys[k].len = self.keys[k].len.saturating_sub(n as u64);
            }
        } else if cmd == b"XSETID" && reply.starts_with(b"+OK") {
            if let Some(id) = parse_id(&argv[2]) {
                self.keys[k].top = id;
            }
        } else if cmd == b"DEL" {
            self.keys[k] = KeyState::default();
        }
    }

    pub fn command(&mut self) -> Argv {
        let k = self.key();
        let key = self.key_name(k);
        let mut x = self.rng.range(0, 999);
        if self.keys[k].top.0 == u64::MAX && self.rng.chance(0.3) {
            // An exhausted stream: start it again soon.
            x = 930;
        }
        if self.calm && (400..=559).contains(&x) && self.rng.chance(0.8) {
            x = 0;
        }
        let mut argv = Vec::new();
        match x {
            0..=399 => {
                argv.push(b(*self.rng.pick(&["XADD", "xadd"])));
                argv.push(key);
                if self.rng.chance(0.05) {
                    argv.push(b("NOMKSTREAM"));
                }
                if self.rng.chance(0.12) {
                    self.trim_args(k, &mut argv, false);
                }
                let id = self.xadd_id(k);
                argv.push(id);
                self.fields(&mut argv);
            }
            400..=479 => {
                argv.push(b("XDEL"));
                argv.push(key);
                for _ in 0..self.rng.range(1, 3) {
                    let id = self.strict_id(k);
                    argv.push(id);
                }
            }
            480..=559 => {
                argv.push(b("XTRIM"));
                argv.push(key);
                if self.rng.chance(0.03) {
                    argv.push(b(*self.rng.pick(&["LIMIT", "FOO", "MAXLEN"])));
                } else {
                    self.trim_args(k, &mut argv, true);
                }
            }
            710..=729 => {
                // Non-blocking XREAD over one or two keys.
                argv.push(b("XREAD"));
                if self.rng.chance(0.6) {
                    argv.push(b("COUNT"));
                    argv.push(b(format!("{}", *self.rng.pick(&[0i64, 1, 2, 5, 100, -1]))));
                }
                argv.push(b("STREAMS"));
                let two = self.rng.chance(0.3);
                argv.push(key);
                if two {
                    argv.push(b(KEYS[1 - k]));
                }
                for i in 0..if two { 2 } else { 1 } {
                    let kk = if i == 0 { k } else { 1 - k };
                    let id = match self.rng.range(0, 9) {
                        0..=5 => {
                            let (ms, seq) = self.known_id(kk);
                            b(format!("{ms}-{seq}"))
                        }
                        6 => b(format!("{}", self.known_id(kk).0)),
                        7 => b(*self.rng.pick(&["0", "0-0", "$", "+", "-"])),
                        _ => self.invalid_id(),
                    };
                    argv.push(id);
                }
                if self.rng.chance(0.03) {
                    argv.pop();
                }
            }
            560..=709 => {
                let rev = self.rng.chance(0.4);
                argv.push(b(if rev { "XREVRANGE" } else { "XRANGE" }));
                argv.push(key);
                let (lo, hi) = (self.range_id(k), self.range_id(k));
                argv.push(lo);
                argv.push(hi);
                let c = self.rng.range(0, 99);
                if c < 50 {
                    argv.push(b(*self.rng.pick(&["COUNT", "count"])));
                    argv.push(b(format!(
                        "{}",
                        *self.rng.pick(&[0i64, 1, 2, 3, 5, 10, 100, -1])
                    )));
                } else if c < 53 {
                    argv.push(b(*self.rng.pick(&["COUNT", "LIMIT"])));
                } else if c < 55 {
                    argv.extend([b("COUNT"), b("x")]);
                }
            }
            730..=789 => {
                argv.push(b("XLEN"));
                argv.push(key);
            }
            790..=839 => {
                argv.push(b("XSETID"));
                argv.push(key);
                let (ms, seq) = self.keys[k].top;
                // Close above the top, so that later XADDs mostly still work.
                let id = match self.rng.range(0, 99) {
                    0..=59 => {
                        let id = (
                            ms.saturating_add(self.rng.range(0, 3)),
                            seq.saturating_add(self.rng.range(0, 2)),
                        );
                        b(format!("{}-{}", id.0, id.1))
                    }
                    60..=79 => self.strict_id(k),
                    80..=81 => b("18446744073709551615-18446744073709551615"),
                    _ => b(format!("{ms}")),
                };
                argv.push(id);
                if self.rng.chance(0.3) {
                    argv.push(b("ENTRIESADDED"));
                    argv.push(b(format!("{}", self.rng.range(0, 400) as i64 - 5)));
                }
                if self.rng.chance(0.3) {
                    argv.push(b("MAXDELETEDID"));
                    let id = self.strict_id(k);
                    argv.push(id);
                }
                if self.rng.chance(0.03) {
                    argv.push(b("BOGUS"));
                }
            }
            840..=909 => {
                argv.extend([b("XINFO"), b("STREAM"), key]);
                if self.rng.chance(0.2) {
                    argv.push(b("FULL"));
                    if self.rng.chance(0.5) {
                        argv.push(b("COUNT"));
                        argv.push(b(format!("{}", *self.rng.pick(&[0, 1, 3, 10, -1]))));
                    }
                }
            }
            910..=929 => {
                argv.push(b(*self.rng.pick(&["TYPE", "EXISTS", "OBJECT"])));
                if argv[0] == b"OBJECT" {
                    argv.push(b("ENCODING"));
                }
                argv.push(key);
            }
            930..=931 => {
                argv.push(b("DEL"));
                argv.push(key);
            }
            932..=949 => {
                argv.extend([b("SET"), b("str"), b("x")]);
            }
            _ => {
                // Arity errors and junk.
                let junk: &[&[&str]] = &[
                    &["XADD", "s"],
                    &["XADD", "s", "1-1"],
                    &["XADD", "s", "NOMKSTREAM", "1-1"],
                    &["XRANGE", "s", "-"],
                    &["XREVRANGE", "s"],
                    &["XLEN"],
                    &["XLEN", "s", "t"],
                    &["XDEL", "s"],
                    &["XTRIM", "s"],
                    &["XTRIM", "s", "MAXLEN"],
                    &["XSETID", "s"],
                    &["XINFO", "STREAM"],
                    &["XINFO", "STREAM", "s", "FULL", "COUNT"],
                    &["XINFO", "STREAM", "s", "FULLX"],
                    &["XINFO", "STREAM", "s", "FULL", "COUNT", "x"],
                    &["XRANGE", "s", "-", "+", "COUNT", "1", "COUNT", "2"],
                ];
                for a in *self.rng.pick(junk) {
                    argv.push(b(a));
                }
            }
        }
        argv
    }
}

impl Gen {
    pub fn new(seed: u64) -> Gen {
        Gen {
            rng: Rng::new(seed),
            keys: Default::default(),
            calm: false,
        }
    }
}

impl Workload for Gen {
    fn rng(&mut self) -> &mut Rng {
        &mut self.rng
    }
    /// Node limits for the run; the generator forgets its streams.
    fn setup(&mut self) -> Vec<Argv> {
        let entries = *self.rng.pick(&["0", "5", "10", "100"]);
        let bytes = *self.rng.pick(&["0", "300", "4096"]);
        self.keys = Default::default();
        self.calm = self.rng.chance(0.5);
        vec![
            vec![
                b("CONFIG"),
                b("SET"),
                b("stream-node-max-entries"),
                b(entries),
            ],
            vec![b("CONFIG"), b("SET"), b("stream-node-max-bytes"), b(bytes)],
        ]
    }
    fn next(&mut self) -> Step {
        Step::Commands(vec![self.command()])
    }
    fn observe(&mut self, argv: &[Vec<u8>], reply: &[u8]) {
        self.see(argv, reply);
    }
}
