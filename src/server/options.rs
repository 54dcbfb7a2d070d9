//! The server's command line: `--port`, `--bind`, `--profile` and `--help`.

use std::ffi::OsString;

use crate::engine::Profile;

/// The usage text `--help` prints.
pub const USAGE: &str = "\
Usage: streamplay-server [--port N] [--bind ADDR] [--profile 7.0|8]

Serves the streamplay engine over RESP2/RESP3 on TCP, with a real clock.

Options:
  --port N           TCP port to listen on (default 6379; 0 picks a free one)
  --bind ADDR        address to listen on (default 127.0.0.1)
  --profile 7.0|8    behave like redis-server 7.0.15 or Redis 8.4 (default 8)
  -h, --help         print this help and exit
";

/// How the server is set up.
#[derive(Clone, Debug, PartialEq)]
pub struct Options {
    pub port: u16,
    pub bind: String,
    pub profile: Profile,
}

impl Default for Options {
    fn default() -> Self {
        Options {
            port: 6379,
            bind: "127.0.0.1".to_string(),
            profile: Profile::V8,
        }
    }
}

/// What the command line asks for.
#[derive(Clone, Debug, PartialEq)]
pub enum Invocation {
    Serve(Options),
    Help,
}

/// Parses the arguments after the program name; an `Err` is the message to print
/// before exiting with status 1. Both `--flag value` and `--flag=value` work.
pub fn parse_args<I>(args: I) -> Result<Invocation, String>
where
    I: IntoIterator<Item = OsString>,
{
    let mut options = Options::default();
    let mut args = args.into_iter();
    while let Some(arg) = args.next() {
        // Arguments are bytes on Unix; ours are all ASCII, so anything else is an error
        // rather than a panic in `std::env::args`.
        let arg = arg
            .into_string()
            .map_err(|bad| format!("argument {bad:?} is not valid UTF-8"))?;
        let (flag, inline_value) = match arg.split_once('=') {
            Some((flag, value)) if flag.starts_with("--") => (flag.to_string(), Some(value)),
            _ => (arg.clone(), None),
        };
        let mut value = |name: &str| -> Result<String, String> {
            match inline_value {
                Some(v) => Ok(v.to_string()),
                None => args
                    .next()
                    .ok_or_else(|| format!("{name} needs a value"))?
                    .into_string()
                    .map_err(|bad| format!("{name}: {bad:?} is not valid UTF-8")),
            }
        };
        match flag.as_str() {
            "-h" | "--help" => return Ok(Invocation::Help),
            "--port" => {
                let v = value("--port")?;
                options.port = v
                    .parse::<u16>()
                    .map_err(|_| format!("--port: '{v}' is not a port number (0-65535)"))?;
            }
            "--bind" => {
                let v = value("--bind")?;
                if v.is_empty() {
                    return Err("--bind needs an address".to_string());
                }
                options.bind = v;
            }
            "--profile" => {
                let v = value("--profile")?;
                options.profile = Profile::parse(&v)
                    .ok_or_else(|| format!("--profile: '{v}' is not 7.0 or 8"))?;
            }
            _ => return Err(format!("unknown option '{arg}'")),
        }
    }
    Ok(Invocation::Serve(options))
}

#[cfg(test)]
mod tests {
    use super::*;

    fn parse(args: &[&str]) -> Result<Invocation, String> {
        parse_args(args.iter().map(OsString::from))
    }

    #[test]
    fn defaults_and_flags() {
        assert_eq!(parse(&[]), Ok(Invocation::Serve(Options::default())));
        assert_eq!(
            parse(&["--port", "7000", "--bind=0.0.0.0", "--profile", "7.0"]),
            Ok(Invocation::Serve(Options {
                port: 7000,
                bind: "0.0.0.0".to_string(),
                profile: Profile::V7,
            }))
        );
        assert_eq!(parse(&["--port", "1", "--help"]), Ok(Invocation::Help));
    }

    #[test]
    fn bad_flags_are_errors() {
        for bad in [
            &["--port"][..],
            &["--port", "65536"],
            &["--port", "-1"],
            &["--port", "x"],
            &["--profile", "9"],
            &["--bind", ""],
            &["--verbose"],
            &["6379"],
        ] {
            assert!(parse(bad).is_err(), "{bad:?}");
        }
    }
}
