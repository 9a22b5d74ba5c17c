//! Turning one attempt's result into a value, a final error, or a retry.

use std::any::Any;
use std::time::Duration;

use entity_context_sync_client::ResponseMeta;
use entity_context_sync_client::types as wire;
use progenitor_client::{Error as GenError, ResponseValue};
use reqwest::header::HeaderMap;
use serde::de::DeserializeOwned;

use crate::policy::RetryClass;
use crate::scrub::Scrubber;
use crate::{Error, Operation, RateLimit};

/// Most bytes of an unexpected body read into memory.
pub(crate) const MAX_ERROR_BODY: usize = 64 * 1024;
/// Most characters of a body quoted in an error.
pub(crate) const EXCERPT_CHARS: usize = 256;
/// Most messages kept from Datadog's `errors` list (each capped like an excerpt).
pub(crate) const MAX_ERRORS: usize = 10;

/// What the generated client returns for an operation whose success body is `W`.
pub(crate) type GenResult<W> =
    std::result::Result<ResponseValue<W>, GenError<wire::ApiErrorResponse>>;

/// A success body with its type erased, so that [`classify`] and the retry
/// loop are compiled once rather than once per operation.
pub(crate) type Erased = Box<dyn Any + Send>;

/// Decodes an operation's success body from bytes (for a success status the
/// generated code does not expect, such as a 201 for a 200).
pub(crate) type Decode = fn(&[u8]) -> serde_json::Result<Erased>;

/// The [`Decode`] of an operation whose success body is `W`.
pub(crate) fn decode<W: DeserializeOwned + Send + 'static>(
    bytes: &[u8],
) -> serde_json::Result<Erased> {
    serde_json::from_slice::<W>(bytes).map(|w| Box::new(w) as Erased)
}

/// What [`classify`] needs besides the result.
pub(crate) struct Ctx<'s, 'a> {
    pub(crate) operation: Operation,
    pub(crate) decode: Decode,
    pub(crate) scrub: &'s Scrubber<'a>,
    pub(crate) timeout: Duration,
    pub(crate) connect_timeout: Duration,
}

/// What one attempt came to.
pub(crate) enum Outcome {
    /// Success: the body, the status, the rate limit.
    Done(Erased, u16, Option<RateLimit>),
    /// A final error.
    Fail(Error),
    /// Safe to try again: rate limited, nothing was sent, or a transient
    /// fault of an idempotent operation.
    Retry(Retry),
}

/// What [`classify`] can tell without reading a body.
pub(crate) enum Classified {
    /// The attempt's outcome.
    Outcome(Outcome),
    /// A status the spec does not list: the body is still to be read
    /// ([`Unread::read`]) to know the outcome.
    Unread(Unread),
}

/// A reply with a status the operation does not list, body unread.
pub(crate) struct Unread {
    response: reqwest::Response,
    status: u16,
    rate_limit: Option<RateLimit>,
}

impl Unread {
    /// Reads (at most [`MAX_ERROR_BODY`] bytes of) the body and classifies the
    /// reply: a success decoded with the operation's [`Decode`], or an error.
    pub(crate) async fn read(self, ctx: &Ctx<'_, '_>) -> Outcome {
        let Self {
            response,
            status,
            rate_limit,
        } = self;
        let (bytes, cut) = read_capped(response).await;
        let (op, scrub) = (ctx.operation, ctx.scrub);
        if (200..300).contains(&status) {
            // A success whose body was cut short: the reply is lost, as with
            // a reset (an error status keeps the part that arrived).
            if let Some(err) = cut {
                return transport(err, true, ctx);
            }
            // A bodiless success (`()`) decodes from `null`.
            let body: &[u8] = if bytes.is_empty() { b"null" } else { &bytes };
            return match (ctx.decode)(body) {
                Ok(value) => Outcome::Done(value, status, rate_limit),
                Err(err) => Outcome::Fail(Error::Decode {
                    operation: op,
                    status,
                    reason: scrub.clean(&err.to_string()),
                    body_excerpt: excerpt(&bytes, scrub),
                    rate_limit,
                }),
            };
        }
        match serde_json::from_slice::<wire::ApiErrorResponse>(&bytes) {
            Ok(body) => api_error(
                op,
                status,
                clean_errors(&body.errors, scrub),
                None,
                rate_limit,
            ),
            Err(_) => api_error(
                op,
                status,
                Vec::new(),
                non_empty(excerpt(&bytes, scrub)),
                rate_limit,
            ),
        }
    }
}

/// Why an attempt may be retried, and the error to return if it is not.
pub(crate) struct Retry {
    pub(crate) rate_limit: Option<RateLimit>,
    kind: RetryKind,
}

enum RetryKind {
    RateLimited {
        operation: Operation,
        errors: Vec<String>,
    },
    NotSent(Error),
    /// A 5xx, timeout or reset of an idempotent operation: it may have been
    /// applied, and applying it again changes nothing.
    Transient(Error),
}

