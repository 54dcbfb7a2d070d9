//! The challenges: each one's texts, setup and solution scenarios, and its check.
//!
//! Every setup starts the clock at `T` and keeps it paused, so `XADD *` makes `T-0`, `T-1`, ...
//! and a check can name the IDs it expects.

use super::{cat, id, listed, need, parse_id, text, Challenge, Ctx, Res};
use crate::engine::glob;
use crate::engine::inspect::{Preview, Window};

/// The clock at the start of every setup.
const T: u64 = 1_700_000_000_000;

pub(super) static ALL: [Challenge; 13] = [
    Challenge {
        name: "pattern-two-of-three",
        title: "One pattern for two channels out of three",
        difficulty: 1,
        task: "Messages are published to news.sports, news.weather and newsroom. In pane reader, \
               subscribe with a single pattern so that reader receives the messages of \
               news.sports and news.weather but not those of newsroom.",
        setup: "@clock 1700000000000\n@pane add reader\n@pane add editor\n",
        hints: &[
            "PSUBSCRIBE takes glob-style patterns: * matches any run of characters.",
            "news* matches newsroom too: keep the dot in the pattern.",
            "reader> PSUBSCRIBE news.*",
        ],
        solution: "reader> PSUBSCRIBE news.*\neditor> PUBLISH news.sports goal\n\
                   editor> PUBLISH newsroom lunch\n",
        checked_by: "The pane reader's connection must hold exactly one pattern and no channel, \
                     and that pattern must match news.sports and news.weather but not newsroom \
                     (Redis's own glob matcher).",
        check: pattern_two_of_three,
    },
    Challenge {
        name: "new-entries-only",
        title: "A group that reads only new entries",
        difficulty: 1,
        task: "The stream logs already holds 3 entries. Create a consumer group alerts on logs \
               that delivers only entries added from now on. Then add an entry in pane app \
               (XADD logs * level error msg down) and read it in pane pager as consumer pager \
               of alerts.",
        setup: "@clock 1700000000000\n@pane add app\n@pane add pager\n\
                app> XADD logs * level info msg started\n\
                app> XADD logs * level warn msg slow\n\
                app> XADD logs * level info msg ok\n",
        hints: &[
            "XGROUP CREATE takes the ID the group has already read up to.",
            "The special ID $ means the stream's last entry at the time the group is created.",
            "app> XGROUP CREATE logs alerts $, then XADD, then \
             pager> XREADGROUP GROUP alerts pager STREAMS logs >",
        ],
        solution: "app> XGROUP CREATE logs alerts $\napp> XADD logs * level error msg down\n\
                   pager> XREADGROUP GROUP alerts pager STREAMS logs >\n",
        checked_by: "The group alerts must start at or after the last old entry (its XGROUP \
                     CREATE or SETID ID), none of the 3 old entries may be pending in it, and \
                     the consumer pager must have been delivered a newer entry.",
        check: new_entries_only,
    },
    Challenge {
        name: "lock-with-expiry",
        title: "A lock that frees itself",
        difficulty: 1,
        task: "Pane worker-1 takes the lock lock:report (value worker-1) for 30 seconds, with \
               one command that succeeds only if nobody holds the lock. Then pane worker-2 \
               tries to take it the same way, and must not get it.",
        setup: "@clock 1700000000000\n@pane add worker-1\n@pane add worker-2\n",
        hints: &[
            "SET has options for both parts: set only if absent, and an expiry.",
            "SETNX followed by EXPIRE is two commands: a crash between them leaves a lock that \
             never expires.",
            "worker-1> SET lock:report worker-1 NX EX 30",
        ],
        solution: "worker-1> SET lock:report worker-1 NX EX 30\n\
                   worker-2> SET lock:report worker-2 NX EX 30\n",
        checked_by: "lock:report must hold worker-1 and expire within 30 s; worker-1 must have \
                     set it with one SET ... NX and EX or PX, and worker-2 must have tried a \
                     SET lock:report ... NX after it.",
        check: lock_with_expiry,
    },
    Challenge {
        name: "leaderboard-top-3",
        title: "A leaderboard's podium",
        difficulty: 1,
        task: "The sorted set scores holds 8 players' scores. Store the 3 players with the \
               highest scores, with their scores, in a new sorted set podium, and leave scores \
               as it is.",
        setup: "@clock 1700000000000\n@pane add game\n\
                game> ZADD scores 120 ana 340 ben 95 cai 410 dev 275 eve 60 fay 390 gus 150 hal\n",
        hints: &[
            "A sorted set is ordered from the lowest score up; ranks count from 0.",
            "ZRANGESTORE copies a range of ranks into another key; REV counts from the highest.",
            "game> ZRANGESTORE podium scores 0 2 REV",
        ],
        solution: "game> ZRANGESTORE podium scores 0 2 REV\n\
                   game> ZREVRANGE podium 0 -1 WITHSCORES\n",
        checked_by: "podium must be a sorted set of exactly dev 410, gus 390 and ben 340, and \
                     scores must still hold all 8 players.",
        check: leaderboard_top_3,
    },
    Challenge {
        name: "ack-all-in-one",
        title: "Leave nothing pending, with one command",
        difficulty: 2,
        task: "In the stream orders, group billing has delivered 3 orders to worker-1 and 2 to \
               worker-2, and both workers have processed them. Leave no entry pending in \
               billing, keep all 5 orders in the stream, and do it with one command (commands \
               that only look, such as XPENDING, do not count).",
        setup: "@clock 1700000000000\n@pane add worker-1\n@pane add worker-2\n\
                worker-1> XADD orders * item book\nworker-1> XADD orders * item lamp\n\
                worker-1> XADD orders * item desk\nworker-1> XADD orders * item mug\n\
                worker-1> XADD orders * item pen\nworker-1> XGROUP CREATE orders billing 0\n\
                worker-1> XREADGROUP GROUP billing worker-1 COUNT 3 STREAMS orders >\n\
                worker-2> XREADGROUP GROUP billing worker-2 COUNT 2 STREAMS orders >\n",
        hints: &[
            "XPENDING orders billing lists what is pending, whoever it was delivered to.",
            "XACK takes any number of IDs, and the group does not care which consumer holds them.",
            "worker-1> XACK orders billing 1700000000000-0 1700000000000-1 1700000000000-2 \
             1700000000000-3 1700000000000-4",
        ],
        solution: "worker-1> XPENDING orders billing\nworker-1> XACK orders billing \
                   1700000000000-0 1700000000000-1 1700000000000-2 1700000000000-3 \
                   1700000000000-4\n",
        checked_by: "Group billing's pending entries list must be empty while orders still \
                     holds its 5 entries, and you must have run exactly one command that \
                     changes something.",
        check: ack_all_in_one,
    },
    Challenge {
        name: "group-lag",
        title: "How far behind is the group?",
        difficulty: 2,
        task: "Group mailer on the stream mail has read some of its entries, and more have \
               arrived since. Find out how many entries mailer has not read yet, without \
               reading any, and store that number in the key mailer:lag.",
        setup: "@clock 1700000000000\n@pane add ops\nops> 10 XADD mail * to someone\n\
                ops> XGROUP CREATE mail mailer 0\n\
                ops> XREADGROUP GROUP mailer m1 COUNT 6 STREAMS mail >\n\
                ops> 3 XADD mail * to someone-else\n",
        hints: &[
            "XLEN counts every entry, read or not.",
            "XINFO GROUPS mail reports each group's lag (Redis 7.0 and later).",
            "ops> XINFO GROUPS mail, then ops> SET mailer:lag with the lag it shows",
        ],
        solution: "ops> XINFO GROUPS mail\nops> SET mailer:lag 7\n",
        checked_by: "mailer:lag must hold the group's lag as the server computes it, and the \
                     group must not have moved (its last delivered ID is still the setup's).",
        check: group_lag,
    },
    Challenge {
        name: "rate-limiter",
        title: "A rate limiter: 5 requests per 10 s",
        difficulty: 2,
        task: "A fixed-window limiter allows 5 requests per 10 s: each request runs INCR on the \
               user's key, and the request that starts a window (its INCR returns 1) sets the \
               key to expire in 10 s. User 42 made 3 requests in a window that ends in 6 s. \
               Handle 3 more requests of user 42 (the last one is over the limit) and the first \
               request of user 7, whose key is rate:7.",
        setup: "@clock 1700000000000\n@pane add api\napi> INCR rate:42\n\
                api> EXPIRE rate:42 10\napi> INCR rate:42\napi> INCR rate:42\n@clock +4000\n",
        hints: &[
            "A request that does not start a window must not touch the expiry: the window ends \
             when it ends.",
            "rate:7 does not exist yet, so user 7's INCR returns 1: that request starts a \
             window.",
            "api> INCR rate:42 (three times), api> INCR rate:7, api> EXPIRE rate:7 10",
        ],
        solution: "api> INCR rate:42\napi> INCR rate:42\napi> INCR rate:42\n\
                   api> INCR rate:7\napi> EXPIRE rate:7 10\n",
        checked_by: "rate:42 must count 6 and still expire when its window ends (6 s after the \
                     setup); rate:7 must count 1 and expire within 10 s; the counts must come \
                     from INCR, not SET.",
        check: rate_limiter,
    },
    Challenge {
        name: "trim-exact-vs-approx",
        title: "Trim exactly, and the cheap way",
        difficulty: 2,
        task: "metrics:exact and metrics:approx each hold 250 entries. Trim metrics:exact to \
               exactly its newest 100 entries. Trim metrics:approx to at least its newest 100 \
               the cheap way: Redis removes only whole internal nodes (100 entries each here), \
               so no node is left with deleted entries.",
        setup: "@clock 1700000000000\n@pane add app\napp> 250 XADD metrics:exact * cpu 1\n\
                app> 250 XADD metrics:approx * cpu 1\n",
        hints: &[
            "XTRIM key MAXLEN n keeps the newest n entries.",
            "MAXLEN ~ n lets Redis keep more than n so that it only drops whole nodes; \
             XINFO STREAM shows the node count.",
            "app> XTRIM metrics:exact MAXLEN 100, app> XTRIM metrics:approx MAXLEN ~ 100",
        ],
        solution: "app> XTRIM metrics:exact MAXLEN 100\napp> XTRIM metrics:approx MAXLEN ~ 100\n\
                   app> XINFO STREAM metrics:approx\n",
        checked_by: "metrics:exact must hold exactly 1700000000000-150 to -249; metrics:approx \
                     must still end at -249, hold 100 to 249 entries, and its first node must \
                     have no deleted entries. Both must be the original streams (250 added).",
        check: trim_exact_vs_approx,
    },
    Challenge {
        name: "fan-out-vs-one",
        title: "Deliver to every service, but to one worker each",
        difficulty: 2,
        task: "Every order in the stream orders must reach both the billing service and the \
               shipping service, each a consumer group (billing and shipping). Shipping has two \
               workers, ship-1 and ship-2, that share the work: each order is shipped by one of \
               them only. Deliver all 4 orders.",
        setup: "@clock 1700000000000\n@pane add shop\n@pane add billing\n@pane add ship-1\n\
                @pane add ship-2\nshop> XADD orders * id 1\nshop> XADD orders * id 2\n\
                shop> XADD orders * id 3\nshop> XADD orders * id 4\n",
        hints: &[
            "Each consumer group gets every entry; within a group each entry goes to one \
             consumer.",
            "Create two groups; in shipping, read with two consumer names and COUNT so that \
             both get some.",
            "shop> XGROUP CREATE orders billing 0, shop> XGROUP CREATE orders shipping 0, \
             then XREADGROUP in each pane",
        ],
        solution: "shop> XGROUP CREATE orders billing 0\nshop> XGROUP CREATE orders shipping 0\n\
                   billing> XREADGROUP GROUP billing billing STREAMS orders >\n\
                   ship-1> XREADGROUP GROUP shipping ship-1 COUNT 2 STREAMS orders >\n\
                   ship-2> XREADGROUP GROUP shipping ship-2 COUNT 2 STREAMS orders >\n",
        checked_by: "Groups billing and shipping must both have delivered the last order; in \
                     shipping the consumers ship-1 and ship-2 must each have read, and no \
                     pending order may have been delivered twice.",
        check: fan_out_vs_one,
    },
    Challenge {
        name: "claim-idle",
        title: "Take over what a crashed worker left idle",
        difficulty: 2,
        task: "worker-1 of group g on the stream jobs has crashed. Two of its jobs have been \
               pending for 70 s, one for 40 s. Make worker-2 take over every job worker-1 left \
               idle for more than 60 s, and no other.",
        setup: "@clock 1700000000000\n@pane add worker-1\n@pane add worker-2\n\
                worker-1> XADD jobs * task a\nworker-1> XADD jobs * task b\n\
                worker-1> XGROUP CREATE jobs g 0\n\
                worker-1> XREADGROUP GROUP g worker-1 STREAMS jobs >\n@clock +30000\n\
                worker-1> XADD jobs * task c\n\
                worker-1> XREADGROUP GROUP g worker-1 STREAMS jobs >\n@clock +40000\n",
        hints: &[
            "XPENDING jobs g IDLE 60000 - + 10 lists what has been idle long enough.",
            "XAUTOCLAIM takes a minimum idle time and claims whatever qualifies, from a start \
             ID.",
            "worker-2> XAUTOCLAIM jobs g worker-2 60000 0",
        ],
        solution: "worker-2> XPENDING jobs g - + 10\n\
                   worker-2> XAUTOCLAIM jobs g worker-2 60000 0\n",
        checked_by: "1700000000000-0 and -1 must be pending for worker-2; 1700000030000-0 must \
                     still be pending for worker-1, unless it was claimed after being idle for \
                     more than 60 s.",
        check: claim_idle,
    },
    Challenge {
        name: "delete-consumer-safely",
        title: "Delete a consumer without losing its work",
        difficulty: 3,
        task: "In group g of the stream jobs, consumer worker-1 has 2 pending entries and \
               worker-2 has 1. worker-1 is retired: delete it from the group, without losing \
               its pending entries; they must be pending for worker-2 afterwards.",
        setup: "@clock 1700000000000\n@pane add ops\nops> XADD jobs * n 1\nops> XADD jobs * n 2\n\
                ops> XADD jobs * n 3\nops> XGROUP CREATE jobs g 0\n\
                ops> XREADGROUP GROUP g worker-1 COUNT 2 STREAMS jobs >\n\
                ops> XREADGROUP GROUP g worker-2 STREAMS jobs >\n",
        hints: &[
            "XGROUP DELCONSUMER drops the consumer's pending entries with it.",
            "Move the entries to worker-2 first: XCLAIM takes IDs, XAUTOCLAIM a start ID.",
            "ops> XCLAIM jobs g worker-2 0 1700000000000-0 1700000000000-1, then \
             XGROUP DELCONSUMER",
        ],
        solution: "ops> XCLAIM jobs g worker-2 0 1700000000000-0 1700000000000-1\n\
                   ops> XGROUP DELCONSUMER jobs g worker-1\n",
        checked_by: "worker-1 must be gone from group g, and 1700000000000-0, -1 and -2 must \
                     all be pending for worker-2.",
        check: delete_consumer_safely,
    },
    Challenge {
        name: "offline-catch-up",
        title: "A chat where an offline user catches up",
        difficulty: 3,
        task: "The chat sends each message twice: to the stream room:history (kept) and to the \
               channel room (live). bob keeps his place in the history with his own consumer \
               group, bob. bob went offline, and alice wrote 2 messages meanwhile. Bring bob \
               back: he reads the messages he missed, and only those, from the history through \
               his group, then subscribes to room again.",
        setup: "@clock 1700000000000\n@pane add alice\n@pane add bob\n\
                alice> XGROUP CREATE room:history bob $ MKSTREAM\n\
                alice> XADD room:history * from alice text hi\n\
                bob> XREADGROUP GROUP bob bob STREAMS room:history >\n\
                bob> XACK room:history bob 1700000000000-0\nbob> SUBSCRIBE room\n\
                @reconnect bob\nalice> XADD room:history * from alice text lunch?\n\
                alice> PUBLISH room lunch?\nalice> XADD room:history * from alice text 12:30\n\
                alice> PUBLISH room 12:30\n",
        hints: &[
            "Nothing published while bob was away reached him: Pub/Sub keeps no messages.",
            "His group remembers the last entry delivered to him; > reads what came after.",
            "bob> XREADGROUP GROUP bob bob STREAMS room:history >, then XACK them, then \
             SUBSCRIBE room",
        ],
        solution: "bob> XREADGROUP GROUP bob bob STREAMS room:history >\n\
                   bob> XACK room:history bob 1700000000000-1 1700000000000-2\n\
                   bob> SUBSCRIBE room\n",
        checked_by: "bob's group must have delivered the last message to bob through an \
                     XREADGROUP in bob's pane (not skipped ahead with XGROUP SETID), no old \
                     message may have been delivered twice, and bob's connection must be \
                     subscribed to room.",
        check: offline_catch_up,
    },
    Challenge {
        name: "dead-letter",
        title: "Retry at most 3 times, then dead-letter",
        difficulty: 3,
        task: "Jobs in the stream jobs (group workers) are retried at most 3 times. Move every \
               job that has been delivered 3 times to the stream jobs:dead, with its original \
               fields, and acknowledge it so that it is no longer pending. The other jobs stay \
               pending, for another retry.",
        setup: "@clock 1700000000000\n@pane add worker-1\n@pane add worker-2\n\
                worker-1> XADD jobs * job 1 task resize\nworker-1> XADD jobs * job 2 task email\n\
                worker-1> XADD jobs * job 3 task report\nworker-1> XGROUP CREATE jobs workers 0\n\
                worker-1> XREADGROUP GROUP workers worker-1 STREAMS jobs >\n@clock +60000\n\
                worker-2> XCLAIM jobs workers worker-2 60000 1700000000000-0 1700000000000-2\n\
                @clock +60000\n\
                worker-2> XCLAIM jobs workers worker-2 60000 1700000000000-0\n",
        hints: &[
            "XPENDING jobs workers - + 10 shows each pending job's delivery count.",
            "Dead-lettering is two steps: XADD a copy of the entry (XRANGE shows its fields) \
             to jobs:dead, then XACK the original.",
            "worker-2> XADD jobs:dead * job 1 task resize, then \
             worker-2> XACK jobs workers 1700000000000-0",
        ],
        solution: "worker-2> XPENDING jobs workers - + 10\n\
                   worker-2> XRANGE jobs 1700000000000-0 1700000000000-0\n\
                   worker-2> XADD jobs:dead * job 1 task resize\n\
                   worker-2> XACK jobs workers 1700000000000-0\n",
        checked_by: "jobs:dead must hold a copy of 1700000000000-0's fields (3 deliveries) \
                     and it must no longer be pending; 1700000000000-1 and -2 (fewer \
                     deliveries) must still be pending and must not be in jobs:dead.",
        check: dead_letter,
    },
];

