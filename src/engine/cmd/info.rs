//! INFO [section [section ...]]
//!
//! Redis 7.0.15's sections, fields and field order (`genRedisInfoString`); the 8
//! profile adds what Redis 8 adds (as 8.0.2 prints it: the Threads and Keysizes
//! sections, the vectorset module, the fields of `V8_FIELDS`, `subexpiry` in the
//! keyspace) and its own `redis_version`. Fields the engine knows are
//! real: clients, blocked clients, memory (`Engine::used_memory`), maxmemory and
//! its policy, commands, connections, errors, keyspace hits and misses, expired
//! keys, uptime and time from the engine clock, the keyspace. Fields about the
//! process, the allocator, persistence, replication and CPU have no meaning here
//! and are plausible constants (or simple functions of `used_memory`).
//!
//! With no argument INFO shows the default sections; `all` adds commandstats and
//! latencystats, `everything` too (there are no modules); unknown sections are
//! ignored, so `INFO foo` is an empty string. Sections come in a fixed order
//! whatever the order of the arguments; lines end with CRLF, and a blank line
//! separates sections. The reply is a bulk string (RESP3: a `txt` verbatim string).

use std::collections::BTreeSet;
use std::fmt::Write as _;

use super::{c_str, CmdResult, Cx};
use crate::engine::params::{bytes_to_human, POLICIES};
use crate::engine::{Engine, Profile, Reply, BASE_MEMORY};

const DEFAULT_SECTIONS: &[&str] = &[
    "server",
    "clients",
    "memory",
    "persistence",
    "threads",
    "stats",
    "replication",
    "cpu",
    "module_list",
    "errorstats",
    "cluster",
    "keyspace",
    "keysizes",
];

/// Which sections were asked for (`genInfoSectionDict`).
struct Wanted {
    all: bool,
    names: BTreeSet<Vec<u8>>,
}

impl Wanted {
    fn from_args(args: &[Vec<u8>]) -> Wanted {
        let mut w = Wanted {
            all: false,
            names: BTreeSet::new(),
        };
        let defaults = |w: &mut Wanted| {
            w.names
                .extend(DEFAULT_SECTIONS.iter().map(|s| s.as_bytes().to_vec()))
        };
        if args.is_empty() {
            defaults(&mut w);
        }
        for arg in args {
            let name = c_str(arg).to_ascii_lowercase();
            match name.as_slice() {
                b"default" => defaults(&mut w),
                b"all" | b"everything" => w.all = true,
                _ => {
                    w.names.insert(name);
                }
            }
        }
        w
    }

    fn has(&self, section: &str) -> bool {
        self.all || self.names.contains(section.as_bytes())
    }
}

pub(super) fn info(cx: &mut Cx) -> CmdResult {
    let wanted = Wanted::from_args(&cx.argv[1..]);
    let text = render(cx.engine, &wanted, cx.now_ms);
    Ok(Reply::Verbatim(*b"txt", text.into_bytes()).into())
}

/// A section: its name in arguments, its title, and what writes its fields.
type Section<'a> = (&'static str, &'static str, &'a dyn Fn(&mut String));

/// The text of the sections asked for.
fn render(engine: &Engine, wanted: &Wanted, now_ms: u64) -> String {
    // Module-generated sections would follow the keyspace with `everything`;
    // there are none.
    let v8 = engine.profile() == Profile::V8;
    let sections: [Section; 15] = [
        ("server", "Server", &|s| server(engine, now_ms, s)),
        ("clients", "Clients", &|s| clients(engine, s)),
        ("memory", "Memory", &|s| memory(engine, s)),
        ("persistence", "Persistence", &|s| persistence(engine, s)),
        ("threads", "Threads", &|s| {
            // The main thread's clients and its reads and writes (one each a command).
            let n = engine.stats.total_commands_processed;
            let _ = write!(
                s,
                "io_thread_0:clients={},reads={n},writes={n}\r\n",
                engine.clients.len()
            );
        }),
        ("stats", "Stats", &|s| stats(engine, s)),
        ("replication", "Replication", &|s| replication(engine, s)),
        ("cpu", "CPU", &|s| cpu(s)),
        ("modules", "Modules", &|s| {
            // Redis 8 loads its vector sets module at start.
            if v8 {
                s.push_str(
                    "module:name=vectorset,ver=1,api=1,filters=0,usedby=[],using=[],\
                     options=[handle-io-errors|handle-repl-async-load]\r\n",
                );
            }
        }),
        ("commandstats", "Commandstats", &|s| commandstats(engine, s)),
        ("errorstats", "Errorstats", &|s| errorstats(engine, s)),
        ("latencystats", "Latencystats", &|s| latencystats(engine, s)),
        ("cluster", "Cluster", &|s| {
            s.push_str("cluster_enabled:0\r\n")
        }),
        ("keyspace", "Keyspace", &|s| keyspace(engine, now_ms, s)),
        ("keysizes", "Keysizes", &|s| keysizes(engine, s)),
    ];
    let mut out = String::new();
    for (name, title, body) in sections {
        // The default list names the modules section `module_list`.
        let asked = wanted.has(name) || (name == "modules" && wanted.has("module_list"));
        // Threads and Keysizes are Redis 8's sections.
        if !asked || (!v8 && matches!(name, "threads" | "keysizes")) {
            continue;
        }
        if !out.is_empty() {
            out.push_str("\r\n");
        }
        let _ = write!(out, "# {title}\r\n");
        let start = out.len();
        body(&mut out);
        if v8 {
            add_v8_fields(engine, &mut out, start);
        }
    }
    out
}

