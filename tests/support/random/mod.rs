//! The random differential workloads' one runner: a `Workload` (a seeded generator of
//! commands) runs against a real Redis and `streamplay-server` in the matching profile
//! (redis-server 7.0.15 and `--profile 7.0`, Redis 8.0.2 and `--profile 8`), over one or
//! more client connections, in runs that each start with FLUSHALL, `HELLO 2` or `HELLO 3`
//! per client and the workload's own setup; every reply is compared.
//!
//! Replies are compared byte for byte, except where the rules table
//! (tests/differential/rules.txt) allows otherwise, decided here by the command (`Rule`):
//! - a reply listing a hashtable's members or fields (SMEMBERS, HGETALL, HKEYS, HVALS, SSCAN,
//!   HSCAN of a key whose OBJECT ENCODING, asked of both servers first and required equal, is
//!   `hashtable`), and SINTER, SUNION, SDIFF, KEYS and SCAN always, are compared as sets;
//! - random picks (SPOP, SRANDMEMBER, HRANDFIELD) by shape (types and lengths), membership
//!   in the key's contents before the command (read from the real server) and distinctness
//!   where Redis promises it; after SPOP the engine's set is rebuilt as Redis's now is
//!   (`resync_set`); ZRANDMEMBER by type, length, membership and scores (ZSCORE on the real
//!   server), and a skiplist's ZSCAN by cursor and member/score pairs in any order;
//! - XINFO STREAM: all but the value of `radix-tree-nodes` (Redis's rax node count, which the
//!   engine does not model) and, in its FULL form, the delivery, seen and active times.
//!
//! A workload may also ask for a blocking command (`Step::Block`): one client sends it; once
//! both servers agree that it blocked (or both answered it at once), other clients send the
//! workload's next commands, then CLIENT UNBLOCK (from a connection of the runner's own)
//! releases the client if nothing served it, and its reply is compared: whether it was
//! served, and by what, follows from the commands alone, never from timing.
//!
//! `STREAMPLAY_RANDOM_COMMANDS` sets the number of commands and `STREAMPLAY_RANDOM_SEED` the
//! seed. A mismatch reports the seed, run, step, command and both replies, and writes the
//! run's commands to a file under the target directory.

#![allow(dead_code)]

pub mod hashes_sets;
pub mod lists;
pub mod streams;
pub mod zsets;

use std::time::{Duration, Instant};

use crate::support::{argv, start_engine, start_real, Conn, Rng, Server, Version};
use streamplay::engine::{resp, Protocol, Reply};

/// A command's words.
pub type Argv = Vec<Vec<u8>>;

pub fn b(s: impl AsRef<[u8]>) -> Vec<u8> {
    s.as_ref().to_vec()
}

/// A command as the failure reports show it (long ones cut).
pub fn show(argv: &[Vec<u8>]) -> String {
    let line = argv
        .iter()
        .map(|a| {
            let s = String::from_utf8_lossy(a);
            if s.len() > 60 {
                format!("\"{}...\" ({} bytes)", &s[..40], a.len())
            } else {
                format!("{s:?}")
            }
        })
        .collect::<Vec<_>>()
        .join(" ");
    if line.len() > 600 {
        format!("{}... ({} arguments)", &line[..600], argv.len())
    } else {
        line
    }
}

/// What a workload asks for next.
pub enum Step {
    /// Commands sent in turn by one client (a single command, or MULTI ... EXEC).
    Commands(Vec<Argv>),
    /// A blocking command with no timeout, sent by one client while others go on.
    Block(Argv),
}

/// A seeded generator of commands.
pub trait Workload {
    fn rng(&mut self) -> &mut Rng;
    /// Commands a run sends after FLUSHALL and HELLO (compared exactly).
    fn setup(&mut self) -> Vec<Argv> {
        Vec::new()
    }
    fn next(&mut self) -> Step;
    /// The real server's reply to a command (for generators that follow ids).
    fn observe(&mut self, _argv: &[Vec<u8>], _reply: &[u8]) {}
    /// A write that would serve the blocked command `blocked`, if the workload has one.
    fn feed(&mut self, _blocked: &[Vec<u8>]) -> Option<Argv> {
        None
    }
}

