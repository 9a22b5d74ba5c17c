//! [`NewSync`]: what to create, checked before anything is sent. Its
//! per-source constructors (`NewSync::okta`, …) and the setters of optional
//! secrets are generated (`generated.rs`); this is what every source shares.

use entity_context_sync_client::types as wire;
use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::attributes::Parts;
use crate::checks::{MAX_NAME_CHARS, check_domain, check_key, check_settings, check_text};
use crate::generated::{Creds, create_attributes};
use crate::{Credentials, Error, IntegrationType, Result};

/// A new entity context sync configuration: one constructor per source
/// type, each taking the secrets that source requires.
///
/// ```
/// use entity_context_sync::{NewSync, ServiceAccountKey};
/// let key = ServiceAccountKey::new(
///     "example-project",
///     "siem-sync@example-project.iam.gserviceaccount.com",
///     "-----BEGIN PRIVATE KEY-----\nMIIEvQ...\n-----END PRIVATE KEY-----\n",
/// );
/// let sync = NewSync::google_workspace("My GWS Integration", "siem-test.com", key)
///     .admin_email("admin@siem-test.com")
///     .setting("setting1", "value1");
/// assert!(!format!("{sync:?}").contains("MIIEvQ")); // secrets are redacted
/// sync.validate()?;
/// # Ok::<(), entity_context_sync::Error>(())
/// ```
#[derive(Debug, Clone)]
pub struct NewSync {
    name: String,
    domain: String,
    credentials: Credentials,
    settings: Map<String, Value>,
    /// Other non-secret attributes (the escape hatch only).
    raw_fields: Map<String, Value>,
    /// Whether it should be enabled (`ensure`, `plan`); `None`: as it is.
    enabled: Option<bool>,
    /// A problem found while building (field, reason), reported by
    /// [`NewSync::validate`].
    misuse: Option<(String, String)>,
}

impl NewSync {
    /// A sync of the source type of `credentials`.
    pub fn with_credentials(
        name: impl Into<String>,
        domain: impl Into<String>,
        credentials: Credentials,
    ) -> Self {
        Self {
            name: name.into(),
            domain: domain.into(),
            credentials,
            settings: Map::new(),
            raw_fields: Map::new(),
            enabled: None,
            misuse: None,
        }
    }

    /// The same sync with its credentials changed by `f` (the generated
    /// setters of optional secrets).
    pub(crate) fn map_credentials(mut self, f: impl FnOnce(Credentials) -> Credentials) -> Self {
        self.credentials = f(self.credentials);
        self
    }

    /// The escape hatch for a source type newer than this SDK: the body is
    /// sent as raw attributes (`integration_type`, `name`, `domain`,
    /// `settings`, anything set with [`raw_attribute`](Self::raw_attribute))
    /// plus `secrets` from [`raw_secrets`](Self::raw_secrets), held as a secret.
    ///
    /// ```
    /// use entity_context_sync::NewSync;
    /// let sync = NewSync::raw("JUMPCLOUD", "JumpCloud", "example.com")
    ///     .raw_secrets(serde_json::json!({ "api_key": "…" }))
    ///     .raw_attribute("region", "eu");
    /// sync.validate()?;
    /// # Ok::<(), entity_context_sync::Error>(())
    /// ```
    pub fn raw(
        integration_type: impl Into<IntegrationType>,
        name: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        Self::with_credentials(name, domain, Credentials::raw(integration_type, None))
    }

    /// The `secrets` object of a [`raw`](Self::raw) sync (replaces any set before).
    pub fn raw_secrets(mut self, secrets: Value) -> Self {
        match &mut self.credentials.creds {
            Creds::Raw { secrets: slot, .. } => *slot = Some(secrets.into()),
            _ => self.misuse_of("secrets", "raw_secrets applies to NewSync::raw only; pass the secrets to the source's constructor"),
        }
        self
    }

