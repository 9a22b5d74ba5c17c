//! The semantic comparison of two extracted subsets.

use std::collections::{BTreeMap, BTreeSet};

use serde_json::{Map, Value};

use super::Options;

/// The HTTP methods of an OpenAPI path item, in the order OpenAPI lists them.
pub(crate) const METHODS: &[&str] = &[
    "get", "put", "post", "delete", "options", "head", "patch", "trace",
];

/// Schema keywords compared as plain values (apart from type, format, enum,
/// properties, required, items, additionalProperties, the compositions and
/// the discriminator, which have their own change kinds).
const SCHEMA_KEYWORDS: &[&str] = &[
    "nullable",
    "readOnly",
    "writeOnly",
    "deprecated",
    "default",
    "minimum",
    "maximum",
    "exclusiveMinimum",
    "exclusiveMaximum",
    "multipleOf",
    "minLength",
    "maxLength",
    "pattern",
    "minItems",
    "maxItems",
    "uniqueItems",
    "minProperties",
    "maxProperties",
];

/// Text compared only with [`Options::text`].
const SCHEMA_TEXT: &[&str] = &[
    "title",
    "description",
    "example",
    "examples",
    "externalDocs",
];
const OPERATION_TEXT: &[&str] = &["summary", "description", "tags", "externalDocs"];
const PARAMETER_KEYWORDS: &[&str] = &[
    "style",
    "explode",
    "allowReserved",
    "allowEmptyValue",
    "deprecated",
];

/// One difference. `ours` and `upstream` hold the compared values (`None`
/// where one side has nothing), for `--json`.
#[derive(Debug, Clone, PartialEq)]
pub struct Change {
    /// Where inside the operation or schema (`""`: the operation or schema
    /// itself; `secrets.api_token`, `tags[]`, `settings.*`, `oneOf[1]`,
    /// `parameter query filter[x]`, `response 200 application/json`).
    pub at: String,
    /// What kind of change, in snake case (`enum_value_added`, `property_removed`, ...).
    pub kind: String,
    /// The change in words, for the terminal.
    pub message: String,
    /// Our side of the change.
    pub ours: Option<Value>,
    /// Upstream's side of the change.
    pub upstream: Option<Value>,
}

/// The changes to one operation or one component schema.
#[derive(Debug, Clone, PartialEq)]
pub struct Group {
    /// The operation's `operationId` (or `METHOD path` without one), or the schema's name.
    pub name: String,
    /// The changes, in a stable order.
    pub changes: Vec<Change>,
}

/// Everything that differs between our subset and upstream's, grouped and sorted by name.
#[derive(Debug, Clone, Default, PartialEq)]
pub struct Diff {
    /// Operations (keyed by `operationId`) with at least one change.
    pub operations: Vec<Group>,
    /// Component schemas (keyed by name) with at least one change.
    pub schemas: Vec<Group>,
}

impl Diff {
    /// Whether nothing differs.
    pub fn is_empty(&self) -> bool {
        self.operations.is_empty() && self.schemas.is_empty()
    }

    /// The number of changes.
    pub fn len(&self) -> usize {
        self.operations
            .iter()
            .chain(&self.schemas)
            .map(|g| g.changes.len())
            .sum()
    }
}

