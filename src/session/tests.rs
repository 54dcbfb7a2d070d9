//! Tests of the session: steps and their output, the clock and its marks, seeks, the history
//! cap, save/load, scenario export, and the determinism property (replaying a log gives
//! byte-identical output; a seek equals a fresh replay of the prefix).

use proptest::prelude::*;

use super::*;
use crate::engine::EventKind;

fn texts(out: &Output) -> Vec<String> {
    out.lines.iter().map(|l| l.text.clone()).collect()
}

fn pushed(out: &Output) -> Vec<(String, Vec<String>)> {
    out.pushed
        .iter()
        .map(|(p, lines)| {
            (
                p.to_string(),
                lines.iter().map(|l| l.text.clone()).collect(),
            )
        })
        .collect()
}

fn session() -> Session {
    let mut s = Session::new(SessionConfig::default(), Profile::V8, 1_700_000_000_000);
    s.set_paused(false);
    s
}

#[test]
fn a_pane_is_created_and_connected_on_first_use() {
    let mut s = session();
    assert!(s.panes().is_empty());
    // The 8 profile's first connection is client 4 (Redis 8 makes three of its own).
    let out = s.run("A", "CLIENT ID").unwrap();
    assert_eq!(texts(&out), ["(integer) 4"]);
    assert_eq!(
        s.panes(),
        [Pane {
            name: "A".into(),
            client: Some(4)
        }]
    );
    assert_eq!(s.len(), 1);
    assert_eq!(s.current(), 1);
    assert_eq!(
        s.run("bad name", "PING"),
        Err(SessionError::BadPaneName("bad name".into()))
    );
    assert_eq!(s.run("A", "PING\r\nPING"), Err(SessionError::LineBreak));
    assert_eq!(s.len(), 1, "a refused step is not logged");
}

#[test]
fn run_shared_gives_what_run_gives_and_reuses_an_output_its_caller_dropped() {
    let mut by_value = session();
    let mut shared = session();
    let lines = [
        "XADD s 1-1 f v",
        "XADD s 1-2 f v",
        "XLEN s",
        "2 PING",
        "GET",
        "HELLO 3",
    ];
    let mut last: Option<*const Output> = None;
    for line in lines {
        let want = by_value.run("A", line).unwrap();
        let got = shared.run_shared("A", line).unwrap();
        assert_eq!(*got, want, "{line}");
        // The last output was dropped: its `Rc` is filled again in place.
        if let Some(last) = last {
            assert_eq!(Rc::as_ptr(&got), last, "{line}");
        }
        last = Some(Rc::as_ptr(&got));
    }
    // An output the caller still holds is not touched: the next one is a new `Rc`.
    let held = shared.run_shared("A", "XLEN s").unwrap();
    let next = shared.run_shared("A", "PING").unwrap();
    assert!(!Rc::ptr_eq(&held, &next));
    assert_eq!(texts(&held), ["(integer) 2"]);
    assert_eq!(texts(&next), ["PONG"]);
    // A refused line changes nothing and leaves the output to be reused.
    assert_eq!(
        shared.run_shared("A", "PING\nPING"),
        Err(SessionError::LineBreak)
    );
    drop((held, next));
    assert_eq!(
        texts(&shared.run_shared("A", "XLEN s").unwrap()),
        ["(integer) 2"]
    );
    assert_eq!(
        &shared.log()[..lines.len()],
        by_value.log(),
        "the same steps logged"
    );
}

#[test]
fn a_model_read_after_several_steps_has_the_last_ones_effects() {
    // Several batches of events since the model was last read: the older batches' events are
    // freed early (`LazyView::release_stale`); the model and its effects are as when read
    // after every step, also after a quiet step and after a refused one.
    let mut eager = session();
    let mut lazy = session();
    let steps: [(&str, &str); 7] = [
        ("A", "XADD s 1-1 f v"),
        ("A", "XADD s 1-2 f v"),
        ("A", "XADD s 1-3 f v"),
        ("A", "PING"),
        ("A", "XADD s 1-4 f v"),
        ("A", "XADD s 1-5 f v"),
        ("bad name", "PING"),
    ];
    for (i, (pane, line)) in steps.into_iter().enumerate() {
        let ran = eager.run(pane, line).is_ok();
        assert_eq!(lazy.run(pane, line).is_ok(), ran, "{line}");
        let want = eager.view_model().clone();
        if i == 3 || i == 6 {
            assert_eq!(lazy.view_model(), &want, "after {line}");
            // A quiet step has no effects; a refused one leaves the last step's.
            assert_eq!(want.effects.as_slice().is_empty(), i == 3, "after {line}");
        }
    }
}

