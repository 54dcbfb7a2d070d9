//! The share-link format (`src/share.rs`): a session round-trips through its link with the same
//! steps, replies and ids; the links kept in `tests/share_fixtures/` (made by earlier builds)
//! keep opening to the state recorded beside them; oversized, damaged and hostile links are
//! refused with a clear message and never panic. Links are compressed and inflated here with
//! `miniz_oxide`, as the page does with the browser's `CompressionStream('deflate-raw')`.
//!
//! `pubsub-chromium.txt` holds a link compressed by Chromium's `CompressionStream` (other bytes
//! than miniz's for the same scenario): both open to the same state.
//!
//! `STREAMPLAY_WRITE_SHARE_FIXTURES=1` writes the fixtures that are missing (never one that
//! exists: an old link's expectations do not change).

#![cfg(not(target_arch = "wasm32"))]

use std::path::PathBuf;

use miniz_oxide::deflate::compress_to_vec;
use miniz_oxide::inflate::{decompress_to_vec_with_limit, DecompressError, TINFLStatus};
use streamplay::engine::Profile;
use streamplay::session::{Session, SessionConfig};
use streamplay::share::{self, LinkError, MAX_FRAGMENT_CHARS, MAX_TEXT_BYTES};

/// The page's address in the fixtures' links (any page opens any link).
const PAGE: &str = "http://127.0.0.1:8080/";

/// A link to `session`, as the page makes it.
fn link(session: &Session) -> String {
    let text = session.export_scenario();
    format!(
        "{PAGE}#{}",
        share::fragment(&compress_to_vec(text.as_bytes(), 9))
    )
}

/// Inflates within the cap, as the page's decompression stream does.
fn inflate(deflated: &[u8]) -> Result<Vec<u8>, LinkError> {
    decompress_to_vec_with_limit(deflated, MAX_TEXT_BYTES + 1).map_err(
        |DecompressError { status, .. }| match status {
            TINFLStatus::HasMoreOutput => LinkError::TooLarge,
            _ => LinkError::NotDeflate,
        },
    )
}

/// What a link opens to, as the page opens it.
fn open_link(url: &str) -> Result<Session, LinkError> {
    let fragment = url.split_once('#').map(|(_, f)| f).unwrap_or("");
    let deflated = share::read_fragment(fragment)?;
    let text = share::scenario_text(inflate(&deflated)?)?;
    Ok(share::open(&text)?.session(SessionConfig::default()))
}

/// A session with a little of everything a link must carry: several panes, ids made by `*` at
/// moving times, a clock jump, pub/sub, a blocked read served later, a consumer group, a rename,
/// hostile text in keys, values and a pane name.
fn sample() -> Session {
    let mut s = Session::with_panes(
        SessionConfig::default(),
        Profile::V7,
        1_700_000_000_000,
        &["producer", "worker-1"],
    )
    .unwrap();
    s.set_paused(false);
    s.run("producer", "XADD orders * item book").unwrap();
    s.tick(1_234);
    s.run("producer", "XADD orders * item pen").unwrap();
    s.run("worker-1", "XGROUP CREATE orders g 0").unwrap();
    s.run(
        "worker-1",
        "XREADGROUP GROUP g alice COUNT 1 STREAMS orders >",
    )
    .unwrap();
    s.jump(60_000).unwrap();
    s.add_pane("listener").unwrap();
    s.run("listener", "SUBSCRIBE news").unwrap();
    s.run("producer", "PUBLISH news \"<img src=x onerror=alert(1)>\"")
        .unwrap();
    s.run(
        "producer",
        "SET \"<script>alert(1)</script>\" \"</pre><b>x</b>\"",
    )
    .unwrap();
    s.rename_pane("worker-1", "worker_A").unwrap();
    s.tick(5);
    s.run("producer", "XADD orders * item \"a b\"").unwrap();
    s
}

fn assert_same(a: &Session, b: &Session) {
    assert_eq!(a.steps(), b.steps(), "the timeline");
    assert_eq!(a.export_transcript(), b.export_transcript(), "every reply");
    assert_eq!(a.snapshot(), b.snapshot(), "the state");
    assert_eq!(a.clock().now_ms, b.clock().now_ms, "the clock");
}

