//! Snapshots of the nine operations besides create, against the stateful
//! fake (`entity-context-sync-fake`): for each, the request as the fake
//! received it (`lifecycle_request_<op>`), the decoded facade value
//! (`lifecycle_response_<op>`) and the Display of a 404 or 403 error
//! (`lifecycle_error_<op>`). Ids and timestamps the fake invents are
//! replaced by `[id]` and `[timestamp]`; keys and secrets are redacted by
//! the fake itself (and carry the `s3cr3t` canary, so the hygiene scan
//! would catch a leak).

use std::collections::BTreeMap;

use entity_context_sync::{Client, Credentials, Error, IntegrationType, RetryPolicy};
use entity_context_sync_fake::{FakeDatadog, RecordedRequest, SeedConfig};
use entity_context_sync_tests::{
    TEST_API_KEY, TEST_APP_KEY, redact_version, service_account_key, snapshot_settings,
};
use serde_json::{Value, json};

/// A secret value with the canary in it.
const TOKEN: &str = "okta-s3cr3t-token";

/// A successful reply: status, attempts and the decoded value (the rate
/// limit's `remaining`/`reset` move with time and are left out).
macro_rules! response {
    ($w:expr, $r:expr) => {
        $w.stable(&json!({
            "status": $r.status,
            "attempts": $r.attempts,
            "value": $r.value,
        }))
    };
}

struct World {
    fake: FakeDatadog,
    client: Client,
    /// A client whose keys the fake refuses (403).
    refused: Client,
    okta: String,
    entra: String,
}

async fn world() -> World {
    let fake = FakeDatadog::builder()
        .api_key(TEST_API_KEY)
        .app_key(TEST_APP_KEY)
        .start()
        .await;
    let okta = fake.seed(
        SeedConfig::new("OKTA", "Okta prod", "acme.okta.com")
            .settings(json!({"region": "us"}))
            .secrets(json!({"api_token": TOKEN})),
    );
    let entra = fake.seed(SeedConfig::new(
        "ENTRA_ID",
        "Entra ID",
        "acme.onmicrosoft.com",
    ));
    let client = |api: &str, app: &str| {
        Client::builder()
            .api_key(api)
            .app_key(app)
            .base_url(fake.base_url())
            .retry_policy(RetryPolicy::none())
            .build()
            .expect("client builds")
    };
    let refused = client("api-s3cr3t-refused-000000", "app-s3cr3t-refused-000000");
    World {
        client: client(TEST_API_KEY, TEST_APP_KEY),
        refused,
        okta,
        entra,
        fake,
    }
}

impl World {
    /// `value` as JSON, the fake's ids as `[id]`/`[entra-id]`, its times as `[timestamp]`.
    fn stable(&self, value: &Value) -> Value {
        let text = value.to_string();
        let text = text
            .replace(&self.okta, "[id]")
            .replace(&self.entra, "[entra-id]");
        let mut value: Value = serde_json::from_str(&text).expect("re-parses");
        redact_times(&mut value);
        value
    }

    /// The last request the fake received: method, path, query, headers
    /// (sorted; credentials already redacted by the fake, `host` port-free,
    /// the user agent's version redacted), body (secrets redacted by the fake).
    fn last_request(&self) -> Value {
        let requests = self.fake.requests();
        let request: &RecordedRequest = requests.last().expect("a request was sent");
        let headers: BTreeMap<&str, String> = request
            .headers
            .iter()
            .map(|(name, value)| {
                let value = match name.as_str() {
                    "host" => "127.0.0.1:[port]".to_owned(),
                    "user-agent" => redact_version(value),
                    _ => value.clone(),
                };
                (name.as_str(), value)
            })
            .collect();
        self.stable(&json!({
            "method": request.method,
            "path": request.path,
            "query": request.query,
            "headers": headers,
            "body": request.body,
        }))
    }
}

fn redact_times(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if matches!(key.as_str(), "created_at" | "modified_at") && item.is_string() {
                    *item = Value::String("[timestamp]".to_owned());
                } else {
                    redact_times(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_times),
        _ => {}
    }
}

/// The error's Display, with its status (which must be 404 or 403).
fn error_view(error: &Error) -> Value {
    assert!(matches!(error.status(), Some(403 | 404)), "{error:?}");
    json!({"status": error.status(), "display": error.to_string()})
}

