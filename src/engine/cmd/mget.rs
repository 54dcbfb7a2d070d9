//! MGET key [key ...] — a missing key or one of another type answers nil.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn mget(cx: &mut Cx) -> CmdResult {
    let keys = &cx.argv[1..];
    let mut items = Vec::with_capacity(keys.len());
    for key in keys {
        items.push(match cx.get_string(key) {
            Ok(Some(v)) => Reply::Bulk(v),
            _ => Reply::Null,
        });
    }
    Ok(Reply::Array(items).into())
}
