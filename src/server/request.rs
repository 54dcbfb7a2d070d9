//! Request parsing: a port of Redis 7.0's `processInputBuffer`, `processInlineBuffer` and
//! `processMultibulkBuffer` (networking.c), over one connection's query buffer.
//!
//! The parser keeps the same state Redis keeps on its `client` (request type, remaining
//! multibulk count, current bulk length, arguments read so far) so that a request split
//! across reads resumes where it stopped instead of being parsed again from the start.
//! The C code finds line ends with `strchr` on a NUL-terminated buffer, so a NUL byte
//! before the line end hides it; that quirk is kept because it decides when Redis answers
//! `too big inline request` and friends.

use crate::cli::split::split_args;
use crate::engine::num::string2ll;

/// `PROTO_INLINE_MAX_SIZE`: the longest inline request or count line without its end.
pub const INLINE_MAX_SIZE: usize = 64 * 1024;
/// `proto-max-bulk-len`'s default: the largest bulk argument accepted.
pub const MAX_BULK_LEN: i64 = 512 * 1024 * 1024;
/// `PROTO_MBULK_BIG_ARG`: from this size on a bulk argument is moved to the start of
/// the buffer so that it can be taken without a copy.
const MBULK_BIG_ARG: usize = 32 * 1024;
/// `client-query-buffer-limit`'s default: a client holding more unprocessed request
/// bytes than this is disconnected.
pub const QUERY_BUFFER_LIMIT: usize = 1024 * 1024 * 1024;

/// What the buffer holds next.
#[derive(Debug, PartialEq)]
pub enum Request {
    /// A whole command, never empty (empty inline lines and `*0` are skipped).
    Command(Vec<Vec<u8>>),
    /// More bytes are needed.
    Incomplete,
    /// A protocol error: the text after `-ERR ` (it may hold a raw byte). Redis writes
    /// it and closes the connection, so the parser must not be used afterwards.
    Error(Vec<u8>),
}

#[derive(Clone, Copy, Debug, PartialEq)]
enum ReqType {
    Unknown,
    Inline,
    Multibulk,
}

/// One connection's query buffer and parsing state.
pub struct RequestParser {
    buf: Vec<u8>,
    /// Where the unparsed bytes start (`qb_pos`).
    pos: usize,
    reqtype: ReqType,
    /// Arguments still to read in the current multibulk request (0: read the count).
    multibulklen: usize,
    /// The length of the bulk being read, once its `$<len>` line was read.
    bulklen: Option<usize>,
    argv: Vec<Vec<u8>>,
    argv_len_sum: usize,
}

impl Default for RequestParser {
    fn default() -> Self {
        RequestParser::new()
    }
}

impl RequestParser {
    pub fn new() -> RequestParser {
        RequestParser {
            buf: Vec::new(),
            pos: 0,
            reqtype: ReqType::Unknown,
            multibulklen: 0,
            bulklen: None,
            argv: Vec::new(),
            argv_len_sum: 0,
        }
    }

    /// Appends bytes read from the socket. The buffer grows with what arrived, never
    /// with what a request declares, so a huge bulk length costs nothing up front.
    pub fn feed(&mut self, data: &[u8]) {
        self.buf.extend_from_slice(data);
    }

    /// The request bytes held: unparsed bytes plus the arguments of the request being
    /// read, which is what the query buffer limit bounds.
    pub fn buffered(&self) -> usize {
        self.buf.len() - self.pos + self.argv_len_sum
    }

    /// Drops the parsed prefix of the buffer. Called once per batch rather than per
    /// command so that a long pipeline is not moved once per command.
    pub fn compact(&mut self) {
        if self.pos > 0 {
            self.buf.drain(..self.pos);
            self.pos = 0;
        }
    }

