//! The byte size of Redis's listpack elements (`listpack.c`), which decides
//! where a stream node ends (SPEC §2.2). Only sizes are computed: the engine
//! stores entries in its own packed form (`store.rs`).

/// `LONG_STR_SIZE`: strings this long or longer are never integers.
const LONG_STR_SIZE: usize = 21;

/// `lpStringToInt64`: whether a listpack stores these bytes as an integer.
pub(crate) fn string_to_i64(b: &[u8]) -> Option<i64> {
    if b.is_empty() || b.len() >= LONG_STR_SIZE {
        return None;
    }
    if b == b"0" {
        return Some(0);
    }
    let (neg, p) = match b.split_first() {
        Some((b'-', rest)) => (true, rest),
        _ => (false, b),
    };
    match p.first() {
        Some(b'1'..=b'9') => {}
        _ => return None,
    }
    let mut v: u64 = 0;
    for &d in p {
        if !d.is_ascii_digit() {
            return None;
        }
        v = v.checked_mul(10)?.checked_add(u64::from(d - b'0'))?;
    }
    if neg {
        if v > 1u64 << 63 {
            return None;
        }
        Some((v as i64).wrapping_neg())
    } else {
        i64::try_from(v).ok()
    }
}

/// The encoded size of an integer element (without its back length).
fn int_enclen(v: i64) -> usize {
    if (0..=127).contains(&v) {
        1
    } else if (-4096..=4095).contains(&v) {
        2
    } else if (-32768..=32767).contains(&v) {
        3
    } else if (-8_388_608..=8_388_607).contains(&v) {
        4
    } else if (-2_147_483_648..=2_147_483_647).contains(&v) {
        5
    } else {
        9
    }
}

/// The size of an element's back length for an encoding of `l` bytes.
fn backlen(l: usize) -> usize {
    if l <= 127 {
        1
    } else if l < 16383 {
        2
    } else if l < 2_097_151 {
        3
    } else if l < 268_435_455 {
        4
    } else {
        5
    }
}

/// The bytes an integer element takes in a listpack.
pub(crate) fn int_size(v: i64) -> usize {
    let enc = int_enclen(v);
    enc + backlen(enc)
}

/// The bytes a string element takes in a listpack (an integer if
/// `lpStringToInt64` accepts it).
pub(crate) fn str_size(b: &[u8]) -> usize {
    if let Some(v) = string_to_i64(b) {
        return int_size(v);
    }
    let n = b.len();
    let enc = if n < 64 {
        1 + n
    } else if n < 4096 {
        2 + n
    } else {
        5 + n
    };
    enc + backlen(enc)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn sizes_follow_listpack() {
        assert_eq!(str_size(b"0"), 2);
        assert_eq!(str_size(b"127"), 2);
        assert_eq!(str_size(b"128"), 3);
        assert_eq!(str_size(b"-1"), 3);
        assert_eq!(str_size(b"01"), 4);
        assert_eq!(str_size(b"abc"), 5);
        assert_eq!(str_size(b"9223372036854775807"), 10);
        assert_eq!(str_size(b"9223372036854775808"), 21);
        assert_eq!(str_size(b"-9223372036854775808"), 10);
        assert_eq!(str_size(&[b'x'; 64]), 66 + 1);
        assert_eq!(str_size(&[b'x'; 200]), 202 + 2);
        assert_eq!(int_size(-4096), 3);
        assert_eq!(int_size(40000), 5);
    }
}
