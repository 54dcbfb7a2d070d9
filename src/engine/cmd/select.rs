//! SELECT index

use super::{arg_i64, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::{Reply, DATABASES};

pub(super) fn select(cx: &mut Cx) -> CmdResult {
    // getIntFromObjectOrReply: an int64 that does not fit a C int has its own
    // message (with Redis's grammar).
    let id = arg_i64(&cx.argv[1])?;
    let id = i32::try_from(id).map_err(|_| {
        Error::Other(
            "ERR value is out of range, value must between -2147483648 and 2147483647".into(),
        )
    })?;
    if id < 0 || id as usize >= DATABASES {
        return Err(Error::DbIndexOutOfRange);
    }
    cx.client_mut().db = id as usize;
    Ok(Reply::ok().into())
}
