//! The single-field and size reads of a hash: HGET key field, HMGET key field
//! [field ...], HEXISTS key field, HSTRLEN key field and HLEN key. A missing key reads as
//! an empty hash; another type is WRONGTYPE (HMGET too, unlike MGET).

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn hget(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let value = cx
        .read_hash(&argv[1])?
        .and_then(|h| h.get(&argv[2]).map(<[u8]>::to_vec));
    Ok(value.map_or(Reply::Null, Reply::Bulk).into())
}

pub(super) fn hmget(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let hash = cx.read_hash(&argv[1])?;
    let items = argv[2..]
        .iter()
        .map(|f| {
            hash.and_then(|h| h.get(f))
                .map_or(Reply::Null, |v| Reply::Bulk(v.to_vec()))
        })
        .collect();
    Ok(Reply::Array(items).into())
}

pub(super) fn hexists(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let found = cx
        .read_hash(&argv[1])?
        .is_some_and(|h| h.get(&argv[2]).is_some());
    Ok(Reply::Integer(found.into()).into())
}

pub(super) fn hstrlen(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let len = cx
        .read_hash(&argv[1])?
        .and_then(|h| h.get(&argv[2]))
        .map_or(0, <[u8]>::len);
    Ok(Reply::Integer(len as i64).into())
}

pub(super) fn hlen(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let len = cx.read_hash(&argv[1])?.map_or(0, |h| h.len());
    Ok(Reply::Integer(len as i64).into())
}
