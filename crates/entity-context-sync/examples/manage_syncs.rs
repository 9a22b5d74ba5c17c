//! The whole lifecycle of entity context syncs, as a user would run it:
//! ensure one sync per source type, list them, get one, update a setting,
//! validate its credentials, rotate its secret, delete one, and ensure again
//! (nothing to do: `Unchanged`). Each step is printed on one line; no key and
//! no secret is ever printed.
//!
//! Offline by default: against the stateful fake of Datadog
//! (`entity-context-sync-fake`) started in-process on 127.0.0.1, so what a
//! list returns is what was created. No account, no network, no `DD_*`.
//!
//! ```text
//! cargo run -p entity-context-sync --example manage_syncs            # offline
//! DD_API_KEY=… DD_APP_KEY=… DD_SITE=us5.datadoghq.com \
//!   cargo run -p entity-context-sync --example manage_syncs -- --live
//! ```
//!
//! `--live` runs the same steps against Datadog, with names tagged by the run
//! (`… [sdk-example 1767225600]`) so that no existing sync is touched, and
//! deletes everything it created, even when a step fails. The source
//! secrets are placeholders (Datadog stores them and reports the credentials
//! as it finds them); the point is the lifecycle.

use std::fmt::Write as _;

use entity_context_sync::{
    Client, Credentials, EnsureOutcome, IntegrationConfig, IntegrationType, NewSync,
    ServiceAccountKey,
};
use entity_context_sync_fake::FakeDatadog;
use serde_json::{Value, json};

type BoxError = Box<dyn std::error::Error>;

/// The fake key file the run uses (every value fake; the PEM body is base64
/// of "canary: this is a fake private key …"), embedded so that the example
/// runs from the packaged crate too.
pub const KEY_JSON: &str = include_str!("data/service-account-key.json");

/// Placeholder source secrets: the run never prints them (a test checks).
pub const OKTA_TOKEN: &str = "00demoOktaApiTokenValue";
/// The token the rotation step sends instead of [`OKTA_TOKEN`].
pub const ROTATED_OKTA_TOKEN: &str = "00demoOktaRotatedTokenValue";
/// The CrowdStrike client secret.
pub const CROWDSTRIKE_SECRET: &str = "demoCrowdStrikeClientSecret";
/// The SentinelOne API token.
pub const SENTINELONE_TOKEN: &str = "demoSentinelOneApiToken";
/// The Google Workspace admin to impersonate (a secret in Datadog's schema).
pub const ADMIN_EMAIL: &str = "admin@siem-demo.example";

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

/// The default: the lifecycle against the fake, started here and stopped
/// when the run ends.
pub async fn run_offline(out: &mut String) -> Result<(), BoxError> {
    let fake = FakeDatadog::start().await;
    let client = Client::builder()
        .api_key(fake.api_key())
        .app_key(fake.app_key())
        .base_url(fake.base_url())
        .build()?;
    writeln!(
        out,
        "offline: a stateful fake of Datadog at {} (no account, no network)",
        client.base_url()
    )?;
    let mut created = Vec::new();
    lifecycle(&client, "", &mut created, out).await?;
    writeln!(
        out,
        "the fake received {} requests; it holds {} syncs",
        fake.total_requests(),
        fake.configs().len()
    )?;
    Ok(())
}

/// `--live`: `DD_API_KEY`, `DD_APP_KEY` and `DD_SITE` from the environment.
/// Deletes what it created, whatever happened.
pub async fn run_live(out: &mut String) -> Result<(), BoxError> {
    let client = Client::from_env()?;
    let tag = format!(
        " [sdk-example {}]",
        std::time::SystemTime::now()
            .duration_since(std::time::UNIX_EPOCH)
            .map(|d| d.as_secs())
            .unwrap_or_default()
    );
    writeln!(out, "live: {}", client.base_url())?;
    let mut created = Vec::new();
    let result = lifecycle(&client, &tag, &mut created, out).await;
    let syncs = client.entity_context_syncs();
    for id in created {
        match syncs.delete(&id).await {
            Ok(_) => writeln!(out, "✓ cleanup: deleted {id}")?,
            Err(err) if err.status() == Some(404) => {}
            Err(err) => writeln!(out, "✗ cleanup: delete {id}: {err}")?,
        }
    }
    result
}

