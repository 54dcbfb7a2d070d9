//! CLIENT ID, CLIENT SETNAME name, CLIENT GETNAME, CLIENT INFO,
//! CLIENT LIST [TYPE <NORMAL | MASTER | REPLICA | PUBSUB>] [ID client-id [client-id ...]],
//! CLIENT KILL <ip:port | <ID client-id | TYPE type | USER username | ADDR ip:port |
//! LADDR ip:port | SKIPME <YES | NO> | MAXAGE maxage> [...]>,
//! CLIENT UNBLOCK client-id [TIMEOUT | ERROR], CLIENT REPLY <ON | OFF | SKIP>, CLIENT HELP
//!
//! The other CLIENT subcommands (PAUSE, TRACKING, ...) are not implemented.
//! Argument checks follow `clientCommand` in Redis 7.0's networking.c; MAXAGE
//! exists only in the 8 profile (Redis 7.4+).

use super::{error_with_arg, help_reply, is_kw, string2ll, subcommand_syntax, CmdResult, Cx, Flow};
use crate::engine::client::{Client, ClientKind};
use crate::engine::error::Error;
use crate::engine::{ClientId, Engine, Profile, Reply, UnblockReason};

/// `CLIENT` with a subcommand the engine lacks never gets here (dispatch answers
/// unknown subcommand); this answers the same if it ever does.
pub(super) fn container(cx: &mut Cx) -> CmdResult {
    Err(Error::UnknownSubcommand {
        container: "CLIENT".into(),
        sub: cx.argv.get(1).cloned().unwrap_or_default(),
    })
}

/// The help text of redis-server 7.0.15, verbatim (the 8 profile adds `HELP_V8_ADDED`).
const HELP: &[&str] = &[
    "CACHING (YES|NO)",
    "    Enable/disable tracking of the keys for next command in OPTIN/OPTOUT modes.",
    "GETREDIR",
    "    Return the client ID we are redirecting to when tracking is enabled.",
    "GETNAME",
    "    Return the name of the current connection.",
    "ID",
    "    Return the ID of the current connection.",
    "INFO",
    "    Return information about the current client connection.",
    "KILL <ip:port>",
    "    Kill connection made from <ip:port>.",
    "KILL <option> <value> [<option> <value> [...]]",
    "    Kill connections. Options are:",
    "    * ADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made from the specified address",
    "    * LADDR (<ip:port>|<unixsocket>:0)",
    "      Kill connections made to specified local address",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Kill connections by type.",
    "    * USER <username>",
    "      Kill connections authenticated by <username>.",
    "    * SKIPME (YES|NO)",
    "      Skip killing current connection (default: yes).",
    "LIST [options ...]",
    "    Return information about client connections. Options:",
    "    * TYPE (NORMAL|MASTER|REPLICA|PUBSUB)",
    "      Return clients of specified type.",
    "UNPAUSE",
    "    Stop the current client pause, resuming traffic.",
    "PAUSE <timeout> [WRITE|ALL]",
    "    Suspend all, or just write, clients for <timeout> milliseconds.",
    "REPLY (ON|OFF|SKIP)",
    "    Control the replies sent to the current connection.",
    "SETNAME <name>",
    "    Assign the name <name> to the current connection.",
    "UNBLOCK <clientid> [TIMEOUT|ERROR]",
    "    Unblock the specified blocked client.",
    "TRACKING (ON|OFF) [REDIRECT <id>] [BCAST] [PREFIX <prefix> [...]]",
    "         [OPTIN] [OPTOUT] [NOLOOP]",
    "    Control server assisted client side caching.",
    "TRACKINGINFO",
    "    Report tracking status for the current connection.",
    "NO-EVICT (ON|OFF)",
    "    Protect current client connection from eviction.",
];

/// Lines Redis 7.2+ adds to CLIENT HELP (8.0.2's text), each after the 7.0.15 line
/// it follows (`None`: at the end).
const HELP_V8_ADDED: &[(Option<&str>, &[&str])] = &[
    (
        Some("      Skip killing current connection (default: yes)."),
        &[
            "    * ID <client-id>",
            "      Kill connections by client id.",
            "    * MAXAGE <maxage>",
            "      Kill connections older than the specified age.",
        ],
    ),
    (
        Some("    Assign the name <name> to the current connection."),
        &[
            "SETINFO <option> <value>",
            "    Set client meta attr. Options are:",
            "    * LIB-NAME: the client lib name.",
            "    * LIB-VER: the client lib version.",
        ],
    ),
    (
        None,
        &[
            "NO-TOUCH (ON|OFF)",
            "    Will not touch LRU/LFU stats when this mode is on.",
        ],
    ),
];

