//! The raw baseline for the build-footprint comparison (docs/performance.md):
//! the create call written with reqwest + serde_json + tokio only, with the
//! same TLS stack as the facade (rustls with the ring provider).
//!
//! ```text
//! DD_API_KEY=… DD_APP_KEY=… [DD_SITE=us5.datadoghq.com] \
//!   cargo run -p entity-context-sync-benches --no-default-features --example raw_baseline [-- --base-url URL]
//! ```
//!
//! `--no-default-features` leaves the facade out of the build entirely.

use entity_context_sync_benches::raw::{BoxError, RawClient};
use entity_context_sync_benches::seed_request;

#[tokio::main]
async fn main() -> Result<(), BoxError> {
    let var = |name: &str| std::env::var(name).map_err(|_| format!("{name} is not set"));
    let site = std::env::var("DD_SITE").unwrap_or_else(|_| "datadoghq.com".to_string());
    let base_url = base_url_arg().unwrap_or_else(|| format!("https://api.{site}"));
    let user_agent = concat!("raw-baseline/", env!("CARGO_PKG_VERSION"));
    let client = RawClient::new(
        &base_url,
        &var("DD_API_KEY")?,
        &var("DD_APP_KEY")?,
        user_agent,
    )?;
    println!("creating on {base_url} …");
    let created = client.create(&seed_request()).await?;
    println!("{}", serde_json::to_string_pretty(&created)?);
    Ok(())
}

/// `--base-url URL`, e.g. a local server.
fn base_url_arg() -> Option<String> {
    let mut args = std::env::args().skip_while(|a| a != "--base-url");
    args.next()?;
    args.next()
}