/// Compares two subsets produced by [`super::extract()`]: `ours` (the
/// fragment) and `upstream` (Datadog's spec).
pub fn diff(ours: &Value, upstream: &Value, options: Options) -> Diff {
    let mut result = Diff::default();

    let a = operations(ours);
    let b = operations(upstream);
    for name in keys(&a, &b) {
        let mut out = Out::new(options);
        match (a.get(name), b.get(name)) {
            (Some(op), None) => out.push(
                "",
                "operation_removed",
                format!("removed ({} {})", op.method.to_uppercase(), op.path),
                Some(op.value()),
                None,
            ),
            (None, Some(op)) => out.push(
                "",
                "operation_added",
                format!("added ({} {})", op.method.to_uppercase(), op.path),
                None,
                Some(op.value()),
            ),
            (Some(x), Some(y)) => operation(&mut out, (ours, x), (upstream, y)),
            (None, None) => {}
        }
        out.group(name, &mut result.operations);
    }

    let empty = Map::new();
    let a = component_map(ours, "schemas").unwrap_or(&empty);
    let b = component_map(upstream, "schemas").unwrap_or(&empty);
    for name in keys(a, b) {
        let mut out = Out::new(options);
        match (a.get(name), b.get(name)) {
            (Some(s), None) => out.push(
                "",
                "schema_removed",
                format!("removed (was {})", summary(Some(s))),
                Some(s.clone()),
                None,
            ),
            (None, Some(s)) => out.push(
                "",
                "schema_added",
                format!("added: {}", summary(Some(s))),
                None,
                Some(s.clone()),
            ),
            (Some(x), Some(y)) => schema(&mut out, "", x, y),
            (None, None) => {}
        }
        out.group(name, &mut result.schemas);
    }
    result
}

/// Collects the changes of one group.
struct Out {
    options: Options,
    changes: Vec<Change>,
}

impl Out {
    fn new(options: Options) -> Self {
        Self {
            options,
            changes: Vec::new(),
        }
    }

    fn push(
        &mut self,
        at: &str,
        kind: &str,
        message: String,
        ours: Option<Value>,
        upstream: Option<Value>,
    ) {
        self.changes.push(Change {
            at: at.to_string(),
            kind: kind.to_string(),
            message,
            ours,
            upstream,
        });
    }

    /// A `kind` change of the keyword `key` when its values differ.
    fn keyword(
        &mut self,
        at: &str,
        kind: &str,
        key: &str,
        a: &Map<String, Value>,
        b: &Map<String, Value>,
    ) {
        let (x, y) = (a.get(key), b.get(key));
        if x != y {
            self.push(
                at,
                kind,
                format!("{key}: {} -> {}", show(x), show(y)),
                x.cloned(),
                y.cloned(),
            );
        }
    }

    /// Text keywords, when [`Options::text`] asks for them. Strings are shown
    /// (cut to one short line); structured examples only named (`--json` has them).
    fn text(&mut self, at: &str, keys: &[&str], a: &Map<String, Value>, b: &Map<String, Value>) {
        if !self.options.text {
            return;
        }
        for key in keys {
            let (x, y) = (a.get(*key), b.get(*key));
            if x == y {
                continue;
            }
            let strings = |v: Option<&Value>| v.is_none_or(Value::is_string);
            let message = if strings(x) && strings(y) {
                format!("{key} changed: {} -> {}", excerpt(x), excerpt(y))
            } else {
                format!("{key} changed")
            };
            self.push(at, "text_changed", message, x.cloned(), y.cloned());
        }
    }

    fn group(self, name: &str, into: &mut Vec<Group>) {
        if !self.changes.is_empty() {
            into.push(Group {
                name: name.to_string(),
                changes: self.changes,
            });
        }
    }
}

/// One operation of a subset.
struct Op<'a> {
    method: String,
    path: String,
    op: &'a Map<String, Value>,
    item: &'a Map<String, Value>,
}

impl Op<'_> {
    fn value(&self) -> Value {
        serde_json::json!({
            "method": self.method.to_uppercase(),
            "path": self.path,
            "operation": self.op,
        })
    }
}

/// The operations of a subset by `operationId` (or `METHOD path`).
fn operations(doc: &Value) -> BTreeMap<String, Op<'_>> {
    let mut out = BTreeMap::new();
    for (path, item) in doc
        .get("paths")
        .and_then(Value::as_object)
        .into_iter()
        .flatten()
    {
        let Some(item) = item.as_object() else {
            continue;
        };
        for method in METHODS {
            let Some(op) = item.get(*method).and_then(Value::as_object) else {
                continue;
            };
            let name = op
                .get("operationId")
                .and_then(Value::as_str)
                .map(str::to_string)
                .unwrap_or_else(|| format!("{} {path}", method.to_uppercase()));
            out.insert(
                name,
                Op {
                    method: method.to_string(),
                    path: path.clone(),
                    op,
                    item,
                },
            );
        }
    }
    out
}

