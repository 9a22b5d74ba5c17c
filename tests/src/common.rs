//! The one test bed of the workspace's tests: the keys, a client aimed at a
//! local mock, the stateful fake or a raw server (waits recorded by a
//! [`Sleep`] that never sleeps), the fake accepting those keys, canary
//! secrets, and a request recorder for httpmock. The failure modes only a
//! raw TCP listener produces come from the fake's `raw` module (re-exported
//! here), the one place such servers live.
//!
//! [`Sleep`]: entity_context_sync::Sleep

use std::sync::{Arc, Mutex, PoisonError};
use std::time::Duration;

pub use entity_context_sync::RecordingSleep;
use entity_context_sync::{Client, ClientBuilder, Error, NewSync, RetryPolicy, ServiceAccountKey};
use entity_context_sync_client::types as wire;
use entity_context_sync_fake::FakeDatadog;
#[allow(unused_imports)] // each test binary uses a different subset
pub use entity_context_sync_fake::raw::{Action, RawServer, refused_base_url};
use httpmock::{HttpMockRequest, MockServer};
use serde_json::Value;

/// The keys every test client sends (and the fake accepts): distinctive
/// enough that finding one in any output is a leak.
pub const API_KEY: &str = crate::TEST_API_KEY;
/// The application key.
pub const APP_KEY: &str = crate::TEST_APP_KEY;
/// A canary secret value.
pub const SECRET: &str = "canary-secret-7d41@example.com";

/// A Google service account key file in Google's format, every value fake
/// (the examples' `examples/data/service-account-key.json`).
pub const KEY_FILE: &str = crate::SERVICE_ACCOUNT_KEY;

/// A canary private key (multi-line PEM) for [`canary_key`].
pub const PEM_CANARY: &str = "MIIEvQIBADANcanarypem51f0";
/// The canary client email of [`canary_key`].
pub const CLIENT_EMAIL_CANARY: &str = "canary-sa-9e2b@canary-proj.iam.gserviceaccount.com";
/// The canary `private_key_id` of [`canary_key`].
pub const KEY_ID_CANARY: &str = "canarykeyid0a7c55e3";

/// The key file fixture, parsed.
pub fn key_file() -> ServiceAccountKey {
    ServiceAccountKey::from_json(KEY_FILE).expect("the key file fixture is valid")
}

/// A key whose private key, client email and `private_key_id` are canaries.
pub fn canary_key() -> ServiceAccountKey {
    ServiceAccountKey::new(
        "canary-proj",
        CLIENT_EMAIL_CANARY,
        format!(
            "-----BEGIN PRIVATE KEY-----\n{PEM_CANARY}\nline2canary\n-----END PRIVATE KEY-----\n"
        ),
    )
    .field("private_key_id", KEY_ID_CANARY)
}

/// The secrets of [`canary_key`] a leak check looks for.
pub const KEY_CANARIES: &[&str] = &[PEM_CANARY, CLIENT_EMAIL_CANARY, KEY_ID_CANARY];

/// A Google Workspace sync with every secret a canary (key and `admin_email`).
pub fn gws(name: &str, domain: &str) -> NewSync {
    NewSync::google_workspace(name, domain, canary_key()).admin_email(SECRET)
}

/// The seed reply (tests/fixtures/seed-response.json at the workspace root).
pub const SEED_RESPONSE: &str = crate::SEED_RESPONSE;
/// The seed error body.
pub const SEED_ERROR: &str = crate::SEED_ERROR;

/// The API path of the endpoint.
pub const PATH: &str = "/api/v2/security_monitoring/configuration/integration_config";

/// The seed reply as the generated type (for `then.ok(..)`).
pub fn seed_response() -> wire::SecurityMonitoringIntegrationConfigResponse {
    serde_json::from_str(SEED_RESPONSE).expect("seed response fixture decodes")
}

/// A Datadog `{"errors": [..]}` body as the generated type.
pub fn api_errors(errors: &[&str]) -> wire::ApiErrorResponse {
    wire::ApiErrorResponse {
        errors: errors.iter().map(|e| e.to_string()).collect(),
    }
}

/// A builder with the test keys, pointed at `base_url`.
pub fn builder(base_url: &str) -> ClientBuilder {
    Client::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .base_url(base_url)
}