/// Fields Redis 8 added to the 7.0 sections (8.0.2's names and places), each group
/// after the field it follows. Values the engine cannot know are 0.
const V8_FIELDS: &[(&str, &[&str])] = &[
    ("tracking_clients", &["pubsub_clients", "watching_clients"]),
    (
        "clients_in_timeout_table",
        &[
            "total_watched_keys",
            "total_blocking_keys",
            "total_blocking_keys_on_nokey",
        ],
    ),
    ("allocator_resident", &["allocator_muzzy"]),
    (
        "mem_total_replication_buffers",
        &["mem_replica_full_sync_buffer"],
    ),
    ("mem_allocator", &["mem_overhead_db_hashtable_rehashing"]),
    ("sync_partial_err", &["expired_subkeys"]),
    ("evicted_clients", &["evicted_scripts"]),
    (
        "io_threaded_writes_processed",
        &[
            "client_query_buffer_limit_disconnections",
            "client_output_buffer_limit_disconnections",
        ],
    ),
    (
        "reply_buffer_expands",
        &[
            "eventloop_cycles",
            "eventloop_duration_sum",
            "eventloop_duration_cmd_sum",
            "instantaneous_eventloop_cycles_per_sec",
            "instantaneous_eventloop_duration_usec",
            "acl_access_denied_auth",
            "acl_access_denied_cmd",
            "acl_access_denied_key",
            "acl_access_denied_channel",
        ],
    ),
];

/// Inserts the `V8_FIELDS` of the section written from `start` on, and the server
/// section's listener line.
fn add_v8_fields(engine: &Engine, out: &mut String, start: usize) {
    if out[start..].starts_with("redis_version:") {
        let _ = write!(
            out,
            "listener0:name=tcp,bind=*,bind=-::*,port={}\r\n",
            engine.port
        );
    }
    // Distinct (db, key) pairs, counted without a set: the lists are short, and a
    // plain scan keeps a new collection type's code out of the page.
    let distinct = |pairs: Vec<(usize, &[u8])>| {
        pairs
            .iter()
            .enumerate()
            .filter(|(i, p)| !pairs[..*i].contains(p))
            .count()
    };
    let watched = distinct(
        engine
            .clients
            .values()
            .flat_map(|c| c.watched.iter().map(|w| (w.db, &w.key[..])))
            .collect(),
    );
    let blocking = |on_nokey: bool| {
        distinct(
            engine
                .clients
                .values()
                .filter_map(|c| c.block.as_ref())
                .filter(|b| {
                    !on_nokey || matches!(b.serve, crate::engine::client::Serve::Group { .. })
                })
                .flat_map(|b| b.keys.iter().map(move |k| (b.db, &k[..])))
                .collect(),
        )
    };
    for (after, names) in V8_FIELDS {
        // The end of the field's line: lines are walked by '\n' (a substring search
        // would bring its own code into the page).
        let mut pos = start;
        let mut eol = None;
        for line in out[start..].split_inclusive('\n') {
            pos += line.len();
            if line.strip_prefix(after).is_some_and(|r| r.starts_with(':')) {
                eol = Some(pos);
                break;
            }
        }
        let Some(eol) = eol else {
            continue;
        };
        let mut lines = String::new();
        for name in *names {
            let value = match *name {
                "pubsub_clients" => engine.clients.values().filter(|c| c.pubsub).count(),
                "watching_clients" => engine
                    .clients
                    .values()
                    .filter(|c| !c.watched.is_empty())
                    .count(),
                "total_watched_keys" => watched,
                "total_blocking_keys" => blocking(false),
                "total_blocking_keys_on_nokey" => blocking(true),
                "client_output_buffer_limit_disconnections" => {
                    engine.stats.obuf_limit_disconnections as usize
                }
                _ => 0,
            };
            let _ = write!(lines, "{name}:{value}\r\n");
        }
        out.insert_str(eol, &lines);
    }
}

