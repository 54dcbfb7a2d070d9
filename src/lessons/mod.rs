//! STUB (integrator's local compile check; replaced by the lessons branch).
use crate::transcript::{self, Located, ParseError, Step};
pub struct Lesson {
    pub name: &'static str,
    pub title: &'static str,
    pub summary: &'static str,
    pub views: &'static [&'static str],
    pub text: &'static str,
}
static ALL: [Lesson; 1] = [Lesson { name: "pubsub-basics", title: "Pub/Sub basics", summary: "s", views: &["pubsub"], text: "@clock 1700000000000\n@pane add publisher\n@pane add subscriber\n# Two panes.\n@pause\n# A subscribes.\nsubscriber> SUBSCRIBE news\n@pause\n# B publishes.\npublisher> PUBLISH news hi\n@pause\n# Try it.\n" }];
pub fn all() -> &'static [Lesson] {
    &ALL
}
pub fn find(name: &str) -> Option<&'static Lesson> {
    ALL.iter().find(|l| l.name == name)
}
pub struct Part {
    pub narration: Vec<String>,
    pub steps: Vec<Located>,
}
pub fn parts(text: &str) -> Result<Vec<Part>, ParseError> {
    let mut out = vec![Part {
        narration: vec![],
        steps: vec![],
    }];
    for l in transcript::parse(text)? {
        match l.step {
            Step::Pause => out.push(Part {
                narration: vec![],
                steps: vec![],
            }),
            Step::Comment(c) => out.last_mut().unwrap().narration.push(c),
            _ => out.last_mut().unwrap().steps.push(l),
        }
    }
    Ok(out)
}
