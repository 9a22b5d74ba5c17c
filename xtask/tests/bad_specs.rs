//! One test per class of bad spec: `xtask::run` must fail with one message
//! naming the spec file and the problem, and must write nothing.
//!
//! Every bad spec is the real fragment with one realistic mistake in it.

mod common;

use std::fs;
use std::path::Path;

use common::{
    GENERATED, SECRETS_SCHEMAS, SOURCE_TYPES_TAIL, UNION_SCHEMAS, at, edit_yaml, files_under,
    real_spec, replace_n, replace_once, root_with_spec, root_with_spec_and_generated,
    synthetic_spec, xtask_bin,
};
use xtask::{Mode, SPEC_PATH};

const OPERATION_ID: &str = "CreateSecurityMonitoringIntegrationConfig";
const OPERATION: &str = "POST /api/v2/security_monitoring/configuration/integration_config";
const PATH: &str = "/api/v2/security_monitoring/configuration/integration_config";

/// Adds a response to the create operation.
fn with_create_response(text: &str, status: &str, response: &str) -> String {
    edit_yaml(text, |doc| {
        let response: serde_yaml::Value = serde_yaml::from_str(response).expect("response YAML");
        at(doc, &["paths", PATH, "post", "responses"])
            .as_mapping_mut()
            .expect("responses")
            .insert(status.into(), response);
    })
}

/// Runs generation (write mode) on `spec_text` in a fresh temp root and
/// returns the error's `Display`, after checking that the error names the
/// spec file and that nothing at all was written.
fn fails(spec_text: &str) -> String {
    let root = root_with_spec(spec_text);
    let result = xtask::run(root.path(), Path::new(SPEC_PATH), Mode::Write);
    let err = match result {
        Ok(report) => panic!("generation succeeded on a bad spec: {report:?}"),
        Err(err) => err,
    };
    let shown = err.to_string();
    assert_eq!(err.file, Path::new(SPEC_PATH), "{shown}");
    assert!(
        shown.starts_with(&format!("{SPEC_PATH}: ")),
        "the message must start with the spec file: {shown}"
    );
    assert!(
        !shown.contains('\n'),
        "the message must be one paragraph: {shown}"
    );
    assert!(
        !root.path().join("crates").exists(),
        "nothing may be written under crates/ on failure; found {:?}",
        files_under(root.path())
    );
    assert_eq!(files_under(root.path()), [SPEC_PATH], "stray files written");
    shown
}

fn assert_contains(message: &str, parts: &[&str]) {
    for part in parts {
        assert!(
            message.contains(part),
            "expected {part:?} in the error message:\n{message}"
        );
    }
}

/// The 1-based line of the first occurrence of `needle` in `text`.
fn line_of(text: &str, needle: &str) -> usize {
    let at = text.find(needle).expect("needle in text");
    text[..at].matches('\n').count() + 1
}

#[test]
fn yaml_syntax_error_names_the_line() {
    // `summary` indented one space short of its siblings under `post:`.
    let text = replace_once(
        &real_spec(),
        "        - Security Monitoring\n      summary: Create",
        "        - Security Monitoring\n     summary: Create",
    );
    let line = line_of(&text, "     summary: Create");
    let msg = fails(&text);
    assert_contains(&msg, &["invalid YAML", &format!("line {line}, column ")]);
}

#[test]
fn yaml_duplicate_key_is_a_syntax_error() {
    let text = replace_once(
        &real_spec(),
        "      summary: Create an entity",
        "      tags: []\n      summary: Create an entity",
    );
    // serde_yaml points at the start of the mapping holding the duplicate.
    let line = line_of(&text, &format!("      operationId: {OPERATION_ID}"));
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "invalid YAML",
            "duplicate entry with key \"tags\"",
            &format!("line {line}"),
        ],
    );
}

#[test]
fn openapi_3_1_is_rejected() {
    let text = replace_once(&real_spec(), "openapi: 3.0.3\n", "openapi: 3.1.0\n");
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "OpenAPI 3.1.0 is not supported",
            "3.0.x only",
            "openapi: 3.0.3",
        ],
    );
}

