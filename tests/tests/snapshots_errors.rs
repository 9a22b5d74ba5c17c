//! Error snapshots: for each failure, the error's `Display` and a structured
//! view (variant, fields, `status()`, `rate_limit()`, `is_retryable()`,
//! `may_have_been_applied()`; see `snapshots_support::error_view`), plus how
//! many requests reached the server and the waits a recording `Sleep` saw.

mod snapshots_support;

use std::time::Duration;

use entity_context_sync::RecordingSleep;
use entity_context_sync::{
    Client, Error, MAX_DOMAIN_LEN, MAX_NAME_CHARS, MAX_SECRET_LEN, MAX_SETTINGS_LEN, NewSync,
    RetryPolicy, ServiceAccountKey,
};
use entity_context_sync_httpmock::MockServerExt;
use entity_context_sync_tests::{
    Recorder, SERVICE_ACCOUNT_KEY, TEST_API_KEY, TEST_APP_KEY, service_account_key,
    service_account_key_secrets,
};
use httpmock::MockServer;
use serde_json::{Value, json};
use snapshots_support::{Reply, builder, canary_sync, error_view, mount, settings, waits_view};

/// Sends `sync` once (no retries) to a server answering `reply`; the error
/// view plus the number of requests the server saw.
async fn fail_with(reply: Reply, sync: NewSync) -> Value {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    let _mock = mount(&server, &recorder, &reply, None);
    let error = snapshots_support::client(&server)
        .entity_context_syncs()
        .create(sync)
        .await
        .expect_err("the reply is an error");
    json!({ "requests": recorder.requests().len(), "error": error_view(&error) })
}

/// A Datadog `errors` body.
fn errors_body(errors: &[&str]) -> String {
    json!({ "errors": errors }).to_string()
}

#[tokio::test]
async fn bad_request_400() {
    let _settings = settings().bind_to_scope();
    let reply = Reply::json(
        400,
        errors_body(&[
            "Bad Request",
            "data.attributes.domain: domain is not a valid domain",
        ]),
    )
    .rate_limited_headers();
    insta::assert_json_snapshot!("error_400", fail_with(reply, canary_sync()).await);
}

#[tokio::test]
async fn forbidden_403() {
    let _settings = settings().bind_to_scope();
    let reply = Reply::json(
        403,
        errors_body(&["Forbidden", "Failed permission authorization checks"]),
    )
    .rate_limited_headers();
    insta::assert_json_snapshot!("error_403", fail_with(reply, canary_sync()).await);
}

#[tokio::test]
async fn unauthorized_401_is_not_in_the_spec_but_decoded() {
    let _settings = settings().bind_to_scope();
    let reply = Reply::json(401, errors_body(&["Unauthorized"])).rate_limited_headers();
    insta::assert_json_snapshot!("error_401", fail_with(reply, canary_sync()).await);
}

#[tokio::test]
async fn error_bodies_that_echo_credentials_are_scrubbed() {
    let _settings = settings().bind_to_scope();
    let reply = Reply::json(
        400,
        errors_body(&[
            &format!("invalid key {TEST_API_KEY} / {TEST_APP_KEY}"),
            "admin_email admin-s3cr3t@siem-test.com is not an administrator",
        ]),
    );
    insta::assert_json_snapshot!(
        "error_400_echoing_credentials",
        fail_with(reply, canary_sync()).await
    );
}

#[tokio::test]
async fn too_many_requests_429_without_retries() {
    let _settings = settings().bind_to_scope();
    let reply = Reply::json(429, errors_body(&["Too many requests"])).rate_limited_headers();
    insta::assert_json_snapshot!("error_429", fail_with(reply, canary_sync()).await);
}

