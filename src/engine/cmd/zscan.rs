//! ZSCAN key cursor [MATCH pattern] [COUNT count]
//!
//! A listpack answers every member and score in one call with cursor 0, as Redis does (scores
//! as the listpack stores them: `%.17g` in 7.0, the 7.2+ `d2string` form in 8). A skiplist is
//! walked as SCAN walks keys: in the order of a fixed hash of each member (`scan_hash`), the
//! cursor being the next hash, COUNT members per call; every member present for the whole
//! iteration is returned (Redis's hash-table order differs, so tests compare these as sets).
//! Its scores are `%.17g` in both profiles (`ld2string`, as Redis's SCAN callback prints them).

use super::scan::parse_cursor;
use super::{arg_i64, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::keyspace::scan_hash;
use crate::engine::zset::{fmt_g17, fmt_score};
use crate::engine::{glob, Reply};

pub(super) fn zscan(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let cursor = parse_cursor(&argv[2], cx.engine.profile())?;
    let v8 = cx.v8();
    let Some(z) = cx.read_zset(&argv[1])? else {
        return Ok(Reply::Array(vec![Reply::bulk("0"), Reply::Array(Vec::new())]).into());
    };
    let mut count: i64 = 10;
    let mut pattern: Option<&[u8]> = None;
    let mut i = 3;
    while i < argv.len() {
        let left = argv.len() - i;
        if is_kw(&argv[i], "count") && left >= 2 {
            count = arg_i64(&argv[i + 1])?;
            if count < 1 {
                return Err(Error::Syntax);
            }
        } else if is_kw(&argv[i], "match") && left >= 2 {
            pattern = Some(&argv[i + 1])
                .filter(|p| p.as_slice() != b"*")
                .map(|p| p.as_slice());
        } else {
            return Err(Error::Syntax);
        }
        i += 2;
    }
    let keep = |m: &[u8]| pattern.is_none_or(|p| glob::matches(p, m, false));
    let mut out = Vec::new();
    let next = if z.is_listpack() {
        for (s, m) in z.iter().filter(|(_, m)| keep(m)) {
            out.push(Reply::Bulk(m.to_vec()));
            out.push(Reply::Bulk(fmt_score(s, v8).into_bytes()));
        }
        0
    } else {
        let mut order: Vec<(u64, &[u8], f64)> = z
            .iter()
            .map(|(s, m)| (scan_hash(m), m, s))
            .filter(|e| e.0 >= cursor)
            .collect();
        crate::vec_map::sort_by(&mut order, |a, b| a.0.cmp(&b.0).then_with(|| a.1.cmp(b.1)));
        let mut n = usize::try_from(count)
            .unwrap_or(usize::MAX)
            .min(order.len());
        // Members sharing the last one's hash come together, so the cursor can pass them.
        while n < order.len() && n > 0 && order[n].0 == order[n - 1].0 {
            n += 1;
        }
        for &(_, m, s) in &order[..n] {
            if keep(m) {
                out.push(Reply::Bulk(m.to_vec()));
                out.push(Reply::Bulk(fmt_g17(s).into_bytes()));
            }
        }
        order.get(n).map_or(0, |e| e.0)
    };
    Ok(Reply::Array(vec![
        Reply::Bulk(next.to_string().into_bytes()),
        Reply::Array(out),
    ])
    .into())
}
