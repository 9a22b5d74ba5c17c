//! The entity context sync handler: `client.entity_context_syncs().<op>(..)`.
//!
//! Every operation is a builder: adjust it, then `.await` it or call
//! `send()`. Each is a thin declaration over the one executor in `exec.rs`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use entity_context_sync_client::types as wire;

use crate::attributes::Parts;
use crate::credentials::SecretStrs;
use crate::exec::Call;
use crate::generated::validate_credentials_attributes;
use crate::model::{AzureAppRegistrations, CredentialsCheck, Deleted};
use crate::{
    Client, Credentials, Error, IntegrationConfig, IntegrationType, NewSync, Operation, Response,
    Result, RetryPolicy,
};

/// Longest accepted configuration id, in bytes.
pub const MAX_ID_LEN: usize = 256;

/// Operations on entity context sync configurations.
#[derive(Debug, Clone, Copy)]
pub struct EntityContextSyncs<'c> {
    client: &'c Client,
}

/// A builder that takes the retry override of the builder that drives it
/// (`ensure`, `plan`, `apply` run other operations).
pub(crate) trait InheritRetry: Sized {
    /// With `policy` as this call's override, when there is one.
    fn inherit_retry(self, policy: Option<&RetryPolicy>) -> Self;
}

/// `retry_policy`, [`InheritRetry`] and `IntoFuture` for a builder whose
/// `send` returns `Result<Response<$out>>`.
macro_rules! call_builder {
    ($name:ident => $out:ty) => {
        impl<'c> $name<'c> {
            /// Overrides the client's retry policy for this call.
            pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
                self.retry = Some(policy);
                self
            }
        }

        impl<'c> crate::syncs::InheritRetry for $name<'c> {
            fn inherit_retry(mut self, policy: Option<&RetryPolicy>) -> Self {
                if let Some(policy) = policy {
                    self.retry = Some(policy.clone());
                }
                self
            }
        }

        impl<'c> IntoFuture for $name<'c> {
            type Output = Result<Response<$out>>;
            type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;

            fn into_future(self) -> Self::IntoFuture {
                Box::pin(self.send())
            }
        }
    };
}
pub(crate) use call_builder;

