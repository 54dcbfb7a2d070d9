//! `window.streamplay`, the page's JS API (DESIGN.md "Automation hooks"; README "JS API"):
//! `run(line, client?)`, `runScript(text)`, `state()` and `on(event, callback)`.
//!
//! Calls go through the session's reducer like keystrokes do, synchronously, and read their
//! result from a slot the reducer fills. Listeners are never called from inside the reducer (a
//! listener that calls `run` would re-enter it): what they should hear is queued and handed to
//! them by [`flush`] after the state change.

use std::cell::RefCell;
use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use yew::UseReducerDispatcher;

use super::clock;
use super::state::{Action, Session, Slot};
use crate::console::{self, LineKind};
use crate::engine::{Event, Reply};

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

/// The engine reported events (`engine-event` listeners get `{type, detail}`, `type` being the
/// event's name such as `KeyWritten` or `ClientBlocked`, `detail` its fields as text).
pub fn events(events: &[Event]) {
    if events.is_empty() || !listening("engine-event") {
        return;
    }
    for e in events {
        // The kind's `Debug` text starts with its variant name; the page part
        // replaces this with the serde form.
        let detail = format!("{:?}", e.kind);
        let name = detail
            .split(|c: char| !c.is_ascii_alphanumeric())
            .next()
            .unwrap_or_default()
            .to_string();
        let o = Object::new();
        set(&o, "type", &JsValue::from_str(&name));
        set(&o, "detail", &JsValue::from_str(&detail));
        queue("engine-event", o.into());
    }
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
        Reply::Array(items) | Reply::Set(items) | Reply::Push(items) => {
            items.iter().map(reply_value).collect::<Array>().into()
        }
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
pub fn typed_value(typed: &console::Typed) -> JsValue {
    if let Some(reply) = typed.replies.last() {
        return reply_value(reply);
    }
    if typed.blocked {
        return JsValue::UNDEFINED;
    }
    let local: Vec<&str> = typed.lines.iter().map(|l| l.text.as_str()).collect();
    if local.is_empty() {
        JsValue::UNDEFINED
    } else {
        JsValue::from_str(&local.join("\n"))
    }
}

/// Installs `window.streamplay` for the page whose reducer `dispatch` drives.
pub fn install(dispatch: UseReducerDispatcher<Session>) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let api = Object::new();

    let call = {
        let dispatch = dispatch.clone();
        Rc::new(move |make: Box<dyn FnOnce(Slot) -> Action>| -> JsValue {
            let slot: Slot = Rc::new(RefCell::new(JsValue::UNDEFINED));
            dispatch.dispatch(make(Rc::clone(&slot)));
            flush();
            let value = slot.borrow().clone();
            value
        })
    };

    let run = {
        let call = Rc::clone(&call);
        Closure::<dyn Fn(JsValue, JsValue) -> JsValue>::new(
            move |line: JsValue, client: JsValue| {
                let Some(line) = line.as_string() else {
                    return error_value("run(line, client?): line must be a string");
                };
                let client = client.as_string();
                call(Box::new(move |out| Action::ApiRun {
                    line,
                    client,
                    now_ms: clock::now_ms(),
                    out,
                }))
            },
        )
    };
    let run_script = {
        let call = Rc::clone(&call);
        Closure::<dyn Fn(JsValue) -> JsValue>::new(move |text: JsValue| {
            let Some(text) = text.as_string() else {
                return error_value("runScript(text): text must be a string");
            };
            call(Box::new(move |out| Action::ApiScript {
                text,
                now_ms: clock::now_ms(),
                out,
            }))
        })
    };
    let state = {
        let call = Rc::clone(&call);
        Closure::<dyn Fn() -> JsValue>::new(move || {
            call(Box::new(|out| Action::ApiState {
                now_ms: clock::now_ms(),
                out,
            }))
        })
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
    set(&api, "on", on.as_ref());
    // The API lives as long as the page.
    run.forget();
    run_script.forget();
    state.forget();
    on.forget();
    set(&window, "streamplay", &api);
}
