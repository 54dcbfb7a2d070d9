//! The learning panel: the lists of built-in lessons and challenges (always in the DOM), the
//! lesson being followed (its narration, Back / Next / Restart), the challenge being tried
//! (its task, hints, Check, the solution), and the first visit's tour.
//!
//! A lesson or a challenge starts a fresh session with the clock paused at its `@clock` start
//! (`Ctl::start_scenario`), so every reader sees the same ids. A lesson's parts are its
//! scenario split at `@pause`: Next runs the next part's steps and shows its narration; Back
//! seeks the timeline to where the previous part ended. The reader may type between parts:
//! Next then carries on from the lesson's next part on top of their state, and says so.

use std::rc::Rc;

use yew::prelude::*;

use super::service::Ctl;
use super::views::{ViewAction, ViewId};
use crate::challenges::{self, Challenge, Verdict};
use crate::lessons::{self, Lesson, Part};

/// Where the names of solved challenges are kept (one name per line).
const SOLVED_KEY: &str = "streamplay.solved";
/// Set once the first visit's welcome has been dismissed or followed.
const VISITED_KEY: &str = "streamplay.visited";

fn store() -> Option<web_sys::Storage> {
    web_sys::window()?.local_storage().ok().flatten()
}

/// The names of the challenges solved in this browser.
fn load_solved() -> Vec<String> {
    store()
        .and_then(|s| s.get_item(SOLVED_KEY).ok().flatten())
        .map(|text| text.lines().map(str::to_string).collect())
        .unwrap_or_default()
}

fn save_solved(solved: &[String]) {
    if let Some(s) = store() {
        let _ = s.set_item(SOLVED_KEY, &solved.join("\n"));
    }
}

/// Whether this page was opened to show something else than the playground's start: a share
/// link (`#s=`) or an embed (`?embed`); neither offers the welcome.
fn opened_for_something_else() -> bool {
    let Some(location) = web_sys::window().map(|w| w.location()) else {
        return true;
    };
    let search = location.search().unwrap_or_default();
    let hash = location.hash().unwrap_or_default();
    search.contains("embed") || hash.len() > 1
}

/// A lesson being followed.
#[derive(Clone)]
struct LessonRun {
    lesson: &'static Lesson,
    parts: Rc<Vec<Part>>,
    /// The part whose narration is shown (its steps have run).
    at: usize,
    /// The timeline index at the end of each part run so far (`marks[i]`: after part `i`).
    marks: Vec<usize>,
    /// Said once when Next carried on over the reader's own steps.
    note: Option<String>,
}

/// A challenge being tried.
#[derive(Clone)]
struct ChallengeRun {
    challenge: &'static Challenge,
    /// The timeline index right after the setup ran.
    from: usize,
    hints: usize,
    verdict: Option<(bool, String)>,
    solution: bool,
}

#[derive(Clone)]
enum Activity {
    Idle,
    Lesson(LessonRun),
    Challenge(ChallengeRun),
    Failed(String),
}

#[derive(Properties, PartialEq)]
pub struct LearnProps {
    pub ctl: Ctl,
    pub views: Callback<ViewAction>,
}

/// Shows the views a lesson names ("pubsub", "keyspace", "stream:KEY"), the first one first,
/// and folds the keyspace and Pub/Sub views when the lesson does not name them.
fn open_views(views: &Callback<ViewAction>, names: &[&str]) {
    let ids = names
        .iter()
        .filter_map(|name| match *name {
            "pubsub" => Some(ViewId::PubSub),
            "keyspace" => Some(ViewId::Keyspace),
            other => other
                .strip_prefix("stream:")
                .map(|key| ViewId::Stream(0, key.to_string())),
        })
        .collect();
    views.emit(ViewAction::Focus(ids));
}

/// Starts `lesson` from its beginning: a fresh session running its first part.
fn start_lesson(ctl: &Ctl, views: &Callback<ViewAction>, lesson: &'static Lesson) -> Activity {
    let parts = match lessons::parts(lesson.text) {
        Ok(parts) if !parts.is_empty() => parts,
        Ok(_) => return Activity::Failed(format!("The lesson \"{}\" is empty.", lesson.title)),
        Err(e) => {
            return Activity::Failed(format!(
                "The lesson \"{}\" could not be read (line {}: {}).",
                lesson.title, e.line, e.message
            ))
        }
    };
    // The first part's steps are the lesson's start: a fresh, paused session runs them.
    if let Err(e) = ctl.start_steps(&parts[0].steps) {
        return Activity::Failed(format!("The lesson could not start: {e}."));
    }
    open_views(views, lesson.views);
    Activity::Lesson(LessonRun {
        lesson,
        parts: Rc::new(parts),
        at: 0,
        marks: vec![ctl.position().0],
        note: None,
    })
}

