//! The spec the fake follows: the fragment, its operations and its source
//! types, generated into this crate (`generated.rs`, by `cargo xtask
//! generate`). Parsed once, lazily: each request is routed to an operation
//! by method and path, and its body checked against the operation's schema.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde_json::Value;

use crate::generated::{OPERATIONS, SOURCE_TYPES, SPEC_JSON, WITHOUT_SECRETS};
use crate::validate::Validator;

static SPEC: LazyLock<Result<Spec, String>> = LazyLock::new(|| Spec::parse(SPEC_JSON, OPERATIONS));

/// The parsed spec, or why it could not be parsed.
pub(crate) fn spec() -> Result<&'static Spec, &'static str> {
    SPEC.as_ref().map_err(String::as_str)
}

/// The operationIds of the spec, sorted. The fake routes each to its
/// handler; an operation it has no handler for is answered `501`.
pub fn operation_ids() -> Vec<String> {
    let mut ids: Vec<String> = OPERATIONS.iter().map(|o| o.0.to_owned()).collect();
    ids.sort();
    ids
}

/// The source types of the spec (`OKTA`, …), as the fake knows them: the
/// discriminator values of its request unions. A create of another type is
/// refused with a `400` naming these.
pub fn source_types() -> &'static [&'static str] {
    SOURCE_TYPES
}

/// Whether a source type takes no secrets (so `activate` creates it).
pub(crate) fn takes_no_secrets(integration_type: &str) -> bool {
    WITHOUT_SECRETS.contains(&integration_type)
}

/// A parsed OpenAPI document.
#[derive(Debug)]
pub(crate) struct Spec {
    doc: Value,
    operations: BTreeMap<String, Operation>,
}

/// What the fake needs of one operation.
#[derive(Debug)]
pub(crate) struct Operation {
    method: String,
    /// The path's segments (`{name}` for a parameter).
    segments: Vec<String>,
    /// The JSON request body, if the operation takes one.
    pub(crate) body: Option<RequestBody>,
}

/// An operation's `application/json` request body.
#[derive(Debug)]
pub(crate) struct RequestBody {
    /// `requestBody.required`.
    pub(crate) required: bool,
    /// The body's schema (often a `$ref`).
    pub(crate) schema: Value,
}

/// Where a request goes.
#[derive(Debug, PartialEq, Eq)]
pub(crate) enum Route<'s> {
    /// An operation, with its path parameters (percent-decoded).
    Operation(&'s str, BTreeMap<String, String>),
    /// A path of the spec, but not with this method.
    WrongMethod,
    /// No path of the spec.
    NotFound,
}

impl Spec {
    /// Parses a JSON OpenAPI document and the operations listed in it.
    pub(crate) fn parse(json: &str, operations: &[(&str, &str, &str)]) -> Result<Self, String> {
        let doc: Value = serde_json::from_str(json).map_err(|e| format!("spec: {e}"))?;
        let validator = Validator::new(&doc);
        let mut parsed = BTreeMap::new();
        for (id, method, path) in operations {
            let op = doc
                .get("paths")
                .and_then(|p| p.get(*path))
                .and_then(|item| item.get(method.to_ascii_lowercase()))
                .ok_or_else(|| format!("spec: no {method} {path} for {id}"))?;
            let body = op.get("requestBody").and_then(|body| {
                let body = match body.get("$ref").and_then(Value::as_str) {
                    Some(reference) => validator.resolve(reference)?,
                    None => body,
                };
                let schema = body.pointer("/content/application~1json/schema")?.clone();
                let required = body.get("required").and_then(Value::as_bool) == Some(true);
                Some(RequestBody { required, schema })
            });
            let segments = path.split('/').map(str::to_owned).collect();
            let method = method.to_string();
            parsed.insert(
                (*id).to_owned(),
                Operation {
                    method,
                    segments,
                    body,
                },
            );
        }
        Ok(Self {
            doc,
            operations: parsed,
        })
    }

    /// The operation named `operation_id`, if the spec has it.
    pub(crate) fn operation(&self, operation_id: &str) -> Option<&Operation> {
        self.operations.get(operation_id)
    }

    /// The operation a request is for: among the paths that match, the one
    /// with the most literal segments (`/validate` before `/{id}`).
    pub(crate) fn route(&self, method: &str, path: &str) -> Route<'_> {
        let segments: Vec<&str> = path.split('/').collect();
        let mut best: Option<(usize, &str, BTreeMap<String, String>)> = None;
        let mut path_matched = false;
        for (id, op) in &self.operations {
            let Some((literals, params)) = matches(&op.segments, &segments) else {
                continue;
            };
            path_matched = true;
            if !op.method.eq_ignore_ascii_case(method) {
                continue;
            }
            if best.as_ref().is_none_or(|b| literals > b.0) {
                best = Some((literals, id.as_str(), params));
            }
        }
        match best {
            Some((_, id, params)) => Route::Operation(id, params),
            None if path_matched => Route::WrongMethod,
            None => Route::NotFound,
        }
    }

    /// Problems of `value` against `schema` (resolved in this document).
    pub(crate) fn validate(&self, schema: &Value, value: &Value) -> Vec<String> {
        Validator::new(&self.doc).validate(schema, value)
    }
}

