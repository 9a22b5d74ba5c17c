//! Helpers shared by the xtask integration tests: temp workspace roots seeded
//! with the real spec fragment, realistic spec mutations, file listings.

#![allow(dead_code)] // each test crate uses a different subset

use std::fs;
use std::path::{Path, PathBuf};
use std::process::{Command, Output};

use tempfile::TempDir;
use xtask::codegen::{CLIENT_OUT, HTTPMOCK_OUT};
use xtask::{SPEC_PATH, workspace_root};

/// The generated files, relative to a workspace root.
pub const GENERATED: [&str; 2] = [CLIENT_OUT, HTTPMOCK_OUT];

/// The real spec fragment's text.
pub fn real_spec() -> String {
    let path = workspace_root().join(SPEC_PATH);
    fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

/// `text` with the one occurrence of `from` replaced by `to`. Panics when
/// `from` is missing or ambiguous, so a change to the real fragment cannot
/// silently turn a mutation into a no-op.
pub fn replace_once(text: &str, from: &str, to: &str) -> String {
    replace_n(text, from, to, 1)
}

/// `text` with exactly `n` occurrences of `from` replaced by `to`.
pub fn replace_n(text: &str, from: &str, to: &str, n: usize) -> String {
    let found = text.matches(from).count();
    assert_eq!(
        found, n,
        "expected {n} occurrence(s) of {from:?} in the spec, found {found}"
    );
    text.replace(from, to)
}

/// Edits the spec as a YAML tree (for structural changes).
pub fn edit_yaml(text: &str, edit: impl FnOnce(&mut serde_yaml::Value)) -> String {
    let mut doc: serde_yaml::Value = serde_yaml::from_str(text).expect("the real spec is YAML");
    edit(&mut doc);
    serde_yaml::to_string(&doc).expect("serialize YAML")
}

/// Indexes a YAML mapping by a path of string keys, panicking on a missing key.
pub fn at<'a>(doc: &'a mut serde_yaml::Value, keys: &[&str]) -> &'a mut serde_yaml::Value {
    keys.iter().fold(doc, |node, key| {
        node.get_mut(*key)
            .unwrap_or_else(|| panic!("the spec has no key `{key}` on the path {keys:?}"))
    })
}

/// A temp workspace root holding `spec_text` at [`SPEC_PATH`], and nothing else.
pub fn root_with_spec(spec_text: &str) -> TempDir {
    let root = tempfile::tempdir().expect("create temp dir");
    write(root.path(), SPEC_PATH, spec_text);
    root
}

/// A temp workspace root holding `spec_text` and a copy of the real
/// generated files (as if the spec had just been edited in a clean checkout).
pub fn root_with_spec_and_generated(spec_text: &str) -> TempDir {
    let root = root_with_spec(spec_text);
    for rel in GENERATED {
        let contents = fs::read(workspace_root().join(rel)).expect("read generated file");
        write_bytes(root.path(), rel, &contents);
    }
    root
}

pub fn write(root: &Path, rel: &str, contents: &str) {
    write_bytes(root, rel, contents.as_bytes());
}

pub fn write_bytes(root: &Path, rel: &str, contents: &[u8]) {
    let path = root.join(rel);
    fs::create_dir_all(path.parent().expect("has a parent")).expect("create dirs");
    fs::write(&path, contents).expect("write file");
}

/// Every file under `root`, relative and `/`-separated, sorted.
pub fn files_under(root: &Path) -> Vec<String> {
    fn walk(root: &Path, dir: &Path, out: &mut Vec<String>) {
        let Ok(entries) = fs::read_dir(dir) else {
            return;
        };
        for entry in entries {
            let path = entry.expect("dir entry").path();
            if path.is_dir() {
                walk(root, &path, out);
            } else {
                let rel: PathBuf = path.strip_prefix(root).expect("under root").to_path_buf();
                out.push(rel.to_string_lossy().replace('\\', "/"));
            }
        }
    }
    let mut out = Vec::new();
    walk(root, root, &mut out);
    out.sort();
    out
}

/// Runs the built `xtask` binary with `args`.
pub fn xtask_bin(args: &[&str]) -> Output {
    Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .env_remove("RUST_BACKTRACE")
        .output()
        .expect("run the xtask binary")
}
