//! `cargo xtask spec-diff` on synthetic upstream documents written for these
//! tests: one test per kind of change (each must be reported as exactly that
//! change), extraction (unrelated operations ignored, `$ref` cycles,
//! discriminator mappings, a valid standalone document), and unusable inputs.
//!
//! Only `fragment_*` tests read the real fragment, and only to compare it with
//! itself or with a copy edited at run time: they hold whatever it contains.

use std::path::Path;

use serde_json::{Value, json};
use xtask::spec_diff::{self, Change, Diff, Options, RESOURCE_PATH};

/// A small upstream document in Datadog's style (`fixtures/spec_diff_upstream.yaml`): list/create on the resource,
/// get/delete on `/{config_id}`, a `oneOf` with a discriminator, typed
/// secrets, refs to response and parameter components, a `$ref` cycle
/// (`Node` -> `Node`, `Node` <-> `Peer`), and things the diff must ignore (a
/// sibling path that only shares a prefix, a broken unrelated operation, an
/// unused schema).
const BASE: &str = include_str!("fixtures/spec_diff_upstream.yaml");

const R: &str = "/paths/~1api~1v2~1security_monitoring~1configuration~1integration_config";
const RID: &str =
    "/paths/~1api~1v2~1security_monitoring~1configuration~1integration_config~1{config_id}";

fn base() -> Value {
    spec_diff::load(BASE, Path::new("base.yaml")).expect("BASE loads")
}

fn yaml(doc: &Value) -> String {
    serde_yaml::to_string(doc).expect("serialize YAML")
}

/// `BASE` with `edit` applied, as YAML.
fn edited(edit: impl FnOnce(&mut Value)) -> String {
    let mut doc = base();
    edit(&mut doc);
    yaml(&doc)
}

/// The node at a JSON pointer, which must exist.
fn at<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut Value {
    doc.pointer_mut(pointer)
        .unwrap_or_else(|| panic!("no {pointer} in the document"))
}

fn object<'a>(doc: &'a mut Value, pointer: &str) -> &'a mut serde_json::Map<String, Value> {
    at(doc, pointer).as_object_mut().expect("an object")
}

fn run(ours: &str, upstream: &str, options: Options) -> Diff {
    spec_diff::run(
        (ours, Path::new("ours.yaml")),
        (upstream, Path::new("upstream.yaml")),
        options,
    )
    .unwrap_or_else(|e| panic!("spec-diff failed: {e}"))
}

/// The one change between `ours` and `upstream`, with its section
/// (`operation`/`schema`) and group name; fails unless there is exactly one.
fn only_change(ours: &str, upstream: &str) -> (&'static str, String, Change) {
    let diff = run(ours, upstream, Options::default());
    let shown = diff.render("ours", "upstream");
    assert_eq!(diff.len(), 1, "expected exactly one change:\n{shown}");
    let (section, group) = match (diff.operations.first(), diff.schemas.first()) {
        (Some(g), None) => ("operation", g),
        (None, Some(g)) => ("schema", g),
        _ => unreachable!("one change is in one group"),
    };
    (section, group.name.clone(), group.changes[0].clone())
}

/// Asserts that `edit` on BASE is reported as exactly one change with this
/// section, group, location, kind and message; and that the reverse
/// comparison is exactly one change too.
#[track_caller]
fn assert_one(edit: impl FnOnce(&mut Value), expected: (&str, &str, &str, &str, &str)) {
    let (section, group, at_, kind, message) = expected;
    let upstream = edited(edit);
    let (s, g, change) = only_change(BASE, &upstream);
    assert_eq!(
        (
            s,
            g.as_str(),
            change.at.as_str(),
            change.kind.as_str(),
            change.message.as_str()
        ),
        (section, group, at_, kind, message),
    );
    let (s_rev, g_rev, _) = only_change(&upstream, BASE);
    assert_eq!(
        (s_rev, g_rev.as_str()),
        (section, group),
        "reverse direction"
    );
}

#[test]
fn identical_documents_do_not_differ() {
    let diff = run(BASE, BASE, Options { text: true });
    assert!(diff.is_empty(), "{}", diff.render("ours", "upstream"));
    assert_eq!(
        diff.render("ours.yaml", "upstream.yaml"),
        format!(
            "no difference: ours.yaml matches the {RESOURCE_PATH} operations of upstream.yaml\n"
        )
    );
    // The same document, re-serialized with keys in another order.
    let diff = run(BASE, &yaml(&base()), Options { text: true });
    assert!(diff.is_empty(), "{}", diff.render("ours", "upstream"));
}

// ---- operations -----------------------------------------------------------

#[test]
fn operation_added() {
    assert_one(
        |d| {
            object(d, RID).insert(
                "post".into(),
                json!({"operationId": "ValidateConfig", "responses": {
                    "200": {"description": "OK"},
                    "404": {"$ref": "#/components/responses/NotFoundResponse"}}}),
            );
        },
        (
            "operation",
            "ValidateConfig",
            "",
            "operation_added",
            &format!("added (POST {RESOURCE_PATH}/{{config_id}})"),
        ),
    );
}