pub(super) fn help(cx: &mut Cx) -> CmdResult {
    if cx.engine.profile() == Profile::V7 {
        return Ok(help_reply(cx, HELP).into());
    }
    let mut lines: Vec<&str> = Vec::with_capacity(HELP.len() + 10);
    for line in HELP {
        lines.push(line);
        for (after, added) in HELP_V8_ADDED {
            if *after == Some(*line) {
                lines.extend_from_slice(added);
            }
        }
    }
    lines.extend_from_slice(HELP_V8_ADDED[2].1);
    Ok(help_reply(cx, &lines).into())
}

/// CLIENT REPLY: ON answers OK (it ends OFF and a SKIP in force, so its own reply goes out);
/// OFF and SKIP answer nothing (SKIP is ignored while OFF). The flags act in
/// `Engine::apply_reply_flags`, once the command is done.
pub(super) fn reply(cx: &mut Cx) -> CmdResult {
    let mode = &cx.argv[2];
    let flags = &mut cx.client_mut().reply;
    if is_kw(mode, "on") {
        flags.off = false;
        flags.skip = false;
        return Ok(Reply::ok().into());
    } else if is_kw(mode, "off") {
        flags.off = true;
    } else if is_kw(mode, "skip") {
        flags.skip_next |= !flags.off;
    } else {
        return Err(Error::Syntax);
    }
    Ok(Flow::Frames(Vec::new()))
}

pub(super) fn id(cx: &mut Cx) -> CmdResult {
    Ok(Reply::Integer(cx.client as i64).into())
}

pub(super) fn setname(cx: &mut Cx) -> CmdResult {
    super::hello::set_client_name(cx, &cx.argv[2])?;
    Ok(Reply::ok().into())
}

pub(super) fn getname(cx: &mut Cx) -> CmdResult {
    Ok(match &cx.client_mut().name {
        Some(name) => Reply::Bulk(name.clone()),
        None => Reply::Null,
    }
    .into())
}

pub(super) fn info(cx: &mut Cx) -> CmdResult {
    let mut text = String::new();
    if let Some(c) = cx.engine.clients.get(&cx.client) {
        text = info_line(cx.engine, c, cx.client, cx.argv, cx.now_ms);
    }
    text.push('\n');
    Ok(Reply::Verbatim(*b"txt", text.into_bytes()).into())
}

/// `CLIENT LIST TYPE t` (exactly four arguments), `CLIENT LIST ID id...` (the
/// clients that exist, in argument order), or plain `CLIENT LIST` (every client,
/// oldest first). Each line ends with `\n`.
pub(super) fn list(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let engine = &*cx.engine;
    let mut text = String::new();
    let mut add = |c: &Client| {
        text.push_str(&info_line(engine, c, cx.client, argv, cx.now_ms));
        text.push('\n');
    };
    if argv.len() == 4 && is_kw(&argv[2], "type") {
        let Some(kind) = ClientKind::parse(&argv[3]) else {
            return Ok(error_with_arg("ERR Unknown client type '", &argv[3], "'").into());
        };
        engine
            .clients
            .values()
            .filter(|c| c.kind() == kind)
            .for_each(&mut add);
    } else if argv.len() > 3 && is_kw(&argv[2], "id") {
        let mut ids = Vec::with_capacity(argv.len() - 3);
        for arg in &argv[3..] {
            let id = string2ll(arg).ok_or_else(|| Error::Other("ERR Invalid client ID".into()))?;
            ids.push(id);
        }
        for id in ids {
            if let Some(c) = u64::try_from(id)
                .ok()
                .and_then(|id| engine.clients.get(&id))
            {
                add(c);
            }
        }
    } else if argv.len() != 2 {
        return Err(Error::Syntax);
    } else {
        engine.clients.values().for_each(&mut add);
    }
    Ok(Reply::Verbatim(*b"txt", text.into_bytes()).into())
}

