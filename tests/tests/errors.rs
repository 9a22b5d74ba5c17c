//! What an error of a create says and carries: Datadog's `errors`, body
//! excerpts, rate-limit figures, undecodable successes, the texts of
//! connection failures and timeouts, and servers that echo credentials back
//! (masked). Which faults are retried, and how often, is `faults.rs`'s table.

use std::time::Duration;

use entity_context_sync::{Error, NewSync, RetryPolicy, ServiceAccountKey};
use entity_context_sync_fake::Fault;
use entity_context_sync_httpmock::MockServerExt;
use entity_context_sync_tests::common::*;
use httpmock::{HttpMockResponse, MockServer};

const NOT_RETRIED: &str = "the create may have been applied, so it was not retried";

fn sync() -> NewSync {
    gws("My GWS Integration", "siem-test.com")
}

#[tokio::test]
async fn bad_request_400_is_an_api_error_with_errors_and_rate_limit() {
    let server = MockServer::start_async().await;
    let mock = server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(
            then.bad_request(&serde_json::from_str(SEED_ERROR).expect("seed error"))
                .into_inner(),
            100,
            97,
            30,
        );
    });
    let (client, sleep) = client(&server);
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("400");
    println!("400 Display: {err}");
    let Error::Api {
        status,
        errors,
        body_excerpt,
        rate_limit,
        ..
    } = &err
    else {
        panic!("expected Error::Api, got {err:?}");
    };
    assert_eq!(*status, 400);
    assert_eq!(errors, &["Bad Request"]);
    assert_eq!(body_excerpt, &None);
    let rl = rate_limit.as_ref().expect("rate limit parsed");
    assert_eq!(
        (rl.limit, rl.remaining, rl.reset),
        (Some(100), Some(97), Some(30))
    );
    assert_eq!(
        err.to_string(),
        "create: Datadog API error 400 Bad Request: Bad Request"
    );
    assert_eq!(err.status(), Some(400));
    assert_eq!(err.rate_limit().and_then(|r| r.remaining), Some(97));
    assert!(!err.is_retryable());
    assert!(!err.may_have_been_applied());
    assert_eq!(mock.calls(), 1);
    assert!(sleep.waits().is_empty());
}

#[tokio::test]
async fn forbidden_403_lists_every_error() {
    let server = MockServer::start_async().await;
    let mock = server.create_security_monitoring_integration_config(|_, then| {
        rate_limit_headers(
            then.forbidden(&api_errors(&[
                "Forbidden",
                "Failed permission authorization checks",
            ]))
            .into_inner(),
            100,
            96,
            29,
        );
    });
    let (client, _) = client(&server);
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("403");
    assert!(
        matches!(&err, Error::Api { status: 403, errors, rate_limit: Some(_), .. } if errors.len() == 2),
        "{err:?}"
    );
    assert_eq!(
        err.to_string(),
        "create: Datadog API error 403 Forbidden: Forbidden; Failed permission authorization checks; create needs the manage_integrations permission: check that the application key's user or service account has it, that DD_API_KEY and DD_APP_KEY belong to the same organization, and that DD_SITE is that organization's site"
    );
    assert_eq!(err.status(), Some(403));
    assert!(!err.is_retryable());
    assert!(!err.may_have_been_applied());
    assert_eq!(mock.calls(), 1);
}

#[tokio::test]
async fn client_error_with_a_non_json_body_keeps_an_excerpt() {
    let server = MockServer::start_async().await;
    server.create_security_monitoring_integration_config(|_, then| {
        then.into_inner()
            .status(400)
            .header("content-type", "text/html")
            .body("<html><body>400 Bad Request (proxy)</body></html>");
    });
    let (client, _) = client(&server);
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("400");
    let Error::Api {
        status: 400,
        errors,
        body_excerpt: Some(excerpt),
        ..
    } = &err
    else {
        panic!("expected Error::Api 400 with an excerpt, got {err:?}");
    };
    assert!(errors.is_empty());
    assert_eq!(excerpt, "<html><body>400 Bad Request (proxy)</body></html>");
    assert!(
        err.to_string()
            .starts_with("create: Datadog API error 400 Bad Request (body: \"<html>"),
        "{err}"
    );
}

