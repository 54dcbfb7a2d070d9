//! The challenges through the session, in both profiles: each setup leaves the challenge
//! unsolved, its solution solves it, and plausible mistakes are refused with a message that
//! names what is missing.

use streamplay::challenges::{self, Challenge, Verdict};
use streamplay::engine::Profile;
use streamplay::session::{Session, SessionConfig};

/// Plausible mistakes: a challenge, the reader's steps after its setup, and words the "not
/// yet" message must contain.
const WRONG: &[(&str, &str, &str)] = &[
    (
        "pattern-two-of-three",
        "reader> PSUBSCRIBE news*\n",
        "also matches newsroom",
    ),
    (
        "pattern-two-of-three",
        "reader> SUBSCRIBE news.sports news.weather\n",
        "channel(s) news.sports and news.weather",
    ),
    (
        "pattern-two-of-three",
        "reader> PSUBSCRIBE news.s* news.w*\n",
        "2 patterns",
    ),
    (
        "new-entries-only",
        "app> XGROUP CREATE logs alerts 0\napp> XADD logs * level error msg down\n\
         pager> XREADGROUP GROUP alerts pager COUNT 1 STREAMS logs >\n",
        "alerts starts at 0",
    ),
    (
        "new-entries-only",
        "app> XGROUP CREATE logs alerts $\napp> XADD logs * level error msg down\n",
        "pager has not read",
    ),
    (
        "lock-with-expiry",
        "worker-1> SET lock:report worker-1 NX\nworker-2> SET lock:report worker-2 NX\n",
        "never expires",
    ),
    (
        "lock-with-expiry",
        "worker-1> SETNX lock:report worker-1\nworker-1> EXPIRE lock:report 30\n\
         worker-2> SET lock:report worker-2 NX EX 30\n",
        "one SET lock:report",
    ),
    (
        "lock-with-expiry",
        "worker-1> SET lock:report worker-1 EX 30\nworker-2> SET lock:report worker-2 EX 30\n",
        "held by worker-2",
    ),
    (
        "lock-with-expiry",
        "worker-1> SET lock:report worker-1 NX EX 30\n",
        "worker-2 has not tried",
    ),
    (
        "leaderboard-top-3",
        "game> ZRANGESTORE podium scores 0 2\n",
        "ben (340) is missing from podium",
    ),
    (
        "leaderboard-top-3",
        "game> ZRANGESTORE podium scores 0 3 REV\n",
        "4 players, not 3",
    ),
    (
        "leaderboard-top-3",
        "game> ZPOPMAX scores 3\n",
        "scores no longer holds",
    ),
    (
        "ack-all-in-one",
        "worker-1> XACK orders billing 1700000000000-0 1700000000000-1 1700000000000-2\n",
        "1700000000000-3 is still pending for worker-2 (and 1 more)",
    ),
    (
        "ack-all-in-one",
        "worker-1> XACK orders billing 1700000000000-0 1700000000000-1 1700000000000-2\n\
         worker-2> XACK orders billing 1700000000000-3 1700000000000-4\n",
        "it took 2 commands",
    ),
    (
        "ack-all-in-one",
        "worker-1> DEL orders\n",
        "orders holds 0 entries",
    ),
    ("group-lag", "ops> XLEN mail\nops> SET mailer:lag 13\n", "mailer:lag holds 13, which is not"),
    ("group-lag", "ops> XINFO GROUPS mail\n", "no key mailer:lag"),
    (
        "group-lag",
        "ops> XREADGROUP GROUP mailer m1 STREAMS mail >\nops> SET mailer:lag 0\n",
        "mailer has read entries since the setup",
    ),
    (
        "rate-limiter",
        "api> INCR rate:42\napi> EXPIRE rate:42 10\napi> INCR rate:42\napi> EXPIRE rate:42 10\n\
         api> INCR rate:42\napi> EXPIRE rate:42 10\napi> INCR rate:7\napi> EXPIRE rate:7 10\n",
        "window now ends 10 s after the setup",
    ),
    ("rate-limiter", "api> 3 INCR rate:42\napi> INCR rate:7\n", "rate:7 never expires"),
    (
        "rate-limiter",
        "api> SET rate:42 6\napi> INCR rate:7\napi> EXPIRE rate:7 10\n",
        "count each of user 42's requests",
    ),
    (
        "rate-limiter",
        "api> SET rate:42 3\napi> 3 INCR rate:42\napi> INCR rate:7\napi> EXPIRE rate:7 10\n",
        "rate:42 no longer expires",
    ),
    (
        "rate-limiter",
        "@clock +7000\napi> 3 INCR rate:42\napi> INCR rate:7\napi> EXPIRE rate:7 10\n",
        "rate:42 counts 3, not 6",
    ),
    (
        "trim-exact-vs-approx",
        "app> XTRIM metrics:exact MAXLEN ~ 100\napp> XTRIM metrics:approx MAXLEN ~ 100\n",
        "metrics:exact holds 150 entries, not exactly 100",
    ),
    (
        "trim-exact-vs-approx",
        "app> XTRIM metrics:exact MAXLEN 100\napp> XTRIM metrics:approx MAXLEN 100\n",
        "first node holds 50 deleted entries",
    ),
    (
        "trim-exact-vs-approx",
        "app> XTRIM metrics:exact MAXLEN 100\napp> XTRIM metrics:approx MAXLEN ~ 10\n",
        "holds only 50 entries",
    ),
    (
        "trim-exact-vs-approx",
        "app> DEL metrics:exact\napp> XTRIM metrics:approx MAXLEN ~ 100\n",
        "metrics:exact is not the stream the setup made",
    ),
    (
        "fan-out-vs-one",
        "shop> XGROUP CREATE orders shipping 0\n\
         ship-1> XREADGROUP GROUP shipping ship-1 COUNT 2 STREAMS orders >\n\
         ship-2> XREADGROUP GROUP shipping ship-2 COUNT 2 STREAMS orders >\n",
        "orders has no consumer group billing",
    ),
    (
        "fan-out-vs-one",
        "shop> XGROUP CREATE orders billing $\nshop> XGROUP CREATE orders shipping 0\n\
         ship-1> XREADGROUP GROUP shipping ship-1 COUNT 2 STREAMS orders >\n\
         ship-2> XREADGROUP GROUP shipping ship-2 COUNT 2 STREAMS orders >\n",
        "group billing has not delivered 1700000000000-0",
    ),
    (
        "fan-out-vs-one",
        "shop> XGROUP CREATE orders billing 0\nshop> XGROUP CREATE orders shipping 0\n\
         billing> XREADGROUP GROUP billing billing STREAMS orders >\n\
         ship-1> XREADGROUP GROUP shipping ship-1 STREAMS orders >\n\
         ship-2> XREADGROUP GROUP shipping ship-2 STREAMS orders >\n",
        "ship-2 has not read any order",
    ),
    (
        "fan-out-vs-one",
        "shop> XGROUP CREATE orders billing 0\nshop> XGROUP CREATE orders shipping 0\n\
         billing> XREADGROUP GROUP billing billing STREAMS orders >\n\
         ship-1> XREADGROUP GROUP shipping ship-1 STREAMS orders >\n\
         ship-2> XCLAIM orders shipping ship-2 0 1700000000000-0\n",
        "1700000000000-0 was delivered 2 times in shipping",
    ),
    (
        "claim-idle",
        "worker-2> XCLAIM jobs g worker-2 0 1700000000000-0 1700000000000-1 1700000030000-0\n",
        "1700000030000-0 was taken from worker-1 after only 40 s idle",
    ),
    ("claim-idle", "worker-2> XAUTOCLAIM jobs g worker-2 30000 0\n", "after only 40 s idle"),
    (
        "claim-idle",
        "worker-2> XCLAIM jobs g worker-2 60000 1700000000000-0\n",
        "1700000000000-1 is pending for worker-1, not worker-2",
    ),
    (
        "claim-idle",
        "worker-1> XACK jobs g 1700000000000-0 1700000000000-1 1700000030000-0\n",
        "1700000000000-0 is no longer pending",
    ),
    (
        "delete-consumer-safely",
        "ops> XGROUP DELCONSUMER jobs g worker-1\n",
        "1700000000000-0 is no longer pending",
    ),
    (
        "delete-consumer-safely",
        "ops> XCLAIM jobs g worker-2 0 1700000000000-0 1700000000000-1\n",
        "worker-1 is still a consumer of g",
    ),
    (
        "delete-consumer-safely",
        "ops> XCLAIM jobs g worker-3 0 1700000000000-0 1700000000000-1\n\
         ops> XGROUP DELCONSUMER jobs g worker-1\n",
        "1700000000000-0 is pending for worker-3, not worker-2",
    ),
    ("offline-catch-up", "bob> SUBSCRIBE room\n", "bob has not read from room:history"),
    (
        "offline-catch-up",
        "bob> XRANGE room:history - +\nbob> SUBSCRIBE room\n",
        "bob has not read from room:history",
    ),
    (
        "offline-catch-up",
        "bob> XREADGROUP GROUP bob bob STREAMS room:history >\n",
        "bob is not subscribed to room",
    ),
    (
        "offline-catch-up",
        "bob> XGROUP SETID room:history bob $\n\
         bob> XREADGROUP GROUP bob bob STREAMS room:history >\nbob> SUBSCRIBE room\n",
        "skipped ahead with XGROUP SETID",
    ),
    (
        "offline-catch-up",
        "bob> XREADGROUP GROUP bob bob COUNT 1 STREAMS room:history >\nbob> SUBSCRIBE room\n",
        "bob has not read the missed message 1700000000000-2",
    ),
    (
        "dead-letter",
        "worker-2> XADD jobs:dead * job 1 task resize\n",
        "1700000000000-0 is still pending in workers",
    ),
    (
        "dead-letter",
        "worker-2> XACK jobs workers 1700000000000-0\n",
        "jobs:dead holds no copy of 1700000000000-0",
    ),
    (
        "dead-letter",
        "worker-2> XADD jobs:dead * job 1 task resize\nworker-2> XADD jobs:dead * job 3 task report\n\
         worker-2> XACK jobs workers 1700000000000-0 1700000000000-2\n",
        "1700000000000-2 was dead-lettered after only 2 deliveries",
    ),
    (
        "dead-letter",
        "worker-2> XADD jobs:dead * job 1\nworker-2> XACK jobs workers 1700000000000-0\n",
        "jobs:dead holds no copy of 1700000000000-0",
    ),
    (
        "dead-letter",
        "worker-2> XADD jobs:dead * job 1 task resize\n\
         worker-2> XACK jobs workers 1700000000000-0 1700000000000-1\n",
        "1700000000000-1 (1 delivery) is no longer pending",
    ),
];