#[test]
fn operation_removed() {
    assert_one(
        |d| {
            object(d, RID).remove("delete");
        },
        (
            "operation",
            "DeleteConfig",
            "",
            "operation_removed",
            &format!("removed (DELETE {RESOURCE_PATH}/{{config_id}})"),
        ),
    );
}

#[test]
fn operation_method_changed() {
    assert_one(
        |d| {
            let op = object(d, RID).remove("delete").expect("delete");
            object(d, RID).insert("post".into(), op);
        },
        (
            "operation",
            "DeleteConfig",
            "",
            "method_changed",
            "method changed: DELETE -> POST",
        ),
    );
}

#[test]
fn operation_path_changed() {
    assert_one(
        |d| {
            let op = object(d, RID).remove("delete").expect("delete");
            let params = at(d, RID)["parameters"].clone();
            object(d, "/paths").insert(
                format!("{RESOURCE_PATH}/{{config_id}}/remove"),
                json!({"parameters": params, "delete": op}),
            );
        },
        (
            "operation",
            "DeleteConfig",
            "",
            "path_changed",
            &format!(
                "path changed: {RESOURCE_PATH}/{{config_id}} -> {RESOURCE_PATH}/{{config_id}}/remove"
            ),
        ),
    );
}

#[test]
fn parameter_added() {
    assert_one(
        |d| {
            at(d, &format!("{R}/get/parameters"))
                .as_array_mut()
                .expect("array")
                .push(json!({"name": "page[size]", "in": "query",
                             "schema": {"type": "integer", "format": "int64"}}));
        },
        (
            "operation",
            "ListConfigs",
            "",
            "parameter_added",
            "parameter added: query page[size] (optional, integer (int64))",
        ),
    );
}

#[test]
fn parameter_removed() {
    assert_one(
        |d| {
            object(d, &format!("{R}/get")).remove("parameters");
        },
        (
            "operation",
            "ListConfigs",
            "",
            "parameter_removed",
            "parameter removed: query filter[integration_type] (optional, IntegrationType)",
        ),
    );
}

#[test]
fn parameter_required_changed() {
    assert_one(
        |d| *at(d, &format!("{R}/get/parameters/0/required")) = json!(true),
        (
            "operation",
            "ListConfigs",
            "parameter query filter[integration_type]",
            "parameter_required_changed",
            "required: false -> true",
        ),
    );
}

#[test]
fn parameter_schema_changed() {
    assert_one(
        |d| {
            *at(d, &format!("{R}/get/parameters/0/schema")) =
                json!({"$ref": "#/components/schemas/IntegrationTypeOkta"});
        },
        (
            "operation",
            "ListConfigs",
            "parameter query filter[integration_type]",
            "ref_changed",
            "schema: IntegrationType -> IntegrationTypeOkta",
        ),
    );
}

#[test]
fn request_body_required_changed() {
    assert_one(
        |d| *at(d, &format!("{R}/post/requestBody/required")) = json!(false),
        (
            "operation",
            "CreateConfig",
            "request body",
            "request_body_required_changed",
            "required: true -> false",
        ),
    );
}

#[test]
fn request_body_added() {
    assert_one(
        |d| {
            object(d, &format!("{RID}/delete")).insert(
                "requestBody".into(),
                json!({"content": {"application/json": {"schema": {"$ref": "#/components/schemas/Settings"}}}}),
            );
        },
        (
            "operation",
            "DeleteConfig",
            "",
            "request_body_added",
            "request body added: application/json Settings",
        ),
    );
}

/// The changes `edit` on BASE is reported as, rendered, without the summary.
fn changes_of(edit: impl FnOnce(&mut Value)) -> Vec<String> {
    let diff = run(BASE, &edited(edit), Options::default());
    diff.render("ours", "upstream")
        .lines()
        .filter(|l| l.contains(": ") && !l.contains(" difference(s) in "))
        .map(str::to_string)
        .collect()
}

#[test]
fn request_body_schema_changed() {
    // The old request schema is no longer reached: it is reported removed too.
    assert_eq!(
        changes_of(|d| {
            *at(
                d,
                &format!("{R}/post/requestBody/content/application~1json/schema"),
            ) = json!({"$ref": "#/components/schemas/CreateData"});
        }),
        [
            "operation CreateConfig: request body application/json: schema: CreateRequest -> CreateData",
            "schema CreateRequest: removed (was object {data*})",
        ]
    );
}

#[test]
fn media_type_added() {
    assert_one(
        |d| {
            let schema = at(
                d,
                &format!("{R}/post/requestBody/content/application~1json/schema"),
            )
            .clone();
            object(d, &format!("{R}/post/requestBody/content")).insert(
                "application/x-www-form-urlencoded".into(),
                json!({"schema": schema}),
            );
        },
        (
            "operation",
            "CreateConfig",
            "request body",
            "media_type_added",
            "media type added: application/x-www-form-urlencoded (CreateRequest)",
        ),
    );
}

