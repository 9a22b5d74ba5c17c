//! [`UpdateSync`]: a partial update (only what the caller sets is sent), in
//! its per-source wire shape (`update_attributes`, generated).

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use entity_context_sync_client::types as wire;
use serde_json::{Map, Value};

use crate::attributes::Parts;
use crate::credentials::SecretStrs;
use crate::generated::update_attributes;
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

    /// Checks every field set; the first problem found is the error, which
    /// names the sync (its source type and id).
    pub fn validate(&self) -> Result<()> {
        self.check().map_err(|e| {
            let id: String = self.id.chars().take(64).collect();
            e.about(format!("{} sync {id:?}", self.integration_type))
        })
    }

    fn check(&self) -> Result<()> {
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
            credentials.check()?;
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
            if credentials.is_empty() {
                return Err(Error::validation(
                    "credentials",
                    format!("{} syncs take no secrets", self.integration_type),
                ));
            }
        }
        Ok(())
    }

    /// Sends the request (retrying per policy) and decodes the reply.
    pub async fn send(self) -> Result<Response<IntegrationConfig>> {
        self.validate()?;
        let parts = Parts {
            name: self.name,
            domain: self.domain,
            enabled: self.enabled,
            settings: self.settings,
            raw_fields: Map::new(),
        };
        let creds = self.credentials.map(|c| c.creds);
        let attributes = update_attributes(&self.integration_type, creds, parts)?;
        let body = wire::SecurityMonitoringIntegrationConfigUpdateRequest {
            data: wire::SecurityMonitoringIntegrationConfigUpdateData {
                attributes,
                type_: wire::SecurityMonitoringIntegrationConfigResourceType::IntegrationConfig,
            },
        };
        let id = self.id.as_str();
        let mut call = self.handler.call(Operation::Update, self.retry.as_ref());
        body.data.attributes.secret_strs(&mut call.secrets);
        call.integration_type = Some(self.integration_type.as_str());
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
