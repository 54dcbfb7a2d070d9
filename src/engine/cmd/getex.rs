//! GETEX key [EX seconds | PX milliseconds | EXAT unix-time-seconds |
//!   PXAT unix-time-milliseconds | PERSIST]
//!
//! GET that also sets or removes the expiry. The option keywords are checked
//! first (SET's parser, without NX/XX/GET/KEEPTTL; PERSIST excludes the expiry
//! options), then the key is looked up (a missing key answers nil even when
//! the expiry value is bad), and only then the expiry value is converted. An
//! EXAT/PXAT time that has already passed deletes the key, after the value was
//! read for the reply.

use super::set::{expire_at_ms, parse_options, Family};
use super::{CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn getex(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let o = parse_options(argv, Family::GetEx)?;
    let key = &argv[1];
    let now = cx.now_ms;
    let Some(value) = cx.get_string(key)? else {
        return Ok(Reply::Null.into());
    };
    if let Some((kind, text)) = o.expire {
        let at = expire_at_ms(cx, kind, text)?;
        if kind.is_absolute() && at <= now {
            if cx.db().remove(key, now) {
                cx.key_deleted(key);
                cx.notify(notify::GENERIC, "del", key);
            }
        } else {
            cx.db().modify(key, now, |e| e.expires_at_ms = Some(at));
            cx.key_written(key);
            cx.notify(notify::GENERIC, "expire", key);
        }
    } else if o.persist {
        let removed = cx
            .db()
            .modify(key, now, |e| e.expires_at_ms.take().is_some());
        if removed == Some(true) {
            cx.key_written(key);
            cx.notify(notify::GENERIC, "persist", key);
        }
    }
    Ok(Reply::Bulk(value).into())
}