    /// The next request in the buffer (`processInputBuffer`'s loop body).
    pub fn next_request(&mut self) -> Request {
        loop {
            if self.pos >= self.buf.len() {
                return Request::Incomplete;
            }
            if self.reqtype == ReqType::Unknown {
                self.reqtype = if self.buf[self.pos] == b'*' {
                    ReqType::Multibulk
                } else {
                    ReqType::Inline
                };
            }
            let parsed = match self.reqtype {
                ReqType::Multibulk => self.multibulk(),
                _ => self.inline(),
            };
            match parsed {
                Ok(argv) => {
                    self.reset();
                    // An empty inline line or a multibulk count <= 0 is no command.
                    if !argv.is_empty() {
                        return Request::Command(argv);
                    }
                }
                Err(request) => return request,
            }
        }
    }

    /// `resetClient`: ready for the next request.
    fn reset(&mut self) {
        self.reqtype = ReqType::Unknown;
        self.multibulklen = 0;
        self.bulklen = None;
        self.argv_len_sum = 0;
    }

    /// `processInlineBuffer`: a line up to `\n` (a `\r` before it dropped), split
    /// like redis-cli splits typed lines.
    fn inline(&mut self) -> Result<Vec<Vec<u8>>, Request> {
        let rest = &self.buf[self.pos..];
        let newline = match find_c(rest, b'\n') {
            Some(i) => i,
            None => {
                return Err(if rest.len() > INLINE_MAX_SIZE {
                    protocol_error("too big inline request")
                } else {
                    Request::Incomplete
                });
            }
        };
        let (line_len, linefeed_chars) = if newline > 0 && rest[newline - 1] == b'\r' {
            (newline - 1, 2)
        } else {
            (newline, 1)
        };
        let argv = split_args(&rest[..line_len])
            .ok_or_else(|| protocol_error("unbalanced quotes in request"))?;
        self.pos += line_len + linefeed_chars;
        Ok(argv)
    }

    /// `processMultibulkBuffer`: `*<count>\r\n` then `$<len>\r\n<bytes>\r\n` per argument.
    fn multibulk(&mut self) -> Result<Vec<Vec<u8>>, Request> {
        if self.multibulklen == 0 {
            let rest = &self.buf[self.pos..];
            let newline = match find_c(rest, b'\r') {
                Some(i) => i,
                None => {
                    return Err(if rest.len() > INLINE_MAX_SIZE {
                        protocol_error("too big mbulk count string")
                    } else {
                        Request::Incomplete
                    });
                }
            };
            // The byte after `\r` must have arrived too; Redis skips it unchecked.
            if newline + 2 > rest.len() {
                return Err(Request::Incomplete);
            }
            let count = match string2ll(&rest[1..newline]) {
                Some(n) if n <= i64::from(i32::MAX) => n,
                _ => return Err(protocol_error("invalid multibulk length")),
            };
            self.pos += newline + 2;
            if count <= 0 {
                return Ok(Vec::new());
            }
            // The count is at most INT_MAX, so it fits; the argument list only
            // grows with arguments that arrived, as Redis caps its first allocation.
            self.multibulklen = count as usize;
            self.argv = Vec::with_capacity(self.multibulklen.min(1024));
            self.argv_len_sum = 0;
        }

        while self.multibulklen > 0 {
            let bulklen = match self.bulklen {
                Some(len) => len,
                None => {
                    let rest = &self.buf[self.pos..];
                    let newline = match find_c(rest, b'\r') {
                        Some(i) => i,
                        None if rest.len() > INLINE_MAX_SIZE => {
                            return Err(protocol_error("too big bulk count string"));
                        }
                        None => return Err(Request::Incomplete),
                    };
                    if newline + 2 > rest.len() {
                        return Err(Request::Incomplete);
                    }
                    if rest[0] != b'$' {
                        // addReplyErrorFormat turns CR and LF into spaces so the
                        // error stays one line; any other byte is written as is.
                        let got = match rest[0] {
                            b'\r' | b'\n' => b' ',
                            other => other,
                        };
                        let mut msg = b"Protocol error: expected '$', got '".to_vec();
                        msg.push(got);
                        msg.push(b'\'');
                        return Err(Request::Error(msg));
                    }
                    let len = match string2ll(&rest[1..newline]) {
                        Some(n) if (0..=MAX_BULK_LEN).contains(&n) => n as usize,
                        _ => return Err(protocol_error("invalid bulk length")),
                    };
                    self.pos += newline + 2;
                    // A big argument is moved to the start of the buffer when nothing
                    // follows it yet, so that once complete the buffer itself becomes
                    // the argument. Unlike Redis, no room is reserved for it up front.
                    if len >= MBULK_BIG_ARG && self.buf.len() - self.pos <= len + 2 {
                        self.compact();
                    }
                    self.bulklen = Some(len);
                    len
                }
            };

            // The two bytes after the data (normally CRLF) are skipped unchecked.
            if self.buf.len() - self.pos < bulklen + 2 {
                return Err(Request::Incomplete);
            }
            if self.pos == 0 && bulklen >= MBULK_BIG_ARG && self.buf.len() == bulklen + 2 {
                let mut arg = std::mem::take(&mut self.buf);
                arg.truncate(bulklen);
                self.argv.push(arg);
            } else {
                self.argv
                    .push(self.buf[self.pos..self.pos + bulklen].to_vec());
                self.pos += bulklen + 2;
            }
            self.argv_len_sum += bulklen;
            self.bulklen = None;
            self.multibulklen -= 1;
        }
        Ok(std::mem::take(&mut self.argv))
    }
}

