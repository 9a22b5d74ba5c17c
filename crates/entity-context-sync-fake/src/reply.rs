//! Building replies: JSON bodies and Datadog's `{"errors": [..]}`.

use axum::body::Body;
use axum::http::{HeaderValue, StatusCode, header};
use axum::response::Response;
use serde_json::{Value, json};

/// `status` with a JSON body.
pub(crate) fn json(status: StatusCode, body: &Value) -> Response {
    raw_json(status, body.to_string())
}

/// `status` with `body` sent as `application/json` verbatim.
pub(crate) fn raw_json(status: StatusCode, body: String) -> Response {
    let mut response = Response::new(Body::from(body));
    *response.status_mut() = status;
    response.headers_mut().insert(
        header::CONTENT_TYPE,
        HeaderValue::from_static("application/json"),
    );
    response
}

/// `status` with `{"errors": errors}`.
pub(crate) fn errors<S: Into<String>>(
    status: StatusCode,
    errors: impl IntoIterator<Item = S>,
) -> Response {
    let errors: Vec<String> = errors.into_iter().map(Into::into).collect();
    json(status, &json!({ "errors": errors }))
}

/// `status` and no body.
pub(crate) fn empty(status: StatusCode) -> Response {
    let mut response = Response::new(Body::empty());
    *response.status_mut() = status;
    response
}

/// 200 with `{"data": data}`.
pub(crate) fn data(data: Value) -> Response {
    json(StatusCode::OK, &json!({ "data": data }))
}

/// 404 `{"errors":["Not found"]}`.
pub(crate) fn not_found() -> Response {
    errors(StatusCode::NOT_FOUND, ["Not found"])
}

/// 403 `{"errors":["Forbidden"]}`.
pub(crate) fn forbidden() -> Response {
    errors(StatusCode::FORBIDDEN, ["Forbidden"])
}

/// 400 with these errors.
pub(crate) fn bad_request<S: Into<String>>(list: impl IntoIterator<Item = S>) -> Response {
    errors(StatusCode::BAD_REQUEST, list)
}
