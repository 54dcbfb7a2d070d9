//! Unit tests of the stream module: the ID grammar's quirks (SPEC §2.1) and
//! the node layout against `stream_node_model.py`'s rules (SPEC §2.2).

use super::*;

fn id(ms: u64, seq: u64) -> StreamId {
    StreamId::new(ms, seq)
}

#[test]
fn ids_print_and_step() {
    assert_eq!(id(1, 2).to_string(), "1-2");
    assert_eq!(StreamId::MAX.next(), None);
    assert_eq!(StreamId::MIN.prev(), None);
    assert_eq!(id(1, u64::MAX).next(), Some(id(2, 0)));
    assert_eq!(id(2, 0).prev(), Some(id(1, u64::MAX)));
}

#[test]
fn parse_id_follows_string2ull_and_strtoull() {
    let ok = |s: &[u8], strict: bool, missing: u64| parse_id(s, strict, missing).ok();
    assert_eq!(ok(b"1-2", true, 0), Some(id(1, 2)));
    assert_eq!(ok(b"5", true, 0), Some(id(5, 0)));
    assert_eq!(ok(b"5", false, u64::MAX), Some(id(5, u64::MAX)));
    assert_eq!(ok(b"-", false, 0), Some(StreamId::MIN));
    assert_eq!(ok(b"+", false, 0), Some(StreamId::MAX));
    assert_eq!(ok(b"-", true, 0), None);
    assert_eq!(ok(b"+", true, 0), None);
    // strtoull's leniency: leading zeros, blanks, a sign.
    assert_eq!(ok(b"0001-02", true, 0), Some(id(1, 2)));
    assert_eq!(ok(b" 5-0", true, 0), Some(id(5, 0)));
    assert_eq!(ok(b"\t5-\n3", true, 0), Some(id(5, 3)));
    assert_eq!(ok(b"+6-0", true, 0), Some(id(6, 0)));
    assert_eq!(ok(b"7-+1", true, 0), Some(id(7, 1)));
    // A minus that string2ll rejects wraps in strtoull.
    assert_eq!(ok(b"7- -1", true, 0), Some(id(7, u64::MAX)));
    assert_eq!(ok(b"7--0", true, 0), Some(id(7, 0)));
    // ...but a negative that string2ll accepts is out of range.
    assert_eq!(ok(b"7--1", true, 0), None);
    assert_eq!(ok(b"-1", false, 0), None);
    assert_eq!(ok(b"-1-0", false, 0), None);
    for bad in [
        &b"8-"[..],
        b"9-0x",
        b"1-1-1",
        b"18446744073709551616",
        b"1-18446744073709551616",
        b"",
        b"abc",
        b"(",
        b"1 ",
        b"1-*",
        b" ",
        b"+",
    ] {
        assert_eq!(ok(bad, true, 0), None, "{:?}", String::from_utf8_lossy(bad));
    }
    assert_eq!(
        ok(b"18446744073709551615-18446744073709551615", true, 0),
        Some(StreamId::MAX)
    );
    // C strings: a NUL ends the text, but the length limit counts every byte.
    assert_eq!(ok(b"3-4\0junk", true, 0), Some(id(3, 4)));
    assert_eq!(ok(b"-\0x", true, 0), None);
    assert_eq!(ok(b"-\0x", false, 0), Some(StreamId::MIN));
    let mut long = b"1-".to_vec();
    long.extend(std::iter::repeat_n(b'0', 125));
    assert_eq!(long.len(), 127);
    assert_eq!(ok(&long, true, 0), Some(id(1, 0)));
    long.push(b'0');
    assert_eq!(ok(&long, true, 0), None);
}

#[test]
fn xadd_ids_and_intervals() {
    assert_eq!(parse_xadd_id(b"5-*"), Ok((id(5, 0), false)));
    assert_eq!(parse_xadd_id(b"5-3"), Ok((id(5, 3), true)));
    assert_eq!(parse_xadd_id(b"5"), Ok((id(5, 0), true)));
    assert!(parse_xadd_id(b"5-**").is_err());
    assert!(parse_xadd_id(b"*-1").is_err());
    assert_eq!(parse_interval_id(b"(5", 0), Ok((id(5, 0), true)));
    assert_eq!(
        parse_interval_id(b"(5", u64::MAX),
        Ok((id(5, u64::MAX), true))
    );
    assert!(parse_interval_id(b"(", 0).is_err());
    assert!(parse_interval_id(b"(-", 0).is_err());
    assert!(parse_interval_id(b"(+", 0).is_err());
    assert_eq!(parse_interval_id(b"-", 0), Ok((StreamId::MIN, false)));
}

#[test]
fn entry_reply_shape() {
    let r = entry_reply(id(1, 0), &[(b"f".to_vec(), b"v".to_vec())]);
    assert_eq!(
        r,
        Reply::Array(vec![
            Reply::bulk("1-0"),
            Reply::Array(vec![Reply::bulk("f"), Reply::bulk("v")])
        ])
    );
}