#[test]
fn a_session_round_trips_through_its_link() {
    let mut original = sample();
    let url = link(&original);
    assert!(url.len() < 2_000, "a small session's link is short: {url}");
    let opened = open_link(&url).unwrap();
    assert!(opened.clock().paused, "a link opens with the clock paused");
    original.set_paused(true);
    assert_same(&original, &opened);
    // The stream ids made by `*` are the sharer's.
    let ids = opened.export_transcript();
    assert!(ids.contains("\"1700000000000-0\""), "{ids}");
    assert!(ids.contains("\"1700000001234-0\""), "{ids}");
    // And the opened session's own link opens to it again.
    assert_same(&opened, &open_link(&link(&opened)).unwrap());
}

#[test]
fn a_link_after_time_travel_carries_the_steps_up_to_the_current_one() {
    let mut s = sample();
    s.seek(3).unwrap();
    let opened = open_link(&link(&s)).unwrap();
    assert_eq!(opened.steps().len(), 3);
    assert_eq!(opened.steps(), s.steps()[..3].to_vec());
}

#[test]
fn an_empty_session_round_trips() {
    let s = Session::with_panes(SessionConfig::default(), Profile::V8, 42, &["producer"]).unwrap();
    let opened = open_link(&link(&s)).unwrap();
    assert_same(&s, &opened);
    assert_eq!(opened.profile(), Profile::V8);
    assert_eq!(opened.panes().len(), 1);
}

#[test]
fn base64url_round_trips_every_length() {
    let bytes: Vec<u8> = (0..=255u8).collect();
    for n in 0..bytes.len() {
        let text = share::base64url_encode(&bytes[..n]);
        assert!(text
            .bytes()
            .all(|b| b.is_ascii_alphanumeric() || b == b'-' || b == b'_'));
        assert_eq!(share::base64url_decode(&text).as_deref(), Some(&bytes[..n]));
    }
    assert_eq!(share::base64url_decode("A"), None);
    assert_eq!(share::base64url_decode("AB+/"), None);
    assert_eq!(share::base64url_decode("AB=="), None);
}

#[test]
fn a_link_longer_than_the_cap_is_refused_at_once() {
    let long = format!("s=1.{}", "A".repeat(10 * 1024 * 1024));
    let started = std::time::Instant::now();
    assert_eq!(
        share::read_fragment(&long),
        Err(LinkError::TooLong(long.len()))
    );
    assert!(started.elapsed().as_millis() < 100);
    // Just under the cap is read (and then fails for what it is, not for its length).
    let under = format!("s=1.{}", "A".repeat(MAX_FRAGMENT_CHARS - 4));
    assert!(share::read_fragment(&under).is_ok());
    let message = LinkError::TooLong(long.len()).to_string();
    assert!(message.contains("cannot be opened") && message.contains("Your own session"));
    // The message states the cap as a number written out.
    assert_eq!(MAX_FRAGMENT_CHARS, 2_861_736);
    assert!(message.contains("2,861,736"), "{message}");
}

#[test]
fn a_link_that_inflates_past_the_cap_is_refused() {
    // 3 MiB of one byte compresses to a few KB: a small link, a large scenario.
    let bomb = compress_to_vec(&vec![b'#'; 3 * 1024 * 1024], 9);
    let url = format!("{PAGE}#{}", share::fragment(&bomb));
    assert!(url.len() < 20_000);
    assert_eq!(open_link(&url).err(), Some(LinkError::TooLarge));
    // The cap itself, as text, is refused too.
    assert_eq!(
        share::scenario_text(vec![b'#'; MAX_TEXT_BYTES + 1]),
        Err(LinkError::TooLarge)
    );
    assert!(share::scenario_text(vec![b'#'; MAX_TEXT_BYTES]).is_ok());
}

#[test]
fn damaged_and_foreign_links_are_refused_with_a_reason() {
    let cases: [(&str, LinkError); 6] = [
        ("s=2.AAAA", LinkError::Version("2".into())),
        ("s=", LinkError::Version("".into())),
        (
            "s=<script>alert(1)</script>.x",
            LinkError::Version("<script>aler".into()),
        ),
        ("s=1.***", LinkError::NotBase64),
        ("s=1.AAAAA", LinkError::NotBase64),
        ("#s=1.%20", LinkError::NotBase64),
    ];
    for (fragment, want) in cases {
        assert_eq!(share::read_fragment(fragment), Err(want), "{fragment}");
    }
    // Bytes that are not DEFLATE, and DEFLATE that is not UTF-8.
    assert_eq!(
        open_link(&format!(
            "{PAGE}#s=1.{}",
            share::base64url_encode(&[0xff; 40])
        ))
        .err(),
        Some(LinkError::NotDeflate)
    );
    let binary = compress_to_vec(&[0xc3, 0x28, 0xff], 6);
    assert_eq!(
        open_link(&format!("{PAGE}#{}", share::fragment(&binary))).err(),
        Some(LinkError::NotText)
    );
    assert!(share::is_link("#s=1.abc") && share::is_link("s=9"));
    assert!(!share::is_link("#views") && !share::is_link(""));
}

