//! The redis-cli terminal formatter (REDIS-CLI.md §4).
//! PLACEHOLDER: replaced by the full implementation.

use crate::engine::Reply;

/// What redis-cli prints in a terminal for `reply` (as the client received
/// it: call `Reply::to_resp2` first for a RESP2 client). Always ends in `\n`.
pub fn format(reply: &Reply) -> String {
    format!("{reply:?}\n")
}

/// redis-cli's raw formatter (§4.7, §11): no trailing newline.
pub fn format_raw(reply: &Reply) -> String {
    format!("{reply:?}")
}

/// Whether redis-cli prints the reply to `argv` with the raw formatter even in a terminal (§4.7).
pub fn uses_raw_output(_argv: &[Vec<u8>]) -> bool {
    false
}

/// A bulk string in redis-cli's quoting (§4.2): `"h\xc3\xa9llo"`.
pub fn quote_bulk(bytes: &[u8]) -> String {
    format!("{:?}", String::from_utf8_lossy(bytes))
}
