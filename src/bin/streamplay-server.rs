//! streamplay-server: the engine behind a RESP2/RESP3 TCP socket.

#[cfg(not(target_arch = "wasm32"))]
fn main() {}

#[cfg(target_arch = "wasm32")]
fn main() {}
