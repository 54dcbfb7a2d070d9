//! Held clients' output buffers: a client whose host stopped reading it (`Engine::set_reading`)
//! keeps every frame for it here instead of having it handed out, its size accounted as Redis
//! 7.0.15's networking.c accounts an unread client's buffer (`_addReplyToBufferOrList`, the
//! 16 KB `buf` then reply blocks, `getClientOutputBufferMemoryUsage`), and
//! `client-output-buffer-limit` closes it as `closeClientOnOutputBufferLimitReached` does: past
//! its class's hard limit, or over its soft limit for longer than the soft limit's seconds.

use super::client::ClientKind;
use super::{resp, ClientId, Delivery, DeliveryKind, Engine, Outcome, Reply};

/// `PROTO_REPLY_CHUNK_BYTES`: the client's own `buf` (`rbs=16384` in CLIENT LIST), and the
/// least a reply block is allocated for.
const CHUNK: usize = 16 * 1024;
/// `sizeof(clientReplyBlock)`: the header in front of a reply block's bytes.
const BLOCK_HEADER: usize = 16;
/// What each reply block costs besides its bytes (`sizeof(listNode) + sizeof(clientReplyBlock)`).
const NODE_OVERHEAD: usize = 24 + BLOCK_HEADER;

/// One client class's `client-output-buffer-limit`: bytes (0: none) and the seconds the soft
/// limit may be exceeded for.
#[derive(Clone, Copy, Debug, PartialEq, Eq, serde::Serialize, serde::Deserialize)]
pub(crate) struct Limit {
    pub hard: u64,
    pub soft: u64,
    /// A C `int` in Redis's parser, kept as such.
    pub soft_seconds: i32,
}

/// The classes in Redis's order, with their names (`getClientTypeName`).
pub(crate) const CLASSES: [&str; 3] = ["normal", "slave", "pubsub"];

/// Redis's defaults: `normal 0 0 0 slave 256mb 64mb 60 pubsub 32mb 8mb 60`.
pub(crate) const DEFAULT_LIMITS: [Limit; 3] = [
    Limit {
        hard: 0,
        soft: 0,
        soft_seconds: 0,
    },
    Limit {
        hard: 256 << 20,
        soft: 64 << 20,
        soft_seconds: 60,
    },
    Limit {
        hard: 32 << 20,
        soft: 8 << 20,
        soft_seconds: 60,
    },
];

/// `updateClientOutputBufferLimit`: the value split at single spaces into groups of
/// `<class> <hard> <soft> <seconds>`, all checked before any is applied; an empty value
/// changes nothing. The error is the text after CONFIG SET's prefix.
pub(crate) fn parse_limits(value: &[u8], limits: &mut [Limit; 3]) -> Result<(), &'static str> {
    let args: Vec<&[u8]> = if value.is_empty() {
        Vec::new()
    } else {
        value.split(|&b| b == b' ').collect()
    };
    if args.len() % 4 != 0 {
        return Err("Wrong number of arguments in buffer limit configuration.");
    }
    let mut next = *limits;
    for group in args.chunks(4) {
        // A master is limited as a normal client, so it has no class of its own here.
        let class = match ClientKind::parse(group[0]) {
            Some(ClientKind::Normal) => 0,
            Some(ClientKind::Replica) => 1,
            Some(ClientKind::PubSub) => 2,
            _ => return Err("Invalid client class specified in buffer limit configuration."),
        };
        let bad = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        let hard = super::params::memtoull(group[1]).ok_or(bad)?;
        let soft = super::params::memtoull(group[2]).ok_or(bad)?;
        // `strtoll` into an `int`: the value wraps as the C assignment does.
        let seconds = super::params::strtoll_whole(group[3]).ok_or(bad)? as i32;
        if seconds < 0 {
            return Err(bad);
        }
        next[class] = Limit {
            hard,
            soft,
            soft_seconds: seconds,
        };
    }
    *limits = next;
    Ok(())
}

/// How `CONFIG GET client-output-buffer-limit` prints the limits.
pub(crate) fn limits_to_string(limits: &[Limit; 3]) -> String {
    let parts: Vec<String> = CLASSES
        .iter()
        .zip(limits)
        .map(|(name, l)| format!("{name} {} {} {}", l.hard, l.soft, l.soft_seconds))
        .collect();
    parts.join(" ")
}

