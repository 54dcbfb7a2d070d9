//! BZPOPMIN key [key ...] timeout, BZPOPMAX key [key ...] timeout and
//! BZMPOP timeout numkeys key [key ...] <MIN | MAX> [COUNT count] — pop from the first
//! existing sorted set as ZPOPMIN/ZPOPMAX/ZMPOP do, or block until one of the keys
//! holds a sorted set (Redis's `blockingGenericZpopCommand`; served through
//! `Serve::Pop`, which re-runs the command, in profile 7.0 with the one key that became
//! ready as 7.0.15's `serveClientsBlockedOnSortedSetKey` does).

use super::lists::{block_pop, parse_timeout_secs};
use super::zpop::{parse_mpop, pop, PopReply};
use super::{CmdResult, Cx};

/// The timeout is parsed first (for BZMPOP after its other arguments), then the
/// keys are looked up for writing in order: a key that is not a sorted set answers
/// WRONGTYPE, the first existing one is popped from, and with none the client
/// blocks (inside EXEC it gets the null array at once).
fn blocking(
    cx: &mut Cx,
    keys: &[Vec<u8>],
    timeout_arg: &[u8],
    max: bool,
    count: Option<i64>,
    shape: PopReply,
) -> CmdResult {
    let timeout = parse_timeout_secs(timeout_arg, cx.v8(), cx.now_ms)?;
    for key in keys {
        if cx.write_zset_exists(key)? {
            return Ok(pop(cx, std::slice::from_ref(key), max, count, shape)?.into());
        }
    }
    block_pop(keys, timeout, "zset")
}

/// BZPOPMIN/BZPOPMAX: `[key, member, score]`, flat in both protocols.
fn min_max(cx: &mut Cx, max: bool) -> CmdResult {
    let argv = cx.argv;
    let shape = PopReply {
        emit_key: true,
        nested: false,
        nil_when_empty: false,
    };
    blocking(
        cx,
        &argv[1..argv.len() - 1],
        &argv[argv.len() - 1],
        max,
        None,
        shape,
    )
}

pub(super) fn bzpopmin(cx: &mut Cx) -> CmdResult {
    min_max(cx, false)
}

pub(super) fn bzpopmax(cx: &mut Cx) -> CmdResult {
    min_max(cx, true)
}

pub(super) fn bzmpop(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let (keys, max, count) = parse_mpop(argv, 2)?;
    let shape = PopReply {
        emit_key: true,
        nested: true,
        nil_when_empty: true,
    };
    blocking(cx, &argv[keys], &argv[1], max, Some(count), shape)
}

#[cfg(test)]
mod tests {
    use crate::engine::test_util::{argv, notifications};
    use crate::engine::{
        Config, Delivery, DeliveryKind, Engine, EventKind, Profile, Reply, UnblockReason,
    };

    fn engine(profile: Profile) -> Engine {
        Engine::new(Config {
            profile,
            ..Config::default()
        })
    }

    fn double(text: &str) -> Reply {
        Reply::Double(text.as_bytes().to_vec())
    }

    fn late(client: u64, frame: Reply) -> Vec<Delivery> {
        vec![Delivery {
            client,
            kind: DeliveryKind::Reply,
            frame,
        }]
    }

    #[test]
    fn a_blocked_bzpopmin_reports_its_block_and_is_served_by_a_zadd() {
        for (profile, score) in [(Profile::V7, "0.10000000000000001"), (Profile::V8, "0.1")] {
            let mut e = engine(profile);
            let a = e.connect(0);
            let b = e.connect(0);
            let out = e.execute(a, argv("BZPOPMIN k1 k2 k1 0"), 10);
            assert_eq!(out.reply, None);
            assert!(out.event_kinds().iter().any(|k| matches!(k,
                EventKind::ClientBlocked { client_id, command, keys, deadline_ms: None, .. }
                    if *client_id == a && command == "bzpopmin"
                        && *keys == vec![b"k1".to_vec(), b"k2".to_vec()])));
            e.execute(b, argv("CONFIG SET notify-keyspace-events KEA"), 11);
            let out = e.execute(b, argv("ZADD k2 0.1 m"), 20);
            assert_eq!(out.reply, Some(Reply::Integer(1)));
            assert_eq!(
                out.deliveries,
                late(
                    a,
                    Reply::Array(vec![Reply::bulk("k2"), Reply::bulk("m"), double(score)])
                )
            );
            assert!(out.event_kinds().contains(&EventKind::ClientUnblocked {
                client_id: a,
                reason: UnblockReason::Served
            }));
            let names = notifications(&out.events);
            let at = |n: &str| names.iter().position(|x| x.contains(n));
            assert!(
                at("zadd") < at("zpopmin") && at("zpopmin") < at("del"),
                "{names:?}"
            );
            assert_eq!(
                e.execute(b, argv("EXISTS k2"), 21).reply,
                Some(Reply::Integer(0))
            );
        }
    }

    #[test]
    fn another_type_does_not_wake_and_timeouts_run_on_the_engine_clock() {
        let mut e = engine(Profile::V8);
        let a = e.connect(0);
        let b = e.connect(0);
        e.execute(a, argv("BZMPOP 1.5 1 k MAX COUNT 2"), 1000);
        assert!(e.execute(b, argv("RPUSH k x"), 1001).deliveries.is_empty());
        assert!(e.execute(b, argv("DEL k"), 1002).deliveries.is_empty());
        assert!(e.advance(2499).deliveries.is_empty());
        assert_eq!(e.advance(2500).deliveries, late(a, Reply::NullArray));
        assert!(!e.is_blocked(a));
    }

    #[test]
    fn the_profiles_serve_a_transactions_adds_from_different_keys() {
        for (profile, key) in [(Profile::V7, "m2"), (Profile::V8, "m1")] {
            let mut e = engine(profile);
            let a = e.connect(0);
            let b = e.connect(0);
            e.execute(a, argv("BZPOPMAX m1 m2 0"), 1);
            for line in ["MULTI", "ZADD m2 1 x", "ZADD m1 1 x", "EXEC"] {
                let out = e.execute(b, argv(line), 2);
                assert!(line == "EXEC" || out.deliveries.is_empty());
                if line == "EXEC" {
                    assert_eq!(
                        out.deliveries,
                        late(
                            a,
                            Reply::Array(vec![Reply::bulk(key), Reply::bulk("x"), double("1")])
                        )
                    );
                }
            }
        }
    }

    #[test]
    fn inside_multi_the_pops_answer_at_once() {
        let mut e = engine(Profile::V7);
        let a = e.connect(0);
        for line in ["MULTI", "BZPOPMIN k 0", "BZMPOP 0 1 k MIN"] {
            e.execute(a, argv(line), 1);
        }
        let out = e.execute(a, argv("EXEC"), 1);
        assert_eq!(
            out.reply,
            Some(Reply::Array(vec![Reply::NullArray, Reply::NullArray]))
        );
        assert!(!e.is_blocked(a));
    }
}