#[test]
fn status_added() {
    assert_one(
        |d| {
            object(d, &format!("{RID}/delete/responses")).insert(
                "429".into(),
                json!({"$ref": "#/components/responses/NotAuthorizedResponse"}),
            );
        },
        (
            "operation",
            "DeleteConfig",
            "",
            "status_added",
            "response added: 429 (application/json APIErrorResponse)",
        ),
    );
}

#[test]
fn status_removed() {
    assert_one(
        |d| {
            object(d, &format!("{R}/post/responses")).remove("400");
        },
        (
            "operation",
            "CreateConfig",
            "",
            "status_removed",
            "response removed: 400 (application/json APIErrorResponse)",
        ),
    );
}

#[test]
fn response_schema_changed() {
    assert_one(
        |d| {
            *at(
                d,
                &format!("{RID}/get/responses/200/content/application~1json/schema"),
            ) = json!({"$ref": "#/components/schemas/ConfigsResponse"});
        },
        (
            "operation",
            "GetConfig",
            "response 200 application/json",
            "ref_changed",
            "schema: ConfigResponse -> ConfigsResponse",
        ),
    );
}

#[test]
fn preview_flag_removed() {
    assert_one(
        |d| {
            object(d, &format!("{R}/get")).remove("x-unstable");
        },
        (
            "operation",
            "ListConfigs",
            "",
            "unstable_changed",
            "preview flag (x-unstable) removed",
        ),
    );
}

#[test]
fn permission_changed() {
    assert_one(
        |d| {
            *at(d, &format!("{R}/get/x-permission/permissions/0")) = json!("manage_integrations");
        },
        (
            "operation",
            "ListConfigs",
            "",
            "permission_changed",
            r#"x-permission: {"operator":"OR","permissions":["integrations_read"]} -> {"operator":"OR","permissions":["manage_integrations"]}"#,
        ),
    );
}

#[test]
fn security_changed() {
    assert_one(
        |d| {
            object(d, &format!("{R}/post")).insert(
                "security".into(),
                json!([{"apiKeyAuth": [], "appKeyAuth": []}, {"AuthZ": ["manage_integrations"]}]),
            );
        },
        (
            "operation",
            "CreateConfig",
            "",
            "security_changed",
            "security changed: apiKeyAuth+appKeyAuth -> apiKeyAuth+appKeyAuth | AuthZ[manage_integrations]",
        ),
    );
}

// ---- schemas ----------------------------------------------------------------

#[test]
fn property_added() {
    assert_one(
        |d| {
            object(d, "/components/schemas/ConfigAttributes/properties").insert(
                "last_sync_at".into(),
                json!({"type": "string", "format": "date-time"}),
            );
        },
        (
            "schema",
            "ConfigAttributes",
            "",
            "property_added",
            "property added: last_sync_at (string (date-time))",
        ),
    );
}

#[test]
fn property_removed() {
    assert_one(
        |d| {
            object(d, "/components/schemas/ConfigAttributes/properties").remove("tags");
        },
        (
            "schema",
            "ConfigAttributes",
            "",
            "property_removed",
            "property removed: tags (array of string)",
        ),
    );
}

#[test]
fn nested_inline_property_added() {
    assert_one(
        |d| {
            object(
                d,
                "/components/schemas/ConfigAttributes/properties/limits/properties",
            )
            .insert("min".into(), json!({"type": "integer"}));
        },
        (
            "schema",
            "ConfigAttributes",
            "limits",
            "property_added",
            "property added: min (integer)",
        ),
    );
}

#[test]
fn required_added() {
    assert_one(
        |d| {
            at(d, "/components/schemas/ConfigAttributes/required")
                .as_array_mut()
                .expect("array")
                .push(json!("name"));
        },
        (
            "schema",
            "ConfigAttributes",
            "",
            "required_added",
            "now required: name",
        ),
    );
}

#[test]
fn required_removed() {
    assert_one(
        |d| {
            *at(d, "/components/schemas/OktaCreate/required") =
                json!(["integration_type", "domain", "name"])
        },
        (
            "schema",
            "OktaCreate",
            "",
            "required_removed",
            "no longer required: secrets",
        ),
    );
}

#[test]
fn type_changed() {
    assert_one(
        |d| *at(d, "/components/schemas/Peer/properties/weight/type") = json!("number"),
        (
            "schema",
            "Peer",
            "weight",
            "type_changed",
            "type: integer -> number",
        ),
    );
}

#[test]
fn format_changed() {
    assert_one(
        |d| *at(d, "/components/schemas/Peer/properties/weight/format") = json!("int64"),
        (
            "schema",
            "Peer",
            "weight",
            "format_changed",
            "format: int32 -> int64",
        ),
    );
}

#[test]
fn array_item_type_changed() {
    assert_one(
        |d| {
            *at(
                d,
                "/components/schemas/ConfigAttributes/properties/tags/items/type",
            ) = json!("integer")
        },
        (
            "schema",
            "ConfigAttributes",
            "tags[]",
            "type_changed",
            "type: string -> integer",
        ),
    );
}

