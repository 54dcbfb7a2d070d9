//! In-process tests of the server's handling of blocked clients, using the engine's
//! `BLOCKTEST` double (which the binary never enables, so tests/server.rs cannot), and
//! of the event loop waking for the engine's deadlines.

use std::io::{Read, Write};
use std::net::TcpStream;
use std::thread;
use std::time::{Duration, Instant};

use super::Server;
use crate::engine::{Config, Profile};

/// Starts a server with the engine's test commands on a free port and returns
/// the port. The serving thread lives as long as the test process.
fn start() -> u16 {
    let server = Server::bind_config(
        ("127.0.0.1", 0),
        Config {
            profile: Profile::V8,
            test_commands: true,
            ..Config::default()
        },
    )
    .expect("bind a free port");
    let port = server.local_addr().expect("local address").port();
    thread::spawn(move || server.run());
    port
}

fn connect(port: u16) -> TcpStream {
    let s = TcpStream::connect(("127.0.0.1", port)).expect("connect");
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout");
    s
}

/// Reads exactly `want.len()` bytes and compares them.
fn expect(s: &mut TcpStream, want: &[u8]) {
    let mut got = vec![0u8; want.len()];
    s.read_exact(&mut got).expect("read a reply");
    assert_eq!(
        got.escape_ascii().to_string(),
        want.escape_ascii().to_string()
    );
}

/// Checks that nothing arrives for a moment.
fn expect_silence(s: &mut TcpStream) {
    s.set_read_timeout(Some(Duration::from_millis(50)))
        .expect("set a read timeout");
    let mut byte = [0u8; 1];
    match s.read(&mut byte) {
        Ok(n) => panic!("unexpected {n} bytes: {:?}", &byte[..n]),
        Err(e) => assert!(
            matches!(
                e.kind(),
                std::io::ErrorKind::WouldBlock | std::io::ErrorKind::TimedOut
            ),
            "{e}"
        ),
    }
    s.set_read_timeout(Some(Duration::from_secs(10)))
        .expect("set a read timeout");
}

#[test]
fn the_ticker_times_out_blocked_clients() {
    let port = start();
    let mut resp2 = connect(port);
    let mut resp3 = connect(port);
    resp3.write_all(b"HELLO 3\r\n").expect("write");
    let mut hello = [0u8; 3];
    resp3.read_exact(&mut hello).expect("read");
    assert_eq!(&hello, b"%7\r");
    let mut rest = vec![0u8; 4096];
    // Drain the rest of the HELLO map; PING's reply marks where it ends.
    resp3.write_all(b"PING\r\n").expect("write");
    let mut seen = Vec::new();
    while !seen.ends_with(b"+PONG\r\n") {
        let n = resp3.read(&mut rest).expect("read");
        assert!(n > 0, "closed early");
        seen.extend_from_slice(&rest[..n]);
    }

    let start = Instant::now();
    resp2.write_all(b"BLOCKTEST nokey 100\r\n").expect("write");
    resp3.write_all(b"BLOCKTEST nokey 100\r\n").expect("write");
    // The timeout reply is the deferred reply, encoded in each client's protocol.
    expect(&mut resp2, b"*-1\r\n");
    expect(&mut resp3, b"_\r\n");
    let waited = start.elapsed();
    // The server's clock counts whole milliseconds, so a deadline 100 ms after a
    // time it truncated can pass up to 1 ms less than 100 ms after the request.
    assert!(
        waited >= Duration::from_millis(99),
        "answered after {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "answered after {waited:?}");
}

#[test]
fn requests_after_a_blocking_command_wait_until_it_is_answered() {
    let port = start();
    let mut blocked = connect(port);
    let mut writer = connect(port);
    blocked
        .write_all(b"BLOCKTEST job 0\r\nPING\r\n*2\r\n$4\r\nECHO\r\n$4\r\nnext\r\n")
        .expect("write");
    // Make sure the block happened before the key is written.
    expect_silence(&mut blocked);
    writer.write_all(b"SET job done\r\n").expect("write");
    expect(&mut writer, b"+OK\r\n");
    expect(&mut blocked, b"$4\r\ndone\r\n+PONG\r\n$4\r\nnext\r\n");
    // A protocol error buffered behind a block is found only once it is parsed.
    blocked
        .write_all(b"BLOCKTEST job2 0\r\n*x\r\n")
        .expect("write");
    expect_silence(&mut blocked);
    writer.write_all(b"SET job2 ok\r\n").expect("write");
    expect(&mut writer, b"+OK\r\n");
    expect(
        &mut blocked,
        b"$2\r\nok\r\n-ERR Protocol error: invalid multibulk length\r\n",
    );
    let mut byte = [0u8; 1];
    assert_eq!(blocked.read(&mut byte).expect("read EOF"), 0);
}

#[test]
fn a_blocked_client_that_disconnects_is_dropped() {
    let port = start();
    let mut blocked = connect(port);
    blocked.write_all(b"BLOCKTEST gone 0\r\n").expect("write");
    expect_silence(&mut blocked);
    drop(blocked);
    let mut other = connect(port);
    other
        .write_all(b"SET gone x\r\nGET gone\r\n")
        .expect("write");
    expect(&mut other, b"+OK\r\n$1\r\nx\r\n");
}

#[test]
fn the_loop_wakes_for_a_key_expiry_with_nothing_else_to_do() {
    // No ticker runs: the loop sleeps until the engine's next deadline, which for a
    // key with a TTL is the millisecond after its expiry time.
    let port = start();
    let mut admin = connect(port);
    let mut subscriber = connect(port);
    admin
        .write_all(b"CONFIG SET notify-keyspace-events Ex\r\n")
        .expect("write");
    expect(&mut admin, b"+OK\r\n");
    subscriber
        .write_all(b"SUBSCRIBE __keyevent@0__:expired\r\n")
        .expect("write");
    expect(
        &mut subscriber,
        b"*3\r\n$9\r\nsubscribe\r\n$22\r\n__keyevent@0__:expired\r\n:1\r\n",
    );
    let start = Instant::now();
    admin.write_all(b"SET k v PX 100\r\n").expect("write");
    expect(&mut admin, b"+OK\r\n");
    expect(
        &mut subscriber,
        b"*3\r\n$7\r\nmessage\r\n$22\r\n__keyevent@0__:expired\r\n$1\r\nk\r\n",
    );
    let waited = start.elapsed();
    assert!(
        waited >= Duration::from_millis(99),
        "expired after {waited:?}"
    );
    assert!(waited < Duration::from_secs(5), "expired after {waited:?}");
}
