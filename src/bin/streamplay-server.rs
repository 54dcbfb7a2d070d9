//! streamplay-server: the engine behind a RESP2/RESP3 TCP socket.
//!
//! `streamplay-server [--port N] [--bind ADDR] [--profile 7.0|8]` prints one line once
//! it listens and then serves until killed. Bad flags exit with status 1.

#[cfg(not(target_arch = "wasm32"))]
fn main() -> std::process::ExitCode {
    use std::io::Write;
    use std::process::ExitCode;
    use streamplay::server::options::{parse_args, Invocation, USAGE};
    use streamplay::server::Server;

    let options = match parse_args(std::env::args_os().skip(1)) {
        Ok(Invocation::Serve(options)) => options,
        Ok(Invocation::Help) => {
            let _ = std::io::stdout().write_all(USAGE.as_bytes());
            return ExitCode::SUCCESS;
        }
        Err(message) => {
            eprintln!("streamplay-server: {message}");
            eprintln!("Try 'streamplay-server --help' for the options.");
            return ExitCode::from(1);
        }
    };
    // A hidden switch for the tests: the engine's listener-only probe events,
    // which must change nothing a client sees (tests/differential.rs).
    let config = streamplay::engine::Config {
        profile: options.profile,
        probe_events: std::env::var_os("STREAMPLAY_PROBE_EVENTS").is_some(),
        ..Default::default()
    };
    let server = match Server::bind_config((options.bind.as_str(), options.port), config) {
        Ok(server) => server,
        Err(e) => {
            eprintln!(
                "streamplay-server: cannot listen on {}:{}: {e}",
                options.bind, options.port
            );
            return ExitCode::from(1);
        }
    };
    let addr = match server.local_addr() {
        Ok(addr) => addr.to_string(),
        Err(_) => format!("{}:{}", options.bind, options.port),
    };
    // Whoever started the server waits for this line, so it is flushed at once; a
    // closed stdout is no reason not to serve, so write errors are ignored.
    let mut stdout = std::io::stdout().lock();
    let _ = writeln!(
        stdout,
        "streamplay-server {} (profile {}) listening on {addr}",
        options.profile.redis_version(),
        options.profile.name()
    );
    let _ = stdout.flush();
    drop(stdout);
    match server.run() {
        Ok(()) => ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("streamplay-server: {e}");
            ExitCode::from(1)
        }
    }
}

#[cfg(target_arch = "wasm32")]
fn main() {}
