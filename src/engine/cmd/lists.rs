//! What the list commands share (`t_list.c`'s helpers): LEFT/RIGHT, the list
//! lookups, a push that creates the key (`lmoveHandlePush`, `pushGenericCommand`),
//! the bookkeeping after elements went (`listElementsRemoved`: the pop event,
//! `del` of an emptied key), Redis's `server.dirty` counts, the seconds timeout
//! of the blocking pops (`getTimeoutFromObjectOrReply` with `UNIT_SECONDS`) and
//! blocking on keys of a type (`block_pop`, shared with the sorted-set pops).

use super::{is_kw, BlockOn, CmdResult, Cx, Flow, Serve};
use crate::engine::error::Error;
use crate::engine::event::EventKind;
use crate::engine::keyspace::{Entry, Value};
pub(super) use crate::engine::list::End;
use crate::engine::list::List;
use crate::engine::longdouble::{string2ld, LongDouble};
use crate::engine::params::notify;
use crate::engine::Reply;

/// `getListPositionFromObjectOrReply`: LEFT or RIGHT, any case.
pub(super) fn parse_end(arg: &[u8]) -> Result<End, Error> {
    if is_kw(arg, "right") {
        Ok(End::Right)
    } else if is_kw(arg, "left") {
        Ok(End::Left)
    } else {
        Err(Error::Syntax)
    }
}

/// An error line of the command's own (`addReplyError(c, msg)`).
pub(super) fn err(msg: &str) -> Error {
    Error::Other(format!("ERR {msg}"))
}

/// `getPositiveLongFromObjectOrReply`: an integer not below 0, with one
/// message for both failures (the command's, or Redis's default).
pub(super) fn arg_positive(arg: &[u8], msg: Option<&str>) -> Result<i64, Error> {
    super::string2ll(arg)
        .filter(|&v| v >= 0)
        .ok_or_else(|| err(msg.unwrap_or("value is out of range, must be positive")))
}

/// `getRangeLongFromObjectOrReply(c, o, 1, LONG_MAX, .., msg)`: one message for both failures.
pub(super) fn arg_at_least_one(arg: &[u8], msg: &str) -> Result<i64, Error> {
    super::string2ll(arg)
        .filter(|&v| v >= 1)
        .ok_or_else(|| err(msg))
}

impl Cx<'_> {
    /// The list at `key` for reading (`lookupKeyRead` + `checkType`).
    pub(super) fn read_list(&mut self, key: &[u8]) -> Result<Option<&List>, Error> {
        self.count_read_lookup(key);
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(None),
            Some(e) => e.value.list().map(Some),
        }
    }

    /// The length of the list at `key` looked up for writing (`lookupKeyWrite`
    /// + `checkType`): `None` when missing.
    pub(super) fn write_list_len(&mut self, key: &[u8]) -> Result<Option<usize>, Error> {
        let now = self.now_ms;
        match self.db().get(key, now) {
            None => Ok(None),
            Some(e) => e.value.list().map(|l| Some(l.len())),
        }
    }

    /// Changes the list at `key` through `Db::modify` (the byte count stays exact).
    pub(super) fn modify_list<R>(
        &mut self,
        key: &[u8],
        f: impl FnOnce(&mut List) -> R,
    ) -> Option<R> {
        let (mut f, mut r) = (Some(f), None);
        self.modify_list_dyn(key, &mut |l| r = f.take().map(|f| f(l)));
        r
    }

    /// `modify_list`'s one instance of `Db::modify` (a generic closure there
    /// would copy `Db::modify` and its index updates into the page per caller).
    fn modify_list_dyn(&mut self, key: &[u8], f: &mut dyn FnMut(&mut List)) {
        let now = self.now_ms;
        self.db().modify(key, now, |e| {
            if let Value::List(l) = &mut e.value {
                f(l);
            }
        });
    }

    /// Whether the client runs its command inside EXEC (`CLIENT_DENY_BLOCKING`).
    pub(super) fn in_exec(&self) -> bool {
        self.engine
            .clients
            .get(&self.client)
            .is_some_and(|c| c.in_exec)
    }

    /// Sets this command's changes (`server.dirty`) to `n` on top of `before`
    /// (what the counter held when the command started): the write helpers
    /// count one per key, Redis counts per element.
    pub(super) fn set_dirty(&mut self, before: i64, n: usize) {
        self.engine.dirty_adjust = before + n as i64;
    }

    pub(super) fn dirty_now(&self) -> i64 {
        self.engine.dirty_adjust
    }
}

