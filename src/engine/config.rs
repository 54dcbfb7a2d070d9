//! How an engine is set up (`Config`, with its `Profile`: which Redis it behaves like) and the
//! runtime settings `CONFIG SET` changes (`Settings`; `params` says what each means).

use super::{params, stream};

/// Which Redis the engine behaves like.
#[derive(Clone, Copy, Debug, PartialEq, Eq, Default, serde::Serialize, serde::Deserialize)]
pub enum Profile {
    /// Exactly redis-server 7.0.15.
    V7,
    /// Redis 8.4 (the later stream behaviour of SPEC §10, the 8.x commands of §9).
    #[default]
    V8,
}

impl Profile {
    /// Parses the names used by `--profile`, transcripts and the page: `7.0` or `8`.
    pub fn parse(name: &str) -> Option<Profile> {
        match name {
            "7.0" | "7" | "7.0.15" => Some(Profile::V7),
            "8" | "8.4" | "8.4.0" => Some(Profile::V8),
            _ => None,
        }
    }

    /// The short name (`7.0` or `8`).
    pub fn name(self) -> &'static str {
        match self {
            Profile::V7 => "7.0",
            Profile::V8 => "8",
        }
    }

    /// The version HELLO and INFO report.
    pub fn redis_version(self) -> &'static str {
        match self {
            Profile::V7 => "7.0.15",
            Profile::V8 => "8.4.0",
        }
    }
}

/// How an engine is set up.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub struct Config {
    pub profile: Profile,
    /// Enables commands that exist only to test the engine's machinery (such as
    /// `BLOCKTEST`, which exercises blocking before the real blocking commands
    /// exist). Never on in the page or the server.
    pub test_commands: bool,
    /// The initial `maxmemory` in bytes (0: no limit). The page uses a
    /// browser-friendly default; the server has none unless configured.
    pub maxmemory: u64,
    /// Seed of the engine's own random generator (RANDOMKEY and the like), so
    /// that a scenario replays identically.
    pub seed: u64,
    /// Emits `EventKind::Probe` after every command: a listener-only event that
    /// tests switch on to prove no reply or statistic depends on events.
    pub probe_events: bool,
}

/// Runtime settings changed by `CONFIG SET` (see `params` for what each means
/// and which of them the engine acts on).
#[derive(Clone, Debug, serde::Serialize, serde::Deserialize)]
pub(crate) struct Settings {
    pub maxmemory: u64,
    /// Index into `params::POLICIES`.
    pub maxmemory_policy: usize,
    pub maxmemory_samples: i64,
    pub maxmemory_eviction_tenacity: i64,
    /// Bytes, or a percentage of `maxmemory` stored negative (Redis's encoding).
    pub maxmemory_clients: i64,
    pub hz: i64,
    /// `params::notify` flags.
    pub notify_keyspace_events: u32,
    pub stream_node_max_bytes: u64,
    pub stream_node_max_entries: i64,
    /// Save points (seconds, changes); reported only.
    pub save: Vec<(i64, i32)>,
    /// Reported only: the engine writes no append-only file.
    pub appendonly: bool,
    /// `client-output-buffer-limit` by class (normal, slave, pubsub).
    pub obuf_limits: [super::output_buffer::Limit; 3],
}

impl Settings {
    pub(super) fn new(config: &Config) -> Settings {
        Settings {
            maxmemory: config.maxmemory,
            maxmemory_policy: params::NOEVICTION,
            maxmemory_samples: 5,
            maxmemory_eviction_tenacity: 10,
            maxmemory_clients: 0,
            hz: 10,
            notify_keyspace_events: 0,
            stream_node_max_bytes: 4096,
            stream_node_max_entries: 100,
            save: Vec::new(),
            appendonly: false,
            obuf_limits: super::output_buffer::DEFAULT_LIMITS,
        }
    }

    /// The stream node limits in force.
    pub fn stream_node_limits(&self) -> stream::NodeLimits {
        stream::NodeLimits {
            max_bytes: self.stream_node_max_bytes,
            max_entries: self.stream_node_max_entries,
        }
    }
}
