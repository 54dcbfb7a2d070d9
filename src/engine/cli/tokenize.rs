//! redis-cli's line splitting (REDIS-CLI.md §3.1, `sdssplitargs`).
