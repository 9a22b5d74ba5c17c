//! [`UpdateSync`]: a partial update (only what the caller sets is sent), in
//! its per-source wire shape.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use entity_context_sync_client::RawAttributes;
use entity_context_sync_client::types as wire;
use entity_context_sync_client::unions::SecurityMonitoringIntegrationConfigUpdateAttributes as UpdateAttributes;
use serde_json::{Map, Value};

use crate::credentials::{Creds, SecretStrs};
use crate::syncs::{EntityContextSyncs, call_builder, check_id};
use crate::{
    Credentials, Error, IntegrationConfig, IntegrationType, Operation, Response, Result,
    RetryPolicy,
};

/// A pending partial update: only what is set is sent. Send with
/// [`send`](Self::send) or `.await`.
///
/// ```no_run
/// # async fn run(client: entity_context_sync::Client) -> entity_context_sync::Result<()> {
/// use entity_context_sync::{Credentials, IntegrationType};
/// let syncs = client.entity_context_syncs();
/// syncs.update("abc-123", IntegrationType::Okta).enabled(false).await?;
/// // Rotate the token (the type of the credentials must match):
/// syncs.update("abc-123", IntegrationType::Okta).credentials(Credentials::okta("new-token")).await?;
/// # Ok(()) }
/// ```
#[derive(Debug, Clone)]
#[must_use = "an UpdateSync does nothing until sent or awaited"]
pub struct UpdateSync<'c> {
    handler: EntityContextSyncs<'c>,
    id: String,
    integration_type: IntegrationType,
    pub(crate) name: Option<String>,
    pub(crate) domain: Option<String>,
    pub(crate) enabled: Option<bool>,
    pub(crate) settings: Option<Map<String, Value>>,
    pub(crate) credentials: Option<Credentials>,
    retry: Option<RetryPolicy>,
}

impl<'c> UpdateSync<'c> {
    pub(crate) fn new(
        handler: EntityContextSyncs<'c>,
        id: String,
        integration_type: IntegrationType,
    ) -> Self {
        Self {
            handler,
            id,
            integration_type,
            name: None,
            domain: None,
            enabled: None,
            settings: None,
            credentials: None,
            retry: None,
        }
    }

    /// A new display name.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// A new domain.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Enables or disables the sync.
    pub fn enabled(mut self, enabled: bool) -> Self {
        self.enabled = Some(enabled);
        self
    }

    /// Replaces the settings.
    pub fn settings(mut self, settings: impl IntoIterator<Item = (String, Value)>) -> Self {
        self.settings = Some(settings.into_iter().collect());
        self
    }

    /// New credentials (rotation); their source type must be the update's.
    pub fn credentials(mut self, credentials: Credentials) -> Self {
        self.credentials = Some(credentials);
        self
    }

    /// Whether nothing would be sent but the source type.
    pub(crate) fn is_empty(&self) -> bool {
        self.name.is_none()
            && self.domain.is_none()
            && self.enabled.is_none()
            && self.settings.is_none()
            && self.credentials.is_none()
    }

    /// Checks every field set; the first problem found is the error.
    pub fn validate(&self) -> Result<()> {
        check_id(&self.id)?;
        if self.is_empty() {
            return Err(Error::validation(
                "update",
                "nothing to change: set a name, domain, enabled, settings or credentials",
            ));
        }
        crate::checks::check_changes(
            self.name.as_deref(),
            self.domain.as_deref(),
            self.settings.as_ref(),
        )?;
        if let Some(credentials) = &self.credentials {
            credentials.validate()?;
            let theirs = credentials.integration_type();
            if theirs != self.integration_type {
                return Err(Error::validation(
                    "credentials",
                    format!(
                        "are for {theirs}, but the update is of a {} sync",
                        self.integration_type
                    ),
                ));
            }
            if self.integration_type == IntegrationType::EntraId {
                // Entra ID's update schema has no `secrets`.
                return Err(Error::validation(
                    "credentials",
                    "ENTRA_ID syncs take no secrets",
                ));
            }
        }
        Ok(())
    }

    /// Sends the request (retrying per policy) and decodes the reply.
    pub async fn send(self) -> Result<Response<IntegrationConfig>> {
        self.validate()?;
        let integration_type = self.integration_type.clone();
        let body = wire::SecurityMonitoringIntegrationConfigUpdateRequest {
            data: wire::SecurityMonitoringIntegrationConfigUpdateData {
                attributes: update_attributes(
                    self.integration_type.clone(),
                    self.name.clone(),
                    self.domain.clone(),
                    self.enabled,
                    self.settings.clone(),
                    self.credentials.clone(),
                ),
                type_: wire::SecurityMonitoringIntegrationConfigResourceType::IntegrationConfig,
            },
        };
        let id = self.id.as_str();
        let mut call = self.handler.call(Operation::Update, self.retry.as_ref());
        self.credentials.secret_strs(&mut call.secrets);
        call.integration_type = Some(integration_type.as_str());
        let done = call
            .execute(|c| {
                let body = &body;
                async move {
                    c.update_security_monitoring_integration_config(id, body)
                        .await
                }
            })
            .await?;
        done.into_response(Operation::Update)
    }
}
call_builder!(UpdateSync => IntegrationConfig);