/// Starts `challenge`: a fresh session running its setup.
fn start_challenge(
    ctl: &Ctl,
    views: &Callback<ViewAction>,
    challenge: &'static Challenge,
) -> Activity {
    if let Err(e) = ctl.start_scenario(challenge.setup) {
        return Activity::Failed(format!("The challenge could not start: {e}."));
    }
    // A challenge shows every view: which one matters is part of the puzzle.
    views.emit(ViewAction::Focus(vec![ViewId::Keyspace, ViewId::PubSub]));
    Activity::Challenge(ChallengeRun {
        challenge,
        from: ctl.position().0,
        hints: 0,
        verdict: None,
        solution: false,
    })
}

/// Narration lines as paragraphs: an empty line ends one.
fn paragraphs(lines: &[String]) -> Html {
    let mut out: Vec<String> = Vec::new();
    let mut current = String::new();
    for line in lines {
        let line = line.trim();
        if line.is_empty() {
            if !current.is_empty() {
                out.push(std::mem::take(&mut current));
            }
        } else {
            if !current.is_empty() {
                current.push(' ');
            }
            current.push_str(line);
        }
    }
    if !current.is_empty() {
        out.push(current);
    }
    html! { <>{ for out.into_iter().map(|p| html! { <p>{ inline(&p) }</p> }) }</> }
}

/// Text where `backquoted` spans are code (a key, a command), as the lessons write them.
fn inline(text: &str) -> Html {
    html! {
        <>{ for text.split('`').enumerate().map(|(i, part)| {
            if i % 2 == 1 { html! { <code>{ part }</code> } } else { html! { part } }
        }) }</>
    }
}

