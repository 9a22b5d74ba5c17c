//! Arguments are checked before anything is sent: each bad `NewSync` is an
//! `Error::Validation` naming the field, and the server sees zero requests.

mod common;

use common::*;
use entity_context_sync::{
    Error, IntegrationType, MAX_DOMAIN_LEN, MAX_KEY_LEN, MAX_NAME_CHARS, MAX_SECRET_LEN,
    MAX_SETTINGS_LEN, NewSync,
};
use entity_context_sync_httpmock::MockServerExt;
use httpmock::MockServer;
use serde_json::Value;

fn gws(name: &str, domain: &str) -> NewSync {
    NewSync::google_workspace(name, domain).admin_email(SECRET)
}

/// Sends `sync` to a server that would accept anything; expects a
/// validation error on `field` whose reason contains `reason`, and no request.
async fn refused(sync: NewSync, field: &str, reason: &str) -> Error {
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200)
            .header("content-type", "application/json")
            .body(SEED_RESPONSE);
    });
    let (client, sleep) = client(&server);
    let direct = sync.validate().expect_err("validate() refuses it too");
    let err = client
        .entity_context_syncs()
        .create(sync)
        .await
        .expect_err("refused before sending");
    assert_eq!(mock.calls(), 0, "nothing may be sent for {field}");
    assert!(sleep.waits().is_empty());
    match &err {
        Error::Validation {
            field: got,
            reason: why,
        } => {
            assert_eq!(got, field, "{err}");
            assert!(why.contains(reason), "reason {why:?} lacks {reason:?}");
        }
        other => panic!("expected Error::Validation, got {other:?}"),
    }
    assert_eq!(direct.to_string(), err.to_string());
    assert_eq!(
        err.to_string(),
        format!("invalid {field}: {}", reason_of(&err))
    );
    assert!(!err.is_retryable());
    assert!(!err.may_have_been_applied());
    assert_eq!(err.status(), None);
    assert_no_leak(&shown(&err), &[SECRET]);
    err
}

fn reason_of(err: &Error) -> &str {
    match err {
        Error::Validation { reason, .. } => reason,
        _ => "",
    }
}

#[tokio::test]
async fn empty_name() {
    refused(gws("", "siem-test.com"), "name", "must not be empty").await;
}

#[tokio::test]
async fn whitespace_name() {
    let err = refused(gws(" \t ", "siem-test.com"), "name", "only whitespace").await;
    println!("validation Display: {err}");
    assert_eq!(
        err.to_string(),
        "invalid name: must not be empty or only whitespace"
    );
}

#[tokio::test]
async fn name_with_control_characters() {
    refused(
        gws("My\u{0}GWS", "siem-test.com"),
        "name",
        "control characters",
    )
    .await;
    refused(
        gws("line\nbreak", "siem-test.com"),
        "name",
        "control characters",
    )
    .await;
}

#[tokio::test]
async fn oversized_name() {
    let name = "é".repeat(MAX_NAME_CHARS + 1);
    refused(
        gws(&name, "siem-test.com"),
        "name",
        "257 characters; the limit is 256",
    )
    .await;
}

#[tokio::test]
async fn empty_domain() {
    refused(gws("n", ""), "domain", "must not be empty").await;
    refused(gws("n", "   "), "domain", "must not be empty").await;
}

#[tokio::test]
async fn domain_with_scheme() {
    let err = refused(
        gws("n", "https://siem-test.com"),
        "domain",
        "without a scheme",
    )
    .await;
    assert_eq!(
        err.to_string(),
        "invalid domain: must be a bare domain such as `example.com`, without a scheme"
    );
}

#[tokio::test]
async fn domain_with_path() {
    refused(gws("n", "siem-test.com/admin"), "domain", "found `/`").await;
}

#[tokio::test]
async fn domain_with_spaces() {
    refused(
        gws("n", "siem test.com"),
        "domain",
        "must not contain spaces",
    )
    .await;
    refused(
        gws("n", " siem-test.com"),
        "domain",
        "must not contain spaces",
    )
    .await;
}

#[tokio::test]
async fn domain_with_port() {
    refused(gws("n", "siem-test.com:443"), "domain", "found `:`").await;
}

#[tokio::test]
async fn domain_with_user_query_or_fragment() {
    refused(gws("n", "admin@siem-test.com"), "domain", "found `@`").await;
    refused(gws("n", "siem-test.com?x=1"), "domain", "found `?`").await;
    refused(gws("n", "siem-test.com#top"), "domain", "found `#`").await;
}

#[tokio::test]
async fn domain_with_leading_trailing_or_double_dot() {
    refused(gws("n", ".siem-test.com"), "domain", "empty label").await;
    refused(gws("n", "siem-test.com."), "domain", "empty label").await;
    refused(gws("n", "siem..test.com"), "domain", "empty label").await;
}

#[tokio::test]
async fn domain_with_control_characters() {
    refused(gws("n", "siem-test.com\r"), "domain", "control characters").await;
}

#[tokio::test]
async fn oversized_domain() {
    let domain = format!("{}.com", "a".repeat(MAX_DOMAIN_LEN));
    refused(gws("n", &domain), "domain", "the limit is 253").await;
}

#[tokio::test]
async fn no_secrets() {
    refused(
        NewSync::google_workspace("n", "siem-test.com"),
        "secrets",
        "at least one secret is required",
    )
    .await;
}

