//! QUIT — answers OK, then the connection is closed (`Outcome::close`).

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn quit(cx: &mut Cx) -> CmdResult {
    cx.out.close = true;
    Ok(Reply::ok().into())
}
