//! The commands: one file per command or small family (each handler reads parse → validate →
//! look up → mutate → reply), and `handler`, the name → handler table dispatch uses. Dispatch
//! itself is in `dispatch.rs`, the handler's context in `context.rs`, argument helpers in `args.rs`;
//! they are re-exported here so that handlers import everything from `super`.

mod args;
mod context;
mod dispatch;

pub(crate) use args::*;
pub(crate) use context::*;
pub(crate) use dispatch::dispatch;

mod append;
mod blocktest;
mod blpop;
mod bzpop;
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
mod hashes;
mod hdel;
mod hello;
mod hget;
mod hgetall;
mod hincrby;
mod hrandfield;
mod hscan;
mod hset;
mod incr;
mod incrby;
mod incrbyfloat;
mod info;
mod keys;
mod lindex;
mod linsert;
mod lists;
pub(crate) use lists::pop_argv_for_key;
mod llen;
mod lmove;
mod lmpop;
mod lpop;
mod lpos;
mod lpush;
mod lrange;
mod lrem;
mod lset;
mod ltrim;
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
mod sadd;
mod scan;
mod select;
mod set;
mod setex;
mod setnx;
mod setrange;
mod sets;
mod sinter;
mod sismember;
mod smembers;
mod smove;
mod spop;
mod spublish;
mod srandmember;
mod srem;
mod sscan;
mod ssubscribe;
mod strlen;
mod subscribe;
mod sunion;
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
mod zadd;
mod zcard;
mod zcount;
mod zhelpers;
mod zpop;
mod zrandmember;
mod zrange;
mod zrank;
mod zrem;
mod zremrange;
mod zscan;
mod zscore;
mod zunion;

pub(crate) use super::client::{Serve, StreamWait};

/// Defines `handler` (full name → handler, a `match`) and `HANDLED` (the same full names as a
/// list, for the test that checks the table and the handlers against each other) from one list.
macro_rules! handlers {
    ($($name:literal => $handler:path,)*) => {
        /// The handler of an implemented command or subcommand, by full name.
        pub(crate) fn handler(fullname: &str) -> Option<Handler> {
            Some(match fullname {
                $($name => $handler,)*
                _ => return None,
            })
        }

        /// Every full name `handler` answers.
        #[cfg(test)]
        const HANDLED: &[&str] = &[$($name),*];
    };
}

handlers! {
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
    "client|reply" => client::reply,
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
    "zadd" => zadd::zadd,
    "zincrby" => zadd::zincrby,
    "zrem" => zrem::zrem,
    "zscore" => zscore::zscore,
    "zmscore" => zscore::zmscore,
    "zcard" => zcard::zcard,
    "zcount" => zcount::zcount,
    "zlexcount" => zcount::zlexcount,
    "zrank" => zrank::zrank,
    "zrevrank" => zrank::zrevrank,
    "zrange" => zrange::zrange,
    "zrangestore" => zrange::zrangestore,
    "zrevrange" => zrange::zrevrange,
    "zrangebyscore" => zrange::zrangebyscore,
    "zrevrangebyscore" => zrange::zrevrangebyscore,
    "zrangebylex" => zrange::zrangebylex,
    "zrevrangebylex" => zrange::zrevrangebylex,
    "zrandmember" => zrandmember::zrandmember,
    "zpopmin" => zpop::zpopmin,
    "zpopmax" => zpop::zpopmax,
    "zmpop" => zpop::zmpop,
    "bzpopmin" => bzpop::bzpopmin,
    "bzpopmax" => bzpop::bzpopmax,
    "bzmpop" => bzpop::bzmpop,
    "zremrangebyrank" => zremrange::zremrangebyrank,
    "zremrangebyscore" => zremrange::zremrangebyscore,
    "zremrangebylex" => zremrange::zremrangebylex,
    "zunionstore" => zunion::zunionstore,
    "zinterstore" => zunion::zinterstore,
    "zdiffstore" => zunion::zdiffstore,
    "zunion" => zunion::zunion,
    "zinter" => zunion::zinter,
    "zdiff" => zunion::zdiff,
    "zintercard" => zunion::zintercard,
    "zscan" => zscan::zscan,
    "blmove" => lmove::blmove,
    "blmpop" => lmpop::blmpop,
    "blpop" => blpop::blpop,
    "brpop" => blpop::brpop,
    "brpoplpush" => lmove::brpoplpush,
    "lindex" => lindex::lindex,
    "linsert" => linsert::linsert,
    "llen" => llen::llen,
    "lmove" => lmove::lmove,
    "lmpop" => lmpop::lmpop,
    "lpop" => lpop::lpop,
    "lpos" => lpos::lpos,
    "lpush" => lpush::lpush,
    "lpushx" => lpush::lpushx,
    "lrange" => lrange::lrange,
    "lrem" => lrem::lrem,
    "lset" => lset::lset,
    "ltrim" => ltrim::ltrim,
    "rpop" => lpop::rpop,
    "rpoplpush" => lmove::rpoplpush,
    "rpush" => lpush::rpush,
    "rpushx" => lpush::rpushx,
    "hdel" => hdel::hdel,
    "hexists" => hget::hexists,
    "hget" => hget::hget,
    "hgetall" => hgetall::hgetall,
    "hincrby" => hincrby::hincrby,
    "hincrbyfloat" => hincrby::hincrbyfloat,
    "hkeys" => hgetall::hkeys,
    "hlen" => hget::hlen,
    "hmget" => hget::hmget,
    "hmset" => hset::hmset,
    "hrandfield" => hrandfield::hrandfield,
    "hscan" => hscan::hscan,
    "hset" => hset::hset,
    "hsetnx" => hset::hsetnx,
    "hstrlen" => hget::hstrlen,
    "hvals" => hgetall::hvals,
    "sadd" => sadd::sadd,
    "scard" => sismember::scard,
    "sdiff" => sunion::sdiff,
    "sdiffstore" => sunion::sdiffstore,
    "sinter" => sinter::sinter,
    "sintercard" => sinter::sintercard,
    "sinterstore" => sinter::sinterstore,
    "sismember" => sismember::sismember,
    "smembers" => smembers::smembers,
    "smismember" => sismember::smismember,
    "smove" => smove::smove,
    "spop" => spop::spop,
    "srandmember" => srandmember::srandmember,
    "srem" => srem::srem,
    "sscan" => sscan::sscan,
    "sunion" => sunion::sunion,
    "sunionstore" => sunion::sunionstore,
}

#[cfg(test)]
mod tests {
    use super::*;
    use crate::engine::table;

    /// Both directions: every entry of the table (either profile's, subcommands included) has a
    /// handler, and every handler is for an entry of the table, each named once.
    #[test]
    fn the_table_and_the_handlers_match() {
        let entries: Vec<&str> = table::all_entries().iter().map(|s| s.fullname).collect();
        for name in &entries {
            assert!(handler(name).is_some(), "{name} has no handler");
        }
        for name in HANDLED {
            assert!(
                entries.contains(name),
                "the handler of {name} has no table entry"
            );
            assert!(handler(name).is_some(), "{name}");
        }
        let mut names = HANDLED.to_vec();
        names.sort_unstable();
        names.dedup();
        assert_eq!(names.len(), HANDLED.len(), "a full name has two handlers");
        // Names outside the table have none.
        assert!(handler("nosuchcommand").is_none());
        assert!(handler("xgroup|nosuch").is_none());
    }
}
