//! LPOP / RPOP key [count] — remove and answer the first (last) element, or
//! with a count an array of up to that many. A missing key answers a null
//! (a null array with a count); a count of 0 answers an empty array.

use super::lists::{arg_positive, pop, End};
use super::{CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

fn pop_generic(cx: &mut Cx, end: End) -> CmdResult {
    let argv = cx.argv;
    if argv.len() > 3 {
        return Err(Error::WrongArity(cx.spec.fullname.to_string()));
    }
    let count = match argv.get(2) {
        Some(arg) => Some(arg_positive(arg, None)?),
        None => None,
    };
    let key = &argv[1];
    if cx.write_list_len(key)?.is_none() {
        return Ok(match count {
            Some(_) => Reply::NullArray,
            None => Reply::Null,
        }
        .into());
    }
    let dirty = cx.dirty_now();
    let reply = match count {
        Some(0) => return Ok(Reply::Array(Vec::new()).into()),
        Some(n) => {
            let items = pop(cx, key, end, usize::try_from(n).unwrap_or(usize::MAX));
            cx.set_dirty(dirty, items.len());
            Reply::Array(items.into_iter().map(Reply::Bulk).collect())
        }
        None => {
            let mut items = pop(cx, key, end, 1);
            cx.set_dirty(dirty, 1);
            Reply::Bulk(items.pop().unwrap_or_default())
        }
    };
    Ok(reply.into())
}

pub(super) fn lpop(cx: &mut Cx) -> CmdResult {
    pop_generic(cx, End::Left)
}

pub(super) fn rpop(cx: &mut Cx) -> CmdResult {
    pop_generic(cx, End::Right)
}
