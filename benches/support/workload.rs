//! The stream workloads of the benchmark, shared by the native benchmark
//! (`benches/streams.rs`) and the wasm one (`examples/wasm_bench.rs`), so both
//! builds run exactly the same code: argv built per command, `Engine::execute`,
//! the reply encoded to RESP2 bytes.

use streamplay::engine::{resp, ClientId, Config, Engine, Profile, Protocol, Reply};

/// The clock the driver gives the engine (fixed: `XADD *` then counts sequence numbers).
const NOW_MS: u64 = 1_700_000_000_000;

/// One engine and one client, with a reusable output buffer.
pub struct Driver {
    pub engine: Engine,
    pub client: ClientId,
    out: Vec<u8>,
    rng: u64,
    /// Bytes of RESP written so far (keeps the encoding from being optimised away).
    pub written: u64,
    /// Highest explicit id loaded by `load` (`<n>-0` for n in 1..=loaded).
    pub loaded: u64,
    /// The IDs pending in group `g` (`pel_load`, kept by `xack_redeliver`),
    /// as (ms, seq): stored inline, so that picking a random one costs the
    /// driver no extra cache miss at a PEL of a million.
    pub pending: Vec<(u64, u64)>,
}

fn argv(parts: &[&[u8]]) -> Vec<Vec<u8>> {
    parts.iter().map(|p| p.to_vec()).collect()
}

impl Driver {
    pub fn new(profile: Profile) -> Driver {
        let mut engine = Engine::new(Config {
            profile,
            ..Config::default()
        });
        let client = engine.connect(NOW_MS);
        Driver {
            engine,
            client,
            out: Vec::with_capacity(4096),
            rng: 0x9e37_79b9_7f4a_7c15,
            written: 0,
            loaded: 0,
            pending: Vec::new(),
        }
    }

    /// Runs one command and encodes its reply, as a server would before writing it.
    pub fn run(&mut self, argv: Vec<Vec<u8>>) {
        self.call(argv);
    }

    /// Runs one command, encodes its reply as `run` does, and returns the reply
    /// (for the loops whose next command depends on it, as a client's would).
    pub fn call(&mut self, argv: Vec<Vec<u8>>) -> Reply {
        let outcome = self.engine.execute(self.client, argv, NOW_MS);
        self.out.clear();
        if let Some(reply) = &outcome.reply {
            resp::encode_into(&mut self.out, reply, Protocol::Resp2);
        }
        self.written += self.out.len() as u64;
        outcome.reply.unwrap_or(Reply::Null)
    }

    /// Runs one command and returns its reply.
    pub fn reply(&mut self, parts: &[&[u8]]) -> Reply {
        let outcome = self.engine.execute(self.client, argv(parts), NOW_MS);
        outcome.reply.unwrap_or(Reply::Null)
    }

    /// A pseudo-random number in 1..=max (xorshift64).
    fn pick(&mut self, max: u64) -> u64 {
        self.rng ^= self.rng << 13;
        self.rng ^= self.rng >> 7;
        self.rng ^= self.rng << 17;
        1 + self.rng % max.max(1)
    }

    /// The XADD of entry `n` with an explicit id, as the memory test and the loads send it.
    pub fn xadd_explicit(&mut self, key: &[u8], n: u64) {
        let id = format!("{n}-0");
        let user = n.to_string();
        self.run(vec![
            b"XADD".to_vec(),
            key.to_vec(),
            id.into_bytes(),
            b"type".to_vec(),
            b"signup".to_vec(),
            b"user_id".to_vec(),
            user.into_bytes(),
        ]);
    }

    /// Fills stream `s` with entries `1-0` ..= `n-0`.
    pub fn load(&mut self, n: u64) {
        for i in self.loaded + 1..=n {
            self.xadd_explicit(b"s", i);
        }
        self.loaded = self.loaded.max(n);
    }

    /// `k` times `XADD s * type signup user_id <n>`.
    pub fn xadd(&mut self, k: u64) {
        for i in 0..k {
            let user = i.to_string();
            self.run(vec![
                b"XADD".to_vec(),
                b"s".to_vec(),
                b"*".to_vec(),
                b"type".to_vec(),
                b"signup".to_vec(),
                b"user_id".to_vec(),
                user.into_bytes(),
            ]);
        }
    }