impl<'c> EntityContextSyncs<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    pub(crate) fn call<'a>(
        &self,
        operation: Operation,
        retry: Option<&'c RetryPolicy>,
    ) -> Call<'c, 'a> {
        Call {
            client: self.client,
            operation,
            retry,
            secrets: Vec::new(),
            integration_type: None,
        }
    }

    /// Creates a configuration.
    ///
    /// The arguments are validated before anything is sent. A 429 is
    /// retried per the client's [`RetryPolicy`]; anything that may have
    /// reached Datadog (timeout, reset, 5xx) is not, since a create is not
    /// idempotent: use [`ensure`](Self::ensure) to converge without duplicates.
    pub fn create(&self, sync: NewSync) -> CreateSync<'c> {
        CreateSync {
            handler: *self,
            sync,
            retry: None,
        }
    }

    /// Lists every configuration (no pagination), or those of one source
    /// type with [`ListSyncs::integration_type`].
    pub fn list(&self) -> ListSyncs<'c> {
        ListSyncs {
            handler: *self,
            integration_type: None,
            retry: None,
        }
    }

    /// Gets one configuration.
    pub fn get(&self, id: impl Into<String>) -> GetSync<'c> {
        GetSync {
            handler: *self,
            id: id.into(),
            retry: None,
        }
    }

    /// Changes a configuration of `integration_type`: only what is set on
    /// the builder is sent.
    pub fn update(
        &self,
        id: impl Into<String>,
        integration_type: impl Into<IntegrationType>,
    ) -> crate::UpdateSync<'c> {
        crate::UpdateSync::new(*self, id.into(), integration_type.into())
    }

    /// Deletes a configuration (and its stored credentials). A retry after
    /// an ambiguous failure that gets 404 reports success
    /// ([`Deleted::deleted_by_earlier_attempt`]).
    pub fn delete(&self, id: impl Into<String>) -> DeleteSync<'c> {
        DeleteSync {
            handler: *self,
            id: id.into(),
            retry: None,
        }
    }

    /// Checks that a configuration's stored credentials are still valid.
    pub fn validate(&self, id: impl Into<String>) -> ValidateSync<'c> {
        ValidateSync {
            handler: *self,
            id: id.into(),
            retry: None,
        }
    }

    /// Checks credentials against the source without storing anything.
    pub fn validate_credentials(
        &self,
        domain: impl Into<String>,
        credentials: Credentials,
    ) -> ValidateCredentials<'c> {
        ValidateCredentials {
            handler: *self,
            domain: domain.into(),
            credentials,
            retry: None,
        }
    }

    /// Activates the integration of a source type that needs no credentials
    /// (Entra ID). Idempotent: an existing integration is returned, re-enabled.
    pub fn activate(&self, integration_type: impl Into<IntegrationType>) -> Activate<'c> {
        Activate {
            handler: *self,
            integration_type: integration_type.into(),
            name: None,
            domain: None,
            settings: None,
            retry: None,
        }
    }

    /// Disables every active integration of a source type.
    pub fn deactivate(&self, integration_type: impl Into<IntegrationType>) -> Deactivate<'c> {
        Deactivate {
            handler: *self,
            integration_type: integration_type.into(),
            retry: None,
        }
    }

    /// The Azure app registrations behind the Entra ID integration.
    pub fn entra_id_app_registrations(&self) -> EntraIdAppRegistrations<'c> {
        EntraIdAppRegistrations {
            handler: *self,
            retry: None,
        }
    }

    /// Converges to `sync`: creates it if no config of its source type has
    /// its name, updates only what differs if one does, or does nothing.
    pub fn ensure(&self, sync: NewSync) -> crate::EnsureSync<'c> {
        crate::EnsureSync::new(*self, sync)
    }

    /// What converging to `desired` would change, from one listing: per
    /// sync, create, update (which fields) or unchanged; with
    /// [`prune`](crate::PlanSyncs::prune), the configs of the declared source
    /// types that are not declared (delete). Sends nothing else.
    pub fn plan(&self, desired: Vec<NewSync>) -> crate::PlanSyncs<'c> {
        crate::PlanSyncs::new(*self, desired)
    }

    /// Sends a [`Plan`](crate::Plan): never duplicates a create, several
    /// changes at a time through the client's one rate-limit budget.
    pub fn apply(&self, plan: crate::Plan) -> crate::ApplyPlan<'c> {
        crate::ApplyPlan::new(*self, plan)
    }
}

/// Checks a configuration id before it goes into a URL path.
pub(crate) fn check_id(id: &str) -> Result<()> {
    if id.trim().is_empty() {
        return Err(Error::validation("id", "must not be empty"));
    }
    if id.len() > MAX_ID_LEN {
        return Err(Error::validation(
            "id",
            format!("is {} bytes; the limit is {MAX_ID_LEN}", id.len()),
        ));
    }
    // Ids are ASCII: test bytes then (ASCII whitespace other than ' ' is a
    // control character), and only other ids char by char.
    let bad = if id.is_ascii() {
        id.bytes().any(|b| b.is_ascii_control() || b == b' ')
    } else {
        id.chars().any(|c| c.is_control() || c.is_whitespace())
    };
    if bad {
        return Err(Error::validation(
            "id",
            "must not contain spaces or control characters",
        ));
    }
    Ok(())
}

/// The lower-case path form of a source type (`ENTRA_ID` → `entra_id`).
fn type_path(t: &IntegrationType) -> Result<String> {
    let text = t.as_str();
    if text.is_empty() || !text.chars().all(|c| c.is_ascii_alphanumeric() || c == '_') {
        return Err(Error::validation(
            "integration_type",
            "must be letters, digits and `_` (such as `ENTRA_ID`)",
        ));
    }
    Ok(text.to_ascii_lowercase())
}

/// A pending create; send with [`send`](Self::send) or `.await`.
#[derive(Debug)]
#[must_use = "a CreateSync does nothing until sent or awaited"]
pub struct CreateSync<'c> {
    handler: EntityContextSyncs<'c>,
    sync: NewSync,
    retry: Option<RetryPolicy>,
}