fn pattern_two_of_three(c: &Ctx) -> Res {
    let (channels, patterns) = c
        .client("reader")
        .map(|r| (r.channels, r.patterns))
        .unwrap_or_default();
    if !channels.is_empty() {
        return Err(cat(&[
            "reader is subscribed to the channel(s) ",
            &listed(&channels),
            ": use one pattern instead",
        ]));
    }
    let [pattern] = &patterns[..] else {
        need(
            !patterns.is_empty(),
            "reader has no pattern subscription yet",
        )?;
        return Err(cat(&[
            "reader has ",
            &patterns.len().to_string(),
            " patterns (",
            &listed(&patterns),
            "): one must do",
        ]));
    };
    let p = text(pattern);
    for ch in ["news.sports", "news.weather", "newsroom"] {
        if glob::matches(pattern, ch.as_bytes(), false) != (ch != "newsroom") {
            let does = if ch == "newsroom" {
                " also matches "
            } else {
                " does not match "
            };
            return Err(cat(&["the pattern ", &p, does, ch]));
        }
    }
    Ok(cat(&[
        "reader's one pattern ",
        &p,
        " matches news.sports and news.weather, and not newsroom",
    ]))
}

fn new_entries_only(c: &Ctx) -> Res {
    let last_old = id(T, 2);
    let g = c.group("logs", "alerts")?;
    let start = c
        .named("XGROUP")
        .filter(|x| {
            (x.arg(1).eq_ignore_ascii_case(b"CREATE") || x.arg(1).eq_ignore_ascii_case(b"SETID"))
                && x.arg(2) == b"logs"
                && x.arg(3) == b"alerts"
        })
        .last()
        .map(|x| x.arg(4));
    if let Some(start) = start.filter(|s| *s != b"$") {
        if parse_id(start).is_none_or(|s| s < last_old) {
            return Err(cat(&[
                "alerts starts at ",
                &text(start),
                ", before the old entries: they would be delivered too",
            ]));
        }
    }
    if let Some(old) = c.pel("logs", "alerts").iter().find(|p| p.id <= last_old) {
        return Err(cat(&[
            "the old entry ",
            &old.id.to_string(),
            " was delivered to ",
            &text(&old.consumer),
        ]));
    }
    let pager = g.consumers.iter().find(|k| k.name == b"pager");
    need(
        g.last_delivered_id > last_old && pager.is_some_and(|k| k.active_time_ms.is_some()),
        "pager has not read a new entry through alerts yet",
    )?;
    Ok("alerts delivered only new entries, and pager read them".into())
}

