//! [`Client`] and its [`ClientBuilder`].

use std::fmt;
use std::sync::Arc;
use std::time::Duration;

use entity_context_sync_client::RequestContext;
use reqwest::header::HeaderValue;
use secrecy::{ExposeSecret, SecretString};

use crate::retry::{SharedSleep, Sleep, TokioSleep};
use crate::scrub::Scrubber;
use crate::secrets::credential_headers;
use crate::{EntityContextSyncs, Error, Result, RetryPolicy, Site};

/// Default whole-request timeout.
pub const DEFAULT_TIMEOUT: Duration = Duration::from_secs(30);
/// Default connect timeout.
pub const DEFAULT_CONNECT_TIMEOUT: Duration = Duration::from_secs(10);

/// The user agent sent unless overridden: `entity-context-sync/<version> (rust; <os>; <arch>)`.
pub fn default_user_agent() -> String {
    format!(
        "{}/{} (rust; {}; {})",
        env!("CARGO_PKG_NAME"),
        env!("CARGO_PKG_VERSION"),
        std::env::consts::OS,
        std::env::consts::ARCH
    )
}

/// A Datadog client for entity context sync configurations. Cheap to clone;
/// clones share one connection pool and one rate-limit budget: when Datadog's
/// `X-RateLimit-*` headers say the budget is spent (or a 429 comes), later
/// calls through any clone wait for the reset instead of each finding out
/// with a request of its own.
///
/// ```no_run
/// # async fn run() -> entity_context_sync::Result<()> {
/// use entity_context_sync::{Client, NewSync, ServiceAccountKey};
/// let client = Client::from_env()?; // DD_API_KEY, DD_APP_KEY, DD_SITE
/// let key = ServiceAccountKey::from_file("service-account-key.json")?;
/// let syncs = client.entity_context_syncs();
/// let sync = syncs
///     .create(NewSync::google_workspace("My GWS Integration", "siem-test.com", key).admin_email("admin@siem-test.com"))
///     .await?;
/// println!("created {} ({})", sync.id, sync.integration_type);
/// for config in syncs.list().await?.iter() {
///     println!("{} {}", config.id, config.name.as_deref().unwrap_or(""));
/// }
/// syncs.delete(&sync.id).await?;
/// # Ok(()) }
/// ```
#[derive(Clone)]
pub struct Client {
    pub(crate) inner: Arc<Inner>,
}

pub(crate) struct Inner {
    pub(crate) base_url: String,
    pub(crate) site: String,
    pub(crate) http: reqwest::Client,
    pub(crate) context: RequestContext,
    pub(crate) generated: entity_context_sync_client::Client,
    pub(crate) retry: RetryPolicy,
    pub(crate) sleep: SharedSleep,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
    /// Key values, to scrub from anything a server echoes back.
    pub(crate) keys: [SecretString; 2],
    /// What the rate-limit headers said, shared by the clones.
    pub(crate) gate: crate::gate::Gate,
}

impl fmt::Debug for Client {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Client")
            .field("base_url", &self.inner.base_url)
            .field("credentials", &"[REDACTED]")
            .field("retry", &self.inner.retry)
            .field("timeout", &self.inner.timeout)
            .field("connect_timeout", &self.inner.connect_timeout)
            .finish_non_exhaustive()
    }
}

impl Client {
    /// A builder for every setting.
    pub fn builder() -> ClientBuilder {
        ClientBuilder::default()
    }

    /// A client from `DD_API_KEY`, `DD_APP_KEY` and optional `DD_SITE`
    /// (default `datadoghq.com`), with default settings.
    pub fn from_env() -> Result<Self> {
        Self::builder().env()?.build()
    }

    /// Entity context sync configurations: the handler for this resource.
    pub fn entity_context_syncs(&self) -> EntityContextSyncs<'_> {
        EntityContextSyncs::new(self)
    }

    /// The base URL requests go to, e.g. `https://api.datadoghq.com`.
    pub fn base_url(&self) -> &str {
        &self.inner.base_url
    }

    /// Escape hatch, **unstable**: the progenitor-generated client underneath,
    /// already configured with this client's base URL, credentials and HTTP
    /// client. Its API follows the spec and changes whenever the spec does,
    /// in any release, without a deprecation period; it does not retry,
    /// scrub or trace, and its response slot is shared across calls. Prefer
    /// [`entity_context_syncs`](Self::entity_context_syncs).
    pub fn inner(&self) -> &entity_context_sync_client::Client {
        &self.inner.generated
    }
}

