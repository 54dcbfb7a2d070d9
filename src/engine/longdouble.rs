//! Redis's `long double` arithmetic (INCRBYFLOAT), emulated bit for bit as an
//! x86-64 Linux build of redis-server does it: the x87 80-bit extended format
//! (64-bit significand, gradual underflow down to 2^-16445), glibc's correctly
//! rounded `strtold` behind `string2ld`, addition rounded to nearest-even, and
//! `ld2string(..., LD_STR_HUMAN)`, which prints with `%.17Lf` (17 digits after
//! the point, not `%.17Lg`) and then strips trailing zeros.
//!
//! Why not `f64` or decimal arithmetic: Redis adds in 80-bit precision, so
//! `0.1 + 0.2` prints `0.3` there (the 80-bit error is below the 17th decimal)
//! where `f64` would print `0.30000000000000004`; and an exact decimal sum
//! differs from Redis as soon as an operand is not representable in binary
//! (`21.6 + 5.0e3` prints `5021.60000000000000009` in Redis). Only emulating
//! the binary format reproduces every digit, including the exact expansion of
//! huge values (`1e30` prints all 31 digits of the nearest 80-bit value).
//!
//! Checked against redis-server 7.0.15 on x86-64: no difference, neither in
//! the cases of tests/differential/10_strings_more.txt nor in about 100,000
//! randomized sums (decimal, hex, subnormal, overflowing, halfway and very
//! long inputs). A Redis built
//! where `long double` is another format (aarch64's 128-bit quad) prints other
//! digits; the reference server, like the engine, is the x86-64 one.

use std::cmp::Ordering;

/// The exponent of the least significant bit of the smallest subnormal.
const Q_MIN: i64 = -16445;
/// The exponent of the least significant bit of the largest finite value,
/// `(2^64 - 1) * 2^16320`.
const Q_MAX: i64 = 16320;
/// `string2ld` refuses inputs of this many bytes or more (`MAX_LONG_DOUBLE_CHARS`).
const MAX_LONG_DOUBLE_CHARS: usize = 5 * 1024;

/// A finite 80-bit value: `(-1)^neg * m * 2^q`. `m == 0` is a zero (whose sign
/// prints the same either way). Normal values have bit 63 of `m` set;
/// subnormals have `q == Q_MIN` and a smaller `m`.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) struct Ld {
    neg: bool,
    m: u64,
    q: i32,
}

impl Ld {
    pub(crate) const ZERO: Ld = Ld {
        neg: false,
        m: 0,
        q: 0,
    };

    /// The sign, significand and exponent: the value is `(-1)^neg * m * 2^q`
    /// (the blocking list commands scale their timeouts from these).
    pub(crate) fn parts(self) -> (bool, u64, i32) {
        (self.neg, self.m, self.q)
    }
}

/// What `string2ld` accepts: a finite value, or an infinity typed as `inf` /
/// `infinity` (strtold reads it without ERANGE, so Redis accepts it and the
/// sum then fails as NaN or infinite).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum LongDouble {
    Finite(Ld),
    Infinite,
}

/// Redis's `string2ld`: the whole input must be one `strtold` number, not
/// starting with a blank, shorter than 5120 bytes, not NaN, and neither
/// overflowing to infinity nor underflowing to zero.
pub(crate) fn string2ld(s: &[u8]) -> Option<LongDouble> {
    if s.is_empty() || s.len() >= MAX_LONG_DOUBLE_CHARS || is_c_space(s[0]) {
        return None;
    }
    let (neg, rest) = match s[0] {
        b'-' => (true, &s[1..]),
        b'+' => (false, &s[1..]),
        _ => (false, s),
    };
    if rest.eq_ignore_ascii_case(b"inf") || rest.eq_ignore_ascii_case(b"infinity") {
        return Some(LongDouble::Infinite);
    }
    // "nan" and "nan(...)" read as NaN, which string2ld refuses; anything else
    // starting with a letter is not a number at all.
    let value = if rest.len() > 2 && rest[0] == b'0' && (rest[1] | 0x20) == b'x' {
        parse_hex(neg, &rest[2..])?
    } else {
        parse_decimal(neg, rest)?
    };
    Some(LongDouble::Finite(value))
}