#[tokio::test]
async fn too_many_requests_429_retried_then_success() {
    let _settings = settings().bind_to_scope();
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    // Two 429s (the first says "reset in 2 s", the second "reset now"), then the seed's 200.
    let limited = |reset: &str| {
        Reply::json(429, errors_body(&["Too many requests"]))
            .header("X-RateLimit-Limit", "100")
            .header("X-RateLimit-Period", "60")
            .header("X-RateLimit-Remaining", "0")
            .header("X-RateLimit-Reset", reset)
    };
    mount(&server, &recorder, &limited("2"), Some(1));
    mount(&server, &recorder, &limited("0"), Some(1));
    mount(
        &server,
        &recorder,
        &Reply::seed()
            .header("X-RateLimit-Limit", "100")
            .header("X-RateLimit-Period", "60")
            .header("X-RateLimit-Remaining", "99")
            .header("X-RateLimit-Reset", "60"),
        None,
    );
    let sleep = RecordingSleep::default();
    let client = builder(&server.base_url())
        .sleep_impl(sleep.clone())
        .build()
        .expect("client builds");
    let response = client
        .entity_context_syncs()
        .create(canary_sync())
        .await
        .expect("the third attempt succeeds");
    let requests = recorder.requests();
    assert_eq!(requests.len(), 3);
    assert!(
        requests.iter().all(|r| r.body == requests[0].body),
        "every attempt sends the same body"
    );
    insta::assert_json_snapshot!(
        "error_429_retried_then_success",
        json!({
            "requests": requests.len(),
            "waits": waits_view(&sleep),
            "response": response,
        })
    );
}

/// A client with the default policy (3 retries, 120 s budget) or `policy`,
/// whose waits are recorded; the create's error, requests and waits.
async fn exhaust(reply: Reply, policy: Option<RetryPolicy>) -> Value {
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    mount(&server, &recorder, &reply, None);
    let sleep = RecordingSleep::default();
    let mut client = builder(&server.base_url()).sleep_impl(sleep.clone());
    if let Some(policy) = policy {
        client = client.retry_policy(policy);
    }
    let error = client
        .build()
        .expect("client builds")
        .entity_context_syncs()
        .create(canary_sync())
        .await
        .expect_err("always 429");
    let waited: Duration = sleep.waits().iter().sum();
    if let Error::RateLimited {
        waited: reported, ..
    } = &error
    {
        assert_eq!(*reported, waited, "`waited` is the sum of the real waits");
    }
    json!({
        "requests": recorder.requests().len(),
        "waits": waits_view(&sleep),
        "error": error_view(&error),
    })
}

#[tokio::test]
async fn too_many_requests_429_exhausts_the_retries() {
    let _settings = settings().bind_to_scope();
    let reply = Reply::json(429, errors_body(&["Too many requests"]))
        .header("X-RateLimit-Limit", "100")
        .header("X-RateLimit-Period", "60")
        .header("X-RateLimit-Remaining", "0")
        .header("X-RateLimit-Reset", "1");
    insta::assert_json_snapshot!("error_429_exhausts_retries", exhaust(reply, None).await);
}

#[tokio::test]
async fn too_many_requests_429_exhausts_the_wait_budget() {
    let _settings = settings().bind_to_scope();
    let reply = Reply::json(429, errors_body(&["Too many requests"]))
        .header("X-RateLimit-Remaining", "0")
        .header("X-RateLimit-Reset", "45");
    let policy = RetryPolicy::default().total_budget(Duration::from_secs(60));
    insta::assert_json_snapshot!(
        "error_429_exhausts_wait_budget",
        exhaust(reply, Some(policy)).await
    );
}

#[tokio::test]
async fn too_many_requests_429_without_reset_backs_off_exponentially() {
    let _settings = settings().bind_to_scope();
    let reply = Reply::json(429, errors_body(&["Too many requests"]));
    let policy = RetryPolicy::default().jitter(false);
    insta::assert_json_snapshot!(
        "error_429_exhausts_retries_with_backoff",
        exhaust(reply, Some(policy)).await
    );
}

/// The same 5xx status with a Datadog JSON body, an HTML page and an empty body.
async fn server_error(status: u16) -> Value {
    json!({
        "json_body": fail_with(
            Reply::json(status, errors_body(&["Internal Server Error"])).rate_limited_headers(),
            canary_sync(),
        )
        .await,
        "html_body": fail_with(
            Reply::raw(
                status,
                Some("text/html"),
                format!(
                    "<html>\r\n<head><title>{status} Error</title></head>\r\n\
                     <body><center><h1>{status} Error</h1></center><hr><center>nginx</center></body>\r\n</html>\r\n"
                ),
            ),
            canary_sync(),
        )
        .await,
        "empty_body": fail_with(Reply::raw(status, None, ""), canary_sync()).await,
    })
}

