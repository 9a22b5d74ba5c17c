//! The one error type of this crate.

use std::time::Duration;

use crate::{Operation, RateLimit};

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong. Messages never contain API keys,
/// application keys or `secrets` values.
#[derive(Debug, thiserror::Error)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (missing key, unknown site, bad URL…).
    #[error("configuration error: {message}")]
    Config {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// `ensure` found more than one config of the source type with the
    /// name: it will not guess which one is meant.
    #[error("{} configs of type {integration_type} are named {name:?} (ids: {}); delete or rename all but one, then ensure again", ids.len(), ids.join(", "))]
    Ambiguous {
        /// The source type.
        integration_type: String,
        /// The name.
        name: String,
        /// Every matching config's id.
        ids: Vec<String>,
    },

    /// An argument was refused before any request was sent.
    #[error("invalid {field}: {reason}")]
    Validation {
        /// The field at fault (`name`, `domain`, `secrets`, `secrets.<key>`, …).
        field: String,
        /// Why it was refused.
        reason: String,
    },

    /// Datadog answered with an error status.
    #[error("{}", api_message(*.operation, *.status, errors, body_excerpt.as_deref(), *.attempts, *.waited))]
    Api {
        /// The operation that failed.
        operation: Operation,
        /// Requests made, retries included.
        attempts: u32,
        /// Total time spent waiting between attempts.
        waited: Duration,
        /// HTTP status code.
        status: u16,
        /// Datadog's `errors` list (empty when the body was not Datadog's JSON).
        errors: Vec<String>,
        /// A short excerpt of a body that was not Datadog's JSON.
        body_excerpt: Option<String>,
        /// The response's rate-limit figures.
        rate_limit: Option<RateLimit>,
    },

    /// Still rate limited (429) after the retry policy gave up.
    #[error("{operation}: rate limited by Datadog (429) after {attempts} attempt(s) over {waited:?}{}{}", reset_hint(rate_limit.as_ref()), errors_hint(errors))]
    RateLimited {
        /// The operation that failed.
        operation: Operation,
        /// Requests made, the first one included.
        attempts: u32,
        /// Total time spent waiting between attempts.
        waited: Duration,
        /// Datadog's `errors` list from the last 429.
        errors: Vec<String>,
        /// The last response's rate-limit figures (`reset` says when to try again).
        rate_limit: Option<RateLimit>,
    },

    /// No response within the configured timeout.
    #[error("{}", timeout_message(*.operation, *.after, *.may_have_been_sent, *.attempts, *.waited))]
    Timeout {
        /// The operation that failed.
        operation: Operation,
        /// Requests made, retries included.
        attempts: u32,
        /// Total time spent waiting between attempts.
        waited: Duration,
        /// The configured timeout that fired.
        after: Duration,
        /// Whether the request may have reached Datadog (then a create may
        /// have happened: check before retrying).
        may_have_been_sent: bool,
    },

    /// The connection failed.
    #[error("{}", transport_message(*.operation, message, *.may_have_been_sent, *.attempts, *.waited))]
    Transport {
        /// The operation that failed.
        operation: Operation,
        /// Requests made, retries included.
        attempts: u32,
        /// Total time spent waiting between attempts.
        waited: Duration,
        /// What failed (no secrets).
        message: String,
        /// Whether the request may have reached Datadog.
        may_have_been_sent: bool,
        /// The underlying error.
        #[source]
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A response arrived but its body could not be decoded.
    #[error(
        "{operation}: could not decode Datadog's {status} response: {reason}{}",
        excerpt_hint(body_excerpt)
    )]
    Decode {
        /// The operation that failed.
        operation: Operation,
        /// HTTP status code.
        status: u16,
        /// Why decoding failed.
        reason: String,
        /// The first bytes of the body (never more than a few hundred).
        body_excerpt: String,
        /// The response's rate-limit figures.
        rate_limit: Option<RateLimit>,
    },
}

impl Error {
    pub(crate) fn config(message: impl Into<String>) -> Self {
        Error::Config {
            message: message.into(),
        }
    }