impl Retry {
    pub(crate) fn reason(&self) -> &'static str {
        match self.kind {
            RetryKind::RateLimited { .. } => "rate limited (429)",
            RetryKind::NotSent(_) => "connection failed before sending",
            RetryKind::Transient(_) => "transient failure of an idempotent operation",
        }
    }

    /// How long to wait before the retry per the server: `X-RateLimit-Reset`,
    /// but only for a 429. Every reply carries the rate-limit headers, and on
    /// a 5xx or a reset their reset (the end of the current window, up to a
    /// minute away) says nothing about when to try again: that is backoff.
    pub(crate) fn reset_after(&self) -> Option<Duration> {
        match self.kind {
            RetryKind::RateLimited { .. } => self.rate_limit.as_ref()?.reset_after(),
            RetryKind::NotSent(_) | RetryKind::Transient(_) => None,
        }
    }

    /// Whether the failed attempt may have been applied.
    pub(crate) fn ambiguous(&self) -> bool {
        matches!(self.kind, RetryKind::Transient(_))
    }

    /// The error to return when the policy says stop.
    pub(crate) fn into_final(self, attempts: u32, waited: Duration) -> Error {
        match self.kind {
            RetryKind::RateLimited { operation, errors } => Error::RateLimited {
                operation,
                attempts,
                waited,
                errors,
                rate_limit: self.rate_limit,
            },
            RetryKind::NotSent(error) | RetryKind::Transient(error) => {
                error.with_attempts(attempts, waited)
            }
        }
    }
}

/// What the `post` hook recorded about an attempt's response, read once.
pub(crate) struct Recorded {
    /// The response's status; 0 when no response was recorded.
    pub(crate) status: u16,
    /// `Some` when a response was recorded: its rate-limit figures, if any.
    pub(crate) rate_limit: Option<Option<RateLimit>>,
}

impl Recorded {
    pub(crate) fn new(meta: Option<ResponseMeta>) -> Self {
        match meta {
            Some(meta) => Self {
                status: meta.status.as_u16(),
                rate_limit: Some(meta.rate_limit),
            },
            None => Self {
                status: 0,
                rate_limit: None,
            },
        }
    }

    /// Whether a response was recorded.
    pub(crate) fn responded(&self) -> bool {
        self.rate_limit.is_some()
    }

    /// The recorded response's rate-limit figures, if any.
    pub(crate) fn figures(&self) -> Option<&RateLimit> {
        self.rate_limit.as_ref()?.as_ref()
    }

    /// `X-RateLimit-Remaining` of the recorded response.
    pub(crate) fn remaining(&self) -> Option<u64> {
        self.rate_limit.as_ref()?.as_ref()?.remaining
    }

    /// The rate limit of the response whose headers are `headers`. The hook
    /// read that same response's, so they are parsed again only when nothing
    /// was recorded.
    fn rate_limit_of(self, headers: &HeaderMap) -> Option<RateLimit> {
        match self.rate_limit {
            Some(rate_limit) => rate_limit,
            None => RateLimit::from_headers(headers),
        }
    }
}

/// What one attempt's result comes to. Synchronous, so the retry loop's
/// state holds no body read but in the rare [`Classified::Unread`] case.
pub(crate) fn classify(
    result: GenResult<Erased>,
    recorded: Recorded,
    ctx: &Ctx<'_, '_>,
) -> Classified {
    let status = recorded.status;
    let scrub = ctx.scrub;
    let op = ctx.operation;
    Classified::Outcome(match result {
        Ok(value) => {
            let status = value.status().as_u16();
            let rate_limit = recorded.rate_limit_of(value.headers());
            Outcome::Done(value.into_inner(), status, rate_limit)
        }
        Err(GenError::ErrorResponse(value)) => {
            let status = value.status().as_u16();
            let rate_limit = recorded.rate_limit_of(value.headers());
            let errors = clean_errors(&value.into_inner().errors, scrub);
            api_error(op, status, errors, None, rate_limit)
        }
        Err(GenError::InvalidResponsePayload(bytes, err)) => {
            let rate_limit = recorded.rate_limit.flatten();
            let excerpt = excerpt(&bytes, scrub);
            if (200..300).contains(&status) {
                Outcome::Fail(Error::Decode {
                    operation: op,
                    status,
                    reason: scrub.clean(&err.to_string()),
                    body_excerpt: excerpt,
                    rate_limit,
                })
            } else {
                api_error(op, status, Vec::new(), non_empty(excerpt), rate_limit)
            }
        }
        Err(GenError::UnexpectedResponse(response)) => {
            let status = response.status().as_u16();
            let rate_limit = recorded.rate_limit_of(response.headers());
            return Classified::Unread(Unread {
                response,
                status,
                rate_limit,
            });
        }
        Err(GenError::CommunicationError(err)) => transport(err, false, ctx),
        Err(GenError::ResponseBodyError(err)) => transport(err, true, ctx),
        Err(GenError::InvalidUpgrade(err)) => transport(err, true, ctx),
        Err(GenError::InvalidRequest(reason)) => {
            Outcome::Fail(Error::validation("request", scrub.clean(&reason)))
        }
        Err(GenError::Custom(message)) => Outcome::Fail(Error::Transport {
            operation: op,
            attempts: 1,
            waited: Duration::ZERO,
            message: scrub.clean(&message),
            may_have_been_sent: true,
            source: None,
        }),
    })
}

