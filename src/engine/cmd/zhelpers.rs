//! What the sorted set commands share: looking a sorted set up for reading or writing, recording a
//! change (events, `dirty`, the notification and the `del` of an emptied key), storing a result
//! (the STORE commands), Redis's long-argument helpers with their messages, and the replies
//! (scores printed per profile, member lists with or without scores per protocol).

use super::Cx;
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::params::notify;
use crate::engine::zset::{fmt_score, ZSet};
use crate::engine::{Profile, Protocol, Reply};

impl Cx<'_> {
    /// The sorted set at `key` for reading (`lookupKeyRead` + `checkType`).
    pub fn read_zset(&mut self, key: &[u8]) -> Result<Option<&ZSet>, Error> {
        self.count_read_lookup(key);
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(None),
            Some(e) => e.value.zset().map(Some),
        }
    }

    /// Whether `key` holds a sorted set (`lookupKeyWrite` + `checkType`).
    pub fn write_zset_exists(&mut self, key: &[u8]) -> Result<bool, Error> {
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(false),
            Some(e) => e.value.zset().map(|_| true),
        }
    }

    /// Changes the sorted set at `key` (which the caller found to exist) through `Db::modify`.
    pub fn modify_zset<R>(&mut self, key: &[u8], f: impl FnOnce(&mut ZSet) -> R) -> Option<R> {
        let now = self.now_ms;
        self.db()
            .modify(key, now, |e| e.value.zset_mut().ok().map(f))
            .flatten()
    }

    /// Whether the running profile is Redis 8.
    pub fn v8(&self) -> bool {
        self.engine.profile() == Profile::V8
    }

    /// Whether the running client speaks RESP3.
    pub fn resp3(&self) -> bool {
        self.engine
            .clients
            .get(&self.client)
            .is_some_and(|c| c.protocol == Protocol::Resp3)
    }

    /// Records a change to the sorted set at `key` that Redis counts as `changes` in `dirty`:
    /// the write (or, when the set became empty, its deletion), then the `event` notification
    /// and, for an emptied set, `del`.
    pub fn zset_changed(&mut self, key: &[u8], event: &'static str, changes: i64) {
        let db = self.db_index();
        let emptied = self.engine.dbs[db]
            .peek_stored(key)
            .is_some_and(|e| e.value.zset().is_ok_and(ZSet::is_empty));
        if emptied {
            let now = self.now_ms;
            self.db().remove(key, now);
            self.key_deleted(key);
        } else {
            self.key_written(key);
        }
        self.engine.dirty_adjust += changes - 1;
        self.notify(notify::ZSET, event, key);
        if emptied {
            self.notify(notify::GENERIC, "del", key);
        }
    }

    /// Stores a STORE command's result at `dst` (`setKey`: any old value and its TTL go) with
    /// the `event` notification, or, for an empty result, deletes `dst` (`del`). Answers the
    /// result's size.
    pub fn store_zset(&mut self, dst: &[u8], result: ZSet, event: &'static str) -> Reply {
        let now = self.now_ms;
        // The lookup expires an old value whose time passed, as `setKey`'s does.
        self.db().get(dst, now);
        let len = result.len();
        if len > 0 {
            self.db().set(
                dst.to_vec(),
                Entry::new(Value::ZSet(Box::new(result)), None),
            );
            self.key_written(dst);
            self.notify(notify::ZSET, event, dst);
        } else if self.db().remove(dst, now) {
            self.key_deleted(dst);
            self.notify(notify::GENERIC, "del", dst);
        }
        Reply::Integer(len as i64)
    }
}

/// A score as a reply: a RESP3 double (a bulk string in RESP2) printed per profile.
pub(super) fn score_reply(score: f64, v8: bool) -> Reply {
    Reply::Double(fmt_score(score, v8).into_bytes())
}

/// Members with their scores: RESP2 one flat array, RESP3 an array of [member, score] pairs;
/// without scores, an array of members.
pub(super) fn members_reply<'a>(
    items: impl Iterator<Item = (f64, &'a [u8])>,
    withscores: bool,
    resp3: bool,
    v8: bool,
) -> Reply {
    let mut out = Vec::new();
    for (score, member) in items {
        let m = Reply::Bulk(member.to_vec());
        if !withscores {
            out.push(m);
        } else if resp3 {
            out.push(Reply::Array(vec![m, score_reply(score, v8)]));
        } else {
            out.push(m);
            out.push(score_reply(score, v8));
        }
    }
    Reply::Array(out)
}

/// `getLongFromObjectOrReply` with an optional message of the command's own (used for every
/// failure when given).
pub(super) fn arg_long(arg: &[u8], msg: Option<&str>) -> Result<i64, Error> {
    crate::engine::num::string2ll(arg).ok_or_else(|| match msg {
        Some(m) => Error::Other(format!("ERR {m}")),
        None => Error::NotInteger,
    })
}

/// `getRangeLongFromObjectOrReply`.
pub(super) fn arg_range_long(
    arg: &[u8],
    min: i64,
    max: i64,
    msg: Option<&str>,
) -> Result<i64, Error> {
    let v = arg_long(arg, msg)?;
    if v < min || v > max {
        return Err(Error::Other(match msg {
            Some(m) => format!("ERR {m}"),
            None => format!("ERR value is out of range, value must between {min} and {max}"),
        }));
    }
    Ok(v)
}

/// `getPositiveLongFromObjectOrReply`.
pub(super) fn arg_positive_long(arg: &[u8], msg: Option<&str>) -> Result<i64, Error> {
    arg_range_long(
        arg,
        0,
        i64::MAX,
        Some(msg.unwrap_or("value is out of range, must be positive")),
    )
}

/// Redis's rank sanitising (`start`/`end` from the end when negative): the index range
/// `start..end` of a set of `len`, or `None` when it is empty.
pub(super) fn rank_span(start: i64, end: i64, len: usize) -> Option<(usize, usize)> {
    let llen = len as i64;
    let mut start = if start < 0 { llen + start } else { start };
    let mut end = if end < 0 { llen + end } else { end };
    if start < 0 {
        start = 0;
    }
    if start > end || start >= llen {
        return None;
    }
    if end >= llen {
        end = llen - 1;
    }
    Some((start as usize, end as usize + 1))
}

impl Cx<'_> {
    /// The sorted set at `key` again, after a `read_zset` already counted the lookup (no
    /// statistic, no expiry).
    pub fn read_zset_quietly(&self, key: &[u8]) -> Option<&crate::engine::zset::ZSet> {
        let db = self.db_index();
        self.engine.dbs[db]
            .peek_stored(key)
            .and_then(|e| e.value.zset().ok())
    }
}