/// One `CLIENT LIST` line (`catClientInfoString`) in Redis 7.0.15's field order,
/// or 8.x's (with `watch`, `lib-name`, `lib-ver` and `io-thread`) in the 8
/// profile. Buffer figures are plausible constants: the caller's request is in
/// its query buffer, other clients' buffers are empty, except a held client's
/// output buffer (`obl`, `oll`, `omem`, counted in `tot-mem`), which is Redis's.
fn info_line(
    engine: &Engine,
    c: &Client,
    caller: ClientId,
    argv: &[Vec<u8>],
    now_ms: u64,
) -> String {
    let v8 = engine.profile() == Profile::V8;
    let (qbuf, argv_mem) = if c.id == caller {
        (request_len(argv), argv.iter().map(Vec::len).sum())
    } else if let Some(block) = &c.block {
        // A blocked client keeps its command's arguments.
        (0, block.argv.iter().map(Vec::len).sum())
    } else {
        (0, 0)
    };
    let age = now_ms.saturating_sub(c.created_ms) / 1000;
    let idle = now_ms.saturating_sub(c.last_interaction_ms) / 1000;
    let name = c
        .name
        .as_ref()
        .map(|n| String::from_utf8_lossy(n).into_owned())
        .unwrap_or_default();
    let watch = if v8 {
        format!(" watch={}", c.watched.len())
    } else {
        String::new()
    };
    // `multi=` is the number of queued commands, -1 outside MULTI.
    let multi = c.multi.as_ref().map_or(-1, |q| q.len() as i64);
    // `multi-mem=`: what queueMultiCommand adds up, the bytes of each queued
    // argument plus a pointer per argument (watched keys are not counted in 7.0).
    let multi_mem: usize = c
        .multi
        .iter()
        .flatten()
        .map(|argv| argv.iter().map(|a| a.len() + 8).sum::<usize>())
        .sum();
    // A held client's output buffer (`Engine::set_reading`); a read one's is empty.
    let (obl, oll, omem) = c
        .obuf
        .as_ref()
        .map_or((0, 0, 0), |b| (b.bufpos, b.blocks, b.memory() as usize));
    let lib = if v8 {
        " lib-name= lib-ver= io-thread=0"
    } else {
        ""
    };
    format!(
        "id={id} addr={addr} laddr={laddr} fd={fd} name={name} age={age} idle={idle} \
         flags={flags} db={db} sub={sub} psub={psub} ssub={ssub} multi={multi}{watch} qbuf={qbuf} \
         qbuf-free={qfree} argv-mem={argv_mem} multi-mem={multi_mem} rbs=16384 rbp=16384 obl={obl} oll={oll} \
         omem={omem} tot-mem={tot} events=r cmd={cmd} user=default redir=-1 resp={resp}{lib}",
        id = c.id,
        addr = c.addr,
        laddr = c.laddr,
        fd = c.fd,
        flags = c.flags(),
        db = c.db,
        sub = c.subs.channels.len(),
        psub = c.subs.patterns.len(),
        ssub = c.subs.shard_channels.len(),
        qfree = 20474usize.saturating_sub(qbuf),
        tot = 37632 + qbuf + argv_mem + omem,
        cmd = c.last_cmd.unwrap_or("NULL"),
        resp = c.protocol.version(),
    )
}

/// The bytes of `argv` as a RESP multibulk request.
fn request_len(argv: &[Vec<u8>]) -> usize {
    let digits = |n: usize| n.to_string().len();
    3 + digits(argv.len())
        + argv
            .iter()
            .map(|a| 1 + digits(a.len()) + 2 + a.len() + 2)
            .sum::<usize>()
}

/// Which clients `CLIENT KILL` closes; every filter given must match.
struct KillFilter<'a> {
    addr: Option<&'a [u8]>,
    laddr: Option<&'a [u8]>,
    kind: Option<ClientKind>,
    id: Option<u64>,
    /// Only clients connected at least this many seconds ago (8 profile).
    max_age: Option<i64>,
    skipme: bool,
}

impl KillFilter<'_> {
    fn matches(&self, c: &Client, caller: ClientId, now_ms: u64) -> bool {
        let eq = |want: Option<&[u8]>, have: &str| want.is_none_or(|w| w == have.as_bytes());
        eq(self.addr, &c.addr)
            && eq(self.laddr, &c.laddr)
            && self.kind.is_none_or(|k| c.kind() == k)
            && self.id.is_none_or(|id| c.id == id)
            && self.max_age.is_none_or(|max| {
                let age = (now_ms / 1000).saturating_sub(c.created_ms / 1000);
                age >= max.unsigned_abs()
            })
            && !(self.skipme && c.id == caller)
    }
}

