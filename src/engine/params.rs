//! The parameters `CONFIG GET` and `CONFIG SET` know: their names, how a value
//! parses and prints, and the keyspace-event flags of `notify-keyspace-events`.
//! Parsing and messages follow Redis 7.0's config.c (`numericParseString`,
//! `memtoull`, `numericBoundaryCheck`, `keyspaceEventsStringToFlags`).
//!
//! The engine acts on the stream node limits and `notify-keyspace-events`, and
//! `maxmemory` is its memory ceiling. `maxmemory-policy` accepts every policy name
//! Redis accepts so that `CONFIG GET`/`SET` answer as Redis does, but only
//! `noeviction` behaviour exists: nothing is ever evicted. The other `maxmemory-*`
//! parameters, `hz`, `save` and `appendonly` are kept and reported only (the
//! engine persists nothing).

use super::cmd::{c_str, string2ll};
use super::{Profile, Settings, DATABASES};

/// The `notify-keyspace-events` classes (server.h `NOTIFY_*`).
pub mod notify {
    /// `K`: `__keyspace@<db>__` notifications.
    pub const KEYSPACE: u32 = 1 << 0;
    /// `E`: `__keyevent@<db>__` notifications.
    pub const KEYEVENT: u32 = 1 << 1;
    pub const GENERIC: u32 = 1 << 2;
    pub const STRING: u32 = 1 << 3;
    pub const LIST: u32 = 1 << 4;
    pub const SET: u32 = 1 << 5;
    pub const HASH: u32 = 1 << 6;
    pub const ZSET: u32 = 1 << 7;
    pub const EXPIRED: u32 = 1 << 8;
    pub const EVICTED: u32 = 1 << 9;
    pub const STREAM: u32 = 1 << 10;
    pub const KEY_MISS: u32 = 1 << 11;
    pub const MODULE: u32 = 1 << 12;
    pub const NEW: u32 = 1 << 13;
    /// `A`: every class but `m`, `d` and `n`.
    pub const ALL: u32 = GENERIC | STRING | LIST | SET | HASH | ZSET | EXPIRED | EVICTED | STREAM;
}

/// `keyspaceEventsStringToFlags`: `None` on a character that is no class.
/// The string ends at a NUL byte, as the C string it is in Redis.
pub fn notify_flags_from(classes: &[u8]) -> Option<u32> {
    let mut flags = 0;
    for &c in c_str(classes) {
        flags |= match c {
            b'A' => notify::ALL,
            b'g' => notify::GENERIC,
            b'$' => notify::STRING,
            b'l' => notify::LIST,
            b's' => notify::SET,
            b'h' => notify::HASH,
            b'z' => notify::ZSET,
            b'x' => notify::EXPIRED,
            b'e' => notify::EVICTED,
            b'K' => notify::KEYSPACE,
            b'E' => notify::KEYEVENT,
            b't' => notify::STREAM,
            b'm' => notify::KEY_MISS,
            b'd' => notify::MODULE,
            b'n' => notify::NEW,
            _ => return None,
        };
    }
    Some(flags)
}

/// `keyspaceEventsFlagsToString`: the normalised form `CONFIG GET` prints
/// (`KEA` → `AKE`, `Kx` → `xK`).
pub fn notify_flags_to_string(flags: u32) -> String {
    let mut s = String::new();
    if flags & notify::ALL == notify::ALL {
        s.push('A');
    } else {
        for (bit, c) in [
            (notify::GENERIC, 'g'),
            (notify::STRING, '$'),
            (notify::LIST, 'l'),
            (notify::SET, 's'),
            (notify::HASH, 'h'),
            (notify::ZSET, 'z'),
            (notify::EXPIRED, 'x'),
            (notify::EVICTED, 'e'),
            (notify::STREAM, 't'),
            (notify::MODULE, 'd'),
            (notify::NEW, 'n'),
        ] {
            if flags & bit != 0 {
                s.push(c);
            }
        }
    }
    for (bit, c) in [
        (notify::KEYSPACE, 'K'),
        (notify::KEYEVENT, 'E'),
        (notify::KEY_MISS, 'm'),
    ] {
        if flags & bit != 0 {
            s.push(c);
        }
    }
    s
}

