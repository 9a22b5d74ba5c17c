//! What the API returns: [`IntegrationConfig`] inside a [`Response`].

use std::ops::Deref;

use chrono::{DateTime, Utc};
use entity_context_sync_client::types as wire;
use serde::Serialize;
use serde_json::{Map, Value};

use crate::{IntegrationType, RateLimit, SyncState};

/// An entity context sync configuration as Datadog returns it. Secrets are
/// write-only and never part of it.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct IntegrationConfig {
    /// The configuration's unique id.
    pub id: String,
    /// The display name, when set.
    pub name: Option<String>,
    /// The domain of the external entity source.
    pub domain: String,
    /// The source type (unknown values kept as [`IntegrationType::Unknown`]).
    pub integration_type: IntegrationType,
    /// Whether the sync is enabled and ingesting entities.
    pub enabled: bool,
    /// The state of the credentials (unknown values kept as [`SyncState::Unknown`]).
    pub state: Option<SyncState>,
    /// When it was created.
    pub created_at: Option<DateTime<Utc>>,
    /// When it was last modified.
    pub modified_at: Option<DateTime<Utc>>,
    /// Free-form, non-sensitive settings.
    pub settings: Map<String, Value>,
}

impl From<wire::SecurityMonitoringIntegrationConfigResponse> for IntegrationConfig {
    fn from(response: wire::SecurityMonitoringIntegrationConfigResponse) -> Self {
        let wire::SecurityMonitoringIntegrationConfigData {
            attributes: a, id, ..
        } = response.data;
        Self {
            id,
            name: a.name,
            domain: a.domain,
            integration_type: a.integration_type,
            enabled: a.enabled,
            state: a.state,
            created_at: a.created_at,
            modified_at: a.modified_at,
            settings: a.settings.map(|s| s.0).unwrap_or_default(),
        }
    }
}

/// A successful reply: the value plus what the exchange tells about limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded value.
    pub value: T,
    /// HTTP status (200).
    pub status: u16,
    /// The rate-limit figures of the final response.
    pub rate_limit: Option<RateLimit>,
    /// Requests made, retries included.
    pub attempts: u32,
}

impl<T> Response<T> {
    /// The value, dropping the metadata.
    pub fn into_inner(self) -> T {
        self.value
    }
}

impl<T> Deref for Response<T> {
    type Target = T;
    fn deref(&self) -> &T {
        &self.value
    }
}
