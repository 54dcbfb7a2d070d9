//! RESP2 and RESP3 wire encoding of `Reply` values, and a reply parser.
//!
//! The encoder is what the native server writes and what the page's raw-RESP
//! view shows. The parser reads any RESP2/RESP3 reply; tests and the
//! differential harness use it to read frames from a real redis-server.

use super::reply::{Protocol, Reply, Resp2};

/// Appends the bytes of `reply` for a client speaking `proto`.
pub fn encode_into(out: &mut Vec<u8>, reply: &Reply, proto: Protocol) {
    match proto {
        Protocol::Resp3 => encode3(out, reply),
        Protocol::Resp2 => encode2(out, reply),
    }
}

/// The bytes of `reply` for a client speaking `proto`.
pub fn encode(reply: &Reply, proto: Protocol) -> Vec<u8> {
    let mut out = Vec::new();
    encode_into(&mut out, reply, proto);
    out
}

fn header(out: &mut Vec<u8>, tag: u8, n: usize) {
    out.push(tag);
    out.extend_from_slice(itoa(n as i64).as_bytes());
    out.extend_from_slice(b"\r\n");
}

fn itoa(n: i64) -> String {
    n.to_string()
}

fn line(out: &mut Vec<u8>, tag: u8, text: &[u8]) {
    out.push(tag);
    // A status or error line cannot carry CR or LF; Redis replaces them with
    // spaces before writing (addReplyErrorLength / addReplyStatusLength callers).
    out.extend(
        text.iter()
            .map(|&b| if b == b'\r' || b == b'\n' { b' ' } else { b }),
    );
    out.extend_from_slice(b"\r\n");
}

fn bulk(out: &mut Vec<u8>, tag: u8, data: &[u8]) {
    header(out, tag, data.len());
    out.extend_from_slice(data);
    out.extend_from_slice(b"\r\n");
}

/// RESP2 bytes, following `Reply::as_resp2` (the one statement of how RESP3 types degrade)
/// without building the downgraded value.
fn encode2(out: &mut Vec<u8>, reply: &Reply) {
    if let Reply::ShortArray(n, items) = reply {
        header(out, b'*', *n);
        items.iter().for_each(|i| encode2(out, i));
        return;
    }
    match reply.as_resp2() {
        Resp2::Simple(s) => line(out, b'+', s),
        Resp2::Error(s) => line(out, b'-', s),
        Resp2::Integer(n) => {
            out.push(b':');
            out.extend_from_slice(itoa(n).as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        Resp2::Bulk(b) => bulk(out, b'$', b),
        Resp2::Null => out.extend_from_slice(b"$-1\r\n"),
        Resp2::NullArray => out.extend_from_slice(b"*-1\r\n"),
        Resp2::Array(items) => {
            header(out, b'*', items.len());
            for item in items {
                encode2(out, item);
            }
        }
        Resp2::FlatMap(pairs) => {
            header(out, b'*', pairs.len() * 2);
            for (k, v) in pairs {
                encode2(out, k);
                encode2(out, v);
            }
        }
    }
}

fn encode3(out: &mut Vec<u8>, reply: &Reply) {
    match reply {
        Reply::Simple(s) => line(out, b'+', s),
        Reply::Error(s) => line(out, b'-', s),
        Reply::Integer(n) => {
            out.push(b':');
            out.extend_from_slice(itoa(*n).as_bytes());
            out.extend_from_slice(b"\r\n");
        }
        Reply::Bulk(b) => bulk(out, b'$', b),
        Reply::Null | Reply::NullArray => out.extend_from_slice(b"_\r\n"),
        Reply::Double(d) => line(out, b',', d),
        Reply::BigNumber(d) => line(out, b'(', d),
        Reply::Boolean(b) => out.extend_from_slice(if *b { b"#t\r\n" } else { b"#f\r\n" }),
        Reply::Verbatim(fmt, text) => {
            header(out, b'=', text.len() + 4);
            out.extend_from_slice(fmt);
            out.push(b':');
            out.extend_from_slice(text);
            out.extend_from_slice(b"\r\n");
        }
        Reply::Array(items) => {
            header(out, b'*', items.len());
            items.iter().for_each(|i| encode3(out, i));
        }
        Reply::ShortArray(n, items) => {
            header(out, b'*', *n);
            items.iter().for_each(|i| encode3(out, i));
        }
        Reply::Set(items) => {
            header(out, b'~', items.len());
            items.iter().for_each(|i| encode3(out, i));
        }
        Reply::Push(items) => {
            header(out, b'>', items.len());
            items.iter().for_each(|i| encode3(out, i));
        }
        Reply::Map(pairs) => {
            header(out, b'%', pairs.len());
            for (k, v) in pairs {
                encode3(out, k);
                encode3(out, v);
            }
        }
    }
}

/// Why a buffer could not be parsed as a reply.
#[derive(Debug, PartialEq, Eq)]
pub enum ParseError {
    /// More bytes are needed.
    Incomplete,
    /// The bytes are not RESP; the text says what was wrong.
    Invalid(String),
}

/// Parses one reply from the front of `buf`; returns it and the number of
/// bytes it used. A RESP2 null (`$-1`, `*-1`) becomes `Null` / `NullArray`,
/// RESP3 `_` becomes `Null`.
pub fn parse(buf: &[u8]) -> Result<(Reply, usize), ParseError> {
    let mut pos = 0;
    let reply = parse_at(buf, &mut pos, 0)?;
    Ok((reply, pos))
}

fn read_line<'a>(buf: &'a [u8], pos: &mut usize) -> Result<&'a [u8], ParseError> {
    let start = *pos;
    let rel = buf[start..]
        .windows(2)
        .position(|w| w == b"\r\n")
        .ok_or(ParseError::Incomplete)?;
    *pos = start + rel + 2;
    Ok(&buf[start..start + rel])
}