/// The `maxmemory-policy` names, in the order Redis lists them in its error.
pub const POLICIES: &[&str] = &[
    "volatile-lru",
    "volatile-lfu",
    "volatile-random",
    "volatile-ttl",
    "allkeys-lru",
    "allkeys-lfu",
    "allkeys-random",
    "noeviction",
];

/// The index of `noeviction` in [`POLICIES`], the default and the only behaviour.
pub const NOEVICTION: usize = 7;

/// One parameter.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub(crate) enum Param {
    Appendonly,
    ClientOutputBufferLimit,
    Databases,
    Hz,
    Maxmemory,
    MaxmemoryClients,
    MaxmemoryEvictionTenacity,
    MaxmemoryPolicy,
    MaxmemorySamples,
    NotifyKeyspaceEvents,
    Save,
    StreamNodeMaxBytes,
    StreamNodeMaxEntries,
}

/// Every parameter by name, in name order (the order `CONFIG GET` lists pattern
/// matches in; Redis uses its hash table's order).
pub(crate) const PARAMS: &[(&str, Param)] = &[
    ("appendonly", Param::Appendonly),
    ("client-output-buffer-limit", Param::ClientOutputBufferLimit),
    ("databases", Param::Databases),
    ("hz", Param::Hz),
    ("maxmemory", Param::Maxmemory),
    ("maxmemory-clients", Param::MaxmemoryClients),
    (
        "maxmemory-eviction-tenacity",
        Param::MaxmemoryEvictionTenacity,
    ),
    ("maxmemory-policy", Param::MaxmemoryPolicy),
    ("maxmemory-samples", Param::MaxmemorySamples),
    ("notify-keyspace-events", Param::NotifyKeyspaceEvents),
    ("save", Param::Save),
    ("stream-node-max-bytes", Param::StreamNodeMaxBytes),
    ("stream-node-max-entries", Param::StreamNodeMaxEntries),
];

/// `lookupConfig`: case-insensitive, the name ending at a NUL byte.
pub(crate) fn lookup(name: &[u8]) -> Option<Param> {
    let name = c_str(name);
    PARAMS
        .iter()
        .find(|(n, _)| n.as_bytes().eq_ignore_ascii_case(name))
        .map(|&(_, p)| p)
}