fn operation(out: &mut Out, (da, a): (&Value, &Op<'_>), (db, b): (&Value, &Op<'_>)) {
    if a.method != b.method {
        out.push(
            "",
            "method_changed",
            format!(
                "method changed: {} -> {}",
                a.method.to_uppercase(),
                b.method.to_uppercase()
            ),
            Some(Value::String(a.method.to_uppercase())),
            Some(Value::String(b.method.to_uppercase())),
        );
    }
    if a.path != b.path {
        out.push(
            "",
            "path_changed",
            format!("path changed: {} -> {}", a.path, b.path),
            Some(Value::String(a.path.clone())),
            Some(Value::String(b.path.clone())),
        );
    }

    parameters(out, (da, a), (db, b));

    // Request body.
    let ra = a.op.get("requestBody").map(|r| resolve(da, r));
    let rb = b.op.get("requestBody").map(|r| resolve(db, r));
    match (ra.and_then(Value::as_object), rb.and_then(Value::as_object)) {
        (Some(x), None) => out.push(
            "",
            "request_body_removed",
            format!("request body removed (was {})", body_summary(x)),
            Some(Value::Object(x.clone())),
            None,
        ),
        (None, Some(y)) => out.push(
            "",
            "request_body_added",
            format!("request body added: {}", body_summary(y)),
            None,
            Some(Value::Object(y.clone())),
        ),
        (Some(x), Some(y)) => {
            let (rx, ry) = (flag(x, "required"), flag(y, "required"));
            if rx != ry {
                out.push(
                    "request body",
                    "request_body_required_changed",
                    format!("required: {rx} -> {ry}"),
                    Some(Value::Bool(rx)),
                    Some(Value::Bool(ry)),
                );
            }
            out.text("request body", &["description"], x, y);
            content(out, "request body", x, y);
        }
        (None, None) => {}
    }

    // Responses, by status code.
    let empty = Map::new();
    let sa =
        a.op.get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
    let sb =
        b.op.get("responses")
            .and_then(Value::as_object)
            .unwrap_or(&empty);
    for status in keys(sa, sb) {
        let x = sa
            .get(status)
            .map(|r| resolve(da, r))
            .and_then(Value::as_object);
        let y = sb
            .get(status)
            .map(|r| resolve(db, r))
            .and_then(Value::as_object);
        match (x, y) {
            (Some(x), None) => out.push(
                "",
                "status_removed",
                format!("response removed: {status} ({})", body_summary(x)),
                Some(Value::Object(x.clone())),
                None,
            ),
            (None, Some(y)) => out.push(
                "",
                "status_added",
                format!("response added: {status} ({})", body_summary(y)),
                None,
                Some(Value::Object(y.clone())),
            ),
            (Some(x), Some(y)) => {
                let at = format!("response {status}");
                out.text(&at, &["description"], x, y);
                content(out, &at, x, y);
            }
            (None, None) => {}
        }
    }

    // Flags and access.
    out.keyword("", "keyword_changed", "deprecated", a.op, b.op);
    let (ua, ub) = (a.op.get("x-unstable"), b.op.get("x-unstable"));
    if ua.is_some() != ub.is_some() {
        let what = if ub.is_some() { "added" } else { "removed" };
        out.push(
            "",
            "unstable_changed",
            format!("preview flag (x-unstable) {what}"),
            ua.cloned(),
            ub.cloned(),
        );
    }
    out.keyword("", "permission_changed", "x-permission", a.op, b.op);
    let root = |d: &Value| d.get("security").cloned();
    let sec_a = a.op.get("security").cloned().or_else(|| root(da));
    let sec_b = b.op.get("security").cloned().or_else(|| root(db));
    if sec_a != sec_b {
        out.push(
            "",
            "security_changed",
            format!(
                "security changed: {} -> {}",
                security(sec_a.as_ref()),
                security(sec_b.as_ref())
            ),
            sec_a,
            sec_b,
        );
    }
    out.text("", OPERATION_TEXT, a.op, b.op);
    if out.options.text && ua.is_some() && ub.is_some() && ua != ub {
        out.push(
            "",
            "text_changed",
            format!("x-unstable changed: {} -> {}", excerpt(ua), excerpt(ub)),
            ua.cloned(),
            ub.cloned(),
        );
    }
}

