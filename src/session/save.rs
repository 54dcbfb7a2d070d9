//! The session's save format: the whole session as bytes (reloads, share links) and back.
//!
//! Layout: the magic bytes `STRMPLAY`, the format version as a little-endian `u16`, a
//! checksum of the body (64-bit FNV-1a, little-endian; postcard itself would read many damaged
//! bodies as other valid ones), then the body encoded with postcard (serde): the setup, the
//! start (profile, clock, panes), the clock, the step log with its clock marks, the current
//! step, the next event number, and two engine slots: the current state (`Engine::save` bytes
//! with the panes' clients, profile and times) and, once the history cap has freed steps, the
//! start's state. A load restores the current state from its slot without replaying the log
//! (and keeps it as a checkpoint); a later seek before it replays from the start. A body whose
//! current slot is empty is rebuilt by replaying the whole log, which reproduces it exactly.
//!
//! Version 1 (before the engine slots were filled) is not read: its sessions were never
//! stored by the page.
//!
//! Loading builds a new session: bytes that are corrupt, truncated, of another format or of
//! an unknown version are a [`LoadError`], and whatever session the caller holds is untouched.

use std::rc::Rc;

use serde::{Deserialize, Serialize};

use super::checkpoint::Checkpoint;
use super::{
    apply_mark, apply_step, fresh_state, valid_pane_name, Clock, Logged, Origin, Pane, Session,
    SessionConfig, State, Step,
};
use crate::engine::{Engine, Profile};

/// The first bytes of every saved session.
pub const MAGIC: &[u8; 8] = b"STRMPLAY";

/// The format version this code writes and reads. 3: a client carries its CLIENT REPLY
/// flags (a version 2 body cannot be read as version 3: postcard has no field names). 4: a
/// client carries its output buffer while not read, the engine its held and closed-unread
/// clients, its settings `client-output-buffer-limit`, its statistics the disconnections.
pub const VERSION: u16 = 4;

/// Why saved bytes could not be loaded.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LoadError {
    /// The bytes do not start with the magic: not a saved session.
    NotASession,
    /// Saved by a format version this code does not read.
    UnknownVersion(u16),
    /// The body does not decode (cut short, damaged, or bytes left over).
    Corrupt(String),
    /// The body decodes but does not describe a session that can exist.
    Invalid(String),
}

impl std::fmt::Display for LoadError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        match self {
            LoadError::NotASession => write!(f, "not a saved streamplay session"),
            LoadError::UnknownVersion(v) => write!(
                f,
                "saved by session format version {v}; this version reads version {VERSION}"
            ),
            LoadError::Corrupt(why) => write!(f, "the saved session is damaged: {why}"),
            LoadError::Invalid(why) => write!(f, "the saved session cannot be replayed: {why}"),
        }
    }
}

impl std::error::Error for LoadError {}

#[derive(Serialize, Deserialize)]
struct Body {
    config: SavedConfig,
    origin: SavedOrigin,
    origin_marks: Vec<u64>,
    clock: SavedClock,
    /// The pane names in order, as a check on the replay.
    panes: Vec<String>,
    /// Steps the history cap freed: the log's first step is step `base + 1`.
    base: u64,
    log: Vec<SavedStep>,
    current: u64,
    dropped: u64,
    /// The number of the session's next event.
    next_seq: u64,
    /// The state at `current` (with all its step's clock marks).
    state: Option<SavedState>,
    /// The state at `base` (before `origin_marks`), when `base > 0`.
    start: Option<SavedState>,
}

/// A `State` as saved: the engine as `Engine::save` bytes, the panes with their clients.
#[derive(Serialize, Deserialize)]
struct SavedState {
    engine: Vec<u8>,
    profile: String,
    panes: Vec<(String, Option<u64>)>,
    time_ms: u64,
    advanced_to: Option<u64>,
}

fn saved_state(state: &State) -> SavedState {
    SavedState {
        engine: state.engine.save(),
        profile: state.profile.name().to_string(),
        panes: state
            .panes
            .iter()
            .map(|p| (p.name.to_string(), p.client))
            .collect(),
        time_ms: state.time_ms,
        advanced_to: state.advanced_to,
    }
}

