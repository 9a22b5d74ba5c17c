//! The `cargo xtask spec-diff` command line: exit codes (0 same, 1 differs,
//! 2 unusable input or usage), stdin, `--json`, `--extract -o`, and the
//! workspace root resolved from the directory the command runs in.

use std::fs;
use std::io::Write as _;
use std::path::Path;
use std::process::{Command, Output, Stdio};

use serde_json::Value;
use tempfile::TempDir;
use xtask::SPEC_PATH;
use xtask::spec_diff::RESOURCE_PATH;

const BASE: &str = include_str!("fixtures/spec_diff_upstream.yaml");

/// `BASE` with one new enum value.
fn changed() -> String {
    let changed = BASE.replace(
        "enum: [OKTA, ENTRA_ID]",
        "enum: [OKTA, ENTRA_ID, CROWDSTRIKE]",
    );
    assert_ne!(changed, BASE);
    changed
}

/// A checkout: a `[workspace]` manifest and `spec` as the fragment.
fn checkout(spec: &str) -> TempDir {
    let root = tempfile::tempdir().expect("temp dir");
    fs::write(
        root.path().join("Cargo.toml"),
        "[workspace]\nresolver = \"3\"\nmembers = [\"member\"]\n",
    )
    .expect("write");
    fs::create_dir_all(root.path().join("member/src")).expect("mkdir");
    fs::write(
        root.path().join("member/Cargo.toml"),
        "[package]\nname = \"member\"\n",
    )
    .expect("write");
    fs::create_dir_all(root.path().join("openapi")).expect("mkdir");
    fs::write(root.path().join(SPEC_PATH), spec).expect("write spec");
    root
}

/// Runs the xtask binary in `dir` with `args`, feeding `stdin`.
fn xtask(dir: &Path, args: &[&str], stdin: &str) -> Output {
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(args)
        .current_dir(dir)
        .env_remove("RUST_BACKTRACE")
        .stdin(Stdio::piped())
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the xtask binary");
    child
        .stdin
        .take()
        .expect("stdin")
        .write_all(stdin.as_bytes())
        .expect("write stdin");
    child.wait_with_output().expect("wait")
}

fn text(bytes: &[u8]) -> String {
    String::from_utf8_lossy(bytes).into_owned()
}

/// Asserts exit code 2 and one `error: …` paragraph on stderr containing `needle`.
#[track_caller]
fn assert_unusable(out: &Output, needle: &str) {
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "stderr: {stderr}");
    assert!(stderr.starts_with("error: "), "{stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one paragraph: {stderr}"
    );
    assert!(stderr.contains(needle), "expected {needle:?} in: {stderr}");
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert!(
        out.stdout.is_empty(),
        "nothing on stdout: {}",
        text(&out.stdout)
    );
}

#[test]
fn same_spec_exits_0() {
    let root = checkout(BASE);
    fs::write(root.path().join("upstream.yaml"), BASE).expect("write");
    let out = xtask(root.path(), &["spec-diff", "upstream.yaml"], "");
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "no difference: {SPEC_PATH} matches the {RESOURCE_PATH} operations of upstream.yaml\n"
        )
    );
}

#[test]
fn a_difference_exits_1_and_prints_it() {
    let root = checkout(BASE);
    let out = xtask(root.path(), &["spec-diff", "-"], &changed());
    assert_eq!(out.status.code(), Some(1), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        format!(
            "schema IntegrationType: enum value added: CROWDSTRIKE\n\n\
             1 difference(s) in 0 operation(s) and 1 schema(s): <stdin> (upstream) against {SPEC_PATH} (ours)\n"
        )
    );
    assert!(out.stderr.is_empty(), "{}", text(&out.stderr));
}

#[test]
fn json_output_is_the_same_as_data() {
    let root = checkout(BASE);
    let out = xtask(root.path(), &["spec-diff", "--json", "-"], &changed());
    assert_eq!(out.status.code(), Some(1));
    let data: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(data["differences"], 1);
    assert_eq!(data["ours"], SPEC_PATH);
    assert_eq!(data["upstream"], "<stdin>");
    assert_eq!(data["text"], false);
    assert_eq!(data["operations"], serde_json::json!([]));
    assert_eq!(
        data["schemas"],
        serde_json::json!([{"name": "IntegrationType", "changes": [{
            "at": "", "kind": "enum_value_added", "message": "enum value added: CROWDSTRIKE",
            "ours": null, "upstream": "CROWDSTRIKE"}]}])
    );

    let out = xtask(root.path(), &["spec-diff", "--json", "--text", "-"], BASE);
    assert_eq!(out.status.code(), Some(0));
    let data: Value = serde_json::from_slice(&out.stdout).expect("JSON on stdout");
    assert_eq!(
        (data["differences"].clone(), data["text"].clone()),
        (0.into(), true.into())
    );
}

