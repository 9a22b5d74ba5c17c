//! Response snapshots: what the facade decodes from a 200 — the
//! `Response<IntegrationConfig>` (value, status, rate_limit, attempts)
//! serialized with serde_json — for the seed's example, a minimal reply, every
//! state, the CrowdStrike and SentinelOne types, a sixth (unknown) source type,
//! unknown enum values, extra fields, nested settings, nulls and
//! timestamp offsets; and the stateful fake's replies, which must decode to
//! the same shape as the committed snapshots.

mod snapshots_support;

use entity_context_sync::{Client, IntegrationConfig, IntegrationType, Response, SyncState};
use entity_context_sync_fake::FakeDatadog;
use entity_context_sync_tests::{Recorder, SEED_RESPONSE, json};
use httpmock::MockServer;
use serde_json::Value;
use snapshots_support::{Reply, canary_sync, mount, seed_sync, settings};

/// The facade's decoded reply when the server answers `reply`.
async fn decode(reply: Reply) -> Response<IntegrationConfig> {
    let server = MockServer::start_async().await;
    let mock = mount(&server, &Recorder::default(), &reply, None);
    let response = snapshots_support::client(&server)
        .entity_context_syncs()
        .create(canary_sync())
        .await
        .expect("a 200 the facade decodes");
    assert_eq!(mock.calls_async().await, 1);
    response
}

/// A 200 reply with `attributes` (plus `id` and `type`), no rate-limit headers.
fn with_attributes(attributes: Value) -> Reply {
    Reply::json(
        200,
        serde_json::json!({
            "data": {
                "id": "11111111-2222-3333-4444-555555555555",
                "type": "integration_config",
                "attributes": attributes,
            }
        })
        .to_string(),
    )
}

fn view(response: &Response<IntegrationConfig>) -> Value {
    serde_json::to_value(response).expect("Response serializes")
}

#[tokio::test]
async fn seed_reply() {
    let _settings = settings().bind_to_scope();
    let response = decode(Reply::seed().rate_limited_headers()).await;
    let seed = json(SEED_RESPONSE);
    let attributes = &seed["data"]["attributes"];
    let value = &response.value;
    assert_eq!(value.id, seed["data"]["id"]);
    assert_eq!(value.domain, attributes["domain"]);
    assert_eq!(value.name.as_deref(), attributes["name"].as_str());
    assert_eq!(value.integration_type, IntegrationType::GoogleWorkspace);
    assert_eq!(value.state, Some(SyncState::Valid));
    assert_eq!(
        Value::Object(value.settings.clone()),
        attributes["settings"]
    );
    insta::assert_json_snapshot!("response_seed", view(&response));
}

#[tokio::test]
async fn minimal_reply_with_only_required_fields() {
    let _settings = settings().bind_to_scope();
    let response = decode(with_attributes(serde_json::json!({
        "domain": "siem-test.com",
        "enabled": false,
        "integration_type": "OKTA",
    })))
    .await;
    assert!(response.rate_limit.is_none(), "no X-RateLimit-* headers");
    insta::assert_json_snapshot!("response_minimal", view(&response));
}

#[tokio::test]
async fn every_known_state() {
    let _settings = settings().bind_to_scope();
    let reply = |state: &str| {
        with_attributes(serde_json::json!({
            "domain": "siem-test.com",
            "enabled": true,
            "integration_type": "ENTRA_ID",
            "name": "Entra ID tenant",
            "state": state,
        }))
    };
    let valid = decode(reply("valid")).await;
    assert_eq!(valid.state, Some(SyncState::Valid));
    insta::assert_json_snapshot!("response_state_valid", view(&valid));
    let invalid = decode(reply("invalid")).await;
    assert_eq!(invalid.state, Some(SyncState::Invalid));
    insta::assert_json_snapshot!("response_state_invalid", view(&invalid));
    let initializing = decode(reply("initializing")).await;
    assert_eq!(initializing.state, Some(SyncState::Initializing));
    insta::assert_json_snapshot!("response_state_initializing", view(&initializing));
}