/// How a workload runs.
pub struct Plan {
    /// The test's name, for reports and the failure file.
    pub name: &'static str,
    pub version: Version,
    /// Commands when `STREAMPLAY_RANDOM_COMMANDS` is not set.
    pub commands: usize,
    /// The seed the workload was made with (`seed`).
    pub seed: u64,
    /// Steps in one run (between FLUSHALLs): random in this range.
    pub run_length: (u64, u64),
    /// Client connections (the first client of a run speaks RESP2 in even runs, RESP3 in
    /// odd ones; the next one the other way, and so on).
    pub clients: usize,
    /// Servers already listening (real, engine) instead of starting a pair.
    pub ports: Option<(u16, u16)>,
}

/// What a run of a workload did.
#[derive(Debug, Default)]
pub struct Stats {
    pub commands: usize,
    pub runs: usize,
    /// Replies compared, byte for byte and by a rule.
    pub exact: usize,
    pub by_rule: usize,
    /// Commands sent in RESP2 and in RESP3.
    pub per_protocol: [usize; 2],
    /// Error replies (from the real server).
    pub errors: usize,
    /// Blocking commands that blocked; of those, served by another client's command.
    pub blocked: usize,
    pub served: usize,
    /// TYPE replies naming each type (`string`, `list`, `hash`, `set`, `zset`, `stream`).
    pub types_seen: std::collections::BTreeMap<String, usize>,
}

impl Stats {
    pub fn frames(&self) -> usize {
        self.exact + self.by_rule
    }
}

impl std::fmt::Display for Stats {
    fn fmt(&self, f: &mut std::fmt::Formatter) -> std::fmt::Result {
        write!(
            f,
            "{} commands ({} RESP2, {} RESP3) in {} runs, {} frames compared ({} exact, {} by rule), \
             {} error replies, {} blocked ({} served by another client), 0 differences",
            self.commands,
            self.per_protocol[0],
            self.per_protocol[1],
            self.runs,
            self.frames(),
            self.exact,
            self.by_rule,
            self.errors,
            self.blocked,
            self.served
        )
    }
}

fn env_u64(name: &str) -> Option<u64> {
    std::env::var(name).ok().and_then(|v| v.parse().ok())
}

/// The seed: `STREAMPLAY_RANDOM_SEED`, or the test's own.
pub fn seed(default: u64) -> u64 {
    env_u64("STREAMPLAY_RANDOM_SEED").unwrap_or(default)
}

/// How a reply is compared.
#[derive(Clone, Copy, PartialEq, Debug)]
enum Rule {
    Exact,
    /// Exact unless the key (argv[1]) is a hashtable: then as a set.
    ByEncoding,
    /// Always as a set (of pairs for a hash's fields and values).
    Set,
    /// A random pick from the set or hash at argv[1].
    Pick,
    /// ZRANDMEMBER and ZSCAN.
    Zset,
    /// XINFO STREAM.
    Xinfo,
}

fn rule(argv: &[Vec<u8>]) -> Rule {
    let name = argv[0].to_ascii_uppercase();
    match &name[..] {
        b"SMEMBERS" | b"HGETALL" | b"HKEYS" | b"HVALS" | b"SSCAN" | b"HSCAN" => Rule::ByEncoding,
        b"SINTER" | b"SUNION" | b"SDIFF" | b"KEYS" | b"SCAN" => Rule::Set,
        b"SPOP" | b"SRANDMEMBER" | b"HRANDFIELD" => Rule::Pick,
        b"ZRANDMEMBER" | b"ZSCAN" => Rule::Zset,
        b"XINFO"
            if argv
                .get(1)
                .is_some_and(|a| a.eq_ignore_ascii_case(b"STREAM")) =>
        {
            Rule::Xinfo
        }
        _ => Rule::Exact,
    }
}

/// Whether a command's reply is compared byte for byte whatever the keys hold (what a
/// workload may queue inside MULTI, where EXEC's reply is compared exactly).
pub fn always_exact(argv: &[Vec<u8>]) -> bool {
    rule(argv) == Rule::Exact
}

