//! Component tests of the page in headless Chromium (wasm-bindgen-test): the console renders with
//! its automation hooks and answers a typed command.
//!
//! Run with `cargo test --target wasm32-unknown-unknown --test web` (`.cargo/config.toml` names the
//! runner and chromedriver).
#![cfg(target_arch = "wasm32")]

use std::cell::Cell;

use gloo_timers::future::TimeoutFuture;
use js_sys::{Function, Reflect};
use streamplay::ui::{App, AppProps};
use wasm_bindgen::{JsCast, JsValue};
use wasm_bindgen_test::{wasm_bindgen_test, wasm_bindgen_test_configure};
use web_sys::{Element, HtmlElement, HtmlInputElement, KeyboardEvent, KeyboardEventInit};

wasm_bindgen_test_configure!(run_in_browser);

/// How many turns of the event loop a test waits for the page before it fails. Yew renders
/// asynchronously, a few turns after an event; a few hundred turns is well over a second.
const MAX_TURNS: u32 = 300;

thread_local! {
    static MOUNTS: Cell<u32> = const { Cell::new(0) };
}

/// A `localStorage` key no other test uses.
fn fresh_key() -> String {
    let n = MOUNTS.with(|m| {
        m.set(m.get() + 1);
        m.get()
    });
    format!("streamplay.test.{}.{n}", js_sys::Date::now())
}

fn storage() -> web_sys::Storage {
    web_sys::window()
        .and_then(|w| w.local_storage().ok().flatten())
        .expect("localStorage")
}

/// Renders the app into a fresh element of its own, saving under its own key, so that tests do
/// not see each other's panes.
fn mount() -> Element {
    mount_with(&fresh_key())
}

/// Renders the app saving its session under `key` (a second mount with the same key is a reload).
fn mount_with(key: &str) -> Element {
    let document = web_sys::window()
        .and_then(|w| w.document())
        .expect("a document");
    let root = document.create_element("div").expect("a div");
    document
        .body()
        .expect("a body")
        .append_child(&root)
        .expect("the div is added");
    let props = AppProps {
        storage_key: key.to_string().into(),
    };
    yew::Renderer::<App>::with_root_and_props(root.clone(), props).render();
    root
}