/// Whether `path` fits `template`: its literal segment count and parameters.
fn matches(template: &[String], path: &[&str]) -> Option<(usize, BTreeMap<String, String>)> {
    if template.len() != path.len() {
        return None;
    }
    let mut literals = 0;
    let mut params = BTreeMap::new();
    for (t, p) in template.iter().zip(path) {
        match t.strip_prefix('{').and_then(|t| t.strip_suffix('}')) {
            Some(name) if !p.is_empty() => {
                params.insert(name.to_owned(), percent_decode(p)?);
            }
            Some(_) => return None,
            None if t == p => literals += 1,
            None => return None,
        }
    }
    Some((literals, params))
}

/// `%XX` escapes decoded; `None` for a bad escape or bytes that are not UTF-8.
fn percent_decode(text: &str) -> Option<String> {
    let bytes = text.as_bytes();
    let mut out = Vec::with_capacity(bytes.len());
    let mut i = 0;
    while i < bytes.len() {
        if bytes[i] == b'%' {
            let hex = text.get(i + 1..i + 3)?;
            out.push(u8::from_str_radix(hex, 16).ok()?);
            i += 3;
        } else {
            out.push(bytes[i]);
            i += 1;
        }
    }
    String::from_utf8(out).ok()
}

#[cfg(test)]
mod tests {
    use super::*;

    const API: &str = "/api/v2/security_monitoring/configuration/integration_config";

    #[test]
    fn the_generated_spec_parses_and_has_create() {
        let spec = spec().expect("the spec parses");
        let create = spec
            .operation("CreateSecurityMonitoringIntegrationConfig")
            .expect("create is defined");
        let body = create.body.as_ref().expect("create takes a body");
        assert!(body.required);
        assert!(source_types().contains(&"OKTA"));
        assert!(takes_no_secrets("ENTRA_ID") && !takes_no_secrets("OKTA"));
        assert!(operation_ids().contains(&"CreateSecurityMonitoringIntegrationConfig".to_owned()));
    }

    #[test]
    fn requests_are_routed_by_method_and_path_literals_first() {
        let spec = spec().expect("the spec parses");
        let id = |name: &str, pairs: &[(&str, &str)]| {
            Route::Operation(
                spec.operations
                    .get_key_value(name)
                    .map(|(k, _)| k.as_str())
                    .unwrap_or(""),
                pairs
                    .iter()
                    .map(|(k, v)| ((*k).to_owned(), (*v).to_owned()))
                    .collect(),
            )
        };
        assert_eq!(
            spec.route("GET", API),
            id("ListSecurityMonitoringIntegrationConfigs", &[])
        );
        assert_eq!(
            spec.route("POST", &format!("{API}/validate")),
            id("ValidateSecurityMonitoringIntegrationCredentials", &[])
        );
        assert_eq!(
            spec.route("GET", &format!("{API}/a%20b%2Fc")),
            id(
                "GetSecurityMonitoringIntegrationConfig",
                &[("integration_config_id", "a b/c")]
            )
        );
        assert_eq!(
            spec.route("post", &format!("{API}/entra_id/activate")),
            id("ActivateIntegration", &[("integration_type", "entra_id")])
        );
        assert_eq!(
            spec.route("GET", &format!("{API}/entra_id/azure_app_registrations")),
            id("GetEntraIdAzureAppRegistrations", &[])
        );
        assert_eq!(spec.route("PUT", API), Route::WrongMethod);
        assert_eq!(spec.route("GET", "/api/v2/other"), Route::NotFound);
        assert_eq!(spec.route("GET", &format!("{API}/")), Route::NotFound);
        assert_eq!(spec.route("GET", &format!("{API}/bad%zz")), Route::NotFound);
    }

    #[test]
    fn request_bodies_by_reference_are_understood() {
        let json = r##"{"paths": {"/x": {
            "post": {"operationId": "MakeX", "requestBody": {"$ref": "#/components/requestBodies/X"}},
            "get": {"operationId": "GetX"}}},
          "components": {"requestBodies": {"X": {"required": true,
            "content": {"application/json": {"schema": {"type": "object", "required": ["a"]}}}}}}}"##;
        let spec =
            Spec::parse(json, &[("MakeX", "POST", "/x"), ("GetX", "GET", "/x")]).expect("parses");
        let body = spec
            .operation("MakeX")
            .and_then(|op| op.body.as_ref())
            .expect("body resolved");
        assert!(body.required);
        assert_eq!(
            spec.validate(&body.schema, &serde_json::json!({})),
            ["a: is required"]
        );
        assert!(spec.operation("GetX").is_some_and(|op| op.body.is_none()));
        assert!(spec.operation("Nope").is_none());
        assert!(Spec::parse("{", &[]).is_err());
        assert!(Spec::parse(json, &[("Gone", "GET", "/y")]).is_err());
    }
}
