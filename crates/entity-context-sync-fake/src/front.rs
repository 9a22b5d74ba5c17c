//! The layer every request passes first: it numbers and records the request,
//! injects a scheduled fault, checks the keys (403) and the rate limit (429),
//! and puts the `X-RateLimit-*` headers on the reply.

use std::sync::Arc;
use std::time::Instant;

use axum::body::{Body, Bytes, to_bytes};
use axum::extract::{Request, State};
use axum::http::StatusCode;
use axum::http::request::Parts;
use axum::middleware::Next;
use axum::response::Response;

use crate::faults::{Fault, MALFORMED_BODY};
use crate::record::RecordedRequest;
use crate::reply;
use crate::shared::Shared;

/// Largest request body read (the same as axum's default limit).
const MAX_BODY: usize = 2 * 1024 * 1024;

/// A response extension: close the connection abruptly instead of replying.
#[derive(Debug, Clone, Copy)]
pub(crate) struct KillConnection;

/// A reply that makes the connection task reset the connection.
fn kill() -> Response {
    let mut response = reply::empty(StatusCode::INTERNAL_SERVER_ERROR);
    response.extensions_mut().insert(KillConnection);
    response
}

/// The middleware (see the module docs).
pub(crate) async fn front(
    State(shared): State<Arc<Shared>>,
    request: Request,
    next: Next,
) -> Response {
    let (parts, body) = request.into_parts();
    let bytes = to_bytes(body, MAX_BODY).await;
    let (seq, fault) = {
        let mut inner = shared.lock();
        inner.seq += 1;
        let seq = inner.seq;
        let fault = inner.faults.take(seq);
        if shared.options.record {
            let recorded_body = bytes.as_deref().unwrap_or_default();
            let record = RecordedRequest::new(seq, &parts, recorded_body, fault.clone());
            inner.log.push(record);
        }
        (seq, fault)
    };
    let Ok(bytes) = bytes else {
        let response = reply::errors(StatusCode::PAYLOAD_TOO_LARGE, ["Request body too large"]);
        return finish(&shared, seq, response);
    };

    match &fault {
        Some(Fault::Reset) => return finish(&shared, seq, kill()),
        Some(Fault::Status { status, errors }) => {
            let status = StatusCode::from_u16(*status).unwrap_or(StatusCode::INTERNAL_SERVER_ERROR);
            let response = match errors {
                Some(errors) => reply::errors(status, errors.iter().cloned()),
                None => reply::empty(status),
            };
            return finish(&shared, seq, with_peeked_headers(&shared, response));
        }
        Some(Fault::RateLimited { reset }) => {
            let mut response = reply::errors(StatusCode::TOO_MANY_REQUESTS, ["Too many requests"]);
            if let Some(reset) = reset {
                let mut snapshot = shared.lock().limiter.peek(Instant::now());
                snapshot.remaining = 0;
                snapshot.reset_secs = *reset;
                snapshot.write(response.headers_mut());
            }
            return finish(&shared, seq, response);
        }
        Some(Fault::Malformed) => {
            let response = reply::raw_json(StatusCode::OK, MALFORMED_BODY.to_owned());
            return finish(&shared, seq, with_peeked_headers(&shared, response));
        }
        Some(Fault::Delay(delay)) => tokio::time::sleep(*delay).await,
        _ => {}
    }

    let mut response = serve(&shared, parts, bytes, next).await;
    match fault {
        Some(Fault::ResetAfterApply) => response = kill(),
        Some(Fault::DelayAfterApply(delay)) => tokio::time::sleep(delay).await,
        _ => {}
    }
    finish(&shared, seq, response)
}

/// Keys, rate limit, then the route.
async fn serve(shared: &Shared, parts: Parts, bytes: Bytes, next: Next) -> Response {
    let authorized = key_matches(&parts, "dd-api-key", &shared.options.api_key)
        && key_matches(&parts, "dd-application-key", &shared.options.app_key);
    if !authorized {
        return with_peeked_headers(shared, reply::forbidden());
    }
    let snapshot = shared.lock().limiter.hit(Instant::now());
    let mut response = if snapshot.exceeded {
        reply::errors(StatusCode::TOO_MANY_REQUESTS, ["Too many requests"])
    } else {
        next.run(Request::from_parts(parts, Body::from(bytes)))
            .await
    };
    snapshot.write(response.headers_mut());
    response
}

fn key_matches(parts: &Parts, name: &str, expected: &str) -> bool {
    let mut values = parts.headers.get_all(name).iter();
    match (values.next(), values.next()) {
        (Some(value), None) => value.as_bytes() == expected.as_bytes(),
        _ => false,
    }
}

/// Adds the rate-limit headers without counting the request.
fn with_peeked_headers(shared: &Shared, mut response: Response) -> Response {
    let snapshot = shared.lock().limiter.peek(Instant::now());
    snapshot.write(response.headers_mut());
    response
}

/// Notes the status in the request log.
fn finish(shared: &Shared, seq: u64, response: Response) -> Response {
    if response.extensions().get::<KillConnection>().is_none() {
        let mut inner = shared.lock();
        if let Some(record) = inner.log.iter_mut().rev().find(|r| r.seq == seq) {
            record.status = Some(response.status().as_u16());
        }
    }
    response
}
