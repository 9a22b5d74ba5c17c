//! The resource's subset of a full OpenAPI document: its path items and the
//! transitive closure of the components they reference.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use serde_json::{Map, Value};

use super::is_resource_path;
use crate::Error;

/// Keys whose value is a mapping from *names* (not keywords) to objects. Below
/// them a key such as `example` or `value` is a property or media-type name,
/// not a literal to skip.
const NAME_MAPS: &[&str] = &[
    "properties",
    "patternProperties",
    "definitions",
    "schemas",
    "responses",
    "parameters",
    "requestBodies",
    "headers",
    "examples",
    "links",
    "callbacks",
    "securitySchemes",
    "content",
    "encoding",
    "mapping",
    "variables",
    "paths",
];

/// Keys whose value is literal data, where a `$ref` key means nothing.
const LITERALS: &[&str] = &["example", "default", "enum", "const", "value"];

/// Returns the standalone subset of `doc` (an OpenAPI 3.0 document as loaded
/// by [`super::load`]) for [`super::RESOURCE_PATH`]: `openapi`, `info`,
/// `servers`, `security`, the tags the operations use, the resource's path
/// items, and every component they reach through `$ref` or a discriminator
/// mapping, transitively. Components are copied whole.
///
/// Fails (naming `file`) on an external, unresolved or non-string `$ref`
/// reached from the resource, and on a path item that is a `$ref`; problems
/// in the rest of the document are not looked at.
pub fn extract(doc: &Value, file: &Path) -> Result<Value, Error> {
    let paths = doc
        .get("paths")
        .and_then(Value::as_object)
        .ok_or_else(|| Error::new(file, "missing or invalid `paths`"))?;
    let mut selected = Map::new();
    let mut pending: Vec<(Value, String)> = Vec::new();
    for (path, item) in paths.iter().filter(|(p, _)| is_resource_path(p)) {
        if item.get("$ref").is_some() {
            return Err(Error::new(
                file,
                format!(
                    "path `{path}` is a `$ref`; spec-diff reads inline path items only (as Datadog publishes them)"
                ),
            ));
        }
        let from = format!("paths.{path}");
        let mut refs = Vec::new();
        collect(item, false, &mut refs);
        pending.extend(refs.into_iter().map(|r| (r, from.clone())));
        selected.insert(path.clone(), item.clone());
    }

    // Breadth-first over component references; `reached` also breaks cycles.
    let mut reached: BTreeMap<String, BTreeSet<String>> = BTreeMap::new();
    while let Some((reference, from)) = pending.pop() {
        let Some((kind, name)) = resolve(doc, &reference, &from, file)? else {
            continue;
        };
        if !reached
            .entry(kind.clone())
            .or_default()
            .insert(name.clone())
        {
            continue;
        }
        let mut refs = Vec::new();
        collect(&doc["components"][&kind][&name], false, &mut refs);
        let from = format!("components.{kind}.{name}");
        pending.extend(refs.into_iter().map(|r| (r, from.clone())));
    }

    // Security schemes are referenced by name, not by `$ref`.
    let root_security = doc.get("security");
    let mut schemes = BTreeSet::new();
    let mut tags = BTreeSet::new();
    for op in selected
        .values()
        .filter_map(Value::as_object)
        .flat_map(|item| {
            item.iter()
                .filter(|(k, _)| super::diff::METHODS.contains(&k.as_str()))
                .map(|(_, op)| op)
        })
    {
        let security = op.get("security").or(root_security);
        for requirement in security.and_then(Value::as_array).into_iter().flatten() {
            schemes.extend(requirement.as_object().into_iter().flat_map(|m| m.keys()));
        }
        tags.extend(
            op.get("tags")
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .filter_map(Value::as_str),
        );
    }
    for name in schemes {
        if doc
            .pointer(&format!("/components/securitySchemes/{}", escape(name)))
            .is_some()
        {
            reached
                .entry("securitySchemes".to_string())
                .or_default()
                .insert(name.clone());
        }
    }

    let mut out = Map::new();
    out.insert("openapi".into(), doc["openapi"].clone());
    out.insert(
        "info".into(),
        doc.get("info").cloned().unwrap_or_else(
            || serde_json::json!({"title": "extracted by cargo xtask spec-diff", "version": ""}),
        ),
    );
    for key in ["servers", "security"] {
        if let Some(v) = doc.get(key) {
            out.insert(key.into(), v.clone());
        }
    }
    let used_tags: Vec<Value> = doc
        .get("tags")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter(|t| {
            t.get("name")
                .and_then(Value::as_str)
                .is_some_and(|n| tags.contains(n))
        })
        .cloned()
        .collect();
    if !used_tags.is_empty() {
        out.insert("tags".into(), Value::Array(used_tags));
    }
    out.insert("paths".into(), Value::Object(selected));
    let mut components = Map::new();
    for (kind, names) in reached {
        let all = &doc["components"][&kind];
        let picked: Map<String, Value> = names
            .into_iter()
            .map(|name| {
                let value = all[&name].clone();
                (name, value)
            })
            .collect();
        components.insert(kind, Value::Object(picked));
    }
    if !components.is_empty() {
        out.insert("components".into(), Value::Object(components));
    }
    Ok(Value::Object(out))
}

