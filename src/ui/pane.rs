//! One console pane: its header (name, state), its output, its prompt and input, and the keys the
//! input handles (Enter runs the line, ↑/↓ walk the history).

use std::rc::Rc;

use web_sys::HtmlInputElement;
use yew::prelude::*;

use super::clock;
use super::output::PaneOutput;
use super::state::{Action, Pane, Session};

#[derive(Properties, PartialEq)]
pub struct PaneProps {
    /// The pane's place in the session, used in the actions it sends.
    pub index: usize,
    pub pane: Rc<Pane>,
    pub dispatch: UseReducerDispatcher<Session>,
}

/// A console pane, with the automation hooks of DESIGN.md (`pane`, `pane-state`, `pane-line`,
/// `pane-input`).
#[component]
pub fn PaneView(props: &PaneProps) -> Html {
    let PaneProps {
        index,
        pane,
        dispatch,
    } = props;
    let index = *index;
    let input_ref = use_node_ref();

    // The input has focus from the start, so that typing works without a click.
    {
        let input_ref = input_ref.clone();
        use_effect_with((), move |_| focus(&input_ref));
    }

    let onkeydown = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: KeyboardEvent| {
            // While an input method composes a character, Enter and the arrows belong to it.
            if e.is_composing() {
                return;
            }
            match e.key().as_str() {
                "Enter" => {
                    e.prevent_default();
                    // The line is read from the element rather than from the state, so that a
                    // value set by a script (a test, an embedding host) runs too.
                    let Some(input) = e.target_dyn_into::<HtmlInputElement>() else {
                        return;
                    };
                    dispatch.dispatch(Action::Submit {
                        pane: index,
                        line: input.value(),
                        now_ms: clock::now_ms(),
                    });
                }
                key @ ("ArrowUp" | "ArrowDown") => {
                    // Without this the caret would jump to the start or end of the line.
                    e.prevent_default();
                    dispatch.dispatch(Action::History {
                        pane: index,
                        older: key == "ArrowUp",
                    });
                }
                _ => {}
            }
        })
    };

    let oninput = {
        let dispatch = dispatch.clone();
        Callback::from(move |e: InputEvent| {
            if let Some(input) = e.target_dyn_into::<HtmlInputElement>() {
                dispatch.dispatch(Action::Edit {
                    pane: index,
                    text: input.value(),
                });
            }
        })
    };

    // A click anywhere in the pane gives the input its focus back, unless the click selected
    // output text (which someone may want to copy).
    let onclick = {
        let input_ref = input_ref.clone();
        Callback::from(move |_: MouseEvent| {
            let selecting = web_sys::window()
                .and_then(|w| w.get_selection().ok().flatten())
                .is_some_and(|s| !s.is_collapsed());
            if !selecting {
                focus(&input_ref);
            }
        })
    };

    let name = pane.display_name().to_string();
    let state = pane.state_name();
    html! {
        <section class="pane" data-testid="pane" data-client={name.clone()}
                 aria-label={format!("Console {name}")} {onclick}>
            <header class="pane-head">
                <h2 class="pane-name">{ name.clone() }</h2>
                <span class={classes!("pane-state", state)} data-testid="pane-state" role="status">
                    { state }
                </span>
            </header>
            <PaneOutput lines={Rc::clone(&pane.lines)} label={format!("Output of {name}")} />
            <div class="pane-input-row">
                <span class="pane-prompt" aria-hidden="true">{ pane.prompt.clone() }</span>
                <input ref={input_ref} class="pane-input" data-testid="pane-input" type="text"
                       aria-label={format!("Command for {name}")}
                       autocomplete="off" autocapitalize="off" autocorrect="off" spellcheck="false"
                       enterkeyhint="send"
                       value={pane.draft.clone()} {onkeydown} {oninput} />
            </div>
        </section>
    }
}

/// Moves the keyboard focus to the input, if it is on the page.
fn focus(input_ref: &NodeRef) {
    if let Some(input) = input_ref.cast::<HtmlInputElement>() {
        // Focus can fail only for an element that is not focusable; nothing to do then.
        let _ = input.focus();
    }
}
