//! The embedded OpenAPI fragment: parsed once, lazily, and queried by
//! operationId for each operation's request-body schema.

use std::collections::BTreeMap;
use std::sync::LazyLock;

use serde_json::Value;

use crate::validate::Validator;

/// The fragment the fake follows, as committed in `openapi/`.
pub(crate) const FRAGMENT: &str = include_str!("../../../openapi/entity-context-sync.yaml");

static SPEC: LazyLock<Result<Spec, String>> = LazyLock::new(|| Spec::parse(FRAGMENT));

/// The parsed fragment, or why it could not be parsed.
pub(crate) fn spec() -> Result<&'static Spec, &'static str> {
    SPEC.as_ref().map_err(String::as_str)
}

/// The operationIds the embedded fragment defines, sorted. The fake answers
/// `404` to an operation the fragment lacks.
pub fn operation_ids() -> Vec<String> {
    spec()
        .map(|spec| spec.operations.keys().cloned().collect())
        .unwrap_or_default()
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

const METHODS: [&str; 8] = [
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

impl Spec {
    /// Parses a YAML OpenAPI document.
    pub(crate) fn parse(yaml: &str) -> Result<Self, String> {
        let raw: serde_yaml::Value =
            serde_yaml::from_str(yaml).map_err(|e| format!("openapi fragment: {e}"))?;
        let doc = to_json(raw);
        let validator = Validator::new(&doc);
        let mut operations = BTreeMap::new();
        let paths = doc.get("paths").and_then(Value::as_object);
        for item in paths.into_iter().flat_map(|p| p.values()) {
            for method in METHODS {
                let Some(op) = item.get(method) else { continue };
                let Some(id) = op.get("operationId").and_then(Value::as_str) else {
                    continue;
                };
                let body = op.get("requestBody").and_then(|body| {
                    let body = match body.get("$ref").and_then(Value::as_str) {
                        Some(reference) => validator.resolve(reference)?,
                        None => body,
                    };
                    let schema = body.pointer("/content/application~1json/schema")?.clone();
                    let required = body.get("required").and_then(Value::as_bool) == Some(true);
                    Some(RequestBody { required, schema })
                });
                operations.insert(id.to_owned(), Operation { body });
            }
        }
        Ok(Self { doc, operations })
    }

    /// The operation named `operation_id`, if the fragment has it.
    pub(crate) fn operation(&self, operation_id: &str) -> Option<&Operation> {
        self.operations.get(operation_id)
    }

    /// Problems of `value` against `schema` (resolved in this document).
    pub(crate) fn validate(&self, schema: &Value, value: &Value) -> Vec<String> {
        Validator::new(&self.doc).validate(schema, value)
    }

    /// The enum of a component schema (`#/components/schemas/<name>`), if any.
    pub(crate) fn schema_enum(&self, name: &str) -> Vec<String> {
        self.doc
            .pointer(&format!("/components/schemas/{name}/enum"))
            .and_then(Value::as_array)
            .map(|values| {
                values
                    .iter()
                    .filter_map(Value::as_str)
                    .map(str::to_owned)
                    .collect()
            })
            .unwrap_or_default()
    }
}

/// YAML to JSON; non-string mapping keys (an unquoted `200:`) become strings.
fn to_json(value: serde_yaml::Value) -> Value {
    match value {
        serde_yaml::Value::Null => Value::Null,
        serde_yaml::Value::Bool(b) => Value::Bool(b),
        serde_yaml::Value::Number(n) => {
            if let Some(i) = n.as_i64() {
                Value::from(i)
            } else if let Some(u) = n.as_u64() {
                Value::from(u)
            } else {
                n.as_f64()
                    .and_then(serde_json::Number::from_f64)
                    .map_or(Value::Null, Value::Number)
            }
        }
        serde_yaml::Value::String(s) => Value::String(s),
        serde_yaml::Value::Sequence(items) => {
            Value::Array(items.into_iter().map(to_json).collect())
        }
        serde_yaml::Value::Mapping(map) => Value::Object(
            map.into_iter()
                .map(|(k, v)| {
                    let key = match k {
                        serde_yaml::Value::String(s) => s,
                        other => match to_json(other) {
                            Value::String(s) => s,
                            json => json.to_string(),
                        },
                    };
                    (key, to_json(v))
                })
                .collect(),
        ),
        serde_yaml::Value::Tagged(tagged) => to_json(tagged.value),
    }
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn the_embedded_fragment_parses_and_has_create() {
        let spec = spec().expect("the fragment parses");
        let create = spec
            .operation("CreateSecurityMonitoringIntegrationConfig")
            .expect("create is defined");
        let body = create.body.as_ref().expect("create takes a body");
        assert!(body.required);
        assert!(
            spec.schema_enum("SecurityMonitoringIntegrationType")
                .contains(&"OKTA".to_owned())
        );
        assert!(operation_ids().contains(&"CreateSecurityMonitoringIntegrationConfig".to_owned()));
    }

    #[test]
    fn request_bodies_by_reference_and_numeric_keys_are_understood() {
        let spec = Spec::parse(
            r##"
paths:
  /x:
    post:
      operationId: MakeX
      requestBody:
        $ref: "#/components/requestBodies/X"
      responses:
        200: {description: ok}
    get:
      operationId: GetX
components:
  requestBodies:
    X:
      required: true
      content:
        application/json:
          schema: {type: object, required: [a]}
"##,
        )
        .expect("parses");
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
        assert!(Spec::parse("paths: [").is_err());
    }
}