/// Path-item and operation parameters, by `in` and `name`.
fn parameters(out: &mut Out, (da, a): (&Value, &Op<'_>), (db, b): (&Value, &Op<'_>)) {
    let pa = effective_parameters(da, a);
    let pb = effective_parameters(db, b);
    for key in keys(&pa, &pb) {
        match (pa.get(key), pb.get(key)) {
            (Some(x), None) => out.push(
                "",
                "parameter_removed",
                format!("parameter removed: {key} ({})", parameter_summary(x)),
                Some(Value::Object((*x).clone())),
                None,
            ),
            (None, Some(y)) => out.push(
                "",
                "parameter_added",
                format!("parameter added: {key} ({})", parameter_summary(y)),
                None,
                Some(Value::Object((*y).clone())),
            ),
            (Some(x), Some(y)) => {
                let at = format!("parameter {key}");
                let (rx, ry) = (flag(x, "required"), flag(y, "required"));
                if rx != ry {
                    out.push(
                        &at,
                        "parameter_required_changed",
                        format!("required: {rx} -> {ry}"),
                        Some(Value::Bool(rx)),
                        Some(Value::Bool(ry)),
                    );
                }
                for keyword in PARAMETER_KEYWORDS {
                    out.keyword(&at, "keyword_changed", keyword, x, y);
                }
                optional_schema(out, &at, x.get("schema"), y.get("schema"));
                out.text(&at, &["description", "example", "examples"], x, y);
            }
            (None, None) => {}
        }
    }
}

/// Operation parameters override path-item parameters with the same `in` and `name`.
fn effective_parameters<'a>(
    doc: &'a Value,
    op: &Op<'a>,
) -> BTreeMap<String, &'a Map<String, Value>> {
    let mut out = BTreeMap::new();
    let lists = [op.item.get("parameters"), op.op.get("parameters")];
    for p in lists
        .into_iter()
        .flatten()
        .filter_map(Value::as_array)
        .flatten()
    {
        let Some(p) = resolve(doc, p).as_object() else {
            continue;
        };
        let location = p.get("in").and_then(Value::as_str).unwrap_or("?");
        let name = p.get("name").and_then(Value::as_str).unwrap_or("?");
        out.insert(format!("{location} {name}"), p);
    }
    out
}

/// Media types of a request body or response, and their schemas.
fn content(out: &mut Out, at: &str, a: &Map<String, Value>, b: &Map<String, Value>) {
    let empty = Map::new();
    let ca = a
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let cb = b
        .get("content")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for media in keys(ca, cb) {
        let (x, y) = (ca.get(media), cb.get(media));
        match (x, y) {
            (Some(x), None) => out.push(
                at,
                "media_type_removed",
                format!("media type removed: {media} ({})", summary(x.get("schema"))),
                Some(x.clone()),
                None,
            ),
            (None, Some(y)) => out.push(
                at,
                "media_type_added",
                format!("media type added: {media} ({})", summary(y.get("schema"))),
                None,
                Some(y.clone()),
            ),
            (Some(x), Some(y)) => {
                let here = format!("{at} {media}");
                optional_schema(out, &here, x.get("schema"), y.get("schema"));
                if let (Some(x), Some(y)) = (x.as_object(), y.as_object()) {
                    out.text(&here, &["example", "examples"], x, y);
                }
            }
            (None, None) => {}
        }
    }
}