    /// Another non-secret attribute of a [`raw`](Self::raw) sync.
    pub fn raw_attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        match self.credentials.creds {
            Creds::Raw { .. } => {
                self.raw_fields.insert(key.into(), value.into());
            }
            _ => self.misuse_of("attributes", "raw_attribute applies to NewSync::raw only"),
        }
        self
    }

    /// A sync of any source type, secrets added with [`secret`](Self::secret).
    #[deprecated(
        since = "0.1.0",
        note = "use the source's constructor (NewSync::okta, NewSync::google_workspace, …), or NewSync::raw for a source type newer than the SDK"
    )]
    pub fn new(
        integration_type: impl Into<IntegrationType>,
        name: impl Into<String>,
        domain: impl Into<String>,
    ) -> Self {
        Self::raw(integration_type, name, domain)
    }

    /// Adds a string secret under `key`. On a source's constructor, `key`
    /// must name one of that source's secrets; on [`raw`](Self::raw) any key.
    #[deprecated(
        since = "0.1.0",
        note = "pass secrets to the source's constructor (NewSync::okta(name, domain, token)), or use raw_secrets"
    )]
    pub fn secret(mut self, key: impl Into<String>, value: impl Into<SecretString>) -> Self {
        let key = key.into();
        if !self.credentials.set_secret(&key, value.into()) {
            let t = self.credentials.integration_type();
            self.misuse_of(
                &format!("secrets.{key}"),
                &format!("is not a secret of {t}"),
            );
        }
        self
    }

    fn misuse_of(&mut self, field: &str, reason: &str) {
        self.misuse
            .get_or_insert_with(|| (field.to_owned(), reason.to_owned()));
    }

    /// Adds a non-sensitive setting. The accepted keys depend on the source type.
    pub fn setting(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        self.settings.insert(key.into(), value.into());
        self
    }

    /// Whether the sync should be enabled: [`ensure`](crate::EntityContextSyncs::ensure)
    /// and [`plan`](crate::EntityContextSyncs::plan) converge it (a create
    /// is enabled by Datadog, then disabled if `false`). Unset: left as it is.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// Whether the sync should be enabled, if said.
    pub fn enabled_wanted(&self) -> Option<bool> {
        self.enabled
    }

    /// Replaces all settings.
    pub fn settings(mut self, settings: impl IntoIterator<Item = (String, Value)>) -> Self {
        self.settings = settings.into_iter().collect();
        self
    }

    /// The source type.
    pub fn integration_type(&self) -> IntegrationType {
        self.credentials.integration_type()
    }

    /// The display name.
    pub fn name(&self) -> &str {
        &self.name
    }

    /// The domain.
    pub fn domain(&self) -> &str {
        &self.domain
    }

    /// The settings.
    pub fn settings_map(&self) -> &Map<String, Value> {
        &self.settings
    }

    /// The credentials.
    pub fn credentials(&self) -> &Credentials {
        &self.credentials
    }

    /// Checks every field; the first problem found is the error, which
    /// names the sync (its source type and name).
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(|e| e.about(self.described()))
    }

    /// `OKTA sync "Okta prod"`, for errors (the name shortened and quoted).
    fn described(&self) -> String {
        let t = self.integration_type();
        // A source type that is itself the problem is not repeated.
        let shown = t.as_str();
        let t = if !shown.is_empty() && shown.chars().all(|c| c.is_ascii_alphanumeric() || c == '_')
        {
            format!("{shown} sync")
        } else {
            "sync".to_owned()
        };
        let name: String = self.name.chars().take(64).collect();
        if name.trim().is_empty() {
            t
        } else if name.len() < self.name.len() {
            format!("{t} {name:?}…")
        } else {
            format!("{t} {name:?}")
        }
    }

    fn check(&self) -> Result<()> {
        if let Some((field, reason)) = &self.misuse {
            return Err(Error::validation(field, reason));
        }
        check_text("name", &self.name, MAX_NAME_CHARS)?;
        check_domain(&self.domain)?;
        self.credentials.check()?;
        check_settings(&self.settings)?;
        for key in self.raw_fields.keys() {
            check_key("attributes", key)?;
            if matches!(
                key.as_str(),
                "integration_type" | "name" | "domain" | "settings" | "secrets"
            ) {
                return Err(Error::validation(
                    format!("attributes.{key}"),
                    "is set by NewSync itself; use its own setter",
                ));
            }
        }
        Ok(())
    }

    /// Validates, then moves the fields into the generated request body
    /// (`type` filled in): no copy of the secrets or settings is made.
    pub(crate) fn into_request(
        self,
    ) -> Result<wire::SecurityMonitoringIntegrationConfigCreateRequest> {
        self.validate()?;
        let integration_type = self.integration_type();
        let NewSync {
            name,
            domain,
            credentials,
            settings,
            raw_fields,
            ..
        } = self;
        let parts = Parts {
            name: Some(name),
            domain: Some(domain),
            enabled: None,
            settings: (!settings.is_empty()).then_some(settings),
            raw_fields,
        };
        let attributes = create_attributes(&integration_type, Some(credentials.creds), parts)?;
        Ok(wire::SecurityMonitoringIntegrationConfigCreateRequest {
            data: wire::SecurityMonitoringIntegrationConfigCreateData {
                attributes,
                type_: wire::SecurityMonitoringIntegrationConfigResourceType::IntegrationConfig,
            },
        })
    }
}