#[test]
fn property_ref_changed() {
    assert_one(
        |d| {
            // `Settings` stays reachable from `EntraIdCreate`.
            *at(
                d,
                "/components/schemas/ConfigAttributes/properties/settings",
            ) = json!({"type": "object", "additionalProperties": {"type": "string"}});
        },
        (
            "schema",
            "ConfigAttributes",
            "settings",
            "ref_changed",
            "schema: Settings -> map of string",
        ),
    );
}

#[test]
fn enum_value_added() {
    assert_one(
        |d| {
            at(d, "/components/schemas/IntegrationType/enum")
                .as_array_mut()
                .expect("array")
                .push(json!("CROWDSTRIKE"));
        },
        (
            "schema",
            "IntegrationType",
            "",
            "enum_value_added",
            "enum value added: CROWDSTRIKE",
        ),
    );
}

#[test]
fn enum_value_removed() {
    assert_one(
        |d| *at(d, "/components/schemas/IntegrationType/enum") = json!(["OKTA"]),
        (
            "schema",
            "IntegrationType",
            "",
            "enum_value_removed",
            "enum value removed: ENTRA_ID",
        ),
    );
}

#[test]
fn one_of_member_removed() {
    // EntraIdCreate stays reachable through the discriminator mapping.
    assert_one(
        |d| {
            at(d, "/components/schemas/CreateAttributes/oneOf")
                .as_array_mut()
                .expect("array")
                .remove(1);
        },
        (
            "schema",
            "CreateAttributes",
            "",
            "one_of_member_removed",
            "oneOf member removed: EntraIdCreate",
        ),
    );
}

#[test]
fn one_of_member_added() {
    assert_one(
        |d| {
            at(d, "/components/schemas/CreateAttributes/oneOf")
                .as_array_mut()
                .expect("array")
                .push(json!({"$ref": "#/components/schemas/Peer"}));
        },
        (
            "schema",
            "CreateAttributes",
            "",
            "one_of_member_added",
            "oneOf member added: Peer",
        ),
    );
}

#[test]
fn discriminator_mapping_added() {
    assert_one(
        |d| {
            object(
                d,
                "/components/schemas/CreateAttributes/discriminator/mapping",
            )
            .insert(
                "OKTA_LEGACY".into(),
                json!("#/components/schemas/OktaCreate"),
            );
        },
        (
            "schema",
            "CreateAttributes",
            "",
            "discriminator_mapping_added",
            "discriminator mapping added: OKTA_LEGACY -> OktaCreate",
        ),
    );
}

#[test]
fn discriminator_mapping_removed() {
    assert_one(
        |d| {
            object(
                d,
                "/components/schemas/CreateAttributes/discriminator/mapping",
            )
            .remove("ENTRA_ID");
        },
        (
            "schema",
            "CreateAttributes",
            "",
            "discriminator_mapping_removed",
            "discriminator mapping removed: ENTRA_ID -> EntraIdCreate",
        ),
    );
}

#[test]
fn discriminator_mapping_changed() {
    assert_one(
        |d| {
            *at(
                d,
                "/components/schemas/CreateAttributes/discriminator/mapping/ENTRA_ID",
            ) = json!("#/components/schemas/OktaCreate");
        },
        (
            "schema",
            "CreateAttributes",
            "",
            "discriminator_mapping_changed",
            "discriminator mapping changed: ENTRA_ID -> EntraIdCreate became OktaCreate",
        ),
    );
}

#[test]
fn discriminator_property_changed() {
    assert_one(
        |d| {
            *at(
                d,
                "/components/schemas/CreateAttributes/discriminator/propertyName",
            ) = json!("kind");
        },
        (
            "schema",
            "CreateAttributes",
            "",
            "discriminator_property_changed",
            "discriminator propertyName: integration_type -> kind",
        ),
    );
}

#[test]
fn additional_properties_changed() {
    assert_one(
        |d| *at(d, "/components/schemas/OktaSecrets/additionalProperties") = json!(true),
        (
            "schema",
            "OktaSecrets",
            "",
            "additional_properties_changed",
            "additionalProperties: false -> true",
        ),
    );
}

#[test]
fn additional_properties_schema_changed() {
    assert_one(
        |d| *at(d, "/components/schemas/Settings/additionalProperties") = json!({"type": "string"}),
        (
            "schema",
            "Settings",
            "*",
            "type_changed",
            "type: (none) -> string",
        ),
    );
}

#[test]
fn write_only_flag_removed() {
    assert_one(
        |d| {
            object(d, "/components/schemas/OktaSecrets").remove("writeOnly");
        },
        (
            "schema",
            "OktaSecrets",
            "",
            "keyword_changed",
            "writeOnly: true -> (none)",
        ),
    );
}

