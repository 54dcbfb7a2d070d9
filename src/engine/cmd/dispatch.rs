//! Dispatch: table lookup, then Redis's checks in Redis's order (unknown command or subcommand,
//! arity, DEBUG, `maxmemory`, the RESP2 pub/sub context), MULTI queuing, then the handler, counted
//! in `INFO commandstats`.

use super::{blocktest, debug, handler, CmdResult, Cx, Flow};
use crate::engine::error::Error;
use crate::engine::table::{self, CommandSpec, Flags};
use crate::engine::{ClientId, Engine, Outcome, Reply};

/// Finds the command for `argv` and runs it, with Redis's checks in Redis's order,
/// and counts it in `INFO commandstats` / `INFO stats` (a re-run for a blocked
/// client is not counted again).
pub(crate) fn dispatch(
    engine: &mut Engine,
    client: ClientId,
    argv: &[Vec<u8>],
    now_ms: u64,
    out: &mut Outcome,
    reexec: bool,
) -> Flow {
    match run(engine, client, argv, now_ms, out, reexec) {
        Ok(flow) => flow,
        Err(e) => Flow::Reply(e.into()),
    }
}

fn run(
    engine: &mut Engine,
    client: ClientId,
    argv: &[Vec<u8>],
    now_ms: u64,
    out: &mut Outcome,
    reexec: bool,
) -> CmdResult {
    let Some(name) = argv.first() else {
        // An empty command line never reaches a real server's command table.
        return Err(Error::UnknownCommand {
            name: Vec::new(),
            args: Vec::new(),
        });
    };
    if engine.config.test_commands && name.eq_ignore_ascii_case(b"blocktest") {
        return blocktest::blocktest(engine, client, argv, now_ms);
    }
    let v8 = engine.config.profile == crate::engine::Profile::V8;
    let resolved = resolve(argv, v8);
    if !reexec {
        // `c->lastcmd` (CLIENT LIST's `cmd=`) is whatever the lookup found, even
        // for a command then refused; an unknown command leaves it NULL.
        if let Some(c) = engine.clients.get_mut(&client) {
            c.last_cmd = resolved.as_ref().ok().map(|s| s.fullname);
        }
    }
    let checked = resolved.and_then(|spec| {
        let refusal = if !spec.arity_ok(argv.len()) {
            Some(Error::WrongArity(spec.fullname.to_string()))
        } else if spec.fullname == "debug" {
            // processCommand refuses DEBUG while enable-debug-command is `no`,
            // its default, before the command runs.
            Some(debug::not_allowed())
        } else {
            check_memory(engine, client, spec)
                .and_then(|()| check_pubsub_context(engine, client, spec, reexec))
                .err()
        };
        match refusal {
            Some(e) => {
                engine.stats.command(spec.fullname).rejected_calls += 1;
                Err(e)
            }
            None => Ok(spec),
        }
    });
    let spec = match checked {
        Ok(spec) => spec,
        Err(e) => {
            // rejectCommand: a rejected command inside MULTI dooms the
            // transaction, and a rejected EXEC discards it with the reason.
            if let Some(c) = engine.clients.get_mut(&client) {
                if c.multi.is_some() {
                    c.dirty_exec = true;
                }
            }
            if name.eq_ignore_ascii_case(b"exec") {
                engine.discard_transaction(client);
                let reason = e.to_bytes();
                let reason = reason.strip_prefix(b"ERR ").unwrap_or(&reason);
                let mut line = b"EXECABORT Transaction discarded because of: ".to_vec();
                line.extend_from_slice(reason);
                return Ok(Reply::Error(line).into());
            }
            return Err(e);
        }
    };
    let in_multi = engine
        .clients
        .get(&client)
        .is_some_and(|c| c.multi.is_some());
    if in_multi
        && !matches!(
            spec.fullname,
            "exec" | "discard" | "multi" | "watch" | "quit" | "reset"
        )
    {
        if let Some(queue) = engine
            .clients
            .get_mut(&client)
            .and_then(|c| c.multi.as_mut())
        {
            queue.push(argv.to_vec());
        }
        return Ok(Reply::simple("QUEUED").into());
    }
    let handler = handler(spec.fullname).expect("every table entry has a handler");
    let first_delivery = out.deliveries.len();
    let mut cx = Cx {
        engine,
        client,
        argv,
        now_ms,
        out,
        reexec,
        spec,
    };
    let flow = handler(&mut cx).unwrap_or_else(|e| Flow::Reply(e.into()));
    if !reexec {
        // A call fails when it produced an error reply for anyone (`call()`
        // compares the error counter before and after).
        let failed = matches!(&flow, Flow::Reply(r) if r.is_error())
            || cx.out.deliveries[first_delivery..]
                .iter()
                .any(|d| d.frame.is_error());
        let engine = cx.engine;
        let stats = engine.stats.command(spec.fullname);
        stats.calls += 1;
        if failed {
            stats.failed_calls += 1;
        }
        engine.stats.total_commands_processed += 1;
    }
    Ok(flow)
}