/// One client: its connections to both servers and its protocol this run.
struct Client {
    real: Conn,
    ours: Conn,
    proto: Protocol,
    /// CLIENT ID on each server.
    ids: (Vec<u8>, Vec<u8>),
}

/// The state of a workload's run against the two servers.
struct Runner {
    name: &'static str,
    version: Version,
    seed: u64,
    clients: Vec<Client>,
    /// The runner's own connections (INFO, CLIENT UNBLOCK).
    admin: (Conn, Conn),
    stats: Stats,
    run: usize,
    history: Vec<String>,
}

/// Runs `workload` as `plan` says, panicking at the first difference.
pub fn run(plan: Plan, workload: &mut dyn Workload) -> Stats {
    let total = env_u64("STREAMPLAY_RANDOM_COMMANDS").unwrap_or(plan.commands as u64) as usize;
    let seed = plan.seed;
    let _servers: Option<(Server, Server)>;
    let ports = match plan.ports {
        Some(p) => {
            _servers = None;
            p
        }
        None => {
            let pair = (start_real(plan.version), start_engine(plan.version, false));
            let ports = (pair.0.port, pair.1.port);
            _servers = Some(pair);
            ports
        }
    };
    let open = |port| Conn::open(port).unwrap();
    let mut clients: Vec<Client> = (0..plan.clients.max(1))
        .map(|_| {
            let (mut real, mut ours) = (open(ports.0), open(ports.1));
            let id = |c: &mut Conn| c.call_raw(&argv("CLIENT ID"))[1..].to_vec();
            let ids = (id(&mut real), id(&mut ours));
            Client {
                real,
                ours,
                proto: Protocol::Resp2,
                ids,
            }
        })
        .collect();
    for c in &mut clients {
        for id in [&mut c.ids.0, &mut c.ids.1] {
            id.truncate(id.len().saturating_sub(2));
        }
    }
    let mut r = Runner {
        name: plan.name,
        version: plan.version,
        seed,
        clients,
        admin: (open(ports.0), open(ports.1)),
        stats: Stats::default(),
        run: 0,
        history: Vec::new(),
    };
    while r.stats.commands < total {
        r.start_run(workload);
        let length = workload.rng().range(plan.run_length.0, plan.run_length.1) as usize;
        let mut step = 0;
        while step < length && r.stats.commands < total {
            match workload.next() {
                Step::Commands(cmds) => {
                    let c = r.pick_client(workload, None);
                    for argv in cmds {
                        r.step(workload, c, &argv);
                    }
                }
                Step::Block(argv) => r.block(workload, &argv),
            }
            step += 1;
        }
        r.run += 1;
        r.stats.runs = r.run;
    }
    r.stats
}

impl Runner {
    /// FLUSHALL, each client's protocol, the workload's setup.
    fn start_run(&mut self, workload: &mut dyn Workload) {
        self.history.clear();
        self.setup(0, &[b("FLUSHALL")]);
        for i in 0..self.clients.len() {
            let proto = if (self.run + i) % 2 == 0 {
                Protocol::Resp2
            } else {
                Protocol::Resp3
            };
            self.clients[i].proto = proto;
            let hello = [
                b("HELLO"),
                b(if proto == Protocol::Resp2 { "2" } else { "3" }),
            ];
            self.history.push(format!("[client {i}] {}", show(&hello)));
            self.clients[i].real.call_raw(&hello);
            self.clients[i].ours.call_raw(&hello);
        }
        for argv in workload.setup() {
            self.setup(0, &argv);
        }
    }

    fn setup(&mut self, c: usize, argv: &[Vec<u8>]) {
        self.history.push(format!("[client {c}] {}", show(argv)));
        let client = &mut self.clients[c];
        let (a, o) = (client.real.call_raw(argv), client.ours.call_raw(argv));
        if a != o {
            self.fail(c, argv, &a, &o, "the run's setup differs");
        }
    }