#[tokio::test]
async fn internal_server_error_500() {
    let _settings = settings().bind_to_scope();
    insta::assert_json_snapshot!("error_500", server_error(500).await);
}

#[tokio::test]
async fn bad_gateway_502() {
    let _settings = settings().bind_to_scope();
    insta::assert_json_snapshot!("error_502", server_error(502).await);
}

#[tokio::test]
async fn service_unavailable_503() {
    let _settings = settings().bind_to_scope();
    insta::assert_json_snapshot!("error_503", server_error(503).await);
}

#[tokio::test]
async fn server_errors_are_not_retried_even_with_a_retry_policy() {
    let _settings = settings().bind_to_scope();
    let reply =
        Reply::json(503, errors_body(&["Service Unavailable"])).header("X-RateLimit-Reset", "1");
    insta::assert_json_snapshot!("error_503_not_retried", exhaust(reply, None).await);
}

#[tokio::test]
async fn ok_200_with_truncated_json() {
    let _settings = settings().bind_to_scope();
    let truncated = &entity_context_sync_tests::SEED_RESPONSE[..120];
    let reply = Reply::json(200, truncated).rate_limited_headers();
    insta::assert_json_snapshot!(
        "error_200_truncated_json",
        fail_with(reply, canary_sync()).await
    );
}

#[tokio::test]
async fn ok_200_missing_a_required_field() {
    let _settings = settings().bind_to_scope();
    let mut body = entity_context_sync_tests::json(entity_context_sync_tests::SEED_RESPONSE);
    body["data"]["attributes"]
        .as_object_mut()
        .expect("attributes")
        .remove("enabled");
    let reply = Reply::json(200, body.to_string()).rate_limited_headers();
    insta::assert_json_snapshot!(
        "error_200_missing_required_field",
        fail_with(reply, canary_sync()).await
    );
}

#[tokio::test]
async fn ok_200_with_an_empty_or_html_body() {
    let _settings = settings().bind_to_scope();
    insta::assert_json_snapshot!(
        "error_200_empty_or_html_body",
        json!({
            "empty_body": fail_with(Reply::raw(200, None, ""), canary_sync()).await,
            "html_body": fail_with(
                Reply::raw(200, Some("text/html"), "<!doctype html><title>Sign in</title>"),
                canary_sync(),
            )
            .await,
        })
    );
}

#[tokio::test]
async fn timeout_after_the_request_was_sent() {
    let _settings = settings().bind_to_scope();
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    server.create_security_monitoring_integration_config(|when, then| {
        when.into_inner().is_true(recorder.matcher());
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(entity_context_sync_tests::SEED_RESPONSE)
            .delay(Duration::from_secs(5));
    });
    let error = builder(&server.base_url())
        .timeout(Duration::from_millis(300))
        .build()
        .expect("client builds")
        .entity_context_syncs()
        .create(canary_sync())
        .await
        .expect_err("the reply comes too late");
    insta::assert_json_snapshot!(
        "error_timeout_after_send",
        json!({ "requests": recorder.requests().len(), "error": error_view(&error) })
    );
}

#[tokio::test]
async fn connection_refused_is_retried_then_reported() {
    let _settings = settings().bind_to_scope();
    // A port nothing listens on: bind, read the port, close.
    let port = entity_context_sync_fake::raw::refused_addr().port();
    let sleep = RecordingSleep::default();
    let error = builder(&format!("http://127.0.0.1:{port}"))
        .retry_policy(RetryPolicy::default().jitter(false))
        .sleep_impl(sleep.clone())
        .build()
        .expect("client builds")
        .entity_context_syncs()
        .create(canary_sync())
        .await
        .expect_err("nothing listens");
    insta::assert_json_snapshot!(
        "error_connection_refused",
        json!({ "waits": waits_view(&sleep), "error": error_view(&error) })
    );
}

