//! The `create_sync` example's offline run (its own code, compiled in here):
//! it creates a Google Workspace sync from the key file fixture and prints
//! the request and the reply, with no secret of the key file in its output.

mod common;

#[allow(dead_code, unreachable_pub)]
#[path = "../examples/create_sync.rs"]
mod create_sync;

use common::KEY_FILE;
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
        "\"id\": \"11111111-2222-3333-4444-555555555555\"",
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
    secrets.extend(["offline-demo-api-key".into(), "offline-demo-app-key".into()]);
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