const PROFILES: [Profile; 2] = [Profile::V7, Profile::V8];

/// A fresh session after `c`'s setup, and the timeline index right after it.
fn set_up(c: &Challenge, profile: Profile) -> (Session, usize) {
    let mut s = Session::new(SessionConfig::default(), profile, 0);
    run_clean(&mut s, c.setup, c.name, "setup");
    let from = s.current();
    (s, from)
}

/// Runs scenario steps, failing on any step the session refused and on any error reply.
fn run_clean(s: &mut Session, steps: &str, name: &str, what: &str) {
    let replay = s
        .run_scenario(steps)
        .unwrap_or_else(|e| panic!("{name}: the {what} does not parse: {e:?}"));
    for m in &replay.mismatches {
        // Output with no expectation is a mismatch too; a refused step has no output at all.
        assert!(
            !(m.expected.is_empty() && m.actual.is_empty()),
            "{name}: a {what} step was refused: {}",
            m.what
        );
    }
    for lines in replay.actual.values() {
        for l in lines {
            assert!(
                !l.contains("(error)"),
                "{name}: the {what} got an error reply: {l}"
            );
        }
    }
}

fn verdict(c: &Challenge, profile: Profile, steps: &str) -> Verdict {
    let (mut s, from) = set_up(c, profile);
    s.run_scenario(steps).expect("the steps parse");
    c.check(&s, from)
}

