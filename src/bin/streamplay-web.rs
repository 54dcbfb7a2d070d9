//! streamplay-web: the page (built by Trunk for wasm32).

#[cfg(target_arch = "wasm32")]
fn main() {
    streamplay::ui::start();
}

#[cfg(not(target_arch = "wasm32"))]
fn main() {}
