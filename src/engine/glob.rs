//! Redis's glob matcher (`stringmatchlen`): `*`, `?`, `[...]`, `[^...]`,
//! ranges and `\` escapes, optionally case-insensitive. Used by PSUBSCRIBE,
//! PUBSUB CHANNELS, KEYS, SCAN, CONFIG GET and COMMAND LIST FILTERBY PATTERN.
//!
//! A port of `stringmatchlen_impl` as redis-server 7.0.15 runs it, byte for
//! byte: the `skipLongerMatches` cut-off (CVE-2022-36021), and no match once
//! `*` recursion nests deeper than 1000. SPEC §6/§10 date that limit to 7.2,
//! but the 7.0.15 server the tests run against has it (`KEYS` with 1000 `*a`
//! matches `a` x 1001, with 1001 it does not; see `nesting_limit`), so both
//! profiles apply it. Bytes are C `char`s, signed on x86-64, so a range such as
//! `[a-\xff]` compares as signed numbers, as Redis does. The matcher recurses
//! only on `*` and never allocates.

/// Whether `string` matches `pattern`.
pub fn matches(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, string, nocase, &mut skip_longer, 0)
}

fn eq(a: u8, b: u8, nocase: bool) -> bool {
    if nocase {
        a.eq_ignore_ascii_case(&b)
    } else {
        a == b
    }
}

fn match_impl(
    mut p: &[u8],
    mut s: &[u8],
    nocase: bool,
    skip_longer: &mut bool,
    nesting: usize,
) -> bool {
    // Protection against pathological patterns: deeper than 1000 nested `*`
    // is no match; the matcher below is iterative for all but `*`.
    if nesting > 1000 {
        return false;
    }
    while !p.is_empty() && !s.is_empty() {
        match p[0] {
            b'*' => {
                while p.len() > 1 && p[1] == b'*' {
                    p = &p[1..];
                }
                if p.len() == 1 {
                    return true;
                }
                while !s.is_empty() {
                    if match_impl(&p[1..], s, nocase, skip_longer, nesting + 1) {
                        return true;
                    }
                    if *skip_longer {
                        return false;
                    }
                    s = &s[1..];
                }
                *skip_longer = true;
                return false;
            }
            b'?' => s = &s[1..],
            b'[' => {
                p = &p[1..];
                let not = p.first() == Some(&b'^');
                if not {
                    p = &p[1..];
                }
                let mut matched = false;
                loop {
                    if p.is_empty() {
                        // An unterminated class: the last char was consumed as the end.
                        break;
                    }
                    if p[0] == b'\\' && p.len() >= 2 {
                        p = &p[1..];
                        if p[0] == s[0] {
                            matched = true;
                        }
                    } else if p[0] == b']' {
                        break;
                    } else if p.len() >= 3 && p[1] == b'-' {
                        // C `char`s: signed, so bytes >= 0x80 sort below ASCII.
                        let (mut start, mut end) = (p[0] as i8, p[2] as i8);
                        let mut c = s[0] as i8;
                        if start > end {
                            std::mem::swap(&mut start, &mut end);
                        }
                        if nocase {
                            // tolower() changes only A-Z in the C locale.
                            let lower = |x: i8| (x as u8).to_ascii_lowercase() as i8;
                            start = lower(start);
                            end = lower(end);
                            c = lower(c);
                        }
                        p = &p[2..];
                        if c >= start && c <= end {
                            matched = true;
                        }
                    } else if eq(p[0], s[0], nocase) {
                        matched = true;
                    }
                    p = &p[1..];
                }
                if p.is_empty() {
                    // stringmatchlen steps back so the trailing pattern char is the class end.
                    p = &p[..0];
                }
                let matched = if not { !matched } else { matched };
                if !matched {
                    return false;
                }
                s = &s[1..];
            }
            b'\\' if p.len() >= 2 => {
                p = &p[1..];
                if !eq(p[0], s[0], nocase) {
                    return false;
                }
                s = &s[1..];
            }
            c => {
                if !eq(c, s[0], nocase) {
                    return false;
                }
                s = &s[1..];
            }
        }
        if p.is_empty() {
            break;
        }
        p = &p[1..];
        if s.is_empty() {
            while p.first() == Some(&b'*') {
                p = &p[1..];
            }
            break;
        }
    }
    p.is_empty() && s.is_empty()
}