/// A saved state back; its engine must be of its profile and know every pane's client.
fn state_of(saved: SavedState, what: &str) -> Result<State, LoadError> {
    let engine = Engine::load(&saved.engine)
        .map_err(|e| LoadError::Invalid(format!("the {what} state's engine: {e}")))?;
    let profile = profile(&saved.profile)?;
    if engine.profile() != profile {
        return Err(LoadError::Invalid(format!(
            "the {what} state's engine is not of profile {}",
            profile.name()
        )));
    }
    let mut panes: Vec<Pane> = Vec::new();
    for (name, client) in saved.panes {
        if !valid_pane_name(&name) || panes.iter().any(|p| *p.name == *name) {
            return Err(LoadError::Invalid(format!("bad pane name {name:?}")));
        }
        // A pane that stopped reading may hold a connection the engine closed: it learns
        // that when it reads again.
        if client.is_some_and(|id| engine.client_state(id).is_none() && !engine.closed_unread(id)) {
            return Err(LoadError::Invalid(format!(
                "pane {name:?} has a client the engine does not know"
            )));
        }
        panes.push(Pane {
            name: Rc::from(name),
            client,
        });
    }
    Ok(State {
        engine,
        profile,
        panes,
        time_ms: saved.time_ms,
        advanced_to: saved.advanced_to,
    })
}

#[derive(Serialize, Deserialize)]
struct SavedConfig {
    maxmemory: u64,
    seed: u64,
    max_steps: u64,
    max_log_bytes: u64,
}

#[derive(Serialize, Deserialize)]
struct SavedOrigin {
    profile: String,
    time_ms: u64,
    panes: Vec<String>,
}

#[derive(Serialize, Deserialize)]
struct SavedClock {
    now_ms: u64,
    speed: u32,
    paused: bool,
}

#[derive(Serialize, Deserialize)]
struct SavedStep {
    kind: SavedKind,
    time_ms: u64,
    marks: Vec<u64>,
}

/// `Step` as saved; the profile by its name, so that the engine's types need no serde.
#[derive(Serialize, Deserialize)]
enum SavedKind {
    Command { pane: String, line: String },
    ClockJump { ms: u64 },
    Profile(String),
    PaneAdd { name: String },
    PaneRemove { name: String },
    PaneRename { from: String, to: String },
    Unblock { pane: String },
    Reconnect { pane: String },
    StopReading { pane: String },
    StartReading { pane: String },
}

fn saved_kind(step: &Step) -> SavedKind {
    let s = |name: &Rc<str>| name.to_string();
    match step {
        Step::Command { pane, line } => SavedKind::Command {
            pane: s(pane),
            line: s(line),
        },
        Step::ClockJump { ms } => SavedKind::ClockJump { ms: *ms },
        Step::Profile(p) => SavedKind::Profile(p.name().to_string()),
        Step::PaneAdd { name } => SavedKind::PaneAdd { name: s(name) },
        Step::PaneRemove { name } => SavedKind::PaneRemove { name: s(name) },
        Step::PaneRename { from, to } => SavedKind::PaneRename {
            from: s(from),
            to: s(to),
        },
        Step::Unblock { pane } => SavedKind::Unblock { pane: s(pane) },
        Step::Reconnect { pane } => SavedKind::Reconnect { pane: s(pane) },
        Step::StopReading { pane } => SavedKind::StopReading { pane: s(pane) },
        Step::StartReading { pane } => SavedKind::StartReading { pane: s(pane) },
    }
}

fn profile(name: &str) -> Result<Profile, LoadError> {
    Profile::parse(name).ok_or_else(|| LoadError::Invalid(format!("unknown profile {name:?}")))
}

fn step_of(kind: SavedKind) -> Result<Step, LoadError> {
    Ok(match kind {
        SavedKind::Command { pane, line } => Step::Command {
            pane: Rc::from(pane),
            line: Rc::from(line),
        },
        SavedKind::ClockJump { ms } => Step::ClockJump { ms },
        SavedKind::Profile(p) => Step::Profile(profile(&p)?),
        SavedKind::PaneAdd { name } => Step::PaneAdd { name: name.into() },
        SavedKind::PaneRemove { name } => Step::PaneRemove { name: name.into() },
        SavedKind::PaneRename { from, to } => Step::PaneRename {
            from: from.into(),
            to: to.into(),
        },
        SavedKind::Unblock { pane } => Step::Unblock { pane: pane.into() },
        SavedKind::Reconnect { pane } => Step::Reconnect { pane: pane.into() },
        SavedKind::StopReading { pane } => Step::StopReading { pane: pane.into() },
        SavedKind::StartReading { pane } => Step::StartReading { pane: pane.into() },
    })
}

/// 64-bit FNV-1a: enough to tell damaged or cut bytes from a saved session.
fn checksum(bytes: &[u8]) -> u64 {
    bytes.iter().fold(0xcbf2_9ce4_8422_2325, |h, &b| {
        (h ^ u64::from(b)).wrapping_mul(0x0100_0000_01b3)
    })
}