/// A 5xx body of each kind; `Some(errors)` when it is Datadog's JSON.
fn server_error_bodies() -> [(&'static str, &'static str, Option<Vec<String>>); 3] {
    [
        (
            "application/json",
            r#"{"errors":["Internal Server Error"]}"#,
            Some(vec!["Internal Server Error".to_string()]),
        ),
        ("text/html", "<html><h1>Bad gateway</h1></html>", None),
        ("text/plain", "", None),
    ]
}

#[tokio::test]
async fn server_error_bodies_become_api_errors_with_their_figures() {
    for status in [500u16, 502, 503] {
        for (content_type, body, parsed) in server_error_bodies() {
            let server = MockServer::start_async().await;
            let mock = server.create_security_monitoring_integration_config(|_, then| {
                rate_limit_headers(
                    then.into_inner()
                        .status(status)
                        .header("content-type", content_type)
                        .body(body),
                    100,
                    90,
                    5,
                );
            });
            let (client, _) = client_with(&server.base_url(), RetryPolicy::none());
            let err = client
                .entity_context_syncs()
                .create(sync())
                .await
                .expect_err("5xx");
            let case = format!("{status} {content_type} {body:?}");
            assert_eq!(mock.calls(), 1, "{case}");
            let Error::Api {
                status: got,
                errors,
                body_excerpt,
                rate_limit,
                ..
            } = &err
            else {
                panic!("{case}: expected Error::Api, got {err:?}");
            };
            assert_eq!(*got, status, "{case}");
            assert_eq!(
                rate_limit.as_ref().and_then(|r| r.remaining),
                Some(90),
                "{case}"
            );
            match &parsed {
                Some(list) => assert_eq!(errors, list, "{case}"),
                None => {
                    assert!(errors.is_empty(), "{case}");
                    let expected = (!body.is_empty()).then_some(body);
                    assert_eq!(
                        body_excerpt.as_deref(),
                        expected,
                        "{case}: empty body, no excerpt"
                    );
                }
            }
            let text = err.to_string();
            assert!(
                text.starts_with(&format!("create: Datadog API error {status} ")),
                "{case}: {text}"
            );
            assert!(text.contains(NOT_RETRIED), "{case}: {text}");
            assert!(err.may_have_been_applied(), "{case}");
            assert!(!err.is_retryable(), "{case}");
            assert_eq!(err.status(), Some(status), "{case}");
        }
    }
}

#[tokio::test]
async fn ok_200_that_does_not_decode_is_a_decode_error_and_not_retried() {
    let seed = SEED_RESPONSE.trim();
    let cases = [
        ("truncated JSON", "application/json", seed[..seed.len() / 2].to_string()),
        (
            "missing required field",
            "application/json",
            r#"{"data":{"type":"integration_config","attributes":{"domain":"d","enabled":true,"integration_type":"OKTA"}}}"#
                .to_string(),
        ),
        (
            "wrong types",
            "application/json",
            r#"{"data":{"id":42,"type":"integration_config","attributes":{"domain":"d","enabled":"yes","integration_type":"OKTA"}}}"#
                .to_string(),
        ),
        (
            "text/html",
            "text/html",
            "<!DOCTYPE html><html><body>Welcome to nginx!</body></html>".to_string(),
        ),
        ("empty body", "application/json", String::new()),
    ];
    for (case, content_type, body) in cases {
        let server = MockServer::start_async().await;
        let mock = server.create_security_monitoring_integration_config(|_, then| {
            rate_limit_headers(
                then.into_inner()
                    .status(200)
                    .header("content-type", content_type)
                    .body(body.clone()),
                100,
                95,
                12,
            );
        });
        let (client, sleep) = client(&server);
        let err = client
            .entity_context_syncs()
            .create(sync())
            .await
            .expect_err(case);
        assert_eq!(mock.calls(), 1, "{case}");
        assert!(sleep.waits().is_empty(), "{case}");
        let Error::Decode {
            status,
            reason,
            body_excerpt,
            rate_limit,
            ..
        } = &err
        else {
            panic!("{case}: expected Error::Decode, got {err:?}");
        };
        assert_eq!(*status, 200, "{case}");
        assert!(!reason.is_empty(), "{case}");
        assert_eq!(body_excerpt, &body, "{case}: short bodies are quoted whole");
        assert_eq!(
            rate_limit.as_ref().and_then(|r| r.reset),
            Some(12),
            "{case}"
        );
        assert!(
            err.to_string()
                .starts_with("create: could not decode Datadog's 200 response: "),
            "{case}: {err}"
        );
        assert_eq!(err.status(), Some(200));
        assert!(
            err.may_have_been_applied(),
            "{case}: a 200 means the create happened"
        );
        assert!(!err.is_retryable(), "{case}");
    }
}

