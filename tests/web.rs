//! Component tests of the page in headless Chromium (wasm-bindgen-test): the console renders with
//! its automation hooks and answers a typed command.
//!
//! Run with `cargo test --target wasm32-unknown-unknown --test web` (`.cargo/config.toml` names the
//! runner and chromedriver).
#![cfg(target_arch = "wasm32")]

use gloo_timers::future::TimeoutFuture;
use streamplay::ui::App;
use wasm_bindgen::JsCast;
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// How many turns of the event loop a test waits for the page before it fails. Yew renders
/// asynchronously, a few turns after an event; a few hundred turns is well over a second.
const MAX_TURNS: u32 = 300;

/// Renders the app into a fresh element of its own, so that tests do not see each other's panes.
fn mount() -> Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("the div is added");
    yew::Renderer::<App>::with_root(root.clone()).render();
    root
}

/// Yields to the event loop until `probe` finds something, without a fixed sleep.
async fn wait_for<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..MAX_TURNS {
        if let Some(found) = probe() {
            return found;
        }
        TimeoutFuture::new(0).await;
    }
    panic!("gave up waiting for {what}");
}

fn find(root: &Element, selector: &str) -> Option<Element> {
    root.query_selector(selector).ok().flatten()
}

/// The `pane-line`s of one kind, as text.
fn lines(root: &Element, kind: &str) -> Vec<String> {
    let selector = format!("[data-testid=pane-line][data-kind={kind}]");
    let Ok(list) = root.query_selector_all(&selector) else {
        return Vec::new();
    };
    (0..list.length())
        .filter_map(|i| list.item(i))
        .map(|node| node.text_content().unwrap_or_default())
        .collect()
}

/// Types `line` the way a script or a person would: the value changes, then Enter goes down.
fn submit(input: &HtmlInputElement, line: &str) {
    input.set_value(line);
    let init = KeyboardEventInit::new();
    init.set_key("Enter");
    init.set_bubbles(true);
    init.set_cancelable(true);
    let enter = KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init)
        .expect("a keydown event");
    input
        .dispatch_event(&enter)
        .expect("the event is dispatched");
}

async fn pane_input(root: &Element) -> HtmlInputElement {
    wait_for("the pane's input", || {
        find(root, "[data-testid=pane] [data-testid=pane-input]")
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    })
    .await
}

#[wasm_bindgen_test]
async fn the_pane_has_its_hooks_and_a_labelled_input() {
    let root = mount();
    let input = pane_input(&root).await;
    let pane = find(&root, "[data-testid=pane]").expect("a pane");
    assert_eq!(
        pane.get_attribute("data-client").as_deref(),
        Some("producer")
    );
    let state = find(&pane, "[data-testid=pane-state]").expect("a pane-state");
    assert_eq!(state.text_content().as_deref(), Some("normal"));
    assert!(input
        .get_attribute("aria-label")
        .is_some_and(|label| !label.is_empty()));
    assert!(find(&root, "h1").is_some(), "the page has a heading");
}

#[wasm_bindgen_test]
async fn ping_prints_pong() {
    let root = mount();
    let input = pane_input(&root).await;
    submit(&input, "PING");
    let replies = wait_for("a reply line", || {
        Some(lines(&root, "reply")).filter(|l| !l.is_empty())
    })
    .await;
    assert_eq!(replies, ["PONG"]);
    assert_eq!(lines(&root, "command"), ["producer> PING"]);
    assert_eq!(input.value(), "", "the input is emptied for the next line");
}

#[wasm_bindgen_test]
async fn a_repeat_prefix_runs_the_command_again_and_clear_empties_the_pane() {
    let root = mount();
    let input = pane_input(&root).await;
    submit(&input, "3 PING");
    let replies = wait_for("three replies", || {
        Some(lines(&root, "reply")).filter(|l| l.len() == 3)
    })
    .await;
    assert_eq!(replies, ["PONG", "PONG", "PONG"]);
    submit(&input, "clear");
    wait_for("an empty pane", || {
        find(&root, "[data-testid=pane-line]")
            .is_none()
            .then_some(())
    })
    .await;
}
