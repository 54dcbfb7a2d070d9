//! A pane's output lines: an append-only store of reference-counted chunks.
//!
//! The reducer copies a pane on every change, so the store must be cheap to copy and to append
//! to: a copy shares every chunk (one reference count each), and an append copies at most the
//! last, partly filled chunk (at most [`CHUNK`] lines), never the whole output. Old lines leave a
//! whole chunk at a time once the store holds more than [`MAX_LINES`].

use std::rc::Rc;

use yew::AttrValue;

use crate::console::LineKind;

/// Lines per chunk: all chunks but the last are full, so line `i` is in chunk `i / CHUNK`.
pub const CHUNK: usize = 256;

/// The most lines a pane keeps (a little more, up to one chunk): enough for a 100,000-line
/// session, bounded so that a runaway loop cannot exhaust the tab's memory.
pub const MAX_LINES: usize = 200_000;

/// One output line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    /// Unique and increasing within its pane (the render key).
    pub id: u64,
    pub kind: LineKind,
    /// Reference-counted text.
    pub text: AttrValue,
}

/// The lines of a pane, oldest first.
#[derive(Clone, Debug, Default)]
pub struct LineStore {
    chunks: Vec<Rc<Vec<Line>>>,
    len: usize,
    next_id: u64,
}

impl PartialEq for LineStore {
    /// Two copies of the same store are equal when they hold the same lines. Ids only grow, so
    /// the count, the next id and the first chunk identify the content without comparing text.
    fn eq(&self, other: &Self) -> bool {
        self.len == other.len
            && self.next_id == other.next_id
            && match (self.chunks.first(), other.chunks.first()) {
                (Some(a), Some(b)) => Rc::ptr_eq(a, b) || a == b,
                (None, None) => true,
                _ => false,
            }
    }
}

impl Eq for LineStore {}

impl LineStore {
    pub fn len(&self) -> usize {
        self.len
    }

    pub fn is_empty(&self) -> bool {
        self.len == 0
    }

    /// The `index`-th stored line (0 = oldest kept).
    pub fn get(&self, index: usize) -> Option<&Line> {
        self.chunks.get(index / CHUNK)?.get(index % CHUNK)
    }

    /// The newest line.
    pub fn last(&self) -> Option<&Line> {
        self.chunks.last()?.last()
    }

    /// Lines `start..end` (clamped), oldest first.
    pub fn range(&self, start: usize, end: usize) -> impl Iterator<Item = (usize, &Line)> {
        let end = end.min(self.len);
        (start.min(end)..end).filter_map(move |i| self.get(i).map(|l| (i, l)))
    }

    /// Appends a line; drops the oldest chunk past [`MAX_LINES`].
    pub fn push(&mut self, kind: LineKind, text: AttrValue) {
        let id = self.next_id;
        self.next_id += 1;
        if self.chunks.last().is_none_or(|c| c.len() >= CHUNK) {
            self.chunks.push(Rc::new(Vec::with_capacity(CHUNK)));
        }
        if let Some(last) = self.chunks.last_mut() {
            Rc::make_mut(last).push(Line { id, kind, text });
            self.len += 1;
        }
        if self.len >= MAX_LINES + CHUNK {
            let dropped = self.chunks.remove(0);
            self.len -= dropped.len();
        }
    }

    /// Removes the newest line (redis-cli erases its subscribe-mode line before more output).
    pub fn pop(&mut self) -> Option<Line> {
        let last = self.chunks.last_mut()?;
        let line = Rc::make_mut(last).pop()?;
        if last.is_empty() {
            self.chunks.pop();
        }
        self.len -= 1;
        Some(line)
    }

    /// Empties the store (`clear`, Ctrl+L); ids keep growing.
    pub fn clear(&mut self) {
        self.chunks.clear();
        self.len = 0;
    }
}
