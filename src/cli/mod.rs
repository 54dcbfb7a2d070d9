//! What redis-cli does with text, as pure functions outside the engine: splitting a line into
//! arguments (`split`, shared with the server's inline protocol), the repeat prefix and quoting
//! (`tokenize`), printing replies (`format`), HELP (`help`), hints and completion (`hints`) and the
//! subscribe-mode banner (`subscribe`), per
//! REDIS-CLI.md.

pub mod format;
pub mod help;
pub mod hints;
pub mod split;
pub mod subscribe;
pub mod tokenize;
