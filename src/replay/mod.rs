//! Replaying a scenario against a real Redis (native only): the scenario runs through a
//! `Session` (what the playground shows, pane by pane), then step by step on a real server,
//! one TCP connection per pane, and every frame of both is compared as redis-cli text.
//!
//! - Ids that `*` or `ms-*` generated differ in value: each XADD's reply pairs the real id
//!   with the playground's (per stream key, in order), later replies are compared with the
//!   real ids written as the playground's, and an argument naming a generated entry by the
//!   playground's id is sent with the real one. Ids typed explicitly compare by value.
//! - `@clock <ms>` before anything sets nothing on Redis (its clock cannot be set). A later
//!   jump up to `Options::wait_max_ms` is waited out for real; a longer one is not: a block
//!   that timed out during it in the playground is ended on Redis with `CLIENT UNBLOCK id
//!   TIMEOUT`, every time to live and every pending entry's idle time on Redis are moved on by
//!   the jump (`PEXPIRE`, `XCLAIM ... IDLE ... JUSTID` to the same consumer), and the report
//!   names the later replies that depend on time.
//! - An absolute Unix time in a command (`SET ... EXAT`, `PEXPIREAT`, XCLAIM's `TIME`) is
//!   sent moved by the difference between Redis's clock and the playground's.
//! - Replies that depend on time (idle times, TTLs, ages: `text::depends_on_time`) are equal
//!   "by shape" when only their numbers differ; an expected line's `<any>` matches too.
//! - The server is taken to be a scratch one: the replay starts with FLUSHALL and CONFIG
//!   RESETSTAT (`Options::flush`); a later `@profile` (a fresh server in the playground) sets
//!   the CONFIG parameters back, flushes and reconnects every pane; the end sets them back too.

mod conn;
pub mod text;

use std::collections::BTreeMap;
use std::time::{Duration, Instant};

use crate::cli::{format::uses_raw_output, split::split_args, tokenize::parse_repeat};
use crate::engine::{Profile, Reply};
use crate::session::{Session, SessionConfig};
use crate::transcript::{self, lines_match, Located, Step};
use conn::Conn;
use text::IdMap;

/// How a replay runs.
#[derive(Clone, Debug)]
pub struct Options {
    /// The longest clock jump waited out for real (ms); longer ones are not waited.
    pub wait_max_ms: u64,
    /// FLUSHALL and CONFIG RESETSTAT first (and at a later `@profile`): the server is a
    /// scratch one.
    pub flush: bool,
    /// How long a frame the playground wrote is waited for on Redis (ms).
    pub reply_timeout_ms: u64,
}

impl Default for Options {
    fn default() -> Options {
        Options {
            wait_max_ms: 2000,
            flush: true,
            reply_timeout_ms: 2000,
        }
    }
}

/// One pane's output of one step that differs between the playground and Redis.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Difference {
    /// The scenario line of the step.
    pub line: usize,
    pub pane: String,
    /// The step as the scenario wrote it (`A> XRANGE s - +`, `@clock +60000`).
    pub command: String,
    /// What the playground printed in that pane (redis-cli form).
    pub playground: Vec<String>,
    /// What Redis sent that pane, in the same form, generated ids written as the playground's.
    pub redis: Vec<String>,
    /// Why it may differ (a clock jump that was not waited), if known.
    pub note: Option<String>,
}

/// What a replay found.
#[derive(Clone, Debug, Default)]
pub struct Report {
    /// Steps compared: commands sent to Redis and other steps that wrote frames.
    pub steps: usize,
    /// Steps whose every frame printed the same.
    pub equal: usize,
    /// Steps equal only by shape (numbers that depend on time differ).
    pub by_shape: usize,
    pub differences: Vec<Difference>,
    /// The server's `redis_version`.
    pub server_version: String,
    /// Clock jumps not waited: (scenario line, ms).
    pub skipped_jumps: Vec<(usize, u64)>,
    /// Lines of the steps whose replies depend on time (compared by shape where they differ).
    pub time_dependent: Vec<usize>,
    /// Steps where the playground itself printed other than the scenario expects (the
    /// session's own check; not a difference with Redis).
    pub scenario_mismatches: Vec<usize>,
    /// What the reader should know (the FLUSHALL, another major version, jumps not waited).
    pub notes: Vec<String>,
}

impl Report {
    /// The report as readable text (`name` heads it).
    pub fn render(&self, name: &str) -> String {
        let mut out = format!(
            "{name}: {} step(s): {} equal, {} equal by shape, {} difference(s)\n",
            self.steps,
            self.equal,
            self.by_shape,
            self.differences.len()
        );
        out.push_str(&format!(
            "  server: redis_version {}\n",
            self.server_version
        ));
        for n in &self.notes {
            out.push_str(&format!("  note: {n}\n"));
        }
        for d in &self.differences {
            out.push_str(&format!(
                "  difference at line {}, pane {}: {}\n",
                d.line, d.pane, d.command
            ));
            if let Some(n) = &d.note {
                out.push_str(&format!("    ({n})\n"));
            }
            let side = |out: &mut String, who: &str, lines: &[String]| {
                if lines.is_empty() {
                    out.push_str(&format!("    {who} | (nothing)\n"));
                }
                for l in lines {
                    out.push_str(&format!("    {who} | {l}\n"));
                }
            };
            side(&mut out, "playground", &d.playground);
            side(&mut out, "redis     ", &d.redis);
        }
        out
    }
}

