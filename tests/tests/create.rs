//! Creating a sync: what goes on the wire (body and headers) for each
//! integration type, and the escape hatch to the generated client.

use entity_context_sync::{
    Client, Credentials, IntegrationType, NewSync, RetryPolicy, SecretString, ServiceAccountKey,
    default_user_agent,
};
use entity_context_sync_client::types as wire;
use entity_context_sync_httpmock::MockServerExt;
use entity_context_sync_tests::common::*;
use httpmock::MockServer;
use serde_json::{Value, json};

const SEED_REQUEST: &str = entity_context_sync_tests::SEED_REQUEST;

/// Serves the seed reply to any create, recording each request.
fn ok_recording(server: &MockServer) -> (httpmock::Mock<'_>, Requests) {
    let requests = Requests::default();
    let matcher = requests.matcher();
    let mock = server.create_security_monitoring_integration_config(|when, then| {
        when.into_inner().is_true(matcher);
        then.ok(&seed_response());
    });
    (mock, requests)
}

/// Sends `sync`, expects success, returns the one request the server saw.
async fn send_and_capture(sync: NewSync) -> Seen {
    let server = MockServer::start_async().await;
    let (mock, requests) = ok_recording(&server);
    let (client, _) = client(&server);
    let created = client
        .entity_context_syncs()
        .create(sync)
        .await
        .expect("create succeeds");
    assert_eq!(created.attempts, 1);
    assert_eq!(mock.calls(), 1);
    let seen = requests.only();
    assert_eq!(seen.method, "POST");
    assert_eq!(seen.path, PATH);
    seen
}

#[tokio::test]
async fn seed_google_workspace_request_equals_the_fixture() {
    let expected: Value = serde_json::from_str(SEED_REQUEST).expect("fixture is JSON");
    let server = MockServer::start_async().await;
    let requests = Requests::default();
    let matcher = requests.matcher();
    // The typed matcher only answers an exactly equal body; anything else is a 404.
    let typed: wire::SecurityMonitoringIntegrationConfigCreateRequest =
        serde_json::from_str(SEED_REQUEST).expect("fixture is a create request");
    let mock = server.create_security_monitoring_integration_config(|when, then| {
        when.body(&typed).into_inner().is_true(matcher);
        then.ok(&seed_response());
    });
    let (client, _) = client(&server);
    let key = ServiceAccountKey::new(
        "example-project",
        "siem-sync@example-project.iam.gserviceaccount.com",
        "-----BEGIN PRIVATE KEY-----\nEXAMPLE\n-----END PRIVATE KEY-----\n",
    );
    let sync = NewSync::google_workspace("My GWS Integration", "siem-test.com", key)
        .admin_email("test@example.com")
        .setting("setting1", "value1");
    let created = client
        .entity_context_syncs()
        .create(sync)
        .send()
        .await
        .expect("create succeeds");
    assert_eq!(mock.calls(), 1);
    assert_eq!(requests.only().json(), expected);
    assert_eq!(created.id, "11111111-2222-3333-4444-555555555555");
}

#[tokio::test]
async fn okta_request_body() {
    let seen = send_and_capture(NewSync::okta("Okta prod", "acme.okta.com", SECRET)).await;
    assert_eq!(
        seen.json(),
        json!({
            "data": {
                "type": "integration_config",
                "attributes": {
                    "domain": "acme.okta.com",
                    "integration_type": "OKTA",
                    "name": "Okta prod",
                    "secrets": { "api_token": SECRET }
                }
            }
        })
    );
}

#[tokio::test]
async fn google_workspace_request_body_from_a_key_file() {
    let sync = NewSync::google_workspace("GWS", "siem-test.com", key_file()).admin_email(SECRET);
    let seen = send_and_capture(sync).await;
    let key: Value = serde_json::from_str(KEY_FILE).expect("fixture is JSON");
    assert_eq!(
        seen.json(),
        json!({
            "data": {
                "type": "integration_config",
                "attributes": {
                    "domain": "siem-test.com",
                    "integration_type": "GOOGLE_WORKSPACE",
                    "name": "GWS",
                    "secrets": { "admin_email": SECRET, "service_account_json": key }
                }
            }
        })
    );
    // The PEM's newlines travel JSON-escaped, exactly once.
    let raw = String::from_utf8(seen.body.clone()).expect("UTF-8 body");
    let pem = key["private_key"].as_str().expect("private_key");
    let escaped = serde_json::to_string(pem).expect("serializes");
    assert!(
        raw.contains(&escaped),
        "the private key is sent JSON-escaped"
    );
}

