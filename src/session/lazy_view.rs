//! The session's view model, brought up to date when it is read rather than after every step:
//! a step or tick only records its events, so a burst of commands that nobody draws between
//! (a scenario, a script through the JS API, the throughput benchmark) does not pay for the
//! model once per step.
//!
//! When read, the model as it was last read (`base`) is brought up to date exactly as the
//! eager model was: after one batch of events (one step or tick that reported any), the batch is
//! applied and the stale parts refilled, as `ViewModel::apply_step` and `refill` always did;
//! after several, the model is read again from the engine (`ViewModel::rebuild`, exact by
//! definition and bounded by the windows), so batches are never applied on top of each other
//! without a refill in between. Either way the effects are the last batch's, as before.

use std::cell::{OnceCell, RefCell};

use crate::engine::Engine;

use super::view_model::ViewModel;
use super::Events;

pub(crate) struct LazyView {
    /// The model once brought up to date since the last change.
    current: OnceCell<ViewModel>,
    /// The model as it was last brought up to date, waiting for the changes since (taken out
    /// when it is brought up to date again).
    base: RefCell<Option<ViewModel>>,
    /// Batches of events (steps and ticks that reported any) since `base`.
    batches: usize,
    /// The events of the last such batch: applied when it is the only one, and the effects.
    /// Shared with the step's output, not copied.
    last: Events,
    /// A step or tick came since `base`.
    touched: bool,
    /// A step or tick that reported nothing came after `last`: the effects are empty.
    quiet_after: bool,
}

impl LazyView {
    pub fn new(model: ViewModel) -> LazyView {
        LazyView {
            current: OnceCell::from(model),
            base: RefCell::new(None),
            batches: 0,
            last: Events::default(),
            touched: false,
            quiet_after: false,
        }
    }

    /// The model up to date with `engine` at `now_ms` (the session's current state).
    pub fn get(&self, engine: &Engine, now_ms: u64) -> &ViewModel {
        self.current.get_or_init(|| {
            let mut model = self
                .base
                .borrow_mut()
                .take()
                .expect("the model is either current or waiting in base");
            if self.batches == 1 {
                model.apply_step(&self.last);
                model.refill(engine, now_ms);
            } else if self.batches > 1 {
                model.rebuild(engine, now_ms);
                model.set_effects(&self.last);
            }
            if self.quiet_after || (self.touched && self.batches == 0) {
                model.apply_step(&[]);
            }
            model
        })
    }

    /// The model up to date, for changing it.
    pub fn get_mut(&mut self, engine: &Engine, now_ms: u64) -> &mut ViewModel {
        self.get(engine, now_ms);
        self.current
            .get_mut()
            .expect("the model was just brought up to date")
    }

    /// Starts recording changes on top of the model as it is now.
    fn settle(&mut self) {
        if let Some(model) = self.current.take() {
            *self.base.get_mut() = Some(model);
            self.batches = 0;
            self.touched = false;
            self.quiet_after = false;
        }
    }

    /// A step or tick is about to run: when the model will be read again from the engine
    /// anyway (more than one batch since it was last read), the last batch's events matter no
    /// more (a new batch replaces them; a quiet step empties the effects), so they are freed
    /// now, before the step allocates its own, rather than halfway through it. Their box stays
    /// for the next batch (`Events::share`).
    pub fn release_stale(&mut self) {
        if self.batches >= 2 {
            self.last.clear_unshared();
        }
    }

    /// A step or tick reported `events` (possibly none): they are made shareable (in the box
    /// of the last batch when the step's caller no longer holds it) and kept.
    pub fn record(&mut self, events: &mut Events) {
        self.settle();
        self.touched = true;
        if events.is_empty() {
            self.quiet_after = true;
        } else {
            self.batches += 1;
            events.share(std::mem::take(&mut self.last));
            self.last = events.clone();
            self.quiet_after = false;
        }
    }

    /// Reads the model again from `engine` now (a seek, a load, a new engine); the effects go.
    pub fn rebuild(&mut self, engine: &Engine, now_ms: u64) {
        // The changes since the model was last read no longer matter.
        self.settle();
        let mut model = self
            .base
            .get_mut()
            .take()
            .expect("the model is either current or waiting in base");
        model.rebuild(engine, now_ms);
        self.batches = 0;
        self.touched = false;
        self.quiet_after = false;
        self.last = Events::default();
        self.current = OnceCell::from(model);
    }
}
