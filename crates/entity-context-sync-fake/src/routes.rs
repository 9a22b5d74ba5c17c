//! The ten operations, each answering only if the embedded fragment defines
//! its operationId (404 otherwise), with its request body checked against the
//! fragment's schema first.

use std::collections::HashMap;
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::rejection::{PathRejection, QueryRejection};
use axum::extract::{Path, Query, State};
use axum::http::StatusCode;
use axum::response::Response;
use axum::routing::{get, post};
use serde_json::Value;

use crate::front::front;
use crate::reply;
use crate::shared::Shared;
use crate::spec::{Spec, spec};
use crate::state::{SeedConfig, invalid_secrets};

/// The path of the resource, relative to the base URL.
pub const API_PATH: &str = "/api/v2/security_monitoring/configuration/integration_config";

/// operationIds (Datadog's names).
pub(crate) mod op {
    pub(crate) const LIST: &str = "ListSecurityMonitoringIntegrationConfigs";
    pub(crate) const CREATE: &str = "CreateSecurityMonitoringIntegrationConfig";
    pub(crate) const AZURE: &str = "GetEntraIdAzureAppRegistrations";
    pub(crate) const VALIDATE_CREDENTIALS: &str =
        "ValidateSecurityMonitoringIntegrationCredentials";
    pub(crate) const DELETE: &str = "DeleteSecurityMonitoringIntegrationConfig";
    pub(crate) const GET: &str = "GetSecurityMonitoringIntegrationConfig";
    pub(crate) const UPDATE: &str = "UpdateSecurityMonitoringIntegrationConfig";
    pub(crate) const VALIDATE_CONFIG: &str = "ValidateSecurityMonitoringIntegrationConfig";
    pub(crate) const ACTIVATE: &str = "ActivateIntegration";
    pub(crate) const DEACTIVATE: &str = "DeactivateIntegration";
}

/// Source types that need no credentials, so `activate` accepts them.
const NO_CREDENTIAL_TYPES: [&str; 1] = ["ENTRA_ID"];
/// Source types known when the fragment lists none.
const KNOWN_TYPES: [&str; 5] = [
    "GOOGLE_WORKSPACE",
    "OKTA",
    "ENTRA_ID",
    "CROWDSTRIKE",
    "SENTINELONE",
];
/// The name of a config `activate` creates when the request names none.
const ACTIVATED_NAME: &str = "Entra ID";

type Shr = State<Arc<Shared>>;

/// The router: every route behind the [`front`] layer.
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    let one = format!("{API_PATH}/{{segment}}");
    Router::new()
        .route(API_PATH, get(list).post(create))
        .route(&format!("{API_PATH}/validate"), post(validate_credentials))
        .route(
            &format!("{API_PATH}/entra_id/azure_app_registrations"),
            get(azure_app_registrations),
        )
        .route(&one, get(get_one).patch(update).delete(delete))
        .route(&format!("{one}/validate"), post(validate_stored))
        .route(&format!("{one}/activate"), post(activate))
        .route(&format!("{one}/deactivate"), post(deactivate))
        .fallback(|| async { reply::not_found() })
        .method_not_allowed_fallback(|| async {
            reply::errors(StatusCode::METHOD_NOT_ALLOWED, ["Method not allowed"])
        })
        .layer(axum::middleware::from_fn_with_state(shared.clone(), front))
        .with_state(shared)
}

/// The fragment, if it defines `operation`; the reply to send otherwise.
fn require(operation: &str) -> Result<&'static Spec, Response> {
    let spec = spec().map_err(|e| {
        reply::errors(
            StatusCode::INTERNAL_SERVER_ERROR,
            [format!("fake: the embedded fragment does not parse: {e}")],
        )
    })?;
    match spec.operation(operation) {
        Some(_) => Ok(spec),
        None => Err(reply::not_found()),
    }
}

/// The request body of `operation`, parsed and checked against its schema.
/// `None` when the body is empty and optional, or the operation takes none.
fn checked_body(operation: &str, bytes: &[u8]) -> Result<Option<Value>, Response> {
    let spec = require(operation)?;
    let Some(body) = spec.operation(operation).and_then(|op| op.body.as_ref()) else {
        return Ok(None);
    };
    if bytes.iter().all(u8::is_ascii_whitespace) {
        return if body.required {
            Err(reply::bad_request(["body: is required"]))
        } else {
            Ok(None)
        };
    }
    // Position only: a parser message could quote the (secret) input.
    let value: Value = serde_json::from_slice(bytes).map_err(|e| {
        reply::bad_request([format!(
            "body: is not valid JSON (line {}, column {})",
            e.line(),
            e.column()
        )])
    })?;
    let problems = spec.validate(&body.schema, &value);
    if problems.is_empty() {
        Ok(Some(value))
    } else {
        Err(reply::bad_request(problems))
    }
}