/// `left` or `right`, as the list events name an end.
fn end_name(end: End) -> &'static str {
    match end {
        End::Left => "left",
        End::Right => "right",
    }
}

/// The `ListPopped` event for `count` elements from `end` of the list at `key`.
fn popped_event(cx: &mut Cx, key: &[u8], end: End, count: usize) {
    let db = cx.db_index();
    cx.out.push_event(EventKind::ListPopped {
        db,
        key: key.to_vec(),
        end: end_name(end).into(),
        count: count as u64,
    });
}

fn push_event(end: End) -> &'static str {
    match end {
        End::Left => "lpush",
        End::Right => "rpush",
    }
}

fn pop_event(end: End) -> &'static str {
    match end {
        End::Left => "lpop",
        End::Right => "rpop",
    }
}

/// Pushes `values` one by one at `end` of the list at `key` (the caller checked
/// its type), creating it first (`dbAdd`: the `new` notification); then the
/// write and the `lpush`/`rpush` notification. Returns the new length.
pub(super) fn push(cx: &mut Cx, key: &[u8], end: End, values: &[Vec<u8>]) -> usize {
    let now = cx.now_ms;
    if !cx.db().contains(key, now) {
        let list = List::new(cx.v8());
        cx.db()
            .set(key.to_vec(), Entry::new(Value::List(Box::new(list)), None));
        cx.notify(notify::NEW, "new", key);
    }
    let len = cx
        .modify_list(key, |l| {
            l.push(end, values);
            l.len()
        })
        .unwrap_or(0);
    let db = cx.db_index();
    cx.out.push_event(EventKind::ListPushed {
        db,
        key: key.to_vec(),
        end: end_name(end).into(),
        elements: values.to_vec(),
    });
    cx.key_written(key);
    cx.notify(notify::LIST, push_event(end), key);
    len
}

/// Pops up to `n` elements from `end` of the list at `key`, which exists and
/// is not empty, then does `listElementsRemoved`'s bookkeeping.
pub(super) fn pop(cx: &mut Cx, key: &[u8], end: End, n: usize) -> Vec<Vec<u8>> {
    let popped = cx.modify_list(key, |l| l.pop(end, n)).unwrap_or_default();
    popped_event(cx, key, end, popped.len());
    cx.notify(notify::LIST, pop_event(end), key);
    removed(cx, key);
    popped
}

/// After elements of the list at `key` went: an emptied key is deleted (with
/// `del`); otherwise profile 8 may convert it back to a listpack. Either way
/// the key was written (`signalModifiedKey`).
pub(super) fn removed(cx: &mut Cx, key: &[u8]) {
    let v8 = cx.v8();
    let empty = cx
        .modify_list(key, |l| {
            l.after_shrinking(v8);
            l.is_empty()
        })
        .unwrap_or(false);
    if empty {
        let now = cx.now_ms;
        cx.db().remove(key, now);
        cx.key_deleted(key);
        cx.notify(notify::GENERIC, "del", key);
    } else {
        cx.key_written(key);
    }
}

/// The `[key, [elements]]` reply of LMPOP and BLMPOP.
pub(super) fn key_and_elements(key: &[u8], items: Vec<Vec<u8>>) -> Reply {
    Reply::Array(vec![
        Reply::Bulk(key.to_vec()),
        Reply::Array(items.into_iter().map(Reply::Bulk).collect()),
    ])
}