impl Param {
    pub fn name(self) -> &'static str {
        PARAMS
            .iter()
            .find(|&&(_, p)| p == self)
            .map(|&(n, _)| n)
            .unwrap_or("")
    }

    /// Set only in the configuration file, never by `CONFIG SET`.
    pub fn immutable(self) -> bool {
        self == Param::Databases
    }

    /// The value as `CONFIG GET` prints it.
    pub fn get(self, s: &Settings) -> String {
        match self {
            Param::Appendonly => if s.appendonly { "yes" } else { "no" }.to_string(),
            Param::Save => s
                .save
                .iter()
                .map(|(secs, changes)| format!("{secs} {changes}"))
                .collect::<Vec<_>>()
                .join(" "),
            Param::Databases => DATABASES.to_string(),
            Param::ClientOutputBufferLimit => {
                super::output_buffer::limits_to_string(&s.obuf_limits)
            }
            Param::NotifyKeyspaceEvents => notify_flags_to_string(s.notify_keyspace_events),
            Param::MaxmemoryPolicy => POLICIES
                .get(s.maxmemory_policy)
                .copied()
                .unwrap_or("noeviction")
                .to_string(),
            Param::Maxmemory => s.maxmemory.to_string(),
            Param::StreamNodeMaxBytes => s.stream_node_max_bytes.to_string(),
            Param::MaxmemoryClients if s.maxmemory_clients < 0 => {
                format!("{}%", s.maxmemory_clients.unsigned_abs())
            }
            // A memory parameter prints as unsigned (`ull2string`).
            Param::MaxmemoryClients => (s.maxmemory_clients as u64).to_string(),
            Param::Hz => s.hz.to_string(),
            Param::MaxmemoryEvictionTenacity => s.maxmemory_eviction_tenacity.to_string(),
            Param::MaxmemorySamples => s.maxmemory_samples.to_string(),
            Param::StreamNodeMaxEntries => s.stream_node_max_entries.to_string(),
        }
    }

    /// Sets the parameter in `s` from `value`; the error is the text after
    /// `CONFIG SET failed (possibly related to argument '...') - `.
    /// Sets the parameter from CONFIG SET's value, as `profile`'s server checks it.
    pub fn set(self, s: &mut Settings, value: &[u8], profile: Profile) -> Result<(), String> {
        match self {
            Param::Databases => Err("can't set immutable config".into()),
            Param::Appendonly => {
                let v = c_str(value);
                s.appendonly = if v.eq_ignore_ascii_case(b"yes") {
                    true
                } else if v.eq_ignore_ascii_case(b"no") {
                    false
                } else {
                    return Err("argument must be 'yes' or 'no'".into());
                };
                Ok(())
            }
            Param::ClientOutputBufferLimit => {
                super::output_buffer::parse_limits(value, &mut s.obuf_limits).map_err(String::from)
            }
            Param::Save => {
                s.save = parse_save(value).ok_or("Invalid save parameters")?;
                Ok(())
            }
            Param::NotifyKeyspaceEvents => {
                s.notify_keyspace_events = notify_flags_from(value).ok_or_else(|| {
                    "Invalid event class character. Use 'Ag$lshzxeKEtmdn'.".to_string()
                })?;
                Ok(())
            }
            Param::MaxmemoryPolicy => {
                let v = c_str(value);
                s.maxmemory_policy = POLICIES
                    .iter()
                    .position(|p| p.as_bytes().eq_ignore_ascii_case(v))
                    .ok_or_else(|| {
                        format!(
                            "argument(s) must be one of the following: {}",
                            POLICIES.join(", ")
                        )
                    })?;
                Ok(())
            }
            Param::Maxmemory => {
                s.maxmemory = Numeric::unsigned(0, u64::MAX, MEMORY).parse(value)? as u64;
                Ok(())
            }
            Param::StreamNodeMaxBytes => {
                s.stream_node_max_bytes =
                    Numeric::unsigned(0, i64::MAX as u64, MEMORY).parse(value)? as u64;
                Ok(())
            }
            Param::MaxmemoryClients => {
                s.maxmemory_clients =
                    Numeric::signed(-100, i64::MAX, MEMORY | PERCENT).parse(value)?;
                Ok(())
            }
            Param::StreamNodeMaxEntries => {
                s.stream_node_max_entries = Numeric::signed(0, i64::MAX, 0).parse(value)?;
                Ok(())
            }
            Param::MaxmemorySamples => {
                // Redis 7.2 capped it at 64 (EVPOOL_SIZE's bound; 8.0.2 says 1..64).
                let max = match profile {
                    Profile::V7 => i32::MAX as i64,
                    Profile::V8 => 64,
                };
                s.maxmemory_samples = Numeric::signed(1, max, 0).parse(value)?;
                Ok(())
            }
            Param::MaxmemoryEvictionTenacity => {
                s.maxmemory_eviction_tenacity = Numeric::signed(0, 100, 0).parse(value)?;
                Ok(())
            }
            Param::Hz => {
                // updateHZ keeps the value within CONFIG_MIN_HZ..CONFIG_MAX_HZ, and
                // CONFIG GET shows the clamped value.
                let hz = Numeric::signed(0, i32::MAX as i64, 0).parse(value)?;
                s.hz = hz.clamp(1, 500);
                Ok(())
            }
        }
    }
}