#[test]
fn schema_added_when_upstream_references_it() {
    assert_eq!(
        changes_of(|d| {
            object(d, "/components/schemas").insert(
                "EntraIdSecrets".into(),
                json!({"type": "object", "properties": {"client_secret": {"type": "string"}}}),
            );
            // Reached only through the discriminator mapping.
            object(
                d,
                "/components/schemas/CreateAttributes/discriminator/mapping",
            )
            .insert("ENTRA_ID".into(), json!("EntraIdSecrets"));
        }),
        [
            "schema CreateAttributes: discriminator mapping changed: ENTRA_ID -> EntraIdCreate became EntraIdSecrets",
            "schema EntraIdSecrets: added: object {client_secret}",
        ]
    );
}

#[test]
fn change_inside_a_ref_cycle_is_reported_once() {
    assert_one(
        |d| *at(d, "/components/schemas/Node/properties/name/type") = json!("integer"),
        (
            "schema",
            "Node",
            "name",
            "type_changed",
            "type: string -> integer",
        ),
    );
}

// ---- text -------------------------------------------------------------------

fn text_edit(d: &mut Value) {
    *at(d, &format!("{R}/get/description")) = json!("List every configuration, newest first.");
    *at(
        d,
        "/components/schemas/ConfigAttributes/properties/created_at/example",
    ) = json!("2026-07-17T00:00:00Z");
    *at(d, "/components/schemas/IntegrationType/description") = json!("The type of source.");
    *at(
        d,
        &format!(
            "{R}/post/requestBody/content/application~1json/examples/default/value/data/attributes/name"
        ),
    ) = json!("Okta prod");
}

#[test]
fn descriptions_and_examples_are_ignored_by_default() {
    let upstream = edited(text_edit);
    let diff = run(BASE, &upstream, Options::default());
    assert!(diff.is_empty(), "{}", diff.render("ours", "upstream"));
}

#[test]
fn text_option_reports_descriptions_and_examples() {
    let upstream = edited(text_edit);
    let diff = run(BASE, &upstream, Options { text: true });
    let shown = diff.render("ours", "upstream");
    let lines: Vec<&str> = shown.lines().filter(|l| l.contains(": ")).collect();
    assert_eq!(
        lines[..4],
        [
            "operation CreateConfig: request body application/json: examples changed",
            r#"operation ListConfigs: description changed: "List every configuration." -> "List every configuration, newest first.""#,
            r#"schema ConfigAttributes: created_at: example changed: "2026-05-01T12:00:00Z" -> "2026-07-17T00:00:00Z""#,
            r#"schema IntegrationType: description changed: "The source type." -> "The type of source.""#,
        ],
        "{shown}"
    );
    assert_eq!(diff.len(), 4, "{shown}");
    assert!(
        diff.operations
            .iter()
            .chain(&diff.schemas)
            .flat_map(|g| &g.changes)
            .all(|c| c.kind == "text_changed")
    );
}

// ---- several changes, output ---------------------------------------------

/// Upstream gains a source type, with its own typed secrets reached through
/// a new `oneOf` member and discriminator mapping, and the Okta secrets gain
/// a field: the realistic case from the issue.
fn new_source_type(d: &mut Value) {
    at(d, "/components/schemas/IntegrationType/enum")
        .as_array_mut()
        .expect("array")
        .push(json!("CROWDSTRIKE"));
    object(d, "/components/schemas/OktaSecrets/properties")
        .insert("client_secret".into(), json!({"type": "string"}));
    let schemas = object(d, "/components/schemas");
    schemas.insert(
        "IntegrationTypeCrowdStrike".into(),
        json!({"type": "string", "enum": ["CROWDSTRIKE"]}),
    );
    schemas.insert(
        "CrowdStrikeCreate".into(),
        json!({"type": "object", "properties": {
            "integration_type": {"$ref": "#/components/schemas/IntegrationTypeCrowdStrike"},
            "domain": {"type": "string"}, "name": {"type": "string"}},
            "required": ["integration_type", "domain", "name"]}),
    );
    at(d, "/components/schemas/CreateAttributes/oneOf")
        .as_array_mut()
        .expect("array")
        .push(json!({"$ref": "#/components/schemas/CrowdStrikeCreate"}));
    object(
        d,
        "/components/schemas/CreateAttributes/discriminator/mapping",
    )
    .insert(
        "CROWDSTRIKE".into(),
        json!("#/components/schemas/CrowdStrikeCreate"),
    );
}

