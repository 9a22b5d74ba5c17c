//! The `create_sync` example's offline run (its own code, compiled in here):
//! it creates a Google Workspace sync from the key file fixture and prints
//! the request and the reply, with no secret of the key file in its output.

#[allow(dead_code, unreachable_pub)]
#[path = "../../crates/entity-context-sync/examples/create_sync.rs"]
mod create_sync;

use entity_context_sync_tests::common::KEY_FILE;
use serde_json::Value;

#[tokio::test]
async fn offline_example_prints_no_secret_of_the_key_file() {
    let mut out = String::new();
    create_sync::run_offline(&mut out)
        .await
        .expect("the offline example runs");
    // It did the job: sent a Google Workspace sync with the key file, decoded the reply.
    for expected in [
        "request sent:",
        "\"integration_type\": \"GOOGLE_WORKSPACE\"",
        "\"service_account_json\": {",
        "\"private_key\": \"[redacted]\"",
        "\"admin_email\": \"[redacted]\"",
        "decoded config:",
        "\"state\": \"valid\"",
        "attempts: 1",
    ] {
        assert!(out.contains(expected), "missing {expected:?} in:\n{out}");
    }
    // Every value of the key file (the public `type` and `universe_domain`
    // aside), the PEM line by line and JSON-escaped, and the demo keys: absent.
    let key: Value = serde_json::from_str(KEY_FILE).expect("fixture JSON");
    let mut secrets: Vec<String> = key
        .as_object()
        .expect("object")
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "type" | "universe_domain"))
        .filter_map(|(_, v)| v.as_str().map(String::from))
        .collect();
    let pem = key["private_key"].as_str().expect("private_key");
    secrets.extend(pem.lines().map(String::from));
    secrets.push(serde_json::to_string(pem).expect("escapes"));
    secrets.extend([
        entity_context_sync_fake::FAKE_API_KEY.into(),
        entity_context_sync_fake::FAKE_APP_KEY.into(),
    ]);
    secrets.push("admin@siem-test.com".into());
    for secret in &secrets {
        assert!(
            !out.contains(secret.as_str()),
            "leaked {secret:?} into:\n{out}"
        );
    }
    assert!(!out.contains("PRIVATE KEY"), "{out}");
}

#[tokio::test]
async fn live_example_without_a_key_file_says_what_is_missing() {
    if std::env::var_os("GOOGLE_SA_KEY_FILE").is_some() {
        return; // a developer's real setup: do not touch the network
    }
    let mut out = String::new();
    let err = create_sync::run_live(&mut out)
        .await
        .expect_err("no GOOGLE_SA_KEY_FILE");
    assert!(err.to_string().contains("GOOGLE_SA_KEY_FILE"), "{err}");
}

#[allow(dead_code, unreachable_pub)]
#[path = "../../crates/entity-context-sync/examples/manage_syncs.rs"]
mod manage_syncs;

/// The README's first command: the whole lifecycle against the fake, every
/// step printed, no key and no secret value anywhere in the output.
#[tokio::test]
async fn main_job_prints_the_lifecycle_and_no_secret() {
    let mut out = String::new();
    manage_syncs::run_offline(&mut out)
        .await
        .expect("the offline lifecycle runs");
    let lines: Vec<&str> = out.lines().collect();
    let count = |prefix: &str| lines.iter().filter(|l| l.starts_with(prefix)).count();
    // Each step, in order: ensure ×5 (Created), list, get, update, validate,
    // rotate, delete, ensure ×4 (Unchanged).
    let steps: Vec<&str> = lines
        .iter()
        .filter_map(|l| l.strip_prefix("✓ "))
        .map(|l| l.split_whitespace().next().unwrap_or(""))
        .collect();
    assert_eq!(
        steps,
        [
            "ensure", "ensure", "ensure", "ensure", "ensure", "list", "get", "update", "validate",
            "rotate", "delete", "ensure", "ensure", "ensure", "ensure",
        ],
        "{out}"
    );
    assert_eq!(count("✓ ensure"), 9, "{out}");
    for kind in [
        "GOOGLE_WORKSPACE",
        "OKTA",
        "ENTRA_ID",
        "CROWDSTRIKE",
        "SENTINELONE",
    ] {
        let prefix = format!("✓ ensure {kind} ");
        assert!(
            lines[..6]
                .iter()
                .any(|l| l.starts_with(&prefix) && l.contains("→ Created (id ")),
            "no Created ensure of {kind} in:\n{out}"
        );
    }
    assert!(out.contains("✓ list → 5 syncs"), "{out}");
    assert!(
        out.contains(r#"settings → {"page_size":200,"sync_groups":true}"#),
        "{out}"
    );
    assert!(out.contains("→ valid"), "{out}");
    assert!(out.contains("secret (api_token) → state valid"), "{out}");
    assert!(out.contains("→ deleted (HTTP 204)"), "{out}");
    // The final ensures (after the update, the rotation and the delete) change nothing.
    let finals: Vec<&&str> = lines
        .iter()
        .filter(|l| l.starts_with("✓ ensure"))
        .skip(5)
        .collect();
    assert_eq!(finals.len(), 4, "{out}");
    for line in finals {
        assert!(line.contains("→ Unchanged (id "), "{line}\nin:\n{out}");
    }
    assert!(out.contains("it holds 4 syncs"), "{out}");

    // No key, no secret value: the fake's keys, every placeholder secret, the
    // admin email, and every value of the key file (PEM lines, JSON-escaped).
    let key: Value = serde_json::from_str(KEY_FILE).expect("fixture JSON");
    let mut secrets: Vec<String> = key
        .as_object()
        .expect("object")
        .iter()
        .filter(|(k, _)| !matches!(k.as_str(), "type" | "universe_domain"))
        .filter_map(|(_, v)| v.as_str().map(String::from))
        .collect();
    let pem = key["private_key"].as_str().expect("private_key");
    secrets.extend(pem.lines().map(String::from));
    secrets.push(serde_json::to_string(pem).expect("escapes"));
    secrets.extend(
        [
            entity_context_sync_fake::FAKE_API_KEY,
            entity_context_sync_fake::FAKE_APP_KEY,
            manage_syncs::OKTA_TOKEN,
            manage_syncs::ROTATED_OKTA_TOKEN,
            manage_syncs::CROWDSTRIKE_SECRET,
            manage_syncs::SENTINELONE_TOKEN,
            manage_syncs::ADMIN_EMAIL,
        ]
        .map(String::from),
    );
    for secret in &secrets {
        assert!(
            !out.contains(secret.as_str()),
            "leaked {secret:?} into:\n{out}"
        );
    }
    assert!(!out.contains("PRIVATE KEY"), "{out}");
}

#[tokio::test]
async fn main_job_live_without_keys_says_what_is_missing() {
    if std::env::var_os("DD_API_KEY").is_some() || std::env::var_os("DD_APP_KEY").is_some() {
        return; // a developer's real setup: do not touch the network
    }
    let mut out = String::new();
    let err = manage_syncs::run_live(&mut out)
        .await
        .expect_err("no DD_API_KEY");
    assert!(err.to_string().contains("DD_API_KEY"), "{err}");
    assert!(out.is_empty(), "nothing was sent: {out}");
}
