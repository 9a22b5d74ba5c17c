//! A small validator for the JSON-schema subset OpenAPI 3.0 uses in the
//! fragment: local `$ref`, `type`, `required`, `properties`,
//! `additionalProperties`, `enum`, `oneOf` (with or without a
//! `discriminator`), `allOf`, `anyOf`, `format: date-time`, `nullable` and
//! `items`. Unknown keywords are ignored.
//!
//! Every problem is reported as `<path>: <message>`, where the path is the
//! JSON path of the offending value (`data.attributes.secrets.api_token`,
//! `data[0].id`, or `body` for the document itself). Messages never quote the
//! value that was sent, so a secret cannot leak through an error; they may
//! quote property names and the values the schema allows.

use serde_json::{Map, Value};

/// Deepest `$ref` / nesting chain followed before giving up (cyclic schemas).
const MAX_DEPTH: usize = 64;

/// Validates values against schemas that live in one OpenAPI document.
#[derive(Debug, Clone, Copy)]
pub(crate) struct Validator<'a> {
    /// The whole document, for resolving `#/...` references.
    root: &'a Value,
}

/// One step of a JSON path.
#[derive(Debug, Clone)]
enum Step {
    Key(String),
    Index(usize),
}

impl<'a> Validator<'a> {
    /// A validator resolving references against `root`.
    pub(crate) fn new(root: &'a Value) -> Self {
        Self { root }
    }

    /// Every problem found in `value` against `schema`; empty when it conforms.
    pub(crate) fn validate(&self, schema: &Value, value: &Value) -> Vec<String> {
        let mut errors = Vec::new();
        self.check(schema, value, &mut Vec::new(), &mut errors, 0);
        errors
    }