#[test]
fn unquoted_numeric_openapi_version_is_rejected() {
    // `openapi: 3.1` is a YAML float, not a string.
    let text = replace_once(&real_spec(), "openapi: 3.0.3\n", "openapi: 3.1\n");
    let msg = fails(&text);
    assert_contains(&msg, &["`openapi: 3.1` is not a version string"]);
}

#[test]
fn missing_openapi_field_is_rejected() {
    let text = replace_once(&real_spec(), "openapi: 3.0.3\n", "");
    let msg = fails(&text);
    assert_contains(&msg, &["missing `openapi` version field", "OpenAPI 3.0.3"]);
}

#[test]
fn unresolved_ref_is_rejected_with_its_location() {
    // A typo in a reference: `...ConfigStatus` instead of `...ConfigState`.
    let text = replace_once(
        &real_spec(),
        "$ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigState\"",
        "$ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigStatus\"",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "unresolved `$ref: #/components/schemas/SecurityMonitoringIntegrationConfigStatus`",
            "at #/components/schemas/SecurityMonitoringIntegrationConfigAttributes/properties/state",
        ],
    );
}

#[test]
fn ref_into_a_path_is_escaped_in_the_location() {
    // The location is a JSON pointer: `/` in the path key is written `~1`.
    let text = replace_once(
        &real_spec(),
        "              $ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigCreateRequest\"",
        "              $ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigCreateReq\"",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "at #/paths/~1api~1v2~1security_monitoring~1configuration~1integration_config/post/requestBody/content/application~1json/schema",
        ],
    );
}

#[test]
fn external_ref_is_rejected() {
    // Datadog's full spec keeps shared schemas in one file; a fragment must not
    // point into another one.
    let text = replace_n(
        &real_spec(),
        "$ref: \"#/components/schemas/APIErrorResponse\"",
        "$ref: \"common.yaml#/components/schemas/APIErrorResponse\"",
        4, // the four error responses
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "`$ref: common.yaml#/components/schemas/APIErrorResponse`",
            "is external",
            "only local references",
        ],
    );
}

#[test]
fn non_string_ref_is_rejected() {
    let text = replace_once(
        &real_spec(),
        "$ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigState\"",
        "$ref: 42",
    );
    let msg = fails(&text);
    assert_contains(&msg, &["`$ref` at ", "must be a string", "not `42`"]);
}

#[test]
fn missing_operation_id_is_rejected() {
    let text = replace_once(
        &real_spec(),
        &format!("      operationId: {OPERATION_ID}\n"),
        "",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[&format!("operation `{OPERATION}` has no `operationId`")],
    );
}

#[test]
fn duplicate_operation_id_is_rejected() {
    // A copy-pasted `put` that kept the `post`'s operationId.
    let text = edit_yaml(&real_spec(), |doc| {
        let path = at(
            doc,
            &[
                "paths",
                "/api/v2/security_monitoring/configuration/integration_config",
            ],
        );
        let post = path.get("post").expect("post").clone();
        path.as_mapping_mut()
            .expect("path item")
            .insert("put".into(), post);
    });
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            &format!("duplicate `operationId: {OPERATION_ID}`"),
            "PUT /api/v2/",
            "POST /api/v2/",
            "must be unique",
        ],
    );
}

#[test]
fn error_responses_with_different_schemas_are_rejected() {
    // 403 answers with a JSON:API-style error document instead of `APIErrorResponse`.
    let text = edit_yaml(&real_spec(), |doc| {
        let schemas = at(doc, &["components", "schemas"])
            .as_mapping_mut()
            .expect("schemas");
        let jsonapi: serde_yaml::Value = serde_yaml::from_str(
            "description: JSON:API error response.\n\
             type: object\n\
             properties:\n  errors:\n    type: array\n    items:\n      type: object\n\
             required: [errors]\n",
        )
        .expect("schema");
        schemas.insert("JSONAPIErrorResponse".into(), jsonapi);
        *at(
            doc,
            &[
                "components",
                "responses",
                "NotAuthorizedResponse",
                "content",
                "application/json",
                "schema",
                "$ref",
            ],
        ) = "#/components/schemas/JSONAPIErrorResponse".into();
    });
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            // The first operation using the response (in path order) is named.
            "operation `ListSecurityMonitoringIntegrationConfigs` has error responses with different schemas",
            "403 -> #/components/schemas/JSONAPIErrorResponse",
            "429 -> #/components/schemas/APIErrorResponse",
            "one error schema per operation",
        ],
    );
}