impl CreateSync<'_> {
    /// Sends the request (retrying per policy) and decodes the reply.
    pub async fn send(self) -> Result<Response<IntegrationConfig>> {
        let integration_type = self.sync.integration_type();
        let body = self
            .sync
            .into_request()
            .inspect_err(|e| tracing::debug!(error = %e, "refused before sending"))?;
        let mut call = self.handler.call(Operation::Create, self.retry.as_ref());
        body.data.attributes.secret_strs(&mut call.secrets);
        call.integration_type = Some(integration_type.as_str());
        let done = call
            .execute(|c| {
                let body = &body;
                async move { c.create_security_monitoring_integration_config(body).await }
            })
            .await?;
        config_response(done, Operation::Create)
    }
}
call_builder!(CreateSync => IntegrationConfig);

/// A `Response` with a config from a successful exchange.
fn config_response(
    done: crate::exec::Done<wire::SecurityMonitoringIntegrationConfigResponse>,
    operation: Operation,
) -> Result<Response<IntegrationConfig>> {
    done.into_response(operation)
}

/// A pending list.
#[derive(Debug)]
#[must_use = "a ListSyncs does nothing until sent or awaited"]
pub struct ListSyncs<'c> {
    handler: EntityContextSyncs<'c>,
    integration_type: Option<IntegrationType>,
    retry: Option<RetryPolicy>,
}

impl ListSyncs<'_> {
    /// Only configurations of this source type (`filter[integration_type]`).
    pub fn integration_type(mut self, integration_type: impl Into<IntegrationType>) -> Self {
        self.integration_type = Some(integration_type.into());
        self
    }

    /// Sends the request and decodes the reply.
    pub async fn send(self) -> Result<Response<Vec<IntegrationConfig>>> {
        let filter = self.integration_type;
        let mut call = self.handler.call(Operation::List, self.retry.as_ref());
        call.integration_type = filter.as_ref().map(IntegrationType::as_str);
        let done = call
            .execute(|c| {
                let filter = filter.as_ref();
                async move { c.list_security_monitoring_integration_configs(filter).await }
            })
            .await?;
        let list = done
            .body
            .map(|b: wire::SecurityMonitoringIntegrationConfigsResponse| {
                b.data.into_iter().map(IntegrationConfig::from).collect()
            })
            .unwrap_or_default();
        Ok(Response::new(
            list,
            done.status,
            done.rate_limit,
            done.attempts,
        ))
    }
}
call_builder!(ListSyncs => Vec<IntegrationConfig>);

/// A pending get.
#[derive(Debug)]
#[must_use = "a GetSync does nothing until sent or awaited"]
pub struct GetSync<'c> {
    handler: EntityContextSyncs<'c>,
    id: String,
    retry: Option<RetryPolicy>,
}

impl GetSync<'_> {
    /// Sends the request and decodes the reply.
    pub async fn send(self) -> Result<Response<IntegrationConfig>> {
        check_id(&self.id)?;
        let id = self.id.as_str();
        let done = self
            .handler
            .call(Operation::Get, self.retry.as_ref())
            .execute(|c| async move { c.get_security_monitoring_integration_config(id).await })
            .await?;
        config_response(done, Operation::Get)
    }
}
call_builder!(GetSync => IntegrationConfig);

/// A pending delete.
#[derive(Debug)]
#[must_use = "a DeleteSync does nothing until sent or awaited"]
pub struct DeleteSync<'c> {
    handler: EntityContextSyncs<'c>,
    id: String,
    retry: Option<RetryPolicy>,
}

impl DeleteSync<'_> {
    /// Sends the request.
    pub async fn send(self) -> Result<Response<Deleted>> {
        check_id(&self.id)?;
        let id = self.id.as_str();
        let done = self
            .handler
            .call(Operation::Delete, self.retry.as_ref())
            .execute(|c| async move { c.delete_security_monitoring_integration_config(id).await })
            .await?;
        let deleted = Deleted {
            id: self.id.clone(),
            deleted_by_earlier_attempt: done.body.is_none(),
        };
        Ok(Response::new(
            deleted,
            done.status,
            done.rate_limit,
            done.attempts,
        ))
    }
}
call_builder!(DeleteSync => Deleted);

/// The answer of a credential check: without a body, the policy made a 400
/// the answer "not valid".
fn credentials_check(done: crate::exec::Done<()>) -> Response<CredentialsCheck> {
    Response::new(
        CredentialsCheck {
            valid: done.body.is_some(),
            errors: done.errors,
        },
        done.status,
        done.rate_limit,
        done.attempts,
    )
}