#[tokio::test]
async fn google_workspace_with_credentials_google_workspace_as() {
    let credentials = Credentials::google_workspace_as(canary_key(), SECRET);
    assert_eq!(
        credentials.integration_type(),
        IntegrationType::GoogleWorkspace
    );
    let seen = send_and_capture(NewSync::with_credentials(
        "GWS",
        "siem-test.com",
        credentials,
    ))
    .await;
    let secrets = &seen.json()["data"]["attributes"]["secrets"];
    assert_eq!(secrets["admin_email"], SECRET);
    assert_eq!(
        secrets["service_account_json"]["client_email"],
        CLIENT_EMAIL_CANARY
    );
    assert_eq!(
        secrets["service_account_json"]["private_key_id"],
        KEY_ID_CANARY
    );
    assert_eq!(secrets["service_account_json"]["type"], "service_account");
}

#[tokio::test]
async fn crowdstrike_and_sentinel_one_request_bodies() {
    let seen = send_and_capture(NewSync::crowdstrike(
        "Falcon",
        "api.crowdstrike.com",
        "canary-csid-0001",
        SECRET,
    ))
    .await;
    assert_eq!(
        seen.json()["data"]["attributes"],
        json!({
            "domain": "api.crowdstrike.com",
            "integration_type": "CROWDSTRIKE",
            "name": "Falcon",
            "secrets": { "client_id": "canary-csid-0001", "client_secret": SECRET }
        })
    );
    let seen = send_and_capture(
        NewSync::sentinel_one("S1", "usea1.sentinelone.net", SECRET).setting("site", "eu"),
    )
    .await;
    assert_eq!(
        seen.json()["data"]["attributes"],
        json!({
            "domain": "usea1.sentinelone.net",
            "integration_type": "SENTINELONE",
            "name": "S1",
            "secrets": { "api_token": SECRET },
            "settings": { "site": "eu" }
        })
    );
}

#[tokio::test]
async fn with_credentials_equals_the_source_constructor() {
    for (a, b) in [
        (
            NewSync::okta("o", "acme.okta.com", SECRET),
            NewSync::with_credentials("o", "acme.okta.com", Credentials::okta(SECRET)),
        ),
        (
            NewSync::crowdstrike("o", "x.com", "canary-csid-0002", SECRET),
            NewSync::with_credentials(
                "o",
                "x.com",
                Credentials::crowdstrike("canary-csid-0002", SECRET),
            ),
        ),
        (
            NewSync::entra_id("o", "x.com"),
            NewSync::with_credentials("o", "x.com", Credentials::entra_id()),
        ),
    ] {
        assert_eq!(a.integration_type(), b.integration_type());
        assert_eq!(
            send_and_capture(a).await.json(),
            send_and_capture(b).await.json()
        );
    }
}

#[tokio::test]
async fn entra_id_request_body_with_structured_settings() {
    let sync = NewSync::entra_id("Entra", "acme.onmicrosoft.com")
        .setting("sync_groups", true)
        .setting("page_size", 200)
        .setting("scopes", json!(["User.Read.All", "Group.Read.All"]));
    let seen = send_and_capture(sync).await;
    assert_eq!(
        seen.json(),
        json!({
            "data": {
                "type": "integration_config",
                "attributes": {
                    "domain": "acme.onmicrosoft.com",
                    "integration_type": "ENTRA_ID",
                    "name": "Entra",
                    "settings": {
                        "sync_groups": true,
                        "page_size": 200,
                        "scopes": ["User.Read.All", "Group.Read.All"]
                    }
                }
            }
        })
    );
}