/// Arguments refused before anything is sent: one entry per rule.
#[tokio::test]
async fn validation_failures_send_nothing() {
    let _settings = settings().bind_to_scope();
    let server = MockServer::start_async().await;
    let recorder = Recorder::default();
    mount(&server, &recorder, &Reply::seed(), None);
    let client = snapshots_support::client(&server);
    let gws = |name: &str, domain: &str| {
        NewSync::google_workspace(name, domain, service_account_key())
            .admin_email("admin-s3cr3t@siem-test.com")
    };
    let ok = || gws("My GWS Integration", "siem-test.com");
    let key = |project_id: &str, client_email: &str, private_key: &str| {
        NewSync::google_workspace(
            "n",
            "siem-test.com",
            ServiceAccountKey::new(project_id, client_email, private_key),
        )
    };
    let pem = "-----BEGIN PRIVATE KEY-----\nMIIE-s3cr3t\n-----END PRIVATE KEY-----\n";
    let cases: Vec<(&str, NewSync)> = vec![
        ("name: empty", gws("", "siem-test.com")),
        ("name: only whitespace", gws(" \t ", "siem-test.com")),
        (
            "name: control character",
            gws("My\u{7}Sync", "siem-test.com"),
        ),
        (
            "name: too long",
            gws(&"n".repeat(MAX_NAME_CHARS + 1), "siem-test.com"),
        ),
        ("domain: empty", gws("n", "")),
        ("domain: with scheme", gws("n", "https://siem-test.com")),
        ("domain: with path", gws("n", "siem-test.com/admin")),
        ("domain: with port", gws("n", "siem-test.com:443")),
        ("domain: with user", gws("n", "admin@siem-test.com")),
        ("domain: with space", gws("n", "siem test.com")),
        ("domain: leading dot", gws("n", ".siem-test.com")),
        ("domain: double dot", gws("n", "siem-test..com")),
        (
            "domain: too many characters",
            gws("n", &"d".repeat(MAX_DOMAIN_LEN + 1)),
        ),
        (
            "domain: too many bytes",
            gws("n", &"ü".repeat(MAX_DOMAIN_LEN / 2 + 1)),
        ),
        (
            "integration_type: empty",
            NewSync::raw("", "n", "siem-test.com").raw_secrets(json!({ "k": "v-s3cr3t" })),
        ),
        (
            "integration_type: surrounding spaces",
            NewSync::raw(" OKTA ", "n", "siem-test.com").raw_secrets(json!({ "k": "v-s3cr3t" })),
        ),
        (
            "secrets: raw OKTA without api_token",
            NewSync::raw("OKTA", "n", "siem-test.com"),
        ),
        (
            "secrets: raw SENTINELONE without api_token",
            NewSync::raw("SENTINELONE", "n", "siem-test.com")
                .raw_secrets(json!({ "token": "v-s3cr3t" })),
        ),
        (
            "secrets: raw CROWDSTRIKE without client_secret",
            NewSync::raw("CROWDSTRIKE", "n", "siem-test.com")
                .raw_secrets(json!({ "client_id": "id-s3cr3t" })),
        ),
        (
            "secrets: raw GOOGLE_WORKSPACE without service_account_json",
            NewSync::raw("GOOGLE_WORKSPACE", "n", "siem-test.com")
                .raw_secrets(json!({ "admin_email": "admin-s3cr3t@siem-test.com" })),
        ),
        (
            "secrets: raw GOOGLE_WORKSPACE with the key file as a string",
            NewSync::raw("GOOGLE_WORKSPACE", "n", "siem-test.com")
                .raw_secrets(json!({ "service_account_json": "{\"private_key\": \"s3cr3t\"}" })),
        ),
        (
            "secrets: raw, not an object",
            NewSync::raw("JUMPCLOUD", "n", "siem-test.com").raw_secrets(json!("v-s3cr3t")),
        ),
        ("secrets: empty admin_email", ok().admin_email("  ")),
        (
            "secrets: admin_email not an email",
            ok().admin_email("admin-s3cr3t"),
        ),
        (
            "secrets: admin_email on an Okta sync",
            NewSync::okta("n", "siem-test.okta.com", "okta-s3cr3t-token")
                .admin_email("admin-s3cr3t@siem-test.com"),
        ),
        (
            "secrets: empty Okta api_token",
            NewSync::okta("n", "siem-test.okta.com", ""),
        ),
        (
            "secrets: whitespace SentinelOne api_token",
            NewSync::sentinel_one("n", "usea1.sentinelone.net", " \n "),
        ),
        (
            "secrets: empty CrowdStrike client_id",
            NewSync::crowdstrike("n", "api.crowdstrike.com", "", "cs-secret-s3cr3t"),
        ),
        (
            "secrets: empty CrowdStrike client_secret",
            NewSync::crowdstrike("n", "api.crowdstrike.com", "cs-id-s3cr3t", ""),
        ),
        (
            "secrets: raw_secrets on an Okta sync",
            NewSync::okta("n", "siem-test.okta.com", "okta-s3cr3t-token")
                .raw_secrets(json!({ "api_token": "v-s3cr3t" })),
        ),
        (
            "attributes: raw_attribute on an Okta sync",
            NewSync::okta("n", "siem-test.okta.com", "okta-s3cr3t-token")
                .raw_attribute("region", "eu"),
        ),
        (
            "attributes: raw_attribute overriding name",
            NewSync::raw("JUMPCLOUD", "n", "siem-test.com")
                .raw_secrets(json!({ "api_key": "v-s3cr3t" }))
                .raw_attribute("name", "other"),
        ),
        (
            "secrets: empty key",
            NewSync::raw("JUMPCLOUD", "n", "siem-test.com").raw_secrets(json!({ "": "v-s3cr3t" })),
        ),
        (
            "secrets: control character in key",
            NewSync::raw("JUMPCLOUD", "n", "siem-test.com")
                .raw_secrets(json!({ "api\nkey": "v-s3cr3t" })),
        ),
        (
            "secrets: value too large",
            NewSync::okta("n", "siem-test.okta.com", "k".repeat(MAX_SECRET_LEN + 1)),
        ),
        (
            "secrets.service_account_json: empty project_id",
            key(" ", "sync@p.iam.gserviceaccount.com", pem),
        ),
        (
            "secrets.service_account_json: client_email not an email",
            key("p", "sync-s3cr3t", pem),
        ),
        (
            "secrets.service_account_json: private_key not a PEM block",
            key("p", "sync@p.iam.gserviceaccount.com", "MIIE-s3cr3t"),
        ),
        (
            "secrets.service_account_json: empty private_key",
            key("p", "sync@p.iam.gserviceaccount.com", ""),
        ),
        ("settings: empty key", ok().setting("", 1)),
        (
            "settings: too large",
            ok().setting("blob", "b".repeat(MAX_SETTINGS_LEN)),
        ),
    ];
    let mut views = serde_json::Map::new();
    for (case, sync) in cases {
        let error = client
            .entity_context_syncs()
            .create(sync)
            .await
            .expect_err(case);
        assert!(
            matches!(error, Error::Validation { .. }),
            "{case}: {error:?}"
        );
        views.insert(case.to_string(), error_view(&error));
    }
    assert_eq!(recorder.requests().len(), 0, "nothing was sent");
    for text in views.values().map(Value::to_string) {
        assert!(!text.contains("MIIE-s3cr3t"), "{text}");
    }
    insta::assert_json_snapshot!("error_validation", views);
}