/// A pending check of a configuration's stored credentials.
#[derive(Debug)]
#[must_use = "a ValidateSync does nothing until sent or awaited"]
pub struct ValidateSync<'c> {
    handler: EntityContextSyncs<'c>,
    id: String,
    retry: Option<RetryPolicy>,
}

impl ValidateSync<'_> {
    /// Sends the request; `valid: false` when Datadog answers 400.
    pub async fn send(self) -> Result<Response<CredentialsCheck>> {
        check_id(&self.id)?;
        let id = self.id.as_str();
        let done = self
            .handler
            .call(Operation::Validate, self.retry.as_ref())
            .execute(|c| async move { c.validate_security_monitoring_integration_config(id).await })
            .await?;
        Ok(credentials_check(done))
    }
}
call_builder!(ValidateSync => CredentialsCheck);

/// A pending check of credentials.
#[derive(Debug)]
#[must_use = "a ValidateCredentials does nothing until sent or awaited"]
pub struct ValidateCredentials<'c> {
    handler: EntityContextSyncs<'c>,
    domain: String,
    credentials: Credentials,
    retry: Option<RetryPolicy>,
}

impl ValidateCredentials<'_> {
    /// Sends the request; `valid: false` when Datadog answers 400.
    pub async fn send(self) -> Result<Response<CredentialsCheck>> {
        let integration_type = self.credentials.integration_type();
        crate::checks::check_domain(&self.domain)
            .and_then(|()| self.credentials.check())
            .map_err(|e| e.about(format!("{integration_type} credentials")))?;
        let parts = Parts {
            domain: Some(self.domain),
            ..Parts::default()
        };
        let attributes = validate_credentials_attributes(
            &integration_type,
            Some(self.credentials.creds),
            parts,
        )?;
        let body = wire::SecurityMonitoringIntegrationCredentialsValidateRequest {
            data: wire::SecurityMonitoringIntegrationCredentialsValidateData {
                attributes,
                type_: wire::SecurityMonitoringIntegrationConfigResourceType::IntegrationConfig,
            },
        };
        let mut call = self
            .handler
            .call(Operation::ValidateCredentials, self.retry.as_ref());
        body.data.attributes.secret_strs(&mut call.secrets);
        call.integration_type = Some(integration_type.as_str());
        let done = call
            .execute(|c| {
                let body = &body;
                async move {
                    c.validate_security_monitoring_integration_credentials(body)
                        .await
                }
            })
            .await?;
        Ok(credentials_check(done))
    }
}
call_builder!(ValidateCredentials => CredentialsCheck);

/// A pending activation.
#[derive(Debug)]
#[must_use = "an Activate does nothing until sent or awaited"]
pub struct Activate<'c> {
    handler: EntityContextSyncs<'c>,
    integration_type: IntegrationType,
    name: Option<String>,
    domain: Option<String>,
    settings: Option<serde_json::Map<String, serde_json::Value>>,
    retry: Option<RetryPolicy>,
}

impl Activate<'_> {
    /// The display name of the activated integration.
    pub fn name(mut self, name: impl Into<String>) -> Self {
        self.name = Some(name.into());
        self
    }

    /// Its domain.
    pub fn domain(mut self, domain: impl Into<String>) -> Self {
        self.domain = Some(domain.into());
        self
    }

    /// Its settings.
    pub fn settings(
        mut self,
        settings: impl IntoIterator<Item = (String, serde_json::Value)>,
    ) -> Self {
        self.settings = Some(settings.into_iter().collect());
        self
    }

    /// Sends the request and decodes the reply.
    pub async fn send(self) -> Result<Response<IntegrationConfig>> {
        let path = type_path(&self.integration_type)?;
        crate::checks::check_changes(
            self.name.as_deref(),
            self.domain.as_deref(),
            self.settings.as_ref(),
        )?;
        let body = (self.name.is_some() || self.domain.is_some() || self.settings.is_some()).then(|| {
            wire::SecurityMonitoringIntegrationActivateRequest {
                data: Some(wire::SecurityMonitoringIntegrationActivateData {
                    attributes: Some(wire::SecurityMonitoringIntegrationActivateAttributes {
                        domain: self.domain.clone(),
                        name: self.name.clone(),
                        settings: self.settings.clone().map(wire::SecurityMonitoringIntegrationConfigSettings),
                    }),
                    type_: Some(wire::SecurityMonitoringIntegrationActivateResourceType::ActivateEntraIdRequest),
                }),
            }
        });
        let no_body = wire::SecurityMonitoringIntegrationActivateRequest::default();
        let mut call = self.handler.call(Operation::Activate, self.retry.as_ref());
        call.integration_type = Some(self.integration_type.as_str());
        let path = path.as_str();
        let done = call
            .execute(|c| {
                // Nothing to set: the default (`{}`), as Datadog's optional body allows.
                let body = body.as_ref().unwrap_or(&no_body);
                async move { c.activate_integration(path, body).await }
            })
            .await?;
        config_response(done, Operation::Activate)
    }
}
call_builder!(Activate => IntegrationConfig);