    /// Resolves a local reference (`#/components/schemas/Name`).
    pub(crate) fn resolve(&self, reference: &str) -> Option<&'a Value> {
        let pointer = reference.strip_prefix('#')?;
        self.root.pointer(pointer)
    }

    /// Follows `$ref`s until a schema without one.
    fn deref<'s>(&self, schema: &'s Value, depth: usize) -> Result<&'s Value, String>
    where
        'a: 's,
    {
        let mut current = schema;
        for _ in depth..MAX_DEPTH {
            match current.get("$ref") {
                None => return Ok(current),
                Some(Value::String(reference)) => match self.resolve(reference) {
                    Some(target) => current = target,
                    None => return Err(format!("schema: unresolvable $ref {reference}")),
                },
                Some(_) => return Err("schema: $ref is not a string".to_owned()),
            }
        }
        Err("schema: $ref chain too deep".to_owned())
    }

    fn check(
        &self,
        schema: &Value,
        value: &Value,
        path: &mut Vec<Step>,
        errors: &mut Vec<String>,
        depth: usize,
    ) {
        if depth >= MAX_DEPTH {
            errors.push(format!("{}: schema nesting too deep", render(path)));
            return;
        }
        let schema = match self.deref(schema, depth) {
            Ok(schema) => schema,
            Err(e) => {
                errors.push(format!("{}: {e}", render(path)));
                return;
            }
        };
        // `true`/`{}` accept anything; `false` accepts nothing.
        let Some(obj) = schema.as_object() else {
            if schema == &Value::Bool(false) {
                errors.push(format!("{}: is not allowed", render(path)));
            }
            return;
        };

        if value.is_null() {
            let nullable = obj.get("nullable").and_then(Value::as_bool) == Some(true);
            if !nullable && let Some(expected) = obj.get("type").and_then(Value::as_str) {
                errors.push(format!("{}: expected {expected}, got null", render(path)));
            }
            return;
        }

        if let Some(expected) = obj.get("type").and_then(Value::as_str)
            && !type_matches(expected, value)
        {
            errors.push(format!(
                "{}: expected {expected}, got {}",
                render(path),
                type_name(value)
            ));
            return;
        }

        if let Some(allowed) = obj.get("enum").and_then(Value::as_array)
            && !allowed.contains(value)
        {
            errors.push(format!(
                "{}: must be one of: {}",
                render(path),
                list(allowed.iter())
            ));
            return;
        }

        if obj.get("format").and_then(Value::as_str) == Some("date-time")
            && let Some(text) = value.as_str()
            && chrono::DateTime::parse_from_rfc3339(text).is_err()
        {
            errors.push(format!("{}: is not an RFC 3339 date-time", render(path)));
        }

        if let Some(map) = value.as_object() {
            self.check_object(obj, map, path, errors, depth);
        }

        if let (Some(items), Some(array)) = (obj.get("items"), value.as_array()) {
            for (i, item) in array.iter().enumerate() {
                path.push(Step::Index(i));
                self.check(items, item, path, errors, depth + 1);
                path.pop();
            }
        }

        if let Some(all) = obj.get("allOf").and_then(Value::as_array) {
            for branch in all {
                self.check(branch, value, path, errors, depth + 1);
            }
        }

        if let Some(any) = obj.get("anyOf").and_then(Value::as_array) {
            let fits = any
                .iter()
                .any(|branch| self.fits(branch, value, path, depth + 1));
            if !fits {
                errors.push(format!(
                    "{}: does not match any of the {} allowed shapes",
                    render(path),
                    any.len()
                ));
            }
        }

        if let Some(one) = obj.get("oneOf").and_then(Value::as_array) {
            match obj.get("discriminator") {
                Some(discriminator) => {
                    self.check_discriminated(discriminator, one, value, path, errors, depth)
                }
                None => {
                    let fitting = one
                        .iter()
                        .filter(|branch| self.fits(branch, value, path, depth + 1))
                        .count();
                    if fitting != 1 {
                        errors.push(format!(
                            "{}: matches {fitting} of the {} allowed shapes (exactly one required)",
                            render(path),
                            one.len()
                        ));
                    }
                }
            }
        }
    }

    fn check_object(
        &self,
        schema: &Map<String, Value>,
        map: &Map<String, Value>,
        path: &mut Vec<Step>,
        errors: &mut Vec<String>,
        depth: usize,
    ) {
        if let Some(required) = schema.get("required").and_then(Value::as_array) {
            for name in required.iter().filter_map(Value::as_str) {
                if !map.contains_key(name) {
                    path.push(Step::Key(name.to_owned()));
                    errors.push(format!("{}: is required", render(path)));
                    path.pop();
                }
            }
        }
        let properties = schema.get("properties").and_then(Value::as_object);
        let additional = schema.get("additionalProperties");
        for (key, item) in map {
            path.push(Step::Key(key.clone()));
            match properties.and_then(|p| p.get(key)) {
                Some(property) => self.check(property, item, path, errors, depth + 1),
                None => match additional {
                    None | Some(Value::Bool(true)) => {}
                    Some(Value::Bool(false)) => {
                        errors.push(format!("{}: is not allowed", render(path)));
                    }
                    Some(extra) => self.check(extra, item, path, errors, depth + 1),
                },
            }
            path.pop();
        }
    }

    fn check_discriminated(
        &self,
        discriminator: &Value,
        branches: &[Value],
        value: &Value,
        path: &mut Vec<Step>,
        errors: &mut Vec<String>,
        depth: usize,
    ) {
        let Some(map) = value.as_object() else {
            errors.push(format!(
                "{}: expected object, got {}",
                render(path),
                type_name(value)
            ));
            return;
        };
        let Some(property) = discriminator.get("propertyName").and_then(Value::as_str) else {
            errors.push(format!(
                "{}: schema: discriminator without propertyName",
                render(path)
            ));
            return;
        };
        path.push(Step::Key(property.to_owned()));
        let tag = match map.get(property) {
            None => {
                errors.push(format!("{}: is required", render(path)));
                path.pop();
                return;
            }
            Some(Value::String(tag)) => tag.as_str(),
            Some(other) => {
                errors.push(format!(
                    "{}: expected string, got {}",
                    render(path),
                    type_name(other)
                ));
                path.pop();
                return;
            }
        };
        let mapping = discriminator.get("mapping").and_then(Value::as_object);
        // An explicit mapping first; otherwise the implicit one (the tag is a
        // schema name that one of the branches references).
        let target = match mapping {
            Some(mapping) => mapping.get(tag).and_then(Value::as_str),
            None => branches
                .iter()
                .filter_map(|b| b.get("$ref").and_then(Value::as_str))
                .find(|r| r.rsplit('/').next() == Some(tag)),
        };
        let Some(target) = target else {
            let allowed: Vec<Value> = match mapping {
                Some(mapping) => mapping.keys().cloned().map(Value::String).collect(),
                None => branches
                    .iter()
                    .filter_map(|b| b.get("$ref").and_then(Value::as_str))
                    .filter_map(|r| r.rsplit('/').next())
                    .map(|name| Value::String(name.to_owned()))
                    .collect(),
            };
            errors.push(format!(
                "{}: must be one of: {}",
                render(path),
                list(allowed.iter())
            ));
            path.pop();
            return;
        };
        path.pop();
        // Mapping values are references, or bare schema names.
        let reference = if target.starts_with('#') {
            target.to_owned()
        } else {
            format!("#/components/schemas/{target}")
        };
        match self.resolve(&reference) {
            Some(branch) => self.check(branch, value, path, errors, depth + 1),
            None => errors.push(format!(
                "{}: schema: unresolvable discriminator mapping {reference}",
                render(path)
            )),
        }
    }

    /// Whether `value` conforms to `schema` (errors discarded).
    fn fits(&self, schema: &Value, value: &Value, path: &mut Vec<Step>, depth: usize) -> bool {
        let mut scratch = Vec::new();
        self.check(schema, value, path, &mut scratch, depth);
        scratch.is_empty()
    }
}