fn attributes(body: Option<&Value>) -> Option<&serde_json::Map<String, Value>> {
    body?.pointer("/data/attributes")?.as_object()
}

fn string(map: &serde_json::Map<String, Value>, key: &str) -> Option<String> {
    map.get(key).and_then(Value::as_str).map(str::to_owned)
}

fn id_of(path: Result<Path<String>, PathRejection>) -> Result<String, Response> {
    path.map(|Path(id)| id).map_err(|_| reply::not_found())
}

macro_rules! tri {
    ($e:expr) => {
        match $e {
            Ok(v) => v,
            Err(response) => return response,
        }
    };
}

async fn list(
    State(shared): Shr,
    query: Result<Query<HashMap<String, String>>, QueryRejection>,
) -> Response {
    tri!(require(op::LIST));
    let Ok(Query(query)) = query else {
        return reply::bad_request(["query: is not a valid query string"]);
    };
    let filter = query.get("filter[integration_type]");
    let inner = shared.lock();
    let data: Vec<Value> = inner
        .store
        .all()
        .iter()
        .filter(|c| filter.is_none_or(|t| c.integration_type.eq_ignore_ascii_case(t)))
        .map(|c| c.to_data())
        .collect();
    reply::data(Value::Array(data))
}

async fn create(State(shared): Shr, bytes: Bytes) -> Response {
    let body = tri!(checked_body(op::CREATE, &bytes));
    let Some(attrs) = attributes(body.as_ref()) else {
        return reply::bad_request(["data.attributes: is required"]);
    };
    let (Some(integration_type), Some(domain)) =
        (string(attrs, "integration_type"), string(attrs, "domain"))
    else {
        return reply::bad_request(["data.attributes: integration_type and domain are required"]);
    };
    let seed = SeedConfig {
        integration_type,
        name: string(attrs, "name").unwrap_or_default(),
        domain,
        enabled: true,
        settings: attrs.get("settings").filter(|v| !v.is_null()).cloned(),
        secrets: attrs.get("secrets").filter(|v| !v.is_null()).cloned(),
    };
    let mut inner = shared.lock();
    reply::data(inner.store.insert(seed).to_data())
}

async fn get_one(State(shared): Shr, path: Result<Path<String>, PathRejection>) -> Response {
    tri!(require(op::GET));
    let id = tri!(id_of(path));
    match shared.lock().store.get(&id) {
        Some(config) => reply::data(config.to_data()),
        None => reply::not_found(),
    }
}

async fn update(
    State(shared): Shr,
    path: Result<Path<String>, PathRejection>,
    bytes: Bytes,
) -> Response {
    let body = tri!(checked_body(op::UPDATE, &bytes));
    let id = tri!(id_of(path));
    let mut inner = shared.lock();
    let Some(config) = inner.store.get_mut(&id) else {
        return reply::not_found();
    };
    let Some(attrs) = attributes(body.as_ref()) else {
        return reply::bad_request(["data.attributes: is required"]);
    };
    if let Some(sent) = string(attrs, "integration_type")
        && sent != config.integration_type
    {
        return reply::bad_request([format!(
            "data.attributes.integration_type: does not match the stored configuration ({})",
            config.integration_type
        )]);
    }
    // A partial update: only what was sent changes.
    if let Some(domain) = string(attrs, "domain") {
        config.domain = domain;
    }
    if let Some(name) = string(attrs, "name") {
        config.name = Some(name);
    }
    if let Some(enabled) = attrs.get("enabled").and_then(Value::as_bool) {
        config.enabled = enabled;
    }
    if let Some(settings) = attrs.get("settings") {
        config.settings = Some(settings.clone()).filter(|v| !v.is_null());
    }
    if let Some(secrets) = attrs.get("secrets") {
        config.secrets = Some(secrets.clone()).filter(|v| !v.is_null());
    }
    config.touch();
    reply::data(config.to_data())
}