/// The usable size jemalloc gives a request above 16 KB: four size classes per doubling.
fn jemalloc_usable(n: usize) -> usize {
    let log2 = usize::BITS - 1 - (n - 1).leading_zeros();
    let step = 1usize << (log2 - 2);
    n.div_ceil(step) * step
}

/// A held client's output buffer: its frames in order, and the sizes Redis would report.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct OutputBuffer {
    /// The frames kept, oldest first; `true` marks a late reply, `false` a push.
    frames: Vec<(bool, Reply)>,
    /// Bytes in the client's own 16 KB buffer (`obl=`).
    pub bufpos: usize,
    /// Reply blocks (`oll=`) and their allocated bytes (`c->reply_bytes`).
    pub blocks: usize,
    reply_bytes: usize,
    /// Room left in the last block.
    tail_free: usize,
    /// When (engine seconds) the soft limit was first seen exceeded, while it still is.
    soft_since_s: Option<u64>,
    /// Closing (`CLIENT_CLOSE_ASAP`): later frames are dropped.
    closing: bool,
}

impl OutputBuffer {
    /// `_addReplyToBufferOrList` of `len` bytes: the client's buffer while no block exists,
    /// then the last block's room, then a new block of at least 16 KB. Returns whether a block
    /// was added (which is when Redis checks the limits).
    fn add(&mut self, mut len: usize) -> bool {
        if self.blocks == 0 {
            let n = len.min(CHUNK - self.bufpos);
            self.bufpos += n;
            len -= n;
        }
        let n = len.min(self.tail_free);
        self.tail_free -= n;
        len -= n;
        if len == 0 {
            return false;
        }
        let size = jemalloc_usable(len.max(CHUNK) + BLOCK_HEADER) - BLOCK_HEADER;
        self.blocks += 1;
        self.reply_bytes += size;
        self.tail_free = size - len;
        true
    }

    /// `getClientOutputBufferMemoryUsage` (`omem=`).
    pub fn memory(&self) -> u64 {
        (self.reply_bytes + NODE_OVERHEAD * self.blocks) as u64
    }

    /// `checkClientOutputBufferLimits` at engine second `now_s`, which also notes when the soft
    /// limit started being exceeded. Redis checks only once a block exists (`reply_bytes`).
    fn over(&mut self, limit: Limit, now_s: u64) -> bool {
        if self.reply_bytes == 0 || self.closing {
            return false;
        }
        let used = self.memory();
        let hard = limit.hard != 0 && used >= limit.hard;
        let mut soft = limit.soft != 0 && used >= limit.soft;
        if !soft {
            self.soft_since_s = None;
        } else if let Some(since) = self.soft_since_s {
            soft = now_s.saturating_sub(since) > limit.soft_seconds as u64;
        } else {
            self.soft_since_s = Some(now_s);
            soft = false;
        }
        soft || hard
    }
}

/// What a host shows about a held client's buffer.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct OutputBufferUsage {
    /// `omem=`: the bytes Redis counts against the limit.
    pub bytes: u64,
    /// The bytes in the client's own buffer and reply blocks (the frames' RESP bytes).
    pub frames: usize,
    /// The hard and soft limits of the client's class now (0: none).
    pub hard_limit: u64,
    pub soft_limit: u64,
}

impl Engine {
    /// Stops (`reading == false`) or resumes handing out the client's frames, as a host that
    /// stops reading a connection and reads it again. Resuming delivers the kept frames in
    /// order; a client the engine closed meanwhile (its buffer passed the limit) is reported
    /// in `Outcome::killed` instead, which is when its host learns the connection is gone.
    pub fn set_reading(&mut self, client: ClientId, reading: bool, now_ms: u64) -> Outcome {
        self.saw_time(now_ms);
        let mut out = Outcome::default();
        if !reading {
            if let Some(c) = self.clients.get_mut(&client) {
                if c.obuf.is_none() {
                    c.obuf = Some(Box::default());
                    self.held.push(client);
                }
            }
        } else if let Some(i) = self.closed_unread.iter().position(|&c| c == client) {
            self.closed_unread.remove(i);
            out.killed.push(client);
        } else if let Some(c) = self.clients.get_mut(&client) {
            if let Some(buf) = c.obuf.take() {
                self.held.retain(|&h| h != client);
                out.deliveries = buf
                    .frames
                    .into_iter()
                    .map(|(reply, frame)| Delivery {
                        client,
                        kind: if reply {
                            DeliveryKind::Reply
                        } else {
                            DeliveryKind::Push
                        },
                        frame,
                    })
                    .collect();
            }
        }
        self.stamp_events(&mut out, Some(client), now_ms);
        out
    }