/// `setConfigSaveOption`: the value split at single spaces into pairs of
/// seconds (at least 1) and changes (at least 0); `""` means no save points.
/// Numbers read as `strtoll` reads them, and the change count is kept as a C
/// `int`, as Redis keeps it.
fn parse_save(value: &[u8]) -> Option<Vec<(i64, i32)>> {
    if value.is_empty() {
        return Some(Vec::new());
    }
    let args: Vec<&[u8]> = value.split(|&b| b == b' ').collect();
    if args.len() % 2 == 1 {
        return None;
    }
    let mut points = Vec::with_capacity(args.len() / 2);
    for pair in args.chunks(2) {
        let secs = strtoll_whole(pair[0]).filter(|&v| v >= 1)?;
        let changes = strtoll_whole(pair[1]).filter(|&v| v >= 0)?;
        points.push((secs, changes as i32));
    }
    Some(points)
}

/// `strtoll(s, &end, 10)` that must consume the whole C string: leading
/// whitespace and a sign are accepted, overflow saturates, and no digits at all
/// reads as 0.
pub(crate) fn strtoll_whole(s: &[u8]) -> Option<i64> {
    let s = c_str(s);
    let mut i = s
        .iter()
        .take_while(|b| matches!(b, b' ' | b'\t' | b'\n' | b'\r' | b'\x0b' | b'\x0c'))
        .count();
    let negative = match s.get(i) {
        Some(b'-') => {
            i += 1;
            true
        }
        Some(b'+') => {
            i += 1;
            false
        }
        _ => false,
    };
    let digits = s[i..].iter().take_while(|b| b.is_ascii_digit()).count();
    if digits == 0 {
        // strtoll leaves `end` at the start: only an empty string is all consumed.
        return s.is_empty().then_some(0);
    }
    if i + digits != s.len() {
        return None;
    }
    let mut v: i128 = 0;
    for &d in &s[i..i + digits] {
        v = (v * 10 + i128::from(d - b'0')).min(i128::from(i64::MAX) + 1);
    }
    let v = if negative { -v } else { v };
    Some(v.clamp(i128::from(i64::MIN), i128::from(i64::MAX)) as i64)
}

/// Accepts memory units (`memtoull`).
const MEMORY: u8 = 1;
/// Accepts `N%`, stored as `-N`.
const PERCENT: u8 = 2;

/// A numeric parameter: its bounds, whether they are checked as unsigned, and the
/// value syntaxes it accepts.
struct Numeric {
    lower: i128,
    upper: i128,
    unsigned: bool,
    flags: u8,
}

impl Numeric {
    fn signed(lower: i64, upper: i64, flags: u8) -> Numeric {
        Numeric {
            lower: lower.into(),
            upper: upper.into(),
            unsigned: false,
            flags,
        }
    }

    fn unsigned(lower: u64, upper: u64, flags: u8) -> Numeric {
        Numeric {
            lower: lower.into(),
            upper: upper.into(),
            unsigned: true,
            flags,
        }
    }

    /// `numericParseString` then `numericBoundaryCheck`: the value as the C
    /// `long long` Redis stores (an unsigned parameter's bits included).
    fn parse(&self, value: &[u8]) -> Result<i64, String> {
        let memory = self.flags & MEMORY != 0;
        let percent = self.flags & PERCENT != 0;
        let mut parsed: Option<i64> = None;
        if memory {
            parsed = memtoull(value).map(|v| v as i64);
        }
        if parsed.is_none() && percent && value.len() > 1 && value.last() == Some(&b'%') {
            parsed = string2ll(&value[..value.len() - 1])
                .filter(|&v| v >= 0)
                .map(|v| -v);
        }
        if parsed.is_none() && self.flags == 0 {
            parsed = string2ll(value);
        }
        let Some(ll) = parsed else {
            return Err(if memory && percent {
                "argument must be a memory or percent value"
            } else if memory {
                "argument must be a memory value"
            } else {
                "argument couldn't be parsed into an integer"
            }
            .to_string());
        };
        if self.unsigned {
            let v = i128::from(ll as u64);
            if v < self.lower || v > self.upper {
                return Err(format!(
                    "argument must be between {} and {} inclusive",
                    self.lower, self.upper
                ));
            }
        } else if percent && ll < 0 {
            if i128::from(ll) < self.lower {
                return Err(format!(
                    "percentage argument must be less or equal to {}",
                    -self.lower
                ));
            }
        } else if i128::from(ll) < self.lower || i128::from(ll) > self.upper {
            return Err(format!(
                "argument must be between {} and {} inclusive",
                self.lower, self.upper
            ));
        }
        Ok(ll)
    }
}