#[test]
fn every_solution_solves_its_challenge_and_the_setup_alone_does_not() {
    assert!(challenges::all().len() >= 10);
    for c in challenges::all() {
        for profile in PROFILES {
            let (mut s, from) = set_up(c, profile);
            match c.check(&s, from) {
                Verdict::NotYet(why) => assert!(!why.is_empty(), "{}", c.name),
                Verdict::Solved(why) => panic!("{} is solved by its setup: {why}", c.name),
            }
            run_clean(&mut s, c.solution, c.name, "solution");
            match c.check(&s, from) {
                Verdict::Solved(why) => assert!(!why.is_empty(), "{}", c.name),
                Verdict::NotYet(why) => {
                    panic!(
                        "{} ({profile:?}): the solution does not solve it: {why}",
                        c.name
                    )
                }
            }
        }
    }
}

#[test]
fn plausible_mistakes_are_refused_with_what_is_missing() {
    for &(name, steps, says) in WRONG {
        let c = challenges::find(name).unwrap_or_else(|| panic!("no challenge {name}"));
        for profile in PROFILES {
            match verdict(c, profile, steps) {
                Verdict::NotYet(why) => assert!(
                    why.contains(says),
                    "{name} ({profile:?}): {steps:?} says {why:?}, not {says:?}"
                ),
                Verdict::Solved(why) => {
                    panic!("{name} ({profile:?}): {steps:?} counts as solved: {why}")
                }
            }
        }
    }
    for c in challenges::all() {
        assert!(
            WRONG.iter().any(|w| w.0 == c.name),
            "{} has no wrong attempt tested",
            c.name
        );
    }
}

