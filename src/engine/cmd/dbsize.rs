//! DBSIZE — the number of keys in the selected database, counting keys whose
//! time has passed but that no access or expiry cycle has removed yet (as
//! Redis counts them).

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn dbsize(cx: &mut Cx) -> CmdResult {
    Ok(Reply::Integer(cx.db().len() as i64).into())
}
