//! Heap bytes per stream entry: appends `type signup user_id <n>` entries
//! through `Engine::execute` and reports the real heap growth (a counting
//! global allocator) next to the engine's own accounting (`MEMORY USAGE`).
//!
//! `cargo run --release --example stream_memory [entries]` (default 1,000,000).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

use streamplay::engine::{Config, Engine, Reply};

struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.alloc(layout) }
    }
    unsafe fn dealloc(&self, ptr: *mut u8, layout: Layout) {
        LIVE.fetch_sub(layout.size() as isize, Ordering::Relaxed);
        unsafe { System.dealloc(ptr, layout) }
    }
    unsafe fn realloc(&self, ptr: *mut u8, layout: Layout, new_size: usize) -> *mut u8 {
        LIVE.fetch_add(
            new_size as isize - layout.size() as isize,
            Ordering::Relaxed,
        );
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static GLOBAL: Counting = Counting;

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut engine = Engine::new(Config::default());
    let client = engine.connect(0);
    let start_ms = 1_700_000_000_000u64;
    // One warm-up entry, so the key and the client exist before measuring.
    let argv = |i: u64| -> Vec<Vec<u8>> {
        vec![
            b"XADD".to_vec(),
            b"s".to_vec(),
            b"*".to_vec(),
            b"type".to_vec(),
            b"signup".to_vec(),
            b"user_id".to_vec(),
            i.to_string().into_bytes(),
        ]
    };
    engine.execute(client, argv(0), start_ms);
    let before = LIVE.load(Ordering::Relaxed);
    for i in 1..=n {
        // About ten entries per millisecond.
        engine.execute(client, argv(i), start_ms + i / 10);
    }
    let after = LIVE.load(Ordering::Relaxed);
    let usage = match engine
        .execute(
            client,
            vec![b"MEMORY".to_vec(), b"USAGE".to_vec(), b"s".to_vec()],
            start_ms + n,
        )
        .reply
    {
        Some(Reply::Integer(u)) => u,
        _ => 0,
    };
    println!(
        "{n} entries: heap growth {} bytes ({:.1} bytes/entry); engine accounting {} bytes ({:.1} bytes/entry)",
        after - before,
        (after - before) as f64 / n as f64,
        usage,
        usage as f64 / n as f64
    );
}
