//! Scenarios through the session: the one runner of the transcript format (tests, the page,
//! the JS API) and the export of the step log as a scenario.
//!
//! Running: `A> line` is a step in pane A; `B<` checks the next frame written to B;
//! `@profile` is a profile switch step, `@clock <ms>` sets the clock (not a step: a clock
//! mark if time produced output), `@clock +<ms>` is a clock jump step (before anything has
//! happened, all three set the start instead: [`Session::step`]); `@pane add|remove|rename`, `@unblock` and
//! `@reconnect` are their steps.
//!
//! Export writes the log back so that running it in a fresh session replays the same engine
//! calls: the start (`@profile`, `@clock`, `@pane add` for the panes it had), an `@clock <ms>`
//! before each step whose time differs from the previous one's (so `XADD *` ids replay
//! exactly), and an `@clock <ms>` for each clock mark.

use std::collections::VecDeque;

use crate::vec_map::VecMap;

use super::{apply_mark, apply_step, Output, Session, Step};
use crate::console::Line;
use crate::engine::Profile;
use crate::transcript::{self, lines_match, Located, Mismatch, ParseError, Replay};

/// A transcript is text in lines, where CRLF and LF end a line alike: the CR that ends each
/// line of a raw-printed reply (INFO) is not part of the line.
fn texts(lines: &[Line]) -> Vec<String> {
    lines
        .iter()
        .map(|l| l.text.strip_suffix('\r').unwrap_or(&l.text).to_string())
        .collect()
}

/// Frames waiting for a `NAME<` check, by pane name.
type Pending = VecMap<String, VecDeque<Vec<String>>>;

fn queue(pending: &mut Pending, out: &Output) {
    for (pane, lines) in &out.pushed {
        pending
            .get_or_insert_with(pane.to_string(), VecDeque::new)
            .push_back(texts(lines));
    }
}

fn problem(line: usize, what: String) -> Mismatch {
    Mismatch {
        line,
        what,
        expected: vec![],
        actual: vec![],
    }
}

impl Session {
    /// Runs a scenario or transcript text; a text that does not parse changes nothing.
    pub fn run_scenario(&mut self, text: &str) -> Result<Replay, ParseError> {
        let steps = transcript::parse(text)?;
        Ok(self.run_steps(&steps))
    }

    /// Runs parsed transcript steps and compares every output with what they expect
    /// (a scenario without expectations simply reports its output as mismatches).
    pub fn run_steps(&mut self, steps: &[Located]) -> Replay {
        self.run_steps_observed(steps, &mut |_, _| {})
    }

    /// [`Session::run_steps`], handing `seen` the output of every step that ran (the page
    /// shows them in its panes, and the JS API's `runScript` returns the commands' replies).
    pub fn run_steps_observed(
        &mut self,
        steps: &[Located],
        seen: &mut dyn FnMut(&transcript::Step, &Output),
    ) -> Replay {
        let mut result = Replay::default();
        let mut pending = Pending::new();
        for (index, located) in steps.iter().enumerate() {
            let at = located.line;
            let stepped = match &located.step {
                transcript::Step::Comment(_) | transcript::Step::Pause => None,
                transcript::Step::Profile(name) => match Profile::parse(name) {
                    None => {
                        result
                            .mismatches
                            .push(problem(at, format!("unknown profile {name:?}")));
                        None
                    }
                    Some(p) => Some(self.switch_profile(p)),
                },
                transcript::Step::Clock { relative, ms } => {
                    if *relative {
                        Some(self.jump(*ms))
                    } else {
                        Some(Ok(self.set_clock(*ms)))
                    }
                }
                transcript::Step::PaneAdd(name) => Some(self.add_pane(name)),
                transcript::Step::PaneRemove(name) => Some(self.remove_pane(name)),
                transcript::Step::PaneRename { from, to } => {
                    let out = self.rename_pane(from, to);
                    if out.is_ok() {
                        if let Some(q) = pending.remove(from) {
                            pending.insert(to.clone(), q);
                        }
                    }
                    Some(out)
                }
                transcript::Step::Unblock(name) => Some(self.unblock(name)),
                transcript::Step::Reconnect(name) => Some(self.reconnect(name)),
                transcript::Step::StopReading(name) => Some(self.set_reading(name, false)),
                transcript::Step::StartReading(name) => Some(self.set_reading(name, true)),
                transcript::Step::Command {
                    client,
                    line,
                    expected,
                } => {
                    if let Some(q) = pending.remove(client).filter(|q| !q.is_empty()) {
                        result.mismatches.push(Mismatch {
                            line: at,
                            what: format!(
                                "{client} has {} frame(s) not checked with {client}< before this command",
                                q.len()
                            ),
                            expected: vec![],
                            actual: q.into_iter().flatten().collect(),
                        });
                    }
                    match self.run(client, line) {
                        Ok(out) => {
                            seen(&located.step, &out);
                            queue(&mut pending, &out);
                            let actual = texts(&out.lines);
                            if !lines_match(expected, &actual) {
                                result.mismatches.push(Mismatch {
                                    line: at,
                                    what: format!("{client}> {line}"),
                                    expected: expected.clone(),
                                    actual: actual.clone(),
                                });
                            }
                            result.actual.insert(index, actual);
                        }
                        Err(e) => result
                            .mismatches
                            .push(problem(at, format!("{client}> {line}: {e}"))),
                    }
                    None
                }
                transcript::Step::Frame { client, expected } => {
                    let frame = pending.get_mut(client).and_then(|q| q.pop_front());
                    let actual = frame.clone().unwrap_or_default();
                    if frame.is_none() || !lines_match(expected, &actual) {
                        result.mismatches.push(Mismatch {
                            line: at,
                            what: if frame.is_none() {
                                format!("no frame was delivered to {client}")
                            } else {
                                format!("frame for {client}")
                            },
                            expected: expected.clone(),
                            actual: actual.clone(),
                        });
                    }
                    result.actual.insert(index, actual);
                    None
                }
            };
            match stepped {
                Some(Ok(out)) => {
                    seen(&located.step, &out);
                    queue(&mut pending, &out);
                }
                Some(Err(e)) => result.mismatches.push(problem(at, e.to_string())),
                None => {}
            }
        }
        for (client, q) in pending {
            if !q.is_empty() {
                result.mismatches.push(Mismatch {
                    line: steps.last().map(|s| s.line).unwrap_or(0),
                    what: format!(
                        "{client} has {} frame(s) never checked with {client}<",
                        q.len()
                    ),
                    expected: vec![],
                    actual: q.into_iter().flatten().collect(),
                });
            }
        }
        result
    }

