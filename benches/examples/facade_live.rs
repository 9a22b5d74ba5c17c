//! The facade-only counterpart of `raw_baseline` for the build-footprint
//! comparison (docs/performance.md): the same create through
//! `entity-context-sync`, without the httpmock dev-dependency that the
//! facade's own `create_sync` example pulls in for its offline mode.
//!
//! ```text
//! DD_API_KEY=… DD_APP_KEY=… [DD_SITE=us5.datadoghq.com] \
//!   cargo run -p entity-context-sync-benches --example facade_live [-- --base-url URL]
//! ```

use entity_context_sync::{Client, NewSync, ServiceAccountKey};
use entity_context_sync_benches::{SEED_CLIENT_EMAIL, SEED_PRIVATE_KEY, SEED_PROJECT_ID};

#[tokio::main]
async fn main() -> Result<(), Box<dyn std::error::Error>> {
    let mut builder = Client::builder().env()?;
    if let Some(url) = base_url_arg() {
        builder = builder.base_url(url);
    }
    let client = builder.build()?;
    println!("creating on {} …", client.base_url());
    let sync = NewSync::google_workspace(
        "My GWS Integration",
        "siem-test.com",
        ServiceAccountKey::new(SEED_PROJECT_ID, SEED_CLIENT_EMAIL, SEED_PRIVATE_KEY),
    )
    .admin_email("test@example.com")
    .setting("setting1", "value1");
    let created = client.entity_context_syncs().create(sync).await?;
    println!("{}", serde_json::to_string_pretty(&created.value)?);
    println!("rate limit: {:?}", created.rate_limit);
    Ok(())
}

/// `--base-url URL`, e.g. a local server.
fn base_url_arg() -> Option<String> {
    let mut args = std::env::args().skip_while(|a| a != "--base-url");
    args.next()?;
    args.next()
}