/// LMOVE's work once the source was found to hold a non-empty list: the
/// destination's type is checked, one element moves (pushed first, with its
/// notifications, then the source's pop notification and `del`), one change.
pub(super) fn move_one(cx: &mut Cx, src: &[u8], dst: &[u8], from: End, to: End) -> CmdResult {
    cx.write_list_len(dst)?;
    let dirty = cx.dirty_now();
    let value = cx
        .modify_list(src, |l| l.pop(from, 1))
        .and_then(|mut v| v.pop())
        .unwrap_or_default();
    popped_event(cx, src, from, 1);
    push(cx, dst, to, std::slice::from_ref(&value));
    cx.notify(notify::LIST, pop_event(from), src);
    removed(cx, src);
    cx.set_dirty(dirty, 1);
    Ok(Reply::Bulk(value).into())
}

/// `getTimeoutFromObjectOrReply(.., UNIT_SECONDS)`: seconds as a `long double`,
/// times 1000 rounded up (`ceill`) to milliseconds. 7.0.15 converts an
/// infinite or too large product to `LLONG_MIN` ("negative"); 7.2+ refuses it
/// as out of range, and also a deadline that would overflow.
pub(super) fn parse_timeout_secs(arg: &[u8], v8: bool, now_ms: u64) -> Result<u64, Error> {
    let value = string2ld(arg).ok_or_else(|| err("timeout is not a float or out of range"))?;
    let negative = arg.first() == Some(&b'-');
    // The product rounded up, as a wide integer (saturated far outside i64).
    let ceiled: i128 = match value {
        LongDouble::Infinite if negative => i128::MIN,
        LongDouble::Infinite => i128::MAX,
        LongDouble::Finite(ld) => {
            let (neg, m, q) = ld.parts();
            let (m, q) = round_to_64_bits(u128::from(m) * 1000, q);
            let magnitude: i128 = if q >= 0 {
                if q > 60 {
                    i128::MAX / 2
                } else {
                    (m << q) as i128
                }
            } else {
                let shift = q.unsigned_abs();
                let int = if shift >= 128 { 0 } else { m >> shift };
                let frac = shift >= 128 && m != 0 || shift < 128 && int << shift != m;
                // ceil rounds a positive fraction up and a negative one towards zero.
                int as i128 + i128::from(frac && !neg)
            };
            if neg {
                -magnitude
            } else {
                magnitude
            }
        }
    };
    if v8 && ceiled > i128::from(i64::MAX) {
        return Err(err("timeout is out of range"));
    }
    // `(long long)` of a value outside its range is x86's `LLONG_MIN`.
    let ms = i64::try_from(ceiled).unwrap_or(i64::MIN);
    let ms = u64::try_from(ms).map_err(|_| err("timeout is negative"))?;
    let now = i64::try_from(now_ms).unwrap_or(i64::MAX).unsigned_abs();
    if v8 && ms > 0 && ms > (i64::MAX as u64).saturating_sub(now) {
        return Err(err("timeout is out of range"));
    }
    Ok(ms)
}

/// `m * 2^q` with `m` rounded to 64 significant bits, to nearest, ties to even
/// (the x87 multiplication's rounding).
fn round_to_64_bits(mut m: u128, mut q: i32) -> (u128, i32) {
    let bits = 128 - m.leading_zeros();
    if bits > 64 {
        let shift = bits - 64;
        let rem = m & ((1u128 << shift) - 1);
        let half = 1u128 << (shift - 1);
        m >>= shift;
        q += shift as i32;
        if rem > half || (rem == half && m & 1 == 1) {
            m += 1;
            if m >> 64 != 0 {
                m >>= 1;
                q += 1;
            }
        }
    }
    (m, q)
}

