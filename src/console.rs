//! What a console pane does with a typed line, as redis-cli does it
//! (REDIS-CLI.md §3): split the line, take the repeat prefix, answer local
//! commands (`help`, `:set`, `clear`, ...), send everything else to the engine,
//! and print the replies and frames as redis-cli prints them.
//!
//! Pure and shared: the page's panes and the transcript runner both use it, so
//! a transcript checks exactly what a pane shows.

use crate::cli::help::help_lines;
use crate::cli::{format, hints, split, subscribe, tokenize};
use std::borrow::Cow;
use std::rc::Rc;

use crate::engine::{ClientId, DeliveryKind, Engine, Event, Protocol, Reply};

/// What kind of output a line is (the panes' `data-kind`).
#[derive(Clone, Copy, Debug, PartialEq, Eq)]
pub enum LineKind {
    /// The typed line, echoed after the prompt.
    Command,
    Reply,
    Error,
    Push,
    /// Local output: help, hints, `Invalid argument(s)`.
    Info,
}

impl LineKind {
    /// The `data-kind` attribute value.
    pub fn name(self) -> &'static str {
        match self {
            LineKind::Command => "command",
            LineKind::Reply => "reply",
            LineKind::Error => "error",
            LineKind::Push => "push",
            LineKind::Info => "info",
        }
    }
}

/// One screen line.
#[derive(Clone, Debug, PartialEq, Eq)]
pub struct Line {
    pub kind: LineKind,
    pub text: String,
}

/// A typed line's screen lines: most commands print one, kept inline (no allocation of its own).
pub type Lines = OneOrVec<Line>;

/// A typed line's frames: most commands write one, kept inline (no allocation of its own).
pub type Frames = OneOrVec<RawFrame>;

/// A vector that keeps a single element inline and allocates only for a second one: most typed
/// lines print one screen line and write one frame, which then cost no allocation and free. It
/// reads as a slice (`Deref`); hand-written rather than a crate's small vector because this is
/// all the console needs, and it adds less code to the page's wasm.
#[derive(Clone, Debug)]
pub struct OneOrVec<T>(OneOrVecRepr<T>);

#[derive(Clone, Debug)]
enum OneOrVecRepr<T> {
    One(T),
    /// Empty, or more than one (or what is left of more after `retain`).
    Many(Vec<T>),
}

impl<T> Default for OneOrVec<T> {
    fn default() -> OneOrVec<T> {
        OneOrVec(OneOrVecRepr::Many(Vec::new()))
    }
}

impl<T> OneOrVec<T> {
    pub fn new() -> OneOrVec<T> {
        OneOrVec::default()
    }

    /// Room for `n` elements: inline for one, a vector of `n` for more.
    pub fn with_capacity(n: usize) -> OneOrVec<T> {
        if n <= 1 {
            OneOrVec::default()
        } else {
            OneOrVec(OneOrVecRepr::Many(Vec::with_capacity(n)))
        }
    }

    #[inline]
    pub fn push(&mut self, x: T) {
        if let OneOrVecRepr::Many(v) = &mut self.0 {
            if v.capacity() == 0 {
                // A vector without room owns no memory: the element goes inline, and the
                // vector is forgotten rather than dropped (nothing to free, and no call).
                std::mem::forget(std::mem::replace(&mut self.0, OneOrVecRepr::One(x)));
            } else {
                v.push(x);
            }
            return;
        }
        self.push_second(x);
    }

    /// The second element: the inline one moves into a vector with it.
    #[cold]
    fn push_second(&mut self, x: T) {
        let first = std::mem::replace(&mut self.0, OneOrVecRepr::Many(Vec::new()));
        self.0 = OneOrVecRepr::Many(match first {
            OneOrVecRepr::One(first) => vec![first, x],
            OneOrVecRepr::Many(mut v) => {
                v.push(x);
                v
            }
        });
    }

    /// Room for `n` more elements: none for one more into an empty one (it goes inline), a
    /// vector otherwise.
    pub fn reserve(&mut self, n: usize) {
        match &mut self.0 {
            OneOrVecRepr::Many(v) if v.capacity() == 0 && n <= 1 => {}
            OneOrVecRepr::Many(v) => v.reserve(n),
            OneOrVecRepr::One(_) => {
                if n > 0 {
                    let first = std::mem::replace(&mut self.0, OneOrVecRepr::Many(Vec::new()));
                    let mut v = Vec::with_capacity(n + 1);
                    v.extend(first_of(first));
                    self.0 = OneOrVecRepr::Many(v);
                }
            }
        }
    }

