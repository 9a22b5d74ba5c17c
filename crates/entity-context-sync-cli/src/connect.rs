//! The client: Datadog (DD_API_KEY, DD_APP_KEY, DD_SITE), `--base-url`, or
//! the embedded fake (`--offline`).

use entity_context_sync::Client;

use crate::args::Cli;

/// A client, and the fake it talks to when offline (kept alive with it).
pub struct Connection {
    /// The client.
    pub client: Client,
    /// Where requests go, for the output.
    pub target: String,
    #[cfg(feature = "offline")]
    _fake: Option<entity_context_sync_fake::FakeDatadog>,
}

impl Connection {
    /// Connects as the flags say. Sends nothing.
    pub fn open(cli: &Cli) -> Result<Self, String> {
        if cli.offline {
            return offline();
        }
        let mut builder = Client::builder().env().map_err(|e| e.to_string())?;
        if let Some(url) = &cli.base_url {
            builder = builder.base_url(url);
        }
        let client = builder.build().map_err(|e| e.to_string())?;
        Ok(Self {
            target: client.base_url().to_owned(),
            client,
            #[cfg(feature = "offline")]
            _fake: None,
        })
    }
}

#[cfg(feature = "offline")]
fn offline() -> Result<Connection, String> {
    use entity_context_sync_fake::{FakeDatadog, SeedConfig};
    let fake = FakeDatadog::builder()
        .try_start_blocking()
        .map_err(|e| format!("--offline: cannot start the embedded fake: {e}"))?;
    // Seeded as an account that has been used: one sync to update, one stray.
    fake.seed(
        SeedConfig::new("OKTA", "Okta prod", "acme-old.okta.com")
            .settings(serde_json::json!({ "page_size": 100 })),
    );
    fake.seed(SeedConfig::new(
        "OKTA",
        "Okta staging",
        "acme-staging.okta.com",
    ));
    let client = Client::builder()
        .base_url(fake.base_url())
        .api_key(fake.api_key().to_owned())
        .app_key(fake.app_key().to_owned())
        .build()
        .map_err(|e| e.to_string())?;
    Ok(Connection {
        target: format!("the embedded fake at {} (offline)", fake.base_url()),
        client,
        _fake: Some(fake),
    })
}

#[cfg(not(feature = "offline"))]
fn offline() -> Result<Connection, String> {
    Err("--offline needs the `offline` feature (built without it)".to_owned())
}
