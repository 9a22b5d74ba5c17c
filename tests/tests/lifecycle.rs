//! Issue 10, "every operation works end to end": the whole lifecycle of the
//! facade against the embedded stateful fake (`entity-context-sync-fake`).

use entity_context_sync::{
    Client, Credentials, IntegrationConfig, IntegrationType, NewSync, RetryPolicy,
    ServiceAccountKey, SyncState,
};
use entity_context_sync_fake::{API_PATH, FakeDatadog, REDACTED, SeedConfig};
use serde_json::{Value, json};

const PRIVATE_KEY: &str =
    "-----BEGIN PRIVATE KEY-----\nMIIEvQlifecycleTestKeyMaterial\n-----END PRIVATE KEY-----\n";

fn client(fake: &FakeDatadog) -> Client {
    Client::builder()
        .api_key(fake.api_key())
        .app_key(fake.app_key())
        .base_url(fake.base_url())
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("client builds")
}

fn key() -> ServiceAccountKey {
    ServiceAccountKey::new(
        "example-project",
        "siem-sync@example-project.iam.gserviceaccount.com",
        PRIVATE_KEY,
    )
}

/// The body of the last request the fake recorded (secrets redacted).
fn last_body(fake: &FakeDatadog) -> Value {
    fake.requests()
        .last()
        .and_then(|r| r.body.clone())
        .expect("the last request had a JSON body")
}

fn attributes(fake: &FakeDatadog) -> serde_json::Map<String, Value> {
    last_body(fake)["data"]["attributes"]
        .as_object()
        .cloned()
        .expect("data.attributes is an object")
}

#[tokio::test]
async fn create_each_source_type() {
    let fake = FakeDatadog::start().await;
    let client = client(&fake);
    let syncs = client.entity_context_syncs();
    let cases = [
        (
            NewSync::google_workspace("GWS", "acme.com", key()).admin_email("admin@acme.com"),
            IntegrationType::GoogleWorkspace,
            vec![
                "admin_email",
                "service_account_json.client_email",
                "service_account_json.private_key",
                "service_account_json.project_id",
                "service_account_json.type",
            ],
        ),
        (
            NewSync::okta("Okta", "acme.okta.com", "okta-token-1"),
            IntegrationType::Okta,
            vec!["api_token"],
        ),
        (
            NewSync::entra_id("Entra", "acme.onmicrosoft.com"),
            IntegrationType::EntraId,
            vec![],
        ),
        (
            NewSync::crowdstrike(
                "CS",
                "api.crowdstrike.com",
                "cs-client-id",
                "cs-client-secret",
            ),
            IntegrationType::Crowdstrike,
            vec!["client_id", "client_secret"],
        ),
        (
            NewSync::sentinel_one("S1", "acme.sentinelone.net", "s1-token-1")
                .setting("region", "eu"),
            IntegrationType::Sentinelone,
            vec!["api_token"],
        ),
    ];
    for (sync, integration_type, secrets) in cases {
        let name = sync.name().to_owned();
        let created = syncs.create(sync).await.expect("create succeeds");
        assert_eq!((created.status, created.attempts), (200, 1));
        let config = &created.value;
        assert_eq!(config.integration_type, integration_type);
        assert_eq!(config.name.as_deref(), Some(name.as_str()));
        assert!(config.enabled);
        assert_eq!(config.state, Some(SyncState::Valid));
        let mut stored = fake.secret_paths(&config.id).expect("stored");
        stored.sort();
        assert_eq!(stored, secrets, "{integration_type}");
        let request = fake.requests().pop().expect("recorded");
        assert_eq!(
            (request.method.as_str(), request.path.as_str()),
            ("POST", API_PATH)
        );
    }
    let configs = fake.configs();
    assert_eq!(configs.len(), 5);
    assert_eq!(
        configs[4]["attributes"]["settings"],
        json!({"region": "eu"})
    );
    let text = format!("{:?}", fake.requests());
    for secret in [
        PRIVATE_KEY,
        "okta-token-1",
        "cs-client-secret",
        "s1-token-1",
    ] {
        assert!(!text.contains(secret));
    }
}

