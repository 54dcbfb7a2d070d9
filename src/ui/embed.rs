//! Embed mode (`?embed`, README "Sharing and embedding"): its URL parameters, its compact
//! layout (the chosen consoles and views, no header, lessons or tour), and the `postMessage`
//! bridge through which a host on another origin calls `window.streamplay`'s methods.
//!
//! An embed keeps nothing in `localStorage` (its storage key is a memory key), so two embeds
//! never overwrite each other or the reader's own session.

use std::rc::Rc;

use js_sys::{Array, Function, Object, Reflect};
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::api::set;
use super::pane::PaneView;
use super::service::Ctl;
use super::state::Page;
use super::views::{
    KeyspaceView, PubSubView, StreamView, TimelineView, ViewAction, Views, ViewsUi,
};
use crate::engine::Profile;
use crate::share::{self, EmbedView, EMBED_METHODS};

/// What an embed's URL asks for.
#[derive(Clone, Debug, PartialEq, Default)]
pub struct EmbedParams {
    /// The views shown, in order (`views=`); none given: every view.
    pub views: Vec<EmbedView>,
    /// The consoles shown (`panes=`), created at the start when no link gives a session;
    /// none given: every pane.
    pub panes: Vec<String>,
    /// The origins whose messages are answered (`origin=`, repeated or comma-separated);
    /// none given: the embed's own origin only.
    pub origins: Vec<String>,
}

/// The embed parameters of the page's URL, or `None` when it is not an embed.
pub fn params() -> Option<Rc<EmbedParams>> {
    let search = web_sys::window()?.location().search().ok()?;
    let q = web_sys::UrlSearchParams::new_with_str(&search).ok()?;
    if !q.has("embed") {
        return None;
    }
    let all = |name: &str| -> Vec<String> {
        q.get_all(name)
            .iter()
            .filter_map(|v| v.as_string())
            .collect()
    };
    let joined = |name: &str| all(name).join(",");
    Some(Rc::new(EmbedParams {
        views: share::embed_views(&joined("views")),
        panes: share::embed_panes(&joined("panes")),
        origins: all("origin")
            .iter()
            .flat_map(|v| v.split(','))
            .filter_map(share::normalize_origin)
            .take(share::MAX_EMBED_ITEMS)
            .collect(),
    }))
}

/// The compact page of an embed: the chosen consoles side by side, then the chosen views.
pub fn layout(
    params: &EmbedParams,
    page: &Page,
    ctl: &Ctl,
    dispatch: &UseReducerDispatcher<Page>,
    view_dispatch: &Callback<ViewAction>,
) -> Html {
    let v8 = page.profile == Profile::V8;
    let panes: Vec<_> = page
        .panes
        .iter()
        .filter(|p| params.panes.is_empty() || params.panes.iter().any(|n| n == p.name()))
        .collect();
    let ui: &Rc<ViewsUi> = &page.views_ui;
    let facts = &page.views;
    let view = |v: &EmbedView| match v {
        EmbedView::Keyspace => html! {
            <KeyspaceView facts={facts.clone()} ui={Rc::clone(ui)} dispatch={view_dispatch.clone()} />
        },
        EmbedView::PubSub => html! {
            <PubSubView facts={facts.clone()} ui={Rc::clone(ui)} dispatch={view_dispatch.clone()} />
        },
        EmbedView::Stream(key) => html! {
            <StreamView key={key.clone()} facts={facts.clone()} ui={Rc::clone(ui)} db={0}
                        name={AttrValue::from(key.clone())} dispatch={view_dispatch.clone()}
                        ctl={ctl.clone()} />
        },
        EmbedView::Timeline => html! {
            <TimelineView facts={Rc::clone(&facts.timeline)} ctl={ctl.clone()} />
        },
    };
    html! {
        <main class="app embed" data-testid="embed">
            if let Some(notice) = &page.notice {
                <p class="notice" data-testid="session-notice" role="alert">{ notice.clone() }</p>
            }
            <div class="panes" aria-label="Consoles" style={format!("--panes:{}", panes.len().max(1))}>
                { for panes.into_iter().map(|pane| {
                    let now_ms = if pane.facts.block_deadline_ms.is_some() { page.clock.now_ms } else { 0 };
                    html! {
                        <PaneView key={pane.key} pane={Rc::clone(pane)} ctl={ctl.clone()}
                                  dispatch={dispatch.clone()} {v8} {now_ms} />
                    }
                }) }
            </div>
            if params.views.is_empty() {
                <Views facts={facts.clone()} ui={Rc::clone(ui)} ctl={ctl.clone()}
                       dispatch={view_dispatch.clone()} />
            } else {
                <section class="views" aria-label="Views" data-testid="views">
                    { for params.views.iter().map(view) }
                </section>
            }
        </main>
    }
}

/// `{streamplay: 1, id, ...}`: a message of the protocol.
fn message(id: &JsValue) -> Object {
    let o = Object::new();
    set(&o, "streamplay", &JsValue::from_f64(1.0));
    set(&o, "id", id);
    o
}

