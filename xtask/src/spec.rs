//! Loading and validating the OpenAPI fragment before progenitor sees it, so
//! that every problem ends in one clear message instead of a panic.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use openapiv3::{OpenAPI, ReferenceOr};
use serde_json::Value;

use crate::Error;

/// A loaded, validated spec: the typed document plus the raw JSON tree
/// (for the parts progenitor ignores, such as `servers`).
#[derive(Debug, Clone)]
pub struct Spec {
    /// The typed OpenAPI document.
    pub doc: OpenAPI,
    /// The same document as plain JSON.
    pub raw: Value,
}

/// Reads, parses and validates `path` (shown in errors as `display`).
pub fn load(path: &Path, display: &Path) -> Result<Spec, Error> {
    let text = std::fs::read_to_string(path)
        .map_err(|e| Error::new(display, format!("cannot read the spec: {e}")))?;
    parse(&text, display)
}

/// Reads YAML (or JSON) text as JSON, with a one-paragraph error giving the
/// line and column. Through `serde_yaml::Value`: it rejects duplicate keys,
/// which a direct `serde_json::Value` target would silently overwrite.
pub fn yaml_to_json(text: &str, file: &Path) -> Result<Value, Error> {
    let yaml: serde_yaml::Value = serde_yaml::from_str(text).map_err(|e| {
        let at = e
            .location()
            .map(|l| format!("line {}, column {}: ", l.line(), l.column()))
            .unwrap_or_default();
        Error::new(file, format!("{at}invalid YAML: {e}"))
    })?;
    serde_json::to_value(&yaml).map_err(|e| {
        Error::new(
            file,
            format!("the YAML cannot be read as JSON (non-string keys?): {e}"),
        )
    })
}

/// Parses and validates spec text; `file` names it in errors.
pub fn parse(text: &str, file: &Path) -> Result<Spec, Error> {
    let raw = yaml_to_json(text, file)?;
    check_version(&raw, file)?;
    check_refs(&raw, &raw, "#", file)?;
    let doc: OpenAPI = serde_json::from_value(raw.clone())
        .map_err(|e| Error::new(file, format!("not a valid OpenAPI 3.0 document: {e}")))?;
    check_operations(&doc, file)?;
    Ok(Spec { doc, raw })
}

fn check_version(raw: &Value, file: &Path) -> Result<(), Error> {
    match raw.get("openapi").and_then(Value::as_str) {
        Some(v) if v.starts_with("3.0.") => Ok(()),
        None if raw.get("openapi").is_some() => Err(Error::new(
            file,
            format!(
                "`openapi: {}` is not a version string; write `openapi: 3.0.3`",
                raw["openapi"]
            ),
        )),
        Some(v) => Err(Error::new(
            file,
            format!(
                "OpenAPI {v} is not supported: progenitor reads OpenAPI 3.0.x only. \
                 Write the fragment as `openapi: 3.0.3` (3.1 constructs such as \
                 `type: [string, \"null\"]` become `nullable: true`)."
            ),
        )),
        None => Err(Error::new(
            file,
            "missing `openapi` version field: this file must be an OpenAPI 3.0.3 document",
        )),
    }
}

/// The text and JSON pointer of `reference`, a `$ref` found `place` (`at /paths/…`):
/// it must be a string, local (`#/...`; `external` says what is supported
/// instead) and point at something in `root`.
pub(crate) fn local_ref<'r>(
    root: &Value,
    reference: &'r Value,
    place: &str,
    external: &str,
    file: &Path,
) -> Result<(&'r str, &'r str), Error> {
    let Some(r) = reference.as_str() else {
        return Err(Error::new(
            file,
            format!(
                "`$ref` {place} must be a string such as `#/components/schemas/Name`, not `{reference}`"
            ),
        ));
    };
    let Some(pointer) = r.strip_prefix('#') else {
        return Err(Error::new(
            file,
            format!("`$ref: {r}` {place} is external; {external}"),
        ));
    };
    if root.pointer(pointer).is_none() {
        return Err(Error::new(
            file,
            format!("unresolved `$ref: {r}` {place}: nothing in this file has that path"),
        ));
    }
    Ok((r, pointer))
}

/// Every `$ref` must be local (`#/...`) and point at something that exists.
fn check_refs(root: &Value, node: &Value, at: &str, file: &Path) -> Result<(), Error> {
    match node {
        Value::Object(map) => {
            if let Some(r) = map.get("$ref") {
                local_ref(
                    root,
                    r,
                    &format!("at {at}"),
                    "only local references (`#/components/...`) are supported",
                    file,
                )?;
            }
            map.iter().try_for_each(|(k, v)| {
                let key = k.replace('~', "~0").replace('/', "~1");
                check_refs(root, v, &format!("{at}/{key}"), file)
            })
        }
        Value::Array(items) => items
            .iter()
            .enumerate()
            .try_for_each(|(i, v)| check_refs(root, v, &format!("{at}/{i}"), file)),
        _ => Ok(()),
    }
}

