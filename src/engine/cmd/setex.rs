//! SETEX key seconds value — SET with EX; a time that is not positive (or
//! overflows once converted) is `invalid expire time in 'setex' command`.

use super::set::{expire_at_ms, set_generic, Expiry, Options, Replies};
use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn setex(cx: &mut Cx) -> CmdResult {
    set_with_expiry(cx, Expiry::Ex)
}

/// SETEX and PSETEX: `setGenericCommand` with the time in `argv[2]`.
pub(super) fn set_with_expiry(cx: &mut Cx, kind: Expiry) -> CmdResult {
    let argv = cx.argv;
    let expires_at = expire_at_ms(cx, kind, &argv[2])?;
    let replies = Replies {
        done: Reply::ok(),
        not_done: Reply::Null,
    };
    set_generic(
        cx,
        &Options::default(),
        &argv[1],
        &argv[3],
        Some(expires_at),
        replies,
    )
}
