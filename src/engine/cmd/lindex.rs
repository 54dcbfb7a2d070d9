//! LINDEX key index — the element at an index (negative from the tail), or a
//! null. The key is looked up before the index is parsed.

use super::{arg_i64, CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn lindex(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let Some(list) = cx.read_list(&argv[1])? else {
        return Ok(Reply::Null.into());
    };
    let index = arg_i64(&argv[2])?;
    Ok(list
        .get(index)
        .map_or(Reply::Null, |v| Reply::Bulk(v.clone()))
        .into())
}
