//! Examples in the fragment must validate against its own schemas: every
//! `examples.*.value` and `example` of each operation's request body and
//! responses decodes into the matching generated type and re-serializes to
//! the same JSON. A field the schema does not know would be dropped, a wrong
//! type would not decode, and an enum or union value the schema does not list
//! would decode as `Unknown`: all three fail here.
//!
//! (Datadog's own create and validate examples still show the first
//! generation's `secrets: {admin_email}` only, which the typed Google
//! Workspace secrets reject; ours must not.)

use entity_context_sync_client::types::{
    ApiErrorResponse, SecurityMonitoringEntraIdAzureAppRegistrationsResponse,
    SecurityMonitoringIntegrationActivateRequest, SecurityMonitoringIntegrationConfigCreateRequest,
    SecurityMonitoringIntegrationConfigResponse, SecurityMonitoringIntegrationConfigUpdateRequest,
    SecurityMonitoringIntegrationConfigsResponse,
    SecurityMonitoringIntegrationCredentialsValidateRequest,
};
use entity_context_sync_tests::SPEC;
use serde_json::Value;

/// Decodes an example, returning its re-encoding and `Debug`.
type Check = fn(&Value) -> Result<(Value, String), String>;

use entity_context_sync_tests::Wire;

fn via<T: Wire>(value: &Value) -> Result<(Value, String), String> {
    let decoded = T::decode(value).map_err(|e| e.to_string())?;
    Ok((decoded.encode(), format!("{decoded:?}")))
}

/// operationId -> (request body type, 200 body type). Error responses are
/// all `ApiErrorResponse` (the xtask enforces one error schema per operation).
const TYPES: &[(&str, Option<Check>, Option<Check>)] = &[
    (
        "ListSecurityMonitoringIntegrationConfigs",
        None,
        Some(via::<SecurityMonitoringIntegrationConfigsResponse>),
    ),
    (
        "CreateSecurityMonitoringIntegrationConfig",
        Some(via::<SecurityMonitoringIntegrationConfigCreateRequest>),
        Some(via::<SecurityMonitoringIntegrationConfigResponse>),
    ),
    (
        "GetEntraIdAzureAppRegistrations",
        None,
        Some(via::<SecurityMonitoringEntraIdAzureAppRegistrationsResponse>),
    ),
    (
        "ValidateSecurityMonitoringIntegrationCredentials",
        Some(via::<SecurityMonitoringIntegrationCredentialsValidateRequest>),
        None,
    ),
    ("DeleteSecurityMonitoringIntegrationConfig", None, None),
    (
        "GetSecurityMonitoringIntegrationConfig",
        None,
        Some(via::<SecurityMonitoringIntegrationConfigResponse>),
    ),
    (
        "UpdateSecurityMonitoringIntegrationConfig",
        Some(via::<SecurityMonitoringIntegrationConfigUpdateRequest>),
        Some(via::<SecurityMonitoringIntegrationConfigResponse>),
    ),
    ("ValidateSecurityMonitoringIntegrationConfig", None, None),
    (
        "ActivateIntegration",
        Some(via::<SecurityMonitoringIntegrationActivateRequest>),
        Some(via::<SecurityMonitoringIntegrationConfigResponse>),
    ),
    (
        "DeactivateIntegration",
        None,
        Some(via::<SecurityMonitoringIntegrationConfigResponse>),
    ),
];

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// One example found in the fragment.
struct Example {
    operation: String,
    /// `request`, or the response status.
    what: String,
    /// Where it is, as a JSON pointer into the fragment (after `$ref`s).
    location: String,
    value: Value,
}

fn escape(key: &str) -> String {
    key.replace('~', "~0").replace('/', "~1")
}

/// Follows a local `$ref`, returning the target and its pointer.
fn resolve<'a>(spec: &'a Value, node: &'a Value, at: String) -> (&'a Value, String) {
    match node.get("$ref").and_then(Value::as_str) {
        Some(target) => {
            let pointer = target.strip_prefix('#').expect("a local $ref");
            let found = spec
                .pointer(pointer)
                .unwrap_or_else(|| panic!("unresolved $ref {target} at {at}"));
            resolve(spec, found, target.to_string())
        }
        None => (node, at),
    }
}

/// Every `example` and `examples.*.value` of a request body or response.
fn media_examples(spec: &Value, body: &Value, at: String, out: &mut Vec<(String, Value)>) {
    let (body, at) = resolve(spec, body, at);
    for (media, content) in body
        .get("content")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let at = format!("{at}/content/{}", escape(media));
        if let Some(example) = content.get("example") {
            out.push((format!("{at}/example"), example.clone()));
        }
        for (name, example) in content
            .get("examples")
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
        {
            let (example, where_) =
                resolve(spec, example, format!("{at}/examples/{}", escape(name)));
            let value = example
                .get("value")
                .unwrap_or_else(|| panic!("example without a `value` at {where_}"));
            out.push((format!("{where_}/value"), value.clone()));
        }
    }
}

