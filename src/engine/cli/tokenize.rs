//! redis-cli's line splitting (REDIS-CLI.md §3.1, `sdssplitargs`).
//! PLACEHOLDER: replaced by the full implementation.

/// Splits a typed line into arguments; `None` where redis-cli prints `Invalid argument(s)`.
pub fn split_args(line: &[u8]) -> Option<Vec<Vec<u8>>> {
    Some(
        line.split(|b| *b == b' ')
            .filter(|w| !w.is_empty())
            .map(|w| w.to_vec())
            .collect(),
    )
}

/// The repeat prefix (§3.3): `Ok((count, rest))`, or `Err(())` where redis-cli
/// prints `Invalid redis-cli repeat command option value.`
#[allow(clippy::result_unit_err)]
pub fn parse_repeat(args: &[Vec<u8>]) -> Result<(u64, &[Vec<u8>]), ()> {
    Ok((1, args))
}
