//! LMPOP numkeys key [key ...] LEFT|RIGHT [COUNT count] and
//! BLMPOP timeout numkeys key [key ...] LEFT|RIGHT [COUNT count] — pop up to
//! `count` (1) elements from the first non-empty list, answering
//! `[key, [elements]]`; a null array when none has any, or BLMPOP blocks until
//! one does (its timeout, in seconds, parsed after the other arguments).

use super::lists::{
    arg_at_least_one, block_pop, key_and_elements, parse_end, parse_timeout_secs, pop, End,
};
use super::{is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

/// `numkeys`, the keys, the end and the count, from `argv[numkeys_at]` on.
fn parse(argv: &[Vec<u8>], numkeys_at: usize) -> Result<(&[Vec<u8>], End, usize), Error> {
    let numkeys = arg_at_least_one(&argv[numkeys_at], "numkeys should be greater than 0")?;
    let where_at = usize::try_from(numkeys)
        .ok()
        .and_then(|n| n.checked_add(numkeys_at + 1))
        .filter(|&w| w < argv.len())
        .ok_or(Error::Syntax)?;
    let end = parse_end(&argv[where_at])?;
    let mut count = None;
    let mut j = where_at + 1;
    while j < argv.len() {
        if count.is_none() && is_kw(&argv[j], "COUNT") && j + 1 < argv.len() {
            j += 1;
            count = Some(arg_at_least_one(
                &argv[j],
                "count should be greater than 0",
            )?);
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let count = usize::try_from(count.unwrap_or(1)).unwrap_or(usize::MAX);
    Ok((&argv[numkeys_at + 1..where_at], end, count))
}

/// A key and the elements popped from it.
pub(super) type Popped = (Vec<u8>, Vec<Vec<u8>>);

/// Pops from the first key holding a non-empty list (WRONGTYPE stops the
/// search); `None` when there is none.
pub(super) fn pop_first(
    cx: &mut Cx,
    keys: &[Vec<u8>],
    end: End,
    count: usize,
) -> Result<Option<Popped>, Error> {
    for key in keys {
        if cx.write_list_len(key)?.is_some_and(|n| n > 0) {
            let dirty = cx.dirty_now();
            let items = pop(cx, key, end, count);
            cx.set_dirty(dirty, items.len());
            return Ok(Some((key.clone(), items)));
        }
    }
    Ok(None)
}

pub(super) fn lmpop(cx: &mut Cx) -> CmdResult {
    let (keys, end, count) = parse(cx.argv, 1)?;
    Ok(match pop_first(cx, keys, end, count)? {
        Some((key, items)) => key_and_elements(&key, items),
        None => Reply::NullArray,
    }
    .into())
}

pub(super) fn blmpop(cx: &mut Cx) -> CmdResult {
    let (keys, end, count) = parse(cx.argv, 2)?;
    let timeout = parse_timeout_secs(&cx.argv[1], cx.v8(), cx.now_ms)?;
    match pop_first(cx, keys, end, count)? {
        Some((key, items)) => Ok(key_and_elements(&key, items).into()),
        None => block_pop(keys, timeout, "list"),
    }
}
