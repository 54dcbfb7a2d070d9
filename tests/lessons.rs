//! The built-in lessons (`src/lessons/`): each parses, has the shape the page's lesson panel
//! needs (a fixed `@clock` start, narration in every part, a closing "try it yourself" part
//! without commands), splits into parts that add up to its steps, and runs through the session
//! with every expected reply matching.
//!
//! Write a lesson's commands, narration and directives, then fill in its expected output and
//! frames from the session: `BLESS=1 cargo test --test lessons` rewrites each lesson file with
//! what the session printed (every `NAME<` frame regenerated), to be read before committing.

#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use streamplay::engine::Profile;
use streamplay::lessons::{self, Lesson};
use streamplay::session::{Session, SessionConfig};
use streamplay::transcript::{self, Located, Replay, Step};

fn fresh() -> Session {
    Session::new(SessionConfig::default(), Profile::default(), 0)
}

fn file(lesson: &Lesson) -> PathBuf {
    let dir = PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("src/lessons");
    let n = lessons::all()
        .iter()
        .position(|l| l.name == lesson.name)
        .unwrap();
    dir.join(format!("{:02}-{}.scenario", n + 1, lesson.name))
}

/// A step's own lines and the frames it delivered to panes, by pane name.
type StepOutput = (Vec<String>, Vec<(String, Vec<String>)>);

/// The lesson's steps with every command's output and every frame as the session printed them:
/// the old frames are dropped and each step is followed by the frames it delivered.
fn blessed(text: &str) -> String {
    let steps: Vec<Located> = transcript::parse(text)
        .unwrap()
        .into_iter()
        .filter(|s| !matches!(s.step, Step::Frame { .. }))
        .collect();
    let mut outputs: Vec<Option<StepOutput>> = vec![None; steps.len()];
    let texts = |lines: &[streamplay::console::Line]| -> Vec<String> {
        lines
            .iter()
            .map(|l| l.text.strip_suffix('\r').unwrap_or(&l.text).to_string())
            .collect()
    };
    fresh().run_steps_observed(&steps, &mut |step, out| {
        let i = steps
            .iter()
            .position(|s| std::ptr::eq(&s.step, step))
            .unwrap();
        let pushed = out
            .pushed
            .iter()
            .map(|(p, l)| (p.to_string(), texts(l)))
            .collect();
        outputs[i] = Some((texts(&out.lines), pushed));
    });
    let mut filled = Vec::new();
    for (s, out) in steps.into_iter().zip(outputs) {
        let (lines, pushed) = out.unwrap_or_default();
        filled.push(match s.step {
            Step::Command { client, line, .. } => Located {
                line: s.line,
                step: Step::Command {
                    client,
                    line,
                    expected: lines,
                },
            },
            step => Located { line: s.line, step },
        });
        for (client, expected) in pushed {
            filled.push(Located {
                line: 0,
                step: Step::Frame { client, expected },
            });
        }
    }
    // A blank line after each `@pause` keeps the files readable (a blank line after a frame
    // would be part of the frame).
    transcript::render(&filled, &Replay::default()).replace("@pause\n", "@pause\n\n")
}

#[test]
fn lessons_replay_without_mismatches() {
    let bless = std::env::var_os("BLESS").is_some();
    let mut failures = Vec::new();
    let mut commands = 0;
    for lesson in lessons::all() {
        let path = file(lesson);
        let on_disk = std::fs::read_to_string(&path).unwrap();
        assert_eq!(
            on_disk,
            lesson.text,
            "{} is not the included file",
            path.display()
        );
        if bless {
            let text = blessed(&on_disk);
            if text != on_disk {
                std::fs::write(&path, &text).unwrap();
                eprintln!("re-blessed {}", path.display());
            }
            continue;
        }
        let replay = fresh().run_scenario(lesson.text).unwrap();
        commands += transcript::parse(lesson.text)
            .unwrap()
            .iter()
            .filter(|s| matches!(s.step, Step::Command { .. }))
            .count();
        for m in replay.mismatches {
            failures.push(format!(
                "{}:{}: {}\n  expected:\n{}\n  actual:\n{}",
                path.display(),
                m.line,
                m.what,
                m.expected.join("\n"),
                m.actual.join("\n")
            ));
        }
    }
    println!("{} lessons, {commands} commands", lessons::all().len());
    assert!(
        !bless,
        "BLESS is set: lessons were rewritten where they differed; run again without it"
    );
    assert!(failures.is_empty(), "{}", failures.join("\n"));
}

