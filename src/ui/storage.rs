//! The page across reloads, in `localStorage` (DESIGN.md "Sharing, embedding, persistence",
//! "Saving"), under two keys:
//!
//! - `<key>`: the page's own pane state (names, histories, raw and hint toggles) and the profile,
//!   as JSON `{"version":1,"profile":"7.0","panes":[{"name":..,"history":[..],"raw":false,
//!   "hints":true}],"histories":{"worker-3":[..]}}` (`histories`: the histories of removed panes,
//!   by name), saved whenever it changes;
//! - `<key>.state`: the session itself (the engine's keys, the clients, the clock, the step log),
//!   `session:1:` and the base64 of `Session::save()`'s bytes, saved within a second of each
//!   step and on `pagehide`.
//!
//! What does not fit (the storage quota is exceeded) follows one rule, and the page says so:
//! first the whole session; failing that, its command log alone, as the scenario
//! `Session::export_scenario` writes (`scenario:1:` and the text; a reload replays it: the
//! engine's state comes back, the steps after a seek and the clock's speed do not); failing
//! that, nothing of the session (its old copy is removed, so that a stale state never comes
//! back) and only the pane state under `<key>`.
//!
//! A key that starts with [`MEMORY`] is the page's memory only (a session opened from a share
//! link, an embed): nothing is read from or written to `localStorage` under it, so such a
//! session never touches the reader's own or another embed's. Its session comes from
//! [`open_in_memory`].
//!
//! A saved value that cannot be read is never dropped: it is copied to
//! `<key>.unreadable.<time>` (`<key>.state.unreadable.<time>`) and the page says so.

use std::cell::RefCell;

use crate::vec_map::VecMap;

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::JsValue;

use super::api::set;
use super::service::page_config;
use super::state::{Saved, SavedPane, MAX_HISTORY};
use crate::engine::Profile;
use crate::session::Session;

/// Where the session is saved, after the page state's key.
pub const STATE_SUFFIX: &str = ".state";
const WHOLE: &str = "session:1:";
const LOG: &str = "scenario:1:";

/// The format's version; another version is unreadable (and kept aside).
const VERSION: f64 = 1.0;

/// The prefix of the keys kept in memory only.
pub const MEMORY: &str = "memory:";

thread_local! {
    /// The session the next page under a memory key starts with.
    static OPENING: RefCell<Option<Session>> = const { RefCell::new(None) };
}

/// The session the page under a [`MEMORY`] key starts with (a link's, an embed's).
pub fn open_in_memory(session: Session) {
    OPENING.with(|o| *o.borrow_mut() = Some(session));
}

fn in_memory(key: &str) -> bool {
    key.starts_with(MEMORY)
}

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// What was saved under a key.
pub struct Loaded {
    /// The page's pane state.
    pub ui: Option<Saved>,
    /// The session.
    pub session: Option<Session>,
    /// It was replayed from the saved command log (the session had not fit whole).
    pub from_log: bool,
    /// What could not be read, for the page to say.
    pub notices: Vec<String>,
}

/// Keeps an unreadable value aside, and says so.
fn keep_aside(store: &web_sys::Storage, key: &str, text: &str, why: &str, now_ms: u64) -> String {
    let aside = format!("{key}.unreadable.{now_ms}");
    let kept = store.set_item(&aside, text).is_ok();
    if kept {
        let _ = store.remove_item(key);
        format!(
            "The saved session could not be read ({why}). It was kept in localStorage under \"{aside}\"; this is a new session."
        )
    } else {
        format!(
            "The saved session could not be read ({why}) and could not be copied aside (storage full?). It stays under \"{key}\" until this session is saved over it."
        )
    }
}

/// What was saved under `key` (the page state and the session), with a notice for each part
/// that could not be read.
pub fn load(key: &str, now_ms: u64) -> Loaded {
    let mut loaded = Loaded {
        ui: None,
        session: None,
        from_log: false,
        notices: Vec::new(),
    };
    if in_memory(key) {
        loaded.session = OPENING.with(|o| o.borrow_mut().take());
        return loaded;
    }
    let Some(store) = storage() else {
        return loaded;
    };
    if let Ok(Some(text)) = store.get_item(key) {
        match parse(&text) {
            Ok(saved) => loaded.ui = Some(saved),
            Err(why) => loaded
                .notices
                .push(keep_aside(&store, key, &text, &why, now_ms)),
        }
    }
    let state_key = format!("{key}{STATE_SUFFIX}");
    if let Ok(Some(text)) = store.get_item(&state_key) {
        match parse_session(&text) {
            Ok((session, from_log)) => {
                loaded.session = Some(session);
                loaded.from_log = from_log;
            }
            Err(why) => loaded
                .notices
                .push(keep_aside(&store, &state_key, &text, &why, now_ms)),
        }
    }
    loaded
}

/// Reads a saved session; the error says what is wrong with it.
pub fn parse_session(text: &str) -> Result<(Session, bool), String> {
    if let Some(b64) = text.strip_prefix(WHOLE) {
        let bytes = base64_decode(b64).ok_or("it is not base64")?;
        let session = Session::load(&bytes).map_err(|e| e.to_string())?;
        return Ok((session, false));
    }
    if let Some(scenario) = text.strip_prefix(LOG) {
        let mut session = Session::new(page_config(), Profile::default(), 0);
        let replay = session
            .run_scenario(scenario)
            .map_err(|e| format!("line {}: {}", e.line, e.message))?;
        // A scenario without expected output reports every output as a mismatch; only a
        // step the session refused (no output to compare) means the log is broken.
        if let Some(m) = replay
            .mismatches
            .iter()
            .find(|m| m.actual.is_empty() && m.expected.is_empty())
        {
            return Err(format!("line {}: {}", m.line, m.what));
        }
        session.set_paused(false);
        return Ok((session, true));
    }
    Err("unknown format".into())
}

