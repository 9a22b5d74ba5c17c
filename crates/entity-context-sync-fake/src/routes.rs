//! The operations' handlers, one row per operationId of the spec: a request
//! is routed by the spec's method and path (`spec::Spec::route`), its body
//! checked against the operation's schema, then handed to the row's handler.
//! An operation the spec gains before the fake has a handler for it gets a
//! `501` (and a test that fails naming it).

use std::collections::{BTreeMap, HashMap};
use std::sync::Arc;

use axum::Router;
use axum::body::Bytes;
use axum::extract::{Query, State};
use axum::http::{Method, StatusCode, Uri};
use axum::response::Response;
use serde_json::Value;

use crate::front::front;
use crate::reply;
use crate::shared::Shared;
use crate::spec::{Route, spec, takes_no_secrets};
use crate::state::{SeedConfig, invalid_secrets};

/// The path of the resource, relative to the base URL.
pub const API_PATH: &str = "/api/v2/security_monitoring/configuration/integration_config";

/// The name of a config `activate` creates when the request names none.
const ACTIVATED_NAME: &str = "Entra ID";

/// One request, routed and checked.
struct Req {
    /// The path parameters, percent-decoded.
    params: BTreeMap<String, String>,
    /// The query parameters.
    query: HashMap<String, String>,
    /// The JSON body, valid for the operation's schema (`None`: it has none).
    body: Option<Value>,
}

impl Req {
    fn param(&self, name: &str) -> &str {
        self.params.get(name).map_or("", String::as_str)
    }
}

type Handler = fn(&Shared, Req) -> Response;

/// What the fake does for each operation (Datadog's operationIds).
const HANDLERS: &[(&str, Handler)] = &[
    ("ListSecurityMonitoringIntegrationConfigs", list),
    ("CreateSecurityMonitoringIntegrationConfig", create),
    ("GetEntraIdAzureAppRegistrations", azure_app_registrations),
    (
        "ValidateSecurityMonitoringIntegrationCredentials",
        validate_credentials,
    ),
    ("DeleteSecurityMonitoringIntegrationConfig", delete),
    ("GetSecurityMonitoringIntegrationConfig", get_one),
    ("UpdateSecurityMonitoringIntegrationConfig", update),
    (
        "ValidateSecurityMonitoringIntegrationConfig",
        validate_stored,
    ),
    ("ActivateIntegration", activate),
    ("DeactivateIntegration", deactivate),
];

/// The router: every request behind the [`front`] layer, then [`dispatch`].
pub(crate) fn router(shared: Arc<Shared>) -> Router {
    Router::new()
        .fallback(dispatch)
        .layer(axum::middleware::from_fn_with_state(shared.clone(), front))
        .with_state(shared)
}

/// Routes by the spec, checks the body, runs the operation's handler.
async fn dispatch(
    State(shared): State<Arc<Shared>>,
    method: Method,
    uri: Uri,
    bytes: Bytes,
) -> Response {
    let spec = match spec() {
        Ok(spec) => spec,
        Err(e) => {
            return reply::errors(
                StatusCode::INTERNAL_SERVER_ERROR,
                [format!("fake: the embedded spec does not parse: {e}")],
            );
        }
    };
    let (id, params) = match spec.route(method.as_str(), uri.path()) {
        Route::Operation(id, params) => (id, params),
        Route::WrongMethod => {
            return reply::errors(StatusCode::METHOD_NOT_ALLOWED, ["Method not allowed"]);
        }
        Route::NotFound => return reply::not_found(),
    };
    let Some((_, handler)) = HANDLERS.iter().find(|(op, _)| *op == id) else {
        return reply::errors(
            StatusCode::NOT_IMPLEMENTED,
            [format!(
                "fake: the operation {id} is in the spec but not implemented by the fake"
            )],
        );
    };
    let Ok(Query(query)) = Query::<HashMap<String, String>>::try_from_uri(&uri) else {
        return reply::bad_request(["query: is not a valid query string"]);
    };
    let body = match checked_body(spec.operation(id).and_then(|op| op.body.as_ref()), &bytes) {
        Ok(body) => body,
        Err(response) => return response,
    };
    handler(
        &shared,
        Req {
            params,
            query,
            body,
        },
    )
}

/// The request body, parsed and checked against its schema. `None` when
/// the body is empty and optional, or the operation takes none.
fn checked_body(
    body: Option<&crate::spec::RequestBody>,
    bytes: &[u8],
) -> Result<Option<Value>, Response> {
    let Some(body) = body else {
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
    let problems = spec()
        .map(|s| s.validate(&body.schema, &value))
        .unwrap_or_default();
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

fn list(shared: &Shared, req: Req) -> Response {
    let filter = req.query.get("filter[integration_type]");
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

fn create(shared: &Shared, req: Req) -> Response {
    let Some(attrs) = attributes(req.body.as_ref()) else {
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

fn get_one(shared: &Shared, req: Req) -> Response {
    match shared.lock().store.get(req.param("integration_config_id")) {
        Some(config) => reply::data(config.to_data()),
        None => reply::not_found(),
    }
}

fn update(shared: &Shared, req: Req) -> Response {
    let mut inner = shared.lock();
    let Some(config) = inner.store.get_mut(req.param("integration_config_id")) else {
        return reply::not_found();
    };
    let Some(attrs) = attributes(req.body.as_ref()) else {
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

fn delete(shared: &Shared, req: Req) -> Response {
    if shared
        .lock()
        .store
        .remove(req.param("integration_config_id"))
    {
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

fn validate_stored(shared: &Shared, req: Req) -> Response {
    match shared.lock().store.get(req.param("integration_config_id")) {
        Some(config) => credentials_verdict("secrets.", config.secrets.as_ref()),
        None => reply::not_found(),
    }
}

fn validate_credentials(_: &Shared, req: Req) -> Response {
    let secrets = attributes(req.body.as_ref()).and_then(|a| a.get("secrets"));
    credentials_verdict("data.attributes.secrets.", secrets)
}

/// The upper-case source type of a path segment, if the spec has it.
fn known_type(segment: &str) -> Option<String> {
    let wanted = segment.to_ascii_uppercase();
    crate::spec::source_types()
        .contains(&wanted.as_str())
        .then_some(wanted)
}

fn activate(shared: &Shared, req: Req) -> Response {
    let segment = req.param("integration_type");
    let Some(integration_type) = known_type(segment) else {
        return reply::bad_request([format!(
            "integration_type: unknown integration type `{segment}`"
        )]);
    };
    if !takes_no_secrets(&integration_type) {
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
    let attrs = attributes(req.body.as_ref());
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

fn deactivate(shared: &Shared, req: Req) -> Response {
    let wanted = req.param("integration_type").to_ascii_uppercase();
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

fn azure_app_registrations(shared: &Shared, _: Req) -> Response {
    let body = shared.lock().azure.clone();
    reply::json(StatusCode::OK, &body)
}

#[cfg(test)]
mod tests {
    use super::HANDLERS;

    #[test]
    fn every_operation_of_the_spec_has_a_handler_and_no_other() {
        let mut handled: Vec<String> = HANDLERS.iter().map(|(id, _)| (*id).to_owned()).collect();
        handled.sort();
        assert_eq!(
            handled,
            crate::spec::operation_ids(),
            "one handler per operation of the spec"
        );
    }
}
