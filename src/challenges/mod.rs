//! STUB (integrator's local compile check; replaced by the challenges branch).
use crate::session::Session;
pub struct Challenge {
    pub name: &'static str,
    pub title: &'static str,
    pub task: &'static str,
    pub setup: &'static str,
    pub hints: &'static [&'static str],
    pub solution: &'static str,
    pub checked_by: &'static str,
}
pub enum Verdict {
    Solved(String),
    NotYet(String),
}
impl Challenge {
    pub fn check(&self, session: &Session, from: usize) -> Verdict {
        if session.len() > from {
            Verdict::Solved("ok".into())
        } else {
            Verdict::NotYet("nothing yet".into())
        }
    }
}
static ALL: [Challenge; 1] = [Challenge {
    name: "no-pending",
    title: "Leave no entry pending",
    task: "t",
    setup: "@clock 1700000000000\n@pane add worker\n",
    hints: &["h1", "h2"],
    solution: "worker> XACK s g 1-1\n",
    checked_by: "c",
}];
pub fn all() -> &'static [Challenge] {
    &ALL
}
pub fn find(name: &str) -> Option<&'static Challenge> {
    ALL.iter().find(|c| c.name == name)
}
