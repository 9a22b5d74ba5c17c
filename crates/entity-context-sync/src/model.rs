//! What the API returns, inside a [`Response`]. [`IntegrationConfig`] itself
//! is generated from the spec's response schema (`generated.rs`).

use std::ops::Deref;

use entity_context_sync_client::types as wire;
use serde::Serialize;

use crate::{IntegrationConfig, RateLimit, Timestamp};

impl From<wire::SecurityMonitoringIntegrationConfigResponse> for IntegrationConfig {
    fn from(response: wire::SecurityMonitoringIntegrationConfigResponse) -> Self {
        response.data.into()
    }
}

/// The answer of a credential check (`validate`, `validate_credentials`):
/// Datadog's 400 there is an answer ("not valid"), not a failure.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct CredentialsCheck {
    /// Whether Datadog accepted the credentials.
    pub valid: bool,
    /// Datadog's reasons when it did not (secrets masked).
    pub errors: Vec<String>,
}

/// The result of a delete.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct Deleted {
    /// The id deleted.
    pub id: String,
    /// True when an attempt failed ambiguously (timeout, reset, 5xx) and the
    /// retry got 404: the first attempt deleted it.
    pub deleted_by_earlier_attempt: bool,
}

/// The Azure app registrations behind the Entra ID integration.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct AzureAppRegistrations {
    /// The resource id.
    pub id: String,
    /// The app registrations.
    pub registrations: Vec<AzureAppRegistration>,
    /// Whether the prerequisites for the Entra ID integration are met.
    pub has_valid_prerequisite: bool,
    /// The Entra ID integration's config id, when there is one.
    pub integration_id: Option<String>,
    /// Whether the Entra ID integration is enabled.
    pub is_enabled: Option<bool>,
    /// When the organization subscribed.
    pub subscribed_at: Option<Timestamp>,
}

/// One Azure app registration.
#[derive(Debug, Clone, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub struct AzureAppRegistration {
    /// The Azure tenant id.
    pub tenant_id: String,
    /// The app registration's client id.
    pub client_id: String,
    /// Whether resource collection is enabled.
    pub resource_collection_enabled: bool,
    /// How many Azure subscriptions it covers.
    pub subscription_count: i64,
    /// How many errors it reported.
    pub error_count: i64,
}

impl From<wire::SecurityMonitoringEntraIdAzureAppRegistrationsResponse> for AzureAppRegistrations {
    fn from(response: wire::SecurityMonitoringEntraIdAzureAppRegistrationsResponse) -> Self {
        let data = response.data;
        let a = data.attributes;
        Self {
            id: data.id,
            registrations: a
                .azure_app_registrations
                .into_iter()
                .map(|r| AzureAppRegistration {
                    tenant_id: r.tenant_id,
                    client_id: r.client_id,
                    resource_collection_enabled: r.resource_collection_enabled,
                    subscription_count: r.subscription_count,
                    error_count: r.error_count,
                })
                .collect(),
            has_valid_prerequisite: a.has_valid_prerequisite,
            integration_id: a.integration_id,
            is_enabled: a.is_enabled,
            subscribed_at: a.subscribed_at,
        }
    }
}

/// A successful reply: the value plus what the exchange tells about limits.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Response<T> {
    /// The decoded value.
    pub value: T,
    /// HTTP status (200, or 204 for a delete).
    pub status: u16,
    /// The rate-limit figures of the final response.
    pub rate_limit: Option<RateLimit>,
    /// Requests made, retries included.
    pub attempts: u32,
}

impl<T> Response<T> {
    pub(crate) fn new(value: T, status: u16, rate_limit: Option<RateLimit>, attempts: u32) -> Self {
        Self {
            value,
            status,
            rate_limit,
            attempts,
        }
    }

    /// The same response, counting `earlier` requests made before it.
    pub(crate) fn map_attempts(mut self, earlier: u32) -> Self {
        self.attempts += earlier;
        self
    }

    /// The same metadata around another value.
    pub(crate) fn map<U>(self, f: impl FnOnce(T) -> U) -> Response<U> {
        Response::new(f(self.value), self.status, self.rate_limit, self.attempts)
    }

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