/// Every `$ref` value (and discriminator mapping target) under `node`.
/// `names` is true when the keys of `node` are names, not keywords.
fn collect(node: &Value, names: bool, out: &mut Vec<Value>) {
    match node {
        Value::Object(map) => {
            for (key, value) in map {
                if names {
                    collect(value, false, out);
                    continue;
                }
                match key.as_str() {
                    "$ref" => out.push(value.clone()),
                    "discriminator" => {
                        let targets = value.get("mapping").and_then(Value::as_object);
                        out.extend(targets.into_iter().flat_map(|m| m.values()).map(|t| {
                            match t.as_str() {
                                // A bare schema name is allowed in a mapping.
                                Some(name) if !name.contains('/') && !name.starts_with('#') => {
                                    Value::String(format!("#/components/schemas/{name}"))
                                }
                                _ => t.clone(),
                            }
                        }));
                    }
                    k if LITERALS.contains(&k) || k.starts_with("x-") => {}
                    k => collect(value, NAME_MAPS.contains(&k), out),
                }
            }
        }
        Value::Array(items) => items.iter().for_each(|item| collect(item, false, out)),
        _ => {}
    }
}

/// The component (`kind`, `name`) a reference points into, or `None` for a
/// reference into one of the resource's own path items.
fn resolve(
    doc: &Value,
    reference: &Value,
    from: &str,
    file: &Path,
) -> Result<Option<(String, String)>, Error> {
    let (reference, pointer) = crate::spec::local_ref(
        doc,
        reference,
        &format!("in {from}"),
        "spec-diff reads one self-contained document",
        file,
    )?;
    let segments: Vec<String> = pointer.split('/').skip(1).map(unescape).collect();
    match segments.as_slice() {
        [c, kind, name, ..] if c == "components" => Ok(Some((kind.clone(), name.clone()))),
        [p, path, ..] if p == "paths" && is_resource_path(path) => Ok(None),
        _ => Err(Error::new(
            file,
            format!(
                "`$ref: {reference}` in {from} points outside `components` and the resource's paths; spec-diff follows component references only"
            ),
        )),
    }
}

fn unescape(segment: &str) -> String {
    segment.replace("~1", "/").replace("~0", "~")
}

fn escape(name: &str) -> String {
    name.replace('~', "~0").replace('/', "~1")
}

/// The subset as YAML, top-level keys in the usual OpenAPI order, headed by a
/// comment naming its source.
pub fn to_yaml(subset: &Value, source: &str) -> Result<String, Error> {
    let fail =
        |e: serde_yaml::Error| Error::new(Path::new(source), format!("cannot write YAML: {e}"));
    let mut top = serde_yaml::Mapping::new();
    let order = [
        "openapi",
        "info",
        "servers",
        "security",
        "tags",
        "paths",
        "components",
    ];
    let map = subset.as_object().into_iter().flatten();
    let (known, rest): (Vec<_>, Vec<_>) = map.partition(|(k, _)| order.contains(&k.as_str()));
    let mut known = known;
    known.sort_by_key(|(k, _)| order.iter().position(|o| o == k));
    for (key, value) in known.into_iter().chain(rest) {
        top.insert(
            serde_yaml::Value::String(key.clone()),
            serde_yaml::to_value(value).map_err(fail)?,
        );
    }
    let body = serde_yaml::to_string(&top).map_err(fail)?;
    Ok(format!(
        "# The operations under {} and every component they reach,\n\
         # extracted by `cargo xtask spec-diff --extract` from {source}.\n\
         # A standalone OpenAPI document: the starting point for editing openapi/.\n{body}",
        super::RESOURCE_PATH
    ))
}