/// Redis 8's key size histograms (`db0_distrib_strings_sizes:1=1,8=2`): strings
/// by length in power-of-two bins (0, 1, 2, 4, ..., then 1K, 2K, ..., 1M, ...).
/// Lists, sets, sorted sets and hashes would add their `_items` lines.
fn keysizes(engine: &Engine, out: &mut String) {
    for (i, db) in engine.dbs.iter().enumerate() {
        // bins[0]: empty strings; bins[b]: lengths in 2^(b-1)..2^b.
        let mut bins = [0u64; 65];
        for (_, e) in db.iter() {
            if let crate::engine::keyspace::Value::String(s) = &e.value {
                bins[(64 - (s.len() as u64).leading_zeros()) as usize] += 1;
            }
        }
        let mut sep = "";
        for (bin, &count) in bins.iter().enumerate().filter(|(_, &n)| n > 0) {
            if sep.is_empty() {
                let _ = write!(out, "db{i}_distrib_strings_sizes:");
            }
            let size = if bin == 0 { 0 } else { 1u64 << (bin - 1) };
            let (value, unit) = match size.trailing_zeros() / 10 {
                _ if size < 1024 => (size, ""),
                1 => (size >> 10, "K"),
                2 => (size >> 20, "M"),
                3 => (size >> 30, "G"),
                _ => (size >> 40, "T"),
            };
            let _ = write!(out, "{sep}{value}{unit}={count}");
            sep = ",";
        }
        if !sep.is_empty() {
            out.push_str("\r\n");
        }
    }
}

/// Appends `name:value` lines.
fn fields(out: &mut String, lines: &[(&str, String)]) {
    for (name, value) in lines {
        let _ = write!(out, "{name}:{value}\r\n");
    }
}

/// A 40-hex-digit id (`run_id`, `master_replid`) derived from the engine's seed,
/// so that a replayed scenario reports the same ids.
fn hex_id(seed: u64, salt: u64) -> String {
    let mut state = seed ^ salt;
    let mut out = String::with_capacity(48);
    while out.len() < 40 {
        // splitmix64
        state = state.wrapping_add(0x9E37_79B9_7F4A_7C15);
        let mut z = state;
        z = (z ^ (z >> 30)).wrapping_mul(0xBF58_476D_1CE4_E5B9);
        z = (z ^ (z >> 27)).wrapping_mul(0x94D0_49BB_1331_11EB);
        z ^= z >> 31;
        let _ = write!(out, "{z:016x}");
    }
    out.truncate(40);
    out
}

fn uptime_secs(engine: &Engine, now_ms: u64) -> u64 {
    now_ms.saturating_sub(engine.started_ms.unwrap_or(now_ms)) / 1000
}

fn server(engine: &Engine, now_ms: u64, out: &mut String) {
    let uptime = uptime_secs(engine, now_ms);
    fields(
        out,
        &[
            ("redis_version", engine.profile().redis_version().into()),
            ("redis_git_sha1", "00000000".into()),
            ("redis_git_dirty", "0".into()),
            ("redis_build_id", "ae4d7c971a948f0".into()),
            ("redis_mode", "standalone".into()),
            ("os", "Linux 6.1.0 x86_64".into()),
            ("arch_bits", "64".into()),
            ("monotonic_clock", "POSIX clock_gettime".into()),
            ("multiplexing_api", "epoll".into()),
            ("atomicvar_api", "c11-builtin".into()),
            ("gcc_version", "12.2.0".into()),
            ("process_id", "1".into()),
            ("process_supervised", "no".into()),
            ("run_id", hex_id(engine.config.seed, 0x5255_4e5f_4944)),
            ("tcp_port", engine.port.to_string()),
            (
                "server_time_usec",
                (now_ms.saturating_mul(1000)).to_string(),
            ),
            ("uptime_in_seconds", uptime.to_string()),
            ("uptime_in_days", (uptime / 86400).to_string()),
            ("hz", engine.settings.hz.to_string()),
            ("configured_hz", engine.settings.hz.to_string()),
            // LRU_CLOCK: seconds, 24 bits.
            ("lru_clock", ((now_ms / 1000) & 0xFF_FFFF).to_string()),
            ("executable", "/usr/bin/redis-server".into()),
            ("config_file", String::new()),
            ("io_threads_active", "0".into()),
        ],
    );
}

