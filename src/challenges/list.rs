//! The challenges: each one's texts, setup and solution scenarios, and its check.
//!
//! Every setup starts the clock at `T` and keeps it paused, so `XADD *` makes `T-0`, `T-1`, ...
//! and a check can name the IDs it expects.

use super::{id, listed, need, parse_id, Challenge, Ctx};
use crate::engine::glob;
use crate::engine::inspect::Preview;

/// The clock at the start of every setup.
const T: u64 = 1_700_000_000_000;

pub(super) static ALL: [Challenge; 5] = [
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
];

fn pattern_two_of_three(c: &Ctx) -> Result<String, String> {
    let reader = c.client("reader");
    let (channels, patterns) = reader.map(|r| (r.channels, r.patterns)).unwrap_or_default();
    let text = |v: &[Vec<u8>]| -> Vec<String> {
        v.iter()
            .map(|b| String::from_utf8_lossy(b).into_owned())
            .collect()
    };
    need(channels.is_empty(), || {
        format!(
            "reader is subscribed to the channel(s) {}: use one pattern instead",
            listed(&text(&channels))
        )
    })?;
    let [pattern] = &patterns[..] else {
        return Err(if patterns.is_empty() {
            "reader has no pattern subscription yet".into()
        } else {
            format!(
                "reader has {} patterns ({}): one must do",
                patterns.len(),
                listed(&text(&patterns))
            )
        });
    };
    let p = String::from_utf8_lossy(pattern);
    for ch in ["news.sports", "news.weather"] {
        need(glob::matches(pattern, ch.as_bytes(), false), || {
            format!("the pattern {p} does not match {ch}")
        })?;
    }
    need(!glob::matches(pattern, b"newsroom", false), || {
        format!("the pattern {p} also matches newsroom")
    })?;
    Ok(format!(
        "reader's one pattern {p} matches news.sports and news.weather, and not newsroom"
    ))
}

fn new_entries_only(c: &Ctx) -> Result<String, String> {
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
        .map(|x| x.arg(4).to_vec());
    if let Some(start) = start.filter(|s| s != b"$") {
        need(parse_id(&start).is_some_and(|s| s >= last_old), || {
            format!(
                "alerts starts at {}, before the old entries: they would be delivered too",
                String::from_utf8_lossy(&start)
            )
        })?;
    }
    if let Some(old) = c.pel("logs", "alerts").iter().find(|p| p.id <= last_old) {
        return Err(format!(
            "the old entry {} was delivered to {}",
            old.id,
            String::from_utf8_lossy(&old.consumer)
        ));
    }
    let pager = g.consumers.iter().find(|k| k.name == b"pager");
    need(
        g.last_delivered_id > last_old && pager.is_some_and(|k| k.active_time_ms.is_some()),
        || "pager has not read a new entry through alerts yet".into(),
    )?;
    Ok(format!(
        "alerts delivered only new entries, up to {}, and pager read them",
        g.last_delivered_id
    ))
}

fn lock_with_expiry(c: &Ctx) -> Result<String, String> {
    let holder = c.string("lock:report").ok_or("nobody holds lock:report")?;
    need(holder == "worker-1", || {
        format!("lock:report is held by {holder}, not worker-1")
    })?;
    let ttl = c.key("lock:report").and_then(|k| k.ttl_ms);
    need(ttl.is_some(), || {
        "lock:report never expires: if worker-1 crashed, nobody could take it again".into()
    })?;
    need(ttl.is_some_and(|t| t <= 30_000), || {
        "lock:report expires later than 30 s from now".into()
    })?;
    let is_set = |x: &&super::Cmd| x.name() == b"SET" && x.arg(1) == b"lock:report" && x.has("NX");
    let taken = c
        .cmds
        .iter()
        .position(|x| x.pane == "worker-1" && is_set(&x) && (x.has("EX") || x.has("PX")));
    let Some(taken) = taken else {
        return Err(
            "worker-1 must take the lock with one SET lock:report ... NX EX 30 \
                    (SETNX and then EXPIRE leave a moment when the lock never expires)"
                .into(),
        );
    };
    need(
        c.cmds[taken..]
            .iter()
            .any(|x| x.pane == "worker-2" && is_set(&x)),
        || "worker-2 has not tried to take lock:report with SET ... NX yet".into(),
    )?;
    Ok("worker-1 holds lock:report for at most 30 s, and worker-2's SET NX found it taken".into())
}

fn leaderboard_top_3(c: &Ctx) -> Result<String, String> {
    let want = [("ben", "340"), ("gus", "390"), ("dev", "410")];
    need(c.key("scores").is_some_and(|k| k.size == 8), || {
        "scores no longer holds its 8 players".into()
    })?;
    let key = c.key("podium").ok_or("there is no key podium yet")?;
    let Preview::Zset { ranked } = key.preview else {
        return Err(format!("podium is a {}, not a sorted set", key.type_name));
    };
    let have: Vec<(String, String)> = ranked
        .iter()
        .map(|(m, s)| {
            let t = |b: &[u8]| String::from_utf8_lossy(b).into_owned();
            (t(m), t(s))
        })
        .collect();
    for (m, s) in want {
        need(have.iter().any(|(hm, hs)| hm == m && hs == s), || {
            format!("{m} ({s}) is missing from podium")
        })?;
    }
    need(have.len() == 3, || {
        format!("podium holds {} players, not 3", have.len())
    })?;
    Ok("podium holds dev 410, gus 390 and ben 340".into())
}

fn ack_all_in_one(c: &Ctx) -> Result<String, String> {
    let len = c.entries("orders").map_or(0, |e| e.len());
    need(len == 5, || {
        format!("orders holds {len} entries: keep all 5")
    })?;
    c.group("orders", "billing")?;
    let pel = c.pel("orders", "billing");
    if let Some(first) = pel.first() {
        let more = match pel.len() {
            1 => String::new(),
            n => format!(" (and {} more)", n - 1),
        };
        return Err(format!(
            "{} is still pending for {}{more}",
            first.id,
            String::from_utf8_lossy(&first.consumer)
        ));
    }
    let moves = c.moves();
    need(moves == 1, || {
        format!("nothing is pending, but it took {moves} commands: do it with one")
    })?;
    Ok("billing has nothing pending, orders keeps its 5 entries, and it took one command".into())
}