async fn delete(State(shared): Shr, path: Result<Path<String>, PathRejection>) -> Response {
    tri!(require(op::DELETE));
    let id = tri!(id_of(path));
    if shared.lock().store.remove(&id) {
        reply::empty(StatusCode::NO_CONTENT)
    } else {
        reply::not_found()
    }
}

/// 400 naming each rejected secret (never its value), or 200 without a body.
fn credentials_verdict(prefix: &str, secrets: Option<&Value>) -> Response {
    let rejected = invalid_secrets(secrets);
    if rejected.is_empty() {
        reply::empty(StatusCode::OK)
    } else {
        reply::bad_request(
            rejected
                .into_iter()
                .map(|path| format!("{prefix}{path}: rejected by the source")),
        )
    }
}

async fn validate_stored(
    State(shared): Shr,
    path: Result<Path<String>, PathRejection>,
) -> Response {
    tri!(require(op::VALIDATE_CONFIG));
    let id = tri!(id_of(path));
    match shared.lock().store.get(&id) {
        Some(config) => credentials_verdict("secrets.", config.secrets.as_ref()),
        None => reply::not_found(),
    }
}

async fn validate_credentials(bytes: Bytes) -> Response {
    let body = tri!(checked_body(op::VALIDATE_CREDENTIALS, &bytes));
    let secrets = attributes(body.as_ref()).and_then(|a| a.get("secrets"));
    credentials_verdict("data.attributes.secrets.", secrets)
}

/// The upper-case integration type of a path segment, if the API knows it.
fn known_type(spec: &Spec, segment: &str) -> Option<String> {
    let wanted = segment.to_ascii_uppercase();
    let listed = spec.schema_enum("SecurityMonitoringIntegrationType");
    let known = if listed.is_empty() {
        KNOWN_TYPES.iter().any(|t| *t == wanted)
    } else {
        listed.contains(&wanted)
    };
    known.then_some(wanted)
}

async fn activate(
    State(shared): Shr,
    path: Result<Path<String>, PathRejection>,
    bytes: Bytes,
) -> Response {
    let body = tri!(checked_body(op::ACTIVATE, &bytes));
    let spec = tri!(require(op::ACTIVATE));
    let segment = tri!(id_of(path));
    let Some(integration_type) = known_type(spec, &segment) else {
        return reply::bad_request([format!(
            "integration_type: unknown integration type `{segment}`"
        )]);
    };
    if !NO_CREDENTIAL_TYPES.contains(&integration_type.as_str()) {
        return reply::bad_request([format!(
            "integration_type: {integration_type} needs credentials: create it instead of activating it"
        )]);
    }
    let mut inner = shared.lock();
    // Idempotent: the existing config of the type, re-enabled.
    if let Some(config) = inner
        .store
        .all_mut()
        .iter_mut()
        .find(|c| c.integration_type == integration_type)
    {
        if !config.enabled {
            config.enabled = true;
            config.touch();
        }
        return reply::data(config.to_data());
    }
    let attrs = attributes(body.as_ref());
    let seed = SeedConfig {
        integration_type,
        name: attrs
            .and_then(|a| string(a, "name"))
            .unwrap_or_else(|| ACTIVATED_NAME.to_owned()),
        domain: attrs.and_then(|a| string(a, "domain")).unwrap_or_default(),
        enabled: true,
        settings: attrs
            .and_then(|a| a.get("settings"))
            .filter(|v| !v.is_null())
            .cloned(),
        secrets: None,
    };
    reply::data(inner.store.insert(seed).to_data())
}

async fn deactivate(State(shared): Shr, path: Result<Path<String>, PathRejection>) -> Response {
    tri!(require(op::DEACTIVATE));
    let wanted = tri!(id_of(path)).to_ascii_uppercase();
    let mut inner = shared.lock();
    let mut first = None;
    for config in inner.store.all_mut() {
        if config.enabled && config.integration_type == wanted {
            config.enabled = false;
            config.touch();
            first.get_or_insert_with(|| config.to_data());
        }
    }
    match first {
        Some(data) => reply::data(data),
        None => reply::not_found(),
    }
}

async fn azure_app_registrations(State(shared): Shr) -> Response {
    tri!(require(op::AZURE));
    let body = shared.lock().azure.clone();
    reply::json(StatusCode::OK, &body)
}
