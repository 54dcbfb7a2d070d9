//! LPOS key element [RANK rank] [COUNT num-matches] [MAXLEN len] — the index
//! of a matching element: the `rank`-th match (negative: searching from the
//! tail), with COUNT an array of up to that many (0: all), scanning at most
//! MAXLEN elements (0: all). Options are parsed before the key is looked up.

use super::lists::{arg_positive, err};
use super::{arg_i64, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::Reply;

pub(super) fn lpos(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (mut rank, mut count, mut maxlen) = (1i64, None, 0i64);
    let mut j = 3;
    while j < argv.len() {
        let more = j + 1 < argv.len();
        if is_kw(&argv[j], "RANK") && more {
            j += 1;
            rank = arg_i64(&argv[j])?;
            // 7.2+ parses RANK as a range that leaves LONG_MIN out.
            if rank == i64::MIN && cx.v8() {
                return Err(err("value is out of range, value must between -9223372036854775807 and 9223372036854775807"));
            }
            if rank == 0 {
                return Err(err("RANK can't be zero: use 1 to start from the first match, 2 from the second ... or use negative to start from the end of the list"));
            }
        } else if is_kw(&argv[j], "COUNT") && more {
            j += 1;
            count = Some(arg_positive(&argv[j], Some("COUNT can't be negative"))?);
        } else if is_kw(&argv[j], "MAXLEN") && more {
            j += 1;
            maxlen = arg_positive(&argv[j], Some("MAXLEN can't be negative"))?;
        } else {
            return Err(Error::Syntax);
        }
        j += 1;
    }
    let Some(list) = cx.read_list(&argv[1])? else {
        return Ok(match count {
            Some(_) => Reply::Array(Vec::new()),
            None => Reply::Null,
        }
        .into());
    };
    // A negative rank searches from the tail. 7.0.15 negates LONG_MIN into
    // itself, which every match then passes.
    let from_tail = rank < 0;
    let rank = rank.wrapping_abs();
    let len = list.len();
    let limit = if maxlen == 0 {
        len
    } else {
        (maxlen as usize).min(len)
    };
    let (mut matches, mut found) = (0i64, Vec::new());
    for k in 0..limit {
        let i = if from_tail { len - 1 - k } else { k };
        if list.at(i)[..] != argv[2][..] {
            continue;
        }
        matches += 1;
        if matches >= rank {
            found.push(Reply::Integer(i as i64));
            match count {
                None => break,
                Some(c) if c > 0 && matches - rank + 1 >= c => break,
                Some(_) => {}
            }
        }
    }
    Ok(match count {
        Some(_) => Reply::Array(found),
        None => found.pop().unwrap_or(Reply::Null),
    }
    .into())
}
