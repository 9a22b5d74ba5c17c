//! Runs the fake Datadog on 127.0.0.1 until killed, for code not written in Rust.
//!
//! ```text
//! entity-context-sync-fake [--port N] [--api-key K] [--app-key K] [--rate-limit LIMIT/PERIOD_SECS]
//!                          [--fail-on N=FAULT]...
//! ```
//!
//! Prints `listening on http://127.0.0.1:PORT` and the keys it accepts, then
//! serves until the process is stopped (Ctrl-C).

use std::io::Write as _;
use std::process::ExitCode;

use entity_context_sync_fake::{FakeDatadog, Fault};

const USAGE: &str = "usage: entity-context-sync-fake [--port N] [--api-key KEY] [--app-key KEY] \
[--rate-limit LIMIT/PERIOD_SECS] [--fail-on N=FAULT]...\n\
\n\
Serves a fake of Datadog's entity context sync configuration API on 127.0.0.1.\n\
--port 0 (the default) picks a free port. Prints the base URL and the keys it accepts.\n\
--fail-on injects a fault into request number N (from 1): reset, reset-after-apply\n\
(the request takes effect, the reply is lost), status:CODE, rate-limited:SECS.";

fn main() -> ExitCode {
    let mut builder = FakeDatadog::builder();
    let mut faults = Vec::new();
    let mut args = std::env::args().skip(1);
    while let Some(arg) = args.next() {
        let (flag, inline) = match arg.split_once('=') {
            Some((flag, value)) => (flag.to_owned(), Some(value.to_owned())),
            None => (arg.clone(), None),
        };
        if flag == "-h" || flag == "--help" {
            println!("{USAGE}");
            return ExitCode::SUCCESS;
        }
        let Some(value) = inline.or_else(|| args.next()) else {
            eprintln!("{flag}: needs a value\n{USAGE}");
            return ExitCode::from(2);
        };
        builder = match flag.as_str() {
            "--port" => match value.parse() {
                Ok(port) => builder.port(port),
                Err(_) => return usage_error(&format!("--port: not a port number: {value}")),
            },
            "--api-key" => builder.api_key(value),
            "--app-key" => builder.app_key(value),
            "--rate-limit" => {
                let parsed = value
                    .split_once('/')
                    .and_then(|(l, p)| Some((l.parse().ok()?, p.parse().ok()?)));
                match parsed {
                    Some((limit, period)) => builder.rate_limit(limit, period),
                    None => {
                        return usage_error("--rate-limit: expected LIMIT/PERIOD_SECS, e.g. 10/60");
                    }
                }
            }
            "--fail-on" => match parse_fault(&value) {
                Some(fault) => {
                    faults.push(fault);
                    builder
                }
                None => {
                    return usage_error(&format!(
                        "--fail-on: expected N=reset|reset-after-apply|status:CODE|rate-limited:SECS, not {value}"
                    ));
                }
            },
            other => return usage_error(&format!("unknown option {other}")),
        };
    }
    let fake = match builder.try_start_blocking() {
        Ok(fake) => fake,
        Err(e) => {
            eprintln!("entity-context-sync-fake: cannot listen: {e}");
            return ExitCode::FAILURE;
        }
    };
    for (n, fault) in faults {
        fake.fail_on(n, fault);
    }
    let mut out = std::io::stdout().lock();
    let _ = writeln!(out, "listening on {}", fake.base_url());
    let _ = writeln!(out, "DD-API-KEY: {}", fake.api_key());
    let _ = writeln!(out, "DD-APPLICATION-KEY: {}", fake.app_key());
    let _ = out.flush();
    drop(out);
    loop {
        std::thread::park();
    }
}

/// `N=FAULT`: the request number and the fault.
fn parse_fault(value: &str) -> Option<(u64, Fault)> {
    let (n, fault) = value.split_once('=')?;
    let n = n.parse().ok().filter(|n| *n > 0)?;
    let fault = match fault.split_once(':') {
        None if fault == "reset" => Fault::Reset,
        None if fault == "reset-after-apply" => Fault::ResetAfterApply,
        Some(("status", code)) => Fault::status(code.parse().ok()?),
        Some(("rate-limited", secs)) => Fault::rate_limited(secs.parse().ok()?),
        _ => return None,
    };
    Some((n, fault))
}

fn usage_error(message: &str) -> ExitCode {
    eprintln!("{message}\n{USAGE}");
    ExitCode::from(2)
}