#[test]
fn root_and_spec_options_pick_our_side() {
    let root = checkout("not: used\n");
    fs::write(root.path().join("mine.yaml"), changed()).expect("write");
    let root_arg = root.path().to_str().expect("utf-8");
    let elsewhere = tempfile::tempdir().expect("temp dir");
    let out = xtask(
        elsewhere.path(),
        &["spec-diff", "--root", root_arg, "--spec", "mine.yaml", "-"],
        &changed(),
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
}

#[test]
fn unusable_upstream_exits_2_with_one_paragraph() {
    let root = checkout(BASE);
    let dir = root.path();
    assert_unusable(
        &xtask(
            dir,
            &["spec-diff", "-"],
            &BASE.replace("openapi: 3.0.3", "openapi: 3.1.0"),
        ),
        "error: <stdin>: OpenAPI 3.1.0 is not supported",
    );
    assert_unusable(
        &xtask(
            dir,
            &["spec-diff", "-"],
            "openapi: 3.0.3\npaths:\n  /x: [\n",
        ),
        "invalid YAML",
    );
    assert_unusable(
        &xtask(dir, &["spec-diff", "missing.yaml"], ""),
        "error: missing.yaml: cannot read",
    );
    assert_unusable(
        &xtask(dir, &["spec-diff", "-"], "{\"swagger\": \"2.0\"}"),
        "missing `openapi`",
    );
    // A broken fragment on our side is as unusable.
    let broken = checkout("openapi: 3.0.3\n");
    assert_unusable(
        &xtask(broken.path(), &["spec-diff", "-"], BASE),
        &format!("error: {SPEC_PATH}: missing or invalid `paths`"),
    );
}

#[test]
fn usage_errors_exit_2() {
    let root = checkout(BASE);
    for (args, message) in [
        (&["spec-diff"][..], "spec-diff needs the upstream document"),
        (
            &["spec-diff", "--frobnicate", "-"],
            "unexpected argument `--frobnicate`",
        ),
        (
            &["spec-diff", "a.yaml", "b.yaml"],
            "unexpected argument `b.yaml`",
        ),
        (
            &["spec-diff", "-", "-o", "x.yaml"],
            "`-o` applies to `--extract` only",
        ),
        (
            &["spec-diff", "--extract", "--json", "-"],
            "`--text` and `--json` do not apply",
        ),
        (&["spec-diff", "--root"], "`--root` needs a value"),
    ] {
        let out = xtask(root.path(), args, "");
        let stderr = text(&out.stderr);
        assert_eq!(out.status.code(), Some(2), "{args:?}: {stderr}");
        assert!(stderr.starts_with(message), "{args:?}: {stderr}");
        assert!(stderr.contains("usage: cargo xtask spec-diff"), "{stderr}");
        assert!(
            stderr.contains("cargo xtask spec-diff --extract"),
            "{stderr}"
        );
    }
}

#[test]
fn extract_writes_a_standalone_document() {
    let dir = tempfile::tempdir().expect("temp dir");
    fs::write(dir.path().join("upstream.yaml"), BASE).expect("write");
    let out = xtask(
        dir.path(),
        &[
            "spec-diff",
            "--extract",
            "upstream.yaml",
            "-o",
            "subset.yaml",
        ],
        "",
    );
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stderr),
        "wrote subset.yaml (2 path(s), 24 component(s))\n"
    );
    let written = fs::read_to_string(dir.path().join("subset.yaml")).expect("written");
    assert!(written.contains("\nopenapi: 3.0.3\n"), "{written}");
    assert!(!written.contains("/api/v2/unrelated"), "{written}");
    assert!(!written.contains("Unused"), "{written}");
    // What `generate` would validate it with.
    xtask::spec::parse(&written, Path::new("subset.yaml"))
        .unwrap_or_else(|e| panic!("invalid extract: {e}"));

    // To stdout, from stdin: the same document. No workspace needed.
    let out = xtask(dir.path(), &["spec-diff", "--extract", "-"], BASE);
    assert_eq!(out.status.code(), Some(0), "{}", text(&out.stderr));
    assert_eq!(
        text(&out.stdout),
        written.replace("from upstream.yaml.", "from <stdin>.")
    );
}

