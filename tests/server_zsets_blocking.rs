//! The blocking sorted-set pops and CLIENT REPLY across real connections to
//! `streamplay-server`: a client blocks in BZPOPMIN/BZMPOP, another adds, the first
//! gets its members (RESP2 and RESP3), first come first served; a timeout fires on the
//! server's engine clock; a blocked command whose late reply CLIENT REPLY silenced still
//! lets the requests pipelined behind it run. Each wait polls a condition (the
//! server's own `blocked_clients`), never sleeps.

#![cfg(not(target_arch = "wasm32"))]

use std::time::{Duration, Instant};

mod support;

use support::{argv, start_streamplay, wait_blocked, Conn, Waiter};

#[test]
fn a_blocked_zset_pop_is_served_by_another_connections_add() {
    let server = start_streamplay();
    let mut admin = Conn::open(server.port).unwrap();
    for (resp3, score) in [(false, "$3\r\n1.5\r\n"), (true, ",1.5\r\n")] {
        let mut b = Waiter::open(server.port, resp3);
        b.send("BZPOPMIN q1 q2 0");
        wait_blocked(&mut admin, 1);
        // A list at a waited key does not wake it.
        assert_eq!(admin.call_raw(&argv("RPUSH q1 x")), b":1\r\n");
        assert_eq!(admin.call_raw(&argv("ZADD q2 1.5 m 2 n")), b":2\r\n");
        assert_eq!(
            String::from_utf8(b.frame()).unwrap(),
            format!("*3\r\n$2\r\nq2\r\n$1\r\nm\r\n{score}")
        );
        b.send("BZMPOP 0 1 q3 MAX COUNT 5");
        wait_blocked(&mut admin, 1);
        assert_eq!(admin.call_raw(&argv("ZADD q3 1.5 x")), b":1\r\n");
        assert_eq!(
            String::from_utf8(b.frame()).unwrap(),
            format!("*2\r\n$2\r\nq3\r\n*1\r\n*2\r\n$1\r\nx\r\n{score}")
        );
        assert_eq!(admin.call_raw(&argv("DEL q1 q2")), b":2\r\n");
    }
}

#[test]
fn zset_waiters_are_served_first_come_first_served_and_time_out() {
    let server = start_streamplay();
    let mut admin = Conn::open(server.port).unwrap();
    let mut waiters: Vec<Waiter> = (0..3).map(|_| Waiter::open(server.port, false)).collect();
    for (i, w) in waiters.iter_mut().enumerate() {
        w.send("BZPOPMAX jobs 0");
        wait_blocked(&mut admin, i + 1);
    }
    assert_eq!(admin.call_raw(&argv("ZADD jobs 1 a 2 b 3 c")), b":3\r\n");
    let got: Vec<Vec<u8>> = waiters.iter_mut().map(Waiter::frame).collect();
    let want = |m: &str, s: &str| format!("*3\r\n$4\r\njobs\r\n$1\r\n{m}\r\n$1\r\n{s}\r\n");
    assert_eq!(
        got,
        vec![
            want("c", "3").into_bytes(),
            want("b", "2").into_bytes(),
            want("a", "1").into_bytes()
        ]
    );
    let start = Instant::now();
    waiters[0].send("BZPOPMIN nothing 0.3");
    wait_blocked(&mut admin, 1);
    assert_eq!(waiters[0].frame(), b"*-1\r\n");
    // The server's clock counts whole milliseconds, as Redis's does: a deadline set at
    // 1000.9 ms for 300 ms passes at 1300.0, so the wait can be up to 1 ms short.
    assert!(start.elapsed() >= Duration::from_millis(299));
}

#[test]
fn a_silenced_late_reply_lets_the_pipelined_requests_run() {
    let server = start_streamplay();
    let mut admin = Conn::open(server.port).unwrap();
    for resp3 in [false, true] {
        let mut b = Waiter::open(server.port, resp3);
        // The PING waits in the query buffer while BLPOP blocks; the served BLPOP's
        // reply is skipped, then the PING runs and answers.
        b.send("CLIENT REPLY SKIP\nBZPOPMIN zq 0\nPING after");
        wait_blocked(&mut admin, 1);
        assert_eq!(admin.call_raw(&argv("ZADD zq 1 a")), b":1\r\n");
        assert_eq!(b.frame(), b"$5\r\nafter\r\n");
        // Under OFF a timeout's reply is dropped, and a push still arrives.
        b.send("CLIENT REPLY OFF\nBZPOPMIN nothing 0.05\nSUBSCRIBE ch");
        let confirm = b.frame();
        assert!(confirm.starts_with(if resp3 { b">3\r\n" } else { b"*3\r\n" }));
        assert_eq!(admin.call_raw(&argv("PUBLISH ch hi")), b":1\r\n");
        assert!(b.frame().ends_with(b"$2\r\nhi\r\n"));
        b.send("UNSUBSCRIBE\nCLIENT REPLY ON");
        b.frame();
        assert_eq!(b.frame(), b"+OK\r\n");
    }
}
