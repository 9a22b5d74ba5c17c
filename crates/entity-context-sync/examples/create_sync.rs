//! Create a Google Workspace entity context sync from a service account key file.
//!
//! Offline by default: runs against an in-process mock of the endpoint (the
//! generated httpmock helpers) with a fake key file in Google's format
//! (`examples/data/service-account-key.json`), and prints the request it
//! sent, keys and every secret redacted (the key file's fields too), then the
//! decoded config. The private key appears nowhere in the output.
//!
//! ```text
//! cargo run -p entity-context-sync --example create_sync            # offline, no account
//! GOOGLE_SA_KEY_FILE=path/to/key.json GOOGLE_ADMIN_EMAIL=admin@example.com \
//! GOOGLE_WORKSPACE_DOMAIN=example.com DD_API_KEY=… DD_APP_KEY=… DD_SITE=us5.datadoghq.com \
//!   cargo run -p entity-context-sync --example create_sync -- --live
//! ```

use std::fmt::Write as _;
use std::sync::{Arc, Mutex};

use entity_context_sync::{Client, NewSync, ServiceAccountKey};
use entity_context_sync_httpmock::MockServerExt;
use serde_json::{Value, json};

type BoxError = Box<dyn std::error::Error>;

/// The fake key file the offline run uses (every value fake; the PEM body is
/// base64 of "canary: this is a fake private key …"), embedded so that the
/// example runs from the packaged crate too.
pub const OFFLINE_KEY_JSON: &str = include_str!("data/service-account-key.json");

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let live = std::env::args().any(|a| a == "--live");
    let mut out = String::new();
    let result = if live {
        run_live(&mut out).await
    } else {
        run_offline(&mut out).await
    };
    print!("{out}");
    result
}

/// The sync this example creates, authenticated by `key`.
fn google_workspace_sync(
    key: ServiceAccountKey,
    domain: &str,
    admin_email: Option<String>,
) -> Result<NewSync, BoxError> {
    let mut sync =
        NewSync::google_workspace("My GWS Integration", domain, key).setting("setting1", "value1");
    if let Some(email) = admin_email {
        sync = sync.admin_email(email);
    }
    Ok(sync)
}

/// `--live`: `GOOGLE_SA_KEY_FILE` (path to the key file), optional
/// `GOOGLE_ADMIN_EMAIL` and `GOOGLE_WORKSPACE_DOMAIN`, and `DD_API_KEY`,
/// `DD_APP_KEY`, `DD_SITE` for the client.
pub async fn run_live(out: &mut String) -> Result<(), BoxError> {
    let key_file = std::env::var("GOOGLE_SA_KEY_FILE")
        .map_err(|_| "--live needs GOOGLE_SA_KEY_FILE: the path of a service account key file")?;
    let domain =
        std::env::var("GOOGLE_WORKSPACE_DOMAIN").unwrap_or_else(|_| "siem-test.com".into());
    let admin_email = std::env::var("GOOGLE_ADMIN_EMAIL").ok();
    // Errors name the path or the field at fault, never the key's contents.
    let key = ServiceAccountKey::from_file(&key_file)?;
    let sync = google_workspace_sync(key, &domain, admin_email)?;
    let client = Client::from_env()?;
    writeln!(out, "creating on {} …", client.base_url())?;
    let created = client.entity_context_syncs().create(sync).await?;
    writeln!(out, "{}", serde_json::to_string_pretty(&*created)?)?;
    writeln!(out, "rate limit: {:?}", created.rate_limit)?;
    Ok(())
}

/// The default: create against a local mock, print what was sent (redacted)
/// and what came back.
pub async fn run_offline(out: &mut String) -> Result<(), BoxError> {
    let sync = google_workspace_sync(
        ServiceAccountKey::from_json(OFFLINE_KEY_JSON)?,
        "siem-test.com",
        Some("admin@siem-test.com".into()),
    )?;
    let server = httpmock::MockServer::start_async().await;
    let seen: Arc<Mutex<Vec<Value>>> = Arc::default();
    let record = seen.clone();
    let reply = serde_json::from_value(json!({
        "data": {
            "id": "11111111-2222-3333-4444-555555555555",
            "type": "integration_config",
            "attributes": {
                "created_at": "2026-05-01T12:00:00Z",
                "modified_at": "2026-05-01T12:00:00Z",
                "domain": "siem-test.com",
                "enabled": true,
                "integration_type": "GOOGLE_WORKSPACE",
                "name": "My GWS Integration",
                "settings": { "setting1": "value1" },
                "state": "valid"
            }
        }
    }))?;
    server.create_security_monitoring_integration_config(|when, then| {
        when.into_inner().is_true(move |req| {
            if let Ok(mut seen) = record.lock() {
                seen.push(redacted_view(req));
            }
            true
        });
        then.ok(&reply)
            .into_inner()
            .header("x-ratelimit-limit", "100")
            .header("x-ratelimit-period", "60")
            .header("x-ratelimit-remaining", "99")
            .header("x-ratelimit-reset", "42")
            .header("x-ratelimit-name", "integration_config");
    });

    let client = Client::builder()
        .api_key("offline-demo-api-key")
        .app_key("offline-demo-app-key")
        .base_url(server.base_url())
        .build()?;
    writeln!(
        out,
        "offline: against a local mock at {}",
        client.base_url()
    )?;
    writeln!(out, "sync: {sync:?}\n")?;
    let created = client.entity_context_syncs().create(sync).await?;

    let requests = seen.lock().map(|s| s.clone()).unwrap_or_default();
    writeln!(
        out,
        "request sent:\n{}\n",
        serde_json::to_string_pretty(&requests)?
    )?;
    writeln!(
        out,
        "decoded config:\n{}\n",
        serde_json::to_string_pretty(&created.value)?
    )?;
    writeln!(
        out,
        "rate limit: {}",
        serde_json::to_string(&created.rate_limit)?
    )?;
    writeln!(out, "attempts: {}", created.attempts)?;
    Ok(())
}

/// Method, path, headers (credentials redacted) and body (every value under
/// `secrets` redacted, at any depth: the key file's fields too).
fn redacted_view(req: &httpmock::prelude::HttpMockRequest) -> Value {
    let headers: serde_json::Map<String, Value> = req
        .headers()
        .iter()
        .filter(|(name, _)| name.as_str() != "host")
        .map(|(name, value)| {
            let value = match name.as_str() {
                "dd-api-key" | "dd-application-key" => "[redacted]".to_string(),
                _ => String::from_utf8_lossy(value.as_bytes()).into_owned(),
            };
            (name.as_str().to_string(), Value::String(value))
        })
        .collect();
    let mut body: Value = serde_json::from_slice(req.body().as_ref()).unwrap_or(Value::Null);
    if let Some(secrets) = body.pointer_mut("/data/attributes/secrets") {
        redact(secrets);
    }
    json!({ "method": req.method().to_string(), "path": req.uri().path(), "headers": headers, "body": body })
}

/// Every leaf of `value` replaced by `"[redacted]"`; keys and nesting kept.
fn redact(value: &mut Value) {
    match value {
        Value::Object(map) => map.values_mut().for_each(redact),
        Value::Array(items) => items.iter_mut().for_each(redact),
        leaf => *leaf = json!("[redacted]"),
    }
}