fn parse_int(text: &[u8]) -> Result<i64, ParseError> {
    std::str::from_utf8(text)
        .ok()
        .and_then(|s| s.parse::<i64>().ok())
        .ok_or_else(|| {
            ParseError::Invalid(format!("bad integer {:?}", String::from_utf8_lossy(text)))
        })
}

fn parse_at(buf: &[u8], pos: &mut usize, depth: usize) -> Result<Reply, ParseError> {
    if depth > 64 {
        return Err(ParseError::Invalid("nesting too deep".into()));
    }
    let tag = *buf.get(*pos).ok_or(ParseError::Incomplete)?;
    *pos += 1;
    let text = read_line(buf, pos)?.to_vec();
    let count = |text: &[u8]| -> Result<i64, ParseError> { parse_int(text) };
    Ok(match tag {
        b'+' => Reply::Simple(text),
        b'-' => Reply::Error(text),
        b':' => Reply::Integer(parse_int(&text)?),
        b',' => Reply::Double(text),
        b'(' => Reply::BigNumber(text),
        b'_' => Reply::Null,
        b'#' => Reply::Boolean(text == b"t"),
        b'$' | b'=' | b'!' => {
            let n = count(&text)?;
            if n < 0 {
                return Ok(Reply::Null);
            }
            let n = n as usize;
            if buf.len() < *pos + n + 2 {
                return Err(ParseError::Incomplete);
            }
            let data = buf[*pos..*pos + n].to_vec();
            *pos += n + 2;
            match tag {
                b'$' => Reply::Bulk(data),
                b'!' => Reply::Error(data),
                _ => {
                    if data.len() < 4 {
                        return Err(ParseError::Invalid("short verbatim string".into()));
                    }
                    Reply::Verbatim([data[0], data[1], data[2]], data[4..].to_vec())
                }
            }
        }
        b'*' | b'~' | b'>' => {
            let n = count(&text)?;
            if n < 0 {
                return Ok(Reply::NullArray);
            }
            let mut items = Vec::with_capacity((n as usize).min(1024));
            for _ in 0..n {
                items.push(parse_at(buf, pos, depth + 1)?);
            }
            match tag {
                b'*' => Reply::Array(items),
                b'~' => Reply::Set(items),
                _ => Reply::Push(items),
            }
        }
        b'%' => {
            let n = count(&text)?;
            let mut pairs = Vec::with_capacity((n.max(0) as usize).min(1024));
            for _ in 0..n {
                let k = parse_at(buf, pos, depth + 1)?;
                let v = parse_at(buf, pos, depth + 1)?;
                pairs.push((k, v));
            }
            Reply::Map(pairs)
        }
        other => {
            return Err(ParseError::Invalid(format!(
                "Protocol error, got \"{}\" as reply type byte",
                other as char
            )))
        }
    })
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn resp2_degrades_resp3_types() {
        let r = Reply::Map(vec![(Reply::bulk("a"), Reply::Double(b"1.5".to_vec()))]);
        assert_eq!(
            encode(&r, Protocol::Resp2),
            b"*2\r\n$1\r\na\r\n$3\r\n1.5\r\n"
        );
        assert_eq!(encode(&r, Protocol::Resp3), b"%1\r\n$1\r\na\r\n,1.5\r\n");
        assert_eq!(encode(&Reply::NullArray, Protocol::Resp2), b"*-1\r\n");
        assert_eq!(encode(&Reply::Null, Protocol::Resp2), b"$-1\r\n");
        assert_eq!(encode(&Reply::NullArray, Protocol::Resp3), b"_\r\n");
        // The encoder and `to_resp2` follow the same rules.
        let nested = Reply::Push(vec![
            r.clone(),
            Reply::Set(vec![Reply::Boolean(true), Reply::BigNumber(b"9".to_vec())]),
            Reply::Verbatim(*b"txt", b"v".to_vec()),
        ]);
        assert_eq!(
            encode(&nested, Protocol::Resp2),
            encode(&nested.to_resp2(), Protocol::Resp2)
        );
        assert_eq!(
            encode(&nested.to_resp2(), Protocol::Resp2),
            encode(&nested.to_resp2(), Protocol::Resp3)
        );
    }

    #[test]
    fn parse_round_trips_resp3() {
        let r = Reply::Array(vec![
            Reply::Set(vec![Reply::Integer(-3), Reply::simple("ok")]),
            Reply::Verbatim(*b"txt", b"hi\nthere".to_vec()),
            Reply::Push(vec![Reply::Boolean(true), Reply::Null]),
        ]);
        let bytes = encode(&r, Protocol::Resp3);
        assert_eq!(parse(&bytes), Ok((r, bytes.len())));
        assert_eq!(parse(b"$3\r\nab"), Err(ParseError::Incomplete));
        assert!(matches!(parse(b"|1\r\n"), Err(ParseError::Invalid(_))));
    }
}