/// The `-ERR` text of a protocol error.
fn protocol_error(what: &str) -> Request {
    Request::Error(format!("Protocol error: {what}").into_bytes())
}

/// `strchr(rest, c)` on a NUL-terminated buffer: the first `c` before any NUL byte.
fn find_c(rest: &[u8], c: u8) -> Option<usize> {
    rest.iter()
        .position(|&b| b == c || b == 0)
        .filter(|&i| rest[i] == c)
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse_all(input: &[u8]) -> Vec<Request> {
        let mut p = RequestParser::new();
        p.feed(input);
        let mut out = Vec::new();
        loop {
            match p.next_request() {
                Request::Incomplete => {
                    out.push(Request::Incomplete);
                    return out;
                }
                r @ Request::Error(_) => {
                    out.push(r);
                    return out;
                }
                r => out.push(r),
            }
        }
    }

    fn cmd(args: &[&[u8]]) -> Request {
        Request::Command(args.iter().map(|a| a.to_vec()).collect())
    }

    fn err(text: &str) -> Request {
        Request::Error(text.as_bytes().to_vec())
    }

    #[test]
    fn inline_and_multibulk_mixed() {
        assert_eq!(
            parse_all(b"PING\r\n\r\n\n  \nSET a \"b c\"\n*2\r\n$3\r\nGET\r\n$1\r\na\r\n"),
            vec![
                cmd(&[b"PING"]),
                cmd(&[b"SET", b"a", b"b c"]),
                cmd(&[b"GET", b"a"]),
                Request::Incomplete
            ]
        );
        assert_eq!(
            parse_all(b"*-1\r\n*0\r\n*1\rX$4\rXPINGxx"),
            vec![cmd(&[b"PING"]), Request::Incomplete]
        );
    }

    #[test]
    fn resumes_across_feeds() {
        let input = b"*3\r\n$3\r\nSET\r\n$1\r\nk\r\n$5\r\nhello\r\nPING\r\n";
        let mut p = RequestParser::new();
        let mut got = Vec::new();
        for byte in input {
            p.feed(&[*byte]);
            loop {
                match p.next_request() {
                    Request::Incomplete => break,
                    r => got.push(r),
                }
            }
            p.compact();
        }
        assert_eq!(got, vec![cmd(&[b"SET", b"k", b"hello"]), cmd(&[b"PING"])]);
        assert_eq!(p.buffered(), 0);
    }

    #[test]
    fn big_argument_is_taken_whole() {
        let value = vec![b'v'; 100_000];
        let mut input = b"*2\r\n$4\r\nECHO\r\n$100000\r\n".to_vec();
        let mut p = RequestParser::new();
        p.feed(&input);
        assert_eq!(p.next_request(), Request::Incomplete);
        input.clear();
        input.extend_from_slice(&value);
        input.extend_from_slice(b"\r\n");
        for chunk in input.chunks(16 * 1024) {
            p.feed(chunk);
        }
        assert_eq!(
            p.next_request(),
            Request::Command(vec![b"ECHO".to_vec(), value])
        );
        assert_eq!(p.buffered(), 0);
    }

    #[test]
    fn protocol_errors() {
        assert_eq!(
            parse_all(b"*1\r\n$4\r\nPING\r\n*x\r\n"),
            vec![
                cmd(&[b"PING"]),
                err("Protocol error: invalid multibulk length")
            ]
        );
        for bad in [&b"*2147483648\r\n"[..], b"*01\r\n", b"*-0\r\n", b"*\r\n"] {
            assert_eq!(
                parse_all(bad),
                vec![err("Protocol error: invalid multibulk length")]
            );
        }
        assert_eq!(
            parse_all(b"*2147483647\r\n"),
            vec![Request::Incomplete],
            "INT_MAX is a valid count"
        );
        assert_eq!(
            parse_all(b"*1\r\nx\r\n"),
            vec![err("Protocol error: expected '$', got 'x'")]
        );
        assert_eq!(
            parse_all(b"*1\r\n\n\r\n"),
            vec![err("Protocol error: expected '$', got ' '")]
        );
        assert_eq!(
            parse_all(b"*1\r\n\xff\r\n"),
            vec![Request::Error(
                b"Protocol error: expected '$', got '\xff'".to_vec()
            )]
        );
        for bad in [
            &b"*1\r\n$-1\r\n"[..],
            b"*1\r\n$04\r\n",
            b"*1\r\n$+4\r\n",
            b"*1\r\n$536870913\r\n",
        ] {
            assert_eq!(
                parse_all(bad),
                vec![err("Protocol error: invalid bulk length")]
            );
        }
        assert_eq!(
            parse_all(b"*1\r\n$536870912\r\nabc"),
            vec![Request::Incomplete]
        );
        assert_eq!(
            parse_all(b"\"abc\r\n"),
            vec![err("Protocol error: unbalanced quotes in request")]
        );
    }

    #[test]
    fn size_limits_on_lines() {
        let mut inline = vec![b'P'; INLINE_MAX_SIZE];
        assert_eq!(parse_all(&inline), vec![Request::Incomplete]);
        inline.push(b'P');
        assert_eq!(
            parse_all(&inline),
            vec![err("Protocol error: too big inline request")]
        );

        let mut count = b"*".to_vec();
        count.extend(std::iter::repeat_n(b'1', INLINE_MAX_SIZE));
        assert_eq!(
            parse_all(&count),
            vec![err("Protocol error: too big mbulk count string")]
        );

        let mut bulk = b"*1\r\n$".to_vec();
        bulk.extend(std::iter::repeat_n(b'1', INLINE_MAX_SIZE - 1));
        assert_eq!(parse_all(&bulk), vec![Request::Incomplete]);
        bulk.push(b'1');
        assert_eq!(
            parse_all(&bulk),
            vec![err("Protocol error: too big bulk count string")]
        );
    }

    #[test]
    fn nul_hides_the_line_end() {
        // Redis's strchr stops at NUL, so this line never ends; it waits for more.
        assert_eq!(
            parse_all(b"PING\x00\r\nPING\r\n"),
            vec![Request::Incomplete]
        );
        assert_eq!(parse_all(b"*1\x00\r\n"), vec![Request::Incomplete]);
    }
}
