//! Command dispatch: table lookup, the unknown-command / arity / subcommand
//! errors of SPEC §1, then the command's own handler. One file per command or
//! small family; each handler reads parse → validate → look up → mutate → reply.

use super::error::Error;
use super::keyspace::{Db, Entry, Value};
pub(crate) use super::num::string2ll;
use super::stream::Stream;
use super::table::{self, CommandSpec};
use super::{ClientId, Engine, EventKind, Outcome, Reply};

mod append;
mod blocktest;
mod client;
mod command;
mod config;
mod copy;
mod dbsize;
mod debug;
mod decr;
mod decrby;
mod del;
mod discard;
mod echo;
mod exec;
mod exists;
mod expire;
mod flushdb;
mod function;
mod get;
mod getdel;
mod getex;
mod getrange;
mod getset;
mod hello;
mod incr;
mod incrby;
mod incrbyfloat;
mod info;
mod keys;
mod memory;
mod mget;
mod mset;
mod msetnx;
mod multi;
mod object;
mod persist;
mod ping;
mod psetex;
mod psubscribe;
mod publish;
mod pubsub;
mod punsubscribe;
mod quit;
mod randomkey;
mod rename;
mod reset;
mod scan;
mod select;
mod set;
mod setex;
mod setnx;
mod setrange;
mod spublish;
mod ssubscribe;
mod strlen;
mod subscribe;
mod sunsubscribe;
mod time;
mod ttl;
mod r#type;
mod unlink;
mod unsubscribe;
mod unwatch;
mod watch;
mod xack;
mod xackdel;
mod xadd;
mod xautoclaim;
mod xclaim;
mod xdel;
mod xdelex;
mod xgroup;
mod xinfo;
mod xlen;
mod xread;
pub(crate) use xread::{holds_stream, serve_stream_in_place};
pub(crate) use xreadgroup::single_stream_argv;
mod xpending;
mod xrange;
mod xreadgroup;
mod xsetid;
mod xtrim;

/// What a handler decided.
pub(crate) enum Flow {
    /// Answer now.
    Reply(Reply),
    /// Nothing to answer yet: block on keys (the command is re-run when one is written).
    Block(BlockOn),
    /// Answer with these frames for the client itself instead of a reply (the
    /// SUBSCRIBE family: one confirmation per argument). Inside EXEC they are
    /// written into the transaction's reply, as Redis writes them.
    Frames(Vec<Reply>),
}

impl From<Reply> for Flow {
    fn from(r: Reply) -> Flow {
        Flow::Reply(r)
    }
}

/// A request to block.
pub(crate) struct BlockOn {
    pub keys: Vec<Vec<u8>>,
    /// 0 blocks forever.
    pub timeout_ms: u64,
    pub timeout_reply: Reply,
    /// The command as it is re-run while blocked, when that differs from what was
    /// typed (XREAD's `$` replaced by the id it stood for at block time).
    pub argv: Option<Vec<Vec<u8>>>,
    pub serve: Serve,
    /// When the keys are to be signalled as ready even without a write (an
    /// XREADGROUP CLAIM waiting for a pending entry to become idle enough):
    /// once the engine clock passes this time.
    pub wake_at_ms: Option<u64>,
}

pub(crate) use super::client::{Serve, StreamWait};

pub(crate) type CmdResult = Result<Flow, Error>;
type Handler = fn(&mut Cx) -> CmdResult;

/// Everything a handler may touch while it runs.
pub(crate) struct Cx<'a> {
    pub engine: &'a mut Engine,
    pub client: ClientId,
    pub argv: &'a [Vec<u8>],
    pub now_ms: u64,
    pub out: &'a mut Outcome,
    /// The command is being re-run for a blocked client after a key it waits on
    /// changed.
    pub reexec: bool,
    pub spec: &'static CommandSpec,
}

