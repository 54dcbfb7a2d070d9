//! ECHO message

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn echo(cx: &mut Cx) -> CmdResult {
    Ok(Reply::Bulk(cx.argv[1].clone()).into())
}