fn optional_schema(out: &mut Out, at: &str, a: Option<&Value>, b: Option<&Value>) {
    match (a, b) {
        (Some(x), Some(y)) => schema(out, at, x, y),
        (None, None) => {}
        (x, y) => out.push(
            at,
            "schema_changed",
            format!("schema: {} -> {}", summary(x), summary(y)),
            x.cloned(),
            y.cloned(),
        ),
    }
}

/// Compares two schemas. A `$ref` is compared by its target's name only: the
/// target is a component schema with its own group.
fn schema(out: &mut Out, at: &str, a: &Value, b: &Value) {
    let (Some(a), Some(b)) = (a.as_object(), b.as_object()) else {
        if a != b {
            out.push(
                at,
                "schema_changed",
                format!("schema: {} -> {}", show(Some(a)), show(Some(b))),
                Some(a.clone()),
                Some(b.clone()),
            );
        }
        return;
    };
    let (ra, rb) = (a.get("$ref"), b.get("$ref"));
    if ra.is_some() || rb.is_some() {
        if ra != rb {
            let (x, y) = (Value::Object(a.clone()), Value::Object(b.clone()));
            out.push(
                at,
                "ref_changed",
                format!("schema: {} -> {}", summary(Some(&x)), summary(Some(&y))),
                Some(x),
                Some(y),
            );
        }
        return;
    }

    out.keyword(at, "type_changed", "type", a, b);
    out.keyword(at, "format_changed", "format", a, b);

    // Enum values.
    let values = |m: &Map<String, Value>| -> Vec<Value> {
        m.get("enum")
            .and_then(Value::as_array)
            .cloned()
            .unwrap_or_default()
    };
    let (ea, eb) = (values(a), values(b));
    for v in &eb {
        if !ea.contains(v) {
            out.push(
                at,
                "enum_value_added",
                format!("enum value added: {}", show(Some(v))),
                None,
                Some(v.clone()),
            );
        }
    }
    for v in &ea {
        if !eb.contains(v) {
            out.push(
                at,
                "enum_value_removed",
                format!("enum value removed: {}", show(Some(v))),
                Some(v.clone()),
                None,
            );
        }
    }

    // Properties.
    let empty = Map::new();
    let pa = a
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    let pb = b
        .get("properties")
        .and_then(Value::as_object)
        .unwrap_or(&empty);
    for name in keys(pa, pb) {
        match (pa.get(name), pb.get(name)) {
            (Some(x), None) => out.push(
                at,
                "property_removed",
                format!("property removed: {name} ({})", summary(Some(x))),
                Some(x.clone()),
                None,
            ),
            (None, Some(y)) => out.push(
                at,
                "property_added",
                format!("property added: {name} ({})", summary(Some(y))),
                None,
                Some(y.clone()),
            ),
            (Some(x), Some(y)) => schema(out, &join(at, name), x, y),
            (None, None) => {}
        }
    }

    // Required.
    let required = |m: &Map<String, Value>| -> BTreeSet<String> {
        m.get("required")
            .and_then(Value::as_array)
            .into_iter()
            .flatten()
            .filter_map(|v| v.as_str().map(str::to_string))
            .collect()
    };
    let (qa, qb) = (required(a), required(b));
    for name in qb.difference(&qa) {
        out.push(
            at,
            "required_added",
            format!("now required: {name}"),
            None,
            Some(Value::String(name.clone())),
        );
    }
    for name in qa.difference(&qb) {
        out.push(
            at,
            "required_removed",
            format!("no longer required: {name}"),
            Some(Value::String(name.clone())),
            None,
        );
    }

    // Array items, map values, negation.
    for (key, suffix) in [("items", "[]"), ("not", ".not")] {
        match (a.get(key), b.get(key)) {
            (Some(x), Some(y)) => schema(out, &format!("{at}{suffix}"), x, y),
            (None, None) => {}
            (x, y) => out.push(
                at,
                &format!("{key}_changed"),
                format!("{key}: {} -> {}", summary(x), summary(y)),
                x.cloned(),
                y.cloned(),
            ),
        }
    }
    match (a.get("additionalProperties"), b.get("additionalProperties")) {
        (Some(x @ Value::Object(_)), Some(y @ Value::Object(_))) => {
            schema(out, &join(at, "*"), x, y)
        }
        (x, y) if x != y => out.push(
            at,
            "additional_properties_changed",
            format!(
                "additionalProperties: {} -> {}",
                additional(x),
                additional(y)
            ),
            x.cloned(),
            y.cloned(),
        ),
        _ => {}
    }

    // Compositions.
    for (key, kind) in [
        ("oneOf", "one_of"),
        ("anyOf", "any_of"),
        ("allOf", "all_of"),
    ] {
        let members = |m: &Map<String, Value>| -> Vec<(String, Value)> {
            m.get(key)
                .and_then(Value::as_array)
                .into_iter()
                .flatten()
                .enumerate()
                .map(|(i, v)| (member_key(i, v), v.clone()))
                .collect()
        };
        let (ma, mb) = (members(a), members(b));
        let ka: BTreeMap<&str, &Value> = ma.iter().map(|(k, v)| (k.as_str(), v)).collect();
        let kb: BTreeMap<&str, &Value> = mb.iter().map(|(k, v)| (k.as_str(), v)).collect();
        for name in keys(&ka, &kb) {
            match (ka.get(name), kb.get(name)) {
                (Some(x), None) => out.push(
                    at,
                    &format!("{kind}_member_removed"),
                    format!("{key} member removed: {}", summary(Some(x))),
                    Some((*x).clone()),
                    None,
                ),
                (None, Some(y)) => out.push(
                    at,
                    &format!("{kind}_member_added"),
                    format!("{key} member added: {}", summary(Some(y))),
                    None,
                    Some((*y).clone()),
                ),
                (Some(x), Some(y)) => schema(out, &join(at, &format!("{key}{name}")), x, y),
                (None, None) => {}
            }
        }
    }

    discriminator(out, at, a.get("discriminator"), b.get("discriminator"));

    for keyword in SCHEMA_KEYWORDS {
        out.keyword(at, "keyword_changed", keyword, a, b);
    }
    out.text(at, SCHEMA_TEXT, a, b);
}

