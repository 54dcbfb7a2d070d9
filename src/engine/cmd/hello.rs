//! HELLO [protover [AUTH username password] [SETNAME clientname]]
//!
//! Switches the client's protocol; the reply is already written in the new one.

use super::{c_str, is_kw, CmdResult, Cx};
use crate::engine::error::Error;
use crate::engine::{Profile, Protocol, Reply};

pub(super) fn hello(cx: &mut Cx) -> CmdResult {
    let argv = cx.argv;
    let mut ver = None;
    let mut next = 1;
    if argv.len() >= 2 {
        let v = super::string2ll(&argv[1]).ok_or_else(|| {
            Error::Other("ERR Protocol version is not an integer or out of range".into())
        })?;
        next = 2;
        if !(2..=3).contains(&v) {
            return Err(Error::NoProto);
        }
        ver = Some(v);
    }
    let mut auth: Option<(&[u8], &[u8])> = None;
    let mut name: Option<&[u8]> = None;
    let mut j = next;
    while j < argv.len() {
        let more = argv.len() - 1 - j;
        if is_kw(&argv[j], "AUTH") && more >= 2 {
            auth = Some((&argv[j + 1], &argv[j + 2]));
            j += 3;
        } else if is_kw(&argv[j], "SETNAME") && more >= 1 {
            name = Some(&argv[j + 1]);
            j += 2;
        } else {
            return Err(Error::Other(format!(
                "ERR Syntax error in HELLO option '{}'",
                String::from_utf8_lossy(c_str(&argv[j]))
            )));
        }
    }
    // The only user is `default`, with no password (any password is accepted).
    if let Some((user, _password)) = auth {
        if user != b"default" {
            return Err(Error::WrongPass);
        }
    }
    if let Some(name) = name {
        set_client_name(cx, name)?;
    }
    let profile = cx.engine.profile();
    let client = cx.client_mut();
    if let Some(v) = ver {
        client.protocol = if v == 3 {
            Protocol::Resp3
        } else {
            Protocol::Resp2
        };
    }
    let (proto, id) = (client.protocol.version(), client.id);
    let kv = |k: &str, v: Reply| (Reply::bulk(k), v);
    Ok(Reply::Map(vec![
        kv("server", Reply::bulk("redis")),
        kv("version", Reply::bulk(profile.redis_version())),
        kv("proto", Reply::Integer(proto)),
        kv("id", Reply::Integer(id as i64)),
        kv("mode", Reply::bulk("standalone")),
        kv("role", Reply::bulk("master")),
        // Redis 8 loads its vector sets module at start-up (8.0.2 lists it so).
        kv(
            "modules",
            Reply::Array(match profile {
                Profile::V7 => vec![],
                Profile::V8 => vec![Reply::Map(vec![
                    kv("name", Reply::bulk("vectorset")),
                    kv("ver", Reply::Integer(1)),
                    kv("path", Reply::bulk("")),
                    kv("args", Reply::Array(vec![])),
                ])],
            }),
        ),
    ])
    .into())
}

/// clientSetNameOrReply: `""` clears the name; otherwise only bytes '!'..='~'.
pub(super) fn set_client_name(cx: &mut Cx, name: &[u8]) -> Result<(), Error> {
    if name.iter().any(|&b| !(b'!'..=b'~').contains(&b)) {
        return Err(Error::InvalidClientName);
    }
    cx.client_mut().name = if name.is_empty() {
        None
    } else {
        Some(name.to_vec())
    };
    Ok(())
}
