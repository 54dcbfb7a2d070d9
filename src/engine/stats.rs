//! The counters `INFO` reports (`Stats`, `CommandStats`), updated by dispatch and
//! `Engine::execute` and reset by `CONFIG RESETSTAT`.

use super::save;
use crate::vec_map::VecMap;

/// Per-command counters of `INFO commandstats`.
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct CommandStats {
    /// Times the command ran (failed runs included).
    pub calls: u64,
    /// Refused before running (wrong arity, DEBUG not allowed).
    pub rejected_calls: u64,
    /// Ran and produced an error reply.
    pub failed_calls: u64,
}

/// Counters reported by `INFO stats` (reset by `CONFIG RESETSTAT`).
#[derive(Clone, Debug, Default, serde::Serialize, serde::Deserialize)]
pub(crate) struct Stats {
    pub total_commands_processed: u64,
    pub total_connections_received: u64,
    pub expired_keys: u64,
    /// Read lookups that found / missed their key (`lookupKeyRead`).
    pub keyspace_hits: u64,
    pub keyspace_misses: u64,
    pub total_error_replies: u64,
    /// Error replies by error code (`ERR`, `WRONGTYPE`), for `INFO errorstats`.
    pub errors: VecMap<Vec<u8>, u64>,
    /// By command full name (`client|list`), sorted by it and each name once, for
    /// `INFO commandstats`. A sorted `Vec` rather than a `BTreeMap`: the map's code for this
    /// pair type cost the page about 2 KB gzipped; saved as the map was.
    #[serde(with = "save::command_map")]
    pub commands: Vec<(&'static str, CommandStats)>,
    /// Requests received and frames written, the engine's stand-ins for
    /// `total_reads_processed` / `total_writes_processed`.
    pub reads_processed: u64,
    pub writes_processed: u64,
    /// The highest `used_memory` seen since start or the last reset.
    pub peak_memory: u64,
    /// Clients closed for passing their output buffer limit (8.x's
    /// `client_output_buffer_limit_disconnections`).
    pub obuf_limit_disconnections: u64,
}

impl Stats {
    pub fn command(&mut self, fullname: &'static str) -> &mut CommandStats {
        let i = match self
            .commands
            .binary_search_by(|(name, _)| name.cmp(&fullname))
        {
            Ok(i) => i,
            Err(i) => {
                self.commands.insert(i, (fullname, CommandStats::default()));
                i
            }
        };
        &mut self.commands[i].1
    }

    /// `afterErrorReply`: counts one error reply under its code (its first word).
    pub(super) fn count_error(&mut self, line: &[u8]) {
        self.total_error_replies += 1;
        let code = line
            .iter()
            .take(32)
            .position(|&b| b == b' ')
            .map(|end| &line[..end])
            .unwrap_or(b"ERR");
        *self.errors.get_or_default(code.to_vec()) += 1;
    }
}
