//! XREAD [COUNT count] [BLOCK milliseconds] STREAMS key [key ...] id [id ...]
//! — the entries after an ID in one or more streams, waiting for them with
//! BLOCK. `$` is the stream's last ID (fixed when the client blocks); `+` (8
//! profile, Redis 7.4+) reads the last entry. RESP2 answers an array of
//! `[key, entries]` pairs, RESP3 a map; only streams that have data appear, in
//! argument order; nothing answers a null array.
//!
//! A blocked reader is served when a key it waits on is written while it holds
//! a stream: profile 8 re-runs the command (Redis 7.2+: every stream with data,
//! COUNT 0 unlimited), profile 7.0 serves it in place from the one key that was
//! written, with COUNT 1000 when none was given (`serve_stream_in_place`).

use super::{arg_i64, c_str, is_kw, BlockOn, CmdResult, Cx, Flow, Serve, StreamWait};
use crate::engine::error::Error;
use crate::engine::keyspace::Value;
use crate::engine::stream::{entry_reply, parse_id, Stream, StreamId};
use crate::engine::{ClientId, Engine, Profile, Protocol, Reply};

/// `XREAD_BLOCKED_DEFAULT_COUNT`: 7.0's COUNT for a blocked read that gave none.
pub(super) const BLOCKED_DEFAULT_COUNT: usize = 1000;

/// The options of XREAD and XREADGROUP, parsed as Redis's one `xreadCommand`
/// parses them for both.
pub(super) struct ReadOptions<'a> {
    pub timeout: Option<u64>,
    pub count: u64,
    /// Index of the first key after STREAMS.
    pub streams_arg: usize,
    pub group_consumer: Option<(&'a [u8], &'a [u8])>,
    pub noack: bool,
    /// XREADGROUP's `CLAIM min-idle-time` (8 profile, Redis 8.4).
    pub claim: Option<u64>,
}

