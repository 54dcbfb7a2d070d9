//! BZPOPMIN key [key ...] timeout, BZPOPMAX key [key ...] timeout and
//! BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count] — pop from the first
//! existing sorted set as ZPOPMIN/ZPOPMAX/ZMPOP do, or block until one of the keys
//! holds a sorted set (Redis's `blockingGenericZpopCommand`; served through
//! `Serve::Pop`, which re-runs the command, in profile 7.0 with the one key that became
//! ready as 7.0.15's `serveClientsBlockedOnSortedSetKey` does).

use super::lists::{block_pop, parse_timeout_secs};
use super::zpop::{parse_mpop, pop, PopReply};
use super::{CmdResult, Cx};

/// The timeout is parsed first (for BZMPOP after its other arguments), then the
/// keys are looked up for writing in order: a key that is not a sorted set answers
/// WRONGTYPE, the first existing one is popped from, and with none the client
/// blocks (inside EXEC it gets the null array at once).
fn blocking(
    cx: &mut Cx,
    keys: &[Vec<u8>],
    timeout_arg: &[u8],
    max: bool,
    count: Option<i64>,
    shape: PopReply,
) -> CmdResult {
    let timeout = parse_timeout_secs(timeout_arg, cx.v8(), cx.now_ms)?;
    for key in keys {
        if cx.write_zset_exists(key)? {
            return Ok(pop(cx, std::slice::from_ref(key), max, count, shape)?.into());
        }
    }
    block_pop(keys, timeout, "zset")
}

/// BZPOPMIN/BZPOPMAX: `[key, member, score]`, flat in both protocols.
fn min_max(cx: &mut Cx, max: bool) -> CmdResult {
    let argv = cx.argv;
    let shape = PopReply {
        emit_key: true,
        nested: false,
        nil_when_empty: false,
    };
    blocking(
        cx,
        &argv[1..argv.len() - 1],
        &argv[argv.len() - 1],
        max,
        None,
        shape,
    )
}

pub(super) fn bzpopmin(cx: &mut Cx) -> CmdResult {
    min_max(cx, false)
}

pub(super) fn bzpopmax(cx: &mut Cx) -> CmdResult {
    min_max(cx, true)
}

pub(super) fn bzmpop(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (keys, max, count) = parse_mpop(argv, 2)?;
    let shape = PopReply {
        emit_key: true,
        nested: true,
        nil_when_empty: true,
    };
    blocking(cx, &argv[keys], &argv[1], max, Some(count), shape)
}