/// The cases of `data/glob_cases.txt` (how redis-server 7.0.15 answered them):
/// (pattern, string, whether it matches). Fields are escaped with `\xHH`; `""`
/// is the empty string.
pub fn recorded_cases() -> Vec<(Vec<u8>, Vec<u8>, bool)> {
    fn unescape(field: &str) -> Vec<u8> {
        if field == "\"\"" {
            return Vec::new();
        }
        let b = field.as_bytes();
        let mut out = Vec::with_capacity(b.len());
        let mut i = 0;
        while i < b.len() {
            if b[i] == b'\\' && i + 3 < b.len() + 1 && b.get(i + 1) == Some(&b'x') {
                let hex = std::str::from_utf8(&b[i + 2..i + 4]).unwrap_or("00");
                out.push(u8::from_str_radix(hex, 16).unwrap_or(0));
                i += 4;
            } else {
                out.push(b[i]);
                i += 1;
            }
        }
        out
    }
    include_str!("../../data/glob_cases.txt")
        .lines()
        .filter(|l| !l.starts_with('#') && !l.is_empty())
        .map(|l| {
            let mut f = l.split(' ');
            let expect = f.next() == Some("1");
            let pattern = unescape(f.next().unwrap_or_default());
            let string = unescape(f.next().unwrap_or_default());
            (pattern, string, expect)
        })
        .collect()
}

#[cfg(test)]
mod tests {
    use super::{matches, recorded_cases};

    /// Every case recorded from redis-server 7.0.15 (`data/glob_cases.txt`,
    /// made by `scripts/gen_glob_cases.py`; `tests/glob_redis.rs` re-checks the
    /// table against a live server).
    #[test]
    fn matches_redis_recorded_cases() {
        let cases = recorded_cases();
        assert!(cases.len() > 3000, "{} cases", cases.len());
        assert!(cases.iter().filter(|c| c.2).count() > 400);
        let wrong: Vec<String> = cases
            .iter()
            .filter(|(p, s, m)| matches(p, s, false) != *m)
            .map(|(p, s, m)| format!("{} {} {}", m, p.escape_ascii(), s.escape_ascii()))
            .collect();
        assert!(wrong.is_empty(), "{} wrong: {wrong:#?}", wrong.len());
    }

    /// Recursion on `*` deeper than 1000 is no match (checked live on 7.0.15:
    /// `KEYS` with 1000 `*a` finds `a` x 1001, with 1001 it finds nothing).
    #[test]
    fn nesting_limit() {
        let s = vec![b'a'; 1001];
        assert!(matches(&b"*a".repeat(1000), &s, false));
        assert!(!matches(&b"*a".repeat(1001), &s, false));
        assert!(matches(&b"a*".repeat(1001), &s, false));
        assert!(!matches(&b"a*".repeat(1002), &s, false));
    }

    /// Range bounds are signed C chars: `[a-\xff]` is -1..=97.
    #[test]
    fn ranges_compare_signed_bytes() {
        assert!(matches(b"[a-\xff]", b"A", false));
        assert!(!matches(b"[a-\xff]", b"b", false));
        assert!(!matches(b"[a-\xff]", b"\x80", false));
        assert!(matches(b"[\x80-\xff]", b"\x90", false));
    }

    #[test]
    fn glob_basics() {
        assert!(matches(b"*", b"anything", false));
        assert!(matches(b"h?llo", b"hello", false));
        assert!(matches(b"h[ae]llo", b"hallo", false));
        assert!(!matches(b"h[^e]llo", b"hello", false));
        assert!(matches(b"h[a-b]llo", b"hbllo", false));
        assert!(matches(b"x\\*", b"x*", false));
        assert!(!matches(b"x\\*", b"xy", false));
        assert!(matches(b"COMMAND*", b"command|count", true));
        assert!(matches(b"*|c*", b"command|count", false));
        assert!(!matches(b"a*b", b"acd", false));
        assert!(matches(b"a*", b"a", false));
        assert!(!matches(b"", b"a", false));
    }
}
