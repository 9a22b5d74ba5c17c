//! `cargo xtask accept`: accept every intended change of the reviewed
//! outputs in one run: the public API files, then the insta snapshots (a
//! run that writes them, then a run that must pass without writing), and
//! nothing left pending. What changed is then `git diff` to review.

use std::path::{Path, PathBuf};
use std::process::Command;

use crate::{Error, Mode};

/// The crate whose tests hold the snapshots.
pub const SNAPSHOT_TESTS: &str = "entity-context-sync-tests";

/// Pending snapshot files (`.snap.new`, `.pending-snap`) under `root`,
/// outside `target/`.
pub fn pending(root: &Path) -> Vec<PathBuf> {
    fn walk(dir: &Path, out: &mut Vec<PathBuf>) {
        let Ok(entries) = std::fs::read_dir(dir) else {
            return;
        };
        for entry in entries.flatten() {
            let path = entry.path();
            let name = entry.file_name();
            let name = name.to_string_lossy();
            if path.is_dir() {
                if !matches!(name.as_ref(), "target" | ".git") {
                    walk(&path, out);
                }
            } else if name.ends_with(".snap.new") || name.ends_with(".pending-snap") {
                out.push(path);
            }
        }
    }
    let mut out = Vec::new();
    walk(root, &mut out);
    out.sort();
    out
}

fn cargo_test(root: &Path, update: &str) -> Result<bool, Error> {
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    let status = Command::new(cargo)
        .current_dir(root)
        .args(["test", "--no-fail-fast", "-p", SNAPSHOT_TESTS])
        .env("INSTA_UPDATE", update)
        .env_remove("INSTA_FORCE_PASS")
        .status()
        .map_err(|e| Error::new(root, format!("cannot run cargo test: {e}")))?;
    Ok(status.success())
}

/// Accepts every change; `Ok(false)` when the tests still fail after it
/// (something that is not a snapshot: read the test output).
pub fn run(root: &Path) -> Result<bool, Error> {
    crate::public_api::run(root, Mode::Write)?;
    for stale in pending(root) {
        std::fs::remove_file(&stale)
            .map_err(|e| Error::new(&stale, format!("cannot remove: {e}")))?;
    }
    // Writes every snapshot that differs; a test comparing with a committed
    // snapshot may still fail in this run, as it read the old one.
    let _ = cargo_test(root, "always")?;
    // Nothing may need writing now.
    let passed = cargo_test(root, "no")?;
    for stale in pending(root) {
        std::fs::remove_file(&stale)
            .map_err(|e| Error::new(&stale, format!("cannot remove: {e}")))?;
    }
    Ok(passed)
}
