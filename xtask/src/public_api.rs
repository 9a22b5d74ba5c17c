//! `cargo xtask public-api [--check]`: the public API of the crates users
//! depend on, as reviewed text (`tests/public-api/<crate>.txt`), so that a
//! regeneration or an edit that changes what users compile against shows
//! up as a diff naming each item and saying whether it is breaking.
//!
//! The API is read from rustdoc's JSON (an unstable rustdoc output, enabled
//! with `RUSTC_BOOTSTRAP=1` on the pinned stable toolchain, built in its own
//! target directory) by the `public-api` crate, one item per line.

use std::collections::BTreeSet;
use std::path::{Path, PathBuf};
use std::process::Command;

use crate::fresh::GeneratedFile;
use crate::{Error, Mode};

/// Where the reviewed APIs live, relative to the workspace root.
pub const API_DIR: &str = "tests/public-api";

/// The command that rewrites them.
pub const COMMAND: &str = "cargo xtask public-api";

/// The crates users depend on, and the features their API is read with
/// (every feature but a TLS backend that needs system headers).
pub const CRATES: &[(&str, &str)] = &[
    ("entity-context-sync", "chrono,http2,test-util"),
    ("entity-context-sync-client", "chrono,schemars"),
    ("entity-context-sync-fake", "raw"),
    ("entity-context-sync-httpmock", ""),
];

/// The reviewed file of a crate.
pub fn api_file(package: &str) -> PathBuf {
    Path::new(API_DIR).join(format!("{package}.txt"))
}

/// Reads the public API of every crate of [`CRATES`] under `root`.
pub fn read(root: &Path) -> Result<Vec<GeneratedFile>, Error> {
    let target = std::env::var_os("CARGO_TARGET_DIR")
        .map(PathBuf::from)
        .map(|t| if t.is_absolute() { t } else { root.join(t) })
        .unwrap_or_else(|| root.join("target"))
        .join("public-api");
    let cargo = std::env::var_os("CARGO").unwrap_or_else(|| "cargo".into());
    CRATES
        .iter()
        .map(|(package, features)| {
            let file = api_file(package);
            let mut command = Command::new(&cargo);
            command
                .current_dir(root)
                .args(["rustdoc", "--quiet", "--locked", "--lib", "-p", package])
                .args((!features.is_empty()).then_some(["--features", features]).into_iter().flatten())
                .args(["--", "-Z", "unstable-options", "--output-format", "json"])
                // rustdoc's JSON is unstable: allowed on the stable toolchain.
                .env("RUSTC_BOOTSTRAP", "1")
                .env("CARGO_TARGET_DIR", &target)
                .env_remove("RUSTDOCFLAGS");
            let output = command
                .output()
                .map_err(|e| Error::new(&file, format!("cannot run cargo rustdoc: {e}")))?;
            if !output.status.success() {
                return Err(Error::new(
                    &file,
                    format!(
                        "cargo rustdoc -p {package} failed: {}",
                        String::from_utf8_lossy(&output.stderr)
                    ),
                ));
            }
            let json = target
                .join("doc")
                .join(format!("{}.json", package.replace('-', "_")));
            let api = public_api::Builder::from_rustdoc_json(&json)
                .omit_blanket_impls(true)
                .build()
                .map_err(|e| {
                    Error::new(
                        &file,
                        format!(
                            "cannot read the public API from {} (a rustdoc JSON format version public-api does not read?): {e}",
                            json.display()
                        ),
                    )
                })?;
            let mut contents = format!(
                "# The public API of {package} (features: {}), one item per line.\n\
                 # Written by `{COMMAND}`; reviewed like code: a change here changes what users compile against.\n",
                if features.is_empty() { "default" } else { features }
            );
            for item in api.items() {
                contents.push_str(&item.to_string());
                contents.push('\n');
            }
            Ok(GeneratedFile {
                path: file,
                contents,
            })
        })
        .collect()
}

/// What changed between two versions of an API file.
#[derive(Debug, Default, Clone, PartialEq, Eq)]
pub struct Changes {
    /// Items gone: breaking.
    pub removed: Vec<String>,
    /// Items whose signature changed (old, new): breaking.
    pub changed: Vec<(String, String)>,
    /// New items: not breaking.
    pub added: Vec<String>,
}