fn usize_of(n: u64, what: &str) -> Result<usize, LoadError> {
    usize::try_from(n).map_err(|_| LoadError::Invalid(format!("{what} {n} is too large")))
}

impl Session {
    /// The whole session as bytes.
    pub fn save(&self) -> Vec<u8> {
        let body = Body {
            config: SavedConfig {
                maxmemory: self.config.maxmemory,
                seed: self.config.seed,
                max_steps: self.config.max_steps as u64,
                max_log_bytes: self.config.max_log_bytes as u64,
            },
            origin: SavedOrigin {
                profile: self.origin.profile.name().to_string(),
                time_ms: self.origin.time_ms,
                panes: self.origin.panes.clone(),
            },
            origin_marks: self.origin_marks.to_vec(),
            clock: SavedClock {
                now_ms: self.clock.now_ms,
                speed: self.clock.speed,
                paused: self.clock.paused,
            },
            panes: self
                .state
                .panes
                .iter()
                .map(|p| p.name.to_string())
                .collect(),
            base: self.base as u64,
            log: self
                .log
                .iter()
                .map(|l| SavedStep {
                    kind: saved_kind(&l.step),
                    time_ms: l.time_ms,
                    marks: l.marks.to_vec(),
                })
                .collect(),
            current: self.current as u64,
            dropped: self.dropped as u64,
            next_seq: self.next_seq,
            state: Some(saved_state(&self.state)),
            start: self.start.as_deref().map(saved_state),
        };
        // Encoding owned plain data into a growable vector cannot fail; an empty body would
        // still be refused by `load`, never read as a session.
        let body = postcard::to_allocvec(&body).unwrap_or_default();
        let mut bytes = MAGIC.to_vec();
        bytes.extend_from_slice(&VERSION.to_le_bytes());
        bytes.extend_from_slice(&checksum(&body).to_le_bytes());
        bytes.extend(body);
        bytes
    }

