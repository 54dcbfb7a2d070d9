//! Argument helpers shared by the handlers: Redis's number and keyword parsing of arguments
//! (`arg_i64`, `is_kw`, C-string views) and the replies that echo arguments back (HELP's
//! `addReplyHelp`, the subcommand syntax error, `%s`-formatted error lines).

use crate::engine::error::Error;
pub(crate) use crate::engine::num::string2ll;
use crate::engine::Reply;

/// `addReplyHelp`: the header line with the command name as typed, upper-cased,
/// then the lines, then HELP's own two lines; all status replies. Redis 7.2 changed
/// HELP's own line from "Prints this help." to "Print this help." (8.0.2 prints it so),
/// so the 8 profile has the later text.
pub(crate) fn help_reply(cx: &super::Cx, lines: &[&str]) -> Reply {
    let mut items = Vec::with_capacity(lines.len() + 3);
    let mut header = cx.argv[0].to_ascii_uppercase();
    header.extend_from_slice(b" <subcommand> [<arg> [value] [opt] ...]. Subcommands are:");
    items.push(Reply::Simple(header));
    items.extend(lines.iter().map(|l| Reply::simple(l)));
    items.push(Reply::simple("HELP"));
    items.push(Reply::simple(help_line(cx.engine.profile())));
    Reply::Array(items)
}

/// HELP's own description line in `profile`.
pub(crate) fn help_line(profile: crate::engine::Profile) -> &'static str {
    match profile {
        crate::engine::Profile::V7 => "    Prints this help.",
        crate::engine::Profile::V8 => "    Print this help.",
    }
}

/// `addReplySubcommandSyntaxError` for the running command.
pub(crate) fn subcommand_syntax(argv: &[Vec<u8>]) -> Error {
    Error::SubcommandSyntax {
        // The running command's name matched an ASCII table name, so ASCII upper-casing is
        // Unicode's here (and keeps Unicode's upper-case table out of the page).
        container: String::from_utf8_lossy(argv.first().map_or(&[][..], |a| a))
            .to_ascii_uppercase(),
        sub: argv.get(1).cloned().unwrap_or_default(),
    }
}

/// An error line that echoes an argument (`Unknown client type 'x'`): the
/// argument is written as the C string Redis formats with `%s`, so it stops at a
/// NUL byte, and non-UTF-8 bytes pass through unchanged.
pub(crate) fn error_with_arg(before: &str, arg: &[u8], after: &str) -> Reply {
    let mut line = before.as_bytes().to_vec();
    line.extend_from_slice(c_str(arg));
    line.extend_from_slice(after.as_bytes());
    Reply::Error(line)
}

/// `getLongLongFromObjectOrReply` with the default message.
pub(crate) fn arg_i64(s: &[u8]) -> Result<i64, Error> {
    string2ll(s).ok_or(Error::NotInteger)
}

/// `getLongLongFromObjectOrReply` with a message of the command's own (the
/// whole error line, code included).
pub(crate) fn arg_i64_or(s: &[u8], msg: &str) -> Result<i64, Error> {
    string2ll(s).ok_or_else(|| Error::Other(msg.to_string()))
}

/// The bytes of an argument up to its first NUL, as C string functions
/// (`strcasecmp`, `opt[2] == '\0'`) see it.
pub(crate) fn c_str(s: &[u8]) -> &[u8] {
    &s[..s.iter().position(|&b| b == 0).unwrap_or(s.len())]
}

/// Case-insensitive keyword match, as Redis's `strcasecmp(arg, "kw")`.
pub(crate) fn is_kw(arg: &[u8], kw: &str) -> bool {
    c_str(arg).eq_ignore_ascii_case(kw.as_bytes())
}