/// C `isspace` in the C locale.
fn is_c_space(b: u8) -> bool {
    matches!(b, b' ' | b'\t' | b'\n' | 0x0b | 0x0c | b'\r')
}

/// Splits `digits [. digits]` off the front of `s` for the given digit class.
/// Returns the integer digits, the fraction digits and the rest.
fn split_mantissa(s: &[u8], is_digit: fn(&u8) -> bool) -> (&[u8], &[u8], &[u8]) {
    let int_len = s.iter().take_while(|b| is_digit(b)).count();
    let (int, rest) = s.split_at(int_len);
    match rest.split_first() {
        Some((b'.', after)) => {
            let frac_len = after.iter().take_while(|b| is_digit(b)).count();
            let (frac, rest) = after.split_at(frac_len);
            (int, frac, rest)
        }
        _ => (int, &[], rest),
    }
}

/// An exponent `[+-]digits` that must be the whole of `s`, saturated far
/// beyond any exponent that can matter (strtold saturates too).
fn parse_exponent(s: &[u8]) -> Option<i64> {
    let (neg, digits) = match s.split_first() {
        Some((b'-', rest)) => (true, rest),
        Some((b'+', rest)) => (false, rest),
        _ => (false, s),
    };
    if digits.is_empty() || !digits.iter().all(u8::is_ascii_digit) {
        return None;
    }
    let mut v: i64 = 0;
    for &d in digits {
        v = (v * 10 + i64::from(d - b'0')).min(1_000_000_000_000);
    }
    Some(if neg { -v } else { v })
}

/// `digits[.digits][(e|E)[+-]digits]`, at least one digit, nothing after.
fn parse_decimal(neg: bool, s: &[u8]) -> Option<Ld> {
    let (int, frac, rest) = split_mantissa(s, u8::is_ascii_digit);
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let exp = match rest.split_first() {
        None => 0,
        Some((b'e' | b'E', e)) => parse_exponent(e)?,
        Some(_) => return None,
    };
    let digits: Vec<u8> = int.iter().chain(frac).copied().collect();
    // value = digits * 10^p
    let mut p = exp - frac.len() as i64;
    let lead = digits.iter().take_while(|&&d| d == b'0').count();
    let sig = &digits[lead..];
    let trail = sig.iter().rev().take_while(|&&d| d == b'0').count();
    let sig = &sig[..sig.len() - trail];
    if sig.is_empty() {
        return Some(Ld { neg, m: 0, q: 0 });
    }
    p += trail as i64;
    // The value lies in [10^top, 10^(top+1)). The largest finite value is
    // about 1.19e4932 and half the smallest subnormal about 1.8e-4951: beyond
    // these margins the result is certainly infinite or zero, which string2ld
    // refuses; closer in, the exact computation decides.
    let top = p + sig.len() as i64 - 1;
    if !(-4960..=4940).contains(&top) {
        return None;
    }
    let mut d = Big::zero();
    for chunk in sig.chunks(9) {
        let mut v = 0u32;
        for &c in chunk {
            v = v * 10 + u32::from(c - b'0');
        }
        d.mul_add_small(10u32.pow(chunk.len() as u32), v);
    }
    let rounded = if p >= 0 {
        d.mul_pow10(p as u64);
        round(neg, &d, 0, false)
    } else {
        // digits / 10^-p: a quotient of about 67 bits, the dropped remainder
        // kept as a sticky bit, is enough to round to 64 bits correctly.
        let den = Big::pow10((-p) as u64);
        let shift = 67 + den.bits() as i64 - d.bits() as i64;
        let (num, den) = if shift >= 0 {
            (d.shl(shift as u64), den)
        } else {
            (d, den.shl((-shift) as u64))
        };
        let (quot, inexact) = div_small_quotient(&num, &den);
        round(neg, &Big::from_u128(quot), -shift, inexact)
    };
    match rounded {
        Rounded::Value(v) => Some(v),
        Rounded::Overflow | Rounded::Underflow => None,
    }
}

