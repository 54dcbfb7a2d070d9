//! The blocking list pops across real connections to `streamplay-server`: a
//! client blocks, another pushes, the first gets the element (RESP2 and RESP3);
//! waiters are served first come first served; a BLMOVE's push serves a
//! waiter on its destination; a timeout fires on the server's engine clock.
//! Each wait polls a condition (the server's own `blocked_clients`), never sleeps.

#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

mod support;

use support::{argv, start_streamplay, wait_blocked, Conn, Waiter};

#[test]
fn a_blocked_pop_is_served_by_another_connections_push() {
    let server = start_streamplay();
    let mut admin = Conn::open(server.port).unwrap();
    for resp3 in [false, true] {
        let mut b = Waiter::open(server.port, resp3);
        b.send("BLPOP q1 q2 0");
        wait_blocked(&mut admin, 1);
        assert_eq!(admin.call_raw(&argv("RPUSH q2 x y")), b":2\r\n");
        assert_eq!(b.frame(), b"*2\r\n$2\r\nq2\r\n$1\r\nx\r\n");
        // BLMOVE answers the moved element; its push serves a waiter on the destination.
        let mut c = Waiter::open(server.port, resp3);
        b.send("BLMOVE src dst LEFT RIGHT 0");
        wait_blocked(&mut admin, 1);
        c.send("BRPOP dst 0");
        wait_blocked(&mut admin, 2);
        assert_eq!(admin.call_raw(&argv("LPUSH src v")), b":1\r\n");
        assert_eq!(b.frame(), b"$1\r\nv\r\n");
        assert_eq!(c.frame(), b"*2\r\n$3\r\ndst\r\n$1\r\nv\r\n");
        assert_eq!(admin.call_raw(&argv("DEL q2")), b":1\r\n");
    }
}

#[test]
fn waiters_are_served_first_come_first_served() {
    let server = start_streamplay();
    let mut admin = Conn::open(server.port).unwrap();
    let mut waiters: Vec<Waiter> = (0..4).map(|_| Waiter::open(server.port, false)).collect();
    for (i, w) in waiters.iter_mut().enumerate() {
        w.send("BLMPOP 0 1 jobs LEFT COUNT 2");
        wait_blocked(&mut admin, i + 1);
    }
    assert_eq!(admin.call_raw(&argv("RPUSH jobs 1 2 3 4 5 6 7")), b":7\r\n");
    let got: Vec<Vec<u8>> = waiters.iter_mut().map(Waiter::frame).collect();
    let want = |a: &str, b: Option<&str>| {
        let mut s = String::from("*2\r\n$4\r\njobs\r\n");
        match b {
            Some(b) => s.push_str(&format!("*2\r\n$1\r\n{a}\r\n$1\r\n{b}\r\n")),
            None => s.push_str(&format!("*1\r\n$1\r\n{a}\r\n")),
        }
        s.into_bytes()
    };
    assert_eq!(
        got,
        vec![
            want("1", Some("2")),
            want("3", Some("4")),
            want("5", Some("6")),
            want("7", None)
        ]
    );
}

#[test]
fn a_timeout_fires_on_the_engine_clock() {
    let server = start_streamplay();
    let mut admin = Conn::open(server.port).unwrap();
    for (resp3, null) in [(false, &b"*-1\r\n"[..]), (true, &b"_\r\n"[..])] {
        let mut b = Waiter::open(server.port, resp3);
        let start = Instant::now();
        b.send("BRPOPLPUSH nothing dst 0.3");
        wait_blocked(&mut admin, 1);
        assert_eq!(b.frame(), null);
        // The server's engine clock follows real time: not before 300 ms.
        // The server's clock counts whole milliseconds, as Redis's does: a deadline set at
        // 1000.9 ms for 300 ms passes at 1300.0, so the wait can be up to 1 ms short.
        assert!(start.elapsed() >= Duration::from_millis(299));
        wait_blocked(&mut admin, 0);
        // CLIENT UNBLOCK ends a wait at once.
        b.send("CLIENT ID");
        let id = String::from_utf8_lossy(&b.frame())
            .trim_start_matches(':')
            .trim()
            .to_string();
        b.send("BLPOP nothing 0");
        wait_blocked(&mut admin, 1);
        assert_eq!(
            admin.call_raw(&argv(&format!("CLIENT UNBLOCK {id} ERROR"))),
            b":1\r\n"
        );
        assert_eq!(
            b.frame(),
            b"-UNBLOCKED client unblocked via CLIENT UNBLOCK\r\n"
        );
    }
}