/// The typing pane of a command step: its name, its command and the lines the scenario expects.
type Typing<'b> = (&'b str, &'b [Vec<u8>], &'b [String]);

/// What the playground did at one step: every frame (pane, frame, own reply), whether the
/// typing pane blocked, and the panes whose connection the step closed.
struct Seen {
    frames: Vec<(String, Reply, bool)>,
    blocked: bool,
    disconnected: Vec<String>,
}

/// Replays scenario `text` against the Redis at `addr` (`host:port`). `Err` when the text
/// does not parse or the server cannot be reached.
pub fn replay(text: &str, addr: &str, opts: &Options) -> Result<Report, String> {
    let steps = transcript::parse(text).map_err(|e| format!("line {}: {}", e.line, e.message))?;
    let mut seen: Vec<Option<Seen>> = steps.iter().map(|_| None).collect();
    let mut session = Session::new(SessionConfig::default(), Profile::default(), 0);
    let own = session.run_steps_observed(&steps, &mut |step, out| {
        let Some(i) = steps.iter().position(|s| std::ptr::eq(&s.step, step)) else {
            return;
        };
        seen[i] = Some(Seen {
            frames: out
                .raw
                .iter()
                .map(|f| {
                    let pane = f.pane.as_deref().unwrap_or("").to_string();
                    (pane, f.reply().into_owned(), f.own_reply)
                })
                .collect(),
            blocked: out.blocked,
            disconnected: out.disconnected.clone(),
        });
    });
    let mut real = Real::start(addr, opts)?;
    // Commands written without expectations are not checked by the session's runner.
    real.report.scenario_mismatches = own
        .mismatches
        .iter()
        .filter(|m| !m.expected.is_empty())
        .map(|m| m.line)
        .collect();
    if !real.report.scenario_mismatches.is_empty() {
        real.report.notes.push(format!(
            "the playground itself differs from the scenario's expected replies at line(s) {:?}",
            real.report.scenario_mismatches
        ));
    }
    let first_profile = steps
        .iter()
        .take_while(|s| !matches!(s.step, Step::Command { .. } | Step::PaneAdd(_)))
        .find_map(|s| match &s.step {
            Step::Profile(p) => Profile::parse(p),
            _ => None,
        })
        .unwrap_or_default();
    real.check_version(first_profile);
    for (located, seen) in steps.iter().zip(&seen) {
        if let Some(seen) = seen {
            real.step(located, seen);
        }
    }
    real.finish();
    Ok(real.into_report())
}

/// A pane on the real server.
#[derive(Default)]
struct Pane {
    conn: Option<Conn>,
    /// Its last command (as typed), for the frames served to it later.
    argv: Vec<Vec<u8>>,
    /// Blocked in the playground and not served yet.
    blocked: bool,
    /// Inside MULTI: the commands queued so far.
    queued: Option<Vec<Vec<Vec<u8>>>>,
}

/// The real server's side of a replay.
struct Real<'a> {
    addr: &'a str,
    opts: &'a Options,
    panes: BTreeMap<String, Pane>,
    ids: IdMap,
    /// Clock time not waited (ms), summed over the jumps.
    skipped: u64,
    /// The playground's clock as the scenario set it, and whether anything has happened.
    now: u64,
    started: bool,
    /// Every CONFIG parameter's value when the replay started (`CONFIG GET *`), restored at
    /// the end and at a later `@profile` (a fresh server in the playground).
    config: Vec<(Vec<u8>, Vec<u8>)>,
    /// Redis's clock (ms) when the replay started, and when that was here.
    clock: (u64, Instant),
    /// The steps whose replies depend on time (line, text), for the report's note.
    timed: Vec<(usize, String)>,
    /// The last step that talked to Redis (line, text), for frames that arrive after it.
    last: (usize, String),
    report: Report,
}

