//! Shared by the `snapshots_*.rs` suites: a facade client aimed at an httpmock
//! server, a `Sleep` that records waits instead of sleeping, canned replies,
//! and JSON views of requests, responses and errors.

// Each suite is its own test binary and uses only part of this module.
#![allow(dead_code)]

use entity_context_sync::{Client, Error, NewSync, RecordingSleep, RetryPolicy};
use entity_context_sync_httpmock::MockServerExt;
use entity_context_sync_tests::{Recorded, Recorder, SEED_RESPONSE, redact_user_agent};
use httpmock::MockServer;
use serde_json::{Value, json};

/// The path of the create operation.
pub const CREATE_PATH: &str = "/api/v2/security_monitoring/configuration/integration_config";

/// `X-RateLimit-*` headers as Datadog sends them.
pub const RATE_LIMIT_HEADERS: &[(&str, &str)] = &[
    ("X-RateLimit-Limit", "100"),
    ("X-RateLimit-Period", "60"),
    ("X-RateLimit-Remaining", "42"),
    ("X-RateLimit-Reset", "17"),
    ("X-RateLimit-Name", "security_monitoring_integration_config"),
];

/// insta settings for the facade suites: `tests/snapshots/`, maps sorted (so
/// serde_json's `preserve_order`, if another crate ever enables it, changes
/// nothing), and every `127.0.0.1:<port>` and OS error number redacted.
pub fn settings() -> insta::Settings {
    let mut settings = entity_context_sync_tests::snapshot_settings();
    settings.set_sort_maps(true);
    settings.add_filter(r"127\.0\.0\.1:\d+", "127.0.0.1:[port]");
    settings.add_filter(r"os error \d+", "os error [n]");
    settings
}

/// The test bed's builder, aimed at `base_url`.
#[allow(unused_imports)] // each suite uses a different subset
pub use entity_context_sync_tests::common::builder;

/// A client that never retries, aimed at `server`.
pub fn client(server: &MockServer) -> Client {
    entity_context_sync_tests::common::client_with(&server.base_url(), RetryPolicy::none()).0
}

/// The seed's example sync (the fragment's example key; `admin_email` is the
/// seed's value).
#[allow(unused_imports)]
pub use entity_context_sync_tests::faults::seed_sync;

/// A Google Workspace sync whose secrets are canaries: the key file fixture
/// (its every value is forbidden in snapshots) and an `admin_email` holding
/// [`entity_context_sync_tests::CANARY`].
pub fn canary_sync() -> NewSync {
    NewSync::google_workspace(
        "My GWS Integration",
        "siem-test.com",
        entity_context_sync_tests::service_account_key(),
    )
    .admin_email("admin-s3cr3t@siem-test.com")
}

/// The waits a [`RecordingSleep`] saw, as `Debug` strings (`"2s"`, `"100ms"`), for snapshots.
pub fn waits_view(sleep: &RecordingSleep) -> Vec<String> {
    sleep.waits().iter().map(|d| format!("{d:?}")).collect()
}

/// A reply to the create operation: status, headers, optional content type, raw body.
#[derive(Debug, Clone)]
pub struct Reply {
    pub status: u16,
    pub headers: Vec<(String, String)>,
    pub content_type: Option<&'static str>,
    pub body: String,
}

impl Reply {
    /// A JSON reply.
    pub fn json(status: u16, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            content_type: Some("application/json"),
            body: body.into(),
        }
    }

    /// A reply with another content type (`None`: no `content-type` header).
    pub fn raw(status: u16, content_type: Option<&'static str>, body: impl Into<String>) -> Self {
        Self {
            status,
            headers: Vec::new(),
            content_type,
            body: body.into(),
        }
    }

    /// The seed's 200 example.
    pub fn seed() -> Self {
        Self::json(200, SEED_RESPONSE)
    }

    /// Adds a response header.
    pub fn header(mut self, name: &str, value: &str) -> Self {
        self.headers.push((name.to_string(), value.to_string()));
        self
    }

    /// Adds [`RATE_LIMIT_HEADERS`].
    pub fn rate_limited_headers(self) -> Self {
        RATE_LIMIT_HEADERS
            .iter()
            .fold(self, |reply, (name, value)| reply.header(name, value))
    }
}

