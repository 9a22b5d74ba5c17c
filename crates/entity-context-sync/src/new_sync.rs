//! [`NewSync`]: what to create, checked before anything is sent.

use entity_context_sync_client::SecretMap;
use entity_context_sync_client::types as wire;
use secrecy::{ExposeSecret, SecretString};
use serde_json::{Map, Value};

use crate::{Error, IntegrationType, Result};

/// Longest accepted `name`, in characters.
pub const MAX_NAME_CHARS: usize = 256;
/// Longest accepted `domain`, in bytes (the DNS limit).
pub const MAX_DOMAIN_LEN: usize = 253;
/// Longest accepted secret or setting key, in bytes.
pub const MAX_KEY_LEN: usize = 256;
/// Largest accepted secret value, in bytes (room for a PEM key or JSON credentials).
pub const MAX_SECRET_LEN: usize = 64 * 1024;
/// Largest accepted `settings` object, serialized, in bytes.
pub const MAX_SETTINGS_LEN: usize = 256 * 1024;

/// A new entity context sync configuration.
///
/// ```
/// use entity_context_sync::NewSync;
/// let sync = NewSync::google_workspace("My GWS Integration", "siem-test.com")
///     .admin_email("test@example.com")
///     .setting("setting1", "value1");
/// assert!(!format!("{sync:?}").contains("test@example.com")); // secrets are redacted
/// ```
#[derive(Debug, Clone)]
pub struct NewSync {
    integration_type: IntegrationType,
    name: String,
    domain: String,
    secrets: SecretMap,
    settings: Map<String, Value>,
}

impl NewSync {
    /// A sync of any source type, including ones newer than this SDK
    /// (`IntegrationType::from("NEW_SOURCE")`).
    pub fn new(
        integration_type: impl Into<IntegrationType>,
        name: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        Self {
            integration_type: integration_type.into(),
            name: name.into(),
            domain: domain.into(),
            secrets: SecretMap::new(),
            settings: Map::new(),
        }
    }

    /// A Google Workspace sync (`GOOGLE_WORKSPACE`). Add [`admin_email`](Self::admin_email).
    pub fn google_workspace(name: impl Into<String>, domain: impl Into<String>) -> Self {
        Self::new(IntegrationType::GoogleWorkspace, name, domain)
    }

    /// An Okta sync (`OKTA`).
    pub fn okta(name: impl Into<String>, domain: impl Into<String>) -> Self {
        Self::new(IntegrationType::Okta, name, domain)
    }

    /// A Microsoft Entra ID sync (`ENTRA_ID`).
    pub fn entra_id(name: impl Into<String>, domain: impl Into<String>) -> Self {
        Self::new(IntegrationType::EntraId, name, domain)
    }

    /// Adds a secret (write-only: Datadog never returns it). The accepted
    /// keys depend on the source type.
    pub fn secret(mut self, key: impl Into<String>, value: impl Into<SecretString>) -> Self {
        self.secrets.insert(key, value);
        self
    }

    /// The Google Workspace `admin_email` secret.
    pub fn admin_email(self, email: impl Into<SecretString>) -> Self {
        self.secret("admin_email", email)
    }

    /// Adds a non-sensitive setting. The accepted keys depend on the source type.
    pub fn setting(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.settings.insert(key.into(), value.into());
        self
    }

    /// Replaces all settings.
    pub fn settings(mut self, settings: impl IntoIterator<Item = (String, Value)>) -> Self {
        self.settings = settings.into_iter().collect();
        self
    }