    /// Keeps the elements for which `keep` is true, in order.
    pub fn retain(&mut self, mut keep: impl FnMut(&T) -> bool) {
        match &mut self.0 {
            OneOrVecRepr::One(x) => {
                if !keep(x) {
                    self.0 = OneOrVecRepr::Many(Vec::new());
                }
            }
            OneOrVecRepr::Many(v) => v.retain(|x| keep(x)),
        }
    }

    /// Moves `other`'s elements to the end of this one.
    pub fn append(&mut self, other: &mut OneOrVec<T>) {
        self.extend(std::mem::take(other));
    }

    pub fn clear(&mut self) {
        self.0 = OneOrVecRepr::Many(Vec::new());
    }

    pub fn into_vec(self) -> Vec<T> {
        match self.0 {
            OneOrVecRepr::One(x) => vec![x],
            OneOrVecRepr::Many(v) => v,
        }
    }
}

/// The inline element of a `One` (nothing for a `Many`, which `reserve` does not pass).
fn first_of<T>(repr: OneOrVecRepr<T>) -> Option<T> {
    match repr {
        OneOrVecRepr::One(x) => Some(x),
        OneOrVecRepr::Many(_) => None,
    }
}

impl<T> std::ops::Deref for OneOrVec<T> {
    type Target = [T];

    fn deref(&self) -> &[T] {
        match &self.0 {
            OneOrVecRepr::One(x) => std::slice::from_ref(x),
            OneOrVecRepr::Many(v) => v,
        }
    }
}

impl<T> std::ops::DerefMut for OneOrVec<T> {
    fn deref_mut(&mut self) -> &mut [T] {
        match &mut self.0 {
            OneOrVecRepr::One(x) => std::slice::from_mut(x),
            OneOrVecRepr::Many(v) => v,
        }
    }
}

impl<T: PartialEq> PartialEq for OneOrVec<T> {
    fn eq(&self, other: &OneOrVec<T>) -> bool {
        **self == **other
    }
}

impl<T: Eq> Eq for OneOrVec<T> {}

impl<T> Extend<T> for OneOrVec<T> {
    fn extend<I: IntoIterator<Item = T>>(&mut self, items: I) {
        for x in items {
            self.push(x);
        }
    }
}

impl<T> FromIterator<T> for OneOrVec<T> {
    fn from_iter<I: IntoIterator<Item = T>>(items: I) -> OneOrVec<T> {
        let mut v = OneOrVec::new();
        v.extend(items);
        v
    }
}

impl<T> From<Vec<T>> for OneOrVec<T> {
    fn from(v: Vec<T>) -> OneOrVec<T> {
        OneOrVec(OneOrVecRepr::Many(v))
    }
}

impl<T> IntoIterator for OneOrVec<T> {
    type Item = T;
    type IntoIter = std::iter::Chain<std::option::IntoIter<T>, std::vec::IntoIter<T>>;

    fn into_iter(self) -> Self::IntoIter {
        match self.0 {
            OneOrVecRepr::One(x) => Some(x).into_iter().chain(Vec::new()),
            OneOrVecRepr::Many(v) => None.into_iter().chain(v),
        }
    }
}

impl<'a, T> IntoIterator for &'a OneOrVec<T> {
    type Item = &'a T;
    type IntoIter = std::slice::Iter<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter()
    }
}

impl<'a, T> IntoIterator for &'a mut OneOrVec<T> {
    type Item = &'a mut T;
    type IntoIter = std::slice::IterMut<'a, T>;

    fn into_iter(self) -> Self::IntoIter {
        self.iter_mut()
    }
}

/// The result of one typed line.
#[derive(Clone, Debug, Default)]
pub struct Typed {
    /// What the typing pane shows (not including the echoed command line).
    pub lines: Lines,
    /// Frames for other clients (deferred replies of blocked clients, pushes),
    /// already formatted for each receiver, in delivery order.
    pub others: Vec<(ClientId, Vec<Line>)>,
    /// The command blocked: the pane waits for a deferred reply.
    pub blocked: bool,
    /// `clear` was typed: the pane empties its screen.
    pub clear: bool,
    /// The connection was closed (QUIT, or CLIENT KILL of itself).
    pub closed: bool,
    /// Other clients the command disconnected (CLIENT KILL): their panes lose
    /// their connections.
    pub killed: Vec<ClientId>,
    /// Everything the engine reported, for the views.
    pub events: Vec<Event>,
    /// `:set hints` (`Some(true)`) or `:set nohints` (`Some(false)`) was typed.
    pub set_hints: Option<bool>,
    /// Every frame written, to the caller and to others, with the receiver's protocol, in the
    /// order written (for panes that show raw RESP).
    pub frames: Frames,
}