    fn pick_client(&mut self, workload: &mut dyn Workload, not: Option<usize>) -> usize {
        let n = self.clients.len();
        if n == 1 {
            return 0;
        }
        loop {
            let c = workload.rng().range(0, n as u64 - 1) as usize;
            if Some(c) != not {
                return c;
            }
        }
    }

    fn fail(&self, c: usize, argv: &[Vec<u8>], want: &[u8], got: &[u8], why: &str) -> ! {
        let log = std::path::Path::new(env!("CARGO_TARGET_TMPDIR")).join(format!(
            "{}-failure-{}.txt",
            self.name,
            self.version.profile()
        ));
        let _ = std::fs::write(&log, self.history.join("\n"));
        let cut = |r: &[u8]| {
            let s = String::from_utf8_lossy(r).into_owned();
            if s.len() > 2000 {
                format!("{}... ({} bytes)", &s[..2000], r.len())
            } else {
                s
            }
        };
        panic!(
            "{}: {} and streamplay-server --profile {} differ ({why})\n  seed {:#x} \
             (STREAMPLAY_RANDOM_SEED={}), run {}, client {c} ({:?}), command {}\n  command: {}\n  \
             redis:      {:?}\n  streamplay: {:?}\n  the run's commands up to here: {}",
            self.name,
            self.version.redis(),
            self.version.profile(),
            self.seed,
            self.seed,
            self.run,
            self.clients[c].proto,
            self.stats.commands,
            show(argv),
            cut(want),
            cut(got),
            log.display(),
        );
    }

    /// Sends one command on client `c` to both servers and compares the replies.
    fn step(&mut self, workload: &mut dyn Workload, c: usize, argv: &[Vec<u8>]) {
        let argv = &self.for_version(argv);
        self.history.push(format!("[client {c}] {}", show(argv)));
        let mut rule = rule(argv);
        if argv.len() < 2 && rule == Rule::ByEncoding {
            rule = Rule::Exact;
        }
        let client = &mut self.clients[c];
        if rule == Rule::ByEncoding {
            // The encoding decides whether an order can be compared; both must agree on it.
            let ask = [b("OBJECT"), b("ENCODING"), argv[1].clone()];
            let (e1, e2) = (client.real.call_raw(&ask), client.ours.call_raw(&ask));
            if e1 != e2 {
                self.fail(c, &ask, &e1, &e2, "OBJECT ENCODING before a listing");
            }
            rule = if e1.windows(9).any(|w| w == b"hashtable") {
                Rule::Set
            } else {
                Rule::Exact
            };
        }
        let client = &mut self.clients[c];
        let before = if rule == Rule::Pick {
            contents(&mut client.real, argv)
        } else {
            Vec::new()
        };
        let want = client.real.call_raw(argv);
        let got = client.ours.call_raw(argv);
        workload.observe(argv, &want);
        self.count(c, argv, &want);
        self.compare(c, argv, rule, &want, &got, &before);
        if argv[0].eq_ignore_ascii_case(b"SPOP") && want != got {
            // The servers popped different members; the engine's set is rebuilt as Redis's
            // now is (members, encoding, expiry time).
            let client = &mut self.clients[c];
            resync_set(&mut client.real, &mut client.ours, &argv[1]);
        }
    }

    /// The command as sent to this version's servers. In profile 8 a score or lex range's
    /// negative LIMIT offset becomes 0: Redis 8.0.2 answers a skiplist's elements for it
    /// (`zslNthInRange`, redis/redis#12450), which Redis 8.2+ and the profile (8.4) no longer
    /// do (redis/redis#14043: always nothing, as on a listpack and in 7.0).
    fn for_version(&self, argv: &[Vec<u8>]) -> Argv {
        let mut argv = argv.to_vec();
        let range = argv[0].len() > 1
            && argv[0][0].eq_ignore_ascii_case(&b'z')
            && argv[0].windows(5).any(|w| w.eq_ignore_ascii_case(b"RANGE"));
        if self.version == Version::V8 && range {
            for i in 1..argv.len().saturating_sub(1) {
                if argv[i].eq_ignore_ascii_case(b"LIMIT") && argv[i + 1].first() == Some(&b'-') {
                    argv[i + 1] = b("0");
                }
            }
        }
        argv
    }