#[test]
fn frames_for_other_panes_are_named_and_a_blocked_read_is_served() {
    let mut s = session();
    s.run("B", "XREAD BLOCK 0 STREAMS s $").unwrap();
    let out = s.run("A", "XADD s 1-1 f v").unwrap();
    assert_eq!(texts(&out), ["\"1-1\""]);
    assert_eq!(
        pushed(&out),
        [(
            "B".to_string(),
            vec![
                "1) 1) \"s\"".to_string(),
                "   2) 1) 1) \"1-1\"".to_string(),
                "         2) 1) \"f\"".to_string(),
                "            2) \"v\"".to_string(),
            ]
        )]
    );
    assert_eq!(out.raw.len(), 2, "A's reply and B's deferred reply");
    // Each frame names its receiving pane (the typing pane's own reply, and B's).
    let names: Vec<Option<&str>> = out.raw.iter().map(|f| f.pane.as_deref()).collect();
    assert_eq!(names, [Some("A"), Some("B")]);
    assert!(out
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::StreamEntryAdded { .. })));
}

/// A step's events are shared with the view model in the previous step's box once its output
/// is dropped, and a kept output keeps its own events: neither sees the other's.
#[test]
fn events_boxes_are_reused_only_when_free() {
    let mut s = Session::new(SessionConfig::default(), Profile::V8, 1_000);
    let kept = s.run("A", "SET k 1").expect("runs");
    let second = s.run("A", "XADD s 1-1 f v").expect("runs");
    drop(second);
    let third = s.run("A", "DEL k").expect("runs");
    // The first output is still held: its events are still SET's.
    assert!(kept
        .events
        .iter()
        .all(|e| !matches!(e.kind, EventKind::StreamEntryAdded { .. })));
    assert!(!kept.events.is_empty());
    // The third step (in the second's box) reports its own events and the model agrees.
    assert!(!third.events.is_empty());
    assert!(third
        .events
        .iter()
        .all(|e| !matches!(e.kind, EventKind::StreamEntryAdded { .. })));
    let fresh = ViewModel::from_inspect(s.engine(), s.clock().now_ms);
    assert_eq!(s.view_model().dbs, fresh.dbs);
    let names: Vec<&[u8]> = fresh
        .dbs
        .values()
        .flat_map(|d| d.keys.iter().map(|k| k.name.as_slice()))
        .collect();
    assert_eq!(names, [b"s".as_slice()]);
}

#[test]
fn unblock_is_a_step_only_for_a_blocked_pane() {
    let mut s = session();
    s.run("A", "PING").unwrap();
    assert_eq!(s.unblock("A"), Err(SessionError::NotBlocked("A".into())));
    assert_eq!(s.unblock("Z"), Err(SessionError::NoSuchPane("Z".into())));
    let mut s = session();
    let out = s.run("A", "XREAD BLOCK 0 STREAMS s $").unwrap();
    assert!(out.blocked);
    let out = s.unblock("A").unwrap();
    assert_eq!(pushed(&out), [("A".to_string(), vec!["(nil)".to_string()])]);
    assert!(!s.engine().is_blocked(3));
    assert_eq!(s.len(), 2);
}

#[test]
fn quit_keeps_the_disconnect_outcome_and_the_next_line_reconnects() {
    let mut s = session();
    s.run("A", "SUBSCRIBE ch").unwrap();
    let out = s.run("A", "QUIT").unwrap();
    assert_eq!(out.disconnected, ["A"]);
    assert!(out
        .events
        .iter()
        .any(|e| matches!(e.kind, EventKind::ClientDisconnected { client_id: 4 })));
    assert_eq!(s.pane("A").unwrap().client, None);
    let out = s.run("A", "CLIENT ID").unwrap();
    assert_eq!(texts(&out), ["(integer) 5"]);
    // CLIENT KILL of another pane: that pane loses its connection too.
    s.run("B", "PING").unwrap();
    let out = s.run("A", "CLIENT KILL ID 6").unwrap();
    assert_eq!(out.disconnected, ["B"]);
    assert_eq!(texts(&s.run("B", "CLIENT ID").unwrap()), ["(integer) 7"]);
}

#[test]
fn pane_steps_and_a_profile_switch() {
    let mut s = session();
    s.add_pane("A").unwrap();
    assert_eq!(s.add_pane("A"), Err(SessionError::PaneExists("A".into())));
    s.add_pane("B").unwrap();
    s.rename_pane("B", "C").unwrap();
    assert_eq!(
        s.rename_pane("C", "A"),
        Err(SessionError::PaneExists("A".into()))
    );
    s.run("A", "SET k v").unwrap();
    s.switch_profile(Profile::V7).unwrap();
    assert_eq!(s.profile(), Profile::V7);
    assert_eq!(
        texts(&s.run("A", "GET k").unwrap()),
        ["(nil)"],
        "a fresh server"
    );
    assert_eq!(
        s.panes()
            .iter()
            .map(|p| (&*p.name, p.client))
            .collect::<Vec<_>>(),
        [("A", Some(3)), ("C", Some(4))]
    );
    s.reconnect("C").unwrap();
    assert_eq!(s.pane("C").unwrap().client, Some(5));
    s.remove_pane("A").unwrap();
    assert_eq!(s.panes().len(), 1);
    assert_eq!(s.len(), 8);
}

