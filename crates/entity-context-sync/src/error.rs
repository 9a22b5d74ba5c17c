//! The one error type of this crate.

use std::fmt;
use std::time::Duration;

use crate::{Operation, RateLimit};

/// `Result` with this crate's [`Error`].
pub type Result<T, E = Error> = std::result::Result<T, E>;

/// Everything that can go wrong. Messages never contain API keys,
/// application keys or `secrets` values.
#[derive(Debug)]
#[non_exhaustive]
pub enum Error {
    /// The client is misconfigured (missing key, unknown site, bad URL…).
    Config {
        /// What is wrong and how to fix it.
        message: String,
    },

    /// `ensure` found more than one config of the source type with the
    /// name: it will not guess which one is meant.
    Ambiguous {
        /// The source type.
        integration_type: String,
        /// The name.
        name: String,
        /// Every matching config's id.
        ids: Vec<String>,
    },

    /// An argument was refused before any request was sent.
    Validation {
        /// The field at fault (`name`, `domain`, `secrets`, `secrets.<key>`, …).
        field: String,
        /// Why it was refused.
        reason: String,
    },

    /// A declared sync of a [`DesiredState`](crate::DesiredState) was
    /// refused before any request was sent.
    Desired {
        /// Its position in the declaration (0-based).
        sync: usize,
        /// The field at fault (`name`, `type`, `secrets.api_token`, …).
        field: String,
        /// Why it was refused.
        reason: String,
    },

    /// Datadog answered with an error status.
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
        source: Option<Box<dyn std::error::Error + Send + Sync>>,
    },

    /// A response arrived but its body could not be decoded.
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

impl fmt::Display for Error {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            Error::Config { message } => write!(f, "configuration error: {message}"),
            Error::Ambiguous {
                integration_type,
                name,
                ids,
            } => write!(
                f,
                "{} configs of type {integration_type} are named {name:?} (ids: {}); delete or rename all but one, then ensure again",
                ids.len(),
                ids.join(", ")
            ),
            Error::Validation { field, reason } => write!(f, "invalid {field}: {reason}"),
            Error::Desired {
                sync,
                field,
                reason,
            } => write!(f, "sync #{} `{field}`: {reason}", sync + 1),
            Error::Api {
                operation,
                attempts,
                waited,
                status,
                errors,
                body_excerpt,
                ..
            } => f.write_str(&api_message(
                *operation,
                *status,
                errors,
                body_excerpt.as_deref(),
                *attempts,
                *waited,
            )),
            Error::RateLimited {
                operation,
                attempts,
                waited,
                errors,
                rate_limit,
            } => write!(
                f,
                "{operation}: rate limited by Datadog (429) after {attempts} attempt(s) over {waited:?}{}{}",
                reset_hint(rate_limit.as_ref()),
                errors_hint(errors)
            ),
            Error::Timeout {
                operation,
                attempts,
                waited,
                after,
                may_have_been_sent,
            } => f.write_str(&timeout_message(
                *operation,
                *after,
                *may_have_been_sent,
                *attempts,
                *waited,
            )),
            Error::Transport {
                operation,
                attempts,
                waited,
                message,
                may_have_been_sent,
                ..
            } => f.write_str(&transport_message(
                *operation,
                message,
                *may_have_been_sent,
                *attempts,
                *waited,
            )),
            Error::Decode {
                operation,
                status,
                reason,
                body_excerpt,
                ..
            } => write!(
                f,
                "{operation}: could not decode Datadog's {status} response: {reason}{}",
                excerpt_hint(body_excerpt)
            ),
        }
    }
}

impl std::error::Error for Error {
    fn source(&self) -> Option<&(dyn std::error::Error + 'static)> {
        match self {
            Error::Transport { source, .. } => source.as_deref().map(|s| s as _),
            _ => None,
        }
    }
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

    /// An error of the `sync`th declared sync at `field`.
    pub(crate) fn desired(
        sync: usize,
        field: impl Into<String>,
        reason: impl Into<String>,
    ) -> Self {
        Error::Desired {
            sync,
            field: field.into(),
            reason: reason.into(),
        }
    }

    /// A validation error of the `sync`th declared sync, as [`Error::Desired`].
    pub(crate) fn desired_from(sync: usize, e: Error) -> Self {
        match e {
            Error::Validation { field, reason } => Error::desired(sync, field, reason),
            other => other,
        }
    }

