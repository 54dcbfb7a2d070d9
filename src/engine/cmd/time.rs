//! TIME
//!
//! The engine clock as two bulk strings, seconds and microseconds, as Redis
//! answers from `gettimeofday`. The engine clock has millisecond resolution, so
//! the microseconds are always a multiple of 1000.

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn time(cx: &mut Cx) -> CmdResult {
    let secs = cx.now_ms / 1000;
    let micros = (cx.now_ms % 1000) * 1000;
    Ok(Reply::Array(vec![
        Reply::bulk(secs.to_string()),
        Reply::bulk(micros.to_string()),
    ])
    .into())
}