/// Builds a [`Client`]. Every setting has a default except the two keys.
#[derive(Debug, Clone)]
#[must_use]
pub struct ClientBuilder {
    site: Site,
    base_url: Option<String>,
    api_key: Option<(SecretString, &'static str)>,
    app_key: Option<(SecretString, &'static str)>,
    timeout: Duration,
    connect_timeout: Duration,
    user_agent: Option<String>,
    retry: RetryPolicy,
    http_client: Option<reqwest::Client>,
    sleep: Option<SharedSleep>,
}

impl Default for ClientBuilder {
    fn default() -> Self {
        crate::install_default_crypto_provider();
        Self {
            site: Site::default(),
            base_url: None,
            api_key: None,
            app_key: None,
            timeout: DEFAULT_TIMEOUT,
            connect_timeout: DEFAULT_CONNECT_TIMEOUT,
            user_agent: None,
            retry: RetryPolicy::default(),
            http_client: None,
            sleep: None,
        }
    }
}

impl ClientBuilder {
    /// Reads `DD_API_KEY`, `DD_APP_KEY` and optional `DD_SITE` from the environment.
    pub fn env(self) -> Result<Self> {
        self.env_from(|name| std::env::var(name).ok())
    }

    /// [`env`](Self::env) with a custom lookup (tests, config files).
    pub fn env_from(mut self, lookup: impl Fn(&str) -> Option<String>) -> Result<Self> {
        for (var, slot) in [
            ("DD_API_KEY", &mut self.api_key),
            ("DD_APP_KEY", &mut self.app_key),
        ] {
            let value = lookup(var).ok_or_else(|| {
                Error::config(format!(
                    "{var} is not set; export it or use Client::builder()"
                ))
            })?;
            if value.trim().is_empty() {
                return Err(Error::config(format!("{var} is set but empty")));
            }
            *slot = Some((SecretString::from(value), var));
        }
        if let Some(site) = lookup("DD_SITE").filter(|s| !s.trim().is_empty()) {
            self.site = site.parse().map_err(|e: Error| match e {
                Error::Config { message } => Error::config(format!("DD_SITE: {message}")),
                other => other,
            })?;
        }
        Ok(self)
    }

    /// The Datadog site (default [`Site::Us1`]).
    pub fn site(mut self, site: Site) -> Self {
        self.site = site;
        self
    }

    /// A base URL used instead of the site's, e.g. a proxy or a local mock
    /// (`http://127.0.0.1:8080`).
    pub fn base_url(mut self, url: impl Into<String>) -> Self {
        self.base_url = Some(url.into());
        self
    }

    /// The API key (`DD-API-KEY`). Surrounding whitespace is trimmed.
    pub fn api_key(mut self, key: impl Into<SecretString>) -> Self {
        self.api_key = Some((key.into(), "api_key"));
        self
    }

    /// The application key (`DD-APPLICATION-KEY`). Surrounding whitespace is trimmed.
    pub fn app_key(mut self, key: impl Into<SecretString>) -> Self {
        self.app_key = Some((key.into(), "app_key"));
        self
    }

    /// Whole-request timeout (default 30 s). Ignored with [`http_client`](Self::http_client).
    pub fn timeout(mut self, timeout: Duration) -> Self {
        self.timeout = timeout;
        self
    }

    /// Connect timeout (default 10 s). Ignored with [`http_client`](Self::http_client).
    pub fn connect_timeout(mut self, timeout: Duration) -> Self {
        self.connect_timeout = timeout;
        self
    }

    /// The `User-Agent` header (default [`default_user_agent`]).
    pub fn user_agent(mut self, user_agent: impl Into<String>) -> Self {
        self.user_agent = Some(user_agent.into());
        self
    }

    /// The retry policy (default [`RetryPolicy::default`]).
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = policy;
        self
    }

    /// Use this `reqwest::Client` (proxies, TLS roots, timeouts are then its own).
    pub fn http_client(mut self, client: reqwest::Client) -> Self {
        self.http_client = Some(client);
        self
    }

    /// How to wait between retries (default `tokio::time::sleep`).
    pub fn sleep_impl(mut self, sleep: impl Sleep + 'static) -> Self {
        self.sleep = Some(Arc::new(sleep));
        self
    }

    /// Checks every setting and builds the client. Never panics.
    pub fn build(self) -> Result<Client> {
        let (api_key, api_name) = self
            .api_key
            .ok_or_else(|| Error::config("no API key: call api_key() or set DD_API_KEY"))?;
        let (app_key, app_name) = self
            .app_key
            .ok_or_else(|| Error::config("no application key: call app_key() or set DD_APP_KEY"))?;
        let mut headers = credential_headers(&api_key, &app_key, [api_name, app_name])?;
        let keys = [
            SecretString::from(api_key.expose_secret().trim()),
            SecretString::from(app_key.expose_secret().trim()),
        ];
        let base_url = match &self.base_url {
            // The message quotes the URL: mask a key pasted into it (`?api_key=`).
            Some(url) => check_base_url(url).map_err(|e| match e {
                Error::Config { message } => {
                    Error::config(Scrubber::new(&keys, std::iter::empty()).clean(&message))
                }
                other => other,
            })?,
            None => self.site.api_base_url(),
        };
        let site = match &self.base_url {
            Some(_) => base_url.clone(),
            None => self.site.as_str().to_string(),
        };
        let user_agent = self.user_agent.unwrap_or_else(default_user_agent);
        let user_agent = HeaderValue::from_str(&user_agent).map_err(|_| {
            Error::config("user_agent contains characters not allowed in an HTTP header")
        })?;
        headers.insert(reqwest::header::USER_AGENT, user_agent);
        let http = match self.http_client {
            Some(client) => client,
            None => reqwest::Client::builder()
                .timeout(self.timeout)
                .connect_timeout(self.connect_timeout)
                .build()
                .map_err(|e| Error::config(format!("cannot build the HTTP client: {e}")))?,
        };
        let context = RequestContext::with_headers(headers);
        let generated = entity_context_sync_client::Client::new_with_client(
            &base_url,
            http.clone(),
            context.clone(),
        );
        Ok(Client {
            inner: Arc::new(Inner {
                base_url,
                site,
                http,
                context,
                generated,
                retry: self.retry,
                sleep: self.sleep.unwrap_or_else(|| Arc::new(TokioSleep)),
                timeout: self.timeout,
                connect_timeout: self.connect_timeout,
                keys,
                gate: crate::gate::Gate::default(),
            }),
        })
    }
}

fn check_base_url(url: &str) -> Result<String> {
    // Messages quote the URL, but never credentials embedded in it.
    let shown = without_userinfo(url);
    let parsed = reqwest::Url::parse(url.trim())
        .map_err(|e| Error::config(format!("base_url `{shown}` is not a valid URL: {e}")))?;
    if !parsed.username().is_empty() || parsed.password().is_some() {
        return Err(Error::config("base_url must not contain credentials"));
    }
    if !matches!(parsed.scheme(), "http" | "https") {
        return Err(Error::config(format!(
            "base_url `{shown}` must use http or https"
        )));
    }
    if parsed.host_str().is_none_or(str::is_empty) {
        return Err(Error::config(format!("base_url `{shown}` has no host")));
    }
    if parsed.query().is_some() || parsed.fragment().is_some() {
        return Err(Error::config(format!(
            "base_url `{shown}` must not have a query or fragment"
        )));
    }
    Ok(parsed.as_str().trim_end_matches('/').to_string())
}

/// `url` with any `user:password@` of its authority replaced by `[REDACTED]@`.
fn without_userinfo(url: &str) -> String {
    let (scheme, rest) = match url.split_once("://") {
        Some((scheme, rest)) => (format!("{scheme}://"), rest),
        None => (String::new(), url),
    };
    let authority = &rest[..rest.find(['/', '?', '#']).unwrap_or(rest.len())];
    match authority.rfind('@') {
        Some(at) => format!("{scheme}[REDACTED]@{}", &rest[at + 1..]),
        None => url.to_string(),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    fn env(vars: &'static [(&'static str, &'static str)]) -> impl Fn(&str) -> Option<String> {
        move |name| {
            vars.iter()
                .find(|(k, _)| *k == name)
                .map(|(_, v)| v.to_string())
        }
    }

    #[test]
    fn from_env_reads_keys_and_site() {
        let client = Client::builder()
            .env_from(env(&[
                ("DD_API_KEY", "key-one-1\n"),
                ("DD_APP_KEY", "key-two-2"),
                ("DD_SITE", "us5.datadoghq.com"),
            ]))
            .and_then(ClientBuilder::build)
            .expect("valid env");
        assert_eq!(client.base_url(), "https://api.us5.datadoghq.com");
        let client = Client::builder()
            .env_from(env(&[
                ("DD_API_KEY", "key-one-1"),
                ("DD_APP_KEY", "key-two-2"),
            ]))
            .and_then(ClientBuilder::build)
            .expect("valid env");
        assert_eq!(client.base_url(), "https://api.datadoghq.com");
    }

    #[test]
    fn missing_or_empty_env_names_the_variable() {
        let err = Client::builder()
            .env_from(env(&[("DD_APP_KEY", "key-two-2")]))
            .expect_err("no api key");
        assert!(err.to_string().contains("DD_API_KEY is not set"), "{err}");
        let err = Client::builder()
            .env_from(env(&[("DD_API_KEY", "key-one-1"), ("DD_APP_KEY", " ")]))
            .expect_err("empty app key");
        assert!(
            err.to_string().contains("DD_APP_KEY is set but empty"),
            "{err}"
        );
        let err = Client::builder()
            .env_from(env(&[
                ("DD_API_KEY", "key-one-1"),
                ("DD_APP_KEY", "key-two-2"),
                ("DD_SITE", "datadoghq.co"),
            ]))
            .expect_err("bad site");
        assert!(
            err.to_string().contains("DD_SITE: unknown Datadog site"),
            "{err}"
        );
    }

    #[test]
    fn builder_refuses_bad_settings_without_panicking() {
        let base = || Client::builder().api_key("key-one-1").app_key("key-two-2");
        assert!(Client::builder().app_key("key-two-2").build().is_err());
        assert!(Client::builder().api_key("key-one-1").build().is_err());
        for url in [
            "not a url",
            "ftp://x",
            "http://h/?q=1",
            "http://u:p@h/",
            "http://",
        ] {
            let err = base().base_url(url).build().expect_err(url);
            assert!(err.to_string().contains("base_url"), "{url}: {err}");
        }
        assert!(base().user_agent("bad\nua").build().is_err());
        let err = base()
            .api_key("abcd\u{0}efgh")
            .build()
            .expect_err("nul in key");
        assert!(
            err.to_string().contains("api_key contains a character"),
            "{err}"
        );
        let client = base()
            .base_url("http://127.0.0.1:9/prefix/")
            .build()
            .expect("valid");
        assert_eq!(client.base_url(), "http://127.0.0.1:9/prefix");
    }

    #[test]
    fn debug_never_shows_keys() {
        let builder = Client::builder()
            .api_key("canary-api-6b1d")
            .app_key("canary-app-9e2f");
        let client = builder.clone().build().expect("valid");
        for text in [
            format!("{builder:?}"),
            format!("{client:?}"),
            format!("{:?}", client.inner()),
        ] {
            assert!(
                !text.contains("canary-api-6b1d") && !text.contains("canary-app-9e2f"),
                "{text}"
            );
        }
    }

    #[test]
    fn default_user_agent_names_crate_version_and_platform() {
        let ua = default_user_agent();
        assert!(
            ua.starts_with(&format!(
                "entity-context-sync/{} (rust; ",
                env!("CARGO_PKG_VERSION")
            )),
            "{ua}"
        );
        assert!(
            ua.ends_with(&format!(
                "{}; {})",
                std::env::consts::OS,
                std::env::consts::ARCH
            )),
            "{ua}"
        );
    }
}
