//! What the fake received: one [`RecordedRequest`] per request, with
//! credentials and secrets redacted.

use axum::http::request::Parts;
use serde_json::Value;

use crate::faults::Fault;

/// What replaces a redacted header value or secret.
pub const REDACTED: &str = "[redacted]";

/// Headers whose values are never recorded.
const REDACTED_HEADERS: [&str; 3] = ["dd-api-key", "dd-application-key", "authorization"];

/// One request as the fake received it.
#[derive(Debug, Clone, PartialEq)]
#[non_exhaustive]
pub struct RecordedRequest {
    /// Its number: 1 for the first request since start or the last reset.
    pub seq: u64,
    /// `GET`, `POST`, ...
    pub method: String,
    /// The path, without the query.
    pub path: String,
    /// The raw (still percent-encoded) query string, if any.
    pub query: Option<String>,
    /// Headers in arrival order, names lower-cased; the values of
    /// `dd-api-key`, `dd-application-key` and `authorization` are
    /// [`REDACTED`].
    pub headers: Vec<(String, String)>,
    /// The body parsed as JSON, with every value under any `secrets` object
    /// (at any depth, nested objects included) replaced by [`REDACTED`].
    /// `None` when the body is empty or not JSON (a non-JSON body is never
    /// kept, as it could hold a secret).
    pub body: Option<Value>,
    /// The body's length in bytes.
    pub body_len: usize,
    /// The status answered; `None` while the reply is pending, or when the
    /// connection was reset instead.
    pub status: Option<u16>,
    /// The fault injected into this request, if any.
    pub fault: Option<Fault>,
}

impl RecordedRequest {
    /// Records a request (redacting as documented on the fields).
    pub(crate) fn new(seq: u64, parts: &Parts, body: &[u8], fault: Option<Fault>) -> Self {
        let headers = parts
            .headers
            .iter()
            .map(|(name, value)| {
                let name = name.as_str().to_ascii_lowercase();
                let value = if REDACTED_HEADERS.contains(&name.as_str()) {
                    REDACTED.to_owned()
                } else {
                    String::from_utf8_lossy(value.as_bytes()).into_owned()
                };
                (name, value)
            })
            .collect();
        let body_json = serde_json::from_slice::<Value>(body).ok().map(|mut v| {
            redact_secrets(&mut v);
            v
        });
        Self {
            seq,
            method: parts.method.as_str().to_owned(),
            path: parts.uri.path().to_owned(),
            query: parts.uri.query().map(str::to_owned),
            headers,
            body: body_json,
            body_len: body.len(),
            status: None,
            fault,
        }
    }

    /// The first value of header `name` (case-insensitive).
    pub fn header(&self, name: &str) -> Option<&str> {
        self.headers
            .iter()
            .find(|(n, _)| n.eq_ignore_ascii_case(name))
            .map(|(_, v)| v.as_str())
    }
}

/// Replaces every value under any `secrets` key, at any depth, by [`REDACTED`]
/// (keys and nesting are kept, so a test can see which secrets were sent).
pub(crate) fn redact_secrets(value: &mut Value) {
    match value {
        Value::Object(map) => {
            for (key, item) in map.iter_mut() {
                if key == "secrets" {
                    redact_all(item);
                } else {
                    redact_secrets(item);
                }
            }
        }
        Value::Array(items) => items.iter_mut().for_each(redact_secrets),
        _ => {}
    }
}

fn redact_all(value: &mut Value) {
    match value {
        Value::Object(map) => map.values_mut().for_each(redact_all),
        Value::Array(items) => items.iter_mut().for_each(redact_all),
        leaf => *leaf = Value::String(REDACTED.to_owned()),
    }
}

/// Dotted paths of every leaf under `value` (`service_account_json.private_key`).
pub(crate) fn leaf_paths(value: &Value) -> Vec<String> {
    leaf_paths_where(value, |_| true)
}

/// Dotted paths of the leaves under `value` that `keep` accepts.
pub(crate) fn leaf_paths_where(value: &Value, keep: impl Fn(&Value) -> bool) -> Vec<String> {
    fn walk(value: &Value, prefix: &str, keep: &dyn Fn(&Value) -> bool, out: &mut Vec<String>) {
        match value {
            Value::Object(map) => {
                for (key, item) in map {
                    let path = if prefix.is_empty() {
                        key.clone()
                    } else {
                        format!("{prefix}.{key}")
                    };
                    walk(item, &path, keep, out);
                }
            }
            Value::Array(items) => {
                for (i, item) in items.iter().enumerate() {
                    walk(item, &format!("{prefix}[{i}]"), keep, out);
                }
            }
            leaf if keep(leaf) => out.push(prefix.to_owned()),
            _ => {}
        }
    }
    let mut out = Vec::new();
    walk(value, "", &keep, &mut out);
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    #[test]
    fn secrets_are_redacted_at_any_depth_keeping_their_shape() {
        let mut body = json!({"data": {"attributes": {
            "name": "n",
            "secrets": {
                "admin_email": "a@example.com",
                "service_account_json": {"private_key": "pk", "n": 1, "list": ["x"]}
            },
            "nested": [{"secrets": "flat"}]
        }}});
        redact_secrets(&mut body);
        assert_eq!(
            body,
            json!({"data": {"attributes": {
                "name": "n",
                "secrets": {
                    "admin_email": REDACTED,
                    "service_account_json": {"private_key": REDACTED, "n": REDACTED, "list": [REDACTED]}
                },
                "nested": [{"secrets": REDACTED}]
            }}})
        );
    }

    #[test]
    fn leaf_paths_name_every_secret() {
        let secrets = json!({"a": "x", "b": {"c": "y"}, "d": ["z"]});
        assert_eq!(leaf_paths(&secrets), ["a", "b.c", "d[0]"]);
    }
}