#[test]
fn the_clock_moves_by_speed_unless_paused_and_marks_ticks_with_output() {
    let mut s = session();
    let t0 = s.clock().now_ms;
    s.set_speed(50);
    s.tick(1);
    s.tick(1);
    assert_eq!(s.clock().now_ms, t0 + 1, "half-milliseconds add up");
    s.set_speed(100);
    s.run("A", "XREAD BLOCK 1000 STREAMS s $").unwrap();
    assert!(s.tick(999).is_empty());
    assert!(s.log()[0].marks.is_empty());
    let out = s.tick(1);
    assert_eq!(pushed(&out), [("A".to_string(), vec!["(nil)".to_string()])]);
    assert_eq!(*s.log()[0].marks, [t0 + 1 + 1000]);
    s.set_paused(true);
    let before = s.clock().now_ms;
    s.tick(5000);
    assert_eq!(s.clock().now_ms, before);
    s.jump(60_000).unwrap();
    assert_eq!(s.clock().now_ms, before + 60_000);
    assert_eq!(s.steps()[1].step, Step::ClockJump { ms: 60_000 });
}

#[test]
fn seek_restores_a_step_pauses_and_a_new_step_drops_the_later_ones() {
    let mut s = session();
    s.run("A", "SET k 1").unwrap();
    s.tick(10);
    s.run("A", "SET k 2").unwrap();
    s.tick(10);
    s.run("A", "SET k 3").unwrap();
    s.seek(1).unwrap();
    assert!(s.clock().paused);
    assert_eq!(s.clock().now_ms, s.log()[0].time_ms);
    assert_eq!(texts(&s.run("B", "GET k").unwrap()), ["\"1\""]);
    assert_eq!(s.len(), 2, "the later steps went");
    s.seek(0).unwrap();
    assert_eq!(s.panes(), []);
    assert_eq!(s.seek(3), Err(SessionError::NoSuchStep(3)));
    s.seek(2).unwrap();
    assert_eq!(s.panes().len(), 2);
}

#[test]
fn a_seek_keeps_the_clock_marks_of_its_step() {
    let mut s = session();
    s.run("A", "XREAD BLOCK 100 STREAMS s $").unwrap();
    s.tick(100);
    s.run("B", "PING").unwrap();
    s.seek(1).unwrap();
    assert!(
        !s.engine().is_blocked(3),
        "the timeout the pane showed stays"
    );
    assert_eq!(s.clock().now_ms, s.log()[0].marks[0]);
}

#[test]
fn the_history_cap_drops_the_oldest_steps() {
    let config = SessionConfig {
        max_steps: 3,
        ..SessionConfig::default()
    };
    let mut s = Session::new(config, Profile::V8, 0);
    for n in 0..5 {
        s.run("A", &format!("SET k{n} v")).unwrap();
    }
    assert_eq!(s.len(), 3);
    assert_eq!(s.dropped(), 2);
    assert_eq!(s.steps()[0].index, 1);
    assert_eq!(
        s.steps()[0].step,
        Step::Command {
            pane: "A".into(),
            line: "SET k2 v".into()
        }
    );
    // The new start is the state after the dropped steps.
    s.seek(0).unwrap();
    assert_eq!(texts(&s.run("A", "DBSIZE").unwrap()), ["(integer) 2"]);
    let config = SessionConfig {
        max_log_bytes: 1000,
        ..SessionConfig::default()
    };
    let mut s = Session::new(config, Profile::V8, 0);
    for _ in 0..100 {
        s.run("A", "PING").unwrap();
    }
    assert!(s.dropped() > 0 && s.len() < 100);
}