fn lock_with_expiry(c: &Ctx) -> Res {
    let holder = c.string("lock:report").ok_or("nobody holds lock:report")?;
    if holder != "worker-1" {
        return Err(cat(&["lock:report is held by ", &holder, ", not worker-1"]));
    }
    let ttl = c.key("lock:report").and_then(|k| k.ttl_ms);
    need(
        ttl.is_some(),
        "lock:report never expires: if worker-1 crashed, nobody could take it again",
    )?;
    need(
        ttl.is_some_and(|t| t <= 30_000),
        "lock:report expires later than 30 s from now",
    )?;
    let is_set = |x: &super::Cmd| x.name() == b"SET" && x.arg(1) == b"lock:report" && x.has("NX");
    let taken = c
        .cmds
        .iter()
        .position(|x| x.pane == "worker-1" && is_set(x) && (x.has("EX") || x.has("PX")))
        .ok_or(
            "worker-1 must take the lock with one SET lock:report ... NX EX 30 (SETNX and then \
             EXPIRE leave a moment when the lock never expires)",
        )?;
    need(
        c.cmds[taken..]
            .iter()
            .any(|x| x.pane == "worker-2" && is_set(x)),
        "worker-2 has not tried to take lock:report with SET ... NX yet",
    )?;
    Ok("worker-1 holds lock:report for at most 30 s, and worker-2's SET NX found it taken".into())
}