/// The `maxmemory` check of processCommand: over the limit, commands that may
/// grow memory are refused, and in 7.0 so is queuing inside MULTI (EXEC, DISCARD,
/// QUIT and RESET excepted); reads keep working.
fn check_memory(engine: &Engine, client: ClientId, spec: &CommandSpec) -> Result<(), Error> {
    let limit = engine.settings.maxmemory;
    if limit == 0 || engine.used_memory() <= limit {
        return Ok(());
    }
    let c = engine.clients.get(&client);
    let v8 = engine.config.profile == crate::engine::Profile::V8;
    let queued_denyoom = c.and_then(|c| c.multi.as_ref()).is_some_and(|q| {
        q.iter()
            .any(|argv| resolve(argv, v8).is_ok_and(|s| s.has_flag(Flags::DENYOOM)))
    });
    let denyoom = spec.has_flag(Flags::DENYOOM) || (spec.fullname == "exec" && queued_denyoom);
    // 7.0.15 refuses any queuing; Redis 8 (8.0.2 answers so) queues what is not
    // denyoom (a read, PING) and refuses only the denyoom commands themselves.
    let queuing = !v8
        && c.is_some_and(|c| c.multi.is_some())
        && !matches!(spec.fullname, "exec" | "discard" | "quit" | "reset");
    if denyoom || queuing {
        return Err(Error::Oom);
    }
    Ok(())
}

/// processCommand's pub/sub context check: a RESP2 client in pub/sub mode may
/// run only the (P|S)(UN)SUBSCRIBE family, PING, QUIT and RESET. RESP3 has no
/// such limit. Commands run by EXEC, or re-run for a blocked client, never
/// pass through this check in Redis (they are `call`ed directly).
fn check_pubsub_context(
    engine: &Engine,
    client: ClientId,
    spec: &CommandSpec,
    reexec: bool,
) -> Result<(), Error> {
    let Some(c) = engine.clients.get(&client) else {
        return Ok(());
    };
    if reexec || c.in_exec || !c.pubsub || c.protocol != crate::engine::Protocol::Resp2 {
        return Ok(());
    }
    if matches!(
        spec.fullname,
        "ping"
            | "subscribe"
            | "ssubscribe"
            | "unsubscribe"
            | "sunsubscribe"
            | "psubscribe"
            | "punsubscribe"
            | "quit"
            | "reset"
    ) {
        return Ok(());
    }
    Err(Error::Other(format!(
        "ERR Can't execute '{}': only (P|S)SUBSCRIBE / (P|S)UNSUBSCRIBE / PING / QUIT / RESET are allowed in this context",
        spec.fullname
    )))
}

/// `lookupCommand` + the unknown command / unknown subcommand errors.
fn resolve(argv: &[Vec<u8>], v8: bool) -> Result<&'static CommandSpec, Error> {
    let name = &argv[0];
    let unknown = || Error::UnknownCommand {
        name: name.clone(),
        args: argv[1..].to_vec(),
    };
    let base = table::lookup(name, v8).ok_or_else(unknown)?;
    if argv.len() == 1 || base.subcommands.is_empty() {
        return Ok(base);
    }
    table::lookup_sub(base, &argv[1]).ok_or_else(|| Error::UnknownSubcommand {
        // `name` matched an ASCII table name, so ASCII upper-casing is Unicode's here (and
        // keeps Unicode's upper-case table out of the page).
        container: String::from_utf8_lossy(name).to_ascii_uppercase(),
        sub: argv[1].clone(),
    })
}