/// What a reload does to the page being left: `pagehide`, on which the page saves the session
/// at once (otherwise a save waits up to 500 ms after the last step, and a "reload" mounted
/// sooner would read the state before it).
fn leave_page() {
    let event = web_sys::Event::new("pagehide").expect("an event");
    web_sys::window()
        .expect("a window")
        .dispatch_event(&event)
        .expect("dispatched");
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

/// A keydown of `key` (with Ctrl when `ctrl`) on `target`.
fn press(target: &Element, key: &str, ctrl: bool) {
    let init = KeyboardEventInit::new();
    init.set_key(key);
    init.set_ctrl_key(ctrl);
    init.set_bubbles(true);
    init.set_cancelable(true);
    let event =
        KeyboardEvent::new_with_keyboard_event_init_dict("keydown", &init).expect("a keydown");
    target.dispatch_event(&event).expect("dispatched");
}

/// Types `text` into `input` as an edit (the value changes, then an `input` event).
fn type_text(input: &HtmlInputElement, text: &str) {
    input.set_value(text);
    let init = web_sys::InputEventInit::new();
    init.set_bubbles(true);
    let event = web_sys::InputEvent::new_with_event_init_dict("input", &init).expect("an input");
    input.dispatch_event(&event).expect("dispatched");
}

fn click(root: &Element, selector: &str) {
    find(root, selector)
        .and_then(|e| e.dyn_into::<HtmlElement>().ok())
        .unwrap_or_else(|| panic!("no {selector}"))
        .click();
}

fn text_of(root: &Element, selector: &str) -> Option<String> {
    find(root, selector).and_then(|e| e.text_content())
}

/// The panes, in order.
fn panes(root: &Element) -> Vec<Element> {
    let list = root
        .query_selector_all("[data-testid=pane]")
        .expect("a selector");
    (0..list.length())
        .filter_map(|i| list.item(i))
        .filter_map(|n| n.dyn_into::<Element>().ok())
        .collect()
}

fn input_of(pane: &Element) -> HtmlInputElement {
    find(pane, "[data-testid=pane-input]")
        .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
        .expect("a pane input")
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

#[wasm_bindgen_test]
async fn panes_are_added_renamed_and_removed() {
    let root = mount();
    pane_input(&root).await;
    click(&root, "[data-testid=add-pane]");
    click(&root, "[data-testid=add-pane]");
    let all = wait_for("three panes", || {
        Some(panes(&root)).filter(|p| p.len() == 3)
    })
    .await;
    let names: Vec<String> = all
        .iter()
        .map(|p| p.get_attribute("data-client").unwrap_or_default())
        .collect();
    assert_eq!(names, ["producer", "worker-1", "worker-2"]);
    assert_eq!(
        all[1].get_attribute("aria-label").as_deref(),
        Some("Console worker-1")
    );
    assert_eq!(all[1].get_attribute("role").as_deref(), Some("region"));
    let ids: Vec<String> = all
        .iter()
        .map(|p| text_of(p, "[data-testid=pane-client-id]").unwrap_or_default())
        .collect();
    assert_eq!(ids.len(), 3);
    assert!(
        ids[0] != ids[1] && ids[1] != ids[2],
        "each pane has its own client: {ids:?}"
    );

    // Rename: the title becomes a field; Enter commits, Escape cancels.
    click(&all[1], "[data-testid=pane-rename]");
    let field = wait_for("the rename field", || {
        find(&all[1], "[data-testid=pane-rename-input]")
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    })
    .await;
    field.set_value("consumer");
    press(&field, "Enter", false);
    wait_for("the new name", || {
        (panes(&root)[1].get_attribute("data-client").as_deref() == Some("consumer")).then_some(())
    })
    .await;
    assert!(find(&root, "[data-testid=pane-rename-input]").is_none());
    click(&panes(&root)[1], "[data-testid=pane-rename]");
    let field = wait_for("the rename field", || {
        find(&root, "[data-testid=pane-rename-input]")
            .and_then(|e| e.dyn_into::<HtmlInputElement>().ok())
    })
    .await;
    field.set_value("ignored");
    press(&field, "Escape", false);
    wait_for("the field to go", || {
        find(&root, "[data-testid=pane-rename-input]")
            .is_none()
            .then_some(())
    })
    .await;
    assert_eq!(
        panes(&root)[1].get_attribute("data-client").as_deref(),
        Some("consumer")
    );
    // The prompt follows the name.
    let input = input_of(&panes(&root)[1]);
    submit(&input, "PING");
    wait_for("the echo", || {
        lines(&panes(&root)[1], "command")
            .contains(&"consumer> PING".to_string())
            .then_some(())
    })
    .await;

    click(&panes(&root)[1], "[data-testid=pane-remove]");
    let left = wait_for("two panes", || Some(panes(&root)).filter(|p| p.len() == 2)).await;
    let focused = web_sys::window()
        .and_then(|w| w.document())
        .and_then(|d| d.active_element());
    assert_eq!(
        focused,
        find(&left[1], "[data-testid=pane-input]"),
        "the focus moves to the next pane's input"
    );
    let names: Vec<String> = left
        .iter()
        .map(|p| p.get_attribute("data-client").unwrap_or_default())
        .collect();
    assert_eq!(names, ["producer", "worker-2"]);
    // The next new pane takes the first free default name.
    click(&root, "[data-testid=add-pane]");
    let all = wait_for("three panes", || {
        Some(panes(&root)).filter(|p| p.len() == 3)
    })
    .await;
    assert_eq!(
        all[2].get_attribute("data-client").as_deref(),
        Some("worker-1")
    );
}

#[wasm_bindgen_test]
async fn client_setname_and_hello_show_in_the_header() {
    let root = mount();
    let input = pane_input(&root).await;
    assert_eq!(
        text_of(&root, "[data-testid=pane-protocol]").as_deref(),
        Some("RESP2")
    );
    submit(&input, "CLIENT SETNAME reader");
    wait_for("the new name", || {
        (panes(&root)[0].get_attribute("data-client").as_deref() == Some("reader")).then_some(())
    })
    .await;
    submit(&input, "HELLO 3");
    wait_for("RESP3", || {
        (text_of(&root, "[data-testid=pane-protocol]").as_deref() == Some("RESP3")).then_some(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_state_badge_follows_multi_and_exec() {
    let root = mount();
    let input = pane_input(&root).await;
    let state = || text_of(&root, "[data-testid=pane-state]").unwrap_or_default();
    submit(&input, "MULTI");
    wait_for("multi", || (state() == "multi").then_some(())).await;
    submit(&input, "INCR n");
    wait_for("QUEUED", || {
        lines(&root, "reply")
            .contains(&"QUEUED".to_string())
            .then_some(())
    })
    .await;
    assert_eq!(
        lines(&root, "command").last().map(String::as_str),
        Some("producer(TX)> INCR n")
    );
    submit(&input, "EXEC");
    wait_for("normal", || (state() == "normal").then_some(())).await;
    assert_eq!(
        lines(&root, "reply").last().map(String::as_str),
        Some("1) (integer) 1")
    );
}

#[wasm_bindgen_test]
async fn a_blocked_pane_shows_its_keys_and_countdown_and_ctrl_c_times_it_out() {
    let root = mount();
    let input = pane_input(&root).await;
    submit(&input, "XREAD BLOCK 5000 STREAMS orders $");
    wait_for("blocked", || {
        (text_of(&root, "[data-testid=pane-state]").as_deref() == Some("blocked")).then_some(())
    })
    .await;
    assert_eq!(
        text_of(&root, "[data-testid=pane-blocked-keys]").as_deref(),
        Some("orders")
    );
    let countdown = find(&root, "[data-testid=pane-countdown]").expect("a countdown");
    let ms: u64 = countdown
        .get_attribute("data-ms")
        .and_then(|m| m.parse().ok())
        .expect("data-ms");
    assert!(ms > 0 && ms <= 5000, "{ms}");
    assert!(countdown.text_content().unwrap_or_default().ends_with(" s"));
    // Nothing runs while the command blocks.
    submit(&input, "PING");
    wait_for("the explanation", || {
        lines(&root, "info")
            .iter()
            .any(|l| l.contains("Ctrl+C"))
            .then_some(())
    })
    .await;
    assert!(lines(&root, "reply").is_empty());
    press(&input, "c", true);
    wait_for("the timeout reply", || {
        (lines(&root, "reply") == ["(nil)"]).then_some(())
    })
    .await;
    assert_eq!(
        text_of(&root, "[data-testid=pane-state]").as_deref(),
        Some("normal")
    );
    assert!(find(&root, "[data-testid=pane-countdown]").is_none());
}

#[wasm_bindgen_test]
async fn a_block_without_timeout_is_served_by_another_pane() {
    let root = mount();
    pane_input(&root).await;
    click(&root, "[data-testid=add-pane]");
    let all = wait_for("two panes", || Some(panes(&root)).filter(|p| p.len() == 2)).await;
    submit(&input_of(&all[1]), "XREAD BLOCK 0 STREAMS s $");
    wait_for("blocked", || {
        (text_of(&all[1], "[data-testid=pane-state]").as_deref() == Some("blocked")).then_some(())
    })
    .await;
    assert!(
        find(&all[1], "[data-testid=pane-countdown]").is_none(),
        "BLOCK 0 has no countdown"
    );
    submit(&input_of(&all[0]), "XADD s 1-1 f v");
    let served = wait_for("the served read", || {
        Some(lines(&all[1], "reply")).filter(|l| !l.is_empty())
    })
    .await;
    assert_eq!(
        served,
        [
            "1) 1) \"s\"",
            "   2) 1) 1) \"1-1\"",
            "         2) 1) \"f\"",
            "            2) \"v\""
        ]
    );
    assert_eq!(
        text_of(&all[1], "[data-testid=pane-state]").as_deref(),
        Some("normal")
    );
}

#[wasm_bindgen_test]
async fn the_raw_toggle_prints_resp_bytes_and_errors_stay_errors() {
    let root = mount();
    let input = pane_input(&root).await;
    let toggle = find(&root, "[data-testid=pane-raw-toggle]").expect("a toggle");
    assert_eq!(
        toggle.get_attribute("aria-pressed").as_deref(),
        Some("false")
    );
    click(&root, "[data-testid=pane-raw-toggle]");
    wait_for("pressed", || {
        (find(&root, "[data-testid=pane-raw-toggle]")?
            .get_attribute("aria-pressed")
            .as_deref()
            == Some("true"))
        .then_some(())
    })
    .await;
    submit(&input, "XADD s 1-1 a bc");
    submit(&input, "XRANGE s - +");
    submit(&input, "GET s");
    wait_for("an error", || {
        Some(lines(&root, "error")).filter(|l| !l.is_empty())
    })
    .await;
    assert_eq!(
        lines(&root, "reply"),
        [
            r"$3\r\n1-1\r\n",
            r"*1\r\n*2\r\n$3\r\n1-1\r\n*2\r\n$1\r\na\r\n$2\r\nbc\r\n"
        ]
    );
    assert_eq!(
        lines(&root, "error"),
        [r"-WRONGTYPE Operation against a key holding the wrong kind of value\r\n"]
    );
    click(&root, "[data-testid=pane-raw-toggle]");
    submit(&input, "XLEN s");
    wait_for("a formatted reply", || {
        lines(&root, "reply")
            .contains(&"(integer) 1".to_string())
            .then_some(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_hint_shrinks_as_arguments_are_typed() {
    let root = mount();
    let input = pane_input(&root).await;
    let hint = || text_of(&root, "[data-testid=pane-hint]").unwrap_or_default();
    // The page starts in the 8 profile: the hints are redis-cli 8.0.2's (argument display texts).
    type_text(&input, "XGROUP CREATE");
    wait_for("the hint", || {
        (hint() == " key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]").then_some(())
    })
    .await;
    type_text(&input, "XGROUP CREATE k ");
    wait_for("a shorter hint", || {
        (hint() == "group id|$ [MKSTREAM] [ENTRIESREAD entries-read]").then_some(())
    })
    .await;
    type_text(&input, "XA");
    wait_for("no hint", || hint().is_empty().then_some(())).await;
    submit(&input, ":set nohints");
    type_text(&input, "GET");
    TimeoutFuture::new(20).await;
    assert_eq!(hint(), "", "hints are off");
}

#[wasm_bindgen_test]
async fn tab_completes_and_cycles_and_escape_restores() {
    let root = mount();
    let input = pane_input(&root).await;
    type_text(&input, "xgr");
    press(&input, "Tab", false);
    wait_for("XGROUP", || (input.value() == "XGROUP").then_some(())).await;
    press(&input, "Tab", false);
    wait_for("XGROUP CREATE", || {
        (input.value() == "XGROUP CREATE").then_some(())
    })
    .await;
    assert_eq!(
        text_of(&root, "[data-testid=pane-hint]").as_deref(),
        Some(" key group id|$ [MKSTREAM] [ENTRIESREAD entries-read]")
    );
    press(&input, "Escape", false);
    wait_for("xgr again", || (input.value() == "xgr").then_some(())).await;

    // Keywords and key names too.
    submit(&input, "XADD orders 1-1 f v");
    type_text(&input, "XRANGE or");
    press(&input, "Tab", false);
    wait_for("the key", || {
        (input.value() == "XRANGE orders").then_some(())
    })
    .await;
    type_text(&input, "XADD orders NOM");
    press(&input, "Tab", false);
    wait_for("the keyword", || {
        (input.value() == "XADD orders NOMKSTREAM").then_some(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn history_walks_back_and_survives_a_reload() {
    let key = fresh_key();
    let root = mount_with(&key);
    let input = pane_input(&root).await;
    submit(&input, "PING");
    submit(&input, "ECHO hi");
    wait_for("two replies", || {
        Some(()).filter(|_| lines(&root, "reply").len() == 2)
    })
    .await;
    press(&input, "ArrowUp", false);
    wait_for("ECHO hi", || (input.value() == "ECHO hi").then_some(())).await;
    press(&input, "ArrowUp", false);
    wait_for("PING", || (input.value() == "PING").then_some(())).await;
    press(&input, "ArrowDown", false);
    wait_for("ECHO hi", || (input.value() == "ECHO hi").then_some(())).await;
    press(&input, "ArrowDown", false);
    wait_for("empty", || input.value().is_empty().then_some(())).await;
    click(&root, "[data-testid=add-pane]");
    wait_for("two panes", || Some(()).filter(|_| panes(&root).len() == 2)).await;

    // A second page on the same storage is a reload: same panes, same history.
    leave_page();
    let again = mount_with(&key);
    let restored = wait_for("two restored panes", || {
        Some(panes(&again)).filter(|p| p.len() == 2)
    })
    .await;
    assert_eq!(
        restored[1].get_attribute("data-client").as_deref(),
        Some("worker-1")
    );
    let input = input_of(&restored[0]);
    press(&input, "ArrowUp", false);
    wait_for("ECHO hi after reload", || {
        (input.value() == "ECHO hi").then_some(())
    })
    .await;
    assert!(find(&again, "[data-testid=session-notice]").is_none());

    // A removed pane's history comes back with a new pane of the same name, reload or not.
    submit(&input_of(&restored[1]), "ECHO from-worker");
    wait_for("its reply", || {
        lines(&restored[1], "reply")
            .contains(&"\"from-worker\"".to_string())
            .then_some(())
    })
    .await;
    click(&restored[1], "[data-testid=pane-remove]");
    wait_for("one pane", || Some(()).filter(|_| panes(&again).len() == 1)).await;
    leave_page();
    let third = mount_with(&key);
    wait_for("one restored pane", || {
        Some(()).filter(|_| panes(&third).len() == 1)
    })
    .await;
    click(&third, "[data-testid=add-pane]");
    let back = wait_for("worker-1 again", || {
        Some(panes(&third)).filter(|p| p.len() == 2)
    })
    .await;
    assert_eq!(
        back[1].get_attribute("data-client").as_deref(),
        Some("worker-1")
    );
    let input = input_of(&back[1]);
    press(&input, "ArrowUp", false);
    wait_for("its old history", || {
        (input.value() == "ECHO from-worker").then_some(())
    })
    .await;
}

#[wasm_bindgen_test]
async fn an_unreadable_saved_session_is_kept_aside_and_reported() {
    let key = fresh_key();
    storage().set_item(&key, "{not json").expect("stored");
    let root = mount_with(&key);
    let notice = wait_for("the notice", || find(&root, "[data-testid=session-notice]")).await;
    let text = notice.text_content().unwrap_or_default();
    assert!(text.contains("could not be read"), "{text}");
    let store = storage();
    let aside = (0..store.length().unwrap_or(0))
        .filter_map(|i| store.key(i).ok().flatten())
        .find(|k| k.starts_with(&format!("{key}.unreadable.")))
        .expect("the old session kept aside");
    assert_eq!(
        store.get_item(&aside).ok().flatten().as_deref(),
        Some("{not json")
    );
    assert!(text.contains(&aside), "the notice names the key: {text}");
    assert_eq!(panes(&root).len(), 1, "a fresh session");
}

#[wasm_bindgen_test]
async fn ctrl_l_clears_and_ctrl_c_clears_the_input() {
    let root = mount();
    let input = pane_input(&root).await;
    submit(&input, "PING");
    wait_for("a reply", || {
        Some(()).filter(|_| !lines(&root, "reply").is_empty())
    })
    .await;
    press(&input, "l", true);
    wait_for("no lines", || {
        find(&root, "[data-testid=pane-line]")
            .is_none()
            .then_some(())
    })
    .await;
    type_text(&input, "GET something");
    wait_for("typed", || (input.value() == "GET something").then_some(())).await;
    input.set_selection_range(13, 13).expect("caret");
    press(&input, "c", true);
    wait_for("cleared input", || input.value().is_empty().then_some(())).await;
}

#[wasm_bindgen_test]
async fn a_multi_line_paste_runs_each_line() {
    let root = mount();
    let input = pane_input(&root).await;
    let data = web_sys::DataTransfer::new().expect("a DataTransfer");
    data.set_data("text", "SET a 1\nINCR a\r\nGET a\n")
        .expect("data");
    let init = web_sys::ClipboardEventInit::new();
    init.set_clipboard_data(Some(&data));
    init.set_bubbles(true);
    init.set_cancelable(true);
    let paste = web_sys::ClipboardEvent::new_with_event_init_dict("paste", &init).expect("paste");
    input.dispatch_event(&paste).expect("dispatched");
    let replies = wait_for("three replies", || {
        Some(lines(&root, "reply")).filter(|l| l.len() == 3)
    })
    .await;
    assert_eq!(replies, ["OK", "(integer) 2", "\"2\""]);
    assert_eq!(
        lines(&root, "command"),
        ["producer> SET a 1", "producer> INCR a", "producer> GET a"]
    );
}

#[wasm_bindgen_test]
async fn a_hundred_thousand_lines_render_only_a_window() {
    let window = web_sys::window().expect("a window");
    Reflect::delete_property(&window, &"streamplay".into()).expect("deleted");
    let root = mount();
    let input = pane_input(&root).await;
    wait_for("window.streamplay", || api().is_object().then_some(())).await;
    submit(&input, "100000 PING");
    let rendered = wait_for("the newest lines", || {
        Some(lines(&root, "reply")).filter(|l| !l.is_empty())
    })
    .await;
    assert!(rendered.len() < 300, "{} lines in the page", rendered.len());
    let state = streamplay_state();
    let count = Reflect::get(&pane0(&state), &"lines".into())
        .unwrap()
        .as_f64();
    assert_eq!(count, Some(100_001.0));
    // The newest line is in the page and typing still answers.
    submit(&input, "ECHO last");
    wait_for("the newest reply", || {
        lines(&root, "reply")
            .contains(&"\"last\"".to_string())
            .then_some(())
    })
    .await;
}

fn api() -> JsValue {
    Reflect::get(&web_sys::window().unwrap(), &"streamplay".into()).unwrap_or(JsValue::UNDEFINED)
}

fn api_fn(name: &str) -> Function {
    Reflect::get(&api(), &name.into())
        .expect("a member")
        .dyn_into::<Function>()
        .expect("a function")
}

fn streamplay_state() -> JsValue {
    api_fn("state").call0(&JsValue::NULL).expect("state()")
}

fn pane0(state: &JsValue) -> JsValue {
    let panes = Reflect::get(state, &"panes".into()).unwrap();
    Reflect::get(&panes, &0.into()).unwrap()
}

#[wasm_bindgen_test]
async fn the_js_api_runs_commands_and_reports_state_and_lines() {
    // Each page installs its own API; wait for this page's.
    let window = web_sys::window().expect("a window");
    Reflect::delete_property(&window, &"streamplay".into()).expect("deleted");
    let root = mount();
    pane_input(&root).await;
    wait_for("window.streamplay", || api().is_object().then_some(())).await;
    let run = api_fn("run");
    let seen = js_sys::Array::new();
    let listener = {
        let seen = seen.clone();
        wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new(move |v: JsValue| {
            seen.push(&v);
        })
    };
    api_fn("on")
        .call2(&JsValue::NULL, &"line".into(), listener.as_ref())
        .expect("on()");
    listener.forget();
    let events = js_sys::Array::new();
    let on_event = {
        let events = events.clone();
        wasm_bindgen::closure::Closure::<dyn Fn(JsValue)>::new(move |v: JsValue| {
            events.push(&v);
        })
    };
    api_fn("on")
        .call2(&JsValue::NULL, &"engine-event".into(), on_event.as_ref())
        .expect("on()");
    on_event.forget();
    let ok = run.call1(&JsValue::NULL, &"SET a 1".into()).expect("run");
    let types: Vec<String> = events
        .iter()
        .filter_map(|e| Reflect::get(&e, &"type".into()).ok()?.as_string())
        .collect();
    assert!(types.contains(&"KeyWritten".to_string()), "{types:?}");
    assert_eq!(ok.as_string().as_deref(), Some("OK"));
    let n = run.call1(&JsValue::NULL, &"INCR a".into()).expect("run");
    assert_eq!(n.as_f64(), Some(2.0));
    let nil = run
        .call1(&JsValue::NULL, &"GET nothing".into())
        .expect("run");
    assert!(nil.is_null());
    let err = run.call1(&JsValue::NULL, &"XLEN a".into()).expect("run");
    let message = Reflect::get(&err, &"error".into())
        .unwrap()
        .as_string()
        .unwrap_or_default();
    assert!(message.starts_with("WRONGTYPE"), "{message}");
    let list = run
        .call2(
            &JsValue::NULL,
            &"XRANGE nothing - +".into(),
            &"helper".into(),
        )
        .expect("run");
    assert_eq!(js_sys::Array::from(&list).length(), 0);
    let state = streamplay_state();
    let listed = Reflect::get(&state, &"panes".into()).unwrap();
    assert_eq!(
        js_sys::Array::from(&listed).length(),
        2,
        "run(line, name) made a pane"
    );
    assert_eq!(
        Reflect::get(&state, &"profile".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("8")
    );
    let second = Reflect::get(&listed, &1.into()).unwrap();
    assert_eq!(
        Reflect::get(&second, &"name".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("helper")
    );
    assert_eq!(
        Reflect::get(&second, &"state".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("normal")
    );
    assert_eq!(
        Reflect::get(&second, &"protocol".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("RESP2")
    );
    assert!(seen.length() >= 10, "line events: {}", seen.length());
    let first = seen.get(0);
    assert_eq!(
        Reflect::get(&first, &"kind".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("command")
    );
    assert_eq!(
        Reflect::get(&first, &"text".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("producer> SET a 1")
    );
    let script = api_fn("runScript")
        .call1(&JsValue::NULL, &"A> SET k v\nB> GET k\n".into())
        .expect("runScript");
    let replies = js_sys::Array::from(&script);
    assert_eq!(replies.length(), 2);
    assert_eq!(replies.get(1).as_string().as_deref(), Some("v"));
    wait_for("panes A and B", || {
        Some(()).filter(|_| panes(&root).len() == 4)
    })
    .await;
}

#[wasm_bindgen_test]
async fn the_clock_pauses_and_a_jump_times_out_a_block() {
    let root = mount();
    let input = pane_input(&root).await;
    let clock_ms = |root: &Element| -> u64 {
        find(root, "[data-testid=clock]")
            .and_then(|c| c.get_attribute("data-ms"))
            .and_then(|m| m.parse().ok())
            .expect("clock data-ms")
    };
    click(&root, "[data-testid=clock-toggle]");
    wait_for("paused", || {
        (find(&root, "[data-testid=clock-toggle]")?
            .get_attribute("aria-pressed")
            .as_deref()
            == Some("true"))
        .then_some(())
    })
    .await;
    let frozen = clock_ms(&root);
    TimeoutFuture::new(250).await;
    assert_eq!(clock_ms(&root), frozen, "a paused clock stands still");

    submit(&input, "XREAD BLOCK 30000 STREAMS s $");
    wait_for("blocked", || {
        (text_of(&root, "[data-testid=pane-state]").as_deref() == Some("blocked")).then_some(())
    })
    .await;
    let countdown = |root: &Element| -> Option<u64> {
        find(root, "[data-testid=pane-countdown]")?
            .get_attribute("data-ms")?
            .parse()
            .ok()
    };
    assert_eq!(
        countdown(&root),
        Some(30_000),
        "no time passes while paused"
    );
    // +1 min: past the timeout, so the block ends with its timeout reply.
    click(&root, "[data-testid=clock-jump][data-ms='60000']");
    wait_for("the timeout reply", || {
        (lines(&root, "reply") == ["(nil)"]).then_some(())
    })
    .await;
    assert_eq!(clock_ms(&root), frozen + 60_000);
}

#[wasm_bindgen_test]
async fn a_subscribed_pane_lists_its_subscriptions_and_receives_pushes() {
    let root = mount();
    pane_input(&root).await;
    click(&root, "[data-testid=add-pane]");
    let all = wait_for("two panes", || Some(panes(&root)).filter(|p| p.len() == 2)).await;
    let sub = input_of(&all[1]);
    submit(&sub, "SUBSCRIBE news alerts");
    submit(&sub, "PSUBSCRIBE user:*");
    wait_for("subscribed", || {
        (text_of(&all[1], "[data-testid=pane-state]").as_deref() == Some("subscribed"))
            .then_some(())
    })
    .await;
    let names = || -> Vec<String> {
        let list = all[1]
            .query_selector_all("[data-testid=pane-subscription]")
            .expect("a selector");
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .filter_map(|e| e.get_attribute("data-name"))
            .collect()
    };
    wait_for("three subscriptions", || (names().len() == 3).then_some(())).await;
    assert_eq!(names(), ["news", "alerts", "user:*"]);
    submit(&input_of(&all[0]), "PUBLISH news hello");
    let pushed = wait_for("the message", || {
        let push = lines(&all[1], "push");
        push.contains(&"1) \"message\"".to_string()).then_some(push)
    })
    .await;
    let tail: Vec<&str> = pushed
        .iter()
        .rev()
        .take(3)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(tail, ["1) \"message\"", "2) \"news\"", "3) \"hello\""]);
    assert_eq!(
        lines(&all[0], "reply").last().map(String::as_str),
        Some("(integer) 1")
    );
    submit(&sub, "UNSUBSCRIBE");
    submit(&sub, "PUNSUBSCRIBE");
    wait_for("normal again", || {
        (text_of(&all[1], "[data-testid=pane-state]").as_deref() == Some("normal")).then_some(())
    })
    .await;
    assert!(find(&all[1], "[data-testid=pane-subscriptions]").is_none());
}

#[wasm_bindgen_test]
async fn keyspace_notifications_and_resp3_pushes_arrive_as_pushes() {
    let root = mount();
    pane_input(&root).await;
    click(&root, "[data-testid=add-pane]");
    let all = wait_for("two panes", || Some(panes(&root)).filter(|p| p.len() == 2)).await;
    let (writer, listener) = (input_of(&all[0]), input_of(&all[1]));
    submit(&writer, "CONFIG SET notify-keyspace-events KEA");
    submit(&listener, "HELLO 3");
    submit(&listener, "SSUBSCRIBE orders");
    submit(&listener, "PSUBSCRIBE __keyevent@0__:*");
    wait_for("two subscriptions", || {
        let list = all[1]
            .query_selector_all("[data-testid=pane-subscription]")
            .ok()?;
        (list.length() == 2).then_some(())
    })
    .await;
    let kinds: Vec<String> = {
        let list = all[1]
            .query_selector_all("[data-testid=pane-subscription]")
            .expect("a selector");
        (0..list.length())
            .filter_map(|i| list.item(i))
            .filter_map(|n| n.dyn_into::<Element>().ok())
            .filter_map(|e| e.get_attribute("data-kind"))
            .collect()
    };
    assert_eq!(kinds, ["pattern", "shard-channel"]);
    submit(&writer, "SET k v");
    let pushed = wait_for("the notification", || {
        let push = lines(&all[1], "push");
        push.contains(&"4) \"k\"".to_string()).then_some(push)
    })
    .await;
    let tail: Vec<&str> = pushed
        .iter()
        .rev()
        .take(4)
        .rev()
        .map(String::as_str)
        .collect();
    assert_eq!(
        tail,
        [
            "1) \"pmessage\"",
            "2) \"__keyevent@0__:*\"",
            "3) \"__keyevent@0__:set\"",
            "4) \"k\""
        ]
    );
    // The raw view shows the RESP3 push frame itself.
    click(&all[1], "[data-testid=pane-raw-toggle]");
    submit(&writer, "SPUBLISH orders o1");
    wait_for("the raw push", || {
        lines(&all[1], "push")
            .contains(&r">3\r\n$8\r\nsmessage\r\n$6\r\norders\r\n$2\r\no1\r\n".to_string())
            .then_some(())
    })
    .await;
}

/// Yields to the event loop (in 10 ms steps) until `probe` finds something: for what the page
/// does on a timer, such as saving the session within a second of a step.
async fn wait_long<T>(what: &str, mut probe: impl FnMut() -> Option<T>) -> T {
    for _ in 0..500 {
        if let Some(found) = probe() {
            return found;
        }
        TimeoutFuture::new(10).await;
    }
    panic!("gave up waiting for {what}");
}

#[wasm_bindgen_test]
fn base64_round_trips_and_agrees_with_btoa() {
    let window = web_sys::window().expect("a window");
    for len in 0..64usize {
        let bytes: Vec<u8> = (0..len).map(|i| (i * 37 + len * 11) as u8).collect();
        let ours = streamplay::ui::base64_encode(&bytes);
        // `btoa` takes a "binary string": one char per byte.
        let binary: String = bytes.iter().map(|&b| b as char).collect();
        assert_eq!(ours, window.btoa(&binary).expect("btoa"), "length {len}");
        assert_eq!(streamplay::ui::base64_decode(&ours), Some(bytes));
    }
    for bad in ["A", "AB=C", "A===", "AAAA=AAA", "AA*A"] {
        assert_eq!(streamplay::ui::base64_decode(bad), None, "{bad}");
    }
}

#[wasm_bindgen_test]
async fn the_keys_survive_a_reload_and_an_unreadable_state_is_kept_aside() {
    let key = fresh_key();
    let root = mount_with(&key);
    let input = pane_input(&root).await;
    submit(&input, "XADD s 1-1 f v");
    submit(&input, "SET k v");
    wait_for("two replies", || {
        Some(()).filter(|_| lines(&root, "reply").len() == 2)
    })
    .await;
    let state_key = format!("{key}.state");
    wait_long("the session saved", || {
        storage()
            .get_item(&state_key)
            .ok()
            .flatten()
            .filter(|s| s.starts_with("session:1:"))
    })
    .await;

    // A second page on the same storage is a reload: the keys are there.
    let again = mount_with(&key);
    let input = pane_input(&again).await;
    submit(&input, "XLEN s");
    submit(&input, "GET k");
    wait_for("the restored keys", || {
        Some(()).filter(|_| lines(&again, "reply") == ["(integer) 1", "\"v\""])
    })
    .await;

    // A damaged saved session is kept aside with a notice; the page starts empty and works.
    storage()
        .set_item(&state_key, "session:1:AAAA")
        .expect("stored");
    let third = mount_with(&key);
    let input = pane_input(&third).await;
    let notice = wait_for("the notice", || {
        text_of(&third, "[data-testid=session-notice]")
    })
    .await;
    assert!(notice.contains("could not be read"), "{notice}");
    let keys: Vec<String> = (0..storage().length().unwrap_or(0))
        .filter_map(|i| storage().key(i).ok().flatten())
        .filter(|k| k.starts_with(&format!("{state_key}.unreadable.")))
        .collect();
    assert_eq!(keys.len(), 1);
    assert_eq!(
        storage().get_item(&keys[0]).ok().flatten().as_deref(),
        Some("session:1:AAAA")
    );
    submit(&input, "GET k");
    wait_for("an empty server", || {
        Some(()).filter(|_| lines(&third, "reply") == ["(nil)"])
    })
    .await;
}

#[wasm_bindgen_test]
async fn seek_shows_the_state_after_a_step_and_steps_lists_the_log() {
    let window = web_sys::window().expect("a window");
    Reflect::delete_property(&window, &"streamplay".into()).expect("deleted");
    let root = mount();
    pane_input(&root).await;
    wait_for("window.streamplay", || api().is_object().then_some(())).await;
    let run = api_fn("run");
    for line in ["SET a 1", "INCR a", "INCR a"] {
        run.call1(&JsValue::NULL, &line.into()).expect("run");
    }
    let steps = js_sys::Array::from(&api_fn("steps").call0(&JsValue::NULL).expect("steps"));
    assert_eq!(steps.length(), 3);
    let last = steps.get(2);
    assert_eq!(
        Reflect::get(&last, &"line".into())
            .unwrap()
            .as_string()
            .as_deref(),
        Some("INCR a")
    );
    assert_eq!(
        Reflect::get(&last, &"index".into()).unwrap().as_f64(),
        Some(3.0)
    );
    let now = api_fn("seek")
        .call1(&JsValue::NULL, &2.into())
        .expect("seek");
    assert_eq!(now.as_f64(), Some(2.0));
    let state = streamplay_state();
    assert_eq!(
        Reflect::get(&state, &"step".into()).unwrap().as_f64(),
        Some(2.0)
    );
    // The pane says where the session is; the clock paused. A notice is written in short
    // lines (a pane's output does not wrap), so its lines are read joined.
    wait_for("the note", || {
        lines(&root, "info")
            .join(" ")
            .contains("the state after step 2 of 3.")
            .then_some(())
    })
    .await;
    let got = run.call1(&JsValue::NULL, &"GET a".into()).expect("run");
    assert_eq!(got.as_string().as_deref(), Some("2"));
    let steps = js_sys::Array::from(&api_fn("steps").call0(&JsValue::NULL).expect("steps"));
    assert_eq!(steps.length(), 3, "the later step went, GET a came");
    let scenario = api_fn("exportScenario")
        .call0(&JsValue::NULL)
        .expect("export")
        .as_string()
        .unwrap_or_default();
    assert_eq!(
        scenario.matches("producer> INCR a\n").count(),
        1,
        "{scenario}"
    );
    assert!(
        scenario.trim_end().ends_with("producer> GET a"),
        "{scenario}"
    );
}
