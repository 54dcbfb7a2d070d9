//! A pane's output: its lines, one `pane-line` each, kept scrolled to the newest.

use std::collections::VecDeque;
use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use super::state::Line;

#[derive(Properties, PartialEq)]
pub struct OutputProps {
    /// Compared by pointer first (the lines are `Eq`), so typing in the input, which changes the
    /// pane but not its lines, does not re-render a thousand lines per keystroke.
    pub lines: Rc<VecDeque<Line>>,
    /// What assistive technology calls the output.
    pub label: AttrValue,
}

/// The output lines of a pane, as a live log that screen readers announce.
#[component]
pub fn PaneOutput(props: &OutputProps) -> Html {
    let output_ref = use_node_ref();

    // The newest output stays in view: scroll down whenever a line is added.
    {
        let output_ref = output_ref.clone();
        let newest = props.lines.back().map(|line| line.id);
        use_effect_with(newest, move |_| {
            if let Some(output) = output_ref.cast::<Element>() {
                output.set_scroll_top(output.scroll_height());
            }
        });
    }

    html! {
        <div class="pane-output" ref={output_ref} role="log" aria-label={props.label.clone()}>
            { for props.lines.iter().map(|line| html! {
                <div key={line.id} class={classes!("pane-line", line.kind.name())}
                     data-testid="pane-line" data-kind={line.kind.name()}>
                    { line.text.clone() }
                </div>
            }) }
        </div>
    }
}