impl<'a> Real<'a> {
    fn start(addr: &'a str, opts: &'a Options) -> Result<Real<'a>, String> {
        let mut side = Conn::open(addr)?;
        let timeout = Duration::from_millis(opts.reply_timeout_ms);
        let info = match side.call(&["INFO", "server"], timeout) {
            Some(Reply::Bulk(b)) | Some(Reply::Verbatim(_, b)) => {
                String::from_utf8_lossy(&b).into_owned()
            }
            other => return Err(format!("{addr} did not answer INFO server: {other:?}")),
        };
        let version = info
            .lines()
            .find_map(|l| l.strip_prefix("redis_version:"))
            .unwrap_or("unknown")
            .trim()
            .to_string();
        let mut report = Report {
            server_version: version,
            ..Report::default()
        };
        if opts.flush {
            side.call(&["FLUSHALL"], timeout);
            side.call(&["CONFIG", "RESETSTAT"], timeout);
            report.notes.push(
                "started with FLUSHALL and CONFIG RESETSTAT: the server is taken to be a scratch one (--no-flush skips them)"
                    .into(),
            );
        }
        let config = config_values(&mut side, timeout);
        // Redis's clock now, to move the absolute times a scenario gives by the difference.
        let clock = match side.call(&["TIME"], timeout) {
            Some(Reply::Array(t)) => match (t.first(), t.get(1)) {
                (Some(Reply::Bulk(s)), Some(Reply::Bulk(us))) => {
                    let n = |b: &Vec<u8>| String::from_utf8_lossy(b).parse::<u64>().unwrap_or(0);
                    n(s) * 1000 + n(us) / 1000
                }
                _ => 0,
            },
            _ => 0,
        };
        side.close(timeout);
        Ok(Real {
            addr,
            opts,
            clock: (clock, Instant::now()),
            config,
            panes: BTreeMap::new(),
            ids: IdMap::default(),
            skipped: 0,
            now: 0,
            started: false,
            last: (0, String::new()),
            timed: Vec::new(),
            report,
        })
    }

    fn check_version(&mut self, profile: Profile) {
        let major = self.report.server_version.split('.').next().unwrap_or("");
        let want = profile.redis_version().split('.').next().unwrap_or("");
        if major != want {
            self.report.notes.push(format!(
                "the scenario expects Redis {} (@profile {}) but the server is {}: compared anyway",
                profile.redis_version(),
                profile.name(),
                self.report.server_version
            ));
        }
    }

    fn timeout(&self) -> Duration {
        Duration::from_millis(self.opts.reply_timeout_ms)
    }

    /// Opens `name`'s connection (again): a failure leaves the pane without one, and the
    /// frames the playground wrote to it are then reported as missing.
    fn open(&mut self, name: &str) {
        let conn = Conn::open(self.addr);
        if let Err(e) = &conn {
            self.report.notes.push(e.clone());
        }
        let timeout = self.timeout();
        let pane = self.panes.entry(name.to_string()).or_default();
        if let Some(old) = pane.conn.take() {
            old.close(timeout);
        }
        pane.conn = conn.ok();
        pane.blocked = false;
    }

    /// A short-lived side connection and the ` addr=... ` text that finds `name`'s client in
    /// CLIENT LIST.
    fn side_for(&self, name: &str) -> Option<(Conn, String)> {
        let local = self
            .panes
            .get(name)
            .and_then(|p| p.conn.as_ref())
            .and_then(|c| c.local_addr())?;
        let side = Conn::open(self.addr).ok()?;
        Some((side, format!(" addr={local} ")))
    }

    /// `CLIENT UNBLOCK <id> TIMEOUT` for `name` from a short-lived side connection, the pane's
    /// real id found by its address in CLIENT LIST (nothing is sent on the pane's own one).
    fn unblock(&mut self, name: &str) {
        let Some((mut side, needle)) = self.side_for(name) else {
            return;
        };
        let Some(id) = client_field(&mut side, &needle, "id", self.timeout()) else {
            return;
        };
        if let Some(id) = id {
            side.call(&["CLIENT", "UNBLOCK", &id, "TIMEOUT"], self.timeout());
        }
        side.close(self.timeout());
    }

    /// Waits until Redis has `name` blocked (CLIENT LIST's `flags` has `b`), so that the next
    /// step, sent on another connection, cannot overtake the blocking command.
    fn wait_blocked(&mut self, name: &str) {
        let Some((mut side, needle)) = self.side_for(name) else {
            return;
        };
        let deadline = Instant::now() + self.timeout();
        while Instant::now() < deadline {
            let Some(flags) = client_field(&mut side, &needle, "flags", self.timeout()) else {
                break;
            };
            if flags.is_none_or(|f| f.contains('b')) {
                break;
            }
            std::thread::sleep(Duration::from_millis(2));
        }
        side.close(self.timeout());
    }

    /// Frames that reached any pane between steps: Redis sent them, the playground did not.
    fn stray_frames(&mut self) {
        let mut strays = Vec::new();
        for (name, pane) in &mut self.panes {
            if let Some(conn) = &mut pane.conn {
                let lines: Vec<String> = conn
                    .ready()
                    .iter()
                    .flat_map(|f| text::frame_lines(f, false))
                    .map(|l| self.ids.to_play(&l, &pane.argv))
                    .collect();
                if !lines.is_empty() {
                    strays.push((name.clone(), lines));
                }
            }
        }
        for (pane, redis) in strays {
            self.report.differences.push(Difference {
                line: self.last.0,
                pane,
                command: self.last.1.clone(),
                playground: vec![],
                redis,
                note: Some("Redis sent this after the step; the playground sent nothing".into()),
            });
        }
    }

    fn step(&mut self, located: &Located, seen: &Seen) {
        let line = located.line;
        match &located.step {
            Step::Comment(_) | Step::Pause | Step::Frame { .. } => {}
            Step::Profile(name) => {
                if self.started {
                    // The playground switched to a fresh server: Redis is flushed (if allowed)
                    // and every pane reconnects.
                    if let Some(p) = Profile::parse(name) {
                        self.check_version(p);
                    }
                    if self.opts.flush {
                        self.restore_config();
                        if let Ok(mut side) = Conn::open(self.addr) {
                            side.call(&["FLUSHALL"], self.timeout());
                            side.call(&["CONFIG", "RESETSTAT"], self.timeout());
                            side.close(self.timeout());
                        }
                    }
                    let names: Vec<String> = self.panes.keys().cloned().collect();
                    for n in names {
                        self.open(&n);
                    }
                    self.ids = IdMap::default();
                    self.report.notes.push(format!(
                        "line {line}: @profile {name} switches the playground to a fresh server; Redis stays the same server{}",
                        if self.opts.flush { " (its CONFIG set back, flushed, every pane reconnected)" } else { " (every pane reconnected)" }
                    ));
                }
                self.other(line, &format!("@profile {name}"), seen, None);
            }
            Step::Clock { relative, ms } => {
                let jump = if *relative {
                    *ms
                } else if !self.started {
                    self.now = *ms;
                    0
                } else if *ms >= self.now {
                    ms - self.now
                } else {
                    self.report.notes.push(format!(
                        "line {line}: @clock {ms} sets the playground's clock back; Redis's cannot be"
                    ));
                    0
                };
                self.now = if *relative { self.now + ms } else { *ms };
                let what = format!("@clock {}{ms}", if *relative { "+" } else { "" });
                self.clock(line, &what, jump, seen);
            }
            Step::PaneAdd(name) => {
                self.started = true;
                self.open(name);
                self.other(line, &format!("@pane add {name}"), seen, None);
            }
            Step::PaneRemove(name) => {
                if let Some(conn) = self.panes.remove(name).and_then(|p| p.conn) {
                    conn.close(self.timeout());
                }
                self.other(line, &format!("@pane remove {name}"), seen, None);
            }
            Step::PaneRename { from, to } => {
                if let Some(p) = self.panes.remove(from) {
                    self.panes.insert(to.clone(), p);
                }
                self.other(line, &format!("@pane rename {from} {to}"), seen, None);
            }
            Step::Unblock(name) => {
                self.stray_frames();
                self.unblock(name);
                self.other(line, &format!("@unblock {name}"), seen, None);
            }
            Step::Reconnect(name) => {
                self.open(name);
                self.other(line, &format!("@reconnect {name}"), seen, None);
            }
            Step::Command {
                client,
                line: typed,
                expected,
            } => self.command(line, client, typed, expected, seen),
            // A kind of step added to the format later has no counterpart on Redis until
            // this replay learns it: its frames are still compared.
            #[allow(unreachable_patterns)]
            _ => self.other(line, "(a step the replay does not send)", seen, None),
        }
        let timeout = self.timeout();
        for name in &seen.disconnected {
            if let Some(p) = self.panes.get_mut(name) {
                if let Some(conn) = p.conn.take() {
                    conn.close(timeout);
                }
                p.blocked = false;
            }
        }
    }

    fn clock(&mut self, line: usize, what: &str, jump: u64, seen: &Seen) {
        if jump == 0 {
            self.other(line, what, seen, None);
            return;
        }
        self.stray_frames();
        if jump <= self.opts.wait_max_ms {
            std::thread::sleep(Duration::from_millis(jump));
            self.other(line, what, seen, None);
            return;
        }
        self.skipped += jump;
        self.report.skipped_jumps.push((line, jump));
        self.shift_ttls(jump);
        self.age_pending(jump);
        // Blocks that timed out during the jump in the playground time out on Redis now.
        let served: Vec<String> = seen.frames.iter().map(|f| f.0.clone()).collect();
        for name in served {
            if self.panes.get(&name).is_some_and(|p| p.blocked) {
                self.unblock(&name);
            }
        }
        let note = format!(
            "the clock jump of {jump} ms was not waited (over {} ms): Redis's clock did not move",
            self.opts.wait_max_ms
        );
        self.other(line, what, seen, Some(note));
    }

    /// Every key with a time to live on Redis loses `jump` ms of it, as if the clock had
    /// moved: `PEXPIRE key <pttl - jump>` from a side connection, or `PEXPIRE key 1` for a key
    /// whose time ran out, which is then read once so that it expires now (with its `expired`
    /// notification) rather than at Redis's next expiry cycle.
    fn shift_ttls(&mut self, jump: u64) {
        let Ok(mut side) = Conn::open(self.addr) else {
            return;
        };
        let t = self.timeout();
        let bulk = |r: Option<Reply>| match r {
            Some(Reply::Bulk(b)) | Some(Reply::Verbatim(_, b)) => {
                String::from_utf8_lossy(&b).into_owned()
            }
            _ => String::new(),
        };
        let keyspace = bulk(side.call(&["INFO", "keyspace"], t));
        let mut shifted = 0;
        for db in keyspace.lines().filter_map(|l| {
            let (db, stats) = l.strip_prefix("db")?.split_once(':')?;
            let expires = stats.split(',').find_map(|s| s.strip_prefix("expires="))?;
            (expires.trim() != "0").then(|| db.to_string())
        }) {
            side.call(&["SELECT", &db], t);
            let mut cursor = "0".to_string();
            let mut gone = Vec::new();
            while let Some(Reply::Array(page)) = side.call(&["SCAN", &cursor, "COUNT", "1000"], t) {
                let (Some(Reply::Bulk(next)), Some(Reply::Array(keys))) =
                    (page.first(), page.get(1))
                else {
                    break;
                };
                for key in keys {
                    let Reply::Bulk(key) = key else { continue };
                    let pttl = vec![b"PTTL".to_vec(), key.clone()];
                    side.send(&pttl);
                    let Some(Reply::Integer(ms)) = side.frame(Instant::now() + t) else {
                        continue;
                    };
                    if ms <= 0 {
                        continue;
                    }
                    let left = ms - i64::try_from(jump).unwrap_or(i64::MAX);
                    let set = if left > 0 { left } else { 1 };
                    side.send(&[
                        b"PEXPIRE".to_vec(),
                        key.clone(),
                        set.to_string().into_bytes(),
                    ]);
                    side.frame(Instant::now() + t);
                    shifted += 1;
                    if left <= 0 {
                        gone.push(key.clone());
                    }
                }
                cursor = String::from_utf8_lossy(next).into_owned();
                if cursor == "0" {
                    break;
                }
            }
            if !gone.is_empty() {
                std::thread::sleep(Duration::from_millis(2));
                for key in gone {
                    side.send(&[b"EXISTS".to_vec(), key]);
                    side.frame(Instant::now() + t);
                }
            }
        }
        side.close(t);
        if shifted > 0 {
            self.report.notes.push(format!(
                "{shifted} key(s) with a time to live had it shortened by {jump} ms (PEXPIRE) for the clock jump not waited"
            ));
        }
    }

    /// Every pending entry of every consumer group on Redis becomes `jump` ms older, as if
    /// the clock had moved: `XCLAIM key group <its consumer> 0 <id> IDLE <idle + jump> JUSTID`
    /// from a side connection (the same owner, the delivery count kept), so that later
    /// minimum idle times (XCLAIM, XAUTOCLAIM, XPENDING IDLE) take what the playground takes.
    /// An entry deleted from its stream is left alone (XCLAIM would drop it from the PEL).
    fn age_pending(&mut self, jump: u64) {
        let Ok(mut side) = Conn::open(self.addr) else {
            return;
        };
        let t = self.timeout();
        let call = |side: &mut Conn, argv: Vec<Vec<u8>>| {
            side.send(&argv);
            side.frame(Instant::now() + t)
        };
        let words = |ws: &[&[u8]]| -> Vec<Vec<u8>> { ws.iter().map(|w| w.to_vec()).collect() };
        let keyspace = match side.call(&["INFO", "keyspace"], t) {
            Some(Reply::Bulk(b)) | Some(Reply::Verbatim(_, b)) => {
                String::from_utf8_lossy(&b).into_owned()
            }
            _ => String::new(),
        };
        let mut aged = 0;
        for db in keyspace
            .lines()
            .filter_map(|l| Some(l.strip_prefix("db")?.split_once(':')?.0.to_string()))
        {
            side.call(&["SELECT", &db], t);
            let mut streams = Vec::new();
            let mut cursor = b"0".to_vec();
            loop {
                let page = call(
                    &mut side,
                    words(&[b"SCAN", &cursor, b"COUNT", b"1000", b"TYPE", b"stream"]),
                );
                let Some(Reply::Array(page)) = page else {
                    break;
                };
                let (Some(Reply::Bulk(next)), Some(Reply::Array(keys))) =
                    (page.first(), page.get(1))
                else {
                    break;
                };
                streams.extend(keys.iter().filter_map(|k| match k {
                    Reply::Bulk(k) => Some(k.clone()),
                    _ => None,
                }));
                cursor = next.clone();
                if cursor == b"0" {
                    break;
                }
            }
            for key in streams {
                let Some(Reply::Array(groups)) =
                    call(&mut side, words(&[b"XINFO", b"GROUPS", &key]))
                else {
                    continue;
                };
                for group in groups {
                    let Some(name) = field(&group, "name") else {
                        continue;
                    };
                    let Some(Reply::Array(pending)) = call(
                        &mut side,
                        words(&[b"XPENDING", &key, &name, b"-", b"+", b"1000000"]),
                    ) else {
                        continue;
                    };
                    for p in pending {
                        let Reply::Array(p) = p else { continue };
                        let (
                            Some(Reply::Bulk(id)),
                            Some(Reply::Bulk(owner)),
                            Some(Reply::Integer(idle)),
                        ) = (p.first(), p.get(1), p.get(2))
                        else {
                            continue;
                        };
                        let exists = call(&mut side, words(&[b"XRANGE", &key, id, id]));
                        if !matches!(exists, Some(Reply::Array(ref e)) if !e.is_empty()) {
                            continue;
                        }
                        let older = (*idle as u64).saturating_add(jump).to_string();
                        call(
                            &mut side,
                            words(&[
                                b"XCLAIM",
                                &key,
                                &name,
                                owner,
                                b"0",
                                id,
                                b"IDLE",
                                older.as_bytes(),
                                b"JUSTID",
                            ]),
                        );
                        aged += 1;
                    }
                }
            }
        }
        side.close(t);
        if aged > 0 {
            self.report.notes.push(format!(
                "{aged} pending entr(y/ies) were made {jump} ms older (XCLAIM to the same consumer with IDLE and JUSTID) for the clock jump not waited"
            ));
        }
    }

    /// A step other than a command: the frames it wrote in the playground (served blocks,
    /// expiry notifications) against what Redis sent.
    fn other(&mut self, line: usize, what: &str, seen: &Seen, note: Option<String>) {
        let real = self.read(seen, None);
        if seen.frames.is_empty() && real.values().all(|f| f.is_empty()) {
            return;
        }
        self.compare(line, what, seen, real, None, note);
    }

    fn command(
        &mut self,
        line: usize,
        client: &str,
        typed: &str,
        expected: &[String],
        seen: &Seen,
    ) {
        self.started = true;
        let what = format!("{client}> {typed}");
        let Some((repeat, argv)) = server_command(typed) else {
            // The console answered it itself (HELP, clear, :set) or closed the pane (quit).
            return;
        };
        self.stray_frames();
        if self.panes.get(client).is_none_or(|p| p.conn.is_none()) {
            self.open(client);
        }
        let sent = self.real_argv(&argv);
        if let Some(conn) = self.panes.get_mut(client).and_then(|p| p.conn.as_mut()) {
            for _ in 0..repeat.min(64) {
                conn.send(&sent);
            }
        }
        if let Some(p) = self.panes.get_mut(client) {
            p.argv = argv.clone();
        }
        let real = self.read(seen, Some(client));
        if seen.blocked {
            self.wait_blocked(client);
        }
        let play_own: Vec<&Reply> = seen
            .frames
            .iter()
            .filter(|f| f.0 == client && f.2)
            .map(|f| &f.1)
            .collect();
        let real_own: Vec<&Reply> = real
            .get(client)
            .into_iter()
            .flatten()
            .filter(|f| !matches!(f, Reply::Push(_)))
            .collect();
        if generates(&argv) {
            for (p, r) in play_own.iter().zip(&real_own) {
                self.pair_ids(&argv, p, r);
            }
        }
        self.track_multi(client, &argv, &play_own, &real_own);
        self.compare(
            line,
            &what,
            seen,
            real,
            Some((client, &argv, expected)),
            None,
        );
        self.last = (line, what);
    }

    /// Pairs the id an XADD generated on Redis with the playground's.
    fn pair_ids(&mut self, argv: &[Vec<u8>], play: &Reply, real: &Reply) {
        if let (Reply::Bulk(p), Reply::Bulk(r)) = (play, real) {
            self.ids.add(
                &argv[1],
                &String::from_utf8_lossy(r),
                &String::from_utf8_lossy(p),
            );
        }
    }

    /// Follows a pane's transaction: the commands queued after MULTI, so that the ids the
    /// XADDs among them generated are paired from EXEC's replies.
    fn track_multi(&mut self, client: &str, argv: &[Vec<u8>], play: &[&Reply], real: &[&Reply]) {
        let Some(pane) = self.panes.get_mut(client) else {
            return;
        };
        let name = String::from_utf8_lossy(&argv[0]).to_ascii_uppercase();
        let status =
            |r: Option<&&Reply>, s: &str| matches!(r, Some(Reply::Simple(t)) if t == s.as_bytes());
        match name.as_str() {
            "MULTI" if status(play.first(), "OK") => pane.queued = Some(Vec::new()),
            "DISCARD" | "RESET" => pane.queued = None,
            "EXEC" => {
                let queued = pane.queued.take().unwrap_or_default();
                if let (Some(Reply::Array(p)), Some(Reply::Array(r))) = (play.first(), real.first())
                {
                    for ((q, p), r) in queued.iter().zip(p).zip(r) {
                        if generates(q) {
                            self.pair_ids(q, p, r);
                        }
                    }
                }
            }
            _ => {
                if let Some(q) = &mut pane.queued {
                    if status(play.first(), "QUEUED") {
                        q.push(argv.to_vec());
                    }
                }
            }
        }
    }

    /// The command as sent to Redis: generated ids named by the playground's value written as
    /// Redis's, and absolute Unix times (`EXAT`, `PEXPIREAT`, XCLAIM's `TIME`) moved by the
    /// difference between Redis's clock and the playground's, so they lie as far ahead.
    fn real_argv(&mut self, argv: &[Vec<u8>]) -> Vec<Vec<u8>> {
        let keys = text::keys_in(argv);
        let id_pos = text::xadd_id_pos(argv);
        let mut out = argv.to_vec();
        for (i, arg) in out.iter_mut().enumerate().skip(1) {
            if Some(i) != id_pos {
                if let Some(real) = self.ids.to_real(arg, &keys) {
                    *arg = real;
                }
            }
        }
        let redis_now = self.clock.0 as i128 + self.clock.1.elapsed().as_millis() as i128;
        let ahead = redis_now - self.now as i128;
        for (i, seconds) in text::absolute_times(argv) {
            // Zero, negative and far-off times are the scenario's edge cases (errors, keys
            // deleted at once, overflows) and mean the same on both sides.
            let limit = if seconds {
                4_102_444_800
            } else {
                4_102_444_800_000
            };
            let Some(t) = std::str::from_utf8(&argv[i])
                .ok()
                .and_then(|s| s.parse::<i64>().ok())
                .filter(|&t| t > 0 && t <= limit)
            else {
                continue;
            };
            // A time in seconds is sent in milliseconds (EXAT as PXAT, EXPIREAT as
            // PEXPIREAT), so that the move keeps the playground's millisecond.
            let ms = if seconds {
                i128::from(t) * 1000
            } else {
                i128::from(t)
            };
            out[i] = (ms + ahead).max(1).to_string().into_bytes();
            if seconds {
                if i == 2 && text::upper_is(&argv[0], "EXPIREAT") {
                    out[0] = b"PEXPIREAT".to_vec();
                } else {
                    out[i - 1] = b"PXAT".to_vec();
                }
            }
        }
        out
    }

    /// Reads, for each pane, as many frames as the playground wrote to it at this step (up
    /// to the reply timeout), then whatever else has already arrived.
    fn read(&mut self, seen: &Seen, typing: Option<&str>) -> BTreeMap<String, Vec<Reply>> {
        let mut want: BTreeMap<String, usize> = BTreeMap::new();
        for (pane, _, _) in &seen.frames {
            *want.entry(pane.clone()).or_default() += 1;
        }
        if let Some(t) = typing {
            want.entry(t.to_string()).or_default();
        }
        let deadline = Instant::now() + self.timeout();
        let mut got: BTreeMap<String, Vec<Reply>> = BTreeMap::new();
        for (pane, n) in want {
            let frames = got.entry(pane.clone()).or_default();
            if let Some(conn) = self.panes.get_mut(&pane).and_then(|p| p.conn.as_mut()) {
                while frames.len() < n {
                    match conn.frame(deadline) {
                        Some(f) => frames.push(f),
                        None => break,
                    }
                }
            }
        }
        for (name, pane) in &mut self.panes {
            if let Some(conn) = &mut pane.conn {
                let more = conn.ready();
                if !more.is_empty() {
                    got.entry(name.clone()).or_default().extend(more);
                }
            }
        }
        got
    }

    /// Compares one step pane by pane and counts it.
    fn compare(
        &mut self,
        line: usize,
        what: &str,
        seen: &Seen,
        real: BTreeMap<String, Vec<Reply>>,
        typing: Option<Typing<'_>>,
        note: Option<String>,
    ) {
        let mut panes: Vec<String> = Vec::new();
        for name in seen.frames.iter().map(|f| &f.0).chain(real.keys()) {
            if !panes.contains(name) {
                panes.push(name.clone());
            }
        }
        let raw = typing.is_some_and(|(_, argv, _)| uses_raw_output(argv));
        let mut shaped = false;
        let mut differs = false;
        let mut timed = false;
        for name in panes {
            let own = typing.is_some_and(|(t, _, _)| t == name);
            let argv: Vec<Vec<u8>> = match typing {
                Some((_, argv, _)) if own => argv.to_vec(),
                _ => self
                    .panes
                    .get(&name)
                    .map(|p| p.argv.clone())
                    .unwrap_or_default(),
            };
            let mut keys = text::keys_in(&argv);
            if let Some((_, typed, _)) = typing {
                keys.extend(text::keys_in(typed));
            }
            let play: Vec<String> = seen
                .frames
                .iter()
                .filter(|f| f.0 == name)
                .flat_map(|(_, f, own_reply)| text::frame_lines(f, raw && *own_reply))
                .collect();
            let redis: Vec<String> = real
                .get(&name)
                .into_iter()
                .flatten()
                .flat_map(|f| text::frame_lines(f, raw && own && !matches!(f, Reply::Push(_))))
                .map(|l| self.ids.to_play(&l, &keys))
                .collect();
            // A pane that received something is no longer waiting on a block.
            if !play.is_empty() {
                if let Some(p) = self.panes.get_mut(&name) {
                    p.blocked = false;
                }
            }
            let time = text::depends_on_time(&argv);
            timed |= time;
            if play == redis {
                continue;
            }
            let expected = typing.filter(|_| own).map(|(_, _, e)| e).unwrap_or(&[]);
            if expected.iter().any(|l| l.contains("<any>")) && lines_match(expected, &redis) {
                continue;
            }
            if (time || text::depends_on_server(&argv))
                && play.len() == redis.len()
                && play
                    .iter()
                    .zip(&redis)
                    .all(|(a, b)| text::shape(a) == text::shape(b))
            {
                shaped = true;
                continue;
            }
            differs = true;
            let note = note.clone().or_else(|| {
                (time && self.skipped > 0).then(|| {
                    format!(
                        "depends on time, and {} ms of clock jumps were not waited",
                        self.skipped
                    )
                })
            });
            self.report.differences.push(Difference {
                line,
                pane: name,
                command: what.to_string(),
                playground: play,
                redis,
                note,
            });
        }
        if let Some((client, _, _)) = typing {
            if seen.blocked {
                if let Some(p) = self.panes.get_mut(client) {
                    p.blocked = true;
                }
            }
        }
        if timed {
            self.report.time_dependent.push(line);
            self.timed.push((line, what.to_string()));
        }
        self.report.steps += 1;
        if differs {
        } else if shaped {
            self.report.by_shape += 1;
        } else {
            self.report.equal += 1;
        }
    }

    /// Sets back every CONFIG parameter the scenario changed (from a side connection).
    fn restore_config(&mut self) {
        let Ok(mut side) = Conn::open(self.addr) else {
            return;
        };
        let t = self.timeout();
        let now = config_values(&mut side, t);
        let mut restored = Vec::new();
        for (name, value) in &self.config {
            if now.iter().any(|(n, v)| n == name && v != value) {
                side.send(&[
                    b"CONFIG".to_vec(),
                    b"SET".to_vec(),
                    name.clone(),
                    value.clone(),
                ]);
                side.frame(Instant::now() + t);
                restored.push(String::from_utf8_lossy(name).into_owned());
            }
        }
        side.close(t);
        if !restored.is_empty() {
            self.report.notes.push(format!(
                "CONFIG parameters the scenario changed were set back: {}",
                restored.join(", ")
            ));
        }
    }

    /// Frames still arriving after the last step, then the connections close.
    fn finish(&mut self) {
        self.stray_frames();
        if !self.report.skipped_jumps.is_empty() {
            let jumps: Vec<String> = self
                .report
                .skipped_jumps
                .iter()
                .map(|(l, ms)| format!("line {l} (+{ms} ms)"))
                .collect();
            let first = self.report.skipped_jumps[0].0;
            let later: Vec<String> = self
                .timed
                .iter()
                .filter(|(l, _)| *l > first)
                .map(|(l, what)| format!("line {l} ({what})"))
                .collect();
            self.report.notes.push(format!(
                "clock jumps not waited (over {} ms; --wait-max changes it): {}; replies after them that depend on time (compared by shape where only numbers differ): {}",
                self.opts.wait_max_ms,
                jumps.join(", "),
                if later.is_empty() { "none".to_string() } else { later.join(", ") }
            ));
        }
        let t = self.timeout();
        for (_, pane) in std::mem::take(&mut self.panes) {
            if let Some(conn) = pane.conn {
                conn.close(t);
            }
        }
        self.restore_config();
    }

    fn into_report(self) -> Report {
        self.report
    }
}

