//! redis-cli's HELP (REDIS-CLI.md §8): its help table (every command and subcommand of a profile,
//! sorted as redis-cli sorts it) and the screen lines `HELP words...` prints, from the engine's
//! command table.

use crate::engine::table::{self, CommandSpec};

/// The upper-case name HELP shows for a command or subcommand (`XGROUP CREATE`).
pub fn display_name(spec: &CommandSpec) -> String {
    // Table names are ASCII; ASCII upper-casing keeps Unicode's table out of the page.
    spec.fullname.replace('|', " ").to_ascii_uppercase()
}

/// The commands and subcommands of the profile (`v8`: the 8 profile, with its
/// 8.4 entries) in redis-cli's help-table order, sorted by the upper-case full
/// name in byte order: what HELP and hints show.
pub fn entries_for(v8: bool) -> Vec<&'static CommandSpec> {
    let mut all: Vec<&'static CommandSpec> = Vec::new();
    for c in table::commands(v8) {
        all.push(c);
        all.extend(c.subcommands.iter());
    }
    // Full names are distinct in a profile, so the unstable sort gives the stable sort's order.
    // The names are ASCII: comparing them upper-cased byte by byte, with `|` read as a space,
    // orders them as their `display_name`s without building a string per comparison.
    let shown = |c: &CommandSpec| {
        c.fullname.bytes().map(|b| {
            if b == b'|' {
                b' '
            } else {
                b.to_ascii_uppercase()
            }
        })
    };
    crate::vec_map::sort_by(&mut all, |a, b| shown(a).cmp(shown(b)));
    all
}

/// `HELP` alone: redis-cli's version line, then this text (the same in redis-cli 7.0.15
/// and 8.0.2, whose recording is `tests/golden/cli-8/08-help.txt`).
const GENERIC_HELP: &str = "To get help about Redis commands type:
      \"help @<group>\" to get a list of commands in <group>
      \"help <command>\" for help on <command>
      \"help <tab>\" to get a list of possible help topics
      \"quit\" to exit

To set redis-cli preferences:
      \":set hints\" enable online hints
      \":set nohints\" disable online hints
Set your preferences in ~/.redisclirc";

/// What `HELP words...` prints (REDIS-CLI.md §8), as screen lines without the
/// colour codes, from the engine's command table: the commands of the profile
/// (`v8`: the 8 profile also has XDELEX and XACKDEL, and 8.4's syntax of
/// XADD, XTRIM and XREADGROUP).
pub fn help_lines(words: &[String], v8: bool) -> Vec<String> {
    if words.is_empty() {
        // The redis-cli of the profile's server version.
        let version = if v8 {
            "redis-cli 8.4.0"
        } else {
            "redis-cli 7.0.15"
        };
        return std::iter::once(version)
            .chain(GENERIC_HELP.lines())
            .map(str::to_string)
            .collect();
    }
    let mut out = Vec::new();
    let group = words[0].strip_prefix('@');
    for spec in entries_for(v8) {
        let name = display_name(spec);
        let entry_words: Vec<&str> = name.split(' ').collect();
        let shown = match group {
            Some(g) => !spec.group.is_empty() && spec.group.eq_ignore_ascii_case(g),
            None => {
                words.len() <= entry_words.len()
                    && words
                        .iter()
                        .zip(&entry_words)
                        .all(|(a, b)| a.eq_ignore_ascii_case(b))
            }
        };
        if !shown {
            continue;
        }
        out.push(String::new());
        // Redis 7.2+'s redis-cli prints a command without arguments' missing syntax with C's
        // `%s` of NULL, `(null)`; 7.0.15's prints nothing.
        let syntax = spec.syntax_in(v8);
        let syntax = if v8 && syntax.is_empty() {
            "(null)"
        } else {
            &syntax
        };
        out.push(format!("  {name} {syntax}"));
        out.push(format!("  summary: {}", spec.summary_in(v8)));
        out.push(format!("  since: {}", spec.since));
        if group.is_none() {
            out.push(format!("  group: {}", spec.group));
        }
    }
    out.push(String::new());
    out
}

#[cfg(test)]
mod tests {
    use super::*;

    /// `HELP` alone names the redis-cli of the profile's version; the rest of the text
    /// is the same in redis-cli 7.0.15 and 8.0.2 (tests/golden/cli-8/08-help.txt).
    #[test]
    fn generic_help_names_the_profile_s_redis_cli() {
        let v7 = help_lines(&[], false);
        let v8 = help_lines(&[], true);
        assert_eq!(v7[0], "redis-cli 7.0.15");
        assert_eq!(v8[0], "redis-cli 8.4.0");
        assert_eq!(v7[1..], v8[1..]);
        let recorded = include_str!("../../tests/golden/cli-8/08-help.txt");
        let after = recorded.split("> help\n").nth(1).expect("a `help` step");
        let lines: Vec<&str> = after.lines().take(v8.len()).collect();
        assert_eq!(lines[0], "redis-cli 8.0.2");
        assert_eq!(
            lines[1..],
            v8[1..].iter().map(String::as_str).collect::<Vec<_>>()
        );
    }

    #[test]
    fn help_entries_follow_the_profile() {
        let names = |v8| -> Vec<(String, String)> {
            entries_for(v8)
                .into_iter()
                .map(|s| (display_name(s), s.syntax_in(v8).into_owned()))
                .collect()
        };
        let (v7, v8) = (names(false), names(true));
        assert!(!v7.iter().any(|(n, _)| n == "XDELEX" || n == "XACKDEL"));
        assert_eq!(v8.len(), v7.len() + 2);
        let xadd: Vec<_> = v8.iter().filter(|(n, _)| n == "XADD").collect();
        assert_eq!(xadd.len(), 1);
        assert!(xadd[0].1.contains("[KEEPREF|DELREF|ACKED]"));
        let xadd: Vec<_> = v7.iter().filter(|(n, _)| n == "XADD").collect();
        assert_eq!(xadd.len(), 1);
        assert!(!xadd[0].1.contains("KEEPREF"));
        // Sorted by name, as redis-cli's help table, and the names distinct (what lets
        // `entries_for` use an unstable sort).
        for names in [&v7, &v8] {
            assert!(names.windows(2).all(|w| w[0].0 < w[1].0));
        }
    }
}