impl Typed {
    /// The caller's own replies, in order, as the client's protocol shows them (for the JS API).
    pub fn replies(&self) -> Vec<Reply> {
        own_replies(&self.frames)
    }
}

/// Where [`run_line_into`] writes a typed line's screen lines, frames and events: the caller's
/// own vectors (the session's step output), so that they are not built here and moved there.
/// Lines and frames are appended; the events are appended too (taken whole when there are
/// none yet).
pub struct Sink<'a> {
    pub lines: &'a mut Lines,
    pub frames: &'a mut Frames,
    pub events: &'a mut Vec<Event>,
}

/// The rest of a typed line's result ([`Typed`] without what went into the [`Sink`]).
#[derive(Clone, Debug, Default)]
pub struct Status {
    pub others: Vec<(ClientId, Vec<Line>)>,
    pub blocked: bool,
    pub clear: bool,
    pub closed: bool,
    pub killed: Vec<ClientId>,
    pub set_hints: Option<bool>,
}

/// The own replies among `frames`, as their client's protocol shows them.
pub fn own_replies<'a>(frames: impl IntoIterator<Item = &'a RawFrame>) -> Vec<Reply> {
    frames
        .into_iter()
        .filter(|f| f.own_reply)
        .map(|f| f.reply().into_owned())
        .collect()
}

/// One frame as a client receives it: the reply and the protocol it is written in. Its RESP
/// bytes are encoded on demand ([`RawFrame::bytes`]), so that a step pays for them only when a
/// pane shows raw RESP.
#[derive(Clone, Debug, PartialEq)]
pub struct RawFrame {
    pub client: ClientId,
    /// The receiving pane's name: the console leaves it empty, the session names the pane (so
    /// that a step's frames are one vector, not a second one collected with the names).
    pub pane: Option<Rc<str>>,
    /// `Reply`, `Push` or `Error`.
    pub kind: LineKind,
    /// The frame as the engine produced it (the RESP3 superset).
    pub frame: Reply,
    /// The receiver's protocol when the frame was written.
    pub protocol: Protocol,
    /// The frame is the typing client's own reply to its command (what the JS API returns).
    pub own_reply: bool,
}

impl RawFrame {
    /// The frame `frame` for `client`, to be encoded in its current protocol.
    pub fn new(engine: &Engine, client: ClientId, frame: Reply, kind: LineKind) -> RawFrame {
        let kind = if frame.is_error() {
            LineKind::Error
        } else {
            kind
        };
        RawFrame {
            client,
            pane: None,
            kind,
            frame,
            protocol: engine.protocol(client),
            own_reply: false,
        }
    }

    /// The frame as the client's protocol shows it (RESP2 downgrades RESP3 types).
    pub fn reply(&self) -> Cow<'_, Reply> {
        view(&self.frame, self.protocol)
    }

    /// The RESP bytes the client receives.
    pub fn bytes(&self) -> Vec<u8> {
        crate::engine::resp::encode(&self.frame, self.protocol)
    }

    /// The frame as one screen line, every byte visible: printable ASCII as itself, `\\`,
    /// `\r`, `\n`, `\t`, anything else `\xNN` (`*1\r\n$4\r\nPING\r\n`).
    pub fn line(&self) -> Line {
        let bytes = self.bytes();
        let mut text = String::with_capacity(bytes.len() + 8);
        for &b in &bytes {
            match b {
                b'\\' => text.push_str("\\\\"),
                b'\r' => text.push_str("\\r"),
                b'\n' => text.push_str("\\n"),
                b'\t' => text.push_str("\\t"),
                0x20..=0x7e => text.push(b as char),
                _ => text.push_str(&format!("\\x{b:02x}")),
            }
        }
        Line {
            kind: self.kind,
            text,
        }
    }
}

/// The frame as a client of `protocol` receives it: borrowed unless RESP2 changes it.
fn view(frame: &Reply, protocol: Protocol) -> Cow<'_, Reply> {
    if protocol == Protocol::Resp2 && degrades(frame) {
        Cow::Owned(frame.to_resp2())
    } else {
        Cow::Borrowed(frame)
    }
}

