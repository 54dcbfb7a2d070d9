//! SADD key member [member ...] — answers how many members were new. A new key is made
//! for its first member (`setTypeCreate`: an intset for an integer; in profile 8 sized by
//! the number of members given); in profile 8 an existing small set about to receive
//! more members than its encoding holds becomes a hashtable first (`setTypeMaybeConvert`).

use super::{CmdResult, Cx};
use crate::engine::params::notify;
use crate::engine::Reply;

pub(super) fn sadd(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let key = &argv[1];
    let hint = argv.len() - 2;
    if cx.peek_set(key)?.is_none() {
        cx.create_set(key, &argv[2], hint);
    } else if cx.v8() {
        cx.modify_set(key, |s| s.maybe_convert(hint));
    }
    let v8 = cx.v8();
    let added = cx
        .modify_set(key, |s| {
            argv[2..].iter().filter(|m| s.add(m, v8)).count() as i64
        })
        .unwrap_or(0);
    if added > 0 {
        cx.notify(notify::SET, "sadd", key);
        cx.finish_write(key, added);
    }
    Ok(Reply::Integer(added).into())
}