/// Posts `value` to `target` (a window) for `origin` only; `false` when it could not be sent
/// (a value the browser cannot clone).
fn post(target: &JsValue, value: &JsValue, origin: &str) -> bool {
    let Ok(f) = Reflect::get(target, &JsValue::from_str("postMessage")) else {
        return false;
    };
    f.dyn_into::<Function>()
        .ok()
        .and_then(|f| f.call2(target, value, &JsValue::from_str(origin)).ok())
        .is_some()
}

/// Answers one message from an allowed origin: calls the method on `window.streamplay` with
/// the arguments and replies `{streamplay: 1, id, result}` or `{streamplay: 1, id, error}`.
fn answer(data: &JsValue, source: &JsValue, origin: &str) {
    let field = |name: &str| Reflect::get(data, &JsValue::from_str(name)).unwrap_or_default();
    // The id is echoed only when it is a string or a number.
    let id = field("id");
    let id = if id.as_string().is_some() || id.as_f64().is_some() {
        id
    } else {
        JsValue::NULL
    };
    let reply = message(&id);
    let method = field("method").as_string().unwrap_or_default();
    let args = field("args");
    let args = if args.is_undefined() {
        Array::new()
    } else if Array::is_array(&args) {
        Array::from(&args)
    } else {
        set(&reply, "error", &JsValue::from_str("args must be an array"));
        post(source, &reply, origin);
        return;
    };
    if !EMBED_METHODS.contains(&method.as_str()) {
        set(
            &reply,
            "error",
            &JsValue::from_str(
                "unknown method (run, runScript, state, steps, seek, exportScenario, on)",
            ),
        );
        post(source, &reply, origin);
        return;
    }
    let api = web_sys::window()
        .and_then(|w| Reflect::get(&w, &JsValue::from_str("streamplay")).ok())
        .unwrap_or_default();
    if method == "on" {
        // The callback posts each notification to the host: `{streamplay: 1, id, event, data}`
        // (the id of the `on` message, so the host can tell its subscriptions apart).
        let event = args.get(0);
        let target = source.clone();
        let to = origin.to_string();
        let name = event.as_string().unwrap_or_default();
        let notify_id = id.clone();
        let callback = Closure::<dyn Fn(JsValue)>::new(move |value: JsValue| {
            let m = message(&notify_id);
            set(&m, "event", &JsValue::from_str(&name));
            set(&m, "data", &value);
            post(&target, &m, &to);
        });
        let on_args = Array::of2(&event, callback.as_ref());
        let result = call(&api, "on", &on_args);
        // The subscription lasts as long as the page (there is no `off`).
        callback.forget();
        respond(&reply, result, source, origin);
        return;
    }
    let result = call(&api, &method, &args);
    respond(&reply, result, source, origin);
}

fn call(api: &JsValue, method: &str, args: &Array) -> Result<JsValue, JsValue> {
    let f: Function = Reflect::get(api, &JsValue::from_str(method))?.dyn_into()?;
    f.apply(api, args)
}

/// Sends a call's result, or the error it threw, or says that the result could not be sent.
fn respond(reply: &Object, result: Result<JsValue, JsValue>, source: &JsValue, origin: &str) {
    match result {
        Ok(v) => set(reply, "result", &v),
        Err(e) => {
            let text = e
                .dyn_ref::<js_sys::Error>()
                .map(|e| String::from(e.message()))
                .unwrap_or_else(|| "the call failed".into());
            set(reply, "error", &JsValue::from_str(&text));
        }
    }
    if !post(source, reply, origin) {
        let m = message(&Reflect::get(reply, &JsValue::from_str("id")).unwrap_or_default());
        set(
            &m,
            "error",
            &JsValue::from_str("the result cannot be sent as a message"),
        );
        post(source, &m, origin);
    }
}

/// Listens for the hosts' messages: only from an allowed origin (the `origin=` list, or the
/// embed's own origin), only the protocol's messages (`streamplay: 1`); anything else is
/// ignored without an answer.
pub fn install_bridge(params: &EmbedParams) {
    let Some(window) = web_sys::window() else {
        return;
    };
    let own = window.location().origin().unwrap_or_default();
    let allowed = params.origins.clone();
    let listener = Closure::<dyn Fn(JsValue)>::new(move |event: JsValue| {
        let get = |name: &str| Reflect::get(&event, &JsValue::from_str(name)).unwrap_or_default();
        let origin = get("origin").as_string().unwrap_or_default();
        if !share::origin_allowed(&origin, &allowed, &own) {
            return;
        }
        let data = get("data");
        let source = get("source");
        if !data.is_object() || source.is_null() || source.is_undefined() {
            return;
        }
        let version = Reflect::get(&data, &JsValue::from_str("streamplay")).unwrap_or_default();
        if version.as_f64() != Some(1.0) {
            return;
        }
        answer(&data, &source, &origin);
    });
    let _ = window.add_event_listener_with_callback("message", listener.as_ref().unchecked_ref());
    // The bridge lives as long as the page.
    listener.forget();
}
