//! ZSCORE key member, ZMSCORE key member [member ...] — scores (nil for a missing member or key).

use super::zhelpers::score_reply;
use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn zscore(cx: &mut Cx) -> CmdResult {
    let v8 = cx.v8();
    let argv = cx.argv;
    let score = cx.read_zset(&argv[1])?.and_then(|z| z.score(&argv[2]));
    Ok(score.map_or(Reply::Null, |s| score_reply(s, v8)).into())
}

pub(super) fn zmscore(cx: &mut Cx) -> CmdResult {
    let v8 = cx.v8();
    let argv = cx.argv;
    // A missing key answers as an empty set.
    let z = cx.read_zset(&argv[1])?;
    let out = argv[2..]
        .iter()
        .map(|m| {
            z.and_then(|z| z.score(m))
                .map_or(Reply::Null, |s| score_reply(s, v8))
        })
        .collect();
    Ok(Reply::Array(out).into())
}
