//! `cargo xtask generate [--check]`: regenerate (or verify) the generated crates.
//! `cargo xtask spec-diff`: compare the fragment with Datadog's published spec.

use std::io::Read as _;
use std::path::{Path, PathBuf};
use std::process::ExitCode;

use xtask::spec_diff::{self, Options};
use xtask::{GENERATE_COMMAND, Mode, SPEC_PATH};

const USAGE: &str = "usage: cargo xtask <COMMAND> [OPTIONS]

commands:
  generate     regenerate crates/*/src/generated.rs from the OpenAPI fragment (--check: verify)
  spec-diff    compare the fragment with Datadog's published spec (the drift check)
  public-api   write the public API of the crates users depend on to tests/public-api/ (--check: verify)
  accept       accept every intended change of the public API files and the insta snapshots, in one run

`cargo xtask <COMMAND> --help` says more.";

const GENERATE_USAGE: &str = "usage: cargo xtask generate [--check] [--root DIR] [--spec FILE]

Regenerates crates/*/src/generated.rs from the OpenAPI fragment.

  --check           change nothing; fail with a diff when a generated file is stale
  --root DIR        workspace root (default: the checkout containing the current directory)
  --spec FILE       spec path relative to the root (default: openapi/entity-context-sync.yaml)";

const SPEC_DIFF_USAGE: &str =
    "usage: cargo xtask spec-diff [--text] [--json] [--root DIR] [--spec FILE] <FILE|->
       cargo xtask spec-diff --extract <FILE|-> [-o PATH]

Compares the fragment with the integration_config operations of a full Datadog OpenAPI
document (FILE, or `-` for stdin) and every component they reach. Exit 0 when nothing
differs, 1 when something does, 2 when an input is not a usable OpenAPI 3.0 document.

  --text            also compare descriptions, summaries and examples
  --json            print the differences as JSON
  --extract         write that subset of FILE as a standalone OpenAPI document instead
  -o PATH           with --extract: write to PATH instead of stdout
  --root DIR        workspace root (default: the checkout containing the current directory)
  --spec FILE       spec path relative to the root (default: openapi/entity-context-sync.yaml)";

const PUBLIC_API_USAGE: &str = "usage: cargo xtask public-api [--check] [--root DIR]

Reads the public API of the crates users depend on (rustdoc JSON, through the public-api
crate) and writes it to tests/public-api/<crate>.txt, one item per line: the reviewed API.

  --check           change nothing; fail naming each item that changed, and whether it is breaking
  --root DIR        workspace root (default: the checkout containing the current directory)";

const ACCEPT_USAGE: &str = "usage: cargo xtask accept [--root DIR]

Accepts every intended change of the reviewed outputs in one run: rewrites tests/public-api/,
then runs the snapshot tests twice (writing every changed snapshot, then with INSTA_UPDATE=no,
which must pass) and removes anything pending. Review the result with `git diff`.";

fn is_help(arg: &str) -> bool {
    matches!(arg, "--help" | "-h" | "help")
}

/// Writes to stdout; a reader that went away (`| head`) ends the output
/// quietly instead of a panic.
fn out(text: &str) {
    use std::io::Write as _;
    let mut stdout = std::io::stdout().lock();
    if let Err(e) = stdout
        .write_all(text.as_bytes())
        .and_then(|()| stdout.flush())
        && e.kind() != std::io::ErrorKind::BrokenPipe
    {
        eprintln!("error: cannot write the output: {e}");
    }
}

fn main() -> ExitCode {
    let mut args = std::env::args().skip(1).peekable();
    let command = args.next();
    let help = args.peek().is_some_and(|a| is_help(a));
    match command.as_deref() {
        Some(h) if is_help(h) => {
            out(&format!("{USAGE}\n"));
            ExitCode::SUCCESS
        }
        Some("generate") if help => {
            out(&format!("{GENERATE_USAGE}\n"));
            ExitCode::SUCCESS
        }
        Some("spec-diff") if help => {
            out(&format!("{SPEC_DIFF_USAGE}\n"));
            ExitCode::SUCCESS
        }
        Some("public-api") if help => {
            out(&format!("{PUBLIC_API_USAGE}\n"));
            ExitCode::SUCCESS
        }
        Some("public-api") => public_api_main(args),
        Some("accept") if help => {
            out(&format!("{ACCEPT_USAGE}\n"));
            ExitCode::SUCCESS
        }
        Some("accept") => accept_main(args),
        Some("generate") => generate(args),
        Some("spec-diff") => spec_diff_main(args),
        Some(other) => {
            eprintln!("unknown command `{other}`\n\n{USAGE}");
            ExitCode::from(2)
        }
        None => {
            eprintln!("{USAGE}");
            ExitCode::from(2)
        }
    }
}