#[tokio::test]
async fn list_with_and_without_filter_and_get() {
    let fake = FakeDatadog::start().await;
    let okta = fake.seed(SeedConfig::new("OKTA", "Okta prod", "acme.okta.com"));
    let entra = fake.seed(SeedConfig::new("ENTRA_ID", "Entra", "acme.onmicrosoft.com"));
    let s1 = fake.seed(SeedConfig::new("SENTINELONE", "S1", "acme.sentinelone.net"));
    let client = client(&fake);
    let syncs = client.entity_context_syncs();

    let all = syncs.list().await.expect("list");
    let ids: Vec<&str> = all.value.iter().map(|c| c.id.as_str()).collect();
    assert_eq!(ids, [okta.as_str(), entra.as_str(), s1.as_str()]);
    assert_eq!(fake.requests().last().and_then(|r| r.query.clone()), None);

    let only = syncs
        .list()
        .integration_type(IntegrationType::EntraId)
        .await
        .expect("filtered list");
    assert_eq!(only.value.len(), 1);
    assert_eq!(only.value[0].id, entra);
    assert_eq!(
        fake.requests()
            .last()
            .and_then(|r| r.query.clone())
            .as_deref(),
        Some("filter%5Bintegration_type%5D=ENTRA_ID")
    );

    let got = syncs.get(&okta).await.expect("get");
    assert_eq!(got.status, 200);
    assert_eq!(got.value.id, okta);
    assert_eq!(got.value.domain, "acme.okta.com");
    assert_eq!(got.value.integration_type, IntegrationType::Okta);
    let request = fake.requests().pop().expect("recorded");
    assert_eq!(request.method, "GET");
    assert_eq!(request.path, format!("{API_PATH}/{okta}"));
}

#[tokio::test]
async fn update_sends_only_what_is_set_and_rotates_secrets() {
    let fake = FakeDatadog::start().await;
    let id = fake.seed(
        SeedConfig::new("OKTA", "Okta prod", "acme.okta.com")
            .settings(json!({"a": 1}))
            .secrets(json!({"api_token": "old-token"})),
    );
    let client = client(&fake);
    let syncs = client.entity_context_syncs();

    let updated = syncs
        .update(&id, IntegrationType::Okta)
        .settings([("a".to_owned(), json!(2))])
        .await
        .expect("update settings");
    assert_eq!(updated.value.settings.get("a"), Some(&json!(2)));
    assert_eq!(updated.value.name.as_deref(), Some("Okta prod"));
    let request = fake.requests().pop().expect("recorded");
    assert_eq!(request.method, "PATCH");
    assert_eq!(request.path, format!("{API_PATH}/{id}"));
    let sent = attributes(&fake);
    let mut keys: Vec<&str> = sent.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["integration_type", "settings"]);
    assert_eq!(sent["settings"], json!({"a": 2}));

    let disabled = syncs
        .update(&id, IntegrationType::Okta)
        .enabled(false)
        .await
        .expect("update enabled");
    assert!(!disabled.value.enabled);
    let sent = attributes(&fake);
    assert_eq!(
        Value::Object(sent),
        json!({"integration_type": "OKTA", "enabled": false})
    );

    let renamed = syncs
        .update(&id, "OKTA")
        .name("Okta production")
        .domain("acme2.okta.com")
        .await
        .expect("update name and domain");
    assert_eq!(renamed.value.name.as_deref(), Some("Okta production"));
    assert_eq!(renamed.value.domain, "acme2.okta.com");

    // Rotation: the new token is sent (redacted in the fake's log) and stored.
    let rotated = syncs
        .update(&id, IntegrationType::Okta)
        .credentials(Credentials::okta("invalid-new-token"))
        .await
        .expect("rotate");
    let sent = attributes(&fake);
    assert_eq!(sent["secrets"], json!({"api_token": REDACTED}));
    assert_eq!(sent.len(), 2, "{sent:?}");
    // The fake marks a secret starting with `invalid` as invalid: proof it was stored.
    assert_eq!(rotated.value.state, Some(SyncState::Invalid));
    assert!(!format!("{:?}", fake.requests()).contains("invalid-new-token"));
}

#[tokio::test]
async fn validate_and_validate_credentials() {
    let fake = FakeDatadog::start().await;
    let good = fake.seed(
        SeedConfig::new("OKTA", "Okta", "acme.okta.com").secrets(json!({"api_token": "fine"})),
    );
    let bad = fake.seed(
        SeedConfig::new("OKTA", "Okta 2", "acme.okta.com")
            .secrets(json!({"api_token": "invalid-token"})),
    );
    let client = client(&fake);
    let syncs = client.entity_context_syncs();

    let ok = syncs.validate(&good).await.expect("validate");
    assert!(ok.value.valid);
    assert!(ok.value.errors.is_empty());
    assert_eq!(ok.status, 200);
    let request = fake.requests().pop().expect("recorded");
    assert_eq!(
        (request.method.as_str(), request.path),
        ("POST", format!("{API_PATH}/{good}/validate"))
    );

    let no = syncs.validate(&bad).await.expect("a 400 is an answer");
    assert!(!no.value.valid);
    assert_eq!(no.status, 400);
    assert_eq!(
        no.value.errors,
        ["secrets.api_token: rejected by the source"]
    );

    let missing = syncs.validate("no-such-id").await.expect_err("404");
    assert_eq!(missing.status(), Some(404));

    let ok = syncs
        .validate_credentials("acme.okta.com", Credentials::okta("good-token"))
        .await
        .expect("validate credentials");
    assert!(ok.value.valid);
    assert_eq!(
        last_body(&fake),
        json!({"data": {"type": "integration_config", "attributes": {
            "integration_type": "OKTA", "domain": "acme.okta.com",
            "secrets": {"api_token": REDACTED}}}})
    );
    let no = syncs
        .validate_credentials(
            "acme.com",
            Credentials::google_workspace_as(key(), "invalid@acme.com"),
        )
        .await
        .expect("a 400 is an answer");
    assert!(!no.value.valid);
    assert!(
        no.value.errors[0].contains("admin_email"),
        "{:?}",
        no.value.errors
    );
    let entra = syncs
        .validate_credentials("acme.onmicrosoft.com", Credentials::entra_id())
        .await
        .expect("entra");
    assert!(entra.value.valid);
    assert_eq!(fake.configs().len(), 2, "validation stores nothing");
}