    /// The log up to the current step as a scenario (commands and directives, no expected output).
    pub fn export_scenario(&self) -> String {
        transcript::render(&self.export_steps(false), &Replay::default())
    }

    /// The log up to the current step as a transcript: the scenario with every command's output
    /// and every frame (`NAME<`) as this session printed them, replayed from the start.
    pub fn export_transcript(&self) -> String {
        transcript::render(&self.export_steps(true), &Replay::default())
    }

    fn export_steps(&self, with_output: bool) -> Vec<Located> {
        use transcript::Step as T;
        let mut steps = Vec::new();
        let mut push = |step: T| steps.push(Located { line: 0, step });
        let frames = |out: &Output, push: &mut dyn FnMut(T)| {
            for (pane, lines) in &out.pushed {
                push(T::Frame {
                    client: pane.to_string(),
                    expected: texts(lines),
                });
            }
        };
        if self.base > 0 {
            // The freed steps made the start; a scenario cannot state it, so it says so.
            push(T::Comment(format!(
                "The history cap freed the first {} step(s); this scenario starts after them.",
                self.base
            )));
        }
        push(T::Profile(self.origin.profile.name().to_string()));
        push(T::Clock {
            relative: false,
            ms: self.origin.time_ms,
        });
        for p in &self.origin.panes {
            push(T::PaneAdd(p.clone()));
        }
        // A replay beside the export gives each step's output, when it is wanted.
        let mut state = with_output.then(|| self.start_state());
        let mut now = self.origin.time_ms;
        let mark = |t: u64, state: &mut Option<super::State>, push: &mut dyn FnMut(T)| {
            push(T::Clock {
                relative: false,
                ms: t,
            });
            if let Some(state) = state {
                frames(&apply_mark(state, t), push);
            }
        };
        for &t in &self.origin_marks {
            mark(t, &mut state, &mut push);
            now = t;
        }
        for l in &self.log[..self.current - self.base] {
            // A step's own time, or for a jump the time it jumped from (the clock may have
            // run since the previous step).
            let starts = match l.step {
                Step::ClockJump { ms } => l.time_ms.saturating_sub(ms),
                _ => l.time_ms,
            };
            if starts != now {
                push(T::Clock {
                    relative: false,
                    ms: starts,
                });
            }
            let out = state.as_mut().and_then(|s| {
                let out = apply_step(&self.config, s, &l.step, l.time_ms);
                debug_assert!(out.is_ok(), "a logged step failed on replay");
                out.ok()
            });
            match &l.step {
                Step::Command { pane, line } => push(T::Command {
                    client: pane.to_string(),
                    line: line.to_string(),
                    expected: out.as_ref().map(|o| texts(&o.lines)).unwrap_or_default(),
                }),
                Step::ClockJump { ms } => push(T::Clock {
                    relative: true,
                    ms: *ms,
                }),
                Step::Profile(p) => push(T::Profile(p.name().to_string())),
                Step::PaneAdd { name } => push(T::PaneAdd(name.to_string())),
                Step::PaneRemove { name } => push(T::PaneRemove(name.to_string())),
                Step::PaneRename { from, to } => push(T::PaneRename {
                    from: from.to_string(),
                    to: to.to_string(),
                }),
                Step::Unblock { pane } => push(T::Unblock(pane.to_string())),
                Step::Reconnect { pane } => push(T::Reconnect(pane.to_string())),
                Step::StopReading { pane } => push(T::StopReading(pane.to_string())),
                Step::StartReading { pane } => push(T::StartReading(pane.to_string())),
            }
            if let Some(out) = &out {
                frames(out, &mut push);
            }
            now = l.time_ms;
            for &t in &l.marks {
                mark(t, &mut state, &mut push);
                now = t;
            }
        }
        steps
    }
}