    /// A validation error saying what it is about (`OKTA sync "Okta prod"`);
    /// other errors unchanged.
    pub(crate) fn about(self, what: impl fmt::Display) -> Self {
        match self {
            Error::Validation { field, reason } => Error::Validation {
                field,
                reason: format!("{reason} ({what})"),
            },
            other => other,
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
    if status == 403 {
        msg.push_str(&format!(
            "; {operation} needs the {} permission: check that the application key's user or service account has it, that DD_API_KEY and DD_APP_KEY belong to the same organization, and that DD_SITE is that organization's site",
            operation.permission()
        ));
    }
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

#[cfg(test)]
mod tests {
    use std::error::Error as _;
    use std::time::Duration;

    use super::*;

    const CREATE_HINT: &str = "the create may have been applied, so it was not retried; call list() to check before creating again, or use ensure(), which resolves this by listing";

    fn reset_in(seconds: Option<u64>) -> RateLimit {
        let mut rate_limit = RateLimit::default();
        rate_limit.reset = seconds;
        rate_limit
    }

    fn api(
        operation: Operation,
        status: u16,
        errors: &[&str],
        body_excerpt: Option<&str>,
        attempts: u32,
        waited: Duration,
    ) -> Error {
        Error::Api {
            operation,
            attempts,
            waited,
            status,
            errors: errors.iter().map(|e| e.to_string()).collect(),
            body_excerpt: body_excerpt.map(str::to_string),
            rate_limit: None,
        }
    }

    fn transport(operation: Operation, sent: bool, attempts: u32, waited: Duration) -> Error {
        Error::Transport {
            operation,
            attempts,
            waited,
            message: "connection reset".to_string(),
            may_have_been_sent: sent,
            source: None,
        }
    }

    /// Every variant and every branch of its message, pinned byte for byte.
    #[test]
    fn display_of_every_variant() {
        let ms = Duration::from_millis;
        let cases: Vec<(Error, String)> = vec![
            (
                Error::config("no API key: set DD_API_KEY"),
                "configuration error: no API key: set DD_API_KEY".into(),
            ),
            (
                Error::Ambiguous {
                    integration_type: "okta".into(),
                    name: "corp \"main\"".into(),
                    ids: vec!["a1".into(), "b2".into()],
                },
                r#"2 configs of type okta are named "corp \"main\"" (ids: a1, b2); delete or rename all but one, then ensure again"#.into(),
            ),
            (
                Error::validation("secrets.api_token", "must not be empty"),
                "invalid secrets.api_token: must not be empty".into(),
            ),
            (
                api(Operation::Create, 400, &["Bad Request", "domain is invalid"], Some("x"), 1, ms(0)),
                "create: Datadog API error 400 Bad Request: Bad Request; domain is invalid".into(),
            ),
            (
                api(Operation::List, 503, &[], Some("<html>"), 3, ms(1500)),
                r#"list: Datadog API error 503 Service Unavailable (body: "<html>") (after 3 attempts over 1.5s); list is idempotent: it is safe to call again"#.into(),
            ),
            (
                api(Operation::Create, 500, &[], Some(""), 1, ms(0)),
                format!("create: Datadog API error 500 Internal Server Error; {CREATE_HINT}"),
            ),
            (
                api(Operation::Get, 599, &[], None, 1, ms(0)),
                "get: Datadog API error 599; get is idempotent: it is safe to call again".into(),
            ),
            (
                Error::RateLimited {
                    operation: Operation::Create,
                    attempts: 4,
                    waited: ms(3000),
                    errors: vec!["Too many requests".into()],
                    rate_limit: Some(reset_in(Some(7))),
                },
                "create: rate limited by Datadog (429) after 4 attempt(s) over 3s; the limit resets in 7s: Too many requests".into(),
            ),
            (
                Error::RateLimited {
                    operation: Operation::List,
                    attempts: 1,
                    waited: ms(0),
                    errors: vec![],
                    rate_limit: Some(reset_in(None)),
                },
                "list: rate limited by Datadog (429) after 1 attempt(s) over 0ns".into(),
            ),
            (
                Error::Timeout {
                    operation: Operation::Create,
                    attempts: 1,
                    waited: ms(0),
                    after: ms(30_000),
                    may_have_been_sent: true,
                },
                format!("create: no response from Datadog within 30s; {CREATE_HINT}"),
            ),
            (
                Error::Timeout {
                    operation: Operation::List,
                    attempts: 2,
                    waited: ms(250),
                    after: ms(10_000),
                    may_have_been_sent: false,
                },
                "list: could not connect to Datadog within 10s (after 2 attempts over 250ms) (nothing was sent)".into(),
            ),
            (
                transport(Operation::Delete, true, 1, ms(0)),
                "delete: connection to Datadog failed: connection reset; delete is idempotent: it is safe to call again".into(),
            ),
            (
                transport(Operation::Create, true, 1, ms(0)),
                format!("create: connection to Datadog failed: connection reset; {CREATE_HINT}"),
            ),
            (
                transport(Operation::Create, false, 3, ms(2000)),
                "create: could not connect to Datadog (after 3 attempts over 2s) (nothing was sent): connection reset".into(),
            ),
            (
                Error::Decode {
                    operation: Operation::Get,
                    status: 200,
                    reason: "missing field `id`".into(),
                    body_excerpt: "{\"data\":".into(),
                    rate_limit: None,
                },
                r#"get: could not decode Datadog's 200 response: missing field `id` (body starts with "{\"data\":")"#.into(),
            ),
            (
                Error::Decode {
                    operation: Operation::Create,
                    status: 502,
                    reason: "EOF while parsing a value".into(),
                    body_excerpt: String::new(),
                    rate_limit: None,
                },
                "create: could not decode Datadog's 502 response: EOF while parsing a value (empty body)".into(),
            ),
        ];
        for (error, expected) in cases {
            assert_eq!(error.to_string(), expected, "{error:?}");
            // Width and fill are not applied, as before.
            assert_eq!(format!("{error:>500}"), expected, "{error:?}");
        }
    }

    /// Only `Transport` has a source: the underlying error, when there is one.
    #[test]
    fn source_is_the_transport_error() {
        let underlying = std::io::Error::new(std::io::ErrorKind::ConnectionReset, "reset by peer");
        let mut error = transport(Operation::Get, true, 1, Duration::ZERO);
        if let Error::Transport { source, .. } = &mut error {
            *source = Some(Box::new(underlying));
        }
        let source = error.source().expect("Transport keeps its source");
        assert_eq!(source.to_string(), "reset by peer");
        assert!(source.downcast_ref::<std::io::Error>().is_some());

        let no_source = [
            transport(Operation::Get, true, 1, Duration::ZERO),
            Error::config("x"),
            Error::validation("name", "empty"),
            api(Operation::Get, 500, &[], None, 1, Duration::ZERO),
        ];
        for error in no_source {
            assert!(error.source().is_none(), "{error:?}");
        }
    }
}
