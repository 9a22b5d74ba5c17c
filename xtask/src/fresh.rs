//! Writing generated files atomically, and checking them for staleness
//! (in the style of rust-analyzer's `ensure_file_contents`).

use std::fs;
use std::path::{Path, PathBuf};

use crate::{Error, Mode};

/// One generated file: a path relative to the workspace root and its contents.
#[derive(Debug, Clone, PartialEq, Eq)]
pub struct GeneratedFile {
    /// Path relative to the workspace root.
    pub path: PathBuf,
    /// Full file contents.
    pub contents: String,
}

/// What [`apply`] found or did.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Report {
    /// Files whose contents were already current.
    pub unchanged: Vec<PathBuf>,
    /// Files written (write mode).
    pub written: Vec<PathBuf>,
    /// Files that differ from what generation produces (check mode).
    pub stale: Vec<PathBuf>,
    /// Unified diff of every stale file (check mode).
    pub diff: String,
    /// Total lines across all generated files.
    pub lines: usize,
}

impl Report {
    /// A one-line summary for the terminal.
    pub fn summary(&self, mode: Mode) -> String {
        match mode {
            Mode::Check => format!(
                "{} generated file(s) are up to date ({} lines)",
                self.unchanged.len(),
                self.lines
            ),
            Mode::Write => format!(
                "wrote {} file(s), {} unchanged ({} lines)",
                self.written.len(),
                self.unchanged.len(),
                self.lines
            ),
        }
    }
}

/// Writes (or, in check mode, compares) every file under `root`.
pub fn apply(root: &Path, files: &[GeneratedFile], mode: Mode) -> Result<Report, Error> {
    let mut report = Report::default();
    for file in files {
        report.lines += file.contents.lines().count();
        let path = root.join(&file.path);
        let current = fs::read_to_string(&path).unwrap_or_default();
        if current == file.contents {
            report.unchanged.push(file.path.clone());
            continue;
        }
        match mode {
            Mode::Write => {
                write_atomic(&path, &file.contents)?;
                report.written.push(file.path.clone());
            }
            Mode::Check => {
                let name = file.path.display().to_string();
                let diff = similar::TextDiff::from_lines(current.as_str(), file.contents.as_str());
                report.diff.push_str(
                    &diff
                        .unified_diff()
                        .context_radius(3)
                        .header(&format!("a/{name}"), &format!("b/{name}"))
                        .to_string(),
                );
                report.stale.push(file.path.clone());
            }
        }
    }
    Ok(report)
}

/// Writes `contents` to a temporary file beside `path`, then renames it into
/// place, so a failed run never leaves a half-written file.
fn write_atomic(path: &Path, contents: &str) -> Result<(), Error> {
    let dir = path.parent().unwrap_or_else(|| Path::new("."));
    fs::create_dir_all(dir)
        .map_err(|e| Error::new(dir, format!("cannot create directory: {e}")))?;
    let file_name = path
        .file_name()
        .and_then(|n| n.to_str())
        .unwrap_or("generated");
    let tmp = dir.join(format!(".{file_name}.xtask-tmp"));
    fs::write(&tmp, contents).map_err(|e| Error::new(&tmp, format!("cannot write: {e}")))?;
    fs::rename(&tmp, path).map_err(|e| {
        let _ = fs::remove_file(&tmp);
        Error::new(path, format!("cannot replace file: {e}"))
    })
}
