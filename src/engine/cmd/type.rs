//! TYPE key — the value's type as a status line, `none` for a missing key.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn r#type(cx: &mut Cx) -> CmdResult {
    let now = cx.now_ms;
    let key = &cx.argv[1];
    cx.count_read_lookup(key);
    let name = cx
        .db()
        .get(key, now)
        .map_or("none", |e| e.value.type_name());
    Ok(Reply::simple(name).into())
}