    /// Whether the client's frames are handed out: false while its host does not read it,
    /// and for a connection the engine closed while it was not read (until `set_reading`).
    pub fn is_reading(&self, client: ClientId) -> bool {
        !self.closed_unread.contains(&client)
            && self.clients.get(&client).is_some_and(|c| c.obuf.is_none())
    }

    /// Whether some client is not read (held, or closed while held and not read since).
    #[inline]
    pub fn holds_any(&self) -> bool {
        !self.held.is_empty() || !self.closed_unread.is_empty()
    }

    /// Whether the engine closed the client while its host did not read it, and the host has
    /// not read since (it still names the connection).
    pub fn closed_unread(&self, client: ClientId) -> bool {
        self.closed_unread.contains(&client)
    }

    /// A held client's buffer: its size and its class's limits (`None` when it is read).
    pub fn output_buffer(&self, client: ClientId) -> Option<OutputBufferUsage> {
        let c = self.clients.get(&client)?;
        let buf = c.obuf.as_ref()?;
        let limit = self.obuf_limit(c.kind());
        Some(OutputBufferUsage {
            bytes: buf.memory(),
            frames: buf.bufpos + buf.reply_bytes - buf.tail_free,
            hard_limit: limit.hard,
            soft_limit: limit.soft,
        })
    }

    /// The limits of a client class (a master's are a normal client's).
    fn obuf_limit(&self, kind: ClientKind) -> Limit {
        self.settings.obuf_limits[match kind {
            ClientKind::Replica => 1,
            ClientKind::PubSub => 2,
            ClientKind::Normal | ClientKind::Master => 0,
        }]
    }

    /// Called once per call before its events are stamped, only while some client is held:
    /// moves the frames for held clients (the caller's reply included) into their buffers,
    /// checks the limits when a buffer gets a new block (`_addReplyProtoToList`) and, as
    /// `clientsCron` does, on every call (the soft limit's time), and closes the clients
    /// past them once the call's frames are written (`freeClientAsync`).
    pub(super) fn keep_held_frames(
        &mut self,
        caller: Option<ClientId>,
        now_ms: u64,
        out: &mut Outcome,
    ) {
        let now_s = now_ms / 1000;
        let mut deliveries = std::mem::take(&mut out.deliveries);
        let mut reply_at = out.reply_at.min(deliveries.len());
        if let Some(id) = caller.filter(|id| self.held.contains(id)) {
            if let Some(frame) = out.reply.take() {
                deliveries.insert(
                    reply_at,
                    Delivery {
                        client: id,
                        kind: DeliveryKind::Reply,
                        frame,
                    },
                );
                reply_at = 0;
            }
        }
        let mut kept = Vec::with_capacity(deliveries.len());
        let mut kept_before_reply = 0;
        let mut closing = Vec::new();
        for (i, d) in deliveries.into_iter().enumerate() {
            let limit = self
                .clients
                .get(&d.client)
                .map(|c| self.obuf_limit(c.kind()));
            let Some(c) = self.clients.get_mut(&d.client) else {
                kept.push(d);
                continue;
            };
            let proto = c.protocol;
            let Some(buf) = c.obuf.as_mut() else {
                kept_before_reply += usize::from(i < reply_at);
                kept.push(d);
                continue;
            };
            if buf.closing {
                continue;
            }
            let len = resp::encode(&d.frame, proto).len();
            buf.frames.push((d.kind == DeliveryKind::Reply, d.frame));
            if buf.add(len) && limit.is_some_and(|l| buf.over(l, now_s)) {
                buf.closing = true;
                closing.push(d.client);
            }
        }
        out.deliveries = kept;
        out.reply_at = if out.reply.is_some() {
            kept_before_reply
        } else {
            0
        };
        // The cron's check: a buffer over its soft limit for long enough closes its client
        // without a new frame.
        for id in self.held.clone() {
            let Some(c) = self.clients.get(&id) else {
                continue;
            };
            let limit = self.obuf_limit(c.kind());
            let buf = self.clients.get_mut(&id).and_then(|c| c.obuf.as_mut());
            if buf.is_some_and(|b| b.over(limit, now_s)) {
                closing.push(id);
            }
        }
        for id in closing {
            self.drop_client(id, out);
            self.closed_unread.push(id);
            self.stats.obuf_limit_disconnections += 1;
        }
    }
}