/// Parses `[COUNT n] [BLOCK ms] [GROUP g c] [NOACK] [CLAIM min-idle-time]
/// STREAMS ...`; `group` says whether the command is XREADGROUP (GROUP, NOACK
/// and CLAIM are XREADGROUP's own). CLAIM exists only in the 8 profile (Redis
/// 8.4; in 7.0 it is a syntax error): its texts are from Redis's src/t_stream.c
/// `xreadCommand` (unstable, fork hristostaykov-del/redis at 3b555b29), as 8.4's
/// stream-cgroups.tcl asserts them.
pub(super) fn parse_read_options<'a>(
    argv: &'a [Vec<u8>],
    group: bool,
    v7: bool,
    now_ms: u64,
) -> Result<ReadOptions<'a>, Error> {
    let mut o = ReadOptions {
        timeout: None,
        count: 0,
        streams_arg: 0,
        group_consumer: None,
        noack: false,
        claim: None,
    };
    let mut i = 1;
    while i < argv.len() {
        let more = argv.len() - i - 1;
        let a = &argv[i];
        if !v7 && is_kw(a, "CLAIM") && more > 0 {
            if !group {
                return Err(Error::Other(
                    "ERR The CLAIM option is only supported by XREADGROUP. You called XREAD instead."
                        .into(),
                ));
            }
            i += 1;
            let idle = super::arg_i64_or(
                &argv[i],
                "ERR min-idle-time is not an integer or out of range",
            )?;
            if idle < 0 {
                return Err(Error::Other(
                    "ERR min-idle-time must be a positive integer".into(),
                ));
            }
            o.claim = Some(idle as u64);
        } else if is_kw(a, "BLOCK") && more > 0 {
            i += 1;
            o.timeout = Some(parse_timeout(&argv[i], v7, now_ms)?);
        } else if is_kw(a, "COUNT") && more > 0 {
            i += 1;
            o.count = u64::try_from(arg_i64(&argv[i])?).unwrap_or(0);
        } else if is_kw(a, "STREAMS") && more > 0 {
            o.streams_arg = i + 1;
            if (argv.len() - o.streams_arg) % 2 != 0 {
                return Err(Error::Other(unbalanced(v7, group).into()));
            }
            break;
        } else if is_kw(a, "GROUP") && more >= 2 {
            if !group {
                return Err(Error::Other(
                    "ERR The GROUP option is only supported by XREADGROUP. You called XREAD instead."
                        .into(),
                ));
            }
            o.group_consumer = Some((&argv[i + 1], &argv[i + 2]));
            i += 2;
        } else if is_kw(a, "NOACK") {
            if !group {
                return Err(Error::Other(
                    "ERR The NOACK option is only supported by XREADGROUP. You called XREAD instead."
                        .into(),
                ));
            }
            o.noack = true;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    Ok(o)
}

pub(super) fn xread(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let v7 = cx.engine.profile() == Profile::V7;
    let ReadOptions {
        timeout,
        count,
        streams_arg,
        ..
    } = parse_read_options(argv, false, v7, cx.now_ms)?;
    if streams_arg == 0 {
        return Err(Error::Syntax);
    }
    let n = (argv.len() - streams_arg) / 2;
    let keys = &argv[streams_arg..streams_arg + n];
    let id_args = &argv[streams_arg + n..];

    // Each key is looked up (and type-checked) before its own ID is parsed.
    let mut ids = Vec::with_capacity(n);
    for (key, arg) in keys.iter().zip(id_args) {
        let stream = cx.read_stream(key)?;
        // Matched as C strings (`strcmp`), so `$` followed by a NUL is `$`.
        let word = c_str(arg);
        let id = if word == b"$" {
            stream.map_or(StreamId::MIN, Stream::last_id)
        } else if word == b"+" && !v7 {
            // The entry before the last live one, so that the last is read.
            match stream {
                None => StreamId::MIN,
                Some(s) => match s.last_valid_id() {
                    None => s.last_id(),
                    Some(last) => last.prev().ok_or_else(|| {
                        Error::Other("ERR the stream last element ID is 0-0".into())
                    })?,
                },
            }
        } else if word == b">" {
            return Err(Error::Other(
                "ERR The > ID can be specified only when calling XREADGROUP using the GROUP <group> <consumer> option."
                    .into(),
            ));
        } else {
            parse_id(arg, true, 0)?
        };
        ids.push(id);
    }

    // Serve at once what can be served.
    let limit = usize::try_from(count).ok().filter(|&c| c > 0);
    let protocol = cx.engine.protocol(cx.client);
    let mut found = Vec::new();
    for (key, gt) in keys.iter().zip(&ids) {
        let Some(stream) = cx.read_stream(key).ok().flatten() else {
            continue;
        };
        if stream.last_valid_id().is_some_and(|last| last > *gt) {
            found.push((key.clone(), entries_after(stream, *gt, limit)));
        }
    }
    if !found.is_empty() {
        return Ok(streams_reply(protocol, found).into());
    }
    let Some(timeout_ms) = timeout else {
        return Ok(Reply::NullArray.into());
    };
    // Blocking. Redis 7.2+ rewrites `$` into the ID it stood for, so the
    // command re-run later waits for the same entries (and CLIENT LIST's
    // argv-mem shows the rewritten arguments); 7.0 keeps the command as typed.
    let rerun = (!v7).then(|| {
        let mut rerun = argv.to_vec();
        for (j, arg) in id_args.iter().enumerate() {
            if c_str(arg) == b"$" {
                rerun[streams_arg + n + j] = ids[j].to_string().into_bytes();
            }
        }
        rerun
    });
    let count = usize::try_from(count)
        .ok()
        .filter(|&c| c > 0)
        .unwrap_or(BLOCKED_DEFAULT_COUNT);
    Ok(Flow::Block(BlockOn {
        keys: keys.to_vec(),
        timeout_ms,
        timeout_reply: Reply::NullArray,
        wake_at_ms: None,
        argv: rerun,
        serve: Serve::Stream(StreamWait {
            ids: ids.iter().map(|id| (id.ms, id.seq)).collect(),
            count,
        }),
    }))
}

/// The "Unbalanced" error: 7.0.15's text, or the per-command one of 8.0+.
fn unbalanced(v7: bool, group: bool) -> &'static str {
    match (v7, group) {
        (true, _) => {
            "ERR Unbalanced XREAD list of streams: for each stream key an ID or '$' must be specified."
        }
        (false, false) => {
            "ERR Unbalanced 'xread' list of streams: for each stream key an ID, '+', or '$' must be specified."
        }
        (false, true) => {
            "ERR Unbalanced 'xreadgroup' list of streams: for each stream key an ID or '>' must be specified."
        }
    }
}