    /// `k` times `XRANGE s <random loaded id> + COUNT 10`.
    pub fn xrange(&mut self, k: u64) {
        self.range(k, b"XRANGE", b"+");
    }

    /// `k` times `XREVRANGE s <random loaded id> - COUNT 10`.
    pub fn xrevrange(&mut self, k: u64) {
        self.range(k, b"XREVRANGE", b"-");
    }

    /// `k` times `<command> s <random loaded id> <end> COUNT 10`.
    fn range(&mut self, k: u64, command: &[u8], end: &[u8]) {
        for _ in 0..k {
            let id = self.pick(self.loaded).to_string();
            self.run(vec![
                command.to_vec(),
                b"s".to_vec(),
                id.into_bytes(),
                end.to_vec(),
                b"COUNT".to_vec(),
                b"10".to_vec(),
            ]);
        }
    }

    /// `k` times `XREAD COUNT 10 STREAMS s <random loaded id>`.
    pub fn xread(&mut self, k: u64) {
        for _ in 0..k {
            let id = self.pick(self.loaded).to_string();
            self.run(vec![
                b"XREAD".to_vec(),
                b"COUNT".to_vec(),
                b"10".to_vec(),
                b"STREAMS".to_vec(),
                b"s".to_vec(),
                id.into_bytes(),
            ]);
        }
    }

    /// `k` times: one XADD to the tail, then `XTRIM s MAXLEN = <len>` (removes
    /// the head entry), so the length stays where it is.
    pub fn xtrim(&mut self, k: u64, len: u64) {
        let len = len.to_string();
        for i in 0..k {
            let user = i.to_string();
            self.run(vec![
                b"XADD".to_vec(),
                b"s".to_vec(),
                b"*".to_vec(),
                b"type".to_vec(),
                b"signup".to_vec(),
                b"user_id".to_vec(),
                user.into_bytes(),
            ]);
            self.run(vec![
                b"XTRIM".to_vec(),
                b"s".to_vec(),
                b"MAXLEN".to_vec(),
                b"=".to_vec(),
                len.clone().into_bytes(),
            ]);
        }
    }

