//! UNWATCH — forgets every watched key (and a change already seen in one).

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn unwatch(cx: &mut Cx) -> CmdResult {
    cx.engine.unwatch_all(cx.client);
    cx.client_mut().dirty_cas = false;
    Ok(Reply::ok().into())
}
