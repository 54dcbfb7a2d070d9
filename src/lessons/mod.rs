//! The built-in lessons (issue 16): thirteen scenarios in the transcript format, listed in
//! order with the views each opens, and split at `@pause` into the parts the page steps through.
//!
//! A lesson's text is an ordinary scenario (`crate::transcript`): `#` lines are its narration,
//! `@pause` ends a part, and the expected output under each command is what the session prints
//! (`tests/lessons.rs` checks it, and re-blesses it with `BLESS=1`).

use crate::transcript::{self, Located, ParseError, Step};

/// One built-in lesson.
pub struct Lesson {
    /// A stable kebab-case id (the page's `data-name`).
    pub name: &'static str,
    pub title: &'static str,
    /// One sentence for the lesson list.
    pub summary: &'static str,
    /// The views the lesson opens: `pubsub`, `keyspace` or `stream:KEY`.
    pub views: &'static [&'static str],
    /// The scenario text.
    pub text: &'static str,
}

macro_rules! lesson {
    ($name:literal, $file:literal, $title:literal, $summary:literal, [$($view:literal),*]) => {
        Lesson {
            name: $name,
            title: $title,
            summary: $summary,
            views: &[$($view),*],
            text: include_str!($file),
        }
    };
}

static LESSONS: &[Lesson] = &[
    lesson!(
        "pubsub-basics",
        "01-pubsub-basics.scenario",
        "Pub/Sub basics",
        "SUBSCRIBE and PUBLISH, the receiver count, and a message lost when nobody listens.",
        ["pubsub"]
    ),
    lesson!(
        "patterns",
        "02-patterns.scenario",
        "Patterns and sharded channels",
        "PSUBSCRIBE with patterns, message vs pmessage, and SSUBSCRIBE/SPUBLISH.",
        ["pubsub"]
    ),
    lesson!(
        "pubsub-vs-streams",
        "03-pubsub-vs-streams.scenario",
        "Pub/Sub vs Streams",
        "A subscriber that disconnects misses messages; a stream reader catches up from its last id.",
        ["pubsub", "stream:orders:log"]
    ),
    lesson!(
        "streams-basics",
        "04-streams-basics.scenario",
        "Streams basics",
        "XADD with * and explicit ids, XRANGE and XREVRANGE, and XREAD BLOCK with $.",
        ["stream:sensor"]
    ),
    lesson!(
        "consumer-groups",
        "05-consumer-groups.scenario",
        "Consumer groups",
        "Load balancing across workers with XREADGROUP, XACK, and what happens without XACK.",
        ["stream:jobs"]
    ),
    lesson!(
        "failure-recovery",
        "06-failure-recovery.scenario",
        "Failure and recovery",
        "A worker dies; XPENDING shows its jobs aging and XCLAIM and XAUTOCLAIM move them to another.",
        ["stream:jobs"]
    ),
    lesson!(
        "dead-letters",
        "07-dead-letters.scenario",
        "Dead letters",
        "After too many deliveries, move a job to a dead-letter stream (XADD, then XACKDEL in Redis 8).",
        ["stream:jobs", "stream:jobs:dead"]
    ),
    lesson!(
        "trimming",
        "08-trimming.scenario",
        "Trimming",
        "MAXLEN, MINID, ~ vs =, LIMIT, and what trimming does to pending entries (KEEPREF, DELREF, ACKED).",
        ["stream:events", "stream:big", "stream:tasks"]
    ),
    lesson!(
        "event-sourcing",
        "09-event-sourcing.scenario",
        "Event sourcing",
        "Rebuild an account's state by replaying its stream of events.",
        ["stream:account:42", "keyspace"]
    ),
    lesson!(
        "list-queue-vs-streams",
        "10-list-queue-vs-streams.scenario",
        "A list queue vs a stream",
        "LPUSH/BRPOP vs XADD/XREADGROUP: what is lost when a worker crashes.",
        ["keyspace", "stream:tasks"]
    ),
    lesson!(
        "beyond-messaging",
        "11-beyond-messaging.scenario",
        "Beyond messaging",
        "A rate limiter, a lock, a leaderboard and keyspace notifications for cache invalidation.",
        ["keyspace", "pubsub"]
    ),
    lesson!(
        "chat",
        "12-chat.scenario",
        "A chat with both",
        "Pub/Sub for live delivery, a stream for history and catching up after being offline.",
        ["pubsub", "stream:chat:lobby:history"]
    ),
    lesson!(
        "common-mistakes",
        "13-common-mistakes.scenario",
        "Common mistakes",
        "Lost Pub/Sub events, an uncapped stream, no XACK, a lone consumer and a slow subscriber.",
        ["pubsub", "stream:mails", "keyspace"]
    ),
];

/// Every lesson, in order 1..=13.
pub fn all() -> &'static [Lesson] {
    LESSONS
}

/// The lesson with this name.
pub fn find(name: &str) -> Option<&'static Lesson> {
    LESSONS.iter().find(|l| l.name == name)
}

/// One part of a lesson: what the page runs on one "next" and the narration it shows then.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct Part {
    /// The part's `#` lines, without the `# `.
    pub narration: Vec<String>,
    /// Its other steps (commands, frames, directives), in order.
    pub steps: Vec<Located>,
}

/// A lesson's parts, split at `@pause`: each part's narration and its other steps, in order.
pub fn parts(text: &str) -> Result<Vec<Part>, ParseError> {
    let mut parts = Vec::new();
    let mut part = Part::default();
    for located in transcript::parse(text)? {
        match located.step {
            Step::Pause => parts.push(std::mem::take(&mut part)),
            Step::Comment(c) => part.narration.push(c),
            _ => part.steps.push(located),
        }
    }
    parts.push(part);
    Ok(parts)
}