/// The checkout the command was run from (`--root` overrides it).
fn default_root() -> Result<PathBuf, String> {
    let cwd =
        std::env::current_dir().map_err(|e| format!("cannot read the current directory: {e}"))?;
    xtask::find_workspace_root(&cwd).ok_or_else(|| {
        format!(
            "no Cargo.toml with `[workspace]` in {} or above: run cargo xtask from inside the checkout, or pass --root DIR",
            cwd.display()
        )
    })
}

fn generate(mut args: impl Iterator<Item = String>) -> ExitCode {
    let mut mode = Mode::Write;
    let mut root = None;
    let mut spec = PathBuf::from(SPEC_PATH);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next_if_some(&arg)) {
            ("--check", _) => mode = Mode::Check,
            (h, _) if is_help(h) => {
                out(&format!("{GENERATE_USAGE}\n"));
                return ExitCode::SUCCESS;
            }
            ("--root", Some(v)) => root = Some(PathBuf::from(v)),
            ("--spec", Some(v)) => spec = PathBuf::from(v),
            ("--root" | "--spec", None) => {
                eprintln!("`{arg}` needs a value\n\n{GENERATE_USAGE}");
                return ExitCode::from(2);
            }
            _ => {
                eprintln!("unexpected argument `{arg}`\n\n{GENERATE_USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let root = match root.map_or_else(default_root, Ok) {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    match xtask::run(&root, &spec, mode) {
        Ok(report) if report.stale.is_empty() => {
            out(&format!("{}\n", report.summary(mode)));
            ExitCode::SUCCESS
        }
        Ok(report) => {
            out(&report.diff);
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

/// `cargo xtask accept`.
fn accept_main(mut args: impl Iterator<Item = String>) -> ExitCode {
    let mut root = None;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next_if_some(&arg)) {
            ("--root", Some(v)) => root = Some(PathBuf::from(v)),
            _ => {
                eprintln!("unexpected argument `{arg}`\n\n{ACCEPT_USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let root = match root.map_or_else(default_root, Ok) {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    match xtask::accept::run(&root) {
        Ok(true) => {
            out(
                "accepted: review `git diff tests/snapshots tests/public-api`, then commit the spec, the generated files and these together\n",
            );
            ExitCode::SUCCESS
        }
        Ok(false) => {
            eprintln!(
                "error: the tests still fail with every snapshot accepted: that failure is not a snapshot (see above)"
            );
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask public-api [--check]`.
fn public_api_main(mut args: impl Iterator<Item = String>) -> ExitCode {
    let mut mode = Mode::Write;
    let mut root = None;
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next_if_some(&arg)) {
            ("--check", _) => mode = Mode::Check,
            ("--root", Some(v)) => root = Some(PathBuf::from(v)),
            (h, _) if is_help(h) => {
                out(&format!("{PUBLIC_API_USAGE}\n"));
                return ExitCode::SUCCESS;
            }
            _ => {
                eprintln!("unexpected argument `{arg}`\n\n{PUBLIC_API_USAGE}");
                return ExitCode::from(2);
            }
        }
    }
    let root = match root.map_or_else(default_root, Ok) {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::FAILURE;
        }
    };
    match xtask::public_api::run(&root, mode) {
        Ok(report) if report.stale.is_empty() => {
            let verb = if mode == Mode::Check {
                "are as reviewed"
            } else {
                "written"
            };
            out(&format!(
                "{} public API file(s) {verb} ({})\n",
                report.files.len(),
                xtask::public_api::API_DIR
            ));
            ExitCode::SUCCESS
        }
        Ok(report) => {
            out(&report.render());
            ExitCode::FAILURE
        }
        Err(err) => {
            eprintln!("error: {err}");
            ExitCode::FAILURE
        }
    }
}

/// `cargo xtask spec-diff`: exit 0 (same), 1 (differs), 2 (usage or unusable input).
fn spec_diff_main(mut args: impl Iterator<Item = String>) -> ExitCode {
    let usage = |message: String| {
        eprintln!("{message}\n\n{SPEC_DIFF_USAGE}");
        ExitCode::from(2)
    };
    let (mut text, mut json, mut extract) = (false, false, false);
    let (mut root, mut spec, mut output, mut input) = (None, PathBuf::from(SPEC_PATH), None, None);
    while let Some(arg) = args.next() {
        match (arg.as_str(), args.next_if_some(&arg)) {
            ("--text", _) => text = true,
            ("--help" | "-h", _) => {
                out(&format!("{SPEC_DIFF_USAGE}\n"));
                return ExitCode::SUCCESS;
            }
            ("--json", _) => json = true,
            ("--extract", _) => extract = true,
            ("--root", Some(v)) => root = Some(PathBuf::from(v)),
            ("--spec", Some(v)) => spec = PathBuf::from(v),
            ("-o" | "--output", Some(v)) => output = Some(PathBuf::from(v)),
            ("--root" | "--spec" | "-o" | "--output", None) => {
                return usage(format!("`{arg}` needs a value"));
            }
            (a, _) if (a == "-" || !a.starts_with('-')) && input.is_none() => {
                input = Some(arg.clone());
            }
            _ => return usage(format!("unexpected argument `{arg}`")),
        }
    }
    let Some(input) = input else {
        return usage("spec-diff needs the upstream document: a FILE, or `-` for stdin".into());
    };
    if extract && (text || json) {
        return usage("`--text` and `--json` do not apply to `--extract`".into());
    }
    if !extract && output.is_some() {
        return usage("`-o` applies to `--extract` only".into());
    }
    let unusable = |err: xtask::Error| {
        eprintln!("error: {err}");
        ExitCode::from(2)
    };
    let (upstream_name, upstream_text) = match read_input(&input) {
        Ok(read) => read,
        Err(err) => return unusable(err),
    };
    let upstream_path = PathBuf::from(&upstream_name);
    let upstream = match spec_diff::load(&upstream_text, &upstream_path)
        .and_then(|doc| spec_diff::extract(&doc, &upstream_path))
    {
        Ok(subset) => subset,
        Err(err) => return unusable(err),
    };
    drop(upstream_text);
    let operations = upstream["paths"].as_object().map_or(0, |p| p.len());
    if operations == 0 {
        eprintln!(
            "warning: {upstream_name} has no path under {}; is it Datadog's v2 spec?",
            spec_diff::RESOURCE_PATH
        );
    }

    if extract {
        let yaml = match spec_diff::to_yaml(&upstream, &upstream_name) {
            Ok(yaml) => yaml,
            Err(err) => return unusable(err),
        };
        let components = upstream["components"].as_object().map_or(0, |c| {
            c.values()
                .filter_map(|v| v.as_object())
                .map(|m| m.len())
                .sum()
        });
        return match output {
            None => {
                out(&yaml);
                ExitCode::SUCCESS
            }
            Some(path) => match std::fs::write(&path, yaml) {
                Ok(()) => {
                    eprintln!(
                        "wrote {} ({operations} path(s), {components} component(s))",
                        path.display()
                    );
                    ExitCode::SUCCESS
                }
                Err(e) => unusable(xtask::Error::new(&path, format!("cannot write: {e}"))),
            },
        };
    }

    let root = match root.map_or_else(default_root, Ok) {
        Ok(root) => root,
        Err(message) => {
            eprintln!("error: {message}");
            return ExitCode::from(2);
        }
    };
    let ours_text = match std::fs::read_to_string(root.join(&spec)) {
        Ok(text) => text,
        Err(e) => {
            return unusable(xtask::Error::new(
                &spec,
                format!("cannot read the spec: {e}"),
            ));
        }
    };
    let ours =
        match spec_diff::load(&ours_text, &spec).and_then(|doc| spec_diff::extract(&doc, &spec)) {
            Ok(subset) => subset,
            Err(err) => return unusable(err),
        };
    let options = Options { text };
    let diff = spec_diff::diff(&ours, &upstream, options);
    let ours_name = spec.display().to_string();
    if json {
        let value = diff.to_json(&ours_name, &upstream_name, options);
        out(&format!(
            "{}\n",
            serde_json::to_string_pretty(&value).unwrap_or_else(|_| value.to_string())
        ));
    } else {
        out(&diff.render(&ours_name, &upstream_name));
    }
    if diff.is_empty() {
        ExitCode::SUCCESS
    } else {
        ExitCode::FAILURE
    }
}

/// The upstream document's display name and text (`-`: stdin).
fn read_input(input: &str) -> Result<(String, String), xtask::Error> {
    if input == "-" {
        let mut text = String::new();
        std::io::stdin()
            .read_to_string(&mut text)
            .map_err(|e| xtask::Error::new(Path::new("<stdin>"), format!("cannot read: {e}")))?;
        return Ok(("<stdin>".to_string(), text));
    }
    let text = std::fs::read_to_string(input)
        .map_err(|e| xtask::Error::new(Path::new(input), format!("cannot read: {e}")))?;
    Ok((input.to_string(), text))
}

/// Takes the next argument only for flags that carry a value.
trait NextIfSome {
    fn next_if_some(&mut self, flag: &str) -> Option<String>;
}

impl<I: Iterator<Item = String>> NextIfSome for I {
    fn next_if_some(&mut self, flag: &str) -> Option<String> {
        matches!(flag, "--root" | "--spec" | "-o" | "--output")
            .then(|| self.next())
            .flatten()
    }
}
