//! The one request executor: every operation is a thin declaration over
//! [`Call::execute`], which owns retries, rate limits, scrubbing, tracing and
//! errors. What differs per operation (its retry class, whether a 404 after
//! an ambiguous attempt is success, whether a 400 is an answer) is the
//! operation's row in `policy.rs`; its span comes from the spec.

use std::future::Future;
use std::ops::ControlFlow;
use std::pin::Pin;
use std::task::{Context, Poll};
use std::time::Duration;

use tracing::Instrument;

use crate::gate::Admission;
use crate::policy::Policy;
use crate::response::{
    Classified, Ctx, Decode, Erased, GenResult, Outcome, Recorded, classify, decode,
};
use crate::scrub::Scrubber;
use crate::{Client, Error, Operation, RateLimit, Response, Result, RetryPolicy};

/// A successful exchange, before the operation shapes its value.
pub(crate) struct Done<W> {
    /// The decoded body; `None` when the policy made a 404 after an
    /// ambiguous attempt (delete) or a 400 (credential checks) an answer.
    pub(crate) body: Option<W>,
    pub(crate) status: u16,
    pub(crate) rate_limit: Option<RateLimit>,
    pub(crate) attempts: u32,
    /// Datadog's `errors` of a 400 that is an answer.
    pub(crate) errors: Vec<String>,
}

impl<W> Done<W> {
    /// The value as a [`Response`]. Only the operations whose policy makes
    /// a 404 or a 400 an answer get no body, and they do not call this.
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
}

/// One attempt's request, sent: the generated client's future with the
/// success body boxed ([`Erased`]). Boxed, so the retry loop's state stays
/// small and the loop is compiled once for every operation.
type Attempt<'f> = Pin<Box<dyn Future<Output = GenResult<Erased>> + Send + 'f>>;

pin_project_lite::pin_project! {
    /// An operation's request future with its success body boxed as
    /// [`Erased`]. A struct rather than an `async` block, which would move
    /// the (large) request future once more on its first poll.
    struct Erase<Fut> {
        #[pin]
        sent: Fut,
    }
}

impl<W, Fut> Future for Erase<Fut>
where
    W: Send + 'static,
    Fut: Future<Output = GenResult<W>>,
{
    type Output = GenResult<Erased>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        self.project()
            .sent
            .poll(cx)
            .map(|result| result.and_then(|value| value.map(|body| Box::new(body) as Erased)))
    }
}

impl Call<'_, '_> {
    /// Sends with `send` (given a generated client for this attempt) until
    /// it succeeds, fails for good, or the retry policy says stop.
    ///
    /// The only per-operation code is this shim: it boxes `send`'s future
    /// and unboxes the body; everything else is [`Call::attempts`].
    pub(crate) async fn execute<W, F, Fut>(self, mut send: F) -> Result<Done<W>>
    where
        W: serde::de::DeserializeOwned + Send + 'static,
        F: FnMut(entity_context_sync_client::Client) -> Fut + Send,
        Fut: Future<Output = GenResult<W>> + Send,
    {
        let operation = self.operation;
        let mut attempt = |client| -> Attempt<'_> { Box::pin(Erase { sent: send(client) }) };
        let done = self.attempts(&mut attempt, decode::<W>).await?;
        let body = match done.body.map(|body| body.downcast::<W>()) {
            None => None,
            Some(Ok(body)) => Some(*body),
            // Unreachable: the body was boxed from a `W` above.
            Some(Err(_)) => {
                return Err(Error::Decode {
                    operation,
                    status: done.status,
                    reason: "reply body of an unexpected type".to_string(),
                    body_excerpt: String::new(),
                    rate_limit: done.rate_limit,
                });
            }
        };
        Ok(Done {
            body,
            status: done.status,
            rate_limit: done.rate_limit,
            attempts: done.attempts,
            errors: done.errors,
        })
    }

