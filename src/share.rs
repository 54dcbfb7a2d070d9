//! Share links and embed parameters, pure and native-testable: the link format (a versioned,
//! compressed scenario in the URL fragment), its size caps, opening a link's scenario as a
//! session, and the embed URL's values (views, panes, allowed origins).
//!
//! A link is `<page>#s=1.<data>`: `s=` names a shared session, `1` is the format's version and
//! `<data>` is the base64url text (RFC 4648 §5, no padding) of the raw DEFLATE (RFC 1951)
//! bytes of the session's scenario (`Session::export_scenario`, UTF-8). The page compresses
//! and inflates with the browser's own `CompressionStream`/`DecompressionStream('deflate-raw')`
//! (`ui::share`), so it ships no compression code; the native tests use `miniz_oxide`.
//! A later format takes the next version number, and every version keeps being read: the
//! links in `tests/share_fixtures/` must keep opening.
//!
//! Caps: a fragment longer than [`MAX_FRAGMENT_CHARS`] is refused before it is decoded (a
//! 10 MB link costs one length check), and a scenario that inflates past [`MAX_TEXT_BYTES`]
//! is refused while it inflates (a small link that inflates to gigabytes stops at the cap).

use crate::engine::Profile;
use crate::session::{Session, SessionConfig};
use crate::transcript::{self, Located, Replay, Step};

/// What starts a fragment that carries a shared session.
pub const FRAGMENT_PREFIX: &str = "s=";

/// The format this build writes.
pub const VERSION: u32 = 1;

/// The longest scenario a link may carry, in bytes of UTF-8 text (2 MiB).
pub const MAX_TEXT_BYTES: usize = 2 * 1024 * 1024;

/// The longest fragment read, in characters: a compressed scenario of [`MAX_TEXT_BYTES`] that
/// does not compress at all, in base64url, with room to spare.
pub const MAX_FRAGMENT_CHARS: usize = MAX_TEXT_BYTES / 3 * 4 + 64 * 1024;

/// Why a link cannot be opened; its `Display` is the sentence the page shows.
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum LinkError {
    /// The fragment is longer than [`MAX_FRAGMENT_CHARS`].
    TooLong(usize),
    /// The scenario inflates past [`MAX_TEXT_BYTES`].
    TooLarge,
    /// A version this build does not know (made by a newer streamplay, or mistyped).
    Version(String),
    /// The data is not base64url.
    NotBase64,
    /// The data is not raw DEFLATE (or it is truncated).
    NotDeflate,
    /// The inflated scenario is not UTF-8 text.
    NotText,
    /// The scenario does not parse (the line and the reason).
    Scenario(usize, String),
}

impl std::fmt::Display for LinkError {
    fn fmt(&self, f: &mut std::fmt::Formatter<'_>) -> std::fmt::Result {
        f.write_str("This shared link cannot be opened: ")?;
        match self {
            // Static sentences where they can be: every formatted one costs the page code.
            LinkError::TooLong(_) => {
                f.write_str("it is longer than the 2,861,736 characters a link may have.")
            }
            LinkError::TooLarge => {
                f.write_str("its scenario is larger than 2 MB, the most a link may carry.")
            }
            LinkError::Version(v) => write!(
                f,
                "its format version \"{v}\" is unknown here (this page reads version {VERSION})."
            ),
            LinkError::NotBase64 => f.write_str("it is damaged (its data is not base64url)."),
            LinkError::NotDeflate => f.write_str("it is damaged (its data does not decompress)."),
            LinkError::NotText => f.write_str("it is damaged (its scenario is not text)."),
            LinkError::Scenario(line, why) => {
                write!(f, "its scenario has an error at line {line}: {why}")
            }
        }?;
        f.write_str(" Your own session is shown instead.")
    }
}

/// base64url's alphabet (links).
const URL: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
/// Standard base64's alphabet (the page's saved session, `crate::ui`'s storage).
pub const STANDARD: &[u8; 64] = b"ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789+/";

/// base64 of `bytes` in `alphabet`, `=`-padded to whole quads when `padded`.
pub fn base64_with(bytes: &[u8], alphabet: &[u8; 64], padded: bool) -> String {
    let mut out = String::with_capacity(bytes.len().div_ceil(3) * 4);
    for chunk in bytes.chunks(3) {
        let n = chunk
            .iter()
            .enumerate()
            .fold(0u32, |n, (i, &b)| n | u32::from(b) << (16 - 8 * i));
        for i in 0..=chunk.len() {
            out.push(alphabet[(n >> (18 - 6 * i) & 63) as usize] as char);
        }
        if padded {
            for _ in chunk.len()..3 {
                out.push('=');
            }
        }
    }
    out
}

