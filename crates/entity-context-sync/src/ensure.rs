//! [`EnsureSync`]: declare a sync and converge to it, without duplicates.

use std::future::{Future, IntoFuture};
use std::pin::Pin;

use serde::Serialize;

use crate::plan::diff;
use crate::syncs::{EntityContextSyncs, InheritRetry, call_builder};
use crate::{Error, IntegrationConfig, NewSync, Response, Result, RetryPolicy};

/// What [`ensure`](crate::EntityContextSyncs::ensure) did.
#[derive(Debug, Clone, Copy, PartialEq, Eq, Serialize)]
#[non_exhaustive]
pub enum EnsureOutcome {
    /// No config of that source type had the name: one was created.
    Created,
    /// One had it and differed: only the differing fields were sent.
    Updated,
    /// One had it and matched: nothing was sent but the list.
    Unchanged,
}

/// The config after [`ensure`](crate::EntityContextSyncs::ensure), and what it did.
#[derive(Debug, Clone, PartialEq, Serialize)]
#[non_exhaustive]
pub struct Ensured {
    /// Created, Updated or Unchanged.
    pub outcome: EnsureOutcome,
    /// The config as Datadog now has it.
    pub config: IntegrationConfig,
    /// The fields an update sent (`domain`, `enabled`, `settings`,
    /// `secrets`); `enabled` for a create disabled after; empty otherwise.
    pub changed: Vec<&'static str>,
}

/// A pending `ensure`: send with [`send`](Self::send) or `.await`.
///
/// A config is identified by its source type and name; `enabled` converges
/// when the sync says it ([`NewSync::enabled`]). Secrets are write-only
/// and cannot be compared: they are sent on create, and on update only with
/// [`rotate_secrets`](Self::rotate_secrets). Settings match when every
/// setting given has the same value on the server (extra server-side
/// settings are left alone).
///
/// ```no_run
/// # async fn run(client: entity_context_sync::Client) -> entity_context_sync::Result<()> {
/// use entity_context_sync::{EnsureOutcome, NewSync};
/// let ensured = client
///     .entity_context_syncs()
///     .ensure(NewSync::okta("Okta prod", "acme.okta.com", "00token"))
///     .await?;
/// if ensured.outcome == EnsureOutcome::Created {
///     println!("created {}", ensured.config.id);
/// }
/// # Ok(()) }
/// ```
#[derive(Debug)]
#[must_use = "an EnsureSync does nothing until sent or awaited"]
pub struct EnsureSync<'c> {
    handler: EntityContextSyncs<'c>,
    sync: NewSync,
    rotate: bool,
    retry: Option<RetryPolicy>,
}

impl<'c> EnsureSync<'c> {
    pub(crate) fn new(handler: EntityContextSyncs<'c>, sync: NewSync) -> Self {
        Self {
            handler,
            sync,
            rotate: false,
            retry: None,
        }
    }

    /// Also send the secrets when the config exists (rotation). Off by default.
    pub fn rotate_secrets(mut self, rotate: bool) -> Self {
        self.rotate = rotate;
        self
    }

    /// Lists, then creates, updates or does nothing.
    pub async fn send(self) -> Result<Response<Ensured>> {
        self.sync.validate()?;
        let mut attempts = 0;
        let (existing, listed) = self.find(&mut attempts).await?;
        let Some(existing) = existing else {
            return self.create(attempts).await;
        };
        let (fields, pending) = diff(&existing, &self.sync, self.rotate);
        let changed: Vec<&'static str> = fields.iter().map(|f| f.field).collect();
        if changed.is_empty() {
            let config = existing;
            return Ok(Response::new(
                Ensured {
                    outcome: EnsureOutcome::Unchanged,
                    config,
                    changed,
                },
                listed.status,
                listed.rate_limit,
                attempts,
            ));
        }
        let updated = pending
            .into_update(
                self.handler
                    .update(existing.id.clone(), self.sync.integration_type()),
            )
            .inherit_retry(self.retry.as_ref())
            .send()
            .await?;
        Ok(updated.map_attempts(attempts).map(|config| Ensured {
            outcome: EnsureOutcome::Updated,
            config,
            changed,
        }))
    }

    /// The config of this source type with this name, if any; two is an error.
    async fn find(&self, attempts: &mut u32) -> Result<(Option<IntegrationConfig>, Response<()>)> {
        let listed = self
            .handler
            .list()
            .integration_type(self.sync.integration_type())
            .inherit_retry(self.retry.as_ref())
            .send()
            .await?;
        *attempts += listed.attempts;
        let name = self.sync.name();
        let meta = Response::new(
            (),
            listed.status,
            listed.rate_limit.clone(),
            listed.attempts,
        );
        let mut matches = listed.value.into_iter().filter(|c| {
            c.name.as_deref() == Some(name) && c.integration_type == self.sync.integration_type()
        });
        let first = matches.next();
        if let Some(second) = matches.next() {
            let mut ids = vec![first.map(|c| c.id).unwrap_or_default(), second.id];
            ids.extend(matches.map(|c| c.id));
            return Err(Error::Ambiguous {
                integration_type: self.sync.integration_type().to_string(),
                name: name.to_string(),
                ids,
            });
        }
        Ok((first, meta))
    }

    /// Creates, then disables if the sync says `enabled(false)` (Datadog
    /// creates syncs enabled).
    pub(crate) async fn create(&self, attempts: u32) -> Result<Response<Ensured>> {
        let created = self.create_once(attempts).await?;
        if self.sync.enabled_wanted() != Some(false) || !created.value.config.enabled {
            return Ok(created);
        }
        let attempts = created.attempts;
        let updated = self
            .handler
            .update(
                created.value.config.id.clone(),
                self.sync.integration_type(),
            )
            .enabled(false)
            .inherit_retry(self.retry.as_ref())
            .send()
            .await?;
        Ok(updated.map_attempts(attempts).map(|config| Ensured {
            outcome: EnsureOutcome::Created,
            config,
            changed: vec!["enabled"],
        }))
    }

    /// Creates; a create that may have been applied is resolved by listing.
    async fn create_once(&self, mut attempts: u32) -> Result<Response<Ensured>> {
        let created = |r: Response<IntegrationConfig>, attempts: u32| {
            r.map_attempts(attempts).map(|config| Ensured {
                outcome: EnsureOutcome::Created,
                config,
                changed: Vec::new(),
            })
        };
        let create = self
            .handler
            .create(self.sync.clone())
            .inherit_retry(self.retry.as_ref());
        let error = match create.send().await {
            Ok(r) => return Ok(created(r, attempts)),
            Err(e) if e.may_have_been_applied() => e,
            Err(e) => return Err(e),
        };
        tracing::info!(error = %error, "create may have been applied; listing to find out");
        attempts += error.attempts();
        match self.find(&mut attempts).await? {
            (Some(config), meta) => Ok(Response::new(
                Ensured {
                    outcome: EnsureOutcome::Created,
                    config,
                    changed: Vec::new(),
                },
                meta.status,
                meta.rate_limit,
                attempts,
            )),
            // Listed and absent: it was not applied, so one more create is safe.
            (None, _) => {
                let create = self
                    .handler
                    .create(self.sync.clone())
                    .inherit_retry(self.retry.as_ref());
                Ok(created(create.send().await?, attempts))
            }
        }
    }
}
call_builder!(EnsureSync => Ensured);