fn discriminator(out: &mut Out, at: &str, a: Option<&Value>, b: Option<&Value>) {
    let property = |d: Option<&Value>| d.and_then(|d| d.get("propertyName")).cloned();
    let mapping = |d: Option<&Value>| -> BTreeMap<String, String> {
        d.and_then(|d| d.get("mapping"))
            .and_then(Value::as_object)
            .into_iter()
            .flatten()
            .map(|(k, v)| {
                (
                    k.clone(),
                    ref_name(v.as_str().unwrap_or_default()).to_string(),
                )
            })
            .collect()
    };
    match (a, b) {
        (None, None) => return,
        (Some(x), None) => out.push(
            at,
            "discriminator_removed",
            format!(
                "discriminator removed (was on {})",
                show(property(a).as_ref())
            ),
            Some(x.clone()),
            None,
        ),
        (None, Some(y)) => out.push(
            at,
            "discriminator_added",
            format!("discriminator added on {}", show(property(b).as_ref())),
            None,
            Some(y.clone()),
        ),
        (Some(_), Some(_)) => {
            let (x, y) = (property(a), property(b));
            if x != y {
                out.push(
                    at,
                    "discriminator_property_changed",
                    format!(
                        "discriminator propertyName: {} -> {}",
                        show(x.as_ref()),
                        show(y.as_ref())
                    ),
                    x,
                    y,
                );
            }
        }
    }
    let (ma, mb) = (mapping(a), mapping(b));
    for value in keys(&ma, &mb) {
        let (x, y) = (ma.get(value), mb.get(value));
        let (vx, vy) = (x.cloned().map(Value::String), y.cloned().map(Value::String));
        match (x, y) {
            (Some(x), None) => out.push(
                at,
                "discriminator_mapping_removed",
                format!("discriminator mapping removed: {value} -> {x}"),
                vx,
                None,
            ),
            (None, Some(y)) => out.push(
                at,
                "discriminator_mapping_added",
                format!("discriminator mapping added: {value} -> {y}"),
                None,
                vy,
            ),
            (Some(x), Some(y)) if x != y => out.push(
                at,
                "discriminator_mapping_changed",
                format!("discriminator mapping changed: {value} -> {x} became {y}"),
                vx,
                vy,
            ),
            _ => {}
        }
    }
}

