//! The session's save format: the whole session as bytes (reloads, share links) and back.
//!
//! Layout: the magic bytes `STRMPLAY`, the format version as a little-endian `u16`, a
//! checksum of the body (64-bit FNV-1a, little-endian; postcard itself would read many damaged
//! bodies as other valid ones), then the body encoded with postcard (serde): the setup, the start (profile, clock, panes), the clock,
//! the pane names, the step log with its clock marks, the current step, and a slot for the
//! engine's own state. The slot stays `None` until the engine is serialisable; a load then
//! rebuilds the engine by replaying the log, which reproduces it exactly.
//!
//! Loading builds a new session: bytes that are corrupt, truncated, of another format or of
//! an unknown version are a [`LoadError`], and whatever session the caller holds is untouched.

use serde::{Deserialize, Serialize};

use super::{
    apply_mark, apply_step, fresh_state, valid_pane_name, Clock, Logged, Origin, Session,
    SessionConfig, Step,
};
use crate::engine::Profile;

/// The first bytes of every saved session.
pub const MAGIC: &[u8; 8] = b"STRMPLAY";

/// The format version this code writes and reads.
pub const VERSION: u16 = 1;

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
    log: Vec<SavedStep>,
    current: u64,
    dropped: u64,
    /// The engine's state at `current`, once the engine can be serialised.
    engine: Option<Vec<u8>>,
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
}

fn saved_kind(step: &Step) -> SavedKind {
    match step.clone() {
        Step::Command { pane, line } => SavedKind::Command { pane, line },
        Step::ClockJump { ms } => SavedKind::ClockJump { ms },
        Step::Profile(p) => SavedKind::Profile(p.name().to_string()),
        Step::PaneAdd { name } => SavedKind::PaneAdd { name },
        Step::PaneRemove { name } => SavedKind::PaneRemove { name },
        Step::PaneRename { from, to } => SavedKind::PaneRename { from, to },
        Step::Unblock { pane } => SavedKind::Unblock { pane },
        Step::Reconnect { pane } => SavedKind::Reconnect { pane },
    }
}

fn profile(name: &str) -> Result<Profile, LoadError> {
    Profile::parse(name).ok_or_else(|| LoadError::Invalid(format!("unknown profile {name:?}")))
}

fn step_of(kind: SavedKind) -> Result<Step, LoadError> {
    Ok(match kind {
        SavedKind::Command { pane, line } => Step::Command { pane, line },
        SavedKind::ClockJump { ms } => Step::ClockJump { ms },
        SavedKind::Profile(p) => Step::Profile(profile(&p)?),
        SavedKind::PaneAdd { name } => Step::PaneAdd { name },
        SavedKind::PaneRemove { name } => Step::PaneRemove { name },
        SavedKind::PaneRename { from, to } => Step::PaneRename { from, to },
        SavedKind::Unblock { pane } => Step::Unblock { pane },
        SavedKind::Reconnect { pane } => Step::Reconnect { pane },
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
            origin_marks: self.origin_marks.clone(),
            clock: SavedClock {
                now_ms: self.clock.now_ms,
                speed: self.clock.speed,
                paused: self.clock.paused,
            },
            panes: self.state.panes.iter().map(|p| p.name.clone()).collect(),
            log: self
                .log
                .iter()
                .map(|l| SavedStep {
                    kind: saved_kind(&l.step),
                    time_ms: l.time_ms,
                    marks: l.marks.clone(),
                })
                .collect(),
            current: self.current as u64,
            dropped: self.dropped as u64,
            engine: None,
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
                    marks: s.marks,
                })
            })
            .collect::<Result<Vec<_>, LoadError>>()?;
        let current = usize_of(body.current, "current step")?;
        let dropped = usize_of(body.dropped, "dropped steps")?;
        if current > log.len() || dropped > current {
            return Err(LoadError::Invalid(format!(
                "step {current} of {} ({dropped} dropped)",
                log.len()
            )));
        }
        // Every step must replay as it ran; a step the session refuses means the bytes were
        // not written by a session. The steps after the current one (a redo) are checked too,
        // so that a later seek cannot meet a bad one.
        let replay = |upto: usize| -> Result<super::State, LoadError> {
            let mut state = fresh_state(&config, &origin);
            for &t in &body.origin_marks {
                apply_mark(&mut state, t);
            }
            for (n, l) in log[..upto].iter().enumerate() {
                if let Err(e) = apply_step(&config, &mut state, &l.step, l.time_ms) {
                    return Err(LoadError::Invalid(format!("step {}: {e}", n + 1)));
                }
                for &t in &l.marks {
                    apply_mark(&mut state, t);
                }
            }
            Ok(state)
        };
        let mut state = replay(log.len())?;
        if current < log.len() {
            state = replay(current)?;
        }
        let names: Vec<&str> = state.panes.iter().map(|p| p.name.as_str()).collect();
        if names != body.panes.iter().map(String::as_str).collect::<Vec<_>>() {
            return Err(LoadError::Invalid(
                "the panes differ from the replayed ones".into(),
            ));
        }
        let log_bytes = log[dropped..].iter().map(|l| l.step.log_bytes()).sum();
        let mut session = Session::with_origin(config, origin);
        session.origin_marks = body.origin_marks;
        session.state = state;
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