fn leaderboard_top_3(c: &Ctx) -> Res {
    need(
        c.key("scores").is_some_and(|k| k.size == 8),
        "scores no longer holds its 8 players",
    )?;
    let key = c.key("podium").ok_or("there is no key podium yet")?;
    let Preview::Zset { ranked } = key.preview else {
        return Err(cat(&["podium is a ", &key.type_name, ", not a sorted set"]));
    };
    for (m, s) in [("ben", "340"), ("gus", "390"), ("dev", "410")] {
        if !ranked
            .iter()
            .any(|(hm, hs)| hm == m.as_bytes() && hs == s.as_bytes())
        {
            return Err(cat(&[m, " (", s, ") is missing from podium"]));
        }
    }
    if ranked.len() != 3 {
        return Err(cat(&[
            "podium holds ",
            &ranked.len().to_string(),
            " players, not 3",
        ]));
    }
    Ok("podium holds dev 410, gus 390 and ben 340".into())
}

fn ack_all_in_one(c: &Ctx) -> Res {
    let len = c.entries("orders").map_or(0, |e| e.len());
    if len != 5 {
        return Err(cat(&[
            "orders holds ",
            &len.to_string(),
            " entries: keep all 5",
        ]));
    }
    c.group("orders", "billing")?;
    let pel = c.pel("orders", "billing");
    if let Some(first) = pel.first() {
        let more = pel.len() - 1;
        return Err(cat(&[
            &first.id.to_string(),
            " is still pending for ",
            &text(&first.consumer),
            &if more > 0 {
                cat(&[" (and ", &more.to_string(), " more)"])
            } else {
                String::new()
            },
        ]));
    }
    let moves = c.moves();
    if moves != 1 {
        return Err(cat(&[
            "nothing is pending, but it took ",
            &moves.to_string(),
            " commands: do it with one",
        ]));
    }
    Ok("billing has nothing pending, orders keeps its 5 entries, and it took one command".into())
}