impl Cx<'_> {
    /// The client's selected database index.
    pub fn db_index(&self) -> usize {
        self.engine
            .clients
            .get(&self.client)
            .map(|c| c.db)
            .unwrap_or(0)
    }

    /// The client's selected database.
    pub fn db(&mut self) -> &mut Db {
        let i = self.db_index();
        &mut self.engine.dbs[i]
    }

    /// The string at `key`: `Ok(None)` when missing, WRONGTYPE when it holds another type.
    /// A read lookup (`lookupKeyRead`): it counts a keyspace hit or miss, so write
    /// commands look keys up with `db().get` instead.
    pub fn get_string(&mut self, key: &[u8]) -> Result<Option<Vec<u8>>, Error> {
        let now = self.now_ms;
        self.count_read_lookup(key);
        match self.db().get(key, now) {
            None => Ok(None),
            Some(Entry {
                value: Value::String(s),
                ..
            }) => Ok(Some(s.clone())),
            Some(_) => Err(Error::WrongType),
        }
    }

    /// Counts a keyspace hit or miss for a read lookup of `key`
    /// (`lookupKeyRead`), which readers call before borrowing the value.
    /// A miss is also the `keymiss` keyspace notification.
    pub fn count_read_lookup(&mut self, key: &[u8]) {
        if !self.count_read_lookup_quietly(key) {
            self.notify(crate::engine::params::notify::KEY_MISS, "keymiss", key);
        }
    }

    /// `count_read_lookup` without the `keymiss` notification
    /// (`LOOKUP_NONOTIFY`: OBJECT). Returns whether the key was found.
    pub fn count_read_lookup_quietly(&mut self, key: &[u8]) -> bool {
        let now = self.now_ms;
        let found = self.db().contains(key, now);
        if found {
            self.engine.stats.keyspace_hits += 1;
        } else {
            self.engine.stats.keyspace_misses += 1;
        }
        found
    }

    /// The stream at `key` for reading (`lookupKeyRead` + `checkType`):
    /// `Ok(None)` when missing, WRONGTYPE when it holds another type.
    pub fn read_stream(&mut self, key: &[u8]) -> Result<Option<&Stream>, Error> {
        self.count_read_lookup(key);
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(None),
            Some(e) => e.value.stream().map(Some),
        }
    }

    /// Whether `key` holds a stream (`lookupKeyWrite` + `checkType`): `Ok(false)`
    /// when missing, WRONGTYPE when it holds another type.
    pub fn write_stream_exists(&mut self, key: &[u8]) -> Result<bool, Error> {
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(false),
            Some(e) => e.value.stream().map(|_| true),
        }
    }

    /// Changes the stream at `key` (which the caller found to exist) through
    /// `Db::modify`, so the byte count stays exact.
    pub fn modify_stream<R>(&mut self, key: &[u8], f: impl FnOnce(&mut Stream) -> R) -> Option<R> {
        let now = self.now_ms;
        self.db()
            .modify(key, now, |e| e.value.stream_mut().ok().map(f))
            .flatten()
    }

    /// The internal node count of the stream at `key` (0 when there is none),
    /// read without expiring anything, for the removal events.
    pub fn stream_nodes(&self, key: &[u8]) -> usize {
        let db = self.db_index();
        self.engine
            .dbs
            .get(db)
            .and_then(|d| d.peek(key))
            .and_then(|e| e.value.stream().ok())
            .map_or(0, Stream::node_count)
    }

    /// Where group `group` of the stream at `key` stands, for the group
    /// events: its last delivered ID, `entries_read` and lag (`None` when
    /// unknown), read without expiring anything or touching a statistic.
    pub fn group_position(
        &self,
        key: &[u8],
        group: &[u8],
    ) -> Option<(super::StreamId, Option<u64>, Option<u64>)> {
        let db = self.db_index();
        let s = self.engine.dbs.get(db)?.peek(key)?.value.stream().ok()?;
        let g = s.group(group)?;
        let v8 = self.engine.profile() == super::Profile::V8;
        let lag = s.group_lag(g, v8).and_then(|l| u64::try_from(l).ok());
        Some((g.last_id, u64::try_from(g.entries_read).ok(), lag))
    }

    /// Records that `key` was written: one change (`dirty`), the event for the
    /// views, and a wake-up for clients blocked on it.
    pub fn key_written(&mut self, key: &[u8]) {
        let db = self.db_index();
        self.key_written_in(db, key);
    }

    /// `key_written` for a key in database `db` (COPY ... DB, MOVE).
    pub fn key_written_in(&mut self, db: usize, key: &[u8]) {
        self.engine.dirty_adjust += 1;
        let key_type = self
            .engine
            .dbs
            .get(db)
            .and_then(|d| d.peek(key))
            .map_or("none", |e| e.value.type_name());
        self.out.push_event(EventKind::KeyWritten {
            db,
            key: key.to_vec(),
            key_type: key_type.into(),
        });
        if signals_ready(self.spec.fullname) {
            self.engine.signal_key_ready(db, key);
        }
        self.engine.touch_watched_key(db, key);
    }

    /// `notifyKeyspaceEvent`: records a keyspace notification of `class`
    /// (`params::notify`) when `notify-keyspace-events` enables that class and
    /// at least one of the keyspace/keyevent channels.
    pub fn notify(&mut self, class: u32, event: &'static str, key: &[u8]) {
        use crate::engine::params::notify;
        let flags = self.engine.settings.notify_keyspace_events;
        if flags & class == 0 || flags & (notify::KEYSPACE | notify::KEYEVENT) == 0 {
            return;
        }
        let db = self.db_index();
        self.notify_in(db, class, event, key);
    }

    /// `notify` for a key in database `db`. Keys that expired lazily earlier
    /// in the command are announced first (`expired` is written when the
    /// lookup deletes them, before anything the command does next).
    pub fn notify_in(&mut self, db: usize, class: u32, event: &'static str, key: &[u8]) {
        use crate::engine::params::notify;
        let flags = self.engine.settings.notify_keyspace_events;
        if flags & class == 0 || flags & (notify::KEYSPACE | notify::KEYEVENT) == 0 {
            return;
        }
        self.engine.collect_expired(self.out);
        self.out.push_event(EventKind::Notification {
            db,
            class,
            event: event.into(),
            key: key.to_vec(),
        });
        self.engine.publish_notification(db, event, key, self.out);
    }

    /// Reports a consumer that a command created (XGROUP CREATECONSUMER, or
    /// implicitly XREADGROUP and the claims): the view event and the
    /// `xgroup-createconsumer` notification.
    pub fn consumer_created(&mut self, key: &[u8], group: &[u8], consumer: &[u8]) {
        let db = self.db_index();
        self.out.push_event(EventKind::ConsumerCreated {
            db,
            key: key.to_vec(),
            group: group.to_vec(),
            consumer: consumer.to_vec(),
        });
        self.notify(
            crate::engine::params::notify::STREAM,
            "xgroup-createconsumer",
            key,
        );
    }

    /// Records a change to a stream's consumer groups: Redis counts it as
    /// `n` changes (`server.dirty`) but neither touches WATCHed keys nor wakes
    /// blocked clients for it.
    pub fn groups_changed(&mut self, n: i64) {
        self.engine.dirty_adjust += n;
    }

    /// Records that a command removed `key`.
    pub fn key_deleted(&mut self, key: &[u8]) {
        let db = self.db_index();
        self.key_deleted_in(db, key);
    }

    /// `key_deleted` for a key in database `db`.
    pub fn key_deleted_in(&mut self, db: usize, key: &[u8]) {
        self.key_removed_in(db, key);
        self.out.push_event(EventKind::KeyDeleted {
            db,
            key: key.to_vec(),
        });
    }

    /// What removing `key` does besides its event (FLUSHDB and FLUSHALL report
    /// one `DbFlushed` instead of an event per key): one change, WATCH, and
    /// group readers blocked on it.
    pub fn key_removed_in(&mut self, db: usize, key: &[u8]) {
        self.engine.dirty_adjust += 1;
        self.engine.touch_watched_key(db, key);
        self.engine.signal_key_deleted(db, key);
    }

    /// Records that `key` got a new expiry time (or lost it). Its value did not
    /// change, so blocked clients are not woken.
    pub fn key_expiry_changed(&mut self, key: &[u8], expires_at_ms: Option<u64>) {
        let db = self.db_index();
        self.engine.dirty_adjust += 1;
        self.out.push_event(EventKind::KeyExpiryChanged {
            db,
            key: key.to_vec(),
            expires_at_ms,
        });
    }

    pub fn client_mut(&mut self) -> &mut super::client::Client {
        self.engine
            .clients
            .get_mut(&self.client)
            .expect("the running client exists")
    }
}