#[test]
fn a_scenario_switches_profile_mid_script_and_knows_the_pane_directives() {
    let text = "\
@profile 7.0
@clock 1700000000000
A> XADD s * f v
\"1700000000000-0\"
@pane add B
@pane rename B C
C> XREAD BLOCK 0 STREAMS s $
@unblock C
C< (nil)
@reconnect C
C> CLIENT ID
(integer) 5
@profile 8
A> EXISTS s
(integer) 0
A> CLIENT ID
(integer) 4
@pane remove C
@clock +1000
A> XADD s * f v
\"1700000001000-0\"
";
    let mut s = Session::new(SessionConfig::default(), Profile::V8, 0);
    let replay = s.run_scenario(text).unwrap();
    assert_eq!(replay.mismatches, []);
    assert_eq!(s.profile(), Profile::V8);
    let steps = crate::transcript::parse(text).unwrap();
    assert_eq!(
        crate::transcript::render(&steps, &crate::transcript::Replay::default()),
        text
    );
    let replay = s.run_scenario("@pane remove nobody\n").unwrap();
    assert_eq!(replay.mismatches[0].what, "no pane is named 'nobody'");
    assert!(s.run_scenario("@pane shuffle\n").is_err());
}

#[test]
fn save_and_load_give_the_same_session() {
    let mut s = session();
    s.run("A", "XADD s * f v").unwrap();
    s.run("B", "XREAD BLOCK 50 STREAMS s $").unwrap();
    s.tick(60);
    s.add_pane("C").unwrap();
    s.jump(1000).unwrap();
    s.seek(2).unwrap();
    let bytes = s.save();
    let mut l = Session::load(&bytes).unwrap();
    assert_eq!(l.log(), s.log());
    assert_eq!(l.current(), s.current());
    assert_eq!(l.panes(), s.panes());
    assert_eq!(l.clock(), s.clock());
    assert_eq!(l.save(), bytes);
    let a = s.run("A", "XINFO STREAM s").unwrap();
    let b = l.run("A", "XINFO STREAM s").unwrap();
    assert_eq!(a, b);
}

#[test]
fn loading_bad_bytes_is_an_error() {
    let mut s = session();
    s.run("A", "XADD s * f v").unwrap();
    s.run("A", "SUBSCRIBE ch").unwrap();
    let bytes = s.save();
    for n in 0..bytes.len() {
        assert!(Session::load(&bytes[..n]).is_err(), "cut at {n}");
    }
    for n in 0..bytes.len() {
        let mut bad = bytes.clone();
        bad[n] ^= 0x20;
        assert!(Session::load(&bad).is_err(), "byte {n} flipped");
    }
    let mut longer = bytes.clone();
    longer.push(0);
    assert!(matches!(Session::load(&longer), Err(LoadError::Corrupt(_))));
    let mut next = bytes.clone();
    next[8..10].copy_from_slice(&(save::VERSION + 1).to_le_bytes());
    assert_eq!(
        Session::load(&next).err(),
        Some(LoadError::UnknownVersion(save::VERSION + 1))
    );
    assert_eq!(Session::load(b"hello").err(), Some(LoadError::NotASession));
}

#[test]
fn an_exported_transcript_replays_without_a_mismatch() {
    let mut s = session();
    s.run("A", "CONFIG SET notify-keyspace-events KEA").unwrap();
    s.run("B", "PSUBSCRIBE __key*__:*").unwrap();
    s.run("A", "XADD s * f v").unwrap();
    s.tick(7);
    s.run("A", "SET k v PX 20").unwrap();
    s.run("C", "XREAD BLOCK 30 STREAMS s $").unwrap();
    s.tick(40);
    s.jump(1000).unwrap();
    s.run("A", "XADD s * f v").unwrap();
    let text = s.export_transcript();
    let mut fresh = Session::new(SessionConfig::default(), Profile::V7, 0);
    let replay = fresh.run_scenario(&text).unwrap();
    assert_eq!(replay.mismatches, [], "{text}");
    assert_eq!(fresh.log(), s.log());
    assert!(
        text.contains("@clock 1700000000007\nA> SET k v PX 20\n"),
        "{text}"
    );
}

// ----- Determinism -----

const PANES: [&str; 4] = ["A", "B", "C", "D"];

const COMMANDS: &[&str] = &[
    "XADD s * f v",
    "XADD s MAXLEN ~ 3 * f v",
    "XADD t * g w",
    "XTRIM s MAXLEN 2",
    "XDEL s 0-1",
    "XRANGE s - +",
    "XREAD BLOCK 0 STREAMS s $",
    "XREAD BLOCK 40 STREAMS s t $ $",
    "XGROUP CREATE s g $ MKSTREAM",
    "XGROUP CREATE s g 0",
    "XREADGROUP GROUP g c1 COUNT 2 STREAMS s >",
    "XREADGROUP GROUP g c2 BLOCK 30 STREAMS s >",
    "XPENDING s g",
    "XAUTOCLAIM s g c3 10 0",
    "XCLAIM s g c1 0 0-1",
    "XINFO STREAM s FULL",
    "SUBSCRIBE ch",
    "PSUBSCRIBE c*",
    "UNSUBSCRIBE",
    "PUBLISH ch hi",
    "CONFIG SET client-output-buffer-limit \"pubsub 0 16kb 0\"",
    "PUBLISH ch xxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxxx",
    "SET k v PX 25",
    "GET k",
    "DEL s",
    "CONFIG SET notify-keyspace-events KEA",
    "HELLO 3",
    "MULTI",
    "EXEC",
    "CLIENT LIST",
    "QUIT",
    "CLIENT KILL ID 4",
    "INFO keyspace",
];