/// After `0x`: `hex[.hex][(p|P)[+-]digits]`, at least one hex digit.
fn parse_hex(neg: bool, s: &[u8]) -> Option<Ld> {
    let (int, frac, rest) = split_mantissa(s, u8::is_ascii_hexdigit);
    if int.is_empty() && frac.is_empty() {
        return None;
    }
    let exp = match rest.split_first() {
        None => 0,
        Some((b'p' | b'P', e)) => parse_exponent(e)?,
        Some(_) => return None,
    };
    let mut n = Big::zero();
    for &c in int.iter().chain(frac) {
        let v = (c as char).to_digit(16).unwrap_or(0);
        n.mul_add_small(16, v);
    }
    if n.is_zero() {
        return Some(Ld { neg, m: 0, q: 0 });
    }
    match round(neg, &n, exp - 4 * frac.len() as i64, false) {
        Rounded::Value(v) => Some(v),
        Rounded::Overflow | Rounded::Underflow => None,
    }
}

/// `a + b` rounded to nearest-even; `None` when the sum is NaN or infinite.
pub(crate) fn add(a: LongDouble, b: LongDouble) -> Option<Ld> {
    let (LongDouble::Finite(a), LongDouble::Finite(b)) = (a, b) else {
        return None;
    };
    if a.m == 0 && b.m == 0 {
        return Some(Ld {
            neg: a.neg && b.neg,
            ..Ld::ZERO
        });
    }
    if a.m == 0 {
        return Some(b);
    }
    if b.m == 0 {
        return Some(a);
    }
    // The exact sum on a common exponent, then one rounding.
    let q = a.q.min(b.q);
    let x = Big::from_u128(u128::from(a.m)).shl((a.q - q) as u64);
    let y = Big::from_u128(u128::from(b.m)).shl((b.q - q) as u64);
    let (neg, sum) = if a.neg == b.neg {
        (a.neg, x.add(&y))
    } else {
        match x.cmp(&y) {
            Ordering::Greater => (a.neg, x.sub(&y)),
            Ordering::Less => (b.neg, y.sub(&x)),
            // x - x is +0 when rounding to nearest.
            Ordering::Equal => return Some(Ld::ZERO),
        }
    };
    match round(neg, &sum, i64::from(q), false) {
        Rounded::Value(v) => Some(v),
        Rounded::Overflow => None,
        // A sum of two values on the subnormal grid is on that grid: exact.
        Rounded::Underflow => Some(Ld::ZERO),
    }
}

/// `ld2string(value, LD_STR_HUMAN)`: `%.17Lf` (the exact value rounded
/// half-even to 17 decimals, as glibc prints), trailing zeros and a trailing
/// point removed, and `-0` written `0`.
pub(crate) fn to_human(v: Ld) -> String {
    let digits = if v.q >= 0 {
        Big::from_u128(u128::from(v.m)).shl(v.q as u64).to_decimal()
    } else {
        // m * 10^17 < 2^121, so the scaled value and its rounding fit in u128.
        const SCALE: u128 = 100_000_000_000_000_000;
        let x = u128::from(v.m) * SCALE;
        let sh = v.q.unsigned_abs();
        let n = if sh >= 128 {
            0
        } else {
            let mut n = x >> sh;
            let rem = x & ((1u128 << sh) - 1);
            let half = 1u128 << (sh - 1);
            if rem > half || (rem == half && n & 1 == 1) {
                n += 1;
            }
            n
        };
        let text = format!("{}.{:017}", n / SCALE, n % SCALE);
        text.trim_end_matches('0').trim_end_matches('.').to_string()
    };
    if v.neg && digits != "0" {
        format!("-{digits}")
    } else {
        digits
    }
}

enum Rounded {
    Value(Ld),
    Overflow,
    Underflow,
}