#[test]
fn garbage_never_panics() {
    // Arbitrary bytes through every stage: each gives a session or an error.
    let mut seed = 0x2545_f491_4f6c_dd1du64;
    let mut next = move || {
        seed ^= seed << 13;
        seed ^= seed >> 7;
        seed ^= seed << 17;
        seed
    };
    for round in 0..300 {
        let n = (next() % 200) as usize;
        let bytes: Vec<u8> = (0..n).map(|_| next() as u8).collect();
        let _ = share::read_fragment(&String::from_utf8_lossy(&bytes));
        let _ = share::base64url_decode(&String::from_utf8_lossy(&bytes));
        // Printable garbage as a scenario: lines of directives, panes and commands.
        let words = [
            "@clock",
            "@pane",
            "add",
            "A>",
            "B<",
            "@profile",
            "7.0",
            "+5",
            "XADD",
            "s",
            "*",
            "#",
            "\n",
            "@unblock",
            "SUBSCRIBE",
            "x",
            "9999999999999999999999",
        ];
        let text: String = bytes
            .iter()
            .map(|b| words[*b as usize % words.len()])
            .collect::<Vec<_>>()
            .join(if round % 2 == 0 { " " } else { "\n" });
        if let Ok(opened) = share::open(&text) {
            let _ = opened.session(SessionConfig::default());
        }
    }
}

#[test]
fn a_scenario_start_is_read_from_its_opening_lines() {
    let opened = share::open(
        "# A comment.\n@profile 8\n@clock 1000\n@pane add a\n@pane add b\nA> PING\n@pane add c\n",
    )
    .unwrap();
    assert_eq!(opened.profile, Profile::V8);
    assert_eq!(opened.time_ms, 1000);
    assert_eq!(opened.panes, vec!["a".to_string(), "b".to_string()]);
    assert_eq!(opened.rest_steps, 2);
    let s = opened.session(SessionConfig::default());
    assert_eq!(s.steps().len(), 2, "PING and the later pane add are steps");
    // A pane named twice or a name a pane cannot have ends the start.
    let twice = share::open("@pane add a\n@pane add a\n").unwrap();
    assert_eq!(twice.panes, vec!["a".to_string()]);
    assert_eq!(twice.rest_steps, 1);
    assert!(matches!(
        share::open("A> PING\nnot a step\n"),
        Err(LinkError::Scenario(..)) | Ok(_)
    ));
}

#[test]
fn embed_parameters() {
    use share::EmbedView::*;
    assert_eq!(
        share::embed_views("stream:orders,pubsub, keyspace,timeline,bogus,stream:"),
        vec![Stream("orders".into()), PubSub, Keyspace, Timeline]
    );
    assert_eq!(
        share::embed_panes("producer,worker,producer,,a b"),
        vec!["producer".to_string(), "worker".to_string()]
    );
    assert_eq!(share::embed_views(&"pubsub,".repeat(100)).len(), 16);
    assert_eq!(
        share::normalize_origin("https://Docs.Example/"),
        Some("https://docs.example".into())
    );
    assert_eq!(
        share::normalize_origin("http://127.0.0.1:8080"),
        Some("http://127.0.0.1:8080".into())
    );
    for bad in [
        "docs.example",
        "javascript://x",
        "https://",
        "https://a/b",
        "*",
    ] {
        assert_eq!(share::normalize_origin(bad), None, "{bad}");
    }
    let own = "http://127.0.0.1:8080";
    assert!(share::origin_allowed(own, &[], own));
    assert!(!share::origin_allowed("http://localhost:8080", &[], own));
    assert!(!share::origin_allowed("null", &[], "null"));
    let docs = vec!["https://docs.example".to_string()];
    assert!(share::origin_allowed("https://docs.example", &docs, own));
    assert!(
        !share::origin_allowed(own, &docs, own),
        "a list replaces the default"
    );
}

