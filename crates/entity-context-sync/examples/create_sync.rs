//! Create a Google Workspace entity context sync from a service account key file.
//!
//! Offline by default: runs against the embedded fake of Datadog
//! (`entity-context-sync-fake`) with a fake key file in Google's format
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

use entity_context_sync::{Client, NewSync, ServiceAccountKey};
use entity_context_sync_fake::FakeDatadog;
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

/// The default: create against the embedded fake of Datadog, print what was
/// sent (as the fake recorded it: keys and every secret redacted) and what
/// came back.
pub async fn run_offline(out: &mut String) -> Result<(), BoxError> {
    let sync = google_workspace_sync(
        ServiceAccountKey::from_json(OFFLINE_KEY_JSON)?,
        "siem-test.com",
        Some("admin@siem-test.com".into()),
    )?;
    let fake = FakeDatadog::start().await;
    let client = Client::builder()
        .api_key(fake.api_key())
        .app_key(fake.app_key())
        .base_url(fake.base_url())
        .build()?;
    writeln!(
        out,
        "offline: against the embedded fake of Datadog at {}",
        client.base_url()
    )?;
    writeln!(out, "sync: {sync:?}\n")?;
    let created = client.entity_context_syncs().create(sync).await?;

    let requests: Vec<Value> = fake
        .requests()
        .iter()
        .map(|r| {
            let headers: serde_json::Map<String, Value> = r
                .headers
                .iter()
                .filter(|(name, _)| name != "host")
                .map(|(name, value)| (name.clone(), Value::String(value.clone())))
                .collect();
            json!({ "method": r.method, "path": r.path, "headers": headers, "body": r.body })
        })
        .collect();
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
