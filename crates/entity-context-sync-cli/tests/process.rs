//! The real `entity-context-sync` binary, run as a process against the fake
//! Datadog running as its own process (`entity-context-sync-fake`): exit
//! codes, what plan and apply print, refusals before any request, and no
//! secret in any output.

use std::io::{BufRead as _, BufReader};
use std::net::TcpListener;
use std::path::{Path, PathBuf};
use std::process::{Child, Command, Output, Stdio};

/// Secret values the files reference: none may appear in any output.
const CANARIES: [(&str, &str); 4] = [
    ("OKTA_TOKEN", "00CANARY-okta-token-7f3a"),
    ("CS_ID", "CANARY-crowdstrike-id-91bc"),
    ("CS_SECRET", "CANARY-crowdstrike-secret-44de"),
    ("S1_TOKEN", "CANARY-sentinelone-token-0a1b"),
];

/// The fake, as its own process; killed on drop.
struct Fake {
    child: Child,
    url: String,
    api_key: String,
    app_key: String,
}

impl Drop for Fake {
    fn drop(&mut self) {
        let _ = self.child.kill();
        let _ = self.child.wait();
    }
}

/// The fake's binary, built beside this crate's (cargo builds it for the
/// workspace's tests; alone, this builds it).
fn fake_binary() -> PathBuf {
    let cli = PathBuf::from(env!("CARGO_BIN_EXE_entity-context-sync"));
    let fake = cli.with_file_name(format!(
        "entity-context-sync-fake{}",
        std::env::consts::EXE_SUFFIX
    ));
    if !fake.exists() {
        let cargo = std::env::var("CARGO").unwrap_or_else(|_| "cargo".into());
        let status = Command::new(cargo)
            .args([
                "build",
                "-q",
                "-p",
                "entity-context-sync-fake",
                "--bin",
                "entity-context-sync-fake",
            ])
            .status()
            .expect("cargo runs");
        assert!(status.success(), "the fake's binary builds");
    }
    fake
}

impl Fake {
    fn start(args: &[&str]) -> Fake {
        let mut child = Command::new(fake_binary())
            .args(args)
            .stdout(Stdio::piped())
            .stderr(Stdio::inherit())
            .spawn()
            .expect("the fake starts");
        let mut lines = BufReader::new(child.stdout.take().expect("stdout")).lines();
        let mut next = |prefix: &str| {
            let line = lines.next().expect("a line").expect("utf-8");
            line.strip_prefix(prefix)
                .unwrap_or_else(|| panic!("{line:?} starts with {prefix:?}"))
                .to_owned()
        };
        let url = next("listening on ");
        let api_key = next("DD-API-KEY: ");
        let app_key = next("DD-APPLICATION-KEY: ");
        Fake {
            child,
            url,
            api_key,
            app_key,
        }
    }
}

/// A run of the binary, its outputs checked for canaries.
struct Run {
    code: i32,
    stdout: String,
    stderr: String,
}

fn run_at(url: &str, keys: (&str, &str), dir: &Path, args: &[&str]) -> Run {
    let mut command = Command::new(env!("CARGO_BIN_EXE_entity-context-sync"));
    command
        .args(args)
        .arg("--base-url")
        .arg(url)
        .current_dir(dir)
        .env_remove("DD_SITE")
        .env("DD_API_KEY", keys.0)
        .env("DD_APP_KEY", keys.1);
    for (var, value) in CANARIES {
        command.env(var, value);
    }
    let Output {
        status,
        stdout,
        stderr,
    } = command.output().expect("the binary runs");
    let run = Run {
        code: status.code().expect("an exit code"),
        stdout: String::from_utf8(stdout).expect("utf-8"),
        stderr: String::from_utf8(stderr).expect("utf-8"),
    };
    for (_, canary) in CANARIES {
        assert!(
            !run.stdout.contains(canary) && !run.stderr.contains(canary),
            "a secret leaked into the output of {args:?}:\n{}\n{}",
            run.stdout,
            run.stderr
        );
    }
    run
}

fn run(fake: &Fake, dir: &Path, args: &[&str]) -> Run {
    run_at(&fake.url, (&fake.api_key, &fake.app_key), dir, args)
}

const THREE: &str = r#"
[[sync]]
type = "OKTA"
name = "Okta prod"
domain = "acme.okta.com"
settings = { page_size = 200 }
[sync.secrets]
api_token = { env = "OKTA_TOKEN" }