#[tokio::test]
async fn unknown_integration_type_and_state_are_kept_verbatim() {
    let _settings = settings().bind_to_scope();
    let response = decode(with_attributes(serde_json::json!({
        "domain": "siem-test.onelogin.com",
        "enabled": true,
        "integration_type": "ONELOGIN",
        "state": "rate_limited_by_source",
    })))
    .await;
    assert_eq!(
        response.integration_type,
        IntegrationType::Unknown("ONELOGIN".into())
    );
    assert!(response.state.as_ref().is_some_and(SyncState::is_unknown));
    insta::assert_json_snapshot!(
        "response_unknown_integration_type_and_state",
        view(&response)
    );
}

/// The two source types this generation added decode as typed values.
#[tokio::test]
async fn crowdstrike_and_sentinelone_replies() {
    let _settings = settings().bind_to_scope();
    let crowdstrike = decode(with_attributes(serde_json::json!({
        "domain": "api.us-2.crowdstrike.com",
        "enabled": true,
        "integration_type": "CROWDSTRIKE",
        "name": "CrowdStrike Falcon",
        "state": "initializing",
    })))
    .await;
    assert_eq!(crowdstrike.integration_type, IntegrationType::Crowdstrike);
    assert_eq!(crowdstrike.integration_type.as_str(), "CROWDSTRIKE");
    assert!(!crowdstrike.integration_type.is_unknown());
    insta::assert_json_snapshot!("response_crowdstrike", view(&crowdstrike));

    let sentinelone = decode(with_attributes(serde_json::json!({
        "domain": "usea1.sentinelone.net",
        "enabled": true,
        "integration_type": "SENTINELONE",
        "state": "valid",
    })))
    .await;
    assert_eq!(sentinelone.integration_type, IntegrationType::Sentinelone);
    assert_eq!(sentinelone.integration_type.to_string(), "SENTINELONE");
    insta::assert_json_snapshot!("response_sentinelone", view(&sentinelone));
}

/// A sixth source type, newer than this SDK, still decodes (response
/// attributes are not a `oneOf`): kept as `IntegrationType::Unknown`, with
/// its settings, and re-serialized as the same string.
#[tokio::test]
async fn a_sixth_source_type_still_decodes() {
    let _settings = settings().bind_to_scope();
    let response = decode(with_attributes(serde_json::json!({
        "domain": "console.jumpcloud.com",
        "enabled": true,
        "integration_type": "JUMPCLOUD",
        "name": "JumpCloud",
        "settings": { "region": "eu" },
        "state": "valid",
    })))
    .await;
    assert_eq!(
        response.integration_type,
        IntegrationType::Unknown("JUMPCLOUD".into())
    );
    assert!(response.integration_type.is_unknown());
    assert_eq!(response.integration_type.as_str(), "JUMPCLOUD");
    assert_eq!(view(&response)["value"]["integration_type"], "JUMPCLOUD");
    insta::assert_json_snapshot!("response_unknown_sixth_source_type", view(&response));
}

#[tokio::test]
async fn extra_fields_datadog_may_add_are_ignored() {
    let _settings = settings().bind_to_scope();
    let body = serde_json::json!({
        "data": {
            "id": "11111111-2222-3333-4444-555555555555",
            "type": "integration_config",
            "attributes": {
                "domain": "siem-test.com",
                "enabled": true,
                "integration_type": "GOOGLE_WORKSPACE",
                "name": "My GWS Integration",
                "state": "valid",
                "last_sync_at": "2026-05-02T08:30:00Z",
                "entity_count": 1234,
                "created_by": { "handle": "someone@siem-test.com" },
            },
            "relationships": { "owner": { "data": { "id": "u1", "type": "users" } } },
            "links": { "self": "/api/v2/security_monitoring/configuration/integration_config/1111" },
        },
        "meta": { "request_id": "abc" },
        "included": [],
    });
    let response = decode(Reply::json(200, body.to_string())).await;
    insta::assert_json_snapshot!("response_extra_fields", view(&response));
}

#[tokio::test]
async fn nested_settings_are_kept_as_json() {
    let _settings = settings().bind_to_scope();
    let response = decode(with_attributes(serde_json::json!({
        "domain": "siem-test.com",
        "enabled": true,
        "integration_type": "GOOGLE_WORKSPACE",
        "settings": {
            "setting1": "value1",
            "sync": { "users": true, "groups": { "include": ["admins", "eng"], "max": 500 } },
            "ratio": 0.25,
            "big": 9007199254740993u64,
            "negative": -7,
            "nothing": null,
            "list": [1, "two", { "three": [3] }, [], {}],
            "unicode": "Zürich — 東京",
        },
    })))
    .await;
    insta::assert_json_snapshot!("response_nested_settings", view(&response));
}

