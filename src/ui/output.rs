//! A pane's output, virtualized: every line has the same height ([`ROW_PX`], kept in step with
//! `.pane-line` in `www/style.css`), so the scroll position says which lines are in view. Only
//! those (plus a margin) and the newest lines are in the page, each placed at its own offset in
//! a box as tall as all lines together; 100,000 lines cost what 100 do.

use std::cell::RefCell;
use std::rc::Rc;

use web_sys::Element;
use yew::prelude::*;

use super::lines::LineStore;

/// The height of one output line in CSS pixels (`.pane-line { height }`).
pub const ROW_PX: usize = 20;

/// Lines rendered above and below the visible ones, so that scrolling shows no gap.
const OVERSCAN: usize = 30;

/// The newest lines are always in the page (DESIGN.md "Automation hooks"), wherever the view is.
const TAIL: usize = 50;

#[derive(Properties, PartialEq)]
pub struct OutputProps {
    /// Compared cheaply (count, next id, first chunk), so typing in the input, which changes the
    /// pane but not its lines, does not re-render the output.
    pub lines: LineStore,
    /// What assistive technology calls the output.
    pub label: AttrValue,
    /// The line (by id) of the command whose changes the pointer is on in a view.
    #[prop_or_default]
    pub highlight: Option<u64>,
}

/// Where the output is scrolled to.
#[derive(Clone, Copy, PartialEq)]
struct View {
    top: usize,
    height: usize,
}

/// The output lines of a pane, as a live log that screen readers announce.
#[component]
pub fn PaneOutput(props: &OutputProps) -> Html {
    let output_ref = use_node_ref();
    let view = use_state(|| View {
        top: 0,
        height: 480,
    });
    // Whether the view follows the newest line (it does until the reader scrolls up).
    let follow: Rc<RefCell<bool>> = use_mut_ref(|| true);
    let total = props.lines.len();

    // Measure the visible height once mounted.
    {
        let output_ref = output_ref.clone();
        let view = view.clone();
        use_effect_with((), move |_| {
            if let Some(el) = output_ref.cast::<Element>() {
                // No more than the window shows, whatever the box's height (a page without the
                // stylesheet gives the output its whole content's height).
                let screen = web_sys::window()
                    .and_then(|w| w.inner_height().ok())
                    .and_then(|h| h.as_f64())
                    .unwrap_or(1080.0) as usize;
                let height = (el.client_height().max(0) as usize).min(screen);
                if height > 0 && height != view.height {
                    view.set(View {
                        top: view.top,
                        height,
                    });
                }
            }
        });
    }

    // The newest output stays in view while following.
    {
        let output_ref = output_ref.clone();
        let follow = Rc::clone(&follow);
        let newest = props.lines.last().map(|l| l.id);
        let pending = use_mut_ref(|| Rc::new(std::cell::Cell::new(false)));
        let view = view.clone();
        use_effect_with((total, newest), move |_| {
            let pending = Rc::clone(&pending.borrow());
            super::frame::next_frame(&pending, move || {
                let Some(el) = output_ref.cast::<Element>() else {
                    return;
                };
                // Every layout read first (one layout), then the write.
                let bottom = el.scroll_height();
                let top = el.scroll_top();
                // The output's height follows the number of panes (CSS): keep the window of
                // rendered lines as tall as the box, and no taller than the window (a page
                // without the stylesheet gives the output its whole content's height).
                let screen = web_sys::window()
                    .and_then(|w| w.inner_height().ok())
                    .and_then(|h| h.as_f64())
                    .unwrap_or(1080.0) as usize;
                let client = el.client_height();
                let height = (client.max(0) as usize).min(screen);
                if *follow.borrow() && top + client < bottom {
                    el.set_scroll_top(bottom);
                }
                if height > 0 && height != view.height {
                    view.set(View {
                        top: top.max(0) as usize,
                        height,
                    });
                }
            });
        });
    }

    let onscroll = {
        let output_ref = output_ref.clone();
        let view = view.clone();
        let follow = Rc::clone(&follow);
        Callback::from(move |_: Event| {
            let Some(el) = output_ref.cast::<Element>() else {
                return;
            };
            let top = el.scroll_top().max(0) as usize;
            let height = el.client_height().max(0) as usize;
            let bottom = el.scroll_height().max(0) as usize;
            *follow.borrow_mut() = top + height + ROW_PX >= bottom;
            let next = View { top, height };
            if *view != next {
                view.set(next);
            }
        })
    };

    let rows = view.height / ROW_PX + 2;
    let (start, end) = if *follow.borrow() {
        // Following the newest line: nothing below the view, a smaller margin above it.
        (total.saturating_sub(rows + OVERSCAN / 3), total)
    } else {
        let first = view.top / ROW_PX;
        (
            first.saturating_sub(OVERSCAN),
            (first + rows + OVERSCAN).min(total),
        )
    };
    let tail = if props.lines.is_empty() {
        0
    } else {
        total.saturating_sub(TAIL).max(end)
    };
    let shown = props
        .lines
        .range(start, end)
        .chain(props.lines.range(tail, total));

    html! {
        <div class="pane-output" ref={output_ref} {onscroll} role="log" aria-live="polite"
             aria-label={props.label.clone()} tabindex="0">
            <div class="pane-lines" style={format!("height:{}px", total * ROW_PX)}>
                { for shown.map(|(i, line)| html! {
                    <div key={line.id} class={classes!("pane-line", line.kind.name(), (props.highlight == Some(line.id)).then_some("caused"))}
                         style={format!("top:{}px", i * ROW_PX)}
                         data-testid="pane-line" data-kind={line.kind.name()}
                         data-caused={(props.highlight == Some(line.id)).then_some("true")}>
                        { line.text.clone() }
                    </div>
                }) }
            </div>
        </div>
    }
}