#[tokio::test]
async fn integration_type_unknown_to_the_sdk_is_sent_verbatim() {
    let sync = NewSync::raw(
        IntegrationType::from("JUMPCLOUD"),
        "JC",
        "acme.jumpcloud.com",
    )
    .raw_secrets(json!({ "api_key": SECRET }));
    assert!(sync.integration_type().is_unknown());
    let seen = send_and_capture(sync).await;
    assert_eq!(
        seen.json(),
        json!({
            "data": {
                "type": "integration_config",
                "attributes": {
                    "domain": "acme.jumpcloud.com",
                    "integration_type": "JUMPCLOUD",
                    "name": "JC",
                    "secrets": { "api_key": SECRET }
                }
            }
        })
    );
}

#[tokio::test]
async fn settings_are_omitted_when_empty_and_type_is_filled_in() {
    let sync = gws("GWS", "siem-test.com")
        .setting("temporary", 1)
        .settings(Vec::new()); // replaced by nothing
    let body = send_and_capture(sync).await.json();
    let attributes = body
        .pointer("/data/attributes")
        .and_then(Value::as_object)
        .expect("attributes object");
    assert!(!attributes.contains_key("settings"), "{body}");
    assert_eq!(
        body.pointer("/data/type"),
        Some(&json!("integration_config"))
    );
    assert_eq!(
        body.as_object()
            .map(|o| o.keys().cloned().collect::<Vec<_>>()),
        Some(vec!["data".to_string()])
    );
}

#[tokio::test]
async fn credential_headers_are_sent_trimmed() {
    let server = MockServer::start_async().await;
    let (mock, requests) = ok_recording(&server);
    let client = Client::builder()
        .api_key(format!("  {API_KEY}\n"))
        .app_key(SecretString::from(format!("\t{APP_KEY} ")))
        .base_url(server.base_url())
        .build()
        .expect("valid client");
    client
        .entity_context_syncs()
        .create(NewSync::okta("o", "acme.okta.com", SECRET))
        .await
        .expect("create succeeds");
    assert_eq!(mock.calls(), 1);
    let seen = requests.only();
    assert_eq!(seen.header("dd-api-key"), API_KEY);
    assert_eq!(seen.header("dd-application-key"), APP_KEY);
}

#[tokio::test]
async fn default_user_agent_and_json_headers_are_sent_without_api_version() {
    let seen = send_and_capture(NewSync::okta("o", "acme.okta.com", SECRET)).await;
    let ua = seen.header("user-agent");
    assert_eq!(ua, default_user_agent());
    assert_eq!(
        ua,
        format!(
            "entity-context-sync/{} (rust; {}; {})",
            // The facade's version, not this test crate's.
            default_user_agent()
                .split(['/', ' '])
                .nth(1)
                .expect("a version"),
            std::env::consts::OS,
            std::env::consts::ARCH
        )
    );
    assert!(seen.header_values("api-version").is_empty(), "{seen:#?}");
    assert_eq!(seen.header("content-type"), "application/json");
    assert_eq!(seen.header("accept"), "application/json");
}

#[tokio::test]
async fn custom_user_agent_replaces_the_default() {
    let server = MockServer::start_async().await;
    let (_mock, requests) = ok_recording(&server);
    let client = builder(&server.base_url())
        .user_agent("acme-provisioner/2.3 (+https://acme.example)")
        .build()
        .expect("valid client");
    client
        .entity_context_syncs()
        .create(NewSync::okta("o", "acme.okta.com", SECRET))
        .await
        .expect("create succeeds");
    assert_eq!(
        requests.only().header_values("user-agent"),
        ["acme-provisioner/2.3 (+https://acme.example)"]
    );
}

#[tokio::test]
async fn own_http_client_still_gets_credentials_and_user_agent() {
    let server = MockServer::start_async().await;
    let (_mock, requests) = ok_recording(&server);
    // Building a facade client first installs the rustls provider this build relies on.
    builder(&server.base_url()).build().expect("valid client");
    let http = reqwest::Client::builder()
        .build()
        .expect("reqwest client builds");
    let client = builder(&server.base_url())
        .http_client(http)
        .build()
        .expect("valid client");
    client
        .entity_context_syncs()
        .create(NewSync::okta("o", "acme.okta.com", SECRET))
        .await
        .expect("create succeeds");
    let seen = requests.only();
    assert_eq!(seen.header("dd-api-key"), API_KEY);
    assert_eq!(seen.header("dd-application-key"), APP_KEY);
    assert_eq!(seen.header("user-agent"), default_user_agent());
}

