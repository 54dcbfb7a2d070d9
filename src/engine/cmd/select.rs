//! SELECT index

use super::{arg_i64, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::{Event, Reply, DATABASES};

pub(super) fn select(cx: &mut Cx) -> CmdResult {
    // getIntFromObjectOrReply: the value must fit a C int.
    let id = arg_i64(&cx.argv[1])?;
    let id = i32::try_from(id).map_err(|_| Error::NotInteger)?;
    if id < 0 || id as usize >= DATABASES {
        return Err(Error::DbIndexOutOfRange);
    }
    cx.client_mut().db = id as usize;
    cx.out
        .events
        .push(Event::ClientChanged { client: cx.client });
    Ok(Reply::ok().into())
}