/// Whether RESP2 shows `frame` as a different value (it holds a RESP3-only type).
fn degrades(frame: &Reply) -> bool {
    match frame {
        Reply::Simple(_)
        | Reply::Error(_)
        | Reply::Integer(_)
        | Reply::Bulk(_)
        | Reply::Null
        | Reply::NullArray => false,
        Reply::Array(items) => items.iter().any(degrades),
        // RESP2 shows a short array as the array of what came.
        Reply::ShortArray(..) => true,
        Reply::Map(_)
        | Reply::Set(_)
        | Reply::Double(_)
        | Reply::Boolean(_)
        | Reply::Verbatim(..)
        | Reply::BigNumber(_)
        | Reply::Push(_) => true,
    }
}

/// Formats one frame for `client` as redis-cli prints it, in the client's
/// current protocol. Errors are `Error` lines, the rest have `kind`.
pub fn frame_lines(engine: &Engine, client: ClientId, frame: &Reply, kind: LineKind) -> Vec<Line> {
    let mut lines = Lines::new();
    push_frame_lines(frame, engine.protocol(client), kind, &mut lines);
    lines.into_vec()
}

/// As [`frame_lines`] for a client of `protocol`, appending the lines to `into` (the typing
/// pane's lines are one vector; one type only, so the page's wasm holds one copy of the code).
fn push_frame_lines(frame: &Reply, protocol: Protocol, kind: LineKind, into: &mut Lines) {
    let view = view(frame, protocol);
    let kind = if view.is_error() {
        LineKind::Error
    } else {
        kind
    };
    // A push prints as redis-cli prints one (§4.6): an invalidation as one `-> invalidate:` line,
    // anything else with the normal formatter.
    let text = if kind == LineKind::Push {
        format::format_push(&view)
    } else {
        format::format(&view)
    };
    text_lines(text, kind, into);
    short_note(frame, into);
}

/// After a short array (EXEC's, when a queued CLIENT REPLY OFF dropped the replies after
/// it), a line saying so: redis-cli would wait for the missing elements and take the next
/// replies for them, which a console cannot show, so it prints what came and this.
fn short_note(frame: &Reply, into: &mut Lines) {
    if let Reply::ShortArray(n, items) = frame {
        into.push(info(&format!(
            "(a short array, as Redis wrote it: {n} elements declared, {} came)",
            items.len()
        )));
    }
}

/// Splits formatter output into screen lines (the final newline ends the last line), appended
/// to `into`.
fn text_lines(mut text: String, kind: LineKind, into: &mut Lines) {
    if text.is_empty() {
        return;
    }
    if text.ends_with('\n') {
        text.pop();
    }
    // Most replies are one line: that line is the formatter's own string.
    if !text.contains('\n') {
        into.push(Line { kind, text });
        return;
    }
    into.extend(text.split('\n').map(|t| Line {
        kind,
        text: t.to_string(),
    }));
}

/// Whether `word` can be one of the local commands whose first letters are `leads` (lower-case
/// ASCII): a quick test before [`word_is`], which only a word starting with one of them, or
/// with a non-ASCII byte (whose lower case is not known from its first byte), can pass.
fn could_be_local(word: &[u8], leads: &[u8]) -> bool {
    word.first()
        .is_some_and(|&b| !b.is_ascii() || leads.contains(&b.to_ascii_lowercase()))
}

/// Whether the typed `word` is the local command `lower` (lower-case ASCII), compared as
/// redis-cli compares it: case-insensitively, after a lossy UTF-8 reading.
fn word_is(word: &[u8], lower: &str) -> bool {
    if word.is_ascii() {
        word.len() == lower.len() && word.eq_ignore_ascii_case(lower.as_bytes())
    } else {
        // The lower case of a non-ASCII word equals an ASCII name only when it is all ASCII.
        hints::ascii_lower(&String::from_utf8_lossy(word)).as_deref() == Some(lower)
    }
}

fn info(text: &str) -> Line {
    Line {
        kind: LineKind::Info,
        text: text.to_string(),
    }
}

/// The largest repeat count (`N command`) a line may have: a million runs (the issue's
/// `1000000 XADD s * f v` loop) take seconds, a larger count is refused with a clear line.
pub const MAX_REPEAT: u64 = 1_000_000;

/// Runs a typed line for `client` at `now_ms`.
pub fn run_line(engine: &mut Engine, client: ClientId, line: &str, now_ms: u64) -> Typed {
    let mut typed = Typed::default();
    let sink = Sink {
        lines: &mut typed.lines,
        frames: &mut typed.frames,
        events: &mut typed.events,
    };
    let status = run_line_into(engine, client, line, now_ms, sink);
    typed.others = status.others;
    typed.blocked = status.blocked;
    typed.clear = status.clear;
    typed.closed = status.closed;
    typed.killed = status.killed;
    typed.set_hints = status.set_hints;
    typed
}

