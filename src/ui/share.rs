//! Share links in the page: compressing and inflating with the browser's own
//! `CompressionStream`/`DecompressionStream('deflate-raw')` (the format is `crate::share`'s),
//! the toolbar's `share-link` (kept current after each step, computed after the steps settle),
//! and the banner of a session opened from a link (back to the reader's own session, or keep
//! this one as it).

use std::cell::{Cell, RefCell};
use std::rc::Rc;

use gloo_timers::callback::Timeout;
use wasm_bindgen::prelude::*;
use yew::prelude::*;

use super::embed::EmbedParams;
use super::service::Ctl;
use super::state::{Action, Page, Saved};
use super::storage;
use crate::share::{self, LinkError, MAX_TEXT_BYTES};

// The streams read in chunks: inflating stops as soon as the text passes `max` bytes (`done`
// gets `null`), so a small link that inflates to gigabytes never fills the tab. `done` gets the
// bytes, or `undefined` when the data is not raw DEFLATE. Callbacks rather than Promises: the
// page then needs no futures executor.
#[wasm_bindgen(inline_js = r#"
export function sp_inflate(bytes, max, done) {
  const reader = new Blob([bytes]).stream().pipeThrough(new DecompressionStream('deflate-raw')).getReader();
  const parts = [];
  let n = 0;
  const pump = () => reader.read().then(({ done: end, value }) => {
    if (end) {
      const out = new Uint8Array(n);
      let at = 0;
      for (const p of parts) { out.set(p, at); at += p.length; }
      return out;
    }
    n += value.length;
    if (n > max) { reader.cancel(); return null; }
    parts.push(value);
    return pump();
  });
  pump().then(done, () => done(undefined));
}
export function sp_deflate(text, done) {
  const s = new Blob([text]).stream().pipeThrough(new CompressionStream('deflate-raw'));
  new Response(s).arrayBuffer().then((b) => done(new Uint8Array(b)), () => done(undefined));
}
"#)]
extern "C" {
    fn sp_inflate(bytes: &[u8], max: u32, done: &JsValue);
    fn sp_deflate(text: &str, done: &JsValue);
}

/// How the page was opened: from a share link, as an embed, or with a link that could not be
/// read (set once at the start, before the page mounts).
#[derive(Default)]
pub struct Opening {
    /// The steps after the start to run into the session (the link's scenario, less its
    /// start, which `storage::open_in_memory` was given).
    pub rest: Option<String>,
    /// The session is a shared link's.
    pub from_link: bool,
    /// Why a link could not be opened.
    pub notice: Option<String>,
    pub embed: Option<Rc<EmbedParams>>,
    /// Where the reader's own session is saved.
    pub own_key: String,
}

thread_local! {
    static OPENING: RefCell<Option<Rc<Opening>>> = const { RefCell::new(None) };
}

pub fn set_opening(opening: Opening) {
    OPENING.with(|o| *o.borrow_mut() = Some(Rc::new(opening)));
}

/// How the page was opened (`None`: as usual, or a page mounted by the tests).
pub fn opening() -> Option<Rc<Opening>> {
    OPENING.with(|o| o.borrow().clone())
}

/// Once the page is mounted: a preset session's panes lose the "restored" greeting (it was not
/// restored), the link's steps run (each pane shows its commands and replies), and a link that
/// could not be read says why.
pub fn on_mount(ctl: &Ctl, page: &UseReducerHandle<Page>, opening: &Opening) {
    if opening.rest.is_some() || opening.embed.is_some() {
        for pane in &page.panes {
            page.dispatch(Action::ClearLines { pane: pane.key });
        }
    }
    if let Some(rest) = opening.rest.as_deref().filter(|r| !r.trim().is_empty()) {
        if let Err(e) = ctl.run_script(rest) {
            page.dispatch(Action::Notice(Some(format!(
                "The shared link's scenario could not run: {e}"
            ))));
        }
    }
    if let Some(notice) = &opening.notice {
        page.dispatch(Action::Notice(Some(notice.clone())));
    }
}

/// Reads the scenario a link's fragment carries, inflated within the cap, and hands it to
/// `done` (later: the browser inflates asynchronously).
pub fn read_link(fragment: &str, done: impl FnOnce(Result<String, LinkError>) + 'static) {
    let deflated = match share::read_fragment(fragment) {
        Ok(d) => d,
        Err(e) => return done(Err(e)),
    };
    let callback = Closure::once_into_js(move |value: JsValue| {
        done(if value.is_null() {
            Err(LinkError::TooLarge)
        } else if value.is_undefined() {
            Err(LinkError::NotDeflate)
        } else {
            share::scenario_text(js_sys::Uint8Array::new(&value).to_vec())
        })
    });
    sp_inflate(&deflated, MAX_TEXT_BYTES as u32, &callback);
}

/// The page's own address, without query or fragment: links open the full page.
fn page_url() -> String {
    web_sys::window()
        .map(|w| w.location())
        .and_then(|l| Some(format!("{}{}", l.origin().ok()?, l.pathname().ok()?)))
        .unwrap_or_default()
}

