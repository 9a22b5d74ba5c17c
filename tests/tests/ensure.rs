//! Issue 10, `ensure` against the stateful fake: converge without
//! duplicates, send only what differs, and resolve a create whose reply was
//! lost by listing.

use std::time::Duration;

use entity_context_sync::{
    Client, EnsureOutcome, Error, NewSync, RecordingSleep, RetryPolicy, SyncState,
};
use entity_context_sync_fake::{API_PATH, FakeDatadog, Fault, REDACTED, SeedConfig};
use serde_json::{Value, json};

const TIMEOUT: Duration = Duration::from_millis(800);

fn client(fake: &FakeDatadog) -> (Client, RecordingSleep) {
    let sleep = RecordingSleep::default();
    let client = Client::builder()
        .api_key(fake.api_key())
        .app_key(fake.app_key())
        .base_url(fake.base_url())
        .timeout(TIMEOUT)
        .retry_policy(RetryPolicy::default().jitter(false))
        .sleep_impl(sleep.clone())
        .build()
        .expect("client builds");
    (client, sleep)
}

fn okta() -> NewSync {
    NewSync::okta("Okta prod", "acme.okta.com", "okta-token-1").setting("region", "us")
}

/// (method, path) of every request after the first `skip`.
fn calls(fake: &FakeDatadog, skip: usize) -> Vec<(String, String)> {
    fake.requests()
        .into_iter()
        .skip(skip)
        .map(|r| (r.method, r.path))
        .collect()
}

fn list_call() -> (String, String) {
    ("GET".to_owned(), API_PATH.to_owned())
}

#[tokio::test]
async fn twice_is_created_then_unchanged_with_no_write() {
    let fake = FakeDatadog::start().await;
    let (client, _) = client(&fake);
    let syncs = client.entity_context_syncs();

    let first = syncs.ensure(okta()).await.expect("first ensure");
    assert_eq!(first.value.outcome, EnsureOutcome::Created);
    assert_eq!(first.attempts, 2, "one list, one create");
    assert_eq!(
        calls(&fake, 0),
        [list_call(), ("POST".to_owned(), API_PATH.to_owned())]
    );
    assert_eq!(
        fake.requests()[0].query.as_deref(),
        Some("filter%5Bintegration_type%5D=OKTA")
    );
    assert_eq!(fake.configs().len(), 1);

    let before = fake.requests().len();
    let second = syncs.ensure(okta()).await.expect("second ensure");
    assert_eq!(second.value.outcome, EnsureOutcome::Unchanged);
    assert!(second.value.changed.is_empty());
    assert_eq!(second.value.config.id, first.value.config.id);
    assert_eq!((second.status, second.attempts), (200, 1));
    assert!(second.rate_limit.is_some(), "the list's rate limit is kept");
    assert_eq!(calls(&fake, before), [list_call()], "no write at all");
    assert_eq!(fake.request_count("POST", API_PATH), 1);
    assert_eq!(fake.configs().len(), 1);
}

#[tokio::test]
async fn a_changed_setting_is_one_patch_of_settings_only() {
    let fake = FakeDatadog::start().await;
    let id = fake.seed(
        SeedConfig::new("OKTA", "Okta prod", "acme.okta.com")
            .settings(json!({"region": "us", "kept": "server-side"}))
            .secrets(json!({"api_token": "okta-token-1"})),
    );
    let (client, _) = client(&fake);
    let before = fake.requests().len();

    let ensured = client
        .entity_context_syncs()
        .ensure(okta().setting("region", "eu"))
        .await
        .expect("ensure");
    assert_eq!(ensured.value.outcome, EnsureOutcome::Updated);
    assert_eq!(ensured.value.changed, ["settings"]);
    assert_eq!(ensured.value.config.id, id);
    assert_eq!(ensured.attempts, 2);
    assert_eq!(
        calls(&fake, before),
        [
            list_call(),
            ("PATCH".to_owned(), format!("{API_PATH}/{id}"))
        ]
    );
    let patch = fake.requests().pop().and_then(|r| r.body).expect("body");
    let attributes = patch["data"]["attributes"].as_object().expect("object");
    let mut keys: Vec<&str> = attributes.keys().map(String::as_str).collect();
    keys.sort_unstable();
    assert_eq!(keys, ["integration_type", "settings"]);
    // Settings are replaced whole, so the server's other settings are sent back.
    assert_eq!(
        attributes["settings"],
        json!({"region": "eu", "kept": "server-side"})
    );
    let stored = fake.config(&id).expect("stored");
    assert_eq!(
        stored["attributes"]["settings"],
        json!({"region": "eu", "kept": "server-side"})
    );
    assert_eq!(fake.secret_paths(&id), Some(vec!["api_token".to_owned()]));
    assert_eq!(fake.request_count("POST", API_PATH), 0);
}

#[tokio::test]
async fn a_changed_domain_is_sent_alone() {
    let fake = FakeDatadog::start().await;
    let id = fake.seed(
        SeedConfig::new("OKTA", "Okta prod", "old.okta.com").settings(json!({"region": "us"})),
    );
    let (client, _) = client(&fake);
    let ensured = client
        .entity_context_syncs()
        .ensure(okta())
        .await
        .expect("ensure");
    assert_eq!(ensured.value.changed, ["domain"]);
    assert_eq!(ensured.value.config.domain, "acme.okta.com");
    let patch = fake.requests().pop().and_then(|r| r.body).expect("body");
    assert_eq!(
        patch["data"]["attributes"],
        json!({"integration_type": "OKTA", "domain": "acme.okta.com"})
    );
    assert_eq!(fake.config(&id).expect("kept")["id"], json!(id));
}