    fn count(&mut self, c: usize, argv: &[Vec<u8>], want: &[u8]) {
        self.stats.commands += 1;
        self.stats.per_protocol[usize::from(self.clients[c].proto == Protocol::Resp3)] += 1;
        if want.first() == Some(&b'-') {
            self.stats.errors += 1;
        }
        if argv[0].eq_ignore_ascii_case(b"TYPE") && want.first() == Some(&b'+') {
            let t = String::from_utf8_lossy(&want[1..want.len().saturating_sub(2)]).into_owned();
            *self.stats.types_seen.entry(t).or_default() += 1;
        }
    }

    fn compare(
        &mut self,
        c: usize,
        argv: &[Vec<u8>],
        rule: Rule,
        want: &[u8],
        got: &[u8],
        before: &[(Vec<u8>, Vec<u8>)],
    ) {
        let proto = self.clients[c].proto;
        let verdict: Result<(), String> = match rule {
            Rule::Exact | Rule::ByEncoding => {
                if want == got {
                    Ok(())
                } else {
                    Err("different bytes".into())
                }
            }
            Rule::Set => {
                let pairs = argv[0].eq_ignore_ascii_case(b"HGETALL")
                    || argv[0].eq_ignore_ascii_case(b"HSCAN")
                        && !argv.iter().any(|a| a.eq_ignore_ascii_case(b"NOVALUES"));
                let same = match (parse(want), parse(got)) {
                    (Some(w), Some(g)) => canonical(&w, pairs) == canonical(&g, pairs),
                    _ => want == got,
                };
                if same {
                    Ok(())
                } else {
                    Err("different members".into())
                }
            }
            Rule::Pick => check_random(argv, want, got, before),
            Rule::Zset => {
                let real = &mut self.clients[c].real;
                match zset_rule(argv, want, got, proto, real) {
                    Some(v) => v,
                    None if want == got => Ok(()),
                    None => Err("different bytes".into()),
                }
            }
            Rule::Xinfo => {
                if comparable(want, proto) == comparable(got, proto) {
                    Ok(())
                } else {
                    Err("different XINFO STREAM (radix-tree-nodes aside)".into())
                }
            }
        };
        // A rule that compared bytes after all counts as exact.
        if rule == Rule::Exact || rule == Rule::ByEncoding || want == got {
            self.stats.exact += 1;
        } else {
            self.stats.by_rule += 1;
        }
        if let Err(why) = verdict {
            self.fail(c, argv, want, got, &why);
        }
    }

    /// Whether `argv`, sent by `c` on both servers, blocked: `None` when it did, else its
    /// replies (real, engine).
    fn blocked_or_reply(&mut self, c: usize) -> (Option<Vec<u8>>, Option<Vec<u8>>) {
        let mut out = (None, None);
        for side in 0..2 {
            let deadline = Instant::now() + Duration::from_secs(10);
            let reply = loop {
                let (client, admin) = if side == 0 {
                    (&mut self.clients[c].real, &mut self.admin.0)
                } else {
                    (&mut self.clients[c].ours, &mut self.admin.1)
                };
                if let Some(f) = client.try_frame(Duration::from_millis(1)) {
                    break Some(f);
                }
                let info = admin.call_raw(&argv("INFO clients"));
                if String::from_utf8_lossy(&info).contains("blocked_clients:1\r\n") {
                    break None;
                }
                assert!(Instant::now() < deadline, "neither blocked nor answered");
            };
            if side == 0 {
                out.0 = reply;
            } else {
                out.1 = reply;
            }
        }
        out
    }