/// Rounds `n * 2^q` (plus less than `2^q` more when `sticky`) to the 80-bit
/// format, to nearest-even, with gradual underflow. With `sticky`, `n` must
/// have at least 66 bits so the dropped part lies wholly below the rounding bit.
fn round(neg: bool, n: &Big, q: i64, sticky: bool) -> Rounded {
    if n.is_zero() {
        return Rounded::Value(Ld { neg, m: 0, q: 0 });
    }
    let top = q + n.bits() as i64 - 1;
    let mut qr = (top - 63).max(Q_MIN);
    if qr > Q_MAX {
        return Rounded::Overflow;
    }
    let drop = qr - q;
    let mut m: u128 = if drop <= 0 {
        // Exact: n has at most 64 bits here, shifted by at most 63.
        debug_assert!(!sticky);
        n.shl(drop.unsigned_abs()).to_u128()
    } else {
        let d = drop as u64;
        let mut m = n.shr(d).to_u128();
        let half = n.bit(d - 1);
        let rest = sticky || n.any_below(d - 1);
        if half && (rest || m & 1 == 1) {
            m += 1;
        }
        m
    };
    if m == 1u128 << 64 {
        m = 1u128 << 63;
        qr += 1;
    }
    if m == 0 {
        return Rounded::Underflow;
    }
    if qr > Q_MAX {
        return Rounded::Overflow;
    }
    Rounded::Value(Ld {
        neg,
        m: m as u64,
        q: qr as i32,
    })
}

/// `num / den` for a quotient below 2^127 (the callers scale for about 67
/// bits), and whether a remainder was left.
fn div_small_quotient(num: &Big, den: &Big) -> (u128, bool) {
    let mut rem = num.clone();
    let mut quot: u128 = 0;
    if num.bits() >= den.bits() {
        let span = num.bits() - den.bits();
        debug_assert!(span < 127);
        for i in (0..=span.min(126)).rev() {
            let t = den.shl(i);
            if rem.cmp(&t) != Ordering::Less {
                rem = rem.sub(&t);
                quot |= 1 << i;
            }
        }
    }
    (quot, !rem.is_zero())
}

/// A minimal unsigned big integer: 32-bit limbs, least significant first, no
/// high zero limbs. Just what exact parsing, adding and printing need.
#[derive(Clone, Debug, PartialEq, Eq)]
struct Big(Vec<u32>);

impl Big {
    fn zero() -> Big {
        Big(Vec::new())
    }

    fn from_u128(mut v: u128) -> Big {
        let mut limbs = Vec::new();
        while v > 0 {
            limbs.push(v as u32);
            v >>= 32;
        }
        Big(limbs)
    }

    fn pow10(k: u64) -> Big {
        let mut b = Big::from_u128(1);
        b.mul_pow10(k);
        b
    }

    fn is_zero(&self) -> bool {
        self.0.is_empty()
    }

    fn trim(&mut self) {
        while self.0.last() == Some(&0) {
            self.0.pop();
        }
    }

    /// The number of significant bits (0 for zero).
    fn bits(&self) -> u64 {
        match self.0.last() {
            None => 0,
            Some(&top) => (self.0.len() as u64 - 1) * 32 + u64::from(32 - top.leading_zeros()),
        }
    }

    // Positions are u64 and compared before any cast to usize, so that a far
    // position (a saturated exponent) never wraps on a 32-bit target.
    fn bit(&self, i: u64) -> bool {
        let limb = i / 32;
        limb < self.0.len() as u64 && (self.0[limb as usize] >> (i % 32)) & 1 == 1
    }

    /// Whether any bit below position `i` is set.
    fn any_below(&self, i: u64) -> bool {
        let whole = (i / 32).min(self.0.len() as u64) as usize;
        if self.0[..whole].iter().any(|&l| l != 0) {
            return true;
        }
        let r = i % 32;
        whole < self.0.len() && r > 0 && self.0[whole] & ((1u32 << r) - 1) != 0
    }

    /// The value as u128; callers only ask when it has at most 128 bits.
    fn to_u128(&self) -> u128 {
        debug_assert!(self.0.len() <= 4);
        self.0
            .iter()
            .take(4)
            .rev()
            .fold(0u128, |acc, &l| (acc << 32) | u128::from(l))
    }

