//! Request snapshots: the exact request the facade sends, as an httpmock
//! server on 127.0.0.1 received it (method, path, query, sorted headers with
//! the keys and the user agent's version redacted, JSON body with every
//! `secrets` value redacted). One per integration type, with and without
//! settings, several secrets, unicode, an unknown type, a base URL with a path
//! prefix, and the base URL of every site.

mod snapshots_support;

use entity_context_sync::{Client, NewSync, RetryPolicy, Site};
use entity_context_sync_tests::{
    Recorded, Recorder, SEED_REQUEST, TEST_API_KEY, TEST_APP_KEY, json,
};
use httpmock::MockServer;
use serde_json::Value;
use snapshots_support::{CREATE_PATH, Reply, mount, request_view, seed_sync, settings};

/// Sends `sync` through the facade to a fresh mock server and returns the one
/// request it received.
async fn send(sync: NewSync) -> Recorded {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let mock = mount(&server, &recorder, &Reply::seed(), None);
    let response = snapshots_support::client(&server)
        .entity_context_syncs()
        .create(sync)
        .await
        .expect("the mock answers 200");
    assert_eq!(response.attempts, 1);
    assert_eq!(mock.calls_async().await, 1);
    let mut requests = recorder.requests();
    assert_eq!(requests.len(), 1, "exactly one request was sent");
    requests.remove(0)
}

/// The `secrets` object exactly as sent (unredacted), to check the values
/// reached the server while the snapshot shows only `[redacted]`.
fn sent_secrets(recorded: &Recorded) -> &Value {
    &recorded.body["data"]["attributes"]["secrets"]
}

#[tokio::test]
async fn seed_example_sends_the_seed_body() {
    let _settings = settings().bind_to_scope();
    let sent = send(seed_sync()).await;
    assert_eq!(
        sent.body,
        json(SEED_REQUEST),
        "the facade sends the seed's example body, byte for byte as JSON"
    );
    insta::assert_json_snapshot!("request_google_workspace_seed", request_view(&sent));
}

#[tokio::test]
async fn google_workspace_without_settings() {
    let _settings = settings().bind_to_scope();
    let sent = send(
        NewSync::google_workspace("GWS without settings", "siem-test.com")
            .admin_email("admin-s3cr3t@siem-test.com"),
    )
    .await;
    assert_eq!(
        sent_secrets(&sent),
        &serde_json::json!({ "admin_email": "admin-s3cr3t@siem-test.com" })
    );
    assert!(
        sent.body["data"]["attributes"].get("settings").is_none(),
        "no settings: the key is omitted, not sent as null or {{}}"
    );
    insta::assert_json_snapshot!(
        "request_google_workspace_without_settings",
        request_view(&sent)
    );
}

#[tokio::test]
async fn okta_with_and_without_settings() {
    let _settings = settings().bind_to_scope();
    let with = send(
        NewSync::okta("Okta production", "siem-test.okta.com")
            .secret("api_token", "okta-token-s3cr3t-1")
            .setting("sync_groups", true)
            .setting("page_size", 200)
            .setting("group_filter", serde_json::json!(["admins", "engineering"])),
    )
    .await;
    assert_eq!(
        sent_secrets(&with),
        &serde_json::json!({ "api_token": "okta-token-s3cr3t-1" })
    );
    insta::assert_json_snapshot!("request_okta_with_settings", request_view(&with));

    let without = send(
        NewSync::okta("Okta production", "siem-test.okta.com")
            .secret("api_token", "okta-token-s3cr3t-1"),
    )
    .await;
    insta::assert_json_snapshot!("request_okta_without_settings", request_view(&without));
}

#[tokio::test]
async fn entra_id_with_several_secrets_with_and_without_settings() {
    let _settings = settings().bind_to_scope();
    let sync = || {
        NewSync::entra_id("Entra ID tenant", "siem-test.onmicrosoft.com")
            .secret("tenant_id", "tenant-s3cr3t-0001")
            .secret("client_id", "client-s3cr3t-0002")
            .secret("client_secret", "client-secret-s3cr3t-0003")
    };
    let with = send(sync().setting("sync_devices", false).setting(
        "scopes",
        serde_json::json!({ "users": true, "groups": ["all"] }),
    ))
    .await;
    assert_eq!(
        sent_secrets(&with),
        &serde_json::json!({
            "client_id": "client-s3cr3t-0002",
            "client_secret": "client-secret-s3cr3t-0003",
            "tenant_id": "tenant-s3cr3t-0001",
        }),
        "every secret is sent, keys in order"
    );
    insta::assert_json_snapshot!(
        "request_entra_id_several_secrets_with_settings",
        request_view(&with)
    );

    let without = send(sync()).await;
    insta::assert_json_snapshot!(
        "request_entra_id_several_secrets_without_settings",
        request_view(&without)
    );
}