[[sync]]
type = "CROWDSTRIKE"
name = "Falcon"
domain = "api.crowdstrike.com"
[sync.secrets]
client_id = { env = "CS_ID" }
client_secret = { env = "CS_SECRET" }

[[sync]]
type = "SENTINELONE"
name = "S1"
domain = "usea1.sentinelone.net"
enabled = false
[sync.secrets]
api_token = { env = "S1_TOKEN" }
"#;

fn dir_with(file: &str) -> tempfile::TempDir {
    let dir = tempfile::tempdir().expect("a temp dir");
    std::fs::write(dir.path().join("syncs.toml"), file).expect("written");
    dir
}

fn count(text: &str, needle: &str) -> usize {
    text.matches(needle).count()
}

#[test]
fn plan_shows_changes_apply_converges_then_plan_shows_none() {
    let fake = Fake::start(&[]);
    let dir = dir_with(THREE);
    let plan = run(&fake, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(
        plan.code, 2,
        "changes pending: {}{}",
        plan.stdout, plan.stderr
    );
    assert_eq!(count(&plan.stdout, "+ create"), 3, "{}", plan.stdout);
    assert!(
        plan.stdout
            .contains("Plan: 3 to create, 0 to update, 0 to delete, 0 unchanged.")
    );

    let apply = run(&fake, dir.path(), &["apply"]);
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    assert_eq!(count(&apply.stdout, "✓ create"), 3, "{}", apply.stdout);
    assert!(
        apply
            .stdout
            .contains("Applied: 3 created, 0 updated, 0 deleted, 0 unchanged; 0 failed.")
    );

    let again = run(&fake, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(again.code, 0, "converged: {}{}", again.stdout, again.stderr);
    assert_eq!(count(&again.stdout, "= unchanged"), 3, "{}", again.stdout);
    // `enabled = false` was converged on create: SentinelOne is disabled.
    let export = run(&fake, dir.path(), &["export"]);
    assert_eq!(export.code, 0, "{}", export.stderr);
    let exported: toml::Table = toml::from_str(&export.stdout).expect("export is TOML");
    let syncs = exported["sync"].as_array().expect("[[sync]]");
    assert_eq!(syncs.len(), 3);
    let s1 = syncs
        .iter()
        .find(|s| s["name"].as_str() == Some("S1"))
        .expect("S1");
    assert_eq!(s1["enabled"].as_bool(), Some(false));
    assert_eq!(
        s1["secrets"]["api_token"]["env"].as_str(),
        Some("SENTINELONE_S1_API_TOKEN"),
        "secrets are exported as env placeholders"
    );
}

#[test]
fn a_domain_edit_is_planned_as_that_field_only() {
    let fake = Fake::start(&[]);
    let dir = dir_with(THREE);
    assert_eq!(run(&fake, dir.path(), &["apply"]).code, 0);
    std::fs::write(
        dir.path().join("syncs.toml"),
        THREE.replace("acme.okta.com", "acme-eu.okta.com"),
    )
    .expect("edited");
    let plan = run(
        &fake,
        dir.path(),
        &["plan", "--detailed-exitcode", "--json"],
    );
    assert_eq!(plan.code, 2, "{}", plan.stderr);
    let doc: serde_json::Value = serde_json::from_str(&plan.stdout).expect("one JSON document");
    let updates: Vec<&serde_json::Value> = doc["changes"]
        .as_array()
        .expect("changes")
        .iter()
        .filter(|c| c["action"] == "update")
        .collect();
    assert_eq!(updates.len(), 1, "{doc:#}");
    assert_eq!(updates[0]["name"], "Okta prod");
    assert_eq!(
        updates[0]["fields"],
        serde_json::json!([{ "field": "domain", "before": "acme.okta.com", "after": "acme-eu.okta.com" }])
    );
    assert_eq!(doc["summary"]["update"], 1);
    assert_eq!(doc["summary"]["unchanged"], 2);
    let text = run(&fake, dir.path(), &["plan"]);
    assert_eq!(text.code, 0, "without --detailed-exitcode, changes exit 0");
    assert!(
        text.stdout
            .contains(r#"domain: "acme.okta.com" → "acme-eu.okta.com""#),
        "{}",
        text.stdout
    );
    // Secrets cannot be compared: only --rotate-secrets sends them, and no value is shown.
    let rotate = run(&fake, dir.path(), &["plan", "--rotate-secrets"]);
    assert_eq!(
        count(&rotate.stdout, "secrets: (write-only, sent again)"),
        3,
        "{}",
        rotate.stdout
    );
    let applied = run(&fake, dir.path(), &["apply", "--rotate-secrets"]);
    assert!(
        applied.stdout.contains("Applied: 0 created, 3 updated"),
        "{}",
        applied.stdout
    );
}

#[test]
fn prune_plans_and_deletes_a_config_the_file_does_not_name() {
    let fake = Fake::start(&[]);
    let two = format!(
        "{THREE}\n[[sync]]\ntype = \"OKTA\"\nname = \"Okta stray\"\ndomain = \"stray.okta.com\"\n\
         secrets = {{ api_token = {{ env = \"OKTA_TOKEN\" }} }}\n"
    );
    let dir = dir_with(&two);
    assert_eq!(run(&fake, dir.path(), &["apply"]).code, 0);
    std::fs::write(dir.path().join("syncs.toml"), THREE).expect("the stray removed from the file");

    let without = run(&fake, dir.path(), &["plan", "--detailed-exitcode"]);
    assert_eq!(
        without.code, 0,
        "without --prune, a config not named is left alone"
    );
    let plan = run(
        &fake,
        dir.path(),
        &["plan", "--prune", "--detailed-exitcode"],
    );
    assert_eq!(plan.code, 2);
    assert_eq!(count(&plan.stdout, "- delete"), 1, "{}", plan.stdout);
    assert!(
        plan.stdout.contains(r#"- delete    OKTA "Okta stray""#),
        "{}",
        plan.stdout
    );

    let apply = run(&fake, dir.path(), &["apply", "--prune"]);
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    assert!(
        apply.stdout.contains(r#"✓ delete OKTA "Okta stray""#),
        "{}",
        apply.stdout
    );
    assert_eq!(
        run(
            &fake,
            dir.path(),
            &["plan", "--prune", "--detailed-exitcode"]
        )
        .code,
        0
    );
}

#[test]
fn a_create_whose_reply_is_lost_mid_apply_is_not_duplicated() {
    // Request 1 is apply's list; 2 is the first create: applied, reply lost.
    let fake = Fake::start(&["--fail-on", "2=reset-after-apply"]);
    let dir = dir_with(THREE);
    let apply = run(&fake, dir.path(), &["apply", "--parallel", "1", "--json"]);
    assert_eq!(apply.code, 0, "{}{}", apply.stdout, apply.stderr);
    let doc: serde_json::Value = serde_json::from_str(&apply.stdout).expect("one JSON document");
    assert_eq!(doc["success"], true);
    assert_eq!(doc["summary"]["create"], 3, "{doc:#}");
    let export = run(&fake, dir.path(), &["export"]);
    assert_eq!(
        count(&export.stdout, "[[sync]]"),
        3,
        "no duplicate:\n{}",
        export.stdout
    );
    assert_eq!(
        run(&fake, dir.path(), &["plan", "--detailed-exitcode"]).code,
        0
    );
}

#[test]
fn a_failure_mid_apply_exits_1_saying_what_was_not_applied() {
    // Request 3 (the second create) is refused with a 400 (not retried).
    let fake = Fake::start(&["--fail-on", "3=status:400"]);
    let dir = dir_with(THREE);
    let apply = run(&fake, dir.path(), &["apply", "--parallel", "1"]);
    assert_eq!(apply.code, 1, "{}{}", apply.stdout, apply.stderr);
    assert!(
        apply
            .stdout
            .contains("Applied: 2 created, 0 updated, 0 deleted, 0 unchanged; 1 failed."),
        "{}",
        apply.stdout
    );
    assert!(apply.stdout.contains("Not applied"), "{}", apply.stdout);
    assert_eq!(count(&apply.stdout, "✗ create"), 1, "{}", apply.stdout);
    // Run again: only what was not applied is left.
    let plan = run(&fake, dir.path(), &["plan"]);
    assert!(
        plan.stdout
            .contains("Plan: 1 to create, 0 to update, 0 to delete, 2 unchanged."),
        "{}",
        plan.stdout
    );
}

/// A port that counts connections: the refusals must send nothing.
struct Listener(TcpListener);

impl Listener {
    fn new() -> Listener {
        let l = TcpListener::bind("127.0.0.1:0").expect("bind");
        l.set_nonblocking(true).expect("nonblocking");
        Listener(l)
    }
    fn url(&self) -> String {
        format!("http://{}", self.0.local_addr().expect("addr"))
    }
    fn connections(&self) -> usize {
        std::iter::from_fn(|| self.0.accept().ok()).count()
    }
}

#[test]
fn bad_files_exit_1_naming_the_line_and_send_nothing() {
    let okta = |secret: &str| {
        format!(
            "[[sync]]\ntype = \"OKTA\"\nname = \"Okta prod\"\ndomain = \"acme.okta.com\"\n[sync.secrets]\napi_token = {secret}\n"
        )
    };
    let cases = [
        (
            "a literal secret",
            okta("\"00CANARY-okta-token-7f3a\""),
            "syncs.toml:6:13: a literal secret is refused",
        ),
        (
            "an unset variable",
            okta("{ env = \"NOT_SET_IN_THIS_TEST\" }"),
            "syncs.toml:6:13: sync #1 `secrets.api_token`: the environment variable NOT_SET_IN_THIS_TEST is not set",
        ),
        (
            "an unreadable file",
            okta("{ file = \"missing.txt\" }"),
            "syncs.toml:6:13: sync #1 `secrets.api_token`: the file missing.txt cannot be read: no such file",
        ),
        (
            "a malformed file",
            "[[sync]]\ntype = \"OKTA\"\nname = \"Okta prod\n".to_owned(),
            "syncs.toml:3:18: ",
        ),
        (
            "a missing field",
            "[[sync]]\ntype = \"OKTA\"\nname = \"Okta prod\"\n".to_owned(),
            "syncs.toml:1:1: missing field `domain`",
        ),
        (
            "a duplicate",
            format!(
                "{}\n{}",
                okta("{ env = \"OKTA_TOKEN\" }"),
                okta("{ env = \"OKTA_TOKEN\" }")
            ),
            "syncs.toml:10:8: sync #2 `name`: another OKTA sync is named \"Okta prod\"",
        ),
        (
            "an unknown source type",
            "[[sync]]\ntype = \"PING_ONE\"\nname = \"Ping\"\ndomain = \"acme.ping.com\"\n"
                .to_owned(),
            "syncs.toml:2:8: sync #1 `type`: unknown source type PING_ONE (this SDK knows",
        ),
    ];
    for (what, file, expected) in cases {
        let listener = Listener::new();
        let dir = dir_with(&file);
        for command in ["plan", "apply"] {
            let r = run_at(
                &listener.url(),
                ("k".repeat(32).as_str(), "a".repeat(40).as_str()),
                dir.path(),
                &[command, "--detailed-exitcode"][..if command == "plan" { 2 } else { 1 }],
            );
            assert_eq!(r.code, 1, "{what} ({command}): {}", r.stderr);
            assert!(
                r.stderr.contains(expected),
                "{what} ({command}): {:?} does not say {expected:?}",
                r.stderr
            );
        }
        assert_eq!(listener.connections(), 0, "{what}: nothing is sent");
    }
}

#[test]
fn usage_errors_exit_1_never_2() {
    let listener = Listener::new();
    let dir = dir_with(THREE);
    let r = run_at(
        &listener.url(),
        ("k", "a"),
        dir.path(),
        &["plan", "--no-such-flag"],
    );
    assert_eq!(r.code, 1, "2 means changes pending: {}", r.stderr);
    let r = run_at(
        &listener.url(),
        ("k", "a"),
        dir.path(),
        &["apply", "--parallel", "0"],
    );
    assert_eq!(r.code, 1, "{}", r.stderr);
    assert_eq!(listener.connections(), 0);
}

#[test]
fn offline_runs_the_demo_without_an_account() {
    let dir = Path::new(env!("CARGO_MANIFEST_DIR")).join("examples");
    let output = Command::new(env!("CARGO_BIN_EXE_entity-context-sync"))
        .args(["--offline", "plan", "--prune", "--detailed-exitcode"])
        .current_dir(&dir)
        .env_remove("DD_API_KEY")
        .env_remove("DD_APP_KEY")
        .output()
        .expect("runs");
    let stdout = String::from_utf8_lossy(&output.stdout);
    assert_eq!(
        output.status.code(),
        Some(2),
        "{stdout}{}",
        String::from_utf8_lossy(&output.stderr)
    );
    assert!(
        stdout.contains(r#"~ update    OKTA "Okta prod""#),
        "{stdout}"
    );
    assert!(
        stdout.contains(r#"- delete    OKTA "Okta staging""#),
        "{stdout}"
    );
}
