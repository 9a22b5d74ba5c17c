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

    /// The secrets' values, so errors can be scrubbed of them.
    pub(crate) fn secret_values(&self) -> impl Iterator<Item = &str> {
        self.secrets.iter().map(|(_, v)| v.expose_secret())
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
        let size = serde_json::to_vec(&self.settings)
            .map(|v| v.len())
            .unwrap_or(0);
        if size > MAX_SETTINGS_LEN {
            return Err(Error::validation(
                "settings",
                format!("serialize to {size} bytes; the limit is {MAX_SETTINGS_LEN}"),
            ));
        }
        Ok(())
    }

    /// Validates, then builds the generated request body (`type` filled in).
    pub(crate) fn to_request(
        &self,
    ) -> Result<wire::SecurityMonitoringIntegrationConfigCreateRequest> {
        self.validate()?;
        Ok(wire::SecurityMonitoringIntegrationConfigCreateRequest {
            data: wire::SecurityMonitoringIntegrationConfigCreateData {
                attributes: wire::SecurityMonitoringIntegrationConfigCreateAttributes {
                    domain: self.domain.clone(),
                    integration_type: self.integration_type.clone(),
                    name: self.name.clone(),
                    secrets: self.secrets.clone(),
                    settings: (!self.settings.is_empty()).then(|| {
                        wire::SecurityMonitoringIntegrationConfigSettings(self.settings.clone())
                    }),
                },
                type_: wire::SecurityMonitoringIntegrationConfigResourceType::IntegrationConfig,
            },
        })
    }
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
    if domain.contains("://") {
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
    if domain.starts_with('.') || domain.ends_with('.') || domain.contains("..") {
        return Err(Error::validation(
            "domain",
            "has an empty label (leading, trailing or double dot)",
        ));
    }
    Ok(())
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