    /// `self = self * mul + add`.
    fn mul_add_small(&mut self, mul: u32, add: u32) {
        let mut carry = u64::from(add);
        for l in &mut self.0 {
            let v = u64::from(*l) * u64::from(mul) + carry;
            *l = v as u32;
            carry = v >> 32;
        }
        if carry > 0 {
            self.0.push(carry as u32);
        }
        self.trim();
    }

    fn mul_pow10(&mut self, mut k: u64) {
        while k >= 9 {
            self.mul_add_small(1_000_000_000, 0);
            k -= 9;
        }
        if k > 0 {
            self.mul_add_small(10u32.pow(k as u32), 0);
        }
    }

    fn shl(&self, n: u64) -> Big {
        if self.is_zero() {
            return Big::zero();
        }
        let r = (n % 32) as u32;
        let mut out = vec![0u32; (n / 32) as usize];
        if r == 0 {
            out.extend_from_slice(&self.0);
        } else {
            let mut carry = 0u32;
            for &l in &self.0 {
                out.push((l << r) | carry);
                carry = l >> (32 - r);
            }
            if carry != 0 {
                out.push(carry);
            }
        }
        Big(out)
    }

    fn shr(&self, n: u64) -> Big {
        let skip = n / 32;
        if skip >= self.0.len() as u64 {
            return Big::zero();
        }
        let src = &self.0[skip as usize..];
        let r = (n % 32) as u32;
        let mut out: Vec<u32> = if r == 0 {
            src.to_vec()
        } else {
            (0..src.len())
                .map(|i| (src[i] >> r) | src.get(i + 1).map_or(0, |&h| h << (32 - r)))
                .collect()
        };
        while out.last() == Some(&0) {
            out.pop();
        }
        Big(out)
    }

    fn cmp(&self, other: &Big) -> Ordering {
        self.0
            .len()
            .cmp(&other.0.len())
            .then_with(|| self.0.iter().rev().cmp(other.0.iter().rev()))
    }

    fn add(&self, other: &Big) -> Big {
        let (long, short) = if self.0.len() >= other.0.len() {
            (self, other)
        } else {
            (other, self)
        };
        let mut out = Vec::with_capacity(long.0.len() + 1);
        let mut carry = 0u64;
        for (i, &l) in long.0.iter().enumerate() {
            let v = u64::from(l) + u64::from(short.0.get(i).copied().unwrap_or(0)) + carry;
            out.push(v as u32);
            carry = v >> 32;
        }
        if carry > 0 {
            out.push(carry as u32);
        }
        Big(out)
    }

    /// `self - other`, for `self >= other`.
    fn sub(&self, other: &Big) -> Big {
        debug_assert!(self.cmp(other) != Ordering::Less);
        let mut out = Vec::with_capacity(self.0.len());
        let mut borrow = 0i64;
        for (i, &l) in self.0.iter().enumerate() {
            let mut v = i64::from(l) - i64::from(other.0.get(i).copied().unwrap_or(0)) - borrow;
            borrow = 0;
            if v < 0 {
                v += 1 << 32;
                borrow = 1;
            }
            out.push(v as u32);
        }
        let mut b = Big(out);
        b.trim();
        b
    }

    /// Divides in place by a small divisor and returns the remainder.
    fn divmod_small(&mut self, d: u32) -> u32 {
        let mut rem = 0u64;
        for l in self.0.iter_mut().rev() {
            let cur = (rem << 32) | u64::from(*l);
            *l = (cur / u64::from(d)) as u32;
            rem = cur % u64::from(d);
        }
        self.trim();
        rem as u32
    }

