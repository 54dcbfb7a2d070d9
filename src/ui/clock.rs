//! The page's clock: where the time passed to the engine comes from.
//!
//! The design calls for a virtual clock (paused, sped up, jumped forward). Until its controls exist,
//! virtual time is real time, read here and nowhere else, so that swapping in the virtual clock
//! later changes one file.

/// How often the page moves engine time forward, so that blocking timeouts fire without a keypress.
/// Redis itself checks timeouts about every 10 ms to 100 ms; 50 ms keeps `(N.NNs)` lines close to
/// what redis-cli prints without keeping the browser busy.
pub const TICK_MS: u32 = 50;

/// The current time in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    // `Date.now()` is a whole number of milliseconds; `as` saturates, so even a clock set before
    // 1970 (a negative value) gives 0 rather than a panic.
    js_sys::Date::now() as u64
}
