//! PUBSUB CHANNELS [pattern], PUBSUB NUMSUB [channel ...], PUBSUB NUMPAT,
//! PUBSUB SHARDCHANNELS [pattern], PUBSUB SHARDNUMSUB [shardchannel ...],
//! PUBSUB HELP
//!
//! Channel lists are in byte order (Redis's are in hash order); NUMSUB and
//! SHARDNUMSUB answer a flat `channel, count` array in both protocols.

use super::{help_reply, subcommand_syntax, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

/// `PUBSUB` alone is an arity error before any handler runs.
pub(super) fn container(cx: &mut Cx) -> CmdResult {
    Err(Error::UnknownSubcommand {
        container: "PUBSUB".into(),
        sub: cx.argv.get(1).cloned().unwrap_or_default(),
    })
}

/// The help text of redis-server 7.0.15, verbatim.
const HELP: &[&str] = &[
    "CHANNELS [<pattern>]",
    "    Return the currently active channels matching a <pattern> (default: '*').",
    "NUMPAT",
    "    Return number of subscriptions to patterns.",
    "NUMSUB [<channel> ...]",
    "    Return the number of subscribers for the specified channels, excluding",
    "    pattern subscriptions(default: no channels).",
    "SHARDCHANNELS [<pattern>]",
    "    Return the currently active shard level channels matching a <pattern> (default: '*').",
    "SHARDNUMSUB [<shardchannel> ...]",
    "    Return the number of subscribers for the specified shard level channel(s)",
];

pub(super) fn help(cx: &mut Cx) -> CmdResult {
    Ok(help_reply(cx, HELP).into())
}

/// CHANNELS and SHARDCHANNELS: at most one pattern (`addReplySubcommandSyntaxError`
/// beyond it, since the table's arity allows any number).
fn active(cx: &mut Cx, shard: bool) -> CmdResult {
    if cx.argv.len() > 3 {
        return Err(subcommand_syntax(cx.argv));
    }
    let names = cx
        .engine
        .pubsub
        .active(cx.argv.get(2).map(Vec::as_slice), shard);
    Ok(Reply::Array(names.into_iter().map(Reply::Bulk).collect()).into())
}

pub(super) fn channels(cx: &mut Cx) -> CmdResult {
    active(cx, false)
}

pub(super) fn shardchannels(cx: &mut Cx) -> CmdResult {
    active(cx, true)
}

fn numsub_of(cx: &mut Cx, shard: bool) -> CmdResult {
    let mut items = Vec::with_capacity((cx.argv.len() - 2) * 2);
    for channel in &cx.argv[2..] {
        items.push(Reply::bulk(channel.as_slice()));
        items.push(Reply::Integer(
            cx.engine.pubsub.numsub(channel, shard) as i64
        ));
    }
    Ok(Reply::Array(items).into())
}

pub(super) fn numsub(cx: &mut Cx) -> CmdResult {
    numsub_of(cx, false)
}

pub(super) fn shardnumsub(cx: &mut Cx) -> CmdResult {
    numsub_of(cx, true)
}

pub(super) fn numpat(cx: &mut Cx) -> CmdResult {
    Ok(Reply::Integer(cx.engine.pubsub.numpat() as i64).into())
}