/// As [`run_line`], writing the screen lines, frames and events into `sink`.
pub fn run_line_into(
    engine: &mut Engine,
    client: ClientId,
    line: &str,
    now_ms: u64,
    sink: Sink<'_>,
) -> Status {
    let Sink {
        lines,
        frames,
        events,
    } = sink;
    let mut status = Status::default();
    let Some(args) = split::split_args(line.as_bytes()) else {
        lines.push(info("Invalid argument(s)"));
        return status;
    };
    if args.is_empty() {
        return status;
    }
    let Ok((repeat, command)) = tokenize::parse_repeat(&args) else {
        lines.push(info("Invalid redis-cli repeat command option value."));
        return status;
    };
    // redis-cli would run `1000000000 PING` for hours; the page must answer every line within
    // bounded time and memory, so a count past the playground's limit is refused up front.
    if repeat > MAX_REPEAT {
        lines.push(info(&format!(
            "Repeat count {repeat} is over the playground's limit of {MAX_REPEAT}."
        )));
        return status;
    }
    // Local commands are recognised on the first word of the whole line, before
    // the repeat count is taken off (so `2 clear` is sent to the server).
    let first = args[0].as_slice();
    if could_be_local(first, b"qe:rc") && (word_is(first, "quit") || word_is(first, "exit")) {
        status.closed = true;
        return status;
    }
    // No character but `:` itself lower-cases to a leading `:`.
    if first.first() == Some(&b':') {
        if word_is(first, ":set") && args.len() >= 2 {
            let pref = String::from_utf8_lossy(&args[1]);
            match hints::ascii_lower(&pref).as_deref() {
                Some("hints") => status.set_hints = Some(true),
                Some("nohints") => status.set_hints = Some(false),
                _ => lines.push(info(&format!("unknown redis-cli preference '{pref}'"))),
            }
        } else {
            lines.push(info(&format!(
                "unknown redis-cli internal command '{}'",
                String::from_utf8_lossy(&args[0])
            )));
        }
        return status;
    }
    let v8 = engine.profile() == crate::engine::Profile::V8;
    if could_be_local(first, b"qe:rc") && word_is(first, "restart") {
        lines.push(info("Use 'restart' only in Lua debugging mode."));
        banner_after(engine, client, v8, lines);
        return status;
    }
    if args.len() == 1 && could_be_local(first, b"qe:rc") && word_is(first, "clear") {
        status.clear = true;
        return status;
    }
    if could_be_local(&command[0], b"h?")
        && (word_is(&command[0], "help") || word_is(&command[0], "?"))
    {
        let words: Vec<String> = command[1..]
            .iter()
            .map(|w| String::from_utf8_lossy(w).into_owned())
            .collect();
        lines.extend(help_lines(&words, v8).into_iter().map(|t| info(&t)));
        banner_after(engine, client, v8, lines);
        return status;
    }
    if let Some(banner) = subscribe::banner_before(&command[0], v8) {
        lines.push(info(banner));
    }
    let raw = format::uses_raw_output(command);
    // The command without the repeat count, owned: the last run takes it, the others a copy.
    let skip = args.len() - command.len();
    let mut argv = args;
    argv.drain(..skip);
    // Each run prints a line and writes a frame, most often exactly one (kept inline): the
    // vectors are sized once rather than grown from empty.
    let runs = usize::try_from(repeat).unwrap_or(usize::MAX).min(64);
    lines.reserve(runs);
    frames.reserve(runs);
    for run in 0..repeat {
        let command = if run + 1 == repeat {
            std::mem::take(&mut argv)
        } else {
            argv.clone()
        };
        let mut out = engine.execute(client, command, now_ms);
        let reply_at = out.reply_at.min(out.deliveries.len());
        let replied = out.reply.is_some();
        // A write refused by the memory ceiling is refused again by every later run (the
        // same command frees nothing), so a repeat stops at the first `-OOM` rather than
        // printing it up to a million times.
        let oom = matches!(&out.reply, Some(Reply::Error(e)) if e.starts_with(b"OOM "));
        let mut reply = out.reply.take();
        let mut own_reply = |lines: &mut Lines, frames: &mut Frames, engine: &Engine| {
            let Some(r) = reply.take() else {
                return;
            };
            let protocol = engine.protocol(client);
            if raw {
                let view = view(&r, protocol);
                let kind = if view.is_error() {
                    LineKind::Error
                } else {
                    LineKind::Reply
                };
                text_lines(format::format_raw(&view), kind, lines);
                short_note(&r, lines);
            } else {
                push_frame_lines(&r, protocol, LineKind::Reply, lines);
            }
            let kind = if r.is_error() {
                LineKind::Error
            } else {
                LineKind::Reply
            };
            // As `RawFrame::new`, with the protocol already at hand.
            let frame = RawFrame {
                client,
                pane: None,
                kind,
                frame: r,
                protocol,
                own_reply: true,
            };
            frames.push(frame);
        };
        for (i, d) in out.deliveries.into_iter().enumerate() {
            if i == reply_at {
                own_reply(lines, frames, engine);
            }
            let kind = match d.kind {
                DeliveryKind::Push => LineKind::Push,
                DeliveryKind::Reply => LineKind::Reply,
            };
            let protocol = engine.protocol(d.client);
            if d.client == client {
                push_frame_lines(&d.frame, protocol, kind, lines);
            } else {
                let mut lines = Lines::new();
                push_frame_lines(&d.frame, protocol, kind, &mut lines);
                status.others.push((d.client, lines.into_vec()));
            }
            frames.push(RawFrame::new(engine, d.client, d.frame, kind));
        }
        own_reply(lines, frames, engine);
        if events.is_empty() {
            *events = out.events;
        } else {
            events.extend(out.events);
        }
        status.killed.extend(out.killed);
        if !replied && engine.is_blocked(client) {
            status.blocked = true;
            break;
        }
        if out.close {
            status.closed = true;
            break;
        }
        if oom {
            break;
        }
    }
    if v8 {
        banners_8(engine, client, &mut status, lines);
    }
    status
}

