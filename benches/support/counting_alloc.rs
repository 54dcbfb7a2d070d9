//! The system allocator, counting the bytes currently allocated and the allocation calls: the
//! heap figures of the session benchmark and of `tests/clone_cost.rs`, and the session
//! benchmark's allocations per step (a module that sets the global allocator of whatever
//! includes it).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicBool, AtomicIsize, Ordering};

/// The system allocator, counting the bytes currently allocated.
pub struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

/// Calls to `alloc` and `realloc` (a `realloc` may move the block, so it counts as one), and
/// the bytes they asked for (a `realloc` counts its new size): what a step costs the
/// allocator and, roughly, its copies. Counted only while `COUNTING` is set ([`count_calls`]),
/// so that the timed runs pay for no more atomic operations than the heap figures need.
static CALLS: AtomicIsize = AtomicIsize::new(0);
static ASKED: AtomicIsize = AtomicIsize::new(0);
static COUNTING: AtomicBool = AtomicBool::new(false);

#[inline]
fn count(size: usize) {
    if COUNTING.load(Ordering::Relaxed) {
        CALLS.fetch_add(1, Ordering::Relaxed);
        ASKED.fetch_add(size as isize, Ordering::Relaxed);
    }
}

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        count(layout.size());
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
        count(new_size);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The bytes allocated now.
pub fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// The allocation calls `f` makes and the bytes they ask for.
#[allow(dead_code)]
pub fn count_calls(f: impl FnOnce()) -> (isize, isize) {
    let (c0, b0) = (CALLS.load(Ordering::Relaxed), ASKED.load(Ordering::Relaxed));
    COUNTING.store(true, Ordering::Relaxed);
    f();
    COUNTING.store(false, Ordering::Relaxed);
    (
        CALLS.load(Ordering::Relaxed) - c0,
        ASKED.load(Ordering::Relaxed) - b0,
    )
}
