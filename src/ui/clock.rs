//! The page's clock: where the time passed to the session comes from.
//!
//! Real time is read here and nowhere else ([`now_ms`]); the service hands the session the real
//! time elapsed between ticks, and the session's virtual clock (`session::Clock`: paused, sped
//! up or slowed down, jumped forward; DESIGN.md "Time") turns it into engine time.

/// How often the page moves engine time forward, so that blocking timeouts fire without a keypress.
/// Redis itself checks timeouts about every 10 ms to 100 ms; 50 ms keeps `(N.NNs)` lines close to
/// what redis-cli prints without keeping the browser busy.
pub const TICK_MS: u32 = 50;

/// The speeds the clock offers, as percentages of real time.
pub const SPEEDS: [u32; 7] = [10, 50, 100, 200, 1000, 5000, 10000];

/// The current real time in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    // `Date.now()` is a whole number of milliseconds; `as` saturates, so even a clock set before
    // 1970 (a negative value) gives 0 rather than a panic.
    js_sys::Date::now() as u64
}