fn clients(engine: &Engine, out: &mut String) {
    let blocked = engine.blocked.len();
    let with_timeout = engine
        .clients
        .values()
        .filter(|c| c.block.as_ref().is_some_and(|b| b.deadline_ms.is_some()))
        .count();
    fields(
        out,
        &[
            ("connected_clients", engine.clients.len().to_string()),
            ("cluster_connections", "0".into()),
            ("maxclients", "10000".into()),
            ("client_recent_max_input_buffer", "0".into()),
            ("client_recent_max_output_buffer", "0".into()),
            ("blocked_clients", blocked.to_string()),
            ("tracking_clients", "0".into()),
            ("clients_in_timeout_table", with_timeout.to_string()),
        ],
    );
}

/// `%.2f` of a ratio, as Redis prints them.
fn ratio(a: u64, b: u64) -> String {
    format!("{:.2}", a as f64 / b.max(1) as f64)
}

fn memory(engine: &Engine, out: &mut String) {
    let used = engine.used_memory();
    let peak = engine.stats.peak_memory.max(used);
    let startup = BASE_MEMORY;
    // Everything above the empty engine's bookkeeping is data (the per-key
    // overhead is counted with the keys).
    let overhead = startup.min(used);
    let dataset = used - overhead;
    let net = used.saturating_sub(startup).max(1);
    // The allocator figures are modelled: 12% of internal fragmentation, a
    // resident set 6 MiB above it, rounded to pages.
    let active = used + used / 8;
    let resident = (active + 6 * 1024 * 1024).div_ceil(4096) * 4096;
    let rss = resident;
    let total_system = 8u64 << 30;
    let s = &engine.settings;
    let policy = POLICIES
        .get(s.maxmemory_policy)
        .copied()
        .unwrap_or("noeviction");
    fields(
        out,
        &[
            ("used_memory", used.to_string()),
            ("used_memory_human", bytes_to_human(used)),
            ("used_memory_rss", rss.to_string()),
            ("used_memory_rss_human", bytes_to_human(rss)),
            ("used_memory_peak", peak.to_string()),
            ("used_memory_peak_human", bytes_to_human(peak)),
            (
                "used_memory_peak_perc",
                format!("{:.2}%", used as f64 * 100.0 / peak.max(1) as f64),
            ),
            ("used_memory_overhead", overhead.to_string()),
            ("used_memory_startup", startup.to_string()),
            ("used_memory_dataset", dataset.to_string()),
            (
                "used_memory_dataset_perc",
                format!("{:.2}%", dataset as f64 * 100.0 / net as f64),
            ),
            ("allocator_allocated", used.to_string()),
            ("allocator_active", active.to_string()),
            ("allocator_resident", resident.to_string()),
            ("total_system_memory", total_system.to_string()),
            ("total_system_memory_human", bytes_to_human(total_system)),
            ("used_memory_lua", "32768".into()),
            ("used_memory_vm_eval", "32768".into()),
            ("used_memory_lua_human", "32.00K".into()),
            ("used_memory_scripts_eval", "0".into()),
            ("number_of_cached_scripts", "0".into()),
            ("number_of_functions", "0".into()),
            ("number_of_libraries", "0".into()),
            ("used_memory_vm_functions", "33792".into()),
            ("used_memory_vm_total", "66560".into()),
            ("used_memory_vm_total_human", "65.00K".into()),
            ("used_memory_functions", "200".into()),
            ("used_memory_scripts", "200".into()),
            ("used_memory_scripts_human", "200B".into()),
            ("maxmemory", s.maxmemory.to_string()),
            ("maxmemory_human", bytes_to_human(s.maxmemory)),
            ("maxmemory_policy", policy.into()),
            ("allocator_frag_ratio", ratio(active, used)),
            ("allocator_frag_bytes", (active - used).to_string()),
            ("allocator_rss_ratio", ratio(resident, active)),
            ("allocator_rss_bytes", (resident - active).to_string()),
            ("rss_overhead_ratio", ratio(rss, resident)),
            ("rss_overhead_bytes", (rss - resident).to_string()),
            ("mem_fragmentation_ratio", ratio(rss, used)),
            ("mem_fragmentation_bytes", (rss - used).to_string()),
            ("mem_not_counted_for_evict", "0".into()),
            ("mem_replication_backlog", "0".into()),
            ("mem_total_replication_buffers", "0".into()),
            ("mem_clients_slaves", "0".into()),
            ("mem_clients_normal", "0".into()),
            ("mem_cluster_links", "0".into()),
            ("mem_aof_buffer", "0".into()),
            ("mem_allocator", "jemalloc-5.3.0".into()),
            ("active_defrag_running", "0".into()),
            ("lazyfree_pending_objects", "0".into()),
            ("lazyfreed_objects", "0".into()),
        ],
    );
}