/// A pending deactivation.
#[derive(Debug)]
#[must_use = "a Deactivate does nothing until sent or awaited"]
pub struct Deactivate<'c> {
    handler: EntityContextSyncs<'c>,
    integration_type: IntegrationType,
    retry: Option<RetryPolicy>,
}

impl Deactivate<'_> {
    /// Sends the request and decodes the reply. When an attempt whose reply
    /// was lost deactivated it and the retry found nothing active (404), the
    /// deactivated config is listed and returned.
    pub async fn send(self) -> Result<Response<IntegrationConfig>> {
        let path = type_path(&self.integration_type)?;
        let path = path.as_str();
        let mut call = self
            .handler
            .call(Operation::Deactivate, self.retry.as_ref());
        call.integration_type = Some(self.integration_type.as_str());
        let done = call
            .execute(|c| async move { c.deactivate_integration(path).await })
            .await?;
        if done.body.is_some() {
            return config_response(done, Operation::Deactivate);
        }
        let listed = self
            .handler
            .list()
            .integration_type(self.integration_type.clone())
            .inherit_retry(self.retry.as_ref())
            .send()
            .await?;
        let attempts = done.attempts + listed.attempts;
        let (status, rate_limit) = (listed.status, listed.rate_limit);
        match listed.value.into_iter().find(|c| !c.enabled) {
            Some(config) => Ok(Response::new(config, status, rate_limit, attempts)),
            None => Err(Error::Api {
                operation: Operation::Deactivate,
                attempts,
                waited: std::time::Duration::ZERO,
                status: 404,
                errors: vec![format!(
                    "no disabled {} integration after a deactivation whose reply was lost",
                    self.integration_type
                )],
                body_excerpt: None,
                rate_limit,
            }),
        }
    }
}
call_builder!(Deactivate => IntegrationConfig);

/// A pending read of the Entra ID app registrations.
#[derive(Debug)]
#[must_use = "an EntraIdAppRegistrations does nothing until sent or awaited"]
pub struct EntraIdAppRegistrations<'c> {
    handler: EntityContextSyncs<'c>,
    retry: Option<RetryPolicy>,
}

impl EntraIdAppRegistrations<'_> {
    /// Sends the request and decodes the reply.
    pub async fn send(self) -> Result<Response<AzureAppRegistrations>> {
        let done = self
            .handler
            .call(Operation::EntraIdAppRegistrations, self.retry.as_ref())
            .execute(|c| async move { c.get_entra_id_azure_app_registrations().await })
            .await?;
        done.into_response(Operation::EntraIdAppRegistrations)
    }
}
call_builder!(EntraIdAppRegistrations => AzureAppRegistrations);

#[cfg(test)]
mod tests {
    use super::check_id;

    #[test]
    fn ids_refuse_spaces_and_control_characters_ascii_or_not() {
        for ok in ["11111111-2222-3333-4444-555555555555", "abc_DEF.1~", "idé"] {
            assert!(check_id(ok).is_ok(), "{ok:?}");
        }
        for bad in [
            "",
            " ",
            "a b",
            "a\tb",
            "a\nb",
            "a\u{7f}",
            "a\u{1f}",
            "a\u{a0}b",
            "a\u{85}",
            "é\u{2003}",
            "é b",
        ] {
            assert!(check_id(bad).is_err(), "{bad:?}");
        }
    }
}