#[test]
fn realistic_change_output_is_grouped_sorted_and_stable() {
    let upstream = edited(new_source_type);
    let diff = run(BASE, &upstream, Options::default());
    let shown = diff.render("ours.yaml", "upstream.yaml");
    assert_eq!(
        shown,
        "\
schema CreateAttributes: oneOf member added: CrowdStrikeCreate
schema CreateAttributes: discriminator mapping added: CROWDSTRIKE -> CrowdStrikeCreate
schema CrowdStrikeCreate: added: object {domain*, integration_type*, name*}
schema IntegrationType: enum value added: CROWDSTRIKE
schema IntegrationTypeCrowdStrike: added: string enum [CROWDSTRIKE]
schema OktaSecrets: property added: client_secret (string)

6 difference(s) in 0 operation(s) and 5 schema(s): upstream.yaml (upstream) against ours.yaml (ours)
"
    );
    // Stable: same input, same bytes; YAML key order does not matter.
    let reordered = yaml(&spec_diff::load(&upstream, Path::new("u")).expect("load"));
    assert_eq!(
        run(BASE, &reordered, Options::default()).render("ours.yaml", "upstream.yaml"),
        shown
    );

    // `--json` is the same as data.
    let data = diff.to_json("ours.yaml", "upstream.yaml", Options::default());
    assert_eq!(data["differences"], json!(6));
    assert_eq!(data["resource"], json!(RESOURCE_PATH));
    assert_eq!(data["operations"], json!([]));
    let schemas = data["schemas"].as_array().expect("array");
    assert_eq!(schemas.len(), 5);
    assert_eq!(schemas[2]["name"], json!("IntegrationType"));
    assert_eq!(
        schemas[2]["changes"],
        json!([{"at": "", "kind": "enum_value_added", "message": "enum value added: CROWDSTRIKE",
                "ours": null, "upstream": "CROWDSTRIKE"}])
    );
    assert_eq!(
        schemas[4]["changes"][0]["upstream"],
        json!({"type": "string"})
    );
}

// ---- extraction -------------------------------------------------------------

fn extract(text: &str) -> Value {
    let doc = spec_diff::load(text, Path::new("upstream.yaml")).expect("load");
    spec_diff::extract(&doc, Path::new("upstream.yaml")).expect("extract")
}

fn names(v: &Value) -> Vec<&str> {
    v.as_object()
        .expect("object")
        .keys()
        .map(String::as_str)
        .collect()
}

#[test]
fn extract_takes_the_resource_and_what_it_reaches() {
    let subset = extract(BASE);
    assert_eq!(
        names(&subset["paths"]),
        [
            RESOURCE_PATH.to_string(),
            format!("{RESOURCE_PATH}/{{config_id}}")
        ]
    );
    let schemas = names(&subset["components"]["schemas"]);
    assert!(!schemas.contains(&"Unused"), "{schemas:?}");
    assert!(!schemas.contains(&"DoesNotExist"));
    for reached in [
        "Node",
        "Peer",
        "EntraIdCreate",
        "OktaSecrets",
        "APIErrorResponse",
        "Settings",
    ] {
        assert!(
            schemas.contains(&reached),
            "{reached} missing from {schemas:?}"
        );
    }
    assert_eq!(schemas.len(), 18, "everything but `Unused`: {schemas:?}");
    assert_eq!(names(&subset["components"]["parameters"]), ["ConfigID"]);
    assert_eq!(
        names(&subset["components"]["responses"]),
        [
            "BadRequestResponse",
            "NotAuthorizedResponse",
            "NotFoundResponse"
        ]
    );
    // Only the schemes the operations use; only the tags they use.
    assert_eq!(
        names(&subset["components"]["securitySchemes"]),
        ["apiKeyAuth", "appKeyAuth"]
    );
    assert_eq!(
        subset["tags"],
        json!([{"name": "Security Monitoring", "description": "The resource's tag."}])
    );
    assert_eq!(subset["openapi"], json!("3.0.3"));
}

#[test]
fn extract_is_a_valid_standalone_openapi_3_0_document() {
    let subset = extract(BASE);
    let text = spec_diff::to_yaml(&subset, "upstream.yaml").expect("yaml");
    assert!(text.starts_with("# The operations under "), "{text}");
    // Top-level keys in the usual order.
    let top: Vec<&str> = text
        .lines()
        .filter(|l| !l.starts_with(['#', ' ', '-']))
        .map(|l| l.split(':').next().unwrap_or_default())
        .collect();
    assert_eq!(
        top,
        ["openapi", "info", "security", "tags", "paths", "components"]
    );
    // Every `$ref` resolves inside it, the typed OpenAPI 3.0 model reads it,
    // and the xtask's own validator (what `generate` runs) accepts it.
    let spec = xtask::spec::parse(&text, Path::new("extracted.yaml"))
        .unwrap_or_else(|e| panic!("the extracted document is not valid: {e}\n{text}"));
    assert_eq!(spec.doc.paths.paths.len(), 2);
    // Extraction is idempotent, and the extract diffs clean against its source.
    assert_eq!(extract(&text), subset);
    assert!(run(&text, BASE, Options { text: true }).is_empty());
}

#[test]
fn extract_follows_discriminator_mappings_with_bare_and_ref_targets() {
    let doc = format!(
        r##"openapi: 3.0.0
info: {{title: t, version: "1"}}
paths:
  {RESOURCE_PATH}:
    post:
      operationId: Create
      requestBody:
        content:
          application/json:
            schema: {{$ref: "#/components/schemas/Pet"}}
      responses:
        "200": {{description: OK}}
components:
  schemas:
    Pet:
      type: object
      properties:
        kind: {{type: string}}
      discriminator:
        propertyName: kind
        mapping:
          cat: Cat
          dog: "#/components/schemas/Dog"
    Cat: {{type: object, properties: {{whiskers: {{$ref: "#/components/schemas/Whiskers"}}}}}}
    Dog: {{type: object}}
    Whiskers: {{type: integer}}
    Bird: {{type: object}}
"##
    );
    let subset = extract(&doc);
    assert_eq!(
        names(&subset["components"]["schemas"]),
        ["Cat", "Dog", "Pet", "Whiskers"]
    );
}

