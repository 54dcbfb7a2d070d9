//! `window.streamplay`, the page's JS API (DESIGN.md "Automation hooks"; README "JS API"):
//! `run(line, client?)`, `runScript(text)`, `state()`, `on(event, callback)`, `steps()`,
//! `seek(index)` and `exportScenario()`.
//!
//! Calls go to the service (`service.rs`), which changes the session and hands the result to
//! the page's reducer, synchronously; return values are plain values, never Promises. Values
//! built from Rust data go through `serde-wasm-bindgen`'s JSON-compatible serializer, so they
//! are plain objects, arrays, strings and numbers (never `Map` or `BigInt`) and survive
//! `JSON.stringify`. Listeners are never called from inside a change (a listener that calls
//! `run` would re-enter it): what they should hear is queued and handed to them by [`flush`]
//! after the change.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use serde::Serialize;
use wasm_bindgen::prelude::*;

use super::service::Ctl;
use super::state::{protocol_label, Action};
use super::views::step_text;
use crate::console::{self, LineKind};
use crate::engine::{Event, Reply};
use crate::session::{Output, StepInfo};

thread_local! {
    static LISTENERS: RefCell<Vec<(String, Function)>> = const { RefCell::new(Vec::new()) };
    static QUEUE: RefCell<Vec<(&'static str, JsValue)>> = const { RefCell::new(Vec::new()) };
}

/// Sets `key` on a JS object (cannot fail on a plain object).
pub fn set(o: &JsValue, key: &str, value: &JsValue) {
    let _ = Reflect::set(o, &JsValue::from_str(key), value);
}

fn listening(event: &str) -> bool {
    LISTENERS.with(|l| l.borrow().iter().any(|(e, _)| e == event))
}

fn queue(event: &'static str, value: JsValue) {
    QUEUE.with(|q| q.borrow_mut().push((event, value)));
}

/// A line was added to pane `pane` (`line` listeners get `{pane, kind, text}`).
pub fn line(pane: &str, kind: LineKind, text: &str) {
    if !listening("line") {
        return;
    }
    let o = Object::new();
    set(&o, "pane", &JsValue::from_str(pane));
    set(&o, "kind", &JsValue::from_str(kind.name()));
    set(&o, "text", &JsValue::from_str(text));
    queue("line", o.into());
}

/// A pushed frame reached pane `pane` (`push` listeners get `{pane, lines}`).
pub fn push(pane: &str, lines: &[&console::Line]) {
    if !listening("push") {
        return;
    }
    let o = Object::new();
    set(&o, "pane", &JsValue::from_str(pane));
    let texts = Array::new();
    for l in lines {
        texts.push(&JsValue::from_str(&l.text));
    }
    set(&o, "lines", &texts);
    queue("push", o.into());
}

/// A Rust value as a plain JS value (objects, arrays, strings, numbers; `null` for none).
pub fn to_js<T: Serialize>(value: &T) -> JsValue {
    let serializer = serde_wasm_bindgen::Serializer::json_compatible();
    value
        .serialize(&serializer)
        .unwrap_or_else(|e| error_value(&e.to_string()))
}

/// The engine reported events: `engine-event` listeners get one plain object per event, its
/// serde JSON form (`{type: "StreamEntryAdded", seq, time_ms, client, key, id, fields, ...}`).
pub fn events(events: &[Event]) {
    if events.is_empty() || !listening("engine-event") {
        return;
    }
    for e in events {
        queue("engine-event", to_js(e));
    }
}

/// The state was replaced (a seek, a profile switch, a new session): `engine-event` listeners
/// get `{type: "Reset"}` before anything that follows.
pub fn reset() {
    if !listening("engine-event") {
        return;
    }
    let o = Object::new();
    set(&o, "type", &JsValue::from_str("Reset"));
    queue("engine-event", o.into());
}

/// Hands queued notifications to the listeners.
pub fn flush() {
    loop {
        let batch = QUEUE.with(|q| std::mem::take(&mut *q.borrow_mut()));
        if batch.is_empty() {
            return;
        }
        let listeners = LISTENERS.with(|l| l.borrow().clone());
        for (event, value) in batch {
            for (e, f) in &listeners {
                if e == event {
                    // A listener that throws must not stop the others.
                    let _ = f.call1(&JsValue::NULL, &value);
                }
            }
        }
    }
}

/// `{error: "..."}`.
pub fn error_value(message: &str) -> JsValue {
    let o = Object::new();
    set(&o, "error", &JsValue::from_str(message));
    o.into()
}

fn text(bytes: &[u8]) -> JsValue {
    JsValue::from_str(&String::from_utf8_lossy(bytes))
}

/// A reply as a JS value: strings (simple, bulk, verbatim, double and big-number text), numbers
/// (integers), `true`/`false`, `null` (nil), arrays (arrays, sets, pushes), objects for maps
/// (keys as text), `{error}` for errors.
pub fn reply_value(reply: &Reply) -> JsValue {
    match reply {
        Reply::Simple(b) | Reply::Bulk(b) | Reply::Double(b) | Reply::BigNumber(b) => text(b),
        Reply::Verbatim(_, b) => text(b),
        Reply::Error(b) => error_value(&String::from_utf8_lossy(b)),
        Reply::Integer(n) => JsValue::from_f64(*n as f64),
        Reply::Null | Reply::NullArray => JsValue::NULL,
        Reply::Boolean(b) => JsValue::from_bool(*b),
        Reply::Array(items)
        | Reply::ShortArray(_, items)
        | Reply::Set(items)
        | Reply::Push(items) => items.iter().map(reply_value).collect::<Array>().into(),
        Reply::Map(pairs) => {
            let o = Object::new();
            for (k, v) in pairs {
                let key = match k {
                    Reply::Simple(b) | Reply::Bulk(b) => String::from_utf8_lossy(b).into_owned(),
                    other => crate::cli::format::format(other).trim_end().to_string(),
                };
                set(&o, &key, &reply_value(v));
            }
            o.into()
        }
    }
}

/// What `run` returns for a typed line: the (last) reply; for local commands (HELP) their text;
/// `undefined` while the command blocks (its reply comes later, as a `line`).
pub fn typed_value(out: &Output) -> JsValue {
    if let Some(reply) = out.replies().last() {
        return reply_value(reply);
    }
    if out.blocked {
        return JsValue::UNDEFINED;
    }
    let local: Vec<&str> = out.lines.iter().map(|l| l.text.as_str()).collect();
    if local.is_empty() {
        JsValue::UNDEFINED
    } else {
        JsValue::from_str(&local.join("\n"))
    }
}

/// A step of the timeline as `steps()` lists it: `{index, client, line, time_ms}`; `client` is
/// the pane of a command (`null` for other steps), `line` the command or the scenario
/// directive of the step (`@clock +1000`, `@profile 7.0`, `@pane add worker-1`, ...).
fn step_value(info: &StepInfo) -> JsValue {
    let (client, line) = step_text(&info.step);
    let o = Object::new();
    set(&o, "index", &JsValue::from_f64(info.index as f64));
    set(
        &o,
        "client",
        &client.map(JsValue::from_str).unwrap_or(JsValue::NULL),
    );
    set(&o, "line", &JsValue::from_str(&line));
    set(&o, "time_ms", &JsValue::from_f64(info.time_ms as f64));
    o.into()
}

/// What the page shows of a pane: its name, protocol, state and line count.
type Shown = (String, &'static str, &'static str, usize);

/// `state()`: the session's snapshot (`Session::snapshot`), each pane with what the page shows
/// of it too (`protocol`, `state`, `lines`).
fn state_value(ctl: &Ctl) -> JsValue {
    let Some(snapshot) = ctl.read(|s| s.snapshot()) else {
        return error_value("state(): the session is busy");
    };
    let value = to_js(&snapshot);
    let shown: Rc<RefCell<Vec<Shown>>> = Rc::default();
    {
        let shown = Rc::clone(&shown);
        ctl.query(Action::Query(Box::new(move |page| {
            *shown.borrow_mut() = page
                .panes
                .iter()
                .map(|p| {
                    (
                        p.name().to_string(),
                        protocol_label(p.facts.protocol),
                        p.state_name(),
                        p.lines.len(),
                    )
                })
                .collect();
        })));
    }
    let panes = Reflect::get(&value, &JsValue::from_str("panes")).unwrap_or(JsValue::UNDEFINED);
    if Array::is_array(&panes) {
        for pane in Array::from(&panes).iter() {
            let name = Reflect::get(&pane, &JsValue::from_str("name"))
                .ok()
                .and_then(|n| n.as_string());
            if let Some((_, protocol, state, lines)) =
                shown.borrow().iter().find(|s| Some(&s.0) == name.as_ref())
            {
                set(&pane, "protocol", &JsValue::from_str(protocol));
                set(&pane, "state", &JsValue::from_str(state));
                set(&pane, "lines", &JsValue::from_f64(*lines as f64));
            }
        }
    }
    value
}

/// Installs `window.streamplay` for the page whose service is `ctl`.
pub fn install(ctl: Ctl) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = Object::new();

    let run = {
        let ctl = ctl.clone();
        Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(
            move |line: JsValue, client: JsValue| {
                let Some(line) = line.as_string() else {
                    return error_value("run(line, client?): line must be a string");
                };
                let client = client.as_string().or_else(|| {
                    ctl.read(|s| s.panes().first().map(|p| p.name.to_string()))
                        .flatten()
                });
                let client = client.unwrap_or_else(|| super::state::DEFAULT_PANE_NAME.to_string());
                match ctl.submit(&client, &line) {
                    Ok(Some(out)) => typed_value(&out),
                    Ok(None) => JsValue::UNDEFINED,
                    Err(e) => error_value(&e.to_string()),
                }
            },
        )
    };
    let run_script = {
        let ctl = ctl.clone();
        Closure::<dyn Fn(JsValue) -> JsValue>::new(move |text: JsValue| {
            let Some(text) = text.as_string() else {
                return error_value("runScript(text): text must be a string");
            };
            match ctl.run_script(&text) {
                Ok(outs) => outs
                    .iter()
                    .map(|o| typed_value(o))
                    .collect::<Array>()
                    .into(),
                Err(e) => error_value(&e),
            }
        })
    };
    let state = {
        let ctl = ctl.clone();
        Closure::<dyn Fn() -> JsValue>::new(move || state_value(&ctl))
    };
    let steps = {
        let ctl = ctl.clone();
        Closure::<dyn Fn() -> JsValue>::new(move || {
            ctl.steps().iter().map(step_value).collect::<Array>().into()
        })
    };
    let seek = {
        let ctl = ctl.clone();
        Closure::<dyn Fn(JsValue) -> JsValue>::new(move |index: JsValue| {
            let Some(index) = index.as_f64().filter(|i| *i >= 0.0 && i.fract() == 0.0) else {
                return error_value("seek(index): index is a whole number, 0 or more");
            };
            match ctl.seek(index as usize) {
                Ok(now) => JsValue::from_f64(now as f64),
                Err(e) => error_value(&e.to_string()),
            }
        })
    };
    let export = {
        let ctl = ctl.clone();
        Closure::<dyn Fn() -> JsValue>::new(move || JsValue::from_str(&ctl.export_scenario()))
    };
    let on =
        Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(|event: JsValue, callback: JsValue| {
            let (Some(event), Ok(callback)) = (event.as_string(), callback.dyn_into::<Function>())
            else {
                return error_value("on(event, callback): event is a string, callback a function");
            };
            if !matches!(event.as_str(), "line" | "push" | "engine-event") {
                return error_value(
                    "on(event, callback): event is 'line', 'push' or 'engine-event'",
                );
            }
            LISTENERS.with(|l| l.borrow_mut().push((event, callback)));
            JsValue::UNDEFINED
        });
    set(&api, "run", run.as_ref());
    set(&api, "runScript", run_script.as_ref());
    set(&api, "state", state.as_ref());
    set(&api, "steps", steps.as_ref());
    set(&api, "seek", seek.as_ref());
    set(&api, "exportScenario", export.as_ref());
    set(&api, "on", on.as_ref());
    // The API lives as long as the page.
    run.forget();
    run_script.forget();
    state.forget();
    steps.forget();
    seek.forget();
    export.forget();
    on.forget();
    set(&window, "streamplay", &api);
}
