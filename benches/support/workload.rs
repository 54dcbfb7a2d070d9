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
        }
    }

    /// Runs one command and encodes its reply, as a server would before writing it.
    pub fn run(&mut self, argv: Vec<Vec<u8>>) {
        let outcome = self.engine.execute(self.client, argv, NOW_MS);
        self.out.clear();
        if let Some(reply) = &outcome.reply {
            resp::encode_into(&mut self.out, reply, Protocol::Resp2);
        }
        self.written += self.out.len() as u64;
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
        for _ in 0..k {
            let id = self.pick(self.loaded).to_string();
            self.run(vec![
                b"XRANGE".to_vec(),
                b"s".to_vec(),
                id.into_bytes(),
                b"+".to_vec(),
                b"COUNT".to_vec(),
                b"10".to_vec(),
            ]);
        }
    }

    /// `k` times `XREVRANGE s <random loaded id> - COUNT 10`.
    pub fn xrevrange(&mut self, k: u64) {
        for _ in 0..k {
            let id = self.pick(self.loaded).to_string();
            self.run(vec![
                b"XREVRANGE".to_vec(),
                b"s".to_vec(),
                id.into_bytes(),
                b"-".to_vec(),
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

    /// `None` if the engine answers `name`'s workload command without an error,
    /// else the error line (a command that has not been written yet).
    pub fn unavailable(&mut self, name: &str) -> Option<String> {
        let reply = match name {
            "XADD" => self.reply(&[b"XADD", b"probe", b"1-1", b"f", b"v"]),
            "XRANGE" => self.reply(&[b"XRANGE", b"probe", b"-", b"+", b"COUNT", b"10"]),
            "XREVRANGE" => self.reply(&[b"XREVRANGE", b"probe", b"+", b"-", b"COUNT", b"10"]),
            "XREAD" => self.reply(&[b"XREAD", b"COUNT", b"10", b"STREAMS", b"probe", b"0"]),
            "XTRIM" => self.reply(&[b"XTRIM", b"probe", b"MAXLEN", b"=", b"5"]),
            _ => Reply::error(format!("ERR no workload {name}")),
        };
        self.reply(&[b"DEL", b"probe"]);
        match reply {
            Reply::Error(e) => Some(String::from_utf8_lossy(&e).into_owned()),
            _ => None,
        }
    }
}