    pub(crate) fn validation(field: impl Into<String>, reason: impl Into<String>) -> Self {
        Error::Validation {
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// The HTTP status, for errors that came with a response.
    pub fn status(&self) -> Option<u16> {
        match self {
            Error::Api { status, .. } | Error::Decode { status, .. } => Some(*status),
            Error::RateLimited { .. } => Some(429),
            _ => None,
        }
    }

    /// The rate-limit figures of the response, when there was one.
    pub fn rate_limit(&self) -> Option<&RateLimit> {
        match self {
            Error::Api { rate_limit, .. }
            | Error::RateLimited { rate_limit, .. }
            | Error::Decode { rate_limit, .. } => rate_limit.as_ref(),
            _ => None,
        }
    }

    /// The same error with the number of attempts and the time waited.
    pub(crate) fn with_attempts(mut self, n: u32, total: Duration) -> Self {
        if let Error::Api {
            attempts, waited, ..
        }
        | Error::Timeout {
            attempts, waited, ..
        }
        | Error::Transport {
            attempts, waited, ..
        } = &mut self
        {
            *attempts = n;
            *waited = total;
        }
        self
    }

    /// Requests made for the call that failed (1 when it was not retried;
    /// 0 when it was refused before sending).
    pub fn attempts(&self) -> u32 {
        match self {
            Error::Api { attempts, .. }
            | Error::RateLimited { attempts, .. }
            | Error::Timeout { attempts, .. }
            | Error::Transport { attempts, .. } => *attempts,
            Error::Decode { .. } => 1,
            _ => 0,
        }
    }

    /// The operation the error came from (`None` for configuration and
    /// validation errors, raised before any request).
    pub fn operation(&self) -> Option<Operation> {
        match self {
            Error::Api { operation, .. }
            | Error::RateLimited { operation, .. }
            | Error::Timeout { operation, .. }
            | Error::Transport { operation, .. }
            | Error::Decode { operation, .. } => Some(*operation),
            _ => None,
        }
    }

    /// Whether the same call can safely be made again later: it never
    /// reached Datadog, Datadog refused it for rate limiting, or the
    /// operation is idempotent and failed on a transient fault (5xx,
    /// timeout, reset). False for a create that may have been applied.
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } => true,
            Error::Api {
                status, operation, ..
            } => *status == 429 || (*status >= 500 && operation.is_idempotent()),
            Error::Timeout {
                may_have_been_sent,
                operation,
                ..
            }
            | Error::Transport {
                may_have_been_sent,
                operation,
                ..
            } => !may_have_been_sent || operation.is_idempotent(),
            _ => false,
        }
    }

    /// Whether a change may have been applied even though this error came
    /// back. Always false for read-only operations. For a create, when
    /// true, call `list()` (or use `ensure()`) before trying again.
    pub fn may_have_been_applied(&self) -> bool {
        if !self.operation().is_some_and(Operation::is_mutating) {
            return false;
        }
        match self {
            Error::Timeout {
                may_have_been_sent, ..
            }
            | Error::Transport {
                may_have_been_sent, ..
            } => *may_have_been_sent,
            Error::Api { status, .. } => *status >= 500,
            Error::Decode { status, .. } => (200..300).contains(status) || *status >= 500,
            _ => false,
        }
    }
}

/// What to do after an ambiguous failure of `operation`.
fn ambiguity_hint(operation: Operation) -> String {
    if operation.is_idempotent() {
        format!("{operation} is idempotent: it is safe to call again")
    } else {
        "the create may have been applied, so it was not retried; call list() to check before creating again, or use ensure(), which resolves this by listing".to_string()
    }
}

/// ` (after 3 attempts over 1.5s)` when there were retries.
fn attempts_hint(attempts: u32, waited: Duration) -> String {
    if attempts > 1 {
        format!(" (after {attempts} attempts over {waited:?})")
    } else {
        String::new()
    }
}

fn api_message(
    operation: Operation,
    status: u16,
    errors: &[String],
    excerpt: Option<&str>,
    attempts: u32,
    waited: Duration,
) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut msg = format!("{operation}: Datadog API error {status} {reason}")
        .trim_end()
        .to_string();
    if !errors.is_empty() {
        msg.push_str(": ");
        msg.push_str(&errors.join("; "));
    } else if let Some(excerpt) = excerpt.filter(|e| !e.is_empty()) {
        msg.push_str(&format!(" (body: {excerpt:?})"));
    }
    msg.push_str(&attempts_hint(attempts, waited));
    if status >= 500 {
        msg.push_str(&format!("; {}", ambiguity_hint(operation)));
    }
    msg
}

fn reset_hint(rate_limit: Option<&RateLimit>) -> String {
    match rate_limit.and_then(|r| r.reset) {
        Some(reset) => format!("; the limit resets in {reset}s"),
        None => String::new(),
    }
}

fn errors_hint(errors: &[String]) -> String {
    if errors.is_empty() {
        String::new()
    } else {
        format!(": {}", errors.join("; "))
    }
}

fn excerpt_hint(excerpt: &str) -> String {
    if excerpt.is_empty() {
        " (empty body)".to_string()
    } else {
        format!(" (body starts with {excerpt:?})")
    }
}

fn timeout_message(
    operation: Operation,
    after: Duration,
    sent: bool,
    attempts: u32,
    waited: Duration,
) -> String {
    let tries = attempts_hint(attempts, waited);
    if sent {
        format!(
            "{operation}: no response from Datadog within {after:?}{tries}; {}",
            ambiguity_hint(operation)
        )
    } else {
        format!(
            "{operation}: could not connect to Datadog within {after:?}{tries} (nothing was sent)"
        )
    }
}

fn transport_message(
    operation: Operation,
    message: &str,
    sent: bool,
    attempts: u32,
    waited: Duration,
) -> String {
    let tries = attempts_hint(attempts, waited);
    if sent {
        format!(
            "{operation}: connection to Datadog failed{tries}: {message}; {}",
            ambiguity_hint(operation)
        )
    } else {
        format!("{operation}: could not connect to Datadog{tries} (nothing was sent): {message}")
    }
}
