//! GETRANGE key start end — the bytes from `start` to `end` inclusive; negative
//! indexes count from the end. A missing key, an empty string and an empty
//! range all answer the empty string (never nil).

use super::{arg_i64, CmdResult, Cx};
use crate::engine::Reply;

pub(super) fn getrange(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    // Both indexes are parsed before the key is looked up.
    let start = arg_i64(&argv[2])?;
    let end = arg_i64(&argv[3])?;
    let now = cx.now_ms;
    cx.count_read_lookup(&argv[1]);
    let Some(entry) = cx.db().get(&argv[1], now) else {
        return Ok(Reply::Bulk(Vec::new()).into());
    };
    let s = entry.value.string()?;
    Ok(Reply::Bulk(range(s, start, end).to_vec()).into())
}

/// `getrangeCommand`'s index arithmetic, with its C integer conversions:
/// `strlen + index` wraps like the unsigned sum it is, and `end` is clamped
/// through an unsigned comparison.
fn range(s: &[u8], start: i64, end: i64) -> &[u8] {
    let len = s.len() as i64;
    if start < 0 && end < 0 && start > end {
        return &[];
    }
    let mut start = if start < 0 {
        len.wrapping_add(start)
    } else {
        start
    };
    let mut end = if end < 0 { len.wrapping_add(end) } else { end };
    start = start.max(0);
    end = end.max(0);
    if end as u64 >= len as u64 {
        end = len - 1;
    }
    if start > end || len == 0 {
        return &[];
    }
    &s[start as usize..=end as usize]
}

#[cfg(test)]
mod tests {
    use super::range;

    #[test]
    fn indexes_as_redis() {
        let s = b"Hello World";
        assert_eq!(range(s, 0, -1), s);
        assert_eq!(range(s, -5, -1), b"World");
        assert_eq!(range(s, -1, -5), b"");
        assert_eq!(range(s, -20, -30), b"");
        assert_eq!(range(s, -30, -20), b"H");
        assert_eq!(range(s, 5, 3), b"");
        assert_eq!(range(s, 0, i64::MAX), s);
        assert_eq!(range(s, i64::MIN, i64::MIN), b"H");
        assert_eq!(range(s, i64::MAX, i64::MAX), b"");
        assert_eq!(range(b"", 0, -1), b"");
        assert_eq!(range(b"", -1, 0), b"");
    }
}
