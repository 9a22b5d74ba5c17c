//! The command line (clap derive).

use std::path::PathBuf;

use clap::{Args, Parser, Subcommand};

/// Manage Datadog Cloud SIEM entity context syncs from a desired-state file.
///
/// Connects with DD_API_KEY, DD_APP_KEY and DD_SITE (default datadoghq.com).
/// Exit codes: 0 success (plan: no changes), 2 changes pending (plan
/// --detailed-exitcode), 1 error (nothing or part applied: see the output).
#[derive(Debug, Parser)]
#[command(name = "entity-context-sync", version, about, long_about)]
pub struct Cli {
    /// Send requests to this URL instead of the DD_SITE's (a proxy, a fake).
    #[arg(long, global = true, value_name = "URL", conflicts_with = "offline")]
    pub base_url: Option<String>,
    /// Run against the embedded fake of Datadog, seeded with two syncs: a
    /// demo without an account or network (unset secret variables get
    /// placeholders).
    #[arg(long, global = true)]
    pub offline: bool,
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Debug, Subcommand)]
pub enum Command {
    /// Show what apply would change; sends nothing but one list.
    Plan(PlanArgs),
    /// Converge the account to the file (never duplicates a sync).
    Apply(ApplyArgs),
    /// Write the account as a desired-state file (secrets as env placeholders).
    Export(ExportArgs),
}

/// What plan and apply share.
#[derive(Debug, Args)]
pub struct Desired {
    /// The desired-state file.
    #[arg(long, short, value_name = "PATH", default_value = "syncs.toml")]
    pub file: PathBuf,
    /// Also delete the configs of the file's source types that it does not name.
    #[arg(long)]
    pub prune: bool,
    /// Also send the secrets of configs that exist (rotation).
    #[arg(long)]
    pub rotate_secrets: bool,
    /// One machine-readable JSON document on stdout instead of text.
    #[arg(long)]
    pub json: bool,
}

/// `plan`.
#[derive(Debug, Args)]
pub struct PlanArgs {
    #[command(flatten)]
    pub desired: Desired,
    /// Exit 0 when nothing would change, 2 when changes are pending, 1 on error.
    #[arg(long)]
    pub detailed_exitcode: bool,
}

/// `apply`.
#[derive(Debug, Args)]
pub struct ApplyArgs {
    #[command(flatten)]
    pub desired: Desired,
    /// How many changes to send at a time (they share one rate-limit budget).
    #[arg(long, value_name = "N", default_value_t = 2, value_parser = clap::value_parser!(u16).range(1..=64))]
    pub parallel: u16,
}

/// `export`.
#[derive(Debug, Args)]
pub struct ExportArgs {
    /// Write to this file instead of stdout (refused if it exists).
    #[arg(long, short, value_name = "PATH")]
    pub output: Option<PathBuf>,
}