#[tokio::test]
async fn per_call_retry_policy_overrides_the_clients() {
    let server = MockServer::start_async().await;
    let limited = server.create_security_monitoring_integration_config(|_, then| {
        then.too_many_requests(&api_errors(&["Too many requests"]));
    });
    let (client, sleep) = client(&server); // default policy: 3 retries
    let err = client
        .entity_context_syncs()
        .create(NewSync::okta("o", "acme.okta.com", SECRET))
        .retry_policy(RetryPolicy::none())
        .await
        .expect_err("429");
    assert!(
        matches!(
            err,
            entity_context_sync::Error::RateLimited { attempts: 1, .. }
        ),
        "{err:?}"
    );
    assert_eq!(limited.calls(), 1);
    assert!(sleep.waits().is_empty());
}

#[tokio::test]
async fn inner_generated_client_works_against_the_mock() {
    let server = MockServer::start_async().await;
    let (mock, requests) = ok_recording(&server);
    let (client, _) = client(&server);
    let body: wire::SecurityMonitoringIntegrationConfigCreateRequest =
        serde_json::from_str(SEED_REQUEST).expect("fixture is a create request");
    let reply = client
        .inner()
        .create_security_monitoring_integration_config(&body)
        .await
        .expect("generated client call succeeds");
    assert_eq!(reply.status().as_u16(), 200);
    assert_eq!(reply.data.id, "11111111-2222-3333-4444-555555555555");
    assert_eq!(mock.calls(), 1);
    let seen = requests.only();
    assert_eq!(seen.header("dd-api-key"), API_KEY);
    assert_eq!(seen.header("dd-application-key"), APP_KEY);
    assert_eq!(seen.header("user-agent"), default_user_agent());
    assert!(seen.header_values("api-version").is_empty());
    assert_eq!(
        seen.json(),
        serde_json::from_str::<Value>(SEED_REQUEST).expect("fixture is JSON")
    );
}

#[tokio::test]
async fn clones_share_settings_and_every_call_is_separate() {
    let server = MockServer::start_async().await;
    let (mock, requests) = ok_recording(&server);
    let (client, _) = client(&server);
    let other = client.clone();
    let syncs = client.entity_context_syncs();
    let a = syncs.create(NewSync::okta("a", "a.okta.com", "s-a"));
    let b = other
        .entity_context_syncs()
        .create(NewSync::entra_id("b", "b.example.com"));
    let (a, b) = tokio::join!(a.send(), b.send());
    assert_eq!(a.expect("a succeeds").attempts, 1);
    assert_eq!(b.expect("b succeeds").attempts, 1);
    assert_eq!(mock.calls(), 2);
    let mut names: Vec<Value> = requests
        .all()
        .iter()
        .map(|s| s.json()["data"]["attributes"]["name"].clone())
        .collect();
    names.sort_by_key(|v| v.to_string());
    assert_eq!(names, [json!("a"), json!("b")]);
}

/// The deprecated shims still build the same bodies: `NewSync::new` is the
/// escape hatch, and `.secret` on a source's constructor sets that source's
/// secret.
#[tokio::test]
#[allow(deprecated)]
async fn deprecated_new_and_secret_still_send_the_same_body() {
    let old = NewSync::new("JUMPCLOUD", "JC", "acme.jumpcloud.com").secret("api_key", SECRET);
    let new = NewSync::raw("JUMPCLOUD", "JC", "acme.jumpcloud.com")
        .raw_secrets(json!({ "api_key": SECRET }));
    assert_eq!(
        send_and_capture(old).await.json(),
        send_and_capture(new).await.json()
    );
    let old = NewSync::new("OKTA", "o", "acme.okta.com").secret("api_token", SECRET);
    assert_eq!(
        send_and_capture(old).await.json()["data"]["attributes"]["secrets"],
        json!({ "api_token": SECRET })
    );
    let old = NewSync::okta("o", "acme.okta.com", "placeholder").secret("api_token", SECRET);
    assert_eq!(
        send_and_capture(old).await.json(),
        send_and_capture(NewSync::okta("o", "acme.okta.com", SECRET))
            .await
            .json()
    );
}
