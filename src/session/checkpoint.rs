//! Checkpoints: copies of the state (cheap engine clones) that a seek starts from before it
//! replays the steps after it.
//!
//! A checkpoint is a clone of the session's [`State`]; `Engine: Clone` shares stream nodes and
//! consumer groups behind `Arc` (copy-on-write), so a checkpoint costs the engine's maps of
//! pointers, not its entries. Where checkpoints go is decided by *work*, not by step count, so
//! that a step like `1000 XADD s * f v` counts for what it costs to replay: a step's work is
//! one plus the replies, events and the values of the frames it produced ([`work_of`]).
//!
//! Bounds: at most [`MAX_KEPT`] checkpoints are kept. The first ones are [`FIRST_SPACING`]
//! work apart; whenever the count would pass the bound, every other checkpoint goes and the
//! spacing doubles. So the memory they hold stays bounded by a fixed number of engine clones
//! whatever the length of the log, and the replay a seek does is at most about twice the
//! spacing, which grows with the log (1/64 to 1/128 of its work once it is long).

use super::{Output, State};
use crate::engine::Reply;

/// The most checkpoints kept at once.
pub(crate) const MAX_KEPT: usize = 64;

/// The work between checkpoints while the log is short.
pub(crate) const FIRST_SPACING: u64 = 64;

/// What a step or mark costs to replay, roughly: one for the call, one for each reply and
/// event, and each frame's values (a repeated command produces one reply per run; a big read
/// one value per element).
pub(crate) fn work_of(out: &Output) -> u64 {
    // One pass over the frames (most steps have one).
    let frames: u64 = out
        .raw
        .iter()
        .map(|f| {
            // A plain value is one; only an aggregate needs the walk.
            let values = match &f.frame {
                Reply::Array(_)
                | Reply::ShortArray(..)
                | Reply::Set(_)
                | Reply::Push(_)
                | Reply::Map(_) => weight(&f.frame),
                _ => 1,
            };
            u64::from(f.own_reply) + values
        })
        .sum();
    1 + frames + out.events.len() as u64
}

/// A frame's values: one for a plain value, one plus its elements for an aggregate. A read
/// that returns 100,000 entries (`XREADGROUP ... COUNT 100000`) costs its replay that much,
/// so it must count that much, or a seek after it would replay it from far back.
fn weight(frame: &Reply) -> u64 {
    match frame {
        Reply::Array(items)
        | Reply::ShortArray(_, items)
        | Reply::Set(items)
        | Reply::Push(items) => 1 + items.iter().map(weight).sum::<u64>(),
        Reply::Map(pairs) => {
            1 + pairs
                .iter()
                .map(|(k, v)| weight(k) + weight(v))
                .sum::<u64>()
        }
        _ => 1,
    }
}

/// One checkpoint: the state after step `index` (absolute) and its first `marks` clock marks.
pub(crate) struct Checkpoint {
    pub index: usize,
    pub marks: usize,
    pub state: State,
}

/// The checkpoints kept, by absolute step index, oldest first.
pub(crate) struct Checkpoints {
    kept: Vec<Checkpoint>,
    /// The work between two checkpoints.
    spacing: u64,
    /// The work done since the newest checkpoint (or since the start, or a truncation).
    since: u64,
}

impl Default for Checkpoints {
    fn default() -> Checkpoints {
        Checkpoints {
            kept: Vec::new(),
            spacing: FIRST_SPACING,
            since: 0,
        }
    }
}

impl Checkpoints {
    /// Counts `work` done by step `index` (or by a mark after it); keeps a copy of `state`
    /// (the state after that step and its first `marks` marks) once the work since the newest
    /// checkpoint reaches the spacing.
    #[inline]
    pub fn capture(&mut self, index: usize, marks: usize, state: &State, work: u64) {
        self.since = self.since.saturating_add(work);
        if self.since >= self.spacing {
            self.keep(index, marks, state);
        }
    }

    /// Keeps a copy of `state` as the checkpoint of step `index` (once in many steps: out of
    /// line, so that a step's own code stays small).
    #[inline(never)]
    fn keep(&mut self, index: usize, marks: usize, state: &State) {
        // A step already checkpointed (a mark after it did more work) moves its checkpoint on.
        if self.kept.last().is_some_and(|c| c.index == index) {
            self.kept.pop();
        }
        self.kept.push(Checkpoint {
            index,
            marks,
            state: state.clone(),
        });
        self.since = 0;
        if self.kept.len() > MAX_KEPT {
            self.thin();
        }
    }

    /// Keeps every other checkpoint (the newest stays, so the live end stays cheap to reach)
    /// and doubles the spacing.
    fn thin(&mut self) {
        let newest = self.kept.len() - 1;
        let mut n = 0;
        self.kept.retain(|_| {
            let keep = (newest - n) % 2 == 0;
            n += 1;
            keep
        });
        self.spacing = self.spacing.saturating_mul(2);
    }

    /// Puts a checkpoint in directly (a loaded session's current state), replacing any at or
    /// after its index.
    pub fn insert(&mut self, checkpoint: Checkpoint) {
        self.kept.retain(|c| c.index < checkpoint.index);
        self.kept.push(checkpoint);
        self.since = 0;
    }

    /// The nearest checkpoint at or before `target`: its index, how many marks of its step it
    /// holds, and a copy of its state.
    pub fn restore(&self, target: usize) -> Option<(usize, usize, State)> {
        let c = self.kept.iter().rev().find(|c| c.index <= target)?;
        Some((c.index, c.marks, c.state.clone()))
    }

    /// Takes out the newest checkpoint at or before `index` and drops every older one (the
    /// history cap makes it the new start).
    pub fn take_at_or_before(&mut self, index: usize) -> Option<Checkpoint> {
        let pos = self.kept.iter().rposition(|c| c.index <= index)?;
        let mut older: Vec<Checkpoint> = self.kept.drain(..=pos).collect();
        older.pop()
    }

    /// Drops the checkpoints after step `index` (the steps they follow were dropped).
    pub fn truncate(&mut self, index: usize) {
        self.kept.retain(|c| c.index <= index);
        self.since = 0;
    }

    /// How many checkpoints are kept.
    pub fn len(&self) -> usize {
        self.kept.len()
    }

    /// The absolute step indexes of the checkpoints, oldest first.
    #[cfg(test)]
    pub fn indexes(&self) -> Vec<usize> {
        self.kept.iter().map(|c| c.index).collect()
    }

    /// Sets the work between two checkpoints (tests: 1 puts one after every step, `u64::MAX`
    /// none, so that seeks replay from the start).
    #[cfg(test)]
    pub fn set_spacing(&mut self, spacing: u64) {
        self.spacing = spacing.max(1);
    }

    /// The work between two checkpoints now.
    pub fn spacing(&self) -> u64 {
        self.spacing
    }
}