fn type_matches(expected: &str, value: &Value) -> bool {
    match expected {
        "object" => value.is_object(),
        "array" => value.is_array(),
        "string" => value.is_string(),
        "boolean" => value.is_boolean(),
        "number" => value.is_number(),
        "integer" => {
            value.is_i64()
                || value.is_u64()
                || value
                    .as_f64()
                    .is_some_and(|f| f.is_finite() && f.fract() == 0.0)
        }
        // An unknown type name: nothing to check against.
        _ => true,
    }
}

fn type_name(value: &Value) -> &'static str {
    match value {
        Value::Null => "null",
        Value::Bool(_) => "boolean",
        Value::Number(n) if n.is_i64() || n.is_u64() => "integer",
        Value::Number(_) => "number",
        Value::String(_) => "string",
        Value::Array(_) => "array",
        Value::Object(_) => "object",
    }
}

/// Allowed values from the schema, strings unquoted.
fn list<'v>(values: impl Iterator<Item = &'v Value>) -> String {
    values
        .map(|v| match v {
            Value::String(s) => s.clone(),
            other => other.to_string(),
        })
        .collect::<Vec<_>>()
        .join(", ")
}

fn render(path: &[Step]) -> String {
    if path.is_empty() {
        return "body".to_owned();
    }
    let mut out = String::new();
    for step in path {
        match step {
            Step::Key(key) => {
                if !out.is_empty() {
                    out.push('.');
                }
                out.push_str(key);
            }
            Step::Index(i) => {
                out.push('[');
                out.push_str(&i.to_string());
                out.push(']');
            }
        }
    }
    out
}

#[cfg(test)]
mod tests {
    use super::*;
    use serde_json::json;

    /// A synthetic document shaped like the fragment's create request.
    fn doc() -> Value {
        json!({
            "components": {"schemas": {
                "Request": {
                    "type": "object",
                    "required": ["data"],
                    "properties": {"data": {"$ref": "#/components/schemas/Data"}}
                },
                "Data": {
                    "type": "object",
                    "required": ["type", "attributes"],
                    "properties": {
                        "type": {"type": "string", "enum": ["integration_config"]},
                        "attributes": {"$ref": "#/components/schemas/Attributes"}
                    }
                },
                "Attributes": {
                    "oneOf": [
                        {"$ref": "#/components/schemas/Okta"},
                        {"$ref": "#/components/schemas/Google"}
                    ],
                    "discriminator": {
                        "propertyName": "integration_type",
                        "mapping": {
                            "OKTA": "#/components/schemas/Okta",
                            "GOOGLE_WORKSPACE": "#/components/schemas/Google"
                        }
                    }
                },
                "Okta": {
                    "type": "object",
                    "additionalProperties": false,
                    "required": ["integration_type", "name", "secrets"],
                    "properties": {
                        "integration_type": {"type": "string", "enum": ["OKTA"]},
                        "name": {"type": "string"},
                        "enabled": {"type": "boolean"},
                        "secrets": {
                            "type": "object",
                            "additionalProperties": false,
                            "required": ["api_token"],
                            "properties": {"api_token": {"type": "string"}}
                        }
                    }
                },
                "Google": {
                    "type": "object",
                    "required": ["integration_type", "secrets"],
                    "properties": {
                        "integration_type": {"type": "string", "enum": ["GOOGLE_WORKSPACE"]},
                        "secrets": {
                            "type": "object",
                            "required": ["service_account_json"],
                            "properties": {
                                "service_account_json": {
                                    "type": "object",
                                    "required": ["private_key"],
                                    "properties": {"private_key": {"type": "string"}},
                                    "additionalProperties": true
                                }
                            }
                        }
                    }
                },
                "Stamped": {
                    "type": "object",
                    "properties": {
                        "at": {"type": "string", "format": "date-time"},
                        "note": {"type": "string", "nullable": true},
                        "count": {"type": "integer"},
                        "ratio": {"type": "number"},
                        "tags": {"type": "array", "items": {"type": "string"}},
                        "extra": {"type": "object", "additionalProperties": {"type": "integer"}}
                    }
                },
                "Loop": {"$ref": "#/components/schemas/Loop"},
                "Either": {"oneOf": [{"type": "string"}, {"type": "integer"}]}
            }}
        })
    }

    fn errors(schema: &str, value: Value) -> Vec<String> {
        let doc = doc();
        let validator = Validator::new(&doc);
        let schema = json!({ "$ref": format!("#/components/schemas/{schema}") });
        validator.validate(&schema, &value)
    }