/// Makes the link to a session whose scenario is `text` and hands it to `done` (empty if the
/// browser could not compress it).
fn make_link(text: &str, done: impl FnOnce(String) + 'static) {
    let callback = Closure::once_into_js(move |value: JsValue| {
        done(if value.is_undefined() {
            String::new()
        } else {
            let bytes = js_sys::Uint8Array::new(&value).to_vec();
            format!("{}#{}", page_url(), share::fragment(&bytes))
        })
    });
    sp_deflate(text, &callback);
}

/// How long the steps must settle before the link is made again: a burst of steps exports
/// the session once.
const LINK_DELAY_MS: u32 = 150;

#[derive(Properties, PartialEq)]
pub struct ShareLinkProps {
    pub ctl: Ctl,
    /// Changes whenever the session may have changed: the page's save generation (every
    /// step, seek, new session) and its line count (time alone can end a block, which the
    /// scenario records as a clock mark).
    pub generation: (u64, usize),
}

/// `share-link`: an `<a>` whose `href` is the link to the current session, and a copy button.
/// The link is made [`LINK_DELAY_MS`] after the last change (exporting and compressing a big
/// session is not free); until then the previous link stays, marked `data-pending`.
#[component]
pub fn ShareLink(props: &ShareLinkProps) -> Html {
    // One state for the link, whether a newer one is being made, and whether it was copied.
    let shown = use_state(|| (String::new(), true, false));
    // Only the newest request may set the link (an older one can finish later).
    let newest = use_memo((), |_| Rc::new(Cell::new((0u64, 0usize))));
    {
        let ctl = props.ctl.clone();
        let shown = shown.clone();
        let newest = Rc::clone(&newest);
        use_effect_with(props.generation, move |generation| {
            let generation = *generation;
            newest.set(generation);
            shown.set((shown.0.clone(), true, false));
            let timer = Timeout::new(LINK_DELAY_MS, move || {
                let text = ctl.export_scenario();
                if text.len() > MAX_TEXT_BYTES {
                    shown.set((String::new(), false, false));
                    return;
                }
                make_link(&text, move |link| {
                    if newest.get() == generation {
                        shown.set((link, false, false));
                    }
                });
            });
            move || drop(timer)
        });
    }
    let (href, pending, copied) = (*shown).clone();
    let on_copy = {
        let href = href.clone();
        Callback::from(move |_: MouseEvent| {
            if let Some(w) = web_sys::window() {
                // The promise settles later; the page only says that the copy was asked for.
                let _ = w.navigator().clipboard().write_text(&href);
                shown.set((href.clone(), false, true));
            }
        })
    };
    let too_large = !pending && href.is_empty();
    html! {
        <span class="share" role="group" aria-label="Share this session">
            <a class="share-link" data-testid="share-link" href={href.clone()}
               data-pending={pending.then_some("true")} rel="noopener" target="_blank"
               title={if too_large { "Too large for a link (2 MB at most): download the scenario instead" } else { "A link to this session: the same steps, state and ids" }}>
                { "Share link" }
            </a>
            <button type="button" class="share-copy" data-testid="share-copy"
                    disabled={href.is_empty()} onclick={on_copy}>
                { if copied { "Copied" } else { "Copy link" } }
            </button>
        </span>
    }
}

/// Leaves the shared session for the reader's own (reloading the page without the fragment;
/// the reader's saved session was never touched).
pub fn back_to_own() {
    let Some(w) = web_sys::window() else {
        return;
    };
    let l = w.location();
    let url = format!(
        "{}{}",
        l.pathname().unwrap_or_default(),
        l.search().unwrap_or_default()
    );
    if let Ok(h) = w.history() {
        let _ = h.replace_state_with_url(&JsValue::NULL, "", Some(&url));
    }
    let _ = l.reload();
}

/// The banner above a session opened from a link: it says where the session came from and
/// that it is not saved, and offers the reader's own session back (saved under `own_key`,
/// untouched), or this one as theirs (with the panes' state `saved` gives). A plain function,
/// not a component: it has no state of its own.
pub fn link_banner(ctl: &Ctl, own_key: &str, saved: impl Fn() -> Saved + 'static) -> Html {
    let on_back = Callback::from(|_: MouseEvent| back_to_own());
    let on_keep = {
        let ctl = ctl.clone();
        let own = own_key.to_string();
        Callback::from(move |_: MouseEvent| {
            // The reader's own session is replaced on purpose here, and only here.
            if ctl.read(|s| storage::save_session(&own, s)).is_some() {
                storage::save(&own, &saved());
            }
            back_to_own();
        })
    };
    html! {
        <div class="share-banner" data-testid="share-banner" role="status">
            <strong>{ "Opened from a shared link." }</strong>
            { " This session is not saved, and your own session is kept as it was. " }
            <button type="button" data-testid="share-back" onclick={on_back}>{ "Back to my session" }</button>
            <button type="button" data-testid="share-keep" onclick={on_keep}>{ "Keep this as my session" }</button>
        </div>
    }
}
