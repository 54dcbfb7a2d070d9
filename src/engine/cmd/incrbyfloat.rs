//! INCRBYFLOAT key increment — adds in Redis's 80-bit `long double`
//! arithmetic (see `engine::longdouble`) and stores the printed sum, which is
//! also the reply (a bulk string in RESP2 and RESP3 alike). The expiry is kept.
//!
//! Both numbers must be what `string2ld` accepts (`value is not a valid
//! float`, the stored value checked first); a NaN or infinite sum, including
//! one from a typed `inf`, is `increment would produce NaN or Infinity`.

use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Repr, Value};
use crate::engine::longdouble::{self, Ld, LongDouble};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn incrbyfloat(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    let now = cx.now_ms;
    let (value, ttl, found) = match cx.db().get(key, now) {
        None => (LongDouble::Finite(Ld::ZERO), None, false),
        Some(e) => (
            longdouble::string2ld(e.value.string()?).ok_or(Error::NotFloat)?,
            e.expires_at_ms,
            true,
        ),
    };
    let incr = longdouble::string2ld(&argv[2]).ok_or(Error::NotFloat)?;
    let sum = longdouble::add(value, incr).ok_or(Error::NanOrInfinity)?;
    let text = longdouble::to_human(sum).into_bytes();
    cx.db().set(
        key.clone(),
        // createStringObjectFromLongDouble: `embstr` or `raw`, never `int`.
        Entry {
            repr: Repr::Created,
            ..Entry::new(Value::String(text.clone()), ttl)
        },
    );
    cx.key_written(key);
    if !found {
        cx.notify(notify::NEW, "new", key);
    }
    cx.notify(notify::STRING, "incrbyfloat", key);
    Ok(Reply::Bulk(text).into())
}
