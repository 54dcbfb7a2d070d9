//! The session across reloads, in `localStorage` (DESIGN.md "Sharing, embedding, persistence"):
//! the panes (names, histories, raw and hint toggles) and the profile, as JSON
//! `{"version":1,"profile":"7.0","panes":[{"name":..,"history":[..],"raw":false,"hints":true}],
//! "histories":{"worker-3":[..]}}` (`histories`: the histories of removed panes, by name).
//!
//! A saved session that cannot be read is never dropped: it is copied to
//! `<key>.unreadable.<time>` and the page says so.

use std::collections::BTreeMap;

use js_sys::{Array, Object, Reflect, JSON};
use wasm_bindgen::JsValue;

use super::api::set;
use super::state::{Saved, SavedPane, MAX_HISTORY};
use crate::engine::Profile;

/// The format's version; another version is unreadable (and kept aside).
const VERSION: f64 = 1.0;

fn storage() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The saved session under `key`, if any, and a notice for the page when it could not be read.
pub fn load(key: &str, now_ms: u64) -> (Option<Saved>, Option<String>) {
    let Some(store) = storage() else {
        return (None, None);
    };
    let Ok(Some(text)) = store.get_item(key) else {
        return (None, None);
    };
    match parse(&text) {
        Ok(saved) => (Some(saved), None),
        Err(why) => {
            let aside = format!("{key}.unreadable.{now_ms}");
            let kept = store.set_item(&aside, &text).is_ok();
            if kept {
                let _ = store.remove_item(key);
            }
            let notice = if kept {
                format!(
                    "The saved session could not be read ({why}). It was kept in localStorage under \"{aside}\"; this is a new session."
                )
            } else {
                format!(
                    "The saved session could not be read ({why}) and could not be copied aside (storage full?). It stays under \"{key}\" until this session is saved over it."
                )
            };
            (None, Some(notice))
        }
    }
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
    let mut histories = BTreeMap::new();
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
    for (name, lines) in &saved.histories {
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

/// Saves the session under `key` (silently skipped when storage is unavailable or full: the page
/// keeps working, only the next reload starts fresh).
pub fn save(key: &str, saved: &Saved) {
    if let Some(store) = storage() {
        let _ = store.set_item(key, &to_json(saved));
    }
}