/// Key files refused by `ServiceAccountKey::from_json` / `from_file`, before
/// any client exists: each error names the field, never its value.
#[test]
fn service_account_key_file_errors() {
    let _settings = settings().bind_to_scope();
    let fixture: Value = serde_json::from_str(SERVICE_ACCOUNT_KEY).expect("fixture JSON");
    let with = |edit: &dyn Fn(&mut serde_json::Map<String, Value>)| {
        let mut key = fixture.as_object().expect("object").clone();
        edit(&mut key);
        Value::Object(key).to_string()
    };
    let mut cases: Vec<(String, String)> = vec![
        (
            "not JSON (the PEM pasted alone)".into(),
            fixture["private_key"].as_str().expect("pem").to_string(),
        ),
        (
            "truncated JSON".into(),
            SERVICE_ACCOUNT_KEY[..SERVICE_ACCOUNT_KEY.len() / 2].to_string(),
        ),
        ("a JSON array".into(), json!([fixture.clone()]).to_string()),
    ];
    for field in ["type", "project_id", "private_key", "client_email"] {
        cases.push((
            format!("{field}: missing"),
            with(&|k| {
                k.remove(field);
            }),
        ));
        cases.push((
            format!("{field}: not a string"),
            with(&|k| {
                k.insert(field.to_string(), json!(["s3cr3t-value"]));
            }),
        ));
    }
    cases.push((
        "type: authorized_user".into(),
        with(&|k| {
            k.insert("type".into(), json!("authorized_user"));
        }),
    ));
    cases.push((
        "private_key: not a PEM block".into(),
        with(&|k| {
            k.insert("private_key".into(), json!("MIIE-s3cr3t-not-pem"));
        }),
    ));
    let mut views = serde_json::Map::new();
    for (case, text) in &cases {
        let error = ServiceAccountKey::from_json(text).expect_err(case);
        assert!(
            matches!(error, Error::Validation { .. }),
            "{case}: {error:?}"
        );
        views.insert(case.clone(), error_view(&error));
    }
    let missing = ServiceAccountKey::from_file("/nonexistent/service-account-key.json")
        .expect_err("no such file");
    views.insert("from_file: no such file".into(), error_view(&missing));
    let text = Value::Object(views.clone()).to_string();
    for secret in service_account_key_secrets() {
        assert!(!text.contains(&secret), "leaked {secret:?}");
    }
    assert!(!text.contains("MIIE-s3cr3t"), "{text}");
    insta::assert_json_snapshot!("error_validation_service_account_key_file", views);
}