#[tokio::test]
async fn activate_deactivate_and_app_registrations() {
    let fake = FakeDatadog::start().await;
    let client = client(&fake);
    let syncs = client.entity_context_syncs();

    let first = syncs
        .activate(IntegrationType::EntraId)
        .name("Entra prod")
        .domain("acme.onmicrosoft.com")
        .await
        .expect("activate");
    let request = fake.requests().pop().expect("recorded");
    assert_eq!(request.path, format!("{API_PATH}/entra_id/activate"));
    assert_eq!(
        request.body,
        Some(
            json!({"data": {"type": "activate_entra_id_request", "attributes": {
            "name": "Entra prod", "domain": "acme.onmicrosoft.com"}}})
        )
    );
    assert_eq!(first.value.integration_type, IntegrationType::EntraId);
    assert!(first.value.enabled);

    let second = syncs
        .activate(IntegrationType::EntraId)
        .await
        .expect("activate again");
    assert_eq!(second.value.id, first.value.id, "activate is idempotent");
    // Nothing set: no attributes sent (the generated client sends `{}`).
    let body = fake.requests().pop().and_then(|r| r.body);
    assert!(body.is_none() || body == Some(json!({})), "{body:?}");
    assert_eq!(fake.configs().len(), 1);

    let off = syncs
        .deactivate(IntegrationType::EntraId)
        .await
        .expect("deactivate");
    assert_eq!(off.value.id, first.value.id);
    assert!(!off.value.enabled);
    assert_eq!(
        fake.requests().pop().map(|r| r.path),
        Some(format!("{API_PATH}/entra_id/deactivate"))
    );
    let err = syncs
        .deactivate(IntegrationType::EntraId)
        .await
        .expect_err("nothing left enabled");
    assert_eq!(err.status(), Some(404));

    let on = syncs
        .activate(IntegrationType::EntraId)
        .await
        .expect("re-activate");
    assert_eq!(on.value.id, first.value.id);
    assert!(on.value.enabled, "re-enabled");

    let refused = syncs
        .activate(IntegrationType::Okta)
        .await
        .expect_err("okta needs credentials");
    assert_eq!(refused.status(), Some(400));

    let registrations = syncs.entra_id_app_registrations().await.expect("apps");
    assert_eq!(
        fake.requests().pop().map(|r| r.path),
        Some(format!("{API_PATH}/entra_id/azure_app_registrations"))
    );
    let expected = entity_context_sync_fake::default_azure_app_registrations();
    assert_eq!(registrations.value.id, expected["data"]["id"]);
    assert_eq!(
        registrations.value.registrations.len(),
        expected["data"]["attributes"]["azure_app_registrations"]
            .as_array()
            .map(Vec::len)
            .unwrap_or_default()
    );
}

#[tokio::test]
async fn delete_then_get_is_a_404() {
    let fake = FakeDatadog::start().await;
    let client = client(&fake);
    let syncs = client.entity_context_syncs();
    let created: IntegrationConfig = syncs
        .create(NewSync::okta("Okta", "acme.okta.com", "okta-token-1"))
        .await
        .expect("create")
        .into_inner();

    let deleted = syncs.delete(&created.id).await.expect("delete");
    assert_eq!(deleted.status, 204);
    assert_eq!(deleted.value.id, created.id);
    assert!(!deleted.value.deleted_by_earlier_attempt);
    assert!(fake.configs().is_empty());
    assert_eq!(fake.secret_paths(&created.id), None);

    let err = syncs.get(&created.id).await.expect_err("gone");
    assert_eq!(err.status(), Some(404));
    assert!(
        err.to_string().starts_with("get: Datadog API error 404"),
        "{err}"
    );
    assert!(!err.is_retryable());
    assert!(!err.may_have_been_applied());

    let again = syncs.delete(&created.id).await.expect_err("already gone");
    assert_eq!(again.status(), Some(404));
}