// ----- Fixtures: links made by earlier builds keep opening -----

fn fixtures_dir() -> PathBuf {
    PathBuf::from(env!("CARGO_MANIFEST_DIR")).join("tests/share_fixtures")
}

/// A fixture: `link: <url>`, `steps: <n>`, then `--- transcript` and the transcript the link
/// must give (every step with the replies and frames it printed).
fn fixture_text(url: &str, s: &Session) -> String {
    format!(
        "# A share link made by streamplay (format version {}) and the state it must open to.\nlink: {url}\nsteps: {}\n--- transcript\n{}",
        share::VERSION,
        s.steps().len(),
        s.export_transcript()
    )
}

/// The sessions the fixtures were made from (kept to write missing fixtures only).
fn fixture_sessions() -> Vec<(&'static str, Session)> {
    let mut pubsub = Session::with_panes(
        SessionConfig::default(),
        Profile::V7,
        1_700_000_000_000,
        &["alice", "bob"],
    )
    .unwrap();
    pubsub.set_paused(false);
    pubsub.run("alice", "SUBSCRIBE chat").unwrap();
    pubsub.run("bob", "PSUBSCRIBE ch*").unwrap();
    pubsub.run("bob", "PUBLISH chat hello").unwrap();
    pubsub.jump(1_000).unwrap();
    pubsub.run("alice", "UNSUBSCRIBE").unwrap();
    pubsub.run("bob", "PUBLISH chat \"lost?\"").unwrap();

    let mut blocking = Session::with_panes(
        SessionConfig::default(),
        Profile::V8,
        1_750_000_000_000,
        &["producer", "worker-1"],
    )
    .unwrap();
    blocking.set_paused(false);
    blocking
        .run("worker-1", "XREAD BLOCK 5000 STREAMS jobs $")
        .unwrap();
    blocking.tick(250);
    blocking.run("producer", "XADD jobs * n 1").unwrap();
    blocking
        .run("worker-1", "XREAD BLOCK 100 STREAMS jobs $")
        .unwrap();
    blocking.tick(500);
    blocking.run("producer", "SET k v PX 2000").unwrap();
    blocking.jump(3_600_000).unwrap();
    blocking.run("producer", "GET k").unwrap();
    vec![
        ("sample.txt", sample()),
        ("pubsub.txt", pubsub),
        ("blocking.txt", blocking),
    ]
}

#[test]
fn old_links_keep_working() {
    let dir = fixtures_dir();
    if std::env::var_os("STREAMPLAY_WRITE_SHARE_FIXTURES").is_some() {
        std::fs::create_dir_all(&dir).unwrap();
        for (name, s) in fixture_sessions() {
            let path = dir.join(name);
            if !path.exists() {
                std::fs::write(&path, fixture_text(&link(&s), &s)).unwrap();
            }
        }
    }
    let mut read = 0;
    for entry in std::fs::read_dir(&dir).unwrap() {
        let path = entry.unwrap().path();
        if path.extension().and_then(|e| e.to_str()) != Some("txt") {
            continue;
        }
        let text = std::fs::read_to_string(&path).unwrap();
        let url = text
            .lines()
            .find_map(|l| l.strip_prefix("link: "))
            .unwrap_or_else(|| panic!("{}: no link line", path.display()));
        let steps: usize = text
            .lines()
            .find_map(|l| l.strip_prefix("steps: "))
            .and_then(|n| n.parse().ok())
            .unwrap_or_else(|| panic!("{}: no steps line", path.display()));
        let (_, transcript) = text.split_once("--- transcript\n").unwrap();
        let opened = open_link(url).unwrap_or_else(|e| panic!("{}: {e}", path.display()));
        assert_eq!(opened.steps().len(), steps, "{}", path.display());
        let shown = opened.export_transcript();
        if std::env::var_os("BLESS").is_some() && shown != transcript {
            // The console's output changed on purpose: the link stays, the state it shows is
            // written anew (read the diff before committing).
            let (head, _) = text.split_once("--- transcript\n").unwrap();
            std::fs::write(&path, format!("{head}--- transcript\n{shown}")).unwrap();
            read += 1;
            continue;
        }
        assert_eq!(shown, transcript, "{}", path.display());
        read += 1;
    }
    assert!(read >= 4, "the fixtures are there ({read} read)");
}
