//! The timeline: the session's steps (DESIGN.md "Steps and time"), oldest first, the current one
//! marked; clicking a step, the back and forward buttons or the arrow keys seek the session
//! (which pauses the clock), and every view redraws that state.

use std::rc::Rc;

use web_sys::HtmlElement;
use yew::prelude::*;

use super::super::service::Ctl;
use crate::session::{Logged, Session, Step};

/// How many of the newest steps the timeline draws (older ones are summarised by a count).
const SHOWN: usize = 40;

/// A step as the timeline shows it.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct TimelineStep {
    pub index: usize,
    pub pane: Option<String>,
    pub line: String,
    pub time_ms: u64,
}

/// What the timeline draws.
#[derive(Clone, Debug, Default, PartialEq, Eq)]
pub struct TimelineFacts {
    /// The newest step's index (0: no step yet).
    pub len: usize,
    /// The step whose state is shown.
    pub current: usize,
    /// The steps drawn: the newest [`SHOWN`], and the current one's neighbours when it is older.
    pub steps: Vec<TimelineStep>,
    /// How many later steps the last step dropped (a step after going back).
    pub dropped_later: usize,
    /// How many of the oldest steps the history cap took off.
    pub capped: usize,
}

/// The pane a step is about, if it was typed in one, and its text as the timeline, the JS API's
/// `steps()` and exported scenarios name it (`@clock +1000`, `@pane add worker-1`, ...).
pub fn step_text(step: &Step) -> (Option<&str>, String) {
    match step {
        Step::Command { pane, line } => (Some(&**pane), line.to_string()),
        Step::ClockJump { ms } => (None, format!("@clock +{ms}")),
        Step::Profile(p) => (None, format!("@profile {}", p.name())),
        Step::PaneAdd { name } => (None, format!("@pane add {name}")),
        Step::PaneRemove { name } => (None, format!("@pane remove {name}")),
        Step::PaneRename { from, to } => (None, format!("@pane rename {from} {to}")),
        Step::Unblock { pane } => (None, format!("@unblock {pane}")),
        Step::Reconnect { pane } => (None, format!("@reconnect {pane}")),
        Step::StopReading { pane } => (None, format!("@pane stop-reading {pane}")),
        Step::StartReading { pane } => (None, format!("@pane start-reading {pane}")),
    }
}

impl TimelineFacts {
    /// The timeline of `session`; `dropped_later` as the service counted it.
    pub fn of(session: &Session, dropped_later: usize) -> TimelineFacts {
        let len = session.len();
        let current = session.current();
        // The kept steps: the log past the ones the cap dropped (`steps()` without the copy).
        let skip = session.dropped() - session.freed();
        let kept: &[Logged] = session.log().get(skip..).unwrap_or_default();
        let step = |i: usize| {
            kept.get(i - 1).map(|l| {
                let (pane, line) = step_text(&l.step);
                TimelineStep {
                    index: i,
                    pane: pane.map(str::to_string),
                    line,
                    time_ms: l.time_ms,
                }
            })
        };
        let newest = len.saturating_sub(SHOWN) + 1;
        let mut indexes: Vec<usize> = Vec::new();
        if current > 0 && current < newest {
            indexes.extend(current.saturating_sub(10).max(1)..=(current + 10).min(newest - 1));
        }
        indexes.extend(newest..=len);
        TimelineFacts {
            len,
            current,
            steps: indexes.into_iter().filter_map(step).collect(),
            dropped_later,
            capped: session.dropped(),
        }
    }
}

#[derive(Properties, PartialEq)]
pub struct TimelineProps {
    pub facts: Rc<TimelineFacts>,
    pub ctl: Ctl,
}

/// `HH:MM:SS.mmm` of engine time (UTC), as the clock shows it.
fn time_of_day(ms: u64) -> String {
    let s = ms / 1000;
    format!(
        "{:02}:{:02}:{:02}.{:03}",
        s / 3600 % 24,
        s / 60 % 60,
        s % 60,
        ms % 1000
    )
}