#[test]
fn the_workspace_root_is_the_checkout_the_command_runs_in() {
    // Two checkouts with different fragments; the same binary (one
    // CARGO_TARGET_DIR) must use the fragment of the one it runs in, from
    // any directory inside it.
    let same = checkout(BASE);
    let other = checkout(&changed());
    let upstream = BASE;
    for (root, code) in [(&same, 0), (&other, 1)] {
        let inside = root.path().join("member/src");
        let out = xtask(&inside, &["spec-diff", "-"], upstream);
        assert_eq!(out.status.code(), Some(code), "{}", text(&out.stdout));
    }
    assert_eq!(
        xtask::find_workspace_root(&same.path().join("member/src")).as_deref(),
        Some(same.path())
    );

    // Outside any workspace: an error, never another checkout's files.
    let nowhere = tempfile::tempdir().expect("temp dir");
    assert_eq!(xtask::find_workspace_root(nowhere.path()), None);
    let out = xtask(nowhere.path(), &["spec-diff", "-"], upstream);
    let stderr = text(&out.stderr);
    assert_eq!(out.status.code(), Some(2), "{stderr}");
    assert!(
        stderr.contains("no Cargo.toml with `[workspace]`") && stderr.contains("--root DIR"),
        "{stderr}"
    );
    let out = xtask(nowhere.path(), &["generate", "--check"], "");
    assert_eq!(out.status.code(), Some(1));
    assert!(text(&out.stderr).contains("no Cargo.toml with `[workspace]`"));
}

#[test]
fn a_member_manifest_or_workspace_subtable_is_not_a_root() {
    let dir = tempfile::tempdir().expect("temp dir");
    let nested = dir.path().join("a/b");
    fs::create_dir_all(&nested).expect("mkdir");
    fs::write(
        dir.path().join("a/Cargo.toml"),
        "[package]\nname = \"a\"\n[workspace.package]\nversion = \"1\"\n# [workspace]\n",
    )
    .expect("write");
    assert_eq!(xtask::find_workspace_root(&nested), None);
    fs::write(dir.path().join("Cargo.toml"), "[workspace] # the root\n").expect("write");
    assert_eq!(
        xtask::find_workspace_root(&nested).as_deref(),
        Some(dir.path())
    );
    // This test itself runs inside this repository's workspace.
    let here = xtask::workspace_root();
    assert!(
        here.join("xtask/Cargo.toml").is_file(),
        "{}",
        here.display()
    );
}

#[test]
fn help_prints_the_usage_and_succeeds_for_every_command() {
    for args in [
        &["--help"][..],
        &["-h"],
        &["help"],
        &["generate", "--help"],
        &["generate", "--check", "-h"],
        &["spec-diff", "--help"],
        &["spec-diff", "--json", "-h"],
    ] {
        let out = xtask(Path::new(env!("CARGO_MANIFEST_DIR")), args, "");
        let stdout = String::from_utf8_lossy(&out.stdout);
        assert_eq!(
            out.status.code(),
            Some(0),
            "{args:?}: {}",
            String::from_utf8_lossy(&out.stderr)
        );
        assert!(
            stdout.starts_with("usage: cargo xtask"),
            "{args:?}: {stdout}"
        );
    }
    let out = xtask(Path::new(env!("CARGO_MANIFEST_DIR")), &["nonsense"], "");
    assert_eq!(out.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&out.stderr).contains("unknown command `nonsense`"));
}

#[test]
fn a_reader_that_goes_away_ends_the_output_quietly() {
    use std::io::Read as _;
    let fixture = std::path::Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/fixtures/datadog_current.yaml");
    let mut child = Command::new(env!("CARGO_BIN_EXE_xtask"))
        .args(["spec-diff", "--json", "--text"])
        .arg(&fixture)
        .env_remove("RUST_BACKTRACE")
        .stdout(Stdio::piped())
        .stderr(Stdio::piped())
        .spawn()
        .expect("run the xtask binary");
    let mut head = [0u8; 16];
    child
        .stdout
        .take()
        .expect("stdout")
        .read_exact(&mut head)
        .expect("the first bytes");
    // The pipe is closed here, as `| head -c 16` closes it.
    let out = child.wait_with_output().expect("it ends");
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!stderr.contains("panicked"), "{stderr}");
    assert_eq!(
        out.status.code(),
        Some(1),
        "the diff's status, not a panic's: {stderr}"
    );
}
