//! `cargo xtask generate [--check]`: regenerate (or verify) the generated crates.

use std::path::PathBuf;
use std::process::ExitCode;

use xtask::{GENERATE_COMMAND, Mode, SPEC_PATH};

const USAGE: &str = "usage: cargo xtask generate [--check] [--root DIR] [--spec FILE]

  generate          regenerate crates/*/src/generated.rs from the OpenAPI fragment
  --check           change nothing; fail with a diff when a generated file is stale
  --root DIR        workspace root (default: this workspace)
  --spec FILE       spec path relative to the root (default: openapi/entity-context-sync.yaml)";

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1);
    if args.next().as_deref() != Some("generate") {
        eprintln!("{USAGE}");
        return ExitCode::from(2);
    }
    let mut mode = Mode::Write;
    let mut root = xtask::workspace_root();
    let mut spec = PathBuf::from(SPEC_PATH);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next_if_some(&arg)) {
            ("--check", _) => mode = Mode::Check,
            ("--root", Some(v)) => root = PathBuf::from(v),
            ("--spec", Some(v)) => spec = PathBuf::from(v),
            ("--root" | "--spec", None) => {
                eprintln!("`{arg}` needs a value\n\n{USAGE}");
                return ExitCode::from(2);
            }
            _ => {
                eprintln!("unexpected argument `{arg}`\n\n{USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    match xtask::run(&root, &spec, mode) {
        Ok(report) if report.stale.is_empty() => {
            println!("{}", report.summary(mode));
            ExitCode::SUCCESS
        }
        Ok(report) => {
            print!("{}", report.diff);
            eprintln!(
                "error: {} generated file(s) are stale: {}\nhint: run `{GENERATE_COMMAND}` and commit the result",
                report.stale.len(),
                report
                    .stale
                    .iter()
                    .map(|p| p.display().to_string())
                    .collect::<Vec<_>>()
                    .join(", "),
            );
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// Takes the next argument only for flags that carry a value.
trait NextIfSome {
    fn next_if_some(&mut self, flag: &str) -> Option<String>;
}

impl<I: Iterator<Item = String>> NextIfSome for I {
    fn next_if_some(&mut self, flag: &str) -> Option<String> {
        matches!(flag, "--root" | "--spec")
            .then(|| self.next())
            .flatten()
    }
}
