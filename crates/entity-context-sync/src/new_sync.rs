//! [`NewSync`]: what to create, checked before anything is sent.

use entity_context_sync_client::RawAttributes;
use entity_context_sync_client::types as wire;
use entity_context_sync_client::unions::SecurityMonitoringIntegrationConfigCreateAttributes as CreateAttributes;
use secrecy::SecretString;
use serde_json::{Map, Value};

use crate::checks::{MAX_NAME_CHARS, check_domain, check_key, check_settings, check_text};
use crate::credentials::{Creds, SecretStrs, ServiceAccountKey};
use crate::{Credentials, Error, IntegrationType, Result};

pub use crate::credentials::MAX_SECRET_LEN;

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
            misuse: None,
        }
    }

    /// A Google Workspace sync (`GOOGLE_WORKSPACE`) authenticated by a
    /// service account key; add [`admin_email`](Self::admin_email) to
    /// impersonate an admin.
    pub fn google_workspace(
        name: impl Into<String>,
        domain: impl Into<String>,
        key: ServiceAccountKey,
    ) -> Self {
        Self::with_credentials(name, domain, Credentials::google_workspace(key))
    }

    /// An Okta sync (`OKTA`) with an API token.
    pub fn okta(
        name: impl Into<String>,
        domain: impl Into<String>,
        api_token: impl Into<SecretString>,
    ) -> Self {
        Self::with_credentials(name, domain, Credentials::okta(api_token))
    }

    /// A Microsoft Entra ID sync (`ENTRA_ID`): no secrets.
    pub fn entra_id(name: impl Into<String>, domain: impl Into<String>) -> Self {
        Self::with_credentials(name, domain, Credentials::entra_id())
    }

    /// A CrowdStrike sync (`CROWDSTRIKE`) with an API client's id and secret.
    pub fn crowdstrike(
        name: impl Into<String>,
        domain: impl Into<String>,
        client_id: impl Into<SecretString>,
        client_secret: impl Into<SecretString>,
    ) -> Self {
        Self::with_credentials(
            name,
            domain,
            Credentials::crowdstrike(client_id, client_secret),
        )
    }

    /// A SentinelOne sync (`SENTINELONE`) with an API token.
    pub fn sentinel_one(
        name: impl Into<String>,
        domain: impl Into<String>,
        api_token: impl Into<SecretString>,
    ) -> Self {
        Self::with_credentials(name, domain, Credentials::sentinel_one(api_token))
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
        match &mut self.credentials.0 {
            Creds::Raw { secrets: slot, .. } => *slot = Some(secrets.into()),
            _ => self.misuse_of("secrets", "raw_secrets applies to NewSync::raw only; pass the secrets to the source's constructor"),
        }
        self
    }

    /// Another non-secret attribute of a [`raw`](Self::raw) sync.
    pub fn raw_attribute(mut self, key: impl Into<String>, value: impl Into<Value>) -> Self {
        match self.credentials.0 {
            Creds::Raw { .. } => {
                self.raw_fields.insert(key.into(), value.into());
            }
            _ => self.misuse_of("attributes", "raw_attribute applies to NewSync::raw only"),
        }
        self
    }

    /// A sync of any source type, secrets added with [`secret`](Self::secret).
    #[deprecated(
        since = "0.2.0",
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
        since = "0.2.0",
        note = "pass secrets to the source's constructor (NewSync::okta(name, domain, token)), or use raw_secrets"
    )]
    pub fn secret(mut self, key: impl Into<String>, value: impl Into<SecretString>) -> Self {
        use secrecy::ExposeSecret;
        let key = key.into();
        let value = value.into();
        let creds = &mut self.credentials.0;
        let known = match (creds, key.as_str()) {
            (Creds::Okta(s), "api_token") => {
                s.api_token = value.clone();
                Some(())
            }
            (Creds::SentinelOne(s), "api_token") => {
                s.api_token = value.clone();
                Some(())
            }
            (Creds::CrowdStrike(s), "client_id") => {
                s.client_id = value.clone();
                Some(())
            }
            (Creds::CrowdStrike(s), "client_secret") => {
                s.client_secret = value.clone();
                Some(())
            }
            (Creds::GoogleWorkspace(s), "admin_email") => {
                s.admin_email = Some(value.clone());
                Some(())
            }
            (Creds::Raw { secrets, .. }, _) => {
                let mut map = match secrets.take().map(|s| s.expose_secret().clone()) {
                    Some(Value::Object(map)) => map,
                    _ => Map::new(),
                };
                map.insert(key.clone(), Value::String(value.expose_secret().to_owned()));
                *secrets = Some(Value::Object(map).into());
                Some(())
            }
            _ => None,
        };
        if known.is_none() {
            let t = self.credentials.integration_type();
            self.misuse_of(
                &format!("secrets.{key}"),
                &format!("is not a secret of {t}"),
            );
        }
        self
    }

    /// The Google Workspace `admin_email` secret: the admin the service
    /// account impersonates. Refused (at validation) for other sources.
    pub fn admin_email(mut self, email: impl Into<String>) -> Self {
        if matches!(self.credentials.0, Creds::GoogleWorkspace(_)) {
            self.credentials = self.credentials.with_admin_email(email.into());
        } else {
            self.misuse_of(
                "secrets.admin_email",
                "applies to Google Workspace syncs only",
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

    /// Checks every field; the first problem found is the error.
    pub fn validate(&self) -> Result<()> {
        if let Some((field, reason)) = &self.misuse {
            return Err(Error::validation(field, reason));
        }
        check_text("name", &self.name, MAX_NAME_CHARS)?;
        check_domain(&self.domain)?;
        self.credentials.validate()?;
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
        let NewSync {
            name,
            domain,
            credentials,
            settings,
            raw_fields,
            ..
        } = self;
        let settings = (!settings.is_empty())
            .then_some(wire::SecurityMonitoringIntegrationConfigSettings(settings));
        macro_rules! typed {
            ($variant:ident, $ty:ident, $tag:ident, $($secrets:tt)*) => {
                CreateAttributes::$variant(wire::$ty {
                    domain,
                    integration_type: wire::$tag::default(),
                    name,
                    settings,
                    $($secrets)*
                })
            };
        }
        let attributes = match credentials.0 {
            Creds::GoogleWorkspace(s) => {
                typed!(GoogleWorkspace, SecurityMonitoringGoogleWorkspaceIntegrationConfigCreateAttributes, SecurityMonitoringIntegrationTypeGoogleWorkspace, secrets: s)
            }
            Creds::Okta(s) => {
                typed!(Okta, SecurityMonitoringOktaIntegrationConfigCreateAttributes, SecurityMonitoringIntegrationTypeOkta, secrets: s)
            }
            Creds::CrowdStrike(s) => {
                typed!(Crowdstrike, SecurityMonitoringCrowdStrikeIntegrationConfigCreateAttributes, SecurityMonitoringIntegrationTypeCrowdStrike, secrets: s)
            }
            Creds::SentinelOne(s) => {
                typed!(Sentinelone, SecurityMonitoringSentinelOneIntegrationConfigCreateAttributes, SecurityMonitoringIntegrationTypeSentinelOne, secrets: s)
            }
            Creds::EntraId => typed!(
                EntraId,
                SecurityMonitoringEntraIdIntegrationConfigCreateAttributes,
                SecurityMonitoringIntegrationTypeEntraId,
            ),
            Creds::Raw {
                integration_type,
                secrets,
            } => {
                let mut fields = raw_fields;
                fields.insert(
                    "integration_type".into(),
                    Value::String(integration_type.as_str().to_owned()),
                );
                fields.insert("name".into(), Value::String(name));
                fields.insert("domain".into(), Value::String(domain));
                if let Some(settings) = settings {
                    fields.insert("settings".into(), Value::Object(settings.0));
                }
                CreateAttributes::Unknown(RawAttributes::new(fields, None).with_secrets(secrets))
            }
        };
        Ok(wire::SecurityMonitoringIntegrationConfigCreateRequest {
            data: wire::SecurityMonitoringIntegrationConfigCreateData {
                attributes,
                type_: wire::SecurityMonitoringIntegrationConfigResourceType::IntegrationConfig,
            },
        })
    }
}

/// Every secret string of a create body, to mask in anything echoed back.
pub(crate) fn secret_strs(
    body: &wire::SecurityMonitoringIntegrationConfigCreateRequest,
) -> Vec<&str> {
    let mut out = Vec::new();
    match &body.data.attributes {
        CreateAttributes::GoogleWorkspace(a) => a.secrets.secret_strs(&mut out),
        CreateAttributes::Okta(a) => a.secrets.secret_strs(&mut out),
        CreateAttributes::Crowdstrike(a) => a.secrets.secret_strs(&mut out),
        CreateAttributes::Sentinelone(a) => a.secrets.secret_strs(&mut out),
        CreateAttributes::EntraId(_) => {}
        CreateAttributes::Unknown(raw) => {
            if let Some(s) = raw.secrets() {
                s.secret_strs(&mut out);
            }
        }
    }
    out
}