fn group_lag(c: &Ctx) -> Res {
    let g = c.group("mail", "mailer")?;
    need(
        g.last_delivered_id == id(T, 5),
        "mailer has read entries since the setup, so its lag is no longer the one to find: \
         restart the challenge",
    )?;
    let lag = g
        .lag
        .ok_or("the server cannot tell mailer's lag")?
        .to_string();
    let stored = c
        .string("mailer:lag")
        .ok_or("there is no key mailer:lag yet")?;
    if stored != lag {
        return Err(cat(&[
            "mailer:lag holds ",
            &stored,
            ", which is not mailer's lag",
        ]));
    }
    Ok(cat(&[
        "mailer:lag holds ",
        &lag,
        ": the entries mailer has not read yet",
    ]))
}

fn rate_limiter(c: &Ctx) -> Res {
    let incrs = |key: &str| -> u64 {
        c.named("INCR")
            .filter(|x| x.arg(1) == key.as_bytes())
            .map(|x| x.times)
            .sum()
    };
    let count = c
        .string("rate:42")
        .ok_or("rate:42 is gone: its window ended before the 3 requests were counted")?;
    if count != "6" {
        return Err(cat(&[
            "rate:42 counts ",
            &count,
            ", not 6 (3 earlier requests and 3 new ones)",
        ]));
    }
    need(
        incrs("rate:42") >= 3,
        "count each of user 42's requests with INCR rate:42",
    )?;
    let end = c
        .key("rate:42")
        .and_then(|k| k.expires_at_ms)
        .ok_or("rate:42 no longer expires: its window would never end")?;
    if end != T + 10_000 {
        return Err(cat(&[
            "rate:42's window now ends ",
            &(end.saturating_sub(T + 4_000) / 1_000).to_string(),
            " s after the setup instead of 6 s: only the request that starts a window sets \
             its expiry",
        ]));
    }
    let count = c
        .string("rate:7")
        .ok_or("there is no rate:7 yet: count user 7's request")?;
    if count != "1" || incrs("rate:7") == 0 {
        return Err(cat(&[
            "rate:7 counts ",
            &count,
            ", not 1 (one request, counted with INCR rate:7)",
        ]));
    }
    let ttl = c.key("rate:7").and_then(|k| k.ttl_ms);
    need(
        ttl.is_some(),
        "rate:7 never expires: the request that starts a window must set its 10 s expiry",
    )?;
    need(
        ttl.is_some_and(|t| t <= 10_000),
        "rate:7's window ends later than 10 s from now",
    )?;
    Ok(
        "rate:42 counts 6 in a window still ending on time, and rate:7 started a 10 s window"
            .into(),
    )
}