/// Whether a write by this command wakes clients blocked on the key. Redis
/// signals a key as ready when XADD appends or a key is added (RENAME, COPY,
/// MOVE, a new key); the stream commands that only change a stream's metadata
/// or remove entries (XSETID, XDEL, XTRIM, XGROUP, XACK) wake nobody, so a reader blocked on
/// `$` is not served an empty reply by them.
fn signals_ready(fullname: &str) -> bool {
    !matches!(
        fullname,
        "xsetid" | "xdel" | "xdelex" | "xackdel" | "xtrim" | "xack" | "xreadgroup"
    ) && !fullname.starts_with("xgroup")
}

/// The handler of an implemented command or subcommand, by full name.
pub(crate) fn handler(fullname: &str) -> Option<Handler> {
    Some(match fullname {
        "append" => append::append,
        "client" => client::container,
        "client|getname" => client::getname,
        "client|help" => client::help,
        "client|id" => client::id,
        "client|info" => client::info,
        "client|kill" => client::kill,
        "client|list" => client::list,
        "client|setname" => client::setname,
        "client|unblock" => client::unblock,
        "command" => command::command,
        "command|count" => command::count,
        "command|docs" => command::docs,
        "command|info" => command::info,
        "command|list" => command::list,
        "copy" => copy::copy,
        "dbsize" => dbsize::dbsize,
        "decr" => decr::decr,
        "decrby" => decrby::decrby,
        "config" => config::container,
        "config|get" => config::get,
        "config|help" => config::help,
        "config|resetstat" => config::resetstat,
        "config|set" => config::set,
        "debug" => debug::debug,
        "del" => del::del,
        "discard" => discard::discard,
        "echo" => echo::echo,
        "exec" => exec::exec,
        "exists" => exists::exists,
        "expire" => expire::expire,
        "expireat" => expire::expireat,
        "expiretime" => ttl::expiretime,
        "flushall" => flushdb::flushall,
        "flushdb" => flushdb::flushdb,
        "function" => function::container,
        "function|flush" => function::flush,
        "get" => get::get,
        "getdel" => getdel::getdel,
        "getex" => getex::getex,
        "getrange" => getrange::getrange,
        "getset" => getset::getset,
        "hello" => hello::hello,
        "incr" => incr::incr,
        "keys" => keys::keys,
        "info" => info::info,
        "mget" => mget::mget,
        "mset" => mset::mset,
        "multi" => multi::multi,
        "object" => object::object,
        "object|encoding" => object::encoding,
        "object|freq" => object::freq,
        "object|help" => object::help,
        "object|refcount" => object::refcount,
        "persist" => persist::persist,
        "pexpire" => expire::pexpire,
        "pexpireat" => expire::pexpireat,
        "pexpiretime" => ttl::pexpiretime,
        "ping" => ping::ping,
        "pttl" => ttl::pttl,
        "incrby" => incrby::incrby,
        "incrbyfloat" => incrbyfloat::incrbyfloat,
        "msetnx" => msetnx::msetnx,
        "psetex" => psetex::psetex,
        "psubscribe" => psubscribe::psubscribe,
        "publish" => publish::publish,
        "pubsub" => pubsub::container,
        "pubsub|channels" => pubsub::channels,
        "pubsub|help" => pubsub::help,
        "pubsub|numpat" => pubsub::numpat,
        "pubsub|numsub" => pubsub::numsub,
        "pubsub|shardchannels" => pubsub::shardchannels,
        "pubsub|shardnumsub" => pubsub::shardnumsub,
        "punsubscribe" => punsubscribe::punsubscribe,
        "spublish" => spublish::spublish,
        "ssubscribe" => ssubscribe::ssubscribe,
        "subscribe" => subscribe::subscribe,
        "sunsubscribe" => sunsubscribe::sunsubscribe,
        "unsubscribe" => unsubscribe::unsubscribe,
        "quit" => quit::quit,
        "randomkey" => randomkey::randomkey,
        "rename" => rename::rename,
        "renamenx" => rename::renamenx,
        "reset" => reset::reset,
        "scan" => scan::scan,
        "select" => select::select,
        "set" => set::set,
        "unwatch" => unwatch::unwatch,
        "watch" => watch::watch,
        "ttl" => ttl::ttl,
        "type" => r#type::r#type,
        "unlink" => unlink::unlink,
        "setex" => setex::setex,
        "setnx" => setnx::setnx,
        "setrange" => setrange::setrange,
        "strlen" => strlen::strlen,
        "time" => time::time,
        "xadd" => xadd::xadd,
        "xdel" => xdel::xdel,
        "xdelex" => xdelex::xdelex,
        "xackdel" => xackdel::xackdel,
        "xlen" => xlen::xlen,
        "xread" => xread::xread,
        "xrange" => xrange::xrange,
        "xrevrange" => xrange::xrevrange,
        "xtrim" => xtrim::xtrim,
        "xinfo" => xinfo::container,
        "xinfo|help" => xinfo::help,
        "xinfo|stream" => xinfo::stream,
        "xsetid" => xsetid::xsetid,
        "xack" => xack::xack,
        "xautoclaim" => xautoclaim::xautoclaim,
        "xclaim" => xclaim::xclaim,
        "xreadgroup" => xreadgroup::xreadgroup,
        "xpending" => xpending::xpending,
        "xgroup" => xgroup::container,
        "xgroup|create" => xgroup::xgroup,
        "xgroup|createconsumer" => xgroup::xgroup,
        "xgroup|delconsumer" => xgroup::xgroup,
        "xgroup|destroy" => xgroup::xgroup,
        "xgroup|setid" => xgroup::xgroup,
        "xgroup|help" => xgroup::xgroup,
        "xinfo|groups" => xinfo::groups,
        "xinfo|consumers" => xinfo::consumers,
        "memory" => memory::container,
        "memory|usage" => memory::usage,
        _ => return None,
    })
}