/// A client for `base_url` with `policy`, whose waits are recorded, never
/// slept, and a 10 s timeout (no test waits on it unless a server stalls on
/// purpose).
pub fn client_with(base_url: &str, policy: RetryPolicy) -> (Client, RecordingSleep) {
    let sleep = RecordingSleep::default();
    let client = builder(base_url)
        .retry_policy(policy)
        .sleep_impl(sleep.clone())
        .timeout(Duration::from_secs(10))
        .build()
        .expect("test client builds");
    (client, sleep)
}

/// A client for the mock server with the default retry policy (waits recorded).
pub fn client(server: &MockServer) -> (Client, RecordingSleep) {
    client_with(&server.base_url(), RetryPolicy::default())
}

/// Whole seconds, for readable wait assertions.
pub fn secs(list: &[u64]) -> Vec<Duration> {
    list.iter().copied().map(Duration::from_secs).collect()
}

/// One request as the mock server saw it.
#[derive(Debug, Clone)]
pub struct Seen {
    pub method: String,
    pub path: String,
    /// Header names lower-cased, in arrival order.
    pub headers: Vec<(String, String)>,
    pub body: Vec<u8>,
}

impl Seen {
    /// Every value of header `name`.
    pub fn header_values(&self, name: &str) -> Vec<&str> {
        self.headers
            .iter()
            .filter(|(k, _)| k.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
            .collect()
    }

    /// The single value of header `name` (panics if absent or repeated).
    pub fn header(&self, name: &str) -> &str {
        match self.header_values(name).as_slice() {
            [one] => one,
            other => panic!("header {name}: expected exactly one value, got {other:?}"),
        }
    }

    /// The body as JSON.
    pub fn json(&self) -> Value {
        serde_json::from_slice(&self.body).expect("request body is JSON")
    }
}

/// Records the requests a mock matched; attach with [`Requests::matcher`].
#[derive(Debug, Clone, Default)]
pub struct Requests(Arc<Mutex<Vec<Seen>>>);

impl Requests {
    /// An always-true httpmock matcher that records the request.
    pub fn matcher(&self) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
        let seen = self.0.clone();
        move |req: &HttpMockRequest| {
            let headers = req
                .headers()
                .iter()
                .map(|(k, v)| {
                    (
                        k.as_str().to_ascii_lowercase(),
                        String::from_utf8_lossy(v.as_bytes()).into_owned(),
                    )
                })
                .collect();
            seen.lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(Seen {
                    method: req.method().to_string(),
                    path: req.uri().path().to_string(),
                    headers,
                    body: req.body_vec(),
                });
            true
        }
    }

    /// Every request recorded.
    pub fn all(&self) -> Vec<Seen> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }

    /// The one request recorded (panics unless exactly one).
    pub fn only(&self) -> Seen {
        let all = self.all();
        assert_eq!(all.len(), 1, "expected exactly one request, got {all:#?}");
        all.into_iter().next().expect("one request")
    }
}

/// Adds Datadog's five rate-limit headers to a reply.
pub fn rate_limit_headers(
    then: httpmock::Then,
    limit: u64,
    remaining: u64,
    reset: u64,
) -> httpmock::Then {
    then.header("x-ratelimit-limit", limit.to_string())
        .header("x-ratelimit-period", "60")
        .header("x-ratelimit-remaining", remaining.to_string())
        .header("x-ratelimit-reset", reset.to_string())
        .header("x-ratelimit-name", "security_monitoring_integration_config")
}

/// A stateful fake of Datadog that accepts the test keys ([`builder`]'s).
pub async fn fake() -> FakeDatadog {
    FakeDatadog::builder()
        .api_key(API_KEY)
        .app_key(APP_KEY)
        .start()
        .await
}

/// Panics unless `text` is free of the test keys, the canaries of
/// [`canary_key`] and every `secrets` given.
pub fn assert_no_leak(text: &str, secrets: &[&str]) {
    for needle in [API_KEY, APP_KEY].iter().chain(KEY_CANARIES).chain(secrets) {
        assert!(!text.contains(needle), "leaked {needle:?} into:\n{text}");
    }
}

/// Display and Debug of an error, for leak checks.
pub fn shown(err: &Error) -> String {
    format!("{err}\n{err:?}")
}
