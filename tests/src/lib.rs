//! Shared helpers for the workspace tests: the seed's examples, and a
//! recorder for what an httpmock server received (with credentials redacted).

use std::collections::BTreeMap;
use std::sync::{Arc, Mutex, PoisonError};

use httpmock::prelude::HttpMockRequest;
use serde_json::{Value, json};

/// The seed page's request example.
pub const SEED_REQUEST: &str = include_str!("../fixtures/seed-request.json");
/// The seed page's 200 response example.
pub const SEED_RESPONSE: &str = include_str!("../fixtures/seed-response.json");
/// The seed page's error example (400, 403 and 429 share it).
pub const SEED_ERROR: &str = include_str!("../fixtures/seed-error.json");
/// The OpenAPI fragment.
pub const SPEC: &str = include_str!("../../openapi/entity-context-sync.yaml");

/// Parses one of the JSON fixtures.
pub fn json(text: &str) -> Value {
    serde_json::from_str(text).expect("fixture is valid JSON")
}

/// The marker that replaces credential header values in snapshots.
pub const REDACTED: &str = "[redacted]";

/// Headers whose values are credentials (compared case-insensitively).
const SECRET_HEADERS: &[&str] = &["dd-api-key", "dd-application-key"];

/// One request as the mock server received it.
#[derive(Debug, Clone)]
pub struct Recorded {
    /// The snapshot view (see [`describe`]): secrets redacted.
    pub view: Value,
    /// The body exactly as received, parsed as JSON (`Null` if it was not JSON).
    pub body: Value,
}

/// Collects every request an httpmock server matched, in order.
#[derive(Debug, Clone, Default)]
pub struct Recorder(Arc<Mutex<Vec<Recorded>>>);

impl Recorder {
    /// A matcher for `When::is_true` that records the request and matches it.
    pub fn matcher(&self) -> impl Fn(&HttpMockRequest) -> bool + Send + Sync + 'static {
        let store = self.0.clone();
        move |req: &HttpMockRequest| {
            let body = serde_json::from_slice(req.body().as_ref()).unwrap_or(Value::Null);
            let recorded = Recorded {
                view: describe(req),
                body,
            };
            store
                .lock()
                .unwrap_or_else(PoisonError::into_inner)
                .push(recorded);
            true
        }
    }

    /// Every recorded request.
    pub fn requests(&self) -> Vec<Recorded> {
        self.0
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .clone()
    }
}

/// A JSON view of a request: method, path, query, sorted headers (credential
/// values redacted, `host` port-free, user-agent version redacted), and the
/// JSON body (or raw text) with every `secrets` value redacted.
pub fn describe(req: &HttpMockRequest) -> Value {
    let uri = req.uri();
    let headers: BTreeMap<String, String> = req
        .headers()
        .iter()
        .map(|(name, value)| {
            let name = name.as_str().to_ascii_lowercase();
            let value = if SECRET_HEADERS.contains(&name.as_str()) {
                REDACTED.to_string()
            } else if name == "host" {
                "127.0.0.1:[port]".to_string()
            } else if name == "user-agent" {
                redact_version(&String::from_utf8_lossy(value.as_bytes()))
            } else {
                String::from_utf8_lossy(value.as_bytes()).into_owned()
            };
            (name, value)
        })
        .fold(BTreeMap::new(), |mut acc, (name, value)| {
            acc.entry(name)
                .and_modify(|v: &mut String| {
                    v.push_str(", ");
                    v.push_str(&value);
                })
                .or_insert(value);
            acc
        });
    let body = req.body().to_vec();
    let mut body = serde_json::from_slice::<Value>(&body)
        .unwrap_or_else(|_| Value::String(String::from_utf8_lossy(&body).into_owned()));
    if let Some(Value::Object(secrets)) = body.pointer_mut("/data/attributes/secrets") {
        secrets
            .values_mut()
            .for_each(|v| *v = Value::String(REDACTED.to_string()));
    }
    json!({
        "method": req.method().to_string(),
        "path": uri.path(),
        "query": uri.query(),
        "headers": headers,
        "body": body,
    })
}

/// `entity-context-sync/0.1.0 (rust; linux; x86_64)` -> `entity-context-sync/[version] ([platform])`.
pub fn redact_version(user_agent: &str) -> String {
    user_agent
        .split(' ')
        .map(|word| match word.split_once('/') {
            Some((product, version)) if version.starts_with(|c: char| c.is_ascii_digit()) => {
                format!("{product}/[version]")
            }
            _ => word.to_string(),
        })
        .collect::<Vec<_>>()
        .join(" ")
}

/// insta settings for every workspace snapshot: files live in `tests/snapshots/`.
pub fn snapshot_settings() -> insta::Settings {
    let mut settings = insta::Settings::clone_current();
    settings.set_snapshot_path(concat!(env!("CARGO_MANIFEST_DIR"), "/snapshots"));
    settings.set_prepend_module_to_snapshot(false);
    settings.set_omit_expression(true);
    settings
}