/// Decodes [`base64_with`]'s text; `None` for a character outside `alphabet`, padding where
/// there should be none (or more than two `=`, or not at the end), or a length no encoding gives.
pub fn unbase64_with(text: &str, alphabet: &[u8; 64], padded: bool) -> Option<Vec<u8>> {
    let mut text = text.as_bytes();
    if padded {
        if text.len() % 4 != 0 {
            return None;
        }
        let pad = text.iter().rev().take_while(|&&c| c == b'=').count();
        if pad > 2 {
            return None;
        }
        text = &text[..text.len() - pad];
    }
    if text.len() % 4 == 1 {
        return None;
    }
    let mut value = [u8::MAX; 256];
    for (i, &c) in alphabet.iter().enumerate() {
        value[usize::from(c)] = i as u8;
    }
    let mut out = Vec::with_capacity(text.len() / 4 * 3 + 2);
    for quad in text.chunks(4) {
        let mut n = 0u32;
        for (i, &c) in quad.iter().enumerate() {
            let v = value[usize::from(c)];
            if v == u8::MAX {
                return None;
            }
            n |= u32::from(v) << (18 - 6 * i);
        }
        let bytes = [(n >> 16) as u8, (n >> 8) as u8, n as u8];
        out.extend_from_slice(&bytes[..quad.len() - 1]);
    }
    Some(out)
}

/// base64url without padding.
pub fn base64url_encode(bytes: &[u8]) -> String {
    base64_with(bytes, URL, false)
}

/// Decodes base64url without padding; `None` for any other character or a length no encoding
/// gives.
pub fn base64url_decode(text: &str) -> Option<Vec<u8>> {
    unbase64_with(text, URL, false)
}

/// The fragment (without `#`) of a link whose scenario compressed to `deflated`.
pub fn fragment(deflated: &[u8]) -> String {
    format!("{FRAGMENT_PREFIX}{VERSION}.{}", base64url_encode(deflated))
}

/// Whether a URL fragment (with or without its `#`) is a shared session's, so that the page
/// opens it rather than the reader's own session.
pub fn is_link(fragment: &str) -> bool {
    fragment
        .strip_prefix('#')
        .unwrap_or(fragment)
        .starts_with(FRAGMENT_PREFIX)
}

/// The compressed scenario a link's fragment carries (with or without its `#`); the length is
/// checked before anything else is read.
pub fn read_fragment(fragment: &str) -> Result<Vec<u8>, LinkError> {
    let fragment = fragment.strip_prefix('#').unwrap_or(fragment);
    if fragment.len() > MAX_FRAGMENT_CHARS {
        return Err(LinkError::TooLong(fragment.len()));
    }
    let body = fragment.strip_prefix(FRAGMENT_PREFIX).unwrap_or(fragment);
    let (version, data) = body.split_once('.').unwrap_or((body, ""));
    if version != "1" {
        // Only the version's first characters are quoted back: it is text from the link.
        let shown: String = version.chars().take(12).collect();
        return Err(LinkError::Version(shown));
    }
    base64url_decode(data).ok_or(LinkError::NotBase64)
}

/// The scenario's text from the inflated bytes, within the cap.
pub fn scenario_text(inflated: Vec<u8>) -> Result<String, LinkError> {
    if inflated.len() > MAX_TEXT_BYTES {
        return Err(LinkError::TooLarge);
    }
    String::from_utf8(inflated).map_err(|_| LinkError::NotText)
}

/// A shared scenario, split into its start (the profile, the clock and the panes it began
/// with) and the steps that follow.
#[derive(Clone, Debug, PartialEq)]
pub struct Opened {
    pub profile: Profile,
    pub time_ms: u64,
    pub panes: Vec<String>,
    /// The rest of the scenario, as text for the scenario runner.
    pub rest: String,
    /// How many steps the rest holds.
    pub rest_steps: usize,
}