/// Finds the command for `argv` and runs it, with Redis's checks in Redis's order,
/// and counts it in `INFO commandstats` / `INFO stats` (a re-run for a blocked
/// client is not counted again).
pub(crate) fn dispatch(
    engine: &mut Engine,
    client: ClientId,
    argv: &[Vec<u8>],
    now_ms: u64,
    out: &mut Outcome,
    reexec: bool,
) -> Flow {
    match run(engine, client, argv, now_ms, out, reexec) {
        Ok(flow) => flow,
        Err(e) => Flow::Reply(e.into()),
    }
}

fn run(
    engine: &mut Engine,
    client: ClientId,
    argv: &[Vec<u8>],
    now_ms: u64,
    out: &mut Outcome,
    reexec: bool,
) -> CmdResult {
    let Some(name) = argv.first() else {
        // An empty command line never reaches a real server's command table.
        return Err(Error::UnknownCommand {
            name: Vec::new(),
            args: Vec::new(),
        });
    };
    if engine.config.test_commands && name.eq_ignore_ascii_case(b"blocktest") {
        return blocktest::blocktest(engine, client, argv, now_ms);
    }
    let v8 = engine.config.profile == super::Profile::V8;
    let resolved = resolve(argv, v8);
    if !reexec {
        // `c->lastcmd` (CLIENT LIST's `cmd=`) is whatever the lookup found, even
        // for a command then refused; an unknown command leaves it NULL.
        if let Some(c) = engine.clients.get_mut(&client) {
            c.last_cmd = resolved.as_ref().ok().map(|s| s.fullname);
        }
    }
    let checked = resolved.and_then(|spec| {
        let refusal = if !spec.arity_ok(argv.len()) {
            Some(Error::WrongArity(spec.fullname.to_string()))
        } else if spec.fullname == "debug" {
            // processCommand refuses DEBUG while enable-debug-command is `no`,
            // its default, before the command runs.
            Some(debug::not_allowed())
        } else {
            check_memory(engine, client, spec)
                .and_then(|()| check_pubsub_context(engine, client, spec, reexec))
                .err()
        };
        match refusal {
            Some(e) => {
                engine.stats.command(spec.fullname).rejected_calls += 1;
                Err(e)
            }
            None => Ok(spec),
        }
    });
    let spec = match checked {
        Ok(spec) => spec,
        Err(e) => {
            // rejectCommand: a rejected command inside MULTI dooms the
            // transaction, and a rejected EXEC discards it with the reason.
            if let Some(c) = engine.clients.get_mut(&client) {
                if c.multi.is_some() {
                    c.dirty_exec = true;
                }
            }
            if name.eq_ignore_ascii_case(b"exec") {
                engine.discard_transaction(client);
                let reason = e.to_bytes();
                let reason = reason.strip_prefix(b"ERR ").unwrap_or(&reason);
                let mut line = b"EXECABORT Transaction discarded because of: ".to_vec();
                line.extend_from_slice(reason);
                return Ok(Reply::Error(line).into());
            }
            return Err(e);
        }
    };
    let in_multi = engine
        .clients
        .get(&client)
        .is_some_and(|c| c.multi.is_some());
    if in_multi
        && !matches!(
            spec.fullname,
            "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
        )
    {
        if let Some(queue) = engine
            .clients
            .get_mut(&client)
            .and_then(|c| c.multi.as_mut())
        {
            queue.push(argv.to_vec());
        }
        return Ok(Reply::simple("QUEUED").into());
    }
    let handler = handler(spec.fullname).expect("every table entry has a handler");
    let first_delivery = out.deliveries.len();
    let mut cx = Cx {
        engine,
        client,
        argv,
        now_ms,
        out,
        reexec,
        spec,
    };
    let flow = handler(&mut cx).unwrap_or_else(|e| Flow::Reply(e.into()));
    if !reexec {
        // A call fails when it produced an error reply for anyone (`call()`
        // compares the error counter before and after).
        let failed = matches!(&flow, Flow::Reply(r) if r.is_error())
            || cx.out.deliveries[first_delivery..]
                .iter()
                .any(|d| d.frame.is_error());
        let engine = cx.engine;
        let stats = engine.stats.command(spec.fullname);
        stats.calls += 1;
        if failed {
            stats.failed_calls += 1;
        }
        engine.stats.total_commands_processed += 1;
    }
    Ok(flow)
}