#[test]
fn default_response_with_a_different_schema_is_rejected() {
    // progenitor treats `default` as an error response too.
    let text = with_create_response(
        &real_spec(),
        "default",
        "description: Unexpected error\ncontent:\n  text/plain:\n    schema:\n      type: string\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &["different schemas", "default -> {\"type\":\"string\"}"],
    );
}

#[test]
fn two_request_media_types_are_rejected() {
    let text = edit_yaml(&real_spec(), |doc| {
        let content = at(
            doc,
            &[
                "paths",
                "/api/v2/security_monitoring/configuration/integration_config",
                "post",
                "requestBody",
                "content",
            ],
        );
        let json = content.get("application/json").expect("json").clone();
        content
            .as_mapping_mut()
            .expect("content")
            .insert("application/vnd.api+json".into(), json);
    });
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            &format!("operation `{OPERATION_ID}` declares 2 request media types"),
            "exactly one",
        ],
    );
}

#[test]
fn path_parameter_missing_from_the_template_is_rejected() {
    // progenitor would silently generate a useless argument for this one (and
    // panics while sorting when there are two).
    let text = replace_once(
        &real_spec(),
        &format!("      operationId: {OPERATION_ID}\n"),
        &format!(
            "      operationId: {OPERATION_ID}\n      parameters:\n        - name: config_id\n          \
             in: path\n          required: true\n          schema:\n            type: string\n"
        ),
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "declares the path parameter `config_id`",
            "has no `{config_id}` placeholder",
        ],
    );
}

#[test]
fn path_placeholder_without_a_parameter_is_rejected() {
    let text = replace_once(
        &real_spec(),
        "  /api/v2/security_monitoring/configuration/integration_config:\n",
        "  /api/v2/security_monitoring/configuration/integration_config/{config_id}:\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "has the placeholder `{config_id}`",
            "declares no `in: path` parameter named `config_id`",
        ],
    );
}

#[test]
fn path_item_ref_is_rejected() {
    // An alias path pointing at the real path item: resolvable, but progenitor
    // does not support path item references.
    let text = replace_once(
        &real_spec(),
        "paths:\n",
        "paths:\n  /api/v2/security_monitoring/configuration/integration_configs:\n    \
         $ref: \"#/paths/~1api~1v2~1security_monitoring~1configuration~1integration_config\"\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "path `/api/v2/security_monitoring/configuration/integration_configs` is a `$ref`",
            "inline the path item",
        ],
    );
}

#[test]
fn not_an_openapi_document_is_rejected() {
    let text = replace_once(&real_spec(), "info:\n  title:", "information:\n  title:");
    let msg = fails(&text);
    assert_contains(
        &msg,
        &["not a valid OpenAPI 3.0 document", "missing field `info`"],
    );
}

#[test]
fn progenitor_panic_on_request_body_encoding_becomes_an_error() {
    // `encoding` on a JSON request body passes our checks; progenitor hits a
    // `todo!()` on it. The panic must come back as an error, not unwind.
    let text = replace_once(
        &real_spec(),
        "              $ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigCreateRequest\"\n",
        "              $ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigCreateRequest\"\n            \
         encoding:\n              data:\n                contentType: application/json\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "progenitor cannot generate code for a construct in this spec",
            "it panicked: not yet implemented: media type encoding not empty",
            "see openapi/README.md",
        ],
    );
    assert!(
        msg.len() < 600,
        "the panic payload must be truncated: {msg}"
    );
}

#[test]
fn progenitor_panic_on_two_success_schemas_becomes_an_error() {
    // A `201` with a different body than the `200`: progenitor asserts one
    // success type per operation.
    let text = with_create_response(
        &real_spec(),
        "201",
        "description: Created\ncontent:\n  application/json:\n    schema:\n      \
         $ref: \"#/components/schemas/APIErrorResponse\"\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &["it panicked: assertion failed: response_types.len() <= 1"],
    );
}

