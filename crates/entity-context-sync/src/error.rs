//! The one error type of this crate.

use std::time::Duration;

use crate::RateLimit;

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

    /// An argument was refused before any request was sent.
    #[error("invalid {field}: {reason}")]
    Validation {
        /// The field at fault (`name`, `domain`, `secrets`, `secrets.<key>`, …).
        field: String,
        /// Why it was refused.
        reason: String,
    },

    /// Datadog answered with an error status.
    #[error("{}", api_message(*.status, errors, body_excerpt.as_deref()))]
    Api {
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
    #[error("rate limited by Datadog (429) after {attempts} attempt(s){}{}", reset_hint(rate_limit.as_ref()), errors_hint(errors))]
    RateLimited {
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
    #[error("{}", timeout_message(*.after, *.may_have_been_sent))]
    Timeout {
        /// The configured timeout that fired.
        after: Duration,
        /// Whether the request may have reached Datadog (then a create may
        /// have happened: check before retrying).
        may_have_been_sent: bool,
    },

    /// The connection failed.
    #[error("{}", transport_message(message, *.may_have_been_sent))]
    Transport {
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
        "could not decode Datadog's {status} response: {reason}{}",
        excerpt_hint(body_excerpt)
    )]
    Decode {
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

    /// Whether the same create can safely be sent again later: the request
    /// never reached Datadog, or Datadog refused it for rate limiting. False
    /// when a config may already exist (timeouts after sending, resets, 5xx).
    pub fn is_retryable(&self) -> bool {
        match self {
            Error::RateLimited { .. } => true,
            Error::Api { status, .. } => *status == 429,
            Error::Timeout {
                may_have_been_sent, ..
            }
            | Error::Transport {
                may_have_been_sent, ..
            } => !may_have_been_sent,
            _ => false,
        }
    }

    /// Whether a create may have been applied even though this error came
    /// back. When true, list your configs before trying again.
    pub fn may_have_been_applied(&self) -> bool {
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

const NOT_RETRIED: &str = "the create may have been applied, so it was not retried; check your entity context sync configurations before trying again";

fn api_message(status: u16, errors: &[String], excerpt: Option<&str>) -> String {
    let reason = reqwest::StatusCode::from_u16(status)
        .ok()
        .and_then(|s| s.canonical_reason())
        .unwrap_or("");
    let mut msg = format!("Datadog API error {status} {reason}")
        .trim_end()
        .to_string();
    if !errors.is_empty() {
        msg.push_str(": ");
        msg.push_str(&errors.join("; "));
    } else if let Some(excerpt) = excerpt.filter(|e| !e.is_empty()) {
        msg.push_str(&format!(" (body: {excerpt:?})"));
    }
    if status >= 500 {
        msg.push_str(&format!(" ({NOT_RETRIED})"));
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

fn timeout_message(after: Duration, sent: bool) -> String {
    if sent {
        format!("no response from Datadog within {after:?}; {NOT_RETRIED}")
    } else {
        format!("could not connect to Datadog within {after:?} (nothing was sent)")
    }
}

fn transport_message(message: &str, sent: bool) -> String {
    if sent {
        format!("connection to Datadog failed: {message}; {NOT_RETRIED}")
    } else {
        format!("could not connect to Datadog (nothing was sent): {message}")
    }
}