#[tokio::test]
async fn unicode_name_domain_and_settings_are_sent_verbatim() {
    let _settings = settings().bind_to_scope();
    let name = "Synchronisation Zürich — 東京 🔐";
    let sent = send(
        NewSync::google_workspace(name, "bücher-münchen.example")
            .admin_email("admin-s3cr3t@bücher-münchen.example")
            .setting("région", "Île-de-France")
            .setting("絵文字", "✅ naïve café")
            .setting("rtl", "שלום"),
    )
    .await;
    assert_eq!(sent.body["data"]["attributes"]["name"], name);
    insta::assert_json_snapshot!(
        "request_unicode_name_domain_and_settings",
        request_view(&sent)
    );
}

#[tokio::test]
async fn integration_type_newer_than_the_sdk_is_sent_verbatim() {
    let _settings = settings().bind_to_scope();
    let sent = send(
        NewSync::new("ONELOGIN", "OneLogin", "siem-test.onelogin.com")
            .secret("client_secret", "onelogin-s3cr3t"),
    )
    .await;
    insta::assert_json_snapshot!("request_unknown_integration_type", request_view(&sent));
}

#[tokio::test]
async fn base_url_with_a_path_prefix_is_kept() {
    let _settings = settings().bind_to_scope();
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let reply = Reply::seed();
    let mock = server.mock(|when, then| {
        when.method(httpmock::Method::POST)
            .path(format!("/proxy{CREATE_PATH}"))
            .is_true(recorder.matcher());
        then.status(reply.status)
            .header("content-type", "application/json")
            .body(reply.body.as_bytes());
    });
    // A trailing slash on the base URL must not double the slash.
    let client = snapshots_support::builder(&format!("{}/proxy/", server.base_url()))
        .retry_policy(RetryPolicy::none())
        .build()
        .expect("valid base URL");
    client
        .entity_context_syncs()
        .create(seed_sync())
        .await
        .expect("the proxy path is matched");
    assert_eq!(mock.calls_async().await, 1);
    let requests = recorder.requests();
    assert_eq!(requests.len(), 1);
    insta::assert_json_snapshot!(
        "request_base_url_with_path_prefix",
        serde_json::json!({
            "client.base_url()": client.base_url(),
            "request": request_view(&requests[0]),
        })
    );
}

/// A request can only go to 127.0.0.1 here, so for the sites the snapshot is
/// where a client would send: the base URL per site, from the builder and
/// from `DD_SITE`, and a `base_url` overriding the site.
#[test]
fn base_url_per_site() {
    let _settings = settings().bind_to_scope();
    let keys = [("DD_API_KEY", TEST_API_KEY), ("DD_APP_KEY", TEST_APP_KEY)];
    let rows: Vec<Value> = Site::ALL
        .into_iter()
        .map(|site| {
            let from_builder = Client::builder()
                .api_key(TEST_API_KEY)
                .app_key(TEST_APP_KEY)
                .site(site)
                .build()
                .expect("every site builds");
            let from_env = Client::builder()
                .env_from(|var| {
                    keys.iter()
                        .chain(&[("DD_SITE", site.as_str())])
                        .find(|(k, _)| *k == var)
                        .map(|(_, v)| v.to_string())
                })
                .and_then(|b| b.build())
                .expect("DD_SITE builds");
            assert_eq!(from_builder.base_url(), from_env.base_url());
            serde_json::json!({
                "site": format!("{site:?}"),
                "DD_SITE": site.as_str(),
                "client.base_url()": from_builder.base_url(),
            })
        })
        .collect();
    let overridden = Client::builder()
        .api_key(TEST_API_KEY)
        .app_key(TEST_APP_KEY)
        .site(Site::Eu1)
        .base_url("https://dd-proxy.example.internal/datadog/")
        .build()
        .expect("valid base URL");
    insta::assert_json_snapshot!(
        "request_base_url_per_site",
        serde_json::json!({
            "sites": rows,
            "site(Eu1).base_url(\"https://dd-proxy.example.internal/datadog/\")": overridden.base_url(),
        })
    );
}