/// The value of field `name` in a RESP2 field/value array or a RESP3 map (XINFO's replies).
fn field(reply: &Reply, name: &str) -> Option<Vec<u8>> {
    let pairs: Vec<(&Reply, &Reply)> = match reply {
        Reply::Array(items) => items
            .chunks(2)
            .filter_map(|c| Some((c.first()?, c.get(1)?)))
            .collect(),
        Reply::Map(pairs) => pairs.iter().map(|(k, v)| (k, v)).collect(),
        _ => return None,
    };
    pairs.into_iter().find_map(|(k, v)| match (k, v) {
        (Reply::Bulk(k) | Reply::Simple(k), Reply::Bulk(v)) if k == name.as_bytes() => {
            Some(v.clone())
        }
        _ => None,
    })
}

/// Every CONFIG parameter and its value (`CONFIG GET *`).
fn config_values(side: &mut Conn, timeout: Duration) -> Vec<(Vec<u8>, Vec<u8>)> {
    let items = match side.call(&["CONFIG", "GET", "*"], timeout) {
        Some(Reply::Array(items)) => items,
        Some(Reply::Map(pairs)) => pairs.into_iter().flat_map(|(k, v)| [k, v]).collect(),
        _ => return Vec::new(),
    };
    items
        .chunks(2)
        .filter_map(|c| match c {
            [Reply::Bulk(k), Reply::Bulk(v)] => Some((k.clone(), v.clone())),
            _ => None,
        })
        .collect()
}