#[tokio::test]
async fn list() {
    let w = world().await;
    let syncs = w.client.entity_context_syncs();
    let all = syncs.list().await.expect("list");
    let unfiltered_request = w.last_request();
    let filtered = syncs
        .list()
        .integration_type(IntegrationType::Okta)
        .await
        .expect("filtered list");
    let filtered_request = w.last_request();
    let error = w
        .refused
        .entity_context_syncs()
        .list()
        .await
        .expect_err("403");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!(
            "lifecycle_request_list",
            json!({"unfiltered": unfiltered_request, "filtered": filtered_request})
        );
        insta::assert_json_snapshot!(
            "lifecycle_response_list",
            json!({"all": response!(w, all), "filtered": response!(w, filtered)})
        );
        insta::assert_json_snapshot!("lifecycle_error_list", error_view(&error));
    });
}

#[tokio::test]
async fn get() {
    let w = world().await;
    let syncs = w.client.entity_context_syncs();
    let got = syncs.get(&w.okta).await.expect("get");
    let request = w.last_request();
    let error = syncs.get("no-such-id").await.expect_err("404");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_get", request);
        insta::assert_json_snapshot!("lifecycle_response_get", response!(w, got));
        insta::assert_json_snapshot!("lifecycle_error_get", error_view(&error));
    });
}

#[tokio::test]
async fn update() {
    let w = world().await;
    let syncs = w.client.entity_context_syncs();
    let updated = syncs
        .update(&w.okta, IntegrationType::Okta)
        .settings([("region".to_owned(), json!("eu"))])
        .credentials(Credentials::okta("okta-s3cr3t-rotated"))
        .await
        .expect("update");
    let request = w.last_request();
    let error = syncs
        .update("no-such-id", IntegrationType::Okta)
        .enabled(false)
        .await
        .expect_err("404");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_update", request);
        insta::assert_json_snapshot!("lifecycle_response_update", response!(w, updated));
        insta::assert_json_snapshot!("lifecycle_error_update", error_view(&error));
    });
}

#[tokio::test]
async fn delete() {
    let w = world().await;
    let syncs = w.client.entity_context_syncs();
    let deleted = syncs.delete(&w.okta).await.expect("delete");
    let request = w.last_request();
    let error = syncs.delete(&w.okta).await.expect_err("404");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_delete", request);
        insta::assert_json_snapshot!("lifecycle_response_delete", response!(w, deleted));
        insta::assert_json_snapshot!("lifecycle_error_delete", error_view(&error));
    });
}

#[tokio::test]
async fn validate() {
    let w = world().await;
    let syncs = w.client.entity_context_syncs();
    let valid = syncs.validate(&w.okta).await.expect("validate");
    let request = w.last_request();
    let invalid_id = w.fake.seed(
        SeedConfig::new("OKTA", "Okta stale", "acme.okta.com")
            .secrets(json!({"api_token": "invalid-s3cr3t"})),
    );
    let invalid = syncs
        .validate(&invalid_id)
        .await
        .expect("a 400 is an answer");
    let error = syncs.validate("no-such-id").await.expect_err("404");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_validate", request);
        insta::assert_json_snapshot!(
            "lifecycle_response_validate",
            json!({"valid": response!(w, valid), "invalid": response!(w, invalid)})
        );
        insta::assert_json_snapshot!("lifecycle_error_validate", error_view(&error));
    });
}

#[tokio::test]
async fn validate_credentials() {
    let w = world().await;
    let syncs = w.client.entity_context_syncs();
    let valid = syncs
        .validate_credentials("acme.okta.com", Credentials::okta(TOKEN))
        .await
        .expect("validate credentials");
    let request = w.last_request();
    let invalid = syncs
        .validate_credentials("acme.okta.com", Credentials::okta("invalid-s3cr3t"))
        .await
        .expect("a 400 is an answer");
    let error = w
        .refused
        .entity_context_syncs()
        .validate_credentials("acme.okta.com", Credentials::okta(TOKEN))
        .await
        .expect_err("403");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_validate_credentials", request);
        insta::assert_json_snapshot!(
            "lifecycle_response_validate_credentials",
            json!({"valid": response!(w, valid), "invalid": response!(w, invalid)})
        );
        insta::assert_json_snapshot!("lifecycle_error_validate_credentials", error_view(&error));
    });
}