/// Blocks on `keys` (duplicates once) until one of them holds a `type_name`
/// value; the timeout answers a null array (`replyToBlockedClientTimedOut`).
/// Inside EXEC the caller gets that null array at once.
pub(super) fn block_pop(keys: &[Vec<u8>], timeout_ms: u64, type_name: &str) -> CmdResult {
    let mut unique: Vec<Vec<u8>> = Vec::with_capacity(keys.len());
    for k in keys {
        if !unique.contains(k) {
            unique.push(k.clone());
        }
    }
    Ok(Flow::Block(BlockOn {
        keys: unique,
        timeout_ms,
        timeout_reply: Reply::NullArray,
        argv: None,
        serve: Serve::Pop {
            type_name: type_name.into(),
        },
        wake_at_ms: None,
    }))
}

/// The command a 7.0 blocking pop re-runs when `key` became ready: 7.0.15
/// serves it in place from that one key (`serveClientsBlockedOnListKey`), which
/// is what the command does given only that key. `B*MPOP timeout numkeys
/// key... rest` keeps `rest`; `BLPOP key... timeout` (and the sorted-set pops of
/// that shape) keep the timeout; BLMOVE and BRPOPLPUSH have one key already.
pub(crate) fn pop_argv_for_key(argv: &[Vec<u8>], key: &[u8]) -> Vec<Vec<u8>> {
    let name = argv[0].to_ascii_lowercase();
    if name.ends_with(b"mpop") {
        let numkeys = super::string2ll(&argv[2]).unwrap_or(0).max(0) as usize;
        let rest = argv.get(3 + numkeys..).unwrap_or(&[]);
        let mut one = vec![
            argv[0].clone(),
            argv[1].clone(),
            b"1".to_vec(),
            key.to_vec(),
        ];
        one.extend_from_slice(rest);
        one
    } else if name == b"blmove" || name == b"brpoplpush" {
        argv.to_vec()
    } else {
        vec![argv[0].clone(), key.to_vec(), argv[argv.len() - 1].clone()]
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn t(arg: &str, v8: bool) -> Result<u64, String> {
        parse_timeout_secs(arg.as_bytes(), v8, 1_700_000_000_000).map_err(|e| e.to_string())
    }

    #[test]
    fn seconds_timeouts_round_up_to_milliseconds() {
        assert_eq!(t("0", false), Ok(0));
        assert_eq!(t("1", false), Ok(1000));
        assert_eq!(t("0.1", true), Ok(100));
        assert_eq!(t("0.0001", false), Ok(1));
        assert_eq!(t("1.5", false), Ok(1500));
        assert_eq!(t("-0.0001", false), Ok(0));
        assert_eq!(t("-1", false).unwrap_err(), "ERR timeout is negative");
        assert_eq!(t("inf", false).unwrap_err(), "ERR timeout is negative");
        assert_eq!(t("inf", true).unwrap_err(), "ERR timeout is out of range");
        assert_eq!(t("-inf", true).unwrap_err(), "ERR timeout is negative");
        assert_eq!(t("1e300", false).unwrap_err(), "ERR timeout is negative");
        assert_eq!(t("1e300", true).unwrap_err(), "ERR timeout is out of range");
        assert_eq!(
            t("abc", false).unwrap_err(),
            "ERR timeout is not a float or out of range"
        );
        assert_eq!(
            t(" 1", false).unwrap_err(),
            "ERR timeout is not a float or out of range"
        );
    }

    #[test]
    fn a_ready_key_narrows_the_command_to_it() {
        let a = |s: &str| crate::engine::test_util::argv(s);
        assert_eq!(pop_argv_for_key(&a("BLPOP a b c 5"), b"b"), a("BLPOP b 5"));
        assert_eq!(
            pop_argv_for_key(&a("blmpop 0 3 a b c LEFT COUNT 2"), b"c"),
            a("blmpop 0 1 c LEFT COUNT 2")
        );
        assert_eq!(
            pop_argv_for_key(&a("BLMOVE a b LEFT RIGHT 0"), b"a"),
            a("BLMOVE a b LEFT RIGHT 0")
        );
    }
}