    /// A blocking command on one client; other clients' commands; CLIENT UNBLOCK; its reply.
    fn block(&mut self, workload: &mut dyn Workload, argv: &[Vec<u8>]) {
        if self.clients.len() < 2 {
            return;
        }
        let c = self.pick_client(workload, None);
        self.history
            .push(format!("[client {c}] {} (not read)", show(argv)));
        self.clients[c].real.send(argv);
        self.clients[c].ours.send(argv);
        match self.blocked_or_reply(c) {
            (Some(want), Some(got)) => {
                // Answered at once (data was there, or an error).
                workload.observe(argv, &want);
                self.count(c, argv, &want);
                self.compare(c, argv, Rule::Exact, &want, &got, &[]);
                return;
            }
            (None, None) => {}
            (want, got) => {
                let show = |r: Option<Vec<u8>>| r.unwrap_or_else(|| b("<blocked>"));
                self.fail(c, argv, &show(want), &show(got), "one server blocked");
            }
        }
        self.stats.blocked += 1;
        let others = workload.rng().range(1, 3);
        for i in 0..others {
            let feed = if i == 0 && workload.rng().chance(0.5) {
                workload.feed(argv)
            } else {
                None
            };
            let next = match feed {
                Some(f) => Step::Commands(vec![f]),
                None => workload.next(),
            };
            if let Step::Commands(cmds) = next {
                let o = self.pick_client(workload, Some(c));
                for a in cmds {
                    self.step(workload, o, &a);
                }
            }
        }
        let (real_id, our_id) = self.clients[c].ids.clone();
        let unblock = |id: Vec<u8>| vec![b("CLIENT"), b("UNBLOCK"), id];
        self.history
            .push(format!("[runner] CLIENT UNBLOCK <client {c}>"));
        let u1 = self.admin.0.call_raw(&unblock(real_id));
        let u2 = self.admin.1.call_raw(&unblock(our_id));
        if u1 != u2 {
            self.fail(c, &unblock(b("<id>")), &u1, &u2, "CLIENT UNBLOCK");
        }
        if u1 == b":0\r\n" {
            self.stats.served += 1;
        }
        self.history.push(format!("[client {c}] reads its reply"));
        let want = self.clients[c].real.frame();
        let got = self.clients[c].ours.frame();
        workload.observe(argv, &want);
        self.count(c, argv, &want);
        self.compare(c, argv, Rule::Exact, &want, &got, &[]);
    }
}

// ----- Comparison by rule -----

fn parse(raw: &[u8]) -> Option<Reply> {
    resp::parse(raw).ok().map(|(r, _)| r)
}

/// The RESP3 bytes of a reply (a sort key).
fn enc(r: &Reply) -> Vec<u8> {
    resp::encode(r, Protocol::Resp3)
}

/// A reply with its member lists in a canonical order: arrays and sets sorted, a map's
/// (or a flat field/value array's, for `pairs`) pairs sorted; a SCAN-shaped reply sorts
/// its second element.
fn canonical(r: &Reply, pairs: bool) -> Reply {
    let sort = |items: &[Reply]| -> Vec<Reply> {
        if pairs && items.len() % 2 == 0 {
            let mut p: Vec<(Vec<u8>, Reply, Reply)> = items
                .chunks(2)
                .map(|c| {
                    (
                        [enc(&c[0]), enc(&c[1])].concat(),
                        c[0].clone(),
                        c[1].clone(),
                    )
                })
                .collect();
            p.sort_by(|a, b| a.0.cmp(&b.0));
            p.into_iter().flat_map(|(_, k, v)| [k, v]).collect()
        } else {
            let mut v = items.to_vec();
            v.sort_by_key(enc);
            v
        }
    };
    match r {
        Reply::Array(items)
            if items.len() == 2
                && matches!(items[0], Reply::Bulk(_))
                && matches!(items[1], Reply::Array(_)) =>
        {
            let Reply::Array(inner) = &items[1] else {
                unreachable!()
            };
            Reply::Array(vec![items[0].clone(), Reply::Array(sort(inner))])
        }
        Reply::Array(items) => Reply::Array(sort(items)),
        Reply::Set(items) => Reply::Set(sort(items)),
        Reply::Map(p) => {
            let mut p = p.clone();
            p.sort_by_key(|(k, v)| [enc(k), enc(v)].concat());
            Reply::Map(p)
        }
        other => other.clone(),
    }
}