fn persistence(engine: &Engine, out: &mut String) {
    let started = engine.started_ms.unwrap_or(0) / 1000;
    fields(
        out,
        &[
            ("loading", "0".into()),
            ("async_loading", "0".into()),
            ("current_cow_peak", "0".into()),
            ("current_cow_size", "0".into()),
            ("current_cow_size_age", "0".into()),
            ("current_fork_perc", "0.00".into()),
            ("current_save_keys_processed", "0".into()),
            ("current_save_keys_total", "0".into()),
            ("rdb_changes_since_last_save", engine.dirty.to_string()),
            ("rdb_bgsave_in_progress", "0".into()),
            ("rdb_last_save_time", started.to_string()),
            ("rdb_last_bgsave_status", "ok".into()),
            ("rdb_last_bgsave_time_sec", "-1".into()),
            ("rdb_current_bgsave_time_sec", "-1".into()),
            ("rdb_saves", "0".into()),
            ("rdb_last_cow_size", "0".into()),
            ("rdb_last_load_keys_expired", "0".into()),
            ("rdb_last_load_keys_loaded", "0".into()),
            (
                "aof_enabled",
                u8::from(engine.settings.appendonly).to_string(),
            ),
            ("aof_rewrite_in_progress", "0".into()),
            ("aof_rewrite_scheduled", "0".into()),
            ("aof_last_rewrite_time_sec", "-1".into()),
            ("aof_current_rewrite_time_sec", "-1".into()),
            ("aof_last_bgrewrite_status", "ok".into()),
            ("aof_rewrites", "0".into()),
            ("aof_rewrites_consecutive_failures", "0".into()),
            ("aof_last_write_status", "ok".into()),
            ("aof_last_cow_size", "0".into()),
            ("module_fork_in_progress", "0".into()),
            ("module_fork_last_cow_size", "0".into()),
        ],
    );
}

fn stats(engine: &Engine, out: &mut String) {
    let st = &engine.stats;
    let zero = |name| (name, "0".to_string());
    fields(
        out,
        &[
            (
                "total_connections_received",
                st.total_connections_received.to_string(),
            ),
            (
                "total_commands_processed",
                st.total_commands_processed.to_string(),
            ),
            zero("instantaneous_ops_per_sec"),
            zero("total_net_input_bytes"),
            zero("total_net_output_bytes"),
            zero("total_net_repl_input_bytes"),
            zero("total_net_repl_output_bytes"),
            ("instantaneous_input_kbps", "0.00".into()),
            ("instantaneous_output_kbps", "0.00".into()),
            ("instantaneous_input_repl_kbps", "0.00".into()),
            ("instantaneous_output_repl_kbps", "0.00".into()),
            zero("rejected_connections"),
            zero("sync_full"),
            zero("sync_partial_ok"),
            zero("sync_partial_err"),
            ("expired_keys", st.expired_keys.to_string()),
            ("expired_stale_perc", "0.00".into()),
            zero("expired_time_cap_reached_count"),
            zero("expire_cycle_cpu_milliseconds"),
            zero("evicted_keys"),
            zero("evicted_clients"),
            zero("total_eviction_exceeded_time"),
            zero("current_eviction_exceeded_time"),
            ("keyspace_hits", st.keyspace_hits.to_string()),
            ("keyspace_misses", st.keyspace_misses.to_string()),
            (
                "pubsub_channels",
                engine.pubsub.channel_count(false).to_string(),
            ),
            ("pubsub_patterns", engine.pubsub.numpat().to_string()),
            (
                "pubsubshard_channels",
                engine.pubsub.channel_count(true).to_string(),
            ),
            zero("latest_fork_usec"),
            zero("total_forks"),
            zero("migrate_cached_sockets"),
            zero("slave_expires_tracked_keys"),
            zero("active_defrag_hits"),
            zero("active_defrag_misses"),
            zero("active_defrag_key_hits"),
            zero("active_defrag_key_misses"),
            zero("total_active_defrag_time"),
            zero("current_active_defrag_time"),
            zero("tracking_total_keys"),
            zero("tracking_total_items"),
            zero("tracking_total_prefixes"),
            zero("unexpected_error_replies"),
            ("total_error_replies", st.total_error_replies.to_string()),
            zero("dump_payload_sanitizations"),
            ("total_reads_processed", st.reads_processed.to_string()),
            ("total_writes_processed", st.writes_processed.to_string()),
            zero("io_threaded_reads_processed"),
            zero("io_threaded_writes_processed"),
            zero("reply_buffer_shrinks"),
            zero("reply_buffer_expands"),
        ],
    );
}

