//! Work that reads layout (scroll sizes, offsets) runs in the next animation frame, once however
//! many renders asked for it: reading layout right after a render forces the browser to lay the
//! whole page out there and then, and hundreds of commands a second would do that hundreds of times.

use std::cell::Cell;
use std::rc::Rc;

use wasm_bindgen::prelude::*;

/// Runs `f` in the next animation frame unless a call with the same `pending` flag is already
/// waiting for it (then that one runs, and this one is dropped).
pub fn next_frame(pending: &Rc<Cell<bool>>, f: impl FnOnce() + 'static) {
    if pending.replace(true) {
        return;
    }
    let Some(window) = web_sys::window() else {
        pending.set(false);
        return;
    };
    let flag = Rc::clone(pending);
    let callback = Closure::once_into_js(move || {
        flag.set(false);
        f();
    });
    if window
        .request_animation_frame(callback.unchecked_ref())
        .is_err()
    {
        pending.set(false);
    }
}