/// The `maxmemory` check of processCommand: over the limit, commands that may
/// grow memory are refused, and so is queuing inside MULTI (EXEC, DISCARD,
/// QUIT and RESET excepted); reads keep working.
fn check_memory(engine: &Engine, client: ClientId, spec: &CommandSpec) -> Result<(), Error> {
    let limit = engine.settings.maxmemory;
    if limit == 0 || engine.used_memory() <= limit {
        return Ok(());
    }
    let c = engine.clients.get(&client);
    let v8 = engine.config.profile == super::Profile::V8;
    let queued_denyoom = c.and_then(|c| c.multi.as_ref()).is_some_and(|q| {
        q.iter()
            .any(|argv| resolve(argv, v8).is_ok_and(|s| s.has_flag("denyoom")))
    });
    let denyoom = spec.has_flag("denyoom") || (spec.fullname == "exec" && queued_denyoom);
    let queuing = c.is_some_and(|c| c.multi.is_some())
        && !matches!(spec.fullname, "exec" | "discard" | "quit" | "reset");
    if denyoom || queuing {
        return Err(Error::Oom);
    }
    Ok(())
}

/// processCommand's pub/sub context check: a RESP2 client in pub/sub mode may
/// run only the (P|S)(UN)SUBSCRIBE family, PING, QUIT and RESET. RESP3 has no
/// such limit. Commands run by EXEC, or re-run for a blocked client, never
/// pass through this check in Redis (they are `call`ed directly).
fn check_pubsub_context(
    engine: &Engine,
    client: ClientId,
    spec: &CommandSpec,
    reexec: bool,
) -> Result<(), Error> {
    let Some(c) = engine.clients.get(&client) else {
        return Ok(());
    };
    if reexec || c.in_exec || !c.pubsub || c.protocol != super::Protocol::Resp2 {
        return Ok(());
    }
    if matches!(
        spec.fullname,
        "ping"
            | "subscribe"
            | "ssubscribe"
            | "unsubscribe"
            | "sunsubscribe"
            | "psubscribe"
            | "punsubscribe"
            | "quit"
            | "reset"
    ) {
        return Ok(());
    }
    Err(Error::Other(format!(
        "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
        spec.fullname
    )))
}