#[test]
fn progenitor_error_on_an_xml_request_body_becomes_an_error() {
    let text = replace_once(
        &real_spec(),
        "        content:\n          application/json:\n            schema:\n              \
         $ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigCreateRequest\"",
        "        content:\n          application/xml:\n            schema:\n              \
         $ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigCreateRequest\"",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "progenitor rejected the spec",
            "unexpected content type: application/xml",
        ],
    );
}

#[test]
fn open_enum_value_named_unknown_is_rejected() {
    // `Unknown` is the open enums' catch-all variant.
    let text = replace_n(
        &real_spec(),
        SOURCE_TYPES_TAIL,
        &format!("{SOURCE_TYPES_TAIL}        - UNKNOWN\n"),
        2,
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "enum `SecurityMonitoringIntegrationType` value `UNKNOWN` becomes the variant `Unknown`",
            "reserved for the catch-all `Unknown(String)`",
            "x-enum-varnames",
        ],
    );
}

#[test]
fn open_enum_values_with_the_same_variant_are_rejected() {
    let text = replace_once(
        &real_spec(),
        "        - initializing\n      example: valid",
        "        - initializing\n        - in-valid\n      example: valid",
    );
    let text = replace_once(
        &text,
        "        - INITIALIZING\n",
        "        - INITIALIZING\n        - IN_VALID\n",
    );
    // `IN_VALID` -> `InValid`, distinct from `Invalid`: fine. Now make it clash.
    let ok = root_with_spec(&text);
    if let Err(err) = xtask::codegen::generate(ok.path(), Path::new(SPEC_PATH)) {
        panic!("distinct variants must generate: {err}");
    }
    let clash = replace_once(&text, "        - IN_VALID\n", "        - invalid\n");
    let msg = fails(&clash);
    assert_contains(
        &msg,
        &[
            "value `in-valid` becomes the variant `Invalid`",
            "is also the variant for `invalid`",
        ],
    );
}

#[test]
fn open_enum_value_without_a_variant_name_is_rejected() {
    // An empty string value (Datadog has a few) has nothing to name a variant after.
    let text = replace_n(
        &real_spec(),
        SOURCE_TYPES_TAIL,
        &format!("{SOURCE_TYPES_TAIL}        - \"\"\n"),
        2,
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "enum `SecurityMonitoringIntegrationType` value `` becomes the variant ``",
            "is not a Rust identifier",
        ],
    );
}

#[test]
fn x_enum_varnames_of_the_wrong_length_are_rejected() {
    // A new value added to `enum` but not to `x-enum-varnames`.
    let mut count = 0;
    let text = edit_yaml(&real_spec(), |doc| {
        let values = at(
            doc,
            &[
                "components",
                "schemas",
                "SecurityMonitoringIntegrationType",
                "enum",
            ],
        )
        .as_sequence_mut()
        .expect("an enum list");
        count = values.len();
        values.push(serde_yaml::Value::String("JUMPCLOUD".into()));
    });
    let msg = fails(&text);
    let expected = format!(
        "enum `SecurityMonitoringIntegrationType` has {} values but {count} `x-enum-varnames` entries",
        count + 1
    );
    assert_contains(&msg, &[expected.as_str()]);
}

#[test]
fn open_enum_with_a_non_string_value_is_rejected() {
    // `null` in a YAML list is not the string "null".
    let text = replace_n(
        &real_spec(),
        SOURCE_TYPES_TAIL,
        &format!("{SOURCE_TYPES_TAIL}        - null\n"),
        2,
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "enum `SecurityMonitoringIntegrationType` is `type: string` but lists the non-string value `null`",
        ],
    );
}

/// The synthetic union spec with one mistake; the base itself generates.
fn union_spec_with(from: &str, to: &str) -> String {
    let base = synthetic_spec(UNION_SCHEMAS);
    let root = root_with_spec(&base);
    if let Err(err) = xtask::codegen::generate(root.path(), Path::new(SPEC_PATH)) {
        panic!("the base union spec must generate: {err}");
    }
    replace_once(&base, from, to)
}

const UNION: &str = "schema `Attrs` (`oneOf` with a `discriminator`)";

