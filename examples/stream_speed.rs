//! Throughput of stream commands through `Engine::execute`, argv in and the
//! reply encoded to RESP2 bytes out: XADD into a stream of a million entries,
//! then XRANGE COUNT 10 from random IDs and XREVRANGE likewise. A quick check
//! that the costs do not grow with the stream's length.
//!
//! `cargo run --release --example stream_speed [entries]` (default 1,000,000).

use std::time::Instant;

use streamplay::engine::{resp, Config, Engine, Protocol};

fn main() {
    let n: u64 = std::env::args()
        .nth(1)
        .and_then(|a| a.parse().ok())
        .unwrap_or(1_000_000);
    let mut engine = Engine::new(Config::default());
    let client = engine.connect(0);
    let start_ms = 1_700_000_000_000u64;
    let mut bytes = 0usize;
    let t = Instant::now();
    for i in 1..=n {
        let argv = vec![
            b"XADD".to_vec(),
            b"s".to_vec(),
            b"*".to_vec(),
            b"type".to_vec(),
            b"signup".to_vec(),
            b"user_id".to_vec(),
            i.to_string().into_bytes(),
        ];
        let out = engine.execute(client, argv, start_ms + i / 10);
        if let Some(r) = out.reply {
            bytes += resp::encode(&r, Protocol::Resp2).len();
        }
    }
    let add = t.elapsed();
    let mut seed = 0x1234_5678u64;
    let queries = 200_000u64;
    for rev in [false, true] {
        let t = Instant::now();
        for _ in 0..queries {
            seed = seed
                .wrapping_mul(6364136223846793005)
                .wrapping_add(1442695040888963407);
            let ms = start_ms + (seed >> 33) % (n / 10).max(1);
            let id = format!("{ms}-0").into_bytes();
            let argv = if rev {
                vec![
                    b"XREVRANGE".to_vec(),
                    b"s".to_vec(),
                    id,
                    b"-".to_vec(),
                    b"COUNT".to_vec(),
                    b"10".to_vec(),
                ]
            } else {
                vec![
                    b"XRANGE".to_vec(),
                    b"s".to_vec(),
                    id,
                    b"+".to_vec(),
                    b"COUNT".to_vec(),
                    b"10".to_vec(),
                ]
            };
            let out = engine.execute(client, argv, start_ms + n);
            if let Some(r) = out.reply {
                bytes += resp::encode(&r, Protocol::Resp2).len();
            }
        }
        println!(
            "{}: {:.0} ops/s",
            if rev {
                "XREVRANGE COUNT 10"
            } else {
                "XRANGE COUNT 10"
            },
            queries as f64 / t.elapsed().as_secs_f64()
        );
    }
    println!(
        "XADD: {:.0} ops/s ({n} entries); {bytes} reply bytes",
        n as f64 / add.as_secs_f64()
    );
}