#[cfg(test)]
mod tests {
    use crate::engine::test_util::argv;
    use crate::engine::{ClientId, Config, DeliveryKind, Engine, EventKind, Profile, Reply};

    /// A PUBLISH of a 1000-byte payload: a 1034-byte `message` frame in RESP2.
    fn publish(e: &mut Engine, from: ClientId, now_ms: u64) -> Option<Reply> {
        let argv = vec![b"PUBLISH".to_vec(), b"ch".to_vec(), vec![b'x'; 1000]];
        e.execute(from, argv, now_ms).reply
    }

    /// `client`'s `name=value` fields of CLIENT LIST, as `obl/oll/omem`.
    fn buffer_fields(e: &mut Engine, asker: ClientId, client: ClientId) -> String {
        let (Some(Reply::Bulk(list)) | Some(Reply::Verbatim(_, list))) =
            e.execute(asker, argv("CLIENT LIST"), 0).reply
        else {
            panic!("CLIENT LIST answers a bulk string");
        };
        let list = String::from_utf8(list).unwrap();
        let line = list
            .lines()
            .find(|l| l.starts_with(&format!("id={client} ")))
            .unwrap();
        let field = |name: &str| {
            line.split(' ')
                .find_map(|f| f.strip_prefix(&format!("{name}=")))
                .unwrap()
                .to_string()
        };
        format!("{}/{}/{}", field("obl"), field("oll"), field("omem"))
    }

    /// `CONFIG SET client-output-buffer-limit <value>`.
    fn set_limit(value: &str) -> Vec<Vec<u8>> {
        let mut argv = argv("CONFIG SET client-output-buffer-limit");
        argv.push(value.as_bytes().to_vec());
        argv
    }

    fn held_subscriber(profile: Profile) -> (Engine, ClientId, ClientId) {
        let mut e = Engine::new(Config {
            profile,
            ..Config::default()
        });
        let publisher = e.connect(0);
        let sub = e.connect(0);
        e.execute(sub, argv("SUBSCRIBE ch"), 0);
        e.set_reading(sub, false, 0);
        (e, publisher, sub)
    }

    #[test]
    fn the_buffer_grows_as_redis_accounts_it() {
        let (mut e, p, s) = held_subscriber(Profile::V7);
        assert_eq!(buffer_fields(&mut e, p, s), "0/0/0");
        for _ in 0..15 {
            assert_eq!(publish(&mut e, p, 0), Some(Reply::Integer(1)));
        }
        // 15 frames of 1034 bytes fit the client's own 16 KB buffer.
        assert_eq!(buffer_fields(&mut e, p, s), "15510/0/0");
        publish(&mut e, p, 0);
        // The 16th overflows into a reply block: 20464 usable bytes, plus 40 of overhead.
        assert_eq!(buffer_fields(&mut e, p, s), "16384/1/20504");
        for _ in 0..20 {
            publish(&mut e, p, 0);
        }
        // 36 frames: 37224 bytes, 20840 past the buffer, in two blocks.
        assert_eq!(buffer_fields(&mut e, p, s), "16384/2/41008");
        let usage = e.output_buffer(s).unwrap();
        assert_eq!(usage.bytes, 41008);
        assert_eq!(usage.frames, 36 * 1034);
        assert_eq!((usage.hard_limit, usage.soft_limit), (32 << 20, 8 << 20));
        assert!(!e.is_reading(s));
    }