fn trim_exact_vs_approx(c: &Ctx) -> Res {
    let e = c.s.engine();
    let info = |k: &str| {
        e.inspect_stream(0, k.as_bytes(), c.now)
            .filter(|s| s.entries_added == 250)
            .ok_or_else(|| cat(&[k, " is not the stream the setup made"]))
    };
    let ex = info("metrics:exact")?;
    if ex.length != 100 {
        return Err(cat(&[
            "metrics:exact holds ",
            &ex.length.to_string(),
            " entries, not exactly 100",
        ]));
    }
    need(
        ex.first_id == Some(id(T, 150)) && ex.last_id == Some(id(T, 249)),
        "metrics:exact does not hold the newest 100 (1700000000000-150 to -249)",
    )?;
    let ap = info("metrics:approx")?;
    need(
        ap.last_id == Some(id(T, 249)),
        "metrics:approx lost its newest entry 1700000000000-249",
    )?;
    let len = ap.length.to_string();
    if ap.length < 100 {
        return Err(cat(&[
            "metrics:approx holds only ",
            &len,
            " entries: keep at least the newest 100",
        ]));
    }
    need(ap.length < 250, "metrics:approx has not been trimmed yet")?;
    let first = e
        .inspect_nodes(0, b"metrics:approx", c.now, Window::First(1))
        .and_then(|n| n.into_iter().next());
    if let Some(n) = first.filter(|n| n.deleted > 0) {
        return Err(cat(&[
            "metrics:approx's first node holds ",
            &n.deleted.to_string(),
            " deleted entries: that trim cut inside a node, which ~ never does",
        ]));
    }
    Ok(cat(&[
        "metrics:exact holds exactly the newest 100; metrics:approx holds ",
        &len,
        ", only whole nodes removed",
    ]))
}