/// Whether `argv` is an XADD whose id the server generates.
fn generates(argv: &[Vec<u8>]) -> bool {
    text::xadd_id_pos(argv).is_some_and(|p| text::generates_id(&argv[p]))
}

/// The command a typed line sends to the server, with its repeat count, or `None` when the
/// console handles the line itself (as `console::run_line_into` decides: an unsplittable line,
/// quit/exit, `:set`, restart, clear, HELP).
fn server_command(line: &str) -> Option<(u64, Vec<Vec<u8>>)> {
    let args = split_args(line.as_bytes())?;
    let first = args.first()?;
    let is = |w: &[u8], name: &str| w.eq_ignore_ascii_case(name.as_bytes());
    if is(first, "quit")
        || is(first, "exit")
        || is(first, "restart")
        || first.first() == Some(&b':')
        || (args.len() == 1 && is(first, "clear"))
    {
        return None;
    }
    let (repeat, command) = parse_repeat(&args).ok()?;
    if command.is_empty() || is(&command[0], "help") || is(&command[0], "?") {
        return None;
    }
    Some((repeat, command.to_vec()))
}

/// The `field` of the client whose CLIENT LIST line holds `needle`: `None` when CLIENT LIST
/// fails, `Some(None)` when no line or no such field matches.
fn client_field(
    side: &mut Conn,
    needle: &str,
    field: &str,
    timeout: Duration,
) -> Option<Option<String>> {
    let list = match side.call(&["CLIENT", "LIST"], timeout) {
        Some(Reply::Bulk(b)) | Some(Reply::Verbatim(_, b)) => {
            String::from_utf8_lossy(&b).into_owned()
        }
        _ => return None,
    };
    let prefix = format!("{field}=");
    Some(list.lines().find(|l| l.contains(needle)).and_then(|l| {
        l.split(' ')
            .find_map(|w| w.strip_prefix(prefix.as_str()))
            .map(str::to_string)
    }))
}