    #[test]
    fn the_hard_limit_closes_the_client() {
        for profile in [Profile::V7, Profile::V8] {
            let (mut e, p, s) = held_subscriber(profile);
            let set = set_limit("pubsub 64kb 0 0");
            assert_eq!(e.execute(p, set, 0).reply, Some(Reply::ok()));
            // Four blocks (82016 bytes) pass 64 KB: the 4th block comes with frame 76
            // (76 * 1034 > 16384 + 3 * 20464).
            for _ in 0..75 {
                assert_eq!(publish(&mut e, p, 0), Some(Reply::Integer(1)));
            }
            assert_eq!(buffer_fields(&mut e, p, s), "16384/3/61512");
            let argv76 = vec![b"PUBLISH".to_vec(), b"ch".to_vec(), vec![b'x'; 1000]];
            let out = e.execute(p, argv76, 0);
            // The subscriber still received it; it is closed once the command is done.
            assert_eq!(out.reply, Some(Reply::Integer(1)));
            assert!(out.deliveries.is_empty());
            assert!(out.killed.is_empty());
            assert!(out
                .event_kinds()
                .contains(&EventKind::ClientDisconnected { client_id: s }));
            assert_eq!(publish(&mut e, p, 0), Some(Reply::Integer(0)));
            assert!(e.client_state(s).is_none());
            assert!(!e.is_reading(s));
            let stats = e.execute(p, argv("INFO stats"), 0).reply;
            let (Some(Reply::Verbatim(_, stats)) | Some(Reply::Bulk(stats))) = stats else {
                panic!("INFO answers text");
            };
            let stats = String::from_utf8(stats).unwrap();
            let field = stats.contains("client_output_buffer_limit_disconnections:1\r\n");
            // The counter exists from Redis 7.4 on: not in 7.0.15.
            assert_eq!(field, profile == Profile::V8, "{stats}");
            // Reading again finds the connection closed.
            let out = e.set_reading(s, true, 0);
            assert_eq!(out.killed, vec![s]);
            assert!(out.deliveries.is_empty());
            assert!(e.set_reading(s, true, 0).killed.is_empty());
        }
    }

    #[test]
    fn the_soft_limit_closes_after_its_seconds_on_the_engine_clock() {
        let (mut e, p, s) = held_subscriber(Profile::V7);
        let set = set_limit("pubsub 0 16kb 2");
        e.execute(p, set, 0);
        for _ in 0..16 {
            publish(&mut e, p, 500);
        }
        // Over the soft limit from second 0; still there 2 s later (elapsed 2 is not > 2).
        assert!(e.advance(2999).events.is_empty());
        assert!(e.client_state(s).is_some());
        let out = e.advance(3000);
        assert!(out
            .event_kinds()
            .contains(&EventKind::ClientDisconnected { client_id: s }));
        assert!(e.client_state(s).is_none());

        // Dropping below the soft limit restarts its time: a released buffer starts empty.
        let (mut e, p, s) = held_subscriber(Profile::V7);
        e.execute(p, set_limit("pubsub 0 16kb 2"), 0);
        for _ in 0..16 {
            publish(&mut e, p, 0);
        }
        assert_eq!(e.set_reading(s, true, 1000).deliveries.len(), 16);
        e.set_reading(s, false, 1000);
        for _ in 0..16 {
            publish(&mut e, p, 2000);
        }
        e.advance(4000);
        assert!(e.client_state(s).is_some());
        e.advance(5000);
        assert!(e.client_state(s).is_none());
    }