/// The panel: the current lesson or challenge, the lists, and the welcome.
#[component]
pub fn Learn(props: &LearnProps) -> Html {
    let activity = use_state(|| Activity::Idle);
    let solved = use_state(load_solved);
    let welcome = use_state(|| {
        !opened_for_something_else()
            && store()
                .map(|s| s.get_item(VISITED_KEY).ok().flatten().is_none())
                .unwrap_or(false)
    });
    let tour = use_state(|| None::<usize>);
    let lists_open = use_state(|| false);
    let ctl = props.ctl.clone();
    let views = props.views.clone();

    let dismiss_welcome = {
        let welcome = welcome.clone();
        let tour = tour.clone();
        Callback::from(move |_: ()| {
            if let Some(s) = store() {
                let _ = s.set_item(VISITED_KEY, "1");
            }
            welcome.set(false);
            tour.set(None);
        })
    };
    let open_lesson = {
        let (ctl, views, activity) = (ctl.clone(), views.clone(), activity.clone());
        let (dismiss, lists_open) = (dismiss_welcome.clone(), lists_open.clone());
        Callback::from(move |lesson: &'static Lesson| {
            dismiss.emit(());
            lists_open.set(false);
            activity.set(start_lesson(&ctl, &views, lesson));
        })
    };
    let open_challenge = {
        let (ctl, views, activity) = (ctl.clone(), views.clone(), activity.clone());
        let (dismiss, lists_open) = (dismiss_welcome.clone(), lists_open.clone());
        Callback::from(move |challenge: &'static Challenge| {
            dismiss.emit(());
            lists_open.set(false);
            activity.set(start_challenge(&ctl, &views, challenge));
        })
    };
    let close = {
        let activity = activity.clone();
        Callback::from(move |_: MouseEvent| activity.set(Activity::Idle))
    };

    let current = match &*activity {
        Activity::Idle => html! {},
        Activity::Failed(why) => html! {
            <div class="learn-card" role="alert">
                <p>{ why.clone() }</p>
                <button type="button" onclick={close.clone()}>{ "Close" }</button>
            </div>
        },
        Activity::Lesson(run) => lesson_card(run, &ctl, &activity, &open_lesson, &close),
        Activity::Challenge(run) => {
            challenge_card(run, &ctl, &activity, &solved, &open_challenge, &close)
        }
    };

    let lesson_items = lessons::all().iter().enumerate().map(|(i, lesson)| {
        let onclick = {
            let open = open_lesson.clone();
            Callback::from(move |_: MouseEvent| open.emit(lesson))
        };
        html! {
            <li>
                <button type="button" class="learn-item" data-testid="lesson" data-name={lesson.name}
                        title={lesson.summary} {onclick}>
                    <span class="learn-num">{ format!("{}", i + 1) }</span>
                    <span class="learn-title">{ lesson.title }</span>
                </button>
            </li>
        }
    });
    let challenge_items = challenges::all().iter().map(|challenge| {
        let done = solved.iter().any(|n| n == challenge.name);
        let onclick = {
            let open = open_challenge.clone();
            Callback::from(move |_: MouseEvent| open.emit(challenge))
        };
        html! {
            <li>
                <button type="button" class={classes!("learn-item", done.then_some("solved"))}
                        data-testid="challenge" data-name={challenge.name}
                        data-solved={done.to_string()} title={challenge.task} {onclick}>
                    <span class="learn-mark" aria-hidden="true">{ if done { "✓" } else { "○" } }</span>
                    <span class="learn-title">{ challenge.title }</span>
                    if done { <span class="visually-hidden">{ " (solved)" }</span> }
                </button>
            </li>
        }
    });
    let solved_count = challenges::all()
        .iter()
        .filter(|c| solved.iter().any(|n| n == c.name))
        .count();
    let on_toggle = {
        let lists_open = lists_open.clone();
        let open = *lists_open;
        Callback::from(move |_: MouseEvent| lists_open.set(!open))
    };

    let welcome_card = if *welcome {
        welcome_card(&tour, &dismiss_welcome, &open_lesson)
    } else {
        html! {}
    };

    html! {
        <section class="learn" aria-label="Lessons and challenges">
            { welcome_card }
            { current }
            <div class="learn-lists">
                <button type="button" class="learn-toggle" data-testid="learn-toggle"
                        aria-expanded={lists_open.to_string()} aria-controls="learn-columns"
                        onclick={on_toggle}>
                    <span aria-hidden="true">{ if *lists_open { "▾ " } else { "▸ " } }</span>
                    { format!("Lessons ({}) · Challenges ({} of {} solved)", lessons::all().len(), solved_count, challenges::all().len()) }
                </button>
                // The lists stay in the DOM when folded (the hooks find them); `hidden` folds them.
                <div class="learn-columns" id="learn-columns" hidden={!*lists_open}>
                    <div>
                        <h2>{ "Lessons" }</h2>
                        <ol class="learn-list">{ for lesson_items }</ol>
                    </div>
                    <div>
                        <h2>{ "Challenges" }</h2>
                        <p class="learn-hint">{ "Interview practice: each starts a session and checks what you did." }</p>
                        <ul class="learn-list">{ for challenge_items }</ul>
                    </div>
                </div>
            </div>
        </section>
    }
}

/// The card of the lesson being followed.
fn lesson_card(
    run: &LessonRun,
    ctl: &Ctl,
    activity: &UseStateHandle<Activity>,
    open_lesson: &Callback<&'static Lesson>,
    close: &Callback<MouseEvent>,
) -> Html {
    let total = run.parts.len();
    let part = &run.parts[run.at];
    let on_next = {
        let (ctl, activity, run) = (ctl.clone(), activity.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            let mut run = run.clone();
            let Some(next) = run.parts.get(run.at + 1) else {
                return;
            };
            let (now, len) = ctl.position();
            let expected = run.marks.get(run.at).copied().unwrap_or(0);
            run.note = (now != expected || len != expected).then(|| {
                "You changed things since the last part: the lesson carries on from its next part on top of your state, so some replies may differ from the narration. Restart returns to the lesson's start.".to_string()
            });
            if let Err(e) = ctl.run_steps(&next.steps) {
                run.note = Some(format!("This part could not run: {e}."));
                activity.set(Activity::Lesson(run));
                return;
            }
            run.at += 1;
            run.marks.truncate(run.at);
            run.marks.push(ctl.position().0);
            activity.set(Activity::Lesson(run));
        })
    };
    let on_prev = {
        let (ctl, activity, run) = (ctl.clone(), activity.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            let mut run = run.clone();
            if run.at == 0 {
                return;
            }
            let target = run.marks[run.at - 1];
            if ctl.seek(target).is_ok() {
                run.at -= 1;
                run.marks.truncate(run.at + 1);
                run.note = None;
                activity.set(Activity::Lesson(run));
            }
        })
    };
    let on_restart = {
        let (open, lesson) = (open_lesson.clone(), run.lesson);
        Callback::from(move |_: MouseEvent| open.emit(lesson))
    };
    let number = lessons::all()
        .iter()
        .position(|l| l.name == run.lesson.name)
        .map(|i| i + 1)
        .unwrap_or(0);
    let last = run.at + 1 == total;
    html! {
        <div class="learn-card lesson-card" data-testid="lesson-card" data-name={run.lesson.name}>
            <div class="learn-card-head">
                <h2>{ format!("Lesson {number}: {}", run.lesson.title) }</h2>
                <span class="learn-progress">{ format!("Part {} of {total}", run.at + 1) }</span>
            </div>
            <div class="lesson-step" data-testid="lesson-step" data-index={run.at.to_string()}
                 aria-live="polite">
                { paragraphs(&part.narration) }
            </div>
            if let Some(note) = &run.note {
                <p class="learn-note" role="status">{ note.clone() }</p>
            }
            <div class="learn-buttons">
                <button type="button" data-testid="lesson-prev" disabled={run.at == 0}
                        onclick={on_prev}>{ "← Back" }</button>
                <button type="button" class="primary" data-testid="lesson-next" disabled={last}
                        onclick={on_next}>{ if last { "The end" } else { "Next →" } }</button>
                <button type="button" data-testid="lesson-restart" onclick={on_restart}>{ "Restart" }</button>
                <button type="button" data-testid="lesson-close" onclick={close.clone()}>{ "Close" }</button>
            </div>
        </div>
    }
}

