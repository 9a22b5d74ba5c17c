//! The baseline: the create, get and list calls written by hand with reqwest
//! and serde_json, as a caller without the SDK would write them.
//!
//! They send what the facade sends: `POST|GET {base}/api/v2/security_monitoring/configuration/integration_config[/{id}]`
//! with `DD-API-KEY`, `DD-APPLICATION-KEY`, `accept: application/json` and a
//! `user-agent` (and, for a create, `content-type: application/json`), on a `reqwest::Client` with
//! the facade's default timeouts (30 s whole request, 10 s connect) and TLS
//! (rustls with the ring provider). The reply is checked for a 2xx status and
//! decoded into a `serde_json::Value`.

use std::error::Error;
use std::time::Duration;

use reqwest::header::{ACCEPT, HeaderMap, HeaderName, HeaderValue};

/// The endpoint's path.
pub const PATH: &str = "/api/v2/security_monitoring/configuration/integration_config";

/// A boxed error, enough for a baseline.
pub type BoxError = Box<dyn Error + Send + Sync>;

/// A hand-written client for the one endpoint.
#[derive(Debug, Clone)]
pub struct RawClient {
    http: reqwest::Client,
    url: String,
}

impl RawClient {
    /// A client for `base_url` (`https://api.datadoghq.com`, or a local server).
    pub fn new(
        base_url: &str,
        api_key: &str,
        app_key: &str,
        user_agent: &str,
    ) -> Result<Self, BoxError> {
        // reqwest is built with `rustls-no-provider`: install ring unless
        // something else already installed a provider.
        if rustls::crypto::CryptoProvider::get_default().is_none() {
            let _ = rustls::crypto::ring::default_provider().install_default();
        }
        let mut headers = HeaderMap::with_capacity(3);
        for (name, key) in [("dd-api-key", api_key), ("dd-application-key", app_key)] {
            let mut value = HeaderValue::from_str(key.trim())?;
            value.set_sensitive(true);
            headers.insert(HeaderName::from_static(name), value);
        }
        headers.insert(ACCEPT, HeaderValue::from_static("application/json"));
        let http = reqwest::Client::builder()
            .user_agent(user_agent)
            .default_headers(headers)
            .timeout(Duration::from_secs(30))
            .connect_timeout(Duration::from_secs(10))
            .build()?;
        Ok(Self {
            http,
            url: format!("{}{PATH}", base_url.trim_end_matches('/')),
        })
    }

    /// Creates a configuration: sends `body`, returns the decoded reply.
    pub async fn create(&self, body: &serde_json::Value) -> Result<serde_json::Value, BoxError> {
        decode(self.http.post(&self.url).json(body).send().await?).await
    }

    /// Gets one configuration by id, returns the decoded reply.
    pub async fn get(&self, id: &str) -> Result<serde_json::Value, BoxError> {
        decode(self.http.get(format!("{}/{id}", self.url)).send().await?).await
    }

    /// Lists every configuration, returns the decoded reply.
    pub async fn list(&self) -> Result<serde_json::Value, BoxError> {
        decode(self.http.get(&self.url).send().await?).await
    }
}

/// The decoded body of a 2xx reply; an error with the body otherwise.
async fn decode(response: reqwest::Response) -> Result<serde_json::Value, BoxError> {
    let status = response.status();
    if !status.is_success() {
        let text = response.text().await.unwrap_or_default();
        return Err(format!("HTTP {status}: {text}").into());
    }
    Ok(response.json().await?)
}
