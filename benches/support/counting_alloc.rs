//! The system allocator, counting the bytes currently allocated and the allocation calls: the
//! heap figures of the session benchmark and of `tests/clone_cost.rs`, and the session
//! benchmark's allocations per step (a module that sets the global allocator of whatever
//! includes it).

use std::alloc::{GlobalAlloc, Layout, System};
use std::sync::atomic::{AtomicIsize, Ordering};

/// The system allocator, counting the bytes currently allocated.
pub struct Counting;

static LIVE: AtomicIsize = AtomicIsize::new(0);

/// Calls to `alloc` and `realloc` (a `realloc` may move the block, so it counts as one), and
/// the bytes they asked for (a `realloc` counts its new size): what a step costs the
/// allocator and, roughly, its copies.
static CALLS: AtomicIsize = AtomicIsize::new(0);
static ASKED: AtomicIsize = AtomicIsize::new(0);

unsafe impl GlobalAlloc for Counting {
    unsafe fn alloc(&self, layout: Layout) -> *mut u8 {
        LIVE.fetch_add(layout.size() as isize, Ordering::Relaxed);
        CALLS.fetch_add(1, Ordering::Relaxed);
        ASKED.fetch_add(layout.size() as isize, Ordering::Relaxed);
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
        CALLS.fetch_add(1, Ordering::Relaxed);
        ASKED.fetch_add(new_size as isize, Ordering::Relaxed);
        unsafe { System.realloc(ptr, layout, new_size) }
    }
}

#[global_allocator]
static ALLOCATOR: Counting = Counting;

/// The bytes allocated now.
pub fn live() -> isize {
    LIVE.load(Ordering::Relaxed)
}

/// The allocation calls made so far and the bytes they asked for.
#[allow(dead_code)]
pub fn calls() -> (isize, isize) {
    (CALLS.load(Ordering::Relaxed), ASKED.load(Ordering::Relaxed))
}
