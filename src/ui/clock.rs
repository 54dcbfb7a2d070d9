//! The page's clock: where the time passed to the engine comes from.
//!
//! Real time is read here and nowhere else ([`now_ms`]); the engine sees virtual time
//! ([`VirtualClock`]), which runs with real time by default and can be paused, sped up or slowed
//! down, and jumped forward (DESIGN.md "Time").

/// How often the page moves engine time forward, so that blocking timeouts fire without a keypress.
/// Redis itself checks timeouts about every 10 ms to 100 ms; 50 ms keeps `(N.NNs)` lines close to
/// what redis-cli prints without keeping the browser busy.
pub const TICK_MS: u32 = 50;

/// The speeds the clock offers, as percentages of real time.
pub const SPEEDS: [u32; 5] = [10, 50, 100, 200, 1000];

/// The current real time in milliseconds since the Unix epoch.
pub fn now_ms() -> u64 {
    // `Date.now()` is a whole number of milliseconds; `as` saturates, so even a clock set before
    // 1970 (a negative value) gives 0 rather than a panic.
    js_sys::Date::now() as u64
}

/// Virtual time as a function of real time: `virtual = at_virtual + (real - at_real) × speed`,
/// frozen while paused. Every change re-anchors at the current instant, so time never jumps back.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub struct VirtualClock {
    at_real: u64,
    at_virtual: u64,
    /// Percent of real time.
    speed: u32,
    paused: bool,
}

impl VirtualClock {
    /// A clock that shows real time.
    pub fn new(real_ms: u64) -> VirtualClock {
        VirtualClock {
            at_real: real_ms,
            at_virtual: real_ms,
            speed: 100,
            paused: false,
        }
    }

    /// Virtual time at real time `real_ms`; never before the last anchor.
    pub fn now(&self, real_ms: u64) -> u64 {
        if self.paused {
            return self.at_virtual;
        }
        let elapsed = real_ms.saturating_sub(self.at_real);
        self.at_virtual
            .saturating_add(elapsed.saturating_mul(u64::from(self.speed)) / 100)
    }

    fn anchor(&mut self, real_ms: u64) {
        self.at_virtual = self.now(real_ms);
        self.at_real = real_ms;
    }

    pub fn paused(&self) -> bool {
        self.paused
    }

    pub fn speed(&self) -> u32 {
        self.speed
    }

    pub fn set_paused(&mut self, paused: bool, real_ms: u64) {
        self.anchor(real_ms);
        self.paused = paused;
    }

    pub fn set_speed(&mut self, percent: u32, real_ms: u64) {
        self.anchor(real_ms);
        self.speed = percent.clamp(1, 100_000);
    }

    /// Moves virtual time forward by `ms`.
    pub fn jump(&mut self, ms: u64, real_ms: u64) {
        self.anchor(real_ms);
        self.at_virtual = self.at_virtual.saturating_add(ms);
    }

    /// Sets virtual time to `ms` (a scenario's `@clock <ms>`), earlier or later.
    pub fn set(&mut self, ms: u64, real_ms: u64) {
        self.anchor(real_ms);
        self.at_virtual = ms;
    }
}
