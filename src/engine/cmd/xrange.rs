//! XRANGE key start end [COUNT count] and XREVRANGE key end start [COUNT count]
//! — the entries between two IDs (`-`, `+`, `ms` alone, `(` exclusive), in
//! order or reversed. COUNT 0 or negative answers a null array.

use super::{arg_i64, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::stream::{entry_ref_reply, parse_interval_id};
use crate::engine::Reply;

pub(super) fn xrange(cx: &mut Cx) -> CmdResult {
    range(cx, false)
}

pub(super) fn xrevrange(cx: &mut Cx) -> CmdResult {
    range(cx, true)
}

/// `xrangeGenericCommand`.
fn range(cx: &mut Cx, rev: bool) -> CmdResult {
    let argv = cx.argv;
    let (start_arg, end_arg) = if rev {
        (&argv[3], &argv[2])
    } else {
        (&argv[2], &argv[3])
    };
    let (mut start, start_ex) = parse_interval_id(start_arg, 0)?;
    if start_ex {
        start = start
            .next()
            .ok_or_else(|| Error::Other("ERR invalid start ID for the interval".into()))?;
    }
    let (mut end, end_ex) = parse_interval_id(end_arg, u64::MAX)?;
    if end_ex {
        end = end
            .prev()
            .ok_or_else(|| Error::Other("ERR invalid end ID for the interval".into()))?;
    }
    let mut count: i64 = -1;
    let mut j = 4;
    while j < argv.len() {
        let additional = argv.len() - j - 1;
        if is_kw(&argv[j], "COUNT") && additional >= 1 {
            count = arg_i64(&argv[j + 1])?.max(0);
            j += 2;
        } else {
            return Err(Error::Syntax);
        }
    }
    let key = &argv[1];
    let Some(stream) = cx.read_stream(key)? else {
        return Ok(Reply::Array(Vec::new()).into());
    };
    if count == 0 {
        return Ok(Reply::NullArray.into());
    }
    let limit = usize::try_from(count).ok();
    let mut out = Vec::new();
    stream.for_each_entry(start, end, rev, |id, entry| {
        out.push(entry_ref_reply(id, entry));
        limit.is_none_or(|c| out.len() < c)
    });
    Ok(Reply::Array(out).into())
}
