//! Code generation for this workspace, driven by `cargo xtask generate [--check]`,
//! and drift detection against Datadog's published spec (`cargo xtask spec-diff`).
//!
//! The OpenAPI fragment in `openapi/` is the single source of truth. This crate
//! validates it ([`spec`]), turns it into Rust with progenitor ([`codegen`]) and
//! writes or checks the generated files ([`fresh`]). [`spec_diff`] compares the
//! fragment with the resource's part of Datadog's full v2 spec.

pub mod accept;
pub mod codegen;
pub mod fresh;
pub mod public_api;
pub mod spec;
pub mod spec_diff;

use std::fmt;
use std::path::{Path, PathBuf};

/// The spec file, relative to the workspace root.
pub const SPEC_PATH: &str = "openapi/entity-context-sync.yaml";

/// The command that regenerates every generated file.
pub const GENERATE_COMMAND: &str = "cargo xtask generate";

/// The progenitor version the workspace pins (checked against `Cargo.lock` by a test).
pub const PROGENITOR_VERSION: &str = "0.15.1";

/// A generation failure: one paragraph naming the file and the problem.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct Error {
    /// The file the problem is in (or about).
    pub file: PathBuf,
    /// What is wrong, and where possible how to fix it.
    pub message: String,
}

impl Error {
    /// The message is folded onto one line (parser and progenitor messages
    /// can span several), so the error prints as one paragraph.
    pub fn new(file: &Path, message: impl Into<String>) -> Self {
        let message: String = message.into();
        Self {
            file: file.to_path_buf(),
            message: message.split_whitespace().collect::<Vec<_>>().join(" "),
        }
    }
}

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        write!(f, "{}: {}", self.file.display(), self.message)
    }
}

impl std::error::Error for Error {}

/// Whether to write generated files or only compare them.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
pub enum Mode {
    /// Write files whose contents changed (atomically).
    Write,
    /// Change nothing; report stale files with a diff.
    Check,
}

/// The root of the checkout the xtask runs in: the nearest directory, from the
/// current directory upwards, whose `Cargo.toml` declares `[workspace]`.
///
/// Resolved at run time, not baked in at compile time: with a shared
/// `CARGO_TARGET_DIR`, one `xtask` binary serves several clones, and each run
/// must act on the clone it was started from. Falls back to the current
/// directory when no workspace is found (the binary reports that case through
/// [`find_workspace_root`] instead).
pub fn workspace_root() -> PathBuf {
    let cwd = std::env::current_dir().unwrap_or_else(|_| PathBuf::from("."));
    find_workspace_root(&cwd).unwrap_or(cwd)
}

/// The nearest directory at or above `start` whose `Cargo.toml` has a
/// `[workspace]` table (as rust-analyzer's xtask finds its project root).
pub fn find_workspace_root(start: &Path) -> Option<PathBuf> {
    start.ancestors().find_map(|dir| {
        let manifest = std::fs::read_to_string(dir.join("Cargo.toml")).ok()?;
        manifest
            .lines()
            .any(|line| line.split('#').next().unwrap_or_default().trim() == "[workspace]")
            .then(|| dir.to_path_buf())
    })
}

/// Generates every file from `root/spec` and writes or checks them under `root`.
///
/// Nothing is written unless generation of every file succeeded.
pub fn run(root: &Path, spec: &Path, mode: Mode) -> Result<fresh::Report, Error> {
    let files = codegen::generate(root, spec)?;
    fresh::apply(root, &files, mode)
}