/// The operation-level rules progenitor enforces by panicking (or reports
/// without naming the file): operation IDs, one request media type, and one
/// error schema per operation.
fn check_operations(doc: &OpenAPI, file: &Path) -> Result<(), Error> {
    let mut seen: BTreeMap<String, String> = BTreeMap::new();
    for (path, item) in &doc.paths.paths {
        let ReferenceOr::Item(item) = item else {
            return Err(Error::new(
                file,
                format!("path `{path}` is a `$ref`; inline the path item"),
            ));
        };
        for (method, op) in item.iter() {
            let here = format!("{} {path}", method.to_uppercase());
            let Some(id) = op
                .operation_id
                .as_deref()
                .filter(|id| !id.trim().is_empty())
            else {
                return Err(Error::new(
                    file,
                    format!(
                        "operation `{here}` has no `operationId`; every operation needs a unique one (Datadog's, e.g. `CreateSecurityMonitoringIntegrationConfig`)"
                    ),
                ));
            };
            if let Some(first) = seen.insert(id.to_string(), here.clone()) {
                return Err(Error::new(
                    file,
                    format!(
                        "duplicate `operationId: {id}` on `{first}` and `{here}`; operation IDs must be unique"
                    ),
                ));
            }
            if let Some(ReferenceOr::Item(body)) = &op.request_body
                && body.content.len() > 1
            {
                return Err(Error::new(
                    file,
                    format!(
                        "operation `{id}` declares {} request media types; progenitor supports exactly one (keep `application/json`)",
                        body.content.len()
                    ),
                ));
            }
            check_path_params(doc, path, &item.parameters, op, id, file)?;
            check_error_schemas(doc, op, id, file)?;
        }
    }
    Ok(())
}

/// Path parameters and `{name}` placeholders must match one to one:
/// progenitor silently generates a useless argument for one stray path
/// parameter and panics (while sorting) for several.
fn check_path_params(
    doc: &OpenAPI,
    path: &str,
    item_params: &[ReferenceOr<openapiv3::Parameter>],
    op: &openapiv3::Operation,
    id: &str,
    file: &Path,
) -> Result<(), Error> {
    let placeholders: BTreeSet<&str> = path
        .split('{')
        .skip(1)
        .filter_map(|rest| rest.split_once('}').map(|(name, _)| name))
        .collect();
    let declared: BTreeSet<&str> = item_params
        .iter()
        .chain(&op.parameters)
        .filter_map(|p| match p {
            ReferenceOr::Item(p) => Some(p),
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                match doc.components.as_ref()?.parameters.get(name)? {
                    ReferenceOr::Item(p) => Some(p),
                    ReferenceOr::Reference { .. } => None,
                }
            }
        })
        .filter(|p| matches!(p, openapiv3::Parameter::Path { .. }))
        .map(|p| p.parameter_data_ref().name.as_str())
        .collect();
    if let Some(name) = declared.difference(&placeholders).next() {
        return Err(Error::new(
            file,
            format!(
                "operation `{id}` declares the path parameter `{name}`, but the path `{path}` has no `{{{name}}}` placeholder"
            ),
        ));
    }
    if let Some(name) = placeholders.difference(&declared).next() {
        return Err(Error::new(
            file,
            format!(
                "path `{path}` has the placeholder `{{{name}}}`, but operation `{id}` declares no `in: path` parameter named `{name}`"
            ),
        ));
    }
    Ok(())
}

fn check_error_schemas(
    doc: &OpenAPI,
    op: &openapiv3::Operation,
    id: &str,
    file: &Path,
) -> Result<(), Error> {
    let mut schemas: BTreeMap<String, String> = BTreeMap::new();
    // progenitor counts 4xx, 5xx and `default` as error responses.
    let errors = op
        .responses
        .responses
        .iter()
        .map(|(status, r)| (status.to_string(), r))
        .filter(|(code, _)| code.starts_with('4') || code.starts_with('5'))
        .chain(
            op.responses
                .default
                .as_ref()
                .map(|r| ("default".to_string(), r)),
        );
    for (code, response) in errors {
        let response = match response {
            ReferenceOr::Item(r) => r,
            ReferenceOr::Reference { reference } => {
                let name = reference.rsplit('/').next().unwrap_or_default();
                match doc.components.as_ref().and_then(|c| c.responses.get(name)) {
                    Some(ReferenceOr::Item(r)) => r,
                    _ => continue,
                }
            }
        };
        let schema = response
            .content
            .values()
            .next()
            .and_then(|m| m.schema.as_ref())
            .map(|s| match s {
                ReferenceOr::Reference { reference } => reference.clone(),
                ReferenceOr::Item(item) => serde_json::to_string(item).unwrap_or_default(),
            })
            .unwrap_or_else(|| "(no body)".to_string());
        schemas.insert(code, schema);
    }
    let distinct: BTreeSet<&String> = schemas.values().collect();
    if distinct.len() > 1 {
        let listing = schemas
            .iter()
            .map(|(code, s)| format!("{code} -> {s}"))
            .collect::<Vec<_>>()
            .join(", ");
        return Err(Error::new(
            file,
            format!(
                "operation `{id}` has error responses with different schemas ({listing}); progenitor needs one error schema per operation: use `APIErrorResponse` for all of them"
            ),
        ));
    }
    Ok(())
}
