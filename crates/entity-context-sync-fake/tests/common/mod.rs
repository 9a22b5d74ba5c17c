//! Helpers for talking to the fake over loopback.

#![allow(dead_code)] // each test binary uses a different subset

use entity_context_sync_fake::FakeDatadog;
use reqwest::{Method, StatusCode};
use serde_json::{Value, json};

/// A client that never goes through a proxy.
pub fn http() -> reqwest::Client {
    let _ = rustls::crypto::ring::default_provider().install_default();
    reqwest::Client::builder()
        .no_proxy()
        .build()
        .expect("reqwest client builds")
}

/// A reply, read whole.
#[derive(Debug)]
pub struct Reply {
    pub status: StatusCode,
    pub headers: reqwest::header::HeaderMap,
    pub text: String,
}

impl Reply {
    pub fn json(&self) -> Value {
        serde_json::from_str(&self.text)
            .unwrap_or_else(|e| panic!("reply is not JSON ({e}): {:?}", self.text))
    }

    pub fn errors(&self) -> Vec<String> {
        let body = self.json();
        body["errors"]
            .as_array()
            .unwrap_or_else(|| panic!("no errors list in {body}"))
            .iter()
            .map(|e| e.as_str().expect("error is a string").to_owned())
            .collect()
    }

    pub fn header(&self, name: &str) -> &str {
        self.headers
            .get(name)
            .unwrap_or_else(|| panic!("no {name} header"))
            .to_str()
            .expect("header is text")
    }
}

/// Sends `method` to `path` (relative to the resource path) with the fake's
/// keys and an optional JSON body.
pub async fn call(fake: &FakeDatadog, method: Method, path: &str, body: Option<Value>) -> Reply {
    call_with_keys(
        fake,
        method,
        path,
        body,
        Some((fake.api_key(), fake.app_key())),
    )
    .await
}

/// Like [`call`] with explicit keys (`None`: no key headers at all).
pub async fn call_with_keys(
    fake: &FakeDatadog,
    method: Method,
    path: &str,
    body: Option<Value>,
    keys: Option<(&str, &str)>,
) -> Reply {
    let mut request = http().request(method, format!("{}{path}", fake.api_url()));
    if let Some((api, app)) = keys {
        request = request
            .header("DD-API-KEY", api)
            .header("DD-APPLICATION-KEY", app);
    }
    if let Some(body) = body {
        request = request.json(&body);
    }
    let response = request.send().await.expect("request is answered");
    Reply {
        status: response.status(),
        headers: response.headers().clone(),
        text: response.text().await.expect("body is read"),
    }
}

/// A create body with these attributes.
pub fn create_body(attributes: Value) -> Value {
    json!({"data": {"type": "integration_config", "attributes": attributes}})
}

/// A valid Google Workspace service account key with `private_key`.
pub fn service_account(private_key: &str) -> Value {
    json!({
        "type": "service_account",
        "project_id": "acme-siem",
        "private_key_id": "0123abcd",
        "private_key": private_key,
        "client_email": "siem@acme-siem.iam.gserviceaccount.com",
        "token_uri": "https://oauth2.googleapis.com/token"
    })
}

/// Valid create attributes for each source type, with `secret` as every secret value.
pub fn valid_attributes(integration_type: &str, secret: &str) -> Value {
    let secrets = match integration_type {
        "GOOGLE_WORKSPACE" => Some(json!({
            "admin_email": "admin@acme.example",
            "service_account_json": service_account(secret)
        })),
        "OKTA" | "SENTINELONE" => Some(json!({"api_token": secret})),
        "CROWDSTRIKE" => Some(json!({"client_id": "cid", "client_secret": secret})),
        _ => None,
    };
    let mut attributes = json!({
        "integration_type": integration_type,
        "name": format!("{integration_type} sync"),
        "domain": "acme.example",
        "settings": {"setting1": "value1"}
    });
    if let Some(secrets) = secrets {
        attributes["secrets"] = secrets;
    }
    attributes
}

/// Creates a config through the API; returns its `data`.
pub async fn create(fake: &FakeDatadog, attributes: Value) -> Value {
    let reply = call(fake, Method::POST, "", Some(create_body(attributes))).await;
    assert_eq!(reply.status, StatusCode::OK, "{}", reply.text);
    reply.json()["data"].clone()
}

pub const TYPES: [&str; 5] = [
    "GOOGLE_WORKSPACE",
    "OKTA",
    "ENTRA_ID",
    "CROWDSTRIKE",
    "SENTINELONE",
];