/// The timeline bar (`timeline-step`, `timeline-back`, `timeline-forward`).
#[component]
pub fn TimelineView(props: &TimelineProps) -> Html {
    let t = &props.facts;
    let list_ref = use_node_ref();
    // The current step stays in view (measured in the next frame, once per frame).
    {
        let list_ref = list_ref.clone();
        let pending = use_mut_ref(|| Rc::new(std::cell::Cell::new(false)));
        let newest = t.current == t.len;
        use_effect_with((t.current, t.len), move |_| {
            let pending = Rc::clone(&pending.borrow());
            super::super::frame::next_frame(&pending, move || {
                let Some(list) = list_ref.cast::<HtmlElement>() else {
                    return;
                };
                if newest {
                    list.set_scroll_left(i32::MAX / 2);
                } else if let Ok(Some(el)) = list.query_selector("[data-current]") {
                    let el: HtmlElement = wasm_bindgen::JsCast::unchecked_into(el);
                    let left = el.offset_left() - list.client_width() / 2 + el.client_width() / 2;
                    list.set_scroll_left(left.max(0));
                }
            });
        });
    }
    let seek = |index: usize| {
        let ctl = props.ctl.clone();
        Callback::from(move |_: MouseEvent| {
            let _ = ctl.seek(index);
        })
    };
    // Keys and the back/forward buttons move from the session's current step, not the drawn
    // one: two quick presses come before the next frame redraws the timeline.
    let live = {
        let ctl = props.ctl.clone();
        move || ctl.read(|s| (s.current(), s.len())).unwrap_or((0, 0))
    };
    let onkeydown = {
        let ctl = props.ctl.clone();
        let live = live.clone();
        Callback::from(move |e: KeyboardEvent| {
            let (current, len) = live();
            let to = match e.key().as_str() {
                "ArrowLeft" => current.checked_sub(1),
                "ArrowRight" => (current < len).then_some(current + 1),
                "Home" => Some(0),
                "End" => Some(len),
                _ => None,
            };
            if let Some(to) = to {
                e.prevent_default();
                let _ = ctl.seek(to);
            }
        })
    };
    let step_by = |forward: bool| {
        let ctl = props.ctl.clone();
        let live = live.clone();
        Callback::from(move |_: MouseEvent| {
            let (current, len) = live();
            let to = if forward {
                (current < len).then_some(current + 1)
            } else {
                current.checked_sub(1)
            };
            if let Some(to) = to {
                let _ = ctl.seek(to);
            }
        })
    };
    let hidden = t.steps.first().map(|s| s.index - 1).unwrap_or(0);
    let status = if t.current == t.len {
        format!("step {} of {}", t.current, t.len)
    } else {
        format!(
            "step {} of {} · the clock is paused; a new step drops the later {}",
            t.current,
            t.len,
            super::super::app::steps_text(t.len - t.current)
        )
    };
    html! {
        <section class="timeline" data-testid="timeline" aria-label="Timeline">
            <h2 class="timeline-title">{ "Timeline" }</h2>
            <button type="button" class="timeline-button" data-testid="timeline-back"
                    disabled={t.current == 0} onclick={step_by(false)}
                    aria-label="Step back">{ "◀ Back" }</button>
            <ol class="timeline-steps" ref={list_ref} tabindex="0" {onkeydown}
                aria-label="Steps: ← and → move through them, Home and End go to the start and the newest">
                { for std::iter::once(html! {
                    <li key="start" class="timeline-step start" data-testid="timeline-step" data-index="0"
                        data-current={(t.current == 0).then_some("true")}>
                        <button type="button" onclick={seek(0)} aria-current={(t.current == 0).then_some("step")}>
                            <span class="step-index">{ "0" }</span><span class="step-line">{ "start" }</span>
                        </button>
                    </li>
                }).chain((hidden > 0).then(|| html! {
                    <li key="earlier" class="timeline-more muted">{ format!("{hidden} earlier") }</li>
                })).chain(t.steps.iter().map(|s| {
                    let current = s.index == t.current;
                    let later = s.index > t.current;
                    html! {
                        <li key={s.index} class={classes!("timeline-step", later.then_some("later"))}
                            data-testid="timeline-step" data-index={s.index.to_string()}
                            data-current={current.then_some("true")}>
                            <button type="button" onclick={seek(s.index)} aria-current={current.then_some("step")}
                                    title={format!("{} {}", time_of_day(s.time_ms), s.line)}>
                                <span class="step-index">{ s.index }</span>
                                if let Some(p) = &s.pane { <span class="step-pane">{ p.clone() }</span> }
                                <span class="step-line">{ s.line.clone() }</span>
                            </button>
                        </li>
                    }
                })) }
            </ol>
            <button type="button" class="timeline-button" data-testid="timeline-forward"
                    disabled={t.current >= t.len} onclick={step_by(true)}
                    aria-label="Step forward">{ "Forward ▶" }</button>
            <p class="timeline-status" data-testid="timeline-status" aria-live="polite">
                { status }
                if t.dropped_later > 0 {
                    <span class="timeline-dropped" data-testid="timeline-dropped">
                        { format!(" · the last step dropped {} after it", super::super::app::steps_text(t.dropped_later)) }
                    </span>
                }
                if t.capped > 0 {
                    <span class="muted">{ format!(" · the oldest {} left the history", super::super::app::steps_text(t.capped)) }</span>
                }
            </p>
        </section>
    }
}
