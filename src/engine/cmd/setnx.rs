//! SETNX key value — SET NX answering 1 when it set the key and 0 when the key
//! already existed.

use super::set::{set_generic, Options, Replies};
use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn setnx(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let o = Options {
        nx: true,
        ..Options::default()
    };
    let replies = Replies {
        done: Reply::Integer(1),
        not_done: Reply::Integer(0),
    };
    set_generic(cx, &o, &argv[1], &argv[2], None, replies)
}