#[test]
fn extract_terminates_on_ref_cycles() {
    let doc = format!(
        r##"openapi: 3.0.3
info: {{title: t, version: "1"}}
paths:
  {RESOURCE_PATH}:
    get:
      operationId: Get
      responses:
        "200":
          description: OK
          content:
            application/json:
              schema: {{$ref: "#/components/schemas/A"}}
components:
  schemas:
    A: {{type: object, properties: {{b: {{$ref: "#/components/schemas/B"}}, self: {{$ref: "#/components/schemas/A"}}}}}}
    B: {{type: array, items: {{$ref: "#/components/schemas/C"}}}}
    C: {{allOf: [{{$ref: "#/components/schemas/A"}}, {{$ref: "#/components/schemas/B"}}]}}
"##
    );
    let subset = extract(&doc);
    assert_eq!(names(&subset["components"]["schemas"]), ["A", "B", "C"]);
    let changed = doc.replace("C: {allOf: [", "C: {nullable: true, allOf: [");
    let (_, group, change) = only_change(&doc, &changed);
    assert_eq!(
        (group.as_str(), change.message.as_str()),
        ("C", "nullable: (none) -> true")
    );
}

/// The resource's operations amid 1,000 others: paths that share a prefix,
/// operations with unresolved and external `$ref`s, 3.1-only constructs.
#[test]
fn a_thousand_other_operations_are_ignored() {
    let mut doc = base();
    let paths = object(&mut doc, "/paths");
    for i in 0..1_000 {
        let path = match i % 4 {
            0 => format!("{RESOURCE_PATH}s/{i}"),
            1 => format!("{RESOURCE_PATH}_v{i}"),
            2 => format!("/api/v2/security_monitoring/rules/{i}"),
            _ => format!("/api/v1/thing{i}"),
        };
        let schema = match i % 3 {
            0 => json!({"$ref": format!("#/components/schemas/Missing{i}")}),
            1 => json!({"$ref": "https://example.com/other.yaml#/X"}),
            _ => json!({"type": ["string", "null"]}),
        };
        paths.insert(
            path,
            json!({"get": {"operationId": format!("Other{i}"), "responses": {"200": {
                "description": "OK", "content": {"application/json": {"schema": schema}}}}}}),
        );
    }
    let upstream = yaml(&doc);
    let diff = run(BASE, &upstream, Options { text: true });
    assert!(diff.is_empty(), "{}", diff.render("ours", "upstream"));
    assert_eq!(extract(&upstream), extract(BASE));
}

// ---- unusable input ------------------------------------------------------

fn load_error(text: &str) -> String {
    let err = spec_diff::load(text, Path::new("upstream.yaml"))
        .and_then(|d| spec_diff::extract(&d, Path::new("upstream.yaml")))
        .expect_err("must fail");
    let shown = err.to_string();
    assert!(shown.starts_with("upstream.yaml: "), "{shown}");
    assert!(!shown.contains('\n'), "one paragraph: {shown}");
    shown
}

#[test]
fn openapi_3_1_is_rejected_with_a_clear_message() {
    let msg = load_error(&BASE.replace("openapi: 3.0.3", "openapi: 3.1.0"));
    assert!(msg.contains("OpenAPI 3.1.0 is not supported"), "{msg}");
    assert!(msg.contains("nullable"), "{msg}");
}

#[test]
fn broken_yaml_names_the_line_and_column() {
    let text = BASE.replace(
        "summary: List configurations",
        "summary: List: configurations",
    );
    let line = text[..text.find("summary: List: ").expect("edit")]
        .matches('\n')
        .count()
        + 1;
    let msg = load_error(&text);
    assert!(msg.contains("invalid YAML"), "{msg}");
    assert!(msg.contains(&format!("line {line}, column 20: ")), "{msg}");
}

#[test]
fn duplicate_keys_are_rejected() {
    let msg = load_error(&BASE.replace(
        "    IntegrationTypeOkta:",
        "    IntegrationType: {type: string}\n    IntegrationTypeOkta:",
    ));
    assert!(msg.contains("duplicate"), "{msg}");
}

#[test]
fn documents_that_are_not_openapi_are_rejected() {
    assert!(load_error("- just\n- a list\n").contains("not an OpenAPI document"));
    assert!(load_error("swagger: \"2.0\"\npaths: {}\n").contains("missing `openapi`"));
    assert!(load_error("openapi: 3.0\npaths: {}\n").contains("not a version string"));
    assert!(load_error("openapi: 3.0.3\ninfo: {}\n").contains("`paths`"));
    assert!(load_error("").contains("not an OpenAPI document"));
}

