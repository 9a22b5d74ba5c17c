//! The entity context sync handler: `client.entity_context_syncs().create(..)`.

use std::future::{Future, IntoFuture};
use std::pin::Pin;
use std::time::Duration;

use entity_context_sync_client::types as wire;
use progenitor_client::Error as GenError;
use tracing::Instrument;

use crate::response::{Outcome, Recorded, classify};
use crate::scrub::Scrubber;
use crate::{Client, IntegrationConfig, NewSync, Response, Result, RetryPolicy};

/// Operations on entity context sync configurations.
#[derive(Debug, Clone, Copy)]
pub struct EntityContextSyncs<'c> {
    client: &'c Client,
}

impl<'c> EntityContextSyncs<'c> {
    pub(crate) fn new(client: &'c Client) -> Self {
        Self { client }
    }

    /// Creates a configuration. Await it directly, or call
    /// [`send`](CreateSync::send) after adjusting the request.
    ///
    /// The arguments are validated before anything is sent. A 429 is
    /// retried per the client's [`RetryPolicy`]; anything that may have
    /// reached Datadog (timeout, reset, 5xx) is not, since a create is not
    /// idempotent.
    pub fn create(&self, sync: NewSync) -> CreateSync<'c> {
        CreateSync {
            client: self.client,
            sync,
            retry: None,
        }
    }
}

/// A pending create; send with [`send`](Self::send) or `.await`.
#[derive(Debug)]
#[must_use = "a CreateSync does nothing until sent or awaited"]
pub struct CreateSync<'c> {
    client: &'c Client,
    sync: NewSync,
    retry: Option<RetryPolicy>,
}

impl<'c> CreateSync<'c> {
    /// Overrides the client's retry policy for this call.
    pub fn retry_policy(mut self, policy: RetryPolicy) -> Self {
        self.retry = Some(policy);
        self
    }

    /// Sends the request (retrying per policy) and decodes the reply.
    pub async fn send(self) -> Result<Response<IntegrationConfig>> {
        let span = tracing::info_span!(
            "entity_context_sync.create",
            site = %self.client.inner.site,
            integration_type = %self.sync.integration_type(),
            attempt = tracing::field::Empty,
            status = tracing::field::Empty,
            rate_limit_remaining = tracing::field::Empty,
        );
        self.run(span.clone()).instrument(span).await
    }

    async fn run(self, span: tracing::Span) -> Result<Response<IntegrationConfig>> {
        let inner = &self.client.inner;
        let body = self
            .sync
            .into_request()
            .inspect_err(|e| tracing::debug!(error = %e, "refused before sending"))?;
        let policy = self.retry.as_ref().unwrap_or(&inner.retry);
        let scrub = Scrubber::new(&inner.keys, crate::new_sync::secret_strs(&body).into_iter());
        let mut attempts = 0u32;
        let mut waited = Duration::ZERO;
        loop {
            attempts += 1;
            span.record("attempt", attempts);
            let context = inner.context.fresh();
            let generated = entity_context_sync_client::Client::new_with_client(
                &inner.base_url,
                inner.http.clone(),
                context.clone(),
            );
            let result: std::result::Result<_, GenError<wire::ApiErrorResponse>> = generated
                .create_security_monitoring_integration_config()
                .body(body.clone())
                .send()
                .await;
            // Read the recorded status and rate limit once, for the span and the outcome.
            let meta = Recorded::new(context.take_response().as_ref());
            if meta.responded() {
                span.record("status", meta.status);
            }
            if let Some(remaining) = meta.remaining() {
                span.record("rate_limit_remaining", remaining);
            }
            let retry =
                match classify(result, meta, &scrub, inner.timeout, inner.connect_timeout).await {
                    Outcome::Done(value, status, rate_limit) => {
                        tracing::debug!(status, attempts, "created");
                        return Ok(Response {
                            value: value.into(),
                            status,
                            rate_limit,
                            attempts,
                        });
                    }
                    Outcome::Fail(error) => {
                        tracing::debug!(error = %error, attempts, "failed");
                        return Err(error);
                    }
                    Outcome::Retry(retry) => retry,
                };
            let reset = retry.rate_limit.as_ref().and_then(|r| r.reset_after());
            let wait = policy.wait(attempts, reset);
            if attempts > policy.max_retries || waited.saturating_add(wait) > policy.total_budget {
                let error = retry.into_final(attempts, waited);
                tracing::debug!(error = %error, attempts, "giving up");
                return Err(error);
            }
            tracing::info!(
                wait_ms = wait.as_millis() as u64,
                attempt = attempts,
                reason = retry.reason(),
                "retrying"
            );
            inner.sleep.sleep(wait).await;
            waited = waited.saturating_add(wait);
        }
    }
}

impl<'c> IntoFuture for CreateSync<'c> {
    type Output = Result<Response<IntegrationConfig>>;
    type IntoFuture = Pin<Box<dyn Future<Output = Self::Output> + Send + 'c>>;

    fn into_future(self) -> Self::IntoFuture {
        Box::pin(self.send())
    }
}
