//! Successful replies: decoding into `IntegrationConfig`, open enums,
//! tolerance of unknown fields, rate-limit headers, 201.

use entity_context_sync::{
    IntegrationConfig, IntegrationType, NewSync, RateLimit, Response, SyncState, Timestamp,
};
use entity_context_sync_httpmock::MockServerExt;
use entity_context_sync_tests::common::*;
use httpmock::MockServer;
use serde_json::{Value, json};

fn sync() -> NewSync {
    gws("My GWS Integration", "siem-test.com")
}

/// Serves `status` with a raw JSON `body` and returns what the facade made of it.
async fn create_against(status: u16, body: Value) -> Response<IntegrationConfig> {
    let server = MockServer::start_async().await;
    let mock = server.create_security_monitoring_integration_config(|_, then| {
        then.into_inner()
            .status(status)
            .header("content-type", "application/json")
            .body(body.to_string());
    });
    let (client, sleep) = client(&server);
    let created = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect("create succeeds");
    assert_eq!(mock.calls(), 1);
    assert!(sleep.waits().is_empty());
    created
}

fn at(text: &str) -> Timestamp {
    Timestamp::parse_rfc3339(text).expect("valid RFC 3339")
}

#[tokio::test]
async fn seed_reply_decodes_with_rate_limit_headers() {
    let server = MockServer::start_async().await;
    server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(then.ok(&seed_response()).into_inner(), 100, 99, 42);
    });
    let (client, _) = client(&server);
    let created = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect("create succeeds");
    assert_eq!(created.status, 200);
    assert_eq!(created.attempts, 1);
    let mut expected_rl = RateLimit::default();
    expected_rl.limit = Some(100);
    expected_rl.period = Some(60);
    expected_rl.remaining = Some(99);
    expected_rl.reset = Some(42);
    expected_rl.name = Some("security_monitoring_integration_config".into());
    assert_eq!(created.rate_limit, Some(expected_rl));

    // Deref reaches the config; into_inner drops the metadata.
    assert_eq!(created.id, "11111111-2222-3333-4444-555555555555");
    let config = created.into_inner();
    assert_eq!(config.id, "11111111-2222-3333-4444-555555555555");
    assert_eq!(config.name.as_deref(), Some("My GWS Integration"));
    assert_eq!(config.domain, "siem-test.com");
    assert_eq!(config.integration_type, IntegrationType::GoogleWorkspace);
    assert!(config.enabled);
    assert_eq!(config.state, Some(SyncState::Valid));
    assert_eq!(config.created_at, Some(at("2026-05-01T12:00:00Z")));
    assert_eq!(config.modified_at, Some(at("2026-05-01T12:00:00Z")));
    assert_eq!(
        Value::Object(config.settings.clone()),
        json!({ "setting1": "value1" })
    );
    // And it serializes back to the attribute names users expect.
    let value = serde_json::to_value(&config).expect("serializes");
    assert_eq!(value["integration_type"], json!("GOOGLE_WORKSPACE"));
    assert_eq!(value["state"], json!("valid"));
    assert_eq!(value["created_at"], json!("2026-05-01T12:00:00Z"));
}

#[tokio::test]
async fn reply_without_rate_limit_headers_has_none() {
    let created = create_against(200, serde_json::from_str(SEED_RESPONSE).expect("json")).await;
    assert_eq!(created.rate_limit, None);
    assert_eq!(created.status, 200);
}

#[tokio::test]
async fn unknown_integration_type_and_state_are_kept_verbatim() {
    let mut body: Value = serde_json::from_str(SEED_RESPONSE).expect("json");
    body["data"]["attributes"]["integration_type"] = json!("JUMPCLOUD");
    body["data"]["attributes"]["state"] = json!("syncing");
    let created = create_against(200, body).await;
    assert_eq!(
        created.integration_type,
        IntegrationType::Unknown("JUMPCLOUD".into())
    );
    assert!(created.integration_type.is_unknown());
    assert_eq!(created.state, Some(SyncState::Unknown("syncing".into())));
    assert_eq!(
        created.state.as_ref().map(SyncState::as_str),
        Some("syncing")
    );
}

#[tokio::test]
async fn every_known_state_decodes() {
    for (wire, state) in [
        ("valid", SyncState::Valid),
        ("invalid", SyncState::Invalid),
        ("initializing", SyncState::Initializing),
    ] {
        let mut body: Value = serde_json::from_str(SEED_RESPONSE).expect("json");
        body["data"]["attributes"]["state"] = json!(wire);
        body["data"]["attributes"]["integration_type"] = json!("ENTRA_ID");
        let created = create_against(200, body).await;
        assert_eq!(created.state, Some(state));
        assert_eq!(created.integration_type, IntegrationType::EntraId);
    }
}

#[tokio::test]
async fn unknown_fields_are_ignored_at_every_level() {
    let mut body: Value = serde_json::from_str(SEED_RESPONSE).expect("json");
    body["meta"] = json!({ "request_id": "abc" });
    body["data"]["relationships"] = json!({ "owner": { "data": null } });
    body["data"]["attributes"]["last_sync_at"] = json!("2026-05-02T00:00:00Z");
    body["data"]["attributes"]["entity_count"] = json!(1234);
    let created = create_against(200, body).await;
    assert_eq!(created.id, "11111111-2222-3333-4444-555555555555");
    assert_eq!(created.name.as_deref(), Some("My GWS Integration"));
}

#[tokio::test]
async fn minimal_reply_with_only_required_fields_decodes() {
    let created = create_against(
        200,
        json!({
            "data": {
                "id": "min-1",
                "type": "integration_config",
                "attributes": { "domain": "acme.okta.com", "enabled": false, "integration_type": "OKTA" }
            }
        }),
    )
    .await;
    assert_eq!(created.id, "min-1");
    assert_eq!(created.domain, "acme.okta.com");
    assert_eq!(created.integration_type, IntegrationType::Okta);
    assert!(!created.enabled);
    assert_eq!(created.name, None);
    assert_eq!(created.state, None);
    assert_eq!(created.created_at, None);
    assert_eq!(created.modified_at, None);
    assert!(created.settings.is_empty());
}

#[tokio::test]
async fn created_201_with_a_valid_body_is_accepted() {
    let server = MockServer::start_async().await;
    let mock = server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(
            then.into_inner()
                .status(201)
                .header("content-type", "application/json")
                .body(SEED_RESPONSE),
            50,
            49,
            10,
        );
    });
    let (client, sleep) = client(&server);
    let created = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect("201 is a success");
    assert_eq!(created.status, 201);
    assert_eq!(created.attempts, 1);
    assert_eq!(created.id, "11111111-2222-3333-4444-555555555555");
    assert_eq!(
        created.rate_limit.as_ref().and_then(|r| r.remaining),
        Some(49)
    );
    assert_eq!(mock.calls(), 1);
    assert!(sleep.waits().is_empty());
}