#[test]
fn broken_refs_reached_from_the_resource_are_rejected() {
    let unresolved = load_error(
        &BASE
            .replace("{$ref: \"#/components/schemas/Whiskers\"}", "")
            .replace(
                "items: {$ref: \"#/components/schemas/Node\"}",
                "items: {$ref: \"#/components/schemas/Nod\"}",
            ),
    );
    assert!(
        unresolved
            .contains("unresolved `$ref: #/components/schemas/Nod` in components.schemas.Node"),
        "{unresolved}"
    );
    let external = load_error(&BASE.replace(
        "$ref: \"#/components/schemas/ConfigsResponse\"",
        "$ref: \"other.yaml#/components/schemas/ConfigsResponse\"",
    ));
    assert!(external.contains("is external"), "{external}");
    assert!(
        external.contains(&format!("paths.{RESOURCE_PATH}")),
        "{external}"
    );
}

// ---- the real fragment ----------------------------------------------------

fn fragment() -> String {
    let path = xtask::workspace_root().join(xtask::SPEC_PATH);
    std::fs::read_to_string(&path).unwrap_or_else(|e| panic!("read {}: {e}", path.display()))
}

#[test]
fn fragment_against_itself_reports_no_difference() {
    let text = fragment();
    let diff = run(&text, &text, Options { text: true });
    assert!(diff.is_empty(), "{}", diff.render("ours", "ours"));
    // Its extract too (what a maintainer starts editing from).
    let extracted = spec_diff::to_yaml(&extract(&text), "fragment").expect("yaml");
    assert!(run(&text, &extracted, Options { text: true }).is_empty());
}

#[test]
fn fragment_with_one_edit_reports_exactly_that_edit() {
    let text = fragment();
    let doc = spec_diff::load(&text, Path::new("fragment")).expect("the fragment loads");
    let subset = spec_diff::extract(&doc, Path::new("fragment")).expect("the fragment extracts");
    let schemas = subset["components"]["schemas"]
        .as_object()
        .expect("schemas");

    // One enum value more, on the first schema with an enum.
    let (enum_schema, _) = schemas
        .iter()
        .find(|(_, s)| s.get("enum").is_some())
        .expect("the fragment has an enum schema");
    let mut edited_doc = doc.clone();
    at(
        &mut edited_doc,
        &format!("/components/schemas/{enum_schema}/enum"),
    )
    .as_array_mut()
    .expect("array")
    .push(json!("SPEC_DIFF_TEST_VALUE"));
    let (section, group, change) = only_change(&text, &yaml(&edited_doc));
    assert_eq!(
        (
            section,
            group.as_str(),
            change.kind.as_str(),
            change.message.as_str()
        ),
        (
            "schema",
            enum_schema.as_str(),
            "enum_value_added",
            "enum value added: SPEC_DIFF_TEST_VALUE"
        )
    );

    // One property more, on the first schema with properties.
    let (object_schema, _) = schemas
        .iter()
        .find(|(_, s)| s.get("properties").is_some())
        .expect("the fragment has an object schema");
    let mut edited_doc = doc.clone();
    object(
        &mut edited_doc,
        &format!("/components/schemas/{object_schema}/properties"),
    )
    .insert(
        "spec_diff_test_field".into(),
        json!({"type": "string", "writeOnly": true}),
    );
    let (section, group, change) = only_change(&text, &yaml(&edited_doc));
    assert_eq!(
        (
            section,
            group.as_str(),
            change.kind.as_str(),
            change.message.as_str()
        ),
        (
            "schema",
            object_schema.as_str(),
            "property_added",
            "property added: spec_diff_test_field (string, writeOnly)"
        )
    );

    // One operation fewer.
    let (path, item) = subset["paths"]
        .as_object()
        .expect("paths")
        .iter()
        .next()
        .expect("a path");
    let method = item
        .as_object()
        .expect("item")
        .keys()
        .find(|k| ["get", "put", "post", "delete", "patch"].contains(&k.as_str()))
        .expect("an operation");
    let id = item[method]["operationId"]
        .as_str()
        .expect("operationId")
        .to_string();
    let mut edited_doc = doc.clone();
    object(&mut edited_doc, "/paths")
        .get_mut(path)
        .and_then(Value::as_object_mut)
        .expect("path item")
        .remove(method);
    let diff = run(&text, &yaml(&edited_doc), Options::default());
    let removed: Vec<&Change> = diff.operations.iter().flat_map(|g| &g.changes).collect();
    assert_eq!(
        diff.operations.len(),
        1,
        "{}",
        diff.render("ours", "edited")
    );
    assert_eq!(diff.operations[0].name, id);
    assert_eq!(removed[0].kind, "operation_removed");
    // Schemas only that operation reached are reported removed, nothing else.
    assert!(
        diff.schemas
            .iter()
            .flat_map(|g| &g.changes)
            .all(|c| c.kind == "schema_removed"),
        "{}",
        diff.render("ours", "edited")
    );
}