/// Splits a scenario: its opening `@profile`, `@clock <ms>` and `@pane add` lines (as
/// `Session::export_scenario` writes them) describe the start, so that the shared session
/// starts as the sharer's did and its timeline has the same steps. Whatever does not fit a
/// start (a second `@profile`, a pane name given twice) stays in the rest.
pub fn open(text: &str) -> Result<Opened, LinkError> {
    let steps = transcript::parse(text).map_err(|e| LinkError::Scenario(e.line, e.message))?;
    let mut profile = None;
    let mut time_ms = None;
    let mut panes: Vec<String> = Vec::new();
    let mut at = 0;
    for located in &steps {
        match &located.step {
            Step::Comment(_) => {}
            Step::Profile(p) if profile.is_none() && time_ms.is_none() && panes.is_empty() => {
                match Profile::parse(p) {
                    Some(p) => profile = Some(p),
                    None => break,
                }
            }
            Step::Clock {
                relative: false,
                ms,
            } if time_ms.is_none() && panes.is_empty() => time_ms = Some(*ms),
            Step::PaneAdd(name)
                if crate::session::valid_pane_name(name) && !panes.contains(name) =>
            {
                panes.push(name.clone())
            }
            _ => break,
        }
        at += 1;
    }
    let rest: Vec<Located> = steps[at..].to_vec();
    Ok(Opened {
        profile: profile.unwrap_or_default(),
        time_ms: time_ms.unwrap_or(0),
        panes,
        rest_steps: rest.len(),
        rest: transcript::render(&rest, &Replay::default()),
    })
}

impl Opened {
    /// The session at the scenario's start, its clock paused there.
    pub fn start(&self, config: SessionConfig) -> Session {
        let names: Vec<&str> = self.panes.iter().map(String::as_str).collect();
        let mut session = Session::with_panes(config.clone(), self.profile, self.time_ms, &names)
            .unwrap_or_else(|_| Session::new(config, self.profile, self.time_ms));
        session.set_paused(true);
        session
    }

    /// The session the link gives: the start, then the rest of the scenario run through the
    /// session's scenario runner (as the page runs it, where each step's output also reaches
    /// the panes).
    pub fn session(&self, config: SessionConfig) -> Session {
        let mut session = self.start(config);
        // The rest parsed once already; a scenario without expected output reports its
        // outputs as mismatches, which a shared session does not check.
        let _ = session.run_scenario(&self.rest);
        session
    }
}

/// A view an embed shows (`views=stream:orders,pubsub,keyspace,timeline`).
#[derive(Clone, Debug, PartialEq, Eq)]
pub enum EmbedView {
    Keyspace,
    PubSub,
    /// The stream at this key (in database 0).
    Stream(String),
    Timeline,
}

/// The most views or panes an embed URL names (more are ignored).
pub const MAX_EMBED_ITEMS: usize = 16;

/// The views of a `views=` value (comma-separated; unknown names are skipped).
pub fn embed_views(value: &str) -> Vec<EmbedView> {
    value
        .split(',')
        .filter_map(|v| match v.trim() {
            "keyspace" => Some(EmbedView::Keyspace),
            "pubsub" => Some(EmbedView::PubSub),
            "timeline" => Some(EmbedView::Timeline),
            v => v
                .strip_prefix("stream:")
                .filter(|k| !k.is_empty())
                .map(|k| EmbedView::Stream(k.to_string())),
        })
        .take(MAX_EMBED_ITEMS)
        .collect()
}

/// The panes of a `panes=` value (comma-separated; names a pane cannot have are skipped).
pub fn embed_panes(value: &str) -> Vec<String> {
    let mut out: Vec<String> = Vec::new();
    for name in value.split(',').map(str::trim) {
        if crate::session::valid_pane_name(name) && !out.iter().any(|n| n == name) {
            out.push(name.to_string());
        }
    }
    out.truncate(MAX_EMBED_ITEMS);
    out
}

/// An origin as the embed URL's `origin=` gives it, in the form a `MessageEvent`'s `origin`
/// has (`scheme://host[:port]`, no path, no trailing slash); `None` for anything else.
pub fn normalize_origin(value: &str) -> Option<String> {
    let value = value.trim().trim_end_matches('/');
    let (scheme, host) = value.split_once("://")?;
    let ok = matches!(scheme, "http" | "https")
        && !host.is_empty()
        && host
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || matches!(b, b'.' | b'-' | b':' | b'[' | b']'));
    ok.then(|| value.to_ascii_lowercase())
}

/// Whether a message from `origin` may drive an embed that allows `allowed` (from its URL's
/// `origin=` values, normalized) and is served from `own`: the origins listed, or when none
/// is listed, its own origin only. An opaque origin (`"null"`) is never allowed.
pub fn origin_allowed(origin: &str, allowed: &[String], own: &str) -> bool {
    if origin == "null" || origin.is_empty() {
        return false;
    }
    if allowed.is_empty() {
        origin == own
    } else {
        allowed.iter().any(|a| a == origin)
    }
}

/// The methods a host may call through `postMessage`, as `window.streamplay` names them.
pub const EMBED_METHODS: [&str; 7] = [
    "run",
    "runScript",
    "state",
    "steps",
    "seek",
    "exportScenario",
    "on",
];
