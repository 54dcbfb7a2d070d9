//! redis-cli's subscribe-mode banner (REDIS-CLI.md §6 and §14): which line it prints and
//! where, in redis-cli 7.0.15 (the 7.0 profile) and in 7.2+ (Redis 8.0.2's redis-cli, the 8
//! profile), shared by the console and the replay of the recordings.

/// 7.0.15's banner, printed once, before the replies of a typed (P|S)SUBSCRIBE.
pub const BANNER_7: &str = "Reading messages... (press Ctrl-C to quit)";

/// 7.2+'s banner, printed after every batch of output while subscribed (redis-cli.c
/// `cliWaitForMessagesOrStdin`); it ends in a carriage return and is erased (`ESC [K`) when
/// more output comes or a key is pressed, so a screen shows only the newest one.
pub const BANNER_8: &str = "Reading messages... (press Ctrl-C to quit or any key to type command)";

/// Whether `word` (a command name) puts redis-cli into subscribe mode: SUBSCRIBE, PSUBSCRIBE
/// or SSUBSCRIBE, in any case.
pub fn is_subscribe(word: &[u8]) -> bool {
    [&b"subscribe"[..], b"psubscribe", b"ssubscribe"]
        .iter()
        .any(|w| word.eq_ignore_ascii_case(w))
}

/// The line printed before the output of a typed command named `word`: 7.0.15's banner for a
/// subscribe command (even one the server refuses), nothing in 7.2+ (`v8`).
pub fn banner_before(word: &[u8], v8: bool) -> Option<&'static str> {
    (!v8 && is_subscribe(word)).then_some(BANNER_7)
}

/// The line printed after a batch of output (a typed command's, or pushes that arrived) for a
/// client that is `subscribed` afterwards: 7.2+'s banner (`v8`), nothing in 7.0.15.
///
/// redis-cli 7.2+ enters subscribe mode when a subscribe is confirmed and leaves it on RESET or
/// Ctrl-C only; a pane never reconnects, so the console reads "subscribed" as the client's
/// having a subscription (after an UNSUBSCRIBE from everything redis-cli would still print it).
pub fn banner_after(subscribed: bool, v8: bool) -> Option<&'static str> {
    (v8 && subscribed).then_some(BANNER_8)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn each_version_prints_its_banner_in_its_place() {
        assert!(is_subscribe(b"SSubscribe") && !is_subscribe(b"unsubscribe"));
        assert_eq!(banner_before(b"PSUBSCRIBE", false), Some(BANNER_7));
        assert_eq!(banner_before(b"PSUBSCRIBE", true), None);
        assert_eq!(banner_before(b"PING", false), None);
        assert_eq!(banner_after(true, true), Some(BANNER_8));
        assert_eq!(banner_after(false, true), None);
        assert_eq!(banner_after(true, false), None);
    }
}