    /// A session from bytes made by [`Session::save`].
    pub fn load(bytes: &[u8]) -> Result<Session, LoadError> {
        let rest = bytes.strip_prefix(MAGIC).ok_or(LoadError::NotASession)?;
        let (version, body) = match rest {
            [a, b, body @ ..] => (u16::from_le_bytes([*a, *b]), body),
            _ => return Err(LoadError::Corrupt("cut short in its header".into())),
        };
        if version != VERSION {
            return Err(LoadError::UnknownVersion(version));
        }
        let (sum, body) = match body.split_first_chunk::<8>() {
            Some((sum, body)) => (u64::from_le_bytes(*sum), body),
            None => return Err(LoadError::Corrupt("cut short in its header".into())),
        };
        if checksum(body) != sum {
            return Err(LoadError::Corrupt("its checksum does not match".into()));
        }
        let (body, left): (Body, &[u8]) =
            postcard::take_from_bytes(body).map_err(|e| LoadError::Corrupt(e.to_string()))?;
        if !left.is_empty() {
            return Err(LoadError::Corrupt(format!(
                "{} byte(s) after the end",
                left.len()
            )));
        }
        let config = SessionConfig {
            maxmemory: body.config.maxmemory,
            seed: body.config.seed,
            max_steps: usize_of(body.config.max_steps, "max_steps")?,
            max_log_bytes: usize_of(body.config.max_log_bytes, "max_log_bytes")?,
            probe_events: false,
        };
        for name in &body.origin.panes {
            if !valid_pane_name(name) {
                return Err(LoadError::Invalid(format!("bad pane name {name:?}")));
            }
        }
        let origin = Origin {
            profile: profile(&body.origin.profile)?,
            time_ms: body.origin.time_ms,
            panes: body.origin.panes,
        };
        let log = body
            .log
            .into_iter()
            .map(|s| {
                Ok(Logged {
                    step: step_of(s.kind)?,
                    time_ms: s.time_ms,
                    marks: s.marks.into(),
                })
            })
            .collect::<Result<Vec<_>, LoadError>>()?;
        let base = usize_of(body.base, "freed steps")?;
        let current = usize_of(body.current, "current step")?;
        let dropped = usize_of(body.dropped, "dropped steps")?;
        let end = base.checked_add(log.len());
        if end.is_none_or(|end| current > end) || dropped > current || base > dropped {
            return Err(LoadError::Invalid(format!(
                "step {current} of {base} + {} ({dropped} dropped)",
                log.len()
            )));
        }
        let start = match (base, body.start) {
            (0, None) => None,
            (0, Some(_)) => {
                return Err(LoadError::Invalid(
                    "a start state without freed steps".into(),
                ))
            }
            (_, None) => {
                return Err(LoadError::Invalid(
                    "freed steps without a start state".into(),
                ))
            }
            (_, Some(saved)) => Some(Box::new(state_of(saved, "start")?)),
        };
        let state = match body.state {
            Some(saved) => state_of(saved, "current")?,
            None => {
                // No engine slot: the log is replayed, and every step must replay as it ran
                // (a step the session refuses means the bytes were not written by a session).
                let mut state = match &start {
                    Some(s) => State::clone(s),
                    None => fresh_state(&config, &origin),
                };
                for &t in &body.origin_marks {
                    apply_mark(&mut state, t);
                }
                for (n, l) in log[..current - base].iter().enumerate() {
                    if let Err(e) = apply_step(&config, &mut state, &l.step, l.time_ms) {
                        return Err(LoadError::Invalid(format!("step {}: {e}", base + n + 1)));
                    }
                    for &t in &l.marks {
                        apply_mark(&mut state, t);
                    }
                }
                state
            }
        };
        let names: Vec<&str> = state.panes.iter().map(|p| &*p.name).collect();
        if names != body.panes.iter().map(String::as_str).collect::<Vec<_>>() {
            return Err(LoadError::Invalid(
                "the panes differ from the saved state's".into(),
            ));
        }
        let log_bytes = log[dropped - base..]
            .iter()
            .map(|l| l.step.log_bytes())
            .sum();
        let mut session = Session::with_origin(config, origin);
        // The current state is the one checkpoint: seeks after it (a redo) replay from it,
        // seeks before it from the start.
        if current > base {
            let marks = log[current - base - 1].marks.len();
            session.checkpoints.insert(Checkpoint {
                index: current,
                marks,
                state: state.clone(),
            });
        }
        session.origin_marks = body.origin_marks.into();
        session.next_seq = body.next_seq.max(state.engine.next_event_seq());
        let mut state = state;
        state.engine.set_next_event_seq(session.next_seq);
        session.state = state;
        session.start = start;
        session.base = base;
        session.log = log;
        session.current = current;
        session.dropped = dropped;
        session.log_bytes = log_bytes;
        session.clock = Clock {
            now_ms: body.clock.now_ms,
            speed: body.clock.speed.clamp(1, 100_000),
            paused: body.clock.paused,
            carry: 0,
        };
        session.rebuild_view();
        Ok(session)
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;

    /// A session's bytes with its body changed by `edit` and the checksum made right again,
    /// so that only the load's own checks can refuse them.
    fn resealed(bytes: &[u8], edit: impl FnOnce(&mut Body)) -> Vec<u8> {
        let mut body: Body = postcard::from_bytes(&bytes[18..]).unwrap();
        edit(&mut body);
        let body = postcard::to_allocvec(&body).unwrap();
        let mut out = bytes[..10].to_vec();
        out.extend_from_slice(&checksum(&body).to_le_bytes());
        out.extend(body);
        out
    }

    fn saved() -> Vec<u8> {
        let mut s = Session::new(SessionConfig::default(), Profile::V8, 1_700_000_000_000);
        s.run("A", "XADD s * f v").unwrap();
        s.run("B", "SUBSCRIBE ch").unwrap();
        s.save()
    }

    #[test]
    fn a_damaged_engine_slot_is_a_clear_error() {
        let bytes = saved();
        assert!(Session::load(&resealed(&bytes, |_| {})).is_ok());
        let cut = resealed(&bytes, |b| {
            let e = &mut b.state.as_mut().unwrap().engine;
            e.truncate(e.len() / 2);
        });
        assert!(
            matches!(Session::load(&cut), Err(LoadError::Invalid(ref why)) if why.contains("engine")),
            "{:?}",
            Session::load(&cut).err()
        );
        let other = resealed(&bytes, |b| b.state.as_mut().unwrap().profile = "7.0".into());
        assert!(matches!(Session::load(&other), Err(LoadError::Invalid(_))));
        let ghost = resealed(&bytes, |b| b.state.as_mut().unwrap().panes[0].1 = Some(99));
        assert!(matches!(Session::load(&ghost), Err(LoadError::Invalid(_))));
        let no_start = resealed(&bytes, |b| {
            b.base = 1;
            b.dropped = 1;
        });
        assert!(matches!(
            Session::load(&no_start),
            Err(LoadError::Invalid(_))
        ));
    }

    #[test]
    fn without_an_engine_slot_the_log_is_replayed() {
        let bytes = saved();
        let replayed = Session::load(&resealed(&bytes, |b| b.state = None)).unwrap();
        let loaded = Session::load(&bytes).unwrap();
        assert_eq!(replayed.engine().save(), loaded.engine().save());
        assert_eq!(replayed.panes(), loaded.panes());
    }
}
