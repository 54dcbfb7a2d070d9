//! XPENDING key group [[IDLE min-idle-time] start end count [consumer]] — a
//! group's pending entries: the summary (count, smallest and greatest ID, the
//! consumers with pending entries and their counts as bulk strings), or the
//! extended form (id, consumer, idle ms, delivery count) over an ID interval
//! (`(` makes a bound exclusive), at most `count`, optionally of one consumer
//! and only entries idle at least `min-idle-time`. The range arguments are
//! checked before the key (t_stream.c's `xpendingCommand`, Redis 7.0.15).

use std::ops::Bound;

use super::{arg_i64, c_str, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::stream::{parse_interval_id, StreamId};
use crate::engine::Reply;

pub(super) fn xpending(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let argc = argv.len();
    if argc != 3 && !(6..=9).contains(&argc) {
        return Err(Error::Syntax);
    }
    let mut range = None;
    if argc >= 6 {
        let mut at = 3;
        let mut min_idle: i64 = 0;
        if is_kw(&argv[3], "IDLE") {
            min_idle = arg_i64(&argv[4])?;
            if argc < 8 {
                return Err(Error::Syntax);
            }
            at += 2;
        }
        let count = arg_i64(&argv[at + 2])?.max(0);
        let (mut start, start_ex) = parse_interval_id(&argv[at], 0)?;
        if start_ex {
            start = start
                .next()
                .ok_or_else(|| Error::Other("ERR invalid start ID for the interval".into()))?;
        }
        let (mut end, end_ex) = parse_interval_id(&argv[at + 1], u64::MAX)?;
        if end_ex {
            end = end
                .prev()
                .ok_or_else(|| Error::Other("ERR invalid end ID for the interval".into()))?;
        }
        let consumer = argv.get(at + 3);
        range = Some((min_idle, count, start, end, consumer));
    }
    let key = &argv[1];
    let group_name = &argv[2];
    let now = cx.now_ms;
    let stream = cx.read_stream(key)?;
    let Some(g) = stream.and_then(|s| s.group(group_name)) else {
        return Err(Error::Other(format!(
            "NOGROUP No such key '{}' or consumer group '{}'",
            String::from_utf8_lossy(c_str(key)),
            String::from_utf8_lossy(c_str(group_name))
        )));
    };
    let Some((min_idle, count, start, end, consumer)) = range else {
        let pel = g.pel();
        let (Some(first), Some(last)) = (pel.keys().next(), pel.keys().next_back()) else {
            return Ok(Reply::Array(vec![
                Reply::Integer(0),
                Reply::Null,
                Reply::Null,
                Reply::NullArray,
            ])
            .into());
        };
        let consumers = g
            .consumers()
            .iter()
            .filter(|(_, c)| !c.pel.is_empty())
            .map(|(name, c)| {
                Reply::Array(vec![
                    Reply::Bulk(name.clone()),
                    Reply::Bulk(c.pel.len().to_string().into_bytes()),
                ])
            })
            .collect();
        return Ok(Reply::Array(vec![
            Reply::Integer(pel.len() as i64),
            Reply::Bulk(first.to_bytes()),
            Reply::Bulk(last.to_bytes()),
            Reply::Array(consumers),
        ])
        .into());
    };
    let ids: Box<dyn Iterator<Item = StreamId> + '_> = match consumer {
        Some(name) => match g.consumer(name) {
            None => return Ok(Reply::Array(Vec::new()).into()),
            Some(c) => Box::new(
                c.pel
                    .range((Bound::Included(start), Bound::Unbounded))
                    .copied(),
            ),
        },
        None => Box::new(
            g.pel()
                .range((Bound::Included(start), Bound::Unbounded))
                .map(|(id, _)| *id),
        ),
    };
    let mut left = count;
    let mut out = Vec::new();
    for id in ids {
        if left == 0 || id > end {
            break;
        }
        let Some(nack) = g.pel().get(&id) else {
            continue;
        };
        let idle = (now as i64).wrapping_sub(nack.delivery_time_ms as i64);
        if min_idle != 0 && idle < min_idle {
            continue;
        }
        left -= 1;
        out.push(Reply::Array(vec![
            id.reply(),
            Reply::Bulk(nack.consumer.clone()),
            Reply::Integer(idle.max(0)),
            Reply::Integer(nack.delivery_count as i64),
        ]));
    }
    Ok(Reply::Array(out).into())
}