/// The old form (`CLIENT KILL addr:port`, one argument) may kill the caller and
/// answers OK or `No such client`; the filter form answers how many it killed and
/// spares the caller unless `SKIPME no`. Other clients are dropped at once and
/// reported in `Outcome::killed`; the caller is closed after its reply.
pub(super) fn kill(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let old_form = argv.len() == 3;
    let mut f = KillFilter {
        addr: None,
        laddr: None,
        kind: None,
        id: None,
        max_age: None,
        skipme: true,
    };
    if old_form {
        f.addr = Some(super::c_str(&argv[2]));
        f.skipme = false;
    } else {
        let v8 = cx.engine.profile() == Profile::V8;
        let mut i = 2;
        while i < argv.len() {
            let (opt, value) = match argv.get(i + 1) {
                Some(v) => (&argv[i], v.as_slice()),
                None => return Err(Error::Syntax),
            };
            if is_kw(opt, "id") {
                let id = string2ll(value)
                    .filter(|&v| v >= 1)
                    .ok_or_else(|| Error::Other("ERR client-id should be greater than 0".into()))?;
                f.id = Some(id as u64);
            } else if v8 && is_kw(opt, "maxage") {
                let age = string2ll(value).ok_or_else(|| {
                    Error::Other("ERR maxage is not an integer or out of range".into())
                })?;
                if age <= 0 {
                    return Err(Error::Other("ERR maxage should be greater than 0".into()));
                }
                f.max_age = Some(age);
            } else if is_kw(opt, "type") {
                let Some(kind) = ClientKind::parse(value) else {
                    return Ok(error_with_arg("ERR Unknown client type '", value, "'").into());
                };
                f.kind = Some(kind);
            } else if is_kw(opt, "addr") {
                f.addr = Some(super::c_str(value));
            } else if is_kw(opt, "laddr") {
                f.laddr = Some(super::c_str(value));
            } else if is_kw(opt, "user") {
                // The only user is `default`, and every client is authenticated as it.
                if super::c_str(value) != b"default" {
                    return Ok(error_with_arg("ERR No such user '", value, "'").into());
                }
            } else if is_kw(opt, "skipme") {
                f.skipme = if is_kw(value, "yes") {
                    true
                } else if is_kw(value, "no") {
                    false
                } else {
                    return Err(Error::Syntax);
                };
            } else {
                return Err(Error::Syntax);
            }
            i += 2;
        }
    }
    let now = cx.now_ms;
    let victims: Vec<ClientId> = cx
        .engine
        .clients
        .values()
        .filter(|c| f.matches(c, cx.client, now))
        .map(|c| c.id)
        .collect();
    let killed = victims.len();
    for id in victims {
        if id == cx.client {
            // CLIENT_CLOSE_AFTER_REPLY: the reply goes out, then the connection closes.
            cx.out.close = true;
        } else if cx.engine.drop_client(id, cx.out) {
            cx.out.killed.push(id);
        }
    }
    Ok(if old_form {
        if killed == 0 {
            Reply::error("ERR No such client")
        } else {
            Reply::ok()
        }
    } else {
        Reply::Integer(killed as i64)
    }
    .into())
}

/// Releases a blocked client as if its timeout passed (TIMEOUT, the default) or
/// with an `-UNBLOCKED` error (ERROR). The reason is checked before the id.
pub(super) fn unblock(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    if argv.len() > 4 {
        return Err(subcommand_syntax(argv));
    }
    let mut error = false;
    if let Some(reason) = argv.get(3) {
        if is_kw(reason, "error") {
            error = true;
        } else if !is_kw(reason, "timeout") {
            return Err(Error::Other(
                "ERR CLIENT UNBLOCK reason should be TIMEOUT or ERROR".into(),
            ));
        }
    }
    let id = super::arg_i64(&argv[2])?;
    let frame = error.then(|| Reply::error("UNBLOCKED client unblocked via CLIENT UNBLOCK"));
    let target = u64::try_from(id).unwrap_or(0);
    let released = cx
        .engine
        .clients
        .get(&target)
        .is_some_and(|c| c.block.is_some())
        && cx
            .engine
            .unblock(target, UnblockReason::Cancelled, frame, cx.out);
    Ok(Reply::Integer(i64::from(released)).into())
}
