//! Secrets never appear in a reply, an error or the request log.

mod common;

use common::{TYPES, call, create_body, service_account, valid_attributes};
use entity_context_sync_fake::{FakeDatadog, Fault, REDACTED};
use reqwest::Method;
use serde_json::json;

const CANARY: &str = "canary-7f3e91-secret";

#[tokio::test]
async fn secrets_never_appear_in_replies_or_recordings() {
    let fake = FakeDatadog::start().await;
    let mut replies = Vec::new();
    for integration_type in TYPES {
        let body = create_body(valid_attributes(integration_type, CANARY));
        let created = call(&fake, Method::POST, "", Some(body)).await;
        let id = created.json()["data"]["id"]
            .as_str()
            .expect("id")
            .to_owned();
        replies.push(created);
        replies.push(call(&fake, Method::GET, &format!("/{id}"), None).await);
        let patch = create_body(json!({
            "integration_type": integration_type,
            "secrets": valid_attributes(integration_type, &format!("invalid-{CANARY}"))["secrets"]
        }));
        replies.push(call(&fake, Method::PATCH, &format!("/{id}"), Some(patch)).await);
        replies.push(call(&fake, Method::POST, &format!("/{id}/validate"), None).await);
    }
    // Errors: a schema error in a body full of secrets, and rejected credentials.
    let wrong = create_body(json!({
        "integration_type": "OKTA", "name": "n", "domain": "d",
        "secrets": {"api_token": [CANARY]}
    }));
    replies.push(call(&fake, Method::POST, "", Some(wrong)).await);
    let validate = json!({"data": {"type": "integration_config", "attributes": {
        "integration_type": "GOOGLE_WORKSPACE", "domain": "d",
        "secrets": {"service_account_json": service_account(&format!("invalid{CANARY}"))}
    }}});
    let rejected = call(&fake, Method::POST, "/validate", Some(validate)).await;
    assert_eq!(rejected.status, 400);
    replies.push(rejected);
    fake.fail_next(Fault::ResetAfterApply);
    let _ = common::http()
        .post(fake.api_url())
        .header("DD-API-KEY", fake.api_key())
        .header("DD-APPLICATION-KEY", fake.app_key())
        .body(format!("{{not json {CANARY}"))
        .send()
        .await;
    replies.push(call(&fake, Method::GET, "", None).await);

    for reply in &replies {
        assert!(
            !reply.text.contains(CANARY),
            "leak in reply: {}",
            reply.text
        );
        for (name, value) in &reply.headers {
            assert!(
                !value
                    .as_bytes()
                    .windows(CANARY.len())
                    .any(|w| w == CANARY.as_bytes()),
                "{name}"
            );
        }
    }
    let recorded = format!("{:?}", fake.requests());
    assert!(!recorded.contains(CANARY), "leak in requests(): {recorded}");
    assert!(!recorded.contains(fake.api_key()) && !recorded.contains(fake.app_key()));
    assert!(!format!("{:?} {:?}", fake.configs(), fake).contains(CANARY));
}

#[tokio::test]
async fn recordings_redact_keys_and_every_nested_secret_but_keep_their_shape() {
    let fake = FakeDatadog::start().await;
    let body = create_body(valid_attributes("GOOGLE_WORKSPACE", CANARY));
    call(&fake, Method::POST, "", Some(body)).await;
    let request = &fake.requests()[0];
    assert_eq!(request.header("dd-api-key"), Some(REDACTED));
    assert_eq!(request.header("DD-APPLICATION-KEY"), Some(REDACTED));
    assert_eq!(request.header("content-type"), Some("application/json"));
    let attributes = &request.body.as_ref().expect("JSON body")["data"]["attributes"];
    assert_eq!(attributes["name"], "GOOGLE_WORKSPACE sync");
    assert_eq!(attributes["secrets"]["admin_email"], REDACTED);
    let account = &attributes["secrets"]["service_account_json"];
    for key in [
        "type",
        "project_id",
        "private_key_id",
        "private_key",
        "client_email",
        "token_uri",
    ] {
        assert_eq!(account[key], REDACTED, "{key}");
    }
    assert!(request.body_len > 0);
}