#[test]
fn lessons_have_the_shape_the_page_needs() {
    assert_eq!(lessons::all().len(), 13);
    for lesson in lessons::all() {
        let name = lesson.name;
        assert!(
            name.chars()
                .all(|c| c.is_ascii_lowercase() || c.is_ascii_digit() || c == '-'),
            "{name} is not kebab-case"
        );
        assert!(
            !lesson.title.is_empty() && lesson.summary.ends_with('.'),
            "{name}"
        );
        assert!(!lesson.views.is_empty(), "{name} opens no view");
        for v in lesson.views {
            assert!(
                *v == "pubsub"
                    || *v == "keyspace"
                    || v.strip_prefix("stream:").is_some_and(|k| !k.is_empty()),
                "{name}: unknown view {v}"
            );
        }
        let steps = transcript::parse(lesson.text).unwrap();
        let first = steps
            .iter()
            .find(|s| !matches!(s.step, Step::Comment(_) | Step::Profile(_)))
            .unwrap();
        assert_eq!(
            first.step,
            Step::Clock {
                relative: false,
                ms: 1_700_000_000_000
            },
            "{name} starts with @clock 1700000000000"
        );
        let parts = lessons::parts(lesson.text).unwrap();
        assert!(parts.len() >= 3, "{name} has {} parts", parts.len());
        for (i, p) in parts.iter().enumerate() {
            assert!(!p.narration.is_empty(), "{name} part {i} has no narration");
            assert!(
                p.narration
                    .iter()
                    .all(|l| !l.starts_with('#') && !l.starts_with(' ')),
                "{name} part {i}: narration keeps its marker"
            );
        }
        let last = parts.last().unwrap();
        assert!(last.steps.is_empty(), "{name}: the last part runs steps");
        assert!(
            last.narration[0].starts_with("Try it yourself"),
            "{name}: the last part is not \"Try it yourself\""
        );
        // Every part but the last runs something, so "next" always shows a change.
        let empty = parts[..parts.len() - 1]
            .iter()
            .filter(|p| p.steps.is_empty())
            .count();
        assert_eq!(empty, 0, "{name}");
    }
}

#[test]
fn parts_add_up_to_the_steps() {
    for lesson in lessons::all() {
        let steps: Vec<Located> = transcript::parse(lesson.text)
            .unwrap()
            .into_iter()
            .filter(|s| !matches!(s.step, Step::Pause | Step::Comment(_)))
            .collect();
        let parts = lessons::parts(lesson.text).unwrap();
        let joined: Vec<Located> = parts.iter().flat_map(|p| p.steps.clone()).collect();
        assert_eq!(joined, steps, "{}", lesson.name);
        let pauses = transcript::parse(lesson.text)
            .unwrap()
            .iter()
            .filter(|s| s.step == Step::Pause)
            .count();
        assert_eq!(parts.len(), pauses + 1, "{}", lesson.name);
        let narration: Vec<String> = parts.iter().flat_map(|p| p.narration.clone()).collect();
        let comments: Vec<String> = transcript::parse(lesson.text)
            .unwrap()
            .into_iter()
            .filter_map(|s| match s.step {
                Step::Comment(c) => Some(c),
                _ => None,
            })
            .collect();
        assert_eq!(narration, comments, "{}", lesson.name);
    }
}

/// Running the parts one after another, as the page's "next" does, gives the same replies as
/// running the whole lesson at once.
#[test]
fn running_part_by_part_matches() {
    for lesson in lessons::all() {
        let mut session = fresh();
        for (i, part) in lessons::parts(lesson.text).unwrap().iter().enumerate() {
            let replay = session.run_steps(&part.steps);
            assert!(
                replay.mismatches.is_empty(),
                "{} part {i}: {:?}",
                lesson.name,
                replay.mismatches
            );
        }
    }
}

#[test]
fn find_finds_every_lesson_and_names_are_unique() {
    let mut names: Vec<&str> = lessons::all().iter().map(|l| l.name).collect();
    for name in &names {
        assert_eq!(lessons::find(name).unwrap().name, *name);
    }
    assert!(lessons::find("no-such-lesson").is_none());
    names.sort();
    names.dedup();
    assert_eq!(names.len(), lessons::all().len());
}

#[test]
fn parts_reports_a_bad_line() {
    let err = lessons::parts("# ok\n@pause\n@nonsense\n").unwrap_err();
    assert_eq!(err.line, 3);
    let parts = lessons::parts("# a\nA> PING\nPONG\n@pause\n# b\n").unwrap();
    assert_eq!(parts.len(), 2);
    assert_eq!(parts[0].narration, vec!["a".to_string()]);
    assert_eq!(parts[0].steps.len(), 1);
    assert!(parts[1].steps.is_empty());
}