#[tokio::test]
async fn null_optional_fields_decode_as_absent() {
    let _settings = settings().bind_to_scope();
    let response = decode(with_attributes(serde_json::json!({
        "domain": "siem-test.com",
        "enabled": true,
        "integration_type": "GOOGLE_WORKSPACE",
        "name": null,
        "settings": null,
        "state": null,
        "created_at": null,
        "modified_at": null,
    })))
    .await;
    assert_eq!(response.state, None);
    insta::assert_json_snapshot!("response_null_optional_fields", view(&response));
}

#[tokio::test]
async fn timestamps_with_offsets_and_fractions_are_normalized_to_utc() {
    let _settings = settings().bind_to_scope();
    let response = decode(with_attributes(serde_json::json!({
        "domain": "siem-test.com",
        "enabled": true,
        "integration_type": "GOOGLE_WORKSPACE",
        "created_at": "2026-05-01T14:00:00+02:00",
        "modified_at": "2026-05-01T12:00:00.123456Z",
    })))
    .await;
    insta::assert_json_snapshot!("response_timestamps", view(&response));
}

#[tokio::test]
async fn partial_or_garbled_rate_limit_headers() {
    let _settings = settings().bind_to_scope();
    let response = decode(
        Reply::seed()
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", "soon")
            .header("X-RateLimit-Limit", "-1"),
    )
    .await;
    insta::assert_json_snapshot!("response_partial_rate_limit", view(&response));
}

/// What differs from one run of the fake to the next: `id`, `created_at`,
/// `modified_at` of a decoded config, replaced by markers.
fn redact_run(config: &mut Value) {
    for (field, marker) in [
        ("id", "[id]"),
        ("created_at", "[timestamp]"),
        ("modified_at", "[timestamp]"),
    ] {
        assert!(config[field].is_string(), "{field} is set in {config:#}");
        config[field] = Value::from(marker);
    }
}

/// The `value` of a committed response snapshot (`tests/snapshots/<name>.snap`),
/// run-specific fields redacted.
fn committed_value(name: &str) -> Value {
    let path = format!("{}/snapshots/{name}.snap", env!("CARGO_MANIFEST_DIR"));
    let text = std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("{path}: {e}"));
    let body = text.splitn(3, "---\n").nth(2).expect("an insta header");
    let snapshot: Value = serde_json::from_str(body).expect("a JSON snapshot");
    let mut value = snapshot["value"].clone();
    redact_run(&mut value);
    value
}

/// The fake answers the seed's create (and a get of what it created) with a
/// reply the facade decodes to exactly the seed reply's snapshot
/// (`response_seed`), but for the id and the timestamps it assigns.
#[tokio::test]
async fn the_fakes_replies_decode_like_the_response_snapshots() {
    let fake = FakeDatadog::start().await;
    let client = Client::builder()
        .api_key(fake.api_key())
        .app_key(fake.app_key())
        .base_url(fake.base_url())
        .build()
        .expect("client builds");
    let syncs = client.entity_context_syncs();
    let created = syncs.create(seed_sync()).await.expect("the fake creates");
    let got = syncs.get(&created.id).await.expect("the fake gets");
    let expected = committed_value("response_seed");
    for (operation, response) in [("create", &created), ("get", &got)] {
        assert_eq!(
            (response.status, response.attempts),
            (200, 1),
            "{operation}"
        );
        let mut value = serde_json::to_value(&response.value).expect("serializes");
        redact_run(&mut value);
        assert_eq!(
            value, expected,
            "{operation}: the fake's reply decodes differently"
        );
    }
    assert_eq!(
        created.value, got.value,
        "a get returns what the create did"
    );
    let _settings = settings().bind_to_scope();
    insta::assert_json_snapshot!("response_fake_create", view(&created), {
        ".value.id" => "[id]",
        ".value.created_at" => "[timestamp]",
        ".value.modified_at" => "[timestamp]",
        ".rate_limit.remaining" => "[remaining]",
        ".rate_limit.reset" => "[reset]",
    });
}