/// `getTimeoutFromObjectOrReply` in milliseconds: an integer, not negative.
/// Later Redis also refuses a timeout whose deadline would overflow (7.0.15
/// accepts it and waits).
pub(super) fn parse_timeout(arg: &[u8], v7: bool, now_ms: u64) -> Result<u64, Error> {
    let ms = super::string2ll(arg)
        .ok_or_else(|| Error::Other("ERR timeout is not an integer or out of range".into()))?;
    let ms = u64::try_from(ms).map_err(|_| Error::Other("ERR timeout is negative".into()))?;
    let now = i64::try_from(now_ms).unwrap_or(i64::MAX).unsigned_abs();
    if !v7 && ms > 0 && ms > (i64::MAX as u64).saturating_sub(now) {
        return Err(Error::Other("ERR timeout is out of range".into()));
    }
    Ok(ms)
}

/// The entries after `gt`, at most `limit`.
fn entries_after(stream: &Stream, gt: StreamId, limit: Option<usize>) -> Reply {
    let mut out = Vec::new();
    if let Some(start) = gt.next() {
        stream.for_each(start, StreamId::MAX, false, |id, fields| {
            out.push(entry_reply(id, &fields()));
            limit.is_none_or(|c| out.len() < c)
        });
    }
    Reply::Array(out)
}

/// The reply: RESP2 `*N [*2 key entries]`, RESP3 `%N key => entries`.
pub(super) fn streams_reply(protocol: Protocol, found: Vec<(Vec<u8>, Reply)>) -> Reply {
    match protocol {
        Protocol::Resp3 => Reply::Map(
            found
                .into_iter()
                .map(|(k, entries)| (Reply::Bulk(k), entries))
                .collect(),
        ),
        _ => Reply::Array(
            found
                .into_iter()
                .map(|(k, entries)| Reply::Array(vec![Reply::Bulk(k), entries]))
                .collect(),
        ),
    }
}

/// Whether `key` in `db` holds a stream: only then does a write wake a stream
/// reader (Redis checks the type of a ready key before serving it).
pub(crate) fn holds_stream(engine: &mut Engine, db: usize, key: &[u8], now_ms: u64) -> bool {
    engine.dbs[db]
        .get(key, now_ms)
        .is_some_and(|e| matches!(e.value, Value::Stream(_)))
}

/// Redis 7.0's `serveClientsBlockedOnStreamKey`: a client waiting for entries
/// after `gt` in `key` gets them from that one stream (at most `count`) once
/// its last generated ID passed `gt`; `None` while it has not.
pub(crate) fn serve_stream_in_place(
    engine: &mut Engine,
    client: ClientId,
    db: usize,
    key: &[u8],
    gt: (u64, u64),
    count: usize,
    now_ms: u64,
) -> Option<Reply> {
    let protocol = engine.protocol(client);
    let entry = engine.dbs[db].get(key, now_ms)?;
    let Value::Stream(stream) = &entry.value else {
        return None;
    };
    let gt = StreamId::new(gt.0, gt.1);
    if stream.last_id() <= gt {
        return None;
    }
    let entries = entries_after(stream, gt, Some(count));
    Some(streams_reply(protocol, vec![(key.to_vec(), entries)]))
}
