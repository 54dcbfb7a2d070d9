//! HDEL key field [field ...] — answers how many fields were removed; the key goes
//! when its last field does (`hdel`, then `del`). Redis counts one change per field.

use super::{CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn hdel(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    if !cx.write_hash_exists(key)? {
        return Ok(Reply::Integer(0).into());
    }
    // Redis stops at the field that empties the hash.
    let deleted = cx
        .modify_hash(key, |h| {
            let mut n = 0;
            for f in &argv[2..] {
                if h.remove(f) {
                    n += 1;
                    if h.is_empty() {
                        break;
                    }
                }
            }
            n
        })
        .unwrap_or(0);
    if deleted > 0 {
        cx.notify(notify::HASH, "hdel", key);
        cx.finish_write(key, deleted);
    }
    Ok(Reply::Integer(deleted).into())
}
