//! UNLINK key [key ...] — DEL's reply and effect. Redis frees big values in a
//! background thread; the engine has nothing to free in the background, so
//! the difference is invisible.

use super::{del, CmdResult, Cx};

pub(super) fn unlink(cx: &mut Cx) -> CmdResult {
    del::del(cx)
}