/// Every bulk string in a reply, however deep.
fn leaves(r: &Reply) -> Vec<Vec<u8>> {
    match r {
        Reply::Bulk(b) => vec![b.clone()],
        Reply::Array(items) | Reply::Set(items) => items.iter().flat_map(leaves).collect(),
        _ => Vec::new(),
    }
}

/// Same RESP types all the way down and aggregates of the same lengths.
fn same_shape(a: &Reply, b: &Reply) -> bool {
    match (a, b) {
        (Reply::Array(x), Reply::Array(y)) | (Reply::Set(x), Reply::Set(y)) => {
            x.len() == y.len() && x.iter().zip(y).all(|(a, b)| same_shape(a, b))
        }
        _ => std::mem::discriminant(a) == std::mem::discriminant(b),
    }
}

/// Checks a random pick: `Err(reason)` when the engine's reply cannot be a pick Redis
/// could have made from `before` (the members, or field/value pairs, before the command).
fn check_random(
    argv: &[Vec<u8>],
    want: &[u8],
    got: &[u8],
    before: &[(Vec<u8>, Vec<u8>)],
) -> Result<(), String> {
    let (Some(w), Some(g)) = (parse(want), parse(got)) else {
        return if want == got {
            Ok(())
        } else {
            Err("unparsable".into())
        };
    };
    if matches!(w, Reply::Error(_)) || matches!(w, Reply::Null) || before.is_empty() {
        return if want == got {
            Ok(())
        } else {
            Err("differs".into())
        };
    }
    if !same_shape(&w, &g) {
        return Err("not the same shape".into());
    }
    let with_values = argv.len() == 4;
    let items = leaves(&g);
    let pairs_ok = if with_values {
        items
            .chunks(2)
            .all(|c| before.iter().any(|(f, v)| *f == c[0] && *v == c[1]))
    } else {
        items.iter().all(|m| before.iter().any(|(f, _)| f == m))
    };
    if !pairs_ok {
        return Err("answers something that was not there".into());
    }
    let positive = argv.get(2).is_some_and(|c| c.first() != Some(&b'-'));
    if positive {
        let mut names: Vec<Vec<u8>> = if with_values {
            items.chunks(2).map(|c| c[0].clone()).collect()
        } else {
            items.clone()
        };
        let n = names.len();
        names.sort();
        names.dedup();
        if names.len() != n {
            return Err("repeats a pick where Redis picks distinct ones".into());
        }
    }
    Ok(())
}

/// The contents of the key at argv[1] on `conn` as (member or field, value) pairs.
fn contents(conn: &mut Conn, argv: &[Vec<u8>]) -> Vec<(Vec<u8>, Vec<u8>)> {
    let key = argv[1].clone();
    let is_hash = argv[0].eq_ignore_ascii_case(b"HRANDFIELD");
    let reply = if is_hash {
        conn.call(&[b("HGETALL"), key])
    } else {
        conn.call(&[b("SMEMBERS"), key])
    };
    match reply {
        Reply::Map(p) => p
            .into_iter()
            .filter_map(|(k, v)| match (k, v) {
                (Reply::Bulk(k), Reply::Bulk(v)) => Some((k, v)),
                _ => None,
            })
            .collect(),
        Reply::Array(items) | Reply::Set(items) if is_hash => items
            .chunks(2)
            .filter_map(|c| match (&c[0], &c[1]) {
                (Reply::Bulk(k), Reply::Bulk(v)) => Some((k.clone(), v.clone())),
                _ => None,
            })
            .collect(),
        Reply::Array(items) | Reply::Set(items) => items
            .into_iter()
            .filter_map(|m| match m {
                Reply::Bulk(m) => Some((m, Vec::new())),
                _ => None,
            })
            .collect(),
        _ => Vec::new(),
    }
}