/// Redis 7.2+'s banners after a typed line (`cli::subscribe`): after the typing client's output
/// unless it waits or left, and after each other client's pushes of the line, which are one
/// batch. Out of line: the 8 profile's alone.
#[inline(never)]
fn banners_8(engine: &Engine, client: ClientId, status: &mut Status, lines: &mut Lines) {
    if !status.blocked && !status.closed {
        banner_after(engine, client, true, lines);
    }
    let others = &mut status.others;
    for i in (0..others.len()).rev() {
        let c = others[i].0;
        if !others[i + 1..].iter().any(|(o, _)| *o == c) {
            let mut batch = Lines::from(std::mem::take(&mut others[i].1));
            banner_after(engine, c, true, &mut batch);
            others[i].1 = batch.into_vec();
        }
    }
}

/// Redis 7.2+'s redis-cli (`v8`) ends every batch of output to a subscribed client with its
/// banner (`cli::subscribe`); the console reads "subscribed" as having a subscription.
fn banner_after(engine: &Engine, client: ClientId, v8: bool, lines: &mut Lines) {
    let subscribed = engine
        .client_state(client)
        .is_some_and(|s| s.subscriptions > 0);
    if let Some(banner) = subscribe::banner_after(subscribed, v8) {
        lines.push(info(banner));
    }
}