    /// `None` if the engine answers every command of `name`'s workload without
    /// an error, else the first error line (a command that has not been written
    /// yet). The group workloads are probed on a one-entry stream with a group,
    /// its entry read by a consumer.
    pub fn unavailable(&mut self, name: &str) -> Option<String> {
        let add: &[&[u8]] = &[b"XADD", b"probe", b"1-1", b"f", b"v"];
        let create: &[&[u8]] = &[b"XGROUP", b"CREATE", b"probe", b"g", b"0"];
        let read: &[&[u8]] = &[
            b"XREADGROUP",
            b"GROUP",
            b"g",
            b"c",
            b"COUNT",
            b"10",
            b"STREAMS",
            b"probe",
            b">",
        ];
        let group = |last: &'static [&'static [u8]]| vec![add, create, read, last];
        let commands: Vec<&[&[u8]]> = match name {
            "XADD" => vec![add],
            "XRANGE" => vec![&[b"XRANGE", b"probe", b"-", b"+", b"COUNT", b"10"]],
            "XREVRANGE" => vec![&[b"XREVRANGE", b"probe", b"+", b"-", b"COUNT", b"10"]],
            "XREAD" => vec![&[b"XREAD", b"COUNT", b"10", b"STREAMS", b"probe", b"0"]],
            "XTRIM" => vec![&[b"XTRIM", b"probe", b"MAXLEN", b"=", b"5"]],
            "WORKQUEUE" | "XACK" => group(&[b"XACK", b"probe", b"g", b"1-1"]),
            "XPENDING" => group(&[b"XPENDING", b"probe", b"g", b"1-1", b"1-1", b"1"]),
            "XAUTOCLAIM" => group(&[
                b"XAUTOCLAIM",
                b"probe",
                b"g",
                b"other",
                b"0",
                b"0-0",
                b"COUNT",
                b"100",
            ]),
            "XAUTOCLAIM_JUSTID" => group(&[
                b"XAUTOCLAIM",
                b"probe",
                b"g",
                b"other",
                b"0",
                b"0-0",
                b"COUNT",
                b"100",
                b"JUSTID",
            ]),
            _ => return Some(format!("ERR no workload {name}")),
        };
        let mut error = None;
        for command in commands {
            if let Reply::Error(e) = self.reply(command) {
                error = Some(String::from_utf8_lossy(&e).into_owned());
                break;
            }
        }
        self.reply(&[b"DEL", b"probe"]);
        error
    }

    // ------------------------------------------------------ consumer groups

    /// `XGROUP CREATE s g 0`, after `XGROUP DESTROY s g` (a fresh group that
    /// has delivered nothing; a stream loaded by `load`).
    pub fn group_reset(&mut self) -> Result<(), String> {
        self.reply(&[b"XGROUP", b"DESTROY", b"s", b"g"]);
        match self.reply(&[b"XGROUP", b"CREATE", b"s", b"g", b"0"]) {
            Reply::Error(e) => Err(String::from_utf8_lossy(&e).into_owned()),
            _ => Ok(()),
        }
    }

    /// The work-queue loop: consumers `c0`..`c9` take turns, each running
    /// `XREADGROUP GROUP g c<i> COUNT 10 STREAMS s >` and then
    /// `XACK s g <the ids it got>`, until a read finds nothing new (the group
    /// must be fresh, `group_reset`). Returns the commands run and the entries
    /// read; an error if an XACK did not acknowledge all its ids.
    pub fn work_queue(&mut self) -> Result<(u64, u64), String> {
        let mut commands = 0;
        let mut entries = 0;
        let mut ids = Vec::with_capacity(10);
        for turn in 0.. {
            let consumer = format!("c{}", turn % 10);
            let reply = self.call(vec![
                b"XREADGROUP".to_vec(),
                b"GROUP".to_vec(),
                b"g".to_vec(),
                consumer.into_bytes(),
                b"COUNT".to_vec(),
                b"10".to_vec(),
                b"STREAMS".to_vec(),
                b"s".to_vec(),
                b">".to_vec(),
            ]);
            commands += 1;
            ids.clear();
            entry_ids(&reply, &mut ids).map_err(|e| format!("XREADGROUP: {e}"))?;
            if ids.is_empty() {
                break;
            }
            let n = ids.len() as i64;
            entries += n as u64;
            let mut ack = Vec::with_capacity(3 + ids.len());
            ack.extend([b"XACK".to_vec(), b"s".to_vec(), b"g".to_vec()]);
            ack.append(&mut ids);
            let reply = self.call(ack);
            commands += 1;
            if reply != Reply::Integer(n) {
                return Err(format!("XACK of {n} ids answered {reply:?}"));
            }
        }
        Ok((commands, entries))
    }

    /// Loads `s` with `1-0` ..= `n-0` and makes `pel` of them pending (the
    /// first ones): a fresh group `g` and `XREADGROUP GROUP g c COUNT 1000
    /// STREAMS s >` until `pel` entries were delivered, none acknowledged.
    /// Keeps their IDs in `pending`.
    pub fn pel_load(&mut self, n: u64, pel: u64) -> Result<(), String> {
        self.load(n);
        self.group_reset()?;
        self.pending.clear();
        let mut ids = Vec::new();
        while (self.pending.len() as u64) < pel {
            let count = (pel - self.pending.len() as u64).min(1000).to_string();
            let reply = self.call(vec![
                b"XREADGROUP".to_vec(),
                b"GROUP".to_vec(),
                b"g".to_vec(),
                b"c".to_vec(),
                b"COUNT".to_vec(),
                count.into_bytes(),
                b"STREAMS".to_vec(),
                b"s".to_vec(),
                b">".to_vec(),
            ]);
            ids.clear();
            entry_ids(&reply, &mut ids).map_err(|e| format!("XREADGROUP: {e}"))?;
            if ids.is_empty() {
                return Err(format!(
                    "the stream ran out after {} deliveries",
                    self.pending.len()
                ));
            }
            for id in &ids {
                self.pending.push(parse_id(id)?);
            }
        }
        Ok(())
    }

    /// One walk over the whole PEL: `XAUTOCLAIM s g <claimer> 0 <cursor>
    /// COUNT 100 [JUSTID]`, from cursor `0-0` and then the cursor each reply
    /// returns, until it returns `0-0`. Returns the calls made and the
    /// entries claimed.
    pub fn autoclaim_walk(&mut self, claimer: &[u8], justid: bool) -> Result<(u64, u64), String> {
        let mut cursor = b"0-0".to_vec();
        let mut calls = 0;
        let mut claimed = 0;
        // A walk needs one call per 100 pending entries; a cursor that never
        // comes back to 0-0 is reported rather than followed forever.
        let limit = self.pending.len() as u64 + 2;
        loop {
            if calls == limit {
                return Err(format!("the cursor was not 0-0 after {calls} calls"));
            }
            let mut argv = vec![
                b"XAUTOCLAIM".to_vec(),
                b"s".to_vec(),
                b"g".to_vec(),
                claimer.to_vec(),
                b"0".to_vec(),
                cursor,
                b"COUNT".to_vec(),
                b"100".to_vec(),
            ];
            if justid {
                argv.push(b"JUSTID".to_vec());
            }
            let reply = self.call(argv);
            calls += 1;
            let (next, n) = autoclaim_reply(&reply)?;
            claimed += n as u64;
            if next == b"0-0" {
                return Ok((calls, claimed));
            }
            cursor = next;
        }
    }

    /// One run of a group workload, as both benchmarks time it: `WORKQUEUE`
    /// drains the stream (`work_queue`; call `group_reset` first, untimed);
    /// `XAUTOCLAIM` and `XAUTOCLAIM_JUSTID` walk the PEL of `pel_load` twice,
    /// claiming every entry for `other` and then back for `c` (so that every
    /// claim moves an entry between consumers). Returns the commands run and
    /// the entries read or claimed.
    pub fn group_run(&mut self, workload: &str) -> Result<(u64, u64), String> {
        match workload {
            "WORKQUEUE" => self.work_queue(),
            "XAUTOCLAIM" | "XAUTOCLAIM_JUSTID" => {
                let justid = workload == "XAUTOCLAIM_JUSTID";
                let (a, x) = self.autoclaim_walk(b"other", justid)?;
                let (b, y) = self.autoclaim_walk(b"c", justid)?;
                Ok((a + b, x + y))
            }
            _ => Err(format!("no group workload {workload}")),
        }
    }

    /// `k` times: `XACK s g <a random pending id>`, then
    /// `XREADGROUP GROUP g c COUNT 1 STREAMS s >`, which makes the next entry
    /// pending in its place, so the PEL keeps its size (`pel_load` must have
    /// left at least `k` entries undelivered).
    pub fn xack_redeliver(&mut self, k: u64) -> Result<(), String> {
        for _ in 0..k {
            let i = self.pick(self.pending.len() as u64) as usize - 1;
            let (ms, seq) = self.pending[i];
            let id = format!("{ms}-{seq}").into_bytes();
            let reply = self.call(vec![b"XACK".to_vec(), b"s".to_vec(), b"g".to_vec(), id]);
            if reply != Reply::Integer(1) {
                return Err(format!("XACK answered {reply:?}"));
            }
            let reply = self.call(vec![
                b"XREADGROUP".to_vec(),
                b"GROUP".to_vec(),
                b"g".to_vec(),
                b"c".to_vec(),
                b"COUNT".to_vec(),
                b"1".to_vec(),
                b"STREAMS".to_vec(),
                b"s".to_vec(),
                b">".to_vec(),
            ]);
            let mut ids = Vec::with_capacity(1);
            entry_ids(&reply, &mut ids).map_err(|e| format!("XREADGROUP: {e}"))?;
            match ids.pop() {
                Some(id) if ids.is_empty() => self.pending[i] = parse_id(&id)?,
                _ => return Err("the stream ran out of undelivered entries".into()),
            }
        }
        Ok(())
    }

    /// `k` times `XPENDING s g <id> <id> 1` for a random pending id (a lookup
    /// in the PEL that changes nothing).
    pub fn xpending_lookup(&mut self, k: u64) -> Result<(), String> {
        for _ in 0..k {
            let i = self.pick(self.pending.len() as u64) as usize - 1;
            let (ms, seq) = self.pending[i];
            let id = format!("{ms}-{seq}").into_bytes();
            let reply = self.call(vec![
                b"XPENDING".to_vec(),
                b"s".to_vec(),
                b"g".to_vec(),
                id.clone(),
                id,
                b"1".to_vec(),
            ]);
            match &reply {
                Reply::Array(rows) if rows.len() == 1 => {}
                _ => return Err(format!("XPENDING of a pending id answered {reply:?}")),
            }
        }
        Ok(())
    }
}