#[tokio::test]
async fn empty_secret_key() {
    refused(
        NewSync::okta("n", "acme.okta.com").secret("", SECRET),
        "secrets",
        "keys must not be empty",
    )
    .await;
    refused(
        NewSync::okta("n", "acme.okta.com").secret("  ", SECRET),
        "secrets",
        "keys must not be empty",
    )
    .await;
}

#[tokio::test]
async fn empty_secret_value() {
    refused(
        NewSync::okta("n", "acme.okta.com").secret("api_token", ""),
        "secrets.api_token",
        "is empty",
    )
    .await;
    refused(
        NewSync::okta("n", "acme.okta.com").secret("api_token", " \n "),
        "secrets.api_token",
        "is empty",
    )
    .await;
}

#[tokio::test]
async fn oversized_secret_value() {
    let big = format!("{SECRET}{}", "x".repeat(MAX_SECRET_LEN));
    let err = refused(
        NewSync::okta("n", "acme.okta.com").secret("api_token", big.as_str()),
        "secrets.api_token",
        &format!("is {} bytes; the limit is {MAX_SECRET_LEN}", big.len()),
    )
    .await;
    assert_no_leak(&shown(&err), &[&big[..40]]);
}

#[tokio::test]
async fn oversized_secret_key() {
    refused(
        NewSync::okta("n", "acme.okta.com").secret("k".repeat(MAX_KEY_LEN + 1), SECRET),
        "secrets",
        "the limit is 256",
    )
    .await;
}

#[tokio::test]
async fn control_characters_in_secret_key() {
    refused(
        NewSync::okta("n", "acme.okta.com").secret("api\ttoken", SECRET),
        "secrets",
        "control characters",
    )
    .await;
}

#[tokio::test]
async fn oversized_settings() {
    let sync = gws("n", "siem-test.com").setting("blob", "x".repeat(MAX_SETTINGS_LEN));
    refused(sync, "settings", "the limit is 262144").await;
}

#[tokio::test]
async fn bad_setting_keys() {
    refused(
        gws("n", "siem-test.com").setting("", 1),
        "settings",
        "keys must not be empty",
    )
    .await;
    refused(
        gws("n", "siem-test.com").setting("a\u{7}b", 1),
        "settings",
        "control characters",
    )
    .await;
    refused(
        gws("n", "siem-test.com").setting("s".repeat(MAX_KEY_LEN + 1), 1),
        "settings",
        "the limit is 256",
    )
    .await;
}

#[tokio::test]
async fn empty_or_padded_custom_integration_type() {
    let custom = |t: &str| {
        NewSync::new(IntegrationType::from(t), "n", "acme.example.com").secret("token", SECRET)
    };
    refused(custom(""), "integration_type", "non-empty").await;
    refused(
        custom(" JUMPCLOUD "),
        "integration_type",
        "surrounding spaces",
    )
    .await;
}

#[tokio::test]
async fn limits_are_inclusive_and_multiline_secrets_are_fine() {
    // Exactly at each limit is accepted and sent unchanged.
    let name = "é".repeat(MAX_NAME_CHARS);
    let domain = format!("{}.com", "a".repeat(MAX_DOMAIN_LEN - 4));
    let secret = "s".repeat(MAX_SECRET_LEN);
    let pem = "-----BEGIN PRIVATE KEY-----\nMIIE\n-----END PRIVATE KEY-----\n";
    let sync = NewSync::google_workspace(name.as_str(), domain.as_str())
        .admin_email(secret.as_str())
        .secret("k".repeat(MAX_KEY_LEN), pem);
    sync.validate().expect("at the limits is valid");

    let server = MockServer::start_async().await;
    let requests = Requests::default();
    let matcher = requests.matcher();
    let mock = server.create_security_monitoring_integration_config(|when, then| {
        when.into_inner().is_true(matcher);
        then.ok(&seed_response());
    });
    let (client, _) = client(&server);
    client
        .entity_context_syncs()
        .create(sync)
        .await
        .expect("accepted");
    assert_eq!(mock.calls(), 1);
    let body = requests.only().json();
    let attrs = &body["data"]["attributes"];
    assert_eq!(attrs["name"], Value::from(name));
    assert_eq!(attrs["domain"], Value::from(domain));
    assert_eq!(
        attrs["secrets"]["admin_email"].as_str().map(str::len),
        Some(MAX_SECRET_LEN)
    );
    assert_eq!(
        attrs["secrets"]["k".repeat(MAX_KEY_LEN).as_str()],
        Value::from(pem)
    );
}

#[tokio::test]
async fn first_problem_wins_and_nothing_is_sent_for_any_of_many_bad_syncs() {
    // One server, many refusals in a row: still zero requests.
    let server = MockServer::start_async().await;
    let mock = server.mock(|when, then| {
        when.any_request();
        then.status(200).body(SEED_RESPONSE);
    });
    let (client, _) = client(&server);
    let bad = [
        NewSync::google_workspace("", ""),
        NewSync::okta("n", "https://x/"),
        NewSync::entra_id("n", "x.com"),
        NewSync::new(IntegrationType::from(""), "n", "x.com").secret("k", "v"),
    ];
    let mut fields = Vec::new();
    for sync in bad {
        match client.entity_context_syncs().create(sync).await {
            Err(Error::Validation { field, .. }) => fields.push(field),
            other => panic!("expected a validation error, got {other:?}"),
        }
    }
    assert_eq!(fields, ["name", "domain", "secrets", "integration_type"]);
    assert_eq!(mock.calls(), 0);
}