#[test]
fn union_mapping_to_a_non_member_is_rejected() {
    // A mapping copied from another union, pointing at a schema outside `oneOf`.
    let text = union_spec_with(
        "          beta-two: \"#/components/schemas/BetaAttrs\"\n",
        "          beta-two: \"#/components/schemas/Body\"\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            UNION,
            "maps `beta-two` to `Body`, which is not one of its `oneOf` members",
        ],
    );
}

#[test]
fn union_member_missing_from_the_mapping_is_rejected() {
    // A source type added to `oneOf` but not to the mapping.
    let text = union_spec_with(
        "          beta-two: \"#/components/schemas/BetaAttrs\"\n",
        "",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            UNION,
            "has the member `BetaAttrs` that no `discriminator.mapping` value names",
            "map its `kind` value to it",
        ],
    );
}

#[test]
fn union_member_not_requiring_the_discriminator_is_rejected() {
    let text = union_spec_with(
        "      required:\n        - kind\n        - name\n",
        "      required:\n        - name\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            UNION,
            "member `AlphaAttrs` does not require the discriminator `kind`",
            "add `kind` to its `required` list",
        ],
    );
}

#[test]
fn union_values_with_the_same_variant_name_are_rejected() {
    // `beta_two` and `beta-two` both become `BetaTwo`.
    let text = union_spec_with(
        "          ALPHA: \"#/components/schemas/AlphaAttrs\"\n",
        "          beta_two: \"#/components/schemas/AlphaAttrs\"\n",
    );
    let text = replace_once(&text, "            - ALPHA\n", "            - beta_two\n");
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            UNION,
            "maps both `beta-two` and `beta_two` to the variant name `BetaTwo`",
        ],
    );
}

#[test]
fn union_value_named_unknown_is_rejected() {
    let text = union_spec_with(
        "          ALPHA: \"#/components/schemas/AlphaAttrs\"\n",
        "          UNKNOWN: \"#/components/schemas/AlphaAttrs\"\n",
    );
    let text = replace_once(&text, "            - ALPHA\n", "            - UNKNOWN\n");
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            UNION,
            "maps `UNKNOWN`, whose variant name would be `Unknown`",
            "reserved for the catch-all `Unknown(RawAttributes)`",
        ],
    );
}

#[test]
fn union_value_the_member_does_not_allow_is_rejected() {
    // Every decode of `ALPHA` would fail: the member pins `kind` to `GAMMA`.
    let text = union_spec_with("            - ALPHA\n", "            - GAMMA\n");
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            UNION,
            "maps `ALPHA` to `AlphaAttrs`, whose `kind` only allows `GAMMA`",
        ],
    );
}

/// The synthetic secrets spec with one mistake; the base itself generates.
fn secrets_spec_with(from: &str, to: &str) -> String {
    let base = synthetic_spec(SECRETS_SCHEMAS);
    let root = root_with_spec(&base);
    if let Err(err) = xtask::codegen::generate(root.path(), Path::new(SPEC_PATH)) {
        panic!("the base secrets spec must generate: {err}");
    }
    replace_once(&base, from, to)
}

#[test]
fn write_only_integer_property_is_rejected() {
    // A port number next to the credentials: not a secret string.
    let text = secrets_spec_with(
        "        hint:\n          type: string\n",
        "        hint:\n          type: string\n        port:\n          type: integer\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "write-only schema `Creds` property `port` is `integer`",
            "secrets may hold strings, write-only objects and additional properties only",
        ],
    );
}

#[test]
fn write_only_property_named_extra_is_rejected() {
    let text = secrets_spec_with(
        "        hint:\n          type: string\n",
        "        hint:\n          type: string\n        extra:\n          type: string\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "write-only schema `Creds` has a property named `extra`",
            "the name kept for additional properties",
        ],
    );
}

#[test]
fn object_reached_from_a_write_only_schema_is_checked_too() {
    // `Key` is write-only because `Creds` refers to it.
    let text = secrets_spec_with(
        "        private_key:\n          type: string\n",
        "        private_key:\n          type: array\n          items:\n            type: string\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &["write-only schema `Key` property `private_key` is `array`"],
    );
}

