//! The native RESP server: one engine behind many TCP connections, with a real clock.
//!
//! - `options`: the command line (`--port`, `--bind`, `--profile`, `--help`).
//! - `request`: the query buffer parser, a port of Redis 7.0's inline and multibulk parsing.
//! - `event_loop`: the one thread that owns the engine and every socket (a `mio` poll).
//! - `conn`: one connection's socket, query buffer and output buffer.
//!
//! As in Redis, a single thread reads every socket in the order the kernel reports them
//! ready and runs each complete command as soon as it is read, so commands from
//! different connections run in the order the server reads them: a reader that sent
//! `XREAD BLOCK` before another client sent `XADD` is blocked first and served by it.
//! Replies and pushes are written at the end of each turn of the loop; the loop sleeps
//! until a socket is ready or the engine's next deadline (a blocked client's timeout, a
//! key's expiry), so the engine stays sans-IO and is only ever handed the time.

mod conn;
mod event_loop;
pub mod options;
pub mod request;
#[cfg(test)]
mod tests;

use std::io;
use std::net::{SocketAddr, TcpListener, ToSocketAddrs};

use crate::engine::{Config, Engine, Profile};

/// A listening server, not yet serving.
pub struct Server {
    listener: TcpListener,
    engine: Engine,
}

impl Server {
    /// Binds the listening socket; nothing is served until [`Server::run`].
    pub fn bind(addr: impl ToSocketAddrs, profile: Profile) -> io::Result<Server> {
        Server::bind_config(
            addr,
            Config {
                profile,
                ..Config::default()
            },
        )
    }

    /// Binds with any engine configuration; the unit tests enable the engine's test
    /// commands this way to exercise blocking, which the binary never does.
    pub fn bind_config(addr: impl ToSocketAddrs, config: Config) -> io::Result<Server> {
        let listener = TcpListener::bind(addr)?;
        let mut engine = Engine::new(config);
        engine.set_server_port(listener.local_addr()?.port());
        Ok(Server { listener, engine })
    }

    /// The address actually bound (the real port when asked for port 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves on the calling thread until polling fails for good.
    pub fn run(self) -> io::Result<()> {
        self.listener.set_nonblocking(true)?;
        let listener = mio::net::TcpListener::from_std(self.listener);
        event_loop::EventLoop::new(listener, self.engine)?.run()
    }
}