/// The prompt redis-cli would show, with the pane's name in place of host:port
/// (`producer> `, `producer[2]> `, `producer(TX)> ` inside MULTI, and in the 8 profile
/// `producer(subscribed mode)> ` while subscribed, as redis-cli 7.2+ shows it).
pub fn prompt(engine: &Engine, client: ClientId, name: &str) -> String {
    let Some(s) = engine.client_state(client) else {
        return format!("{name}> ");
    };
    let db = if s.db != 0 {
        format!("[{}]", s.db)
    } else {
        String::new()
    };
    let tx = if s.in_multi { "(TX)" } else { "" };
    // Redis 7.2+'s redis-cli marks subscribe mode in the prompt.
    let sub = if s.subscriptions > 0 && engine.profile() == crate::engine::Profile::V8 {
        "(subscribed mode)"
    } else {
        ""
    };
    format!("{name}{db}{tx}{sub}> ")
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod tests {
    use super::*;
    use crate::engine::{Config, Profile};

    /// The typed lines of a recording and the screen lines after each.
    fn blocks(text: &str) -> Vec<(String, Vec<String>)> {
        let mut out: Vec<(String, Vec<String>)> = Vec::new();
        for line in text.lines() {
            if let Some(typed) = line.strip_prefix("> ") {
                out.push((typed.to_string(), Vec::new()));
            } else if line.starts_with('@') || line.starts_with("# ") && out.is_empty() {
                continue;
            } else if let Some((_, lines)) = out.last_mut() {
                lines.push(line.to_string());
            }
        }
        out
    }

    /// Every HELP of the redis-cli recording (`cli-golden/08-help.txt`, copied into
    /// `tests/golden/cli/`) prints the same screen lines in a pane of the 7.0 profile, except the
    /// groups whose commands the engine does not have yet (listed, so that the list shrinks).
    #[test]
    fn help_prints_what_redis_cli_prints() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cli/08-help.txt");
        let text = std::fs::read_to_string(path).expect("08-help.txt");
        let mut engine = Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        });
        let client = engine.connect(0);
        let mut checked = 0;
        let mut differ = Vec::new();
        for (typed, want) in blocks(&text) {
            let got: Vec<String> = run_line(&mut engine, client, &typed, 0)
                .lines
                .into_iter()
                .map(|l| {
                    assert_eq!(l.kind, LineKind::Info, "{typed}");
                    l.text
                })
                .collect();
            if got == want {
                checked += 1;
            } else {
                differ.push(typed);
            }
        }
        assert_eq!(differ, Vec::<String>::new());
        assert_eq!(checked, 16);
    }

    /// Every HELP of redis8-cli's recording (`tests/golden/cli-8/08-help.txt`, Redis 8.0.2)
    /// prints the same screen lines in a pane of the 8 profile, with the 7.2+ summaries and
    /// argument names and `(null)` for a missing syntax, except what the profile (Redis 8.4)
    /// changed on purpose: the version line of `help` alone, and the entries of XADD, XTRIM
    /// and XREADGROUP (8.2's and 8.4's arguments) and of XDELEX and XACKDEL (8.2's commands).
    #[test]
    fn help_prints_what_redis_cli_8_prints() {
        let path =
            std::path::Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/golden/cli-8/08-help.txt");
        let text = std::fs::read_to_string(path).expect("08-help.txt");
        let mut engine = Engine::new(Config {
            profile: Profile::V8,
            ..Config::default()
        });
        let client = engine.connect(0);
        // The entries (blank-line separated) other than the 8.4 ones.
        let entries = |lines: &[String]| -> Vec<String> {
            let joined = lines.join("\n");
            let skip = ["XADD", "XTRIM", "XREADGROUP", "XDELEX", "XACKDEL"];
            joined
                .split("\n\n")
                .filter(|e| {
                    let name = e.trim_start_matches('\n').trim_start().split(' ').next();
                    !skip.iter().any(|s| name == Some(s))
                })
                .map(str::to_string)
                .collect()
        };
        let mut checked = 0;
        let mut differ = Vec::new();
        for (typed, want) in blocks(&text) {
            let mut got: Vec<String> = run_line(&mut engine, client, &typed, 0)
                .lines
                .into_iter()
                .map(|l| l.text)
                .collect();
            let mut want = want;
            if typed == "help" {
                assert_eq!(
                    (got[0].as_str(), want[0].as_str()),
                    ("redis-cli 8.4.0", "redis-cli 8.0.2")
                );
                got.remove(0);
                want.remove(0);
            }
            let (got, want) = (entries(&got), entries(&want));
            if got == want {
                checked += 1;
            } else {
                differ.push(format!("{typed}\n{got:#?}\n{want:#?}"));
            }
        }
        assert_eq!(differ, Vec::<String>::new());
        assert_eq!(checked, 16);
    }
}

#[cfg(all(test, not(target_arch = "wasm32")))]
mod raw_tests {
    use super::*;
    use crate::engine::{Config, Profile};

    #[test]
    fn raw_frames_show_every_byte_and_follow_the_protocol() {
        let mut engine = Engine::new(Config {
            profile: Profile::V7,
            ..Config::default()
        });
        let client = engine.connect(0);
        let typed = run_line(&mut engine, client, "ECHO \"a\\\\b\\x00\\xff\"", 0);
        let lines: Vec<String> = typed.frames.iter().map(|f| f.line().text).collect();
        assert_eq!(lines, [r"$5\r\na\\b\x00\xff\r\n"]);
        let typed = run_line(&mut engine, client, "GET", 0);
        assert_eq!(typed.frames[0].kind, LineKind::Error);
        assert_eq!(
            typed.frames[0].line().text,
            r"-ERR wrong number of arguments for 'get' command\r\n"
        );
        run_line(&mut engine, client, "HELLO 3", 0);
        let typed = run_line(&mut engine, client, "GET nothing", 0);
        assert_eq!(typed.frames[0].line().text, r"_\r\n");
        assert_eq!(typed.replies(), [Reply::Null]);
    }