/// The card of the challenge being tried.
fn challenge_card(
    run: &ChallengeRun,
    ctl: &Ctl,
    activity: &UseStateHandle<Activity>,
    solved: &UseStateHandle<Vec<String>>,
    open_challenge: &Callback<&'static Challenge>,
    close: &Callback<MouseEvent>,
) -> Html {
    let c = run.challenge;
    let on_check = {
        let (ctl, activity, run, solved) =
            (ctl.clone(), activity.clone(), run.clone(), solved.clone());
        Callback::from(move |_: MouseEvent| {
            let mut run = run.clone();
            let verdict = ctl.read(|s| run.challenge.check(s, run.from));
            run.verdict = Some(match verdict {
                Some(Verdict::Solved(why)) => {
                    if !solved.iter().any(|n| n == run.challenge.name) {
                        let mut names = (*solved).clone();
                        names.push(run.challenge.name.to_string());
                        save_solved(&names);
                        solved.set(names);
                    }
                    (true, why)
                }
                Some(Verdict::NotYet(why)) => (false, why),
                None => (false, "The session is busy; try again.".to_string()),
            });
            activity.set(Activity::Challenge(run));
        })
    };
    let on_hint = {
        let (activity, run) = (activity.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            let mut run = run.clone();
            run.hints = (run.hints + 1).min(run.challenge.hints.len());
            activity.set(Activity::Challenge(run));
        })
    };
    let on_solution = {
        let (activity, run) = (activity.clone(), run.clone());
        Callback::from(move |_: MouseEvent| {
            let mut run = run.clone();
            run.solution = !run.solution;
            activity.set(Activity::Challenge(run));
        })
    };
    let on_restart = {
        let open = open_challenge.clone();
        Callback::from(move |_: MouseEvent| open.emit(c))
    };
    let done = solved.iter().any(|n| n == c.name);
    html! {
        <div class="learn-card challenge-card" data-testid="challenge-card" data-name={c.name}>
            <div class="learn-card-head">
                <h2>{ format!("Challenge: {}", c.title) }</h2>
                if done { <span class="learn-progress solved">{ "✓ solved before" }</span> }
            </div>
            <p class="challenge-task">{ inline(c.task) }</p>
            if run.hints > 0 {
                <ol class="challenge-hints">
                    { for c.hints.iter().take(run.hints).map(|h| html! { <li>{ inline(h) }</li> }) }
                </ol>
            }
            if let Some((ok, why)) = &run.verdict {
                <p class={classes!("challenge-verdict", if *ok { "ok" } else { "not-yet" })}
                   data-testid="challenge-verdict" data-solved={ok.to_string()} role="status">
                    <span aria-hidden="true">{ if *ok { "✓ " } else { "✗ " } }</span>
                    { if *ok { "Solved. " } else { "Not yet. " } }
                    { why.clone() }
                </p>
            }
            if run.solution {
                <div class="challenge-solution" data-testid="challenge-solution">
                    <pre>{ c.solution.trim_end() }</pre>
                    <p><strong>{ "Checked by: " }</strong>{ c.checked_by }</p>
                </div>
            }
            <div class="learn-buttons">
                <button type="button" class="primary" data-testid="challenge-check" onclick={on_check}>{ "Check" }</button>
                <button type="button" data-testid="challenge-hint" disabled={run.hints >= c.hints.len()}
                        onclick={on_hint}>
                    { format!("Hint ({} of {})", run.hints.min(c.hints.len()), c.hints.len()) }
                </button>
                <button type="button" data-testid="challenge-show-solution" aria-expanded={run.solution.to_string()}
                        onclick={on_solution}>{ if run.solution { "Hide solution" } else { "Show solution" } }</button>
                <button type="button" data-testid="challenge-restart" onclick={on_restart}>{ "Restart" }</button>
                <button type="button" data-testid="challenge-close" onclick={close.clone()}>{ "Close" }</button>
            </div>
        </div>
    }
}

