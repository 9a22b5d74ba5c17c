//! The one request executor: every operation is a thin declaration over
//! [`execute`], which owns retries, rate limits, scrubbing, tracing and
//! errors. Each operation's retry class comes from [`Operation`].

use std::future::Future;
use std::time::Duration;

use tracing::Instrument;

use crate::response::{Ctx, GenResult, Outcome, Recorded, classify};
use crate::scrub::Scrubber;
use crate::{Client, Error, Operation, RateLimit, Response, Result, RetryPolicy};

/// A successful exchange, before the operation shapes its value.
pub(crate) struct Done<W> {
    /// The decoded body; `None` only when a 404 followed an ambiguous
    /// attempt of an operation that accepts it as done (delete).
    pub(crate) body: Option<W>,
    pub(crate) status: u16,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) attempts: u32,
}

impl<W> Done<W> {
    /// The value as a [`Response`]. Only an operation that accepts a
    /// bodiless 404 (delete) gets no body, and it does not call this.
    pub(crate) fn into_response<T: From<W>>(self, operation: Operation) -> Result<Response<T>> {
        match self.body {
            Some(body) => Ok(Response::new(
                T::from(body),
                self.status,
                self.rate_limit,
                self.attempts,
            )),
            None => Err(Error::Decode {
                operation,
                status: self.status,
                reason: "no body".to_string(),
                body_excerpt: String::new(),
                rate_limit: self.rate_limit,
            }),
        }
    }
}

/// One call: which operation, under which policy, masking which secrets.
pub(crate) struct Call<'c, 'a> {
    pub(crate) client: &'c Client,
    pub(crate) operation: Operation,
    pub(crate) retry: Option<&'c RetryPolicy>,
    pub(crate) secrets: Vec<&'a str>,
    /// The source type, for the span (when the call has one).
    pub(crate) integration_type: Option<&'a str>,
    /// A 404 after an attempt that may have been applied means done (delete).
    pub(crate) gone_is_done: bool,
}

impl Call<'_, '_> {
    /// Sends with `send` (given a generated client for this attempt) until
    /// it succeeds, fails for good, or the retry policy says stop.
    pub(crate) async fn execute<W, F, Fut>(self, send: F) -> Result<Done<W>>
    where
        W: serde::de::DeserializeOwned,
        F: FnMut(entity_context_sync_client::Client) -> Fut,
        Fut: Future<Output = GenResult<W>>,
    {
        let span = span(
            self.operation,
            &self.client.inner.site,
            self.integration_type.unwrap_or(""),
        );
        self.run(send, span.clone()).instrument(span).await
    }

    async fn run<W, F, Fut>(self, mut send: F, span: tracing::Span) -> Result<Done<W>>
    where
        W: serde::de::DeserializeOwned,
        F: FnMut(entity_context_sync_client::Client) -> Fut,
        Fut: Future<Output = GenResult<W>>,
    {
        let inner = &self.client.inner;
        let policy = self.retry.unwrap_or(&inner.retry);
        let scrub = Scrubber::new(&inner.keys, self.secrets.into_iter());
        let ctx = Ctx {
            operation: self.operation,
            scrub: &scrub,
            timeout: inner.timeout,
            connect_timeout: inner.connect_timeout,
        };
        let mut attempts = 0u32;
        let mut waited = Duration::ZERO;
        let mut ambiguous = false;
        loop {
            attempts += 1;
            span.record("attempt", attempts);
            let context = inner.context.fresh();
            let generated = entity_context_sync_client::Client::new_with_client(
                &inner.base_url,
                inner.http.clone(),
                context.clone(),
            );
            let result = send(generated).await;
            // Read the recorded status and rate limit once, for the span and the outcome.
            let meta = Recorded::new(context.take_response());
            if meta.responded() {
                span.record("status", meta.status);
            }
            if let Some(remaining) = meta.remaining() {
                span.record("rate_limit_remaining", remaining);
            }
            let retry = match classify(result, meta, &ctx).await {
                Outcome::Done(body, status, rate_limit) => {
                    tracing::debug!(status, attempts, "done");
                    return Ok(Done {
                        body: Some(body),
                        status,
                        rate_limit,
                        attempts,
                    });
                }
                Outcome::Fail(Error::Api {
                    status: 404,
                    rate_limit,
                    ..
                }) if ambiguous && self.gone_is_done => {
                    tracing::info!(
                        attempts,
                        "404 after an attempt that may have been applied: treated as done"
                    );
                    return Ok(Done {
                        body: None,
                        status: 404,
                        rate_limit,
                        attempts,
                    });
                }
                Outcome::Fail(error) => {
                    let error = error.with_attempts(attempts, waited);
                    tracing::debug!(error = %error, attempts, "failed");
                    return Err(error);
                }
                Outcome::Retry(retry) => retry,
            };
            ambiguous |= retry.ambiguous();
            let reset = retry.reset_after();
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

/// The call's span: `entity_context_sync.<operation>`.
fn span(operation: Operation, site: &str, integration_type: &str) -> tracing::Span {
    macro_rules! spans {
        ($($op:ident => $name:literal),* $(,)?) => {
            match operation {
                $(Operation::$op => tracing::info_span!(
                    $name,
                    site = %site,
                    integration_type = %integration_type,
                    attempt = tracing::field::Empty,
                    status = tracing::field::Empty,
                    rate_limit_remaining = tracing::field::Empty,
                ),)*
            }
        };
    }
    spans! {
        Create => "entity_context_sync.create",
        List => "entity_context_sync.list",
        Get => "entity_context_sync.get",
        Update => "entity_context_sync.update",
        Delete => "entity_context_sync.delete",
        Validate => "entity_context_sync.validate",
        ValidateCredentials => "entity_context_sync.validate_credentials",
        Activate => "entity_context_sync.activate",
        Deactivate => "entity_context_sync.deactivate",
        EntraIdAppRegistrations => "entity_context_sync.entra_id_app_registrations",
    }
}
