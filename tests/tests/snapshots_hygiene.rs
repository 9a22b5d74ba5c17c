//! Snapshot hygiene, so CI fails on any drift `cargo test` alone would miss:
//! an orphaned `.snap` (its test was renamed or deleted), a pending
//! `.snap.new` / `.pending-snap` left unreviewed, a snapshot name asserted
//! twice, or a credential in a committed snapshot. A changed or new snapshot
//! already fails its own test when `INSTA_UPDATE=no` (as in CI).

use entity_context_sync_tests::{
    CANARY, SERVICE_ACCOUNT_KEY, duplicate_snapshot_names, forbidden_in_snapshots,
    orphaned_snapshots, pending_snapshots, referenced_snapshot_names, service_account_key_secrets,
    snapshot_dir, snapshot_files, snapshots_containing,
};

fn list(paths: &[std::path::PathBuf]) -> String {
    paths
        .iter()
        .map(|p| format!("  {}", p.display()))
        .collect::<Vec<_>>()
        .join("\n")
}

#[test]
fn every_snapshot_file_is_referenced_by_a_test() {
    assert!(
        !snapshot_files().is_empty(),
        "no snapshots found in {}",
        snapshot_dir().display()
    );
    let orphans = orphaned_snapshots();
    assert!(
        orphans.is_empty(),
        "orphaned snapshot(s): no `assert_*_snapshot!(\"<name>\", ..)` in tests/tests/ or tests/src/ names them:\n{}\n\
         Delete them if their test is gone (`git rm`), or give the test's assertion that explicit name. \
         (Snapshots must be named with a string literal; unnamed ones are reported here too.)",
        list(&orphans)
    );
}

#[test]
fn no_snapshot_name_is_asserted_twice() {
    let duplicates = duplicate_snapshot_names();
    assert!(
        duplicates.is_empty(),
        "snapshot name(s) asserted more than once (insta would write `<name>-2.snap`): {duplicates:?}"
    );
}

/// Pending files are what insta writes for a changed or new snapshot when it
/// may write (INSTA_UPDATE=auto/new). In CI (INSTA_UPDATE=no, or CI set)
/// nothing writes them, so any present were left over; locally they are the
/// normal state between a failing run and `cargo insta review`.
#[test]
fn no_pending_snapshots_in_ci() {
    let update = std::env::var("INSTA_UPDATE").ok();
    let ci = std::env::var_os("CI").is_some_and(|v| !v.is_empty() && v != "0" && v != "false");
    let enforce = update.as_deref() == Some("no") || (update.is_none() && ci);
    let pending = pending_snapshots();
    if !enforce {
        if !pending.is_empty() {
            eprintln!(
                "note: pending snapshots (review with `cargo insta review`, or delete):\n{}",
                list(&pending)
            );
        }
        return;
    }
    assert!(
        pending.is_empty(),
        "unreviewed pending snapshot(s):\n{}\nReview them (`cargo insta review`, or \
         `INSTA_UPDATE=always cargo test -p entity-context-sync-tests` and `git diff tests/snapshots`) \
         and commit the .snap files; never commit .snap.new / .pending-snap.",
        list(&pending)
    );
}

#[test]
fn no_credential_or_secret_value_in_any_snapshot() {
    let forbidden = forbidden_in_snapshots();
    let needles: Vec<&str> = forbidden.iter().map(String::as_str).collect();
    let hits = snapshots_containing(&needles);
    assert!(
        hits.is_empty(),
        "snapshot(s) contain a key or secret value; redact it before accepting: {hits:#?}"
    );
}

/// The forbidden list covers every secret of the key file fixture (so the
/// scan above is not vacuous for Google Workspace snapshots), and none of
/// its entries is so short or common that it would match by accident.
#[test]
fn forbidden_list_covers_the_service_account_key_fixture() {
    let forbidden = forbidden_in_snapshots();
    let key: serde_json::Value = serde_json::from_str(SERVICE_ACCOUNT_KEY).expect("fixture JSON");
    for field in [
        "project_id",
        "private_key_id",
        "private_key",
        "client_email",
        "client_id",
        "auth_uri",
        "token_uri",
        "auth_provider_x509_cert_url",
        "client_x509_cert_url",
    ] {
        let value = key[field].as_str().expect("string field");
        assert!(
            forbidden.iter().any(|f| f == value),
            "{field} not forbidden"
        );
    }
    let pem = key["private_key"].as_str().expect("private_key");
    assert!(pem.lines().count() > 3, "the fixture's PEM is multi-line");
    let escaped = serde_json::to_string(pem).expect("serializes");
    assert!(
        forbidden
            .iter()
            .any(|f| escaped.contains(f.as_str()) && f.contains("\\n")),
        "the JSON-escaped private key is forbidden"
    );
    for line in pem.lines().filter(|l| !l.starts_with("-----")) {
        assert!(forbidden.iter().any(|f| f == line), "PEM line {line:?}");
    }
    assert!(forbidden.iter().any(|f| f == CANARY));
    for f in &forbidden {
        assert!(f.len() >= 6, "too short to scan for: {f:?}");
    }
    assert!(service_account_key_secrets().len() >= 10);
}

#[test]
fn reference_scanner_reads_explicit_names_only() {
    let source = r#"
        insta::assert_json_snapshot!("request_one", view);
        assert_snapshot!(
            "display_two",
            text
        );
        insta::assert_debug_snapshot!(value);
        insta::assert_snapshot!(text, @"inline");
        // insta::assert_json_snapshot!("commented_out", view);
        let not_a_macro = my_snapshot!("other", view);
        insta::assert_yaml_snapshot!(name, view);
    "#;
    assert_eq!(
        referenced_snapshot_names(source),
        ["request_one", "display_two"]
    );
}
