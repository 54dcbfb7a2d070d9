//! Redis's glob matcher (`stringmatchlen`): `*`, `?`, `[...]`, `[^...]`,
//! ranges and `\` escapes, optionally case-insensitive. Used by PSUBSCRIBE,
//! PUBSUB CHANNELS, KEYS, SCAN, CONFIG GET and COMMAND LIST FILTERBY PATTERN.
//!
//! A port of 7.0.15's `stringmatchlen_impl` (with the `skipLongerMatches`
//! cut-off of CVE-2022-36021), byte for byte: bytes are C `char`s, signed on
//! x86-64, so a range such as `[a-\xff]` compares as signed numbers, as Redis
//! does. Redis 7.2+ also gives up (no match) beyond 1000 nested `*`; that limit
//! applies in profile 8 only ([`stringmatch`]). The matcher recurses only on
//! `*` and never allocates.

use super::Profile;

/// Whether `string` matches `pattern`, with the nesting limit of Redis 7.2+
/// (the matcher of tools and tests that are not tied to a profile).
pub fn matches(pattern: &[u8], string: &[u8], nocase: bool) -> bool {
    let mut skip_longer = false;
    match_impl(pattern, string, nocase, &mut skip_longer, 0, true)
}

/// `stringmatchlen` as the given profile's server runs it: profile 8 treats
/// more than 1000 nested `*` as no match (Redis 7.2+); 7.0.15 has no limit.
pub fn stringmatch(pattern: &[u8], string: &[u8], nocase: bool, profile: Profile) -> bool {
    let mut skip_longer = false;
    let limit = profile != Profile::V7;
    match_impl(pattern, string, nocase, &mut skip_longer, 0, limit)
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
    limit: bool,
) -> bool {
    // Redis 7.2+ stops at a nesting depth of 1000 (protection against
    // pathological patterns); the matcher below is iterative for all but `*`.
    if limit && nesting > 1000 {
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
                    if match_impl(&p[1..], s, nocase, skip_longer, nesting + 1, limit) {
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

#[cfg(test)]
mod tests {
    use super::matches;

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