/// The update union for `t`: a typed variant, or raw attributes for a
/// source type newer than the SDK (or raw credentials).
fn update_attributes(
    t: IntegrationType,
    name: Option<String>,
    domain: Option<String>,
    enabled: Option<bool>,
    settings: Option<Map<String, Value>>,
    credentials: Option<Credentials>,
) -> UpdateAttributes {
    let settings_wire = settings
        .clone()
        .map(wire::SecurityMonitoringIntegrationConfigSettings);
    macro_rules! typed {
        ($variant:ident, $ty:ident, $tag:ident, $creds:ident) => {{
            let secrets = match credentials.clone().map(|c| c.0) {
                Some(Creds::$creds(s)) => Some(s),
                _ => None,
            };
            UpdateAttributes::$variant(wire::$ty {
                domain: domain.clone(),
                enabled,
                integration_type: wire::$tag::default(),
                name: name.clone(),
                secrets,
                settings: settings_wire.clone(),
            })
        }};
    }
    let raw_creds = matches!(credentials.as_ref().map(|c| &c.0), Some(Creds::Raw { .. }));
    match t {
        _ if raw_creds => raw_update(&t, name, domain, enabled, settings, credentials),
        IntegrationType::GoogleWorkspace => typed!(
            GoogleWorkspace,
            SecurityMonitoringGoogleWorkspaceIntegrationConfigUpdateAttributes,
            SecurityMonitoringIntegrationTypeGoogleWorkspace,
            GoogleWorkspace
        ),
        IntegrationType::Okta => typed!(
            Okta,
            SecurityMonitoringOktaIntegrationConfigUpdateAttributes,
            SecurityMonitoringIntegrationTypeOkta,
            Okta
        ),
        IntegrationType::Crowdstrike => typed!(
            Crowdstrike,
            SecurityMonitoringCrowdStrikeIntegrationConfigUpdateAttributes,
            SecurityMonitoringIntegrationTypeCrowdStrike,
            CrowdStrike
        ),
        IntegrationType::Sentinelone => typed!(
            Sentinelone,
            SecurityMonitoringSentinelOneIntegrationConfigUpdateAttributes,
            SecurityMonitoringIntegrationTypeSentinelOne,
            SentinelOne
        ),
        IntegrationType::EntraId => UpdateAttributes::EntraId(
            wire::SecurityMonitoringEntraIdIntegrationConfigUpdateAttributes {
                domain,
                enabled,
                integration_type: wire::SecurityMonitoringIntegrationTypeEntraId::default(),
                name,
                settings: settings_wire,
            },
        ),
        _ => raw_update(&t, name, domain, enabled, settings, credentials),
    }
}

fn raw_update(
    t: &IntegrationType,
    name: Option<String>,
    domain: Option<String>,
    enabled: Option<bool>,
    settings: Option<Map<String, Value>>,
    credentials: Option<Credentials>,
) -> UpdateAttributes {
    let mut fields = Map::new();
    fields.insert(
        "integration_type".into(),
        Value::String(t.as_str().to_owned()),
    );
    if let Some(name) = name {
        fields.insert("name".into(), Value::String(name));
    }
    if let Some(domain) = domain {
        fields.insert("domain".into(), Value::String(domain));
    }
    if let Some(enabled) = enabled {
        fields.insert("enabled".into(), Value::Bool(enabled));
    }
    if let Some(settings) = settings {
        fields.insert("settings".into(), Value::Object(settings));
    }
    UpdateAttributes::Unknown(
        RawAttributes::new(fields, None).with_secrets(credentials.and_then(raw_secrets)),
    )
}

/// Credentials as the raw JSON of a `secrets` object.
fn raw_secrets(credentials: Credentials) -> Option<entity_context_sync_client::SecretJson> {
    match credentials.0 {
        Creds::Raw { secrets, .. } => secrets,
        Creds::EntraId => None,
        // Typed secrets serialize to the same JSON the typed variant sends.
        other => serde_json::to_value(RawView(&other)).ok().map(Into::into),
    }
}

/// Serializes typed credentials as their `secrets` object.
struct RawView<'a>(&'a Creds);

impl serde::Serialize for RawView<'_> {
    fn serialize<S: serde::Serializer>(&self, s: S) -> std::result::Result<S::Ok, S::Error> {
        match self.0 {
            Creds::GoogleWorkspace(x) => x.serialize(s),
            Creds::Okta(x) => x.serialize(s),
            Creds::CrowdStrike(x) => x.serialize(s),
            Creds::SentinelOne(x) => x.serialize(s),
            Creds::EntraId => s.serialize_none(),
            Creds::Raw { secrets, .. } => secrets.serialize(s),
        }
    }
}
