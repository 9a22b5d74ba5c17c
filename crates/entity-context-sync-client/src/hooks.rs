//! The `ClientHooks` impl: strips progenitor's `api-version` header (Datadog
//! does not define it) and records each response's status and headers, which
//! progenitor drops when a body fails to decode.

use std::sync::{Arc, Mutex, PoisonError};

use progenitor_client::{ClientHooks, ClientInfo, Error, OperationInfo};
use reqwest::StatusCode;
use reqwest::header::HeaderMap;

use crate::Client;

/// Status and headers of the last response a [`Client`] received.
#[derive(Debug, Clone)]
pub struct ResponseMeta {
    /// HTTP status.
    pub status: StatusCode,
    /// Response headers (rate-limit figures among them).
    pub headers: HeaderMap,
}

/// The generated client's inner value: a slot the `post` hook fills with the
/// response's status and headers. Give each call its own capture (cloning a
/// capture shares the slot).
#[derive(Debug, Clone, Default)]
pub struct ResponseCapture(Arc<Mutex<Option<ResponseMeta>>>);

impl ResponseCapture {
    /// A fresh, empty capture.
    pub fn new() -> Self {
        Self::default()
    }

    /// Takes the recorded response metadata, leaving the slot empty.
    pub fn take(&self) -> Option<ResponseMeta> {
        self.0.lock().unwrap_or_else(PoisonError::into_inner).take()
    }

    fn record(&self, meta: ResponseMeta) {
        *self.0.lock().unwrap_or_else(PoisonError::into_inner) = Some(meta);
    }
}

/// The header progenitor adds to every request; Datadog does not define it.
const API_VERSION_HEADER: &str = "api-version";

impl ClientHooks<ResponseCapture> for Client {
    async fn pre<E>(
        &self,
        request: &mut reqwest::Request,
        _info: &OperationInfo,
    ) -> Result<(), Error<E>> {
        request.headers_mut().remove(API_VERSION_HEADER);
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
                headers: response.headers().clone(),
            });
        }
        Ok(())
    }
}