/// Appends the entry IDs of an XREAD/XREADGROUP reply (RESP2's array of
/// `[key, entries]` pairs, RESP3's map, or the null array of a read that found
/// nothing) to `out`. Shared by the engine loops and the Redis client of the
/// native benchmark, which parses Redis's RESP into the same `Reply`.
pub fn entry_ids(reply: &Reply, out: &mut Vec<Vec<u8>>) -> Result<(), String> {
    let mut streams = Vec::new();
    match reply {
        Reply::NullArray | Reply::Null => return Ok(()),
        Reply::Array(pairs) => {
            for pair in pairs {
                match pair {
                    Reply::Array(kv) if kv.len() == 2 => streams.push(&kv[1]),
                    _ => return Err(format!("unexpected stream in the reply: {pair:?}")),
                }
            }
        }
        Reply::Map(pairs) => streams.extend(pairs.iter().map(|(_, v)| v)),
        Reply::Error(e) => return Err(String::from_utf8_lossy(e).into_owned()),
        _ => return Err(format!("unexpected reply: {reply:?}")),
    }
    for entries in streams {
        let Reply::Array(entries) = entries else {
            return Err(format!("unexpected entries: {entries:?}"));
        };
        for entry in entries {
            match entry {
                Reply::Array(parts) if matches!(parts.first(), Some(Reply::Bulk(_))) => {
                    if let Some(Reply::Bulk(id)) = parts.first() {
                        out.push(id.clone());
                    }
                }
                _ => return Err(format!("unexpected entry: {entry:?}")),
            }
        }
    }
    Ok(())
}