/// The sorted union of two maps' keys.
fn keys<'a>(a: &'a impl Keys, b: &'a impl Keys) -> BTreeSet<&'a str> {
    a.key_strs().chain(b.key_strs()).collect()
}

/// Lets [`keys`] take both `BTreeMap<String | &str, _>` and `serde_json::Map`.
trait Keys {
    fn key_strs(&self) -> Box<dyn Iterator<Item = &str> + '_>;
}

impl Keys for Map<String, Value> {
    fn key_strs(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        Box::new(self.keys().map(String::as_str))
    }
}

impl<V> Keys for BTreeMap<String, V> {
    fn key_strs(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        Box::new(self.keys().map(String::as_str))
    }
}

impl<V> Keys for BTreeMap<&str, V> {
    fn key_strs(&self) -> Box<dyn Iterator<Item = &str> + '_> {
        Box::new(self.keys().copied())
    }
}

fn component_map<'a>(doc: &'a Value, kind: &str) -> Option<&'a Map<String, Value>> {
    doc.get("components")?.get(kind)?.as_object()
}

/// Follows a local `$ref` (a few levels deep) to what it points at.
fn resolve<'a>(doc: &'a Value, mut node: &'a Value) -> &'a Value {
    for _ in 0..8 {
        match node
            .get("$ref")
            .and_then(Value::as_str)
            .and_then(|r| r.strip_prefix('#'))
            .and_then(|p| doc.pointer(p))
        {
            Some(target) => node = target,
            None => break,
        }
    }
    node
}

fn flag(m: &Map<String, Value>, key: &str) -> bool {
    m.get(key).and_then(Value::as_bool).unwrap_or(false)
}

fn join(at: &str, name: &str) -> String {
    match (at.is_empty(), name.starts_with('[')) {
        (true, _) => name.to_string(),
        (false, true) => format!("{at}{name}"),
        (false, false) => format!("{at}.{name}"),
    }
}

/// A composition member's identity: its `$ref` target, or its position.
fn member_key(i: usize, v: &Value) -> String {
    match v.get("$ref").and_then(Value::as_str) {
        Some(r) => format!("[{}]", ref_name(r)),
        None => format!("[{i}]"),
    }
}

fn ref_name(r: &str) -> &str {
    r.rsplit('/').next().unwrap_or(r)
}

/// A short description of a schema: `string (date-time)`, `array of X`,
/// `map of string`, `oneOf(A, B)`, `X` for a `$ref`.
pub(crate) fn summary(schema: Option<&Value>) -> String {
    let Some(schema) = schema else {
        return "(none)".to_string();
    };
    let Some(m) = schema.as_object() else {
        return show(Some(schema));
    };
    if let Some(r) = m.get("$ref").and_then(Value::as_str) {
        return ref_name(r).to_string();
    }
    for key in ["oneOf", "anyOf", "allOf"] {
        if let Some(members) = m.get(key).and_then(Value::as_array) {
            let names: Vec<String> = members.iter().map(|v| summary(Some(v))).collect();
            return format!("{key}({})", names.join(", "));
        }
    }
    let ty = m.get("type").and_then(Value::as_str).unwrap_or("any");
    let mut s = match ty {
        "array" => format!("array of {}", summary(m.get("items"))),
        "object" => match m.get("additionalProperties") {
            Some(ap @ Value::Object(o)) if !m.contains_key("properties") && !o.is_empty() => {
                format!("map of {}", summary(Some(ap)))
            }
            _ if m.contains_key("properties") => object_summary(m),
            Some(Value::Object(_) | Value::Bool(true)) => "free-form object".to_string(),
            _ => "object".to_string(),
        },
        _ => ty.to_string(),
    };
    if let Some(format) = m.get("format").and_then(Value::as_str) {
        s.push_str(&format!(" ({format})"));
    }
    if let Some(values) = m.get("enum").and_then(Value::as_array) {
        let shown: Vec<String> = values.iter().map(|v| show(Some(v))).collect();
        s.push_str(&format!(" enum [{}]", shown.join(", ")));
    }
    for flag in ["nullable", "readOnly", "writeOnly"] {
        if m.get(flag) == Some(&Value::Bool(true)) {
            s.push_str(&format!(", {flag}"));
        }
    }
    s
}