fn fan_out_vs_one(c: &Ctx) -> Res {
    for name in ["billing", "shipping"] {
        c.group("orders", name)?;
        let handled = c.handled("orders", name);
        if let Some(e) = (0..4).map(|i| id(T, i)).find(|e| !handled.contains(e)) {
            return Err(cat(&[
                "group ",
                name,
                " has not delivered ",
                &e.to_string(),
            ]));
        }
    }
    let g = c.group("orders", "shipping")?;
    for w in ["ship-1", "ship-2"] {
        if !g
            .consumers
            .iter()
            .any(|k| k.name == w.as_bytes() && k.active_time_ms.is_some())
        {
            return Err(cat(&[w, " has not read any order from shipping"]));
        }
    }
    if let Some(p) = c
        .pel("orders", "shipping")
        .into_iter()
        .find(|p| p.delivery_count > 1)
    {
        return Err(cat(&[
            &p.id.to_string(),
            " was delivered ",
            &p.delivery_count.to_string(),
            " times in shipping",
        ]));
    }
    Ok(
        "billing and shipping each got all 4 orders, shared in shipping by ship-1 and ship-2"
            .into(),
    )
}

/// `Ok` when `e` is pending for `want`, else what happened to it; `lost` ends the message
/// for an entry no longer pending.
fn pending_for(c: &Ctx, key: &str, group: &str, e: u64, want: &str, lost: &str) -> Res {
    let owner = c.owner(key, group, id(T, e));
    let e = id(T, e).to_string();
    match owner {
        Some(w) if w == want => Ok(e),
        Some(w) => Err(cat(&[&e, " is pending for ", &w, ", not ", want])),
        None => Err(cat(&[&e, " is no longer pending: ", lost])),
    }
}