/// Builder settings refused by `build()`.
#[test]
fn configuration_errors() {
    let _settings = settings().bind_to_scope();
    let keys = || {
        Client::builder()
            .api_key(TEST_API_KEY)
            .app_key(TEST_APP_KEY)
    };
    let env = |vars: &'static [(&'static str, &'static str)]| {
        move |name: &str| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    };
    let cases: Vec<(&str, entity_context_sync::Result<Client>)> = vec![
        (
            "no API key",
            Client::builder().app_key(TEST_APP_KEY).build(),
        ),
        (
            "no application key",
            Client::builder().api_key(TEST_API_KEY).build(),
        ),
        (
            "empty API key",
            Client::builder()
                .api_key("  ")
                .app_key(TEST_APP_KEY)
                .build(),
        ),
        (
            "application key of 1 character",
            Client::builder().api_key(TEST_API_KEY).app_key("k").build(),
        ),
        (
            "application key with a non-ASCII character",
            Client::builder()
                .api_key(TEST_API_KEY)
                .app_key("app-s3cr3t-clé")
                .build(),
        ),
        ("base_url: not a URL", keys().base_url("not a url").build()),
        (
            "base_url: not http(s)",
            keys().base_url("ftp://dd-proxy.example").build(),
        ),
        (
            "base_url: with a query",
            keys().base_url("https://dd-proxy.example/?x=1").build(),
        ),
        ("base_url: no host", keys().base_url("http://").build()),
        (
            "user agent: newline",
            keys().user_agent("bad\nagent").build(),
        ),
        (
            "env: DD_API_KEY missing",
            Client::builder()
                .env_from(env(&[("DD_APP_KEY", TEST_APP_KEY)]))
                .and_then(|b| b.build()),
        ),
        (
            "env: DD_APP_KEY empty",
            Client::builder()
                .env_from(env(&[("DD_API_KEY", TEST_API_KEY), ("DD_APP_KEY", " ")]))
                .and_then(|b| b.build()),
        ),
        (
            "env: unknown DD_SITE",
            Client::builder()
                .env_from(env(&[
                    ("DD_API_KEY", TEST_API_KEY),
                    ("DD_APP_KEY", TEST_APP_KEY),
                    ("DD_SITE", "datadoghq.co"),
                ]))
                .and_then(|b| b.build()),
        ),
    ];
    let mut views = serde_json::Map::new();
    for (case, result) in cases {
        let error = result.expect_err(case);
        assert!(matches!(error, Error::Config { .. }), "{case}: {error:?}");
        views.insert(case.to_string(), error_view(&error));
    }
    insta::assert_json_snapshot!("error_config", views);
}