#[tokio::test]
async fn decode_error_quotes_only_a_short_excerpt_of_a_large_body() {
    let body = format!("<html>{}</html>", "x".repeat(100_000));
    let server = MockServer::start_async().await;
    server.create_security_monitoring_integration_config(|_, then| {
        then.into_inner()
            .status(200)
            .header("content-type", "text/html")
            .body(body.clone());
    });
    let (client, _) = client(&server);
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("html");
    let Error::Decode { body_excerpt, .. } = &err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert!(body_excerpt.starts_with("<html>xxx"), "{body_excerpt}");
    assert!(body_excerpt.ends_with('…'), "{body_excerpt}");
    assert!(
        body_excerpt.chars().count() <= 257,
        "{}",
        body_excerpt.len()
    );
    assert!(err.to_string().len() < 1_000, "{}", err.to_string().len());
}

#[tokio::test]
async fn non_200_success_that_does_not_decode_is_a_decode_error() {
    let server = MockServer::start_async().await;
    let mock = server.create_security_monitoring_integration_config(|_, then| {
        then.into_inner()
            .status(201)
            .header("content-type", "application/json")
            .body(r#"{"data":{}}"#);
    });
    let (client, _) = client(&server);
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("201 missing fields");
    assert!(
        matches!(&err, Error::Decode { status: 201, body_excerpt, .. } if body_excerpt == r#"{"data":{}}"#),
        "{err:?}"
    );
    assert!(err.may_have_been_applied());
    assert_eq!(mock.calls(), 1);
}

#[tokio::test]
async fn connection_refused_names_its_attempts_and_keeps_its_source() {
    let base = refused_base_url();
    let (client, sleep) = client_with(
        &base,
        RetryPolicy::default()
            .max_retries(3)
            .initial_backoff(Duration::from_millis(250))
            .jitter(false),
    );
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("nothing listens");
    println!("connection refused Display: {err}");
    assert!(
        matches!(
            err,
            Error::Transport {
                may_have_been_sent: false,
                ..
            }
        ),
        "{err:?}"
    );
    // Three retries after the first attempt, each with the next backoff.
    assert_eq!(
        sleep.waits(),
        [250, 500, 1000].map(Duration::from_millis).to_vec()
    );
    assert!(err.is_retryable());
    assert!(!err.may_have_been_applied());
    assert_eq!(err.status(), None);
    assert!(
        err.to_string()
            .starts_with("create: could not connect to Datadog (after 4 attempts over 1.75s) (nothing was sent): "),
        "{err}"
    );
    assert!(
        std::error::Error::source(&err).is_some(),
        "the reqwest error is kept as source"
    );
}

#[tokio::test]
async fn a_timeout_of_a_create_says_it_may_have_been_applied() {
    // The fake reads the request, then sleeps far past the client's timeout.
    let fake = fake().await;
    fake.fail_next(Fault::Delay(Duration::from_secs(3600)));
    let sleep = RecordingSleep::default();
    let client = builder(&fake.base_url())
        .timeout(Duration::from_secs(1))
        .retry_policy(RetryPolicy::default().max_retries(5))
        .sleep_impl(sleep.clone())
        .build()
        .expect("valid client");
    let err = client
        .entity_context_syncs()
        .create(sync())
        .await
        .expect_err("no answer");
    println!("timeout Display: {err}");
    assert!(
        matches!(
            err,
            Error::Timeout { after, may_have_been_sent: true, .. } if after == Duration::from_secs(1)
        ),
        "{err:?}"
    );
    let received = fake.requests();
    assert_eq!(received.len(), 1, "exactly one request: {received:#?}");
    assert_eq!(
        (received[0].method.as_str(), received[0].path.as_str()),
        ("POST", PATH),
        "the request did reach the server: {received:#?}"
    );
    assert_eq!(
        received[0].fault,
        Some(Fault::Delay(Duration::from_secs(3600)))
    );
    assert!(fake.configs().is_empty(), "nothing was created");
    assert!(sleep.waits().is_empty());
    assert!(err.may_have_been_applied());
    assert!(!err.is_retryable());
    assert_eq!(
        err.to_string(),
        format!(
            "create: no response from Datadog within 1s; {NOT_RETRIED}; call list() to check before creating again, or use ensure(), which resolves this by listing"
        )
    );
}

#[tokio::test]
async fn unexpected_status_is_an_api_error() {
    // 404 (wrong base URL path) and 401 are not in the spec; both are plain API errors.
    for (status, body) in [
        (404u16, r#"{"errors":["Not found"]}"#),
        (401, "Unauthorized"),
    ] {
        let server = MockServer::start_async().await;
        let mock = server.create_security_monitoring_integration_config(|_, then| {
            then.into_inner().status(status).body(body);
        });
        let (client, sleep) = client(&server);
        let err = client
            .entity_context_syncs()
            .create(sync())
            .await
            .expect_err("error status");
        assert_eq!(err.status(), Some(status), "{err:?}");
        assert!(matches!(err, Error::Api { .. }), "{err:?}");
        assert!(!err.may_have_been_applied());
        assert!(!err.is_retryable());
        assert_eq!(mock.calls(), 1);
        assert!(sleep.waits().is_empty());
    }
}

/// A reply that echoes the credential headers and the raw request body.
fn echo(
    status: u16,
    content_type: &'static str,
) -> impl Fn(&httpmock::HttpMockRequest) -> HttpMockResponse + Send + Sync + 'static {
    move |req| {
        let headers = req.headers();
        let get = |name: &str| {
            headers
                .get(name)
                .map(|v| String::from_utf8_lossy(v.as_bytes()).into_owned())
                .unwrap_or_default()
        };
        let body = format!(
            "echo api={} app={} body={}",
            get("dd-api-key"),
            get("dd-application-key"),
            req.body_string()
        );
        HttpMockResponse::builder()
            .status(status)
            .header("content-type", content_type)
            .body(body)
            .build()
    }
}

#[tokio::test]
async fn echoed_credentials_and_secrets_are_redacted_from_every_error() {
    // Raw echo into a body that is not Datadog's JSON: 400, 500 and a 200 that does not decode.
    for status in [400u16, 500, 200] {
        let server = MockServer::start_async().await;
        server.create_security_monitoring_integration_config(|_, then| {
            then.into_inner().respond_with(echo(status, "text/plain"));
        });
        let (client, _) = client(&server);
        let err = client
            .entity_context_syncs()
            .create(sync())
            .await
            .expect_err("echo");
        let text = shown(&err);
        assert!(
            text.contains("echo api=[REDACTED] app=[REDACTED]"),
            "{status}: {text}"
        );
        assert_no_leak(&text, &[SECRET]);
        assert_eq!(err.status(), Some(status));
    }

    // Echo inside Datadog's own error list, and in a 429 that exhausts retries.
    for status in [403u16, 429] {
        let server = MockServer::start_async().await;
        let message = format!("key {API_KEY} with app key {APP_KEY} cannot use admin {SECRET}");
        server.create_security_monitoring_integration_config(|_, then| {
            then.into_inner()
                .status(status)
                .header("content-type", "application/json")
                .body(serde_json::json!({ "errors": [message] }).to_string());
        });
        let (client, _) = client_with(&server.base_url(), RetryPolicy::default().max_retries(1));
        let err = client
            .entity_context_syncs()
            .create(sync())
            .await
            .expect_err("echo");
        let text = shown(&err);
        assert!(
            text.contains("key [REDACTED] with app key [REDACTED] cannot use admin [REDACTED]"),
            "{status}: {text}"
        );
        assert_no_leak(&text, &[SECRET]);
    }
}

#[tokio::test]
async fn echoed_secrets_that_json_escapes_are_redacted_too() {
    // A service-account JSON key (quotes, newlines) and a PEM key (newlines):
    // the echoed request body carries them JSON-escaped, not verbatim. Short
    // names keep the canary inside the excerpt.
    let canary = "MIIEvQIBADANcanary0c41";
    let key_file = format!(
        "{{\"private_key\":\"-----BEGIN PRIVATE KEY-----\\n{canary}\\n-----END PRIVATE KEY-----\\n\"}}"
    );
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{canary}\n-----END PRIVATE KEY-----\n");
    let syncs = [
        (
            "sa",
            key_file.as_str(),
            NewSync::raw("GOOGLE_WORKSPACE", "n", "a.co").raw_secrets(serde_json::json!({
                // A whole key (raw keys get a typed key's checks), plus the
                // key file again as an extra field.
                "service_account_json": {
                    "type": "service_account",
                    "project_id": "p",
                    "client_email": "sa@p.iam.gserviceaccount.com",
                    "private_key": pem.as_str(),
                    "k": key_file.as_str()
                }
            })),
        ),
        (
            "pem",
            pem.as_str(),
            NewSync::google_workspace(
                "n",
                "a.co",
                ServiceAccountKey::new("p", "sa@p.iam.gserviceaccount.com", pem.as_str()),
            ),
        ),
    ];
    for (key, secret, sync) in syncs {
        for status in [400u16, 200] {
            let server = MockServer::start_async().await;
            server.create_security_monitoring_integration_config(|_, then| {
                then.into_inner().respond_with(echo(status, "text/plain"));
            });
            let (client, _) = client(&server);
            let err = client
                .entity_context_syncs()
                .create(sync.clone())
                .await
                .expect_err("echo");
            let text = shown(&err);
            assert!(text.contains("[REDACTED]"), "{key} {status}: {text}");
            assert!(
                !text.contains(canary),
                "{key} {status}: leaked into:\n{text}"
            );
            assert_no_leak(&text, &[secret]);
        }
    }
}

#[tokio::test]
async fn decode_error_reason_never_quotes_a_secret() {
    // A 200 whose wrong-typed field holds the (multi-line) secret: serde's
    // message quotes the value it rejected.
    let canary = "MIIEvQIBADANcanary9b07";
    let pem = format!("-----BEGIN PRIVATE KEY-----\n{canary}\n-----END PRIVATE KEY-----\n");
    let body = serde_json::json!({
        "data": {
            "id": "x",
            "type": "integration_config",
            "attributes": { "domain": "d", "enabled": pem, "integration_type": "OKTA" }
        }
    });
    let server = MockServer::start_async().await;
    server.create_security_monitoring_integration_config(|_, then| {
        then.into_inner()
            .status(200)
            .header("content-type", "application/json")
            .body(body.to_string());
    });
    let (client, _) = client(&server);
    let err = client
        .entity_context_syncs()
        .create(NewSync::google_workspace(
            "n",
            "a.co",
            ServiceAccountKey::new("p", "sa@p.iam.gserviceaccount.com", pem.as_str()),
        ))
        .await
        .expect_err("wrong type");
    let Error::Decode { reason, .. } = &err else {
        panic!("expected Error::Decode, got {err:?}");
    };
    assert!(
        reason.contains("invalid type: string \"[REDACTED]\""),
        "{reason}"
    );
    let text = shown(&err);
    assert!(!text.contains(canary), "leaked into:\n{text}");
}