/// What each stop of the tour says (it runs nothing).
const TOUR: [(&str, &str); 4] = [
    (
        "Consoles",
        "Each console is one client connection to a Redis server running in this page. Type a command and press Enter; + Console adds another client.",
    ),
    (
        "Views",
        "Beside the consoles, views draw what your commands did: channels and the messages sent through them, streams as tapes of entries, consumer groups with their pending entries, and every key.",
    ),
    (
        "What just happened",
        "After each command, a few sentences say what changed; hover a changed element to see the command that caused it.",
    ),
    (
        "Timeline and clock",
        "At the bottom, every step you took: click one to travel back to it. The clock can pause, speed up or jump, so idle times and expiries can be shown in seconds.",
    ),
];

/// The first visit's welcome: lesson 1, or a short tour; non-modal, runs nothing.
fn welcome_card(
    tour: &UseStateHandle<Option<usize>>,
    dismiss: &Callback<()>,
    open_lesson: &Callback<&'static Lesson>,
) -> Html {
    let on_dismiss = {
        let dismiss = dismiss.clone();
        Callback::from(move |_: MouseEvent| dismiss.emit(()))
    };
    let on_lesson = lessons::all().first().map(|first| {
        let open = open_lesson.clone();
        Callback::from(move |_: MouseEvent| open.emit(first))
    });
    match **tour {
        None => {
            let on_tour = {
                let tour = tour.clone();
                Callback::from(move |_: MouseEvent| tour.set(Some(0)))
            };
            html! {
                <div class="learn-card welcome" data-testid="welcome" role="region" aria-label="Welcome">
                    <p>
                        <strong>{ "New here? " }</strong>
                        { "streamplay runs a Redis server in this page. Start with the first lesson, take a short tour, or just type commands." }
                    </p>
                    <div class="learn-buttons">
                        if let Some(onclick) = on_lesson {
                            <button type="button" class="primary" data-testid="welcome-lesson" {onclick}>
                                { format!("Lesson 1: {}", lessons::all()[0].title) }
                            </button>
                        }
                        <button type="button" data-testid="tour-start" onclick={on_tour}>{ "Tour (4 stops)" }</button>
                        <button type="button" data-testid="welcome-dismiss" onclick={on_dismiss}>{ "No thanks" }</button>
                    </div>
                </div>
            }
        }
        Some(i) => {
            let (title, text) = TOUR[i.min(TOUR.len() - 1)];
            let last = i + 1 >= TOUR.len();
            let on_next = {
                let (tour, dismiss) = (tour.clone(), dismiss.clone());
                Callback::from(move |_: MouseEvent| {
                    if last {
                        dismiss.emit(())
                    } else {
                        tour.set(Some(i + 1))
                    }
                })
            };
            html! {
                <div class="learn-card welcome" data-testid="tour" data-index={i.to_string()}
                     role="region" aria-label="Tour">
                    <p aria-live="polite">
                        <strong>{ format!("{} ({} of {}). ", title, i + 1, TOUR.len()) }</strong>
                        { text }
                    </p>
                    <div class="learn-buttons">
                        <button type="button" class="primary" data-testid="tour-next" onclick={on_next}>
                            { if last { "Done" } else { "Next stop" } }
                        </button>
                        <button type="button" data-testid="welcome-dismiss" onclick={on_dismiss}>{ "Close" }</button>
                    </div>
                </div>
            }
        }
    }
}