/// How much of the session [`save_session`] could store.
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum Stored {
    Whole,
    /// Only the command log; `bytes`: the whole session's size.
    Log {
        bytes: usize,
    },
    /// Nothing of the session; `bytes`: its size.
    PanesOnly {
        bytes: usize,
    },
}

/// Saves the session under `<key>.state` by the rule in the module's documentation.
pub fn save_session(key: &str, session: &Session) -> Stored {
    let Some(store) = storage().filter(|_| !in_memory(key)) else {
        return Stored::Whole;
    };
    let state_key = format!("{key}{STATE_SUFFIX}");
    let bytes = session.save();
    let size = bytes.len();
    let whole = format!("{WHOLE}{}", base64_encode(&bytes));
    drop(bytes);
    if store.set_item(&state_key, &whole).is_ok() {
        return Stored::Whole;
    }
    drop(whole);
    // The old copy goes first: it may be what fills the storage.
    let _ = store.remove_item(&state_key);
    let log = format!("{LOG}{}", session.export_scenario());
    if store.set_item(&state_key, &log).is_ok() {
        return Stored::Log { bytes: size };
    }
    Stored::PanesOnly { bytes: size }
}

/// Standard base64 with padding.
pub fn base64_encode(bytes: &[u8]) -> String {
    crate::share::base64_with(bytes, crate::share::STANDARD, true)
}

/// Decodes standard base64 with padding; `None` for anything else.
pub fn base64_decode(text: &str) -> Option<Vec<u8>> {
    crate::share::unbase64_with(text, crate::share::STANDARD, true)
}

fn field(o: &JsValue, name: &str) -> JsValue {
    Reflect::get(o, &JsValue::from_str(name)).unwrap_or(JsValue::UNDEFINED)
}

/// Reads the saved JSON; the error says what is wrong with it.
pub fn parse(text: &str) -> Result<Saved, String> {
    let value = JSON::parse(text).map_err(|_| "it is not JSON".to_string())?;
    if !value.is_object() {
        return Err("it is not a JSON object".into());
    }
    if field(&value, "version").as_f64() != Some(VERSION) {
        return Err("unknown version".into());
    }
    let profile = field(&value, "profile")
        .as_string()
        .and_then(|p| Profile::parse(&p))
        .ok_or("no valid profile")?;
    let panes = field(&value, "panes");
    if !Array::is_array(&panes) {
        return Err("no list of panes".into());
    }
    let mut out = Vec::new();
    for pane in Array::from(&panes).iter() {
        let name = field(&pane, "name")
            .as_string()
            .filter(|n| !n.trim().is_empty())
            .ok_or("a pane without a name")?;
        let history = field(&pane, "history");
        if !Array::is_array(&history) {
            return Err(format!("pane '{name}' has no history list"));
        }
        let mut lines = Vec::new();
        for entry in Array::from(&history).iter() {
            lines.push(
                entry
                    .as_string()
                    .ok_or_else(|| format!("pane '{name}' has a history entry that is not text"))?,
            );
        }
        let keep = lines.len().saturating_sub(MAX_HISTORY);
        lines.drain(..keep);
        out.push(SavedPane {
            name,
            history: lines,
            raw: field(&pane, "raw").as_bool().unwrap_or(false),
            hints: field(&pane, "hints").as_bool().unwrap_or(true),
        });
    }
    // The histories of removed panes (optional: older saves have none).
    let mut histories = VecMap::new();
    let old = field(&value, "histories");
    if old.is_object() {
        for name in Object::keys(&Object::from(old.clone())).iter() {
            let Some(name) = name.as_string() else {
                continue;
            };
            let list = field(&old, &name);
            if !Array::is_array(&list) {
                return Err(format!("the history of '{name}' is not a list"));
            }
            let lines: Option<Vec<String>> =
                Array::from(&list).iter().map(|e| e.as_string()).collect();
            let mut lines = lines
                .ok_or_else(|| format!("the history of '{name}' has an entry that is not text"))?;
            let keep = lines.len().saturating_sub(MAX_HISTORY);
            lines.drain(..keep);
            histories.insert(name, lines);
        }
    } else if !old.is_undefined() {
        return Err("the histories are not an object".into());
    }
    Ok(Saved {
        profile,
        panes: out,
        histories,
    })
}

/// The JSON text of a saved session.
pub fn to_json(saved: &Saved) -> String {
    let panes = Array::new();
    for p in &saved.panes {
        let o = Object::new();
        set(&o, "name", &JsValue::from_str(&p.name));
        let history: Array = p.history.iter().map(|h| JsValue::from_str(h)).collect();
        set(&o, "history", &history);
        set(&o, "raw", &JsValue::from_bool(p.raw));
        set(&o, "hints", &JsValue::from_bool(p.hints));
        panes.push(&o);
    }
    let histories = Object::new();
    for (name, lines) in saved.histories.iter() {
        let list: Array = lines.iter().map(|h| JsValue::from_str(h)).collect();
        set(&histories, name, &list);
    }
    let o = Object::new();
    set(&o, "version", &JsValue::from_f64(VERSION));
    set(&o, "histories", &histories);
    set(&o, "profile", &JsValue::from_str(saved.profile.name()));
    set(&o, "panes", &panes);
    JSON::stringify(&o)
        .ok()
        .and_then(|s| s.as_string())
        .unwrap_or_default()
}

/// Saves the page's pane state under `key`; `false` when the storage refused it (full).
pub fn save(key: &str, saved: &Saved) -> bool {
    match storage().filter(|_| !in_memory(key)) {
        Some(store) => store.set_item(key, &to_json(saved)).is_ok(),
        None => true,
    }
}