/// `lookupCommand` + the unknown command / unknown subcommand errors.
fn resolve(argv: &[Vec<u8>], v8: bool) -> Result<&'static CommandSpec, Error> {
    let name = &argv[0];
    let unknown = || Error::UnknownCommand {
        name: name.clone(),
        args: argv[1..].to_vec(),
    };
    let base = table::lookup(name, v8).ok_or_else(unknown)?;
    if argv.len() == 1 || base.subcommands.is_empty() {
        return Ok(base);
    }
    table::lookup_sub(base, &argv[1]).ok_or_else(|| Error::UnknownSubcommand {
        container: String::from_utf8_lossy(name).to_uppercase(),
        sub: argv[1].clone(),
    })
}

/// `addReplyHelp`: the header line with the command name as typed, upper-cased,
/// then the lines, then HELP's own two lines; all status replies.
pub(crate) fn help_reply(argv0: &[u8], lines: &[&str]) -> Reply {
    let mut items = Vec::with_capacity(lines.len() + 3);
    let mut header = argv0.to_ascii_uppercase();
    header.extend_from_slice(b" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    items.push(Reply::Simple(header));
    items.extend(lines.iter().map(|l| Reply::simple(l)));
    items.push(Reply::simple("HELP"));
    items.push(Reply::simple("    Prints this help."));
    Reply::Array(items)
}

/// `addReplySubcommandSyntaxError` for the running command.
pub(crate) fn subcommand_syntax(argv: &[Vec<u8>]) -> Error {
    Error::SubcommandSyntax {
        container: String::from_utf8_lossy(argv.first().map_or(&[][..], |a| a)).to_uppercase(),
        sub: argv.get(1).cloned().unwrap_or_default(),
    }
}

/// An error line that echoes an argument (`Unknown client type 'x'`): the
/// argument is written as the C string Redis formats with `%s`, so it stops at a
/// NUL byte, and non-UTF-8 bytes pass through unchanged.
pub(crate) fn error_with_arg(before: &str, arg: &[u8], after: &str) -> Reply {
    let mut line = before.as_bytes().to_vec();
    line.extend_from_slice(c_str(arg));
    line.extend_from_slice(after.as_bytes());
    Reply::Error(line)
}

/// `getLongLongFromObjectOrReply` with the default message.
pub(crate) fn arg_i64(s: &[u8]) -> Result<i64, Error> {
    string2ll(s).ok_or(Error::NotInteger)
}

/// `getLongLongFromObjectOrReply` with a message of the command's own (the
/// whole error line, code included).
pub(crate) fn arg_i64_or(s: &[u8], msg: &str) -> Result<i64, Error> {
    string2ll(s).ok_or_else(|| Error::Other(msg.to_string()))
}

/// The bytes of an argument up to its first NUL, as C string functions
/// (`strcasecmp`, `opt[2] == '\0'`) see it.
pub(crate) fn c_str(s: &[u8]) -> &[u8] {
    &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())]
}

/// Case-insensitive keyword match, as Redis's `strcasecmp(arg, "kw")`.
pub(crate) fn is_kw(arg: &[u8], kw: &str) -> bool {
    c_str(arg).eq_ignore_ascii_case(kw.as_bytes())
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn every_table_entry_has_a_handler() {
        for spec in table::help_entries() {
            assert!(
                handler(spec.fullname).is_some(),
                "{} has no handler",
                spec.fullname
            );
        }
    }
}
