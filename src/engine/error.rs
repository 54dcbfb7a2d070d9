//! The engine's error type. `Display` is the exact Redis error line (its first
//! word is the error code); it becomes a reply in one place, `Reply::from`.

use std::fmt;

use super::Reply;

#[derive(Clone, Debug, PartialEq, Eq)]
pub enum Error {
    /// `ERR syntax error`
    Syntax,
    /// `ERR value is not an integer or out of range`
    NotInteger,
    /// `WRONGTYPE Operation against a key holding the wrong kind of value`
    WrongType,
    /// `ERR increment or decrement would overflow`
    Overflow,
    /// `ERR value is not a valid float`
    NotFloat,
    /// `ERR increment would produce NaN or Infinity`
    NanOrInfinity,
    /// `ERR string exceeds maximum allowed size (proto-max-bulk-len)`
    StringTooLong,
    /// `ERR invalid expire time in '<cmd>' command`
    InvalidExpireTime(&'static str),
    /// `ERR DB index is out of range`
    DbIndexOutOfRange,
    /// `NOPROTO unsupported protocol version`
    NoProto,
    /// `ERR wrong number of arguments for '<fullname>' command`
    WrongArity(String),
    /// `ERR unknown command '<name>', with args beginning with: <args>`
    UnknownCommand { name: Vec<u8>, args: Vec<Vec<u8>> },
    /// `ERR unknown subcommand '<sub>'. Try <CMD> HELP.`
    UnknownSubcommand { container: String, sub: Vec<u8> },
    /// `ERR unknown subcommand or wrong number of arguments for '<sub>'. Try <CMD> HELP.`
    /// (`addReplySubcommandSyntaxError`: a known subcommand with arguments it cannot take)
    SubcommandSyntax { container: String, sub: Vec<u8> },
    /// `ERR Client names cannot contain spaces, newlines or special characters.`
    InvalidClientName,
    /// `WRONGPASS invalid username-password pair or user is disabled.`
    WrongPass,
    /// `OOM command not allowed when used memory > 'maxmemory'.`
    Oom,
    /// `EXECABORT Transaction discarded because of previous errors.`
    ExecAbort,
    /// Any other error, as the full line (code included), for errors that occur once.
    Other(String),
}

/// C `%.Ns` of a Redis object's bytes: the text stops at a NUL byte and is cut to `max` bytes.
fn c_str(bytes: &[u8], max: usize) -> &[u8] {
    let end = bytes.iter().position(|&b| b == 0).unwrap_or(bytes.len());
    &bytes[..end.min(max)]
}

impl Error {
    /// The error line as bytes. Arguments echoed back are bytes, not text.
    pub fn to_bytes(&self) -> Vec<u8> {
        match self {
            Error::UnknownCommand { name, args } => {
                // processCommand: the name is cut to 128 bytes, then `'arg' ` is
                // appended while the list is shorter than 128 bytes, each cut so
                // the total stays within 128.
                let mut list: Vec<u8> = Vec::new();
                for a in args {
                    if list.len() >= 128 {
                        break;
                    }
                    let room = 128 - list.len();
                    list.push(b'\'');
                    list.extend_from_slice(c_str(a, room));
                    list.extend_from_slice(b"' ");
                }
                let mut out = b"ERR unknown command '".to_vec();
                out.extend_from_slice(c_str(name, 128));
                out.extend_from_slice(b"', with args beginning with: ");
                out.extend_from_slice(&list);
                out
            }
            Error::UnknownSubcommand { container, sub } => {
                let mut out = b"ERR unknown subcommand '".to_vec();
                out.extend_from_slice(c_str(sub, 128));
                out.extend_from_slice(format!("'. Try {container} HELP.").as_bytes());
                out
            }
            Error::SubcommandSyntax { container, sub } => {
                let mut out = b"ERR unknown subcommand or wrong number of arguments for '".to_vec();
                out.extend_from_slice(c_str(sub, 128));
                out.extend_from_slice(format!("'. Try {container} HELP.").as_bytes());
                out
            }
            other => other.to_string().into_bytes(),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Syntax => f.write_str("ERR syntax error"),
            Error::NotInteger => f.write_str("ERR value is not an integer or out of range"),
            Error::WrongType => {
                f.write_str("WRONGTYPE Operation against a key holding the wrong kind of value")
            }
            Error::Overflow => f.write_str("ERR increment or decrement would overflow"),
            Error::NotFloat => f.write_str("ERR value is not a valid float"),
            Error::NanOrInfinity => f.write_str("ERR increment would produce NaN or Infinity"),
            Error::StringTooLong => {
                f.write_str("ERR string exceeds maximum allowed size (proto-max-bulk-len)")
            }
            Error::InvalidExpireTime(cmd) => {
                write!(f, "ERR invalid expire time in '{cmd}' command")
            }
            Error::DbIndexOutOfRange => f.write_str("ERR DB index is out of range"),
            Error::NoProto => f.write_str("NOPROTO unsupported protocol version"),
            Error::WrongArity(name) => {
                write!(f, "ERR wrong number of arguments for '{name}' command")
            }
            Error::InvalidClientName => f.write_str(
                "ERR Client names cannot contain spaces, newlines or special characters.",
            ),
            Error::WrongPass => {
                f.write_str("WRONGPASS invalid username-password pair or user is disabled.")
            }
            Error::Oom => f.write_str("OOM command not allowed when used memory > 'maxmemory'."),
            Error::ExecAbort => {
                f.write_str("EXECABORT Transaction discarded because of previous errors.")
            }
            Error::UnknownCommand { .. }
            | Error::UnknownSubcommand { .. }
            | Error::SubcommandSyntax { .. } => {
                f.write_str(&String::from_utf8_lossy(&self.to_bytes()))
            }
            Error::Other(line) => f.write_str(line),
        }
    }
}

impl From<Error> for Reply {
    fn from(e: Error) -> Reply {
        Reply::Error(e.to_bytes())
    }
}