/// The binary on a bad spec: exit status, one `error:` paragraph naming the
/// file, no panic output.
#[test]
fn binary_reports_a_bad_spec_as_one_error_paragraph() {
    let text = replace_once(
        &real_spec(),
        &format!("      operationId: {OPERATION_ID}\n"),
        "",
    );
    let root = root_with_spec(&text);
    let root_arg = root.path().to_str().expect("utf-8 temp path");
    let out = xtask_bin(&["generate", "--root", root_arg]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert!(!out.status.success(), "must fail; stderr: {stderr}");
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.starts_with(&format!("error: {SPEC_PATH}: ")),
        "stderr: {stderr}"
    );
    assert!(stderr.contains("has no `operationId`"), "stderr: {stderr}");
    assert_eq!(
        stderr.trim_end().lines().count(),
        1,
        "one paragraph only: {stderr}"
    );
    assert!(!stderr.contains("panicked"), "stderr: {stderr}");
    assert!(out.stdout.is_empty(), "nothing on stdout");
    assert_eq!(files_under(root.path()), [SPEC_PATH]);
}

/// Even when progenitor itself panics, the binary prints our error and no
/// panic report (no `thread 'main' panicked at`, no backtrace note).
#[test]
fn binary_reports_a_progenitor_panic_without_panic_output() {
    let text = replace_once(
        &real_spec(),
        "              $ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigCreateRequest\"\n",
        "              $ref: \"#/components/schemas/SecurityMonitoringIntegrationConfigCreateRequest\"\n            \
         encoding:\n              data:\n                contentType: application/json\n",
    );
    let root = root_with_spec(&text);
    let root_arg = root.path().to_str().expect("utf-8 temp path");
    let out = xtask_bin(&["generate", "--root", root_arg]);
    let stderr = String::from_utf8_lossy(&out.stderr);
    assert_eq!(out.status.code(), Some(1), "stderr: {stderr}");
    assert!(
        stderr.starts_with(&format!(
            "error: {SPEC_PATH}: progenitor cannot generate code"
        )),
        "stderr: {stderr}"
    );
    assert_eq!(stderr.trim_end().lines().count(), 1, "stderr: {stderr}");
    for panic_text in ["thread '", "RUST_BACKTRACE", "stack backtrace"] {
        assert!(!stderr.contains(panic_text), "stderr: {stderr}");
    }
    assert_eq!(files_under(root.path()), [SPEC_PATH]);
}

#[test]
fn failed_generation_leaves_existing_generated_files_untouched() {
    let text = replace_once(&real_spec(), "openapi: 3.0.3\n", "openapi: 3.1.0\n");
    let root = root_with_spec_and_generated(&text);
    // Make one of them stale, so a write would be visible.
    let stale = b"// an old generated file\n";
    common::write_bytes(root.path(), GENERATED[1], stale);
    let before: Vec<Vec<u8>> = GENERATED
        .iter()
        .map(|rel| fs::read(root.path().join(rel)).expect("read"))
        .collect();
    let listing = files_under(root.path());

    for mode in [Mode::Write, Mode::Check] {
        let err = xtask::run(root.path(), Path::new(SPEC_PATH), mode)
            .expect_err("a 3.1.0 spec must fail");
        assert!(err.to_string().contains("OpenAPI 3.1.0"), "{err}");
    }
    for (rel, bytes) in GENERATED.iter().zip(&before) {
        let after = fs::read(root.path().join(rel)).expect("read");
        assert!(after == *bytes, "{rel} changed although generation failed");
    }
    assert_eq!(
        files_under(root.path()),
        listing,
        "no temp files left behind"
    );
}

#[test]
fn date_time_typify_would_make_chrono_is_rejected() {
    // `maxLength` makes the schema more than `type` + `format`, so the
    // Timestamp conversion does not match and typify falls back to chrono.
    let text = replace_once(
        &real_spec(),
        "          description: The time at which the entity context sync configuration was created.\n",
        "          description: The time at which the entity context sync configuration was created.\n          \
         maxLength: 64\n",
    );
    let msg = fails(&text);
    assert_contains(
        &msg,
        &[
            "a `format: date-time` schema was generated as `chrono::DateTime`",
            "::entity_context_sync_client::Timestamp",
            "maxLength",
        ],
    );
}
