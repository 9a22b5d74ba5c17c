//! Code generation for this workspace, driven by `cargo xtask generate [--check]`.
//!
//! The OpenAPI fragment in `openapi/` is the single source of truth. This crate
//! validates it ([`spec`]), turns it into Rust with progenitor ([`codegen`]) and
//! writes or checks the generated files ([`fresh`]).

pub mod codegen;
pub mod fresh;
pub mod spec;

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
    pub(crate) fn new(file: &Path, message: impl Into<String>) -> Self {
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

/// The workspace root (the parent of this crate's directory).
pub fn workspace_root() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .parent()
        .map(Path::to_path_buf)
        .unwrap_or_else(|| PathBuf::from("."))
}

/// Generates every file from `root/spec` and writes or checks them under `root`.
///
/// Nothing is written unless generation of every file succeeded.
pub fn run(root: &Path, spec: &Path, mode: Mode) -> Result<fresh::Report, Error> {
    let files = codegen::generate(root, spec)?;
    fresh::apply(root, &files, mode)
}