    fn to_decimal(&self) -> String {
        if self.is_zero() {
            return "0".to_string();
        }
        let mut n = self.clone();
        let mut chunks = Vec::new();
        while !n.is_zero() {
            chunks.push(n.divmod_small(1_000_000_000));
        }
        let mut out = String::new();
        for (i, c) in chunks.iter().rev().enumerate() {
            if i == 0 {
                out.push_str(&c.to_string());
            } else {
                out.push_str(&format!("{c:09}"));
            }
        }
        out
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    /// INCRBYFLOAT's arithmetic: `value + incr` printed, or None for an error.
    fn incr(value: &str, by: &str) -> Option<String> {
        let a = string2ld(value.as_bytes())?;
        let b = string2ld(by.as_bytes())?;
        add(a, b).map(to_human)
    }

    #[test]
    fn replies_of_redis_7_0_15() {
        // Each expected value was read from redis-server 7.0.15 on x86-64.
        for (value, by, want) in [
            ("10.50", "0.1", "10.6"),
            ("0.1", "0.2", "0.3"),
            ("10.6", "-5", "5.6"),
            ("5.6", "0x10", "21.6"),
            ("21.6", "5.0e3", "5021.60000000000000009"),
            ("1", "1e30", "1000000000000000000024696061952"),
            ("0", "1e-4940", "0"),
        ] {
            assert_eq!(incr(value, by).as_deref(), Some(want), "{value} + {by}");
        }
    }

    #[test]
    fn string2ld_grammar() {
        for ok in [
            "1",
            "-1",
            "+1",
            ".5",
            "5.",
            "1e5",
            "1E+5",
            "1e-5",
            "0x1p3",
            "0X.8P-1",
            "0x1",
            "inf",
            "-Infinity",
            "0e999999999999999999999",
            "1e-4940",
        ] {
            assert!(string2ld(ok.as_bytes()).is_some(), "{ok}");
        }
        for bad in [
            "", " 1", "1 ", "\t1", "abc", ".", "e5", "1e", "1e+", "0x", "0x.", "0xg", "0x1p",
            "nan", "-nan", "nan(1)", "1e5000", "-1e5000", "1e-5000", "infinit", "1\x002", "+-1",
            "1..2",
        ] {
            assert!(string2ld(bad.as_bytes()).is_none(), "{bad:?}");
        }
        let long = |n: usize| format!("0.{}", "1".repeat(n - 2));
        assert!(string2ld(long(5119).as_bytes()).is_some());
        assert!(string2ld(long(5120).as_bytes()).is_none());
    }

    #[test]
    fn printing() {
        let p = |s: &str| match string2ld(s.as_bytes()) {
            Some(LongDouble::Finite(v)) => to_human(v),
            other => panic!("{s}: {other:?}"),
        };
        assert_eq!(p("0"), "0");
        assert_eq!(p("-0"), "0");
        assert_eq!(p("-1e-20"), "0");
        assert_eq!(p("1.5"), "1.5");
        assert_eq!(p("-2.25"), "-2.25");
        assert_eq!(
            p("123456789012345678901234567890"),
            "123456789012345678899921813504"
        );
        assert_eq!(p("0.00000000000000001"), "0.00000000000000001");
        // 2^-18 has 18 decimals ending in 5: a tie, rounded to even.
        assert_eq!(p("0x1p-18"), "0.00000381469726562");
        assert_eq!(p("0x3p-18"), "0.00001144409179688");
    }

    #[test]
    fn overflow_and_nan() {
        assert_eq!(incr("inf", "1"), None);
        assert_eq!(incr("1", "-inf"), None);
        let max = "0x1.fffffffffffffffep16383";
        assert!(string2ld(max.as_bytes()).is_some());
        assert_eq!(incr(max, max), None);
        assert!(incr(max, "1").is_some());
    }

    #[test]
    fn big_integer_basics() {
        let a = Big::pow10(30);
        assert_eq!(a.to_decimal(), format!("1{}", "0".repeat(30)));
        assert_eq!(a.shl(70).shr(70), a);
        let b = Big::from_u128(12345);
        assert_eq!(a.add(&b).sub(&b), a);
        assert!(Big::from_u128(0b1000).any_below(4));
        assert!(!Big::from_u128(0b1000).any_below(3));
        let (q, rest) = div_small_quotient(&Big::from_u128(100), &Big::from_u128(7));
        assert_eq!((q, rest), (14, true));
    }
}