impl Changes {
    /// The changes from `old` to `new` (API files, one item per line).
    pub fn between(old: &str, new: &str) -> Self {
        let items = |text: &str| -> BTreeSet<String> {
            text.lines()
                .filter(|l| !l.starts_with('#') && !l.trim().is_empty())
                .map(str::to_string)
                .collect()
        };
        let (old, new) = (items(old), items(new));
        let mut removed: Vec<String> = old.difference(&new).cloned().collect();
        let mut added: Vec<String> = new.difference(&old).cloned().collect();
        let mut changed = Vec::new();
        removed.retain(|gone| {
            let key = item_key(gone);
            match added.iter().position(|a| item_key(a) == key) {
                Some(i) if key.is_some() => {
                    changed.push((gone.clone(), added.remove(i)));
                    false
                }
                _ => true,
            }
        });
        Self {
            removed,
            changed,
            added,
        }
    }

    /// Whether nothing changed.
    pub fn is_empty(&self) -> bool {
        self.removed.is_empty() && self.changed.is_empty() && self.added.is_empty()
    }

    /// Whether a user's code may stop compiling.
    pub fn is_breaking(&self) -> bool {
        !self.removed.is_empty() || !self.changed.is_empty()
    }

    /// One line per change, breaking ones first.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for item in &self.removed {
            out.push_str(&format!("  breaking, removed: {item}\n"));
        }
        for (old, new) in &self.changed {
            out.push_str(&format!(
                "  breaking, changed: {old}\n                 to: {new}\n"
            ));
        }
        for item in &self.added {
            out.push_str(&format!("  added (not breaking): {item}\n"));
        }
        out
    }
}

/// The path an item line names (`pub fn a::B::c(..)` → `fn a::B::c`), for
/// telling a changed signature from a removed item; `None` for impls.
fn item_key(line: &str) -> Option<String> {
    if line.starts_with("impl") || line.contains(" impl ") {
        return None;
    }
    let end = line
        .find(['(', '<', '='])
        .into_iter()
        .chain(line.find(": "))
        .min()
        .unwrap_or(line.len());
    Some(line[..end].trim().to_string())
}

/// What [`run`] found: per stale file, its changes.
#[derive(Debug, Default)]
pub struct Report {
    /// Files written (write mode) or unchanged.
    pub files: Vec<PathBuf>,
    /// Files that differ (check mode), with their changes.
    pub stale: Vec<(PathBuf, Changes)>,
}

impl Report {
    /// The review: each stale file and its changes, and what to do.
    pub fn render(&self) -> String {
        let mut out = String::new();
        for (file, changes) in &self.stale {
            out.push_str(&format!(
                "{}: the public API changed ({}):\n{}",
                file.display(),
                if changes.is_breaking() {
                    "BREAKING: users' code may stop compiling"
                } else {
                    "additions only, not breaking"
                },
                changes.render()
            ));
        }
        if !self.stale.is_empty() {
            out.push_str(&format!(
                "hint: if intended, run `{COMMAND}` (or `cargo xtask accept`), review and commit {API_DIR}/, and add a CHANGELOG entry (a breaking change under Changed, marked **Breaking**)\n"
            ));
        }
        out
    }
}

/// Reads the APIs and writes or checks the reviewed files under `root`.
pub fn run(root: &Path, mode: Mode) -> Result<Report, Error> {
    let files = read(root)?;
    let mut report = Report::default();
    for file in files {
        let current = std::fs::read_to_string(root.join(&file.path)).unwrap_or_default();
        if current != file.contents {
            match mode {
                Mode::Check => {
                    let changes = Changes::between(&current, &file.contents);
                    report.stale.push((file.path.clone(), changes));
                    continue;
                }
                Mode::Write => crate::fresh::apply(root, std::slice::from_ref(&file), Mode::Write)
                    .map(|_| ())?,
            }
        }
        report.files.push(file.path);
    }
    Ok(report)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn changes_say_what_is_breaking() {
        let old =
            "# header\npub fn a::f(x: u8)\npub struct a::S\npub a::S::x: u8\nimpl Send for a::S\n";
        let new = "# other header\npub fn a::f(x: u16)\npub struct a::S\npub fn a::anything()\n";
        let changes = Changes::between(old, new);
        assert_eq!(
            changes.changed,
            [(
                "pub fn a::f(x: u8)".to_string(),
                "pub fn a::f(x: u16)".to_string()
            )]
        );
        assert_eq!(changes.removed, ["impl Send for a::S", "pub a::S::x: u8"]);
        assert_eq!(changes.added, ["pub fn a::anything()"]);
        assert!(changes.is_breaking());
        let only_added = Changes::between(old, &format!("{old}pub fn a::g()\n"));
        assert!(!only_added.is_breaking() && !only_added.is_empty());
        assert!(Changes::between(old, old).is_empty());
    }
}