/// A full entry ID `<ms>-<seq>` as (ms, seq).
fn parse_id(id: &[u8]) -> Result<(u64, u64), String> {
    std::str::from_utf8(id)
        .ok()
        .and_then(|t| t.split_once('-'))
        .and_then(|(ms, seq)| Some((ms.parse().ok()?, seq.parse().ok()?)))
        .ok_or_else(|| format!("not an entry ID: {}", String::from_utf8_lossy(id)))
}

/// The next cursor and the number of entries claimed, from an XAUTOCLAIM
/// reply (`[cursor, claimed entries or ids, deleted ids]`; Redis 7's third
/// element is optional here).
pub fn autoclaim_reply(reply: &Reply) -> Result<(Vec<u8>, usize), String> {
    match reply {
        Reply::Array(parts) if parts.len() >= 2 => match (&parts[0], &parts[1]) {
            (Reply::Bulk(cursor), Reply::Array(claimed)) => Ok((cursor.clone(), claimed.len())),
            _ => Err(format!("unexpected XAUTOCLAIM reply: {reply:?}")),
        },
        Reply::Error(e) => Err(String::from_utf8_lossy(e).into_owned()),
        _ => Err(format!("unexpected XAUTOCLAIM reply: {reply:?}")),
    }
}

// ------------------------------------------------------------------ pub/sub

/// The channel every pub/sub workload publishes to, and the message.
pub const CHANNEL: &[u8] = b"ch";
pub const MESSAGE: &[u8] = b"hello";

/// The pub/sub workloads: one engine whose subscribers are connected engine
/// clients (RESP2, as a client that never sent HELLO), and one more client
/// that runs `PUBLISH ch hello`.
pub struct PubSub {
    pub engine: Engine,
    publisher: ClientId,
    out: Vec<u8>,
    /// Bytes of RESP written so far (replies and delivered frames).
    pub written: u64,
    /// The frames each PUBLISH must deliver (its integer reply).
    pub fanout: u64,
}

