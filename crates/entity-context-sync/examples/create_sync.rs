//! Create an entity context sync configuration.
//!
//! Offline by default: runs against an in-process mock of the endpoint (the
//! generated httpmock helpers) and prints the request it sent, keys and
//! secrets redacted, then the decoded config.
//!
//! ```text
//! cargo run -p entity-context-sync --example create_sync            # offline, no account
//! cargo run -p entity-context-sync --example create_sync -- --live  # DD_API_KEY, DD_APP_KEY, DD_SITE
//! ```

use std::sync::{Arc, Mutex};

use entity_context_sync::{Client, NewSync};
use entity_context_sync_httpmock::MockServerExt;
use serde_json::{Value, json};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let live = std::env::args().any(|a| a == "--live");
    let sync = NewSync::google_workspace("My GWS Integration", "siem-test.com")
        .admin_email("test@example.com")
        .setting("setting1", "value1");

    if live {
        let client = Client::from_env()?;
        println!("creating on {} …", client.base_url());
        let created = client.entity_context_syncs().create(sync).await?;
        println!("{}", serde_json::to_string_pretty(&*created)?);
        println!("rate limit: {:?}", created.rate_limit);
        return Ok(());
    }

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
    println!("offline: against a local mock at {}\n", client.base_url());
    let created = client.entity_context_syncs().create(sync).await?;

    let requests = seen.lock().map(|s| s.clone()).unwrap_or_default();
    println!(
        "request sent:\n{}\n",
        serde_json::to_string_pretty(&requests)?
    );
    println!(
        "decoded config:\n{}\n",
        serde_json::to_string_pretty(&created.value)?
    );
    println!(
        "rate limit: {}",
        serde_json::to_string(&created.rate_limit)?
    );
    println!("attempts: {}", created.attempts);
    Ok(())
}

/// Method, path, headers (credentials redacted) and body (secrets redacted).
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
    if let Some(Value::Object(secrets)) = body.pointer_mut("/data/attributes/secrets") {
        secrets.values_mut().for_each(|v| *v = json!("[redacted]"));
    }
    json!({ "method": req.method().to_string(), "path": req.uri().path(), "headers": headers, "body": body })
}
