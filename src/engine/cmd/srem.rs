//! SREM key member [member ...] — answers how many members were removed; the key goes
//! with its last member (`srem`, then `del`). One change per member removed.

use super::{CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn srem(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    if cx.peek_set(key)?.is_none() {
        return Ok(Reply::Integer(0).into());
    }
    let removed = cx
        .modify_set(key, |s| {
            let mut n = 0;
            for m in &argv[2..] {
                if s.remove(m) {
                    n += 1;
                    if s.is_empty() {
                        break;
                    }
                }
            }
            n
        })
        .unwrap_or(0);
    if removed > 0 {
        cx.notify(notify::SET, "srem", key);
        cx.finish_write(key, removed);
    }
    Ok(Reply::Integer(removed).into())
}
