//! `entity-context-sync plan / apply / export`: the syncs of a Datadog
//! account as a file in a repository. See the README's "Manage syncs from CI".

mod args;
mod connect;
mod file;
mod render;

use std::io::Write as _;
use std::process::ExitCode;

use clap::Parser as _;
use entity_context_sync::{DesiredState, NewSync};

use args::{Cli, Command, Desired};
use connect::Connection;
use file::Loaded;

/// Exit codes (Terraform's, so CI can gate on them).
const OK: u8 = 0;
const FAILED: u8 = 1;
const CHANGES: u8 = 2;

fn main() -> ExitCode {
    let cli = match Cli::try_parse() {
        Ok(cli) => cli,
        Err(e) => {
            let _ = e.print();
            // A usage error is 1, never 2 (2 means "changes pending").
            return ExitCode::from(if e.use_stderr() { FAILED } else { OK });
        }
    };
    let runtime = match tokio::runtime::Builder::new_multi_thread()
        .worker_threads(2)
        .enable_all()
        .build()
    {
        Ok(rt) => rt,
        Err(e) => return fail(&format!("cannot start the runtime: {e}")),
    };
    match runtime.block_on(run(&cli)) {
        Ok(code) => ExitCode::from(code),
        Err(message) => fail(&message),
    }
}

fn fail(message: &str) -> ExitCode {
    eprintln!("error: {message}");
    ExitCode::from(FAILED)
}

async fn run(cli: &Cli) -> Result<u8, String> {
    match &cli.command {
        Command::Plan(args) => {
            let (_, plan) = plan(cli, &args.desired).await?;
            if args.desired.json {
                print_json(&render::plan_json(&plan));
            } else {
                println!("{}", render::plan_text(&plan));
            }
            Ok(if args.detailed_exitcode && plan.has_changes() {
                CHANGES
            } else {
                OK
            })
        }
        Command::Apply(args) => {
            let (connection, plan) = plan(cli, &args.desired).await?;
            let json = args.desired.json;
            if !json {
                println!("{}", render::plan_summary(&plan));
            }
            let report = connection
                .client
                .entity_context_syncs()
                .apply(plan)
                .parallel(usize::from(args.parallel))
                .on_each(move |applied| {
                    if !json {
                        println!("{}", render::applied_line(applied));
                    }
                })
                .await;
            if json {
                print_json(&render::apply_json(&report));
            } else {
                println!("{}", render::apply_summary(&report));
            }
            Ok(if report.is_success() { OK } else { FAILED })
        }
        Command::Export(args) => export(cli, args).await,
    }
}

/// Reads the file, resolves every secret (errors before any request), then
/// connects and plans.
async fn plan(
    cli: &Cli,
    desired: &Desired,
) -> Result<(Connection, entity_context_sync::Plan), String> {
    let loaded = Loaded::read(&desired.file).map_err(|e| e.to_string())?;
    let syncs: Vec<NewSync> = if cli.offline {
        loaded.resolve(offline_env).map_err(|e| e.to_string())?
    } else {
        loaded
            .resolve(|var| std::env::var(var).ok())
            .map_err(|e| e.to_string())?
    };
    let connection = Connection::open(cli)?;
    if !desired.json {
        eprintln!(
            "{}: {} sync(s), against {}",
            loaded.path.display(),
            syncs.len(),
            connection.target
        );
    }
    let plan = connection
        .client
        .entity_context_syncs()
        .plan(syncs)
        .prune(desired.prune)
        .rotate_secrets(desired.rotate_secrets)
        .await
        .map_err(|e| e.to_string())?
        .value;
    Ok((connection, plan))
}

/// Offline, an unset secret variable gets a placeholder the fake accepts.
fn offline_env(var: &str) -> Option<String> {
    std::env::var(var)
        .ok()
        .or_else(|| Some(format!("offline-placeholder-for-{var}")))
}

async fn export(cli: &Cli, args: &args::ExportArgs) -> Result<u8, String> {
    let connection = Connection::open(cli)?;
    let configs = connection
        .client
        .entity_context_syncs()
        .list()
        .await
        .map_err(|e| e.to_string())?
        .value;
    let desired = DesiredState::from_configs(&configs);
    let body = render::export_toml(&desired)?;
    let text = format!(
        "# Exported from {} by `entity-context-sync export`.\n\
         # Secrets are write-only and were not exported: set each variable named below.\n{body}",
        connection.target
    );
    match &args.output {
        Some(path) => {
            let mut f = std::fs::OpenOptions::new()
                .write(true)
                .create_new(true)
                .open(path)
                .map_err(|e| format!("{}: {}", path.display(), file::io_reason(&e)))?;
            f.write_all(text.as_bytes())
                .map_err(|e| format!("{}: {}", path.display(), file::io_reason(&e)))?;
            eprintln!(
                "wrote {} sync(s) to {}",
                desired.syncs.len(),
                path.display()
            );
        }
        None => print!("{text}"),
    }
    let vars: Vec<String> = desired
        .syncs
        .iter()
        .flat_map(|s| s.secrets.values())
        .filter_map(|r| match r {
            entity_context_sync::SecretRef::Env(var) => Some(var.clone()),
            _ => None,
        })
        .collect();
    if !vars.is_empty() {
        eprintln!("set these variables (the secrets): {}", vars.join(", "));
    }
    Ok(OK)
}

fn print_json(value: &serde_json::Value) {
    let mut out = std::io::stdout().lock();
    let _ = serde_json::to_writer_pretty(&mut out, value);
    let _ = writeln!(out);
}