#[test]
fn seeking_back_before_the_solution_unsolves_it() {
    let c = &challenges::all()[0];
    let (mut s, from) = set_up(c, Profile::V8);
    s.run_scenario(c.solution).expect("the solution parses");
    assert!(matches!(c.check(&s, from), Verdict::Solved(_)));
    s.seek(from).expect("the setup's last step exists");
    assert!(matches!(c.check(&s, from), Verdict::NotYet(_)));
}

#[test]
fn challenges_are_named_uniquely_and_described_fully() {
    let all = challenges::all();
    for (i, c) in all.iter().enumerate() {
        assert!(
            c.name
                .bytes()
                .all(|b| b.is_ascii_lowercase() || b.is_ascii_digit() || b == b'-'),
            "{} is not kebab-case",
            c.name
        );
        assert!(
            all[..i].iter().all(|o| o.name != c.name),
            "{} twice",
            c.name
        );
        assert!(std::ptr::eq(challenges::find(c.name).unwrap(), c));
        assert!(c.setup.starts_with("@clock "), "{}'s setup", c.name);
        assert!((2..=3).contains(&c.hints.len()), "{}'s hints", c.name);
        assert!((1..=3).contains(&c.difficulty), "{}'s difficulty", c.name);
        for text in [c.title, c.task, c.solution, c.checked_by] {
            assert!(!text.trim().is_empty(), "{} has an empty text", c.name);
        }
    }
    assert!(challenges::find("no-such-challenge").is_none());
}

#[test]
fn odd_lines_in_any_pane_never_break_a_check() {
    let odd = "x> XACK\nx> XACK a\nx> XGROUP\nx> XGROUP CREATE\nx> XREADGROUP\nx> SET\n\
               x> \"unclosed\nx> 0 PING\nx> 3\nx> INCR\nx> XACKDEL\n";
    for c in challenges::all() {
        let panes: Vec<&str> = c
            .setup
            .lines()
            .filter_map(|l| l.strip_prefix("@pane add "))
            .collect();
        let mut steps = String::new();
        for p in panes {
            steps.push_str(&odd.replace("x>", &format!("{p}>")));
        }
        assert!(matches!(
            verdict(c, Profile::V8, &steps),
            Verdict::NotYet(_)
        ));
    }
}

#[test]
fn a_session_that_already_has_a_pane_runs_every_challenge_too() {
    // The page may start a challenge in a session that has its first pane already: the
    // setup's `@clock` then moves the clock instead of the start, and the IDs are the same.
    for c in challenges::all() {
        let mut s = Session::with_panes(SessionConfig::default(), Profile::V8, 5, &["A"]).unwrap();
        run_clean(&mut s, c.setup, c.name, "setup");
        let from = s.current();
        run_clean(&mut s, c.solution, c.name, "solution");
        assert!(
            matches!(c.check(&s, from), Verdict::Solved(_)),
            "{}",
            c.name
        );
    }
}