/// `memtoull`: digits then an optional unit (`b`, `k`, `kb`, `m`, `mb`, `g`, `gb`,
/// any case). As in Redis 7.0, the digits saturate at `u64::MAX` (`strtoull`) and
/// the unit multiplies with wrap-around; no digits at all reads as 0.
pub fn memtoull(value: &[u8]) -> Option<u64> {
    let p = c_str(value);
    if p.first() == Some(&b'-') {
        return None;
    }
    let digits = p.iter().take_while(|b| b.is_ascii_digit()).count();
    let unit = &p[digits..];
    let is = |u: &str| unit.eq_ignore_ascii_case(u.as_bytes());
    let mul: u64 = if unit.is_empty() || is("b") {
        1
    } else if is("k") {
        1000
    } else if is("kb") {
        1024
    } else if is("m") {
        1000 * 1000
    } else if is("mb") {
        1024 * 1024
    } else if is("g") {
        1000 * 1000 * 1000
    } else if is("gb") {
        1024 * 1024 * 1024
    } else {
        return None;
    };
    if digits >= 128 {
        return None;
    }
    let val = p[..digits].iter().fold(0u64, |acc, &d| {
        acc.checked_mul(10)
            .and_then(|a| a.checked_add(u64::from(d - b'0')))
            .unwrap_or(u64::MAX)
    });
    Some(val.wrapping_mul(mul))
}

/// `bytesToHuman`: `1.16M`, `0B`, `32.00K`.
pub fn bytes_to_human(n: u64) -> String {
    const K: f64 = 1024.0;
    let d = n as f64;
    if n < 1024 {
        format!("{n}B")
    } else if d < K * K {
        format!("{:.2}K", d / K)
    } else if d < K * K * K {
        format!("{:.2}M", d / (K * K))
    } else if d < K * K * K * K {
        format!("{:.2}G", d / (K * K * K))
    } else if d < K * K * K * K * K {
        format!("{:.2}T", d / (K * K * K * K))
    } else if d < K * K * K * K * K * K {
        format!("{:.2}P", d / (K * K * K * K * K))
    } else {
        format!("{n}B")
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn notify_flags_print_normalised() {
        let f = |s: &str| notify_flags_to_string(notify_flags_from(s.as_bytes()).unwrap());
        assert_eq!(f("KEA"), "AKE");
        assert_eq!(f("Kx"), "xK");
        assert_eq!(f("E$lshzxegtmdnAK"), "AKEm");
        assert_eq!(f("Ex"), "xE");
        assert_eq!(f(""), "");
        assert_eq!(f("gn"), "gn");
        assert!(notify_flags_from(b"q").is_none());
    }

    #[test]
    fn memory_values_parse_as_redis_7_0() {
        assert_eq!(memtoull(b"100mb"), Some(104_857_600));
        assert_eq!(memtoull(b"1GB"), Some(1 << 30));
        assert_eq!(memtoull(b"10k"), Some(10_000));
        assert_eq!(memtoull(b""), Some(0));
        assert_eq!(memtoull(b"mb"), Some(0));
        assert_eq!(memtoull(b"007"), Some(7));
        assert_eq!(memtoull(b"99999999999999999999"), Some(u64::MAX));
        assert_eq!(
            memtoull(b"18446744073709551615kb"),
            Some(18_446_744_073_709_550_592)
        );
        assert_eq!(memtoull(b"-1"), None);
        assert_eq!(memtoull(b"+5"), None);
        assert_eq!(memtoull(b"1.5mb"), None);
    }

    #[test]
    fn human_sizes() {
        assert_eq!(bytes_to_human(0), "0B");
        assert_eq!(bytes_to_human(1023), "1023B");
        assert_eq!(bytes_to_human(32768), "32.00K");
        assert_eq!(bytes_to_human(1_212_608), "1.16M");
        assert_eq!(bytes_to_human(25_276_510_208), "23.54G");
    }
}