#[derive(Clone, Debug)]
enum Op {
    Run(usize, usize),
    Tick(u64),
    Jump(u64),
    Speed(u32),
    Add(usize),
    Remove(usize),
    Rename(usize, usize),
    Unblock(usize),
    Reconnect(usize),
    Reading(usize, bool),
    Profile(bool),
}

fn op() -> impl Strategy<Value = Op> {
    prop_oneof![
        8 => (0..PANES.len(), 0..COMMANDS.len()).prop_map(|(p, c)| Op::Run(p, c)),
        3 => (0u64..60).prop_map(Op::Tick),
        1 => prop_oneof![Just(10u64), Just(1000)].prop_map(Op::Jump),
        1 => prop_oneof![Just(50u32), Just(100), Just(300)].prop_map(Op::Speed),
        1 => (0..PANES.len()).prop_map(Op::Add),
        1 => (0..PANES.len()).prop_map(Op::Remove),
        1 => (0..PANES.len(), 0..PANES.len()).prop_map(|(a, b)| Op::Rename(a, b)),
        1 => (0..PANES.len()).prop_map(Op::Unblock),
        1 => (0..PANES.len()).prop_map(Op::Reconnect),
        2 => (0..PANES.len(), any::<bool>()).prop_map(|(p, r)| Op::Reading(p, r)),
        1 => any::<bool>().prop_map(Op::Profile),
    ]
}

/// Applies `op`; the output if it was a step or a tick that produced output (what a replay
/// reproduces), `None` if it was refused or changed nothing.
fn apply(s: &mut Session, op: &Op) -> Option<Output> {
    let before = s.current();
    let out = apply_op(s, op);
    // A step that was refused, or that only moved the start of an empty session, is not logged.
    match op {
        Op::Tick(_) | Op::Speed(_) => out,
        _ => out.filter(|_| s.current() != before),
    }
}

fn apply_op(s: &mut Session, op: &Op) -> Option<Output> {
    let step = |r: Result<Output, SessionError>| r.ok();
    match op {
        Op::Run(p, c) => step(s.run(PANES[*p], COMMANDS[*c])),
        Op::Tick(ms) => Some(s.tick(*ms)).filter(|o| !o.is_empty()),
        Op::Jump(ms) => step(s.jump(*ms)),
        Op::Speed(pct) => {
            s.set_speed(*pct);
            None
        }
        Op::Add(p) => step(s.add_pane(PANES[*p])),
        Op::Remove(p) => step(s.remove_pane(PANES[*p])),
        Op::Rename(a, b) => step(s.rename_pane(PANES[*a], PANES[*b])),
        Op::Unblock(p) => step(s.unblock(PANES[*p])),
        Op::Reconnect(p) => step(s.reconnect(PANES[*p])),
        Op::Reading(p, r) => step(s.set_reading(PANES[*p], *r)),
        Op::Profile(v7) => step(s.switch_profile(if *v7 { Profile::V7 } else { Profile::V8 })),
    }
}

/// `out` without its events' sequence numbers: after a seek the session numbers events after
/// everything it reported before, where a fresh session starts from 1, so the seek half of the
/// determinism test compares the events' kinds, times and clients.
fn unseq(mut out: Output) -> Output {
    for e in &mut out.events {
        e.seq = 0;
    }
    out
}