impl PubSub {
    /// A fresh engine with the subscribers of `kind`:
    /// - `CHANNEL`: `n` clients, each `SUBSCRIBE ch`;
    /// - `PATTERNS_ONE`: 100 clients each `PSUBSCRIBE` a distinct pattern,
    ///   99 that do not match `ch` (`ch0*` .. `ch98*`, which fail only after
    ///   matching `ch`) and one that does (`c[h]`);
    /// - `PATTERNS_ALL`: 100 clients each `PSUBSCRIBE c[h<i>]` (`c[h0]` ..
    ///   `c[h99]`: distinct patterns that all match `ch`);
    /// - `NONMATCHING`: one client `SUBSCRIBE ch` and `n` clients each
    ///   `PSUBSCRIBE ch<i>*` (none matches).
    ///
    /// Checks the subscriptions with `PUBSUB NUMSUB` and `PUBSUB NUMPAT`.
    pub fn new(kind: &str, n: u64) -> Result<PubSub, String> {
        let mut engine = Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        });
        let (channels, patterns): (u64, Vec<Vec<u8>>) = match kind {
            "CHANNEL" => (n, Vec::new()),
            "PATTERNS_ONE" => (
                0,
                (0..99)
                    .map(|i| format!("ch{i}*").into_bytes())
                    .chain([b"c[h]".to_vec()])
                    .collect(),
            ),
            "PATTERNS_ALL" => (
                0,
                (0..100).map(|i| format!("c[h{i}]").into_bytes()).collect(),
            ),
            "NONMATCHING" => (1, (0..n).map(|i| format!("ch{i}*").into_bytes()).collect()),
            _ => return Err(format!("no pub/sub workload {kind}")),
        };
        let subscribe = |engine: &mut Engine, command: &[u8], target: Vec<u8>| {
            let client = engine.connect(NOW_MS);
            let out = engine.execute(client, vec![command.to_vec(), target], NOW_MS);
            match out.deliveries.first().map(|d| &d.frame) {
                Some(Reply::Push(_)) | Some(Reply::Array(_)) => Ok(()),
                _ => Err(format!(
                    "{} answered {:?}",
                    String::from_utf8_lossy(command),
                    out.reply
                )),
            }
        };
        for _ in 0..channels {
            subscribe(&mut engine, b"SUBSCRIBE", CHANNEL.to_vec())?;
        }
        for pattern in &patterns {
            subscribe(&mut engine, b"PSUBSCRIBE", pattern.clone())?;
        }
        let publisher = engine.connect(NOW_MS);
        let mut check = |argv: &[&[u8]], expected: Reply| {
            let out = engine.execute(publisher, argv.iter().map(|a| a.to_vec()).collect(), NOW_MS);
            match out.reply {
                Some(r) if r == expected => Ok(()),
                r => Err(format!("PUBSUB answered {r:?} instead of {expected:?}")),
            }
        };
        check(
            &[b"PUBSUB", b"NUMSUB", CHANNEL],
            Reply::Array(vec![Reply::bulk(CHANNEL), Reply::Integer(channels as i64)]),
        )?;
        check(
            &[b"PUBSUB", b"NUMPAT"],
            Reply::Integer(patterns.len() as i64),
        )?;
        let fanout = match kind {
            "CHANNEL" => n,
            "PATTERNS_ONE" => 1,
            "PATTERNS_ALL" => 100,
            _ => 1,
        };
        Ok(PubSub {
            engine,
            publisher,
            out: Vec::with_capacity(4096),
            written: 0,
            fanout,
        })
    }

    /// `k` times `PUBLISH ch hello` through `Engine::execute`: the reply and
    /// every delivered frame (`Outcome.deliveries`) encoded to RESP in the
    /// protocol of the client it goes to, as streamplay-server does before
    /// writing it (into one reused buffer, cleared per frame). Checks that each
    /// PUBLISH answered `fanout` and delivered `fanout` frames; returns the
    /// frames delivered.
    pub fn publish(&mut self, k: u64) -> Result<u64, String> {
        let mut delivered = 0;
        for _ in 0..k {
            let out = self.engine.execute(
                self.publisher,
                vec![b"PUBLISH".to_vec(), CHANNEL.to_vec(), MESSAGE.to_vec()],
                NOW_MS,
            );
            self.out.clear();
            if let Some(reply) = &out.reply {
                resp::encode_into(&mut self.out, reply, Protocol::Resp2);
            }
            self.written += self.out.len() as u64;
            for d in &out.deliveries {
                self.out.clear();
                resp::encode_into(&mut self.out, &d.frame, self.engine.protocol(d.client));
                self.written += self.out.len() as u64;
            }
            let n = out.deliveries.len() as u64;
            if n != self.fanout || out.reply != Some(Reply::Integer(n as i64)) {
                return Err(format!(
                    "PUBLISH answered {:?} and delivered {n} frames, not {}",
                    out.reply, self.fanout
                ));
            }
            delivered += n;
        }
        Ok(delivered)
    }
}

/// PUBLISHes per timed run of a pub/sub workload: about `deliveries` frames
/// (at least one PUBLISH).
pub fn publishes_per_run(deliveries: u64, fanout: u64) -> u64 {
    (deliveries / fanout.max(1)).max(1)
}
