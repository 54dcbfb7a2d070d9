//! SISMEMBER key member, SMISMEMBER key member [member ...] and SCARD key. A missing
//! key reads as an empty set.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn sismember(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let found = cx.read_set(&argv[1])?.is_some_and(|s| s.contains(&argv[2]));
    Ok(Reply::Integer(found.into()).into())
}

pub(super) fn smismember(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let set = cx.read_set(&argv[1])?;
    let items = argv[2..]
        .iter()
        .map(|m| Reply::Integer(set.is_some_and(|s| s.contains(m)).into()))
        .collect();
    Ok(Reply::Array(items).into())
}

pub(super) fn scard(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let len = cx.read_set(&argv[1])?.map_or(0, |s| s.len());
    Ok(Reply::Integer(len as i64).into())
}