/// What two sessions in the same state print for the same probes.
fn probe(s: &mut Session) -> Vec<Output> {
    let names: Vec<String> = s.panes().iter().map(|p| p.name.to_string()).collect();
    let mut outs = Vec::new();
    for line in [
        "CLIENT LIST",
        "KEYS *",
        "XINFO STREAM s FULL",
        "PUBSUB NUMPAT",
        "INFO stats",
    ] {
        outs.extend(s.run("probe", line).ok());
    }
    for name in names {
        outs.extend(s.run(&name, "PING").ok());
    }
    outs
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 256, ..ProptestConfig::default() })]

    /// Replaying a session's log from the start gives byte-identical replies, frames and events;
    /// a seek to any step equals a fresh session running the exported prefix, and both go on
    /// alike.
    #[test]
    fn replay_and_seek_are_deterministic(
        ops in prop::collection::vec(op(), 1..40),
        seek_at in any::<prop::sample::Index>(),
        more in prop::collection::vec(op(), 0..12),
    ) {
        let mut s = Session::new(SessionConfig::default(), Profile::V8, 1_700_000_000_000);
        s.set_paused(false);
        let live: Vec<Output> = ops.iter().filter_map(|op| apply(&mut s, op)).collect();
        let mut replayed = Vec::new();
        s.replay_outputs(|_, out| replayed.push(out.clone()));
        // Events have no Debug-free identity yet: PartialEq compares them whole.
        prop_assert_eq!(&live, &replayed);

        let k = seek_at.index(s.len() + 1);
        s.seek(k).unwrap();
        let mut fresh = Session::new(SessionConfig::default(), Profile::V8, 0);
        let text = s.export_scenario();
        fresh.run_scenario(&text).unwrap();
        prop_assert_eq!(fresh.panes(), s.panes());
        prop_assert_eq!(fresh.profile(), s.profile());
        prop_assert_eq!(fresh.clock().now_ms, s.clock().now_ms);
        prop_assert_eq!(fresh.len(), s.current(), "{}", text);
        // Speed and pause are not state: the two clocks are set alike.
        fresh.set_speed(s.clock().speed);
        fresh.set_paused(false);
        s.set_paused(false);
        for op in &more {
            prop_assert_eq!(apply(&mut s, op).map(unseq), apply(&mut fresh, op).map(unseq));
        }
        let probes = |s: &mut Session| probe(s).into_iter().map(unseq).collect::<Vec<_>>();
        prop_assert_eq!(probes(&mut s), probes(&mut fresh));
        prop_assert_eq!(fresh.log(), s.log());
    }
}

// ----- Checkpoints, event numbers, the history cap's start, saves with the engine -----

/// A session that ran `ops`, with checkpoints every `spacing` work.
fn ran(ops: &[Op], spacing: u64) -> Session {
    let mut s = Session::new(SessionConfig::default(), Profile::V8, 1_700_000_000_000);
    s.set_checkpoint_spacing(spacing);
    s.set_paused(false);
    for op in ops {
        apply(&mut s, op);
    }
    s
}

#[test]
fn checkpoints_are_spaced_by_work_and_bounded_in_number() {
    let mut s = session();
    for _ in 0..2000 {
        s.run("A", "10 XADD s * f v").unwrap();
    }
    let (kept, spacing) = s.checkpoint_stats();
    assert!(kept <= checkpoint::MAX_KEPT, "{kept} checkpoints");
    assert!(kept > checkpoint::MAX_KEPT / 2 - 1, "{kept} checkpoints");
    assert!(spacing > checkpoint::FIRST_SPACING, "the spacing grew");
    let indexes = s.checkpoint_indexes();
    assert!(indexes.windows(2).all(|w| w[0] < w[1]));
    // Every seek lands on the state a replay from the start gives.
    for k in [0, 1, 7, 500, 1333, 1999, 2000, 3] {
        s.seek(k).unwrap();
        let now = s.clock().now_ms;
        let len = s.engine().inspect_stream(0, b"s", now).map(|i| i.length);
        assert_eq!(len.unwrap_or(0), 10 * k as u64);
    }
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// A seek restored from checkpoints (one after every step, or every few) is the state a
    /// replay from the start gives, and both sessions go on alike.
    #[test]
    fn a_seek_from_a_checkpoint_equals_a_replay_from_the_start(
        ops in prop::collection::vec(op(), 1..60),
        spacing in prop_oneof![Just(1u64), Just(5), Just(20)],
        seeks in prop::collection::vec(any::<prop::sample::Index>(), 1..4),
        more in prop::collection::vec(op(), 0..8),
    ) {
        let mut a = ran(&ops, spacing);
        let mut b = ran(&ops, u64::MAX);
        prop_assert!(b.checkpoint_stats().0 == 0);
        for at in &seeks {
            let k = at.index(a.len() + 1);
            a.seek(k).unwrap();
            b.seek(k).unwrap();
            prop_assert_eq!(a.panes(), b.panes());
            prop_assert_eq!(a.clock(), b.clock());
        }
        a.set_paused(false);
        b.set_paused(false);
        for op in &more {
            prop_assert_eq!(apply(&mut a, op), apply(&mut b, op));
        }
        prop_assert_eq!(probe(&mut a), probe(&mut b));
        prop_assert_eq!(a.log(), b.log());
    }

    /// Event numbers never repeat or go back within a session: across steps, ticks, seeks,
    /// profile switches and a save and load.
    #[test]
    fn event_numbers_strictly_increase_across_seeks_and_loads(
        rounds in prop::collection::vec(
            (prop::collection::vec(op(), 0..15), any::<prop::sample::Index>(), any::<bool>()),
            1..5,
        ),
    ) {
        let mut s = ran(&[], 3);
        let mut last = 0u64;
        for (ops, seek_at, reload) in &rounds {
            for op in ops {
                if let Some(out) = apply_op(&mut s, op) {
                    for e in &out.events {
                        prop_assert!(e.seq > last, "seq {} after {}", e.seq, last);
                        last = e.seq;
                    }
                }
            }
            prop_assert!(s.next_event_seq() > last);
            s.seek(seek_at.index(s.len() + 1)).unwrap();
            if *reload {
                s = Session::load(&s.save()).unwrap();
            }
            s.set_paused(false);
        }
    }
}

