//! ZREM key member [member ...] — removes members; an emptied set's key is deleted.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn zrem(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    if !cx.write_zset_exists(key)? {
        return Ok(Reply::Integer(0).into());
    }
    let deleted = cx
        .modify_zset(key, |z| {
            let mut n = 0;
            for m in &argv[2..] {
                n += i64::from(z.remove(m).is_some());
                // Redis stops at once when the set is empty (and deletes the key).
                if z.is_empty() {
                    break;
                }
            }
            n
        })
        .unwrap_or(0);
    if deleted > 0 {
        cx.zset_changed(key, "zrem", deleted);
    }
    Ok(Reply::Integer(deleted).into())
}