/// One sync per source type, `tag` appended to each name.
fn declared(tag: &str) -> Result<Vec<NewSync>, BoxError> {
    // Errors name the field at fault, never the key's contents.
    let key = ServiceAccountKey::from_json(KEY_JSON)?;
    Ok(vec![
        NewSync::google_workspace(format!("Google Workspace{tag}"), "siem-demo.example", key)
            .admin_email(ADMIN_EMAIL)
            .setting("sync_groups", true),
        NewSync::okta(format!("Okta prod{tag}"), "acme.okta.com", OKTA_TOKEN)
            .setting("sync_groups", true),
        NewSync::entra_id(format!("Entra ID{tag}"), "acme.onmicrosoft.com"),
        NewSync::crowdstrike(
            format!("Falcon{tag}"),
            "api.crowdstrike.com",
            "demo-client-id",
            CROWDSTRIKE_SECRET,
        ),
        NewSync::sentinel_one(
            format!("SentinelOne{tag}"),
            "usea1.sentinelone.net",
            SENTINELONE_TOKEN,
        ),
    ])
}

/// The steps; every config created is pushed to `created` as soon as it is
/// known (for the live run's cleanup).
async fn lifecycle(
    client: &Client,
    tag: &str,
    created: &mut Vec<String>,
    out: &mut String,
) -> Result<(), BoxError> {
    let syncs = client.entity_context_syncs();

    // 1. Ensure one sync per source type: created on the first run.
    let mut ids = Vec::new();
    for sync in declared(tag)? {
        let (kind, name) = (sync.integration_type(), sync.name().to_owned());
        let ensured = syncs.ensure(sync).await?;
        if ensured.outcome == EnsureOutcome::Created {
            created.push(ensured.config.id.clone());
        }
        writeln!(
            out,
            "✓ ensure {kind} {name:?} → {:?} (id {})",
            ensured.outcome, ensured.config.id
        )?;
        ids.push((kind, ensured.config.id.clone()));
    }

    // 2. List them (every source type; a filter is optional).
    let all = syncs.list().await?;
    writeln!(out, "✓ list → {} syncs", all.len())?;
    for config in all.iter().filter(|c| ids.iter().any(|(_, id)| *id == c.id)) {
        writeln!(out, "    {}", summary(config))?;
    }

    // 3. Get one.
    let (okta_type, okta_id) = ids
        .iter()
        .find(|(kind, _)| *kind == IntegrationType::Okta)
        .cloned()
        .ok_or("no Okta sync was ensured")?;
    let okta = syncs.get(&okta_id).await?;
    writeln!(out, "✓ get {okta_id} → {}", summary(&okta))?;

    // 4. Update a setting (settings are replaced whole: keep the others).
    let mut settings = okta.settings.clone();
    settings.insert("page_size".into(), json!(200));
    let updated = syncs
        .update(&okta_id, okta_type.clone())
        .settings(settings)
        .await?;
    writeln!(
        out,
        "✓ update {okta_id} settings → {}",
        Value::Object(updated.settings.clone())
    )?;

    // 5. Validate the stored credentials.
    let check = syncs.validate(&okta_id).await?;
    writeln!(
        out,
        "✓ validate {okta_id} → {}",
        if check.valid { "valid" } else { "not valid" }
    )?;

    // 6. Rotate the secret: the new token is sent, never shown.
    let rotated = syncs
        .update(&okta_id, okta_type)
        .credentials(Credentials::okta(ROTATED_OKTA_TOKEN))
        .await?;
    writeln!(
        out,
        "✓ rotate {okta_id} secret (api_token) → state {}",
        state(&rotated)
    )?;

    // 7. Delete one.
    let (s1_type, s1_id) = ids
        .iter()
        .find(|(kind, _)| *kind == IntegrationType::Sentinelone)
        .cloned()
        .ok_or("no SentinelOne sync was ensured")?;
    let deleted = syncs.delete(&s1_id).await?;
    created.retain(|id| *id != deleted.id);
    writeln!(
        out,
        "✓ delete {s1_type} {} → deleted (HTTP {})",
        deleted.id, deleted.status
    )?;

    // 8. Ensure again what remains: nothing differs, nothing is sent but a list.
    for sync in declared(tag)?
        .into_iter()
        .filter(|s| s.integration_type() != s1_type)
    {
        let (kind, name) = (sync.integration_type(), sync.name().to_owned());
        let ensured = syncs.ensure(sync).await?;
        writeln!(
            out,
            "✓ ensure {kind} {name:?} → {:?} (id {})",
            ensured.outcome, ensured.config.id
        )?;
    }
    Ok(())
}

/// `OKTA "Okta prod" acme.okta.com, enabled, state valid, settings {…}`.
fn summary(config: &IntegrationConfig) -> String {
    format!(
        "{} {:?} {}, {}, state {}, settings {}",
        config.integration_type,
        config.name.as_deref().unwrap_or(""),
        config.domain,
        if config.enabled {
            "enabled"
        } else {
            "disabled"
        },
        state(config),
        Value::Object(config.settings.clone()),
    )
}

fn state(config: &IntegrationConfig) -> String {
    config
        .state
        .as_ref()
        .map_or_else(|| "unknown".to_owned(), ToString::to_string)
}
