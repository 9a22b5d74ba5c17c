//! The `entity-context-sync-fake` binary: prints where it listens and serves.

use std::io::{BufRead, BufReader};
use std::process::{Command, Stdio};

#[tokio::test]
async fn the_binary_prints_its_url_and_keys_and_serves() {
    let mut child = Command::new(env!("CARGO_BIN_EXE_entity-context-sync-fake"))
        .args(["--port", "0", "--api-key", "bin-api", "--app-key=bin-app"])
        .stdout(Stdio::piped())
        .spawn()
        .expect("binary starts");
    let stdout = child.stdout.take().expect("stdout");
    let mut lines = BufReader::new(stdout).lines();
    let mut next = || lines.next().expect("a line").expect("text");
    let (first, api, app) = (next(), next(), next());
    let url = first
        .strip_prefix("listening on ")
        .unwrap_or_else(|| panic!("unexpected first line {first:?}"))
        .to_owned();
    assert!(url.starts_with("http://127.0.0.1:"), "{url}");
    assert_eq!(api, "DD-API-KEY: bin-api");
    assert_eq!(app, "DD-APPLICATION-KEY: bin-app");

    let _ = rustls::crypto::ring::default_provider().install_default();
    let reply = reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("client")
        .get(format!("{url}{}", entity_context_sync_fake::API_PATH))
        .header("DD-API-KEY", "bin-api")
        .header("DD-APPLICATION-KEY", "bin-app")
        .send()
        .await;
    child.kill().expect("kill the child we started");
    let _ = child.wait();
    let reply = reply.expect("answered");
    assert_eq!(reply.status(), 200);
    assert_eq!(reply.text().await.expect("body"), r#"{"data":[]}"#);
}

#[test]
fn bad_options_exit_with_usage() {
    let output = Command::new(env!("CARGO_BIN_EXE_entity-context-sync-fake"))
        .args(["--port", "nope"])
        .output()
        .expect("binary runs");
    assert_eq!(output.status.code(), Some(2));
    assert!(String::from_utf8_lossy(&output.stderr).contains("usage:"));
}
