//! EXEC — runs the queued commands and answers with their replies, or
//! EXECABORT when queuing failed, or a null array when a watched key changed.

use super::{dispatch, CmdResult, Cx, Flow};
use crate::engine::error::Error;
use crate::engine::{Delivery, DeliveryKind, Reply};

pub(super) fn exec(cx: &mut Cx) -> CmdResult {
    let client = cx.client;
    let Some(queue) = cx.client_mut().multi.clone() else {
        return Err(Error::Other("ERR EXEC without MULTI".into()));
    };
    if cx.engine.watched_key_expired(client, cx.now_ms) {
        cx.client_mut().dirty_cas = true;
    }
    let (dirty_exec, dirty_cas) = {
        let c = cx.client_mut();
        (c.dirty_exec, c.dirty_cas)
    };
    if dirty_exec || dirty_cas {
        cx.engine.discard_transaction(client);
        return if dirty_exec {
            Err(Error::ExecAbort)
        } else {
            Ok(Reply::NullArray.into())
        };
    }
    cx.engine.unwatch_all(client);
    // The transaction is over before its commands run, so none of them is queued again.
    cx.client_mut().multi = None;
    cx.client_mut().in_exec = true;
    let first_delivery = cx.out.deliveries.len();
    // Redis writes EXEC's array header first, then each reply as its command adds it,
    // each under the CLIENT REPLY flags of that moment: a queued CLIENT REPLY OFF drops
    // its own and every later reply (pushes still pass), a queued ON writes again, and
    // a queued SKIP writes nothing and silences the command after EXEC.
    let header = cx
        .engine
        .clients
        .get(&client)
        .is_some_and(|c| !c.reply.silenced());
    let mut replies = Vec::with_capacity(queue.len());
    for argv in &queue {
        // Inside a transaction a blocking command does not block: it answers
        // as if its timeout had passed.
        let reply = match dispatch(cx.engine, client, argv, cx.now_ms, cx.out, false) {
            Flow::Reply(r) => r,
            Flow::Block(b) => b.timeout_reply,
            Flow::Frames(frames) => {
                // SUBSCRIBE a b writes two frames where EXEC counted one reply.
                replies.extend(frames);
                continue;
            }
        };
        // Redis counts each error reply as it is added, inside EXEC's array too.
        if let Reply::Error(line) = &reply {
            cx.engine.stats.count_error(line);
        }
        let Some(c) = cx.engine.clients.get(&client) else {
            replies.push(reply);
            break;
        };
        if !c.reply.silenced() {
            replies.push(reply);
        }
    }
    if let Some(c) = cx.engine.clients.get_mut(&client) {
        c.in_exec = false;
        c.reply.applied = true;
    }
    cx.engine.discard_transaction(client);
    if !header {
        // The client was silenced when EXEC began, so the header was dropped: what a
        // queued CLIENT REPLY ON let through goes out as frames of their own.
        return Ok(Flow::Frames(replies));
    }
    if replies.len() < queue.len() {
        return Ok(Reply::ShortArray(queue.len(), replies).into());
    }
    // Redis writes EXEC's array header with the number of queued commands, then
    // every frame they wrote. A subscribe with several arguments writes more
    // frames than that: the array ends after `queue.len()` of them, and the rest
    // reach the client as frames of their own, right after the array and
    // before the pushes the transaction produced for the client.
    let spill = replies.split_off(queue.len());
    cx.out.deliveries.splice(
        first_delivery..first_delivery,
        spill.into_iter().map(|frame| Delivery {
            client,
            kind: DeliveryKind::Push,
            frame,
        }),
    );
    Ok(Reply::Array(replies).into())
}
