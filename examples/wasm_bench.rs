//! The wasm32 side of the streams benchmark: the workloads of
//! `benches/support/workload.rs` exported with wasm-bindgen, so that
//! `benches/streams.rs` can build this for wasm32-unknown-unknown, bind it with
//! `wasm-bindgen --target nodejs` and time it under Node
//! (`benches/support/wasm_run.js`): the stream, consumer-group and pub/sub
//! workloads, and the session benchmark's (`benches/session.rs`: seeks in the big session,
//! `Session::run` against the bare engine). Not part of the page bundle.
//! On native targets it is an empty library.

#[cfg(target_arch = "wasm32")]
#[path = "../benches/support/workload.rs"]
#[allow(dead_code)] // the scaling workloads run natively only
mod workload;

#[cfg(target_arch = "wasm32")]
#[path = "../benches/support/session_workload.rs"]
#[allow(dead_code)] // the memory and console figures are native only
mod session_workload;

#[cfg(target_arch = "wasm32")]
mod exports {
    use std::cell::RefCell;

    use streamplay::engine::Profile;
    use wasm_bindgen::prelude::*;

    use super::workload::{Driver, PubSub};

    thread_local! {
        static DRIVER: RefCell<Driver> = RefCell::new(Driver::new(Profile::V7));
        /// The engine of the consumer-group workloads (a fresh one per `group_load`).
        static GROUPS: RefCell<Driver> = RefCell::new(Driver::new(Profile::V7));
        /// The engine of the pub/sub workloads (a fresh one per `pubsub_load`).
        static PUBSUB: RefCell<Option<PubSub>> = const { RefCell::new(None) };
        /// The session benchmark's big session (`session_build`).
        static SESSION: RefCell<Option<streamplay::session::Session>> = const { RefCell::new(None) };
    }

    /// Why the engine cannot run `workload` yet (its error reply), or nothing.
    #[wasm_bindgen]
    pub fn unavailable(workload: &str) -> Option<String> {
        DRIVER.with(|d| d.borrow_mut().unavailable(workload))
    }

    /// Loads `XADD s <n>-0 type signup user_id <n>` for n in 1..=entries.
    #[wasm_bindgen]
    pub fn load(entries: f64) {
        DRIVER.with(|d| d.borrow_mut().load(entries as u64));
    }

    /// Runs `k` operations of `workload`; returns the RESP bytes written so far.
    #[wasm_bindgen]
    pub fn run(workload: &str, k: f64) -> f64 {
        DRIVER.with(|d| {
            let mut d = d.borrow_mut();
            let k = k as u64;
            match workload {
                "XADD" => d.xadd(k),
                "XRANGE" => d.xrange(k),
                "XREVRANGE" => d.xrevrange(k),
                "XREAD" => d.xread(k),
                _ => {}
            }
            d.written as f64
        })
    }

    /// A fresh engine for the group workloads with `s` loaded with `entries`
    /// entries: for `WORKQUEUE` nothing else (each run starts a fresh group),
    /// for `PEL` all of them pending in group `g` (`Driver::pel_load`).
    #[wasm_bindgen]
    pub fn group_load(kind: &str, entries: f64) -> Result<(), String> {
        GROUPS.with(|d| {
            let mut d = d.borrow_mut();
            *d = Driver::new(Profile::V7);
            let n = entries as u64;
            match kind {
                "WORKQUEUE" => {
                    d.load(n);
                    Ok(())
                }
                "PEL" => d.pel_load(n, n),
                _ => Err(format!("no group load {kind}")),
            }
        })
    }

    /// Before a timed `group_run("WORKQUEUE")`: a fresh group `g`.
    #[wasm_bindgen]
    pub fn group_reset() -> Result<(), String> {
        GROUPS.with(|d| d.borrow_mut().group_reset())
    }

    /// One run of a group workload (`Driver::group_run`): `[commands, entries]`.
    #[wasm_bindgen]
    pub fn group_run(workload: &str) -> Result<Vec<f64>, String> {
        GROUPS.with(|d| {
            let (commands, entries) = d.borrow_mut().group_run(workload)?;
            Ok(vec![commands as f64, entries as f64])
        })
    }

    /// A fresh engine with the subscribers of a pub/sub workload
    /// (`PubSub::new`); returns the frames each PUBLISH delivers.
    #[wasm_bindgen]
    pub fn pubsub_load(kind: &str, n: f64) -> Result<f64, String> {
        PUBSUB.with(|p| {
            let mut p = p.borrow_mut();
            *p = None;
            let pubsub = PubSub::new(kind, n as u64)?;
            let fanout = pubsub.fanout as f64;
            *p = Some(pubsub);
            Ok(fanout)
        })
    }

    /// `k` times `PUBLISH ch hello`, every delivered frame encoded
    /// (`PubSub::publish`); returns the frames delivered.
    #[wasm_bindgen]
    pub fn pubsub_run(k: f64) -> Result<f64, String> {
        PUBSUB.with(|p| match p.borrow_mut().as_mut() {
            Some(pubsub) => pubsub.publish(k as u64).map(|n| n as f64),
            None => Err("pubsub_load was not called".into()),
        })
    }

    /// Builds the session benchmark's big session with `steps` block steps; returns its length.
    #[wasm_bindgen]
    pub fn session_build(steps: f64) -> f64 {
        let s = crate::session_workload::build(steps as u64);
        let len = s.len() as f64;
        SESSION.with(|cell| *cell.borrow_mut() = Some(s));
        len
    }

    /// The seek targets: `n` random steps of the big session (the native run's seed), then its
    /// newest step.
    #[wasm_bindgen]
    pub fn session_targets(n: f64) -> Vec<f64> {
        SESSION.with(|cell| {
            let len = cell.borrow().as_ref().map_or(0, |s| s.len());
            let mut rng = crate::session_workload::Rng(0x5e55_1017);
            let mut t: Vec<f64> = (0..n as u64)
                .map(|_| rng.below(len as u64 + 1) as f64)
                .collect();
            t.push(len as f64);
            t
        })
    }

    /// Seeks the big session to step `k`.
    #[wasm_bindgen]
    pub fn session_seek(k: f64) -> Result<(), String> {
        SESSION.with(|cell| match cell.borrow_mut().as_mut() {
            Some(s) => s.seek(k as usize).map_err(|e| e.to_string()),
            None => Err("session_build was not called".into()),
        })
    }

    /// Drops the big session.
    #[wasm_bindgen]
    pub fn session_drop() {
        SESSION.with(|cell| *cell.borrow_mut() = None);
    }

    /// `n` XADD steps through `Session::run` (`session_workload::session_run`).
    #[wasm_bindgen]
    pub fn session_run(n: f64) -> f64 {
        crate::session_workload::session_run(n as u64) as f64
    }

    /// The same work on the bare engine (`session_workload::bare_run`).
    #[wasm_bindgen]
    pub fn bare_run(n: f64) -> f64 {
        crate::session_workload::bare_run(n as u64) as f64
    }
}