fn replication(engine: &Engine, out: &mut String) {
    fields(
        out,
        &[
            ("role", "master".into()),
            ("connected_slaves", "0".into()),
            ("master_failover_state", "no-failover".into()),
            (
                "master_replid",
                hex_id(engine.config.seed, 0x5245_504c_4944),
            ),
            ("master_replid2", "0".repeat(40)),
            ("master_repl_offset", "0".into()),
            ("second_repl_offset", "-1".into()),
            ("repl_backlog_active", "0".into()),
            ("repl_backlog_size", "1048576".into()),
            ("repl_backlog_first_byte_offset", "0".into()),
            ("repl_backlog_histlen", "0".into()),
        ],
    );
}

fn cpu(out: &mut String) {
    for name in [
        "used_cpu_sys",
        "used_cpu_user",
        "used_cpu_sys_children",
        "used_cpu_user_children",
        "used_cpu_sys_main_thread",
        "used_cpu_user_main_thread",
    ] {
        let _ = write!(out, "{name}:0.000000\r\n");
    }
}

/// Commands that ran or were refused. The engine does not time commands, so the
/// durations are 0.
fn commandstats(engine: &Engine, out: &mut String) {
    for (name, c) in &engine.stats.commands {
        if c.calls == 0 && c.rejected_calls == 0 && c.failed_calls == 0 {
            continue;
        }
        let _ = write!(
            out,
            "cmdstat_{name}:calls={},usec=0,usec_per_call=0.00,rejected_calls={},failed_calls={}\r\n",
            c.calls, c.rejected_calls, c.failed_calls
        );
    }
}

fn errorstats(engine: &Engine, out: &mut String) {
    for (code, count) in &engine.stats.errors {
        let _ = write!(
            out,
            "errorstat_{}:count={count}\r\n",
            String::from_utf8_lossy(code)
        );
    }
}

/// Commands that ran, with the smallest latency Redis's histogram reports.
fn latencystats(engine: &Engine, out: &mut String) {
    for (name, c) in &engine.stats.commands {
        if c.calls > 0 {
            let _ = write!(
                out,
                "latency_percentiles_usec_{name}:p50=0.001,p99=0.001,p99.9=0.001\r\n"
            );
        }
    }
}

/// `dbN:keys=K,expires=E,avg_ttl=T` (8: `,subexpiry=0` after it) for each database
/// holding keys; `avg_ttl` is
/// the mean remaining time to live in milliseconds of the keys that have one
/// (Redis estimates it by sampling; this is the value it converges to).
fn keyspace(engine: &Engine, now_ms: u64, out: &mut String) {
    for (i, db) in engine.dbs.iter().enumerate() {
        let keys = db.len();
        let ttls: Vec<u128> = db
            .iter()
            .filter_map(|(_, e)| e.expires_at_ms)
            .map(|t| u128::from(t.saturating_sub(now_ms)))
            .collect();
        if keys == 0 && ttls.is_empty() {
            continue;
        }
        let avg = if ttls.is_empty() {
            0
        } else {
            ttls.iter().sum::<u128>() / ttls.len() as u128
        };
        let _ = write!(
            out,
            "db{i}:keys={keys},expires={},avg_ttl={avg}",
            ttls.len()
        );
        // Redis 7.4+ counts the keys with expiring hash fields (HEXPIRE), which the
        // engine does not have: always 0 (8.0.2 prints it so).
        if engine.profile() == Profile::V8 {
            out.push_str(",subexpiry=0");
        }
        out.push_str("\r\n");
    }
}