fn spec_examples(spec: &Value) -> Vec<Example> {
    let mut out = Vec::new();
    let paths = spec["paths"].as_object().expect("paths");
    for (path, item) in paths {
        for method in METHODS {
            let Some(op) = item.get(method) else { continue };
            let operation = op["operationId"]
                .as_str()
                .expect("every operation has an operationId")
                .to_string();
            let at = format!("#/paths/{}/{method}", escape(path));
            let mut found = Vec::new();
            if let Some(body) = op.get("requestBody") {
                media_examples(spec, body, format!("{at}/requestBody"), &mut found);
                out.extend(found.drain(..).map(|(location, value)| Example {
                    operation: operation.clone(),
                    what: "request".into(),
                    location,
                    value,
                }));
            }
            for (status, response) in op["responses"].as_object().into_iter().flatten() {
                media_examples(
                    spec,
                    response,
                    format!("{at}/responses/{status}"),
                    &mut found,
                );
                out.extend(found.drain(..).map(|(location, value)| Example {
                    operation: operation.clone(),
                    what: status.clone(),
                    location,
                    value,
                }));
            }
        }
    }
    out
}

fn fragment() -> Value {
    serde_yaml::from_str(SPEC).expect("the fragment is YAML")
}

#[test]
fn every_example_decodes_into_its_generated_type_and_round_trips() {
    let spec = fragment();
    let examples = spec_examples(&spec);
    let mut failures = Vec::new();
    let mut checked = 0;
    for ex in &examples {
        let Some((_, request, success)) = TYPES.iter().find(|t| t.0 == ex.operation) else {
            failures.push(format!(
                "{}: operation `{}` has an example but no entry in TYPES",
                ex.location, ex.operation
            ));
            continue;
        };
        let check = match ex.what.as_str() {
            "request" => *request,
            status if status.starts_with('2') => *success,
            _ => Some(via::<ApiErrorResponse> as Check),
        };
        let Some(check) = check else {
            failures.push(format!(
                "{}: `{}` has a {} example but TYPES has no type for it",
                ex.location, ex.operation, ex.what
            ));
            continue;
        };
        checked += 1;
        match check(&ex.value) {
            Err(e) => failures.push(format!(
                "{}: does not decode: {e}\n  example: {}",
                ex.location, ex.value
            )),
            Ok((again, _)) if again != ex.value => failures.push(format!(
                "{}: does not round-trip (an unknown field is dropped, or a value changes)\n  example: {}\n  decoded: {again}",
                ex.location, ex.value
            )),
            Ok((_, debug)) if debug.contains("Unknown(") => failures.push(format!(
                "{}: decodes with a value the schema does not list: {debug}",
                ex.location
            )),
            Ok(_) => {}
        }
    }
    assert!(
        failures.is_empty(),
        "{} of {} example(s) do not validate against the fragment's schemas:\n{}",
        failures.len(),
        examples.len(),
        failures.join("\n")
    );
    assert_eq!(checked, examples.len());
}

/// The walk finds the examples it must: a request body example, a 200
/// example and the error examples behind `$ref`ed responses.
#[test]
fn the_walk_finds_request_success_and_error_examples() {
    let examples = spec_examples(&fragment());
    let find = |op: &str, what: &str| examples.iter().any(|e| e.operation == op && e.what == what);
    assert!(find("CreateSecurityMonitoringIntegrationConfig", "request"));
    assert!(find("CreateSecurityMonitoringIntegrationConfig", "200"));
    assert!(find("CreateSecurityMonitoringIntegrationConfig", "400"));
    assert!(find("UpdateSecurityMonitoringIntegrationConfig", "404"));
    assert!(find(
        "ValidateSecurityMonitoringIntegrationCredentials",
        "request"
    ));
    assert!(
        examples
            .iter()
            .any(|e| e.location.starts_with("#/components/responses/")),
        "error examples are found through `$ref`"
    );
}

/// Every operation of the fragment is in the table, and nothing else.
#[test]
fn the_type_table_covers_every_operation() {
    let mut ours: Vec<&str> = TYPES.iter().map(|t| t.0).collect();
    let mut spec: Vec<&str> = entity_context_sync_client::spec_info::OPERATIONS
        .iter()
        .map(|o| o.0)
        .collect();
    ours.sort_unstable();
    spec.sort_unstable();
    assert_eq!(
        ours, spec,
        "TYPES must list every operation of the fragment"
    );
}

/// The check itself: a dropped field, a wrong type and an unlisted source
/// type each fail it (Datadog's own create example is the second case).
#[test]
fn the_check_rejects_what_it_must() {
    let create = |attributes: Value| serde_json::json!({"data": {"type": "integration_config", "attributes": attributes}});
    let check = via::<SecurityMonitoringIntegrationConfigCreateRequest>;

    // Datadog's example: `secrets` without the required service account key.
    let datadog = create(serde_json::json!({
        "domain": "siem-test.com",
        "integration_type": "GOOGLE_WORKSPACE",
        "name": "My GWS Integration",
        "secrets": {"admin_email": "test@example.com"},
        "settings": {"setting1": "value1"},
    }));
    let err = check(&datadog).expect_err("Datadog's example lacks service_account_json");
    assert!(err.contains("service_account_json"), "{err}");

    // An unknown field is dropped, so the round trip differs.
    let extra = create(serde_json::json!({
        "domain": "acme.okta.com",
        "integration_type": "OKTA",
        "name": "Okta",
        "secrets": {"api_token": "t"},
        "colour": "blue",
    }));
    let (again, _) = check(&extra).expect("decodes");
    assert_ne!(again, extra);

    // An unlisted source type decodes as `Unknown`.
    let unlisted = create(serde_json::json!({
        "domain": "d",
        "integration_type": "JUMPCLOUD",
        "name": "n",
    }));
    let (_, debug) = check(&unlisted).expect("decodes");
    assert!(debug.contains("Unknown("), "{debug}");
}
