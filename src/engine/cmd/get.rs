//! GET key

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn get(cx: &mut Cx) -> CmdResult {
    Ok(match cx.get_string(&cx.argv[1])? {
        Some(v) => Reply::Bulk(v),
        None => Reply::Null,
    }
    .into())
}