    #[test]
    fn one_or_vec_keeps_one_inline_and_reads_as_a_vector_does() {
        let mut v: OneOrVec<u32> = OneOrVec::new();
        assert!(v.is_empty());
        v.push(1);
        assert!(matches!(v.0, OneOrVecRepr::One(1)), "{v:?}");
        v.push(2);
        v.extend([3, 4]);
        assert_eq!(*v, [1, 2, 3, 4]);
        v.retain(|x| x % 2 == 0);
        assert_eq!(*v, [2, 4]);
        let mut w: OneOrVec<u32> = [5].into_iter().collect();
        v.append(&mut w);
        assert!(w.is_empty());
        assert_eq!(v.clone().into_iter().collect::<Vec<_>>(), [2, 4, 5]);
        for x in &mut v {
            *x += 1;
        }
        assert_eq!(v.into_vec(), [3, 5, 6]);
        // Room for several: the first goes into the vector; room for one: inline.
        let mut many = OneOrVec::with_capacity(3);
        many.push(7);
        assert!(matches!(many.0, OneOrVecRepr::Many(_)), "{many:?}");
        let mut one = OneOrVec::with_capacity(1);
        one.push(7);
        assert_eq!(one, many);
        one.retain(|_| false);
        assert!(one.is_empty());
        one.push(8);
        assert_eq!(one.into_iter().collect::<Vec<_>>(), [8]);
    }

    /// Subscribe mode as each profile's redis-cli prints it (REDIS-CLI.md §6, §14; the screens
    /// of `tests/golden/cli*/10-pubsub`): 7.0.15's banner once before a subscribe's replies,
    /// 7.2+'s after every batch of output while subscribed, and its prompt.
    #[test]
    fn subscribe_mode_prints_each_profile_s_banner() {
        use crate::cli::subscribe::{BANNER_7, BANNER_8};
        let texts = |lines: &[Line]| lines.iter().map(|l| l.text.clone()).collect::<Vec<_>>();
        for (profile, v8) in [(Profile::V7, false), (Profile::V8, true)] {
            let mut engine = Engine::new(Config {
                profile,
                ..Config::default()
            });
            let (a, b) = (engine.connect(0), engine.connect(0));
            let sub = run_line(&mut engine, a, "SUBSCRIBE news", 0);
            let got = texts(&sub.lines);
            let confirm = ["1) \"subscribe\"", "2) \"news\"", "3) (integer) 1"];
            if v8 {
                assert_eq!(got, [&confirm[..], &[BANNER_8]].concat());
                assert_eq!(sub.lines[3].kind, LineKind::Info);
                assert_eq!(prompt(&engine, a, "a"), "a(subscribed mode)> ");
            } else {
                assert_eq!(got, [&[BANNER_7], &confirm[..]].concat());
                assert_eq!(prompt(&engine, a, "a"), "a> ");
            }
            let published = run_line(&mut engine, b, "PUBLISH news hi", 0);
            assert_eq!(texts(&published.lines), ["(integer) 1"]);
            let pushed = texts(&published.others[0].1);
            assert_eq!(pushed.last().map(String::as_str) == Some(BANNER_8), v8);
            let ping = texts(&run_line(&mut engine, a, "PING", 0).lines);
            assert_eq!(ping.last().map(String::as_str) == Some(BANNER_8), v8);
            // Refused: 7.0.15 printed its banner first all the same; 7.2+ never got subscribed.
            let refused = texts(&run_line(&mut engine, b, "SUBSCRIBE", 0).lines);
            assert_eq!(refused.len(), if v8 { 1 } else { 2 });
            // Subscribed to nothing any more: no banner, the plain prompt.
            let unsub = texts(&run_line(&mut engine, a, "UNSUBSCRIBE", 0).lines);
            assert!(!unsub.iter().any(|l| l.starts_with("Reading messages")));
            assert_eq!(prompt(&engine, a, "a"), "a> ");
        }
    }

    #[test]
    fn set_hints_is_reported_and_other_preferences_are_not() {
        let mut engine = Engine::new(Config::default());
        let client = engine.connect(0);
        assert_eq!(
            run_line(&mut engine, client, ":set nohints", 0).set_hints,
            Some(false)
        );
        assert_eq!(
            run_line(&mut engine, client, ":set HINTS", 0).set_hints,
            Some(true)
        );
        let other = run_line(&mut engine, client, ":set foo", 0);
        assert_eq!(other.set_hints, None);
        assert_eq!(other.lines[0].text, "unknown redis-cli preference 'foo'");
    }
}
