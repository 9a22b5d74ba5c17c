//! Decoding a response body into a [`ResponseValue`], for the generated
//! request code (`cargo xtask generate` calls this instead of progenitor's
//! `ResponseValue::from_response`, see `xtask/src/codegen/send.rs`).

use progenitor_client::{Error, ResponseValue};
use serde::de::DeserializeOwned;

/// As `ResponseValue::from_response`: the status, the headers and the body
/// decoded as JSON, with the same errors. The headers are moved out of the
/// response rather than copied; reading the body does not need them.
pub(crate) async fn response_value<T: DeserializeOwned, E>(
    mut response: reqwest::Response,
) -> Result<ResponseValue<T>, Error<E>> {
    let status = response.status();
    let headers = std::mem::take(response.headers_mut());
    let full = response.bytes().await.map_err(Error::ResponseBodyError)?;
    let inner =
        serde_json::from_slice(&full).map_err(|e| Error::InvalidResponsePayload(full, e))?;
    Ok(ResponseValue::new(inner, status, headers))
}
