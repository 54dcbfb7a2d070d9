//! The Yew page (wasm32 only): the app shell, its console panes, and the state they share.
//!
//! - `service`: the page's one `crate::session::Session` (outside the reducer) and the calls
//!   that change it, each handing what the session returned to the reducer;
//! - `state`: the page's own state (each pane's lines, input, history, toggles and client
//!   facts) and its pure reducer;
//! - `lines`: a pane's output store (reference-counted chunks, cheap to copy and append to);
//! - `clock`: real time (read nowhere else);
//! - `frame`: layout reads deferred to the next animation frame, once per frame;
//! - `app`: the page shell (toolbar, panes, the clock tick, saving, the JS API);
//! - `pane`: one console pane (header, state, prompt, input keys, hint);
//! - `output`: a pane's output lines, virtualized;
//! - `storage`: the session and the pane state across reloads in `localStorage`;
//! - `api`: `window.streamplay`;
//! - `learn`: the lessons and challenges panel and the first visit's welcome;
//! - `share`: share links in the page (compression by the browser, the toolbar's link, the
//!   banner of a session opened from a link);
//! - `embed`: embed mode (`?embed`: its parameters, compact layout and `postMessage` bridge);
//! - `views`: the views beside the consoles (keyspace, Pub/Sub, streams and groups, what just
//!   happened) and the timeline, drawn from the session's view model.

mod api;
mod app;
mod clock;
mod embed;
mod frame;
mod learn;
mod lines;
mod output;
mod pane;
mod service;
mod share;
mod state;
mod storage;
mod views;

pub use app::{App, AppProps, STORAGE_KEY};
pub use storage::{base64_decode, base64_encode};

/// Mounts the page into `<body>`: the reader's own session, or a share link's (its fragment
/// is inflated first, asynchronously), or an embed (`?embed`); neither of the last two reads
/// or writes the reader's storage.
pub fn start() {
    let Some(window) = web_sys::window() else {
        return;
    };
    // A share link pasted into the address bar of an open page changes only the fragment:
    // the page opens it as it would have on load.
    let on_hash = wasm_bindgen::closure::Closure::<dyn Fn()>::new(|| {
        if let Some(l) = web_sys::window().map(|w| w.location()) {
            if crate::share::is_link(&l.hash().unwrap_or_default()) {
                let _ = l.reload();
            }
        }
    });
    let _ = window.add_event_listener_with_callback(
        "hashchange",
        wasm_bindgen::JsCast::unchecked_ref(on_hash.as_ref()),
    );
    on_hash.forget();
    let embed = embed::params();
    let hash = window.location().hash().unwrap_or_default();
    if !crate::share::is_link(&hash) {
        mount(None, embed);
        return;
    }
    share::read_link(&hash, move |text| {
        mount(Some(text.and_then(|t| crate::share::open(&t))), embed);
    });
}

/// Mounts the page for what the URL gave.
fn mount(
    link: Option<Result<crate::share::Opened, crate::share::LinkError>>,
    embed: Option<std::rc::Rc<embed::EmbedParams>>,
) {
    let mut opening = share::Opening {
        own_key: STORAGE_KEY.to_string(),
        embed: embed.clone(),
        ..share::Opening::default()
    };
    match link {
        Some(Ok(opened)) => {
            storage::open_in_memory(opened.start(service::page_config()));
            opening.rest = Some(opened.rest);
            opening.from_link = true;
        }
        Some(Err(e)) => opening.notice = Some(e.to_string()),
        None => {}
    }
    if let (Some(params), false) = (&embed, opening.from_link) {
        // An embed without a link starts with its panes, the clock paused as a link's is.
        let names: Vec<&str> = params.panes.iter().map(String::as_str).collect();
        let names = if names.is_empty() {
            vec![state::DEFAULT_PANE_NAME]
        } else {
            names
        };
        let mut session = crate::session::Session::with_panes(
            service::page_config(),
            crate::engine::Profile::default(),
            clock::now_ms(),
            &names,
        )
        .unwrap_or_else(|_| {
            crate::session::Session::new(
                service::page_config(),
                Default::default(),
                clock::now_ms(),
            )
        });
        session.set_paused(true);
        storage::open_in_memory(session);
    }
    let storage_key = match (&embed, opening.from_link) {
        (Some(_), _) => format!("{}embed", storage::MEMORY),
        (None, true) => format!("{}link", storage::MEMORY),
        (None, false) => STORAGE_KEY.to_string(),
    };
    share::set_opening(opening);
    yew::Renderer::<App>::with_props(AppProps {
        storage_key: storage_key.into(),
    })
    .render();
}
