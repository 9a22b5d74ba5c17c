//! The conventions the xtask applies on top of progenitor (documented in
//! openapi/README.md), checked on the generated code.

mod common;

use std::path::Path;

use common::{real_spec, replace_n, root_with_spec};
use xtask::SPEC_PATH;
use xtask::codegen::CLIENT_OUT;

/// The generated client for `spec_text`.
fn client_for(spec_text: &str) -> String {
    let root = root_with_spec(spec_text);
    let files = xtask::codegen::generate(root.path(), Path::new(SPEC_PATH))
        .unwrap_or_else(|e| panic!("generation failed: {e}"));
    files
        .into_iter()
        .find(|f| f.path == Path::new(CLIENT_OUT))
        .expect("client file")
        .contents
}

/// The text of `pub mod name { ... }` (up to the next top-level item).
fn module<'a>(code: &'a str, name: &str) -> &'a str {
    let start = code
        .find(&format!("\npub mod {name} {{"))
        .unwrap_or_else(|| panic!("no `pub mod {name}`"));
    let rest = &code[start + 1..];
    let end = rest.find("\n}\n").map_or(rest.len(), |i| i + 3);
    &rest[..end]
}

#[test]
fn real_spec_conventions() {
    let client = client_for(&real_spec());
    let types = module(&client, "types");
    let open = module(&client, "open_enums");

    // Multi-value string enums are open, and typify does not generate them.
    for name in [
        "SecurityMonitoringIntegrationType",
        "SecurityMonitoringIntegrationConfigState",
    ] {
        assert!(open.contains(&format!("pub enum {name} {{")), "{name} open");
        assert!(
            !types.contains(&format!("pub enum {name} ")),
            "{name} replaced"
        );
        assert!(types.contains(&format!("::entity_context_sync_client::open_enums::{name}")));
    }
    assert!(open.contains("Unknown(String),"));
    assert!(open.contains("Self::EntraId => \"ENTRA_ID\""));
    assert!(open.contains("Self::Initializing => \"initializing\""));

    // The single-value JSON:API `type` enum stays closed.
    assert!(types.contains("pub enum SecurityMonitoringIntegrationConfigResourceType {"));
    assert!(!open.contains("SecurityMonitoringIntegrationConfigResourceType"));

    // The write-only string map of credentials becomes `SecretMap`.
    assert!(types.contains("pub secrets: ::entity_context_sync_client::SecretMap,"));
    assert!(!types.contains("pub struct SecurityMonitoringIntegrationConfigSecrets"));

    // Free-form `additionalProperties: {}` is a `serde_json::Map` (sorted:
    // the workspace does not enable serde_json's `preserve_order`).
    assert!(types.contains(
        "pub struct SecurityMonitoringIntegrationConfigSettings(\n        pub ::serde_json::Map<::std::string::String, ::serde_json::Value>,"
    ));
    assert!(!client.contains("HashMap"));

    // progenitor sends `api-version`; hooks are required (they strip it).
    assert!(client.contains("HeaderName::from_static(\"api-version\")"));
    assert!(client.contains("Client: ClientHooks<crate::RequestContext>"));

    // `servers` and the operations end up in `spec_info`.
    let info = module(&client, "spec_info");
    assert!(info.contains("pub const API_VERSION: &str = \"2.0\";"));
    let sites = [
        "datadoghq.com",
        "us3.datadoghq.com",
        "us5.datadoghq.com",
        "ap1.datadoghq.com",
        "ap2.datadoghq.com",
        "datadoghq.eu",
        "ddog-gov.com",
        "us2.ddog-gov.com",
    ];
    let listed: Vec<&str> = info
        .lines()
        .map(str::trim)
        .filter_map(|l| l.strip_prefix('"')?.strip_suffix("\","))
        .filter(|l| l.contains('.') && !l.contains('/'))
        .collect();
    assert_eq!(listed, sites, "SITES in spec order:\n{info}");
    assert!(info.contains("\"CreateSecurityMonitoringIntegrationConfig\",\n            \"POST\","));
}

/// typify keys types (and so our replacements) by its own PascalCase name;
/// acronym-heavy Datadog names must still become open enums / secret maps.
#[test]
fn acronym_schema_names_are_still_replaced() {
    let text = replace_n(
        &real_spec(),
        "SecurityMonitoringIntegrationType",
        "SIEMIntegrationType",
        3, // the schema and its two references
    );
    let text = replace_n(
        &text,
        "SecurityMonitoringIntegrationConfigSecrets",
        "SIEMConfigSecrets",
        2,
    );
    let client = client_for(&text);
    let types = module(&client, "types");
    let open = module(&client, "open_enums");
    assert!(open.contains("pub enum SiemIntegrationType {"), "{open}");
    assert!(types.contains("::entity_context_sync_client::open_enums::SiemIntegrationType"));
    assert!(
        !types.contains("pub enum SiemIntegrationType"),
        "must not be closed"
    );
    assert!(types.contains("pub secrets: ::entity_context_sync_client::SecretMap,"));
    assert!(!types.contains("pub struct SiemConfigSecrets"));
}

/// Variant names must be identifiers: a value starting with a digit gets `V`.
#[test]
fn enum_value_starting_with_a_digit_gets_a_v_prefix() {
    let text = replace_n(
        &real_spec(),
        "        - ENTRA_ID\n",
        "        - ENTRA_ID\n        - 1PASSWORD\n",
        2,
    );
    let open = client_for(&text);
    let open = module(&open, "open_enums");
    assert!(open.contains("Self::V1password => \"1PASSWORD\""), "{open}");
    assert!(open.contains("\"1PASSWORD\" => Self::V1password"));
}

/// Typed maps (`additionalProperties` with a schema) are `BTreeMap`s, so keys
/// go on the wire in a stable order.
#[test]
fn typed_maps_are_btree_maps() {
    let text = common::replace_once(
        &real_spec(),
        "      additionalProperties: {}\n",
        "      additionalProperties:\n        type: string\n",
    );
    let client = client_for(&text);
    let types = module(&client, "types");
    assert!(
        types
            .contains("::std::collections::BTreeMap<::std::string::String, ::std::string::String>"),
        "{types}"
    );
    assert!(!client.contains("HashMap"));
}