/// Makes the set at `key` on the engine what it is on Redis: DEL, then SADD of Redis's
/// members, then Redis's expiry time. Sets never go back to a smaller encoding, so a marker
/// member is added and removed again to reach Redis's: a short non-integer turns an intset
/// into a listpack (Redis 7.2+), a 65-byte one makes a hashtable (past
/// `set-max-listpack-value`; in 7.0 any non-integer does).
fn resync_set(real: &mut Conn, ours: &mut Conn, key: &[u8]) {
    let members = leaves(&real.call(&[b("SMEMBERS"), key.to_vec()]));
    let encoding = real.call(&[b("OBJECT"), b("ENCODING"), key.to_vec()]);
    let expires = real.call(&[b("PEXPIRETIME"), key.to_vec()]);
    ours.call(&[b("DEL"), key.to_vec()]);
    if members.is_empty() {
        return;
    }
    let marker = match encoding {
        Reply::Bulk(e) if e == b"hashtable" => Some([b("resync:"), vec![b'x'; 60]].concat()),
        Reply::Bulk(e) if e == b"listpack" => Some(b("resync:not-an-integer")),
        _ => None,
    };
    let mut add = vec![b("SADD"), key.to_vec()];
    add.extend(marker.clone());
    add.extend(members);
    ours.call(&add);
    if let Some(marker) = marker {
        ours.call(&[b("SREM"), key.to_vec(), marker]);
    }
    if let Reply::Integer(t) = expires {
        if t > 0 {
            ours.call(&[b("PEXPIREAT"), key.to_vec(), b(t.to_string())]);
        }
    }
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
fn zpairs(list: &[Reply], withscores: bool, resp3: bool) -> Vec<(Vec<u8>, Option<Vec<u8>>)> {
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

/// Whether the engine's reply is acceptable next to the real one for a command whose reply
/// is random (ZRANDMEMBER) or in each server's own order (ZSCAN). `None`: compare exactly.
fn zset_rule(
    argv: &[Vec<u8>],
    want: &[u8],
    got: &[u8],
    proto: Protocol,
    real: &mut Conn,
) -> Option<Result<(), String>> {
    let name = argv[0].to_ascii_uppercase();
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
        let mut a = zpairs(items(&w[1]).unwrap_or(&[]), true, false);
        let mut c = zpairs(items(&g[1]).unwrap_or(&[]), true, false);
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
    let picked = zpairs(gl, withscores, resp3);
    let count: i64 = std::str::from_utf8(&argv[2])
        .ok()
        .and_then(|c| c.parse().ok())
        .unwrap_or(0);
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

/// Replaces the value of every `radix-tree-nodes` field with 0.
fn mask_rax_nodes(reply: Reply) -> Reply {
    let is_nodes = |r: &Reply| matches!(r, Reply::Bulk(k) if k == b"radix-tree-nodes");
    match reply {
        Reply::Map(pairs) => Reply::Map(
            pairs
                .into_iter()
                .map(|(k, v)| {
                    let v = if is_nodes(&k) { Reply::Integer(0) } else { v };
                    (k, v)
                })
                .collect(),
        ),
        Reply::Array(items) => {
            let mut out = Vec::with_capacity(items.len());
            let mut mask_next = false;
            for item in items {
                if mask_next {
                    out.push(Reply::Integer(0));
                    mask_next = false;
                } else {
                    mask_next = is_nodes(&item);
                    out.push(item);
                }
            }
            Reply::Array(out)
        }
        other => other,
    }
}

/// Every integer that reads as a Unix time in ms (delivery, seen and active times, as the
/// rules table's `times` rule) replaced with 0, however deep.
fn mask_times(reply: Reply) -> Reply {
    match reply {
        Reply::Integer(t) if t >= 1_000_000_000_000 => Reply::Integer(0),
        Reply::Array(items) => Reply::Array(items.into_iter().map(mask_times).collect()),
        Reply::Map(pairs) => {
            Reply::Map(pairs.into_iter().map(|(k, v)| (k, mask_times(v))).collect())
        }
        other => other,
    }
}

/// XINFO STREAM's bytes with the rax node count and the times of a FULL reply masked.
fn comparable(raw: &[u8], proto: Protocol) -> Vec<u8> {
    match resp::parse(raw) {
        Ok((reply, _)) => resp::encode(&mask_times(mask_rax_nodes(reply)), proto),
        Err(_) => raw.to_vec(),
    }
}