fn claim_idle(c: &Ctx) -> Res {
    for e in 0..2 {
        pending_for(
            c,
            "jobs",
            "g",
            e,
            "worker-2",
            "worker-2 should have taken it over",
        )?;
    }
    let late = id(T + 30_000, 0);
    let p = c
        .pel("jobs", "g")
        .into_iter()
        .find(|p| p.id == late)
        .ok_or("1700000030000-0 is no longer pending: it was not idle long enough to be taken")?;
    // Claiming sets the delivery time, so it tells when the entry was taken.
    let idle = p.delivery_time_ms.saturating_sub(T + 30_000);
    if p.consumer != b"worker-1" && idle <= 60_000 {
        return Err(cat(&[
            "1700000030000-0 was taken from worker-1 after only ",
            &(idle / 1_000).to_string(),
            " s idle",
        ]));
    }
    Ok("worker-2 took over exactly the entries idle for more than 60 s".into())
}

fn delete_consumer_safely(c: &Ctx) -> Res {
    let g = c.group("jobs", "g")?;
    need(
        !g.consumers.iter().any(|k| k.name == b"worker-1"),
        "worker-1 is still a consumer of g",
    )?;
    for e in 0..3 {
        pending_for(
            c,
            "jobs",
            "g",
            e,
            "worker-2",
            "its work is lost (deleting a consumer drops its pending entries)",
        )?;
    }
    Ok("worker-1 is gone and worker-2 holds all 3 pending entries".into())
}

fn offline_catch_up(c: &Ctx) -> Res {
    let key = "room:history";
    let g = c.group(key, "bob")?;
    need(
        !c.named("XGROUP")
            .any(|x| x.arg(1).eq_ignore_ascii_case(b"SETID")),
        "bob's group skipped ahead with XGROUP SETID: he never read what he missed",
    )?;
    need(
        c.named("XREADGROUP")
            .any(|x| x.pane == "bob" && x.arg(2) == b"bob"),
        "bob has not read from room:history through his group bob yet",
    )?;
    let handled = c.handled(key, "bob");
    for e in [id(T, 1), id(T, 2)] {
        if g.last_delivered_id < e || !handled.contains(&e) {
            return Err(cat(&[
                "bob has not read the missed message ",
                &e.to_string(),
                " yet",
            ]));
        }
    }
    if let Some(p) = c.pel(key, "bob").into_iter().find(|p| p.delivery_count > 1) {
        return Err(cat(&[
            "bob was given ",
            &p.id.to_string(),
            " more than once",
        ]));
    }
    need(
        c.client("bob")
            .is_some_and(|b| b.channels.iter().any(|ch| ch == b"room")),
        "bob is not subscribed to room: he would miss the next live message",
    )?;
    Ok("bob read the 2 messages he missed through his group and listens to room again".into())
}

fn dead_letter(c: &Ctx) -> Res {
    let dead = c.entries("jobs:dead").unwrap_or_default();
    // Each job: its sequence in `T-seq`, its deliveries in the setup, its fields.
    let jobs = [
        (0, "3 deliveries", "job 1, task resize", "1", "resize"),
        (1, "1 delivery", "", "2", "email"),
        (2, "2 deliveries", "", "3", "report"),
    ];
    for (seq, times, fields, job, task) in jobs {
        let e = id(T, seq).to_string();
        let copied = dead.iter().any(|d| {
            let has = |f: &[u8], v: &str| {
                d.fields
                    .iter()
                    .any(|(df, dv)| df == f && dv == v.as_bytes())
            };
            has(b"job", job) && has(b"task", task)
        });
        let pending = c.owner("jobs", "workers", id(T, seq)).is_some();
        if seq == 0 {
            if !copied {
                return Err(cat(&[
                    "jobs:dead holds no copy of ",
                    &e,
                    " (",
                    fields,
                    "), delivered 3 times",
                ]));
            }
            if pending {
                return Err(cat(&[
                    &e,
                    " is still pending in workers: acknowledge it once it is dead-lettered",
                ]));
            }
        } else if copied {
            return Err(cat(&[&e, " was dead-lettered after only ", times]));
        } else if !pending {
            return Err(cat(&[
                &e,
                " (",
                times,
                ") is no longer pending: it must stay for another retry",
            ]));
        }
    }
    Ok(
        "1700000000000-0 (3 deliveries) is in jobs:dead and acknowledged; the others wait for a \
        retry"
            .into(),
    )
}