    /// The retry loop. Each await (the request, a body read, the sleep) runs
    /// in the call's span, and so does each event between them.
    async fn attempts<'f>(
        self,
        send: &mut (dyn FnMut(entity_context_sync_client::Client) -> Attempt<'f> + Send),
        decode: Decode,
    ) -> Result<Done<Erased>> {
        let span = self
            .operation
            .span(&self.client.inner.site, self.integration_type.unwrap_or(""));
        let inner = &self.client.inner;
        let policy = self.retry.unwrap_or(&inner.retry);
        let scrub = Scrubber::new(&inner.keys, self.secrets.into_iter());
        let ctx = Ctx {
            operation: self.operation,
            decode,
            scrub: &scrub,
            timeout: inner.timeout,
            connect_timeout: inner.connect_timeout,
        };
        let mut tally = Tally::default();
        // Whether this call may go alone to find out when the budget looks
        // spent: its last wait was cut short by the policy, or the clock did
        // not move by it (a test's clock), so that every wait ends in a try.
        let mut waited = false;
        loop {
            let permit = loop {
                match inner.gate.admit(inner.sleep.now(), waited) {
                    Admission::Go(permit) => break permit,
                    Admission::AwaitProbe => inner.gate.probe_done().instrument(span.clone()).await,
                    Admission::Wait(until_reset, figures) => {
                        let wait = until_reset.min(policy.max_reset_wait);
                        if tally.waited.saturating_add(wait) > policy.total_budget {
                            let _in_span = span.enter();
                            let error = budget_spent(self.operation, &tally, figures);
                            tracing::debug!(error = %error, "giving up");
                            return Err(error);
                        }
                        {
                            let _in_span = span.enter();
                            tracing::info!(
                                wait_ms = wait.as_millis() as u64,
                                reset = figures.reset,
                                "the rate limit's budget is spent: waiting for it to reset"
                            );
                        }
                        let moved = pause(&*inner.sleep, wait, &mut tally, &span).await;
                        waited = wait < until_reset || !moved;
                    }
                }
            };
            tally.attempts += 1;
            span.record("attempt", tally.attempts);
            // A block, so that nothing of one attempt lives across the sleep:
            // the loop's state (in every call's future) stays small.
            let (wait, capped) = {
                let context = inner.context.fresh();
                let generated = entity_context_sync_client::Client::new_with_client(
                    &inner.base_url,
                    inner.http.clone(),
                    context.clone(),
                );
                let result = send(generated).instrument(span.clone()).await;
                // Read the recorded status and rate limit once, for the span and the outcome.
                let meta = Recorded::new(context.take_response());
                permit.observe(inner.sleep.now(), meta.status, meta.figures());
                if meta.responded() {
                    span.record("status", meta.status);
                }
                if let Some(remaining) = meta.remaining() {
                    span.record("rate_limit_remaining", remaining);
                }
                // The rare unlisted status reads its body in a boxed future.
                let outcome = match classify(result, meta, &ctx) {
                    Classified::Outcome(outcome) => Ok(outcome),
                    Classified::Unread(unread) => Err(Box::pin(unread.read(&ctx))),
                };
                let outcome = match outcome {
                    Ok(outcome) => outcome,
                    Err(reading) => reading.instrument(span.clone()).await,
                };
                let _in_span = span.enter();
                match tally.settle(outcome, policy, self.operation.policy()) {
                    ControlFlow::Break(done) => return done,
                    ControlFlow::Continue(next) => next,
                }
            };
            let moved = pause(&*inner.sleep, wait, &mut tally, &span).await;
            waited = capped || !moved;
        }
    }
}

/// The error of a call whose wait for the shared rate limit to reset would
/// pass the retry policy's wait budget.
fn budget_spent(operation: Operation, tally: &Tally, figures: RateLimit) -> Error {
    Error::RateLimited {
        operation,
        attempts: tally.attempts,
        waited: tally.waited,
        errors: vec![
            "the client's rate-limit budget is spent, and waiting for its reset would pass the retry policy's wait budget".to_string(),
        ],
        rate_limit: Some(figures),
    }
}

/// Where a call's attempts stand.
#[derive(Default)]
struct Tally {
    attempts: u32,
    waited: Duration,
    /// Whether an earlier attempt may have been applied.
    ambiguous: bool,
}

impl Tally {
    /// The call's result, or how long to wait before the next attempt.
    fn settle(
        &mut self,
        outcome: Outcome,
        policy: &RetryPolicy,
        operation: Policy,
    ) -> ControlFlow<Result<Done<Erased>>, (Duration, bool)> {
        let attempts = self.attempts;
        let retry = match outcome {
            Outcome::Done(body, status, rate_limit) => {
                tracing::debug!(status, attempts, "done");
                return ControlFlow::Break(Ok(Done {
                    body: Some(body),
                    status,
                    rate_limit,
                    attempts,
                    errors: Vec::new(),
                }));
            }
            Outcome::Fail(Error::Api {
                status: 404,
                rate_limit,
                ..
            }) if self.ambiguous && operation.gone_is_done => {
                tracing::info!(
                    attempts,
                    "404 after an attempt that may have been applied: treated as done"
                );
                return ControlFlow::Break(Ok(Done {
                    body: None,
                    status: 404,
                    rate_limit,
                    attempts,
                    errors: Vec::new(),
                }));
            }
            Outcome::Fail(Error::Api {
                status: 400,
                rate_limit,
                errors,
                ..
            }) if operation.bad_request_is_answer => {
                tracing::debug!(attempts, "400: the answer is no");
                return ControlFlow::Break(Ok(Done {
                    body: None,
                    status: 400,
                    rate_limit,
                    attempts,
                    errors,
                }));
            }
            Outcome::Fail(error) => {
                let error = error.with_attempts(attempts, self.waited);
                tracing::debug!(error = %error, attempts, "failed");
                return ControlFlow::Break(Err(error));
            }
            Outcome::Retry(retry) => retry,
        };
        self.ambiguous |= retry.ambiguous();
        let reset = retry.reset_after();
        let wait = policy.wait(attempts, reset);
        if attempts > policy.max_retries || self.waited.saturating_add(wait) > policy.total_budget {
            let error = retry.into_final(attempts, self.waited);
            tracing::debug!(error = %error, attempts, "giving up");
            return ControlFlow::Break(Err(error));
        }
        tracing::info!(
            wait_ms = wait.as_millis() as u64,
            attempt = attempts,
            reason = retry.reason(),
            "retrying"
        );
        // Capped: shorter than the server said to wait.
        ControlFlow::Continue((wait, reset.is_some_and(|r| r > wait)))
    }
}

/// Sleeps `wait` and counts it; whether the sleeper's clock moved on by it
/// (a test's clock may not).
async fn pause(
    sleep: &dyn crate::Sleep,
    wait: Duration,
    tally: &mut Tally,
    span: &tracing::Span,
) -> bool {
    let before = sleep.now();
    sleep.sleep(wait).instrument(span.clone()).await;
    tally.waited = tally.waited.saturating_add(wait);
    sleep.now().saturating_duration_since(before) >= wait
}
