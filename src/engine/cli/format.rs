//! The redis-cli terminal formatter (REDIS-CLI.md §4).