/// `object {a*, b}`: property names, `*` marking required ones, at most six.
fn object_summary(m: &Map<String, Value>) -> String {
    let required: BTreeSet<&str> = m
        .get("required")
        .and_then(Value::as_array)
        .into_iter()
        .flatten()
        .filter_map(Value::as_str)
        .collect();
    let properties = m.get("properties").and_then(Value::as_object);
    let mut names: Vec<String> = properties
        .into_iter()
        .flat_map(|p| p.keys())
        .take(6)
        .map(|k| {
            let star = if required.contains(k.as_str()) {
                "*"
            } else {
                ""
            };
            format!("{k}{star}")
        })
        .collect();
    if properties.is_some_and(|p| p.len() > 6) {
        names.push("…".to_string());
    }
    format!("object {{{}}}", names.join(", "))
}

fn body_summary(m: &Map<String, Value>) -> String {
    match m.get("content").and_then(Value::as_object) {
        Some(content) if !content.is_empty() => content
            .iter()
            .map(|(media, v)| format!("{media} {}", summary(v.get("schema"))))
            .collect::<Vec<_>>()
            .join(", "),
        _ => "no body".to_string(),
    }
}

fn parameter_summary(m: &Map<String, Value>) -> String {
    let required = if flag(m, "required") {
        "required"
    } else {
        "optional"
    };
    format!("{required}, {}", summary(m.get("schema")))
}

fn additional(v: Option<&Value>) -> String {
    match v {
        None => "(none)".to_string(),
        Some(Value::Object(o)) if o.is_empty() => "{}".to_string(),
        Some(v @ Value::Object(_)) => summary(Some(v)),
        Some(v) => show(Some(v)),
    }
}

fn security(v: Option<&Value>) -> String {
    let Some(list) = v.and_then(Value::as_array) else {
        return show(v);
    };
    let alternatives: Vec<String> = list
        .iter()
        .map(|req| {
            let schemes: Vec<String> = req
                .as_object()
                .into_iter()
                .flatten()
                .map(|(name, scopes)| match scopes.as_array() {
                    Some(s) if !s.is_empty() => format!("{name}[{}]", show_list(s)),
                    _ => name.clone(),
                })
                .collect();
            if schemes.is_empty() {
                "none".to_string()
            } else {
                schemes.join("+")
            }
        })
        .collect();
    alternatives.join(" | ")
}

fn show_list(values: &[Value]) -> String {
    values
        .iter()
        .map(|v| show(Some(v)))
        .collect::<Vec<_>>()
        .join(", ")
}

/// A value on one line: strings bare, anything else as compact JSON.
pub(crate) fn show(v: Option<&Value>) -> String {
    match v {
        None => "(none)".to_string(),
        Some(Value::String(s)) => s.clone(),
        Some(v) => v.to_string(),
    }
}

/// A text value on one line, quoted and cut at 60 characters.
fn excerpt(v: Option<&Value>) -> String {
    let Some(v) = v else {
        return "(none)".to_string();
    };
    let text = match v {
        Value::String(s) => s.split_whitespace().collect::<Vec<_>>().join(" "),
        v => v.to_string(),
    };
    let mut cut: String = text.chars().take(60).collect();
    if cut.len() < text.len() {
        cut.push('…');
    }
    format!("{cut:?}")
}
