//! XTRIM key <MAXLEN | MINID> [= | ~] threshold [LIMIT count] — trims the
//! stream from its head and answers how many entries went. Also the option
//! parser XADD shares (`streamParseAddOrTrimArgsOrReply`). The 8 profile
//! also takes `KEEPREF | DELREF | ACKED` (8.2+) among the options.

use super::{arg_i64, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::params::notify;
use crate::engine::stream::{parse_id, RefMode, StreamId, TrimSpec, TrimStrategy};
use crate::engine::{EventKind, Profile, Reply, TrimReason};

/// What the shared parser found.
pub(super) struct AddTrimArgs {
    pub trim: Option<TrimSpec>,
    pub no_mkstream: bool,
    /// XADD's explicit ID and whether its sequence was given (`false` for `ms-*`).
    pub id: Option<(StreamId, bool)>,
    /// Index of the ID argument (XADD), or `argv.len()` (XTRIM).
    pub id_pos: usize,
}

fn err(text: &str) -> Error {
    Error::Other(format!("ERR {text}"))
}

/// `streamParseAddOrTrimArgsOrReply`: the options from argv[2] on, left to
/// right. For XADD the first argument that is not an option is the ID (`*`
/// ends the options at once).
pub(super) fn parse_add_or_trim_args(cx: &Cx, xadd: bool) -> Result<AddTrimArgs, Error> {
    let argv = cx.argv;
    let mut strategy: Option<TrimStrategy> = None;
    let mut approx = false;
    let mut limit: i64 = 0;
    let mut limit_given = false;
    let mut no_mkstream = false;
    let mut id = None;
    let mut refs: Option<RefMode> = None;
    let v8 = cx.engine.config.profile == Profile::V8;
    let mut i = 2;
    while i < argv.len() {
        let moreargs = argv.len() - 1 - i;
        let opt = &argv[i];
        let tilde_or_eq = |next: &[u8]| -> Option<bool> {
            match super::c_str(next) {
                b"~" => Some(true),
                b"=" => Some(false),
                _ => None,
            }
        };
        if xadd && super::c_str(opt) == b"*" {
            break;
        } else if (is_kw(opt, "maxlen") || is_kw(opt, "minid")) && moreargs > 0 {
            if strategy.is_some() {
                return Err(err(
                    "syntax error, MAXLEN and MINID options at the same time are not compatible",
                ));
            }
            approx = false;
            if moreargs >= 2 {
                if let Some(a) = tilde_or_eq(&argv[i + 1]) {
                    approx = a;
                    i += 1;
                }
            }
            strategy = Some(if is_kw(opt, "maxlen") {
                let maxlen = arg_i64(&argv[i + 1])?;
                if maxlen < 0 {
                    return Err(err("The MAXLEN argument must be >= 0."));
                }
                TrimStrategy::MaxLen(maxlen as u64)
            } else {
                TrimStrategy::MinId(parse_id(&argv[i + 1], true, 0)?)
            });
            i += 1;
        } else if is_kw(opt, "limit") && moreargs > 0 {
            limit = arg_i64(&argv[i + 1])?;
            if limit < 0 {
                return Err(err("The LIMIT argument must be >= 0."));
            }
            limit_given = true;
            i += 1;
        } else if v8 && refs.is_none() && is_kw(opt, "keepref") {
            // One mode at most: a second one is read as XADD's ID (an invalid
            // ID) or, for XTRIM, a syntax error.
            refs = Some(RefMode::KeepRef);
        } else if v8 && refs.is_none() && is_kw(opt, "delref") {
            refs = Some(RefMode::DelRef);
        } else if v8 && refs.is_none() && is_kw(opt, "acked") {
            refs = Some(RefMode::Acked);
        } else if xadd && is_kw(opt, "nomkstream") {
            no_mkstream = true;
        } else if xadd {
            id = Some(crate::engine::stream::parse_xadd_id(opt)?);
            break;
        } else {
            return Err(Error::Syntax);
        }
        i += 1;
    }
    if limit != 0 && strategy.is_none() {
        return Err(err(
            "syntax error, LIMIT cannot be used without specifying a trimming strategy",
        ));
    }
    if !xadd && strategy.is_none() {
        return Err(err(
            "syntax error, XTRIM must be called with a trimming strategy",
        ));
    }
    if limit_given {
        if !approx {
            return Err(err(
                "syntax error, LIMIT cannot be used without the special ~ option",
            ));
        }
    } else if approx {
        limit = cx.engine.settings.stream_node_max_entries.wrapping_mul(100);
        if limit <= 0 {
            limit = 10000;
        }
        if limit > 1_000_000 {
            limit = 1_000_000;
        }
    } else {
        limit = 0;
    }
    Ok(AddTrimArgs {
        trim: strategy.map(|strategy| TrimSpec {
            strategy,
            approx,
            limit: limit as u64,
            refs: refs.unwrap_or_default(),
        }),
        no_mkstream,
        id,
        id_pos: i,
    })
}

/// Why a trim removed entries, for the event: the strategy with its exact
/// `=` / `~` and LIMIT.
pub(super) fn trim_reason(spec: &TrimSpec) -> TrimReason {
    match spec.strategy {
        TrimStrategy::MaxLen(threshold) => TrimReason::MaxLen {
            threshold,
            approx: spec.approx,
            limit: spec.limit,
        },
        TrimStrategy::MinId(threshold) => TrimReason::MinId {
            threshold,
            approx: spec.approx,
            limit: spec.limit,
        },
    }
}

/// Records entries removed from the stream at `key`: the event for the views,
/// with how many internal nodes went (`nodes_before` counted before the
/// removal), then one `ReferencesKept` per group whose PEL still holds some of
/// them.
pub(super) fn removed_event(
    cx: &mut Cx,
    key: &[u8],
    ids: Vec<StreamId>,
    reason: TrimReason,
    nodes_before: usize,
) {
    let db = cx.db_index();
    let nodes_after = cx.stream_nodes(key);
    let kept = cx
        .engine
        .dbs
        .get(db)
        .and_then(|d| d.peek_stored(key))
        .and_then(|e| e.value.stream().ok())
        .map(|s| kept_references(s, &ids))
        .unwrap_or_default();
    cx.out.push_event(EventKind::StreamEntriesRemoved {
        db,
        key: key.to_vec(),
        ids,
        reason,
        nodes_removed: nodes_before.saturating_sub(nodes_after) as u64,
    });
    for (group, ids) in kept {
        cx.out.push_event(EventKind::ReferencesKept {
            db,
            key: key.to_vec(),
            group,
            ids,
        });
    }
}

/// For each group (by name), the removed IDs (sorted) its PEL still holds.
fn kept_references(
    s: &crate::engine::stream::Stream,
    removed: &[StreamId],
) -> Vec<(Vec<u8>, Vec<StreamId>)> {
    let (Some(&lo), Some(&hi)) = (removed.iter().min(), removed.iter().max()) else {
        return Vec::new();
    };
    let mut sorted = removed.to_vec();
    crate::vec_map::sort(&mut sorted);
    s.groups()
        .iter()
        .filter_map(|(name, g)| {
            let ids: Vec<StreamId> = g
                .pel()
                .range(lo..=hi)
                .map(|(id, _)| *id)
                .filter(|id| sorted.binary_search(id).is_ok())
                .collect();
            (!ids.is_empty()).then(|| (name.clone(), ids))
        })
        .collect()
}

pub(super) fn xtrim(cx: &mut Cx) -> CmdResult {
    let args = parse_add_or_trim_args(cx, false)?;
    let key = &cx.argv[1];
    let Some(spec) = args.trim else {
        return Err(Error::Syntax);
    };
    if !cx.write_stream_exists(key)? {
        return Ok(Reply::Integer(0).into());
    }
    let nodes_before = cx.stream_nodes(key);
    let (removed, dropped) = cx
        .modify_stream(key, |s| s.trim_with_refs(spec))
        .unwrap_or_default();
    super::xdelex::refs_dropped(cx, key, dropped);
    let n = removed.len();
    if n > 0 {
        cx.notify(notify::STREAM, "xtrim", key);
        cx.key_written(key);
        // Redis counts each entry removed as a change (`server.dirty += deleted`);
        // the write counted one.
        cx.engine.dirty_adjust += n as i64 - 1;
        removed_event(cx, key, removed, trim_reason(&spec), nodes_before);
    } else if cx.stream_nodes(key) != nodes_before {
        // No entry went, but a node that held only deleted entries did: no notification
        // and no change (Redis counts neither), but the views' node layout changed.
        removed_event(cx, key, removed, trim_reason(&spec), nodes_before);
    }
    Ok(Reply::Integer(n as i64).into())
}
