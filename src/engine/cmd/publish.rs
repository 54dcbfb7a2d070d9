//! PUBLISH channel message
//!
//! Sends `[message, channel, message]` to the channel's subscribers, then
//! `[pmessage, pattern, channel, message]` once per matching pattern to each of
//! its subscribers, and answers the number of frames sent. A message nobody
//! receives is gone (the views get `Event::MessageDropped`). Frames for the
//! publishing client itself follow its reply (Redis 7.2+, both profiles).

use super::{CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn publish(cx: &mut Cx) -> CmdResult {
    let receivers = cx.engine.publish_command(&cx.argv[1], &cx.argv[2], cx.out);
    Ok(Reply::Integer(receivers as i64).into())
}