    fn okta(attributes: Value) -> Value {
        json!({"data": {"type": "integration_config", "attributes": attributes}})
    }

    #[test]
    fn a_conforming_value_has_no_errors() {
        let value = okta(json!({
            "integration_type": "OKTA", "name": "n", "secrets": {"api_token": "t"}
        }));
        assert_eq!(errors("Request", value), Vec::<String>::new());
    }

    #[test]
    fn missing_required_properties_are_listed_with_paths() {
        assert_eq!(errors("Request", json!({})), ["data: is required"]);
        let value = okta(json!({"integration_type": "OKTA", "secrets": {}}));
        assert_eq!(
            errors("Request", value),
            [
                "data.attributes.name: is required",
                "data.attributes.secrets.api_token: is required"
            ]
        );
    }

    #[test]
    fn the_discriminator_picks_the_branch() {
        let value = okta(json!({"integration_type": "GOOGLE_WORKSPACE", "secrets": {}}));
        assert_eq!(
            errors("Request", value),
            ["data.attributes.secrets.service_account_json: is required"]
        );
        let value = okta(json!({
            "integration_type": "GOOGLE_WORKSPACE",
            "secrets": {"service_account_json": {"private_key": "k", "token_uri": "u"}}
        }));
        assert_eq!(errors("Request", value), Vec::<String>::new());
    }

    #[test]
    fn unknown_or_missing_discriminator_values_are_errors() {
        let value = okta(json!({"integration_type": "PAGERDUTY"}));
        assert_eq!(
            errors("Request", value),
            ["data.attributes.integration_type: must be one of: GOOGLE_WORKSPACE, OKTA"]
        );
        let value = okta(json!({"name": "n"}));
        assert_eq!(
            errors("Request", value),
            ["data.attributes.integration_type: is required"]
        );
        let value = okta(json!({"integration_type": 7}));
        assert_eq!(
            errors("Request", value),
            ["data.attributes.integration_type: expected string, got integer"]
        );
        assert_eq!(
            errors("Attributes", json!([])),
            ["body: expected object, got array"]
        );
    }

    #[test]
    fn wrong_types_and_extra_properties_are_reported_without_values() {
        let value = okta(json!({
            "integration_type": "OKTA",
            "name": 42,
            "enabled": "yes",
            "secrets": {"api_token": true, "password": "hunter2-secret"},
            "color": "blue"
        }));
        let found = errors("Request", value);
        assert_eq!(
            found,
            [
                "data.attributes.color: is not allowed",
                "data.attributes.enabled: expected boolean, got string",
                "data.attributes.name: expected string, got integer",
                "data.attributes.secrets.api_token: expected string, got boolean",
                "data.attributes.secrets.password: is not allowed",
            ]
        );
        assert!(!found.concat().contains("hunter2"));
        assert!(!found.concat().contains("yes"));
    }

    #[test]
    fn enums_list_the_allowed_values() {
        let value = json!({"data": {"type": "other", "attributes": {
            "integration_type": "OKTA", "name": "n", "secrets": {"api_token": "t"}
        }}});
        assert_eq!(
            errors("Request", value),
            ["data.type: must be one of: integration_config"]
        );
    }

    #[test]
    fn formats_nullable_numbers_arrays_and_schema_valued_additional_properties() {
        let good = json!({
            "at": "2026-05-01T12:00:00Z", "note": null, "count": 3, "ratio": 0.5,
            "tags": ["a"], "extra": {"x": 1}
        });
        assert_eq!(errors("Stamped", good), Vec::<String>::new());
        let bad = json!({
            "at": "yesterday", "count": 1.5, "ratio": "half",
            "tags": ["a", 2], "extra": {"x": "one"}
        });
        assert_eq!(
            errors("Stamped", bad),
            [
                "at: is not an RFC 3339 date-time",
                "count: expected integer, got number",
                "extra.x: expected integer, got string",
                "ratio: expected number, got string",
                "tags[1]: expected string, got integer",
            ]
        );
        assert_eq!(
            errors("Stamped", json!({"count": null})),
            ["count: expected integer, got null"]
        );
    }

    #[test]
    fn one_of_without_a_discriminator_needs_exactly_one_match() {
        assert_eq!(errors("Either", json!("s")), Vec::<String>::new());
        assert_eq!(errors("Either", json!(1)), Vec::<String>::new());
        assert_eq!(
            errors("Either", json!(true)),
            ["body: matches 0 of the 2 allowed shapes (exactly one required)"]
        );
    }

    #[test]
    fn broken_schemas_are_errors_not_panics() {
        assert_eq!(
            errors("Loop", json!({})),
            ["body: schema: $ref chain too deep"]
        );
        assert_eq!(
            errors("Missing", json!({})),
            ["body: schema: unresolvable $ref #/components/schemas/Missing"]
        );
    }
}