#[tokio::test]
async fn rotate_secrets_sends_the_secrets() {
    let fake = FakeDatadog::start().await;
    let id = fake.seed(
        SeedConfig::new("OKTA", "Okta prod", "acme.okta.com")
            .settings(json!({"region": "us"}))
            .secrets(json!({"api_token": "invalid-old"})),
    );
    let (client, _) = client(&fake);
    let syncs = client.entity_context_syncs();

    // Without rotation, secrets are never compared nor sent.
    let same = syncs.ensure(okta()).await.expect("ensure");
    assert_eq!(same.value.outcome, EnsureOutcome::Unchanged);
    assert_eq!(same.value.config.state, Some(SyncState::Invalid));

    let rotated = syncs
        .ensure(okta())
        .rotate_secrets(true)
        .await
        .expect("rotate");
    assert_eq!(rotated.value.outcome, EnsureOutcome::Updated);
    assert_eq!(rotated.value.changed, ["secrets"]);
    let request = fake.requests().pop().expect("recorded");
    assert_eq!(
        (request.method.as_str(), request.path),
        ("PATCH", format!("{API_PATH}/{id}"))
    );
    assert_eq!(
        request.body.expect("body")["data"]["attributes"],
        json!({"integration_type": "OKTA", "secrets": {"api_token": REDACTED}})
    );
    assert_eq!(rotated.value.config.state, Some(SyncState::Valid));
    assert!(!format!("{:?}", fake.requests()).contains("okta-token-1"));
}

#[tokio::test]
async fn two_configs_with_the_name_are_ambiguous() {
    let fake = FakeDatadog::start().await;
    let a = fake.seed(SeedConfig::new("OKTA", "Okta prod", "acme.okta.com"));
    let b = fake.seed(SeedConfig::new("OKTA", "Okta prod", "other.okta.com"));
    // Same name, other type: not a match.
    fake.seed(SeedConfig::new(
        "SENTINELONE",
        "Okta prod",
        "x.sentinelone.net",
    ));
    let (client, _) = client(&fake);
    let err = client
        .entity_context_syncs()
        .ensure(okta())
        .await
        .expect_err("ambiguous");
    match &err {
        Error::Ambiguous {
            integration_type,
            name,
            ids,
        } => {
            assert_eq!(integration_type, "OKTA");
            assert_eq!(name, "Okta prod");
            assert_eq!(ids, &[a.clone(), b.clone()]);
        }
        other => panic!("expected Ambiguous, got {other:?}"),
    }
    let text = err.to_string();
    assert!(text.contains(&a) && text.contains(&b), "{text}");
    assert_eq!(calls(&fake, 0), [list_call()], "nothing written");
}

async fn lost_create_reply_is_found_by_listing(fault: Fault) {
    let fake = FakeDatadog::start().await;
    let (client, sleep) = client(&fake);
    let syncs = client.entity_context_syncs();
    fake.fail_on(2, fault.clone()); // 1 is the list, 2 the create
    let ensured = syncs.ensure(okta()).await.expect("ensure resolves it");
    assert_eq!(ensured.value.outcome, EnsureOutcome::Created, "{fault:?}");
    assert_eq!(
        calls(&fake, 0),
        [
            list_call(),
            ("POST".to_owned(), API_PATH.to_owned()),
            list_call()
        ],
        "{fault:?}: the create is never repeated"
    );
    assert_eq!(ensured.attempts, 3);
    let configs = fake.configs();
    assert_eq!(configs.len(), 1, "{fault:?}: exactly one config");
    assert_eq!(
        Value::String(ensured.value.config.id.clone()),
        configs[0]["id"]
    );
    assert!(sleep.waits().is_empty());

    let again = syncs.ensure(okta()).await.expect("again");
    assert_eq!(again.value.outcome, EnsureOutcome::Unchanged);
    assert_eq!(fake.configs().len(), 1);
    assert_eq!(fake.request_count("POST", API_PATH), 1);
}

#[tokio::test]
async fn a_create_applied_then_timed_out_is_found_by_listing() {
    lost_create_reply_is_found_by_listing(Fault::DelayAfterApply(Duration::from_secs(60))).await;
}

#[tokio::test]
async fn a_create_applied_then_reset_is_found_by_listing() {
    lost_create_reply_is_found_by_listing(Fault::ResetAfterApply).await;
}

#[tokio::test]
async fn a_create_that_failed_before_applying_is_created_once() {
    let fake = FakeDatadog::start().await;
    let (client, _) = client(&fake);
    fake.fail_on(2, Fault::status(502));
    let ensured = client
        .entity_context_syncs()
        .ensure(okta())
        .await
        .expect("ensure");
    assert_eq!(ensured.value.outcome, EnsureOutcome::Created);
    assert_eq!(
        calls(&fake, 0),
        [
            list_call(),
            ("POST".to_owned(), API_PATH.to_owned()),
            list_call(),
            ("POST".to_owned(), API_PATH.to_owned())
        ]
    );
    assert_eq!(ensured.attempts, 4);
    assert_eq!(fake.configs().len(), 1);
}