/// Mounts `reply` for the create operation, recording requests into
/// `recorder`; `times` limits how many requests it answers (then later mocks
/// take over).
pub fn mount<'a>(
    server: &'a MockServer,
    recorder: &Recorder,
    reply: &Reply,
    times: Option<usize>,
) -> httpmock::Mock<'a> {
    server.create_security_monitoring_integration_config(|when, then| {
        when.into_inner().is_true(recorder.matcher());
        let mut then = then.into_inner().status(reply.status);
        if let Some(content_type) = reply.content_type {
            then = then.header("content-type", content_type);
        }
        for (name, value) in &reply.headers {
            then = then.header(name.as_str(), value.as_str());
        }
        then = then.body(reply.body.as_bytes());
        if let Some(times) = times {
            then.up_to_n_times(times);
        }
    })
}

/// The snapshot view of a recorded request: [`entity_context_sync_tests::describe`]
/// with the user agent's version and platform redacted.
pub fn request_view(recorded: &Recorded) -> Value {
    let mut view = recorded.view.clone();
    if let Some(Value::String(ua)) = view.pointer_mut("/headers/user-agent") {
        *ua = redact_user_agent(ua);
    }
    view
}

/// A JSON view of any [`Error`]: the variant, its `Display`, the accessors
/// (`status()`, `rate_limit()`, `is_retryable()`, `may_have_been_applied()`)
/// and every field of the variant. Waits are `Debug` durations (`"2s"`).
pub fn error_view(error: &Error) -> Value {
    let fields = match error {
        Error::Config { message } => json!({ "variant": "Config", "message": message }),
        Error::Validation { field, reason } => {
            json!({ "variant": "Validation", "field": field, "reason": reason })
        }
        Error::Api {
            operation,
            attempts,
            waited,
            status,
            errors,
            body_excerpt,
            rate_limit,
        } => json!({
            "variant": "Api",
            "operation": operation.to_string(),
            "attempts": attempts,
            "waited": format!("{waited:?}"),
            "status": status,
            "errors": errors,
            "body_excerpt": body_excerpt,
            "rate_limit": rate_limit,
        }),
        Error::RateLimited {
            operation,
            attempts,
            waited,
            errors,
            rate_limit,
        } => json!({
            "variant": "RateLimited",
            "operation": operation.to_string(),
            "attempts": attempts,
            "waited": format!("{waited:?}"),
            "errors": errors,
            "rate_limit": rate_limit,
        }),
        Error::Timeout {
            operation,
            attempts,
            waited,
            after,
            may_have_been_sent,
        } => json!({
            "variant": "Timeout",
            "operation": operation.to_string(),
            "attempts": attempts,
            "waited": format!("{waited:?}"),
            "after": format!("{after:?}"),
            "may_have_been_sent": may_have_been_sent,
        }),
        Error::Transport {
            operation,
            attempts,
            waited,
            message,
            may_have_been_sent,
            source,
        } => json!({
            "variant": "Transport",
            "operation": operation.to_string(),
            "attempts": attempts,
            "waited": format!("{waited:?}"),
            "message": message,
            "may_have_been_sent": may_have_been_sent,
            "has_source": source.is_some(),
        }),
        Error::Decode {
            operation,
            status,
            reason,
            body_excerpt,
            rate_limit,
        } => json!({
            "variant": "Decode",
            "operation": operation.to_string(),
            "status": status,
            "reason": reason,
            "body_excerpt": body_excerpt,
            "rate_limit": rate_limit,
        }),
        // `Error` is #[non_exhaustive]: a new variant shows up here (and in
        // the snapshot diff) until this view learns its fields.
        other => {
            let debug = format!("{other:?}");
            let name = debug
                .split(|c: char| !c.is_ascii_alphanumeric())
                .next()
                .unwrap_or_default();
            json!({ "variant": format!("{name} (unmapped: add its fields to error_view)") })
        }
    };
    json!({
        "display": error.to_string(),
        "fields": fields,
        "status()": error.status(),
        "rate_limit()": error.rate_limit(),
        "is_retryable()": error.is_retryable(),
        "may_have_been_applied()": error.may_have_been_applied(),
    })
}