    #[test]
    fn config_get_and_set_follow_redis() {
        let mut e = Engine::new(Config::default());
        let a = e.connect(0);
        let get = |e: &mut Engine| {
            let Some(Reply::Map(pairs)) = e
                .execute(a, argv("CONFIG GET client-output-buffer-limit"), 0)
                .reply
            else {
                panic!("CONFIG GET answers a map");
            };
            pairs[0].1.clone()
        };
        assert_eq!(
            get(&mut e),
            Reply::bulk("normal 0 0 0 slave 268435456 67108864 60 pubsub 33554432 8388608 60")
        );
        let set = |e: &mut Engine, v: &str| e.execute(a, set_limit(v), 0).reply.unwrap();
        let failed = |why: &str| {
            Reply::error(format!(
                "ERR CONFIG SET failed (possibly related to argument 'client-output-buffer-limit') - {why}"
            ))
        };
        assert_eq!(set(&mut e, ""), Reply::ok());
        assert_eq!(set(&mut e, "Pubsub 1mb 1kb 4294967301"), Reply::ok());
        assert_eq!(set(&mut e, "replica 1g 1k 0 normal 1 2 3"), Reply::ok());
        assert_eq!(
            get(&mut e),
            Reply::bulk("normal 1 2 3 slave 1000000000 1000 0 pubsub 1048576 1024 5")
        );
        let wrong = "Wrong number of arguments in buffer limit configuration.";
        let class = "Invalid client class specified in buffer limit configuration.";
        let value = "Error in hard, soft or soft_seconds setting in buffer limit configuration.";
        for (v, why) in [
            ("pubsub 1 2", wrong),
            ("pubsub  1 2 3", wrong),
            ("master 1 2 3", class),
            ("normal 1 2 3 master 1 2 3", class),
            ("pubsub 1 2 -1", value),
            ("pubsub 1 2 3x", value),
            ("pubsub x 2 3", value),
            ("pubsub 1 2 2147483648", value),
            ("normal 5 5 5 pubsub 1 -2 3", value),
        ] {
            assert_eq!(set(&mut e, v), failed(why), "{v}");
        }
        // A refused value changes no class.
        assert_eq!(
            get(&mut e),
            Reply::bulk("normal 1 2 3 slave 1000000000 1000 0 pubsub 1048576 1024 5")
        );
    }

    #[test]
    fn release_delivers_in_order_and_others_are_unaffected() {
        let mut e = Engine::new(Config::default());
        let twin = Engine::new(Config::default());
        let mut twin = twin;
        let mut outs = Vec::new();
        for engine in [&mut e, &mut twin] {
            let p = engine.connect(0);
            let held = engine.connect(0);
            let other = engine.connect(0);
            engine.execute(held, argv("SUBSCRIBE a b"), 0);
            engine.execute(other, argv("SUBSCRIBE a"), 0);
            outs.push((p, held, other));
        }
        let (p, held, other) = outs[0];
        e.set_reading(held, false, 1);
        let mut kept = Vec::new();
        for (n, line) in ["PUBLISH a 1", "PUBLISH b 2", "PUBLISH a 3"]
            .iter()
            .enumerate()
        {
            let out = e.execute(p, argv(line), 2 + n as u64);
            let plain = twin.execute(p, argv(line), 2 + n as u64);
            assert_eq!(out.reply, plain.reply);
            // The reader's frames are unchanged; the held client's wait.
            let (theirs, mine): (Vec<_>, Vec<_>) =
                plain.deliveries.into_iter().partition(|d| d.client == held);
            assert_eq!(out.deliveries, mine);
            assert!(mine.iter().all(|d| d.client == other) || mine.is_empty());
            kept.extend(theirs);
        }
        assert_eq!(kept.len(), 3);
        let out = e.set_reading(held, true, 9);
        assert_eq!(out.deliveries, kept);
        assert!(e.is_reading(held));
        assert!(e.output_buffer(held).is_none());
        assert_eq!(e.execute(p, argv("PUBLISH b 4"), 10).deliveries.len(), 1);
    }

    #[test]
    fn a_late_reply_waits_as_a_reply_and_the_buffer_is_saved() {
        let mut e = Engine::new(Config::default());
        let a = e.connect(0);
        let b = e.connect(0);
        e.execute(b, argv("BLPOP q 0"), 0);
        e.set_reading(b, false, 0);
        let out = e.execute(a, argv("RPUSH q x"), 1);
        assert!(out.deliveries.is_empty());
        assert!(!e.is_blocked(b));
        let mut loaded = Engine::load(&e.save()).unwrap();
        let out = loaded.set_reading(b, true, 2);
        assert_eq!(out.deliveries.len(), 1);
        assert_eq!(out.deliveries[0].kind, DeliveryKind::Reply);
        // A normal client has no limit by default: nothing closes it.
        assert!(loaded.client_state(b).is_some());
    }
}
