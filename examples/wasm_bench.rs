//! The wasm32 side of the streams benchmark: the workloads of
//! `benches/support/workload.rs` exported with wasm-bindgen, so that
//! `benches/streams.rs` can build this for wasm32-unknown-unknown, bind it with
//! `wasm-bindgen --target nodejs` and time it under Node
//! (`benches/support/wasm_run.js`): the stream, consumer-group and pub/sub
//! workloads. Not part of the page bundle.
//! On native targets it is an empty library.

#[cfg(target_arch = "wasm32")]
#[path = "../benches/support/workload.rs"]
#[allow(dead_code)] // the scaling workloads run natively only
mod workload;

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
}