fn api_error(
    operation: Operation,
    status: u16,
    errors: Vec<String>,
    body_excerpt: Option<String>,
    rate_limit: Option<RateLimit>,
) -> Outcome {
    if status == 429 {
        return Outcome::Retry(Retry {
            rate_limit,
            kind: RetryKind::RateLimited { operation, errors },
        });
    }
    let error = Error::Api {
        operation,
        attempts: 1,
        waited: Duration::ZERO,
        status,
        errors,
        body_excerpt,
        rate_limit: rate_limit.clone(),
    };
    if status >= 500 && operation.retry_class() == RetryClass::Safe {
        return Outcome::Retry(Retry {
            rate_limit,
            kind: RetryKind::Transient(error),
        });
    }
    Outcome::Fail(error)
}

fn transport(err: reqwest::Error, got_response: bool, ctx: &Ctx<'_, '_>) -> Outcome {
    let not_sent = !got_response && err.is_connect();
    let operation = ctx.operation;
    let error = if err.is_timeout() {
        Error::Timeout {
            operation,
            attempts: 1,
            waited: Duration::ZERO,
            after: if not_sent {
                ctx.connect_timeout
            } else {
                ctx.timeout
            },
            may_have_been_sent: !not_sent,
        }
    } else {
        Error::Transport {
            operation,
            attempts: 1,
            waited: Duration::ZERO,
            message: ctx.scrub.clean(&chain(&err)),
            may_have_been_sent: !not_sent,
            source: Some(Box::new(err)),
        }
    };
    let kind = if not_sent {
        RetryKind::NotSent(error)
    } else if operation.retry_class() == RetryClass::Safe {
        RetryKind::Transient(error)
    } else {
        return Outcome::Fail(error);
    };
    Outcome::Retry(Retry {
        rate_limit: None,
        kind,
    })
}

/// The error and its sources, joined: `error sending request: connection refused`.
fn chain(err: &(dyn std::error::Error + 'static)) -> String {
    let mut parts = vec![err.to_string()];
    let mut source = err.source();
    while let Some(s) = source {
        let text = s.to_string();
        if !parts.iter().any(|p| p.contains(&text)) {
            parts.push(text);
        }
        source = s.source();
    }
    parts.join(": ")
}

/// The body (at most [`MAX_ERROR_BODY`] bytes), and the error that cut it
/// short, if any.
async fn read_capped(mut response: reqwest::Response) -> (Vec<u8>, Option<reqwest::Error>) {
    let mut body = Vec::new();
    loop {
        match response.chunk().await {
            Ok(Some(chunk)) => {
                let room = MAX_ERROR_BODY - body.len();
                body.extend_from_slice(&chunk[..chunk.len().min(room)]);
                if body.len() >= MAX_ERROR_BODY {
                    return (body, None);
                }
            }
            Ok(None) => return (body, None),
            Err(e) => return (body, Some(e)),
        }
    }
}

/// Datadog's `errors`, secrets masked, at most [`MAX_ERRORS`] of them and
/// [`EXCERPT_CHARS`] characters each: a misbehaving server cannot make an
/// error message megabytes long.
fn clean_errors(errors: &[String], scrub: &Scrubber<'_>) -> Vec<String> {
    let mut out: Vec<String> = errors
        .iter()
        .take(MAX_ERRORS)
        .map(|e| {
            let text = scrub.clean(e);
            let mut short: String = text.chars().take(EXCERPT_CHARS).collect();
            if short.len() < text.len() {
                short.push('…');
            }
            short
        })
        .collect();
    if errors.len() > MAX_ERRORS {
        out.push(format!("… and {} more", errors.len() - MAX_ERRORS));
    }
    out
}

/// The first characters of a body, lossy UTF-8, secrets masked.
pub(crate) fn excerpt(bytes: &[u8], scrub: &Scrubber<'_>) -> String {
    let head = &bytes[..bytes.len().min(MAX_ERROR_BODY)];
    let text = scrub.clean(&String::from_utf8_lossy(head));
    let mut out: String = text.chars().take(EXCERPT_CHARS).collect();
    if text.chars().count() > EXCERPT_CHARS || bytes.len() > head.len() {
        out.push('…');
    }
    out
}

/// An excerpt of an empty body is no excerpt.
fn non_empty(excerpt: String) -> Option<String> {
    (!excerpt.is_empty()).then_some(excerpt)
}
