//! Checkpoints: where a seek starts from before it replays the steps after it.
//!
//! A seek restores the nearest checkpoint at or before its target and replays the logged steps
//! after it. Until `Engine` is `Clone` (cheap clones, stream nodes shared copy-on-write), the
//! only checkpoint is the origin: [`Checkpoints::capture`] keeps nothing and a seek replays the
//! log from the start. Switching checkpoints on is local to this file: derive `Clone` for
//! `State`, and make [`snapshot`] return `Some(state.clone())`.

use super::State;

/// A checkpoint every this many steps.
pub(crate) const EVERY: usize = 256;

/// The checkpoints kept, by absolute step index, oldest first.
#[derive(Default)]
pub(crate) struct Checkpoints {
    kept: Vec<(usize, State)>,
}

/// A copy of `state` to keep, or `None` while the engine cannot be copied cheaply.
fn snapshot(_state: &State) -> Option<State> {
    None
}

impl Checkpoints {
    /// Called after step `index` ran (and before any clock mark after it): keeps a copy of the
    /// state every [`EVERY`] steps. A checkpoint holds the state *without* the step's marks, so
    /// a restore replays them.
    pub fn capture(&mut self, index: usize, state: &State) {
        if index % EVERY != 0 {
            return;
        }
        if let Some(copy) = snapshot(state) {
            self.kept.push((index, copy));
        }
    }

    /// The nearest checkpoint at or before `target`: its index and a copy of its state (the
    /// state after that step, before its clock marks).
    pub fn restore(&self, target: usize) -> Option<(usize, State)> {
        let (index, state) = self.kept.iter().rev().find(|(i, _)| *i <= target)?;
        Some((*index, snapshot(state)?))
    }

    /// Drops the checkpoints after step `index` (the steps they follow were dropped).
    pub fn truncate(&mut self, index: usize) {
        self.kept.retain(|(i, _)| *i <= index);
    }
}
