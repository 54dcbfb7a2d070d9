//! What redis-cli does with text: splitting a typed line into arguments
//! (`tokenize`) and printing replies (`format`), per REDIS-CLI.md.

pub mod format;
pub mod hints;
pub mod tokenize;
