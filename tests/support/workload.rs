//! Pieces of the random multi-client workloads that the inspect and view model property
//! tests share: ids near the ones `XADD *` makes, `@e<k>` / `@p<k>` placeholders for entries
//! that likely exist, and their resolution against the engine's state at run time.

use proptest::prelude::*;
use streamplay::engine::inspect::Window;
use streamplay::engine::{ClientId, Engine, StreamId};

/// The engine time the workloads start at.
pub const START_MS: u64 = 1000;

pub fn pick<T: Clone + std::fmt::Debug + 'static>(xs: &'static [T]) -> impl Strategy<Value = T> {
    proptest::sample::select(xs)
}

pub fn words(parts: &[&str]) -> Vec<String> {
    parts.iter().map(|p| p.to_string()).collect()
}

/// An id near the ones `XADD *` makes in a short workload.
pub fn near_id() -> impl Strategy<Value = String> {
    (START_MS..START_MS + 120, 0u64..2).prop_map(|(ms, seq)| format!("{ms}-{seq}"))
}

/// An id that names an entry that is likely to exist: `@e<k>` becomes the k-th live entry
/// (modulo the length) of the stream in `argv[1]`, `@p<k>` the k-th pending entry of the
/// group in `argv[2]` (see `resolve`); otherwise an id near the ones made.
pub fn some_id() -> impl Strategy<Value = String> {
    prop_oneof![
        2 => (0u8..20).prop_map(|k| format!("@e{k}")),
        2 => (0u8..20).prop_map(|k| format!("@p{k}")),
        1 => near_id(),
    ]
}

/// Replaces the `@e<k>` and `@p<k>` ids of `argv` (see `some_id`) with ids from the
/// client's database: the k-th live entry of the stream `argv[1]`, the k-th pending entry
/// of its group `argv[2]` (`0-1` when there is none).
pub fn resolve(e: &Engine, client: ClientId, argv: &[String], now: u64) -> Vec<Vec<u8>> {
    let db = e.inspect_client(client).map_or(0, |c| c.db);
    let key = argv.get(1).map(|k| k.as_bytes()).unwrap_or_default();
    let nth = |ids: Vec<StreamId>, k: usize| {
        if ids.is_empty() {
            "0-1".to_string()
        } else {
            ids[k % ids.len()].to_string()
        }
    };
    argv.iter()
        .map(|a| {
            let k = a.get(2..).and_then(|n| n.parse::<usize>().ok());
            let resolved = match (a.get(..2), k) {
                (Some("@e"), Some(k)) => {
                    let entries = e
                        .inspect_entries(db, key, now, Window::First(usize::MAX))
                        .unwrap_or_default();
                    nth(entries.into_iter().map(|x| x.id).collect(), k)
                }
                (Some("@p"), Some(k)) => {
                    let group = argv.get(2).map(|g| g.as_bytes()).unwrap_or_default();
                    let pel = e
                        .inspect_pel(db, key, group, None, now, Window::First(usize::MAX))
                        .unwrap_or_default();
                    nth(pel.into_iter().map(|p| p.id).collect(), k)
                }
                _ => a.clone(),
            };
            resolved.into_bytes()
        })
        .collect()
}
