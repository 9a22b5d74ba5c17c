//! The `ClientHooks` impl: adds the per-client headers (credentials), and records
//! each response's status and rate-limit figures, which progenitor drops when
//! a body fails to decode.

use std::sync::{Arc, Mutex, PoisonError};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::{Client, RateLimit};

/// Status and rate-limit figures of a response a [`Client`] received.
///
/// The figures are read in the hook rather than the header map copied: a
/// copy costs more than the read, on every call.
#[derive(Debug, Clone)]
#[non_exhaustive]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: StatusCode,
    /// The `X-RateLimit-*` headers, when the response had any.
    pub rate_limit: Option<RateLimit>,
}

/// The generated client's inner value: headers added to every request (mark
/// credential values sensitive) and a slot the `post` hook fills with the
/// response's status and rate-limit figures.
///
/// Clones share the slot: give each concurrent call its own context
/// ([`RequestContext::fresh`]) when you read [`RequestContext::take_response`].
#[derive(Debug, Clone, Default)]
pub struct RequestContext {
    headers: Arc<HeaderMap>,
    response: Arc<Mutex<Option<ResponseMeta>>>,
}

impl RequestContext {
    /// A context that adds no headers.
    pub fn new() -> Self {
        Self::default()
    }

    /// A context that adds `headers` to every request.
    pub fn with_headers(headers: HeaderMap) -> Self {
        Self {
            headers: Arc::new(headers),
            response: Arc::default(),
        }
    }

    /// The same headers with a new, empty response slot.
    pub fn fresh(&self) -> Self {
        Self {
            headers: self.headers.clone(),
            response: Arc::default(),
        }
    }

    /// Takes the recorded response status and rate limit, leaving the slot empty.
    pub fn take_response(&self) -> Option<ResponseMeta> {
        self.response
            .lock()
            .unwrap_or_else(PoisonError::into_inner)
            .take()
    }

    fn record(&self, meta: ResponseMeta) {
        *self.response.lock().unwrap_or_else(PoisonError::into_inner) = Some(meta);
    }
}

impl ClientHooks<RequestContext> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        // (progenitor's `api-version` header is not generated at all:
        // xtask/src/codegen/send.rs.)
        let headers = request.headers_mut();
        for (name, value) in self.inner().headers.iter() {
            headers.insert(name.clone(), value.clone());
        }
        Ok(())
    }

    async fn post<E>(
        &self,
        result: &reqwest::Result<reqwest::Response>,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        if let Ok(response) = result {
            self.inner().record(ResponseMeta {
                status: response.status(),
                rate_limit: RateLimit::from_headers(response.headers()),
            });
        }
        Ok(())
    }
}