#[tokio::test]
async fn activate() {
    let w = world().await;
    let syncs = w.client.entity_context_syncs();
    let activated = syncs
        .activate(IntegrationType::EntraId)
        .name("Entra ID")
        .domain("acme.onmicrosoft.com")
        .await
        .expect("activate");
    let request = w.last_request();
    let error = w
        .refused
        .entity_context_syncs()
        .activate(IntegrationType::EntraId)
        .await
        .expect_err("403");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_activate", request);
        insta::assert_json_snapshot!("lifecycle_response_activate", response!(w, activated));
        insta::assert_json_snapshot!("lifecycle_error_activate", error_view(&error));
    });
}

#[tokio::test]
async fn deactivate() {
    let w = world().await;
    let syncs = w.client.entity_context_syncs();
    let deactivated = syncs
        .deactivate(IntegrationType::EntraId)
        .await
        .expect("deactivate");
    let request = w.last_request();
    let error = syncs
        .deactivate(IntegrationType::EntraId)
        .await
        .expect_err("404: none left enabled");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_deactivate", request);
        insta::assert_json_snapshot!("lifecycle_response_deactivate", response!(w, deactivated));
        insta::assert_json_snapshot!("lifecycle_error_deactivate", error_view(&error));
    });
}

#[tokio::test]
async fn entra_id_app_registrations() {
    let w = world().await;
    let registrations = w
        .client
        .entity_context_syncs()
        .entra_id_app_registrations()
        .await
        .expect("app registrations");
    let request = w.last_request();
    let error = w
        .refused
        .entity_context_syncs()
        .entra_id_app_registrations()
        .await
        .expect_err("403");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_entra_id_app_registrations", request);
        insta::assert_json_snapshot!(
            "lifecycle_response_entra_id_app_registrations",
            response!(w, registrations)
        );
        insta::assert_json_snapshot!(
            "lifecycle_error_entra_id_app_registrations",
            error_view(&error)
        );
    });
}

/// An update that sets every field: name, domain, enabled, settings and
/// Google Workspace credentials (the key file and the admin to impersonate).
#[tokio::test]
async fn update_every_field() {
    let w = world().await;
    let gws = w.fake.seed(
        SeedConfig::new("GOOGLE_WORKSPACE", "GWS", "siem-test.com")
            .secrets(json!({"admin_email": "old-s3cr3t@siem-test.com"})),
    );
    let syncs = w.client.entity_context_syncs();
    let key = service_account_key();
    let updated = syncs
        .update(&gws, IntegrationType::GoogleWorkspace)
        .name("GWS renamed")
        .domain("renamed.siem-test.com")
        .enabled(false)
        .settings([("sync_groups".to_owned(), json!(true))])
        .credentials(Credentials::google_workspace(key).admin_email("admin-s3cr3t@siem-test.com"))
        .await
        .expect("update");
    assert_eq!(updated.name.as_deref(), Some("GWS renamed"));
    assert_eq!(updated.domain, "renamed.siem-test.com");
    assert!(!updated.enabled);
    let request = w.last_request();
    let text = request.to_string();
    for secret in entity_context_sync_tests::service_account_key_secrets() {
        assert!(
            !text.contains(&secret),
            "a key file secret in the request view"
        );
    }
    let request: Value = serde_json::from_str(&text.replace(&gws, "[gws-id]")).expect("re-parses");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_update_every_field", request);
    });
}

/// An activation with a name, a domain and settings.
#[tokio::test]
async fn activate_with_name_domain_and_settings() {
    let w = world().await;
    w.fake.reset();
    let syncs = w.client.entity_context_syncs();
    let activated = syncs
        .activate(IntegrationType::EntraId)
        .name("Entra ID prod")
        .domain("prod.onmicrosoft.com")
        .settings([("sync_groups".to_owned(), json!(true))])
        .await
        .expect("activate");
    assert_eq!(activated.name.as_deref(), Some("Entra ID prod"));
    let request = w.last_request();
    let response = json!({"status": activated.status, "value": activated.value});
    let response = w
        .stable(&response)
        .to_string()
        .replace(&activated.id, "[new-id]");
    snapshot_settings().bind(|| {
        insta::assert_json_snapshot!("lifecycle_request_activate_with_settings", request);
        insta::assert_json_snapshot!(
            "lifecycle_response_activate_with_settings",
            serde_json::from_str::<Value>(&response).expect("JSON")
        );
    });
}
