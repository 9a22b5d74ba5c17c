//! The conventions the xtask applies on top of progenitor (documented in
//! openapi/README.md), checked on the generated code.

mod common;

use std::path::Path;

use common::{
    SECRETS_SCHEMAS, SOURCE_TYPES_TAIL, UNION_SCHEMAS, real_spec, replace_n, replace_once,
    root_with_spec, squash, synthetic_spec,
};
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

    // Single-value enums pinning a union member's discriminator stay closed too.
    assert!(types.contains("pub enum SecurityMonitoringIntegrationTypeOkta {"));
    assert!(!open.contains("SecurityMonitoringIntegrationTypeOkta"));

    // `oneOf` + `discriminator` schemas are our tagged unions, not typify's
    // untagged enums, and the request data point at them.
    let unions = module(&client, "unions");
    for name in [
        "SecurityMonitoringIntegrationConfigCreateAttributes",
        "SecurityMonitoringIntegrationConfigUpdateAttributes",
        "SecurityMonitoringIntegrationCredentialsValidateAttributes",
    ] {
        assert!(
            unions.contains(&format!("pub enum {name} {{")),
            "{name} union"
        );
        assert!(
            !types.contains(&format!("pub enum {name} ")),
            "{name} replaced"
        );
        assert!(
            types.contains(&format!(
                "pub attributes: ::entity_context_sync_client::unions::{name},"
            )),
            "{name} used"
        );
    }
    assert!(!client.contains("untagged"), "no untagged enum is left");
    for variant in [
        "GoogleWorkspace(",
        "Okta(",
        "EntraId(",
        "Crowdstrike(",
        "Sentinelone(",
        "Unknown(::entity_context_sync_client::RawAttributes)",
    ] {
        assert!(unions.contains(variant), "{variant}");
    }
    // Response attributes are not a union: the general (open) enum stays.
    assert!(types.contains(
        "pub integration_type: ::entity_context_sync_client::open_enums::SecurityMonitoringIntegrationType,"
    ));

    // Write-only schemas (and the service account key they reach) are
    // `secrets` structs of `SecretString`s; the old `SecretMap` is gone.
    let secrets = module(&client, "secrets");
    for name in [
        "SecurityMonitoringIntegrationConfigGoogleWorkspaceSecrets",
        "SecurityMonitoringIntegrationConfigGoogleWorkspaceServiceAccount",
        "SecurityMonitoringIntegrationConfigOktaSecrets",
        "SecurityMonitoringIntegrationConfigCrowdStrikeSecrets",
        "SecurityMonitoringIntegrationConfigSentinelOneSecrets",
    ] {
        assert!(secrets.contains(&format!("pub struct {name} {{")), "{name}");
        assert!(
            !types.contains(&format!("pub struct {name} ")),
            "{name} replaced"
        );
    }
    assert!(types.contains(
        "pub secrets: ::entity_context_sync_client::secrets::SecurityMonitoringIntegrationConfigOktaSecrets,"
    ));
    assert!(
        squash(secrets)
            .contains("pubprivate_key:::entity_context_sync_client::secret::SecretString,")
    );
    assert!(squash(secrets).contains(
        "pubextra:::std::collections::BTreeMap<::std::string::String,::entity_context_sync_client::SecretJson,>"
    ));
    assert!(!client.contains("SecretMap"));
    assert_debug_prints_no_value(secrets);

    // Free-form `additionalProperties: {}` is a `serde_json::Map` (sorted:
    // the workspace does not enable serde_json's `preserve_order`).
    assert!(types.contains(
        "pub struct SecurityMonitoringIntegrationConfigSettings(\n        pub ::serde_json::Map<::std::string::String, ::serde_json::Value>,"
    ));
    assert!(!client.contains("HashMap"));

    // Hooks are required; progenitor's `api-version` header is not generated
    // and bodies decode without copying the headers (codegen/send.rs).
    assert!(client.contains("Client: ClientHooks<crate::RequestContext>"));
    assert!(!client.contains("api-version"));
    assert!(!client.contains("header_map"));
    assert!(!client.contains("ResponseValue::from_response"));
    assert!(client.contains("crate::decode::response_value(response).await"));

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
/// acronym-heavy Datadog names must still become open enums, secrets and
/// unions (with acronym-named members).
#[test]
fn acronym_schema_names_are_still_replaced() {
    let text = replace_once(
        &real_spec(),
        "    SecurityMonitoringIntegrationType:\n",
        "    SIEMIntegrationType:\n",
    );
    let text = replace_n(
        &text,
        "SecurityMonitoringIntegrationType\"",
        "SIEMIntegrationType\"",
        2, // the filter parameter and the response attributes
    );
    let text = replace_n(
        &text,
        "SecurityMonitoringIntegrationConfigOktaSecrets",
        "SIEMOktaSecrets",
        4, // the schema and the create, update and validate references
    );
    let text = replace_n(
        &text,
        "SecurityMonitoringIntegrationConfigCreateAttributes",
        "SIEMConfigCreateAttributes",
        2,
    );
    let text = replace_n(
        &text,
        "SecurityMonitoringOktaIntegrationConfigCreateAttributes",
        "SIEMOktaCreateAttributes",
        3, // the schema, its `oneOf` entry and its mapping
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
    let secrets = module(&client, "secrets");
    assert!(
        secrets.contains("pub struct SiemOktaSecrets {"),
        "{secrets}"
    );
    assert!(types.contains("pub secrets: ::entity_context_sync_client::secrets::SiemOktaSecrets,"));
    assert!(!types.contains("pub struct SiemOktaSecrets"));
    let unions = module(&client, "unions");
    assert!(
        unions.contains("pub enum SiemConfigCreateAttributes {"),
        "{unions}"
    );
    assert!(
        squash(unions)
            .contains("Okta(::entity_context_sync_client::types::SiemOktaCreateAttributes")
    );
    assert!(!types.contains("pub enum SiemConfigCreateAttributes"));
    assert!(types.contains("pub struct SiemOktaCreateAttributes {"));
}

/// Variant names must be identifiers: a value starting with a digit gets `V`.
#[test]
fn enum_value_starting_with_a_digit_gets_a_v_prefix() {
    let text = replace_n(
        &real_spec(),
        SOURCE_TYPES_TAIL,
        &format!("{SOURCE_TYPES_TAIL}        - 1PASSWORD\n"),
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
    let text = replace_once(
        &real_spec(),
        "      additionalProperties: {}\n      example:\n",
        "      additionalProperties:\n        type: string\n      example:\n",
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

/// Checks every `Debug` impl of a generated `secrets` module: no derived
/// `Debug`, and each field shown as `[REDACTED]` (or, for a nested secrets
/// struct, through that struct's own checked `Debug`), never its value.
fn assert_debug_prints_no_value(secrets: &str) {
    let flat = squash(secrets);
    for derive in flat.split("#[derive(").skip(1) {
        let list = &derive[..derive.find(")]").expect("derive list ends")];
        assert!(
            !list.split(',').any(|d| d.ends_with("Debug")),
            "secrets must not derive Debug: {list}"
        );
    }
    let structs: Vec<&str> = flat
        .split("pubstruct")
        .skip(1)
        .filter_map(|s| s.split('{').next())
        .collect();
    let impls: Vec<&str> = flat.split("impl::std::fmt::Debugfor").skip(1).collect();
    assert_eq!(impls.len(), structs.len(), "one Debug impl per struct");
    for body in impls {
        for call in body.split(".field(").skip(1) {
            let mut depth = 0;
            let end = call
                .char_indices()
                .find(|&(_, c)| {
                    match c {
                        '(' => depth += 1,
                        ')' if depth == 0 => return true,
                        ')' => depth -= 1,
                        _ => {}
                    }
                    false
                })
                .map(|(i, _)| i)
                .expect("`.field(` call ends");
            let (name, shown) = call[..end].split_once(',').expect("field name, value");
            let shown = shown.strip_suffix(',').unwrap_or(shown);
            let redacted = "::entity_context_sync_client::secret::Redacted";
            let allowed = shown == format!("&{redacted}")
                || shown.ends_with(&format!(".as_ref().map(|_|{redacted})"))
                || shown == "&::entity_context_sync_client::secret::redacted_map(&self.extra)"
                || shown.strip_prefix("&self.").is_some_and(|field| {
                    // Only a field holding another secrets struct.
                    structs.iter().any(|s| {
                        flat.contains(&format!("pub{field}:{s},"))
                            || flat.contains(&format!("pub{field}:::std::option::Option<{s},>"))
                            || flat.contains(&format!("pub{field}:::std::option::Option<{s}>"))
                    })
                });
            assert!(allowed, "Debug shows field {name} as `{shown}`");
        }
    }
}

#[test]
fn union_has_one_variant_per_mapping_value_and_unknown() {
    let client = client_for(&synthetic_spec(UNION_SCHEMAS));
    let types = module(&client, "types");
    let unions = squash(module(&client, "unions"));
    let path = "::entity_context_sync_client::types::";

    // One variant per mapping value, named after the value, plus `Unknown`.
    assert!(
        unions.contains(&format!(
            "pubenumAttrs{{///`ALPHA`:[`AlphaAttrs`]({path}AlphaAttrs).Alpha({path}AlphaAttrs),\
             ///`beta-two`:[`BetaAttrs`]({path}BetaAttrs).BetaTwo({path}BetaAttrs),"
        )),
        "{unions}"
    );
    assert!(unions.contains("Unknown(::entity_context_sync_client::RawAttributes),}"));
    assert!(unions.contains("pubconstDISCRIMINATOR:&'staticstr=\"kind\";"));
    assert!(unions.contains("Self::Alpha(_)=>\"ALPHA\",Self::BetaTwo(_)=>\"beta-two\","));

    // Decoding dispatches on the discriminator; an unknown value is kept raw.
    assert!(unions.contains("letmap=<::serde_json::Map<"));
    assert!(unions.contains("matchmap.get(\"kind\")"));
    for (value, variant) in [("ALPHA", "Alpha"), ("beta-two", "BetaTwo")] {
        let arm = &unions[unions.find(&format!("\"{value}\"=>")).expect("match arm")..];
        let arm = &arm[..arm
            .find("=>")
            .and_then(|i| arm[i + 2..].find("=>").map(|j| i + 2 + j))
            .unwrap_or(arm.len())];
        assert!(
            arm.contains(&format!(
                "::serde_json::from_value(::serde_json::Value::Object(map)).map(Self::{variant})"
            )),
            "{arm}"
        );
        // A decode error is scrubbed of every string under `secrets`.
        assert!(
            arm.contains(".map_err(|e|D::Error::custom(scrub(e.to_string(),secrets.as_ref())"),
            "{arm}"
        );
    }
    assert!(unions.contains("fnscrub(message:::std::string::String,"));
    assert!(
        unions.contains(
            "_=>{Ok(Self::Unknown(::entity_context_sync_client::RawAttributes::new(map,None)"
        ) || unions.contains(
            "_=>Ok(Self::Unknown(::entity_context_sync_client::RawAttributes::new(map,None)"
        )
    );

    // `From` each member and from raw attributes.
    for (member, variant) in [("AlphaAttrs", "Alpha"), ("BetaAttrs", "BetaTwo")] {
        assert!(
            unions.contains(&format!(
                "impl::std::convert::From<{path}{member}>forAttrs{{fnfrom(value:{path}{member})->Self{{Self::{variant}(value)}}}}"
            )),
            "From<{member}>: {unions}"
        );
    }
    assert!(unions.contains(
        "impl::std::convert::From<::entity_context_sync_client::RawAttributes>forAttrs{fnfrom(value:::entity_context_sync_client::RawAttributes)->Self{Self::Unknown(value)}}"
    ));

    // typify's untagged enum is not generated; its members are, and the
    // body points at the union.
    assert!(!types.contains("pub enum Attrs"), "{types}");
    assert!(!client.contains("untagged"));
    assert!(types.contains("pub struct AlphaAttrs {"));
    assert!(types.contains("pub struct BetaAttrs {"));
    assert!(types.contains("pub attributes: ::entity_context_sync_client::unions::Attrs,"));
}

#[test]
fn write_only_schemas_become_secret_structs() {
    let client = client_for(&synthetic_spec(SECRETS_SCHEMAS));
    let types = module(&client, "types");
    let secrets = module(&client, "secrets");
    let flat = squash(secrets);
    let krate = "::entity_context_sync_client";

    // Required string -> `SecretString`, exposed only when serialized.
    assert!(
        flat.contains(&format!(
            "///Thetoken.#[serde(serialize_with=\"{krate}::secret::expose\")]\
             #[cfg_attr(feature=\"schemars\",schemars(with=\"::std::string::String\"))]pubtoken:{krate}::secret::SecretString,"
        )),
        "{secrets}"
    );
    // Optional string -> `Option<SecretString>`, skipped when absent.
    assert!(flat.contains(&format!(
        "#[serde(default,skip_serializing_if=\"::std::option::Option::is_none\",\
         serialize_with=\"{krate}::secret::expose_option\")]\
         #[cfg_attr(feature=\"schemars\",schemars(with=\"::std::option::Option<::std::string::String>\"))]\
         pubhint:::std::option::Option<{krate}::secret::SecretString,>,"
    )));
    // Nested `$ref` object -> the nested secrets struct (optional too).
    assert!(flat.contains("pubkey:Key,"), "{secrets}");
    assert!(flat.contains(
        "#[serde(default,skip_serializing_if=\"::std::option::Option::is_none\")]pubbackup:::std::option::Option<Key>,"
    ));
    // Additional properties -> `extra`, each value a `SecretJson`.
    assert!(flat.contains(&format!(
        "#[serde(flatten)]pubextra:::std::collections::BTreeMap<::std::string::String,{krate}::SecretJson,>,"
    )));
    // The schema reached by `$ref` is a secrets struct as well, with its
    // keyword field renamed.
    assert!(flat.contains("pubstructKey{"), "{secrets}");
    assert!(flat.contains(&format!(
        "#[serde(rename=\"type\")]#[serde(serialize_with=\"{krate}::secret::expose\")]\
         #[cfg_attr(feature=\"schemars\",schemars(with=\"::std::string::String\"))]pubtype_:{krate}::secret::SecretString,"
    )));

    // typify generates neither; the body points at ours.
    assert!(!types.contains("pub struct Creds"), "{types}");
    assert!(!types.contains("pub struct Key"), "{types}");
    assert!(types.contains("pub secrets: ::entity_context_sync_client::secrets::Creds,"));

    // `Debug` never prints a value.
    assert_debug_prints_no_value(secrets);
    // (Fields come in name order, as serde_json keeps the spec's properties.)
    assert!(flat.contains(&format!(
        ".field(\"backup\",&self.backup).field(\"hint\",&self.hint.as_ref().map(|_|{krate}::secret::Redacted),).field(\"key\",&self.key).field(\"token\",&{krate}::secret::Redacted)"
    )), "{secrets}");
    assert!(flat.contains(&format!(
        ".field(\"extra\",&{krate}::secret::redacted_map(&self.extra),)"
    )));
}

#[test]
fn a_spec_without_unions_or_secrets_has_neither_module() {
    let client = client_for(&synthetic_spec(
        "Body:\n  type: object\n  properties:\n    name:\n      type: string\n",
    ));
    assert!(!client.contains("pub mod unions"));
    assert!(!client.contains("pub mod secrets"));
    assert!(client.contains("pub mod spec_info"));
}

#[test]
fn json_schema_is_behind_the_schemars_feature() {
    // The real spec has every kind: progenitor's derives, the secrets'
    // `#[schemars(with)]` fields and the xtask's hand-written impls.
    let flat = squash(&client_for(&real_spec()));
    let derives = flat
        .matches("#[cfg_attr(feature=\"schemars\",derive(schemars::JsonSchema))]")
        .count();
    let impls = flat
        .matches("#[cfg(feature=\"schemars\")]impl::schemars::JsonSchemafor")
        .count();
    assert!(
        derives > 20 && impls >= 3,
        "{derives} derives, {impls} impls"
    );
    assert_eq!(
        flat.matches("JsonSchema").count(),
        derives + impls,
        "a JsonSchema derive or impl outside the `schemars` feature"
    );
    let helpers = flat.matches("schemars(with=").count();
    assert!(helpers > 0);
    assert_eq!(
        flat.matches("#[cfg_attr(feature=\"schemars\",schemars(with=")
            .count(),
        helpers,
        "a #[schemars] attribute outside the `schemars` feature"
    );
}

#[test]
fn date_times_are_the_sdks_timestamp_not_chrono() {
    let timestamp = "::entity_context_sync_client::Timestamp";
    let client = client_for(&real_spec());
    assert!(
        !client.contains("chrono"),
        "the generated client names chrono"
    );
    assert!(
        client.contains(&format!(
            "pub created_at: ::std::option::Option<{timestamp}>"
        )),
        "created_at is a Timestamp"
    );

    // Whatever metadata the schema carries (description, example, ...).
    let client = client_for(&synthetic_spec(
        r#"
        Body:
          type: object
          required: [at]
          properties:
            at:
              type: string
              format: date-time
            described:
              description: When.
              example: "2026-05-01T12:00:00Z"
              format: date-time
              type: string
        "#,
    ));
    assert!(!client.contains("chrono"), "{client}");
    let flat = squash(&client);
    assert!(flat.contains(&format!("pubat:{timestamp},")), "{client}");
    assert!(
        flat.contains(&format!("pubdescribed:::std::option::Option<{timestamp}>,")),
        "{client}"
    );

    // And the committed files.
    let root = Path::new(env!("CARGO_MANIFEST_DIR")).join("..");
    for file in common::GENERATED {
        let text = std::fs::read_to_string(root.join(file)).expect("generated file");
        assert!(!text.contains("chrono"), "{file} names chrono");
    }
}