    /// The source type.
    pub fn integration_type(&self) -> &IntegrationType {
        &self.integration_type
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The domain.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// Checks every field; the first problem found is the error.
    pub fn validate(&self) -> Result<()> {
        check_text("name", &self.name, MAX_NAME_CHARS)?;
        check_domain(&self.domain)?;
        if let IntegrationType::Unknown(t) = &self.integration_type
            && (t.trim().is_empty() || t.trim() != t)
        {
            return Err(Error::validation(
                "integration_type",
                "must be a non-empty value without surrounding spaces",
            ));
        }
        if let IntegrationType::Unknown(t) = &self.integration_type
            && t.chars().any(char::is_control)
        {
            // It is logged (span field): a newline would forge log lines.
            return Err(Error::validation(
                "integration_type",
                "must not contain control characters",
            ));
        }
        if self.secrets.is_empty() {
            return Err(Error::validation(
                "secrets",
                "at least one secret is required (for example `admin_email` for Google Workspace)",
            ));
        }
        for (key, value) in self.secrets.iter() {
            check_key("secrets", key)?;
            let value = value.expose_secret();
            if value.trim().is_empty() {
                return Err(Error::validation(format!("secrets.{key}"), "is empty"));
            }
            if value.len() > MAX_SECRET_LEN {
                return Err(Error::validation(
                    format!("secrets.{key}"),
                    format!("is {} bytes; the limit is {MAX_SECRET_LEN}", value.len()),
                ));
            }
        }
        for key in self.settings.keys() {
            check_key("settings", key)?;
        }
        let size = serialized_len(&self.settings);
        if size > MAX_SETTINGS_LEN {
            return Err(Error::validation(
                "settings",
                format!("serialize to {size} bytes; the limit is {MAX_SETTINGS_LEN}"),
            ));
        }
        Ok(())
    }

    /// Validates, then moves the fields into the generated request body
    /// (`type` filled in): no copy of the secrets or settings is made.
    pub(crate) fn into_request(
        self,
    ) -> Result<wire::SecurityMonitoringIntegrationConfigCreateRequest> {
        self.validate()?;
        Ok(wire::SecurityMonitoringIntegrationConfigCreateRequest {
            data: wire::SecurityMonitoringIntegrationConfigCreateData {
                attributes: wire::SecurityMonitoringIntegrationConfigCreateAttributes {
                    domain: self.domain,
                    integration_type: self.integration_type,
                    name: self.name,
                    secrets: self.secrets,
                    settings: (!self.settings.is_empty()).then_some(
                        wire::SecurityMonitoringIntegrationConfigSettings(self.settings),
                    ),
                },
                type_: wire::SecurityMonitoringIntegrationConfigResourceType::IntegrationConfig,
            },
        })
    }
}

/// The secrets' values in a request body, so errors can be scrubbed of them.
pub(crate) fn secret_values(
    body: &wire::SecurityMonitoringIntegrationConfigCreateRequest,
) -> impl Iterator<Item = &str> {
    body.data
        .attributes
        .secrets
        .iter()
        .map(|(_, v)| v.expose_secret())
}

fn check_text(field: &str, value: &str, max_chars: usize) -> Result<()> {
    if value.trim().is_empty() {
        return Err(Error::validation(
            field,
            "must not be empty or only whitespace",
        ));
    }
    if value.chars().any(char::is_control) {
        return Err(Error::validation(
            field,
            "must not contain control characters",
        ));
    }
    let n = value.chars().count();
    if n > max_chars {
        return Err(Error::validation(
            field,
            format!("is {n} characters; the limit is {max_chars}"),
        ));
    }
    Ok(())
}

fn check_domain(domain: &str) -> Result<()> {
    check_text("domain", domain, MAX_DOMAIN_LEN)?;
    // Byte-window searches: `str::contains` sets up a general substring
    // searcher each time, which costs more than a domain-length scan.
    if has_window(domain, b"://") {
        return Err(Error::validation(
            "domain",
            "must be a bare domain such as `example.com`, without a scheme",
        ));
    }
    if domain.chars().any(char::is_whitespace) {
        return Err(Error::validation("domain", "must not contain spaces"));
    }
    if let Some(c) = domain
        .chars()
        .find(|c| matches!(c, '/' | '?' | '#' | '@' | ':' | '\\'))
    {
        return Err(Error::validation(
            "domain",
            format!(
                "must be a bare domain such as `example.com`, without a path, port or user (found `{c}`)"
            ),
        ));
    }
    if domain.len() > MAX_DOMAIN_LEN {
        return Err(Error::validation(
            "domain",
            format!("is {} bytes; the limit is {MAX_DOMAIN_LEN}", domain.len()),
        ));
    }
    if domain.starts_with('.') || domain.ends_with('.') || has_window(domain, b"..") {
        return Err(Error::validation(
            "domain",
            "has an empty label (leading, trailing or double dot)",
        ));
    }
    Ok(())
}

/// Whether `text` contains `needle` (a short ASCII pattern).
fn has_window(text: &str, needle: &[u8]) -> bool {
    text.as_bytes().windows(needle.len()).any(|w| w == needle)
}

/// Bytes of `value` serialized as JSON, counted without building the string.
fn serialized_len(value: &impl serde::Serialize) -> usize {
    struct Count(usize);
    impl std::io::Write for Count {
        fn write(&mut self, buf: &[u8]) -> std::io::Result<usize> {
            self.0 += buf.len();
            Ok(buf.len())
        }
        fn flush(&mut self) -> std::io::Result<()> {
            Ok(())
        }
    }
    let mut count = Count(0);
    match serde_json::to_writer(&mut count, value) {
        Ok(()) => count.0,
        Err(_) => 0,
    }
}

fn check_key(map: &str, key: &str) -> Result<()> {
    if key.trim().is_empty() {
        return Err(Error::validation(map, "keys must not be empty"));
    }
    if key.len() > MAX_KEY_LEN {
        return Err(Error::validation(
            map,
            format!("key is {} bytes; the limit is {MAX_KEY_LEN}", key.len()),
        ));
    }
    if key.chars().any(char::is_control) {
        return Err(Error::validation(
            map,
            "keys must not contain control characters",
        ));
    }
    Ok(())
}
