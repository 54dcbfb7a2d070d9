//! BLOCKTEST key timeout-ms — a test double for the blocking machinery, enabled
//! only by `Config::test_commands`. Answers the string at `key` if there is one,
//! otherwise blocks until a command writes `key` (then answers its value) or the
//! timeout passes (then answers a null array, as a timed-out XREAD does).

use super::{arg_i64, BlockOn, CmdResult, Flow};
use crate::engine::error::Error;
use crate::engine::keyspace::{Entry, Value};
use crate::engine::{ClientId, Engine, Reply};

pub(super) fn blocktest(
    engine: &mut Engine,
    client: ClientId,
    argv: &[Vec<u8>],
    now_ms: u64,
) -> CmdResult {
    if argv.len() != 3 {
        return Err(Error::WrongArity("blocktest".into()));
    }
    let timeout = arg_i64(&argv[2])?;
    if timeout < 0 {
        return Err(Error::Other("ERR timeout is negative".into()));
    }
    let db = engine.clients.get(&client).map(|c| c.db).unwrap_or(0);
    if let Some(Entry {
        value: Value::String(s),
        ..
    }) = engine.dbs[db].get(&argv[1], now_ms)
    {
        return Ok(Reply::Bulk(s.clone()).into());
    }
    Ok(Flow::Block(BlockOn {
        keys: vec![argv[1].clone()],
        timeout_ms: timeout as u64,
        timeout_reply: Reply::NullArray,
        wake_at_ms: None,
        argv: None,
        serve: super::Serve::Reexec,
    }))
}