#[test]
fn a_connection_reports_itself_in_its_step() {
    let mut s = session();
    let connected = |out: &Output| {
        out.events
            .iter()
            .filter_map(|e| match e.kind {
                EventKind::ClientConnected { client_id } => Some(client_id),
                _ => None,
            })
            .collect::<Vec<_>>()
    };
    assert_eq!(connected(&s.run("A", "PING").unwrap()), [4]);
    assert_eq!(connected(&s.add_pane("B").unwrap()), [5]);
    assert_eq!(connected(&s.reconnect("B").unwrap()), [6]);
    assert_eq!(connected(&s.switch_profile(Profile::V7).unwrap()), [3, 4]);
    assert_eq!(connected(&s.run("A", "PING").unwrap()), Vec::<u64>::new());
    // The fresh server numbered its events after the old one's.
    let seqs: Vec<u64> = s
        .replay_outputs_collect()
        .iter()
        .flat_map(|o| o.events.iter().map(|e| e.seq))
        .collect();
    assert!(seqs.windows(2).all(|w| w[0] < w[1]), "{seqs:?}");
}

impl Session {
    fn replay_outputs_collect(&self) -> Vec<Output> {
        let mut outs = Vec::new();
        self.replay_outputs(|_, out| outs.push(out.clone()));
        outs
    }
}

#[test]
fn the_history_cap_frees_steps_and_the_start_becomes_a_checkpoint() {
    let config = SessionConfig {
        max_steps: 50,
        ..SessionConfig::default()
    };
    let mut s = Session::new(config, Profile::V8, 1_700_000_000_000);
    s.set_checkpoint_spacing(10);
    s.run("A", "XREAD BLOCK 5 STREAMS s $").unwrap();
    s.set_paused(false);
    s.tick(10);
    for n in 1..200 {
        s.run("A", &format!("XADD s {n}-1 f v")).unwrap();
    }
    assert_eq!(s.len(), 50);
    assert_eq!(s.dropped(), 150);
    assert!(s.freed() > 100 && s.freed() <= 150, "{}", s.freed());
    assert_eq!(s.log().len(), 200 - s.freed(), "the freed steps are gone");
    // The timeline's start is the state after the dropped steps.
    s.seek(0).unwrap();
    assert_eq!(
        texts(&s.run("A", "XLEN s").unwrap()),
        ["(integer) 149"],
        "a new step after a seek to the start"
    );
    assert_eq!(s.len(), 1);
    // Save and load keep working after a rebase, and so does a seek before the loaded step.
    for n in 0..20 {
        s.run("B", &format!("SET k{n} v")).unwrap();
    }
    s.seek(10).unwrap();
    let bytes = s.save();
    let mut l = Session::load(&bytes).unwrap();
    assert_eq!(l.freed(), s.freed());
    assert_eq!(l.dropped(), s.dropped());
    assert_eq!(l.steps(), s.steps());
    assert_eq!(l.save(), bytes);
    for k in [0, 3, 10, 21, 15] {
        s.seek(k).unwrap();
        l.seek(k).unwrap();
        assert_eq!(l.engine().save(), s.engine().save(), "after a seek to {k}");
        assert_eq!(l.panes(), s.panes());
        assert_eq!(l.clock(), s.clock());
    }
    assert_eq!(
        probe(&mut s).into_iter().map(unseq).collect::<Vec<_>>(),
        probe(&mut l).into_iter().map(unseq).collect::<Vec<_>>(),
    );
    assert!(s
        .export_scenario()
        .starts_with("# The history cap freed the first"));
}

#[test]
fn a_load_takes_the_engine_from_the_save_and_replays_nothing() {
    let mut s = session();
    s.run("A", "XADD s * f v").unwrap();
    s.run("A", "SET k v PX 100000").unwrap();
    let bytes = s.save();
    let l = Session::load(&bytes).unwrap();
    assert_eq!(l.engine().save(), s.engine().save());
    assert_eq!(
        l.checkpoint_indexes(),
        [2],
        "the loaded state is a checkpoint"
    );
    assert_eq!(l.next_event_seq(), s.next_event_seq());
}

proptest! {
    #![proptest_config(ProptestConfig { cases: 128, ..ProptestConfig::default() })]

    /// The view model is brought up to date when read (`lazy_view.rs`): read only every few
    /// steps and ticks (one batch of events applied, or several and a rebuild), it equals the
    /// model of a twin session read after every one, effects included, and so the engine's.
    #[test]
    fn a_view_model_read_now_and_then_equals_one_read_every_step(
        ops in prop::collection::vec(op(), 1..40),
        every in 1usize..5,
    ) {
        let mut eager = session();
        let mut lazy = session();
        for (i, op) in ops.iter().enumerate() {
            apply_op(&mut eager, op);
            apply_op(&mut lazy, op);
            let want = eager.view_model().clone();
            if i % every == 0 || i + 1 == ops.len() {
                prop_assert_eq!(lazy.view_model(), &want, "after op {} ({:?})", i, op);
                let mut fresh = ViewModel::from_inspect(lazy.engine(), lazy.state.time_ms);
                fresh.effects = want.effects.clone();
                prop_assert_eq!(&fresh, &want);
            }
        }
    }
}

#[test]
fn a_pane_that_stops_reading_gets_its_frames_when_it_reads_again() {
    let mut s = session();
    s.run("S", "SUBSCRIBE ch").unwrap();
    s.run("P", "PING").unwrap();
    assert_eq!(s.pane_reading("S"), (true, None));
    s.set_reading("S", false).unwrap();
    assert_eq!(
        s.set_reading("S", false),
        Err(SessionError::Reading {
            pane: "S".into(),
            reading: false
        })
    );
    assert_eq!(
        s.run("S", "PING"),
        Err(SessionError::Reading {
            pane: "S".into(),
            reading: false
        })
    );
    let out = s.run("P", "PUBLISH ch one").unwrap();
    assert_eq!(texts(&out), ["(integer) 1"]);
    assert!(out.pushed.is_empty());
    s.run("P", "PUBLISH ch two").unwrap();
    let (reading, usage) = s.pane_reading("S");
    assert!(!reading);
    // Two 34-byte frames wait in the client's own buffer; no reply block yet.
    let usage = usage.unwrap();
    assert_eq!((usage.bytes, usage.frames), (0, 68));
    assert_eq!(usage.hard_limit, 32 << 20);
    let out = s.set_reading("S", true).unwrap();
    let frames: Vec<_> = pushed(&out)
        .into_iter()
        .map(|(p, l)| (p, l[2].clone()))
        .collect();
    assert_eq!(
        frames,
        [
            ("S".to_string(), "3) \"one\"".to_string()),
            ("S".to_string(), "3) \"two\"".to_string())
        ]
    );
    assert_eq!(
        s.set_reading("S", true),
        Err(SessionError::Reading {
            pane: "S".into(),
            reading: true
        })
    );
    // Stepping back to before the pane read again, and forward, reproduces it.
    let end = s.current();
    s.seek(end - 1).unwrap();
    assert!(!s.pane_reading("S").0);
    s.seek(end).unwrap();
    assert!(s.pane_reading("S").0);
}

#[test]
fn a_pane_closed_past_the_limit_learns_it_when_it_reads_and_reconnects() {
    let mut s = session();
    s.run("S", "SUBSCRIBE ch").unwrap();
    s.run(
        "P",
        "CONFIG SET client-output-buffer-limit \"pubsub 16kb 0 0\"",
    )
    .unwrap();
    s.set_reading("S", false).unwrap();
    let payload = "x".repeat(1000);
    let publish = format!("16 PUBLISH ch {payload}");
    let out = s.run("P", &publish).unwrap();
    assert_eq!(texts(&out), vec!["(integer) 1"; 16]);
    assert!(out
        .events
        .iter()
        .any(|e| e.kind == EventKind::ClientDisconnected { client_id: 4 }));
    // Closed, but the pane does not know yet: it still does not read.
    assert_eq!(s.pane_reading("S"), (false, None));
    // A saved session keeps that state.
    let mut loaded = Session::load(&s.save()).unwrap();
    assert_eq!(loaded.pane_reading("S"), (false, None));
    let out = s.set_reading("S", true).unwrap();
    assert_eq!(out.disconnected, ["S"]);
    assert!(out.pushed.is_empty());
    assert_eq!(s.pane("S").unwrap().client, None);
    let out = s.run("S", "CLIENT ID").unwrap();
    assert_eq!(texts(&out), ["(integer) 6"]);
    let out = loaded.set_reading("S", true).unwrap();
    assert_eq!(out.disconnected, ["S"]);
    // The scenario export names both steps, and replays to the same end.
    let scenario = s.export_scenario();
    assert!(scenario.contains("@pane stop-reading S\n"), "{scenario}");
    assert!(scenario.contains("@pane start-reading S\n"), "{scenario}");
}
